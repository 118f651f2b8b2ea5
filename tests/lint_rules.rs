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

/// Precision (issue 12): an attribute set in each `case platform` branch is one attribute.
#[test]
fn attr001_attr002_count_distinct_attributes() {
    // 20 distinct attributes, 4 of them set in each of 4 branches: 32 assignments.
    let mut file = attrs(16);
    file.push_str("case node['platform_family']\n");
    for family in ["debian", "rhel", "suse", "arch"] {
        file.push_str(&format!("when '{family}'\n"));
        for key in ["pkg", "dir", "user", "conf"] {
            file.push_str(&format!("  default['app']['{key}'] = '{family}'\n"));
        }
    }
    file.push_str("end\n");
    assert!(lint(
        "ATTR001",
        repo!["cookbooks/app/attributes/default.rb" => file.clone()],
        APP
    )
    .is_empty());
    // Ten attributes (twelve assignments), ten resources: not outnumbered.
    let branches = "case node['platform']\nwhen 'a'\n  default['app']['x'] = 1\n  default['app']['y'] = 1\nwhen 'b'\n  default['app']['x'] = 2\n  default['app']['y'] = 2\nend\n";
    let mut few = attrs(8);
    few.push_str(branches);
    let ten: String = (0..10).map(|i| format!("package 'p{i}'\n")).collect();
    assert!(lint(
        "ATTR002",
        repo!["cookbooks/app/attributes/default.rb" => few, "cookbooks/app/recipes/default.rb" => ten],
        APP
    )
    .is_empty());
    // 26 distinct attributes still pass the limit.
    let mut many = attrs(26);
    many.push_str(branches);
    assert_eq!(
        lint(
            "ATTR001",
            repo!["cookbooks/app/attributes/default.rb" => many],
            APP
        ),
        ["cookbooks/app/attributes/default.rb:26:1"]
    );
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
    // Defined in a role (JSON or Ruby).
    assert!(lint(
        "ATTR005",
        repo![
            "roles/web.json" => r#"{ "name": "web", "default_attributes": { "app": { "tier": "web" } } }"#,
            "roles/db.rb" => "name 'db'\noverride_attributes('app' => { 'pool' => { 'size' => 5 } })\n",
            "cookbooks/app/recipes/default.rb" => "log node['app']['tier']\nlog node['app']['pool']['size']\n",
        ],
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

/// Precision (issue 12): reads that expect the attribute may be absent are not "undefined".
#[test]
fn attr005_reads_that_expect_absence_are_not_flagged() {
    let defs = "default['app']['port'] = 80\ndefault['app']['config']['verb'] = 3\n";
    let reads = "\
log 'a' if node['app']['opt1'].nil?\n\
x = node['app']['opt2'] || {}\n\
y = node.dig('app', 'opt3', 'deep')\n\
z = node['app']['opt4']&.upcase\n\
w = node['app']['gone']['deeper'] rescue nil\n\
if node['app']['opt5']\n  log node['app']['opt5']\nend\n\
if node['app'].key?('opt6') && node['app']['opt6'] == true\n  log node['app']['opt6']\nend\n\
log 'b' if node.attribute?('cache') && node['cache']['host']\n\
c = node['app']['config']['opt7'] ? 1 : 2\n\
if node['app']['opt8'] == true\n  log 'x'\nend\n\
unless node['app']['opt9']\n  log 'y'\nend\n\
begin\n  log node['app']['opt10']['x']\nrescue NoMethodError\n  nil\nend\n\
node.default['app']['state'][name] = 1\n\
s = node.default['app']['serial']\n\
log(node['app']['opt11'] && node['app']['opt11']['k'])\n";
    let found = lint(
        "ATTR005",
        repo![
            "cookbooks/app/attributes/default.rb" => defs,
            "cookbooks/app/recipes/default.rb" => reads,
            "cookbooks/cache/metadata.rb" => "name 'cache'\n",
        ],
        APP,
    );
    assert!(found.is_empty(), "{found:?}");
}

/// Must-flag counterparts: a tested read whose parent is missing raises on `nil`; a value
/// comparison expects a value; a read used as a value; a parent defined only by a recipe's
/// `node.default[…] =` is not defined before the run; one finding per path per statement.
#[test]
fn attr005_unguarded_and_missing_parent_reads_are_flagged() {
    let defs = "default['app']['port'] = 80\n";
    let reads = "\
k = node['app']['gpg']['keyserver'] || 'hkp://keys'\n\
if node['app']['mode'] == 'native'\n  log 'n'\nend\n\
flag = node['app']['install'] == true ||\n  node['app']['install'] == 'true'\n\
node.default['svc']['state'] = 1\n\
log 'p' if node['svc']['enabled']\n";
    let found = lint(
        "ATTR005",
        repo![
            "cookbooks/app/attributes/default.rb" => defs,
            "cookbooks/app/recipes/default.rb" => reads,
            "cookbooks/svc/metadata.rb" => "name 'svc'\n",
        ],
        APP,
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/recipes/default.rb:1:5",
            "cookbooks/app/recipes/default.rb:2:4",
            "cookbooks/app/recipes/default.rb:5:8",
            "cookbooks/app/recipes/default.rb:8:12"
        ]
    );
}

/// Precision (issue 12): reads ATTR006 used not to see.
#[test]
fn attr006_indirect_reads_count_as_reads() {
    let defs = "\
default['app']['a'] = 1\ndefault['app']['b'] = 2\ndefault['app']['c'] = 3\n\
default['app']['d'] = 4\ndefault['app']['e'] = 5\ndefault['app']['f'] = 6\n\
default['app']['g'] = 7\n";
    let library = "\
module AppHelpers\n  def url(node)\n    node['app']['a']\n  end\n\n\
  def attrs\n    cfg = run_context.node['app']\n    cfg['b']\n  end\n\n\
  def other(replica)\n    replica['app']['c']\n  end\nend\n";
    let provider = "action :run do\n  log new_resource.run_context.node[:app][:d]\nend\n";
    let template = "<%= @node['app']['e'] %> <%= \"#{node[:app][:f]}\" %>\n";
    let fixture = "log node['app']['g']\n";
    let found = lint(
        "ATTR006",
        repo![
            "cookbooks/app/attributes/default.rb" => defs,
            "cookbooks/app/libraries/helpers.rb" => library,
            "cookbooks/app/providers/default.rb" => provider,
            "cookbooks/app/templates/default/x.erb" => template,
            "cookbooks/app/test/fixtures/cookbooks/app_test/metadata.rb" => "name 'app_test'\n",
            "cookbooks/app/test/fixtures/cookbooks/app_test/recipes/default.rb" => fixture,
        ],
        APP,
    );
    assert!(found.is_empty(), "{found:?}");
}

/// An unused attribute set in each platform branch is reported once; a presence check of a
/// namespace reads nothing below it.
#[test]
fn attr006_one_finding_per_attribute_and_presence_checks() {
    let defs = "\
case node['platform']\nwhen 'a'\n  default['app']['bin'] = '/a'\nwhen 'b'\n  default['app']['bin'] = '/b'\nend\n\
default['app']['used'] = 1\n";
    let reads = "log node['app']['used'] if node.key?('app') && node['app'].key?('other')\n";
    let found = lint(
        "ATTR006",
        repo!["cookbooks/app/attributes/default.rb" => defs, "cookbooks/app/recipes/default.rb" => reads],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/attributes/default.rb:3:3"]);
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
    // `node.set` (line 4) is LEG001's: one finding per line.
    assert_eq!(
        found,
        [
            "cookbooks/app/recipes/default.rb:1:1",
            "cookbooks/app/recipes/default.rb:2:1",
            "cookbooks/app/recipes/default.rb:3:1",
            "cookbooks/app/recipes/default.rb:5:1"
        ]
    );
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

fn recipe(code: &str, body: &str) -> Vec<String> {
    lint(code, repo!["cookbooks/app/recipes/default.rb" => body], APP)
}

#[test]
fn leg001_node_set() {
    let found = recipe(
        "LEG001",
        "node.set['app']['a'] = 1\nnode.set_unless['app']['b'] = 2\n",
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        lint(
            "LEG001",
            repo!["cookbooks/app/attributes/default.rb" => "set['app']['a'] = 1\n"],
            APP
        )
        .len(),
        1
    );
    assert!(recipe(
        "LEG001",
        "node.default['app']['a'] = 1\nsettings = {}\nsettings['set'] = 1\n"
    )
    .is_empty());
}

#[test]
fn leg002_node_normal() {
    let found = recipe(
        "LEG002",
        "node.normal['app']['a'] = 1\nnode.normal_unless['app']['b'] = 2\n",
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(recipe(
        "LEG002",
        "node.default['app']['a'] = 1\nlog node['normal']\n"
    )
    .is_empty());
}

#[test]
fn leg003_definition() {
    let def = "define :site, port: 80 do\n  template params[:name]\nend\n";
    let found = lint(
        "LEG003",
        repo!["cookbooks/app/definitions/site.rb" => def],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/definitions/site.rb:1:1"]);
    assert!(lint(
        "LEG003",
        repo!["cookbooks/app/libraries/site.rb" => def],
        APP
    )
    .is_empty());
}

#[test]
fn leg004_lwrp_provider() {
    let found = lint(
        "LEG004",
        repo!["cookbooks/app/providers/site.rb" => "action :create do\nend\n", "cookbooks/app/resources/site.rb" => "actions :create\n"],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/providers/site.rb:1:1"]);
    assert!(lint(
        "LEG004",
        repo!["cookbooks/app/resources/site.rb" => "unified_mode true\naction :create do\nend\n"],
        APP
    )
    .is_empty());
}

#[test]
fn leg005_missing_unified_mode() {
    let body = "provides :app_site\nproperty :port, Integer\naction :create do\n  log 'x'\nend\n";
    let found = lint(
        "LEG005",
        repo!["cookbooks/app/resources/site.rb" => body],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/resources/site.rb:1:1"]);
    let unified = format!("unified_mode true\n{body}");
    assert!(lint(
        "LEG005",
        repo!["cookbooks/app/resources/site.rb" => unified],
        APP
    )
    .is_empty());
    // An LWRP resource (no property, no action block) is LEG004's business.
    assert!(lint(
        "LEG005",
        repo!["cookbooks/app/resources/site.rb" => "actions :create\nattribute :port\n"],
        APP
    )
    .is_empty());
    // Chef 18 makes unified mode the default.
    let mut files = repo!["cookbooks/app/resources/site.rb" => body];
    files.push((
        "cookbooks/app/metadata.rb".to_string(),
        b"name 'app'\nchef_version '>= 18.0'\n".to_vec(),
    ));
    assert!(lint("LEG005", files, &[]).is_empty());
}

#[test]
fn leg006_resource_name_without_provides() {
    let found = lint(
        "LEG006",
        repo!["cookbooks/app/resources/site.rb" => "resource_name :app_site\nproperty :x, String\n"],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/resources/site.rb:1:1"]);
    assert!(lint(
        "LEG006",
        repo!["cookbooks/app/resources/site.rb" => "resource_name :app_site\nprovides :app_site\n"],
        APP
    )
    .is_empty());
}

#[test]
fn leg007_resources_lookup() {
    let found = recipe(
        "LEG007",
        "resources('service[nginx]').action(:nothing)\nr = resources(template: '/etc/x')\n",
    );
    assert_eq!(found.len(), 2, "{found:?}");
    // Looking up a resource the cookbook declares itself is its own business.
    assert!(recipe(
        "LEG007",
        "service 'app'\nresources('service[app]').action(:start)\n"
    )
    .is_empty());
}

#[test]
fn leg008_forced_provider() {
    let body = "service 'app' do\n  provider Chef::Provider::Service::Upstart\nend\n";
    assert_eq!(
        recipe("LEG008", body),
        ["cookbooks/app/recipes/default.rb:2:3"]
    );
    assert!(recipe(
        "LEG008",
        "service 'app' do\n  action :start\nend\nprovider_name = Chef::Provider::Foo\n"
    )
    .is_empty());
}

#[test]
fn svc001_restart_on_every_run() {
    let body = "service 'a' do\n  action [:enable, :restart]\nend\nservice 'b' do\n  action :reload\nend\n";
    assert_eq!(
        recipe("SVC001", body),
        [
            "cookbooks/app/recipes/default.rb:2:3",
            "cookbooks/app/recipes/default.rb:5:3"
        ]
    );
    let near = "service 'a' do\n  action [:enable, :start]\nend\ntemplate '/etc/a' do\n  notifies :restart, 'service[a]'\nend\n";
    assert!(recipe("SVC001", near).is_empty());
    // A custom resource implementing its own :restart action; but :restart inside :create
    // still runs on every converge.
    let resource = "unified_mode true\naction :restart do\n  service 'x' do\n    action :restart\n  end\nend\naction :create do\n  service 'x' do\n    action :restart\n  end\nend\n";
    let found = lint(
        "SVC001",
        repo!["cookbooks/app/resources/svc.rb" => resource],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/resources/svc.rb:9:5"]);
}

#[test]
fn svc002_hand_rolled_service() {
    let body = "template '/etc/systemd/system/app.service'\nfile '/etc/init.d/app'\ncookbook_file '/etc/init/app.conf'\nexecute 'systemctl daemon-reload'\nbash 'x' do\n  code '/usr/sbin/update-rc.d app defaults'\nend\nexecute \"service #{name} restart\"\n";
    assert_eq!(recipe("SVC002", body).len(), 6);
    let near = "template '/etc/systemd/system.conf.d/x.conf'\nfile '/etc/init/README'\nexecute 'echo servicenow'\nexecute 'grep --service x'\nsystemd_unit 'app.service'\n";
    assert!(
        recipe("SVC002", near).is_empty(),
        "{:?}",
        recipe("SVC002", near)
    );
}

#[test]
fn svc003_duplicate_resource() {
    let found = lint(
        "SVC003",
        repo![
            "cookbooks/app/recipes/default.rb" => "package 'nginx'\ninclude_recipe 'app::web'\n",
            "cookbooks/app/recipes/web.rb" => "package 'nginx' do\n  version '1'\nend\n",
        ],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/recipes/web.rb:1:1"]);
    // Across a role's run list.
    let found = lint(
        "SVC003",
        repo![
            "roles/web.json" => r#"{ "name": "web", "run_list": ["recipe[a]", "role[base]"] }"#,
            "roles/base.rb" => "name 'base'\nrun_list 'recipe[b::default]'\n",
            "cookbooks/a/recipes/default.rb" => "user 'deploy'\n",
            "cookbooks/b/recipes/default.rb" => "user 'deploy'\n",
        ],
        &[("a", &[]), ("b", &[])],
    );
    assert_eq!(found, ["cookbooks/b/recipes/default.rb:1:1"]);
    // Same file (if/else branches), or recipes never in one run list: fine.
    let branches = "if platform?('ubuntu')\n  package 'x'\nelse\n  package 'x' do\n    package_name 'y'\n  end\nend\n";
    assert!(recipe("SVC003", branches).is_empty());
    assert!(lint(
        "SVC003",
        repo![
            "cookbooks/a/recipes/default.rb" => "user 'deploy'\n",
            "cookbooks/b/recipes/default.rb" => "user 'deploy'\n",
        ],
        &[("a", &[]), ("b", &[])]
    )
    .is_empty());
}

/// A chain of cookbooks, each including the next and declaring the same resource: every
/// declaration after the first is one finding. Reporting every (first, second) pair of every
/// run list gave n(n-1)/2 findings (719 400 for 1 200 cookbooks, 13.8 GB for a ring of 2 500).
#[test]
fn svc003_reports_each_duplicate_once_in_a_chain_and_a_ring() {
    const N: usize = 300;
    for ring in [false, true] {
        let mut files = Vec::new();
        let mut cookbooks = Vec::new();
        let names: Vec<String> = (0..N).map(|i| format!("c{i:03}")).collect();
        for (i, name) in names.iter().enumerate() {
            let mut recipe = String::from("package 'x'\n");
            if i + 1 < N || ring {
                recipe.push_str(&format!("include_recipe '{}'\n", names[(i + 1) % N]));
            }
            files.push((
                format!("cookbooks/{name}/recipes/default.rb"),
                recipe.into_bytes(),
            ));
            cookbooks.push(cookbook(name, &[]));
        }
        files.extend(cookbooks);
        let found = lint("SVC003", files, &[]);
        assert_eq!(found.len(), N - 1 + usize::from(ring), "ring: {ring}");
    }
}

#[test]
fn svc003_same_recipe_and_properties() {
    // Twice in one recipe, whatever the actions: flagged at the second.
    let twice = "service 'a' do\n  action :nothing\nend\nservice 'a' do\n  action :start\nend\n";
    assert_eq!(
        recipe("SVC003", twice),
        ["cookbooks/app/recipes/default.rb:4:1"]
    );
    // A property named like a resource is not one.
    let props =
        "group 'g'\ntemplate '/x' do\n  group 'g'\nend\ndirectory '/y' do\n  group 'g'\nend\n";
    assert!(recipe("SVC003", props).is_empty());
}

#[test]
fn svc003_two_cookbooks_in_one_run_list() {
    const BASE: &str = "package 'nginx'\n";
    const WEB: &str = "package 'nginx' do\n  version '1.24.0'\nend\n";
    const CYCLE: &str = "include_recipe 'web::site'\npackage 'nginx'\n";
    /// Roles/Policyfiles, web::default, web::site, expected findings.
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str, &'a [&'a str]);
    let cases: &[Case] = &[
        // Brought together by a role's run list.
        (
            &[(
                "roles/web.rb",
                "name 'web'\nrun_list 'recipe[base]', 'recipe[web::default]'\n",
            )],
            WEB,
            "",
            &["cookbooks/web/recipes/default.rb:1:1"],
        ),
        // By a Policyfile's run list, in its order.
        (
            &[(
                "policies/web/Policyfile.rb",
                "name 'web'\nrun_list 'web::default', 'base'\n",
            )],
            WEB,
            "",
            &["cookbooks/base/recipes/default.rb:1:1"],
        ),
        // By include_recipe, transitively, through a cycle; one report per pair.
        (
            &[(
                "roles/web.json",
                r#"{ "name": "web", "run_list": ["recipe[web]"] }"#,
            )],
            CYCLE,
            "include_recipe 'base'\ninclude_recipe 'web'\n",
            &["cookbooks/web/recipes/default.rb:2:1"],
        ),
        // Near misses: never run together (separate roles, a dynamic include, unknown recipe).
        (
            &[
                ("roles/a.rb", "name 'a'\nrun_list 'recipe[base]'\n"),
                ("roles/b.rb", "name 'b'\nrun_list 'recipe[web]'\n"),
            ],
            WEB,
            "",
            &[],
        ),
        (
            &[],
            CYCLE,
            "include_recipe node['web']['base']\ninclude_recipe 'base::missing'\n",
            &[],
        ),
    ];
    for (lists, web, site, expected) in cases {
        let mut files = repo![
            "cookbooks/base/recipes/default.rb" => BASE,
            "cookbooks/web/recipes/default.rb" => web,
            "cookbooks/web/recipes/site.rb" => site,
        ];
        files.extend(
            lists
                .iter()
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec())),
        );
        let found = lint("SVC003", files, &[("base", &[]), ("web", &["base"])]);
        assert_eq!(&found, expected, "{lists:?}");
    }
}

#[test]
fn ops001_unguarded_execute() {
    let body = "execute 'make install'\nbash 'build' do\n  code 'make'\nend\n";
    assert_eq!(recipe("OPS001", body).len(), 2);
    let near = "execute 'a' do\n  creates '/x'\nend\nexecute 'b' do\n  not_if 'test -f /y'\nend\nbash 'c' do\n  only_if { true }\nend\nexecute 'd' do\n  action :nothing\nend\n";
    assert!(recipe("OPS001", near).is_empty());
}

#[test]
fn ops002_hard_coded_ip() {
    let found = lint(
        "OPS002",
        repo![
            "cookbooks/app/recipes/default.rb" => "log 'db at 10.1.2.3'\nlog \"#{x} 172.16.0.9\"\n",
            "cookbooks/app/templates/a.erb" => "server 192.168.1.20:80;\n",
        ],
        APP,
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/recipes/default.rb:1:12",
            "cookbooks/app/recipes/default.rb:2:11",
            "cookbooks/app/templates/a.erb:1:8"
        ]
    );
    let near = "log '127.0.0.1'\nlog '0.0.0.0'\nlog '169.254.169.254'\nlog '192.0.2.1'\nlog 'version 1.2.3'\n# 10.9.9.9 in a comment\nlog 'allow 10.0.0.0/8 mask 255.255.255.0'\n";
    assert!(recipe("OPS002", near).is_empty());
}

/// Precision (issue 12): dotted quads that are not addresses, or addresses that are not hosts
/// a DNS name could replace.
#[test]
fn ops002_not_hosts_are_not_flagged() {
    let recipe_body = "\
chef_gem 'rvm' do\n  version '>= 1.11.3.6'\nend\n\
log 'jruby-9.4.0.0 and pkg-0.33.6.3-4 and mirror/dist/1.6.1.0/x.tgz'\n\
property :v, String, description: 'e.g. 2.1.0.3 or 7.1.4.2'\n\
if mock?\n  log 'test double at 10.9.8.7'\nend\n\
default['app']['subnet'] = '10.8.0.0'\n\
default['app']['netmask'] = '255.255.0.0'\n\
default['app']['nameservers'] = ['10.0.0.2']\n\
default['app']['group'] = '239.2.11.71'\n\
default['dhcp']['dns'] = '8.8.8.8'\n\
keepalived_vrrp 'x' do\n  virtual_ipaddress ['10.0.2.254']\nend\n";
    let template = "\
# BindAddress: localhost 192.168.7.254\n\
  ;listen = 10.20.30.40\n\
//server 10.20.30.41\n\
<Location /x>\n  deny from 112.201.71.118\n  Allow from 10.1.1.1\n  Require ip 10.1.1.2\n</Location>\n\
<% if @x %>\n#    ex: 127.0.0.1, 10.1.2.3:2004\n<% end %>\n";
    let found = lint(
        "OPS002",
        repo![
            "cookbooks/app/recipes/default.rb" => recipe_body,
            "cookbooks/app/templates/default/a.conf.erb" => template,
            "cookbooks/app/test/fixtures/cookbooks/app_test/metadata.rb" => "name 'app_test'\n",
            "cookbooks/app/test/fixtures/cookbooks/app_test/recipes/default.rb" => "log '10.0.2.254'\n",
        ],
        APP,
    );
    assert!(found.is_empty(), "{found:?}");
}

/// Must-flag counterparts of the exemptions above: a URL's host, an address after `=` in a
/// config line, an address in the `else` of `if mock?`, and a host key.
#[test]
fn ops002_hosts_are_still_flagged() {
    let recipe_body = "\
apt_repository 'w' do\n  uri 'http://162.242.214.29/'\nend\n\
if mock?\n  log 'x'\nelse\n  log 'real 10.9.8.7'\nend\n\
default['riemann']['server'] = '140.211.10.83'\n";
    let template = "bind_address = 10.20.30.40\n<%= @x %> 10.20.30.42\n";
    let found = lint(
        "OPS002",
        repo![
            "cookbooks/app/recipes/default.rb" => recipe_body,
            "cookbooks/app/templates/default/a.conf.erb" => template,
        ],
        APP,
    );
    assert_eq!(
        found,
        [
            "cookbooks/app/recipes/default.rb:2:15",
            "cookbooks/app/recipes/default.rb:7:13",
            "cookbooks/app/recipes/default.rb:9:33",
            "cookbooks/app/templates/default/a.conf.erb:1:16",
            "cookbooks/app/templates/default/a.conf.erb:2:11"
        ]
    );
}

#[test]
fn ops003_secret_literal() {
    let body = "user 'app' do\n  password 'hunter2-long'\nend\ncfg = { 'api_token' => 'abcd1234', client_secret: 'xyz12345' }\ndb_password = 'swordfish'\n";
    assert_eq!(
        recipe("OPS003", body).len(),
        4,
        "{:?}",
        recipe("OPS003", body)
    );
    let attrs = "default['app']['db_password'] = 'hunter22'\ndefault['app']['password_file'] = '/etc/pw'\ndefault['app']['token'] = ''\n";
    assert_eq!(
        lint(
            "OPS003",
            repo!["cookbooks/app/attributes/default.rb" => attrs],
            APP
        ),
        ["cookbooks/app/attributes/default.rb:1:1"]
    );
    let near = "user 'app' do\n  password node['app']['pw']\nend\ntoken_path = '/run/token'\nkey = 'value'\npassword = ENV['X']\n";
    assert!(recipe("OPS003", near).is_empty());
}

/// Precision (issue 12): placeholders and environment variable names are not secrets; real
/// values next to them still are.
#[test]
fn ops003_placeholders_and_env_names_are_not_secrets() {
    let attrs = "\
default['app']['password'] = 'change_me'\n\
default['app']['db_password'] = 'password'\n\
default['app']['api_token'] = 'TODO'\n\
default['app']['admin_password'] = '<your password>'\n\
default['app']['root_password'] = 'xxxxxxxx'\n\
default['app']['secret'] = 'SomeSecret'\n";
    let resource = "\
MATRIX = {\n  stork_database_password: 'STORK_DATABASE_PASSWORD',\n  rest_tls_private_key: 'STORK_REST_TLS_PRIVATE_KEY',\n}.freeze\n\
password = \"null\"\n";
    let found = lint(
        "OPS003",
        repo![
            "cookbooks/app/attributes/default.rb" => attrs,
            "cookbooks/app/libraries/matrix.rb" => resource,
        ],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/attributes/default.rb:6:1"]);
}

#[test]
fn ops004_template_source_missing() {
    let body = "template '/etc/a.conf' do\n  source 'a.conf.erb'\nend\ntemplate '/etc/b.conf'\ntemplate '/etc/c.conf' do\n  source 'c.erb'\nend\n";
    let found = lint(
        "OPS004",
        repo!["cookbooks/app/recipes/default.rb" => body, "cookbooks/app/templates/default/a.conf.erb" => "a\n", "cookbooks/app/templates/b.conf.erb" => "b\n"],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/recipes/default.rb:5:1"]);
    let near = "template '/etc/x' do\n  source 'x.erb'\n  cookbook 'elsewhere'\nend\ntemplate '/etc/y' do\n  source \"#{n}.erb\"\nend\ntemplate '/etc/z' do\n  source '/tmp/z.erb'\n  local true\nend\n";
    assert!(recipe("OPS004", near).is_empty());
}

#[test]
fn ops005_metadata_missing_fields() {
    let found = lint(
        "OPS005",
        repo!["cookbooks/app/metadata.rb" => "name 'app'\nlicense 'MIT'\n"],
        &[],
    );
    assert_eq!(found, ["cookbooks/app/metadata.rb:1:1"]);
    let full = "name 'app'\nlicense 'MIT'\nchef_version '>= 17'\nsupports 'ubuntu'\n";
    assert!(lint("OPS005", repo!["cookbooks/app/metadata.rb" => full], &[]).is_empty());
}

#[test]
fn ops006_metadata_placeholder() {
    let meta = "name 'app'\nmaintainer 'The Authors'\nmaintainer_email 'you@example.com'\nissues_url 'https://github.com/<insert_org_here>/app/issues'\n";
    assert_eq!(
        lint("OPS006", repo!["cookbooks/app/metadata.rb" => meta], &[]).len(),
        3
    );
    let real = "name 'app'\nmaintainer 'Shop Ops'\nmaintainer_email 'ops@shop.example'\ndescription 'Installs the app'\n";
    assert!(lint("OPS006", repo!["cookbooks/app/metadata.rb" => real], &[]).is_empty());
}

#[test]
fn ops007_readme_boilerplate() {
    let found = lint(
        "OPS007",
        repo!["cookbooks/app/README.md" => "# app\n\nTODO: Enter the cookbook description here.\n"],
        APP,
    );
    assert_eq!(found, ["cookbooks/app/README.md:3:1"]);
    assert!(lint(
        "OPS007",
        repo!["cookbooks/app/README.md" => "# app\n\nInstalls the app.\n"],
        APP
    )
    .is_empty());
    // Not a cookbook README.
    assert!(lint(
        "OPS007",
        repo!["README.md" => "TODO: Enter the cookbook description here.\n"],
        APP
    )
    .is_empty());
}
