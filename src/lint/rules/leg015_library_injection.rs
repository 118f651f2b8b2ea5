use crate::diag::Diagnostic;
use crate::lint::fix::legacy::{finding_start, with_node_at};
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};
use crate::lint::parse::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags helper modules injected into `Chef::Recipe` or `Chef::Provider` directly:
    /// `Chef::Recipe.send(:include, X)`, `Chef::Provider.include X`, or an `include` inside a
    /// reopened `class Chef::Recipe … end`.
    ///
    /// It does not flag `Chef::Resource.send(:include, X)` (helpers for resource properties
    /// have no DSL module of their own) nor injection into `Chef::DSL::Recipe`,
    /// `Chef::DSL::Universal` or a class of the cookbook's own.
    ///
    /// ## Why is this bad?
    /// A module included into `Chef::Recipe` reaches recipes only: the same helper called
    /// from a custom resource's action fails with `NoMethodError`. `Chef::DSL::Recipe` is the
    /// module Chef mixes into recipes, providers and resource actions alike (and
    /// `Chef::DSL::Universal` adds attributes files and resources themselves).
    ///
    /// ## Example
    /// ```ruby
    /// Chef::Recipe.send(:include, App::Helpers)
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// Chef::DSL::Recipe.send(:include, App::Helpers)
    /// ```
    ///
    /// ## Fix (safe)
    /// Renames the receiver of `.send(:include, X)` / `.include(X)` to `Chef::DSL::Recipe`
    /// (which every recipe and provider includes, so nothing loses the helper). The reopened
    /// class is left for a human.
    RULE = "LEG015", "library-injection", Warning, "helpers injected into Chef::Recipe / Chef::Provider instead of Chef::DSL::Recipe", check, fix = FIX
}

/// The classes Cookstyle's `Chef/Correctness/IncorrectLibraryInjection` names.
const TARGETS: &[&str] = &["Chef::Provider", "Chef::Recipe"];

struct LibraryInjection<'a> {
    target: &'a str,
}

impl Violation for LibraryInjection<'_> {
    fn message(&self) -> String {
        format!("helpers included into `{}` directly", self.target)
    }
    fn label(&self) -> String {
        "not available everywhere the recipe DSL is".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("include them into `Chef::DSL::Recipe` (or `Chef::DSL::Universal`)".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || !file.kind.is_ruby() || file.kind == FileKind::Other {
            continue;
        }
        for call in &file.facts.const_calls {
            let Some(&target) = TARGETS.iter().find(|t| **t == call.receiver_path()) else {
                continue;
            };
            let injects = match call.name.as_str() {
                "send" => matches!(call.args.first(), Some(Lit::Sym(s)) if s == "include"),
                "include" => true,
                _ => false,
            };
            if injects {
                sink.report(file, call.span, LibraryInjection { target });
            }
        }
        // `class Chef::Recipe; include App::Helpers; end`.
        for call in file.facts.calls.iter().filter(|c| {
            c.name == "include" && !c.on_node && matches!(c.args.first(), Some(Lit::Const(_)))
        }) {
            let Some(class) = file.facts.enclosing_class(call.span.line) else {
                continue;
            };
            if let Some(&target) = TARGETS.iter().find(|t| **t == class.name) {
                sink.report(file, call.span, LibraryInjection { target });
            }
        }
    }
}

static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "inject into `Chef::DSL::Recipe` instead",
    make,
};

fn make(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let (file, at) = finding_start(ctx, d)?;
    let (start, end) = with_node_at(
        file.text.as_bytes(),
        at,
        |n| {
            n.as_call_node().is_some_and(|c| {
                matches!(c.name().as_slice(), b"send" | b"include") && c.receiver().is_some()
            })
        },
        |node, _| {
            let recv = node.as_call_node()?.receiver()?;
            let loc = recv.location();
            let written = std::str::from_utf8(loc.as_slice()).ok()?;
            if !TARGETS.contains(&written.trim_start_matches("::")) {
                return None;
            }
            // Keep a leading `::`: replace only the `Chef::Recipe` part.
            let end = loc.end() as usize;
            Some((end - written.trim_start_matches("::").len(), end))
        },
    )?;
    Some(Fix {
        title: "inject into `Chef::DSL::Recipe`".to_string(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(&file.path, start, end, "Chef::DSL::Recipe")],
    })
}
