//! Reading and parsing one file into its facts: Ruby and ERB through the parser, JSON and lock
//! files through the small readers in [`super::json`].

use std::path::Path;

use super::json::{json_facts, lock_text_facts};
use super::{FileKind, Problem, SourceFile};
use crate::lint::parse::facts::Facts;
use crate::lint::parse::suppress::Suppressions;
use crate::lint::parse::{erb, ruby, scan};

/// The threads that parse: prism's recursive descent (capped at 10 000 levels) needs more than
/// the 2 MiB default stack on hostile input (and the tree walk over 10 000 levels needs far more
/// in a debug build), so parsing runs on its own pool with large stacks
/// (address space only; untouched pages cost nothing).
pub(super) fn parse_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(256 << 20)
            .thread_name(|i| format!("stackchef-parse-{i}"))
            .build()
            .expect("cannot start the parser threads")
    })
}

fn problem(message: impl Into<String>, help: impl Into<String>) -> Option<Problem> {
    Some(Problem {
        message: message.into(),
        help: help.into(),
    })
}

pub(super) fn load_file(
    path: &Path,
    display: String,
    rel: String,
    kind: FileKind,
    cookbook: Option<usize>,
) -> SourceFile {
    let mut file = SourceFile::unparsed(display, rel, kind, cookbook);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            file.problem = problem(
                format!("cannot read this file: {err}"),
                "check its permissions, or exclude it with .gitignore or chefignore",
            );
            return file;
        }
    };
    file.parse(bytes);
    file
}

impl SourceFile {
    /// A file known by its place in the repo, before its bytes are read and parsed.
    pub(super) fn unparsed(
        path: String,
        rel: String,
        kind: FileKind,
        cookbook: Option<usize>,
    ) -> SourceFile {
        SourceFile {
            path,
            rel,
            kind,
            cookbook,
            text: String::new(),
            facts: Facts::default(),
            suppress: Suppressions::default(),
            problem: None,
            partial: false,
            uses: Vec::new(),
        }
    }

    /// Check, decode and parse a file's bytes into its text, suppressions and facts.
    pub(super) fn parse(&mut self, bytes: Vec<u8>) {
        let kind = self.kind;
        if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
            self.problem = problem(
                "binary file where source code was expected",
                "remove it, or exclude it with chefignore",
            );
            return;
        }
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                self.problem = problem(
                    format!(
                        "not valid UTF-8 (first bad byte at offset {})",
                        err.utf8_error().valid_up_to()
                    ),
                    "Chef reads cookbook files as UTF-8: re-encode this file",
                );
                return;
            }
        };
        self.suppress = Suppressions::scan(&text);
        // An `.erb` file outside a cookbook's `templates/` (a stray copy, a test fixture) is
        // still a template: checked as ERB, never parsed as Ruby.
        let erb = self.kind == FileKind::Template || self.path.ends_with(".erb");
        self.facts = match self.kind {
            _ if erb => {
                let (code, unterminated) = erb::ruby_of(text.as_bytes());
                // One line index for the Ruby's facts and the template's own findings. The
                // addresses are taken from anywhere in the template, not only its Ruby (so
                // the walk does not look for them in string literals).
                let lines = ruby::LineIndex::new(&text);
                let mut facts = ruby::extract_with(&code, &lines, false);
                let bytes = text.as_bytes();
                facts.ips = scan::ipv4s(bytes)
                    .into_iter()
                    .filter(|&(at, len, _)| {
                        !scan::not_an_address(bytes, at, at + len)
                            && !scan::template_line_exempt(bytes, at)
                    })
                    .map(|(at, len, addr)| (lines.span(at, at + len), addr))
                    .collect();
                if let Some(at) = unterminated {
                    let span = lines.span(at, at + 2);
                    let earlier = facts.syntax_error.as_ref().is_some_and(|(s, _)| *s < span);
                    if !earlier {
                        facts.syntax_error = Some((span, "`<%` tag without a closing `%>`".into()));
                    }
                }
                facts
            }
            FileKind::MetadataJson | FileKind::RoleJson | FileKind::PolicyLock => {
                json_facts(&text, kind)
            }
            FileKind::BerksLock | FileKind::CheffileLock => lock_text_facts(&text),
            FileKind::Readme | FileKind::Node => Facts::default(),
            _ => ruby::extract(text.as_bytes(), &text),
        };
        self.text = text;
    }
}
