//! Lint configuration: the `[lint]` table of `.stackchef.toml` (found upward from the first lint
//! path, or given with `--config`).
//!
//! ```toml
//! [lint]
//! select = ["INC", "ATTR"]          # default: every rule
//! ignore = ["ATTR006"]              # codes, names or families
//! fail-level = "warning"            # error | warning | info
//! preview = true                    # run the preview rules too (default: stable rules only)
//!
//! [lint.severity]                   # per-rule level, or "off"
//! wrapper-recipe = "off"
//! ATTR001 = "error"
//!
//! [lint.settings]                   # thresholds (defaults shown)
//! max-attribute-assignments = 25
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::Deserialize;

pub const FILE_NAME: &str = ".stackchef.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LintConfig {
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    pub fail_level: Option<String>,
    /// Rule selector → `error` | `warning` | `info` | `off`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    #[serde(default)]
    pub settings: Settings,
    /// Run preview rules too (see `stackchef rules`); `--preview` on the command line.
    #[serde(default)]
    pub preview: bool,
}

/// Rule thresholds. Defaults are chosen so that a modern, resource-driven cookbook has no
/// findings.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct Settings {
    /// ATTR001: attribute assignments one attributes file may hold.
    pub max_attribute_assignments: usize,
    /// ATTR002: a cookbook is flagged when its attribute assignments exceed its resources
    /// times this ratio …
    pub max_attributes_per_resource: f64,
    /// … and it has at least this many assignments.
    pub min_attributes_for_ratio: usize,
    /// INC002: share of its cookbook's other recipes a default recipe may include.
    pub max_default_include_share: f64,
    /// INC002: … counted only when the cookbook has at least this many other recipes.
    pub min_recipes_for_share: usize,
    /// INC002: recipes of other cookbooks a default recipe may include.
    pub max_foreign_includes: usize,
    /// ATTR004: cookbooks that may write one attribute namespace.
    pub max_namespace_writers: usize,
    /// OPS002: let the RFC 5737 documentation ranges (192.0.2.0/24, 198.51.100.0/24,
    /// 203.0.113.0/24) through.
    pub allow_documentation_ips: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_attribute_assignments: 25,
            max_attributes_per_resource: 1.0,
            min_attributes_for_ratio: 10,
            max_default_include_share: 0.75,
            min_recipes_for_share: 3,
            max_foreign_includes: 4,
            max_namespace_writers: 1,
            allow_documentation_ips: true,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    lint: Option<LintConfig>,
}

/// Load the configuration: `explicit` if given, else the first `.stackchef.toml` found in
/// `start` or one of its parents, else defaults. Returns the file it came from.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<(LintConfig, Option<PathBuf>)> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => find_upward(start),
    };
    let Some(path) = path else {
        return Ok((LintConfig::default(), None));
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the configuration {}", path.display()))?;
    let file: ConfigFile = toml::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: invalid configuration: {e}", path.display()))?;
    Ok((file.lint.unwrap_or_default(), Some(path)))
}

fn find_upward(start: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}
