//! `stackchef lint`, `stackchef rules` and `stackchef explain`: the linter's commands.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::args::{ExplainArgs, LintArgs, LintFormat, RulesArgs};
use super::{EXIT_FINDINGS, EXIT_OK};
use crate::diag::{Severity, UserError};
use crate::lint::{
    config, explanation, find_rule, lint_paths, report, rules_table, suggest, Options, Outcome,
    RULES,
};

/// `stackchef lint`: returns the process exit code (0 clean, 1 findings at or above the fail level).
pub fn run(args: &LintArgs, color: bool) -> Result<u8> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (mut config, _) = config::load(args.config.as_deref(), &paths[0])?;
    config.preview |= args.preview;
    let options = Options::resolve(
        &config,
        &args.select,
        &args.ignore,
        args.fail_level.as_deref(),
    )?;
    if args.fix || args.fix_only || args.diff {
        return run_fix(args, &paths, options, color);
    }
    let outcome = lint_paths(&paths, options)?;
    warn_if_empty(&outcome, &paths);
    emit_report(args, &outcome, color)?;
    if args.unsafe_fixes {
        // Alone, `--unsafe-fixes` only says how much the fixes would do (ruff's behaviour).
        let (safe, unsafe_only) = crate::lint::fix::engine::fixable_counts(&outcome);
        crate::errln!("{safe} fixable with --fix, {unsafe_only} more with --fix --unsafe-fixes");
    }
    let code = if outcome.failed() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process exits next: freeing every fact of a large repo would only cost time.
    std::mem::forget(outcome);
    Ok(code)
}

fn warn_if_empty(outcome: &Outcome, paths: &[PathBuf]) {
    if outcome.repo.files.is_empty() && outcome.repo.walk_errors.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        crate::errln!(
            "warning: no cookbook files (.rb, .erb, metadata.json) found under {}; \
             is this the cookbook or repo folder? (.gitignore and chefignore are honoured)",
            shown.join(", ")
        );
    }
}

/// The findings report, to standard output or `--output`.
fn emit_report(args: &LintArgs, outcome: &Outcome, color: bool) -> Result<()> {
    let to_file = args.output.is_some();
    let mut text = report::render(args.format, outcome, color && !to_file);
    if args.statistics && args.format == LintFormat::Human {
        text = report::human::statistics(outcome);
    }
    write_output(args, &text, "report")
}

/// `text` to `--output FILE`, replaced whole or not at all (CI must never upload half a report
/// or apply half a patch), or to standard output.
fn write_output(args: &LintArgs, text: &str, what: &str) -> Result<()> {
    match &args.output {
        Some(path) => crate::plan::write_atomic(path, text.as_bytes(), false)
            .with_context(|| format!("writing the {what} to {}", path.display())),
        None => crate::output::print_str(text),
    }
}

/// `stackchef lint --fix / --fix-only / --diff`: the engine does the work
/// ([`fix::engine`]); this prints and writes.
fn run_fix(args: &LintArgs, paths: &[PathBuf], options: Options, color: bool) -> Result<u8> {
    let applicability = if args.unsafe_fixes {
        crate::lint::fix::Applicability::Unsafe
    } else {
        crate::lint::fix::Applicability::Safe
    };
    let request = crate::lint::fix::engine::FixRequest::new(applicability);
    let outcome = crate::lint::fix::engine::fix_paths(paths, options, &request)?;
    warn_if_empty(&outcome.remaining, paths);
    for bug in &outcome.bugs {
        let error = UserError::new(format!(
            "the {} fix was rolled back in {}: {}",
            bug.code, bug.path, bug.reason
        ))
        .with_help(format!(
            "this is a bug in stackchef's fix; please report it (`--ignore {}` skips the rule meanwhile)",
            bug.code
        ));
        crate::errln!("{}", error.render(Severity::Error));
    }
    if outcome.bound_reached {
        crate::errln!(
            "warning: stopped after {} fix passes with fixes left to apply; run again to continue",
            outcome.passes
        );
    }
    let remaining = outcome.remaining.diagnostics.len();
    let mut tail = vec![format!("{remaining} remaining")];
    if outcome.fixable_unsafe > 0 && !args.unsafe_fixes {
        tail.push(format!(
            "{} fixable with --unsafe-fixes",
            outcome.fixable_unsafe
        ));
    }
    // Findings resolved, as ruff counts them; one fix can resolve several (a merged LWRP
    // provider takes its `use_inline_resources` finding with it), so say so when they differ.
    let fixes = outcome.applied.len();
    let fixed = outcome.found.saturating_sub(remaining).max(fixes);
    let problems = match (fixed == 1, fixed == fixes) {
        (true, _) => "problem".to_string(),
        (false, true) => "problems".to_string(),
        (false, false) => format!(
            "problems with {fixes} {}",
            if fixes == 1 { "fix" } else { "fixes" }
        ),
    };
    if args.diff {
        // With `--output`, the diff is the report: a patch file (`git apply` takes it).
        let to_file = args.output.is_some();
        let mut text = String::new();
        for change in &outcome.changes {
            text.push_str(&crate::plan::report::unified_diff(
                &change.path,
                change.original.as_deref(),
                change.fixed.as_deref(),
                color && !to_file,
            ));
        }
        write_output(args, &text, "diff")?;
        warn_stale_policy_locks(&outcome, "would leave");
        crate::errln!("Would fix {fixed} {problems} ({})", tail.join(", "));
        let code = exit_code(crate::lint::fix::engine::verdict(
            &outcome,
            0,
            crate::lint::fix::engine::FixMode::Diff,
        ));
        std::mem::forget(outcome);
        return Ok(code);
    }
    let on_wait = |holder: &str| {
        crate::errln!("waiting for another stackchef run ({holder}) to finish…");
    };
    let written = crate::lint::fix::engine::write(&outcome, &on_wait)?;
    for path in &written.stale {
        let error = UserError::new(format!(
            "{path} changed on disk since it was linted: not overwritten (nor the files fixed with it)"
        ))
        .with_help("run `stackchef lint --fix` again");
        crate::errln!("{}", error.render(Severity::Error));
    }
    if !args.fix_only {
        emit_report(args, &outcome.remaining, color)?;
    }
    if written.stale.is_empty() {
        warn_stale_policy_locks(&outcome, "left");
    }
    let fixed_text = if written.stale.is_empty() {
        format!("Fixed {fixed} {problems}")
    } else {
        format!(
            "Fixed {fixed} {problems} in memory, {} of {} files not written",
            written.stale.len(),
            outcome.changes.len()
        )
    };
    crate::errln!("{fixed_text} ({})", tail.join(", "));
    let mode = if args.fix_only {
        crate::lint::fix::engine::FixMode::FixOnly
    } else {
        crate::lint::fix::engine::FixMode::Fix
    };
    let code = exit_code(crate::lint::fix::engine::verdict(
        &outcome,
        written.stale.len(),
        mode,
    ));
    std::mem::forget(outcome);
    Ok(code)
}

/// A fix that edits a Policyfile's run list does not reach a node until its lock is regenerated.
fn warn_stale_policy_locks(outcome: &crate::lint::fix::engine::FixOutcome, verb: &str) {
    for (policyfile, lock) in crate::lint::fix::engine::stale_policy_locks(outcome) {
        let error = UserError::new(format!(
            "the fixes {verb} {lock} out of date: nodes converge the run list of the lock"
        ))
        .with_help(format!(
            "run `chef update {policyfile}` and commit the new lock (then `chef push` it)"
        ));
        crate::errln!("{}", error.render(Severity::Warning));
    }
}

fn exit_code(verdict: crate::lint::fix::engine::Verdict) -> u8 {
    use crate::lint::fix::engine::Verdict;
    match verdict {
        Verdict::Clean => EXIT_OK,
        Verdict::Findings => EXIT_FINDINGS,
        Verdict::Failed => super::EXIT_ERROR,
    }
}

/// `stackchef rules`.
pub fn list_rules(args: &RulesArgs) -> Result<u8> {
    if args.json {
        let rules: Vec<serde_json::Value> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "level": r.level.as_str(),
                    "maturity": r.maturity().as_str(),
                    "summary": r.summary,
                    "fix": r.fix.map(|f| f.applicability.as_str()),
                })
            })
            .collect();
        crate::outln!("{}", serde_json::to_string_pretty(&rules)?)?;
        return Ok(EXIT_OK);
    }
    crate::out!("{}", rules_table())?;
    Ok(EXIT_OK)
}

/// `stackchef explain`.
pub fn explain(args: &ExplainArgs) -> Result<u8> {
    let Some(rule) = find_rule(&args.rule) else {
        let mut msg = format!("no rule `{}`", args.rule);
        if let Some(best) = suggest(&args.rule) {
            msg.push_str(&format!(" (did you mean `{best}`?)"));
        }
        msg.push_str("; `stackchef rules` lists them all");
        anyhow::bail!(msg);
    };
    crate::out!("{}", explanation(rule))?;
    Ok(EXIT_OK)
}
