use crate::diag::Diagnostic;
use crate::lint::fix::legacy::{finding_start, whole_lines, with_node_at};
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `use_inline_resources` in a provider, resource or library (also the guarded
    /// `use_inline_resources if defined?(use_inline_resources)`).
    ///
    /// ## Why is this bad?
    /// Inline resources became the only mode in Chef 13: the call does nothing on any current
    /// client, it only tells the reader the code predates Chef 13 (and in a resource file,
    /// where `Chef::Resource` has no such method, it fails the run).
    ///
    /// ## Example
    /// ```ruby
    /// use_inline_resources
    ///
    /// action :create do
    ///   template new_resource.path
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// action :create do
    ///   template new_resource.path
    /// end
    /// ```
    ///
    /// ## Fix (safe)
    /// Deletes the line (with its `if defined?(…)` guard).
    RULE = "LEG009", "use-inline-resources", Warning, "use_inline_resources (the only mode since Chef 13)", check, fix = FIX
}

struct UseInlineResources;

impl Violation for UseInlineResources {
    fn message(&self) -> String {
        "`use_inline_resources` has been the only mode since Chef 13".to_string()
    }
    fn label(&self) -> String {
        "does nothing on a current client".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("delete the line".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in
        ctx.repo
            .cookbook_files(&[FileKind::Provider, FileKind::Resource, FileKind::Library])
    {
        let mut found: Vec<Span> = file
            .facts
            .calls
            .iter()
            .filter(|c| {
                c.name == "use_inline_resources" && !c.on_node && c.args.is_empty() && !c.has_block
            })
            .map(|c| c.span)
            .collect();
        // `use_inline_resources if defined?(use_inline_resources)`: one finding, at the
        // statement, the first on its line (the walk meets the condition first).
        found.sort();
        found.dedup_by_key(|s| s.line);
        for span in found {
            sink.report(file, span, UseInlineResources);
        }
    }
}

static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "delete the `use_inline_resources` line",
    make,
};

fn make(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let (file, at) = finding_start(ctx, d)?;
    let (start, end) = with_node_at(
        file.text.as_bytes(),
        at,
        |n| {
            n.as_call_node().is_some_and(|c| {
                c.name().as_slice() == b"use_inline_resources" && c.receiver().is_none()
            })
        },
        |call, modifier| {
            let loc = call.location();
            Some(modifier.unwrap_or((loc.start() as usize, loc.end() as usize)))
        },
    )?;
    let (start, end) = whole_lines(&file.text, start, end)?;
    Some(Fix {
        title: "delete `use_inline_resources`".to_string(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(&file.path, start, end, "")],
    })
}
