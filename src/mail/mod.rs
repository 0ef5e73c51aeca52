//! Reading the marking carriers of email (NZISM 15.1, PSR-HB p.14).
//!
//! A protective marking travels in a message in several places, in this order of authority: a
//! marking header, the subject (NZISM 15.1.11.C.03 asks for one of the two; the header wins, as
//! in the Australian standard), the first and last lines of the body (PSR-HB p.14 marks the
//! start of the body); and attachments are read as documents. The message's marking is the
//! highest of them all (NZISM 15.1.11.C.02). This module extracts all of them from raw message
//! bytes, within explicit [`Limits`](crate::Limits), without panicking. It does not decide what
//! is a marking: that is the marking grammar's job, which reads the strings produced here.
//!
//! * [`read_message`]: raw bytes to [`MessageContent`] (headers, subject, bodies with their
//!   quoted thread text kept apart, attachments with bytes, nested messages).
//! * [`MessageAnalyser`]: a message's [`Report`](crate::Report), every carrier read
//!   (`X-Protective-Marking`, `X-Security-Classification`, `msip_labels`,
//!   `x-tituslabs-classifications-30`, the subject, the body, the attachments).
//! * [`add_marking_to_subject`]: writes a marking into a subject.
//! * [`split_mbox`], [`MboxReader`] (streaming), [`is_mbox`], [`maildir_messages`], [`is_maildir`]:
//!   mailbox containers; [`is_message`] tells a message file by its content.
//!
//! # Example
//! ```
//! use protective_marking::{mail::read_message, Limits};
//!
//! let raw = b"Subject: Budget [IN-CONFIDENCE]\r\n\
//!             msip_labels: MSIP_Label_1234-abcd_Enabled=true; MSIP_Label_1234-abcd_Name=IC\r\n\
//!             \r\nIN-CONFIDENCE\r\n\r\nThe figures.\r\n";
//! let m = read_message(raw, &Limits::default())?;
//! assert_eq!(m.subject.as_deref(), Some("Budget [IN-CONFIDENCE]"));
//! assert_eq!(m.marking_headers[0].name, "msip_labels");
//! assert_eq!(m.bodies[0].new_text.lines().next(), Some("IN-CONFIDENCE"));
//! # Ok::<(), protective_marking::ReadError>(())
//! ```
//!
//! # Untrusted input
//! mail-parser runs inside `catch_unwind`; nested messages are re-parsed here level by level
//! (mail-parser would stop at 3 encoded levels, and its in-line nesting is unbounded and
//! dropped recursively); parts, depth, input size and text size are limited. Anything that
//! stops reading early is a [`ReadError`](crate::ReadError); anything read only partly is a
//! [`MailProblem`].

mod analysis;
mod carriers;
mod header;
pub(crate) mod html;
mod mbox;
mod message;
mod msg;
mod prescan;
mod quote;
mod subject;
mod walk;

pub use analysis::{Carrier, MessageAnalyser};
pub use carriers::{SubjectCarrier, SubjectMarking};
pub use header::HeaderDialect;
pub use mbox::{MboxReader, is_maildir, is_mbox, is_message, maildir_messages, split_mbox};
pub use message::{
    Attachment, MAX_SUPPORTED_NESTING_DEPTH, MailProblem, MailProblemKind, MarkingHeader,
    MessageContent, TextPart, read_message,
};
pub use subject::{SubjectPosition, add_marking_to_subject};

/// The tokenisers under the message analysis, for the crate's fuzz targets and tests. Not part
/// of the semver-public API: read markings through [`MessageAnalyser`].
#[doc(hidden)]
pub mod internal {
    pub use super::header::{
        EpmsCaveat, EpmsFields, HeaderError, HeaderTokens, MsipLabel, TitusFields, tokenise_header,
        tokenise_msip_labels, tokenise_protective_marking, tokenise_titus,
    };
    pub use super::subject::{
        BracketCandidate, SubjectCandidates, SubjectToken, subject_candidates,
    };
}
