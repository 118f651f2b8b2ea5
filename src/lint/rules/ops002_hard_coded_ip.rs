use std::net::Ipv4Addr;

use crate::lint::model::Repo;
use crate::lint::parse::scan::harmless_ip;

use super::prelude::*;
use crate::lint::parse::facts::FxHashSet as HashSet;

declare_rule! {
    /// ## What it does
    /// Flags IPv4 addresses written into recipes, attributes, resources and templates.
    /// Loopback, `0.0.0.0`, broadcast, netmasks and link-local addresses (the instance
    /// metadata service) are fine, and so are network ranges (`10.0.0.0/8`); so are the
    /// RFC 5737 documentation ranges unless `allow-documentation-ips = false`.
    ///
    /// Not flagged, because they are not hosts a DNS name could replace:
    /// - dotted numbers that are not addresses: versions (`>= 1.11.3.6`, `jruby-9.4.0.0`,
    ///   `0.33.6.3-4`, anything given to a `version` or `description`), and path or URL
    ///   segments below the host (`/dist/1.2.3.4/`); a URL's host (`http://10.0.0.1/`) is
    ///   still flagged;
    /// - in templates, lines the rendered file treats as comments (first text `#`, `;`, `//`
    ///   or `<!--`: the commented examples upstream configs carry) and access-control lines
    ///   (`deny from`, `allow`, `Require ip`), whose addresses are clients, not servers;
    /// - multicast and reserved addresses (`224.0.0.0/3`), network addresses (last octet
    ///   `0`, as in `subnet '10.8.0.0'` next to a netmask), and the public anycast resolvers
    ///   (`8.8.8.8`, `1.1.1.1`, `9.9.9.9`, …), which never change;
    /// - values of netmasks, networks, DNS servers and floating addresses the node claims
    ///   (`virtual_ipaddress`, `vip`, heartbeat's `resources`), which must be addresses;
    /// - test doubles: the `if mock?` (`stub?`, `fake?`) branch, and cookbooks under a
    ///   `test/`, `spec/` or `fixtures/` folder.
    ///
    /// ## Why is this bad?
    /// On AWS, addresses change whenever an instance is replaced; an address baked into an
    /// AMI or a config file points at nothing (or at the wrong host) after the next
    /// deployment. The same address repeated across cookbooks is changed in one place only.
    ///
    /// ## Example
    /// ```ruby
    /// default['app']['db_host'] = '10.0.12.34'
    /// ```
    ///
    /// ## Use instead
    /// A DNS name in the internal zone (stackchef's `dns:` gives every service one):
    /// ```ruby
    /// default['app']['db_host'] = 'db.shop.internal'
    /// ```
    RULE = "OPS002", "hard-coded-ip", Warning, "A hard-coded IP address (use an internal DNS name)", check
}

struct HardCodedIp {
    addr: Ipv4Addr,
}

impl Violation for HardCodedIp {
    fn message(&self) -> String {
        format!("hard-coded IP address `{}`", self.addr)
    }
    fn label(&self) -> String {
        "changes when the instance is replaced".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("use a name in the internal DNS zone (e.g. `api.shop.internal`)".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let documentation = ctx.settings.allow_documentation_ips;
    let fixtures = test_fixtures(ctx.repo);
    for file in &ctx.repo.files {
        let Some(cookbook) = file.cookbook else {
            continue;
        };
        if fixtures[cookbook]
            || matches!(
                file.kind,
                FileKind::Other | FileKind::Metadata | FileKind::MetadataJson | FileKind::Readme
            )
        {
            continue;
        }
        for &(span, addr) in &file.facts.ips {
            if harmless_ip(addr, documentation) {
                continue;
            }
            sink.report(file, span, HardCodedIp { addr });
        }
    }
}

/// For each cookbook, whether only tests run it: it sits inside another cookbook of the repo,
/// under a `test/`, `tests/`, `spec/` or `fixtures/` folder of it (Test Kitchen and ChefSpec
/// fixtures), so its addresses are test data. Only the part below the outer cookbook is looked
/// at: the folders above the lint root say nothing about the code. Each cookbook's enclosing
/// folders are looked up in a set of cookbook folders (comparing every cookbook with every
/// other, once per file, took as long as the rest of the rule on a 1 500-cookbook repo).
fn test_fixtures(repo: &Repo) -> Vec<bool> {
    let dirs: HashSet<&str> = repo.cookbooks.iter().map(|c| c.dir.as_str()).collect();
    let root_is_cookbook = dirs.contains("") || dirs.contains(".");
    let has_test_part = |path: &str| {
        path.split(['/', '\\'])
            .any(|part| matches!(part, "test" | "tests" | "spec" | "fixtures"))
    };
    repo.cookbooks
        .iter()
        .map(|cookbook| {
            let dir = cookbook.dir.as_str();
            if root_is_cookbook && has_test_part(dir) {
                return true;
            }
            dir.match_indices(['/', '\\'])
                .any(|(at, _)| dirs.contains(&dir[..at]) && has_test_part(&dir[at + 1..]))
        })
        .collect()
}
