use ruby_prism::Visit;

use super::prelude::*;
use crate::diag::Diagnostic;
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};

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
    RULE = "LEG001", "node-set", Error, "node.set / set_unless (removed in Chef 14)", check, fix = FIX
}

// `node.set` becomes `node.normal` and `node.set_unless` becomes `node.normal_unless`
// (bare `set`/`set_unless` in attributes files: `normal`/`normal_unless`), the same
// precedence level: what Chef's own upgrade tooling does.
static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "replace `set`/`set_unless` with `normal`/`normal_unless`",
    make: make_fix,
};

/// Rename the `set` (or `set_unless`) call the finding starts at, found in a prism parse of the
/// file: the call whose receiver is `node` (or none, in an attributes file), with no arguments
/// or block, starting where the attribute write does (else the first on that line after it).
fn make_fix(ctx: &FixContext<'_>, diag: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&diag.path)?;
    let range = FixContext::byte_range(&file.text, diag.location?);
    let result = ruby_prism::parse(file.text.as_bytes());
    let mut find = FindSet {
        range: range.clone(),
        found: Vec::new(),
    };
    find.visit(&result.node());
    let (_, name_start, name_end, unless) = find
        .found
        .iter()
        .copied()
        .min_by_key(|&(start, ..)| (start != range.start, start))?;
    let (old, new) = if unless {
        ("set_unless", "normal_unless")
    } else {
        ("set", "normal")
    };
    if file.text.get(name_start..name_end) != Some(old) {
        return None; // `send(:set)` or an escaped name: not ours to rewrite
    }
    Some(Fix {
        title: format!("replace `{old}` with `{new}`"),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(&diag.path, name_start, name_end, new)],
    })
}

/// `set`/`set_unless` calls starting within a byte range: (call start, name start, name end,
/// is `set_unless`).
struct FindSet {
    range: std::ops::Range<usize>,
    found: Vec<(usize, usize, usize, bool)>,
}

impl<'pr> Visit<'pr> for FindSet {
    fn visit_call_node(&mut self, node: &ruby_prism::CallNode<'pr>) {
        let name = node.name().as_slice();
        let start = node.location().start() as usize;
        if (name == b"set" || name == b"set_unless")
            && node.arguments().is_none()
            && node.block().is_none()
            && self.range.contains(&start)
        {
            let on_node = match node.receiver() {
                None => true,
                Some(recv) => recv.as_call_node().is_some_and(|c| {
                    c.receiver().is_none()
                        && c.arguments().is_none()
                        && c.name().as_slice() == b"node"
                }),
            };
            if let (true, Some(msg)) = (on_node, node.message_loc()) {
                self.found.push((
                    start,
                    msg.start() as usize,
                    msg.end() as usize,
                    name == b"set_unless",
                ));
            }
        }
        ruby_prism::visit_call_node(self, node);
    }
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
