//! SARIF 2.1.0, as GitHub code scanning accepts it: the tool with the metadata of every enabled
//! rule (help text from the rule's documentation), results with a rule id and index, a level,
//! and a physical location whose URI is relative to `%SRCROOT%` (the current directory).

use serde_json::{json, Value};

use crate::diag::Severity;
use crate::lint::Outcome;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn render(outcome: &Outcome) -> String {
    let rules: Vec<Value> = outcome
        .options
        .rules
        .iter()
        .map(|(rule, severity)| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "help": { "text": rule.doc_markdown(), "markdown": rule.doc_markdown() },
                "defaultConfiguration": { "level": level(*severity) },
                "properties": { "tags": [rule.family()] },
            })
        })
        .collect();
    let results: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let code = d.code.as_deref().unwrap_or("");
            let index = outcome
                .options
                .rules
                .iter()
                .position(|(r, _)| r.code == code);
            let mut physical = json!({
                "artifactLocation": { "uri": uri(&d.path), "uriBaseId": "%SRCROOT%" },
            });
            if let Some(l) = d.location {
                physical["region"] = json!({
                    "startLine": l.line,
                    "startColumn": l.column,
                    "endLine": l.line,
                    "endColumn": l.column + l.len.max(1),
                });
            }
            let mut text = d.message.clone();
            for help in &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": code,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [ { "physicalLocation": physical } ],
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stackchef",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "The directory stackchef lint ran in" } } },
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("plain data serialises");
    out.push('\n');
    out
}

/// A relative URI reference: percent-encode what is not allowed in a path.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
