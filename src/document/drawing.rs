//! The DrawingML shape walk shared by the PPTX reader (slides, layouts, masters, notes) and
//! the XLSX reader (shapes drawn on a sheet): every shape's text with its placeholder type
//! and its position, groups flattened through their child transforms.
//!
//! Text rules: `a:t` joined per `a:p`, one line per paragraph with text, `a:br` a newline;
//! field text (`a:fld`, the slide number or date as last shown) is text too. Table cells are
//! paragraphs of the frame that holds them. An `mc:Fallback` after an `mc:Choice` repeats the
//! choice for old readers, so its text is skipped.

use crate::document::xml::{XmlWalk, local_of, normalise_encoding, read_part};
use crate::error::ReadError;
use crate::limits::Limits;
use quick_xml::events::{BytesStart, Event};

/// One shape with text (or a placeholder, even without text, for position inheritance).
#[derive(Debug, Clone, Default)]
pub(crate) struct Shape {
    /// `p:ph` type (`title`, `body`, `ftr`, `dt`, `sldNum`, `hdr`...; `obj` if unset).
    pub(crate) placeholder: Option<String>,
    /// `p:ph` idx (0 if unset).
    pub(crate) idx: u32,
    /// Top and left edge in EMU on the slide, when the shape states its own position.
    pub(crate) y: Option<i64>,
    pub(crate) x: Option<i64>,
    pub(crate) text: String,
    /// Relationship ids of diagram data (`dgm:relIds r:dm`) and charts (`c:chart r:id`)
    /// whose text belongs to this shape.
    pub(crate) linked: Vec<String>,
}

/// What the walk of one part found.
#[derive(Debug, Default)]
pub(crate) struct Drawing {
    pub(crate) shapes: Vec<Shape>,
    /// `showMasterSp="0"` on the root's `p:cSld` parent: the layout's and master's shapes
    /// are not drawn on it.
    pub(crate) hides_master_shapes: bool,
    /// `r:id`s of `p:sldLayoutId` (a master's layouts, in order).
    pub(crate) layout_ids: Vec<String>,
}

/// A group's mapping from child to parent coordinates (offset, extent, child offset, child
/// extent), on one axis each.
#[derive(Debug, Clone, Copy, Default)]
struct Transform {
    off: [i64; 2],
    ext: [i64; 2],
    ch_off: [i64; 2],
    ch_ext: [i64; 2],
}

impl Transform {
    fn apply(&self, axis: usize, v: i64) -> i64 {
        let (off, ext, ch_off, ch_ext) = (
            self.off[axis],
            self.ext[axis],
            self.ch_off[axis],
            self.ch_ext[axis],
        );
        if ch_ext == 0 {
            return off.saturating_add(v.saturating_sub(ch_off));
        }
        let scaled = i128::from(v.saturating_sub(ch_off)) * i128::from(ext) / i128::from(ch_ext);
        off.saturating_add(i64::try_from(scaled).unwrap_or(0))
    }
}

/// The elements the walk tells apart, by local name; every other element is `Other`.
/// Classified once as an element opens, so the stack of open elements holds no names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    /// `sld`, `sldLayout`, `notes`: a root that may hide the master's shapes.
    SlideRoot,
    SldLayoutId,
    GrpSp,
    GrpSpPr,
    /// Elements that start a shape of their own: `sp`, `cxnSp`, `pic`, `contentPart`.
    Shape,
    /// `graphicFrame`: a shape, and the owner of its own transform.
    GraphicFrame,
    SpPr,
    Xfrm,
    Off,
    Ext,
    ChOff,
    ChExt,
    Ph,
    TxBody,
    /// A table cell, whose paragraphs are text as a body's are.
    Tc,
    P,
    T,
    Br,
    RelIds,
    Chart,
    GraphicData,
    AlternateContent,
    Choice,
    Fallback,
    Other,
}

impl Tag {
    fn of(local: &[u8]) -> Tag {
        match local {
            b"sld" | b"sldLayout" | b"notes" => Tag::SlideRoot,
            b"sldLayoutId" => Tag::SldLayoutId,
            b"grpSp" => Tag::GrpSp,
            b"grpSpPr" => Tag::GrpSpPr,
            b"sp" | b"cxnSp" | b"pic" | b"contentPart" => Tag::Shape,
            b"graphicFrame" => Tag::GraphicFrame,
            b"spPr" => Tag::SpPr,
            b"xfrm" => Tag::Xfrm,
            b"off" => Tag::Off,
            b"ext" => Tag::Ext,
            b"chOff" => Tag::ChOff,
            b"chExt" => Tag::ChExt,
            b"ph" => Tag::Ph,
            b"txBody" => Tag::TxBody,
            b"tc" => Tag::Tc,
            b"p" => Tag::P,
            b"t" => Tag::T,
            b"br" => Tag::Br,
            b"relIds" => Tag::RelIds,
            b"chart" => Tag::Chart,
            b"graphicData" => Tag::GraphicData,
            b"AlternateContent" => Tag::AlternateContent,
            b"Choice" => Tag::Choice,
            b"Fallback" => Tag::Fallback,
            _ => Tag::Other,
        }
    }

    /// Elements that start a shape of their own.
    fn is_shape(self) -> bool {
        matches!(self, Tag::Shape | Tag::GraphicFrame)
    }
}

struct Walker {
    out: Drawing,
    /// The open elements.
    stack: Vec<Tag>,
    /// Open groups: their transform and the stack depth of their `grpSp`.
    groups: Vec<(Transform, usize)>,
    /// The open shape and the stack depth of its element.
    shape: Option<(Shape, usize)>,
    line: String,
    /// Whether each open `mc:AlternateContent` has seen its `mc:Choice`.
    alternates: Vec<bool>,
    skip_from: Option<usize>,
}

/// Walks one DrawingML part (a slide, layout, master, notes slide, or a sheet drawing).
pub(crate) fn walk_drawing(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<Drawing, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut w = Walker {
            out: Drawing::default(),
            stack: Vec::new(),
            groups: Vec::new(),
            shape: None,
            line: String::new(),
            alternates: Vec::new(),
            skip_from: None,
        };
        loop {
            let event = xml.next()?;
            match &event {
                Event::Start(e) => w.open(xml, e, false)?,
                Event::Empty(e) => w.open(xml, e, true)?,
                Event::End(_) => w.close(),
                Event::Eof => break,
                other => {
                    if w.skip_from.is_none() && w.stack.last() == Some(&Tag::T) {
                        xml.append_text(other, &mut w.line)?;
                    }
                }
            }
        }
        w.flush_line();
        Ok(w.out)
    })
}

fn attr_i64(xml: &XmlWalk<'_>, e: &BytesStart<'_>, name: &[u8]) -> Result<i64, ReadError> {
    Ok(xml.attr_number(e, name)?.unwrap_or(0))
}

impl Walker {
    fn parent(&self, up: usize) -> Option<Tag> {
        self.stack
            .len()
            .checked_sub(up + 1)
            .and_then(|i| self.stack.get(i))
            .copied()
    }

    fn open(
        &mut self,
        xml: &XmlWalk<'_>,
        e: &BytesStart<'_>,
        empty: bool,
    ) -> Result<(), ReadError> {
        let tag = Tag::of(local_of(e));
        if self.skip_from.is_none() {
            self.effects(xml, e, tag)?;
        }
        if tag == Tag::Fallback
            && self.skip_from.is_none()
            && self.alternates.last().copied().unwrap_or(false)
        {
            self.skip_from = Some(self.stack.len());
        }
        if tag == Tag::Choice
            && let Some(seen) = self.alternates.last_mut()
        {
            *seen = true;
        }
        if tag == Tag::AlternateContent {
            self.alternates.push(false);
        }
        self.stack.push(tag);
        if empty {
            self.close();
        }
        Ok(())
    }

    fn effects(
        &mut self,
        xml: &XmlWalk<'_>,
        e: &BytesStart<'_>,
        tag: Tag,
    ) -> Result<(), ReadError> {
        let depth = self.stack.len();
        match tag {
            Tag::SlideRoot if depth == 0 => {
                self.out.hides_master_shapes = matches!(
                    xml.attr(e, b"showMasterSp")?.as_deref(),
                    Some("0" | "false")
                );
            }
            Tag::SldLayoutId => {
                if let Some(id) = xml.rel_id(e)? {
                    self.out.layout_ids.push(id);
                }
            }
            Tag::GrpSp => self.groups.push((Transform::default(), depth)),
            _ if tag.is_shape() && self.shape.is_none() => {
                self.shape = Some((Shape::default(), depth));
            }
            Tag::Ph => {
                if let Some((shape, _)) = self.shape.as_mut() {
                    shape.placeholder =
                        Some(xml.attr(e, b"type")?.unwrap_or_else(|| "obj".to_owned()));
                    shape.idx = u32::try_from(attr_i64(xml, e, b"idx")?).unwrap_or(0);
                }
            }
            Tag::Off | Tag::Ext | Tag::ChOff | Tag::ChExt if self.parent(0) == Some(Tag::Xfrm) => {
                self.transform(xml, e, tag)?;
            }
            Tag::P if self.parent(0) == Some(Tag::TxBody) || self.in_text_body() => {
                self.flush_line();
            }
            Tag::Br => self.line.push('\n'),
            Tag::RelIds => {
                if let (Some(dm), Some((shape, _))) = (xml.attr(e, b"dm")?, self.shape.as_mut()) {
                    shape.linked.push(dm);
                }
            }
            Tag::Chart if self.parent(0) == Some(Tag::GraphicData) => {
                if let (Some(id), Some((shape, _))) = (xml.rel_id(e)?, self.shape.as_mut()) {
                    shape.linked.push(id);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn in_text_body(&self) -> bool {
        self.stack
            .iter()
            .any(|t| matches!(t, Tag::TxBody | Tag::Tc))
    }

    /// An `a:off`/`a:ext`/`a:chOff`/`a:chExt` of a shape's or a group's own transform.
    fn transform(
        &mut self,
        xml: &XmlWalk<'_>,
        e: &BytesStart<'_>,
        tag: Tag,
    ) -> Result<(), ReadError> {
        let names: [&[u8]; 2] = if matches!(tag, Tag::Off | Tag::ChOff) {
            [b"x", b"y"]
        } else {
            [b"cx", b"cy"]
        };
        let [a, b] = xml.attr_number_pair(e, names)?.map(|n| n.unwrap_or(0));
        // What owns the transform, by name, without copying the name.
        let in_group = self.parent(1) == Some(Tag::GrpSpPr);
        let in_shape = matches!(self.parent(1), Some(Tag::SpPr | Tag::GraphicFrame));
        match () {
            () if in_group => {
                if let Some((t, _)) = self.groups.last_mut() {
                    let slot = match tag {
                        Tag::Off => &mut t.off,
                        Tag::Ext => &mut t.ext,
                        Tag::ChOff => &mut t.ch_off,
                        _ => &mut t.ch_ext,
                    };
                    *slot = [a, b];
                }
            }
            () if in_shape && tag == Tag::Off => {
                // Through every enclosing group, innermost first.
                let (mut x, mut y) = (a, b);
                for (t, _) in self.groups.iter().rev() {
                    x = t.apply(0, x);
                    y = t.apply(1, y);
                }
                if let Some((shape, _)) = self.shape.as_mut()
                    && shape.y.is_none()
                {
                    shape.y = Some(y);
                    shape.x = Some(x);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self) {
        if let Some(tag) = self.stack.pop() {
            self.closed(tag);
        }
    }

    /// What closing the element `tag` (just popped off the stack) ends.
    fn closed(&mut self, tag: Tag) {
        let depth = self.stack.len();
        if let Some(from) = self.skip_from {
            if depth == from {
                self.skip_from = None;
            }
            return;
        }
        if tag == Tag::AlternateContent {
            self.alternates.pop();
        }
        if tag == Tag::P {
            self.flush_line();
        }
        if self.groups.last().is_some_and(|(_, d)| *d == depth) && tag == Tag::GrpSp {
            self.groups.pop();
        }
        if self.shape.as_ref().is_some_and(|(_, d)| *d == depth) {
            self.flush_line();
            if let Some((shape, _)) = self.shape.take()
                && (!shape.text.is_empty()
                    || shape.placeholder.is_some()
                    || !shape.linked.is_empty())
            {
                self.out.shapes.push(shape);
            }
        }
    }

    /// Ends the current paragraph: its text becomes a line of the open shape (or of a
    /// shape of its own when it sits outside any).
    fn flush_line(&mut self) {
        if self.line.trim().is_empty() {
            self.line.clear();
            return;
        }
        match self.shape.as_mut() {
            // Copied, so that the line's buffer serves the next paragraph.
            Some((shape, _)) => {
                push_line(&mut shape.text, &self.line);
                self.line.clear();
            }
            None => self.out.shapes.push(Shape {
                text: std::mem::take(&mut self.line),
                ..Shape::default()
            }),
        }
    }
}

/// Appends `line` to `target` on a line of its own.
pub(crate) fn push_line(target: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !target.is_empty() {
        target.push('\n');
    }
    target.push_str(line);
}

/// All text of a part read as DrawingML paragraphs (`a:t` per `a:p`), ignoring shapes: for
/// diagram data and charts linked from a shape.
pub(crate) fn paragraphs_text(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<String, ReadError> {
    let drawing = walk_drawing(bytes, part, limits)?;
    let mut text = String::new();
    for s in drawing.shapes {
        push_line(&mut text, &s.text);
    }
    Ok(text)
}

/// The text of every element named `text` or `t` in a comments part, one line per comment
/// (`cm`, `comment`, `threadedComment`) or paragraph.
pub(crate) fn comments_text(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<String, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut stack: Vec<Vec<u8>> = Vec::new();
        let mut out = String::new();
        let mut line = String::new();
        loop {
            let event = xml.next()?;
            match &event {
                Event::Start(e) => stack.push(local_of(e).to_vec()),
                Event::Empty(_) => {}
                Event::End(_) => {
                    if let Some(local) = stack.pop()
                        && matches!(
                            local.as_slice(),
                            b"cm" | b"comment" | b"threadedComment" | b"p" | b"text"
                        )
                    {
                        push_line(&mut out, line.trim());
                        line.clear();
                    }
                }
                Event::Eof => break,
                other => {
                    if stack.iter().any(|t| t == b"t" || t == b"text") {
                        xml.append_text(other, &mut line)?;
                    }
                }
            }
        }
        push_line(&mut out, line.trim());
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_flattened_with_their_transform() {
        let xml = r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree>
            <p:sp><p:nvSpPr><p:nvPr><p:ph type="ftr" idx="11"/></p:nvPr></p:nvSpPr>
              <p:txBody><a:p><a:r><a:t>RESTRICTED</a:t></a:r></a:p></p:txBody></p:sp>
            <p:grpSp><p:grpSpPr><a:xfrm><a:off x="0" y="1000"/><a:ext cx="100" cy="100"/>
              <a:chOff x="0" y="0"/><a:chExt cx="200" cy="200"/></a:xfrm></p:grpSpPr>
              <p:sp><p:spPr><a:xfrm><a:off x="0" y="100"/></a:xfrm></p:spPr>
                <p:txBody><a:p><a:r><a:t>IN </a:t></a:r><a:r><a:t>GROUP</a:t></a:r></a:p><a:p/>
                <a:p><a:r><a:t>two</a:t></a:r><a:br/><a:r><a:t>three</a:t></a:r></a:p></p:txBody></p:sp>
            </p:grpSp></p:spTree></p:cSld></p:sld>"#;
        let d = walk_drawing(xml.as_bytes(), "s.xml", &Limits::default()).unwrap();
        assert_eq!(d.shapes.len(), 2);
        assert_eq!(d.shapes[0].placeholder.as_deref(), Some("ftr"));
        assert_eq!((d.shapes[0].idx, d.shapes[0].y), (11, None));
        assert_eq!(d.shapes[1].text, "IN GROUP\ntwo\nthree");
        assert_eq!(d.shapes[1].y, Some(1050));
    }
}
