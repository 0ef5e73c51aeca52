//! Document checks: where a document is marked, what its marking is, and what is wrong with
//! how it is marked.
//!
//! The rules come from the PSR: a marking centred at the top **and** bottom of every page
//! (PSR-HB p.13), paragraph marks, and a document marked at least as high as its highest
//! paragraph (PSR-HB p.14). The effective marking is the join of every deciding finding;
//! prose never decides.

use super::banners::{check_edges, edge_lines, margin_parts, push};
use super::{Document, Part, PartKind, check_office};
use crate::detect::{self, Role};
use crate::marking::Marking;
use crate::path::{Location, Segment};
use crate::problem::{BannerPlace, Problem};
use crate::report::{Declared, Finding, Format, Report};
use crate::scan::{FindingKind, Scanner};

/// Check `doc`: every marking, the effective marking and the problems.
///
/// Problems: `unmarked`; `missing-banner` (a DOCX section whose header or footer lacks the
/// marking, a PDF page without it in its top or bottom lines, a PPTX or ODP slide without it
/// in its first lines or in its last lines and footer placeholders, an XLSX sheet with
/// content whose page header or footer lacks it, an OpenDocument text or spreadsheet page
/// style whose header or footer lacks it); `banners-disagree` (header and footer, page top
/// and bottom, a slide's top and bottom, or a slide and the first marked slide, differ); `under-marked` (body text or a paragraph mark
/// above the banner); `metadata-disagrees` (a label property or PDF metadata differs from the
/// visible marking); `non-canonical`; `foreign-marking`; and the scanner's
/// `evasion-suspected` and `malformed-marking` in any part. The report's `declared` marking
/// is the join of the banners (headers, footers, placeholders, page tops and bottoms, first
/// and last lines of a body, a page or a slide).
///
/// ```
/// use protective_marking::{scan::FindingKind, Limits, ProblemCode, Scanner};
/// use protective_marking::document::{check, read_text};
///
/// let doc = read_text(b"IN-CONFIDENCE\n\n(S) The plan.\n\nIN-CONFIDENCE", &Limits::default())?;
/// let report = check(&doc, &Scanner::new());
/// assert_eq!(report.marking.as_ref().unwrap().to_string(), "SECRET");
/// assert_eq!(report.declared.as_ref().unwrap().marking.to_string(), "IN-CONFIDENCE");
/// assert!(report.has_problem(ProblemCode::UnderMarked));
/// let mark = report.findings.iter().find(|f| f.kind == FindingKind::ParagraphMark).unwrap();
/// assert_eq!((mark.at.to_string(), mark.line), ("body".to_string(), Some(3)));
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
pub fn check(doc: &Document, scanner: &Scanner) -> Report {
    let mut problems: Vec<Problem> = Vec::new();
    // Each finding with the part it is in.
    let mut found: Vec<(usize, Finding)> = Vec::new();
    for (i, part) in doc.parts.iter().enumerate() {
        let reading = detect::read_part(scanner, &part.path, &part.text, Role::of(part.kind));
        for p in reading.problems {
            push(&mut problems, p);
        }
        found.extend(reading.findings.into_iter().map(|f| (i, f)));
    }
    for (_, f) in &found {
        if f.notes.contains(&crate::scan::Note::NonCanonical) {
            push(
                &mut problems,
                Problem::non_canonical(f.location(), &f.text, &f.marking),
            );
        }
        if let Some(foreign) = &f.foreign {
            push(
                &mut problems,
                Problem::foreign_marking(f.location(), &f.text, foreign, &f.marking),
            );
        }
    }

    let deciding: Vec<&(usize, Finding)> = found.iter().filter(|(_, f)| f.is_deciding()).collect();
    let marking = Marking::join_all(deciding.iter().map(|(_, f)| &f.marking));
    let is_metadata = |i: usize| Role::of(doc.parts[i].kind) == Role::Value;
    let visible: Vec<&(usize, Finding)> = deciding
        .iter()
        .copied()
        .filter(|(i, _)| !is_metadata(*i))
        .collect();
    // Each part's first and last non-blank lines, found once for all its findings.
    let mut edges: Vec<Option<Option<(u64, u64)>>> = vec![None; doc.parts.len()];
    let banners: Vec<&(usize, Finding)> = visible
        .iter()
        .copied()
        .filter(|(i, f)| {
            let part = &doc.parts[*i];
            let edges = || *edges[*i].get_or_insert_with(|| edge_line_numbers(&part.text));
            f.kind != FindingKind::ParagraphMark && is_banner_position(part, f, edges)
        })
        .collect();
    let declared = Marking::join_all(banners.iter().map(|(_, f)| &f.marking)).map(|m| Declared {
        marking: m,
        at: banners[0].1.at.clone(),
        text: banners[0].1.text.clone(),
    });

    let whole = Location::from(Segment::Document);
    if visible.is_empty() {
        push(&mut problems, Problem::unmarked(whole, marking.as_ref()));
    } else {
        match doc.format {
            Format::Docx => docx_banners(doc, &deciding, &mut problems),
            Format::Pdf => pdf_banners(doc, scanner, &mut problems),
            Format::Pptx | Format::Odp => {
                check_office::slide_banners(doc, scanner, &deciding, &mut problems);
            }
            Format::Xlsx => check_office::sheet_banners(doc, &deciding, &mut problems),
            Format::Odt | Format::Ods => {
                check_office::page_style_banners(doc, &deciding, &mut problems);
            }
            _ => {}
        }
    }

    // Under-marked: body text or paragraph marks above the banner (PSR-HB p.14).
    if let Some(d) = &declared {
        for (_, f) in visible
            .iter()
            .filter(|(_, f)| !d.marking.dominates(&f.marking))
        {
            push(
                &mut problems,
                Problem::under_marked(
                    f.location(),
                    Segment::Document,
                    &f.text,
                    &f.marking,
                    &d.marking,
                ),
            );
        }
    }
    // Metadata labels against the visible marking.
    if let Some(shown) = Marking::join_all(visible.iter().map(|(_, f)| &f.marking)) {
        for (_, f) in deciding
            .iter()
            .filter(|(i, f)| is_metadata(*i) && f.marking != shown)
        {
            push(
                &mut problems,
                Problem::metadata_disagrees(f.location(), &f.marking, &shown),
            );
        }
    }
    let mut report = Report::new(doc.format);
    report.marking = marking;
    report.declared = declared;
    report.findings = found.into_iter().map(|(_, f)| f).collect();
    report.problems = problems;
    report
}

/// Whether a finding sits where a banner goes: a header, footer, watermark, page top or
/// bottom, or the first or last line of the body (`edges`: the part's
/// [`edge_line_numbers`]).
fn is_banner_position(
    part: &Part,
    f: &Finding,
    edges: impl FnOnce() -> Option<(u64, u64)>,
) -> bool {
    match part.kind {
        PartKind::Header(_)
        | PartKind::Footer(_)
        | PartKind::Watermark
        | PartKind::Placeholder
        | PartKind::MessageSubject
        | PartKind::MessageHeader
        | PartKind::PageTop
        | PartKind::PageBottom => true,
        PartKind::Body | PartKind::PageText | PartKind::Slide => f
            .line
            .is_some_and(|l| edges().is_some_and(|(first, last)| l == first || l == last)),
        _ => false,
    }
}

/// The 1-based numbers of the first and last non-blank lines of `text`, as [`str::lines`]
/// numbers them; `None` when every line is blank. Found from both ends.
fn edge_line_numbers(text: &str) -> Option<(u64, u64)> {
    let blank = |l: &str| l.trim().is_empty();
    let first = text.split('\n').position(|l| !blank(l))?;
    let from_end = text.rsplit('\n').position(|l| !blank(l))?;
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    Some((first as u64 + 1, (lines - from_end) as u64))
}

/// DOCX: every section's headers and footers carry the marking, and agree. A section with
/// no header of its own continues the previous section's (as Word does).
fn docx_banners(doc: &Document, deciding: &[&(usize, Finding)], problems: &mut Vec<Problem>) {
    let decides_in = |i: usize| deciding.iter().any(|(j, _)| *j == i);
    let mut prev: [Option<Vec<usize>>; 2] = [None, None];
    for section in 1..=doc.sections.max(1) {
        let at_section = Location::from(Segment::Section(section));
        for slot in [0, 1] {
            let own = margin_parts(doc, slot == 1, |p| p.section() == Some(section));
            let parts = if own.is_empty() {
                prev[slot].clone().unwrap_or_default()
            } else {
                own
            };
            let (none, unmarked) = if slot == 0 {
                (BannerPlace::NoHeader, BannerPlace::Header)
            } else {
                (BannerPlace::NoFooter, BannerPlace::Footer)
            };
            if parts.is_empty() {
                push(problems, Problem::missing_banner(at_section.clone(), none));
            }
            for &i in &parts {
                if !decides_in(i) {
                    let at = Location::from(doc.parts[i].path.clone());
                    push(problems, Problem::missing_banner(at, unmarked));
                }
            }
            prev[slot] = Some(parts);
        }
        let marks = |slot: usize| -> Option<(Marking, Location)> {
            let parts: Vec<usize> = prev[slot].iter().flatten().copied().collect();
            let of_slot: Vec<&Finding> = deciding
                .iter()
                .filter(|(i, _)| parts.contains(i))
                .map(|(_, f)| f)
                .collect();
            let m = Marking::join_all(of_slot.iter().map(|f| &f.marking))?;
            Some((m, Location::from(of_slot[0].at.clone())))
        };
        if let (Some((h, h_at)), Some((f, f_at))) = (marks(0), marks(1))
            && h != f
        {
            push(
                problems,
                Problem::banners_disagree(at_section, (&h, &h_at), (&f, &f_at)),
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
fn pdf_banners(doc: &Document, scanner: &Scanner, problems: &mut Vec<Problem>) {
    for part in doc.parts.iter().filter(|p| p.kind == PartKind::PageText) {
        let lines: Vec<&str> = part
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let read = |ls: &[&str], edge: Segment| -> Option<Marking> {
            let at = part.path.then(edge);
            let reading = detect::read_part(scanner, &at, &ls.join("\n"), Role::Edge);
            Marking::join_all(
                reading
                    .findings
                    .iter()
                    .filter(|f| f.is_deciding())
                    .map(|f| &f.marking),
            )
        };
        let n = lines.len();
        let k = edge_lines(n);
        let top = read(&lines[..k], Segment::Top);
        let bottom = read(&lines[n - k..], Segment::Bottom);
        check_edges(
            problems,
            &part.path,
            [BannerPlace::PageTop, BannerPlace::PageBottom],
            (&top, &bottom),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::edge_line_numbers;
    use proptest::prelude::*;

    /// What the line numbers mean: `str::lines`, numbered from 1, blank lines skipped.
    fn by_lines(text: &str) -> Option<(u64, u64)> {
        let non_blank: Vec<u64> = text
            .lines()
            .zip(1u64..)
            .filter(|(l, _)| !l.trim().is_empty())
            .map(|(_, n)| n)
            .collect();
        Some((*non_blank.first()?, *non_blank.last()?))
    }

    #[test]
    fn edge_lines_of_a_part() {
        assert_eq!(edge_line_numbers(""), None);
        assert_eq!(edge_line_numbers(" \n\t\r\n"), None);
        assert_eq!(edge_line_numbers("SECRET"), Some((1, 1)));
        assert_eq!(
            edge_line_numbers("\nSECRET\r\nbody\n\u{a0}\n"),
            Some((2, 3))
        );
    }

    proptest! {
        #[test]
        fn edge_lines_are_the_first_and_last_non_blank_lines(
            text in "[a \\n\\r\\t\u{a0}ā]{0,40}"
        ) {
            prop_assert_eq!(edge_line_numbers(&text), by_lines(&text));
        }
    }
}
