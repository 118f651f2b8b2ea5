//! The template set: tera templates embedded in the binary (so stackchef works from any
//! directory), overridable file by file from a directory with the same layout.
//!
//! Filters are not global: each target renders through its own [`Renderer`], which knows only
//! the filters that target gave it. Two targets can then use the same filter name with
//! different escaping (`yaml_str` is ERB-inert in cookbooks, plain YAML in aws) and a template
//! can never pick up another target's. This module knows nothing of the targets themselves.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use include_dir::{include_dir, Dir};
use serde::Serialize;

static COOKBOOK_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/cookbook-templates");
static PACKER_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/packer-templates");
static AWS_TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/aws-templates");

/// The embedded template roots; names used for rendering start with these folder names,
/// e.g. `cookbook-templates/metadata.rb.tera`.
const ROOTS: [(&str, &Dir<'static>); 3] = [
    ("cookbook-templates", &COOKBOOK_TEMPLATES),
    ("packer-templates", &PACKER_TEMPLATES),
    ("aws-templates", &AWS_TEMPLATES),
];

/// A tera filter, as the target whose templates use it hands it to the engine.
pub type Filter = Box<
    dyn Fn(&tera::Value, &HashMap<String, tera::Value>) -> tera::Result<tera::Value> + Send + Sync,
>;

/// The filters of one target's templates, by the name templates call them with.
pub type Filters = Vec<(&'static str, Filter)>;

/// A loaded template set, parsed and checked, with no custom filters: render it through
/// [`Templates::renderer`].
pub struct Templates {
    tera: tera::Tera,
    /// Files taken from the override directory, for `--templates` feedback.
    overridden: Vec<String>,
}

impl Templates {
    /// The built-in templates, with every file present in `override_dir` (same layout)
    /// replacing its built-in twin. A file in the override directory that has no built-in twin
    /// is an error: it is almost always a typo, and silently ignoring it would hide that.
    pub fn load(override_dir: Option<&Path>) -> Result<Templates> {
        let mut files: Vec<(String, String)> = Vec::new();
        for (root, dir) in ROOTS {
            collect(dir, root, &mut files);
        }
        let mut overridden = Vec::new();
        if let Some(dir) = override_dir {
            for (name, body) in files.iter_mut() {
                let candidate: PathBuf = dir.join(name.as_str());
                if candidate.is_file() {
                    *body = std::fs::read_to_string(&candidate).with_context(|| {
                        format!("reading template override {}", candidate.display())
                    })?;
                    overridden.push(name.clone());
                }
            }
            let known: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
            for extra in list_files(dir)? {
                if !known.contains(&extra.as_str()) {
                    anyhow::bail!(crate::diag::UserError::new(format!(
                        "template override {} does not replace any built-in template",
                        dir.join(&extra).display()
                    ))
                    .with_help("built-in templates: stackchef's cookbook-templates/, packer-templates/ and aws-templates/ folders; keep the same relative path"));
                }
            }
        }
        let mut tera = tera::Tera::default();
        // Generated files are code, not HTML: never HTML-escape. Every generator escapes values
        // for its own language with explicit filters.
        tera.autoescape_on(vec![]);
        tera.add_raw_templates(files.iter().map(|(n, b)| (n.as_str(), b.as_str())))
            .context("parsing templates")?;
        Ok(Templates { tera, overridden })
    }

    /// An engine over this template set that knows exactly `filters` (plus tera's built-ins):
    /// one target's.
    pub fn renderer(&self, filters: Filters) -> Renderer {
        // tera resolves filters when rendering, so the parsed templates can be shared as they
        // are; the copy costs well under a millisecond for the built-in set.
        let mut tera = self.tera.clone();
        for (name, filter) in filters {
            tera.register_filter(name, filter);
        }
        Renderer { tera }
    }

    /// Names of every template, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.tera.get_template_names().collect();
        names.sort();
        names
    }

    /// Templates that were replaced by files from the override directory.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }
}

/// The template set with one target's filters, ready to render.
pub struct Renderer {
    tera: tera::Tera,
}

impl Renderer {
    /// Render template `name` (e.g. `cookbook-templates/metadata.rb.tera`) with `context`.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String> {
        let ctx = tera::Context::from_serialize(context)
            .with_context(|| format!("building the context for template {name}"))?;
        self.tera.render(name, &ctx).map_err(|e| {
            // tera's Display hides the cause; show the whole chain.
            let mut msg = format!("rendering template {name}: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            anyhow::anyhow!(msg)
        })
    }
}

fn collect(dir: &Dir<'static>, root: &str, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        if let Some(text) = file.contents_utf8() {
            out.push((
                format!("{root}/{}", file.path().display()),
                text.to_string(),
            ));
        }
    }
    for sub in dir.dirs() {
        collect(sub, root, out);
    }
}

fn list_files(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renderer_knows_only_the_filters_it_is_given() {
        let templates = Templates::load(None).unwrap();
        let ctx = serde_json::json!({
            "stack": { "chef_client": "cinc-client", "chef_version": "18", "region": "eu-west-1" },
        });
        let name = "cookbook-templates/shared/kitchen.yml.tera";
        let err = templates
            .renderer(Vec::new())
            .render(name, &ctx)
            .unwrap_err();
        assert!(err.to_string().contains("yaml_str"), "{err}");
        // Given `yaml_str`, rendering gets past the region line to the missing cookbook.
        let quote = |v: &tera::Value, _: &HashMap<String, tera::Value>| Ok(v.clone());
        let err = templates
            .renderer(vec![("yaml_str", Box::new(quote))])
            .render(name, &ctx)
            .unwrap_err();
        assert!(err.to_string().contains("cookbook.instance_type"), "{err}");
    }
}
