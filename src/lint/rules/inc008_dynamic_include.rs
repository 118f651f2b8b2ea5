use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Notes an `include_recipe` whose target is computed at run time
    /// (`include_recipe "app::#{node['app']['flavor']}"`, a variable, a loop).
    ///
    /// ## Why is this bad?
    /// Which recipes run now depends on attribute values, so neither people nor tools can
    /// tell from the code what a node converges — and missing `depends` go unnoticed.
    ///
    /// ## Example
    /// ```ruby
    /// node['app']['features'].each do |feature|
    ///   include_recipe "app::#{feature}"
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Call custom resources conditionally, with the condition visible in the recipe:
    /// ```ruby
    /// app_metrics 'default' if node['app']['metrics']
    /// ```
    RULE = "INC008", "dynamic-include", Info, "include_recipe with a computed target", check
}

struct DynamicInclude;

impl Violation for DynamicInclude {
    fn message(&self) -> String {
        "`include_recipe` with a target computed at run time".to_string()
    }
    fn label(&self) -> String {
        "cannot tell which recipe this includes".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("call custom resources under a visible condition instead".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || file.kind == FileKind::Other {
            continue;
        }
        for include in &file.facts.includes {
            if include.target == IncludeTarget::Dynamic {
                sink.report(file, include.span, DynamicInclude);
            }
        }
    }
}
