use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `metadata.rb` without `chef_version`, `supports` or `license`.
    ///
    /// ## Why is this bad?
    /// Without `chef_version` the cookbook is happily loaded by a client it was never tested
    /// with; without `supports` nobody (and no tool) knows which platforms it is meant for;
    /// without `license` it cannot be shared, even inside a company, without asking.
    ///
    /// ## Example
    /// ```ruby
    /// name 'app'
    /// version '1.0.0'
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// name 'app'
    /// version '1.0.0'
    /// license 'Apache-2.0'
    /// chef_version '>= 17.0'
    /// supports 'ubuntu', '>= 22.04'
    /// ```
    RULE = "OPS005", "metadata-missing-fields", Warning, "metadata.rb without chef_version, supports or license", check
}

struct MetadataMissingFields {
    missing: Vec<&'static str>,
}

impl Violation for MetadataMissingFields {
    fn message(&self) -> String {
        let list: Vec<String> = self.missing.iter().map(|m| format!("`{m}`")).collect();
        format!("metadata.rb has no {}", list.join(", "))
    }
    fn help(&self) -> Option<String> {
        Some(
            self.missing
                .iter()
                .map(|m| match *m {
                    "chef_version" => "chef_version '>= 17.0'",
                    "supports" => "supports 'ubuntu', '>= 22.04'",
                    _ => "license 'Apache-2.0'",
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
        .map(|lines| format!("add e.g. {lines}"))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Metadata) {
        if file.facts.syntax_error.is_some() {
            continue;
        }
        let missing: Vec<&'static str> = ["chef_version", "supports", "license"]
            .into_iter()
            .filter(|field| file.facts.top_calls(field).next().is_none())
            .collect();
        if missing.is_empty() {
            continue;
        }
        let span = file
            .facts
            .top_calls("name")
            .next()
            .map_or(START, |c| c.span);
        sink.report(file, span, MetadataMissingFields { missing });
    }
}
