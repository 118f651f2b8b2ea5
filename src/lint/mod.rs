//! The cookbook linter: cookbook tree → parsed files → rules → diagnostics → reporter. This
//! file is the pipeline ([`Options`], [`lint_paths`], [`check`], [`Outcome`]); each stage is a
//! folder, and a stage imports only the stages before it (`tests/architecture.rs` checks it):
//!
//! - [`source`]: the lint paths → the files under them (honouring `.gitignore` and
//!   `chefignore`) and the scope the user asked about;
//! - [`parse`]: one file's text → its owned [`facts`] and suppression comments;
//! - [`model`]: the files → the [`Repo`]: every file read and parsed once, in parallel, placed
//!   in its cookbook, with roles, lock files and indexes;
//! - [`fix`]: the vocabulary of autofixes (edits, fixes, fixers), which rules declare beside
//!   their checks; and [`fix::engine`], which applies them and re-runs the pipeline;
//! - [`rules`]: the repo model → findings, one file per rule; rules run in parallel over the
//!   whole model, so a rule can look across files and cookbooks;
//! - [`report`]: an [`Outcome`] → text, one file per output format.
//!
//! [`config`] (the `[lint]` settings) sits beside the pipeline; any stage may read it.

pub mod config;
pub mod fix;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod source;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use rayon::prelude::*;

use crate::diag::{Diagnostic, Severity};

pub use config::{LintConfig, Settings};
pub use model::Repo;
pub use parse::facts;
pub use rules::maturity::Maturity;
pub use rules::rule::Rule;
pub use rules::RULES;

/// Which rules run, at which level, with which thresholds; and what fails the run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Enabled rules with their effective level.
    pub rules: Vec<(&'static Rule, Severity)>,
    pub settings: Settings,
    pub fail_level: Severity,
}

impl Options {
    /// Resolve a configuration plus command-line `--select`/`--ignore`/`--fail-level` (which
    /// take precedence) into the set of rules to run. Unknown selectors are errors.
    pub fn resolve(
        config: &LintConfig,
        select: &[String],
        ignore: &[String],
        fail_level: Option<&str>,
    ) -> Result<Options> {
        let select = if select.is_empty() {
            &config.select
        } else {
            select
        };
        let ignore: Vec<&String> = config.ignore.iter().chain(ignore).collect();
        for sel in select.iter().chain(ignore.iter().copied()) {
            check_selector(sel)?;
        }
        let mut levels: Vec<(&String, Option<Severity>)> = Vec::new();
        for (sel, level) in &config.severity {
            check_selector(sel)?;
            let level = match level.as_str() {
                "off" => None,
                other => Some(Severity::parse(other).ok_or_else(|| {
                    anyhow::anyhow!(
                        "invalid level `{other}` for `{sel}` in [lint.severity]: use error, warning, info or off"
                    )
                })?),
            };
            levels.push((sel, level));
        }
        let fail_level = fail_level
            .or(config.fail_level.as_deref())
            .unwrap_or("warning");
        let fail_level = Severity::parse(fail_level).ok_or_else(|| {
            anyhow::anyhow!("invalid fail level `{fail_level}`: use error, warning or info")
        })?;
        let mut rules = Vec::new();
        for &rule in RULES {
            // A preview rule runs when asked for: `--preview`, or selected by its exact code or
            // name (a family or `all` does not bring it in).
            let asked_for = config.preview
                || select.iter().any(|s| {
                    let s = s.trim();
                    s.eq_ignore_ascii_case(rule.code) || s.eq_ignore_ascii_case(rule.name)
                });
            if rule.maturity() == Maturity::Preview && !asked_for {
                continue;
            }
            let selected = select.is_empty() || select.iter().any(|s| rule.matches(s));
            if !selected || ignore.iter().any(|s| rule.matches(s)) {
                continue;
            }
            // The most specific matching [lint.severity] entry wins (code > family > all).
            let level = levels
                .iter()
                .filter(|(sel, _)| rule.matches(sel))
                .max_by_key(|(sel, _)| specificity(rule, sel))
                .map_or(Some(rule.level), |(_, l)| *l);
            if let Some(level) = level {
                rules.push((rule, level));
            }
        }
        Ok(Options {
            rules,
            settings: config.settings.clone(),
            fail_level,
        })
    }
}

impl Default for Options {
    fn default() -> Self {
        Options::resolve(&LintConfig::default(), &[], &[], None).expect("defaults are valid")
    }
}

fn specificity(rule: &Rule, selector: &str) -> usize {
    if selector.eq_ignore_ascii_case("all") {
        0
    } else if selector.eq_ignore_ascii_case(rule.name) {
        usize::MAX
    } else {
        selector.len()
    }
}

/// Look a rule up by code or name (case-insensitive).
pub fn find_rule(selector: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(selector) || r.name.eq_ignore_ascii_case(selector))
}

fn check_selector(selector: &str) -> Result<()> {
    if RULES.iter().any(|r| r.matches(selector)) {
        return Ok(());
    }
    let mut msg = format!("unknown rule selector `{selector}`");
    if let Some(best) = suggest(selector) {
        msg.push_str(&format!(" (did you mean `{best}`?)"));
    }
    msg.push_str("; `stackchef rules` lists codes, names and families");
    anyhow::bail!(msg)
}

/// The rule code or name closest to `selector`, if one is close enough to be a likely typo.
pub fn suggest(selector: &str) -> Option<String> {
    let lower = selector.to_ascii_lowercase();
    RULES
        .iter()
        .flat_map(|r| [r.code.to_string(), r.name.to_string()])
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The result of a lint run: the repo model (sources included, for snippets) and the sorted
/// findings.
#[derive(Debug)]
pub struct Outcome {
    pub repo: Repo,
    pub diagnostics: Vec<Diagnostic>,
    pub options: Options,
}

impl Outcome {
    /// Whether any finding is at or above the fail level.
    pub fn failed(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity >= self.options.fail_level)
    }

    /// The text of a linted file, by display path.
    pub fn source(&self, path: &str) -> Option<&str> {
        self.repo
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| self.repo.files[i].text.as_str())
            .filter(|t| !t.is_empty())
    }

    /// Findings per rule code, in code order.
    pub fn statistics(&self) -> BTreeMap<&str, usize> {
        let mut stats = BTreeMap::new();
        for d in &self.diagnostics {
            *stats.entry(d.code.as_deref().unwrap_or("")).or_default() += 1;
        }
        stats
    }
}

/// Lint `paths` with `options`. A file among them is linted in its context (its repo, found
/// upward; see [`source::context`]) and only its own findings are kept. `Err` only when a path does
/// not exist.
pub fn lint_paths(paths: &[PathBuf], options: Options) -> Result<Outcome> {
    // A path that does not exist is kept as a root by `scope` and refused by the walk.
    let scope = source::context::scope(paths);
    let repo = Repo::load(&scope.roots)?;
    let mut diagnostics = check(&repo, &options);
    diagnostics.retain(|d| scope.keeps(&d.path));
    Ok(Outcome {
        repo,
        diagnostics,
        options,
    })
}

/// Run the enabled rules over a loaded repo, in parallel; findings sorted by path, position
/// and code.
pub fn check(repo: &Repo, options: &Options) -> Vec<Diagnostic> {
    let ctx = rules::rule::Context::new(repo, &options.settings);
    let order = |a: &Diagnostic, b: &Diagnostic| {
        (&a.path, a.location, &a.code, &a.message).cmp(&(&b.path, b.location, &b.code, &b.message))
    };
    // Each rule's findings are sorted on the worker that found them (usually already in file
    // order, so nearly free); the final sort then only merges one sorted run per rule, which
    // the standard library's sort detects, instead of sorting everything on one thread.
    let per_rule: Vec<Vec<Diagnostic>> = options
        .rules
        .par_iter()
        .map(|&(rule, level)| {
            let mut sink = rules::rule::Sink::new(rule, level);
            (rule.check)(&ctx, &mut sink);
            sink.out.sort_by(order);
            sink.out
        })
        .collect();
    let mut diagnostics = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
    for found in per_rule {
        diagnostics.extend(found);
    }
    diagnostics.sort_by(order);
    diagnostics
}

/// The `stackchef rules` table.
pub fn rules_table() -> String {
    let width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<8} {:<width$} {:<8} {:<8} {:<6} {}\n",
        "CODE", "NAME", "LEVEL", "MATURITY", "FIX", "SUMMARY"
    );
    for r in RULES {
        out.push_str(&format!(
            "{:<8} {:<width$} {:<8} {:<8} {:<6} {}\n",
            r.code,
            r.name,
            r.level.as_str(),
            r.maturity().as_str(),
            r.fix.map_or("", |f| f.applicability.as_str()),
            r.summary
        ));
    }
    out.push_str(
        "\nPreview rules run with `--preview`, or when selected by their exact code or name.\n\
         FIX: `safe` fixes are applied by `stackchef lint --fix`, `unsafe` ones also need `--unsafe-fixes`.\n\
         `stackchef explain CODE` shows a rule's documentation and how its precision was measured.\n",
    );
    out
}

/// The text `stackchef explain` prints for a rule.
pub fn explanation(rule: &Rule) -> String {
    let fix = match rule.fix {
        Some(f) => format!("Fix: {} ({})", f.summary, f.applicability.as_str()),
        None => "Fix: none".to_string(),
    };
    format!(
        "# {} {}\n\nDefault level: {}. {}.\n\n{}\n\n{}\n\n{}\n",
        rule.code,
        rule.name,
        rule.level.as_str(),
        rule.summary,
        rules::maturity::explain(rule.code),
        fix,
        rule.doc_markdown()
    )
}
