//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
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
                stackchef::generate::plan(&stack, &[stackchef::plan::Target::Aws], &templates)
                    .unwrap();
            plan.get("aws/stack.cfn.yaml").unwrap().contents.len() > 51_200
        })
        .expect("some number of images crosses 51,200 bytes")
}

/// Copy a fixture folder into a fresh temporary folder (fix tests change files), without its
/// symbolic links.
pub fn copy_to_temp(src: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_plain(src, tmp.path());
    tmp
}

/// Lint options that run only the rules `codes` (preview or not), as `--select` does.
pub fn select(codes: &[&str]) -> stackchef::lint::Options {
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    stackchef::lint::Options::resolve(&stackchef::lint::LintConfig::default(), &codes, &[], None)
        .unwrap()
}

/// Lint `dir` with only rule `code` (preview or not) and return its findings.
pub fn lint_one_rule(dir: &Path, code: &str) -> Vec<stackchef::diag::Diagnostic> {
    stackchef::lint::lint_paths(&[dir.to_path_buf()], select(&[code]))
        .unwrap()
        .diagnostics
}

/// Fix what the rules `codes` report under `dir` with the real fix engine (the one behind
/// `stackchef lint --fix`, `--unsafe-fixes` when `allow_unsafe`) and write the result. Returns
/// the engine's outcome: what it applied, and the fixes it rolled back (`bugs`).
pub fn fix_rules(
    dir: &Path,
    codes: &[&str],
    allow_unsafe: bool,
) -> stackchef::lint::fix::engine::FixOutcome {
    use stackchef::lint::fix::{engine, Applicability};
    let applicability = if allow_unsafe {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let outcome = engine::fix_paths(
        &[dir.to_path_buf()],
        select(codes),
        &engine::FixRequest::new(applicability),
    )
    .unwrap();
    let written = engine::write(&outcome, &|holder| panic!("locked by {holder}")).unwrap();
    assert!(written.stale.is_empty(), "not written: {:?}", written.stale);
    outcome
}

/// [`fix_rules`] for one rule on a fixture: the engine must roll nothing back (a rollback is a
/// bug in the fixer) nor stop at its pass bound. Returns the number of fixes applied.
pub fn fix_rule(dir: &Path, code: &str, allow_unsafe: bool) -> usize {
    let outcome = fix_rules(dir, &[code], allow_unsafe);
    assert!(
        outcome.bugs.is_empty(),
        "{code}: the engine rolled back fixes: {:?}",
        outcome.bugs
    );
    assert!(!outcome.bound_reached, "{code}: the pass bound was reached");
    outcome.applied.len()
}

/// `stackchef lint ARGS` run in `dir` as a user would (no color): exit code, stdout, stderr.
pub fn lint_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("stackchef")
        .unwrap()
        .current_dir(dir)
        .arg("lint")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every file under `dir`: path relative to it (`/`-separated) → bytes.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy();
                out.insert(rel.replace('\\', "/"), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Copy a folder, skipping symbolic links (corpus rows may link outside themselves).
pub fn copy_plain(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let to = dst.join(entry.file_name());
        if kind.is_dir() {
            copy_plain(&entry.path(), &to);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

/// Why `text`, the Ruby file at `path`, is invalid: prism's first error, else what `ruby -c`
/// says when `ruby` is given (see [`validator`]); `None` when both accept it.
pub fn invalid_ruby(ruby: Option<&PathBuf>, path: &Path, text: &[u8]) -> Option<String> {
    if let Some(err) = ruby_prism::parse(text).errors().next() {
        return Some(format!("prism: {}", String::from_utf8_lossy(err.message())));
    }
    let out = std::process::Command::new(ruby?)
        .arg("-c")
        .arg(path)
        .output()
        .unwrap();
    (!out.status.success()).then(|| format!("ruby -c: {}", String::from_utf8_lossy(&out.stderr)))
}

/// Every file under `dir` that is not as in `before` (a [`read_tree`]) still parses: `.rb`
/// with prism and `ruby -c` (when ruby is here), `.json` with serde.
pub fn assert_changed_files_parse(dir: &Path, before: &BTreeMap<String, Vec<u8>>) {
    let ruby = validator("ruby");
    for (path, text) in read_tree(dir) {
        if before.get(&path) == Some(&text) {
            continue;
        }
        if path.ends_with(".rb") {
            if let Some(why) = invalid_ruby(ruby.as_ref(), &dir.join(&path), &text) {
                panic!(
                    "{path}: the fixed file is invalid: {why}\n{}",
                    String::from_utf8_lossy(&text)
                );
            }
        } else if path.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{path} is no longer JSON: {e}"));
        }
    }
}

/// The corpus manifest, beside the repository as `scripts/corpus` expects it (a worktree is
/// one level deeper), or `STACKCHEF_CORPUS_MANIFEST`.
pub fn corpus_manifest() -> String {
    match std::env::var("STACKCHEF_CORPUS_MANIFEST") {
        Ok(path) => std::fs::read_to_string(path).ok(),
        Err(_) => [
            "../shared/corpus/manifest.tsv",
            "../../shared/corpus/manifest.tsv",
        ]
        .iter()
        .find_map(|p| std::fs::read_to_string(root().join(p)).ok()),
    }
    .expect("the corpus manifest")
}
