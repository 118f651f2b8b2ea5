//! Every rule, one file each. A rule file holds its documentation (the doc comment of
//! `declare_rule!`, printed by `stackchef explain`), a small violation type that owns the
//! message, and one check function over the repo model.
//!
//! Families: `FILE` (files the linter could not read or parse), `INC` (include-all recipes),
//! `ATTR` (attribute-heavy cookbooks).

mod prelude {
    pub(crate) use crate::lint::facts::{IncludeTarget, Span};
    pub(crate) use crate::lint::repo::{FileKind, SourceFile};
    pub(crate) use crate::lint::rule::{declare_rule, Context, Sink, Violation};
    pub(crate) use crate::lint::rules::{is_ohai, owner, recipe_name, START};
}

mod attr001_attributes_file_too_large;
mod attr002_attributes_outnumber_resources;
mod attr003_foreign_attribute_write;
mod attr004_shared_attribute_namespace;
mod attr005_undefined_attribute;
mod attr006_unused_attribute;
mod attr007_recipe_sets_attribute;
mod attr008_data_bag_in_attributes;
mod attr009_derived_attribute;
mod file001_unreadable_file;
mod file002_syntax_error;
mod inc001_include_only_recipe;
mod inc002_default_includes_all;
mod inc003_wrapper_recipe;
mod inc004_empty_recipe;
mod inc005_include_missing_depends;
mod inc006_unknown_dependency;
mod inc007_dependency_not_locked;
mod inc008_dynamic_include;
mod inc009_include_unknown_recipe;

use crate::lint::facts::Span;
use crate::lint::repo::{Cookbook, Repo};
use crate::lint::rule::Rule;

/// Every rule, in code order.
pub static RULES: &[&Rule] = &[
    &attr001_attributes_file_too_large::RULE,
    &attr002_attributes_outnumber_resources::RULE,
    &attr003_foreign_attribute_write::RULE,
    &attr004_shared_attribute_namespace::RULE,
    &attr005_undefined_attribute::RULE,
    &attr006_unused_attribute::RULE,
    &attr007_recipe_sets_attribute::RULE,
    &attr008_data_bag_in_attributes::RULE,
    &attr009_derived_attribute::RULE,
    &file001_unreadable_file::RULE,
    &file002_syntax_error::RULE,
    &inc001_include_only_recipe::RULE,
    &inc002_default_includes_all::RULE,
    &inc003_wrapper_recipe::RULE,
    &inc004_empty_recipe::RULE,
    &inc005_include_missing_depends::RULE,
    &inc006_unknown_dependency::RULE,
    &inc007_dependency_not_locked::RULE,
    &inc008_dynamic_include::RULE,
    &inc009_include_unknown_recipe::RULE,
];

/// The first character of a file.
pub const START: Span = Span {
    line: 1,
    col: 1,
    len: 1,
};

/// Top-level keys that Ohai (automatic attributes) or Chef itself fills in: never defined by a
/// cookbook, so never "undefined".
const OHAI: &[&str] = &[
    "block_device",
    "chef_environment",
    "chef_packages",
    "cloud",
    "command",
    "counters",
    "cpu",
    "current_user",
    "dmi",
    "domain",
    "ec2",
    "etc",
    "expanded_run_list",
    "filesystem",
    "fqdn",
    "gce",
    "azure",
    "hostname",
    "hostnamectl",
    "idletime",
    "idletime_seconds",
    "init_package",
    "ip6address",
    "ipaddress",
    "kernel",
    "keys",
    "languages",
    "lsb",
    "machine_id",
    "machinename",
    "macaddress",
    "memory",
    "name",
    "network",
    "ohai_time",
    "os",
    "os_release",
    "os_version",
    "packages",
    "platform",
    "platform_build",
    "platform_family",
    "platform_version",
    "policy_group",
    "policy_name",
    "recipes",
    "roles",
    "root_group",
    "run_list",
    "shard_seed",
    "shells",
    "sysconf",
    "systemd_paths",
    "tags",
    "time",
    "uptime",
    "uptime_seconds",
    "virtualization",
    "vmware",
    "cookbooks",
];

pub fn is_ohai(namespace: &str) -> bool {
    OHAI.contains(&namespace)
}

/// The cookbook in the repo that owns an attribute namespace (same name; `-` and `_` alike).
pub fn owner<'r>(repo: &'r Repo, namespace: &str) -> Option<&'r Cookbook> {
    repo.cookbook(namespace).or_else(|| {
        let alt: String = namespace
            .chars()
            .map(|c| match c {
                '-' => '_',
                '_' => '-',
                c => c,
            })
            .collect();
        repo.cookbook(&alt)
    })
}

/// `cookbook::recipe` for display.
pub fn recipe_name(cookbook: &str, recipe: &str) -> String {
    format!("{cookbook}::{recipe}")
}
