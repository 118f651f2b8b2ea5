//! The `cookbooks` generator: snapshots of every sample, in-process Ruby parsing (ruby-prism),
//! escaping round trips through a real Ruby, and the external validators (`ruby -wc`, ERB,
//! RuboCop with a Cookstyle-like configuration, Python for the boot script).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use stackchef::generate::{cookbooks, Generator};
use stackchef::plan::PlannedFile;
use stackchef::stack::{self, Stack};
use stackchef::templates::Templates;

/// A stack whose free-text values hold everything that needs escaping somewhere: quotes of both
/// kinds, Ruby interpolation look-alikes, `%` (systemd specifiers), `$` (systemd and shell
/// expansion), backslashes, backticks, ERB delimiters, spaces and unicode.
const ESCAPING_STACK: &str = r##"
name: esc
maintainer: "Zoë O'Brien \"ops\" #{team} 100% $USER"
maintainer_email: ops@esc.example
license: all-rights-reserved
chef: { client: chef, version: "18" }
aws:
  region: us-east-1
  internal_zone: esc.internal
images:
  base:
    platform: amazonlinux-2023
    packages: [curl, g++]
services:
  tricky:
    image: base
    command: "/usr/bin/env printf '%s\\n' \"it's #{x}\" $HOME 100% \\\\back ünïcødé 日本 `id` <%= 1 %>"
    user: esc
    working_directory: /srv/esc
    environment:
      QUOTES: "it's \"double\" and 'single'"
      INTERP: "#{ENV['HOME']} #@x #$y \\#{z}"
      PERCENT: "100% %n %%"
      DOLLAR: "$HOME ${PATH} $$"
      SPACES: "  leading and trailing  "
      UNICODE: "café ☕ 日本語"
      BACKSLASH: "C:\\path\\to\\n \\\\ end\\"
      ERB: "<%= 1 + 1 %> %> -%>"
      BACKTICK: "`id` and $(id)"
    port: 8080
    dns: tricky
"##;

fn templates() -> Templates {
    Templates::load(None).expect("built-in templates load")
}

fn escaping_stack() -> Stack {
    stack::load_str(ESCAPING_STACK, "escaping.yml")
        .unwrap_or_else(|e| panic!("{}", e.render(false)))
}

/// Every stack the file-level tests run on: the samples plus the escaping stack.
fn all_stacks() -> Vec<(String, Stack)> {
    let mut out: Vec<(String, Stack)> = support::sample_stacks()
        .into_iter()
        .map(|(name, path)| (name, support::load_sample(&path)))
        .collect();
    out.push(("escaping".to_string(), escaping_stack()));
    out
}

fn generate(stack: &Stack) -> Vec<PlannedFile> {
    let mut files = cookbooks::Cookbooks
        .render_files(stack, &templates())
        .expect("cookbooks generate");
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// The whole tree as one text: every path, then its contents.
fn tree_text(files: &[PlannedFile]) -> String {
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("==> {} <==\n{}\n", f.path, f.contents));
    }
    out
}

fn write_tree(files: &[PlannedFile]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.contents).unwrap();
    }
    dir
}

// ---------------------------------------------------------------------------------------------
// In-process checks, shared by the sample tests and the property test.

/// Parse Ruby with prism; every error and warning, with its line.
fn prism_problems(source: &str) -> Vec<String> {
    let result = ruby_prism::parse(source.as_bytes());
    let mut out = Vec::new();
    for (kind, diags) in [("error", result.errors()), ("warning", result.warnings())] {
        for d in diags {
            out.push(format!(
                "{kind} at line {}: {}",
                d.location().start_line(),
                String::from_utf8_lossy(d.message())
            ));
        }
    }
    out
}

/// Compile an ERB template to Ruby the way `erb -x` does (text appended to a buffer, `<%= %>`
/// appended as `.to_s`, `<% %>` inlined, `<%# %>` dropped, `-%>` eating the next newline).
fn erb_to_ruby(template: &str) -> String {
    let mut ruby = String::from("_buf = +''\n");
    let mut rest = template;
    while let Some(start) = rest.find("<%") {
        let (text, tag) = rest.split_at(start);
        ruby.push_str(&format!("_buf << {:?}\n", text));
        let end = tag.find("%>").expect("unterminated ERB tag");
        let inner = &tag[2..end];
        let mut after = &tag[end + 2..];
        let trimmed = inner.strip_suffix('-').unwrap_or(inner);
        if inner.ends_with('-') {
            after = after.strip_prefix('\n').unwrap_or(after);
        }
        if let Some(expr) = trimmed.strip_prefix('=') {
            ruby.push_str(&format!("_buf << ({}).to_s\n", expr.trim()));
        } else if !trimmed.starts_with('#') {
            ruby.push_str(trimmed.trim());
            ruby.push('\n');
        }
        rest = after;
    }
    ruby.push_str(&format!("_buf << {:?}\n", rest));
    ruby
}

/// Everything the in-process checks find wrong with one generated tree.
fn in_process_problems(files: &[PlannedFile]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files {
        let mut report = |what: String| problems.push(format!("{}: {what}", f.path));
        if f.path.ends_with(".rb") {
            for p in prism_problems(&f.contents) {
                report(p);
            }
        }
        if f.path.ends_with(".erb") {
            for p in prism_problems(&erb_to_ruby(&f.contents)) {
                report(format!("compiled ERB: {p}"));
            }
        }
        if !f.contents.ends_with('\n') || f.contents.ends_with("\n\n") {
            report("does not end with exactly one newline".into());
        }
        let mut previous = "";
        for (n, line) in f.contents.lines().enumerate() {
            // Continuation lines may align with the first argument (RuboCop's default).
            let continuation = previous.ends_with([',', '\\', '{', '(', '[']);
            previous = line;
            if line != line.trim_end() {
                report(format!("line {}: trailing whitespace", n + 1));
            }
            if line.contains('\t') {
                report(format!("line {}: tab", n + 1));
            }
            let indent = line.len() - line.trim_start().len();
            let code = [".rb", ".yml", ".erb"].iter().any(|e| f.path.ends_with(e));
            if code && indent % 2 != 0 && !continuation {
                report(format!(
                    "line {}: indentation is not a multiple of 2",
                    n + 1
                ));
            }
        }
        if f.path.contains("..") || f.path.starts_with('/') {
            report("path escapes the output directory".into());
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Samples

#[test]
fn snapshot_of_every_sample_tree() {
    for (name, stack) in all_stacks() {
        let files = generate(&stack);
        insta::assert_snapshot!(format!("tree-{name}"), tree_text(&files));
    }
}

#[test]
fn generation_is_deterministic() {
    for (name, stack) in all_stacks() {
        assert_eq!(
            tree_text(&generate(&stack)),
            tree_text(&generate(&stack)),
            "{name}: two runs differ"
        );
    }
}

#[test]
fn every_generated_file_passes_the_in_process_checks() {
    let mut checked_rb = 0;
    for (name, stack) in all_stacks() {
        let files = generate(&stack);
        checked_rb += files.iter().filter(|f| f.path.ends_with(".rb")).count();
        let problems = in_process_problems(&files);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    }
    assert!(checked_rb > 40, "only {checked_rb} Ruby files checked");
}

#[test]
fn the_in_process_checks_catch_broken_files() {
    let bad = |path: &str, contents: &str| {
        in_process_problems(&[PlannedFile::new(
            stackchef::plan::Target::Cookbooks,
            path,
            contents,
        )])
    };
    assert!(
        !bad("a.rb", "package 'x\n").is_empty(),
        "unterminated string"
    );
    assert!(!bad("a.rb", "if true\n").is_empty(), "missing end");
    assert!(!bad("a.rb", "x = 1 \n").is_empty(), "trailing whitespace");
    assert!(
        !bad("a.rb", "x do\n   y\nend\n").is_empty(),
        "odd indentation"
    );
    assert!(!bad("a.erb", "<% if x %>\n").is_empty(), "ERB without end");
    assert!(bad("a.erb", "<% if x -%>\ny <%= z %>\n<% end -%>\n").is_empty());
}

/// Every cookbook is complete and the file set is what the issue promises.
#[test]
fn every_cookbook_has_its_files() {
    for (name, stack) in all_stacks() {
        let files = generate(&stack);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let mut cookbooks = vec![stack.common_cookbook()];
        cookbooks.extend(stack.images.keys().map(|i| stack.image_cookbook(i)));
        for cb in &cookbooks {
            for file in [
                "metadata.rb",
                "Policyfile.rb",
                "kitchen.yml",
                "README.md",
                "CHANGELOG.md",
                "LICENSE",
                "chefignore",
                ".rubocop.yml",
            ] {
                let want = format!("cookbooks/{cb}/{file}");
                assert!(paths.contains(&want.as_str()), "{name}: missing {want}");
            }
            assert!(
                paths
                    .iter()
                    .any(|p| p.starts_with(&format!("cookbooks/{cb}/test/integration/"))),
                "{name}: {cb} has no InSpec tests"
            );
        }
        for image in stack.images.keys() {
            let cb = stack.image_cookbook(image);
            assert!(paths.contains(&format!("cookbooks/{cb}/recipes/default.rb").as_str()));
            assert!(
                !paths
                    .iter()
                    .any(|p| p.starts_with(&format!("cookbooks/{cb}/attributes"))),
                "{name}: {cb} has attributes"
            );
        }
        for f in &files {
            assert!(
                !f.contents.contains("include_recipe"),
                "{name}: {} includes a recipe",
                f.path
            );
        }
    }
}

#[test]
fn layered_policyfiles_run_the_parents_first() {
    let policy = file_ending(&generate(&sample("large")), "/bigcorp_worker/Policyfile.rb");
    assert!(
        policy.contains(
            "run_list 'bigcorp_base::default', 'bigcorp_app::default', 'bigcorp_worker::default'"
        ),
        "{policy}"
    );
    for source in [
        "'bigcorp_worker', path: '.'",
        "'bigcorp_app', path: '../bigcorp_app'",
    ] {
        assert!(policy.contains(source), "{policy}");
    }
}

/// The contents of the generated file whose path ends with `suffix`.
fn file_ending(files: &[PlannedFile], suffix: &str) -> String {
    files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no file ends with {suffix}"))
        .contents
        .clone()
}

fn sample(name: &str) -> Stack {
    support::load_sample(&support::root().join(format!("samples/{name}/stack.yml")))
}

#[test]
fn licenses_are_the_real_texts() {
    let apache = file_ending(&generate(&sample("webapp")), "shop_web/LICENSE");
    assert!(apache.contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"));
    assert!(apache.contains("END OF TERMS AND CONDITIONS"));
    let mit = file_ending(&generate(&sample("large")), "bigcorp_app/LICENSE");
    assert!(mit.starts_with("MIT License\n\nCopyright (c) BigCorp Platform Team\n"));
    assert!(mit.contains("THE SOFTWARE IS PROVIDED \"AS IS\""));
    let reserved = file_ending(&generate(&escaping_stack()), "esc_base/LICENSE");
    assert!(reserved.contains("All rights reserved."));
}

// ---------------------------------------------------------------------------------------------
// Escaping: run the generated Ruby in a real Ruby with a stub DSL and compare values.

/// Evaluate a recipe (or metadata.rb) with every DSL call recorded; returns the calls as JSON.
const STUB_DSL: &str = r#"
require 'json'
$calls = []
class Call
  def initialize(kind, args)
    @h = { 'kind' => kind, 'args' => args }
  end

  def method_missing(name, *args)
    @h[name.to_s] = args.length == 1 ? args[0] : args
    nil
  end

  def respond_to_missing?(*)
    true
  end

  def to_h
    @h
  end
end

def method_missing(kind, *args, &block)
  call = Call.new(kind.to_s, args)
  call.instance_eval(&block) if block
  $calls << call.to_h
  nil
end

load ARGV[0]
puts JSON.generate($calls)
"#;

/// Run `ruby` with `args`; its standard output, after asserting it succeeded.
fn run_ruby(ruby: &Path, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(ruby).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ruby failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The escaping stack and its generated tree on disk.
fn escaping_tree() -> (Stack, tempfile::TempDir) {
    let stack = escaping_stack();
    let dir = write_tree(&generate(&stack));
    (stack, dir)
}

fn ruby_calls(ruby: &Path, file: &Path) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let stub = dir.path().join("stub.rb");
    std::fs::write(&stub, STUB_DSL).unwrap();
    serde_json::from_slice(&run_ruby(ruby, &[stub.as_os_str(), file.as_os_str()])).unwrap()
}

#[test]
fn free_text_survives_ruby_unchanged() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    let (stack, dir) = escaping_tree();
    let service = &stack.services["tricky"];

    let calls = ruby_calls(
        &ruby,
        &dir.path().join("cookbooks/esc_base/recipes/default.rb"),
    );
    let svc = calls
        .iter()
        .find(|c| c["kind"] == "esc_service")
        .expect("the recipe declares the service");
    assert_eq!(svc["args"][0], "esc-tricky");
    assert_eq!(svc["command"], service.command.as_str());
    let env: BTreeMap<String, String> = serde_json::from_value(svc["environment"].clone()).unwrap();
    assert_eq!(env, service.environment);

    let meta = ruby_calls(&ruby, &dir.path().join("cookbooks/esc_base/metadata.rb"));
    let maintainer = meta.iter().find(|c| c["kind"] == "maintainer").unwrap();
    assert_eq!(maintainer["args"][0], stack.maintainer.as_str());
}

/// Parse a systemd EnvironmentFile line `KEY="value"` the way systemd does: inside double
/// quotes a backslash before one of \ " ` $ yields that character; other characters are kept.
fn parse_systemd_env_line(line: &str) -> (String, String) {
    let (key, raw) = line.split_once('=').unwrap();
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or_else(|| panic!("value not double-quoted: {line}"));
    let mut value = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let next = chars.next().expect("dangling backslash");
            if !"\\\"`$".contains(next) {
                value.push('\\');
            }
            value.push(next);
        } else {
            assert_ne!(c, '"', "unescaped quote in {line}");
            value.push(c);
        }
    }
    (key.to_string(), value)
}

#[test]
fn environment_file_round_trips_through_erb_and_systemd_quoting() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    let (stack, dir) = escaping_tree();
    let service = &stack.services["tricky"];
    let template = dir
        .path()
        .join("cookbooks/esc_common/templates/environment.erb");
    let env_json = dir.path().join("env.json");
    std::fs::write(
        &env_json,
        serde_json::to_string(&service.environment).unwrap(),
    )
    .unwrap();
    // Chef renders templates with Erubis-compatible trim mode '-'.
    let script = "require 'erb'; require 'json'; @unit = 'esc-tricky.service'; \
                  @environment = JSON.parse(File.read(ARGV[1])); \
                  print ERB.new(File.read(ARGV[0]), trim_mode: '-').result(binding)";
    let out = run_ruby(
        &ruby,
        &[
            "-e".as_ref(),
            script.as_ref(),
            template.as_os_str(),
            env_json.as_os_str(),
        ],
    );
    let text = String::from_utf8(out).unwrap();
    let parsed: BTreeMap<String, String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(parse_systemd_env_line)
        .collect();
    assert_eq!(parsed, service.environment, "rendered:\n{text}");
}

/// Load the service resource's `action_class` into a plain Ruby object and ask it for the unit
/// it would write, with the escaping stack's command.
#[test]
fn exec_start_escapes_specifiers_and_variables() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    let (stack, dir) = escaping_tree();
    let service = &stack.services["tricky"];
    let resource = dir.path().join("cookbooks/esc_common/resources/service.rb");
    let script = r#"
require 'json'
class ResourceDsl
  def self.method_missing(*) = nil
  def self.respond_to_missing?(*) = true
  def self.action_class(&block) = (@action_class = block)
  def self.action_class_block = @action_class
end
ResourceDsl.class_eval(File.read(ARGV[0]), ARGV[0])
Props = Struct.new(:service_name, :command, :user, :group, :working_directory, :environment,
                   :unit_description, :restart, :restart_delay, :after, :limit_nofile,
                   :read_write_paths, :capabilities, :sandbox, :protect_system, keyword_init: true)
helper = Class.new do
  define_method(:new_resource) do
    Props.new(service_name: 'esc-tricky', command: ARGV[1], user: 'esc', group: 'esc',
              working_directory: '/srv/100%', environment: { 'A' => 'b' },
              unit_description: '100% tricky', restart: 'always', restart_delay: 5,
              after: ['network-online.target'], limit_nofile: nil, read_write_paths: [],
              capabilities: [], sandbox: true, protect_system: 'full')
  end
  def platform_family?(family) = family == 'rhel'
end
helper.class_eval(&ResourceDsl.action_class_block)
puts JSON.generate(helper.new.unit_content)
"#;
    let out = run_ruby(
        &ruby,
        &[
            "-e".as_ref(),
            script.as_ref(),
            resource.as_os_str(),
            service.command.as_ref(),
        ],
    );
    let unit: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let exec = unit["Service"]["ExecStart"].as_str().unwrap();
    assert!(!exec.replace("%%", "").contains('%'), "lone % in {exec}");
    assert!(!exec.replace("$$", "").contains('$'), "lone $ in {exec}");
    assert_eq!(exec.replace("%%", "%").replace("$$", "$"), service.command);
    assert_eq!(unit["Service"]["WorkingDirectory"], "/srv/100%%");
    assert_eq!(unit["Unit"]["Description"], "100%% tricky");
    assert_eq!(unit["Service"]["NoNewPrivileges"], "yes");
    assert_eq!(
        unit["Service"]["EnvironmentFile"],
        "/etc/sysconfig/esc-tricky"
    );
}

/// Commands that systemd reads differently from how they are written, or that are fine: the
/// Rust check (`stackchef check`) and the resource's `command` callbacks must agree on each.
const EXEC_START_CASES: &[&str] = &[
    "/opt/shop/bin/api --port 8080",
    "api --port 8080",
    "/bin/echo a\"b c\"d 'x' \"\" ';' x; \\; \\x41 \\u00e9 \\101 \\\\",
    "\"/opt/my app/bin/api\" serve",
    "/usr/bin/env printf '%s\\n' \"it's #{x}\" $HOME 100% \\\\back",
    "/opt/api --flag \\",
    "/opt/api 'it",
    "/opt/api \"a b",
    "/opt/api a\"b",
    "+/opt/api",
    "!/opt/api",
    "!!/opt/api",
    "@/opt/api api",
    "-/opt/api",
    ":/opt/api",
    "\"+/opt/api\"",
    "/opt/api \\q",
    "/opt/api \\x00",
    "/opt/api \\x4",
    "/opt/api \\8",
    "/opt/api \\000",
    "/opt/api ; /bin/true",
    "bin/api",
    "/opt/bin/",
    "\"\" x",
    "/opt/api\ttab",
    "   ",
];

/// Ruby that loads the service resource with a stub DSL and prints, for each value of the
/// JSON list in ARGV[1], the messages of the callbacks of property ARGV[2] it fails.
const COMMAND_CALLBACKS: &str = r#"
require 'json'
class ResourceDsl
  def self.method_missing(*) = nil
  def self.respond_to_missing?(*) = true
  def self.property(name, *_types, **opts) = ((@props ||= {})[name] = opts)
  def self.props = @props
end
ResourceDsl.class_eval(File.read(ARGV[0]), ARGV[0])
callbacks = ResourceDsl.props.fetch(ARGV[2].to_sym).fetch(:callbacks)
commands = JSON.parse(File.read(ARGV[1]))
puts JSON.generate(commands.map { |c| callbacks.reject { |_, check| check.call(c) }.keys })
"#;

/// The resource refuses what `check` refuses, so a recipe written by hand (or a stack.yml
/// bypassing check) cannot write a unit systemd misreads either.
#[test]
fn command_callbacks_agree_with_check() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    let (_, dir) = escaping_tree();
    let resource = dir.path().join("cookbooks/esc_common/resources/service.rb");
    let failed = failed_callbacks(&ruby, &resource, "command", EXEC_START_CASES);
    for (command, failed) in EXEC_START_CASES.iter().zip(&failed) {
        let valid = !command.trim().is_empty()
            && !command.chars().any(char::is_control)
            && stack::validate::exec_start_problem(command).is_none();
        assert_eq!(
            failed.is_empty(),
            valid,
            "{command:?}: check says {}, the resource's callbacks fail {failed:?}",
            if valid { "valid" } else { "invalid" }
        );
    }
    assert!(failed.iter().filter(|f| f.is_empty()).count() >= 5);
}

/// The messages of the callbacks of `property` of the service resource that each of `values`
/// fails, by running them in Ruby.
fn failed_callbacks<T: serde::Serialize>(
    ruby: &Path,
    resource: &Path,
    property: &str,
    values: &[T],
) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("values.json");
    std::fs::write(&cases, serde_json::to_string(values).unwrap()).unwrap();
    let script = dir.path().join("callbacks.rb");
    std::fs::write(&script, COMMAND_CALLBACKS).unwrap();
    let out = run_ruby(
        ruby,
        &[
            script.as_os_str(),
            resource.as_os_str(),
            cases.as_os_str(),
            property.as_ref(),
        ],
    );
    serde_json::from_slice(&out).unwrap()
}

/// The other properties written into the unit as text refuse what would change how systemd
/// reads it: a backslash (a final one joins the next line), quotes and whitespace in paths,
/// control characters (a newline would add a setting of the caller's choosing).
#[test]
fn unit_text_properties_refuse_what_would_change_the_unit() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    let (_, dir) = escaping_tree();
    let resource = dir.path().join("cookbooks/esc_common/resources/service.rb");
    let passes = |property: &str, values: &[serde_json::Value]| -> Vec<bool> {
        failed_callbacks(&ruby, &resource, property, values)
            .iter()
            .map(Vec::is_empty)
            .collect()
    };
    let j = |s: &str| serde_json::Value::from(s);
    assert_eq!(
        passes(
            "working_directory",
            &[
                j("/srv/100%"),
                j("/srv/app\\"),
                j("/srv/my app"),
                j("/srv/'x'"),
                j("srv")
            ]
        ),
        [true, false, false, false, false]
    );
    assert_eq!(
        passes(
            "unit_description",
            &[
                j("100% tricky \"quoted\""),
                j("ends in \\"),
                j("two\nExecStartPre=+/bin/sh"),
                j("even \\\\")
            ]
        ),
        [true, false, false, true]
    );
    assert_eq!(
        passes(
            "read_write_paths",
            &[
                serde_json::json!(["/srv/data", "/var/lib/x"]),
                serde_json::json!(["/srv/data\\"]),
                serde_json::json!(["/srv/a b"]),
            ]
        ),
        [true, false, false]
    );
}

/// Ruby that renders `unit_content` of the service resource for each service of the JSON list
/// in ARGV[1] into ARGV[2]/<unit>.service, as `systemd_unit` writes a Hash (one `Key=value` per
/// line under `[Section]`).
const RENDER_UNITS: &str = r##"
require 'json'
class ResourceDsl
  def self.method_missing(*) = nil
  def self.respond_to_missing?(*) = true
  def self.action_class(&block) = (@action_class = block)
  def self.action_class_block = @action_class
end
ResourceDsl.class_eval(File.read(ARGV[0]), ARGV[0])
Props = Struct.new(:service_name, :command, :user, :group, :working_directory, :environment,
                   :unit_description, :restart, :restart_delay, :after, :limit_nofile,
                   :read_write_paths, :capabilities, :sandbox, :protect_system, keyword_init: true)
helper = Class.new do
  attr_accessor :new_resource

  def platform_family?(family) = family == 'debian'
end
helper.class_eval(&ResourceDsl.action_class_block)
JSON.parse(File.read(ARGV[1])).each do |s|
  h = helper.new
  h.new_resource = Props.new(service_name: s['unit'], command: s['command'], user: s['user'],
                             group: s['group'], working_directory: s['working_directory'],
                             environment: s['environment'], unit_description: "#{s['unit']} service",
                             restart: s['restart'], restart_delay: 5, after: ['network-online.target'],
                             limit_nofile: nil, read_write_paths: [], capabilities: s['capabilities'],
                             sandbox: true, protect_system: 'full')
  ini = h.unit_content.map do |section, options|
    "[#{section}]\n" + options.map { |k, v| "#{k}=#{v}\n" }.join
  end
  File.write(File.join(ARGV[2], "#{s['unit']}.service"), ini.join("\n"))
end
"##;

/// Units rendered by the resource for every sample service (and the escaping stack's) pass
/// `systemd-analyze verify`. systemd checks that the program exists, so each command's program
/// is moved under a scratch root where a stub is created; the rest of the command line is
/// unchanged. An unclosed quote, rendered past the callbacks, must fail: the check has teeth.
#[test]
fn rendered_units_pass_systemd_analyze_verify() {
    let (Some(ruby), Some(analyze)) = (
        support::validator("ruby"),
        support::validator("systemd-analyze"),
    ) else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let stubs = scratch.path().join("root");
    let units = scratch.path().join("units");
    std::fs::create_dir_all(&units).unwrap();
    let mut services = Vec::new();
    for (_, stack) in all_stacks() {
        for s in stack.services.values() {
            let (program, rest) = s.command.split_once(' ').unwrap_or((&s.command, ""));
            assert!(
                program.starts_with('/'),
                "{program}: samples use absolute paths"
            );
            let stub = stubs.join(program.trim_start_matches('/'));
            std::fs::create_dir_all(stub.parent().unwrap()).unwrap();
            std::fs::write(&stub, "#!/bin/sh\n").unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
            services.push(serde_json::json!({
                "unit": s.unit_name(&stack.name),
                "command": format!("{}{program} {rest}", stubs.display()),
                "user": s.user, "group": s.group,
                "working_directory": s.working_directory,
                "environment": s.environment,
                "restart": s.restart.as_str(),
                "capabilities": if s.port.is_some_and(|p| p < 1024) { vec!["CAP_NET_BIND_SERVICE"] } else { vec![] },
            }));
        }
    }
    assert!(services.len() >= 10, "{} services", services.len());
    let mut broken = services[0].clone();
    broken["unit"] = "broken-quote".into();
    broken["command"] = format!("{} 'unclosed", broken["command"].as_str().unwrap()).into();

    let render = |list: &[serde_json::Value], dir: &Path| {
        let (_, tree) = escaping_tree();
        let resource = tree
            .path()
            .join("cookbooks/esc_common/resources/service.rb");
        let json = scratch.path().join("services.json");
        std::fs::write(&json, serde_json::to_string(list).unwrap()).unwrap();
        let script = scratch.path().join("render.rb");
        std::fs::write(&script, RENDER_UNITS).unwrap();
        run_ruby(
            &ruby,
            &[
                script.as_os_str(),
                resource.as_os_str(),
                json.as_os_str(),
                dir.as_os_str(),
            ],
        );
    };
    let verify = |dir: &Path| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let out = Command::new(&analyze)
            .args(["verify", "--man=no"])
            .args(&files)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            files,
        )
    };

    render(&services, &units);
    let (ok, stderr, files) = verify(&units);
    assert_eq!(files.len(), services.len());
    assert!(ok, "systemd-analyze verify failed:\n{stderr}");
    assert!(!stderr.contains("nknown escape"), "{stderr}");

    let bad = scratch.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    render(&[broken], &bad);
    let (ok, stderr, _) = verify(&bad);
    assert!(!ok && stderr.contains("Unbalanced quoting"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// External validators

fn all_trees() -> Vec<(String, tempfile::TempDir, Vec<PlannedFile>)> {
    all_stacks()
        .into_iter()
        .map(|(name, stack)| {
            let files = generate(&stack);
            (name, write_tree(&files), files)
        })
        .collect()
}

fn files_with_ext<'a>(files: &'a [PlannedFile], ext: &str) -> Vec<&'a PlannedFile> {
    files.iter().filter(|f| f.path.ends_with(ext)).collect()
}

#[test]
fn ruby_wc_reports_no_errors_or_warnings() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    for (name, dir, files) in all_trees() {
        for f in files_with_ext(&files, ".rb") {
            let out = Command::new(&ruby)
                .arg("-wc")
                .arg(dir.path().join(&f.path))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && stderr.trim().is_empty(),
                "{name}: ruby -wc {}:\n{stderr}",
                f.path
            );
        }
    }
}

#[test]
fn erb_templates_compile_to_valid_ruby() {
    let (Some(erb), Some(ruby)) = (support::validator("erb"), support::validator("ruby")) else {
        return;
    };
    for (name, dir, files) in all_trees() {
        let templates = files_with_ext(&files, ".erb");
        assert!(!templates.is_empty());
        for f in templates {
            let compiled = Command::new(&erb)
                .args(["-x", "-T", "-"])
                .arg(dir.path().join(&f.path))
                .output()
                .unwrap();
            assert!(compiled.status.success(), "{name}: erb -x {}", f.path);
            let src = dir.path().join("compiled.rb");
            std::fs::write(&src, &compiled.stdout).unwrap();
            let out = Command::new(&ruby).arg("-c").arg(&src).output().unwrap();
            assert!(
                out.status.success(),
                "{name}: {} does not compile:\n{}",
                f.path,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

fn rubocop_config() -> PathBuf {
    support::root().join("tests/cookbooks.rubocop.yml")
}

fn rubocop(rubocop: &Path, dir: &Path) -> (bool, String) {
    let out = Command::new(rubocop)
        .arg("--config")
        .arg(rubocop_config())
        .args(["--format", "emacs", "--no-color", "--cache", "false", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn rubocop_with_cookstyle_settings_passes() {
    let Some(rubocop_bin) = support::validator("rubocop") else {
        return;
    };
    for (name, dir, _) in all_trees() {
        let (ok, output) = rubocop(&rubocop_bin, dir.path());
        assert!(ok, "{name}: RuboCop found offenses:\n{output}");
    }
}

#[test]
fn rubocop_configuration_is_not_toothless() {
    let Some(rubocop_bin) = support::validator("rubocop") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("recipes")).unwrap();
    std::fs::write(
        dir.path().join("recipes/default.rb"),
        "package \"curl\"\nx = { a: 1,\n  b: 2 }\n",
    )
    .unwrap();
    let (ok, output) = rubocop(&rubocop_bin, dir.path());
    assert!(!ok, "RuboCop accepted bad code:\n{output}");
    assert!(output.contains("Style/StringLiterals"), "{output}");
}

#[test]
fn boot_script_compiles_with_python3() {
    let Some(python) = support::validator("python3") else {
        return;
    };
    for (name, dir, files) in all_trees() {
        for f in files_with_ext(&files, ".py") {
            let out = Command::new(&python)
                .args([
                    "-c",
                    "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                ])
                .arg(dir.path().join(&f.path))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name}: {}:\n{}",
                f.path,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Property test: many generated stacks, same guarantees.

const PLATFORMS: [&str; 4] = [
    "ubuntu-22.04",
    "ubuntu-24.04",
    "debian-12",
    "amazonlinux-2023",
];
const COMMAND_BITS: [&str; 8] = [
    "--flag",
    "'single quoted'",
    "\\\"double\\\"",
    "#{interp}",
    "100%",
    "$HOME",
    "ünï",
    // A backslash as systemd's ExecStart= reads it (`\\`): a lone one is an unknown escape,
    // or at the end of the line joins the unit's next line to the command.
    "\\\\\\\\",
];

#[derive(Debug, Clone)]
struct GenImage {
    platform: usize,
    parent: Option<usize>,
    packages: usize,
    count: u32,
}

#[derive(Debug, Clone)]
struct GenService {
    image: usize,
    command_bits: Vec<usize>,
    env_bits: Vec<usize>,
    /// Some(true): a privileged port (below 1024); ports are unique per stack.
    port: Option<bool>,
    dns: bool,
}

fn gen_stack() -> impl Strategy<Value = (String, bool, bool, Vec<GenImage>, Vec<GenService>)> {
    let images = prop::collection::vec(
        (0..4usize, prop::option::of(0..8usize), 0..4usize, 0..4u32),
        1..5,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (platform, parent, packages, count))| GenImage {
                platform,
                // Only earlier images can be parents, so there are no cycles.
                parent: parent.filter(|p| *p < i),
                packages,
                count,
            })
            .collect::<Vec<_>>()
    });
    let services = prop::collection::vec(
        (
            0..8usize,
            prop::collection::vec(0..8usize, 0..4),
            prop::collection::vec(0..8usize, 0..3),
            prop::option::of(any::<bool>()),
            any::<bool>(),
        )
            .prop_map(|(image, command_bits, env_bits, port, dns)| GenService {
                image,
                command_bits,
                env_bits,
                port,
                dns,
            }),
        0..5,
    );
    (
        "[a-z][a-z0-9_]{0,8}",
        any::<bool>(),
        any::<bool>(),
        images,
        services,
    )
}

fn yaml_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn stack_yaml(
    name: &str,
    cinc: bool,
    mit: bool,
    images: &[GenImage],
    services: &[GenService],
) -> String {
    let mut y = format!(
        "name: {name}\nmaintainer: \"Ops {name}\"\nmaintainer_email: ops@example.com\nlicense: {}\nchef: {{ client: {}, version: \"18\" }}\nimages:\n",
        if mit { "MIT" } else { "Apache-2.0" },
        if cinc { "cinc" } else { "chef" },
    );
    for (i, img) in images.iter().enumerate() {
        y.push_str(&format!("  img{i}:\n"));
        match img.parent {
            Some(p) => y.push_str(&format!("    from: img{p}\n")),
            None => y.push_str(&format!("    platform: {}\n", PLATFORMS[img.platform])),
        }
        let pkgs: Vec<String> = (0..img.packages).map(|k| format!("pkg{k}")).collect();
        y.push_str(&format!(
            "    packages: [{}]\n    count: {}\n",
            pkgs.join(", "),
            img.count
        ));
    }
    if !services.is_empty() {
        y.push_str("services:\n");
    }
    for (i, s) in services.iter().enumerate() {
        let image = s.image % images.len();
        let mut command = format!("/usr/bin/svc{i}");
        for b in &s.command_bits {
            command.push(' ');
            command.push_str(COMMAND_BITS[*b]);
        }
        y.push_str(&format!(
            "  svc{i}:\n    image: img{image}\n    command: \"{command}\"\n    user: user{i}\n"
        ));
        if !s.env_bits.is_empty() {
            y.push_str("    environment:\n");
            for (k, b) in s.env_bits.iter().enumerate() {
                let value = COMMAND_BITS[*b].replace("\\\"", "\"").replace("\\\\", "\\");
                y.push_str(&format!("      VAR_{k}: {}\n", yaml_quote(&value)));
            }
        }
        if let Some(privileged) = s.port {
            let port = if privileged { 80 + i } else { 8000 + i };
            y.push_str(&format!("    port: {port}\n"));
        }
        if s.dns {
            y.push_str(&format!("    dns: svc{i}\n"));
        }
    }
    y
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_stacks_stay_valid((name, cinc, mit, images, services) in gen_stack()) {
        let yaml = stack_yaml(&name, cinc, mit, &images, &services);
        let stack = match stack::load_str(&yaml, "generated.yml") {
            Ok(stack) => stack,
            Err(e) => panic!("generated stack is invalid:\n{yaml}\n{}", e.render(false)),
        };
        let files = generate(&stack);
        let problems = in_process_problems(&files);
        prop_assert!(problems.is_empty(), "{}\n{}", yaml, problems.join("\n"));
        // One library plus one cookbook per image, each with its own metadata.
        let metadata = files.iter().filter(|f| f.path.ends_with("/metadata.rb") && !f.path.contains("/test/")).count();
        prop_assert_eq!(metadata, images.len() + 1);
        // Every service and DNS record is declared in its image's recipe.
        for svc in stack.services.values() {
            let recipe = files.iter().find(|f| f.path == format!("cookbooks/{}/recipes/default.rb", stack.image_cookbook(&svc.image))).unwrap();
            let declaration = format!("{}_service '{}' do", stack.name, svc.unit_name(&stack.name));
            prop_assert!(recipe.contents.contains(&declaration), "{}", recipe.contents);
            if let Some(fqdn) = stack.service_fqdn(svc) {
                let dns_declaration = format!("{}_dns_record '{fqdn}' do", stack.name);
                prop_assert!(recipe.contents.contains(&dns_declaration), "{}", recipe.contents);
            }
        }
        // Deterministic.
        prop_assert_eq!(tree_text(&files), tree_text(&generate(&stack)));
    }
}

// ---------------------------------------------------------------------------------------------
// The DNS boot script against a local Route53 (moto) and a fake IMDSv2.

/// Starts moto_server and a fake IMDSv2 (tokens required), creates a private and a public zone
/// with the same name, runs the boot script twice, and prints the zone's A records as JSON.
const DNS_DRIVER: &str = r#"
import http.server, json, os, socket, subprocess, sys, threading, time, urllib.request

script, moto = sys.argv[1], sys.argv[2]
NS = "https://route53.amazonaws.com/doc/2013-04-01/"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    return port

class Imds(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def reply(self, code, body):
        self.send_response(code); self.end_headers(); self.wfile.write(body.encode())
    def do_PUT(self):
        ok = self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        self.reply(200 if ok else 400, "tok")
    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != "tok":
            return self.reply(401, "")
        answers = {
            "/latest/meta-data/local-ipv4": "10.1.2.3",
            "/latest/meta-data/iam/security-credentials/": "esc-role",
            "/latest/meta-data/iam/security-credentials/esc-role": json.dumps(
                {"AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "secret", "Token": "session"}),
        }
        self.reply(200, answers[self.path]) if self.path in answers else self.reply(404, "")

imds = http.server.HTTPServer(("127.0.0.1", 0), Imds)
threading.Thread(target=imds.serve_forever, daemon=True).start()
port = free_port()
server = subprocess.Popen([moto, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    endpoint = "http://127.0.0.1:%d" % port
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1); break
        except Exception:
            time.sleep(0.1)

    def call(method, path, body=None):
        # moto routes a request to a service by the credential scope of its Authorization header.
        auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=0"
        req = urllib.request.Request(endpoint + path, data=body and body.encode(), method=method,
                                     headers={"Authorization": auth, "Content-Type": "application/xml"})
        with urllib.request.urlopen(req) as r:
            return r.read().decode()

    def create_zone(ref, private):
        vpc = "<VPC><VPCRegion>us-east-1</VPCRegion><VPCId>vpc-12345678</VPCId></VPC>" if private else ""
        answer = call("POST", "/2013-04-01/hostedzone",
            '<CreateHostedZoneRequest xmlns="%s"><Name>esc.internal.</Name><CallerReference>%s</CallerReference>'
            '<HostedZoneConfig><PrivateZone>%s</PrivateZone></HostedZoneConfig>%s</CreateHostedZoneRequest>'
            % (NS, ref, "true" if private else "false", vpc))
        return answer.split("<Id>/hostedzone/")[1].split("<")[0]

    create_zone("public", False)
    zone = create_zone("private", True)
    env = dict(os.environ, IMDS_ENDPOINT="http://127.0.0.1:%d" % imds.server_port, ROUTE53_ENDPOINT=endpoint)
    runs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, script, "--zone", "esc.internal", "--name", "tricky.esc.internal"],
                              env=env, capture_output=True, text=True, timeout=120)
        runs.append({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr})
    import xml.etree.ElementTree as ET
    root = ET.fromstring(call("GET", "/2013-04-01/hostedzone/%s/rrset" % zone))
    records = [
        {"name": rr.findtext("{%s}Name" % NS), "ttl": rr.findtext("{%s}TTL" % NS),
         "values": [v.text for v in rr.iter("{%s}Value" % NS)]}
        for rr in root.iter("{%s}ResourceRecordSet" % NS) if rr.findtext("{%s}Type" % NS) == "A"
    ]
    print(json.dumps({"runs": runs, "records": records}))
finally:
    server.terminate(); server.wait()
"#;

#[test]
fn dns_boot_script_upserts_the_record_idempotently() {
    let (Some(python), Some(moto)) = (
        support::validator("python3"),
        support::validator("moto_server"),
    ) else {
        return;
    };
    let (_, dir) = escaping_tree();
    let script = dir.path().join("cookbooks/esc_common/files/dns_record.py");
    let out = Command::new(python)
        .args(["-c", DNS_DRIVER])
        .arg(&script)
        .arg(&moto)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "driver failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for run in result["runs"].as_array().unwrap() {
        assert_eq!(run["code"], 0, "boot script failed: {run}");
        assert!(
            run["stdout"]
                .as_str()
                .unwrap()
                .contains("tricky.esc.internal A 10.1.2.3"),
            "{run}"
        );
    }
    let records = result["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["name"], "tricky.esc.internal.");
    assert_eq!(records[0]["ttl"], "60");
    assert_eq!(records[0]["values"], serde_json::json!(["10.1.2.3"]));
}

/// The boot script's SigV4 signer against two vectors of AWS's published SigV4 test suite
/// (`get-vanilla` and `get-vanilla-query-order-key-case`).
#[test]
fn dns_boot_script_signs_like_the_aws_sigv4_test_suite() {
    let Some(python) = support::validator("python3") else {
        return;
    };
    let (_, dir) = escaping_tree();
    let script = dir.path().join("cookbooks/esc_common/files/dns_record.py");
    let driver = r#"
import datetime, importlib.util, sys
spec = importlib.util.spec_from_file_location("dns_record", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
creds = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "")
when = datetime.datetime(2015, 8, 30, 12, 36, 0)
for query in ({}, {"Param2": "value2", "Param1": "value1"}):
    headers = module.signed_headers(creds, "GET", "/", query, b"", now=when, service="service")
    print(headers["authorization"].rsplit("Signature=", 1)[1])
"#;
    let out = Command::new(python)
        .args(["-c", driver])
        .arg(&script)
        .env("ROUTE53_ENDPOINT", "https://example.amazonaws.com")
        .env("ROUTE53_SIGNING_REGION", "us-east-1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\n\
         b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500\n"
    );
}

/// The README's recipe excerpt is what the generator writes for samples/webapp.
#[test]
fn readme_recipe_excerpt_is_current() {
    let readme = std::fs::read_to_string(support::root().join("README.md")).unwrap();
    let section = readme
        .split("## Cookbooks")
        .nth(1)
        .expect("README has a Cookbooks section");
    let excerpt = section
        .split("```ruby\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("the Cookbooks section has a Ruby excerpt");
    let recipe = file_ending(&generate(&sample("webapp")), "shop_web/recipes/default.rb");
    for block in excerpt.split("\n\n") {
        assert!(
            recipe.contains(block.trim_end()),
            "README excerpt block not in the generated recipe:\n{block}\n---\n{recipe}"
        );
    }
}

/// kitchen.yml goes through ERB and then YAML in Test Kitchen: do the same and check the
/// provisioner honours `chef.client`, one suite per cookbook, IMDSv2 required.
#[test]
fn kitchen_yml_survives_erb_and_yaml() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    let script = "require 'erb'; require 'yaml'; require 'json'; \
                  puts JSON.generate(YAML.safe_load(ERB.new(File.read(ARGV[0]), trim_mode: '-').result))";
    for (name, stack) in all_stacks() {
        let files = generate(&stack);
        let dir = write_tree(&files);
        for f in files.iter().filter(|f| f.path.ends_with("/kitchen.yml")) {
            let path = dir.path().join(&f.path);
            let out = run_ruby(&ruby, &["-e".as_ref(), script.as_ref(), path.as_os_str()]);
            let kitchen: serde_json::Value = serde_json::from_slice(&out).unwrap();
            let provisioner = &kitchen["provisioner"];
            assert_eq!(provisioner["name"], "chef_infra", "{name}: {}", f.path);
            assert_eq!(provisioner["product_name"], stack.chef.client.as_str());
            assert_eq!(provisioner["enforce_idempotency"], true);
            assert_eq!(
                kitchen["driver"]["metadata_options"]["http_tokens"],
                "required"
            );
            assert_eq!(kitchen["suites"].as_array().unwrap().len(), 1);
            assert!(!kitchen["platforms"].as_array().unwrap().is_empty());
        }
    }
}

/// Every metadata.rb (evaluated by a real Ruby) declares what Supermarket and Cookstyle expect.
#[test]
fn metadata_declares_versions_platforms_and_dependencies() {
    let Some(ruby) = support::validator("ruby") else {
        return;
    };
    for (name, stack) in all_stacks() {
        let files = generate(&stack);
        let dir = write_tree(&files);
        for f in files.iter().filter(|f| f.path.ends_with("/metadata.rb")) {
            let calls = ruby_calls(&ruby, &dir.path().join(&f.path));
            let kinds: Vec<&str> = calls.iter().filter_map(|c| c["kind"].as_str()).collect();
            for required in [
                "name",
                "maintainer",
                "maintainer_email",
                "license",
                "description",
                "version",
                "chef_version",
                "supports",
            ] {
                assert!(
                    kinds.contains(&required),
                    "{name}: {} lacks {required}",
                    f.path
                );
            }
            let is_library = f.path == format!("cookbooks/{}/metadata.rb", stack.common_cookbook());
            assert_eq!(
                kinds.contains(&"depends"),
                !is_library,
                "{name}: {} depends",
                f.path
            );
        }
    }
}
