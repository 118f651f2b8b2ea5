//! Helpers shared by the fixers: reading the prism tree of a linted file (its statements, calls,
//! literals) and placing edits on whole lines. A fixer parses the text as it was linted (the
//! facts the rules read are owned summaries, not the tree), and only a file prism parses
//! without error gets a fix: an edit computed on a recovered tree could land anywhere.

use ruby_prism::{CallNode, Location, Node, ParseResult, Visit};

use crate::diag::Diagnostic;

use super::FixContext;

/// The prism parse of `text`, or `None` when prism reports a syntax error.
pub fn parse(text: &str) -> Option<ParseResult<'_>> {
    let result = ruby_prism::parse(text.as_bytes());
    result.errors().next().is_none().then_some(result)
}

/// The top-level statements of a parse.
pub fn statements<'pr>(result: &'pr ParseResult<'_>) -> Vec<Node<'pr>> {
    result
        .node()
        .as_program_node()
        .map(|p| p.statements().body().iter().collect())
        .unwrap_or_default()
}

/// The statements of a body (`StatementsNode`, or `BeginNode` without rescue), or `None` for
/// anything else (a body with `rescue`/`ensure` is not a plain list of statements).
pub fn body_statements<'pr>(body: Option<Node<'pr>>) -> Option<Vec<Node<'pr>>> {
    match body {
        None => Some(Vec::new()),
        Some(node) => node.as_statements_node().map(|s| s.body().iter().collect()),
    }
}

/// Byte offset in `text` where a diagnostic starts (`None` without a location).
pub fn diag_offset(text: &str, diag: &Diagnostic) -> Option<usize> {
    let location = diag.location?;
    Some(FixContext::byte_range(text, location).start)
}

/// The index of the statement among `stmts` whose range holds byte `at`.
pub fn statement_at(stmts: &[Node<'_>], at: usize) -> Option<usize> {
    stmts.iter().position(|s| {
        let loc = s.location();
        (loc.start() as usize) <= at && at < (loc.end() as usize).max(loc.start() as usize + 1)
    })
}

/// The source text of a location.
pub fn src<'t>(text: &'t str, loc: &Location<'_>) -> &'t str {
    text.get(loc.start() as usize..loc.end() as usize)
        .unwrap_or("")
}

/// Start of the line holding byte `at`.
pub fn line_start(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// End of the line holding byte `at`, past its newline (or the end of the text).
pub fn line_end(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The whitespace that starts the line holding byte `at`.
pub fn indentation(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let line = &text[start..];
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n]
}

/// The file's line ending: `\r\n` when its first line ends so, else `\n`.
pub fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The whole lines `start..end` occupies: `Some((line start, past the line end))` when only
/// whitespace precedes `start` on its line and only whitespace or a comment follows `end` on
/// its own (so the lines can be moved or deleted without touching other code).
pub fn own_lines(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let from = line_start(text, start);
    if !text[from..start].trim().is_empty() {
        return None;
    }
    let to = line_end(text, end);
    let rest = text[end..to].trim();
    (rest.is_empty() || rest.starts_with('#')).then_some((from, to))
}

/// Whether the line starting at `at` holds only a comment.
fn comment_line(text: &str, at: usize) -> bool {
    text[at..line_end(text, at)].trim_start().starts_with('#')
}

/// Whether the line starting at `at` is blank.
pub fn blank_line(text: &str, at: usize) -> bool {
    text[at..line_end(text, at)].trim().is_empty()
}

/// Start of the comment lines directly above the line starting at `at` (no blank line in
/// between): the comment that documents that line; `at` itself when there is none.
pub fn attached_comment_start(text: &str, at: usize) -> usize {
    let mut start = at;
    while start > 0 {
        let prev = line_start(text, start - 1);
        if !comment_line(text, prev) {
            break;
        }
        start = prev;
    }
    start
}

/// Where a file's text starts: past a UTF-8 byte-order mark.
pub fn header_start(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        3
    } else {
        0
    }
}

/// A call without receiver (`provides :x`, `action :create do … end`).
pub fn bare_call<'pr>(node: &Node<'pr>) -> Option<CallNode<'pr>> {
    node.as_call_node().filter(|c| c.receiver().is_none())
}

/// Whether `node` is a call without receiver named `name`.
pub fn is_bare_call(node: &Node<'_>, name: &str) -> bool {
    bare_call(node).is_some_and(|c| c.name().as_slice() == name.as_bytes())
}

/// The arguments of a call (empty without any).
pub fn arguments<'pr>(call: &CallNode<'pr>) -> Vec<Node<'pr>> {
    call.arguments()
        .map(|a| a.arguments().iter().collect())
        .unwrap_or_default()
}

/// The text of a symbol literal (`:x`), if `node` is one.
pub fn symbol(node: &Node<'_>) -> Option<String> {
    let sym = node.as_symbol_node()?;
    String::from_utf8(sym.unescaped().to_vec()).ok()
}

/// The text of a symbol or plain string literal.
pub fn symbol_or_string(node: &Node<'_>) -> Option<String> {
    if let Some(s) = node.as_string_node() {
        return String::from_utf8(s.unescaped().to_vec()).ok();
    }
    symbol(node)
}

/// A literal whose value does not depend on anything at run time: a string without
/// interpolation, a symbol, a number, `true`/`false`/`nil`, or an array or hash of these
/// (nested at most 32 deep: deeper is not a setting anyone writes by hand).
pub fn is_literal(node: &Node<'_>) -> bool {
    literal_within(node, 32)
}

fn literal_within(node: &Node<'_>, depth: u32) -> bool {
    if let Some(array) = node.as_array_node() {
        return depth > 0
            && array
                .elements()
                .iter()
                .all(|e| literal_within(&e, depth - 1));
    }
    if let Some(hash) = node.as_hash_node() {
        return depth > 0
            && hash.elements().iter().all(|e| {
                e.as_assoc_node().is_some_and(|a| {
                    literal_within(&a.key(), depth - 1) && literal_within(&a.value(), depth - 1)
                })
            });
    }
    node.as_string_node().is_some()
        || node.as_symbol_node().is_some()
        || node.as_integer_node().is_some()
        || node.as_float_node().is_some()
        || node.as_true_node().is_some()
        || node.as_false_node().is_some()
        || node.as_nil_node().is_some()
}

/// Where `unified_mode true` goes in a custom resource, and the text to insert: after the run
/// of `provides`/`resource_name` statements the file declares first, on its own line with
/// their indentation; without them, before the first statement and the comment lines directly
/// above it (so after the licence header, which a blank line separates; a header with no blank
/// line before the first statement may hold magic comments, and stays first). `None` when the
/// anchor line holds other code too.
pub fn unified_mode_insertion(text: &str, stmts: &[Node<'_>]) -> Option<(usize, String)> {
    let nl = newline(text);
    let names = |n: &Node<'_>| {
        bare_call(n).is_some_and(|c| {
            c.block().is_none() && matches!(c.name().as_slice(), b"provides" | b"resource_name")
        })
    };
    let anchor = stmts
        .iter()
        .position(names)
        .map(|first| first + stmts[first..].iter().take_while(|n| names(n)).count() - 1);
    Some(match anchor {
        Some(i) => {
            let loc = stmts[i].location();
            let (_, end) = own_lines(text, loc.start() as usize, loc.end() as usize)?;
            let indent = indentation(text, loc.start() as usize);
            let lead = if text[..end].ends_with('\n') { "" } else { nl };
            (end, format!("{lead}{indent}unified_mode true{nl}"))
        }
        None => {
            // Before the first statement and the comment documenting it, unless that comment
            // is the whole header (it may hold magic comments, which must stay first).
            let first = stmts.first().map_or(text.len(), |s| {
                line_start(text, s.location().start() as usize)
            });
            let documented = attached_comment_start(text, first);
            let at = if documented > header_start(text) {
                documented
            } else {
                first
            };
            let after = if at < text.len() { nl } else { "" };
            (at, format!("unified_mode true{nl}{after}"))
        }
    })
}

/// How deep [`walk`] descends: far beyond real cookbook code, far inside any thread's stack.
const WALK_DEPTH: u32 = 200;

/// The unwind payload of a walk that went deeper than [`WALK_DEPTH`].
struct TooDeep;

struct Walker<'f, 'pr> {
    f: &'f mut dyn FnMut(&Node<'pr>),
    depth: u32,
}

impl<'pr> Visit<'pr> for Walker<'_, 'pr> {
    fn visit_branch_node_enter(&mut self, node: Node<'pr>) {
        self.depth += 1;
        if self.depth > WALK_DEPTH {
            std::panic::resume_unwind(Box::new(TooDeep));
        }
        (self.f)(&node);
    }
    fn visit_branch_node_leave(&mut self) {
        self.depth -= 1;
    }
    fn visit_leaf_node_enter(&mut self, node: Node<'pr>) {
        (self.f)(&node);
    }
}

/// Call `f` on `node` and every node below it, in source order. `false` when the tree nests
/// deeper than the walk goes (the fixer then offers no fix).
pub fn walk<'pr>(node: &Node<'pr>, f: &mut dyn FnMut(&Node<'pr>)) -> bool {
    let mut walker = Walker { f, depth: 0 };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| walker.visit(node))) {
        Ok(()) => true,
        Err(payload) if payload.is::<TooDeep>() => false,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Whether some call below `node` (itself included) is named `name`; `None` when too deep.
pub fn calls_named(node: &Node<'_>, name: &str) -> Option<bool> {
    let mut found = false;
    walk(node, &mut |n| {
        if let Some(c) = n.as_call_node() {
            found |= c.name().as_slice() == name.as_bytes();
        }
    })
    .then_some(found)
}

/// The lines `from..to` of `text` (holding `node`) with every line that has content prefixed
/// by `indent`; left as they are when `node` holds a multi-line string or heredoc (indenting
/// would change its value; Ruby does not mind the indentation) or nests too deep to check.
pub fn indent_lines(text: &str, from: usize, to: usize, node: &Node<'_>, indent: &str) -> String {
    let lines = &text[from..to];
    let mut multiline_string = false;
    let ok = walk(node, &mut |n| {
        let loc = match n {
            Node::StringNode { .. }
            | Node::InterpolatedStringNode { .. }
            | Node::XStringNode { .. }
            | Node::InterpolatedXStringNode { .. } => n.location(),
            _ => return,
        };
        let s = src(text, &loc);
        multiline_string |= s.starts_with("<<") || s.contains('\n');
    });
    if !ok || multiline_string {
        return lines.to_string();
    }
    let mut out = String::with_capacity(lines.len() + indent.len() * 8);
    for line in lines.split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.push_str(indent);
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_comments() {
        let text = "# a\n# b\n\n# doc\nx = 1 # c\n  y\n";
        let x = text.find('x').unwrap();
        assert_eq!(attached_comment_start(text, line_start(text, x)), 9);
        assert_eq!(own_lines(text, x, x + 5), Some((15, 25)));
        assert_eq!(indentation(text, text.find('y').unwrap()), "  ");
        assert_eq!(newline("a\r\nb"), "\r\n");
        assert_eq!(own_lines("a; b\n", 3, 4), None);
    }

    #[test]
    fn literals_and_deep_trees() {
        let result = parse("x = [1, 'a', {b: nil}]\ny = \"#{z}\"\n").unwrap();
        let stmts = statements(&result);
        let literal = |n: &Node<'_>| is_literal(&n.as_local_variable_write_node().unwrap().value());
        assert!(literal(&stmts[0]));
        assert!(!literal(&stmts[1]));
        assert!(parse("x = (").is_none());
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let result = parse(&deep).unwrap();
        assert!(!walk(&statements(&result)[0], &mut |_| {}));
        assert!(!is_literal(&statements(&result)[0]));

        let text = "def a\n  1\nend\ndef b\n  <<-EOS\nx\n  EOS\nend\n";
        let result = parse(text).unwrap();
        let stmts = statements(&result);
        let b = text.find("def b").unwrap();
        assert_eq!(
            indent_lines(text, 0, b, &stmts[0], "  "),
            "  def a\n    1\n  end\n"
        );
        assert_eq!(
            indent_lines(text, b, text.len(), &stmts[1], "  "),
            &text[b..]
        );
    }
}
