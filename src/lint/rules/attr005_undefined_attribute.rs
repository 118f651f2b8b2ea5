use crate::lint::facts::AttrPath;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a read like `node['app']['port']` when no attributes file, recipe, role or
    /// Policyfile in the repo defines `['app']['port']` (or a parent or child of it). Only
    /// namespaces owned by a cookbook in the repo are checked: never Ohai data (`platform`,
    /// `ipaddress`, `kernel`, …) or cookbooks the linter cannot see.
    ///
    /// ## Why is this bad?
    /// The read returns `nil` and the cookbook carries on with it: a template renders
    /// `port ;`, a command runs with an empty argument. Usually a typo or an attribute that
    /// was renamed in one place only.
    ///
    /// ## Example
    /// ```ruby
    /// # attributes/default.rb
    /// default['app']['port'] = 8080
    /// # recipes/default.rb
    /// port = node['app']['prot']
    /// ```
    ///
    /// ## Use instead
    /// Fix the name — or better, make the value a resource property with a default, which
    /// Ruby checks for you.
    RULE = "ATTR005", "undefined-attribute", Warning, "An attribute read but defined nowhere in the repo", check
}

struct UndefinedAttribute<'a> {
    path: &'a AttrPath,
    owner: &'a str,
}

impl Violation for UndefinedAttribute<'_> {
    fn message(&self) -> String {
        format!("attribute `{}` is read but never defined", self.path)
    }
    fn label(&self) -> String {
        "read here, defined nowhere".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "check the spelling against the attributes of cookbook `{}`, or define a default there",
            self.owner
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Namespaces, owners and the index of definitions come from the shared table: see
    // `attr_table` for why.
    let attrs = ctx.attrs();
    for (i, file) in ctx.repo.files.iter().enumerate() {
        if file.kind == FileKind::Other || file.cookbook.is_none() {
            continue;
        }
        for (read, &at) in file.facts.reads.iter().zip(attrs.reads(i)) {
            // Never Ohai data, nor a namespace no cookbook in the repo owns.
            let Some(owner) = attrs.checked_owner(at) else {
                continue;
            };
            if attrs.overlaps_write(at) {
                continue;
            }
            let v = UndefinedAttribute {
                path: &read.path,
                owner: &owner.name,
            };
            sink.report(file, read.span, v);
        }
    }
}
