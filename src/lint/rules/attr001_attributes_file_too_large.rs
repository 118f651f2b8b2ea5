use super::attr_table::distinct_writes;
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an attributes file that sets more than `max-attribute-assignments` (25)
    /// distinct attributes. An attribute assigned in each branch of a `case platform` (or
    /// assigned twice) counts once: the count is of attributes, not of assignments.
    ///
    /// ## Why is this bad?
    /// Each attribute is a global, mutable knob with four precedence levels and several places
    /// that can set it (cookbooks, roles, environments, Policyfiles, the node itself). A file
    /// of dozens of them is configuration nobody can reason about: which ones matter, who
    /// overrides them, and what the cookbook does with each is spread across the repo.
    ///
    /// ## Example
    /// ```ruby
    /// default['app']['user'] = 'app'
    /// default['app']['group'] = 'app'
    /// default['app']['port'] = 8080
    /// # … 40 more
    /// ```
    ///
    /// ## Use instead
    /// Give the cookbook a custom resource whose typed properties (with defaults) replace the
    /// attributes, and let callers pass values explicitly:
    /// ```ruby
    /// app_service 'api' do
    ///   port 8080
    /// end
    /// ```
    RULE = "ATTR001", "attributes-file-too-large", Warning, "An attributes file with too many assignments", check
}

struct AttributesFileTooLarge {
    count: usize,
    max: usize,
}

impl Violation for AttributesFileTooLarge {
    fn message(&self) -> String {
        format!(
            "attributes file sets {} attributes (more than {})",
            self.count, self.max
        )
    }
    fn label(&self) -> String {
        format!("past {} assignments here", self.max)
    }
    fn help(&self) -> Option<String> {
        Some("replace groups of attributes with custom resource properties that callers set explicitly".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let max = ctx.settings.max_attribute_assignments;
    for (file, _) in ctx.repo.files_of(FileKind::Attributes) {
        let distinct = distinct_writes(&file.facts.writes).len();
        // Reported where the file's assignments pass the limit (a place that does not move
        // when a branch is added above it); there is one when the attributes do.
        let (true, Some(over)) = (distinct > max, file.facts.writes.get(max)) else {
            continue;
        };
        let v = AttributesFileTooLarge {
            count: distinct,
            max,
        };
        sink.report(file, over.span, v);
    }
}
