//! Property test of `lint --fix --unsafe-fixes`: the sample cookbooks, mutated at random (legacy
//! attribute writes, services restarted on every run, noise), fixed in memory by the engine.
//! Whatever the mutation, the fixes never leave a `.rb` file that prism (or `ruby -c`, when
//! installed) rejects, never touch a file that had no finding of a rule with a fix, and never
//! trip the engine's own verification (a rolled-back fix is a bug in that fixer).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use proptest::prelude::*;
use stackchef::lint::fix::engine::{self, FixRequest};
use stackchef::lint::fix::Applicability;
use stackchef::lint::{self, LintConfig, Options, Repo};

/// Every file of the sample repos that the fixes could touch, by path below `samples/lint`.
fn samples() -> &'static Vec<(String, String)> {
    static FILES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let root = support::root().join("samples/lint");
        let mut out = Vec::new();
        for repo in ["legacy", "clean", "bad"] {
            collect(&root, &root.join(repo), &mut out);
        }
        out.sort();
        out
    })
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((rel, text));
        }
    }
}

/// Statements a legacy cookbook might hold, fixable or near misses.
fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("node.set['app']['installed'] = true\n".to_string()),
        Just("node.set_unless['app']['secret'] = 'x'\n".to_string()),
        Just("node.set['a']['b'] ||= [1, 2]\n".to_string()),
        Just("node.set['a'][name] = { 'k' => node['v'] }\n".to_string()),
        Just("set['app']['port'] = 8080\n".to_string()),
        Just("set_unless['app']['workers'] = 4\n".to_string()),
        Just("x = node.set['a']; node.set['b']['c'] = 1\n".to_string()),
        Just("service 'nginx' do\n  action [:enable, :restart]\nend\n".to_string()),
        Just(
            "service 'redis' do\n  action [:enable, :start, :restart, :reload]\nend\n".to_string()
        ),
        Just("service 'mc' do\n  action %i[restart start]\nend\n".to_string()),
        Just("service 'lone' do\n  action :restart\nend\n".to_string()),
        Just("systemd_unit 'u' do\n  action [\n    :restart,\n    :enable\n  ]\nend\n".to_string()),
        Just("service 'odd' do\n  action [:enable, 'restart']\nend\n".to_string()),
        Just("node.normal['app']['x'] = 1\n".to_string()),
        Just("# node.set['commented'] = 1\n".to_string()),
        Just("log \"node.set['in_a_string']\"\n".to_string()),
        Just("package 'curl'\n".to_string()),
        Just("def initialize(*args)\n  super\n  @action = :create\nend\n".to_string()),
        Just("def initialize(name, run_context = nil)\n  super\n  @action = :run\n  @home = name\nend\n".to_string()),
    ]
}

/// Insert `stmts` into the Ruby files of the samples, each at a line boundary of a file chosen
/// by `picks`; an insertion that makes the file stop parsing (inside a multi-line expression)
/// is skipped, so every mutated file parses as the original did.
fn mutate(picks: &[(usize, usize, String)]) -> Vec<(String, Vec<u8>)> {
    let mut files: BTreeMap<String, String> = samples().iter().cloned().collect();
    let ruby = mutable_files();
    for (file, line, stmt) in picks {
        let path = &ruby[file % ruby.len()];
        let text = &files[path];
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&i| i <= text.len())
            .collect();
        let at = starts[line % starts.len()];
        let mut new = String::with_capacity(text.len() + stmt.len() + 1);
        new.push_str(&text[..at]);
        if at > 0 && !text[..at].ends_with('\n') {
            new.push('\n');
        }
        new.push_str(stmt);
        new.push_str(&text[at..]);
        let parsed_before = engine::syntax_error(path, text).is_none();
        if !parsed_before || engine::syntax_error(path, &new).is_none() {
            files.insert(path.clone(), new);
        }
    }
    files
        .into_iter()
        .map(|(p, t)| (p, t.into_bytes()))
        .collect()
}

/// The Ruby files `mutate` inserts into, in the order its picks index them.
fn mutable_files() -> Vec<String> {
    samples()
        .iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.ends_with(".rb")
                && (p.contains("/recipes/")
                    || p.contains("/attributes/")
                    || p.contains("/resources/"))
        })
        .cloned()
        .collect()
}

fn options() -> Options {
    let config = LintConfig {
        preview: true,
        ..LintConfig::default()
    };
    Options::resolve(&config, &[], &[], Some("info")).unwrap()
}

proptest! {
    // Each case lints the sample repos a few times: keep the count modest (CI budget).
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn fixes_keep_files_valid_and_touch_only_flagged_files(
        picks in proptest::collection::vec((any::<usize>(), any::<usize>(), statement()), 1..12)
    ) {
        let files = mutate(&picks);
        let repo = Repo::from_memory(&files);
        let options = options();
        let flagged: BTreeSet<String> = lint::check(&repo, &options)
            .into_iter()
            .filter(|d| {
                d.code
                    .as_deref()
                    .and_then(lint::find_rule)
                    .is_some_and(|r| r.fix.is_some())
            })
            .map(|d| d.path)
            .collect();
        let request = FixRequest::new(Applicability::Unsafe);
        let outcome = engine::fix_repo(repo, options, &request, &[], &|_| true);
        prop_assert!(outcome.bugs.is_empty(), "{:?}", outcome.bugs);
        prop_assert!(!outcome.bound_reached);
        let originals: BTreeMap<&str, &[u8]> =
            files.iter().map(|(p, t)| (p.as_str(), t.as_slice())).collect();
        for change in &outcome.changes {
            // A file is changed for a finding in it, or by a multi-file fix for a finding in
            // another file (the run-list migration edits roles; ATTR007 the attributes file).
            let why = outcome.applied.iter().find(|a| a.paths.contains(&change.path));
            prop_assert!(
                why.is_some_and(|a| flagged.contains(&a.finding)),
                "{} changed without a finding", change.path
            );
            let Some(fixed) = &change.fixed else { continue };
            if !change.path.ends_with(".rb") {
                continue;
            }
            let before = originals.get(change.path.as_str()).map(|b| String::from_utf8_lossy(b));
            let parsed_before =
                before.as_deref().is_none_or(|b| engine::syntax_error(&change.path, b).is_none());
            if parsed_before {
                prop_assert_eq!(engine::syntax_error(&change.path, fixed), None, "{}", fixed);
                ruby_check(&change.path, fixed)?;
            }
        }
    }
}

/// `ruby -c` agrees (skipped when ruby is not installed).
fn ruby_check(path: &str, text: &str) -> Result<(), TestCaseError> {
    static RUBY: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    let Some(ruby) = RUBY.get_or_init(|| support::validator("ruby")) else {
        return Ok(());
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fixed.rb");
    std::fs::write(&file, text).unwrap();
    let out = std::process::Command::new(ruby)
        .arg("-c")
        .arg(&file)
        .output()
        .unwrap();
    prop_assert!(
        out.status.success(),
        "ruby -c rejects the fixed {path}: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// The mutations do give the fixes work (else the property above would hold vacuously).
#[test]
fn mutations_are_fixed() {
    let mut picks: Vec<(usize, usize, String)> = (0..6)
        .map(|i| {
            let stmt = if i % 2 == 0 {
                "node.set['a']['b'] = 1\n"
            } else {
                "service 's' do\n  action [:enable, :restart]\nend\n"
            };
            (i * 7, 0, stmt.to_string())
        })
        .collect();
    // An `initialize` at the top of a resource that declares no default action yet (LEG018).
    let resource = mutable_files()
        .iter()
        .position(|p| {
            p.contains("/resources/")
                && !samples()
                    .iter()
                    .any(|(q, text)| q == p && text.contains("default_action"))
        })
        .expect("a sample resource without default_action");
    picks.push((
        resource,
        0,
        "def initialize(*args)\n  super\n  @action = :create\nend\n".to_string(),
    ));
    let files = mutate(&picks);
    let outcome = engine::fix_repo(
        Repo::from_memory(&files),
        options(),
        &FixRequest::new(Applicability::Unsafe),
        &[],
        &|_| true,
    );
    let codes: BTreeSet<&str> = outcome.applied.iter().map(|a| a.code).collect();
    assert!(
        codes.contains("LEG001") && codes.contains("SVC001") && codes.contains("LEG018"),
        "{:?}",
        outcome.applied
    );
    assert!(outcome.bugs.is_empty(), "{:?}", outcome.bugs);
}
