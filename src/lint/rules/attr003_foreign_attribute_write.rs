use std::collections::BTreeMap;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an attributes file or recipe that writes attributes in another cookbook's
    /// namespace (`default['nginx'][…]` from cookbook `shop_web`): the wrapper-override
    /// pattern. Reported once per file and namespace.
    ///
    /// ## Why is this bad?
    /// The other cookbook's behaviour now depends on which cookbooks are in the run list and
    /// in which order their attribute files load. Upgrading it silently breaks the overrides
    /// when it renames or stops reading an attribute; nothing fails, the value is just ignored.
    ///
    /// ## Example
    /// ```ruby
    /// # cookbooks/shop_web/attributes/default.rb
    /// default['nginx']['worker_processes'] = 4
    /// ```
    ///
    /// ## Use instead
    /// Call the other cookbook's custom resource with the value as a property, or if it only
    /// offers attributes, set them in one place (a Policyfile or role) and write the
    /// resources yourself:
    /// ```ruby
    /// nginx_config 'default' do
    ///   worker_processes 4
    /// end
    /// ```
    RULE = "ATTR003", "foreign-attribute-write", Warning, "Attributes written in another cookbook's namespace", check
}

struct ForeignAttributeWrite<'a> {
    cookbook: &'a str,
    namespace: &'a str,
    count: usize,
}

impl Violation for ForeignAttributeWrite<'_> {
    fn message(&self) -> String {
        let n = if self.count == 1 {
            "an attribute".to_string()
        } else {
            format!("{} attributes", self.count)
        };
        format!(
            "cookbook `{}` overrides {n} of cookbook `{}`",
            self.cookbook, self.namespace
        )
    }
    fn label(&self) -> String {
        format!("writes into `{}`'s namespace", self.namespace)
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "pass the value as a property of a `{}` resource instead of overriding its attributes",
            self.namespace
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Namespaces and their owners come from the shared table: see `attr_table`.
    let attrs = ctx.attrs();
    for (i, file) in ctx.repo.files.iter().enumerate() {
        if !matches!(file.kind, FileKind::Attributes | FileKind::Recipe) {
            continue;
        }
        let Some(cookbook) = ctx.repo.cookbook_of(file) else {
            continue;
        };
        // namespace -> (first write, count)
        let mut foreign: BTreeMap<&str, (Span, usize)> = BTreeMap::new();
        // The answer for the namespace of the previous write: a file mostly writes one.
        let mut last: Option<(usize, bool)> = None;
        for (write, &at) in file.facts.writes.iter().zip(attrs.writes(i)) {
            let Some(id) = at.ns() else {
                continue;
            };
            let ns = &attrs.namespaces()[id];
            let theirs = match last {
                Some((last_id, theirs)) if last_id == id => theirs,
                _ => {
                    let theirs = !ns.ohai
                        && (ns.owner.is_some_and(|c| c.name != cookbook.name)
                            || (ns.name != cookbook.name && cookbook.depends_on(ns.name)));
                    last = Some((id, theirs));
                    theirs
                }
            };
            if theirs {
                foreign.entry(ns.name).or_insert((write.span, 0)).1 += 1;
            }
        }
        for (namespace, (span, count)) in foreign {
            let v = ForeignAttributeWrite {
                cookbook: &cookbook.name,
                namespace,
                count,
            };
            sink.report(file, span, v);
        }
    }
}
