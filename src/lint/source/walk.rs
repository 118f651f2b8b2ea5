//! The walk: the files under the lint paths (honouring `.gitignore` and `chefignore`, following
//! symbolic links), as (path on disk, display path), and the display paths' arithmetic.

use std::path::{Component, Path, PathBuf};

/// A file found by the walk: (path on disk, display path).
pub type Found = (PathBuf, String);

/// A walk error: a symlink loop, an unreadable directory, a bad ignore file.
#[derive(Debug)]
pub struct WalkError {
    pub path: String,
    pub message: String,
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
pub(crate) fn split_parent(path: &str) -> (&str, &str) {
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
pub(crate) fn relative_slash_path(path: &Path, root: &Path) -> String {
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
pub(crate) fn is_plain(path: &str) -> bool {
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
pub(crate) fn slash_path(path: &Path) -> String {
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
