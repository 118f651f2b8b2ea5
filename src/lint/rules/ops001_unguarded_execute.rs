use crate::lint::parse::facts::{Facts, Guard, Lit};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `execute`, `bash`, `script` (and the other interpreters, `powershell_script`)
    /// resources in recipes, resources and providers with no `creates`, `not_if` or `only_if`
    /// guard.
    ///
    /// It does not flag a command that only runs when something asked for it or checked first:
    /// - `action :nothing`: it runs only when notified;
    /// - a guard written in Ruby around it: inside `if`/`unless`/`case` on a condition that
    ///   looks at the machine (`::File.exist?`, `shell_out`, a predicate helper such as
    ///   `installed?`, an instance variable or local variable set from the current state), in a
    ///   `rescue` clause, in `converge_if_changed`, after an early `return if …` on such a
    ///   condition, or in a block another resource calls back (a deploy callback). A
    ///   condition on the platform or configuration only (`platform_family?`, `node[…]`,
    ///   `new_resource.x`) is not a guard: it decides whether the command belongs on the node,
    ///   not whether its work is done, so the command still runs on every converge there;
    /// - in a custom resource's action that is itself a command (`:run`, `:build`, `:update`,
    ///   `:cleanup`: anything but the convergent actions `:create`, `:install`, `:add`,
    ///   `:enable`, `:start`, `:delete`, `:remove`, `:upgrade`, `:configure`, …): like
    ///   `execute` itself, it runs when its caller asks, and the guard belongs to the caller;
    /// - in a helper method (`def`) whose every call in the file is one of the above (one not
    ///   called in the file at all is left alone: its callers are out of sight).
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

/// Actions that promise a state (`:create` leaves the thing there, `:delete` leaves it gone):
/// running them twice must change nothing the second time. Any other action (`:run`,
/// `:build`, `:cleanup`, `:restart`, …) is itself a command, run when its caller asks.
const CONVERGENT_ACTIONS: &[&str] = &[
    "add",
    "configure",
    "create",
    "create_if_missing",
    "delete",
    "deploy",
    "disable",
    "enable",
    "install",
    "manage",
    "modify",
    "mount",
    "purge",
    "remove",
    "setup",
    "start",
    "stop",
    "umount",
    "uninstall",
    "unmount",
    "upgrade",
];

/// Whether code at `line` (with the guard context `guard`) only runs when something has
/// checked the machine's state first, or when a caller asked for a command: under a state
/// guard, in an action that is a command, or in a method every caller of which is one of
/// these (`depth` bounds a chain of helpers calling helpers).
fn runs_when_asked(
    facts: &Facts,
    line: u32,
    guard: Guard,
    depth: u32,
    memo: &mut Vec<(u32, bool)>,
) -> bool {
    if guard == Guard::State {
        return true;
    }
    if let Some(action) = facts.enclosing_action(line) {
        let name = action.args.first().and_then(Lit::text).unwrap_or("");
        return !CONVERGENT_ACTIONS.contains(&name);
    }
    let Some(def) = facts.enclosing_def(line) else {
        return false;
    };
    if depth == 0 {
        return false;
    }
    // Judged once per method (by its first line), not once per resource in it.
    if let Some(&(_, known)) = memo.iter().find(|(at, _)| *at == def.line) {
        return known;
    }
    // A helper method: judged where it is called. Never called in this file (a library's
    // helper called from elsewhere): its callers are out of sight, not proof of a bug.
    let verdict = facts
        .calls
        .iter()
        .filter(|c| c.name == def.name && !c.on_node)
        .filter(|c| !(def.line <= c.span.line && c.span.line <= def.end))
        .all(|c| runs_when_asked(facts, c.span.line, c.guard, depth - 1, memo));
    memo.push((def.line, verdict));
    verdict
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in ctx
        .repo
        .cookbook_files(&[FileKind::Recipe, FileKind::Resource, FileKind::Provider])
    {
        let facts = &file.facts;
        let mut memo = Vec::new();
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
            if guarded || runs_when_asked(facts, resource.span.line, resource.guard, 3, &mut memo) {
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
