//! Explicit resource limits for reading untrusted input.
//!
//! Every reader in this crate (DOCX, PDF, MIME, plain text) enforces the limits in one
//! [`Limits`] value. A limit that is hit never means "no marking found": the reader returns
//! [`ReadError::LimitExceeded`](crate::ReadError::LimitExceeded), which names the limit, the
//! value that passed it and where, and the gateway turns that into its fail-closed action.
//!
//! The defaults are sized for a mail gateway on a small machine: a 10 MB message with DOCX and
//! PDF attachments is read well inside them, while zip bombs, deep nesting and lying lengths
//! stop early. Raise them for a batch scan of large archives; lowering them only makes more
//! input unreadable, never less safe.
//!
//! ```
//! use protective_marking::Limits;
//!
//! let mut limits = Limits::default();
//! limits.max_input_bytes = 200 * 1024 * 1024; // batch scan of big PDFs
//! assert!(limits.max_zip_entries > 0);
//! ```

use serde::{Deserialize, Serialize};

/// Resource limits for every reader. See the [module docs](self).
///
/// Every field is public plain data so that an agency policy file (TOML) can override any of
/// them; fields left out keep their default.
///
/// ```
/// use protective_marking::Limits;
///
/// // Override one field; every other field keeps its default.
/// let limits = Limits { max_mime_parts: 200, ..Limits::default() };
/// assert_eq!(limits.max_mime_parts, 200);
/// assert_eq!(limits.max_nesting_depth, 16);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest input accepted by any reader, in bytes (a file, a message, an attachment).
    /// Default 64 MiB.
    pub max_input_bytes: u64,
    /// Largest total of decompressed bytes across one container: all zip entries a DOCX,
    /// PPTX, XLSX or OpenDocument reader reads. (PDF streams are each bounded by `max_entry_bytes`; lopdf offers no
    /// running total.) Default 256 MiB.
    pub max_decompressed_bytes: u64,
    /// Largest single decompressed entry or stream, in bytes: a DOCX zip entry (read through
    /// `Read::take`, never trusting the declared size), a PDF stream decoded while loading,
    /// one PDF page's content, the XMP packet, one stream of an Outlook `.msg`, and the size
    /// a compressed RTF body declares. Default 64 MiB.
    pub max_entry_bytes: u64,
    /// Most entries in one zip container (DOCX, PPTX, XLSX, OpenDocument), checked from the
    /// central directory before any entry is read. Default 10,000.
    pub max_zip_entries: u64,
    /// Highest decompressed/compressed ratio of one zip entry, checked once the entry has
    /// inflated past 1 MiB (small entries compress well legitimately). The ratio is the bytes
    /// inflated so far over the compressed bytes read so far (not the sizes the archive
    /// declares), so a bomb stops after about 1 MiB of output. Default 200.
    pub max_compression_ratio: u64,
    /// Deepest XML element nesting in any part that is read (OOXML, OpenDocument), and
    /// deepest group nesting in an RTF body. Default 256.
    pub max_xml_depth: u64,
    /// Most objects in one PDF, counted after loading (the load itself is bounded by
    /// `max_input_bytes`). Default 500,000.
    pub max_pdf_objects: u64,
    /// Most pages in one PDF; a longer PDF is refused, not partly read. Default 10,000.
    pub max_pdf_pages: u64,
    /// Deepest nesting of containers inside containers: `message/rfc822` in a message,
    /// multipart in multipart, a document attached to a message, a message or file attached
    /// to an Outlook `.msg`. Default 16.
    pub max_nesting_depth: u64,
    /// Most MIME parts in one message, counted across all nesting levels. Default 1,000.
    pub max_mime_parts: u64,
    /// Longest text extracted from one input, in bytes; text past it is not scanned, so the
    /// input is reported unreadable rather than partly read. Default 64 MiB.
    pub max_text_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 * 1024 * 1024,
            max_decompressed_bytes: 256 * 1024 * 1024,
            max_entry_bytes: 64 * 1024 * 1024,
            max_zip_entries: 10_000,
            max_compression_ratio: 200,
            max_xml_depth: 256,
            max_pdf_objects: 500_000,
            max_pdf_pages: 10_000,
            max_nesting_depth: 16,
            max_mime_parts: 1_000,
            max_text_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Names one field of [`Limits`], for [`ReadError::LimitExceeded`](crate::ReadError::LimitExceeded).
///
/// ```
/// use protective_marking::{limits::Limit, Limits};
///
/// // An error names the limit; its field name says what to raise in a policy file.
/// let limit = Limit::ZipEntries;
/// assert_eq!(limit.to_string(), "max_zip_entries");
/// assert_eq!(limit.max_in(&Limits::default()), 10_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_input_bytes`]
    InputBytes,
    /// [`Limits::max_decompressed_bytes`]
    DecompressedBytes,
    /// [`Limits::max_entry_bytes`]
    EntryBytes,
    /// [`Limits::max_zip_entries`]
    ZipEntries,
    /// [`Limits::max_compression_ratio`]
    CompressionRatio,
    /// [`Limits::max_xml_depth`]
    XmlDepth,
    /// [`Limits::max_pdf_objects`]
    PdfObjects,
    /// [`Limits::max_pdf_pages`]
    PdfPages,
    /// [`Limits::max_nesting_depth`]
    NestingDepth,
    /// [`Limits::max_mime_parts`]
    MimeParts,
    /// [`Limits::max_text_bytes`]
    TextBytes,
}

impl Limit {
    /// The field name in [`Limits`] (and in a policy file), e.g. `max_zip_entries`.
    pub fn field_name(self) -> &'static str {
        match self {
            Limit::InputBytes => "max_input_bytes",
            Limit::DecompressedBytes => "max_decompressed_bytes",
            Limit::EntryBytes => "max_entry_bytes",
            Limit::ZipEntries => "max_zip_entries",
            Limit::CompressionRatio => "max_compression_ratio",
            Limit::XmlDepth => "max_xml_depth",
            Limit::PdfObjects => "max_pdf_objects",
            Limit::PdfPages => "max_pdf_pages",
            Limit::NestingDepth => "max_nesting_depth",
            Limit::MimeParts => "max_mime_parts",
            Limit::TextBytes => "max_text_bytes",
        }
    }

    /// `Ok` when `value` is within this limit in `limits`; otherwise the
    /// [`ReadError::LimitExceeded`](crate::ReadError::LimitExceeded) naming it at `location`.
    /// Readers compare a count with a `Limits` field through this, so the error is built in
    /// one place.
    #[cfg(feature = "documents")] // the readers (documents, and mail, which needs them)
    pub(crate) fn check(
        self,
        limits: &Limits,
        value: u64,
        location: &str,
    ) -> Result<(), crate::ReadError> {
        let max = self.max_in(limits);
        if value > max {
            return Err(crate::ReadError::LimitExceeded {
                limit: self,
                value,
                max,
                location: location.to_owned(),
            });
        }
        Ok(())
    }

    /// The configured maximum for this limit in `limits`.
    pub fn max_in(self, limits: &Limits) -> u64 {
        match self {
            Limit::InputBytes => limits.max_input_bytes,
            Limit::DecompressedBytes => limits.max_decompressed_bytes,
            Limit::EntryBytes => limits.max_entry_bytes,
            Limit::ZipEntries => limits.max_zip_entries,
            Limit::CompressionRatio => limits.max_compression_ratio,
            Limit::XmlDepth => limits.max_xml_depth,
            Limit::PdfObjects => limits.max_pdf_objects,
            Limit::PdfPages => limits.max_pdf_pages,
            Limit::NestingDepth => limits.max_nesting_depth,
            Limit::MimeParts => limits.max_mime_parts,
            Limit::TextBytes => limits.max_text_bytes,
        }
    }
}

crate::text::display_as!(Limit, field_name);

#[cfg(feature = "documents")]
/// All of `reader`, refusing more than [`Limits::max_input_bytes`] (fail closed: an input
/// is read whole or not at all, never cut short). `location` names the input in errors.
pub(crate) fn read_input(
    reader: impl std::io::Read,
    limits: &Limits,
    location: &str,
) -> Result<Vec<u8>, crate::error::ReadError> {
    use std::io::Read;
    let max = limits.max_input_bytes;
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| crate::error::ReadError::io(location, &e))?;
    Limit::InputBytes.check(limits, bytes.len() as u64, location)?;
    Ok(bytes)
}
