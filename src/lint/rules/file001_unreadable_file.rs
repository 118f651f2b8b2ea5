use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a file or folder the linter could not read: permission denied, not valid UTF-8,
    /// binary content where Ruby or ERB was expected, or a symbolic link loop.
    ///
    /// ## Why is this bad?
    /// Chef reads the same files. A file the linter cannot read is usually one the Chef client
    /// cannot load either, and any finding inside it goes unreported.
    ///
    /// ## Example
    /// A `recipes/default.rb` saved in Latin-1, or `cookbooks/web/current -> ..` (a link to
    /// a parent folder).
    ///
    /// ## Use instead
    /// Re-encode the file as UTF-8, remove the stray binary or the looping link, or exclude
    /// the path with `.gitignore` or `chefignore`.
    RULE = "FILE001", "unreadable-file", Error, "A file or folder that cannot be read as source", check
}

struct Unreadable<'a> {
    message: &'a str,
    help: &'a str,
}

impl Violation for Unreadable<'_> {
    fn message(&self) -> String {
        self.message.to_string()
    }
    fn help(&self) -> Option<String> {
        (!self.help.is_empty()).then(|| self.help.to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        let Some(problem) = &file.problem else {
            continue;
        };
        sink.report_path(
            &file.path,
            None,
            Unreadable {
                message: &problem.message,
                help: &problem.help,
            },
        );
    }
    for err in &ctx.repo.walk_errors {
        sink.report_path(
            &err.path,
            None,
            Unreadable {
                message: &err.message,
                help: "remove the link or exclude the path with .gitignore or chefignore",
            },
        );
    }
}
