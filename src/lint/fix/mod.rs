//! Stage 4, fix: autofixes (`stackchef lint --fix`): what a fix is, and what a rule declares to
//! offer one. Takes the model's files; gives [`Edit`]s. This vocabulary (and its helpers in
//! [`prism`], [`legacy`], [`run_list`]) comes before the rules, which declare their fixers with
//! it; [`engine`], which applies fixes and re-runs the checks, comes after the pipeline.
//!
//! A rule that can fix its findings declares a [`Fixer`] beside its check (`fix = FIX` in
//! `declare_rule!`). Fixes are computed only when asked for (`--fix`, `--diff`), from a fresh
//! prism parse of the file, so plain linting pays nothing for them. Each [`Fix`] is a set of
//! [`Edit`]s on the text as it was linted; a multi-file fix (the include-all migration, the LWRP
//! merge) is applied whole or not at all.

pub mod engine;
pub mod prism;
pub mod run_list;

use crate::diag::{Diagnostic, Location, SourceIndex};

pub mod legacy;

use super::model::{Repo, SourceFile};

/// Whether a fix keeps behaviour (ruff's terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Same converge as before: applied by `--fix`.
    Safe,
    /// The converge may change (order, precedence, where code lives): only with
    /// `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One change to one file, by display path (as in [`SourceFile::path`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Replace bytes `start..end` of the file's text as it was linted; an insertion when
    /// `start == end`, a deletion when `text` is empty.
    Replace {
        path: String,
        start: usize,
        end: usize,
        text: String,
    },
    /// Create a file that does not exist yet.
    Create { path: String, text: String },
    /// Delete a file.
    Delete { path: String },
}

impl Edit {
    pub fn replace(path: &str, start: usize, end: usize, text: impl Into<String>) -> Edit {
        Edit::Replace {
            path: path.to_string(),
            start,
            end,
            text: text.into(),
        }
    }

    pub fn path(&self) -> &str {
        match self {
            Edit::Replace { path, .. } | Edit::Create { path, .. } | Edit::Delete { path } => path,
        }
    }
}

/// The fix for one finding: applied whole or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What it does, for `--diff` and the summary (`replace node.set with node.normal`).
    pub title: String,
    pub applicability: Applicability,
    /// The fix does the mechanical part but leaves the finding true (the include-all migration
    /// rewrites every run list yet keeps a recipe something else still names): the engine does
    /// not take the finding's survival for a broken fix.
    pub leaves_finding: bool,
    pub edits: Vec<Edit>,
}

/// What a rule can fix, declared beside its check.
pub struct Fixer {
    /// The least safe fix this rule offers; shown by `stackchef rules` and `explain`.
    pub applicability: Applicability,
    /// One line: what the fix does.
    pub summary: &'static str,
    /// The fix for one finding of this rule, or `None` when this finding has no mechanical fix
    /// (the fix must then leave the finding alone rather than guess).
    pub make: fn(&FixContext<'_>, &Diagnostic) -> Option<Fix>,
}

impl std::fmt::Debug for Fixer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.summary)
    }
}

/// What a fixer sees: the linted repo (texts as they were linted).
pub struct FixContext<'a> {
    pub repo: &'a Repo,
}

impl<'a> FixContext<'a> {
    pub fn new(repo: &'a Repo) -> Self {
        FixContext { repo }
    }

    /// The linted file a diagnostic is about.
    pub fn file(&self, path: &str) -> Option<&'a SourceFile> {
        self.repo
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.repo.files[i])
    }

    /// Byte range of a diagnostic's location in `text` (columns are in characters).
    pub fn byte_range(text: &str, location: Location) -> std::ops::Range<usize> {
        SourceIndex::new(text).byte_range(location)
    }
}

/// `text` with `Replace` edits of one file applied (byte ranges on `text`, applied from the end
/// so earlier offsets stay valid). `None` when two edits overlap or a range is out of bounds or
/// not on a character boundary: the caller applies the first fix, re-lints, and tries again.
pub fn apply_replacements(text: &str, edits: &[&Edit]) -> Option<String> {
    let mut ranges: Vec<(usize, usize, &str)> = Vec::with_capacity(edits.len());
    for edit in edits {
        if let Edit::Replace {
            start,
            end,
            text: t,
            ..
        } = edit
        {
            if start > end
                || *end > text.len()
                || !text.is_char_boundary(*start)
                || !text.is_char_boundary(*end)
            {
                return None;
            }
            ranges.push((*start, *end, t));
        }
    }
    ranges.sort_by_key(|&(s, e, _)| (s, e));
    if ranges.windows(2).any(|w| w[0].1 > w[1].0) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, t) in ranges {
        out.push_str(&text[at..start]);
        out.push_str(t);
        at = end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_apply_in_order_and_refuse_overlaps() {
        let a = Edit::replace("f.rb", 0, 4, "node.normal");
        let b = Edit::replace("f.rb", 9, 9, "!");
        assert_eq!(
            apply_replacements("node.set x", &[&b, &a]).as_deref(),
            Some("node.normal.set !x")
        );
        let c = Edit::replace("f.rb", 2, 6, "");
        assert_eq!(apply_replacements("node.set x", &[&a, &c]), None);
        assert_eq!(
            apply_replacements("node", &[&Edit::replace("f.rb", 3, 9, "")]),
            None
        );
    }
}
