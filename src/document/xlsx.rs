//! XLSX reading: the crate's own bounded zip + quick-xml walk, as for DOCX.

use crate::document::drawing::{comments_text, paragraphs_text, push_line};
use crate::document::ooxml::{Opc, WORKBOOK_MAIN_TYPES};
use crate::document::parts::Parts;
use crate::document::xml::{XmlWalk, normalise_encoding};
use crate::document::{
    Document, Format, HeaderKind, OLE2_MAGIC, PartKind, check_input_size, guarded, refuse_ole2,
};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::{Margin, PartPath, Segment};
use quick_xml::events::{BytesStart, Event};

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
        read_package(Opc::open(bytes, limits, Format::Xlsx)?)
    })
}

fn read_package(mut opc: Opc<'_>) -> Result<Document, ReadError> {
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
        let walked = walk_sheet(&bytes, &target, &shared, limits)?;
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
    let mut xml = XmlWalk::new(&bytes, part, limits);
    let mut out = Vec::new();
    loop {
        match xml.next()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                let name = xml.attr(&e, b"name")?.unwrap_or_default();
                let id = xml.rel_id(&e)?.unwrap_or_default();
                out.push((name, id));
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The shared string table: each `si`'s text (runs joined; phonetic runs left out).
fn shared_strings(bytes: &[u8], part: &str, limits: &Limits) -> Result<Vec<String>, ReadError> {
    let bytes = normalise_encoding(bytes);
    let mut xml = XmlWalk::new(&bytes, part, limits);
    let mut out = Vec::new();
    // The open elements that matter, not their names: no allocation per element.
    let mut stack: Vec<Tag> = Vec::new();
    let mut current = String::new();
    loop {
        let event = xml.next()?;
        match &event {
            Event::Start(e) => stack.push(match e.local_name().as_ref() {
                b"si" => Tag::SharedItem,
                b"t" => Tag::Text,
                b"rPh" => Tag::Phonetic,
                _ => Tag::Other,
            }),
            Event::Empty(e) => {
                if e.local_name().as_ref() == b"si" {
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
}

#[derive(Debug, Default)]
struct Sheet {
    cells: String,
    margins: Vec<(Margin, HeaderKind, String)>,
}

/// The header/footer elements of `headerFooter`.
fn margin_of(local: &[u8]) -> Option<(Margin, HeaderKind)> {
    Some(match local {
        b"oddHeader" => (Margin::Header, HeaderKind::Default),
        b"oddFooter" => (Margin::Footer, HeaderKind::Default),
        b"evenHeader" => (Margin::Header, HeaderKind::Even),
        b"evenFooter" => (Margin::Footer, HeaderKind::Even),
        b"firstHeader" => (Margin::Header, HeaderKind::First),
        b"firstFooter" => (Margin::Footer, HeaderKind::First),
        _ => return None,
    })
}

/// Elements of a worksheet that matter to the walk (a tag stack, not names, keeps the walk
/// of a large sheet free of allocations per element).
#[derive(Clone, Copy, PartialEq)]
enum Tag {
    Cell,
    Value,
    Inline,
    Text,
    Phonetic,
    Row,
    /// `si`, a shared string (only in the shared string table).
    SharedItem,
    Margin(Margin, HeaderKind),
    Other,
}

fn tag_of(local: &[u8]) -> Tag {
    match local {
        b"c" => Tag::Cell,
        b"v" => Tag::Value,
        b"is" => Tag::Inline,
        b"t" => Tag::Text,
        b"rPh" => Tag::Phonetic,
        b"row" => Tag::Row,
        other => match margin_of(other) {
            Some((m, k)) => Tag::Margin(m, k),
            None => Tag::Other,
        },
    }
}

/// How a cell's value reads: a shared-string index, text, or no text (numbers, booleans,
/// errors, dates).
#[derive(Clone, Copy, PartialEq)]
enum CellType {
    Shared,
    Text,
    None,
}

/// The type of a `<c>` cell from its `t` attribute. A bad attribute, or two with one
/// name, is `Corrupt`.
fn cell_type_of(xml: &XmlWalk<'_>, e: &BytesStart<'_>) -> Result<CellType, ReadError> {
    // quick-xml's duplicate check allocates a list of keys for every element; a cell has
    // a few attributes, so they are compared here on the stack, and anything unusual (an
    // error, a duplicate, many attributes) goes through the checked walk, whose error is
    // the one reported.
    let mut keys: [&[u8]; 8] = [&[]; 8];
    let mut cell_type = CellType::None;
    let mut attributes = e.attributes();
    attributes.with_checks(false);
    for (seen, a) in attributes.enumerate() {
        let Ok(a) = a else {
            return cell_type_checked(xml, e);
        };
        let key = a.key.into_inner();
        let Some(slot) = keys.get_mut(seen) else {
            return cell_type_checked(xml, e);
        };
        *slot = key;
        if keys.iter().take(seen).any(|k| *k == key) {
            return cell_type_checked(xml, e);
        }
        if a.key.local_name().as_ref() == b"t" {
            cell_type = cell_type_named(&a.value);
        }
    }
    Ok(cell_type)
}

/// [`cell_type_of`] through quick-xml's checked attribute walk.
fn cell_type_checked(xml: &XmlWalk<'_>, e: &BytesStart<'_>) -> Result<CellType, ReadError> {
    let mut cell_type = CellType::None;
    for a in e.attributes().with_checks(true) {
        let a = a.map_err(|err| xml.corrupt(format!("bad attribute: {err}")))?;
        if a.key.local_name().as_ref() == b"t" {
            cell_type = cell_type_named(&a.value);
        }
    }
    Ok(cell_type)
}

fn cell_type_named(t: &[u8]) -> CellType {
    match t {
        b"s" => CellType::Shared,
        b"inlineStr" | b"str" => CellType::Text,
        _ => CellType::None,
    }
}

/// `str::trim`, without decoding a character at either end when both are printable
/// ASCII (nearly every cell), which is what the per-cell cost of a large sheet was.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// One worksheet: the text cells, row by row, and the header/footer code strings.
fn walk_sheet(
    bytes: &[u8],
    part: &str,
    shared: &[String],
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    let bytes = normalise_encoding(bytes);
    let mut xml = XmlWalk::new(&bytes, part, limits);
    let mut sheet = Sheet::default();
    let mut stack: Vec<Tag> = Vec::new();
    let mut row = String::new();
    let mut cell_type = CellType::None;
    let mut value = String::new();
    let mut margin = String::new();
    loop {
        let event = xml.next()?;
        match &event {
            Event::Start(e) => {
                let tag = tag_of(e.local_name().as_ref());
                if tag == Tag::Cell {
                    cell_type = cell_type_of(&xml, e)?;
                    value.clear();
                }
                stack.push(tag);
            }
            Event::Empty(_) => {}
            Event::End(_) => match stack.pop() {
                Some(Tag::Cell) => {
                    let text = match cell_type {
                        CellType::Shared => {
                            let i: usize = trim(&value).parse().map_err(|_| {
                                xml.corrupt(format!(
                                    "a shared-string cell holds {value:?}, not an index"
                                ))
                            })?;
                            shared.get(i).map(String::as_str).ok_or_else(|| {
                                xml.corrupt(format!(
                                    "a cell refers to shared string {i}, but the workbook has {}",
                                    shared.len()
                                ))
                            })?
                        }
                        CellType::Text => value.as_str(),
                        CellType::None => "",
                    };
                    let text = trim(text);
                    if !text.is_empty() {
                        if !row.is_empty() {
                            row.push('\t');
                        }
                        if text.bytes().any(|b| matches!(b, b'\r' | b'\n' | b'\t')) {
                            row.push_str(&text.replace(['\r', '\n', '\t'], " "));
                        } else {
                            row.push_str(text);
                        }
                    }
                }
                Some(Tag::Row) => {
                    push_line(&mut sheet.cells, &row);
                    row.clear();
                }
                Some(Tag::Margin(m, k)) => sheet.margins.push((m, k, std::mem::take(&mut margin))),
                _ => {}
            },
            Event::Eof => break,
            other => match stack.last() {
                Some(Tag::Value) if stack.contains(&Tag::Cell) => {
                    xml.append_text(other, &mut value)?;
                }
                Some(Tag::Text)
                    if stack.contains(&Tag::Inline) && !stack.contains(&Tag::Phonetic) =>
                {
                    xml.append_text(other, &mut value)?;
                }
                Some(Tag::Margin(..)) => {
                    xml.append_text(other, &mut margin)?;
                }
                _ => {}
            },
        }
    }
    push_line(&mut sheet.cells, &row);
    Ok(sheet)
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

    fn cells(row: &str) -> Result<String, ReadError> {
        let xml = format!("<worksheet><sheetData><row>{row}</row></sheetData></worksheet>");
        let shared = ["one".to_owned(), "two".to_owned()];
        walk_sheet(
            xml.as_bytes(),
            "xl/worksheets/sheet1.xml",
            &shared,
            &Limits::default(),
        )
        .map(|s| s.cells)
    }

    #[test]
    fn cell_attributes() {
        assert_eq!(
            cells(r#"<c r="A1" s="2" t="s"><v>1</v></c><c t="str"><v>x</v></c><c><v>5</v></c>"#)
                .unwrap(),
            "two\tx"
        );
        // More attributes than the fast path keeps: the checked walk reads them.
        let many = (0..10).map(|i| format!(r#" a{i}="1""#)).collect::<String>();
        assert_eq!(
            cells(&format!(r#"<c{many} t="s"><v>0</v></c>"#)).unwrap(),
            "one"
        );
        for bad in [
            r#"<c t="s" t="s"><v>0</v></c>"#,
            r#"<c r="A1" t="s" r="A2"><v>0</v></c>"#,
            r#"<c t=s><v>0</v></c>"#,
        ] {
            let err = cells(bad).unwrap_err();
            assert!(
                matches!(&err, ReadError::Corrupt { reason, .. } if reason.starts_with("bad attribute")),
                "{bad}: {err}"
            );
        }
    }
}
