//! `stackchef schema`: the JSON Schema of `stack.yml`.

use anyhow::{Context, Result};

use crate::stack;

pub fn run() -> Result<u8> {
    let schema = stack::schema::stack_schema();
    crate::outln!(
        "{}",
        serde_json::to_string_pretty(&schema).context("serialising the schema")?
    )?;
    Ok(super::EXIT_OK)
}
