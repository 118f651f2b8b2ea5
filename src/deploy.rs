//! `stackchef aws deploy`: apply the generated CloudFormation stack with the AWS CLI.
//!
//! The AWS CLI does the work (`aws cloudformation deploy`, the standard idempotent engine);
//! stackchef supplies what the template asks for and shows the change set before applying it:
//!
//! 1. read `aws/stack.cfn.yaml` from the output directory and list its parameters; refuse it
//!    if CloudFormation would (over its limits, or over 51,200 bytes without `--s3-bucket`);
//! 2. resolve every `<Image>AmiId` parameter from `--ami IMAGE=AMI` or the Packer manifest
//!    (`packer/manifest.json`), refusing to launch an image that has not been built;
//! 3. check the AWS CLI and credentials, look up the VPC's CIDR for `VpcCidr`;
//! 4. `aws cloudformation deploy --no-execute-changeset` (through `--s3-bucket` when given, the
//!    CLI uploading the template there): nothing to do → "No changes";
//!    otherwise describe the change set, ask (unless `--yes`), execute it and wait.
//!
//! This module does the steps and returns what they found; the command (`cmd::aws`) prints
//! between them and asks for the confirmation: [`load`] → [`Loaded::plan`] →
//! [`Plan::connect`] → [`Session::lookup_vpc_cidr`] → [`Session::create_change_set`] →
//! [`Session::execute`]/[`Session::discard`] → [`Session::wait`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::diag::UserError;
use crate::generate::aws::{ami_parameter, default_stack_name, limits, TEMPLATE_PATH};
use crate::stack::{self, Stack};

/// Where the Packer templates' `manifest` post-processor writes, relative to the output directory.
pub const PACKER_MANIFEST: &str = "packer/manifest.json";

/// What to deploy and how to reach AWS: the options of `stackchef aws deploy`, without the
/// command line's types.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The project description.
    pub file: PathBuf,
    /// Directory stackchef generated into.
    pub out: PathBuf,
    /// `IMAGE=AMI` pairs that override the Packer manifest.
    pub ami: Vec<String>,
    /// AWS region (default: `aws.region` from stack.yml).
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// CloudFormation stack name (default: `<name>-stackchef`).
    pub stack_name: Option<String>,
    /// S3 bucket the template is uploaded through.
    pub s3_bucket: Option<String>,
    pub s3_prefix: Option<String>,
}

/// `stack.yml` and the generated template it deploys, read but not yet checked.
pub struct Loaded {
    pub stack: Stack,
    pub template_path: PathBuf,
    template: String,
}

/// Read `stack.yml` and the generated template.
pub fn load(req: &Request) -> Result<Loaded> {
    let stack = stack::load_file(&req.file)?;
    let template_path = req.out.join(TEMPLATE_PATH);
    let template = std::fs::read_to_string(&template_path).with_context(|| {
        UserError::new(format!("reading {}", template_path.display())).with_help(format!(
            "generate it first: stackchef generate aws -f {} -o {}",
            req.file.display(),
            req.out.display()
        ))
    })?;
    Ok(Loaded {
        stack,
        template_path,
        template,
    })
}

/// A deploy checked against stack.yml and the generated files, before any AWS call.
pub struct Plan {
    pub stack: Stack,
    pub stack_name: String,
    pub region: String,
    pub template_path: PathBuf,
    parameters: Vec<String>,
    /// `--parameter-overrides`, completed by [`Session::lookup_vpc_cidr`].
    overrides: Vec<(String, String)>,
}

impl Loaded {
    /// A warning when the template is not what stack.yml generates (edited by hand, or stale).
    pub fn stale_warning(&self) -> Option<UserError> {
        let fresh = crate::templates::Templates::load(None).and_then(|t| {
            crate::generate::plan(&self.stack, &[crate::plan::Target::Aws], &t)
                .map(|plan| plan.get(TEMPLATE_PATH).map(|f| f.contents.clone()))
        });
        match fresh {
            Ok(Some(fresh)) if fresh != self.template => Some(
                UserError::new(format!(
                    "{TEMPLATE_PATH} differs from what stack.yml generates (edited by hand, or stale)"
                ))
                .with_help("`stackchef generate aws` brings it up to date; deploying the file as it is"),
            ),
            _ => None,
        }
    }

    /// Everything that can be refused without AWS: the template's size and limits, the AMI of
    /// every image it launches, the VPC and subnets it needs.
    pub fn plan(self, req: &Request) -> Result<Plan> {
        let Loaded {
            stack,
            template_path,
            template,
        } = self;
        check_template_size(&stack, req, &template_path, &template)?;
        let parameters = limits::Sections::of(&template)?.keys("Parameters").to_vec();
        let region = req
            .region
            .clone()
            .unwrap_or_else(|| stack.aws.region.clone());
        let stack_name = req
            .stack_name
            .clone()
            .unwrap_or_else(|| default_stack_name(&stack));

        let amis = resolve_amis(&stack, req, &parameters, &region)?;
        let mut overrides: Vec<(String, String)> = amis.into_iter().collect();
        if parameters.iter().any(|p| p == "VpcId") && stack.aws.vpc_id.is_none() {
            bail!(UserError::new("stack.yml sets no aws.vpc_id, and the template needs the VPC")
                .with_help("add `vpc_id: vpc-…` (and `subnet_ids`) under `aws:` in stack.yml, then run `stackchef generate aws`"));
        }
        if parameters.iter().any(|p| p == "SubnetIds") && stack.aws.subnet_ids.is_empty() {
            bail!(UserError::new("stack.yml sets no aws.subnet_ids, and the template launches instances into them")
                .with_help("add `subnet_ids: [subnet-…]` under `aws:` in stack.yml, then run `stackchef generate aws`"));
        }
        // The template's defaults say the same; passing them explicitly keeps a hand-edited
        // template in step with stack.yml (and suits emulators that do not split list defaults).
        if let (true, Some(vpc)) = (parameters.iter().any(|p| p == "VpcId"), &stack.aws.vpc_id) {
            overrides.push(("VpcId".to_string(), vpc.clone()));
        }
        if parameters.iter().any(|p| p == "SubnetIds") {
            overrides.push(("SubnetIds".to_string(), stack.aws.subnet_ids.join(",")));
        }
        Ok(Plan {
            stack,
            stack_name,
            region,
            template_path,
            parameters,
            overrides,
        })
    }
}

impl Plan {
    /// Find the AWS CLI and check the credentials; returns the session and the caller's ARN.
    pub fn connect(self, req: &Request) -> Result<(Session, Option<String>)> {
        let aws = AwsCli::find(req, &self.region)?;
        let identity = aws.json(&["sts", "get-caller-identity"]).map_err(|e| {
            if is_credentials_error(&e) {
                anyhow::Error::new(
                    UserError::new(format!("no usable AWS credentials: {e}")).with_help(
                        "run `aws configure`, pass --profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                    ),
                )
            } else {
                e.context("checking the AWS credentials (aws sts get-caller-identity)")
            }
        })?;
        let arn = identity["Arn"].as_str().map(str::to_string);
        Ok((
            Session {
                aws,
                plan: self,
                s3_bucket: req.s3_bucket.clone(),
                s3_prefix: req.s3_prefix.clone(),
            },
            arn,
        ))
    }
}

/// A checked deploy and the AWS CLI to run it with.
pub struct Session {
    aws: AwsCli,
    pub plan: Plan,
    s3_bucket: Option<String>,
    s3_prefix: Option<String>,
}

/// What `aws cloudformation deploy --no-execute-changeset` left.
pub enum ChangeSet {
    /// Nothing to change: the stack is up to date.
    UpToDate,
    Pending(PendingChangeSet),
}

/// A change set waiting to be executed or deleted.
pub struct PendingChangeSet {
    pub arn: String,
    /// Whether it creates the stack (the stack is under review, with no resources yet).
    pub creating: bool,
    /// `aws cloudformation describe-change-set` output.
    pub described: Value,
}

impl Session {
    /// Look up the VPC's CIDR when the template asks for `VpcCidr`.
    pub fn lookup_vpc_cidr(&mut self) -> Result<()> {
        if self.plan.parameters.iter().any(|p| p == "VpcCidr") {
            let vpc = self.plan.stack.aws.vpc_id.as_deref().unwrap_or_default();
            let vpcs = self
                .aws
                .json(&["ec2", "describe-vpcs", "--vpc-ids", vpc])
                .with_context(|| format!("looking up the CIDR of {vpc} for the security groups"))?;
            let cidr = vpcs["Vpcs"][0]["CidrBlock"]
                .as_str()
                .with_context(|| format!("{vpc} has no IPv4 CIDR block"))?;
            self.plan
                .overrides
                .push(("VpcCidr".to_string(), cidr.to_string()));
        }
        Ok(())
    }

    /// Create (without executing) the change set, and describe it.
    pub fn create_change_set(&self) -> Result<ChangeSet> {
        let stack_name = &self.plan.stack_name;
        let mut overrides = self.plan.overrides.clone();
        overrides.sort();
        let mut deploy: Vec<String> = ["cloudformation", "deploy", "--template-file"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        deploy.push(self.plan.template_path.display().to_string());
        deploy.extend(
            [
                "--stack-name",
                stack_name,
                "--capabilities",
                "CAPABILITY_NAMED_IAM",
                "--no-fail-on-empty-changeset",
                "--no-execute-changeset",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        if let Some(bucket) = &self.s3_bucket {
            deploy.extend(["--s3-bucket".to_string(), bucket.clone()]);
            if let Some(prefix) = &self.s3_prefix {
                deploy.extend(["--s3-prefix".to_string(), prefix.clone()]);
            }
        }
        if !overrides.is_empty() {
            deploy.push("--parameter-overrides".to_string());
            deploy.extend(overrides.iter().map(|(k, v)| format!("{k}={v}")));
        }
        let out = self.aws.run(&deploy)?;
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if text.contains("No changes to deploy") {
            return Ok(ChangeSet::UpToDate);
        }
        let Some(change_set) = change_set_arn(&text) else {
            bail!("`aws cloudformation deploy` did not report a change set:\n{text}");
        };

        let stack_status = self.aws.json(&[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            stack_name,
        ])?["Stacks"][0]["StackStatus"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let creating = stack_status == "REVIEW_IN_PROGRESS";
        let described = self.aws.json(&[
            "cloudformation",
            "describe-change-set",
            "--stack-name",
            stack_name,
            "--change-set-name",
            &change_set,
        ])?;
        Ok(ChangeSet::Pending(PendingChangeSet {
            arn: change_set,
            creating,
            described,
        }))
    }

    /// Delete a change set that will not be applied (and the stack it would have created).
    pub fn discard(&self, change_set: &PendingChangeSet) -> Result<()> {
        let stack_name = &self.plan.stack_name;
        self.aws.run_strs(&[
            "cloudformation",
            "delete-change-set",
            "--stack-name",
            stack_name,
            "--change-set-name",
            &change_set.arn,
        ])?;
        if change_set.creating {
            // A stack under review has no resources yet: leave nothing behind.
            self.aws
                .run_strs(&["cloudformation", "delete-stack", "--stack-name", stack_name])?;
        }
        Ok(())
    }

    /// Start applying the change set.
    pub fn execute(&self, change_set: &PendingChangeSet) -> Result<()> {
        self.aws.run_strs(&[
            "cloudformation",
            "execute-change-set",
            "--stack-name",
            &self.plan.stack_name,
            "--change-set-name",
            &change_set.arn,
        ])?;
        Ok(())
    }

    /// Wait until the executed change set is applied; the failed resources' reasons otherwise.
    pub fn wait(&self, change_set: &PendingChangeSet) -> Result<()> {
        let stack_name = &self.plan.stack_name;
        let waiter = if change_set.creating {
            "stack-create-complete"
        } else {
            "stack-update-complete"
        };
        if let Err(e) =
            self.aws
                .run_strs(&["cloudformation", "wait", waiter, "--stack-name", stack_name])
        {
            let reasons = failure_reasons(&self.aws, stack_name);
            bail!("the change set did not apply: {e}{reasons}");
        }
        Ok(())
    }

    /// The stack's outputs (`describe-stacks`), if they can be read.
    pub fn outputs(&self) -> Option<Value> {
        self.aws
            .json(&[
                "cloudformation",
                "describe-stacks",
                "--stack-name",
                &self.plan.stack_name,
            ])
            .ok()
            .map(|stacks| stacks["Stacks"][0]["Outputs"].clone())
    }
}

/// Refuse, before any AWS call, a template CloudFormation would not take: over its limits
/// whichever way it is sent, or over 51,200 bytes without an S3 bucket to send it through.
fn check_template_size(
    stack: &Stack,
    req: &Request,
    template_path: &Path,
    template: &str,
) -> Result<()> {
    let shown = template_path.display().to_string();
    let stats = limits::TemplateStats::of(template).with_context(|| format!("reading {shown}"))?;
    let images = limits::ImageCounts {
        images: stack.images.len(),
        launched: stack.images.values().filter(|i| i.count > 0).count(),
    };
    limits::check(&shown, &stats, images)?;
    if let Some(bucket) = &req.s3_bucket {
        if !is_bucket_name(bucket) {
            bail!("--s3-bucket {bucket}: not an S3 bucket name (3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit)");
        }
    } else if stats.bytes > limits::MAX_INLINE_BYTES {
        bail!(UserError::new(format!(
            "{shown} is {} bytes; CloudFormation takes at most {} bytes of template inline, so `aws cloudformation deploy` needs an S3 bucket to upload it to",
            limits::thousands(stats.bytes),
            limits::thousands(limits::MAX_INLINE_BYTES),
        ))
        .with_help(format!(
            "pass --s3-bucket BUCKET (an existing bucket in {}; optionally --s3-prefix PREFIX); nothing was sent to AWS",
            req.region.as_deref().unwrap_or(&stack.aws.region)
        )));
    }
    Ok(())
}

/// S3's rules for bucket names, so a typo fails here rather than halfway through a deploy.
fn is_bucket_name(name: &str) -> bool {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge(name.chars().next())
        && edge(name.chars().last())
        && !name.contains("..")
}

/// The AMI id for every `<Image>AmiId` parameter of the template.
fn resolve_amis(
    stack: &Stack,
    req: &Request,
    parameters: &[String],
    region: &str,
) -> Result<BTreeMap<String, String>> {
    let mut from_flags: BTreeMap<String, String> = BTreeMap::new();
    for pair in &req.ami {
        let Some((image, ami)) = pair.split_once('=') else {
            bail!("--ami {pair}: expected IMAGE=AMI, e.g. --ami web=ami-0123456789abcdef0");
        };
        if !stack.images.contains_key(image) {
            bail!(
                UserError::new(format!("--ami {pair}: stack.yml has no image `{image}`"))
                    .with_help(format!(
                        "images: {}",
                        stack.images.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))
            );
        }
        if !is_ami_id(ami) {
            bail!("--ami {pair}: `{ami}` is not an AMI id (ami- followed by 8 or 17 hex digits)");
        }
        from_flags.insert(image.to_string(), ami.to_string());
    }
    let manifest_path = req.out.join(PACKER_MANIFEST);
    let manifest =
        match std::fs::read_to_string(&manifest_path) {
            Ok(text) => Some(PackerManifest::parse(&text).with_context(|| {
                format!("reading the Packer manifest {}", manifest_path.display())
            })?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(e).with_context(|| format!("reading {}", manifest_path.display()));
            }
        };

    let mut out = BTreeMap::new();
    let mut missing = Vec::new();
    for image in stack.images.values() {
        let param = ami_parameter(&image.name);
        if !parameters.contains(&param) {
            continue;
        }
        let found = from_flags.get(&image.name).cloned().or_else(|| {
            manifest
                .as_ref()
                .and_then(|m| m.latest_ami(&stack.name, &image.name, region))
        });
        match found {
            Some(ami) => {
                out.insert(param, ami);
            }
            None => missing.push(image),
        }
    }
    for param in parameters.iter().filter(|p| p.ends_with("AmiId")) {
        if !out.contains_key(param) && !missing.iter().any(|i| &ami_parameter(&i.name) == param) {
            bail!(UserError::new(format!(
                "{TEMPLATE_PATH} asks for {param}, which no image of stack.yml matches"
            ))
            .with_help("regenerate it: stackchef generate aws"));
        }
    }
    if !missing.is_empty() {
        let mut msg = String::from("refusing to launch images that have not been built:");
        for image in &missing {
            msg.push_str(&format!(
                "\n  - `{}` (count: {}) has no AMI for {region}",
                image.name, image.count
            ));
        }
        bail!(UserError::new(msg)
            .with_note(format!("looked in {} and --ami", manifest_path.display()))
            .with_help("build them (`ci/build.sh` or `packer build packer/`), or pass --ami IMAGE=ami-…, or set `count: 0` in stack.yml"));
    }
    Ok(out)
}

fn is_ami_id(s: &str) -> bool {
    s.strip_prefix("ami-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// The Packer `manifest` post-processor's output: `{"builds": [...], "last_run_uuid": "…"}`,
/// every build appended as it finishes. Read tolerantly:
/// - the image of a build is `custom_data.image` (our templates set it), else the build's
///   `name` (`web`, or the last dot-separated part of `web.amazon-ebs.web`);
/// - a build whose `custom_data.stack` names another stack is ignored;
/// - `artifact_id` is `region:ami-…`, comma-separated when copied to several regions; only the
///   deploy region counts;
/// - the newest build wins (largest `build_time`, then the later entry).
pub struct PackerManifest {
    builds: Vec<ManifestBuild>,
}

struct ManifestBuild {
    image: String,
    stack: Option<String>,
    build_time: i64,
    amis: Vec<(String, String)>,
}

impl PackerManifest {
    pub fn parse(text: &str) -> Result<PackerManifest> {
        let doc: Value = serde_json::from_str(text).context("not valid JSON")?;
        let Some(builds) = doc["builds"].as_array() else {
            bail!("no `builds` list: is this the output of Packer's manifest post-processor?");
        };
        let mut out = Vec::new();
        for build in builds {
            let image = build["custom_data"]["image"].as_str().or_else(|| {
                build["name"]
                    .as_str()
                    .map(|n| n.rsplit('.').next().unwrap_or(n))
            });
            let Some(image) = image else { continue };
            let amis = build["artifact_id"]
                .as_str()
                .unwrap_or_default()
                .split(',')
                .filter_map(|pair| pair.trim().split_once(':'))
                .filter(|(_, ami)| is_ami_id(ami))
                .map(|(r, a)| (r.to_string(), a.to_string()))
                .collect();
            out.push(ManifestBuild {
                image: image.to_string(),
                stack: build["custom_data"]["stack"].as_str().map(str::to_string),
                build_time: build["build_time"].as_i64().unwrap_or(0),
                amis,
            });
        }
        Ok(PackerManifest { builds: out })
    }

    /// The newest AMI of `image` in `region`.
    pub fn latest_ami(&self, stack: &str, image: &str, region: &str) -> Option<String> {
        self.builds
            .iter()
            .enumerate()
            .filter(|(_, b)| b.image == image && b.stack.as_deref().is_none_or(|s| s == stack))
            .filter_map(|(i, b)| {
                b.amis
                    .iter()
                    .find(|(r, _)| r == region)
                    .map(|(_, ami)| ((b.build_time, i), ami.clone()))
            })
            .max_by_key(|(key, _)| *key)
            .map(|(_, ami)| ami)
    }
}

/// The change set's ARN in `aws cloudformation deploy --no-execute-changeset` output.
fn change_set_arn(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with("arn:") && w.contains(":changeSet/"))
        .map(str::to_string)
}

/// The first failed resources' reasons from the stack events, for the error message.
fn failure_reasons(aws: &AwsCli, stack_name: &str) -> String {
    let Ok(events) = aws.json(&[
        "cloudformation",
        "describe-stack-events",
        "--stack-name",
        stack_name,
    ]) else {
        return String::new();
    };
    let mut out = String::new();
    for e in events["StackEvents"]
        .as_array()
        .into_iter()
        .flatten()
        .take(50)
    {
        let status = e["ResourceStatus"].as_str().unwrap_or_default();
        if status.ends_with("_FAILED") {
            out.push_str(&format!(
                "\n  - {} {}: {}",
                e["LogicalResourceId"].as_str().unwrap_or("?"),
                status,
                e["ResourceStatusReason"].as_str().unwrap_or("")
            ));
        }
    }
    out
}

fn is_credentials_error(e: &anyhow::Error) -> bool {
    let msg = format!("{e:#}");
    [
        "Unable to locate credentials",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "could not be found",
        "NoCredentialProviders",
    ]
    .iter()
    .any(|needle| msg.contains(needle))
}

/// The AWS CLI with the options every call shares.
struct AwsCli {
    bin: PathBuf,
    common: Vec<String>,
    endpoint_url: Option<String>,
}

impl AwsCli {
    fn find(req: &Request, region: &str) -> Result<AwsCli> {
        let Some(bin) = crate::which::find_executable("aws") else {
            bail!(UserError::new("the AWS CLI (`aws`) is not on PATH; `stackchef aws deploy` runs it to apply the stack")
                .with_help("install it: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"));
        };
        let mut common = vec![
            "--region".to_string(),
            region.to_string(),
            "--output".to_string(),
            "json".to_string(),
        ];
        if let Some(profile) = &req.profile {
            common.extend(["--profile".to_string(), profile.clone()]);
        }
        if let Some(url) = &req.endpoint_url {
            common.extend(["--endpoint-url".to_string(), url.clone()]);
        }
        Ok(AwsCli {
            bin,
            common,
            endpoint_url: req.endpoint_url.clone(),
        })
    }

    fn run_strs(&self, args: &[&str]) -> Result<Output> {
        self.run(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn run(&self, args: &[String]) -> Result<Output> {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .args(&self.common)
            .env("AWS_PAGER", "")
            .stdin(Stdio::null());
        // `aws cloudformation deploy --s3-bucket` uploads with an S3 client of its own, which
        // ignores --endpoint-url: point it at the same endpoint unless the caller chose one.
        if let Some(url) = &self.endpoint_url {
            if std::env::var_os("AWS_ENDPOINT_URL_S3").is_none() {
                cmd.env("AWS_ENDPOINT_URL_S3", url);
            }
        }
        let out = cmd
            .output()
            .with_context(|| format!("running {}", self.bin.display()))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stdout = String::from_utf8_lossy(&out.stdout);
            bail!(
                "`aws {}` failed ({}): {}",
                args.iter().take(2).cloned().collect::<Vec<_>>().join(" "),
                out.status,
                format!("{}\n{}", stdout.trim(), stderr.trim()).trim()
            );
        }
        Ok(out)
    }

    fn json(&self, args: &[&str]) -> Result<Value> {
        let out = self.run_strs(args)?;
        serde_json::from_slice(&out.stdout)
            .with_context(|| format!("parsing the output of `aws {}`", args.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"{
      "builds": [
        {"name": "web", "builder_type": "amazon-ebs", "build_time": 100,
         "artifact_id": "eu-west-1:ami-0aaaaaaaaaaaaaaaa", "custom_data": {"stack": "shop", "image": "web"}},
        {"name": "base", "builder_type": "amazon-ebs", "build_time": 150,
         "artifact_id": "eu-west-1:ami-0bbbbbbbbbbbbbbbb,us-east-1:ami-0cccccccccccccccc"},
        {"name": "web", "builder_type": "amazon-ebs", "build_time": 200,
         "artifact_id": "eu-west-1:ami-0dddddddddddddddd", "custom_data": {"stack": "shop", "image": "web"}},
        {"name": "web", "builder_type": "amazon-ebs", "build_time": 300,
         "artifact_id": "eu-west-1:ami-0eeeeeeeeeeeeeeee", "custom_data": {"stack": "other", "image": "web"}},
        {"name": "db.amazon-ebs.db", "build_time": 10, "artifact_id": "eu-west-1:ami-12345678"}
      ],
      "last_run_uuid": "x"
    }"#;

    #[test]
    fn manifest_picks_the_newest_build_of_this_stack_in_the_region() {
        let m = PackerManifest::parse(MANIFEST).unwrap();
        assert_eq!(
            m.latest_ami("shop", "web", "eu-west-1").as_deref(),
            Some("ami-0dddddddddddddddd")
        );
        assert_eq!(
            m.latest_ami("shop", "base", "us-east-1").as_deref(),
            Some("ami-0cccccccccccccccc")
        );
        assert_eq!(
            m.latest_ami("shop", "db", "eu-west-1").as_deref(),
            Some("ami-12345678")
        );
        assert_eq!(m.latest_ami("shop", "web", "us-west-2"), None);
        assert_eq!(m.latest_ami("shop", "cache", "eu-west-1"), None);
    }

    #[test]
    fn manifest_errors_are_clear() {
        assert!(PackerManifest::parse("{").is_err());
        let err = PackerManifest::parse("{}").err().unwrap().to_string();
        assert!(err.contains("builds"), "{err}");
    }

    #[test]
    fn bucket_names() {
        for ok in ["abc", "my-bucket.templates", "0bucket9"] {
            assert!(is_bucket_name(ok), "{ok}");
        }
        for bad in [
            "ab",
            "My-Bucket",
            "-abc",
            "abc-",
            "a..b",
            "s3://abc",
            &"a".repeat(64),
        ] {
            assert!(!is_bucket_name(bad), "{bad}");
        }
    }

    #[test]
    fn ami_ids() {
        assert!(is_ami_id("ami-12345678"));
        assert!(is_ami_id("ami-0123456789abcdef0"));
        assert!(!is_ami_id("ami-123"));
        assert!(!is_ami_id("i-0123456789abcdef0"));
        assert!(!is_ami_id("ami-0123456789abcdefg"));
    }

    #[test]
    fn parameters_of_a_template() {
        let t = "# c\nParameters:\n  VpcId:\n    Type: x\n    Default: \"a\"\n  WebAmiId:\n    Type: y\n\nResources:\n  HostedZone:\n    Type: z\n";
        let sections = limits::Sections::of(t).unwrap();
        assert_eq!(sections.keys("Parameters"), ["VpcId", "WebAmiId"]);
    }

    #[test]
    fn change_set_arn_from_cli_output() {
        let out = "\nWaiting for changeset to be created..\nChangeset created successfully. Run the following command to review changes:\naws cloudformation describe-change-set --change-set-name arn:aws:cloudformation:eu-west-1:123456789012:changeSet/awscli-x/5968e62f\n";
        assert_eq!(
            change_set_arn(out).as_deref(),
            Some("arn:aws:cloudformation:eu-west-1:123456789012:changeSet/awscli-x/5968e62f")
        );
    }
}
