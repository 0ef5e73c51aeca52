//! The kinds a [`Segment`](super::Segment) names: which header or footer, which margin,
//! which property set, which body, which placeholder. Each has a stable `as_str` text, the
//! one its segment displays.

use serde::Serialize;

/// Which page of a DOCX section a header or footer is shown on (`w:type` of a
/// `w:headerReference` or `w:footerReference`).
///
/// ```
/// use protective_marking::path::HeaderKind;
/// assert_eq!(HeaderKind::First.as_str(), "first");
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize, Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum HeaderKind {
    /// `default`: every page not covered by the other two (odd pages when even headers are on).
    Default,
    /// `first`: the first page of the section (shown when `w:titlePg` is set).
    First,
    /// `even`: even pages (shown when `w:evenAndOddHeaders` is set in settings).
    Even,
}

impl HeaderKind {
    /// The `w:type` value: `default`, `first` or `even`.
    pub fn as_str(self) -> &'static str {
        match self {
            HeaderKind::Default => "default",
            HeaderKind::First => "first",
            HeaderKind::Even => "even",
        }
    }
}

/// Whether a page margin part is a header or a footer.
///
/// ```
/// use protective_marking::path::Margin;
/// assert_eq!(Margin::Footer.as_str(), "footer");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Margin {
    /// The top margin.
    Header,
    /// The bottom margin.
    Footer,
}

impl Margin {
    /// `header` or `footer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Margin::Header => "header",
            Margin::Footer => "footer",
        }
    }
}

/// Which set of document properties a property belongs to.
///
/// ```
/// use protective_marking::path::PropertySet;
/// assert_eq!(PropertySet::Custom.as_str(), "custom");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PropertySet {
    /// `docProps/core.xml`: title, subject, keywords, description, category, status.
    Core,
    /// `docProps/custom.xml` and labelling tools' properties.
    Custom,
}

impl PropertySet {
    /// `core` or `custom`.
    pub fn as_str(self) -> &'static str {
        match self {
            PropertySet::Core => "core",
            PropertySet::Custom => "custom",
        }
    }
}

/// A message body: plain text or HTML.
///
/// ```
/// use protective_marking::path::BodyKind;
/// assert_eq!(BodyKind::Html.as_str(), "html");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyKind {
    /// `text/plain`.
    Text,
    /// `text/html` (read as text with its markup removed).
    Html,
    /// An RTF body (an Outlook message's compressed RTF), read as text.
    Rtf,
}

impl BodyKind {
    /// `text`, `html` or `rtf`.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyKind::Text => "text",
            BodyKind::Html => "html",
            BodyKind::Rtf => "rtf",
        }
    }
}

/// A footer-area or header placeholder of a slide, slide layout or master (PPTX `p:ph`
/// types `ftr`, `dt`, `sldNum`, `hdr`; OpenDocument `presentation:class` footer, date-time,
/// page-number, header and the `presentation:footer-decl` a slide uses).
///
/// ```
/// use protective_marking::path::Placeholder;
/// assert_eq!(Placeholder::SlideNumber.as_str(), "slide number");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    /// The header (notes and handout masters; ODP header declarations).
    Header,
    /// The footer.
    Footer,
    /// The date and time.
    Date,
    /// The slide number.
    SlideNumber,
}

impl Placeholder {
    /// `header`, `footer`, `date` or `slide number`.
    pub fn as_str(self) -> &'static str {
        match self {
            Placeholder::Header => "header",
            Placeholder::Footer => "footer",
            Placeholder::Date => "date",
            Placeholder::SlideNumber => "slide number",
        }
    }
}
