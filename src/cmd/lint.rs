//! `stackchef lint`, `stackchef rules` and `stackchef explain`: the linter's commands.

use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::args::{ExplainArgs, LintArgs, LintFormat, RulesArgs};
use super::{EXIT_FINDINGS, EXIT_OK};
use crate::lint::{
    config, explanation, find_rule, lint_paths, report, rules_table, suggest, Options, RULES,
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
    let outcome = lint_paths(&paths, options)?;
    if outcome.repo.files.is_empty() && outcome.repo.walk_errors.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        crate::errln!(
            "warning: no cookbook files (.rb, .erb, metadata.json) found under {}; \
             is this the cookbook or repo folder? (.gitignore and chefignore are honoured)",
            shown.join(", ")
        );
    }
    let to_file = args.output.is_some();
    let mut text = report::render(args.format, &outcome, color && !to_file);
    if args.statistics && args.format == LintFormat::Human {
        text = report::human::statistics(&outcome);
    }
    match &args.output {
        // Replaced whole or not at all: CI must never upload half a report.
        Some(path) => crate::plan::write_atomic(path, text.as_bytes(), false)
            .with_context(|| format!("writing the report to {}", path.display()))?,
        None => crate::output::print_str(&text)?,
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
