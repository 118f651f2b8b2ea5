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
    let found = stackchef::which::find_executable(name);
    if found.is_none() {
        if std::env::var("STACKCHEF_REQUIRE_VALIDATORS").as_deref() == Ok("1") {
            panic!("validator `{name}` is required (STACKCHEF_REQUIRE_VALIDATORS=1) but not on PATH; run scripts/test, which installs it");
        }
        eprintln!("SKIPPED: validator `{name}` not found on PATH (scripts/test installs it)");
    }
    found
}

/// Load a sample through the real loader (panics with the rendered error if it is invalid).
pub fn load_sample(path: &Path) -> stackchef::spec::Stack {
    stackchef::spec::load_file(path).unwrap_or_else(|e| panic!("{}", e.render(false)))
}
