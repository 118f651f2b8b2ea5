//! SWAR ("SIMD within a register"): eight bytes at a time, yes/no tests on a `u64` of text,
//! for the scans that would otherwise look at every byte (the Ruby scanner's searches).

/// `0x01` in every byte.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// The top bit of every byte.
pub const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// `byte` in every byte of a word.
pub const fn splat(byte: u8) -> u64 {
    ONES * byte as u64
}

/// Whether some byte of `word` is less than `n` (at most `0x80`). Exact as a yes/no answer;
/// the bits it sets are not positions (a borrow can flag a byte above a real match): for
/// those, see [`zero_bytes`].
pub fn has_byte_below(word: u64, n: u8) -> bool {
    word.wrapping_sub(splat(n)) & !word & HIGH_BITS != 0
}

/// Whether some byte of `word` is zero (see [`has_byte_below`]).
pub fn has_zero_byte(word: u64) -> bool {
    has_byte_below(word, 1)
}

/// Whether some byte of `word` is `byte`.
pub fn has_byte(word: u64, byte: u8) -> bool {
    has_zero_byte(word ^ splat(byte))
}

/// `0x80` in each byte of `word` that is zero, nothing elsewhere (exact: no carry crosses a
/// byte, unlike the cheaper test in [`has_byte_below`]).
pub fn zero_bytes(word: u64) -> u64 {
    const LOW7: u64 = !HIGH_BITS;
    !(((word & LOW7).wrapping_add(LOW7)) | word | LOW7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_tests_agree_with_byte_by_byte_ones() {
        // Every byte value at every position, among fillers above and below the thresholds.
        for filler in [0x00u8, 0x01, 0x1f, 0x20, 0x41, 0x7f, 0x80, 0xc3, 0xff] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[at] = b;
                    let word = u64::from_le_bytes(bytes);
                    for n in [1u8, 0x20, 0x80] {
                        assert_eq!(has_byte_below(word, n), bytes.iter().any(|&x| x < n));
                    }
                    assert_eq!(has_byte(word, b'\n'), bytes.contains(&b'\n'));
                    let zeros = (0..8)
                        .filter(|&i| bytes[i] == 0)
                        .map(|i| 0x80u64 << (8 * i));
                    assert_eq!(zero_bytes(word), zeros.fold(0, |a, z| a | z));
                }
            }
        }
    }
}
