//! The marking model: [`Classification`], [`Endorsement`], [`Marking`], the grammar that reads
//! and writes them, and the lattice join that combines them.
//!
//! Sources: the PSR classification system (PSR-OV, the PSR classification handbook PSR-HB)
//! for the levels, endorsements and written forms. Where the sources are silent or disagree,
//! the crate's own rule is stated on the item it affects.

mod classification;
mod country;
mod diagnostic;
mod endorsement;
mod foreign;
mod grammar;
mod paragraph;
pub(crate) mod parse;
pub(crate) mod tokens;
pub(crate) mod vocab;

pub use classification::{Classification, Family, HandlingTier, UnknownClassification};
pub use country::{Country, Releasability};
pub use diagnostic::{Diagnostic, DiagnosticCode, ParseError, Severity};
pub use endorsement::{Endorsement, EndorsementBlock, EndorsementKind};
pub use foreign::{ForeignLevel, ForeignMapping, ForeignMarking};
pub use paragraph::{ParagraphMark, SeeMailTag};
pub use parse::{ParseMode, Parsed, Parser, ParserBuilder};

use std::fmt;

/// A protective marking: a classification, its endorsements and any agency free-text caveat.
///
/// A `Marking` is always normalised, so two markings that mean the same are equal: endorsements are
/// sorted in canonical order without duplicates, TOP SECRET carries ACCOUNTABLE MATERIAL (PSR-OV),
/// several REL TO lists are one (their intersection), and NZEO absorbs REL TO (NZ eyes only is
/// narrower than any release list). Contradictions such as NZEO with REL TO AUS are errors of the
/// [parser](Parser), which is where such text arrives.
///
/// `Display` writes the canonical form: policy-and-privacy endorsements before the
/// classification (`MEDICAL IN-CONFIDENCE`, PSR-HB p.12), national-security ones after `//`
/// (`SECRET//NZEO`), REL TO with NZL first and the rest alphabetical (PSR-OV). serde writes
/// and reads that string.
///
/// ```
/// use protective_marking::{Classification, Endorsement, Marking};
///
/// let m: Marking = "Sensitive: Budget".parse().unwrap();
/// assert_eq!(m.classification(), Classification::Sensitive);
/// assert_eq!(m.endorsements(), &[Endorsement::Budget]);
/// assert_eq!(m.to_string(), "BUDGET SENSITIVE");
///
/// let higher = m.join(&"SECRET//NZEO".parse().unwrap());
/// assert_eq!(higher.to_string(), "BUDGET SECRET//NZEO");
/// assert!(higher.dominates(&m));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Marking {
    classification: Classification,
    endorsements: Vec<Endorsement>,
    caveats: Vec<String>,
}

impl Marking {
    /// A marking with a classification and no endorsements (TOP SECRET gets ACCOUNTABLE
    /// MATERIAL).
    pub fn new(classification: Classification) -> Marking {
        let mut m = Marking {
            classification,
            endorsements: Vec::new(),
            caveats: Vec::new(),
        };
        m.normalise();
        m
    }

    /// This marking with one more endorsement, normalised.
    ///
    /// ```
    /// use protective_marking::{Classification, Endorsement, Marking};
    /// let m = Marking::new(Classification::InConfidence).with(Endorsement::Medical);
    /// assert_eq!(m.to_string(), "MEDICAL IN-CONFIDENCE");
    /// ```
    pub fn with(mut self, endorsement: Endorsement) -> Marking {
        self.endorsements.push(endorsement);
        self.normalise();
        self
    }

    /// This marking with an agency free-text caveat, written after ` - ` and kept as text, not
    /// read as an endorsement.
    ///
    /// ```
    /// use protective_marking::{Classification, Marking};
    /// let m = Marking::new(Classification::InConfidence).with_caveat("NOT FOR CIRCULATION");
    /// assert_eq!(m.to_string(), "IN-CONFIDENCE - NOT FOR CIRCULATION");
    /// ```
    pub fn with_caveat(mut self, caveat: impl Into<String>) -> Marking {
        self.caveats.extend(caveat_parts(&caveat.into()));
        self.normalise();
        self
    }

    /// The classification.
    pub fn classification(&self) -> Classification {
        self.classification
    }

    /// The endorsements in canonical order.
    pub fn endorsements(&self) -> &[Endorsement] {
        &self.endorsements
    }

    /// Agency free-text caveats, sorted.
    pub fn caveats(&self) -> &[String] {
        &self.caveats
    }

    /// Whether the marking carries `endorsement`.
    pub fn has(&self, endorsement: &Endorsement) -> bool {
        self.endorsements.contains(endorsement)
    }

    /// The REL TO list, if any.
    pub fn rel_to(&self) -> Option<&Releasability> {
        self.endorsements.iter().find_map(|e| match e {
            Endorsement::RelTo(r) => Some(r),
            _ => None,
        })
    }

    /// Whether a national of `country` may receive this information: false under NZEO for
    /// anyone but NZL, false for countries outside a REL TO list (PSR-OV, NZISM 9.2.16).
    ///
    /// ```
    /// use protective_marking::{marking::Country, Marking};
    /// let m: Marking = "SECRET//REL TO NZL, AUS".parse().unwrap();
    /// assert!(m.releasable_to(Country::new("AUS").unwrap()));
    /// assert!(!m.releasable_to(Country::new("USA").unwrap()));
    /// ```
    pub fn releasable_to(&self, country: Country) -> bool {
        if country == Country::NZL {
            return true;
        }
        if self.has(&Endorsement::Nzeo) {
            return false;
        }
        self.rel_to().is_none_or(|r| r.allows(country))
    }

    /// The lattice join, which gives a document's marking from its paragraphs (PSR-HB p.14) and a
    /// message's from its parts (NZISM 15.1.11.C.02): the highest classification, the union of
    /// endorsements and caveats, the intersection of REL TO lists; NZEO absorbs REL TO and TOP
    /// SECRET implies ACCOUNTABLE MATERIAL. Commutative, associative and idempotent.
    pub fn join(&self, other: &Marking) -> Marking {
        let mut m = Marking {
            classification: self.classification.max(other.classification),
            endorsements: self
                .endorsements
                .iter()
                .chain(&other.endorsements)
                .cloned()
                .collect(),
            caveats: self.caveats.iter().chain(&other.caveats).cloned().collect(),
        };
        m.normalise();
        m
    }

    /// The join of every marking in `markings`, or `None` if there are none.
    ///
    /// ```
    /// use protective_marking::Marking;
    /// let parts: Vec<Marking> = ["IN-CONFIDENCE", "SENSITIVE", "STAFF IN-CONFIDENCE"]
    ///     .iter().map(|s| s.parse().unwrap()).collect();
    /// assert_eq!(Marking::join_all(&parts).unwrap().to_string(), "STAFF SENSITIVE");
    /// ```
    pub fn join_all<'a>(markings: impl IntoIterator<Item = &'a Marking>) -> Option<Marking> {
        markings.into_iter().fold(None, |acc, m| match acc {
            None => Some(m.clone()),
            Some(a) => Some(a.join(m)),
        })
    }

    /// Whether this marking is at least as protective as `other` in every respect: the
    /// lattice order, `self.join(other) == *self`.
    pub fn dominates(&self, other: &Marking) -> bool {
        self.join(other) == *self
    }

    /// Parse leniently with the default [`Parser`]: any case and
    /// separators, endorsements after the classification. Warnings are in the result.
    ///
    /// # Errors
    /// A [`ParseError`] listing every error with its byte offset.
    pub fn parse(text: &str) -> Result<Parsed, ParseError> {
        Parser::default_ref().parse(text)
    }

    /// Parse in strict mode with the default [`Parser`]: only the canonical text is valid.
    ///
    /// ```
    /// use protective_marking::Marking;
    /// assert!(Marking::parse_strict("IN-CONFIDENCE").is_ok());
    /// assert!(Marking::parse_strict("in confidence").is_err());
    /// ```
    ///
    /// # Errors
    /// As [`Marking::parse`], plus `non-canonical` when the text is not the canonical form.
    pub fn parse_strict(text: &str) -> Result<Parsed, ParseError> {
        Parser::default_ref().parse_strict(text)
    }

    fn normalise(&mut self) {
        if self.classification == Classification::TopSecret {
            self.endorsements.push(Endorsement::AccountableMaterial);
        }
        // Several REL TO lists mean "releasable only where all of them allow": intersect.
        let mut rel: Option<Releasability> = None;
        self.endorsements.retain(|e| match e {
            Endorsement::RelTo(r) => {
                rel = Some(match rel.take() {
                    None => r.clone(),
                    Some(prev) => prev.intersection(r),
                });
                false
            }
            _ => true,
        });
        if let Some(r) = rel
            && !self.endorsements.contains(&Endorsement::Nzeo)
        {
            self.endorsements.push(Endorsement::RelTo(r));
        }
        self.endorsements.sort();
        self.endorsements.dedup();
        self.caveats.sort();
        self.caveats.dedup();
    }
}

/// An agency caveat as the parts the canonical text will show: collapsed (below), split at
/// ` - `, stray hyphens trimmed from each end, slashes made spaces. So `X - A - B` and `with_caveat("A - B")` hold
/// the same caveats, and a caveat prints as text that reads back as itself (found by fuzzing).
pub(crate) fn caveat_parts(s: &str) -> Vec<String> {
    // A slash would print as a `//` security block (the parser refuses one in a caveat).
    collapse_spaces(&s.replace('/', " "))
        .split(" - ")
        .map(|p| p.trim_matches(|c: char| c == '-' || c == ' ').to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// Free text as it goes into a marking: runs of white space and control characters become
/// one space, invisible characters (zero-width, soft hyphen) go. So the canonical text of a
/// caveat reads back as itself (found by fuzzing: a NUL in a caveat did not round-trip).
pub(crate) fn collapse_spaces(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .map(|w| {
            w.chars()
                .filter(|&c| !tokens::is_invisible(c))
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Display for Marking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in self
            .endorsements
            .iter()
            .filter(|e| e.block() == EndorsementBlock::PolicyAndPrivacy)
        {
            write!(f, "{e} ")?;
        }
        f.write_str(self.classification.as_str())?;
        let implied_am = self.classification == Classification::TopSecret;
        let controls: Vec<&Endorsement> = self
            .endorsements
            .iter()
            .filter(|e| e.block() == EndorsementBlock::Control)
            .filter(|e| !(implied_am && **e == Endorsement::AccountableMaterial))
            .collect();
        let dissemination: Vec<&Endorsement> = self
            .endorsements
            .iter()
            .filter(|e| e.block() == EndorsementBlock::Dissemination)
            .collect();
        for block in [controls, dissemination] {
            if block.is_empty() {
                continue;
            }
            f.write_str("//")?;
            for (i, e) in block.iter().enumerate() {
                if i > 0 {
                    f.write_str("/")?;
                }
                write!(f, "{e}")?;
            }
        }
        for c in &self.caveats {
            write!(f, " - {c}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Marking {
    type Err = ParseError;

    /// Lenient parse with the default parser; see [`Marking::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Marking::parse(s).map(|p| p.marking)
    }
}

crate::text::serde_as_text!(Marking);
