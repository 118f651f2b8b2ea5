//! stackchef: one `stack.yml` in, Chef cookbooks, Packer templates, a CI script and AWS
//! definitions out; plus a cookbook linter.
//!
//! Two pipelines, one per job:
//! - generate: `stack.yml` → [`stack::Stack`] → [`plan::Plan`] of files (one module per target
//!   under [`generate`]) → the safe writer in [`plan`];
//! - lint: cookbook tree → parsed files → rules → diagnostics → reporter (see [`lint`]).
//!
//! [`cmd`] is the command line on top of both: the only module that sees clap, prints, and
//! chooses exit codes; nothing below imports it.

// Output goes through `output` (a closed pipe ends it quietly instead of panicking).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cmd;
pub mod deploy;
pub mod diag;
pub mod generate;
pub mod lint;
pub mod output;
pub mod plan;
pub mod stack;
pub mod templates;
pub mod which;
