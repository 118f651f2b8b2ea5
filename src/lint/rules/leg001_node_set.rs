use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `node.set[…]` and `node.set_unless[…]` (and `set[…]` in attributes files).
    ///
    /// ## Why is this bad?
    /// `node.set` was deprecated in Chef 12.12 and removed in Chef 14: the run fails with
    /// `NoMethodError` on any current client. It also wrote at `normal` precedence, which is
    /// saved into the node object and survives every later run.
    ///
    /// ## Example
    /// ```ruby
    /// node.set['app']['installed'] = true
    /// ```
    ///
    /// ## Use instead
    /// Track state with a guard on the resource that does the work, or, if the value really
    /// must persist, say so explicitly:
    /// ```ruby
    /// node.normal['app']['installed'] = true
    /// ```
    RULE = "LEG001", "node-set", Error, "node.set / set_unless (removed in Chef 14)", check
}

struct NodeSet<'a> {
    level: &'a str,
}

impl Violation for NodeSet<'_> {
    fn message(&self) -> String {
        format!("`{}` was removed in Chef 14", self.level)
    }
    fn label(&self) -> String {
        "fails on every current Chef client".to_string()
    }
    fn help(&self) -> Option<String> {
        let replacement = self.level.replace("set", "normal");
        Some(format!(
            "use `{replacement}` if the value must persist, or better a resource guard"
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || file.kind == FileKind::Other {
            continue;
        }
        for write in &file.facts.writes {
            if write.level != "set" && write.level != "set_unless" {
                continue;
            }
            sink.report(
                file,
                write.span,
                NodeSet {
                    level: &write.level,
                },
            );
        }
    }
}
