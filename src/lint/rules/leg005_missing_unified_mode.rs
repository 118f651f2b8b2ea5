use crate::diag::Diagnostic;
use crate::lint::fix::{prism, Applicability, Edit, Fix, FixContext, Fixer};
use crate::lint::model::Repo;
use crate::lint::parse::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a custom resource (a file in `resources/` with `property` or `action` blocks)
    /// that does not declare `unified_mode true`. Cookbooks whose `metadata.rb` requires
    /// Chef 18 or later are skipped: unified mode is the default there.
    ///
    /// It does not flag resource partials (`resources/_partial/_common.rb`,
    /// `resources/partial/_x.rb`, any `_`-prefixed file under `resources/`, or a file pulled
    /// in with `use`): a partial is not a resource but properties and helpers shared by the
    /// resources that `use` it, and `unified_mode` belongs in each of those.
    ///
    /// ## Why is this bad?
    /// Without unified mode, the resources inside an action are compiled first and converged
    /// later, so Ruby code between them sees the state from before they ran — the classic
    /// "why is my file not there yet" bug. Chef 18 makes unified mode the default, so a
    /// resource that relies on the old split changes behaviour on upgrade.
    ///
    /// ## Example
    /// ```ruby
    /// provides :app_config
    /// property :path, String
    /// action :create do
    ///   file new_resource.path
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// unified_mode true
    /// provides :app_config
    /// property :path, String
    /// action :create do
    ///   file new_resource.path
    /// end
    /// ```
    RULE = "LEG005", "missing-unified-mode", Warning, "A custom resource without unified_mode true", check,
    fix = FIX
}

// Adds `unified_mode true` after the `provides`/`resource_name` lines, or after the
// file's leading comments when it has none. `unified_mode` exists from Chef 15.3: when
// `chef_version` in metadata allows older clients (or is missing), the fix is unsafe.
static FIX: Fixer = Fixer {
    // Safe when metadata's `chef_version` requires 15.3 or later (where `unified_mode`
    // exists); unsafe otherwise.
    applicability: Applicability::Unsafe,
    summary: "add `unified_mode true` (safe when metadata requires Chef >= 15.3)",
    make: fix,
};

struct MissingUnifiedMode<'a> {
    name: &'a str,
}

impl Violation for MissingUnifiedMode<'_> {
    fn message(&self) -> String {
        format!(
            "custom resource `{}` does not declare `unified_mode true`",
            self.name
        )
    }
    fn label(&self) -> String {
        "first statement".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("add `unified_mode true` at the top of the file".to_string())
    }
}

/// The lowest Chef version `chef_version` in metadata allows, as (major, minor), if it says.
fn min_chef_version(repo: &Repo, cookbook: &Cookbook) -> Option<(u32, u32)> {
    let meta = cookbook.metadata.map(|m| &repo.files[m])?;
    meta.facts
        .top_calls("chef_version")
        .flat_map(|c| c.args.iter().filter_map(Lit::text))
        .filter_map(|req| {
            let req = req.trim();
            let version = req
                .strip_prefix(">=")
                .or_else(|| req.strip_prefix("~>"))
                .or_else(|| req.strip_prefix('>'))?
                .trim();
            let mut parts = version.split('.');
            let major = parts.next()?.parse::<u32>().ok()?;
            let minor = parts.next().map_or(Some(0), |m| m.parse::<u32>().ok())?;
            Some((major, minor))
        })
        .max()
}

/// Whether `chef_version` in metadata requires Chef 18 or later.
fn requires_chef_18(ctx: &Context<'_>, cookbook: &Cookbook) -> bool {
    min_chef_version(ctx.repo, cookbook).is_some_and(|v| v >= (18, 0))
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Resource) {
        if file.partial {
            continue;
        }
        let facts = &file.facts;
        // A resource whose properties all come from its partials is custom too.
        let custom = ctx.repo.properties(file).next().is_some()
            || facts.top_calls("action").any(|c| c.has_block);
        if !custom || facts.top_calls("unified_mode").next().is_some() {
            continue;
        }
        if requires_chef_18(ctx, cookbook) {
            continue;
        }
        let span = facts.stmts.first().map_or(START, |s| s.span);
        sink.report(file, span, MissingUnifiedMode { name: file.stem() });
    }
}

/// Insert `unified_mode true` after the run of `provides`/`resource_name` statements the file
/// declares first, on its own line with their indentation; without them, after the leading
/// comment block (licence header, magic comments) and its blank lines.
fn fix(ctx: &FixContext<'_>, diag: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&diag.path)?;
    if file.kind != FileKind::Resource || file.partial {
        return None;
    }
    let text = file.text.as_str();
    let result = prism::parse(text)?;
    let stmts = prism::statements(&result);
    // `unified_mode` set anywhere (in a conditional, with a computed value) is a choice the
    // file made: not ours to second-guess.
    for stmt in &stmts {
        if prism::calls_named(stmt, "unified_mode")? {
            return None;
        }
    }
    let (at, insert) = prism::unified_mode_insertion(text, &stmts)?;
    // `unified_mode` exists from Chef 15.3: on older clients the resource would fail to load.
    let supported = ctx
        .repo
        .cookbook_of(file)
        .and_then(|c| min_chef_version(ctx.repo, c))
        .is_some_and(|v| v >= (15, 3));
    let (title, applicability) = if supported {
        ("add `unified_mode true`", Applicability::Safe)
    } else {
        (
            "add `unified_mode true` (needs Chef >= 15.3: metadata allows older clients)",
            Applicability::Unsafe,
        )
    };
    Some(Fix {
        title: title.to_string(),
        applicability,
        leaves_finding: false,
        edits: vec![Edit::replace(&file.path, at, at, insert)],
    })
}
