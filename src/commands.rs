//! The commands that are not a pipeline of their own: init, check, generate, schema.
//! Each returns the process exit code; errors become exit code 2 in `main`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{CheckArgs, GenerateArgs, InitArgs};
use crate::spec::{self, SpecError};

/// Success; nothing at or above the fail level; `--check` found the tree fresh.
pub const EXIT_OK: u8 = 0;
/// Lint findings at or above the fail level, or `--check` found stale files or conflicts.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage error, invalid input, or an I/O error.
pub const EXIT_ERROR: u8 = 2;

/// Render an error for the terminal: a `stack.yml` error with its snippets, anything else as
/// `error: …` followed by its causes.
pub fn render_error(err: &anyhow::Error, color: bool) -> String {
    if let Some(spec_err) = err.downcast_ref::<SpecError>() {
        return spec_err.render(color).trim_end().to_string();
    }
    let mut out = format!("error: {err}");
    for cause in err.chain().skip(1) {
        out.push_str(&format!("\n  caused by: {cause}"));
    }
    out
}

pub fn init(_args: &InitArgs) -> Result<u8> {
    anyhow::bail!("`init` is not implemented yet")
}

pub fn check(args: &CheckArgs, _color: bool) -> Result<u8> {
    let _stack = spec::load_file(&args.file)?;
    Ok(EXIT_OK)
}

pub fn generate(args: &GenerateArgs, _color: bool) -> Result<u8> {
    let stack = spec::load_file(&args.file)?;
    let templates = crate::templates::Templates::load(args.templates.as_deref())?;
    let _plan = crate::generate::plan(&stack, &args.targets, &templates)?;
    let _ = Path::new(&args.out);
    anyhow::bail!("writing is not implemented yet")
}

pub fn schema() -> Result<u8> {
    let schema = spec::schema::stack_schema();
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).context("serialising the schema")?
    );
    Ok(EXIT_OK)
}
