//! Diagnostics: what is wrong (an error) or unusual (a warning) about a written marking.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether a diagnostic makes the marking invalid.
///
/// ```
/// use protective_marking::{Marking, marking::Severity};
///
/// // An unusual spelling still parses; the diagnostic is only a warning.
/// let parsed = Marking::parse("in confidence").unwrap();
/// assert_eq!(parsed.warnings[0].severity, Severity::Warning);
/// // An endorsement alone is not a marking: an error.
/// let err = Marking::parse("MEDICAL").unwrap_err();
/// assert_eq!(err.errors()[0].severity, Severity::Error);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The text is not a valid marking (or not in strict mode).
    Error,
    /// The marking is valid but written unusually; say so to the author.
    Warning,
}

/// What a diagnostic is about. The kebab-case name (`code()`) is the stable identifier used
/// in JSON reports (e.g. `unknown-country`).
///
/// ```
/// use protective_marking::{marking::DiagnosticCode, Marking};
///
/// let err = Marking::parse_strict("In Confidence").unwrap_err();
/// let code = err.errors()[0].code;
/// assert_eq!(code, DiagnosticCode::NonCanonical);
/// // Match on the code, or report its stable name.
/// assert_eq!(code.as_str(), "non-canonical");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagnosticCode {
    /// Error: nothing that looks like a marking.
    Empty,
    /// Error: an endorsement with no classification (PSR-OV: must not appear alone).
    EndorsementWithoutClassification,
    /// Error: a REL TO code that is not an ISO 3166-1 alpha-3 code.
    UnknownCountry,
    /// Error: NZEO together with REL TO another country, a contradiction (NZEO is for NZ
    /// citizens only, PSR-OV).
    NzeoWithRelTo,
    /// Error: more than one classification.
    TwoClassifications,
    /// Error: a word that is neither a classification nor an endorsement; after `//` only
    /// configured codewords are accepted (codewords are the agency's open set: an unknown
    /// word is reported, not guessed).
    UnknownWord,
    /// Error: a parameterised endorsement without its parameter (`USE ONLY` with no
    /// department, `EMBARGOED FOR RELEASE` with no time).
    MissingParameter,
    /// Error: the `//` structure is broken (an empty block, more than two blocks).
    Malformed,
    /// Error in strict mode: the text is not the canonical form.
    NonCanonical,
    /// Error under a strict family profile, warning otherwise: an endorsement of the other
    /// family (the 2022 PSR groups endorsements by family, older guidance allows any), or any
    /// endorsement on UNCLASSIFIED (endorsements go with a classification, PSR-HB p.12, and
    /// UNCLASSIFIED is not one of the six, PSR-HB p.7).
    FamilyMismatch,
    /// Warning: readable but not the canonical spelling, case or order.
    NonCanonicalForm,
    /// Warning: REL TO not written NZL first, the rest alphabetical (PSR-OV).
    RelToOrder,
    /// Warning: a legacy endorsement (`ADDRESSEE ONLY`) or misspelling seen in old material.
    Legacy,
    /// Warning: an endorsement repeated or implied (TOP SECRET is always ACCOUNTABLE
    /// MATERIAL; NZEO makes REL TO NZL redundant).
    Redundant,
    /// Warning: a foreign government's marking, mapped to an NZ level (PSR INF014: foreign
    /// information takes the equivalent NZ marking).
    Foreign,
}

impl DiagnosticCode {
    /// The stable kebab-case identifier, e.g. `unknown-country`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::Empty => "empty",
            DiagnosticCode::EndorsementWithoutClassification => {
                "endorsement-without-classification"
            }
            DiagnosticCode::UnknownCountry => "unknown-country",
            DiagnosticCode::NzeoWithRelTo => "nzeo-with-rel-to",
            DiagnosticCode::TwoClassifications => "two-classifications",
            DiagnosticCode::UnknownWord => "unknown-word",
            DiagnosticCode::MissingParameter => "missing-parameter",
            DiagnosticCode::Malformed => "malformed",
            DiagnosticCode::NonCanonical => "non-canonical",
            DiagnosticCode::FamilyMismatch => "family-mismatch",
            DiagnosticCode::NonCanonicalForm => "non-canonical-form",
            DiagnosticCode::RelToOrder => "rel-to-order",
            DiagnosticCode::Legacy => "legacy",
            DiagnosticCode::Redundant => "redundant",
            DiagnosticCode::Foreign => "foreign",
        }
    }
}

crate::text::display_as!(DiagnosticCode, as_str);

/// One error or warning about a written marking, with the byte offset it refers to.
///
/// ```
/// use protective_marking::{marking::DiagnosticCode, Marking};
///
/// let err = Marking::parse("RESTRICTED//REL TO NZL, XYZ").unwrap_err();
/// let d = &err.errors()[0];
/// assert_eq!(d.code, DiagnosticCode::UnknownCountry);
/// assert_eq!(d.offset, 24);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: DiagnosticCode,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence saying what is wrong and what to write instead.
    pub message: String,
    /// Byte offset into the parsed text.
    pub offset: usize,
}

impl Diagnostic {
    pub(crate) fn error(code: DiagnosticCode, offset: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            offset,
        }
    }

    pub(crate) fn warning(code: DiagnosticCode, offset: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Warning,
            message: message.into(),
            offset,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {}: {} [{}]",
            self.offset, self.message, self.code
        )
    }
}

/// Text offered as a marking that is not a valid one (in the mode it was parsed in).
///
/// Holds every error found and the warnings seen on the way; `Display` shows the first
/// error with its byte offset.
///
/// ```
/// use protective_marking::Marking;
/// let err = Marking::parse("MEDICAL").unwrap_err();
/// assert_eq!(err.to_string(),
///     "at byte 0: MEDICAL is an endorsement and needs a classification, e.g. `MEDICAL IN-CONFIDENCE` [endorsement-without-classification]");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) warnings: Vec<Diagnostic>,
}

impl ParseError {
    pub(crate) fn single(error: Diagnostic) -> ParseError {
        ParseError {
            errors: vec![error],
            warnings: Vec::new(),
        }
    }

    /// The same error with every offset moved `by` bytes on (the text was a slice of a
    /// longer input).
    #[cfg(feature = "mail")] // subject markings are slices of the subject
    pub(crate) fn shifted(mut self, by: usize) -> ParseError {
        for d in self.errors.iter_mut().chain(self.warnings.iter_mut()) {
            d.offset += by;
        }
        self
    }

    /// Every error (never empty).
    pub fn errors(&self) -> &[Diagnostic] {
        &self.errors
    }

    /// Warnings found before parsing failed.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The byte offset of the first error.
    pub fn offset(&self) -> usize {
        self.errors.first().map_or(0, |d| d.offset)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.first() {
            Some(first) => {
                write!(f, "{first}")?;
                if self.errors.len() > 1 {
                    write!(f, " (and {} more)", self.errors.len() - 1)?;
                }
                Ok(())
            }
            None => f.write_str("not a protective marking"),
        }
    }
}
