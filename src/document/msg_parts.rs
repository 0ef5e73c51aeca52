//! The text views of an Outlook message: its bodies as text, and the [`Document`] parts
//! [`read_msg`](super::read_msg) gives when a `.msg` is read as a document (a message
//! analysis reads the same bodies through [`MsgMessage::bodies`]).

use crate::document::msg::{MsgAttachment, MsgMessage, is_marking_header};
use crate::document::parts::Parts;
use crate::document::rtf::{RtfText, rtf_to_text};
use crate::document::{Part, PartKind};
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::path::{BodyKind, PartPath, PropertySet, Segment};

impl MsgMessage {
    /// Refuses an S/MIME message: its content is a signed or encrypted MIME entity this
    /// reader does not open, so its marking is unknown. `at` names it in the error.
    pub(crate) fn refuse_smime(&self, at: &PartPath) -> Result<(), ReadError> {
        let class = self.message_class.as_deref().unwrap_or("");
        if class.to_ascii_uppercase().starts_with("IPM.NOTE.SMIME") {
            return Err(ReadError::Unsupported {
                what: format!(
                    "an S/MIME Outlook message ({class}); its content is a signed or encrypted MIME entity"
                ),
                location: if at.is_empty() {
                    "msg".to_owned()
                } else {
                    at.to_string()
                },
            });
        }
        Ok(())
    }

    /// The marking and label fields of the transport headers, as `(name, value)`.
    pub(crate) fn marking_headers(&self) -> Vec<(String, String)> {
        header_fields(self.headers.as_deref().unwrap_or(""))
            .into_iter()
            .filter(|(name, _)| is_marking_header(name))
            .collect()
    }

    /// Every body the message holds, as text, in the order plain, HTML, RTF: a reader may
    /// see any of them. The RTF body is decoded (RTF that encapsulates HTML read as HTML);
    /// `at` is the message's path, for errors.
    pub(crate) fn bodies(
        &self,
        at: &PartPath,
        limits: &Limits,
    ) -> Result<Vec<(BodyKind, String)>, ReadError> {
        let mut out = Vec::new();
        if let Some(t) = &self.body_text {
            out.push((BodyKind::Text, t.replace("\r\n", "\n")));
        }
        if let Some(h) = &self.body_html {
            out.push((BodyKind::Html, html_text(h)));
        }
        if let Some(r) = &self.body_rtf {
            let raw: Vec<u8> = r
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect();
            let location = at
                .then(Segment::MailBody {
                    kind: BodyKind::Rtf,
                    index: 1,
                })
                .to_string();
            let text = match rtf_to_text(&raw, &location, limits)? {
                RtfText::Text(t) => t,
                RtfText::Html(h) => html_text(&h),
            };
            out.push((BodyKind::Rtf, text));
        }
        Ok(out)
    }
}

impl MsgAttachment {
    /// Whether its type carries no text (pictures, sound, video), as the gateway skips them.
    pub(crate) fn is_media(&self) -> bool {
        let mime = self.mime_type.as_deref().unwrap_or("").to_ascii_lowercase();
        let name = self.name.as_deref().unwrap_or("").to_ascii_lowercase();
        ["image/", "audio/", "video/"]
            .iter()
            .any(|p| mime.starts_with(p))
            || [
                ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".mp3",
                ".wav", ".mp4",
            ]
            .iter()
            .any(|e| name.ends_with(e))
    }
}

/// The `(name, value)` pairs of a header block, continuation lines unfolded.
fn header_fields(block: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    out
}

pub(crate) fn relocate(e: ReadError, prefix: &PartPath) -> ReadError {
    let at = |l: String| format!("{prefix}/{l}");
    match e {
        ReadError::LimitExceeded {
            limit,
            value,
            max,
            location,
        } => ReadError::LimitExceeded {
            limit,
            value,
            max,
            location: at(location),
        },
        ReadError::Encrypted { format, location } => ReadError::Encrypted {
            format,
            location: at(location),
        },
        ReadError::Corrupt {
            format,
            location,
            reason,
        } => ReadError::Corrupt {
            format,
            location: at(location),
            reason,
        },
        ReadError::Unsupported { what, location } => ReadError::Unsupported {
            what,
            location: at(location),
        },
        ReadError::ParserPanicked { parser, location } => ReadError::ParserPanicked {
            parser,
            location: at(location),
        },
        ReadError::Io { location, reason } => ReadError::Io {
            location: at(location),
            reason,
        },
    }
}

/// The parts of a message read as a document, under `prefix`: see [`read_msg`](super::read_msg).
pub(crate) fn message_parts(
    m: &MsgMessage,
    prefix: &PartPath,
    limits: &Limits,
    depth: u64,
    parts: &mut Parts,
) -> Result<(), ReadError> {
    m.refuse_smime(prefix)?;
    if let Some(s) = &m.subject {
        parts.push(
            prefix.then(Segment::Subject),
            PartKind::MessageSubject,
            s.clone(),
        )?;
    }
    for (name, value) in m.marking_headers() {
        let path = prefix.then(Segment::MailHeader(name));
        parts.push(path, PartKind::MessageHeader, value)?;
    }
    for (name, value) in &m.labels {
        let kind = if is_marking_header(name) {
            PartKind::LabelProperty
        } else {
            PartKind::CustomProperty
        };
        let path = prefix.then(Segment::Property {
            set: PropertySet::Custom,
            name: name.clone(),
        });
        parts.push(path, kind, value.clone())?;
    }
    for (kind, text) in m.bodies(prefix, limits)? {
        let path = prefix.then(Segment::MailBody { kind, index: 1 });
        parts.push(path, PartKind::MessageBody, text)?;
    }
    for (i, a) in m.attachments.iter().enumerate() {
        let at = prefix.then(Segment::Attachment(
            u32::try_from(i + 1).unwrap_or(u32::MAX),
        ));
        if let Some(inner) = &a.message {
            message_parts(inner, &at, limits, depth + 1, parts)?;
            continue;
        }
        if a.is_media() || a.data.is_empty() {
            continue;
        }
        Limit::NestingDepth.check(limits, depth + 1, &at.to_string())?;
        let doc = crate::document::read(&a.data, limits).map_err(|e| relocate(e, &at))?;
        for Part { path, kind, text } in doc.parts {
            parts.push(at.join(&path), kind, text)?;
        }
    }
    Ok(())
}

/// An HTML body as text: with the mail feature, its converter (block elements end lines);
/// without it, the markup is kept, so no text is lost.
fn html_text(html: &str) -> String {
    #[cfg(feature = "mail")]
    {
        crate::mail::html::html_to_text(html)
    }
    #[cfg(not(feature = "mail"))]
    {
        html.to_owned()
    }
}
