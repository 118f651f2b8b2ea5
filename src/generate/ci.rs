//! The `ci` generator: `ci/build.sh`, a POSIX sh script any CI server (or a laptop) can run to
//! lint, check and build the images, and two thin examples calling it under `ci/examples/`.

use anyhow::Result;
use serde::Serialize;

use crate::generate::Generator;
use crate::plan::{PlannedFile, Target};
use crate::stack::Stack;
use crate::templates::{Filters, Renderer};

/// `(template under packer-templates/ci/, output path, executable)`.
const FILES: [(&str, &str, bool); 3] = [
    ("build.sh.tera", "ci/build.sh", true),
    (
        "examples/github-actions.yml.tera",
        "ci/examples/github-actions.yml",
        false,
    ),
    (
        "examples/gitlab-ci.yml.tera",
        "ci/examples/gitlab-ci.yml",
        false,
    ),
];

#[derive(Debug, Serialize)]
struct Context {
    stack: StackContext,
    /// Image names in build order, parents first.
    images: Vec<String>,
}

#[derive(Debug, Serialize)]
struct StackContext {
    name: String,
    region: String,
}

/// The ci generator.
pub struct Ci;

impl Generator for Ci {
    fn target(&self) -> Target {
        Target::Ci
    }

    fn filters(&self) -> Filters {
        vec![(
            "sh_quote",
            super::packer::string_filter("sh_quote", sh_quote),
        )]
    }

    fn files(&self, stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
        files(stack, templates)
    }
}

/// Every file of this target.
pub fn files(stack: &Stack, templates: &Renderer) -> Result<Vec<PlannedFile>> {
    let ctx = Context {
        stack: StackContext {
            name: stack.name.clone(),
            region: stack.aws.region.clone(),
        },
        images: stack
            .images_in_build_order()
            .into_iter()
            .map(|i| i.name.clone())
            .collect(),
    };
    FILES
        .iter()
        .map(|(template, path, executable)| {
            let contents = templates.render(&format!("packer-templates/ci/{template}"), &ctx)?;
            let file = PlannedFile::new(Target::Ci, *path, contents);
            Ok(if *executable { file.executable() } else { file })
        })
        .collect()
}

/// `value` as one POSIX shell word: single-quoted, with `'` written as `'\''`. Safe for any
/// text, including `$`, backquotes, backslashes and newlines.
pub fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sh_quote_makes_one_literal_word() {
        assert_eq!(sh_quote("base web"), "'base web'");
        assert_eq!(sh_quote("it's $HOME `x` \\"), r"'it'\''s $HOME `x` \'");
        assert_eq!(sh_quote(""), "''");
    }
}
