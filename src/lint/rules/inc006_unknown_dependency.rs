use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Notes a `depends` on a cookbook that is not in the linted repo, when an application
    /// repo (roles, Policyfiles, or several cookbooks side by side) has no lock file
    /// (`Berksfile.lock`, `Policyfile.lock.json`, librarian-chef's `Cheffile.lock`) to say
    /// where it comes from. Each missing cookbook is reported once, at its first `depends`.
    ///
    /// It does not flag a repo that is one library cookbook (its test fixture cookbooks
    /// aside). Community practice is to leave a library cookbook's lock out of version
    /// control (`chef generate cookbook` puts `Berksfile.lock` and `Policyfile.lock.json` in
    /// its `.gitignore`, and the walk honours `.gitignore`): the application that uses the
    /// cookbook resolves and locks the versions, not the library.
    ///
    /// ## Why is this bad?
    /// It may well be fine (a community cookbook fetched at build time), which is why this is
    /// `info`. But without a lock, which version an application gets is decided at build
    /// time, and the cross-cookbook rules cannot see inside it.
    ///
    /// ## Example
    /// ```ruby
    /// # metadata.rb, in a repo without a Berksfile.lock or Policyfile.lock.json
    /// depends 'nginx'
    /// ```
    ///
    /// ## Use instead
    /// Commit a lock file (`berks install` or `chef install`), or vendor the cookbook into
    /// the repo.
    RULE = "INC006", "unknown-dependency", Info, "A dependency found neither in the repo nor in a lock (no lock file)", check
}

struct UnknownDependency<'a> {
    name: &'a str,
}

impl Violation for UnknownDependency<'_> {
    fn message(&self) -> String {
        format!(
            "dependency `{}` is not in this repo and there is no lock file to resolve it",
            self.name
        )
    }
    fn label(&self) -> String {
        "unknown cookbook".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "commit a Berksfile.lock, Policyfile.lock.json or Cheffile.lock, or lint the repo that contains it"
                .to_string(),
        )
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    if !ctx.repo.is_application() {
        return;
    }
    let mut seen = std::collections::BTreeSet::new();
    for cookbook in &ctx.repo.cookbooks {
        if ctx.repo.locked_for(cookbook).is_some() {
            continue;
        }
        let Some(metadata) = cookbook.metadata.map(|m| &ctx.repo.files[m]) else {
            continue;
        };
        for dep in &cookbook.depends {
            if ctx.repo.cookbook(&dep.name).is_some() || !seen.insert(dep.name.as_str()) {
                continue;
            }
            sink.report(metadata, dep.span, UnknownDependency { name: &dep.name });
        }
    }
}
