//! How `check`, `generate` and `lint` grow with their input.
//!
//! `cargo bench --bench growth` builds inputs at 1×, 4× and 16× a base size in a temporary
//! folder — a stack.yml with N images (each running one service with a DNS name), a lint repo
//! with N cookbooks, and one recipe N times longer — times the library entry points the CLI
//! calls, and prints the time at 1× and the factors 4×/1× and 16×/1×. Linear work gives about
//! 4 and 16; a factor well above that is superlinear growth (a quadratic step shows as ~16 and
//! ~256). `STACKCHEF_GROWTH_BASE` (default 10) sets N at 1×; `STACKCHEF_GROWTH_RUNS` (default
//! 3) the runs per point (the median is reported).
//!
//! `generate` is the whole write path of a first run into an empty directory: load, render,
//! lock, reconcile, and the safe writer (staging, syncing and renaming every file), for the
//! cookbooks, packer and ci targets (CloudFormation's limits refuse an aws stack this large).
//! `check` is the load and the summary, without the aws render.

use std::path::Path;
use std::time::{Duration, Instant};

// The allocator of the `stackchef` binary, so that the benchmark measures what the CLI does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use stackchef::lint::{self, Options};
use stackchef::plan::manifest::Manifest;
use stackchef::plan::writer;
use stackchef::plan::Target;
use stackchef::templates::Templates;

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

/// A stack.yml with a base image and `n - 1` images layered on it, each running a service.
fn stack_yml(n: usize) -> String {
    let mut s = String::from(
        "name: big\nmaintainer: Ops\nmaintainer_email: ops@big.example\nimages:\n  base:\n    packages: [curl]\n",
    );
    for i in 1..n {
        s.push_str(&format!(
            "  img{i}:\n    from: base\n    packages: [nginx]\n"
        ));
    }
    s.push_str("services:\n");
    for i in 1..n {
        s.push_str(&format!(
            "  svc{i}:\n    image: img{i}\n    command: /opt/big/bin/svc{i} --port {port}\n    port: {port}\n    dns: svc{i}\n    environment: {{ RACK_ENV: production }}\n",
            port = 2000 + i
        ));
    }
    s
}

/// One attribute-heavy cookbook with a few recipes.
fn cookbook(root: &Path, i: usize) {
    let name = format!("cb{i:05}");
    let dir = root.join("cookbooks").join(&name);
    write(
        &dir.join("metadata.rb"),
        &format!("name '{name}'\nmaintainer 'Bench'\nversion '1.0.0'\nchef_version '>= 16.0'\n"),
    );
    let mut attrs = String::new();
    for k in 0..20 {
        attrs.push_str(&format!("default['{name}']['setting_{k}'] = 'value {k}'\n"));
    }
    write(&dir.join("attributes/default.rb"), &attrs);
    write(
        &dir.join("recipes/default.rb"),
        &format!("include_recipe '{name}::install'\n\npackage 'curl'\n"),
    );
    write(&dir.join("recipes/install.rb"), &recipe(&name, 3));
}

/// A recipe of `blocks` resource blocks.
fn recipe(name: &str, blocks: usize) -> String {
    let mut r = String::new();
    for b in 0..blocks {
        r.push_str(&format!(
            "template '/etc/{name}/{b}.conf' do\n  source 'app.conf.erb'\n  owner 'root'\n  mode '0644'\n  variables(port: node['{name}']['setting_{k}'])\n  notifies :restart, 'service[{name}]', :delayed\nend\n\nexecute 'step {b}' do\n  command \"/opt/{name}/bin/step {b}\"\n  not_if {{ ::File.exist?('/var/lib/{name}/{b}') }}\nend\n\n",
            k = b % 20
        ));
    }
    r
}

/// The median of `runs` timings of `f`, each after `setup`.
fn median(runs: usize, mut setup: impl FnMut(), mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            setup();
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn check(stack: &Path) {
    let loaded = stackchef::stack::load_file(stack).unwrap();
    std::hint::black_box(stackchef::cmd::check::summary(&loaded));
}

/// `stackchef generate -f stack -o out` without the printing.
fn generate(stack: &Path, out: &Path) -> usize {
    let loaded = stackchef::stack::load_file(stack).unwrap();
    let templates = Templates::load(None).unwrap();
    // Not aws: CloudFormation's limits cap one stack at about a hundred images (generate
    // refuses more), and its template is one file whatever the size.
    let targets = [Target::Cookbooks, Target::Packer, Target::Ci];
    let plan = stackchef::generate::plan(&loaded, &targets, &templates).unwrap();
    let lock = writer::Lock::exclusive(out, &|_| {}).unwrap();
    let manifest = Manifest::load(out).unwrap();
    let changes = writer::reconcile(out, &plan, &targets, &manifest, false).unwrap();
    let next = writer::next_manifest(&manifest, &changes, &targets, "bench");
    writer::apply(&lock, &changes, &next).unwrap();
    plan.len()
}

fn lint_repo(root: &Path) {
    let outcome = lint::lint_paths(&[root.to_path_buf()], Options::default()).unwrap();
    std::hint::black_box(lint::report::render(
        stackchef::lint::report::Format::Json,
        &outcome,
        false,
    ));
}

struct Row {
    name: String,
    unit: String,
    times: Vec<Duration>,
}

fn main() {
    // `cargo bench` passes `--bench`; without it (`cargo test --all-targets`) this is a smoke
    // test at the smallest size.
    let smoke = !std::env::args().any(|a| a == "--bench");
    let base = if smoke {
        2
    } else {
        env("STACKCHEF_GROWTH_BASE", 10).max(2)
    };
    // Enough lines that one recipe's time is not lost in the fixed cost of a run.
    let blocks = base * 40;
    let runs = if smoke {
        1
    } else {
        env("STACKCHEF_GROWTH_RUNS", 3).max(1)
    };
    let scales = [1, 4, 16];
    // Under target/: the system's temporary directory may be a small or busy file system.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let root = dir.path();
    let mut rows = vec![
        Row {
            name: "check".into(),
            unit: format!("{base} images"),
            times: vec![],
        },
        Row {
            name: "generate".into(),
            unit: String::new(),
            times: vec![],
        },
        Row {
            name: "lint, N cookbooks".into(),
            unit: format!("{base} cookbooks"),
            times: vec![],
        },
        Row {
            name: "lint, one long recipe".into(),
            unit: format!("{blocks} blocks"),
            times: vec![],
        },
    ];
    for scale in scales {
        let n = base * scale;
        let stack = root.join(format!("stack-{scale}.yml"));
        write(&stack, &stack_yml(n));
        rows[0].times.push(median(runs, || {}, || check(&stack)));

        // A new directory per run, nothing deleted in between: ext4 skips recently freed
        // inodes when allocating, which made each run slower than the one before.
        let mut files = 0;
        let run = std::cell::Cell::new(0);
        rows[1].times.push(median(
            runs,
            || run.set(run.get() + 1),
            || files = generate(&stack, &root.join(format!("out-{scale}-{}", run.get()))),
        ));
        if scale == 1 {
            rows[1].unit = format!("{files} files");
        }

        let repo = root.join(format!("repo-{scale}"));
        for i in 0..n {
            cookbook(&repo, i);
        }
        rows[2].times.push(median(runs, || {}, || lint_repo(&repo)));

        let long = root.join(format!("long-{scale}"));
        write(
            &long.join("cookbooks/long/metadata.rb"),
            "name 'long'\nversion '1.0.0'\n",
        );
        write(
            &long.join("cookbooks/long/recipes/default.rb"),
            &recipe("long", blocks * scale),
        );
        rows[3].times.push(median(runs, || {}, || lint_repo(&long)));
    }

    println!("growth with input size (median of {runs} runs; linear is about 4 and 16)\n");
    println!(
        "{:<24} {:<16} {:>10} {:>8} {:>8}",
        "step", "1x input", "time 1x", "4x/1x", "16x/1x"
    );
    for row in &rows {
        let t1 = row.times[0].as_secs_f64();
        let factor = |t: Duration| {
            if t1 > 0.0 {
                format!("{:.1}", t.as_secs_f64() / t1)
            } else {
                "-".to_string()
            }
        };
        println!(
            "{:<24} {:<16} {:>8.1}ms {:>8} {:>8}",
            row.name,
            row.unit,
            t1 * 1000.0,
            factor(row.times[1]),
            factor(row.times[2])
        );
    }
}
