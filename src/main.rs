//! The `stackchef` binary: parse arguments, call into the library, map results to exit codes.

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
            clap_complete::generate(
                args.shell,
                &mut Cli::command(),
                "stackchef",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
        Command::Aws(AwsCommand::Deploy(args)) => stackchef::deploy::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("{}", commands::render_error(&err, color));
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
