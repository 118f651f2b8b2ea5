//! Each rule on small repos written for it: what it must flag, and near-misses it must not.

use stackchef::lint::{self, LintConfig, Options};

/// Lint a repo made of `files` with only `code` enabled; findings as `path:line:col`.
fn run(code: &str, files: &[(&str, &[u8])]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let options = Options::resolve(&LintConfig::default(), &[code.to_string()], &[], None).unwrap();
    let outcome = lint::lint_paths(&[dir.path().to_path_buf()], options).unwrap();
    outcome.diagnostics.iter().map(|d| d.position()).collect()
}

/// A cookbook `name` with `depends` and files under it.
fn cookbook(name: &str, depends: &[&str]) -> (String, Vec<u8>) {
    let mut meta = format!("name '{name}'\nversion '1.0.0'\nlicense 'Apache-2.0'\n");
    for d in depends {
        meta.push_str(&format!("depends '{d}'\n"));
    }
    (format!("cookbooks/{name}/metadata.rb"), meta.into_bytes())
}

macro_rules! repo {
    ($($path:expr => $text:expr),* $(,)?) => {{
        let owned: Vec<(String, Vec<u8>)> = vec![$(($path.to_string(), $text.as_bytes().to_vec())),*];
        owned
    }};
}

fn lint(
    code: &str,
    mut files: Vec<(String, Vec<u8>)>,
    cookbooks: &[(&str, &[&str])],
) -> Vec<String> {
    for (name, deps) in cookbooks {
        files.push(cookbook(name, deps));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_slice()))
        .collect();
    run(code, &refs)
}

fn attrs(n: usize) -> String {
    (0..n)
        .map(|i| format!("default['app']['k{i}'] = {i}\n"))
        .collect()
}

const APP: &[(&str, &[&str])] = &[("app", &[])];

#[test]
fn attr001_attributes_file_too_large() {
    let found = lint(
        "ATTR001",
        repo!["cookbooks/app/attributes/default.rb" => attrs(26)],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/attributes/default.rb:26:1"]);
    assert!(lint(
        "ATTR001",
        repo!["cookbooks/app/attributes/default.rb" => attrs(25)],
        APP
    )
    .is_empty());
    // Only attributes files count.
    let recipe = attrs(30).replace("default[", "node.default[");
    assert!(lint(
        "ATTR001",
        repo!["cookbooks/app/recipes/default.rb" => recipe],
        APP
    )
    .is_empty());
}

#[test]
fn attr002_attributes_outnumber_resources() {
    let two = "package 'a'\nservice 'b' do\n  action :start\nend\n";
    let found = lint(
        "ATTR002",
        repo!["cookbooks/app/attributes/default.rb" => attrs(10), "cookbooks/app/recipes/default.rb" => two],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/attributes/default.rb:1:1"]);
    let ten: String = (0..10).map(|i| format!("package 'p{i}'\n")).collect();
    assert!(lint(
        "ATTR002",
        repo!["cookbooks/app/attributes/default.rb" => attrs(10), "cookbooks/app/recipes/default.rb" => ten],
        APP
    )
    .is_empty());
    // Below the minimum number of attributes.
    assert!(lint(
        "ATTR002",
        repo!["cookbooks/app/attributes/default.rb" => attrs(9)],
        APP
    )
    .is_empty());
}

#[test]
fn attr003_foreign_attribute_write() {
    let wrapper = "override['nginx']['workers'] = 4\noverride['nginx']['port'] = 80\ndefault['web']['x'] = 1\n";
    let found = lint(
        "ATTR003",
        repo!["cookbooks/web/attributes/default.rb" => wrapper],
        &[("web", &["nginx"])],
    );
    assert_eq!(found, ["cookbooks/web/attributes/default.rb:1:1"]);
    // A namespace that is neither a dependency nor a cookbook in the repo is the cookbook's own
    // business (e.g. `default['shop']` in cookbook `shop_web`).
    assert!(lint(
        "ATTR003",
        repo!["cookbooks/web/attributes/default.rb" => "default['shop']['x'] = 1\n"],
        &[("web", &[])]
    )
    .is_empty());
    // Writing another repo cookbook's namespace from a recipe counts too.
    let found = lint(
        "ATTR003",
        repo!["cookbooks/web/recipes/default.rb" => "node.default['app']['x'] = 1\n"],
        &[("web", &[]), ("app", &[])],
    );
    assert_eq!(found, ["cookbooks/web/recipes/default.rb:1:1"]);
}

#[test]
fn attr004_shared_attribute_namespace() {
    let found = lint(
        "ATTR004",
        repo![
            "cookbooks/a/attributes/default.rb" => "default['java']['v'] = '17'\n",
            "cookbooks/b/attributes/default.rb" => "default['java']['v'] = '11'\n",
        ],
        &[("a", &[]), ("b", &[])],
    );
    assert_eq!(found, ["cookbooks/a/attributes/default.rb:1:1"]);
    // One cookbook writing its namespace from two files is fine.
    assert!(lint(
        "ATTR004",
        repo![
            "cookbooks/a/attributes/default.rb" => "default['java']['v'] = '17'\n",
            "cookbooks/a/attributes/more.rb" => "default['java']['w'] = '1'\n",
        ],
        &[("a", &[])]
    )
    .is_empty());
}

#[test]
fn attr005_undefined_attribute() {
    let defs = "default['app']['port'] = 80\ndefault['app']['db'] = { 'host' => 'db' }\ndefault['app']['users'][name] = 1\n";
    let found = lint(
        "ATTR005",
        repo![
            "cookbooks/app/attributes/default.rb" => defs,
            "cookbooks/app/recipes/default.rb" => "log node['app']['prot']\n",
            "cookbooks/app/templates/x.erb" => "<%= node['app']['missing'] %>\n",
        ],
        APP,
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/recipes/default.rb:1:5",
            "cookbooks/app/templates/x.erb:1:5"
        ]
    );
    let near = "log node['app']['port']\nlog node['app']\nlog node['app']['db']['host']\nlog node['app']['users']['bob']\nlog node['platform']\nlog node['nginx']['port']\nlog node['app'][x]['y']\n";
    assert!(lint(
        "ATTR005",
        repo!["cookbooks/app/attributes/default.rb" => defs, "cookbooks/app/recipes/default.rb" => near],
        APP
    )
    .is_empty());
    // Defined in a Policyfile.
    assert!(lint(
        "ATTR005",
        repo![
            "Policyfile.rb" => "default['app']['name'] = 'x'\n",
            "cookbooks/app/recipes/default.rb" => "log node['app']['name']\n",
        ],
        APP
    )
    .is_empty());
}

#[test]
fn attr006_unused_attribute() {
    let defs = "default['app']['used'] = 1\ndefault['app']['unused'] = 2\ndefault['app']['db']['host'] = 'db'\ndefault['nginx']['port'] = 80\n";
    let reads =
        "log node['app']['used']\ntemplate '/x' do\n  variables(db: node['app']['db'])\nend\n";
    let found = lint(
        "ATTR006",
        repo!["cookbooks/app/attributes/default.rb" => defs, "cookbooks/app/recipes/default.rb" => reads],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/attributes/default.rb:2:1"]);
    // A read with a dynamic key covers everything below it.
    let dynamic = "node['app'][key]\n";
    assert!(lint(
        "ATTR006",
        repo!["cookbooks/app/attributes/default.rb" => attrs(3), "cookbooks/app/recipes/default.rb" => dynamic],
        APP
    )
    .is_empty());
}

#[test]
fn attr007_recipe_sets_attribute() {
    let recipe = "node.default['app']['a'] = 1\nnode.override['app']['b'] ||= 2\nnode.normal['app']['c'] = 3\nnode.set['app']['d'] = 4\nnode.default['app']['list'] << 'x'\n";
    let found = lint(
        "ATTR007",
        repo!["cookbooks/app/recipes/default.rb" => recipe],
        APP,
    );
    assert_eq!(found.len(), 5, "{found:?}");
    let near = "node.run_state['app'] = 1\nsettings = { 'a' => 1 }\nsettings['b'] = 2\nlog node['app']['a']\n";
    assert!(lint(
        "ATTR007",
        repo!["cookbooks/app/recipes/default.rb" => near],
        APP
    )
    .is_empty());
    assert!(lint(
        "ATTR007",
        repo!["cookbooks/app/attributes/default.rb" => attrs(2)],
        APP
    )
    .is_empty());
}

#[test]
fn attr008_data_bag_in_attributes() {
    let a = "default['app']['pw'] = data_bag_item('secrets', 'db')['pw']\ndefault['app']['s'] = Chef::EncryptedDataBagItem.load('a', 'b')\n";
    let found = lint(
        "ATTR008",
        repo!["cookbooks/app/attributes/default.rb" => a],
        APP,
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/attributes/default.rb:1:24",
            "cookbooks/app/attributes/default.rb:2:23"
        ]
    );
    let recipe = "pw = data_bag_item('secrets', 'db')['pw']\n";
    assert!(lint(
        "ATTR008",
        repo!["cookbooks/app/recipes/default.rb" => recipe],
        APP
    )
    .is_empty());
}

#[test]
fn attr009_derived_attribute() {
    let a = "default['app']['host'] = 'h'\ndefault['app']['url'] = \"http://#{node['app']['host']}\"\ndefault['app']['url2'] = default['app']['host'] + '/x'\n";
    let found = lint(
        "ATTR009",
        repo!["cookbooks/app/attributes/default.rb" => a],
        APP,
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/attributes/default.rb:2:1",
            "cookbooks/app/attributes/default.rb:3:1"
        ]
    );
    let near = "default['app']['pkg'] = node['platform'] == 'ubuntu' ? 'a' : 'b'\ndefault['app']['mem'] = node['memory']['total']\n";
    assert!(lint(
        "ATTR009",
        repo!["cookbooks/app/attributes/default.rb" => near],
        APP
    )
    .is_empty());
}

#[test]
fn file001_unreadable_file() {
    let found = run(
        "FILE001",
        &[
            ("app/metadata.rb", b"name 'app'\n"),
            ("app/recipes/bin.rb", b"\x7fELF\x00\x00\x01"),
            ("app/recipes/latin1.rb", b"# caf\xe9\n"),
            ("app/recipes/ok.rb", "# café\n".as_bytes()),
        ],
    );
    assert_eq!(found, ["app/recipes/bin.rb", "app/recipes/latin1.rb"]);
}

#[test]
fn file002_syntax_error() {
    let found = run(
        "FILE002",
        &[
            ("app/metadata.rb", b"name 'app'\n"),
            ("app/recipes/a.rb", b"package 'x' do\n"),
            ("app/templates/t.erb", b"<% if x %>\n"),
            ("app/metadata.json", b"{ \"name\": "),
            ("app/recipes/ok.rb", b"package 'x'\n"),
            (
                "app/templates/ok.erb",
                b"<% if x -%>\ny\n<% end -%>\n<%# c %><%% z %>\n",
            ),
        ],
    );
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[0].starts_with("app/metadata.json:1:"));
    assert!(found[1].starts_with("app/recipes/a.rb:"));
    assert!(found[2].starts_with("app/templates/t.erb:"));
}

#[test]
fn inc001_include_only_recipe() {
    let only = "include_recipe 'app::a'\ninclude_recipe 'app::b'\n";
    let found = lint(
        "INC001",
        repo!["cookbooks/app/recipes/default.rb" => only],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/recipes/default.rb:1:1"]);
    let mixed = "include_recipe 'app::a'\npackage 'x'\n";
    let single = "include_recipe 'app::a'\n";
    let conditional = "include_recipe 'app::a'\ninclude_recipe 'app::b' if platform?('ubuntu')\n";
    for body in [mixed, single, conditional] {
        assert!(
            lint(
                "INC001",
                repo!["cookbooks/app/recipes/default.rb" => body],
                APP
            )
            .is_empty(),
            "{body}"
        );
    }
}

#[test]
fn inc002_default_includes_all() {
    let own = |n: usize, of: usize| {
        let mut files = repo!["cookbooks/app/recipes/default.rb" => (0..n).map(|i| format!("include_recipe 'app::r{i}'\n")).collect::<String>() + "package 'x'\n"];
        for i in 0..of {
            files.push((
                format!("cookbooks/app/recipes/r{i}.rb"),
                b"package 'y'\n".to_vec(),
            ));
        }
        lint("INC002", files, APP)
    };
    assert_eq!(own(3, 3), ["cookbooks/app/recipes/default.rb:1:1"]);
    assert!(own(3, 4).is_empty(), "3 of 4 is not more than 75 %");
    assert!(own(2, 2).is_empty(), "too few recipes to judge");
    let foreign = |n: usize| {
        let deps: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        let body: String = (0..n).map(|i| format!("include_recipe 'c{i}'\n")).collect();
        lint(
            "INC002",
            repo!["cookbooks/role/recipes/default.rb" => body],
            &[("role", &deps)],
        )
    };
    assert_eq!(foreign(5), ["cookbooks/role/recipes/default.rb:1:1"]);
    assert!(foreign(4).is_empty());
}

#[test]
fn inc003_wrapper_recipe() {
    let found = lint(
        "INC003",
        repo!["cookbooks/app/recipes/default.rb" => "include_recipe 'nginx'\n"],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/recipes/default.rb:1:1"]);
    for body in [
        "include_recipe 'app::x'\n",
        "include_recipe '::x'\n",
        "include_recipe 'nginx'\nnginx_site 'x'\n",
    ] {
        assert!(
            lint(
                "INC003",
                repo!["cookbooks/app/recipes/default.rb" => body],
                APP
            )
            .is_empty(),
            "{body}"
        );
    }
}

#[test]
fn inc004_empty_recipe() {
    let found = lint(
        "INC004",
        repo!["cookbooks/app/recipes/default.rb" => "# Recipe:: default\n\n"],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/recipes/default.rb:1:1"]);
    assert_eq!(
        lint("INC004", repo!["cookbooks/app/recipes/e.rb" => ""], APP).len(),
        1
    );
    assert!(lint(
        "INC004",
        repo!["cookbooks/app/recipes/default.rb" => "package 'x'\n"],
        APP
    )
    .is_empty());
    // Not a recipe.
    assert!(lint(
        "INC004",
        repo!["cookbooks/app/attributes/default.rb" => "# nothing\n"],
        APP
    )
    .is_empty());
}

#[test]
fn inc005_include_missing_depends() {
    let body = "include_recipe 'users::sysadmins'\ninclude_recipe 'nginx'\ninclude_recipe 'app::x'\ninclude_recipe '::y'\n";
    let found = lint(
        "INC005",
        repo!["cookbooks/app/recipes/default.rb" => body],
        &[("app", &["nginx"])],
    );
    assert_eq!(found, ["cookbooks/app/recipes/default.rb:1:1"]);
    // Inside a custom resource action too.
    let resource = "action :create do\n  include_recipe 'users'\nend\n";
    let found = lint(
        "INC005",
        repo!["cookbooks/app/resources/x.rb" => resource],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/resources/x.rb:2:3"]);
}

#[test]
fn inc006_unknown_dependency() {
    let found = lint(
        "INC006",
        repo![],
        &[("app", &["nginx", "base"]), ("base", &[])],
    );
    assert_eq!(found, ["cookbooks/app/metadata.rb:4:1"]);
    // With a lock file, INC007 decides instead.
    let lock = "DEPENDENCIES\n  app\n\nGRAPH\n  app (1.0.0)\n";
    assert!(lint(
        "INC006",
        repo!["Berksfile.lock" => lock],
        &[("app", &["nginx"])]
    )
    .is_empty());
}

#[test]
fn inc007_dependency_not_locked() {
    let lock =
        "DEPENDENCIES\n  app\n\nGRAPH\n  app (1.0.0)\n    nginx (>= 0.0.0)\n  nginx (12.0.0)\n";
    let found = lint(
        "INC007",
        repo!["Berksfile.lock" => lock],
        &[("app", &["nginx", "redisio"])],
    );
    assert_eq!(found, ["cookbooks/app/metadata.rb:5:1"]);
    let policy_lock = r#"{ "cookbook_locks": { "app": {}, "redisio": {} } }"#;
    assert!(lint(
        "INC007",
        repo!["Policyfile.lock.json" => policy_lock],
        &[("app", &["redisio"])]
    )
    .is_empty());
    // No lock at all: INC006's business.
    assert!(lint("INC007", repo![], &[("app", &["redisio"])]).is_empty());
}

#[test]
fn inc008_dynamic_include() {
    let body = "include_recipe \"app::#{node['app']['flavor']}\"\nname = 'x'\ninclude_recipe name\ninclude_recipe 'app::static'\n";
    let found = lint(
        "INC008",
        repo!["cookbooks/app/recipes/default.rb" => body],
        APP,
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/recipes/default.rb:1:1",
            "cookbooks/app/recipes/default.rb:3:1"
        ]
    );
}

#[test]
fn inc009_include_unknown_recipe() {
    let body = "include_recipe 'app::nope'\ninclude_recipe 'app::there'\ninclude_recipe 'nginx::whatever'\ninclude_recipe '::gone'\n";
    let found = lint(
        "INC009",
        repo!["cookbooks/app/recipes/default.rb" => body, "cookbooks/app/recipes/there.rb" => "package 'x'\n"],
        &[("app", &["nginx"])],
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/recipes/default.rb:1:1",
            "cookbooks/app/recipes/default.rb:4:1"
        ]
    );
}
