//! Inline suppression comments:
//! `# stackchef:disable CODE[,CODE…]` silences those rules on its own line;
//! `# stackchef:disable-file CODE[,CODE…]` silences them in the whole file.
//! A selector is a code (`INC001`), a rule name (`include-only-recipe`), a family (`INC`) or `all`.
//!
//! `# rubocop:disable Cop` is honoured for the Cookstyle cops that check the same thing as one of
//! our rules (see [`COOKSTYLE`]): on a line of code it silences that line, on a line of its own
//! it silences everything up to `# rubocop:enable Cop` (or the end of the file).

use std::sync::LazyLock;

use memchr::memmem::Finder;

const STACKCHEF: &[u8] = b"stackchef:";
const DISABLE: &[u8] = b"disable";
const MARKER: &[u8] = b"stackchef:disable";
const RUBOCOP: &[u8] = b"rubocop:";

/// The searchers, built once: building one costs more than searching a typical file with
/// it, and every file is searched.
static FINDERS: LazyLock<(Finder<'static>, Finder<'static>)> =
    LazyLock::new(|| (Finder::new(DISABLE), Finder::new(RUBOCOP)));

/// Cookstyle cops and the rule each is the same check as.
pub const COOKSTYLE: &[(&str, &str)] = &[
    ("Chef/Correctness/NodeNormal", "LEG002"),
    ("Chef/Correctness/NodeNormalUnless", "LEG002"),
    ("Chef/Deprecations/NodeSet", "LEG001"),
    ("Chef/Deprecations/NodeSetUnless", "LEG001"),
    ("Chef/Deprecations/ResourceUsesOnlyResourceName", "LEG006"),
    ("Chef/Deprecations/ResourceWithoutUnifiedTrue", "LEG005"),
];

/// Our codes for a `rubocop:disable` list (a cop, or a department like `Chef/Deprecations`).
fn cookstyle_codes(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    for cop in list
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        for (name, code) in COOKSTYLE {
            let department = name.rsplit_once('/').map_or("", |(d, _)| d);
            if cop == *name || cop == department || cop == "Chef" || cop == "all" {
                out.push(code.to_string());
            }
        }
    }
    out
}

#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    /// Selectors silenced in the whole file.
    pub file: Vec<String>,
    /// `(line, selectors)` for line-level comments.
    pub lines: Vec<(u32, Vec<String>)>,
    /// `(first line, last line, codes)` for `rubocop:disable` … `rubocop:enable` ranges.
    pub ranges: Vec<(u32, u32, Vec<String>)>,
}

impl Suppressions {
    /// Find the suppression comments in a file's text (cheap: one substring search).
    pub fn scan(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        let bytes = text.as_bytes();
        // Both kinds of comment say `disable` (a `rubocop:enable` only closes what a
        // `rubocop:disable` opened): one search for that word finds every marker, and most
        // files have none, so they are searched once, not once per kind.
        let mut rubocop = false;
        for hit in FINDERS.0.find_iter(bytes) {
            let before = &bytes[..hit];
            if before.ends_with(RUBOCOP) {
                rubocop = true;
                continue;
            }
            if !before.ends_with(STACKCHEF) {
                continue;
            }
            out.stackchef_marker(text, hit - STACKCHEF.len());
        }
        if rubocop {
            out.scan_rubocop(text);
        }
        out
    }

    /// Record the `stackchef:disable` (or `-file`) comment whose marker starts at byte `at`,
    /// if it is a comment with a list of selectors.
    fn stackchef_marker(&mut self, text: &str, at: usize) {
        let bytes = text.as_bytes();
        // Only in a comment: a `#` earlier on the same line.
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        if memchr::memchr(b'#', &bytes[line_start..at]).is_none() {
            return;
        }
        let rest = &text[at + MARKER.len()..];
        let rest = rest.split(['\n', '\r']).next().unwrap_or("");
        let (whole_file, list) = match rest.strip_prefix("-file") {
            Some(list) => (true, list),
            None => (false, rest),
        };
        if !list.starts_with([' ', '\t', '=', ':']) {
            return;
        }
        // The list ends at `%>` (ERB) or a second comment.
        let list = list.split("%>").next().unwrap_or("");
        let list = list.split(" -- ").next().unwrap_or("");
        let selectors: Vec<String> = list
            .split(|c: char| c == ',' || c.is_whitespace() || c == '=' || c == ':')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if whole_file {
            self.file.extend(selectors);
        } else {
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            self.lines.push((line, selectors));
        }
    }

    fn scan_rubocop(&mut self, text: &str) {
        let bytes = text.as_bytes();
        // (codes, first line) of ranges still open.
        let mut open: Vec<(Vec<String>, u32, String)> = Vec::new();
        for at in FINDERS.1.find_iter(bytes) {
            let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            let Some(hash) = memchr::memchr(b'#', &bytes[line_start..at]) else {
                continue;
            };
            let rest = text[at + RUBOCOP.len()..]
                .split(['\n', '\r'])
                .next()
                .unwrap_or("");
            let (enable, list) = match (rest.strip_prefix("disable "), rest.strip_prefix("enable "))
            {
                (Some(list), _) => (false, list),
                (_, Some(list)) => (true, list),
                _ => continue,
            };
            let list = list.split(" -- ").next().unwrap_or("").trim();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            if enable {
                if let Some(i) = open.iter().position(|(_, _, l)| l == list) {
                    let (codes, first, _) = open.remove(i);
                    self.ranges.push((first, line, codes));
                }
                continue;
            }
            let codes = cookstyle_codes(list);
            if codes.is_empty() {
                continue;
            }
            let own_line = bytes[line_start..line_start + hash]
                .iter()
                .all(|b| b.is_ascii_whitespace());
            if own_line {
                open.push((codes, line, list.to_string()));
            } else {
                self.lines.push((line, codes));
            }
        }
        for (codes, first, _) in open {
            self.ranges.push((first, u32::MAX, codes));
        }
    }

    /// Whether a finding of a rule on `line` is silenced. `matches` tells whether a selector
    /// names the rule.
    pub fn silences(&self, line: u32, matches: impl Fn(&str) -> bool) -> bool {
        self.file.iter().any(|s| matches(s))
            || self
                .lines
                .iter()
                .filter(|(l, _)| *l == line)
                .any(|(_, sels)| sels.iter().any(|s| matches(s)))
            || self
                .ranges
                .iter()
                .filter(|(first, last, _)| (*first..=*last).contains(&line))
                .any(|(_, _, sels)| sels.iter().any(|s| matches(s)))
    }
}

#[cfg(test)]
mod tests {
    use super::{Suppressions, MARKER, RUBOCOP};

    /// The two-search scan [`Suppressions::scan`] replaced: every `stackchef:disable`, then
    /// every `rubocop:`.
    fn scan_twice(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        for at in memchr::memmem::find_iter(text.as_bytes(), MARKER) {
            out.stackchef_marker(text, at);
        }
        assert!(!RUBOCOP.is_empty());
        out.scan_rubocop(text);
        out
    }

    #[test]
    fn one_search_finds_what_two_did() {
        let tokens = [
            "# ",
            "#",
            "\n",
            " ",
            "x = 1",
            "stackchef:",
            "rubocop:",
            "disable",
            "enable",
            "stackchef:disable",
            "stackchef:disable-file",
            "rubocop:disable ",
            "rubocop:enable ",
            "Chef/Deprecations/NodeSet",
            "Chef/Deprecations",
            "Style/Foo",
            "ATTR001",
            "INC",
            ",",
            "%>",
            " -- ",
            "=",
            ":",
            "all",
        ];
        let mut found = 0;
        for text in crate::lint::parse::scan::token_samples(&tokens, 20_000, 23) {
            let (new, old) = (Suppressions::scan(&text), scan_twice(&text));
            found += new.file.len() + new.lines.len() + new.ranges.len();
            assert_eq!(format!("{new:?}"), format!("{old:?}"), "{text:?}");
        }
        assert!(found > 1000, "the samples hold suppressions: {found}");
    }

    #[test]
    fn line_and_file_comments() {
        let s = Suppressions::scan(
            "# stackchef:disable-file ATTR001, INC\nx = 1 # stackchef:disable ATTR007 -- wrapper\ny = '# not stackchef:disable'\n",
        );
        assert_eq!(s.file, ["ATTR001", "INC"]);
        assert_eq!(s.lines.len(), 1, "{s:?}");
        assert_eq!(s.lines[0], (2, vec!["ATTR007".to_string()]));
        assert!(s.silences(2, |x| x == "ATTR007"));
        assert!(!s.silences(3, |x| x == "ATTR007"));
        assert!(s.silences(9, |x| x == "INC"));
    }

    #[test]
    fn cookstyle_cops_that_match_our_rules() {
        let s = Suppressions::scan(
            "node.set['a'] = 1 # rubocop:disable Chef/Deprecations/NodeSet\n# rubocop:disable Chef/Deprecations\nx\ny\n# rubocop:enable Chef/Deprecations\nz # rubocop:disable Style/Foo\n",
        );
        assert_eq!(s.lines, [(1, vec!["LEG001".to_string()])]);
        assert_eq!(s.ranges.len(), 1, "{s:?}");
        assert_eq!((s.ranges[0].0, s.ranges[0].1), (2, 5));
        assert!(s.silences(3, |x| x == "LEG005"));
        assert!(!s.silences(6, |x| x == "LEG005"));
    }

    #[test]
    fn needs_a_comment_and_a_separator() {
        assert!(Suppressions::scan("x = 'stackchef:disable INC001'")
            .lines
            .is_empty());
        assert!(Suppressions::scan("# stackchef:disabled INC001")
            .lines
            .is_empty());
    }
}
