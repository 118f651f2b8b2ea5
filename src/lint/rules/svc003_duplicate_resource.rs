use std::collections::BTreeSet;

// FxHash, not SipHash: every resource of every run list is looked up (the maps are never
// iterated, so their order cannot reach the output).
use crate::lint::model::Repo;
use crate::lint::parse::facts::{FxHashMap as HashMap, FxHashSet as HashSet, Lit};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a resource (type and name) declared a second time among the recipes of one run
    /// list — a role's or Policyfile's `run_list`, or a cookbook's `default` recipe, followed
    /// through its `include_recipe` calls — or twice in one recipe, whatever the actions of
    /// each declaration. Includes are followed transitively, each recipe once; dynamic
    /// includes and unknown recipes are skipped. Each duplicate declaration is reported once,
    /// at that declaration, naming the first one and a run list that brings both in.
    ///
    /// Not flagged: two declarations in exclusive arms of one conditional (`if`/`else`, the
    /// `when`s of a `case`), since at most one of them is ever declared; and calls inside a
    /// resource's block, which are its properties (`group 'root'` in a `template` block is the
    /// file's group, not a `group` resource).
    ///
    /// ## Why is this bad?
    /// Both declarations run, in order, and the second silently undoes or repeats the first
    /// (a different template source, another mode, a second restart). Notifications to
    /// `type[name]` go to whichever Chef finds, so behaviour depends on run-list order.
    ///
    /// ## Example
    /// ```ruby
    /// # base::default
    /// package 'nginx'
    /// # web::default (same run list)
    /// package 'nginx' do
    ///   version '1.24.0'
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Declare each resource once, in the cookbook that owns it; others notify it or call a
    /// custom resource with properties.
    RULE = "SVC003", "duplicate-resource", Warning, "The same resource declared twice in one run list", check
}

struct DuplicateResource<'a> {
    resource: &'a str,
    first: &'a str,
    entry: &'a Entry<'a>,
}

impl Violation for DuplicateResource<'_> {
    fn message(&self) -> String {
        format!("`{}` is declared again in the same run list", self.resource)
    }
    fn label(&self) -> String {
        "second declaration in the same run list".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "first declared at {}; both run in {}. Declare it once, in the cookbook that \
             owns it, and notify it from elsewhere",
            self.first, self.entry
        ))
    }
}

/// Where a run list comes from; written out only for a finding (every cookbook with a
/// `default` recipe has one).
enum Entry<'a> {
    Policyfile(&'a SourceFile),
    Role(&'a SourceFile),
    Default(&'a Cookbook),
}

impl std::fmt::Display for Entry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Policyfile(file) => write!(f, "the run list of Policyfile {}", file.path),
            Entry::Role(file) => {
                write!(f, "the run list of role `{}` ({})", file.stem(), file.path)
            }
            Entry::Default(cookbook) => write!(f, "`{}::default` and its includes", cookbook.name),
        }
    }
}

/// A run-list item (`recipe[a::b]`, `a::b`, `a`, `role[x]`) as a recipe or a role.
enum Item<'a> {
    Recipe(&'a str, &'a str),
    Role(&'a str),
}

fn item(text: &str) -> Option<Item<'_>> {
    let text = text.trim();
    if let Some(role) = text.strip_prefix("role[").and_then(|r| r.strip_suffix(']')) {
        return Some(Item::Role(role));
    }
    let recipe = text
        .strip_prefix("recipe[")
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(text);
    let recipe = recipe.split('@').next().unwrap_or(recipe);
    let (c, r) = recipe.split_once("::").unwrap_or((recipe, "default"));
    (!c.is_empty()).then_some(Item::Recipe(c, r))
}

/// Every run list in the repo (entry point name, then its resources in the order the Chef
/// client compiles them: `(file index, resource index)`), roles and Policyfiles in path
/// order, then each cookbook's `default` recipe.
fn run_lists(repo: &Repo) -> Vec<(Entry<'_>, Vec<(usize, usize)>)> {
    let mut roles: HashMap<&str, Vec<&str>> = HashMap::default();
    let mut lists: Vec<(Entry, Vec<&str>)> = Vec::new();
    for file in &repo.files {
        if !matches!(
            file.kind,
            FileKind::Role | FileKind::RoleJson | FileKind::Policyfile
        ) {
            continue;
        }
        let items: Vec<&str> = file
            .facts
            .top_calls("run_list")
            .flat_map(|c| c.args.iter().filter_map(Lit::text))
            .collect();
        let entry = if file.kind == FileKind::Policyfile {
            Entry::Policyfile(file)
        } else {
            roles.insert(file.stem(), items.clone());
            Entry::Role(file)
        };
        lists.push((entry, items));
    }
    let mut out = Vec::new();
    for (entry, list) in lists {
        let mut recipes = Vec::new();
        expand_roles(&list, &roles, &mut recipes, &mut BTreeSet::new());
        out.push((entry, compile(repo, &recipes)));
    }
    for cookbook in &repo.cookbooks {
        if cookbook.recipes.contains_key("default") {
            out.push((
                Entry::Default(cookbook),
                compile(repo, &[(&cookbook.name, "default")]),
            ));
        }
    }
    out
}

fn expand_roles<'a>(
    items: &[&'a str],
    roles: &HashMap<&str, Vec<&'a str>>,
    out: &mut Vec<(&'a str, &'a str)>,
    seen: &mut BTreeSet<&'a str>,
) {
    for &text in items {
        match item(text) {
            Some(Item::Recipe(c, r)) => out.push((c, r)),
            Some(Item::Role(role)) if seen.insert(role) => {
                if let Some(inner) = roles.get(role) {
                    expand_roles(inner, roles, out, seen);
                }
            }
            _ => {}
        }
    }
}

/// The resources of a run list in compile order: each recipe's resources and
/// `include_recipe` calls in source order, an included recipe compiled where it is included
/// (once, like the Chef client).
fn compile<'a>(repo: &'a Repo, recipes: &[(&'a str, &'a str)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut seen = HashSet::default();
    let mut stack: Vec<(usize, usize, usize, &str)> = Vec::new();
    let find = |c: &str, r: &str| repo.cookbook(c).and_then(|cb| cb.recipes.get(r)).copied();
    for &(c, r) in recipes {
        let Some(index) = find(c, r) else { continue };
        if !seen.insert(index) {
            continue;
        }
        // (file, next resource, next include, cookbook name)
        stack.push((index, 0, 0, c));
        while let Some((file, ri, ii, cookbook)) = stack.pop() {
            let facts = &repo.files[file].facts;
            let next_resource = facts.resources.get(ri).map(|r| r.span);
            let next_include = facts.includes.get(ii);
            match (next_resource, next_include) {
                (Some(rs), Some(inc)) if rs < inc.span => {
                    out.push((file, ri));
                    stack.push((file, ri + 1, ii, cookbook));
                }
                (_, Some(inc)) => {
                    stack.push((file, ri, ii + 1, cookbook));
                    if let IncludeTarget::Static {
                        cookbook: c,
                        recipe,
                    } = &inc.target
                    {
                        let c = if c.is_empty() { cookbook } else { c };
                        if let Some(target) = find(c, recipe) {
                            if seen.insert(target) {
                                stack.push((target, 0, 0, c));
                            }
                        }
                    }
                }
                (Some(_), None) => {
                    out.push((file, ri));
                    stack.push((file, ri + 1, ii, cookbook));
                }
                (None, None) => {}
            }
        }
    }
    out
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let repo = ctx.repo;
    // Each duplicate declaration once, under the first run list that brings it in with an
    // earlier one: reporting every (first, second) pair instead grew with the square of the
    // declarations (a chain of 1 200 cookbooks gave 719 400 findings).
    let mut reported: HashSet<(usize, usize)> = HashSet::default();
    // (type, name) -> the declarations so far, (file, resource); emptied for each run list.
    let mut seen: HashMap<(&str, &str), Vec<(usize, usize)>> = HashMap::default();
    for (entry, list) in run_lists(repo) {
        seen.clear();
        for (index, r) in list {
            let file = &repo.files[index];
            let resource = &file.facts.resources[r];
            let Some(name) = resource.name.text() else {
                continue;
            };
            let earlier = seen.entry((resource.kind.as_str(), name)).or_default();
            // The first earlier declaration that can run together with this one: one in
            // another file, or in this file outside an exclusive arm.
            let first = earlier.iter().copied().find(|&(f, other)| {
                f != index || !file.facts.resources[other].exclusive_with(resource)
            });
            earlier.push((index, r));
            let Some((first_file, first)) = first else {
                continue;
            };
            if !reported.insert((index, r)) {
                continue;
            }
            let first_span = repo.files[first_file].facts.resources[first].span;
            let shown = format!("{}[{}]", resource.kind, name);
            let at = format!("{}:{}", repo.files[first_file].path, first_span.line);
            sink.report(
                file,
                resource.span,
                DuplicateResource {
                    resource: &shown,
                    first: &at,
                    entry: &entry,
                },
            );
        }
    }
}
