//! The `stackchef` binary: parse arguments, call into the library, map results to exit codes.

// Output goes through `stackchef::output` (a closed pipe ends it quietly instead of panicking).
#![deny(clippy::print_stdout, clippy::print_stderr)]

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use stackchef::cli::{AwsCommand, Cli, ColorChoice, Command};
use stackchef::commands;

// `stackchef lint` makes millions of small allocations (facts for every file of a repo);
// mimalloc makes and frees them markedly faster than the system allocator (README, "Speed").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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
        Command::Init(args) => commands::init(args),
        Command::Check(args) => commands::check(args, color),
        Command::Generate(args) => commands::generate(args, stdout_color),
        Command::Lint(args) => stackchef::lint::run(args, stdout_color),
        Command::Rules(args) => stackchef::lint::list_rules(args),
        Command::Explain(args) => stackchef::lint::explain(args),
        Command::Schema => commands::schema(),
        Command::Completions(args) => {
            // clap_complete panics when its writer fails: render in memory, print through
            // `output`, which ends quietly on a closed pipe.
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "stackchef", &mut script);
            stackchef::output::print_str(&String::from_utf8_lossy(&script)).map(|()| 0)
        }
        Command::Aws(AwsCommand::Deploy(args)) => stackchef::deploy::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            stackchef::errln!("{}", commands::render_error(&err, color));
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
