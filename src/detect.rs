//! Reading markings out of one piece of text according to where it sits (decisions.md D8):
//! the single place documents and mail ask "which markings does this text carry?".

use crate::marking::{Marking, ParagraphMark, Parsed, Parser};
use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

/// Finds the anchor words of every classification (vocab.rs) in any ASCII case, so that
/// only lines that could hold a marking are parsed.
static ANCHORS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(crate::marking::vocab::anchor_words())
        .ok()
});

/// Whether `line` could hold a marking: it has an anchor word, or non-ASCII text (look-alike
/// letters and invisible characters are for the parser to judge).
fn may_hold_marking(line: &str) -> bool {
    !line.is_ascii() || ANCHORS.as_ref().is_none_or(|ac| ac.is_match(line))
}

/// Where a piece of text sits, which decides what counts as a marking in it (D8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The whole text is one marking candidate: a header value, a subject bracket, a
    /// document property.
    Value,
    /// Every line is a banner candidate: a page header or footer, a watermark, a page's top
    /// or bottom line.
    Banner,
    /// Running text: a line that is wholly a marking is a banner (D8), and paragraph marks
    /// such as `(S)` at the start of a paragraph count (PSR-HB p.14). Prose never decides.
    Body,
}

/// A marking found in a text.
#[derive(Clone, Debug)]
pub(crate) struct Detected {
    /// The text it was read from (a line, a value or a paragraph mark).
    pub text: String,
    /// 1-based line number in the text.
    pub line: usize,
    /// The parsed marking with its warnings.
    pub parsed: Parsed,
    /// Whether it is a paragraph (portion) mark rather than a banner.
    pub paragraph: bool,
}

/// A banner line with more on it than the marking (`RESTRICTED // page 2`, `HEADER-A IN
/// CONFIDENCE`): the longest leading, else trailing, run of words that is a marking written in
/// capitals. Capitals matter: `Secret Santa planning` in a header is not a banner (D8).
fn banner_part(parser: &Parser, line: &str) -> Option<(String, Parsed)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let upper = |t: &str| !t.chars().any(char::is_lowercase);
    let try_text = |t: String| -> Option<(String, Parsed)> {
        if !upper(&t) {
            return None;
        }
        parser.parse(&t).ok().map(|p| (t, p))
    };
    (1..words.len())
        .rev()
        .find_map(|k| try_text(words[..k].join(" ")))
        .or_else(|| (1..words.len()).find_map(|k| try_text(words[k..].join(" "))))
}

/// The markings in `text` read in `role`.
pub(crate) fn markings(parser: &Parser, text: &str, role: Role) -> Vec<Detected> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let candidates: Vec<(usize, &str)> = match role {
        Role::Value => vec![(1, text.trim())],
        Role::Banner => lines.clone(),
        // D8: a marking on a line of its own is a banner wherever it stands.
        Role::Body => lines.clone(),
    };
    let mut out: Vec<Detected> = candidates
        .into_iter()
        .filter(|(_, c)| !c.is_empty() && may_hold_marking(c))
        .filter_map(|(line, c)| {
            let (text, parsed) = match parser.parse(c) {
                Ok(p) => (c.to_string(), p),
                Err(_) if role == Role::Banner => banner_part(parser, c)?,
                Err(_) => return None,
            };
            Some(Detected {
                text,
                line,
                parsed,
                paragraph: false,
            })
        })
        .collect();
    if role == Role::Body {
        for (line, l) in &lines {
            if let Some((class, end)) = ParagraphMark::at_start(l) {
                out.push(Detected {
                    text: l[..end].trim().to_string(),
                    line: *line,
                    parsed: Parsed {
                        marking: Marking::new(class),
                        warnings: Vec::new(),
                        foreign: None,
                    },
                    paragraph: true,
                });
            }
        }
    }
    out
}
