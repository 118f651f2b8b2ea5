//! The binary driven as a user would: init → check → exit codes, help, schema, completions.

mod support;

use assert_cmd::Command;
use predicates::prelude::*;

fn stackchef() -> Command {
    let mut cmd = Command::cargo_bin("stackchef").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

#[test]
fn init_then_check_then_refuse_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    stackchef()
        .args(["init", "--name", "shop"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("created"));
    let file = dir.path().join("stack.yml");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("name: shop"));
    assert!(
        written
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 5,
        "the starter is commented"
    );

    stackchef()
        .arg("check")
        .arg("-f")
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("shop 0.1.0 is valid"))
        .stdout(predicate::str::contains("app.shop.internal"));

    std::fs::write(&file, "# mine\n").unwrap();
    stackchef()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "# mine\n",
        "never overwritten"
    );
}

#[test]
fn init_rejects_a_bad_name_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    stackchef()
        .args(["init", "--name", "Bad-Name"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot use `Bad-Name`"));
    assert!(!dir.path().join("stack.yml").exists());
}

#[test]
fn init_derives_the_name_from_the_directory() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("My-Web.App");
    std::fs::create_dir(&dir).unwrap();
    stackchef().arg("init").arg(&dir).assert().success();
    let written = std::fs::read_to_string(dir.join("stack.yml")).unwrap();
    assert!(written.contains("name: my_web_app"), "{written}");
}

#[test]
fn check_summarises_valid_samples() {
    for (name, path) in support::sample_stacks() {
        stackchef()
            .arg("check")
            .arg("-f")
            .arg(&path)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("is valid"))
            .stdout(predicate::str::contains("Cookbooks:"));
        let _ = name;
    }
}

#[test]
fn check_exits_2_with_file_line_column_on_invalid_samples() {
    for entry in std::fs::read_dir(support::root().join("samples/invalid")).unwrap() {
        let path = entry.unwrap().path();
        let assert = stackchef()
            .arg("check")
            .arg("-f")
            .arg(&path)
            .assert()
            .code(2);
        let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            stderr.contains(&format!("{name}:")),
            "{name}: no file:line:col in\n{stderr}"
        );
        assert!(stderr.contains('^'), "{name}: no caret in\n{stderr}");
    }
}

#[test]
fn check_reports_a_missing_file_with_a_hint() {
    stackchef()
        .args(["check", "-f", "does/not/exist.yml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read does/not/exist.yml"))
        .stderr(predicate::str::contains("stackchef init"));
}

#[test]
fn usage_errors_exit_2() {
    stackchef().arg("no-such-command").assert().code(2);
    stackchef()
        .args(["generate", "--check", "--force"])
        .assert()
        .code(2);
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in [
        "init",
        "check",
        "generate",
        "lint",
        "explain",
        "schema",
        "completions",
    ] {
        stackchef()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
    stackchef()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes"));
    stackchef()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn schema_is_json_and_completions_work() {
    let out = stackchef().arg("schema").assert().success();
    let schema: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(schema["title"], "stackchef stack.yml");
    for shell in ["bash", "zsh", "fish"] {
        stackchef()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("stackchef"));
    }
}

// ---------------------------------------------------------------------------------------------
// Reading stack.yml: once, from standard input, with a byte-order mark, capped in size.

fn webapp_yaml() -> String {
    std::fs::read_to_string(support::root().join("samples/webapp/stack.yml")).unwrap()
}

/// `-f -` reads standard input; `-f /dev/stdin` (a pipe, readable once) works too because the
/// file is read once and the same bytes are validated and hashed into the manifest.
#[test]
fn check_and_generate_read_standard_input_once() {
    for file in ["-", "/dev/stdin"] {
        stackchef()
            .args(["check", "-f", file])
            .write_stdin(webapp_yaml())
            .assert()
            .code(0)
            .stdout(predicate::str::contains("shop 0.3.0 is valid"));
        let out = tempfile::tempdir().unwrap();
        stackchef()
            .args(["generate", "--dry-run", "-f", file, "-o"])
            .arg(out.path())
            .write_stdin(webapp_yaml())
            .assert()
            .code(0)
            .stdout(predicate::str::contains(
                "cookbooks/shop_common/metadata.rb",
            ));
    }
    // Errors name standard input, with a position.
    stackchef()
        .args(["check", "-f", "-"])
        .write_stdin("name: Shop\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>:1:7"));
}

#[test]
fn help_documents_standard_input_and_the_size_cap() {
    for cmd in ["check", "generate"] {
        let out = stackchef().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("`-` for standard input"), "{cmd}:\n{help}");
        assert!(help.contains("16 MiB"), "{cmd}:\n{help}");
    }
}

/// A file larger than the cap is refused, and reading stops at the cap: an endless input
/// (/dev/zero) fails at once instead of filling memory.
#[test]
fn stack_yml_larger_than_the_cap_is_refused() {
    stackchef()
        .args(["check", "-f", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 16 MiB"));
    let big = format!("{}\n{}", webapp_yaml(), "# padding\n".repeat(1_700_000));
    stackchef()
        .args(["check", "-f", "-"])
        .write_stdin(big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin> is larger than 16 MiB"));
}

#[test]
fn a_byte_order_mark_is_ignored() {
    stackchef()
        .args(["check", "-f", "-"])
        .write_stdin(format!("\u{feff}{}", webapp_yaml()))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("shop 0.3.0 is valid"));
}

/// Bytes that are not UTF-8 are reported at their file:line:column.
#[test]
fn non_utf8_is_reported_at_the_first_bad_byte() {
    let mut bytes = b"name: shop\nmaintainer: Sh".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice("p Öps\n".as_bytes());
    stackchef()
        .args(["check", "-f", "-"])
        .write_stdin(bytes)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>:2:15"))
        .stderr(predicate::str::contains("not valid UTF-8"));
}

/// Runs `stackchef args` in `dir` with standard output (or, with `stderr`, standard error) the
/// write end of a pipe whose read end is already closed: every write fails with EPIPE, exactly
/// as in `stackchef rules | true`, with no race on when the reader goes away.
fn with_closed_pipe(dir: &std::path::Path, args: &[&str], stderr: bool) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("stackchef"));
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1");
    if stderr {
        cmd.stderr(writer).stdout(std::process::Stdio::null());
    } else {
        cmd.stdout(writer).stderr(std::process::Stdio::piped());
    }
    cmd.output().unwrap()
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let stack = support::root().join("samples/webapp/stack.yml");
    let stack = stack.to_str().unwrap();
    let lint_repo = support::root().join("samples/lint");
    let lint_repo = lint_repo.to_str().unwrap();
    // (arguments, the exit code the command has with a reader)
    let commands: &[(&[&str], i32)] = &[
        (&["rules"], 0),
        (&["rules", "--json"], 0),
        (&["schema"], 0),
        (&["explain", "ATTR001"], 0),
        (&["completions", "bash"], 0),
        (&["completions", "zsh"], 0),
        (&["check", "-f", stack], 0),
        (&["init", "--name", "shop", "proj"], 0),
        (&["generate", "-f", stack, "-o", "out"], 0),
        (
            &["generate", "-f", stack, "-o", "out", "--diff", "--dry-run"],
            0,
        ),
        (&["generate", "-f", stack, "-o", "out", "--check"], 0),
        (&["lint", lint_repo], 1),
        (&["lint", lint_repo, "--format", "json"], 1),
        (&["--help"], 0),
        (&["generate", "--help"], 0),
        (&["--version"], 0),
    ];
    for (args, code) in commands {
        let out = with_closed_pipe(dir.path(), args, false);
        assert_eq!(
            out.status.code(),
            Some(*code),
            "stackchef {args:?} with a closed stdout: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "stackchef {args:?} with a closed stdout printed to stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The reader going away changes nothing about what a command does: the files were written.
    assert!(dir.path().join("proj/stack.yml").is_file());
    assert!(dir.path().join("out/.stackchef/manifest.json").is_file());

    // Errors and warnings go to stderr; a closed stderr keeps the exit code too.
    let invalid = support::root().join("samples/invalid/bad-email.yml");
    let out = with_closed_pipe(
        dir.path(),
        &["check", "-f", invalid.to_str().unwrap()],
        true,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "invalid stack.yml, closed stderr"
    );
    let out = with_closed_pipe(dir.path(), &["lint", "no-such-dir"], true);
    assert_eq!(
        out.status.code(),
        Some(2),
        "missing lint path, closed stderr"
    );
}

/// Runs `script` with `sh` in `dir`, `$STACKCHEF` being the binary: for limits (`ulimit -f`).
#[cfg(unix)]
fn sh(dir: &std::path::Path, script: &str) -> std::process::Output {
    std::process::Command::new("sh")
        .current_dir(dir)
        .env("STACKCHEF", assert_cmd::cargo::cargo_bin("stackchef"))
        .env("NO_COLOR", "1")
        .args(["-c", script])
        .output()
        .unwrap()
}

/// `init` killed while writing (here by the file size limit, SIGXFSZ) must not leave a
/// half-written stack.yml that the next `init` then refuses to replace.
#[cfg(unix)]
#[test]
fn init_killed_while_writing_leaves_no_partial_stack_yml() {
    let dir = tempfile::tempdir().unwrap();
    let out = sh(
        dir.path(),
        "ulimit -f 0; exec \"$STACKCHEF\" init --name shop",
    );
    assert!(!out.status.success());
    assert!(
        !dir.path().join("stack.yml").exists(),
        "no partial stack.yml"
    );
    stackchef()
        .args(["init", "--name", "shop"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(std::fs::read_to_string(dir.path().join("stack.yml"))
        .unwrap()
        .contains("name: shop"));
}

/// `lint -o FILE` replaces the report atomically: a run killed while writing leaves the
/// previous report whole, never a truncated one for CI to upload.
#[cfg(unix)]
#[test]
fn lint_output_file_is_replaced_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let repo = support::root().join("samples/lint");
    std::fs::write(dir.path().join("report.json"), "previous report\n").unwrap();
    let script = format!(
        "ulimit -f 1; exec \"$STACKCHEF\" lint '{}' --format json -o report.json",
        repo.display()
    );
    let out = sh(dir.path(), &script);
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("report.json")).unwrap(),
        "previous report\n"
    );
    stackchef()
        .current_dir(dir.path())
        .arg("lint")
        .arg(&repo)
        .args(["--format", "json", "-o", "report.json"])
        .assert()
        .code(1);
    let report = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(
        report.len() > 1024,
        "the real report is larger than the limit above"
    );
    serde_json::from_str::<serde_json::Value>(&report).unwrap();
}
