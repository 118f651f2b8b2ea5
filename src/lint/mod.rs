//! The cookbook linter: cookbook tree → parsed files → rules → diagnostics → reporter.

use anyhow::Result;

use crate::cli::{ExplainArgs, LintArgs, RulesArgs};

/// `stackchef lint`: returns the process exit code (0 clean, 1 findings at or above the fail level).
pub fn run(_args: &LintArgs, _color: bool) -> Result<u8> {
    anyhow::bail!("`lint` is not implemented yet")
}

/// `stackchef rules`.
pub fn list_rules(_args: &RulesArgs) -> Result<u8> {
    anyhow::bail!("`rules` is not implemented yet")
}

/// `stackchef explain`.
pub fn explain(_args: &ExplainArgs) -> Result<u8> {
    anyhow::bail!("`explain` is not implemented yet")
}
