//! An Outlook `.msg` as a message: its subject, transport headers, bodies and attachments
//! laid out as [`MessageContent`], so that the message analysis reads it as it reads an RFC
//! 5322 message (the marking header, else the subject, else the body; attachments as
//! documents, embedded messages as messages).

use super::header::HeaderDialect;
use super::quote::split_quoted;
use super::{Attachment, MarkingHeader, MessageContent, TextPart, read_message};
use crate::document::MsgMessage;
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::path::{PartPath, Segment};

/// The content of the Outlook message `m`, at `prefix` (empty for the message read,
/// `attachment[2]` for one attached to another).
///
/// The transport headers, when the message came over SMTP, give the sender, the thread ids
/// and the marking headers, read as a message's are; a named property with a marking
/// header's name (`msip_labels`, as Outlook keeps a sensitivity label) is that marking
/// header too. `PidTagSubject` is the subject. Every body (plain, HTML, RTF) is a
/// body, since a reader may see any of them. Picture, sound and video attachments and
/// attachments without data carry no text and are left out.
///
/// # Errors
///
/// [`ReadError::Unsupported`] for an S/MIME message, an RTF body that cannot be read, and
/// [`Limits::max_text_bytes`] over all the bodies.
pub(crate) fn msg_content(
    m: &MsgMessage,
    prefix: &PartPath,
    limits: &Limits,
) -> Result<MessageContent, ReadError> {
    let mut text_bytes = 0u64;
    content(m, prefix, limits, &mut text_bytes)
}

fn content(
    m: &MsgMessage,
    prefix: &PartPath,
    limits: &Limits,
    text_bytes: &mut u64,
) -> Result<MessageContent, ReadError> {
    m.refuse_smime(prefix)?;
    let mut out = headers(m, limits);
    out.path = prefix.clone();
    out.subject = m.subject.clone().or(out.subject);
    // A named property with a marking header's name (`msip_labels`, `X-Protective-Marking`)
    // holds what that header would. Other label-like names (a Titus GUID, a label's
    // `_Enabled` flag) and Outlook categories (`Keywords`) hold no marking grammar, so they
    // are left to the document view of the file.
    for (name, value) in &m.labels {
        if let Some(dialect) = HeaderDialect::from_header_name(name) {
            out.marking_headers.push(MarkingHeader {
                dialect,
                name: name.clone(),
                value: value.clone(),
            });
        }
    }
    for (kind, text) in m.bodies(prefix, limits)? {
        let path = prefix.then(Segment::MailBody { kind, index: 1 });
        *text_bytes = text_bytes.saturating_add(text.len() as u64);
        Limit::TextBytes.check(limits, *text_bytes, &path.to_string())?;
        let split = split_quoted(&text);
        out.bodies.push(TextPart {
            path,
            kind,
            text,
            new_text: split.new_text,
            quoted: split.quoted,
        });
    }
    for (i, a) in m.attachments.iter().enumerate() {
        let path = prefix.then(Segment::Attachment(
            u32::try_from(i + 1).unwrap_or(u32::MAX),
        ));
        if let Some(inner) = &a.message {
            let nested = content(inner, &path, limits, text_bytes)?;
            out.attachments.push(Attachment {
                path,
                filename: a.name.clone(),
                content_type: "application/vnd.ms-outlook".to_owned(),
                size: 0,
                bytes: Vec::new(),
                message: Some(Box::new(nested)),
            });
        } else if !a.is_media() && !a.data.is_empty() {
            out.attachments.push(Attachment {
                path,
                filename: a.name.clone(),
                content_type: a
                    .mime_type
                    .clone()
                    .unwrap_or_else(|| "application/octet-stream".to_owned()),
                size: a.data.len() as u64,
                bytes: a.data.clone(),
                message: None,
            });
        }
    }
    Ok(out)
}

/// What the transport headers say (sender, thread ids, marking headers), read as the header
/// block of a message; none when the message has no transport headers. A block the MIME
/// reader cannot take still gives its marking header fields, unfolded.
fn headers(m: &MsgMessage, limits: &Limits) -> MessageContent {
    let Some(block) = m.headers.as_deref().filter(|h| !h.trim().is_empty()) else {
        return MessageContent::default();
    };
    let raw = format!("{}\r\n\r\n", block.trim_end());
    match read_message(raw.as_bytes(), limits) {
        Ok(mut c) => {
            // Only the header fields count: the bodies and attachments are the .msg's own.
            c.bodies.clear();
            c.attachments.clear();
            c.problems.clear();
            c
        }
        Err(_) => MessageContent {
            marking_headers: m
                .marking_headers()
                .into_iter()
                .filter_map(|(name, value)| {
                    let dialect = HeaderDialect::from_header_name(&name)?;
                    Some(MarkingHeader {
                        dialect,
                        name,
                        value,
                    })
                })
                .collect(),
            ..MessageContent::default()
        },
    }
}
