//! JSON Schema of `stack.yml`, for editors (yaml-language-server) and for the tests, generated
//! from the model's `JsonSchema` derive: the model's fields, their doc comments, defaults,
//! patterns and ranges are the one description of the file (see [`super::model`]).
//!
//! The schema describes the *input* file: defaults are optional, and names follow the same
//! patterns the loader enforces. The loader's "unknown key" checks take their key lists from
//! it ([`keys`]), so the schema, the loader and the model cannot disagree on which keys exist.

use std::sync::LazyLock;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, Schema, SchemaGenerator};
use serde_json::Value;

use super::model::Stack;

/// Names used in paths, cookbooks and Ruby identifiers (see `validate::is_identifier`).
pub const NAME_PATTERN: &str = "^[a-z][a-z0-9_]*$";
pub(crate) const SEMVER_PATTERN: &str = "^[0-9]+\\.[0-9]+\\.[0-9]+$";
pub(crate) const REGION_PATTERN: &str = "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$";
pub(crate) const VPC_PATTERN: &str = "^vpc-[0-9a-f]{8}([0-9a-f]{9})?$";
pub(crate) const SUBNET_PATTERN: &str = "^subnet-[0-9a-f]{8}([0-9a-f]{9})?$";
pub(crate) const DNS_LABEL_PATTERN: &str = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

/// The defaults of `stack.yml` that are one fixed value: the schema shows them (`default`)
/// and the loader fills them in, from these same functions.
pub mod defaults {
    use crate::stack::model::{Aws, Chef, ChefClient, License, Platform, Restart};

    pub fn version() -> String {
        "0.1.0".into()
    }
    pub fn license() -> License {
        License::AllRightsReserved
    }
    pub fn platform() -> Platform {
        Platform::Ubuntu2204
    }
    pub fn chef_client() -> ChefClient {
        ChefClient::Cinc
    }
    pub fn chef_version() -> String {
        "18".into()
    }
    pub fn chef() -> Chef {
        Chef {
            client: chef_client(),
            version: chef_version(),
        }
    }
    pub fn region() -> String {
        "us-east-1".into()
    }
    /// The `aws` settings of a stack named `project` that writes none.
    pub fn aws_for(project: &str) -> Aws {
        Aws {
            region: region(),
            vpc_id: None,
            subnet_ids: Vec::new(),
            internal_zone: format!("{}.internal", project.replace('_', "-")),
        }
    }
    /// Only for the schema derive, which evaluates a default it then hides (see `derived`).
    pub fn aws() -> Aws {
        aws_for("")
    }
    pub fn instance_type() -> String {
        "t3.small".into()
    }
    pub fn volume_size() -> u32 {
        20
    }
    pub fn restart() -> Restart {
        Restart::OnFailure
    }
}

/// Used as `skip_serializing_if` beside a `default` in the model's `#[schemars]` attributes:
/// the field is optional, but its default is not one fixed value (it follows from other fields,
/// e.g. `user` from the stack name, or is spelt out by the properties of an object), so the
/// schema shows no `default` for it. It only affects the schema, never serialisation.
pub(crate) fn derived<T>(_: &T) -> bool {
    true
}

/// `environment`: variable names as the loader accepts them; YAML numbers and booleans are
/// read as their text.
pub(crate) fn environment(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "additionalProperties": {"type": ["string", "number", "boolean"]}
    })
}

/// The JSON Schema (draft 2020-12) of `stack.yml`, derived from [`Stack`].
pub fn stack_schema() -> Value {
    // Inlined rather than `$ref`s into `$defs`: the schema reads as the file is laid out, and
    // `keys` can walk it without resolving references.
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    generator.into_root_schema_for::<Stack>().to_value()
}

/// The keys accepted in each mapping of `stack.yml`: the properties the schema declares, so
/// a field added to the model is accepted by the loader at once.
pub mod keys {
    use super::*;

    /// Property names of every mapping of `stack.yml`, read off the schema once.
    pub struct Keys {
        pub top: Vec<&'static str>,
        pub chef: Vec<&'static str>,
        pub aws: Vec<&'static str>,
        pub image: Vec<&'static str>,
        pub service: Vec<&'static str>,
    }

    static KEYS: LazyLock<Keys> = LazyLock::new(|| {
        let top = stack_schema();
        let prop = |name: &str| &top["properties"][name];
        // `images` and `services` map names to objects: their keys are those of the values.
        let values = |name: &str| object_of(&prop(name)["additionalProperties"]);
        Keys {
            top: names(&top),
            chef: names(object_of(prop("chef"))),
            aws: names(object_of(prop("aws"))),
            image: names(values("images")),
            service: names(values("services")),
        }
    });

    /// The key lists, computed on first use.
    pub fn get() -> &'static Keys {
        &KEYS
    }

    /// Whether `key` is accepted in some mapping of `stack.yml`.
    pub fn is_known(key: &str) -> bool {
        let k = get();
        [&k.top, &k.chef, &k.aws, &k.image, &k.service]
            .iter()
            .any(|list| list.contains(&key))
    }

    /// The object schema within `v`: `v` itself, or the object branch of an `anyOf`/`oneOf`
    /// (an optional value: `Option<Image>` is "an image or null").
    fn object_of(v: &Value) -> &Value {
        if v.get("properties").is_some() {
            return v;
        }
        ["anyOf", "oneOf"]
            .iter()
            .filter_map(|k| v.get(*k).and_then(Value::as_array))
            .flatten()
            .find(|branch| branch.get("properties").is_some())
            .unwrap_or(&Value::Null)
    }

    /// The property names of an object schema. Leaked once each (a few dozen bytes for the
    /// life of the process), so the loader compares and suggests plain `&str`s.
    fn names(object: &Value) -> Vec<&'static str> {
        object["properties"]
            .as_object()
            .map(|props| {
                props
                    .keys()
                    .map(|k| &*Box::leak(k.clone().into_boxed_str()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_lists_come_from_the_model() {
        let k = keys::get();
        let sorted = |v: &[&'static str]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        assert_eq!(
            sorted(&k.top),
            [
                "aws",
                "chef",
                "images",
                "license",
                "maintainer",
                "maintainer_email",
                "name",
                "platform",
                "services",
                "version"
            ]
        );
        assert_eq!(sorted(&k.chef), ["client", "version"]);
        assert_eq!(
            sorted(&k.aws),
            ["internal_zone", "region", "subnet_ids", "vpc_id"]
        );
        assert_eq!(
            sorted(&k.image),
            [
                "count",
                "from",
                "instance_type",
                "packages",
                "platform",
                "volume_size"
            ]
        );
        assert_eq!(
            sorted(&k.service),
            [
                "command",
                "dns",
                "environment",
                "group",
                "image",
                "port",
                "restart",
                "user",
                "working_directory"
            ]
        );
    }

    #[test]
    fn required_keys_and_fixed_defaults() {
        let s = stack_schema();
        assert_eq!(s["title"], "stackchef stack.yml");
        assert_eq!(
            s["required"],
            serde_json::json!(["name", "maintainer", "maintainer_email", "images"])
        );
        let service = &s["properties"]["services"]["additionalProperties"];
        assert_eq!(service["required"], serde_json::json!(["image", "command"]));
        assert_eq!(s["properties"]["version"]["default"], "0.1.0");
        assert_eq!(s["properties"]["license"]["default"], "all-rights-reserved");
        assert_eq!(s["properties"]["platform"]["default"], "ubuntu-22.04");
        assert_eq!(service["properties"]["restart"]["default"], "on-failure");
        // A default that follows from other fields is not shown as a fixed value.
        assert!(service["properties"]["user"].get("default").is_none());
        assert!(s["properties"]["aws"]["properties"]["internal_zone"]
            .get("default")
            .is_none());
        assert_eq!(s["additionalProperties"], false);
    }
}
