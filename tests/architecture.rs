//! The crate's layering, read from its source: every `crate::…` path in `src/**/*.rs` is an
//! edge from the module of the file to the module it names, at top-level granularity (`lint`,
//! `plan`, `deploy`, …) and one level deeper for the big ones (`lint::model`, `plan::writer`,
//! `generate::aws`, `stack::load`, …). Checked:
//! - no library module imports `cmd`: the command line sits on top (clap, printing, exit
//!   codes), the library below it returns typed outcomes;
//! - only `cmd` prints (through `output`) and only `cmd` uses clap;
//! - no cycle among top-level modules, so each can be read, tested and changed from the bottom
//!   up. A cycle is reported with the files whose paths close it;
//! - the linter's stages ([`LINT_STAGES`]) in pipeline order: no file of a stage names a module
//!   of a later one.
//!
//! A text scan, not a compiler pass: it reads `crate::` paths (grouped `use crate::{a, b::c}`
//! included) and the crate's exported macros (`crate::outln!` is `output`'s), skips comment
//! lines, and ignores `super::` between top-level modules (it never leaves one: a top-level
//! file's `super` is the crate root). Inside `lint`, where `super::` is how stages name each
//! other, the stage check resolves it against the file's module (and the inline modules, such
//! as `mod tests`, the line sits in).

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

/// The linter's stages in pipeline order: (module path, what it takes and gives). A file
/// belongs to the stage whose path is the longest prefix of its module path; it may name
/// modules of its own stage and of earlier ones, never of a later one. The pipeline itself
/// (`lint/mod.rs`: `Options`, `lint_paths`, `check`, `Outcome`) sits after the rules it runs;
/// so `lint::Repo`-style re-exports count as the pipeline, and a stage names the real path.
const LINT_STAGES: &[(&str, &str)] = &[
    (
        "lint::config",
        "the [lint] settings from .stackchef.toml: read by any stage",
    ),
    (
        "lint::source",
        "lint paths -> the files to lint, the scope asked about",
    ),
    (
        "lint::parse",
        "one file's text -> its facts and suppressions",
    ),
    (
        "lint::model",
        "the files -> the Repo (cookbooks, roles, locks, indexes)",
    ),
    (
        "lint::fix",
        "the autofix vocabulary (Edit, Fix, Fixer, node finders): rules declare fixers with it",
    ),
    ("lint::rules", "the Repo -> findings"),
    (
        "lint",
        "the pipeline: Options, lint_paths, check -> Outcome",
    ),
    (
        "lint::fix::engine",
        "applies fixes, verifies, re-runs the pipeline",
    ),
    ("lint::report", "an Outcome -> text"),
];

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
/// `lint/source/walk.rs` → `[lint, source, walk]`, `lib.rs`/`main.rs` → `[]` (the root).
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

/// The paths named after each `crate::` in `text`, grouped
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

/// The lint stage a module path belongs to: the index in [`LINT_STAGES`] of the longest stage
/// path that prefixes it; `None` outside `lint`.
fn lint_stage(path: &[String]) -> Option<usize> {
    LINT_STAGES
        .iter()
        .enumerate()
        .filter(|(_, (stage, _))| {
            let parts: Vec<&str> = stage.split("::").collect();
            parts.len() <= path.len() && parts.iter().zip(path).all(|(a, b)| a == b)
        })
        .max_by_key(|(_, (stage, _))| stage.len())
        .map(|(i, _)| i)
}

/// The name of an inline module opened on this (trimmed) line: `mod tests {`,
/// `pub(crate) mod prelude {`.
fn inline_mod(trimmed: &str) -> Option<String> {
    let mut rest = trimmed;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = after.trim_start();
        if rest.starts_with('(') {
            rest = rest[rest.find(')')? + 1..].trim_start();
        }
    }
    let name = rest.strip_prefix("mod ")?.strip_suffix('{')?.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| name.to_string())
}

/// The code lines of `text` (comments skipped, multi-line `use` groups joined into one), each
/// with the inline modules it sits in. An inline module ends at the `}` with its `mod` line's
/// indentation (rustfmt's layout, which the crate keeps). Test code is left out: lines in a
/// `#[cfg(test)]` inline module (a test may drive the whole pipeline to check a stage).
fn lines_in_modules(text: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut group: Option<(String, usize)> = None;
    let mut cfg_test = false;
    let mut test_depth: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some((mut joined, depth)) = group.take() {
            joined.push(' ');
            joined.push_str(trimmed);
            let depth =
                (depth + trimmed.matches('{').count()).saturating_sub(trimmed.matches('}').count());
            if depth == 0 {
                if test_depth.is_none() {
                    let mods = open.iter().map(|(m, _)| m.clone()).collect();
                    out.push((mods, joined));
                }
            } else {
                group = Some((joined, depth));
            }
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        if open
            .last()
            .is_some_and(|(_, at)| trimmed == "}" && indent == *at)
        {
            open.pop();
            if test_depth.is_some_and(|d| open.len() < d) {
                test_depth = None;
            }
            continue;
        }
        let after_cfg_test = std::mem::replace(&mut cfg_test, trimmed == "#[cfg(test)]");
        let depth = trimmed
            .matches('{')
            .count()
            .saturating_sub(trimmed.matches('}').count());
        if trimmed.contains("use ") && depth > 0 && inline_mod(trimmed).is_none() {
            group = Some((trimmed.to_string(), depth));
            continue;
        }
        if let Some(name) = inline_mod(trimmed) {
            open.push((name, indent));
            if after_cfg_test && test_depth.is_none() {
                test_depth = Some(open.len());
            }
            continue;
        }
        if test_depth.is_none() {
            let mods = open.iter().map(|(m, _)| m.clone()).collect();
            out.push((mods, trimmed.to_string()));
        }
    }
    out
}

/// The full module paths a line names through `super::` (resolved against `module`, the
/// module the line sits in) and through `crate::`.
fn resolved_paths(line: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = crate_paths(line);
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at..];
        let mut up = 0;
        while let Some(after) = rest.strip_prefix("super::") {
            up += 1;
            rest = after;
        }
        if before.is_some_and(|c| c == '$' || c == '_' || c == ':' || c.is_alphanumeric()) {
            continue;
        }
        let Some(base) = module.len().checked_sub(up).map(|n| module[..n].to_vec()) else {
            continue;
        };
        let mut found = Vec::new();
        parse_tree(&mut rest.chars().peekable(), base.clone(), &mut found);
        if found.is_empty() {
            found.push(base); // `use super::*;`
        }
        out.extend(found);
    }
    out
}

/// The modules declared `#[cfg(test)] mod name;` in these files (test code in files of its own).
fn test_modules(src: &Path, files: &[PathBuf]) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for file in files {
        let module = module_of(file.strip_prefix(src).unwrap());
        let text = std::fs::read_to_string(file).unwrap();
        let mut after_cfg_test = false;
        for line in text.lines().map(str::trim) {
            if after_cfg_test {
                if let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
                    out.insert(module.iter().cloned().chain([name.to_string()]).collect());
                }
            }
            after_cfg_test = line == "#[cfg(test)]";
        }
    }
    out
}

/// Every reference from a file of one lint stage to a module of a later stage, as
/// `file: names path (stage) from stage`, and how many lint paths were resolved. Test code
/// is not checked (a model test may run the rules to compare findings).
fn later_stage_imports(src: &Path) -> (Vec<String>, usize) {
    let mut files = Vec::new();
    rust_files(&src.join("lint"), &mut files);
    let tests = test_modules(src, &files);
    let mut offending = Vec::new();
    let mut seen = 0;
    for file in &files {
        let rel = file.strip_prefix(src).unwrap();
        let module = module_of(rel);
        if tests.iter().any(|t| module.starts_with(t)) {
            continue;
        }
        let from = lint_stage(&module).expect("every lint file belongs to a stage");
        let text = std::fs::read_to_string(file).unwrap();
        for (inline, line) in lines_in_modules(&text) {
            let here: Vec<String> = module.iter().cloned().chain(inline).collect();
            for path in resolved_paths(&line, &here) {
                let Some(to) = lint_stage(&path) else {
                    continue;
                };
                seen += 1;
                if to > from {
                    offending.push(format!(
                        "src/{}: names {} (stage {}) from stage {}",
                        rel.display(),
                        path.join("::"),
                        LINT_STAGES[to].0,
                        LINT_STAGES[from].0
                    ));
                }
            }
        }
    }
    offending.sort();
    offending.dedup();
    (offending, seen)
}

#[test]
fn no_lint_stage_imports_a_later_stage() {
    let src = src_dir();
    let (offending, seen) = later_stage_imports(&src);
    assert!(
        seen > 100,
        "the stage scan resolved only {seen} lint paths: it no longer reads the source"
    );
    assert!(
        offending.is_empty(),
        "a lint stage may name only its own and earlier stages ({}):\n  {}",
        LINT_STAGES
            .iter()
            .map(|(s, _)| *s)
            .collect::<Vec<_>>()
            .join(" < "),
        offending.join("\n  ")
    );
}

#[test]
fn every_lint_folder_is_a_stage() {
    let lint = src_dir().join("lint");
    for (stage, _) in LINT_STAGES {
        let rel: Vec<&str> = stage.split("::").skip(1).collect();
        if rel.is_empty() {
            continue;
        }
        let at = lint.join(rel.join("/"));
        assert!(
            at.with_extension("rs").is_file() || at.join("mod.rs").is_file(),
            "LINT_STAGES names {stage}, which has no file or folder"
        );
    }
    let mut unplaced: Vec<String> = std::fs::read_dir(&lint)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "mod.rs")
        .filter(|name| {
            let module = ["lint".to_string(), name.trim_end_matches(".rs").to_string()];
            lint_stage(&module).is_none_or(|i| LINT_STAGES[i].0 == "lint")
        })
        .collect();
    unplaced.sort();
    assert!(
        unplaced.is_empty(),
        "src/lint/{unplaced:?} belongs to no stage: add it to LINT_STAGES in pipeline order"
    );
}

#[test]
fn super_paths_resolve_against_the_module_and_inline_modules() {
    let text = "use super::facts::{Span, Lit};\nuse super::{\n    a::b,\n    c,\n};\n// super::commented\npub(super) fn f() {}\nmod inner {\n    use super::*;\n    fn g() { super::super::RULES; }\n}\n#[cfg(test)]\nmod tests {\n    use crate::lint::check;\n}\nuse super::after;\n";
    let module: Vec<String> = ["lint", "rules", "rule"].map(String::from).to_vec();
    let mut paths = Vec::new();
    for (inline, line) in lines_in_modules(text) {
        let here: Vec<String> = module.iter().cloned().chain(inline).collect();
        paths.extend(
            resolved_paths(&line, &here)
                .into_iter()
                .map(|p| p.join("::")),
        );
    }
    assert_eq!(
        paths,
        [
            "lint::rules::facts::Span",
            "lint::rules::facts::Lit",
            "lint::rules::a::b",
            "lint::rules::c",
            "lint::rules::rule",
            "lint::rules::RULES",
            "lint::rules::after",
        ]
    );
    let stage = |p: &str| lint_stage(&p.split("::").map(String::from).collect::<Vec<_>>());
    assert_eq!(stage("lint::fix::engine::FixOutcome"), Some(7));
    assert_eq!(stage("lint::fix::Edit"), Some(4));
    assert_eq!(stage("lint::Repo"), Some(6));
    assert_eq!(stage("lint::parse::facts"), Some(2));
    assert_eq!(stage("plan::writer"), None);
}

/// One voice for errors: `= help:`/`= note:` lines are laid out by `diag.rs` (for a
/// `Diagnostic` or a `UserError`), never written into a message by hand elsewhere. Lines in
/// comments and in test modules' assertions are not messages.
#[test]
fn only_diag_lays_out_help_and_note_lines() {
    let src = src_dir();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut hand_written = Vec::new();
    for file in &files {
        let rel = format!("src/{}", file.strip_prefix(&src).unwrap().display());
        if rel == "src/diag.rs" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        // Test modules sit at the end of a file: stop at the first `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") {
                continue;
            }
            if l.contains("= help:") || l.contains("= note:") {
                hand_written.push(format!("{rel}:{}: {}", n + 1, l));
            }
        }
    }
    assert!(
        hand_written.is_empty(),
        "use diag::UserError (with_help/with_note) or a Diagnostic instead of writing `= help:` \
         into a message:\n  {}",
        hand_written.join("\n  ")
    );
}

/// ARCHITECTURE.md has a paragraph for every folder of the source tree (named as `name/`), so
/// a folder added without a word there fails here.
#[test]
fn architecture_md_names_every_source_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut missing = Vec::new();
    let mut stack = vec![src_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_dir() {
                continue;
            }
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !doc.contains(&format!("{name}/")) {
                missing.push(format!(
                    "src/{}",
                    path.strip_prefix(src_dir()).unwrap().display()
                ));
            }
            stack.push(path);
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not mention these folders: {missing:?}"
    );
}
