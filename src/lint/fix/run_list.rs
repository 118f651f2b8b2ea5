//! Run lists with the byte range of each entry, and how to rewrite one entry: what the
//! include-all migration (the fix of `INC001`/`INC002`) edits.
//!
//! Read from a prism parse of a role (`roles/*.rb`: `run_list`, `env_run_lists`) or a
//! Policyfile (`run_list`, `named_run_list`), and from a small scan of a JSON role
//! (`"run_list"`, `"env_run_lists"`) after serde_json has accepted the whole text (serde_json
//! keeps no positions). Nothing here runs while linting: only when a fix is asked for.

use std::ops::Range;

/// One entry of a run list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The whole element in the file, quotes included (`"recipe[app]"`, a `%w` word).
    pub range: Range<usize>,
    /// Its text (`recipe[app]`); `None` when it is not a literal (a variable, an
    /// interpolated string, a method call): the run list is then only partly known.
    pub value: Option<String>,
    /// How the element is written: the quote that opens it (`'`, `"`), or `None` for a
    /// word of a `%w[…]` list.
    pub quote: Option<char>,
}

/// One run list of a file (a role's `run_list`, one environment's list of
/// `env_run_lists`, a Policyfile's `named_run_list`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunList {
    /// What it is, for messages: `run_list`, `env_run_lists "production"`.
    pub label: String,
    pub entries: Vec<Entry>,
}

/// Every run list of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunLists {
    pub lists: Vec<RunList>,
    /// Every run-list call or key was understood (arguments are literals, lists or hashes of
    /// them). When not, a recipe the file does not seem to name may still be in a run list.
    pub complete: bool,
}

/// What a run-list entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `recipe[cb::r]`, `cb::r`, `cb` (recipe `default`), maybe with `@version`; `wrapped`
    /// when written in `recipe[…]`.
    Recipe {
        cookbook: String,
        recipe: String,
        version: bool,
        wrapped: bool,
    },
    /// `role[x]`.
    Role,
    /// Anything else (empty, malformed).
    Other,
}

/// Parse a run-list entry the way Chef does (`recipe[x]`, `role[x]`, a bare recipe name with an
/// optional `@version`).
pub fn item(entry: &str) -> Item {
    let entry = entry.trim();
    if entry.starts_with("role[") {
        return Item::Role;
    }
    let (name, wrapped) = match entry.strip_prefix("recipe[") {
        Some(rest) => match rest.strip_suffix(']') {
            Some(inner) => (inner, true),
            None => return Item::Other,
        },
        None if entry.contains(['[', ']']) => return Item::Other,
        None => (entry, false),
    };
    let (name, version) = match name.split_once('@') {
        Some((n, _)) => (n, true),
        None => (name, false),
    };
    let (cookbook, recipe) = match name.split_once("::") {
        Some((c, r)) => (c, r),
        None => (name, "default"),
    };
    if cookbook.is_empty() || recipe.is_empty() || recipe.contains("::") || name.contains(' ') {
        return Item::Other;
    }
    Item::Recipe {
        cookbook: cookbook.to_string(),
        recipe: recipe.to_string(),
        version,
        wrapped,
    }
}

/// The recipe an entry names, as `(cookbook, recipe)` (`cb` is `(cb, default)`).
pub fn recipe_key(entry: &str) -> Option<(String, String)> {
    match item(entry) {
        Item::Recipe {
            cookbook, recipe, ..
        } => Some((cookbook, recipe)),
        _ => None,
    }
}

impl RunList {
    /// The text between two neighbouring entries written like `like` (a comma and the layout
    /// for quoted entries, a space or a line break between `%w` words), taken from this list
    /// when it has such a pair, else `, ` or ` `.
    pub fn separator(&self, text: &str, like: &Entry) -> String {
        for pair in self.entries.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.quote.is_some() != like.quote.is_some() || b.quote.is_some() != a.quote.is_some() {
                continue;
            }
            let Some(gap) = text.get(a.range.end..b.range.start) else {
                continue;
            };
            let ok = match like.quote {
                Some(_) => gap.trim() == ",",
                None => !gap.is_empty() && gap.trim().is_empty(),
            };
            if ok {
                return gap.to_string();
            }
        }
        if like.quote.is_some() {
            ", ".to_string()
        } else {
            " ".to_string()
        }
    }

    /// The edit that removes entry `i` with one separator next to it: `(range, "")`.
    pub fn removal(&self, i: usize) -> Range<usize> {
        let entry = &self.entries[i];
        if i > 0 {
            self.entries[i - 1].range.end..entry.range.end
        } else if let Some(next) = self.entries.get(1) {
            entry.range.start..next.range.start
        } else {
            entry.range.clone()
        }
    }
}

/// `value` written as an element like `like` (same quotes; a bare word in a `%w` list; JSON
/// strings always in double quotes).
pub fn element(value: &str, like: &Entry) -> String {
    match like.quote {
        Some(q) => format!("{q}{value}{q}"),
        None => value.to_string(),
    }
}

/// The run lists of a Ruby role or Policyfile, from a prism parse. A file with a syntax error
/// gives nothing, incomplete.
pub fn ruby_run_lists(text: &str) -> RunLists {
    let result = ruby_prism::parse(text.as_bytes());
    if result.errors().next().is_some() {
        return RunLists::default();
    }
    let mut finder = Finder {
        text,
        out: RunLists {
            lists: Vec::new(),
            complete: true,
        },
    };
    ruby_prism::Visit::visit(&mut finder, &result.node());
    finder.out
}

struct Finder<'t> {
    text: &'t str,
    out: RunLists,
}

impl<'pr> ruby_prism::Visit<'pr> for Finder<'_> {
    fn visit_call_node(&mut self, node: &ruby_prism::CallNode<'pr>) {
        let name = node.name().as_slice();
        if node.receiver().is_none()
            && matches!(
                name,
                b"run_list" | b"env_run_lists" | b"named_run_list" | b"env_run_list"
            )
        {
            let args: Vec<ruby_prism::Node<'pr>> = node
                .arguments()
                .map(|a| a.arguments().iter().collect())
                .unwrap_or_default();
            if node.block().is_some() {
                self.out.complete = false;
            }
            match name {
                b"run_list" => {
                    let mut list = RunList {
                        label: "run_list".to_string(),
                        entries: Vec::new(),
                    };
                    for arg in &args {
                        self.entries(arg, &mut list.entries, true);
                    }
                    self.out.lists.push(list);
                }
                b"named_run_list" => {
                    let label = args.first().and_then(|a| self.name_of(a));
                    let Some(label) = label else {
                        self.out.complete = false;
                        return;
                    };
                    let mut list = RunList {
                        label: format!("named_run_list :{label}"),
                        entries: Vec::new(),
                    };
                    for arg in &args[1..] {
                        self.entries(arg, &mut list.entries, true);
                    }
                    self.out.lists.push(list);
                }
                _ => {
                    for arg in &args {
                        self.env_lists(arg);
                    }
                }
            }
            return;
        }
        ruby_prism::visit_call_node(self, node);
    }
}

impl<'pr> Finder<'_> {
    fn slice(&self, loc: &ruby_prism::Location<'_>) -> Option<Range<usize>> {
        let (start, end) = (loc.start() as usize, loc.end() as usize);
        (start <= end && self.text.get(start..end).is_some()).then_some(start..end)
    }

    /// A literal string or symbol's text.
    fn name_of(&self, node: &ruby_prism::Node<'pr>) -> Option<String> {
        if let Some(s) = node.as_string_node() {
            return std::str::from_utf8(s.unescaped()).ok().map(str::to_string);
        }
        if let Some(s) = node.as_symbol_node() {
            return std::str::from_utf8(s.unescaped()).ok().map(str::to_string);
        }
        None
    }

    /// The entries of one argument: a string, an array of them, `*%w[…]`. `top` for a direct
    /// argument of the call (where a hash is not a run list).
    fn entries(&mut self, node: &ruby_prism::Node<'pr>, out: &mut Vec<Entry>, top: bool) {
        if let Some(array) = node.as_array_node() {
            for element in array.elements().iter() {
                self.entries(&element, out, false);
            }
            return;
        }
        if let Some(splat) = node.as_splat_node() {
            match splat.expression() {
                Some(e) if e.as_array_node().is_some() => self.entries(&e, out, false),
                _ => self.dynamic(node, out),
            }
            return;
        }
        if let Some(s) = node.as_string_node() {
            let Some(range) = self.slice(&s.location()) else {
                self.out.complete = false;
                return;
            };
            let quote = s
                .opening_loc()
                .and_then(|o| self.text.get(o.start() as usize..o.end() as usize))
                .map(|o| o.chars().last().unwrap_or('"'));
            // Only plain `'…'`/`"…"` strings and `%w` words are rewritten in kind: a
            // `%q(…)` or heredoc entry stays as it is (and is still read).
            let quote = match quote {
                None => None,
                Some(q @ ('\'' | '"'))
                    if s.opening_loc().is_some_and(|o| o.end() - o.start() == 1) =>
                {
                    Some(q)
                }
                Some(_) => Some('?'),
            };
            let value = std::str::from_utf8(s.unescaped()).ok().map(str::to_string);
            out.push(Entry {
                range,
                value,
                quote,
            });
            return;
        }
        if top && (node.as_keyword_hash_node().is_some() || node.as_hash_node().is_some()) {
            self.out.complete = false;
            return;
        }
        self.dynamic(node, out);
    }

    /// An entry that is not a literal: kept in place (so positions stay right), unknown.
    fn dynamic(&mut self, node: &ruby_prism::Node<'pr>, out: &mut Vec<Entry>) {
        self.out.complete = false;
        if let Some(range) = self.slice(&node.location()) {
            out.push(Entry {
                range,
                value: None,
                quote: Some('?'),
            });
        }
    }

    /// `env_run_lists "prod" => [...], "_default" => [...]` (a hash argument).
    fn env_lists(&mut self, node: &ruby_prism::Node<'pr>) {
        let elements = match (node.as_hash_node(), node.as_keyword_hash_node()) {
            (Some(h), _) => h.elements(),
            (_, Some(h)) => h.elements(),
            _ => {
                self.out.complete = false;
                return;
            }
        };
        for element in elements.iter() {
            let Some(assoc) = element.as_assoc_node() else {
                self.out.complete = false;
                continue;
            };
            let Some(env) = self.name_of(&assoc.key()) else {
                self.out.complete = false;
                continue;
            };
            let mut list = RunList {
                label: format!("env_run_lists \"{env}\""),
                entries: Vec::new(),
            };
            let value = assoc.value();
            if value.as_array_node().is_none() {
                self.out.complete = false;
            }
            self.entries(&value, &mut list.entries, false);
            self.out.lists.push(list);
        }
    }
}

/// The run lists of a JSON role or node (`"run_list": [...]`, `"env_run_lists": {"env":
/// [...]}` at the top level). Invalid JSON gives nothing, incomplete.
pub fn json_run_lists(text: &str) -> RunLists {
    if serde_json::from_str::<serde_json::Value>(text).is_err() {
        return RunLists::default();
    }
    let mut scan = Json {
        text: text.as_bytes(),
        at: 0,
        out: RunLists {
            lists: Vec::new(),
            complete: true,
        },
    };
    if scan.top().is_none() {
        return RunLists::default();
    }
    scan.out
}

/// A scan of JSON text serde_json has accepted: only positions are worked out here.
struct Json<'t> {
    text: &'t [u8],
    at: usize,
    out: RunLists,
}

impl Json<'_> {
    fn ws(&mut self) {
        while self.at < self.text.len() && self.text[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    /// A string: its range (quotes included) and value.
    fn string(&mut self) -> Option<(Range<usize>, String)> {
        self.ws();
        let start = self.at;
        if self.text.get(start) != Some(&b'"') {
            return None;
        }
        let mut i = start + 1;
        while i < self.text.len() {
            match self.text[i] {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        let end = (i + 1).min(self.text.len());
        self.at = end;
        let raw = std::str::from_utf8(&self.text[start..end]).ok()?;
        let value: String = serde_json::from_str(raw).ok()?;
        Some((start..end, value))
    }

    /// Skip any value.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' => {
                self.at += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                loop {
                    self.string()?;
                    self.eat(b':')?;
                    self.skip()?;
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
            b'[' => {
                self.at += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.skip()?;
                    if self.eat(b',').is_none() {
                        return self.eat(b']');
                    }
                }
            }
            _ => {
                while self.at < self.text.len()
                    && !matches!(self.text[self.at], b',' | b']' | b'}')
                    && !self.text[self.at].is_ascii_whitespace()
                {
                    self.at += 1;
                }
                Some(())
            }
        }
    }

    /// An array of run-list entries (a non-string element makes the lists incomplete).
    fn list(&mut self, label: String) -> Option<()> {
        if self.peek()? != b'[' {
            self.out.complete = false;
            return self.skip();
        }
        self.at += 1;
        let mut list = RunList {
            label,
            entries: Vec::new(),
        };
        if self.eat(b']').is_none() {
            loop {
                if self.peek()? == b'"' {
                    let (range, value) = self.string()?;
                    list.entries.push(Entry {
                        range,
                        value: Some(value),
                        quote: Some('"'),
                    });
                } else {
                    let start = self.at;
                    self.skip()?;
                    self.out.complete = false;
                    list.entries.push(Entry {
                        range: start..self.at,
                        value: None,
                        quote: Some('?'),
                    });
                }
                if self.eat(b',').is_none() {
                    self.eat(b']')?;
                    break;
                }
            }
        }
        self.out.lists.push(list);
        Some(())
    }

    fn top(&mut self) -> Option<()> {
        if self.peek()? != b'{' {
            return Some(());
        }
        self.at += 1;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let (_, key) = self.string()?;
            self.eat(b':')?;
            match key.as_str() {
                "run_list" => self.list("run_list".to_string())?,
                "env_run_lists" => self.env_lists()?,
                _ => self.skip()?,
            }
            if self.eat(b',').is_none() {
                return self.eat(b'}');
            }
        }
    }

    fn env_lists(&mut self) -> Option<()> {
        if self.peek()? != b'{' {
            self.out.complete = false;
            return self.skip();
        }
        self.at += 1;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let (_, env) = self.string()?;
            self.eat(b':')?;
            self.list(format!("env_run_lists \"{env}\""))?;
            if self.eat(b',').is_none() {
                return self.eat(b'}');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(lists: &RunLists) -> Vec<(String, Vec<String>)> {
        lists
            .lists
            .iter()
            .map(|l| {
                (
                    l.label.clone(),
                    l.entries
                        .iter()
                        .map(|e| e.value.clone().unwrap_or_else(|| "?".into()))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn items_parse_like_chef() {
        assert_eq!(
            recipe_key("recipe[app]"),
            Some(("app".into(), "default".into()))
        );
        assert_eq!(recipe_key(" app::web "), Some(("app".into(), "web".into())));
        assert_eq!(
            recipe_key("recipe[app::web@1.0.0]"),
            Some(("app".into(), "web".into()))
        );
        assert_eq!(item("role[base]"), Item::Role);
        assert_eq!(item("recipe[app"), Item::Other);
        assert_eq!(item("app::"), Item::Other);
    }

    #[test]
    fn ruby_roles_and_policyfiles() {
        let text = "name 'web'\nrun_list 'recipe[base]', \"recipe[app]\"\nenv_run_lists 'prod' => %w[recipe[app] role[x]], '_default' => []\n";
        let lists = ruby_run_lists(text);
        assert!(lists.complete);
        assert_eq!(
            values(&lists),
            vec![
                (
                    "run_list".into(),
                    vec!["recipe[base]".into(), "recipe[app]".into()]
                ),
                (
                    "env_run_lists \"prod\"".into(),
                    vec!["recipe[app]".into(), "role[x]".into()]
                ),
                ("env_run_lists \"_default\"".into(), vec![]),
            ]
        );
        let first = &lists.lists[0];
        assert_eq!(&text[first.entries[1].range.clone()], "\"recipe[app]\"");
        assert_eq!(first.entries[0].quote, Some('\''));
        assert_eq!(first.separator(text, &first.entries[0]), ", ");
        let prod = &lists.lists[1];
        assert_eq!(prod.entries[0].quote, None);
        assert_eq!(prod.separator(text, &prod.entries[0]), " ");

        let policy = "name 'web'\nrun_list ['app::default',\n          \"base\"]\nnamed_run_list :ci, 'app::test'\nrun_list NAMES\n";
        let lists = ruby_run_lists(policy);
        assert!(!lists.complete);
        assert_eq!(lists.lists[1].label, "named_run_list :ci");
        let sep = lists.lists[0].separator(policy, &lists.lists[0].entries[0]);
        assert_eq!(sep, ",\n          ");
        assert!(!ruby_run_lists("run_list 'a',").complete);
    }

    #[test]
    fn json_roles() {
        let text = r#"{"name": "web", "default_attributes": {"a": [1, {"b": "run_list"}]},
  "run_list": [
    "recipe[base]",
    "recipe[app]"
  ],
  "env_run_lists": {"prod": ["app::web"], "dev": []}}"#;
        let lists = json_run_lists(text);
        assert!(lists.complete);
        assert_eq!(
            values(&lists),
            vec![
                (
                    "run_list".into(),
                    vec!["recipe[base]".into(), "recipe[app]".into()]
                ),
                ("env_run_lists \"prod\"".into(), vec!["app::web".into()]),
                ("env_run_lists \"dev\"".into(), vec![]),
            ]
        );
        let list = &lists.lists[0];
        assert_eq!(&text[list.entries[1].range.clone()], "\"recipe[app]\"");
        assert_eq!(list.separator(text, &list.entries[0]), ",\n    ");
        assert_eq!(
            list.removal(1),
            list.entries[0].range.end..list.entries[1].range.end
        );
        assert!(!json_run_lists("{\"run_list\": [").complete);
        assert!(!json_run_lists("{\"run_list\": [1]}").complete);
    }
}
