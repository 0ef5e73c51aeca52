//! Finding protective markings in text: the engine behind documents, mail and the checker.
//!
//! A [`Scanner`] is built once and shared (it is `Send + Sync`, and a clone is an `Arc`
//! clone). [`Scanner::scan`] reads a `&str` or `&[u8]`, [`Scanner::scan_reader`] a
//! [`Read`](std::io::Read) stream of any size in bounded memory. Both give a
//! [`Report`](crate::Report): every [`Finding`](crate::Finding) with its byte [`Span`], line,
//! text, parsed [`Marking`](crate::Marking), [`FindingKind`], [`Confidence`] and [`Note`]s;
//! the effective marking (the [join](crate::Marking::join) of the deciding findings); and the
//! [`Problem`](crate::Problem)s.
//!
//! ```
//! use protective_marking::{Classification, scan::FindingKind, ProblemCode, Scanner};
//!
//! let scanner = Scanner::new();
//! let report = scanner.scan("IN CONFIDENCE\n\nShe told me in confidence that...\n\nIN CONFIDENCE\n");
//! let marking = report.marking.as_ref().unwrap();
//! assert_eq!(marking.classification(), Classification::InConfidence);
//! assert_eq!(report.findings.len(), 2); // the prose "in confidence" does not count
//! assert_eq!(report.findings[0].kind, FindingKind::FirstLine);
//! assert_eq!(report.findings[1].kind, FindingKind::LastLine);
//! // Readable, but not the canonical IN-CONFIDENCE: an advisory problem.
//! assert!(report.problems.iter().all(|p| p.code == ProblemCode::NonCanonical));
//! ```
//!
//! # Banner versus prose
//!
//! Marking words are ordinary English, so *where* they stand decides whether they are a marking:
//! the PSR puts a marking at the top and bottom of each page and a paragraph mark at the start of a
//! paragraph (PSR-HB p.13-14), so text in running prose never decides. Real documents rarely keep a
//! banner on a line of its own: text extraction fuses it with a title or a page number, release
//! stamps land above it. The rules, in order:
//!
//! 1. **Paragraph mark**: `(U) (IC) (Sen) (R) (C) (S) (TS)` at the start of a line, in the
//!    PSR's case (`(c)` and `(s)` are list items), followed by text that does not start with
//!    a digit (`(C) 2024` is a copyright line). Deciding.
//! 2. **Banner**: a line (up to 256 bytes, trimmed, without quotes or brackets around it)
//!    that parses as a marking *on its own*, in any case: `SECRET`, `Secret`, `In
//!    Confidence - Staff`, `TOP SECRET//NZEO`, `[RESTRICTED]`, `“SECRET”`. A phrase split
//!    over two lines (`TOP` / `SECRET`, PDF text) reads as the highest marking its words
//!    spell, when they are written in the same case. Letter-spaced banners (`S E C R E T`,
//!    as US cables print them) read as their words. The first and last non-blank lines of a
//!    part are reported as [`FindingKind::FirstLine`] and [`FindingKind::LastLine`].
//!    Deciding.
//! 3. **Fused banner** ([`Note::FusedWithText`]): the longest run of marking words that
//!    parses, when what stands *before* it is the line's start, a page number, a sentence
//!    stop, a colon, a layout gap, a number or a repeat of the same marking, and what
//!    follows is a break: the line's end, a sentence stop or colon, a dash, a number or a
//!    reference (`CAB-21-MIN-0412`), a layout gap, or a word in title case after a marking in
//!    capitals (`RESTRICTED Office of the Minister`). Capitals decide anywhere. Title case
//!    (`In Confidence. Office of ...`) decides only where a banner stands: on the first or
//!    last line of the part (release stamps such as `Released under the Official Information
//!    Act 1982` above it do not count), on a page's edges ([`PartRole::PageEdge`]), or
//!    repeated at the start of several lines ([`Note::RunningHeader`]); elsewhere it is
//!    reported as [`Note::Ambiguous`], like a heading (`SECRET SERVICE ANNUAL REPORT`,
//!    `Sensitive Expenditure Policy`). A bracketed marking decides alone on its line or on a
//!    quoted `Subject:` line (`Subject: RE: roster [RESTRICTED]`).
//! 4. **Marking statement**: a label and the marking to the end of its sentence or field,
//!    not in lower case: `This document is classified as IN CONFIDENCE.`, `Classification:
//!    RESTRICTED`, `Security Level: IN CONFIDENCE. Hon ...`. Deciding.
//! 5. **Inline** (prose): everything else, such as `told me in confidence`, `restricted
//!    area`, `trade secret`, `private and confidential`, `information classified as SECRET
//!    must ...`, `SENSITIVE or RESTRICTED information cannot be sent`. Never deciding. By
//!    default only inline markings written in capitals are reported, at low confidence
//!    ([`ProseFindings`]).
//!
//! Guidance that lists or defines the levels is not a marked text: a bulleted level
//! (`- IN CONFIDENCE`, [`Note::ListItem`]), a level heading that the next line defines
//! (`RESTRICTED` over `Use the RESTRICTED security classification when ...`,
//! [`Note::Heading`]) and a definition (`Confidential -- damage to national security`) never
//! decide.
//!
//! A line in a banner position that looks like a marking but does not parse (`TOP SECRET
//! RESTRICTED`, `SECRET//UNKNOWNWORD`, `TOP SECRET//SI//NOFORN`) is a `malformed-marking`
//! problem, naming each word it could not read, and, when it names a level after which it
//! breaks, also a finding at that level ([`Note::PartlyRead`]): a marking is never read lower
//! than the text shows.
//!
//! # Evasion
//!
//! Invisible characters (zero-width space, soft hyphen, joiners), full-width letters and
//! Cyrillic or Greek look-alike letters are folded to ASCII, the marking is still found,
//! and the finding carries an evasion [`Note`] (and the report an `evasion-suspected`
//! problem). Non-breaking spaces, tabs, hyphens, runs of spaces and line breaks between the
//! words of a marking are ordinary separators, not evasion. Only the 256-byte blocks
//! that contain a non-ASCII byte are looked at by the folding path, and only words with a
//! character that folds are folded, so plain ASCII text pays nothing for it and ordinary
//! accented text (`Māori`, `café`) little.
//!
//! # Performance
//!
//! Stage 1 copies 16 KiB chunks into a reused buffer in one fused pass that lowercases
//! ASCII letters, notes where the non-ASCII bytes are and counts line breaks, then runs a
//! case-sensitive multi-literal search (aho-corasick, Teddy) for the anchor words, derived
//! from the vocabulary table: the last word of every classification phrase. A `memchr` pass
//! finds the `(` of paragraph marks. Stage 2 verifies each hit by hand (word boundaries,
//! line shape) and runs the grammar only on lines that could be a marking. Text without
//! candidates allocates nothing but the report and runs no grammar (and no regular
//! expression runs on text at all). See the README's "Performance" section for measurements
//! against ripgrep.
//!
//! # Untrusted input
//!
//! No input makes the scanner panic (property-tested with arbitrary bytes). Invalid UTF-8
//! is read lossily. The reader path holds at most the window size plus 12 KiB of context.

mod collect;
mod context;
mod engine;
mod fold;
mod fused;
mod normalise;
mod prefilter;
mod reader;
mod scanner;
mod spaced;
mod text;
mod verify;

pub use scanner::{BuildError, Scanner, ScannerBuilder};

use serde::Serialize;

/// A byte range `start..end` in the scanned input.
///
/// ```
/// use protective_marking::scan::Span;
/// let s = Span { start: 3, end: 9 };
/// assert_eq!(s.len(), 6);
/// assert_eq!(s.range(), 3..9);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span is empty.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// As a range, for slicing the input.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// Where a finding stands, which decides whether it is a marking (a banner or paragraph mark
/// decides; the same words in running prose never do).
///
/// ```
/// use protective_marking::{scan::FindingKind, Scanner};
/// let r = Scanner::new().scan("Report\n\n(S) The plan.\n\nIt is a trade SECRET.\n");
/// assert_eq!(r.findings[0].kind, FindingKind::ParagraphMark);
/// assert!(r.findings[0].kind.is_deciding());
/// assert_eq!(r.findings[1].kind, FindingKind::Inline);
/// assert!(!r.findings[1].kind.is_deciding());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FindingKind {
    /// A line of its own in the middle of a part, or any marking line of a header or
    /// footer part.
    Banner,
    /// The first non-blank line of a part.
    FirstLine,
    /// The last non-blank line of a part.
    LastLine,
    /// A paragraph (portion) mark such as `(IC)` at the start of a paragraph.
    ParagraphMark,
    /// A sentence stating the marking: `This document is classified as IN CONFIDENCE.`
    Statement,
    /// The whole value of a property or header ([`PartRole::Property`]).
    Property,
    /// A marking in a mail subject: bracketed (`[IN-CONFIDENCE]`), `[SEC=...]`, or
    /// leading the subject.
    Subject,
    /// Marking words in running prose. Never decides the classification.
    Inline,
}

impl FindingKind {
    /// Whether a finding of this kind decides the classification (all but
    /// [`FindingKind::Inline`]).
    pub fn is_deciding(self) -> bool {
        self != FindingKind::Inline
    }

    /// The stable kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Banner => "banner",
            FindingKind::FirstLine => "first-line",
            FindingKind::LastLine => "last-line",
            FindingKind::ParagraphMark => "paragraph-mark",
            FindingKind::Statement => "statement",
            FindingKind::Property => "property",
            FindingKind::Subject => "subject",
            FindingKind::Inline => "inline",
        }
    }
}

crate::text::display_as!(FindingKind, as_str);

/// How sure the scanner is that a finding is a marking.
///
/// * `High`: a banner in capitals, a paragraph mark, a statement, a property value.
/// * `Medium`: a banner not in capitals (`Secret` on its own line), a marking inside a
///   header or footer line with other text.
/// * `Low`: inline prose, never deciding.
///
/// ```
/// use protective_marking::{scan::Confidence, Scanner};
/// let r = Scanner::new().scan("Secret\n");
/// assert_eq!(r.findings[0].confidence, Confidence::Medium);
/// assert!(Confidence::High > Confidence::Low);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Prose.
    Low,
    /// A marking in an unusual form or position.
    Medium,
    /// A marking where and how markings are written.
    High,
}

impl Confidence {
    /// `low`, `medium` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Something notable about how a finding is written.
///
/// ```
/// use protective_marking::{scan::Note, Scanner};
/// let r = Scanner::new().scan("SE\u{200B}CRET\n");
/// assert!(r.findings[0].notes.contains(&Note::InvisibleCharacters));
/// assert!(Note::InvisibleCharacters.is_evasion());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Note {
    /// Readable, but not the canonical form.
    NonCanonical,
    /// The marking's words are split over two lines (`TOP` / `SECRET`).
    SplitAcrossLines,
    /// A foreign government marking, mapped to an NZ level by the agency's
    /// [`ForeignMapping`](crate::marking::ForeignMapping).
    Foreign,
    /// Evasion: invisible characters (zero-width space, soft hyphen, joiners) in a word.
    InvisibleCharacters,
    /// Evasion: full-width letters (`ＳＥＣＲＥＴ`).
    FullWidthLetters,
    /// Evasion: Cyrillic or Greek letters that look like Latin ones (`ЅЕСRЕТ`).
    LookAlikeLetters,
    /// The marking shares its line with other text, as text extraction leaves a banner:
    /// a title, a page number or a reference after it (`IN CONFIDENCE Purpose`,
    /// `LEGALLY PRIVILEGED IN-CONFIDENCE 4 Options`), a page number or a sentence before it.
    FusedWithText,
    /// It could be a banner fused with a heading, or the heading itself (`SECRET SERVICE
    /// ANNUAL REPORT`, `Sensitive Expenditure Policy`): reported at low confidence, never
    /// deciding unless it repeats as a running header or stands on the first or last line.
    Ambiguous,
    /// Deciding because the same marking leads several lines: a running header or footer.
    RunningHeader,
    /// Only the classification could be read: the rest (an unknown control such as `SI` or
    /// `NOFORN`, a second classification, a broken block) is reported as
    /// `malformed-marking`. The classification read is a floor, never lowered.
    PartlyRead,
    /// Written in square brackets, as in a mail subject (`[RESTRICTED]`).
    Bracketed,
    /// Written letter by letter, as US cables do (`C O N F I D E N T I A L`).
    LetterSpaced,
    /// An item of a bulleted list (`- IN CONFIDENCE`, `• Top Secret`), as guidance that
    /// lists the levels writes them: never deciding.
    ListItem,
    /// A level name on a line of its own that the next line goes on to define (`RESTRICTED`
    /// over `Use the RESTRICTED security classification when ...`), as guidance on the
    /// levels writes its headings: never deciding.
    Heading,
}

impl Note {
    /// Whether the note suggests the marking was disguised on purpose.
    pub fn is_evasion(self) -> bool {
        matches!(
            self,
            Note::InvisibleCharacters | Note::FullWidthLetters | Note::LookAlikeLetters
        )
    }

    /// The stable kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Note::NonCanonical => "non-canonical",
            Note::SplitAcrossLines => "split-across-lines",
            Note::Foreign => "foreign",
            Note::InvisibleCharacters => "invisible-characters",
            Note::FullWidthLetters => "full-width-letters",
            Note::LookAlikeLetters => "look-alike-letters",
            Note::FusedWithText => "fused-with-text",
            Note::Ambiguous => "ambiguous",
            Note::RunningHeader => "running-header",
            Note::PartlyRead => "partly-read",
            Note::Bracketed => "bracketed",
            Note::LetterSpaced => "letter-spaced",
            Note::ListItem => "list-item",
            Note::Heading => "heading",
        }
    }
}

/// The role of a text within its container, which changes what counts as a marking.
///
/// The document and mail layers scan each part with its role and combine the reports.
///
/// ```
/// use protective_marking::{scan::FindingKind, scan::PartRole, Scanner};
/// let s = Scanner::new();
/// // In a footer, a marking beside other text is a banner.
/// let r = s.scan_part("Page 2 of 7\tIN-CONFIDENCE", PartRole::HeaderOrFooter);
/// assert_eq!(r.findings[0].kind, FindingKind::Banner);
/// // A document property or header value is one candidate.
/// let r = s.scan_part("Sensitive", PartRole::Property);
/// assert_eq!(r.findings[0].kind, FindingKind::Property);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PartRole {
    /// Body text: own-line, first/last-line, paragraph-mark and statement rules.
    #[default]
    Body,
    /// A page header or footer: every line that carries a marking is a banner, even with
    /// other text beside it (page numbers, dates), as long as the marking is not written in
    /// lower case.
    HeaderOrFooter,
    /// A property or header value (document core/custom property, `X-Security-Classification`
    /// value): the whole trimmed value is the candidate, reported as
    /// [`FindingKind::Property`]. A value that does not parse is scanned as body text, and
    /// one that looks like a marking but does not parse is `malformed-marking`.
    Property,
    /// The top or bottom lines of a PDF page: body rules, but every line stands where a
    /// banner goes, so a title-case marking leading a line decides there (`In Confidence
    /// Office of the Minister`). A sentence (`Information classified as SECRET must be
    /// stored in a container.`) stays prose.
    PageEdge,
}

/// Which inline (prose) findings to report. They never decide the classification.
///
/// ```
/// use protective_marking::{scan::ProseFindings, Scanner};
/// let text = "a trade secret and a TRADE SECRET\n";
/// assert_eq!(Scanner::new().scan(text).findings.len(), 1);
/// let all = Scanner::builder().prose(ProseFindings::All).build().unwrap();
/// assert_eq!(all.scan(text).findings.len(), 2);
/// let none = Scanner::builder().prose(ProseFindings::None).build().unwrap();
/// assert!(none.scan(text).findings.is_empty());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProseFindings {
    /// None.
    None,
    /// Only those written in capitals (`classified as SECRET must ...`): the default.
    #[default]
    Capitals,
    /// All of them, in any case (`told me in confidence`).
    All,
}
