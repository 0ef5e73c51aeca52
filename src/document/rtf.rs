//! RTF to text, for the RTF body of an Outlook message. An RTF body that encapsulates HTML
//! (`\fromhtml1`, MS-OXRTFEX) is de-encapsulated to its HTML instead: the `\*\htmltag`
//! destinations give the markup back, so the caller can read it with its HTML converter
//! and keep the HTML's line breaks.
//!
//! A bounded, iterative tokenizer rather than a crate: the RTF crates on crates.io recurse
//! per token or slice strings at byte offsets, which untrusted input turns into a stack
//! overflow or a panic. Group nesting is held on the heap and capped by
//! [`Limits::max_xml_depth`]; the output is never longer than a few times the input.
//!
//! Rules: `\par`, `\line`, `\sect`, `\page`, `\row` end a line; `\tab` and `\cell` are a
//! space; `\'hh` is a byte in the document's code page (`\ansicpg`, else Windows-1252);
//! `\uN` is a character, after which `\ucN` (default 1) fallback characters are skipped;
//! `\bin N` skips N raw bytes. Destinations that are not text (font, colour and style
//! tables, pictures, objects, `{\*...}` groups, which include encapsulated HTML tags) are
//! skipped, as is text between `\htmlrtf` and `\htmlrtf0`.

use crate::error::ReadError;
use crate::limits::{Limit, Limits};

/// Destinations whose content is not text.
const SKIP: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "objdata",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "mmathPr",
    "fldinst",
    "filetbl",
    "revtbl",
    "pgdsctbl",
];

#[derive(Clone, Copy)]
struct Group {
    skip: bool,
    uc: u32,
    html_rtf: bool,
    /// An `\*\htmltag` destination: its text is the HTML markup.
    html_tag: bool,
}

/// The text of an RTF document, or the HTML it encapsulates.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RtfText {
    Text(String),
    Html(String),
}

struct Out {
    text: String,
    bytes: Vec<u8>,
    encoding: &'static encoding_rs::Encoding,
    high_surrogate: Option<u16>,
}

impl Out {
    fn flush_bytes(&mut self) {
        if !self.bytes.is_empty() {
            let (s, _, _) = self.encoding.decode(&self.bytes);
            self.text.push_str(&s);
            self.bytes.clear();
        }
    }

    fn push(&mut self, c: char) {
        self.flush_bytes();
        self.text.push(c);
    }
}

/// The text of an RTF document (or the HTML it encapsulates).
pub(crate) fn rtf_to_text(
    rtf: &[u8],
    location: &str,
    limits: &Limits,
) -> Result<RtfText, ReadError> {
    let head = rtf.get(..1024).unwrap_or(rtf);
    let html = memchr::memmem::find(head, b"\\fromhtml").is_some();
    let mut out = Out {
        text: String::with_capacity(rtf.len() / 4),
        bytes: Vec::new(),
        encoding: encoding_rs::WINDOWS_1252,
        high_surrogate: None,
    };
    let mut stack: Vec<Group> = Vec::new();
    let mut g = Group {
        skip: false,
        uc: 1,
        html_rtf: false,
        html_tag: false,
    };
    // Whether the last control was the `\*` opening a group.
    let mut starred = false;
    // Fallback characters still to skip after a `\u`.
    let mut to_skip = 0u32;
    // Whether the group just opened with `\*` (an ignorable destination).
    let mut group_start = false;
    let mut i = 0usize;
    while let Some(&b) = rtf.get(i) {
        match b {
            b'{' => {
                if stack.len() as u64 >= limits.max_xml_depth {
                    return Err(ReadError::LimitExceeded {
                        limit: Limit::XmlDepth,
                        value: stack.len() as u64 + 1,
                        max: limits.max_xml_depth,
                        location: location.to_owned(),
                    });
                }
                stack.push(g);
                group_start = true;
                to_skip = 0;
                i += 1;
                continue;
            }
            b'}' => {
                g = stack.pop().unwrap_or(g);
                group_start = false;
                to_skip = 0;
                i += 1;
                continue;
            }
            b'\\' => {
                let (word, param, next) = control(rtf, i + 1);
                i = next;
                let first = group_start;
                group_start = false;
                let after_star = std::mem::take(&mut starred);
                match word {
                    Control::Symbol(c) => {
                        if to_skip > 0 {
                            to_skip -= 1;
                            continue;
                        }
                        if g.skip || (g.html_rtf && !g.html_tag) {
                            continue;
                        }
                        match c {
                            b'*' if first => {
                                g.skip = true;
                                starred = true;
                            }
                            b'~' => out.push('\u{a0}'),
                            b'_' => out.push('-'),
                            b'{' | b'}' | b'\\' => out.push(char::from(c)),
                            b'\n' | b'\r' => out.push('\n'),
                            _ => {}
                        }
                    }
                    Control::Hex(byte) => {
                        if to_skip > 0 {
                            to_skip -= 1;
                        } else if !g.skip && (!g.html_rtf || g.html_tag) {
                            out.bytes.push(byte);
                        }
                    }
                    Control::Word(name) => {
                        if name == "bin" {
                            let n =
                                usize::try_from(param.unwrap_or(0).max(0)).unwrap_or(usize::MAX);
                            i = i.saturating_add(n);
                            continue;
                        }
                        if to_skip > 0 && name != "u" {
                            to_skip -= 1;
                            continue;
                        }
                        if SKIP.contains(&name) {
                            g.skip = true;
                        }
                        if html && after_star && name == "htmltag" {
                            g.skip = false;
                            g.html_tag = true;
                            continue;
                        }
                        match name {
                            "ansicpg" => {
                                if let Some(e) = param
                                    .and_then(|p| u16::try_from(p).ok())
                                    .and_then(crate::document::msg_props::encoding_for_codepage)
                                {
                                    out.flush_bytes();
                                    out.encoding = e;
                                }
                            }
                            "uc" => {
                                g.uc = u32::try_from(param.unwrap_or(1).clamp(0, 16)).unwrap_or(1)
                            }
                            "htmlrtf" => g.html_rtf = param != Some(0) && !g.html_tag,
                            _ if g.skip || (g.html_rtf && !g.html_tag) => {}
                            "par" | "line" | "sect" | "page" | "row" => out.push('\n'),
                            "tab" | "cell" => out.push(' '),
                            "emdash" => out.push('\u{2014}'),
                            "endash" => out.push('\u{2013}'),
                            "lquote" | "rquote" => out.push('\''),
                            "ldblquote" | "rdblquote" => out.push('"'),
                            "u" => {
                                let v = param.unwrap_or(0);
                                let unit = if v < 0 { v + 65_536 } else { v };
                                let unit = u16::try_from(unit.clamp(0, 0xFFFF)).unwrap_or(0xFFFD);
                                unicode(&mut out, unit);
                                to_skip = g.uc;
                            }
                            _ => {}
                        }
                    }
                }
                continue;
            }
            b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        group_start = false;
        i += 1;
        if to_skip > 0 {
            to_skip -= 1;
            continue;
        }
        if !g.skip && (!g.html_rtf || g.html_tag) {
            out.bytes.push(b);
        }
    }
    out.flush_bytes();
    Ok(if html {
        RtfText::Html(out.text)
    } else {
        RtfText::Text(out.text)
    })
}

/// A `\u` unit, pairing surrogates.
fn unicode(out: &mut Out, unit: u16) {
    if (0xD800..0xDC00).contains(&unit) {
        out.flush_bytes();
        out.high_surrogate = Some(unit);
        return;
    }
    let c = match out.high_surrogate.take() {
        Some(high) if (0xDC00..0xE000).contains(&unit) => {
            char::decode_utf16([high, unit]).next().and_then(Result::ok)
        }
        _ => char::from_u32(u32::from(unit)),
    };
    out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
}

enum Control<'a> {
    Word(&'a str),
    Symbol(u8),
    Hex(u8),
}

/// The control word, symbol or `\'hh` starting at `at` (just after the backslash), its
/// numeric parameter, and where the next token starts.
fn control(rtf: &[u8], at: usize) -> (Control<'_>, Option<i64>, usize) {
    let Some(&first) = rtf.get(at) else {
        return (Control::Symbol(b'\\'), None, at);
    };
    if first == b'\'' {
        let hex = rtf
            .get(at + 1..at + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        return match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) => (Control::Hex(byte), None, at + 3),
            None => (Control::Symbol(b'\''), None, at + 1),
        };
    }
    if !first.is_ascii_alphabetic() {
        return (Control::Symbol(first), None, at + 1);
    }
    let mut end = at;
    while end - at < 32 && rtf.get(end).is_some_and(u8::is_ascii_alphabetic) {
        end += 1;
    }
    let word = std::str::from_utf8(rtf.get(at..end).unwrap_or_default()).unwrap_or("");
    let mut p = end;
    let negative = rtf.get(p) == Some(&b'-');
    if negative {
        p += 1;
    }
    let digits_from = p;
    while p - digits_from < 10 && rtf.get(p).is_some_and(u8::is_ascii_digit) {
        p += 1;
    }
    let param = if p > digits_from {
        std::str::from_utf8(rtf.get(digits_from..p).unwrap_or_default())
            .ok()
            .and_then(|d| d.parse::<i64>().ok())
            .map(|v| if negative { -v } else { v })
    } else {
        if negative {
            p -= 1;
        }
        None
    };
    if rtf.get(p) == Some(&b' ') {
        p += 1;
    }
    (Control::Word(word), param, p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rtf: &str) -> String {
        match rtf_to_text(rtf.as_bytes(), "rtf", &Limits::default()).unwrap() {
            RtfText::Text(t) | RtfText::Html(t) => t,
        }
    }

    #[test]
    fn plain_tables_and_escapes() {
        assert_eq!(
            text(
                r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\*\generator x;}\f0 IN-CONFIDENCE\par Caf\'e9 \u8212? done}"
            ),
            "IN-CONFIDENCE\nCafé — done"
        );
        assert_eq!(text(r"{\rtf1 a\bin3 }}}b}"), "ab");
    }

    #[test]
    fn encapsulated_html_keeps_the_text() {
        let rtf = r"{\rtf1\ansi\fromhtml1 {\*\htmltag19 <body>}{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 RESTRICTED{\*\htmltag72 </p>}\htmlrtf\par\htmlrtf0}}";
        assert_eq!(text(rtf).trim(), "<body><p>RESTRICTED</p>");
    }

    #[test]
    fn deep_groups_are_refused() {
        let rtf = "{".repeat(1000);
        assert!(matches!(
            rtf_to_text(rtf.as_bytes(), "rtf", &Limits::default()),
            Err(ReadError::LimitExceeded { .. })
        ));
    }
}
