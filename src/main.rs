//! The `stackchef` binary: everything happens in [`stackchef::cmd`].

// Output goes through `stackchef::output` (a closed pipe ends it quietly instead of panicking).
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

// `stackchef lint` makes millions of small allocations (facts for every file of a repo);
// mimalloc makes and frees them markedly faster than the system allocator (README, "Speed").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    stackchef::cmd::main()
}
