//! JUnit XML, for CI systems that show test reports: one `<testsuite>` per checked file, one
//! failing `<testcase>` per finding (named after the rule), and a passing testcase for a file
//! with no findings.

use std::collections::BTreeMap;

use crate::diag::Diagnostic;
use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for f in &outcome.repo.files {
        by_file.entry(&f.path).or_default();
    }
    for d in &outcome.diagnostics {
        by_file.entry(&d.path).or_default().push(d);
    }
    let tests: usize = by_file.values().map(|v| v.len().max(1)).sum();
    let failures = outcome.diagnostics.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"stackchef lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    for (path, diags) in &by_file {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
            escape(path),
            diags.len().max(1),
            diags.len()
        ));
        if diags.is_empty() {
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"no problems\"/>\n",
                escape(path)
            ));
        }
        for d in diags {
            let code = d.code.as_deref().unwrap_or("");
            let name = format!("{} {}", code, super::rule_name(d.code.as_deref()));
            let mut body = format!("{}: {}", d.position(), d.message);
            for help in &d.help {
                body.push_str(&format!("\nhelp: {help}"));
            }
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{} at {}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(path),
                escape(name.trim()),
                escape(&d.position()),
                d.severity.as_str(),
                escape(&d.message),
                escape(&body)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Escape text for an XML attribute or element; drop characters XML 1.0 cannot carry.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
