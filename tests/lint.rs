//! The linter end to end: every output format on the sample repos (snapshots plus a parser or
//! typed model for each machine format), the CLI contract (exit codes, flags, config,
//! suppression), and `rules` / `explain`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use stackchef::lint::report::Format as LintFormat;
use stackchef::lint::{self, LintConfig, Options, Outcome, RULES};

/// The sample repos linted together as `samples/lint`; each repo under
/// `samples/lint/fixtures/` is a repo of its own, checked by `tests/lint_fixtures.rs`.
const SAMPLE_REPOS: &[&str] = &["bad", "broken", "clean", "legacy", "locked"];

fn lint_samples(path: &str) -> Outcome {
    let paths: Vec<PathBuf> = if path == "samples/lint" {
        SAMPLE_REPOS
            .iter()
            .map(|repo| Path::new(path).join(repo))
            .collect()
    } else {
        vec![PathBuf::from(path)]
    };
    // Every rule, preview ones included: the samples show each rule firing.
    let config = LintConfig {
        preview: true,
        ..LintConfig::default()
    };
    let options = Options::resolve(&config, &[], &[], None).unwrap();
    lint::lint_paths(&paths, options).unwrap()
}

fn stackchef() -> Command {
    Command::cargo_bin("stackchef").unwrap()
}

fn codes(outcome: &Outcome) -> BTreeSet<String> {
    outcome
        .diagnostics
        .iter()
        .filter_map(|d| d.code.clone())
        .collect()
}

#[test]
fn every_rule_fires_on_the_samples() {
    let outcome = lint_samples("samples/lint");
    let all: BTreeSet<String> = RULES.iter().map(|r| r.code.to_string()).collect();
    assert_eq!(codes(&outcome), all);
    // … and nothing fires in the clean repo.
    let clean: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.path.starts_with("samples/lint/clean/"))
        .collect();
    assert!(clean.is_empty(), "{clean:#?}");
}

#[test]
fn clean_sample_has_no_findings() {
    let outcome = lint_samples("samples/lint/clean");
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert_eq!(outcome.repo.cookbooks.len(), 2);
    assert!(!outcome.failed());
}

#[test]
fn human_format() {
    let outcome = lint_samples("samples/lint");
    insta::assert_snapshot!(lint::report::render(LintFormat::Human, &outcome, false));
}

#[test]
fn json_format() {
    let outcome = lint_samples("samples/lint");
    let text = lint::report::render(LintFormat::Json, &outcome, false);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(
        value["findings"].as_array().unwrap().len(),
        outcome.diagnostics.len()
    );
    assert_eq!(value["summary"]["failed"], true);
    let schema: serde_json::Value = serde_json::from_str(lint::report::json::SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The schema is strict enough to catch a drifting field.
    let mut broken = value.clone();
    broken["findings"][0]["severity"] = "fatal".into();
    assert!(!validator.is_valid(&broken));
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_format_round_trips_through_the_typed_model() {
    let outcome = lint_samples("samples/lint");
    let text = lint::report::render(LintFormat::Sarif, &outcome, false);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Every field we write is a SARIF 2.1.0 field of the right type: the typed model
    // (generated from the official schema) reads it and writes back exactly the same JSON.
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), value);
    let run = &value["runs"][0];
    assert_eq!(value["version"], "2.1.0");
    assert_eq!(
        run["results"].as_array().unwrap().len(),
        outcome.diagnostics.len()
    );
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        RULES.len()
    );
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("samples/lint/"), "{uri}");
    }
    insta::assert_snapshot!(text);
}

#[test]
fn junit_format_parses_as_xml() {
    let outcome = lint_samples("samples/lint");
    let text = lint::report::render(LintFormat::Junit, &outcome, false);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, outcome.diagnostics.len());
    assert_eq!(
        root.attribute("failures").unwrap(),
        outcome.diagnostics.len().to_string()
    );
    let suites = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .count();
    assert!(suites >= outcome.repo.files.len());
    insta::assert_snapshot!(text);
}

#[test]
fn github_format() {
    let outcome = lint_samples("samples/lint");
    let text = lint::report::render(LintFormat::Github, &outcome, false);
    assert_eq!(text.lines().count(), outcome.diagnostics.len());
    for line in text.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn statistics() {
    let outcome = lint_samples("samples/lint");
    insta::assert_snapshot!(lint::report::human::statistics(&outcome));
}

#[test]
fn output_is_deterministic() {
    let a = lint::report::render(LintFormat::Json, &lint_samples("samples/lint"), false);
    let b = lint::report::render(LintFormat::Json, &lint_samples("samples/lint"), false);
    assert_eq!(a, b);
}

#[test]
fn exit_codes() {
    stackchef()
        .args(["lint", "samples/lint/clean"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("No problems found"));
    stackchef()
        .args(["lint", "samples/lint/bad"])
        .assert()
        .code(1);
    // Only info findings below the default fail level (warning): exit 0.
    stackchef()
        .args(["lint", "samples/lint/bad", "--select", "INC003,INC004"])
        .assert()
        .code(0);
    stackchef()
        .args([
            "lint",
            "samples/lint/bad",
            "--select",
            "INC003",
            "--fail-level",
            "info",
        ])
        .assert()
        .code(1);
    stackchef()
        .args([
            "lint",
            "samples/lint/bad",
            "--fail-level",
            "error",
            "--ignore",
            "INC",
        ])
        .assert()
        .code(0);
    let empty = tempfile::tempdir().unwrap();
    stackchef()
        .arg("lint")
        .arg(empty.path())
        .assert()
        .code(0)
        .stderr(predicates::str::contains("no cookbook files"));
    stackchef()
        .args(["lint", "samples/lint/no-such-dir"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
    stackchef()
        .args(["lint", "samples/lint/bad", "--select", "INC0001"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown rule selector"));
    stackchef()
        .args(["lint", "samples/lint/bad", "--fail-level", "fatal"])
        .assert()
        .code(2);
}

#[test]
fn select_and_ignore_take_codes_names_and_families() {
    let run = |args: &[&str]| {
        let out = stackchef()
            .args(["lint", "samples/lint/bad", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        run(&["--select", "ATTR005"]),
        BTreeSet::from(["ATTR005".into()])
    );
    assert_eq!(
        run(&["--select", "undefined-attribute"]),
        BTreeSet::from(["ATTR005".into()])
    );
    assert!(run(&["--select", "INC"])
        .iter()
        .all(|c| c.starts_with("INC")));
    assert!(!run(&["--ignore", "ATTR,INC006"])
        .iter()
        .any(|c| c.starts_with("ATTR") || c == "INC006"));
}

#[test]
fn output_file_and_formats_from_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lint.sarif");
    stackchef()
        .args(["lint", "samples/lint/bad", "--format", "sarif", "--output"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("\"version\": \"2.1.0\""));
    stackchef()
        .args(["lint", "samples/lint/bad", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("::error file=samples/lint/bad/"));
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const META: &str = "name 'app'\nversion '1.0.0'\nlicense 'Apache-2.0'\nchef_version '>= 17.0'\nsupports 'ubuntu'\n";

#[test]
fn config_file_is_found_upward_and_can_be_given() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            ("cookbooks/app/metadata.rb", META),
            (
                "cookbooks/app/recipes/default.rb",
                "node.default['app']['x'] = 1\n",
            ),
        ],
    );
    // ATTR007 is a preview rule: off by default, on with --preview or its exact code.
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app"])
        .assert()
        .code(0);
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app", "--preview"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("ATTR007"));
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app", "--select", "ATTR007"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("ATTR007"));
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app", "--select", "ATTR"])
        .assert()
        .code(0);
    write(root, &[("preview.toml", "[lint]\npreview = true\n")]);
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app", "--config", "preview.toml"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("ATTR007"));
    write(
        root,
        &[(
            ".stackchef.toml",
            "[other]\nkey = 1\n\n[lint.severity]\nrecipe-sets-attribute = \"off\"\n",
        )],
    );
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app", "--preview"])
        .assert()
        .code(0);
    write(
        root,
        &[("strict.toml", "[lint.severity]\nATTR = \"error\"\n")],
    );
    stackchef()
        .current_dir(root)
        .args([
            "lint",
            "cookbooks/app",
            "--config",
            "strict.toml",
            "--preview",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("error[ATTR007]"));
    write(root, &[("bad.toml", "[lint]\nselct = [\"INC\"]\n")]);
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app", "--config", "bad.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown field `selct`"));
    write(
        root,
        &[
            (
                "cookbooks/app/attributes/default.rb",
                "default['app']['y'] = 1\n",
            ),
            (
                "low.toml",
                "[lint.settings]\nmax-attribute-assignments = 0\n",
            ),
        ],
    );
    stackchef()
        .current_dir(root)
        .args(["lint", "cookbooks/app", "--select", "ATTR001"])
        .assert()
        .code(0);
    stackchef()
        .current_dir(root)
        .args([
            "lint",
            "cookbooks/app",
            "--config",
            "low.toml",
            "--select",
            "ATTR001",
        ])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("more than 0"));
}

#[test]
fn inline_suppression() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            ("app/metadata.rb", META),
            (
                "app/recipes/default.rb",
                "node.default['app']['a'] = 1 # stackchef:disable ATTR007\nnode.default['app']['b'] = 2\nnode.default['app']['c'] = 3 # stackchef:disable recipe-sets-attribute\n",
            ),
            (
                "app/recipes/other.rb",
                "# stackchef:disable-file ATTR\nnode.default['app']['d'] = 1\n",
            ),
        ],
    );
    let options = Options::resolve(&LintConfig::default(), &["ATTR007".into()], &[], None).unwrap();
    let outcome = lint::lint_paths(&[root.join("app")], options).unwrap();
    let found: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code.as_deref() == Some("ATTR007"))
        .map(|d| d.position())
        .collect();
    assert_eq!(found, ["recipes/default.rb:2:1"]);
}

#[test]
fn rules_lists_every_rule() {
    let out = stackchef().arg("rules").assert().code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for rule in RULES {
        assert!(
            text.contains(rule.code) && text.contains(rule.name),
            "{}",
            rule.code
        );
    }
    insta::assert_snapshot!(text);
    let out = stackchef().args(["rules", "--json"]).assert().code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), RULES.len());
}

#[test]
fn every_rule_is_documented_and_explainable() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in RULES {
        assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
        assert!(names.insert(rule.name), "duplicate name {}", rule.name);
        assert!(
            rule.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            rule.name
        );
        let doc = rule.doc_markdown();
        let mut last = 0;
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            let at = doc
                .find(heading)
                .unwrap_or_else(|| panic!("{}: missing `{heading}`", rule.code));
            assert!(at >= last, "{}: headings out of order", rule.code);
            last = at;
        }
        for key in [rule.code.to_string(), rule.name.to_lowercase()] {
            stackchef()
                .args(["explain", &key])
                .assert()
                .code(0)
                .stdout(predicates::str::contains("## Why is this bad?"))
                .stdout(predicates::str::contains(rule.code));
        }
    }
    insta::assert_snapshot!(lint::explanation(lint::find_rule("INC001").unwrap()));
    stackchef()
        .args(["explain", "include-only-recipes"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "did you mean `include-only-recipe`",
        ));
}

/// What a pre-commit hook does: lint the changed files by name. Each is linted in the context
/// of its repo (here its cookbook's attributes and metadata), and only its own findings are
/// reported — it used to say "No problems found" for a file whose folder had problems.
#[test]
fn a_file_is_linted_in_the_context_of_its_repo() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        &[
            ("cookbooks/app/metadata.rb", META),
            (
                "cookbooks/app/attributes/default.rb",
                "default['app']['unused'] = 1\n",
            ),
            (
                "cookbooks/app/recipes/default.rb",
                "node.set['app']['x'] = 1\ninclude_recipe 'app::missing'\n",
            ),
            (
                "cookbooks/app/recipes/other.rb",
                "node.set['app']['y'] = 1\n",
            ),
        ],
    );
    let out = stackchef()
        .current_dir(root)
        .args(["lint", "--preview", "cookbooks/app/recipes/default.rb"])
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    // LEG001 needs nothing else; INC009 needs the cookbook's other recipes to know `missing`
    // is not one of them.
    assert!(text.contains("error[LEG001]"), "{text}");
    assert!(text.contains("error[INC009]"), "{text}");
    assert!(
        text.lines()
            .filter(|l| l.contains("-->"))
            .all(|l| l.contains(" cookbooks/app/recipes/default.rb:")),
        "{text}"
    );
    // The same from anywhere, with an absolute path.
    let abs = root.join("cookbooks/app/recipes/default.rb");
    stackchef()
        .current_dir(std::env::temp_dir())
        .args(["lint", "--preview", abs.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("error[INC009]"));
}
