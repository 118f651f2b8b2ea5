//! Generators: one module per target, each turning a validated [`Stack`] into planned files.

use anyhow::Result;

use crate::plan::Plan;
// Re-exported for callers that still name it through `generate` (the CLI, tests, benches).
pub use crate::plan::Target;
use crate::stack::Stack;
use crate::templates::Templates;

pub mod aws;
pub mod ci;
pub mod cookbooks;
pub mod packer;

/// Render every file of the requested targets (all when `targets` is empty) into a Plan.
/// Nothing is written here.
pub fn plan(stack: &Stack, targets: &[Target], templates: &Templates) -> Result<Plan> {
    let targets: Vec<Target> = if targets.is_empty() {
        Target::ALL.to_vec()
    } else {
        let mut t = targets.to_vec();
        t.sort();
        t.dedup();
        t
    };
    let mut plan = Plan::default();
    for target in targets {
        let files = match target {
            Target::Cookbooks => cookbooks::files(stack, templates)?,
            Target::Packer => packer::files(stack, templates)?,
            Target::Ci => ci::files(stack, templates)?,
            Target::Aws => aws::files(stack, templates)?,
        };
        for file in files {
            plan.add(file)?;
        }
    }
    Ok(plan)
}

/// Register every generator's escaping filters on the template engine.
pub fn register_filters(tera: &mut tera::Tera) {
    cookbooks::register_filters(tera);
    packer::register_filters(tera);
    ci::register_filters(tera);
    aws::register_filters(tera);
}
