//! Text extraction from documents: DOCX, PDF and plain text, within explicit [`Limits`].
//!
//! [`read`] turns the bytes of a file into a [`Document`]: a list of text [`Part`]s, each with
//! a typed [`PartPath`] that prints as a stable human-readable path (`body`,
//! `header[first]/section 1`, `page 3/top`, `property:custom/Classification`...) and a
//! [`PartKind`]. This layer only extracts text
//! faithfully; finding markings in it is the scanner's job.
//!
//! ```
//! use protective_marking::Limits;
//! use protective_marking::document::{read, Format, PartKind};
//!
//! let doc = read(b"IN-CONFIDENCE\nBudget notes", &Limits::default())?;
//! assert_eq!(doc.format, Format::Text);
//! assert_eq!(doc.parts[0].kind, PartKind::Body);
//! assert!(doc.parts[0].text.starts_with("IN-CONFIDENCE"));
//! # Ok::<(), protective_marking::ReadError>(())
//! ```
//!
//! # Untrusted input
//!
//! Every reader enforces [`Limits`] and returns [`ReadError`] instead of a partial document:
//! a limit that is hit, an encrypted file or a corrupt container is "marking unknown", never
//! "unmarked" (lopdf, for one, reads a password-protected PDF as an empty document, so the
//! reader checks for encryption itself). Readers never panic on input: the DOCX reader is the
//! crate's own bounded zip + quick-xml walk (docx-rs panics on corrupt zip entries and can
//! loop forever on malformed XML, so it is not used on untrusted input; an OOXML part is read
//! first by a tokenizer for the regular markup office suites write, which yields quick-xml's
//! own events and hands anything else to quick-xml), and every
//! third-party parser call runs inside `catch_unwind`, a caught panic becoming
//! [`ReadError::ParserPanicked`].

mod banners;
mod check;
mod check_office;
mod docx;
mod docx_text;
mod drawing;
mod msg;
mod msg_parts;
mod msg_props;
mod odf;
mod odf_text;
mod ooxml;
mod parts;
mod pdf;
mod pdf_text;
mod pptx;
mod rtf;
mod sniff;
mod worksheet;
mod xlsx;
mod xml;
mod xml_tokens;
mod zip_reader;

use crate::error::ReadError;
use crate::limits::{Limit, Limits};
pub use crate::path::HeaderKind;
use crate::path::{PartPath, Segment};
use serde::{Deserialize, Serialize};

pub use check::check;
pub use docx::read_docx;
pub use msg::{MsgAttachment, MsgMessage, read_msg, read_msg_message};
pub use odf::read_odf;
pub use pdf::read_pdf;
pub use pptx::read_pptx;
pub use xlsx::read_xlsx;

/// What a document was read as; the one [`Format`] of every report.
pub use crate::report::Format;

/// One extracted document: its format, its text parts and its page or section count.
///
/// ```
/// use protective_marking::Limits;
/// use protective_marking::document::read_text;
///
/// let doc = read_text(b"hello", &Limits::default())?;
/// assert_eq!((doc.sections, doc.pages, doc.parts.len()), (0, 0, 1));
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Document {
    /// What the input was read as.
    pub format: Format,
    /// Text parts in a stable order: for DOCX the body, then headers and footers in section
    /// order, notes, comments, deleted and hidden text, watermarks, properties; for PDF each
    /// page's text, top and bottom line, then metadata.
    pub parts: Vec<Part>,
    /// Number of DOCX sections (`w:sectPr` elements); 0 for PDF and text.
    pub sections: u32,
    /// Number of PDF pages, or of slides in a presentation (PPTX, ODP); 0 otherwise.
    pub pages: u32,
}

/// One piece of text from a document, with where it came from.
///
/// ```
/// use protective_marking::{Limits, PartPath, Segment};
/// use protective_marking::document::{read_text, PartKind};
///
/// let part = &read_text(b"SECRET", &Limits::default())?.parts[0];
/// assert_eq!((part.path.to_string(), part.kind), ("body".to_string(), PartKind::Body));
/// assert_eq!(part.path, PartPath::of(Segment::Body));
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Part {
    /// Where: `body`, `header[default]/section 2`, `footer[first]/section 1`,
    /// `body/deleted`, `header[default]/section 1/watermark`, `property:core/subject`,
    /// `property:custom/Classification`, `page 3/top`, `metadata:info/Title`,
    /// `metadata:xmp`.
    pub path: PartPath,
    /// What kind of text this is.
    pub kind: PartKind,
    /// The text. DOCX: one line per paragraph with text, runs joined without a separator.
    /// PDF: lopdf's text of the page.
    pub text: String,
}

impl Part {
    /// The DOCX section (numbered from 1) of a header or footer, when known.
    pub fn section(&self) -> Option<u32> {
        self.path.segments().iter().find_map(|s| match s {
            Segment::Margin { section, .. } => Some(*section),
            _ => None,
        })
    }

    /// The PDF page (numbered from 1) of page text.
    pub fn page(&self) -> Option<u32> {
        self.path.segments().iter().find_map(|s| match s {
            Segment::Page(n) => Some(*n),
            _ => None,
        })
    }
}

/// What a [`Part`] holds, so that a scanner can weigh where a marking was found.
///
/// ```
/// use protective_marking::document::{HeaderKind, PartKind};
///
/// let k = PartKind::Header(HeaderKind::First);
/// assert_eq!(serde_json::to_string(&k).unwrap(), r#"{"header":"first"}"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PartKind {
    /// Main text (DOCX body, plain text). Text boxes in the body are body lines.
    Body,
    /// A DOCX header part, including its text boxes; an OpenDocument master page's header; an
    /// XLSX sheet's page header with its `&` codes decoded (one line per section).
    Header(HeaderKind),
    /// A DOCX footer part, including its text boxes; an OpenDocument master page's footer; an
    /// XLSX sheet's page footer with its `&` codes decoded.
    Footer(HeaderKind),
    /// DOCX footnotes.
    Footnotes,
    /// DOCX endnotes.
    Endnotes,
    /// DOCX comments.
    Comments,
    /// Tracked deletions (`w:delText`, `w:moveFrom`): still in the file, not shown as text.
    Deleted,
    /// Text in runs marked hidden (`w:vanish`).
    Hidden,
    /// A `docProps/core.xml` property (title, subject, keywords, description, category,
    /// content status).
    CoreProperty,
    /// A `docProps/custom.xml` property that is not a label property.
    CustomProperty,
    /// A label written by a labelling tool: `MSIP_Label_*` (Microsoft Purview), Titus,
    /// Boldon James, or a custom property or `customXml` element whose name mentions a
    /// protective marking, classification or security label.
    LabelProperty,
    /// Watermark text (VML `v:textpath@string`).
    Watermark,
    /// All text of one PDF page.
    PageText,
    /// The first non-empty line of a PDF page's text.
    PageTop,
    /// The last non-empty line of a PDF page's text.
    PageBottom,
    /// PDF metadata: an Info dictionary string or the XMP packet.
    Metadata,
    /// The text a slide shows (read as body text): its shapes, tables and grouped shapes in
    /// reading order (top to bottom, then left to right), with the text boxes its layout and
    /// master draw on it, so a banner is its first or last line.
    Slide,
    /// The speaker notes of a slide (body text; not shown on the slide).
    SlideNotes,
    /// Text of a slide layout, slide master, notes or handout master, or OpenDocument master
    /// page, outside its footer placeholders: body text (template and prompt text included).
    MasterText,
    /// A footer, date, slide-number or header placeholder of a slide, layout or master
    /// (PPTX `p:ph`, ODP footer frames and declarations): a banner position, as a page
    /// header or footer is.
    Placeholder,
    /// The cell text of a sheet, one line per row with text, cells separated by a tab: body
    /// text.
    SheetCells,
    /// The name of a sheet: a value.
    SheetName,
    /// Text boxes and shapes drawn on a sheet: body text.
    Drawing,
    /// The subject of a message: a banner position, since mail carries its marking there
    /// (`Papers [SECRET]`); read as a banner line, which errs high on a subject that only
    /// names a level in passing.
    MessageSubject,
    /// A marking header of a message (`X-Protective-Marking`, a classification or label
    /// header among its transport headers): a banner position, as the subject is
    /// (`VER=2018.1, NS=gov.nz, SEC=RESTRICTED` reads RESTRICTED).
    MessageHeader,
    /// A message body (plain text, HTML as text, or RTF as text): body text.
    MessageBody,
}

/// The OLE2 compound file signature: encrypted OOXML or a legacy `.doc`.
const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Finds the format of `bytes` from its content.
///
/// * a zip is an OOXML package by its main part (`word/document.xml`, `ppt/presentation.xml`,
///   `xl/workbook.xml`, or the main content type in `[Content_Types].xml`):
///   [`Format::Docx`], [`Format::Pptx`] or [`Format::Xlsx`]; or an OpenDocument package by
///   its `mimetype` entry (or its manifest): [`Format::Odt`], [`Format::Ods`],
///   [`Format::Odp`];
/// * an OLE2 compound file (`D0 CF 11 E0 A1 B1 1A E1`) holding Outlook message properties
///   (`__properties_version1.0`) is [`Format::Msg`]; any other OLE2 file is
///   [`Format::Docx`], so that [`read`] refuses it as encrypted or unsupported rather than
///   reading it as text;
/// * flat OpenDocument XML (an `office:document` root with an `office:mimetype`) is
///   [`Format::Odt`], [`Format::Ods`] or [`Format::Odp`];
/// * `%PDF-` within the first 1024 bytes is [`Format::Pdf`];
/// * anything else is [`Format::Text`] (including zips that are none of these, which
///   [`read`] refuses).
///
/// Sniffing a zip reads only its central directory and, at most, `[Content_Types].xml`,
/// `mimetype` or the manifest through a 1 MiB cap.
///
/// ```
/// use protective_marking::document::{sniff, Format};
///
/// assert_eq!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), Format::Docx);
/// assert_eq!(sniff(b"junk\n%PDF-1.4"), Format::Pdf);
/// assert_eq!(sniff(b"PK\x03\x04 not really a zip"), Format::Text);
/// let fodp = br#"<?xml version="1.0"?><office:document office:mimetype="application/vnd.oasis.opendocument.presentation">"#;
/// assert_eq!(sniff(fodp), Format::Odp);
/// ```
pub fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(&OLE2_MAGIC) {
        return if sniff::is_msg(bytes) {
            Format::Msg
        } else {
            Format::Docx
        };
    }
    if bytes.starts_with(b"PK")
        && let Some(format) = sniff::package_format(bytes)
    {
        return format;
    }
    if let Some(format) = sniff::flat_odf_format(bytes) {
        return format;
    }
    let head = bytes.get(..1024).unwrap_or(bytes);
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    Format::Text
}

/// Reads `bytes` as the [`Format`] that [`sniff`] finds. Input starting with a zip local
/// header that is no known package goes to [`read_docx`], which refuses it, so a zip of
/// unknown content or a truncated package is never read as plain text.
///
/// # Errors
///
/// Whatever the format's reader returns: [`ReadError::LimitExceeded`],
/// [`ReadError::Encrypted`], [`ReadError::Corrupt`], [`ReadError::Unsupported`] or
/// [`ReadError::ParserPanicked`]. Every error means "marking unknown".
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::read;
///
/// let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
/// assert!(matches!(read(&ole, &Limits::default()), Err(ReadError::Unsupported { .. })));
/// ```
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    match read_package(bytes, limits) {
        Some((_, read)) => read,
        None => read_as(bytes, sniff(bytes), limits),
    }
}

/// Reads a zip package whose central directory is parsed once, for the sniffing and the
/// reader both ([`sniff`] then [`read_as`] parse it twice, which on a 200-part deck is about
/// 3 % of the whole read). Gives the format found and what its reader returns, or `None`
/// when `bytes` is no package the sniffer can open and name: the caller then takes the
/// [`sniff`] path, whose reader says why.
pub(crate) fn read_package(
    bytes: &[u8],
    limits: &Limits,
) -> Option<(Format, Result<Document, ReadError>)> {
    if !bytes.starts_with(b"PK") || check_input_size(bytes, limits, "zip").is_err() {
        return None;
    }
    let (format, package) = guarded("zip", "zip", || {
        let mut package = zip_reader::Package::open(bytes, limits, Format::Text)?;
        Ok(sniff::format_of(&mut package).map(|format| (format, package.into_format(format))))
    })
    .ok()??;
    let read = match format {
        Format::Docx => docx::read_docx_package(package, limits),
        Format::Pptx => pptx::read_pptx_package(package, limits),
        Format::Xlsx => xlsx::read_xlsx_package(package, limits),
        Format::Odt | Format::Ods | Format::Odp => odf::read_odf_package(package, format, limits),
        _ => return None,
    };
    Some((format, read))
}

/// Reads `bytes` with the reader for `format`, which the caller has already found with
/// [`sniff`] (the [`Inspector`](crate::Inspector) does, to tell messages from documents), so
/// a package's directory is not parsed once more just to pick the reader.
pub(crate) fn read_as(
    bytes: &[u8],
    format: Format,
    limits: &Limits,
) -> Result<Document, ReadError> {
    match format {
        Format::Docx => read_docx(bytes, limits),
        Format::Pdf => read_pdf(bytes, limits),
        Format::Pptx => read_pptx(bytes, limits),
        Format::Xlsx => read_xlsx(bytes, limits),
        Format::Odt | Format::Ods | Format::Odp => read_odf(bytes, limits),
        Format::Msg => read_msg(bytes, limits),
        // A zip that is no known package (a truncated one, an archive) is refused by the
        // DOCX reader rather than read as text, which would say "no marking".
        Format::Text if bytes.starts_with(b"PK\x03\x04") => read_docx(bytes, limits),
        _ => read_text(bytes, limits),
    }
}

/// Reads a document from `reader`, as [`read`] does from bytes.
///
/// A DOCX's central directory and a PDF's cross-reference table are at the end of the file,
/// so a document is read whole before it is parsed: up to [`Limits::max_input_bytes`], and an
/// input over that is refused, never cut short. For plain text of any size in bounded
/// memory, use [`Scanner::scan_reader`](crate::Scanner::scan_reader).
///
/// # Errors
///
/// [`ReadError::Io`] if the reader fails, [`ReadError::LimitExceeded`] over the input limit,
/// and whatever [`read`] returns.
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::read_reader;
///
/// let doc = read_reader(&b"IN-CONFIDENCE\nminutes\nIN-CONFIDENCE\n"[..], &Limits::default())?;
/// assert_eq!(doc.parts[0].text.lines().next(), Some("IN-CONFIDENCE"));
///
/// let small = Limits { max_input_bytes: 4, ..Limits::default() };
/// assert!(matches!(read_reader(&b"%PDF-1.7"[..], &small), Err(ReadError::LimitExceeded { .. })));
/// # Ok::<(), ReadError>(())
/// ```
pub fn read_reader(reader: impl std::io::Read, limits: &Limits) -> Result<Document, ReadError> {
    let bytes = crate::limits::read_input(reader, limits, "document")?;
    read(&bytes, limits)
}

/// Reads the document at `path` (see [`read_reader`]).
///
/// # Errors
///
/// [`ReadError::Io`] if the file cannot be opened or read (its location is the path), and
/// whatever [`read_reader`] returns.
pub fn read_path(
    path: impl AsRef<std::path::Path>,
    limits: &Limits,
) -> Result<Document, ReadError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| ReadError::io(&name, &e))?;
    let bytes = crate::limits::read_input(file, limits, &name)?;
    read(&bytes, limits)
}

/// Reads plain text into one [`PartKind::Body`] part at location `body`.
///
/// UTF-16 with a byte order mark (`FF FE` or `FE FF`) is decoded; anything else is decoded as
/// UTF-8, invalid sequences becoming U+FFFD. A UTF-8 byte order mark is dropped.
///
/// # Errors
///
/// [`ReadError::LimitExceeded`] for [`Limits::max_input_bytes`] or [`Limits::max_text_bytes`].
///
/// ```
/// use protective_marking::Limits;
/// use protective_marking::document::read_text;
///
/// let utf16: Vec<u8> = [0xFF, 0xFE].into_iter()
///     .chain("RESTRICTED".encode_utf16().flat_map(u16::to_le_bytes))
///     .collect();
/// assert_eq!(read_text(&utf16, &Limits::default())?.parts[0].text, "RESTRICTED");
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
pub fn read_text(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    check_input_size(bytes, limits, "text")?;
    let text = decode_text_bytes(bytes);
    let mut budget = TextBudget::new(limits);
    budget.take(text.len(), &"body")?;
    Ok(Document {
        format: Format::Text,
        parts: vec![Part {
            path: PartPath::of(Segment::Body),
            kind: PartKind::Body,
            text,
        }],
        sections: 0,
        pages: 0,
    })
}

/// Decodes text bytes: UTF-16 by BOM, else lossy UTF-8 without its BOM.
pub(crate) fn decode_text_bytes(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        decode_utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        decode_utf16(rest, u16::from_be_bytes)
    } else {
        let rest = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        String::from_utf8_lossy(rest).into_owned()
    }
}

/// Lossy UTF-16 decoding; an odd trailing byte becomes U+FFFD.
pub(crate) fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks(2).map(|c| match c {
        [a, b] => unit([*a, *b]),
        _ => 0xFFFD,
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// [`Limits::max_input_bytes`], checked before any parsing.
pub(crate) fn check_input_size(
    bytes: &[u8],
    limits: &Limits,
    location: &str,
) -> Result<(), ReadError> {
    Limit::InputBytes.check(limits, bytes.len() as u64, location)
}

/// Running total of extracted text against [`Limits::max_text_bytes`].
#[derive(Debug)]
pub(crate) struct TextBudget {
    used: u64,
    max: u64,
}

impl TextBudget {
    pub(crate) fn new(limits: &Limits) -> Self {
        TextBudget {
            used: 0,
            max: limits.max_text_bytes,
        }
    }

    /// The text accounted for so far, in bytes.
    pub(crate) fn used(&self) -> u64 {
        self.used
    }

    /// Accounts for `len` more bytes of text from `location` (formatted only for the error:
    /// a deck pushes hundreds of parts).
    pub(crate) fn take(
        &mut self,
        len: usize,
        location: &dyn std::fmt::Display,
    ) -> Result<(), ReadError> {
        self.used = self.used.saturating_add(len as u64);
        if self.used > self.max {
            return Err(ReadError::LimitExceeded {
                limit: Limit::TextBytes,
                value: self.used,
                max: self.max,
                location: location.to_string(),
            });
        }
        Ok(())
    }
}

/// Runs a parser, turning a panic into [`ReadError::ParserPanicked`] (docx-rs and zip
/// errors have panicked on mutated input; lopdf has had crash advisories).
pub(crate) fn guarded<T>(
    parser: &'static str,
    location: &str,
    f: impl FnOnce() -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(ReadError::ParserPanicked {
            parser,
            location: location.to_owned(),
        })
    })
}

/// Refuses an OLE2 compound file: encrypted OOXML when it holds an `EncryptionInfo` stream
/// (its directory entry name is UTF-16LE), otherwise a legacy binary format.
pub(crate) fn refuse_ole2(bytes: &[u8]) -> ReadError {
    let needle: Vec<u8> = "EncryptionInfo"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if memchr::memmem::find(bytes, &needle).is_some() {
        // Which OOXML kind (DOCX, PPTX, XLSX) is inside the encrypted package is not known.
        ReadError::Encrypted {
            format: Format::Ooxml,
            location: "EncryptionInfo".to_owned(),
        }
    } else {
        ReadError::Unsupported {
            what: "OLE2 compound file (legacy Word .doc or other binary Office format)".to_owned(),
            location: "file".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_limits() {
        let limits = Limits {
            max_text_bytes: 3,
            ..Limits::default()
        };
        assert!(matches!(
            read_text(b"abcd", &limits),
            Err(ReadError::LimitExceeded {
                limit: Limit::TextBytes,
                ..
            })
        ));
        let limits = Limits {
            max_input_bytes: 3,
            ..Limits::default()
        };
        assert!(matches!(
            read(b"abcd", &limits),
            Err(ReadError::LimitExceeded {
                limit: Limit::InputBytes,
                ..
            })
        ));
    }

    /// `read` parses a package's directory once for the sniffer and the reader; what it
    /// returns is what the two-step path (`sniff`, then the reader opening the zip again)
    /// returns, on every zip of the third-party corpus and the test data, under the default
    /// limits and under limits that refuse the package at different points.
    #[test]
    fn one_directory_parse_reads_what_sniff_then_read_as_reads() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut files = Vec::new();
        let mut dirs = vec![
            std::path::PathBuf::from(format!("{root}/../shared/corpus/third_party")),
            std::path::PathBuf::from(format!("{root}/tests/data")),
        ];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(bytes) = std::fs::read(&path)
                    && bytes.starts_with(b"PK")
                {
                    files.push((path, bytes));
                }
            }
        }
        assert!(files.len() >= 20, "only {} zip files found", files.len());
        let limit_sets = [
            Limits::default(),
            Limits {
                max_zip_entries: 8,
                ..Limits::default()
            },
            Limits {
                max_entry_bytes: 4096,
                ..Limits::default()
            },
            Limits {
                max_decompressed_bytes: 64 * 1024,
                ..Limits::default()
            },
        ];
        let mut read_once = 0;
        for (path, bytes) in &files {
            for limits in &limit_sets {
                if read_package(bytes, limits).is_some() {
                    read_once += 1;
                }
                assert_eq!(
                    format!("{:?}", read(bytes, limits)),
                    format!("{:?}", read_as(bytes, sniff(bytes), limits)),
                    "{} under {limits:?}",
                    path.display()
                );
            }
        }
        assert!(read_once > 0, "no package took the one-parse path");
    }

    #[test]
    fn utf16_odd_byte_and_bom() {
        assert_eq!(decode_text_bytes(&[0xFE, 0xFF, 0, b'A', 0]), "A\u{FFFD}");
        assert_eq!(decode_text_bytes(b"\xEF\xBB\xBFok"), "ok");
    }

    #[test]
    fn public_types_are_thread_safe() {
        fn check<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
        check::<Document>();
        check::<Part>();
        check::<PartKind>();
        check::<Format>();
    }

    #[test]
    fn ole2_encrypted_vs_legacy() {
        let mut enc = OLE2_MAGIC.to_vec();
        enc.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(matches!(
            read(&enc, &Limits::default()),
            Err(ReadError::Encrypted { .. })
        ));
    }
}
