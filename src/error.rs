//! Error types.
//!
//! Two kinds of failure are kept apart, because a caller must act differently on each:
//!
//! * [`ParseError`](crate::ParseError): text that was offered as a protective marking is not one. It carries the
//!   byte offset of the problem and says what to write instead.
//! * [`ReadError`]: input (a DOCX, a PDF, a message) could not be read completely: it is
//!   corrupt, encrypted, or passed a [`Limits`](crate::Limits) value. Callers must treat the
//!   input's marking as unknown, and a gateway fails closed on it.
//!
//! A non-canonical but readable marking is neither: it is a warning on the parsed marking or a
//! note on a scanner finding.

use crate::limits::Limit;
use crate::report::Format;
use thiserror::Error;

/// Input that could not be read completely, so its marking cannot be determined.
///
/// Never treat a `ReadError` as "unmarked": the content that was not read may carry any
/// marking. The gateway maps every variant to its configured `on_error` action (tempfail by
/// default), never to accept.
///
/// ```
/// # #[cfg(feature = "documents")] {
/// use protective_marking::document::read_text;
/// use protective_marking::{limits::Limit, Limits, ReadError};
///
/// // Six bytes against a four-byte limit: an error that names the limit, never "unmarked".
/// let limits = Limits { max_input_bytes: 4, ..Limits::default() };
/// let err = read_text(b"SECRET", &limits).unwrap_err();
/// assert!(matches!(
///     err,
///     ReadError::LimitExceeded { limit: Limit::InputBytes, value: 6, max: 4, .. }
/// ));
/// assert!(err.to_string().ends_with("raise the limit only for trusted input"));
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// A configured limit was passed. Raise the named field of
    /// [`Limits`](crate::Limits) if the input is trusted and legitimately this large.
    #[error(
        "{location}: {limit} exceeded ({value} > {max}); raise the limit only for trusted input"
    )]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The value that passed it (bytes, entries, depth, ratio...).
        value: u64,
        /// The configured maximum.
        max: u64,
        /// Where in the input, e.g. `word/document.xml` or `attachment[2]`.
        location: String,
    },
    /// The input is encrypted (password-protected PDF, OLE-wrapped encrypted OOXML) and its
    /// text cannot be read. Ask the sender for an unencrypted copy or scan it where the key is.
    #[error("{location}: {format} is encrypted; its marking cannot be read without the password")]
    Encrypted {
        /// What it is.
        format: Format,
        /// Where in the input.
        location: String,
    },
    /// The input is damaged or not what it claims to be. `reason` is the underlying parser's
    /// description.
    #[error("{location}: corrupt {format}: {reason}")]
    Corrupt {
        /// What it was read as (a DOCX for its zip container and XML parts, a message for
        /// its MIME).
        format: Format,
        /// Where in the input.
        location: String,
        /// What the parser reported.
        reason: String,
    },
    /// The input's format is recognised but no reader for it is compiled in or implemented
    /// (for example a legacy `.doc`, or a DOCX with the `documents` feature turned off).
    #[error("{location}: cannot read {what}; its marking cannot be determined")]
    Unsupported {
        /// What was found, e.g. `"legacy Word .doc (OLE2)"`.
        what: String,
        /// Where in the input.
        location: String,
    },
    /// The input could not be read from where it is (a file that cannot be opened, a read
    /// that failed). Nothing of it was checked.
    #[error("{location}: read failed: {reason}; its marking is unknown")]
    Io {
        /// The input.
        location: String,
        /// The operating system's description.
        reason: String,
    },
    /// A third-party parser panicked on this input; the panic was caught. The input is
    /// treated as corrupt.
    #[error("{location}: the {parser} parser failed on this input (caught panic)")]
    ParserPanicked {
        /// Which parser, e.g. `"docx-rs"`.
        parser: &'static str,
        /// Where in the input.
        location: String,
    },
}

impl ReadError {
    #[cfg(feature = "documents")]
    /// A [`ReadError::Io`] for the input at `location`.
    pub(crate) fn io(location: &str, e: &std::io::Error) -> ReadError {
        ReadError::Io {
            location: location.into(),
            reason: e.to_string(),
        }
    }
}
