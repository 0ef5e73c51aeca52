//! The scanning engine: stage 1 (lowercase chunks + aho-corasick over anchor words), stage 2
//! (hand verification of each hit, the grammar only on candidate lines), the folding path
//! for non-ASCII chunks, the windowed reader, and the report.
//!
//! Positions inside a window (`Hay`) are hay indices; everything stored in `State` is an
//! absolute offset in the scanned input. Every look-around is bounded (`MAX_LINE`, `WALK`,
//! `LEAD`, `STATEMENT`), so a window with `CONTEXT` bytes on each side of its region gives
//! exactly the verdicts a whole slice gives: that is what makes the reader path equal to
//! the slice path.

use super::normalise::{Folded, evasion_notes};
use super::{Confidence, Finding, FindingKind, Note, PartRole, ProseFindings, Span, TextReport};
use crate::marking::vocab::{Keyword, PHRASES};
use crate::marking::{Classification, DiagnosticCode, Marking, ParagraphMark, Parsed, Parser};
use crate::problem::{Problem, ProblemCode};
use aho_corasick::{AhoCorasick, MatchKind};
use std::borrow::Cow;
use std::io::{self, Read};
use std::ops::Range;

/// Bytes lowercased and searched at a time.
const CHUNK: usize = 64 * 1024;
/// Longer than any anchor pattern.
const MAX_PAT: usize = 16;
/// A line longer than this is "long": never a banner, never joined.
const MAX_LINE: usize = 1024;
/// The longest trimmed line tried as a banner.
const MAX_BANNER: usize = 256;
/// The longest line joined to a banner (`TOP` over `SECRET`).
const JOIN_LINE: usize = 64;
/// How far back the words of a marking are followed from its anchor.
const WALK: usize = 64;
/// How far back a statement's lead is read.
const LEAD: usize = 48;
/// How far forward a statement's sentence may run.
const STATEMENT: usize = 160;
/// How far a folding region extends either side of a non-ASCII byte.
const REGION: usize = 256;
/// Context a reader window keeps on each side of its region. Covers two lines of
/// `MAX_LINE` either way, which bounds every look-around above.
pub(crate) const CONTEXT: usize = 4 * 1024;

#[derive(Clone, Copy, Debug)]
enum Anchor {
    /// A classification word: the index into `Engine::words`, and how many of its letters
    /// come before the searched pattern (see `fingerprint_start`).
    Word(usize, usize),
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

pub(crate) struct Engine {
    pub(crate) parser: Parser,
    pub(crate) prose: ProseFindings,
    pub(crate) window: usize,
    ac: AhoCorasick,
    anchors: Vec<Anchor>,
    /// The anchor words, lower case.
    words: Vec<String>,
    /// Every vocabulary word, by length.
    vocab: ByLen,
    /// The anchor words, by length.
    anchor_words: ByLen,
    /// Per anchor word: the word sequences that precede it in a phrase (`TOP` for `SECRET`).
    prefixes: Vec<Vec<&'static [&'static str]>>,
    /// The paragraph marks, `(U)` to `(TS)`.
    marks: Vec<&'static [u8]>,
}

/// A window of the input.
struct Hay<'a> {
    bytes: &'a [u8],
    /// `bytes[0]` is the start of the input.
    at_start: bool,
    /// `bytes` ends where the input ends.
    at_end: bool,
    /// `bytes[0]` starts a line (a folded window cut at a line start).
    starts_line: bool,
    /// `bytes` ends at a line end.
    ends_line: bool,
}

/// A verified hit, in hay indices.
struct Hit {
    span: (usize, usize),
    /// Start of its first line, end of its last line.
    lines: (usize, usize),
    parsed: Parsed,
    kind: FindingKind,
    confidence: Confidence,
}

enum Verdict {
    Nothing,
    Found(Hit),
    /// A banner-position line that looks like a marking but does not parse.
    Malformed {
        line: (usize, usize),
        reason: String,
    },
}

struct Raw {
    finding: Finding,
    lines: (usize, usize),
    foreign: bool,
}

struct Malformed {
    line_start: usize,
    line: u64,
    text: String,
    reason: String,
}

pub(crate) struct State {
    role: PartRole,
    raws: Vec<Raw>,
    malformed: Vec<Malformed>,
    /// The span of the last finding: hits inside it are part of it.
    last: (usize, usize),
    first_content: Option<usize>,
    last_content: Option<usize>,
    /// An absolute offset and its 1-based line number.
    cursor: (usize, u64),
}

impl State {
    fn new(role: PartRole) -> State {
        State {
            role,
            raws: Vec::new(),
            malformed: Vec::new(),
            last: (0, 0),
            first_content: None,
            last_content: None,
            cursor: (0, 1),
        }
    }

    /// The line number of absolute offset `abs`, which lies in `hay` (based at `base`).
    fn line_of(&mut self, hay: &[u8], base: usize, abs: usize) -> u64 {
        let (at, line) = self.cursor;
        if abs >= at {
            let n = count_newlines(&hay[at - base..abs - base]);
            self.cursor = (abs, line + n);
            line + n
        } else {
            line - count_newlines(&hay[abs - base..at - base])
        }
    }

    /// Moves the cursor to `to` before the hay is dropped up to it.
    fn advance(&mut self, hay: &[u8], base: usize, to: usize) {
        if self.cursor.0 < to {
            self.line_of(hay, base, to);
        }
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
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

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Length of the UTF-8 sequence led by `b` (1 for anything unexpected).
fn utf8_len(b: u8) -> usize {
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

fn boundary_before(bytes: &[u8], i: usize) -> bool {
    !char_before(bytes, i).is_some_and(is_word)
}

fn boundary_after(bytes: &[u8], i: usize) -> bool {
    !char_after(bytes, i).is_some_and(is_word)
}

/// `a..b` without surrounding whitespace or NBSP.
fn trim(bytes: &[u8], mut a: usize, mut b: usize) -> (usize, usize) {
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

fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

fn has_upper(bytes: &[u8]) -> bool {
    bytes.iter().any(u8::is_ascii_uppercase)
}

fn has_lower(bytes: &[u8]) -> bool {
    bytes.iter().any(u8::is_ascii_lowercase)
}

/// Capitals: some upper-case ASCII letter and no lower-case one.
fn is_caps(bytes: &[u8]) -> bool {
    has_upper(bytes) && !has_lower(bytes)
}

impl Hay<'_> {
    /// Start of the line holding `pos`, or `None` for a long line.
    fn line_start(&self, pos: usize) -> Option<usize> {
        let lo = pos.saturating_sub(MAX_LINE);
        match memchr::memrchr(b'\n', &self.bytes[lo..pos]) {
            Some(k) => Some(lo + k + 1),
            None if lo == 0 && (self.at_start || self.starts_line) => Some(0),
            None => None,
        }
    }

    /// End of the line holding `pos` (the `\n` or the end), or `None` for a long line.
    fn line_end(&self, pos: usize) -> Option<usize> {
        let hi = (pos + MAX_LINE).min(self.bytes.len());
        match memchr::memchr(b'\n', &self.bytes[pos..hi]) {
            Some(k) => Some(pos + k),
            None if hi == self.bytes.len() && (self.at_end || self.ends_line) => Some(hi),
            None => None,
        }
    }
}

/// What a line is made of.
#[derive(Default, Debug)]
struct Shape {
    words: u32,
    vocab: u32,
    /// Vocabulary words plus three-letter capitals (country codes).
    vocabish: u32,
    anchors: u32,
    dslash: bool,
}

impl Engine {
    pub(crate) fn new(
        parser: Parser,
        prose: ProseFindings,
        window: usize,
    ) -> Result<Engine, String> {
        // Anchor words: the last word of every classification phrase, NZ and foreign
        // (crates.md §4: the distinctive word), from the one vocabulary table. A foreign
        // level that the parser maps to UNCLASSIFIED (AU/UK `OFFICIAL`) cannot raise a
        // text's classification, and is too common a word to search for.
        let mut anchor_words: Vec<&'static str> = Vec::new();
        for p in PHRASES {
            let searched = match p.keyword {
                Keyword::Class(_) => true,
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
        let mut patterns: Vec<String> = Vec::new();
        let mut anchors: Vec<Anchor> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let k = fingerprint_start(w);
            patterns.push(w[k..].to_string());
            anchors.push(Anchor::Word(i, k));
        }
        debug_assert!(patterns.iter().all(|p| p.len() < MAX_PAT));
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        let vocab = ByLen::new(PHRASES.iter().flat_map(|p| p.words.iter().copied()));
        Ok(Engine {
            parser,
            prose,
            window,
            ac,
            anchors,
            words,
            vocab,
            anchor_words: ByLen::new(anchor_words.iter().copied()),
            prefixes,
            marks: Classification::ALL
                .iter()
                .map(|c| c.paragraph_mark().as_bytes())
                .collect(),
        })
    }

    // -----------------------------------------------------------------------------------
    // Entry points

    pub(crate) fn scan_slice(
        &self,
        text: &[u8],
        role: PartRole,
        scratch: &mut Vec<u8>,
    ) -> TextReport {
        let mut st = State::new(role);
        let mut malformed_property = None;
        if role == PartRole::Property {
            match self.property(text, &mut st) {
                Ok(()) => return self.finish(st, text.len()),
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
        self.finish(st, text.len())
    }

    pub(crate) fn scan_reader(
        &self,
        reader: &mut dyn Read,
        role: PartRole,
        scratch: &mut Vec<u8>,
    ) -> io::Result<TextReport> {
        let target = self.window + 2 * CONTEXT;
        let mut buf = vec![0u8; target];
        let mut filled = 0usize;
        let mut base = 0usize;
        let mut region_start = 0usize;
        let mut eof = false;
        let mut st = State::new(role);
        loop {
            while !eof && filled < target {
                match reader.read(&mut buf[filled..target]) {
                    Ok(0) => eof = true,
                    Ok(n) => filled += n.min(target - filled),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            let region_end = if eof { filled } else { filled - CONTEXT };
            if region_end > region_start {
                self.scan_window(
                    &buf[..filled],
                    base,
                    base == 0,
                    eof,
                    region_start..region_end,
                    &mut st,
                    scratch,
                );
            }
            if eof {
                break;
            }
            let keep_from = region_end - CONTEXT;
            st.advance(&buf[..filled], base, base + keep_from);
            buf.copy_within(keep_from..filled, 0);
            filled -= keep_from;
            base += keep_from;
            region_start = region_end - keep_from;
        }
        Ok(self.finish(st, base + filled))
    }

    /// A property value: the whole trimmed value is the candidate. `Err` carries the
    /// malformed-marking record when it looks like a marking but does not parse.
    fn property(&self, text: &[u8], st: &mut State) -> Result<(), Option<Malformed>> {
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
        match self.parse(&lossy(readable)) {
            Ok(parsed) => {
                let confidence = if is_caps(readable) {
                    Confidence::High
                } else {
                    Confidence::Medium
                };
                let hit = Hit {
                    span: (ts, te),
                    lines: (0, text.len()),
                    parsed,
                    kind: FindingKind::Property,
                    confidence,
                };
                self.record(text, 0, hit, st);
                Ok(())
            }
            Err(reason) => {
                let shape = self.shape(readable);
                if is_caps(readable) && self.banner_like(&shape) {
                    Err(Some(Malformed {
                        line_start: ts,
                        line: 1 + count_newlines(&text[..ts]),
                        text: lossy(value).into_owned(),
                        reason,
                    }))
                } else {
                    Err(None)
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Stage 1

    #[allow(clippy::too_many_arguments)]
    fn scan_window(
        &self,
        hay: &[u8],
        base: usize,
        at_start: bool,
        at_end: bool,
        region: Range<usize>,
        st: &mut State,
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
        let mut c = region.start;
        while c < region.end {
            let end = (c + CHUNK).min(region.end);
            let ext = (end + MAX_PAT).min(hay.len());
            scratch.clear();
            scratch.extend(hay[c..ext].iter().map(u8::to_ascii_lowercase));
            let ascii = hay[c..end].is_ascii();
            for m in self.ac.find_iter(scratch.as_slice()) {
                let anchor = self.anchors[m.pattern().as_usize()];
                let Some(s) = self.anchor_start(hay, c + m.start(), anchor) else {
                    continue;
                };
                if c + m.start() >= end {
                    break;
                }
                if st.last.0 <= base + s && base + s < st.last.1 {
                    continue;
                }
                let e = c + m.end();
                // Non-ASCII nearby (`ТОР SECRET`, a disguised word on the line above): read
                // the lines folded.
                if !ascii && needs_fold(&hay[s.saturating_sub(80)..(e + 80).min(hay.len())]) {
                    self.check_folded(&h, base, s, e, anchor, st);
                    continue;
                }
                let fc = st.first_content.and_then(|f| f.checked_sub(base));
                let verdict = self.verify(&h, s, e, anchor, st.role, fc);
                self.take(hay, base, verdict, st);
            }
            // Paragraph marks: `(` is rare in prose, so a memchr pass costs less than seven
            // more patterns in the searcher.
            for k in memchr::memchr_iter(b'(', &hay[c..end]) {
                let s = c + k;
                if let Some(m) = self.marks.iter().find(|m| {
                    hay.get(s..s + m.len())
                        .is_some_and(|t| t.eq_ignore_ascii_case(m))
                }) {
                    let verdict = self.paragraph_mark(&h, s, s + m.len());
                    self.take(hay, base, verdict, st);
                }
            }
            if !ascii {
                self.fold_chunk(&h, base, c..end, st);
            }
            c = end;
        }
    }

    /// Records a verdict found in `hay` (based at `base`).
    fn take(&self, hay: &[u8], base: usize, verdict: Verdict, st: &mut State) {
        match verdict {
            Verdict::Nothing => {}
            Verdict::Found(hit) => self.record(hay, base, hit, st),
            Verdict::Malformed { line, reason } => {
                let n = st.line_of(hay, base, base + line.0);
                st.malformed.push(Malformed {
                    line_start: base + line.0,
                    line: n,
                    text: lossy(&hay[line.0..line.1]).into_owned(),
                    reason,
                });
            }
        }
    }

    fn record(&self, hay: &[u8], base: usize, hit: Hit, st: &mut State) {
        let (s, e) = hit.span;
        let written = &hay[s..e];
        let mut notes = Vec::new();
        if hit.kind != FindingKind::ParagraphMark
            && hit
                .parsed
                .warnings
                .iter()
                .any(|w| w.code == DiagnosticCode::NonCanonicalForm)
        {
            notes.push(Note::NonCanonical);
        }
        if memchr::memchr(b'\n', written).is_some() {
            notes.push(Note::SplitAcrossLines);
        }
        let foreign = hit.parsed.foreign.is_some();
        if foreign {
            notes.push(Note::Foreign);
        }
        if !written.is_ascii() {
            notes.extend(evasion_notes(written));
        }
        let line = st.line_of(hay, base, base + s);
        st.last = (base + s, base + e);
        st.raws.push(Raw {
            finding: Finding {
                span: Span {
                    start: base + s,
                    end: base + e,
                },
                line,
                text: lossy(written).into_owned(),
                marking: hit.parsed.marking,
                kind: hit.kind,
                confidence: hit.confidence,
                notes,
            },
            lines: (base + hit.lines.0, base + hit.lines.1),
            foreign,
        });
    }

    // -----------------------------------------------------------------------------------
    // The folding path (non-ASCII chunks only)

    fn fold_chunk(&self, h: &Hay, base: usize, chunk: Range<usize>, st: &mut State) {
        let hay = h.bytes;
        let mut i = chunk.start;
        while i < chunk.end {
            let Some(p) = next_non_ascii(hay, i, chunk.end) else {
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
            for m in self.ac.find_iter(lower.as_slice()) {
                let anchor = self.anchors[m.pattern().as_usize()];
                let Some(fs) = self.anchor_start(&lower, m.start(), anchor) else {
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
    fn check_folded(
        &self,
        h: &Hay,
        base: usize,
        os: usize,
        oe: usize,
        anchor: Anchor,
        st: &mut State,
    ) {
        let hay = h.bytes;
        // Fold from the start of the line above to the end of the line below.
        let above = h.line_start(os).and_then(|ls| {
            if ls == 0 {
                Some(0)
            } else {
                h.line_start(ls - 1)
            }
        });
        let below = h.line_end(oe).and_then(|le| {
            if le >= hay.len() {
                Some(le)
            } else {
                h.line_end(le + 1)
            }
        });
        let lo = above.unwrap_or_else(|| os.saturating_sub(2 * MAX_LINE + 2));
        let hi = below.unwrap_or_else(|| (oe + 2 * MAX_LINE + 2).min(hay.len()));
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
            Verdict::Nothing => Verdict::Nothing,
            Verdict::Found(mut hit) => {
                hit.span = (to_orig_start(hit.span.0), to_orig_end(hit.span.1));
                hit.lines = (to_orig_start(hit.lines.0), to_orig_end(hit.lines.1));
                Verdict::Found(hit)
            }
            Verdict::Malformed { line, reason } => Verdict::Malformed {
                line: (to_orig_start(line.0), to_orig_end(line.1)),
                reason,
            },
        };
        self.take(hay, base, verdict, st);
    }

    /// Where the anchor word of a pattern match at `at` starts: the letters before the
    /// searched part must be there (any case).
    fn anchor_start(&self, bytes: &[u8], at: usize, anchor: Anchor) -> Option<usize> {
        match anchor {
            Anchor::Word(_, 0) => Some(at),
            Anchor::Word(w, k) => {
                let s = at.checked_sub(k)?;
                bytes[s..at]
                    .eq_ignore_ascii_case(&self.words[w].as_bytes()[..k])
                    .then_some(s)
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Stage 2: verification

    fn verify(
        &self,
        h: &Hay,
        s: usize,
        e: usize,
        anchor: Anchor,
        role: PartRole,
        fc: Option<usize>,
    ) -> Verdict {
        let Anchor::Word(word, _) = anchor;
        let bytes = h.bytes;
        if !boundary_before(bytes, s) || !boundary_after(bytes, e) {
            return Verdict::Nothing;
        }
        let ls = h.line_start(s);
        let le = h.line_end(e);
        if let (Some(ls), Some(le)) = (ls, le) {
            let (ts, te) = trim(bytes, ls, le);
            if te - ts <= MAX_BANNER {
                let line = &bytes[ts..te];
                let first = fc.is_some_and(|f| ls <= f && f < le.max(ls + 1));
                let header = role == PartRole::HeaderOrFooter;
                // Cheap tests first: a prose line has lower case and a word that is not
                // marking vocabulary, usually its first.
                let caps = !has_lower(&bytes[s..e]) && is_caps(line);
                let all_vocab = self.all_vocab(line);
                let banner_like = caps && self.banner_like(&self.shape(line));
                let starts =
                    caps && self.walk_back(bytes, s, ts.max(s.saturating_sub(WALK)), false) == ts;
                if header || first || all_vocab || banner_like || starts {
                    match self.banner(h, ls, le, ts, te, role) {
                        Ok(hit) => return Verdict::Found(hit),
                        Err(reason) => {
                            if header && let Some(hit) = self.header_inline(h, s, e, ls, le, word) {
                                return Verdict::Found(hit);
                            }
                            if banner_like {
                                return Verdict::Malformed {
                                    line: (ts, te),
                                    reason,
                                };
                            }
                        }
                    }
                }
            }
        }
        if let Some(hit) = self.statement(h, s, e, word) {
            return Verdict::Found(hit);
        }
        self.inline(h, s, e, word)
    }

    fn paragraph_mark(&self, h: &Hay, s: usize, e: usize) -> Verdict {
        let bytes = h.bytes;
        let Some(ls) = h.line_start(s) else {
            return Verdict::Nothing;
        };
        if !bytes[ls..s].iter().all(|&b| b == b' ' || b == b'\t') {
            return Verdict::Nothing;
        }
        let le = h
            .line_end(e)
            .unwrap_or_else(|| (e + MAX_LINE).min(bytes.len()));
        let line = lossy(&bytes[ls..le]);
        let Some((class, len)) = ParagraphMark::at_start(&line) else {
            return Verdict::Nothing;
        };
        if ls + len != e {
            return Verdict::Nothing;
        }
        // `(C) 2024 ...` is a copyright line, not a paragraph mark.
        if line[len..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit())
        {
            return Verdict::Nothing;
        }
        Verdict::Found(Hit {
            span: (s, e),
            lines: (ls, le),
            parsed: Parsed {
                marking: Marking::new(class),
                warnings: Vec::new(),
                foreign: None,
            },
            kind: FindingKind::ParagraphMark,
            confidence: Confidence::High,
        })
    }

    /// The line `ts..te` as a banner, joined with a word-only line above or below when that
    /// completes it. `Err` is the parse error of the line on its own.
    fn banner(
        &self,
        h: &Hay,
        ls: usize,
        le: usize,
        ts: usize,
        te: usize,
        role: PartRole,
    ) -> Result<Hit, String> {
        let bytes = h.bytes;
        let _ = role;
        let kind = FindingKind::Banner;
        let hit = |span: (usize, usize), lines: (usize, usize), parsed: Parsed| Hit {
            span,
            lines,
            confidence: if is_caps(&bytes[span.0..span.1]) {
                Confidence::High
            } else {
                Confidence::Medium
            },
            parsed,
            kind,
        };
        // Above: `TOP` / `SECRET`, `IN` / `CONFIDENCE`, `MEDICAL` / `IN-CONFIDENCE`.
        if let Some((pls, pts)) = self.word_line_above(h, ls)
            && let Ok(p) = self.parse(&lossy(&bytes[pts..te]))
        {
            return Ok(hit((pts, te), (pls, le), p));
        }
        let own = self.parse(&lossy(&bytes[ts..te]));
        match own {
            Ok(p) => {
                // Below, a `//` block continues the marking: `SECRET` / `//NZEO`.
                if let Some((nte, nle)) = self.word_line_below(h, le)
                    && bytes[le..nte].trim_ascii_start().starts_with(b"//")
                    && let Ok(p) = self.parse(&lossy(&bytes[ts..nte]))
                {
                    return Ok(hit((ts, nte), (ls, nle), p));
                }
                Ok(hit((ts, te), (ls, le), p))
            }
            Err(reason) => {
                // Below: `SECRET` / `//NZEO`, `IN-CONFIDENCE -` / `STAFF`.
                if let Some((nte, nle)) = self.word_line_below(h, le)
                    && let Ok(p) = self.parse(&lossy(&bytes[ts..nte]))
                {
                    return Ok(hit((ts, nte), (ls, nle), p));
                }
                Err(reason)
            }
        }
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
                return Some(Hit {
                    span: (ps, pe),
                    lines: (ls, le),
                    parsed,
                    kind: FindingKind::Banner,
                    confidence: Confidence::Medium,
                });
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
        if !is_lead(&bytes[lead_lo..wide]) {
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
        Some(Hit {
            span: (ts, te),
            lines: (ls, le),
            parsed,
            kind: FindingKind::Statement,
            confidence: Confidence::High,
        })
    }

    /// Marking words in prose: reported (never deciding) under the prose policy.
    fn inline(&self, h: &Hay, s: usize, e: usize, word: usize) -> Verdict {
        let bytes = h.bytes;
        match self.prose {
            ProseFindings::None => return Verdict::Nothing,
            ProseFindings::Capitals if !is_caps(&bytes[s..e]) => return Verdict::Nothing,
            _ => {}
        }
        let lo = s.saturating_sub(WALK);
        let ps = self.phrase_start(bytes, s, lo, word, true);
        let Ok(parsed) = self.parse(&lossy(&bytes[ps..e])) else {
            return Verdict::Nothing;
        };
        let ls = h.line_start(ps).unwrap_or(ps);
        let le = h.line_end(e).unwrap_or(e);
        Verdict::Found(Hit {
            span: (ps, e),
            lines: (ls, le),
            parsed,
            kind: FindingKind::Inline,
            confidence: Confidence::Low,
        })
    }

    // -----------------------------------------------------------------------------------
    // Words

    fn parse(&self, text: &str) -> Result<Parsed, String> {
        let text = text.trim_end_matches('.');
        self.parser.parse(text).map_err(|e| {
            e.errors()
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_else(|| "not a marking".into())
        })
    }

    fn is_vocab(&self, word: &[u8]) -> bool {
        lookup(&self.vocab, word)
    }

    /// Whether every word of `line` is a vocabulary word (exits at the first that is not).
    fn all_vocab(&self, line: &[u8]) -> bool {
        let mut any = false;
        for w in words(line) {
            if !self.is_vocab(w) {
                return false;
            }
            any = true;
        }
        any
    }

    fn shape(&self, line: &[u8]) -> Shape {
        let mut sh = Shape {
            dslash: memchr::memmem::find(line, b"//").is_some(),
            ..Shape::default()
        };
        for w in words(line) {
            sh.words += 1;
            if self.is_vocab(w) {
                sh.vocab += 1;
                sh.vocabish += 1;
                if lookup(&self.anchor_words, w) {
                    sh.anchors += 1;
                }
            } else if w.len() == 3 && w.iter().all(u8::is_ascii_uppercase) {
                sh.vocabish += 1;
            }
        }
        sh
    }

    /// A capitals line that holds a classification and is mostly marking words, or has `//`.
    fn banner_like(&self, sh: &Shape) -> bool {
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
            if !self.is_vocab(&bytes[k..j]) {
                break;
            }
            start = k;
        }
        start
    }

    /// Where the longest phrase ending in anchor `word` at `s` starts (`TOP` before
    /// `SECRET`, `IN` before `CONFIDENCE`), or `s`.
    fn phrase_start(&self, bytes: &[u8], s: usize, lo: usize, word: usize, newline: bool) -> usize {
        let mut best = s;
        'prefix: for pre in &self.prefixes[word] {
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

    // -----------------------------------------------------------------------------------
    // The report

    fn finish(&self, mut st: State, bytes: usize) -> TextReport {
        st.raws
            .sort_by_key(|r| (r.finding.span.start, std::cmp::Reverse(r.finding.span.end)));
        let mut raws: Vec<Raw> = Vec::with_capacity(st.raws.len());
        for r in st.raws {
            match raws.last_mut() {
                Some(prev) if r.finding.span.start < prev.finding.span.end => {
                    if r.finding.is_deciding() && !prev.finding.is_deciding() {
                        *prev = r;
                    }
                }
                _ => raws.push(r),
            }
        }
        if st.role == PartRole::Body {
            for r in &mut raws {
                if r.finding.kind != FindingKind::Banner {
                    continue;
                }
                let (a, b) = r.lines;
                let inside = |x: Option<usize>| x.is_some_and(|x| a <= x && x < b.max(a + 1));
                match (inside(st.first_content), inside(st.last_content)) {
                    (true, false) => r.finding.kind = FindingKind::FirstLine,
                    (false, true) => r.finding.kind = FindingKind::LastLine,
                    _ => {}
                }
            }
        }
        let mut problems = Vec::new();
        let decides: Vec<&Raw> = raws.iter().filter(|r| r.finding.is_deciding()).collect();
        let marking = Marking::join_all(decides.iter().map(|r| &r.finding.marking));
        if decides.is_empty() {
            problems.push(Problem::new(
                ProblemCode::Unmarked,
                "text",
                "no protective marking found; mark the text at its top and bottom (PSR-HB p.13), or UNCLASSIFIED if it is",
            ));
        }
        let banners: Vec<&Raw> = decides
            .iter()
            .copied()
            .filter(|r| {
                matches!(
                    r.finding.kind,
                    FindingKind::Banner
                        | FindingKind::FirstLine
                        | FindingKind::LastLine
                        | FindingKind::Property
                )
            })
            .collect();
        if let Some(top) = banners.first() {
            let mut seen: Vec<&Marking> = vec![&top.finding.marking];
            for b in &banners[1..] {
                if !seen.contains(&&b.finding.marking) {
                    seen.push(&b.finding.marking);
                    problems.push(Problem::new(
                        ProblemCode::BannersDisagree,
                        format!("line {}", b.finding.line),
                        format!(
                            "the banner `{}` on line {} disagrees with `{}` on line {}; mark the top and bottom alike with the highest marking",
                            b.finding.marking, b.finding.line, top.finding.marking, top.finding.line
                        ),
                    ));
                }
            }
            let declared = Marking::join_all(banners.iter().map(|r| &r.finding.marking));
            if let Some(declared) = declared {
                for r in decides.iter().filter(|r| {
                    matches!(
                        r.finding.kind,
                        FindingKind::ParagraphMark | FindingKind::Statement
                    )
                }) {
                    if !declared.dominates(&r.finding.marking) {
                        problems.push(Problem::new(
                            ProblemCode::UnderMarked,
                            format!("line {}", r.finding.line),
                            format!(
                                "`{}` on line {} is above the banner `{}`; mark the text at least `{}`",
                                r.finding.text.trim(),
                                r.finding.line,
                                declared,
                                declared.join(&r.finding.marking)
                            ),
                        ));
                    }
                }
            }
        }
        let mut noted: Vec<&str> = Vec::new();
        for r in &decides {
            let f = &r.finding;
            if f.notes.contains(&Note::NonCanonical) && !noted.contains(&f.text.as_str()) {
                noted.push(&f.text);
                problems.push(Problem::new(
                    ProblemCode::NonCanonical,
                    format!("line {}", f.line),
                    format!(
                        "`{}` is readable but not canonical; write `{}`",
                        f.text.escape_debug(),
                        f.marking
                    ),
                ));
            }
            if r.foreign {
                problems.push(Problem::new(
                    ProblemCode::ForeignMarking,
                    format!("line {}", f.line),
                    format!(
                        "`{}` is a foreign government marking, handled as `{}` under the agency's mapping",
                        f.text.escape_debug(),
                        f.marking
                    ),
                ));
            }
        }
        for r in &raws {
            let f = &r.finding;
            if f.is_evasion() {
                let how: Vec<&str> = f
                    .notes
                    .iter()
                    .filter(|n| n.is_evasion())
                    .map(|n| n.as_str())
                    .collect();
                problems.push(Problem::new(
                    ProblemCode::EvasionSuspected,
                    format!("line {}", f.line),
                    format!(
                        "`{}` reads as `{}` but is disguised ({}); rewrite it in plain capitals and check why it was disguised",
                        f.text.escape_debug(),
                        f.marking,
                        how.join(", ")
                    ),
                ));
            }
        }
        st.malformed.sort_by_key(|m| m.line_start);
        st.malformed.dedup_by_key(|m| m.line_start);
        for m in &st.malformed {
            if raws.iter().any(|r| {
                r.finding.is_deciding()
                    && r.lines.0 <= m.line_start
                    && m.line_start < r.lines.1.max(r.lines.0 + 1)
            }) {
                continue;
            }
            problems.push(Problem::new(
                ProblemCode::MalformedMarking,
                format!("line {}", m.line),
                format!(
                    "`{}` stands where a marking goes but is not a valid marking: {}",
                    m.text.escape_debug(),
                    m.reason
                ),
            ));
        }
        TextReport {
            findings: raws.into_iter().map(|r| r.finding).collect(),
            marking,
            problems,
            bytes: bytes as u64,
        }
    }
}

/// Words of a line: runs of letters, digits, `&`, `'`, `_` and non-ASCII bytes (NBSP
/// separates), without trailing dots.
fn words(line: &[u8]) -> impl Iterator<Item = &[u8]> {
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

/// Whether `bytes` hold a character that folds: invisible, full-width, look-alike, or a
/// Unicode space other than NBSP (which the ASCII path reads as a separator).
fn needs_fold(bytes: &[u8]) -> bool {
    use super::normalise::{Fold, fold};
    if bytes.is_ascii() {
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

/// The first non-ASCII byte in `bytes[from..to]`: blocks are tested with the vectorised
/// `is_ascii`, bytes only inside a block that fails.
fn next_non_ascii(bytes: &[u8], mut from: usize, to: usize) -> Option<usize> {
    const BLOCK: usize = 256;
    while from < to {
        let end = (from + BLOCK).min(to);
        if bytes[from..end].is_ascii() {
            from = end;
            continue;
        }
        return bytes[from..end]
            .iter()
            .position(|&b| b >= 0x80)
            .map(|k| from + k);
    }
    None
}

/// A word list indexed by length, for allocation-free case-insensitive lookups.
struct ByLen(Vec<Vec<&'static [u8]>>);

impl ByLen {
    fn new(words: impl Iterator<Item = &'static str>) -> ByLen {
        let mut by = ByLen(vec![Vec::new(); 32]);
        for w in words {
            let list = &mut by.0[w.len().min(31)];
            if !list.contains(&w.as_bytes()) {
                list.push(w.as_bytes());
            }
        }
        by
    }

    fn contains(&self, word: &[u8]) -> bool {
        self.0
            .get(word.len())
            .is_some_and(|list| list.iter().any(|w| w.eq_ignore_ascii_case(word)))
    }
}

/// Whether `word` (any ASCII case) is in `list`.
fn lookup(list: &ByLen, word: &[u8]) -> bool {
    word.len() < 31 && list.contains(word)
}

/// Moves back from `i` over spaces, tabs, hyphens, NBSP (and line breaks if `newline`).
fn skip_separators_back(bytes: &[u8], mut i: usize, lo: usize, newline: bool) -> usize {
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

/// Whether `lead` (the text before a marking) ends like a marking statement: *classified
/// (as)*, *classification (is / :)*, *marked (as)*, *marking (:)*.
fn is_lead(lead: &[u8]) -> bool {
    let mut buf = [0u8; LEAD];
    let n = lead.len().min(LEAD);
    let buf = &mut buf[..n];
    buf.copy_from_slice(&lead[lead.len() - n..]);
    buf.make_ascii_lowercase();
    let mut t: &[u8] = buf;
    let trim_end = |t: &[u8]| -> usize {
        let mut e = t.len();
        while e > 0 && (is_ws(t[e - 1]) || t[e - 1] == b':' || t[e - 1] == 0xA0 || t[e - 1] == 0xC2)
        {
            e -= 1;
        }
        e
    };
    t = &t[..trim_end(t)];
    for _ in 0..2 {
        for filler in [&b" as"[..], b" is", b" at"] {
            if t.ends_with(filler) {
                t = &t[..t.len() - filler.len()];
                t = &t[..trim_end(t)];
            }
        }
    }
    for lead in [&b"classified"[..], b"classification", b"marked", b"marking"] {
        if t.ends_with(lead) {
            let before = t.len() - lead.len();
            return before == 0 || !t[before - 1].is_ascii_alphabetic();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leads() {
        assert!(is_lead(
            b"The information in this document is classified as "
        ));
        assert!(is_lead(b"Classification: "));
        assert!(is_lead(b"Security classification is "));
        assert!(is_lead(b"This memo is marked "));
        assert!(!is_lead(b"It was declassified as "));
        assert!(!is_lead(b"the trade "));
    }

    #[test]
    fn word_split() {
        let w: Vec<&[u8]> = words(b"TOP SECRET//NZEO, In\xC2\xA0Confidence. x").collect();
        assert_eq!(
            w,
            vec![&b"TOP"[..], b"SECRET", b"NZEO", b"In", b"Confidence", b"x"]
        );
    }

    #[test]
    fn anchors_come_from_the_vocabulary() {
        let e = Engine::new(Parser::new(), ProseFindings::Capitals, 1024).unwrap();
        assert!(lookup(&e.anchor_words, b"secret"));
        assert!(lookup(&e.anchor_words, b"Confidence"));
        assert!(!lookup(&e.anchor_words, b"TOP"));
        assert!(lookup(&e.vocab, b"top"));
    }
}
