//! Attribute chains (`node['a']['b']`, `default['a']`, aliases of either): their roots,
//! the reads they make and the writes (`=`, `<<`, role hashes) they are the target of.

use super::*;

impl Collector<'_, '_> {
    /// `node`, `default`, `node.default`, … at the bottom of an index chain.
    pub(super) fn root(node: &Node<'_>) -> Option<Root> {
        let call = node.as_call_node()?;
        Self::root_call(&call, call.name().as_slice())
    }

    /// [`Collector::root`] of a call whose name the caller already has.
    pub(super) fn root_call(call: &CallNode<'_>, name: &[u8]) -> Option<Root> {
        if call.arguments().is_some() || call.block().is_some() {
            return None;
        }
        let receiver = call.receiver();
        if receiver.is_none() && name == b"node" {
            return Some(Root::Node);
        }
        let level = level_of(name)?;
        match receiver {
            None => Some(Root::Level {
                level,
                via_node: false,
            }),
            Some(recv) if is_node(&recv) => Some(Root::Level {
                level,
                via_node: true,
            }),
            _ => None,
        }
    }

    /// Unwind `root[k1][k2]…` (`outer` is its outermost `[]`) into its root and path.
    pub(super) fn chain(&self, outer: &CallNode<'_>) -> Option<Chain> {
        // Keys are met outermost first; the path keeps them from the root up to the first
        // computed one. So a computed key drops the keys met before it, and the kept keys
        // are reversed at the end (no list of `Key`s to convert).
        let mut keys: Vec<String> = Vec::with_capacity(4);
        let mut dynamic = false;
        let mut recv = self.chain_link(outer, &mut keys, &mut dynamic)?;
        loop {
            let Some(inner) = recv.as_call_node() else {
                let root = self.variable_root(&recv)?;
                keys.reverse();
                return Some(Chain {
                    root,
                    path: AttrPath::from_literal_keys(keys, dynamic),
                    dynamic,
                });
            };
            let name = inner.name().as_slice();
            if !is_index(name) {
                let root = Self::root_call(&inner, name).or_else(|| {
                    // `run_context.node[…]`, `new_resource.node[…]`.
                    (name == b"node" && inner.arguments().is_none() && inner.block().is_none())
                        .then_some(Root::Node)
                })?;
                keys.reverse();
                return Some(Chain {
                    root,
                    path: AttrPath::from_literal_keys(keys, dynamic),
                    dynamic,
                });
            }
            recv = self.chain_link(&inner, &mut keys, &mut dynamic)?;
        }
    }

    /// The root of a chain that starts at a variable: `@node` and a local `node` are the
    /// node; other locals are aliases or [`Root::Loose`].
    pub(super) fn variable_root(&self, recv: &Node<'_>) -> Option<Root> {
        if let Some(local) = recv.as_local_variable_read_node() {
            let name = local.name().as_slice();
            if name == b"node" {
                return Some(Root::Node);
            }
            let alias = self.aliases.iter().rposition(|(n, _)| n.as_bytes() == name);
            return Some(alias.map_or(Root::Loose, Root::Alias));
        }
        let ivar = recv.as_instance_variable_read_node()?;
        (ivar.name().as_slice() == b"@node").then_some(Root::Node)
    }

    /// One `[]` of a chain: note its key (it must have exactly one), return its receiver.
    pub(super) fn chain_link<'pr>(
        &self,
        call: &CallNode<'pr>,
        keys: &mut Vec<String>,
        dynamic: &mut bool,
    ) -> Option<Node<'pr>> {
        let args = call.arguments()?.arguments();
        if args.len() != 1 {
            return None;
        }
        let arg = args.first()?;
        match key(self.src, &arg) {
            Key::Lit(k) => keys.push(k),
            Key::Dynamic => {
                keys.clear();
                *dynamic = true;
            }
        }
        call.receiver()
    }

    pub(super) fn push_read(&mut self, path: AttrPath, span: Span, nil: NilCheck) {
        self.push_read_via(path, span, nil, false);
    }

    /// A presence check of `path` (see [`AttrRead::presence`]).
    pub(super) fn push_presence(&mut self, path: AttrPath, span: Span) {
        self.push_read(path, span, NilCheck::Safe);
        if let Some(read) = self.facts.reads.last_mut() {
            read.presence = true;
        }
    }

    pub(super) fn push_read_via(
        &mut self,
        path: AttrPath,
        span: Span,
        nil: NilCheck,
        indirect: bool,
    ) {
        // Guarded: the path or a parent below the namespace was checked; or, for a read that
        // is only tested, its parent was (`node['a'] && node['a']['b']`: no `nil[]`).
        let guarded = self.rescued > 0
            || self.guards.iter().any(|g| {
                g.keys == path.keys
                    || (path.keys.len() > g.keys.len()
                        && path.keys.starts_with(&g.keys)
                        && (g.keys.len() >= 2
                            || (nil == NilCheck::Tested && path.keys.len() == g.keys.len() + 1)))
            });
        let nil = if guarded { NilCheck::Safe } else { nil };
        self.facts.reads.push(AttrRead {
            path,
            span,
            nil,
            indirect,
            stmt: self.stmt,
            presence: false,
        });
    }

    /// The alias a local variable gets from `value`: a node chain (`node['a']`,
    /// `run_context.node['a']`, `x && node['a']`, `node['a'] || {}`), or the node itself.
    pub(super) fn alias_of(&self, value: &Node<'_>) -> Option<AttrPath> {
        if let Some(and) = value.as_and_node() {
            return self.alias_of(&and.right());
        }
        if let Some(or) = value.as_or_node() {
            return self.alias_of(&or.left());
        }
        if let Some(call) = value.as_call_node() {
            let name = call.name().as_slice();
            if is_index(name) {
                let chain = self.chain(&call)?;
                return match chain.root {
                    Root::Node => Some(chain.path),
                    Root::Alias(i) => {
                        let mut path = self.aliases[i].1.clone();
                        for k in chain.path.keys {
                            path.push_key(Key::Lit(k));
                        }
                        if chain.path.partial {
                            path.push_key(Key::Dynamic);
                        }
                        Some(path)
                    }
                    _ => None,
                };
            }
            return (name == b"node" && call.arguments().is_none()).then(AttrPath::default);
        }
        None
    }

    /// Visit only the dynamic parts of index keys (they may read attributes themselves).
    pub(super) fn visit_dynamic_keys(&mut self, node: &Node<'_>) {
        let mut cur = node.as_call_node();
        while let Some(call) = cur {
            if !is_index(call.name().as_slice()) {
                break;
            }
            if let Some(args) = call.arguments() {
                for arg in args.arguments().iter() {
                    if !is_literal_key(&arg) {
                        self.visit(&arg);
                    }
                }
            }
            cur = call.receiver().and_then(|r| r.as_call_node());
        }
    }

    /// Record a write of `receiver[last_key] (op)= value`. Returns false when `receiver` is not
    /// an attribute chain.
    pub(super) fn write(
        &mut self,
        receiver: Option<Node<'_>>,
        last_key: Option<Node<'_>>,
        value: Option<Node<'_>>,
        span: Span,
    ) -> bool {
        let Some(receiver) = receiver else {
            return false;
        };
        // `default['a'] = 1`: the receiver is the root itself, no chain.
        let chain = match receiver.as_call_node() {
            Some(call) if is_index(call.name().as_slice()) => self.chain(&call),
            _ => None,
        };
        let (root, mut path, dynamic) = match chain {
            Some(Chain {
                root: root @ (Root::Node | Root::Level { .. }),
                path,
                dynamic,
            }) => (root, path, dynamic),
            Some(_) => return false,
            None => match Self::root(&receiver) {
                Some(root) => (root, AttrPath::default(), false),
                None => return false,
            },
        };
        if let Some(k) = &last_key {
            path.push_key(key(self.src, k));
        }
        let (level, via_node) = match root {
            Root::Level { level, via_node } => (level.to_string(), via_node),
            _ => ("node".to_string(), true),
        };
        // Only a chain with a computed key has code to visit in its keys.
        if dynamic {
            self.visit_dynamic_keys(&receiver);
        }
        if let Some(k) = &last_key {
            if !is_literal_key(k) {
                self.visit(k);
            }
        }
        let reads_start = self.facts.reads.len() as u32;
        let lit = value.as_ref().map_or(Lit::Other, |v| lit(self.src, v));
        if let Some(v) = &value {
            match last_key.as_ref().filter(|k| is_literal_key(k)) {
                Some(k) => self.visit_named(&k.location(), v),
                None => self.visit(v),
            }
        }
        let reads_end = self.facts.reads.len() as u32;
        self.facts.writes.push(AttrWrite {
            level,
            via_node,
            path,
            span,
            value: lit,
            value_reads: reads_start..reads_end,
        });
        true
    }

    pub(super) fn index_write(
        &mut self,
        receiver: Option<Node<'_>>,
        args: Option<ArgumentsNode<'_>>,
        value: Node<'_>,
        span: Span,
    ) -> bool {
        let last = args.and_then(|a| a.arguments().iter().next());
        self.write(receiver, last, Some(value), span)
    }

    /// Every leaf of a (nested) hash literal as an attribute write.
    pub(super) fn hash_writes(
        &mut self,
        node: &Node<'_>,
        prefix: &mut Vec<Key>,
        level: &str,
        span: Span,
    ) {
        let elements = match (node.as_hash_node(), node.as_keyword_hash_node()) {
            (Some(h), _) => h.elements(),
            (_, Some(h)) => h.elements(),
            _ => {
                if !prefix.is_empty() {
                    self.facts.writes.push(AttrWrite {
                        level: level.to_string(),
                        via_node: false,
                        path: AttrPath::from_keys(prefix.iter().cloned()),
                        span,
                        value: lit(self.src, node),
                        value_reads: 0..0,
                    });
                }
                return;
            }
        };
        for element in elements.iter() {
            let Some(assoc) = element.as_assoc_node() else {
                continue;
            };
            prefix.push(key(self.src, &assoc.key()));
            self.hash_writes(&assoc.value(), prefix, level, span);
            prefix.pop();
        }
    }
}
