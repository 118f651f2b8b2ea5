use crate::diag::Diagnostic;
use crate::lint::fix::{prism, Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a custom resource that sets `resource_name` but never `provides`.
    ///
    /// ## Why is this bad?
    /// Since Chef 16, `resource_name` no longer makes a resource usable under that name: only
    /// `provides` does. The recipe that calls it fails with "No resource or method named".
    ///
    /// ## Example
    /// ```ruby
    /// resource_name :app_site
    /// property :port, Integer
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// provides :app_site
    /// property :port, Integer
    /// ```
    RULE = "LEG006", "resource-name-without-provides", Warning, "resource_name without provides", check,
    fix = FIX
}

// Renames `resource_name :x` to `provides :x` when that call is the file's only use of
// `resource_name` (no read of it, no `provides` anywhere, no mention in a string or
// symbol). `provides` sets the resource name when none is set, so the name is unchanged.
static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "replace `resource_name :x` with `provides :x`",
    make: fix,
};

struct ResourceNameWithoutProvides<'a> {
    name: &'a str,
}

impl Violation for ResourceNameWithoutProvides<'_> {
    fn message(&self) -> String {
        format!(
            "`resource_name :{}` without `provides :{}`",
            self.name, self.name
        )
    }
    fn label(&self) -> String {
        "not enough on Chef 16+".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!("replace it with `provides :{}`", self.name))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Resource) {
        let facts = &file.facts;
        let Some(call) = facts.top_calls("resource_name").next() else {
            continue;
        };
        if facts.top_calls("provides").next().is_some() {
            continue;
        }
        let name = call.args.first().and_then(|a| a.text()).unwrap_or("…");
        sink.report(file, call.span, ResourceNameWithoutProvides { name });
    }
}

fn fix(ctx: &FixContext<'_>, diag: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&diag.path)?;
    if file.kind != FileKind::Resource {
        return None;
    }
    let text = file.text.as_str();
    let result = prism::parse(text)?;
    let stmts = prism::statements(&result);
    let at = prism::diag_offset(text, diag)?;
    let stmt = &stmts[prism::statement_at(&stmts, at)?];
    let call = prism::bare_call(stmt)?;
    let args = prism::arguments(&call);
    if call.name().as_slice() != b"resource_name"
        || call.block().is_some()
        || args.len() != 1
        || prism::symbol(&args[0]).is_none()
    {
        return None;
    }
    // Any other mention of `resource_name` (a read, a second call, `send(:resource_name)`,
    // a string naming it) or any `provides` means the name is used for more than this.
    let mut mentions = 0;
    let mut provides = false;
    let ok = prism::walk(&result.node(), &mut |n| {
        if let Some(c) = n.as_call_node() {
            match c.name().as_slice() {
                b"resource_name" => mentions += 1,
                b"provides" => provides = true,
                _ => {}
            }
        }
        let literal = matches!(
            n,
            ruby_prism::Node::SymbolNode { .. } | ruby_prism::Node::StringNode { .. }
        );
        if literal && prism::src(text, &n.location()).contains("resource_name") {
            mentions += 1;
        }
    });
    if !ok || mentions != 1 || provides {
        return None;
    }
    let name = call.message_loc()?;
    Some(Fix {
        title: "replace `resource_name` with `provides`".to_string(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(
            &file.path,
            name.start() as usize,
            name.end() as usize,
            "provides",
        )],
    })
}
