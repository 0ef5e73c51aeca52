//! What a scan collects and the report made from it: findings in order of position with
//! line numbers, the effective marking (the join of what decides), and the
//! problems (unmarked, banners disagree, under-marked, non-canonical, foreign, evasion,
//! malformed).

use super::Span;
use super::engine::{Hit, How, Outcome};
use super::normalise::evasion_notes;
use super::text::{count_newlines, lossy};
use super::{Confidence, FindingKind, Note, PartRole};
use crate::marking::{Classification, DiagnosticCode, Marking};
use crate::path::{Location, PartPath, Segment};
use crate::problem::Problem;
use crate::report::{Finding, Format, Report};
use std::cmp::Reverse;

/// A finding as recorded, with what the report needs besides it.
pub(super) struct Raw {
    pub(super) finding: Finding,
    /// Its bytes (absolute), as in `finding.span`.
    pub(super) span: Span,
    /// Start of its first line, end of its last line (absolute).
    pub(super) lines: (usize, usize),
    pub(super) how: How,
}

/// A banner-position line that looks like a marking but does not parse.
pub(super) struct Malformed {
    /// The classification it shows ([`Parser::malformed_floor`](crate::Parser)), recorded as
    /// a finding beside it.
    pub(super) floor: Option<Classification>,
    pub(super) line_start: usize,
    pub(super) line: u64,
    pub(super) text: String,
    pub(super) reason: String,
}

/// Everything one scan collects, across windows.
pub(super) struct Collector {
    pub(super) role: PartRole,
    pub(super) raws: Vec<Raw>,
    pub(super) malformed: Vec<Malformed>,
    /// How many of `raws` and `malformed` have their line numbers.
    numbered: (usize, usize),
    /// The span of the last finding: hits inside it are part of it.
    pub(super) last: (usize, usize),
    pub(super) first_content: Option<usize>,
    pub(super) last_content: Option<usize>,
    /// An absolute offset and its 1-based line number.
    cursor: (usize, u64),
    /// How many candidates stage 1 passed to stage 2 (for the tests of the fast path).
    pub(super) candidates: u64,
}

impl Collector {
    /// Records a verdict found in `hay` (based at `base`). Line numbers come later, from
    /// [`Collector::number_lines`].
    pub(super) fn take(&mut self, hay: &[u8], base: usize, verdict: Outcome) {
        match verdict {
            Outcome::Nothing => {}
            Outcome::Found(hit) => self.record(hay, base, hit),
            Outcome::Malformed {
                line,
                reason,
                floor,
            } => {
                let floor_class = floor.as_ref().map(|p| p.marking.classification());
                if let Some(floor) = floor {
                    let mut hit =
                        Hit::new(line, line, floor, FindingKind::Banner, Confidence::Medium);
                    hit.how.partly_read = true;
                    self.record(hay, base, hit);
                }
                self.malformed.push(Malformed {
                    floor: floor_class,
                    line_start: base + line.0,
                    line: 0,
                    text: lossy(&hay[line.0..line.1]).into_owned(),
                    reason,
                });
            }
        }
    }

    /// Records a hit: its notes (non-canonical, split, foreign, evasion) and its text.
    pub(super) fn record(&mut self, hay: &[u8], base: usize, hit: Hit) {
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
        if hit.parsed.foreign.is_some() {
            notes.push(Note::Foreign);
        }
        if !written.is_ascii() {
            notes.extend(evasion_notes(written));
        }
        let how = hit.how;
        for (set, note) in [
            (how.fused, Note::FusedWithText),
            (how.ambiguous, Note::Ambiguous),
            (how.partly_read, Note::PartlyRead),
            (how.bracketed, Note::Bracketed),
            (how.letter_spaced, Note::LetterSpaced),
            (how.list_item, Note::ListItem),
            (how.heading, Note::Heading),
        ] {
            if set {
                notes.push(note);
            }
        }
        self.last = (base + s, base + e);
        let span = Span {
            start: base + s,
            end: base + e,
        };
        self.raws.push(Raw {
            finding: Finding {
                at: PartPath::of(Segment::Body),
                line: None,
                span,
                text: lossy(written).into_owned(),
                marking: hit.parsed.marking,
                kind: hit.kind,
                confidence: hit.confidence,
                notes,
                foreign: hit.parsed.foreign,
            },
            span,
            lines: (base + hit.lines.0, base + hit.lines.1),
            how,
        });
    }

    pub(super) fn new(role: PartRole) -> Collector {
        Collector {
            role,
            raws: Vec::new(),
            malformed: Vec::new(),
            numbered: (0, 0),
            last: (0, 0),
            first_content: None,
            last_content: None,
            cursor: (0, 1),
            candidates: 0,
        }
    }

    /// Gives the findings and malformed lines recorded since the last call their line
    /// numbers. They lie in `hay` (based at `base`). Sorting them first makes the count one
    /// forward walk, instead of a count back from the cursor for every finding that one
    /// pass of stage 1 found behind another's.
    pub(super) fn number_lines(&mut self, hay: &[u8], base: usize) {
        let raws = &mut self.raws[self.numbered.0..];
        let malformed = &mut self.malformed[self.numbered.1..];
        if raws.is_empty() && malformed.is_empty() {
            return;
        }
        raws.sort_by_key(|r| (r.span.start, Reverse(r.span.end)));
        malformed.sort_by_key(|m| m.line_start);
        let (mut i, mut j) = (0, 0);
        loop {
            let raw = raws.get(i).map(|r| r.span.start);
            let mal = malformed.get(j).map(|m| m.line_start);
            match (raw, mal) {
                (Some(r), m) if m.is_none_or(|m| r <= m) => {
                    raws[i].finding.line = Some(line_at(&mut self.cursor, hay, base, r));
                    i += 1;
                }
                (_, Some(m)) => {
                    malformed[j].line = line_at(&mut self.cursor, hay, base, m);
                    j += 1;
                }
                _ => break,
            }
        }
        self.numbered = (self.raws.len(), self.malformed.len());
    }

    /// The line number of absolute offset `abs` (in `hay`, based at `base`); moves the
    /// cursor there when it is ahead of it.
    pub(super) fn line_at(&mut self, hay: &[u8], base: usize, abs: usize) -> u64 {
        line_at(&mut self.cursor, hay, base, abs)
    }

    /// Puts the line cursor at `abs`, which is on line `line` (counted by the caller).
    pub(super) fn skip_to(&mut self, abs: usize, line: u64) {
        self.cursor = (abs, line);
    }

    /// Moves the line cursor to `to` before the hay is dropped up to it.
    pub(super) fn advance(&mut self, hay: &[u8], base: usize, to: usize) {
        if self.cursor.0 < to {
            line_at(&mut self.cursor, hay, base, to);
        }
    }
}

/// The line number of absolute offset `abs`, which lies in `hay` (based at `base`),
/// counted from `cursor`; the cursor moves forward only.
fn line_at(cursor: &mut (usize, u64), hay: &[u8], base: usize, abs: usize) -> u64 {
    let (at, line) = *cursor;
    if abs >= at {
        let n = count_newlines(&hay[at - base..abs - base]);
        *cursor = (abs, line + n);
        line + n
    } else {
        line - count_newlines(&hay[abs - base..at - base])
    }
}

/// The join of `markings`, each distinct marking joined once: a long text repeats its
/// banner on every page, and joining is commutative, associative and idempotent, so
/// skipping a marking already joined changes nothing. The first `RECENT` distinct markings
/// are remembered (a comparison is cheaper than a join, and than hashing a marking).
fn join_distinct<'a>(markings: impl Iterator<Item = &'a Marking>) -> Option<Marking> {
    const RECENT: usize = 32;
    let mut seen: Vec<&Marking> = Vec::new();
    let mut joined: Option<Marking> = None;
    for m in markings {
        if seen.contains(&m) {
            continue;
        }
        if seen.len() < RECENT {
            seen.push(m);
        }
        joined = Some(match joined {
            None => m.clone(),
            Some(j) => j.join(m),
        });
    }
    joined
}

/// Decides the ambiguous hits that stand where a banner goes: on the part's first or last
/// non-blank line, or repeated (the same marking text leading two or more lines, as a
/// running header or footer does; a banner of the same text counts too). The rest stay
/// low-confidence prose findings.
fn promote(raws: &mut [Raw], first: Option<usize>, last: Option<usize>) {
    if !raws.iter().any(|r| r.how.promotable) {
        return;
    }
    let key = |r: &Raw| -> String {
        r.finding
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let counts_for = |r: &Raw| {
        r.how.promotable
            || matches!(
                r.finding.kind,
                FindingKind::Banner | FindingKind::FirstLine | FindingKind::LastLine
            )
    };
    let keys: Vec<Option<String>> = raws.iter().map(|r| counts_for(r).then(|| key(r))).collect();
    for i in 0..raws.len() {
        if !raws[i].how.promotable {
            continue;
        }
        let (a, b) = raws[i].lines;
        let at = |x: Option<usize>| x.is_some_and(|x| a <= x && x < b.max(a + 1));
        let repeated = keys
            .iter()
            .enumerate()
            .filter(|(j, k)| {
                *j != i
                    && k.as_ref() == keys[i].as_ref()
                    && raws[*j].finding.marking == raws[i].finding.marking
            })
            .count()
            > 0;
        if !(at(first) || at(last) || repeated) {
            continue;
        }
        let r = &mut raws[i];
        r.how.promotable = false;
        r.how.ambiguous = false;
        r.finding.kind = FindingKind::Banner;
        r.finding.confidence = Confidence::Medium;
        r.finding.notes.retain(|n| *n != Note::Ambiguous);
        if repeated && !(at(first) || at(last)) {
            r.finding.notes.push(Note::RunningHeader);
        }
    }
}

impl Collector {
    /// The report: overlapping findings merged (a deciding one wins), first and last lines
    /// named, the effective marking and the problems.
    pub(super) fn finish(self) -> Report {
        let mut st = self;
        // Already in order but for the rare finding that starts in the chunk before the one
        // that found it; the sort is a linear check then.
        st.raws.sort_by_key(|r| (r.span.start, Reverse(r.span.end)));
        // In place: a finding inside the one kept before it is dropped, unless it decides
        // and that one does not, when it takes that one's place.
        let mut raws = st.raws;
        raws.dedup_by(|r, prev| {
            let inside = r.span.start < prev.span.end;
            if inside && r.finding.is_deciding() && !prev.finding.is_deciding() {
                std::mem::swap(r, prev);
            }
            inside
        });
        promote(&mut raws, st.first_content, st.last_content);
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
        let at = |line: Option<u64>| Location {
            path: PartPath::of(Segment::Text),
            line,
        };
        let mut problems = Vec::new();
        let decides: Vec<&Raw> = raws.iter().filter(|r| r.finding.is_deciding()).collect();
        let marking = join_distinct(decides.iter().map(|r| &r.finding.marking));
        if decides.is_empty() {
            problems.push(Problem::unmarked(at(None), None));
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
            let top_at = at(top.finding.line);
            let mut seen: Vec<&Marking> = vec![&top.finding.marking];
            for b in &banners[1..] {
                if !seen.contains(&&b.finding.marking) {
                    seen.push(&b.finding.marking);
                    let b_at = at(b.finding.line);
                    problems.push(Problem::banners_disagree(
                        b_at.clone(),
                        (&top.finding.marking, &top_at),
                        (&b.finding.marking, &b_at),
                    ));
                }
            }
            let declared = join_distinct(banners.iter().map(|r| &r.finding.marking));
            if let Some(declared) = declared {
                for r in decides.iter().filter(|r| {
                    matches!(
                        r.finding.kind,
                        FindingKind::ParagraphMark | FindingKind::Statement
                    )
                }) {
                    if !declared.dominates(&r.finding.marking) {
                        problems.push(Problem::under_marked(
                            at(r.finding.line),
                            Segment::Text,
                            &r.finding.text,
                            &r.finding.marking,
                            &declared,
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
                problems.push(Problem::non_canonical(at(f.line), &f.text, &f.marking));
            }
            if let Some(foreign) = &f.foreign {
                problems.push(Problem::foreign_marking(
                    at(f.line),
                    &f.text,
                    foreign,
                    &f.marking,
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
                problems.push(Problem::evasion_suspected(
                    at(f.line),
                    &f.text,
                    &f.marking,
                    &how,
                ));
            }
        }
        st.malformed.sort_by_key(|m| m.line_start);
        st.malformed.dedup_by_key(|m| m.line_start);
        for m in &st.malformed {
            if raws.iter().any(|r| {
                r.finding.is_deciding()
                    && !r.how.partly_read
                    && r.lines.0 <= m.line_start
                    && m.line_start < r.lines.1.max(r.lines.0 + 1)
            }) {
                continue;
            }
            problems.push(Problem::malformed_marking(
                at(Some(m.line)),
                &m.text,
                &m.reason,
                m.floor,
            ));
        }
        let mut report = Report::new(Format::Text);
        report.findings = raws.into_iter().map(|r| r.finding).collect();
        report.marking = marking;
        report.problems = problems;
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marking::{Marking, Parsed};

    fn ambiguous(at: usize, text: &str) -> Hit {
        let mut hit = Hit::new(
            (at, at + text.len()),
            (at, at + text.len() + 10),
            Parsed {
                marking: Marking::new(Classification::InConfidence),
                warnings: Vec::new(),
                foreign: None,
            },
            FindingKind::Inline,
            Confidence::Low,
        );
        hit.how.ambiguous = true;
        hit.how.promotable = true;
        hit
    }

    /// The collector alone: ambiguous hits that repeat as a running header decide, one on
    /// its own does not.
    #[test]
    fn the_collector_promotes_running_headers() {
        let text = "x".repeat(400);
        let hay = text.as_bytes();
        let mut c = Collector::new(PartRole::Body);
        c.first_content = Some(0);
        c.last_content = Some(399);
        c.record(hay, 0, ambiguous(100, "In Confidence"));
        let one = c.finish();
        assert!(one.marking.is_none());
        let mut c = Collector::new(PartRole::Body);
        c.first_content = Some(0);
        c.last_content = Some(399);
        c.record(hay, 0, ambiguous(100, "xxxxxxxxxxxxx"));
        c.record(hay, 0, ambiguous(200, "xxxxxxxxxxxxx"));
        c.number_lines(hay, 0);
        let two = c.finish();
        assert_eq!(two.deciding().count(), 2);
        assert!(two.findings[0].notes.contains(&Note::RunningHeader));
    }
}
