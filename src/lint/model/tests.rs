use std::path::Path;

use super::*;
use crate::lint::source::walk::{is_plain, relative_slash_path, slash_path};

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
    } else if parts.iter().rev().skip(1).any(|p| *p == "roles") && (ruby || name.ends_with(".json"))
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
