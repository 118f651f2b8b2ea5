//! CloudFormation's documented quotas, checked on the rendered template before anything is
//! written: a stack that CloudFormation would refuse is an input error of `check`/`generate`
//! (which limit, the figure, how many images fit, what to do), not a surprise at deploy time.

use anyhow::{bail, Context, Result};
use yaml_rust2::parser::{Event, Parser};

use crate::diag::UserError;

/// Largest template body the AWS CLI passes inline (`--template-body`); above it,
/// `aws cloudformation deploy` needs `--s3-bucket` to upload the template first.
pub const MAX_INLINE_BYTES: usize = 51_200;
/// Largest template CloudFormation reads from S3 (`--template-url`).
pub const MAX_S3_BYTES: usize = 1_000_000;
/// Resources in one stack.
pub const MAX_RESOURCES: usize = 500;
/// Parameters of one template.
pub const MAX_PARAMETERS: usize = 200;
/// Outputs of one template.
pub const MAX_OUTPUTS: usize = 200;
/// Mappings of one template.
pub const MAX_MAPPINGS: usize = 200;

/// What CloudFormation counts in a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TemplateStats {
    /// Bytes of the template body as uploaded (UTF-8, comments included).
    pub bytes: usize,
    pub resources: usize,
    pub parameters: usize,
    pub outputs: usize,
    pub mappings: usize,
}

/// One frame of the YAML nesting: a mapping (waiting for a key or for a value) or a sequence.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Map { want_key: bool },
    Seq,
}

impl TemplateStats {
    /// Count the keys of the top-level `Resources`, `Parameters`, `Outputs` and `Mappings`
    /// mappings. A YAML event parser, not line patterns: templates can be overridden with
    /// `--templates`, in any layout; CloudFormation's short-form tags (`!Ref`) are fine here.
    pub fn of(template: &str) -> Result<TemplateStats> {
        let sections = Sections::of(template)?;
        Ok(TemplateStats {
            bytes: template.len(),
            resources: sections.keys("Resources").len(),
            parameters: sections.keys("Parameters").len(),
            outputs: sections.keys("Outputs").len(),
            mappings: sections.keys("Mappings").len(),
        })
    }
}

/// The keys of every top-level mapping of a template (`Parameters` → `VpcId`, `WebAmiId`, …),
/// in document order.
#[derive(Debug, Default)]
pub struct Sections(Vec<(String, Vec<String>)>);

impl Sections {
    pub fn of(template: &str) -> Result<Sections> {
        let mut sections = Sections::default();
        let mut parser = Parser::new_from_str(template);
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            let (event, _) = parser
                .next_token()
                .context("the CloudFormation template is not valid YAML")?;
            let is_node = matches!(
                event,
                Event::Scalar(..)
                    | Event::Alias(_)
                    | Event::MappingStart(..)
                    | Event::SequenceStart(..)
            );
            if is_node {
                let depth = stack.len();
                let top_is_map = matches!(stack.first(), Some(Frame::Map { .. }));
                if let Some(Frame::Map { want_key }) = stack.last_mut() {
                    let is_key = *want_key;
                    *want_key = !*want_key;
                    if let (true, Event::Scalar(key, ..)) = (is_key, &event) {
                        if depth == 1 {
                            sections.0.push((key.clone(), Vec::new()));
                        } else if depth == 2 && top_is_map {
                            if let Some((_, keys)) = sections.0.last_mut() {
                                keys.push(key.clone());
                            }
                        }
                    }
                }
            }
            match event {
                Event::MappingStart(..) => stack.push(Frame::Map { want_key: true }),
                Event::SequenceStart(..) => stack.push(Frame::Seq),
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::StreamEnd => break,
                _ => {}
            }
        }
        Ok(sections)
    }

    /// The keys of the top-level mapping `section`; none when there is no such section.
    pub fn keys(&self, section: &str) -> &[String] {
        self.0
            .iter()
            .find(|(name, _)| name == section)
            .map(|(_, keys)| keys.as_slice())
            .unwrap_or_default()
    }
}

/// What the images of a stack are, for "how many images fit".
#[derive(Debug, Clone, Copy)]
pub struct ImageCounts {
    pub images: usize,
    pub launched: usize,
}

impl ImageCounts {
    fn describe(self) -> String {
        format!(
            "{} image{} ({} launched)",
            self.images,
            if self.images == 1 { "" } else { "s" },
            self.launched
        )
    }

    /// About how many images like these fit under `limit`, when they make `figure`: the
    /// template's shared part is spread over the images, so this errs on the safe side.
    fn fitting(self, limit: usize, figure: usize) -> usize {
        if figure == 0 {
            return usize::MAX; // nothing of this kind: no bound
        }
        (limit as u128 * self.images as u128 / figure as u128) as usize
    }
}

/// Refuse a template CloudFormation cannot take in one stack, whichever way it is uploaded:
/// every limit it exceeds, with its figure, and how many images fit under all of them.
/// `path` names the template in the messages.
pub fn check(path: &str, stats: &TemplateStats, images: ImageCounts) -> Result<()> {
    let limits = [
        (stats.resources, MAX_RESOURCES, "resources"),
        (stats.parameters, MAX_PARAMETERS, "parameters"),
        (stats.outputs, MAX_OUTPUTS, "outputs"),
        (stats.mappings, MAX_MAPPINGS, "mappings"),
        (stats.bytes, MAX_S3_BYTES, "bytes (even from S3)"),
    ];
    let exceeded: Vec<String> = limits
        .iter()
        .filter(|(figure, limit, _)| figure > limit)
        .map(|(figure, limit, what)| {
            format!(
                "{} {what}, at most {}",
                thousands(*figure),
                thousands(*limit)
            )
        })
        .collect();
    if exceeded.is_empty() {
        return Ok(());
    }
    let fit = limits
        .iter()
        .map(|(figure, limit, _)| images.fitting(*limit, *figure))
        .min()
        .unwrap_or(0);
    bail!(UserError::new(format!(
        "{path} is over CloudFormation's limit{} for one stack: {}",
        if exceeded.len() == 1 { "" } else { "s" },
        exceeded.join("; "),
    ))
    .with_note(format!(
        "{}; about {fit} images like these fit in one stack",
        images.describe()
    ))
    .with_help("split the images over several projects (one stack.yml, one CloudFormation stack each), or set `count: 0` on images that are only baked"));
}

/// The warning for a template too big to pass inline, if it is.
pub fn inline_warning(path: &str, stats: &TemplateStats, images: ImageCounts) -> Option<UserError> {
    (stats.bytes > MAX_INLINE_BYTES).then(|| {
        UserError::new(format!(
            "{path} is {} bytes, over the {} bytes CloudFormation accepts without S3",
            thousands(stats.bytes),
            thousands(MAX_INLINE_BYTES),
        ))
        .with_note(format!(
            "{} make {} bytes; about {} images like these fit without S3",
            images.describe(),
            thousands(stats.bytes),
            images.fitting(MAX_INLINE_BYTES, stats.bytes)
        ))
        .with_help("deploy with `stackchef aws deploy --s3-bucket BUCKET` (the AWS CLI uploads the template there first)")
    })
}

/// `51200` → `51,200`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_top_level_sections_only() {
        let t = "# c\nAWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  A: {Type: String}\n  B:\n    Type: String\nMappings:\n  M: {k: {v: 1}}\nResources:\n  R1:\n    Type: X\n    Properties:\n      Resources: [1, 2]\n      Name: !Ref A\n  R2: {Type: Y, Properties: {Outputs: !Sub \"x\"}}\nOutputs:\n  O:\n    Value: !GetAtt R1.Arn\n";
        let stats = TemplateStats::of(t).unwrap();
        assert_eq!(
            stats,
            TemplateStats {
                bytes: t.len(),
                resources: 2,
                parameters: 2,
                outputs: 1,
                mappings: 1
            }
        );
    }

    #[test]
    fn section_keys_in_any_layout() {
        let t = "Parameters: {VpcId: {Type: x}, WebAmiId: {Type: y}}\nResources:\n  Z: {Type: z, Properties: {Parameters: {Nope: 1}}}\n";
        let sections = Sections::of(t).unwrap();
        assert_eq!(sections.keys("Parameters"), ["VpcId", "WebAmiId"]);
        assert_eq!(sections.keys("Resources"), ["Z"]);
        assert!(sections.keys("Outputs").is_empty());
    }

    #[test]
    fn invalid_yaml_is_an_error() {
        assert!(TemplateStats::of("Resources:\n  - a\n b: [").is_err());
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(51_200), "51,200");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn each_limit_is_named_with_the_figure_and_what_fits() {
        let images = ImageCounts {
            images: 1000,
            launched: 1000,
        };
        let over = TemplateStats {
            bytes: 10,
            resources: 5003,
            ..TemplateStats::default()
        };
        let err = check("t.yaml", &over, images).unwrap_err().to_string();
        assert!(err.contains("5,003 resources, at most 500"), "{err}");
        assert!(err.contains("about 99 images"), "{err}");
        assert!(err.contains("= help: split the images"), "{err}");

        let both = TemplateStats {
            bytes: 5_600_000,
            resources: 5003,
            outputs: 2003,
            ..TemplateStats::default()
        };
        let err = check("t.yaml", &both, images).unwrap_err().to_string();
        assert!(err.starts_with("t.yaml is over CloudFormation's limits for one stack: 5,003 resources, at most 500; 2,003 outputs, at most 200; 5,600,000 bytes"), "{err}");
        // the tightest limit says how many fit: outputs, 200 * 1000 / 2003
        assert!(err.contains("about 99 images like these"), "{err}");

        let big = TemplateStats {
            bytes: 4_000_000,
            ..TemplateStats::default()
        };
        let err = check("t.yaml", &big, images).unwrap_err().to_string();
        assert!(
            err.contains("4,000,000 bytes (even from S3), at most 1,000,000"),
            "{err}"
        );
        assert!(err.contains("about 250 images"), "{err}");

        for (stats, what) in [
            (
                TemplateStats {
                    parameters: 201,
                    ..TemplateStats::default()
                },
                "201 parameters, at most 200",
            ),
            (
                TemplateStats {
                    outputs: 201,
                    ..TemplateStats::default()
                },
                "201 outputs, at most 200",
            ),
            (
                TemplateStats {
                    mappings: 201,
                    ..TemplateStats::default()
                },
                "201 mappings, at most 200",
            ),
        ] {
            let err = check("t.yaml", &stats, images).unwrap_err().to_string();
            assert!(err.contains(what), "{err}");
        }

        let at_limits = TemplateStats {
            bytes: MAX_S3_BYTES,
            resources: 500,
            parameters: 200,
            outputs: 200,
            mappings: 200,
        };
        check("t.yaml", &at_limits, images).unwrap();
        assert!(inline_warning("t.yaml", &at_limits, images).is_some());
        let small = TemplateStats {
            bytes: MAX_INLINE_BYTES,
            ..TemplateStats::default()
        };
        assert!(inline_warning("t.yaml", &small, images).is_none());
    }
}
