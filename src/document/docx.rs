//! DOCX reading: the crate's own bounded zip + quick-xml walk. docx-rs is not used on
//! untrusted input: it can panic on a zip error, loop forever on malformed XML, and misses
//! footnotes, core properties and the headers of every section but the last.

use crate::document::docx_text::{StoryText, walk_story};
use crate::document::ooxml::{
    ContentTypes, Rel, WORD_MAIN_TYPES, package_properties, parse_rels, part_key, rels_part_for,
};
use crate::document::zip_reader::Package;
use crate::document::{
    Document, Format, HeaderKind, OLE2_MAGIC, Part, PartKind, TextBudget, check_input_size,
    guarded, refuse_ole2,
};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::{Margin, PartPath, Segment};
use std::collections::HashSet;

/// Reads a DOCX (or DOCM/DOTX) package into its text parts.
///
/// Parts, in order: `body` ([`PartKind::Body`]: paragraphs, tables and text boxes of the
/// main document); every header and footer of every section, located as
/// `header[default]/section 2` by the first `w:sectPr` (counted from 1 in document order,
/// paragraph-level and body-level) that references it, and as `header[unreferenced]/<part>`
/// if no section does; `footnotes`, `endnotes`, `comments`; and then properties:
/// `property:core/<name>` for title, subject, keywords, description, category and
/// contentStatus, `property:custom/<name>` for each `docProps/custom.xml` property
/// ([`PartKind::LabelProperty`] for labelling-tool names such as `MSIP_Label_*`), and
/// `customxml:<item>/<element>` for label-like `customXml/item*.xml` elements. Each story
/// part with tracked deletions, hidden runs or a watermark is followed by a
/// `<location>/deleted` ([`PartKind::Deleted`]), `<location>/hidden` ([`PartKind::Hidden`])
/// or `<location>/watermark` ([`PartKind::Watermark`]) part. Parts without text are left out.
///
/// Text rules: runs joined per paragraph (Word splits a marking across runs), one line per
/// paragraph with text, `w:tab` a space, `w:br`/`w:cr` a newline, positioning values ignored.
/// Character references and the predefined entities are resolved; DTDs are never processed, so
/// another `&name;` stays as written (no XXE).
///
/// # Errors
///
/// * [`ReadError::LimitExceeded`]: [`Limits::max_input_bytes`], [`Limits::max_zip_entries`],
///   [`Limits::max_entry_bytes`], [`Limits::max_decompressed_bytes`],
///   [`Limits::max_compression_ratio`], [`Limits::max_xml_depth`] or
///   [`Limits::max_text_bytes`], naming the zip entry.
/// * [`ReadError::Encrypted`]: an OLE2 file with an `EncryptionInfo` stream (a
///   password-protected OOXML file).
/// * [`ReadError::Unsupported`]: another OLE2 file (legacy `.doc`), or an OOXML package
///   whose main part is not a word-processing document (an `.xlsx`, `.pptx`).
/// * [`ReadError::Corrupt`]: a damaged zip (bad CRC, truncated, no central directory), a
///   missing main part, or malformed XML in any part that is read.
/// * [`ReadError::ParserPanicked`]: the zip crate panicked (it never has in tests).
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::{read_docx, PartKind};
///
/// // Fixture built with docx-rs, as in the tests.
/// let mut buf = std::io::Cursor::new(Vec::new());
/// docx_rs::Docx::new()
///     .header(docx_rs::Header::new().add_paragraph(
///         docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("IN-CONFIDENCE"))))
///     .add_paragraph(docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("Body")))
///     .build().pack(&mut buf).unwrap();
///
/// let doc = read_docx(buf.get_ref(), &Limits::default())?;
/// let header = doc.parts.iter().find(|p| p.path.to_string() == "header[default]/section 1").unwrap();
/// assert_eq!(header.text, "IN-CONFIDENCE");
/// assert!(matches!(read_docx(b"not a zip", &Limits::default()), Err(ReadError::Corrupt { .. })));
/// # Ok::<(), ReadError>(())
/// ```
pub fn read_docx(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    check_input_size(bytes, limits, "docx")?;
    if bytes.starts_with(&OLE2_MAGIC) {
        return Err(refuse_ole2(bytes));
    }
    guarded("zip", "docx", || DocxReader::new(bytes, limits)?.read())
}

/// Reads a package the sniffer has opened and found to be a DOCX.
pub(crate) fn read_docx_package(
    package: Package<'_>,
    limits: &Limits,
) -> Result<Document, ReadError> {
    guarded("zip", "docx", || DocxReader::of(package, limits)?.read())
}

struct DocxReader<'a> {
    package: Package<'a>,
    limits: &'a Limits,
    content_types: ContentTypes,
    budget: TextBudget,
    parts: Vec<Part>,
}

impl<'a> DocxReader<'a> {
    fn new(bytes: &'a [u8], limits: &'a Limits) -> Result<Self, ReadError> {
        Self::of(Package::open(bytes, limits, Format::Docx)?, limits)
    }

    fn of(mut package: Package<'a>, limits: &'a Limits) -> Result<Self, ReadError> {
        let content_types = match package.read("[Content_Types].xml")? {
            Some(ct) => ContentTypes::parse(&ct, limits)?,
            None => {
                return Err(ReadError::Corrupt {
                    format: Format::Docx,
                    location: "[Content_Types].xml".to_owned(),
                    reason: "the package has no [Content_Types].xml; not an OOXML document"
                        .to_owned(),
                });
            }
        };
        Ok(DocxReader {
            package,
            limits,
            content_types,
            budget: TextBudget::new(limits),
            parts: Vec::new(),
        })
    }

    fn read_rels(&mut self, source: &str) -> Result<Vec<Rel>, ReadError> {
        let rels_part = rels_part_for(source);
        match self.package.read(&rels_part)? {
            Some(bytes) => parse_rels(&bytes, &rels_part, source, self.limits),
            None => Ok(Vec::new()),
        }
    }

    /// The main document part, checked to be a word-processing main part (a renamed
    /// xlsx must not read as an empty, unmarked document).
    fn main_part(&mut self) -> Result<String, ReadError> {
        let package_rels = self.read_rels("")?;
        let main = package_rels
            .iter()
            .find(|r| r.is("officeDocument"))
            .map(|r| r.target.clone())
            .or_else(|| {
                self.package
                    .has("word/document.xml")
                    .then(|| "word/document.xml".to_owned())
            })
            .ok_or_else(|| ReadError::Corrupt {
                format: Format::Docx,
                location: "_rels/.rels".to_owned(),
                reason: "no officeDocument relationship and no word/document.xml".to_owned(),
            })?;
        let content_type = self.content_types.type_of(&main).unwrap_or("");
        if !WORD_MAIN_TYPES
            .iter()
            .any(|t| t.eq_ignore_ascii_case(content_type))
        {
            return Err(ReadError::Unsupported {
                what: format!(
                    "OOXML package whose main part has content type {content_type:?}, not a \
                     word-processing document"
                ),
                location: main,
            });
        }
        Ok(main)
    }

    fn read(mut self) -> Result<Document, ReadError> {
        let main = self.main_part()?;
        let main_bytes = self
            .package
            .read(&main)?
            .ok_or_else(|| ReadError::Corrupt {
                format: Format::Docx,
                location: main.clone(),
                reason: "the main document part is missing from the zip".to_owned(),
            })?;
        let body = walk_story(&main_bytes, &main, self.limits)?;
        drop(main_bytes);
        let sections = body.sections.clone();
        self.push_story(PartPath::of(Segment::Body), PartKind::Body, body)?;

        let rels = self.read_rels(&main)?;
        let mut done: HashSet<String> = HashSet::new();
        done.insert(part_key(&main));
        for (i, refs) in sections.iter().enumerate() {
            let section = u32::try_from(i + 1).unwrap_or(u32::MAX);
            for r in refs {
                let Some(rel) = rels.iter().find(|rel| rel.id == r.rel_id) else {
                    continue;
                };
                if !done.insert(part_key(&rel.target)) {
                    continue;
                }
                let (margin, kind) = if r.footer {
                    (Margin::Footer, PartKind::Footer(r.kind))
                } else {
                    (Margin::Header, PartKind::Header(r.kind))
                };
                let path = PartPath::of(Segment::Margin {
                    margin,
                    kind: r.kind,
                    section,
                });
                self.story_part(&rel.target, path, kind)?;
            }
        }
        // Headers and footers no section references: not shown, but still in the file.
        let mut orphans: Vec<(String, bool)> = rels
            .iter()
            .filter(|r| r.is("header") || r.is("footer"))
            .map(|r| (r.target.clone(), r.is("footer")))
            .collect();
        for suffix in ["header+xml", "footer+xml"] {
            for p in self.content_types.parts_of_type(suffix) {
                orphans.push((p, suffix == "footer+xml"));
            }
        }
        for (target, footer) in orphans {
            if !done.insert(part_key(&target)) {
                continue;
            }
            let (margin, kind) = if footer {
                (Margin::Footer, PartKind::Footer(HeaderKind::Default))
            } else {
                (Margin::Header, PartKind::Header(HeaderKind::Default))
            };
            let path = PartPath::of(Segment::Unreferenced {
                margin,
                entry: target.clone(),
            });
            self.story_part(&target, path, kind)?;
        }
        for (rel_name, segment, kind) in [
            ("footnotes", Segment::Footnotes, PartKind::Footnotes),
            ("endnotes", Segment::Endnotes, PartKind::Endnotes),
            ("comments", Segment::Comments, PartKind::Comments),
        ] {
            let targets: Vec<String> = rels
                .iter()
                .filter(|r| r.is(rel_name))
                .map(|r| r.target.clone())
                .collect();
            for target in targets {
                if done.insert(part_key(&target)) {
                    self.story_part(&target, PartPath::of(segment.clone()), kind)?;
                }
            }
        }
        self.properties()?;
        Ok(Document {
            format: Format::Docx,
            parts: self.parts,
            sections: u32::try_from(sections.len()).unwrap_or(u32::MAX),
            pages: 0,
        })
    }

    /// Reads and walks one story part; a dangling relationship (part absent) is skipped.
    fn story_part(&mut self, name: &str, path: PartPath, kind: PartKind) -> Result<(), ReadError> {
        let Some(bytes) = self.package.read(name)? else {
            return Ok(());
        };
        let story = walk_story(&bytes, name, self.limits)?;
        self.push_story(path, kind, story)
    }

    fn push(&mut self, path: PartPath, kind: PartKind, text: String) -> Result<(), ReadError> {
        if text.is_empty() {
            return Ok(());
        }
        self.budget.take(text.len(), &path)?;
        self.parts.push(Part { path, kind, text });
        Ok(())
    }

    fn push_story(
        &mut self,
        path: PartPath,
        kind: PartKind,
        story: StoryText,
    ) -> Result<(), ReadError> {
        self.push(path.clone(), kind, story.text)?;
        self.push(
            path.then(Segment::Deleted),
            PartKind::Deleted,
            story.deleted,
        )?;
        self.push(path.then(Segment::Hidden), PartKind::Hidden, story.hidden)?;
        let watermark = story.watermarks.join("\n");
        self.push(
            path.then(Segment::Watermark),
            PartKind::Watermark,
            watermark,
        )
    }

    fn properties(&mut self) -> Result<(), ReadError> {
        for (path, kind, value) in package_properties(&mut self.package, self.limits)? {
            self.push(path, kind, value)?;
        }
        Ok(())
    }
}
