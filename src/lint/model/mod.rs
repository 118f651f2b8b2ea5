//! Stage 3, model: the repo model. Takes the files [`source`](crate::lint::source) found; gives
//! the [`Repo`]: each file read and parsed once, in parallel (through
//! [`parse`](crate::lint::parse)), placed in its cookbook with its [`FileKind`], then the
//! cookbooks, roles and lock files, and the indexes rules query.
//!
//! - here: the model's types and the queries over it;
//! - `classify`: where a file belongs, from its path;
//! - `load`: reading and parsing one file;
//! - `json`: facts from `metadata.json`, JSON roles and lock files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rayon::prelude::*;

use super::parse::facts::{Facts, FxHashMap, Lit, Resource, Span};
use super::parse::suppress::Suppressions;
use super::source::walk::{discover, display_base, split_parent, WalkError};

mod classify;
mod json;
mod load;
#[cfg(test)]
mod tests;

use classify::classify;
use load::{load_file, parse_pool};

/// Where a file belongs: (cookbook index, path within it, kind).
type Place = (Option<usize>, String, FileKind);

/// What a file is, from where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Metadata,
    MetadataJson,
    Recipe,
    Attributes,
    Resource,
    Provider,
    Definition,
    Library,
    Template,
    Role,
    RoleJson,
    Policyfile,
    PolicyLock,
    BerksLock,
    /// librarian-chef's `Cheffile.lock` (the same indented text as a `Berksfile.lock`).
    CheffileLock,
    /// A cookbook's `README.md` (read, not parsed).
    Readme,
    /// A node file (`nodes/*.json` outside cookbooks): read, not parsed. Only the include-all
    /// migration looks at it (a recipe a node's run list names is not deleted).
    Node,
    /// Any other Ruby file (specs, tests, Berksfile, …): parsed for syntax errors only.
    Other,
}

impl FileKind {
    /// Recipes, resources, providers, libraries and definitions: the files that hold a
    /// cookbook's logic (attributes files hold data, metadata describes the cookbook).
    pub const CODE: &'static [FileKind] = &[
        FileKind::Recipe,
        FileKind::Resource,
        FileKind::Provider,
        FileKind::Library,
        FileKind::Definition,
    ];

    pub fn is_ruby(self) -> bool {
        !matches!(
            self,
            FileKind::MetadataJson
                | FileKind::RoleJson
                | FileKind::PolicyLock
                | FileKind::BerksLock
                | FileKind::CheffileLock
                | FileKind::Template
                | FileKind::Readme
                | FileKind::Node
        )
    }
}

/// Why a file could not be linted.
#[derive(Debug, Clone)]
pub struct Problem {
    pub message: String,
    pub help: String,
}

/// One file, read and parsed once.
#[derive(Debug)]
pub struct SourceFile {
    /// As shown to the user: the lint path as given, joined with the path below it.
    pub path: String,
    /// Relative to the cookbook root (or the lint root outside cookbooks), `/`-separated.
    pub rel: String,
    pub kind: FileKind,
    pub cookbook: Option<usize>,
    /// Empty when the file could not be read.
    pub text: String,
    pub facts: Facts,
    pub suppress: Suppressions,
    pub problem: Option<Problem>,
    /// A resource partial (`resources/_partial/_common.rb`, any `_`-prefixed file under
    /// `resources/`, or a file another resource pulls in with `use`): shared properties and
    /// helpers, not a resource of its own.
    pub partial: bool,
    /// The partials this resource pulls in with `use` (file indexes).
    pub uses: Vec<usize>,
}

impl SourceFile {
    /// The file name without extension (a recipe's name).
    pub fn stem(&self) -> &str {
        // Byte searches: rules ask for this often, and `split`'s character searcher costs
        // more than the whole lookup for these short names.
        let name = split_parent(&self.rel).1;
        match memchr::memchr(b'.', name.as_bytes()) {
            Some(dot) => &name[..dot],
            None => name,
        }
    }
}

#[derive(Debug)]
pub struct Dependency {
    pub name: String,
    pub span: Span,
}

#[derive(Debug)]
pub struct Cookbook {
    pub name: String,
    /// Display path of the cookbook folder.
    pub dir: String,
    /// The metadata file (`metadata.rb`, else `metadata.json`).
    pub metadata: Option<usize>,
    pub depends: Vec<Dependency>,
    /// Some `depends` in metadata.rb names a cookbook only known at run time (`depends cb` in
    /// a loop over a computed list, `depends name_var`): [`Cookbook::depends`] is incomplete.
    pub depends_unknown: bool,
    /// Recipe name → file index.
    pub recipes: BTreeMap<String, usize>,
    pub files: Vec<usize>,
}

impl Cookbook {
    pub fn depends_on(&self, name: &str) -> bool {
        self.depends.iter().any(|d| d.name == name)
    }
}

#[derive(Debug, Default)]
pub struct Repo {
    /// Sorted by display path.
    pub files: Vec<SourceFile>,
    /// Sorted by folder.
    pub cookbooks: Vec<Cookbook>,
    by_name: FxHashMap<String, usize>,
    /// Lock files and Policyfiles: (folder they govern, cookbooks they name).
    pub locks: Vec<(String, BTreeSet<String>)>,
    pub walk_errors: Vec<WalkError>,
    /// The lint roots: (display path of the root, path on disk). Empty for a model built in
    /// memory.
    pub roots: Vec<(String, PathBuf)>,
}

impl Drop for Repo {
    /// Freeing a large repo's facts (many small allocations) costs as much as a rule pass done
    /// on one thread: free the files in parallel, as they were built. (The CLI skips even this:
    /// it exits right after reporting.)
    fn drop(&mut self) {
        let files = std::mem::take(&mut self.files);
        if files.len() >= 256 {
            files.into_par_iter().for_each(drop);
        }
    }
}

impl Repo {
    /// Every resource declared in cookbook files of these kinds, with its file.
    pub fn resources<'a>(
        &'a self,
        kinds: &[FileKind],
    ) -> impl Iterator<Item = (&'a SourceFile, &'a Resource)> + 'a {
        self.files_of_kinds(kinds)
            .flat_map(|(f, _)| f.facts.resources.iter().map(move |r| (f, r)))
    }

    pub fn cookbook(&self, name: &str) -> Option<&Cookbook> {
        self.by_name.get(name).map(|&i| &self.cookbooks[i])
    }

    /// The cookbooks pinned by the lock files and Policyfiles of the repo a cookbook sits in
    /// (a lock governs the folder it is in, a Policyfile in `policyfiles/` its parent);
    /// `None` when there are none.
    pub fn locked_for(&self, cookbook: &Cookbook) -> Option<BTreeSet<&str>> {
        let mut out: Option<BTreeSet<&str>> = None;
        for (dir, names) in &self.locks {
            let governs = dir.is_empty()
                || cookbook.dir == *dir
                || cookbook
                    .dir
                    .strip_prefix(dir.as_str())
                    .is_some_and(|rest| rest.starts_with('/'));
            if governs {
                out.get_or_insert_with(BTreeSet::new)
                    .extend(names.iter().map(String::as_str));
            }
        }
        out
    }

    /// Whether the repo is an application repo rather than one library cookbook: it has
    /// roles or Policyfiles, or several cookbooks side by side. Cookbooks inside another
    /// cookbook's folder (`test/fixtures/cookbooks/test`) belong to that cookbook's tests and
    /// do not make it an application.
    pub fn is_application(&self) -> bool {
        let roles = self.files.iter().any(|f| {
            matches!(
                f.kind,
                FileKind::Role | FileKind::RoleJson | FileKind::Policyfile
            )
        });
        let top = self
            .cookbooks
            .iter()
            .filter(|c| {
                !self.cookbooks.iter().any(|outer| {
                    outer.dir != c.dir
                        && (outer.dir.is_empty()
                            || c.dir
                                .strip_prefix(outer.dir.as_str())
                                .is_some_and(|rest| rest.starts_with('/')))
                })
            })
            .count();
        roles || top > 1
    }

    pub fn cookbook_of(&self, file: &SourceFile) -> Option<&Cookbook> {
        file.cookbook.map(|i| &self.cookbooks[i])
    }

    /// Readable files of a kind, with their cookbook.
    pub fn files_of(&self, kind: FileKind) -> impl Iterator<Item = (&SourceFile, &Cookbook)> {
        self.files_of_kinds(&[kind])
    }

    /// Files of any of these kinds that belong to a cookbook, those with a problem included:
    /// a file with a syntax error still has the facts prism recovered, and a rule about a
    /// legacy API must not go quiet because the same file also fails to parse elsewhere
    /// ([`Repo::files_of_kinds`] skips them, for rules that need every fact to hold).
    pub fn cookbook_files<'a>(
        &'a self,
        kinds: &'a [FileKind],
    ) -> impl Iterator<Item = &'a SourceFile> + 'a {
        self.files
            .iter()
            .filter(move |f| f.cookbook.is_some() && kinds.contains(&f.kind))
    }

    /// Readable files of any of these kinds, with their cookbook.
    pub fn files_of_kinds<'a>(
        &'a self,
        kinds: &[FileKind],
    ) -> impl Iterator<Item = (&'a SourceFile, &'a Cookbook)> + 'a {
        let kinds = kinds.to_vec();
        self.files
            .iter()
            .filter(move |f| kinds.contains(&f.kind) && f.problem.is_none())
            .filter_map(|f| Some((f, self.cookbook_of(f)?)))
    }

    /// Build the model from files held in memory: `(path, bytes)` with `/`-separated paths
    /// relative to a lint root. The same classification, parsing and indexing as [`Repo::load`],
    /// without the file system (for fuzzing and property tests).
    pub fn from_memory(files: &[(String, Vec<u8>)]) -> Repo {
        let mut files: Vec<&(String, Vec<u8>)> = files.iter().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files.dedup_by(|a, b| a.0 == b.0);
        let dirs: Vec<String> = files
            .iter()
            .filter_map(|(p, _)| {
                let (dir, name) = split_parent(p);
                (name == "metadata.rb" || name == "metadata.json").then(|| dir.to_string())
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let dir_index: FxHashMap<&str, usize> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.as_str(), i))
            .collect();
        let parsed = parse_pool().install(|| {
            files
                .par_iter()
                .map(|(path, bytes)| {
                    let (cookbook, rel, kind) = classify(path, &dir_index);
                    let mut file = SourceFile::unparsed(path.clone(), rel, kind, cookbook);
                    file.parse(bytes.clone());
                    file
                })
                .collect()
        });
        let mut repo = Repo::with_files(parsed, Vec::new());
        repo.index(&dirs);
        repo
    }

    /// Build the model of everything under `roots`. `Err` only for a lint path that does not
    /// exist; everything else becomes a problem on a file or a walk error.
    pub fn load(roots: &[PathBuf]) -> anyhow::Result<Repo> {
        let (found, walk_errors) = discover(roots)?;

        // A cookbook is a folder with metadata.rb or metadata.json.
        let mut cookbook_dirs: BTreeMap<String, Option<usize>> = BTreeMap::new();
        for (_, display) in &found {
            let (dir, name) = split_parent(display);
            if name == "metadata.rb" || name == "metadata.json" {
                cookbook_dirs.entry(dir.to_string()).or_default();
            }
        }
        let dirs: Vec<String> = cookbook_dirs.keys().cloned().collect();
        let dir_index: FxHashMap<&str, usize> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.as_str(), i))
            .collect();
        // Each file is placed (which cookbook, which kind) on the parser threads, right before
        // it is read. Other JSON files (kitchen, package.json, …) and READMEs outside cookbooks
        // are not ours to read.
        let files: Vec<SourceFile> = parse_pool().install(|| {
            found
                .into_par_iter()
                .filter_map(|(path, display)| {
                    let (cookbook, rel, kind) = classify(&display, &dir_index);
                    let ours = kind != FileKind::Other
                        || display.ends_with(".rb")
                        || display.ends_with(".erb");
                    ours.then(|| load_file(&path, display, rel, kind, cookbook))
                })
                .collect()
        });

        let mut repo = Repo::with_files(files, walk_errors);
        repo.index(&dirs);
        let cwd = std::env::current_dir().unwrap_or_default();
        repo.roots = roots
            .iter()
            .map(|r| (display_base(r, &cwd), r.clone()))
            .collect();
        Ok(repo)
    }

    /// The model after changes made in memory (the fix engine's re-lint): `overlay` maps
    /// display paths to their new text, or to `None` for a file deleted. Unchanged files keep
    /// their parse; changed and created files are parsed again; every file is placed again
    /// (a created or deleted `metadata.rb` moves files between cookbooks), and re-parsed if
    /// its kind changed. Nothing is read from or written to disk, so a re-lint costs the
    /// changed files' parse and the rules, not a walk of the tree.
    pub fn with_overlay(mut self, overlay: &BTreeMap<String, Option<String>>) -> Repo {
        let old = std::mem::take(&mut self.files);
        let walk_errors = std::mem::take(&mut self.walk_errors);
        let mut files: Vec<(SourceFile, Option<Vec<u8>>)> = Vec::with_capacity(old.len());
        for file in old {
            if !overlay.contains_key(&file.path) {
                files.push((file, None));
            }
        }
        for (path, text) in overlay {
            if let Some(text) = text {
                let file = SourceFile::unparsed(path.clone(), String::new(), FileKind::Other, None);
                files.push((file, Some(text.as_bytes().to_vec())));
            }
        }
        let dirs: Vec<String> = files
            .iter()
            .filter_map(|(f, _)| {
                let (dir, name) = split_parent(&f.path);
                (name == "metadata.rb" || name == "metadata.json").then(|| dir.to_string())
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let dir_index: FxHashMap<&str, usize> = dirs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.as_str(), i))
            .collect();
        let placed: Vec<(SourceFile, Option<Vec<u8>>)> = files
            .into_iter()
            .filter_map(|(mut file, bytes)| {
                let (cookbook, rel, kind) = classify(&file.path, &dir_index);
                let new = bytes.is_some();
                // As in `load`: other files outside the cookbook model are not ours.
                if new
                    && kind == FileKind::Other
                    && !file.path.ends_with(".rb")
                    && !file.path.ends_with(".erb")
                {
                    return None;
                }
                let bytes = match bytes {
                    Some(bytes) => Some(bytes),
                    None if kind != file.kind && file.problem.is_none() => {
                        Some(std::mem::take(&mut file.text).into_bytes())
                    }
                    None => None,
                };
                file.cookbook = cookbook;
                file.rel = rel;
                file.kind = kind;
                file.partial = false;
                file.uses.clear();
                Some((file, bytes))
            })
            .collect();
        let mut files: Vec<SourceFile> = parse_pool().install(|| {
            placed
                .into_par_iter()
                .map(|(file, bytes)| match bytes {
                    Some(bytes) => {
                        let mut fresh =
                            SourceFile::unparsed(file.path, file.rel, file.kind, file.cookbook);
                        fresh.parse(bytes);
                        fresh
                    }
                    None => file,
                })
                .collect()
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let mut repo = Repo::with_files(files, walk_errors);
        repo.index(&dirs);
        repo
    }

    /// A model of these files, not yet indexed.
    fn with_files(files: Vec<SourceFile>, walk_errors: Vec<WalkError>) -> Repo {
        Repo {
            files,
            cookbooks: Vec::new(),
            by_name: FxHashMap::default(),
            locks: Vec::new(),
            walk_errors,
            roots: Vec::new(),
        }
    }

    /// Where a display path (a file's, a cookbook's folder) is on disk: below the lint root
    /// it was found under. `None` for a model built in memory, or a path that is not there.
    pub fn on_disk(&self, display: &str) -> Option<PathBuf> {
        self.roots.iter().find_map(|(base, root)| {
            let rest = if base.is_empty() {
                Some(display)
            } else if display == base {
                Some("")
            } else {
                display
                    .strip_prefix(base.as_str())
                    .and_then(|r| r.strip_prefix('/'))
            }?;
            let path = if rest.is_empty() {
                root.clone()
            } else {
                root.join(rest)
            };
            path.exists().then_some(path)
        })
    }

    fn index(&mut self, dirs: &[String]) {
        for dir in dirs {
            self.cookbooks.push(Cookbook {
                name: String::new(),
                dir: dir.clone(),
                metadata: None,
                depends: Vec::new(),
                depends_unknown: false,
                recipes: BTreeMap::new(),
                files: Vec::new(),
            });
        }
        let mut locks = Vec::new();
        for (i, file) in self.files.iter().enumerate() {
            if matches!(
                file.kind,
                FileKind::PolicyLock
                    | FileKind::BerksLock
                    | FileKind::CheffileLock
                    | FileKind::Policyfile
            ) {
                let names = file
                    .facts
                    .top_calls("cookbook")
                    .filter_map(|c| c.args.first().and_then(Lit::text))
                    .map(str::to_string)
                    .collect();
                let mut dir = split_parent(&file.path).0;
                if split_parent(dir).1 == "policyfiles" {
                    dir = split_parent(dir).0;
                }
                locks.push((dir.to_string(), names));
            }
            let Some(c) = file.cookbook else { continue };
            let cookbook = &mut self.cookbooks[c];
            cookbook.files.push(i);
            match file.kind {
                FileKind::Metadata => cookbook.metadata = Some(i),
                FileKind::MetadataJson if cookbook.metadata.is_none() => {
                    cookbook.metadata = Some(i)
                }
                FileKind::Recipe => {
                    cookbook.recipes.insert(file.stem().to_string(), i);
                }
                _ => {}
            }
        }
        for cookbook in &mut self.cookbooks {
            let facts = cookbook.metadata.map(|m| &self.files[m].facts);
            let declared = facts
                .and_then(|f| f.top_calls("name").next())
                .and_then(|c| c.args.first().and_then(Lit::text));
            cookbook.name = match declared {
                Some(name) => name.to_string(),
                None => split_parent(&cookbook.dir).1.to_string(),
            };
            for call in facts.into_iter().flat_map(|f| f.top_calls("depends")) {
                if let Some(name) = call.args.first().and_then(Lit::text) {
                    cookbook.depends.push(Dependency {
                        name: name.to_string(),
                        span: call.span,
                    });
                } else {
                    cookbook.depends_unknown = true;
                }
            }
        }
        for (i, cookbook) in self.cookbooks.iter().enumerate() {
            self.by_name.entry(cookbook.name.clone()).or_insert(i);
        }
        self.locks = locks;
        self.index_partials();
    }

    /// Mark resource partials and link each resource to the partials it `use`s. `use
    /// 'partial/_x'` names a file relative to the resource's folder, without `.rb`.
    fn index_partials(&mut self) {
        let mut links = Vec::new();
        for cookbook in &self.cookbooks {
            let resources: Vec<usize> = cookbook
                .files
                .iter()
                .copied()
                .filter(|&i| self.files[i].kind == FileKind::Resource)
                .collect();
            for &i in &resources {
                let file = &self.files[i];
                let dir = split_parent(&file.rel).0;
                for call in file.facts.top_calls("use") {
                    let Some(target) = call.args.first().and_then(Lit::text) else {
                        continue;
                    };
                    let target = target.trim_start_matches("./");
                    let wanted = format!("{dir}/{}.rb", target.trim_end_matches(".rb"));
                    if let Some(&p) = resources.iter().find(|&&p| self.files[p].rel == wanted) {
                        links.push((i, p));
                    }
                }
            }
        }
        for file in &mut self.files {
            if file.kind == FileKind::Resource && file.stem().starts_with('_') {
                file.partial = true;
            }
        }
        for (user, partial) in links {
            self.files[partial].partial = true;
            self.files[user].uses.push(partial);
        }
    }

    /// The properties a custom resource declares, its partials' included.
    pub fn properties<'a>(&'a self, file: &'a SourceFile) -> impl Iterator<Item = &'a str> + 'a {
        std::iter::once(file)
            .chain(file.uses.iter().map(|&p| &self.files[p]))
            .flat_map(|f| f.facts.top_calls("property"))
            .filter_map(|c| c.args.first().and_then(Lit::text))
    }
}
