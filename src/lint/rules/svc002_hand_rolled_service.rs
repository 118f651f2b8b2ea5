use crate::lint::facts::{Facts, Lit, Resource};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags hand-rolled service management: a `template`, `file` or `cookbook_file` that
    /// writes an init script or unit file (`/etc/init.d/…`, `/etc/init/*.conf`,
    /// `/etc/systemd/system/…`), and `execute`/`bash` resources that run `systemctl`,
    /// `service`, `update-rc.d` or `chkconfig`.
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

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, resource) in ctx.repo.resources(&[FileKind::Recipe, FileKind::Resource]) {
        let facts = &file.facts;
        match resource.kind.as_str() {
            "template" | "file" | "cookbook_file" | "remote_file" => {
                let path = text(facts, resource, "path").or(resource.name.template());
                let Some(path) = path.filter(|p| unit_path(p)) else {
                    continue;
                };
                sink.report(file, resource.span, HandRolled::UnitFile { path });
            }
            "execute" | "bash" | "script" => {
                let command = text(facts, resource, "command")
                    .or_else(|| text(facts, resource, "code"))
                    .or(resource.name.template());
                let Some(tool) = command.and_then(service_tool) else {
                    continue;
                };
                sink.report(file, resource.span, HandRolled::Command { tool });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{service_tool, TOOLS};
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
