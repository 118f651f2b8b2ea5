//! Linter throughput against the parse-only floor.
//!
//! `cargo bench --bench lint` builds a synthetic chef repo in a temporary folder (cookbooks in
//! the styles the rules target: attribute-heavy, include-all, legacy, and clean
//! resource-driven ones), then times, on the same files:
//! - parse-only: walk + read + prism parse of every Ruby file and the Ruby of every template —
//!   the floor no linter that parses can beat;
//! - full lint: the same plus facts, the repo model, every rule, and the JSON report.
//!
//! It prints files/s and MB/s for both, their ratio, CPU time over wall time (how well the
//! work spreads over the cores) and the process's peak memory.
//! `STACKCHEF_BENCH_COOKBOOKS` (default 1500) sets the corpus size; `STACKCHEF_BENCH_RUNS`
//! (default 5) the runs per measurement (the median and the fastest are reported; the floor
//! and the full lint alternate, so that load from other processes falls on both alike); `STACKCHEF_BENCH_DIR`
//! measures an existing repo instead (a path that does not exist gets the corpus, kept there).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

// The allocator of the `stackchef` binary, so that the benchmark measures what the CLI does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use stackchef::lint::report::Format as LintFormat;
use stackchef::lint::{self, Options};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// One cookbook; `i` picks its style so every rule family has work to do.
fn cookbook(root: &Path, i: usize) {
    let name = format!("cb{i:05}");
    let dir = root.join("cookbooks").join(&name);
    let dep = format!("cb{:05}", (i + 1) % 1_000_000);
    let style = i % 4;
    write(
        &dir.join("metadata.rb"),
        &format!(
            "name '{name}'\nmaintainer 'Bench'\nmaintainer_email 'bench@example.com'\nlicense 'Apache-2.0'\ndescription 'Synthetic cookbook {i}'\nversion '1.{style}.0'\nchef_version '>= 16.0'\nsupports 'ubuntu'\ndepends '{dep}'\n"
        ),
    );
    let mut attrs = String::new();
    let n_attrs = if style == 0 { 40 } else { 8 };
    for k in 0..n_attrs {
        attrs.push_str(&format!("default['{name}']['setting_{k}'] = 'value {k}'\n"));
    }
    attrs.push_str(&format!(
        "default['{name}']['url'] = \"http://#{{node['{name}']['setting_1']}}:8080\"\n"
    ));
    attrs.push_str(&format!("default['{dep}']['port'] = {}\n", 8000 + style));
    write(&dir.join("attributes/default.rb"), &attrs);

    let includes = if style == 1 {
        format!("include_recipe '{name}::install'\ninclude_recipe '{name}::config'\ninclude_recipe '{name}::service'\n")
    } else {
        format!("include_recipe '{name}::install'\n\npackage 'curl'\n")
    };
    write(&dir.join("recipes/default.rb"), &includes);
    write(
        &dir.join("recipes/install.rb"),
        &format!(
            "group node['{name}']['setting_0']\n\nuser node['{name}']['setting_0'] do\n  group node['{name}']['setting_0']\n  home '/opt/{name}'\n  manage_home false\nend\n\nremote_file '/tmp/{name}.tgz' do\n  source \"https://artifacts.example.com/{name}/#{{node['{name}']['setting_2']}}.tgz\"\n  checksum 'abc123'\nend\n\nexecute 'unpack {name}' do\n  command 'tar xzf /tmp/{name}.tgz -C /opt'\n  creates '/opt/{name}/bin/run'\nend\n"
        ),
    );
    write(
        &dir.join("recipes/config.rb"),
        &format!(
            "template '/etc/{name}.conf' do\n  source 'app.conf.erb'\n  owner 'root'\n  mode '0644'\n  variables(\n    port: node['{name}']['setting_3'],\n    workers: node['{name}']['setting_4'],\n    url: node['{name}']['url']\n  )\n  notifies :restart, 'service[{name}]', :delayed\nend\n\n{}\n",
            if style == 2 {
                format!("node.normal['{name}']['configured'] = true\nexecute 'systemctl daemon-reload'\n")
            } else {
                String::new()
            }
        ),
    );
    write(
        &dir.join("recipes/service.rb"),
        &format!(
            "{name}_service '{name}' do\n  command '/opt/{name}/bin/run --port 8080'\n  user 'app'\nend\n\nservice '{name}' do\n  action [:enable, :start]\nend\n"
        ),
    );
    write(
        &dir.join("resources/service.rb"),
        &format!(
            "{}provides :{name}_service\n\nproperty :command, String, required: true\nproperty :user, String, default: 'root'\n\naction :create do\n  systemd_unit \"#{{new_resource.name}}.service\" do\n    content(Unit: {{ Description: new_resource.name }}, Service: {{ ExecStart: new_resource.command, User: new_resource.user }})\n    action [:create, :enable]\n  end\nend\n",
            if style == 3 { "" } else { "unified_mode true\n" }
        ),
    );
    let mut template = String::from("# Managed by Chef\n");
    for k in 0..n_attrs.max(12) {
        template.push_str(&format!(
            "setting_{k} = <%= node['{name}']['setting_{}'] %>\n",
            k % n_attrs
        ));
    }
    template.push_str(
        "<% if @workers -%>\nworkers = <%= @workers %>\n<% end -%>\nport = <%= @port %>\n",
    );
    write(&dir.join("templates/app.conf.erb"), &template);
}

fn corpus(root: &Path, cookbooks: usize) {
    (0..cookbooks)
        .into_par_iter()
        .for_each(|i| cookbook(root, i));
    write(
        &root.join("roles/web.json"),
        r#"{ "name": "web", "run_list": ["recipe[cb00000]", "recipe[cb00001]"] }"#,
    );
}

/// The floor: find (the linter's own parallel walk), read, and prism-parse every Ruby file and
/// template, in parallel.
fn parse_only(root: &Path) -> (usize, usize) {
    let (found, _) = lint::source::walk::discover(&[root.to_path_buf()]).unwrap();
    let files: Vec<PathBuf> = found
        .into_iter()
        .map(|(path, _)| path)
        .filter(|p| {
            let name = p.to_string_lossy();
            name.ends_with(".rb") || name.ends_with(".erb")
        })
        .collect();
    let bytes: usize = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read(path).unwrap();
            let errors = if path.extension().is_some_and(|e| e == "erb") {
                let (code, _) = lint::parse::erb::ruby_of(&text);
                let result = ruby_prism::parse(&code);
                let errors = result.errors().count();
                errors
            } else {
                ruby_prism::parse(&text).errors().count()
            };
            assert_eq!(errors, 0, "{}", path.display());
            text.len()
        })
        .sum();
    (files.len(), bytes)
}

/// The whole linter, report included. The outcome is returned, not dropped: the CLI never
/// frees the model (it exits right after writing the report), so the caller frees it after
/// the clock has stopped.
fn full_lint(root: &Path) -> (lint::Outcome, String) {
    let outcome = lint::lint_paths(&[root.to_path_buf()], every_rule()).unwrap();
    let report = lint::report::render(LintFormat::Json, &outcome, false);
    assert!(report.len() > 2);
    (outcome, report)
}

/// User + system CPU time of this process so far (from /proc; Linux only).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

struct Measure {
    /// The median run.
    wall: Duration,
    cpu: Option<Duration>,
    /// The fastest run: the least disturbed by other processes on a shared machine.
    min: Duration,
}

/// Time `f`; what it returns is dropped after the clock stops.
fn time<T>(f: &mut impl FnMut() -> T) -> (Duration, Option<Duration>) {
    let cpu0 = cpu_time();
    let t0 = Instant::now();
    let result = f();
    let wall = t0.elapsed();
    let cpu = cpu0.zip(cpu_time()).map(|(a, b)| b.saturating_sub(a));
    drop(result);
    (wall, cpu)
}

fn summary(mut samples: Vec<(Duration, Option<Duration>)>) -> Measure {
    samples.sort();
    let (wall, cpu) = samples[samples.len() / 2];
    Measure {
        wall,
        cpu,
        min: samples[0].0,
    }
}

/// Time `a` and `b` alternately, `runs` times each, so that load from other processes on a
/// shared machine falls on both measurements alike.
fn measure_both<A, B>(
    runs: usize,
    mut a: impl FnMut() -> A,
    mut b: impl FnMut() -> B,
) -> (Measure, Measure) {
    let (sa, sb) = (0..runs).map(|_| (time(&mut a), time(&mut b))).unzip();
    (summary(sa), summary(sb))
}

fn line(label: &str, m: &Measure, files: usize, bytes: usize) {
    let secs = m.wall.as_secs_f64();
    let cores = m
        .cpu
        .map(|c| format!("{:.2}", c.as_secs_f64() / secs))
        .unwrap_or_else(|| "?".into());
    println!(
        "{label:<12} {:>8.1} ms (min {:>6.1}) {:>10.0} files/s {:>8.1} MB/s   cpu/wall {cores}",
        secs * 1000.0,
        m.min.as_secs_f64() * 1000.0,
        files as f64 / secs,
        bytes as f64 / secs / 1e6,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let cookbooks = if quick {
        20
    } else {
        env("STACKCHEF_BENCH_COOKBOOKS", 1500)
    };
    let runs = if quick {
        1
    } else {
        env("STACKCHEF_BENCH_RUNS", 5).max(1)
    };
    // STACKCHEF_BENCH_DIR: measure that repo; a path that does not exist yet gets the
    // generated corpus, and keeps it.
    let given = std::env::var_os("STACKCHEF_BENCH_DIR").map(PathBuf::from);
    let temp = tempfile::tempdir().unwrap();
    let root = given.as_deref().unwrap_or(temp.path());
    if given.is_none() || !root.exists() {
        corpus(root, cookbooks);
    }

    let (files, bytes) = parse_only(root);
    let lines: usize = ignore::WalkBuilder::new(root)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| std::fs::read(e.path()).map_or(0, |b| memchr::memchr_iter(b'\n', &b).count()))
        .sum();
    let cookbooks = lint::Repo::load(&[root.to_path_buf()]).map_or(0, |r| r.cookbooks.len());
    println!(
        "corpus: {cookbooks} cookbooks, {files} Ruby/ERB files, {:.1} MB, {lines} lines; {} threads; median and min of {runs}, floor and full lint alternating",
        bytes as f64 / 1e6,
        rayon::current_num_threads()
    );
    // Warm the page cache, then measure.
    parse_only(root);
    let mut findings = 0;
    let mut lint_files = 0;
    let (floor, full) = measure_both(
        runs,
        || parse_only(root),
        || {
            let (outcome, report) = full_lint(root);
            lint_files = outcome.repo.files.len();
            findings = outcome.diagnostics.len();
            (outcome, report)
        },
    );
    line("parse-only", &floor, files, bytes);
    line("full lint", &full, files, bytes);
    println!(
        "ratio full/parse-only: {:.2}x median, {:.2}x min   ({lint_files} files linted, {findings} findings)",
        full.wall.as_secs_f64() / floor.wall.as_secs_f64(),
        full.min.as_secs_f64() / floor.min.as_secs_f64()
    );
    // The walk alone, with and without following symbolic links (the linter follows them, to
    // lint linked cookbooks and report link loops).
    for follow in [false, true] {
        let t = Instant::now();
        let n = ignore::WalkBuilder::new(root)
            .follow_links(follow)
            .require_git(false)
            .add_custom_ignore_filename("chefignore")
            .build()
            .count();
        println!(
            "walk (follow links: {follow}): {:.1} ms for {n} entries",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    // In memory, one thread: prism alone vs prism + fact extraction.
    let texts: Vec<(bool, String)> = lint::source::walk::discover(&[root.to_path_buf()])
        .unwrap()
        .0
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rb" || e == "erb"))
        .map(|(p, _)| {
            let erb = p.extension().is_some_and(|e| e == "erb");
            (erb, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    let code = |erb: bool, text: &str| {
        if erb {
            lint::parse::erb::ruby_of(text.as_bytes()).0
        } else {
            text.as_bytes().to_vec()
        }
    };
    let t = Instant::now();
    for (erb, text) in &texts {
        let c = code(*erb, text);
        let result = ruby_prism::parse(&c);
        std::hint::black_box(result.errors().count());
    }
    let parse = t.elapsed();
    let t = Instant::now();
    for (erb, text) in &texts {
        let c = code(*erb, text);
        std::hint::black_box(lint::parse::ruby::extract(&c, text));
    }
    let facts = t.elapsed();
    // STACKCHEF_BENCH_PROFILE=facts|rules|floor|lint: loop one phase ten or twenty
    // times (for a profiler) and stop; `setup` stops before any loop.
    let profile = std::env::var("STACKCHEF_BENCH_PROFILE").unwrap_or_default();
    if profile == "facts" {
        for _ in 0..20 {
            for (erb, text) in &texts {
                let c = code(*erb, text);
                std::hint::black_box(lint::parse::ruby::extract(&c, text));
            }
        }
        return;
    }
    if profile == "setup" {
        // What the other modes cost before their loop (to subtract from a profile).
        return;
    }
    if profile == "floor" {
        for _ in 0..10 {
            std::hint::black_box(parse_only(root));
        }
        return;
    }
    if profile == "lint" {
        for _ in 0..10 {
            // Not freed, as in the timed runs (the few MB of a profiling corpus stay).
            std::mem::forget(std::hint::black_box(full_lint(root)));
        }
        return;
    }
    if profile == "rules" {
        let repo = lint::Repo::load(&[root.to_path_buf()]).unwrap();
        for _ in 0..20 {
            std::hint::black_box(lint::check(&repo, &every_rule()));
        }
        return;
    }
    println!(
        "in memory, 1 thread: prism {:.1} ms, prism + facts {:.1} ms",
        parse.as_secs_f64() * 1000.0,
        facts.as_secs_f64() * 1000.0
    );
    // Where the full lint's time goes (one run).
    let t = Instant::now();
    let repo = lint::Repo::load(&[root.to_path_buf()]).unwrap();
    let load = t.elapsed();
    let options = every_rule();
    let t = Instant::now();
    let diagnostics = lint::check(&repo, &options);
    let rules = t.elapsed();
    let t = Instant::now();
    let outcome = lint::Outcome {
        repo,
        diagnostics,
        options,
    };
    let report = lint::report::render(LintFormat::Json, &outcome, false);
    let render = t.elapsed();
    let mut per_rule: Vec<(Duration, &str)> = lint::RULES
        .iter()
        .map(|rule| {
            let options = Options::resolve(
                &lint::LintConfig::default(),
                &[rule.code.to_string()],
                &[],
                None,
            )
            .unwrap();
            let t = Instant::now();
            lint::check(&outcome.repo, &options);
            (t.elapsed(), rule.code)
        })
        .collect();
    per_rule.sort_by(|a, b| b.cmp(a));
    let slowest: Vec<String> = per_rule
        .iter()
        .take(5)
        .map(|(d, code)| format!("{code} {:.1} ms", d.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "phases: walk+read+parse+facts {:.1} ms, rules {:.1} ms, JSON report {:.1} ms ({} KB)",
        load.as_secs_f64() * 1000.0,
        rules.as_secs_f64() * 1000.0,
        render.as_secs_f64() * 1000.0,
        report.len() / 1024
    );
    println!("slowest rules (alone): {}", slowest.join(", "));
    let t = Instant::now();
    drop(outcome);
    println!(
        "freeing the model: {:.1} ms (the CLI skips this: the process exits)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    if let Some(mb) = peak_memory_mb() {
        println!("peak memory (whole process): {mb:.0} MB");
    }
}

/// Every rule, preview ones included: the bench measures the most work a lint can do. With
/// `STACKCHEF_BENCH_RULES=stable`, the default set (stable rules only, what `stackchef lint`
/// runs without `--preview`).
fn every_rule() -> Options {
    let stable_only = std::env::var("STACKCHEF_BENCH_RULES").is_ok_and(|v| v == "stable");
    let config = lint::LintConfig {
        preview: !stable_only,
        ..lint::LintConfig::default()
    };
    Options::resolve(&config, &[], &[], None).expect("defaults are valid")
}
