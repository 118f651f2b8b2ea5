use ruby_prism::Visit;

use super::prelude::*;
use crate::diag::Diagnostic;
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};

declare_rule! {
    /// ## What it does
    /// Flags a `service` (or `systemd_unit`) whose own action list contains `:restart` or
    /// `:reload` — except inside a custom resource's own `action :restart` (or `:reload`)
    /// block, which runs only when a caller asks for it.
    ///
    /// ## Why is this bad?
    /// The action runs on every converge, so the service restarts every 30 minutes (or
    /// whenever Chef runs), dropping connections, whether or not anything changed.
    ///
    /// ## Example
    /// ```ruby
    /// service 'nginx' do
    ///   action [:enable, :restart]
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Start it, and restart it only when its configuration changes:
    /// ```ruby
    /// service 'nginx' do
    ///   action [:enable, :start]
    /// end
    /// template '/etc/nginx/nginx.conf' do
    ///   notifies :restart, 'service[nginx]', :delayed
    /// end
    /// ```
    RULE = "SVC001", "restart-on-every-run", Warning, "A service restarted on every converge", check, fix = FIX
}

// When the list also starts or enables the service, `:restart` is dropped from it (or
// becomes `:start` where nothing else starts it: `[:enable, :restart]` →
// `[:enable, :start]`, which still leaves the service running), and `:reload` is dropped
// when `:start` is there. Adding the `notifies` is left to you: only you know which
// resources change the service's configuration.
static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "drop `:restart`/`:reload` from the service's own actions (keeping it started)",
    make: make_fix,
};

/// The `action` call the finding is at, from a prism parse: its one argument must be a literal
/// array of symbols (`[:enable, :restart]`, `%i[enable restart]`); anything else is left alone.
fn make_fix(ctx: &FixContext<'_>, diag: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&diag.path)?;
    let at = FixContext::byte_range(&file.text, diag.location?).start;
    let result = ruby_prism::parse(file.text.as_bytes());
    let mut find = FindAction { at, list: None };
    find.visit(&result.node());
    let (items, first, last) = find.list?;
    let has = |name: &str| items.iter().any(|(n, ..)| n == name);
    let restarts = has("restart");
    let reloads = has("reload");
    if !(restarts || reloads) || !(has("start") || has("enable")) {
        return None;
    }
    // Reloading is not starting: with only `:enable` left, dropping `:reload` would be fine, but
    // then nothing in the list starts it either way; leave that list to a person.
    if reloads && !has("start") && !restarts {
        return None;
    }
    let text = &file.text;
    let separator = match items.get(1) {
        Some(second) => &text[items[0].2..second.1],
        None => ", ",
    };
    let mut kept: Vec<String> = Vec::new();
    let mut started = has("start");
    for (name, start, end) in &items {
        match name.as_str() {
            "restart" if !started => {
                // The restart also started a stopped service: keep that.
                let source = &text[*start..*end];
                kept.push(
                    if source.starts_with(':') {
                        ":start"
                    } else {
                        "start"
                    }
                    .to_string(),
                );
                started = true;
            }
            "restart" | "reload" => {}
            _ => kept.push(text[*start..*end].to_string()),
        }
    }
    let dropped: Vec<&str> = ["restart", "reload"]
        .into_iter()
        .filter(|a| has(a))
        .collect();
    Some(Fix {
        title: format!(
            "drop `:{}` from the service's own actions",
            dropped.join("`/`:")
        ),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(&diag.path, first, last, kept.join(separator))],
    })
}

/// The symbols of the literal array given to the `action` call starting at `at`: (name,
/// start, end) of each, and the span from the first to the last.
struct FindAction {
    at: usize,
    list: Option<(Vec<Symbol>, usize, usize)>,
}

/// A symbol of the list: its name, start and end.
type Symbol = (String, usize, usize);

impl<'pr> Visit<'pr> for FindAction {
    fn visit_call_node(&mut self, node: &ruby_prism::CallNode<'pr>) {
        if self.list.is_none()
            && node.location().start() as usize == self.at
            && node.name().as_slice() == b"action"
            && node.receiver().is_none()
            && node.block().is_none()
        {
            let args: Vec<_> = node
                .arguments()
                .map(|a| a.arguments().iter().collect())
                .unwrap_or_default();
            if let [arg] = args.as_slice() {
                if let Some(array) = arg.as_array_node() {
                    let mut items = Vec::new();
                    for element in array.elements().iter() {
                        let Some(sym) = element.as_symbol_node() else {
                            return; // a string, a splat, a variable: not a plain list
                        };
                        let loc = element.location();
                        let name = String::from_utf8_lossy(sym.unescaped()).into_owned();
                        items.push((name, loc.start() as usize, loc.end() as usize));
                    }
                    if let (Some(first), Some(last)) = (items.first(), items.last()) {
                        let span = (first.1, last.2);
                        self.list = Some((items, span.0, span.1));
                    }
                }
            }
        }
        ruby_prism::visit_call_node(self, node);
    }
}

struct RestartOnEveryRun<'a> {
    action: &'a str,
}

impl Violation for RestartOnEveryRun<'_> {
    fn message(&self) -> String {
        format!(
            "`:{}` in the service's own actions runs on every converge",
            self.action
        )
    }
    fn label(&self) -> String {
        format!("{}s every run", self.action)
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "use `action [:enable, :start]` and `notifies :{}` from the resources that change its configuration",
            self.action
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, resource) in ctx.repo.resources(&[FileKind::Recipe, FileKind::Resource]) {
        let facts = &file.facts;
        if resource.kind != "service" && resource.kind != "systemd_unit" {
            continue;
        }
        let Some(action) = facts.prop(resource, "action") else {
            continue;
        };
        let Some(arg) = action.args.first() else {
            continue;
        };
        let Some(which) = ["restart", "reload"]
            .into_iter()
            .find(|a| arg.has_symbol(a))
        else {
            continue;
        };
        // A custom resource's own `action :restart` block restarts only when asked to.
        let asked = facts
            .enclosing_action(resource.span.line)
            .and_then(|a| a.args.first())
            .is_some_and(|a| a.has_symbol(which));
        if asked {
            continue;
        }
        sink.report(file, action.span, RestartOnEveryRun { action: which });
    }
}
