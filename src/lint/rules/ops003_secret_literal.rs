use crate::lint::parse::facts::Lit;
use crate::lint::parse::scan::{secret_name, secret_value};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a literal string assigned to something named like a secret (`password`,
    /// `db_password`, `api_token`, `client_secret`, `secret_key`, …): a resource property, an
    /// attribute, a hash key or a local variable. Empty strings, paths and URLs are not
    /// secrets and are not flagged. Neither are placeholders meant to be overridden or code
    /// that only looks like a value (`change_me`, `password`, `secret`, `TODO`, `xxxx`,
    /// `<your password>`, `null`), nor environment variable names
    /// (`stork_database_password: 'STORK_DATABASE_PASSWORD'` says where the secret is read
    /// from, not what it is).
    ///
    /// ## Why is this bad?
    /// The secret is now in version control, in every clone, in CI logs and — for
    /// attributes — in the node object anyone with read access to the Chef server can see.
    /// Rotating it means a commit.
    ///
    /// ## Example
    /// ```ruby
    /// default['app']['db_password'] = 'hunter2'
    /// ```
    ///
    /// ## Use instead
    /// Read it at converge time from where secrets live (AWS Secrets Manager or SSM through
    /// the instance role, Chef Vault, an encrypted data bag), and mark the resource
    /// `sensitive true`:
    /// ```ruby
    /// template '/etc/app/db.yml' do
    ///   variables(password: lazy { app_secret('db_password') })
    ///   sensitive true
    /// end
    /// ```
    RULE = "OPS003", "secret-literal", Error, "A secret written into the code", check
}

struct SecretLiteral<'a> {
    name: &'a str,
}

impl Violation for SecretLiteral<'_> {
    fn message(&self) -> String {
        format!("`{}` is assigned a literal secret", self.name)
    }
    fn label(&self) -> String {
        "secret in source control".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("read it at converge time from a secret store (Secrets Manager, SSM, Chef Vault) and rotate this one".to_string())
    }
}

fn is_str(lit: &Lit) -> bool {
    matches!(lit, Lit::Str(_))
}

fn literal_secret(lit: &Lit) -> bool {
    matches!(lit, Lit::Str(s) if secret_value(s))
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in &ctx.repo.files {
        if file.cookbook.is_none()
            || matches!(
                file.kind,
                FileKind::Other | FileKind::Readme | FileKind::Template
            )
        {
            continue;
        }
        let facts = &file.facts;
        // Only a literal string can be a literal secret: that check is one comparison, while
        // `secret_name` and `secret_value` each scan text. Same answer, fewer instructions.
        for write in &facts.writes {
            let Some(last) = write.path.keys.last().filter(|_| !write.path.partial) else {
                continue;
            };
            if is_str(&write.value) && secret_name(last) && literal_secret(&write.value) {
                sink.report(file, write.span, SecretLiteral { name: last });
            }
        }
        for call in &facts.calls {
            let Some(first) = call.args.first().filter(|a| is_str(a)) else {
                continue;
            };
            if !call.on_node && secret_name(&call.name) && literal_secret(first) {
                sink.report(file, call.span, SecretLiteral { name: &call.name });
            }
        }
        for (span, name) in &facts.secrets {
            sink.report(file, *span, SecretLiteral { name });
        }
    }
}
