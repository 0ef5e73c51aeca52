//! OpenDocument reading (ODT, ODS, ODP and their flat XML forms): the bounded zip and the
//! shared XML walk, as for DOCX.

use crate::document::drawing::push_line;
use crate::document::odf_text::{OdfMaster, OdfShape, OdfText, walk_odf};
use crate::document::parts::Parts;
use crate::document::sniff::{flat_odf_format, odf_format_of};
use crate::document::zip_reader::Package;
use crate::document::{Document, Format, PartKind, check_input_size, guarded};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::{Margin, PartPath, Placeholder, PropertySet, Segment};

/// Reads an OpenDocument text, spreadsheet or presentation: a package (`.odt`, `.ods`,
/// `.odp` and templates) or a flat XML document (`.fodt`, `.fods`, `.fodp`).
///
/// Parts:
/// * text documents: `body` ([`PartKind::Body`]: paragraphs, headings, tables, frames),
///   `footnotes`, `endnotes`, `comments` (annotations), `body/deleted` (tracked deletions);
/// * spreadsheets, per table: `sheet[Name]/name`, `sheet[Name]/cells` (one line per row,
///   cells separated by a tab) and `sheet[Name]/comments`;
/// * presentations, per slide (`slide 3`, [`PartKind::Slide`]): its shapes ordered top to
///   bottom with the master page's plain text boxes; its footer, header and date
///   (`slide 3/footer`, [`PartKind::Placeholder`]): the text of the
///   `presentation:footer-decl` (or header/date-time declaration) the slide names, or else
///   the master page's own footer frame text; `slide 3/notes` and `slide 3/comments`;
/// * every master page (`master-page[Standard]`): its headers and footers
///   (`master-page[Standard]/header`, `/footer[first]`, `/header[even]`, as
///   [`PartKind::Header`] and [`PartKind::Footer`]), its drawn text
///   ([`PartKind::MasterText`]) and footer-area frames ([`PartKind::Placeholder`]);
/// * `meta.xml`: `property:core/title`, `subject`, `description`, `keyword` and each
///   `meta:user-defined` property as `property:custom/<name>` ([`PartKind::LabelProperty`]
///   for a label-like name such as `Classification`).
///
/// [`Document::pages`] is the number of slides of a presentation.
///
/// # Errors
///
/// Every zip limit and [`Limits::max_xml_depth`], [`Limits::max_text_bytes`];
/// [`ReadError::Encrypted`] when the manifest lists encryption data (a password-protected
/// document); [`ReadError::Unsupported`] for another OpenDocument type (drawing, chart,
/// formula); [`ReadError::Corrupt`] for a damaged zip, a missing `content.xml` or malformed
/// XML, including text that uses a DTD entity.
///
/// ```
/// use protective_marking::Limits;
/// use protective_marking::document::{read_odf, Format};
///
/// let fodt = r#"<?xml version="1.0"?>
/// <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
///   xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
///   xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
///   office:mimetype="application/vnd.oasis.opendocument.text">
///  <office:master-styles><style:master-page style:name="Standard">
///   <style:header><text:p>RESTRICTED</text:p></style:header></style:master-page></office:master-styles>
///  <office:body><office:text><text:p>Budget</text:p></office:text></office:body>
/// </office:document>"#;
/// let doc = read_odf(fodt.as_bytes(), &Limits::default())?;
/// assert_eq!(doc.format, Format::Odt);
/// let header = doc.parts.iter().find(|p| p.path.to_string() == "master-page[Standard]/header").unwrap();
/// assert_eq!(header.text, "RESTRICTED");
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
pub fn read_odf(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    check_input_size(bytes, limits, "odf")?;
    if !bytes.starts_with(b"PK") {
        let format = flat_odf_format(bytes).ok_or_else(|| ReadError::Unsupported {
            what: "XML that is not a flat OpenDocument text, spreadsheet or presentation"
                .to_owned(),
            location: "file".to_owned(),
        })?;
        return guarded("quick-xml", "odf", || {
            let text = walk_odf(bytes, "file", format, limits, OdfText::default())?;
            assemble(format, text, limits)
        });
    }
    guarded("zip", "odf", || {
        let sniffed = crate::document::sniff::package_format(bytes)
            .filter(|f| matches!(f, Format::Odt | Format::Ods | Format::Odp));
        let package = Package::open(bytes, limits, sniffed.unwrap_or(Format::Odt))?;
        read_package(package, sniffed, limits)
    })
}

/// Reads a package the sniffer has opened and found to be OpenDocument of kind `format`.
pub(crate) fn read_odf_package(
    package: Package<'_>,
    format: Format,
    limits: &Limits,
) -> Result<Document, ReadError> {
    guarded("zip", "odf", || read_package(package, Some(format), limits))
}

/// Reads an opened package. `sniffed` is the OpenDocument kind the sniffer told, for
/// errors; a package it cannot tell is named as a text until its `mimetype` says otherwise.
fn read_package(
    mut package: Package<'_>,
    sniffed: Option<Format>,
    limits: &Limits,
) -> Result<Document, ReadError> {
    if let Some(manifest) = package.read("META-INF/manifest.xml")?
        && memchr::memmem::find(&manifest, b"encryption-data").is_some()
    {
        return Err(ReadError::Encrypted {
            format: sniffed.unwrap_or(Format::Odt),
            location: "META-INF/manifest.xml".to_owned(),
        });
    }
    let format = sniffed
        .or_else(|| {
            package
                .read("mimetype")
                .ok()
                .flatten()
                .and_then(|m| odf_format_of(&String::from_utf8_lossy(&m)))
        })
        .ok_or_else(|| ReadError::Unsupported {
            what: "a zip that is not an OpenDocument text, spreadsheet or presentation".to_owned(),
            location: "mimetype".to_owned(),
        })?;
    let mut text = OdfText::default();
    for part in ["meta.xml", "styles.xml", "content.xml"] {
        match package.read(part)? {
            Some(bytes) => text = walk_odf(&bytes, part, format, limits, text)?,
            None if part == "content.xml" => {
                return Err(ReadError::Corrupt {
                    format,
                    location: part.to_owned(),
                    reason: "the package has no content.xml".to_owned(),
                });
            }
            None => {}
        }
    }
    assemble(format, text, limits)
}

/// Shapes top to bottom (unknown positions mid-page), as lines.
fn shapes_text(shapes: &[&OdfShape]) -> String {
    let mut sorted: Vec<&&OdfShape> = shapes.iter().collect();
    sorted.sort_by_key(|s| s.y.unwrap_or(100_000));
    let mut text = String::new();
    for s in sorted {
        push_line(&mut text, &s.text);
    }
    text
}

fn assemble(format: Format, text: OdfText, limits: &Limits) -> Result<Document, ReadError> {
    let mut parts = Parts::new(limits);
    let body = PartPath::of(Segment::Body);
    parts.push(body.clone(), PartKind::Body, text.body)?;
    parts.push(
        PartPath::of(Segment::Footnotes),
        PartKind::Footnotes,
        text.footnotes,
    )?;
    parts.push(
        PartPath::of(Segment::Endnotes),
        PartKind::Endnotes,
        text.endnotes,
    )?;
    parts.push(
        PartPath::of(Segment::Comments),
        PartKind::Comments,
        text.comments,
    )?;
    parts.push(body.then(Segment::Deleted), PartKind::Deleted, text.deleted)?;
    for sheet in text.sheets {
        let path = PartPath::of(Segment::Sheet(sheet.name.clone()));
        parts.push(
            path.then(Segment::SheetName),
            PartKind::SheetName,
            sheet.name,
        )?;
        parts.push(path.then(Segment::Cells), PartKind::SheetCells, sheet.cells)?;
        parts.push(
            path.then(Segment::Comments),
            PartKind::Comments,
            sheet.comments,
        )?;
    }
    let kinds = [
        Placeholder::Header,
        Placeholder::Footer,
        Placeholder::Date,
        Placeholder::SlideNumber,
    ];
    let master_of =
        |name: &str| -> Option<&OdfMaster> { text.masters.iter().find(|m| m.name == name) };
    let mut used: Vec<(Placeholder, String)> = Vec::new();
    let slides = u32::try_from(text.slides.len()).unwrap_or(u32::MAX);
    for (i, slide) in text.slides.iter().enumerate() {
        let path = PartPath::of(Segment::Slide(u32::try_from(i + 1).unwrap_or(u32::MAX)));
        let master = master_of(&slide.master);
        let mut shown: Vec<&OdfShape> = slide.shapes.iter().filter(|s| s.class.is_none()).collect();
        if let Some(m) = master {
            shown.extend(m.shapes.iter().filter(|s| s.class.is_none()));
        }
        parts.push(path.clone(), PartKind::Slide, shapes_text(&shown))?;
        for kind in kinds {
            let mut t = String::new();
            for s in slide.shapes.iter().filter(|s| s.class == Some(kind)) {
                push_line(&mut t, &s.text);
            }
            if let Some((_, name)) = slide.uses.iter().find(|(k, _)| *k == kind) {
                used.push((kind, name.clone()));
                for (_, _, decl) in text
                    .decls
                    .iter()
                    .filter(|(k, n, _)| *k == kind && n == name)
                {
                    push_line(&mut t, decl);
                }
            }
            if t.trim().is_empty()
                && let Some(m) = master
            {
                for s in m.shapes.iter().filter(|s| s.class == Some(kind)) {
                    push_line(&mut t, &s.text);
                }
            }
            parts.push(
                path.then(Segment::Placeholder(kind)),
                PartKind::Placeholder,
                t,
            )?;
        }
        parts.push(
            path.then(Segment::Notes),
            PartKind::SlideNotes,
            slide.notes.clone(),
        )?;
        parts.push(
            path.then(Segment::Comments),
            PartKind::Comments,
            slide.comments.clone(),
        )?;
    }
    // Declarations no slide uses: not shown, but still in the file.
    for (kind, name, decl) in &text.decls {
        if !used.iter().any(|(k, n)| k == kind && n == name) {
            let path = PartPath::of(Segment::Entry(format!("{}-decl[{name}]", kind.as_str())));
            parts.push(path, PartKind::Placeholder, decl.clone())?;
        }
    }
    for master in &text.masters {
        let path = PartPath::of(Segment::MasterPage(master.name.clone()));
        for (margin, kind, t) in &master.margins {
            let pk = match margin {
                Margin::Header => PartKind::Header(*kind),
                Margin::Footer => PartKind::Footer(*kind),
            };
            let at = path.then(Segment::PageMargin {
                margin: *margin,
                kind: *kind,
            });
            parts.push(at, pk, t.clone())?;
        }
        let plain: Vec<&OdfShape> = master.shapes.iter().filter(|s| s.class.is_none()).collect();
        parts.push(path.clone(), PartKind::MasterText, shapes_text(&plain))?;
        for kind in kinds {
            let mut t = String::new();
            for s in master.shapes.iter().filter(|s| s.class == Some(kind)) {
                push_line(&mut t, &s.text);
            }
            parts.push(
                path.then(Segment::Placeholder(kind)),
                PartKind::Placeholder,
                t,
            )?;
        }
    }
    for (set, name, value) in text.properties {
        let kind = match set {
            PropertySet::Core => PartKind::CoreProperty,
            PropertySet::Custom if crate::document::ooxml::is_label_name(&name) => {
                PartKind::LabelProperty
            }
            PropertySet::Custom => PartKind::CustomProperty,
        };
        parts.push(PartPath::of(Segment::Property { set, name }), kind, value)?;
    }
    Ok(Document {
        format,
        parts: parts.parts,
        sections: 0,
        pages: if format == Format::Odp { slides } else { 0 },
    })
}
