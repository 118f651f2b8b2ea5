//! The `packer` generator: HCL2 under `packer/` that bakes one AMI per image, parents first.
//!
//! Layout (every `*.pkr.hcl` in one directory is one Packer configuration, so source and build
//! names are the image names, which are unique):
//! - `plugins.pkr.hcl`: only the `packer { required_plugins }` block (Packer >= 1.7);
//! - `variables.pkr.hcl`: inputs with defaults from `stack.yml`, and the build timestamp;
//! - `<image>.pkr.hcl`: one `amazon-ebs` source and one build per image;
//! - `scripts/*.sh`: the provisioning scripts the builds run.
//!
//! Provisioning uploads the cookbooks of the image's lineage (plus the common library) with the
//! `file` provisioner and converges them with the Cinc/Chef client in local mode: it needs only
//! the client on the instance, no Chef Server and no Workstation (`chef install`/`chef export`
//! would), because the generated cookbooks depend on nothing outside that upload.

use anyhow::Result;
use serde::Serialize;

use crate::generate::Generator;
use crate::plan::{PlannedFile, Target};
use crate::stack::{Image, Platform, Stack};
use crate::templates::{Filter, Filters, Renderer};

/// Provisioning scripts, rendered from `packer-templates/scripts/<name>.tera` to
/// `packer/scripts/<name>`, in the order the builds run them.
pub const SCRIPTS: [&str; 4] = ["prepare.sh", "install-chef.sh", "converge.sh", "cleanup.sh"];

/// Tag keys stackchef puts on AMIs, snapshots and build instances. A layered image finds its
/// parent by the first two; IAM policies may scope by them.
pub const TAG_STACK: &str = "stackchef:stack";
pub const TAG_IMAGE: &str = "stackchef:image";

/// The packer generator.
pub struct Packer;

impl Generator for Packer {
    fn target(&self) -> Target {
        Target::Packer
    }

    fn filters(&self) -> Filters {
        vec![("hcl_str", string_filter("hcl_str", hcl_str))]
    }

    fn files(&self, stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
        files(stack, templates)
    }
}

/// Every file of this target.
pub fn files(stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
    let ctx = Context::new(stack);
    let mut out = vec![
        PlannedFile::new(
            Target::Packer,
            "packer/plugins.pkr.hcl",
            templates.render("packer-templates/plugins.pkr.hcl.tera", &ctx)?,
        ),
        PlannedFile::new(
            Target::Packer,
            "packer/variables.pkr.hcl",
            templates.render("packer-templates/variables.pkr.hcl.tera", &ctx)?,
        ),
    ];
    for image in &ctx.images {
        let image_ctx = ImageFileContext {
            stack: &ctx.stack,
            image,
        };
        out.push(PlannedFile::new(
            Target::Packer,
            format!("packer/{}.pkr.hcl", image.name),
            templates.render("packer-templates/image.pkr.hcl.tera", &image_ctx)?,
        ));
    }
    for script in SCRIPTS {
        out.push(
            PlannedFile::new(
                Target::Packer,
                format!("packer/scripts/{script}"),
                templates.render(&format!("packer-templates/scripts/{script}.tera"), &ctx)?,
            )
            .executable(),
        );
    }
    Ok(out)
}

/// What every Packer template sees.
#[derive(Debug, Serialize)]
struct Context {
    stack: StackContext,
    images: Vec<ImageContext>,
}

#[derive(Debug, Serialize)]
struct StackContext {
    name: String,
    version: String,
    region: String,
    chef_client: &'static str,
    chef_version: String,
}

#[derive(Debug, Serialize)]
struct ImageContext {
    name: String,
    /// Parent image, for a layered image.
    parent: Option<String>,
    platform: &'static str,
    description: String,
    /// Owner of the source AMI: the platform vendor, or `self` for a layered image.
    ami_owner: String,
    ami_name_filter: &'static str,
    ssh_username: &'static str,
    root_device: &'static str,
    instance_type: String,
    volume_size: u32,
    /// Cookbooks uploaded to the build instance: the common library, then the lineage's.
    cookbooks: Vec<String>,
    /// `recipe[<stack>_<root>],…,recipe[<stack>_<image>]`: the whole lineage, root first, so
    /// a layered image re-applies (idempotently) what its parent baked.
    run_list: String,
    /// `KEY=value` entries for the converging shell provisioner.
    environment: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ImageFileContext<'a> {
    stack: &'a StackContext,
    image: &'a ImageContext,
}

impl Context {
    fn new(stack: &Stack) -> Context {
        let chef_client = stack.chef.client.as_str();
        Context {
            stack: StackContext {
                name: stack.name.clone(),
                version: stack.version.clone(),
                region: stack.aws.region.clone(),
                chef_client,
                chef_version: stack.chef.version.clone(),
            },
            images: stack
                .images_in_build_order()
                .into_iter()
                .map(|image| image_context(stack, image))
                .collect(),
        }
    }
}

fn image_context(stack: &Stack, image: &Image) -> ImageContext {
    let lineage: Vec<String> = stack
        .image_lineage(&image.name)
        .iter()
        .map(|i| stack.image_cookbook(&i.name))
        .collect();
    let run_list = lineage
        .iter()
        .map(|c| format!("recipe[{c}]"))
        .collect::<Vec<_>>()
        .join(",");
    let mut cookbooks = vec![stack.common_cookbook()];
    cookbooks.extend(lineage.iter().cloned());
    let platform = image.platform;
    let description = match &image.from {
        Some(parent) => format!(
            "{} {} image, layered on {}, version {}",
            stack.name, image.name, parent, stack.version
        ),
        None => format!(
            "{} {} image, {}, version {}",
            stack.name,
            image.name,
            platform.id(),
            stack.version
        ),
    };
    ImageContext {
        name: image.name.clone(),
        parent: image.from.clone(),
        platform: platform.id(),
        description,
        ami_owner: if image.from.is_some() {
            "self".to_string()
        } else {
            platform.ami_owner().to_string()
        },
        ami_name_filter: platform.ami_name_filter(),
        ssh_username: platform.ssh_username(),
        root_device: root_device(platform),
        instance_type: image.instance_type.clone(),
        volume_size: image.volume_size,
        environment: vec![
            format!("CHEF_CLIENT={}", stack.chef.client.as_str()),
            format!("CHEF_VERSION={}", stack.chef.version),
            format!("RUN_LIST={run_list}"),
        ],
        cookbooks,
        run_list,
    }
}

/// Root device name of the vendor AMIs: the launch block device mapping must name it to resize
/// and encrypt the root volume instead of attaching a second one.
pub fn root_device(platform: Platform) -> &'static str {
    match platform {
        Platform::Ubuntu2204 | Platform::Ubuntu2404 => "/dev/sda1",
        Platform::Debian12 | Platform::AmazonLinux2023 => "/dev/xvda",
    }
}

/// `value` as an HCL quoted string: backslash escapes for `"`, `\` and control characters, and
/// `${`/`%{` doubled so Packer reads them literally instead of as interpolation or directives.
pub fn hcl_str(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A tera filter applying `escape` to a string value; anything else is a template bug.
pub(crate) fn string_filter(name: &'static str, escape: fn(&str) -> String) -> Filter {
    Box::new(
        move |value: &tera::Value,
              _args: &std::collections::HashMap<String, tera::Value>|
              -> tera::Result<tera::Value> {
            match value {
                tera::Value::String(s) => Ok(tera::Value::String(escape(s))),
                other => Err(tera::Error::msg(format!(
                    "{name} expects a string, got {other}"
                ))),
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_strings_escape_quotes_backslashes_and_interpolation() {
        assert_eq!(hcl_str("plain"), r#""plain""#);
        assert_eq!(hcl_str(r#"it's "q" \ x"#), r#""it's \"q\" \\ x""#);
        assert_eq!(
            hcl_str("${var.x} %{if} $HOME 100%"),
            r#""$${var.x} %%{if} $HOME 100%""#
        );
        assert_eq!(hcl_str("a\nb\u{7}"), r#""a\nb\u0007""#);
        assert_eq!(hcl_str("ünï"), "\"ünï\"");
    }
}
