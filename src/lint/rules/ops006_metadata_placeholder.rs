use crate::lint::parse::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `metadata.rb` fields still carrying the values `chef generate cookbook` puts
    /// there: `maintainer 'The Authors'`, `maintainer_email 'you@example.com'`,
    /// `description 'Installs/Configures <name>'` (or `long_description`, as older generators
    /// wrote it) where `<name>` is the cookbook's own name, and URLs with `<insert_org_here>`.
    ///
    /// Only the generator's exact text is a placeholder: a real description that happens to
    /// start with "Installs/Configures" (`'Installs/Configures MariaDB'`, `'Installs/Configures
    /// autofs Server'`) was written by a person and is not flagged. `chef generate cookbook`
    /// fills in the cookbook's name as given, so the comparison is exact, case included.
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

fn placeholder(field: &str, value: &str, cookbook: &str) -> bool {
    match field {
        "maintainer" => value == "The Authors" || value == "YOUR_COMPANY_NAME",
        "maintainer_email" => value == "you@example.com" || value == "YOUR_EMAIL",
        "description" | "long_description" => value
            .strip_prefix("Installs/Configures ")
            .is_some_and(|name| name == cookbook),
        "issues_url" | "source_url" => value.contains("<insert_org_here>"),
        _ => false,
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Metadata) {
        for call in &file.facts.calls {
            let Some(value) = call.args.first().and_then(Lit::text) else {
                continue;
            };
            if call.resource.is_some() || !placeholder(&call.name, value, &cookbook.name) {
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
