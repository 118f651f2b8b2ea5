//! Escaping filters for the cookbook templates. Autoescape is off: every value from `stack.yml`
//! goes through one of these, chosen for the language of the file it lands in.
//!
//! - `ruby_str`: a single-quoted Ruby string literal (`#{` stays literal, no interpolation);
//! - `yaml_str`: a double-quoted YAML scalar that is also inert inside an ERB-processed file
//!   (Test Kitchen runs `kitchen.yml` through ERB before parsing it);
//! - `md_code`: a Markdown code span that survives inside a table cell.
//!
//! systemd escaping (`%` specifiers, `$` expansion) is not done here: the generated
//! `<name>_service` resource applies it at converge time, so hand-written recipes using the
//! resource get the same guarantees as generated ones.

use std::collections::HashMap;

use tera::{Result as TeraResult, Value};

use crate::templates::Filters;

/// A Ruby string literal for any text, written the way RuboCop's default style wants it:
/// single quotes (only `\\` and `'` are special there) unless the text holds a `'`, a control
/// character, or something that looks like interpolation (`#{`, which `Lint/InterpolationCheck`
/// flags inside single quotes); then double quotes with `\\`, `"`, `#{`/`#@`/`#$` and control
/// characters escaped, so nothing is ever interpolated.
pub fn ruby_str(s: &str) -> String {
    let looks_interpolated = s.contains("#{") || s.contains("#@") || s.contains("#$");
    let needs_double = looks_interpolated || s.contains('\'') || s.chars().any(char::is_control);
    let mut out = String::with_capacity(s.len() + 2);
    if !needs_double {
        out.push('\'');
        for c in s.chars() {
            if c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('\'');
        return out;
    }
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '#' if matches!(chars.peek(), Some('{' | '@' | '$')) => out.push_str("\\#"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A double-quoted YAML scalar (a JSON string is one), with `<%` written as `<%%` so that the
/// ERB pass Test Kitchen applies to `kitchen.yml` gives back the original text.
pub fn yaml_str(s: &str) -> String {
    let json = serde_json::to_string(s).expect("a string always serializes");
    json.replace("<%", "<%%")
}

/// A Markdown code span: a backtick fence longer than any run of backticks inside, padded when
/// the text starts or ends with a backtick, and `|` escaped so a table cell is not split.
pub fn md_code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let body = s.replace('|', "\\|");
    if s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// A multi-line Ruby array literal of strings, items indented by `indent` spaces plus two:
/// `%w(...)` when every item is a plain word (RuboCop's `Style/WordArray`), else `[...]`.
pub fn ruby_list(items: &[String], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let plain = |s: &String| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._+:@/-".contains(c))
    };
    if items.iter().all(plain) {
        let body: Vec<String> = items.iter().map(|i| format!("{pad}  {i}")).collect();
        format!("%w(\n{}\n{pad})", body.join("\n"))
    } else {
        let body: Vec<String> = items
            .iter()
            .map(|i| format!("{pad}  {}", ruby_str(i)))
            .collect();
        format!("[\n{}\n{pad}]", body.join(",\n"))
    }
}

fn ruby_list_filter(value: &Value, args: &HashMap<String, Value>) -> TeraResult<Value> {
    let items: Vec<String> = match value {
        Value::Array(a) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(tera::Error::msg(format!(
                    "filter `ruby_list` expects strings, got {other}"
                ))),
            })
            .collect::<TeraResult<_>>()?,
        other => {
            return Err(tera::Error::msg(format!(
                "filter `ruby_list` expects an array, got {other}"
            )))
        }
    };
    let indent = args.get("indent").and_then(Value::as_u64).unwrap_or(0) as usize;
    Ok(Value::String(ruby_list(&items, indent)))
}

fn string_filter(
    name: &'static str,
    f: fn(&str) -> String,
) -> impl Fn(&Value, &HashMap<String, Value>) -> TeraResult<Value> + Sync + Send {
    move |value: &Value, _args: &HashMap<String, Value>| match value {
        Value::String(s) => Ok(Value::String(f(s))),
        Value::Number(n) => Ok(Value::String(f(&n.to_string()))),
        other => Err(tera::Error::msg(format!(
            "filter `{name}` expects a string, got {other}"
        ))),
    }
}

/// The filters, for the cookbook templates' engine.
pub fn filters() -> Filters {
    vec![
        ("ruby_str", Box::new(string_filter("ruby_str", ruby_str))),
        ("yaml_str", Box::new(string_filter("yaml_str", yaml_str))),
        ("md_code", Box::new(string_filter("md_code", md_code))),
        ("ruby_list", Box::new(ruby_list_filter)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_str_prefers_single_quotes_and_never_interpolates() {
        assert_eq!(ruby_str("plain"), "'plain'");
        assert_eq!(ruby_str(r"a\b"), r"'a\\b'");
        assert_eq!(ruby_str(r"end\"), r"'end\\'");
        assert_eq!(ruby_str("100% $HOME é"), "'100% $HOME é'");
        assert_eq!(ruby_str("it's"), "\"it's\"");
        assert_eq!(ruby_str("#{x} #@y #$z"), r#""\#{x} \#@y \#$z""#);
        assert_eq!(ruby_str("say \"hi\" it's"), r#""say \"hi\" it's""#);
        assert_eq!(ruby_str("a\nb\u{7}"), r#""a\nb\u{7}""#);
        assert_eq!(ruby_str("it's a\\b"), r#""it's a\\b""#);
    }

    #[test]
    fn ruby_list_uses_word_arrays_for_plain_words_only() {
        let words = vec!["curl".to_string(), "g++".to_string()];
        assert_eq!(ruby_list(&words, 0), "%w(\n  curl\n  g++\n)");
        let odd = vec!["a b".to_string(), "it's".to_string()];
        assert_eq!(ruby_list(&odd, 2), "[\n    'a b',\n    \"it's\"\n  ]");
    }

    #[test]
    fn yaml_str_is_inert_under_erb() {
        assert_eq!(yaml_str("t3.small"), "\"t3.small\"");
        assert_eq!(yaml_str("a\"b"), "\"a\\\"b\"");
        assert_eq!(yaml_str("<%= x %>"), "\"<%%= x %>\"");
    }

    #[test]
    fn md_code_fences_backticks_and_pipes() {
        assert_eq!(md_code("a b"), "`a b`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x`"), "`` `x` ``");
        assert_eq!(md_code("a|b"), "`a\\|b`");
    }
}
