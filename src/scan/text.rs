//! Byte-level helpers shared by the stages: ASCII case and whitespace tests, word
//! boundaries that understand UTF-8, line counting, the words of a line, and the fused
//! lowercase copy that feeds the anchor search. Nothing here allocates.

use std::borrow::Cow;

/// The number of `\n` bytes in `bytes`.
pub(super) fn count_newlines(bytes: &[u8]) -> u64 {
    // Fixed 64-byte blocks with a byte counter vectorise well.
    let blocks = bytes.chunks_exact(64);
    let rest = blocks.remainder();
    let mut n = 0u64;
    for block in blocks {
        let mut k = 0u8;
        for &b in block {
            k += u8::from(b == b'\n');
        }
        n += u64::from(k);
    }
    n + rest.iter().filter(|&&b| b == b'\n').count() as u64
}

/// ASCII whitespace, vertical tab included.
pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Length of the UTF-8 sequence led by `b` (1 for anything unexpected).
pub(super) fn utf8_len(b: u8) -> usize {
    match b {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

fn char_before(bytes: &[u8], i: usize) -> Option<char> {
    if i == 0 {
        return None;
    }
    let b = bytes[i - 1];
    if b < 0x80 {
        return Some(b as char);
    }
    let mut k = i - 1;
    while k > 0 && i - k < 4 && bytes[k] & 0xC0 == 0x80 {
        k -= 1;
    }
    std::str::from_utf8(&bytes[k..i]).ok()?.chars().next()
}

fn char_after(bytes: &[u8], i: usize) -> Option<char> {
    let b = *bytes.get(i)?;
    if b < 0x80 {
        return Some(b as char);
    }
    let end = (i + utf8_len(b)).min(bytes.len());
    std::str::from_utf8(&bytes[i..end]).ok()?.chars().next()
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether a word cannot continue backwards from `i` (`Māori` has no boundary inside).
pub(super) fn boundary_before(bytes: &[u8], i: usize) -> bool {
    !char_before(bytes, i).is_some_and(is_word)
}

/// Whether a word cannot continue forwards from `i`.
pub(super) fn boundary_after(bytes: &[u8], i: usize) -> bool {
    !char_after(bytes, i).is_some_and(is_word)
}

/// `a..b` without surrounding whitespace or NBSP.
pub(super) fn trim(bytes: &[u8], mut a: usize, mut b: usize) -> (usize, usize) {
    loop {
        if a < b && is_ws(bytes[a]) {
            a += 1;
        } else if a + 1 < b && bytes[a] == 0xC2 && bytes[a + 1] == 0xA0 {
            a += 2;
        } else {
            break;
        }
    }
    loop {
        if b > a && is_ws(bytes[b - 1]) {
            b -= 1;
        } else if b > a + 1 && bytes[b - 1] == 0xA0 && bytes[b - 2] == 0xC2 {
            b -= 2;
        } else {
            break;
        }
    }
    (a, b)
}

/// The text of `bytes`, invalid UTF-8 replaced.
pub(super) fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Some ASCII capital.
pub(super) fn has_upper(bytes: &[u8]) -> bool {
    bytes.iter().any(u8::is_ascii_uppercase)
}

/// Some ASCII small letter.
pub(super) fn has_lower(bytes: &[u8]) -> bool {
    bytes.iter().any(u8::is_ascii_lowercase)
}

/// Capitals: some upper-case ASCII letter and no lower-case one.
pub(super) fn is_caps(bytes: &[u8]) -> bool {
    has_upper(bytes) && !has_lower(bytes)
}

/// Words of a line: runs of letters, digits, `&`, `'`, `_` and non-ASCII bytes (NBSP
/// separates), without trailing dots.
pub(super) fn words(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut i = 0usize;
    std::iter::from_fn(move || {
        loop {
            while i < line.len() {
                let b = line[i];
                if b == 0xC2 && line.get(i + 1) == Some(&0xA0) {
                    i += 2;
                } else if b.is_ascii_alphanumeric() || matches!(b, b'&' | b'\'' | b'_') || b >= 0x80
                {
                    break;
                } else {
                    i += 1;
                }
            }
            if i >= line.len() {
                return None;
            }
            let start = i;
            while i < line.len() {
                let b = line[i];
                if b == 0xC2 && line.get(i + 1) == Some(&0xA0) {
                    break;
                }
                if b.is_ascii_alphanumeric() || matches!(b, b'&' | b'\'' | b'_' | b'.') || b >= 0x80
                {
                    i += 1;
                } else {
                    break;
                }
            }
            let mut end = i;
            while end > start && line[end - 1] == b'.' {
                end -= 1;
            }
            if end > start {
                return Some(&line[start..end]);
            }
        }
    })
}

/// The length of a list bullet that starts `line` (`•`, `◦`, `▪`, `‣`, `●`, `○`, `·`,
/// `-`, `*`, an en or em dash, Word's Symbol-font bullet U+F0B7) when white space follows
/// it and the line does not end with the same mark (`- SECRET -` is a banner).
pub(super) fn bullet_len(line: &[u8]) -> Option<usize> {
    const BULLETS: &[&str] = &[
        "\u{2022}", "\u{25E6}", "\u{25AA}", "\u{2023}", "\u{25CF}", "\u{25CB}", "\u{B7}", "-", "*",
        "\u{2013}", "\u{2014}", "\u{F0B7}",
    ];
    // Most lines start with a letter: one test spares the list.
    if !matches!(line.first(), Some(b'-' | b'*' | 0xC2 | 0xE2 | 0xEF)) {
        return None;
    }
    let b = BULLETS.iter().find(|b| line.starts_with(b.as_bytes()))?;
    let n = b.len();
    let followed = line.get(n).is_some_and(|&c| c == b' ' || c == b'\t');
    (followed && !line[n..].ends_with(b.as_bytes())).then_some(n)
}

/// Moves back from `i` over spaces, tabs, hyphens, NBSP (and line breaks if `newline`).
pub(super) fn skip_separators_back(bytes: &[u8], mut i: usize, lo: usize, newline: bool) -> usize {
    while i > lo {
        let b = bytes[i - 1];
        if b == b' ' || b == b'\t' || b == b'-' || (newline && (b == b'\n' || b == b'\r')) {
            i -= 1;
        } else if b == 0xA0 && i - 1 > lo && bytes[i - 2] == 0xC2 {
            i -= 2;
        } else {
            break;
        }
    }
    i
}

/// Bytes per bit of the non-ASCII mask that [`fold_case`] returns.
pub(super) const BLOCK: usize = 256;

/// What [`fold_case`] learnt about a chunk on the way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Folding {
    /// Bit `k` is set when `body[k * BLOCK..(k + 1) * BLOCK]` holds a byte of 0x80 or above.
    pub(super) non_ascii: u64,
    /// How many `\n` bytes `body` holds.
    pub(super) newlines: u64,
}

/// Copies `body` then `tail` into `dst` with every ASCII capital made small, for the
/// case-sensitive anchor search, and says where `body` is not ASCII and how many lines it
/// ends. `body` is at most `64 * BLOCK` bytes.
///
/// One fused pass, because this is the only code that touches every byte of text without
/// candidates: the copy, the case fold, the ASCII test and the line count read each byte
/// once (separate passes measured about 25 % slower on marking-free prose). The mask takes
/// the folding path straight to the blocks it needs; the count keeps line numbers without
/// another pass over text with findings. `b | 0x20` lowers `A`..=`Z` and never
/// turns a byte that is not a letter into one, which is all the search needs.
pub(super) fn fold_case(body: &[u8], tail: &[u8], dst: &mut Vec<u8>) -> Folding {
    const LANES: usize = 32;
    debug_assert!(body.len() <= 64 * BLOCK);
    dst.resize(body.len() + tail.len(), 0);
    let (head, rest) = dst.split_at_mut(body.len());
    let mut mask = 0u64;
    let mut newlines = 0u64;
    for (k, (out, inp)) in head.chunks_mut(BLOCK).zip(body.chunks(BLOCK)).enumerate() {
        let mut high = [0u8; LANES];
        // At most BLOCK / LANES = 8 per lane, so a byte cannot overflow.
        let mut nl = [0u8; LANES];
        let mut out = out.chunks_exact_mut(LANES);
        let mut inp = inp.chunks_exact(LANES);
        for (d, s) in (&mut out).zip(&mut inp) {
            // Fixed-size arrays: with slices the loop stays scalar (measured 3x slower).
            let d: &mut [u8; LANES] = d.try_into().expect("chunks_exact_mut gives LANES bytes");
            let s: &[u8; LANES] = s.try_into().expect("chunks_exact gives LANES bytes");
            for k in 0..LANES {
                d[k] = s[k] | 0x20;
                high[k] |= s[k];
                nl[k] += u8::from(s[k] == b'\n');
            }
        }
        for (d, &s) in out.into_remainder().iter_mut().zip(inp.remainder()) {
            *d = s | 0x20;
            high[0] |= s;
            newlines += u64::from(s == b'\n');
        }
        if high.iter().fold(0, |a, &h| a | h) >= 0x80 {
            mask |= 1 << k;
        }
        newlines += nl.iter().map(|&n| u64::from(n)).sum::<u64>();
    }
    for (d, &s) in rest.iter_mut().zip(tail) {
        *d = s | 0x20;
    }
    Folding {
        non_ascii: mask,
        newlines,
    }
}

/// The first non-ASCII byte in `bytes[from..to]`, looking only in the blocks that `mask`
/// (from [`fold_case`] over the chunk that starts at `chunk`) marks.
pub(super) fn next_non_ascii(
    bytes: &[u8],
    mut from: usize,
    to: usize,
    chunk: usize,
    mask: u64,
) -> Option<usize> {
    while from < to {
        let k = (from - chunk) / BLOCK;
        let left = mask.checked_shr(k as u32).unwrap_or(0);
        if left == 0 {
            return None;
        }
        let block = k + left.trailing_zeros() as usize;
        let start = from.max(chunk + block * BLOCK);
        let end = (chunk + (block + 1) * BLOCK).min(to);
        if start >= end {
            return None;
        }
        if let Some(p) = bytes[start..end].iter().position(|&b| b >= 0x80) {
            return Some(start + p);
        }
        from = end;
    }
    None
}

/// A word list indexed by length, for allocation-free case-insensitive lookups.
pub(super) struct ByLen(Vec<Vec<&'static [u8]>>);

impl ByLen {
    /// The list of `words` (duplicates dropped).
    pub(super) fn new(words: impl Iterator<Item = &'static str>) -> ByLen {
        let mut by = ByLen(vec![Vec::new(); 32]);
        for w in words {
            let list = &mut by.0[w.len().min(31)];
            if !list.contains(&w.as_bytes()) {
                list.push(w.as_bytes());
            }
        }
        by
    }

    /// Whether `word` (any ASCII case) is in the list.
    pub(super) fn contains(&self, word: &[u8]) -> bool {
        word.len() < 31
            && self
                .0
                .get(word.len())
                .is_some_and(|list| list.iter().any(|w| w.eq_ignore_ascii_case(word)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_split() {
        let w: Vec<&[u8]> = words(b"TOP SECRET//NZEO, In\xC2\xA0Confidence. x").collect();
        assert_eq!(
            w,
            vec![&b"TOP"[..], b"SECRET", b"NZEO", b"In", b"Confidence", b"x"]
        );
    }

    #[test]
    fn fold_case_lowers_letters_only_and_spots_non_ascii() {
        let all: Vec<u8> = (0..=255u8).collect();
        let mut dst = Vec::new();
        assert_eq!(
            fold_case(&all, b"XY", &mut dst),
            Folding {
                non_ascii: 1,
                newlines: 1
            }
        );
        assert_eq!(dst.len(), 258);
        for (&b, &d) in all.iter().zip(&dst) {
            // A byte becomes a small letter exactly when it is that letter in either case.
            assert_eq!(d.is_ascii_lowercase(), b.is_ascii_alphabetic(), "{b:#x}");
            if b.is_ascii_alphabetic() {
                assert_eq!(d, b.to_ascii_lowercase());
            }
        }
        assert_eq!(&dst[256..], b"xy");
        let ascii = b"Plain ASCII text, long enough to fill one block of lanes.\n";
        assert_eq!(fold_case(ascii, b"", &mut dst).non_ascii, 0);
        assert_eq!(fold_case("Ngā mihi".as_bytes(), b"", &mut dst).non_ascii, 1);
        // The tail is case-folded but not part of the ASCII test.
        assert_eq!(fold_case(b"abc", "ā".as_bytes(), &mut dst).non_ascii, 0);
        let lines = "one\ntwo\n\n".repeat(2000);
        let f = fold_case(&lines.as_bytes()[..16000], b"\n\n", &mut dst);
        assert_eq!(f.newlines, count_newlines(&lines.as_bytes()[..16000]));
    }

    #[test]
    fn the_mask_leads_to_every_non_ascii_byte() {
        let mut body = vec![b'a'; 64 * BLOCK];
        let at = [0usize, 300, 301, 5000, 64 * BLOCK - 1];
        for &p in &at {
            body[p] = 0xC4;
        }
        let mut dst = Vec::new();
        let mask = fold_case(&body, b"", &mut dst).non_ascii;
        assert_eq!(mask.count_ones(), 4);
        // Based at 1000: the chunk is body[1000..], so the mask is computed from there.
        let mut hay = vec![b' '; 1000];
        hay.extend_from_slice(&body);
        let mut found = Vec::new();
        let mut i = 1000;
        while let Some(p) = next_non_ascii(&hay, i, hay.len(), 1000, mask) {
            found.push(p - 1000);
            i = p + 1;
        }
        assert_eq!(found, at);
        assert_eq!(next_non_ascii(&hay, 1000, hay.len(), 1000, 0), None);
    }

    #[test]
    fn newlines_and_boundaries() {
        let text = "a\nb\n".repeat(50);
        assert_eq!(count_newlines(text.as_bytes()), 100);
        let m = "Māori".as_bytes();
        assert!(!boundary_after(m, 1)); // `ā` continues the word
        assert!(boundary_before(b" x", 1));
        assert_eq!(trim("\u{A0} ab \n".as_bytes(), 0, 7), (3, 5));
    }
}
