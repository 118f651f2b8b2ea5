use super::prelude::*;

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
    RULE = "SVC001", "restart-on-every-run", Warning, "A service restarted on every converge", check
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
