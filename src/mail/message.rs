//! What a message carries, ready for marking detection: the marking headers, the subject,
//! the bodies and the attachments.
//!
//! [`read_message`] turns raw message bytes into a [`MessageContent`]: the marking headers, the
//! decoded subject, every text body (HTML converted to text) with its quoted thread text kept
//! apart, every attachment with its decoded bytes, and nested messages read recursively. It
//! reads; it does not decide what any of it means.

use serde::Serialize;

use super::header::{HeaderDialect, HeaderError, HeaderTokens, tokenise_header};
use super::subject::{SubjectCandidates, subject_candidates};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::PartPath;

/// Everything in one message that can carry a protective marking.
///
/// Paths name where each piece came from: `body/text`, `body/html`, `attachment[2]`,
/// `attachment[2]/body/text` (the text body of a message attached as the second attachment).
/// Attachments are numbered from 1 in MIME order within their message.
///
/// ```
/// use protective_marking::{mail::read_message, Limits};
///
/// let raw = b"From: Alice <alice@agency.govt.nz>\r\nSubject: Plan [RESTRICTED]\r\n\r\nhi\r\n";
/// let m = read_message(raw, &Limits::default())?;
/// assert_eq!(m.from.as_deref(), Some("alice@agency.govt.nz"));
/// assert_eq!(m.subject.as_deref(), Some("Plan [RESTRICTED]"));
/// assert_eq!(m.bodies[0].text, "hi");
/// // Nothing was lost, so markings read from it are the whole story.
/// assert!(m.is_complete());
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MessageContent {
    /// Where this message is: empty for the message read, `attachment[2]` for a nested one.
    pub path: PartPath,
    /// The `Subject`, RFC 2047 decoded and unfolded.
    pub subject: Option<String>,
    /// The first `From` address (or display name when there is no address).
    pub from: Option<String>,
    /// `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To` ids: non-empty for a reply.
    pub in_reply_to: Vec<String>,
    /// `References` ids: non-empty for a reply or (for most clients) a forward.
    pub references: Vec<String>,
    /// Every marking header present, in header order ([`HeaderDialect`] dialects), repeated
    /// fields included (the Australian standard allows one `X-Protective-Marking`; two that
    /// disagree are for the grammar to reject).
    pub marking_headers: Vec<MarkingHeader>,
    /// Every text/plain and text/html body part, in MIME order.
    pub bodies: Vec<TextPart>,
    /// Every other part, in MIME order, nested messages included.
    pub attachments: Vec<Attachment>,
    /// Parts that could not be read completely, in this message and every message nested in
    /// it. Non-empty means some content may be missing: the marking read from this message is
    /// a lower bound, not the answer.
    pub problems: Vec<MailProblem>,
}

impl MessageContent {
    /// True when `In-Reply-To` or `References` is present or the subject starts with a reply
    /// or forward prefix (`RE:`, `FW:`, `Fwd:`...): the thread may hold earlier markings that
    /// this message must not go below (NZISM 15.1.10.C.03).
    ///
    /// ```
    /// use protective_marking::{mail::read_message, Limits};
    /// let m = read_message(b"Subject: RE: plans\r\n\r\nok\r\n", &Limits::default())?;
    /// assert!(m.is_reply_or_forward());
    /// # Ok::<(), protective_marking::ReadError>(())
    /// ```
    pub fn is_reply_or_forward(&self) -> bool {
        !self.in_reply_to.is_empty()
            || !self.references.is_empty()
            || self
                .subject_candidates()
                .is_some_and(|c| c.is_reply_or_forward())
    }

    /// The marking candidates of the subject; for the crate's tests and fuzz targets.
    #[doc(hidden)]
    pub fn subject_candidates(&self) -> Option<SubjectCandidates> {
        self.subject.as_deref().map(subject_candidates)
    }

    /// Every body of this message and of every nested message, depth first in MIME order.
    ///
    /// ```
    /// use protective_marking::{mail::read_message, Limits};
    /// let raw = b"Subject: outer\r\nContent-Type: message/rfc822\r\n\r\n\
    ///             Subject: inner\r\n\r\nSECRET\r\n";
    /// let m = read_message(raw, &Limits::default())?;
    /// let paths: Vec<_> = m.all_bodies().iter().map(|b| b.path.to_string()).collect();
    /// assert_eq!(paths, ["attachment[1]/body/text"]);
    /// # Ok::<(), protective_marking::ReadError>(())
    /// ```
    pub fn all_bodies(&self) -> Vec<&TextPart> {
        let mut out = Vec::new();
        self.visit(&mut |m| out.extend(m.bodies.iter()));
        out
    }

    /// Every attachment of this message and of every nested message (the nested message
    /// itself included as an attachment), depth first in MIME order.
    ///
    /// ```
    /// use protective_marking::{mail::read_message, Limits};
    /// let raw = b"Subject: outer\r\nContent-Type: message/rfc822\r\n\r\n\
    ///             Subject: inner\r\n\r\nSECRET\r\n";
    /// let m = read_message(raw, &Limits::default())?;
    /// assert_eq!(m.all_attachments().len(), 1);
    /// # Ok::<(), protective_marking::ReadError>(())
    /// ```
    pub fn all_attachments(&self) -> Vec<&Attachment> {
        let mut out = Vec::new();
        collect_attachments(self, &mut out);
        out
    }

    /// True when nothing was flagged in [`problems`](Self::problems).
    pub fn is_complete(&self) -> bool {
        self.problems.is_empty()
    }

    fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a MessageContent)) {
        f(self);
        for a in &self.attachments {
            if let Some(m) = &a.message {
                m.visit(f);
            }
        }
    }
}

fn collect_attachments<'a>(m: &'a MessageContent, out: &mut Vec<&'a Attachment>) {
    for a in &m.attachments {
        out.push(a);
        if let Some(nested) = &a.message {
            collect_attachments(nested, out);
        }
    }
}

/// The raw value of one marking header.
///
/// ```
/// use protective_marking::{mail::{read_message, HeaderDialect}, Limits};
///
/// let raw = b"x-security-classification:  RESTRICTED \r\n\r\nhi\r\n";
/// let h = &read_message(raw, &Limits::default())?.marking_headers[0];
/// // The dialect is found whatever the case of the name; the name stays as written.
/// assert_eq!(h.dialect, HeaderDialect::SecurityClassification);
/// assert_eq!(h.name, "x-security-classification");
/// assert_eq!(h.value, "RESTRICTED");
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MarkingHeader {
    /// Which dialect.
    pub dialect: HeaderDialect,
    /// The field name as written in the message.
    pub name: String,
    /// The value, unfolded and trimmed (RFC 2047 encoded words decoded, if any).
    pub value: String,
}

impl MarkingHeader {
    /// Tokenises the value by its dialect; for the crate's tests and fuzz targets (the
    /// [`MessageAnalyser`](super::MessageAnalyser) reads the marking).
    ///
    /// # Errors
    /// A malformed `X-Protective-Marking` value.
    #[doc(hidden)]
    pub fn tokenise(&self) -> Result<HeaderTokens, HeaderError> {
        tokenise_header(self.dialect, &self.value)
    }
}

use crate::path::BodyKind;

/// One text body.
///
/// ```
/// use protective_marking::{mail::read_message, Limits};
///
/// let raw = b"Subject: RE: plan\r\n\r\nRESTRICTED\r\nAgreed.\r\n> SECRET\r\n> The plan.\r\n";
/// let body = &read_message(raw, &Limits::default())?.bodies[0];
/// assert_eq!(body.path, "body/text");
/// // What the sender wrote is kept apart from the thread it quotes.
/// assert_eq!(body.new_text, "RESTRICTED\nAgreed.");
/// assert_eq!(body.quoted, ["SECRET\nThe plan."]);
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextPart {
    /// `body/text`, `body/html`, `body/text[2]` (a second plain body), with the nested
    /// message's path in front for nested messages.
    pub path: PartPath,
    /// Plain or HTML.
    pub kind: BodyKind,
    /// The whole decoded text, with `\n` line ends and no trailing line break (for HTML:
    /// tags removed, entities decoded, one block per line, `<blockquote>` lines prefixed `> `).
    pub text: String,
    /// The text without its quoted thread portions: what the sender wrote in this message.
    /// Its first and last lines are where a body marking sits (PSR-HB p.14 marks the start
    /// of the body).
    pub new_text: String,
    /// Each quoted thread portion (lines starting `>` with the markers removed, or everything
    /// after a reply/forward separator such as `-----Original Message-----`, `On ... wrote:`
    /// or an Outlook `From:`/`Sent:` block), kept apart so a later check can compare the new
    /// marking with earlier ones (NZISM 15.1.10.C.03).
    pub quoted: Vec<String>,
}

/// One attachment (any part that is not a text body), with its decoded bytes.
///
/// ```
/// use protective_marking::{mail::read_message, Limits};
///
/// let raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
///             Content-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\n\
///             Content-Type: application/pdf; name=plan.pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n";
/// let a = &read_message(raw, &Limits::default())?.attachments[0];
/// assert_eq!(a.path, "attachment[1]");
/// assert_eq!(a.filename.as_deref(), Some("plan.pdf"));
/// assert_eq!(a.content_type, "application/pdf");
/// // The decoded bytes, ready for a document reader.
/// assert!(a.bytes.starts_with(b"%PDF-"));
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// `attachment[1]`, `attachment[2]/attachment[1]`...
    pub path: PartPath,
    /// The file name (RFC 2231 / RFC 2047 decoded) from `Content-Disposition` or
    /// `Content-Type`.
    pub filename: Option<String>,
    /// `type/subtype`, lower case (`application/pdf`; `message/rfc822` for a digest entry).
    pub content_type: String,
    /// Size of [`bytes`](Self::bytes).
    pub size: u64,
    /// The decoded content (transfer encoding removed). A text attachment is given as UTF-8
    /// after charset conversion; a nested message as its raw bytes. Not serialised.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// For `message/rfc822`, `message/global` and `multipart/digest` entries: the nested
    /// message, read to [`Limits::max_nesting_depth`](crate::Limits::max_nesting_depth).
    pub message: Option<Box<MessageContent>>,
}

/// A part that could not be read completely. Not fatal: the rest of the message was read, but
/// the caller must know that the content may be incomplete (a gateway treats the marking as
/// unknown and never accepts the message).
///
/// ```
/// use protective_marking::{mail::read_message, Limits};
///
/// let raw = b"Content-Type: multipart/mixed; boundary=zz\r\n\r\nSECRET\r\n";
/// let m = read_message(raw, &Limits::default())?;
/// // Read anyway, but flagged: the marking read is a lower bound.
/// assert!(!m.is_complete());
/// assert_eq!(m.problems[0].path, "body/text");
/// assert!(m.problems[0].to_string().starts_with("body/text: multipart boundary \"zz\""));
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MailProblem {
    /// Where: `body/text`, `attachment[3]`, `attachment[2]/attachment[1]`, or empty for the
    /// message itself.
    pub path: PartPath,
    /// What is wrong.
    pub kind: MailProblemKind,
}

impl std::fmt::Display for MailProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "message: {}", self.kind)
        } else {
            write!(f, "{}: {}", self.path, self.kind)
        }
    }
}

/// What is wrong with a part. See [`MailProblem`].
///
/// ```
/// use protective_marking::{mail::{read_message, MailProblemKind}, Limits};
///
/// let raw = b"Content-Type: multipart/mixed; boundary=zz\r\n\r\nSECRET\r\n";
/// let m = read_message(raw, &Limits::default())?;
/// assert_eq!(m.problems[0].kind, MailProblemKind::BoundaryNotFound { boundary: "zz".into() });
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum MailProblemKind {
    /// The part's transfer encoding or structure was broken; mail-parser recovered what it
    /// could (its `is_encoding_problem`), often the raw undecoded text.
    #[error("the part is badly encoded; its content was recovered partly or undecoded")]
    BadEncoding,
    /// A multipart declares a boundary that never appears; its whole body was read as one
    /// text part.
    #[error("multipart boundary {boundary:?} never appears; the body was read as one text part")]
    BoundaryNotFound {
        /// The declared boundary.
        boundary: String,
    },
    /// A multipart has a boundary but no parts.
    #[error("multipart has no parts")]
    EmptyMultipart,
    /// A `message/rfc822` (or digest entry) has no readable header; it is kept as an
    /// attachment but its marking cannot be read as a message.
    #[error("nested message has no readable headers")]
    UnreadableNestedMessage,
}

/// Reads every marking carrier of one message: marking headers, subject, bodies and
/// attachments.
///
/// The message is parsed with mail-parser 0.11.9 inside `catch_unwind`. Nested messages
/// (`message/rfc822`, `message/global`, `multipart/digest` entries) are re-parsed here one
/// level at a time rather than by mail-parser, so they are followed to
/// [`Limits::max_nesting_depth`] instead of mail-parser's fixed 3 levels, and a deeply nested
/// message cannot exhaust the stack.
///
/// Limits (every one fails closed, [`ReadError::LimitExceeded`]):
/// * [`Limits::max_input_bytes`]: the raw message length.
/// * [`Limits::max_mime_parts`]: MIME parts across all nesting levels, containers included.
///   Checked first against an upper bound taken from the bytes (the `--boundary` delimiters
///   of every declared boundary), so a message with a million parts is refused before it is
///   parsed; then exactly while walking.
/// * [`Limits::max_nesting_depth`]: multipart-in-multipart and message-in-message levels,
///   counted together (the top-level message is depth 0, its top multipart depth 1). Values
///   above [`MAX_SUPPORTED_NESTING_DEPTH`] are treated as that ceiling.
/// * [`Limits::max_text_bytes`]: total decoded body text, all levels.
///
/// Problems that lose content but are not fatal (bad transfer encoding, a boundary that never
/// appears, an unreadable nested message) are listed in [`MessageContent::problems`].
///
/// # Errors
/// * [`ReadError::LimitExceeded`] as above.
/// * [`ReadError::Corrupt`] (`format: Format::Eml`) when the input has no header field at all
///   (it is not a message).
/// * [`ReadError::ParserPanicked`] if mail-parser panics (caught; requires `panic = "unwind"`).
///
/// # Example
/// ```
/// use protective_marking::{mail::read_message, Limits};
///
/// let raw = b"Subject: =?UTF-8?Q?Budget_bid_=5BIN-CONFIDENCE=5D?=\r\n\
///             X-Protective-Marking: VER=2024.1, NS=govt.nz, SEC=IN-CONFIDENCE, ORIGIN=a@b.govt.nz\r\n\
///             Content-Type: text/plain\r\n\r\nIN-CONFIDENCE\r\nHello\r\n> earlier text\r\n";
/// let m = read_message(raw, &Limits::default())?;
/// assert_eq!(m.subject.as_deref(), Some("Budget bid [IN-CONFIDENCE]"));
/// assert_eq!(m.marking_headers[0].name, "X-Protective-Marking");
/// assert_eq!(m.bodies[0].path, "body/text");
/// assert_eq!(m.bodies[0].new_text, "IN-CONFIDENCE\nHello");
/// assert_eq!(m.bodies[0].quoted, ["earlier text"]);
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
pub fn read_message(raw: &[u8], limits: &Limits) -> Result<MessageContent, ReadError> {
    super::walk::read_top(raw, limits)
}

/// The deepest nesting [`read_message`] follows, whatever [`Limits::max_nesting_depth`] says.
///
/// Nested messages are read recursively and each level is parsed again, so an unbounded depth
/// would let one message cost quadratic time and unbounded stack. Past this depth the message
/// is refused with [`ReadError::LimitExceeded`] (`max` reports this ceiling), never read
/// partly.
pub const MAX_SUPPORTED_NESTING_DEPTH: u64 = 64;
