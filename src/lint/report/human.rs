//! The terminal format: every finding rustc-style (`warning[INC001]: …`, ` --> path:line:col`,
//! the source line with a caret under the span, `= help: …`), then a summary line.

use super::{counts, printable, rule_name};
use crate::diag::{Diagnostic, SourceIndex};
use crate::lint::Outcome;

pub fn render(outcome: &Outcome, color: bool) -> String {
    let mut out = String::new();
    // Findings come sorted by path: each file's lines are indexed once, and each finding
    // renders only its own line, so the report costs O(findings + file size), not their
    // product (80 000 findings in a 2 MB recipe took minutes).
    for findings in outcome.diagnostics.chunk_by(|a, b| a.path == b.path) {
        let source = outcome
            .source(&findings[0].path)
            .map(|src| printable(src, &['\t', '\r', '\n']));
        let index = source.as_deref().map(SourceIndex::new);
        for d in findings {
            let text = match escaped(d) {
                Some(safe) => safe.render_indexed(index.as_ref(), color),
                None => d.render_indexed(index.as_ref(), color),
            };
            out.push_str(text.trim_end());
            out.push_str("\n\n");
        }
    }
    out.push_str(&summary(outcome));
    out.push('\n');
    out
}

/// `Found 3 problems (1 error, 2 warnings) in 2 files; 14 files checked.`
pub fn summary(outcome: &Outcome) -> String {
    let checked = outcome.repo.files.len();
    let files = plural(checked, "file", "files");
    if outcome.diagnostics.is_empty() {
        return format!("No problems found ({files} checked).");
    }
    let (errors, warnings, info) = counts(outcome);
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error", "errors"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning", "warnings"));
    }
    if info > 0 {
        parts.push(format!("{info} info"));
    }
    let mut with: Vec<&str> = outcome
        .diagnostics
        .iter()
        .map(|d| d.path.as_str())
        .collect();
    with.dedup();
    let fail = if outcome.failed() {
        String::new()
    } else {
        format!(
            " Nothing at or above the fail level ({}).",
            outcome.options.fail_level.as_str()
        )
    };
    format!(
        "Found {} ({}) in {}; {files} checked.{fail}",
        plural(outcome.diagnostics.len(), "problem", "problems"),
        parts.join(", "),
        plural(with.len(), "file", "files"),
    )
}

/// `--statistics`: findings per rule.
pub fn statistics(outcome: &Outcome) -> String {
    let mut out = String::new();
    for (code, count) in outcome.statistics() {
        let level = outcome
            .diagnostics
            .iter()
            .find(|d| d.code.as_deref() == Some(code))
            .map_or("", |d| d.severity.as_str());
        out.push_str(&format!(
            "{count:>5}  {code:<8} {:<32} {level}\n",
            rule_name(Some(code))
        ));
    }
    out.push_str(&summary(outcome));
    out.push('\n');
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A copy of `d` whose path, message, label and help are [`printable`], if any of them is not.
fn escaped(d: &Diagnostic) -> Option<Diagnostic> {
    let mut fields = std::iter::once(&d.path)
        .chain([&d.message, &d.label])
        .chain(&d.help);
    if fields.all(|f| matches!(printable(f, &[]), std::borrow::Cow::Borrowed(_))) {
        return None;
    }
    let mut safe = d.clone();
    safe.path = printable(&d.path, &[]).into_owned();
    safe.message = printable(&d.message, &[]).into_owned();
    safe.label = printable(&d.label, &[]).into_owned();
    safe.help = d
        .help
        .iter()
        .map(|h| printable(h, &[]).into_owned())
        .collect();
    Some(safe)
}
