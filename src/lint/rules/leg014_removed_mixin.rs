use crate::lint::parse::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the mixins and helpers removed from Chef, whether included (`include`,
    /// `extend`, `X.send(:include, …)`) or required:
    /// - `Chef::Mixin::Command` (`run_command`; removed in Chef 13, CHEF-14) and
    ///   `Chef::ShellOut` (removed in Chef 13);
    /// - `Chef::Mixin::LanguageIncludeAttribute`, `Chef::Mixin::RecipeDefinitionDSLCore`,
    ///   `Chef::Mixin::LanguageIncludeRecipe`, `Chef::Mixin::Language` and
    ///   `Chef::DSL::Recipe::FullDSL` (removed in Chef 14, CHEF-23);
    /// - `require 'chef/mixin/command'`, `'chef/mixin/language'`,
    ///   `'chef/mixin/language_include_attribute'`, `'chef/mixin/language_include_recipe'`,
    ///   `'chef/mixin/recipe_definition_dsl_core'`, `'chef/shellout'`.
    ///
    /// ## Why is this bad?
    /// The constant or file no longer exists: the library fails to load (`NameError`,
    /// `LoadError`) and with it the whole run, before a single resource converges.
    ///
    /// ## Example
    /// ```ruby
    /// class Chef::Provider::AppDeploy < Chef::Provider
    ///   include Chef::Mixin::Command
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Nothing for the DSL mixins (resources and providers have the recipe DSL already);
    /// `shell_out!` (from `Chef::Mixin::ShellOut`, included everywhere) instead of
    /// `run_command`:
    /// ```ruby
    /// class Chef::Provider::AppDeploy < Chef::Provider
    ///   include Chef::Mixin::ShellOut
    /// end
    /// ```
    RULE = "LEG014", "removed-mixin", Error, "a Chef mixin removed in Chef 13/14 (Chef::Mixin::Command, Language, …)", check
}

/// Removed constants and the Chef release that removed them.
const REMOVED: &[(&str, u32)] = &[
    ("Chef::DSL::Recipe::FullDSL", 14),
    ("Chef::Mixin::Command", 13),
    ("Chef::Mixin::Language", 14),
    ("Chef::Mixin::LanguageIncludeAttribute", 14),
    ("Chef::Mixin::LanguageIncludeRecipe", 14),
    ("Chef::Mixin::RecipeDefinitionDSLCore", 14),
    ("Chef::ShellOut", 13),
];

/// Removed files and the Chef release that removed them.
const REMOVED_FILES: &[(&str, u32)] = &[
    ("chef/mixin/command", 13),
    ("chef/mixin/language", 14),
    ("chef/mixin/language_include_attribute", 14),
    ("chef/mixin/language_include_recipe", 14),
    ("chef/mixin/recipe_definition_dsl_core", 14),
    ("chef/shellout", 13),
];

struct RemovedMixin<'a> {
    what: &'a str,
    release: u32,
}

impl Violation for RemovedMixin<'_> {
    fn message(&self) -> String {
        format!("`{}` was removed in Chef {}", self.what, self.release)
    }
    fn label(&self) -> String {
        "the library fails to load".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            if self.what.contains("ommand") || self.what.contains("hell") {
                "use `shell_out!` (Chef::Mixin::ShellOut) instead of `run_command`".to_string()
            } else {
                "delete it: resources and providers have the recipe DSL already".to_string()
            },
        )
    }
}

fn removed(lit: &Lit) -> Option<(&str, u32)> {
    let Lit::Const(name) = lit else { return None };
    let name = name.trim_start_matches("::");
    REMOVED.iter().find(|(n, _)| *n == name).copied()
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || !file.kind.is_ruby() || file.kind == FileKind::Other {
            continue;
        }
        for call in &file.facts.calls {
            if call.on_node {
                continue;
            }
            let hit = match call.name.as_str() {
                "include" | "extend" | "prepend" => call.args.iter().find_map(removed),
                "require" => call
                    .args
                    .first()
                    .and_then(Lit::text)
                    .and_then(|path| REMOVED_FILES.iter().find(|(p, _)| *p == path).copied()),
                _ => None,
            };
            if let Some((what, release)) = hit {
                sink.report(file, call.span, RemovedMixin { what, release });
            }
        }
        // `Chef::Recipe.send(:include, Chef::Mixin::Language)`, `X.include(…)`.
        for call in &file.facts.const_calls {
            let args = match call.name.as_str() {
                "send" if matches!(call.args.first(), Some(Lit::Sym(s)) if s == "include" || s == "extend") => {
                    &call.args[1..]
                }
                "include" | "prepend" => &call.args[..],
                _ => continue,
            };
            if let Some((what, release)) = args.iter().find_map(removed) {
                sink.report(file, call.span, RemovedMixin { what, release });
            }
        }
    }
}
