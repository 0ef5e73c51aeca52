//! Where something is in an input: [`PartPath`], a typed path of [`Segment`]s from the
//! input down to one part (`attachment[1]/header[default]/section 2`), with an optional line
//! ([`Location`]). Every finding, problem, unreadable part and document part carries one, so
//! a caller can match on where a marking was found instead of parsing a string; `Display`
//! gives the stable text of the checker's reports.

mod kinds;

pub use kinds::{BodyKind, HeaderKind, Margin, Placeholder, PropertySet};
use std::fmt;

/// One step of a [`PartPath`].
///
/// Each variant's `Display` is the step's text in a location: `header[default]/section 1`,
/// `page 3`, `attachment[2]`, `property:custom/Classification`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Segment {
    /// A plain text input as a whole: `text`.
    Text,
    /// A document as a whole: `document`.
    Document,
    /// A message as a whole: `message`.
    Message,
    /// The main text of a document: `body`.
    Body,
    /// A DOCX header or footer of a section: `header[first]/section 2`.
    Margin {
        /// Header or footer.
        margin: Margin,
        /// The pages of the section it shows on.
        kind: HeaderKind,
        /// The section, numbered from 1.
        section: u32,
    },
    /// A DOCX header or footer part that no section refers to:
    /// `footer[unreferenced]/word/footer3.xml`.
    Unreferenced {
        /// Header or footer.
        margin: Margin,
        /// Its entry in the package.
        entry: String,
    },
    /// DOCX footnotes: `footnotes`.
    Footnotes,
    /// DOCX endnotes: `endnotes`.
    Endnotes,
    /// DOCX comments: `comments`.
    Comments,
    /// Tracked deletions in the part before it: `deleted`.
    Deleted,
    /// Hidden text in the part before it: `hidden`.
    Hidden,
    /// A watermark in the part before it: `watermark`.
    Watermark,
    /// A DOCX section: `section 2`.
    Section(u32),
    /// A document property: `property:core/subject`, `property:custom/Classification`.
    Property {
        /// Core or custom.
        set: PropertySet,
        /// The property's name.
        name: String,
    },
    /// A label a labelling tool keeps in a DOCX `customXml` item:
    /// `customxml:item1.xml/Classification`.
    CustomXml {
        /// The item's file name.
        item: String,
        /// The element holding the label.
        element: String,
    },
    /// A PDF page, numbered from 1: `page 3`.
    Page(u32),
    /// The first lines of the page before it: `top`.
    Top,
    /// The last lines of the page before it: `bottom`.
    Bottom,
    /// PDF metadata: `metadata:info/Title`, `metadata:xmp`.
    Metadata(String),
    /// A marking header of a message: `header:X-Protective-Marking`.
    MailHeader(String),
    /// The subject of a message: `subject`.
    Subject,
    /// A body of a message: `body/text`, `body/html`, `body/text[2]` (the second plain body).
    MailBody {
        /// Plain text or HTML.
        kind: BodyKind,
        /// Which body of that kind, from 1.
        index: u32,
    },
    /// Text quoted from an earlier message of the thread, in the body before it: `quoted`.
    Quoted,
    /// An attachment, numbered from 1 in its message: `attachment[2]`.
    Attachment(u32),
    /// A message of a mailbox, numbered from 1: `#3`.
    MboxMessage(u64),
    /// An entry of a container, by name: `word/document.xml`.
    Entry(String),
    /// A slide of a presentation, numbered from 1 in show order: `slide 3`.
    Slide(u32),
    /// A PPTX slide layout, numbered from 1 in package order: `layout 2`.
    SlideLayout(u32),
    /// A PPTX slide master, numbered from 1 in presentation order: `master 1`.
    SlideMaster(u32),
    /// The PPTX notes master: `notes master`.
    NotesMaster,
    /// The PPTX handout master: `handout master`.
    HandoutMaster,
    /// The speaker notes of the slide before it: `notes`.
    Notes,
    /// A footer, date, slide-number or header placeholder of the slide, layout or master
    /// before it: `footer`, `date`, `slide number`, `header`.
    Placeholder(Placeholder),
    /// A worksheet (XLSX) or table (ODS) by name: `sheet[Budget]`.
    Sheet(String),
    /// The cell text of the sheet before it: `cells`.
    Cells,
    /// The name of the sheet before it: `name`.
    SheetName,
    /// The page header or footer of the sheet or ODF master page before it: `header`,
    /// `footer[first]`, `footer[even]` (the default kind is not written).
    PageMargin {
        /// Header or footer.
        margin: Margin,
        /// The pages it shows on.
        kind: HeaderKind,
    },
    /// An OpenDocument master page by name: `master-page[Standard]`.
    MasterPage(String),
    /// Shapes and text boxes drawn on the sheet before it: `drawing`.
    Drawing,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Segment::Text => f.write_str("text"),
            Segment::Document => f.write_str("document"),
            Segment::Message => f.write_str("message"),
            Segment::Body => f.write_str("body"),
            Segment::Margin {
                margin,
                kind,
                section,
            } => write!(
                f,
                "{}[{}]/section {section}",
                margin.as_str(),
                kind.as_str()
            ),
            Segment::Unreferenced { margin, entry } => {
                write!(f, "{}[unreferenced]/{entry}", margin.as_str())
            }
            Segment::Footnotes => f.write_str("footnotes"),
            Segment::Endnotes => f.write_str("endnotes"),
            Segment::Comments => f.write_str("comments"),
            Segment::Deleted => f.write_str("deleted"),
            Segment::Hidden => f.write_str("hidden"),
            Segment::Watermark => f.write_str("watermark"),
            Segment::Section(n) => write!(f, "section {n}"),
            Segment::Property { set, name } => write!(f, "property:{}/{name}", set.as_str()),
            Segment::CustomXml { item, element } => write!(f, "customxml:{item}/{element}"),
            Segment::Page(n) => write!(f, "page {n}"),
            Segment::Top => f.write_str("top"),
            Segment::Bottom => f.write_str("bottom"),
            Segment::Metadata(key) => write!(f, "metadata:{key}"),
            Segment::MailHeader(name) => write!(f, "header:{name}"),
            Segment::Subject => f.write_str("subject"),
            Segment::MailBody { kind, index: 1 } => write!(f, "body/{}", kind.as_str()),
            Segment::MailBody { kind, index } => write!(f, "body/{}[{index}]", kind.as_str()),
            Segment::Quoted => f.write_str("quoted"),
            Segment::Attachment(n) => write!(f, "attachment[{n}]"),
            Segment::MboxMessage(n) => write!(f, "#{n}"),
            Segment::Entry(name) => f.write_str(name),
            Segment::Slide(n) => write!(f, "slide {n}"),
            Segment::SlideLayout(n) => write!(f, "layout {n}"),
            Segment::SlideMaster(n) => write!(f, "master {n}"),
            Segment::NotesMaster => f.write_str("notes master"),
            Segment::HandoutMaster => f.write_str("handout master"),
            Segment::Notes => f.write_str("notes"),
            Segment::Placeholder(p) => f.write_str(p.as_str()),
            Segment::Sheet(name) => write!(f, "sheet[{name}]"),
            Segment::Cells => f.write_str("cells"),
            Segment::SheetName => f.write_str("name"),
            Segment::PageMargin {
                margin,
                kind: HeaderKind::Default,
            } => f.write_str(margin.as_str()),
            Segment::PageMargin { margin, kind } => {
                write!(f, "{}[{}]", margin.as_str(), kind.as_str())
            }
            Segment::MasterPage(name) => write!(f, "master-page[{name}]"),
            Segment::Drawing => f.write_str("drawing"),
        }
    }
}

/// Where a part is in an input: the [`Segment`]s from the input down to it.
///
/// `Display` joins them with `/`; a path is built with [`PartPath::of`] and
/// [`PartPath::then`], and read with [`PartPath::segments`] and [`PartPath::last`]. Serde
/// writes the display text.
///
/// ```
/// use protective_marking::{path::HeaderKind, path::Margin, PartPath, Segment};
///
/// let footer = PartPath::of(Segment::Margin { margin: Margin::Footer, kind: HeaderKind::Default, section: 1 });
/// let inside = PartPath::of(Segment::Attachment(2)).join(&footer);
/// assert_eq!(inside.to_string(), "attachment[2]/footer[default]/section 1");
/// assert_eq!(inside.last(), footer.last());
/// assert!(inside.is_in_attachment());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartPath(Vec<Segment>);

impl PartPath {
    /// The path of one segment.
    pub fn of(segment: Segment) -> PartPath {
        PartPath(vec![segment])
    }

    /// This path with `segment` after it.
    pub fn then(&self, segment: Segment) -> PartPath {
        let mut p = self.clone();
        p.0.push(segment);
        p
    }

    /// This path with `inner` after it (a part of a part: an attachment's page).
    pub fn join(&self, inner: &PartPath) -> PartPath {
        let mut p = self.clone();
        p.0.extend(inner.0.iter().cloned());
        p
    }

    /// The segments, from the input down.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// The last segment, if any.
    pub fn last(&self) -> Option<&Segment> {
        self.0.last()
    }

    /// This path without its last segment: the part a part is in (`sheet[Budget]` for
    /// `sheet[Budget]/header`); empty for a path of one segment or none.
    ///
    /// ```
    /// use protective_marking::{PartPath, Segment};
    /// let notes = PartPath::of(Segment::Slide(3)).then(Segment::Notes);
    /// assert_eq!(notes.parent(), PartPath::of(Segment::Slide(3)));
    /// ```
    pub fn parent(&self) -> PartPath {
        PartPath(
            self.0
                .split_last()
                .map(|(_, rest)| rest.to_vec())
                .unwrap_or_default(),
        )
    }

    /// Whether the path has no segment (the input itself, unnamed).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether it lies inside an attachment.
    pub fn is_in_attachment(&self) -> bool {
        self.0.iter().any(|s| matches!(s, Segment::Attachment(_)))
    }

    /// Whether it is text quoted from an earlier message of a thread.
    pub fn is_quoted(&self) -> bool {
        self.0.contains(&Segment::Quoted)
    }

    /// Whether it is text a document holds but does not show as its content: tracked
    /// deletions and comments. A marking there never decides the document's marking.
    pub fn is_outside_content(&self) -> bool {
        self.0
            .iter()
            .any(|s| matches!(s, Segment::Deleted | Segment::Comments))
    }
}

impl From<Segment> for PartPath {
    fn from(segment: Segment) -> PartPath {
        PartPath::of(segment)
    }
}

impl fmt::Display for PartPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            // A mailbox message's number follows the mailbox's name (`box.mbox#3`).
            if i > 0 && !matches!(s, Segment::MboxMessage(_)) {
                f.write_str("/")?;
            }
            write!(f, "{s}")?;
        }
        Ok(())
    }
}

/// A path equals the text it displays: `path == "attachment[1]/page 2"`.
impl PartialEq<str> for PartPath {
    fn eq(&self, other: &str) -> bool {
        displays_as(self, other)
    }
}

impl PartialEq<&str> for PartPath {
    fn eq(&self, other: &&str) -> bool {
        displays_as(self, other)
    }
}

/// Whether `value` displays as `text`, without building the string.
fn displays_as(value: &dyn fmt::Display, text: &str) -> bool {
    struct Rest<'a>(&'a str);
    impl fmt::Write for Rest<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0 = self.0.strip_prefix(s).ok_or(fmt::Error)?;
            Ok(())
        }
    }
    let mut rest = Rest(text);
    fmt::write(&mut rest, format_args!("{value}")).is_ok() && rest.0.is_empty()
}

crate::text::serialize_as_text!(PartPath);

/// A [`PartPath`] and, when known, a 1-based line within that part.
///
/// `Display` is the text a report shows: `line 7` in a plain text, `page 2, line 3` in a
/// part, or the path alone.
///
/// ```
/// use protective_marking::{Location, PartPath, Segment};
/// assert_eq!(Location::line(PartPath::of(Segment::Text), 7).to_string(), "line 7");
/// assert_eq!(Location::line(PartPath::of(Segment::Page(2)), 3).to_string(), "page 2, line 3");
/// assert_eq!(Location::from(PartPath::of(Segment::Subject)).to_string(), "subject");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The part.
    pub path: PartPath,
    /// The line within it, from 1.
    pub line: Option<u64>,
}

impl Location {
    /// Line `line` of `path`.
    pub fn line(path: PartPath, line: u64) -> Location {
        Location {
            path,
            line: Some(line),
        }
    }
}

impl From<PartPath> for Location {
    fn from(path: PartPath) -> Location {
        Location { path, line: None }
    }
}

impl From<Segment> for Location {
    fn from(segment: Segment) -> Location {
        Location::from(PartPath::of(segment))
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path.segments(), self.line) {
            ([Segment::Text] | [], Some(n)) => write!(f, "line {n}"),
            (_, Some(n)) => write!(f, "{}, line {n}", self.path),
            (_, None) => write!(f, "{}", self.path),
        }
    }
}

/// A location equals the text it displays: `location == "page 2, line 3"`.
impl PartialEq<&str> for Location {
    fn eq(&self, other: &&str) -> bool {
        displays_as(self, other)
    }
}

crate::text::serialize_as_text!(Location);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_the_locations_reports_have_always_used() {
        let cases: Vec<(PartPath, &str)> = vec![
            (PartPath::of(Segment::Body), "body"),
            (
                PartPath::of(Segment::Margin {
                    margin: Margin::Header,
                    kind: HeaderKind::First,
                    section: 2,
                })
                .then(Segment::Watermark),
                "header[first]/section 2/watermark",
            ),
            (
                PartPath::of(Segment::Unreferenced {
                    margin: Margin::Footer,
                    entry: "word/footer3.xml".into(),
                }),
                "footer[unreferenced]/word/footer3.xml",
            ),
            (
                PartPath::of(Segment::Body).then(Segment::Deleted),
                "body/deleted",
            ),
            (
                PartPath::of(Segment::Property {
                    set: PropertySet::Custom,
                    name: "Classification".into(),
                }),
                "property:custom/Classification",
            ),
            (
                PartPath::of(Segment::Page(3)).then(Segment::Top),
                "page 3/top",
            ),
            (
                PartPath::of(Segment::Metadata("info/Title".into())),
                "metadata:info/Title",
            ),
            (
                PartPath::of(Segment::MailHeader("X-Protective-Marking".into())),
                "header:X-Protective-Marking",
            ),
            (
                PartPath::of(Segment::MailBody {
                    kind: BodyKind::Text,
                    index: 2,
                })
                .then(Segment::Quoted),
                "body/text[2]/quoted",
            ),
            (
                PartPath::of(Segment::Attachment(1))
                    .then(Segment::Attachment(2))
                    .then(Segment::Page(1)),
                "attachment[1]/attachment[2]/page 1",
            ),
            (
                PartPath::of(Segment::Entry("box.mbox".into())).then(Segment::MboxMessage(3)),
                "box.mbox#3",
            ),
            (
                PartPath::of(Segment::SlideMaster(1))
                    .then(Segment::Placeholder(Placeholder::Footer)),
                "master 1/footer",
            ),
            (
                PartPath::of(Segment::Slide(3)).then(Segment::Notes),
                "slide 3/notes",
            ),
            (
                PartPath::of(Segment::Sheet("Budget".into())).then(Segment::PageMargin {
                    margin: Margin::Header,
                    kind: HeaderKind::Default,
                }),
                "sheet[Budget]/header",
            ),
            (
                PartPath::of(Segment::MasterPage("Standard".into())).then(Segment::PageMargin {
                    margin: Margin::Footer,
                    kind: HeaderKind::First,
                }),
                "master-page[Standard]/footer[first]",
            ),
            (
                PartPath::of(Segment::Attachment(1)).then(Segment::MailBody {
                    kind: BodyKind::Rtf,
                    index: 1,
                }),
                "attachment[1]/body/rtf",
            ),
        ];
        for (path, text) in cases {
            assert_eq!(path.to_string(), text);
        }
    }
}
