//! The crate's layering, read from its source: every `crate::…` path in `src/**/*.rs` is an
//! edge from the module of the file to the module it names, at top-level granularity (`lint`,
//! `plan`, `deploy`, …) and one level deeper for the big ones (`lint::repo`, `plan::writer`,
//! `generate::aws`, `stack::load`, …). Checked:
//! - no library module imports `cmd`: the command line sits on top (clap, printing, exit
//!   codes), the library below it returns typed outcomes;
//! - only `cmd` prints (through `output`) and only `cmd` uses clap;
//! - no cycle among top-level modules, so each can be read, tested and changed from the bottom
//!   up. A cycle is reported with the files whose paths close it.
//!
//! A text scan, not a compiler pass: it reads `crate::` paths (grouped `use crate::{a, b::c}`
//! included) and the crate's exported macros (`crate::outln!` is `output`'s), skips comment
//! lines, and ignores `super::` (which never leaves a top-level module: a top-level file's
//! `super` is the crate root).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules whose submodules are nodes of their own in the graph (for the report; the cycle
/// check collapses them to their top-level module).
const SECOND_LEVEL: &[&str] = &["lint", "plan", "generate", "stack"];

/// The command line: the one module no library module may import.
const EDGE: &str = "cmd";

/// Where clap may appear outside `cmd` (file, why): nowhere today. A library type that needs
/// a clap trait gets it implemented in `cmd/args.rs`, as `plan::Target` and
/// `lint::report::Format` do.
const CLAP_OUTSIDE_CMD: &[(&str, &str)] = &[];

/// Edges (between top-level modules) that close a known cycle someone is removing, each with a
/// comment saying who and why; an entry whose edge no longer exists fails the test, so the list
/// cannot go stale. Empty since the Generator trait and the `Target` move landed: it held
/// `("templates", "generate")` (`templates` called `generate::register_filters`) and
/// `("plan", "generate")` (`plan::{mod,writer,manifest}` imported `generate::Target`).
const KNOWN_CYCLE_EDGES: &[(&str, &str)] = &[];

/// One reference: the module that names, the module named, and the file it is in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Edge {
    from: String,
    to: String,
    file: String,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/`: `lint/rules/mod.rs` → `[lint, rules]`,
/// `lint/repo.rs` → `[lint, repo]`, `lib.rs`/`main.rs` → `[]` (the root).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The graph node for a module path: its top-level module, or its first two segments for the
/// modules in [`SECOND_LEVEL`] when the second names a submodule (a file or folder in `src`).
fn node(src: &Path, path: &[String]) -> Option<String> {
    let top = path.first()?;
    if let Some(sub) = path.get(1) {
        if SECOND_LEVEL.contains(&top.as_str()) {
            let dir = src.join(top);
            if dir.join(format!("{sub}.rs")).is_file() || dir.join(sub).join("mod.rs").is_file() {
                return Some(format!("{top}::{sub}"));
            }
        }
    }
    Some(top.clone())
}

fn top(node: &str) -> &str {
    node.split("::").next().unwrap_or(node)
}

/// The paths (first two segments at most) named after each `crate::` in `text`, grouped
/// imports expanded: `use crate::{a::b, c::{d, e}}` → `[a, b]`, `[c, d]`, `[c, e]`. A path
/// followed by `!` is a macro: `[name, "!"]`.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            // `$crate::` in a macro body names the macro's own crate from wherever it expands;
            // `pub(crate)`, and identifiers ending in `crate`, are not paths.
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric()) {
                continue;
            }
            let mut chars = rest.chars().peekable();
            parse_tree(&mut chars, Vec::new(), &mut out);
        }
    }
    out
}

/// Parse one use-tree (`a::b`, `a::{…}`, `a::*`, `a!`) from `chars`, after `prefix`.
fn parse_tree(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    mut prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) {
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            loop {
                parse_tree(chars, prefix.clone(), out);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                match chars.next() {
                    Some(',') => {
                        while chars.peek().is_some_and(|c| c.is_whitespace()) {
                            chars.next();
                        }
                        if chars.peek() == Some(&'}') {
                            chars.next();
                            return;
                        }
                    }
                    _ => return, // `}`, or the line ended (a group over several lines)
                }
            }
        }
        let mut ident = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_alphanumeric() || c == '_' {
                ident.push(c);
                chars.next();
            } else {
                break;
            }
        }
        if ident.is_empty() || ident == "self" {
            break;
        }
        prefix.push(ident);
        if chars.peek() == Some(&'!') {
            prefix.push("!".to_string());
            break;
        }
        let mut ahead = chars.clone();
        if ahead.next() == Some(':') && ahead.next() == Some(':') {
            chars.next();
            chars.next();
            continue;
        }
        break;
    }
    if !prefix.is_empty() {
        prefix.truncate(2);
        out.push(prefix);
    }
}

/// A multi-line grouped import (`use crate::{\n a,\n b::c,\n};`) as one line, so that
/// [`crate_paths`] sees the whole group.
fn join_groups(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut in_use = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if depth == 0 {
            in_use = trimmed.starts_with("use crate::") || trimmed.starts_with("pub use crate::");
        }
        if in_use {
            depth += line.matches('{').count();
            depth = depth.saturating_sub(line.matches('}').count());
        }
        out.push_str(trimmed);
        out.push(if in_use && depth > 0 { ' ' } else { '\n' });
    }
    out
}

/// The crate's `#[macro_export]` macros and the module that defines each.
fn exported_macros(src: &Path, files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut macros = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let module = module_of(file.strip_prefix(src).unwrap());
        for line in text.lines() {
            if let Some(rest) = line.trim_start().strip_prefix("macro_rules! ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if let Some(node) = node(src, &module) {
                    macros.insert(name, node);
                }
            }
        }
    }
    macros
}

/// Every edge between different nodes, from the source tree.
fn edges(src: &Path) -> Vec<Edge> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let macros = exported_macros(src, &files);
    let mut out = BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(src).unwrap();
        let Some(from) = node(src, &module_of(rel)) else {
            continue; // lib.rs, main.rs: the root declares every module
        };
        let text = join_groups(&std::fs::read_to_string(file).unwrap());
        for path in crate_paths(&text) {
            let to = if path.get(1).is_some_and(|s| s == "!") {
                macros.get(&path[0]).cloned()
            } else {
                node(src, &path)
            };
            let Some(to) = to else { continue };
            if to != from {
                out.insert(Edge {
                    from: from.clone(),
                    to,
                    file: format!("src/{}", rel.display()),
                });
            }
        }
    }
    out.into_iter().collect()
}

/// A cycle in a directed graph, as its nodes in order (the first repeated at the end), if any.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Open,
        Done,
    }
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, State>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), State::Open);
        stack.push(n.to_string());
        for next in graph.get(n).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(State::Open) => {
                    let at = stack.iter().position(|s| s == next).unwrap();
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(State::Done) => {}
                None => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(n.to_string(), State::Done);
        None
    }
    let mut state = BTreeMap::new();
    for n in graph.keys() {
        if !state.contains_key(n) {
            if let Some(cycle) = visit(n, graph, &mut state, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_library_module_imports_the_command_line() {
    let upward: Vec<String> = edges(&src_dir())
        .into_iter()
        .filter(|e| top(&e.to) == EDGE && top(&e.from) != EDGE)
        .map(|e| format!("{} imports {} ({})", e.from, e.to, e.file))
        .collect();
    assert!(
        upward.is_empty(),
        "library modules must not depend on the command line (`{EDGE}`): return a typed \
         outcome or error and let `{EDGE}` print and pick the exit code:\n  {}",
        upward.join("\n  ")
    );
}

#[test]
fn only_the_command_line_prints_and_sees_clap() {
    let src = src_dir();
    let printing: Vec<String> = edges(&src)
        .into_iter()
        .filter(|e| top(&e.to) == "output" && top(&e.from) != EDGE)
        .map(|e| format!("{} prints ({})", e.from, e.file))
        .collect();
    assert!(
        printing.is_empty(),
        "only `{EDGE}` prints: return the text or a warning instead:\n  {}",
        printing.join("\n  ")
    );
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let clap: Vec<String> = files
        .iter()
        .map(|f| format!("src/{}", f.strip_prefix(&src).unwrap().display()))
        .filter(|rel| !rel.starts_with("src/cmd/") && rel != "src/main.rs")
        .filter(|rel| !CLAP_OUTSIDE_CMD.iter().any(|(allowed, _)| allowed == rel))
        .filter(|rel| {
            let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel));
            text.unwrap().lines().any(|l| {
                let l = l.trim_start();
                !l.starts_with("//") && (l.contains("clap::") || l.contains("use clap"))
            })
        })
        .collect();
    assert!(
        clap.is_empty(),
        "clap belongs to `{EDGE}` (implement its traits for library types in cmd/args.rs): {clap:?}"
    );
}

#[test]
fn top_level_modules_form_no_cycle() {
    let all = edges(&src_dir());
    assert!(
        all.iter()
            .any(|e| top(&e.from) == "cmd" && top(&e.to) == "lint"),
        "the scan found no edge cmd -> lint: it no longer reads the source"
    );
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut allowed_seen = BTreeSet::new();
    for e in &all {
        let (from, to) = (top(&e.from), top(&e.to));
        if from == to {
            continue;
        }
        if KNOWN_CYCLE_EDGES.contains(&(from, to)) {
            allowed_seen.insert((from, to));
            continue;
        }
        graph
            .entry(from.to_string())
            .or_default()
            .insert(to.to_string());
    }
    if let Some(cycle) = find_cycle(&graph) {
        let mut report = format!("import cycle: {}", cycle.join(" -> "));
        for pair in cycle.windows(2) {
            for e in all
                .iter()
                .filter(|e| top(&e.from) == pair[0] && top(&e.to) == pair[1])
            {
                report.push_str(&format!("\n  {} -> {}  ({})", e.from, e.to, e.file));
            }
        }
        panic!("{report}");
    }
    let stale: Vec<_> = KNOWN_CYCLE_EDGES
        .iter()
        .filter(|edge| !allowed_seen.contains(*edge))
        .collect();
    assert!(
        stale.is_empty(),
        "KNOWN_CYCLE_EDGES lists edges the source no longer has: remove {stale:?} from it"
    );
}

#[test]
fn the_scan_reads_grouped_imports_macros_and_paths_in_code() {
    let text = join_groups(
        "use crate::{\n    a::b,\n    c::{d, e},\n};\n// crate::commented::out\nlet x = crate::f::g(1);\ncrate::outln!(\"hi\")?;\n$crate::output::x;\npub(crate) fn h() {}\nuse crate::lint::{self, report};\n",
    );
    let paths: Vec<String> = crate_paths(&text).iter().map(|p| p.join("::")).collect();
    assert_eq!(
        paths,
        [
            "a::b",
            "c::d",
            "c::e",
            "f::g",
            "outln::!",
            "lint",
            "lint::report"
        ]
    );
}

#[test]
fn a_cycle_is_found_and_reported_in_order() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
        }
        g
    };
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        Some(vec![
            "a".to_string(),
            "b".to_string(),
            "c".to_string(),
            "a".to_string()
        ])
    );
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])),
        None
    );
}
