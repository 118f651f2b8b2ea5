//! Generators: one module per target, each turning a validated [`Stack`] into planned files.

use anyhow::Result;

use crate::plan::{Plan, PlannedFile, Target};
use crate::stack::Stack;
use crate::templates::{Filters, Renderer, Templates};

pub mod aws;
pub mod ci;
pub mod cookbooks;
pub mod packer;

/// One target's generator: the files it plans and the filters its templates use.
pub trait Generator: Sync {
    /// The target whose files this generator produces.
    fn target(&self) -> Target;

    /// The escaping filters this target's templates use, each for the language of the files
    /// it renders. Only this target's templates see them, so names may repeat across targets.
    fn filters(&self) -> Filters;

    /// Every file of the target, rendered by `templates` (an engine with this target's
    /// filters). Nothing is written here.
    fn files(&self, stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>>;

    /// [`Generator::files`] rendered from the template set through this target's own engine.
    fn render_files(&self, stack: &Stack, templates: &Templates) -> Result<Vec<PlannedFile>> {
        self.files(stack, &templates.renderer(self.filters()))
    }
}

/// Every generator, in [`Target`] order (the order a plan is built in).
pub const GENERATORS: [&dyn Generator; 4] =
    [&cookbooks::Cookbooks, &packer::Packer, &ci::Ci, &aws::Aws];

/// Render every file of the requested targets (all when `targets` is empty) into a Plan.
/// Nothing is written here.
pub fn plan(stack: &Stack, targets: &[Target], templates: &Templates) -> Result<Plan> {
    let mut plan = Plan::default();
    for generator in GENERATORS {
        if !targets.is_empty() && !targets.contains(&generator.target()) {
            continue;
        }
        for file in generator.render_files(stack, templates)? {
            plan.add(file)?;
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_generator_per_target_in_target_order() {
        let targets: Vec<Target> = GENERATORS.iter().map(|g| g.target()).collect();
        assert_eq!(targets, Target::ALL);
        let mut sorted = targets.clone();
        sorted.sort();
        assert_eq!(targets, sorted, "plans are built in Target order");
    }
}
