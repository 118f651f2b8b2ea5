//! The command line, the only layer that sees clap's types, prints, and turns outcomes into
//! exit codes. One file per subcommand; each returns the process exit code, and an error
//! becomes [`EXIT_ERROR`] here, rendered by [`render_error`].
//!
//! The library modules below it (`stack`, `generate`, `plan`, `lint`, `deploy`) return typed
//! outcomes and errors and never import this module (`tests/architecture.rs` checks it).

pub mod args;
pub mod aws;
pub mod check;
pub mod completions;
pub mod generate;
pub mod init;
pub mod lint;
pub mod schema;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::diag::{Severity, UserError};
use crate::stack::StackError;
use args::{AwsCommand, Cli, ColorChoice, Command};

/// Success; nothing at or above the fail level; `--check` found the tree fresh.
pub const EXIT_OK: u8 = 0;
/// Lint findings at or above the fail level, or `--check` found stale files or conflicts.
pub const EXIT_FINDINGS: u8 = 1;
/// Usage error, invalid input, or an I/O error.
pub const EXIT_ERROR: u8 = 2;

/// The `stackchef` binary: parse the arguments, run the subcommand, map its result to an exit
/// code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Colour is decided per stream: `stackchef lint > report.txt` from a terminal must not
    // get escape codes in the file, while its errors on stderr still may.
    let wants_color = |stream_is_terminal: bool| match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let color = wants_color(std::io::stderr().is_terminal());
    let stdout_color = wants_color(std::io::stdout().is_terminal());
    let result = match &cli.command {
        Command::Init(args) => init::run(args),
        Command::Check(args) => check::run(args, color),
        Command::Generate(args) => generate::run(args, stdout_color),
        Command::Lint(args) => lint::run(args, stdout_color),
        Command::Rules(args) => lint::list_rules(args),
        Command::Explain(args) => lint::explain(args),
        Command::Schema => schema::run(),
        Command::Completions(args) => completions::run(args),
        Command::Aws(AwsCommand::Deploy(args)) => aws::deploy(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            crate::errln!("{}", render_error(&err, color));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Render an error for the terminal: a `stack.yml` error with its snippets, anything else
/// (a [`crate::diag::UserError`] with its notes and help, or a plain error) as `error: …`
/// followed by its causes.
pub fn render_error(err: &anyhow::Error, color: bool) -> String {
    if let Some(stack_err) = err.downcast_ref::<StackError>() {
        return stack_err.render(color).trim_end().to_string();
    }
    crate::diag::render_error_chain(err)
}

/// Warnings that do not stop the command, on standard error.
fn print_warnings(warnings: &[UserError]) {
    for warning in warnings {
        crate::errln!("{}", warning.render(Severity::Warning));
    }
}
