//! The `aws` generator: snapshots of every sample's output, the least-privilege invariants of
//! every generated policy, and the real validators (cfn-lint, parliament) on all of it.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use stackchef::generate;
use stackchef::plan::PlannedFile;
use stackchef::plan::Target;
use stackchef::templates::Templates;

fn aws_files(stack: &stackchef::stack::Stack) -> Vec<PlannedFile> {
    let templates = Templates::load(None).unwrap();
    let plan = generate::plan(stack, &[Target::Aws], &templates).unwrap();
    plan.files().cloned().collect()
}

/// The text of one generated file (panics if it was not generated).
fn contents<'a>(files: &'a [PlannedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} was not generated"))
        .contents
}

fn samples() -> Vec<(String, Vec<PlannedFile>)> {
    let samples = support::sample_stacks();
    assert!(
        samples.len() >= 3,
        "expected the minimal, webapp and large samples"
    );
    samples
        .into_iter()
        .map(|(name, path)| (name, aws_files(&support::load_sample(&path))))
        .collect()
}

#[test]
fn snapshots_of_every_sample() {
    for (sample, files) in samples() {
        for file in files {
            insta::assert_snapshot!(
                format!("{sample}__{}", file.path.replace('/', "__")),
                file.contents
            );
        }
    }
}

/// Every generated policy document: the standalone JSON files, parsed.
fn policy_documents() -> Vec<(String, serde_json::Value)> {
    let mut docs = Vec::new();
    for (sample, files) in samples() {
        for file in files {
            if file.path.starts_with("aws/iam/") && file.path.ends_with(".json") {
                let doc = serde_json::from_str(&file.contents)
                    .unwrap_or_else(|e| panic!("{sample}/{}: invalid JSON: {e}", file.path));
                docs.push((format!("{sample}/{}", file.path), doc));
            }
        }
    }
    docs
}

/// Wildcard actions found in one policy document: `*`, `service:*`, or any action containing `*`.
fn wildcard_actions(doc: &serde_json::Value) -> Vec<String> {
    let mut found = Vec::new();
    for statement in doc["Statement"].as_array().expect("Statement is a list") {
        if statement.get("NotAction").is_some() {
            found.push("NotAction".to_string());
        }
        let actions = match &statement["Action"] {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => {
                a.iter().map(|v| v.as_str().unwrap().to_string()).collect()
            }
            other => panic!("unexpected Action {other}"),
        };
        found.extend(actions.into_iter().filter(|a| a.contains('*')));
    }
    found
}

#[test]
fn the_wildcard_check_catches_wildcards() {
    let bad = serde_json::json!({"Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["ec2:*", "s3:Get*", "ec2:DescribeImages"], "Resource": "*"}
    ]});
    assert_eq!(wildcard_actions(&bad), ["*", "ec2:*", "s3:Get*"]);
}

#[test]
fn no_generated_policy_has_a_wildcard_action() {
    let docs = policy_documents();
    assert!(
        docs.len() >= 6,
        "expected packer, ci and instance policies, got {}",
        docs.len()
    );
    for (path, doc) in &docs {
        assert_eq!(wildcard_actions(doc), Vec::<String>::new(), "{path}");
    }
    // The same policies inside the CloudFormation templates: every `Action` list item.
    for (sample, files) in samples() {
        let template = contents(&files, "aws/stack.cfn.yaml");
        let actions = template_actions(template);
        assert!(actions.len() > 20, "{sample}: found only {actions:?}");
        let wild: Vec<&String> = actions.iter().filter(|a| a.contains('*')).collect();
        assert!(wild.is_empty(), "{sample}: wildcard actions {wild:?}");
    }
}

/// The values of every `Action:` key of a template (scalar or block list).
fn template_actions(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = template.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed
            .strip_prefix("Action:")
            .or_else(|| trimmed.strip_prefix("- Action:"))
        else {
            continue;
        };
        if !rest.trim().is_empty() {
            out.push(rest.trim().trim_matches('"').to_string());
            continue;
        }
        let indent = line.len() - trimmed.len();
        while let Some(item) = lines.peek() {
            let item_trimmed = item.trim_start();
            if item.len() - item_trimmed.len() <= indent || !item_trimmed.starts_with("- ") {
                break;
            }
            out.push(item_trimmed[2..].trim().trim_matches('"').to_string());
            lines.next();
        }
    }
    out
}

#[test]
fn the_template_action_reader_sees_wildcards() {
    let t = "      Action:\n        - ec2:DescribeImages\n        - \"ec2:*\"\n      Resource: x\n    Action: sts:AssumeRole\n    - Action: \"*\"\n";
    assert_eq!(
        template_actions(t),
        ["ec2:DescribeImages", "ec2:*", "sts:AssumeRole", "*"]
    );
}

#[test]
fn every_resource_star_statement_is_read_only_and_explained() {
    for (sample, files) in samples() {
        let template = contents(&files, "aws/stack.cfn.yaml");
        let readme = contents(&files, "aws/iam/README.md");
        for (path, doc) in policy_documents()
            .into_iter()
            .filter(|(p, _)| p.starts_with(&format!("{sample}/")))
        {
            for statement in doc["Statement"].as_array().unwrap() {
                if statement["Resource"] != "*" {
                    continue;
                }
                let sid = statement["Sid"].as_str().unwrap();
                for action in statement["Action"].as_array().unwrap() {
                    let action = action.as_str().unwrap().split(':').nth(1).unwrap();
                    assert!(
                        ["Describe", "List", "Get"]
                            .iter()
                            .any(|p| action.starts_with(p)),
                        "{path} {sid}: {action} on \"*\" is not read-only"
                    );
                }
                assert!(
                    readme.contains(&format!("| {sid} |")),
                    "{path}: {sid} missing from the README table"
                );
                let at = template.find(&format!("- Sid: {sid}\n")).unwrap();
                let before = template[..at].trim_end().lines().last().unwrap();
                assert!(
                    before.trim_start().starts_with('#'),
                    "{path}: {sid} has no comment saying why in the template"
                );
            }
        }
    }
}

#[test]
fn instance_roles_change_only_their_own_names() {
    let (_, path) = support::sample_stacks()
        .into_iter()
        .find(|(n, _)| n == "webapp")
        .unwrap();
    let files = aws_files(&support::load_sample(&path));
    let doc: serde_json::Value =
        serde_json::from_str(contents(&files, "aws/iam/instance-web.json")).unwrap();
    let change = &doc["Statement"][0];
    assert_eq!(
        change["Action"],
        serde_json::json!(["route53:ChangeResourceRecordSets"])
    );
    assert_eq!(
        change["Resource"],
        "arn:aws:route53:::hostedzone/HOSTED_ZONE_ID"
    );
    let cond = &change["Condition"]["ForAllValues:StringEquals"];
    assert_eq!(
        cond["route53:ChangeResourceRecordSetsNormalizedRecordNames"],
        serde_json::json!(["admin.shop.internal", "api.shop.internal"])
    );
    assert_eq!(cond["route53:ChangeResourceRecordSetsRecordTypes"], "A");
    assert_eq!(cond["route53:ChangeResourceRecordSetsActions"], "UPSERT");
    // base runs no named service: no policy at all
    assert!(files.iter().all(|f| f.path != "aws/iam/instance-base.json"));
}

#[test]
fn security_groups_never_open_to_the_internet() {
    for (sample, files) in samples() {
        let template = contents(&files, "aws/stack.cfn.yaml");
        assert!(!template.contains("0.0.0.0/0"), "{sample}");
        assert!(!template.contains("::/0"), "{sample}");
    }
}

fn run_with_stdin(tool: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {}: {e}", tool.display()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// parliament reads the policy on stdin when stdin is not a terminal (its `--file PATH` refuses
/// to run when stdin is a pipe, as under CI).
fn parliament(tool: &std::path::Path, policy: &str) -> std::process::Output {
    run_with_stdin(tool, &[], policy)
}

#[test]
fn parliament_is_clean_on_every_policy() {
    let Some(tool) = support::validator("parliament") else {
        return;
    };
    // A policy parliament must reject, so this test can fail.
    let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"arn:aws:ec2:us-east-1:*:instance/*"}]}"#;
    let out = parliament(&tool, bad);
    assert!(
        !out.status.success() && !out.stdout.is_empty(),
        "parliament accepted a mismatched policy"
    );
    for (sample, files) in samples() {
        for file in files.iter().filter(|f| f.path.ends_with(".json")) {
            let out = parliament(&tool, &file.contents);
            assert!(
                out.status.success() && out.stdout.is_empty(),
                "parliament on {sample}/{}:\n{}{}",
                file.path,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn cfn_lint_is_clean_on_every_template() {
    let Some(tool) = support::validator("cfn-lint") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A template cfn-lint must reject, so this test can fail.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "Resources:\n  Z:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Nmae: x\n",
    )
    .unwrap();
    let out = Command::new(&tool).arg(&bad).output().unwrap();
    assert!(!out.status.success(), "cfn-lint accepted a broken template");
    for (sample, files) in samples() {
        let file = files
            .iter()
            .find(|f| f.path == "aws/stack.cfn.yaml")
            .unwrap();
        let path = dir.path().join(format!("{sample}.cfn.yaml"));
        std::fs::write(&path, &file.contents).unwrap();
        let out = Command::new(&tool).arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "cfn-lint on {sample}/{}:\n{}{}",
            file.path,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn stackchef_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_stackchef"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `dir` but stack.yml.
fn written_files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.file_name().unwrap() != "stack.yml" {
                out.push(path.display().to_string());
            }
        }
    }
    out
}

#[test]
fn a_stack_over_cloudformation_limits_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("stack.yml"),
        support::many_images_stack(1000),
    )
    .unwrap();
    for args in [
        &["check"][..],
        &["generate"][..],
        &["generate", "aws"][..],
        &["generate", "--dry-run"][..],
    ] {
        let out = stackchef_in(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}:\n{stderr}");
        for needle in [
            "error: aws/stack.cfn.yaml is over CloudFormation's limits for one stack",
            "resources, at most 500",
            "outputs, at most 200",
            "bytes (even from S3), at most 1,000,000",
            "1000 images (1000 launched)",
            "images like these fit in one stack",
            "= help: split the images over several projects",
        ] {
            assert!(
                stderr.contains(needle),
                "{args:?}: {needle:?} missing:\n{stderr}"
            );
        }
        assert_eq!(written_files(dir.path()), Vec::<String>::new(), "{args:?}");
    }
}

/// The largest number of launched images (like [`support::many_images_stack`]'s) CloudFormation takes.
fn images_that_fit() -> usize {
    let templates = Templates::load(None).unwrap();
    let fits = |n: usize| {
        let stack =
            stackchef::stack::load_str(&support::many_images_stack(n), "stack.yml").unwrap();
        generate::plan(&stack, &[Target::Aws], &templates).is_ok()
    };
    let (mut lo, mut hi) = (1, 1000);
    assert!(fits(lo) && !fits(hi));
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[test]
fn the_largest_stack_that_fits_is_generated_and_within_every_limit() {
    let n = images_that_fit();
    let stack = stackchef::stack::load_str(&support::many_images_stack(n), "stack.yml").unwrap();
    let files = aws_files(&stack);
    let stats =
        stackchef::generate::aws::limits::TemplateStats::of(contents(&files, "aws/stack.cfn.yaml"))
            .unwrap();
    assert!(stats.resources <= 500 && stats.outputs <= 200 && stats.parameters <= 200);
    assert!(stats.bytes <= 1_000_000, "{stats:?}");
    eprintln!("{n} launched images fit: {stats:?}");
    // Outputs bind first (3 shared + 2 per launched image ≤ 200), then resources (4 shared +
    // 5 per launched image ≤ 500); the bytes are far from 1 MB.
    assert_eq!(n, 98, "{stats:?}");
    assert!(stats.bytes < 500_000, "{stats:?}");
}

#[test]
fn a_template_over_51200_bytes_generates_with_a_warning_naming_s3_bucket() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.yml"), support::many_images_stack(40)).unwrap();
    let out = stackchef_in(dir.path(), &["generate", "aws"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let size = std::fs::metadata(dir.path().join("aws/stack.cfn.yaml"))
        .unwrap()
        .len();
    assert!(size > 51_200, "{size}");
    assert!(
        stderr.contains("warning: aws/stack.cfn.yaml is ")
            && stderr.contains("over the 51,200 bytes CloudFormation accepts without S3")
            && stderr.contains("--s3-bucket"),
        "{stderr}"
    );
    let check = stackchef_in(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&check.stderr).contains("--s3-bucket"));
    // The samples stay small enough to pass inline: no warning.
    for (sample, path) in support::sample_stacks() {
        let out = Command::new(env!("CARGO_BIN_EXE_stackchef"))
            .args(["check", "-f"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{sample}");
        assert!(
            out.stderr.is_empty(),
            "{sample}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
