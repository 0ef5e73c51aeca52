//! Problems: what is wrong with how a text, document or message is marked, and the one
//! wording of each.
//!
//! A problem is a finding about the *marking practice* of an input (unmarked, banners that
//! disagree, under-marked), as opposed to a [`ParseError`](crate::ParseError) (text that is
//! not a marking) or a [`ReadError`](crate::ReadError) (input that could not be read). Every
//! problem has a stable kebab-case code for reports, gates (`--fail-on CODE`) and policies.

use crate::marking::{Classification, ForeignMarking, Marking};
use crate::path::{Location, PartPath, Segment};
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
    /// (NZISM 15.1.11.C.02: the marking reflects the highest of all parts).
    UnderMarked,
    /// A marking is written in a readable but non-canonical form (`In Confidence` for
    /// `IN-CONFIDENCE`).
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
    /// The marking header and the subject disagree (NZISM 15.2.39: inappropriately marked;
    /// the header has authority).
    HeaderSubjectDisagree,
    /// A reply or forward is marked lower than a marking quoted earlier in the thread
    /// (NZISM 15.1.10.C.03).
    Downgrade,
    /// A part could not be read (corrupt, encrypted, over a limit); its marking is unknown.
    UnreadablePart,
    /// A foreign government marking was found and mapped (PSR INF014: foreign information
    /// takes the equivalent NZ marking).
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

crate::text::display_as!(ProblemCode, as_str);

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

/// One problem: its code, where it is, and one sentence saying what is wrong and what to
/// do. Each code has one constructor, which holds its wording, so a code reads the same
/// wherever it is found.
///
/// ```
/// use protective_marking::{Location, PartPath, Problem, ProblemCode, Segment};
/// let p = Problem::unmarked(Location::from(Segment::Text), None);
/// assert_eq!(p.code, ProblemCode::Unmarked);
/// assert_eq!(p.to_string(), "text: unmarked: no protective marking found; mark the text at its top and bottom (PSR-HB p.13), or UNCLASSIFIED if it is");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Problem {
    /// What kind of problem.
    pub code: ProblemCode,
    /// Where: `line 7`, `page 3`, `header[first]/section 2`, `attachment[1]/body, line 2`...
    pub at: Location,
    /// One sentence: what is wrong and what to do.
    pub message: String,
}

/// Where a page banner is missing ([`Problem::missing_banner`]).
///
/// ```
/// use protective_marking::problem::BannerPlace;
/// assert_eq!(BannerPlace::PageBottom.as_str(), "the bottom of the page");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BannerPlace {
    /// A header part that carries no marking.
    Header,
    /// A footer part that carries no marking.
    Footer,
    /// A section with no header at all.
    NoHeader,
    /// A section with no footer at all.
    NoFooter,
    /// The first lines of a page.
    PageTop,
    /// The last lines of a page.
    PageBottom,
    /// The first lines of a slide (its text top to bottom, what its layout and master draw
    /// on it included).
    SlideTop,
    /// The last lines of a slide and its footer, date and slide-number placeholders.
    SlideBottom,
    /// A worksheet with no page header at all.
    SheetNoHeader,
    /// A worksheet with no page footer at all.
    SheetNoFooter,
    /// A page style (OpenDocument master page) with no header, or a document none of whose
    /// page styles has one.
    NoPageHeader,
    /// A page style (OpenDocument master page) with no footer, or a document none of whose
    /// page styles has one.
    NoPageFooter,
}

impl BannerPlace {
    /// The place in words.
    pub fn as_str(self) -> &'static str {
        match self {
            BannerPlace::Header => "the header",
            BannerPlace::Footer => "the footer",
            BannerPlace::NoHeader => "the section's header (it has none)",
            BannerPlace::NoFooter => "the section's footer (it has none)",
            BannerPlace::PageTop => "the top of the page",
            BannerPlace::PageBottom => "the bottom of the page",
            BannerPlace::SlideTop => "the top of the slide",
            BannerPlace::SlideBottom => {
                "the bottom of the slide (its last lines and footer placeholders)"
            }
            BannerPlace::SheetNoHeader => "the sheet's page header (it has none)",
            BannerPlace::SheetNoFooter => "the sheet's page footer (it has none)",
            BannerPlace::NoPageHeader => "the page header (the page style has none)",
            BannerPlace::NoPageFooter => "the page footer (the page style has none)",
        }
    }
}

impl Problem {
    fn new(code: ProblemCode, at: Location, message: String) -> Problem {
        Problem { code, at, message }
    }

    /// `unmarked`: nothing decides the marking of the whole input at `at` (`text`,
    /// `document` or `message`). `labelled`: the marking only its metadata carries.
    pub fn unmarked(at: Location, labelled: Option<&Marking>) -> Problem {
        let message = match (at.path.segments().first(), labelled) {
            (Some(Segment::Message), _) => "no protective marking in a marking header, the subject or the first or last line of the body (NZISM 15.1.11.C.01)".to_string(),
            (Some(Segment::Document), Some(m)) => format!(
                "only the document's metadata carries a marking ({m}); show it top and bottom of every page (PSR-HB p.13)"
            ),
            (Some(Segment::Document), None) => "no protective marking found; mark the document top and bottom of every page (PSR-HB p.13)".to_string(),
            _ => "no protective marking found; mark the text at its top and bottom (PSR-HB p.13), or UNCLASSIFIED if it is".to_string(),
        };
        Problem::new(ProblemCode::Unmarked, at, message)
    }

    /// `banners-disagree`: the banner `other` (at `other_at`) is not the banner `first`
    /// (at `first_at`).
    pub fn banners_disagree(
        at: Location,
        (first, first_at): (&Marking, &Location),
        (other, other_at): (&Marking, &Location),
    ) -> Problem {
        Problem::new(
            ProblemCode::BannersDisagree,
            at,
            format!(
                "the banner `{other}` ({other_at}) disagrees with `{first}` ({first_at}); mark the top and bottom alike with the highest marking, `{}`",
                first.join(other)
            ),
        )
    }

    /// `under-marked`: `text`, read as `found`, is above `declared`, the marking of the
    /// `whole` input (`text`, `document` or `message`) it is part of.
    pub fn under_marked(
        at: Location,
        whole: Segment,
        text: &str,
        found: &Marking,
        declared: &Marking,
    ) -> Problem {
        let rule = if whole == Segment::Message {
            "NZISM 15.1.11.C.02"
        } else {
            "PSR-HB p.14"
        };
        Problem::new(
            ProblemCode::UnderMarked,
            at,
            format!(
                "`{}` is {found}, above the {whole}'s marking `{declared}`; mark the {whole} at least `{}` ({rule})",
                text.trim(),
                declared.join(found)
            ),
        )
    }

    /// `downgrade`: `text` quoted earlier in the thread is `found`, above the reply's
    /// `declared` marking.
    pub fn downgrade(at: Location, text: &str, found: &Marking, declared: &Marking) -> Problem {
        Problem::new(
            ProblemCode::Downgrade,
            at,
            format!(
                "declared `{declared}` but `{}` earlier in the thread is {found}; a reply or forward is never marked lower, so mark it at least `{}` (NZISM 15.1.10.C.03)",
                text.trim(),
                declared.join(found)
            ),
        )
    }

    /// `non-canonical`: `written` reads as `canonical` but is not written so.
    pub fn non_canonical(at: Location, written: &str, canonical: &Marking) -> Problem {
        Problem::new(
            ProblemCode::NonCanonical,
            at,
            format!(
                "`{}` is readable but not canonical; write `{canonical}`",
                written.escape_debug()
            ),
        )
    }

    /// `foreign-marking`: `written` is a foreign government's marking, handled as `marking`.
    pub fn foreign_marking(
        at: Location,
        written: &str,
        foreign: &ForeignMarking,
        marking: &Marking,
    ) -> Problem {
        Problem::new(
            ProblemCode::ForeignMarking,
            at,
            format!(
                "`{}` is a foreign government marking ({}), handled as `{marking}` under the agency's mapping",
                written.escape_debug(),
                foreign.level.as_str()
            ),
        )
    }

    /// `evasion-suspected`: `written` reads as `marking` but is disguised `how`.
    pub fn evasion_suspected(
        at: Location,
        written: &str,
        marking: &Marking,
        how: &[&str],
    ) -> Problem {
        Problem::new(
            ProblemCode::EvasionSuspected,
            at,
            format!(
                "`{}` reads as `{marking}` but is disguised ({}); rewrite it in plain capitals and check why it was disguised",
                written.escape_debug(),
                how.join(", ")
            ),
        )
    }

    /// `missing-banner`: `place` carries no marking.
    pub fn missing_banner(at: Location, place: BannerPlace) -> Problem {
        Problem::new(
            ProblemCode::MissingBanner,
            at,
            format!(
                "{} carries no protective marking; every page needs one at its top and bottom (PSR-HB p.13)",
                place.as_str()
            ),
        )
    }

    /// `metadata-disagrees`: a label property says `label` but the content shows `shown`.
    pub fn metadata_disagrees(at: Location, label: &Marking, shown: &Marking) -> Problem {
        Problem::new(
            ProblemCode::MetadataDisagrees,
            at,
            format!("the label says {label} but the document shows {shown}; make them the same"),
        )
    }

    /// `malformed-marking`: `written` stands where a marking goes but does not read, for
    /// `reason`; `floor`, the level it shows, is what it is read as.
    pub fn malformed_marking(
        at: Location,
        written: &str,
        reason: &str,
        floor: Option<Classification>,
    ) -> Problem {
        let floor = match floor {
            Some(c) => format!("; it is read as at least {c}, the level it shows"),
            None => String::new(),
        };
        Problem::new(
            ProblemCode::MalformedMarking,
            at,
            format!(
                "`{}` stands where a marking goes but is not a valid marking: {reason}{floor}",
                written.escape_debug()
            ),
        )
    }

    /// `header-subject-disagree`: the subject says `subject`, the header at `header_at`
    /// says `header`.
    pub fn header_subject_disagree(
        at: Location,
        subject: &Marking,
        header_at: &Location,
        header: &Marking,
    ) -> Problem {
        Problem::new(
            ProblemCode::HeaderSubjectDisagree,
            at,
            format!("the subject says {subject} but {header_at} says {header}; make them the same"),
        )
    }

    /// `unreadable-part`: the part could not be read, for `why`.
    pub fn unreadable_part(at: Location, why: &dyn fmt::Display) -> Problem {
        Problem::new(
            ProblemCode::UnreadablePart,
            at,
            format!("{why}; its marking is unknown"),
        )
    }

    /// This problem moved into the part at `path` (a text's problem inside a document's
    /// page or a message's attachment); its line stays.
    pub fn within(mut self, path: &PartPath) -> Problem {
        self.at.path = match self.at.path.segments() {
            [Segment::Text] | [] => path.clone(),
            _ => path.join(&self.at.path),
        };
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.at, self.code, self.message)
    }
}

/// The JSON contract of a problem: `code`, `location`, `message`.
impl Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Problem", 3)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("location", &self.at)?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}
