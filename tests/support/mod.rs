//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every valid sample stack: `(name, path to stack.yml)`, sorted by name.
pub fn sample_stacks() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let dir = entry.unwrap().path();
        let file = dir.join("stack.yml");
        if file.is_file() {
            out.push((
                dir.file_name().unwrap().to_string_lossy().into_owned(),
                file,
            ));
        }
    }
    out.sort();
    out
}

/// Find an external validator on PATH. When it is missing the test is skipped with a message —
/// unless `STACKCHEF_REQUIRE_VALIDATORS=1` (set by `scripts/test` and CI), where a missing
/// validator fails the test.
pub fn validator(name: &str) -> Option<PathBuf> {
    let found = stackchef::which::find_executable(name);
    if found.is_none() {
        if std::env::var("STACKCHEF_REQUIRE_VALIDATORS").as_deref() == Ok("1") {
            panic!("validator `{name}` is required (STACKCHEF_REQUIRE_VALIDATORS=1) but not on PATH; run scripts/test, which installs it");
        }
        eprintln!("SKIPPED: validator `{name}` not found on PATH (scripts/test installs it)");
    }
    found
}

/// Load a sample through the real loader (panics with the rendered error if it is invalid).
pub fn load_sample(path: &Path) -> stackchef::stack::Stack {
    stackchef::stack::load_file(path).unwrap_or_else(|e| panic!("{}", e.render(false)))
}

/// A stack.yml with `n` launched images, each running a named service on a port: the shape
/// whose CloudFormation template grows fastest.
pub fn many_images_stack(n: usize) -> String {
    many_images_stack_in(
        n,
        "aws:\n  region: eu-west-1\n  vpc_id: vpc-0123456789abcdef0\n  subnet_ids: [subnet-0123456789abcdef0]\n  internal_zone: shop.internal\n",
    )
}

/// [`many_images_stack`] with its own `aws:` section.
pub fn many_images_stack_in(n: usize, aws_section: &str) -> String {
    let mut yaml = format!(
        "name: shop\nmaintainer: Ops\nmaintainer_email: ops@shop.example\n{aws_section}images:\n"
    );
    for i in 1..=n {
        yaml.push_str(&format!("  image{i}:\n    count: 1\n"));
    }
    yaml.push_str("services:\n");
    for i in 1..=n {
        yaml.push_str(&format!(
            "  svc{i}:\n    image: image{i}\n    command: /opt/shop/svc\n    port: {}\n    dns: svc{i}\n",
            8000 + i
        ));
    }
    yaml
}

/// The fewest images of [`many_images_stack`]'s shape whose template CloudFormation will not
/// take inline (over 51,200 bytes).
pub fn images_over_inline_limit() -> usize {
    let templates = stackchef::templates::Templates::load(None).unwrap();
    (1..200)
        .find(|&n| {
            let stack = stackchef::stack::load_str(&many_images_stack(n), "stack.yml").unwrap();
            let plan =
                stackchef::generate::plan(&stack, &[stackchef::generate::Target::Aws], &templates)
                    .unwrap();
            plan.get("aws/stack.cfn.yaml").unwrap().contents.len() > 51_200
        })
        .expect("some number of images crosses 51,200 bytes")
}

/// Copy a fixture folder into a fresh temporary folder (fix tests change files).
pub fn copy_to_temp(src: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(src, tmp.path());
    tmp
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Lint `dir` with only rule `code` (preview or not) and return its findings.
pub fn lint_one_rule(dir: &Path, code: &str) -> Vec<stackchef::diag::Diagnostic> {
    let options = stackchef::lint::Options::resolve(
        &stackchef::lint::LintConfig::default(),
        &[code.to_string()],
        &[],
        None,
    )
    .unwrap();
    stackchef::lint::lint_paths(&[dir.to_path_buf()], options)
        .unwrap()
        .diagnostics
}

/// Where a display path of a lint of `dir` is on disk: display paths are relative to the
/// current directory when `dir` is below it, else to `dir` (a temporary copy is elsewhere).
fn on_disk(dir: &Path, display: &str) -> PathBuf {
    let cwd = std::env::current_dir().unwrap();
    if dir.is_absolute() && !dir.starts_with(&cwd) {
        dir.join(display)
    } else {
        PathBuf::from(display)
    }
}

/// A test-only stand-in for the fix engine, to test one rule's fixer on its own: lint `dir`
/// (a temporary copy) with rule `code`, apply every fix of that rule whose applicability is
/// allowed (overlapping ones wait for the next pass), write the files, and repeat until
/// nothing is fixed (at most 10 passes). Returns the number of fixes applied.
pub fn apply_rule_fixes(dir: &Path, code: &str, allow_unsafe: bool) -> usize {
    use stackchef::lint::fix::{apply_replacements, Applicability, Edit, FixContext};
    let rule = stackchef::lint::find_rule(code).expect("a rule code");
    let fixer = rule.fix.expect("the rule declares a fixer");
    let mut applied = 0;
    for _ in 0..10 {
        let options = stackchef::lint::Options::resolve(
            &stackchef::lint::LintConfig::default(),
            &[code.to_string()],
            &[],
            None,
        )
        .unwrap();
        let outcome = stackchef::lint::lint_paths(&[dir.to_path_buf()], options).unwrap();
        let ctx = FixContext::new(&outcome.repo);
        let mut taken: Vec<Edit> = Vec::new();
        let mut this_pass = 0;
        for d in &outcome.diagnostics {
            let Some(fix) = (fixer.make)(&ctx, d) else {
                continue;
            };
            if fix.applicability == Applicability::Unsafe && !allow_unsafe {
                continue;
            }
            let mut trial: Vec<&Edit> = taken.iter().collect();
            trial.extend(fix.edits.iter());
            let conflicts = fix.edits.iter().any(|e| {
                let same: Vec<&Edit> = trial
                    .iter()
                    .copied()
                    .filter(|t| t.path() == e.path())
                    .collect();
                let text = ctx.file(e.path()).map_or("", |f| f.text.as_str());
                let whole_file = same.iter().any(|t| !matches!(t, Edit::Replace { .. }));
                (whole_file && same.len() > 1) || apply_replacements(text, &same).is_none()
            });
            if conflicts {
                continue;
            }
            taken.extend(fix.edits);
            this_pass += 1;
        }
        if this_pass == 0 {
            break;
        }
        applied += this_pass;
        let mut paths: Vec<&str> = taken.iter().map(Edit::path).collect();
        paths.sort();
        paths.dedup();
        for path in paths {
            let edits: Vec<&Edit> = taken.iter().filter(|e| e.path() == path).collect();
            let target = on_disk(dir, path);
            match edits[0] {
                Edit::Create { text, .. } => {
                    if let Some(parent) = target.parent() {
                        std::fs::create_dir_all(parent).unwrap();
                    }
                    std::fs::write(&target, text).unwrap();
                }
                Edit::Delete { .. } => std::fs::remove_file(&target).unwrap(),
                Edit::Replace { .. } => {
                    let text = ctx.file(path).expect("a linted file").text.as_str();
                    let fixed = apply_replacements(text, &edits).unwrap();
                    std::fs::write(&target, fixed).unwrap();
                }
            }
        }
    }
    applied
}
