//! Calls: [`Collector::call`] dispatches each call to the handler for its kind (attribute
//! index reads and writes, reads through `node`'s methods, data bag loads, DSL calls: includes,
//! role attributes, resources and their properties), plus constants' calls and class bodies.

use super::*;

/// The methods on `node` that read an attribute (`read`, `dig`) or test for one (`key?`, …).
pub(super) fn is_node_read_method(name: &[u8]) -> bool {
    matches!(
        name,
        b"read"
            | b"read!"
            | b"dig"
            | b"attribute?"
            | b"exist?"
            | b"key?"
            | b"has_key?"
            | b"include?"
            | b"member?"
    )
}

/// Whether the block of a receiverless call named `name` is a DSL block (a resource's, or
/// another DSL call's such as `nginx_load_balancer do … end`) rather than plain code.
pub(super) fn is_dsl_block_owner(name: &[u8]) -> bool {
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !is_not_resource(name)
}

impl Collector<'_, '_> {
    /// `depends cb` inside `%w(runit java).each do |cb|`: the call just recorded names each
    /// value of the literal list in turn, so it becomes one call per value. In a loop over
    /// anything computed the argument stays [`Lit::Other`] (a dependency nobody can name).
    pub(super) fn unroll_loop_argument(&mut self, call: &CallNode<'_>) {
        let Some(local) = call
            .arguments()
            .and_then(|a| a.arguments().iter().next())
            .and_then(|a| a.as_local_variable_read_node())
        else {
            return;
        };
        let name = local.name().as_slice();
        let Some((_, Some(values))) = self.loops.iter().rev().find(|(n, _)| n == name) else {
            return;
        };
        let values = values.clone();
        // An empty list declares nothing: the call is dropped.
        let Some(first) = self.facts.calls.pop() else {
            return;
        };
        for value in values {
            let mut unrolled = first.clone();
            unrolled.args[0] = value;
            self.facts.calls.push(unrolled);
        }
    }

    /// The work of [`Visit::visit_call_node`], inside the loop binding and matcher state it
    /// sets up.
    pub(super) fn visit_call(&mut self, node: &CallNode<'_>) {
        if let Some(recv) = node.receiver() {
            let name = node.name().as_slice();
            if name == b"nil?" || node.is_safe_navigation() {
                self.mark_tested(&recv, false);
            }
            // `node['a'].key?('b')`: a check (a safe read) of `['a']['b']`.
            if matches!(
                name,
                b"key?" | b"has_key?" | b"attribute?" | b"include?" | b"member?"
            ) {
                self.key_check(node, &recv);
            }
        }
        // Method chains (`a.b.c…`, `x + y + z…`) nest to any depth: walk down the receivers in a
        // loop, not by recursion, so a pathological file cannot overflow the stack.
        if self.call(node) {
            return;
        }
        // Calls nested in a property's arguments or blocks are not properties themselves.
        let outer = self.resource.take();
        self.visit_call_parts(node, outer.is_some() && node.receiver().is_none());
        let mut next = node.receiver();
        while let Some(receiver) = next.take() {
            let Some(call) = receiver.as_call_node() else {
                self.visit(&receiver);
                break;
            };
            self.resource = None;
            if self.call(&call) {
                break;
            }
            self.resource = None;
            self.visit_call_parts(&call, false);
            next = call.receiver();
        }
        self.resource = outer;
    }

    /// Visit a call's arguments and block, not its receiver. `property`: the call sits directly
    /// in a resource's block (its block, if any, is one the resource calls back).
    pub(super) fn visit_call_parts(&mut self, call: &CallNode<'_>, property: bool) {
        if let Some(args) = call.arguments() {
            self.visit_named_arguments(call, &args);
        }
        if let Some(block) = call.block() {
            let (dsl, guard) = match call.receiver() {
                Some(_) => (false, self.guard),
                None => {
                    let name = call.name().as_slice();
                    let calls_back = (property && block.as_block_node().is_some())
                        || name == b"converge_if_changed";
                    let guard = if calls_back {
                        self.guard.max(Guard::State)
                    } else {
                        self.guard
                    };
                    (is_dsl_block_owner(name), guard)
                }
            };
            let saved = (self.dsl_block, self.guard);
            (self.dsl_block, self.guard) = (dsl, guard);
            self.visit(&block);
            (self.dsl_block, self.guard) = saved;
        }
    }

    /// `recv.key?('k')` (`has_key?`, `attribute?`, `include?`, `member?`) on a node chain:
    /// a safe read of the chain's path plus `k`, which guards what follows it.
    pub(super) fn key_check(&mut self, call: &CallNode<'_>, recv: &Node<'_>) {
        let Some(chain) = recv
            .as_call_node()
            .filter(|c| is_index(c.name().as_slice()))
            .and_then(|c| self.chain(&c))
        else {
            return;
        };
        if !matches!(chain.root, Root::Node) || chain.path.partial {
            return;
        }
        let Some(arg) = call.arguments().and_then(|a| a.arguments().iter().next()) else {
            return;
        };
        let mut path = chain.path;
        path.push_key(key(self.src, &arg));
        let span = self.call_span(call);
        self.push_presence(path, span);
        // The receiver (`node['a']` of `node['a'].key?('b')`) is only a way to ask.
        self.presence_at = recv.as_call_node().map(|c| loc_of(&c));
    }

    /// Visit a call's arguments with its name as the innermost name of [`Collector::ip_names`].
    pub(super) fn visit_named_arguments(&mut self, call: &CallNode<'_>, args: &ArgumentsNode<'_>) {
        match call.message_loc() {
            Some(loc) => {
                self.ip_names.push((loc.start(), loc.end()));
                self.visit_arguments_node(args);
                self.ip_names.pop();
            }
            None => self.visit_arguments_node(args),
        }
    }

    /// Visit `node` with the name at `loc` as the innermost of [`Collector::ip_names`].
    pub(super) fn visit_named(&mut self, loc: &ruby_prism::Location<'_>, node: &Node<'_>) {
        self.ip_names.push((loc.start(), loc.end()));
        self.visit(node);
        self.ip_names.pop();
    }

    /// Whether the innermost name a string is given to exempts its addresses.
    pub(super) fn ip_name_exempt(&self) -> bool {
        let bytes = self.src.0.as_bytes();
        self.ip_names.last().is_some_and(|&(start, end)| {
            bytes
                .get(start as usize..end as usize)
                .is_some_and(scan::ip_exempt_name)
        })
    }

    /// Record a call on a constant when its method is one the legacy-API rules ask about
    /// (the name is compared first: most calls on constants are not kept).
    pub(super) fn const_call(&mut self, call: &CallNode<'_>, recv: &Node<'_>, name: &[u8]) {
        if !CONST_CALL_NAMES.iter().any(|n| n.as_bytes() == name)
            || (recv.as_constant_read_node().is_none() && recv.as_constant_path_node().is_none())
        {
            return;
        }
        let (args, _) = arguments(self.src, call.arguments().as_ref());
        let span = self.call_span(call);
        self.facts.const_calls.push(ConstCall {
            receiver: String::from_utf8_lossy(recv.location().as_slice()).into_owned(),
            name: String::from_utf8_lossy(name).into_owned(),
            args,
            span,
        });
    }

    /// Record a `class`/`module` body (its name, superclass and lines).
    pub(super) fn class_def(
        &mut self,
        keyword: &ruby_prism::Location<'_>,
        path: &Node<'_>,
        superclass: Option<Node<'_>>,
        end: &ruby_prism::Location<'_>,
        is_module: bool,
    ) {
        let name = String::from_utf8_lossy(path.location().as_slice());
        let line = self.lines.line(keyword.start() as usize);
        let end = self.lines.line(end.start() as usize).max(line);
        let span = self
            .lines
            .span(keyword.start() as usize, path.location().end() as usize);
        let superclass = superclass
            .filter(|s| s.as_constant_read_node().is_some() || s.as_constant_path_node().is_some())
            .map(|s| String::from_utf8_lossy(s.location().as_slice()).into_owned());
        self.facts.classes.push(ClassDef {
            name: name.trim_start_matches("::").to_string(),
            is_module,
            superclass,
            line,
            end,
            span,
        });
    }

    /// Handle a call; returns true when its children were already visited. Never inlined: it
    /// has large locals, and it sits on the recursion path of the visitor.
    ///
    /// The dispatch, in order (the first that claims the call wins):
    /// - `x[k] = v` → [`Self::index_assignment`] (an attribute write);
    /// - `x[k]` → [`Self::index_read`] (an attribute read);
    /// - `<<`, `push`, `merge!`, … on an attribute chain → [`Self::append_write`];
    /// - a call on a constant (`Chef::Log.warn`) → [`Self::const_call`];
    /// - `node.read(…)`, `node.key?(…)`, … → [`Self::node_method_read`];
    /// - `DataBagItem.load` → [`Self::data_bag_class_load`];
    /// - anything else without a receiver or on `node` → [`Self::dsl_call`] (includes, data bag
    ///   searches, role attributes, resources and their properties).
    #[inline(never)]
    pub(super) fn call(&mut self, call: &CallNode<'_>) -> bool {
        // Each accessor goes through the bindings (the name through three calls into C):
        // fetch the name and receiver once, and compare bytes (most calls are neither index
        // chains nor DSL calls, and are rejected before any decoding).
        let name = call.name().as_slice();
        let receiver = call.receiver();
        match name {
            b"[]=" => return self.index_assignment(call, receiver),
            [b'[', b']'] => return self.index_read(call),
            b"<<" | b"push" | b"merge!" | b"concat" | b"store" | b"unshift" => {
                return self.append_write(call, receiver)
            }
            _ => {}
        }
        // Only calls without a receiver (the DSL), on `node`, and the data bag classes'
        // `load` are facts.
        let receiver_is_data_bag_class = matches!(name, b"load" | b"load_item");
        let on_node = match &receiver {
            None => false,
            Some(recv) if is_node(recv) => true,
            Some(_) if receiver_is_data_bag_class => false,
            Some(recv) => {
                self.const_call(call, recv, name);
                return false;
            }
        };
        let span = self.call_span(call);
        if on_node && is_node_read_method(name) {
            return self.node_method_read(call, name, span);
        }
        if receiver_is_data_bag_class {
            return self.data_bag_class_load(receiver, span);
        }
        // A name that is not UTF-8 is no DSL call (none of the names above is).
        let Some(name) = self.src.str(name) else {
            return false;
        };
        self.dsl_call(call, name, on_node, span)
    }

    /// `x[k] = v`: an attribute write when `x` is an attribute chain.
    pub(super) fn index_assignment(
        &mut self,
        call: &CallNode<'_>,
        receiver: Option<Node<'_>>,
    ) -> bool {
        let Some(args) = call.arguments() else {
            return false;
        };
        let mut it = args.arguments().iter();
        let (Some(k), Some(v), None) = (it.next(), it.next(), it.next()) else {
            return false;
        };
        let span = self.call_span(call);
        self.write(receiver, Some(k), Some(v), span)
    }

    /// `x[k]`: an attribute read when `x[k]` is an attribute chain (on `node`, a precedence
    /// level, an alias of one, or a hash that may be a node).
    pub(super) fn index_read(&mut self, call: &CallNode<'_>) -> bool {
        let Some(chain) = self.chain(call) else {
            return false;
        };
        let tested = self.take_tested(call);
        let (path, indirect) = match chain.root {
            // A hash that merely may be a node: only a namespace and a key say so.
            Root::Loose if chain.path.keys.len() < 2 => return false,
            Root::Loose => (chain.path, true),
            Root::Alias(i) => {
                let mut path = self.aliases[i].1.clone();
                for k in chain.path.keys {
                    path.push_key(Key::Lit(k));
                }
                if chain.path.partial {
                    path.push_key(Key::Dynamic);
                }
                (path, true)
            }
            _ => (chain.path, false),
        };
        let nil = match chain.root {
            // `node.default[…]` creates the keys it walks through.
            Root::Level { via_node: true, .. } => NilCheck::Safe,
            _ if tested => NilCheck::Tested,
            _ => NilCheck::Unchecked,
        };
        let span = self.call_span(call);
        self.push_read_via(path, span, nil, indirect);
        if self.presence_at == Some(loc_of(call)) {
            if let Some(read) = self.facts.reads.last_mut() {
                read.presence = true;
            }
        }
        if chain.dynamic {
            self.visit_dynamic_keys(&call.as_node());
        }
        true
    }

    /// `<<`, `push`, `merge!`, … on an attribute chain (`node.default['a'] << 'x'`): a write.
    pub(super) fn append_write(&mut self, call: &CallNode<'_>, receiver: Option<Node<'_>>) -> bool {
        let Some(recv) = receiver else {
            return false;
        };
        let is_chain = recv.as_call_node().is_some_and(|c| {
            is_index(c.name().as_slice())
                && self
                    .chain(&c)
                    .is_some_and(|ch| matches!(ch.root, Root::Node | Root::Level { .. }))
        });
        if !is_chain {
            return false;
        }
        let value = call.arguments().and_then(|a| a.arguments().iter().next());
        let span = self.call_span(call);
        self.write(Some(recv), None, value, span)
    }

    /// `node.read(…)`, `node.dig(…)`, `node.key?(…)`, …: a read, or a presence test.
    pub(super) fn node_method_read(
        &mut self,
        call: &CallNode<'_>,
        name: &[u8],
        span: Span,
    ) -> bool {
        let path = match call.arguments() {
            Some(args) => AttrPath::from_keys(args.arguments().iter().map(|k| key(self.src, &k))),
            None => AttrPath::default(),
        };
        match name {
            // `read!` raises on absence, like `[]` does on a missing parent.
            b"read!" => self.push_read(path, span, NilCheck::Unchecked),
            b"read" | b"dig" => self.push_read(path, span, NilCheck::Safe),
            _ => self.push_presence(path, span),
        }
        false
    }

    /// `Chef::DataBagItem.load(…)`: a data bag read (another class's `load` is nothing).
    pub(super) fn data_bag_class_load(&mut self, receiver: Option<Node<'_>>, span: Span) -> bool {
        if let Some(recv) = receiver {
            if recv.location().as_slice().ends_with(b"DataBagItem") {
                self.facts.data_bag_reads.push(span);
            }
        }
        false
    }

    /// A DSL call (no receiver, or on `node`): its own facts, then the call itself, and when it
    /// declares a resource, the resource with its block visited as the resource's properties.
    pub(super) fn dsl_call(
        &mut self,
        call: &CallNode<'_>,
        name: &str,
        on_node: bool,
        span: Span,
    ) -> bool {
        let arguments_node = call.arguments();
        let (args, kwargs) = arguments(self.src, arguments_node.as_ref());
        if !on_node {
            match name {
                // ChefSpec's `expect(chef_run).to include_recipe('x::y')` includes nothing.
                "include_recipe" if self.matchers == 0 => self.include_recipe(&args, span),
                "data_bag" | "data_bag_item" | "search" | "encrypted_data_bag_item" => {
                    self.facts.data_bag_reads.push(span);
                }
                // Roles: `default_attributes('app' => { 'port' => 80 })` defines ['app']['port'].
                "default_attributes" | "override_attributes" => {
                    self.role_attributes(name, arguments_node.as_ref(), span);
                }
                _ => {}
            }
        }
        let block = call.block().and_then(|b| b.as_block_node());
        // A call directly in a resource's block is one of its properties (`group 'root'` in a
        // `template` block), never a resource of its own, whatever its name.
        let is_resource = !on_node
            && self.resource.is_none()
            && !args.is_empty()
            && (block.is_some() || (is_blockless_resource(name) && !self.dsl_block))
            && !is_not_resource(name)
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let index = self.facts.calls.len() as u32;
        if let Some(r) = self.resource {
            self.facts.resources[r as usize].props.push(index);
        }
        if name == "action" && block.is_some() && self.resource.is_none() {
            self.facts.actions.push(index);
        }
        let resource_name = if is_resource {
            Some(args[0].clone())
        } else {
            None
        };
        self.facts.calls.push(Call {
            name: name.to_string(),
            on_node,
            args,
            kwargs,
            span,
            has_block: block.is_some(),
            // The line of the block's closing `end` or `}`, from that token's own location: the
            // block's whole location can end before it starts after prism's error recovery
            // (an unterminated block in a heredoc's interpolation), and `Location::end` then
            // overflows. A token's location is always in order.
            block_end: block.as_ref().map_or(0, |b| {
                let open = self.lines.line(b.opening_loc().start() as usize);
                open.max(self.lines.line(b.closing_loc().start() as usize))
            }),
            resource: self.resource,
            guard: self.guard,
        });
        if name == "depends" {
            self.unroll_loop_argument(call);
        }
        let Some(resource_name) = resource_name else {
            return false;
        };
        self.declare_resource(call, name, resource_name, arguments_node, block, span);
        true
    }

    /// `include_recipe 'a::b'` (and `include_recipe x`, a dynamic target).
    pub(super) fn include_recipe(&mut self, args: &[Lit], span: Span) {
        let rescued = self.rescued > 0;
        for arg in args {
            let target = match arg {
                Lit::Str(s) => parse_recipe_ref(s),
                _ => IncludeTarget::Dynamic,
            };
            self.facts.includes.push(Include {
                target,
                span,
                rescued,
            });
        }
    }

    /// A role's `default_attributes`/`override_attributes`: every leaf of its hashes is a write
    /// at that level.
    pub(super) fn role_attributes(
        &mut self,
        name: &str,
        args: Option<&ArgumentsNode<'_>>,
        span: Span,
    ) {
        let level = name.trim_end_matches("_attributes").to_string();
        for arg in args.iter().flat_map(|a| a.arguments().iter()) {
            self.hash_writes(&arg, &mut Vec::new(), &level, span);
        }
    }

    /// A resource declaration (`package 'x' do … end`): the resource, its named arguments,
    /// then its block, whose calls are its properties.
    pub(super) fn declare_resource(
        &mut self,
        call: &CallNode<'_>,
        kind: &str,
        name: Lit,
        args: Option<ArgumentsNode<'_>>,
        block: Option<ruby_prism::BlockNode<'_>>,
        span: Span,
    ) {
        let resource = self.facts.resources.len() as u32;
        self.facts.resources.push(Resource {
            kind: kind.to_string(),
            name,
            span,
            props: Vec::new(),
            arms: self.arms.clone(),
            guard: self.guard,
        });
        if let Some(args) = args {
            self.visit_named_arguments(call, &args);
        }
        if let Some(block) = block {
            let outer = self.resource.replace(resource);
            let dsl = std::mem::replace(&mut self.dsl_block, true);
            if let Some(body) = block.body() {
                self.visit(&body);
            }
            self.dsl_block = dsl;
            self.resource = outer;
        }
    }
}
