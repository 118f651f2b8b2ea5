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

/// What is known about one namespace's writers so far.
#[derive(Default, Clone)]
struct Writers<'a> {
    /// Indexes of the cookbooks writing it, without repeats in a row (a cookbook's files
    /// are next to each other in path order, so this is nearly the set).
    cookbooks: Vec<usize>,
    /// The first write by a cookbook that does not own it.
    first: Option<(&'a SourceFile, Span)>,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Per namespace of the shared table (see `attr_table`): a vector indexed by namespace
    // rather than a map keyed by name, as every attribute write in the repo lands here.
    let attrs = ctx.attrs();
    let mut writers: Vec<Writers> = vec![Writers::default(); attrs.namespaces().len()];
    for (i, file) in ctx.repo.files.iter().enumerate() {
        if !matches!(file.kind, FileKind::Attributes | FileKind::Recipe) {
            continue;
        }
        let Some(c) = file.cookbook else {
            continue;
        };
        let cookbook = &ctx.repo.cookbooks[c];
        for (write, &at) in file.facts.writes.iter().zip(attrs.writes(i)) {
            let Some(id) = at.ns() else {
                continue;
            };
            let ns = &attrs.namespaces()[id];
            if ns.ohai {
                continue;
            }
            let w = &mut writers[id];
            if w.cookbooks.last() != Some(&c) {
                w.cookbooks.push(c);
            }
            if w.first.is_none() && ns.owner.is_none_or(|o| o.name != cookbook.name) {
                w.first = Some((file, write.span));
            }
        }
    }
    for (ns, w) in attrs.namespaces().iter().zip(writers) {
        // At least as many entries as distinct cookbook names: too few can be skipped early.
        if w.cookbooks.len() <= ctx.settings.max_namespace_writers {
            continue;
        }
        let Some((file, span)) = w.first else {
            continue;
        };
        // Distinct names, sorted (two cookbook folders can share a name).
        let mut names: Vec<&str> = w
            .cookbooks
            .iter()
            .map(|&c| ctx.repo.cookbooks[c].name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.len() <= ctx.settings.max_namespace_writers {
            continue;
        }
        let v = SharedAttributeNamespace {
            namespace: ns.name,
            writers: names,
        };
        sink.report(file, span, v);
    }
}
