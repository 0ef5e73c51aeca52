//! Stage 1's vocabulary: the anchor words searched for, the multi-literal searcher built
//! from them, and the word lists stage 2 checks against. Everything comes from the one
//! vocabulary table (`marking::vocab`); no marking word is written here, so the search
//! and the grammar cannot disagree.

use super::text::ByLen;
use crate::marking::vocab::{Keyword, LETTER_SPACED, PHRASES};
use crate::marking::{Classification, Parser};
use aho_corasick::{AhoCorasick, MatchKind};

/// Longer than any searched pattern: how far a chunk's lowercase copy runs past its end.
pub(super) const MAX_PAT: usize = 16;

/// What a pattern match stands for: an anchor word, searched from its `skip`th letter.
#[derive(Clone, Copy, Debug)]
pub(super) struct Anchor {
    /// Index into [`Prefilter::words`] and [`Prefilter::prefixes`].
    pub(super) word: usize,
    /// How many of the word's letters come before the searched pattern (see
    /// `fingerprint_start`); they are checked by hand.
    pub(super) skip: usize,
    /// The pattern is part of the word written letter by letter (`c o n f i d e n`), as US
    /// cables write banners; `spaced.rs` reads the whole line.
    pub(super) spaced: bool,
}

/// The most frequent English letter trigrams (plus a few frequent in government text).
/// Teddy, the SIMD searcher inside aho-corasick, fingerprints each pattern by its first three
/// bytes, so a pattern that starts with a common trigram (`con`, `res`, `pro`, `sen`) stops it
/// at every `contract`, `response`, `process` and `present`. Each anchor word is therefore
/// searched from its first trigram that is not in this list (`onfidence`, `ecret`), and the
/// letters before it are checked by hand.
const COMMON_TRIGRAMS: &[&str] = &[
    "the", "and", "ing", "her", "hat", "his", "tha", "ere", "for", "ent", "ion", "ter", "was",
    "you", "ith", "ver", "all", "wit", "thi", "tio", "nde", "has", "nce", "tis", "oft", "sth",
    "men", "con", "res", "pro", "ate", "ati", "est", "ess", "ons", "ted", "ers", "ive", "com",
    "per", "int", "sta", "cti", "ica", "ist", "ear", "ain", "one", "our", "iti", "rat", "nte",
    "tin", "ine", "der", "ome", "man", "pre", "rom", "tra", "ave", "str", "act", "ill", "sti",
    "ity", "sen", "sec", "ect", "rea", "ort", "ral", "ure", "nal", "ali", "ble", "ran", "ren",
    "ord", "out", "ous", "ese", "unc", "ens", "tri", "ric", "ser", "cou", "off", "ffi", "fic",
    "ici", "cia", "ial", "dis", "del", "dec", "cla", "las", "ass", "ssi", "ied", "ted", "ect",
    "ste", "min", "sit", "iti", "tiv", "ive", "ncl", "lic", "pub", "mer",
];

/// Where to start searching for `word` (lower case): at its first trigram that is not
/// common, keeping at least four letters in the pattern.
fn fingerprint_start(word: &str) -> usize {
    let b = word.as_bytes();
    (0..b.len().saturating_sub(3))
        .find(|&k| {
            let tri = &word[k..k + 3];
            !COMMON_TRIGRAMS.contains(&tri)
        })
        .unwrap_or(0)
}

/// The pattern that finds `word` (lower case) written letter by letter: a run of its
/// letters, each after a space, starting at its first letter after the first that is not
/// `a`, `i` or `o` (single-letter English words, which would stop the searcher at every
/// `a`), at most 12 bytes long (under [`MAX_PAT`]). `secret` gives ` e c r e t`,
/// `confidential` ` n f i d e n`.
fn spaced_pattern(word: &str) -> String {
    let letters: Vec<char> = word.chars().collect();
    let from = (1..letters.len())
        .find(|&k| !matches!(letters[k], 'a' | 'i' | 'o'))
        .unwrap_or(1);
    let mut p = String::new();
    for &c in &letters[from..] {
        if p.len() + 2 > 12 {
            break;
        }
        p.push(' ');
        p.push(c);
    }
    p
}

/// The searcher and the word lists.
pub(super) struct Prefilter {
    /// Case-sensitive search for the lowercase patterns, over a lowercased copy.
    pub(super) ac: AhoCorasick,
    /// Per pattern: what it stands for.
    pub(super) anchors: Vec<Anchor>,
    /// The anchor words, lower case.
    pub(super) words: Vec<String>,
    /// Every vocabulary word.
    pub(super) vocab: ByLen,
    /// The anchor words.
    pub(super) anchor_words: ByLen,
    /// Per anchor word: the word sequences that precede it in a phrase (`TOP` for `SECRET`).
    pub(super) prefixes: Vec<Vec<&'static [&'static str]>>,
    /// The paragraph marks, `(U)` to `(TS)`.
    pub(super) marks: Vec<&'static [u8]>,
}

impl Prefilter {
    /// The anchors for `parser`'s foreign mapping.
    ///
    /// Anchor words are the last word of every classification phrase, NZ and foreign (the
    /// distinctive one: `in` is everywhere, `confidence` rarely). A foreign level that the parser
    /// maps to UNCLASSIFIED (AU/UK `OFFICIAL`) cannot raise a text's classification, and is too
    /// common a word to search for.
    pub(super) fn new(parser: &Parser) -> Result<Prefilter, String> {
        let mut anchor_words: Vec<&'static str> = Vec::new();
        let class_words: Vec<&str> = PHRASES
            .iter()
            .filter(|p| matches!(p.keyword, Keyword::Class(_)))
            .filter_map(|p| p.words.last().copied())
            .collect();
        for p in PHRASES {
            let searched = match p.keyword {
                Keyword::Class(_) => true,
                // A foreign phrase that holds an NZ level's word (`Sensitive: Personal`) is
                // found through that word; its own last word may be common (`PERSONAL`).
                Keyword::Foreign(_) if p.words.iter().any(|w| class_words.contains(w)) => false,
                Keyword::Foreign(level) => {
                    parser.foreign_mapping().map(level) != Classification::Unclassified
                }
                _ => false,
            };
            if searched
                && let Some(last) = p.words.last()
                && !anchor_words.contains(last)
            {
                anchor_words.push(last);
            }
        }
        let prefixes: Vec<Vec<&'static [&'static str]>> = anchor_words
            .iter()
            .map(|w| {
                PHRASES
                    .iter()
                    .filter(|p| {
                        matches!(p.keyword, Keyword::Class(_) | Keyword::Foreign(_))
                            && p.words.len() > 1
                            && p.words.last() == Some(w)
                    })
                    .map(|p| &p.words[..p.words.len() - 1])
                    .collect()
            })
            .collect();
        let words: Vec<String> = anchor_words.iter().map(|w| w.to_lowercase()).collect();
        let spaced: Vec<String> = words.iter().map(|w| spaced_pattern(w)).collect();
        let mut patterns: Vec<&str> = Vec::new();
        let mut anchors: Vec<Anchor> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let skip = fingerprint_start(w);
            patterns.push(&w[skip..]);
            anchors.push(Anchor {
                word: i,
                skip,
                spaced: false,
            });
        }
        for (i, p) in spaced.iter().enumerate() {
            if !LETTER_SPACED
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&words[i]))
            {
                continue;
            }
            if patterns.contains(&p.as_str()) {
                continue; // `confidence` and `confidential` share theirs
            }
            patterns.push(p);
            anchors.push(Anchor {
                word: i,
                skip: 0,
                spaced: true,
            });
        }
        if let Some(long) = patterns.iter().find(|p| p.len() >= MAX_PAT) {
            return Err(format!(
                "the anchor pattern {long:?} is {} bytes; the chunk overlap is {MAX_PAT}",
                long.len()
            ));
        }
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        Ok(Prefilter {
            ac,
            anchors,
            words,
            vocab: ByLen::new(PHRASES.iter().flat_map(|p| p.words.iter().copied())),
            anchor_words: ByLen::new(anchor_words.iter().copied()),
            prefixes,
            marks: Classification::ALL
                .iter()
                .map(|c| c.paragraph_mark().as_bytes())
                .collect(),
        })
    }

    /// Where the anchor word of a pattern match at `at` starts: the letters before the
    /// searched part must be there (any case).
    pub(super) fn start(&self, bytes: &[u8], at: usize, anchor: Anchor) -> Option<usize> {
        if anchor.skip == 0 {
            return Some(at);
        }
        let s = at.checked_sub(anchor.skip)?;
        bytes[s..at]
            .eq_ignore_ascii_case(&self.words[anchor.word].as_bytes()[..anchor.skip])
            .then_some(s)
    }

    /// Whether `word` (any case) is a word of some marking phrase.
    pub(super) fn is_vocab(&self, word: &[u8]) -> bool {
        self.vocab.contains(word)
    }

    /// Whether `word` (any case) is an anchor word.
    pub(super) fn is_anchor(&self, word: &[u8]) -> bool {
        self.anchor_words.contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_come_from_the_vocabulary() {
        let a = Prefilter::new(&Parser::new()).unwrap();
        assert!(a.is_anchor(b"secret"));
        assert!(a.is_anchor(b"Confidence"));
        assert!(!a.is_anchor(b"TOP"));
        assert!(a.is_vocab(b"top"));
    }

    #[test]
    fn spaced_patterns() {
        assert_eq!(spaced_pattern("secret"), " e c r e t");
        assert_eq!(spaced_pattern("confidential"), " n f i d e n");
        assert_eq!(spaced_pattern("unclassified"), " n c l a s s");
        let a = Prefilter::new(&Parser::new()).unwrap();
        let hits: Vec<bool> =
            a.ac.find_iter("c o n f i d e n t i a l".as_bytes())
                .map(|m| a.anchors[m.pattern().as_usize()].spaced)
                .collect();
        assert_eq!(hits, vec![true]);
    }

    #[test]
    fn patterns_skip_common_trigrams() {
        // `con...` would stop the searcher at every `contract`; `onfidence` does not.
        assert_eq!(fingerprint_start("confidence"), 1);
        assert_eq!(fingerprint_start("secret"), 1);
        let a = Prefilter::new(&Parser::new()).unwrap();
        let secret = a.words.iter().position(|w| w == "secret").unwrap();
        let anchor = a.anchors[secret];
        assert_eq!(a.start(b"xSECRET", 2, anchor), Some(1));
        assert_eq!(a.start(b"xaECRET", 2, anchor), None);
    }
}
