use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a recipe whose whole body is two or more `include_recipe` calls. Includes with
    /// computed targets (`include_recipe "#{cookbook_name}::x"`) or in a loop over a list
    /// (`%w(a b).each { |r| include_recipe r }`) are still includes: the recipe is still a
    /// run list in disguise.
    ///
    /// It does not flag a recipe with an include under `if`/`unless`
    /// (`include_recipe 'yum-epel' if platform_family?('rhel')`): that is logic a run list
    /// cannot express.
    ///
    /// ## Why is this bad?
    /// A recipe of includes is a run list in disguise. What the node ends up with is decided
    /// one or more levels down, so reading the recipe tells you nothing, and every include
    /// drags in that recipe's attributes and side effects whether you need them or not.
    /// Changing anything means following the chain.
    ///
    /// ## Example
    /// ```ruby
    /// # recipes/default.rb
    /// include_recipe 'base::packages'
    /// include_recipe 'base::users'
    /// include_recipe 'nginx::default'
    /// ```
    ///
    /// ## Use instead
    /// Declare what the node needs with resources, in the order it needs them; put the list
    /// of cookbooks in a role or Policyfile run list where it belongs:
    /// ```ruby
    /// package %w(curl git)
    /// shop_service 'api' do
    ///   command '/opt/shop/bin/api'
    /// end
    /// ```
    RULE = "INC001", "include-only-recipe", Warning, "A recipe that only includes other recipes", check
}

struct IncludeOnlyRecipe<'a> {
    recipe: &'a str,
    count: usize,
}

impl Violation for IncludeOnlyRecipe<'_> {
    fn message(&self) -> String {
        format!(
            "recipe `{}` only includes other recipes ({} `include_recipe` calls and nothing else)",
            self.recipe, self.count
        )
    }
    fn label(&self) -> String {
        "the whole recipe is includes".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("declare the resources this recipe is for here, and move the list of recipes into a role or Policyfile run list".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Recipe) {
        let stmts = &file.facts.stmts;
        if stmts.is_empty() || stmts.iter().any(|s| s.includes == 0) {
            continue;
        }
        let count: u32 = stmts.iter().map(|s| s.includes).sum();
        if count < 2 {
            continue;
        }
        let recipe = recipe_name(&cookbook.name, file.stem());
        sink.report(
            file,
            stmts[0].span,
            IncludeOnlyRecipe {
                recipe: &recipe,
                count: count as usize,
            },
        );
    }
}
