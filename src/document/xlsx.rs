//! XLSX reading: the crate's own bounded zip + quick-xml walk, as for DOCX.

use crate::document::drawing::{comments_text, paragraphs_text, push_line};
use crate::document::ooxml::{Opc, WORKBOOK_MAIN_TYPES};
use crate::document::parts::Parts;
use crate::document::worksheet::{Tag, TextRoom, read_sheet};
use crate::document::xml::{local_of, normalise_encoding, read_part};
use crate::document::zip_reader::Package;
use crate::document::{
    Document, Format, OLE2_MAGIC, PartKind, check_input_size, guarded, refuse_ole2,
};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::{Margin, PartPath, Segment};
use quick_xml::events::Event;

/// Reads an XLSX (or XLSM, XLTX) package into its text parts.
///
/// Parts, for each sheet in workbook order (`sheet[Budget]`, hidden sheets included):
/// its name (`sheet[Budget]/name`, [`PartKind::SheetName`]); its page headers and footers
/// (`sheet[Budget]/header`, `sheet[Budget]/footer[first]`, `.../header[even]`, as
/// [`PartKind::Header`] and [`PartKind::Footer`]) with the `&` codes decoded: `&L`, `&C`
/// and `&R` start the left, centre and right sections, each a line of its own; font,
/// size, colour and style codes (`&"Arial,Bold"`, `&12`, `&KFF0000`, `&B`...) are dropped,
/// as are fields (`&P` page, `&N` pages, `&D` date, `&T` time, `&F` file, `&A` sheet,
/// `&Z` path, `&G` picture); `&&` is an ampersand. Then its cells
/// (`sheet[Budget]/cells`, [`PartKind::SheetCells`]): one line per row with text, the text
/// cells (shared strings, inline strings, formula strings) separated by a tab, numbers
/// left out; the text of shapes drawn on it (`sheet[Budget]/drawing`,
/// [`PartKind::Drawing`]) and its comments and threaded comments
/// (`sheet[Budget]/comments`). Then the package properties, as for
/// [`read_docx`](super::read_docx).
///
/// # Errors
///
/// As [`read_docx`](super::read_docx); a cell that refers to a shared string the workbook
/// does not have is `Corrupt`.
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::read_xlsx;
///
/// let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// assert!(read_xlsx(&ole, &Limits::default()).is_err());
/// ```
pub fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    check_input_size(bytes, limits, "xlsx")?;
    if bytes.starts_with(&OLE2_MAGIC) {
        return Err(refuse_ole2(bytes));
    }
    guarded("zip", "xlsx", || {
        read_opc(Opc::open(bytes, limits, Format::Xlsx)?)
    })
}

/// Reads a package the sniffer has opened and found to be an XLSX.
pub(crate) fn read_xlsx_package(
    package: Package<'_>,
    limits: &Limits,
) -> Result<Document, ReadError> {
    guarded("zip", "xlsx", || {
        read_opc(Opc::of(package, limits, Format::Xlsx)?)
    })
}

fn read_opc(mut opc: Opc<'_>) -> Result<Document, ReadError> {
    let limits = opc.limits;
    let main = opc.main_part(
        &WORKBOOK_MAIN_TYPES,
        "xl/workbook.xml",
        "a workbook",
        Format::Xlsx,
    )?;
    let bytes = opc.required(&main, Format::Xlsx)?;
    let sheets = workbook_sheets(&bytes, &main, limits)?;
    drop(bytes);
    let rels = opc.rels(&main)?;
    let shared = match rels.iter().find(|r| r.is("sharedStrings")) {
        Some(r) => match opc.package.read(&r.target)? {
            Some(bytes) => shared_strings(&bytes, &r.target, limits)?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let mut parts = Parts::new(limits);
    for (name, id) in sheets {
        let sheet = PartPath::of(Segment::Sheet(name.clone()));
        parts.push(sheet.then(Segment::SheetName), PartKind::SheetName, name)?;
        let Some(target) = rels
            .iter()
            .find(|r| r.id == id && !r.target.is_empty())
            .map(|r| r.target.clone())
        else {
            continue;
        };
        let Some(bytes) = opc.package.read(&target)? else {
            continue;
        };
        let room = TextRoom {
            used: parts.text_used(),
            max: limits.max_text_bytes,
        };
        let walked = read_sheet(&normalise_encoding(&bytes), &target, &shared, room, limits)?;
        drop(bytes);
        for (margin, kind, codes) in walked.margins {
            let pk = match margin {
                Margin::Header => PartKind::Header(kind),
                Margin::Footer => PartKind::Footer(kind),
            };
            let path = sheet.then(Segment::PageMargin { margin, kind });
            parts.push(path, pk, decode_header_footer(&codes))?;
        }
        parts.push(
            sheet.then(Segment::Cells),
            PartKind::SheetCells,
            walked.cells,
        )?;
        let sheet_rels = opc.rels(&target)?;
        let mut drawing = String::new();
        let mut comments = String::new();
        for r in sheet_rels.iter().filter(|r| !r.target.is_empty()) {
            let is_drawing = r.is("drawing");
            let is_comments = r.is("comments") || r.is("threadedComment");
            if !is_drawing && !is_comments {
                continue;
            }
            let Some(bytes) = opc.package.read(&r.target)? else {
                continue;
            };
            if is_drawing {
                push_line(&mut drawing, &paragraphs_text(&bytes, &r.target, limits)?);
            } else {
                push_line(&mut comments, &comments_text(&bytes, &r.target, limits)?);
            }
        }
        parts.push(sheet.then(Segment::Drawing), PartKind::Drawing, drawing)?;
        parts.push(sheet.then(Segment::Comments), PartKind::Comments, comments)?;
    }
    for (path, kind, value) in opc.properties()? {
        parts.push(path, kind, value)?;
    }
    Ok(Document {
        format: Format::Xlsx,
        parts: parts.parts,
        sections: 0,
        pages: 0,
    })
}

/// `xl/workbook.xml`: each sheet's name and relationship id, in order.
fn workbook_sheets(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<Vec<(String, String)>, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut out = Vec::new();
        loop {
            match xml.next()? {
                Event::Start(e) | Event::Empty(e) if local_of(&e) == b"sheet" => {
                    let name = xml.attr(&e, b"name")?.unwrap_or_default();
                    let id = xml.rel_id(&e)?.unwrap_or_default();
                    out.push((name, id));
                }
                Event::Eof => return Ok(out),
                _ => {}
            }
        }
    })
}

/// The shared string table: each `si`'s text (runs joined; phonetic runs left out).
fn shared_strings(bytes: &[u8], part: &str, limits: &Limits) -> Result<Vec<String>, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut out = Vec::new();
        // The open elements that matter, not their names: no allocation per element.
        let mut stack: Vec<Tag> = Vec::new();
        let mut current = String::new();
        loop {
            let event = xml.next()?;
            match &event {
                Event::Start(e) => stack.push(match local_of(e) {
                    b"si" => Tag::SharedItem,
                    b"t" => Tag::Text,
                    b"rPh" => Tag::Phonetic,
                    _ => Tag::Other,
                }),
                Event::Empty(e) => {
                    if local_of(e) == b"si" {
                        out.push(String::new());
                    }
                }
                Event::End(_) => {
                    if stack.pop() == Some(Tag::SharedItem) {
                        out.push(std::mem::take(&mut current));
                    }
                }
                Event::Eof => return Ok(out),
                other => {
                    if stack.last() == Some(&Tag::Text) && !stack.contains(&Tag::Phonetic) {
                        xml.append_text(other, &mut current)?;
                    }
                }
            }
        }
    })
}

/// Decodes a SpreadsheetML header or footer string: the left, centre and right sections,
/// each on its own line when it has text; formatting codes and fields dropped.
///
/// `&"Arial,Bold"RESTRICTED&P` reads `RESTRICTED`; `&L&B Confidential&B&C&D&RPage &P`
/// reads `Confidential` and `Page`.
pub(crate) fn decode_header_footer(codes: &str) -> String {
    let mut sections: [String; 3] = Default::default();
    let mut current = 1; // text before any section code is centred
    let mut chars = codes.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            if let Some(s) = sections.get_mut(current) {
                s.push(if c == '\r' || c == '\n' { ' ' } else { c });
            }
            continue;
        }
        match chars.next() {
            Some('&') => {
                if let Some(s) = sections.get_mut(current) {
                    s.push('&');
                }
            }
            Some('L') => current = 0,
            Some('C') => current = 1,
            Some('R') => current = 2,
            Some('"') => {
                // A font name and style up to the closing quote.
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            Some('K') => {
                // A colour: six hex digits, or a theme colour `tt+sss` / `tt-sss`.
                for _ in 0..2 {
                    chars.next_if(char::is_ascii_hexdigit);
                }
                if chars.next_if(|c| *c == '+' || *c == '-').is_some() {
                    for _ in 0..3 {
                        chars.next_if(char::is_ascii_digit);
                    }
                } else {
                    for _ in 0..4 {
                        chars.next_if(char::is_ascii_hexdigit);
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                // A font size: the digits that follow.
                while chars.next_if(char::is_ascii_digit).is_some() {}
            }
            // Fields (page, pages, date, time, file, sheet, path, picture) and style toggles
            // (bold, italic, underline, double underline, strike, super/subscript, outline,
            // shadow) have no text of their own; a word between toggles stays one word.
            Some(_) | None => {}
        }
    }
    let mut out = String::new();
    for s in &sections {
        push_line(&mut out, s.trim());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_footer_codes() {
        assert_eq!(
            decode_header_footer("&\"Arial,Bold\"RESTRICTED&P"),
            "RESTRICTED"
        );
        assert_eq!(
            decode_header_footer("&L&B Confidential&B&C&D&RPage &P"),
            "Confidential\nPage"
        );
        assert_eq!(decode_header_footer("&Cone && two &&&&"), "one & two &&");
        assert_eq!(
            decode_header_footer("&C&KFF0000SEC&K03+000RET&12!"),
            "SECRET!"
        );
        assert_eq!(decode_header_footer("&BIN-CONF&BIDENCE"), "IN-CONFIDENCE");
        assert_eq!(decode_header_footer("&L&G"), "");
    }
}
