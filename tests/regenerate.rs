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

/// Every entry under `dir` as `path hash-of-contents` (symlinks: their target; the lock file:
/// its name only, it holds the pid of the last run), sorted: a tree to compare, short enough to
/// read in a failed assertion.
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
            } else if rel == ".stackchef/lock" {
                // Bookkeeping: the pid of the last run that held the directory.
                out.push(rel);
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

/// Temporary files an interrupted run (SIGKILL while staging) left behind, `.stackchef-*.tmp`
/// beside their destination or the manifest, are reported by `--check` and removed by the
/// next run.
#[test]
fn leftovers_of_an_interrupted_run_are_reported_then_removed() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    std::fs::write(p.out().join(".stackchef/.stackchef-manifest.tmp"), "{").unwrap();
    std::fs::write(p.out().join("packer/.stackchef-a1B2c3.tmp"), "half").unwrap();
    std::fs::write(p.out().join("ci/.stackchef-Zz9.tmp"), "").unwrap();

    let check = p.generate(&["--check"]).code(1);
    let text = stdout(&check);
    for leftover in [
        ".stackchef/.stackchef-manifest.tmp",
        "packer/.stackchef-a1B2c3.tmp",
        "ci/.stackchef-Zz9.tmp",
    ] {
        assert!(text.contains(leftover), "--check names {leftover}:\n{text}");
    }
    assert!(!text.contains("is up to date"), "{text}");

    p.generate(&[]).code(0);
    assert!(!p.out().join("packer/.stackchef-a1B2c3.tmp").exists());
    assert!(!p.out().join("ci/.stackchef-Zz9.tmp").exists());
    assert!(!p.out().join(".stackchef/.stackchef-manifest.tmp").exists());
    p.generate(&["--check"])
        .code(0)
        .stdout(predicate::str::contains("is up to date"));
}

/// A stack.yml with a base image and `n` images layered on it, each running a service.
fn many_images(n: usize, version: &str) -> String {
    let mut stack = format!(
        "name: big\nversion: {version}\nmaintainer: Ops\nmaintainer_email: ops@big.example\nimages:\n  base:\n    packages: [curl]\n"
    );
    for i in 0..n {
        stack.push_str(&format!(
            "  img{i}:\n    from: base\n    packages: [nginx]\n"
        ));
    }
    stack.push_str("services:\n");
    for i in 0..n {
        stack.push_str(&format!(
            "  svc{i}:\n    image: img{i}\n    command: /opt/big/bin/svc{i}\n    port: {}\n    dns: svc{i}\n",
            8000 + i
        ));
    }
    stack
}

/// Every temporary name stackchef uses, anywhere under `dir`.
fn temporary_files(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|entry| entry.contains(".stackchef-"))
        .collect()
}

/// A real SIGKILL while a large tree is being staged: the tree is either as before or as after,
/// `--check` does not call it up to date while temporary files remain, and the next run
/// finishes the job and leaves no temporary file.
#[cfg(unix)]
#[test]
fn sigkill_while_staging_is_cleaned_up_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.yml"), many_images(150, "1.0.0")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("stackchef");
    let mut child = std::process::Command::new(&bin)
        .current_dir(dir.path())
        // Not aws: CloudFormation's limits cap one stack at about a hundred images.
        .args([
            "generate",
            "cookbooks",
            "packer",
            "ci",
            "-f",
            "stack.yml",
            "-o",
            "out",
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as it stages: directories are created as files are staged (or, on a
    // very fast machine, whenever it is done).
    let staging_started = dir.path().join("out/cookbooks");
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(30) {
        if staging_started.exists() {
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    let _ = child.kill();
    child.wait().unwrap();

    let out = dir.path().join("out");
    let check = Command::cargo_bin("stackchef")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "generate",
            "cookbooks",
            "packer",
            "ci",
            "-f",
            "stack.yml",
            "-o",
            "out",
        ])
        .arg("--check")
        .assert();
    if !temporary_files(&out).is_empty() {
        check.code(1);
    }
    Command::cargo_bin("stackchef")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "generate",
            "cookbooks",
            "packer",
            "ci",
            "-f",
            "stack.yml",
            "-o",
            "out",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("conflict").not());
    assert_eq!(temporary_files(&out), Vec::<String>::new());
    Command::cargo_bin("stackchef")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "generate",
            "cookbooks",
            "packer",
            "ci",
            "-f",
            "stack.yml",
            "-o",
            "out",
        ])
        .arg("--check")
        .assert()
        .code(0);
}

/// Concurrent runs are safe: five `generate` runs on one output directory, each with its own
/// input, run one after the other under the output directory's lock. Every run succeeds, the
/// tree is exactly the last run's, and nobody's files turn into conflicts.
#[test]
fn concurrent_runs_on_one_directory_are_serialised() {
    let p = Project::webapp();
    for round in 0..3 {
        let stacks: Vec<String> = (0..5)
            .map(|i| {
                let name = format!("stack-{i}.yml");
                let text = many_images(20, &format!("0.{round}.{i}"));
                std::fs::write(p.root.join(&name), text).unwrap();
                name
            })
            .collect();
        let children: Vec<_> = stacks
            .iter()
            .map(|stack| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("stackchef"))
                    .current_dir(&p.root)
                    .args(["generate", "-f", stack, "-o", "infra"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}: {}\n{text}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                with_action(&text, "conflict").is_empty(),
                "round {round}:\n{text}"
            );
        }
        let fresh: Vec<&String> = stacks
            .iter()
            .filter(|stack| {
                let check = Command::cargo_bin("stackchef")
                    .unwrap()
                    .current_dir(&p.root)
                    .args(["generate", "-f", stack, "-o", "infra", "--check"])
                    .output()
                    .unwrap();
                let text = String::from_utf8_lossy(&check.stdout);
                assert!(
                    with_action(&text, "conflict").is_empty(),
                    "round {round}:\n{text}"
                );
                check.status.code() == Some(0)
            })
            .collect();
        assert_eq!(
            fresh.len(),
            1,
            "round {round}: the tree is exactly one run's: {fresh:?}"
        );
    }
}

/// A run that cannot get the lock in time fails with a clear message naming the holder's pid,
/// and changes nothing.
#[test]
fn a_held_lock_fails_the_run_naming_its_holder() {
    let p = Project::webapp();
    p.generate(&[]).code(0);
    p.edit_stack("version: 0.3.0", "version: 0.4.0");
    let mut lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(p.out().join(".stackchef/lock"))
        .unwrap();
    lock.lock().unwrap();
    lock.set_len(0).unwrap();
    std::io::Write::write_all(&mut lock, format!("{}\n", std::process::id()).as_bytes()).unwrap();
    let before_lock = tree(&p.out());
    Command::cargo_bin("stackchef")
        .unwrap()
        .env("STACKCHEF_LOCK_WAIT", "0")
        .current_dir(&p.root)
        .args(["generate", "packer", "ci", "-f", "stack.yml", "-o", "infra"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "pid {}",
            std::process::id()
        )))
        .stderr(predicate::str::contains("help:"));
    assert_eq!(tree(&p.out()), before_lock, "nothing changed");
    drop(lock);
    p.generate(&[]).code(0);
}
