//! The validated project description. Everything here has passed validation: names are safe to
//! put into paths and Ruby identifiers, references between images and services resolve, and
//! defaults are filled in. Generators read only this model, never the YAML.

use std::collections::BTreeMap;

use serde::Serialize;

/// A whole `stack.yml`, validated, with defaults applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stack {
    /// Project name: `[a-z][a-z0-9_]*`. Prefixes cookbooks (`<name>_common`), resources and AWS names.
    pub name: String,
    /// Version of the generated cookbooks (semantic version `X.Y.Z`).
    pub version: String,
    /// Maintainer written into every cookbook's `metadata.rb`.
    pub maintainer: String,
    /// Maintainer e-mail written into every cookbook's `metadata.rb`.
    pub maintainer_email: String,
    /// SPDX licence id of the generated cookbooks.
    pub license: License,
    /// Default platform of every image.
    pub platform: Platform,
    /// Which Chef client bakes the images.
    pub chef: Chef,
    /// AWS account settings.
    pub aws: Aws,
    /// Images to bake, by name. Iterate with [`Stack::images_in_build_order`] when order matters.
    pub images: BTreeMap<String, Image>,
    /// Long-running services, by name.
    pub services: BTreeMap<String, Service>,
}

/// Chef client settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chef {
    /// `cinc` (the community build, no licence prompt) or `chef`.
    pub client: ChefClient,
    /// Major version of the client, e.g. `"18"`.
    pub version: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChefClient {
    Cinc,
    Chef,
}

impl ChefClient {
    pub const ALL: [&'static str; 2] = ["cinc", "chef"];

    pub fn as_str(self) -> &'static str {
        match self {
            ChefClient::Cinc => "cinc",
            ChefClient::Chef => "chef",
        }
    }

    /// The client executable: `cinc-client` or `chef-client`.
    pub fn client_binary(self) -> &'static str {
        match self {
            ChefClient::Cinc => "cinc-client",
            ChefClient::Chef => "chef-client",
        }
    }
}

/// AWS settings shared by the Packer, CloudFormation and DNS generators.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aws {
    /// Region, e.g. `us-east-1`.
    pub region: String,
    /// VPC the private hosted zone is associated with and instances run in. When absent the
    /// generated CloudFormation asks for it as a parameter.
    pub vpc_id: Option<String>,
    /// Subnets the Auto Scaling groups launch into. When empty the generated CloudFormation
    /// asks for them as a parameter.
    pub subnet_ids: Vec<String>,
    /// Route53 private zone, e.g. `shop.internal`. Defaults to `<name>.internal`.
    pub internal_zone: String,
}

/// One machine image (AMI) and the cookbook that bakes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    /// Image name: `[a-z][a-z0-9_]*`; the cookbook is `<stack>_<image>`.
    pub name: String,
    /// Parent image this one is baked from (layered AMI), if any.
    pub from: Option<String>,
    /// OS packages installed by this image (parents' packages are not repeated).
    pub packages: Vec<String>,
    /// EC2 instance type used to bake and to run this image.
    pub instance_type: String,
    /// Platform; a layered image always has its parent's platform.
    pub platform: Platform,
    /// Root volume size in GiB.
    pub volume_size: u32,
    /// Instances launched from this image (0: bake only).
    pub count: u32,
}

/// A long-running process, run as a sandboxed systemd unit on its image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    /// Service name: `[a-z][a-z0-9_]*`; the unit is `<stack>-<service>.service` (underscores become dashes).
    pub name: String,
    /// Image the service runs on.
    pub image: String,
    /// Command line (free text; generators escape it).
    pub command: String,
    /// System user the service runs as. Defaults to the stack name.
    pub user: String,
    /// System group the service runs as. Defaults to the user.
    pub group: String,
    /// Working directory, an absolute path.
    pub working_directory: Option<String>,
    /// Environment variables (values are free text; generators escape them).
    pub environment: BTreeMap<String, String>,
    /// TCP port the service listens on, opened in the image's security group.
    pub port: Option<u16>,
    /// DNS label: `<dns>.<internal_zone>` points at the instance's private IP, registered at boot.
    pub dns: Option<String>,
    /// systemd `Restart=` policy.
    pub restart: Restart,
}

/// systemd `Restart=` policies we allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Restart {
    No,
    Always,
    OnFailure,
    OnAbnormal,
    OnAbort,
    OnSuccess,
}

impl Restart {
    pub const ALL: [&'static str; 6] = [
        "no",
        "always",
        "on-failure",
        "on-abnormal",
        "on-abort",
        "on-success",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Restart::No => "no",
            Restart::Always => "always",
            Restart::OnFailure => "on-failure",
            Restart::OnAbnormal => "on-abnormal",
            Restart::OnAbort => "on-abort",
            Restart::OnSuccess => "on-success",
        }
    }

    pub fn parse(s: &str) -> Option<Restart> {
        Self::ALL.iter().position(|x| *x == s).map(|i| {
            [
                Restart::No,
                Restart::Always,
                Restart::OnFailure,
                Restart::OnAbnormal,
                Restart::OnAbort,
                Restart::OnSuccess,
            ][i]
        })
    }
}

/// Operating systems images can be built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Platform {
    #[serde(rename = "ubuntu-22.04")]
    Ubuntu2204,
    #[serde(rename = "ubuntu-24.04")]
    Ubuntu2404,
    #[serde(rename = "debian-12")]
    Debian12,
    #[serde(rename = "amazonlinux-2023")]
    AmazonLinux2023,
}

impl Platform {
    pub const ALL: [Platform; 4] = [
        Platform::Ubuntu2204,
        Platform::Ubuntu2404,
        Platform::Debian12,
        Platform::AmazonLinux2023,
    ];

    /// The id used in `stack.yml`, e.g. `ubuntu-22.04`.
    pub fn id(self) -> &'static str {
        match self {
            Platform::Ubuntu2204 => "ubuntu-22.04",
            Platform::Ubuntu2404 => "ubuntu-24.04",
            Platform::Debian12 => "debian-12",
            Platform::AmazonLinux2023 => "amazonlinux-2023",
        }
    }

    pub fn parse(s: &str) -> Option<Platform> {
        Self::ALL.into_iter().find(|p| p.id() == s)
    }

    /// Ohai's `platform` value, as used by `supports` in `metadata.rb` and by kitchen.
    pub fn chef_platform(self) -> &'static str {
        match self {
            Platform::Ubuntu2204 | Platform::Ubuntu2404 => "ubuntu",
            Platform::Debian12 => "debian",
            Platform::AmazonLinux2023 => "amazon",
        }
    }

    /// The platform version, e.g. `22.04`.
    pub fn version(self) -> &'static str {
        match self {
            Platform::Ubuntu2204 => "22.04",
            Platform::Ubuntu2404 => "24.04",
            Platform::Debian12 => "12",
            Platform::AmazonLinux2023 => "2023",
        }
    }

    /// The login user of the vendor's AMIs.
    pub fn ssh_username(self) -> &'static str {
        match self {
            Platform::Ubuntu2204 | Platform::Ubuntu2404 => "ubuntu",
            Platform::Debian12 => "admin",
            Platform::AmazonLinux2023 => "ec2-user",
        }
    }

    /// AWS account that publishes the official AMIs.
    pub fn ami_owner(self) -> &'static str {
        match self {
            // Canonical
            Platform::Ubuntu2204 | Platform::Ubuntu2404 => "099720109477",
            // Debian
            Platform::Debian12 => "136693071363",
            // Amazon
            Platform::AmazonLinux2023 => "137112412989",
        }
    }

    /// Name filter of the official x86_64 AMIs, newest first when sorted by creation date.
    pub fn ami_name_filter(self) -> &'static str {
        match self {
            Platform::Ubuntu2204 => "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*",
            Platform::Ubuntu2404 => "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
            Platform::Debian12 => "debian-12-amd64-*",
            Platform::AmazonLinux2023 => "al2023-ami-2023.*-x86_64",
        }
    }

    /// Debian family (apt) or Red Hat family (dnf).
    pub fn package_manager(self) -> &'static str {
        match self {
            Platform::AmazonLinux2023 => "dnf",
            _ => "apt",
        }
    }
}

/// Licences we can write a real `LICENSE` file for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum License {
    #[serde(rename = "Apache-2.0")]
    Apache2,
    #[serde(rename = "MIT")]
    Mit,
    #[serde(rename = "all-rights-reserved")]
    AllRightsReserved,
}

impl License {
    pub const ALL: [License; 3] = [License::Apache2, License::Mit, License::AllRightsReserved];

    /// The SPDX id (or `all-rights-reserved`), as written in `stack.yml`.
    pub fn id(self) -> &'static str {
        match self {
            License::Apache2 => "Apache-2.0",
            License::Mit => "MIT",
            License::AllRightsReserved => "all-rights-reserved",
        }
    }

    /// The value for `license` in `metadata.rb`.
    pub fn metadata_value(self) -> &'static str {
        match self {
            License::Apache2 => "Apache-2.0",
            License::Mit => "MIT",
            License::AllRightsReserved => "All Rights Reserved",
        }
    }

    pub fn parse(s: &str) -> Option<License> {
        Self::ALL.into_iter().find(|l| l.id() == s)
    }
}

impl Stack {
    /// Cookbook name of the resource library: `<name>_common`.
    pub fn common_cookbook(&self) -> String {
        format!("{}_common", self.name)
    }

    /// Cookbook name of an image: `<name>_<image>`.
    pub fn image_cookbook(&self, image: &str) -> String {
        format!("{}_{}", self.name, image)
    }

    /// Images with every parent before its children; ties broken by name, so the order is
    /// deterministic.
    pub fn images_in_build_order(&self) -> Vec<&Image> {
        // Depths are memoised (each image resolved once, after its parent), so a long chain
        // of layered images costs its length, not its length squared.
        let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
        for image in self.images.values() {
            let mut pending: Vec<&Image> = Vec::new();
            let mut cur = Some(image);
            while let Some(img) = cur {
                if depth.contains_key(img.name.as_str()) || pending.len() > self.images.len() {
                    break; // known, or a cycle (rejected by validation; never loop forever)
                }
                pending.push(img);
                cur = img.from.as_deref().and_then(|p| self.images.get(p));
            }
            while let Some(img) = pending.pop() {
                let d = img
                    .from
                    .as_deref()
                    .and_then(|p| depth.get(p))
                    .map_or(0, |d| d + 1);
                depth.insert(img.name.as_str(), d);
            }
        }
        let mut ordered: Vec<&Image> = self.images.values().collect();
        ordered.sort_by_key(|i| (depth[i.name.as_str()], i.name.as_str()));
        ordered
    }

    /// The chain of images from the root to `image` (inclusive), e.g. `[base, web]`.
    pub fn image_lineage(&self, image: &str) -> Vec<&Image> {
        let mut chain = Vec::new();
        let mut cur = self.images.get(image);
        while let Some(img) = cur {
            if chain.iter().any(|i: &&Image| i.name == img.name) {
                break;
            }
            chain.push(img);
            cur = img.from.as_deref().and_then(|p| self.images.get(p));
        }
        chain.reverse();
        chain
    }

    /// Services that run on `image`, by name.
    pub fn services_on<'a>(&'a self, image: &'a str) -> impl Iterator<Item = &'a Service> + 'a {
        self.services.values().filter(move |s| s.image == image)
    }

    /// Every platform used by some image, sorted and deduplicated.
    pub fn platforms(&self) -> Vec<Platform> {
        let mut p: Vec<Platform> = self.images.values().map(|i| i.platform).collect();
        p.sort();
        p.dedup();
        p
    }

    /// Fully qualified DNS name of a service, if it has a DNS label.
    pub fn service_fqdn(&self, service: &Service) -> Option<String> {
        service
            .dns
            .as_ref()
            .map(|label| format!("{}.{}", label, self.aws.internal_zone))
    }
}

impl Service {
    /// systemd unit name without suffix: `<stack>-<service>`, underscores as dashes.
    pub fn unit_name(&self, stack: &str) -> String {
        format!("{}-{}", stack, self.name).replace('_', "-")
    }
}
