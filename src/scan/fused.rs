//! Stage 2 for a marking that shares its line with other text, as real documents carry
//! them once text extraction or a document-sharing site has joined lines: `In Confidence.
//! Office of the Minister`, `RESTRICTED CAB-21-MIN-0412 Cabinet Committee`, `2 In
//! Confidence Office of ...`, `LEGALLY PRIVILEGED IN-CONFIDENCE 4 Options`, `Security
//! Level: IN CONFIDENCE. Hon ...`, `Subject: RE: roster [RESTRICTED]`.
//!
//! The marking is the longest run of marking words at the anchor that parses; what stands
//! immediately before it ([`Before`]) and after it ([`After`]) decides banner or prose:
//! a banner is bounded by breaks (the line's start or end, a page number, a reference, a
//! sentence stop, a layout gap, a label, a change from capitals to a title), while prose
//! runs on (`SENSITIVE or RESTRICTED information cannot be sent`, `IN-CONFIDENCE emails`).
//! Title case is the style of both Cabinet papers' banners and of headings (`Sensitive
//! Expenditure Policy`), so a title-case marking only decides where a banner stands: on the
//! first or last line of the part, or repeated as a running header. That is settled in the
//! report (`collect.rs`), which sees every line; here such a hit is recorded as ambiguous
//! and promotable.

use super::context::{
    after_newline, before_newline, closes_bracket, closing_bracket_end, ends_with_dash, is_dash,
    is_label, is_page_number, is_quoted_subject, is_title_text, same_case, separates,
    separates_after, skip_marking_separators_back, starts_upper,
};
use super::engine::{Hay, Hit, LEAD, Outcome, WALK};
use super::text::{has_lower, is_ws, lossy, trim, words};
use super::verify::Verifier;
use super::{Confidence, FindingKind, PartRole, ProseFindings};
use crate::marking::Parsed;

/// How far past its anchor a fused marking's words are followed (`RESTRICTED//REL TO NZL,
/// AUS, CAN, GBR, USA` and a little more).
const AHEAD: usize = 2 * WALK;

/// What stands before the marking on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Before {
    /// Nothing: the marking leads the line.
    Start,
    /// Only a page number (`2`, `Page 2`, `2 of 7`, `- 2 -`).
    PageNumber,
    /// A label ending in the marking's lead (`Security Level:`, `classified as`); `field`
    /// when a colon ends it, as in a form or a document's metadata block.
    Label { field: bool },
    /// A sentence stop, a colon, a bar, a dash, a closing bracket or a layout gap.
    Break,
    /// A number (a page number or a year fused from the line above).
    Number,
    /// The same marking again (`UNCLASSIFIED UNCLASSIFIED`: consecutive pages' banners).
    Repeat,
    /// Anything else: running prose.
    Other,
}

/// What follows the marking on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    /// Nothing.
    End,
    /// A sentence stop, colon, bar, dash, number, reference (`CAB-21-MIN-0412`), layout
    /// gap, or the same marking again.
    Strong,
    /// A word in title case (`Office`, `Ōtautahi`) or a bracket.
    Title,
    /// The next field's label, in a metadata block flattened onto one line
    /// (`classification:CONFIDENTIAL reference: ...`).
    Field,
    /// A word in capitals that is no marking word (`SECRET SERVICE`).
    Caps,
    /// A marking word that did not read as part of the marking (`TOP SECRET RESTRICTED`):
    /// left to the malformed-marking rule.
    Marking,
    /// A colon or a dash, then running text: a definition (`Secret: serious damage`).
    Defines,
    /// Running text: a small letter, a comma, a quote.
    Prose,
}

/// What the rule makes of a hit.
enum Reading {
    /// Decides, as a banner (or a statement after a label).
    Decide(FindingKind, Confidence),
    /// Reported at low confidence, never deciding unless promoted in the report.
    Ambiguous { promotable: bool },
}

impl Verifier {
    /// The verdict on anchor `s..e` (word `word`) read as a marking fused with the text
    /// around it, or `None` when this rule does not apply.
    pub(super) fn fused(
        &self,
        h: &Hay,
        s: usize,
        e: usize,
        word: usize,
        role: PartRole,
        first: bool,
    ) -> Option<Outcome> {
        let bytes = h.bytes;
        // Lower case is prose wherever it stands (`told me in confidence`).
        if !bytes[s..e].iter().any(u8::is_ascii_uppercase) {
            return None;
        }
        let ls = h.line_start(s);
        let le = h.line_end(e);
        // On a long line, read around the anchor only: mid-line rules still apply.
        let lo = ls.unwrap_or_else(|| s.saturating_sub(WALK + LEAD));
        let hi = le.unwrap_or_else(|| (e + AHEAD).min(bytes.len()));
        let lo = lo.max(after_newline(bytes, lo, s));
        let hi = hi.min(before_newline(bytes, e, hi));
        let wide = self.marking_start(bytes, s, lo.max(s.saturating_sub(WALK)));
        let narrow = self.phrase_start(bytes, s, lo.max(s.saturating_sub(WALK)), word, false);
        let mut tried = None;
        for ms in [wide, narrow] {
            if tried == Some(ms) {
                continue;
            }
            tried = Some(ms);
            let edge = first || role == PartRole::PageEdge;
            let bounds = (ls.is_some(), le.is_some());
            if let Some(v) = self.fused_from(h, ms, e, (lo, hi), bounds, edge, role) {
                return Some(v);
            }
        }
        None
    }

    /// [`Engine::fused`] with the marking starting at `ms`. `lo..hi` is the line (or the
    /// part of a long line) around it; `starts`/`ends` say whether `lo`/`hi` are the line's
    /// real start and end; `edge`, whether the line stands where a banner goes (the part's
    /// first line, or a page's top or bottom).
    #[allow(clippy::too_many_arguments)]
    fn fused_from(
        &self,
        h: &Hay,
        ms: usize,
        e: usize,
        (lo, hi): (usize, usize),
        (starts, ends): (bool, bool),
        edge: bool,
        role: PartRole,
    ) -> Option<Outcome> {
        let bytes = h.bytes;
        let bracketed = ms > lo && bytes[ms - 1] == b'[';
        let outer_start = if bracketed { ms - 1 } else { ms };
        let before = self.before(bytes, lo, outer_start, starts);
        let quoted_subject = bracketed && is_quoted_subject(&bytes[lo..outer_start], starts);
        // On a page's top or bottom line a marking in capitals may follow a name or a title
        // (`Ministry of Health SECRET`, `TEXTBOX TOP SECRET`), but not a sentence.
        let after_title = role == PartRole::PageEdge && is_title_text(&bytes[lo..outer_start]);
        if before == Before::Other && !quoted_subject && !after_title {
            return None;
        }
        let caps_anchor = !has_lower(&bytes[ms..e]);
        // The longest run of words that reads as a marking.
        let mut ends_at = self.marking_ends(bytes, e, hi, caps_anchor);
        // In brackets, the marking may run to the closing bracket with a free-text caveat
        // (`[IN-CONFIDENCE - RELEASE EXTERNAL]`).
        if bracketed && let Some(k) = memchr::memchr(b']', &bytes[e..hi]) {
            let close = e + k;
            let (_, te) = trim(bytes, e, close);
            if te > *ends_at.last().unwrap_or(&e) {
                ends_at.push(te);
            }
        }
        let mut found: Option<(usize, Parsed)> = None;
        for &me in ends_at.iter().rev() {
            if bracketed && !closes_bracket(bytes, me, hi) {
                continue;
            }
            if let Ok(p) = self.parse(&lossy(&bytes[ms..me])) {
                // A free-text caveat runs to the end of the line: one cut
                // short by the next word (`IN CONFIDENCE-TO BE` of `... SHARED WITH
                // AUS/CAN/UK/US ONLY`) is not the caveat; read the marking without it.
                let to_end = if bracketed {
                    closes_bracket(bytes, me, hi)
                } else {
                    ends && bytes[me..hi].trim_ascii().is_empty()
                };
                if !p.marking.caveats().is_empty() && !to_end {
                    continue;
                }
                found = Some((me, p));
                break;
            }
        }
        let (me, mut parsed) = found?;
        let outer_end = if bracketed {
            closing_bracket_end(bytes, me, hi)
        } else {
            me
        };
        let after = self.after(bytes, outer_end, hi, ends, &bytes[ms..me]);
        let caps = !has_lower(&bytes[ms..me]);
        let multiword = words(&bytes[ms..me]).nth(1).is_some();
        let reading = if bracketed {
            bracket_reading(before, after, quoted_subject)
        } else {
            reading(before, after, caps, multiword, after_title)
        }?;
        let mut span = (ms, me);
        // `... TOP` / `SECRET Office of ...`: the words split over the line break read as
        // the higher marking (the reading is the highest the words support).
        if starts
            && before == Before::Start
            && let Some((js, p)) = self.split_above(h, lo, ms, me, Some(&parsed))
        {
            span.0 = js;
            parsed = p;
        }
        let lines = (
            if starts { lo } else { outer_start },
            if ends { hi } else { outer_end },
        );
        let lines = (lines.0.min(span.0), lines.1);
        let mut hit = match reading {
            Reading::Decide(kind, confidence) => Hit::new(span, lines, parsed, kind, confidence),
            Reading::Ambiguous { promotable } => {
                if self.prose == ProseFindings::None && !promotable {
                    return Some(Outcome::Nothing);
                }
                let mut hit = Hit::new(span, lines, parsed, FindingKind::Inline, Confidence::Low);
                hit.how.ambiguous = true;
                // Where a banner goes, it is one.
                if promotable && edge {
                    hit.kind = FindingKind::Banner;
                    hit.confidence = Confidence::Medium;
                    hit.how.ambiguous = false;
                } else {
                    hit.how.promotable = promotable;
                }
                hit
            }
        };
        hit.how.fused = !(before == Before::Start && after == After::End);
        hit.how.bracketed = bracketed;
        Some(Outcome::Found(hit))
    }

    /// Where the run of marking words before `s` starts, across spaces, hyphens, dashes and
    /// colons (`LEGALLY PRIVILEGED : IN CONFIDENCE`, `BUDGET:SENSITIVE`).
    fn marking_start(&self, bytes: &[u8], s: usize, lo: usize) -> usize {
        let mut start = s;
        loop {
            let j = skip_marking_separators_back(bytes, start, lo);
            if j == start {
                break;
            }
            let mut k = j;
            while k > lo && (bytes[k - 1].is_ascii_alphanumeric() || bytes[k - 1] == b'&') {
                k -= 1;
            }
            if k == j || (k > 0 && !separates(bytes[k - 1])) {
                break;
            }
            if !self.prefilter.is_vocab(&bytes[k..j]) {
                break;
            }
            start = k;
        }
        start
    }

    /// Where a marking that starts before anchor end `e` may end: `e`, then the end of each
    /// following word that can belong to a marking (a marking word in the anchor's case,
    /// a country code, a configured codeword, any word in capitals after `//`), shortest
    /// first. Stops at the first word that cannot, at `hi` and at `AHEAD` bytes.
    fn marking_ends(&self, bytes: &[u8], e: usize, hi: usize, caps: bool) -> Vec<usize> {
        let mut ends = vec![e];
        let limit = hi.min(e + AHEAD);
        let mut i = e;
        let mut controls = false;
        while i < limit {
            let mut j = i;
            while j < limit {
                match bytes[j] {
                    b' ' | b'\t' | b'-' | b':' | b',' => j += 1,
                    b'/' => {
                        if bytes.get(j + 1) == Some(&b'/') {
                            controls = true;
                        }
                        j += 1;
                    }
                    0xC2 if bytes.get(j + 1) == Some(&0xA0) => j += 2,
                    0xE2 if is_dash(&bytes[j..]) => j += 3,
                    _ => break,
                }
            }
            if j == i && i != e {
                break;
            }
            let mut k = j;
            while k < limit && (bytes[k].is_ascii_alphanumeric() || bytes[k] == b'&') {
                k += 1;
            }
            if k == j || (k < bytes.len() && !separates_after(bytes[k])) {
                break;
            }
            let w = &bytes[j..k];
            let upper = !has_lower(w);
            let fits = (self.prefilter.is_vocab(w) && upper == caps)
                || (w.len() == 3 && w.iter().all(u8::is_ascii_uppercase))
                || self.parser.is_codeword(&String::from_utf8_lossy(w))
                || (controls && upper && w.iter().any(u8::is_ascii_alphabetic));
            if !fits {
                break;
            }
            ends.push(k);
            i = k;
        }
        ends
    }

    /// What stands before `ms` on the line that starts at `lo` (`starts`: really starts).
    fn before(&self, bytes: &[u8], lo: usize, ms: usize, starts: bool) -> Before {
        let left = &bytes[lo..ms];
        let (ts, te) = trim(left, 0, left.len());
        let t = &left[ts..te];
        if t.is_empty() {
            return if starts { Before::Start } else { Before::Other };
        }
        if starts && ts == 0 && is_page_number(t) {
            return Before::PageNumber;
        }
        if is_label(t) {
            return Before::Label {
                field: t.ends_with(b":"),
            };
        }
        let gap = left[te..].contains(&b'\t') || left.len() - te >= 2;
        let last = t[t.len() - 1];
        if matches!(
            last,
            b'.' | b'?' | b'!' | b';' | b':' | b'|' | b')' | b']' | b'-'
        ) || ends_with_dash(t)
            || gap
        {
            return Before::Break;
        }
        // A number, a date or a time (`2020`, `2011-04-28 00:00`): a page number or a
        // table cell fused from before.
        let last_word = t.rsplit(|&b| is_ws(b)).next().unwrap_or_default();
        if last_word.first().is_some_and(u8::is_ascii_digit)
            && last_word
                .iter()
                .all(|b| b.is_ascii_digit() || matches!(b, b':' | b'-' | b'/' | b'.'))
        {
            return Before::Number;
        }
        if let Some(w) = words(t).last()
            && self.prefilter.is_anchor(w)
            && !has_lower(w)
        {
            return Before::Repeat;
        }
        Before::Other
    }

    /// What follows the marking (written `marking`) from `me` on a line that ends at `hi`
    /// (`ends`: really ends).
    fn after(&self, bytes: &[u8], me: usize, hi: usize, ends: bool, marking: &[u8]) -> After {
        let mut i = me;
        let mut spaces = 0;
        let mut tab = false;
        while i < hi {
            match bytes[i] {
                b' ' => {
                    spaces += 1;
                    i += 1;
                }
                b'\t' | b'\r' => {
                    tab |= bytes[i] == b'\t';
                    i += 1;
                }
                0xC2 if bytes.get(i + 1) == Some(&0xA0) => {
                    spaces += 1;
                    i += 2;
                }
                _ => break,
            }
        }
        if i >= hi {
            return if ends { After::End } else { After::Prose };
        }
        let rest = &bytes[i..hi];
        if rest.len() >= marking.len() && rest[..marking.len()].eq_ignore_ascii_case(marking) {
            return After::Strong;
        }
        let b = rest[0];
        // A colon, or after a level in title case a dash, then a small letter: a definition
        // (`Confidential -- damage to national security`, `Secret: serious damage`), not a
        // banner. After capitals a dash starts a caveat (`SECRET//NZEO - do not copy`).
        let title = has_lower(marking);
        let defines = || {
            let k = rest
                .iter()
                .position(|&c| !(matches!(c, b'-' | b':' | b' ' | b'\t') || c >= 0x80))
                .unwrap_or(rest.len());
            rest.get(k).is_some_and(u8::is_ascii_lowercase)
        };
        match b {
            b':' if defines() => return After::Defines,
            b'.' | b':' | b';' | b'|' | b'!' | b'?' => {
                return if rest.get(1).is_none_or(|&n| is_ws(n)) {
                    After::Strong
                } else {
                    After::Prose
                };
            }
            b'-' if title && defines() => return After::Defines,
            b'-' => return After::Strong,
            b'0'..=b'9' => return After::Strong,
            b'(' | b'[' => return After::Title,
            // `TOP SECRET//SI//NOFORN`: more marking that did not read; `IN-CONFIDENCE //
            // page 1`: a separator in a footer.
            b'/' => {
                let next = rest.iter().find(|&&c| c != b'/' && c != b' ');
                return if next.is_some_and(u8::is_ascii_uppercase) {
                    After::Marking
                } else {
                    After::Strong
                };
            }
            _ if is_dash(rest) && title && defines() => return After::Defines,
            _ if is_dash(rest) => return After::Strong,
            _ => {}
        }
        if tab || spaces >= 2 {
            return After::Strong;
        }
        let end = rest.iter().position(|&b| is_ws(b)).unwrap_or(rest.len());
        let chunk = &rest[..end];
        if chunk.iter().any(u8::is_ascii_digit) {
            return After::Strong;
        }
        let Some(w) = words(chunk).next() else {
            return After::Prose;
        };
        if chunk.len() > 1 && chunk.ends_with(b":") && w.len() + 1 == chunk.len() {
            return After::Field;
        }
        if !starts_upper(w) {
            return After::Prose;
        }
        let letters = w.iter().filter(|b| b.is_ascii_alphabetic()).count();
        if letters >= 2 && !has_lower(w) && w.is_ascii() {
            if self.prefilter.is_vocab(w) {
                After::Marking
            } else {
                After::Caps
            }
        } else {
            After::Title
        }
    }

    /// The marking read across a line break when the line above ends in the first words of
    /// a phrase that the marking at `ms` (line start `ls`) completes, and the joined reading
    /// is higher: `... TOP` / `SECRET`, `... IN` / `CONFIDENCE`. Returns its start.
    pub(super) fn split_above(
        &self,
        h: &Hay,
        ls: usize,
        ms: usize,
        me: usize,
        own: Option<&Parsed>,
    ) -> Option<(usize, Parsed)> {
        let bytes = h.bytes;
        if ls == 0 {
            return None;
        }
        let pls = h.line_start(ls - 1)?;
        // The anchor word the line starts with.
        let mut k = ms;
        while k < me && (bytes[k].is_ascii_alphanumeric() || bytes[k] == b'&') {
            k += 1;
        }
        let word = self
            .prefilter
            .words
            .iter()
            .position(|w| w.as_bytes().eq_ignore_ascii_case(&bytes[ms..k]))?;
        let js = self.phrase_start(bytes, ms, pls, word, true);
        if js >= ls || !same_case(&bytes[js..ls], &bytes[ms..k]) {
            return None;
        }
        let joined = self.parse(&lossy(&bytes[js..me])).ok()?;
        let higher =
            own.is_none_or(|own| joined.marking.classification() > own.marking.classification());
        higher.then_some((js, joined))
    }
}

/// The reading of an unbracketed marking from what stands before and after it;
/// `after_title`: on a page edge, after a name or title.
fn reading(
    before: Before,
    after: After,
    caps: bool,
    multiword: bool,
    after_title: bool,
) -> Option<Reading> {
    use After as A;
    use Before as B;
    let banner = Reading::Decide(FindingKind::Banner, Confidence::Medium);
    let statement = Reading::Decide(
        FindingKind::Statement,
        if caps {
            Confidence::High
        } else {
            Confidence::Medium
        },
    );
    match (before, after) {
        (_, A::Prose | A::Marking | A::Defines) => None,
        (B::Other, A::End | A::Strong | A::Title | A::Field) if caps && after_title => Some(banner),
        (B::Other, _) => None,
        // After a label the marking is a statement when its sentence or field ends there;
        // a sentence that goes on (`is classified TOP SECRET//NZEO (New Zealand Eyes
        // Only).` about another document) is left to the statement rule.
        (B::Label { .. }, A::End | A::Strong | A::Field) | (B::Label { field: true }, A::Title) => {
            Some(statement)
        }
        (B::Label { field: true }, A::Caps) if caps => Some(statement),
        (B::Label { .. }, _) => None,
        (_, A::End | A::Strong | A::Title | A::Field) if caps => Some(banner),
        (B::Start | B::PageNumber, A::Caps) if caps => Some(Reading::Ambiguous {
            promotable: multiword,
        }),
        (_, A::Caps) if caps => Some(Reading::Ambiguous { promotable: false }),
        // Title case: only where a banner stands (the report decides).
        (B::Start | B::PageNumber, A::End | A::Strong) => {
            Some(Reading::Ambiguous { promotable: true })
        }
        (B::Start | B::PageNumber, A::Title) => Some(Reading::Ambiguous {
            promotable: multiword,
        }),
        (B::Start | B::PageNumber, A::Caps) => Some(Reading::Ambiguous { promotable: false }),
        // `Restricted area: authorised staff only`.
        _ => None,
    }
}

/// A bracketed marking (`[RESTRICTED]`) decides alone on its line, at the end of a line
/// after a break, or anywhere in a quoted `Subject:` line (a subject may carry
/// its bracketed marking anywhere). Elsewhere (`[RESTRICTED]  Limits sending to ...` in a table
/// that explains the SEEMail tags) it is ambiguous.
fn bracket_reading(before: Before, after: After, quoted_subject: bool) -> Option<Reading> {
    if quoted_subject {
        return Some(Reading::Decide(FindingKind::Banner, Confidence::Medium));
    }
    match (before, after) {
        (Before::Other, _) => None,
        (_, After::End) => Some(Reading::Decide(FindingKind::Banner, Confidence::Medium)),
        _ => Some(Reading::Ambiguous { promotable: false }),
    }
}
