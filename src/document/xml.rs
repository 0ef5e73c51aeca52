//! A bounded, strict quick-xml 0.41 event walk shared by the DOCX part readers.
//!
//! Strict: end names are checked, the document must close every element it opens, and
//! attribute values must unescape (malformed XML, such as an unterminated attribute value, is
//! refused rather than half-read). Bounded: nesting deeper than
//! [`Limits::max_xml_depth`] stops the walk. Entities: character references and the five
//! predefined entities are resolved. DTDs are skipped unread, so external entities (XXE) are
//! never fetched and entity bombs never expand. Any other `&name;` in text makes the part
//! `Corrupt`: Word never writes a DTD, and text that depends on entities this reader does not
//! expand cannot be read faithfully (`<!ENTITY m "SECRET">` … `&m;` would hide a marking), so
//! the reader fails closed instead of guessing.

use crate::document::decode_utf16;
use crate::document::xml_tokens::{PlainAttributes, Tokens, local_part};
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::report::Format;
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use std::borrow::Cow;

/// Prepares part bytes for the walk: drops a UTF-8 byte order mark and transcodes UTF-16
/// (by its byte order mark) to UTF-8, since every later step reads text as UTF-8.
pub(crate) fn normalise_encoding(bytes: &[u8]) -> Cow<'_, [u8]> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Cow::Borrowed(rest)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        Cow::Owned(decode_utf16(rest, u16::from_le_bytes).into_bytes())
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        Cow::Owned(decode_utf16(rest, u16::from_be_bytes).into_bytes())
    } else {
        Cow::Borrowed(bytes)
    }
}

/// The format an OOXML part's errors name, by the part's folder: `word/` DOCX, `ppt/` PPTX,
/// `xl/` XLSX; a package-level part (content types, relationships, properties, custom XML)
/// is shared by all three, so [`Format::Ooxml`].
fn format_of_part(part: &str) -> Format {
    let part = part.trim_start_matches('/');
    if part.starts_with("word/") {
        Format::Docx
    } else if part.starts_with("ppt/") {
        Format::Pptx
    } else if part.starts_with("xl/") {
        Format::Xlsx
    } else {
        Format::Ooxml
    }
}

/// Reads one XML part with `read`: first over the events of the regular tokenizer
/// ([`Tokens`]), and, when that stops short or `read` fails, again from the start over
/// quick-xml's, whose answer (a value or the error that says what is wrong) then stands.
/// The tokenizer yields quick-xml's own events for as far as it goes, so `read` sees the
/// same document either way; `read` must keep its state to itself, as it may run twice.
pub(crate) fn read_part<'a, T>(
    bytes: &'a [u8],
    part: &'a str,
    limits: &Limits,
    mut read: impl FnMut(&mut XmlWalk<'a>) -> Result<T, ReadError>,
) -> Result<T, ReadError> {
    #[cfg(fuzzing)]
    crate::document::xml_tokens::check_against_quick_xml(bytes);
    let mut regular = XmlWalk::with_source(Source::Regular(Tokens::new(bytes)), part, limits);
    if let Ok(value) = read(&mut regular) {
        return Ok(value);
    }
    read(&mut XmlWalk::new(bytes, part, limits))
}

/// Where a walk's events come from.
enum Source<'a> {
    QuickXml(Box<Reader<&'a [u8]>>),
    Regular(Tokens<'a>),
}

/// An event walk over one XML part, tracking depth against the limit.
pub(crate) struct XmlWalk<'a> {
    source: Source<'a>,
    depth: u64,
    max_depth: u64,
    part: &'a str,
    /// What the part's errors name as the format.
    format: Format,
}

impl<'a> XmlWalk<'a> {
    /// A walk over quick-xml's events: any part, every error named.
    pub(crate) fn new(bytes: &'a [u8], part: &'a str, limits: &Limits) -> Self {
        let mut reader = Reader::from_reader(bytes);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Self::with_source(Source::QuickXml(Box::new(reader)), part, limits)
    }

    fn with_source(source: Source<'a>, part: &'a str, limits: &Limits) -> Self {
        XmlWalk {
            source,
            depth: 0,
            max_depth: limits.max_xml_depth,
            part,
            format: format_of_part(part),
        }
    }

    /// This walk with its errors naming `format` (an OpenDocument part, whose name does not
    /// tell its kind).
    pub(crate) fn in_format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Current element depth: 1 inside the root element.
    pub(crate) fn depth(&self) -> u64 {
        self.depth
    }

    /// The next event. `Ok(Event::Eof)` only once the root element is closed.
    #[inline]
    pub(crate) fn next(&mut self) -> Result<Event<'a>, ReadError> {
        let event = match &mut self.source {
            Source::QuickXml(reader) => match reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let reason = format!("{e} (near byte {})", reader.error_position());
                    return Err(self.corrupt(reason));
                }
            },
            Source::Regular(tokens) => match tokens.next() {
                Some(event) => event,
                // Not an answer: `read_part` reads the part again with quick-xml.
                None => {
                    return Err(self.corrupt("beyond the regular tokenizer".to_owned()));
                }
            },
        };
        match &event {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(ReadError::LimitExceeded {
                        limit: Limit::XmlDepth,
                        value: self.depth,
                        max: self.max_depth,
                        location: self.part.to_owned(),
                    });
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Eof if self.depth != 0 => {
                return Err(self.corrupt(format!(
                    "document ends inside {} open element(s)",
                    self.depth
                )));
            }
            _ => {}
        }
        Ok(event)
    }

    /// The part's name, as errors give it.
    pub(crate) fn part(&self) -> &str {
        self.part
    }

    /// A `Corrupt` error for this part.
    pub(crate) fn corrupt(&self, reason: String) -> ReadError {
        ReadError::Corrupt {
            format: self.format,
            location: self.part.to_owned(),
            reason,
        }
    }

    /// Appends the character data of a text-like event (text, CDATA, entity reference).
    /// Returns `false` for other events.
    pub(crate) fn append_text(
        &self,
        event: &Event<'_>,
        out: &mut String,
    ) -> Result<bool, ReadError> {
        match event {
            // A short ASCII run (a cell's value) is copied as is: validating it as UTF-8
            // cost more than the copy.
            Event::Text(t) if t.len() <= 16 && t.is_ascii() => {
                out.extend(t.iter().map(|&b| char::from(b)));
            }
            Event::Text(t) => match self.str_of(t) {
                Some(t) => out.push_str(t),
                None => out.push_str(&String::from_utf8_lossy(t)),
            },
            Event::CData(t) => out.push_str(&String::from_utf8_lossy(t)),
            Event::GeneralRef(r) => self.resolve_ref(r, out)?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `piece` of the part as text, when the regular tokenizer checked it already.
    fn str_of(&self, piece: &[u8]) -> Option<&'a str> {
        match &self.source {
            Source::Regular(tokens) => tokens.str_of(piece),
            Source::QuickXml(_) => None,
        }
    }

    fn resolve_ref(&self, r: &BytesRef<'_>, out: &mut String) -> Result<(), ReadError> {
        resolve_reference(r, out).map_err(|reason| self.corrupt(reason))
    }

    /// The unescaped value of the first attribute with this local name (prefix ignored).
    pub(crate) fn attr(
        &self,
        e: &BytesStart<'_>,
        local: &[u8],
    ) -> Result<Option<String>, ReadError> {
        if let Some(found) = plain_value(e, |key| local_part(key) == local) {
            return found.map(|value| self.unescape_value(value)).transpose();
        }
        for a in e.attributes().with_checks(true) {
            let a = a.map_err(|err| self.corrupt(format!("bad attribute: {err}")))?;
            if a.key.local_name().as_ref() == local {
                return self.unescape_value(&a.value).map(Some);
            }
        }
        Ok(None)
    }

    /// [`attr`](Self::attr) read as an integer (surrounding whitespace allowed); `None`
    /// when it is absent or not a number. A plain value (no reference in it) is parsed
    /// where it lies, with no string made for it: a drawing has two such numbers a shape.
    pub(crate) fn attr_number(
        &self,
        e: &BytesStart<'_>,
        local: &[u8],
    ) -> Result<Option<i64>, ReadError> {
        Ok(self.attr_number_pair(e, [local, local])?[0])
    }

    /// Two [`attr_number`](Self::attr_number)s of one element (a transform's `x` and `y`,
    /// `cx` and `cy`), read in one pass over a plain attribute list.
    pub(crate) fn attr_number_pair(
        &self,
        e: &BytesStart<'_>,
        names: [&[u8]; 2],
    ) -> Result<[Option<i64>; 2], ReadError> {
        let no_reference = |v: &Option<&[u8]>| v.is_none_or(|v| !v.contains(&b'&'));
        if let Some(found) = plain_values(e, names)
            && found.iter().all(no_reference)
        {
            return Ok(found.map(|v| v.and_then(number)));
        }
        // A reference to resolve, or a list that is not plain: as `attr` reads it.
        let mut out = [None; 2];
        for (slot, name) in out.iter_mut().zip(names) {
            *slot = self.attr(e, name)?.and_then(|v| number(v.as_bytes()));
        }
        Ok(out)
    }

    fn unescape_value(&self, value: &[u8]) -> Result<String, ReadError> {
        unescape_attribute(value).map_err(|err| self.corrupt(format!("bad attribute value: {err}")))
    }
}

impl XmlWalk<'_> {
    /// The value of a prefixed `id` attribute (`r:id`, a relationship id), as opposed to a
    /// plain `id`.
    pub(crate) fn rel_id(&self, e: &BytesStart<'_>) -> Result<Option<String>, ReadError> {
        let is_rel_id = |key: &[u8]| key.contains(&b':') && local_part(key) == b"id";
        if let Some(found) = plain_value(e, is_rel_id) {
            return Ok(found.map(|value| String::from_utf8_lossy(value).into_owned()));
        }
        for a in e.attributes().with_checks(true) {
            let a = a.map_err(|err| self.corrupt(format!("bad attribute: {err}")))?;
            if a.key.prefix().is_some() && a.key.local_name().as_ref() == b"id" {
                return Ok(Some(String::from_utf8_lossy(&a.value).into_owned()));
            }
        }
        Ok(None)
    }
}

/// The raw value of the first attribute whose name `wanted` takes, when the element's
/// attributes are plain ([`PlainAttributes`]): `Some(None)` when none is; `None` when the
/// list is not plain, and quick-xml's checked iterator must read it.
/// The raw value of the first attribute of each local name in `names`, when `e`'s list is
/// plain (`None` when it is not); as quick-xml's checked iterator reads them.
pub(crate) fn plain_values<'b, const N: usize>(
    e: &'b BytesStart<'_>,
    names: [&[u8]; N],
) -> Option<[Option<&'b [u8]>; N]> {
    let mut found = [None; N];
    PlainAttributes::parse_with(e.attributes_raw(), |key, value| {
        let local = local_part(key);
        for (name, slot) in names.iter().zip(found.iter_mut()) {
            if slot.is_none() && local == *name {
                *slot = Some(value);
            }
        }
    })?;
    Some(found)
}

/// An element's local name (after its first colon), as quick-xml's `local_name` gives
/// it, found with a plain loop: element names are short, and memchr's set-up cost more than
/// the scan on every element of a part.
pub(crate) fn local_of<'b>(e: &'b BytesStart<'_>) -> &'b [u8] {
    local_part(e.name().into_inner())
}

/// A raw attribute value with its references resolved, invalid UTF-8 replaced (U+FFFD).
/// A value with no `&` (nearly all) is copied as it is.
pub(crate) fn unescape_attribute(value: &[u8]) -> Result<String, quick_xml::escape::EscapeError> {
    if let Ok(plain) = std::str::from_utf8(value)
        && memchr::memchr(b'&', value).is_none()
    {
        return Ok(plain.to_owned());
    }
    let raw = String::from_utf8_lossy(value);
    quick_xml::escape::unescape(&raw).map(std::borrow::Cow::into_owned)
}

/// An attribute value read as an integer, surrounding whitespace allowed.
fn number(value: &[u8]) -> Option<i64> {
    std::str::from_utf8(value).ok()?.trim().parse().ok()
}

fn plain_value<'b>(
    e: &'b BytesStart<'_>,
    wanted: impl Fn(&[u8]) -> bool,
) -> Option<Option<&'b [u8]>> {
    let mut found = None;
    PlainAttributes::parse_with(e.attributes_raw(), |key, value| {
        if found.is_none() && wanted(key) {
            found = Some(value);
        }
    })?;
    Some(found)
}

/// Appends what an entity or character reference (`&lt;`, `&#x41;`) stands for. Any other
/// entity is an error, with the reason: it would come from a DTD, which is never expanded,
/// and keeping `&name;` literally would let a DTD entity hide a marking (fail closed).
pub(crate) fn resolve_reference(r: &BytesRef<'_>, out: &mut String) -> Result<(), String> {
    let name = String::from_utf8_lossy(r);
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| format!("bad character reference &{name};: {e}"))?
    {
        out.push(c);
    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&name) {
        out.push_str(s);
    } else {
        return Err(format!(
            "the text uses the entity &{name}; from a DTD, which this reader never expands \
             (office suites do not write DTDs); save the document again from the office suite"
        ));
    }
    Ok(())
}

/// The local name of an element as an owned lossy string (for locations).
pub(crate) fn local_name(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(xml: &str) -> Result<String, ReadError> {
        let limits = Limits::default();
        let mut w = XmlWalk::new(xml.as_bytes(), "t.xml", &limits);
        let mut out = String::new();
        loop {
            let ev = w.next()?;
            if let Event::Eof = ev {
                return Ok(out);
            }
            w.append_text(&ev, &mut out)?;
        }
    }

    #[test]
    fn entities_resolved_or_refused() {
        assert_eq!(text_of("<a>&lt;&#x41;&#66;</a>").unwrap(), "<AB");
        let err = text_of("<a>&foo;</a>").unwrap_err();
        assert!(err.to_string().contains("&foo;"), "{err}");
    }

    #[test]
    fn unclosed_and_mismatched_are_corrupt() {
        assert!(matches!(text_of("<a><b>"), Err(ReadError::Corrupt { .. })));
        assert!(matches!(text_of("<a></b>"), Err(ReadError::Corrupt { .. })));
        assert!(matches!(
            text_of("<a x=\"1></a>"),
            Err(ReadError::Corrupt { .. })
        ));
    }

    #[test]
    fn depth_limit() {
        let xml = "<a>".repeat(300) + &"</a>".repeat(300);
        assert!(matches!(
            text_of(&xml),
            Err(ReadError::LimitExceeded {
                limit: Limit::XmlDepth,
                ..
            })
        ));
    }
}
