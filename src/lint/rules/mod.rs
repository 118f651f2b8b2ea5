//! Stage 5, rules: the repo model → findings. Takes the [`Repo`](crate::lint::Repo) (and the
//! [`Settings`](crate::lint::Settings)); gives [`Diagnostic`](crate::diag::Diagnostic)s through
//! a [`rule::Sink`]. [`rule`] says what a rule is.
//!
//! Every rule, one file each. A rule file holds its documentation (the doc comment of
//! `declare_rule!`, printed by `stackchef explain`), a small violation type that owns the
//! message, and one check function over the repo model.
//!
//! Families: `FILE` (files the linter could not read or parse), `INC` (include-all recipes),
//! `ATTR` (attribute-heavy cookbooks), `LEG` (legacy Chef APIs), `SVC` (service management),
//! `OPS` (operational hygiene).

mod prelude {
    pub(crate) use crate::lint::model::{Cookbook, FileKind, SourceFile};
    pub(crate) use crate::lint::parse::facts::{IncludeTarget, Span};
    pub(crate) use crate::lint::rules::rule::{declare_rule, Context, Sink, Violation};
    pub(crate) use crate::lint::rules::{recipe_name, START};
}

pub mod attr_table;
pub mod rule;

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
mod leg001_node_set;
mod leg002_node_normal;
mod leg003_definition;
mod leg004_lwrp_provider;
mod leg005_missing_unified_mode;
mod leg006_resource_name_without_provides;
mod leg007_resources_lookup;
mod leg008_forced_provider;
mod leg009_use_inline_resources;
mod leg010_whyrun_supported;
mod leg011_redundant_metadata;
mod leg012_user_supports;
mod leg013_application_fatal;
mod leg014_removed_mixin;
mod leg015_library_injection;
mod leg016_node_save;
mod leg017_set_or_return;
mod leg018_initialize_sets_defaults;
pub mod maturity;
mod ops001_unguarded_execute;
mod ops002_hard_coded_ip;
mod ops003_secret_literal;
mod ops004_template_source_missing;
mod ops005_metadata_missing_fields;
mod ops006_metadata_placeholder;
mod ops007_readme_boilerplate;
mod svc001_restart_on_every_run;
mod svc002_hand_rolled_service;
mod svc003_duplicate_resource;

use crate::lint::model::{Cookbook, Repo};
use crate::lint::parse::facts::Span;
use crate::lint::rules::rule::Rule;

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
    &leg001_node_set::RULE,
    &leg002_node_normal::RULE,
    &leg003_definition::RULE,
    &leg004_lwrp_provider::RULE,
    &leg005_missing_unified_mode::RULE,
    &leg006_resource_name_without_provides::RULE,
    &leg007_resources_lookup::RULE,
    &leg008_forced_provider::RULE,
    &leg009_use_inline_resources::RULE,
    &leg010_whyrun_supported::RULE,
    &leg011_redundant_metadata::RULE,
    &leg012_user_supports::RULE,
    &leg013_application_fatal::RULE,
    &leg014_removed_mixin::RULE,
    &leg015_library_injection::RULE,
    &leg016_node_save::RULE,
    &leg017_set_or_return::RULE,
    &leg018_initialize_sets_defaults::RULE,
    &ops001_unguarded_execute::RULE,
    &ops002_hard_coded_ip::RULE,
    &ops003_secret_literal::RULE,
    &ops004_template_source_missing::RULE,
    &ops005_metadata_missing_fields::RULE,
    &ops006_metadata_placeholder::RULE,
    &ops007_readme_boilerplate::RULE,
    &svc001_restart_on_every_run::RULE,
    &svc002_hand_rolled_service::RULE,
    &svc003_duplicate_resource::RULE,
];

/// The first character of a file.
pub const START: Span = Span {
    line: 1,
    col: 1,
    len: 1,
};

/// Top-level keys that Ohai (automatic attributes) or Chef itself fills in: never defined by a
/// cookbook, so never "undefined". Sorted (looked up for every attribute in the repo).
const OHAI: &[&str] = &[
    "azure",
    "block_device",
    "chef_environment",
    "chef_packages",
    "cloud",
    "command",
    "cookbooks",
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
    "macaddress",
    "machine_id",
    "machinename",
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
];

pub fn is_ohai(namespace: &str) -> bool {
    OHAI.binary_search(&namespace).is_ok()
}

/// The cookbook in the repo that owns an attribute namespace (same name; `-` and `_` alike).
pub fn owner<'r>(repo: &'r Repo, namespace: &str) -> Option<&'r Cookbook> {
    repo.cookbook(namespace).or_else(|| {
        // Most namespaces that are not a cookbook's name (Ohai's, other repos') have neither
        // character: no second spelling to build and look up.
        if !namespace.contains(['-', '_']) {
            return None;
        }
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

#[cfg(test)]
mod tests {
    #[test]
    fn ohai_keys_are_sorted_for_binary_search() {
        assert!(super::OHAI.windows(2).all(|w| w[0] < w[1]));
        assert!(super::is_ohai("platform") && super::is_ohai("azure") && !super::is_ohai("app"));
    }
}
