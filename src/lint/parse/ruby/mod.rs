//! One walk over a prism syntax tree that extracts [`Facts`]: attribute reads and writes,
//! `include_recipe` targets, resource declarations with their properties, DSL calls and data bag
//! reads. The tree never leaves the thread that parsed it; only the owned facts do.

use std::cell::Cell;

use ruby_prism::{
    ArgumentsNode, AssocNode, CallNode, IndexAndWriteNode, IndexOperatorWriteNode,
    IndexOrWriteNode, LocalVariableWriteNode, Node, StringNode, Visit,
};

use super::facts::{
    Arm, AttrPath, AttrRead, AttrWrite, Call, ClassDef, ConstCall, Def, Facts, Guard, Include,
    IncludeTarget, Key, Lit, NilCheck, Resource, Span, Stmt, CONST_CALL_NAMES,
};
use super::scan;
use super::swar::{has_byte, splat, zero_bytes, HIGH_BITS};

/// Precedence levels that can start an attribute write (`default['a'] = 1` in an attributes
/// file, `node.default['a'] = 1` anywhere). Looked up by [`level_of`]; this sorted list is
/// the reference the tests hold it to.
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

/// A sorted list of names, kept for the tests, and a lookup over the same names as a
/// `match`, which compares lengths before any byte: cheaper than a binary search calling
/// `memcmp` at each step (these run for every DSL call in the repo).
macro_rules! name_set {
    ($(#[$doc:meta])* $list:ident, $lookup:ident, [$($name:literal),+ $(,)?]) => {
        $(#[$doc])*
        #[cfg(test)]
        const $list: &[&str] = &[$($name),+];

        $(#[$doc])*
        fn $lookup(name: &str) -> bool {
            matches!(name, $($name)|+)
        }
    };
}

name_set! {
    /// Receiverless DSL methods that take a name and maybe a block but are not resources (a
    /// resource without a block inside their blocks is a resource, not a property).
    NOT_RESOURCES,
    is_not_resource,
    [
        "action",
        "action_class",
        "actions",
        "attr_accessor",
        "attr_reader",
        "attribute",
        "attribute?",
        "catch",
        "chef_version",
        "converge_by",
        "converge_if_changed",
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
    ]
}

name_set! {
    /// Chef's built-in resources that are commonly declared without a block.
    BLOCKLESS_RESOURCES,
    is_blockless_resource,
    [
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
    ]
}

/// Whether `name` is one of [`LEVELS`]; the `&'static` entry if so. A `match` compares the
/// length before any byte, which is cheaper than a binary search calling `memcmp` at each step
/// (this runs for every index chain in the repo).
fn level_of(name: &[u8]) -> Option<&'static str> {
    Some(match name {
        b"default" => "default",
        b"default_unless" => "default_unless",
        b"force_default" => "force_default",
        b"force_override" => "force_override",
        b"normal" => "normal",
        b"normal_unless" => "normal_unless",
        b"override" => "override",
        b"override_unless" => "override_unless",
        b"set" => "set",
        b"set_unless" => "set_unless",
        _ => return None,
    })
}

/// `[]`: compared as a slice pattern, which is two byte compares (`==` on slices calls
/// `memcmp`, and this runs for every link of every index chain).
fn is_index(name: &[u8]) -> bool {
    matches!(name, [b'[', b']'])
}

/// Byte offsets of line starts, for turning prism's byte offsets into line/column spans.
pub struct LineIndex<'s> {
    src: &'s str,
    starts: Vec<usize>,
    /// Pure ASCII (most cookbook files): columns are byte offsets, no characters to count.
    ascii: bool,
    /// The line of the last lookup: the fact walk goes mostly front to back, so the next
    /// offset is usually on that line or the next one, found without a binary search.
    hint: Cell<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> Self {
        let bytes = src.as_bytes();
        // Room for lines of 16 bytes on average, so that hardly any file regrows it (the index
        // lives only while its file is parsed).
        let mut starts = Vec::with_capacity(bytes.len() / 16 + 2);
        starts.push(0);
        // One pass, sixteen bytes at a time, finds the newlines and whether any byte is
        // non-ASCII: for lines a few dozen bytes long this is several times cheaper than
        // `memchr_iter` (whose per-match setup dominates) plus a separate `is_ascii`.
        let mut any = 0u64;
        let mut chunks = bytes.chunks_exact(16);
        let mut base = 0;
        for chunk in &mut chunks {
            let pair = u128::from_le_bytes(chunk.try_into().expect("16 bytes"));
            let (a, b) = (pair as u64, (pair >> 64) as u64);
            any |= a | b;
            // Whether either word has a newline (the cheap test; `|`, not `||`: no branch),
            // then where: `zero_bytes` only runs on the few words with one.
            if has_byte(a, b'\n') | has_byte(b, b'\n') {
                for (word, at) in [(a, base), (b, base + 8)] {
                    let mut newlines = zero_bytes(word ^ splat(b'\n'));
                    while newlines != 0 {
                        starts.push(at + (newlines.trailing_zeros() / 8) as usize + 1);
                        newlines &= newlines - 1;
                    }
                }
            }
            base += 16;
        }
        for (i, &b) in chunks.remainder().iter().enumerate() {
            any |= u64::from(b);
            if b == b'\n' {
                starts.push(base + i + 1);
            }
        }
        LineIndex {
            src,
            starts,
            ascii: any & HIGH_BITS == 0,
            hint: Cell::new(0),
        }
    }

    /// The 0-based line that byte `pos` is on (`pos` at most the text's length), with the
    /// offsets where it starts and where the next line starts (`usize::MAX` after the last).
    #[inline]
    fn line_of(&self, pos: usize) -> (usize, usize, usize) {
        let starts = &self.starts;
        let next = |line: usize| starts.get(line + 1).copied().unwrap_or(usize::MAX);
        let hint = self.hint.get();
        let after = next(hint);
        if starts[hint] <= pos && pos < after {
            return (hint, starts[hint], after);
        }
        let line = if after <= pos && pos < next(hint + 1) {
            hint + 1
        } else {
            starts.partition_point(|&s| s <= pos) - 1
        };
        self.hint.set(line);
        (line, starts[line], next(line))
    }

    /// The 1-based line of byte `pos` (the line of [`LineIndex::span`]`(pos, _)`).
    pub fn line(&self, pos: usize) -> u32 {
        (self.line_of(pos.min(self.src.len())).0 + 1) as u32
    }

    /// The span of bytes `start..end`, clamped to the line it starts on. Inlined: it is
    /// small and runs for every fact, and a call saved and restored more registers than the
    /// work itself took.
    #[inline]
    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = start.min(self.src.len());
        let (line, line_start, next_start) = self.line_of(start);
        let line_end = match next_start {
            usize::MAX => self.src.len(),
            next => next - 1,
        }
        .max(start);
        let end = end.clamp(start, line_end);
        // `line_start <= start <= end`: in ASCII text, columns are byte counts.
        let (col, len) = if self.ascii {
            (start - line_start, end - start)
        } else {
            let chars = |a: usize, b: usize| match self.src.get(a..b) {
                Some(s) => s.chars().count(),
                None => b - a,
            };
            (chars(line_start, start), chars(start, end))
        };
        Span {
            line: (line + 1) as u32,
            col: (col + 1) as u32,
            len: len.max(1) as u32,
        }
    }
}

/// Parse `ruby` (whose byte offsets equal those of `display_src`, which is what spans are
/// computed against — the same text for a `.rb` file, the template for ERB) and extract facts.
pub fn extract(ruby: &[u8], display_src: &str) -> Facts {
    extract_with(ruby, &LineIndex::new(display_src), true)
}

/// [`extract`], with the line index of the display text from the caller (a template's is
/// needed again for the addresses in its text). `string_ips`: collect IPv4 addresses in
/// string literals (a template collects them from its whole text instead).
pub fn extract_with(ruby: &[u8], lines: &LineIndex<'_>, string_ips: bool) -> Facts {
    // The Ruby as text: the display text itself for a `.rb` file (no second check), else
    // checked once here (an ERB template's code). Invalid UTF-8 leaves it empty: every
    // literal is then decoded on its own.
    let src = if ruby.as_ptr() == lines.src.as_ptr() && ruby.len() == lines.src.len() {
        lines.src
    } else {
        std::str::from_utf8(ruby).unwrap_or("")
    };
    let result = ruby_prism::parse(ruby);
    let mut collector = Collector {
        src: Source(src),
        lines,
        facts: Facts::default(),
        resource: None,
        string_ips,
        depth: 0,
        arms: Vec::new(),
        ip_names: Vec::new(),
        quiet_ips: 0,
        tested: Vec::new(),
        guards: Vec::new(),
        rescued: 0,
        presence_at: None,
        stmt: 0,
        stmts: 0,
        aliases: Vec::new(),
        guard: Guard::None,
        dsl_block: false,
        state_locals: Vec::new(),
        loops: Vec::new(),
        matchers: 0,
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
        let body = program.statements().body();
        collector.facts.stmts.reserve_exact(body.len());
        for stmt in body.iter() {
            let is_include = stmt.as_call_node().is_some_and(|c| {
                c.receiver().is_none() && c.name().as_slice() == b"include_recipe"
            });
            let span = collector.span_of(&stmt.location());
            let includes = include_only(&stmt);
            collector.facts.stmts.push(Stmt {
                is_include,
                includes,
                span,
            });
        }
    }
    // A walk deeper than MAX_DEPTH unwinds (see `visit_branch_node_enter`); the file is then
    // reported as one that cannot be analysed rather than half-analysed.
    let walked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| collector.visit(&root)));
    match walked {
        Ok(()) => collector.facts,
        Err(payload) if payload.is::<TooDeep>() => Facts {
            syntax_error: Some((
                lines.span(0, 0),
                format!(
                    "code nested more than {MAX_DEPTH} levels deep: stackchef does not analyse this file"
                ),
            )),
            ..Facts::default()
        },
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// How deep the fact walk descends into the syntax tree. prism bounds its own recursive
/// descent, but it builds some constructs in a loop — `x if a if a …`, `x rescue y rescue y …`
/// — whose trees still nest one level per repetition: two million modifiers on one line
/// overflowed even the parser threads' 256 MiB stack. Real cookbooks nest a few dozen levels;
/// this bound leaves the walk far inside the stack, in debug builds too.
pub const MAX_DEPTH: u32 = 10_000;

/// The unwind payload of a walk that reached [`MAX_DEPTH`]: raised with `resume_unwind`, which
/// skips the panic hook (nothing is printed), and caught in [`extract_with`].
struct TooDeep;

struct Collector<'a, 's> {
    src: Source<'a>,
    lines: &'a LineIndex<'s>,
    facts: Facts,
    /// The resource block we are directly inside, if any.
    resource: Option<u32>,
    /// Scan string literals for IPv4 addresses.
    string_ips: bool,
    /// Branch nodes entered and not yet left (see [`MAX_DEPTH`]).
    depth: u32,
    /// The conditional arms we are inside, outermost first (see [`Resource::arms`]).
    arms: Vec<Arm>,
    /// Byte ranges (in the Ruby source) of the names whose values are being visited: the
    /// innermost call, hash key, attribute key or variable a string literal is given to. Read
    /// only when a string holds an address ([`scan::ip_exempt_name`]), so pushing a range is
    /// all the cost for the other strings.
    ip_names: Vec<(u32, u32)>,
    /// Inside the test branch of `if mock?` (or `stub?`, `fake?`, …): addresses there are
    /// test doubles, never reached in production.
    quiet_ips: u32,
    /// Byte ranges of index chains met in a tested position ([`NilCheck::Tested`]), noted by
    /// [`Collector::mark_tested`] before the chain itself is visited.
    tested: Vec<(u32, u32)>,
    /// Paths a surrounding condition checked (`if node['a']['b']`, `node['a'].key?('b') && …`):
    /// reads of them, or below them, in the guarded code are [`NilCheck::Safe`].
    guards: Vec<AttrPath>,
    /// Inside code a `rescue` covers.
    rescued: u32,
    /// The byte range of the receiver of the last `key?`-style check: that chain is read
    /// only to ask about a key ([`AttrRead::presence`]).
    presence_at: Option<(u32, u32)>,
    /// The statement being walked, and the last number given out.
    stmt: u32,
    stmts: u32,
    /// Local variables holding a node sub-hash (`n = node['a']`), innermost last; reset at
    /// each `def`.
    aliases: Vec<(String, AttrPath)>,
    /// The Ruby around the current node (see [`Guard`]).
    guard: Guard,
    /// The innermost block is a resource's, or that of another DSL call that takes a block
    /// (`nginx_load_balancer do … end`): a call without a block in it is a property
    /// (`template 'site.erb'`), not a resource, whatever its name.
    dsl_block: bool,
    /// Local variables assigned from the machine's state somewhere in the file
    /// (`installed = shell_out(…)`): a condition reading one is a state guard.
    state_locals: Vec<String>,
    /// Block parameters of the `.each` loops we are inside, innermost last: the parameter's
    /// name and, for a loop over a literal list (`%w(runit java).each do |cb|`), the values
    /// it takes (`None` for a loop over anything computed).
    loops: Vec<(Vec<u8>, Option<Vec<Lit>>)>,
    /// Inside the arguments of an RSpec expectation (`expect(x).to …`): `include_recipe`
    /// there is ChefSpec's matcher, not an include.
    matchers: u32,
}

/// Where an index chain like `node['a']['b']` starts.
enum Root {
    /// `node[...]`, also `@node` (templates), a `node` parameter, `run_context.node`.
    Node,
    /// A local variable holding a node sub-hash: index into [`Collector::aliases`].
    Alias(usize),
    /// Another local variable: maybe a node passed around (`replicaset['mongodb'][…]`).
    Loose,
    /// `default[...]` (attributes-file DSL) or `node.default[...]`; the level is one of
    /// [`LEVELS`] (no copy: most chains are reads, where the root is dropped).
    Level { level: &'static str, via_node: bool },
}

/// An index chain unwound: its root, its path, and whether some key is computed (then the
/// code of that key must be visited: it may read attributes itself).
struct Chain {
    root: Root,
    path: AttrPath,
    dynamic: bool,
}

impl<'a, 's> Collector<'a, 's> {
    fn span_of(&self, loc: &ruby_prism::Location<'_>) -> Span {
        self.lines.span(loc.start() as usize, loc.end() as usize)
    }

    /// Record a secret-looking `name` assigned the string `value`. The name is checked on its
    /// bytes first (most names are not secret-looking): nothing is decoded or copied unless
    /// it is.
    fn secret(&mut self, name: &[u8], value: &[u8], loc: &ruby_prism::Location<'_>) {
        if scan::secret_name_bytes(name) && scan::secret_value(&String::from_utf8_lossy(value)) {
            let span = self.span_of(loc);
            let name = self.src.owned(name);
            self.facts.secrets.push((span, name));
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
        Self::root_call(&call, call.name().as_slice())
    }

    /// [`Collector::root`] of a call whose name the caller already has.
    fn root_call(call: &CallNode<'_>, name: &[u8]) -> Option<Root> {
        if call.arguments().is_some() || call.block().is_some() {
            return None;
        }
        let receiver = call.receiver();
        if receiver.is_none() && name == b"node" {
            return Some(Root::Node);
        }
        let level = level_of(name)?;
        match receiver {
            None => Some(Root::Level {
                level,
                via_node: false,
            }),
            Some(recv) if is_node(&recv) => Some(Root::Level {
                level,
                via_node: true,
            }),
            _ => None,
        }
    }

    /// Unwind `root[k1][k2]…` (`outer` is its outermost `[]`) into its root and path.
    fn chain(&self, outer: &CallNode<'_>) -> Option<Chain> {
        // Keys are met outermost first; the path keeps them from the root up to the first
        // computed one. So a computed key drops the keys met before it, and the kept keys
        // are reversed at the end (no list of `Key`s to convert).
        let mut keys: Vec<String> = Vec::with_capacity(4);
        let mut dynamic = false;
        let mut recv = self.chain_link(outer, &mut keys, &mut dynamic)?;
        loop {
            let Some(inner) = recv.as_call_node() else {
                let root = self.variable_root(&recv)?;
                keys.reverse();
                return Some(Chain {
                    root,
                    path: AttrPath::from_literal_keys(keys, dynamic),
                    dynamic,
                });
            };
            let name = inner.name().as_slice();
            if !is_index(name) {
                let root = Self::root_call(&inner, name).or_else(|| {
                    // `run_context.node[…]`, `new_resource.node[…]`.
                    (name == b"node" && inner.arguments().is_none() && inner.block().is_none())
                        .then_some(Root::Node)
                })?;
                keys.reverse();
                return Some(Chain {
                    root,
                    path: AttrPath::from_literal_keys(keys, dynamic),
                    dynamic,
                });
            }
            recv = self.chain_link(&inner, &mut keys, &mut dynamic)?;
        }
    }

    /// The root of a chain that starts at a variable: `@node` and a local `node` are the
    /// node; other locals are aliases or [`Root::Loose`].
    fn variable_root(&self, recv: &Node<'_>) -> Option<Root> {
        if let Some(local) = recv.as_local_variable_read_node() {
            let name = local.name().as_slice();
            if name == b"node" {
                return Some(Root::Node);
            }
            let alias = self.aliases.iter().rposition(|(n, _)| n.as_bytes() == name);
            return Some(alias.map_or(Root::Loose, Root::Alias));
        }
        let ivar = recv.as_instance_variable_read_node()?;
        (ivar.name().as_slice() == b"@node").then_some(Root::Node)
    }

    /// One `[]` of a chain: note its key (it must have exactly one), return its receiver.
    fn chain_link<'pr>(
        &self,
        call: &CallNode<'pr>,
        keys: &mut Vec<String>,
        dynamic: &mut bool,
    ) -> Option<Node<'pr>> {
        let args = call.arguments()?.arguments();
        if args.len() != 1 {
            return None;
        }
        let arg = args.first()?;
        match key(self.src, &arg) {
            Key::Lit(k) => keys.push(k),
            Key::Dynamic => {
                keys.clear();
                *dynamic = true;
            }
        }
        call.receiver()
    }

    fn push_read(&mut self, path: AttrPath, span: Span, nil: NilCheck) {
        self.push_read_via(path, span, nil, false);
    }

    /// A presence check of `path` (see [`AttrRead::presence`]).
    fn push_presence(&mut self, path: AttrPath, span: Span) {
        self.push_read(path, span, NilCheck::Safe);
        if let Some(read) = self.facts.reads.last_mut() {
            read.presence = true;
        }
    }

    fn push_read_via(&mut self, path: AttrPath, span: Span, nil: NilCheck, indirect: bool) {
        // Guarded: the path or a parent below the namespace was checked; or, for a read that
        // is only tested, its parent was (`node['a'] && node['a']['b']`: no `nil[]`).
        let guarded = self.rescued > 0
            || self.guards.iter().any(|g| {
                g.keys == path.keys
                    || (path.keys.len() > g.keys.len()
                        && path.keys.starts_with(&g.keys)
                        && (g.keys.len() >= 2
                            || (nil == NilCheck::Tested && path.keys.len() == g.keys.len() + 1)))
            });
        let nil = if guarded { NilCheck::Safe } else { nil };
        self.facts.reads.push(AttrRead {
            path,
            span,
            nil,
            indirect,
            stmt: self.stmt,
            presence: false,
        });
    }

    /// Note the index chains in `node` whose value is only tested (see [`NilCheck::Tested`]):
    /// `node` itself, through `!`, `.nil?`, `&.`, `&&`, `||` (its left side; both sides in a
    /// condition) and, in a condition, `==`/`!=`.
    fn mark_tested(&mut self, node: &Node<'_>, condition: bool) {
        if let Some(paren) = node.as_parentheses_node() {
            if let Some(body) = paren.body() {
                match body.as_statements_node() {
                    Some(stmts) if stmts.body().len() == 1 => {
                        if let Some(only) = stmts.body().iter().next() {
                            self.mark_tested(&only, condition);
                        }
                    }
                    _ => self.mark_tested(&body, condition),
                }
            }
            return;
        }
        if let Some(and) = node.as_and_node() {
            self.mark_tested(&and.left(), condition);
            if condition {
                self.mark_tested(&and.right(), condition);
            }
            return;
        }
        if let Some(or) = node.as_or_node() {
            self.mark_tested(&or.left(), condition);
            if condition {
                self.mark_tested(&or.right(), condition);
            }
            return;
        }
        let Some(call) = node.as_call_node() else {
            return;
        };
        let name = call.name().as_slice();
        if is_index(name) {
            let loc = call.location();
            if self.tested.len() > 64 {
                self.tested.clear();
            }
            self.tested.push((loc.start(), loc.end()));
            return;
        }
        let Some(recv) = call.receiver() else {
            return;
        };
        match name {
            b"!" | b"nil?" => self.mark_tested(&recv, condition),
            // A flag test (`== true`, `!= nil`), where absence reads as false. A comparison
            // with a value (`== 'native'`) chooses among settings: the attribute is expected.
            b"==" | b"!=" if condition => {
                let Some(arg) = call.arguments().and_then(|a| a.arguments().iter().next()) else {
                    return;
                };
                let flag = |n: &Node<'_>| {
                    n.as_true_node().is_some()
                        || n.as_false_node().is_some()
                        || n.as_nil_node().is_some()
                };
                if flag(&arg) {
                    self.mark_tested(&recv, condition);
                } else if flag(&recv) {
                    self.mark_tested(&arg, condition);
                }
            }
            _ if call.is_safe_navigation() => self.mark_tested(&recv, condition),
            _ => {}
        }
    }

    /// Whether the chain `call` was noted by [`Collector::mark_tested`] (and forget it).
    fn take_tested(&mut self, call: &CallNode<'_>) -> bool {
        if self.tested.is_empty() {
            return false;
        }
        let loc = call.location();
        let at = (loc.start(), loc.end());
        match self.tested.iter().position(|&t| t == at) {
            Some(i) => {
                self.tested.swap_remove(i);
                true
            }
            None => false,
        }
    }

    /// The paths read from `from` on (a condition's reads) as guards for what it guards.
    fn guards_from(&mut self, from: usize) -> usize {
        let before = self.guards.len();
        for read in &self.facts.reads[from..] {
            if !read.indirect && !read.path.keys.is_empty() {
                self.guards.push(read.path.clone());
            }
        }
        before
    }

    /// Visit a condition, then what it guards with the condition's reads as guards.
    fn visit_guarded(&mut self, condition: &Node<'_>, guarded: impl FnOnce(&mut Self)) {
        self.mark_tested(condition, true);
        let from = self.facts.reads.len();
        self.visit(condition);
        let before = self.guards_from(from);
        guarded(self);
        self.guards.truncate(before);
    }

    /// The alias a local variable gets from `value`: a node chain (`node['a']`,
    /// `run_context.node['a']`, `x && node['a']`, `node['a'] || {}`), or the node itself.
    fn alias_of(&self, value: &Node<'_>) -> Option<AttrPath> {
        if let Some(and) = value.as_and_node() {
            return self.alias_of(&and.right());
        }
        if let Some(or) = value.as_or_node() {
            return self.alias_of(&or.left());
        }
        if let Some(call) = value.as_call_node() {
            let name = call.name().as_slice();
            if is_index(name) {
                let chain = self.chain(&call)?;
                return match chain.root {
                    Root::Node => Some(chain.path),
                    Root::Alias(i) => {
                        let mut path = self.aliases[i].1.clone();
                        for k in chain.path.keys {
                            path.push_key(Key::Lit(k));
                        }
                        if chain.path.partial {
                            path.push_key(Key::Dynamic);
                        }
                        Some(path)
                    }
                    _ => None,
                };
            }
            return (name == b"node" && call.arguments().is_none()).then(AttrPath::default);
        }
        None
    }

    /// Visit only the dynamic parts of index keys (they may read attributes themselves).
    fn visit_dynamic_keys(&mut self, node: &Node<'_>) {
        let mut cur = node.as_call_node();
        while let Some(call) = cur {
            if !is_index(call.name().as_slice()) {
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
        let chain = match receiver.as_call_node() {
            Some(call) if is_index(call.name().as_slice()) => self.chain(&call),
            _ => None,
        };
        let (root, mut path, dynamic) = match chain {
            Some(Chain {
                root: root @ (Root::Node | Root::Level { .. }),
                path,
                dynamic,
            }) => (root, path, dynamic),
            Some(_) => return false,
            None => match Self::root(&receiver) {
                Some(root) => (root, AttrPath::default(), false),
                None => return false,
            },
        };
        if let Some(k) = &last_key {
            path.push_key(key(self.src, k));
        }
        let (level, via_node) = match root {
            Root::Level { level, via_node } => (level.to_string(), via_node),
            _ => ("node".to_string(), true),
        };
        // Only a chain with a computed key has code to visit in its keys.
        if dynamic {
            self.visit_dynamic_keys(&receiver);
        }
        if let Some(k) = &last_key {
            if !is_literal_key(k) {
                self.visit(k);
            }
        }
        let reads_start = self.facts.reads.len() as u32;
        let lit = value.as_ref().map_or(Lit::Other, |v| lit(self.src, v));
        if let Some(v) = &value {
            match last_key.as_ref().filter(|k| is_literal_key(k)) {
                Some(k) => self.visit_named(&k.location(), v),
                None => self.visit(v),
            }
        }
        let reads_end = self.facts.reads.len() as u32;
        self.facts.writes.push(AttrWrite {
            level,
            via_node,
            path,
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
                        value: lit(self.src, node),
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
            prefix.push(key(self.src, &assoc.key()));
            self.hash_writes(&assoc.value(), prefix, level, span);
            prefix.pop();
        }
    }

    /// `depends cb` inside `%w(runit java).each do |cb|`: the call just recorded names each
    /// value of the literal list in turn, so it becomes one call per value. In a loop over
    /// anything computed the argument stays [`Lit::Other`] (a dependency nobody can name).
    fn unroll_loop_argument(&mut self, call: &CallNode<'_>) {
        let Some(local) = call
            .arguments()
            .and_then(|a| a.arguments().iter().next())
            .and_then(|a| a.as_local_variable_read_node())
        else {
            return;
        };
        let name = local.name().as_slice();
        let Some((_, Some(values))) = self.loops.iter().rev().find(|(n, _)| n == name) else {
            return;
        };
        let values = values.clone();
        // An empty list declares nothing: the call is dropped.
        let Some(first) = self.facts.calls.pop() else {
            return;
        };
        for value in values {
            let mut unrolled = first.clone();
            unrolled.args[0] = value;
            self.facts.calls.push(unrolled);
        }
    }

    /// The work of [`Visit::visit_call_node`], inside the loop binding and matcher state it
    /// sets up.
    fn visit_call(&mut self, node: &CallNode<'_>) {
        if let Some(recv) = node.receiver() {
            let name = node.name().as_slice();
            if name == b"nil?" || node.is_safe_navigation() {
                self.mark_tested(&recv, false);
            }
            // `node['a'].key?('b')`: a check (a safe read) of `['a']['b']`.
            if matches!(
                name,
                b"key?" | b"has_key?" | b"attribute?" | b"include?" | b"member?"
            ) {
                self.key_check(node, &recv);
            }
        }
        // Method chains (`a.b.c…`, `x + y + z…`) nest to any depth: walk down the receivers in a
        // loop, not by recursion, so a pathological file cannot overflow the stack.
        if self.call(node) {
            return;
        }
        // Calls nested in a property's arguments or blocks are not properties themselves.
        let outer = self.resource.take();
        self.visit_call_parts(node, outer.is_some() && node.receiver().is_none());
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
            self.visit_call_parts(&call, false);
            next = call.receiver();
        }
        self.resource = outer;
    }

    /// Visit a call's arguments and block, not its receiver. `property`: the call sits directly
    /// in a resource's block (its block, if any, is one the resource calls back).
    fn visit_call_parts(&mut self, call: &CallNode<'_>, property: bool) {
        if let Some(args) = call.arguments() {
            self.visit_named_arguments(call, &args);
        }
        if let Some(block) = call.block() {
            let (dsl, guard) = match call.receiver() {
                Some(_) => (false, self.guard),
                None => {
                    let name = call.name().as_slice();
                    let calls_back = (property && block.as_block_node().is_some())
                        || name == b"converge_if_changed";
                    let guard = if calls_back {
                        self.guard.max(Guard::State)
                    } else {
                        self.guard
                    };
                    (is_dsl_block_owner(name), guard)
                }
            };
            let saved = (self.dsl_block, self.guard);
            (self.dsl_block, self.guard) = (dsl, guard);
            self.visit(&block);
            (self.dsl_block, self.guard) = saved;
        }
    }

    /// `recv.key?('k')` (`has_key?`, `attribute?`, `include?`, `member?`) on a node chain:
    /// a safe read of the chain's path plus `k`, which guards what follows it.
    fn key_check(&mut self, call: &CallNode<'_>, recv: &Node<'_>) {
        let Some(chain) = recv
            .as_call_node()
            .filter(|c| is_index(c.name().as_slice()))
            .and_then(|c| self.chain(&c))
        else {
            return;
        };
        if !matches!(chain.root, Root::Node) || chain.path.partial {
            return;
        }
        let Some(arg) = call.arguments().and_then(|a| a.arguments().iter().next()) else {
            return;
        };
        let mut path = chain.path;
        path.push_key(key(self.src, &arg));
        let span = self.call_span(call);
        self.push_presence(path, span);
        // The receiver (`node['a']` of `node['a'].key?('b')`) is only a way to ask.
        self.presence_at = recv.as_call_node().map(|c| loc_of(&c));
    }

    /// Visit a call's arguments with its name as the innermost name of [`Collector::ip_names`].
    fn visit_named_arguments(&mut self, call: &CallNode<'_>, args: &ArgumentsNode<'_>) {
        match call.message_loc() {
            Some(loc) => {
                self.ip_names.push((loc.start(), loc.end()));
                self.visit_arguments_node(args);
                self.ip_names.pop();
            }
            None => self.visit_arguments_node(args),
        }
    }

    /// Visit `node` with the name at `loc` as the innermost of [`Collector::ip_names`].
    fn visit_named(&mut self, loc: &ruby_prism::Location<'_>, node: &Node<'_>) {
        self.ip_names.push((loc.start(), loc.end()));
        self.visit(node);
        self.ip_names.pop();
    }

    /// Whether the innermost name a string is given to exempts its addresses.
    fn ip_name_exempt(&self) -> bool {
        let bytes = self.src.0.as_bytes();
        self.ip_names.last().is_some_and(|&(start, end)| {
            bytes
                .get(start as usize..end as usize)
                .is_some_and(scan::ip_exempt_name)
        })
    }

    /// What a condition looks at: [`Guard::State`] when some part of it observes the machine,
    /// else [`Guard::Config`].
    fn condition_guard(&self, cond: &Node<'_>) -> Guard {
        condition_guard(cond, &self.state_locals)
    }

    /// Strengthen the guard context with a condition; returns the context to restore.
    #[inline(never)]
    fn enter_guard(&mut self, cond: &Node<'_>) -> Guard {
        let saved = self.guard;
        self.guard = saved.max(self.condition_guard(cond));
        saved
    }

    /// Record a call on a constant when its method is one the legacy-API rules ask about
    /// (the name is compared first: most calls on constants are not kept).
    fn const_call(&mut self, call: &CallNode<'_>, recv: &Node<'_>, name: &[u8]) {
        if !CONST_CALL_NAMES.iter().any(|n| n.as_bytes() == name)
            || (recv.as_constant_read_node().is_none() && recv.as_constant_path_node().is_none())
        {
            return;
        }
        let (args, _) = arguments(self.src, call.arguments().as_ref());
        let span = self.call_span(call);
        self.facts.const_calls.push(ConstCall {
            receiver: String::from_utf8_lossy(recv.location().as_slice()).into_owned(),
            name: String::from_utf8_lossy(name).into_owned(),
            args,
            span,
        });
    }

    /// Record a `class`/`module` body (its name, superclass and lines).
    fn class_def(
        &mut self,
        keyword: &ruby_prism::Location<'_>,
        path: &Node<'_>,
        superclass: Option<Node<'_>>,
        end: &ruby_prism::Location<'_>,
        is_module: bool,
    ) {
        let name = String::from_utf8_lossy(path.location().as_slice());
        let line = self.lines.line(keyword.start() as usize);
        let end = self.lines.line(end.start() as usize).max(line);
        let span = self
            .lines
            .span(keyword.start() as usize, path.location().end() as usize);
        let superclass = superclass
            .filter(|s| s.as_constant_read_node().is_some() || s.as_constant_path_node().is_some())
            .map(|s| String::from_utf8_lossy(s.location().as_slice()).into_owned());
        self.facts.classes.push(ClassDef {
            name: name.trim_start_matches("::").to_string(),
            is_module,
            superclass,
            line,
            end,
            span,
        });
    }

    /// Handle a call; returns true when its children were already visited. Never inlined: it
    /// has large locals, and it sits on the recursion path of the visitor.
    ///
    /// The dispatch, in order (the first that claims the call wins):
    /// - `x[k] = v` → [`Self::index_assignment`] (an attribute write);
    /// - `x[k]` → [`Self::index_read`] (an attribute read);
    /// - `<<`, `push`, `merge!`, … on an attribute chain → [`Self::append_write`];
    /// - a call on a constant (`Chef::Log.warn`) → [`Self::const_call`];
    /// - `node.read(…)`, `node.key?(…)`, … → [`Self::node_method_read`];
    /// - `DataBagItem.load` → [`Self::data_bag_class_load`];
    /// - anything else without a receiver or on `node` → [`Self::dsl_call`] (includes, data bag
    ///   searches, role attributes, resources and their properties).
    #[inline(never)]
    fn call(&mut self, call: &CallNode<'_>) -> bool {
        // Each accessor goes through the bindings (the name through three calls into C):
        // fetch the name and receiver once, and compare bytes (most calls are neither index
        // chains nor DSL calls, and are rejected before any decoding).
        let name = call.name().as_slice();
        let receiver = call.receiver();
        match name {
            b"[]=" => return self.index_assignment(call, receiver),
            [b'[', b']'] => return self.index_read(call),
            b"<<" | b"push" | b"merge!" | b"concat" | b"store" | b"unshift" => {
                return self.append_write(call, receiver)
            }
            _ => {}
        }
        // Only calls without a receiver (the DSL), on `node`, and the data bag classes'
        // `load` are facts.
        let receiver_is_data_bag_class = matches!(name, b"load" | b"load_item");
        let on_node = match &receiver {
            None => false,
            Some(recv) if is_node(recv) => true,
            Some(_) if receiver_is_data_bag_class => false,
            Some(recv) => {
                self.const_call(call, recv, name);
                return false;
            }
        };
        let span = self.call_span(call);
        if on_node && is_node_read_method(name) {
            return self.node_method_read(call, name, span);
        }
        if receiver_is_data_bag_class {
            return self.data_bag_class_load(receiver, span);
        }
        // A name that is not UTF-8 is no DSL call (none of the names above is).
        let Some(name) = self.src.str(name) else {
            return false;
        };
        self.dsl_call(call, name, on_node, span)
    }

    /// `x[k] = v`: an attribute write when `x` is an attribute chain.
    fn index_assignment(&mut self, call: &CallNode<'_>, receiver: Option<Node<'_>>) -> bool {
        let Some(args) = call.arguments() else {
            return false;
        };
        let mut it = args.arguments().iter();
        let (Some(k), Some(v), None) = (it.next(), it.next(), it.next()) else {
            return false;
        };
        let span = self.call_span(call);
        self.write(receiver, Some(k), Some(v), span)
    }

    /// `x[k]`: an attribute read when `x[k]` is an attribute chain (on `node`, a precedence
    /// level, an alias of one, or a hash that may be a node).
    fn index_read(&mut self, call: &CallNode<'_>) -> bool {
        let Some(chain) = self.chain(call) else {
            return false;
        };
        let tested = self.take_tested(call);
        let (path, indirect) = match chain.root {
            // A hash that merely may be a node: only a namespace and a key say so.
            Root::Loose if chain.path.keys.len() < 2 => return false,
            Root::Loose => (chain.path, true),
            Root::Alias(i) => {
                let mut path = self.aliases[i].1.clone();
                for k in chain.path.keys {
                    path.push_key(Key::Lit(k));
                }
                if chain.path.partial {
                    path.push_key(Key::Dynamic);
                }
                (path, true)
            }
            _ => (chain.path, false),
        };
        let nil = match chain.root {
            // `node.default[…]` creates the keys it walks through.
            Root::Level { via_node: true, .. } => NilCheck::Safe,
            _ if tested => NilCheck::Tested,
            _ => NilCheck::Unchecked,
        };
        let span = self.call_span(call);
        self.push_read_via(path, span, nil, indirect);
        if self.presence_at == Some(loc_of(call)) {
            if let Some(read) = self.facts.reads.last_mut() {
                read.presence = true;
            }
        }
        if chain.dynamic {
            self.visit_dynamic_keys(&call.as_node());
        }
        true
    }

    /// `<<`, `push`, `merge!`, … on an attribute chain (`node.default['a'] << 'x'`): a write.
    fn append_write(&mut self, call: &CallNode<'_>, receiver: Option<Node<'_>>) -> bool {
        let Some(recv) = receiver else {
            return false;
        };
        let is_chain = recv.as_call_node().is_some_and(|c| {
            is_index(c.name().as_slice())
                && self
                    .chain(&c)
                    .is_some_and(|ch| matches!(ch.root, Root::Node | Root::Level { .. }))
        });
        if !is_chain {
            return false;
        }
        let value = call.arguments().and_then(|a| a.arguments().iter().next());
        let span = self.call_span(call);
        self.write(Some(recv), None, value, span)
    }

    /// `node.read(…)`, `node.dig(…)`, `node.key?(…)`, …: a read, or a presence test.
    fn node_method_read(&mut self, call: &CallNode<'_>, name: &[u8], span: Span) -> bool {
        let path = match call.arguments() {
            Some(args) => AttrPath::from_keys(args.arguments().iter().map(|k| key(self.src, &k))),
            None => AttrPath::default(),
        };
        match name {
            // `read!` raises on absence, like `[]` does on a missing parent.
            b"read!" => self.push_read(path, span, NilCheck::Unchecked),
            b"read" | b"dig" => self.push_read(path, span, NilCheck::Safe),
            _ => self.push_presence(path, span),
        }
        false
    }

    /// `Chef::DataBagItem.load(…)`: a data bag read (another class's `load` is nothing).
    fn data_bag_class_load(&mut self, receiver: Option<Node<'_>>, span: Span) -> bool {
        if let Some(recv) = receiver {
            if recv.location().as_slice().ends_with(b"DataBagItem") {
                self.facts.data_bag_reads.push(span);
            }
        }
        false
    }

    /// A DSL call (no receiver, or on `node`): its own facts, then the call itself, and when it
    /// declares a resource, the resource with its block visited as the resource's properties.
    fn dsl_call(&mut self, call: &CallNode<'_>, name: &str, on_node: bool, span: Span) -> bool {
        let arguments_node = call.arguments();
        let (args, kwargs) = arguments(self.src, arguments_node.as_ref());
        if !on_node {
            match name {
                // ChefSpec's `expect(chef_run).to include_recipe('x::y')` includes nothing.
                "include_recipe" if self.matchers == 0 => self.include_recipe(&args, span),
                "data_bag" | "data_bag_item" | "search" | "encrypted_data_bag_item" => {
                    self.facts.data_bag_reads.push(span);
                }
                // Roles: `default_attributes('app' => { 'port' => 80 })` defines ['app']['port'].
                "default_attributes" | "override_attributes" => {
                    self.role_attributes(name, arguments_node.as_ref(), span);
                }
                _ => {}
            }
        }
        let block = call.block().and_then(|b| b.as_block_node());
        // A call directly in a resource's block is one of its properties (`group 'root'` in a
        // `template` block), never a resource of its own, whatever its name.
        let is_resource = !on_node
            && self.resource.is_none()
            && !args.is_empty()
            && (block.is_some() || (is_blockless_resource(name) && !self.dsl_block))
            && !is_not_resource(name)
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let index = self.facts.calls.len() as u32;
        if let Some(r) = self.resource {
            self.facts.resources[r as usize].props.push(index);
        }
        if name == "action" && block.is_some() && self.resource.is_none() {
            self.facts.actions.push(index);
        }
        let resource_name = if is_resource {
            Some(args[0].clone())
        } else {
            None
        };
        self.facts.calls.push(Call {
            name: name.to_string(),
            on_node,
            args,
            kwargs,
            span,
            has_block: block.is_some(),
            // The line of the block's closing `end` or `}`, from that token's own location: the
            // block's whole location can end before it starts after prism's error recovery
            // (an unterminated block in a heredoc's interpolation), and `Location::end` then
            // overflows. A token's location is always in order.
            block_end: block.as_ref().map_or(0, |b| {
                let open = self.lines.line(b.opening_loc().start() as usize);
                open.max(self.lines.line(b.closing_loc().start() as usize))
            }),
            resource: self.resource,
            guard: self.guard,
        });
        if name == "depends" {
            self.unroll_loop_argument(call);
        }
        let Some(resource_name) = resource_name else {
            return false;
        };
        self.declare_resource(call, name, resource_name, arguments_node, block, span);
        true
    }

    /// `include_recipe 'a::b'` (and `include_recipe x`, a dynamic target).
    fn include_recipe(&mut self, args: &[Lit], span: Span) {
        let rescued = self.rescued > 0;
        for arg in args {
            let target = match arg {
                Lit::Str(s) => parse_recipe_ref(s),
                _ => IncludeTarget::Dynamic,
            };
            self.facts.includes.push(Include {
                target,
                span,
                rescued,
            });
        }
    }

    /// A role's `default_attributes`/`override_attributes`: every leaf of its hashes is a write
    /// at that level.
    fn role_attributes(&mut self, name: &str, args: Option<&ArgumentsNode<'_>>, span: Span) {
        let level = name.trim_end_matches("_attributes").to_string();
        for arg in args.iter().flat_map(|a| a.arguments().iter()) {
            self.hash_writes(&arg, &mut Vec::new(), &level, span);
        }
    }

    /// A resource declaration (`package 'x' do … end`): the resource, its named arguments,
    /// then its block, whose calls are its properties.
    fn declare_resource(
        &mut self,
        call: &CallNode<'_>,
        kind: &str,
        name: Lit,
        args: Option<ArgumentsNode<'_>>,
        block: Option<ruby_prism::BlockNode<'_>>,
        span: Span,
    ) {
        let resource = self.facts.resources.len() as u32;
        self.facts.resources.push(Resource {
            kind: kind.to_string(),
            name,
            span,
            props: Vec::new(),
            arms: self.arms.clone(),
            guard: self.guard,
        });
        if let Some(args) = args {
            self.visit_named_arguments(call, &args);
        }
        if let Some(block) = block {
            let outer = self.resource.replace(resource);
            let dsl = std::mem::replace(&mut self.dsl_block, true);
            if let Some(body) = block.body() {
                self.visit(&body);
            }
            self.dsl_block = dsl;
            self.resource = outer;
        }
    }
}

/// The methods on `node` that read an attribute (`read`, `dig`) or test for one (`key?`, …).
fn is_node_read_method(name: &[u8]) -> bool {
    matches!(
        name,
        b"read"
            | b"read!"
            | b"dig"
            | b"attribute?"
            | b"exist?"
            | b"key?"
            | b"has_key?"
            | b"include?"
            | b"member?"
    )
}

impl Collector<'_, '_> {
    /// Visit the arms of a `case` — its `when`s or `in`s, then its `else` — under `guard`
    /// (what the case's conditions look at), each as an arm of the conditional at `at`.
    fn visit_case_arms<'pr>(
        &mut self,
        at: u32,
        guard: Guard,
        arms: ruby_prism::NodeList<'pr>,
        else_clause: Option<ruby_prism::ElseNode<'pr>>,
    ) {
        let saved = self.guard;
        self.guard = saved.max(guard);
        let mut arm = 0u16;
        for branch in &arms {
            self.in_arm(at, arm, |c| c.visit(&branch));
            arm = arm.saturating_add(1);
        }
        if let Some(else_clause) = else_clause {
            self.in_arm(at, arm, |c| c.visit_else_node(&else_clause));
        }
        self.guard = saved;
    }

    /// Visit `f` as arm `arm` of the conditional that starts at byte `conditional`.
    fn in_arm(&mut self, conditional: u32, arm: u16, f: impl FnOnce(&mut Self)) {
        self.arms.push(Arm { conditional, arm });
        f(self);
        self.arms.pop();
    }
}

impl<'pr> Visit<'pr> for Collector<'_, '_> {
    // Conditionals record which arm each resource sits in, so that two declarations in
    // exclusive arms (`if`/`else`, `case`/`when`) are known never to run together.
    // … and what guards them: the condition's guard context holds for every arm (both
    // arms of `if File.exist?` depend on the machine's state).
    fn visit_if_node(&mut self, node: &ruby_prism::IfNode<'pr>) {
        let at = node.location().start();
        // `if mock?` / `if stubbed?` … : the branch taken under test holds test doubles.
        let mock = node.predicate().as_call_node().is_some_and(|c| {
            let name = c.name().as_slice();
            name.ends_with(b"?")
                && [&b"mock"[..], b"stub", b"fake"]
                    .iter()
                    .any(|w| name.windows(w.len()).any(|x| x == *w))
        });
        let quiet = u32::from(mock);
        let saved = self.enter_guard(&node.predicate());
        self.visit_guarded(&node.predicate(), |this| {
            if let Some(statements) = node.statements() {
                this.quiet_ips += quiet;
                this.in_arm(at, 0, |c| c.visit_statements_node(&statements));
                this.quiet_ips -= quiet;
            }
        });
        if let Some(subsequent) = node.subsequent() {
            self.in_arm(at, 1, |c| c.visit(&subsequent));
        }
        self.guard = saved;
    }

    fn visit_unless_node(&mut self, node: &ruby_prism::UnlessNode<'pr>) {
        let at = node.location().start();
        self.mark_tested(&node.predicate(), true);
        self.visit(&node.predicate());
        let saved = self.enter_guard(&node.predicate());
        if let Some(statements) = node.statements() {
            self.in_arm(at, 0, |c| c.visit_statements_node(&statements));
        }
        if let Some(else_clause) = node.else_clause() {
            self.in_arm(at, 1, |c| c.visit_else_node(&else_clause));
        }
        self.guard = saved;
    }

    fn visit_case_node(&mut self, node: &ruby_prism::CaseNode<'pr>) {
        let at = node.location().start();
        if let Some(predicate) = node.predicate() {
            self.visit(&predicate);
        }
        let mut guard = node
            .predicate()
            .map_or(Guard::Config, |p| self.condition_guard(&p));
        for when in node.conditions().iter() {
            if let Some(when) = when.as_when_node() {
                for c in when.conditions().iter() {
                    guard = guard.max(self.condition_guard(&c));
                }
            }
        }
        self.visit_case_arms(at, guard, node.conditions(), node.else_clause());
    }

    fn visit_case_match_node(&mut self, node: &ruby_prism::CaseMatchNode<'pr>) {
        let at = node.location().start();
        if let Some(predicate) = node.predicate() {
            self.visit(&predicate);
        }
        let guard = node
            .predicate()
            .map_or(Guard::Config, |p| self.condition_guard(&p));
        self.visit_case_arms(at, guard, node.conditions(), node.else_clause());
    }

    fn visit_branch_node_enter(&mut self, _node: Node<'pr>) {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            std::panic::resume_unwind(Box::new(TooDeep));
        }
    }

    fn visit_branch_node_leave(&mut self) {
        self.depth -= 1;
    }

    fn visit_call_node(&mut self, node: &CallNode<'pr>) {
        let name = node.name().as_slice();
        let expectation =
            node.receiver().is_some() && matches!(name, b"to" | b"not_to" | b"to_not");
        let binding = (name == b"each")
            .then(|| loop_binding(self.src, node))
            .flatten();
        self.matchers += u32::from(expectation);
        let bound = binding.is_some();
        if let Some(binding) = binding {
            self.loops.push(binding);
        }
        self.visit_call(node);
        if bound {
            self.loops.pop();
        }
        self.matchers -= u32::from(expectation);
    }

    fn visit_rescue_node(&mut self, node: &ruby_prism::RescueNode<'pr>) {
        let saved = self.guard;
        self.guard = Guard::State;
        ruby_prism::visit_rescue_node(self, node);
        self.guard = saved;
    }

    fn visit_rescue_modifier_node(&mut self, node: &ruby_prism::RescueModifierNode<'pr>) {
        self.rescued += 1;
        self.visit(&node.expression());
        self.rescued -= 1;
        let saved = self.guard;
        self.guard = Guard::State;
        self.visit(&node.rescue_expression());
        self.guard = saved;
    }

    /// Each statement gets its number (see [`AttrRead`]); an early `return if cond` (or
    /// `next unless cond`) guards the statements after it.
    fn visit_statements_node(&mut self, node: &ruby_prism::StatementsNode<'pr>) {
        let (saved, outer) = (self.guard, self.stmt);
        for stmt in node.body().iter() {
            self.stmts += 1;
            self.stmt = self.stmts;
            self.visit(&stmt);
            if let Some(cond) = early_exit(&stmt) {
                self.guard = self.guard.max(self.condition_guard(&cond));
            }
        }
        (self.guard, self.stmt) = (saved, outer);
    }

    /// A method body: what guards it is where it is called from, not where it is defined.
    fn visit_def_node(&mut self, node: &ruby_prism::DefNode<'pr>) {
        if let Some(name) = self.src.str(node.name().as_slice()) {
            let loc = node.location();
            let line = self.lines.line(loc.start() as usize);
            let end = node
                .end_keyword_loc()
                .map_or(line, |l| self.lines.line(l.start() as usize).max(line));
            let span = self
                .lines
                .span(loc.start() as usize, node.name_loc().end() as usize);
            // A body of one literal statement (`true`), else Other; an empty body is nil.
            let returns = match node.body() {
                None => Lit::Nil,
                Some(body) => match body.as_statements_node() {
                    Some(stmts) if stmts.body().len() == 1 => stmts
                        .body()
                        .iter()
                        .next()
                        .map_or(Lit::Other, |only| lit(self.src, &only)),
                    _ => Lit::Other,
                },
            };
            self.facts.defs.push(Def {
                name: name.to_string(),
                line,
                end,
                span,
                returns,
            });
        }
        // A method's locals are its own.
        let aliases = std::mem::take(&mut self.aliases);
        let saved = (self.guard, self.dsl_block, self.resource.take());
        (self.guard, self.dsl_block) = (Guard::None, false);
        ruby_prism::visit_def_node(self, node);
        (self.guard, self.dsl_block, self.resource) = saved;
        self.aliases = aliases;
    }

    fn visit_class_node(&mut self, node: &ruby_prism::ClassNode<'pr>) {
        self.class_def(
            &node.class_keyword_loc(),
            &node.constant_path(),
            node.superclass(),
            &node.end_keyword_loc(),
            false,
        );
        ruby_prism::visit_class_node(self, node);
    }

    fn visit_module_node(&mut self, node: &ruby_prism::ModuleNode<'pr>) {
        self.class_def(
            &node.module_keyword_loc(),
            &node.constant_path(),
            None,
            &node.end_keyword_loc(),
            true,
        );
        ruby_prism::visit_module_node(self, node);
    }

    fn visit_and_node(&mut self, node: &ruby_prism::AndNode<'pr>) {
        // `a && b && c …` nests on the left, to any depth: gather the operands in a loop, then
        // visit them left to right, each guarded by what the ones before it checked
        // (`node['a'].key?('b') && node['a']['b'] == true`) and all but the last tested.
        let mut operands = vec![node.right()];
        let mut left = node.left();
        while let Some(and) = left.as_and_node() {
            operands.push(and.right());
            left = and.left();
        }
        operands.push(left);
        operands.reverse();
        let before = self.guards.len();
        let last = operands.len() - 1;
        for (i, operand) in operands.iter().enumerate() {
            if i < last {
                self.mark_tested(operand, false);
            }
            let from = self.facts.reads.len();
            self.visit(operand);
            self.guards_from(from);
        }
        self.guards.truncate(before);
    }

    fn visit_or_node(&mut self, node: &ruby_prism::OrNode<'pr>) {
        // `x || fallback`: every left side expects absence. Visited left to right (gathered
        // in a loop: `a || b || c …` nests on the left, to any depth), so that a path read
        // twice in one statement is reported where it is first read.
        let mut operands = vec![node.right()];
        let mut left = node.left();
        while let Some(or) = left.as_or_node() {
            operands.push(or.right());
            left = or.left();
        }
        operands.push(left);
        operands.reverse();
        let last = operands.len() - 1;
        for (i, operand) in operands.iter().enumerate() {
            if i < last {
                self.mark_tested(operand, false);
            }
            self.visit(operand);
        }
    }

    fn visit_while_node(&mut self, node: &ruby_prism::WhileNode<'pr>) {
        self.mark_tested(&node.predicate(), true);
        ruby_prism::visit_while_node(self, node);
    }

    fn visit_until_node(&mut self, node: &ruby_prism::UntilNode<'pr>) {
        self.mark_tested(&node.predicate(), true);
        ruby_prism::visit_until_node(self, node);
    }

    fn visit_begin_node(&mut self, node: &ruby_prism::BeginNode<'pr>) {
        let Some(statements) = node.statements().filter(|_| node.rescue_clause().is_some()) else {
            return ruby_prism::visit_begin_node(self, node);
        };
        self.rescued += 1;
        self.visit_statements_node(&statements);
        self.rescued -= 1;
        if let Some(rescue) = node.rescue_clause() {
            self.visit_rescue_node(&rescue);
        }
        if let Some(other) = node.else_clause() {
            self.visit_else_node(&other);
        }
        if let Some(ensure) = node.ensure_clause() {
            self.visit_ensure_node(&ensure);
        }
    }

    fn visit_string_node(&mut self, node: &StringNode<'pr>) {
        if !self.string_ips || self.quiet_ips > 0 {
            return;
        }
        let content = node.content_loc();
        let raw = content.as_slice();
        if memchr::memchr(b'.', raw).is_none() {
            return;
        }
        let base = content.start() as usize;
        let mut named = None;
        for (at, len, addr) in scan::ipv4s(raw) {
            if scan::not_an_address(raw, at, at + len)
                || *named.get_or_insert_with(|| self.ip_name_exempt())
            {
                continue;
            }
            let span = self.lines.span(base + at, base + at + len);
            self.facts.ips.push((span, addr));
        }
    }

    fn visit_assoc_node(&mut self, node: &AssocNode<'pr>) {
        // Only a string value can be a secret literal.
        if let Some(value) = node.value().as_string_node() {
            let key = node.key();
            let (string, symbol) = (key.as_string_node(), key.as_symbol_node());
            let name = match (&string, &symbol) {
                (Some(s), _) => Some(s.unescaped()),
                (_, Some(s)) => Some(s.unescaped()),
                _ => None,
            };
            if let Some(name) = name {
                self.secret(name, value.unescaped(), &node.location());
            }
        }
        let key = node.key();
        if is_literal_key(&key) {
            self.visit(&key);
            self.visit_named(&key.location(), &node.value());
        } else {
            ruby_prism::visit_assoc_node(self, node);
        }
    }

    fn visit_local_variable_write_node(&mut self, node: &LocalVariableWriteNode<'pr>) {
        let value = node.value();
        if let Some(value) = value.as_string_node() {
            self.secret(node.name().as_slice(), value.unescaped(), &node.location());
        } else if self.condition_guard(&value) == Guard::State {
            let name = self.src.owned(node.name().as_slice());
            if !self.state_locals.contains(&name) {
                self.state_locals.push(name);
            }
        }
        let value = node.value();
        self.visit_named(&node.name_loc(), &value);
        let alias = self.alias_of(&value);
        let name = node.name().as_slice();
        self.aliases.retain(|(n, _)| n.as_bytes() != name);
        if let Some(path) = alias {
            self.aliases.push((self.src.owned(name), path));
        }
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

/// A call's byte range, to recognise it again later in the walk.
fn loc_of(call: &CallNode<'_>) -> (u32, u32) {
    let loc = call.location();
    (loc.start(), loc.end())
}

/// Whether the block of a receiverless call named `name` is a DSL block (a resource's, or
/// another DSL call's such as `nginx_load_balancer do … end`) rather than plain code.
fn is_dsl_block_owner(name: &[u8]) -> bool {
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !is_not_resource(name)
}

/// How many recipes a statement includes when it consists only of `include_recipe` calls
/// (plain, or in a loop over a list); 0 when it does anything else. An include under
/// `if`/`unless` is logic a run list cannot express, not a run list in disguise.
fn include_only(stmt: &Node<'_>) -> u32 {
    let all = |body: Option<ruby_prism::StatementsNode<'_>>| -> u32 {
        let Some(body) = body else { return 0 };
        let mut total = 0;
        for s in body.body().iter() {
            match include_only(&s) {
                0 => return 0,
                n => total += n,
            }
        }
        total
    };
    if let Some(call) = stmt.as_call_node() {
        let name = call.name().as_slice();
        if call.receiver().is_none() && name == b"include_recipe" && call.block().is_none() {
            return call.arguments().map_or(0, |a| a.arguments().len() as u32);
        }
        // `list.each do |r| include_recipe r end`: as many includes as the list has items
        // when it is written out, else at least one.
        let receiver = call.receiver();
        let block = call.block().and_then(|b| b.as_block_node());
        if let (Some(receiver), Some(block), b"each") = (receiver, block, name) {
            let per_item = all(block.body().and_then(|b| b.as_statements_node()));
            let items = receiver
                .as_array_node()
                .map_or(1, |a| a.elements().len() as u32);
            return per_item * items.max(1);
        }
    }
    0
}

/// The condition of `if cond then return end` / `return if cond` / `next unless cond` (an
/// `if`/`unless` whose only statement is `return` or `next`, without `else`).
fn early_exit<'pr>(stmt: &Node<'pr>) -> Option<Node<'pr>> {
    let exits = |body: Option<ruby_prism::StatementsNode<'pr>>| {
        body.is_some_and(|b| {
            let body = b.body();
            body.len() == 1
                && body
                    .iter()
                    .all(|s| s.as_return_node().is_some() || s.as_next_node().is_some())
        })
    };
    if let Some(node) = stmt.as_if_node() {
        return (node.subsequent().is_none() && exits(node.statements())).then(|| node.predicate());
    }
    if let Some(node) = stmt.as_unless_node() {
        return (node.else_clause().is_none() && exits(node.statements()))
            .then(|| node.predicate());
    }
    None
}

/// What a condition looks at: [`Guard::State`] when some part of it observes the machine
/// (see [`probes_state`]), else [`Guard::Config`].
fn condition_guard(cond: &Node<'_>, state_locals: &[String]) -> Guard {
    if probes_state(cond, state_locals, 0) {
        Guard::State
    } else {
        Guard::Config
    }
}

/// How deep [`probes_state`] looks into a condition. A real condition is a few levels
/// deep; a pathological one (thousands of nested brackets) is not walked further, and
/// counts as a guard we cannot see through, as a call we do not know would.
const MAX_CONDITION_DEPTH: u32 = 64;

/// Whether some part of a condition observes the machine's state rather than the platform
/// or the configuration: a command (`shell_out`, backticks), the file system (`::File.exist?`),
/// a predicate helper (`installed?`, not `platform_family?`), the current resource, an
/// instance variable (set by `load_current_resource`), or a local variable assigned from one
/// of these. `defined?(…)` asks about the code, not the machine. An explicit walk with a
/// depth bound, not a visitor: conditions are short, and hostile input must not recurse.
fn probes_state(node: &Node<'_>, state_locals: &[String], depth: u32) -> bool {
    if depth > MAX_CONDITION_DEPTH {
        return true;
    }
    let deeper = |n: &Node<'_>| probes_state(n, state_locals, depth + 1);
    if let Some(call) = node.as_call_node() {
        let name = call.name().as_slice();
        let text = std::str::from_utf8(name).unwrap_or("");
        let state = match call.receiver() {
            None => {
                is_probe(text)
                    || matches!(name, b"current_resource" | b"current_value")
                    || (name.last() == Some(&b'?') && !is_platform_predicate(text))
            }
            Some(recv) => {
                recv.as_instance_variable_read_node().is_some()
                    || ((recv.as_constant_read_node().is_some()
                        || recv.as_constant_path_node().is_some())
                        && is_probe_class(recv.location().as_slice()))
                    || deeper(&recv)
            }
        };
        return state
            || call
                .arguments()
                .is_some_and(|a| a.arguments().iter().any(|arg| deeper(&arg)))
            || call
                .block()
                .and_then(|b| b.as_block_node())
                .and_then(|b| b.body())
                .is_some_and(|body| deeper(&body));
    }
    if let Some(and) = node.as_and_node() {
        return deeper(&and.left()) || deeper(&and.right());
    }
    if let Some(or) = node.as_or_node() {
        return deeper(&or.left()) || deeper(&or.right());
    }
    if let Some(parens) = node.as_parentheses_node() {
        return parens.body().is_some_and(|b| deeper(&b));
    }
    if let Some(statements) = node.as_statements_node() {
        return statements.body().iter().any(|s| deeper(&s));
    }
    if let Some(array) = node.as_array_node() {
        return array.elements().iter().any(|e| deeper(&e));
    }
    if let Some(interp) = node.as_interpolated_string_node() {
        return interp.parts().iter().any(|p| deeper(&p));
    }
    if let Some(embedded) = node.as_embedded_statements_node() {
        return embedded.statements().is_some_and(|s| deeper(&s.as_node()));
    }
    if let Some(local) = node.as_local_variable_read_node() {
        let name = local.name();
        let name = name.as_slice();
        return state_locals.iter().any(|l| l.as_bytes() == name);
    }
    node.as_instance_variable_read_node().is_some()
        || node.as_x_string_node().is_some()
        || node.as_interpolated_x_string_node().is_some()
}

name_set! {
    /// Receiverless calls that run a command or probe the system.
    PROBES,
    is_probe,
    [
        "powershell_exec",
        "powershell_out",
        "powershell_out!",
        "shell_out",
        "shell_out!",
        "shell_out_compacted",
        "shell_out_compacted!",
        "system",
    ]
}

name_set! {
    /// Receiverless predicates about the platform, not the machine's state (Chef's and
    /// chef-utils' helpers).
    PLATFORM_PREDICATES,
    is_platform_predicate,
    [
        "aix?",
        "amazon?",
        "amazon_linux?",
        "arch?",
        "arm?",
        "centos?",
        "debian?",
        "docker?",
        "fedora?",
        "freebsd?",
        "gentoo?",
        "intel?",
        "kitchen?",
        "linux?",
        "mac_os_x?",
        "macos?",
        "platform?",
        "platform_family?",
        "rhel?",
        "smartos?",
        "solaris2?",
        "solaris?",
        "suse?",
        "systemd?",
        "ubuntu?",
        "virtual?",
        "windows?",
    ]
}

/// Classes whose methods look at the file system or run commands.
fn is_probe_class(path: &[u8]) -> bool {
    let last = match memchr::memrchr(b':', path) {
        Some(at) => &path[at + 1..],
        None => path,
    };
    matches!(
        last,
        b"File" | b"Dir" | b"FileTest" | b"Pathname" | b"IO" | b"Etc" | b"Open3" | b"ShellOut"
    )
}

pub fn is_level(name: &str) -> bool {
    level_of(name.as_bytes()).is_some()
}

fn is_node(recv: &Node<'_>) -> bool {
    recv.as_call_node().is_some_and(|c| {
        c.receiver().is_none() && c.arguments().is_none() && c.name().as_slice() == b"node"
    })
}

fn is_literal_key(node: &Node<'_>) -> bool {
    node.as_string_node().is_some() || node.as_symbol_node().is_some()
}

/// The Ruby source being walked, as text (empty when it is not UTF-8).
#[derive(Clone, Copy)]
struct Source<'s>(&'s str);

impl<'s> Source<'s> {
    /// `bytes` as text without checking them again, when they lie inside the source: prism
    /// points into the source for every name and for literals without escapes (most of
    /// them), and a range of a `str` that `str::get` accepts is valid UTF-8 with the same
    /// bytes. Checking each short literal on its own cost more than the whole walk around it.
    fn get(self, bytes: &[u8]) -> Option<&'s str> {
        let start = (bytes.as_ptr() as usize).wrapping_sub(self.0.as_ptr() as usize);
        let end = start.checked_add(bytes.len())?;
        self.0.get(start..end)
    }

    /// `bytes` as text, checked only when they are not a range of the source.
    fn str<'b>(self, bytes: &'b [u8]) -> Option<&'b str>
    where
        's: 'b,
    {
        self.get(bytes).or_else(|| std::str::from_utf8(bytes).ok())
    }

    /// A literal's text as an owned string (invalid UTF-8 replaced).
    fn owned(self, bytes: &[u8]) -> String {
        match self.str(bytes) {
            Some(text) => text.to_owned(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

fn key(src: Source<'_>, node: &Node<'_>) -> Key {
    if let Some(s) = node.as_string_node() {
        return Key::Lit(src.owned(s.unescaped()));
    }
    if let Some(s) = node.as_symbol_node() {
        return Key::Lit(src.owned(s.unescaped()));
    }
    Key::Dynamic
}

/// A literal value, as far as the linter needs one.
fn lit(src: Source<'_>, node: &Node<'_>) -> Lit {
    if let Some(s) = node.as_string_node() {
        return Lit::Str(src.owned(s.unescaped()));
    }
    if let Some(s) = node.as_symbol_node() {
        return Lit::Sym(src.owned(s.unescaped()));
    }
    if let Some(interp) = node.as_interpolated_string_node() {
        let mut text = String::new();
        for part in interp.parts().iter() {
            match part.as_string_node() {
                Some(s) => match src.str(s.unescaped()) {
                    Some(part) => text.push_str(part),
                    None => text.push_str(&String::from_utf8_lossy(s.unescaped())),
                },
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
        // Sized from the node list (collecting from its iterator would grow from empty).
        let elements = array.elements();
        let mut items = Vec::with_capacity(elements.len());
        items.extend(elements.iter().map(|e| lit(src, &e)));
        return Lit::Array(items);
    }
    Lit::Other
}

/// The block parameter of `list.each do |x|` (one required parameter and nothing else) with
/// the values it takes when `list` is a literal list of strings or symbols (`%w(a b)`,
/// `['a', :b]`), else `None` for them.
fn loop_binding(src: Source<'_>, call: &CallNode<'_>) -> Option<(Vec<u8>, Option<Vec<Lit>>)> {
    let block = call.block()?.as_block_node()?;
    let params = block
        .parameters()?
        .as_block_parameters_node()?
        .parameters()?;
    let requireds = params.requireds();
    if requireds.len() != 1
        || !params.optionals().is_empty()
        || params.rest().is_some()
        || !params.posts().is_empty()
    {
        return None;
    }
    let name = requireds
        .iter()
        .next()?
        .as_required_parameter_node()?
        .name()
        .as_slice()
        .to_vec();
    let values = call.receiver().and_then(|r| match lit(src, &r) {
        Lit::Array(items) if items.iter().all(|i| i.text().is_some()) => Some(items),
        _ => None,
    });
    Some((name, values))
}

/// Positional literals and literal-keyed keyword arguments of a call.
fn arguments(src: Source<'_>, args: Option<&ArgumentsNode<'_>>) -> (Vec<Lit>, Vec<(String, Lit)>) {
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    let Some(args) = args else {
        return (positional, keywords);
    };
    // Sized from the node lists on the first push (a call with keywords only allocates
    // nothing for positional arguments), instead of growing from empty.
    let args = args.arguments();
    for (i, arg) in args.iter().enumerate() {
        let Some(hash) = arg.as_keyword_hash_node() else {
            if positional.capacity() == 0 {
                positional.reserve_exact(args.len() - i);
            }
            positional.push(lit(src, &arg));
            continue;
        };
        let elements = hash.elements();
        keywords.reserve_exact(elements.len());
        for element in elements.iter() {
            let Some(assoc) = element.as_assoc_node() else {
                continue;
            };
            if let Key::Lit(k) = key(src, &assoc.key()) {
                keywords.push((k, lit(src, &assoc.value())));
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

    /// Found by the `facts` fuzz target: prism's error recovery gives the block of an
    /// unterminated `do` inside a heredoc's interpolation a location that ends before it
    /// starts, and `Location::end` (an unchecked add) overflowed (a panic in a debug build).
    #[test]
    fn broken_locations_from_error_recovery_do_not_panic() {
        for src in [
            "<<o\n#{e do",
            "<<o\n #{e do",
            "<<o\n#{e do |x| y\n",
            "x = <<~A\n#{a.b do\n",
        ] {
            let facts = extract(src.as_bytes(), src);
            assert!(facts.syntax_error.is_some(), "{src:?}");
        }
    }

    #[test]
    fn name_lists_are_sorted() {
        for list in [
            LEVELS,
            NOT_RESOURCES,
            BLOCKLESS_RESOURCES,
            PROBES,
            PLATFORM_PREDICATES,
        ] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    /// Every name the tables hold, near misses of each (a byte changed, dropped or added,
    /// another case), and the names of other tables.
    fn probe_names() -> Vec<String> {
        let mut names = vec![String::new(), "node".into(), "[]".into(), "x".into()];
        for name in LEVELS
            .iter()
            .chain(NOT_RESOURCES)
            .chain(BLOCKLESS_RESOURCES)
        {
            names.push(name.to_string());
            names.push(name[..name.len() - 1].to_string());
            names.push(name[1..].to_string());
            names.push(format!("{name}s"));
            names.push(format!("_{name}"));
            names.push(name.to_uppercase());
            let mut last = name.as_bytes().to_vec();
            *last.last_mut().unwrap() ^= 1;
            names.push(String::from_utf8(last).unwrap());
        }
        names
    }

    #[test]
    fn name_lookups_agree_with_the_sorted_tables() {
        for name in probe_names() {
            let n = name.as_str();
            assert_eq!(
                level_of(n.as_bytes()),
                LEVELS.binary_search(&n).ok().map(|i| LEVELS[i]),
                "{n}"
            );
            assert_eq!(is_level(n), LEVELS.binary_search(&n).is_ok(), "{n}");
            assert_eq!(
                is_not_resource(n),
                NOT_RESOURCES.binary_search(&n).is_ok(),
                "{n}"
            );
            assert_eq!(
                is_blockless_resource(n),
                BLOCKLESS_RESOURCES.binary_search(&n).is_ok(),
                "{n}"
            );
        }
    }

    #[test]
    fn line_index_with_a_hint_equals_a_binary_search() {
        for src in [
            "",
            "\n",
            "a",
            "ab\n\ncd\n",
            "x = 1\ny = 'héllo'\n\n  z\n",
            "0123456\n01234567\n012345678\n\n\n\n\n\n\n\n\nlast line without newline",
        ] {
            let index = LineIndex::new(src);
            let fresh = |start: usize, end: usize| LineIndex::new(src).span(start, end);
            let mut expected_starts = vec![0];
            expected_starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
            assert_eq!(index.starts, expected_starts, "{src:?}");
            assert_eq!(index.ascii, src.is_ascii(), "{src:?}");
            let n = src.len() + 2;
            // Forward, backward and jumping lookups, each against a fresh index (no hint).
            let order: Vec<usize> = (0..n)
                .chain((0..n).rev())
                .chain((0..n).map(|i| i * 7 % n))
                .collect();
            for &start in &order {
                for end in [start, start + 1, start + 5] {
                    assert_eq!(
                        index.span(start, end),
                        fresh(start, end),
                        "{src:?} {start}..{end}"
                    );
                }
                assert_eq!(
                    index.line(start),
                    fresh(start, start + 1).line,
                    "{src:?} {start}"
                );
            }
        }
    }

    #[test]
    fn newline_scan_handles_every_position_in_a_word() {
        // Newlines and non-ASCII bytes at every offset of the eight-byte words and the tail.
        for len in 0..40 {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = b'\n';
                let src = String::from_utf8(bytes).unwrap();
                assert_eq!(LineIndex::new(&src).starts, [0, at + 1], "{len} {at}");
                let mut wide = "a".repeat(at);
                wide.push('é');
                assert!(!LineIndex::new(&wide).ascii, "{at}");
                assert!(LineIndex::new(&"a".repeat(len)).ascii);
            }
        }
    }

    #[test]
    fn addresses_in_strings_with_escapes_are_still_found() {
        for (src, expected) in [
            ("x = '10.0.0.1'\n", vec!["10.0.0.1"]),
            ("x = \"\\M-. 10.1.2.3\"\n", vec!["10.1.2.3"]),
            ("x = \"\\x2e1.2.3\"\n", vec![]),
            ("x = \"\\c.\\M-.\\C-.\"\n", vec![]),
            ("x = <<~EOS\n  host 192.168.1.1\nEOS\n", vec!["192.168.1.1"]),
            ("x = %w[1.2.3.4 no]\n", vec!["1.2.3.4"]),
        ] {
            let f = extract(src.as_bytes(), src);
            let found: Vec<String> = f.ips.iter().map(|(_, a)| a.to_string()).collect();
            assert_eq!(found, expected, "{src:?}");
        }
    }

    #[test]
    fn chains_keep_keys_up_to_the_first_computed_one() {
        let src =
            "node['a'][x]['b']\nnode['a']['b'][y]\nx = node[k]['c']\ndefault['a'][k]['z'] = 1\n";
        let f = extract(src.as_bytes(), src);
        let reads: Vec<_> = f
            .reads
            .iter()
            .map(|r| (r.path.keys.clone(), r.path.partial))
            .collect();
        assert_eq!(
            reads,
            [
                (vec!["a".to_string()], true),
                (vec!["a".to_string(), "b".to_string()], true),
                (vec![], true),
            ]
        );
        assert_eq!(f.writes[0].path.keys, ["a"]);
        assert!(f.writes[0].path.partial);
        let deep = format!("node{}\n", "['k']".repeat(40));
        let f = extract(deep.as_bytes(), &deep);
        assert_eq!(f.reads[0].path.keys.len(), AttrPath::MAX_KEYS);
        assert!(f.reads[0].path.partial);
        let exact = format!("default{} = 1\n", "['k']".repeat(AttrPath::MAX_KEYS + 1));
        let f = extract(exact.as_bytes(), &exact);
        assert_eq!(f.writes[0].path.keys.len(), AttrPath::MAX_KEYS);
        assert!(f.writes[0].path.partial);
    }

    #[test]
    fn guard_context_of_each_resource() {
        let src = "\
execute 'a'
execute 'b' if ::File.exist?('/x')
execute 'c' if platform_family?('debian')
ok = shell_out('x').exitstatus.zero?
execute 'd' unless ok
flavor = node['app']['flavor']
execute 'e' if flavor == 'x'
%w(x y).each do |n|
  execute 'f' if n == 'x'
end
begin
  execute 'g'
rescue StandardError
  execute 'h'
end
case node['platform']
when 'ubuntu' then execute 'i'
end
action :create do
  return if installed?
  execute 'j'
end
action :enable do
  return unless platform?('ubuntu')
  execute 'k'
  converge_if_changed :port do
    execute 'l'
  end
  execute 'm' if @current.running
  execute 'n' if new_resource.force
end
";
        let f = extract(src.as_bytes(), src);
        let guards: Vec<(String, Guard)> = f
            .resources
            .iter()
            .map(|r| (r.name.text().unwrap_or("").to_string(), r.guard))
            .collect();
        let (n, c, s) = (Guard::None, Guard::Config, Guard::State);
        let want = [
            ("a", n),
            ("b", s),
            ("c", c),
            ("d", s),
            ("e", c),
            ("f", c),
            ("g", n),
            ("h", s),
            ("i", c),
            ("j", s),
            ("k", c),
            ("l", s),
            ("m", s),
            ("n", c),
        ];
        let want: Vec<(String, Guard)> = want.iter().map(|(a, g)| (a.to_string(), *g)).collect();
        assert_eq!(guards, want);
    }

    #[test]
    fn a_blockless_call_in_a_dsl_block_is_a_property() {
        let src = "\
site 'x' do
  template 'a.erb'
end
proxy do
  template 'b.erb'
end
action :create do
  template '/etc/c'
  converge_by 'd' do
    package 'e'
  end
end
%w(f).each { |p| package p }
def helper
  package 'g'
end
";
        let f = extract(src.as_bytes(), src);
        let kinds: Vec<String> = f
            .resources
            .iter()
            .map(|r| format!("{} {}", r.kind, r.name.text().unwrap_or("?")))
            .collect();
        assert_eq!(
            kinds,
            [
                "site x",
                "template /etc/c",
                "package e",
                "package ?",
                "package g"
            ]
        );
        assert_eq!(f.defs[0].name, "helper");
        assert_eq!((f.defs[0].line, f.defs[0].end), (14, 16));
    }

    #[test]
    fn include_only_statements() {
        let src = "\
include_recipe 'a', 'b'
%w(c d e).each { |r| include_recipe r }
include_recipe 'f' if x
list.each do |r|
  include_recipe r
  package r
end
";
        let f = extract(src.as_bytes(), src);
        let counts: Vec<u32> = f.stmts.iter().map(|s| s.includes).collect();
        assert_eq!(counts, [2, 3, 0, 0]);
    }

    /// `depends` in a loop over a literal list is one call per element; over anything else
    /// its argument stays unknown.
    #[test]
    fn unrolls_depends_in_a_loop_over_a_literal_list() {
        let src = "%w(runit java).each { |cb| depends cb }\n[:apt].each do |d|\n  depends d\nend\n\
                   list.each { |x| depends x }\n%w(a).each { |x| depends 'b' }\n[].each { |e| depends e }\n";
        let f = extract(src.as_bytes(), src);
        let args: Vec<Lit> = f.top_calls("depends").map(|c| c.args[0].clone()).collect();
        assert_eq!(
            args,
            [
                Lit::Str("runit".into()),
                Lit::Str("java".into()),
                Lit::Sym("apt".into()),
                Lit::Other,
                Lit::Str("b".into()),
            ]
        );
    }

    /// ChefSpec's `include_recipe` matcher includes nothing; an include under `rescue` is
    /// marked optional.
    #[test]
    fn include_recipe_as_a_matcher_or_rescued() {
        let src =
            "expect(chef_run).to include_recipe('a::b')\nis_expected.not_to include_recipe 'c'\n\
                   begin\n  include_recipe 'd'\nrescue\nend\ninclude_recipe 'e'\n";
        let f = extract(src.as_bytes(), src);
        let got: Vec<(String, bool)> = f
            .includes
            .iter()
            .map(|i| match &i.target {
                IncludeTarget::Static { cookbook, .. } => (cookbook.clone(), i.rescued),
                IncludeTarget::Dynamic => (String::new(), i.rescued),
            })
            .collect();
        assert_eq!(got, [("d".to_string(), true), ("e".to_string(), false)]);
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
