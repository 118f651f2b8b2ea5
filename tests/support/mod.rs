//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every valid sample stack: `(name, path to stack.yml)`, sorted by name.
pub fn sample_stacks() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let dir = entry.unwrap().path();
        let file = dir.join("stack.yml");
        if file.is_file() {
            out.push((
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                file,
            ));
        }
    }
    out.sort();
    out
}

/// Find an external validator on PATH. When it is missing the test is skipped with a message —
/// unless `STACKCHEF_REQUIRE_VALIDATORS=1` (set by `scripts/test` and CI), where a missing
/// validator fails the test.
pub fn validator(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    });
    if found.is_none() {
        if std::env::var("STACKCHEF_REQUIRE_VALIDATORS").as_deref() == Ok("1") {
            panic!("validator `{name}` is required (STACKCHEF_REQUIRE_VALIDATORS=1) but not on PATH; run scripts/test, which installs it");
        }
        eprintln!("SKIPPED: validator `{name}` not found on PATH (scripts/test installs it)");
    }
    found
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Load a sample through the real loader (panics with the rendered error if it is invalid).
pub fn load_sample(path: &Path) -> stackchef::spec::Stack {
    stackchef::spec::load_file(path).unwrap_or_else(|e| panic!("{}", e.render(false)))
}
