//! Every invalid sample under samples/invalid/ is rejected, and its rendered message — file,
//! line, column, caret, hint — is pinned by a snapshot. Valid samples load.

mod support;

use stackchef::spec;

#[test]
fn invalid_samples_render_precise_errors() {
    insta::glob!("../samples/invalid", "*.yml", |path| {
        let rel = path
            .strip_prefix(support::root())
            .unwrap()
            .display()
            .to_string();
        let src = std::fs::read_to_string(path).unwrap();
        let err = spec::load_str(&src, &rel).expect_err("an invalid sample must be rejected");
        for d in &err.diagnostics {
            let loc = d.location.expect("every stack.yml error points at a place");
            assert!(loc.line >= 1 && loc.column >= 1);
        }
        insta::assert_snapshot!(err.render(false));
    });
}

#[test]
fn there_is_an_invalid_sample_per_error_class() {
    let count = std::fs::read_dir(support::root().join("samples/invalid"))
        .unwrap()
        .count();
    assert!(count >= 15, "only {count} invalid samples");
}

#[test]
fn valid_samples_load() {
    let samples = support::sample_stacks();
    assert!(samples.len() >= 3);
    for (_, path) in samples {
        support::load_sample(&path);
    }
}

#[test]
fn all_errors_are_reported_not_only_the_first() {
    let src = "name: Bad\nmaintainer: x\nmaintainer_email: nope\nimages:\n  base:\n    count: -1\n";
    let err = spec::load_str(src, "stack.yml").unwrap_err();
    let codes: Vec<_> = err
        .diagnostics
        .iter()
        .map(|d| d.code.clone().unwrap())
        .collect();
    assert_eq!(codes, ["invalid-name", "invalid-value", "invalid-value"]);
}

#[test]
fn defaults_are_filled_in() {
    let stack = spec::load_str(
        "name: shop\nmaintainer: Shop Ops\nmaintainer_email: ops@shop.example\nimages:\n  base:\n  web:\n    from: base\nservices:\n  api:\n    image: web\n    command: /bin/api\n",
        "stack.yml",
    )
    .unwrap();
    assert_eq!(stack.version, "0.1.0");
    assert_eq!(stack.platform, spec::Platform::Ubuntu2204);
    assert_eq!(stack.chef.client, spec::ChefClient::Cinc);
    assert_eq!(stack.aws.region, "us-east-1");
    assert_eq!(stack.aws.internal_zone, "shop.internal");
    assert_eq!(stack.images["base"].count, 0, "no services: bake only");
    assert_eq!(stack.images["web"].count, 1, "runs a service: one instance");
    assert_eq!(stack.images["web"].instance_type, "t3.small");
    let api = &stack.services["api"];
    assert_eq!((api.user.as_str(), api.group.as_str()), ("shop", "shop"));
    assert_eq!(api.restart, spec::Restart::OnFailure);
}

#[test]
fn layered_images_inherit_platform_and_volume() {
    let stack = spec::load_str(
        "name: shop\nmaintainer: M\nmaintainer_email: m@shop.example\nplatform: debian-12\nimages:\n  base:\n    platform: amazonlinux-2023\n    volume_size: 30\n  web:\n    from: base\n",
        "stack.yml",
    )
    .unwrap();
    assert_eq!(
        stack.images["web"].platform,
        spec::Platform::AmazonLinux2023
    );
    assert_eq!(stack.images["web"].volume_size, 30);
    let order: Vec<_> = stack
        .images_in_build_order()
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(order, ["base", "web"]);
}

#[test]
fn free_text_is_kept_verbatim() {
    let src = "name: shop\nmaintainer: \"O'Brien \\\"Ops\\\" ünïcode\"\nmaintainer_email: ops@shop.example\nimages:\n  base:\nservices:\n  api:\n    image: base\n    command: /bin/sh -c 'echo \"#{x}\" 100% $HOME \\\\n'\n    environment:\n      MSG: \"it's #{not_ruby} %s $PATH `id`\"\n";
    let stack = spec::load_str(src, "stack.yml").unwrap();
    assert_eq!(stack.maintainer, "O'Brien \"Ops\" ünïcode");
    assert_eq!(
        stack.services["api"].command,
        "/bin/sh -c 'echo \"#{x}\" 100% $HOME \\\\n'"
    );
    assert_eq!(
        stack.services["api"].environment["MSG"],
        "it's #{not_ruby} %s $PATH `id`"
    );
}
