//! What `stackchef generate` can produce. It lives here, beside the Plan, because every planned
//! file, the manifest and the writer's scoping (`generate packer` touches only Packer files) name
//! a target, while none of them needs to know how a target's files are made.

use serde::{Deserialize, Serialize};

/// What `stackchef generate` can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// What the target produces, for `stackchef generate --help`.
    pub fn description(self) -> &'static str {
        match self {
            Target::Cookbooks => "Chef cookbooks under cookbooks/",
            Target::Packer => "Packer templates under packer/",
            Target::Ci => "The CI script under ci/",
            Target::Aws => "CloudFormation and IAM policies under aws/",
        }
    }
}
