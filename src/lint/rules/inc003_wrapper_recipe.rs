use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a recipe whose only statement includes one recipe of another cookbook: the
    /// classic "wrapper cookbook" recipe, usually paired with attribute overrides.
    ///
    /// ## Why is this bad?
    /// The wrapper exists to change the wrapped cookbook's behaviour through attributes set
    /// elsewhere, so the recipe itself says nothing, and the behaviour depends on attribute
    /// precedence and load order across two cookbooks. It is a symptom rather than a bug,
    /// hence the `info` level.
    ///
    /// ## Example
    /// ```ruby
    /// # cookbooks/shop_nginx/recipes/default.rb
    /// include_recipe 'nginx::default'
    /// ```
    ///
    /// ## Use instead
    /// Call the wrapped cookbook's custom resources with explicit properties, or put
    /// `nginx::default` in the run list directly:
    /// ```ruby
    /// nginx_site 'shop' do
    ///   template 'shop.conf.erb'
    /// end
    /// ```
    RULE = "INC003", "wrapper-recipe", Info, "A recipe that only wraps one recipe of another cookbook", check
}

struct WrapperRecipe<'a> {
    recipe: &'a str,
    wrapped: &'a str,
}

impl Violation for WrapperRecipe<'_> {
    fn message(&self) -> String {
        format!("recipe `{}` only wraps `{}`", self.recipe, self.wrapped)
    }
    fn label(&self) -> String {
        "the only statement".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "call `{}`'s resources with explicit properties, or put `{}` in the run list directly",
            self.wrapped.split("::").next().unwrap_or(self.wrapped),
            self.wrapped
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Recipe) {
        let facts = &file.facts;
        let ([stmt], [include]) = (facts.stmts.as_slice(), facts.includes.as_slice()) else {
            continue;
        };
        let IncludeTarget::Static {
            cookbook: target,
            recipe,
        } = &include.target
        else {
            continue;
        };
        if !stmt.is_include || target.is_empty() || *target == cookbook.name {
            continue;
        }
        let this = recipe_name(&cookbook.name, file.stem());
        let wrapped = recipe_name(target, recipe);
        sink.report(
            file,
            stmt.span,
            WrapperRecipe {
                recipe: &this,
                wrapped: &wrapped,
            },
        );
    }
}
