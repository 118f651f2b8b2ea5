//! `stackchef lint --fix / --diff / --fix-only` end to end, on the fixtures under
//! `samples/lint/fix/<rule>/{must-fix,must-not-fix}`, and the engine's guarantees through its
//! library API: a fix that breaks a file is rolled back, a file edited since the lint is not
//! overwritten, a multi-file fix is written whole or not at all.

mod support;

use support::lint_in;

use std::collections::BTreeMap;
use std::path::PathBuf;

use assert_cmd::Command;
use stackchef::diag::Diagnostic;
use stackchef::lint::fix::engine::{self, FixMode, FixRequest, Verdict};
use stackchef::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};
use stackchef::lint::{LintConfig, Options};

fn stackchef() -> Command {
    Command::cargo_bin("stackchef").unwrap()
}

fn fixture(rule: &str, kind: &str) -> PathBuf {
    support::root()
        .join("samples/lint/fix")
        .join(rule)
        .join(kind)
}

/// The files that differ between two trees, as `== path ==` and the new text.
fn changed(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (path, text) in after {
        if before.get(path) != Some(text) {
            out.push_str(&format!("== {path} ==\n{}", String::from_utf8_lossy(text)));
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        out.push_str(&format!("== {path} == (deleted)\n"));
    }
    out
}

/// `--fix` on the must-fix fixture of `rule`: the fixed files (snapshot), the summary, and a
/// second `--fix` that changes nothing.
fn must_fix(rule: &str, fixed: usize) {
    let tmp = support::copy_to_temp(&fixture(rule, "must-fix"));
    let before = support::read_tree(tmp.path());
    let (code, _, err) = lint_in(tmp.path(), &["--fix", "--select", rule]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("Fixed {fixed} problems (0 remaining)")),
        "{err}"
    );
    let after = support::read_tree(tmp.path());
    insta::assert_snapshot!(format!("{rule}_must_fix"), changed(&before, &after));
    // Idempotent: nothing left to fix, nothing changes.
    let (code, _, err) = lint_in(tmp.path(), &["--fix", "--select", rule]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Fixed 0 problems"), "{err}");
    assert_eq!(support::read_tree(tmp.path()), after);
    // And the fixed files parse (prism and `ruby -c`, JSON).
    support::assert_changed_files_parse(tmp.path(), &before);
}

/// `--fix --unsafe-fixes` on the must-not-fix fixture changes nothing.
fn must_not_fix(rule: &str) {
    let tmp = support::copy_to_temp(&fixture(rule, "must-not-fix"));
    let before = support::read_tree(tmp.path());
    let (code, _, err) = lint_in(tmp.path(), &["--fix", "--unsafe-fixes", "--select", rule]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(err.contains("Fixed 0 problems"), "{err}");
    assert_eq!(support::read_tree(tmp.path()), before);
}

#[test]
fn leg001_must_fix() {
    must_fix("leg001", 8);
}

#[test]
fn leg001_must_not_fix() {
    must_not_fix("leg001");
}

#[test]
fn svc001_must_fix() {
    must_fix("svc001", 6);
}

#[test]
fn svc001_must_not_fix() {
    must_not_fix("svc001");
    // Flagged, but with no fix that keeps the service's behaviour: still reported.
    let (code, out, _) = lint_in(&fixture("svc001", "must-not-fix"), &["--select", "SVC001"]);
    assert_eq!(code, 1);
    assert_eq!(out.matches("[SVC001]").count(), 3, "{out}");
}

#[test]
fn diff_writes_nothing_and_exits_1() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let before = support::read_tree(tmp.path());
    let (code, out, err) = lint_in(tmp.path(), &["--diff"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(support::read_tree(tmp.path()), before);
    assert!(err.contains("Would fix 8 problems"), "{err}");
    insta::assert_snapshot!("leg001_diff", out);
    // Nothing to fix: no diff, exit 0.
    let (code, out, _) = lint_in(
        &fixture("leg001", "must-not-fix"),
        &["--diff", "--select", "LEG001"],
    );
    assert_eq!((code, out.as_str()), (0, ""));
}

/// `--diff --output FILE` writes the diff as a patch and nothing else: applied with
/// `git apply`, it gives exactly the tree `--fix` gives (multi-file fixes and deletions
/// included). `--diff` takes no `--format`: its output is a diff.
#[test]
fn diff_to_a_file_is_a_patch_that_does_what_fix_does() {
    let sample = support::root().join("samples/lint/fix/include-all-migration");
    let select = ["--unsafe-fixes", "--select", "INC001"];
    let patched = support::copy_to_temp(&sample);
    let before = support::read_tree(patched.path());
    let out_dir = tempfile::tempdir().unwrap();
    let patch = out_dir.path().join("fixes.patch");
    let mut args = vec!["--diff", "--output", patch.to_str().unwrap()];
    args.extend(select);
    let (code, out, err) = lint_in(patched.path(), &args);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        support::read_tree(patched.path()),
        before,
        "--diff writes nothing"
    );
    let applied = std::process::Command::new("git")
        .arg("apply")
        .arg(&patch)
        .current_dir(patched.path())
        .output()
        .unwrap();
    assert!(applied.status.success(), "{applied:?}");

    let fixed = support::copy_to_temp(&sample);
    let mut args = vec!["--fix"];
    args.extend(select);
    lint_in(fixed.path(), &args);
    assert_ne!(support::read_tree(fixed.path()), before);
    assert_eq!(
        support::read_tree(patched.path()),
        support::read_tree(fixed.path())
    );

    let (code, _, err) = lint_in(patched.path(), &["--diff", "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("'--diff' cannot be used with '--format"),
        "{err}"
    );
}

#[test]
fn select_and_ignore_limit_which_rules_fix() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let before = support::read_tree(tmp.path());
    let (code, _, err) = lint_in(tmp.path(), &["--fix", "--ignore", "LEG001"]);
    assert!(err.contains("Fixed 0 problems"), "{err}");
    assert_eq!(code, 1, "other findings remain: {err}");
    assert_eq!(support::read_tree(tmp.path()), before);
    let (_, _, err) = lint_in(tmp.path(), &["--fix", "--select", "SVC"]);
    assert!(err.contains("Fixed 0 problems"), "{err}");
    assert_eq!(support::read_tree(tmp.path()), before);
}

#[test]
fn fix_reports_what_is_left_and_fix_only_does_not() {
    let tmp = support::copy_to_temp(&fixture("svc001", "must-not-fix"));
    // Findings left at the fail level: exit 1, and they are reported.
    let (code, out, _) = lint_in(tmp.path(), &["--fix", "--select", "SVC001"]);
    assert_eq!(code, 1);
    assert!(out.contains("[SVC001]"), "{out}");
    let (code, out, err) = lint_in(tmp.path(), &["--fix-only", "--select", "SVC001"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("Fixed 0 problems (3 remaining)"), "{err}");
}

#[test]
fn rules_and_explain_show_the_fix() {
    let out = stackchef().arg("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = |code: &str| {
        text.lines()
            .find(|l| l.starts_with(code))
            .unwrap()
            .to_string()
    };
    assert!(line("LEG001").contains(" safe "), "{text}");
    assert!(line("SVC001").contains(" safe "), "{text}");
    let out = stackchef().args(["rules", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let leg001 = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "LEG001")
        .unwrap();
    assert_eq!(leg001["fix"], "safe");
    let out = stackchef().args(["explain", "LEG001"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Fix: replace `set`/`set_unless` with `normal`/`normal_unless` (safe)"),
        "{text}"
    );
    let out = stackchef().args(["explain", "INC004"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("Fix: none"));
}

fn options(select: &str) -> Options {
    Options::resolve(&LintConfig::default(), &[select.to_string()], &[], None).unwrap()
}

/// A fixer that breaks the file: `node.set[…]` becomes `node.(` — invalid Ruby.
fn breaking(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&d.path)?;
    let range = FixContext::byte_range(&file.text, d.location?);
    Some(Fix {
        title: "break it".into(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(
            &d.path,
            range.start,
            range.start + 8,
            "node.(",
        )],
    })
}
static BREAKING: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "test: produces a syntax error",
    make: breaking,
};

/// A fixer that changes the file but not the finding: adds a comment above the write.
fn ineffective(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&d.path)?;
    let range = FixContext::byte_range(&file.text, d.location?);
    Some(Fix {
        title: "comment it".into(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(
            &d.path,
            range.start,
            range.start,
            "# fixed?\n",
        )],
    })
}
static INEFFECTIVE: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "test: leaves the finding",
    make: ineffective,
};

#[test]
fn a_fix_that_breaks_the_syntax_is_rolled_back_and_reported() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let before = support::read_tree(tmp.path());
    let mut request = FixRequest::new(Applicability::Safe);
    request.overrides.push(("LEG001", &BREAKING));
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert!(outcome.changes.is_empty(), "{:?}", outcome.changes);
    assert!(outcome.applied.is_empty());
    let bugs: Vec<_> = outcome.bugs.iter().map(|b| (b.code, &b.path)).collect();
    assert_eq!(bugs.len(), 2, "one per rule and file: {:?}", outcome.bugs);
    assert!(outcome
        .bugs
        .iter()
        .all(|b| b.code == "LEG001" && b.reason.contains("invalid") && b.path.ends_with(".rb")));
    assert_eq!(engine::verdict(&outcome, 0, FixMode::Fix), Verdict::Failed);
    assert_eq!(engine::verdict(&outcome, 0, FixMode::Diff), Verdict::Failed);
    // Every finding is still there, and nothing was written.
    assert_eq!(outcome.remaining.diagnostics.len(), 8);
    engine::write(&outcome, &|_| {}).unwrap();
    assert_eq!(support::read_tree(tmp.path()), before);
}

#[test]
fn a_fix_that_leaves_its_finding_is_rolled_back_and_reported() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let mut request = FixRequest::new(Applicability::Safe);
    request.overrides.push(("LEG001", &INEFFECTIVE));
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert!(outcome.changes.is_empty(), "{:?}", outcome.changes);
    assert_eq!(outcome.bugs.len(), 2, "{:?}", outcome.bugs);
    assert!(outcome
        .bugs
        .iter()
        .all(|b| b.reason.contains("still reported")));
    assert_eq!(
        engine::verdict(&outcome, 0, FixMode::FixOnly),
        Verdict::Failed
    );
}

/// A fixer that edits only another file (as the run-list migration edits roles) and leaves its
/// finding: creates a note beside the file.
fn elsewhere(_ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    Some(Fix {
        title: "note it elsewhere".into(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::Create {
            path: format!("{}.note", d.path),
            text: "fixed?\n".into(),
        }],
    })
}
static ELSEWHERE: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "test: edits another file, leaves the finding",
    make: elsewhere,
};

/// Regression: the roll-back used to start from the finding's file only, so a blamed fix that
/// edited other files stayed applied (and was written).
#[test]
fn a_fix_blamed_for_its_finding_is_rolled_back_even_when_it_edits_other_files() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let before = support::read_tree(tmp.path());
    let mut request = FixRequest::new(Applicability::Safe);
    request.overrides.push(("LEG001", &ELSEWHERE));
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert!(outcome.changes.is_empty(), "{:?}", outcome.changes);
    assert!(outcome.applied.is_empty(), "{:?}", outcome.applied);
    assert!(!outcome.bugs.is_empty());
    engine::write(&outcome, &|_| {}).unwrap();
    assert_eq!(support::read_tree(tmp.path()), before);
}

#[test]
fn a_file_edited_since_the_lint_is_not_overwritten() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let request = FixRequest::new(Applicability::Safe);
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert_eq!(outcome.changes.len(), 2);
    // Someone saves the recipe between the lint and the write.
    let recipe = tmp.path().join("cookbooks/app/recipes/default.rb");
    std::fs::write(&recipe, "# edited meanwhile\n").unwrap();
    let report = engine::write(&outcome, &|_| {}).unwrap();
    assert_eq!(report.stale.len(), 1, "{report:?}");
    assert!(report.stale[0].ends_with("recipes/default.rb"));
    assert_eq!(
        std::fs::read_to_string(&recipe).unwrap(),
        "# edited meanwhile\n"
    );
    // The other file was fixed.
    let attrs =
        std::fs::read_to_string(tmp.path().join("cookbooks/app/attributes/default.rb")).unwrap();
    assert!(attrs.contains("normal['app']['port']"), "{attrs}");
    assert_eq!(
        engine::verdict(&outcome, report.stale.len(), FixMode::Fix),
        Verdict::Failed
    );
    // No staged file is left behind.
    assert!(support::read_tree(tmp.path())
        .keys()
        .all(|p| !p.contains(".stackchef-")));
}

/// A two-file fix: renames `set` and records the change in a new file beside the cookbook.
fn with_note(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&d.path)?;
    let range = FixContext::byte_range(&file.text, d.location?);
    let at = file.text[range.start..].find("set")? + range.start;
    let note = format!("{}.fixed.rb", d.path.trim_end_matches(".rb"));
    if ctx.file(&note).is_some() {
        return None;
    }
    Some(Fix {
        title: "rename with a note".into(),
        applicability: Applicability::Unsafe,
        leaves_finding: false,
        edits: vec![
            Edit::replace(&d.path, at, at + 3, "normal"),
            Edit::Create {
                path: note,
                text: "# fixed\n".into(),
            },
        ],
    })
}
static WITH_NOTE: Fixer = Fixer {
    applicability: Applicability::Unsafe,
    summary: "test: a two-file fix",
    make: with_note,
};

#[test]
fn a_multi_file_fix_is_written_whole_or_not_at_all() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let mut request = FixRequest::new(Applicability::Safe);
    request.overrides.push(("LEG001", &WITH_NOTE));
    // Unsafe: not applied by --fix alone, counted.
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert!(outcome.changes.is_empty());
    assert_eq!(outcome.fixable_unsafe, 8);
    request.applicability = Applicability::Unsafe;
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert!(outcome.bugs.is_empty(), "{:?}", outcome.bugs);
    // One fix per file per pass (the notes collide), so files are fixed one finding at a time
    // until the note exists; the rest stay.
    let created: Vec<_> = outcome
        .changes
        .iter()
        .filter(|c| c.original.is_none())
        .collect();
    assert_eq!(created.len(), 2, "{:?}", outcome.changes);
    // The recipe changes on disk: neither it nor its note is written; the attributes file and
    // its note are.
    let recipe = tmp.path().join("cookbooks/app/recipes/default.rb");
    std::fs::write(&recipe, "# edited meanwhile\n").unwrap();
    let report = engine::write(&outcome, &|_| {}).unwrap();
    assert_eq!(report.stale.len(), 2, "{report:?}");
    assert!(!tmp
        .path()
        .join("cookbooks/app/recipes/default.fixed.rb")
        .exists());
    assert!(tmp
        .path()
        .join("cookbooks/app/attributes/default.fixed.rb")
        .exists());
}

#[test]
fn the_pass_bound_is_reported() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let mut request = FixRequest::new(Applicability::Safe);
    request.max_passes = 1;
    // Two writes on one line are fixed in one pass (their edits do not overlap): one pass is
    // enough here, and the bound is not reached.
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert_eq!((outcome.passes, outcome.bound_reached), (1, false));
    assert_eq!(outcome.applied.len(), 8);
    // Fixes that rewrite whole lines overlap when a line has two findings: the second waits
    // for a second pass, which the bound forbids.
    request.overrides.push(("LEG001", &WHOLE_LINE));
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert_eq!((outcome.passes, outcome.bound_reached), (1, true));
    assert_eq!((outcome.applied.len(), outcome.fixable), (7, 1));
    request.max_passes = 2;
    let outcome =
        engine::fix_paths(&[tmp.path().to_path_buf()], options("LEG001"), &request).unwrap();
    assert_eq!((outcome.passes, outcome.bound_reached), (2, false));
    assert_eq!((outcome.applied.len(), outcome.fixable), (8, 0));
}

/// The LEG001 fix done clumsily: the finding's whole line is replaced.
fn whole_line(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&d.path)?;
    let at = FixContext::byte_range(&file.text, d.location?).start;
    let start = file.text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = file.text[at..]
        .find('\n')
        .map_or(file.text.len(), |i| at + i);
    let set = file.text[at..end].find("set")? + at;
    let line = format!(
        "{}normal{}",
        &file.text[start..set],
        &file.text[set + 3..end]
    );
    Some(Fix {
        title: "rewrite the line".into(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(&d.path, start, end, line)],
    })
}
static WHOLE_LINE: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "test: rewrites whole lines",
    make: whole_line,
};

#[test]
fn unsafe_fixes_alone_only_counts() {
    let tmp = support::copy_to_temp(&fixture("leg001", "must-fix"));
    let before = support::read_tree(tmp.path());
    let (code, out, err) = lint_in(tmp.path(), &["--unsafe-fixes", "--select", "LEG001"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("[LEG001]"), "{out}");
    assert!(
        err.contains("8 fixable with --fix, 0 more with --fix --unsafe-fixes"),
        "{err}"
    );
    assert_eq!(support::read_tree(tmp.path()), before);
}

/// The summary counts findings resolved, and says so when one fix resolved several: merging the
/// legacy sample's LWRP provider away also ends its `use_inline_resources` and
/// `whyrun_supported?` findings.
#[test]
fn the_summary_counts_findings_resolved_and_the_fixes_that_did_it() {
    let tmp = support::copy_to_temp(&support::root().join("samples/lint/legacy"));
    let (code, _, err) = lint_in(tmp.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Would fix 9 problems with 7 fixes (5 remaining)"),
        "{err}"
    );
    let (_, _, err) = lint_in(tmp.path(), &["--fix", "--unsafe-fixes"]);
    assert!(
        err.contains("Fixed 9 problems with 7 fixes (5 remaining)"),
        "{err}"
    );
}
