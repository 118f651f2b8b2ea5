//! Facts from the files that are not Ruby: `metadata.json`, JSON roles, Policyfile locks
//! (`*.lock.json`), `Berksfile.lock` and `Cheffile.lock`.

use super::FileKind;
use crate::lint::parse::facts::{AttrPath, AttrWrite, Call, Facts, Guard, Lit, Span};
use crate::lint::parse::ruby;

/// The span of the first occurrence of `"needle"` in a JSON text (line 1 if absent).
fn json_span(text: &str, needle: &str) -> Span {
    let quoted = format!("\"{needle}\"");
    let at = text.find(&quoted).unwrap_or(0);
    ruby::LineIndex::new(text).span(at, at + quoted.len())
}

/// `metadata.json` (name, dependencies), a JSON role (run list, attributes) or a Policyfile lock
/// (cookbook_locks), as facts.
pub(super) fn json_facts(text: &str, kind: FileKind) -> Facts {
    let mut facts = Facts::default();
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(err) => {
            let span = ruby::LineIndex::new(text).span(0, 0);
            let span = Span {
                line: err.line().max(1) as u32,
                col: err.column().max(1) as u32,
                ..span
            };
            facts.syntax_error = Some((span, format!("invalid JSON: {err}")));
            return facts;
        }
    };
    let keys = |field: &str| -> Vec<String> {
        value
            .get(field)
            .and_then(|v| v.as_object())
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    match kind {
        FileKind::MetadataJson => {
            if let Some(name) = value.get("name").and_then(|v| v.as_str()) {
                facts
                    .calls
                    .push(call("name", name, json_span(text, "name")));
            }
            for dep in keys("dependencies") {
                let span = json_span(text, &dep);
                facts.calls.push(call("depends", &dep, span));
            }
        }
        FileKind::PolicyLock => {
            for name in keys("cookbook_locks") {
                let span = json_span(text, &name);
                facts.calls.push(call("cookbook", &name, span));
            }
        }
        FileKind::RoleJson => {
            for (field, level) in [
                ("default_attributes", "default"),
                ("override_attributes", "override"),
            ] {
                if let Some(tree) = value.get(field) {
                    let span = json_span(text, field);
                    json_writes(tree, &mut Vec::new(), level, span, &mut facts);
                }
            }
            for item in value
                .get("run_list")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                facts
                    .calls
                    .push(call("run_list", item, json_span(text, item)));
            }
        }
        _ => {}
    }
    facts
}

/// Every leaf of a JSON object as an attribute write (role attributes).
fn json_writes(
    value: &serde_json::Value,
    prefix: &mut Vec<String>,
    level: &str,
    span: Span,
    facts: &mut Facts,
) {
    match value.as_object() {
        Some(object) => {
            for (k, v) in object {
                prefix.push(k.clone());
                json_writes(v, prefix, level, span, facts);
                prefix.pop();
            }
        }
        None if !prefix.is_empty() => facts.writes.push(AttrWrite {
            level: level.to_string(),
            via_node: false,
            path: AttrPath {
                keys: prefix.clone(),
                partial: false,
            },
            span,
            value: match value {
                serde_json::Value::String(s) => Lit::Str(s.clone()),
                _ => Lit::Other,
            },
            value_reads: 0..0,
        }),
        None => {}
    }
}

/// Cookbook names from a `Berksfile.lock` or a librarian-chef `Cheffile.lock`: both list
/// them as `name (version)` lines, indented two spaces (`DEPENDENCIES`, Berkshelf's `GRAPH`)
/// or four (librarian's `specs:` under each source). Indented words ending in `:` are fields
/// (`remote:`, `path:`, `specs:`), not cookbooks; deeper lines are dependencies of the entry
/// above, listed again as entries of their own.
pub(super) fn lock_text_facts(text: &str) -> Facts {
    let mut facts = Facts::default();
    let index = ruby::LineIndex::new(text);
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let entry = trimmed
            .strip_prefix("    ")
            .or_else(|| trimmed.strip_prefix("  "))
            .filter(|e| !e.starts_with(' '));
        if let Some(entry) = entry {
            let name = entry.split_whitespace().next().unwrap_or("");
            if !name.is_empty() && !name.ends_with(':') {
                let at = offset + (trimmed.len() - entry.len());
                let span = index.span(at, at + name.len());
                facts.calls.push(call("cookbook", name, span));
            }
        }
        offset += line.len();
    }
    facts
}

fn call(name: &str, arg: &str, span: Span) -> Call {
    Call {
        name: name.to_string(),
        on_node: false,
        args: vec![Lit::Str(arg.to_string())],
        kwargs: Vec::new(),
        span,
        has_block: false,
        block_end: 0,
        resource: None,
        guard: Guard::None,
    }
}
