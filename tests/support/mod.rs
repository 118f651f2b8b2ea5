//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every valid sample stack: `(name, path to stack.yml)`, sorted by name.
pub fn sample_stacks() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let dir = entry.unwrap().path();
        let file = dir.join("stack.yml");
        if file.is_file() {
            out.push((
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                file,
            ));
        }
    }
    out.sort();
    out
}

/// Find an external validator on PATH. When it is missing the test is skipped with a message —
/// unless `STACKCHEF_REQUIRE_VALIDATORS=1` (set by `scripts/test` and CI), where a missing
/// validator fails the test.
pub fn validator(name: &str) -> Option<PathBuf> {
    let found = stackchef::which::find_executable(name);
    if found.is_none() {
        if std::env::var("STACKCHEF_REQUIRE_VALIDATORS").as_deref() == Ok("1") {
            panic!("validator `{name}` is required (STACKCHEF_REQUIRE_VALIDATORS=1) but not on PATH; run scripts/test, which installs it");
        }
        eprintln!("SKIPPED: validator `{name}` not found on PATH (scripts/test installs it)");
    }
    found
}

/// Load a sample through the real loader (panics with the rendered error if it is invalid).
pub fn load_sample(path: &Path) -> stackchef::stack::Stack {
    stackchef::stack::load_file(path).unwrap_or_else(|e| panic!("{}", e.render(false)))
}

/// A stack.yml with `n` launched images, each running a named service on a port: the shape
/// whose CloudFormation template grows fastest.
pub fn many_images_stack(n: usize) -> String {
    many_images_stack_in(
        n,
        "aws:\n  region: eu-west-1\n  vpc_id: vpc-0123456789abcdef0\n  subnet_ids: [subnet-0123456789abcdef0]\n  internal_zone: shop.internal\n",
    )
}

/// [`many_images_stack`] with its own `aws:` section.
pub fn many_images_stack_in(n: usize, aws_section: &str) -> String {
    let mut yaml = format!(
        "name: shop\nmaintainer: Ops\nmaintainer_email: ops@shop.example\n{aws_section}images:\n"
    );
    for i in 1..=n {
        yaml.push_str(&format!("  image{i}:\n    count: 1\n"));
    }
    yaml.push_str("services:\n");
    for i in 1..=n {
        yaml.push_str(&format!(
            "  svc{i}:\n    image: image{i}\n    command: /opt/shop/svc\n    port: {}\n    dns: svc{i}\n",
            8000 + i
        ));
    }
    yaml
}

/// The fewest images of [`many_images_stack`]'s shape whose template CloudFormation will not
/// take inline (over 51,200 bytes).
pub fn images_over_inline_limit() -> usize {
    let templates = stackchef::templates::Templates::load(None).unwrap();
    (1..200)
        .find(|&n| {
            let stack = stackchef::stack::load_str(&many_images_stack(n), "stack.yml").unwrap();
            let plan =
                stackchef::generate::plan(&stack, &[stackchef::generate::Target::Aws], &templates)
                    .unwrap();
            plan.get("aws/stack.cfn.yaml").unwrap().contents.len() > 51_200
        })
        .expect("some number of images crosses 51,200 bytes")
}
