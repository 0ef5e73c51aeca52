//! PDF reading with lopdf 0.47.

use crate::document::{
    Document, Format, Part, PartKind, TextBudget, check_input_size, decode_utf16, guarded,
};
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::path::{PartPath, Segment};
use lopdf::{DecompressError, LoadOptions, Object};

/// Reads a PDF into per-page text parts and its metadata.
///
/// Parts, in page order: for each page N with text, `page N` ([`PartKind::PageText`]: all
/// of lopdf's text of the page), `page N/top` ([`PartKind::PageTop`]: its first non-empty
/// line) and `page N/bottom` ([`PartKind::PageBottom`]: its last non-empty line); then
/// `metadata:info/<Key>` ([`PartKind::Metadata`]) for each string of the Info dictionary
/// (PDFDocEncoding, or UTF-16BE/UTF-8 with a byte order mark), and `metadata:xmp` for the
/// catalog's XMP packet.
///
/// Encryption fails closed (lopdf itself loads such a file as `Ok` with no pages and no
/// text): a file lopdf cannot decrypt (a user password is
/// set) is [`ReadError::Encrypted`], never an empty document; a file with only an owner
/// password (empty user password) is decrypted by lopdf and read normally.
///
/// Pages that fail: lopdf extracts text per page in chunks (one per font run). A chunk that
/// fails to decode (an unsupported font encoding, a bad operand) is dropped and the rest of
/// the page is kept, because a real-world PDF often has one such chunk and refusing it would
/// make many ordinary files unreadable. A page whose content stream cannot be read at all
/// (missing, undecodable or corrupt) is [`ReadError::Corrupt`] for the whole document, and a
/// page over [`Limits::max_entry_bytes`] is [`ReadError::LimitExceeded`]: a page never read
/// might carry any marking, so the document's marking is unknown.
///
/// Lines are in content-stream order, which is usually but not always reading order: a
/// producer may draw a text box or a footer after the body, so `page N/top` and
/// `page N/bottom` are the first and last lines *drawn*, not the highest and lowest on the
/// page. Image-only pages (scans) have no text and produce no parts: text extraction cannot see a
/// marking drawn as an image.
///
/// # Errors
///
/// * [`ReadError::LimitExceeded`]: [`Limits::max_input_bytes`], [`Limits::max_pdf_objects`],
///   [`Limits::max_pdf_pages`], [`Limits::max_entry_bytes`] (any stream while loading, and
///   each page's content) or [`Limits::max_text_bytes`].
/// * [`ReadError::Encrypted`]: see above.
/// * [`ReadError::Corrupt`]: lopdf cannot load the file, it has no pages, or a page cannot
///   be read.
/// * [`ReadError::ParserPanicked`]: lopdf panicked (caught).
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::read_pdf;
///
/// assert!(matches!(read_pdf(b"%PDF-1.4 garbage", &Limits::default()), Err(ReadError::Corrupt { .. })));
/// ```
pub fn read_pdf(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    check_input_size(bytes, limits, "pdf")?;
    guarded("lopdf", "pdf", || read_guarded(bytes, limits))
}

fn corrupt(location: impl Into<String>, reason: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt {
        format: Format::Pdf,
        location: location.into(),
        reason: reason.to_string(),
    }
}

fn encrypted(location: &str) -> ReadError {
    ReadError::Encrypted {
        format: Format::Pdf,
        location: location.to_owned(),
    }
}

/// Maps a lopdf error, keeping decryption and size-limit failures distinct.
fn map_error(e: lopdf::Error, location: &str, limits: &Limits) -> ReadError {
    match e {
        lopdf::Error::Decryption(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::UnsupportedSecurityHandler(_)
        | lopdf::Error::AlreadyEncrypted => encrypted(location),
        lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { limit }) => {
            ReadError::LimitExceeded {
                limit: Limit::EntryBytes,
                value: (limit as u64).saturating_add(1),
                max: limits.max_entry_bytes,
                location: location.to_owned(),
            }
        }
        other => corrupt(location, other),
    }
}

fn read_guarded(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let max_stream = usize::try_from(limits.max_entry_bytes).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(max_stream),
        ..LoadOptions::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|e| map_error(e, "pdf", limits))?;
    // lopdf loads an undecryptable file as Ok with `/Encrypt` still in the trailer.
    if doc.is_encrypted() {
        return Err(encrypted("pdf"));
    }
    Limit::PdfObjects.check(limits, doc.objects.len() as u64, "pdf")?;
    let pages = doc.get_pages();
    let page_count = pages.len() as u64;
    Limit::PdfPages.check(limits, page_count, "pdf")?;
    if pages.is_empty() {
        return Err(if doc.was_encrypted() {
            encrypted("pdf")
        } else {
            corrupt("pdf", "the document has no readable pages")
        });
    }
    let mut budget = TextBudget::new(limits);
    let mut parts = Vec::new();
    for (&number, &page_id) in &pages {
        let page = PartPath::of(Segment::Page(number));
        let location = page.to_string();
        let text = page_text(&doc, page_id, max_stream, &location, limits)?;
        let top = text.lines().map(str::trim).find(|l| !l.is_empty());
        let bottom = text.lines().map(str::trim).rfind(|l| !l.is_empty());
        let (Some(top), Some(bottom)) = (top, bottom) else {
            continue;
        };
        let (top, bottom) = (top.to_owned(), bottom.to_owned());
        for (path, kind, text) in [
            (page.clone(), PartKind::PageText, text),
            (page.then(Segment::Top), PartKind::PageTop, top),
            (page.then(Segment::Bottom), PartKind::PageBottom, bottom),
        ] {
            budget.take(text.len(), &path)?;
            parts.push(Part { path, kind, text });
        }
    }
    for (key, text) in metadata(&doc, max_stream, limits)? {
        let path = PartPath::of(Segment::Metadata(key));
        budget.take(text.len(), &path)?;
        parts.push(Part {
            path,
            kind: PartKind::Metadata,
            text,
        });
    }
    Ok(Document {
        format: Format::Pdf,
        parts,
        sections: 0,
        pages: u32::try_from(page_count).unwrap_or(u32::MAX),
    })
}

/// One page's text; see [`read_pdf`] for which failures are fatal.
fn page_text(
    doc: &lopdf::Document,
    page_id: lopdf::ObjectId,
    max_stream: usize,
    location: &str,
    limits: &Limits,
) -> Result<String, ReadError> {
    let chunks = super::pdf_text::page_chunks(doc, page_id, max_stream);
    let mut text = String::new();
    let mut any_ok = false;
    let mut first_error = None;
    for chunk in chunks {
        match chunk {
            Ok(t) => {
                any_ok = true;
                text.push_str(&t);
            }
            Err(e @ lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => {
                return Err(map_error(e, location, limits));
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        // Only errors: the content stream itself could not be read.
        Some(e) if !any_ok && is_content_failure(&e) => Err(map_error(e, location, limits)),
        _ => Ok(text),
    }
}

/// Errors that mean the page's content stream (not one font's text) could not be read.
fn is_content_failure(e: &lopdf::Error) -> bool {
    !matches!(
        e,
        lopdf::Error::CharacterEncoding
            | lopdf::Error::TextStringDecode
            | lopdf::Error::ToUnicodeCMap(_)
            | lopdf::Error::InvalidEncodingDifferenceCode { .. }
            | lopdf::Error::InvalidEncodingDifferenceGlyph { .. }
            | lopdf::Error::Unimplemented(_)
            | lopdf::Error::DictKey(_)
            | lopdf::Error::ObjectType { .. }
    )
}

/// Info dictionary strings and the XMP packet.
fn metadata(
    doc: &lopdf::Document,
    max_stream: usize,
    limits: &Limits,
) -> Result<Vec<(String, String)>, ReadError> {
    let mut out = Vec::new();
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok());
    if let Some(info) = info {
        for (key, value) in info.iter() {
            let value = doc.dereference(value).map(|(_, o)| o).unwrap_or(value);
            if let Object::String(bytes, _) = value {
                let text = decode_pdf_string(bytes);
                if !text.trim().is_empty() {
                    out.push((format!("info/{}", String::from_utf8_lossy(key)), text));
                }
            }
        }
    }
    let xmp = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Metadata").ok())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_stream().ok());
    if let Some(stream) = xmp {
        let data = if stream.dict.has(b"Filter") {
            stream
                .decompressed_content_with_limit(max_stream)
                .map_err(|e| map_error(e, "metadata:xmp", limits))?
        } else {
            stream.content.clone()
        };
        let text = crate::document::decode_text_bytes(&data);
        if !text.trim().is_empty() {
            out.push(("xmp".to_owned(), text));
        }
    }
    Ok(out)
}

/// PDF text string: UTF-16BE or UTF-8 by byte order mark, else PDFDocEncoding
/// (PDF 32000-1 §7.9.2.2, Annex D).
pub(crate) fn decode_pdf_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| pdf_doc_char(b)).collect()
}

/// One PDFDocEncoding byte. Latin-1 except 0x18–0x1F and 0x80–0xA0.
fn pdf_doc_char(b: u8) -> char {
    const LOW: [char; 8] = [
        '\u{02D8}', '\u{02C7}', '\u{02C6}', '\u{02D9}', '\u{02DD}', '\u{02DB}', '\u{02DA}',
        '\u{02DC}',
    ];
    const HIGH: [char; 33] = [
        '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}',
        '\u{2044}', '\u{2039}', '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}',
        '\u{201D}', '\u{2018}', '\u{2019}', '\u{201A}', '\u{2122}', '\u{FB01}', '\u{FB02}',
        '\u{0141}', '\u{0152}', '\u{0160}', '\u{0178}', '\u{017D}', '\u{0131}', '\u{0142}',
        '\u{0153}', '\u{0161}', '\u{017E}', '\u{FFFD}', '\u{20AC}',
    ];
    match b {
        0x18..=0x1F => LOW
            .get(usize::from(b - 0x18))
            .copied()
            .unwrap_or('\u{FFFD}'),
        0x80..=0xA0 => HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or('\u{FFFD}'),
        0xAD => '\u{FFFD}',
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_strings() {
        assert_eq!(decode_pdf_string(b"\xFE\xFF\x00S\x00E"), "SE");
        assert_eq!(
            decode_pdf_string(b"a\x84b\xA0\xE9"),
            "a\u{2014}b\u{20AC}\u{e9}"
        );
    }
}
