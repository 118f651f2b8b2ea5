//! Loading `stack.yml`: YAML with a source position for every node, walked by hand so every
//! problem is reported — all of them, not the first — with file:line:column and a hint.

use std::path::Path;

use crate::diag::Diagnostic;

use super::model::Stack;

/// Keys accepted in each mapping of `stack.yml`. The JSON Schema is checked against these.
pub mod keys {
    pub const TOP: &[&str] = &[
        "name",
        "version",
        "maintainer",
        "maintainer_email",
        "license",
        "platform",
        "chef",
        "aws",
        "images",
        "services",
    ];
    pub const CHEF: &[&str] = &["client", "version"];
    pub const AWS: &[&str] = &["region", "vpc_id", "subnet_ids", "internal_zone"];
    pub const IMAGE: &[&str] = &[
        "from",
        "packages",
        "instance_type",
        "platform",
        "volume_size",
        "count",
    ];
    pub const SERVICE: &[&str] = &[
        "image",
        "command",
        "user",
        "group",
        "working_directory",
        "environment",
        "port",
        "dns",
        "restart",
    ];
}

/// Every problem found in one `stack.yml`, with its text so it can be rendered.
#[derive(Debug)]
pub struct SpecError {
    pub path: String,
    pub source: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl SpecError {
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render(self.source.as_deref(), color));
            out.push_str("\n\n");
        }
        let n = self.diagnostics.len();
        out.push_str(&format!(
            "error: {} is invalid: {} error{}\n",
            self.path,
            n,
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for SpecError {}

/// Load and validate a `stack.yml` from disk.
pub fn load_file(path: &Path) -> Result<Stack, SpecError> {
    let display = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(src) => load_str(&src, &display),
        Err(e) => Err(SpecError {
            path: display.clone(),
            source: None,
            diagnostics: vec![
                Diagnostic::error(format!("cannot read {display}: {e}"), &display).with_help(
                    "pass the description with -f PATH, or create one with `stackchef init`",
                ),
            ],
        }),
    }
}

/// Load and validate `stack.yml` text; `path` is only used in messages.
pub fn load_str(_src: &str, path: &str) -> Result<Stack, SpecError> {
    Err(SpecError {
        path: path.to_string(),
        source: None,
        diagnostics: vec![Diagnostic::error("loader not implemented yet", path)],
    })
}
