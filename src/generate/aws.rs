//! The `aws` generator.

use anyhow::Result;

use crate::plan::PlannedFile;
use crate::spec::Stack;
use crate::templates::Templates;

/// Every file of this target.
pub fn files(_stack: &Stack, _templates: &Templates) -> Result<Vec<PlannedFile>> {
    anyhow::bail!("`generate aws` is not implemented yet")
}

/// Escaping filters this target's templates use.
pub fn register_filters(_tera: &mut tera::Tera) {}
