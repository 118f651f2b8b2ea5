//! Printing what `generate` decided: a scannable table (like `rails generate`), unified diffs,
//! and a one-line summary.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use super::writer::{Action, Change};

fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn action_color(action: Action) -> &'static str {
    match action {
        Action::Create => "32",
        Action::Identical => "2",
        Action::Update => "33",
        Action::Conflict => "1;31",
        Action::Overwrite => "35",
        Action::Remove => "31",
        Action::Keep => "36",
    }
}

/// One line per file. With `only_stale` (used by `--check`), unchanged files are left out.
pub fn print_changes(
    out: &mut impl Write,
    changes: &[Change],
    only_stale: bool,
    color: bool,
) -> Result<()> {
    for change in changes {
        if only_stale && !change.action.is_stale() && change.action != Action::Keep {
            continue;
        }
        let label = paint(
            &format!("{:>10}", change.action.as_str()),
            action_color(change.action),
            color,
        );
        let note = match change.action {
            Action::Conflict => "  (edited since stackchef wrote it, or not written by stackchef: left alone; review with --diff, then rerun with --force to overwrite or delete it to regenerate)",
            Action::Overwrite => "  (edited by a person: overwritten because of --force)",
            Action::Keep => "  (no longer generated, but edited: left alone and no longer owned)",
            _ => "",
        };
        writeln!(out, "{label}  {}{note}", change.path)?;
    }
    Ok(())
}

/// One line per temporary file an interrupted run left behind: "to remove" under `--check` and
/// `--dry-run`, "removed" otherwise (the run removes them before it stages its own).
pub fn print_leftovers(
    out: &mut impl Write,
    leftovers: &[String],
    only_report: bool,
    color: bool,
) -> Result<()> {
    let label = paint(&format!("{:>10}", "leftover"), "31", color);
    let note = if only_report {
        "temporary file of an interrupted run: the next `stackchef generate` removes it"
    } else {
        "temporary file of an interrupted run: removed"
    };
    for path in leftovers {
        writeln!(out, "{label}  {path}  ({note})")?;
    }
    Ok(())
}

/// Unified diffs (current → planned) of every file that would change.
pub fn print_diffs(out: &mut impl Write, changes: &[Change], color: bool) -> Result<()> {
    for change in changes.iter().filter(|c| c.action.is_stale()) {
        let old = change
            .current
            .as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned());
        let text = unified_diff(
            &change.path,
            old.as_deref(),
            change.planned.as_deref(),
            color,
        );
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

/// The unified diff of one file from `old` to `new` (`None`: the file does not exist on that
/// side, shown as `/dev/null`), each line ending in a newline; colored for a terminal.
pub fn unified_diff(path: &str, old: Option<&str>, new: Option<&str>, color: bool) -> String {
    let old_name = if old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    let new_name = if new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_string()
    };
    let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&old_name, &new_name)
        .to_string();
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let code = if line.starts_with("+++") || line.starts_with("---") {
            "1"
        } else if line.starts_with('+') {
            "32"
        } else if line.starts_with('-') {
            "31"
        } else if line.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            out.push_str(&paint(line, code, color));
        }
        out.push('\n');
    }
    out
}

/// `12 created, 1 updated, 1 conflict in infra/` and what to do next.
pub fn print_summary(
    out: &mut impl Write,
    changes: &[Change],
    leftovers: usize,
    out_dir: &Path,
    check: bool,
    dry_run: bool,
) -> Result<()> {
    let count = |a: Action| changes.iter().filter(|c| c.action == a).count();
    let mut parts: Vec<String> = [
        (Action::Create, "created", "to create"),
        (Action::Update, "updated", "to update"),
        (Action::Overwrite, "overwritten", "to overwrite"),
        (Action::Remove, "removed", "to remove"),
        (Action::Identical, "identical", "identical"),
        (Action::Conflict, "conflicts", "conflicts"),
        (Action::Keep, "kept", "to keep"),
    ]
    .iter()
    .filter(|(a, _, _)| count(*a) > 0)
    .map(|(a, done, todo)| {
        format!(
            "{} {}",
            count(*a),
            if check || dry_run { todo } else { done }
        )
    })
    .collect();
    if leftovers > 0 {
        parts.push(format!(
            "{leftovers} leftover temporary file{} {}",
            if leftovers == 1 { "" } else { "s" },
            if check || dry_run {
                "to remove"
            } else {
                "removed"
            }
        ));
    }
    let dir = out_dir.display();
    let stale = changes.iter().filter(|c| c.action.is_stale()).count() + leftovers;
    if check {
        if stale == 0 {
            writeln!(out, "{dir} is up to date ({})", parts.join(", "))?;
        } else {
            writeln!(
                out,
                "{dir} is stale: {} (run `stackchef generate` to update it)",
                parts.join(", ")
            )?;
        }
    } else if dry_run {
        writeln!(out, "dry run, nothing written: {}", parts.join(", "))?;
    } else {
        writeln!(out, "{dir}: {}", parts.join(", "))?;
        if count(Action::Conflict) > 0 {
            writeln!(out, "conflicts were left alone; review them with `stackchef generate --diff --dry-run`, then rerun with --force to overwrite")?;
        }
    }
    Ok(())
}
