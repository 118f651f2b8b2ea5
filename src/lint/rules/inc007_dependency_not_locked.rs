use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `depends` on a cookbook that is neither in the linted repo nor in the lock
    /// files (`Berksfile.lock`, `Policyfile.lock.json`, librarian-chef's `Cheffile.lock`) or
    /// Policyfiles that govern the cookbook's folder. Each missing cookbook is reported once,
    /// at its first `depends`, however many cookbooks depend on it.
    ///
    /// A repo with no lock file at all is INC006's business, not this rule's.
    ///
    /// ## Why is this bad?
    /// The repo pins its cookbooks, but not this one: the lock is stale (someone added the
    /// dependency without re-running `berks install` / `chef update`), or the name is a typo.
    /// The build will resolve it differently from what was tested, or fail: an error.
    ///
    /// ## Example
    /// ```ruby
    /// # metadata.rb — Berksfile.lock has no `nginx`
    /// depends 'nginx'
    /// ```
    ///
    /// ## Use instead
    /// Run `berks install` or `chef update` and commit the lock file.
    RULE = "INC007", "dependency-not-locked", Error, "A dependency missing from the repo's lock files", check
}

struct DependencyNotLocked<'a> {
    name: &'a str,
}

impl Violation for DependencyNotLocked<'_> {
    fn message(&self) -> String {
        format!(
            "dependency `{}` is neither in this repo nor in its lock files",
            self.name
        )
    }
    fn label(&self) -> String {
        "not locked".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "run `berks install` or `chef update` and commit the lock file; or fix the name"
                .to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let mut seen = std::collections::BTreeSet::new();
    for cookbook in &ctx.repo.cookbooks {
        let Some(locked) = ctx.repo.locked_for(cookbook) else {
            continue;
        };
        let Some(metadata) = cookbook.metadata.map(|m| &ctx.repo.files[m]) else {
            continue;
        };
        for dep in &cookbook.depends {
            if ctx.repo.cookbook(&dep.name).is_some()
                || locked.contains(dep.name.as_str())
                || !seen.insert(dep.name.as_str())
            {
                continue;
            }
            sink.report(metadata, dep.span, DependencyNotLocked { name: &dep.name });
        }
    }
}
