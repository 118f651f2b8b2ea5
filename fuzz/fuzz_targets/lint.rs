//! Arbitrary bytes as a recipe, an attributes file, a metadata file, a custom resource and an
//! ERB template of one cookbook: linting (every rule, every reporter) must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stackchef::lint::report::Format as LintFormat;
use stackchef::lint::{self, Options, Outcome, Repo};

fuzz_target!(|data: &[u8]| {
    let files: Vec<(String, Vec<u8>)> = [
        "app/metadata.rb",
        "app/recipes/default.rb",
        "app/attributes/default.rb",
        "app/resources/r.rb",
        "app/templates/default/t.erb",
    ]
    .iter()
    .map(|p| (p.to_string(), data.to_vec()))
    .collect();
    let repo = Repo::from_memory(&files);
    let options = Options::resolve(&Default::default(), &[], &[], Some("info")).unwrap();
    let diagnostics = lint::check(&repo, &options);
    let outcome = Outcome {
        repo,
        diagnostics,
        options,
    };
    for format in [
        LintFormat::Human,
        LintFormat::Json,
        LintFormat::Sarif,
        LintFormat::Junit,
        LintFormat::Github,
    ] {
        let _ = lint::report::render(format, &outcome, false);
    }
});
