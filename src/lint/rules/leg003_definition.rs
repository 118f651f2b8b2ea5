use ruby_prism::Node;

use crate::diag::Diagnostic;
use crate::lint::fix::{apply_replacements, prism, Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags files in a cookbook's `definitions/` folder.
    ///
    /// ## Why is this bad?
    /// Definitions are macros, not resources: they have no actions, no `why-run`, cannot be
    /// notified or guarded, and are expanded at compile time, so their parameters cannot be
    /// `lazy`. Chef has recommended custom resources instead since Chef 12.5.
    ///
    /// ## Example
    /// ```ruby
    /// # definitions/app_site.rb
    /// define :app_site, port: 80 do
    ///   template "/etc/nginx/sites-enabled/#{params[:name]}" do
    ///     variables(port: params[:port])
    ///   end
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// # resources/site.rb
    /// unified_mode true
    /// provides :app_site
    /// property :port, Integer, default: 80
    /// action :create do
    ///   template "/etc/nginx/sites-enabled/#{new_resource.name}" do
    ///     variables(port: new_resource.port)
    ///   end
    /// end
    /// ```
    RULE = "LEG003", "definition", Warning, "A definition (use a custom resource)", check,
    fix = FIX
}

// Turns `definitions/x.rb` (`define :name, k: literal … do … end`) into
// `resources/name.rb`: `provides :name`, a property per parameter (with its default), the
// body as `action :create` with `params[:k]` read as `new_resource.k`; the definition is
// deleted. Unsafe: the body now converges inside the resource (unified mode), so
// notifications from outside to resources declared in it, and callers passing a
// parameter the body never reads, behave differently. No fix when `params` is used any
// other way, the body yields, returns, defines methods or looks up the recipe's resources
// (`resources(…)`, `run_context`), or a default is computed.
static FIX: Fixer = Fixer {
    applicability: Applicability::Unsafe,
    summary: "turn the definition into a custom resource",
    make: fix,
};

struct Definition<'a> {
    name: &'a str,
}

impl Violation for Definition<'_> {
    fn message(&self) -> String {
        format!("`{}` is a definition", self.name)
    }
    fn label(&self) -> String {
        "definitions are compile-time macros".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "rewrite it as a custom resource in resources/{}.rb with properties and an action",
            self.name
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Definition) {
        let define = file.facts.top_calls("define").next();
        let name = define
            .and_then(|c| c.args.first())
            .and_then(|a| a.text())
            .unwrap_or_else(|| file.stem());
        let span = define.map_or(START, |c| c.span);
        sink.report(file, span, Definition { name });
    }
}

/// Names a property cannot take: methods every resource has (a property would replace them)
/// and `name`, which every resource already has.
const RESERVED: &[&str] = &[
    "action",
    "allowed_actions",
    "class",
    "compile_time",
    "cookbook_name",
    "declared_type",
    "default_guard_interpreter",
    "description",
    "display",
    "guard_interpreter",
    "hash",
    "identity",
    "ignore_failure",
    "method",
    "name",
    "node",
    "not_if",
    "notifies",
    "only_if",
    "params",
    "provider",
    "recipe_name",
    "resource_name",
    "retries",
    "retry_delay",
    "run_context",
    "send",
    "sensitive",
    "source_line",
    "state",
    "subscribes",
    "supports",
    "type",
    "updated",
];

/// A name usable as `property :name` and `new_resource.name`.
fn property_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&name)
}

/// Whether `node` is a bare `params` call (the definition's parameter hash).
fn is_params(node: &Node<'_>) -> bool {
    prism::bare_call(node).is_some_and(|c| {
        c.name().as_slice() == b"params" && c.arguments().is_none() && c.block().is_none()
    })
}

fn resource_text(text: &str, define: &Node<'_>) -> Option<(String, String)> {
    let call = prism::bare_call(define)?;
    if call.name().as_slice() != b"define" {
        return None;
    }
    let loc = define.location();
    let (from, _) = prism::own_lines(text, loc.start() as usize, loc.end() as usize)?;
    if from != loc.start() as usize {
        return None; // indented: the body would need re-indenting
    }
    let args = prism::arguments(&call);
    let (name, options) = match args.as_slice() {
        [name] => (name, None),
        [name, options] => (name, Some(options.as_keyword_hash_node()?)),
        _ => return None,
    };
    let name = prism::symbol(name)?;
    if !property_name(&name) && name != "name" {
        return None;
    }
    let block = call.block()?.as_block_node()?;
    if block.parameters().is_some() {
        return None;
    }

    // Parameters with defaults, in order; then the ones the body reads without a default.
    let mut properties: Vec<(String, Option<String>)> = Vec::new();
    for element in options.iter().flat_map(|o| o.elements().iter()) {
        let assoc = element.as_assoc_node()?;
        let key = prism::symbol(&assoc.key())?;
        let value = assoc.value();
        if !property_name(&key) || !prism::is_literal(&value) {
            return None;
        }
        properties.push((key, Some(prism::src(text, &value.location()).to_string())));
    }

    // The body, as whole lines between `do` and `end`.
    let open = block.opening_loc();
    let close = block.closing_loc();
    let body_start = prism::line_end(text, open.end() as usize);
    let body_end = prism::line_start(text, close.start() as usize);
    if !text[open.end() as usize..body_start].trim().is_empty()
        || !text[body_end..close.start() as usize].trim().is_empty()
        || body_start > body_end
    {
        return None;
    }
    let mut params = 0;
    let mut reads: Vec<(usize, usize, String)> = Vec::new();
    let mut unmappable = false;
    let walked = prism::walk(&block.as_node(), &mut |n| {
        match n {
            Node::YieldNode { .. }
            | Node::ReturnNode { .. }
            | Node::DefNode { .. }
            | Node::ForwardingSuperNode { .. }
            | Node::SuperNode { .. }
            | Node::BlockArgumentNode { .. } => unmappable = true,
            Node::InstanceVariableReadNode { .. } | Node::InstanceVariableWriteNode { .. } => {
                unmappable = true
            }
            _ => {}
        }
        let Some(c) = n.as_call_node() else { return };
        if is_params(n) {
            params += 1;
        }
        // `resources(service: 'x')` and `run_context.resource_collection` see the recipe's
        // resources from a definition; inside an action, only the action's own.
        if matches!(
            c.name().as_slice(),
            b"block_given?" | b"binding" | b"instance_variable_get"
        ) || (matches!(c.name().as_slice(), b"resources" | b"run_context")
            && c.receiver().is_none())
        {
            unmappable = true;
        }
        if c.name().as_slice() != b"[]" || c.block().is_some() {
            return;
        }
        let args = prism::arguments(&c);
        let (Some(receiver), [key]) = (c.receiver(), args.as_slice()) else {
            return;
        };
        if !is_params(&receiver) {
            return;
        }
        match prism::symbol(key) {
            Some(key) if key == "name" || property_name(&key) => {
                let loc = c.location();
                reads.push((loc.start() as usize, loc.end() as usize, key));
            }
            _ => unmappable = true,
        }
    });
    // Every `params` must be a `params[:k]` read.
    if !walked || unmappable || params != reads.len() {
        return None;
    }
    let mut edits = Vec::new();
    for (start, end, key) in &reads {
        if *start < body_start || *end > body_end {
            return None;
        }
        if key != "name" && !properties.iter().any(|(k, _)| k == key) {
            properties.push((key.clone(), None));
        }
        edits.push(Edit::replace(
            "",
            start - body_start,
            end - body_start,
            format!("new_resource.{key}"),
        ));
    }
    let refs: Vec<&Edit> = edits.iter().collect();
    let body = apply_replacements(&text[body_start..body_end], &refs)?;

    let nl = prism::newline(text);
    let mut out = text[..prism::attached_comment_start(text, from)].to_string();
    if !out.is_empty() && !out.ends_with(&format!("{nl}{nl}")) {
        out.push_str(nl);
    }
    out.push_str(&format!("unified_mode true{nl}provides :{name}{nl}{nl}"));
    for (key, default) in &properties {
        match default {
            Some(value) => out.push_str(&format!("property :{key}, default: {value}{nl}")),
            None => out.push_str(&format!("property :{key}{nl}")),
        }
    }
    if !properties.is_empty() {
        out.push_str(nl);
    }
    out.push_str(&text[prism::attached_comment_start(text, from)..from]);
    out.push_str(&format!("action :create do{nl}"));
    out.push_str(&body);
    out.push_str(&format!("end{nl}"));
    Some((name, out))
}

fn fix(ctx: &FixContext<'_>, diag: &Diagnostic) -> Option<Fix> {
    let file = ctx.file(&diag.path)?;
    if file.kind != FileKind::Definition || file.problem.is_some() {
        return None;
    }
    if file.rel != format!("definitions/{}.rb", file.stem()) {
        return None;
    }
    let text = file.text.as_str();
    let result = prism::parse(text)?;
    let [define] = prism::statements(&result).try_into().ok()?;
    // Text after the definition (a trailing comment) would be lost.
    if !text[define.location().end() as usize..].trim().is_empty() {
        return None;
    }
    let (name, resource) = resource_text(text, &define)?;
    prism::parse(&resource)?;
    let root = file.path.strip_suffix(file.rel.as_str())?;
    let path = format!("{root}resources/{name}.rb");
    if ctx.file(&path).is_some() {
        return None;
    }
    Some(Fix {
        title: format!("turn definition `{name}` into resources/{name}.rb"),
        applicability: Applicability::Unsafe,
        leaves_finding: false,
        edits: vec![
            Edit::Create {
                path,
                text: resource,
            },
            Edit::Delete {
                path: file.path.clone(),
            },
        ],
    })
}
