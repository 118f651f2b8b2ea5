//! What the attribute rules (ATTR003–ATTR006, ATTR009) ask about every attribute write and
//! read in the repo — which namespace it is in, whether Ohai fills that namespace, which
//! cookbook owns it, whether a read or write elsewhere overlaps it — worked out once per lint
//! run ([`Context::attrs`](crate::lint::rules::rule::Context::attrs)) instead of once per rule: each
//! rule used to hash every path of the repo again, into its own index, and look every
//! namespace up again (a binary search over the Ohai keys, a hash lookup by cookbook name).

use crate::lint::model::{Cookbook, FileKind, Repo};
use crate::lint::parse::facts::{
    AttrIndex, AttrNode, AttrPath, AttrWrite, FxHashMap, FxHashSet, IncludeTarget,
};

use super::{is_ohai, owner};

/// The sets of [`AttrIndex`] the table keeps paths in.
const WRITES: u8 = 1;
const READS: u8 = 2;
/// Writes that define an attribute before the run: attributes files, roles, environments,
/// Policyfiles (not `node.default[…] = ` from a recipe or resource).
const DEFINES: u8 = 4;

/// An attribute namespace (the first key of a path) seen in the repo.
#[derive(Debug)]
pub struct Namespace<'a> {
    pub name: &'a str,
    /// Ohai or Chef fills it in ([`is_ohai`]).
    pub ohai: bool,
    /// The cookbook that owns it ([`owner`]).
    pub owner: Option<&'a Cookbook>,
    /// For a namespace no cookbook of the repo carries the name of: the first cookbook whose
    /// attributes file writes under it, when that name is not a cookbook the repo uses from
    /// outside (see [`adopters`]). The repo keeps attributes of its own there
    /// (`default['shared']['y']`), so a read under it is checked like one under an owned
    /// namespace.
    pub adopter: Option<&'a Cookbook>,
    /// The node of the path `[name]` in the index (only for checked namespaces).
    node: AttrNode,
}

impl<'a> Namespace<'a> {
    /// The owning cookbook when paths in this namespace are checked against each other
    /// (ATTR005, ATTR006): owned by a cookbook in the repo, and not Ohai data.
    pub fn checked_owner(&self) -> Option<&'a Cookbook> {
        self.owner.filter(|_| !self.ohai)
    }

    /// The cookbook to name when a read in this namespace is checked against the definitions
    /// (ATTR005): the owner, else the adopter. Not for ATTR006: an adopted namespace's
    /// attributes may well be read by a cookbook outside the repo.
    pub fn read_checked_owner(&self) -> Option<&'a Cookbook> {
        self.checked_owner().or(self.adopter.filter(|_| !self.ohai))
    }
}

/// One attribute write or read of a file, as the table knows it.
#[derive(Debug, Clone, Copy)]
pub struct AttrRef {
    /// Index into [`AttrTable::namespaces`]; `u32::MAX` for a path without keys.
    ns: u32,
    /// The path's node in the index; the root when its namespace is not checked.
    node: AttrNode,
}

impl AttrRef {
    const NONE: AttrRef = AttrRef {
        ns: u32::MAX,
        node: AttrIndex::ROOT,
    };

    /// Index into [`AttrTable::namespaces`], unless the path has no keys.
    pub fn ns(self) -> Option<usize> {
        (self.ns != u32::MAX).then_some(self.ns as usize)
    }
}

/// Every attribute write and read of the repo's files (except [`FileKind::Other`] files,
/// which no attribute rule looks at), with their namespaces and an index of the paths in
/// checked namespaces.
#[derive(Debug)]
pub struct AttrTable<'a> {
    namespaces: Vec<Namespace<'a>>,
    /// Paths in checked namespaces only: a path can only overlap paths in its own namespace,
    /// and only paths in checked namespaces are asked about.
    index: AttrIndex<'a>,
    /// Flat over the files: file `i`'s writes are `writes[write_from[i]..write_from[i + 1]]`.
    writes: Vec<AttrRef>,
    write_from: Vec<u32>,
    reads: Vec<AttrRef>,
    read_from: Vec<u32>,
}

impl<'a> AttrTable<'a> {
    pub fn new(repo: &'a Repo) -> Self {
        let files = || repo.files.iter().filter(|f| f.kind != FileKind::Other);
        let writes: usize = files().map(|f| f.facts.writes.len()).sum();
        let reads: usize = files().map(|f| f.facts.reads.len()).sum();
        let mut builder = Builder {
            repo,
            adopters: adopters(repo),
            by_name: FxHashMap::default(),
            last: None,
            table: AttrTable {
                namespaces: Vec::new(),
                // Most paths repeat others or share their parents: room for about half.
                index: AttrIndex::with_capacity((writes + reads) / 2),
                writes: Vec::with_capacity(writes),
                write_from: Vec::with_capacity(repo.files.len() + 1),
                reads: Vec::with_capacity(reads),
                read_from: Vec::with_capacity(repo.files.len() + 1),
            },
        };
        for file in &repo.files {
            builder
                .table
                .write_from
                .push(builder.table.writes.len() as u32);
            builder
                .table
                .read_from
                .push(builder.table.reads.len() as u32);
            if file.kind == FileKind::Other {
                continue;
            }
            for write in &file.facts.writes {
                let sets = if write.via_node {
                    WRITES
                } else {
                    WRITES | DEFINES
                };
                let at = builder.add(&write.path, sets);
                builder.table.writes.push(at);
            }
            for read in &file.facts.reads {
                // A presence check uses nothing below the path: it is no read of children.
                let set = if read.presence { 0 } else { READS };
                let at = builder.add(&read.path, set);
                builder.table.reads.push(at);
            }
        }
        let mut table = builder.table;
        table.write_from.push(table.writes.len() as u32);
        table.read_from.push(table.reads.len() as u32);
        table
    }

    /// Every namespace written or read, in order of first appearance.
    pub fn namespaces(&self) -> &[Namespace<'a>] {
        &self.namespaces
    }

    /// The namespace of a path (`None` for a path without keys).
    pub fn namespace(&self, at: AttrRef) -> Option<&Namespace<'a>> {
        self.namespaces.get(at.ns()?)
    }

    /// The owning cookbook when the path is checked (see [`Namespace::checked_owner`]).
    pub fn checked_owner(&self, at: AttrRef) -> Option<&'a Cookbook> {
        self.namespace(at)?.checked_owner()
    }

    /// The cookbook to name when a read of the path is checked (see
    /// [`Namespace::read_checked_owner`]).
    pub fn read_checked_owner(&self, at: AttrRef) -> Option<&'a Cookbook> {
        self.namespace(at)?.read_checked_owner()
    }

    /// One entry per write of file `file` (an index into `repo.files`), in order; empty for a
    /// [`FileKind::Other`] file.
    pub fn writes(&self, file: usize) -> &[AttrRef] {
        range(&self.writes, &self.write_from, file)
    }

    /// One entry per read of file `file`, in order; empty for a [`FileKind::Other`] file.
    pub fn reads(&self, file: usize) -> &[AttrRef] {
        range(&self.reads, &self.read_from, file)
    }

    /// Whether a write (outside [`FileKind::Other`] files) defines this path, a parent or a
    /// child of it. Always false for a path in a namespace that is not checked.
    pub fn overlaps_write(&self, at: AttrRef) -> bool {
        self.index.overlaps_node(at.node, WRITES)
    }

    /// Whether the parent of this path (the path one key shorter; for a path with a dynamic
    /// tail, the literal part itself) is defined before the run — by an attributes file, a
    /// role, an environment or a Policyfile, not a recipe's `node.default[…] =` — itself, by a
    /// child or by a prefix. A namespace's parent is the node itself: always there.
    pub fn parent_defined(&self, at: AttrRef, path: &AttrPath) -> bool {
        let parent = if path.partial {
            at.node
        } else {
            self.index.parent(at.node)
        };
        parent == AttrIndex::ROOT || self.index.overlaps_node(parent, DEFINES)
    }

    /// Whether a read (outside [`FileKind::Other`] files) refers to this path, a parent or a
    /// child of it. Always false for a path in a namespace that is not checked.
    pub fn overlaps_read(&self, at: AttrRef) -> bool {
        self.index.overlaps_node(at.node, READS)
    }
}

/// The writes of `writes` that set a distinct attribute, each at its first assignment: the
/// same path at the same level in each branch of a `case platform` is one attribute.
pub fn distinct_writes<'w>(writes: impl IntoIterator<Item = &'w AttrWrite>) -> Vec<&'w AttrWrite> {
    let mut seen: FxHashSet<(&str, &AttrPath)> = FxHashSet::default();
    writes
        .into_iter()
        .filter(|w| seen.insert((w.level.as_str(), &w.path)))
        .collect()
}

fn range<'t>(refs: &'t [AttrRef], from: &[u32], file: usize) -> &'t [AttrRef] {
    match (from.get(file), from.get(file + 1)) {
        (Some(&a), Some(&b)) => &refs[a as usize..b as usize],
        _ => &[],
    }
}

/// The namespaces no cookbook of the repo is named after that a cookbook's attributes file
/// writes under, with the first such cookbook — minus the names of cookbooks the repo uses
/// from outside: a wrapper's `default['nginx']['port'] = 8080` tunes the community `nginx`
/// cookbook, whose own attributes the linter cannot see. A name counts as used from outside
/// when a cookbook depends on it or includes one of its recipes, or a lock file or
/// Policyfile names it (`-` and `_` alike, and a name that starts with the namespace:
/// `apache` is the `apache2` cookbook's, `yum` the `yum-epel` cookbook's).
fn adopters(repo: &Repo) -> FxHashMap<&str, &Cookbook> {
    let normal = |name: &str| name.replace('-', "_");
    let mut used: Vec<String> = Vec::new();
    let mut use_name = |name: &str| {
        if repo.cookbook(name).is_none() {
            used.push(normal(name));
        }
    };
    for cookbook in &repo.cookbooks {
        cookbook.depends.iter().for_each(|d| use_name(&d.name));
    }
    for file in &repo.files {
        if file.kind == FileKind::Other {
            continue;
        }
        for include in &file.facts.includes {
            if let IncludeTarget::Static { cookbook, .. } = &include.target {
                use_name(cookbook);
            }
        }
    }
    for (_, names) in &repo.locks {
        names.iter().for_each(|n| use_name(n));
    }
    let external = |ns: &str| {
        let ns = normal(ns);
        used.iter().any(|u| u.starts_with(&ns))
    };
    let mut out: FxHashMap<&str, &Cookbook> = FxHashMap::default();
    for file in &repo.files {
        if file.kind != FileKind::Attributes {
            continue;
        }
        let Some(cookbook) = file.cookbook.map(|c| &repo.cookbooks[c]) else {
            continue;
        };
        for write in &file.facts.writes {
            let Some(ns) = write.path.namespace() else {
                continue;
            };
            if out.contains_key(ns) || is_ohai(ns) || owner(repo, ns).is_some() || external(ns) {
                continue;
            }
            out.insert(ns, cookbook);
        }
    }
    out
}

struct Builder<'a> {
    repo: &'a Repo,
    adopters: FxHashMap<&'a str, &'a Cookbook>,
    /// Namespace name → index into `table.namespaces`.
    by_name: FxHashMap<&'a str, u32>,
    /// The namespace of the previous path: a file's paths are mostly in one namespace, and
    /// comparing with it is cheaper than hashing the name again.
    last: Option<(&'a str, u32)>,
    table: AttrTable<'a>,
}

impl<'a> Builder<'a> {
    /// Record one path in `set`: its namespace is classified the first time it is seen, and
    /// only paths in checked namespaces go into the index.
    fn add(&mut self, path: &'a AttrPath, set: u8) -> AttrRef {
        let Some((ns, rest)) = path.keys.split_first() else {
            return AttrRef::NONE;
        };
        let table = &mut self.table;
        let id = match self.last {
            Some((name, id)) if name == ns => id,
            _ => *self.by_name.entry(ns).or_insert_with(|| {
                let owner = owner(self.repo, ns);
                let ohai = is_ohai(ns);
                let adopter = self.adopters.get(ns.as_str()).copied();
                let node = if (owner.is_some() || adopter.is_some()) && !ohai {
                    table
                        .index
                        .insert(AttrIndex::ROOT, std::slice::from_ref(ns), 0)
                } else {
                    AttrIndex::ROOT
                };
                table.namespaces.push(Namespace {
                    name: ns,
                    ohai,
                    owner,
                    adopter,
                    node,
                });
                (table.namespaces.len() - 1) as u32
            }),
        };
        self.last = Some((ns, id));
        let node = table.namespaces[id as usize].node;
        let node = if node == AttrIndex::ROOT {
            node
        } else {
            table.index.insert(node, rest, set)
        };
        AttrRef { ns: id, node }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::parse::facts::AttrIndex;

    fn repo() -> Repo {
        let files: Vec<(String, Vec<u8>)> = [
            ("app/metadata.rb", "name 'app'\n"),
            (
                "app/attributes/default.rb",
                "default['app']['port'] = 1\ndefault['app']['unused'] = node['platform']\n\
                 default['other']['x'] = 2\ndefault[name] = 3\n",
            ),
            (
                "app/recipes/default.rb",
                "p = node['app']['port']\nq = node['app']['prot']\nr = node['platform']\n\
                 include_recipe 'other'\n",
            ),
            ("app/spec/default_spec.rb", "node['app']['unused']\n"),
            ("web-ui/metadata.rb", "name 'web-ui'\n"),
            ("web-ui/recipes/default.rb", "node['web_ui']['x']\n"),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
        Repo::from_memory(&files)
    }

    /// The table answers what each rule used to work out for itself.
    #[test]
    fn agrees_with_the_per_rule_checks() {
        let repo = repo();
        let table = AttrTable::new(&repo);
        let non_other = || repo.files.iter().filter(|f| f.kind != FileKind::Other);
        let defined =
            AttrIndex::new(non_other().flat_map(|f| f.facts.writes.iter().map(|w| &w.path)));
        let read = AttrIndex::new(non_other().flat_map(|f| f.facts.reads.iter().map(|r| &r.path)));
        let mut seen = 0;
        for (i, file) in repo.files.iter().enumerate() {
            let paths: Vec<(&AttrPath, AttrRef)> = file
                .facts
                .writes
                .iter()
                .map(|w| &w.path)
                .zip(table.writes(i).iter().copied())
                .chain(
                    file.facts
                        .reads
                        .iter()
                        .map(|r| &r.path)
                        .zip(table.reads(i).iter().copied()),
                )
                .collect();
            if file.kind == FileKind::Other {
                assert!(table.writes(i).is_empty() && table.reads(i).is_empty());
                continue;
            }
            assert_eq!(
                paths.len(),
                file.facts.writes.len() + file.facts.reads.len()
            );
            for (path, at) in paths {
                seen += 1;
                let ns = path.namespace();
                assert_eq!(table.namespace(at).map(|n| n.name), ns);
                let Some(ns) = ns else { continue };
                // Nothing in this repo is adopted (`other` is written but `app` includes it).
                let checked = !is_ohai(ns) && owner(&repo, ns).is_some();
                assert_eq!(
                    table.checked_owner(at).map(|c| &c.name),
                    owner(&repo, ns).filter(|_| checked).map(|c| &c.name)
                );
                assert_eq!(table.overlaps_write(at), checked && defined.overlaps(path));
                assert_eq!(table.overlaps_read(at), checked && read.overlaps(path));
            }
        }
        assert!(seen >= 8, "the fixture has attribute paths");
        // `web_ui` is owned by `web-ui`; `other` by nobody; `platform` is Ohai's.
        let names: Vec<&str> = table.namespaces().iter().map(|n| n.name).collect();
        assert_eq!(names, ["app", "other", "platform", "web_ui"]);
        assert_eq!(
            table.namespaces()[3].owner.map(|c| c.name.as_str()),
            Some("web-ui")
        );
        assert!(table.namespaces()[2].ohai && table.namespaces()[1].owner.is_none());
        assert!(table.writes(repo.files.len()).is_empty());
    }

    fn adopted(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let files: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect();
        let repo = Repo::from_memory(&files);
        let mut out: Vec<(String, String)> = adopters(&repo)
            .into_iter()
            .map(|(ns, c)| (ns.to_string(), c.name.clone()))
            .collect();
        out.sort();
        out
    }

    /// A namespace an attributes file writes is the repo's own unless a cookbook from outside
    /// the repo (depended on, included, locked) may own it.
    #[test]
    fn adopts_namespaces_only_the_repo_writes() {
        let base = [
            ("base/metadata.rb", "name 'base'\ndepends 'nginx'\n"),
            (
                "base/attributes/default.rb",
                "default['shared']['a'] = 1\ndefault['nginx']['b'] = 2\n\
                 default['apache']['c'] = 3\ndefault['chef_client']['d'] = 4\n\
                 default['base']['e'] = 5\ndefault['kernel']['f'] = 6\n\
                 default['ssh']['g'] = 7\n",
            ),
            (
                "base/recipes/default.rb",
                "include_recipe 'apache2::mod_ssl'\nnode.default['own']['x'] = 1\n",
            ),
            ("Policyfile.rb", "cookbook 'chef-client'\n"),
            // In the repo: `ssh_keys` is no cookbook from outside, so `ssh` stays adopted.
            ("ssh_keys/metadata.rb", "name 'ssh_keys'\n"),
            ("base/recipes/keys.rb", "include_recipe 'ssh_keys'\n"),
            // A role or a recipe's `node.default` does not adopt a namespace.
            (
                "roles/web.rb",
                "default_attributes('monitoring' => { 'on' => true })\n",
            ),
        ];
        assert_eq!(
            adopted(&base),
            [
                ("shared".to_string(), "base".to_string()),
                ("ssh".to_string(), "base".to_string())
            ]
        );
    }
}
