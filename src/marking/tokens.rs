//! Marking text as tokens: words (upper-cased, invisible characters dropped), `//`, `/`,
//! commas, colons and hyphens; and the vocabulary phrase that starts at a token (words of a
//! phrase are separated by white space or hyphens only: `IN CONFIDENCE`, `TOP-SECRET`).

use super::vocab::{Keyword, PHRASES, Phrase};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    DoubleSlash,
    Slash,
    Comma,
    Colon,
    Hyphen,
    Other,
}

#[derive(Clone, Debug)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Upper-cased word text without invisible characters (words only).
    pub(super) upper: String,
}

/// Characters that are invisible in print and used to break up words: soft hyphen,
/// zero-width space/joiners, word joiner, BOM. Ignored inside words.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '&' | '\'' | '.' | '_') || is_invisible(c)
}

pub(super) fn is_hyphen(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}'
    )
}

pub(super) fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        // Control characters separate words like white space, as they do in caveat text
        // (`collapse_spaces`), so what is read and what is printed agree (found by fuzzing).
        if c.is_whitespace() || c.is_control() {
            continue;
        }
        if is_word_char(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if !is_word_char(d) {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
            // Found first, then upper-cased in one go: an ASCII word (most) in one copy.
            let word = &text[i..end];
            let upper = if word.is_ascii() {
                word.to_ascii_uppercase()
            } else {
                let mut upper = String::with_capacity(word.len());
                word.chars().for_each(|d| push_upper(&mut upper, d));
                upper
            };
            if upper.is_empty() {
                continue;
            }
            toks.push(Tok {
                kind: Kind::Word,
                start: i,
                end,
                upper,
            });
            continue;
        }
        let (kind, end) = match c {
            '/' => match it.peek() {
                Some(&(j, '/')) => {
                    it.next();
                    (Kind::DoubleSlash, j + 1)
                }
                _ => (Kind::Slash, i + 1),
            },
            ',' | ';' => (Kind::Comma, i + 1),
            ':' => (Kind::Colon, i + 1),
            c if is_hyphen(c) => (Kind::Hyphen, i + c.len_utf8()),
            c => (Kind::Other, i + c.len_utf8()),
        };
        toks.push(Tok {
            kind,
            start: i,
            end,
            upper: String::new(),
        });
    }
    toks
}

/// Appends `c` upper-cased, unless it is invisible. ASCII, most of any marking, skips the
/// full Unicode case mapping (`to_uppercase` gives the same for it).
fn push_upper(upper: &mut String, c: char) {
    if c.is_ascii() {
        upper.push(c.to_ascii_uppercase());
    } else if !is_invisible(c) {
        upper.extend(c.to_uppercase());
    }
}

/// The phrase starting at token `i`, and the index after it. Words of a phrase may be
/// separated by whitespace or hyphens only.
pub(super) fn match_phrase(toks: &[Tok], i: usize) -> Option<(&'static Phrase, usize)> {
    let first = toks.get(i)?;
    if first.kind != Kind::Word {
        return None;
    }
    'phrases: for phrase in PHRASES {
        let mut j = i;
        for (n, w) in phrase.words.iter().enumerate() {
            if n > 0 {
                // AU writes `OFFICIAL: Sensitive`; only foreign phrases may span a colon.
                let foreign = matches!(phrase.keyword, Keyword::Foreign(_));
                while toks
                    .get(j)
                    .is_some_and(|t| t.kind == Kind::Hyphen || (foreign && t.kind == Kind::Colon))
                {
                    j += 1;
                }
            }
            match toks.get(j) {
                Some(t) if t.kind == Kind::Word && t.upper == *w => j += 1,
                _ => continue 'phrases,
            }
        }
        return Some((phrase, j));
    }
    None
}
