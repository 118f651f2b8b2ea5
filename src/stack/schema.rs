//! JSON Schema of `stack.yml`, for editors (yaml-language-server) and for the tests.
//!
//! The schema describes the *input* file: defaults are optional, and names follow the same
//! patterns the loader enforces.

use serde_json::{json, Value};

use super::load::keys;
use super::model::{ChefClient, License, Platform, Restart};

const NAME_PATTERN: &str = "^[a-z][a-z0-9_]*$";

/// The JSON Schema (draft 2020-12) of `stack.yml`.
pub fn stack_schema() -> Value {
    let platforms: Vec<&str> = Platform::ALL.iter().map(|p| p.id()).collect();
    let licenses: Vec<&str> = License::ALL.iter().map(|l| l.id()).collect();
    let image = json!({
        "type": "object",
        "additionalProperties": false,
        "description": "A machine image (AMI) and the cookbook that bakes it.",
        "properties": {
            "from": {"type": "string", "pattern": NAME_PATTERN, "description": "Parent image this one is baked from (layered AMI)."},
            "packages": {"type": "array", "items": {"type": "string"}, "description": "OS packages installed by this image."},
            "instance_type": {"type": "string", "default": "t3.small", "description": "EC2 instance type to bake and run on."},
            "platform": {"enum": platforms, "description": "Platform (default: the stack's; a layered image inherits its parent's)."},
            "volume_size": {"type": "integer", "minimum": 8, "maximum": 16384, "description": "Root volume size in GiB (default 20, or the parent's)."},
            "count": {"type": "integer", "minimum": 0, "maximum": 1000, "description": "Instances to launch (default 1 if the image runs services, else 0: bake only)."}
        }
    });
    let service = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["image", "command"],
        "description": "A long-running process, run as a sandboxed systemd unit.",
        "properties": {
            "image": {"type": "string", "pattern": NAME_PATTERN, "description": "Image the service runs on."},
            "command": {"type": "string", "minLength": 1, "description": "Command line (ExecStart)."},
            "user": {"type": "string", "description": "System user (default: the stack name)."},
            "group": {"type": "string", "description": "System group (default: the user)."},
            "working_directory": {"type": "string", "pattern": "^/", "description": "Absolute working directory."},
            "environment": {"type": "object", "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}, "additionalProperties": {"type": ["string", "number", "boolean"]}},
            "port": {"type": "integer", "minimum": 1, "maximum": 65535, "description": "TCP port the service listens on."},
            "dns": {"type": "string", "pattern": "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", "description": "DNS label: <dns>.<internal_zone> resolves to the instance."},
            "restart": {"enum": Restart::ALL, "default": "on-failure", "description": "systemd Restart= policy."}
        }
    });
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "stackchef stack.yml",
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "maintainer", "maintainer_email", "images"],
        "properties": {
            "name": {"type": "string", "pattern": NAME_PATTERN, "description": "Project name; prefixes cookbooks and resources."},
            "version": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$", "default": "0.1.0"},
            "maintainer": {"type": "string", "minLength": 1},
            "maintainer_email": {"type": "string", "format": "email"},
            "license": {"enum": licenses, "default": "all-rights-reserved"},
            "platform": {"enum": platforms, "default": "ubuntu-22.04"},
            "chef": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "client": {"enum": ChefClient::ALL, "default": "cinc"},
                    "version": {"type": ["string", "integer"], "default": "18"}
                }
            },
            "aws": {
                "type": "object", "additionalProperties": false,
                "properties": {
                    "region": {"type": "string", "pattern": "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", "default": "us-east-1"},
                    "vpc_id": {"type": "string", "pattern": "^vpc-[0-9a-f]{8}([0-9a-f]{9})?$"},
                    "subnet_ids": {"type": "array", "items": {"type": "string", "pattern": "^subnet-[0-9a-f]{8}([0-9a-f]{9})?$"}},
                    "internal_zone": {"type": "string", "description": "Route53 private zone (default: <name>.internal)."}
                }
            },
            "images": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": NAME_PATTERN}, "additionalProperties": {"anyOf": [image, {"type": "null"}]}},
            "services": {"type": "object", "propertyNames": {"pattern": NAME_PATTERN}, "additionalProperties": service}
        }
    });
    debug_assert!(keys_match(&schema));
    schema
}

/// The keys the loader accepts and the properties the schema declares must be the same lists.
fn keys_match(schema: &Value) -> bool {
    let props = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    };
    let sorted = |k: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = k.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    props(schema) == sorted(keys::TOP)
        && props(&schema["properties"]["chef"]) == sorted(keys::CHEF)
        && props(&schema["properties"]["aws"]) == sorted(keys::AWS)
        && props(&schema["properties"]["images"]["additionalProperties"]["anyOf"][0])
            == sorted(keys::IMAGE)
        && props(&schema["properties"]["services"]["additionalProperties"]) == sorted(keys::SERVICE)
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_and_loader_agree_on_keys() {
        assert!(super::keys_match(&super::stack_schema()));
    }
}
