//! What the linter knows about one parsed file: owned, thread-safe facts extracted in a single
//! walk over the prism syntax tree. Rules read these facts; nothing re-parses or re-reads a file.

use crate::diag::Location;

/// A place in a file: 1-based line and column in characters, length in characters (clamped to
/// the line when rendered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub line: u32,
    pub col: u32,
    pub len: u32,
}

impl Span {
    pub fn location(self) -> Location {
        Location {
            line: self.line as usize,
            column: self.col as usize,
            len: self.len as usize,
        }
    }
}

/// A literal argument, as far as the linter cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lit {
    Str(String),
    Sym(String),
    Int(i64),
    Bool(bool),
    Nil,
    /// An array of literals (`[:enable, :start]`).
    Array(Vec<Lit>),
    /// A string with `#{...}` interpolation: its literal parts, with `#{…}` for the code.
    Interpolated(String),
    /// A constant (`Chef::Provider::Service::Systemd`), as written.
    Const(String),
    /// Anything else (a variable, a method call, a hash …).
    Other,
}

impl Lit {
    /// The text of a string or symbol literal.
    pub fn text(&self) -> Option<&str> {
        match self {
            Lit::Str(s) | Lit::Sym(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a string, symbol or interpolated string (with `#{…}` placeholders).
    pub fn template(&self) -> Option<&str> {
        match self {
            Lit::Str(s) | Lit::Sym(s) | Lit::Interpolated(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is the symbol `name` or an array containing it (`action [:enable, :restart]`).
    pub fn has_symbol(&self, name: &str) -> bool {
        match self {
            Lit::Sym(s) => s == name,
            Lit::Array(items) => items.iter().any(|i| i.has_symbol(name)),
            _ => false,
        }
    }
}

/// One key of an attribute path: a literal, or something computed at run time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Lit(String),
    Dynamic,
}

/// An attribute path such as `['nginx']['port']`. `keys` stops at the first dynamic key;
/// `partial` says whether there was one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AttrPath {
    pub keys: Vec<String>,
    pub partial: bool,
}

impl AttrPath {
    /// Keys kept per path: real attributes are a handful of levels deep; a longer literal
    /// chain (generated or hostile code) is treated as partial beyond this.
    pub const MAX_KEYS: usize = 32;

    pub fn from_keys(keys: impl IntoIterator<Item = Key>) -> Self {
        let keys = keys.into_iter();
        let mut path = AttrPath {
            keys: Vec::with_capacity(keys.size_hint().0.min(Self::MAX_KEYS)),
            partial: false,
        };
        for key in keys {
            if path.keys.len() == Self::MAX_KEYS {
                path.partial = true;
                break;
            }
            match key {
                Key::Lit(k) => path.keys.push(k),
                Key::Dynamic => {
                    path.partial = true;
                    break;
                }
            }
        }
        path
    }

    /// The first key: the namespace, by convention the owning cookbook's name.
    pub fn namespace(&self) -> Option<&str> {
        self.keys.first().map(String::as_str)
    }

    /// `['a']['b']`, with `[…]` for a dynamic tail.
    pub fn display(&self) -> String {
        let mut out: String = self.keys.iter().map(|k| format!("['{k}']")).collect();
        if self.partial {
            out.push_str("[…]");
        }
        out
    }

    /// Whether a read of `self` can observe a definition of `other` (or the other way round):
    /// one path is a prefix of the other, where a dynamic tail matches anything.
    pub fn overlaps(&self, other: &AttrPath) -> bool {
        let n = self.keys.len().min(other.keys.len());
        self.keys[..n] == other.keys[..n]
    }
}

/// FxHash (the rustc hasher): much faster than SipHash for the short keys hashed here, and
/// collision attacks do not matter for a linter's own index.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub type FxBuild = std::hash::BuildHasherDefault<FxHasher>;
pub type FxHashSet<T> = std::collections::HashSet<T, FxBuild>;
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;

/// A set of attribute paths that answers [`AttrPath::overlaps`] against all of them in
/// O(depth) hash lookups.
#[derive(Debug, Default)]
pub struct AttrIndex<'a> {
    exact: FxHashSet<&'a [String]>,
    prefixes: FxHashSet<&'a [String]>,
}

impl<'a> AttrIndex<'a> {
    pub fn new(paths: impl IntoIterator<Item = &'a AttrPath>) -> Self {
        let paths: Vec<&[String]> = paths
            .into_iter()
            .map(|p| p.keys.as_slice())
            .filter(|keys| !keys.is_empty())
            .collect();
        // Sized up front: growing two repo-wide tables by rehashing cost as much as filling
        // them. Most paths share their parents, so there are not many more prefixes than paths.
        let mut index = AttrIndex {
            exact: FxHashSet::with_capacity_and_hasher(paths.len(), FxBuild::default()),
            prefixes: FxHashSet::with_capacity_and_hasher(
                paths.len() + paths.len() / 2,
                FxBuild::default(),
            ),
        };
        for keys in paths {
            if !index.exact.insert(keys) {
                continue;
            }
            for n in 1..=keys.len() {
                index.prefixes.insert(&keys[..n]);
            }
        }
        index
    }

    /// Whether some path in the set overlaps `path` (one is a prefix of the other).
    pub fn overlaps(&self, path: &AttrPath) -> bool {
        let q = path.keys.as_slice();
        self.prefixes.contains(q) || (1..q.len()).any(|n| self.exact.contains(&q[..n]))
    }
}

/// The precedence level an attribute is written at (`default`, `override`, `normal`, `set`, …,
/// `force_default`, `default_unless`, …) — the method name as written.
pub type Level = String;

/// `default['a']['b'] = value` (in an attributes file) or `node.default['a'] = value` (anywhere).
#[derive(Debug, Clone)]
pub struct AttrWrite {
    pub level: Level,
    /// Written through `node.` (`node.default[...]`) rather than the attributes-file DSL.
    pub via_node: bool,
    pub path: AttrPath,
    pub span: Span,
    /// The assigned value when it is a literal.
    pub value: Lit,
    /// Indexes into [`Facts::reads`] of the attribute reads inside the assigned value.
    pub value_reads: std::ops::Range<u32>,
}

/// `node['a']['b']`, `node.read('a', 'b')`, or `default['a']` read inside an attributes file.
#[derive(Debug, Clone)]
pub struct AttrRead {
    pub path: AttrPath,
    pub span: Span,
}

/// The target of an `include_recipe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeTarget {
    /// `cookbook::recipe` (`recipe` is `default` when omitted; `cookbook` is empty for `::recipe`).
    Static { cookbook: String, recipe: String },
    /// `include_recipe "#{cookbook_name}::#{x}"` or a variable.
    Dynamic,
}

#[derive(Debug, Clone)]
pub struct Include {
    pub target: IncludeTarget,
    pub span: Span,
}

/// A method call without a receiver (the Chef DSL: resources, their properties, metadata
/// keywords, `include_recipe`, …) or on `node`.
#[derive(Debug, Clone)]
pub struct Call {
    pub name: String,
    /// Set for calls on `node` (`node.set`, `node.normal`, …).
    pub on_node: bool,
    pub args: Vec<Lit>,
    /// Keyword arguments with a literal key (`path: '../x'`).
    pub kwargs: Vec<(String, Lit)>,
    pub span: Span,
    pub has_block: bool,
    /// The line its block ends on (0 without a block).
    pub block_end: u32,
    /// Index into [`Facts::resources`] of the resource block this call sits directly in.
    pub resource: Option<u32>,
}

/// A resource declaration: `package 'nginx' do … end`.
#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: String,
    /// The name when it is a literal.
    pub name: Lit,
    pub span: Span,
    /// Indexes into [`Facts::calls`] of the property calls in its block.
    pub props: Vec<u32>,
}

/// A top-level statement of the file, for rules about what a recipe consists of.
#[derive(Debug, Clone, Copy)]
pub struct Stmt {
    /// The statement is a plain, unconditional `include_recipe` call.
    pub is_include: bool,
    pub span: Span,
}

/// Everything extracted from one Ruby file (or the Ruby inside an ERB template).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub stmts: Vec<Stmt>,
    pub includes: Vec<Include>,
    pub writes: Vec<AttrWrite>,
    pub reads: Vec<AttrRead>,
    pub calls: Vec<Call>,
    pub resources: Vec<Resource>,
    /// `data_bag`, `data_bag_item`, `search`, `Chef::EncryptedDataBagItem.load`, …
    pub data_bag_reads: Vec<Span>,
    /// IPv4 addresses in string literals (or, for templates, anywhere in the text).
    pub ips: Vec<(Span, std::net::Ipv4Addr)>,
    /// Secret-looking names assigned a literal string outside attribute writes and resource
    /// properties: hash pairs (`'password' => 'x'`, `token: 'x'`) and local variables.
    pub secrets: Vec<(Span, String)>,
    /// The first syntax error, if any (the tree is still walked: prism recovers).
    pub syntax_error: Option<(Span, String)>,
}

impl Facts {
    /// Calls with this name that are not inside any resource block.
    pub fn top_calls<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls
            .iter()
            .filter(move |c| c.name == name && c.resource.is_none() && !c.on_node)
    }

    /// A property of a resource, by name.
    pub fn prop<'a>(&'a self, resource: &'a Resource, name: &str) -> Option<&'a Call> {
        self.props(resource).find(|c| c.name == name)
    }

    /// The `action :name do … end` block of a custom resource that contains `line`, if any.
    pub fn enclosing_action(&self, line: u32) -> Option<&Call> {
        self.calls.iter().find(|c| {
            c.name == "action"
                && c.has_block
                && c.resource.is_none()
                && c.span.line <= line
                && line <= c.block_end
        })
    }

    /// The property calls of a resource.
    pub fn props<'a>(&'a self, resource: &'a Resource) -> impl Iterator<Item = &'a Call> + 'a {
        resource.props.iter().map(|&i| &self.calls[i as usize])
    }
}
