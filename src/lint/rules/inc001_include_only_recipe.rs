use std::collections::BTreeSet;

use super::prelude::*;
use crate::diag::Diagnostic;
use crate::lint::fix::run_list;
use crate::lint::fix::{apply_replacements, Applicability, Edit, Fix, FixContext, Fixer};
use crate::lint::model::Repo;

declare_rule! {
    /// ## What it does
    /// Flags a recipe whose whole body is two or more `include_recipe` calls. Includes with
    /// computed targets (`include_recipe "#{cookbook_name}::x"`) or in a loop over a list
    /// (`%w(a b).each { |r| include_recipe r }`) are still includes: the recipe is still a
    /// run list in disguise.
    ///
    /// It does not flag a recipe with an include under `if`/`unless`
    /// (`include_recipe 'yum-epel' if platform_family?('rhel')`): that is logic a run list
    /// cannot express.
    ///
    /// ## Why is this bad?
    /// A recipe of includes is a run list in disguise. What the node ends up with is decided
    /// one or more levels down, so reading the recipe tells you nothing, and every include
    /// drags in that recipe's attributes and side effects whether you need them or not.
    /// Changing anything means following the chain.
    ///
    /// ## Example
    /// ```ruby
    /// # recipes/default.rb
    /// include_recipe 'base::packages'
    /// include_recipe 'base::users'
    /// include_recipe 'nginx::default'
    /// ```
    ///
    /// ## Use instead
    /// Declare what the node needs with resources, in the order it needs them; put the list
    /// of cookbooks in a role or Policyfile run list where it belongs:
    /// ```ruby
    /// package %w(curl git)
    /// shop_service 'api' do
    ///   command '/opt/shop/bin/api'
    /// end
    /// ```
    RULE = "INC001", "include-only-recipe", Warning, "A recipe that only includes other recipes", check, fix = FIX
}

struct IncludeOnlyRecipe<'a> {
    recipe: &'a str,
    count: usize,
}

impl Violation for IncludeOnlyRecipe<'_> {
    fn message(&self) -> String {
        format!(
            "recipe `{}` only includes other recipes ({} `include_recipe` calls and nothing else)",
            self.recipe, self.count
        )
    }
    fn label(&self) -> String {
        "the whole recipe is includes".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("declare the resources this recipe is for here, and move the list of recipes into a role or Policyfile run list".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Recipe) {
        let stmts = &file.facts.stmts;
        if stmts.is_empty() || stmts.iter().any(|s| s.includes == 0) {
            continue;
        }
        let count: u32 = stmts.iter().map(|s| s.includes).sum();
        if count < 2 {
            continue;
        }
        let recipe = recipe_name(&cookbook.name, file.stem());
        sink.report(
            file,
            stmts[0].span,
            IncludeOnlyRecipe {
                recipe: &recipe,
                count: count as usize,
            },
        );
    }
}

/// The include-all migration: a recipe of includes, where a role or Policyfile run list names
/// it, becomes the recipes it includes (shared with `INC002`, whose fix it also is).
pub(crate) static FIX: Fixer = Fixer {
    applicability: Applicability::Unsafe,
    summary: "replace the recipe with the recipes it includes in every role and Policyfile run list that names it; delete it when nothing else uses it",
    make: migrate,
};

/// One recipe an include-only recipe includes: as the include writes it (`other`,
/// `cb::x`; `::x` made `cb::x`), and as `(cookbook, recipe)`.
struct Target {
    written: String,
    key: (String, String),
}

/// The fix for a finding on an include-only recipe (see [`FIX`]). `None` when the recipe does
/// more than include literal recipe names, or no role or Policyfile run list names it.
pub(crate) fn migrate(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let repo = ctx.repo;
    let recipe_file = ctx.file(&d.path)?;
    if recipe_file.kind != FileKind::Recipe || recipe_file.problem.is_some() {
        return None;
    }
    let cookbook = repo.cookbook_of(recipe_file)?;
    let cb = cookbook.name.as_str();
    let name = recipe_file.stem();
    let me = (cb.to_string(), name.to_string());
    let targets = include_targets(&recipe_file.text, cb)?;
    if targets.iter().any(|t| t.key == me) {
        return None;
    }

    let mut edits = Vec::new();
    // Why the recipe must stay, when it must.
    let mut keep: Vec<String> = Vec::new();
    // Role and Policyfile texts as they will be.
    let mut rewritten: Vec<(&str, String)> = Vec::new();
    let mut lists_changed = 0;
    let finder = memchr::memmem::Finder::new(cb.as_bytes());
    for file in &repo.files {
        let json = match file.kind {
            FileKind::Role | FileKind::Policyfile => false,
            FileKind::RoleJson => true,
            // A cookbook's own Policyfile (for its kitchen tests) is classified with the
            // cookbook's other files, but its run list is one.
            FileKind::Other if is_policyfile(file) => false,
            _ => continue,
        };
        if file.problem.is_some() || finder.find(file.text.as_bytes()).is_none() {
            continue;
        }
        let lists = if json {
            run_list::json_run_lists(&file.text)
        } else {
            run_list::ruby_run_lists(&file.text)
        };
        if !lists.complete {
            keep.push(format!(
                "`{}` has a run list the fix cannot read",
                file.path
            ));
        }
        let mut file_edits = Vec::new();
        for list in &lists.lists {
            let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
            // The recipes the rewrite put in: a later entry naming one of them is now a
            // duplicate, which Chef skips; it is removed.
            let mut inserted: BTreeSet<(String, String)> = BTreeSet::new();
            let mut list_edits: Vec<Edit> = Vec::new();
            for (i, entry) in list.entries.iter().enumerate() {
                let Some(value) = &entry.value else { continue };
                let run_list::Item::Recipe {
                    cookbook: c,
                    recipe: r,
                    version,
                    wrapped,
                } = run_list::item(value)
                else {
                    continue;
                };
                let key = (c, r);
                if key != me {
                    if inserted.contains(&key) && !version && entry.quote != Some('?') {
                        let range = list.removal(i);
                        list_edits.push(Edit::replace(&file.path, range.start, range.end, ""));
                    }
                    seen.insert(key);
                    continue;
                }
                if version || entry.quote == Some('?') {
                    keep.push(format!("`{}` names it as `{value}`", file.path));
                    continue;
                }
                // Chef runs a recipe once, where it first appears (a later include or entry
                // is skipped): what the run list already ran is not repeated.
                let fresh: Vec<String> = targets
                    .iter()
                    .filter(|t| seen.insert(t.key.clone()))
                    .inspect(|t| {
                        inserted.insert(t.key.clone());
                    })
                    .map(|t| {
                        let v = if wrapped {
                            format!("recipe[{}]", t.written)
                        } else {
                            t.written.clone()
                        };
                        run_list::element(&v, entry)
                    })
                    .collect();
                let (range, text) = if fresh.is_empty() {
                    (list.removal(i), String::new())
                } else {
                    let separator = list.separator(&file.text, entry);
                    (entry.range.clone(), fresh.join(&separator))
                };
                list_edits.push(Edit::replace(&file.path, range.start, range.end, text));
            }
            // What the rewrite leaves out depends on the whole list: one edit over all of it,
            // so that another fix of the same list (another recipe it names) overlaps and
            // waits for the next pass instead of working from the old list.
            let (Some(first), Some(last)) = (list.entries.first(), list.entries.last()) else {
                continue;
            };
            if list_edits.is_empty() {
                continue;
            }
            let span = first.range.start..last.range.end;
            let shifted: Vec<Edit> = list_edits
                .iter()
                .filter_map(|e| match e {
                    Edit::Replace {
                        start, end, text, ..
                    } => Some(Edit::replace(
                        &file.path,
                        start - span.start,
                        end - span.start,
                        text.clone(),
                    )),
                    _ => None,
                })
                .collect();
            let refs: Vec<&Edit> = shifted.iter().collect();
            let text = apply_replacements(&file.text[span.clone()], &refs)?;
            file_edits.push(Edit::replace(&file.path, span.start, span.end, text));
            lists_changed += 1;
        }
        if file_edits.is_empty() {
            continue;
        }
        let refs: Vec<&Edit> = file_edits.iter().collect();
        let new_text = apply_replacements(&file.text, &refs)?;
        rewritten.push((file.path.as_str(), new_text));
        edits.extend(file_edits);
    }
    if edits.is_empty() {
        return None;
    }
    keep.extend(other_uses(repo, recipe_file, cb, name, &rewritten));
    let qualified = recipe_name(cb, name);
    let mut title = format!(
        "replace `{qualified}` with the {} recipe{} it includes in {lists_changed} run list{} of {} file{}",
        targets.len(),
        plural(targets.len()),
        plural(lists_changed),
        rewritten.len(),
        plural(rewritten.len()),
    );
    if targets.iter().all(|t| t.key.0 != cb) {
        title.push_str(&format!(
            " (`{cb}` may leave those run lists: its attributes and libraries then no longer load)"
        ));
    }
    let recipe_kept = !keep.is_empty();
    match keep.first() {
        None => {
            edits.push(Edit::Delete {
                path: recipe_file.path.clone(),
            });
            title.push_str(&format!("; delete `{qualified}`, now unused"));
        }
        Some(reason) => title.push_str(&format!("; keep `{qualified}`: {reason}")),
    }
    if rewritten.iter().any(|(p, _)| {
        ctx.file(p)
            .is_some_and(|f| f.kind == FileKind::Policyfile || is_policyfile(f))
    }) {
        title.push_str(" (run `chef install` to update the Policyfile locks)");
    }
    Some(Fix {
        title,
        applicability: Applicability::Unsafe,
        // The run lists are rewritten either way; the recipe (and so its finding) stays while
        // anything else still names it.
        leaves_finding: recipe_kept,
        edits,
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The recipes a recipe includes, in order, when its every statement is a plain
/// `include_recipe` of literal recipe names (from a prism parse: the facts do not keep the
/// names as written). `None` for anything else: a condition, a loop, a computed name, code.
fn include_targets(text: &str, cookbook: &str) -> Option<Vec<Target>> {
    let result = ruby_prism::parse(text.as_bytes());
    if result.errors().next().is_some() {
        return None;
    }
    let root = result.node();
    let program = root.as_program_node()?;
    let mut out: Vec<Target> = Vec::new();
    for stmt in program.statements().body().iter() {
        let call = stmt.as_call_node()?;
        if call.receiver().is_some()
            || call.name().as_slice() != b"include_recipe"
            || call.block().is_some()
        {
            return None;
        }
        for arg in call.arguments()?.arguments().iter() {
            let s = arg.as_string_node()?;
            let value = std::str::from_utf8(s.unescaped()).ok()?.trim();
            let written = match value.strip_prefix("::") {
                Some(recipe) => format!("{cookbook}::{recipe}"),
                None => value.to_string(),
            };
            let run_list::Item::Recipe {
                cookbook: c,
                recipe: r,
                version: false,
                wrapped: false,
            } = run_list::item(&written)
            else {
                return None;
            };
            // A second include of the same recipe does nothing.
            if !out.iter().any(|t| t.key.0 == c && t.key.1 == r) {
                out.push(Target {
                    written,
                    key: (c, r),
                });
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Why recipe `cb::name` is still used once the run lists are rewritten (`rewritten`: the
/// new texts of the role and Policyfile files changed): another file includes it (or has a
/// computed include that may), a node, spec, template or other file names it, or a ChefSpec
/// file is named after it.
fn other_uses(
    repo: &Repo,
    recipe: &SourceFile,
    cb: &str,
    name: &str,
    rewritten: &[(&str, String)],
) -> Vec<String> {
    let mut out = Vec::new();
    let qualified = recipe_name(cb, name);
    let spec = format!("{name}_spec");
    for file in &repo.files {
        if std::ptr::eq(file, recipe) || file.problem.is_some() {
            continue;
        }
        let own = file.cookbook == recipe.cookbook && file.cookbook.is_some();
        for include in &file.facts.includes {
            match &include.target {
                IncludeTarget::Static {
                    cookbook: c,
                    recipe: r,
                } => {
                    let c = if c.is_empty() {
                        repo.cookbook_of(file).map_or("", |k| k.name.as_str())
                    } else {
                        c.as_str()
                    };
                    if c == cb && r == name {
                        out.push(format!("`{}` includes it", file.path));
                    }
                }
                IncludeTarget::Dynamic => {
                    let line = file.text.lines().nth(include.span.line as usize - 1);
                    if own || line.is_some_and(|l| l.contains(cb)) {
                        out.push(format!("`{}` has a computed include_recipe", file.path));
                    }
                }
            }
        }
        if own && file.kind == FileKind::Other && file.stem() == spec {
            out.push(format!("`{}` tests it", file.path));
        }
        if matches!(
            file.kind,
            FileKind::Readme | FileKind::Metadata | FileKind::MetadataJson | FileKind::PolicyLock
        ) {
            continue;
        }
        let text = rewritten
            .iter()
            .find(|(p, _)| *p == file.path)
            .map_or(file.text.as_str(), |(_, t)| t.as_str());
        let bare = name == "default"
            && (file.kind == FileKind::Node
                || (file.kind == FileKind::Other && is_test_path(&file.rel)));
        if names(text, &qualified)
            || (name == "default"
                && (names(text, &format!("recipe[{cb}]"))
                    || (bare
                        && (text.contains(&format!("\"{cb}\""))
                            || text.contains(&format!("'{cb}'"))))))
        {
            out.push(format!("`{}` names it", file.path));
        }
    }
    out.extend(configs_naming(repo, recipe, cb, name));
    out.sort();
    out.dedup();
    out
}

/// Files the walk does not read that name recipes in run lists: Test Kitchen's configurations
/// and a Vagrantfile (`chef.add_recipe`), in the cookbook's folder and at each lint root.
const RUN_LIST_CONFIGS: &[&str] = &[
    ".kitchen.yml",
    "kitchen.yml",
    ".kitchen.dokken.yml",
    "kitchen.dokken.yml",
    ".kitchen.local.yml",
    "kitchen.local.yml",
    ".kitchen.vagrant.yml",
    "kitchen.vagrant.yml",
    "Vagrantfile",
];

/// The [`RUN_LIST_CONFIGS`] that name recipe `cb::name` (read from disk, only when a fix is
/// made).
fn configs_naming(repo: &Repo, recipe: &SourceFile, cb: &str, name: &str) -> Vec<String> {
    let qualified = recipe_name(cb, name);
    let wrapped = format!("recipe[{cb}]");
    let mut dirs: Vec<(String, std::path::PathBuf)> = Vec::new();
    if let Some(dir) = repo
        .cookbook_of(recipe)
        .and_then(|c| Some((c.dir.clone(), repo.on_disk(&c.dir)?)))
    {
        dirs.push(dir);
    }
    dirs.extend(repo.roots.iter().cloned());
    let mut out = Vec::new();
    for (display, dir) in dirs {
        for config in RUN_LIST_CONFIGS {
            let Ok(text) = std::fs::read_to_string(dir.join(config)) else {
                continue;
            };
            if names(&text, &qualified) || (name == "default" && names(&text, &wrapped)) {
                let shown = if display.is_empty() {
                    config.to_string()
                } else {
                    format!("{display}/{config}")
                };
                out.push(format!("`{shown}` names it"));
            }
        }
    }
    out
}

/// A `Policyfile.rb` (or `Policyfile.<name>.rb`) inside a cookbook.
fn is_policyfile(file: &SourceFile) -> bool {
    let name = file.rel.rsplit('/').next().unwrap_or("");
    name.starts_with("Policyfile") && name.ends_with(".rb")
}

/// A spec or test file (ChefSpec converges a recipe by name).
fn is_test_path(rel: &str) -> bool {
    rel.split('/').any(|p| p == "spec" || p == "test")
}

/// Whether `text` names recipe `qualified` (`cb::x`) as a whole word (not `cb::xy`, not
/// `acb::x`).
fn names(text: &str, qualified: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, qualified.as_bytes()).any(|at| {
        let end = at + qualified.len();
        let before_ok = at == 0 || !(word(bytes[at - 1]) || bytes[at - 1] == b':');
        let after_ok = end == bytes.len() || !word(bytes[end]);
        before_ok && after_ok
    })
}
