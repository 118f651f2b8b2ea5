use ruby_prism::{Node, ParseResult};

use crate::diag::Diagnostic;
use crate::lint::fix::{apply_replacements, prism, Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags LWRP providers: files in a cookbook's `providers/` folder (with their
    /// `resources/` counterpart).
    ///
    /// ## Why is this bad?
    /// The LWRP split puts a resource's properties in one file and its actions in another,
    /// with `new_resource` plumbing and `use_inline_resources` boilerplate in between. Custom
    /// resources (Chef 12.5+) hold both in one file, get unified mode and `load_current_value`,
    /// and are what current documentation and tooling expect.
    ///
    /// ## Example
    /// ```ruby
    /// # resources/site.rb
    /// actions :create
    /// attribute :port, kind_of: Integer
    /// # providers/site.rb
    /// action :create do
    ///   template "/etc/site-#{new_resource.name}"
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// # resources/site.rb
    /// unified_mode true
    /// property :port, Integer
    /// action :create do
    ///   template "/etc/site-#{new_resource.name}"
    /// end
    /// ```
    RULE = "LEG004", "lwrp-provider", Warning, "An LWRP provider (use a custom resource with actions)", check,
    fix = FIX
}

// Merges `providers/x.rb` into `resources/x.rb`: each `attribute` becomes a `property`
// (`kind_of:` → the type, `name_attribute:` → `name_property:`, other options kept),
// `def initialize` that only calls `super` and sets `@action` becomes `default_action`,
// `unified_mode true` is added, the provider's `action` blocks are copied with their
// comments and its helper methods go into `action_class`; `use_inline_resources` and
// `whyrun_supported?` (always true now) are dropped, and the provider is deleted. Unsafe:
// unified mode and inline resources change when the resources of an action converge. No
// fix when anything else is in either file (`load_current_resource`, a computed
// `kind_of:`, other statements), or when the provider looks up resources
// (`resources(…)`, `run_context`): from an action it would see only the action's own.
static FIX: Fixer = Fixer {
    applicability: Applicability::Unsafe,
    summary: "merge the LWRP resource and provider into one custom resource",
    make: fix,
};

struct LwrpProvider<'a> {
    name: &'a str,
    has_resource: bool,
}

impl Violation for LwrpProvider<'_> {
    fn message(&self) -> String {
        format!("`providers/{}.rb` is an LWRP provider", self.name)
    }
    fn help(&self) -> Option<String> {
        Some(if self.has_resource {
            format!(
                "move its actions into resources/{}.rb and delete this file",
                self.name
            )
        } else {
            format!(
                "turn it into a custom resource in resources/{}.rb with properties and actions",
                self.name
            )
        })
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, cookbook) in ctx.repo.files_of(FileKind::Provider) {
        let name = file.stem();
        let resource = format!("resources/{name}.rb");
        let has_resource = cookbook
            .files
            .iter()
            .any(|&i| ctx.repo.files[i].rel == resource);
        let span = file.facts.stmts.first().map_or(START, |s| s.span);
        sink.report(file, span, LwrpProvider { name, has_resource });
    }
}

/// Whether a comment starts inside `start..end` (a statement rebuilt from its parts would lose
/// it).
fn has_comment_inside(result: &ParseResult<'_>, start: usize, end: usize) -> bool {
    result.comments().any(|c| {
        let at = c.location().start() as usize;
        start < at && at < end
    })
}

/// `attribute :n, kind_of: T, name_attribute: true, …` as `property :n, T, name_property:
/// true, …`; `None` when it has a block, a splat, a computed `kind_of:`, or comments inside.
fn property_of(text: &str, result: &ParseResult<'_>, stmt: &Node<'_>) -> Option<String> {
    let call = prism::bare_call(stmt)?;
    let loc = stmt.location();
    if call.block().is_some()
        || has_comment_inside(result, loc.start() as usize, loc.end() as usize)
    {
        return None;
    }
    let args = prism::arguments(&call);
    let (name, options) = match args.as_slice() {
        [name] => (name, None),
        [name, options] => (name, Some(options.as_keyword_hash_node()?)),
        _ => return None,
    };
    prism::symbol_or_string(name)?;
    let mut parts = vec![prism::src(text, &name.location()).to_string()];
    let mut rest = Vec::new();
    for element in options.iter().flat_map(|o| o.elements().iter()) {
        let assoc = element.as_assoc_node()?;
        let key = assoc.key();
        let value = assoc.value();
        let rocket = !prism::src(text, &key.location()).ends_with(':');
        let value_src = prism::src(text, &value.location());
        match prism::symbol(&key)?.as_str() {
            "kind_of" => {
                let constant = |n: &Node<'_>| {
                    n.as_constant_read_node().is_some() || n.as_constant_path_node().is_some()
                };
                let ok = constant(&value)
                    || value
                        .as_array_node()
                        .is_some_and(|a| a.elements().iter().all(|e| constant(&e)));
                if !ok || parts.len() > 1 {
                    return None;
                }
                parts.push(value_src.to_string());
            }
            "name_attribute" => rest.push(if rocket {
                format!(":name_property => {value_src}")
            } else {
                format!("name_property: {value_src}")
            }),
            _ => rest.push(prism::src(text, &element.location()).to_string()),
        }
    }
    parts.extend(rest);
    Some(format!("property {}", parts.join(", ")))
}

/// `def initialize(*args) super; @action = :x end` (the LWRP way to set a default action): `:x`.
fn initialize_default_action(stmt: &Node<'_>) -> Option<String> {
    let def = stmt.as_def_node()?;
    if def.name().as_slice() != b"initialize" || def.receiver().is_some() {
        return None;
    }
    let body = prism::body_statements(def.body())?;
    let [sup, action] = body.as_slice() else {
        return None;
    };
    if sup.as_super_node().is_none() && sup.as_forwarding_super_node().is_none() {
        return None;
    }
    let write = action.as_instance_variable_write_node()?;
    if write.name().as_slice() != b"@action" {
        return None;
    }
    prism::symbol(&write.value())
}

/// `def whyrun_supported?; true; end`.
fn is_whyrun_true(stmt: &Node<'_>) -> bool {
    stmt.as_def_node().is_some_and(|def| {
        def.name().as_slice() == b"whyrun_supported?"
            && def.receiver().is_none()
            && prism::body_statements(def.body())
                .is_some_and(|b| b.len() == 1 && b[0].as_true_node().is_some())
    })
}

/// The range of a statement with the comment lines directly above it, as whole lines.
fn chunk_range(text: &str, stmt: &Node<'_>) -> Option<(usize, usize)> {
    let loc = stmt.location();
    let (from, to) = prism::own_lines(text, loc.start() as usize, loc.end() as usize)?;
    Some((prism::attached_comment_start(text, from), to))
}

/// A statement with the comment lines directly above it, as whole lines.
fn chunk<'t>(text: &'t str, stmt: &Node<'_>) -> Option<&'t str> {
    let (from, to) = chunk_range(text, stmt)?;
    Some(&text[from..to])
}

/// A statement for `action_class do … end`: with its comment, indented one level.
fn helper(text: &str, stmt: &Node<'_>) -> Option<String> {
    let (from, to) = chunk_range(text, stmt)?;
    Some(prism::indent_lines(text, from, to, stmt, "  "))
}

/// The custom resource `resources/x.rb` becomes: the resource converted in place, with
/// `unified_mode true`, then the provider's actions and helpers.
fn merged(resource: &str, provider: &str) -> Option<String> {
    let nl = prism::newline(resource);
    let result = prism::parse(resource)?;
    let stmts = prism::statements(&result);
    let has_default_action = stmts
        .iter()
        .any(|s| prism::is_bare_call(s, "default_action"));
    let mut edits = Vec::new();
    for stmt in &stmts {
        let loc = stmt.location();
        let (start, end) = (loc.start() as usize, loc.end() as usize);
        if let Some(call) = prism::bare_call(stmt) {
            match call.name().as_slice() {
                b"actions" | b"default_action" | b"provides" | b"resource_name" | b"include"
                    if call.block().is_none() => {}
                b"attribute" => {
                    edits.push(Edit::replace(
                        "",
                        start,
                        end,
                        property_of(resource, &result, stmt)?,
                    ));
                }
                _ => return None,
            }
        } else if let Some(action) = initialize_default_action(stmt) {
            let (from, to) = prism::own_lines(resource, start, end)?;
            let text = if has_default_action {
                String::new()
            } else {
                format!(
                    "{}default_action :{action}{nl}",
                    prism::indentation(resource, start)
                )
            };
            edits.push(Edit::replace("", from, to, text));
        } else if let Some(def) = stmt.as_def_node() {
            // Helper methods of the resource stay methods of the resource.
            if def.receiver().is_some() || def.name().as_slice() == b"initialize" {
                return None;
            }
        } else {
            return None;
        }
    }
    let refs: Vec<&Edit> = edits.iter().collect();
    let converted = apply_replacements(resource, &refs)?;

    let result = prism::parse(provider)?;
    // `resources(…)` and `run_context` (its resource collection) see the recipe's resources
    // from a provider without inline resources; from a custom resource's action, only the
    // action's own.
    if prism::calls_named(&result.node(), "resources")?
        || prism::calls_named(&result.node(), "run_context")?
    {
        return None;
    }
    let mut requires = String::new();
    let mut actions: Vec<&str> = Vec::new();
    let mut helpers: Vec<String> = Vec::new();
    for stmt in &prism::statements(&result) {
        if is_whyrun_true(stmt) {
            continue;
        }
        if let Some(def) = stmt.as_def_node() {
            let name = def.name().as_slice();
            if def.receiver().is_some() || name == b"load_current_resource" || name == b"initialize"
            {
                return None;
            }
            helpers.push(helper(provider, stmt)?);
            continue;
        }
        let call = prism::bare_call(stmt)?;
        let args = prism::arguments(&call);
        match call.name().as_slice() {
            b"use_inline_resources" if args.is_empty() && call.block().is_none() => {}
            b"action"
                if args.len() == 1
                    && prism::symbol(&args[0]).is_some()
                    && call.block().is_some_and(|b| b.as_block_node().is_some()) =>
            {
                actions.push(chunk(provider, stmt)?);
            }
            b"include" | b"private" | b"protected" | b"public" | b"attr_reader"
            | b"attr_accessor" | b"attr_writer"
                if call.block().is_none() =>
            {
                helpers.push(helper(provider, stmt)?);
            }
            b"require" if args.len() == 1 && call.block().is_none() => {
                requires.push_str(chunk(provider, stmt)?);
            }
            _ => return None,
        }
    }
    if actions.is_empty() {
        return None;
    }

    let result = prism::parse(&converted)?;
    let (at, unified) = prism::unified_mode_insertion(&converted, &prism::statements(&result))?;
    let mut out = String::with_capacity(converted.len() + provider.len() + 64);
    out.push_str(&converted[..at]);
    if !requires.is_empty() {
        out.push_str(&requires.replace("\r\n", "\n").replace('\n', nl));
        out.push_str(nl);
    }
    out.push_str(&unified);
    out.push_str(converted[at..].trim_end());
    out.push_str(nl);
    for action in actions {
        out.push_str(nl);
        out.push_str(&action.replace("\r\n", "\n").replace('\n', nl));
    }
    if !helpers.is_empty() {
        out.push_str(nl);
        out.push_str("action_class do");
        out.push_str(nl);
        for (i, helper) in helpers.iter().enumerate() {
            if i > 0 {
                out.push_str(nl);
            }
            out.push_str(&helper.replace("\r\n", "\n").replace('\n', nl));
        }
        out.push_str("end");
        out.push_str(nl);
    }
    Some(out)
}

fn fix(ctx: &FixContext<'_>, diag: &Diagnostic) -> Option<Fix> {
    let provider = ctx.file(&diag.path)?;
    if provider.kind != FileKind::Provider || provider.problem.is_some() {
        return None;
    }
    let name = provider.stem();
    if provider.rel != format!("providers/{name}.rb") {
        return None;
    }
    let root = provider.path.strip_suffix(provider.rel.as_str())?;
    let resource = ctx.file(&format!("{root}resources/{name}.rb"))?;
    if resource.kind != FileKind::Resource || resource.problem.is_some() || resource.partial {
        return None;
    }
    let text = merged(&resource.text, &provider.text)?;
    prism::parse(&text)?;
    Some(Fix {
        title: format!("merge providers/{name}.rb into resources/{name}.rb as a custom resource"),
        applicability: Applicability::Unsafe,
        leaves_finding: false,
        edits: vec![
            Edit::replace(&resource.path, 0, resource.text.len(), text),
            Edit::Delete {
                path: provider.path.clone(),
            },
        ],
    })
}
