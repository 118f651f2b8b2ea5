//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, so
//! findings show up as annotations on the pull request.
//! <https://docs.github.com/actions/reference/workflow-commands-for-github-actions>

use crate::diag::Severity;
use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let code = d.code.as_deref().unwrap_or("");
        let title = format!("{code} {}", super::rule_name(d.code.as_deref()));
        let mut props = vec![format!("file={}", property(&d.path))];
        if let Some(l) = d.location {
            props.push(format!("line={}", l.line));
            props.push(format!("col={}", l.column));
            props.push(format!("endColumn={}", l.column + l.len.max(1)));
        }
        props.push(format!("title={}", property(title.trim())));
        let mut message = d.message.clone();
        for help in &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

/// Escape a command's message: the runner's own escapes for `%`, CR and LF, and every other
/// control character made visible (an ESC sequence must not reach the log viewer).
fn data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::printable(&escaped, &[]).into_owned()
}

/// Escape a command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::data("50%\nx"), "50%25%0Ax");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(super::property("a\u{1b}b\n"), "a\u{241b}b%0A");
    }
}
