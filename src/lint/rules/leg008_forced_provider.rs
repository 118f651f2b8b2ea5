use crate::lint::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `provider Chef::Provider::…` inside a resource block.
    ///
    /// ## Why is this bad?
    /// Chef picks the right provider for the platform (systemd, the package manager, …).
    /// Forcing one pins the cookbook to the platform it was written on, and the named classes
    /// get renamed or removed between Chef releases.
    ///
    /// ## Example
    /// ```ruby
    /// service 'app' do
    ///   provider Chef::Provider::Service::Upstart
    ///   action :start
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Let Chef choose, or use the platform-specific resource when you really need one:
    /// ```ruby
    /// systemd_unit 'app.service' do
    ///   action :start
    /// end
    /// ```
    RULE = "LEG008", "forced-provider", Warning, "A Chef::Provider forced on a resource", check
}

struct ForcedProvider<'a> {
    provider: &'a str,
}

impl Violation for ForcedProvider<'_> {
    fn message(&self) -> String {
        format!("resource forces provider `{}`", self.provider)
    }
    fn label(&self) -> String {
        "pins the platform-specific implementation".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "remove the `provider` line and let Chef pick, or use the platform-specific resource"
                .to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || file.kind == FileKind::Other {
            continue;
        }
        for call in &file.facts.calls {
            if call.name != "provider" || call.resource.is_none() {
                continue;
            }
            let Some(Lit::Const(provider)) = call.args.first() else {
                continue;
            };
            if !provider
                .trim_start_matches("::")
                .starts_with("Chef::Provider")
            {
                continue;
            }
            sink.report(file, call.span, ForcedProvider { provider });
        }
    }
}
