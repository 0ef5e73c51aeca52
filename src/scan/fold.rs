//! The folding path, for chunks that hold non-ASCII bytes: finds anchors spelt with
//! invisible characters, full-width letters or Cyrillic and Greek look-alikes, and runs the
//! ordinary verification on a folded copy of the lines around them, mapping the verdict
//! back to the original bytes. Plain ASCII chunks never come here.

use super::collect::Collector;
use super::engine::{Hay, LOOK_AHEAD_LINES, LOOK_BEHIND, MAX_LINE, Outcome, REGION};
use super::normalise::{Fold, Folded, fold};
use super::prefilter::Anchor;
use super::text::{boundary_after, boundary_before, is_ws, next_non_ascii, utf8_len};
use super::verify::Verifier;
use std::ops::Range;

impl Verifier {
    /// Looks at every word with a non-ASCII byte in `chunk`; a word that folds (and the
    /// words around it) is searched for anchors after folding.
    /// `non_ascii` is the chunk's block mask from `fold_case`.
    pub(super) fn fold_chunk(
        &self,
        h: &Hay,
        base: usize,
        chunk: Range<usize>,
        non_ascii: u64,
        st: &mut Collector,
    ) {
        let hay = h.bytes;
        let mut i = chunk.start;
        while i < chunk.end {
            let Some(p) = next_non_ascii(hay, i, chunk.end, chunk.start, non_ascii) else {
                break;
            };
            let lo_min = p.saturating_sub(REGION);
            let mut lo = p;
            while lo > lo_min && !is_ws(hay[lo - 1]) {
                lo -= 1;
            }
            let lo_edge = if lo == 0 {
                h.at_start
            } else {
                is_ws(hay[lo - 1])
            };
            let hi_max = (p + REGION).min(hay.len());
            let mut hi = p;
            while hi < hi_max && !is_ws(hay[hi]) {
                hi += 1;
            }
            let hi_edge = if hi == hay.len() {
                h.at_end
            } else {
                is_ws(hay[hi])
            };
            let cut = !hi_edge && hi < hay.len();
            if !needs_fold(&hay[lo..hi]) {
                // Ordinary non-ASCII letters (`Māori`): nothing to fold.
                i = if cut {
                    hi.saturating_sub(64).max(p + 1)
                } else {
                    hi.max(p + 1)
                };
                continue;
            }
            let folded = Folded::new(&hay[lo..hi]);
            let mut lower = folded.bytes.clone();
            lower.make_ascii_lowercase();
            for m in self.prefilter.ac.find_iter(lower.as_slice()) {
                let anchor = self.prefilter.anchors[m.pattern().as_usize()];
                if anchor.spaced {
                    continue; // letter by letter: the ASCII path reads the line
                }
                let Some(fs) = self.prefilter.start(&lower, m.start(), anchor) else {
                    continue;
                };
                let fe = m.end();
                let os = lo + folded.orig_start(fs);
                let last = lo + folded.orig_start(fe - 1);
                let oe = (last + utf8_len(hay[last])).min(hay.len());
                let Some(q) = hay[os..oe].iter().position(|&b| b >= 0x80) else {
                    continue; // plain ASCII: the ASCII path has it
                };
                if !chunk.contains(&(os + q)) {
                    continue;
                }
                {
                    let before = if fs == 0 {
                        lo_edge
                    } else {
                        boundary_before(&folded.bytes, fs)
                    };
                    let after = if fe == folded.bytes.len() {
                        hi_edge
                    } else {
                        boundary_after(&folded.bytes, fe)
                    };
                    if !before || !after {
                        continue;
                    }
                }
                if st.last.0 <= base + os && base + os < st.last.1 {
                    continue;
                }
                self.check_folded(h, base, os, oe, anchor, st);
            }
            i = if cut {
                hi.saturating_sub(64).max(p + 1)
            } else {
                hi.max(p + 1)
            };
        }
    }

    /// Verifies a hit whose original bytes `os..oe` hold a disguised anchor: folds the lines
    /// around it and runs the same verification on the folded text.
    pub(super) fn check_folded(
        &self,
        h: &Hay,
        base: usize,
        os: usize,
        oe: usize,
        anchor: Anchor,
        st: &mut Collector,
    ) {
        let hay = h.bytes;
        // Fold every line stage 2 may look at, so that the folded reading is the one the
        // plain text would get: the line above for a split phrase; back to the part's first
        // content for the release-stamp rule, which applies only when that is at most
        // `LOOK_BEHIND` before the hit's line (so a hit deep in a part folds two lines, not
        // two KiB); and the lines below for a joined `//` block or a heading's definition
        // (`LOOK_AHEAD_LINES`).
        let above = h.line_start(os).and_then(|ls| {
            let first = st
                .first_content
                .and_then(|f| f.checked_sub(base))
                .filter(|&f| f < ls && ls - f <= LOOK_BEHIND);
            let back = first.unwrap_or(ls.saturating_sub(1));
            if back == 0 {
                Some(0)
            } else {
                h.line_start(back)
            }
        });
        let mut below = h.line_end(oe);
        for _ in 0..LOOK_AHEAD_LINES {
            below = below.and_then(|le| {
                if le >= hay.len() {
                    Some(le)
                } else {
                    h.line_end(le + 1)
                }
            });
        }
        let lo = above.unwrap_or_else(|| os.saturating_sub(LOOK_BEHIND + MAX_LINE + 2));
        let hi =
            below.unwrap_or_else(|| (oe + (LOOK_AHEAD_LINES + 1) * (MAX_LINE + 1)).min(hay.len()));
        let folded = Folded::new(&hay[lo..hi]);
        let fh = Hay {
            bytes: &folded.bytes,
            at_start: lo == 0 && h.at_start,
            at_end: hi == hay.len() && h.at_end,
            starts_line: above.is_some(),
            ends_line: below.is_some(),
        };
        let fs = folded.index_of(os - lo);
        let fe = folded.index_of(oe - lo);
        if fs >= fe {
            return;
        }
        let fc = st
            .first_content
            .and_then(|f| f.checked_sub(base + lo))
            .filter(|&f| f <= hi - lo)
            .map(|f| folded.index_of(f));
        let verdict = self.verify(&fh, fs, fe, anchor, st.role, fc);
        // Back to the original bytes.
        let to_orig_start = |i: usize| lo + folded.orig_start(i);
        let to_orig_end = |i: usize| {
            if i == 0 {
                return lo + folded.orig_start(0);
            }
            let last = lo + folded.orig_start(i - 1);
            (last + utf8_len(hay[last])).min(hay.len())
        };
        let verdict = match verdict {
            Outcome::Nothing => Outcome::Nothing,
            Outcome::Found(mut hit) => {
                hit.span = (to_orig_start(hit.span.0), to_orig_end(hit.span.1));
                hit.lines = (to_orig_start(hit.lines.0), to_orig_end(hit.lines.1));
                Outcome::Found(hit)
            }
            Outcome::Malformed {
                line,
                reason,
                floor,
            } => Outcome::Malformed {
                line: (to_orig_start(line.0), to_orig_end(line.1)),
                reason,
                floor,
            },
        };
        st.take(hay, base, verdict);
    }
}

/// Whether `bytes` hold a character that folds: invisible, full-width, look-alike, or a
/// Unicode space other than NBSP (which the ASCII path reads as a separator).
pub(super) fn needs_fold(bytes: &[u8]) -> bool {
    // Most non-ASCII text is letters such as `ā` or `é` that fold to nothing: a byte test
    // on the lead bytes spares decoding it.
    if !bytes.iter().any(|&b| may_fold(b)) {
        return false;
    }
    bytes.utf8_chunks().any(|chunk| {
        chunk.valid().chars().any(|c| match fold(c) {
            Fold::Keep => false,
            Fold::Ascii(_, note) => note.is_some(),
            Fold::Space => c != '\u{A0}',
            Fold::Drop => true,
        })
    })
}

/// Whether `b` leads the UTF-8 of some character that [`fold`] changes: invisible
/// characters (C2, E2, EF), full-width forms (EF), Unicode spaces (C2, E1, E2, E3),
/// Greek (CE, CF) and Cyrillic (D0 to D4) look-alikes. A superset, tested exhaustively.
fn may_fold(b: u8) -> bool {
    matches!(b, 0xC2 | 0xCE | 0xCF | 0xD0..=0xD4 | 0xE1..=0xE3 | 0xEF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_folding_character_has_a_folding_lead_byte() {
        let mut buf = [0u8; 4];
        for c in ('\u{80}'..=char::MAX).filter(|&c| match fold(c) {
            Fold::Keep => false,
            Fold::Ascii(_, note) => note.is_some(),
            Fold::Space => c != '\u{A0}',
            Fold::Drop => true,
        }) {
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            assert!(
                may_fold(lead),
                "{c:?} (U+{:04X}) leads with {lead:#x}",
                c as u32
            );
        }
        assert!(!needs_fold("Ngā mihi, kōrero, café".as_bytes()));
        assert!(needs_fold("ЅЕСRЕТ".as_bytes()));
        assert!(needs_fold("SE\u{AD}CRET".as_bytes()));
        assert!(!needs_fold("In\u{A0}Confidence".as_bytes()));
    }
}
