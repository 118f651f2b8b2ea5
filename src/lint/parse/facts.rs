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
            path.push_key(key);
            if path.partial {
                break;
            }
        }
        path
    }

    /// A path of literal keys already collected, `partial` when a computed key followed them:
    /// [`AttrPath::from_keys`] without moving the keys into a new list (index chains are
    /// unwound into one).
    pub fn from_literal_keys(mut keys: Vec<String>, mut partial: bool) -> Self {
        if keys.len() > Self::MAX_KEYS {
            keys.truncate(Self::MAX_KEYS);
            partial = true;
        }
        AttrPath { keys, partial }
    }

    /// Append a key, as [`AttrPath::from_keys`] would have had it been the last one: nothing
    /// after a dynamic key or beyond [`AttrPath::MAX_KEYS`].
    pub fn push_key(&mut self, key: Key) {
        if self.partial {
            return;
        }
        match key {
            Key::Lit(k) if self.keys.len() < Self::MAX_KEYS => self.keys.push(k),
            _ => self.partial = true,
        }
    }

    /// The first key: the namespace, by convention the owning cookbook's name.
    pub fn namespace(&self) -> Option<&str> {
        self.keys.first().map(String::as_str)
    }

    /// Whether a read of `self` can observe a definition of `other` (or the other way round):
    /// one path is a prefix of the other, where a dynamic tail matches anything.
    pub fn overlaps(&self, other: &AttrPath) -> bool {
        let n = self.keys.len().min(other.keys.len());
        self.keys[..n] == other.keys[..n]
    }
}

/// `['a']['b']`, with `[…]` for a dynamic tail; written straight into the message it is
/// formatted into (a `String` with a `format!` per key cost more than the rest of a finding).
impl std::fmt::Display for AttrPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for key in &self.keys {
            f.write_str("['")?;
            f.write_str(key)?;
            f.write_str("']")?;
        }
        if self.partial {
            f.write_str("[…]")?;
        }
        Ok(())
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

/// A node of an [`AttrIndex`]: one attribute path (the root is the empty path).
pub type AttrNode = u32;

/// A set of attribute paths that answers [`AttrPath::overlaps`] against all of them: a trie
/// whose nodes are the paths and all their prefixes. A path can belong to several sets at once
/// (a bit mask per node: the attribute rules keep the repo's writes and reads in one index).
///
/// Why a trie of node ids rather than hash sets of key slices: inserting a path hashes each of
/// its keys once (a set of slices hashes every prefix again from the first key), and a caller
/// that keeps the node [`AttrIndex::insert`] returned can ask about that path later with no
/// hashing at all ([`AttrIndex::overlaps_node`]).
#[derive(Debug)]
pub struct AttrIndex<'a> {
    /// (parent, key) → child.
    edges: FxHashMap<Edge<'a>, AttrNode>,
    /// Indexed by node; a parent always comes before its children.
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edge<'a> {
    parent: AttrNode,
    key: &'a str,
}

impl std::hash::Hash for Edge<'_> {
    // The parent as one word and the key's bytes, without the length or terminator a derived
    // impl adds: a fixed-width field then one variable-width field cannot run into each other.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.parent as usize);
        state.write(self.key.as_bytes());
    }
}

#[derive(Debug, Clone, Copy)]
struct TrieNode {
    parent: AttrNode,
    /// The sets this exact path is a member of.
    here: u8,
    /// The sets with a member at or below this node (this path or a longer one).
    below: u8,
}

impl Default for AttrIndex<'_> {
    fn default() -> Self {
        AttrIndex::with_capacity(0)
    }
}

impl<'a> AttrIndex<'a> {
    /// The empty path.
    pub const ROOT: AttrNode = 0;
    /// Every set: what [`AttrIndex::new`] puts paths in and [`AttrIndex::overlaps`] asks about.
    pub const ALL: u8 = u8::MAX;

    /// An index of these paths (one set; paths without keys are left out).
    pub fn new(paths: impl IntoIterator<Item = &'a AttrPath>) -> Self {
        let paths = paths.into_iter();
        let mut index = AttrIndex::with_capacity(paths.size_hint().0);
        for path in paths {
            if !path.keys.is_empty() {
                index.insert(Self::ROOT, &path.keys, Self::ALL);
            }
        }
        index
    }

    /// An empty index with room for about `nodes` nodes: growing a repo-wide table by
    /// rehashing costs as much as filling it.
    pub fn with_capacity(nodes: usize) -> Self {
        let mut index = AttrIndex {
            edges: FxHashMap::with_capacity_and_hasher(nodes, FxBuild::default()),
            nodes: Vec::with_capacity(nodes + 1),
        };
        index.nodes.push(TrieNode {
            parent: Self::ROOT,
            here: 0,
            below: 0,
        });
        index
    }

    /// Add the path `at` + `keys` to `sets` (a bit mask); returns its node. With no keys, `at`
    /// itself joins the sets (the root never does: it is the empty path).
    pub fn insert(&mut self, at: AttrNode, keys: &'a [String], sets: u8) -> AttrNode {
        let AttrIndex { edges, nodes } = self;
        let mut node = at;
        for key in keys {
            let parent = node;
            node = *edges.entry(Edge { parent, key }).or_insert_with(|| {
                nodes.push(TrieNode {
                    parent,
                    here: 0,
                    below: 0,
                });
                (nodes.len() - 1) as AttrNode
            });
        }
        if node == Self::ROOT {
            return node;
        }
        nodes[node as usize].here |= sets;
        // The path and each of its prefixes now lead to a member of `sets`. Stop at the first
        // node that already knows: its ancestors were told when it was.
        let mut n = node;
        while nodes[n as usize].below & sets != sets {
            nodes[n as usize].below |= sets;
            if n == Self::ROOT {
                break;
            }
            n = nodes[n as usize].parent;
        }
        node
    }

    /// Whether a member of `sets` overlaps the path at `node` (one is a prefix of the other):
    /// the path itself or a longer one is a member, or a shorter non-empty prefix is.
    pub fn overlaps_node(&self, node: AttrNode, sets: u8) -> bool {
        let Some(n) = self.nodes.get(node as usize) else {
            return false;
        };
        node != Self::ROOT && (n.below & sets != 0 || self.prefix_member(n.parent, sets))
    }

    /// The node of the path one key shorter (the root for the root and unknown nodes).
    pub fn parent(&self, node: AttrNode) -> AttrNode {
        self.nodes
            .get(node as usize)
            .map_or(Self::ROOT, |n| n.parent)
    }

    /// Whether `node` or one of its ancestors (other than the root) is a member of `sets`.
    fn prefix_member(&self, mut node: AttrNode, sets: u8) -> bool {
        while node != Self::ROOT {
            let n = self.nodes[node as usize];
            if n.here & sets != 0 {
                return true;
            }
            node = n.parent;
        }
        false
    }

    /// Whether some path in the index overlaps `path` (one is a prefix of the other; a path
    /// without keys overlaps nothing).
    pub fn overlaps(&self, path: &AttrPath) -> bool {
        let mut node = Self::ROOT;
        for key in &path.keys {
            match self.edges.get(&Edge { parent: node, key }) {
                Some(&child) => node = child,
                // No path continues this prefix with `key`, so no path has `path` as a prefix:
                // only a member that is a prefix of the part matched so far can overlap.
                None => return self.prefix_member(node, Self::ALL),
            }
        }
        self.overlaps_node(node, Self::ALL)
    }
}

#[cfg(test)]
mod attr_index_tests {
    use super::{AttrIndex, AttrPath, Key};
    use proptest::prelude::*;

    fn path(keys: &[&str], partial: bool) -> AttrPath {
        let mut keys: Vec<Key> = keys.iter().map(|k| Key::Lit(k.to_string())).collect();
        if partial {
            keys.push(Key::Dynamic);
        }
        AttrPath::from_keys(keys)
    }

    /// What the index must answer, by brute force: some non-empty member is a prefix of the
    /// query or the other way round (a query without keys overlaps nothing).
    fn naive(members: &[&AttrPath], query: &AttrPath) -> bool {
        !query.keys.is_empty()
            && members
                .iter()
                .any(|m| !m.keys.is_empty() && m.overlaps(query))
    }

    #[test]
    fn answers_prefixes_both_ways_and_dynamic_tails() {
        let members = [
            path(&["app", "port"], false),
            path(&["db"], true),
            path(&["web", "tls", "cert"], false),
            path(&[], true),
        ];
        let index = AttrIndex::new(&members);
        for (keys, partial, want) in [
            (&["app", "port"][..], false, true),
            (&["app"][..], false, true),
            (&["app"][..], true, true),
            (&["app", "port", "x"][..], false, true),
            (&["app", "prot"][..], false, false),
            (&["db", "host"][..], false, true),
            (&["web", "tls"][..], true, true),
            (&["web", "tls", "key"][..], false, false),
            (&["cache"][..], false, false),
            (&[][..], true, false),
            (&[][..], false, false),
        ] {
            let q = path(keys, partial);
            assert_eq!(index.overlaps(&q), want, "{}", q);
            assert_eq!(naive(&members.iter().collect::<Vec<_>>(), &q), want);
        }
    }

    #[test]
    fn max_keys_long_paths() {
        let long: Vec<String> = (0..AttrPath::MAX_KEYS + 5)
            .map(|i| format!("k{i}"))
            .collect();
        let long_refs: Vec<&str> = long.iter().map(String::as_str).collect();
        let member = path(&long_refs, false);
        assert_eq!(member.keys.len(), AttrPath::MAX_KEYS);
        assert!(member.partial);
        let index = AttrIndex::new([&member]);
        assert!(index.overlaps(&path(&long_refs, false)));
        assert!(index.overlaps(&path(&long_refs[..3], false)));
        assert!(index.overlaps(&path(&long_refs[..AttrPath::MAX_KEYS], false)));
        let mut other = long_refs.clone();
        other[AttrPath::MAX_KEYS - 1] = "x";
        assert!(!index.overlaps(&path(&other, false)));
    }

    #[test]
    fn sets_are_kept_apart() {
        let (w, r) = (path(&["a", "b"], false), path(&["a", "c", "d"], false));
        let mut index = AttrIndex::default();
        let wn = index.insert(AttrIndex::ROOT, &w.keys, 1);
        let rn = index.insert(AttrIndex::ROOT, &r.keys, 2);
        let a = index.insert(AttrIndex::ROOT, &w.keys[..1], 0);
        assert!(index.overlaps_node(wn, 1) && !index.overlaps_node(wn, 2));
        assert!(index.overlaps_node(rn, 2) && !index.overlaps_node(rn, 1));
        assert!(index.overlaps_node(a, 1) && index.overlaps_node(a, 2));
        assert!(!index.overlaps_node(AttrIndex::ROOT, AttrIndex::ALL));
        assert!(!index.overlaps_node(1000, AttrIndex::ALL));
        // A path inserted below a node: the node itself and the path both join the set.
        let ab = index.insert(a, &w.keys[1..], 4);
        assert_eq!(ab, wn);
        assert!(index.overlaps_node(a, 4) && index.overlaps_node(wn, 4));
        assert!(!index.overlaps_node(rn, 4));
        let a_only = index.insert(a, &[], 8);
        assert_eq!(a_only, a);
        assert!(index.overlaps_node(rn, 8) && index.overlaps_node(wn, 8));
    }

    fn arb_path() -> impl Strategy<Value = AttrPath> {
        // A tiny alphabet (with the empty key) so that paths share prefixes often.
        let key = prop::sample::select(vec!["a", "b", "c", ""]);
        (prop::collection::vec(key, 0..6), any::<bool>())
            .prop_map(|(keys, partial)| path(&keys, partial))
    }

    proptest! {
        #[test]
        fn overlaps_agrees_with_brute_force(
            members in prop::collection::vec(arb_path(), 0..12),
            queries in prop::collection::vec(arb_path(), 1..12),
        ) {
            let index = AttrIndex::new(&members);
            let refs: Vec<&AttrPath> = members.iter().collect();
            for q in &queries {
                prop_assert_eq!(index.overlaps(q), naive(&refs, q), "{}", q);
            }
        }

        #[test]
        fn node_queries_agree_with_brute_force_per_set(
            members in prop::collection::vec((arb_path(), 1u8..4), 0..12),
            queries in prop::collection::vec(arb_path(), 1..12),
        ) {
            let mut index = AttrIndex::default();
            for (p, sets) in &members {
                if !p.keys.is_empty() {
                    index.insert(AttrIndex::ROOT, &p.keys, *sets);
                }
            }
            let nodes: Vec<_> = queries
                .iter()
                .map(|q| index.insert(AttrIndex::ROOT, &q.keys, 0))
                .collect();
            for (q, node) in queries.iter().zip(nodes) {
                for set in [1u8, 2] {
                    let in_set: Vec<&AttrPath> =
                        members.iter().filter(|(_, s)| s & set != 0).map(|(p, _)| p).collect();
                    prop_assert_eq!(index.overlaps_node(node, set), naive(&in_set, q));
                }
                let all: Vec<&AttrPath> = members.iter().map(|(p, _)| p).collect();
                prop_assert_eq!(index.overlaps(q), naive(&all, q));
            }
        }
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
    /// How the code copes with the attribute being absent.
    pub nil: NilCheck,
    /// Read through a local variable rather than `node` itself: an alias of a node
    /// sub-hash (`n = node['a']; n['b']` reads `['a']['b']`) or a variable that may hold a
    /// node (`replicaset['mongodb']['shard']`, two literal keys at least). Evidence that the
    /// attribute is used, too indirect to say it is missing.
    pub indirect: bool,
    /// The statement the read is part of (numbered in walk order; a nested body's statements
    /// get their own numbers): one expression that reads a path twice
    /// (`x == true || x == 'true'`) is one use.
    pub stmt: u32,
    /// Only asks whether the attribute exists (`key?`, `has_key?`, `attribute?`, `exist?`):
    /// no use of its value, so no evidence that anything below it is read.
    pub presence: bool,
}

/// How a read copes with the attribute being absent (`nil`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NilCheck {
    /// The value is used as it is: `nil` flows on into a template, a command, a property.
    #[default]
    Unchecked,
    /// Only tested, or given a fallback: the condition of an `if`/`unless`/`while`/ternary
    /// (also through `&&`, `||`, `!`, `==`, `!=`), the left side of `||`, the receiver of
    /// `.nil?` or `&.`. Absence is expected; but if the parent is absent too, indexing it
    /// raises `NoMethodError` on `nil`.
    Tested,
    /// Cannot raise and expects absence: `node.dig`/`read`/`attribute?`/`key?`, a read under
    /// `rescue`, one inside a branch guarded by a check of the same path (`if node['a']['b']`,
    /// `node['a'].key?('b') && …`), or through `node.default[…]`, which creates the keys.
    Safe,
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
    /// Inside code a `rescue` covers: a deliberately optional include, which cannot fail
    /// the run.
    pub rescued: bool,
}

/// What decides whether a resource (or a call) runs, from the Ruby around it. Ordered: a
/// context inside another keeps the stronger of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Guard {
    /// Nothing: it runs whenever the code around it runs.
    #[default]
    None,
    /// Inside `if`/`unless`/`case` (or after an early `return if …`) on the platform or the
    /// configuration only (`platform_family?`, `node[…]`, `new_resource.x`): that decides
    /// whether the resource belongs on this node, not whether its work is already done.
    Config,
    /// Its running depends on the machine's state: a condition that looks at it
    /// (`::File.exist?`, `shell_out`, a helper predicate such as `installed?`, an instance
    /// variable set by `load_current_resource`, a local variable), a `rescue` clause, an early
    /// `return if …` on such a condition, `converge_if_changed` (only when a property
    /// differs from the current value), or a block another resource calls back (a deploy
    /// resource's `before_symlink`).
    State,
}

/// A method defined with `def` (a helper in `action_class`, a library, …).
#[derive(Debug, Clone)]
pub struct Def {
    pub name: String,
    /// First and last line.
    pub line: u32,
    pub end: u32,
    /// From `def` to the end of the method's name (where a finding about the def points).
    pub span: Span,
    /// The body when it is one literal and nothing else (`def whyrun_supported?; true; end`);
    /// [`Lit::Other`] for any other body, [`Lit::Nil`] for an empty one.
    pub returns: Lit,
    /// The instance variables the body's top-level statements assign (`@action = :create`)
    /// or append to (`@allowed_actions.push(:x)`, `@actions << :x`), in order: what an old
    /// resource's `initialize` sets by hand. Kept for `initialize` only (empty otherwise).
    pub sets_ivars: Vec<String>,
}

/// A call on a constant (`Chef::Application.fatal!(…)`, `Chef::Recipe.send(:include, X)`),
/// kept only for the few methods the legacy-API rules ask about ([`CONST_CALL_NAMES`]): most
/// calls on constants (`Chef::Log.info`) are of no interest and cost nothing.
#[derive(Debug, Clone)]
pub struct ConstCall {
    /// The receiver as written (`::Chef::Recipe`, `Chef::Application`).
    pub receiver: String,
    pub name: String,
    pub args: Vec<Lit>,
    pub span: Span,
}

impl ConstCall {
    /// The receiver without a leading `::` (`::Chef::Recipe` and `Chef::Recipe` alike).
    pub fn receiver_path(&self) -> &str {
        self.receiver.trim_start_matches("::")
    }
}

/// The methods whose calls on a constant are kept in [`Facts::const_calls`].
pub const CONST_CALL_NAMES: &[&str] = &["fatal!", "include", "prepend", "send"];

/// A `class` (or `module`) body: `class Chef::Recipe … end` reopens Chef's own class.
#[derive(Debug, Clone)]
pub struct ClassDef {
    /// The name as written, without a leading `::` (`Chef::Recipe`).
    pub name: String,
    pub is_module: bool,
    /// The superclass as written, when it is a constant.
    pub superclass: Option<String>,
    /// First and last line.
    pub line: u32,
    pub end: u32,
    /// The `class Name` part.
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
    /// The Ruby around the call.
    pub guard: Guard,
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
    /// The conditional arms it is declared in, outermost first (empty at the top level).
    pub arms: Vec<Arm>,
    /// The Ruby around the declaration (`if ::File.exist?(…)`, `rescue`, …).
    pub guard: Guard,
}

impl Resource {
    /// Whether `self` and `other` (of the same file) sit in different arms of one conditional,
    /// so that at most one of them is ever declared: `if`/`else`, `unless`/`else`, the `when`s
    /// of a `case`, the `in`s of a `case … in`.
    pub fn exclusive_with(&self, other: &Resource) -> bool {
        self.arms
            .iter()
            .zip(&other.arms)
            .find(|(a, b)| a != b)
            .is_some_and(|(a, b)| a.conditional == b.conditional)
    }
}

/// One arm of a conditional: the conditional by its start offset in the file, and which arm
/// (0 for the `if` body or the first `when`, counting on through `elsif`/`else`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arm {
    pub conditional: u32,
    pub arm: u16,
}

/// A top-level statement of the file, for rules about what a recipe consists of.
#[derive(Debug, Clone, Copy)]
pub struct Stmt {
    /// The statement is a plain, unconditional `include_recipe` call.
    pub is_include: bool,
    /// How many recipes the statement includes when it is made only of `include_recipe`
    /// calls: a plain one, or a loop over a list of them
    /// (`%w(a b).each { |r| include_recipe r }` counts the list); 0 when it does more.
    pub includes: u32,
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
    /// Methods defined with `def`, in order.
    pub defs: Vec<Def>,
    /// Calls on constants, for the methods in [`CONST_CALL_NAMES`] only.
    pub const_calls: Vec<ConstCall>,
    /// `class`/`module` bodies, in order.
    pub classes: Vec<ClassDef>,
    /// Indexes into [`Facts::calls`] of the `action :name do … end` blocks outside resource
    /// blocks, in order (so a line's enclosing action is found by a binary search).
    pub actions: Vec<u32>,
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

    /// The `action :name do … end` block of a custom resource that contains `line`, if any
    /// (the last one to start at or before it: actions do not nest).
    pub fn enclosing_action(&self, line: u32) -> Option<&Call> {
        let calls = &self.calls;
        let at = self
            .actions
            .partition_point(|&i| calls[i as usize].span.line <= line);
        let call = &calls[*self.actions.get(at.checked_sub(1)?)? as usize];
        (line <= call.block_end).then_some(call)
    }

    /// The innermost `def` that contains `line`, if any.
    pub fn enclosing_def(&self, line: u32) -> Option<&Def> {
        // The defs that start at or before the line, nearest first; a few steps back is
        // enough for real code (a def inside a def is rare), and bounds hostile input.
        let at = self.defs.partition_point(|d| d.line <= line);
        self.defs[..at].iter().rev().take(8).find(|d| line <= d.end)
    }

    /// The innermost `class`/`module` body that contains `line`, if any.
    pub fn enclosing_class(&self, line: u32) -> Option<&ClassDef> {
        self.classes
            .iter()
            .rev()
            .find(|c| c.line <= line && line <= c.end)
    }

    /// The property calls of a resource.
    pub fn props<'a>(&'a self, resource: &'a Resource) -> impl Iterator<Item = &'a Call> + 'a {
        resource.props.iter().map(|&i| &self.calls[i as usize])
    }
}
