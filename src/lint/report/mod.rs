//! Output formats, one file each. Every reporter is a pure function of the [`Outcome`]:
//! deterministic, relative paths only, no timestamps.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::cli::LintFormat;

use super::Outcome;

/// Render a lint outcome in a format. `color` only affects `human`.
pub fn render(format: LintFormat, outcome: &Outcome, color: bool) -> String {
    match format {
        LintFormat::Human => human::render(outcome, color),
        LintFormat::Json => json::render(outcome),
        LintFormat::Sarif => sarif::render(outcome),
        LintFormat::Junit => junit::render(outcome),
        LintFormat::Github => github::render(outcome),
    }
}

/// Counts by severity: (errors, warnings, info).
pub(crate) fn counts(outcome: &Outcome) -> (usize, usize, usize) {
    use crate::diag::Severity;
    let n = |s| {
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// A rule's name from its code.
pub(crate) fn rule_name(code: Option<&str>) -> &'static str {
    code.and_then(super::find_rule).map_or("", |r| r.name)
}
