use crate::lint::facts::AttrPath;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a recipe that sets node attributes (`node.default['a']['b'] = …`,
    /// `node.override[…]`, `node.normal[…]`). `node.set[…]` and `node.set_unless[…]` are
    /// left to LEG001, which already reports that line (and says more about it).
    ///
    /// ## Why is this bad?
    /// Attributes set while recipes compile are global state written halfway through the run:
    /// recipes compiled earlier saw the old value, resources that read it at converge see the
    /// new one, and `normal` values are saved into the node object and survive every later
    /// run. The data flow between recipes becomes invisible.
    ///
    /// ## Example
    /// ```ruby
    /// node.default['app']['url'] = "https://#{node['fqdn']}"
    /// template '/etc/app.conf' do
    ///   variables(url: node['app']['url'])
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Compute the value where you use it and pass it explicitly:
    /// ```ruby
    /// url = "https://#{node['fqdn']}"
    /// template '/etc/app.conf' do
    ///   variables(url: url)
    /// end
    /// ```
    RULE = "ATTR007", "recipe-sets-attribute", Warning, "Node attributes set from a recipe", check
}

struct RecipeSetsAttribute<'a> {
    level: &'a str,
    path: &'a AttrPath,
}

impl Violation for RecipeSetsAttribute<'_> {
    fn message(&self) -> String {
        format!("recipe sets `node.{}{}`", self.level, self.path)
    }
    fn label(&self) -> String {
        "attribute written during the run".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "use a local variable or a resource property and pass the value explicitly".to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Recipe) {
        for write in &file.facts.writes {
            // LEG001 reports `node.set` / `node.set_unless` on the same line.
            if !write.via_node || matches!(write.level.as_str(), "set" | "set_unless") {
                continue;
            }
            let v = RecipeSetsAttribute {
                level: &write.level,
                path: &write.path,
            };
            sink.report(file, write.span, v);
        }
    }
}
