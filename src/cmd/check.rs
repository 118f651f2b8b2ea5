//! `stackchef check`: validate `stack.yml` and print what would be generated.

use anyhow::Result;

use super::args::CheckArgs;
use super::{print_warnings, EXIT_OK};
use crate::plan::Target;
use crate::stack::{self, Stack};

/// `stackchef check`: validate and print what would be generated.
pub fn run(args: &CheckArgs, _color: bool) -> Result<u8> {
    let stack = stack::load_file(&args.file)?;
    // CloudFormation's quotas (template size, resources, outputs) are only known from the
    // rendered template: render it in memory, so `check` refuses what `generate` would.
    let templates = crate::templates::Templates::load(None)?;
    let plan = crate::generate::plan(&stack, &[Target::Aws], &templates)?;
    crate::out!("{}", summary(&stack))?;
    print_warnings(&crate::generate::aws::template_warnings(&stack, &plan));
    Ok(EXIT_OK)
}

/// A human summary of what `generate` would build from `stack`.
pub fn summary(stack: &Stack) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} is valid: {} image{}, {} service{}",
        stack.name,
        stack.version,
        stack.images.len(),
        plural(stack.images.len()),
        stack.services.len(),
        plural(stack.services.len())
    );
    let _ = writeln!(out, "\nImages (build order):");
    for image in stack.images_in_build_order() {
        let from = match &image.from {
            Some(parent) => format!("from {parent}"),
            None => format!("from the {} vendor AMI", image.platform.id()),
        };
        let launch = if image.count == 0 {
            "bake only".to_string()
        } else {
            format!("{} instance{}", image.count, plural(image.count as usize))
        };
        let _ = writeln!(
            out,
            "  {:<12} {}, {}, {} GiB, {}; cookbook {}",
            image.name,
            from,
            image.instance_type,
            image.volume_size,
            launch,
            stack.image_cookbook(&image.name)
        );
    }
    let _ = writeln!(out, "\nCookbooks:");
    let _ = writeln!(
        out,
        "  {:<24} resources {}_service, {}_dns_record",
        stack.common_cookbook(),
        stack.name,
        stack.name
    );
    for image in stack.images_in_build_order() {
        let _ = writeln!(out, "  {}", stack.image_cookbook(&image.name));
    }
    if !stack.services.is_empty() {
        let _ = writeln!(out, "\nServices:");
        for service in stack.services.values() {
            let port = service
                .port
                .map(|p| format!(", port {p}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<12} on {}, unit {}.service, user {}{}",
                service.name,
                service.image,
                service.unit_name(&stack.name),
                service.user,
                port
            );
        }
    }
    let names: Vec<(String, &str)> = stack
        .services
        .values()
        .filter_map(|s| stack.service_fqdn(s).map(|fqdn| (fqdn, s.name.as_str())))
        .collect();
    if !names.is_empty() {
        let _ = writeln!(
            out,
            "\nDNS names (Route53 private zone {}):",
            stack.aws.internal_zone
        );
        let width = names.iter().map(|(fqdn, _)| fqdn.len()).max().unwrap_or(0);
        for (fqdn, service) in &names {
            let _ = writeln!(out, "  {fqdn:<width$} -> {service}");
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
