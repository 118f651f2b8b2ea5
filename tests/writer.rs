//! The safe writer on hand-made plans: outcomes, manifest bookkeeping, atomicity, symlinks.

use std::path::Path;

use stackchef::plan::manifest::{Manifest, MANIFEST_PATH};
use stackchef::plan::writer::{self, Action};
use stackchef::plan::Target;
use stackchef::plan::{Plan, PlannedFile};

fn plan(files: &[(&str, &str)]) -> Plan {
    let mut plan = Plan::default();
    for (path, contents) in files {
        plan.add(PlannedFile::new(Target::Packer, *path, *contents))
            .unwrap();
    }
    plan
}

/// Run one generation of `files` into `out`; returns the outcome per path.
fn run(out: &Path, files: &[(&str, &str)], force: bool) -> Vec<(String, Action)> {
    let plan = plan(files);
    let manifest = Manifest::load(out).unwrap();
    let targets = [Target::Packer];
    let changes = writer::reconcile(out, &plan, &targets, &manifest, force).unwrap();
    let next = writer::next_manifest(&manifest, &changes, &targets, "inputs");
    writer::apply(
        &writer::Lock::exclusive(out, &|_| {}).unwrap(),
        &changes,
        &next,
    )
    .unwrap();
    changes.into_iter().map(|c| (c.path, c.action)).collect()
}

fn actions(v: &[(String, Action)]) -> Vec<(&str, Action)> {
    v.iter().map(|(p, a)| (p.as_str(), *a)).collect()
}

#[test]
fn create_identical_update_conflict_remove_keep() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let first = run(
        out,
        &[("packer/a.hcl", "a1\n"), ("packer/b.hcl", "b1\n")],
        false,
    );
    assert_eq!(
        actions(&first),
        [
            ("packer/a.hcl", Action::Create),
            ("packer/b.hcl", Action::Create)
        ]
    );
    assert!(out.join(MANIFEST_PATH).is_file());

    let again = run(
        out,
        &[("packer/a.hcl", "a1\n"), ("packer/b.hcl", "b1\n")],
        false,
    );
    assert_eq!(
        actions(&again),
        [
            ("packer/a.hcl", Action::Identical),
            ("packer/b.hcl", Action::Identical)
        ]
    );

    // A person edits b; the description changes a and b.
    std::fs::write(out.join("packer/b.hcl"), "b1 edited\n").unwrap();
    let changed = run(
        out,
        &[("packer/a.hcl", "a2\n"), ("packer/b.hcl", "b2\n")],
        false,
    );
    assert_eq!(
        actions(&changed),
        [
            ("packer/a.hcl", Action::Update),
            ("packer/b.hcl", Action::Conflict)
        ]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("packer/a.hcl")).unwrap(),
        "a2\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("packer/b.hcl")).unwrap(),
        "b1 edited\n",
        "conflict left alone"
    );

    // Still a conflict next time: the edit is remembered as an edit.
    let still = run(
        out,
        &[("packer/a.hcl", "a2\n"), ("packer/b.hcl", "b2\n")],
        false,
    );
    assert_eq!(still[1].1, Action::Conflict);

    // --force overwrites it.
    let forced = run(
        out,
        &[("packer/a.hcl", "a2\n"), ("packer/b.hcl", "b2\n")],
        true,
    );
    assert_eq!(forced[1].1, Action::Overwrite);
    assert_eq!(
        std::fs::read_to_string(out.join("packer/b.hcl")).unwrap(),
        "b2\n"
    );

    // Neither file generated any more: the untouched one is removed, the edited one kept.
    std::fs::write(out.join("packer/b.hcl"), "mine now\n").unwrap();
    let gone = run(out, &[("packer/c.hcl", "c\n")], false);
    assert_eq!(
        actions(&gone),
        [
            ("packer/a.hcl", Action::Remove),
            ("packer/b.hcl", Action::Keep),
            ("packer/c.hcl", Action::Create)
        ]
    );
    assert!(!out.join("packer/a.hcl").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("packer/b.hcl")).unwrap(),
        "mine now\n"
    );
    // A kept file is no longer owned: it is not mentioned again.
    let after = run(out, &[("packer/c.hcl", "c\n")], false);
    assert_eq!(actions(&after), [("packer/c.hcl", Action::Identical)]);
}

#[test]
fn existing_file_not_in_manifest_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("packer")).unwrap();
    std::fs::write(dir.path().join("packer/a.hcl"), "hand written\n").unwrap();
    let r = run(dir.path(), &[("packer/a.hcl", "generated\n")], false);
    assert_eq!(r[0].1, Action::Conflict);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("packer/a.hcl")).unwrap(),
        "hand written\n"
    );
}

#[test]
fn other_targets_entries_survive_a_partial_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let mut p = plan(&[("packer/a.hcl", "a\n")]);
    p.add(PlannedFile::new(Target::Ci, "ci/build.sh", "#!/bin/sh\n").executable())
        .unwrap();
    let all = [Target::Packer, Target::Ci];
    let m = Manifest::load(out).unwrap();
    let changes = writer::reconcile(out, &p, &all, &m, false).unwrap();
    writer::apply(
        &writer::Lock::exclusive(out, &|_| {}).unwrap(),
        &changes,
        &writer::next_manifest(&m, &changes, &all, "x"),
    )
    .unwrap();

    // Only packer this time, with no files: ci/build.sh must stay owned and on disk.
    let m = Manifest::load(out).unwrap();
    let empty = Plan::default();
    let changes = writer::reconcile(out, &empty, &[Target::Packer], &m, false).unwrap();
    let next = writer::next_manifest(&m, &changes, &[Target::Packer], "y");
    writer::apply(
        &writer::Lock::exclusive(out, &|_| {}).unwrap(),
        &changes,
        &next,
    )
    .unwrap();
    assert!(out.join("ci/build.sh").exists());
    assert!(
        !out.join("packer").exists(),
        "emptied directories are removed"
    );
    assert!(Manifest::load(out)
        .unwrap()
        .files
        .contains_key("ci/build.sh"));
}

#[test]
fn corrupt_manifest_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".stackchef")).unwrap();
    for bad in ["{ not json", "{\"format\": 99, \"stackchef_version\": \"x\", \"inputs_sha256\": \"\", \"files\": {}}",
        "{\"format\": 1, \"stackchef_version\": \"x\", \"inputs_sha256\": \"\", \"files\": {\"../etc/passwd\": {\"sha256\": \"00\", \"target\": \"ci\"}}}"] {
        std::fs::write(dir.path().join(MANIFEST_PATH), bad).unwrap();
        let err = Manifest::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("help: restore it from version control"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn never_writes_through_a_symlink_out_of_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("packer")).unwrap();
    let p = plan(&[("packer/a.hcl", "a\n")]);
    let m = Manifest::load(dir.path()).unwrap();
    let err = writer::reconcile(dir.path(), &p, &[Target::Packer], &m, false).unwrap_err();
    assert!(
        err.to_string().contains("outside the output directory"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn unwritable_directory_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    if nix_is_root() {
        eprintln!("SKIPPED: running as root, permissions are not enforced");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    run(out, &[("a/one.txt", "1\n"), ("b/two.txt", "2\n")], false);
    std::fs::set_permissions(out.join("b"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let p = plan(&[("a/one.txt", "1 changed\n"), ("b/two.txt", "2 changed\n")]);
    let m = Manifest::load(out).unwrap();
    let changes = writer::reconcile(out, &p, &[Target::Packer], &m, false).unwrap();
    let err = writer::apply(
        &writer::Lock::exclusive(out, &|_| {}).unwrap(),
        &changes,
        &writer::next_manifest(&m, &changes, &[Target::Packer], "z"),
    )
    .unwrap_err();
    std::fs::set_permissions(out.join("b"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        format!("{err:#}").contains("nothing was changed"),
        "{err:#}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("a/one.txt")).unwrap(),
        "1\n",
        "a was not touched"
    );
    assert_eq!(Manifest::load(out).unwrap(), m, "manifest unchanged");
}

/// The same guarantee where permissions cannot stop root: a file stands where a directory
/// must be created, so staging the second file fails after the first was staged.
#[test]
fn failure_while_staging_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    run(out, &[("a/one.txt", "1\n")], false);
    let p = plan(&[("a/one.txt", "1 changed\n"), ("b/two.txt", "2\n")]);
    let m = Manifest::load(out).unwrap();
    let changes = writer::reconcile(out, &p, &[Target::Packer], &m, false).unwrap();
    // Between deciding and writing, something puts a file where directory b must go.
    std::fs::write(out.join("b"), "a file in the way\n").unwrap();
    let err = writer::apply(
        &writer::Lock::exclusive(out, &|_| {}).unwrap(),
        &changes,
        &writer::next_manifest(&m, &changes, &[Target::Packer], "z"),
    )
    .unwrap_err();
    assert!(
        format!("{err:#}").contains("nothing was changed"),
        "{err:#}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("a/one.txt")).unwrap(),
        "1\n"
    );
    assert_eq!(Manifest::load(out).unwrap(), m, "manifest unchanged");
    let leftovers: Vec<_> = std::fs::read_dir(out.join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["one.txt"], "no temporary files left behind");
}

fn nix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}
