//! The `packer` generator: snapshots, in-process HCL parsing and structure checks, and the real
//! Packer (`packer validate`, `packer fmt -check`) on every sample stack.

mod packer_common;
mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use packer_common::{generated, samples, write_files};
use stackchef::plan::PlannedFile;
use stackchef::plan::Target;
use stackchef::stack::Stack;

/// Constructs newer than Packer 1.6.6, the only Packer CI can install, that the generated
/// templates keep because users need them. The validation test removes exactly these from a
/// copy of the generated directory; everything else must validate unchanged.
const NEWER_THAN_PACKER_1_6_6: &[Newer] = &[
    Newer {
        construct: Construct::Block("required_plugins"),
        introduced_in: "Packer 1.7.0",
    },
    Newer {
        construct: Construct::Block("metadata_options"),
        introduced_in: "Packer 1.7.0",
    },
    Newer {
        construct: Construct::Attribute("imds_support"),
        introduced_in: "amazon plugin 1.2.2 (Packer >= 1.7 with `packer init`)",
    },
];

struct Newer {
    construct: Construct,
    #[allow(dead_code)] // documentation: why the entry is here
    introduced_in: &'static str,
}

enum Construct {
    /// `name { … }`, on lines of its own (the generated files are `packer fmt`-formatted).
    Block(&'static str),
    /// `name = value` on one line.
    Attribute(&'static str),
}

impl Construct {
    /// How the construct starts in formatted HCL.
    fn needle(&self) -> String {
        match self {
            Construct::Block(name) => format!("{name} {{"),
            Construct::Attribute(name) => format!("{name} "),
        }
    }
}

/// Remove every listed construct from `hcl` (formatted by `packer fmt`, as we generate it).
fn strip_newer(hcl: &str) -> String {
    let mut out = String::new();
    let mut skip_until: Option<String> = None;
    for line in hcl.lines() {
        if let Some(end) = &skip_until {
            if line == end {
                skip_until = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let hit = NEWER_THAN_PACKER_1_6_6.iter().find(|n| match n.construct {
            Construct::Block(name) => trimmed == format!("{name} {{"),
            Construct::Attribute(name) => trimmed
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('=')),
        });
        match hit.map(|n| &n.construct) {
            Some(Construct::Block(_)) => skip_until = Some(format!("{indent}}}")),
            Some(Construct::Attribute(_)) => {}
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    assert!(skip_until.is_none(), "unterminated block in:\n{hcl}");
    out
}

fn hcl_files(files: &[PlannedFile]) -> impl Iterator<Item = &PlannedFile> {
    files.iter().filter(|f| f.path.ends_with(".pkr.hcl"))
}

#[test]
fn snapshots_of_every_sample() {
    for (sample, stack) in samples() {
        for file in generated(&stack, &[Target::Packer]) {
            let name = format!("{sample}__{}", file.path.replace('/', "__"));
            insta::assert_snapshot!(name, file.contents);
        }
    }
}

#[test]
fn layout_is_plugins_variables_one_file_per_image_and_scripts() {
    for (sample, stack) in samples() {
        let files = generated(&stack, &[Target::Packer]);
        let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let mut expected: BTreeSet<String> = [
            "packer/plugins.pkr.hcl",
            "packer/variables.pkr.hcl",
            "packer/scripts/prepare.sh",
            "packer/scripts/install-chef.sh",
            "packer/scripts/converge.sh",
            "packer/scripts/cleanup.sh",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        expected.extend(stack.images.keys().map(|i| format!("packer/{i}.pkr.hcl")));
        let expected: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
        assert_eq!(paths, expected, "{sample}");
        for file in &files {
            assert_eq!(file.target, Target::Packer);
            assert_eq!(file.executable, file.path.ends_with(".sh"), "{}", file.path);
            assert!(!file.contents.contains("chef-solo"), "{}", file.path);
        }
    }
}

/// Every generated `.pkr.hcl` parses as HCL, and the configuration of each sample has the
/// structure we promise: unique names, IMDSv2, encrypted gp3 root volumes, the right AMI owner,
/// the lineage's cookbooks, a manifest.
#[test]
fn generated_hcl_parses_and_has_the_promised_structure() {
    for (sample, stack) in samples() {
        let files = generated(&stack, &[Target::Packer]);
        let mut sources = BTreeSet::new();
        let mut builds = BTreeSet::new();
        for file in hcl_files(&files) {
            let value: serde_json::Value = hcl::from_str(&file.contents)
                .unwrap_or_else(|e| panic!("{sample}: {} does not parse: {e}", file.path));
            if file.path == "packer/plugins.pkr.hcl" {
                let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
                assert_eq!(
                    keys,
                    ["packer"],
                    "{sample}: plugins.pkr.hcl holds only `packer`"
                );
                let amazon = &value["packer"]["required_plugins"]["amazon"];
                assert_eq!(amazon["source"], "github.com/hashicorp/amazon");
                continue;
            }
            if file.path == "packer/variables.pkr.hcl" {
                let vars = value["variable"].as_object().unwrap();
                for required in ["region", "ami_name_prefix", "git_revision"] {
                    assert!(vars.contains_key(required), "{sample}: variable {required}");
                }
                assert_eq!(vars["region"]["default"], stack.aws.region.as_str());
                for image in stack.images.values() {
                    let it = &vars[&format!("{}_instance_type", image.name)];
                    assert_eq!(it["default"], image.instance_type.as_str());
                    let vs = &vars[&format!("{}_volume_size", image.name)];
                    assert_eq!(vs["default"], image.volume_size);
                }
                continue;
            }
            let image_name = file
                .path
                .strip_prefix("packer/")
                .and_then(|p| p.strip_suffix(".pkr.hcl"))
                .unwrap();
            let image = &stack.images[image_name];
            let source_map = value["source"]["amazon-ebs"].as_object().unwrap();
            for name in source_map.keys() {
                assert!(
                    sources.insert(name.clone()),
                    "{sample}: source {name} twice"
                );
            }
            let source = &source_map[image_name];
            let build = &value["build"];
            assert!(builds.insert(build["name"].as_str().unwrap().to_string()));
            assert_eq!(build["name"], image_name);
            assert_eq!(
                build["sources"],
                serde_json::json!([format!("source.amazon-ebs.{image_name}")])
            );

            // IMDSv2 on the build instance and the AMI.
            assert_eq!(source["metadata_options"]["http_tokens"], "required");
            assert_eq!(source["imds_support"], "v2.0");
            // Encrypted gp3 root volume with explicit throughput and iops.
            let root = &source["launch_block_device_mappings"];
            assert_eq!(root["encrypted"], true);
            assert_eq!(root["volume_type"], "gp3");
            assert!(root["throughput"].is_number() && root["iops"].is_number());
            assert_eq!(
                root["device_name"],
                stackchef::generate::packer::root_device(image.platform)
            );
            assert_eq!(source["ssh_username"], image.platform.ssh_username());

            // Vendor AMI for a root image, our own latest parent for a layered one.
            let filter = &source["source_ami_filter"];
            assert_eq!(filter["most_recent"], true);
            match &image.from {
                None => {
                    assert_eq!(
                        filter["owners"],
                        serde_json::json!([image.platform.ami_owner()])
                    );
                    assert_eq!(filter["filters"]["name"], image.platform.ami_name_filter());
                }
                Some(parent) => {
                    assert_eq!(filter["owners"], serde_json::json!(["self"]));
                    assert_eq!(filter["filters"]["tag:stackchef:image"], parent.as_str());
                    assert_eq!(
                        filter["filters"]["tag:stackchef:stack"],
                        stack.name.as_str()
                    );
                }
            }
            let tags = &source["tags"];
            assert_eq!(tags["stackchef:stack"], stack.name.as_str());
            assert_eq!(tags["stackchef:image"], image_name);
            assert_eq!(tags["stackchef:version"], stack.version.as_str());
            assert!(tags.get("stackchef:git-revision").is_some());

            // Provisioning: upload the lineage's cookbooks, converge with the lineage run list.
            let lineage: Vec<String> = stack
                .image_lineage(image_name)
                .iter()
                .map(|i| stack.image_cookbook(&i.name))
                .collect();
            // Order matters and the JSON view groups blocks by type: read the order from the AST.
            let body = hcl::parse(&file.contents).unwrap();
            let build_block = body.blocks().find(|b| b.identifier() == "build").unwrap();
            let kinds: Vec<&str> = build_block
                .body()
                .blocks()
                .filter(|b| b.identifier() == "provisioner")
                .map(|b| b.labels()[0].as_str())
                .collect();
            let mut expected = vec![stack.common_cookbook()];
            expected.extend(lineage.iter().cloned());
            let mut expected_kinds = vec!["shell"];
            expected_kinds.extend(expected.iter().map(|_| "file"));
            expected_kinds.push("shell");
            assert_eq!(kinds, expected_kinds, "{sample}/{image_name}");
            let provisioners = &build["provisioner"];
            let uploads: Vec<serde_json::Value> = match &provisioners["file"] {
                serde_json::Value::Array(many) => many.clone(),
                one => vec![one.clone()],
            };
            let uploaded: Vec<String> = uploads
                .iter()
                .map(|u| {
                    assert_eq!(u["destination"], "/tmp/stackchef/cookbooks/");
                    let source = u["source"].as_str().unwrap();
                    assert!(!source.ends_with('/'), "{source}: the directory itself");
                    source.rsplit('/').next().unwrap().to_string()
                })
                .collect();
            assert_eq!(uploaded, expected);
            let env = provisioners["shell"][1]["environment_vars"]
                .as_array()
                .unwrap();
            let run_list = lineage
                .iter()
                .map(|c| format!("recipe[{c}]"))
                .collect::<Vec<_>>()
                .join(",");
            assert!(env.contains(&serde_json::json!(format!("RUN_LIST={run_list}"))));
            assert!(env.contains(&serde_json::json!(format!(
                "CHEF_CLIENT={}",
                stack.chef.client.as_str()
            ))));

            let manifest = &build["post-processor"]["manifest"];
            assert_eq!(manifest["custom_data"]["image"], image_name);
            assert!(manifest["output"]
                .as_str()
                .unwrap()
                .ends_with("/manifest.json"));
        }
        let images: BTreeSet<String> = stack.images.keys().cloned().collect();
        assert_eq!(sources, images, "{sample}");
        assert_eq!(builds, images, "{sample}");
    }
}

/// Free text that reaches HCL is escaped: quotes, backslashes, `${`/`%{` (HCL interpolation
/// and directives) and unicode come back exactly from a real HCL parser.
#[test]
fn values_are_escaped_for_hcl() {
    let (_, mut stack) = samples().remove(0);
    let nasty = r#"1.0 "quoted" \ ${var.region} %{ if } $HOME ünï"#;
    stack.version = nasty.to_string();
    stack.aws.region = r#"eu-"west"-1"#.to_string();
    let files = generated(&stack, &[Target::Packer]);
    for file in hcl_files(&files) {
        let value: serde_json::Value = hcl::from_str(&file.contents)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}\n{}", file.path, file.contents));
        if file.path == "packer/variables.pkr.hcl" {
            assert_eq!(
                value["variable"]["region"]["default"], r#"eu-"west"-1"#,
                "{}",
                file.contents
            );
        } else if let Some(sources) = value["source"]["amazon-ebs"].as_object() {
            for source in sources.values() {
                // hcl-rs keeps `$${` as written; Packer reads it as a literal `${`.
                let version = source["tags"]["stackchef:version"].as_str().unwrap();
                assert_eq!(
                    version.replace("$${", "${").replace("%%{", "%{"),
                    nasty,
                    "{}",
                    file.contents
                );
            }
        }
    }
}

#[test]
fn strip_list_removes_exactly_the_listed_constructs() {
    let input = "packer {\n  required_plugins {\n    amazon = {\n      version = \"1\"\n    }\n  }\n}\nsource \"x\" \"y\" {\n  a = 1\n  metadata_options {\n    http_tokens = \"required\"\n  }\n  imds_support = \"v2.0\"\n  b = 2\n}\n";
    assert_eq!(
        strip_newer(input),
        "packer {\n}\nsource \"x\" \"y\" {\n  a = 1\n  b = 2\n}\n"
    );
}

/// `packer validate` (Packer 1.6.6 in CI) on a copy of every sample's generated directory with
/// only the known-newer constructs removed, and `packer fmt -check` on the files as generated.
#[test]
fn real_packer_validates_and_formats_every_sample() {
    let Some(packer) = support::validator("packer") else {
        return;
    };
    let mut stripped_per_construct = vec![0usize; NEWER_THAN_PACKER_1_6_6.len()];
    for (sample, stack) in samples() {
        let counts = check_with_real_packer(&packer, &sample, &stack);
        for (total, n) in stripped_per_construct.iter_mut().zip(counts) {
            *total += n;
        }
    }
    // Every entry of the list is still needed: a construct no longer generated must leave it.
    for (newer, count) in NEWER_THAN_PACKER_1_6_6.iter().zip(stripped_per_construct) {
        let needle = newer.construct.needle();
        assert!(
            count > 0,
            "`{needle}` is on the strip list but never generated"
        );
    }
}

/// Packer itself reads escaped free text literally: an unescaped `${nope.x}` would be an
/// unknown reference and an unescaped `%{ if }` a syntax error.
#[test]
fn real_packer_reads_escaped_values_literally() {
    let Some(packer) = support::validator("packer") else {
        return;
    };
    let (sample, mut stack) = samples().remove(0);
    stack.version = r#"1.0 "q" \ ${nope.x} %{ if true }y%{ endif } $HOME ünï"#.to_string();
    check_with_real_packer(&packer, &sample, &stack);
}

/// Write `stack`'s Packer files to a temporary directory; `packer fmt -check` every `.pkr.hcl`;
/// strip the known-newer constructs and `packer validate` the directory. Returns how many of
/// each listed construct were stripped.
fn check_with_real_packer(packer: &Path, sample: &str, stack: &Stack) -> Vec<usize> {
    let files = generated(stack, &[Target::Packer]);
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &files);
    // Cookbooks are generated by another target; the file provisioner's sources must exist.
    let mut cookbooks = vec![stack.common_cookbook()];
    cookbooks.extend(stack.images.keys().map(|i| stack.image_cookbook(i)));
    for cookbook in cookbooks {
        std::fs::create_dir_all(dir.path().join("cookbooks").join(cookbook)).unwrap();
    }

    for file in hcl_files(&files) {
        let out = Command::new(packer)
            .args(["fmt", "-check", "-diff"])
            .arg(dir.path().join(&file.path))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{sample}: packer fmt -check {} failed:\n{}{}",
            file.path,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let mut counts = vec![0usize; NEWER_THAN_PACKER_1_6_6.len()];
    for file in hcl_files(&files) {
        let stripped = strip_newer(&file.contents);
        for (count, newer) in counts.iter_mut().zip(NEWER_THAN_PACKER_1_6_6) {
            let needle = newer.construct.needle();
            *count += file.contents.matches(&needle).count();
            assert!(
                !stripped.contains(&needle),
                "{needle} left in {}",
                file.path
            );
        }
        std::fs::write(dir.path().join(&file.path), stripped).unwrap();
    }
    let out = Command::new(packer)
        .arg("validate")
        .arg(dir.path().join("packer"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{sample}: packer validate failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    counts
}
