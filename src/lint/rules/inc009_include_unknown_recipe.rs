use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `include_recipe 'cookbook::recipe'` where `cookbook` is in the linted repo but
    /// has no `recipes/recipe.rb`.
    ///
    /// ## Why is this bad?
    /// The Chef client stops with "could not find recipe" when it compiles the run list.
    ///
    /// ## Example
    /// ```ruby
    /// include_recipe 'shop_base::pakages'
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// include_recipe 'shop_base::packages'
    /// ```
    RULE = "INC009", "include-unknown-recipe", Error, "include_recipe of a recipe that does not exist", check
}

struct IncludeUnknownRecipe<'a> {
    recipe: &'a str,
    cookbook_dir: &'a str,
}

impl Violation for IncludeUnknownRecipe<'_> {
    fn message(&self) -> String {
        format!("recipe `{}` does not exist", self.recipe)
    }
    fn label(&self) -> String {
        "no such recipe".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "the recipes of this cookbook are in {}/recipes/",
            self.cookbook_dir
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        let Some(this) = ctx.repo.cookbook_of(file) else {
            continue;
        };
        if file.kind == FileKind::Other {
            continue;
        }
        for include in &file.facts.includes {
            let IncludeTarget::Static { cookbook, recipe } = &include.target else {
                continue;
            };
            let name = if cookbook.is_empty() {
                &this.name
            } else {
                cookbook
            };
            let Some(target) = ctx.repo.cookbook(name) else {
                continue;
            };
            if target.recipes.contains_key(recipe) {
                continue;
            }
            let full = recipe_name(name, recipe);
            let v = IncludeUnknownRecipe {
                recipe: &full,
                cookbook_dir: if target.dir.is_empty() {
                    "."
                } else {
                    &target.dir
                },
            };
            sink.report(file, include.span, v);
        }
    }
}
