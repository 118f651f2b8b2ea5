//! The `cookbooks` generator: a resource library `<name>_common` and one thin cookbook per
//! image `<name>_<image>`, every one complete (metadata, Policyfile, kitchen, InSpec tests,
//! README, CHANGELOG, LICENSE, chefignore, .rubocop.yml).
//!
//! Behaviour lives in the library's custom resources (`<name>_service`, `<name>_dns_record`);
//! image recipes only declare packages, services and DNS records. There are no attribute files
//! and no include-all recipes: a layered image's Policyfile lists its parent's recipe first.

mod escape;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde::Serialize;

use crate::generate::Generator;
use crate::plan::{PlannedFile, Target};
use crate::stack::{ChefClient, Image, License, Platform, Service, Stack};
use crate::templates::{Filters, Renderer};

pub use escape::{md_code, ruby_str, yaml_str};

/// Oldest Chef Infra Client the generated cookbooks support (`unified_mode true` is explicit,
/// so 17 behaves like 18).
const MIN_CHEF_VERSION: &str = "17";

/// The cookbooks generator.
pub struct Cookbooks;

impl Generator for Cookbooks {
    fn target(&self) -> Target {
        Target::Cookbooks
    }

    fn filters(&self) -> Filters {
        escape::filters()
    }

    fn files(&self, stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
        files(stack, templates)
    }
}

/// Every file of this target.
pub fn files(stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
    let stack_ctx = StackCtx::new(stack);
    let mut out = Vec::new();

    let common = CookbookCtx::common(stack);
    let ctx = Ctx {
        stack: &stack_ctx,
        cookbook: &common,
        image: None,
    };
    let dir = format!("cookbooks/{}", common.name);
    for (template, path) in [
        ("common/resources/service.rb", "resources/service.rb"),
        ("common/resources/dns_record.rb", "resources/dns_record.rb"),
        ("common/files/dns_record.py", "files/dns_record.py"),
        (
            "common/templates/environment.erb",
            "templates/environment.erb",
        ),
        ("common/README.md", "README.md"),
        (
            "common/test/integration/default/default_test.rb",
            "test/integration/default/default_test.rb",
        ),
        (
            "common/test/fixtures/metadata.rb",
            &common.fixture_path("metadata.rb"),
        ),
        (
            "common/test/fixtures/recipes/default.rb",
            &common.fixture_path("recipes/default.rb"),
        ),
    ] {
        out.push(render(templates, template, &ctx, &dir, path)?);
    }
    out.extend(shared_files(templates, &ctx, &dir)?);

    for image in stack.images_in_build_order() {
        let cookbook = CookbookCtx::image(stack, image);
        let image_ctx = ImageCtx::new(stack, image);
        let ctx = Ctx {
            stack: &stack_ctx,
            cookbook: &cookbook,
            image: Some(&image_ctx),
        };
        let dir = format!("cookbooks/{}", cookbook.name);
        for (template, path) in [
            ("image/recipes/default.rb", "recipes/default.rb".to_string()),
            ("image/README.md", "README.md".to_string()),
            (
                "image/test/integration/default_test.rb",
                format!("test/integration/{}/default_test.rb", image.name),
            ),
        ] {
            out.push(render(templates, template, &ctx, &dir, &path)?);
        }
        out.extend(shared_files(templates, &ctx, &dir)?);
    }
    Ok(out)
}

/// Files every cookbook has, from the `shared/` templates.
fn shared_files(templates: &Renderer, ctx: &Ctx, dir: &str) -> Result<Vec<PlannedFile>> {
    let license = match ctx.stack.license {
        License::Apache2 => "licenses/Apache-2.0",
        License::Mit => "licenses/MIT",
        License::AllRightsReserved => "licenses/all-rights-reserved",
    };
    [
        ("shared/metadata.rb", "metadata.rb"),
        ("shared/Policyfile.rb", "Policyfile.rb"),
        ("shared/kitchen.yml", "kitchen.yml"),
        ("shared/CHANGELOG.md", "CHANGELOG.md"),
        ("shared/chefignore", "chefignore"),
        ("shared/rubocop.yml", ".rubocop.yml"),
        (license, "LICENSE"),
    ]
    .into_iter()
    .map(|(template, path)| render(templates, template, ctx, dir, path))
    .collect()
}

fn render(
    templates: &Renderer,
    template: &str,
    ctx: &Ctx,
    dir: &str,
    path: &str,
) -> Result<PlannedFile> {
    let text = templates.render(&format!("cookbook-templates/{template}.tera"), ctx)?;
    // PEP 8 wants two blank lines between top-level definitions; RuboCop wants one.
    let max_blank = if path.ends_with(".py") { 2 } else { 1 };
    Ok(PlannedFile::new(
        Target::Cookbooks,
        format!("{dir}/{path}"),
        tidy(&text, max_blank),
    ))
}

/// Normalise template output: no trailing whitespace, at most one blank line in a row, no
/// blank lines at the start, exactly one newline at the end. Templates can then use tera's
/// control flow freely without worrying about the blank lines it leaves behind.
fn tidy(text: &str, max_blank: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > max_blank || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[derive(Serialize)]
struct Ctx<'a> {
    stack: &'a StackCtx,
    cookbook: &'a CookbookCtx,
    image: Option<&'a ImageCtx>,
}

/// Stack-wide values, precomputed so templates stay declarative.
#[derive(Serialize)]
struct StackCtx {
    name: String,
    /// Prefix of systemd unit names: the stack name with `_` as `-`.
    unit_prefix: String,
    version: String,
    maintainer: String,
    maintainer_email: String,
    #[serde(skip)]
    license: License,
    license_id: &'static str,
    license_metadata: &'static str,
    /// `cinc` or `chef`: kitchen's `product_name`.
    chef_product: &'static str,
    chef_client: &'static str,
    chef_version: String,
    min_chef_version: &'static str,
    region: String,
    subnet_id: Option<String>,
    internal_zone: String,
    common_cookbook: String,
    service_resource: String,
    dns_resource: String,
}

impl StackCtx {
    fn new(stack: &Stack) -> StackCtx {
        StackCtx {
            name: stack.name.clone(),
            unit_prefix: stack.name.replace('_', "-"),
            version: stack.version.clone(),
            maintainer: stack.maintainer.clone(),
            maintainer_email: stack.maintainer_email.clone(),
            license: stack.license,
            license_id: stack.license.id(),
            license_metadata: stack.license.metadata_value(),
            chef_product: match stack.chef.client {
                ChefClient::Cinc => "cinc",
                ChefClient::Chef => "chef",
            },
            chef_client: stack.chef.client.client_binary(),
            chef_version: stack.chef.version.clone(),
            min_chef_version: MIN_CHEF_VERSION,
            region: stack.aws.region.clone(),
            subnet_id: stack.aws.subnet_ids.first().cloned(),
            internal_zone: stack.aws.internal_zone.clone(),
            common_cookbook: stack.common_cookbook(),
            service_resource: format!("{}_service", stack.name),
            dns_resource: format!("{}_dns_record", stack.name),
        }
    }
}

/// One cookbook: identity, metadata and test-kitchen settings.
#[derive(Serialize)]
struct CookbookCtx {
    name: String,
    description: String,
    is_common: bool,
    depends: Vec<String>,
    /// `supports` lines: Ohai platform and the oldest version, one per platform family.
    supports: Vec<Supports>,
    kitchen_platforms: Vec<KitchenPlatform>,
    instance_type: String,
    /// The Policyfile run list, parents first.
    run_list: Vec<String>,
    /// Local cookbook sources of the Policyfile: `(name, path relative to this cookbook)`.
    policy_sources: Vec<(String, String)>,
    /// Test Kitchen suite and the InSpec folder under test/integration/.
    suite: String,
    /// Fixture cookbook used by the library's kitchen suite.
    fixture: Option<String>,
}

#[derive(Serialize)]
struct Supports {
    platform: &'static str,
    version: String,
}

#[derive(Serialize)]
struct KitchenPlatform {
    name: String,
    ami_owner: &'static str,
    ami_name: &'static str,
    username: &'static str,
}

impl CookbookCtx {
    fn common(stack: &Stack) -> CookbookCtx {
        let name = stack.common_cookbook();
        let fixture = format!("{name}_test");
        let platforms = stack.platforms();
        let instance_type = smallest_instance_type(stack);
        CookbookCtx {
            description: format!(
                "Custom resources for the {} stack: {}_service and {}_dns_record",
                stack.name, stack.name, stack.name
            ),
            is_common: true,
            depends: Vec::new(),
            supports: supports(&platforms),
            kitchen_platforms: kitchen_platforms(&platforms),
            instance_type,
            run_list: vec![format!("{fixture}::default")],
            policy_sources: vec![
                (name.clone(), ".".to_string()),
                (
                    fixture.clone(),
                    format!("test/fixtures/cookbooks/{fixture}"),
                ),
            ],
            suite: "default".to_string(),
            fixture: Some(fixture),
            name,
        }
    }

    fn image(stack: &Stack, image: &Image) -> CookbookCtx {
        let name = stack.image_cookbook(&image.name);
        let lineage = stack.image_lineage(&image.name);
        let mut policy_sources: Vec<(String, String)> = vec![(name.clone(), ".".to_string())];
        for ancestor in lineage.iter().filter(|i| i.name != image.name) {
            let cb = stack.image_cookbook(&ancestor.name);
            policy_sources.push((cb.clone(), format!("../{cb}")));
        }
        let common = stack.common_cookbook();
        policy_sources.push((common.clone(), format!("../{common}")));
        let description = match &image.from {
            Some(parent) => format!(
                "Bakes the {} image of the {} stack, layered on the {} image",
                image.name, stack.name, parent
            ),
            None => format!("Bakes the {} image of the {} stack", image.name, stack.name),
        };
        CookbookCtx {
            description,
            is_common: false,
            depends: vec![common],
            supports: supports(&[image.platform]),
            kitchen_platforms: kitchen_platforms(&[image.platform]),
            instance_type: image.instance_type.clone(),
            run_list: lineage
                .iter()
                .map(|i| format!("{}::default", stack.image_cookbook(&i.name)))
                .collect(),
            policy_sources,
            suite: image.name.clone(),
            fixture: None,
            name,
        }
    }

    fn fixture_path(&self, rel: &str) -> String {
        let fixture = self.fixture.as_deref().unwrap_or_default();
        format!("test/fixtures/cookbooks/{fixture}/{rel}")
    }
}

/// The cheapest instance type any image uses (the library's kitchen suite needs little).
fn smallest_instance_type(stack: &Stack) -> String {
    stack
        .images
        .values()
        .map(|i| i.instance_type.clone())
        .min_by_key(|t| (instance_size_rank(t), t.clone()))
        .unwrap_or_else(|| "t3.micro".to_string())
}

fn instance_size_rank(instance_type: &str) -> usize {
    const SIZES: [&str; 9] = [
        "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
    ];
    let size = instance_type.split('.').nth(1).unwrap_or("");
    SIZES.iter().position(|s| *s == size).unwrap_or(SIZES.len())
}

fn supports(platforms: &[Platform]) -> Vec<Supports> {
    let mut oldest: BTreeMap<&'static str, Platform> = BTreeMap::new();
    for p in platforms {
        let entry = oldest.entry(p.chef_platform()).or_insert(*p);
        if p < entry {
            *entry = *p;
        }
    }
    oldest
        .into_iter()
        .map(|(platform, p)| Supports {
            platform,
            // Chef version constraints want at least `X.Y`.
            version: if p.version().contains('.') {
                p.version().to_string()
            } else {
                format!("{}.0", p.version())
            },
        })
        .collect()
}

fn kitchen_platforms(platforms: &[Platform]) -> Vec<KitchenPlatform> {
    let mut platforms = platforms.to_vec();
    platforms.sort();
    platforms.dedup();
    platforms
        .into_iter()
        .map(|p| KitchenPlatform {
            name: p.id().to_string(),
            ami_owner: p.ami_owner(),
            ami_name: p.ami_name_filter(),
            username: p.ssh_username(),
        })
        .collect()
}

/// What an image cookbook's recipe, README and tests declare.
#[derive(Serialize)]
struct ImageCtx {
    name: String,
    from: Option<String>,
    parent_cookbook: Option<String>,
    packages: Vec<String>,
    /// Packages of the whole lineage, for the InSpec tests (a layered image keeps its parents').
    lineage_packages: Vec<String>,
    package_manager: &'static str,
    directories: Vec<String>,
    services: Vec<ServiceCtx>,
    dns_records: Vec<DnsCtx>,
}

#[derive(Serialize)]
struct ServiceCtx {
    name: String,
    unit: String,
    command: String,
    user: String,
    /// Only when it differs from the user (the resource's default group is the user).
    group: Option<String>,
    working_directory: Option<String>,
    environment: Vec<(String, String)>,
    restart: &'static str,
    port: Option<u16>,
    /// Linux capabilities the unit needs, e.g. binding a port below 1024 as a non-root user.
    capabilities: Vec<&'static str>,
    fqdn: Option<String>,
}

#[derive(Serialize)]
struct DnsCtx {
    fqdn: String,
    services: Vec<String>,
}

impl ImageCtx {
    fn new(stack: &Stack, image: &Image) -> ImageCtx {
        let services: Vec<ServiceCtx> = stack
            .services_on(&image.name)
            .map(|s| ServiceCtx::new(stack, s))
            .collect();
        let directories: BTreeSet<String> = services
            .iter()
            .filter_map(|s| s.working_directory.clone())
            .collect();
        let mut dns: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for s in &services {
            if let Some(fqdn) = &s.fqdn {
                dns.entry(fqdn.clone()).or_default().push(s.name.clone());
            }
        }
        let mut lineage_packages = Vec::new();
        for ancestor in stack.image_lineage(&image.name) {
            for p in &ancestor.packages {
                if !lineage_packages.contains(p) {
                    lineage_packages.push(p.clone());
                }
            }
        }
        ImageCtx {
            name: image.name.clone(),
            from: image.from.clone(),
            parent_cookbook: image.from.as_ref().map(|p| stack.image_cookbook(p)),
            packages: image.packages.clone(),
            lineage_packages,
            package_manager: image.platform.package_manager(),
            directories: directories.into_iter().collect(),
            services,
            dns_records: dns
                .into_iter()
                .map(|(fqdn, services)| DnsCtx { fqdn, services })
                .collect(),
        }
    }
}

impl ServiceCtx {
    fn new(stack: &Stack, service: &Service) -> ServiceCtx {
        let privileged_port = service.port.is_some_and(|p| p < 1024);
        ServiceCtx {
            name: service.name.clone(),
            unit: service.unit_name(&stack.name),
            command: service.command.clone(),
            user: service.user.clone(),
            group: (service.group != service.user).then(|| service.group.clone()),
            working_directory: service.working_directory.clone(),
            environment: service
                .environment
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            restart: service.restart.as_str(),
            port: service.port,
            capabilities: if privileged_port && service.user != "root" {
                vec!["CAP_NET_BIND_SERVICE"]
            } else {
                Vec::new()
            },
            fqdn: stack.service_fqdn(service),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 15): every target's filters used to share one tera namespace, and the
    /// aws `yaml_str` (registered last) replaced the cookbooks one, so kitchen.yml lost the ERB
    /// escaping Test Kitchen needs: `<%= 1 %>` came out as `"<%= 1 %>"`, which ERB evaluates.
    /// Stack validation keeps such values out of kitchen.yml today, so this renders the template
    /// directly with a value validation would refuse.
    #[test]
    fn kitchen_yml_uses_the_erb_inert_yaml_str() {
        let stack = crate::stack::load_str(
            "name: x\nmaintainer: Ops\nmaintainer_email: ops@x.example\nimages:\n  base: {}\n",
            "stack.yml",
        )
        .map_err(|e| e.render(false))
        .unwrap();
        let stack_ctx = StackCtx::new(&stack);
        let mut cookbook = CookbookCtx::common(&stack);
        cookbook.instance_type = "<%= 1 %>".to_string();
        let ctx = Ctx {
            stack: &stack_ctx,
            cookbook: &cookbook,
            image: None,
        };
        // The engine `generate::plan` gives this target.
        let templates = crate::templates::Templates::load(None)
            .unwrap()
            .renderer(Cookbooks.filters());
        let file = render(
            &templates,
            "shared/kitchen.yml",
            &ctx,
            "cookbooks/x",
            "kitchen.yml",
        )
        .unwrap();
        assert!(
            file.contents.contains(r#"instance_type: "<%%= 1 %>""#),
            "{}",
            file.contents
        );
    }

    #[test]
    fn tidy_trims_and_collapses_blank_lines() {
        assert_eq!(tidy("\n\na  \n\n\n\nb\t\n\n\n", 1), "a\n\nb\n");
        assert_eq!(tidy("a\n\n\n\nb", 2), "a\n\n\nb\n");
        assert_eq!(tidy("x", 1), "x\n");
    }

    #[test]
    fn instance_sizes_rank_small_before_large() {
        assert!(instance_size_rank("t3.micro") < instance_size_rank("t3.small"));
        assert!(instance_size_rank("m6i.large") < instance_size_rank("c6i.xlarge"));
    }

    #[test]
    fn supports_keeps_the_oldest_version_per_platform() {
        let s = supports(&[
            Platform::Ubuntu2404,
            Platform::Ubuntu2204,
            Platform::AmazonLinux2023,
        ]);
        let pairs: Vec<(&str, &str)> = s.iter().map(|s| (s.platform, s.version.as_str())).collect();
        assert_eq!(pairs, [("amazon", "2023.0"), ("ubuntu", "22.04")]);
    }
}
