//! What makes a value in `stack.yml` valid: the predicates behind the loader's errors, kept
//! apart from the YAML walking so each rule reads on its own and can be tested directly.

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && s.len() <= 40
}

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
}
