//! `stackchef init`: write a commented starter `stack.yml`.

use std::path::Path;

use anyhow::{Context, Result};

use super::args::InitArgs;
use super::EXIT_OK;
use crate::diag::UserError;
use crate::stack;

/// The commented starter written by `init`; `{{name}}`/`{{zone_name}}` are filled in.
const STARTER: &str = include_str!("starter.yml");

/// `stackchef init`: write a commented starter stack.yml, never over an existing file.
pub fn run(args: &InitArgs) -> Result<u8> {
    let dest = args.dir.join("stack.yml");
    let name = match &args.name {
        Some(n) => n.clone(),
        None => default_project_name(&args.dir),
    };
    let starter = STARTER
        .replace("{{name}}", &name)
        .replace("{{zone_name}}", &name.replace('_', "-"));
    // Validate what we are about to write, so `init --name Bad-Name` fails before writing.
    if let Err(err) = stack::load_str(&starter, &dest.display().to_string()) {
        let mut refusal = UserError::new(format!("cannot use `{name}` as the project name"));
        if let Some(diagnostic) = err.diagnostics.first() {
            refusal = refusal.with_note(diagnostic.message.as_str());
        }
        anyhow::bail!(refusal.with_help(
            "use lowercase letters, digits and `_`, starting with a letter, e.g. `stackchef init --name shop`"
        ));
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    // Written whole under a temporary name, then linked into place: a run killed half-way
    // leaves no half-written stack.yml that the next `init` would refuse to replace.
    if !crate::plan::write_new(&dest, starter.as_bytes())? {
        anyhow::bail!(UserError::new(format!(
            "{} already exists; not overwriting it",
            dest.display()
        ))
        .with_help("edit it, or remove it first to start over"))
    }
    crate::outln!("created {}", dest.display())?;
    crate::outln!(
        "next: edit it, then run `stackchef check -f {}`",
        dest.display()
    )?;
    Ok(EXIT_OK)
}

/// A project name from a directory name: lowercased, `-`/`.`/spaces to `_`, falling back to
/// `app` when nothing usable is left.
fn default_project_name(dir: &Path) -> String {
    let base = std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let mut name: String = base
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    name = name.trim_matches('_').to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) || name.len() > 40 {
        name = "app".into();
    }
    name
}
