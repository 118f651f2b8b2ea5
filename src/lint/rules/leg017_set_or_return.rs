use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `set_or_return` in a resource file or a library: a property written by hand as
    /// a getter/setter method.
    ///
    /// ## Why is this bad?
    /// `property` (Chef 12.5) has replaced the hand-written accessor: it declares the type,
    /// default and validation in one line, and Chef knows the property exists, so it shows
    /// up in resource reporting, `load_current_value`, `converge_if_changed` and the
    /// generated documentation. A method calling `set_or_return` is invisible to all of
    /// them, and its `nil` argument trick (`def x(arg = nil)`) cannot set a property to
    /// `nil`.
    ///
    /// ## Example
    /// ```ruby
    /// def severity(arg = nil)
    ///   set_or_return(:severity, arg, kind_of: String, default: 'warn')
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// property :severity, String, default: 'warn'
    /// ```
    RULE = "LEG017", "set-or-return", Warning, "set_or_return in a resource (use property)", check
}

struct SetOrReturn {
    /// The method it sits in: the property's name.
    method: Option<String>,
}

impl Violation for SetOrReturn {
    fn message(&self) -> String {
        match &self.method {
            Some(name) => format!("`{name}` is a property written by hand with `set_or_return`"),
            None => "a property written by hand with `set_or_return`".to_string(),
        }
    }
    fn label(&self) -> String {
        "invisible to reporting, `load_current_value` and `converge_if_changed`".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(match &self.method {
            Some(name) => {
                format!("declare `property :{name}, <Type>` with the same default and validation")
            }
            None => "declare it with `property :name, <Type>`".to_string(),
        })
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in ctx
        .repo
        .cookbook_files(&[FileKind::Resource, FileKind::Library])
    {
        for call in &file.facts.calls {
            if call.name != "set_or_return" || call.on_node || call.args.is_empty() {
                continue;
            }
            // The accessor's own name, when the call sits in a method named like a property
            // (`def severity(arg = nil)`), makes the hint concrete.
            let method = file
                .facts
                .enclosing_def(call.span.line)
                .map(|d| d.name.clone())
                .filter(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
            sink.report(file, call.span, SetOrReturn { method });
        }
    }
}
