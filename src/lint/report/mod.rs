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

/// A rule's name from its code (looked up once per finding: a binary search, as the rule list
/// is sorted by code).
pub(crate) fn rule_name(code: Option<&str>) -> &'static str {
    let Some(code) = code else { return "" };
    match super::RULES.binary_search_by(|r| r.code.cmp(code)) {
        Ok(i) => super::RULES[i].name,
        Err(_) => super::find_rule(code).map_or("", |r| r.name),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rules_are_sorted_by_code_for_rule_name() {
        assert!(super::super::RULES
            .windows(2)
            .all(|w| w[0].code < w[1].code));
        for rule in super::super::RULES {
            assert_eq!(super::rule_name(Some(rule.code)), rule.name);
        }
        assert_eq!(super::rule_name(Some("attr005")), "undefined-attribute");
        assert_eq!(super::rule_name(Some("NOPE001")), "");
        assert_eq!(super::rule_name(None), "");
    }
}
