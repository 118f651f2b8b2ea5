use crate::lint::parse::facts::AttrPath;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an attribute computed from another cookbook attribute inside an attributes file,
    /// e.g. `default['app']['url'] = "http://#{node['app']['host']}"`. Reads of Ohai data
    /// (`node['platform']`, `node['fqdn']`) are fine and not flagged.
    ///
    /// ## Why is this bad?
    /// The precedence trap: the value is computed when the attributes file loads, before a
    /// role, environment, Policyfile or wrapper cookbook overrides `['app']['host']`. The
    /// override changes `host` but `url` keeps the old value, and nothing warns you.
    ///
    /// ## Example
    /// ```ruby
    /// default['app']['host'] = 'localhost'
    /// default['app']['url'] = "http://#{default['app']['host']}:8080"
    /// ```
    ///
    /// ## Use instead
    /// Compute the derived value where it is used, from the final attribute values:
    /// ```ruby
    /// # recipe or resource
    /// url = "http://#{node['app']['host']}:8080"
    /// ```
    RULE = "ATTR009", "derived-attribute", Warning, "An attribute computed from another attribute in an attributes file", check
}

struct DerivedAttribute<'a> {
    path: &'a AttrPath,
    from: &'a AttrPath,
}

impl Violation for DerivedAttribute<'_> {
    fn message(&self) -> String {
        format!(
            "attribute `{}` is computed from `{}` in an attributes file",
            self.path, self.from
        )
    }
    fn label(&self) -> String {
        "overrides of the source attribute will not reach this value".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "compute the value in the recipe or resource that uses it, from the final attribute values"
                .to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Whether a namespace is Ohai's comes from the shared table (worked out once per
    // namespace, not once per read): see `attr_table`.
    let attrs = ctx.attrs();
    for (i, file) in ctx.repo.files.iter().enumerate() {
        // `Repo::files_of(FileKind::Attributes)`, with the file's index for the table.
        if file.kind != FileKind::Attributes || file.problem.is_some() || file.cookbook.is_none() {
            continue;
        }
        let facts = &file.facts;
        let reads = attrs.reads(i);
        for write in &facts.writes {
            let range = write.value_reads.start as usize..write.value_reads.end as usize;
            let Some(from) = facts.reads[range.clone()]
                .iter()
                .zip(&reads[range])
                .find(|(_, &at)| attrs.namespace(at).is_some_and(|ns| !ns.ohai))
                .map(|(read, _)| read)
            else {
                continue;
            };
            let v = DerivedAttribute {
                path: &write.path,
                from: &from.path,
            };
            sink.report(file, write.span, v);
        }
    }
}
