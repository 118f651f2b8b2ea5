use super::*;

/// Found by the `facts` fuzz target: prism's error recovery gives the block of an
/// unterminated `do` inside a heredoc's interpolation a location that ends before it
/// starts, and `Location::end` (an unchecked add) overflowed (a panic in a debug build).
#[test]
fn broken_locations_from_error_recovery_do_not_panic() {
    for src in [
        "<<o\n#{e do",
        "<<o\n #{e do",
        "<<o\n#{e do |x| y\n",
        "x = <<~A\n#{a.b do\n",
    ] {
        let facts = extract(src.as_bytes(), src);
        assert!(facts.syntax_error.is_some(), "{src:?}");
    }
}

#[test]
fn name_lists_are_sorted() {
    for list in [
        LEVELS,
        NOT_RESOURCES,
        BLOCKLESS_RESOURCES,
        PROBES,
        PLATFORM_PREDICATES,
    ] {
        assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
    }
}

/// Every name the tables hold, near misses of each (a byte changed, dropped or added,
/// another case), and the names of other tables.
fn probe_names() -> Vec<String> {
    let mut names = vec![String::new(), "node".into(), "[]".into(), "x".into()];
    for name in LEVELS
        .iter()
        .chain(NOT_RESOURCES)
        .chain(BLOCKLESS_RESOURCES)
    {
        names.push(name.to_string());
        names.push(name[..name.len() - 1].to_string());
        names.push(name[1..].to_string());
        names.push(format!("{name}s"));
        names.push(format!("_{name}"));
        names.push(name.to_uppercase());
        let mut last = name.as_bytes().to_vec();
        *last.last_mut().unwrap() ^= 1;
        names.push(String::from_utf8(last).unwrap());
    }
    names
}

#[test]
fn name_lookups_agree_with_the_sorted_tables() {
    for name in probe_names() {
        let n = name.as_str();
        assert_eq!(
            level_of(n.as_bytes()),
            LEVELS.binary_search(&n).ok().map(|i| LEVELS[i]),
            "{n}"
        );
        assert_eq!(is_level(n), LEVELS.binary_search(&n).is_ok(), "{n}");
        assert_eq!(
            is_not_resource(n),
            NOT_RESOURCES.binary_search(&n).is_ok(),
            "{n}"
        );
        assert_eq!(
            is_blockless_resource(n),
            BLOCKLESS_RESOURCES.binary_search(&n).is_ok(),
            "{n}"
        );
    }
}

#[test]
fn addresses_in_strings_with_escapes_are_still_found() {
    for (src, expected) in [
        ("x = '10.0.0.1'\n", vec!["10.0.0.1"]),
        ("x = \"\\M-. 10.1.2.3\"\n", vec!["10.1.2.3"]),
        ("x = \"\\x2e1.2.3\"\n", vec![]),
        ("x = \"\\c.\\M-.\\C-.\"\n", vec![]),
        ("x = <<~EOS\n  host 192.168.1.1\nEOS\n", vec!["192.168.1.1"]),
        ("x = %w[1.2.3.4 no]\n", vec!["1.2.3.4"]),
    ] {
        let f = extract(src.as_bytes(), src);
        let found: Vec<String> = f.ips.iter().map(|(_, a)| a.to_string()).collect();
        assert_eq!(found, expected, "{src:?}");
    }
}

#[test]
fn chains_keep_keys_up_to_the_first_computed_one() {
    let src = "node['a'][x]['b']\nnode['a']['b'][y]\nx = node[k]['c']\ndefault['a'][k]['z'] = 1\n";
    let f = extract(src.as_bytes(), src);
    let reads: Vec<_> = f
        .reads
        .iter()
        .map(|r| (r.path.keys.clone(), r.path.partial))
        .collect();
    assert_eq!(
        reads,
        [
            (vec!["a".to_string()], true),
            (vec!["a".to_string(), "b".to_string()], true),
            (vec![], true),
        ]
    );
    assert_eq!(f.writes[0].path.keys, ["a"]);
    assert!(f.writes[0].path.partial);
    let deep = format!("node{}\n", "['k']".repeat(40));
    let f = extract(deep.as_bytes(), &deep);
    assert_eq!(f.reads[0].path.keys.len(), AttrPath::MAX_KEYS);
    assert!(f.reads[0].path.partial);
    let exact = format!("default{} = 1\n", "['k']".repeat(AttrPath::MAX_KEYS + 1));
    let f = extract(exact.as_bytes(), &exact);
    assert_eq!(f.writes[0].path.keys.len(), AttrPath::MAX_KEYS);
    assert!(f.writes[0].path.partial);
}

#[test]
fn guard_context_of_each_resource() {
    let src = "\
execute 'a'
execute 'b' if ::File.exist?('/x')
execute 'c' if platform_family?('debian')
ok = shell_out('x').exitstatus.zero?
execute 'd' unless ok
flavor = node['app']['flavor']
execute 'e' if flavor == 'x'
%w(x y).each do |n|
  execute 'f' if n == 'x'
end
begin
  execute 'g'
rescue StandardError
  execute 'h'
end
case node['platform']
when 'ubuntu' then execute 'i'
end
action :create do
  return if installed?
  execute 'j'
end
action :enable do
  return unless platform?('ubuntu')
  execute 'k'
  converge_if_changed :port do
execute 'l'
  end
  execute 'm' if @current.running
  execute 'n' if new_resource.force
end
";
    let f = extract(src.as_bytes(), src);
    let guards: Vec<(String, Guard)> = f
        .resources
        .iter()
        .map(|r| (r.name.text().unwrap_or("").to_string(), r.guard))
        .collect();
    let (n, c, s) = (Guard::None, Guard::Config, Guard::State);
    let want = [
        ("a", n),
        ("b", s),
        ("c", c),
        ("d", s),
        ("e", c),
        ("f", c),
        ("g", n),
        ("h", s),
        ("i", c),
        ("j", s),
        ("k", c),
        ("l", s),
        ("m", s),
        ("n", c),
    ];
    let want: Vec<(String, Guard)> = want.iter().map(|(a, g)| (a.to_string(), *g)).collect();
    assert_eq!(guards, want);
}

#[test]
fn a_blockless_call_in_a_dsl_block_is_a_property() {
    let src = "\
site 'x' do
  template 'a.erb'
end
proxy do
  template 'b.erb'
end
action :create do
  template '/etc/c'
  converge_by 'd' do
package 'e'
  end
end
%w(f).each { |p| package p }
def helper
  package 'g'
end
";
    let f = extract(src.as_bytes(), src);
    let kinds: Vec<String> = f
        .resources
        .iter()
        .map(|r| format!("{} {}", r.kind, r.name.text().unwrap_or("?")))
        .collect();
    assert_eq!(
        kinds,
        [
            "site x",
            "template /etc/c",
            "package e",
            "package ?",
            "package g"
        ]
    );
    assert_eq!(f.defs[0].name, "helper");
    assert_eq!((f.defs[0].line, f.defs[0].end), (14, 16));
}

#[test]
fn include_only_statements() {
    let src = "\
include_recipe 'a', 'b'
%w(c d e).each { |r| include_recipe r }
include_recipe 'f' if x
list.each do |r|
  include_recipe r
  package r
end
";
    let f = extract(src.as_bytes(), src);
    let counts: Vec<u32> = f.stmts.iter().map(|s| s.includes).collect();
    assert_eq!(counts, [2, 3, 0, 0]);
}

/// `depends` in a loop over a literal list is one call per element; over anything else
/// its argument stays unknown.
#[test]
fn unrolls_depends_in_a_loop_over_a_literal_list() {
    let src = "%w(runit java).each { |cb| depends cb }\n[:apt].each do |d|\n  depends d\nend\n\
               list.each { |x| depends x }\n%w(a).each { |x| depends 'b' }\n[].each { |e| depends e }\n";
    let f = extract(src.as_bytes(), src);
    let args: Vec<Lit> = f.top_calls("depends").map(|c| c.args[0].clone()).collect();
    assert_eq!(
        args,
        [
            Lit::Str("runit".into()),
            Lit::Str("java".into()),
            Lit::Sym("apt".into()),
            Lit::Other,
            Lit::Str("b".into()),
        ]
    );
}

/// ChefSpec's `include_recipe` matcher includes nothing; an include under `rescue` is
/// marked optional.
#[test]
fn include_recipe_as_a_matcher_or_rescued() {
    let src = "expect(chef_run).to include_recipe('a::b')\nis_expected.not_to include_recipe 'c'\n\
               begin\n  include_recipe 'd'\nrescue\nend\ninclude_recipe 'e'\n";
    let f = extract(src.as_bytes(), src);
    let got: Vec<(String, bool)> = f
        .includes
        .iter()
        .map(|i| match &i.target {
            IncludeTarget::Static { cookbook, .. } => (cookbook.clone(), i.rescued),
            IncludeTarget::Dynamic => (String::new(), i.rescued),
        })
        .collect();
    assert_eq!(got, [("d".to_string(), true), ("e".to_string(), false)]);
}

#[test]
fn extracts_writes_reads_includes_and_resources() {
    let src = "default['a']['b'] = node['c']['d']\ninclude_recipe 'x::y'\npackage 'p' do\n  action :install\nend\nnode.default['e'] ||= 1\n";
    let f = extract(src.as_bytes(), src);
    assert_eq!(f.writes.len(), 2);
    assert_eq!(f.writes[0].path.keys, ["a", "b"]);
    assert_eq!(f.writes[0].value_reads, 0..1);
    assert_eq!(f.reads[0].path.keys, ["c", "d"]);
    assert!(f.writes[1].via_node);
    assert_eq!(
        f.includes[0].target,
        IncludeTarget::Static {
            cookbook: "x".into(),
            recipe: "y".into()
        }
    );
    assert_eq!(f.resources.len(), 1);
    assert_eq!(f.props(&f.resources[0]).next().unwrap().name, "action");
    assert_eq!(f.stmts.len(), 4);
    assert!(f.stmts[1].is_include);
}
