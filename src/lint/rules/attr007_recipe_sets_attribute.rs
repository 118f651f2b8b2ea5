use ruby_prism::Node;

use crate::diag::Diagnostic;
use crate::lint::fix::{prism, Applicability, Edit, Fix, FixContext, Fixer};
use crate::lint::parse::facts::{AttrPath, Key};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a recipe that sets node attributes (`node.default['a']['b'] = …`,
    /// `node.override[…]`, `node.normal[…]`). `node.set[…]` and `node.set_unless[…]` are
    /// left to LEG001, which already reports that line (and says more about it).
    ///
    /// ## Why is this bad?
    /// Attributes set while recipes compile are global state written halfway through the run:
    /// recipes compiled earlier saw the old value, resources that read it at converge see the
    /// new one, and `normal` values are saved into the node object and survive every later
    /// run. The data flow between recipes becomes invisible.
    ///
    /// ## Example
    /// ```ruby
    /// node.default['app']['url'] = "https://#{node['fqdn']}"
    /// template '/etc/app.conf' do
    ///   variables(url: node['app']['url'])
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Compute the value where you use it and pass it explicitly:
    /// ```ruby
    /// url = "https://#{node['fqdn']}"
    /// template '/etc/app.conf' do
    ///   variables(url: url)
    /// end
    /// ```
    RULE = "ATTR007", "recipe-sets-attribute", Warning, "Node attributes set from a recipe", check,
    fix = FIX
}

// Moves the recipe's top-level `node.<level>[…] = <literal>` lines to the cookbook's
// `attributes/default.rb` as `<level>[…] = <literal>` (creating the file when missing).
// Unsafe: attribute files are loaded for every recipe of the cookbook and before any
// recipe, so the value is set earlier and on nodes that never ran this recipe. Writes in a
// conditional or block, with computed keys or values, or of an attribute another file
// also sets (or a parent or child of it), are left alone.
static FIX: Fixer = Fixer {
    applicability: Applicability::Unsafe,
    summary: "move literal attribute settings to attributes/default.rb",
    make: fix,
};

struct RecipeSetsAttribute<'a> {
    level: &'a str,
    path: &'a AttrPath,
}

impl Violation for RecipeSetsAttribute<'_> {
    fn message(&self) -> String {
        format!("recipe sets `node.{}{}`", self.level, self.path)
    }
    fn label(&self) -> String {
        "attribute written during the run".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "use a local variable or a resource property and pass the value explicitly".to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Recipe) {
        for write in &file.facts.writes {
            // LEG001 reports `node.set` / `node.set_unless` on the same line.
            if !write.via_node || matches!(write.level.as_str(), "set" | "set_unless") {
                continue;
            }
            let v = RecipeSetsAttribute {
                level: &write.level,
                path: &write.path,
            };
            sink.report(file, write.span, v);
        }
    }
}

/// Precedence levels whose `node.<level>[…] = v` means the same as `<level>[…] = v` in an
/// attributes file (`set`/`set_unless` are LEG001's).
const MOVABLE_LEVELS: &[&[u8]] = &[
    b"default",
    b"default_unless",
    b"force_default",
    b"force_override",
    b"normal",
    b"normal_unless",
    b"override",
    b"override_unless",
];

/// A top-level statement `node.<level>['k']…['k'] = <literal>` on lines of its own: the
/// lines' range in the recipe, their text as an attributes-file line (without `node.`), and
/// the attribute path.
fn movable(text: &str, stmt: &Node<'_>) -> Option<(usize, usize, String, AttrPath)> {
    let call = stmt.as_call_node()?;
    if call.name().as_slice() != b"[]=" || call.block().is_some() || call.is_safe_navigation() {
        return None;
    }
    let args = prism::arguments(&call);
    let [key, value] = args.as_slice() else {
        return None;
    };
    let mut keys = vec![prism::symbol_or_string(key)?];
    if !prism::is_literal(value) {
        return None;
    }
    // Down the `['k']` chain to `node.<level>`.
    let mut receiver = call.receiver()?;
    let level = loop {
        let c = receiver.as_call_node()?;
        if c.block().is_some() || c.is_safe_navigation() {
            return None;
        }
        let args = prism::arguments(&c);
        match c.name().as_slice() {
            b"[]" => {
                if args.len() != 1 {
                    return None;
                }
                keys.push(prism::symbol_or_string(&args[0])?);
                receiver = c.receiver()?;
            }
            name if MOVABLE_LEVELS.contains(&name) && args.is_empty() => {
                let node = c.receiver()?;
                let node = prism::bare_call(&node)?;
                if node.name().as_slice() != b"node" || node.arguments().is_some() {
                    return None;
                }
                break c;
            }
            _ => return None,
        }
    };
    let loc = stmt.location();
    let (from, to) = prism::own_lines(text, loc.start() as usize, loc.end() as usize)?;
    let level_start = level.message_loc()?.start() as usize;
    let mut line = text[from..loc.start() as usize].to_string();
    line.push_str(&text[level_start..to]);
    if !line.ends_with('\n') {
        line.push_str(prism::newline(text));
    }
    let path = AttrPath::from_keys(keys.into_iter().rev().map(Key::Lit));
    Some((from, to, line, path))
}

/// Move every movable attribute setting of the recipe (not only this finding's: they belong
/// together, and one edit of the attributes file per recipe keeps the fixes from overlapping).
fn fix(ctx: &FixContext<'_>, diag: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&diag.path)?;
    if file.kind != FileKind::Recipe || file.problem.is_some() {
        return None;
    }
    let text = file.text.as_str();
    let result = prism::parse(text)?;
    let stmts = prism::statements(&result);
    let at = prism::diag_offset(text, diag)?;
    // An attribute some other file also sets (another recipe, an attributes file) keeps its
    // place: moved, the recipe's value would replace the other one on every node, not only
    // on those that run this recipe.
    // The same goes for another write of it in this recipe (it may run before this one), and
    // for a read of it earlier in the recipe.
    let line_of = |at: usize| text[..at].matches('\n').count() as u32 + 1;
    let elsewhere = |(from, to, _, path): &(usize, usize, String, AttrPath)| {
        let lines = line_of(*from)..line_of(*to);
        // A read of it earlier in the recipe saw the value from before the write.
        let read_before = file
            .facts
            .reads
            .iter()
            .any(|r| r.path.overlaps(path) && r.span.line < lines.start);
        read_before
            || ctx.repo.files.iter().any(|f| {
                f.facts.writes.iter().any(|w| {
                    w.path.overlaps(path) && (f.path != file.path || !lines.contains(&w.span.line))
                })
            })
    };
    let mine = movable(text, &stmts[prism::statement_at(&stmts, at)?])?;
    if elsewhere(&mine) {
        return None;
    }
    let moves: Vec<(usize, usize, String, AttrPath)> = stmts
        .iter()
        .filter_map(|s| movable(text, s))
        .filter(|m| !elsewhere(m))
        .collect();

    // The attributes file beside the recipe's cookbook root, by display path.
    let root = file.path.strip_suffix(file.rel.as_str())?;
    let attributes = format!("{root}attributes/default.rb");
    let nl = prism::newline(text);
    let mut block = format!("{nl}# Moved from {} (ATTR007).{nl}", file.rel);
    for (_, _, line, _) in &moves {
        block.push_str(line);
    }
    // Lines removed together form runs; a run that leaves two blank lines (or a blank line at
    // the top of the file) behind takes the blank line after it too.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &(from, to, _, _) in &moves {
        match runs.last_mut() {
            Some(run) if run.1 == from => run.1 = to,
            _ => runs.push((from, to)),
        }
    }
    let mut edits: Vec<Edit> = runs
        .into_iter()
        .map(|(from, mut to)| {
            let blank_before =
                from == 0 || prism::blank_line(text, prism::line_start(text, from - 1));
            if blank_before && to < text.len() && prism::blank_line(text, to) {
                to = prism::line_end(text, to);
            }
            Edit::replace(&file.path, from, to, "")
        })
        .collect();
    match ctx.file(&attributes) {
        Some(existing) => {
            if existing.problem.is_some() || prism::parse(&existing.text).is_none() {
                return None;
            }
            let end = existing.text.len();
            if !existing.text.is_empty() && !existing.text.ends_with('\n') {
                block.insert_str(0, nl);
            }
            edits.push(Edit::replace(&attributes, end, end, block));
        }
        None => edits.push(Edit::Create {
            path: attributes,
            text: block.trim_start().to_string(),
        }),
    }
    Some(Fix {
        title: format!(
            "move {} attribute setting{} from {} to attributes/default.rb",
            moves.len(),
            if moves.len() == 1 { "" } else { "s" },
            file.rel
        ),
        applicability: Applicability::Unsafe,
        leaves_finding: false,
        edits,
    })
}
