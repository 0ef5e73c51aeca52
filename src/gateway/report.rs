//! The analysis of one message: where its marking was declared, what its parts carry, and
//! what is wrong (the input to the gateway decision).

use crate::error::ReadError;
use crate::marking::Marking;
use crate::problem::{Problem, ProblemCode};
use serde::Serialize;

/// Where a marking was read in a message (decisions.md D5, in order of authority).
///
/// ```
/// use protective_marking::{Carrier, MessageAnalyser};
///
/// let raw = b"X-Security-Classification: RESTRICTED\r\nSubject: Plan [RESTRICTED]\r\n\r\nhi\r\n";
/// let report = MessageAnalyser::new().analyse(raw).unwrap();
/// // Both carry the marking; the header is the more authoritative (D5).
/// assert_eq!(report.declared.unwrap().carrier, Carrier::Header);
/// assert!(Carrier::Header < Carrier::Subject);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Carrier {
    /// A protective-marking header (`X-Protective-Marking`, `X-Security-Classification`,
    /// `msip_labels`, Titus).
    Header,
    /// The subject line.
    Subject,
    /// The first or last lines of a text or HTML body.
    Body,
    /// An attachment, read as a document.
    Attachment,
    /// Text quoted from an earlier message of the thread (reply or forward).
    Quoted,
}

/// The marking a message declares for itself, and where.
///
/// ```
/// use protective_marking::{Carrier, MessageAnalyser};
///
/// let raw = b"Subject: Budget [In Confidence]\r\n\r\nhi\r\n";
/// let declared = MessageAnalyser::new().analyse(raw).unwrap().declared.unwrap();
/// assert_eq!(declared.carrier, Carrier::Subject);
/// assert_eq!(declared.location, "subject");
/// // The text as written, next to the marking read from it.
/// assert_eq!(declared.text, "[In Confidence]");
/// assert_eq!(declared.marking.to_string(), "IN-CONFIDENCE");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Declared {
    /// The declared marking.
    pub marking: Marking,
    /// Which carrier declared it (the most authoritative one present, D5).
    pub carrier: Carrier,
    /// Where exactly, e.g. `header:X-Protective-Marking` or `subject`.
    pub location: String,
    /// The text as written.
    pub text: String,
}

/// One marking found in a message.
///
/// ```
/// use protective_marking::{Carrier, MessageAnalyser};
///
/// let raw = b"Subject: Plan [RESTRICTED]\r\n\r\nSECRET\r\n\r\nThe plan.\r\n";
/// let report = MessageAnalyser::new().analyse(raw).unwrap();
/// let body = report.findings.iter().find(|f| f.carrier == Carrier::Body).unwrap();
/// assert_eq!(body.location, "body/text");
/// assert_eq!(body.marking.to_string(), "SECRET");
/// // A body banner decides, so the message is SECRET, above its subject.
/// assert!(body.deciding);
/// assert_eq!(report.effective.unwrap().to_string(), "SECRET");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MessageFinding {
    /// Where: `subject`, `header:X-Protective-Marking`, `body/text`, `attachment[1]/page 2`...
    pub location: String,
    /// The kind of carrier.
    pub carrier: Carrier,
    /// The text as written.
    pub text: String,
    /// The marking read.
    pub marking: Marking,
    /// Whether it decides the message's marking (banners, headers, subject, attachment
    /// markings do; prose and quoted thread text do not).
    pub deciding: bool,
}

/// A part of a message that could not be read, so its marking is unknown.
///
/// ```
/// use protective_marking::{MessageAnalyser, ReadError};
///
/// // A legacy Word .doc attachment (OLE2, base64): no reader, so its marking is unknown.
/// let raw = b"Subject: Plan [RESTRICTED]\r\nContent-Type: application/msword\r\n\
///             Content-Transfer-Encoding: base64\r\n\r\n0M8R4KGxGuEAAA==\r\n";
/// let report = MessageAnalyser::new().analyse(raw).unwrap();
/// assert_eq!(report.unreadable[0].location, "attachment[1]");
/// assert!(matches!(report.unreadable[0].error, ReadError::Unsupported { .. }));
/// assert!(report.is_unreadable());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnreadablePart {
    /// Where, e.g. `attachment[2]`.
    pub location: String,
    /// Why.
    #[serde(serialize_with = "crate::gateway::report::display")]
    pub error: ReadError,
}

pub(crate) fn display<S: serde::Serializer, T: std::fmt::Display>(
    v: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Everything the gateway needs to know about one message.
///
/// ```
/// use protective_marking::{Marking, MessageReport};
/// let report = MessageReport::default();
/// assert!(report.effective.is_none()); // nothing found: unmarked
/// assert!(!report.is_unreadable());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MessageReport {
    /// The marking the message declares (header, else subject, else body), if any.
    pub declared: Option<Declared>,
    /// The join of every deciding marking in the message, declared and found in parts
    /// (NZISM 15.1.11.C.02: the highest of all parts, attachments included).
    pub effective: Option<Marking>,
    /// Every marking found, with its location.
    pub findings: Vec<MessageFinding>,
    /// What is wrong with the message's marking.
    pub problems: Vec<Problem>,
    /// Foreign dissemination caveats seen anywhere (AUSTEO, AGAO; decisions.md D6).
    pub foreign_caveats: Vec<String>,
    /// Parts that could not be read.
    pub unreadable: Vec<UnreadablePart>,
}

impl MessageReport {
    /// Whether any part could not be read (the marking is then not fully known).
    pub fn is_unreadable(&self) -> bool {
        !self.unreadable.is_empty()
            || self
                .problems
                .iter()
                .any(|p| p.code == ProblemCode::UnreadablePart)
    }

    /// Whether a problem with `code` was found.
    pub fn has_problem(&self, code: ProblemCode) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }
}
