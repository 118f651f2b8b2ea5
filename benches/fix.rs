//! Autofix throughput: `stackchef lint --fix --unsafe-fixes`, in memory (nothing written), over
//! the whole real-world corpus — the target is "autofixing the whole corpus under 1 s".
//! Every rule runs (`--preview`), so every fixer is measured.
//!
//! `cargo bench --bench fix` reads every row of the corpus manifest
//! (`STACKCHEF_CORPUS_MANIFEST`, default `../shared/corpus/manifest.tsv`; `STACKCHEF_BENCH_KINDS`,
//! e.g. `legacy,chef-repo`, keeps only rows of those kinds) extracted
//! under `STACKCHEF_CORPUS_DIR` (default `target/corpus`), fixes each row on its own (as
//! `scripts/corpus` lints them: a row is one repository), and prints the wall time of the whole
//! corpus (median and min of `STACKCHEF_BENCH_RUNS`, default 5), the fixes applied, the files
//! changed, and any fix the engine rolled back. Without the corpus it measures the fix
//! fixtures under `samples/lint/fix` (as `cargo test --benches` does, once).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use stackchef::lint::fix::engine::{self, FixRequest};
use stackchef::lint::fix::Applicability;
use stackchef::lint::{LintConfig, Options};

fn rows(root: &Path) -> Vec<PathBuf> {
    let corpus = std::env::var_os("STACKCHEF_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/corpus"));
    let manifest = std::env::var_os("STACKCHEF_CORPUS_MANIFEST")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/manifest.tsv"));
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return Vec::new();
    };
    let kinds = std::env::var("STACKCHEF_BENCH_KINDS").unwrap_or_default();
    let wanted = |kind: &str| kinds.is_empty() || kinds.split(',').any(|k| k.trim() == kind);
    let mut header: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('\t').collect();
        if header.is_empty() {
            header = cells;
            continue;
        }
        let get = |name: &str| {
            header
                .iter()
                .position(|h| *h == name)
                .and_then(|i| cells.get(i).copied())
                .unwrap_or("")
        };
        if wanted(get("kind")) {
            let dir = corpus.join(get("folder"));
            if dir.is_dir() {
                out.push(dir);
            }
        }
    }
    out
}

struct Run {
    fixes: usize,
    changed: usize,
    bugs: Vec<String>,
    remaining: usize,
    passes: usize,
}

fn fix_all(rows: &[PathBuf]) -> Run {
    // Every rule, preview included: every fixer runs, as `scripts/corpus-fix` does.
    let config = LintConfig {
        preview: true,
        ..LintConfig::default()
    };
    let mut run = Run {
        fixes: 0,
        changed: 0,
        bugs: Vec::new(),
        remaining: 0,
        passes: 0,
    };
    for row in rows {
        let options = Options::resolve(&config, &[], &[], None).unwrap();
        let request = FixRequest::new(Applicability::Unsafe);
        let outcome = engine::fix_paths(std::slice::from_ref(row), options, &request).unwrap();
        run.fixes += outcome.applied.len();
        run.changed += outcome.changes.len();
        run.remaining += outcome.remaining.diagnostics.len();
        run.passes = run.passes.max(outcome.passes);
        for bug in &outcome.bugs {
            run.bugs.push(format!(
                "{} {}/{}: {}",
                bug.code,
                row.display(),
                bug.path,
                bug.reason
            ));
        }
        // As the CLI does: the process would exit here.
        std::mem::forget(outcome);
    }
    run
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut rows = rows(&root);
    let corpus = !rows.is_empty();
    if !corpus {
        rows = ["leg001", "svc001"]
            .iter()
            .flat_map(|r| {
                ["must-fix", "must-not-fix"].map(|k| root.join("samples/lint/fix").join(r).join(k))
            })
            .collect();
    }
    let runs = if quick {
        1
    } else {
        std::env::var("STACKCHEF_BENCH_RUNS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5usize)
            .max(1)
    };
    // Warm the page cache.
    let first = fix_all(&rows);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(fix_all(&rows));
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "autofix (--fix --unsafe-fixes, in memory) over {} {}: median {:.0} ms, min {:.0} ms ({} runs, {} threads)",
        rows.len(),
        if corpus { "corpus rows" } else { "fixtures (no corpus found)" },
        times[times.len() / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        runs,
        rayon::current_num_threads()
    );
    println!(
        "{} fixes applied, {} files changed, {} findings remaining, at most {} passes per row, {} fixes rolled back",
        first.fixes,
        first.changed,
        first.remaining,
        first.passes,
        first.bugs.len()
    );
    for bug in &first.bugs {
        println!("  rolled back: {bug}");
    }
}
