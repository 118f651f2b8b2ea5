//! `stackchef aws deploy` end to end against a local AWS emulator (moto_server): deploy twice
//! (the second run must change nothing), then check with the AWS CLI that the zone, the roles
//! and the instance profiles exist. moto ignores some properties: it is a smoke test; cfn-lint
//! and parliament (tests/aws.rs) are the real gates. Also the refusals that need no AWS at all.

mod support;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use stackchef::generate;
use stackchef::plan::Target;
use stackchef::templates::Templates;

const REGION: &str = "eu-west-1";

/// moto_server on a free port of 127.0.0.1, killed when dropped.
struct Emulator {
    child: Child,
    url: String,
}

impl Emulator {
    fn start(tool: &Path) -> Emulator {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(tool)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting moto_server");
        let emulator = Emulator {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        emulator
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A command with dummy credentials and no access to the user's AWS configuration.
fn isolated(program: &Path, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    cmd
}

fn aws(aws_cli: &Path, home: &Path, url: &str, args: &[&str]) -> serde_json::Value {
    let out = isolated(aws_cli, home)
        .args(args)
        .args([
            "--endpoint-url",
            url,
            "--region",
            REGION,
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "aws {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

fn stackchef_cmd(home: &Path) -> Command {
    isolated(Path::new(env!("CARGO_BIN_EXE_stackchef")), home)
}

fn stackchef(home: &Path, args: &[&str]) -> Output {
    stackchef_cmd(home).args(args).output().unwrap()
}

/// Run `cmd`, expect exit code 2 and every one of `needles` in its output.
fn assert_fails_with(mut cmd: Command, needles: &[&str]) {
    let out = cmd.output().unwrap();
    let msg = text(&out);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    for needle in needles {
        assert!(msg.contains(needle), "{needle:?} missing from:\n{msg}");
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Write stack.yml and what `stackchef generate aws` makes of it into `dir`.
fn project(dir: &Path, aws_section: &str) -> PathBuf {
    let stack_yml = dir.join("stack.yml");
    std::fs::write(
        &stack_yml,
        format!(
            "name: demo\nmaintainer: Demo Ops\nmaintainer_email: ops@demo.example\n{aws_section}\
images:\n  base:\n    packages: [curl]\n  web:\n    from: base\n    count: 1\n\
services:\n  api:\n    image: web\n    command: /opt/demo/api\n    port: 8080\n    dns: api\n"
        ),
    )
    .unwrap();
    let stack = support::load_sample(&stack_yml);
    let plan = generate::plan(&stack, &[Target::Aws], &Templates::load(None).unwrap()).unwrap();
    for file in plan.files() {
        let dest = dir.join(&file.path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, &file.contents).unwrap();
    }
    stack_yml
}

#[test]
fn deploy_twice_against_the_emulator() {
    let Some(moto) = support::validator("moto_server") else {
        return;
    };
    let Some(aws_cli) = support::validator("aws") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let emulator = Emulator::start(&moto);
    let url = emulator.url.as_str();

    let vpc = aws(
        &aws_cli,
        h,
        url,
        &["ec2", "create-vpc", "--cidr-block", "10.42.0.0/16"],
    );
    let vpc = vpc["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let mut subnets = Vec::new();
    for cidr in ["10.42.1.0/24", "10.42.2.0/24"] {
        let s = aws(
            &aws_cli,
            h,
            url,
            &[
                "ec2",
                "create-subnet",
                "--vpc-id",
                &vpc,
                "--cidr-block",
                cidr,
            ],
        );
        subnets.push(s["Subnet"]["SubnetId"].as_str().unwrap().to_string());
    }
    let images = aws(
        &aws_cli,
        h,
        url,
        &["ec2", "describe-images", "--owners", "amazon"],
    );
    let ami = images["Images"][0]["ImageId"].as_str().unwrap().to_string();

    let dir = h.join("project");
    std::fs::create_dir_all(dir.join("packer")).unwrap();
    let stack_yml = project(
        &dir,
        &format!(
            "aws:\n  region: {REGION}\n  vpc_id: {vpc}\n  subnet_ids: [{}]\n  internal_zone: demo.internal\n",
            subnets.join(", ")
        ),
    );
    // The AMI comes from the Packer manifest, as after `packer build`.
    std::fs::write(
        dir.join("packer/manifest.json"),
        format!(r#"{{"builds":[{{"name":"web","builder_type":"amazon-ebs","build_time":1,"artifact_id":"{REGION}:{ami}","custom_data":{{"stack":"demo","image":"web"}}}}],"last_run_uuid":"x"}}"#),
    )
    .unwrap();

    let args = deploy_args(&stack_yml, &dir, &["--yes", "--endpoint-url", url]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // Without --yes and without a terminal: show the change set, apply nothing, leave nothing.
    let no_yes: Vec<&str> = args.iter().copied().filter(|a| *a != "--yes").collect();
    let refused = stackchef(h, &no_yes);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let refused_text = text(&refused);
    assert!(
        refused_text.contains("+ add") && refused_text.contains("WebAutoScalingGroup"),
        "{refused_text}"
    );
    assert!(
        refused_text.contains("run again with --yes"),
        "{refused_text}"
    );
    let listed = aws(&aws_cli, h, url, &["cloudformation", "list-stacks"]);
    assert!(
        listed["StackSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["StackName"] != "demo-stackchef" || s["StackStatus"] == "DELETE_COMPLETE"),
        "a refused deploy left a stack behind: {listed}"
    );

    let first = stackchef(h, &args);
    assert!(first.status.success(), "first deploy:\n{}", text(&first));
    let first_text = text(&first);
    assert!(
        first_text.contains("+ add") && first_text.contains("HostedZone"),
        "{first_text}"
    );
    assert!(
        first_text.contains("Stack `demo-stackchef` created."),
        "{first_text}"
    );

    let second = stackchef(h, &args);
    assert!(second.status.success(), "second deploy:\n{}", text(&second));
    assert!(
        String::from_utf8_lossy(&second.stdout)
            .contains("No changes: stack `demo-stackchef` is up to date."),
        "second deploy changed something:\n{}",
        text(&second)
    );

    let zones = aws(&aws_cli, h, url, &["route53", "list-hosted-zones"]);
    let zone = zones["HostedZones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["Name"].as_str().unwrap().trim_end_matches('.') == "demo.internal")
        .unwrap_or_else(|| panic!("no zone demo.internal: {zones}"));
    // moto's CloudFormation ignores the zone's VPCs (it reports a public zone): that the zone is
    // private is checked by cfn-lint's schema and the template snapshot, not here.
    assert!(zone["Id"].as_str().is_some(), "{zone}");
    for image in ["base", "web"] {
        let name = format!("demo-{image}");
        let role = aws(&aws_cli, h, url, &["iam", "get-role", "--role-name", &name]);
        assert_eq!(role["Role"]["Path"], "/demo/", "{role}");
        let profile = aws(
            &aws_cli,
            h,
            url,
            &[
                "iam",
                "get-instance-profile",
                "--instance-profile-name",
                &name,
            ],
        );
        assert_eq!(
            profile["InstanceProfile"]["Roles"][0]["RoleName"],
            name.as_str(),
            "{profile}"
        );
    }
    let stacks = aws(
        &aws_cli,
        h,
        url,
        &[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            "demo-stackchef",
        ],
    );
    assert_eq!(stacks["Stacks"][0]["StackStatus"], "CREATE_COMPLETE");
    drop(emulator);
}

#[test]
fn refuses_to_launch_an_image_that_was_not_built() {
    let home = tempfile::tempdir().unwrap();
    let args = ready_project(home.path());
    let mut cmd = stackchef_cmd(home.path());
    cmd.args(
        args.iter()
            .filter(|a| *a != "--ami" && !a.starts_with("web=")),
    );
    assert_fails_with(
        cmd,
        &[
            "refusing to launch images that have not been built",
            "`web` (count: 1) has no AMI for eu-west-1",
            "--ami IMAGE=ami-",
        ],
    );
}

/// A project whose `web` image is built (per --ami), ready to deploy but for AWS itself.
fn ready_project(home: &Path) -> Vec<String> {
    let dir = home.join("project");
    std::fs::create_dir_all(&dir).unwrap();
    let stack_yml = project(
        &dir,
        "aws:\n  region: eu-west-1\n  vpc_id: vpc-0123456789abcdef0\n  subnet_ids: [subnet-0123456789abcdef0]\n",
    );
    deploy_args(
        &stack_yml,
        &dir,
        &["--yes", "--ami", "web=ami-0123456789abcdef0"],
    )
}

fn deploy_args(stack_yml: &Path, dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["aws", "deploy", "-f"].map(String::from).to_vec();
    args.push(stack_yml.display().to_string());
    args.push("-o".to_string());
    args.push(dir.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn clear_message_when_the_aws_cli_is_missing() {
    let home = tempfile::tempdir().unwrap();
    let args = ready_project(home.path());
    let mut cmd = stackchef_cmd(home.path());
    cmd.env("PATH", "").args(&args);
    assert_fails_with(cmd, &["the AWS CLI (`aws`) is not on PATH", "install"]);
}

#[test]
fn clear_message_when_credentials_are_missing() {
    let Some(_aws) = support::validator("aws") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut args = ready_project(home.path());
    // A closed port: whatever happens, nothing reaches AWS.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    args.extend([
        "--endpoint-url".to_string(),
        format!("http://127.0.0.1:{port}"),
    ]);
    let mut cmd = stackchef_cmd(home.path());
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .args(&args);
    assert_fails_with(cmd, &["no usable AWS credentials", "--profile"]);
}

#[test]
fn clear_message_when_the_template_was_not_generated() {
    let home = tempfile::tempdir().unwrap();
    let args = ready_project(home.path());
    std::fs::remove_file(home.path().join("project/aws/stack.cfn.yaml")).unwrap();
    let mut cmd = stackchef_cmd(home.path());
    cmd.args(&args);
    assert_fails_with(cmd, &["stack.cfn.yaml", "stackchef generate aws"]);
}

/// Write stack.yml for `n` images (each launched, running a named service) and generate it.
fn large_project(dir: &Path, n: usize, aws_section: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let stack_yml = dir.join("stack.yml");
    std::fs::write(&stack_yml, support::many_images_stack_in(n, aws_section)).unwrap();
    let stack = support::load_sample(&stack_yml);
    let plan = generate::plan(&stack, &[Target::Aws], &Templates::load(None).unwrap()).unwrap();
    for file in plan.files() {
        let dest = dir.join(&file.path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, &file.contents).unwrap();
    }
    stack_yml
}

#[test]
fn a_template_over_51200_bytes_is_refused_without_s3_bucket_before_any_aws_call() {
    let n = support::images_over_inline_limit();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("project");
    let stack_yml = large_project(
        &dir,
        n,
        "aws:\n  region: eu-west-1\n  vpc_id: vpc-0123456789abcdef0\n  subnet_ids: [subnet-0123456789abcdef0]\n",
    );
    let size = std::fs::metadata(dir.join("aws/stack.cfn.yaml"))
        .unwrap()
        .len();
    assert!(size > 51_200, "{n} images: {size} bytes");
    let amis: Vec<String> = (1..=n)
        .flat_map(|i| {
            [
                "--ami".to_string(),
                format!("image{i}=ami-0123456789abcdef0"),
            ]
        })
        .collect();
    let amis: Vec<&str> = amis.iter().map(String::as_str).collect();
    let args = deploy_args(&stack_yml, &dir, &[&["--yes"][..], &amis].concat());
    // No AWS CLI on PATH: reaching for AWS would fail differently.
    let mut cmd = stackchef_cmd(home.path());
    cmd.env("PATH", "").args(&args);
    assert_fails_with(
        cmd,
        &[
            &format!("stack.cfn.yaml is {} bytes", thousands(size as usize)),
            "at most 51,200 bytes of template inline",
            "= help: pass --s3-bucket BUCKET",
            "nothing was sent to AWS",
        ],
    );
    // A malformed bucket name is refused as early.
    let mut cmd = stackchef_cmd(home.path());
    cmd.env("PATH", "")
        .args(&args)
        .args(["--s3-bucket", "My_Bucket"]);
    assert_fails_with(cmd, &["--s3-bucket My_Bucket: not an S3 bucket name"]);
    // With a bucket, the size is no obstacle: the next step is the AWS CLI.
    let mut cmd = stackchef_cmd(home.path());
    cmd.env("PATH", "")
        .args(&args)
        .args(["--s3-bucket", "shop-templates"]);
    assert_fails_with(cmd, &["the AWS CLI (`aws`) is not on PATH"]);
}

fn thousands(n: usize) -> String {
    stackchef::generate::aws::limits::thousands(n)
}

#[test]
fn s3_prefix_needs_s3_bucket() {
    let home = tempfile::tempdir().unwrap();
    let args = ready_project(home.path());
    let mut cmd = stackchef_cmd(home.path());
    cmd.args(&args).args(["--s3-prefix", "cfn"]);
    assert_fails_with(cmd, &["--s3-bucket"]);
}

#[test]
fn deploy_a_large_template_through_s3_against_the_emulator() {
    let Some(moto) = support::validator("moto_server") else {
        return;
    };
    let Some(aws_cli) = support::validator("aws") else {
        return;
    };
    let n = support::images_over_inline_limit();
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let emulator = Emulator::start(&moto);
    // moto's CloudFormation reads a TemplateURL on `localhost` from its own S3.
    let url = emulator.url.replace("127.0.0.1", "localhost");
    let url = url.as_str();

    let vpc = aws(
        &aws_cli,
        h,
        url,
        &["ec2", "create-vpc", "--cidr-block", "10.43.0.0/16"],
    );
    let vpc = vpc["Vpc"]["VpcId"].as_str().unwrap().to_string();
    let subnet = aws(
        &aws_cli,
        h,
        url,
        &[
            "ec2",
            "create-subnet",
            "--vpc-id",
            &vpc,
            "--cidr-block",
            "10.43.1.0/24",
        ],
    );
    let subnet = subnet["Subnet"]["SubnetId"].as_str().unwrap().to_string();
    let images = aws(
        &aws_cli,
        h,
        url,
        &["ec2", "describe-images", "--owners", "amazon"],
    );
    let ami = images["Images"][0]["ImageId"].as_str().unwrap().to_string();
    aws(
        &aws_cli,
        h,
        url,
        &[
            "s3api",
            "create-bucket",
            "--bucket",
            "shop-templates",
            "--create-bucket-configuration",
            &format!("LocationConstraint={REGION}"),
        ],
    );

    let dir = h.join("project");
    let stack_yml = large_project(
        &dir,
        n,
        &format!("aws:\n  region: {REGION}\n  vpc_id: {vpc}\n  subnet_ids: [{subnet}]\n  internal_zone: shop.internal\n"),
    );
    let amis: Vec<String> = (1..=n)
        .flat_map(|i| ["--ami".to_string(), format!("image{i}={ami}")])
        .collect();
    let amis: Vec<&str> = amis.iter().map(String::as_str).collect();
    let args = deploy_args(
        &stack_yml,
        &dir,
        &[
            &[
                "--yes",
                "--endpoint-url",
                url,
                "--s3-bucket",
                "shop-templates",
                "--s3-prefix",
                "cloudformation/shop",
            ][..],
            &amis,
        ]
        .concat(),
    );
    let out = stackchef(h, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "deploy:\n{}", text(&out));
    assert!(
        text(&out).contains("Stack `shop-stackchef` created."),
        "{}",
        text(&out)
    );
    // The AWS CLI uploaded the template under the prefix, and CloudFormation built from it.
    let objects = aws(
        &aws_cli,
        h,
        url,
        &[
            "s3api",
            "list-objects-v2",
            "--bucket",
            "shop-templates",
            "--prefix",
            "cloudformation/shop/",
        ],
    );
    let size = std::fs::metadata(dir.join("aws/stack.cfn.yaml"))
        .unwrap()
        .len();
    assert!(
        objects["Contents"]
            .as_array()
            .is_some_and(|o| o.iter().any(|o| o["Size"] == size)),
        "no {size}-byte template under cloudformation/shop/: {objects}"
    );
    let stacks = aws(
        &aws_cli,
        h,
        url,
        &[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            "shop-stackchef",
        ],
    );
    assert_eq!(stacks["Stacks"][0]["StackStatus"], "CREATE_COMPLETE");
    let role = aws(
        &aws_cli,
        h,
        url,
        &["iam", "get-role", "--role-name", &format!("shop-image{n}")],
    );
    assert_eq!(role["Role"]["Path"], "/shop/", "{role}");
    drop(emulator);
}
