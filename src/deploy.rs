//! `stackchef aws deploy`: apply the generated CloudFormation stack with the AWS CLI.

use anyhow::Result;

use crate::cli::DeployArgs;

/// Returns the process exit code.
pub fn run(_args: &DeployArgs) -> Result<u8> {
    anyhow::bail!("`aws deploy` is not implemented yet")
}
