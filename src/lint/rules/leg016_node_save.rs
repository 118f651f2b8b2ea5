use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `node.save` in cookbook code.
    ///
    /// ## Why is this bad?
    /// It uploads the node object in the middle of the run: a run that fails later leaves a
    /// half-converged node in search, with attributes and a run list that describe a state
    /// the machine never reached. It fails under chef-solo and in ChefSpec, and with
    /// Policyfiles or Effortless (no node object to save) it is not allowed at all. Chef
    /// saves the node once, at the end of a successful run.
    ///
    /// ## Example
    /// ```ruby
    /// node.normal['db']['password'] = secure_password
    /// node.save
    /// ```
    ///
    /// ## Use instead
    /// Keep generated secrets in a data bag or vault, and let the run save the node when it
    /// succeeds.
    RULE = "LEG016", "node-save", Warning, "node.save in cookbook code (uploads a half-converged node)", check
}

struct NodeSave;

impl Violation for NodeSave {
    fn message(&self) -> String {
        "`node.save` uploads the node in the middle of the run".to_string()
    }
    fn label(&self) -> String {
        "a later failure leaves a half-converged node in search".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("let Chef save the node at the end of a successful run".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in ctx.repo.cookbook_files(FileKind::CODE) {
        for call in &file.facts.calls {
            if call.on_node && call.name == "save" && call.args.is_empty() {
                sink.report(file, call.span, NodeSave);
            }
        }
    }
}
