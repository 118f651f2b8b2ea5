//! Arbitrary bytes through the per-file fast paths alone — the ERB splitter, the suppression,
//! IPv4 and secret scans, the line index, and the fact walk over a Ruby file and over a
//! template — at thousands of inputs a second (the `lint` target builds a whole repo per
//! input). None of them may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackchef::lint::parse::{erb, ruby, scan, suppress::Suppressions};

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    // The linter walks syntax trees on threads with large stacks (prism nests up to 10 000
    // levels); do the same, so that deep nesting is not reported as a crash of the harness.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || facts(&data))
        .expect("spawn")
        .join()
        .expect("no panic");
});

fn facts(data: &[u8]) {
    let _ = scan::ipv4s(data);
    let _ = scan::secret_name_bytes(data);
    let (code, _) = erb::ruby_of(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = scan::secret_name(text);
    let _ = scan::secret_value(text);
    let _ = Suppressions::scan(text);
    let _ = ruby::extract(text.as_bytes(), text);
    let _ = ruby::extract(&code, text);
    // Spans for offsets anywhere (and past the end), forwards and backwards.
    let lines = ruby::LineIndex::new(text);
    for pair in data.chunks(2) {
        let a = usize::from(pair[0]) * text.len() / 255;
        let b = usize::from(*pair.last().unwrap_or(&0)) * (text.len() + 8) / 255;
        let _ = lines.span(a, b);
        let _ = lines.line(b);
    }
}
