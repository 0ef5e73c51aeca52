//! The normalising path: folds the characters that disguise a marking (invisible characters,
//! full-width forms, Cyrillic and Greek look-alike letters) to ASCII, keeping a map back to
//! the original byte offsets. Only text that contains non-ASCII bytes comes here.

use super::Note;
use crate::marking::tokens::is_invisible;

/// What one character becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fold {
    /// An ASCII byte, and the evasion technique it undoes (if any).
    Ascii(u8, Option<Note>),
    /// Nothing: an invisible character inside a word.
    Drop,
    /// A space: NBSP and the other Unicode spaces (not an evasion: Word and PDFs put NBSP
    /// between a marking's words).
    Space,
    /// Kept as written: any other character.
    Keep,
}

/// Cyrillic and Greek letters that look like Latin capitals or small letters (the subset of
/// Unicode's confusables that can spell a marking word).
fn look_alike(c: char) -> Option<u8> {
    Some(match c {
        // Cyrillic capitals
        'А' => b'A',
        'В' => b'B',
        'Е' | 'Ё' => b'E',
        'Ѕ' => b'S',
        'І' | 'Ӏ' => b'I',
        'Ј' => b'J',
        'К' => b'K',
        'М' => b'M',
        'Н' => b'H',
        'О' => b'O',
        'Р' => b'P',
        'С' => b'C',
        'Т' => b'T',
        'У' => b'Y',
        'Х' => b'X',
        'Ԁ' => b'D',
        'Ԛ' => b'Q',
        'Ԝ' => b'W',
        // Cyrillic small letters
        'а' => b'a',
        'е' | 'ё' => b'e',
        'ѕ' => b's',
        'і' => b'i',
        'ј' => b'j',
        'о' => b'o',
        'р' => b'p',
        'с' => b'c',
        'у' => b'y',
        'х' => b'x',
        'ԁ' => b'd',
        'һ' => b'h',
        'ԛ' => b'q',
        'ԝ' => b'w',
        // Greek capitals
        'Α' => b'A',
        'Β' => b'B',
        'Ε' => b'E',
        'Ζ' => b'Z',
        'Η' => b'H',
        'Ι' => b'I',
        'Κ' => b'K',
        'Μ' => b'M',
        'Ν' => b'N',
        'Ο' => b'O',
        'Ρ' => b'P',
        'Τ' => b'T',
        'Υ' => b'Y',
        'Χ' => b'X',
        // Greek small letters
        'ο' => b'o',
        'ι' => b'i',
        'κ' => b'k',
        'ν' => b'v',
        'ρ' => b'p',
        'τ' => b't',
        'υ' => b'u',
        _ => return None,
    })
}

/// How `c` folds.
pub(crate) fn fold(c: char) -> Fold {
    if c.is_ascii() {
        return Fold::Ascii(c as u8, None);
    }
    if is_invisible(c) {
        return Fold::Drop;
    }
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        // Full-width ASCII: U+FF01..U+FF5E map to U+0021..U+007E.
        return Fold::Ascii((c as u32 - 0xFEE0) as u8, Some(Note::FullWidthLetters));
    }
    if c.is_whitespace() {
        return Fold::Space;
    }
    match look_alike(c) {
        Some(b) => Fold::Ascii(b, Some(Note::LookAlikeLetters)),
        None => Fold::Keep,
    }
}

/// The evasion notes for the characters of `bytes` (lossy UTF-8), in a fixed order.
pub(crate) fn evasion_notes(bytes: &[u8]) -> Vec<Note> {
    let (mut invisible, mut full, mut look) = (false, false, false);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match fold(c) {
                Fold::Drop => invisible = true,
                Fold::Ascii(_, Some(Note::FullWidthLetters)) => full = true,
                Fold::Ascii(_, Some(Note::LookAlikeLetters)) => look = true,
                _ => {}
            }
        }
    }
    let mut notes = Vec::new();
    if invisible {
        notes.push(Note::InvisibleCharacters);
    }
    if full {
        notes.push(Note::FullWidthLetters);
    }
    if look {
        notes.push(Note::LookAlikeLetters);
    }
    notes
}

/// A folded copy of some original bytes.
#[derive(Debug, Default)]
pub(crate) struct Folded {
    /// The folded text: ASCII for every folded character, original UTF-8 for kept ones.
    pub bytes: Vec<u8>,
    /// For each folded byte, the offset of its character in the original (relative to the
    /// start of the folded range); one extra entry for the end.
    pub map: Vec<usize>,
}

impl Folded {
    /// Fold `orig`. Invalid UTF-8 bytes become spaces.
    pub(crate) fn new(orig: &[u8]) -> Folded {
        let mut out = Folded {
            bytes: Vec::with_capacity(orig.len()),
            map: Vec::with_capacity(orig.len() + 1),
        };
        let mut at = 0usize;
        for chunk in orig.utf8_chunks() {
            for c in chunk.valid().chars() {
                let len = c.len_utf8();
                match fold(c) {
                    Fold::Ascii(b, _) => out.push(b, at),
                    Fold::Drop => {}
                    Fold::Space => out.push(b' ', at),
                    Fold::Keep => {
                        let mut tmp = [0u8; 4];
                        for (k, b) in c.encode_utf8(&mut tmp).bytes().enumerate() {
                            out.push(b, at + k);
                        }
                    }
                }
                at += len;
            }
            for _ in chunk.invalid() {
                out.push(b' ', at);
                at += 1;
            }
        }
        out.map.push(at);
        out
    }

    fn push(&mut self, b: u8, at: usize) {
        self.bytes.push(b);
        self.map.push(at);
    }

    /// The original offset where folded byte `i` starts (`i == len` gives the end).
    pub(crate) fn orig_start(&self, i: usize) -> usize {
        self.map[i]
    }

    /// The folded index of the first folded byte at or after original offset `orig`.
    pub(crate) fn index_of(&self, orig: usize) -> usize {
        self.map.partition_point(|&m| m < orig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_evasions() {
        let f = Folded::new("ЅЕСRЕТ".as_bytes());
        assert_eq!(f.bytes, b"SECRET");
        let f = Folded::new("ＳＥＣＲＥＴ".as_bytes());
        assert_eq!(f.bytes, b"SECRET");
        let f = Folded::new("SE\u{200B}CRET".as_bytes());
        assert_eq!(f.bytes, b"SECRET");
        assert_eq!(f.orig_start(2), 5);
        let f = Folded::new("In\u{A0}Confidence".as_bytes());
        assert_eq!(f.bytes, b"In Confidence");
        assert_eq!(
            evasion_notes("SE\u{AD}CRЕT".as_bytes()),
            vec![Note::InvisibleCharacters, Note::LookAlikeLetters]
        );
        assert!(evasion_notes("In\u{A0}Confidence".as_bytes()).is_empty());
    }

    #[test]
    fn invalid_utf8_becomes_space() {
        let f = Folded::new(b"a\xffb");
        assert_eq!(f.bytes, b"a b");
        assert_eq!(f.index_of(2), 2);
    }
}
