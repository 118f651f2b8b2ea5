//! The `stackchef` binary: parse arguments, call into the library, map results to exit codes.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use stackchef::cli::{AwsCommand, Cli, ColorChoice, Command};
use stackchef::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let result = match &cli.command {
        Command::Init(args) => commands::init(args),
        Command::Check(args) => commands::check(args, color),
        Command::Generate(args) => commands::generate(args, color),
        Command::Lint(args) => stackchef::lint::run(args, color),
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
