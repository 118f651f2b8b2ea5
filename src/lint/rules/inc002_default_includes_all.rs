use std::collections::BTreeSet;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `default` recipe that includes most of its own cookbook's recipes (more than
    /// `max-default-include-share`, 75 %, once the cookbook has `min-recipes-for-share`, 3,
    /// other recipes), or more than `max-foreign-includes` (4) recipes of other cookbooks.
    ///
    /// ## Why is this bad?
    /// Putting `cookbook` in a run list then means "everything": the node gets every feature
    /// of the cookbook whether it needs it or not, and nobody can tell which part a given host
    /// relies on. A default recipe that pulls in many other cookbooks turns one run-list entry
    /// into a hidden, unordered dependency tree.
    ///
    /// ## Example
    /// ```ruby
    /// # recipes/default.rb of `app`
    /// include_recipe 'app::install'
    /// include_recipe 'app::config'
    /// include_recipe 'app::service'
    /// include_recipe 'app::logrotate'
    /// ```
    ///
    /// ## Use instead
    /// Give each feature a custom resource (`app_install`, `app_service`) and let the
    /// recipe that needs it call it with explicit properties; keep `default` for what every
    /// user of the cookbook needs, or leave it empty in a library cookbook.
    RULE = "INC002", "default-includes-all", Warning, "A default recipe that includes (nearly) all recipes", check, fix = super::inc001_include_only_recipe::FIX
}

enum DefaultIncludesAll<'a> {
    Own {
        cookbook: &'a str,
        included: usize,
        total: usize,
    },
    Foreign {
        cookbook: &'a str,
        included: usize,
    },
}

impl Violation for DefaultIncludesAll<'_> {
    fn message(&self) -> String {
        match self {
            DefaultIncludesAll::Own {
                cookbook,
                included,
                total,
            } => format!(
                "`{cookbook}::default` includes {included} of the cookbook's {total} other recipes"
            ),
            DefaultIncludesAll::Foreign { cookbook, included } => {
                format!("`{cookbook}::default` includes {included} recipes from other cookbooks")
            }
        }
    }
    fn label(&self) -> String {
        "first of the includes".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(match self {
            DefaultIncludesAll::Own { cookbook, .. } => format!(
                "turn each feature into a `{cookbook}_…` custom resource and call only what a node needs"
            ),
            DefaultIncludesAll::Foreign { .. } => {
                "list these cookbooks in a role or Policyfile run list instead".to_string()
            }
        })
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let settings = ctx.settings;
    for (file, cookbook) in ctx.repo.files_of(FileKind::Recipe) {
        // `stem` splits the path by characters, a few hundred instructions per recipe; most
        // are not named `default`, which their file name shows at a glance.
        let name_at = memchr::memrchr(b'/', file.rel.as_bytes()).map_or(0, |i| i + 1);
        if !file.rel[name_at..].starts_with("default") || file.stem() != "default" {
            continue;
        }
        let Some(first) = file.facts.includes.first() else {
            continue;
        };
        let mut own = BTreeSet::new();
        let mut foreign = BTreeSet::new();
        for include in &file.facts.includes {
            let IncludeTarget::Static {
                cookbook: c,
                recipe,
            } = &include.target
            else {
                continue;
            };
            if c.is_empty() || *c == cookbook.name {
                if recipe != "default" && cookbook.recipes.contains_key(recipe) {
                    own.insert(recipe.as_str());
                }
            } else {
                foreign.insert((c.as_str(), recipe.as_str()));
            }
        }
        let total = cookbook.recipes.len().saturating_sub(1);
        if total >= settings.min_recipes_for_share
            && own.len() as f64 > settings.max_default_include_share * total as f64
        {
            let v = DefaultIncludesAll::Own {
                cookbook: &cookbook.name,
                included: own.len(),
                total,
            };
            sink.report(file, first.span, v);
        }
        if foreign.len() > settings.max_foreign_includes {
            let v = DefaultIncludesAll::Foreign {
                cookbook: &cookbook.name,
                included: foreign.len(),
            };
            sink.report(file, first.span, v);
        }
    }
}
