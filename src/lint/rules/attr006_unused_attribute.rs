use crate::lint::parse::facts::AttrPath;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an attribute set in an attributes file that nothing in the repo reads: no recipe,
    /// resource, library, template or other attribute refers to it, its parents or its
    /// children. Only namespaces owned by a cookbook in the repo are checked.
    ///
    /// Reads count wherever they are and however they are spelled: string or symbol keys,
    /// inside string interpolation, in libraries and templates (`@node[…]` too), through
    /// `run_context.node[…]` or a method parameter named `node`, through a local alias of a
    /// node sub-hash (`attrs = node['app']; attrs['port']`), and through any local variable
    /// indexed with a namespace and a key (`replicaset['mongodb']['shard_name']`, where the
    /// variable holds a node). A presence check (`node['app'].key?('x')`) reads only that
    /// key, nothing below it. An attribute set in several `case platform` branches is
    /// reported once, at its first assignment.
    ///
    /// ## Why is this bad?
    /// A dead knob. People tune it, review it and copy it into roles, and it changes nothing.
    /// Often the reader was renamed or removed, or it overrides a setting the other cookbook
    /// no longer has.
    ///
    /// ## Example
    /// ```ruby
    /// # attributes/default.rb — no code reads ['app']['legacy_mode']
    /// default['app']['legacy_mode'] = false
    /// ```
    ///
    /// ## Use instead
    /// Delete it.
    RULE = "ATTR006", "unused-attribute", Warning, "An attribute defined but never read", check
}

struct UnusedAttribute<'a> {
    path: &'a AttrPath,
}

impl Violation for UnusedAttribute<'_> {
    fn message(&self) -> String {
        format!("attribute `{}` is set but never read", self.path)
    }
    fn label(&self) -> String {
        "nothing reads this".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("delete it, or find the reader that was renamed".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Namespaces, owners and the index of reads come from the shared table: see `attr_table`
    // for why.
    let attrs = ctx.attrs();
    for (i, file) in ctx.repo.files.iter().enumerate() {
        // `Repo::files_of(FileKind::Attributes)`, with the file's index for the table.
        if file.kind != FileKind::Attributes || file.problem.is_some() || file.cookbook.is_none() {
            continue;
        }
        // Paths already reported in this file: one set in each `case platform` branch is one
        // attribute, reported at its first assignment.
        let mut seen: Vec<&AttrPath> = Vec::new();
        for (write, &at) in file.facts.writes.iter().zip(attrs.writes(i)) {
            // Never Ohai data, nor a namespace no cookbook in the repo owns.
            if attrs.checked_owner(at).is_none() || attrs.overlaps_read(at) {
                continue;
            }
            if seen.contains(&&write.path) {
                continue;
            }
            seen.push(&write.path);
            sink.report(file, write.span, UnusedAttribute { path: &write.path });
        }
    }
}
