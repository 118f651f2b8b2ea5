use ruby_prism::Node;

use crate::diag::Diagnostic;
use crate::lint::fix::legacy::finding_start;
use crate::lint::fix::prism::{body_statements, parse, statements, symbol};
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an `initialize` method in a resource (a file under `resources/`, or a library
    /// class that subclasses a resource) that sets the resource's defaults by hand:
    /// `@action`/`@default_action`, `@allowed_actions`/`@actions` or `@resource_name`.
    ///
    /// It does not flag an `initialize` that only sets the resource's own instance variables
    /// (`@database_name = name`), nor one in a class that is not a resource.
    ///
    /// ## Why is this bad?
    /// Since Chef 12.5 the resource DSL declares these on the class — `default_action`,
    /// `allowed_actions`, `provides` — where Chef and every reader can see them.
    /// Set in `initialize`, they exist only once an instance is built: the default action
    /// is invisible to subclasses and to the resource's documentation, and a resource named
    /// through `@resource_name` is not how current clients find it (they look resources up
    /// by `provides`). The override also has to keep the `(name, run_context)` signature in
    /// step with Chef's.
    ///
    /// ## Example
    /// ```ruby
    /// def initialize(*args)
    ///   super
    ///   @action = :create
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// default_action :create
    /// ```
    ///
    /// ## Fix (safe)
    /// In a file under `resources/`, an `initialize` made only of `super` and
    /// `@action = :name` (or `@default_action`) becomes `default_action :name`, unless the
    /// file already declares one. Any other `initialize` is left for a human.
    RULE = "LEG018", "initialize-sets-defaults", Warning, "initialize sets a resource's default action, actions or name (use the class DSL)", check, fix = FIX
}

/// The instance variables `initialize` sets by hand, and the class-level DSL that declares
/// each since Chef 12.5.
const DEFAULTS: &[(&str, &str)] = &[
    ("@action", "default_action"),
    ("@default_action", "default_action"),
    ("@allowed_actions", "allowed_actions"),
    ("@actions", "allowed_actions"),
    ("@resource_name", "provides"),
];

struct InitializeSetsDefaults {
    /// The instance variables set, in order, each once.
    ivars: Vec<&'static str>,
}

impl InitializeSetsDefaults {
    /// The DSL methods that replace them, in order, each once.
    fn dsl(&self) -> Vec<&'static str> {
        let mut dsl: Vec<&'static str> = Vec::new();
        for ivar in &self.ivars {
            if let Some((_, method)) = DEFAULTS.iter().find(|(i, _)| i == ivar) {
                if !dsl.contains(method) {
                    dsl.push(method);
                }
            }
        }
        dsl
    }
}

impl Violation for InitializeSetsDefaults {
    fn message(&self) -> String {
        let ivars: Vec<String> = self.ivars.iter().map(|i| format!("`{i}`")).collect();
        format!(
            "`initialize` sets the resource's {} by hand",
            ivars.join(", ")
        )
    }
    fn label(&self) -> String {
        "hidden from the class until an instance is built".to_string()
    }
    fn help(&self) -> Option<String> {
        let dsl: Vec<String> = self.dsl().iter().map(|m| format!("`{m}`")).collect();
        let (them, list) = match dsl.split_last() {
            Some((last, rest)) if !rest.is_empty() => {
                ("them", format!("{} and {last}", rest.join(", ")))
            }
            _ => ("it", dsl.join("")),
        };
        Some(format!(
            "declare {them} in the class body with {list}, and drop the override"
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in ctx
        .repo
        .cookbook_files(&[FileKind::Resource, FileKind::Library])
    {
        for def in &file.facts.defs {
            if def.name != "initialize" || def.sets_ivars.is_empty() {
                continue;
            }
            // A library's `initialize` belongs to a resource only inside a class that
            // subclasses one (`class Database < Chef::Resource`); a file under resources/
            // is the resource's class body.
            if file.kind == FileKind::Library
                && !file
                    .facts
                    .enclosing_class(def.line)
                    .and_then(|c| c.superclass.as_deref())
                    .is_some_and(is_resource_class)
            {
                continue;
            }
            let mut ivars: Vec<&'static str> = Vec::new();
            for set in &def.sets_ivars {
                if let Some((ivar, _)) = DEFAULTS.iter().find(|(i, _)| i == set) {
                    if !ivars.contains(ivar) {
                        ivars.push(ivar);
                    }
                }
            }
            if !ivars.is_empty() {
                sink.report(file, def.span, InitializeSetsDefaults { ivars });
            }
        }
    }
}

/// `Chef::Resource`, `Resource` (inside `class Chef`), `Chef::Resource::LWRPBase`,
/// `Chef::Resource::Package`, …: a superclass that is a resource.
fn is_resource_class(superclass: &str) -> bool {
    let path = superclass.trim_start_matches("::");
    path == "Resource" || path.starts_with("Resource::") || path.starts_with("Chef::Resource")
}

static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "replace an `initialize` that only sets the default action with `default_action`",
    make,
};

fn make(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let (file, at) = finding_start(ctx, d)?;
    if file.kind != FileKind::Resource || file.facts.top_calls("default_action").next().is_some() {
        return None;
    }
    let text = &file.text;
    // Only a method of the resource itself: a top-level `def` of the file (the file is the
    // class body), not one nested in a block or another definition.
    let parsed = parse(text)?;
    let stmts = statements(&parsed);
    let def = stmts
        .iter()
        .filter_map(|n| n.as_def_node())
        .find(|d| d.location().start() as usize == at && d.name().as_slice() == b"initialize")?;
    let action = only_super_and_default_action(&body_statements(def.body())?)?;
    // The `def … end` itself becomes the DSL line: its indentation, the line break after
    // it and any blank line around it stay as they were.
    let loc = def.location();
    Some(Fix {
        title: format!("`default_action :{action}` instead of `initialize`"),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(
            &file.path,
            loc.start() as usize,
            loc.end() as usize,
            format!("default_action :{action}"),
        )],
    })
}

/// The action of a body that is exactly `super` (bare or with the method's arguments) then
/// one `@action = :name` (or `@default_action`): anything else is not a mechanical rewrite.
fn only_super_and_default_action(stmts: &[Node<'_>]) -> Option<String> {
    let [first, second] = stmts else {
        return None;
    };
    if first.as_forwarding_super_node().is_none() && first.as_super_node().is_none() {
        return None;
    }
    let write = second.as_instance_variable_write_node()?;
    if !matches!(write.name().as_slice(), b"@action" | b"@default_action") {
        return None;
    }
    let action = symbol(&write.value())?;
    // A symbol the DSL line can spell plainly (`:create`, not `:"a b"`).
    action
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        .then_some(action)
}
