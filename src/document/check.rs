//! Document checks (the project's issue 4): where a document is marked, what its marking
//! is, and what is wrong with how it is marked.
//!
//! The rules come from PSR-HB p.13 and PSR-APPLY (marking centred at the top **and** bottom
//! of every page; paragraph marks; the document marking equals the highest paragraph
//! marking) and decisions.md D2 (the effective marking is the join of deciding findings) and
//! D8 (prose never decides).

use super::{Document, Format, PartKind};
use crate::detect::{self, Role};
use crate::marking::{DiagnosticCode, Marking};
use crate::path::PartPath;
use crate::problem::{Problem, ProblemCode};
use crate::scan::{Confidence, FindingKind, Scanner};
use serde::Serialize;

/// One marking found in a document.
///
/// ```
/// use protective_marking::{FindingKind, Limits, Scanner};
/// use protective_marking::document::{check, read_text};
///
/// let doc = read_text(b"RESTRICTED\n\n(S) The plan.\n\nRESTRICTED", &Limits::default())?;
/// let report = check(&doc, &Scanner::new());
/// let first = &report.findings[0];
/// assert_eq!((first.path.to_string(), first.line), ("body".to_string(), 1));
/// assert_eq!(first.finding, FindingKind::FirstLine);
/// assert_eq!(first.marking.to_string(), "RESTRICTED");
/// // A paragraph mark decides too, so `(S)` on line 3 counts towards the document's marking.
/// let mark = report.findings.iter().find(|f| f.paragraph).unwrap();
/// assert_eq!((mark.line, mark.deciding), (3, true));
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentFinding {
    /// The part it was found in, e.g. `header[default]/section 1` or `page 3/top`.
    pub path: PartPath,
    /// The kind of part.
    pub kind: PartKind,
    /// 1-based line within the part.
    pub line: usize,
    /// The text as written.
    pub text: String,
    /// The marking read.
    pub marking: Marking,
    /// Whether it is a paragraph mark such as `(S)`.
    pub paragraph: bool,
    /// Where the scanner found it within the part: `banner`, `first-line`, `last-line`,
    /// `paragraph-mark`, `statement`, `property` or `inline` (prose, never deciding).
    pub finding: FindingKind,
    /// How sure the scanner is that this is a marking.
    pub confidence: Confidence,
    /// Whether it decides the document's marking (D8): everything but tracked deletions and
    /// comments.
    pub deciding: bool,
}

/// The markings of one document and what is wrong with them.
///
/// ```
/// use protective_marking::{Limits, ProblemCode, Scanner};
/// use protective_marking::document::{check, read_text};
///
/// let doc = read_text(b"IN-CONFIDENCE\n\n(S) The plan.\n\nIN-CONFIDENCE", &Limits::default())?;
/// let report = check(&doc, &Scanner::new());
/// assert_eq!(report.marking.unwrap().to_string(), "SECRET");
/// assert!(report.problems.iter().any(|p| p.code == ProblemCode::UnderMarked));
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentReport {
    /// What the input was read as.
    pub format: Format,
    /// The effective marking: the join of every deciding finding (D2); `None` if unmarked.
    pub marking: Option<Marking>,
    /// The marking shown in banner positions (headers, footers, page tops and bottoms, the
    /// first and last lines), joined; `None` if there is no banner.
    pub banner: Option<Marking>,
    /// Every marking found.
    pub findings: Vec<DocumentFinding>,
    /// What is wrong.
    pub problems: Vec<Problem>,
}

/// Core, custom and label properties and PDF metadata: the document's labels, as opposed
/// to what it shows.
fn is_metadata(kind: PartKind) -> bool {
    Role::of(kind) == Role::Value
}

/// Check `doc`: every marking, the effective marking and the problems (issue 4).
///
/// Problems: `unmarked`; `missing-banner` (a DOCX section whose header or footer lacks the
/// marking, a PDF page without it in its top or bottom lines); `banners-disagree` (header
/// and footer, or page top and bottom, differ); `under-marked` (body text or a paragraph mark
/// above the banner); `metadata-disagrees` (a label property or PDF metadata differs from the
/// visible marking); `non-canonical`.
pub fn check(doc: &Document, scanner: &Scanner) -> DocumentReport {
    let parser = scanner.parser();
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    for part in &doc.parts {
        let role = Role::of(part.kind);
        // A PDF page's own text is read for paragraph marks and its first/last lines; the
        // top and bottom lines are separate banner parts.
        let detected = detect::markings(scanner, &part.text, role);
        for p in detected.problems {
            push(
                &mut problems,
                p.code,
                &format!("{}, {}", part.path, p.location),
                p.message,
            );
        }
        for d in detected.markings {
            let deciding =
                d.deciding && !matches!(part.kind, PartKind::Deleted | PartKind::Comments);
            findings.push(DocumentFinding {
                path: part.path.clone(),
                kind: part.kind,
                line: d.line,
                text: d.text,
                marking: d.parsed.marking.clone(),
                paragraph: d.paragraph,
                finding: d.kind,
                confidence: d.confidence,
                deciding,
            });
        }
    }
    for f in &findings {
        if let Ok(p) = parser.parse(&f.text)
            && let Some(w) = p
                .warnings
                .iter()
                .find(|w| w.code == DiagnosticCode::NonCanonicalForm)
        {
            push(
                &mut problems,
                ProblemCode::NonCanonical,
                &f.path.to_string(),
                format!("`{}`: {}", f.text, w.message),
            );
        }
    }

    let deciding: Vec<&DocumentFinding> = findings.iter().filter(|f| f.deciding).collect();
    let marking = Marking::join_all(deciding.iter().map(|f| &f.marking));
    let visible: Vec<&&DocumentFinding> =
        deciding.iter().filter(|f| !is_metadata(f.kind)).collect();
    let banners: Vec<&&&DocumentFinding> = visible
        .iter()
        .filter(|f| !f.paragraph && is_banner_position(doc, f))
        .collect();
    let banner = Marking::join_all(banners.iter().map(|f| &f.marking));

    if visible.is_empty() {
        let msg = if marking.is_some() {
            "only the document's metadata carries a marking; show it top and bottom of every page (PSR-HB p.13)"
        } else {
            "no protective marking found; mark the document top and bottom of every page (PSR-HB p.13)"
        };
        push(&mut problems, ProblemCode::Unmarked, "document", msg.into());
    }

    match doc.format {
        Format::Docx => docx_banners(doc, &findings, &mut problems),
        Format::Pdf => pdf_banners(doc, scanner, &findings, &mut problems),
        // The per-format checks of presentations, workbooks, OpenDocument and messages are
        // not written yet: their markings are read and joined as for any document.
        _ => {}
    }

    // Under-marked: body text or paragraph marks above the banner (PSR-HB p.14).
    if let Some(b) = &banner {
        for f in visible.iter().filter(|f| !b.dominates(&f.marking)) {
            push(
                &mut problems,
                ProblemCode::UnderMarked,
                &f.path.to_string(),
                format!(
                    "`{}` (line {}) is {} but the document is marked {b}; mark it {}",
                    f.text,
                    f.line,
                    f.marking,
                    b.join(&f.marking)
                ),
            );
        }
    }
    // Metadata labels against the visible marking.
    if let Some(v) = Marking::join_all(visible.iter().map(|f| &f.marking)) {
        for f in deciding
            .iter()
            .filter(|f| is_metadata(f.kind) && f.marking != v)
        {
            push(
                &mut problems,
                ProblemCode::MetadataDisagrees,
                &f.path.to_string(),
                format!("the label says {} but the document shows {v}", f.marking),
            );
        }
    }
    DocumentReport {
        format: doc.format,
        marking,
        banner,
        findings,
        problems,
    }
}

fn push(problems: &mut Vec<Problem>, code: ProblemCode, location: &str, message: String) {
    let p = Problem::new(code, location, message);
    if !problems.contains(&p) {
        problems.push(p);
    }
}

/// Whether a finding sits where a banner goes: a header, footer, watermark, page top or
/// bottom, or the first or last line of the body.
fn is_banner_position(doc: &Document, f: &DocumentFinding) -> bool {
    match f.kind {
        PartKind::Header(_)
        | PartKind::Footer(_)
        | PartKind::Watermark
        | PartKind::PageTop
        | PartKind::PageBottom => true,
        PartKind::Body | PartKind::PageText => {
            let Some(part) = doc.parts.iter().find(|p| p.path == f.path) else {
                return false;
            };
            let non_empty: Vec<usize> = part
                .text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, _)| i + 1)
                .collect();
            non_empty.first() == Some(&f.line) || non_empty.last() == Some(&f.line)
        }
        _ => false,
    }
}

/// DOCX: every section's headers and footers carry the marking, and agree. A section with
/// no header of its own continues the previous section's (as Word does).
fn docx_banners(doc: &Document, findings: &[DocumentFinding], problems: &mut Vec<Problem>) {
    if findings.iter().all(|f| !f.deciding) {
        return; // already reported unmarked
    }
    let mut prev: [Option<Vec<usize>>; 2] = [None, None];
    for section in 1..=doc.sections.max(1) {
        for (slot, name) in [(0, "header"), (1, "footer")] {
            let own: Vec<usize> = doc
                .parts
                .iter()
                .enumerate()
                .filter(|(_, p)| p.section() == Some(section))
                .filter(|(_, p)| {
                    matches!(
                        (slot, p.kind),
                        (0, PartKind::Header(_)) | (1, PartKind::Footer(_))
                    )
                })
                .map(|(i, _)| i)
                .collect();
            let parts = if own.is_empty() {
                prev[slot].clone().unwrap_or_default()
            } else {
                own
            };
            if parts.is_empty() {
                push(
                    problems,
                    ProblemCode::MissingBanner,
                    &format!("section {section}"),
                    format!(
                        "section {section} has no {name}; put the marking in the {name} so every page is marked (PSR-HB p.13)"
                    ),
                );
            }
            for &i in &parts {
                let p = &doc.parts[i];
                if !findings.iter().any(|f| f.path == p.path && f.deciding) {
                    push(
                        problems,
                        ProblemCode::MissingBanner,
                        &p.path.to_string(),
                        format!(
                            "the {name} has no protective marking; every page needs it top and bottom (PSR-HB p.13)"
                        ),
                    );
                }
            }
            prev[slot] = Some(parts);
        }
        let marks = |slot: usize| -> Option<Marking> {
            let paths: Vec<&PartPath> = prev[slot]
                .iter()
                .flatten()
                .map(|&i| &doc.parts[i].path)
                .collect();
            Marking::join_all(
                findings
                    .iter()
                    .filter(|f| f.deciding && paths.contains(&&f.path))
                    .map(|f| &f.marking),
            )
        };
        if let (Some(h), Some(f)) = (marks(0), marks(1))
            && h != f
        {
            push(
                problems,
                ProblemCode::BannersDisagree,
                &format!("section {section}"),
                format!("the header says {h} but the footer says {f}; use the same marking"),
            );
        }
    }
}

/// PDF: every page shows the marking in its top and bottom lines, and they agree.
/// Text extraction follows drawing order, so "top" and "bottom" are the first and last three
/// non-empty lines of the page's text, or fewer on a short page so that they never share a
/// line (a page with `CONFIDENTIAL`, a line of text and `SECRET` has disagreeing banners,
/// not two tops that both read SECRET). They are read as page edges: a marking there counts,
/// a sentence that mentions a level does not.
fn pdf_banners(
    doc: &Document,
    scanner: &Scanner,
    findings: &[DocumentFinding],
    problems: &mut Vec<Problem>,
) {
    if findings.iter().all(|f| !f.deciding) {
        return;
    }
    for part in doc.parts.iter().filter(|p| p.kind == PartKind::PageText) {
        let lines: Vec<&str> = part
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let read = |ls: &[&str]| -> Option<Marking> {
            let found = detect::markings(scanner, &ls.join("\n"), Role::Edge);
            Marking::join_all(
                found
                    .markings
                    .iter()
                    .filter(|d| d.deciding)
                    .map(|d| &d.parsed.marking),
            )
        };
        let n = lines.len();
        // Three lines each, or half the page each when it is short (one line: it is both).
        let k = if n < 2 { n } else { (n / 2).min(3) };
        let top = read(&lines[..k]);
        let bottom = read(&lines[n - k..]);
        for (where_, m) in [("top", &top), ("bottom", &bottom)] {
            if m.is_none() {
                push(
                    problems,
                    ProblemCode::MissingBanner,
                    &part.path.to_string(),
                    format!("no protective marking at the {where_} of the page (PSR-HB p.13)"),
                );
            }
        }
        if let (Some(t), Some(b)) = (&top, &bottom)
            && t != b
        {
            push(
                problems,
                ProblemCode::BannersDisagree,
                &part.path.to_string(),
                format!("the top says {t} but the bottom says {b}; use the same marking"),
            );
        }
    }
}
