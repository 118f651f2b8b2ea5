//! Where a file belongs, from its display path alone: its cookbook, its path within it, and its
//! [`FileKind`].

use super::{FileKind, Place};
use crate::lint::parse::facts::FxHashMap;
use crate::lint::source::walk::split_parent;

/// Which cookbook a file belongs to (the nearest folder above it with metadata), its path
/// within it, and its kind.
pub(super) fn classify(display: &str, cookbook_dirs: &FxHashMap<&str, usize>) -> Place {
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
pub(super) fn lock_kind(name: &str) -> Option<FileKind> {
    match name {
        "Berksfile.lock" => Some(FileKind::BerksLock),
        "Cheffile.lock" => Some(FileKind::CheffileLock),
        _ if name.ends_with(".lock.json") => Some(FileKind::PolicyLock),
        _ => None,
    }
}
