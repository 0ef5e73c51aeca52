//! Stage 2: deciding what a candidate is. A hit is a banner (a line of
//! its own, joined with a split word on the line above or below), a paragraph mark, a
//! marking statement, or prose. Cheap tests on the line's shape run first, so the grammar
//! only sees lines that could be a marking.

use super::context::{is_definition, is_label, same_case, unquote};
use super::engine::{
    Hay, Hit, JOIN_LINE, LEAD, LOOK_AHEAD_LINES, LOOK_BEHIND, MAX_BANNER, MAX_LINE, Outcome,
    STATEMENT, WALK,
};
use super::prefilter::{Anchor, Prefilter};
use super::text::{
    boundary_after, boundary_before, bullet_len, has_lower, has_upper, is_caps, is_ws, lossy,
    skip_separators_back, trim, words,
};
use super::{Confidence, FindingKind, PartRole, ProseFindings};
use crate::marking::vocab::{RELEASE_STAMP, RELEASE_STAMP_LEADS};
use crate::marking::{Marking, ParagraphMark, Parsed, Parser};

/// Stage 2: what each candidate from the prefilter is (a banner, a fused banner, a
/// statement, a paragraph mark, prose), by the rules of the [module docs](super). Holds
/// the parser, the prefilter's word lists and the prose policy; a test can drive it on one
/// line without the rest of the engine.
pub(super) struct Verifier {
    pub(super) parser: Parser,
    pub(super) prose: ProseFindings,
    pub(super) prefilter: Prefilter,
}

/// What a line is made of.
#[derive(Default, Debug)]
pub(super) struct Shape {
    words: u32,
    vocab: u32,
    /// Vocabulary words plus three-letter capitals (country codes).
    vocabish: u32,
    anchors: u32,
    dslash: bool,
}

impl Verifier {
    /// The verifier for `parser`'s vocabulary and agency configuration.
    pub(super) fn new(parser: Parser, prose: ProseFindings) -> Result<Verifier, String> {
        let prefilter = Prefilter::new(&parser)?;
        Ok(Verifier {
            parser,
            prose,
            prefilter,
        })
    }

    /// The floor reading of a marking that breaks after its classification
    /// ([`Parser::floor`]): its highest classification, with no endorsements (they could
    /// not be read).
    pub(super) fn floor(&self, text: &str) -> Option<Parsed> {
        // `[TOP SECRET//SI]`: the brackets are not part of the marking.
        let text = text.trim_end_matches('.').trim();
        let text = match text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            Some(inner) => inner,
            None => text,
        };
        self.parser.malformed_floor(text).map(|c| Parsed {
            marking: Marking::new(c),
            warnings: Vec::new(),
            foreign: None,
        })
    }

    /// Parses `text` leniently (a trailing full stop dropped). `Err` is the first error's
    /// message.
    pub(super) fn parse(&self, text: &str) -> Result<Parsed, String> {
        let text = text.trim_end_matches('.');
        self.parser.parse(text).map_err(|e| {
            // Every distinct error, so each unknown control is named (`SI`, `NOFORN`).
            let mut messages: Vec<&str> = Vec::new();
            for d in e.errors() {
                if !messages.contains(&d.message.as_str()) {
                    messages.push(&d.message);
                }
            }
            if messages.is_empty() {
                "not a marking".into()
            } else {
                messages.join("; ")
            }
        })
    }
    /// The verdict on anchor word `s..e`: banner, statement, prose or nothing. `fc` is the
    /// first non-blank byte of the part, when it lies in this hay.
    pub(super) fn verify(
        &self,
        h: &Hay,
        s: usize,
        e: usize,
        anchor: Anchor,
        role: PartRole,
        fc: Option<usize>,
    ) -> Outcome {
        let word = anchor.word;
        let bytes = h.bytes;
        if !boundary_before(bytes, s) || !boundary_after(bytes, e) {
            return Outcome::Nothing;
        }
        let ls = h.line_start(s);
        let le = h.line_end(e);
        // The first line of the part (release stamps above it do not count); on a page's
        // top or bottom lines, every line is where a banner goes.
        let first = role == PartRole::PageEdge
            || match (ls, le) {
                (Some(ls), Some(le)) => {
                    fc.is_some_and(|f| ls <= f && f < le.max(ls + 1))
                        || self.below_stamps(h, fc, ls)
                }
                _ => false,
            };
        if let (Some(ls), Some(le)) = (ls, le) {
            // `“SECRET”`: quotes around the whole line are not part of the marking.
            let (ts, te) = trim(bytes, ls, le);
            let (ts, te) = unquote(bytes, ts, te);
            if te - ts <= MAX_BANNER {
                let line = &bytes[ts..te];
                let header = role == PartRole::HeaderOrFooter;
                // A list item (`- IN CONFIDENCE`, `• Top Secret`), as guidance that lists
                // the levels writes them: reported, never deciding.
                if role != PartRole::HeaderOrFooter
                    && let Some(n) = bullet_len(line)
                {
                    let (is, ie) = trim(bytes, ts + n, te);
                    if is <= s
                        && let Ok(parsed) = self.parse(&lossy(&bytes[is..ie]))
                    {
                        if self.prose == ProseFindings::None {
                            return Outcome::Nothing;
                        }
                        let mut hit = Hit::new(
                            (is, ie),
                            (ls, le),
                            parsed,
                            FindingKind::Inline,
                            Confidence::Low,
                        );
                        hit.how.list_item = true;
                        return Outcome::Found(hit);
                    }
                }
                // Cheap tests first: a prose line has lower case and a word that is not
                // marking vocabulary, usually its first.
                let caps = !has_lower(&bytes[s..e]) && is_caps(line);
                let all_vocab = self.all_vocab(line);
                let banner_like = caps && self.banner_like(&self.shape(line));
                let starts =
                    caps && self.walk_back(bytes, s, ts.max(s.saturating_sub(WALK)), false) == ts;
                if header || first || all_vocab || banner_like || starts {
                    match self.banner(h, ls, le, ts, te) {
                        Ok(mut hit) => {
                            // `RESTRICTED` over `Use the RESTRICTED security classification
                            // when ...`: a heading that guidance on the levels goes on to
                            // define, not a banner.
                            let bare = hit.parsed.marking
                                == Marking::new(hit.parsed.marking.classification());
                            if !first
                                && !header
                                && bare
                                && hit.span.0 >= ls
                                && is_caps(&bytes[hit.span.0..hit.span.1])
                                && self.defined_below(h, hit.lines.1, word)
                            {
                                hit.kind = FindingKind::Inline;
                                hit.confidence = Confidence::Low;
                                hit.how.heading = true;
                            }
                            return Outcome::Found(hit);
                        }
                        Err(reason) => {
                            if header && let Some(hit) = self.header_inline(h, s, e, ls, le, word) {
                                return Outcome::Found(hit);
                            }
                            if banner_like {
                                // A banner fused with a reference or a title reads; what
                                // is left is malformed, and read at its floor.
                                if let Some(v) = self.fused(h, s, e, word, role, first) {
                                    return v;
                                }
                                // `... TOP` / `SECRET//SI`: the floor is TOP SECRET.
                                let floor_from = match (s == ts && ls > 0, ls.checked_sub(1)) {
                                    (true, Some(pe)) => h
                                        .line_start(pe)
                                        .map(|pls| self.phrase_start(bytes, s, pls, word, true))
                                        .filter(|&js| {
                                            js < ls && same_case(&bytes[js..ls], &bytes[s..e])
                                        })
                                        .unwrap_or(ts),
                                    _ => ts,
                                };
                                return Outcome::Malformed {
                                    line: (ts, te),
                                    reason,
                                    floor: self.floor(&lossy(&bytes[floor_from..te])),
                                };
                            }
                        }
                    }
                }
            }
        }
        if let Some(v) = self.fused(h, s, e, word, role, first) {
            return v;
        }
        if let Some(hit) = self.statement(h, s, e, word) {
            return Outcome::Found(hit);
        }
        self.inline(h, s, e, word)
    }

    pub(super) fn paragraph_mark(&self, h: &Hay, s: usize, e: usize) -> Outcome {
        let bytes = h.bytes;
        let Some(ls) = h.line_start(s) else {
            return Outcome::Nothing;
        };
        if !bytes[ls..s].iter().all(|&b| b == b' ' || b == b'\t') {
            return Outcome::Nothing;
        }
        let le = h
            .line_end(e)
            .unwrap_or_else(|| (e + MAX_LINE).min(bytes.len()));
        let line = lossy(&bytes[ls..le]);
        let Some((class, len)) = ParagraphMark::at_start(&line) else {
            return Outcome::Nothing;
        };
        if ls + len != e {
            return Outcome::Nothing;
        }
        // `(C) 2024 ...` is a copyright line, not a paragraph mark.
        if line[len..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
        {
            return Outcome::Nothing;
        }
        Outcome::Found(Hit::new(
            (s, e),
            (ls, le),
            Parsed {
                marking: Marking::new(class),
                warnings: Vec::new(),
                foreign: None,
            },
            FindingKind::ParagraphMark,
            Confidence::High,
        ))
    }

    /// The line `ts..te` as a banner, joined with a word-only line above or below when that
    /// completes it. `Err` is the parse error of the line on its own.
    fn banner(&self, h: &Hay, ls: usize, le: usize, ts: usize, te: usize) -> Result<Hit, String> {
        let bytes = h.bytes;
        let hit = |span: (usize, usize), lines: (usize, usize), parsed: Parsed| {
            let confidence = if is_caps(&bytes[span.0..span.1]) {
                Confidence::High
            } else {
                Confidence::Medium
            };
            Hit::new(span, lines, parsed, FindingKind::Banner, confidence)
        };
        // `... TOP` / `SECRET`: a phrase split after prose on the line above reads as the
        // higher marking it spells (the reading is the highest the words support).
        let split = |own: Option<&Parsed>| {
            let (js, p) = self.split_above(h, ls, ts, te, own)?;
            let jls = h.line_start(js).unwrap_or(js);
            Some(hit((js, te), (jls, le), p))
        };
        // Above: `TOP` / `SECRET`, `IN` / `CONFIDENCE`, `MEDICAL` / `IN-CONFIDENCE`.
        if let Some((pls, pts)) = self.word_line_above(h, ls)
            && let Ok(p) = self.parse(&lossy(&bytes[pts..te]))
        {
            return Ok(hit((pts, te), (pls, le), p));
        }
        let own = self.parse(&lossy(&bytes[ts..te]));
        match own {
            // `Confidential -- damage to national security.`: a definition of the level.
            Ok(_) if is_definition(&bytes[ts..te]) => Err("a definition, not a marking".into()),
            Ok(p) => {
                // Below, a `//` block continues the marking: `SECRET` / `//NZEO`.
                if let Some((nte, nle)) = self.word_line_below(h, le)
                    && bytes[le..nte].trim_ascii_start().starts_with(b"//")
                    && let Ok(p) = self.parse(&lossy(&bytes[ts..nte]))
                {
                    return Ok(hit((ts, nte), (ls, nle), p));
                }
                Ok(split(Some(&p)).unwrap_or_else(|| hit((ts, te), (ls, le), p)))
            }
            Err(reason) => {
                // Below: `SECRET` / `//NZEO`, `IN-CONFIDENCE -` / `STAFF`.
                if let Some((nte, nle)) = self.word_line_below(h, le)
                    && let Ok(p) = self.parse(&lossy(&bytes[ts..nte]))
                {
                    return Ok(hit((ts, nte), (ls, nle), p));
                }
                split(None).ok_or(reason)
            }
        }
    }

    /// Whether every line between the part's first non-blank byte `fc` and the line that
    /// starts at `ls` is blank or a release stamp ([`RELEASE_STAMP`]): the line at `ls` is
    /// then the first line of the page as its author wrote it.
    fn below_stamps(&self, h: &Hay, fc: Option<usize>, ls: usize) -> bool {
        let Some(f) = fc else {
            return false;
        };
        if f >= ls || ls - f > LOOK_BEHIND {
            return false;
        }
        let bytes = h.bytes;
        let start = h.line_start(f).unwrap_or(f);
        bytes[start..ls].split(|&b| b == b'\n').all(|line| {
            let line = line.trim_ascii();
            RELEASE_STAMP_LEADS.iter().any(|lead| {
                line.len() >= lead.len() && line[..lead.len()].eq_ignore_ascii_case(lead.as_bytes())
            }) || line
                .split(|&b| is_ws(b))
                .filter(|w| !w.is_empty())
                .all(is_stamp_word)
        })
    }

    /// Whether the next non-blank line after the line that ends at `le` (skipping at most
    /// two blank lines) is a sentence that uses anchor word `word` in capitals, as guidance
    /// writes the level it defines: the line at `le` is that definition's heading.
    fn defined_below(&self, h: &Hay, mut le: usize, word: usize) -> bool {
        let bytes = h.bytes;
        let w = self.prefilter.words[word].as_bytes();
        for _ in 0..LOOK_AHEAD_LINES {
            if le >= bytes.len() {
                return false;
            }
            let nls = le + 1;
            let Some(nle) = h.line_end(nls) else {
                return false;
            };
            let (ts, te) = trim(bytes, nls, nle);
            if ts == te {
                le = nle;
                continue;
            }
            let line = &bytes[ts..te];
            if !has_lower(line) {
                return false;
            }
            // A sentence (four words or more) that uses the word in capitals; one pass.
            let (mut n, mut uses) = (0, false);
            for x in words(line) {
                n += 1;
                uses = uses || (x.eq_ignore_ascii_case(w) && is_caps(x));
                if n >= 4 && uses {
                    return true;
                }
            }
            return false;
        }
        false
    }

    /// The line above `ls` when it is short and made only of vocabulary words without an
    /// anchor: (its start, its trimmed start).
    fn word_line_above(&self, h: &Hay, ls: usize) -> Option<(usize, usize)> {
        if ls == 0 {
            return None;
        }
        let pe = ls - 1;
        let pls = h.line_start(pe)?;
        let (pts, pte) = trim(h.bytes, pls, pe);
        self.is_word_line(&h.bytes[pts..pte]).then_some((pls, pts))
    }

    /// The line below `le` likewise: (its trimmed end, its end).
    fn word_line_below(&self, h: &Hay, le: usize) -> Option<(usize, usize)> {
        if le >= h.bytes.len() {
            return None;
        }
        let nls = le + 1;
        let nle = h.line_end(nls)?;
        let (nts, nte) = trim(h.bytes, nls, nle);
        self.is_word_line(&h.bytes[nts..nte]).then_some((nte, nle))
    }

    fn is_word_line(&self, line: &[u8]) -> bool {
        if line.is_empty() || line.len() > JOIN_LINE {
            return false;
        }
        let sh = self.shape(line);
        sh.words > 0 && sh.vocab == sh.words && sh.anchors == 0
    }

    /// A marking inside a header or footer line with other text (`Page 2  IN-CONFIDENCE`).
    fn header_inline(
        &self,
        h: &Hay,
        s: usize,
        e: usize,
        ls: usize,
        le: usize,
        word: usize,
    ) -> Option<Hit> {
        let bytes = h.bytes;
        if !has_upper(&bytes[s..e]) {
            return None;
        }
        let lo = ls.max(s.saturating_sub(WALK));
        let mut pe = e;
        if bytes[e..le].starts_with(b"//") {
            while pe < le && !is_ws(bytes[pe]) {
                pe += 1;
            }
        }
        let wide = self.walk_back(bytes, s, lo, false);
        let narrow = self.phrase_start(bytes, s, lo, word, false);
        for ps in [wide, narrow] {
            if let Ok(parsed) = self.parse(&lossy(&bytes[ps..pe])) {
                return Some(Hit::new(
                    (ps, pe),
                    (ls, le),
                    parsed,
                    FindingKind::Banner,
                    Confidence::Medium,
                ));
            }
        }
        None
    }

    /// `... classified as IN CONFIDENCE.`: a lead, then the marking to the end of the
    /// sentence, not in lower case.
    fn statement(&self, h: &Hay, s: usize, e: usize, word: usize) -> Option<Hit> {
        let bytes = h.bytes;
        if !has_upper(&bytes[s..e]) {
            return None;
        }
        let mut lo = s.saturating_sub(WALK + LEAD);
        if let Some(k) = memchr::memrchr(b'\n', &bytes[lo..s]) {
            lo += k + 1;
        }
        let wide = self.walk_back(bytes, s, lo.max(s.saturating_sub(WALK)), false);
        let lead_lo = wide.saturating_sub(LEAD).max(lo);
        if !is_label(&bytes[lead_lo..wide]) {
            return None;
        }
        let hi = (e + STATEMENT).min(bytes.len());
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate().take(hi).skip(e) {
            if b == b'\n' || b == b'\r' {
                end = Some(i);
                break;
            }
            if (b == b'.' || b == b';') && bytes.get(i + 1).is_none_or(|&n| is_ws(n)) {
                end = Some(i);
                break;
            }
        }
        let end = match end {
            Some(end) => end,
            None if hi == bytes.len() && (h.at_end || h.ends_line) => hi,
            None => return None,
        };
        let (ts, te) = trim(bytes, wide, end);
        if is_definition(&bytes[ts..te]) {
            return None;
        }
        let parsed = self.parse(&lossy(&bytes[ts..te])).ok().or_else(|| {
            let narrow = self.phrase_start(bytes, s, lo, word, false);
            let (ts2, te2) = trim(bytes, narrow, end);
            if ts2 == ts {
                return None;
            }
            self.parse(&lossy(&bytes[ts2..te2])).ok()
        })?;
        let ls = h.line_start(s).unwrap_or(lo);
        let le = h.line_end(e).unwrap_or(end);
        Some(Hit::new(
            (ts, te),
            (ls, le),
            parsed,
            FindingKind::Statement,
            Confidence::High,
        ))
    }

    /// Marking words in prose: reported (never deciding) under the prose policy.
    fn inline(&self, h: &Hay, s: usize, e: usize, word: usize) -> Outcome {
        let bytes = h.bytes;
        match self.prose {
            ProseFindings::None => return Outcome::Nothing,
            ProseFindings::Capitals if !is_caps(&bytes[s..e]) => return Outcome::Nothing,
            _ => {}
        }
        let lo = s.saturating_sub(WALK);
        let ps = self.phrase_start(bytes, s, lo, word, true);
        let Ok(parsed) = self.parse(&lossy(&bytes[ps..e])) else {
            return Outcome::Nothing;
        };
        let ls = h.line_start(ps).unwrap_or(ps);
        let le = h.line_end(e).unwrap_or(e);
        Outcome::Found(Hit::new(
            (ps, e),
            (ls, le),
            parsed,
            FindingKind::Inline,
            Confidence::Low,
        ))
    }

    /// Whether every word of `line` is a vocabulary word (exits at the first that is not).
    fn all_vocab(&self, line: &[u8]) -> bool {
        let mut any = false;
        for w in words(line) {
            if !self.prefilter.is_vocab(w) {
                return false;
            }
            any = true;
        }
        any
    }

    pub(super) fn shape(&self, line: &[u8]) -> Shape {
        let mut sh = Shape {
            // A one-byte search: a line is short, and a two-byte memmem search would build
            // its searcher for every line.
            dslash: memchr::memchr_iter(b'/', line).any(|i| line.get(i + 1) == Some(&b'/')),
            ..Shape::default()
        };
        for w in words(line) {
            sh.words += 1;
            if self.prefilter.is_vocab(w) {
                sh.vocab += 1;
                sh.vocabish += 1;
                if self.prefilter.is_anchor(w) {
                    sh.anchors += 1;
                }
            } else if w.len() == 3 && w.iter().all(u8::is_ascii_uppercase) {
                sh.vocabish += 1;
            }
        }
        sh
    }

    /// A capitals line that holds a classification and is mostly marking words, or has `//`.
    pub(super) fn banner_like(&self, sh: &Shape) -> bool {
        sh.anchors > 0 && (sh.dslash || sh.vocabish * 2 > sh.words)
    }

    /// Where the run of vocabulary words before `s` starts (same line unless `newline`).
    fn walk_back(&self, bytes: &[u8], s: usize, lo: usize, newline: bool) -> usize {
        let mut start = s;
        loop {
            let j = skip_separators_back(bytes, start, lo, newline);
            if j == start {
                break;
            }
            let mut k = j;
            while k > lo && (bytes[k - 1].is_ascii_alphanumeric() || bytes[k - 1] == b'&') {
                k -= 1;
            }
            if k == j || k == lo && lo > 0 && !is_ws(bytes[k - 1]) {
                break;
            }
            if !self.prefilter.is_vocab(&bytes[k..j]) {
                break;
            }
            start = k;
        }
        start
    }

    /// Where the longest phrase ending in anchor `word` at `s` starts (`TOP` before
    /// `SECRET`, `IN` before `CONFIDENCE`), or `s`.
    pub(super) fn phrase_start(
        &self,
        bytes: &[u8],
        s: usize,
        lo: usize,
        word: usize,
        newline: bool,
    ) -> usize {
        let mut best = s;
        'prefix: for pre in &self.prefilter.prefixes[word] {
            let mut at = s;
            for w in pre.iter().rev() {
                let j = skip_separators_back(bytes, at, lo, newline);
                if j == at || j < lo + w.len() {
                    continue 'prefix;
                }
                let k = j - w.len();
                if !bytes[k..j].eq_ignore_ascii_case(w.as_bytes()) || !boundary_before(bytes, k) {
                    continue 'prefix;
                }
                at = k;
            }
            best = best.min(at);
        }
        best
    }
}

/// A word of a release stamp ([`RELEASE_STAMP`], any case) or a withholding code
/// (`s9(2)(a)`, `6(a)`, `[23]`).
fn is_stamp_word(w: &[u8]) -> bool {
    let code = w.iter().any(u8::is_ascii_digit)
        && w.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'(' | b')' | b'[' | b']'));
    code || RELEASE_STAMP
        .iter()
        .any(|s| s.as_bytes().eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stage 2 alone: the verdict on the first anchor of a one-text hay.
    fn first_verdict(text: &str) -> Outcome {
        let v = Verifier::new(Parser::new(), ProseFindings::Capitals).unwrap();
        let bytes = text.as_bytes();
        let h = Hay {
            bytes,
            at_start: true,
            at_end: true,
            starts_line: true,
            ends_line: true,
        };
        let mut lower = bytes.to_vec();
        lower.make_ascii_lowercase();
        let m = v.prefilter.ac.find_iter(lower.as_slice()).next().unwrap();
        let anchor = v.prefilter.anchors[m.pattern().as_usize()];
        let s = v.prefilter.start(bytes, m.start(), anchor).unwrap();
        v.verify(&h, s, m.end(), anchor, PartRole::Body, Some(0))
    }

    #[test]
    fn the_verifier_reads_one_line_without_the_engine() {
        let Outcome::Found(hit) = first_verdict("IN CONFIDENCE Purpose 1. This note") else {
            panic!("no hit");
        };
        assert_eq!(hit.kind, FindingKind::Banner);
        assert!(hit.how.fused);
        assert_eq!(hit.parsed.marking.to_string(), "IN-CONFIDENCE");
        let Outcome::Found(hit) = first_verdict("She told me IN CONFIDENCE, honestly.") else {
            panic!("no hit");
        };
        assert_eq!(hit.kind, FindingKind::Inline);
        assert!(matches!(
            first_verdict("TOP SECRET//SI//NOFORN"),
            Outcome::Malformed { floor: Some(_), .. }
        ));
    }
}
