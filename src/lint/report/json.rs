//! The JSON format. Its schema is stable (fields are only ever added, `version` changes if one
//! is removed or changes meaning):
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": { "name": "stackchef", "version": "0.1.0" },
//!   "summary": { "files": 14, "findings": 3, "errors": 1, "warnings": 2, "info": 0,
//!                "fail_level": "warning", "failed": true },
//!   "findings": [
//!     { "code": "INC001", "name": "include-only-recipe", "severity": "warning",
//!       "message": "…", "path": "cookbooks/web/recipes/default.rb",
//!       "line": 1, "column": 1, "end_line": 1, "end_column": 26,
//!       "label": "…", "help": ["…"] }
//!   ]
//! }
//! ```
//! `path` is relative to the current directory (as the lint path was given); `line` and
//! `column` are 1-based, columns count characters, `end_column` is exclusive; all four are
//! `null` for findings about a whole file. Findings are sorted by path, line, column, code.
//! [`SCHEMA`] is the same contract as a JSON Schema.

use serde::Serialize;

use super::{counts, rule_name};
use crate::lint::Outcome;

pub const VERSION: u32 = 1;

/// The JSON Schema (draft 2020-12) of this format, for consumers; the tests validate every
/// report against it.
pub const SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "stackchef lint report",
  "type": "object",
  "required": ["version", "tool", "summary", "findings"],
  "additionalProperties": false,
  "properties": {
    "version": { "const": 1 },
    "tool": {
      "type": "object",
      "required": ["name", "version"],
      "additionalProperties": false,
      "properties": { "name": { "const": "stackchef" }, "version": { "type": "string" } }
    },
    "summary": {
      "type": "object",
      "required": ["files", "findings", "errors", "warnings", "info", "fail_level", "failed"],
      "additionalProperties": false,
      "properties": {
        "files": { "type": "integer", "minimum": 0 },
        "findings": { "type": "integer", "minimum": 0 },
        "errors": { "type": "integer", "minimum": 0 },
        "warnings": { "type": "integer", "minimum": 0 },
        "info": { "type": "integer", "minimum": 0 },
        "fail_level": { "enum": ["error", "warning", "info"] },
        "failed": { "type": "boolean" }
      }
    },
    "findings": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["code", "name", "severity", "message", "path", "line", "column",
                     "end_line", "end_column", "label", "help"],
        "additionalProperties": false,
        "properties": {
          "code": { "type": "string", "pattern": "^[A-Z]+[0-9]{3}$" },
          "name": { "type": "string", "pattern": "^[a-z][a-z0-9-]*$" },
          "severity": { "enum": ["error", "warning", "info"] },
          "message": { "type": "string", "minLength": 1 },
          "path": { "type": "string", "minLength": 1 },
          "line": { "type": ["integer", "null"], "minimum": 1 },
          "column": { "type": ["integer", "null"], "minimum": 1 },
          "end_line": { "type": ["integer", "null"], "minimum": 1 },
          "end_column": { "type": ["integer", "null"], "minimum": 1 },
          "label": { "type": "string" },
          "help": { "type": "array", "items": { "type": "string" } }
        }
      }
    }
  }
}"##;

/// The report, in schema order (serde writes fields in declaration order).
///
/// Written by serde_json's pretty printer. A hand-written writer (parallel chunks, escaping eight
/// bytes at a time) was measured against it before it was removed (release build, 2 busy
/// cores): on the whole real-world corpus (57 repos, 324 findings, a 657 ms lint) serde_json
/// takes 1.3 ms and the hand writer 0.2 ms, 0.17% of the run; only a synthetic repo with 64,000
/// findings (a 32 MB report) showed a real gap, 406 ms against 103 ms. Under 5% of a real run
/// does not pay for 250 lines of escaping code kept in step with serde_json by tests.
#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    fail_level: &'static str,
    failed: bool,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    label: &'a str,
    help: &'a [String],
}

/// The report as pretty-printed JSON (two-space indent), newline-terminated.
pub fn render(outcome: &Outcome) -> String {
    let (errors, warnings, info) = counts(outcome);
    let report = Report {
        version: VERSION,
        tool: Tool {
            name: "stackchef",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: outcome.repo.files.len(),
            findings: outcome.diagnostics.len(),
            errors,
            warnings,
            info,
            fail_level: outcome.options.fail_level.as_str(),
            failed: outcome.failed(),
        },
        findings: outcome
            .diagnostics
            .iter()
            .map(|d| Finding {
                code: d.code.as_deref().unwrap_or(""),
                name: rule_name(d.code.as_deref()),
                severity: d.severity.as_str(),
                message: &d.message,
                path: &d.path,
                line: d.location.map(|l| l.line),
                column: d.location.map(|l| l.column),
                end_line: d.location.map(|l| l.line),
                end_column: d.location.map(|l| l.column + l.len.max(1)),
                label: &d.label,
                help: &d.help,
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report).expect("a report always serialises");
    out.push('\n');
    out
}
