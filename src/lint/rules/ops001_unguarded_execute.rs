use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `execute`, `bash` and `script` resources with no `creates`, `not_if` or `only_if`
    /// guard (unless their action is `:nothing`, i.e. they only run when notified).
    ///
    /// ## Why is this bad?
    /// The command runs on every converge. At best that is slow and noisy; at worst it
    /// re-initialises a database, re-downloads a file or appends a line again. Every run
    /// reports the node as changed, which hides real changes.
    ///
    /// ## Example
    /// ```ruby
    /// execute 'tar xzf /tmp/app.tgz -C /opt/app'
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// execute 'tar xzf /tmp/app.tgz -C /opt/app' do
    ///   creates '/opt/app/bin/app'
    /// end
    /// ```
    /// or, better, a resource that knows its own state (`archive_file`, `remote_file`, …).
    RULE = "OPS001", "unguarded-execute", Warning, "execute/bash/script without creates, not_if or only_if", check
}

struct UnguardedExecute<'a> {
    kind: &'a str,
}

impl Violation for UnguardedExecute<'_> {
    fn message(&self) -> String {
        format!(
            "`{}` runs on every converge: no `creates`, `not_if` or `only_if`",
            self.kind
        )
    }
    fn label(&self) -> String {
        "not idempotent".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("add a guard (`creates '/path'`, `not_if { … }`), use `action :nothing` + notifies, or a resource that knows its state".to_string())
    }
}

const KINDS: &[&str] = &[
    "execute",
    "bash",
    "script",
    "sh",
    "perl",
    "python",
    "ruby",
    "csh",
    "powershell_script",
];
const GUARDS: &[&str] = &["creates", "not_if", "only_if"];

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none()
            || !matches!(
                file.kind,
                FileKind::Recipe | FileKind::Resource | FileKind::Provider
            )
        {
            continue;
        }
        let facts = &file.facts;
        for resource in &facts.resources {
            if !KINDS.contains(&resource.kind.as_str()) {
                continue;
            }
            let mut props = facts.props(resource);
            let guarded = props.any(|p| {
                GUARDS.contains(&p.name.as_str())
                    || (p.name == "action"
                        && p.args.first().is_some_and(|a| a.has_symbol("nothing")))
            });
            if guarded {
                continue;
            }
            sink.report(
                file,
                resource.span,
                UnguardedExecute {
                    kind: &resource.kind,
                },
            );
        }
    }
}
