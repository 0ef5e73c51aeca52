//! One XLSX worksheet (`xl/worksheets/sheetN.xml`): its text cells row by row, and its page
//! header and footer code strings.
//!
//! A sheet is most of a workbook's bytes and nearly all cells (`<c r="A1" t="s"><v>12</v></c>`,
//! five tokens each), so it is read straight from the regular tokenizer's tokens
//! ([`Tokens`], no event built per token) and a cell's attributes without quick-xml's
//! attribute iterator when they are plain; when the tokenizer stops, or anything is wrong,
//! the quick-xml walk reads the sheet from the start and its answer stands. Both drive one
//! [`SheetText`], so what a cell, row or header reads as is decided once. On the benchmark
//! workbook this took the whole check from 93 M to 51 M instructions.

use crate::document::HeaderKind;
use crate::document::drawing::push_line;
use crate::document::xml::{XmlWalk, local_of, resolve_reference};
use crate::document::xml_tokens::{PlainAttributes, Token, Tokens, local_part};
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::path::Margin;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesRef, BytesStart, Event};

/// What a worksheet reads as.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Sheet {
    /// One line per row with text, its text cells separated by a tab.
    pub(crate) cells: String,
    /// The header and footer code strings, undecoded, in document order.
    pub(crate) margins: Vec<(Margin, HeaderKind, String)>,
}

/// The text already taken from the input, and the most it may hold
/// ([`Limits::max_text_bytes`]): a sheet of one-character cells that each name a long
/// shared string would otherwise grow without bound before its part is counted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextRoom {
    pub(crate) used: u64,
    pub(crate) max: u64,
}

/// Reads one worksheet: `bytes` is the part (encoding already normalised), `part` its name
/// for errors, `shared` the workbook's shared strings.
///
/// # Errors
///
/// `Corrupt` for malformed XML, a bad cell attribute, a shared-string cell that holds no
/// index or an index the workbook does not have; `LimitExceeded` for
/// [`Limits::max_xml_depth`] and [`Limits::max_text_bytes`].
pub(crate) fn read_sheet(
    bytes: &[u8],
    part: &str,
    shared: &[String],
    room: TextRoom,
    limits: &Limits,
) -> Result<Sheet, ReadError> {
    let regular = read_regular(bytes, SheetText::new(shared, room), limits.max_xml_depth);
    #[cfg(fuzzing)]
    if let Some(sheet) = &regular {
        crate::document::xml_tokens::check_against_quick_xml(bytes);
        let mut walk = XmlWalk::new(bytes, part, limits);
        let walked = read_events(&mut walk, SheetText::new(shared, room));
        assert_eq!(
            Some(sheet),
            walked.as_ref().ok(),
            "the sheet reads differently"
        );
    }
    if let Some(sheet) = regular {
        return Ok(sheet);
    }
    read_events(
        &mut XmlWalk::new(bytes, part, limits),
        SheetText::new(shared, room),
    )
}

/// The sheet straight from the regular tokenizer's tokens ([`Tokens`]), as [`read_events`]
/// reads their events; `None` where the tokenizer stops or anything is wrong, and the
/// quick-xml walk then reads the sheet (a large sheet is nearly all cells, and building
/// an event for each of its tokens was a third of the time).
fn read_regular(bytes: &[u8], mut text: SheetText<'_>, max_depth: u64) -> Option<Sheet> {
    let mut tokens = Tokens::new(bytes);
    loop {
        match tokens.token()? {
            Token::Start {
                content,
                name_len,
                empty: false,
            } => {
                if tokens.depth() as u64 > max_depth {
                    return None;
                }
                let name = &content.as_bytes()[..name_len];
                text.start(local_part(name), || {
                    cell_type_of(&BytesStart::from_content(content, name_len))
                })
                .ok()?;
            }
            Token::End(_) => text.end().ok()?,
            Token::Text(t) => {
                if let Some(out) = text.text_target() {
                    out.push_str(t);
                }
            }
            Token::Reference(name) => {
                if let Some(out) = text.text_target() {
                    resolve_reference(&BytesRef::new(name), out).ok()?;
                }
            }
            Token::Start { empty: true, .. } | Token::Declaration(_) => {}
            Token::Eof => return Some(text.finish()),
        }
    }
}

fn read_events(xml: &mut XmlWalk<'_>, mut text: SheetText<'_>) -> Result<Sheet, ReadError> {
    loop {
        let event = xml.next()?;
        let step = match &event {
            Event::Start(e) => text.start(local_of(e), || cell_type_of(e)),
            Event::End(_) => text.end(),
            Event::Eof => return Ok(text.finish()),
            other => {
                if let Some(out) = text.text_target() {
                    xml.append_text(other, out)?;
                }
                Ok(())
            }
        };
        step.map_err(|problem| problem.into_error(xml))?;
    }
}

/// A cell's type from its attributes when they are plain ([`PlainAttributes`]): what
/// quick-xml's attribute iterator reads from such a list. `None` for anything else.
fn regular_cell_type(attributes: &[u8]) -> Option<CellType> {
    let mut cell_type = CellType::None;
    PlainAttributes::parse_with(attributes, |key, value| {
        if local_part(key) == b"t" {
            cell_type = cell_type_named(value);
        }
    })?;
    Some(cell_type)
}

/// Why a cell cannot be read.
#[derive(Debug)]
enum CellProblem {
    Attribute(AttrError),
    NotAnIndex(String),
    NoSuchString { index: usize, count: usize },
    TooMuchText { value: u64, max: u64 },
}

impl CellProblem {
    fn into_error(self, xml: &XmlWalk<'_>) -> ReadError {
        match self {
            CellProblem::Attribute(err) => xml.corrupt(format!("bad attribute: {err}")),
            CellProblem::NotAnIndex(value) => xml.corrupt(format!(
                "a shared-string cell holds {value:?}, not an index"
            )),
            CellProblem::NoSuchString { index, count } => xml.corrupt(format!(
                "a cell refers to shared string {index}, but the workbook has {count}"
            )),
            CellProblem::TooMuchText { value, max } => ReadError::LimitExceeded {
                limit: Limit::TextBytes,
                value,
                max,
                location: xml.part().to_owned(),
            },
        }
    }
}

/// Elements that matter to a worksheet or the shared string table (a tag stack, not
/// names, keeps the walk of a large sheet free of allocations per element).
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Tag {
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

/// How a cell's value reads: a shared-string index, text, or no text (numbers, booleans,
/// errors, dates).
#[derive(Clone, Copy, PartialEq)]
enum CellType {
    Shared,
    Text,
    None,
}

/// The type of a `<c>` cell from its `t` attribute: read without quick-xml's iterator
/// when the attributes are plain (nearly every cell), else through its checked walk, so a
/// bad attribute, or two with one name, is an error.
fn cell_type_of(e: &BytesStart<'_>) -> Result<CellType, AttrError> {
    match regular_cell_type(e.attributes_raw()) {
        Some(cell_type) => Ok(cell_type),
        None => cell_type_checked(e),
    }
}

/// [`cell_type_of`] through quick-xml's checked attribute walk.
fn cell_type_checked(e: &BytesStart<'_>) -> Result<CellType, AttrError> {
    let mut cell_type = CellType::None;
    for a in e.attributes().with_checks(true) {
        let a = a?;
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

/// What a worksheet reads as, built from its elements and text in document order. Both
/// tokenizers drive it, so they cannot disagree on what a cell says.
struct SheetText<'s> {
    shared: &'s [String],
    room: TextRoom,
    sheet: Sheet,
    stack: Vec<Tag>,
    row: String,
    cell_type: CellType,
    value: String,
    margin: String,
}

impl<'s> SheetText<'s> {
    fn new(shared: &'s [String], room: TextRoom) -> Self {
        SheetText {
            shared,
            room,
            sheet: Sheet::default(),
            stack: Vec::new(),
            row: String::new(),
            cell_type: CellType::None,
            value: String::new(),
            margin: String::new(),
        }
    }

    /// A start tag (not an empty element: those hold no text), by its local name;
    /// `cell_type` reads a cell's attributes, and is called for cells only.
    fn start(
        &mut self,
        local: &[u8],
        cell_type: impl FnOnce() -> Result<CellType, AttrError>,
    ) -> Result<(), CellProblem> {
        let tag = tag_of(local);
        if tag == Tag::Cell {
            self.cell_type = cell_type().map_err(CellProblem::Attribute)?;
            self.value.clear();
        }
        self.stack.push(tag);
        Ok(())
    }

    /// An end tag.
    fn end(&mut self) -> Result<(), CellProblem> {
        match self.stack.pop() {
            Some(Tag::Cell) => self.end_cell()?,
            Some(Tag::Row) => {
                push_line(&mut self.sheet.cells, &self.row);
                self.row.clear();
            }
            Some(Tag::Margin(m, k)) => {
                let codes = std::mem::take(&mut self.margin);
                self.sheet.margins.push((m, k, codes));
            }
            _ => {}
        }
        Ok(())
    }

    fn end_cell(&mut self) -> Result<(), CellProblem> {
        let text = match self.cell_type {
            CellType::Shared => {
                let index: usize = trim(&self.value)
                    .parse()
                    .map_err(|_| CellProblem::NotAnIndex(self.value.clone()))?;
                self.shared
                    .get(index)
                    .ok_or(CellProblem::NoSuchString {
                        index,
                        count: self.shared.len(),
                    })?
                    .as_str()
            }
            CellType::Text => self.value.as_str(),
            CellType::None => "",
        };
        let text = trim(text);
        if text.is_empty() {
            return Ok(());
        }
        if !self.row.is_empty() {
            self.row.push('\t');
        }
        if text.bytes().any(|b| matches!(b, b'\r' | b'\n' | b'\t')) {
            self.row.push_str(&text.replace(['\r', '\n', '\t'], " "));
        } else {
            self.row.push_str(text);
        }
        let value = self
            .room
            .used
            .saturating_add((self.sheet.cells.len() + self.row.len()) as u64);
        if value > self.room.max {
            return Err(CellProblem::TooMuchText {
                value,
                max: self.room.max,
            });
        }
        Ok(())
    }

    /// Where the text at this point goes: a cell's value, an inline string's text (not its
    /// phonetic runs), a header or footer; `None` for text that is not read.
    fn text_target(&mut self) -> Option<&mut String> {
        match self.stack.last() {
            Some(Tag::Value) if self.stack.contains(&Tag::Cell) => Some(&mut self.value),
            Some(Tag::Text)
                if self.stack.contains(&Tag::Inline) && !self.stack.contains(&Tag::Phonetic) =>
            {
                Some(&mut self.value)
            }
            Some(Tag::Margin(..)) => Some(&mut self.margin),
            _ => None,
        }
    }

    fn finish(mut self) -> Sheet {
        push_line(&mut self.sheet.cells, &self.row);
        self.sheet
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SHARED: [&str; 3] = ["one", "two", "a\tb"];

    fn shared() -> Vec<String> {
        SHARED.iter().map(|s| (*s).to_owned()).collect()
    }

    const ROOM: TextRoom = TextRoom {
        used: 0,
        max: 1 << 20,
    };

    /// The sheet as read (regular tokenizer first), and as quick-xml alone reads it.
    fn both(xml: &[u8]) -> (String, String) {
        let shared = shared();
        let limits = Limits {
            max_xml_depth: 8,
            ..Limits::default()
        };
        let read = read_sheet(xml, "s.xml", &shared, ROOM, &limits);
        let mut walk = XmlWalk::new(xml, "s.xml", &limits);
        let walked = read_events(&mut walk, SheetText::new(&shared, ROOM));
        (format!("{read:?}"), format!("{walked:?}"))
    }

    fn cells(row: &str) -> Result<String, ReadError> {
        let xml = format!("<worksheet><sheetData><row>{row}</row></sheetData></worksheet>");
        let shared = shared();
        read_sheet(xml.as_bytes(), "s.xml", &shared, ROOM, &Limits::default()).map(|s| s.cells)
    }

    #[test]
    fn cell_attributes() {
        assert_eq!(
            cells(r#"<c r="A1" s="2" t="s"><v>1</v></c><c t="str"><v>x</v></c><c><v>5</v></c>"#)
                .unwrap(),
            "two\tx"
        );
        // More names than the plain reading keeps to find a repeat (it reads the list again).
        let many = (0..10).map(|i| format!(r#" a{i}="1""#)).collect::<String>();
        assert_eq!(
            cells(&format!(r#"<c{many} t="s"><v>0</v></c>"#)).unwrap(),
            "one"
        );
        assert_eq!(cells(r#"<c t = "s" ><v>2</v></c>"#).unwrap(), "a b");
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

    #[test]
    fn a_worksheet_as_writers_write_it() {
        let xml = concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\r\n",
            r#"<worksheet xmlns="x"><sheetData><row r="1" spans="1:3">"#,
            r#"<c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>M&#257;ori &amp; co</t>"#,
            r#"<rPh><t>ph</t></rPh></is></c><c r="C1"><v>5</v></c><c r="D1" t="s"/></row>"#,
            r#"<row r="2"/><row><c t="str"><f>A1</f><v>x</v></c></row></sheetData>"#,
            r#"<headerFooter><oddFooter>&amp;C&amp;"Arial,Bold"RESTRICTED</oddFooter></headerFooter>"#,
            "</worksheet>"
        );
        let shared = shared();
        let sheet = read_sheet(xml.as_bytes(), "s.xml", &shared, ROOM, &Limits::default()).unwrap();
        assert_eq!(sheet.cells, "one\tMāori & co\nx");
        assert_eq!(
            sheet.margins,
            vec![(
                Margin::Footer,
                HeaderKind::Default,
                "&C&\"Arial,Bold\"RESTRICTED".to_owned()
            )]
        );
        let (read, walked) = both(xml.as_bytes());
        assert_eq!(read, walked);
    }

    #[test]
    fn what_the_regular_tokenizer_leaves_is_still_read() {
        let xml = "<worksheet><c t=\"str\"><v><![CDATA[SECRET]]></v></c><!-- x --></worksheet>";
        let shared = shared();
        let sheet = read_sheet(xml.as_bytes(), "s.xml", &shared, ROOM, &Limits::default());
        assert_eq!(sheet.unwrap().cells, "SECRET");
        let err = cells(r#"<c t="s"><v>9</v></c>"#).unwrap_err();
        assert!(err.to_string().contains("shared string 9"), "{err}");
    }

    #[test]
    fn shared_strings_cannot_outgrow_the_text_limit() {
        let shared = vec!["x".repeat(1000)];
        let cell = r#"<c t="s"><v>0</v></c>"#.repeat(200);
        let xml = format!("<worksheet><sheetData><row>{cell}</row></sheetData></worksheet>");
        let room = TextRoom {
            used: 10,
            max: 100_000,
        };
        let err =
            read_sheet(xml.as_bytes(), "s.xml", &shared, room, &Limits::default()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::LimitExceeded {
                    limit: Limit::TextBytes,
                    value,
                    max: 100_000,
                    ..
                } if value > 100_000
            ),
            "{err}"
        );
    }

    /// Pieces of worksheet markup: well-formed cells and rows, and the unusual and the
    /// broken, in any order.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0usize..4, " {0,2}").prop_map(|(i, pad)| format!(
                r#"<c r="A1" t="s"><v>{pad}{i}</v></c>"#
            )),
            3 => "[a-zA-Z ā’&<>\"']{0,12}".prop_map(|t| {
                let t = quick_xml::escape::escape(t.as_str()).into_owned();
                format!(r#"<c t="inlineStr"><is><t>{t}</t><rPh><t>ph</t></rPh></is></c>"#)
            }),
            2 => "[a-zA-Z0-9 ]{0,8}".prop_map(|v| format!("<c t=\"str\"><f>A1</f><v>{v}</v></c>")),
            2 => Just("<c><v>12.5</v></c>".to_owned()),
            2 => Just("</row><row r=\"2\">".to_owned()),
            1 => Just("<c t=\"s\"/><v/>".to_owned()),
            1 => Just("<x:c t='s'><x:v>1</x:v></x:c>".to_owned()),
            1 => "[ \r\n\t]{1,3}",
            1 => Just("<oddHeader>&amp;L&amp;\"Arial\"SECRET&#x26;P</oddHeader>".to_owned()),
            1 => Just("<evenFooter>a&#10;b</evenFooter>".to_owned()),
            1 => prop_oneof![
                Just("<!-- c -->"),
                Just("<![CDATA[<v>]]>"),
                Just("&"),
                Just("&nbsp;"),
                Just("&#xZZ;"),
                Just("<c t=\"s\"><v>x</v></c>"),
                Just("<c t=\"s\"><v>7</v></c>"),
                Just("<c t=s>"),
                Just("<c t=\"s\" t=\"s\">"),
                Just("<c a=\"1\"t=\"s\"><v>1</v></c>"),
                Just("<c t = 's'><v>1</v></c>"),
                Just("</c>"),
                Just("<v>"),
                Just("</row >"),
                Just("<?pi?>"),
                Just("<"),
                Just("<a b=\">\">"),
                Just("</a>"),
                Just("\u{FFFD}\u{0}"),
            ]
            .prop_map(str::to_owned),
        ]
    }

    proptest! {
        /// A worksheet reads the same (its text, or its error) whether the regular
        /// tokenizer or quick-xml answered.
        #[test]
        fn the_regular_tokenizer_changes_nothing(
            pieces in proptest::collection::vec(piece(), 0..24),
            declared in any::<bool>(),
            prefix in prop_oneof![Just(""), Just("x:")],
        ) {
            let body = pieces.concat();
            let decl = if declared { "<?xml version=\"1.0\"?>\n" } else { "" };
            let xml = format!(
                "{decl}<{prefix}worksheet><sheetData><row r=\"1\">{body}</row></sheetData></{prefix}worksheet>"
            );
            let (read, walked) = both(xml.as_bytes());
            prop_assert_eq!(read, walked, "{}", xml);
        }

        /// A cell's plain attributes read as quick-xml's checked iterator reads them.
        #[test]
        fn plain_attributes_read_as_quick_xml_reads_them(
            attributes in proptest::collection::vec(
                ("(t|r|s|x:t|t:x)", "(s|str|inlineStr|n|A1|)", any::<bool>(), "[ \t]{0,2}"),
                0..5,
            ),
        ) {
            let list: String = attributes
                .iter()
                .map(|(k, v, single, pad)| {
                    let q = if *single { '\'' } else { '"' };
                    format!(" {k}={q}{v}{q}{pad}")
                })
                .collect();
            let content = format!("c{list}");
            let e = BytesStart::from_content(content.as_str(), 1);
            if let Some(plain) = regular_cell_type(e.attributes_raw()) {
                let checked = cell_type_checked(&e);
                prop_assert!(matches!(checked, Ok(t) if t == plain), "{}", content);
            }
        }
    }
}
