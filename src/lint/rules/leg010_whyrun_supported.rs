use crate::diag::Diagnostic;
use crate::lint::fix::legacy::{finding_start, whole_lines, with_node_at};
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};
use crate::lint::parse::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a provider, resource or library that defines `whyrun_supported?` to return
    /// `true`.
    ///
    /// It does not flag a definition that returns anything else (`false` still opts a
    /// provider out of why-run mode, on purpose).
    ///
    /// ## Why is this bad?
    /// Every provider supports why-run mode since Chef 13: the method restates the default.
    /// It marks code written for Chef 12 and is noise in every review of it.
    ///
    /// ## Example
    /// ```ruby
    /// def whyrun_supported?
    ///   true
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Delete the method.
    ///
    /// ## Fix (safe)
    /// Deletes the method definition.
    RULE = "LEG010", "whyrun-supported", Warning, "whyrun_supported? defined to return true (the default since Chef 13)", check, fix = FIX
}

struct WhyrunSupported;

impl Violation for WhyrunSupported {
    fn message(&self) -> String {
        "`whyrun_supported?` returns `true`, the default since Chef 13".to_string()
    }
    fn label(&self) -> String {
        "restates the default".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("delete the method".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in
        ctx.repo
            .cookbook_files(&[FileKind::Provider, FileKind::Resource, FileKind::Library])
    {
        for def in &file.facts.defs {
            if def.name == "whyrun_supported?" && def.returns == Lit::Bool(true) {
                sink.report(file, def.span, WhyrunSupported);
            }
        }
    }
}

static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "delete the `whyrun_supported?` method",
    make,
};

fn make(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let (file, at) = finding_start(ctx, d)?;
    let (start, end) = with_node_at(
        file.text.as_bytes(),
        at,
        |n| {
            n.as_def_node().is_some_and(|def| {
                def.name().as_slice() == b"whyrun_supported?" && def.receiver().is_none()
            })
        },
        |def, _| {
            let loc = def.location();
            Some((loc.start() as usize, loc.end() as usize))
        },
    )?;
    let (start, end) = whole_lines(&file.text, start, end)?;
    Some(Fix {
        title: "delete `whyrun_supported?`".to_string(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(&file.path, start, end, "")],
    })
}
