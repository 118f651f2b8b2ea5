//! One walk over a prism syntax tree that extracts [`Facts`]: attribute reads and writes,
//! `include_recipe` targets, resource declarations with their properties, DSL calls and data bag
//! reads. The tree never leaves the thread that parsed it; only the owned facts do.
//!
//! One [`Collector`] walks the tree once; its methods are split by concern:
//! - here: the name tables, [`extract`], the collector's state;
//! - `visit`: prism's `Visit` for the collector, one method per kind of node that matters;
//! - `calls`: the call dispatch ([`Collector::call`]) and a handler per kind of call;
//! - `attributes`: attribute chains, their reads and writes;
//! - `conditions`: guards, tested attributes, conditional arms;
//! - `literals`: keys, literals and arguments out of the tree;
//! - `lines`: [`LineIndex`], byte offsets to line/column spans.

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

mod attributes;
mod calls;
mod conditions;
mod lines;
mod literals;
#[cfg(test)]
mod tests;
mod visit;

pub use lines::LineIndex;
use literals::*;
use visit::*;

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
}

/// A call's byte range, to recognise it again later in the walk.
fn loc_of(call: &CallNode<'_>) -> (u32, u32) {
    let loc = call.location();
    (loc.start(), loc.end())
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
