//! The OpenDocument text walk: one pass over `content.xml`, `styles.xml`, `meta.xml` (or a
//! flat document holding all three) that sorts every paragraph into where it is shown.
//!
//! Elements are matched by local name, so another prefix for a standard namespace reads
//! the same. A paragraph (`text:p`, `text:h`) is one line; `text:s` and `text:tab` are a
//! space, `text:line-break` a newline; fields keep the text they last showed. Paragraphs
//! nest (a footnote's body sits inside the paragraph that cites it), so each open paragraph
//! has its own line and target.

use crate::document::drawing::push_line;
use crate::document::xml::{XmlWalk, normalise_encoding};
use crate::document::{Format, HeaderKind};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::{Margin, Placeholder, PropertySet};
use quick_xml::events::{BytesStart, Event};

/// A shape drawn on a slide or master page: its top edge (micrometres) and text.
#[derive(Debug, Clone, Default)]
pub(crate) struct OdfShape {
    pub(crate) y: Option<i64>,
    pub(crate) class: Option<Placeholder>,
    pub(crate) text: String,
}

#[derive(Debug, Default)]
pub(crate) struct OdfSlide {
    pub(crate) master: String,
    /// Names of the footer, header and date-time declarations the slide uses.
    pub(crate) uses: Vec<(Placeholder, String)>,
    pub(crate) shapes: Vec<OdfShape>,
    pub(crate) notes: String,
    pub(crate) comments: String,
}

#[derive(Debug, Default)]
pub(crate) struct OdfSheet {
    pub(crate) name: String,
    pub(crate) cells: String,
    pub(crate) comments: String,
}

#[derive(Debug, Default)]
pub(crate) struct OdfMaster {
    pub(crate) name: String,
    pub(crate) margins: Vec<(Margin, HeaderKind, String)>,
    pub(crate) shapes: Vec<OdfShape>,
}

/// Everything the walk found.
#[derive(Debug, Default)]
pub(crate) struct OdfText {
    pub(crate) body: String,
    pub(crate) footnotes: String,
    pub(crate) endnotes: String,
    pub(crate) comments: String,
    pub(crate) deleted: String,
    pub(crate) sheets: Vec<OdfSheet>,
    pub(crate) slides: Vec<OdfSlide>,
    pub(crate) masters: Vec<OdfMaster>,
    /// `presentation:footer-decl` and its kin: kind, name, text.
    pub(crate) decls: Vec<(Placeholder, String, String)>,
    pub(crate) properties: Vec<(PropertySet, String, String)>,
}

/// Where a paragraph's line goes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Body,
    Footnote,
    Endnote,
    Comment,
    Deleted,
    Cell,
    SlideShape,
    SlideNotes,
    MasterMargin,
    MasterShape,
    Skip,
}

fn margin_of(local: &[u8]) -> Option<(Margin, HeaderKind)> {
    Some(match local {
        b"header" => (Margin::Header, HeaderKind::Default),
        b"footer" => (Margin::Footer, HeaderKind::Default),
        b"header-left" => (Margin::Header, HeaderKind::Even),
        b"footer-left" => (Margin::Footer, HeaderKind::Even),
        b"header-first" => (Margin::Header, HeaderKind::First),
        b"footer-first" => (Margin::Footer, HeaderKind::First),
        _ => return None,
    })
}

fn class_of(value: &str) -> Option<Placeholder> {
    Some(match value {
        "footer" => Placeholder::Footer,
        "header" => Placeholder::Header,
        "date-time" => Placeholder::Date,
        "page-number" => Placeholder::SlideNumber,
        _ => return None,
    })
}

fn decl_of(local: &[u8]) -> Option<Placeholder> {
    Some(match local {
        b"footer-decl" => Placeholder::Footer,
        b"header-decl" => Placeholder::Header,
        b"date-time-decl" => Placeholder::Date,
        _ => return None,
    })
}

/// A length such as `2.5cm`, `10mm`, `1in`, `72pt` in micrometres.
fn length_um(value: &str) -> Option<i64> {
    let v = value.trim();
    let split = v.find(|c: char| c.is_ascii_alphabetic() || c == '%')?;
    let (num, unit) = v.split_at(split);
    let n: f64 = num.trim().parse().ok()?;
    let factor = match unit {
        "cm" => 10_000.0,
        "mm" => 1_000.0,
        "in" => 25_400.0,
        "pt" => 352.777,
        "pc" => 4_233.33,
        "px" => 264.583,
        _ => return None,
    };
    let um = n * factor;
    um.is_finite().then_some(um as i64)
}

struct Walker {
    out: OdfText,
    stack: Vec<Vec<u8>>,
    /// Open paragraphs: line and target.
    lines: Vec<(String, Target)>,
    /// Note class of each open `text:note` (true = endnote).
    notes: Vec<bool>,
    /// Cell text of the open spreadsheet cell, and the open row's cells.
    cell: String,
    row: Vec<String>,
    /// Depth of the open slide or master shape.
    shape_at: Option<usize>,
    /// The open `*-decl` element: kind, name, text.
    decl: Option<(Placeholder, String, String)>,
    /// The open meta property: set, name, text.
    property: Option<(PropertySet, String, String)>,
    in_spreadsheet: bool,
}

/// Walks one OpenDocument XML part (or a flat document) into `out`.
pub(crate) fn walk_odf(
    bytes: &[u8],
    part: &str,
    format: Format,
    limits: &Limits,
    out: OdfText,
) -> Result<OdfText, ReadError> {
    let bytes = normalise_encoding(bytes);
    let mut xml = XmlWalk::new(&bytes, part, limits).in_format(format);
    let mut w = Walker {
        out,
        stack: Vec::new(),
        lines: Vec::new(),
        notes: Vec::new(),
        cell: String::new(),
        row: Vec::new(),
        shape_at: None,
        decl: None,
        property: None,
        in_spreadsheet: false,
    };
    loop {
        let event = xml.next()?;
        match &event {
            Event::Start(e) => {
                w.open(&xml, e)?;
                w.stack.push(e.local_name().as_ref().to_vec());
            }
            Event::Empty(e) => {
                w.open(&xml, e)?;
                w.stack.push(e.local_name().as_ref().to_vec());
                w.close();
            }
            Event::End(_) => w.close(),
            Event::Eof => break,
            other => w.text(&xml, other)?,
        }
    }
    Ok(w.out)
}

impl Walker {
    fn inside(&self, local: &[u8]) -> bool {
        self.stack.iter().any(|t| t == local)
    }

    fn parent(&self) -> Option<&[u8]> {
        self.stack.last().map(Vec::as_slice)
    }

    /// Where a paragraph opened now belongs, from its ancestors.
    fn target(&self) -> Target {
        for t in self.stack.iter().rev() {
            match t.as_slice() {
                b"deletion" => return Target::Deleted,
                b"tracked-changes" | b"note-citation" => return Target::Skip,
                b"annotation" => return Target::Comment,
                b"note-body" => {
                    return if self.notes.last().copied().unwrap_or(false) {
                        Target::Endnote
                    } else {
                        Target::Footnote
                    };
                }
                b"notes" if !self.inside(b"master-page") => return Target::SlideNotes,
                b"table-cell" | b"covered-table-cell" if self.in_spreadsheet => {
                    return Target::Cell;
                }
                t if margin_of(t).is_some() => return Target::MasterMargin,
                b"page" => return Target::SlideShape,
                b"master-page" | b"handout-master" => return Target::MasterShape,
                _ => {}
            }
        }
        Target::Body
    }

    fn open(&mut self, xml: &XmlWalk<'_>, e: &BytesStart<'_>) -> Result<(), ReadError> {
        let name = e.local_name();
        let local = name.as_ref();
        let in_meta = self.inside(b"meta") && self.parent() == Some(b"meta");
        match local {
            b"p" | b"h" => self.lines.push((String::new(), self.target())),
            b"s" | b"tab" => self.push_text(" "),
            b"line-break" => self.push_text("\n"),
            b"note" => {
                let end = xml.attr(e, b"note-class")?.as_deref() == Some("endnote");
                self.notes.push(end);
            }
            b"spreadsheet" => self.in_spreadsheet = true,
            b"table" if self.in_spreadsheet && self.parent() == Some(b"spreadsheet") => {
                let name = xml.attr(e, b"name")?.unwrap_or_default();
                self.out.sheets.push(OdfSheet {
                    name,
                    ..OdfSheet::default()
                });
            }
            b"page"
                if self.parent() == Some(b"presentation") || self.parent() == Some(b"drawing") =>
            {
                let mut slide = OdfSlide {
                    master: xml.attr(e, b"master-page-name")?.unwrap_or_default(),
                    ..OdfSlide::default()
                };
                for (attr, kind) in [
                    (&b"use-footer-name"[..], Placeholder::Footer),
                    (b"use-header-name", Placeholder::Header),
                    (b"use-date-time-name", Placeholder::Date),
                ] {
                    if let Some(n) = xml.attr(e, attr)? {
                        slide.uses.push((kind, n));
                    }
                }
                self.out.slides.push(slide);
            }
            b"master-page" | b"handout-master" => {
                let name = match local {
                    b"master-page" => xml.attr(e, b"name")?.unwrap_or_default(),
                    _ => "handout".to_owned(),
                };
                self.out.masters.push(OdfMaster {
                    name,
                    ..OdfMaster::default()
                });
            }
            _ if decl_of(local).is_some() => {
                let name = xml.attr(e, b"name")?.unwrap_or_default();
                self.decl = decl_of(local).map(|k| (k, name, String::new()));
            }
            b"user-defined" if in_meta => {
                let name = xml.attr(e, b"name")?.unwrap_or_default();
                self.property = Some((PropertySet::Custom, name, String::new()));
            }
            b"title" | b"subject" | b"description" | b"keyword" if in_meta => {
                let name = String::from_utf8_lossy(local).into_owned();
                self.property = Some((PropertySet::Core, name, String::new()));
            }
            _ => {}
        }
        // A shape of a slide or master page: a drawing element directly on the page (or in
        // a group on it).
        if self.shape_at.is_none()
            && matches!(
                self.parent(),
                Some(b"page" | b"master-page" | b"handout-master" | b"g")
            )
            && !matches!(local, b"g" | b"notes" | b"forms")
            && margin_of(local).is_none()
            && (self.inside(b"page")
                || self.inside(b"master-page")
                || self.inside(b"handout-master"))
        {
            let shape = OdfShape {
                y: xml.attr(e, b"y")?.as_deref().and_then(length_um),
                class: xml.attr(e, b"class")?.as_deref().and_then(class_of),
                text: String::new(),
            };
            let at_master = !self.inside(b"page");
            let list = if at_master {
                self.out.masters.last_mut().map(|m| &mut m.shapes)
            } else {
                self.out.slides.last_mut().map(|s| &mut s.shapes)
            };
            if let Some(list) = list {
                list.push(shape);
                self.shape_at = Some(self.stack.len());
            }
        }
        Ok(())
    }

    fn push_text(&mut self, s: &str) {
        if let Some((line, _)) = self.lines.last_mut() {
            line.push_str(s);
        }
    }

    fn text(&mut self, xml: &XmlWalk<'_>, event: &Event<'_>) -> Result<(), ReadError> {
        if let Some((_, _, text)) = self.decl.as_mut() {
            xml.append_text(event, text)?;
            return Ok(());
        }
        if let Some((_, _, text)) = self.property.as_mut() {
            xml.append_text(event, text)?;
            return Ok(());
        }
        // Annotation metadata (author, date) is not the comment's text, nor is a note's
        // citation (its number) part of the paragraph that cites it.
        if matches!(self.parent(), Some(b"creator" | b"date" | b"date-string"))
            || self.inside(b"note-citation")
        {
            return Ok(());
        }
        if let Some((line, _)) = self.lines.last_mut() {
            // Whitespace in a paragraph collapses to one space (ODF 1.3 §6.1.2); spaces that
            // count are written as `text:s`.
            let mut raw = String::new();
            xml.append_text(event, &mut raw)?;
            for c in raw.chars() {
                if matches!(c, ' ' | '\t' | '\r' | '\n') {
                    if !line.ends_with(' ') && !line.is_empty() {
                        line.push(' ');
                    }
                } else {
                    line.push(c);
                }
            }
        }
        Ok(())
    }

    fn close(&mut self) {
        let Some(local) = self.stack.pop() else {
            return;
        };
        let depth = self.stack.len();
        match local.as_slice() {
            b"p" | b"h" => {
                if let Some((line, target)) = self.lines.pop() {
                    self.route(line.trim(), target);
                }
            }
            b"note" => {
                self.notes.pop();
            }
            b"spreadsheet" => self.in_spreadsheet = false,
            b"table-cell" | b"covered-table-cell" if self.in_spreadsheet => {
                let cell = std::mem::take(&mut self.cell);
                if !cell.trim().is_empty() {
                    self.row.push(cell.trim().to_owned());
                }
            }
            b"table-row" if self.in_spreadsheet => {
                let row = std::mem::take(&mut self.row).join("\t");
                if let Some(sheet) = self.out.sheets.last_mut() {
                    push_line(&mut sheet.cells, &row);
                }
            }
            l if decl_of(l).is_some() => {
                if let Some((kind, name, text)) = self.decl.take() {
                    self.out.decls.push((kind, name, text.trim().to_owned()));
                }
            }
            b"user-defined" | b"title" | b"subject" | b"description" | b"keyword" => {
                if let Some(p) = self.property.take() {
                    self.out.properties.push(p);
                }
            }
            _ => {}
        }
        if self.shape_at == Some(depth) {
            self.shape_at = None;
        }
    }

    fn route(&mut self, line: &str, target: Target) {
        if line.is_empty() {
            return;
        }
        let out = &mut self.out;
        match target {
            Target::Body => push_line(&mut out.body, line),
            Target::Footnote => push_line(&mut out.footnotes, line),
            Target::Endnote => push_line(&mut out.endnotes, line),
            Target::Deleted => push_line(&mut out.deleted, line),
            Target::Skip => {}
            Target::Comment => {
                let slot = if self.in_spreadsheet {
                    out.sheets.last_mut().map(|s| &mut s.comments)
                } else if self.stack.iter().any(|t| t == b"page") {
                    out.slides.last_mut().map(|s| &mut s.comments)
                } else {
                    None
                };
                push_line(slot.unwrap_or(&mut out.comments), line);
            }
            Target::Cell => {
                if !self.cell.is_empty() {
                    self.cell.push(' ');
                }
                self.cell.push_str(line);
            }
            Target::SlideNotes => {
                if let Some(s) = out.slides.last_mut() {
                    push_line(&mut s.notes, line);
                }
            }
            Target::SlideShape | Target::MasterShape => {
                let shapes = if target == Target::SlideShape {
                    out.slides.last_mut().map(|s| &mut s.shapes)
                } else {
                    out.masters.last_mut().map(|m| &mut m.shapes)
                };
                match shapes {
                    Some(shapes) => match shapes.last_mut() {
                        Some(shape) if self.shape_at.is_some() => push_line(&mut shape.text, line),
                        // Text outside any shape (a master's notes page): a shape of its own.
                        _ => shapes.push(OdfShape {
                            text: line.to_owned(),
                            ..OdfShape::default()
                        }),
                    },
                    None => push_line(&mut out.body, line),
                }
            }
            Target::MasterMargin => {
                let margin = self.stack.iter().rev().find_map(|t| margin_of(t));
                if let (Some((m, k)), Some(master)) = (margin, out.masters.last_mut()) {
                    match master
                        .margins
                        .iter_mut()
                        .find(|(mm, kk, _)| *mm == m && *kk == k)
                    {
                        Some((_, _, text)) => push_line(text, line),
                        None => master.margins.push((m, k, line.to_owned())),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(length_um("2.5cm"), Some(25_000));
        assert_eq!(length_um("1in"), Some(25_400));
        assert_eq!(length_um("x"), None);
    }

    #[test]
    fn notes_nest_inside_paragraphs() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
            <text:p>Body <text:span>one</text:span><text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>
            <text:note-body><text:p>FOOT</text:p></text:note-body></text:note> end</text:p>
            <text:p><office:annotation><dc:creator xmlns:dc="d">me</dc:creator><text:p>NOTE</text:p></office:annotation>x<text:s/>y</text:p>
            </office:text></office:body></office:document-content>"#;
        let t = walk_odf(
            xml.as_bytes(),
            "content.xml",
            Format::Odt,
            &Limits::default(),
            OdfText::default(),
        )
        .unwrap();
        assert_eq!(t.body, "Body one end\nx y");
        assert_eq!(t.footnotes, "FOOT");
        assert_eq!(t.comments, "NOTE");
    }
}
