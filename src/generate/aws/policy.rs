//! IAM policy documents as data, rendered two ways from one definition: as YAML inside the
//! CloudFormation template (ARNs built with `!Sub` from the stack's own partition, region,
//! account and resources) and as standalone JSON for teams who attach policies by hand
//! (the same ARNs with those values filled in from `stack.yml`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

/// A string that may refer to CloudFormation values as `${AWS::Region}`, `${AWS::AccountId}`,
/// `${AWS::Partition}` or `${LogicalId}`: rendered as `!Sub` in the template and substituted
/// in the standalone documents.
pub type SubStr = String;

/// One policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: &'static str,
    /// `Allow`, or `Deny` for the guard rails that make an allow conditional where IAM needs
    /// the allow itself to cover every resource of a call (e.g. `ec2:RunInstances`).
    pub effect: &'static str,
    pub actions: Vec<&'static str>,
    pub resources: Vec<SubStr>,
    /// operator → condition key → values
    pub conditions: BTreeMap<&'static str, BTreeMap<String, Vec<SubStr>>>,
    /// Why this statement needs `"Resource": "*"`: required exactly when it does. Written as a
    /// comment above the statement in the template and listed in the README.
    pub why_any_resource: Option<&'static str>,
}

impl Statement {
    pub fn new(sid: &'static str, actions: &[&'static str], resources: Vec<SubStr>) -> Self {
        Statement {
            sid,
            effect: "Allow",
            actions: actions.to_vec(),
            resources,
            conditions: BTreeMap::new(),
            why_any_resource: None,
        }
    }

    /// A `Deny` statement: used only as a guard on an allow that AWS forces to be broad.
    pub fn deny(sid: &'static str, actions: &[&'static str], resources: Vec<SubStr>) -> Self {
        Statement {
            effect: "Deny",
            ..Statement::new(sid, actions, resources)
        }
    }

    /// A statement on `"Resource": "*"`, with the reason AWS allows nothing narrower.
    pub fn any_resource(sid: &'static str, actions: &[&'static str], why: &'static str) -> Self {
        Statement {
            why_any_resource: Some(why),
            ..Statement::new(sid, actions, vec!["*".to_string()])
        }
    }

    pub fn when(
        mut self,
        operator: &'static str,
        key: impl Into<String>,
        values: Vec<SubStr>,
    ) -> Self {
        self.conditions
            .entry(operator)
            .or_default()
            .insert(key.into(), values);
        self
    }
}

/// Values substituted into the standalone JSON documents.
pub struct Substitutions<'a> {
    pub pairs: Vec<(&'a str, String)>,
}

impl Substitutions<'_> {
    fn apply(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (name, value) in &self.pairs {
            out = out.replace(&format!("${{{name}}}"), value);
        }
        out
    }
}

#[derive(Serialize)]
struct JsonPolicy {
    #[serde(rename = "Version")]
    version: &'static str,
    #[serde(rename = "Statement")]
    statement: Vec<JsonStatement>,
}

#[derive(Serialize)]
struct JsonStatement {
    #[serde(rename = "Sid")]
    sid: &'static str,
    #[serde(rename = "Effect")]
    effect: &'static str,
    #[serde(rename = "Action")]
    action: Vec<&'static str>,
    #[serde(rename = "Resource")]
    resource: OneOrMany,
    #[serde(rename = "Condition", skip_serializing_if = "BTreeMap::is_empty")]
    condition: BTreeMap<&'static str, BTreeMap<String, OneOrMany>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn from(mut values: Vec<String>) -> Self {
        if values.len() == 1 {
            OneOrMany::One(values.remove(0))
        } else {
            OneOrMany::Many(values)
        }
    }
}

impl Policy {
    /// Every `${…}` reference left after substitution is a bug: the document would not work.
    pub fn to_json(&self, subs: &Substitutions) -> String {
        let doc = JsonPolicy {
            version: "2012-10-17",
            statement: self
                .statements
                .iter()
                .map(|s| JsonStatement {
                    sid: s.sid,
                    effect: s.effect,
                    action: s.actions.clone(),
                    resource: OneOrMany::from(s.resources.iter().map(|r| subs.apply(r)).collect()),
                    condition: s
                        .conditions
                        .iter()
                        .map(|(op, keys)| {
                            (
                                *op,
                                keys.iter()
                                    .map(|(k, v)| {
                                        (
                                            k.clone(),
                                            OneOrMany::from(
                                                v.iter().map(|x| subs.apply(x)).collect(),
                                            ),
                                        )
                                    })
                                    .collect(),
                            )
                        })
                        .collect(),
                })
                .collect(),
        };
        let mut out = serde_json::to_string_pretty(&doc).expect("a policy always serialises");
        out.push('\n');
        out
    }

    /// The policy document as a YAML block (no leading key, no indentation), for the template.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        out.push_str("Version: \"2012-10-17\"\nStatement:\n");
        for s in &self.statements {
            if let Some(why) = s.why_any_resource {
                for line in wrap(why, 92) {
                    let _ = writeln!(out, "  # {line}");
                }
            }
            let _ = writeln!(out, "  - Sid: {}", s.sid);
            let _ = writeln!(out, "    Effect: {}", s.effect);
            out.push_str("    Action:\n");
            for a in &s.actions {
                let _ = writeln!(out, "      - {a}");
            }
            yaml_values(&mut out, "    Resource", &s.resources, 6);
            if !s.conditions.is_empty() {
                out.push_str("    Condition:\n");
                for (op, keys) in &s.conditions {
                    let _ = writeln!(out, "      {op}:");
                    for (key, values) in keys {
                        yaml_values(&mut out, &format!("        {key}"), values, 10);
                    }
                }
            }
        }
        out
    }

    /// Every action of every statement.
    pub fn actions(&self) -> impl Iterator<Item = &str> {
        self.statements
            .iter()
            .flat_map(|s| s.actions.iter().copied())
    }
}

/// `key: value` for one value, a block list for several.
fn yaml_values(out: &mut String, key: &str, values: &[SubStr], item_indent: usize) {
    if let [one] = values {
        let _ = writeln!(out, "{key}: {}", yaml_scalar(one));
    } else {
        let _ = writeln!(out, "{key}:");
        for v in values {
            let _ = writeln!(out, "{:item_indent$}- {}", "", yaml_scalar(v));
        }
    }
}

/// A double-quoted YAML scalar, as `!Sub` when it refers to CloudFormation values.
pub fn yaml_scalar(s: &str) -> String {
    let quoted = yaml_quote(s);
    if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        if !name.contains(['$', '{', '}']) {
            return format!("!Ref {name}");
        }
    }
    if s.contains("${") {
        format!("!Sub {quoted}")
    } else {
        quoted
    }
}

/// A YAML double-quoted string (JSON string syntax is a subset of it).
pub fn yaml_quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// Greedy word wrap for comments.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
