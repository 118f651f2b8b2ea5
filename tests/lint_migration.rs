//! The include-all migration (the unsafe fix of INC001 and INC002) on a sample chef repo with
//! roles in Ruby and JSON, a Policyfile and a node: what it rewrites, what it keeps, that it
//! is idempotent, and that every file it changes still parses.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

const SAMPLE: &str = "samples/lint/fix/include-all-migration";

/// What changed from `before` to `after`, as a listing for a snapshot: each changed file in
/// full, each deleted or added file by name.
fn changes(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (path, text) in before {
        match after.get(path) {
            None => out.push_str(&format!("--- deleted {path}\n")),
            Some(new) if new != text => {
                let new = String::from_utf8_lossy(new);
                out.push_str(&format!("--- changed {path}\n{new}"));
            }
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        out.push_str(&format!("--- added {path}\n"));
    }
    out
}

fn sample() -> tempfile::TempDir {
    support::copy_to_temp(&support::root().join(SAMPLE))
}

fn messages(dir: &Path, code: &str) -> Vec<String> {
    support::lint_one_rule(dir, code)
        .into_iter()
        .map(|d| d.message)
        .collect()
}

#[test]
fn include_only_recipes_become_explicit_run_lists() {
    let dir = sample();
    let before = support::read_tree(dir.path());
    let applied = support::fix_rule(dir.path(), "INC001", true);
    // base::default, app::default and base::hardening (kept: base::security includes it).
    assert_eq!(applied, 3);
    let after = support::read_tree(dir.path());
    insta::assert_snapshot!("include_all_migration", changes(&before, &after));
    support::assert_changed_files_parse(dir.path(), &before);

    // What stays: the recipe another recipe includes (its finding too), the dynamic one, the
    // default recipe with code of its own.
    assert!(after.contains_key("cookbooks/base/recipes/hardening.rb"));
    assert!(after.contains_key("cookbooks/monitoring/recipes/dynamic.rb"));
    assert_eq!(
        messages(dir.path(), "INC001"),
        [
            "recipe `base::hardening` only includes other recipes (2 `include_recipe` calls and nothing else)",
            "recipe `monitoring::dynamic` only includes other recipes (2 `include_recipe` calls and nothing else)",
        ]
    );
    assert_eq!(
        messages(dir.path(), "INC002"),
        ["`monitoring::default` includes 4 of the cookbook's 4 other recipes"]
    );
}

#[test]
fn a_second_run_changes_nothing() {
    let dir = sample();
    support::fix_rule(dir.path(), "INC001", true);
    let once = support::read_tree(dir.path());
    assert_eq!(support::fix_rule(dir.path(), "INC001", true), 0);
    assert_eq!(support::fix_rule(dir.path(), "INC002", true), 0);
    assert_eq!(support::read_tree(dir.path()), once);
}

#[test]
fn safe_fixes_alone_change_nothing() {
    let dir = sample();
    let before = support::read_tree(dir.path());
    assert_eq!(support::fix_rule(dir.path(), "INC001", false), 0);
    assert_eq!(support::fix_rule(dir.path(), "INC002", false), 0);
    assert_eq!(support::read_tree(dir.path()), before);
}

/// INC002's fix is the same migration: fixing it first, then INC001, ends where INC001 alone
/// does.
///
#[test]
fn default_includes_all_migrates_the_same_way() {
    let dir = sample();
    let before = support::read_tree(dir.path());
    assert_eq!(support::fix_rule(dir.path(), "INC002", true), 1);
    let after_inc002 = support::read_tree(dir.path());
    assert!(!after_inc002.contains_key("cookbooks/app/recipes/default.rb"));
    assert!(after_inc002.contains_key("cookbooks/base/recipes/default.rb"));
    support::assert_changed_files_parse(dir.path(), &before);
    support::fix_rule(dir.path(), "INC001", true);

    let alone = sample();
    support::fix_rule(alone.path(), "INC001", true);
    assert_eq!(
        support::read_tree(dir.path()),
        support::read_tree(alone.path())
    );
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const CB: (&str, &str) = ("cookbooks/cb/metadata.rb", "name 'cb'\nversion '1.0.0'\n");
const DEFAULT: (&str, &str) = (
    "cookbooks/cb/recipes/default.rb",
    "include_recipe 'cb::a'\ninclude_recipe 'cb::b'\n",
);
const A: (&str, &str) = ("cookbooks/cb/recipes/a.rb", "package 'a'\n");
const B: (&str, &str) = ("cookbooks/cb/recipes/b.rb", "package 'b'\n");
const ROLE: (&str, &str) = ("roles/r.rb", "name 'r'\nrun_list %w[recipe[cb]]\n");

/// The role is rewritten in every case below; whether the recipe is deleted depends on what
/// else names it.
fn migrated(extra: &[(&str, &str)]) -> (String, bool) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[CB, DEFAULT, A, B, ROLE]);
    write(dir.path(), extra);
    assert_eq!(support::fix_rule(dir.path(), "INC001", true), 1);
    let role = std::fs::read_to_string(dir.path().join(ROLE.0)).unwrap();
    (role, dir.path().join(DEFAULT.0).exists())
}

const MIGRATED_ROLE: &str = "name 'r'\nrun_list %w[recipe[cb::a] recipe[cb::b]]\n";

#[test]
fn the_recipe_goes_when_nothing_else_names_it() {
    assert_eq!(migrated(&[]), (MIGRATED_ROLE.to_string(), false));
}

#[test]
fn the_recipe_stays_while_anything_else_names_it() {
    let role = MIGRATED_ROLE;
    let cases: &[&[(&str, &str)]] = &[
        &[("nodes/n1.json", r#"{"run_list": ["recipe[cb]"]}"#)],
        &[("nodes/n2.json", r#"{"run_list": ["cb::default"]}"#)],
        &[
            ("cookbooks/other/metadata.rb", "name 'other'\n"),
            (
                "cookbooks/other/recipes/default.rb",
                "include_recipe 'cb'\npackage 'x'\n",
            ),
        ],
        &[(
            "cookbooks/cb/spec/default_spec.rb",
            "describe 'cb::default' do\nend\n",
        )],
        &[(
            "cookbooks/cb/spec/unit/default_spec.rb",
            "describe 'the default recipe' do\nend\n",
        )],
        &[(
            "cookbooks/cb/recipes/c.rb",
            "include_recipe \"cb::#{node['x']}\"\npackage 'c'\n",
        )],
        &[("roles/dynamic.rb", "name 'd'\nrun_list ROLES['cb']\n")],
        &[(
            "cookbooks/cb/.kitchen.yml",
            "suites:\n  - name: default\n    run_list:\n      - recipe[cb::default]\n",
        )],
        &[(
            "Vagrantfile",
            "Vagrant.configure('2') do |c|\n  c.vm.provision :chef_solo do |chef|\n    chef.add_recipe 'recipe[cb]'\n  end\nend\n",
        )],
        &[(
            "roles/versioned.json",
            r#"{"run_list": ["recipe[cb@1.0.0]"]}"#,
        )],
    ];
    for extra in cases {
        let (got, kept) = migrated(extra);
        assert_eq!(got, role, "{extra:?}");
        assert!(kept, "the recipe should stay because of {extra:?}");
    }
}

#[test]
fn entries_already_run_are_not_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let role = (
        "roles/r.json",
        "{\"run_list\": [\"cb::b\", \"recipe[cb]\", \"role[x]\", \"recipe[cb::default]\"]}\n",
    );
    let policy = (
        "Policyfile.rb",
        "name 'p'\nrun_list [\n  'cb::a',\n  'cb::b',\n  'cb'\n]\n",
    );
    write(dir.path(), &[CB, DEFAULT, A, B, role, policy]);
    assert_eq!(support::fix_rule(dir.path(), "INC001", true), 1);
    let read = |p: &str| std::fs::read_to_string(dir.path().join(p)).unwrap();
    assert_eq!(
        read(role.0),
        "{\"run_list\": [\"cb::b\", \"recipe[cb::a]\", \"role[x]\"]}\n"
    );
    assert_eq!(
        read(policy.0),
        "name 'p'\nrun_list [\n  'cb::a',\n  'cb::b'\n]\n"
    );
    assert!(!dir.path().join(DEFAULT.0).exists());
}

#[test]
fn no_fix_without_a_run_list_or_for_recipes_that_do_more() {
    for (recipe, extra) in [
        // No role or Policyfile names it.
        (
            DEFAULT.1,
            ("roles/r.rb", "name 'r'\nrun_list 'recipe[cb::a]'\n"),
        ),
        // Conditional, looped, computed and rescued includes.
        (
            "include_recipe 'cb::a' if platform?('ubuntu')\ninclude_recipe 'cb::b'\n",
            ROLE,
        ),
        ("%w(a b).each { |r| include_recipe \"cb::#{r}\" }\n", ROLE),
        ("include_recipe 'cb::a'\ninclude_recipe node['x']\n", ROLE),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[CB, (DEFAULT.0, recipe), A, B, extra]);
        let before = support::read_tree(dir.path());
        assert_eq!(support::fix_rule(dir.path(), "INC001", true), 0, "{recipe}");
        assert_eq!(support::read_tree(dir.path()), before);
    }
}

/// A later entry for a recipe the rewrite now runs earlier is a duplicate Chef would skip: it
/// goes (a versioned one stays, its constraint matters).
#[test]
fn later_duplicates_of_the_expansion_go() {
    let dir = tempfile::tempdir().unwrap();
    let policy = (
        "Policyfile.rb",
        "name 'p'\nrun_list 'cb', 'x::y', 'cb::b', 'cb::a@1.0.0'\n",
    );
    write(dir.path(), &[CB, DEFAULT, A, B, policy]);
    assert_eq!(support::fix_rule(dir.path(), "INC001", true), 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(policy.0)).unwrap(),
        "name 'p'\nrun_list 'cb::a', 'cb::b', 'x::y', 'cb::a@1.0.0'\n"
    );
}

/// The migration on copies of the corpus's chef-repo rows (`target/corpus`, see
/// `scripts/corpus`): counts, and every changed file still parses. Run with
/// `cargo test --test lint_migration -- --ignored --nocapture`.
#[test]
#[ignore = "needs the extracted corpus"]
fn corpus_chef_repos() {
    let root = support::root();
    let manifest = support::corpus_manifest();
    let ruby = support::validator("ruby");
    let (mut fixes, mut deleted, mut roles, mut bad) = (0, 0, 0, 0);
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.get(5) != Some(&"chef-repo") {
            continue;
        }
        let src = root.join("target/corpus").join(cols[0]);
        assert!(src.is_dir(), "{} is not extracted", src.display());
        let dir = tempfile::tempdir().unwrap();
        support::copy_plain(&src, dir.path());
        let before = support::read_tree(dir.path());
        let outcome = support::fix_rules(dir.path(), &["INC001", "INC002"], true);
        let applied = outcome.applied.len();
        for bug in &outcome.bugs {
            eprintln!(
                "  rolled back: {}/{} {}: {}",
                cols[0], bug.path, bug.code, bug.reason
            );
            bad += 1;
        }
        let after = support::read_tree(dir.path());
        let gone: Vec<&String> = before.keys().filter(|p| !after.contains_key(*p)).collect();
        let changed: Vec<&String> = after
            .iter()
            .filter(|(p, t)| before.get(*p) != Some(t))
            .map(|(p, _)| p)
            .collect();
        for path in &changed {
            let full = dir.path().join(path);
            let ok = if path.ends_with(".rb") {
                support::invalid_ruby(ruby.as_ref(), &full, &after[*path]).is_none()
            } else {
                serde_json::from_slice::<serde_json::Value>(&after[*path]).is_ok()
            };
            if !ok {
                eprintln!("  does not parse: {}/{path}", cols[0]);
                bad += 1;
            }
        }
        eprintln!(
            "{}: {applied} recipes migrated, {} deleted, {} run-list files changed: {:?} {:?}",
            cols[0],
            gone.len(),
            changed.len(),
            gone,
            changed
        );
        fixes += applied;
        deleted += gone.len();
        roles += changed.len();
    }
    eprintln!("total: {fixes} migrated, {deleted} deleted, {roles} run-list files changed, {bad} do not parse");
    assert_eq!(bad, 0);
}

/// The run-list reader and writer on every role and Policyfile of the corpus: each recipe
/// entry is replaced by two entries written like it, and a second entry is removed; every
/// result must still parse (prism and `ruby -c`, or JSON). Run with `--ignored --nocapture`.
#[test]
#[ignore = "needs the extracted corpus"]
fn corpus_run_lists_rewrite_cleanly() {
    use stackchef::lint::fix::run_list;
    use stackchef::lint::fix::{apply_replacements, Edit};
    let corpus = support::root().join("target/corpus");
    let repo = stackchef::lint::Repo::load(&[corpus]).unwrap();
    let ruby = support::validator("ruby");
    let (mut files, mut incomplete, mut lists, mut edited, mut bad) = (0, 0, 0, 0, 0);
    let tmp = tempfile::tempdir().unwrap();
    for file in &repo.files {
        use stackchef::lint::model::FileKind;
        let name = file.rel.rsplit('/').next().unwrap_or("");
        let json = match file.kind {
            FileKind::Role | FileKind::Policyfile => false,
            FileKind::RoleJson => true,
            FileKind::Other if name.starts_with("Policyfile") && name.ends_with(".rb") => false,
            _ => continue,
        };
        files += 1;
        let found = if json {
            run_list::json_run_lists(&file.text)
        } else {
            run_list::ruby_run_lists(&file.text)
        };
        if !found.complete {
            incomplete += 1;
            eprintln!("  partly read: {}", file.path);
        }
        let mut edits = Vec::new();
        for list in &found.lists {
            lists += 1;
            let recipes: Vec<usize> = (0..list.entries.len())
                .filter(|&i| {
                    let e = &list.entries[i];
                    e.quote != Some('?')
                        && e.value.as_deref().and_then(run_list::recipe_key).is_some()
                })
                .collect();
            let Some(&first) = recipes.first() else {
                continue;
            };
            let entry = &list.entries[first];
            let two = ["recipe[x::a]", "recipe[x::b]"].map(|v| run_list::element(v, entry));
            let sep = list.separator(&file.text, entry);
            edits.push(Edit::replace(
                &file.path,
                entry.range.start,
                entry.range.end,
                two.join(&sep),
            ));
            if let Some(&second) = recipes.get(1) {
                let range = list.removal(second);
                if range.start >= entry.range.end {
                    edits.push(Edit::replace(&file.path, range.start, range.end, ""));
                }
            }
        }
        if edits.is_empty() {
            continue;
        }
        edited += 1;
        let refs: Vec<&Edit> = edits.iter().collect();
        let text = apply_replacements(&file.text, &refs).expect("edits apply");
        let ok = if json {
            serde_json::from_str::<serde_json::Value>(&text).is_ok()
        } else {
            let path = tmp.path().join("f.rb");
            std::fs::write(&path, &text).unwrap();
            support::invalid_ruby(ruby.as_ref(), &path, text.as_bytes()).is_none()
        };
        if !ok {
            bad += 1;
            eprintln!("  does not parse after the rewrite: {}\n{text}", file.path);
        }
    }
    eprintln!("{files} role/Policyfile files, {incomplete} partly read, {lists} run lists, {edited} files rewritten, {bad} do not parse");
    assert_eq!(bad, 0);
}

/// A cookbook's own Policyfile (its kitchen run list) is rewritten like the repo's.
#[test]
fn a_cookbooks_own_policyfile_is_a_run_list_too() {
    let dir = tempfile::tempdir().unwrap();
    let policy = (
        "cookbooks/cb/Policyfile.rb",
        "name 'cb'\ndefault_source :supermarket\nrun_list 'cb::default'\ncookbook 'cb', path: '.'\n",
    );
    write(dir.path(), &[CB, DEFAULT, A, B, policy]);
    assert_eq!(support::fix_rule(dir.path(), "INC001", true), 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join(policy.0)).unwrap(),
        "name 'cb'\ndefault_source :supermarket\nrun_list 'cb::a', 'cb::b'\ncookbook 'cb', path: '.'\n"
    );
    assert!(!dir.path().join(DEFAULT.0).exists());
}

/// What each fix says it does (shown by `--diff` and the summary), and that it is unsafe.
#[test]
fn fix_titles_say_what_changes_and_what_stays() {
    use stackchef::lint::fix::{Applicability, FixContext};
    let dir = sample();
    let options = support::select(&["INC001", "INC002"]);
    let outcome = stackchef::lint::lint_paths(&[dir.path().to_path_buf()], options).unwrap();
    let ctx = FixContext::new(&outcome.repo);
    let mut titles = String::new();
    for d in &outcome.diagnostics {
        let rule = stackchef::lint::find_rule(d.code.as_deref().unwrap()).unwrap();
        let fixer = rule.fix.unwrap();
        assert_eq!(fixer.applicability, Applicability::Unsafe);
        let title = match (fixer.make)(&ctx, d) {
            Some(fix) => {
                assert_eq!(fix.applicability, Applicability::Unsafe);
                fix.title
            }
            None => "(no fix)".to_string(),
        };
        titles.push_str(&format!(
            "{} {}: {title}\n",
            d.code.as_deref().unwrap(),
            d.path
        ));
    }
    insta::assert_snapshot!("include_all_migration_titles", titles);
}

/// Nodes converge a Policyfile's lock, not the Policyfile: when the migration rewrites a run
/// list whose lock sits beside it, `--diff` and `--fix` say the lock is now out of date and
/// how to regenerate it; without a lock they say nothing about one.
#[test]
fn a_rewritten_policyfile_with_a_lock_says_the_lock_is_stale() {
    let run = |dir: &Path, args: &[&str]| support::lint_in(dir, args).2;
    let fix = ["--fix", "--unsafe-fixes", "--select", "INC001"];
    let diff = ["--diff", "--unsafe-fixes", "--select", "INC001"];

    let dir = sample();
    let err = run(dir.path(), &diff);
    assert!(!err.contains("lock.json"), "{err}");
    let err = run(dir.path(), &fix);
    assert!(!err.contains("lock.json"), "{err}");

    let dir = sample();
    let lock = dir.path().join("Policyfile.lock.json");
    std::fs::write(&lock, "{\"name\": \"shop\"}\n").unwrap();
    let err = run(dir.path(), &diff);
    assert!(
        err.contains("warning: the fixes would leave Policyfile.lock.json out of date"),
        "{err}"
    );
    assert!(err.contains("run `chef update Policyfile.rb`"), "{err}");
    let err = run(dir.path(), &fix);
    assert!(
        err.contains("warning: the fixes left Policyfile.lock.json out of date"),
        "{err}"
    );
    // The lock itself is never touched: regenerating it needs Chef's solver.
    assert_eq!(
        std::fs::read_to_string(&lock).unwrap(),
        "{\"name\": \"shop\"}\n"
    );
}
