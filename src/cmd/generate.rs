//! `stackchef generate`: plan every file in memory, reconcile it with the output directory,
//! report, and apply.

use anyhow::{Context, Result};

use super::args::GenerateArgs;
use super::{print_warnings, EXIT_FINDINGS, EXIT_OK};
use crate::plan::manifest::{sha256_hex, Manifest};
use crate::plan::report;
use crate::plan::writer::{self, Action};
use crate::plan::Target;
use crate::stack;

/// `stackchef generate`: render everything in memory, compare with the output directory and its
/// manifest, print a per-file outcome, and (unless `--check`/`--dry-run`) apply it safely.
/// `color`: whether standard output (where the table and diffs go) may be coloured.
pub fn run(args: &GenerateArgs, color: bool) -> Result<u8> {
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
    let on_wait = |holder: &str| {
        crate::errln!(
            "waiting for another stackchef run ({holder}) to finish with {}…",
            args.out.display()
        );
    };
    let lock = if args.check || args.dry_run {
        writer::Lock::shared(&args.out, &on_wait)?
    } else {
        writer::Lock::exclusive(&args.out, &on_wait)?
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
