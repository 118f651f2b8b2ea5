//! Every invalid sample under samples/invalid/ is rejected, and its rendered message — file,
//! line, column, caret, hint — is pinned by a snapshot. Valid samples load.

mod support;

use stackchef::stack;

#[test]
fn invalid_samples_render_precise_errors() {
    insta::glob!("../samples/invalid", "*.yml", |path| {
        let rel = path
            .strip_prefix(support::root())
            .unwrap()
            .display()
            .to_string();
        let src = std::fs::read_to_string(path).unwrap();
        let err = stack::load_str(&src, &rel).expect_err("an invalid sample must be rejected");
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
    let err = stack::load_str(src, "stack.yml").unwrap_err();
    let codes: Vec<_> = err
        .diagnostics
        .iter()
        .map(|d| d.code.clone().unwrap())
        .collect();
    assert_eq!(codes, ["invalid-name", "invalid-value", "invalid-value"]);
}

#[test]
fn defaults_are_filled_in() {
    let stack = stack::load_str(
        "name: shop\nmaintainer: Shop Ops\nmaintainer_email: ops@shop.example\nimages:\n  base:\n  web:\n    from: base\nservices:\n  api:\n    image: web\n    command: /bin/api\n",
        "stack.yml",
    )
    .unwrap();
    assert_eq!(stack.version, "0.1.0");
    assert_eq!(stack.platform, stack::Platform::Ubuntu2204);
    assert_eq!(stack.chef.client, stack::ChefClient::Cinc);
    assert_eq!(stack.aws.region, "us-east-1");
    assert_eq!(stack.aws.internal_zone, "shop.internal");
    assert_eq!(stack.images["base"].count, 0, "no services: bake only");
    assert_eq!(stack.images["web"].count, 1, "runs a service: one instance");
    assert_eq!(stack.images["web"].instance_type, "t3.small");
    let api = &stack.services["api"];
    assert_eq!((api.user.as_str(), api.group.as_str()), ("shop", "shop"));
    assert_eq!(api.restart, stack::Restart::OnFailure);
}

#[test]
fn layered_images_inherit_platform_and_volume() {
    let stack = stack::load_str(
        "name: shop\nmaintainer: M\nmaintainer_email: m@shop.example\nplatform: debian-12\nimages:\n  base:\n    platform: amazonlinux-2023\n    volume_size: 30\n  web:\n    from: base\n",
        "stack.yml",
    )
    .unwrap();
    assert_eq!(
        stack.images["web"].platform,
        stack::Platform::AmazonLinux2023
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
    let stack = stack::load_str(src, "stack.yml").unwrap();
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

/// A stack with `n` services; with `errors`, each service has one misspelt key.
fn many_services(n: usize, errors: bool) -> String {
    let mut src = String::from(
        "name: big\nmaintainer: Big Ops\nmaintainer_email: ops@big.example\nimages:\n  base:\nservices:\n",
    );
    for i in 0..n {
        let user = if errors { "usr" } else { "user" };
        src.push_str(&format!(
            "  svc_{i}:\n    image: base\n    command: /opt/big/bin/svc --id {i} --name \"svc ünï {i}\"\n    {user}: big\n    environment:\n      INDEX: \"{i}\"\n"
        ));
    }
    src
}

/// Loading and rendering are linear in the file: every node's position comes from a line
/// index built once, and each error renders only its own line. Scanning from the file's start
/// per node (or handing the whole file to the snippet renderer per error) made `check` on a
/// 10,000-service file take minutes. This counts the source bytes examined for positions
/// (`diag::work`) instead of timing, so it cannot flake on a busy machine.
#[test]
fn finding_positions_is_linear_in_the_file() {
    for n in [100, 1000, 4000] {
        let src = many_services(n, true);
        let before = stackchef::diag::work::count();
        let err = stack::load_str(&src, "stack.yml").expect_err("misspelt keys");
        let rendered = err.render(false);
        let work = stackchef::diag::work::count() - before;
        assert_eq!(err.diagnostics.len(), n);
        assert!(rendered.contains(&format!("stack.yml:{}:5", 6 * n + 4)));
        assert!(
            work <= 4 * src.len(),
            "{n} services: {work} units of work for {} bytes",
            src.len()
        );

        let valid = many_services(n, false);
        let before = stackchef::diag::work::count();
        let stack = stack::load_str(&valid, "stack.yml").unwrap();
        let work = stackchef::diag::work::count() - before;
        assert_eq!(stack.services.len(), n);
        assert!(work <= 4 * valid.len(), "{n} services: {work} units");
    }
}

/// A long chain of layered images resolves (platform from the root, volume from the nearest
/// ancestor that sets one) and a cycle at its end is reported once, from its first image.
/// Each image is resolved once: the former fixed-point loop was quadratic in the images.
#[test]
fn long_image_chains_inherit_and_cycles_report_once() {
    let n = 400;
    let mut src = String::from("name: shop\nmaintainer: M\nmaintainer_email: m@shop.example\nimages:\n  i0000:\n    platform: debian-12\n    volume_size: 30\n");
    for i in 1..n {
        src.push_str(&format!("  i{i:04}:\n    from: i{:04}\n", i - 1));
        if i == n / 2 {
            src.push_str("    volume_size: 40\n");
        }
    }
    let stack =
        stack::load_str(&src, "stack.yml").unwrap_or_else(|e| panic!("{}", e.render(false)));
    let last = &stack.images[&format!("i{:04}", n - 1)];
    assert_eq!(last.platform, stack::Platform::Debian12);
    assert_eq!(last.volume_size, 40);
    assert_eq!(stack.images[&format!("i{:04}", n / 2 - 1)].volume_size, 30);
    let order: Vec<&str> = stack
        .images_in_build_order()
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "a chain builds in chain order");

    // Close a cycle among the last three images, reached from the rest of the chain.
    let cyclic = src.replacen(
        "  i0397:\n    from: i0396\n",
        "  i0397:\n    from: i0399\n",
        1,
    );
    let err = stack::load_str(&cyclic, "stack.yml").unwrap_err();
    let cycles: Vec<&str> = err
        .diagnostics
        .iter()
        .filter(|d| d.code.as_deref() == Some("cycle"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        cycles,
        ["images are built from each other in a cycle: i0397 → i0399 → i0398 → i0397"]
    );
}

/// A UTF-8 byte-order mark is not part of the first key (it was: "unknown key `name` … did you
/// mean `name`?"), and positions on the first line still count from the first key.
#[test]
fn a_byte_order_mark_is_not_part_of_the_first_key() {
    let stack = stack::load_str(
        "\u{feff}name: shop\nmaintainer: M\nmaintainer_email: m@shop.example\nimages:\n  base:\n",
        "stack.yml",
    )
    .unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert_eq!(stack.name, "shop");
    let err = stack::load_bytes(
        b"\xef\xbb\xbfname: Shop\nmaintainer: M\nmaintainer_email: m@shop.example\nimages:\n  base:\n",
        "stack.yml",
    )
    .unwrap_err();
    assert_eq!(err.diagnostics.len(), 1);
    assert_eq!(err.diagnostics[0].position(), "stack.yml:1:7");
}

const HEAD: &str =
    "name: shop\nmaintainer: M\nmaintainer_email: m@shop.example\nimages:\n  base:\n";

/// Each diagnostic as `line:column class: message`.
fn errors_of(src: &str) -> Vec<String> {
    let err = stack::load_str(src, "stack.yml").expect_err("must be rejected");
    err.diagnostics
        .iter()
        .map(|d| {
            let l = d.location.unwrap();
            format!(
                "{}:{} {}: {}",
                l.line,
                l.column,
                d.code.as_deref().unwrap_or(""),
                d.message
            )
        })
        .collect()
}

/// A required key written without a value is empty, not missing.
#[test]
fn a_required_key_without_a_value_is_empty_not_missing() {
    let src = format!("{HEAD}services:\n  api:\n    image: base\n    command:\n");
    assert_eq!(
        errors_of(&src),
        ["9:5 invalid-value: `command` of service `api` is empty"]
    );
    let src = format!("{HEAD}services:\n  api:\n    image: base\n    command: ~\n");
    assert_eq!(
        errors_of(&src),
        ["9:5 invalid-value: `command` of service `api` is empty"]
    );
    let err = stack::load_str(&src, "stack.yml").unwrap_err();
    assert!(err
        .render(false)
        .contains("help: write the command line after `command:`"));
    let src = "name:\nmaintainer: M\nmaintainer_email: m@shop.example\nimages:\n  base:\n";
    assert_eq!(
        errors_of(src),
        ["1:1 invalid-value: `name` of stack.yml is empty"]
    );
}

/// `null`, `~` and nothing are YAML's null: as an environment value or a list item they used
/// to become the strings "null", "~" and "". They are rejected, with a hint to quote.
#[test]
fn null_values_are_rejected_with_a_hint_to_quote() {
    let src = format!(
        "{HEAD}    packages: [curl, null]\nservices:\n  api:\n    image: base\n    command: /bin/api\n    environment:\n      A: null\n      B: ~\n      C:\n      D: \"null\"\n      E: ''\n"
    );
    assert_eq!(
        errors_of(&src),
        [
            "6:22 invalid-value: `packages` item is null",
            "12:10 invalid-value: environment variable `A` is null",
            "13:10 invalid-value: environment variable `B` is null",
            "14:7 invalid-value: environment variable `C` is null",
        ]
    );
    let rendered = stack::load_str(&src, "stack.yml")
        .unwrap_err()
        .render(false);
    assert!(
        rendered.contains("help: to set the text `null`, quote it: A: \"null\""),
        "{rendered}"
    );
    assert!(
        rendered.contains("help: for an empty value write C: \"\""),
        "{rendered}"
    );
    // Quoted, the same words are plain text.
    let ok = format!(
        "{HEAD}services:\n  api:\n    image: base\n    command: /bin/api\n    environment:\n      D: \"null\"\n      E: ''\n      F: '~'\n"
    );
    let stack = stack::load_str(&ok, "stack.yml").unwrap_or_else(|e| panic!("{}", e.render(false)));
    let env = &stack.services["api"].environment;
    assert_eq!(
        (env["D"].as_str(), env["E"].as_str(), env["F"].as_str()),
        ("null", "", "~")
    );
}

/// A quoted value is text, never null: `command: ""` is empty (it was "missing"), and
/// `user: "null"` is the user `null`'s business, not "no user".
#[test]
fn quoted_values_are_text_not_null() {
    let src = format!("{HEAD}services:\n  api:\n    image: base\n    command: \"\"\n");
    assert_eq!(errors_of(&src), ["9:14 invalid-value: `command` is empty"]);
    let src = format!(
        "{HEAD}services:\n  api:\n    image: base\n    command: /bin/api\n    dns: \"null\"\n    user: 'null'\n"
    );
    let stack =
        stack::load_str(&src, "stack.yml").unwrap_or_else(|e| panic!("{}", e.render(false)));
    assert_eq!(stack.services["api"].user, "null");
    assert_eq!(stack.services["api"].dns.as_deref(), Some("null"));
}

/// A hint for an unknown image lists at most ten of the declared images: listing all of them
/// in every error made the output grow with images × errors.
#[test]
fn unknown_image_hints_list_a_few_images() {
    let mut src =
        String::from("name: shop\nmaintainer: M\nmaintainer_email: m@shop.example\nimages:\n");
    for i in 0..50 {
        src.push_str(&format!("  img{i:02}:\n"));
    }
    src.push_str("services:\n  api:\n    image: zzz\n    command: /bin/api\n");
    let err = stack::load_str(&src, "stack.yml").unwrap_err();
    assert_eq!(
        err.diagnostics[0].help,
        ["declared images: img00, img01, img02, img03, img04, img05, img06, img07, img08, img09, and 40 more"]
    );
}

#[test]
fn names_the_generators_derive_are_checked_when_loading() {
    // Each of these once passed loading and failed only while generating, without a place.
    for (images, says) in [
        ("  common: {}\n", "image name `common` is reserved"),
        ("  plugins: {}\n", "image name `plugins` is reserved"),
        ("  variables: {}\n", "image name `variables` is reserved"),
        (
            "  web_1: {}\n  web1: {}\n",
            "images `web_1` and `web1` map to the same CloudFormation logical id `Web1`",
        ),
    ] {
        let src = format!(
            "name: shop\nmaintainer: M\nmaintainer_email: m@shop.example\nimages:\n{images}"
        );
        let err = stack::load_str(&src, "stack.yml").expect_err(images);
        assert_eq!(err.diagnostics.len(), 1, "{}", err.render(false));
        let d = &err.diagnostics[0];
        assert!(d.message.contains(says), "{}", d.message);
        assert_eq!(
            d.location.map(|l| l.line),
            Some(src.lines().count()),
            "{images}"
        );
    }
    let long = "a".repeat(32);
    let at_quota = format!(
        "name: {long}\nmaintainer: M\nmaintainer_email: m@x.example\nimages:\n  {}: {{}}\n",
        &long[..31]
    );
    stack::load_str(&at_quota, "stack.yml").expect("a 64-character role name fits");
    let over = at_quota.replace(&format!("  {}:", &long[..31]), &format!("  {long}:"));
    let err = stack::load_str(&over, "stack.yml").unwrap_err();
    assert!(
        err.diagnostics[0].message.contains("IAM allows 64"),
        "{}",
        err.render(false)
    );
}
