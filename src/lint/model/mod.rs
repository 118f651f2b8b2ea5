//! The repo model: find the files under the lint paths (honouring `.gitignore` and `chefignore`),
//! read and parse each once, in parallel, then group them into cookbooks, roles and lock files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use super::parse::facts::{
    AttrPath, AttrWrite, Call, Facts, FxHashMap, Guard, Lit, Resource, Span,
};
use super::parse::suppress::Suppressions;
use super::parse::{erb, ruby, scan};

/// The threads that parse: prism's recursive descent (capped at 10 000 levels) needs more than
/// the 2 MiB default stack on hostile input (and the tree walk over 10 000 levels needs far more
/// in a debug build), so parsing runs on its own pool with large stacks
/// (address space only; untouched pages cost nothing).
fn parse_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(256 << 20)
            .thread_name(|i| format!("stackchef-parse-{i}"))
            .build()
            .expect("cannot start the parser threads")
    })
}

/// A file found by the walk: (path on disk, display path).
pub type Found = (PathBuf, String);
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

/// A walk error: a symlink loop, an unreadable directory, a bad ignore file.
#[derive(Debug)]
pub struct WalkError {
    pub path: String,
    pub message: String,
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

/// Find the files to lint under `roots` (honouring `.gitignore` and `chefignore`, following
/// symbolic links), sorted by display path: `(path on disk, display path)`, plus walk errors.
/// `Err` only for a root that does not exist.
pub fn discover(roots: &[PathBuf]) -> anyhow::Result<(Vec<Found>, Vec<WalkError>)> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if std::fs::symlink_metadata(root).is_err() {
            anyhow::bail!("lint path `{}` does not exist", root.display());
        }
        let base = display_base(root, &cwd);
        walk(root, &base, &mut found, &mut errors);
    }
    found.sort_by(|a: &Found, b: &Found| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    found.dedup_by(|a, b| a.0 == b.0);
    errors
        .sort_by(|a: &WalkError, b: &WalkError| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    errors.dedup_by(|a, b| a.path == b.path && a.message == b.message);
    Ok((found, errors))
}

/// The lint path as the user typed it (without `./`); an absolute path relative to the
/// current directory when below it, else empty (paths relative to the lint root).
pub(crate) fn display_base(root: &Path, cwd: &Path) -> String {
    let rel = if root.is_absolute() {
        match root.strip_prefix(cwd) {
            Ok(rel) => rel,
            Err(_) => return String::new(),
        }
    } else {
        root
    };
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Where on disk the file shown as `display` is (or would be, for a file a fix creates):
/// below the lint root whose display base is the longest prefix of it; among roots with the
/// same base (several absolute paths outside the current directory), the first that holds it.
pub fn disk_path(roots: &[PathBuf], display: &str) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut best: Option<(usize, PathBuf)> = None;
    for root in roots {
        let base = display_base(root, &cwd);
        let rest = if base.is_empty() {
            Some(display)
        } else if display == base {
            Some("")
        } else {
            display
                .strip_prefix(base.as_str())
                .and_then(|r| r.strip_prefix('/'))
        };
        let Some(rest) = rest else { continue };
        let path = if rest.is_empty() {
            root.clone()
        } else {
            root.join(rest)
        };
        let better = match &best {
            None => true,
            Some((len, held)) => {
                base.len() > *len || (base.len() == *len && !held.exists() && path.exists())
            }
        };
        if better {
            best = Some((base.len(), path));
        }
    }
    best.map_or_else(|| PathBuf::from(display), |(_, p)| p)
}

pub(crate) fn join(base: &str, rel: &str) -> String {
    match (base.is_empty(), rel.is_empty()) {
        (true, _) => rel.to_string(),
        (_, true) => base.to_string(),
        _ => {
            let base = base.trim_end_matches('/');
            let mut joined = String::with_capacity(base.len() + 1 + rel.len());
            joined.push_str(base);
            joined.push('/');
            joined.push_str(rel);
            joined
        }
    }
}

/// `(folder, name)` of a `/`-separated path (`""` as the folder of a bare name). `memrchr`
/// finds the last `/` faster than `rsplit_once`'s character searcher (this runs for every
/// file, and for every folder above it in [`classify`]).
fn split_parent(path: &str) -> (&str, &str) {
    match memchr::memrchr(b'/', path.as_bytes()) {
        Some(at) => (&path[..at], &path[at + 1..]),
        None => ("", path),
    }
}

fn wanted(name: &str) -> bool {
    name.ends_with(".rb")
        || name.ends_with(".erb")
        || name.ends_with(".json")
        || name == "Berksfile.lock"
        || name == "Cheffile.lock"
        || name == "README.md"
}

/// Walk one lint path in parallel (the walk is as costly as parsing otherwise).
fn walk(root: &Path, base: &str, found: &mut Vec<Found>, errors: &mut Vec<WalkError>) {
    let shared = std::sync::Mutex::new((Vec::new(), Vec::new()));
    ignore::WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .add_custom_ignore_filename("chefignore")
        .build_parallel()
        .run(|| {
            let shared = &shared;
            Box::new(move |entry| {
                let item = match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        // A UTF-8 name (nearly all) is read as is, not through the lossy
                        // decoder (which looks at one byte at a time).
                        let wanted = is_file
                            && match entry.file_name().to_str() {
                                Some(name) => wanted(name),
                                None => wanted(&entry.file_name().to_string_lossy()),
                            };
                        if !wanted {
                            return ignore::WalkState::Continue;
                        }
                        let rel = relative_slash_path(entry.path(), root);
                        let display = if rel.is_empty() {
                            base.to_string()
                        } else {
                            join(base, &rel)
                        };
                        Ok((entry.into_path(), display))
                    }
                    Err(err) => {
                        let path = error_path(&err)
                            .map(|p| join(base, &slash_path(p.strip_prefix(root).unwrap_or(&p))))
                            .unwrap_or_else(|| base.to_string());
                        Err(WalkError {
                            path,
                            message: error_message(&err),
                        })
                    }
                };
                let mut guard = shared.lock().unwrap_or_else(|e| e.into_inner());
                match item {
                    Ok(f) => guard.0.push(f),
                    Err(e) => guard.1.push(e),
                }
                ignore::WalkState::Continue
            })
        });
    let (mut f, e) = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    // `chefignore` says what `knife` leaves out when it uploads a cookbook; teams list
    // `Berksfile.lock` there so that it is not uploaded, but the repo's own lock files still
    // pin its dependencies: read those at the lint root even when chefignore names them.
    for name in ["Berksfile.lock", "Cheffile.lock", "Policyfile.lock.json"] {
        let path = root.join(name);
        if path.is_file() && !f.iter().any(|(p, _): &Found| p == &path) {
            f.push((path, join(base, name)));
        }
    }
    found.extend(f);
    errors.extend(e);
}

/// `path` below `root`, as [`slash_path`] writes it. The walk makes every path by joining
/// names to `root`: when the text is `root`, a `/`, then a plain path, that rest is the
/// answer, without taking both paths apart into components.
fn relative_slash_path(path: &Path, root: &Path) -> String {
    if cfg!(unix) {
        if let (Some(path), Some(root)) = (path.to_str(), root.to_str().filter(|r| !r.is_empty())) {
            let rest = path
                .strip_prefix(root)
                .and_then(|rest| rest.strip_prefix('/'));
            if let Some(rest) = rest.filter(|rest| is_plain(rest)) {
                return rest.to_string();
            }
        }
    }
    slash_path(path.strip_prefix(root).unwrap_or(path))
}

/// A relative Unix path whose components are exactly its `/`-separated parts (none empty,
/// none `.`): [`slash_path`] of it is the text itself.
fn is_plain(path: &str) -> bool {
    // Jump from `/` to `/` (a byte loop or `split` cost several times more per path).
    let bytes = path.as_bytes();
    let bad = |part: &[u8]| part.is_empty() || part == b".";
    let mut start = 0;
    for slash in memchr::memchr_iter(b'/', bytes) {
        if bad(&bytes[start..slash]) {
            return false;
        }
        start = slash + 1;
    }
    !bad(&bytes[start..])
}

/// The components of `path` joined by `/`.
fn slash_path(path: &Path) -> String {
    if cfg!(unix) {
        if let Some(text) = path.to_str().filter(|text| is_plain(text)) {
            return text.to_string();
        }
    }
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.first().and_then(error_path),
        _ => None,
    }
}

fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { .. } => {
            "symbolic link loop: this folder links back to one of its parents".to_string()
        }
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_message(err)
        }
        other => other.to_string(),
    }
}

/// Which cookbook a file belongs to (the nearest folder above it with metadata), its path
/// within it, and its kind.
fn classify(display: &str, cookbook_dirs: &FxHashMap<&str, usize>) -> Place {
    let mut cookbook = None;
    let mut dir = display;
    while let Some(at) = memchr::memrchr(b'/', dir.as_bytes()) {
        let parent = &dir[..at];
        if let Some(&i) = cookbook_dirs.get(parent) {
            cookbook = Some((i, parent.len() + 1));
            break;
        }
        dir = parent;
    }
    if cookbook.is_none() {
        cookbook = cookbook_dirs.get("").map(|&i| (i, 0));
    }
    let rel = display[cookbook.map_or(0, |(_, len)| len)..].to_string();
    let cookbook = cookbook.map(|(i, _)| i);
    let name = split_parent(&rel).1;
    let ruby = name.ends_with(".rb");
    // Lock files are read wherever they are: a cookbook's own (a library cookbook locks its
    // dependencies for its tests) as well as a repo's.
    let kind = if let Some(lock) = lock_kind(name) {
        lock
    } else if cookbook.is_some() {
        // Within a cookbook only the first part of the path and the number of parts matter:
        // no list of parts (this runs for every file).
        let (first, below) = match memchr::memchr(b'/', rel.as_bytes()) {
            Some(at) => (&rel[..at], Some(&rel[at + 1..])),
            None => (rel.as_str(), None),
        };
        let two_parts = below.is_some_and(|b| memchr::memchr(b'/', b.as_bytes()).is_none());
        match (first, below.is_some(), ruby) {
            ("metadata.rb", false, _) => FileKind::Metadata,
            ("metadata.json", false, _) => FileKind::MetadataJson,
            ("README.md", false, _) => FileKind::Readme,
            ("recipes", _, true) if two_parts => FileKind::Recipe,
            ("attributes", _, true) if two_parts => FileKind::Attributes,
            ("resources", _, true) => FileKind::Resource,
            ("providers", _, true) => FileKind::Provider,
            ("definitions", _, true) => FileKind::Definition,
            ("libraries", _, true) => FileKind::Library,
            ("templates", _, _) if name.ends_with(".erb") => FileKind::Template,
            _ => FileKind::Other,
        }
    } else if name.ends_with(".json") && split_parent(split_parent(&rel).0).1 == "nodes" {
        FileKind::Node
    } else if split_parent(&rel).0.split('/').any(|p| p == "roles")
        && (ruby || name.ends_with(".json"))
    {
        if ruby {
            FileKind::Role
        } else {
            FileKind::RoleJson
        }
    } else if ruby && (name.starts_with("Policyfile") || rel.split('/').any(|p| p == "policyfiles"))
    {
        FileKind::Policyfile
    } else {
        FileKind::Other
    };
    (cookbook, rel, kind)
}

/// The kind of a lock file, by its name.
fn lock_kind(name: &str) -> Option<FileKind> {
    match name {
        "Berksfile.lock" => Some(FileKind::BerksLock),
        "Cheffile.lock" => Some(FileKind::CheffileLock),
        _ if name.ends_with(".lock.json") => Some(FileKind::PolicyLock),
        _ => None,
    }
}

fn problem(message: impl Into<String>, help: impl Into<String>) -> Option<Problem> {
    Some(Problem {
        message: message.into(),
        help: help.into(),
    })
}

fn load_file(
    path: &Path,
    display: String,
    rel: String,
    kind: FileKind,
    cookbook: Option<usize>,
) -> SourceFile {
    let mut file = SourceFile::unparsed(display, rel, kind, cookbook);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            file.problem = problem(
                format!("cannot read this file: {err}"),
                "check its permissions, or exclude it with .gitignore or chefignore",
            );
            return file;
        }
    };
    file.parse(bytes);
    file
}

impl SourceFile {
    /// A file known by its place in the repo, before its bytes are read and parsed.
    fn unparsed(path: String, rel: String, kind: FileKind, cookbook: Option<usize>) -> SourceFile {
        SourceFile {
            path,
            rel,
            kind,
            cookbook,
            text: String::new(),
            facts: Facts::default(),
            suppress: Suppressions::default(),
            problem: None,
            partial: false,
            uses: Vec::new(),
        }
    }

    /// Check, decode and parse a file's bytes into its text, suppressions and facts.
    fn parse(&mut self, bytes: Vec<u8>) {
        let kind = self.kind;
        if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
            self.problem = problem(
                "binary file where source code was expected",
                "remove it, or exclude it with chefignore",
            );
            return;
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                self.problem = problem(
                    format!(
                        "not valid UTF-8 (first bad byte at offset {})",
                        err.utf8_error().valid_up_to()
                    ),
                    "Chef reads cookbook files as UTF-8: re-encode this file",
                );
                return;
            }
        };
        self.suppress = Suppressions::scan(&text);
        // An `.erb` file outside a cookbook's `templates/` (a stray copy, a test fixture) is
        // still a template: checked as ERB, never parsed as Ruby.
        let erb = self.kind == FileKind::Template || self.path.ends_with(".erb");
        self.facts = match self.kind {
            _ if erb => {
                let (code, unterminated) = erb::ruby_of(text.as_bytes());
                // One line index for the Ruby's facts and the template's own findings. The
                // addresses are taken from anywhere in the template, not only its Ruby (so
                // the walk does not look for them in string literals).
                let lines = ruby::LineIndex::new(&text);
                let mut facts = ruby::extract_with(&code, &lines, false);
                let bytes = text.as_bytes();
                facts.ips = scan::ipv4s(bytes)
                    .into_iter()
                    .filter(|&(at, len, _)| {
                        !scan::not_an_address(bytes, at, at + len)
                            && !scan::template_line_exempt(bytes, at)
                    })
                    .map(|(at, len, addr)| (lines.span(at, at + len), addr))
                    .collect();
                if let Some(at) = unterminated {
                    let span = lines.span(at, at + 2);
                    let earlier = facts.syntax_error.as_ref().is_some_and(|(s, _)| *s < span);
                    if !earlier {
                        facts.syntax_error = Some((span, "`<%` tag without a closing `%>`".into()));
                    }
                }
                facts
            }
            FileKind::MetadataJson | FileKind::RoleJson | FileKind::PolicyLock => {
                json_facts(&text, kind)
            }
            FileKind::BerksLock | FileKind::CheffileLock => lock_text_facts(&text),
            FileKind::Readme | FileKind::Node => Facts::default(),
            _ => ruby::extract(text.as_bytes(), &text),
        };
        self.text = text;
    }
}

fn call(name: &str, arg: &str, span: Span) -> Call {
    Call {
        name: name.to_string(),
        on_node: false,
        args: vec![Lit::Str(arg.to_string())],
        kwargs: Vec::new(),
        span,
        has_block: false,
        block_end: 0,
        resource: None,
        guard: Guard::None,
    }
}

/// The span of the first occurrence of `"needle"` in a JSON text (line 1 if absent).
fn json_span(text: &str, needle: &str) -> Span {
    let quoted = format!("\"{needle}\"");
    let at = text.find(&quoted).unwrap_or(0);
    ruby::LineIndex::new(text).span(at, at + quoted.len())
}

/// `metadata.json` (name, dependencies), a JSON role (run list, attributes) or a Policyfile lock
/// (cookbook_locks), as facts.
fn json_facts(text: &str, kind: FileKind) -> Facts {
    let mut facts = Facts::default();
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(err) => {
            let span = ruby::LineIndex::new(text).span(0, 0);
            let span = Span {
                line: err.line().max(1) as u32,
                col: err.column().max(1) as u32,
                ..span
            };
            facts.syntax_error = Some((span, format!("invalid JSON: {err}")));
            return facts;
        }
    };
    let keys = |field: &str| -> Vec<String> {
        value
            .get(field)
            .and_then(|v| v.as_object())
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    match kind {
        FileKind::MetadataJson => {
            if let Some(name) = value.get("name").and_then(|v| v.as_str()) {
                facts
                    .calls
                    .push(call("name", name, json_span(text, "name")));
            }
            for dep in keys("dependencies") {
                let span = json_span(text, &dep);
                facts.calls.push(call("depends", &dep, span));
            }
        }
        FileKind::PolicyLock => {
            for name in keys("cookbook_locks") {
                let span = json_span(text, &name);
                facts.calls.push(call("cookbook", &name, span));
            }
        }
        FileKind::RoleJson => {
            for (field, level) in [
                ("default_attributes", "default"),
                ("override_attributes", "override"),
            ] {
                if let Some(tree) = value.get(field) {
                    let span = json_span(text, field);
                    json_writes(tree, &mut Vec::new(), level, span, &mut facts);
                }
            }
            for item in value
                .get("run_list")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                facts
                    .calls
                    .push(call("run_list", item, json_span(text, item)));
            }
        }
        _ => {}
    }
    facts
}

/// Every leaf of a JSON object as an attribute write (role attributes).
fn json_writes(
    value: &serde_json::Value,
    prefix: &mut Vec<String>,
    level: &str,
    span: Span,
    facts: &mut Facts,
) {
    match value.as_object() {
        Some(object) => {
            for (k, v) in object {
                prefix.push(k.clone());
                json_writes(v, prefix, level, span, facts);
                prefix.pop();
            }
        }
        None if !prefix.is_empty() => facts.writes.push(AttrWrite {
            level: level.to_string(),
            via_node: false,
            path: AttrPath {
                keys: prefix.clone(),
                partial: false,
            },
            span,
            value: match value {
                serde_json::Value::String(s) => Lit::Str(s.clone()),
                _ => Lit::Other,
            },
            value_reads: 0..0,
        }),
        None => {}
    }
}

/// Cookbook names from a `Berksfile.lock` or a librarian-chef `Cheffile.lock`: both list
/// them as `name (version)` lines, indented two spaces (`DEPENDENCIES`, Berkshelf's `GRAPH`)
/// or four (librarian's `specs:` under each source). Indented words ending in `:` are fields
/// (`remote:`, `path:`, `specs:`), not cookbooks; deeper lines are dependencies of the entry
/// above, listed again as entries of their own.
fn lock_text_facts(text: &str) -> Facts {
    let mut facts = Facts::default();
    let index = ruby::LineIndex::new(text);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let entry = trimmed
            .strip_prefix("    ")
            .or_else(|| trimmed.strip_prefix("  "))
            .filter(|e| !e.starts_with(' '));
        if let Some(entry) = entry {
            let name = entry.split_whitespace().next().unwrap_or("");
            if !name.is_empty() && !name.ends_with(':') {
                let at = offset + (trimmed.len() - entry.len());
                let span = index.span(at, at + name.len());
                facts.calls.push(call("cookbook", name, span));
            }
        }
        offset += line.len();
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`slash_path`] computed before its fast path: the components, joined.
    fn by_components(path: &Path) -> String {
        path.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    const PATHS: &[&str] = &[
        "",
        ".",
        "..",
        "/",
        "a",
        "a/b.rb",
        "./a/b",
        "a/./b",
        "a//b",
        "a/b/",
        "a/b/.",
        "../a/b",
        "a/../b",
        "/abs/a",
        "cookbooks/cb1/recipes/default.rb",
        "é/ü.rb",
    ];

    #[test]
    fn byte_searches_split_paths_as_the_string_searches_did() {
        for path in PATHS.iter().chain(&["a.b/c.d.rb", ".x", "x.", "/", "a/"]) {
            let old = match path.rsplit_once('/') {
                Some((dir, name)) => (dir, name),
                None => ("", *path),
            };
            assert_eq!(split_parent(path), old, "{path:?}");
            let file = SourceFile::unparsed(String::new(), path.to_string(), FileKind::Other, None);
            let name = path.rsplit('/').next().unwrap_or(path);
            assert_eq!(
                file.stem(),
                name.split('.').next().unwrap_or(name),
                "{path:?}"
            );
        }
    }

    /// What [`classify`] decided from a list of the path's parts, before it stopped making one.
    fn kind_by_parts(rel: &str, in_cookbook: bool) -> FileKind {
        let parts: Vec<&str> = rel.split('/').collect();
        let name = *parts.last().unwrap_or(&"");
        let ruby = name.ends_with(".rb");
        if name == "Berksfile.lock" {
            FileKind::BerksLock
        } else if name == "Cheffile.lock" {
            FileKind::CheffileLock
        } else if name.ends_with(".lock.json") {
            FileKind::PolicyLock
        } else if in_cookbook {
            match (parts.as_slice(), ruby) {
                (["metadata.rb"], _) => FileKind::Metadata,
                (["metadata.json"], _) => FileKind::MetadataJson,
                (["README.md"], _) => FileKind::Readme,
                (["recipes", _], true) => FileKind::Recipe,
                (["attributes", _], true) => FileKind::Attributes,
                (["resources", ..], true) => FileKind::Resource,
                (["providers", ..], true) => FileKind::Provider,
                (["definitions", ..], true) => FileKind::Definition,
                (["libraries", ..], true) => FileKind::Library,
                (["templates", ..], _) if name.ends_with(".erb") => FileKind::Template,
                _ => FileKind::Other,
            }
        } else if name.ends_with(".json") && parts.len() >= 2 && parts[parts.len() - 2] == "nodes" {
            FileKind::Node
        } else if parts.iter().rev().skip(1).any(|p| *p == "roles")
            && (ruby || name.ends_with(".json"))
        {
            if ruby {
                FileKind::Role
            } else {
                FileKind::RoleJson
            }
        } else if ruby && (name.starts_with("Policyfile") || parts.contains(&"policyfiles")) {
            FileKind::Policyfile
        } else {
            FileKind::Other
        }
    }

    #[test]
    fn classify_agrees_with_the_list_of_parts() {
        let names = [
            "metadata.rb",
            "metadata.json",
            "README.md",
            "x.rb",
            "x.erb",
            "x.json",
            "recipes",
            "resources",
            "templates",
            "roles",
            "policyfiles",
            "Policyfile.rb",
            "a.lock.json",
            "Berksfile.lock",
            "Cheffile.lock",
            "",
        ];
        let dirs = [
            "",
            "recipes",
            "attributes",
            "resources",
            "providers",
            "definitions",
            "libraries",
            "templates",
            "templates/default",
            "recipes/sub",
            "roles",
            "a/roles",
            "policyfiles",
            "spec",
            "roles/x",
            "nodes",
            "a/nodes",
            "nodes/x",
        ];
        for cookbook in [None, Some("cb")] {
            let index: FxHashMap<&str, usize> = cookbook.into_iter().map(|c| (c, 0)).collect();
            for dir in dirs {
                for name in names {
                    let rel = if dir.is_empty() {
                        name.to_string()
                    } else {
                        format!("{dir}/{name}")
                    };
                    let display = match cookbook {
                        Some(c) => format!("{c}/{rel}"),
                        None => format!("top/{rel}"),
                    };
                    let (found, got_rel, kind) = classify(&display, &index);
                    assert_eq!(found, cookbook.map(|_| 0), "{display}");
                    let expected_rel = if cookbook.is_some() {
                        rel.clone()
                    } else {
                        display.clone()
                    };
                    assert_eq!(got_rel, expected_rel, "{display}");
                    assert_eq!(
                        kind,
                        kind_by_parts(&got_rel, cookbook.is_some()),
                        "{display}"
                    );
                }
            }
        }
    }

    #[test]
    fn plain_paths_are_their_parts() {
        for path in PATHS
            .iter()
            .chain(&["a/.b", "a./b", "..", "a/..", ".a", "a/.", "./", "x/y/"])
        {
            let by_parts =
                !path.is_empty() && path.split('/').all(|part| !part.is_empty() && part != ".");
            assert_eq!(is_plain(path), by_parts, "{path:?}");
        }
    }

    #[test]
    fn slash_path_fast_path_equals_components() {
        for path in PATHS {
            assert_eq!(
                slash_path(Path::new(path)),
                by_components(Path::new(path)),
                "{path:?}"
            );
        }
    }

    #[test]
    fn relative_path_fast_path_equals_strip_prefix() {
        let roots = ["", ".", "./", "a", "a/", "./a", "/abs", "cookbooks", "a/."];
        for root in roots {
            for rest in PATHS {
                for path in [
                    format!("{root}/{rest}"),
                    format!("{root}{rest}"),
                    rest.to_string(),
                ] {
                    let (path, root) = (Path::new(&path), Path::new(root));
                    let expected = by_components(path.strip_prefix(root).unwrap_or(path));
                    assert_eq!(
                        relative_slash_path(path, root),
                        expected,
                        "{path:?} {root:?}"
                    );
                }
            }
        }
    }

    /// A model changed in memory is the model of the changed files: same files, places,
    /// kinds, cookbooks and findings as one built from scratch.
    #[test]
    fn an_overlay_gives_the_model_of_the_changed_files() {
        let base: Vec<(String, Vec<u8>)> = [
            ("a/metadata.rb", "name 'a'\ndepends 'b'\n"),
            (
                "a/recipes/default.rb",
                "node.set['a']['x'] = 1\ninclude_recipe 'b'\n",
            ),
            ("a/attributes/default.rb", "default['a']['x'] = 1\n"),
            ("b/recipes/default.rb", "package 'b'\n"),
            ("b/README.md", "# b\n"),
            ("roles/web.rb", "run_list 'recipe[a]'\n"),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
        let overlay: BTreeMap<String, Option<String>> = [
            ("a/recipes/default.rb", Some("node.normal['a']['x'] = 1\n")),
            ("a/attributes/default.rb", None),
            ("b/metadata.rb", Some("name 'b'\n")),
            ("b/resources/r.rb", Some("property :x, String\n")),
            ("NOTES.md", Some("not ours\n")),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), t.map(str::to_string)))
        .collect();
        let mut after: BTreeMap<String, Vec<u8>> = base.iter().cloned().collect();
        for (path, text) in &overlay {
            match text {
                Some(t) if path.ends_with(".rb") => {
                    after.insert(path.clone(), t.as_bytes().to_vec());
                }
                Some(_) => {}
                None => {
                    after.remove(path);
                }
            }
        }
        let after: Vec<(String, Vec<u8>)> = after.into_iter().collect();
        let fresh = Repo::from_memory(&after);
        let changed = Repo::from_memory(&base).with_overlay(&overlay);
        let shape = |r: &Repo| {
            r.files
                .iter()
                .map(|f| {
                    let cookbook = f.cookbook.map(|c| r.cookbooks[c].name.clone());
                    (
                        f.path.clone(),
                        f.rel.clone(),
                        f.kind,
                        cookbook,
                        f.text.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shape(&changed), shape(&fresh));
        assert!(changed.cookbook("b").is_some());
        let options = crate::lint::Options::default();
        assert_eq!(
            crate::lint::check(&changed, &options),
            crate::lint::check(&fresh, &options)
        );
    }

    /// Dependencies declared in a loop over a literal list count; a computed one makes the
    /// cookbook's dependencies unknown.
    #[test]
    fn depends_in_loops() {
        let files: Vec<(String, Vec<u8>)> = [
            (
                "a/metadata.rb",
                "name 'a'\n%w{ runit java }.each do |cb|\n  depends cb\nend\n",
            ),
            (
                "b/metadata.rb",
                "name 'b'\ndepends 'x'\nDEPS.each { |cb| depends cb }\n",
            ),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
        .collect();
        let repo = Repo::from_memory(&files);
        let a = repo.cookbook("a").unwrap();
        assert!(a.depends_on("runit") && a.depends_on("java") && !a.depends_unknown);
        let b = repo.cookbook("b").unwrap();
        assert!(b.depends_on("x") && b.depends_unknown);
    }
}
