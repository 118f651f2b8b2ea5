use crate::lint::parse::facts::{Facts, Lit, Resource};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags hand-rolled service management: a `template`, `file` or `cookbook_file` that
    /// writes an init script or unit file (`/etc/init.d/…`, `/etc/init/*.conf`,
    /// `/etc/systemd/system/…`), and `execute`/`bash` resources that run `systemctl`,
    /// `service`, `update-rc.d` or `chkconfig` — in recipes, resources, providers,
    /// definitions and libraries alike.
    ///
    /// It does not flag the cure for the disease: an `execute` that only runs
    /// `systemctl daemon-reload` with `action :nothing` (the reload a changed unit is notified
    /// to), a `file`/`template` that deletes a unit file or init script (`action :delete`,
    /// clearing away a legacy one), or a drop-in (`/etc/systemd/system/x.service.d/y.conf`),
    /// which adjusts a unit the package owns and which Chef has no resource for. An
    /// `execute` that manages a service by hand and has no guard is flagged here and by
    /// OPS001: both are true of it.
    ///
    /// ## Why is this bad?
    /// A unit written as a plain file needs a hand-written `daemon-reload` and restart logic,
    /// which is usually missing (the new unit is not loaded) or runs every time (the service
    /// restarts on every converge). `execute 'systemctl restart x'` is not idempotent and
    /// cannot be notified properly.
    ///
    /// ## Example
    /// ```ruby
    /// template '/etc/systemd/system/app.service' do
    ///   source 'app.service.erb'
    /// end
    /// execute 'systemctl daemon-reload && systemctl restart app'
    /// ```
    ///
    /// ## Use instead
    /// `systemd_unit` (which reloads systemd itself) and `service` — or the `<name>_service`
    /// resource stackchef generates, which wraps both with hardened defaults:
    /// ```ruby
    /// shop_service 'app' do
    ///   command '/opt/app/bin/app'
    /// end
    /// ```
    RULE = "SVC002", "hand-rolled-service", Warning, "Init scripts, unit files or systemctl by hand", check
}

enum HandRolled<'a> {
    UnitFile { path: &'a str },
    Command { tool: &'static str },
}

impl Violation for HandRolled<'_> {
    fn message(&self) -> String {
        match self {
            HandRolled::UnitFile { path } => {
                format!("service definition written by hand to `{path}`")
            }
            HandRolled::Command { tool } => {
                format!("service managed with `{tool}` from a shell command")
            }
        }
    }
    fn label(&self) -> String {
        "hand-rolled service management".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "use `systemd_unit` + `service`, or the generated `<name>_service` resource"
                .to_string(),
        )
    }
}

const UNIT_DIRS: &[&str] = &[
    "/etc/init.d/",
    "/etc/systemd/system/",
    "/lib/systemd/system/",
    "/usr/lib/systemd/system/",
];

fn text<'a>(facts: &'a Facts, resource: &'a Resource, prop: &str) -> Option<&'a str> {
    facts
        .prop(resource, prop)
        .and_then(|c| c.args.first())
        .and_then(Lit::template)
}

fn unit_path(path: &str) -> bool {
    UNIT_DIRS.iter().any(|d| path.starts_with(d))
        || (path.starts_with("/etc/init/") && path.ends_with(".conf"))
}

const TOOLS: [&str; 5] = [
    "systemctl",
    "service",
    "update-rc.d",
    "chkconfig",
    "initctl",
];

/// The service tool a shell command runs, as a word (a path's last part; not the value of an
/// option such as `--name service`); the first in [`TOOLS`] order when it runs several. One
/// pass over the words, each split off its path once: this runs for every `execute`.
fn service_tool(command: &str) -> Option<&'static str> {
    let mut found = [false; TOOLS.len()];
    let mut after_option = false;
    for word in command
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')'))
        .filter(|w| !w.is_empty())
    {
        if !after_option {
            let base = word.rsplit('/').next().unwrap_or(word);
            if let Some(i) = TOOLS.iter().position(|&t| t == base) {
                found[i] = true;
            }
        }
        after_option = word.starts_with('-');
    }
    TOOLS.iter().zip(found).find(|(_, f)| *f).map(|(&t, _)| t)
}

/// Whether the resource's `action` includes `name`.
fn has_action(facts: &Facts, resource: &Resource, name: &str) -> bool {
    facts
        .prop(resource, "action")
        .and_then(|c| c.args.first())
        .is_some_and(|a| a.has_symbol(name))
}

/// A systemd drop-in: a file in a `<unit>.d/` folder under a unit folder.
fn drop_in(path: &str) -> bool {
    path.rsplit_once('/').is_some_and(|(dir, _)| {
        dir.ends_with(".d") && dir.starts_with("/") && dir.contains("/systemd/")
    })
}

/// Whether every command in a shell line is `systemctl [options] daemon-reload`.
fn only_daemon_reload(command: &str) -> bool {
    let mut any = false;
    for part in command.split([';', '&', '\n']) {
        let words: Vec<&str> = part.split_whitespace().collect();
        let Some(first) = words.first() else {
            continue;
        };
        let rest = || words[1..].iter().filter(|w| !w.starts_with('-'));
        if first.rsplit('/').next() != Some("systemctl") || !rest().eq(["daemon-reload"].iter()) {
            return false;
        }
        any = true;
    }
    any
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let kinds = [
        FileKind::Recipe,
        FileKind::Resource,
        FileKind::Provider,
        FileKind::Definition,
        FileKind::Library,
    ];
    for (file, resource) in ctx.repo.resources(&kinds) {
        let facts = &file.facts;
        match resource.kind.as_str() {
            "template" | "file" | "cookbook_file" | "remote_file" => {
                let path = text(facts, resource, "path").or(resource.name.template());
                let Some(path) = path.filter(|p| unit_path(p) && !drop_in(p)) else {
                    continue;
                };
                if has_action(facts, resource, "delete") {
                    continue;
                }
                sink.report(file, resource.span, HandRolled::UnitFile { path });
            }
            "execute" | "bash" | "script" => {
                let command = text(facts, resource, "command")
                    .or_else(|| text(facts, resource, "code"))
                    .or(resource.name.template());
                let Some(command) = command else {
                    continue;
                };
                let Some(tool) = service_tool(command) else {
                    continue;
                };
                if only_daemon_reload(command) && has_action(facts, resource, "nothing") {
                    continue;
                }
                sink.report(file, resource.span, HandRolled::Command { tool });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{drop_in, only_daemon_reload, service_tool, TOOLS};

    #[test]
    fn daemon_reload_and_drop_ins() {
        for (command, want) in [
            ("systemctl daemon-reload", true),
            ("/bin/systemctl --system daemon-reload", true),
            ("systemctl daemon-reload && systemctl daemon-reload", true),
            ("systemctl daemon-reload && systemctl restart app", false),
            ("systemctl restart app", false),
            ("", false),
        ] {
            assert_eq!(only_daemon_reload(command), want, "{command}");
        }
        assert!(drop_in("/etc/systemd/system/app.service.d/override.conf"));
        assert!(!drop_in("/etc/systemd/system/app.service"));
        assert!(!drop_in("/etc/init.d/app"));
    }
    use proptest::prelude::*;

    /// The first version: every word, split off its path once per tool.
    fn reference(command: &str) -> Option<&'static str> {
        let words: Vec<&str> = command
            .split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | ')'))
            .filter(|w| !w.is_empty())
            .collect();
        TOOLS.into_iter().find(|tool| {
            words.iter().enumerate().any(|(i, w)| {
                w.rsplit('/').next() == Some(tool) && (i == 0 || !words[i - 1].starts_with('-'))
            })
        })
    }

    #[test]
    fn finds_the_tool_as_a_word() {
        for (command, want) in [
            (
                "systemctl daemon-reload && systemctl restart app",
                Some("systemctl"),
            ),
            ("/usr/sbin/service app restart", Some("service")),
            ("run --name service", None),
            (
                "initctl start x; update-rc.d x defaults",
                Some("update-rc.d"),
            ),
            ("echo systemctl-like", None),
            ("", None),
        ] {
            assert_eq!(service_tool(command), want, "{command}");
            assert_eq!(reference(command), want, "{command}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_reference(
            words in prop::collection::vec(
                prop::sample::select(vec![
                    "systemctl", "/bin/service", "service", "update-rc.d", "chkconfig",
                    "initctl", "-n", "--x", "echo", "a/b", ";", "&&", "|", "(", ")", " ", "\t",
                ]),
                0..10,
            ),
        ) {
            let command = words.concat();
            prop_assert_eq!(service_tool(&command), reference(&command));
        }
    }
}
