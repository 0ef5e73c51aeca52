//! A small HTML-to-text converter for mail bodies.
//!
//! mail-parser 0.11.9 has `html_to_text`, but it breaks lines only at `<br>` and `</p>`. A
//! marking is found by its line (a banner is a line of its own, the first or last line of a
//! part), so block elements must end lines here, and `<blockquote>` must stay
//! recognisable as quoted thread text: its lines get a `> ` prefix per level.
//!
//! Linear in the input: every search starts where the previous one stopped.

use memchr::{memchr, memmem};

/// Elements that end the current line when they open or close.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
];

/// Elements whose content is not text.
const SKIP_CONTENT: &[&str] = &["script", "style", "head", "title", "template", "noscript"];

struct Out {
    text: String,
    /// Bytes of visible text on the current line (excluding the quote prefix).
    line_len: usize,
    quote_depth: usize,
    pending_space: bool,
}

impl Out {
    fn push_text(&mut self, s: &str, pre: bool) {
        for c in s.chars() {
            if pre && c == '\r' {
                continue;
            }
            if pre && c == '\n' {
                self.newline(true);
                continue;
            }
            if !pre && c.is_whitespace() && c != '\u{a0}' {
                if self.line_len > 0 {
                    self.pending_space = true;
                }
                continue;
            }
            if self.line_len == 0 {
                for _ in 0..self.quote_depth {
                    self.text.push_str("> ");
                }
            } else if self.pending_space {
                self.text.push(' ');
            }
            self.pending_space = false;
            self.text.push(c);
            self.line_len += c.len_utf8();
        }
    }

    /// Ends the current line. Without `force`, an empty line is not repeated.
    fn newline(&mut self, force: bool) {
        if self.line_len > 0 || force {
            self.text.push('\n');
        }
        self.line_len = 0;
        self.pending_space = false;
    }
}

/// Converts an HTML body to plain text: tags removed, scripts, styles and comments dropped,
/// entities decoded, block elements on their own lines, `<blockquote>` lines prefixed `> `.
pub(crate) fn html_to_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut out = Out {
        text: String::with_capacity(html.len() / 2),
        line_len: 0,
        quote_depth: 0,
        pending_space: false,
    };
    let mut pre_depth = 0usize;
    let mut pos = 0;

    while pos < bytes.len() {
        let next_lt = memchr(b'<', bytes.get(pos..).unwrap_or_default()).map(|i| pos + i);
        let text_end = next_lt.unwrap_or(bytes.len());
        if text_end > pos {
            let decoded = decode_entities(html.get(pos..text_end).unwrap_or_default());
            out.push_text(&decoded, pre_depth > 0);
        }
        let Some(lt) = next_lt else { break };

        // Comment: skip to "-->" (or to the end, as browsers do).
        if bytes.get(lt..lt + 4) == Some(b"<!--") {
            pos = match memmem::find(bytes.get(lt + 4..).unwrap_or_default(), b"-->") {
                Some(i) => lt + 4 + i + 3,
                None => bytes.len(),
            };
            continue;
        }
        let Some(gt) = memchr(b'>', bytes.get(lt..).unwrap_or_default()).map(|i| lt + i) else {
            // No '>' after this '<', so no later '<' has one either: the rest is text.
            let decoded = decode_entities(html.get(lt..).unwrap_or_default());
            out.push_text(&decoded, pre_depth > 0);
            break;
        };
        let tag = html.get(lt + 1..gt).unwrap_or_default();
        pos = gt + 1;
        let (closing, name) = tag_name(tag);
        if name.is_empty() {
            // "<" followed by something that is not a tag ("a < b > c"): keep it as text.
            if !tag.starts_with('!') && !tag.starts_with('?') {
                out.push_text(html.get(lt..gt + 1).unwrap_or_default(), pre_depth > 0);
            }
            continue;
        }
        if !closing && SKIP_CONTENT.contains(&name.as_str()) {
            pos = skip_to_close(bytes, pos, name.as_bytes());
            continue;
        }
        match name.as_str() {
            "blockquote" => {
                out.newline(false);
                if closing {
                    out.quote_depth = out.quote_depth.saturating_sub(1);
                } else {
                    out.quote_depth += 1;
                }
            }
            "pre" => {
                out.newline(false);
                if closing {
                    pre_depth = pre_depth.saturating_sub(1);
                } else {
                    pre_depth += 1;
                }
            }
            // Cells on one row stay on one line, separated by a space.
            "td" | "th" if !closing && out.line_len > 0 => out.pending_space = true,
            "br" => out.newline(true),
            n if BLOCK.contains(&n) => out.newline(false),
            _ => {}
        }
    }
    out.newline(false);
    // Trailing blank lines carry nothing.
    let trimmed = out.text.trim_end_matches('\n').len();
    out.text.truncate(trimmed);
    out.text
}

/// `("/div", ...)` -> `(true, "div")`; lowercase ASCII name, empty when not a tag.
fn tag_name(tag: &str) -> (bool, String) {
    let (closing, rest) = match tag.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, tag),
    };
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let starts_alpha = rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if starts_alpha {
        (closing, name)
    } else {
        (closing, String::new())
    }
}

/// Position just after `</name ...>` (ASCII case-insensitive), or the end of input.
fn skip_to_close(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut pos = from;
    let finder = memmem::Finder::new(b"</");
    while let Some(i) = bytes.get(pos..).and_then(|rest| finder.find(rest)) {
        let at = pos + i + 2;
        let candidate = bytes.get(at..at + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            return match memchr(b'>', bytes.get(at..).unwrap_or_default()) {
                Some(j) => at + j + 1,
                None => bytes.len(),
            };
        }
        pos = at;
    }
    bytes.len()
}

/// Decodes `&name;`, `&#n;` and `&#xh;`. Unknown or malformed references stay as written.
pub(crate) fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let after = rest.get(amp + 1..).unwrap_or_default();
        // Entity names are short; look for ';' within 32 bytes.
        let semi = after
            .char_indices()
            .take(32)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = semi.and_then(|i| {
            let name = after.get(..i)?;
            entity(name).map(|c| (c, i + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = after.get(used..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return Some(char::from_u32(code).unwrap_or('\u{fffd}'));
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        // A non-breaking space separates words like a space; markings are matched on words.
        "nbsp" | "NBSP" | "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hyphen" | "dash" => '\u{2010}',
        "shy" => '\u{ad}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "ldquo" => '\u{201c}',
        "rdquo" => '\u{201d}',
        "hellip" => '\u{2026}',
        "bull" => '\u{2022}',
        "middot" => '\u{b7}',
        "copy" => '\u{a9}',
        "reg" => '\u{ae}',
        "trade" => '\u{2122}',
        "euro" => '\u{20ac}',
        "pound" => '\u{a3}',
        "sect" => '\u{a7}',
        "para" => '\u{b6}',
        "laquo" => '\u{ab}',
        "raquo" => '\u{bb}',
        "lsqb" | "lbrack" => '[',
        "rsqb" | "rbrack" => ']',
        "colon" => ':',
        "sol" => '/',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_scripts_entities() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body>\
            <div><b>IN-CONFIDENCE</b></div><p>Hello&nbsp;there &amp; &#x41;&#66;</p>\
            <script>var x = '<p>SECRET</p>';</script><!-- TOP SECRET -->\
            <table><tr><td>a</td><td>b</td></tr></table>last<br>line</body></html>";
        assert_eq!(
            html_to_text(html),
            "IN-CONFIDENCE\nHello there & AB\na b\nlast\nline"
        );
    }

    #[test]
    fn blockquote_prefix() {
        let html = "<p>New</p><div>On Mon, A wrote:</div><blockquote><p>old 1</p>\
            <blockquote>older</blockquote></blockquote><p>after</p>";
        assert_eq!(
            html_to_text(html),
            "New\nOn Mon, A wrote:\n> old 1\n> > older\nafter"
        );
    }

    #[test]
    fn hostile() {
        assert_eq!(html_to_text("a < b"), "a < b");
        assert_eq!(html_to_text("<<<<"), "<<<<");
        assert_eq!(html_to_text("x<!-- never closed"), "x");
        assert_eq!(html_to_text("<script>never closed"), "");
        assert_eq!(html_to_text("&#xFFFFFFFF; &bogus; &"), "\u{fffd} &bogus; &");
        assert_eq!(html_to_text("<pre>a\n  b</pre>"), "a\n  b");
        let many = "<".repeat(100_000);
        assert_eq!(html_to_text(&many).len(), 100_000);
    }
}
