//! Precision on real cookbooks: the fixture repos under `samples/lint/precision/`, each linted
//! on its own, report exactly the lines marked `# flag: CODE[, CODE]` for the rules below —
//! every marked line is a miss the linter must catch, every other line a false positive it
//! must not make.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use stackchef::lint::{self, LintConfig, Options};

/// The rules these fixtures hold to account.
const CODES: &[&str] = &[
    "INC001", "INC006", "INC007", "LEG005", "LEG007", "LEG008", "OPS001", "OPS004", "OPS006",
    "SVC002",
];

const REPOS: &[&str] = &[
    "library",
    "app-unlocked",
    "app-berkshelf",
    "app-policyfile",
    "app-librarian",
];

/// Relative, as a CI job would give it (tests run in the crate's folder): findings are shown
/// below it.
fn root() -> PathBuf {
    PathBuf::from("samples/lint/precision")
}

/// `(path relative to the repo, line, code)` for every `# flag:` marker under `dir`.
fn marked(dir: &Path, base: &Path, out: &mut BTreeSet<(String, usize, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            marked(&path, base, out);
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let rel = path
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            let Some((_, codes)) = line.split_once("# flag: ") else {
                continue;
            };
            for code in codes.split(',') {
                out.insert((rel.clone(), i + 1, code.trim().to_string()));
            }
        }
    }
}

fn findings(repo: &Path) -> BTreeSet<(String, usize, String)> {
    let select: Vec<String> = CODES.iter().map(|c| c.to_string()).collect();
    let options = Options::resolve(&LintConfig::default(), &select, &[], None).unwrap();
    let outcome = lint::lint_paths(&[repo.to_path_buf()], options).unwrap();
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let path = Path::new(&d.path);
            let rel = path.strip_prefix(repo).unwrap_or(path);
            let line = d.location.map_or(0, |l| l.line);
            (
                rel.to_string_lossy().into_owned(),
                line,
                d.code.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn each_fixture_repo_reports_exactly_its_marked_lines() {
    for repo in REPOS {
        let dir = root().join(repo);
        let mut expected = BTreeSet::new();
        marked(&dir, &dir, &mut expected);
        let found = findings(&dir);
        let missed: Vec<_> = expected.difference(&found).collect();
        let unwanted: Vec<_> = found.difference(&expected).collect();
        assert!(
            missed.is_empty() && unwanted.is_empty(),
            "{repo}: missed (must flag) {missed:#?}\nunwanted (must not flag) {unwanted:#?}"
        );
    }
}

/// Each lock-file kind is read: the repo locked with it reports only the one dependency its
/// lock lacks, not "no lock file".
#[test]
fn every_lock_file_kind_is_read() {
    for repo in ["app-berkshelf", "app-policyfile", "app-librarian"] {
        let codes: Vec<String> = findings(&root().join(repo))
            .into_iter()
            .map(|(_, _, code)| code)
            .collect();
        assert_eq!(codes, ["INC007"], "{repo}");
    }
}
