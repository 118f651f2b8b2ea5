//! The `aws` generator: `aws/stack.cfn.yaml` (Route53 private zone, per-image IAM role,
//! instance profile, security group, launch template and Auto Scaling group, and the Packer
//! builder and CI deployer managed policies) plus the same policies as standalone JSON under
//! `aws/iam/`.

use anyhow::Result;
use serde::Serialize;

use crate::diag::UserError;
use crate::generate::Generator;
use crate::plan::{PlannedFile, Target};
use crate::stack::{Image, Platform, Stack};
use crate::templates::{Filters, Renderer};

pub mod limits;
pub mod policies;
pub mod policy;

use policy::{Policy, Substitutions};

/// The CloudFormation template, relative to the output directory.
pub const TEMPLATE_PATH: &str = "aws/stack.cfn.yaml";

/// The default CloudFormation stack name of a project.
pub fn default_stack_name(stack: &Stack) -> String {
    format!("{}-stackchef", stack.name.replace('_', "-"))
}

/// Logical-id prefix of an image: `web_api` → `WebApi` (validation checks that no two
/// images share one).
pub use crate::stack::validate::logical_id;

/// Name of the template parameter carrying an image's AMI id, e.g. `WebAmiId`.
pub fn ami_parameter(image: &str) -> String {
    format!("{}AmiId", logical_id(image))
}

/// The device name of the root volume on the vendor's AMIs: a block device mapping for any
/// other name would add a second volume instead of configuring the root one.
pub fn root_device_name(platform: Platform) -> &'static str {
    match platform {
        Platform::Ubuntu2204 | Platform::Ubuntu2404 => "/dev/sda1",
        Platform::Debian12 | Platform::AmazonLinux2023 => "/dev/xvda",
    }
}

/// Lower-case DNS names (Route53's normalized form: no trailing dot) the instances of `image`
/// register at boot: those of the services on the image and on every image it is layered on.
pub fn image_fqdns(stack: &Stack, image: &str) -> Vec<String> {
    let mut names: Vec<String> = stack
        .image_lineage(image)
        .iter()
        .flat_map(|img| stack.services_on(&img.name))
        .filter_map(|svc| stack.service_fqdn(svc))
        .map(|n| n.trim_end_matches('.').to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names
}

#[derive(Serialize)]
struct Port {
    port: u16,
    services: String,
}

/// Ports an image's instances listen on: its services' and its parents' services'.
fn image_ports(stack: &Stack, image: &str) -> Vec<Port> {
    let mut ports: std::collections::BTreeMap<u16, Vec<String>> = Default::default();
    for img in stack.image_lineage(image) {
        for svc in stack.services_on(&img.name) {
            if let Some(port) = svc.port {
                ports.entry(port).or_default().push(svc.name.clone());
            }
        }
    }
    ports
        .into_iter()
        .map(|(port, services)| Port {
            port,
            services: services.join(", "),
        })
        .collect()
}

#[derive(Serialize)]
struct ImageCtx {
    name: String,
    id: String,
    role_name: String,
    role_description: String,
    count: u32,
    max_size: u32,
    instance_type: String,
    volume_size: u32,
    root_device: &'static str,
    platform: &'static str,
    ports: Vec<Port>,
    fqdns: Vec<String>,
    policy: Option<String>,
}

#[derive(Serialize)]
struct Ctx {
    name: String,
    stack_name: String,
    zone: String,
    vpc_id: Option<String>,
    subnet_ids: String,
    any_launched: bool,
    any_ports: bool,
    stack_tag: &'static str,
    image_tag: &'static str,
    images: Vec<ImageCtx>,
    packer_policy: String,
    packer_policy_name: String,
    ci_policy: String,
    ci_policy_name: String,
    /// The statement every DNS-registering role shares, once; `None` when no image has names.
    zone_lookup_policy: Option<String>,
    zone_lookup_policy_name: String,
    policies: Vec<PolicyRow>,
    any_resource: Vec<AnyResourceRow>,
}

#[derive(Serialize)]
struct PolicyRow {
    file: String,
    statements: Vec<String>,
}

#[derive(Serialize)]
struct AnyResourceRow {
    file: String,
    sid: &'static str,
    actions: String,
    why: &'static str,
}

/// Every policy stackchef generates for `stack`, by standalone file name (without `.json`).
pub fn all_policies(stack: &Stack) -> Vec<(String, Policy)> {
    let launched: Vec<&Image> = stack.images.values().filter(|i| i.count > 0).collect();
    let mut out = vec![
        (
            "packer-builder".to_string(),
            policies::packer_builder(stack),
        ),
        (
            "ci-deployer".to_string(),
            policies::ci_deployer(stack, &launched),
        ),
    ];
    for image in stack.images_in_build_order() {
        if let Some(p) = policies::instance_role(&image_fqdns(stack, &image.name)) {
            out.push((format!("instance-{}", image.name), p));
        }
    }
    out
}

/// Names IAM gives the managed policies: within IAM's quota for any valid project name (see
/// `stack::validate::IAM_POLICY_SUFFIXES`); role names are checked when stack.yml is loaded.
fn iam_name(parts: &[&str]) -> String {
    parts.join("-")
}

/// The aws generator.
pub struct Aws;

impl Generator for Aws {
    fn target(&self) -> Target {
        Target::Aws
    }

    fn filters(&self) -> Filters {
        vec![("yaml_str", Box::new(yaml_str_filter))]
    }

    fn files(&self, stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
        files(stack, templates)
    }
}

/// Every file of this target.
pub fn files(stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
    let mut images = Vec::new();
    for image in stack.images_in_build_order() {
        let fqdns = image_fqdns(stack, &image.name);
        images.push(ImageCtx {
            name: image.name.clone(),
            id: logical_id(&image.name),
            role_name: crate::stack::validate::iam_role_name(&stack.name, &image.name),
            role_description: if fqdns.is_empty() {
                format!(
                    "Instances of the {} {} image (no AWS permissions needed)",
                    stack.name, image.name
                )
            } else {
                format!(
                    "Instances of the {} {} image: publish their DNS names in the private zone",
                    stack.name, image.name
                )
            },
            count: image.count,
            max_size: image.count + 1,
            instance_type: image.instance_type.clone(),
            volume_size: image.volume_size,
            root_device: root_device_name(image.platform),
            platform: image.platform.id(),
            ports: image_ports(stack, &image.name),
            policy: policies::register_own_names(&fqdns).map(|p| p.to_yaml()),
            fqdns,
        });
    }
    let launched: Vec<&Image> = stack.images.values().filter(|i| i.count > 0).collect();
    let any_names = images.iter().any(|i| i.policy.is_some());
    let all = all_policies(stack);
    let ctx = Ctx {
        policies: all
            .iter()
            .map(|(name, p)| PolicyRow {
                file: format!("{name}.json"),
                statements: p.statements.iter().map(|s| s.sid.to_string()).collect(),
            })
            .collect(),
        any_resource: all
            .iter()
            .flat_map(|(name, p)| {
                p.statements.iter().filter_map(move |s| {
                    s.why_any_resource.map(|why| AnyResourceRow {
                        file: format!("{name}.json"),
                        sid: s.sid,
                        actions: s
                            .actions
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        why,
                    })
                })
            })
            .collect(),
        name: stack.name.clone(),
        stack_name: default_stack_name(stack),
        zone: stack.aws.internal_zone.trim_end_matches('.').to_string(),
        vpc_id: stack.aws.vpc_id.clone(),
        subnet_ids: stack.aws.subnet_ids.join(","),
        any_launched: !launched.is_empty(),
        any_ports: images.iter().any(|i| !i.ports.is_empty()),
        stack_tag: policies::STACK_TAG,
        image_tag: policies::IMAGE_TAG,
        images,
        packer_policy: policies::packer_builder(stack).to_yaml(),
        packer_policy_name: iam_name(&[&stack.name, "packer-builder"]),
        ci_policy: policies::ci_deployer(stack, &launched).to_yaml(),
        ci_policy_name: iam_name(&[&stack.name, "ci-deployer"]),
        zone_lookup_policy: any_names.then(|| policies::zone_lookup().to_yaml()),
        zone_lookup_policy_name: iam_name(&[&stack.name, "zone-lookup"]),
    };
    let template = templates.render("aws-templates/stack.cfn.yaml.tera", &ctx)?;
    limits::check(
        TEMPLATE_PATH,
        &limits::TemplateStats::of(&template)?,
        image_counts(stack),
    )?;
    let mut files = vec![PlannedFile::new(Target::Aws, TEMPLATE_PATH, template)];

    let subs = standalone_substitutions(stack);
    for (name, policy) in all {
        files.push(PlannedFile::new(
            Target::Aws,
            format!("aws/iam/{name}.json"),
            policy.to_json(&subs),
        ));
    }
    files.push(PlannedFile::new(
        Target::Aws,
        "aws/iam/README.md",
        templates.render("aws-templates/iam-README.md.tera", &ctx)?,
    ));
    Ok(files)
}

fn image_counts(stack: &Stack) -> limits::ImageCounts {
    limits::ImageCounts {
        images: stack.images.len(),
        launched: stack.images.values().filter(|i| i.count > 0).count(),
    }
}

/// Warnings about the generated template that do not stop generation: over 51,200 bytes,
/// `aws cloudformation deploy` needs an S3 bucket. Empty when the plan has no template.
pub fn template_warnings(stack: &Stack, plan: &crate::plan::Plan) -> Vec<UserError> {
    let Some(file) = plan.get(TEMPLATE_PATH) else {
        return Vec::new();
    };
    let Ok(stats) = limits::TemplateStats::of(&file.contents) else {
        return Vec::new();
    };
    limits::inline_warning(TEMPLATE_PATH, &stats, image_counts(stack))
        .into_iter()
        .collect()
}

/// How the standalone documents fill in what CloudFormation knows at deploy time.
pub fn standalone_substitutions(stack: &Stack) -> Substitutions<'static> {
    Substitutions {
        pairs: vec![
            ("AWS::Partition", "aws".to_string()),
            ("AWS::Region", stack.aws.region.clone()),
            ("AWS::AccountId", "*".to_string()),
            ("AWS::StackName", default_stack_name(stack)),
            (policies::HOSTED_ZONE_ID, "HOSTED_ZONE_ID".to_string()),
        ],
    }
}

/// `yaml_str` for the CloudFormation templates: a YAML double-quoted string.
fn yaml_str_filter(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let s = match value {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(policy::yaml_quote(&s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(yaml: &str) -> Result<Vec<PlannedFile>> {
        let stack = crate::stack::load_str(yaml, "stack.yml")
            .map_err(|e| anyhow::anyhow!(e.render(false)))?;
        Aws.render_files(&stack, &crate::templates::Templates::load(None)?)
    }

    const HEAD: &str = "maintainer: Ops\nmaintainer_email: ops@x.example\n";

    #[test]
    fn count_zero_images_get_no_instances_and_no_ami_parameter() {
        let files = render(&format!("name: x\n{HEAD}images:\n  base:\n    count: 0\n")).unwrap();
        let t = &files
            .iter()
            .find(|f| f.path == TEMPLATE_PATH)
            .unwrap()
            .contents;
        assert!(t.contains("BaseRole:") && t.contains("BaseSecurityGroup:"));
        for absent in [
            "AmiId",
            "LaunchTemplate:",
            "AutoScalingGroup:",
            "SubnetIds",
            "VpcCidr",
        ] {
            assert!(!t.contains(absent), "{absent} in\n{t}");
        }
    }

    #[test]
    fn yaml_str_escapes_quotes_and_backslashes() {
        assert_eq!(policy::yaml_quote("a\"b\\c"), r#""a\"b\\c""#);
    }
}
