//! The fix engine behind `stackchef lint --fix` / `--diff`: lint, ask each selected rule's
//! [`Fixer`] for the fix of each finding, apply the fixes that do not overlap in one pass,
//! verify, re-lint the changed texts in memory, and repeat (bounded) until nothing more is
//! fixable. Nothing is written here: [`fix_paths`] returns the new contents, and [`write`]
//! writes them through the staged atomic writer.
//!
//! **Verified before written.** After each pass every changed `.rb` file is re-parsed with prism
//! (every changed `.json` with serde): a fix that makes a file that parsed stop parsing is
//! rolled back for that file and reported as a bug in the fix. After the re-lint, a finding a
//! fix claimed to fix that is still reported (same rule, same message, at the position its
//! location moved to) rolls back every fix of that pass touching that file, and is reported the
//! same way. A rule whose fix was rolled back for a file is not asked again for that file.
//!
//! Library code: no command-line types, no printing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context as _, Result};

use super::{apply_replacements, Applicability, Edit, Fix, FixContext, Fixer};
use crate::diag::{Diagnostic, SourceIndex};
use crate::lint::model::Repo;
use crate::lint::parse::ruby;
use crate::lint::source::context;
use crate::lint::source::walk;
use crate::lint::{check, Options, Outcome, Rule};

/// How many lint → fix rounds at most: overlapping fixes wait for the next round, and a fix
/// may uncover another finding; ten is far more than real code needs (reaching it is reported).
pub const DEFAULT_MAX_PASSES: usize = 10;

/// What to fix.
#[derive(Debug, Clone)]
pub struct FixRequest {
    /// The least safe fix to apply: `Safe` for `--fix`, `Unsafe` with `--unsafe-fixes`.
    pub applicability: Applicability,
    pub max_passes: usize,
    /// Fixers used instead of the rules' own, by rule code (tests give a deliberately broken
    /// one to check the verification).
    pub overrides: Vec<(&'static str, &'static Fixer)>,
}

impl FixRequest {
    pub fn new(applicability: Applicability) -> Self {
        FixRequest {
            applicability,
            max_passes: DEFAULT_MAX_PASSES,
            overrides: Vec::new(),
        }
    }
}

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFix {
    pub code: &'static str,
    pub title: String,
    pub applicability: Applicability,
    /// The file of the finding it fixed.
    pub finding: String,
    /// The files it changed, created or deleted.
    pub paths: Vec<String>,
}

/// A fix that was rolled back because it broke what it should have fixed: a bug in the fixer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixBug {
    pub code: &'static str,
    pub path: String,
    pub reason: String,
}

/// The net change to one file over all passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// Display path.
    pub path: String,
    /// Where it is on disk.
    pub disk: PathBuf,
    /// The text the lint read; `None` for a file the fixes create.
    pub original: Option<String>,
    /// The text after the fixes; `None` for a file the fixes delete.
    pub fixed: Option<String>,
    /// Files with the same group were changed by one multi-file fix (or a chain of them): they
    /// are written together or not at all.
    pub group: usize,
}

/// What the engine did and what is left.
#[derive(Debug)]
pub struct FixOutcome {
    /// Files that differ from what the lint read, sorted by path.
    pub changes: Vec<FileChange>,
    pub applied: Vec<AppliedFix>,
    /// Findings of the first lint, before any fix. One fix may resolve several findings (merging
    /// an LWRP's provider away also ends its `use_inline_resources` finding), so the findings
    /// resolved are `found - remaining`, not `applied.len()`.
    pub found: usize,
    /// The lint of the fixed texts: what is left.
    pub remaining: Outcome,
    /// Remaining findings a fix of the requested applicability would fix (left because the
    /// pass bound was reached or their fix was rolled back).
    pub fixable: usize,
    /// Remaining findings only `--unsafe-fixes` would fix.
    pub fixable_unsafe: usize,
    pub bugs: Vec<FixBug>,
    /// Lint → fix rounds run.
    pub passes: usize,
    /// Stopped at [`FixRequest::max_passes`] with fixes still to apply.
    pub bound_reached: bool,
    /// The lint roots (for the writer's lock).
    pub roots: Vec<PathBuf>,
}

/// Lint `paths` with `options` and fix what the selected rules can fix, in memory. `Err` only
/// when a path does not exist.
pub fn fix_paths(paths: &[PathBuf], options: Options, request: &FixRequest) -> Result<FixOutcome> {
    let scope = context::scope(paths);
    let repo = Repo::load(&scope.roots)?;
    let roots = scope.roots.clone();
    Ok(fix_repo(repo, options, request, &roots, &|p| {
        scope.keeps(p)
    }))
}

/// A fix proposed for one finding this pass.
struct Candidate {
    code: &'static str,
    diag: Diagnostic,
    fix: Fix,
}

/// [`fix_paths`] on a loaded repo. `keeps` says which findings belong to what the user asked
/// for (a file linted in its context fixes only that file's findings); `roots` locate the files
/// on disk (none for a repo built in memory: display paths are then the paths).
pub fn fix_repo(
    repo: Repo,
    options: Options,
    request: &FixRequest,
    roots: &[PathBuf],
    keeps: &dyn Fn(&str) -> bool,
) -> FixOutcome {
    let lint = |repo: &Repo| {
        let mut d = check(repo, &options);
        d.retain(|d| keeps(&d.path));
        d
    };
    let fixer_of = |code: &str| -> Option<&'static Fixer> {
        if let Some((_, f)) = request.overrides.iter().find(|(c, _)| *c == code) {
            return Some(f);
        }
        let rule: &Rule = options
            .rules
            .iter()
            .map(|(r, _)| *r)
            .find(|r| r.code == code)?;
        rule.fix
    };

    let mut repo = repo;
    let mut diags = lint(&repo);
    let found = diags.len();
    // Texts as the lint read them, for every file changed so far (`None`: did not exist).
    let mut originals: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut banned: BTreeSet<(&'static str, String)> = BTreeSet::new();
    let mut applied: Vec<AppliedFix> = Vec::new();
    let mut bugs: Vec<FixBug> = Vec::new();
    let mut passes = 0;
    let mut bound_reached = false;
    let mut outside: BTreeMap<String, Option<String>> = BTreeMap::new();

    loop {
        let texts = Texts {
            repo: &repo,
            outside: &outside,
        };
        let candidates = candidates(texts, &diags, &fixer_of, &banned, &mut bugs);
        let candidates: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| c.fix.applicability <= request.applicability)
            .collect();
        if candidates.is_empty() {
            break;
        }
        if passes == request.max_passes {
            bound_reached = true;
            break;
        }
        passes += 1;
        let mut chosen = select(candidates);

        // Apply; drop the fixes that break a file's syntax, until what is left parses.
        let overlay = loop {
            let overlay = build_overlay(texts, &chosen);
            let broken = syntax_failures(texts, &overlay);
            if broken.is_empty() {
                break overlay;
            }
            for (path, message) in broken {
                let touching: Vec<usize> = (0..chosen.len())
                    .filter(|&i| chosen[i].fix.edits.iter().any(|e| e.path() == path))
                    .collect();
                // Blame the fixes that break the file on their own; if none does, their mix.
                let alone: Vec<usize> = touching
                    .iter()
                    .copied()
                    .filter(|&i| {
                        let one = build_overlay(texts, std::slice::from_ref(&chosen[i]));
                        syntax_failures(texts, &one).iter().any(|(p, _)| *p == path)
                    })
                    .collect();
                let culprits = if alone.is_empty() { &touching } else { &alone };
                for &i in culprits {
                    let reason = format!("the fix made the file invalid: {message}");
                    report_bug(&mut bugs, chosen[i].code, &path, reason);
                    ban(&mut banned, &chosen[i]);
                }
                // Rolled back for that file: every fix of this pass touching it waits.
                let touching: BTreeSet<usize> = touching.into_iter().collect();
                let mut i = 0;
                chosen.retain(|_| {
                    i += 1;
                    !touching.contains(&(i - 1))
                });
            }
        };
        if chosen.is_empty() {
            continue;
        }

        let before: BTreeMap<String, Option<String>> = overlay
            .keys()
            .map(|p| (p.clone(), texts.get(p).map(str::to_string)))
            .collect();
        let next = repo.with_overlay(&overlay);
        let next_diags = lint(&next);
        repo = next;
        track_outside(&mut outside, &repo, &overlay);
        let texts = Texts {
            repo: &repo,
            outside: &outside,
        };

        // A finding a fix claimed to fix, still reported where it moved to: the fix is wrong.
        let mut bad_paths: BTreeSet<String> = BTreeSet::new();
        for c in &chosen {
            if !c.fix.leaves_finding && still_reported(c, &chosen, &before, texts, &next_diags) {
                let reason = "the finding was still reported after its fix".to_string();
                report_bug(&mut bugs, c.code, &c.diag.path, reason);
                ban(&mut banned, c);
                bad_paths.insert(c.diag.path.clone());
                // The blamed fix itself goes too, even when it edits only other files (the
                // run-list migration edits roles, not the recipe its finding is in).
                bad_paths.extend(c.fix.edits.iter().map(|e| e.path().to_string()));
            }
        }
        if bad_paths.is_empty() {
            diags = next_diags;
        } else {
            // Roll back every fix of this pass touching those files, and, for multi-file fixes,
            // every file they touched (until the set is closed).
            let mut rolled: BTreeSet<usize> = BTreeSet::new();
            loop {
                let grown: BTreeSet<usize> = (0..chosen.len())
                    .filter(|&i| {
                        rolled.contains(&i)
                            || chosen[i]
                                .fix
                                .edits
                                .iter()
                                .any(|e| bad_paths.contains(e.path()))
                    })
                    .collect();
                for &i in &grown {
                    bad_paths.extend(chosen[i].fix.edits.iter().map(|e| e.path().to_string()));
                }
                if grown == rolled {
                    break;
                }
                rolled = grown;
            }
            let restore: BTreeMap<String, Option<String>> = bad_paths
                .iter()
                .filter_map(|p| before.get(p).map(|t| (p.clone(), t.clone())))
                .collect();
            repo = repo.with_overlay(&restore);
            track_outside(&mut outside, &repo, &restore);
            diags = lint(&repo);
            let mut i = 0;
            chosen.retain(|_| {
                i += 1;
                !rolled.contains(&(i - 1))
            });
        }
        for c in chosen {
            for path in c.fix.edits.iter().map(Edit::path) {
                if let Some(old) = before.get(path) {
                    originals
                        .entry(path.to_string())
                        .or_insert_with(|| old.clone());
                }
            }
            let mut paths: Vec<String> = c.fix.edits.iter().map(|e| e.path().to_string()).collect();
            paths.sort();
            paths.dedup();
            applied.push(AppliedFix {
                code: c.code,
                title: c.fix.title,
                applicability: c.fix.applicability,
                finding: c.diag.path,
                paths,
            });
        }
    }

    // What is left, and what of it a fix would still fix.
    let (mut fixable, mut fixable_unsafe) = (0, 0);
    let mut no_bugs = Vec::new();
    let texts = Texts {
        repo: &repo,
        outside: &outside,
    };
    for c in candidates(texts, &diags, &fixer_of, &banned, &mut no_bugs) {
        if c.fix.applicability <= request.applicability {
            fixable += 1;
        } else {
            fixable_unsafe += 1;
        }
    }

    let changes = net_changes(texts, &originals, &applied, roots);
    FixOutcome {
        changes,
        applied,
        found,
        remaining: Outcome {
            repo,
            diagnostics: diags,
            options,
        },
        fixable,
        fixable_unsafe,
        bugs,
        passes,
        bound_reached,
        roots: roots.to_vec(),
    }
}

/// One bug per rule and file: the first reason is enough to find it.
fn report_bug(bugs: &mut Vec<FixBug>, code: &'static str, path: &str, reason: String) {
    if !bugs.iter().any(|b| b.code == code && b.path == path) {
        bugs.push(FixBug {
            code,
            path: path.to_string(),
            reason,
        });
    }
}

fn ban(banned: &mut BTreeSet<(&'static str, String)>, c: &Candidate) {
    banned.insert((c.code, c.diag.path.clone()));
    for e in &c.fix.edits {
        banned.insert((c.code, e.path().to_string()));
    }
}

/// The texts as fixed so far: the repo model, and the files fixes created that the model leaves
/// out (a `NOTES.md`: not a cookbook file), which it would not show.
#[derive(Clone, Copy)]
struct Texts<'a> {
    repo: &'a Repo,
    outside: &'a BTreeMap<String, Option<String>>,
}

impl<'a> Texts<'a> {
    fn get(&self, path: &str) -> Option<&'a str> {
        match self.outside.get(path) {
            Some(text) => text.as_deref(),
            None => text_of(self.repo, path),
        }
    }
}

/// Record which files of an overlay the model left out.
fn track_outside(
    outside: &mut BTreeMap<String, Option<String>>,
    repo: &Repo,
    overlay: &BTreeMap<String, Option<String>>,
) {
    for (path, text) in overlay {
        if text.is_some() && text_of(repo, path).is_none() {
            outside.insert(path.clone(), text.clone());
        } else {
            outside.remove(path);
        }
    }
}

/// The text of a file in the model; `None` when it does not exist (or could not be read).
fn text_of<'r>(repo: &'r Repo, path: &str) -> Option<&'r str> {
    FixContext::new(repo)
        .file(path)
        .filter(|f| f.problem.is_none())
        .map(|f| f.text.as_str())
}

/// Every fix the fixers offer for these findings (any applicability), in finding order. A
/// fix whose edits cannot apply to the texts (out of range, overlapping each other, creating
/// a file that exists, changing one that does not) is a bug in its fixer.
fn candidates(
    texts: Texts<'_>,
    diags: &[Diagnostic],
    fixer_of: &dyn Fn(&str) -> Option<&'static Fixer>,
    banned: &BTreeSet<(&'static str, String)>,
    bugs: &mut Vec<FixBug>,
) -> Vec<Candidate> {
    let ctx = FixContext::new(texts.repo);
    let mut out = Vec::new();
    for d in diags {
        let Some(code) = d.code.as_deref() else {
            continue;
        };
        let Some(fixer) = fixer_of(code) else {
            continue;
        };
        let Some(code) = crate::lint::find_rule(code).map(|r| r.code) else {
            continue;
        };
        let Some(fix) = (fixer.make)(&ctx, d) else {
            continue;
        };
        if fix.edits.is_empty()
            || banned.contains(&(code, d.path.clone()))
            || fix
                .edits
                .iter()
                .any(|e| banned.contains(&(code, e.path().to_string())))
        {
            continue;
        }
        if let Err(reason) = well_formed(texts, &fix) {
            report_bug(bugs, code, &d.path, reason);
            continue;
        }
        out.push(Candidate {
            code,
            diag: d.clone(),
            fix,
        });
    }
    out
}

fn well_formed(texts: Texts<'_>, fix: &Fix) -> std::result::Result<(), String> {
    let mut paths: Vec<&str> = fix.edits.iter().map(Edit::path).collect();
    paths.sort();
    paths.dedup();
    for path in paths {
        let edits: Vec<&Edit> = fix.edits.iter().filter(|e| e.path() == path).collect();
        let whole = edits.iter().any(|e| !matches!(e, Edit::Replace { .. }));
        let text = texts.get(path);
        if whole && edits.len() > 1 {
            return Err(format!(
                "several edits of {path} where one creates or deletes it"
            ));
        }
        match (edits[0], text) {
            (Edit::Create { .. }, Some(_)) => {
                return Err(format!("creates {path}, which exists"));
            }
            (Edit::Delete { .. } | Edit::Replace { .. }, None) => {
                return Err(format!("changes {path}, which does not exist"));
            }
            (Edit::Replace { .. }, Some(text)) if apply_replacements(text, &edits).is_none() => {
                return Err(format!("edits of {path} overlap or fall outside the file"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The fixes of one pass: in finding order, each fix whose edits touch nothing an earlier
/// chosen fix touches (the others wait for the next pass, on the re-linted text).
fn select(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut ranges: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    let mut whole: BTreeSet<String> = BTreeSet::new();
    let mut chosen = Vec::new();
    for c in candidates {
        let clash = c.fix.edits.iter().any(|e| match e {
            Edit::Replace {
                path, start, end, ..
            } => {
                whole.contains(path)
                    || ranges.get(path).is_some_and(|taken| {
                        taken
                            .iter()
                            .any(|&(s, t)| (*start < t && s < *end) || *start == s || *end == t)
                    })
            }
            Edit::Create { path, .. } | Edit::Delete { path } => {
                whole.contains(path) || ranges.contains_key(path)
            }
        });
        if clash {
            continue;
        }
        for e in &c.fix.edits {
            match e {
                Edit::Replace {
                    path, start, end, ..
                } => ranges.entry(path.clone()).or_default().push((*start, *end)),
                Edit::Create { path, .. } | Edit::Delete { path } => {
                    whole.insert(path.clone());
                }
            }
        }
        chosen.push(c);
    }
    chosen
}

/// The new text of every file the chosen fixes touch (`None`: deleted).
fn build_overlay(texts: Texts<'_>, chosen: &[Candidate]) -> BTreeMap<String, Option<String>> {
    let mut by_path: BTreeMap<&str, Vec<&Edit>> = BTreeMap::new();
    for c in chosen {
        for e in &c.fix.edits {
            by_path.entry(e.path()).or_default().push(e);
        }
    }
    let mut overlay = BTreeMap::new();
    for (path, edits) in by_path {
        let new = match edits[0] {
            Edit::Create { text, .. } => Some(text.clone()),
            Edit::Delete { .. } => None,
            // Checked by `well_formed` and `select`: the edits apply.
            Edit::Replace { .. } => {
                let text = texts.get(path).unwrap_or_default();
                Some(apply_replacements(text, &edits).unwrap_or_else(|| text.to_string()))
            }
        };
        overlay.insert(path.to_string(), new);
    }
    overlay
}

/// Files of the overlay that parsed before (or are new) and no longer parse, with the first
/// error.
fn syntax_failures(
    texts: Texts<'_>,
    overlay: &BTreeMap<String, Option<String>>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, text) in overlay {
        let Some(text) = text else { continue };
        let before = texts.get(path);
        if let Some(error) = syntax_error(path, text) {
            if before.is_none_or(|b| syntax_error(path, b).is_none()) {
                out.push((path.clone(), error));
            }
        }
    }
    out
}

/// The first syntax error of a Ruby or JSON file (other files are not checked).
pub fn syntax_error(path: &str, text: &str) -> Option<String> {
    if path.ends_with(".rb") {
        let result = ruby_prism::parse(text.as_bytes());
        let error = result.errors().next().map(|e| {
            let at = e.location().start() as usize;
            let line = ruby::LineIndex::new(text).span(at, at).line;
            format!("line {line}: {}", String::from_utf8_lossy(e.message()))
        });
        error
    } else if path.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(text)
            .err()
            .map(|e| format!("invalid JSON: {e}"))
    } else {
        None
    }
}

/// Whether the finding `c` claimed to fix is reported again: same rule, same message, at the
/// position its location moved to through this pass's edits of its file.
fn still_reported(
    c: &Candidate,
    chosen: &[Candidate],
    before: &BTreeMap<String, Option<String>>,
    texts: Texts<'_>,
    diags: &[Diagnostic],
) -> bool {
    let d = &c.diag;
    let Some(new_text) = texts.get(&d.path) else {
        return false; // the file is gone, and its findings with it
    };
    let same = |n: &&Diagnostic| n.code == d.code && n.path == d.path && n.message == d.message;
    let Some(loc) = d.location else {
        return diags.iter().any(|n| same(&n));
    };
    let moved = match before.get(&d.path) {
        // Changed this pass: map the finding's start through the edits of its file.
        Some(Some(old)) => {
            let at = SourceIndex::new(old).byte_range(loc).start;
            let mut shift: isize = 0;
            let mut mapped = None;
            let mut edits: Vec<(usize, usize, usize)> = chosen
                .iter()
                .flat_map(|c| c.fix.edits.iter())
                .filter_map(|e| match e {
                    Edit::Replace {
                        path,
                        start,
                        end,
                        text,
                    } if *path == d.path => Some((*start, *end, text.len())),
                    _ => None,
                })
                .collect();
            edits.sort();
            for (start, end, len) in edits {
                if end <= at {
                    // Before it (an insertion right at it included): it moves by the change.
                    shift += len as isize - (end - start) as isize;
                } else if start <= at {
                    // Replaced: it is now where the replacement starts.
                    mapped = Some((start as isize + shift).max(0) as usize);
                    break;
                } else {
                    break;
                }
            }
            let new_at = mapped.unwrap_or((at as isize + shift).max(0) as usize);
            let span = ruby::LineIndex::new(new_text).span(new_at, new_at);
            (span.line as usize, span.col as usize)
        }
        _ => (loc.line, loc.column),
    };
    diags
        .iter()
        .filter(same)
        .any(|n| n.location.is_some_and(|l| (l.line, l.column) == moved))
}

/// The net change of every file touched, with its place on disk and its write group.
fn net_changes(
    texts: Texts<'_>,
    originals: &BTreeMap<String, Option<String>>,
    applied: &[AppliedFix],
    roots: &[PathBuf],
) -> Vec<FileChange> {
    // Groups: files joined by a multi-file fix, transitively (union-find over paths).
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    fn find<'a>(parent: &mut BTreeMap<&'a str, &'a str>, p: &'a str) -> &'a str {
        let mut cur = p;
        while let Some(&next) = parent.get(cur) {
            if next == cur {
                break;
            }
            cur = next;
        }
        parent.insert(p, cur);
        cur
    }
    for fix in applied {
        for p in &fix.paths {
            parent.entry(p.as_str()).or_insert(p.as_str());
        }
        for pair in fix.paths.windows(2) {
            let (a, b) = (find(&mut parent, &pair[0]), find(&mut parent, &pair[1]));
            if a != b {
                parent.insert(a, b);
            }
        }
    }
    let mut group_ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut changes = Vec::new();
    for (path, original) in originals {
        let fixed = texts.get(path).map(str::to_string);
        if fixed == *original {
            continue;
        }
        let root = find(&mut parent, path);
        let next = group_ids.len();
        let group = *group_ids.entry(root).or_insert(next);
        changes.push(FileChange {
            path: path.clone(),
            disk: if roots.is_empty() {
                PathBuf::from(path)
            } else {
                walk::disk_path(roots, path)
            },
            original: original.clone(),
            fixed,
            group,
        });
    }
    changes
}

/// What [`write`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    /// Files written, created or deleted.
    pub written: Vec<String>,
    /// Files not written because they changed on disk since the lint read them (with the files
    /// of the same multi-file fix).
    pub stale: Vec<String>,
}

/// Write the changes of `outcome` through the staged atomic writer: every new content is
/// staged beside its file and synced first; then each file is checked to still hold what the
/// lint read (a file edited meanwhile is not overwritten, nor are the other files of its
/// group); then the staged files are renamed into place and deletions happen. Where a root is
/// a tree stackchef generates (it has `.stackchef/`), its lock is held meanwhile, as
/// `generate` does.
/// `on_wait` is called once, with the holder, if another run holds a lock.
pub fn write(outcome: &FixOutcome, on_wait: &dyn Fn(&str)) -> Result<WriteReport> {
    let _locks: Vec<crate::plan::writer::Lock> = outcome
        .roots
        .iter()
        .filter(|r| r.join(".stackchef").is_dir())
        .map(|r| crate::plan::writer::Lock::exclusive(r, on_wait))
        .collect::<Result<_>>()?;
    let items: Vec<crate::plan::Replacement<'_>> = outcome
        .changes
        .iter()
        .map(|c| crate::plan::Replacement {
            dest: &c.disk,
            expected: c.original.as_deref().map(str::as_bytes),
            contents: c.fixed.as_deref().map(str::as_bytes),
            group: c.group,
        })
        .collect();
    let skipped = crate::plan::replace_verified(&items).context("writing the fixed files")?;
    let mut report = WriteReport::default();
    for (i, c) in outcome.changes.iter().enumerate() {
        if skipped.contains(&i) {
            report.stale.push(c.path.clone());
        } else {
            report.written.push(c.path.clone());
        }
    }
    Ok(report)
}

/// The Policyfile locks the changes leave out of date: for each Policyfile the fixes edit
/// (`Policyfile.rb`, `policies/web.rb`: any `X.rb` beside an `X.lock.json`), the display paths
/// of the Policyfile and of its lock. Nodes converge what the lock says, so the run-list
/// migration reaches them only once the lock is regenerated (`chef update`); stackchef cannot
/// do that without Chef's dependency solver and cookbook sources.
pub fn stale_policy_locks(outcome: &FixOutcome) -> Vec<(String, String)> {
    outcome
        .changes
        .iter()
        .filter(|c| c.original.is_some() && c.fixed.is_some())
        .filter_map(|c| {
            let stem = c.path.strip_suffix(".rb")?;
            c.disk
                .with_extension("lock.json")
                .is_file()
                .then(|| (c.path.clone(), format!("{stem}.lock.json")))
        })
        .collect()
}

/// How many findings of a lint a fix would fix: `(with --fix, only with --unsafe-fixes)`.
pub fn fixable_counts(outcome: &Outcome) -> (usize, usize) {
    let ctx = FixContext::new(&outcome.repo);
    let (mut safe, mut unsafe_only) = (0, 0);
    for d in &outcome.diagnostics {
        let fixer = d
            .code
            .as_deref()
            .and_then(|c| outcome.options.rules.iter().find(|(r, _)| r.code == c))
            .and_then(|(r, _)| r.fix);
        match fixer.and_then(|f| (f.make)(&ctx, d)) {
            Some(fix) if fix.applicability == Applicability::Safe => safe += 1,
            Some(_) => unsafe_only += 1,
            None => {}
        }
    }
    (safe, unsafe_only)
}

/// What a fix run does with its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// `--fix`: write, then report what is left.
    Fix,
    /// `--fix-only`: write, report nothing else.
    FixOnly,
    /// `--diff`: show, write nothing.
    Diff,
}

/// How a fix run ended, for the command line's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing left to report (exit 0).
    Clean,
    /// `--diff`: something to change; `--fix`: findings left at or above the fail level
    /// (exit 1).
    Findings,
    /// A fix was rolled back (a bug in it), or a file changed on disk during the run and was
    /// not written (exit 2).
    Failed,
}

/// How a fix run ended: [`Verdict::Failed`] when a fix was rolled back or `stale` files were
/// not written; otherwise `--diff` finds when there is anything to change, `--fix` when
/// findings at or above the fail level remain, `--fix-only` never.
pub fn verdict(outcome: &FixOutcome, stale: usize, mode: FixMode) -> Verdict {
    if !outcome.bugs.is_empty() || stale > 0 {
        return Verdict::Failed;
    }
    let findings = match mode {
        FixMode::Diff => !outcome.changes.is_empty(),
        FixMode::Fix => outcome.remaining.failed(),
        FixMode::FixOnly => false,
    };
    if findings {
        Verdict::Findings
    } else {
        Verdict::Clean
    }
}
