//! Reading markings out of one piece of text according to where it sits (decisions.md D8):
//! the single place documents and mail ask "which markings does this text carry?". It is a
//! thin adapter over the [`Scanner`], which holds the banner-versus-prose rules.

use crate::document::PartKind;
use crate::marking::{Parsed, Parser};
use crate::problem::{Problem, ProblemCode};
use crate::scan::{Confidence, FindingKind, Note, PartRole, Scanner};

/// Where a piece of text sits, which decides what counts as a marking in it (D8).
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
    /// Running text: a line that is wholly a marking is a banner (D8), and paragraph marks
    /// such as `(S)` at the start of a paragraph count (PSR-HB p.14). Prose never decides.
    Body,
}

impl Role {
    /// How a document part is read: headers, footers and watermarks are banner positions,
    /// page tops and bottoms edges; properties and metadata are single values; everything else
    /// (including tracked deletions and comments, which callers may leave out) is body text.
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

/// A marking found in a text.
#[derive(Clone, Debug)]
pub(crate) struct Detected {
    /// The text it was read from (a line, a value or a paragraph mark).
    pub text: String,
    /// 1-based line number in the text.
    pub line: usize,
    /// The parsed marking with its warnings.
    pub parsed: Parsed,
    /// Whether it is a paragraph (portion) mark rather than a banner.
    pub paragraph: bool,
    /// Whether it decides the classification (everything but prose, D8).
    pub deciding: bool,
    /// Where the scanner found it (banner, first line, paragraph mark...).
    pub kind: FindingKind,
    /// How sure the scanner is.
    pub confidence: Confidence,
}

/// The markings of one text and the problems only the scanner can see in it: markings
/// disguised with invisible or look-alike characters, and banner lines that do not parse.
#[derive(Clone, Debug, Default)]
pub(crate) struct DetectedText {
    pub markings: Vec<Detected>,
    /// `evasion-suspected` and `malformed-marking` problems, located `line N`.
    pub problems: Vec<Problem>,
}

/// The markings in `text` read in `role`.
pub(crate) fn markings(scanner: &Scanner, text: &str, role: Role) -> DetectedText {
    let report = scanner.scan_part(text, role.part_role());
    let parser: &Parser = scanner.parser();
    let markings = report
        .findings
        .into_iter()
        .map(|f| {
            // Re-read the written text for its warnings and foreign origin. A marking the
            // scanner had to fold (evasion) or join across lines may not parse as written;
            // its marking stands, without warnings.
            let parsed = match parser.parse(&f.text) {
                Ok(p) if p.marking == f.marking => p,
                _ => Parsed {
                    marking: f.marking,
                    warnings: Vec::new(),
                    foreign: None,
                },
            };
            Detected {
                text: if f.notes.contains(&Note::SplitAcrossLines) {
                    f.text.split_whitespace().collect::<Vec<_>>().join(" ")
                } else {
                    f.text
                },
                line: usize::try_from(f.line).unwrap_or(usize::MAX),
                parsed,
                paragraph: f.kind == FindingKind::ParagraphMark,
                deciding: f.kind.is_deciding(),
                kind: f.kind,
                confidence: f.confidence,
            }
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
        .collect();
    DetectedText { markings, problems }
}
