//! Conditions and guards: what a condition tests (an attribute's presence, the machine's
//! state, the configuration), and the arms of `if`/`unless`/`case` a fact sits in.

use super::*;

impl Collector<'_, '_> {
    /// Visit the arms of a `case` — its `when`s or `in`s, then its `else` — under `guard`
    /// (what the case's conditions look at), each as an arm of the conditional at `at`.
    pub(super) fn visit_case_arms<'pr>(
        &mut self,
        at: u32,
        guard: Guard,
        arms: ruby_prism::NodeList<'pr>,
        else_clause: Option<ruby_prism::ElseNode<'pr>>,
    ) {
        let saved = self.guard;
        self.guard = saved.max(guard);
        let mut arm = 0u16;
        for branch in &arms {
            self.in_arm(at, arm, |c| c.visit(&branch));
            arm = arm.saturating_add(1);
        }
        if let Some(else_clause) = else_clause {
            self.in_arm(at, arm, |c| c.visit_else_node(&else_clause));
        }
        self.guard = saved;
    }

    /// Visit `f` as arm `arm` of the conditional that starts at byte `conditional`.
    pub(super) fn in_arm(&mut self, conditional: u32, arm: u16, f: impl FnOnce(&mut Self)) {
        self.arms.push(Arm { conditional, arm });
        f(self);
        self.arms.pop();
    }
}

/// What a condition looks at: [`Guard::State`] when some part of it observes the machine
/// (see [`probes_state`]), else [`Guard::Config`].
pub(super) fn condition_guard(cond: &Node<'_>, state_locals: &[String]) -> Guard {
    if probes_state(cond, state_locals, 0) {
        Guard::State
    } else {
        Guard::Config
    }
}

/// How deep [`probes_state`] looks into a condition. A real condition is a few levels
/// deep; a pathological one (thousands of nested brackets) is not walked further, and
/// counts as a guard we cannot see through, as a call we do not know would.
pub(super) const MAX_CONDITION_DEPTH: u32 = 64;

/// Whether some part of a condition observes the machine's state rather than the platform
/// or the configuration: a command (`shell_out`, backticks), the file system (`::File.exist?`),
/// a predicate helper (`installed?`, not `platform_family?`), the current resource, an
/// instance variable (set by `load_current_resource`), or a local variable assigned from one
/// of these. `defined?(…)` asks about the code, not the machine. An explicit walk with a
/// depth bound, not a visitor: conditions are short, and hostile input must not recurse.
pub(super) fn probes_state(node: &Node<'_>, state_locals: &[String], depth: u32) -> bool {
    if depth > MAX_CONDITION_DEPTH {
        return true;
    }
    let deeper = |n: &Node<'_>| probes_state(n, state_locals, depth + 1);
    if let Some(call) = node.as_call_node() {
        let name = call.name().as_slice();
        let text = std::str::from_utf8(name).unwrap_or("");
        let state = match call.receiver() {
            None => {
                is_probe(text)
                    || matches!(name, b"current_resource" | b"current_value")
                    || (name.last() == Some(&b'?') && !is_platform_predicate(text))
            }
            Some(recv) => {
                recv.as_instance_variable_read_node().is_some()
                    || ((recv.as_constant_read_node().is_some()
                        || recv.as_constant_path_node().is_some())
                        && is_probe_class(recv.location().as_slice()))
                    || deeper(&recv)
            }
        };
        return state
            || call
                .arguments()
                .is_some_and(|a| a.arguments().iter().any(|arg| deeper(&arg)))
            || call
                .block()
                .and_then(|b| b.as_block_node())
                .and_then(|b| b.body())
                .is_some_and(|body| deeper(&body));
    }
    if let Some(and) = node.as_and_node() {
        return deeper(&and.left()) || deeper(&and.right());
    }
    if let Some(or) = node.as_or_node() {
        return deeper(&or.left()) || deeper(&or.right());
    }
    if let Some(parens) = node.as_parentheses_node() {
        return parens.body().is_some_and(|b| deeper(&b));
    }
    if let Some(statements) = node.as_statements_node() {
        return statements.body().iter().any(|s| deeper(&s));
    }
    if let Some(array) = node.as_array_node() {
        return array.elements().iter().any(|e| deeper(&e));
    }
    if let Some(interp) = node.as_interpolated_string_node() {
        return interp.parts().iter().any(|p| deeper(&p));
    }
    if let Some(embedded) = node.as_embedded_statements_node() {
        return embedded.statements().is_some_and(|s| deeper(&s.as_node()));
    }
    if let Some(local) = node.as_local_variable_read_node() {
        let name = local.name();
        let name = name.as_slice();
        return state_locals.iter().any(|l| l.as_bytes() == name);
    }
    node.as_instance_variable_read_node().is_some()
        || node.as_x_string_node().is_some()
        || node.as_interpolated_x_string_node().is_some()
}

/// Classes whose methods look at the file system or run commands.
pub(super) fn is_probe_class(path: &[u8]) -> bool {
    let last = match memchr::memrchr(b':', path) {
        Some(at) => &path[at + 1..],
        None => path,
    };
    matches!(
        last,
        b"File" | b"Dir" | b"FileTest" | b"Pathname" | b"IO" | b"Etc" | b"Open3" | b"ShellOut"
    )
}

impl Collector<'_, '_> {
    /// Note the index chains in `node` whose value is only tested (see [`NilCheck::Tested`]):
    /// `node` itself, through `!`, `.nil?`, `&.`, `&&`, `||` (its left side; both sides in a
    /// condition) and, in a condition, `==`/`!=`.
    pub(super) fn mark_tested(&mut self, node: &Node<'_>, condition: bool) {
        if let Some(paren) = node.as_parentheses_node() {
            if let Some(body) = paren.body() {
                match body.as_statements_node() {
                    Some(stmts) if stmts.body().len() == 1 => {
                        if let Some(only) = stmts.body().iter().next() {
                            self.mark_tested(&only, condition);
                        }
                    }
                    _ => self.mark_tested(&body, condition),
                }
            }
            return;
        }
        if let Some(and) = node.as_and_node() {
            self.mark_tested(&and.left(), condition);
            if condition {
                self.mark_tested(&and.right(), condition);
            }
            return;
        }
        if let Some(or) = node.as_or_node() {
            self.mark_tested(&or.left(), condition);
            if condition {
                self.mark_tested(&or.right(), condition);
            }
            return;
        }
        let Some(call) = node.as_call_node() else {
            return;
        };
        let name = call.name().as_slice();
        if is_index(name) {
            let loc = call.location();
            if self.tested.len() > 64 {
                self.tested.clear();
            }
            self.tested.push((loc.start(), loc.end()));
            return;
        }
        let Some(recv) = call.receiver() else {
            return;
        };
        match name {
            b"!" | b"nil?" => self.mark_tested(&recv, condition),
            // A flag test (`== true`, `!= nil`), where absence reads as false. A comparison
            // with a value (`== 'native'`) chooses among settings: the attribute is expected.
            b"==" | b"!=" if condition => {
                let Some(arg) = call.arguments().and_then(|a| a.arguments().iter().next()) else {
                    return;
                };
                let flag = |n: &Node<'_>| {
                    n.as_true_node().is_some()
                        || n.as_false_node().is_some()
                        || n.as_nil_node().is_some()
                };
                if flag(&arg) {
                    self.mark_tested(&recv, condition);
                } else if flag(&recv) {
                    self.mark_tested(&arg, condition);
                }
            }
            _ if call.is_safe_navigation() => self.mark_tested(&recv, condition),
            _ => {}
        }
    }

    /// Whether the chain `call` was noted by [`Collector::mark_tested`] (and forget it).
    pub(super) fn take_tested(&mut self, call: &CallNode<'_>) -> bool {
        if self.tested.is_empty() {
            return false;
        }
        let loc = call.location();
        let at = (loc.start(), loc.end());
        match self.tested.iter().position(|&t| t == at) {
            Some(i) => {
                self.tested.swap_remove(i);
                true
            }
            None => false,
        }
    }

    /// The paths read from `from` on (a condition's reads) as guards for what it guards.
    pub(super) fn guards_from(&mut self, from: usize) -> usize {
        let before = self.guards.len();
        for read in &self.facts.reads[from..] {
            if !read.indirect && !read.path.keys.is_empty() {
                self.guards.push(read.path.clone());
            }
        }
        before
    }

    /// Visit a condition, then what it guards with the condition's reads as guards.
    pub(super) fn visit_guarded(&mut self, condition: &Node<'_>, guarded: impl FnOnce(&mut Self)) {
        self.mark_tested(condition, true);
        let from = self.facts.reads.len();
        self.visit(condition);
        let before = self.guards_from(from);
        guarded(self);
        self.guards.truncate(before);
    }

    /// What a condition looks at: [`Guard::State`] when some part of it observes the machine,
    /// else [`Guard::Config`].
    pub(super) fn condition_guard(&self, cond: &Node<'_>) -> Guard {
        condition_guard(cond, &self.state_locals)
    }

    /// Strengthen the guard context with a condition; returns the context to restore.
    #[inline(never)]
    pub(super) fn enter_guard(&mut self, cond: &Node<'_>) -> Guard {
        let saved = self.guard;
        self.guard = saved.max(self.condition_guard(cond));
        saved
    }
}
