//! Literal values out of the tree: keys, [`Lit`]s, a call's arguments, a loop's binding.

use super::*;

/// The Ruby source being walked, as text (empty when it is not UTF-8).
#[derive(Clone, Copy)]
pub(super) struct Source<'s>(pub(super) &'s str);

impl<'s> Source<'s> {
    /// `bytes` as text without checking them again, when they lie inside the source: prism
    /// points into the source for every name and for literals without escapes (most of
    /// them), and a range of a `str` that `str::get` accepts is valid UTF-8 with the same
    /// bytes. Checking each short literal on its own cost more than the whole walk around it.
    pub(super) fn get(self, bytes: &[u8]) -> Option<&'s str> {
        let start = (bytes.as_ptr() as usize).wrapping_sub(self.0.as_ptr() as usize);
        let end = start.checked_add(bytes.len())?;
        self.0.get(start..end)
    }

    /// `bytes` as text, checked only when they are not a range of the source.
    pub(super) fn str<'b>(self, bytes: &'b [u8]) -> Option<&'b str>
    where
        's: 'b,
    {
        self.get(bytes).or_else(|| std::str::from_utf8(bytes).ok())
    }

    /// A literal's text as an owned string (invalid UTF-8 replaced).
    pub(super) fn owned(self, bytes: &[u8]) -> String {
        match self.str(bytes) {
            Some(text) => text.to_owned(),
            None => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

pub(super) fn key(src: Source<'_>, node: &Node<'_>) -> Key {
    if let Some(s) = node.as_string_node() {
        return Key::Lit(src.owned(s.unescaped()));
    }
    if let Some(s) = node.as_symbol_node() {
        return Key::Lit(src.owned(s.unescaped()));
    }
    Key::Dynamic
}

/// A literal value, as far as the linter needs one.
pub(super) fn lit(src: Source<'_>, node: &Node<'_>) -> Lit {
    if let Some(s) = node.as_string_node() {
        return Lit::Str(src.owned(s.unescaped()));
    }
    if let Some(s) = node.as_symbol_node() {
        return Lit::Sym(src.owned(s.unescaped()));
    }
    if let Some(interp) = node.as_interpolated_string_node() {
        let mut text = String::new();
        for part in interp.parts().iter() {
            match part.as_string_node() {
                Some(s) => match src.str(s.unescaped()) {
                    Some(part) => text.push_str(part),
                    None => text.push_str(&String::from_utf8_lossy(s.unescaped())),
                },
                None => text.push_str("#{…}"),
            }
        }
        return Lit::Interpolated(text);
    }
    if node.as_interpolated_symbol_node().is_some() {
        return Lit::Interpolated("#{…}".to_string());
    }
    if node.as_constant_read_node().is_some() || node.as_constant_path_node().is_some() {
        return Lit::Const(String::from_utf8_lossy(node.location().as_slice()).into_owned());
    }
    if node.as_integer_node().is_some() {
        let text = String::from_utf8_lossy(node.location().as_slice()).replace('_', "");
        return text.parse().map_or(Lit::Other, Lit::Int);
    }
    if node.as_true_node().is_some() {
        return Lit::Bool(true);
    }
    if node.as_false_node().is_some() {
        return Lit::Bool(false);
    }
    if node.as_nil_node().is_some() {
        return Lit::Nil;
    }
    if let Some(array) = node.as_array_node() {
        // Sized from the node list (collecting from its iterator would grow from empty).
        let elements = array.elements();
        let mut items = Vec::with_capacity(elements.len());
        items.extend(elements.iter().map(|e| lit(src, &e)));
        return Lit::Array(items);
    }
    Lit::Other
}

/// The block parameter of `list.each do |x|` (one required parameter and nothing else) with
/// the values it takes when `list` is a literal list of strings or symbols (`%w(a b)`,
/// `['a', :b]`), else `None` for them.
pub(super) fn loop_binding(
    src: Source<'_>,
    call: &CallNode<'_>,
) -> Option<(Vec<u8>, Option<Vec<Lit>>)> {
    let block = call.block()?.as_block_node()?;
    let params = block
        .parameters()?
        .as_block_parameters_node()?
        .parameters()?;
    let requireds = params.requireds();
    if requireds.len() != 1
        || !params.optionals().is_empty()
        || params.rest().is_some()
        || !params.posts().is_empty()
    {
        return None;
    }
    let name = requireds
        .iter()
        .next()?
        .as_required_parameter_node()?
        .name()
        .as_slice()
        .to_vec();
    let values = call.receiver().and_then(|r| match lit(src, &r) {
        Lit::Array(items) if items.iter().all(|i| i.text().is_some()) => Some(items),
        _ => None,
    });
    Some((name, values))
}

/// Positional literals and literal-keyed keyword arguments of a call.
pub(super) fn arguments(
    src: Source<'_>,
    args: Option<&ArgumentsNode<'_>>,
) -> (Vec<Lit>, Vec<(String, Lit)>) {
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    let Some(args) = args else {
        return (positional, keywords);
    };
    // Sized from the node lists on the first push (a call with keywords only allocates
    // nothing for positional arguments), instead of growing from empty.
    let args = args.arguments();
    for (i, arg) in args.iter().enumerate() {
        let Some(hash) = arg.as_keyword_hash_node() else {
            if positional.capacity() == 0 {
                positional.reserve_exact(args.len() - i);
            }
            positional.push(lit(src, &arg));
            continue;
        };
        let elements = hash.elements();
        keywords.reserve_exact(elements.len());
        for element in elements.iter() {
            let Some(assoc) = element.as_assoc_node() else {
                continue;
            };
            if let Key::Lit(k) = key(src, &assoc.key()) {
                keywords.push((k, lit(src, &assoc.value())));
            }
        }
    }
    (positional, keywords)
}

/// The instance variables a method body's top-level statements assign (`@action = :create`)
/// or append to (`@allowed_actions.push(:x)`, `@actions << :x`), in order.
pub(super) fn ivars_set_by(src: Source<'_>, body: Option<Node<'_>>) -> Vec<String> {
    let Some(stmts) = body.as_ref().and_then(|b| b.as_statements_node()) else {
        return Vec::new();
    };
    stmts
        .body()
        .iter()
        .filter_map(|stmt| {
            let name = if let Some(write) = stmt.as_instance_variable_write_node() {
                write.name()
            } else {
                let call = stmt.as_call_node()?;
                if !matches!(call.name().as_slice(), b"push" | b"<<" | b"concat") {
                    return None;
                }
                call.receiver()?.as_instance_variable_read_node()?.name()
            };
            Some(src.owned(name.as_slice()))
        })
        .collect()
}
