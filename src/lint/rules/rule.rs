//! What a rule is: a code, a name, a default level and its documentation, declared once beside
//! its check function with [`declare_rule!`]; and the [`Sink`] a check reports into.

use std::sync::OnceLock;

use crate::diag::{Diagnostic, Severity};

use super::attr_table::AttrTable;
use crate::lint::config::Settings;
use crate::lint::model::{Repo, SourceFile};
use crate::lint::parse::facts::Span;

/// A lint rule. Its documentation (the doc comment given to [`declare_rule!`]) is what
/// `stackchef explain` prints, so it uses fixed headings: `## What it does`,
/// `## Why is this bad?`, `## Example`, `## Use instead`.
pub struct Rule {
    /// Stable code: family prefix + number (`INC001`).
    pub code: &'static str,
    /// Stable kebab-case name (`include-only-recipe`).
    pub name: &'static str,
    pub level: Severity,
    /// One line, for `stackchef rules` and SARIF `shortDescription`.
    pub summary: &'static str,
    pub doc: &'static str,
    pub check: fn(&Context<'_>, &mut Sink),
    /// The autofix this rule offers, if any (see [`crate::lint::fix`]).
    pub fix: Option<&'static crate::lint::fix::Fixer>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}

impl Rule {
    /// The family: the code's letters (`INC`).
    pub fn family(&self) -> &'static str {
        self.code.trim_end_matches(|c: char| c.is_ascii_digit())
    }

    /// Whether a selector (`INC001`, `include-only-recipe`, `INC`, `all`) names this rule.
    pub fn matches(&self, selector: &str) -> bool {
        let s = selector.trim();
        s.eq_ignore_ascii_case("all")
            || s.eq_ignore_ascii_case(self.name)
            || (!s.is_empty()
                && s.len() <= self.code.len()
                && self.code[..s.len()].eq_ignore_ascii_case(s)
                && s.len() >= self.family().len())
    }

    /// Stable rules run by default; preview ones only when asked for (see
    /// [`crate::lint::rules::maturity`]).
    pub fn maturity(&self) -> super::maturity::Maturity {
        crate::lint::rules::maturity::maturity(self.code)
    }

    /// The documentation as Markdown (doc-comment indentation removed).
    pub fn doc_markdown(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string()
    }
}

/// Declare a rule: its doc comment, then `IDENT = "CODE", "name", Level, "summary", check_fn`,
/// and `, fix = FIXER` when it offers an autofix (a `static` [`crate::lint::fix::Fixer`]).
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $ident:ident = $code:literal, $name:literal, $level:ident, $summary:literal, $check:path, fix = $fix:path $(,)?) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::lint::rules::rule::Rule = $crate::lint::rules::rule::Rule {
            code: $code,
            name: $name,
            level: $crate::diag::Severity::$level,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            check: $check,
            fix: Some(&$fix),
        };
    };
    ($(#[doc = $doc:literal])* $ident:ident = $code:literal, $name:literal, $level:ident, $summary:literal, $check:path $(,)?) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::lint::rules::rule::Rule = $crate::lint::rules::rule::Rule {
            code: $code,
            name: $name,
            level: $crate::diag::Severity::$level,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            check: $check,
            fix: None,
        };
    };
}
pub(crate) use declare_rule;

/// What a finding says. Each rule has a small type implementing this, owning its wording.
pub trait Violation {
    /// The headline: what is wrong, specifically.
    fn message(&self) -> String;
    /// Short text under the caret.
    fn label(&self) -> String {
        String::new()
    }
    /// How to fix it, printed as `= help: …`.
    fn help(&self) -> Option<String> {
        None
    }
}

/// What every check sees: the whole repo model and the configured thresholds.
pub struct Context<'a> {
    pub repo: &'a Repo,
    pub settings: &'a Settings,
    /// Built by the first attribute rule that asks, then shared ([`Context::attrs`]).
    attrs: OnceLock<AttrTable<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(repo: &'a Repo, settings: &'a Settings) -> Self {
        Context {
            repo,
            settings,
            attrs: OnceLock::new(),
        }
    }

    /// Every attribute write and read in the repo with its namespace, and which of them
    /// overlap: several rules ask this about every path, so it is worked out once.
    pub fn attrs(&self) -> &AttrTable<'a> {
        self.attrs.get_or_init(|| AttrTable::new(self.repo))
    }
}

/// Collects one rule's findings, applying its configured level and inline suppressions.
pub struct Sink {
    rule: &'static Rule,
    severity: Severity,
    pub(crate) out: Vec<Diagnostic>,
}

impl Sink {
    pub fn new(rule: &'static Rule, severity: Severity) -> Self {
        Sink {
            rule,
            severity,
            out: Vec::new(),
        }
    }

    /// Report a violation at a span of a file (unless a comment in the file silences it).
    pub fn report(&mut self, file: &SourceFile, span: Span, violation: impl Violation) {
        let rule = self.rule;
        if file.suppress.silences(span.line, |s| rule.matches(s)) {
            return;
        }
        self.push(&file.path, Some(span), violation);
    }

    /// Report a violation about a path with no source position (a walk error).
    pub fn report_path(&mut self, path: &str, span: Option<Span>, violation: impl Violation) {
        self.push(path, span, violation);
    }

    fn push(&mut self, path: &str, span: Option<Span>, violation: impl Violation) {
        let mut diag = Diagnostic::error(violation.message(), path).with_code(self.rule.code);
        diag.severity = self.severity;
        if let Some(span) = span {
            diag = diag.at(span.location(), violation.label());
        }
        if let Some(help) = violation.help() {
            diag = diag.with_help(help);
        }
        self.out.push(diag);
    }
}
