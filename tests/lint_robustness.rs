//! Input the linter must survive: every bad file becomes a diagnostic, the run goes on, and
//! nothing panics.

use stackchef::lint::{self, Options};

/// Every rule, preview ones included.
fn every_rule() -> Options {
    let config = stackchef::lint::LintConfig {
        preview: true,
        ..Default::default()
    };
    Options::resolve(&config, &[], &[], None).unwrap()
}

fn write(root: &std::path::Path, path: &str, bytes: &[u8]) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn bad_files_become_diagnostics_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/metadata.rb", b"name 'app'\nversion '1.0.0'\n");
    write(root, "app/recipes/latin1.rb", b"# caf\xe9\npackage 'x'\n");
    write(
        root,
        "app/recipes/binary.rb",
        b"\x00\x01\x02\xff\xfe garbage",
    );
    write(root, "app/recipes/empty.rb", b"");
    write(
        root,
        "app/recipes/syntax.rb",
        b"package 'x' do\n  action [:install\n",
    );
    write(root, "app/templates/bad.erb", b"<%= @x %><% unterminated");
    write(root, "app/attributes/default.rb", b"default['app'][ = \n");
    // The run goes on past the bad files: this one still gets a finding.
    write(
        root,
        "app/recipes/good.rb",
        b"node.default['app']['x'] = 1\n",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", root.join("app/recipes/loop")).unwrap();

    let outcome = lint::lint_paths(&[root.to_path_buf()], every_rule()).unwrap();
    let found: Vec<(String, String)> = outcome
        .diagnostics
        .iter()
        .map(|d| (d.path.clone(), d.code.clone().unwrap_or_default()))
        .collect();
    let has = |path: &str, code: &str| found.iter().any(|(p, c)| p == path && c == code);
    assert!(has("app/recipes/latin1.rb", "FILE001"), "{found:?}");
    assert!(has("app/recipes/binary.rb", "FILE001"), "{found:?}");
    assert!(has("app/recipes/empty.rb", "INC004"), "{found:?}");
    assert!(has("app/recipes/syntax.rb", "FILE002"), "{found:?}");
    assert!(has("app/templates/bad.erb", "FILE002"), "{found:?}");
    assert!(has("app/attributes/default.rb", "FILE002"), "{found:?}");
    assert!(has("app/recipes/good.rb", "ATTR007"), "{found:?}");
    #[cfg(unix)]
    assert!(has("app/recipes/loop", "FILE001"), "{found:?}");
    // Every format renders all of it.
    for format in [
        stackchef::lint::report::Format::Human,
        stackchef::lint::report::Format::Json,
        stackchef::lint::report::Format::Sarif,
        stackchef::lint::report::Format::Junit,
        stackchef::lint::report::Format::Github,
    ] {
        let text = lint::report::render(format, &outcome, true);
        assert!(!text.is_empty());
    }
}

#[test]
fn strange_ruby_does_not_panic() {
    let cases: &[&[u8]] = &[
        b"default[",
        b"node.default[][]= 1",
        b"default['a'][:b][\"#{c}\"] ||= d['e']",
        b"node['a'].each { |k, v| include_recipe k }",
        b"include_recipe",
        b"include_recipe '::'",
        b"include_recipe 'a::b::c'",
        b"<% %> <%= %> <%- -%> <%# %>",
        b"\xef\xbb\xbfpackage 'bom'",
        b"x = <<~EOS\n  #{node['a']}\nEOS\n",
        b"__END__\nnode.default['a'] = 1",
        "é = 'ü'; node['ä']['ö']".as_bytes(),
        // Found by the `facts` fuzz target: prism gives the unterminated block a location
        // that ends before it starts.
        b"<<o\n#{e do",
        b"x = <<~A\n#{a.b do |x| node['a'] }\nA\n",
        b"<%= <<o %>\n#{e do",
    ];
    for (i, case) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "app/metadata.rb", b"name 'app'\n");
        write(dir.path(), "app/recipes/default.rb", case);
        write(dir.path(), "app/attributes/default.rb", case);
        write(dir.path(), "app/templates/t.erb", case);
        let outcome = lint::lint_paths(&[dir.path().to_path_buf()], Options::default());
        assert!(outcome.is_ok(), "case {i}");
    }
}

#[test]
fn a_single_file_can_be_linted() {
    let file = "samples/lint/bad/cookbooks/legacy_app/recipes/config.rb";
    let outcome = lint::lint_paths(&[file.into()], every_rule()).unwrap();
    // Linted in its chef repo (the folder above `cookbooks/`), reported for itself only.
    assert!(outcome.repo.files.len() > 1);
    assert!(outcome
        .repo
        .files
        .iter()
        .all(|f| f.path.starts_with("samples/lint/bad/")));
    assert!(!outcome.diagnostics.is_empty());
    assert!(outcome.diagnostics.iter().all(|d| d.path == file));
}

#[test]
fn pathological_nesting_neither_overflows_nor_crawls() {
    let n = 50_000; // past prism's 10 000-level cap
    let cases = [
        format!("x = {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        format!("x = {}\n", "a && ".repeat(n) + "b"),
        format!("x = {}\n", "a || ".repeat(n) + "b"),
        format!("x = a{}\n", ".b".repeat(n)),
        format!("x = a{}\n", " + b".repeat(n)),
        format!("{}{}\n", "foo(".repeat(n), ")".repeat(n)),
        format!("log node{}\n", "['a']".repeat(n)),
        format!("<%= {} %>\n", "a.".repeat(n) + "b"),
        // Guard contexts: nested conditions, rescues and early returns.
        format!(
            "{}execute 'x'\n{}",
            "if ::File.exist?('/x')\n".repeat(n),
            "end\n".repeat(n)
        ),
        format!(
            "{}x\n{}",
            "begin\n".repeat(n),
            "rescue\nexecute 'y'\nend\n".repeat(n)
        ),
        format!(
            "%w(a).each do |r|\n{}include_recipe r\n{}",
            "[1].each do |r|\n".repeat(n),
            "end\n".repeat(n + 1)
        ),
    ];
    let files: Vec<(String, Vec<u8>)> = cases
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let ext = if text.starts_with("<%") { "erb" } else { "rb" };
            (
                format!("app/recipes/case{i}.{ext}"),
                text.clone().into_bytes(),
            )
        })
        .chain([("app/metadata.rb".to_string(), b"name 'app'\n".to_vec())])
        .collect();
    let start = std::time::Instant::now();
    let repo = lint::Repo::from_memory(&files);
    let diagnostics = lint::check(&repo, &Options::default());
    // Generous: this is about quadratic blow-ups (minutes), not speed.
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    assert!(diagnostics
        .iter()
        .any(|d| d.code.as_deref() == Some("FILE002")));
}

/// Two million `if` modifiers on one statement (a 10 MB line): prism parses them in a loop, but
/// the tree nests one level per modifier, and walking it overflowed the parser thread's stack
/// (the process aborted). The file is now reported as too deeply nested, and the run goes on.
#[test]
fn deeply_nested_modifiers_are_a_diagnostic_not_a_stack_overflow() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/metadata.rb", b"name 'app'\nversion '1.0.0'\n");
    let mut deep = b"x = 1".to_vec();
    for _ in 0..2_000_000 {
        deep.extend_from_slice(b" if a");
    }
    deep.push(b'\n');
    write(root, "app/recipes/deep.rb", &deep);
    let mut rescues = b"x = 1".to_vec();
    for _ in 0..200_000 {
        rescues.extend_from_slice(b" rescue y");
    }
    write(root, "app/recipes/rescues.rb", &rescues);
    write(
        root,
        "app/recipes/good.rb",
        b"node.default['app']['x'] = 1\n",
    );

    let outcome = lint::lint_paths(&[root.to_path_buf()], every_rule()).unwrap();
    let found: Vec<(String, String, String)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.path.clone(),
                d.code.clone().unwrap_or_default(),
                d.message.clone(),
            )
        })
        .collect();
    for path in ["app/recipes/deep.rb", "app/recipes/rescues.rb"] {
        assert!(
            found
                .iter()
                .any(|(p, c, m)| p == path && c == "FILE002" && m.contains("nested")),
            "{path}: {found:?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|(p, c, _)| p == "app/recipes/good.rb" && c == "ATTR007"),
        "{found:?}"
    );
}

/// A file name is user input: an ESC or BEL in it must not reach the terminal, and a newline in
/// it must not start a line of its own (a CI runner acts on any line that starts with `::error`).
#[cfg(unix)]
#[test]
fn control_characters_in_file_names_never_reach_the_output_raw() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "app/metadata.rb", b"name 'app'\nversion '1.0.0'\n");
    let evil = "app/recipes/x\u{1b}[31m\u{7}\n::error file=a.rb::owned.rb";
    write(root, evil, b"node.set['app']['a'] = 1\n");
    let outcome = lint::lint_paths(&[root.to_path_buf()], every_rule()).unwrap();
    assert!(outcome
        .diagnostics
        .iter()
        .any(|d| d.path.contains('\u{1b}')));
    for format in [
        stackchef::lint::report::Format::Human,
        stackchef::lint::report::Format::Github,
        stackchef::lint::report::Format::Junit,
    ] {
        let text = lint::report::render(format, &outcome, false);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{format:?}: {text:?}"
        );
        let commands = text.lines().filter(|l| l.starts_with("::")).count();
        let expected = if format == stackchef::lint::report::Format::Github {
            outcome.diagnostics.len()
        } else {
            0
        };
        assert_eq!(commands, expected, "{format:?}: {text}");
    }
}
