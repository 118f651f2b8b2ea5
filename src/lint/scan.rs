//! Small text scanners used while extracting facts: IPv4 addresses in string literals and
//! templates, and names that say "this holds a secret".

use std::net::Ipv4Addr;

/// Every IPv4 host address in `text`, as `(byte offset, length, address)`. An address must
/// stand alone: not part of a longer dotted number (`1.2.3.4.5`) or a word (`v1.2.3.4`), and
/// not a network range (`10.0.0.0/16`).
pub fn ipv4s(text: &[u8]) -> Vec<(usize, usize, Ipv4Addr)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_digit() || (i > 0 && is_word(text[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        while j < text.len() && (text[j].is_ascii_digit() || text[j] == b'.') {
            j += 1;
        }
        let candidate = &text[start..j];
        let next_is_word = j < text.len() && (text[j].is_ascii_alphabetic() || text[j] == b'_');
        // A network range (`10.0.0.0/8`) is not a host a DNS name could replace.
        let cidr = text.get(j) == Some(&b'/') && text.get(j + 1).is_some_and(u8::is_ascii_digit);
        if !next_is_word && !cidr && memchr::memchr_iter(b'.', candidate).count() == 3 {
            if let Some(addr) = std::str::from_utf8(candidate)
                .ok()
                .and_then(|s| s.parse::<Ipv4Addr>().ok())
            {
                out.push((start, candidate.len(), addr));
            }
        }
        i = j.max(i + 1);
    }
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
}

/// Whether an address is fine to hard-code: loopback, unspecified, broadcast or a netmask
/// (`255.…`), link-local (the instance metadata service), or (with `documentation`) the
/// RFC 5737 documentation ranges.
pub fn harmless_ip(addr: Ipv4Addr, documentation: bool) -> bool {
    addr.octets()[0] == 255
        || addr.is_loopback()
        || addr.is_unspecified()
        || addr.is_broadcast()
        || addr.is_link_local()
        || (documentation && addr.is_documentation())
}

/// Whether a property, key or variable name holds a secret (`password`, `db_password`,
/// `api_token`, `client_secret`, `aws_secret_access_key`, …). Names that point at a secret
/// (`password_file`, `token_path`) do not.
pub fn secret_name(name: &str) -> bool {
    secret_name_bytes(name.as_bytes())
}

/// [`secret_name`] on raw bytes, so that a caller can test a name before decoding it. The
/// same answer as on the lossily decoded text: the endings and separators are ASCII, and
/// decoding keeps every ASCII byte (only invalid sequences become `U+FFFD`, which matches
/// nothing here).
pub fn secret_name_bytes(name: &[u8]) -> bool {
    const ENDINGS: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_key",
        "secret_key",
        "private_key",
        "secret_access_key",
        "auth_key",
    ];
    // Compare without allocating: this runs for every call and attribute in the repo. Every
    // ending ends in one of these letters: most names are rejected here.
    if !name.last().is_some_and(|b| b"detnyDETNY".contains(b)) {
        return false;
    }
    let norm = |b: u8| {
        if b == b'-' {
            b'_'
        } else {
            b.to_ascii_lowercase()
        }
    };
    ENDINGS.iter().any(|e| {
        let e = e.as_bytes();
        if name.len() < e.len() {
            return false;
        }
        let head = name.len() - e.len();
        name[head..].iter().zip(e).all(|(&a, &b)| norm(a) == b)
            && (head == 0 || norm(name[head - 1]) == b'_')
    })
}

/// Whether a literal assigned to a secret-looking name is a real value rather than a
/// reference or an empty default (`''`, a path, a URL, an ENV lookup placeholder).
pub fn secret_value(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.starts_with('/')
        || v.starts_with("http://")
        || v.starts_with("https://")
        || v.starts_with("vault:")
        || v.starts_with("arn:")
        || v.len() < 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_standalone_addresses() {
        let found: Vec<String> =
            ipv4s(b"a 10.0.1.5, 10.0.0.0/16 1.2.3.4.5 v1.2.3.4 999.1.1.1 x=192.168.0.1:80")
                .into_iter()
                .map(|(_, _, a)| a.to_string())
                .collect();
        assert_eq!(found, ["10.0.1.5", "192.168.0.1"]);
    }

    #[test]
    fn secret_names() {
        for yes in [
            "password",
            "db_password",
            "API_TOKEN",
            "client_secret",
            "aws-secret-access-key",
        ] {
            assert!(secret_name(yes), "{yes}");
        }
        for no in [
            "password_file",
            "token_path",
            "keyserver",
            "key",
            "secrets_dir",
            "user",
        ] {
            assert!(!secret_name(no), "{no}");
        }
    }
}
