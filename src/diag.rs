//! Diagnostics shared by `stack.yml` validation and the linter, rendered like rustc:
//! `error[CODE]: message`, ` --> file:line:col`, the source line and a caret under the span,
//! then `= help: …`. Rendering is done by `annotate-snippets`, the renderer rustc itself uses.

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
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let snippet = match (source, self.location) {
            (Some(src), Some(loc)) => Some((src, 1, byte_range(src, loc))),
            _ => None,
        };
        self.render_snippet(snippet, color)
    }

    /// Render rustc-style, from the text of the diagnostic's own line only (with its line
    /// ending, as [`line_text`] gives it). The snippet is that one line: rendering costs the same in a 50 MB file as in
    /// a small one, and a caller with many findings looks each line up in an index.
    pub fn render_line(&self, line: Option<&str>, color: bool) -> String {
        let snippet = match (line, self.location) {
            (Some(text), Some(loc)) => Some((
                text,
                loc.line,
                byte_range(text, Location { line: 1, ..loc }),
            )),
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

/// The text of 1-based line `line` of `src`, with its line ending if it has one (a span at the
/// end of a line points at that ending; empty past the end of the text).
pub fn line_text(src: &str, line: usize) -> &str {
    src.split_inclusive('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or("")
}

/// Byte range in `src` of a 1-based line/column (characters) location, clamped to the line.
pub fn byte_range(src: &str, loc: Location) -> std::ops::Range<usize> {
    let line_start = src
        .split_inclusive('\n')
        .take(loc.line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        .min(src.len());
    let line = src[line_start..].split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    let char_byte = |n: usize| {
        line.char_indices()
            .nth(n)
            .map(|(i, _)| i)
            .unwrap_or(line.len())
    };
    let start = char_byte(loc.column.saturating_sub(1));
    let end = char_byte(loc.column.saturating_sub(1) + loc.len.max(1)).max(start);
    line_start + start..line_start + end
}
