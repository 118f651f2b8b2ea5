//! Small text scanners used while extracting facts: IPv4 addresses in string literals and
//! templates, and names that say "this holds a secret".

use std::net::Ipv4Addr;

/// Every IPv4 host address in `text`, as `(byte offset, length, address)`. An address must
/// stand alone: not part of a longer dotted number (`1.2.3.4.5`) or a word (`v1.2.3.4`), and
/// not a network range (`10.0.0.0/16`).
pub fn ipv4s(text: &[u8]) -> Vec<(usize, usize, Ipv4Addr)> {
    let mut out = Vec::new();
    // A candidate is a maximal run of digits and dots that starts with a digit and does not
    // follow a letter or `_`. An address has three dots, so only the runs around a dot need
    // a look: jump from dot to dot (`memchr`) instead of looking at every byte.
    let is_part = |b: u8| b.is_ascii_digit() || b == b'.';
    let mut from = 0;
    while let Some(dot) = memchr::memchr(b'.', &text[from..]).map(|i| from + i) {
        let mut start = dot;
        while start > from && is_part(text[start - 1]) {
            start -= 1;
        }
        let mut end = dot + 1;
        while end < text.len() && is_part(text[end]) {
            end += 1;
        }
        from = end;
        if !text[start].is_ascii_digit() || (start > 0 && is_word(text[start - 1])) {
            continue;
        }
        let candidate = &text[start..end];
        let next_is_word =
            end < text.len() && (text[end].is_ascii_alphabetic() || text[end] == b'_');
        // A network range (`10.0.0.0/8`) is not a host a DNS name could replace.
        let cidr =
            text.get(end) == Some(&b'/') && text.get(end + 1).is_some_and(u8::is_ascii_digit);
        if !next_is_word && !cidr && memchr::memchr_iter(b'.', candidate).count() == 3 {
            if let Some(addr) = std::str::from_utf8(candidate)
                .ok()
                .and_then(|s| s.parse::<Ipv4Addr>().ok())
            {
                out.push((start, candidate.len(), addr));
            }
        }
    }
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
}

/// Whether an address is fine to hard-code: loopback, unspecified, broadcast or a netmask
/// (`255.…`), link-local (the instance metadata service), multicast or reserved
/// (`224.0.0.0/3`: a group or nothing, never a host), a network address (last octet `0`,
/// as in `subnet '10.8.0.0'` next to its netmask), a well-known public anycast resolver
/// (`8.8.8.8`, `1.1.1.1`, …: a DNS-server setting must be an address, and these never
/// change), or (with `documentation`) the RFC 5737 documentation ranges.
pub fn harmless_ip(addr: Ipv4Addr, documentation: bool) -> bool {
    let o = addr.octets();
    o[0] == 255
        || o[0] >= 224
        || o[3] == 0
        || addr.is_loopback()
        || addr.is_unspecified()
        || addr.is_link_local()
        || PUBLIC_RESOLVERS.contains(&o)
        || (documentation && addr.is_documentation())
}

/// Public anycast DNS resolvers (Google, Cloudflare, Quad9, OpenDNS).
const PUBLIC_RESOLVERS: &[[u8; 4]] = &[
    [8, 8, 8, 8],
    [8, 8, 4, 4],
    [1, 1, 1, 1],
    [1, 0, 0, 1],
    [9, 9, 9, 9],
    [149, 112, 112, 112],
    [208, 67, 222, 222],
    [208, 67, 220, 220],
];

/// Whether the dotted quad at `text[start..end]` (found by [`ipv4s`]) is, by what surrounds
/// it, not an address at all: a version (`>= 1.11.3.6`, `jruby-9.4.0.0`, `0.33.6.3-4`,
/// `pkg@1.2.3.4`) or a path or URL segment below the host (`/dist/1.2.3.4/`). An address as a
/// URL's host (`http://10.0.0.1/`) still counts.
pub fn not_an_address(text: &[u8], start: usize, end: usize) -> bool {
    let before = &text[..start];
    let prev = before.last().copied();
    if matches!(prev, Some(b'-' | b'@' | b'+' | b'~')) || text.get(end) == Some(&b'-') {
        return true;
    }
    // A path segment: one `/` before it, not the `//` of a URL's authority.
    if prev == Some(b'/') && before.len() >= 2 && before[before.len() - 2] != b'/' {
        return true;
    }
    // A version constraint: `>= 1.2.3.4`, `~> 1.2.3.4`, `< 1.2.3.4`.
    let trimmed = trim_end_blank(before);
    let constraint = [&b">="[..], b"<=", b"~>", b"!="]
        .iter()
        .any(|op| trimmed.ends_with(op));
    // A lone `>` or `<` with a blank after it (`> 1.2.3.4`), but not the end of a tag
    // (`%>`, `->`, `<br>`): only a comparison stands on its own.
    let lone = match trimmed {
        [.., b, b'>' | b'<'] => matches!(b, b' ' | b'\t' | b'\'' | b'"' | b'(' | b','),
        [b'>' | b'<'] => true,
        _ => false,
    };
    constraint || (trimmed.len() < before.len() && lone)
}

fn trim_end_blank(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(0, |i| i + 1);
    &bytes[..n]
}

/// Whether the address at byte `at` of a template's text sits on a line that the rendered
/// file treats as a comment (its first non-blank text is `#`, `;` or `//`: the commented
/// examples upstream config files carry), or on an access-control line whose addresses are
/// clients to let in or keep out, not hosts to reach (`deny from …`, `allow …`,
/// `Require ip …`). A line that starts with an ERB tag is neither.
pub fn template_line_exempt(text: &[u8], at: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    let Some(first) = line.iter().position(|&b| b != b' ' && b != b'\t') else {
        return false;
    };
    let rest = &line[first..];
    if matches!(rest[0], b'#' | b';') || rest.starts_with(b"//") || rest.starts_with(b"<!--") {
        return true;
    }
    let word_end = rest
        .iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    let word = &rest[..word_end];
    let after = trim_start_blank(&rest[word_end..]);
    word.eq_ignore_ascii_case(b"deny")
        || word.eq_ignore_ascii_case(b"allow")
        || (word.eq_ignore_ascii_case(b"require")
            && (starts_with_word(after, b"ip") || starts_with_word(after, b"not")))
}

fn trim_start_blank(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    &bytes[n..]
}

fn starts_with_word(bytes: &[u8], word: &[u8]) -> bool {
    bytes.len() >= word.len()
        && bytes[..word.len()].eq_ignore_ascii_case(word)
        && bytes
            .get(word.len())
            .is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// Whether a call, keyword, hash key or attribute named `name` holds values that must be
/// literal addresses or are not addresses at all, so that a dotted quad in it is never a
/// host to replace with a DNS name: versions (`version`, `ruby_version`), prose
/// (`description`), netmasks and networks, DNS servers (a resolver cannot be looked up by
/// name) and floating addresses (`virtual_ipaddress`, `vip`, heartbeat's `resources`),
/// which the node claims rather than points at.
pub fn ip_exempt_name(name: &[u8]) -> bool {
    let lower: Vec<u8> = name.iter().map(u8::to_ascii_lowercase).collect();
    let has = |w: &[u8]| lower.windows(w.len()).any(|x| x == w);
    has(b"version")
        || has(b"description")
        || has(b"netmask")
        || has(b"subnet")
        || has(b"network")
        || has(b"nameserver")
        || has(b"name_server")
        || has(b"dns_server")
        || has(b"domain-name-servers")
        || has(b"resolver")
        || has(b"virtual_ip")
        || has(b"ip_addresses")
        || lower == b"vip"
        || lower.ends_with(b"_vip")
        || lower == b"resources"
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
    // Compare without allocating: this runs for every call and attribute in the repo. An
    // ending can only match a name that ends in its last letter: most names are rejected on
    // that letter, and the others are compared with only the endings that share it.
    let endings: &[&str] = match name.last().map(u8::to_ascii_lowercase) {
        Some(b'd') => &["password", "passwd"],
        Some(b'e') => &["passphrase"],
        Some(b't') => &["secret"],
        Some(b'n') => &["token"],
        Some(b'y') => &[
            "api_key",
            "apikey",
            "access_key",
            "secret_key",
            "private_key",
            "secret_access_key",
            "auth_key",
        ],
        _ => return false,
    };
    endings.iter().any(|e| ends_with_word(name, e))
}

/// Whether `name` ends with the word `ending` (case-insensitive, `-` as `_`), the whole name or
/// after a `_`.
fn ends_with_word(name: &[u8], ending: &str) -> bool {
    let norm = |b: u8| {
        if b == b'-' {
            b'_'
        } else {
            b.to_ascii_lowercase()
        }
    };
    let e = ending.as_bytes();
    if name.len() < e.len() {
        return false;
    }
    let head = name.len() - e.len();
    name[head..].iter().zip(e).all(|(&a, &b)| norm(a) == b)
        && (head == 0 || norm(name[head - 1]) == b'_')
}

/// Whether a literal assigned to a secret-looking name looks like a real secret: not empty,
/// not a path, URL or secret-store reference, not too short — and not a placeholder
/// (`change_me`, `password`, `TODO`, `<your password>`, `null`: a default meant to be
/// overridden, or code) or an environment variable's name (`STORK_DATABASE_PASSWORD`: a
/// table of where to read the secret from).
pub fn secret_value(value: &str) -> bool {
    let v = value.trim();
    !(v.is_empty()
        || v.starts_with('/')
        || v.starts_with("http://")
        || v.starts_with("https://")
        || v.starts_with("vault:")
        || v.starts_with("arn:")
        || v.len() < 4
        || placeholder(v)
        || env_var_name(v))
}

/// `change_me`, `CHANGEME`, `password`, `secret`, `xxxx`, `TODO`, `<…>`, `null`, …
fn placeholder(v: &str) -> bool {
    if v.starts_with('<') && v.ends_with('>') {
        return true;
    }
    let word: String = v
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        word.as_str(),
        "changeme"
            | "changeit"
            | "replaceme"
            | "password"
            | "passwd"
            | "secret"
            | "todo"
            | "fixme"
            | "null"
            | "none"
            | "placeholder"
            | "yourpassword"
            | "yoursecret"
    ) || (word.len() >= 3 && word.bytes().all(|b| b == b'x' || b == b'*'))
}

/// `STORK_DATABASE_PASSWORD`: capitals, digits and at least one `_`, starting with a letter.
fn env_var_name(v: &str) -> bool {
    v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.contains('_')
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Deterministic pseudo-random strings of `tokens` (xorshift), for tests that compare a fast
/// scan with the simple one it replaced.
#[cfg(test)]
pub(crate) fn token_samples(tokens: &[&str], count: usize, max_len: usize) -> Vec<String> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = next() as usize % (max_len + 1);
            (0..len)
                .map(|_| tokens[next() as usize % tokens.len()])
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time scan [`ipv4s`] replaced, as the reference it must agree with.
    fn ipv4s_bytewise(text: &[u8]) -> Vec<(usize, usize, Ipv4Addr)> {
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
            let cidr =
                text.get(j) == Some(&b'/') && text.get(j + 1).is_some_and(u8::is_ascii_digit);
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

    /// The full-list comparison [`secret_name_bytes`] replaced (every ending, not only those
    /// sharing the name's last letter).
    fn secret_name_all_endings(name: &[u8]) -> bool {
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
        ENDINGS.iter().any(|e| ends_with_word(name, e))
    }

    #[test]
    fn dot_to_dot_scan_agrees_with_the_bytewise_scan() {
        let mut found = 0;
        for text in token_samples(
            &[
                "1", "10", "255", "256", "0", ".", ".", ".", "/", "a", "_", " ", ":", "-",
                "1.2.3.4", "10.0.0.1", "é",
            ],
            20_000,
            16,
        ) {
            let text = text.as_bytes();
            found += ipv4s(text).len();
            assert_eq!(
                ipv4s(text),
                ipv4s_bytewise(text),
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
        assert!(found > 100, "the samples hold addresses: {found}");
    }

    #[test]
    fn secret_names_by_last_letter_agree_with_all_endings() {
        let mut names: Vec<Vec<u8>> = token_samples(
            &[
                "_", "-", "x", "pass", "word", "wd", "phrase", "secret", "SECRET", "token", "api",
                "key", "Key", "access", "private", "auth", "d", "e", "t", "n", "y", "é",
            ],
            20_000,
            6,
        )
        .into_iter()
        .map(String::into_bytes)
        .collect();
        for e in [
            "password",
            "passwd",
            "passphrase",
            "secret",
            "token",
            "api_key",
            "apikey",
        ] {
            for n in [
                e.to_string(),
                format!("x_{e}"),
                format!("x-{}", e.to_uppercase()),
                format!("x{e}"),
            ] {
                names.push(n.into_bytes());
            }
        }
        let secret = names.iter().filter(|n| secret_name_bytes(n)).count();
        assert!(secret > 100, "the samples hold secret names: {secret}");
        for name in names {
            assert_eq!(
                secret_name_bytes(&name),
                secret_name_all_endings(&name),
                "{:?}",
                String::from_utf8_lossy(&name)
            );
        }
    }

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
