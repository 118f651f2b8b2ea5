//! One walk over a prism syntax tree that extracts [`Facts`]: attribute reads and writes,
//! `include_recipe` targets, resource declarations with their properties, DSL calls and data bag
//! reads. The tree never leaves the thread that parsed it; only the owned facts do.

use ruby_prism::{
    ArgumentsNode, AssocNode, CallNode, IndexAndWriteNode, IndexOperatorWriteNode,
    IndexOrWriteNode, LocalVariableWriteNode, Node, StringNode, Visit,
};

use super::facts::{
    AttrPath, AttrRead, AttrWrite, Call, Facts, Include, IncludeTarget, Key, Lit, Resource, Span,
    Stmt,
};
use super::scan;

/// Precedence levels that can start an attribute write (sorted: binary search) (`default['a'] = 1` in an attributes
/// file, `node.default['a'] = 1` anywhere).
pub const LEVELS: &[&str] = &[
    "default",
    "default_unless",
    "force_default",
    "force_override",
    "normal",
    "normal_unless",
    "override",
    "override_unless",
    "set",
    "set_unless",
];

/// Receiverless DSL methods that take a name and maybe a block but are not resources
/// (sorted: binary search).
const NOT_RESOURCES: &[&str] = &[
    "action",
    "action_class",
    "actions",
    "attr_accessor",
    "attr_reader",
    "attribute",
    "attribute?",
    "catch",
    "chef_version",
    "cookbook",
    "data_bag",
    "data_bag_item",
    "declare_resource",
    "default_action",
    "default_attributes",
    "default_source",
    "define",
    "define_method",
    "delete_resource",
    "depends",
    "description",
    "edit_resource",
    "env_run_lists",
    "extend",
    "fail",
    "find_resource",
    "format",
    "gem",
    "include",
    "include_policy",
    "include_recipe",
    "issues_url",
    "lambda",
    "lazy",
    "license",
    "load_current_value",
    "long_description",
    "loop",
    "maintainer",
    "maintainer_email",
    "module_function",
    "name",
    "named_run_list",
    "not_if",
    "notifies",
    "only_if",
    "override_attributes",
    "p",
    "platform?",
    "platform_family?",
    "print",
    "private",
    "proc",
    "property",
    "provider",
    "provides",
    "puts",
    "raise",
    "require",
    "require_relative",
    "resource_name",
    "resources",
    "run_list",
    "search",
    "sleep",
    "source_url",
    "sprintf",
    "subscribes",
    "supports",
    "tag",
    "tagged?",
    "throw",
    "unified_mode",
    "untag",
    "value_for_platform",
    "value_for_platform_family",
    "version",
    "warn",
    "with_run_context",
];

/// Chef's built-in resources that are commonly declared without a block (sorted).
const BLOCKLESS_RESOURCES: &[&str] = &[
    "apt_package",
    "apt_update",
    "bash",
    "chef_gem",
    "cookbook_file",
    "cron",
    "directory",
    "dnf_package",
    "execute",
    "file",
    "gem_package",
    "git",
    "group",
    "hostname",
    "link",
    "log",
    "mount",
    "ohai",
    "package",
    "reboot",
    "remote_file",
    "route",
    "ruby_block",
    "service",
    "sysctl",
    "systemd_unit",
    "template",
    "timezone",
    "user",
    "yum_package",
];

/// Byte offsets of line starts, for turning prism's byte offsets into line/column spans.
pub struct LineIndex<'s> {
    src: &'s str,
    starts: Vec<usize>,
    /// Pure ASCII (most cookbook files): columns are byte offsets, no characters to count.
    ascii: bool,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> Self {
        let mut starts = Vec::with_capacity(src.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
        LineIndex {
            src,
            starts,
            ascii: src.is_ascii(),
        }
    }

    /// The span of bytes `start..end`, clamped to the line it starts on.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = start.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= start) - 1;
        let line_start = self.starts[line];
        let line_end = self
            .starts
            .get(line + 1)
            .map_or(self.src.len(), |&s| s - 1)
            .max(start);
        let end = end.clamp(start, line_end);
        let chars = |a: usize, b: usize| match self.src.get(a..b) {
            Some(s) if !self.ascii => s.chars().count(),
            _ => b.saturating_sub(a),
        };
        Span {
            line: (line + 1) as u32,
            col: (chars(line_start, start) + 1) as u32,
            len: chars(start, end).max(1) as u32,
        }
    }
}

/// Parse `ruby` (whose byte offsets equal those of `display_src`, which is what spans are
/// computed against — the same text for a `.rb` file, the template for ERB) and extract facts.
pub fn extract(ruby: &[u8], display_src: &str) -> Facts {
    let result = ruby_prism::parse(ruby);
    let lines = LineIndex::new(display_src);
    let mut collector = Collector {
        lines: &lines,
        facts: Facts::default(),
        resource: None,
    };
    if let Some(err) = result.errors().next() {
        let loc = err.location();
        collector.facts.syntax_error = Some((
            lines.span(loc.start() as usize, loc.end() as usize),
            String::from_utf8_lossy(err.message()).into_owned(),
        ));
    }
    let root = result.node();
    if let Some(program) = root.as_program_node() {
        for stmt in program.statements().body().iter() {
            let is_include = stmt.as_call_node().is_some_and(|c| {
                c.receiver().is_none() && c.name().as_slice() == b"include_recipe"
            });
            let span = collector.span_of(&stmt.location());
            collector.facts.stmts.push(Stmt { is_include, span });
        }
    }
    collector.visit(&root);
    collector.facts
}

struct Collector<'a, 's> {
    lines: &'a LineIndex<'s>,
    facts: Facts,
    /// The resource block we are directly inside, if any.
    resource: Option<u32>,
}

/// Where an index chain like `node['a']['b']` starts.
enum Root {
    /// `node[...]`
    Node,
    /// `default[...]` (attributes-file DSL) or `node.default[...]`; the level is one of
    /// [`LEVELS`] (no copy: most chains are reads, where the root is dropped).
    Level { level: &'static str, via_node: bool },
}

impl<'a, 's> Collector<'a, 's> {
    fn span_of(&self, loc: &ruby_prism::Location<'_>) -> Span {
        self.lines.span(loc.start() as usize, loc.end() as usize)
    }

    fn secret(&mut self, name: &str, value: &[u8], loc: &ruby_prism::Location<'_>) {
        if scan::secret_name(name) && scan::secret_value(&String::from_utf8_lossy(value)) {
            let span = self.span_of(loc);
            self.facts.secrets.push((span, name.to_string()));
        }
    }

    fn call_span(&self, call: &CallNode<'_>) -> Span {
        let start = call.location().start();
        let end = call
            .closing_loc()
            .map(|l| l.end())
            .or_else(|| call.arguments().map(|a| a.location().end()))
            .or_else(|| call.message_loc().map(|l| l.end()))
            .unwrap_or_else(|| call.location().end());
        self.lines.span(start as usize, end as usize)
    }

    /// `node`, `default`, `node.default`, … at the bottom of an index chain.
    fn root(node: &Node<'_>) -> Option<Root> {
        let call = node.as_call_node()?;
        if call.arguments().is_some() || call.block().is_some() {
            return None;
        }
        let name = std::str::from_utf8(call.name().as_slice()).ok()?;
        let level = LEVELS.binary_search(&name).ok().map(|i| LEVELS[i]);
        match (call.receiver(), level) {
            (None, _) if name == "node" => Some(Root::Node),
            (None, Some(level)) => Some(Root::Level {
                level,
                via_node: false,
            }),
            (Some(recv), Some(level)) if is_node(&recv) => Some(Root::Level {
                level,
                via_node: true,
            }),
            _ => None,
        }
    }

    /// Unwind `root[k1][k2]…` into its root and keys.
    fn chain(node: &Node<'_>) -> Option<(Root, Vec<Key>)> {
        // Attribute paths are a few keys deep: one allocation, no regrowth.
        let mut keys = Vec::with_capacity(4);
        let mut cur = node.as_call_node();
        while let Some(call) = cur {
            if call.name().as_slice() != b"[]" {
                break;
            }
            let args = call.arguments()?;
            let mut it = args.arguments().iter();
            let (Some(arg), None) = (it.next(), it.next()) else {
                return None;
            };
            keys.push(key(&arg));
            let recv = call.receiver()?;
            cur = recv.as_call_node();
            if cur.as_ref().is_some_and(|c| c.name().as_slice() != b"[]") {
                keys.reverse();
                return Self::root(&recv).map(|r| (r, keys));
            }
        }
        None
    }

    fn push_read(&mut self, keys: Vec<Key>, span: Span) {
        self.facts.reads.push(AttrRead {
            path: AttrPath::from_keys(keys),
            span,
        });
    }

    /// Visit only the dynamic parts of index keys (they may read attributes themselves).
    fn visit_dynamic_keys(&mut self, node: &Node<'_>) {
        let mut cur = node.as_call_node();
        while let Some(call) = cur {
            if call.name().as_slice() != b"[]" {
                break;
            }
            if let Some(args) = call.arguments() {
                for arg in args.arguments().iter() {
                    if !is_literal_key(&arg) {
                        self.visit(&arg);
                    }
                }
            }
            cur = call.receiver().and_then(|r| r.as_call_node());
        }
    }

    /// Record a write of `receiver[last_key] (op)= value`. Returns false when `receiver` is not
    /// an attribute chain.
    fn write(
        &mut self,
        receiver: Option<Node<'_>>,
        last_key: Option<Node<'_>>,
        value: Option<Node<'_>>,
        span: Span,
    ) -> bool {
        let Some(receiver) = receiver else {
            return false;
        };
        // `default['a'] = 1`: the receiver is the root itself, no chain.
        let (root, mut keys) = match Self::chain(&receiver) {
            Some(found) => found,
            None => match Self::root(&receiver) {
                Some(root) => (root, Vec::new()),
                None => return false,
            },
        };
        if let Some(k) = &last_key {
            keys.push(key(k));
        }
        let (level, via_node) = match root {
            Root::Node => ("node".to_string(), true),
            Root::Level { level, via_node } => (level.to_string(), via_node),
        };
        self.visit_dynamic_keys(&receiver);
        if let Some(k) = &last_key {
            if !is_literal_key(k) {
                self.visit(k);
            }
        }
        let reads_start = self.facts.reads.len() as u32;
        let lit = value.as_ref().map_or(Lit::Other, lit);
        if let Some(v) = &value {
            self.visit(v);
        }
        let reads_end = self.facts.reads.len() as u32;
        self.facts.writes.push(AttrWrite {
            level,
            via_node,
            path: AttrPath::from_keys(keys),
            span,
            value: lit,
            value_reads: reads_start..reads_end,
        });
        true
    }

    fn index_write(
        &mut self,
        receiver: Option<Node<'_>>,
        args: Option<ArgumentsNode<'_>>,
        value: Node<'_>,
        span: Span,
    ) -> bool {
        let last = args.and_then(|a| a.arguments().iter().next());
        self.write(receiver, last, Some(value), span)
    }

    /// Every leaf of a (nested) hash literal as an attribute write.
    fn hash_writes(&mut self, node: &Node<'_>, prefix: &mut Vec<Key>, level: &str, span: Span) {
        let elements = match (node.as_hash_node(), node.as_keyword_hash_node()) {
            (Some(h), _) => h.elements(),
            (_, Some(h)) => h.elements(),
            _ => {
                if !prefix.is_empty() {
                    self.facts.writes.push(AttrWrite {
                        level: level.to_string(),
                        via_node: false,
                        path: AttrPath::from_keys(prefix.iter().cloned()),
                        span,
                        value: lit(node),
                        value_reads: 0..0,
                    });
                }
                return;
            }
        };
        for element in elements.iter() {
            let Some(assoc) = element.as_assoc_node() else {
                continue;
            };
            prefix.push(key(&assoc.key()));
            self.hash_writes(&assoc.value(), prefix, level, span);
            prefix.pop();
        }
    }

    /// Visit a call's arguments and block, not its receiver.
    fn visit_call_parts(&mut self, call: &CallNode<'_>) {
        if let Some(args) = call.arguments() {
            self.visit_arguments_node(&args);
        }
        if let Some(block) = call.block() {
            self.visit(&block);
        }
    }

    /// Handle a call; returns true when its children were already visited. Never inlined: it
    /// has large locals, and it sits on the recursion path of the visitor.
    #[inline(never)]
    fn call(&mut self, call: &CallNode<'_>) -> bool {
        let name_bytes = call.name().as_slice();
        let Ok(name) = std::str::from_utf8(name_bytes) else {
            return false;
        };
        match name {
            "[]=" => {
                let Some(args) = call.arguments() else {
                    return false;
                };
                let mut it = args.arguments().iter();
                let (Some(k), Some(v), None) = (it.next(), it.next(), it.next()) else {
                    return false;
                };
                let span = self.call_span(call);
                return self.write(call.receiver(), Some(k), Some(v), span);
            }
            "[]" => {
                let node = call.as_node();
                if let Some((_, keys)) = Self::chain(&node) {
                    let span = self.call_span(call);
                    self.push_read(keys, span);
                    self.visit_dynamic_keys(&node);
                    return true;
                }
                return false;
            }
            "<<" | "push" | "merge!" | "concat" | "store" | "unshift" => {
                let Some(recv) = call.receiver() else {
                    return false;
                };
                if Self::chain(&recv).is_none() {
                    return false;
                }
                let value = call.arguments().and_then(|a| a.arguments().iter().next());
                let span = self.call_span(call);
                return self.write(Some(recv), None, value, span);
            }
            _ => {}
        }
        let on_node = call.receiver().is_some_and(|r| is_node(&r));
        let receiver_is_data_bag_class = name == "load" || name == "load_item";
        if call.receiver().is_some() && !on_node && !receiver_is_data_bag_class {
            return false;
        }
        let span = self.call_span(call);
        if on_node && matches!(name, "read" | "read!" | "dig" | "attribute?" | "exist?") {
            let keys = call
                .arguments()
                .map(|a| a.arguments().iter().map(|k| key(&k)).collect())
                .unwrap_or_default();
            self.push_read(keys, span);
            return false;
        }
        if receiver_is_data_bag_class {
            if let Some(recv) = call.receiver() {
                if recv.location().as_slice().ends_with(b"DataBagItem") {
                    self.facts.data_bag_reads.push(span);
                }
            }
            return false;
        }
        if call.receiver().is_some() && !on_node {
            return false;
        }
        let (args, kwargs) = arguments(call.arguments());
        if !on_node {
            match name {
                "include_recipe" => {
                    for arg in &args {
                        let target = match arg {
                            Lit::Str(s) => parse_recipe_ref(s),
                            _ => IncludeTarget::Dynamic,
                        };
                        self.facts.includes.push(Include { target, span });
                    }
                }
                "data_bag" | "data_bag_item" | "search" | "encrypted_data_bag_item" => {
                    self.facts.data_bag_reads.push(span);
                }
                // Roles: `default_attributes('app' => { 'port' => 80 })` defines ['app']['port'].
                "default_attributes" | "override_attributes" => {
                    let level = name.trim_end_matches("_attributes").to_string();
                    for arg in call.arguments().iter().flat_map(|a| a.arguments().iter()) {
                        self.hash_writes(&arg, &mut Vec::new(), &level, span);
                    }
                }
                _ => {}
            }
        }
        let block = call.block().and_then(|b| b.as_block_node());
        let index = self.facts.calls.len() as u32;
        if let Some(r) = self.resource {
            self.facts.resources[r as usize].props.push(index);
        }
        self.facts.calls.push(Call {
            name: name.to_string(),
            on_node,
            args,
            kwargs,
            span,
            has_block: block.is_some(),
            block_end: block.as_ref().map_or(0, |b| {
                let end = b.location().end() as usize;
                self.lines.span(end.saturating_sub(1), end).line
            }),
            resource: self.resource,
        });
        let is_resource = !on_node
            && !self.facts.calls[index as usize].args.is_empty()
            && (block.is_some() || BLOCKLESS_RESOURCES.binary_search(&name).is_ok())
            && NOT_RESOURCES.binary_search(&name).is_err()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !is_resource {
            return false;
        }
        let resource = self.facts.resources.len() as u32;
        self.facts.resources.push(Resource {
            kind: name.to_string(),
            name: self.facts.calls[index as usize].args[0].clone(),
            span,
            props: Vec::new(),
        });
        if let Some(args) = call.arguments() {
            self.visit_arguments_node(&args);
        }
        if let Some(block) = block {
            let outer = self.resource.replace(resource);
            if let Some(body) = block.body() {
                self.visit(&body);
            }
            self.resource = outer;
        }
        true
    }
}

impl<'pr> Visit<'pr> for Collector<'_, '_> {
    fn visit_call_node(&mut self, node: &CallNode<'pr>) {
        // Method chains (`a.b.c…`, `x + y + z…`) nest to any depth: walk down the receivers in a
        // loop, not by recursion, so a pathological file cannot overflow the stack.
        if self.call(node) {
            return;
        }
        // Calls nested in a property's arguments or blocks are not properties themselves.
        let outer = self.resource.take();
        self.visit_call_parts(node);
        let mut next = node.receiver();
        while let Some(receiver) = next.take() {
            let Some(call) = receiver.as_call_node() else {
                self.visit(&receiver);
                break;
            };
            self.resource = None;
            if self.call(&call) {
                break;
            }
            self.resource = None;
            self.visit_call_parts(&call);
            next = call.receiver();
        }
        self.resource = outer;
    }

    fn visit_and_node(&mut self, node: &ruby_prism::AndNode<'pr>) {
        // `a && b && c …` nests on the left, to any depth: loop.
        self.visit(&node.right());
        let mut left = node.left();
        while let Some(and) = left.as_and_node() {
            self.visit(&and.right());
            left = and.left();
        }
        self.visit(&left);
    }

    fn visit_or_node(&mut self, node: &ruby_prism::OrNode<'pr>) {
        self.visit(&node.right());
        let mut left = node.left();
        while let Some(or) = left.as_or_node() {
            self.visit(&or.right());
            left = or.left();
        }
        self.visit(&left);
    }

    fn visit_string_node(&mut self, node: &StringNode<'pr>) {
        let content = node.content_loc();
        let raw = content.as_slice();
        if memchr::memchr(b'.', raw).is_none() {
            return;
        }
        let base = content.start() as usize;
        for (at, len, addr) in scan::ipv4s(raw) {
            let span = self.lines.span(base + at, base + at + len);
            self.facts.ips.push((span, addr));
        }
    }

    fn visit_assoc_node(&mut self, node: &AssocNode<'pr>) {
        // Only a string value can be a secret literal: check that before copying the key.
        if let Some(value) = node.value().as_string_node() {
            if let Key::Lit(name) = key(&node.key()) {
                self.secret(&name, value.unescaped(), &node.location());
            }
        }
        ruby_prism::visit_assoc_node(self, node);
    }

    fn visit_local_variable_write_node(&mut self, node: &LocalVariableWriteNode<'pr>) {
        if let Some(value) = node.value().as_string_node() {
            let name = String::from_utf8_lossy(node.name().as_slice()).into_owned();
            self.secret(&name, value.unescaped(), &node.location());
        }
        ruby_prism::visit_local_variable_write_node(self, node);
    }

    fn visit_index_or_write_node(&mut self, node: &IndexOrWriteNode<'pr>) {
        let span = self.span_of(&node.location());
        if !self.index_write(node.receiver(), node.arguments(), node.value(), span) {
            ruby_prism::visit_index_or_write_node(self, node);
        }
    }

    fn visit_index_and_write_node(&mut self, node: &IndexAndWriteNode<'pr>) {
        let span = self.span_of(&node.location());
        if !self.index_write(node.receiver(), node.arguments(), node.value(), span) {
            ruby_prism::visit_index_and_write_node(self, node);
        }
    }

    fn visit_index_operator_write_node(&mut self, node: &IndexOperatorWriteNode<'pr>) {
        let span = self.span_of(&node.location());
        if !self.index_write(node.receiver(), node.arguments(), node.value(), span) {
            ruby_prism::visit_index_operator_write_node(self, node);
        }
    }
}

pub fn is_level(name: &str) -> bool {
    LEVELS.binary_search(&name).is_ok()
}

fn is_node(recv: &Node<'_>) -> bool {
    recv.as_call_node().is_some_and(|c| {
        c.receiver().is_none() && c.arguments().is_none() && c.name().as_slice() == b"node"
    })
}

fn is_literal_key(node: &Node<'_>) -> bool {
    node.as_string_node().is_some() || node.as_symbol_node().is_some()
}

/// A literal's text as an owned string (invalid UTF-8 replaced). The common valid case skips
/// the lossy decoder, which costs more than the copy for these short strings.
fn owned_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn key(node: &Node<'_>) -> Key {
    if let Some(s) = node.as_string_node() {
        return Key::Lit(owned_text(s.unescaped()));
    }
    if let Some(s) = node.as_symbol_node() {
        return Key::Lit(owned_text(s.unescaped()));
    }
    Key::Dynamic
}

/// A literal value, as far as the linter needs one.
pub fn lit(node: &Node<'_>) -> Lit {
    if let Some(s) = node.as_string_node() {
        return Lit::Str(owned_text(s.unescaped()));
    }
    if let Some(s) = node.as_symbol_node() {
        return Lit::Sym(owned_text(s.unescaped()));
    }
    if let Some(interp) = node.as_interpolated_string_node() {
        let mut text = String::new();
        for part in interp.parts().iter() {
            match part.as_string_node() {
                Some(s) => text.push_str(&String::from_utf8_lossy(s.unescaped())),
                None => text.push_str("#{…}"),
            }
        }
        return Lit::Interpolated(text);
    }
    if node.as_interpolated_symbol_node().is_some() {
        return Lit::Interpolated("#{…}".to_string());
    }
    if node.as_constant_read_node().is_some() || node.as_constant_path_node().is_some() {
        return Lit::Const(String::from_utf8_lossy(node.location().as_slice()).into_owned());
    }
    if node.as_integer_node().is_some() {
        let text = String::from_utf8_lossy(node.location().as_slice()).replace('_', "");
        return text.parse().map_or(Lit::Other, Lit::Int);
    }
    if node.as_true_node().is_some() {
        return Lit::Bool(true);
    }
    if node.as_false_node().is_some() {
        return Lit::Bool(false);
    }
    if node.as_nil_node().is_some() {
        return Lit::Nil;
    }
    if let Some(array) = node.as_array_node() {
        return Lit::Array(array.elements().iter().map(|e| lit(&e)).collect());
    }
    Lit::Other
}

/// Positional literals and literal-keyed keyword arguments of a call.
fn arguments(args: Option<ArgumentsNode<'_>>) -> (Vec<Lit>, Vec<(String, Lit)>) {
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    let Some(args) = args else {
        return (positional, keywords);
    };
    for arg in args.arguments().iter() {
        let Some(hash) = arg.as_keyword_hash_node() else {
            positional.push(lit(&arg));
            continue;
        };
        for element in hash.elements().iter() {
            let Some(assoc) = element.as_assoc_node() else {
                continue;
            };
            if let Key::Lit(k) = key(&assoc.key()) {
                keywords.push((k, lit(&assoc.value())));
            }
        }
    }
    (positional, keywords)
}

/// `cookbook::recipe`, `cookbook` (its default recipe) or `::recipe` (this cookbook).
pub fn parse_recipe_ref(s: &str) -> IncludeTarget {
    let (cookbook, recipe) = match s.split_once("::") {
        Some((c, r)) => (c, r),
        None => (s, "default"),
    };
    if recipe.is_empty() || recipe.contains("::") {
        return IncludeTarget::Dynamic;
    }
    IncludeTarget::Static {
        cookbook: cookbook.to_string(),
        recipe: recipe.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_lists_are_sorted_for_binary_search() {
        for list in [LEVELS, NOT_RESOURCES, BLOCKLESS_RESOURCES] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn extracts_writes_reads_includes_and_resources() {
        let src = "default['a']['b'] = node['c']['d']\ninclude_recipe 'x::y'\npackage 'p' do\n  action :install\nend\nnode.default['e'] ||= 1\n";
        let f = extract(src.as_bytes(), src);
        assert_eq!(f.writes.len(), 2);
        assert_eq!(f.writes[0].path.keys, ["a", "b"]);
        assert_eq!(f.writes[0].value_reads, 0..1);
        assert_eq!(f.reads[0].path.keys, ["c", "d"]);
        assert!(f.writes[1].via_node);
        assert_eq!(
            f.includes[0].target,
            IncludeTarget::Static {
                cookbook: "x".into(),
                recipe: "y".into()
            }
        );
        assert_eq!(f.resources.len(), 1);
        assert_eq!(f.props(&f.resources[0]).next().unwrap().name, "action");
        assert_eq!(f.stmts.len(), 4);
        assert!(f.stmts[1].is_include);
    }
}
