//! One report for every input: a text, a document or a message ([`Report`]), its
//! [`Finding`]s, each at a typed [`PartPath`], and its [`Problem`]s.
//!
//! The scanner, the document checks and the message analysis all answer with a `Report`, so
//! a caller handles one shape whatever it read: the effective marking (the join of the
//! deciding findings: highest classification, union of endorsements, intersection of
//! REL TO lists), what the input declares for itself, every marking found with where it
//! stands and how sure the reading is, what is wrong, and what could not be read.
//!
//! ```
//! use protective_marking::{Format, Scanner};
//!
//! let report = Scanner::new().scan("RESTRICTED\n\nThe plan.\n\nRESTRICTED\n");
//! assert_eq!(report.format, Format::Text);
//! assert_eq!(report.marking.as_ref().unwrap().to_string(), "RESTRICTED");
//! assert_eq!(report.deciding().count(), 2);
//! assert!(!report.has_problems());
//! ```
//!
//! Serde writes the JSON the checker prints (`check scan --json`), one object per input:
//! `path`, `format`, `marking`, `classification`, `endorsements`, `findings`, `problems`
//! (parts that could not be read among them, as `unreadable-part`) and `error` (set when the
//! input as a whole could not be read).

use crate::error::ReadError;
use crate::marking::{Classification, ForeignMarking, Marking};
use crate::path::{Location, PartPath, Segment};
use crate::problem::{Problem, ProblemCode};
use crate::scan::{Confidence, FindingKind, Note, Span};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

/// What an input was read as, found from its content (never from a file name).
///
/// ```
/// use protective_marking::Format;
/// assert_eq!(Format::Docx.as_str(), "docx");
/// assert_eq!(Format::Mbox.to_string(), "mbox");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// Plain text (UTF-8, or UTF-16 with a byte order mark), and anything not recognised.
    Text,
    /// An Office Open XML word-processing package (`.docx`, `.docm`, `.dotx`), or an OLE2
    /// compound file (encrypted OOXML or a legacy `.doc`, which are refused).
    Docx,
    /// A PDF file.
    Pdf,
    /// An Office Open XML presentation (`.pptx`, `.pptm`, `.potx`, `.ppsx`).
    Pptx,
    /// An Office Open XML workbook (`.xlsx`, `.xlsm`, `.xltx`).
    Xlsx,
    /// An OpenDocument text (`.odt`, `.ott`, flat `.fodt`).
    Odt,
    /// An OpenDocument spreadsheet (`.ods`, `.ots`, flat `.fods`).
    Ods,
    /// An OpenDocument presentation (`.odp`, `.otp`, flat `.fodp`).
    Odp,
    /// An Office Open XML package whose kind cannot be told: an encrypted one (an OLE2
    /// compound file holding `EncryptionInfo` and `EncryptedPackage`, whose main part is
    /// inside the encryption), or a package-level part (content types, relationships,
    /// properties) shared by DOCX, PPTX and XLSX. Only errors name it.
    Ooxml,
    /// An Outlook message (`.msg`, an OLE2 compound file), checked as a message.
    Msg,
    /// An RFC 5322 message.
    Eml,
    /// A message of an mbox mailbox.
    Mbox,
    /// A message file of a maildir.
    Maildir,
    /// Not determined: the input could not be opened.
    Unknown,
}

impl Format {
    /// The stable lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Pptx => "pptx",
            Format::Xlsx => "xlsx",
            Format::Odt => "odt",
            Format::Ods => "ods",
            Format::Odp => "odp",
            Format::Ooxml => "ooxml",
            Format::Msg => "msg",
            Format::Eml => "eml",
            Format::Mbox => "mbox",
            Format::Maildir => "maildir",
            Format::Unknown => "unknown",
        }
    }

    /// Whether it is a message (read by the message analysis).
    pub fn is_message(self) -> bool {
        matches!(
            self,
            Format::Eml | Format::Mbox | Format::Maildir | Format::Msg
        )
    }

    /// The segment that names an input of this format as a whole: `text`, `document` or
    /// `message`.
    pub fn whole(self) -> Segment {
        match self {
            Format::Text | Format::Unknown => Segment::Text,
            Format::Eml | Format::Mbox | Format::Maildir | Format::Msg => Segment::Message,
            _ => Segment::Document,
        }
    }
}

crate::text::display_as!(Format, as_str);

/// One marking found in an input.
///
/// ```
/// use protective_marking::{scan::Confidence, scan::FindingKind, Scanner};
/// let text = "Memo\nTOP\nSECRET\nbody\n";
/// let f = &Scanner::new().scan(text).findings[0];
/// assert_eq!(&text[f.span.range()], "TOP\nSECRET");
/// assert_eq!(f.line, Some(2));
/// assert_eq!(f.marking.to_string(), "TOP SECRET");
/// assert_eq!((f.kind, f.confidence), (FindingKind::Banner, Confidence::High));
/// assert_eq!(f.at.to_string(), "body");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The part it was found in: `body`, `header[default]/section 1`, `page 3/top`,
    /// `subject`, `attachment[1]/page 2`...
    pub at: PartPath,
    /// The 1-based line within the part, where the part has lines.
    pub line: Option<u64>,
    /// Its bytes within the part's text (for a header value, within the value; for a
    /// subject marking, within the subject).
    pub span: Span,
    /// The text as written.
    pub text: String,
    /// The marking read (for a foreign marking, the NZ marking it maps to).
    pub marking: Marking,
    /// Where it stands within its part, which decides whether it is a marking.
    pub kind: FindingKind,
    /// How sure the reading is.
    pub confidence: Confidence,
    /// Non-canonical form, evasion, fused with text, read only in part...
    pub notes: Vec<Note>,
    /// The foreign marking as written, when it is one (its caveats limit dissemination).
    pub foreign: Option<ForeignMarking>,
}

impl Finding {
    /// Whether it decides the input's marking: every kind but prose, outside tracked
    /// deletions and comments (which a document holds but does not show).
    pub fn is_deciding(&self) -> bool {
        self.kind.is_deciding() && !self.at.is_outside_content()
    }

    /// Whether a note suggests the marking was disguised on purpose.
    pub fn is_evasion(&self) -> bool {
        self.notes.iter().any(|n| n.is_evasion())
    }

    /// Where it is: its part and line.
    pub fn location(&self) -> Location {
        Location {
            path: self.at.clone(),
            line: self.line,
        }
    }
}

/// The JSON contract of a finding: `location`, `line`, `text`, `canonical` (the marking's
/// canonical text), `kind`, `confidence`, `notes`, `deciding`.
impl Serialize for Finding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Finding", 8)?;
        st.serialize_field("location", &self.at)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("text", &self.text)?;
        st.serialize_field("canonical", &self.marking)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("confidence", &self.confidence)?;
        st.serialize_field("notes", &self.notes)?;
        st.serialize_field("deciding", &self.is_deciding())?;
        st.end()
    }
}

/// The marking an input declares for itself, and where: a message's marking header, else
/// its subject, else its body (the order of authority), or a document's banners.
///
/// ```
/// use protective_marking::{MessageAnalyser, Segment};
///
/// let raw = b"Subject: Budget [In Confidence]\r\n\r\nhi\r\n";
/// let declared = MessageAnalyser::new().analyse(raw).unwrap().declared.unwrap();
/// assert_eq!(declared.at.last(), Some(&Segment::Subject));
/// assert_eq!(declared.text, "[In Confidence]");
/// assert_eq!(declared.marking.to_string(), "IN-CONFIDENCE");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Declared {
    /// The declared marking.
    pub marking: Marking,
    /// Where it was declared.
    pub at: PartPath,
    /// The text as written.
    pub text: String,
}

/// A part that could not be read, so its marking is unknown.
///
/// ```
/// use protective_marking::{MessageAnalyser, ReadError};
///
/// // A legacy Word .doc attachment (OLE2, base64): no reader, so its marking is unknown.
/// let raw = b"Subject: Plan [RESTRICTED]\r\nContent-Type: application/msword\r\n\
///             Content-Transfer-Encoding: base64\r\n\r\n0M8R4KGxGuEAAA==\r\n";
/// let report = MessageAnalyser::new().analyse(raw).unwrap();
/// assert_eq!(report.unreadable[0].at.to_string(), "attachment[1]");
/// assert!(matches!(report.unreadable[0].error, ReadError::Unsupported { .. }));
/// assert!(report.is_unreadable());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadablePart {
    /// Which part; empty for the input as a whole.
    pub at: PartPath,
    /// Why.
    pub error: ReadError,
}

impl Serialize for UnreadablePart {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("UnreadablePart", 2)?;
        st.serialize_field("location", &self.at)?;
        st.serialize_field("error", &self.error.to_string())?;
        st.end()
    }
}

/// The markings of one input and what is wrong with them.
///
/// ```
/// use protective_marking::{ProblemCode, Scanner};
/// let r = Scanner::new().scan("IN-CONFIDENCE\n\n(S) The plan.\n\nIN-CONFIDENCE\n");
/// assert_eq!(r.marking.as_ref().unwrap().to_string(), "SECRET"); // the join of what decides
/// assert!(r.has_problem(ProblemCode::UnderMarked));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// What was checked: a file name, `box.mbox#3`, `-` for standard input; empty when the
    /// caller handed the content in directly.
    pub input: String,
    /// What it was read as.
    pub format: Format,
    /// The effective marking: the join of every deciding finding; `None` when nothing
    /// decides (unmarked, or unreadable).
    pub marking: Option<Marking>,
    /// The marking the input declares for itself, if any.
    pub declared: Option<Declared>,
    /// Every marking found, in reading order.
    pub findings: Vec<Finding>,
    /// What is wrong with how it is marked.
    pub problems: Vec<Problem>,
    /// Parts that could not be read; the input itself (an empty path) when nothing could.
    pub unreadable: Vec<UnreadablePart>,
}

impl Report {
    /// An empty report of an input of `format`.
    pub fn new(format: Format) -> Report {
        Report {
            input: String::new(),
            format,
            marking: None,
            declared: None,
            findings: Vec::new(),
            problems: Vec::new(),
            unreadable: Vec::new(),
        }
    }

    /// The report of an input that could not be read at all: its marking is unknown.
    ///
    /// ```
    /// use protective_marking::{Format, ReadError, Report};
    /// let e = ReadError::Unsupported { what: "legacy Word .doc (OLE2)".into(), location: "file".into() };
    /// let r = Report::unreadable(Format::Docx, e);
    /// assert!(r.is_unreadable() && r.marking.is_none());
    /// ```
    pub fn unreadable(format: Format, error: ReadError) -> Report {
        let mut r = Report::new(format);
        r.unreadable.push(UnreadablePart {
            at: PartPath::default(),
            error,
        });
        r
    }

    /// This report named `input`.
    pub fn named(mut self, input: impl Into<String>) -> Report {
        self.input = input.into();
        self
    }

    /// The findings that decide the marking.
    pub fn deciding(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_deciding())
    }

    /// The effective classification, if any.
    pub fn classification(&self) -> Option<Classification> {
        self.marking.as_ref().map(Marking::classification)
    }

    /// Whether a problem with `code` was found.
    pub fn has_problem(&self, code: ProblemCode) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }

    /// Whether something is wrong: a problem that is not advisory
    /// ([`ProblemCode::is_advisory`]), or a part that could not be read.
    ///
    /// ```
    /// use protective_marking::Scanner;
    /// assert!(Scanner::new().scan("no marking here").has_problems());
    /// assert!(!Scanner::new().scan("IN-CONFIDENCE\ntext\nIN-CONFIDENCE").has_problems());
    /// ```
    pub fn has_problems(&self) -> bool {
        self.is_unreadable() || self.problems.iter().any(|p| !p.code.is_advisory())
    }

    /// Whether any part could not be read (the marking is then not fully known).
    pub fn is_unreadable(&self) -> bool {
        !self.unreadable.is_empty() || self.has_problem(ProblemCode::UnreadablePart)
    }

    /// The error when the input as a whole could not be read.
    pub fn error(&self) -> Option<&ReadError> {
        self.unreadable
            .iter()
            .find(|u| u.at.is_empty())
            .map(|u| &u.error)
    }

    /// The foreign dissemination caveats of its foreign markings (AUSTEO, AGAO), each once.
    pub fn foreign_caveats(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in self.deciding() {
            for c in f.foreign.iter().flat_map(|m| m.caveats.iter()) {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        }
        out
    }

    /// The problems a report lists: its problems, and an `unreadable-part` for each part
    /// that could not be read (not the whole input, which is its [`error`](Report::error)),
    /// so that a report is never clean while a part is unknown.
    pub fn listed_problems(&self) -> Vec<Problem> {
        let mut out = self.problems.clone();
        for u in self.unreadable.iter().filter(|u| !u.at.is_empty()) {
            let p = Problem::unreadable_part(Location::from(u.at.clone()), &u.error);
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// The JSON contract of `check scan --json`: `path`, `format`, `marking` (canonical text),
/// `classification`, `endorsements`, `findings`, `problems` (with the parts that could not
/// be read as `unreadable-part`) and `error` (the input as a whole could not be read).
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Report", 8)?;
        st.serialize_field("path", &self.input)?;
        st.serialize_field("format", &self.format)?;
        st.serialize_field("marking", &self.marking)?;
        st.serialize_field("classification", &self.classification())?;
        let endorsements: Vec<String> = self
            .marking
            .iter()
            .flat_map(|m| m.endorsements().iter().map(|e| e.to_string()))
            .collect();
        st.serialize_field("endorsements", &endorsements)?;
        st.serialize_field("findings", &self.findings)?;
        st.serialize_field("problems", &self.listed_problems())?;
        st.serialize_field("error", &self.error().map(|e| e.to_string()))?;
        st.end()
    }
}
