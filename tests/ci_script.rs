//! The `ci` generator: snapshots, ShellCheck and dash on every generated shell script (the CI
//! script and the Packer provisioning scripts), and runs of `ci/build.sh` against stand-in
//! `stackchef`/`packer` executables that log their arguments.

mod packer_common;
mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use packer_common::{generated, samples, set_executable, write_files};
use stackchef::plan::PlannedFile;
use stackchef::plan::Target;
use stackchef::stack::Stack;

fn sample(name: &str) -> Stack {
    samples()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no sample {name}"))
        .1
}

#[test]
fn snapshots_of_every_sample() {
    for (sample, stack) in samples() {
        for file in generated(&stack, &[Target::Ci]) {
            let name = format!("{sample}__{}", file.path.replace('/', "__"));
            insta::assert_snapshot!(name, file.contents);
        }
    }
}

#[test]
fn ci_files_are_the_script_and_two_examples() {
    let files = generated(&sample("webapp"), &[Target::Ci]);
    let paths: Vec<(&str, bool)> = files
        .iter()
        .map(|f| (f.path.as_str(), f.executable))
        .collect();
    assert_eq!(
        paths,
        [
            ("ci/build.sh", true),
            ("ci/examples/github-actions.yml", false),
            ("ci/examples/gitlab-ci.yml", false),
        ]
    );
    assert!(files.iter().all(|f| f.target == Target::Ci));
    for example in files.iter().filter(|f| f.path.ends_with(".yml")) {
        let doc = marked_yaml::parse_yaml(0, &example.contents)
            .unwrap_or_else(|e| panic!("{} is not YAML: {e}", example.path));
        let text = format!("{doc:?}");
        assert!(
            text.contains("ci/build.sh --validate-only"),
            "{}",
            example.path
        );
    }
}

/// `shellcheck -s sh` and `dash -n` on ci/build.sh and every provisioning script.
#[test]
fn every_shell_script_passes_shellcheck_and_dash() {
    let Some(shellcheck) = support::validator("shellcheck") else {
        return;
    };
    let Some(dash) = support::validator("dash") else {
        return;
    };
    for (sample, stack) in samples() {
        let files = generated(&stack, &[Target::Ci, Target::Packer]);
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &files);
        let scripts: Vec<&PlannedFile> = files.iter().filter(|f| f.path.ends_with(".sh")).collect();
        assert_eq!(
            scripts.len(),
            5,
            "{sample}: build.sh and four provisioning scripts"
        );
        for script in scripts {
            assert!(
                script.contents.starts_with("#!/bin/sh\n"),
                "{}",
                script.path
            );
            let path = dir.path().join(&script.path);
            let out = Command::new(&shellcheck)
                .args(["-s", "sh"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{sample}: shellcheck {}:\n{}",
                script.path,
                String::from_utf8_lossy(&out.stdout)
            );
            let out = Command::new(&dash).arg("-n").arg(&path).output().unwrap();
            assert!(
                out.status.success(),
                "{sample}: dash -n {}:\n{}",
                script.path,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// A generated tree with `ci/build.sh`, a `bin/` of stand-ins and the log they append to.
struct Sandbox {
    dir: tempfile::TempDir,
}

const STAND_IN: &str = r#"#!/bin/sh
name=$(basename "$0")
printf '%s %s\n' "$name" "$*" >>"$STANDIN_LOG"
if [ "$name" = packer ] && [ "$1" = version ]; then
    echo "${STANDIN_PACKER_VERSION:-Packer v1.11.2}"
fi
if [ "$name $1" = "${STANDIN_FAIL:-}" ]; then
    echo "$name $1: simulated failure" >&2
    exit "${STANDIN_FAIL_STATUS:-1}"
fi
exit 0
"#;

impl Sandbox {
    fn new(stack: &Stack) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &generated(stack, &[Target::Ci]));
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        for tool in ["stackchef", "packer"] {
            std::fs::write(bin.join(tool), STAND_IN).unwrap();
            set_executable(&bin.join(tool));
        }
        Sandbox { dir }
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("calls.log")
    }

    /// Run ci/build.sh from an unrelated working directory (it must find its own root).
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(self.dir.path().join("ci/build.sh"));
        cmd.args(args)
            .current_dir(std::env::temp_dir())
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", self.dir.path().join("bin").display()),
            )
            .env("STANDIN_LOG", self.log_path())
            .env("GIT_REVISION", "0123abc");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.log_path())
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

fn checks() -> Vec<String> {
    [
        "packer version",
        "stackchef lint cookbooks",
        "stackchef generate --check -f stack.yml -o .",
        "packer init packer",
        "packer fmt -check -diff packer",
        "packer validate -var git_revision=0123abc packer",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

fn build_call(image: &str) -> String {
    format!("packer build -var git_revision=0123abc -only={image}.amazon-ebs.{image} packer")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn runs_checks_then_builds_parents_first_and_prints_amis() {
    for (sample, stack) in samples() {
        let sandbox = Sandbox::new(&stack);
        // What `packer build` leaves behind: the manifest post-processor's file, an older
        // build of the first image before the newer one.
        let order: Vec<String> = stack
            .images_in_build_order()
            .iter()
            .map(|i| i.name.clone())
            .collect();
        let mut builds = vec![format!(
            "{{\n      \"name\": \"{0}\",\n      \"artifact_id\": \"eu-west-1:ami-0old\",\n      \"custom_data\": {{\n        \"image\": \"{0}\"\n      }}\n    }}",
            order[0]
        )];
        for (n, image) in order.iter().enumerate() {
            builds.push(format!(
                "{{\n      \"name\": \"{image}\",\n      \"artifact_id\": \"eu-west-1:ami-{n:017}\",\n      \"custom_data\": {{\n        \"image\": \"{image}\",\n        \"stack\": \"{}\"\n      }}\n    }}",
                stack.name
            ));
        }
        let manifest = format!(
            "{{\n  \"builds\": [\n    {}\n  ]\n}}\n",
            builds.join(",\n    ")
        );
        std::fs::create_dir_all(sandbox.dir.path().join("packer")).unwrap();
        std::fs::write(sandbox.dir.path().join("packer/manifest.json"), manifest).unwrap();

        let out = sandbox.run(&[], &[]);
        assert!(out.status.success(), "{sample}: {}", text(&out.stderr));
        let mut expected = checks();
        expected.extend(order.iter().map(|i| build_call(i)));
        assert_eq!(sandbox.calls(), expected, "{sample}");
        let stdout = text(&out.stdout);
        for (n, image) in order.iter().enumerate() {
            assert!(
                stdout.contains(&format!("  {image}\tami-{n:017}\n")),
                "{sample}: AMI of {image} missing from:\n{stdout}"
            );
        }
        assert!(!stdout.contains("ami-0old"), "{stdout}");
    }
}

#[test]
fn large_sample_builds_every_parent_before_its_children() {
    let stack = sample("large");
    let sandbox = Sandbox::new(&stack);
    assert!(sandbox.run(&[], &[]).status.success());
    let calls = sandbox.calls();
    let position = |image: &str| calls.iter().position(|c| *c == build_call(image)).unwrap();
    for image in stack.images.values() {
        if let Some(parent) = &image.from {
            assert!(position(parent) < position(&image.name), "{calls:#?}");
        }
    }
}

#[test]
fn a_failing_step_stops_the_script_with_its_exit_status() {
    let stack = sample("webapp");
    let steps = checks();
    // Fail at each step in turn: nothing after it runs, and its status is the script's.
    for (n, step) in steps.iter().enumerate().skip(1) {
        let sandbox = Sandbox::new(&stack);
        let tool_and_sub: String = step.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let status = 10 + n as i32;
        let out = sandbox.run(
            &[],
            &[
                ("STANDIN_FAIL", &tool_and_sub),
                ("STANDIN_FAIL_STATUS", &status.to_string()),
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(status),
            "{step}: {}",
            text(&out.stderr)
        );
        assert_eq!(sandbox.calls(), steps[..=n], "{step}");
        assert!(
            text(&out.stderr).contains(&format!("failed with exit status {status}")),
            "{}",
            text(&out.stderr)
        );
    }
    // A failing build stops the later builds too.
    let sandbox = Sandbox::new(&stack);
    let out = sandbox.run(
        &[],
        &[
            ("STANDIN_FAIL", "packer build"),
            ("STANDIN_FAIL_STATUS", "9"),
        ],
    );
    assert_eq!(out.status.code(), Some(9));
    let mut expected = checks();
    expected.push(build_call("base"));
    assert_eq!(sandbox.calls(), expected);
}

#[test]
fn validate_only_one_image_and_dry_run() {
    let stack = sample("webapp");

    let sandbox = Sandbox::new(&stack);
    let out = sandbox.run(&["--validate-only"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sandbox.calls(), checks());

    let sandbox = Sandbox::new(&stack);
    let out = sandbox.run(&[], &[("STACKCHEF_VALIDATE_ONLY", "1")]);
    assert!(out.status.success());
    assert_eq!(sandbox.calls(), checks());

    let sandbox = Sandbox::new(&stack);
    let out = sandbox.run(&["--image", "web"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut expected = checks();
    expected.push(build_call("web"));
    assert_eq!(sandbox.calls(), expected);

    let sandbox = Sandbox::new(&stack);
    let out = sandbox.run(&[], &[("STACKCHEF_IMAGE", "base")]);
    assert!(out.status.success());
    assert_eq!(sandbox.calls().last().unwrap(), &build_call("base"));

    // Dry run: only the version probe runs; every step is printed.
    let sandbox = Sandbox::new(&stack);
    let out = sandbox.run(&["--dry-run", "--stack", "infra/stack.yml"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(sandbox.calls(), ["packer version"]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("+ stackchef generate --check -f infra/stack.yml -o ."));
    assert!(
        stderr.contains(&format!("+ {}", build_call("web"))),
        "{stderr}"
    );
}

#[test]
fn usage_errors_missing_and_old_tools() {
    let stack = sample("webapp");

    let sandbox = Sandbox::new(&stack);
    let out = sandbox.run(&["--image", "nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown image 'nope' (images: base web)"));
    assert!(sandbox.calls().is_empty());

    let out = sandbox.run(&["--frobnicate"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown argument: --frobnicate"));

    let out = sandbox.run(&["--help"], &[]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("Usage: ci/build.sh"));

    let out = sandbox.run(&[], &[("PACKER", "no-such-packer")]);
    assert_eq!(out.status.code(), Some(127));
    assert!(
        text(&out.stderr).contains("`no-such-packer` is not on PATH: install Packer >= 1.7"),
        "{}",
        text(&out.stderr)
    );

    let out = sandbox.run(&[], &[("STANDIN_PACKER_VERSION", "Packer v1.6.6")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("Packer 1.6 is too old"));
    assert_eq!(
        sandbox.calls(),
        ["packer version"],
        "only the too-old run got that far"
    );
}
