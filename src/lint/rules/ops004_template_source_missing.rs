use crate::lint::parse::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `template` whose source file (`source 'x.erb'`, or the resource name's base
    /// name plus `.erb` when there is no `source`) is not in the cookbook's `templates/`
    /// folder (or in the cookbook named by `cookbook`, when that one is in the repo).
    ///
    /// ## Why is this bad?
    /// The Chef client fails with `Chef::Exceptions::FileNotFound` when it converges the
    /// resource — on the node, in the middle of a run, possibly on the first real deploy.
    ///
    /// ## Example
    /// ```ruby
    /// template '/etc/app.conf' do
    ///   source 'app.conf.rb'   # the file is templates/app.conf.erb
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// template '/etc/app.conf' do
    ///   source 'app.conf.erb'
    /// end
    /// ```
    RULE = "OPS004", "template-source-missing", Error, "A template whose source file does not exist", check
}

struct TemplateSourceMissing<'a> {
    source: &'a str,
    cookbook: &'a str,
}

impl Violation for TemplateSourceMissing<'_> {
    fn message(&self) -> String {
        format!(
            "template source `{}` is not in cookbook `{}`",
            self.source, self.cookbook
        )
    }
    fn label(&self) -> String {
        "no such template".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "add templates/{} (or templates/default/{}), or fix `source`",
            self.source, self.source
        ))
    }
}

/// Whether a cookbook has `templates/<source>` or `templates/<specificity>/<source>`.
fn has_template(ctx: &Context<'_>, cookbook: &Cookbook, source: &str) -> bool {
    cookbook.files.iter().any(|&i| {
        let f = &ctx.repo.files[i];
        f.kind == FileKind::Template
            && f.rel.strip_prefix("templates/").is_some_and(|rest| {
                rest == source || rest.split_once('/').is_some_and(|(_, tail)| tail == source)
            })
    })
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        let Some(this) = ctx.repo.cookbook_of(file) else {
            continue;
        };
        if !matches!(
            file.kind,
            FileKind::Recipe | FileKind::Resource | FileKind::Provider | FileKind::Definition
        ) {
            continue;
        }
        let facts = &file.facts;
        for resource in facts.resources.iter().filter(|r| r.kind == "template") {
            if facts.prop(resource, "local").is_some() {
                continue;
            }
            let source = match facts.prop(resource, "source") {
                Some(call) => match call.args.first() {
                    Some(Lit::Str(s)) => s.clone(),
                    _ => continue,
                },
                None => match &resource.name {
                    Lit::Str(name) => format!("{}.erb", name.rsplit('/').next().unwrap_or(name)),
                    _ => continue,
                },
            };
            // Only .erb sources are walked; others cannot be checked.
            if !source.ends_with(".erb") || source.starts_with('/') {
                continue;
            }
            let cookbook = match facts
                .prop(resource, "cookbook")
                .and_then(|c| c.args.first())
            {
                Some(Lit::Str(name)) => match ctx.repo.cookbook(name) {
                    Some(c) => c,
                    None => continue,
                },
                Some(_) => continue,
                None => this,
            };
            if has_template(ctx, cookbook, &source) {
                continue;
            }
            let v = TemplateSourceMissing {
                source: &source,
                cookbook: &cookbook.name,
            };
            sink.report(file, resource.span, v);
        }
    }
}
