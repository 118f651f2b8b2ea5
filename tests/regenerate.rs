//! Regeneration scenarios driven through the CLI, as a team would run them after editing
//! stack.yml: fresh, unchanged, changed, hand-edited, forced, shrunk, checked.

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Project {
    /// A project whose stack.yml is the webapp sample, generating into `infra/`.
    fn webapp() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::copy(
            support::root().join("samples/webapp/stack.yml"),
            root.join("stack.yml"),
        )
        .unwrap();
        Project { _dir: dir, root }
    }

    fn out(&self) -> PathBuf {
        self.root.join("infra")
    }

    fn generate(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        Command::cargo_bin("stackchef")
            .unwrap()
            .env("NO_COLOR", "1")
            .current_dir(&self.root)
            .args(["generate", "packer", "ci", "-f", "stack.yml", "-o", "infra"])
            .args(extra)
            .assert()
    }

    fn edit_stack(&self, from: &str, to: &str) {
        let path = self.root.join("stack.yml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "stack.yml has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap()
    }
}

fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

/// Every line `<action>  <path>` of the outcome table, as (action, path).
fn outcomes(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let action = parts.next()?;
            let path = parts.next()?;
            [
                "create",
                "identical",
                "update",
                "conflict",
                "overwrite",
                "remove",
                "keep",
            ]
            .contains(&action)
            .then(|| (action.to_string(), path.to_string()))
        })
        .collect()
}

fn with_action(out: &str, action: &str) -> Vec<String> {
    outcomes(out)
        .into_iter()
        .filter(|(a, _)| a == action)
        .map(|(_, p)| p)
        .collect()
}

#[test]
fn fresh_then_unchanged_then_check() {
    let p = Project::webapp();
    let first = p.generate(&[]).code(0);
    let created = with_action(&stdout(&first), "create");
    assert!(created.contains(&"packer/web.pkr.hcl".to_string()));
    assert!(created.contains(&"ci/build.sh".to_string()));
    assert!(p.out().join(".stackchef/manifest.json").is_file());

    let again = p.generate(&[]).code(0);
    let all = outcomes(&stdout(&again));
    assert!(
        !all.is_empty() && all.iter().all(|(a, _)| a == "identical"),
        "{all:?}"
    );

    p.generate(&["--check"])
        .code(0)
        .stdout(predicate::str::contains("is up to date"));
}

#[test]
fn changing_stack_yml_updates_only_affected_files() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    p.edit_stack(
        "    count: 2\n",
        "    count: 2\n    instance_type: t3.large\n",
    );

    // CI's freshness gate sees the change and writes nothing.
    let before = p.read("packer/variables.pkr.hcl");
    let check = p.generate(&["--check"]).code(1);
    assert!(stdout(&check).contains("is stale"));
    assert_eq!(p.read("packer/variables.pkr.hcl"), before);

    let diff = p.generate(&["--diff", "--dry-run"]).code(0);
    let text = stdout(&diff);
    assert!(text.contains("t3.large"), "{text}");
    assert!(text.contains("--- a/"), "{text}");
    assert_eq!(
        p.read("packer/variables.pkr.hcl"),
        before,
        "--dry-run writes nothing"
    );

    let run = p.generate(&[]).code(0);
    let updated = with_action(&stdout(&run), "update");
    assert!(!updated.is_empty());
    for path in &updated {
        assert!(
            path.starts_with("packer/") || path.starts_with("ci/"),
            "{path}"
        );
    }
    assert!(
        !updated.iter().any(|p| p.starts_with("packer/scripts/")),
        "scripts do not depend on instance types: {updated:?}"
    );
    p.generate(&["--check"]).code(0);
}

#[test]
fn hand_edits_are_conflicts_until_forced() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    let edited = format!("{}# tuned by hand\n", p.read("packer/base.pkr.hcl"));
    std::fs::write(p.out().join("packer/base.pkr.hcl"), &edited).unwrap();

    let run = p.generate(&[]).code(1);
    assert_eq!(
        with_action(&stdout(&run), "conflict"),
        ["packer/base.pkr.hcl"]
    );
    assert!(stdout(&run).contains("--force"), "says how to resolve");
    assert_eq!(p.read("packer/base.pkr.hcl"), edited, "left alone");
    p.generate(&["--check"]).code(1);

    let forced = p.generate(&["--force"]).code(0);
    assert_eq!(
        with_action(&stdout(&forced), "overwrite"),
        ["packer/base.pkr.hcl"]
    );
    assert!(!p.read("packer/base.pkr.hcl").contains("tuned by hand"));
    p.generate(&["--check"]).code(0);
}

#[test]
fn removed_image_files_are_removed_unless_edited() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    // The web image goes away (and the services on it with it).
    let stack = std::fs::read_to_string(p.root.join("stack.yml")).unwrap();
    let trimmed = stack[..stack.find("  web:\n").unwrap()].to_string();
    std::fs::write(p.root.join("stack.yml"), trimmed).unwrap();

    let run = p.generate(&["--dry-run"]).code(0);
    assert!(with_action(&stdout(&run), "remove").contains(&"packer/web.pkr.hcl".to_string()));
    assert!(p.out().join("packer/web.pkr.hcl").exists(), "dry run");

    std::fs::write(p.out().join("packer/web.pkr.hcl"), "# keep me\n").unwrap();
    let run = p.generate(&[]).code(0);
    assert_eq!(with_action(&stdout(&run), "keep"), ["packer/web.pkr.hcl"]);
    assert_eq!(p.read("packer/web.pkr.hcl"), "# keep me\n");
}

#[test]
fn one_target_leaves_the_others_alone() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    let manifest_before = p.read(".stackchef/manifest.json");
    Command::cargo_bin("stackchef")
        .unwrap()
        .current_dir(&p.root)
        .args(["generate", "packer", "-f", "stack.yml", "-o", "infra"])
        .assert()
        .code(0);
    assert!(p.out().join("ci/build.sh").exists());
    assert_eq!(p.read(".stackchef/manifest.json"), manifest_before);
}

#[test]
fn corrupt_manifest_is_an_error_and_changes_nothing() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    std::fs::write(p.out().join(".stackchef/manifest.json"), "{ oops").unwrap();
    std::fs::remove_file(p.out().join("packer/web.pkr.hcl")).unwrap();
    p.generate(&[])
        .code(2)
        .stderr(predicate::str::contains("manifest.json is corrupt"))
        .stderr(predicate::str::contains("help:"));
    assert!(!p.out().join("packer/web.pkr.hcl").exists());
}

#[test]
fn invalid_stack_yml_writes_nothing() {
    let p = Project::webapp();
    p.edit_stack("count: 2", "count: lots");
    p.generate(&[])
        .code(2)
        .stderr(predicate::str::contains("stack.yml:"));
    assert!(!p.out().exists());
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_tree_is_refused() {
    let p = Project::webapp();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(p.out()).unwrap();
    std::os::unix::fs::symlink(outside.path(), p.out().join("packer")).unwrap();
    p.generate(&[])
        .code(2)
        .stderr(predicate::str::contains("outside the output directory"));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    assert!(
        !p.out().join("ci").exists(),
        "nothing else was written either"
    );
}

#[test]
fn templates_override_is_used_file_by_file() {
    let p = Project::webapp();
    let overrides = p.root.join("my-templates/packer-templates");
    std::fs::create_dir_all(&overrides).unwrap();
    let builtin =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("packer-templates/plugins.pkr.hcl.tera");
    let custom = format!(
        "# our conventions\n{}",
        std::fs::read_to_string(&builtin).unwrap()
    );
    std::fs::write(overrides.join("plugins.pkr.hcl.tera"), custom).unwrap();
    p.generate(&["--templates", "my-templates"]).code(0);
    assert!(p
        .read("packer/plugins.pkr.hcl")
        .starts_with("# our conventions\n"));
    assert!(!p
        .read("packer/variables.pkr.hcl")
        .contains("our conventions"));

    std::fs::write(overrides.join("typo.pkr.hcl.tera"), "x").unwrap();
    p.generate(&["--templates", "my-templates"])
        .code(2)
        .stderr(predicate::str::contains(
            "does not replace any built-in template",
        ));
}

/// Every entry under `dir` as `path hash-of-contents` (symlinks: their target), sorted: a tree
/// to compare, short enough to read in a failed assertion.
fn tree(dir: &Path) -> Vec<String> {
    use std::hash::{Hash, Hasher};
    let hash = |bytes: &[u8]| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        bytes.hash(&mut h);
        format!("{:016x}", h.finish())
    };
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                out.push(format!("{rel} -> {}", target.display()));
            } else if meta.is_dir() {
                out.push(format!("{rel}/"));
                stack.push(path);
            } else {
                out.push(format!("{rel} {}", hash(&std::fs::read(&path).unwrap())));
            }
        }
    }
    out.sort();
    out
}

/// Makes `dir` unwritable (no entry can be created, renamed or removed in it) until dropped:
/// mode 0555, and for root, whom modes do not stop, the immutable attribute. `None` when
/// neither works here (the test is then skipped with a message).
struct ReadOnly(PathBuf, bool);

impl ReadOnly {
    fn make(dir: &Path) -> Option<ReadOnly> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let probe = dir.join("probe");
        if std::fs::write(&probe, "").is_err() {
            return Some(ReadOnly(dir.to_path_buf(), false));
        }
        std::fs::remove_file(&probe).unwrap();
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if immutable && std::fs::write(&probe, "").is_err() {
            return Some(ReadOnly(dir.to_path_buf(), true));
        }
        let _ = std::fs::remove_file(&probe);
        ReadOnly(dir.to_path_buf(), immutable).undo();
        None
    }

    fn undo(&self) {
        use std::os::unix::fs::PermissionsExt;
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        }
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        self.undo();
    }
}

/// Exit 2 means nothing changed: a manifest location that leaves the tree is refused before
/// any file is renamed into place.
#[cfg(unix)]
#[test]
fn manifest_dir_linked_out_of_the_tree_changes_nothing() {
    let p = Project::webapp();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(p.out()).unwrap();
    std::os::unix::fs::symlink(outside.path(), p.out().join(".stackchef")).unwrap();
    let before = tree(&p.out());
    p.generate(&[])
        .code(2)
        .stderr(predicate::str::contains("outside the output directory"));
    assert_eq!(tree(&p.out()), before, "exit 2 left the tree as it was");
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

/// Exit 2 means nothing changed: an unwritable `.stackchef/` fails the run before any file is
/// renamed into place, and the next run (writable again) finds no conflicts of its own making.
#[cfg(unix)]
#[test]
fn read_only_manifest_dir_changes_nothing() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    p.edit_stack(
        "    count: 2\n",
        "    count: 2\n    instance_type: t3.large\n",
    );
    let before = tree(&p.out());
    let Some(read_only) = ReadOnly::make(&p.out().join(".stackchef")) else {
        eprintln!("SKIPPED: cannot make a directory read-only here");
        return;
    };
    p.generate(&[])
        .code(2)
        .stderr(predicate::str::contains("nothing was changed"));
    drop(read_only);
    assert_eq!(tree(&p.out()), before, "exit 2 left the tree as it was");
    let run = p.generate(&[]).code(0);
    assert!(with_action(&stdout(&run), "conflict").is_empty());
    assert!(!with_action(&stdout(&run), "update").is_empty());
}
