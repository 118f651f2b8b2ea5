//! SARIF 2.1.0, as GitHub code scanning accepts it: the tool with the metadata of every enabled
//! rule (help text from the rule's documentation), results with a rule id and index, a level,
//! and a physical location whose URI is relative to `%SRCROOT%` (the current directory).

use serde::Serialize;
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

// The log as typed, borrowed structs serialised straight into the output: building a
// `serde_json::Value` per finding first cost ~10 KB of maps per finding (850 MB and 11 s for
// 80 000 findings). Fields are declared in alphabetical order, the order serde_json's `Value`
// wrote them in, so the bytes are unchanged.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    original_uri_base_ids: Value,
    results: Vec<SarifResult<'a>>,
    tool: Tool<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'static str,
    rules: Vec<RuleMeta<'a>>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleMeta<'a> {
    default_configuration: Level,
    full_description: Text<'a>,
    help: Help,
    id: &'a str,
    name: &'a str,
    properties: Properties<'a>,
    short_description: Text<'a>,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct Properties<'a> {
    tags: [&'a str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location; 1],
    message: OwnedText,
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: Physical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

pub fn render(outcome: &Outcome) -> String {
    let rules: Vec<RuleMeta> = outcome
        .options
        .rules
        .iter()
        .map(|(rule, severity)| RuleMeta {
            default_configuration: Level {
                level: level(*severity),
            },
            full_description: Text { text: rule.summary },
            help: Help {
                markdown: rule.doc_markdown(),
                text: rule.doc_markdown(),
            },
            id: rule.code,
            name: rule.name,
            properties: Properties {
                tags: [rule.family()],
            },
            short_description: Text { text: rule.summary },
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> = outcome
        .options
        .rules
        .iter()
        .enumerate()
        .map(|(i, (r, _))| (r.code, i))
        .collect();
    let results: Vec<SarifResult> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let code = d.code.as_deref().unwrap_or("");
            let mut text = d.message.clone();
            for help in &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            SarifResult {
                level: level(d.severity),
                locations: [Location {
                    physical_location: Physical {
                        artifact_location: Artifact {
                            uri: uri(&d.path),
                            uri_base_id: "%SRCROOT%",
                        },
                        region: d.location.map(|l| Region {
                            end_column: l.column + l.len.max(1),
                            end_line: l.line,
                            start_column: l.column,
                            start_line: l.line,
                        }),
                    },
                }],
                message: OwnedText { text },
                rule_id: code,
                rule_index: index.get(code).copied(),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: json!({ "%SRCROOT%": { "description": { "text": "The directory stackchef lint ran in" } } }),
            results,
            tool: Tool {
                driver: Driver {
                    name: "stackchef",
                    rules,
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
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
