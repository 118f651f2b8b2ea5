use crate::lint::parse::facts::Lit;

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `provider Chef::Provider::…` inside a resource block.
    ///
    /// It does not flag a forced provider inside a platform-specific custom resource whose
    /// `provides` already picks the platform that provider is for (`provides :app_repo,
    /// platform_family: 'rhel'` forcing `Chef::Provider::Package::Yum`): the resource never
    /// runs anywhere else, so the line is redundant but pins nothing.
    ///
    /// ## Why is this bad?
    /// Chef picks the right provider for the platform (systemd, the package manager, …).
    /// Forcing one pins the cookbook to the platform it was written on, and the named classes
    /// get renamed or removed between Chef releases.
    ///
    /// ## Example
    /// ```ruby
    /// service 'app' do
    ///   provider Chef::Provider::Service::Upstart
    ///   action :start
    /// end
    /// ```
    ///
    /// ## Use instead
    /// Let Chef choose, or use the platform-specific resource when you really need one:
    /// ```ruby
    /// systemd_unit 'app.service' do
    ///   action :start
    /// end
    /// ```
    RULE = "LEG008", "forced-provider", Warning, "A Chef::Provider forced on a resource", check
}

struct ForcedProvider<'a> {
    provider: &'a str,
}

impl Violation for ForcedProvider<'_> {
    fn message(&self) -> String {
        format!("resource forces provider `{}`", self.provider)
    }
    fn label(&self) -> String {
        "pins the platform-specific implementation".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(
            "remove the `provider` line and let Chef pick, or use the platform-specific resource"
                .to_string(),
        )
    }
}

/// The platforms, platform families or `os` values a provider class is for (by its last
/// two names: `Package::Yum`), empty when it is not tied to any.
fn provider_platforms(provider: &str) -> &'static [&'static str] {
    let mut names = provider.rsplit("::");
    let (last, kind) = (names.next().unwrap_or(""), names.next().unwrap_or(""));
    match (kind, last) {
        ("Package", "Yum" | "Dnf" | "Rpm") => &[
            "rhel",
            "fedora",
            "amazon",
            "centos",
            "redhat",
            "oracle",
            "scientific",
            "almalinux",
            "rocky",
        ],
        ("Package", "Apt" | "Dpkg") | ("Service", "Debian") => &["debian", "ubuntu"],
        ("Service", "Upstart") => &["ubuntu"],
        ("Service", "Redhat") => &["rhel", "fedora", "amazon", "centos", "redhat"],
        ("Package", "Zypper") => &["suse", "opensuse", "opensuseleap", "sles"],
        ("Package", "Homebrew") | ("Service", "Macosx") => &["mac_os_x", "macos", "darwin"],
        ("Package", "Chocolatey" | "Windows" | "Msu") | ("Service", "Windows") => &["windows"],
        _ => &[],
    }
}

/// The platforms a file's `provides` calls restrict it to (`platform:`, `platform_family:`,
/// `os:`); empty when any `provides` is unrestricted (the resource runs everywhere).
fn provided_platforms(facts: &crate::lint::parse::facts::Facts) -> Vec<&str> {
    let mut out = Vec::new();
    for call in facts.top_calls("provides") {
        let mut restricted = false;
        for (key, value) in &call.kwargs {
            if !matches!(key.as_str(), "platform" | "platform_family" | "os") {
                continue;
            }
            restricted = true;
            match value {
                Lit::Array(items) => out.extend(items.iter().filter_map(Lit::text)),
                other => out.extend(other.text()),
            }
        }
        if !restricted {
            return Vec::new();
        }
    }
    out
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none() || file.kind == FileKind::Other {
            continue;
        }
        let picked = provided_platforms(&file.facts);
        for call in &file.facts.calls {
            if call.name != "provider" || call.resource.is_none() {
                continue;
            }
            let Some(Lit::Const(provider)) = call.args.first() else {
                continue;
            };
            if !provider
                .trim_start_matches("::")
                .starts_with("Chef::Provider")
            {
                continue;
            }
            let serves = provider_platforms(provider);
            if picked.iter().any(|p| serves.contains(p)) {
                continue;
            }
            sink.report(file, call.span, ForcedProvider { provider });
        }
    }
}
