//! The loader never panics, whatever it is given: arbitrary text, and valid samples with bytes
//! changed, deleted or inserted. It either loads or returns located errors.

mod support;

use proptest::prelude::*;

fn check(src: &str) {
    match stackchef::stack::load_str(src, "stack.yml") {
        Ok(stack) => assert!(!stack.images.is_empty()),
        Err(err) => {
            assert!(!err.diagnostics.is_empty());
            // Rendering must not panic either, even with spans at odd places.
            let _ = err.render(false);
        }
    }
}

fn webapp() -> String {
    std::fs::read_to_string(support::root().join("samples/webapp/stack.yml")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text(src in "\\PC{0,400}") {
        check(&src);
    }

    #[test]
    fn yaml_shaped_text(src in "([a-z_]{1,8}: ?(\\[|\\{|\"|'|-|[a-z0-9 .]{0,10})?\n {0,6}){0,30}") {
        check(&src);
    }

    #[test]
    fn mutated_sample(edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<char>()), 1..8)) {
        let mut chars: Vec<char> = webapp().chars().collect();
        for (idx, op, c) in edits {
            if chars.is_empty() { break; }
            let i = idx.index(chars.len());
            match op {
                0 => chars[i] = c,
                1 => { chars.remove(i); }
                _ => chars.insert(i, c),
            }
        }
        check(&chars.into_iter().collect::<String>());
    }
}
