//! PPTX reading: the crate's own bounded zip + quick-xml walk, as for DOCX.

use crate::document::drawing::{
    Drawing, Shape, comments_text, paragraphs_text, push_line, walk_drawing,
};
use crate::document::ooxml::{Opc, PRESENTATION_MAIN_TYPES, Rel, part_key};
use crate::document::parts::Parts;
use crate::document::xml::{normalise_encoding, read_part};
use crate::document::zip_reader::Package;
use crate::document::{
    Document, Format, OLE2_MAGIC, PartKind, check_input_size, guarded, refuse_ole2,
};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::{PartPath, Placeholder, Segment};
use quick_xml::events::Event;
use std::borrow::Cow;
use std::collections::HashSet;

/// The default slide height (4:3 and 16:9 decks alike), in EMU.
const DEFAULT_SLIDE_HEIGHT: i64 = 6_858_000;

/// Reads a PPTX (or PPTM, POTX, PPSX) package into its text parts.
///
/// Parts, in order:
/// * each slide master (`master 1`, in presentation order) and its layouts (`layout 1`,
///   numbered across masters in their order): their text as [`PartKind::MasterText`], and
///   each footer, date, slide-number or header placeholder as [`PartKind::Placeholder`]
///   (`master 1/footer`, `layout 3/date`);
/// * each slide in show order (`slide 1`), as [`PartKind::Slide`]: the text of its shapes,
///   tables, grouped shapes, diagrams and chart titles, with the text boxes (not
///   placeholders) its layout and master draw on it unless `showMasterSp="0"` hides them,
///   ordered top to bottom (a placeholder without a position of its own takes its layout's
///   or master's); its own footer placeholders (`slide 1/footer`, `slide 1/slide number`);
///   its speaker notes (`slide 1/notes`, [`PartKind::SlideNotes`]) and comments
///   (`slide 1/comments`, [`PartKind::Comments`]);
/// * the notes and handout masters (`notes master`, `handout master`) as templates are;
/// * slide parts no slide list entry names, located by their zip entry;
/// * the package properties, as for [`read_docx`](super::read_docx).
///
/// [`Document::pages`] is the number of slides.
///
/// # Errors
///
/// As [`read_docx`](super::read_docx): every limit, `Encrypted` for an OLE2-wrapped
/// encrypted package, `Unsupported` for an OOXML package that is not a presentation,
/// `Corrupt` for a damaged zip (including two entries of one name) or malformed XML.
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::read_pptx;
///
/// let err = read_pptx(b"PK\x03\x04 truncated", &Limits::default()).unwrap_err();
/// assert!(matches!(err, ReadError::Corrupt { .. }));
/// ```
pub fn read_pptx(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    check_input_size(bytes, limits, "pptx")?;
    if bytes.starts_with(&OLE2_MAGIC) {
        return Err(refuse_ole2(bytes));
    }
    guarded("zip", "pptx", || {
        read_opc(Opc::open(bytes, limits, Format::Pptx)?, limits)
    })
}

/// Reads a package the sniffer has opened and found to be a PPTX.
pub(crate) fn read_pptx_package(
    package: Package<'_>,
    limits: &Limits,
) -> Result<Document, ReadError> {
    guarded("zip", "pptx", || {
        read_opc(Opc::of(package, limits, Format::Pptx)?, limits)
    })
}

fn read_opc(opc: Opc<'_>, limits: &Limits) -> Result<Document, ReadError> {
    PptxReader {
        opc,
        parts: Parts::new(limits),
        done: HashSet::new(),
    }
    .read()
}

/// `ppt/presentation.xml`: relationship ids of the slides, masters and the slide height.
#[derive(Debug, Default)]
struct Presentation {
    slides: Vec<String>,
    masters: Vec<String>,
    notes_master: Option<String>,
    handout_master: Option<String>,
    height: Option<i64>,
}

fn parse_presentation(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<Presentation, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut p = Presentation::default();
        loop {
            match xml.next()? {
                Event::Start(e) | Event::Empty(e) => {
                    let id = xml.rel_id(&e)?;
                    match (e.local_name().as_ref(), id) {
                        (b"sldId", Some(id)) => p.slides.push(id),
                        (b"sldMasterId", Some(id)) => p.masters.push(id),
                        (b"notesMasterId", Some(id)) => p.notes_master = Some(id),
                        (b"handoutMasterId", Some(id)) => p.handout_master = Some(id),
                        (b"sldSz", _) => {
                            p.height = xml.attr(&e, b"cy")?.and_then(|v| v.parse().ok());
                        }
                        _ => {}
                    }
                }
                Event::Eof => return Ok(p),
                _ => {}
            }
        }
    })
}

/// The placeholder types drawn in the footer area (and the header of notes and handouts).
fn placeholder_of(shape: &Shape) -> Option<Placeholder> {
    match shape.placeholder.as_deref()? {
        "ftr" => Some(Placeholder::Footer),
        "dt" => Some(Placeholder::Date),
        "sldNum" => Some(Placeholder::SlideNumber),
        "hdr" => Some(Placeholder::Header),
        _ => None,
    }
}

/// The master placeholder type a slide or layout placeholder inherits from.
fn master_type(t: &str) -> &str {
    match t {
        "ctrTitle" | "title" => "title",
        "subTitle" | "obj" | "body" => "body",
        other => other,
    }
}

fn target_of(rels: &[Rel], id: &str) -> Option<String> {
    rels.iter()
        .find(|r| r.id == id && !r.target.is_empty())
        .map(|r| r.target.clone())
}

struct Template {
    drawing: Drawing,
    master: Option<usize>,
}

struct PptxReader<'a> {
    opc: Opc<'a>,
    parts: Parts,
    done: HashSet<String>,
}

impl PptxReader<'_> {
    fn read(mut self) -> Result<Document, ReadError> {
        let main = self.opc.main_part(
            &PRESENTATION_MAIN_TYPES,
            "ppt/presentation.xml",
            "a presentation",
            Format::Pptx,
        )?;
        let bytes = self.opc.required(&main, Format::Pptx)?;
        let pres = parse_presentation(&bytes, &main, self.opc.limits)?;
        drop(bytes);
        self.done.insert(part_key(&main));
        let height = pres.height.unwrap_or(DEFAULT_SLIDE_HEIGHT);
        let rels = self.opc.rels(&main)?;

        let mut masters: Vec<Template> = Vec::new();
        let mut layouts: Vec<(String, Template)> = Vec::new();
        for id in &pres.masters {
            let Some(target) = target_of(&rels, id) else {
                continue;
            };
            let Some(drawing) = self.drawing(&target)? else {
                continue;
            };
            let n = masters.len() + 1;
            self.template(PartPath::of(Segment::SlideMaster(to_u32(n))), &drawing)?;
            let master_rels = self.opc.rels(&target)?;
            let mut layout_targets: Vec<String> = drawing
                .layout_ids
                .iter()
                .filter_map(|id| target_of(&master_rels, id))
                .collect();
            layout_targets.extend(
                master_rels
                    .iter()
                    .filter(|r| r.is("slideLayout") && !r.target.is_empty())
                    .map(|r| r.target.clone()),
            );
            masters.push(Template {
                drawing,
                master: None,
            });
            for layout in layout_targets {
                let Some(drawing) = self.drawing(&layout)? else {
                    continue;
                };
                let path = PartPath::of(Segment::SlideLayout(to_u32(layouts.len() + 1)));
                self.template(path, &drawing)?;
                layouts.push((
                    part_key(&layout),
                    Template {
                        drawing,
                        master: Some(n - 1),
                    },
                ));
            }
        }

        let mut slides = 0u32;
        for id in &pres.slides {
            let Some(target) = target_of(&rels, id) else {
                continue;
            };
            slides += 1;
            self.slide(
                &target,
                PartPath::of(Segment::Slide(slides)),
                &layouts,
                &masters,
                height,
            )?;
        }
        for (id, segment) in [
            (&pres.notes_master, Segment::NotesMaster),
            (&pres.handout_master, Segment::HandoutMaster),
        ] {
            if let Some(target) = id.as_deref().and_then(|id| target_of(&rels, id))
                && let Some(drawing) = self.drawing(&target)?
            {
                self.template(PartPath::of(segment), &drawing)?;
            }
        }
        // Slides no slide list entry names: not shown, but still in the file.
        for entry in self
            .opc
            .content_types
            .parts_of_type("presentationml.slide+xml")
        {
            if !self.done.contains(&part_key(&entry)) {
                let path = PartPath::of(Segment::Entry(entry.clone()));
                self.slide(&entry, path, &layouts, &masters, height)?;
            }
        }
        for (path, kind, value) in self.opc.properties()? {
            self.parts.push(path, kind, value)?;
        }
        Ok(Document {
            format: Format::Pptx,
            parts: self.parts.parts,
            sections: 0,
            pages: slides,
        })
    }

    /// Walks a drawing part once; `None` if it is absent or already read.
    fn drawing(&mut self, target: &str) -> Result<Option<Drawing>, ReadError> {
        if !self.done.insert(part_key(target)) {
            return Ok(None);
        }
        match self.opc.package.read(target)? {
            Some(bytes) => Ok(Some(walk_drawing(&bytes, target, self.opc.limits)?)),
            None => Ok(None),
        }
    }

    /// A master's, layout's or notes/handout master's text and placeholders.
    fn template(&mut self, path: PartPath, drawing: &Drawing) -> Result<(), ReadError> {
        let mut text = String::new();
        for shape in &drawing.shapes {
            if placeholder_of(shape).is_none() {
                push_line(&mut text, &shape.text);
            }
        }
        self.parts.push(path.clone(), PartKind::MasterText, text)?;
        self.placeholders(&path, &drawing.shapes)
    }

    /// The footer-area placeholders of a slide or template, one part per kind.
    fn placeholders(&mut self, path: &PartPath, shapes: &[Shape]) -> Result<(), ReadError> {
        for kind in [
            Placeholder::Header,
            Placeholder::Footer,
            Placeholder::Date,
            Placeholder::SlideNumber,
        ] {
            let mut text = String::new();
            for s in shapes.iter().filter(|s| placeholder_of(s) == Some(kind)) {
                push_line(&mut text, &s.text);
            }
            if text.trim().is_empty() {
                continue; // `Parts` leaves it out; no path made for it
            }
            self.parts.push(
                path.then(Segment::Placeholder(kind)),
                PartKind::Placeholder,
                text,
            )?;
        }
        Ok(())
    }

    fn slide(
        &mut self,
        target: &str,
        path: PartPath,
        layouts: &[(String, Template)],
        masters: &[Template],
        height: i64,
    ) -> Result<(), ReadError> {
        let Some(mut drawing) = self.drawing(target)? else {
            return Ok(());
        };
        let rels = self.opc.rels(target)?;
        let layout = rels
            .iter()
            .find(|r| r.is("slideLayout"))
            .and_then(|r| layouts.iter().find(|(k, _)| *k == part_key(&r.target)))
            .map(|(_, t)| t);
        let master = layout.and_then(|l| l.master).and_then(|m| masters.get(m));

        // (top, left, text) of every shape the slide shows. The slide's own texts are moved
        // out (the footer-area placeholders, which `placeholders` reads, stay), the layout's
        // and master's borrowed.
        let mut shown: Vec<(i64, i64, Cow<'_, str>)> = Vec::new();
        for shape in drawing
            .shapes
            .iter_mut()
            .filter(|s| placeholder_of(s).is_none())
        {
            let mut text = std::mem::take(&mut shape.text);
            for id in &shape.linked {
                if let Some(linked) = target_of(&rels, id)
                    && self.done.insert(part_key(&linked))
                    && let Some(bytes) = self.opc.package.read(&linked)?
                {
                    push_line(
                        &mut text,
                        &paragraphs_text(&bytes, &linked, self.opc.limits)?,
                    );
                }
            }
            let (y, x) = position(shape, layout, master).unwrap_or((height / 2, 0));
            shown.push((y, x, Cow::Owned(text)));
        }
        if !drawing.hides_master_shapes
            && let Some(layout) = layout
        {
            let mut inherited: Vec<&Shape> = layout.drawing.shapes.iter().collect();
            if !layout.drawing.hides_master_shapes
                && let Some(master) = master
            {
                inherited.extend(master.drawing.shapes.iter());
            }
            for s in inherited.into_iter().filter(|s| s.placeholder.is_none()) {
                shown.push((
                    s.y.unwrap_or(height / 2),
                    s.x.unwrap_or(0),
                    Cow::Borrowed(&s.text),
                ));
            }
        }
        shown.sort_by_key(|(y, x, _)| (*y, *x));
        let mut text = String::with_capacity(shown.iter().map(|(_, _, t)| t.len() + 1).sum());
        for (_, _, t) in &shown {
            push_line(&mut text, t);
        }
        self.parts.push(path.clone(), PartKind::Slide, text)?;
        self.placeholders(&path, &drawing.shapes)?;

        if let Some(notes) = rels
            .iter()
            .find(|r| r.is("notesSlide"))
            .map(|r| r.target.clone())
            && let Some(notes) = self.drawing(&notes)?
        {
            let mut text = String::new();
            for s in notes
                .shapes
                .iter()
                .filter(|s| s.placeholder.as_deref() != Some("sldNum"))
            {
                push_line(&mut text, &s.text);
            }
            self.parts
                .push(path.then(Segment::Notes), PartKind::SlideNotes, text)?;
        }
        let comments: Vec<String> = rels
            .iter()
            .filter(|r| r.is("comments") && !r.target.is_empty())
            .map(|r| r.target.clone())
            .collect();
        let mut text = String::new();
        for c in comments {
            if self.done.insert(part_key(&c))
                && let Some(bytes) = self.opc.package.read(&c)?
            {
                push_line(&mut text, &comments_text(&bytes, &c, self.opc.limits)?);
            }
        }
        self.parts
            .push(path.then(Segment::Comments), PartKind::Comments, text)
    }
}

/// A shape's position: its own, else (for a placeholder) its layout placeholder's by index
/// or type, else its master placeholder's by type.
fn position(
    shape: &Shape,
    layout: Option<&Template>,
    master: Option<&Template>,
) -> Option<(i64, i64)> {
    if let Some(y) = shape.y {
        return Some((y, shape.x.unwrap_or(0)));
    }
    let t = shape.placeholder.as_deref()?;
    let at = |s: &Shape| s.y.map(|y| (y, s.x.unwrap_or(0)));
    let from_layout = layout.and_then(|l| {
        let shapes = &l.drawing.shapes;
        shapes
            .iter()
            .find(|s| s.placeholder.is_some() && shape.idx != 0 && s.idx == shape.idx)
            .or_else(|| shapes.iter().find(|s| s.placeholder.as_deref() == Some(t)))
            .and_then(at)
    });
    from_layout.or_else(|| {
        master.and_then(|m| {
            m.drawing
                .shapes
                .iter()
                .find(|s| s.placeholder.as_deref().map(master_type) == Some(master_type(t)))
                .and_then(at)
        })
    })
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
