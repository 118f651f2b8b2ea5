use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `include_recipe 'other::recipe'` when cookbook `other` is not declared with
    /// `depends` in this cookbook's `metadata.rb`. Dependencies declared in a loop over a
    /// literal list (`%w(runit java).each { |cb| depends cb }`) count; when metadata.rb
    /// computes a dependency's name (a loop over anything else, a variable), the cookbook's
    /// dependencies are unknown and nothing is reported for it.
    ///
    /// Not flagged: an include under `rescue` (an optional dependency on purpose: its
    /// failure is handled), and ChefSpec's matcher `expect(chef_run).to include_recipe('x')`
    /// in specs, which includes nothing.
    ///
    /// ## Why is this bad?
    /// Chef only loads the cookbooks in the dependency graph. The include works today because
    /// something else happens to pull `other` in, and fails with "could not find recipe" the
    /// day that changes — or in Test Kitchen, where only declared dependencies are vendored.
    ///
    /// ## Example
    /// ```ruby
    /// # metadata.rb
    /// name 'shop_web'
    /// # recipes/default.rb
    /// include_recipe 'nginx::default'
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// # metadata.rb
    /// name 'shop_web'
    /// depends 'nginx'
    /// ```
    RULE = "INC005", "include-missing-depends", Error, "include_recipe of a cookbook missing from metadata depends", check
}

struct IncludeMissingDepends<'a> {
    cookbook: &'a str,
    target: &'a str,
}

impl Violation for IncludeMissingDepends<'_> {
    fn message(&self) -> String {
        format!(
            "cookbook `{}` includes a recipe of `{}` but does not declare `depends '{}'`",
            self.cookbook, self.target, self.target
        )
    }
    fn label(&self) -> String {
        format!("`{}` is not a dependency", self.target)
    }
    fn help(&self) -> Option<String> {
        Some(format!("add `depends '{}'` to metadata.rb", self.target))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        let Some(cookbook) = ctx.repo.cookbook_of(file) else {
            continue;
        };
        // A metadata.rb that computes a dependency's name: no include can be called missing.
        if cookbook.metadata.is_none()
            || cookbook.depends_unknown
            || !file.kind.is_ruby()
            || file.kind == FileKind::Other
        {
            continue;
        }
        for include in &file.facts.includes {
            // `begin include_recipe 'x' rescue …`: optional on purpose, cannot fail the run.
            if include.rescued {
                continue;
            }
            let IncludeTarget::Static {
                cookbook: target, ..
            } = &include.target
            else {
                continue;
            };
            if target.is_empty() || *target == cookbook.name || cookbook.depends_on(target) {
                continue;
            }
            let v = IncludeMissingDepends {
                cookbook: &cookbook.name,
                target,
            };
            sink.report(file, include.span, v);
        }
    }
}
