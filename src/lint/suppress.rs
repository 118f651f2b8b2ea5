//! Inline suppression comments:
//! `# stackchef:disable CODE[,CODE…]` silences those rules on its own line;
//! `# stackchef:disable-file CODE[,CODE…]` silences them in the whole file.
//! A selector is a code (`INC001`), a rule name (`include-only-recipe`), a family (`INC`) or `all`.

const MARKER: &[u8] = b"stackchef:disable";

#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    /// Selectors silenced in the whole file.
    pub file: Vec<String>,
    /// `(line, selectors)` for line-level comments.
    pub lines: Vec<(u32, Vec<String>)>,
}

impl Suppressions {
    /// Find the suppression comments in a file's text (cheap: one substring search).
    pub fn scan(text: &str) -> Suppressions {
        let mut out = Suppressions::default();
        let bytes = text.as_bytes();
        for at in memchr::memmem::find_iter(bytes, MARKER) {
            // Only in a comment: a `#` earlier on the same line.
            let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
            if memchr::memchr(b'#', &bytes[line_start..at]).is_none() {
                continue;
            }
            let rest = &text[at + MARKER.len()..];
            let rest = rest.split(['\n', '\r']).next().unwrap_or("");
            let (whole_file, list) = match rest.strip_prefix("-file") {
                Some(list) => (true, list),
                None => (false, rest),
            };
            if !list.starts_with([' ', '\t', '=', ':']) {
                continue;
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
                out.file.extend(selectors);
            } else {
                let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                out.lines.push((line, selectors));
            }
        }
        out
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
    }
}

#[cfg(test)]
mod tests {
    use super::Suppressions;

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
    fn needs_a_comment_and_a_separator() {
        assert!(Suppressions::scan("x = 'stackchef:disable INC001'")
            .lines
            .is_empty());
        assert!(Suppressions::scan("# stackchef:disabled INC001")
            .lines
            .is_empty());
    }
}
