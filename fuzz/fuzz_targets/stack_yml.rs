//! Arbitrary bytes as a stack.yml: loading must return a Stack or located errors, never panic,
//! and rendering those errors must not panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match stackchef::stack::load_str(text, "stack.yml") {
        Ok(stack) => {
            let _ = stackchef::cmd::check::summary(&stack);
        }
        Err(err) => {
            let _ = err.render(false);
        }
    }
});
