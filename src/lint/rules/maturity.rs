//! Rule maturity, as ruff has it: a rule is `stable` (runs by default) only when its measured
//! precision on the triaged corpus is at least 95%; otherwise it is `preview` and runs only with
//! `--preview` (or `preview = true` in `[lint]`), or when selected by its exact code or name.
//!
//! The figures are measured, not declared: `scripts/corpus --check --preview` lints every row of
//! the corpus of real repositories (`../shared/corpus/`) with every rule and counts each finding's
//! verdict in `tests/corpus/triage.tsv` (`tp`: the maintainer would want it; `fp`: the rule is
//! wrong; `noise`: true but not worth their time). Precision is tp / (tp + fp + noise). A rule
//! with no finding on the corpus has no measurement, and stays preview until it has one.
//! Update the table from the script's per-rule output whenever a rule changes.

/// Whether a rule runs by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Maturity {
    Stable,
    Preview,
}

impl Maturity {
    pub fn as_str(self) -> &'static str {
        match self {
            Maturity::Stable => "stable",
            Maturity::Preview => "preview",
        }
    }
}

/// A rule's findings on the corpus, by verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub tp: u32,
    pub fp: u32,
    pub noise: u32,
}

impl Measured {
    pub fn findings(self) -> u32 {
        self.tp + self.fp + self.noise
    }

    /// At least 95% of the findings wanted (integer arithmetic: no rounding at the boundary).
    pub fn is_precise(self) -> bool {
        self.findings() > 0 && self.tp * 100 >= self.findings() * 95
    }
}

/// Per rule code, sorted: the corpus measurement (every rule, preview ones included).
const MEASURED: &[(&str, Measured)] = &[
    ("ATTR001", m(6, 0, 9)),
    ("ATTR002", m(8, 0, 14)),
    ("ATTR003", m(3, 2, 12)),
    ("ATTR004", m(2, 0, 5)),
    ("ATTR005", m(71, 3, 2)),
    ("ATTR006", m(39, 0, 1)),
    ("ATTR007", m(14, 0, 28)),
    ("ATTR009", m(43, 0, 27)),
    ("INC001", m(0, 0, 8)),
    ("INC003", m(0, 0, 4)),
    ("INC004", m(3, 1, 9)),
    ("INC005", m(18, 0, 7)),
    ("INC006", m(2, 11, 16)),
    ("INC008", m(0, 2, 10)),
    ("INC009", m(2, 0, 0)),
    ("LEG001", m(128, 0, 0)),
    ("LEG003", m(9, 0, 1)),
    ("LEG004", m(81, 0, 0)),
    ("LEG005", m(9, 0, 0)),
    ("LEG007", m(1, 1, 0)),
    ("LEG008", m(17, 0, 3)),
    ("LEG009", m(11, 0, 0)),
    ("LEG010", m(20, 0, 0)),
    ("LEG011", m(0, 0, 383)),
    ("LEG012", m(12, 0, 0)),
    ("LEG013", m(36, 0, 0)),
    ("LEG014", m(14, 0, 0)),
    ("LEG015", m(9, 0, 0)),
    ("LEG016", m(3, 0, 3)),
    ("LEG017", m(25, 0, 0)),
    ("LEG018", m(55, 0, 0)),
    ("OPS001", m(18, 2, 13)),
    ("OPS002", m(3, 0, 0)),
    ("OPS003", m(3, 0, 9)),
    ("OPS005", m(12, 1, 131)),
    ("OPS006", m(8, 0, 48)),
    ("OPS007", m(2, 0, 1)),
    ("SVC001", m(5, 0, 0)),
    ("SVC002", m(21, 1, 5)),
    ("SVC003", m(3, 3, 4)),
];

const fn m(tp: u32, fp: u32, noise: u32) -> Measured {
    Measured { tp, fp, noise }
}

/// Rules that report what a parser or the file system says rather than a judgement about the
/// code: always on, whatever the corpus shows (a file that cannot be read or parsed is never
/// a matter of taste, and every other rule is blind to it).
const ALWAYS_STABLE: &[&str] = &["FILE001", "FILE002"];

/// The corpus measurement of a rule, if it reported anything there.
pub fn measured(code: &str) -> Option<Measured> {
    MEASURED
        .binary_search_by(|(c, _)| c.cmp(&code))
        .ok()
        .map(|i| MEASURED[i].1)
}

pub fn maturity(code: &str) -> Maturity {
    if ALWAYS_STABLE.contains(&code) || measured(code).is_some_and(Measured::is_precise) {
        Maturity::Stable
    } else {
        Maturity::Preview
    }
}

/// One paragraph for `stackchef explain`: the maturity and how it was measured.
pub fn explain(code: &str) -> String {
    let how = "on the triaged corpus of real repositories (`scripts/corpus --check --preview`)";
    let figures = |m: Measured| {
        format!(
            "{} of {} findings wanted ({} false, {} noise)",
            m.tp,
            m.findings(),
            m.fp,
            m.noise
        )
    };
    match (maturity(code), measured(code)) {
        (Maturity::Stable, Some(m)) if m.is_precise() => {
            format!("Maturity: stable. Measured {how}: {}.", figures(m))
        }
        (Maturity::Stable, _) => format!(
            "Maturity: stable. It reports what the parser or the file system says, so it is on \
             whatever the corpus shows{}.",
            measured(code).map_or(String::new(), |m| format!(" ({})", figures(m)))
        ),
        (Maturity::Preview, Some(m)) => format!(
            "Maturity: preview (runs with `--preview`, or when selected by its code). Measured \
             {how}: {}, below the 95% a stable rule needs.",
            figures(m)
        ),
        (Maturity::Preview, None) => format!(
            "Maturity: preview (runs with `--preview`, or when selected by its code). It \
             reported nothing {how}, so its precision is not measured yet."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_names_real_rules() {
        assert!(MEASURED.windows(2).all(|w| w[0].0 < w[1].0));
        for (code, _) in MEASURED {
            assert!(
                crate::lint::rules::RULES.iter().any(|r| r.code == *code),
                "{code}"
            );
        }
    }

    #[test]
    fn stable_needs_95_percent() {
        assert!(m(95, 5, 0).is_precise());
        assert!(!m(94, 5, 1).is_precise());
        assert!(!m(0, 0, 0).is_precise());
    }
}
