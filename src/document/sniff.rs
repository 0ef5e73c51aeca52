//! Finding a container's format from its content, for [`sniff`](super::sniff): which OOXML or
//! OpenDocument package a zip is, whether an OLE2 file is an Outlook message, and whether XML
//! is flat OpenDocument.

use crate::document::Format;
use crate::document::ooxml::{PRESENTATION_MAIN_TYPES, WORD_MAIN_TYPES, WORKBOOK_MAIN_TYPES};
use crate::document::zip_reader::Package;
use crate::limits::Limits;

/// The OpenDocument media types, by the format each is read as (templates included).
const ODF_TYPES: [(&str, Format); 6] = [
    ("application/vnd.oasis.opendocument.text", Format::Odt),
    (
        "application/vnd.oasis.opendocument.text-template",
        Format::Odt,
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet",
        Format::Ods,
    ),
    (
        "application/vnd.oasis.opendocument.spreadsheet-template",
        Format::Ods,
    ),
    (
        "application/vnd.oasis.opendocument.presentation",
        Format::Odp,
    ),
    (
        "application/vnd.oasis.opendocument.presentation-template",
        Format::Odp,
    ),
];

/// The format of an OpenDocument media type.
pub(crate) fn odf_format_of(media_type: &str) -> Option<Format> {
    let media_type = media_type.trim();
    ODF_TYPES
        .iter()
        .find(|(t, _)| t.eq_ignore_ascii_case(media_type))
        .map(|(_, f)| *f)
}

/// An OLE2 file holding an Outlook message's property stream (its directory entry names are
/// UTF-16LE). Encrypted OOXML never has one.
pub(crate) fn is_msg(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "__properties_version1.0"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    memchr::memmem::find(bytes, &needle).is_some()
}

/// The package format of a zip: by its main part's name, its content types, or its
/// OpenDocument `mimetype` entry or manifest. Reads at most 1 MiB of any entry.
pub(crate) fn package_format(bytes: &[u8]) -> Option<Format> {
    let limits = Limits {
        max_entry_bytes: 1024 * 1024,
        max_decompressed_bytes: 2 * 1024 * 1024,
        ..Limits::default()
    };
    let mut package = Package::open(bytes, &limits, Format::Text).ok()?;
    format_of(&mut package)
}

/// The format of an opened package, as [`package_format`] tells it.
pub(crate) fn format_of(package: &mut Package<'_>) -> Option<Format> {
    for (main, format) in [
        ("word/document.xml", Format::Docx),
        ("ppt/presentation.xml", Format::Pptx),
        ("xl/workbook.xml", Format::Xlsx),
    ] {
        if package.has(main) {
            return Some(format);
        }
    }
    if let Ok(Some(ct)) = package.read("[Content_Types].xml") {
        let has = |types: &[&str]| {
            types
                .iter()
                .any(|t| memchr::memmem::find(&ct, t.as_bytes()).is_some())
        };
        for (types, format) in [
            (&WORD_MAIN_TYPES[..], Format::Docx),
            (&PRESENTATION_MAIN_TYPES[..], Format::Pptx),
            (&WORKBOOK_MAIN_TYPES[..], Format::Xlsx),
        ] {
            if has(types) {
                return Some(format);
            }
        }
    }
    if let Ok(Some(mimetype)) = package.read("mimetype")
        && let Some(format) = odf_format_of(&String::from_utf8_lossy(&mimetype))
    {
        return Some(format);
    }
    // A package whose `mimetype` entry is damaged still names its type in the manifest.
    if let Ok(Some(manifest)) = package.read("META-INF/manifest.xml") {
        let text = String::from_utf8_lossy(&manifest);
        return ODF_TYPES
            .iter()
            .find(|(t, _)| text.contains(&format!("manifest:media-type=\"{t}\"")))
            .map(|(_, f)| *f);
    }
    None
}

/// Flat OpenDocument: an `office:document` root element whose `office:mimetype` names a
/// text, spreadsheet or presentation, within the first 4 KiB (after any byte order mark,
/// XML declaration and comments).
pub(crate) fn flat_odf_format(bytes: &[u8]) -> Option<Format> {
    let head = bytes.get(..4096).unwrap_or(bytes);
    let head = crate::document::xml::normalise_encoding(head);
    // A first character other than `<` ends it before the lossy copy, which is slow on a
    // binary head (a zip's): ASCII white space skipped, as `trim_start` skips it; a
    // non-ASCII first character takes the long way.
    let first = head
        .iter()
        .find(|b| !matches!(b, b'\t'..=b'\r' | b' '))
        .copied();
    if first.is_some_and(|b| b.is_ascii() && b != b'<') {
        return None;
    }
    let text = String::from_utf8_lossy(&head);
    let trimmed = text.trim_start();
    if !trimmed.starts_with('<') {
        return None;
    }
    let root = text.find("<office:document ")?;
    let rest = text.get(root..)?;
    let attr = "office:mimetype=\"";
    let start = rest.find(attr)? + attr.len();
    let end = start + rest.get(start..)?.find('"')?;
    odf_format_of(rest.get(start..end)?)
}

#[cfg(test)]
mod tests {
    use super::{flat_odf_format, odf_format_of};
    use proptest::prelude::*;

    /// `flat_odf_format` without its early exit.
    fn without_early_exit(head: &[u8]) -> Option<crate::report::Format> {
        let head = head.get(..4096).unwrap_or(head);
        let head = crate::document::xml::normalise_encoding(head);
        let text = String::from_utf8_lossy(&head);
        if !text.trim_start().starts_with('<') {
            return None;
        }
        let rest = text.get(text.find("<office:document ")?..)?;
        let attr = "office:mimetype=\"";
        let start = rest.find(attr)? + attr.len();
        let end = start + rest.get(start..)?.find('"')?;
        odf_format_of(rest.get(start..end)?)
    }

    proptest! {
        #[test]
        fn the_early_exit_changes_no_answer(
            lead in "[ \t\n\u{b}\u{c}\r\u{a0}\u{2028}xP<]{0,4}",
            body in prop_oneof![
                Just(r#"<office:document office:mimetype="application/vnd.oasis.opendocument.text">"#.to_owned()),
                Just("PK\u{3}\u{4}".to_owned()),
                "[ -~]{0,20}",
            ],
        ) {
            let head = format!("{lead}{body}");
            prop_assert_eq!(flat_odf_format(head.as_bytes()), without_early_exit(head.as_bytes()));
        }
    }
}
