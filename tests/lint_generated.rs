//! The cookbooks stackchef generates must lint clean: every sample stack, through the real
//! `generate::plan`, written to a temporary folder and linted with every rule at every level.

mod support;

use stackchef::generate;
use stackchef::lint::{self, LintConfig, Options};
use stackchef::plan::Target;
use stackchef::templates::Templates;

#[test]
fn generated_cookbooks_have_no_findings() {
    let templates = Templates::load(None).unwrap();
    let samples = support::sample_stacks();
    assert!(samples.len() >= 3, "{samples:?}");
    for (name, path) in samples {
        let stack = support::load_sample(&path);
        let plan = generate::plan(&stack, &[Target::Cookbooks], &templates).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut written = 0;
        for file in plan.files() {
            let target = dir.path().join(&file.path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, &file.contents).unwrap();
            written += 1;
        }
        assert!(written > 0, "{name}: nothing generated");
        // Every rule, info level included.
        let options = Options::resolve(&LintConfig::default(), &[], &[], Some("info")).unwrap();
        let outcome = lint::lint_paths(&[dir.path().to_path_buf()], options).unwrap();
        assert!(
            outcome.repo.cookbooks.len() >= 2,
            "{name}: {} cookbooks found",
            outcome.repo.cookbooks.len()
        );
        let report = lint::report::human::render(&outcome, false);
        assert!(outcome.diagnostics.is_empty(), "{name}:\n{report}");
    }
}
