//! `stackchef schema` describes stack.yml: every valid sample validates against it, and
//! structurally wrong files do not.

mod support;

use marked_yaml::Node;
use serde_json::Value;

/// YAML → JSON with YAML 1.2 core-schema typing of plain scalars (the loader's typing).
fn to_json(node: &Node) -> Value {
    match node {
        Node::Scalar(s) => {
            let text = s.as_str();
            if !s.may_coerce() {
                return Value::String(text.to_string());
            }
            match text {
                "" | "~" | "null" => Value::Null,
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => text
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(text.to_string())),
            }
        }
        Node::Sequence(seq) => Value::Array(seq.iter().map(to_json).collect()),
        Node::Mapping(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.as_str().to_string(), to_json(v)))
                .collect(),
        ),
    }
}

fn yaml(path: &std::path::Path) -> Value {
    let src = std::fs::read_to_string(path).unwrap();
    to_json(&marked_yaml::parse_yaml(0, &src).unwrap())
}

#[test]
fn every_sample_validates_against_the_schema() {
    let schema = stackchef::stack::schema::stack_schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema itself is valid");
    for (name, path) in support::sample_stacks() {
        let doc = yaml(&path);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn schema_rejects_structural_mistakes() {
    let schema = stackchef::stack::schema::stack_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for file in [
        "unknown-key.yml",
        "wrong-type.yml",
        "invalid-name.yml",
        "port-out-of-range.yml",
        "unsupported-platform.yml",
        "bad-restart.yml",
    ] {
        let doc = yaml(&support::root().join("samples/invalid").join(file));
        assert!(!validator.is_valid(&doc), "{file} should not validate");
    }
}
