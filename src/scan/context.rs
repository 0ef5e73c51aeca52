//! What stands around a candidate marking on its line, byte by byte: page numbers, labels,
//! title words, dashes, brackets, separators. The fused-line rule (`fused.rs`) and stage 2
//! (`verify.rs`) read a candidate's surroundings through these tests; they know nothing of
//! the grammar.

use super::engine::LEAD;
use super::text::{has_lower, is_ws, trim, utf8_len, words};
use crate::marking::vocab::{
    LABEL_FILLERS, LABELS, NAME_JOINERS, PAGE_NUMBER_WORDS, QUOTED_SUBJECT,
};

/// Whether `left` (the start of a line up to a bracket) is a quoted subject header, as in a
/// forwarded message's body: `Subject: RE: roster `.
pub(super) fn is_quoted_subject(left: &[u8], starts: bool) -> bool {
    if !starts {
        return false;
    }
    let t = left.trim_ascii_start();
    QUOTED_SUBJECT.iter().any(|label| {
        t.len() > label.len()
            && t[..label.len()].eq_ignore_ascii_case(label.as_bytes())
            && t[label.len()] == b':'
    })
}

/// Whether `]` follows `me` (after spaces) before `hi`.
pub(super) fn closes_bracket(bytes: &[u8], me: usize, hi: usize) -> bool {
    bytes[me..hi]
        .iter()
        .find(|&&b| b != b' ')
        .is_some_and(|&b| b == b']')
}

/// Just past the `]` that [`closes_bracket`] found.
pub(super) fn closing_bracket_end(bytes: &[u8], me: usize, hi: usize) -> usize {
    bytes[me..hi]
        .iter()
        .position(|&b| b == b']')
        .map_or(me, |k| me + k + 1)
}

/// Whether `t` reads as a name or a title, not the start of a sentence: every word starts
/// with a capital or a digit, but for the small words of names (`Ministry of Health`).
pub(super) fn is_title_text(t: &[u8]) -> bool {
    words(t).all(|w| {
        !w.first().is_some_and(u8::is_ascii_lowercase)
            || NAME_JOINERS.iter().any(|j| j.as_bytes() == w)
    })
}

/// Whether `t` is only a page number: `2`, `Page 2`, `2 of 7`, `Page 2 of 7`, `- 2 -`.
pub(super) fn is_page_number(t: &[u8]) -> bool {
    let mut digits = false;
    for w in t.split(|&b| is_ws(b)).filter(|w| !w.is_empty()) {
        if w.iter().all(u8::is_ascii_digit) && w.len() <= 4 {
            digits = true;
        } else if !(PAGE_NUMBER_WORDS
            .iter()
            .any(|p| w.eq_ignore_ascii_case(p.as_bytes()))
            || w == b"-"
            || is_dash(w) && w.len() == 3)
        {
            return false;
        }
    }
    digits
}

/// Whether `t` ends with a label that introduces a marking ([`LABELS`], then optional
/// [`LABEL_FILLERS`] and a colon): `Security Level:`, `classified as`.
pub(super) fn is_label(t: &[u8]) -> bool {
    let mut buf = [0u8; LEAD];
    let n = t.len().min(LEAD);
    let buf = &mut buf[..n];
    buf.copy_from_slice(&t[t.len() - n..]);
    buf.make_ascii_lowercase();
    let trim_end = |t: &[u8]| -> usize {
        let mut e = t.len();
        while e > 0 && (is_ws(t[e - 1]) || t[e - 1] == b':' || t[e - 1] == 0xA0 || t[e - 1] == 0xC2)
        {
            e -= 1;
        }
        e
    };
    let mut t: &[u8] = buf;
    t = &t[..trim_end(t)];
    for _ in 0..2 {
        for filler in LABEL_FILLERS {
            let f = filler.as_bytes();
            if t.len() > f.len() && t.ends_with(f) && is_ws(t[t.len() - f.len() - 1]) {
                t = &t[..t.len() - f.len()];
                t = &t[..trim_end(t)];
            }
        }
    }
    LABELS.iter().any(|label| {
        let l = label.as_bytes();
        t.ends_with(l) && (t.len() == l.len() || !t[t.len() - l.len() - 1].is_ascii_alphabetic())
    })
}

/// Moves back from `i` over the separators that may stand between the words of a marking:
/// spaces, tabs, hyphens, colons, NBSP and en or em dashes.
pub(super) fn skip_marking_separators_back(bytes: &[u8], mut i: usize, lo: usize) -> usize {
    while i > lo {
        let b = bytes[i - 1];
        if matches!(b, b' ' | b'\t' | b'-' | b':') {
            i -= 1;
        } else if b == 0xA0 && i - 1 > lo && bytes[i - 2] == 0xC2 {
            i -= 2;
        } else if i >= lo + 3 && is_dash(&bytes[i - 3..i]) {
            i -= 3;
        } else {
            break;
        }
    }
    i
}

/// Whether the byte before a word lets the word start there.
pub(super) fn separates(b: u8) -> bool {
    is_ws(b)
        || matches!(
            b,
            b'-' | b':' | b'[' | b'(' | b'"' | b'\'' | 0xA0 | 0x93 | 0x94
        )
}

/// Whether the byte after a word lets the word end there.
pub(super) fn separates_after(b: u8) -> bool {
    !(b.is_ascii_alphanumeric() || b == b'&' || b == b'_' || b >= 0x80 && b != 0xC2 && b != 0xE2)
}

/// Whether `written` reads as a level's definition rather than a banner: the level in
/// title or small case, then a dash and running text (`Confidential -- damage to national
/// security.`, `Secret – serious damage`). A banner's caveat is an agency's text
/// (`IN CONFIDENCE - NOT TO BE DISTRIBUTED`, `In Confidence – Te Puni Kōkiri`).
pub(super) fn is_definition(written: &[u8]) -> bool {
    // A dash that separates: an en or em dash, `--`, or a hyphen after a space (a hyphen
    // inside a phrase, `in-confidence`, joins).
    let Some(k) = (0..written.len()).find(|&i| {
        is_dash(&written[i..])
            || written[i] == b'-'
                && (written.get(i + 1) == Some(&b'-') || i > 0 && is_ws(written[i - 1]))
    }) else {
        return false;
    };
    let rest = &written[k..];
    let next = rest
        .iter()
        .find(|&&c| !(matches!(c, b'-' | b' ' | b'\t') || c >= 0x80));
    has_lower(&written[..k]) && next.is_some_and(u8::is_ascii_lowercase)
}

/// `ts..te` without one pair of quotation marks around it (`“SECRET”`, `'SECRET'`).
pub(super) fn unquote(bytes: &[u8], ts: usize, te: usize) -> (usize, usize) {
    const PAIRS: &[(&str, &str)] = &[
        ("\u{201C}", "\u{201D}"),
        ("\u{2018}", "\u{2019}"),
        ("\"", "\""),
        ("'", "'"),
        ("\u{AB}", "\u{BB}"),
    ];
    let t = &bytes[ts..te];
    if !matches!(t.first(), Some(b'"' | b'\'' | 0xC2 | 0xE2)) {
        return (ts, te);
    }
    for (open, close) in PAIRS {
        let (o, c) = (open.as_bytes(), close.as_bytes());
        if t.len() > o.len() + c.len() && t.starts_with(o) && t.ends_with(c) {
            return trim(bytes, ts + o.len(), te - c.len());
        }
    }
    (ts, te)
}

/// Whether the words of `prefix` are written in the case of `word`: capitals with
/// capitals, title case with title case or capitals, small letters with small letters. A
/// banner split by text extraction keeps its case (`TOP` / `SECRET`); prose that ends in
/// `top` above a banner `SECRET` does not make it TOP SECRET.
pub(super) fn same_case(prefix: &[u8], word: &[u8]) -> bool {
    let letters = |w: &[u8]| w.iter().filter(|b| b.is_ascii_alphabetic()).count() > 0;
    words(prefix).filter(|w| letters(w)).all(|w| {
        if !has_lower(word) {
            !has_lower(w)
        } else if starts_upper(word) {
            starts_upper(w)
        } else {
            !w.iter().any(u8::is_ascii_uppercase)
        }
    })
}

/// Whether `b` starts with an en dash or an em dash.
pub(super) fn is_dash(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] == 0xE2 && b[1] == 0x80 && (b[2] == 0x93 || b[2] == 0x94)
}

pub(super) fn ends_with_dash(t: &[u8]) -> bool {
    t.len() >= 3 && is_dash(&t[t.len() - 3..])
}

/// Whether word `w` starts with a capital letter, ASCII or not (`Office`, `Ōtautahi`).
pub(super) fn starts_upper(w: &[u8]) -> bool {
    match w.first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        Some(&b) => std::str::from_utf8(&w[..utf8_len(b).min(w.len())])
            .ok()
            .and_then(|s| s.chars().next())
            .is_some_and(char::is_uppercase),
        None => false,
    }
}

/// Just past the last `\n` in `bytes[lo..at]`, or `lo`.
pub(super) fn after_newline(bytes: &[u8], lo: usize, at: usize) -> usize {
    memchr::memrchr(b'\n', &bytes[lo..at]).map_or(lo, |k| lo + k + 1)
}

/// The first `\n` in `bytes[at..hi]`, or `hi`.
pub(super) fn before_newline(bytes: &[u8], at: usize, hi: usize) -> usize {
    memchr::memchr(b'\n', &bytes[at..hi]).map_or(hi, |k| at + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(is_label(b"Date: 23 November 2017 Security Level:"));
        assert!(is_label(
            b"The information in this document is classified as"
        ));
        assert!(is_label(b"Security classification is"));
        assert!(!is_label(b"It was declassified as"));
        assert!(!is_label(b"the trade"));
    }

    #[test]
    fn page_numbers() {
        for t in [
            "2",
            "Page 2",
            "2 of 7",
            "Page 2 of 7",
            "- 2 -",
            "\u{2013} 3 \u{2013}",
        ] {
            assert!(is_page_number(t.as_bytes()), "{t}");
        }
        for t in ["Purpose", "2 Options", "Page", "12345"] {
            assert!(!is_page_number(t.as_bytes()), "{t}");
        }
    }

    #[test]
    fn quoted_subjects() {
        assert!(is_quoted_subject(b"Subject: RE: roster ", true));
        assert!(is_quoted_subject(b"  subject:", true));
        assert!(!is_quoted_subject(b"The subject: ", true));
        assert!(!is_quoted_subject(b"Subject: ", false));
    }
}
