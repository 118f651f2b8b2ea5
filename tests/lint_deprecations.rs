//! The LEG fixers (legacy Chef APIs): each fixture under `samples/lint/fixtures/leg0NN-*` is
//! fixed in a temporary copy by the real fix engine (`support::fix_rule`, the engine behind
//! `stackchef lint --fix`; a fix it rolls back fails the test), and then
//! - the fixed files match their snapshot (the must-fix cases changed as intended, the
//!   must-not-fix near misses left alone),
//! - a second run changes nothing (idempotence) and the rule reports nothing fixable,
//! - every fixed `.rb` file still parses with prism and `ruby -c`.

mod support;

use std::path::PathBuf;

/// Fix `fixture` with `code`'s fixer; returns the snapshot text (each changed file in full)
/// after checking idempotence, `ruby -c` and that only `remaining` findings are left (those
/// the fixer must not touch).
fn fix_fixture(
    fixture: &str,
    code: &str,
    allow_unsafe: bool,
    expect_fixes: usize,
    remaining: usize,
) -> String {
    let src = PathBuf::from("samples/lint/fixtures").join(fixture);
    let tmp = support::copy_to_temp(&src);
    let before = support::read_tree(tmp.path());
    let fixed = support::fix_rule(tmp.path(), code, allow_unsafe);
    assert_eq!(fixed, expect_fixes, "{fixture}: fixes applied");
    let after = support::read_tree(tmp.path());
    assert_eq!(
        support::fix_rule(tmp.path(), code, allow_unsafe),
        0,
        "{fixture}: a second run must change nothing"
    );
    assert_eq!(
        support::lint_one_rule(tmp.path(), code).len(),
        remaining,
        "{fixture}: findings left after the fix"
    );
    support::assert_changed_files_parse(tmp.path(), &before);
    let mut snapshot = String::new();
    for (path, new) in &after {
        if before.get(path) != Some(new) {
            snapshot.push_str(&format!("=== {path}\n{}", String::from_utf8_lossy(new)));
        }
    }
    snapshot
}

#[test]
fn leg009_deletes_use_inline_resources() {
    let fixed = fix_fixture("leg009-use-inline-resources", "LEG009", false, 2, 0);
    insta::assert_snapshot!("leg009_fixed", fixed);
}

#[test]
fn leg010_deletes_whyrun_supported_true() {
    // providers/site.rb and the one-line def in the library; `false` and the computed one stay.
    let fixed = fix_fixture("leg010-whyrun-supported", "LEG010", false, 2, 0);
    insta::assert_snapshot!("leg010_fixed", fixed);
}

#[test]
fn leg011_deletes_ignored_metadata_entries() {
    let fixed = fix_fixture("leg011-redundant-metadata", "LEG011", false, 8, 0);
    insta::assert_snapshot!("leg011_fixed", fixed);
}

#[test]
fn leg012_turns_user_supports_into_properties() {
    // The hash with an unknown key is left (and still reported).
    let fixed = fix_fixture("leg012-user-supports", "LEG012", false, 2, 1);
    insta::assert_snapshot!("leg012_fixed", fixed);
}

#[test]
fn leg013_raises_instead_of_fatal_only_when_unsafe_fixes_are_allowed() {
    let untouched = fix_fixture("leg013-application-fatal", "LEG013", false, 0, 3);
    assert_eq!(untouched, "", "an unsafe fix is not applied by default");
    // The two-argument call (an exit code) is left.
    let fixed = fix_fixture("leg013-application-fatal", "LEG013", true, 2, 1);
    insta::assert_snapshot!("leg013_fixed", fixed);
}

#[test]
fn leg015_injects_into_the_dsl_module() {
    // The reopened `class Chef::Recipe` is reported but has no mechanical fix.
    let fixed = fix_fixture("leg015-library-injection", "LEG015", false, 2, 1);
    insta::assert_snapshot!("leg015_fixed", fixed);
}

#[test]
fn leg018_turns_an_initialize_that_sets_the_default_action_into_default_action() {
    // Only resources/site.rb is a plain `super` + `@action =`: the one that also forces a
    // provider, the one contradicting a declared `default_action` and the library resource
    // that sets its name and actions stay reported, unfixed.
    let fixed = fix_fixture("leg018-initialize-sets-defaults", "LEG018", false, 1, 3);
    insta::assert_snapshot!("leg018_fixed", fixed);
}

/// On the real-world corpus (`target/corpus`, extracted by `scripts/corpus`; skipped when
/// absent): every LEG fixer, unsafe ones included, applied to a copy of each row that has a
/// finding of its rule. Every changed `.rb` must pass `ruby -c`, a second run must change
/// nothing, and the counts are printed. Ignored by default (minutes, and CI has no corpus):
/// `cargo test --test lint_deprecations -- --ignored --nocapture`.
#[test]
#[ignore]
fn leg_fixers_on_the_corpus_keep_ruby_valid() {
    let corpus = support::root().join("target/corpus");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        eprintln!("SKIPPED: no corpus under {}", corpus.display());
        return;
    };
    let mut rows: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rows.sort();
    for code in [
        "LEG009", "LEG010", "LEG011", "LEG012", "LEG013", "LEG015", "LEG018",
    ] {
        let (mut fixed, mut left) = (0, 0);
        for row in &rows {
            if support::lint_one_rule(row, code).is_empty() {
                continue;
            }
            let tmp = support::copy_to_temp(row);
            let before = support::read_tree(tmp.path());
            fixed += support::fix_rule(tmp.path(), code, true);
            assert_eq!(
                support::fix_rule(tmp.path(), code, true),
                0,
                "{code} {row:?}"
            );
            left += support::lint_one_rule(tmp.path(), code).len();
            support::assert_changed_files_parse(tmp.path(), &before);
        }
        eprintln!("{code}: {fixed} fixed, {left} left without a mechanical fix");
    }
}
