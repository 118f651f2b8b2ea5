//! The fixers of the existing rules, each on its own fixture under `samples/lint/fix/<CODE>/`
//! (a small repo): the fixed files (snapshot), the near-misses left alone (every file whose
//! path contains `keep` must come out byte-identical), idempotence (a second pass applies
//! nothing and the rule no longer reports the fixed files), and every changed `.rb` accepted by
//! prism and `ruby -c`. Fixes are applied by the real fix engine (`support::fix_rule`, the
//! engine behind `stackchef lint --fix`) on a temporary copy; a fix it rolls back fails the test.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What changed between two trees, as text for a snapshot: each changed or created file whole,
/// each deleted file named.
fn changes(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (path, text) in after {
        let what = match before.get(path) {
            Some(old) if old == text => continue,
            Some(_) => "changed",
            None => "created",
        };
        out.push_str(&format!("=== {path} ({what})\n"));
        out.push_str(&String::from_utf8_lossy(text).replace('\r', "\\r"));
        if !text.ends_with(b"\n") {
            out.push_str("\n(no newline at end)\n");
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        out.push_str(&format!("=== {path} (deleted)\n"));
    }
    out
}

/// The findings of rule `code` under `dir` as (display path, message), each with whether its
/// fixer offers a fix (of an allowed applicability).
fn findings(dir: &Path, code: &str, allow_unsafe: bool) -> Vec<((String, String), bool)> {
    use stackchef::lint::fix::{Applicability, FixContext};
    let rule = stackchef::lint::find_rule(code).unwrap();
    let fixer = rule.fix.expect("the rule declares a fixer");
    let outcome =
        stackchef::lint::lint_paths(&[dir.to_path_buf()], support::select(&[code])).unwrap();
    let ctx = FixContext::new(&outcome.repo);
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let fixable = (fixer.make)(&ctx, d)
                .is_some_and(|f| allow_unsafe || f.applicability == Applicability::Safe);
            ((d.path.clone(), d.message.clone()), fixable)
        })
        .collect()
}

fn fixture(code: &str) -> PathBuf {
    support::root().join("samples/lint/fix").join(code)
}

/// Fix the fixture of `code` on a temporary copy and check everything the module doc lists;
/// returns the snapshot text of the changes.
fn fix_fixture(code: &str, allow_unsafe: bool) -> String {
    let tmp = support::copy_to_temp(&fixture(code));
    let dir = tmp.path();
    let before = support::read_tree(dir);
    let flagged: Vec<String> = support::lint_one_rule(dir, code)
        .into_iter()
        .map(|d| d.path)
        .collect();
    assert!(!flagged.is_empty(), "{code}: the fixture has no finding");

    // What the fixer leaves alone, before fixing: after fixing, only these may remain.
    let unfixable: Vec<(String, String)> = findings(dir, code, allow_unsafe)
        .into_iter()
        .filter(|(_, fixable)| !fixable)
        .map(|(finding, _)| finding)
        .collect();

    let applied = support::fix_rule(dir, code, allow_unsafe);
    assert!(applied > 0, "{code}: no fix applied");
    let after = support::read_tree(dir);

    // Near-misses come out untouched.
    for (path, text) in &before {
        if path.contains("keep") {
            assert_eq!(
                after.get(path),
                Some(text),
                "{code}: near-miss {path} was changed"
            );
        }
    }
    support::assert_changed_files_parse(dir, &before);

    // Idempotence: nothing left to fix, and what was fixed is no longer reported.
    assert_eq!(
        support::fix_rule(dir, code, allow_unsafe),
        0,
        "{code}: a second pass applied fixes"
    );
    assert_eq!(support::read_tree(dir), after);
    let remaining = findings(dir, code, allow_unsafe);
    for (finding, fixable) in &remaining {
        assert!(
            !fixable && unfixable.contains(finding),
            "{code}: still reported after fixing: {finding:?}"
        );
    }

    // Without unsafe fixes allowed, an unsafe fixer changes nothing.
    if !allow_unsafe {
        return changes(&before, &after);
    }
    let tmp2 = support::copy_to_temp(&fixture(code));
    assert_eq!(support::fix_rule(tmp2.path(), code, false), 0);
    changes(&before, &after)
}

#[test]
fn leg005_adds_unified_mode() {
    insta::assert_snapshot!("leg005", fix_fixture("LEG005", false));
}

#[test]
fn leg006_turns_resource_name_into_provides() {
    insta::assert_snapshot!("leg006", fix_fixture("LEG006", false));
}

#[test]
fn attr007_moves_literal_settings_to_the_attributes_file() {
    insta::assert_snapshot!("attr007", fix_fixture("ATTR007", true));
}

#[test]
fn leg004_merges_the_lwrp_into_a_custom_resource() {
    insta::assert_snapshot!("leg004", fix_fixture("LEG004", true));
}

#[test]
fn leg003_turns_a_definition_into_a_custom_resource() {
    insta::assert_snapshot!("leg003", fix_fixture("LEG003", true));
}

/// Every fixer with unsafe fixes on a copy of each legacy and chef-repo row of the corpus
/// (`target/corpus/`, rows from the manifest in `STACKCHEF_CORPUS_MANIFEST`, default
/// `../shared/corpus/manifest.tsv` as for `scripts/corpus`): every changed `.rb` must pass prism and `ruby -c`, and what
/// the rules still report must have had no fix. Prints the counts. Not run by default: the
/// corpus is not in the repository (`cargo test --test lint_fixers corpus -- --ignored`).
#[test]
#[ignore = "needs the extracted corpus"]
fn corpus_fixes_parse() {
    let manifest = support::corpus_manifest();
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (folder, kind) = (col("folder"), col("kind"));
    let codes = ["LEG005", "LEG006", "LEG004", "LEG003", "ATTR007"];
    let ruby = support::validator("ruby");
    let (mut fixes, mut changed, mut ruby_failures) = (BTreeMap::new(), 0, Vec::new());
    let mut rolled_back = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        // STACKCHEF_CORPUS_KINDS=modern,legacy,… widens or narrows the rows.
        let kinds = std::env::var("STACKCHEF_CORPUS_KINDS")
            .unwrap_or_else(|_| "legacy,chef-repo".to_string());
        if !kinds.split(',').any(|k| k == cells[kind]) {
            continue;
        }
        let row = support::root().join("target/corpus").join(cells[folder]);
        if !row.is_dir() {
            eprintln!("SKIPPED: corpus row {} is not extracted", cells[folder]);
            continue;
        }
        // STACKCHEF_FIXED_OUT=dir keeps the fixed copies there, to read.
        let tmp = match std::env::var_os("STACKCHEF_FIXED_OUT") {
            Some(out) => tempfile::Builder::new()
                .prefix(cells[folder])
                .disable_cleanup(true)
                .tempdir_in(out)
                .unwrap(),
            None => tempfile::tempdir().unwrap(),
        };
        support::copy_plain(&row, tmp.path());
        let before = support::read_tree(tmp.path());
        let mut unfixable = Vec::new();
        for code in codes {
            unfixable.extend(
                findings(tmp.path(), code, true)
                    .into_iter()
                    .filter(|(_, fixable)| !fixable)
                    .map(|(finding, _)| finding),
            );
            let outcome = support::fix_rules(tmp.path(), &[code], true);
            *fixes.entry(code).or_insert(0) += outcome.applied.len();
            rolled_back.extend(
                outcome
                    .bugs
                    .iter()
                    .map(|b| format!("{}/{}: {} {}", cells[folder], b.path, b.code, b.reason)),
            );
        }
        let after = support::read_tree(tmp.path());
        for (path, text) in &after {
            if !path.ends_with(".rb") || before.get(path) == Some(text) {
                continue;
            }
            changed += 1;
            if support::invalid_ruby(ruby.as_ref(), &tmp.path().join(path), text).is_some() {
                ruby_failures.push(format!("{}/{path}", cells[folder]));
            }
        }
        let deleted = before.keys().filter(|p| !after.contains_key(*p)).count();
        changed += deleted;
        for code in codes {
            for (finding, _) in findings(tmp.path(), code, true) {
                assert!(
                    unfixable.contains(&finding),
                    "{}: {code} still reported after fixing: {finding:?}",
                    cells[folder]
                );
            }
        }
    }
    eprintln!("fixes applied: {fixes:?}; files changed, created or deleted: {changed}; rejected by prism or ruby -c: {ruby_failures:?}; rolled back by the engine: {rolled_back:#?}");
    assert!(ruby_failures.is_empty());
    assert!(rolled_back.is_empty());
}

/// `unified_mode` exists from Chef 15.3: when metadata allows older clients the fix is unsafe.
#[test]
fn leg005_is_unsafe_when_metadata_allows_chef_before_15_3() {
    let tmp = support::copy_to_temp(&fixture("LEG005-old-chef"));
    assert_eq!(support::fix_rule(tmp.path(), "LEG005", false), 0);
    assert_eq!(support::fix_rule(tmp.path(), "LEG005", true), 1);
    let text = std::fs::read_to_string(tmp.path().join("resources/site.rb")).unwrap();
    assert!(
        text.starts_with("provides :old_chef_site\nunified_mode true\n"),
        "{text}"
    );
}
