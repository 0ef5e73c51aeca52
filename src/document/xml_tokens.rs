//! A tokenizer for the regular markup office suites write, yielding the events quick-xml
//! yields for it, and stopping at anything else.
//!
//! An office part is mostly short elements: `<c r="A1" t="s"><v>12</v></c>` in a worksheet,
//! `<a:r><a:t>text</a:t></a:r>` on a slide. quick-xml spends its time there on per-event
//! work (searches set up for long runs, checks for markup these parts never hold): about
//! 2,500 instructions a worksheet cell, which made a workbook three times slower to check
//! than `unzip -p` is to inflate it. This tokenizer reads only the regular subset: an XML
//! declaration at the start; elements whose names are ASCII letters, digits and `_ : . -`;
//! attributes (left as quick-xml leaves them, unparsed until asked for); text; and the
//! references `&name;`. For those it yields exactly quick-xml's events. On anything else
//! (a comment, CDATA, a DTD, a processing instruction, a name it does not take, a dangling
//! `&`, an end tag that does not repeat its start tag's name, bytes that are not UTF-8) it
//! stops, and [`read_part`](super::xml::read_part) reads the part again with quick-xml,
//! whose answer stands. Its output up to any point is the same as quick-xml's up to that
//! point; the tests hold it to that on generated markup.

use quick_xml::events::{BytesDecl, BytesEnd, BytesRef, BytesStart, BytesText, Event};

/// The regular tokenizer over one part.
pub(crate) struct Tokens<'a> {
    /// The whole part; `None` when it is not UTF-8 (so nothing is yielded).
    text: Option<&'a str>,
    /// Where the next token starts (always just after an ASCII delimiter, so a char
    /// boundary).
    pos: usize,
    /// The names of the open elements, checked against their end tags.
    open: Vec<&'a str>,
}

impl<'a> Tokens<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Tokens {
            text: std::str::from_utf8(bytes).ok(),
            pos: 0,
            open: Vec::new(),
        }
    }

    /// The next event, as quick-xml would yield it; `None` where this tokenizer stops.
    /// `Event::Eof` at the end, once every element has closed.
    #[inline]
    pub(crate) fn next(&mut self) -> Option<Event<'a>> {
        Some(match self.token()? {
            Token::Start {
                content,
                name_len,
                empty: false,
            } => Event::Start(BytesStart::from_content(content, name_len)),
            Token::Start {
                content,
                name_len,
                empty: true,
            } => Event::Empty(BytesStart::from_content(content, name_len)),
            Token::End(name) => Event::End(BytesEnd::new(name)),
            Token::Text(text) => Event::Text(BytesText::from_escaped(text)),
            Token::Reference(name) => Event::GeneralRef(BytesRef::new(name)),
            Token::Declaration(content) => {
                Event::Decl(BytesDecl::from_start(BytesStart::from_content(content, 3)))
            }
            Token::Eof => Event::Eof,
        })
    }

    /// `piece` as text, when it is a slice of this part (the bytes of every event it
    /// yields are): the part passed its UTF-8 check whole, so no piece of it is checked
    /// again. Where a slice lies is found from its address, in safe code.
    pub(crate) fn str_of(&self, piece: &[u8]) -> Option<&'a str> {
        let text = self.text?;
        let start = (piece.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        text.get(start..start.checked_add(piece.len())?)
    }

    /// How many elements are open.
    pub(crate) fn depth(&self) -> usize {
        self.open.len()
    }

    /// The next token; `None` where this tokenizer stops.
    #[inline]
    pub(crate) fn token(&mut self) -> Option<Token<'a>> {
        let text = self.text?;
        let rest = text.get(self.pos..)?;
        let bytes = rest.as_bytes();
        let Some(&first) = bytes.first() else {
            // quick-xml refuses a document that ends inside an element.
            return self.open.is_empty().then_some(Token::Eof);
        };
        match first {
            b'<' => self.markup(rest),
            b'&' => {
                // As quick-xml reads a reference: up to a `;` before any `&` or `<`.
                let end = find_byte3(b';', b'&', b'<', &bytes[1..])? + 1;
                if bytes[end] != b';' {
                    return None;
                }
                self.pos += end + 1;
                Some(Token::Reference(&rest[1..end]))
            }
            _ => {
                let len = find_byte2(b'<', b'&', bytes).unwrap_or(bytes.len());
                self.pos += len;
                Some(Token::Text(&rest[..len]))
            }
        }
    }

    /// A tag, from its `<`.
    #[inline]
    fn markup(&mut self, rest: &'a str) -> Option<Token<'a>> {
        let bytes = rest.as_bytes();
        match *bytes.get(1)? {
            b'/' => {
                // quick-xml demands the name of the element open here (it also takes
                // whitespace before the `>`, which this tokenizer leaves to it).
                let name = self.open.pop()?;
                let end = 2 + name.len();
                if bytes.get(2..end)? != name.as_bytes() || bytes.get(end) != Some(&b'>') {
                    return None;
                }
                self.pos += end + 1;
                Some(Token::End(name))
            }
            b'?' if self.pos == 0 => {
                // An XML declaration, only at the start: `<?xml` and whitespace, up to the
                // first `?>` (quick-xml's end of a declaration), with no `>` before it.
                let end = find_byte(b'>', bytes)?;
                let content = rest.get(2..end - 1)?;
                if !content.starts_with("xml")
                    || !content.as_bytes().get(3).is_some_and(is_space)
                    || bytes[end - 1] != b'?'
                {
                    return None;
                }
                self.pos += end + 1;
                Some(Token::Declaration(content))
            }
            b'!' | b'?' => None,
            _ => {
                // The name, then `>`, `/>`, or whitespace and the attributes.
                let name_len = bytes[1..].iter().position(|b| !is_name_byte(b))?;
                if name_len == 0 {
                    return None;
                }
                let after = name_len + 1;
                let (end, empty) = match bytes[after] {
                    b'>' => (after, false),
                    b'/' if bytes.get(after + 1) == Some(&b'>') => (after + 1, true),
                    b if is_space(&b) => {
                        let end = after + tag_end(&bytes[after..])?;
                        (end, bytes[end - 1] == b'/')
                    }
                    _ => return None,
                };
                self.pos += end + 1;
                let content = if empty {
                    &rest[1..end - 1]
                } else {
                    self.open.push(&rest[1..after]);
                    &rest[1..end]
                };
                Some(Token::Start {
                    content,
                    name_len,
                    empty,
                })
            }
        }
    }
}

/// One token of the regular subset, the parts of quick-xml's event for it.
pub(crate) enum Token<'a> {
    /// A start tag or an empty element: its name and attributes (`content`), the name's
    /// length.
    Start {
        content: &'a str,
        name_len: usize,
        empty: bool,
    },
    /// An end tag: its name.
    End(&'a str),
    /// Text, still escaped (a reference is a token of its own).
    Text(&'a str),
    /// `&name;`: the name.
    Reference(&'a str),
    /// The XML declaration: what is between `<?` and `?>`.
    Declaration(&'a str),
    /// The end of the part, every element closed.
    Eof,
}

/// Most attributes a plain list holds; a longer one is read by quick-xml's iterator.
const PLAIN_MAX: usize = 12;

/// A start tag's attributes (the bytes after its name, as `BytesStart::attributes_raw`
/// gives them) when every one is plain: `name="value"` or `name='value'`, each after
/// whitespace, names of the bytes [`is_name_byte`] takes, no two names alike, at most 12.
/// For such a list quick-xml's checked attribute iterator yields the same pairs, with no
/// error; its work (a list of the names seen, allocated per element) is what this saves.
#[derive(Clone, Copy)]
pub(crate) struct PlainAttributes<'b> {
    raw: &'b [u8],
}

impl<'b> PlainAttributes<'b> {
    /// The list, or `None` when it is not plain (or is malformed).
    #[cfg(test)]
    pub(crate) fn parse(raw: &'b [u8]) -> Option<Self> {
        Self::parse_with(raw, |_, _| {})
    }

    /// The list, or `None` when it is not plain (or is malformed), showing `visit` each
    /// `(name, raw value)` on the way (what it saw is to be dropped if the answer is `None`).
    #[inline]
    pub(crate) fn parse_with(
        raw: &'b [u8],
        mut visit: impl FnMut(&'b [u8], &'b [u8]),
    ) -> Option<Self> {
        // The first few names are kept to find a repeat; past them, the list so far is
        // read again (a tag with that many attributes is rare).
        let mut keys: [&[u8]; 4] = [&[]; 4];
        let mut seen = 0;
        let mut i = 0;
        loop {
            let space = i;
            while raw.get(i).is_some_and(is_space) {
                i += 1;
            }
            if i == raw.len() {
                return Some(PlainAttributes { raw });
            }
            if i == space {
                return None; // attributes run together
            }
            let key_start = i;
            while raw.get(i).is_some_and(is_name_byte) {
                i += 1;
            }
            let key = &raw[key_start..i];
            let quote = *raw.get(i + 1)?;
            if key.is_empty() || raw[i] != b'=' || !matches!(quote, b'"' | b'\'') {
                return None;
            }
            i += 2;
            let value_start = i;
            i += find_byte(quote, raw.get(i..)?)?;
            let value = &raw[value_start..i];
            i += 1;
            if seen < keys.len() {
                if keys[..seen].contains(&key) {
                    return None;
                }
                keys[seen] = key;
            } else {
                let before = PlainAttributes {
                    raw: &raw[..key_start],
                };
                if seen >= PLAIN_MAX || before.iter().any(|(k, _)| k == key) {
                    return None;
                }
            }
            seen += 1;
            visit(key, value);
        }
    }

    /// `(name, raw value)` in document order.
    pub(crate) fn iter(self) -> impl Iterator<Item = (&'b [u8], &'b [u8])> {
        let mut rest = self.raw;
        std::iter::from_fn(move || {
            let start = rest.iter().position(|b| !is_space(b))?;
            let attribute = &rest[start..];
            let eq = find_byte(b'=', attribute)?;
            let quote = *attribute.get(eq + 1)?;
            let value = attribute.get(eq + 2..)?;
            let len = find_byte(quote, value)?;
            rest = &value[len + 1..];
            Some((&attribute[..eq], &value[..len]))
        })
    }
}

/// The local part of a name, as quick-xml takes it: after the first colon.
pub(crate) fn local_part(name: &[u8]) -> &[u8] {
    match name.iter().position(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// XML whitespace, as quick-xml splits a tag's name from its attributes.
pub(crate) fn is_space(b: &u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A byte of an element or attribute name this tokenizer takes.
#[inline]
pub(crate) fn is_name_byte(b: &u8) -> bool {
    NAME_BYTES[usize::from(*b)]
}

/// [`is_name_byte`] as a table: names are most of the bytes of a tag, and one lookup a
/// byte is a quarter of the comparisons.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-');
        b += 1;
    }
    table
};

/// Where a start tag ends: the first `>` outside a quoted attribute value, as quick-xml
/// finds it.
fn tag_end(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'>' {
            return Some(i);
        }
        if b == b'"' || b == b'\'' {
            i += 1 + find_byte(b, bytes.get(i + 1..)?)?;
        }
        i += 1;
    }
    None
}

/// Below this many bytes a plain loop finds a byte sooner than memchr's vector set-up;
/// office markup is mostly shorter runs than this (a tag, a cell's value).
const SHORT: usize = 16;

/// The first `needle` in `haystack`.
#[inline]
pub(crate) fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    find(
        haystack,
        |b| b == needle,
        |long| memchr::memchr(needle, long),
    )
}

fn find_byte2(a: u8, b: u8, haystack: &[u8]) -> Option<usize> {
    find(
        haystack,
        |c| c == a || c == b,
        |long| memchr::memchr2(a, b, long),
    )
}

fn find_byte3(a: u8, b: u8, c: u8, haystack: &[u8]) -> Option<usize> {
    let hit = |d| d == a || d == b || d == c;
    find(haystack, hit, |long| memchr::memchr3(a, b, c, long))
}

/// The first byte `hit` takes: a plain loop over the first [`SHORT`] bytes, then `long`
/// (the memchr search for the same bytes) over the rest.
#[inline]
fn find(
    haystack: &[u8],
    hit: impl Fn(u8) -> bool,
    long: impl FnOnce(&[u8]) -> Option<usize>,
) -> Option<usize> {
    let short = &haystack[..haystack.len().min(SHORT)];
    for (i, &b) in short.iter().enumerate() {
        if hit(b) {
            return Some(i);
        }
    }
    long(haystack.get(SHORT..)?).map(|i| i + SHORT)
}

/// Holds the tokenizer to quick-xml on one part: its events, for as far as it goes, are
/// quick-xml's (configured as the walk configures it), and it never goes past an error of
/// quick-xml's. The tests run this on generated markup, the fuzz targets on every part they
/// read. Returns whether the tokenizer read to the end.
///
/// # Panics
///
/// Where the two differ.
#[cfg(any(test, fuzzing))]
pub(crate) fn check_against_quick_xml(bytes: &[u8]) -> bool {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;
    config.trim_text(false);
    let mut tokens = Tokens::new(bytes);
    let shown = || String::from_utf8_lossy(bytes).into_owned();
    loop {
        let Some(ours) = tokens.next() else {
            return false;
        };
        match reader.read_event() {
            Ok(theirs) => assert_eq!(
                ours,
                theirs,
                "the tokenizer differs from quick-xml in {:?}",
                shown()
            ),
            Err(e) => panic!(
                "the tokenizer went past quick-xml's error ({e}) in {:?}",
                shown()
            ),
        }
        if ours == Event::Eof {
            return true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn agree(xml: &[u8]) -> Result<bool, TestCaseError> {
        Ok(check_against_quick_xml(xml))
    }

    /// Events from the tokenizer, up to where it stops or the end.
    fn regular_events(xml: &[u8]) -> (Vec<Event<'_>>, bool) {
        let mut tokens = Tokens::new(xml);
        let mut out = Vec::new();
        while let Some(event) = tokens.next() {
            let end = event == Event::Eof;
            out.push(event);
            if end {
                return (out, true);
            }
        }
        (out, false)
    }

    #[test]
    fn office_markup_is_read_to_the_end_as_quick_xml_reads_it() {
        let xml = concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\r\n",
            r#"<worksheet xmlns="x" xmlns:r="y"><sheetData><row r="1" spans="1:3">"#,
            r#"<c r="A1" t="s"><v>0</v></c><c t="inlineStr"><is><t>M&#257;ori &amp; co</t></is></c>"#,
            r#"<c r="D1" t="s"/><c r="E1"  /><x:c a='>'>1 &lt; 2 ></x:c></row></sheetData>"#,
            r#"<headerFooter><oddFooter>&amp;C&amp;"Arial,Bold"RESTRICTED</oddFooter></headerFooter>"#,
            "</worksheet>"
        );
        assert!(agree(xml.as_bytes()).unwrap(), "stopped early on {xml}");
    }

    #[test]
    fn the_tokenizer_stops_short_of_the_unusual() {
        for xml in [
            "<a><!-- a comment --></a>",
            "<a><![CDATA[SECRET]]></a>",
            "<!DOCTYPE a [<!ENTITY m \"SECRET\">]><a>&m;</a>",
            "<a><?pi x?></a>",
            "<?xml-stylesheet href=\"x\"?><a/>",
            "<a>AT&T</a>",
            "<a>&</a>",
            "<wörksheet></wörksheet>",
            "<a></a >",
            "<a><b></a></b>",
            "</a>",
            "<a\u{0}></a>",
            "< a></a>",
            "<a/ >",
        ] {
            let (events, complete) = regular_events(xml.as_bytes());
            assert!(!complete, "{xml}: {events:?}");
            agree(xml.as_bytes()).unwrap();
        }
        let (_, complete) = regular_events(b"<a>\xff</a>");
        assert!(!complete, "not UTF-8");
    }

    /// Pieces of markup, regular and not, in any order.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop_oneof![Just("c"), Just("v"), Just("a:t"), Just("w:r"), Just("x")]
                .prop_flat_map(|name| (Just(name), "( [a-z:]{1,4}=(\"[^\"<&]{0,4}\"|'[^'<&]{0,4}'))?( )?"))
                .prop_map(|(name, attrs)| format!("<{name}{attrs}>")),
            3 => prop_oneof![Just("c"), Just("v"), Just("a:t"), Just("w:r"), Just("x")]
                .prop_map(|name| format!("</{name}>")),
            2 => "[a-z]{0,2}( [a-z]=\"[a-z/>]{0,3}\")?".prop_map(|n| format!("<{n}/>")),
            3 => "[a-zA-Z0-9 āē’“”–>\t\r\n]{1,12}",
            2 => prop_oneof![
                Just("&amp;"), Just("&lt;"), Just("&#x41;"), Just("&#257;"), Just("&nbsp;"),
                Just("&;"), Just("&"), Just(";"), Just("&a&b;"),
            ].prop_map(str::to_owned),
            1 => prop_oneof![
                Just("<!-- c -->"), Just("<![CDATA[x]]>"), Just("<?pi?>"), Just("<"),
                Just(">"), Just("</ c>"), Just("<c "), Just("<c\">"), Just("<é>"),
                Just("</c >"), Just("<c/ >"), Just("<c a=\"1\"b=\"2\">"), Just("\u{0}"),
            ].prop_map(str::to_owned),
        ]
    }

    proptest! {
        /// The tokenizer yields quick-xml's events for as long as it goes, and goes to the
        /// end of every document of well-formed regular pieces.
        #[test]
        fn the_tokenizer_yields_quick_xml_events(
            pieces in proptest::collection::vec(piece(), 0..32),
            declared in any::<bool>(),
        ) {
            let decl = if declared { "<?xml version=\"1.0\"?>" } else { "" };
            let xml = format!("{decl}<root>{}</root>", pieces.concat());
            agree(xml.as_bytes())?;
        }

        /// Regular documents are read to the end.
        #[test]
        fn regular_documents_are_read_to_the_end(
            cells in proptest::collection::vec(("[a-zA-Z0-9 āē’]{0,8}", 0usize..3), 0..16),
        ) {
            let body: String = cells
                .iter()
                .map(|(text, kind)| match kind {
                    0 => format!("<c r=\"A1\" t=\"s\"><v>{text}</v></c>"),
                    1 => format!("<a:p><a:r><a:t xml:space='preserve'>{text}</a:t></a:r></a:p>"),
                    _ => format!("<w:t>{text}&amp;</w:t><w:br/>"),
                })
                .collect();
            let xml = format!("<?xml version=\"1.0\"?>\n<root xmlns:a=\"x\">{body}</root>");
            prop_assert!(agree(xml.as_bytes())?, "stopped early on {}", xml);
        }

        /// A plain attribute list reads as quick-xml's checked iterator reads it.
        #[test]
        fn plain_attributes_are_quick_xml_attributes(
            list in proptest::collection::vec(
                ("(t|r|s|x:t|t:x|id|r:id|a-b|_)", "[a-z0-9 &;<>/=:āē]{0,5}", any::<bool>(), "[ \t\r\n]{0,2}"),
                0..14,
            ),
            junk in prop_oneof![Just(""), Just("x"), Just(" x"), Just(" x="), Just(" x=\"1"), Just("="), Just(" t = \"1\"")],
        ) {
            let raw: String = list
                .iter()
                .map(|(k, v, single, pad)| {
                    let q = if *single { '\'' } else { '"' };
                    let v = v.replace(q, "");
                    format!(" {k}={q}{v}{q}{pad}")
                })
                .collect::<String>()
                + junk;
            let e = BytesStart::from_content(format!("e{raw}"), 1);
            if let Some(plain) = PlainAttributes::parse(e.attributes_raw()) {
                let quick: Result<Vec<(Vec<u8>, Vec<u8>)>, _> = e
                    .attributes()
                    .with_checks(true)
                    .map(|a| a.map(|a| (a.key.as_ref().to_vec(), a.value.to_vec())))
                    .collect();
                let ours: Vec<(Vec<u8>, Vec<u8>)> =
                    plain.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
                prop_assert_eq!(quick.ok(), Some(ours), "{}", raw);
            }
        }

        /// Any bytes at all: the tokenizer never goes past quick-xml, nor differs from it.
        #[test]
        fn arbitrary_bytes_agree(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            agree(&bytes)?;
        }
    }
}
