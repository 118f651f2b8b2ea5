use crate::lint::parse::facts::{Call, Lit};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `resources('type[name]')` (or `resources(type: 'name')`) lookups of a resource
    /// this cookbook does not declare itself — done to change another cookbook's resource
    /// after the fact (`.action`, `.notifies`, setters, `instance_exec`). A name computed at
    /// run time (`resources("package[#{name}]")`) is still a lookup: it counts as the
    /// cookbook's own only when the cookbook declares a resource of that kind with a computed
    /// name too.
    ///
    /// It does not flag a lookup that is only the target of a notification
    /// (`notifies :reload, resources(service: 'nginx')`, the old spelling of
    /// `notifies :reload, 'service[nginx]'`): it names the other resource without changing it.
    ///
    /// ## Why is this bad?
    /// The mutation depends on the other cookbook declaring that exact resource, with that
    /// exact name, earlier in the run. Rename it upstream and the lookup raises
    /// `ResourceNotFound`; reorder the run list and it raises too. The change is invisible to
    /// anyone reading the other cookbook.
    ///
    /// ## Example
    /// ```ruby
    /// resources('service[nginx]').action([:enable, :start])
    /// ```
    ///
    /// ## Use instead
    /// Ask the other cookbook for a property, or declare your own resource and notify the
    /// other one:
    /// ```ruby
    /// template '/etc/nginx/conf.d/app.conf' do
    ///   notifies :reload, 'service[nginx]', :delayed
    /// end
    /// ```
    RULE = "LEG007", "resources-lookup", Warning, "resources() lookup to mutate another cookbook's resource", check
}

struct ResourcesLookup<'a> {
    target: &'a str,
}

impl Violation for ResourcesLookup<'_> {
    fn message(&self) -> String {
        format!(
            "looks up `{}`, a resource this cookbook does not declare, to change it",
            self.target
        )
    }
    fn label(&self) -> String {
        "breaks when the other cookbook renames or moves it".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("declare your own resource and notify the other one, or pass a property".to_string())
    }
}

/// `service[nginx]` → ("service", "nginx"); `resources(service: 'nginx')` via kwargs. The
/// name may be interpolated (`package[#{name}]`, kept with `#{…}` for the code).
fn target(call: &crate::lint::parse::facts::Call) -> Option<(String, String)> {
    if let Some(text) = call.args.first().and_then(Lit::template) {
        let (kind, rest) = text.split_once('[')?;
        return Some((kind.to_string(), rest.strip_suffix(']')?.to_string()));
    }
    let (kind, name) = call.kwargs.first()?;
    Some((kind.clone(), name.template()?.to_string()))
}

/// Whether the cookbook declares the resource looked up: one of that kind with that literal
/// name; for a name computed at run time, one of that kind whose name is computed too.
fn declares(ctx: &Context<'_>, cookbook: &Cookbook, kind: &str, name: &str) -> bool {
    let computed = name.contains("#{");
    cookbook.files.iter().any(|&i| {
        ctx.repo.files[i].facts.resources.iter().any(|r| {
            r.kind == kind
                && match r.name.text() {
                    Some(declared) => !computed && declared == name,
                    None => computed,
                }
        })
    })
}

/// Whether the lookup is the target of a `notifies`/`subscribes` on its line (the old
/// spelling of `notifies :reload, 'service[nginx]'`): it names the resource, changes nothing.
fn notification_target(facts: &crate::lint::parse::facts::Facts, call: &Call) -> bool {
    facts.calls.iter().any(|n| {
        matches!(n.name.as_str(), "notifies" | "subscribes")
            && n.span.line == call.span.line
            && n.span.col < call.span.col
            && call.span.col + call.span.len <= n.span.col + n.span.len
    })
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        let Some(cookbook) = ctx.repo.cookbook_of(file) else {
            continue;
        };
        if !matches!(
            file.kind,
            FileKind::Recipe | FileKind::Resource | FileKind::Library | FileKind::Provider
        ) {
            continue;
        }
        for call in file
            .facts
            .calls
            .iter()
            .filter(|c| c.name == "resources" && !c.on_node)
        {
            let Some((kind, name)) = target(call) else {
                continue;
            };
            if declares(ctx, cookbook, &kind, &name) || notification_target(&file.facts, call) {
                continue;
            }
            let shown = format!("{kind}[{name}]");
            sink.report(file, call.span, ResourcesLookup { target: &shown });
        }
    }
}
