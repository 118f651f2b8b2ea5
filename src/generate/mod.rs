//! Generators: one module per target, each turning a validated [`Stack`] into planned files.

use anyhow::Result;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::plan::Plan;
use crate::stack::Stack;
use crate::templates::Templates;

pub mod aws;
pub mod ci;
pub mod cookbooks;
pub mod packer;

/// What `stackchef generate` can produce.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ValueEnum, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Chef cookbooks under cookbooks/
    Cookbooks,
    /// Packer templates under packer/
    Packer,
    /// The CI script under ci/
    Ci,
    /// CloudFormation and IAM policies under aws/
    Aws,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Cookbooks, Target::Packer, Target::Ci, Target::Aws];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Cookbooks => "cookbooks",
            Target::Packer => "packer",
            Target::Ci => "ci",
            Target::Aws => "aws",
        }
    }
}

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
