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

use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use super::{counts, rule_name};
use crate::diag::Diagnostic;
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
    let mut out = serde_json::to_string_pretty(&report).unwrap();
    out.push('\n');
    out
}

#[doc(hidden)]
/// Findings per chunk rendered on one thread: large reports are written in parallel.
const CHUNK: usize = 256;

/// The report, written out by hand in exactly the layout `serde_json::to_string_pretty` gives
/// (two-space indent, fields in schema order): a repo with thousands of findings is rendered in
/// parallel chunks and several times faster than through serde's generic formatter. A test
/// checks the bytes against serde_json's output.
pub fn render_hand(outcome: &Outcome) -> String {
    let (errors, warnings, info) = counts(outcome);
    let mut out = String::with_capacity(512);
    let _ = write!(
        out,
        concat!(
            "{{\n",
            "  \"version\": {version},\n",
            "  \"tool\": {{\n",
            "    \"name\": \"stackchef\",\n",
            "    \"version\": \"{tool_version}\"\n",
            "  }},\n",
            "  \"summary\": {{\n",
            "    \"files\": {files},\n",
            "    \"findings\": {findings},\n",
            "    \"errors\": {errors},\n",
            "    \"warnings\": {warnings},\n",
            "    \"info\": {info},\n",
            "    \"fail_level\": \"{fail_level}\",\n",
            "    \"failed\": {failed}\n",
            "  }},\n",
        ),
        version = VERSION,
        tool_version = env!("CARGO_PKG_VERSION"),
        files = outcome.repo.files.len(),
        findings = outcome.diagnostics.len(),
        errors = errors,
        warnings = warnings,
        info = info,
        fail_level = outcome.options.fail_level.as_str(),
        failed = outcome.failed(),
    );
    if outcome.diagnostics.is_empty() {
        out.push_str("  \"findings\": []\n}\n");
        return out;
    }
    out.push_str("  \"findings\": [\n");
    let chunks: Vec<String> = outcome
        .diagnostics
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut text = String::with_capacity(chunk.len() * 480);
            for (i, d) in chunk.iter().enumerate() {
                if i > 0 {
                    text.push_str(",\n");
                }
                finding(&mut text, d);
            }
            text
        })
        .collect();
    out.reserve(chunks.iter().map(|c| c.len() + 2).sum::<usize>() + 8);
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(chunk);
    }
    out.push_str("\n  ]\n}\n");
    out
}

/// One finding, indented as an element of `findings`, without a trailing comma or newline.
fn finding(out: &mut String, d: &Diagnostic) {
    let code = d.code.as_deref().unwrap_or("");
    out.push_str("    {\n      \"code\": ");
    string(out, code);
    out.push_str(",\n      \"name\": ");
    string(out, rule_name(d.code.as_deref()));
    out.push_str(",\n      \"severity\": \"");
    out.push_str(d.severity.as_str());
    out.push_str("\",\n      \"message\": ");
    string(out, &d.message);
    out.push_str(",\n      \"path\": ");
    string(out, &d.path);
    let position = d
        .location
        .map(|l| (l.line, l.column, l.line, l.column + l.len.max(1)));
    for (key, value) in [
        ("line", position.map(|p| p.0)),
        ("column", position.map(|p| p.1)),
        ("end_line", position.map(|p| p.2)),
        ("end_column", position.map(|p| p.3)),
    ] {
        out.push_str(",\n      \"");
        out.push_str(key);
        out.push_str("\": ");
        match value {
            Some(n) => number(out, n),
            None => out.push_str("null"),
        }
    }
    out.push_str(",\n      \"label\": ");
    string(out, &d.label);
    out.push_str(",\n      \"help\": ");
    if d.help.is_empty() {
        out.push_str("[]");
    } else {
        out.push('[');
        for (i, help) in d.help.iter().enumerate() {
            out.push_str(if i == 0 { "\n        " } else { ",\n        " });
            string(out, help);
        }
        out.push_str("\n      ]");
    }
    out.push_str("\n    }");
}

/// A decimal number, without going through the formatting machinery (four per finding).
fn number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// A JSON string literal, escaped as serde_json does: `"` and `\\`, the short escapes for
/// backspace, form feed, newline, carriage return and tab, `\\u00XX` (lowercase hex) for the other
/// control characters; everything else, non-ASCII included, as is. Messages and paths rarely need
/// escaping, so eight bytes at a time are checked first and copied in one piece.
fn string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            if !word_needs_escape(u64::from_le_bytes(word.try_into().expect("8 bytes"))) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => {
                i += 1;
                continue;
            }
        };
        // Every byte escaped is ASCII, so `plain..i` is on character boundaries.
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        i += 1;
        plain = i;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// Whether any of eight bytes is a control character, `"` or `\\` (`|`, not `||`: the three
/// tests are cheaper than the branches between them).
fn word_needs_escape(word: u64) -> bool {
    use crate::lint::swar::{has_byte, has_byte_below};
    has_byte_below(word, 0x20) | has_byte(word, b'"') | has_byte(word, b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_serde(outcome: &Outcome) -> String {
        render(outcome)
    }

    fn outcome(diagnostics: Vec<Diagnostic>) -> Outcome {
        let repo = crate::lint::Repo::from_memory(&[(
            "cookbooks/a/metadata.rb".to_string(),
            b"name 'a'\n".to_vec(),
        )]);
        Outcome {
            repo,
            diagnostics,
            options: crate::lint::Options::default(),
        }
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, u32::MAX as usize, usize::MAX] {
            let mut out = String::new();
            number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        // Every ASCII byte at every offset of a word, among plain and non-ASCII text.
        for b in 0u8..0x80 {
            for at in 0..17 {
                let mut text = "é".repeat(at % 3) + &"x".repeat(at);
                text.push(char::from(b));
                text.push_str("tail ü 0123456789");
                let mut ours = String::new();
                string(&mut ours, &text);
                assert_eq!(ours, serde_json::to_string(&text).unwrap(), "{text:?}");
            }
        }
    }

    #[test]
    fn matches_serde_json_byte_for_byte() {
        use crate::diag::{Location, Severity};
        let awkward = "quote \" backslash \\ newline \n tab \t cr \r bell \u{7} nul \0 \
                       del \u{7f} bs \u{8} ff \u{c} unit \u{1f} unicode ü → 🎉 </script>";
        let mut many = Vec::new();
        for i in 0..(CHUNK * 2 + 3) {
            let mut d = Diagnostic::error(format!("message {i} {awkward}"), format!("p/{i}.rb"))
                .with_code(["ATTR005", "OPS003", "NOPE999"][i % 3]);
            d.severity = [Severity::Info, Severity::Warning, Severity::Error][i % 3];
            if i % 4 != 0 {
                d = d.at(
                    Location {
                        line: i + 1,
                        column: i % 7 + 1,
                        len: i % 3,
                    },
                    if i % 2 == 0 { awkward } else { "" },
                );
            }
            for h in 0..(i % 3) {
                d = d.with_help(format!("help {h} {awkward}"));
            }
            many.push(d);
        }
        for diagnostics in [Vec::new(), many[..1].to_vec(), many] {
            let outcome = outcome(diagnostics);
            assert_eq!(render_hand(&outcome), with_serde(&outcome));
        }
    }
}
