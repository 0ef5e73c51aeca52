//! The banner checks of presentations, workbooks and OpenDocument files: where the PSR's
//! "top and bottom of every page" (PSR-HB p.13) falls in each.
//!
//! * A slide (PPTX, ODP) is a page: its first lines (its text top to bottom, with the text
//!   boxes its layout and master draw on it) and its last lines with its footer, date and
//!   slide-number placeholders must carry the marking, and agree; and every slide carries
//!   the same marking, since each shows the marking of the whole deck.
//! * A worksheet (XLSX) prints with its page header and footer: every sheet with content
//!   has both, each marked, and they agree, as a DOCX section does.
//! * An OpenDocument text or spreadsheet prints with the header and footer of its page
//!   styles (master pages): each page style has both, each marked, and they agree.

use super::banners::{check_edges, edge_lines, margin_parts, push};
use super::{Document, Part, PartKind};
use crate::detect::{self, Role};
use crate::marking::Marking;
use crate::path::{Location, PartPath, Placeholder, Segment};
use crate::problem::{BannerPlace, Problem};
use crate::report::Finding;
use crate::scan::Scanner;
use std::collections::HashMap;

/// The deciding findings, each with the index of its part.
type Deciding<'a> = [&'a (usize, Finding)];

/// The deciding findings of each part, by part index, as `(line, marking)`.
fn by_part<'a>(doc: &Document, deciding: &Deciding<'a>) -> Vec<Vec<(Option<u64>, &'a Marking)>> {
    let mut out = vec![Vec::new(); doc.parts.len()];
    for (i, f) in deciding.iter().copied() {
        if let Some(found) = out.get_mut(*i) {
            found.push((f.line, &f.marking));
        }
    }
    out
}

/// The join of the markings of `found` (of one part) on the lines `keep` accepts.
fn joined(
    found: &[(Option<u64>, &Marking)],
    keep: impl Fn(Option<u64>) -> bool,
) -> Option<Marking> {
    Marking::join_all(found.iter().filter(|(l, _)| keep(*l)).map(|(_, m)| *m))
}

fn join(a: Option<Marking>, b: Option<Marking>) -> Option<Marking> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.join(&b)),
        (a, b) => a.or(b),
    }
}

/// The markings of `lines` read as the edge of a page at `at`: a marking there counts, a
/// sentence that mentions a level does not.
fn edge(scanner: &Scanner, at: &PartPath, lines: &[&str]) -> Option<Marking> {
    let reading = detect::read_part(scanner, at, &lines.join("\n"), Role::Edge);
    Marking::join_all(
        reading
            .findings
            .iter()
            .filter(|f| f.is_deciding())
            .map(|f| &f.marking),
    )
}

/// Slides: every slide shown (numbered in show order; a slide no list names is not shown)
/// is marked at its top and bottom, alike, and as the first marked slide is.
pub(super) fn slide_banners(
    doc: &Document,
    scanner: &Scanner,
    deciding: &Deciding<'_>,
    problems: &mut Vec<Problem>,
) {
    let found = by_part(doc, deciding);
    // The footer-area placeholders of each slide, by the slide's path.
    let mut placeholders: HashMap<PartPath, Vec<usize>> = HashMap::new();
    for (i, p) in doc.parts.iter().enumerate() {
        if p.kind == PartKind::Placeholder {
            placeholders.entry(p.path.parent()).or_default().push(i);
        }
    }
    let mut first: Option<(Marking, Location)> = None;
    let slides = doc.parts.iter().enumerate().filter(|(_, p)| {
        p.kind == PartKind::Slide && matches!(p.path.segments(), [Segment::Slide(_)])
    });
    for (i, part) in slides {
        let slide = &part.path;
        // The non-empty lines, with their line numbers in the part.
        let lines: Vec<(u64, &str)> = part
            .text
            .lines()
            .zip(1u64..)
            .map(|(l, n)| (n, l.trim()))
            .filter(|(_, l)| !l.is_empty())
            .collect();
        let n = lines.len();
        let k = edge_lines(n);
        let (top_lines, bottom_lines) = (&lines[..k], &lines[n - k..]);
        let top_at = slide.then(Segment::Top);
        let bottom_at = slide.then(Segment::Bottom);
        // What the slide's own reading decides on those lines; else those lines read as a
        // page edge, where a marking counts and a sentence mentioning a level does not.
        let on = |edge_lines: &[(u64, &str)], at: &PartPath| {
            let lines: Vec<u64> = edge_lines.iter().map(|(n, _)| *n).collect();
            joined(&found[i], |l| l.is_some_and(|l| lines.contains(&l))).or_else(|| {
                let text: Vec<&str> = edge_lines.iter().map(|(_, l)| *l).collect();
                edge(scanner, at, &text)
            })
        };
        let mut top = on(top_lines, &top_at);
        let mut bottom = on(bottom_lines, &bottom_at);
        for &j in placeholders.get(slide).into_iter().flatten() {
            let m = joined(&found[j], |_| true);
            if doc.parts[j].path.last() == Some(&Segment::Placeholder(Placeholder::Header)) {
                top = join(top, m);
            } else {
                bottom = join(bottom, m);
            }
        }
        check_edges(
            problems,
            slide,
            [BannerPlace::SlideTop, BannerPlace::SlideBottom],
            (&top, &bottom),
        );
        let at = Location::from(slide.clone());
        let Some(shown) = join(top, bottom) else {
            continue;
        };
        match &first {
            None => first = Some((shown, at)),
            Some((m, m_at)) if *m != shown => push(
                problems,
                Problem::banners_disagree(at.clone(), (m, m_at), (&shown, &at)),
            ),
            Some(_) => {}
        }
    }
}

/// Worksheets: every sheet with cells or drawn text has a page header and footer, each
/// marked, and they agree.
pub(super) fn sheet_banners(doc: &Document, deciding: &Deciding<'_>, problems: &mut Vec<Problem>) {
    let found = by_part(doc, deciding);
    let sheets = doc
        .parts
        .iter()
        .filter(|p| p.kind == PartKind::SheetName)
        .map(|p| p.path.parent());
    for sheet in sheets {
        let within = |p: &Part| {
            p.path.segments().starts_with(sheet.segments()) && p.path.segments() != sheet.segments()
        };
        let has_content = doc
            .parts
            .iter()
            .any(|p| within(p) && matches!(p.kind, PartKind::SheetCells | PartKind::Drawing));
        if has_content {
            let at = Location::from(sheet.clone());
            let none = (BannerPlace::SheetNoHeader, BannerPlace::SheetNoFooter);
            margins(doc, &found, problems, &at, &within, none);
        }
    }
}

/// OpenDocument text and spreadsheets: every page style (master page) with a header or
/// footer has both, each marked, and they agree; a document none of whose page styles has
/// a header or a footer lacks it.
pub(super) fn page_style_banners(
    doc: &Document,
    deciding: &Deciding<'_>,
    problems: &mut Vec<Problem>,
) {
    let found = by_part(doc, deciding);
    let none = (BannerPlace::NoPageHeader, BannerPlace::NoPageFooter);
    let mut pages: Vec<&Segment> = Vec::new();
    for p in &doc.parts {
        if let [page @ Segment::MasterPage(_), Segment::PageMargin { .. }] = p.path.segments()
            && !pages.contains(&page)
        {
            pages.push(page);
        }
    }
    if pages.is_empty() {
        let at = Location::from(Segment::Document);
        margins(doc, &found, problems, &at, &|_| false, none);
    }
    for page in pages {
        let within = |p: &Part| p.path.segments().first() == Some(page);
        let at = Location::from(page.clone());
        margins(doc, &found, problems, &at, &within, none);
    }
}

/// The header and footer parts `within` selects: `none` (header, footer) when there is no
/// such part, `missing-banner` for each one that carries no marking, `banners-disagree` when
/// the headers and footers differ.
fn margins(
    doc: &Document,
    found: &[Vec<(Option<u64>, &Marking)>],
    problems: &mut Vec<Problem>,
    at: &Location,
    within: &dyn Fn(&Part) -> bool,
    none: (BannerPlace, BannerPlace),
) {
    let mut marks: [Option<(Marking, Location)>; 2] = [None, None];
    for (slot, place, unmarked) in [
        (0, none.0, BannerPlace::Header),
        (1, none.1, BannerPlace::Footer),
    ] {
        let parts = margin_parts(doc, slot == 1, within);
        if parts.is_empty() {
            push(problems, Problem::missing_banner(at.clone(), place));
        }
        for i in parts {
            let part_at = Location::from(doc.parts[i].path.clone());
            match joined(&found[i], |_| true) {
                None => push(problems, Problem::missing_banner(part_at, unmarked)),
                Some(m) => {
                    marks[slot] = Some(match marks[slot].take() {
                        Some((acc, acc_at)) => (acc.join(&m), acc_at),
                        None => (m, part_at),
                    });
                }
            }
        }
    }
    if let [Some((h, h_at)), Some((f, f_at))] = &marks
        && h != f
    {
        push(
            problems,
            Problem::banners_disagree(at.clone(), (h, h_at), (f, f_at)),
        );
    }
}
