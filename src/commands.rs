//! The commands that are not a pipeline of their own: init, check, generate, schema.
//! Each returns the process exit code; errors become exit code 2 in `main`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{CheckArgs, GenerateArgs, InitArgs};
use crate::generate::Target;
use crate::plan::manifest::{sha256_hex, Manifest};
use crate::plan::report;
use crate::plan::writer::{self, Action};
use crate::stack::{self, Stack, StackError};

/// Success; nothing at or above the fail level; `--check` found the tree fresh.
pub const EXIT_OK: u8 = 0;
/// Lint findings at or above the fail level, or `--check` found stale files or conflicts.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage error, invalid input, or an I/O error.
pub const EXIT_ERROR: u8 = 2;

/// Render an error for the terminal: a `stack.yml` error with its snippets, anything else as
/// `error: …` followed by its causes.
pub fn render_error(err: &anyhow::Error, color: bool) -> String {
    if let Some(stack_err) = err.downcast_ref::<StackError>() {
        return stack_err.render(color).trim_end().to_string();
    }
    let mut out = format!("error: {err}");
    for cause in err.chain().skip(1) {
        out.push_str(&format!("\n  caused by: {cause}"));
    }
    out
}

/// The commented starter written by `init`; `{{name}}`/`{{zone_name}}` are filled in.
const STARTER: &str = include_str!("starter.yml");

/// `stackchef init`: write a commented starter stack.yml, never over an existing file.
pub fn init(args: &InitArgs) -> Result<u8> {
    let dest = args.dir.join("stack.yml");
    let name = match &args.name {
        Some(n) => n.clone(),
        None => default_project_name(&args.dir),
    };
    let starter = STARTER
        .replace("{{name}}", &name)
        .replace("{{zone_name}}", &name.replace('_', "-"));
    // Validate what we are about to write, so `init --name Bad-Name` fails before writing.
    if let Err(err) = stack::load_str(&starter, &dest.display().to_string()) {
        anyhow::bail!(
            "cannot use `{name}` as the project name\n  = help: use lowercase letters, digits and `_`, starting with a letter, e.g. `stackchef init --name shop`\n{}",
            err.diagnostics.first().map(|d| d.message.as_str()).unwrap_or("")
        );
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    // Written whole under a temporary name, then linked into place: a run killed half-way
    // leaves no half-written stack.yml that the next `init` would refuse to replace.
    if !crate::plan::write_new(&dest, starter.as_bytes())? {
        anyhow::bail!(
            "{} already exists; not overwriting it\n  = help: edit it, or remove it first to start over",
            dest.display()
        )
    }
    crate::outln!("created {}", dest.display())?;
    crate::outln!(
        "next: edit it, then run `stackchef check -f {}`",
        dest.display()
    )?;
    Ok(EXIT_OK)
}

/// A project name from a directory name: lowercased, `-`/`.`/spaces to `_`, falling back to
/// `app` when nothing usable is left.
fn default_project_name(dir: &Path) -> String {
    let base = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut name: String = base
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    name = name.trim_matches('_').to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) || name.len() > 40 {
        name = "app".into();
    }
    name
}

/// `stackchef check`: validate and print what would be generated.
pub fn check(args: &CheckArgs, _color: bool) -> Result<u8> {
    let stack = stack::load_file(&args.file)?;
    // CloudFormation's quotas (template size, resources, outputs) are only known from the
    // rendered template: render it in memory, so `check` refuses what `generate` would.
    let templates = crate::templates::Templates::load(None)?;
    let plan = crate::generate::plan(&stack, &[Target::Aws], &templates)?;
    crate::out!("{}", summary(&stack))?;
    print_warnings(&crate::generate::aws::template_warnings(&stack, &plan));
    Ok(EXIT_OK)
}

/// Warnings that do not stop the command, on standard error.
fn print_warnings(warnings: &[String]) {
    for warning in warnings {
        crate::errln!("warning: {warning}");
    }
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

/// `stackchef generate`: render everything in memory, compare with the output directory and its
/// manifest, print a per-file outcome, and (unless `--check`/`--dry-run`) apply it safely.
/// `color`: whether standard output (where the table and diffs go) may be coloured.
pub fn generate(args: &GenerateArgs, color: bool) -> Result<u8> {
    // Read once: the bytes validated are the bytes hashed into the manifest, and a pipe
    // (`-f -`, `-f /dev/stdin`, `-f <(…)`) can be read only once.
    let input = stack::read_input(&args.file)?;
    let stack = stack::load_bytes(&input, &stack::display_name(&args.file))?;
    let templates = crate::templates::Templates::load(args.templates.as_deref())?;
    let targets: Vec<Target> = if args.targets.is_empty() {
        Target::ALL.to_vec()
    } else {
        args.targets.clone()
    };
    let plan = crate::generate::plan(&stack, &targets, &templates)?;
    print_warnings(&crate::generate::aws::template_warnings(&stack, &plan));
    // Held from reading the manifest to writing it back: a concurrent run waits (or fails
    // naming the holder) instead of interleaving its files and manifest with ours.
    let lock = if args.check || args.dry_run {
        writer::Lock::shared(&args.out)?
    } else {
        writer::Lock::exclusive(&args.out)?
    };
    let manifest = Manifest::load(&args.out)?;
    let changes = writer::reconcile(&args.out, &plan, &targets, &manifest, args.force)?;
    let leftovers = writer::leftovers(&args.out, &changes)?;

    let mut inputs = input;
    for name in templates.overridden() {
        inputs.extend_from_slice(name.as_bytes());
    }
    let next = writer::next_manifest(&manifest, &changes, &targets, &sha256_hex(&inputs));

    // Buffered: one line per file is 12 000 writes for a large tree otherwise.
    let mut out = std::io::BufWriter::new(crate::output::stdout());
    report::print_changes(&mut out, &changes, args.check, color)?;
    report::print_leftovers(&mut out, &leftovers, args.check || args.dry_run, color)?;
    if args.diff {
        report::print_diffs(&mut out, &changes, color)?;
    }
    let stale = changes.iter().any(|c| c.action.is_stale()) || !leftovers.is_empty();
    let conflicts = changes
        .iter()
        .filter(|c| c.action == Action::Conflict)
        .count();
    report::print_summary(
        &mut out,
        &changes,
        leftovers.len(),
        &args.out,
        args.check,
        args.dry_run,
    )?;
    std::io::Write::flush(&mut out).context("writing to standard output")?;
    drop(out);
    if args.check {
        return Ok(if stale { EXIT_FINDINGS } else { EXIT_OK });
    }
    if args.dry_run {
        return Ok(EXIT_OK);
    }
    writer::apply(&lock, &changes, &next)?;
    Ok(if conflicts > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

pub fn schema() -> Result<u8> {
    let schema = stack::schema::stack_schema();
    crate::outln!(
        "{}",
        serde_json::to_string_pretty(&schema).context("serialising the schema")?
    )?;
    Ok(EXIT_OK)
}
