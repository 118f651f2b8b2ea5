//! The walk itself: prism's [`Visit`] for the [`Collector`], one method per kind of node the
//! facts depend on; everything else is walked through.

use super::*;

impl<'pr> Visit<'pr> for Collector<'_, '_> {
    // Conditionals record which arm each resource sits in, so that two declarations in
    // exclusive arms (`if`/`else`, `case`/`when`) are known never to run together.
    // … and what guards them: the condition's guard context holds for every arm (both
    // arms of `if File.exist?` depend on the machine's state).
    fn visit_if_node(&mut self, node: &ruby_prism::IfNode<'pr>) {
        let at = node.location().start();
        // `if mock?` / `if stubbed?` … : the branch taken under test holds test doubles.
        let mock = node.predicate().as_call_node().is_some_and(|c| {
            let name = c.name().as_slice();
            name.ends_with(b"?")
                && [&b"mock"[..], b"stub", b"fake"]
                    .iter()
                    .any(|w| name.windows(w.len()).any(|x| x == *w))
        });
        let quiet = u32::from(mock);
        let saved = self.enter_guard(&node.predicate());
        self.visit_guarded(&node.predicate(), |this| {
            if let Some(statements) = node.statements() {
                this.quiet_ips += quiet;
                this.in_arm(at, 0, |c| c.visit_statements_node(&statements));
                this.quiet_ips -= quiet;
            }
        });
        if let Some(subsequent) = node.subsequent() {
            self.in_arm(at, 1, |c| c.visit(&subsequent));
        }
        self.guard = saved;
    }

    fn visit_unless_node(&mut self, node: &ruby_prism::UnlessNode<'pr>) {
        let at = node.location().start();
        self.mark_tested(&node.predicate(), true);
        self.visit(&node.predicate());
        let saved = self.enter_guard(&node.predicate());
        if let Some(statements) = node.statements() {
            self.in_arm(at, 0, |c| c.visit_statements_node(&statements));
        }
        if let Some(else_clause) = node.else_clause() {
            self.in_arm(at, 1, |c| c.visit_else_node(&else_clause));
        }
        self.guard = saved;
    }

    fn visit_case_node(&mut self, node: &ruby_prism::CaseNode<'pr>) {
        let at = node.location().start();
        if let Some(predicate) = node.predicate() {
            self.visit(&predicate);
        }
        let mut guard = node
            .predicate()
            .map_or(Guard::Config, |p| self.condition_guard(&p));
        for when in node.conditions().iter() {
            if let Some(when) = when.as_when_node() {
                for c in when.conditions().iter() {
                    guard = guard.max(self.condition_guard(&c));
                }
            }
        }
        self.visit_case_arms(at, guard, node.conditions(), node.else_clause());
    }

    fn visit_case_match_node(&mut self, node: &ruby_prism::CaseMatchNode<'pr>) {
        let at = node.location().start();
        if let Some(predicate) = node.predicate() {
            self.visit(&predicate);
        }
        let guard = node
            .predicate()
            .map_or(Guard::Config, |p| self.condition_guard(&p));
        self.visit_case_arms(at, guard, node.conditions(), node.else_clause());
    }

    fn visit_branch_node_enter(&mut self, _node: Node<'pr>) {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            std::panic::resume_unwind(Box::new(TooDeep));
        }
    }

    fn visit_branch_node_leave(&mut self) {
        self.depth -= 1;
    }

    fn visit_call_node(&mut self, node: &CallNode<'pr>) {
        let name = node.name().as_slice();
        let expectation =
            node.receiver().is_some() && matches!(name, b"to" | b"not_to" | b"to_not");
        let binding = (name == b"each")
            .then(|| loop_binding(self.src, node))
            .flatten();
        self.matchers += u32::from(expectation);
        let bound = binding.is_some();
        if let Some(binding) = binding {
            self.loops.push(binding);
        }
        self.visit_call(node);
        if bound {
            self.loops.pop();
        }
        self.matchers -= u32::from(expectation);
    }

    fn visit_rescue_node(&mut self, node: &ruby_prism::RescueNode<'pr>) {
        let saved = self.guard;
        self.guard = Guard::State;
        ruby_prism::visit_rescue_node(self, node);
        self.guard = saved;
    }

    fn visit_rescue_modifier_node(&mut self, node: &ruby_prism::RescueModifierNode<'pr>) {
        self.rescued += 1;
        self.visit(&node.expression());
        self.rescued -= 1;
        let saved = self.guard;
        self.guard = Guard::State;
        self.visit(&node.rescue_expression());
        self.guard = saved;
    }

    /// Each statement gets its number (see [`AttrRead`]); an early `return if cond` (or
    /// `next unless cond`) guards the statements after it.
    fn visit_statements_node(&mut self, node: &ruby_prism::StatementsNode<'pr>) {
        let (saved, outer) = (self.guard, self.stmt);
        for stmt in node.body().iter() {
            self.stmts += 1;
            self.stmt = self.stmts;
            self.visit(&stmt);
            if let Some(cond) = early_exit(&stmt) {
                self.guard = self.guard.max(self.condition_guard(&cond));
            }
        }
        (self.guard, self.stmt) = (saved, outer);
    }

    /// A method body: what guards it is where it is called from, not where it is defined.
    fn visit_def_node(&mut self, node: &ruby_prism::DefNode<'pr>) {
        if let Some(name) = self.src.str(node.name().as_slice()) {
            let loc = node.location();
            let line = self.lines.line(loc.start() as usize);
            let end = node
                .end_keyword_loc()
                .map_or(line, |l| self.lines.line(l.start() as usize).max(line));
            let span = self
                .lines
                .span(loc.start() as usize, node.name_loc().end() as usize);
            // A body of one literal statement (`true`), else Other; an empty body is nil.
            let returns = match node.body() {
                None => Lit::Nil,
                Some(body) => match body.as_statements_node() {
                    Some(stmts) if stmts.body().len() == 1 => stmts
                        .body()
                        .iter()
                        .next()
                        .map_or(Lit::Other, |only| lit(self.src, &only)),
                    _ => Lit::Other,
                },
            };
            let sets_ivars = if name == "initialize" {
                ivars_set_by(self.src, node.body())
            } else {
                Vec::new()
            };
            self.facts.defs.push(Def {
                name: name.to_string(),
                line,
                end,
                span,
                returns,
                sets_ivars,
            });
        }
        // A method's locals are its own.
        let aliases = std::mem::take(&mut self.aliases);
        let saved = (self.guard, self.dsl_block, self.resource.take());
        (self.guard, self.dsl_block) = (Guard::None, false);
        ruby_prism::visit_def_node(self, node);
        (self.guard, self.dsl_block, self.resource) = saved;
        self.aliases = aliases;
    }

    fn visit_class_node(&mut self, node: &ruby_prism::ClassNode<'pr>) {
        self.class_def(
            &node.class_keyword_loc(),
            &node.constant_path(),
            node.superclass(),
            &node.end_keyword_loc(),
            false,
        );
        ruby_prism::visit_class_node(self, node);
    }

    fn visit_module_node(&mut self, node: &ruby_prism::ModuleNode<'pr>) {
        self.class_def(
            &node.module_keyword_loc(),
            &node.constant_path(),
            None,
            &node.end_keyword_loc(),
            true,
        );
        ruby_prism::visit_module_node(self, node);
    }

    fn visit_and_node(&mut self, node: &ruby_prism::AndNode<'pr>) {
        // `a && b && c …` nests on the left, to any depth: gather the operands in a loop, then
        // visit them left to right, each guarded by what the ones before it checked
        // (`node['a'].key?('b') && node['a']['b'] == true`) and all but the last tested.
        let mut operands = vec![node.right()];
        let mut left = node.left();
        while let Some(and) = left.as_and_node() {
            operands.push(and.right());
            left = and.left();
        }
        operands.push(left);
        operands.reverse();
        let before = self.guards.len();
        let last = operands.len() - 1;
        for (i, operand) in operands.iter().enumerate() {
            if i < last {
                self.mark_tested(operand, false);
            }
            let from = self.facts.reads.len();
            self.visit(operand);
            self.guards_from(from);
        }
        self.guards.truncate(before);
    }

    fn visit_or_node(&mut self, node: &ruby_prism::OrNode<'pr>) {
        // `x || fallback`: every left side expects absence. Visited left to right (gathered
        // in a loop: `a || b || c …` nests on the left, to any depth), so that a path read
        // twice in one statement is reported where it is first read.
        let mut operands = vec![node.right()];
        let mut left = node.left();
        while let Some(or) = left.as_or_node() {
            operands.push(or.right());
            left = or.left();
        }
        operands.push(left);
        operands.reverse();
        let last = operands.len() - 1;
        for (i, operand) in operands.iter().enumerate() {
            if i < last {
                self.mark_tested(operand, false);
            }
            self.visit(operand);
        }
    }

    fn visit_while_node(&mut self, node: &ruby_prism::WhileNode<'pr>) {
        self.mark_tested(&node.predicate(), true);
        ruby_prism::visit_while_node(self, node);
    }

    fn visit_until_node(&mut self, node: &ruby_prism::UntilNode<'pr>) {
        self.mark_tested(&node.predicate(), true);
        ruby_prism::visit_until_node(self, node);
    }

    fn visit_begin_node(&mut self, node: &ruby_prism::BeginNode<'pr>) {
        let Some(statements) = node.statements().filter(|_| node.rescue_clause().is_some()) else {
            return ruby_prism::visit_begin_node(self, node);
        };
        self.rescued += 1;
        self.visit_statements_node(&statements);
        self.rescued -= 1;
        if let Some(rescue) = node.rescue_clause() {
            self.visit_rescue_node(&rescue);
        }
        if let Some(other) = node.else_clause() {
            self.visit_else_node(&other);
        }
        if let Some(ensure) = node.ensure_clause() {
            self.visit_ensure_node(&ensure);
        }
    }

    fn visit_string_node(&mut self, node: &StringNode<'pr>) {
        if !self.string_ips || self.quiet_ips > 0 {
            return;
        }
        let content = node.content_loc();
        let raw = content.as_slice();
        if memchr::memchr(b'.', raw).is_none() {
            return;
        }
        let base = content.start() as usize;
        let mut named = None;
        for (at, len, addr) in scan::ipv4s(raw) {
            if scan::not_an_address(raw, at, at + len)
                || *named.get_or_insert_with(|| self.ip_name_exempt())
            {
                continue;
            }
            let span = self.lines.span(base + at, base + at + len);
            self.facts.ips.push((span, addr));
        }
    }

    fn visit_assoc_node(&mut self, node: &AssocNode<'pr>) {
        // Only a string value can be a secret literal.
        if let Some(value) = node.value().as_string_node() {
            let key = node.key();
            let (string, symbol) = (key.as_string_node(), key.as_symbol_node());
            let name = match (&string, &symbol) {
                (Some(s), _) => Some(s.unescaped()),
                (_, Some(s)) => Some(s.unescaped()),
                _ => None,
            };
            if let Some(name) = name {
                self.secret(name, value.unescaped(), &node.location());
            }
        }
        let key = node.key();
        if is_literal_key(&key) {
            self.visit(&key);
            self.visit_named(&key.location(), &node.value());
        } else {
            ruby_prism::visit_assoc_node(self, node);
        }
    }

    fn visit_local_variable_write_node(&mut self, node: &LocalVariableWriteNode<'pr>) {
        let value = node.value();
        if let Some(value) = value.as_string_node() {
            self.secret(node.name().as_slice(), value.unescaped(), &node.location());
        } else if self.condition_guard(&value) == Guard::State {
            let name = self.src.owned(node.name().as_slice());
            if !self.state_locals.contains(&name) {
                self.state_locals.push(name);
            }
        }
        let value = node.value();
        self.visit_named(&node.name_loc(), &value);
        let alias = self.alias_of(&value);
        let name = node.name().as_slice();
        self.aliases.retain(|(n, _)| n.as_bytes() != name);
        if let Some(path) = alias {
            self.aliases.push((self.src.owned(name), path));
        }
    }

    fn visit_index_or_write_node(&mut self, node: &IndexOrWriteNode<'pr>) {
        let span = self.span_of(&node.location());
        if !self.index_write(node.receiver(), node.arguments(), node.value(), span) {
            ruby_prism::visit_index_or_write_node(self, node);
        }
    }

    fn visit_index_and_write_node(&mut self, node: &IndexAndWriteNode<'pr>) {
        let span = self.span_of(&node.location());
        if !self.index_write(node.receiver(), node.arguments(), node.value(), span) {
            ruby_prism::visit_index_and_write_node(self, node);
        }
    }

    fn visit_index_operator_write_node(&mut self, node: &IndexOperatorWriteNode<'pr>) {
        let span = self.span_of(&node.location());
        if !self.index_write(node.receiver(), node.arguments(), node.value(), span) {
            ruby_prism::visit_index_operator_write_node(self, node);
        }
    }
}

/// How many recipes a statement includes when it consists only of `include_recipe` calls
/// (plain, or in a loop over a list); 0 when it does anything else. An include under
/// `if`/`unless` is logic a run list cannot express, not a run list in disguise.
pub(super) fn include_only(stmt: &Node<'_>) -> u32 {
    let all = |body: Option<ruby_prism::StatementsNode<'_>>| -> u32 {
        let Some(body) = body else { return 0 };
        let mut total = 0;
        for s in body.body().iter() {
            match include_only(&s) {
                0 => return 0,
                n => total += n,
            }
        }
        total
    };
    if let Some(call) = stmt.as_call_node() {
        let name = call.name().as_slice();
        if call.receiver().is_none() && name == b"include_recipe" && call.block().is_none() {
            return call.arguments().map_or(0, |a| a.arguments().len() as u32);
        }
        // `list.each do |r| include_recipe r end`: as many includes as the list has items
        // when it is written out, else at least one.
        let receiver = call.receiver();
        let block = call.block().and_then(|b| b.as_block_node());
        if let (Some(receiver), Some(block), b"each") = (receiver, block, name) {
            let per_item = all(block.body().and_then(|b| b.as_statements_node()));
            let items = receiver
                .as_array_node()
                .map_or(1, |a| a.elements().len() as u32);
            return per_item * items.max(1);
        }
    }
    0
}

/// The condition of `if cond then return end` / `return if cond` / `next unless cond` (an
/// `if`/`unless` whose only statement is `return` or `next`, without `else`).
pub(super) fn early_exit<'pr>(stmt: &Node<'pr>) -> Option<Node<'pr>> {
    let exits = |body: Option<ruby_prism::StatementsNode<'pr>>| {
        body.is_some_and(|b| {
            let body = b.body();
            body.len() == 1
                && body
                    .iter()
                    .all(|s| s.as_return_node().is_some() || s.as_next_node().is_some())
        })
    };
    if let Some(node) = stmt.as_if_node() {
        return (node.subsequent().is_none() && exits(node.statements())).then(|| node.predicate());
    }
    if let Some(node) = stmt.as_unless_node() {
        return (node.else_clause().is_none() && exits(node.statements()))
            .then(|| node.predicate());
    }
    None
}
