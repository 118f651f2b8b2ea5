use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports the first syntax error in a Ruby file, in the Ruby code of an ERB template, or
    /// in a JSON file the linter reads (`metadata.json`, roles, `Policyfile.lock.json`).
    ///
    /// ## Why is this bad?
    /// The Chef client fails when it loads the file, usually in the middle of a converge. The
    /// linter still checks what it could parse, but findings after the error may be missing.
    ///
    /// ## Example
    /// ```ruby
    /// package 'nginx' do
    ///   action :install
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// package 'nginx' do
    ///   action :install
    /// end
    /// ```
    RULE = "FILE002", "syntax-error", Error, "Ruby, ERB or JSON that does not parse", check
}

struct SyntaxError<'a> {
    message: &'a str,
    kind: &'static str,
}

impl Violation for SyntaxError<'_> {
    fn message(&self) -> String {
        format!("{} syntax error: {}", self.kind, self.message)
    }
    fn label(&self) -> String {
        "the parser stopped here".to_string()
    }
    fn help(&self) -> Option<String> {
        (self.kind == "ERB").then(|| {
            "check the code inside `<% %>`; `erb -x -T - FILE | ruby -c` shows what Ruby sees"
                .to_string()
        })
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        let Some((span, message)) = &file.facts.syntax_error else {
            continue;
        };
        let kind = match file.kind {
            FileKind::Template => "ERB",
            k if k.is_ruby() => "Ruby",
            _ => "JSON",
        };
        sink.report(file, *span, SyntaxError { message, kind });
    }
}
