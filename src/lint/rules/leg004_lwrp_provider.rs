use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags LWRP providers: files in a cookbook's `providers/` folder (with their
    /// `resources/` counterpart).
    ///
    /// ## Why is this bad?
    /// The LWRP split puts a resource's properties in one file and its actions in another,
    /// with `new_resource` plumbing and `use_inline_resources` boilerplate in between. Custom
    /// resources (Chef 12.5+) hold both in one file, get unified mode and `load_current_value`,
    /// and are what current documentation and tooling expect.
    ///
    /// ## Example
    /// ```ruby
    /// # resources/site.rb
    /// actions :create
    /// attribute :port, kind_of: Integer
    /// # providers/site.rb
    /// action :create do
    ///   template "/etc/site-#{new_resource.name}"
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// # resources/site.rb
    /// unified_mode true
    /// property :port, Integer
    /// action :create do
    ///   template "/etc/site-#{new_resource.name}"
    /// end
    /// ```
    RULE = "LEG004", "lwrp-provider", Warning, "An LWRP provider (use a custom resource with actions)", check
}

struct LwrpProvider<'a> {
    name: &'a str,
    has_resource: bool,
}

impl Violation for LwrpProvider<'_> {
    fn message(&self) -> String {
        format!("`providers/{}.rb` is an LWRP provider", self.name)
    }
    fn help(&self) -> Option<String> {
        Some(if self.has_resource {
            format!(
                "move its actions into resources/{}.rb and delete this file",
                self.name
            )
        } else {
            format!(
                "turn it into a custom resource in resources/{}.rb with properties and actions",
                self.name
            )
        })
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Provider) {
        let name = file.stem();
        let resource = format!("resources/{name}.rb");
        let has_resource = cookbook
            .files
            .iter()
            .any(|&i| ctx.repo.files[i].rel == resource);
        let span = file.facts.stmts.first().map_or(START, |s| s.span);
        sink.report(file, span, LwrpProvider { name, has_resource });
    }
}
