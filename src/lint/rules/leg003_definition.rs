use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags files in a cookbook's `definitions/` folder.
    ///
    /// ## Why is this bad?
    /// Definitions are macros, not resources: they have no actions, no `why-run`, cannot be
    /// notified or guarded, and are expanded at compile time, so their parameters cannot be
    /// `lazy`. Chef has recommended custom resources instead since Chef 12.5.
    ///
    /// ## Example
    /// ```ruby
    /// # definitions/app_site.rb
    /// define :app_site, port: 80 do
    ///   template "/etc/nginx/sites-enabled/#{params[:name]}" do
    ///     variables(port: params[:port])
    ///   end
    /// end
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// # resources/site.rb
    /// unified_mode true
    /// provides :app_site
    /// property :port, Integer, default: 80
    /// action :create do
    ///   template "/etc/nginx/sites-enabled/#{new_resource.name}" do
    ///     variables(port: new_resource.port)
    ///   end
    /// end
    /// ```
    RULE = "LEG003", "definition", Warning, "A definition (use a custom resource)", check
}

struct Definition<'a> {
    name: &'a str,
}

impl Violation for Definition<'_> {
    fn message(&self) -> String {
        format!("`{}` is a definition", self.name)
    }
    fn label(&self) -> String {
        "definitions are compile-time macros".to_string()
    }
    fn help(&self) -> Option<String> {
        Some(format!(
            "rewrite it as a custom resource in resources/{}.rb with properties and an action",
            self.name
        ))
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (file, _) in ctx.repo.files_of(FileKind::Definition) {
        let define = file.facts.top_calls("define").next();
        let name = define
            .and_then(|c| c.args.first())
            .and_then(|a| a.text())
            .unwrap_or_else(|| file.stem());
        let span = define.map_or(START, |c| c.span);
        sink.report(file, span, Definition { name });
    }
}
