use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags attribute writes at `normal` precedence: `node.normal[…]`,
    /// `node.normal_unless[…]`, or `normal[…]` in an attributes file.
    ///
    /// ## Why is this bad?
    /// Normal attributes are saved into the node object on the Chef server and come back on
    /// every later run, even after the code that set them is gone. Removing the line does not
    /// remove the value; only editing every node does.
    ///
    /// ## Example
    /// ```ruby
    /// node.normal['app']['version'] = '2.0'
    /// ```
    ///
    /// ## Use instead
    /// Set defaults in attributes files (or better, resource properties); persist real state
    /// with a file or a guard, not the node object:
    /// ```ruby
    /// default['app']['version'] = '2.0'
    /// ```
    RULE = "LEG002", "node-normal", Warning, "Attributes written at normal precedence (persist in the node object)", check
}

struct NodeNormal<'a> {
    level: &'a str,
}

impl Violation for NodeNormal<'_> {
    fn message(&self) -> String {
        format!(
            "`{}` writes an attribute that persists in the node object",
            self.level
        )
    }
    fn label(&self) -> String {
        "survives every later run".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "use `default` (or a resource property); keep persistent state out of the node object"
                .to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || file.kind == FileKind::Other {
            continue;
        }
        for write in &file.facts.writes {
            if write.level != "normal" && write.level != "normal_unless" {
                continue;
            }
            sink.report(
                file,
                write.span,
                NodeNormal {
                    level: &write.level,
                },
            );
        }
    }
}
