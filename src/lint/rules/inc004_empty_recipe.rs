use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a recipe with no code at all (only comments or blank lines).
    ///
    /// ## Why is this bad?
    /// An empty recipe in a run list does nothing but looks like it does something; an empty
    /// `default` recipe left over from `chef generate cookbook` invites people to include it.
    ///
    /// ## Example
    /// ```ruby
    /// #
    /// # Cookbook:: shop_common
    /// # Recipe:: default
    /// #
    /// ```
    ///
    /// ## Use instead
    /// Delete the file. A library cookbook that only provides custom resources needs no
    /// recipe; users `depends` on it and call its resources.
    RULE = "INC004", "empty-recipe", Info, "A recipe with no code", check
}

struct EmptyRecipe<'a> {
    recipe: &'a str,
}

impl Violation for EmptyRecipe<'_> {
    fn message(&self) -> String {
        format!("recipe `{}` is empty", self.recipe)
    }
    fn help(&self) -> Option<String> {
        Some("delete it; a library cookbook needs no recipe".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Recipe) {
        if !file.facts.stmts.is_empty() || file.facts.syntax_error.is_some() {
            continue;
        }
        let recipe = recipe_name(&cookbook.name, file.stem());
        sink.report(file, START, EmptyRecipe { recipe: &recipe });
    }
}
