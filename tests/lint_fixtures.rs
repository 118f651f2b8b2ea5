//! The precision fixtures: each folder under `samples/lint/fixtures/` is a small repo of its own,
//! written for one class of false positive (must not flag) or miss (must flag) found on real
//! cookbooks. Its `expected.txt` lists every finding the linter must report there, one
//! `CODE path:line` per line (`#` starts a comment); an empty list means nothing may fire.
//! Every rule runs, preview rules included, so a fixture pins a rule's logic whatever its
//! maturity.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stackchef::lint::{self, LintConfig, Options};

fn expected(dir: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|e| panic!("{}: expected.txt: {e}", dir.display()));
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

fn found(dir: &Path) -> BTreeSet<String> {
    let config = LintConfig {
        preview: true,
        ..LintConfig::default()
    };
    let options = Options::resolve(&config, &[], &[], None).unwrap();
    let outcome = lint::lint_paths(&[dir.to_path_buf()], options).unwrap();
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let path = Path::new(&d.path)
                .strip_prefix(dir)
                .unwrap_or(Path::new(&d.path))
                .display()
                .to_string();
            let line = d.location.as_ref().map_or(0, |l| l.line);
            format!("{} {}:{}", d.code.as_deref().unwrap_or("-"), path, line)
        })
        .collect()
}

#[test]
fn every_fixture_reports_exactly_its_expected_findings() {
    let root = PathBuf::from("samples/lint/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 2, "no fixtures under {}", root.display());
    let mut failures = Vec::new();
    for dir in &dirs {
        let (want, got) = (expected(dir), found(dir));
        if want != got {
            failures.push(format!(
                "{}:\n  missing: {:?}\n  unexpected: {:?}",
                dir.display(),
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
