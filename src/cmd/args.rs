//! Command-line definitions (clap derive). Behaviour lives in the library; this file only
//! describes the interface, so `--help` is the user's manual.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

pub use crate::lint::report::Format as LintFormat;
use crate::plan::Target;

#[derive(Debug, Parser)]
#[command(
    name = "stackchef",
    version,
    about = "Generate Chef cookbooks, Packer templates, a CI script and AWS definitions from one stack.yml, and lint cookbooks",
    long_about = "stackchef turns one declarative project description (stack.yml) into:\n  \
        - Chef cookbooks: a library of custom resources and thin per-image cookbooks\n  \
        - Packer templates that bake layered AMIs, and a CI script that builds them\n  \
        - least-privilege IAM and Route53 internal DNS as a CloudFormation stack\n\
        and lints existing cookbooks for attribute-heavy and include-all patterns.",
    after_help = "Examples:\n  stackchef init\n  stackchef check -f stack.yml\n  stackchef generate -f stack.yml -o infra\n  stackchef lint cookbooks/\n\n\
Exit codes:\n  0  success; nothing at or above the fail level; --check found the tree fresh\n  \
1  lint findings at or above the fail level, or --check found stale files or conflicts\n  \
2  usage error, invalid stack.yml, or an I/O error (nothing was written)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter stack.yml (never overwrites an existing file).
    #[command(
        after_help = "Examples:\n  stackchef init            # writes ./stack.yml\n  stackchef init infra/     # writes infra/stack.yml"
    )]
    Init(InitArgs),
    /// Validate stack.yml and print what would be generated.
    #[command(after_help = concat!("Examples:\n  stackchef check\n  stackchef check -f samples/webapp/stack.yml\n  render-stack | stackchef check -f -      # from standard input\n\n", "Exit codes: 0 valid, 2 invalid (every error is reported, with file:line:column)."))]
    Check(CheckArgs),
    /// Generate cookbooks, Packer templates, the CI script and AWS definitions.
    #[command(
        after_help = "Examples:\n  stackchef generate -f stack.yml -o infra           # everything\n  render-stack | stackchef generate -f - -o infra    # stack.yml from standard input\n  stackchef generate packer -o infra                 # only the Packer templates\n  stackchef generate --check -o infra                # CI: exit 1 if anything is stale\n  stackchef generate --diff --dry-run -o infra       # preview changes\n\nExit codes: 0 written or fresh, 1 --check found changes or conflicts, 2 invalid input."
    )]
    Generate(GenerateArgs),
    /// Lint cookbooks or a whole chef repo.
    #[command(
        after_help = "Examples:\n  stackchef lint                         # the current directory\n  stackchef lint cookbooks/ --format github\n  stackchef lint --select INC,ATTR --fail-level error\n  stackchef lint --format sarif --output lint.sarif\n  stackchef lint --fix                   # apply the safe fixes, report the rest\n  stackchef lint --diff --unsafe-fixes   # show every fix as a diff, write nothing\n\nFixes (ruff's model): --fix applies the safe fixes, --unsafe-fixes adds the unsafe ones, --diff shows them, --fix-only applies them without reporting the rest; --select/--ignore limit which rules fix. Every fixed file is re-parsed and re-linted before anything is written; a fix that breaks a file or does not remove its finding is rolled back and reported (exit 2). Files are replaced atomically, and a file edited since the lint read it is not overwritten (exit 2).\n\nExit codes: 0 nothing at or above the fail level (--fix-only: fixed), 1 findings at or above it (--diff: there is something to fix), 2 usage or I/O error, a fix rolled back, or a file changed during the run."
    )]
    Lint(LintArgs),
    /// List every lint rule with its code and default level.
    Rules(RulesArgs),
    /// Print a lint rule's documentation: what it flags, why, an example and the fix.
    #[command(
        after_help = "Examples:\n  stackchef explain INC001\n  stackchef explain include-only-recipe"
    )]
    Explain(ExplainArgs),
    /// Print the JSON Schema of stack.yml (for editor completion).
    #[command(
        after_help = "Example (yaml-language-server):\n  stackchef schema > stack.schema.json\n  # then first line of stack.yml:  # yaml-language-server: $schema=stack.schema.json"
    )]
    Schema,
    /// Print shell completions.
    #[command(
        after_help = "Example:\n  stackchef completions bash > /etc/bash_completion.d/stackchef"
    )]
    Completions(CompletionsArgs),
    /// AWS operations.
    #[command(subcommand)]
    Aws(AwsCommand),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write stack.yml into.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Project name (default: derived from the directory name).
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The project description: a path, or `-` for standard input (at most 16 MiB).
    #[arg(short = 'f', long = "file", default_value = "stack.yml")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// What to generate (default: all).
    #[arg(value_enum)]
    pub targets: Vec<Target>,
    /// The project description: a path, or `-` for standard input (at most 16 MiB).
    #[arg(short = 'f', long = "file", default_value = "stack.yml")]
    pub file: PathBuf,
    /// Output directory.
    #[arg(short = 'o', long = "out", default_value = ".")]
    pub out: PathBuf,
    /// Print what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Show a unified diff of every file that would change.
    #[arg(long)]
    pub diff: bool,
    /// Write nothing; exit 1 if any file would be created, updated or removed, or conflicts.
    #[arg(long, conflicts_with = "force")]
    pub check: bool,
    /// Overwrite files a person edited since they were generated.
    #[arg(long)]
    pub force: bool,
    /// Directory whose files override the built-in templates, file by file
    /// (same layout: cookbook-templates/…, packer-templates/…, aws-templates/…).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

// The library's target as a `generate` argument, so clap stays out of `plan`.
impl ValueEnum for Target {
    fn value_variants<'a>() -> &'a [Self] {
        &Target::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()).help(self.description()))
    }
}

// The library's report format as a `--format` value, so clap stays out of `lint`.
impl ValueEnum for LintFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &LintFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Cookbooks, or chef repos containing cookbooks/ (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    pub format: LintFormat,
    /// Only run these rules (codes like INC001, names, or families like INC), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip these rules (codes, names or families), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Lowest level that makes the exit code 1: error, warning or info.
    #[arg(long, value_name = "LEVEL")]
    pub fail_level: Option<String>,
    /// Print a count of findings per rule.
    #[arg(long)]
    pub statistics: bool,
    /// Also run the preview rules: those whose precision on real repositories is not yet
    /// measured at 95% (`stackchef rules` shows each rule's maturity).
    #[arg(long)]
    pub preview: bool,
    /// Configuration file (default: .stackchef.toml found upward from the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Apply the safe fixes (`stackchef rules` shows which rules have one), then report what
    /// is left. Only the selected rules (`--select`/`--ignore`) fix.
    #[arg(long)]
    pub fix: bool,
    /// Also apply the unsafe fixes (behaviour may change) with `--fix`, `--diff` or
    /// `--fix-only`; alone, only counts what they would fix.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the unified diff of what `--fix` would change and write nothing (exit 1 if
    /// there is any). With `--output FILE`, write the diff there (a patch `git apply` takes).
    #[arg(long, conflicts_with_all = ["fix", "fix_only", "format", "statistics"])]
    pub diff: bool,
    /// Apply the fixes like `--fix` but do not report the findings left (exit 0 unless a fix
    /// failed).
    #[arg(long)]
    pub fix_only: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule code (e.g. INC001) or name.
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate completions for.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Subcommand)]
pub enum AwsCommand {
    /// Apply the generated CloudFormation stack with the AWS CLI (idempotent).
    #[command(
        after_help = "Examples:\n  stackchef aws deploy -o infra                      # shows the change set, asks first\n  stackchef aws deploy -o infra --yes --profile prod\n  stackchef aws deploy -o infra --ami web=ami-0123456789abcdef0"
    )]
    Deploy(DeployArgs),
}

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The project description.
    #[arg(short = 'f', long = "file", default_value = "stack.yml")]
    pub file: PathBuf,
    /// Directory stackchef generated into (holds aws/stack.cfn.yaml and packer/manifest.json).
    #[arg(short = 'o', long = "out", default_value = ".")]
    pub out: PathBuf,
    /// AMI id for an image, overriding the Packer manifest (repeatable): IMAGE=ami-…
    #[arg(long, value_name = "IMAGE=AMI")]
    pub ami: Vec<String>,
    /// Apply without asking.
    #[arg(long)]
    pub yes: bool,
    /// AWS region (default: aws.region from stack.yml).
    #[arg(long)]
    pub region: Option<String>,
    /// AWS CLI profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint URL (e.g. a local AWS emulator).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// CloudFormation stack name (default: <name>-stackchef).
    #[arg(long)]
    pub stack_name: Option<String>,
    /// S3 bucket the AWS CLI uploads the template to before deploying it; required when
    /// aws/stack.cfn.yaml is over 51,200 bytes (CloudFormation's limit for a template passed
    /// inline). The bucket must exist, in the deploy region.
    #[arg(long, value_name = "BUCKET")]
    pub s3_bucket: Option<String>,
    /// Key prefix of the uploaded template in --s3-bucket (e.g. `cloudformation/shop`).
    #[arg(long, value_name = "PREFIX", requires = "s3_bucket")]
    pub s3_prefix: Option<String>,
}
