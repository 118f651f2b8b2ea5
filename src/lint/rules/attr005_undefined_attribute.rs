use crate::lint::parse::facts::{AttrPath, NilCheck};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a read like `node['app']['port']` when no attributes file, recipe, role or
    /// Policyfile in the repo defines `['app']['port']` (or a parent or child of it). Only
    /// namespaces the repo keeps are checked: one named after a cookbook in the repo, or one
    /// a cookbook's attributes file writes under (`default['shared']['y']`) that is not the
    /// name of a cookbook the repo depends on, includes or locks from outside. Never Ohai data
    /// (`platform`, `ipaddress`, `kernel`, …) or cookbooks the linter cannot see: a wrapper's
    /// `default['nginx']['port']` tunes the community `nginx` cookbook, whose attributes are
    /// not in the repo.
    ///
    /// Not flagged, because the code expects the attribute may be absent:
    /// - a read that is only tested or given a fallback — the condition of an `if`,
    ///   `unless`, `while` or ternary (also through `&&`, `||`, `!`, `==`), the left side of
    ///   `||`, the receiver of `.nil?` or `&.` — when its parent is defined (if the parent is
    ///   missing too, indexing it raises `NoMethodError` on `nil`, and that is flagged);
    /// - a read that cannot raise: `node.dig`, `node.read`, `node.attribute?`, `key?` checks,
    ///   a read under `rescue`, a read guarded by an earlier check of the same path
    ///   (`if node['a']['b']`, `node['a'].key?('b') && node['a']['b']`), and
    ///   `node.default[…]`, which writes (it creates the keys it walks through);
    /// - a read through a local variable (`n = node['a']; n['b']`): counted as a use by
    ///   ATTR006, too indirect to call missing.
    ///
    /// `attribute 'app/port'` in metadata.rb defines `['app']['port']`. A path read several
    /// times in one statement (`x == true || x == 'true'`) is reported once.
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
        // (statement, path) already reported: one finding per path per statement.
        let mut seen: Vec<(u32, &AttrPath)> = Vec::new();
        for (read, &at) in file.facts.reads.iter().zip(attrs.reads(i)) {
            if read.indirect || read.nil == NilCheck::Safe {
                continue;
            }
            // Never Ohai data, nor a namespace the repo does not keep.
            let Some(owner) = attrs.read_checked_owner(at) else {
                continue;
            };
            if attrs.overlaps_write(at) {
                continue;
            }
            if read.nil == NilCheck::Tested && attrs.parent_defined(at, &read.path) {
                continue;
            }
            if seen.contains(&(read.stmt, &read.path)) {
                continue;
            }
            seen.push((read.stmt, &read.path));
            let v = UndefinedAttribute {
                path: &read.path,
                owner: &owner.name,
            };
            sink.report(file, read.span, v);
        }
    }
}
