//! Problems: what is wrong with how a text, document or message is marked.
//!
//! A problem is a finding about the *marking practice* of an input (unmarked, banners that
//! disagree, under-marked), as opposed to a [`ParseError`](crate::ParseError) (text that is
//! not a marking) or a [`ReadError`](crate::ReadError) (input that could not be read). Every
//! problem has a stable kebab-case code for reports, gates (`--fail-on CODE`) and policies.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of a [`Problem`]. `as_str()` gives the stable code used in JSON.
///
/// ```
/// use protective_marking::ProblemCode;
/// assert_eq!(ProblemCode::UnderMarked.as_str(), "under-marked");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProblemCode {
    /// No deciding marking at all (NZISM 15.1.11.C.01 for email; PSR-HB p.13 for documents).
    Unmarked,
    /// The top and bottom banners (or header and footer) carry different markings.
    BannersDisagree,
    /// Content is marked higher than the declared marking: a paragraph mark or body marking
    /// above the banner, or a message part above the message's declared marking
    /// (NZISM 15.1.11.C.02, decisions.md D5).
    UnderMarked,
    /// A marking is written in a readable but non-canonical form (decisions.md D1).
    NonCanonical,
    /// A marking is disguised with invisible characters or look-alike letters.
    EvasionSuspected,
    /// A page or section lacks the marking at its top or bottom (PSR-HB p.13: top and bottom
    /// of every page).
    MissingBanner,
    /// A document's label metadata (core/custom properties, MSIP labels, PDF Info/XMP)
    /// disagrees with its visible marking.
    MetadataDisagrees,
    /// Text in a marking position (a banner line, a subject, a header) is not a valid
    /// marking.
    MalformedMarking,
    /// The marking header and the subject disagree (decisions.md D5).
    HeaderSubjectDisagree,
    /// A reply or forward is marked lower than a marking quoted earlier in the thread
    /// (NZISM 15.1.10.C.03).
    Downgrade,
    /// A part could not be read (corrupt, encrypted, over a limit); its marking is unknown.
    UnreadablePart,
    /// A foreign government marking was found and mapped (decisions.md D6).
    ForeignMarking,
}

impl ProblemCode {
    /// Every code.
    pub const ALL: [ProblemCode; 12] = [
        ProblemCode::Unmarked,
        ProblemCode::BannersDisagree,
        ProblemCode::UnderMarked,
        ProblemCode::NonCanonical,
        ProblemCode::EvasionSuspected,
        ProblemCode::MissingBanner,
        ProblemCode::MetadataDisagrees,
        ProblemCode::MalformedMarking,
        ProblemCode::HeaderSubjectDisagree,
        ProblemCode::Downgrade,
        ProblemCode::UnreadablePart,
        ProblemCode::ForeignMarking,
    ];

    /// The stable kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Unmarked => "unmarked",
            ProblemCode::BannersDisagree => "banners-disagree",
            ProblemCode::UnderMarked => "under-marked",
            ProblemCode::NonCanonical => "non-canonical",
            ProblemCode::EvasionSuspected => "evasion-suspected",
            ProblemCode::MissingBanner => "missing-banner",
            ProblemCode::MetadataDisagrees => "metadata-disagrees",
            ProblemCode::MalformedMarking => "malformed-marking",
            ProblemCode::HeaderSubjectDisagree => "header-subject-disagree",
            ProblemCode::Downgrade => "downgrade",
            ProblemCode::UnreadablePart => "unreadable-part",
            ProblemCode::ForeignMarking => "foreign-marking",
        }
    }

    /// Whether the problem is a matter of style (the marking is still determined): only
    /// non-canonical forms and mapped foreign markings. Everything else is "something is
    /// wrong" for the checker's exit code.
    pub fn is_advisory(self) -> bool {
        matches!(
            self,
            ProblemCode::NonCanonical | ProblemCode::ForeignMarking
        )
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ProblemCode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProblemCode::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                let all: Vec<&str> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
                format!(
                    "unknown problem code `{s}`; expected one of {}",
                    all.join(", ")
                )
            })
    }
}

/// One problem with where it is and what to do about it.
///
/// ```
/// use protective_marking::{Problem, ProblemCode};
/// let p = Problem::new(ProblemCode::Unmarked, "body", "no protective marking found; mark the text top and bottom");
/// assert_eq!(p.to_string(), "body: unmarked: no protective marking found; mark the text top and bottom");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Problem {
    /// What kind of problem.
    pub code: ProblemCode,
    /// Where: `body`, `page 3`, `header[first]/section 2`, `attachment[1]/footer`...
    pub location: String,
    /// One sentence: what is wrong and what to do.
    pub message: String,
}

impl Problem {
    /// A problem at `location`.
    pub fn new(code: ProblemCode, location: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            code,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location, self.code, self.message)
    }
}
