//! Loading `stack.yml`: YAML with a source position for every node, walked by hand so every
//! problem is reported — all of them, not the first — with file:line:column and a hint.

use std::collections::BTreeMap;
use std::path::Path;

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode};
use marked_yaml::{parse_yaml_with_options, LoadError, LoaderOptions, Marker, Node};

use crate::diag::{self, Diagnostic, Location, SourceIndex};

use super::model::{Aws, Chef, ChefClient, Image, License, Platform, Restart, Service, Stack};
use super::schema::{defaults, keys};
use super::validate::*;

/// Every problem found in one `stack.yml`, with its text so it can be rendered.
#[derive(Debug)]
pub struct StackError {
    pub path: String,
    pub source: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl StackError {
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        // One index for all the diagnostics: each renders in the time of its own line.
        let index = self.source.as_deref().map(SourceIndex::new);
        for d in &self.diagnostics {
            out.push_str(&d.render_indexed(index.as_ref(), color));
            out.push_str("\n\n");
        }
        let n = self.diagnostics.len();
        out.push_str(&format!(
            "error: {} is invalid: {} error{}\n",
            self.path,
            n,
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl std::fmt::Display for StackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for StackError {}

/// The largest `stack.yml` accepted, in bytes (16 MiB: hundreds of times a large project's).
/// Reading stops here, so an endless input such as /dev/zero fails at once.
pub const MAX_STACK_BYTES: usize = 16 * 1024 * 1024;

/// The name `-f -` (standard input) is shown as in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// Where `stack.yml` is read from, as given to `-f`: `-` is standard input.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// Read `stack.yml` once, whole: from `path`, or standard input when `path` is `-`. Callers
/// validate and hash these same bytes, so a pipe (`-f /dev/stdin`, `-f <(…)`), which can be
/// read only once, works like a file.
pub fn read_input(path: &Path) -> Result<Vec<u8>, StackError> {
    use std::io::Read;
    let display = display_name(path);
    let cannot_read = |e: std::io::Error| {
        StackError {
        path: display.clone(),
        source: None,
        diagnostics: vec![
            Diagnostic::error(format!("cannot read {display}: {e}"), &display).with_help(
                "pass the description with -f PATH (or -f - for standard input), or create one with `stackchef init`",
            ),
        ],
    }
    };
    let mut bytes = Vec::new();
    // One byte past the cap tells "exactly at the cap" from "larger".
    let limit = MAX_STACK_BYTES as u64 + 1;
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(cannot_read)?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut bytes))
            .map_err(cannot_read)?;
    }
    if bytes.len() > MAX_STACK_BYTES {
        return Err(StackError {
            path: display.clone(),
            source: None,
            diagnostics: vec![Diagnostic::error(
                format!(
                    "{display} is larger than {} MiB, the most stackchef reads",
                    MAX_STACK_BYTES / (1024 * 1024)
                ),
                &display,
            )
            .with_help(
                "is -f pointing at the right file? a stack.yml is normally a few kilobytes",
            )],
        });
    }
    Ok(bytes)
}

/// Load and validate a `stack.yml` from disk (or standard input for `-`).
pub fn load_file(path: &Path) -> Result<Stack, StackError> {
    let bytes = read_input(path)?;
    load_bytes(&bytes, &display_name(path))
}

/// Load and validate `stack.yml` bytes: they must be UTF-8 (a byte-order mark is allowed);
/// `path` is only used in messages.
pub fn load_bytes(bytes: &[u8], path: &str) -> Result<Stack, StackError> {
    match std::str::from_utf8(bytes) {
        Ok(src) => load_str(src, path),
        Err(e) => {
            // Point at the first bad byte: its line, and its column in characters of the
            // valid text before it on that line.
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
            let loc = Location {
                line: valid.matches('\n').count() + 1,
                column: valid[line_start..].chars().count() + 1,
                len: 1,
            };
            let bad = &bytes[e.valid_up_to()..];
            let shown: Vec<String> = bad
                .iter()
                .take(e.error_len().unwrap_or(bad.len()).min(4))
                .map(|b| format!("0x{b:02x}"))
                .collect();
            let mut d = Diagnostic::error(
                format!(
                    "{path} is not valid UTF-8: byte {} at line {}, column {}",
                    shown.join(" "),
                    loc.line,
                    loc.column
                ),
                path,
            )
            .with_code(class::SYNTAX)
            .with_help("save stack.yml as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)");
            d.location = Some(loc);
            Err(StackError {
                path: path.to_string(),
                source: None,
                diagnostics: vec![d],
            })
        }
    }
}

/// Load and validate `stack.yml` text; `path` is only used in messages.
pub fn load_str(src: &str, path: &str) -> Result<Stack, StackError> {
    // A UTF-8 byte-order mark (some Windows editors write one) is not part of the text: left
    // in, it became part of the first key ("unknown key `name`, did you mean `name`?").
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut loader = Loader {
        src,
        index: SourceIndex::new(src),
        path,
        errors: Vec::new(),
        unset_counts: Vec::new(),
        top_loc: Location {
            line: 1,
            column: 1,
            len: 1,
        },
    };
    let stack = loader.load();
    // Report in file order, as a reader scans the file; ties keep discovery order.
    loader
        .errors
        .sort_by_key(|d| d.location.map(|l| (l.line, l.column)));
    match stack {
        Some(stack) if loader.errors.is_empty() => Ok(stack),
        _ => Err(StackError {
            path: path.to_string(),
            source: Some(src.to_string()),
            diagnostics: loader.errors,
        }),
    }
}

/// Error classes, shown as `error[class]` so users (and tests) can tell them apart.
mod class {
    pub const SYNTAX: &str = "syntax";
    pub const UNKNOWN_KEY: &str = "unknown-key";
    pub const MISSING_KEY: &str = "missing-key";
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    pub const TYPE: &str = "type";
    pub const INVALID_NAME: &str = "invalid-name";
    pub const INVALID_VALUE: &str = "invalid-value";
    pub const REFERENCE: &str = "reference";
    pub const CYCLE: &str = "cycle";
    pub const DUPLICATE: &str = "duplicate";
}

struct Loader<'a> {
    src: &'a str,
    /// Line starts of `src`, found once: every node's position is looked up here.
    index: SourceIndex<'a>,
    path: &'a str,
    errors: Vec<Diagnostic>,
    /// Images without an explicit `count`: 1 if a service runs on them, else 0 (bake only).
    unset_counts: Vec<String>,
    /// Where errors about the document as a whole point: its first key.
    top_loc: Location,
}

/// A string value with the place it came from.
#[derive(Debug, Clone)]
struct Str {
    value: String,
    loc: Location,
}

impl<'a> Loader<'a> {
    // ---- positions and errors -------------------------------------------------------------

    /// Location of a scalar: its start, and its length in the source (quotes included).
    fn scalar_loc(&self, node: &MarkedScalarNode) -> Location {
        let Some(start) = node.span().start() else {
            return Location {
                line: 1,
                column: 1,
                len: 1,
            };
        };
        // From the index, not by scanning the text up to the node: that made loading grow
        // with the square of the file's size.
        let from = self.index.byte_at(start.line(), start.column());
        let rest = &self.src[from..self.index.line_end(start.line())];
        let len = source_len(rest, node.as_str());
        Location {
            line: start.line(),
            column: start.column(),
            len,
        }
    }

    /// Location of any node: scalars get their full extent, collections their first character.
    fn node_loc(&self, node: &Node) -> Location {
        match node {
            Node::Scalar(s) => self.scalar_loc(s),
            _ => marker_loc(node.span().start(), 1),
        }
    }

    fn error(
        &mut self,
        class: &str,
        message: impl Into<String>,
        loc: Location,
        label: impl Into<String>,
    ) -> &mut Diagnostic {
        self.errors.push(
            Diagnostic::error(message, self.path)
                .with_code(class)
                .at(loc, label),
        );
        self.errors.last_mut().expect("just pushed")
    }

    // ---- generic readers ------------------------------------------------------------------

    /// The value of `key` in `map`. Every field is read through here, so reading a key the
    /// model does not declare (and the schema and "unknown key" check would not know) fails
    /// the tests at once.
    fn field<'n>(&self, map: &'n MarkedMappingNode, key: &str) -> Option<&'n Node> {
        debug_assert!(
            keys::is_known(key),
            "the loader reads `{key}`, which the model does not declare"
        );
        map.get_node(key)
    }

    /// Report keys of `map` not in `known`, with a "did you mean" hint.
    fn check_keys(&mut self, map: &MarkedMappingNode, known: &[&'static str], context: &str) {
        for key in map.keys() {
            if known.contains(&key.as_str()) {
                continue;
            }
            let loc = self.scalar_loc(key);
            let hint = match did_you_mean(key.as_str(), known) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("{context} accepts: {}", known.join(", ")),
            };
            self.error(
                class::UNKNOWN_KEY,
                format!("unknown key `{}` in {context}", key.as_str()),
                loc,
                "unknown key",
            )
            .help
            .push(hint);
        }
    }

    /// The mapping at `node`, or an error. A null value counts as an empty mapping when
    /// `null_ok` (e.g. `images: { base: }`).
    fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n MarkedMappingNode> {
        match node {
            Node::Mapping(m) => Some(m),
            _ => {
                let loc = self.node_loc(node);
                self.error(
                    class::TYPE,
                    format!("{what} must be a mapping"),
                    loc,
                    "expected `key: value` pairs",
                );
                None
            }
        }
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<Str> {
        match node {
            Node::Scalar(s) => Some(Str {
                value: s.as_str().to_string(),
                loc: self.scalar_loc(s),
            }),
            _ => {
                let loc = self.node_loc(node);
                self.error(
                    class::TYPE,
                    format!("{what} must be a single value"),
                    loc,
                    "expected a string, found a list or mapping",
                );
                None
            }
        }
    }

    fn opt_string(&mut self, map: &MarkedMappingNode, key: &str, what: &str) -> Option<Str> {
        let node = self.field(map, key)?;
        if is_null(node) {
            return None;
        }
        self.string(node, what)
    }

    fn required_string(
        &mut self,
        map: &MarkedMappingNode,
        key: &str,
        what: &str,
        owner_loc: Location,
    ) -> Option<Str> {
        match self.field(map, key) {
            Some(node) if !is_null(node) => self.string(node, what),
            Some(_) => {
                // Written, but without a value (`command:`, `command: ~`): say so, at the key.
                let loc = map
                    .keys()
                    .find(|k| k.as_str() == key)
                    .map_or(owner_loc, |k| self.scalar_loc(k));
                let hint = match key {
                    "command" => "write the command line after `command:`".to_string(),
                    _ => format!("`{key}` is required: write its value after `{key}:`"),
                };
                self.error(
                    class::INVALID_VALUE,
                    format!("`{key}` of {what} is empty"),
                    loc,
                    "no value",
                )
                .help
                .push(hint);
                None
            }
            None => {
                // A misspelt key is already reported as unknown, with this key as the hint;
                // reporting it as missing too would count one mistake twice.
                let misspelt = map.keys().any(|k| {
                    !keys::is_known(k.as_str()) && did_you_mean(k.as_str(), &[key]).is_some()
                });
                if !misspelt {
                    self.error(
                        class::MISSING_KEY,
                        format!("missing required key `{key}` in {what}"),
                        owner_loc,
                        format!("`{key}` is required here"),
                    );
                }
                None
            }
        }
    }

    fn integer(
        &mut self,
        map: &MarkedMappingNode,
        key: &str,
        what: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Option<u64> {
        let s = self.opt_string(map, key, what)?;
        match s.value.parse::<u64>() {
            Ok(n) if range.contains(&n) => Some(n),
            Ok(_) | Err(_) => {
                let expected = format!("a whole number from {} to {}", range.start(), range.end());
                self.error(
                    class::INVALID_VALUE,
                    format!("{what} must be {expected}, found `{}`", s.value),
                    s.loc,
                    "out of range or not a number",
                );
                None
            }
        }
    }

    fn string_list(&mut self, map: &MarkedMappingNode, key: &str, what: &str) -> Vec<Str> {
        let Some(node) = self.field(map, key) else {
            return Vec::new();
        };
        match node {
            Node::Sequence(seq) => {
                let mut out = Vec::new();
                for item in seq.iter() {
                    if self.reject_null(item, None, &format!("{what} item")) {
                        continue;
                    }
                    out.extend(self.string(item, what));
                }
                out
            }
            n if is_null(n) => Vec::new(),
            n => {
                let loc = self.node_loc(n);
                self.error(
                    class::TYPE,
                    format!("{what} must be a list"),
                    loc,
                    "expected a list, e.g. `[a, b]`",
                );
                Vec::new()
            }
        }
    }

    /// A value from a closed set, with a did-you-mean hint.
    fn choice<T>(
        &mut self,
        s: &Str,
        what: &str,
        options: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        if let Some(v) = parse(&s.value) {
            return Some(v);
        }
        let mut help = format!("supported: {}", options.join(", "));
        if let Some(near) = did_you_mean(&s.value, options) {
            help = format!("did you mean `{near}`? ({help})");
        }
        self.error(
            class::INVALID_VALUE,
            format!("unsupported {what} `{}`", s.value),
            s.loc,
            format!("not a supported {what}"),
        )
        .help
        .push(help);
        None
    }

    /// A name used in cookbook, resource, file and unit names: `[a-z][a-z0-9_]*`.
    fn check_name(&mut self, s: &Str, what: &str) -> bool {
        if is_identifier(&s.value) {
            return true;
        }
        let suggestion = suggest_identifier(&s.value);
        let d = self.error(
            class::INVALID_NAME,
            format!("invalid {what} `{}`", escape_for_message(&s.value)),
            s.loc,
            "must match [a-z][a-z0-9_]* (at most 40 characters)",
        );
        d.help.push(format!(
            "{what}s become cookbook, resource, file and unit names, so they may hold only lowercase letters, digits and `_`, starting with a letter"
        ));
        if let Some(sug) = suggestion {
            d.help.push(format!("try `{sug}`"));
        }
        false
    }

    // ---- the document ---------------------------------------------------------------------

    fn load(&mut self) -> Option<Stack> {
        // prevent_coercion: only plain scalars may be YAML's null (or anything but text); a
        // quoted `""` or `"null"` is text. Without it `command: ""` was "missing" and
        // `user: "null"` silently meant "no user".
        let options = LoaderOptions::default()
            .error_on_duplicate_keys(true)
            .prevent_coercion(true);
        let root = match parse_yaml_with_options(0, self.src, options) {
            Ok(root) => root,
            Err(err) => {
                self.yaml_error(err);
                return None;
            }
        };
        let top = self.mapping(&root, "the top level of stack.yml")?;
        self.check_keys(top, &keys::get().top, "stack.yml");
        // Errors about the document as a whole (a missing key) point at its first key.
        let top_loc = match top.keys().next() {
            Some(first) => self.scalar_loc(first),
            None => self.node_loc(&root),
        };
        self.top_loc = top_loc;

        let name = self.required_string(top, "name", "stack.yml", top_loc);
        let name_ok = name
            .as_ref()
            .map(|n| self.check_name(n, "project name"))
            .unwrap_or(false);

        let version = self.opt_string(top, "version", "`version`").filter(|v| {
            let ok = is_semver(&v.value);
            if !ok {
                self.error(
                    class::INVALID_VALUE,
                    format!("invalid version `{}`", v.value),
                    v.loc,
                    "expected MAJOR.MINOR.PATCH",
                )
                .help
                .push("Chef cookbook versions have exactly three numbers, e.g. `0.1.0`".into());
            }
            ok
        });

        let maintainer = self.required_string(top, "maintainer", "stack.yml", top_loc);
        if let Some(m) = &maintainer {
            self.check_one_line(m, "`maintainer`");
        }
        let email = self.required_string(top, "maintainer_email", "stack.yml", top_loc);
        if let Some(e) = &email {
            if !is_email(&e.value) {
                self.error(
                    class::INVALID_VALUE,
                    format!(
                        "malformed e-mail address `{}`",
                        escape_for_message(&e.value)
                    ),
                    e.loc,
                    "expected name@domain.tld",
                )
                .help
                .push("it is written into every cookbook's metadata.rb".into());
            }
        }
        let license = match self.opt_string(top, "license", "`license`") {
            Some(l) => {
                let ids: Vec<&str> = License::ALL.iter().map(|l| l.id()).collect();
                self.choice(&l, "license", &ids, License::parse)
            }
            None => Some(defaults::license()),
        };
        let platform = self.platform(top).unwrap_or_else(defaults::platform);
        let chef = self.chef(top);
        let project = name.as_ref().map(|n| n.value.clone()).unwrap_or_default();
        let aws = self.aws(top, &project);
        let images = self.images(top, platform, &project);
        let services = self.services(top, &images, &project);
        if name_ok {
            self.check_derived_names(&project, &images);
        }

        let (name, maintainer, email, license, chef, aws) =
            (name?, maintainer?, email?, license?, chef?, aws?);
        if !name_ok {
            return None;
        }
        let mut images: BTreeMap<String, Image> =
            images.into_iter().map(|(k, (img, _))| (k, img)).collect();
        for name in &self.unset_counts {
            if let Some(img) = images.get_mut(name) {
                img.count = u32::from(services.values().any(|s| &s.image == name));
            }
        }
        Some(Stack {
            name: name.value,
            version: version.map(|v| v.value).unwrap_or_else(defaults::version),
            maintainer: maintainer.value,
            maintainer_email: email.value,
            license,
            platform,
            chef,
            aws,
            images,
            services,
        })
    }

    fn yaml_error(&mut self, err: LoadError) {
        match err {
            LoadError::DuplicateKey(inner) => {
                let first = self.scalar_loc(&inner.prev_key);
                let loc = self.scalar_loc(&inner.key);
                self.error(
                    class::DUPLICATE_KEY,
                    format!("duplicate key `{}`", inner.key.as_str()),
                    loc,
                    "defined again here",
                )
                .help
                .push(format!(
                    "first defined at line {}; YAML keeps only one, so remove or merge them",
                    first.line
                ));
            }
            LoadError::TopLevelMustBeMapping(m) => {
                self.error(
                    class::SYNTAX,
                    "stack.yml must be a mapping of keys to values",
                    marker_loc(Some(&m), 1),
                    "expected `name: …`, `images: …`",
                )
                .help
                .push("run `stackchef init` for a commented starter file".into());
            }
            LoadError::ScanError(m, e) => {
                self.error(
                    class::SYNTAX,
                    format!("YAML syntax error: {}", e.info()),
                    marker_loc(Some(&m), 1),
                    "here",
                );
            }
            LoadError::UnexpectedAnchor(m) => {
                self.error(
                    class::SYNTAX,
                    "YAML anchors and aliases are not supported in stack.yml",
                    marker_loc(Some(&m), 1),
                    "anchor",
                )
                .help
                .push("write the values out; stack.yml should read plainly".into());
            }
            LoadError::UnexpectedTag(m) => {
                self.error(
                    class::SYNTAX,
                    "YAML tags are not supported in stack.yml",
                    marker_loc(Some(&m), 1),
                    "tag",
                );
            }
            LoadError::MappingKeyMustBeScalar(m) => {
                self.error(
                    class::SYNTAX,
                    "mapping keys must be plain values",
                    marker_loc(Some(&m), 1),
                    "complex key",
                );
            }
            other => {
                self.error(
                    class::SYNTAX,
                    format!("YAML error: {other}"),
                    Location {
                        line: 1,
                        column: 1,
                        len: 1,
                    },
                    "",
                );
            }
        }
    }

    fn check_one_line(&mut self, s: &Str, what: &str) -> bool {
        if s.value.trim().is_empty() {
            self.error(
                class::INVALID_VALUE,
                format!("{what} is empty"),
                s.loc,
                "empty",
            );
            return false;
        }
        if s.value.chars().any(|c| c.is_control()) {
            self.error(
                class::INVALID_VALUE,
                format!("{what} must be a single line"),
                s.loc,
                "contains a newline or control character",
            );
            return false;
        }
        true
    }

    fn platform(&mut self, map: &MarkedMappingNode) -> Option<Platform> {
        let s = self.opt_string(map, "platform", "`platform`")?;
        let ids: Vec<&str> = Platform::ALL.iter().map(|p| p.id()).collect();
        self.choice(&s, "platform", &ids, Platform::parse)
    }

    fn chef(&mut self, top: &MarkedMappingNode) -> Option<Chef> {
        let mut chef: Chef = defaults::chef();
        let Some(node) = self.field(top, "chef").filter(|n| !is_null(n)) else {
            return Some(chef);
        };
        let map = self.mapping(node, "`chef`")?;
        self.check_keys(map, &keys::get().chef, "`chef`");
        if let Some(c) = self.opt_string(map, "client", "`chef.client`") {
            chef.client = self.choice(&c, "Chef client", &ChefClient::ALL, |s| match s {
                "cinc" => Some(ChefClient::Cinc),
                "chef" => Some(ChefClient::Chef),
                _ => None,
            })?;
        }
        if let Some(v) = self.opt_string(map, "version", "`chef.version`") {
            let ok = !v.value.is_empty()
                && v.value
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
                && v.value.split('.').count() <= 3;
            if !ok {
                self.error(
                    class::INVALID_VALUE,
                    format!("invalid Chef version `{}`", escape_for_message(&v.value)),
                    v.loc,
                    "expected a version like 18 or 18.5",
                );
                return None;
            }
            chef.version = v.value;
        }
        Some(chef)
    }

    fn aws(&mut self, top: &MarkedMappingNode, project: &str) -> Option<Aws> {
        let mut aws = defaults::aws_for(project);
        let Some(node) = self.field(top, "aws").filter(|n| !is_null(n)) else {
            return Some(aws);
        };
        let map = self.mapping(node, "`aws`")?;
        self.check_keys(map, &keys::get().aws, "`aws`");
        let mut ok = true;
        if let Some(r) = self.opt_string(map, "region", "`aws.region`") {
            if is_region(&r.value) {
                aws.region = r.value;
            } else {
                ok = false;
                self.error(
                    class::INVALID_VALUE,
                    format!("malformed AWS region `{}`", escape_for_message(&r.value)),
                    r.loc,
                    "expected a region like eu-west-1",
                )
                .help
                .push("regions look like `us-east-1`, `eu-central-1`, `ap-southeast-2`".into());
            }
        }
        if let Some(v) = self.opt_string(map, "vpc_id", "`aws.vpc_id`") {
            if is_aws_id(&v.value, "vpc") {
                aws.vpc_id = Some(v.value);
            } else {
                ok = false;
                self.error(
                    class::INVALID_VALUE,
                    format!("malformed VPC id `{}`", escape_for_message(&v.value)),
                    v.loc,
                    "expected vpc- and 8 or 17 hex digits",
                );
            }
        }
        for s in self.string_list(map, "subnet_ids", "`aws.subnet_ids`") {
            if is_aws_id(&s.value, "subnet") {
                aws.subnet_ids.push(s.value);
            } else {
                ok = false;
                self.error(
                    class::INVALID_VALUE,
                    format!("malformed subnet id `{}`", escape_for_message(&s.value)),
                    s.loc,
                    "expected subnet- and 8 or 17 hex digits",
                );
            }
        }
        if let Some(z) = self.opt_string(map, "internal_zone", "`aws.internal_zone`") {
            if is_zone(&z.value) {
                aws.internal_zone = z.value.trim_end_matches('.').to_string();
            } else {
                ok = false;
                self.error(
                    class::INVALID_VALUE,
                    format!("malformed DNS zone `{}`", escape_for_message(&z.value)),
                    z.loc,
                    "expected a lowercase domain like shop.internal",
                )
                .help
                .push("a zone is two or more labels of a-z, 0-9 and `-`, separated by dots".into());
            }
        }
        ok.then_some(aws)
    }

    /// Images by name, each with the location of its name (for later cross-reference errors).
    fn images(
        &mut self,
        top: &MarkedMappingNode,
        default_platform: Platform,
        project: &str,
    ) -> BTreeMap<String, (Image, Location)> {
        let mut out = BTreeMap::new();
        let top_loc = self.top_loc;
        let Some(node) = self.field(top, "images").filter(|n| !is_null(n)) else {
            self.error(
                class::MISSING_KEY,
                "missing required key `images`",
                top_loc,
                "no images declared",
            )
            .help
            .push(
                "declare at least one image, e.g.\n  images:\n    base:\n      packages: [curl]"
                    .into(),
            );
            return out;
        };
        let Some(map) = self.mapping(node, "`images`") else {
            return out;
        };
        if map.is_empty() {
            let loc = self.node_loc(node);
            self.error(
                class::MISSING_KEY,
                "`images` is empty",
                loc,
                "declare at least one image",
            );
        }
        // First pass: each image on its own. `from` and platform inheritance come after.
        let mut froms: BTreeMap<String, Str> = BTreeMap::new();
        let mut explicit: BTreeMap<String, (Option<Platform>, Option<u32>)> = BTreeMap::new();
        for (key, value) in map.iter() {
            let name = Str {
                value: key.as_str().to_string(),
                loc: self.scalar_loc(key),
            };
            if !self.check_name(&name, "image name") {
                continue;
            }
            if let Some(taken_by) = reserved_image_name(&name.value) {
                // Kept in the partial model: services on it should not read as unknown.
                self.error(
                    class::INVALID_NAME,
                    format!("image name `{}` is reserved", name.value),
                    name.loc,
                    "taken by a generated file",
                )
                .help
                .push(format!(
                    "{}: choose another image name",
                    taken_by.replace("<project>", project)
                ));
            }
            let what = format!("image `{}`", name.value);
            let empty = MarkedMappingNode::new_empty(*value.span());
            let fields = if is_null(value) {
                Some(&empty)
            } else {
                self.mapping(value, &what)
            };
            let Some(fields) = fields else { continue };
            self.check_keys(fields, &keys::get().image, &what);
            if let Some(from) = self.opt_string(fields, "from", "`from`") {
                froms.insert(name.value.clone(), from);
            }
            let packages: Vec<String> = self
                .string_list(fields, "packages", "`packages`")
                .into_iter()
                .filter(|p| {
                    let ok = is_package_name(&p.value);
                    if !ok {
                        self.error(class::INVALID_VALUE, format!("invalid package name `{}`", escape_for_message(&p.value)), p.loc, "not a package name")
                            .help.push("package names hold letters, digits and . + - _ : (an optional =version pin is allowed)".into());
                    }
                    ok
                })
                .map(|p| p.value)
                .collect();
            let instance_type = match self.opt_string(fields, "instance_type", "`instance_type`") {
                Some(t) if is_instance_type(&t.value) => t.value,
                Some(t) => {
                    self.error(
                        class::INVALID_VALUE,
                        format!("malformed instance type `{}`", escape_for_message(&t.value)),
                        t.loc,
                        "expected FAMILY.SIZE, e.g. t3.small",
                    );
                    defaults::instance_type()
                }
                None => defaults::instance_type(),
            };
            let platform = self.platform(fields);
            let volume_size = self
                .integer(fields, "volume_size", "`volume_size`", 8..=16384)
                .map(|n| n as u32);
            let count = self
                .integer(fields, "count", "`count`", 0..=1000)
                .map(|n| n as u32);
            explicit.insert(name.value.clone(), (platform, volume_size));
            if count.is_none() {
                self.unset_counts.push(name.value.clone());
            }
            let image = Image {
                name: name.value.clone(),
                from: None,
                packages,
                instance_type,
                platform: platform.unwrap_or(default_platform),
                volume_size: volume_size.unwrap_or_else(defaults::volume_size),
                count: count.unwrap_or(0), // an unset count is resolved once services are known
            };
            out.insert(name.value.clone(), (image, name.loc));
        }
        // Second pass: parents exist, no cycles; inherit platform and volume size.
        for (child, from) in &froms {
            if !out.contains_key(&from.value) {
                let help = image_hint(&from.value, &out);
                self.error(
                    class::REFERENCE,
                    format!(
                        "image `{child}` is built from unknown image `{}`",
                        escape_for_message(&from.value)
                    ),
                    from.loc,
                    "no such image",
                )
                .help
                .push(help);
                continue;
            }
            if let Some((img, _)) = out.get_mut(child) {
                img.from = Some(from.value.clone());
            }
        }
        // Cycles: each image is walked once (a walk stops at an image an earlier walk
        // finished), so this is linear in the number of images even for long chains.
        let parent_of = |out: &BTreeMap<String, (Image, Location)>, name: &str| {
            out.get(name).and_then(|(i, _)| i.from.clone())
        };
        let mut done: BTreeMap<String, bool> = BTreeMap::new(); // false: on the current walk
        let mut cycles: Vec<Vec<String>> = Vec::new();
        for start in froms.keys() {
            let mut path: Vec<String> = Vec::new();
            let mut cur = Some(start.clone());
            while let Some(name) = cur {
                match done.get(&name) {
                    Some(true) => break,
                    Some(false) => {
                        // Back on this walk's path: the images from `name` on form a cycle.
                        let at = path.iter().position(|p| *p == name).unwrap_or(0);
                        cycles.push(path[at..].to_vec());
                        break;
                    }
                    None => {}
                }
                done.insert(name.clone(), false);
                cur = parent_of(&out, &name);
                path.push(name);
            }
            for name in path {
                done.insert(name, true);
            }
        }
        for mut cycle in cycles {
            // Reported from its alphabetically first image, as a reader would list it.
            let first = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
            cycle.rotate_left(first);
            let start = cycle[0].clone();
            let from = &froms[&start];
            let mut chain = cycle.clone();
            chain.push(start);
            self.error(
                class::CYCLE,
                format!(
                    "images are built from each other in a cycle: {}",
                    chain.join(" → ")
                ),
                from.loc,
                "this `from` closes the cycle",
            )
            .help
            .push("one image in the chain must start from a vendor AMI: remove its `from`".into());
            for name in &cycle {
                if let Some((img, _)) = out.get_mut(name) {
                    img.from = None; // keep the partial model acyclic
                }
            }
        }
        // Inheritance, parents first: an image has its root's platform, and its own volume
        // size or else its parent's. Each image is resolved once, after its parent.
        let names: Vec<String> = out.keys().cloned().collect();
        let mut resolved: BTreeMap<String, (Platform, u32)> = BTreeMap::new();
        for name in &names {
            let mut pending: Vec<String> = Vec::new();
            let mut cur = Some(name.clone());
            while let Some(n) = cur {
                if resolved.contains_key(&n) {
                    break;
                }
                cur = parent_of(&out, &n);
                pending.push(n);
            }
            while let Some(n) = pending.pop() {
                let parent = parent_of(&out, &n).and_then(|p| resolved.get(&p).copied());
                let own_volume = explicit.get(&n).and_then(|(_, volume)| *volume);
                let (img, _) = out.get_mut(&n).expect("present");
                if let Some((p_platform, p_volume)) = parent {
                    img.platform = p_platform;
                    if own_volume.is_none() {
                        img.volume_size = p_volume;
                    }
                }
                resolved.insert(n, (img.platform, img.volume_size));
            }
        }
        for name in &names {
            let Some(parent) = out.get(name).and_then(|(i, _)| i.from.clone()) else {
                continue;
            };
            let (own_platform, own_volume) = explicit.get(name).copied().unwrap_or_default();
            let parent_platform = out[&parent].0.platform;
            if let Some(own) = own_platform.filter(|own| *own != parent_platform) {
                let loc = self.field_loc(map, name, "platform").unwrap_or(out[name].1);
                self.error(class::INVALID_VALUE, format!("image `{name}` is on {} but is built from `{parent}`, which is on {}", own.id(), parent_platform.id()), loc, "platform differs from the parent image")
                    .help.push("a layered image is baked from its parent's AMI, so it has the parent's platform: remove this `platform`".into());
            }
            let parent_volume = out[&parent].0.volume_size;
            if let Some(v) = own_volume {
                if v < parent_volume {
                    let loc = self
                        .field_loc(map, name, "volume_size")
                        .unwrap_or(out[name].1);
                    self.error(class::INVALID_VALUE, format!("image `{name}` has a {v} GiB volume, smaller than its parent `{parent}` ({parent_volume} GiB)"), loc, "volume smaller than the parent's")
                        .help.push("an AMI's root volume cannot shrink: use at least the parent's volume_size".into());
                }
            }
        }
        out
    }

    /// The names CloudFormation and IAM get from the image names (see `generate::aws`): one
    /// logical id per image, and role names within IAM's quota.
    fn check_derived_names(&mut self, project: &str, images: &BTreeMap<String, (Image, Location)>) {
        // In file order, so the later of two clashing images is the one pointed at.
        let mut in_file: Vec<(&str, Location)> = images
            .iter()
            .map(|(name, (_, loc))| (name.as_str(), *loc))
            .collect();
        in_file.sort_by_key(|(_, loc)| (loc.line, loc.column));
        let mut ids: BTreeMap<String, (&str, Location)> = BTreeMap::new();
        for (name, loc) in in_file {
            let role = iam_role_name(project, name);
            if role.len() > IAM_ROLE_NAME_MAX {
                self.error(
                    class::INVALID_NAME,
                    format!(
                        "the IAM role name `{role}` would be {} characters long; IAM allows {IAM_ROLE_NAME_MAX}",
                        role.len()
                    ),
                    loc,
                    "too long for an IAM role name",
                )
                .help
                .push(format!(
                    "the role of an image's instances is named `<project>-<image>`: shorten the project or image name (at most {} characters together)",
                    IAM_ROLE_NAME_MAX - 1
                ));
            }
            let id = logical_id(name);
            match ids.get(&id) {
                Some(&(first, first_loc)) => {
                    self.error(
                        class::DUPLICATE,
                        format!("images `{first}` and `{name}` map to the same CloudFormation logical id `{id}`"),
                        loc,
                        format!("same logical id as `{first}`"),
                    )
                    .help
                    .push(format!(
                        "the CloudFormation resources of an image are named from its name without `_` (`{id}Role`, `{id}SecurityGroup`, …), as are `{first}`'s (line {}): rename one of them",
                        first_loc.line
                    ));
                }
                None => {
                    ids.insert(id, (name, loc));
                }
            }
        }
    }

    /// Location of `images.<image>.<field>` where it is written out.
    fn field_loc(&self, images: &MarkedMappingNode, image: &str, field: &str) -> Option<Location> {
        let fields = images.get_mapping(image)?;
        let node = fields.get_scalar(field)?;
        Some(self.scalar_loc(node))
    }

    fn services(
        &mut self,
        top: &MarkedMappingNode,
        images: &BTreeMap<String, (Image, Location)>,
        project: &str,
    ) -> BTreeMap<String, Service> {
        let mut out = BTreeMap::new();
        let Some(node) = self.field(top, "services").filter(|n| !is_null(n)) else {
            return out;
        };
        let Some(map) = self.mapping(node, "`services`") else {
            return out;
        };
        let mut dns_seen: BTreeMap<String, (String, Location)> = BTreeMap::new();
        let mut ports_seen: BTreeMap<(String, u16), String> = BTreeMap::new();
        for (key, value) in map.iter() {
            let name = Str {
                value: key.as_str().to_string(),
                loc: self.scalar_loc(key),
            };
            if !self.check_name(&name, "service name") {
                continue;
            }
            let what = format!("service `{}`", name.value);
            let Some(fields) = self.mapping(value, &what) else {
                continue;
            };
            self.check_keys(fields, &keys::get().service, &what);
            let mut ok = true;

            let image = self.required_string(fields, "image", &what, name.loc);
            if let Some(img) = &image {
                if !images.contains_key(&img.value) {
                    ok = false;
                    let help = image_hint(&img.value, images);
                    self.error(
                        class::REFERENCE,
                        format!(
                            "{what} runs on unknown image `{}`",
                            escape_for_message(&img.value)
                        ),
                        img.loc,
                        "no such image",
                    )
                    .help
                    .push(help);
                }
            }
            let command = self.required_string(fields, "command", &what, name.loc);
            if let Some(c) = &command {
                ok &= self.check_one_line(c, "`command`") && self.check_exec_start(c);
            }
            let user = self.opt_string(fields, "user", "`user`");
            if let Some(u) = &user {
                ok &= self.check_account(u, "user");
            }
            let group = self.opt_string(fields, "group", "`group`");
            if let Some(g) = &group {
                ok &= self.check_account(g, "group");
            }
            let working_directory =
                self.opt_string(fields, "working_directory", "`working_directory`");
            if let Some(w) = &working_directory {
                ok &= self.check_abs_path(w);
            }
            let environment = self.environment(fields, &what);
            let port = self
                .integer(fields, "port", "`port`", 1..=65535)
                .map(|p| p as u16);
            if self.field(fields, "port").is_some_and(|n| !is_null(n)) && port.is_none() {
                ok = false;
            }
            let dns = self.opt_string(fields, "dns", "`dns`");
            if let Some(d) = &dns {
                if !is_dns_label(&d.value) {
                    ok = false;
                    self.error(class::INVALID_VALUE, format!("invalid DNS label `{}`", escape_for_message(&d.value)), d.loc, "not a valid hostname label")
                        .help.push("a label is 1-63 characters of a-z, 0-9 and `-`, not starting or ending with `-`; the zone is added for you".into());
                } else if let Some((other, first)) = dns_seen.get(&d.value) {
                    ok = false;
                    let first_line = first.line;
                    let other = other.clone();
                    self.error(class::DUPLICATE, format!("DNS name `{}` is used by two services", d.value), d.loc, "used again here")
                        .help.push(format!("service `{other}` already registers `{}` (line {first_line}); each service needs its own name", d.value));
                } else {
                    dns_seen.insert(d.value.clone(), (name.value.clone(), d.loc));
                }
            }
            let restart = match self.opt_string(fields, "restart", "`restart`") {
                Some(r) => self.choice(&r, "restart policy", &Restart::ALL, Restart::parse),
                None => Some(defaults::restart()),
            };
            if let (Some(img), Some(p)) = (&image, port) {
                if let Some(other) = ports_seen.get(&(img.value.clone(), p)) {
                    ok = false;
                    let loc = fields
                        .get_node("port")
                        .map(|n| self.node_loc(n))
                        .unwrap_or(name.loc);
                    let other = other.clone();
                    self.error(
                        class::DUPLICATE,
                        format!("port {p} is used by two services on image `{}`", img.value),
                        loc,
                        "port already taken",
                    )
                    .help
                    .push(format!("service `{other}` already listens on {p}"));
                } else {
                    ports_seen.insert((img.value.clone(), p), name.value.clone());
                }
            }
            let (Some(image), Some(command), Some(restart), true) = (image, command, restart, ok)
            else {
                continue;
            };
            let user = user.map(|u| u.value).unwrap_or_else(|| project.to_string());
            let group = group.map(|g| g.value).unwrap_or_else(|| user.clone());
            out.insert(
                name.value.clone(),
                Service {
                    name: name.value,
                    image: image.value,
                    command: command.value,
                    user,
                    group,
                    working_directory: working_directory.map(|w| w.value),
                    environment,
                    port,
                    dns: dns.map(|d| d.value),
                    restart,
                },
            );
        }
        out
    }

    fn environment(&mut self, fields: &MarkedMappingNode, what: &str) -> BTreeMap<String, String> {
        let mut env = BTreeMap::new();
        let Some(node) = self.field(fields, "environment").filter(|n| !is_null(n)) else {
            return env;
        };
        let Some(map) = self.mapping(node, &format!("`environment` of {what}")) else {
            return env;
        };
        for (key, value) in map.iter() {
            let k = Str {
                value: key.as_str().to_string(),
                loc: self.scalar_loc(key),
            };
            if !is_env_name(&k.value) {
                self.error(
                    class::INVALID_NAME,
                    format!(
                        "invalid environment variable name `{}`",
                        escape_for_message(&k.value)
                    ),
                    k.loc,
                    "expected [A-Za-z_][A-Za-z0-9_]*",
                );
                continue;
            }
            let what = format!("environment variable `{}`", k.value);
            if self.reject_null(value, Some(&k), &what) {
                continue;
            }
            let Some(v) = self.string(value, &what) else {
                continue;
            };
            if v.value.contains('\0') {
                self.error(
                    class::INVALID_VALUE,
                    "environment values cannot contain NUL",
                    v.loc,
                    "NUL byte",
                );
                continue;
            }
            env.insert(k.value, v.value);
        }
        env
    }

    /// Report a value that YAML reads as null (`null`, `~`, or nothing) where text is
    /// expected: taken as the text "null", "~" or "" it would silently reach the generated
    /// files. Returns whether `node` was null. `key` names a mapping entry, for the hint and
    /// for the location of an empty value (which has no text of its own to point at).
    fn reject_null(&mut self, node: &Node, key: Option<&Str>, what: &str) -> bool {
        let Node::Scalar(s) = node else {
            return false;
        };
        if !is_null(node) {
            return false;
        }
        let written = s.as_str();
        let loc = match key {
            Some(k) if written.is_empty() => k.loc,
            _ => self.scalar_loc(s),
        };
        let name = key.map_or(String::new(), |k| format!("{}: ", k.value));
        let help = if written.is_empty() {
            format!("for an empty value write {name}\"\"")
        } else {
            format!("to set the text `{written}`, quote it: {name}\"{written}\"")
        };
        self.error(
            class::INVALID_VALUE,
            format!("{what} is null"),
            loc,
            "YAML reads this as null, not as text",
        )
        .help
        .push(help);
        true
    }

    /// The command as systemd's `ExecStart=` reads it (see [`exec_start_problem`]): the unit
    /// is written without `systemd-analyze verify`, so nothing later would catch it.
    fn check_exec_start(&mut self, s: &Str) -> bool {
        let Some((message, hint)) = exec_start_problem(&s.value) else {
            return true;
        };
        self.error(
            class::INVALID_VALUE,
            message,
            s.loc,
            "systemd would not run this as written",
        )
        .help
        .push(hint);
        false
    }

    fn check_account(&mut self, s: &Str, what: &str) -> bool {
        if is_account_name(&s.value) {
            return true;
        }
        self.error(
            class::INVALID_NAME,
            format!("invalid {what} name `{}`", escape_for_message(&s.value)),
            s.loc,
            "expected [a-z_][a-z0-9_-]* (at most 32 characters)",
        )
        .help
        .push(format!("it becomes a system {what} on the image"));
        false
    }

    fn check_abs_path(&mut self, s: &Str) -> bool {
        let v = &s.value;
        let problem = if !v.starts_with('/') {
            Some("must be an absolute path")
        } else if v.split('/').any(|c| c == ".." || c == ".") {
            Some("must not contain `.` or `..` components")
        } else if v
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\'' || c == '\\' || c == ' ')
        {
            Some("must not contain spaces, quotes, backslashes or control characters")
        } else {
            None
        };
        match problem {
            None => true,
            Some(p) => {
                self.error(
                    class::INVALID_VALUE,
                    format!("invalid working_directory `{}`", escape_for_message(v)),
                    s.loc,
                    p,
                );
                false
            }
        }
    }
}

// ---- helpers --------------------------------------------------------------------------------

fn marker_loc(marker: Option<&Marker>, len: usize) -> Location {
    match marker {
        Some(m) => Location {
            line: m.line().max(1),
            column: m.column().max(1),
            len,
        },
        None => Location {
            line: 1,
            column: 1,
            len,
        },
    }
}

/// Length in characters of a scalar as written in the source (`rest` starts at the scalar):
/// the quoted extent for quoted scalars, the value's length for plain ones, clipped to the line.
fn source_len(rest: &str, value: &str) -> usize {
    let mut chars = rest.chars();
    match chars.next() {
        Some(q @ ('"' | '\'')) => {
            let mut len = 1;
            let mut escaped = false;
            for c in chars {
                len += 1;
                diag::work::add(1);
                if escaped {
                    escaped = false;
                } else if q == '"' && c == '\\' {
                    escaped = true;
                } else if c == q {
                    return len;
                }
            }
            len
        }
        Some('|' | '>') => 1,
        _ => {
            // Counting only as far as the value reaches keeps this to the node's own length
            // even on a very long line (a flow mapping written on one line).
            let want = value.chars().count();
            diag::work::add(want);
            rest.chars().take(want).count().max(1)
        }
    }
}

fn is_null(node: &Node) -> bool {
    matches!(node, Node::Scalar(s) if s.may_coerce() && matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL"))
}

/// Most images a "did you mean" compares a bad reference with. Beyond it, each bad reference
/// would cost a pass over every image: quadratic in a large stack full of them.
const MAX_SUGGESTION_CANDIDATES: usize = 1000;
/// Most image names a hint lists.
const MAX_LISTED_NAMES: usize = 10;

/// Help for a reference to an unknown image: the likely typo, or (some of) the images declared.
fn image_hint<V>(input: &str, images: &BTreeMap<String, V>) -> String {
    if images.len() <= MAX_SUGGESTION_CANDIDATES {
        let known: Vec<&str> = images.keys().map(String::as_str).collect();
        if let Some(s) = did_you_mean(input, &known) {
            return format!("did you mean `{s}`?");
        }
    }
    let shown: Vec<&str> = images
        .keys()
        .take(MAX_LISTED_NAMES)
        .map(String::as_str)
        .collect();
    match images.len() - shown.len() {
        0 => format!("declared images: {}", shown.join(", ")),
        more => format!("declared images: {}, and {more} more", shown.join(", ")),
    }
}

/// The closest of `options` to `input`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'o>(input: &str, options: &[&'o str]) -> Option<&'o str> {
    options
        .iter()
        .map(|o| {
            (
                strsim::jaro_winkler(&input.to_lowercase(), &o.to_lowercase()),
                *o,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, o)| o)
}

/// Quote-free rendering of a user value inside a message (control characters made visible).
fn escape_for_message(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}
