//! Markings written letter by letter, as US diplomatic cables print their banners
//! (`C O N F I D E N T I A L SECTION 01 OF 02 WELLINGTON 000931`, `S E C R E T`): the
//! line is read with each letter-spaced run joined into its word, by the ordinary rules,
//! and the verdict is mapped back to the original bytes (as `fold.rs` does for disguised
//! letters).
//!
//! Nobody spaces out a level word in prose, so a letter-spaced marking that stands where a
//! banner may stand decides even when a heading-like word follows it (`WELLINGTON`); a
//! letter-spaced word inside a sentence stays prose. The words are the same as the NZ
//! ones, so `C O N F I D E N T I A L` reads as CONFIDENTIAL (a US CONFIDENTIAL is read as
//! the NZ level it is spelt like).

use super::collect::Collector;
use super::engine::{Hay, MAX_BANNER, Outcome};
use super::verify::Verifier;
use super::{Confidence, FindingKind};

/// The shortest run of spaced letters that is joined (`S E C` and up).
const MIN_RUN: usize = 3;

/// A line with its letter-spaced runs joined, and where each byte came from.
struct Joined {
    bytes: Vec<u8>,
    /// `orig[i]`: the offset in the line of `bytes[i]`.
    orig: Vec<usize>,
}

impl Verifier {
    /// Reads the line around a letter-spaced pattern hit at `at` (hay index).
    pub(super) fn check_spaced(&self, h: &Hay, base: usize, at: usize, st: &mut Collector) {
        let hay = h.bytes;
        let (Some(ls), Some(le)) = (h.line_start(at), h.line_end(at)) else {
            return;
        };
        if le - ls > 4 * MAX_BANNER || (st.last.0 <= base + at && base + at < st.last.1) {
            return;
        }
        let line = &hay[ls..le];
        let Some(joined) = self.join_spaced(line) else {
            return;
        };
        let fh = Hay {
            bytes: &joined.bytes,
            at_start: ls == 0 && h.at_start,
            at_end: le == hay.len() && h.at_end,
            starts_line: true,
            ends_line: true,
        };
        let mut lower = joined.bytes.clone();
        lower.make_ascii_lowercase();
        let fc = st
            .first_content
            .and_then(|f| f.checked_sub(base + ls))
            .filter(|&f| f < line.len())
            .map(|f| joined.orig.iter().position(|&o| o >= f).unwrap_or(0));
        for m in self.prefilter.ac.find_iter(lower.as_slice()) {
            let anchor = self.prefilter.anchors[m.pattern().as_usize()];
            if anchor.spaced {
                continue;
            }
            let Some(s) = self.prefilter.start(&lower, m.start(), anchor) else {
                continue;
            };
            let e = m.end();
            let (os, oe) = (joined.orig[s], joined.orig[e - 1] + 1);
            // Only the run this hit found, and only once.
            if !(os <= at - ls && at - ls < oe) || st.last.1 > base + ls + os {
                continue;
            }
            let verdict = match self.verify(&fh, s, e, anchor, st.role, fc) {
                Outcome::Found(mut hit) => {
                    if hit.how.ambiguous {
                        // Where a banner may stand, spacing makes it one.
                        hit.how.ambiguous = false;
                        hit.how.promotable = false;
                        hit.kind = FindingKind::Banner;
                        hit.confidence = Confidence::Medium;
                    }
                    hit.how.letter_spaced = true;
                    let map = |i: usize| ls + joined.orig[i];
                    let map_end = |i: usize| {
                        if i == 0 {
                            ls
                        } else {
                            ls + joined.orig[i - 1] + 1
                        }
                    };
                    hit.span = (map(hit.span.0), map_end(hit.span.1));
                    hit.lines = (ls, le);
                    Outcome::Found(hit)
                }
                Outcome::Malformed { reason, floor, .. } => Outcome::Malformed {
                    line: (ls, le),
                    reason,
                    floor,
                },
                Outcome::Nothing => Outcome::Nothing,
            };
            st.take(hay, base, verdict);
            return;
        }
    }

    /// `line` with every run of single letters, each one space apart, joined into words
    /// when one run has at least [`MIN_RUN`] letters: `C O N F I D E N T I A L` becomes `CONFIDENTIAL`, `T O P  S E C R
    /// E T` (two spaces between words) `TOP SECRET`, and a run that spells marking words
    /// with no gap between them (`T O P S E C R E T`) is split into them. `None` when the
    /// line has no such run.
    fn join_spaced(&self, line: &[u8]) -> Option<Joined> {
        // Once the line has a run of MIN_RUN letters, shorter ones beside it are words too
        // (`I N  C O N F I D E N C E`).
        if !(0..line.len()).any(|i| spaced_run(line, i) >= MIN_RUN) {
            return None;
        }
        let mut bytes = Vec::with_capacity(line.len());
        let mut orig = Vec::with_capacity(line.len());
        let mut any = false;
        let mut i = 0;
        while i < line.len() {
            let run = spaced_run(line, i);
            if run >= 2 {
                // Letters at i, i + 2, ..., i + 2 * (run - 1).
                let letters: Vec<u8> = (0..run).map(|k| line[i + 2 * k]).collect();
                let cuts = self.segment(&letters);
                for (k, &letter) in letters.iter().enumerate() {
                    if k > 0 && cuts.contains(&k) {
                        bytes.push(b' ');
                        orig.push(i + 2 * k - 1);
                    }
                    bytes.push(letter);
                    orig.push(i + 2 * k);
                }
                any = true;
                i += 2 * run - 1;
            } else {
                bytes.push(line[i]);
                orig.push(i);
                i += 1;
            }
        }
        any.then_some(Joined { bytes, orig })
    }

    /// Where to break `letters` into vocabulary words (`TOPSECRET` at 3), when it is made
    /// of them; no breaks otherwise.
    fn segment(&self, letters: &[u8]) -> Vec<usize> {
        if self.prefilter.is_vocab(letters) {
            return Vec::new();
        }
        // best[k]: the breaks that make letters[..k] vocabulary words.
        let n = letters.len();
        let mut best: Vec<Option<Vec<usize>>> = vec![None; n + 1];
        best[0] = Some(Vec::new());
        for end in 1..=n {
            for start in 0..end {
                if let Some(prev) = &best[start]
                    && self.prefilter.is_vocab(&letters[start..end])
                {
                    let mut cuts = prev.clone();
                    if start > 0 {
                        cuts.push(start);
                    }
                    best[end] = Some(cuts);
                    break;
                }
            }
        }
        best[n].clone().unwrap_or_default()
    }
}

/// How many single letters, each one space after the last, start at `i`: `S E C R E T`
/// is 6, `S E Cat` is 2 (`C` belongs to a word).
fn spaced_run(line: &[u8], i: usize) -> usize {
    // A run starts a word.
    if i > 0 && line[i - 1].is_ascii_alphanumeric() {
        return 0;
    }
    let mut n = 0;
    let mut j = i;
    while j < line.len() && line[j].is_ascii_alphabetic() {
        if line.get(j + 1).is_some_and(u8::is_ascii_alphanumeric) {
            break;
        }
        n += 1;
        if line.get(j + 1) == Some(&b' ') && line.get(j + 2).is_some_and(u8::is_ascii_alphabetic) {
            j += 2;
        } else {
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marking::Parser;
    use crate::scan::ProseFindings;
    use crate::scan::text::lossy;

    fn show(j: &Joined) -> String {
        lossy(&j.bytes).into_owned()
    }

    fn engine() -> Verifier {
        Verifier::new(Parser::new(), ProseFindings::Capitals).unwrap()
    }

    #[test]
    fn runs() {
        assert_eq!(spaced_run(b"S E C R E T", 0), 6);
        assert_eq!(spaced_run(b"S E C R E T WELLINGTON", 0), 6);
        assert_eq!(spaced_run(b"a b", 0), 2);
        assert_eq!(spaced_run(b"xS E C", 1), 0);
        assert_eq!(spaced_run(b"S E Cat", 0), 2);
    }

    #[test]
    fn joins() {
        let e = engine();
        let j = e
            .join_spaced(b"?C O N F I D E N T I A L WELLINGTON 000851")
            .unwrap();
        assert_eq!(show(&j), "?CONFIDENTIAL WELLINGTON 000851");
        assert_eq!(j.orig[1], 1);
        let j = e.join_spaced(b"T O P S E C R E T").unwrap();
        assert_eq!(show(&j), "TOP SECRET");
        let j = e.join_spaced(b"T O P  S E C R E T").unwrap();
        assert_eq!(show(&j), "TOP  SECRET");
        assert!(e.join_spaced(b"a b c is not").is_some());
        assert!(e.join_spaced(b"no runs here").is_none());
    }
}
