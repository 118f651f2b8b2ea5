use std::net::Ipv4Addr;

use crate::lint::scan::harmless_ip;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags IPv4 addresses written into recipes, attributes, resources and templates.
    /// Loopback, `0.0.0.0`, broadcast, netmasks and link-local addresses (the instance
    /// metadata service) are fine, and so are network ranges (`10.0.0.0/8`); so are the
    /// RFC 5737 documentation ranges unless `allow-documentation-ips = false`.
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
    for file in &ctx.repo.files {
        if file.cookbook.is_none()
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
