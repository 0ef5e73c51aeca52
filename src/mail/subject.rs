//! Marking candidates in a decoded subject, and writing a marking into one.
//!
//! [`subject_candidates`] lists the places where a subject *could* carry a marking: every
//! bracketed segment (`[IN-CONFIDENCE]`, the SEEMail tags `[SEEMAIL]` and `[TRUSTED]`, but also
//! a mailing-list tag such as `[Shapelib]`), `[SEC=...]` segments split with the
//! `X-Protective-Marking` tokeniser, and the unbracketed text at the start of the subject
//! before a `:` or ` - ` (`IN-CONFIDENCE: budget bid`). Which candidates are markings is for the
//! marking grammar to decide; this module has no marking vocabulary.
//!
//! ```
//! use protective_marking::mail::internal::subject_candidates;
//!
//! let c = subject_candidates("RE: [SEEMAIL] Budget bid [IN-CONFIDENCE]");
//! let texts: Vec<_> = c.brackets.iter().map(|b| b.text.as_str()).collect();
//! assert_eq!(texts, ["SEEMAIL", "IN-CONFIDENCE"]);
//! assert_eq!(c.prefixes[0].text, "RE:");
//! ```

use std::ops::Range;

use serde::Serialize;

use super::header::{EpmsFields, HeaderError, tokenise_protective_marking};

/// How many leading `:`/` - ` candidates are listed; a marking with an endorsement needs two
/// (`SENSITIVE - BUDGET: ...`), a third covers `OFFICIAL: Sensitive: ...`.
const MAX_LEADING: usize = 3;

/// Reply and forward prefixes recognised before a leading marking (compared without case).
const REPLY_PREFIXES: &[&str] = &[
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "tr", "rv", "enc", "odp", "res",
];

/// A piece of the subject with its byte span in the subject string.
///
/// ```
/// use protective_marking::mail::internal::subject_candidates;
///
/// let c = subject_candidates("RE: SECRET: the plan");
/// assert_eq!((c.prefixes[0].text.as_str(), c.prefixes[0].span.clone()), ("RE:", 0..3));
/// // The span points back into the subject, e.g. to replace the marking.
/// assert_eq!(c.leading[0].text, "SECRET");
/// assert_eq!(c.leading[0].span, 4..10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectToken {
    /// Byte range in the subject.
    pub span: Range<usize>,
    /// The text of that range (for a leading candidate: trimmed).
    pub text: String,
}

/// A bracketed segment `[...]`.
///
/// ```
/// use protective_marking::mail::internal::subject_candidates;
///
/// let c = subject_candidates("Plan [ RESTRICTED ] [SEC=PROTECTED]");
/// assert_eq!(c.brackets[0].text, "RESTRICTED");
/// assert_eq!(c.brackets[0].span, 5..19);
/// assert!(c.brackets[0].epms.is_none());
/// // A `[SEC=...]` segment comes already split into its fields.
/// let sec = c.brackets[1].epms.as_ref().unwrap().as_ref().unwrap();
/// assert_eq!(sec.sec.as_deref(), Some("PROTECTED"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BracketCandidate {
    /// Byte range of the whole segment, brackets included.
    pub span: Range<usize>,
    /// The text between the brackets, trimmed.
    pub text: String,
    /// For a segment starting `SEC=`: its fields (the Australian standard's medium form), or why
    /// they could not be split. `None` for any other segment.
    pub epms: Option<Result<EpmsFields, HeaderError>>,
}

/// Every marking candidate in one subject, from [`subject_candidates`].
///
/// ```
/// use protective_marking::mail::internal::subject_candidates;
///
/// let c = subject_candidates("Fwd: [Shapelib] IN-CONFIDENCE - budget");
/// assert!(c.is_reply_or_forward());
/// // Candidates only: deciding that `Shapelib` is not a marking is the grammar's job.
/// assert_eq!(c.brackets[0].text, "Shapelib");
/// assert_eq!(c.leading[0].text, "IN-CONFIDENCE");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SubjectCandidates {
    /// Reply/forward prefixes at the start (`RE:`, `FW:`, `Fwd:`, `AW:`, `RE[2]:`...), in
    /// order. Non-empty means the subject says this is a reply or forward
    /// (NZISM 15.1.10.C.03 compares its marking with earlier ones).
    pub prefixes: Vec<SubjectToken>,
    /// Every bracketed segment, left to right. The leftmost marking wins when several are
    /// markings, as in the Australian standard.
    pub brackets: Vec<BracketCandidate>,
    /// Unbracketed text at the start of the subject (after any prefixes and leading bracketed
    /// segments) ending before a `:` or ` - `: shortest first, at most three, so
    /// `SENSITIVE - BUDGET: x` gives `SENSITIVE` and `SENSITIVE - BUDGET`. The grammar takes
    /// the longest that parses.
    pub leading: Vec<SubjectToken>,
}

impl SubjectCandidates {
    /// True when the subject starts with a reply or forward prefix.
    pub fn is_reply_or_forward(&self) -> bool {
        !self.prefixes.is_empty()
    }
}

/// Lists the marking candidates of a decoded (RFC 2047 decoded, unfolded) subject.
///
/// Never fails and never panics; an unclosed `[` is not a candidate.
///
/// # Example
/// ```
/// use protective_marking::mail::internal::subject_candidates;
///
/// let c = subject_candidates("Fwd: SENSITIVE - BUDGET: draft [SEC=OFFICIAL:Sensitive]");
/// assert_eq!(c.leading[0].text, "SENSITIVE");
/// assert_eq!(c.leading[1].text, "SENSITIVE - BUDGET");
/// let sec = c.brackets[0].epms.as_ref().unwrap().as_ref().unwrap();
/// assert_eq!(sec.sec.as_deref(), Some("OFFICIAL:Sensitive"));
/// ```
pub fn subject_candidates(subject: &str) -> SubjectCandidates {
    let brackets = bracket_segments(subject);
    let mut out = SubjectCandidates {
        brackets,
        ..SubjectCandidates::default()
    };

    // Walk over prefixes and leading bracketed segments, in any mix.
    let bytes = subject.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    loop {
        if let Some(end) = reply_prefix_end(subject, pos) {
            out.prefixes.push(SubjectToken {
                span: pos..end,
                text: subject.get(pos..end).unwrap_or_default().to_string(),
            });
            pos = skip_ws(bytes, end);
            continue;
        }
        if let Some(b) = out.brackets.iter().find(|b| b.span.start == pos) {
            pos = skip_ws(bytes, b.span.end);
            continue;
        }
        break;
    }

    // Leading candidates: text up to each of the first separators.
    let mut search = pos;
    while out.leading.len() < MAX_LEADING {
        let rest = subject.get(search..).unwrap_or_default();
        let colon = rest.find(':');
        let dash = rest.find(" - ");
        let (sep_at, sep_len) = match (colon, dash) {
            (Some(c), Some(d)) if d < c => (d, 3),
            (Some(c), _) => (c, 1),
            (None, Some(d)) => (d, 3),
            (None, None) => break,
        };
        let end = search + sep_at;
        // A bracket before the separator means this is not a leading marking.
        if subject.get(pos..end).unwrap_or_default().contains('[') {
            break;
        }
        let raw = subject.get(pos..end).unwrap_or_default();
        let trimmed = raw.trim_end();
        if !trimmed.is_empty() {
            out.leading.push(SubjectToken {
                span: pos..pos + trimmed.len(),
                text: trimmed.to_string(),
            });
        }
        search = end + sep_len;
    }
    out
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace()) {
        pos += 1;
    }
    pos
}

/// End (exclusive, after the `:`) of a reply prefix starting at `pos`: a known word,
/// optionally `[n]` or `^n`, then `:`.
fn reply_prefix_end(subject: &str, pos: usize) -> Option<usize> {
    let bytes = subject.as_bytes();
    let mut end = pos;
    while bytes.get(end).is_some_and(|b| b.is_ascii_alphabetic()) {
        end += 1;
    }
    let word = subject.get(pos..end)?;
    if !REPLY_PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(word)) {
        return None;
    }
    // Counters: RE[2]: or RE^2:
    match bytes.get(end) {
        Some(b'[') => {
            let mut i = end + 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i > end + 1 && bytes.get(i) == Some(&b']') {
                end = i + 1;
            }
        }
        Some(b'^') => {
            let mut i = end + 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i > end + 1 {
                end = i;
            }
        }
        _ => {}
    }
    let end = skip_spaces(bytes, end);
    (bytes.get(end) == Some(&b':')).then_some(end + 1)
}

fn skip_spaces(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos) == Some(&b' ') {
        pos += 1;
    }
    pos
}

/// Every `[...]` segment. A `[` inside an open segment restarts it, so `[a [b] c]` yields `[b]`.
fn bracket_segments(subject: &str) -> Vec<BracketCandidate> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in subject.char_indices() {
        match c {
            '[' => open = Some(i),
            ']' => {
                if let Some(start) = open.take() {
                    let inner = subject.get(start + 1..i).unwrap_or_default().trim();
                    let epms = inner
                        .get(..4)
                        .filter(|p| p.eq_ignore_ascii_case("SEC="))
                        .map(|_| tokenise_protective_marking(inner));
                    out.push(BracketCandidate {
                        span: start..i + 1,
                        text: inner.to_string(),
                        epms,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Where [`add_marking_to_subject`] writes the marking.
///
/// ```
/// use protective_marking::mail::{add_marking_to_subject, SubjectPosition};
///
/// let tagged = add_marking_to_subject("Budget bid", "RESTRICTED", SubjectPosition::default());
/// assert_eq!(tagged, "Budget bid [RESTRICTED]");
/// // Already tagged: not tagged twice.
/// assert_eq!(add_marking_to_subject(&tagged, "RESTRICTED", SubjectPosition::Start), tagged);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SubjectPosition {
    /// `subject [MARKING]`: the default, as the Australian standard recommends.
    #[default]
    End,
    /// `[MARKING] subject`, before any `RE:`/`FW:` prefix.
    Start,
    /// Replace the segment at this byte range (typically a [`BracketCandidate::span`] that
    /// the grammar found to be an out-of-date marking). A range that is out of bounds or not
    /// on character boundaries falls back to [`SubjectPosition::End`].
    Replace(Range<usize>),
}

/// Writes `[marking_text]` into a subject.
///
/// * `marking_text` is trimmed; outer brackets are not doubled; line breaks and other control
///   characters become spaces, so the result is safe to write back as a header value.
/// * With [`SubjectPosition::End`] or [`SubjectPosition::Start`], a subject that already
///   contains exactly `[marking_text]` is returned unchanged (no double tagging). This is a
///   plain text comparison; deciding that `[IN CONFIDENCE]` already means `IN-CONFIDENCE` is the
///   grammar's job, done by passing [`SubjectPosition::Replace`].
/// * The result is decoded text: encode it (RFC 2047) before writing it if it is not ASCII.
///
/// # Example
/// ```
/// use protective_marking::mail::{add_marking_to_subject, internal::subject_candidates, SubjectPosition};
///
/// assert_eq!(
///     add_marking_to_subject("Budget bid", "IN-CONFIDENCE", SubjectPosition::End),
///     "Budget bid [IN-CONFIDENCE]"
/// );
/// assert_eq!(
///     add_marking_to_subject("RE: Budget bid", "SENSITIVE", SubjectPosition::Start),
///     "[SENSITIVE] RE: Budget bid"
/// );
/// let old = "Bid [IN CONFIDENCE] v2";
/// let span = subject_candidates(old).brackets[0].span.clone();
/// assert_eq!(
///     add_marking_to_subject(old, "SENSITIVE", SubjectPosition::Replace(span)),
///     "Bid [SENSITIVE] v2"
/// );
/// ```
pub fn add_marking_to_subject(
    subject: &str,
    marking_text: &str,
    position: SubjectPosition,
) -> String {
    let cleaned: String = marking_text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut inner = cleaned.trim();
    if let Some(stripped) = inner.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        inner = stripped.trim();
    }
    let tag = format!("[{inner}]");
    let subject_trimmed = subject.trim();

    match position {
        SubjectPosition::Replace(range)
            if subject.get(range.clone()).is_some() && range.start < range.end =>
        {
            let before = subject.get(..range.start).unwrap_or_default();
            let after = subject.get(range.end..).unwrap_or_default();
            format!("{before}{tag}{after}")
        }
        _ if subject.contains(&tag) => subject.to_string(),
        SubjectPosition::Start if !subject_trimmed.is_empty() => {
            format!("{tag} {subject_trimmed}")
        }
        _ if subject_trimmed.is_empty() => tag,
        _ => format!("{subject_trimmed} {tag}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_after_prefixes() {
        let c = subject_candidates("RE: FW: IN-CONFIDENCE: budget bid");
        assert_eq!(c.prefixes.len(), 2);
        assert_eq!(c.leading[0].text, "IN-CONFIDENCE");
        assert_eq!(c.leading[0].span, 8..21);
        assert!(c.is_reply_or_forward());
    }

    #[test]
    fn leading_after_bracket() {
        let c = subject_candidates("[EXTERNAL] Re[2]: RESTRICTED - x");
        assert_eq!(c.prefixes[0].text, "Re[2]:");
        assert_eq!(c.leading[0].text, "RESTRICTED");
    }

    #[test]
    fn no_leading_without_separator() {
        let c = subject_candidates("Hello world");
        assert!(c.leading.is_empty());
        assert!(c.brackets.is_empty());
        assert!(!c.is_reply_or_forward());
    }

    #[test]
    fn nested_and_unclosed_brackets() {
        let c = subject_candidates("[a [b] c] [open");
        assert_eq!(c.brackets.len(), 1);
        assert_eq!(c.brackets[0].text, "b");
        assert_eq!(c.brackets[0].span, 3..6);
    }

    #[test]
    fn bad_sec_segment() {
        let c = subject_candidates("x [SEC=A, B]");
        assert!(matches!(c.brackets[0].epms, Some(Err(_))));
    }

    #[test]
    fn multibyte_subject() {
        let c = subject_candidates("Résumé – [IN-CONFIDENCE] für: x");
        assert_eq!(c.brackets[0].text, "IN-CONFIDENCE");
        assert_eq!(c.leading.len(), 0);
    }

    #[test]
    fn add_marking() {
        assert_eq!(
            add_marking_to_subject("", "IN-CONFIDENCE", SubjectPosition::End),
            "[IN-CONFIDENCE]"
        );
        assert_eq!(
            add_marking_to_subject("x [IN-CONFIDENCE]", "[IN-CONFIDENCE]", SubjectPosition::End),
            "x [IN-CONFIDENCE]"
        );
        assert_eq!(
            add_marking_to_subject("x", "A\r\nBcc: evil", SubjectPosition::End),
            "x [A  Bcc: evil]"
        );
        assert_eq!(
            add_marking_to_subject("é", "S", SubjectPosition::Replace(1..2)),
            "é [S]"
        );
    }
}
