use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `data_bag`, `data_bag_item`, `search` or `Chef::EncryptedDataBagItem.load` in an
    /// attributes file.
    ///
    /// ## Why is this bad?
    /// Attributes files are evaluated for every cookbook in the dependency graph, before any
    /// recipe runs — even when the cookbook's recipes are never used. A data bag read there
    /// makes every node that merely depends on the cookbook need the data bag (and its secret),
    /// puts the values into the node object where anyone with read access sees them, and
    /// breaks in Test Kitchen without fixtures.
    ///
    /// ## Example
    /// ```ruby
    /// default['app']['db_password'] = data_bag_item('secrets', 'db')['password']
    /// ```
    ///
    /// ## Use instead
    /// Read the data bag in the recipe or resource that needs it, at converge time:
    /// ```ruby
    /// app_config 'default' do
    ///   db_password lazy { data_bag_item('secrets', 'db')['password'] }
    /// end
    /// ```
    RULE = "ATTR008", "data-bag-in-attributes", Warning, "A data bag or search read in an attributes file", check
}

struct DataBagInAttributes;

impl Violation for DataBagInAttributes {
    fn message(&self) -> String {
        "data bag or search read in an attributes file".to_string()
    }
    fn label(&self) -> String {
        "runs on every node that depends on this cookbook".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "read it in the recipe or resource that needs it (lazily), not in attributes"
                .to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Attributes) {
        for &span in &file.facts.data_bag_reads {
            sink.report(file, span, DataBagInAttributes);
        }
    }
}
