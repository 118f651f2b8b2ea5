//! Stage 6, report: an [`Outcome`] → text. Takes the pipeline's outcome (and the rule table
//! for names); gives the rendered report.
//!
//! Output formats, one file each. Every reporter is a pure function of the [`Outcome`]:
//! deterministic, relative paths only, no timestamps.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use super::Outcome;

/// A report format (`stackchef lint --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
    ];

    /// The format's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
        }
    }
}

/// Render a lint outcome in a format. `color` only affects `human`.
pub fn render(format: Format, outcome: &Outcome, color: bool) -> String {
    match format {
        Format::Human => human::render(outcome, color),
        Format::Json => json::render(outcome),
        Format::Sarif => sarif::render(outcome),
        Format::Junit => junit::render(outcome),
        Format::Github => github::render(outcome),
    }
}

/// Text from the user's files (paths, names quoted in messages, source lines) made safe for a
/// terminal or a CI log: every control character becomes a visible stand-in of one character
/// (C0 controls and DEL their Unicode control pictures, `␛` for ESC; C1 controls U+FFFD), so
/// an ESC or BEL sequence in a file name cannot reach the terminal and a newline in it cannot
/// start a line of its own (a CI runner acts on a line that starts with `::error`). `keep`
/// lists the controls left as they are (a source line keeps its tabs and line ending).
pub(crate) fn printable<'s>(s: &'s str, keep: &[char]) -> std::borrow::Cow<'s, str> {
    let unsafe_char = |c: char| c.is_control() && !keep.contains(&c);
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            c if !unsafe_char(c) => c,
            '\u{7f}' => '\u{2421}',
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            _ => '\u{FFFD}',
        })
        .collect::<String>()
        .into()
}

/// Counts by severity: (errors, warnings, info).
pub(crate) fn counts(outcome: &Outcome) -> (usize, usize, usize) {
    use crate::diag::Severity;
    let n = |s| {
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// A rule's name from its code (looked up once per finding: a binary search, as the rule list
/// is sorted by code).
pub(crate) fn rule_name(code: Option<&str>) -> &'static str {
    let Some(code) = code else { return "" };
    match super::RULES.binary_search_by(|r| r.code.cmp(code)) {
        Ok(i) => super::RULES[i].name,
        Err(_) => super::find_rule(code).map_or("", |r| r.name),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rules_are_sorted_by_code_for_rule_name() {
        assert!(super::super::RULES
            .windows(2)
            .all(|w| w[0].code < w[1].code));
        for rule in super::super::RULES {
            assert_eq!(super::rule_name(Some(rule.code)), rule.name);
        }
        assert_eq!(super::rule_name(Some("attr005")), "undefined-attribute");
        assert_eq!(super::rule_name(Some("NOPE001")), "");
        assert_eq!(super::rule_name(None), "");
    }

    #[test]
    fn printable_leaves_no_control_character() {
        use super::printable;
        assert!(matches!(
            printable("plain/path.rb", &[]),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("a\u{1b}[31mb\u{7}", &[]),
            "a\u{241b}[31mb\u{2407}"
        );
        assert_eq!(printable("x\n::error y", &[]), "x\u{240a}::error y");
        assert_eq!(printable("\u{7f}\u{85}é", &[]), "\u{2421}\u{FFFD}é");
        assert_eq!(printable("\tcode\r\n", &['\t', '\r', '\n']), "\tcode\r\n");
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let text = c.to_string();
            assert!(
                !printable(&text, &[]).chars().any(char::is_control),
                "{c:?}"
            );
        }
    }
}
