//! Reading markings out of one part of a document or message according to where it sits:
//! the single place documents and mail ask "which markings does this part carry?". It is a
//! thin adapter over the [`Scanner`], which holds the banner-versus-prose rules, and puts
//! what the scanner found at the part's [`PartPath`].

use crate::document::PartKind;
use crate::path::PartPath;
use crate::problem::{Problem, ProblemCode};
use crate::report::Finding;
use crate::scan::{PartRole, Scanner};

/// Where a piece of text sits, which decides what counts as a marking in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The whole text is one marking candidate: a header value, a document property.
    Value,
    /// Every line is a banner candidate: a page header or footer, a watermark.
    Banner,
    /// Where a banner goes, but drawn like any other text: a PDF page's top or bottom lines.
    /// A marking there decides as a banner does (title case too), a sentence stays prose
    /// (`Information classified as SECRET must be stored in a container.`).
    Edge,
    /// Running text: a line that is wholly a marking is a banner, and paragraph marks such
    /// as `(S)` at the start of a paragraph count (PSR-HB p.14). Prose never decides.
    Body,
}

impl Role {
    /// How a document part is read: headers, footers and watermarks are banner positions,
    /// page tops and bottoms edges; properties and metadata are single values; everything
    /// else (including tracked deletions and comments, which never decide) is body text.
    pub(crate) fn of(kind: PartKind) -> Role {
        match kind {
            PartKind::Header(_)
            | PartKind::Footer(_)
            | PartKind::Watermark
            | PartKind::Placeholder
            | PartKind::MessageSubject
            | PartKind::MessageHeader => Role::Banner,
            PartKind::PageTop | PartKind::PageBottom => Role::Edge,
            PartKind::CoreProperty
            | PartKind::CustomProperty
            | PartKind::LabelProperty
            | PartKind::Metadata
            | PartKind::SheetName => Role::Value,
            PartKind::Body
            | PartKind::PageText
            | PartKind::Footnotes
            | PartKind::Endnotes
            | PartKind::Hidden
            | PartKind::Deleted
            | PartKind::Comments
            | PartKind::Slide
            | PartKind::SlideNotes
            | PartKind::MasterText
            | PartKind::SheetCells
            | PartKind::Drawing
            | PartKind::MessageBody => Role::Body,
        }
    }

    fn part_role(self) -> PartRole {
        match self {
            Role::Value => PartRole::Property,
            Role::Banner => PartRole::HeaderOrFooter,
            Role::Edge => PartRole::PageEdge,
            Role::Body => PartRole::Body,
        }
    }
}

/// The markings of one part, and the problems only the scanner can see in it.
#[derive(Clone, Debug, Default)]
pub(crate) struct PartReading {
    /// Every finding, at the part's path.
    pub(crate) findings: Vec<Finding>,
    /// `evasion-suspected` and `malformed-marking` problems, at the part's path and line.
    pub(crate) problems: Vec<Problem>,
}

/// The markings of `text`, the part at `at`, read in `role`.
pub(crate) fn read_part(scanner: &Scanner, at: &PartPath, text: &str, role: Role) -> PartReading {
    let report = scanner.scan_part(text, role.part_role());
    let findings = report
        .findings
        .into_iter()
        .map(|mut f| {
            f.at = at.clone();
            f
        })
        .collect();
    let problems = report
        .problems
        .into_iter()
        .filter(|p| {
            matches!(
                p.code,
                ProblemCode::EvasionSuspected | ProblemCode::MalformedMarking
            )
        })
        .map(|p| p.within(at))
        .collect();
    PartReading { findings, problems }
}
