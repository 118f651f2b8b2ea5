//! What the legacy-API fixers (the `LEG` rules) share: finding the node a finding points at in
//! a fresh prism parse of the file, and the byte range that deletes a statement cleanly.
//!
//! A finding's location gives the first byte of the node it is about; the fixer re-parses the
//! linted text and asks for the node of the expected shape that starts there, so an edit is
//! always computed from the tree, never from the text around the caret.

use ruby_prism::{Node, Visit};

use crate::diag::Diagnostic;

use super::FixContext;
use crate::lint::model::SourceFile;

/// The linted file a finding is about and the byte its location starts at.
pub fn finding_start<'a>(ctx: &FixContext<'a>, d: &Diagnostic) -> Option<(&'a SourceFile, usize)> {
    let file = ctx.file(&d.path)?;
    let start = FixContext::byte_range(&file.text, d.location?).start;
    Some((file, start))
}

/// Walk the parse of `source` and hand `found` the first node that starts at byte `at` and
/// satisfies `want` (outermost first), with the modifier `if`/`unless` whose only statement
/// it is, if any (`use_inline_resources if defined?(use_inline_resources)`).
pub fn with_node_at<R>(
    source: &[u8],
    at: usize,
    want: impl Fn(&Node<'_>) -> bool,
    found: impl FnOnce(&Node<'_>, Option<(usize, usize)>) -> Option<R>,
) -> Option<R> {
    let result = ruby_prism::parse(source);
    if result.errors().next().is_some() {
        // A file prism cannot parse cleanly is never edited: the edit could land anywhere.
        return None;
    }
    let mut finder = Finder {
        at,
        want: &want,
        found: None,
        modifier: None,
        depth: 0,
    };
    finder.visit(&result.node());
    let node = finder.found?;
    let modifier = finder
        .modifier
        .filter(|&(_, end)| end >= node.location().end() as usize);
    found(&node, modifier)
}

/// Deep enough for any real cookbook; the linter reports deeper files as unanalysable, so no
/// finding (and no fix) ever comes from one.
const MAX_DEPTH: u32 = 2_000;

struct Finder<'pr, 'w> {
    at: usize,
    want: &'w dyn Fn(&Node<'_>) -> bool,
    found: Option<Node<'pr>>,
    /// Byte range of the modifier `if`/`unless` around the node at `at`.
    modifier: Option<(usize, usize)>,
    depth: u32,
}

impl<'pr> Finder<'pr, '_> {
    fn consider(&mut self, node: Node<'pr>) {
        if self.found.is_some() || node.location().start() as usize != self.at {
            return;
        }
        if (self.want)(&node) {
            self.found = Some(node);
        }
    }

    /// `stmt if cond` / `stmt unless cond` whose only statement starts at `at`.
    fn note_modifier(&mut self, node: &Node<'pr>) {
        let (stmts, pred_start) = if let Some(i) = node.as_if_node() {
            (i.statements(), i.predicate().location().start())
        } else if let Some(u) = node.as_unless_node() {
            (u.statements(), u.predicate().location().start())
        } else {
            return;
        };
        let Some(stmts) = stmts else { return };
        let body = stmts.body();
        let modifier = stmts.location().start() < pred_start;
        if modifier
            && body.len() == 1
            && body
                .iter()
                .next()
                .is_some_and(|s| s.location().start() as usize == self.at)
        {
            let loc = node.location();
            self.modifier = Some((loc.start() as usize, loc.end() as usize));
        }
    }
}

impl<'pr> Visit<'pr> for Finder<'pr, '_> {
    fn visit_branch_node_enter(&mut self, node: Node<'pr>) {
        self.depth += 1;
        self.note_modifier(&node);
        self.consider(node);
    }

    fn visit_branch_node_leave(&mut self) {
        self.depth -= 1;
    }

    fn visit_leaf_node_enter(&mut self, node: Node<'pr>) {
        self.consider(node);
    }

    fn visit_statements_node(&mut self, node: &ruby_prism::StatementsNode<'pr>) {
        // Stop descending once found or too deep (prism's default walk recurses).
        if self.found.is_none() && self.depth < MAX_DEPTH {
            ruby_prism::visit_statements_node(self, node);
        }
    }
}

/// The byte range that deletes `start..end` as whole lines: from the start of its first line
/// through the newline of its last, when nothing but blanks precede it and nothing but blanks
/// or a comment follow it. `None` when it shares a line with other code (deleting it would
/// leave a stray `;` or join two statements: left for a human).
pub fn whole_lines(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let before = &text[line_start..start];
    let after = text[end..line_end].trim();
    if !(before.trim().is_empty() && (after.is_empty() || after.starts_with('#'))) {
        return None;
    }
    // Between blank lines (or at the top of the file), take one of the blank lines too, so
    // the deletion leaves no double blank line or leading blank line behind.
    let blank_before = line_start == 0
        || text[..line_start - 1]
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty());
    let next_end = text[line_end..]
        .find('\n')
        .map(|i| line_end + i + 1)
        .filter(|&e| text[line_end..e].trim().is_empty());
    match next_end {
        Some(e) if blank_before => Some((line_start, e)),
        _ => Some((line_start, line_end)),
    }
}

/// The leading whitespace of the line `at` is on.
pub fn indent_at(text: &str, at: usize) -> &str {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start().len()]
}

/// The source text of a node.
pub fn node_text<'a>(source: &'a str, node: &Node<'_>) -> &'a str {
    let loc = node.location();
    source
        .get(loc.start() as usize..loc.end() as usize)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_lines_only_when_alone_on_its_lines() {
        let text = "a\n  use_it # old\nb; c\n";
        let at = text.find("use_it").unwrap();
        assert_eq!(whole_lines(text, at, at + 6), Some((2, 17)));
        let b = text.find("b;").unwrap();
        assert_eq!(whole_lines(text, b, b + 1), None);
        assert_eq!(whole_lines("x", 0, 1), Some((0, 1)));
        // At the top, followed by a blank line: the blank line goes too.
        assert_eq!(whole_lines("x\n\ny\n", 0, 1), Some((0, 3)));
        // After code, before a blank line: the blank line stays.
        assert_eq!(whole_lines("a\nx\n\ny\n", 2, 3), Some((2, 4)));
    }

    #[test]
    fn finds_the_call_and_its_modifier() {
        let src = "x = 1\nuse_inline_resources if defined?(use_inline_resources)\n";
        let at = src.find("use_inline").unwrap();
        let range = with_node_at(
            src.as_bytes(),
            at,
            |n| n.as_call_node().is_some(),
            |n, m| {
                let loc = n.location();
                Some(m.unwrap_or((loc.start() as usize, loc.end() as usize)))
            },
        );
        assert_eq!(range, Some((6, src.len() - 1)));
        assert_eq!(
            with_node_at(b"a(", 0, |_| true, |_, _| Some(())),
            None,
            "no edit in a file with a syntax error"
        );
    }
}
