//! `.stackchef/manifest.json`: which files stackchef owns in an output directory, with the hash
//! of the content it last wrote. It is what lets a re-run tell "we wrote this and nobody touched
//! it" (safe to update or remove) from "a person edited this" (a conflict, left alone).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Target;
use crate::diag::UserError;

/// Where the manifest lives, relative to the output directory.
pub const MANIFEST_PATH: &str = ".stackchef/manifest.json";

/// The manifest's schema version; bumped on incompatible changes.
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version of this file.
    pub format: u32,
    /// stackchef version that wrote it.
    pub stackchef_version: String,
    /// SHA-256 of the inputs of the last run (stack.yml and template overrides).
    pub inputs_sha256: String,
    /// Owned files by path (relative, `/`-separated).
    pub files: BTreeMap<String, ManifestEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// SHA-256 of the content stackchef wrote.
    pub sha256: String,
    /// The generator that owns the file.
    pub target: Target,
}

impl Manifest {
    pub fn empty() -> Manifest {
        Manifest {
            format: FORMAT,
            stackchef_version: env!("CARGO_PKG_VERSION").to_string(),
            inputs_sha256: String::new(),
            files: BTreeMap::new(),
        }
    }

    /// Read the manifest of `out_dir`; an absent manifest is an empty one. A manifest that
    /// cannot be understood is an error with the way out, never a guess: guessing wrong could
    /// overwrite a person's edits.
    pub fn load(out_dir: &Path) -> Result<Manifest> {
        let path = out_dir.join(MANIFEST_PATH);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::empty()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let fix = format!(
            "restore it from version control, or delete {} to start over: every existing file is then treated as edited by a person (a conflict) until you rerun with --force",
            path.display()
        );
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
            anyhow::Error::new(
                UserError::new(format!(
                    "{} is corrupt: {e} (line {}, column {})",
                    path.display(),
                    e.line(),
                    e.column()
                ))
                .with_help(&fix),
            )
        })?;
        if manifest.format != FORMAT {
            bail!(UserError::new(format!(
                "{} has format {}, this stackchef understands format {FORMAT}",
                path.display(),
                manifest.format
            ))
            .with_help(fix));
        }
        for (file, entry) in &manifest.files {
            if super::check_relative(file).is_err() || file == MANIFEST_PATH {
                bail!(UserError::new(format!(
                    "{} lists {file:?}, which is not a plain relative path",
                    path.display()
                ))
                .with_help(fix));
            }
            if entry.sha256.len() != 64 || !entry.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!(UserError::new(format!(
                    "{} has a malformed hash for {file}",
                    path.display()
                ))
                .with_help(fix));
            }
        }
        Ok(manifest)
    }

    /// The manifest as written to disk: pretty, sorted, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest always serialises");
        s.push('\n');
        s
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
