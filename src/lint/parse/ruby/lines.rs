//! Byte offsets → line and column spans: [`LineIndex`], built once per file.

use super::*;

/// Byte offsets of line starts, for turning prism's byte offsets into line/column spans.
pub struct LineIndex<'s> {
    pub(super) src: &'s str,
    starts: Vec<usize>,
    /// Pure ASCII (most cookbook files): columns are byte offsets, no characters to count.
    ascii: bool,
    /// The line of the last lookup: the fact walk goes mostly front to back, so the next
    /// offset is usually on that line or the next one, found without a binary search.
    hint: Cell<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> Self {
        let bytes = src.as_bytes();
        // Room for lines of 16 bytes on average, so that hardly any file regrows it (the index
        // lives only while its file is parsed).
        let mut starts = Vec::with_capacity(bytes.len() / 16 + 2);
        starts.push(0);
        // One pass, sixteen bytes at a time, finds the newlines and whether any byte is
        // non-ASCII: for lines a few dozen bytes long this is several times cheaper than
        // `memchr_iter` (whose per-match setup dominates) plus a separate `is_ascii`.
        let mut any = 0u64;
        let mut chunks = bytes.chunks_exact(16);
        let mut base = 0;
        for chunk in &mut chunks {
            let pair = u128::from_le_bytes(chunk.try_into().expect("16 bytes"));
            let (a, b) = (pair as u64, (pair >> 64) as u64);
            any |= a | b;
            // Whether either word has a newline (the cheap test; `|`, not `||`: no branch),
            // then where: `zero_bytes` only runs on the few words with one.
            if has_byte(a, b'\n') | has_byte(b, b'\n') {
                for (word, at) in [(a, base), (b, base + 8)] {
                    let mut newlines = zero_bytes(word ^ splat(b'\n'));
                    while newlines != 0 {
                        starts.push(at + (newlines.trailing_zeros() / 8) as usize + 1);
                        newlines &= newlines - 1;
                    }
                }
            }
            base += 16;
        }
        for (i, &b) in chunks.remainder().iter().enumerate() {
            any |= u64::from(b);
            if b == b'\n' {
                starts.push(base + i + 1);
            }
        }
        LineIndex {
            src,
            starts,
            ascii: any & HIGH_BITS == 0,
            hint: Cell::new(0),
        }
    }

    /// The 0-based line that byte `pos` is on (`pos` at most the text's length), with the
    /// offsets where it starts and where the next line starts (`usize::MAX` after the last).
    #[inline]
    pub(super) fn line_of(&self, pos: usize) -> (usize, usize, usize) {
        let starts = &self.starts;
        let next = |line: usize| starts.get(line + 1).copied().unwrap_or(usize::MAX);
        let hint = self.hint.get();
        let after = next(hint);
        if starts[hint] <= pos && pos < after {
            return (hint, starts[hint], after);
        }
        let line = if after <= pos && pos < next(hint + 1) {
            hint + 1
        } else {
            starts.partition_point(|&s| s <= pos) - 1
        };
        self.hint.set(line);
        (line, starts[line], next(line))
    }

    /// The 1-based line of byte `pos` (the line of [`LineIndex::span`]`(pos, _)`).
    pub fn line(&self, pos: usize) -> u32 {
        (self.line_of(pos.min(self.src.len())).0 + 1) as u32
    }

    /// The span of bytes `start..end`, clamped to the line it starts on. Inlined: it is
    /// small and runs for every fact, and a call saved and restored more registers than the
    /// work itself took.
    #[inline]
    pub fn span(&self, start: usize, end: usize) -> Span {
        let start = start.min(self.src.len());
        let (line, line_start, next_start) = self.line_of(start);
        let line_end = match next_start {
            usize::MAX => self.src.len(),
            next => next - 1,
        }
        .max(start);
        let end = end.clamp(start, line_end);
        // `line_start <= start <= end`: in ASCII text, columns are byte counts.
        let (col, len) = if self.ascii {
            (start - line_start, end - start)
        } else {
            let chars = |a: usize, b: usize| match self.src.get(a..b) {
                Some(s) => s.chars().count(),
                None => b - a,
            };
            (chars(line_start, start), chars(start, end))
        };
        Span {
            line: (line + 1) as u32,
            col: (col + 1) as u32,
            len: len.max(1) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_with_a_hint_equals_a_binary_search() {
        for src in [
            "",
            "\n",
            "a",
            "ab\n\ncd\n",
            "x = 1\ny = 'héllo'\n\n  z\n",
            "0123456\n01234567\n012345678\n\n\n\n\n\n\n\n\nlast line without newline",
        ] {
            let index = LineIndex::new(src);
            let fresh = |start: usize, end: usize| LineIndex::new(src).span(start, end);
            let mut expected_starts = vec![0];
            expected_starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
            assert_eq!(index.starts, expected_starts, "{src:?}");
            assert_eq!(index.ascii, src.is_ascii(), "{src:?}");
            let n = src.len() + 2;
            // Forward, backward and jumping lookups, each against a fresh index (no hint).
            let order: Vec<usize> = (0..n)
                .chain((0..n).rev())
                .chain((0..n).map(|i| i * 7 % n))
                .collect();
            for &start in &order {
                for end in [start, start + 1, start + 5] {
                    assert_eq!(
                        index.span(start, end),
                        fresh(start, end),
                        "{src:?} {start}..{end}"
                    );
                }
                assert_eq!(
                    index.line(start),
                    fresh(start, start + 1).line,
                    "{src:?} {start}"
                );
            }
        }
    }

    #[test]
    fn newline_scan_handles_every_position_in_a_word() {
        // Newlines and non-ASCII bytes at every offset of the eight-byte words and the tail.
        for len in 0..40 {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = b'\n';
                let src = String::from_utf8(bytes).unwrap();
                assert_eq!(LineIndex::new(&src).starts, [0, at + 1], "{len} {at}");
                let mut wide = "a".repeat(at);
                wide.push('é');
                assert!(!LineIndex::new(&wide).ascii, "{at}");
                assert!(LineIndex::new(&"a".repeat(len)).ascii);
            }
        }
    }
}
