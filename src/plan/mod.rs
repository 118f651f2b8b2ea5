//! A Plan is every file a `generate` run would write, held in memory. Nothing touches the disk
//! until the whole plan has rendered and validated; then the writer applies it safely.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

pub mod manifest;
pub mod report;
mod target;
pub mod writer;

pub use target::Target;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Path relative to the output directory, `/`-separated, never absolute, never `..`.
    pub path: String,
    pub contents: String,
    pub executable: bool,
    /// The generator that owns this file (`generate packer` touches only Packer files).
    pub target: Target,
}

impl PlannedFile {
    pub fn new(target: Target, path: impl Into<String>, contents: impl Into<String>) -> Self {
        PlannedFile {
            path: path.into(),
            contents: contents.into(),
            executable: false,
            target,
        }
    }

    pub fn executable(mut self) -> Self {
        self.executable = true;
        self
    }
}

/// The files of one run, keyed by path (so output order is deterministic).
#[derive(Debug, Default, Clone)]
pub struct Plan {
    files: BTreeMap<String, PlannedFile>,
}

impl Plan {
    /// Add a file; two generators writing the same path is a bug in stackchef, reported as such.
    pub fn add(&mut self, file: PlannedFile) -> Result<()> {
        check_relative(&file.path)?;
        if let Some(previous) = self.files.get(&file.path) {
            bail!(
                "internal error: {} is generated twice (by {:?} and {:?})",
                file.path,
                previous.target,
                file.target
            );
        }
        self.files.insert(file.path.clone(), file);
        Ok(())
    }

    pub fn files(&self) -> impl Iterator<Item = &PlannedFile> {
        self.files.values()
    }

    pub fn get(&self, path: &str) -> Option<&PlannedFile> {
        self.files.get(path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Reject a planned path that is absolute or climbs out of the output directory.
pub fn check_relative(path: &str) -> Result<()> {
    // Split by hand: `Path::components` silently drops `.` in the middle of a path.
    let plain = !path.is_empty()
        && !path.contains('\\')
        && path
            .split('/')
            .all(|segment| !matches!(segment, "" | "." | ".."));
    if !plain {
        bail!("internal error: generated path {path:?} is not a plain relative path");
    }
    Ok(())
}

/// Resolve `rel` under `root` and make sure no existing ancestor of it is a symlink leading
/// outside `root`: a generated file must never be written through a link to somewhere else.
pub fn resolve_inside(root: &Path, rel: &str) -> Result<PathBuf> {
    Inside::new(root)?.resolve(rel)
}

/// [`resolve_inside`] for many paths under one root: the root is canonicalised once and every
/// directory already found to stay inside is remembered, so resolving the files of a large
/// tree costs about one `lstat` per file instead of one per path component plus a
/// canonicalisation of the root (which made `generate` slow on 10 000-file trees).
pub struct Inside {
    root: PathBuf,
    root_real: PathBuf,
    /// Relative directories known to exist and to stay inside the root.
    checked: std::collections::HashSet<String>,
}

impl Inside {
    pub fn new(root: &Path) -> Result<Inside> {
        let root_real = root
            .canonicalize()
            .with_context(|| format!("resolving output directory {}", root.display()))?;
        Ok(Inside {
            root: root.to_path_buf(),
            root_real,
            checked: Default::default(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn resolve(&mut self, rel: &str) -> Result<PathBuf> {
        check_relative(rel)?;
        // Start below the deepest directory already checked.
        let mut start = 0;
        for (i, _) in rel.match_indices('/').rev() {
            if self.checked.contains(&rel[..i]) {
                start = i + 1;
                break;
            }
        }
        let mut end = start;
        loop {
            let next = rel[end..].find('/').map(|i| end + i);
            let prefix = &rel[..next.unwrap_or(rel.len())];
            let current = self.root_real.join(prefix);
            match std::fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    let target = current
                        .canonicalize()
                        .with_context(|| format!("resolving symlink {}", current.display()))?;
                    if !target.starts_with(&self.root_real) {
                        bail!(
                            "{} is a symlink to {}, outside the output directory; refusing to write through it",
                            rel,
                            target.display()
                        );
                    }
                }
                Ok(_) => {}
                Err(_) => break, // does not exist yet: nothing below it can be a link
            }
            let Some(slash) = next else { break };
            self.checked.insert(rel[..slash].to_string());
            end = slash + 1;
        }
        Ok(self.root.join(rel))
    }

    /// Forget what was checked (after directories were created or removed).
    pub fn forget(&mut self) {
        self.checked.clear();
    }
}

/// Write `contents` to `dest` atomically: a temporary file in the same directory, fsync'd, then
/// renamed over the destination. Readers see the old file or the new one, never half of one.
/// An existing file's permissions are kept; a new one gets 0644, or 0755 if `executable`.
pub fn write_atomic(dest: &Path, contents: &[u8], executable: bool) -> Result<()> {
    std::fs::create_dir_all(parent_of(dest))
        .with_context(|| format!("creating {}", parent_of(dest).display()))?;
    stage(dest, contents, executable)?
        .persist(dest)
        .map_err(|e| e.error)
        .with_context(|| format!("replacing {}", dest.display()))?;
    Ok(())
}

/// Write `contents` to `dest` only if nothing is there, atomically: the name appears with all
/// of its content or not at all (a run killed half-way leaves no half file to refuse next
/// time), and an existing file is never replaced, even one created a moment ago by someone
/// else. Returns `Ok(false)` when `dest` exists.
pub fn write_new(dest: &Path, contents: &[u8]) -> Result<bool> {
    let tmp = stage(dest, contents, false)?;
    match tmp.persist_noclobber(dest) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.error).with_context(|| format!("creating {}", dest.display())),
    }
}

/// One file for [`replace_verified`] to replace, create or delete.
#[derive(Debug, Clone, Copy)]
pub struct Replacement<'a> {
    pub dest: &'a Path,
    /// What must be on disk for the change to go ahead; `None`: nothing may be there.
    pub expected: Option<&'a [u8]>,
    /// The new content; `None` deletes the file.
    pub contents: Option<&'a [u8]>,
    /// Replacements of one group are made together or not at all.
    pub group: usize,
}

/// Replace, create and delete files in place, never over a change made by someone else
/// (`lint --fix`): every new content is first staged beside its destination and synced; then
/// each destination is checked to still hold `expected` — a group with any file that does not
/// is left alone, its staged files removed; then the staged files are renamed into place, and
/// the deletions made. A failure while staging changes nothing. Returns the indexes of the
/// replacements skipped because their file (or another of their group) changed.
pub fn replace_verified(items: &[Replacement<'_>]) -> Result<Vec<usize>> {
    let mut staged: Vec<Option<tempfile::NamedTempFile>> = Vec::with_capacity(items.len());
    let mut created_dirs: Vec<PathBuf> = Vec::new();
    for item in items {
        let tmp = match item.contents {
            Some(contents) => {
                let dir = parent_of(item.dest);
                if !dir.exists() {
                    let mut missing = Vec::new();
                    let mut cur = Some(dir);
                    while let Some(d) = cur.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
                        missing.push(d.to_path_buf());
                        cur = d.parent();
                    }
                    for d in missing.into_iter().rev() {
                        if let Err(e) = std::fs::create_dir(&d) {
                            remove_dirs(&created_dirs);
                            return Err(e).with_context(|| {
                                format!("creating {}; nothing was changed", d.display())
                            });
                        }
                        created_dirs.push(d);
                    }
                }
                match stage(item.dest, contents, false) {
                    Ok(tmp) => Some(tmp),
                    Err(e) => {
                        drop(staged);
                        remove_dirs(&created_dirs);
                        return Err(e.context("nothing was changed"));
                    }
                }
            }
            None => None,
        };
        staged.push(tmp);
    }
    // Checked after staging (which syncs, the slow part): as close to the renames as can be.
    let mut stale_groups = std::collections::BTreeSet::new();
    for item in items {
        let now = match std::fs::read(item.dest) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(_) => {
                stale_groups.insert(item.group);
                continue;
            }
        };
        if now.as_deref() != item.expected {
            stale_groups.insert(item.group);
        }
    }
    let skipped: Vec<usize> = (0..items.len())
        .filter(|&i| stale_groups.contains(&items[i].group))
        .collect();
    let mut done: Vec<String> = Vec::new();
    let fail = |done: &[String], err: anyhow::Error| -> anyhow::Error {
        if done.is_empty() {
            err.context("nothing was changed")
        } else {
            err.context(format!(
                "stopped part-way; these files were already changed: {}",
                done.join(", ")
            ))
        }
    };
    let mut deletions = Vec::new();
    for (i, (item, tmp)) in items.iter().zip(staged).enumerate() {
        if skipped.contains(&i) {
            continue; // the staged file is removed when dropped
        }
        match tmp {
            Some(tmp) => {
                tmp.persist(item.dest)
                    .map_err(|e| e.error)
                    .with_context(|| format!("replacing {}", item.dest.display()))
                    .map_err(|e| fail(&done, e))?;
                done.push(item.dest.display().to_string());
            }
            None => deletions.push(item.dest),
        }
    }
    for dest in deletions {
        std::fs::remove_file(dest)
            .with_context(|| format!("removing {}", dest.display()))
            .map_err(|e| fail(&done, e))?;
        done.push(dest.display().to_string());
    }
    // Folders made for files of a skipped group stay empty: remove them.
    remove_dirs(&created_dirs);
    Ok(skipped)
}

fn remove_dirs(dirs: &[PathBuf]) {
    for d in dirs.iter().rev() {
        let _ = std::fs::remove_dir(d); // only succeeds when empty, as we left it
    }
}

/// The directory of `path`; `.` for a bare file name.
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The first half of an atomic write: `contents` in a synced temporary file beside `dest`
/// (whose directory must exist), with `dest`'s final permissions. Persisting it is the second
/// half; dropping it removes it.
fn stage(dest: &Path, contents: &[u8], executable: bool) -> Result<tempfile::NamedTempFile> {
    let dir = parent_of(dest);
    let mut tmp = tempfile::Builder::new()
        .prefix(".stackchef-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(contents)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("writing {}", dest.display()))?;
    set_mode(tmp.path(), dest, executable)?;
    Ok(tmp)
}

#[cfg(unix)]
pub(crate) fn set_mode(tmp: &Path, dest: &Path, executable: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match std::fs::metadata(dest) {
        Ok(meta) => {
            let existing = meta.permissions().mode() & 0o7777;
            if executable {
                existing | 0o111
            } else {
                existing
            }
        }
        Err(_) if executable => 0o755,
        Err(_) => 0o644,
    };
    std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("setting permissions of {}", dest.display()))
}

#[cfg(not(unix))]
pub(crate) fn set_mode(_tmp: &Path, _dest: &Path, _executable: bool) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a/./b", "a\\b"] {
            assert!(check_relative(bad).is_err(), "{bad:?} must be rejected");
        }
        assert!(check_relative("cookbooks/x/metadata.rb").is_ok());
    }

    #[test]
    fn duplicate_paths_are_an_internal_error() {
        let mut plan = Plan::default();
        plan.add(PlannedFile::new(Target::Ci, "ci/build.sh", "a"))
            .unwrap();
        assert!(plan
            .add(PlannedFile::new(Target::Ci, "ci/build.sh", "b"))
            .is_err());
    }

    #[test]
    fn atomic_write_creates_dirs_and_sets_modes() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/b/run.sh");
        write_atomic(&dest, b"#!/bin/sh\n", true).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"#!/bin/sh\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o755);
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlink_out_of_root() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("packer")).unwrap();
        let err = resolve_inside(root.path(), "packer/base.pkr.hcl").unwrap_err();
        assert!(
            err.to_string().contains("outside the output directory"),
            "{err}"
        );
    }
}
