//! The WordprocessingML text walk of one story part (body, header, footer, notes, comments).
//!
//! Rules: `w:t` joined per paragraph (Word splits a marking across runs), one line per paragraph
//! with text; `w:tab`/`w:ptab` in a run is a space, `w:br`/`w:cr` a newline; table cells and text
//! boxes (`w:txbxContent`) are paragraphs like any other, so their lines belong to the part that
//! holds them. Only text inside `t` elements is taken, so positioning values such as `wp:posOffset`
//! never leak in. `w:delText` and `w:t` inside `w:moveFrom` go to the deleted text, runs with
//! `w:vanish` to the hidden text. Field codes (`w:instrText`) are skipped; their displayed result
//! is ordinary runs. Elements are matched by local name, so a package that binds the
//! WordprocessingML namespace to another prefix reads the same.
//!
//! Markup compatibility: an `mc:Fallback` after an `mc:Choice` repeats the choice for old
//! readers (Word writes each text box twice), so its text is skipped; watermark strings are
//! still taken from it.

use crate::document::HeaderKind;
use crate::document::xml::{XmlWalk, read_part};
use crate::error::ReadError;
use crate::limits::Limits;
use quick_xml::events::{BytesStart, Event};

/// A `w:headerReference` or `w:footerReference` of one section.
#[derive(Debug, Clone)]
pub(crate) struct StoryRef {
    pub(crate) footer: bool,
    pub(crate) kind: HeaderKind,
    pub(crate) rel_id: String,
}

/// What the walk of one part found.
#[derive(Debug, Default)]
pub(crate) struct StoryText {
    pub(crate) text: String,
    pub(crate) deleted: String,
    pub(crate) hidden: String,
    pub(crate) watermarks: Vec<String>,
    /// One entry per `w:sectPr` in document order (only meaningful for the main document).
    pub(crate) sections: Vec<Vec<StoryRef>>,
}

#[derive(Debug, Default)]
struct Paragraph {
    text: String,
    deleted: String,
    hidden: String,
}

/// Elements whose role in the walk depends on their position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    P,
    R,
    RPr,
    T,
    DelText,
    Del,
    SectPr,
    Change,
    Choice,
    Fallback,
    Other,
}

fn tag_of(local: &[u8]) -> Tag {
    match local {
        b"p" => Tag::P,
        b"r" => Tag::R,
        b"rPr" => Tag::RPr,
        b"t" => Tag::T,
        b"delText" => Tag::DelText,
        b"del" | b"moveFrom" => Tag::Del,
        b"sectPr" => Tag::SectPr,
        b"sectPrChange" | b"pPrChange" | b"rPrChange" => Tag::Change,
        b"Choice" => Tag::Choice,
        b"Fallback" => Tag::Fallback,
        _ => Tag::Other,
    }
}

struct Walker {
    out: StoryText,
    stack: Vec<Tag>,
    paragraphs: Vec<Paragraph>,
    /// Hidden flag of each open run.
    runs: Vec<bool>,
    /// Whether the open `mc:AlternateContent` elements have seen their `mc:Choice`.
    alternates: Vec<bool>,
    /// Depth at which a skipped `mc:Fallback` started.
    skip_from: Option<usize>,
    section: Option<Vec<StoryRef>>,
    /// A paragraph for text found outside any `p` (not valid WordprocessingML, but kept).
    loose: Paragraph,
}

/// Walks one story part.
pub(crate) fn walk_story(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<StoryText, ReadError> {
    let bytes = crate::document::xml::normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut w = Walker {
            out: StoryText::default(),
            stack: Vec::new(),
            paragraphs: Vec::new(),
            runs: Vec::new(),
            alternates: Vec::new(),
            skip_from: None,
            section: None,
            loose: Paragraph::default(),
        };
        loop {
            let event = xml.next()?;
            match &event {
                Event::Start(e) => {
                    w.element(xml, e, false)?;
                }
                Event::Empty(e) => {
                    w.element(xml, e, true)?;
                }
                Event::End(e) => w.end(e.local_name().as_ref()),
                Event::Eof => break,
                other => {
                    if w.skip_from.is_none() {
                        w.text_event(xml, other)?;
                    }
                }
            }
        }
        let loose = std::mem::take(&mut w.loose);
        w.flush(loose);
        Ok(w.out)
    })
}

fn push_line(target: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !target.is_empty() {
        target.push('\n');
    }
    target.push_str(line);
}

impl Walker {
    fn parent(&self, up: usize) -> Option<Tag> {
        self.stack
            .len()
            .checked_sub(up + 1)
            .and_then(|i| self.stack.get(i).copied())
    }

    fn current(&mut self) -> &mut Paragraph {
        match self.paragraphs.last_mut() {
            Some(p) => p,
            None => &mut self.loose,
        }
    }

    fn in_tag(&self, tag: Tag) -> bool {
        self.stack.contains(&tag)
    }

    fn element(
        &mut self,
        xml: &XmlWalk<'_>,
        e: &BytesStart<'_>,
        empty: bool,
    ) -> Result<(), ReadError> {
        let name = e.local_name();
        let local = name.as_ref();
        if local == b"textpath"
            && let Some(s) = xml.attr(e, b"string")?
            && !s.trim().is_empty()
        {
            self.out.watermarks.push(s);
        }
        let tag = tag_of(local);
        if self.skip_from.is_none() {
            self.open(xml, e, local, tag)?;
        }
        if empty {
            // An empty element opens and closes at once.
            if self.skip_from.is_none() {
                self.stack.push(tag);
                self.end(local);
            }
        } else {
            if tag == Tag::Fallback
                && self.skip_from.is_none()
                && self.alternates.last().copied().unwrap_or(false)
            {
                self.skip_from = Some(self.stack.len());
            }
            self.stack.push(tag);
        }
        Ok(())
    }

    /// Effects of an opening (or empty) element outside skipped content.
    fn open(
        &mut self,
        xml: &XmlWalk<'_>,
        e: &BytesStart<'_>,
        local: &[u8],
        tag: Tag,
    ) -> Result<(), ReadError> {
        let in_run = self.parent(0) == Some(Tag::R);
        match tag {
            Tag::P => self.paragraphs.push(Paragraph::default()),
            Tag::R => self.runs.push(false),
            Tag::Choice => {
                if let Some(seen) = self.alternates.last_mut() {
                    *seen = true;
                }
            }
            Tag::SectPr if self.section.is_none() && !self.in_tag(Tag::Change) => {
                self.section = Some(Vec::new());
            }
            _ => {}
        }
        match local {
            b"AlternateContent" => self.alternates.push(false),
            b"vanish" if self.parent(0) == Some(Tag::RPr) && self.parent(1) == Some(Tag::R) => {
                let on = !matches!(xml.attr(e, b"val")?.as_deref(), Some("0" | "false" | "off"));
                if let Some(hidden) = self.runs.last_mut() {
                    *hidden = on;
                }
            }
            b"tab" | b"ptab" if in_run => self.run_text(" "),
            b"br" | b"cr" if in_run => self.run_text("\n"),
            b"noBreakHyphen" if in_run => self.run_text("-"),
            b"headerReference" | b"footerReference"
                if self.parent(0) == Some(Tag::SectPr) && !self.in_tag(Tag::Change) =>
            {
                let kind = match xml.attr(e, b"type")?.as_deref() {
                    Some("first") => HeaderKind::First,
                    Some("even") => HeaderKind::Even,
                    _ => HeaderKind::Default,
                };
                if let (Some(section), Some(rel_id)) = (self.section.as_mut(), xml.attr(e, b"id")?)
                {
                    section.push(StoryRef {
                        footer: local == b"footerReference",
                        kind,
                        rel_id,
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, local: &[u8]) {
        let Some(tag) = self.stack.pop() else {
            return;
        };
        if let Some(from) = self.skip_from {
            if self.stack.len() == from {
                self.skip_from = None;
            }
            return;
        }
        match tag {
            Tag::P => {
                if let Some(p) = self.paragraphs.pop() {
                    self.flush(p);
                }
            }
            Tag::R => {
                self.runs.pop();
            }
            Tag::SectPr if !self.in_tag(Tag::SectPr) && !self.in_tag(Tag::Change) => {
                if let Some(section) = self.section.take() {
                    self.out.sections.push(section);
                }
            }
            _ => {}
        }
        if local == b"AlternateContent" {
            self.alternates.pop();
        }
    }

    fn flush(&mut self, p: Paragraph) {
        push_line(&mut self.out.text, &p.text);
        push_line(&mut self.out.deleted, &p.deleted);
        push_line(&mut self.out.hidden, &p.hidden);
    }

    /// Text produced by a run-level element (tab, break) rather than by `w:t`.
    fn run_text(&mut self, s: &str) {
        let deleted = self.in_tag(Tag::Del);
        let hidden = self.runs.last().copied().unwrap_or(false);
        let p = self.current();
        if deleted {
            p.deleted.push_str(s);
        } else if hidden {
            p.hidden.push_str(s);
        } else {
            p.text.push_str(s);
        }
    }

    fn text_event(&mut self, xml: &XmlWalk<'_>, event: &Event<'_>) -> Result<(), ReadError> {
        let target = match self.parent(0) {
            Some(Tag::T) => {
                if self.in_tag(Tag::Del) {
                    2
                } else if self.runs.last().copied().unwrap_or(false) {
                    1
                } else {
                    0
                }
            }
            Some(Tag::DelText) => 2,
            _ => return Ok(()),
        };
        let p = match self.paragraphs.last_mut() {
            Some(p) => p,
            None => &mut self.loose,
        };
        let out = match target {
            0 => &mut p.text,
            1 => &mut p.hidden,
            _ => &mut p.deleted,
        };
        xml.append_text(event, out)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn walk(body: &str) -> StoryText {
        let xml = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
        walk_story(xml.as_bytes(), "word/document.xml", &Limits::default()).unwrap()
    }

    #[test]
    fn runs_tabs_breaks_and_deleted() {
        let s = walk(
            "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\"/></w:tabs></w:pPr>\
             <w:r><w:t>TOP </w:t></w:r><w:r><w:t>SECRET</w:t><w:tab/><w:t>x</w:t><w:br/><w:t>y</w:t></w:r></w:p>\
             <w:p/><w:p><w:del><w:r><w:delText>OLD</w:delText></w:r></w:del>\
             <w:r><w:rPr><w:vanish/></w:rPr><w:t>HID</w:t></w:r></w:p>",
        );
        assert_eq!(s.text, "TOP SECRET x\ny");
        assert_eq!(s.deleted, "OLD");
        assert_eq!(s.hidden, "HID");
    }

    #[test]
    fn fallback_skipped_textpath_kept() {
        let s = walk(
            "<w:p><w:r><mc:AlternateContent xmlns:mc=\"m\"><mc:Choice><w:txbxContent><w:p><w:r><w:t>BOX</w:t></w:r></w:p></w:txbxContent></mc:Choice>\
             <mc:Fallback><w:pict><v:shape xmlns:v=\"v\"><v:textpath string=\"WM\"/></v:shape><w:txbxContent><w:p><w:r><w:t>BOX</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>\
             </mc:AlternateContent></w:r><w:r><w:t>after</w:t></w:r></w:p>",
        );
        assert_eq!(s.text, "BOX\nafter");
        assert_eq!(s.watermarks, vec!["WM".to_owned()]);
    }

    #[test]
    fn sections_in_order() {
        let s = walk(
            "<w:p><w:pPr><w:sectPr><w:headerReference w:type=\"first\" r:id=\"rId1\" xmlns:r=\"r\"/></w:sectPr></w:pPr></w:p>\
             <w:sectPr><w:sectPrChange><w:sectPr/></w:sectPrChange><w:footerReference r:id=\"rId2\" xmlns:r=\"r\"/></w:sectPr>",
        );
        assert_eq!(s.sections.len(), 2);
        assert_eq!(s.sections[0][0].kind, HeaderKind::First);
        assert!(s.sections[1][0].footer);
        assert_eq!(s.sections[1][0].rel_id, "rId2");
    }
}
