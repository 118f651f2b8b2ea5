//! What makes a value in `stack.yml` valid: the predicates behind the loader's errors, kept
//! apart from the YAML walking so each rule reads on its own and can be tested directly.

/// Longest project, image or service name.
pub const MAX_NAME_LEN: usize = 40;

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && s.len() <= MAX_NAME_LEN
}

// ---- names the generators derive from stack.yml's names --------------------------------------
// Checked here, where the name is written, rather than when the files are rendered: a clash
// found while generating had no location, and only the `aws` target (or `check`) found it.

/// Image names a generated file already takes: the image's own file would land on it.
/// Returns what takes the name, for the hint.
pub fn reserved_image_name(name: &str) -> Option<&'static str> {
    match name {
        "common" => Some("the resource library is the cookbook `<project>_common`"),
        "plugins" => Some("`packer/plugins.pkr.hcl` holds the Packer plugin requirements"),
        "variables" => Some("`packer/variables.pkr.hcl` holds the Packer variables"),
        _ => None,
    }
}

/// CloudFormation logical-id prefix of an image: `web_api` → `WebApi`. Two images whose
/// names differ only in `_` (`web_1`, `web1`) get the same one.
pub fn logical_id(name: &str) -> String {
    name.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Longest IAM role name (IAM's quota).
pub const IAM_ROLE_NAME_MAX: usize = 64;
/// Longest IAM managed policy name (IAM's quota).
pub const IAM_POLICY_NAME_MAX: usize = 128;
/// The managed policies the `aws` target creates, named `<project>-<suffix>`.
pub const IAM_POLICY_SUFFIXES: [&str; 3] = ["packer-builder", "ci-deployer", "zone-lookup"];

/// The IAM role of an image's instances: `<project>-<image>`; at most [`IAM_ROLE_NAME_MAX`]
/// characters, which validation checks (two names of up to 40 can exceed it).
pub fn iam_role_name(project: &str, image: &str) -> String {
    format!("{project}-{image}")
}

// A policy name is `<project>-<suffix>`: within IAM's quota for any valid project name, so
// it needs no check of its own.
const _: () = {
    let mut i = 0;
    while i < IAM_POLICY_SUFFIXES.len() {
        assert!(MAX_NAME_LEN + 1 + IAM_POLICY_SUFFIXES[i].len() <= IAM_POLICY_NAME_MAX);
        i += 1;
    }
};

/// A valid identifier close to `s` (lowercased, `-`/space/`.` to `_`), if there is one.
pub fn suggest_identifier(s: &str) -> Option<String> {
    let candidate: String = s
        .to_lowercase()
        .chars()
        .map(|c| if matches!(c, '-' | ' ' | '.') { '_' } else { c })
        .collect();
    (candidate != s && is_identifier(&candidate)).then_some(candidate)
}

pub fn is_semver(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 9 && p.chars().all(|c| c.is_ascii_digit()))
}

pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c))
        && is_zone(domain)
}

pub fn is_region(s: &str) -> bool {
    // e.g. us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-5
    let parts: Vec<&str> = s.split('-').collect();
    (3..=4).contains(&parts.len())
        && parts[0].len() == 2
        && parts
            .iter()
            .take(parts.len() - 1)
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()))
}

pub fn is_aws_id(s: &str, prefix: &str) -> bool {
    let Some(hex) = s.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}

pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'))
        && !s.starts_with('-')
        && !s.ends_with('-')
}

pub fn is_zone(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    let labels: Vec<&str> = s.split('.').collect();
    s.len() <= 253 && labels.len() >= 2 && labels.iter().all(|l| is_dns_label(l))
}

pub fn is_package_name(s: &str) -> bool {
    let name = s.split_once('=').map_or(s, |(n, _)| n);
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || ".+-_:".contains(c))
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".+-_:=~".contains(c))
}

pub fn is_instance_type(s: &str) -> bool {
    let Some((family, size)) = s.split_once('.') else {
        return false;
    };
    matches!(family.chars().next(), Some('a'..='z'))
        && family
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !size.is_empty()
        && size
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
}

pub fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub fn is_account_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 32
        && matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// Why systemd would not run `command` as written in `ExecStart=`, with a hint; `None` when it
/// would. The rules of systemd.service(5), "Command lines", as systemd 252 applies them:
/// words split on whitespace, `'…'`/`"…"` group them (anywhere in a word) and must be closed,
/// a backslash starts one of C's escapes (in and out of quotes), a lone `;` starts a second
/// command, and a leading `@ - : + !` is a prefix that changes how the command runs. A final
/// backslash would make systemd join the unit's next line (`Restart=`) to the command.
/// `%` and `$` are not checked: the service resource escapes them.
/// The generated resource's `command` callbacks (cookbook-templates/common/resources/
/// service.rb.tera) apply the same rules; tests/cookbooks.rs checks that they agree.
pub fn exec_start_problem(command: &str) -> Option<(String, String)> {
    let problem = |m: String, h: &str| Some((m, h.to_string()));
    let chars: Vec<char> = command.chars().collect();
    // Each word as written (quotes and escapes kept) and as systemd reads it.
    let mut words: Vec<(String, String)> = Vec::new();
    let mut word: Option<(String, String)> = None;
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let Some(len) = escape_len(&chars[i + 1..]) else {
                if i + 1 == chars.len() {
                    return problem(
                        "`command` ends with a backslash: systemd would join the unit's next line to it".into(),
                        "remove it, or write `\\\\` for a backslash",
                    );
                }
                let seq: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                return problem(
                    format!("`command` has the escape `{seq}`, which systemd does not know"),
                    "systemd reads C escapes (\\n, \\t, \\xHH, \\\\, \\\", \\', \\s, \\;); write `\\\\` for a backslash",
                );
            };
            let w = word.get_or_insert_with(Default::default);
            w.0.extend(&chars[i..=i + len]);
            w.1.push('?'); // an escaped character; its value does not matter here
            i += len + 1;
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            // systemd splits on these only (a no-break space is part of a word).
            None if matches!(c, ' ' | '\t' | '\n' | '\r') => {
                words.extend(word.take());
                i += 1;
                continue;
            }
            None => {}
        }
        let w = word.get_or_insert_with(Default::default);
        w.0.push(c);
        if !(c == '"' || c == '\'') || quote.is_some_and(|q| q != c) {
            w.1.push(c);
        }
        i += 1;
    }
    if let Some(q) = quote {
        return problem(
            format!("`command` has an unclosed `{q}` quote"),
            "close it, or write `\\\"` / `\\'` for a quote character",
        );
    }
    words.extend(word.take());
    let Some((_, program)) = words.first() else {
        return problem("`command` is empty".into(), "write the command line to run");
    };
    if let Some(p) = program.chars().next().filter(|c| "@-:+!".contains(*c)) {
        let effect = match p {
            '+' => "runs the command as root, outside the sandbox",
            '!' => "runs the command with full privileges",
            '-' => "ignores the command's failure",
            '@' => "takes the second word as the program's name (argv[0])",
            _ => "turns off environment variable substitution",
        };
        return problem(
            format!("`command` starts with `{p}`, a systemd prefix that {effect}"),
            "start the command with the program's absolute path",
        );
    }
    if program.is_empty() {
        return problem(
            "`command` has an empty program name".into(),
            "start the command with the program's absolute path",
        );
    }
    if program.contains('/') && (!program.starts_with('/') || program.ends_with('/')) {
        return problem(
            format!("`command` starts with `{program}`, which is neither an absolute path to a program nor a program name"),
            "systemd needs an absolute path, e.g. /opt/app/bin/server (or a bare name found in PATH)",
        );
    }
    if words.iter().any(|(raw, _)| raw == ";") {
        return problem(
            "`command` has a lone `;`, where systemd would start a second command".into(),
            "write `\\;` to pass `;` as an argument; to run several commands use /bin/sh -c '…'",
        );
    }
    None
}

/// Length of the escape sequence after a backslash at the start of `rest` (not counting the
/// backslash), if systemd knows it: one of `abfnrtv\"'s;`, `xHH`, `uHHHH`, `UHHHHHHHH` or
/// three octal digits (NUL excluded).
fn escape_len(rest: &[char]) -> Option<usize> {
    let hex = |n: usize| -> Option<usize> {
        let digits = rest.get(1..=n)?;
        let value = digits
            .iter()
            .try_fold(0u32, |v, c| Some(v * 16 + c.to_digit(16)?))?;
        (value != 0 && char::from_u32(value).is_some()).then_some(n + 1)
    };
    match rest.first()? {
        'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '"' | '\'' | 's' | ';' => Some(1),
        'x' => hex(2),
        'u' => hex(4),
        'U' => hex(8),
        '0'..='3' => {
            let digits = rest.get(0..3)?;
            let value = digits
                .iter()
                .try_fold(0u32, |v, c| Some(v * 8 + c.to_digit(8)?))?;
            (value != 0).then_some(3)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "ap-southeast-5",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in ["us-east-1a", "US-EAST-1", "useast1", "us-east-", "eu-1"] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn dns() {
        assert!(is_dns_label("api") && is_dns_label("a-1") && is_dns_label("0"));
        assert!(
            !is_dns_label("-a")
                && !is_dns_label("a-")
                && !is_dns_label("A")
                && !is_dns_label("a.b")
        );
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(is_zone("shop.internal") && is_zone("corp.shop.internal."));
        assert!(!is_zone("internal") && !is_zone("shop..internal") && !is_zone("Shop.internal"));
    }

    #[test]
    fn identifiers_and_accounts() {
        assert!(is_identifier("shop_2"));
        for bad in ["Shop", "2shop", "sh-op", "../x", "a/b", "a'b", ""] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert_eq!(suggest_identifier("My-Shop").as_deref(), Some("my_shop"));
        assert!(is_account_name("www-data") && is_account_name("_apt"));
        assert!(!is_account_name("Shop User") && !is_account_name("../wheel"));
    }

    #[test]
    fn ids_and_misc() {
        assert!(
            is_aws_id("vpc-0123abcd", "vpc") && is_aws_id("subnet-0123456789abcdef0", "subnet")
        );
        assert!(!is_aws_id("vpc-12", "vpc") && !is_aws_id("subnet-0123ABCD", "subnet"));
        assert!(
            is_email("ops@shop.example") && !is_email("ops at shop") && !is_email("@shop.example")
        );
        assert!(is_semver("0.1.0") && !is_semver("1.0") && !is_semver("1.0.0-rc1"));
        assert!(
            is_package_name("build-essential")
                && is_package_name("nginx=1.24.0-1")
                && is_package_name("libc6:amd64")
        );
        assert!(!is_package_name("curl; rm -rf /") && !is_package_name("-x"));
        assert!(
            is_instance_type("t3.small")
                && is_instance_type("m6i.large")
                && !is_instance_type("t3")
        );
        assert!(is_env_name("RACK_ENV") && !is_env_name("RACK-ENV") && !is_env_name("1X"));
    }

    #[test]
    fn derived_names() {
        assert_eq!(logical_id("web"), "Web");
        assert_eq!(logical_id("web_api_2"), "WebApi2");
        assert_eq!(logical_id("web_1"), logical_id("web1"));
        assert!(reserved_image_name("common").is_some() && reserved_image_name("web").is_none());
        let longest = "a".repeat(MAX_NAME_LEN);
        assert!(iam_role_name(&longest, &longest).len() > IAM_ROLE_NAME_MAX);
    }

    #[test]
    fn exec_start_grammar() {
        for ok in [
            "/opt/shop/bin/api --port 8080",
            "api --port 8080",
            "/usr/bin/env printf '%s\\n' \"it's #{x}\" $HOME 100% \\\\back",
            "/bin/echo a\"b c\"d 'x' \"\" ';' x; \\; \\x41 \\u00e9 \\101",
            "/bin/echo x\\\\",
            "\"/opt/my app/bin/api\" serve",
        ] {
            assert_eq!(exec_start_problem(ok), None, "{ok}");
        }
        for (bad, says) in [
            ("/opt/api --flag \\", "ends with a backslash"),
            ("/opt/api 'it", "unclosed `'` quote"),
            ("/opt/api \"a b", "unclosed `\"` quote"),
            ("/opt/api a\"b", "unclosed"),
            ("+/opt/api", "starts with `+`"),
            ("!/opt/api", "starts with `!`"),
            ("@/opt/api api", "starts with `@`"),
            ("-/opt/api", "starts with `-`"),
            (":/opt/api", "starts with `:`"),
            ("\"+/opt/api\"", "starts with `+`"),
            ("/opt/api \\q", "escape `\\q`"),
            ("/opt/api \\x00", "escape `\\x`"),
            ("/opt/api \\x4", "escape `\\x`"),
            ("/opt/api \\8", "escape `\\8`"),
            ("/opt/api ; /bin/true", "lone `;`"),
            ("bin/api", "neither an absolute path"),
            ("/opt/bin/", "neither an absolute path"),
            ("\"\" x", "empty program name"),
        ] {
            let (message, _) = exec_start_problem(bad).unwrap_or_else(|| panic!("{bad} passed"));
            assert!(message.contains(says), "{bad}: {message}");
        }
    }
}
