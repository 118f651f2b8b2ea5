//! Diagnostics shared by `stack.yml` validation and the linter, rendered like rustc:
//! `error[CODE]: message`, ` --> file:line:col`, the source line and a caret under the span,
//! then `= help: …`. Rendering is done by `annotate-snippets`, the renderer rustc itself uses.
//!
//! Every message stackchef shows a person goes through this module: a [`Diagnostic`] for one
//! place in one file (a list of them for `stack.yml`), a [`UserError`] for a problem with no
//! such place (a missing tool, a file in use, a refused deploy), rendered the same way.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A location in a text file: 1-based line and column (in characters), and a length in
/// characters (at least 1 when rendered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

/// One message about one place in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Rule code (linter) or error class (stack.yml), if any.
    pub code: Option<String>,
    pub message: String,
    /// Path as shown to the user (relative where possible).
    pub path: String,
    pub location: Option<Location>,
    /// Short text printed under the caret.
    pub label: String,
    /// Hints printed as `= help: …`.
    pub help: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, path: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: None,
            message: message.into(),
            path: path.into(),
            location: None,
            label: String::new(),
            help: Vec::new(),
        }
    }

    pub fn at(mut self, location: Location, label: impl Into<String>) -> Self {
        self.location = Some(location);
        self.label = label.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// `path:line:column`, or just the path when there is no location.
    pub fn position(&self) -> String {
        match self.location {
            Some(l) => format!("{}:{}:{}", self.path, l.line, l.column),
            None => self.path.clone(),
        }
    }

    /// Render rustc-style. `source` is the text of `self.path`, if it could be read.
    ///
    /// This indexes `source` for this one diagnostic: to render many diagnostics of one file,
    /// build a [`SourceIndex`] once and call [`Diagnostic::render_indexed`], or rendering
    /// grows with diagnostics × file size.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let index = source.map(SourceIndex::new);
        self.render_indexed(index.as_ref(), color)
    }

    /// Render rustc-style, with the source's lines found by `index` (built once per file).
    /// Only the diagnostic's own line is handed to the snippet renderer, so the cost is that
    /// line's, not the file's.
    pub fn render_indexed(&self, index: Option<&SourceIndex<'_>>, color: bool) -> String {
        let snippet = match (index, self.location) {
            (Some(index), Some(loc)) => {
                let mut line = loc.line.clamp(1, index.line_count());
                let mut range = index.byte_range(loc);
                // A position past the final newline (a parser's "unexpected end of file") is
                // shown at the end of the last line, where the reader can see what is missing.
                if line > 1 && line == index.line_count() && index.line_text(line).is_empty() {
                    line -= 1;
                    let end = index.line_end(line);
                    range = end..end;
                }
                let start = index.line_start(line);
                let text = &index.source()[start..index.line_start(line + 1)];
                let range = range.start.saturating_sub(start).min(text.len())
                    ..range.end.saturating_sub(start).min(text.len());
                Some((text, line, range))
            }
            _ => None,
        };
        self.render_snippet(snippet, color)
    }

    /// Render with `(text, number of its first line, byte range of the span in it)`.
    fn render_snippet(
        &self,
        snippet: Option<(&str, usize, std::ops::Range<usize>)>,
        color: bool,
    ) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let mut title = level.primary_title(&self.message);
        if let Some(code) = &self.code {
            title = title.id(code);
        }
        let mut group = Group::with_title(title);
        match snippet {
            Some((text, line_start, range)) => {
                group = group.element(
                    Snippet::source(text)
                        .line_start(line_start)
                        .path(&self.path)
                        .annotation(AnnotationKind::Primary.span(range).label(&self.label)),
                );
            }
            _ => {
                group = group.element(annotate_snippets::Origin::path(self.position()));
            }
        }
        for help in &self.help {
            group = group.element(Level::HELP.message(help));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

/// A problem with no place in a file to point at, for a person to act on: the message, then
/// `= note: …` (why) and `= help: …` (what to do) lines, as rustc prints them. Returned as an
/// error (`anyhow` carries it, and its `Display` is the rendering, so the text is the same
/// wherever it is shown) or printed as a warning with [`UserError::render`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// What went wrong; may run over several lines (a list of what is missing).
    pub message: String,
    /// Printed as `= note: …`, before the help.
    pub notes: Vec<String>,
    /// Printed as `= help: …`.
    pub help: Vec<String>,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            notes: Vec::new(),
            help: Vec::new(),
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// `error: …`/`warning: …` and the notes and help under it.
    pub fn render(&self, severity: Severity) -> String {
        format!("{}: {self}", severity.as_str())
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        for note in &self.notes {
            write!(f, "\n  = note: {note}")?;
        }
        for help in &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UserError {}

/// An error for the terminal: `error: …` (a [`UserError`] with its notes and help), then one
/// `caused by: …` line per underlying cause.
pub fn render_error_chain(err: &anyhow::Error) -> String {
    let mut out = format!("error: {err}");
    for cause in err.chain().skip(1) {
        out.push_str(&format!("\n  caused by: {cause}"));
    }
    out
}

/// Characters between two entries of [`SourceIndex`]'s character table: a character offset
/// is found by one table look-up and at most this many steps.
const CHAR_STRIDE: usize = 64;

/// Where every line of a text starts, found in one pass, so that a position costs a table
/// look-up (plus at most [`CHAR_STRIDE`] characters) instead of a scan from the file's start.
/// Positions are asked for once per node and per diagnostic; scanning from the start for each
/// made loading and rendering a large `stack.yml` grow with the square of its size.
#[derive(Debug)]
pub struct SourceIndex<'a> {
    src: &'a str,
    /// Byte offset of the start of each line (the first is 0).
    line_bytes: Vec<usize>,
    /// Character offset of the start of each line.
    line_chars: Vec<usize>,
    /// Whether each line is ASCII, where a column is a byte count.
    line_ascii: Vec<bool>,
    /// Byte offset of every [`CHAR_STRIDE`]-th character; empty when the text is ASCII, where
    /// character and byte offsets agree.
    char_bytes: Vec<usize>,
}

impl<'a> SourceIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        work::add(src.len());
        let mut line_bytes = vec![0];
        let mut line_chars = vec![0];
        let mut line_ascii = Vec::new();
        let mut char_bytes = Vec::new();
        if src.is_ascii() {
            for nl in memchr::memchr_iter(b'\n', src.as_bytes()) {
                line_bytes.push(nl + 1);
                line_chars.push(nl + 1);
            }
            line_ascii.resize(line_bytes.len(), true);
        } else {
            let mut chars = 0;
            let mut ascii = true;
            for (i, &b) in src.as_bytes().iter().enumerate() {
                ascii &= b.is_ascii();
                // A UTF-8 continuation byte (10xxxxxx) does not start a character.
                if b & 0xC0 == 0x80 {
                    continue;
                }
                if chars % CHAR_STRIDE == 0 {
                    char_bytes.push(i);
                }
                chars += 1;
                if b == b'\n' {
                    line_bytes.push(i + 1);
                    line_chars.push(chars);
                    line_ascii.push(ascii);
                    ascii = true;
                }
            }
            line_ascii.push(ascii);
        }
        SourceIndex {
            src,
            line_bytes,
            line_chars,
            line_ascii,
            char_bytes,
        }
    }

    pub fn source(&self) -> &'a str {
        self.src
    }

    /// Number of lines (a text without a final newline still has its last line).
    pub fn line_count(&self) -> usize {
        self.line_bytes.len()
    }

    /// Byte offset where 1-based `line` starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        match self.line_bytes.get(line.saturating_sub(1)) {
            Some(&b) => b,
            None => self.src.len(),
        }
    }

    /// Byte offset where the text of 1-based `line` ends: before its `\n` (and a `\r` before
    /// that).
    pub fn line_end(&self, line: usize) -> usize {
        let start = self.line_start(line);
        let end = match self.line_bytes.get(line) {
            Some(&next) => next - 1, // the `\n`
            None => self.src.len(),
        };
        let end = end.max(start);
        if self.src[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        }
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &'a str {
        &self.src[self.line_start(line)..self.line_end(line)]
    }

    /// Byte offset of 1-based `line` and `column` (characters), clamped to the line's text.
    pub fn byte_at(&self, line: usize, column: usize) -> usize {
        let i = line.saturating_sub(1);
        let (Some(&line_char), Some(&ascii)) = (self.line_chars.get(i), self.line_ascii.get(i))
        else {
            return self.src.len();
        };
        let end = self.line_end(line);
        let start = self.line_start(line);
        let column = column.saturating_sub(1);
        if ascii {
            return (start + column).min(end);
        }
        // Start from the nearest recorded character at or before the column, or from the
        // line's start when that is nearer: at most CHAR_STRIDE steps either way.
        let ch = line_char + column;
        let (base, steps) = match self.char_bytes.get(ch / CHAR_STRIDE) {
            // A recorded character past the line's end: the column is beyond the line (a
            // loader's position one past the text, or a mutated input), clamp to the end.
            Some(&b) if b > end => return end,
            Some(&b) if b >= start => (b, ch % CHAR_STRIDE),
            _ => (start, column),
        };
        work::add(steps.min(end - base));
        self.src[base..end]
            .char_indices()
            .nth(steps)
            .map_or(end, |(i, _)| base + i)
    }

    /// Byte range of a location, clamped to its line.
    pub fn byte_range(&self, loc: Location) -> std::ops::Range<usize> {
        let start = self.byte_at(loc.line, loc.column);
        let end = self
            .byte_at(loc.line, loc.column.max(1) + loc.len.max(1))
            .max(start);
        start..end
    }
}

/// A count of the source bytes and characters examined to find positions, per thread. Tests
/// read it to check that positions are found by the index and not by scanning, which no timing
/// test can tell apart reliably on a shared machine.
pub mod work {
    use std::cell::Cell;

    thread_local! {
        static UNITS: Cell<usize> = const { Cell::new(0) };
    }

    pub(crate) fn add(n: usize) {
        UNITS.with(|u| u.set(u.get().saturating_add(n)));
    }

    /// Units of work counted on this thread so far.
    pub fn count() -> usize {
        UNITS.with(Cell::get)
    }
}

#[cfg(test)]
mod column_past_the_line {
    use super::SourceIndex;

    /// Found by `spec_never_panics`: a column past the end of a line of non-ASCII text whose
    /// nearest recorded character lies on a later line underflowed (`end - base`) and would
    /// have sliced backwards.
    #[test]
    fn a_column_past_the_end_of_a_line_is_clamped_to_it() {
        let text = format!("é\n{}\n", "x".repeat(200));
        let index = SourceIndex::new(&text);
        for column in [1, 2, 3, 64, 65, 100, 1000] {
            let at = index.byte_at(1, column);
            assert!(at <= index.line_end(1), "column {column}: {at}");
        }
        assert_eq!(index.byte_at(1, 100), index.line_end(1));
        assert_eq!(index.byte_at(2, 100), index.line_start(2) + 99);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_error_renders_its_notes_before_its_help() {
        let err = UserError::new("refusing to launch:\n  - `web`")
            .with_help("build it")
            .with_note("looked in packer/manifest.json");
        assert_eq!(
            err.render(Severity::Error),
            "error: refusing to launch:\n  - `web`\n  = note: looked in packer/manifest.json\n  = help: build it"
        );
        let chained = anyhow::Error::new(std::io::Error::other("disk full"))
            .context(UserError::new("writing x").with_help("free some space"));
        assert_eq!(
            render_error_chain(&chained),
            "error: writing x\n  = help: free some space\n  caused by: disk full"
        );
        assert!(chained.downcast_ref::<UserError>().is_some());
    }

    /// The index agrees with the plain definition (count lines, then characters) at every
    /// line and column of texts with multi-byte characters, CRLF and no final newline.
    #[test]
    fn index_agrees_with_scanning() {
        let long: String = "é".repeat(3 * CHAR_STRIDE + 5);
        let texts = [
            "a: 1\nb: two\n".to_string(),
            "ünï: çødé\r\n  日本: x\r\nlast".to_string(),
            format!("k: {long}x\nascii: line\n{long}\n"),
            String::new(),
            "\n\n".to_string(),
        ];
        for src in &texts {
            let index = SourceIndex::new(src);
            let lines: Vec<&str> = src.split('\n').collect();
            assert_eq!(index.line_count(), lines.len());
            for (n, raw) in lines.iter().enumerate() {
                let text = raw.strip_suffix('\r').unwrap_or(raw);
                assert_eq!(index.line_text(n + 1), text, "line {}", n + 1);
                let start: usize = lines[..n].iter().map(|l| l.len() + 1).sum();
                for column in 1..text.chars().count() + 3 {
                    let naive = start
                        + text
                            .char_indices()
                            .nth(column - 1)
                            .map_or(text.len(), |(i, _)| i);
                    assert_eq!(index.byte_at(n + 1, column), naive, "{src:?} {n}:{column}");
                }
            }
            assert_eq!(index.byte_at(lines.len() + 5, 1), src.len());
        }
    }
}
