use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a cookbook `README.md` that is still the `chef generate cookbook` boilerplate
    /// ("TODO: Enter the cookbook description here.").
    ///
    /// ## Why is this bad?
    /// The README is where the next person looks for what the cookbook does, which resources
    /// it provides and how to use them. A placeholder says the cookbook has no documentation
    /// at all.
    ///
    /// ## Example
    /// ```markdown
    /// # app
    ///
    /// TODO: Enter the cookbook description here.
    /// ```
    ///
    /// ## Use instead
    /// Say what the cookbook is for, list its resources with their properties, and show one
    /// example of using it.
    RULE = "OPS007", "readme-boilerplate", Info, "A cookbook README that is generator boilerplate", check
}

struct ReadmeBoilerplate;

impl Violation for ReadmeBoilerplate {
    fn message(&self) -> String {
        "README.md is the unedited generator boilerplate".to_string()
    }
    fn label(&self) -> String {
        "placeholder text".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("describe what the cookbook does and how to use its resources".to_string())
    }
}

const MARKER: &str = "TODO: Enter the cookbook description here";

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Readme) {
        let Some(at) = file.text.find(MARKER) else {
            continue;
        };
        let line = file.text[..at].matches('\n').count() as u32 + 1;
        let span = Span {
            line,
            col: 1,
            len: MARKER.len() as u32,
        };
        sink.report(file, span, ReadmeBoilerplate);
    }
}
