//! Where banners must stand on a page or slide, shared by the document checks of every
//! format (PSR-HB p.13: every page is marked at its top and bottom, alike).

use super::{Document, Part, PartKind};
use crate::marking::Marking;
use crate::path::{Location, PartPath, Segment};
use crate::problem::{BannerPlace, Problem};

/// Adds `p` unless the same problem is already listed.
pub(super) fn push(problems: &mut Vec<Problem>, p: Problem) {
    if !problems.contains(&p) {
        problems.push(p);
    }
}

/// How many lines at each edge of a page or slide are its top and bottom: three each, or
/// half the page each when it is short (one line is both).
pub(super) fn edge_lines(n: usize) -> usize {
    if n < 2 { n } else { (n / 2).min(3) }
}

/// The top and bottom of the page or slide at `path`: each must carry a marking
/// (`missing-banner` at `places`, top first), and the two must agree (`banners-disagree`).
pub(super) fn check_edges(
    problems: &mut Vec<Problem>,
    path: &PartPath,
    places: [BannerPlace; 2],
    (top, bottom): (&Option<Marking>, &Option<Marking>),
) {
    let at = Location::from(path.clone());
    for (place, m) in places.into_iter().zip([top, bottom]) {
        if m.is_none() {
            push(problems, Problem::missing_banner(at.clone(), place));
        }
    }
    if let (Some(t), Some(b)) = (top, bottom)
        && t != b
    {
        let top_at = Location::from(path.then(Segment::Top));
        let bottom_at = Location::from(path.then(Segment::Bottom));
        push(
            problems,
            Problem::banners_disagree(at, (t, &top_at), (b, &bottom_at)),
        );
    }
}

/// Indices of `doc`'s page headers (or, with `footer`, page footers) that `within` accepts:
/// a DOCX section's, a sheet's, a page style's.
pub(super) fn margin_parts(
    doc: &Document,
    footer: bool,
    within: impl Fn(&Part) -> bool,
) -> Vec<usize> {
    doc.parts
        .iter()
        .enumerate()
        .filter(|(_, p)| within(p))
        .filter(|(_, p)| match p.kind {
            PartKind::Header(_) => !footer,
            PartKind::Footer(_) => footer,
            _ => false,
        })
        .map(|(i, _)| i)
        .collect()
}
