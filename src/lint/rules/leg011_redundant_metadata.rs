use crate::diag::Diagnostic;
use crate::lint::fix::legacy::{finding_start, whole_lines, with_node_at};
use crate::lint::fix::{Applicability, Edit, Fix, FixContext, Fixer};

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `metadata.rb` entries that no Chef client, Chef Infra Server or Supermarket
    /// reads any more: `long_description`, `recipe`, `attribute`, `grouping`, `replaces`,
    /// `suggests`, `conflicts` and `provides`.
    ///
    /// ## Why is this bad?
    /// They document things nothing enforces: a `recipe` list that drifts from `recipes/`,
    /// `attribute` docs that drift from `attributes/`, `conflicts`/`suggests` that no
    /// dependency solver looks at. Readers trust them and are misled. (`long_description`
    /// usually reads the README at upload time; Supermarket shows the README itself.)
    ///
    /// ## Example
    /// ```ruby
    /// name 'app'
    /// long_description IO.read(File.join(File.dirname(__FILE__), 'README.md'))
    /// recipe 'app::default', 'Installs the app'
    /// ```
    ///
    /// ## Use instead
    /// ```ruby
    /// name 'app'
    /// ```
    /// and document recipes and attributes in the README.
    ///
    /// ## Fix (safe)
    /// Deletes the entry.
    RULE = "LEG011", "redundant-metadata", Info, "metadata.rb entries no Chef tool reads (recipe, attribute, long_description, …)", check, fix = FIX
}

/// The metadata methods that are accepted and ignored (Cookstyle's `Chef/RedundantCode`
/// metadata cops): sorted.
const IGNORED: &[&str] = &[
    "attribute",
    "conflicts",
    "grouping",
    "long_description",
    "provides",
    "recipe",
    "replaces",
    "suggests",
];

struct RedundantMetadata<'a> {
    entry: &'a str,
}

impl Violation for RedundantMetadata<'_> {
    fn message(&self) -> String {
        format!("`{}` in metadata.rb is read by no Chef tool", self.entry)
    }
    fn label(&self) -> String {
        "ignored".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("delete it; document it in the README if it matters".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for file in ctx.repo.cookbook_files(&[FileKind::Metadata]) {
        for call in &file.facts.calls {
            if call.on_node
                || call.resource.is_some()
                || call.has_block
                || (call.args.is_empty() && call.kwargs.is_empty())
                || IGNORED.binary_search(&call.name.as_str()).is_err()
            {
                continue;
            }
            sink.report(file, call.span, RedundantMetadata { entry: &call.name });
        }
    }
}

static FIX: Fixer = Fixer {
    applicability: Applicability::Safe,
    summary: "delete the ignored metadata entry",
    make,
};

fn make(ctx: &FixContext<'_>, d: &Diagnostic) -> Option<Fix> {
    let (file, at) = finding_start(ctx, d)?;
    let (start, end, name) = with_node_at(
        file.text.as_bytes(),
        at,
        |n| {
            n.as_call_node().is_some_and(|c| {
                c.receiver().is_none()
                    && std::str::from_utf8(c.name().as_slice())
                        .is_ok_and(|name| IGNORED.binary_search(&name).is_ok())
            })
        },
        |call, _| {
            let loc = call.location();
            let name = String::from_utf8_lossy(call.as_call_node()?.name().as_slice()).into_owned();
            Some((loc.start() as usize, loc.end() as usize, name))
        },
    )?;
    let (start, end) = whole_lines(&file.text, start, end)?;
    Some(Fix {
        title: format!("delete `{name}` from metadata.rb"),
        applicability: Applicability::Safe,
        leaves_finding: false,
        edits: vec![Edit::replace(&file.path, start, end, "")],
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ignored_entries_are_sorted_for_binary_search() {
        assert!(super::IGNORED.windows(2).all(|w| w[0] < w[1]));
    }
}
