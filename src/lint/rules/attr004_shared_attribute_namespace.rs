use std::collections::BTreeSet;

use crate::lint::facts::FxHashMap;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an attribute namespace (the first key, `['java']`) written by more than
    /// `max-namespace-writers` (1) cookbooks. Reported once per namespace, at the first write
    /// by a cookbook that does not own it.
    ///
    /// ## Why is this bad?
    /// When several cookbooks write the same attributes, the value a node ends up with
    /// depends on run-list order and precedence levels. Nobody owns the setting, so changing
    /// it means finding and agreeing with every writer.
    ///
    /// ## Example
    /// ```ruby
    /// # cookbooks/app/attributes/default.rb
    /// default['java']['version'] = '17'
    /// # cookbooks/search/attributes/default.rb
    /// default['java']['version'] = '11'
    /// ```
    ///
    /// ## Use instead
    /// Let one cookbook own the setting and expose it as a resource property; the others
    /// call that resource.
    RULE = "ATTR004", "shared-attribute-namespace", Warning, "One attribute namespace written by several cookbooks", check
}

struct SharedAttributeNamespace<'a> {
    namespace: &'a str,
    writers: Vec<&'a str>,
}

impl Violation for SharedAttributeNamespace<'_> {
    fn message(&self) -> String {
        format!(
            "attribute namespace `{}` is written by {} cookbooks: {}",
            self.namespace,
            self.writers.len(),
            self.writers.join(", ")
        )
    }
    fn label(&self) -> String {
        "one of the writers".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "let one cookbook own `{}` and expose the setting as a resource property",
            self.namespace
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // namespace -> writing cookbooks, and the first write by a non-owner. Hash maps: every
    // attribute write in the repo is looked up here (the findings are sorted afterwards).
    let mut writers: FxHashMap<&str, BTreeSet<&str>> = FxHashMap::default();
    let mut first: FxHashMap<&str, (&SourceFile, Span)> = FxHashMap::default();
    for file in &ctx.repo.files {
        if !matches!(file.kind, FileKind::Attributes | FileKind::Recipe) {
            continue;
        }
        let Some(cookbook) = ctx.repo.cookbook_of(file) else {
            continue;
        };
        for write in &file.facts.writes {
            let Some(ns) = write.path.namespace() else {
                continue;
            };
            if is_ohai(ns) {
                continue;
            }
            writers.entry(ns).or_default().insert(&cookbook.name);
            let owned = owner(ctx.repo, ns).is_some_and(|o| o.name == cookbook.name);
            if !owned {
                first.entry(ns).or_insert((file, write.span));
            }
        }
    }
    for (ns, cookbooks) in writers {
        if cookbooks.len() <= ctx.settings.max_namespace_writers {
            continue;
        }
        let Some((file, span)) = first.get(ns) else {
            continue;
        };
        let v = SharedAttributeNamespace {
            namespace: ns,
            writers: cookbooks.into_iter().collect(),
        };
        sink.report(file, *span, v);
    }
}
