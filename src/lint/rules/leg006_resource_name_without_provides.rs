use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a custom resource that sets `resource_name` but never `provides`.
    ///
    /// ## Why is this bad?
    /// Since Chef 16, `resource_name` no longer makes a resource usable under that name: only
    /// `provides` does. The recipe that calls it fails with "No resource or method named".
    ///
    /// ## Example
    /// ```ruby
    /// resource_name :app_site
    /// property :port, Integer
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// provides :app_site
    /// property :port, Integer
    /// ```
    RULE = "LEG006", "resource-name-without-provides", Warning, "resource_name without provides", check
}

struct ResourceNameWithoutProvides<'a> {
    name: &'a str,
}

impl Violation for ResourceNameWithoutProvides<'_> {
    fn message(&self) -> String {
        format!(
            "`resource_name :{}` without `provides :{}`",
            self.name, self.name
        )
    }
    fn label(&self) -> String {
        "not enough on Chef 16+".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!("replace it with `provides :{}`", self.name))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Resource) {
        let facts = &file.facts;
        let Some(call) = facts.top_calls("resource_name").next() else {
            continue;
        };
        if facts.top_calls("provides").next().is_some() {
            continue;
        }
        let name = call.args.first().and_then(|a| a.text()).unwrap_or("…");
        sink.report(file, call.span, ResourceNameWithoutProvides { name });
    }
}
