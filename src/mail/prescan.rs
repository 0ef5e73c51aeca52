//! Byte-level work done before mail-parser sees a message.
//!
//! 1. **Nested messages are hidden from mail-parser.** mail-parser 0.11.9 parses an unencoded
//!    `message/rfc822` part in line, to any depth, into a tree of `Message` values that is
//!    dropped recursively: a message nested 10,000 deep (300 KB) overflows a 2 MB thread stack
//!    and aborts the process, which no `catch_unwind` can stop. Encoded nested messages are
//!    parsed only 3 levels deep (its private `MAX_NESTED_ENCODED`) and then silently left as
//!    bytes. So
//!    [`defuse_nesting`] rewrites the subtype in every `Content-Type:` header that declares
//!    `message/rfc822`, `message/global` or `multipart/digest` to a same-length private name.
//!    mail-parser then treats such a part as an opaque attachment, and
//!    [`read_message`](super::read_message) re-parses its bytes itself, one level at a time,
//!    counting depth against [`Limits::max_nesting_depth`](crate::Limits::max_nesting_depth).
//!    Offsets are unchanged because lengths are.
//! 2. **Part count before allocation.** [`delimiter_upper_bound`] counts `--boundary`
//!    delimiters for every boundary declared in the bytes, an upper bound on the parts
//!    mail-parser will allocate, so a message with a million tiny parts is refused before it
//!    is parsed.

use std::borrow::Cow;
use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::LazyLock;

/// Finds `boundary` parameters, in any case. Built once: building an automaton per message
/// cost about 15% of a text-only message's verdict (benches/mail.rs, perf).
static BOUNDARY_PARAM: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([b"boundary"])
        .ok()
});

/// Private subtypes. Same length as the originals; chosen so they cannot collide with a
/// registered type (`x-` prefix per RFC 6838 §3.4 is not needed for a name never sent).
pub(crate) const NESTED_RFC822: &str = "pmq822";
pub(crate) const NESTED_GLOBAL: &str = "pmqglb";
pub(crate) const DIGEST: &str = "pmqdgt";

const REWRITES: [(&[u8], &[u8]); 3] = [
    (b"rfc822", NESTED_RFC822.as_bytes()),
    (b"global", NESTED_GLOBAL.as_bytes()),
    (b"digest", DIGEST.as_bytes()),
];

/// Rewrites nesting content types in `Content-Type:` header fields (at line starts, with
/// their folded continuation lines). Borrows when there is nothing to rewrite.
pub(crate) fn defuse_nesting(raw: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut line_start = 0usize;
    let mut in_content_type = false;
    while line_start < raw.len() {
        let line_end = memchr::memchr(b'\n', raw.get(line_start..).unwrap_or_default())
            .map_or(raw.len(), |i| line_start + i + 1);
        let line = raw.get(line_start..line_end).unwrap_or_default();
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if !continuation {
            in_content_type = is_content_type_field(line);
        }
        if in_content_type {
            rewrite_line(raw, line_start, line, &mut out);
        }
        line_start = line_end;
    }
    match out {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(raw),
    }
}

/// Rewrites `message/rfc822`, `message/global` and `multipart/digest` (any case, optional
/// spaces around `/`) within one header line.
fn rewrite_line(raw: &[u8], line_start: usize, line: &[u8], out: &mut Option<Vec<u8>>) {
    for (ty, (sub, replacement)) in [
        (&b"message"[..], REWRITES[0]),
        (&b"message"[..], REWRITES[1]),
        (&b"multipart"[..], REWRITES[2]),
    ] {
        let mut from = 0;
        while let Some(i) = find_ci(line, ty, from) {
            let mut j = i + ty.len();
            while matches!(line.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            if line.get(j) != Some(&b'/') {
                from = i + ty.len();
                continue;
            }
            j += 1;
            while matches!(line.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            let word = line.get(j..j + sub.len());
            let word_ends = !line
                .get(j + sub.len())
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'.');
            if word.is_some_and(|w| w.eq_ignore_ascii_case(sub)) && word_ends {
                let buf = out.get_or_insert_with(|| raw.to_vec());
                let at = line_start + j;
                if let Some(dst) = buf.get_mut(at..at + replacement.len()) {
                    dst.copy_from_slice(replacement);
                }
            }
            from = j;
        }
    }
}

/// `Content-Type:` at the start of a line, allowing the obsolete white space before the colon
/// (RFC 5322 §4.5), which mail-parser also accepts.
fn is_content_type_field(line: &[u8]) -> bool {
    const NAME: &[u8] = b"content-type";
    line.get(..NAME.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(NAME))
        && line
            .iter()
            .skip(NAME.len())
            .find(|b| !matches!(b, b' ' | b'\t'))
            == Some(&b':')
}

fn find_ci(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay_from = hay.get(from..)?;
    hay_from
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|i| from + i)
}

/// An upper bound on the MIME parts mail-parser will allocate for `raw`: one root plus one per
/// `--boundary` occurrence (not followed by `--`) for every `boundary=` value declared
/// anywhere in the bytes. mail-parser matches delimiters by prefix, wherever `--` is, so this
/// counts occurrences, not only those at line starts.
pub(crate) fn delimiter_upper_bound(raw: &[u8]) -> u64 {
    let boundaries = declared_boundaries(raw);
    if boundaries.is_empty() {
        return 1;
    }
    let patterns: Vec<Vec<u8>> = boundaries
        .iter()
        .map(|b| {
            let mut p = b"--".to_vec();
            p.extend_from_slice(b);
            p
        })
        .collect();
    // A few patterns per message: a contiguous NFA builds in microseconds, where the default
    // (a DFA for few patterns) costs more to build than the search saves.
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&patterns)
    else {
        // Too many or too long patterns to build: no bound, the walk still counts exactly.
        return 1;
    };
    let mut count = 1u64;
    for m in ac.find_iter(raw) {
        if raw.get(m.end()..m.end() + 2) != Some(b"--") {
            count += 1;
        }
    }
    count
}

/// Every `boundary=` value in the bytes (quoted or token), deduplicated.
fn declared_boundaries(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut out: HashSet<Vec<u8>> = HashSet::new();
    let Some(param) = BOUNDARY_PARAM.as_ref() else {
        return Vec::new();
    };
    for m in param.find_iter(raw) {
        let mut j = m.end();
        while matches!(raw.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        if raw.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while matches!(raw.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        let value: &[u8] = if raw.get(j) == Some(&b'"') {
            let rest = raw.get(j + 1..).unwrap_or_default();
            let end = rest
                .iter()
                .take(MAX_BOUNDARY + 1)
                .position(|&b| b == b'"' || b == b'\n')
                .unwrap_or(rest.len().min(MAX_BOUNDARY + 1));
            rest.get(..end).unwrap_or_default()
        } else {
            let rest = raw.get(j..).unwrap_or_default();
            let end = rest
                .iter()
                .take(MAX_BOUNDARY + 1)
                .position(|&b| b == b';' || b.is_ascii_whitespace())
                .unwrap_or(rest.len().min(MAX_BOUNDARY + 1));
            rest.get(..end).unwrap_or_default()
        };
        if !value.is_empty() && value.len() <= MAX_BOUNDARY {
            out.insert(value.to_vec());
        }
        // Bound the automaton; past this many distinct boundaries the message is hostile and
        // the exact count in the walk refuses it anyway.
        if out.len() >= MAX_BOUNDARIES {
            break;
        }
    }
    out.into_iter().collect()
}

/// RFC 2046 allows 70 characters; longer ones are left out of the bound (not of the parse).
const MAX_BOUNDARY: usize = 200;
const MAX_BOUNDARIES: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_content_type_headers() {
        let raw = b"Subject: message/rfc822\r\nContent-Type: Message/RFC822\r\n\r\n\
                    Content-type: multipart/digest;\r\n boundary=x\r\nbody message/rfc822\r\n";
        let out = defuse_nesting(raw);
        let s = String::from_utf8_lossy(&out);
        assert!(s.contains("Subject: message/rfc822"));
        assert!(s.contains("Content-Type: Message/pmq822"));
        assert!(s.contains("multipart/pmqdgt"));
        assert!(s.contains("body message/rfc822"));
        assert_eq!(out.len(), raw.len());
    }

    #[test]
    fn borrows_when_nothing_to_do() {
        assert!(matches!(
            defuse_nesting(b"Subject: x\r\n\r\nhi"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn counts_delimiters() {
        let raw = b"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\r\na\r\n--b1\r\n\r\nb\r\n--b1--\r\n";
        assert_eq!(delimiter_upper_bound(raw), 3);
        assert_eq!(delimiter_upper_bound(b"no parts"), 1);
    }
}
