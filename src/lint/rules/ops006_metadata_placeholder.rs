use crate::lint::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `metadata.rb` fields still carrying the values `chef generate cookbook` puts
    /// there: `maintainer 'The Authors'`, `maintainer_email 'you@example.com'`,
    /// `description 'Installs/Configures …'`, and URLs with `<insert_org_here>`.
    ///
    /// ## Why is this bad?
    /// Nobody knows who owns the cookbook or where to report a problem, and the Supermarket
    /// or the Chef server shows the placeholders to everyone.
    ///
    /// ## Example
    /// ```ruby
    /// maintainer 'The Authors'
    /// maintainer_email 'you@example.com'
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// maintainer 'Shop Ops'
    /// maintainer_email 'ops@shop.example'
    /// ```
    RULE = "OPS006", "metadata-placeholder", Warning, "metadata.rb with generator placeholder values", check
}

struct MetadataPlaceholder<'a> {
    field: &'a str,
    value: &'a str,
}

impl Violation for MetadataPlaceholder<'_> {
    fn message(&self) -> String {
        format!(
            "`{}` is still the generator placeholder `{}`",
            self.field, self.value
        )
    }
    fn label(&self) -> String {
        "placeholder".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!("set the real {}", self.field.replace('_', " ")))
    }
}

fn placeholder(field: &str, value: &str) -> bool {
    match field {
        "maintainer" => value == "The Authors" || value == "YOUR_COMPANY_NAME",
        "maintainer_email" => value == "you@example.com" || value == "YOUR_EMAIL",
        "description" => value.starts_with("Installs/Configures "),
        "issues_url" | "source_url" => value.contains("<insert_org_here>"),
        _ => false,
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Metadata) {
        for call in &file.facts.calls {
            let Some(value) = call.args.first().and_then(Lit::text) else {
                continue;
            };
            if call.resource.is_some() || !placeholder(&call.name, value) {
                continue;
            }
            let v = MetadataPlaceholder {
                field: &call.name,
                value,
            };
            sink.report(file, call.span, v);
        }
    }
}
