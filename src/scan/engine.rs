//! The scanning engine's core: the look-around limits, the window type, stage 1 (a fused
//! lowercase copy of each chunk, then the anchor search) and recording what stage 2 found.
//!
//! Positions inside a window (`Hay`) are hay indices; everything stored in `Collector` is an
//! absolute offset in the scanned input. Every look-around is bounded (`MAX_LINE`, `WALK`,
//! `LEAD`, `STATEMENT`), so a window with `CONTEXT` bytes on each side of its region gives
//! exactly the verdicts a whole slice gives: that is what makes the reader path
//! (`reader.rs`) equal to the slice path. Stage 2 is in `verify.rs`, the folding path for
//! disguised text in `fold.rs`, the report in `collect.rs`.

use super::collect::{Collector, Malformed};
use super::fold::needs_fold;
use super::normalise::Folded;
use super::prefilter::MAX_PAT;
use super::text::{BLOCK, count_newlines, fold_case, is_caps, is_ws, lossy, trim};
use super::verify::Verifier;
use super::{Confidence, FindingKind, PartRole, ProseFindings};
use crate::marking::{Parsed, Parser};
use crate::report::Report;
use std::ops::Range;

/// Bytes lowercased and searched at a time. Small enough that the lowercase copy is still
/// in L1 cache when the searcher reads it (16 KiB measured faster than 32 or 64 KiB), and
/// one bit per `BLOCK` of it fits the non-ASCII mask.
const CHUNK: usize = 64 * BLOCK;
/// A line longer than this is "long": never a banner, never joined.
pub(super) const MAX_LINE: usize = 1024;
/// The longest trimmed line tried as a banner.
pub(super) const MAX_BANNER: usize = 256;
/// The longest line joined to a banner (`TOP` over `SECRET`).
pub(super) const JOIN_LINE: usize = 64;
/// How far back the words of a marking are followed from its anchor.
pub(super) const WALK: usize = 64;
/// How far back a statement's lead is read.
pub(super) const LEAD: usize = 48;
/// How far forward a statement's sentence may run.
pub(super) const STATEMENT: usize = 160;
/// How far a folding region extends either side of a non-ASCII byte.
pub(super) const REGION: usize = 256;
/// How far back from its line stage 2 may look (the release stamps above a part's first
/// banner).
pub(super) const LOOK_BEHIND: usize = 2 * MAX_LINE;
/// How many lines after its own stage 2 may read (a `//` block continued below, the
/// definition under a heading, past two blank lines).
pub(super) const LOOK_AHEAD_LINES: usize = 3;
/// Context a reader window keeps on each side of its region. Covers the look-behind plus
/// the hit's own line back, and the hit's line plus `LOOK_AHEAD_LINES` lines of `MAX_LINE`
/// forward, which bounds every look-around above with a line to spare.
pub(super) const CONTEXT: usize = 6 * 1024;

/// The engine behind a `Scanner`: stage 1 (the fused lowercase copy and the prefilter's
/// search) over windows of the input, the [`Verifier`] for stage 2, and a [`Collector`] per
/// scan. Immutable.
pub(crate) struct Engine {
    pub(crate) verifier: Verifier,
    pub(crate) window: usize,
}

/// A window of the input.
pub(super) struct Hay<'a> {
    pub(super) bytes: &'a [u8],
    /// `bytes[0]` is the start of the input.
    pub(super) at_start: bool,
    /// `bytes` ends where the input ends.
    pub(super) at_end: bool,
    /// `bytes[0]` starts a line (a folded window cut at a line start).
    pub(super) starts_line: bool,
    /// `bytes` ends at a line end.
    pub(super) ends_line: bool,
}

impl Hay<'_> {
    /// Start of the line holding `pos`, or `None` for a long line.
    pub(super) fn line_start(&self, pos: usize) -> Option<usize> {
        let lo = pos.saturating_sub(MAX_LINE);
        match memchr::memrchr(b'\n', &self.bytes[lo..pos]) {
            Some(k) => Some(lo + k + 1),
            None if lo == 0 && (self.at_start || self.starts_line) => Some(0),
            None => None,
        }
    }

    /// End of the line holding `pos` (the `\n` or the end), or `None` for a long line.
    pub(super) fn line_end(&self, pos: usize) -> Option<usize> {
        let hi = (pos + MAX_LINE).min(self.bytes.len());
        match memchr::memchr(b'\n', &self.bytes[pos..hi]) {
            Some(k) => Some(pos + k),
            None if hi == self.bytes.len() && (self.at_end || self.ends_line) => Some(hi),
            None => None,
        }
    }
}

/// A verified hit, in hay indices.
pub(super) struct Hit {
    pub(super) span: (usize, usize),
    /// Start of its first line, end of its last line.
    pub(super) lines: (usize, usize),
    pub(super) parsed: Parsed,
    pub(super) kind: FindingKind,
    pub(super) confidence: Confidence,
    /// How the rule that found it read it, beyond what the text shows.
    pub(super) how: How,
}

impl Hit {
    pub(super) fn new(
        span: (usize, usize),
        lines: (usize, usize),
        parsed: Parsed,
        kind: FindingKind,
        confidence: Confidence,
    ) -> Hit {
        Hit {
            span,
            lines,
            parsed,
            kind,
            confidence,
            how: How::default(),
        }
    }
}

/// What a rule knows about a hit that its text alone does not show; the notes and the
/// report's promotions come from it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct How {
    /// It shares its line with other text ([`Note::FusedWithText`]).
    pub(super) fused: bool,
    /// It could be a banner or a heading ([`Note::Ambiguous`]); never deciding unless
    /// promoted.
    pub(super) ambiguous: bool,
    /// An ambiguous hit that decides if it stands on the first or last line of the part,
    /// or repeats as a running header.
    pub(super) promotable: bool,
    /// Only its level could be read ([`Note::PartlyRead`]).
    pub(super) partly_read: bool,
    /// Written in square brackets ([`Note::Bracketed`]).
    pub(super) bracketed: bool,
    /// Written letter by letter (`S E C R E T`, [`Note::LetterSpaced`]).
    pub(super) letter_spaced: bool,
    /// An item of a bulleted list ([`Note::ListItem`]).
    pub(super) list_item: bool,
    /// A heading that the next line defines ([`Note::Heading`]).
    pub(super) heading: bool,
}

/// What stage 2 makes of a candidate.
pub(super) enum Outcome {
    Nothing,
    Found(Hit),
    /// A banner-position line that looks like a marking but does not parse. `floor` is the
    /// highest classification it names ([`Parser::floor`]): the line is also recorded as a
    /// finding at that level, so an unknown control never hides the level.
    Malformed {
        line: (usize, usize),
        reason: String,
        floor: Option<Parsed>,
    },
}

impl Engine {
    pub(crate) fn new(
        parser: Parser,
        prose: ProseFindings,
        window: usize,
    ) -> Result<Engine, String> {
        Ok(Engine {
            verifier: Verifier::new(parser, prose)?,
            window,
        })
    }

    /// Scans a whole slice (one window covering everything).
    pub(crate) fn scan_slice(&self, text: &[u8], role: PartRole, scratch: &mut Vec<u8>) -> Report {
        let mut st = Collector::new(role);
        let mut malformed_property = None;
        if role == PartRole::Property {
            match self.property(text, &mut st) {
                Ok(()) => return st.finish(),
                Err(m) => malformed_property = m,
            }
            st.role = PartRole::Body;
        }
        self.scan_window(text, 0, true, true, 0..text.len(), &mut st, scratch);
        if let Some(m) = malformed_property
            && !st.raws.iter().any(|r| r.finding.is_deciding())
        {
            st.malformed.push(m);
        }
        st.finish()
    }

    /// A property value: the whole trimmed value is the candidate. `Err` carries the
    /// malformed-marking record when it looks like a marking but does not parse.
    fn property(&self, text: &[u8], st: &mut Collector) -> Result<(), Option<Malformed>> {
        let (ts, te) = trim(text, 0, text.len());
        if ts == te || te - ts > 4 * MAX_BANNER {
            return Err(None);
        }
        let value = &text[ts..te];
        let folded;
        let readable: &[u8] = if value.is_ascii() {
            value
        } else {
            folded = Folded::new(value);
            &folded.bytes
        };
        match self.verifier.parse(&lossy(readable)) {
            Ok(parsed) => {
                let confidence = if is_caps(readable) {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
                let hit = Hit::new(
                    (ts, te),
                    (0, text.len()),
                    parsed,
                    FindingKind::Property,
                    confidence,
                );
                st.record(text, 0, hit);
                st.number_lines(text, 0);
                Ok(())
            }
            Err(reason) => {
                let shape = self.verifier.shape(readable);
                if is_caps(readable) && self.verifier.banner_like(&shape) {
                    let malformed = Malformed {
                        floor: self.verifier.parser.malformed_floor(&lossy(readable)),
                        line_start: ts,
                        line: 1 + count_newlines(&text[..ts]),
                        text: lossy(value).into_owned(),
                        reason,
                    };
                    let Some(floor) = self.verifier.floor(&lossy(readable)) else {
                        return Err(Some(malformed));
                    };
                    // The value names a level: it is at least that, and malformed.
                    let mut hit = Hit::new(
                        (ts, te),
                        (0, text.len()),
                        floor,
                        FindingKind::Property,
                        Confidence::Medium,
                    );
                    hit.how.partly_read = true;
                    st.record(text, 0, hit);
                    st.malformed.push(malformed);
                    st.number_lines(text, 0);
                    Ok(())
                } else {
                    Err(None)
                }
            }
        }
    }

    /// Stage 1 over `region` of a window: chunk by chunk, a lowercase copy and the anchor
    /// search, a `(` search for paragraph marks, and the folding path where a chunk holds
    /// non-ASCII bytes. Each candidate goes to stage 2.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn scan_window(
        &self,
        hay: &[u8],
        base: usize,
        at_start: bool,
        at_end: bool,
        region: Range<usize>,
        st: &mut Collector,
        scratch: &mut Vec<u8>,
    ) {
        let h = Hay {
            bytes: hay,
            at_start,
            at_end,
            starts_line: false,
            ends_line: false,
        };
        let part = &hay[region.clone()];
        if st.first_content.is_none()
            && let Some(k) = part.iter().position(|&b| !is_ws(b))
        {
            st.first_content = Some(base + region.start + k);
        }
        if let Some(k) = part.iter().rposition(|&b| !is_ws(b)) {
            st.last_content = Some(base + region.start + k);
        }
        let a = &self.verifier.prefilter;
        let mut c = region.start;
        while c < region.end {
            let end = (c + CHUNK).min(region.end);
            let ext = (end + MAX_PAT).min(hay.len());
            let start_line = st.line_at(hay, base, base + c);
            let folding = fold_case(&hay[c..end], &hay[end..ext], scratch);
            let ascii = folding.non_ascii == 0;
            for m in a.ac.find_iter(scratch.as_slice()) {
                let anchor = a.anchors[m.pattern().as_usize()];
                if c + m.start() >= end {
                    break;
                }
                if anchor.spaced {
                    st.candidates += 1;
                    self.verifier.check_spaced(&h, base, c + m.start(), st);
                    continue;
                }
                let Some(s) = a.start(hay, c + m.start(), anchor) else {
                    continue;
                };
                if st.last.0 <= base + s && base + s < st.last.1 {
                    continue;
                }
                let e = c + m.end();
                st.candidates += 1;
                // Non-ASCII nearby (`ТОР SECRET`, a disguised word on the line above): read
                // the lines folded.
                if !ascii && needs_fold(&hay[s.saturating_sub(80)..(e + 80).min(hay.len())]) {
                    self.verifier.check_folded(&h, base, s, e, anchor, st);
                    continue;
                }
                let fc = st.first_content.and_then(|f| f.checked_sub(base));
                let verdict = self.verifier.verify(&h, s, e, anchor, st.role, fc);
                st.take(hay, base, verdict);
            }
            // Paragraph marks: `(` is rare in prose, so a memchr pass costs less than seven
            // more patterns in the searcher.
            for k in memchr::memchr_iter(b'(', &hay[c..end]) {
                let s = c + k;
                if let Some(m) = a.marks.iter().find(|m| {
                    hay.get(s..s + m.len())
                        .is_some_and(|t| t.eq_ignore_ascii_case(m))
                }) {
                    st.candidates += 1;
                    let verdict = self.verifier.paragraph_mark(&h, s, s + m.len());
                    st.take(hay, base, verdict);
                }
            }
            if !ascii {
                self.verifier
                    .fold_chunk(&h, base, c..end, folding.non_ascii, st);
            }
            // The three passes above each run in order of position, but not with each
            // other: number the chunk's findings in one forward walk, then move the line
            // cursor past the chunk with the count from the fused pass.
            st.number_lines(hay, base);
            st.skip_to(base + end, start_line + folding.newlines);
            c = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_state(text: &str) -> Collector {
        let engine = Engine::new(Parser::new(), ProseFindings::Capitals, 1024).unwrap();
        let mut st = Collector::new(PartRole::Body);
        let mut scratch = Vec::new();
        let bytes = text.as_bytes();
        engine.scan_window(bytes, 0, true, true, 0..bytes.len(), &mut st, &mut scratch);
        st
    }

    #[test]
    fn text_without_candidates_reaches_no_verification_and_allocates_nothing() {
        // Near-misses share letters with the anchors but not the searched patterns; a `(`
        // that starts no paragraph mark is not a candidate either.
        let text = "The ministry kept (see below) its secrecy; sensible restrictions apply.\n"
            .repeat(2000);
        let st = scan_state(&text);
        assert_eq!(st.candidates, 0);
        assert_eq!(st.raws.capacity(), 0);
        assert_eq!(st.malformed.capacity(), 0);
        // Non-ASCII text that folds to nothing takes the folding path without a candidate.
        let st = scan_state(&"Ngā mihi nui ki a koutou, e te whānau.\n".repeat(2000));
        assert_eq!(st.candidates, 0);
        assert_eq!(st.raws.capacity(), 0);
    }

    #[test]
    fn prose_candidates_record_nothing() {
        let st = scan_state(&"It was a trade secret, told in confidence.\n".repeat(100));
        assert_eq!(st.candidates, 200);
        assert_eq!(st.raws.capacity(), 0);
    }

    #[test]
    fn findings_are_numbered_in_order_whichever_pass_found_them() {
        // The paragraph-mark pass runs after the anchor pass over the same chunk.
        let text = "SECRET\n(S) one\nbody\n(S) two\nSECRET\n";
        let st = scan_state(text);
        let lines: Vec<u64> = st.raws.iter().filter_map(|r| r.finding.line).collect();
        assert_eq!(lines, vec![1, 2, 4, 5]);
    }
}
