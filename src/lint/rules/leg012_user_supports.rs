use ruby_prism::Node;

use crate::diag::Diagnostic;
use crate::lint::fix::legacy::{finding_start, indent_at, node_text, with_node_at};
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the `supports` property of a `user` resource
    /// (`supports manage_home: true`, `supports(:manage_home => true, :non_unique => false)`).
    ///
    /// ## Why is this bad?
    /// `supports` was deprecated on `user` in Chef 12.14 (CHEF-8) and removed in Chef 13: the
    /// run fails on any current client. Its two keys became properties of their own.
    ///
    /// ## Example
    /// ```ruby
    /// user 'deploy' do
    ///   supports manage_home: true
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// user 'deploy' do
    ///   manage_home true
    /// end
    /// ```
    ///
    /// ## Fix (safe)
    /// Turns each key of the hash (`manage_home`, `non_unique`) into its own property line.
    /// A hash with any other key, or one that is not written out literally, is left alone.
    RULE = "LEG012", "user-supports", Error, "supports on a user resource (removed in Chef 13)", check, fix = FIX
}

/// The resources that had the `supports` hash (every `user` provider shares it).
const USER_KINDS: &[&str] = &["linux_user", "user"];

/// The keys `supports` took on `user`, each a property since Chef 12.14.
const KEYS: &[&str] = &["manage_home", "non_unique"];

struct UserSupports;

impl Violation for UserSupports {
    fn message(&self) -> String {
        "`supports` on a `user` resource was removed in Chef 13".to_string()
    }
    fn label(&self) -> String {
        "fails on every current Chef client".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("set `manage_home true` / `non_unique true` as properties".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || !file.kind.is_ruby() || file.kind == FileKind::Other {
            continue;
        }
        for resource in &file.facts.resources {
            if !USER_KINDS.contains(&resource.kind.as_str()) {
                continue;
            }
            for prop in file.facts.props(resource) {
                if prop.name == "supports" && !prop.on_node {
                    sink.report(file, prop.span, UserSupports);
                }
            }
        }
    }
}

static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "turn `supports manage_home: …` into `manage_home …`",
    make,
};

/// `manage_home true` lines for the pairs of a literal hash, or `None` when a key is not one
/// of [`KEYS`] (or the hash has a splat or a computed key).
fn property_lines(source: &str, elements: ruby_prism::NodeList<'_>) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    for element in elements.iter() {
        let assoc = element.as_assoc_node()?;
        let key = assoc.key();
        let key = key.as_symbol_node()?;
        let name = std::str::from_utf8(key.unescaped()).ok()?;
        if !KEYS.contains(&name) {
            return None;
        }
        lines.push(format!("{name} {}", node_text(source, &assoc.value())));
    }
    (!lines.is_empty()).then_some(lines)
}

fn make(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let (file, at) = finding_start(ctx, d)?;
    let text = file.text.as_str();
    let (start, end, lines) = with_node_at(
        text.as_bytes(),
        at,
        |n| {
            n.as_call_node().is_some_and(|c| {
                c.receiver().is_none() && c.name().as_slice() == b"supports" && c.block().is_none()
            })
        },
        |node: &Node<'_>, _| {
            let call = node.as_call_node()?;
            let args = call.arguments()?.arguments();
            if args.len() != 1 {
                return None;
            }
            let arg = args.iter().next()?;
            let elements = match (arg.as_keyword_hash_node(), arg.as_hash_node()) {
                (Some(h), _) => h.elements(),
                (_, Some(h)) => h.elements(),
                _ => return None,
            };
            let lines = property_lines(text, elements)?;
            let loc = node.location();
            Some((loc.start() as usize, loc.end() as usize, lines))
        },
    )?;
    let separator = format!("\n{}", indent_at(text, start));
    Some(Fix {
        title: "replace `supports` with properties".to_string(),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(
            &file.path,
            start,
            end,
            lines.join(&separator),
        )],
    })
}
