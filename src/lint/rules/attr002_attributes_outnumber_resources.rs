use super::attr_table::distinct_writes;
use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a cookbook whose attributes files set more attributes than the cookbook declares
    /// resources (times `max-attributes-per-resource`, 1.0), once it has at least
    /// `min-attributes-for-ratio` (10) attributes. Attributes are counted as distinct paths:
    /// one assigned in each branch of a `case platform` is one attribute.
    ///
    /// ## Why is this bad?
    /// A cookbook is supposed to describe a system with resources. When knobs outnumber the
    /// things they configure, behaviour is driven by attribute values and their precedence,
    /// not by code you can read: the cookbook has become a configuration interpreter.
    ///
    /// ## Example
    /// A cookbook with 30 attributes in `attributes/default.rb` and a recipe with 8 resources
    /// that read them.
    ///
    /// ## Use instead
    /// Move the settings into custom resource properties, so each value sits next to the
    /// resource it configures, typed and with a default.
    RULE = "ATTR002", "attributes-outnumber-resources", Warning, "A cookbook with more attributes than resources", check
}

struct AttributesOutnumberResources<'a> {
    cookbook: &'a str,
    attributes: usize,
    resources: usize,
}

impl Violation for AttributesOutnumberResources<'_> {
    fn message(&self) -> String {
        format!(
            "cookbook `{}` sets {} attributes but declares only {} resources",
            self.cookbook, self.attributes, self.resources
        )
    }
    fn label(&self) -> String {
        "first attribute of the cookbook".to_string()
    }
    fn help(&self) -> Option<String> {
        Some("drive the cookbook with custom resource properties instead of attributes".to_string())
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let settings = ctx.settings;
    for cookbook in &ctx.repo.cookbooks {
        let files = || cookbook.files.iter().map(|&i| &ctx.repo.files[i]);
        let attribute_files = || files().filter(|f| f.kind == FileKind::Attributes);
        // Distinct attributes: one set in each `case platform` branch is one.
        let attributes = distinct_writes(attribute_files().flat_map(|f| &f.facts.writes)).len();
        if attributes < settings.min_attributes_for_ratio {
            continue;
        }
        let resources: usize = files()
            .filter(|f| {
                matches!(
                    f.kind,
                    FileKind::Recipe
                        | FileKind::Resource
                        | FileKind::Provider
                        | FileKind::Definition
                )
            })
            .map(|f| f.facts.resources.len())
            .sum();
        if attributes as f64 <= resources as f64 * settings.max_attributes_per_resource {
            continue;
        }
        let Some((file, write)) =
            attribute_files().find_map(|f| f.facts.writes.first().map(|w| (f, w)))
        else {
            continue;
        };
        let v = AttributesOutnumberResources {
            cookbook: &cookbook.name,
            attributes,
            resources,
        };
        sink.report(file, write.span, v);
    }
}
