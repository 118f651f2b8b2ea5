use crate::diag::Diagnostic;
use crate::lint::fix::legacy::{finding_start, with_node_at};
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `Chef::Application.fatal!` in cookbook code (recipes, resources, providers,
    /// libraries, definitions, attributes files).
    ///
    /// ## Why is this bad?
    /// `fatal!` is the command-line application's own exit path: it logs one line and exits
    /// the process. Called from a cookbook it hides the stack trace of the failure, skips the
    /// exception handlers and report handlers (the failure never reaches your reporting), and
    /// cannot be rescued or tested with ChefSpec's `raise_error`.
    ///
    /// ## Example
    /// ```ruby
    /// Chef::Application.fatal!('app_user must be set') if node['app']['user'].nil?
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// raise 'app_user must be set' if node['app']['user'].nil?
    /// ```
    ///
    /// ## Fix (unsafe)
    /// Replaces `Chef::Application.fatal!(msg)` with `raise(msg)` when it has exactly one
    /// argument. Unsafe: a surrounding `rescue` now catches the failure, and the exit code of
    /// the run changes.
    RULE = "LEG013", "application-fatal", Warning, "Chef::Application.fatal! in cookbook code (use raise)", check, fix = FIX
}

struct ApplicationFatal;

impl Violation for ApplicationFatal {
    fn message(&self) -> String {
        "`Chef::Application.fatal!` exits the process from cookbook code".to_string()
    }
    fn label(&self) -> String {
        "skips the handlers and hides the stack trace".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("use `raise` with the same message".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Attributes files too: they are evaluated at the start of every run that loads the
    // cookbook.
    let kinds = [FileKind::CODE, &[FileKind::Attributes]].concat();
    for file in ctx.repo.cookbook_files(&kinds) {
        for call in &file.facts.const_calls {
            if call.name == "fatal!" && call.receiver_path() == "Chef::Application" {
                sink.report(file, call.span, ApplicationFatal);
            }
        }
    }
}

static FIX: Fixer = Fixer {
    applicability: Applicability::Unsafe,
    summary: "replace `Chef::Application.fatal!(msg)` with `raise(msg)`",
    make,
};

fn make(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let (file, at) = finding_start(ctx, d)?;
    let (start, end) = with_node_at(
        file.text.as_bytes(),
        at,
        |n| {
            n.as_call_node()
                .is_some_and(|c| c.name().as_slice() == b"fatal!" && c.receiver().is_some())
        },
        |node, _| {
            let call = node.as_call_node()?;
            // `fatal!(msg, code)`: `raise(msg, code)` would mean `raise(class, message)`.
            if call.arguments()?.arguments().len() != 1 || call.block().is_some() {
                return None;
            }
            // From the receiver through the method name: `Chef::Application.fatal!`.
            let message = call.message_loc()?;
            Some((node.location().start() as usize, message.end() as usize))
        },
    )?;
    Some(Fix {
        title: "raise instead of `Chef::Application.fatal!`".to_string(),
        applicability: Applicability::Unsafe,
        leaves_finding: false,
        edits: vec![Edit::replace(&file.path, start, end, "raise")],
    })
}
