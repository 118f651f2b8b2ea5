//! Property tests: whatever bytes a recipe, attributes file, metadata file or ERB template
//! holds, linting returns findings (never a panic), every finding points inside its file, and
//! every reporter renders it.

use proptest::prelude::*;
use stackchef::lint::report::Format as LintFormat;
use stackchef::lint::{self, Options, Outcome, Repo};

/// A cookbook whose four Ruby-ish files all hold `bytes`.
fn lint_bytes(bytes: &[u8]) -> Outcome {
    let files: Vec<(String, Vec<u8>)> = [
        "app/metadata.rb",
        "app/recipes/default.rb",
        "app/attributes/default.rb",
        "app/templates/default/t.erb",
        "app/resources/r.rb",
    ]
    .iter()
    .map(|p| (p.to_string(), bytes.to_vec()))
    .collect();
    let repo = Repo::from_memory(&files);
    let options = Options::resolve(&Default::default(), &[], &[], Some("info")).unwrap();
    let diagnostics = lint::check(&repo, &options);
    Outcome {
        repo,
        diagnostics,
        options,
    }
}

fn check_outcome(outcome: &Outcome) {
    for d in &outcome.diagnostics {
        let Some(loc) = d.location else { continue };
        let text = outcome.source(&d.path).unwrap_or("");
        let lines = text.split('\n').count().max(1);
        assert!(loc.line >= 1 && loc.line <= lines, "{d:?}");
        assert!(loc.column >= 1 && loc.len >= 1, "{d:?}");
    }
    for format in [
        LintFormat::Human,
        LintFormat::Json,
        LintFormat::Sarif,
        LintFormat::Junit,
        LintFormat::Github,
    ] {
        let text = lint::report::render(format, outcome, true);
        if format == LintFormat::Junit {
            roxmltree::Document::parse(&text).unwrap();
        }
        if matches!(format, LintFormat::Json | LintFormat::Sarif) {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    }
}

/// Fragments of cookbook Ruby and ERB, recombined into plausible (and implausible) files.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("default['app']['port'] = 80\n".to_string()),
        Just("node.default['app'][x] ||= node['app']['y']\n".to_string()),
        Just("include_recipe 'other::thing'\n".to_string()),
        Just("include_recipe \"app::#{node['x']}\"\n".to_string()),
        Just("package 'nginx' do\n  action [:install, :upgrade]\n".to_string()),
        Just("end\n".to_string()),
        Just("service 'x' do\n  action [:enable, :restart]\nend\n".to_string()),
        Just("depends 'java'\nname 'app'\n".to_string()),
        Just("<%= node['app']['port'] %>\n".to_string()),
        Just("<% if @x -%>\n".to_string()),
        Just("<%# comment %> <%% literal %>\n".to_string()),
        Just("execute 'systemctl restart x'\n".to_string()),
        Just("password 'hunter2-x'\nlog '10.1.2.3'\n".to_string()),
        Just("# stackchef:disable-file ATTR\n".to_string()),
        Just("resources('service[x]').action(:nothing)\n".to_string()),
        Just("action :create do\n  template '/etc/x'\nend\n".to_string()),
        "[ -~]{0,40}\n",
        "\\PC{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_outcome(&lint_bytes(&bytes));
    }

    #[test]
    fn cookbook_like_text_never_panics(parts in proptest::collection::vec(fragment(), 0..20)) {
        let text = parts.concat();
        let outcome = lint_bytes(text.as_bytes());
        check_outcome(&outcome);
        // Deterministic.
        let again = lint_bytes(text.as_bytes());
        prop_assert_eq!(&outcome.diagnostics, &again.diagnostics);
    }
}
