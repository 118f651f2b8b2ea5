use crate::lint::facts::{AttrIndex, AttrPath};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an attribute set in an attributes file that nothing in the repo reads: no recipe,
    /// resource, library, template or other attribute refers to it, its parents or its
    /// children. Only namespaces owned by a cookbook in the repo are checked.
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
        format!("attribute `{}` is set but never read", self.path.display())
    }
    fn label(&self) -> String {
        "nothing reads this".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("delete it, or find the reader that was renamed".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let read = AttrIndex::new(
        ctx.repo
            .files
            .iter()
            .filter(|f| f.kind != FileKind::Other)
            .flat_map(|f| f.facts.reads.iter().map(|x| &x.path)),
    );
    for (file, _) in ctx.repo.files_of(FileKind::Attributes) {
        for write in &file.facts.writes {
            let Some(ns) = write.path.namespace() else {
                continue;
            };
            if is_ohai(ns) || owner(ctx.repo, ns).is_none() {
                continue;
            }
            if read.overlaps(&write.path) {
                continue;
            }
            sink.report(file, write.span, UnusedAttribute { path: &write.path });
        }
    }
}
