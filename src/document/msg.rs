//! Outlook `.msg` reading (MS-OXMSG): the compound file through `cfb`, the message's
//! properties, its bodies (the compressed RTF decoded), and its attachments, embedded
//! messages included, read as documents in turn.

use crate::document::msg_parts::message_parts;
use crate::document::msg_props::{
    ATTACH_DATA, ATTACH_MIME, ATTACH_NAMES, BODY, HTML, INTERNET_CPID, MESSAGE_CLASS,
    MESSAGE_CODEPAGE, PT_BINARY, PT_OBJECT, PT_STRING8, PT_UNICODE, RTF_COMPRESSED, SUBJECT,
    TRANSPORT_HEADERS, decode_string, long_properties, stream_name,
};
use crate::document::parts::Parts;
use crate::document::{Document, Format, OLE2_MAGIC, check_input_size, guarded, refuse_ole2};
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::path::PartPath;
use std::io::{Cursor, Read};

/// An Outlook message as read from a `.msg` file: what a mail analysis needs.
///
/// ```
/// use protective_marking::document::MsgMessage;
///
/// let m = MsgMessage::default();
/// assert!(m.subject.is_none() && m.attachments.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MsgMessage {
    /// `PidTagMessageClass`, e.g. `IPM.Note`, `IPM.Appointment`.
    pub message_class: Option<String>,
    /// `PidTagSubject`.
    pub subject: Option<String>,
    /// The internet transport headers (`PidTagTransportMessageHeaders`), an RFC 5322 header
    /// block, when the message was received over SMTP.
    pub headers: Option<String>,
    /// The plain-text body (`PidTagBody`).
    pub body_text: Option<String>,
    /// The HTML body (`PidTagHtml`), decoded by the message's internet code page.
    pub body_html: Option<String>,
    /// The RTF body (`PidTagRtfCompressed`), decompressed; RTF source, one char per byte.
    pub body_rtf: Option<String>,
    /// The attachments, in order.
    pub attachments: Vec<MsgAttachment>,
    /// Named string properties that may carry a label: `Keywords` (Outlook categories, one
    /// value per category) and names a labelling tool writes (`msip_labels`, a name
    /// mentioning a classification or security label), as `(name, value)`.
    pub labels: Vec<(String, String)>,
}

/// One attachment of an Outlook message: its bytes, or an embedded message.
///
/// ```
/// use protective_marking::document::MsgAttachment;
///
/// let a = MsgAttachment::default();
/// assert!(a.message.is_none() && a.data.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MsgAttachment {
    /// The file name (long file name, else short file name, else display name).
    pub name: Option<String>,
    /// `PidTagAttachMimeTag`, when set.
    pub mime_type: Option<String>,
    /// The attached file's bytes (empty for an embedded message).
    pub data: Vec<u8>,
    /// An attached Outlook item (`PidTagAttachDataObject` holding a message).
    pub message: Option<Box<MsgMessage>>,
}

fn corrupt(location: &str, reason: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt {
        format: Format::Msg,
        location: location.to_owned(),
        reason: reason.to_string(),
    }
}

/// Reads an Outlook `.msg` file into a [`MsgMessage`].
///
/// Streams are read within [`Limits::max_entry_bytes`], embedded messages within
/// [`Limits::max_nesting_depth`]; the compressed RTF body must declare a size within
/// [`Limits::max_entry_bytes`].
///
/// # Errors
///
/// [`ReadError::Corrupt`] for a damaged compound file (bad sector chains, a directory
/// that loops) or one without message properties; [`ReadError::Unsupported`] for an
/// attachment that is an embedded OLE object rather than a file or a message;
/// [`ReadError::Encrypted`] for an OLE2 file that is encrypted OOXML; every limit named
/// above.
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::read_msg_message;
///
/// let err = read_msg_message(b"not a compound file", &Limits::default()).unwrap_err();
/// assert!(matches!(err, ReadError::Corrupt { .. }));
/// ```
pub fn read_msg_message(bytes: &[u8], limits: &Limits) -> Result<MsgMessage, ReadError> {
    check_input_size(bytes, limits, "msg")?;
    if !bytes.starts_with(&OLE2_MAGIC) {
        return Err(corrupt("msg", "not an OLE2 compound file"));
    }
    if !crate::document::sniff::is_msg(bytes) {
        return Err(refuse_ole2(bytes));
    }
    guarded("cfb", "msg", || {
        let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| corrupt("msg", e))?;
        let mut reader = MsgReader {
            cf: &mut cf,
            limits,
            names: Vec::new(),
        };
        reader.names = reader.named_properties()?;
        reader.message("/", 32, 0)
    })
}

/// Reads an Outlook `.msg` file into its text parts.
///
/// Parts: `subject` ([`PartKind::MessageSubject`](super::PartKind::MessageSubject)); `header:<Name>` for each marking or
/// label header among the transport headers (`X-Protective-Marking`, a name mentioning a
/// classification or security label, `msip_labels`: [`PartKind::MessageHeader`](super::PartKind::MessageHeader));
/// `property:custom/<name>` for each category (`Keywords`, [`PartKind::CustomProperty`](super::PartKind::CustomProperty))
/// and label-named property ([`PartKind::LabelProperty`](super::PartKind::LabelProperty));
/// `body/text`, `body/html` (as text) and `body/rtf` (as text) ([`PartKind::MessageBody`](super::PartKind::MessageBody)),
/// every body the message holds, since any of them is what a reader may see; then each
/// attachment as `attachment[N]/…`: an embedded message's parts, or the parts
/// [`read`](super::read) finds in an attached file. Pictures, sound and video attachments
/// carry no text and are skipped.
///
/// # Errors
///
/// As [`read_msg_message`]; an attachment that cannot be read makes the whole message
/// unreadable (its error located `attachment[N]/…`), and so does an S/MIME message, whose
/// content is a signed or encrypted MIME entity this reader does not open.
///
/// ```
/// use protective_marking::{Limits, ReadError};
/// use protective_marking::document::read_msg;
///
/// assert!(read_msg(b"", &Limits::default()).is_err());
/// ```
pub fn read_msg(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let message = read_msg_message(bytes, limits)?;
    let mut parts = Parts::new(limits);
    // The RTF and HTML bodies are decoded with encoding_rs: guarded like any parser.
    guarded("encoding_rs", "msg", || {
        message_parts(&message, &PartPath::default(), limits, 0, &mut parts)
    })?;
    Ok(Document {
        format: Format::Msg,
        parts: parts.parts,
        sections: 0,
        pages: 0,
    })
}

struct MsgReader<'c, 'b> {
    cf: &'c mut cfb::CompoundFile<Cursor<&'b [u8]>>,
    limits: &'c Limits,
    /// Property id (0x8000 + index) and name of the file's string-named properties.
    names: Vec<(u16, String)>,
}

impl MsgReader<'_, '_> {
    fn stream(&mut self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        if !self.cf.is_stream(path) {
            return Ok(None);
        }
        let stream = self.cf.open_stream(path).map_err(|e| corrupt(path, e))?;
        let max = self.limits.max_entry_bytes;
        let mut out = Vec::new();
        stream
            .take(max.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| corrupt(path, e))?;
        Limit::EntryBytes.check(self.limits, out.len() as u64, path)?;
        Ok(Some(out))
    }

    /// A string property of the storage at `dir`, in either string type.
    fn string(
        &mut self,
        dir: &str,
        id: u16,
        codepage: Option<u16>,
    ) -> Result<Option<String>, ReadError> {
        for kind in [PT_UNICODE, PT_STRING8] {
            if let Some(bytes) = self.stream(&join(dir, &stream_name(id, kind)))? {
                return Ok(Some(decode_string(&bytes, kind, codepage)));
            }
        }
        Ok(None)
    }

    /// The string-named properties of `__nameid_version1.0` (MS-OXMSG 2.2.3): the entry
    /// stream's 8-byte entries point into the string stream (a length, then UTF-16LE).
    fn named_properties(&mut self) -> Result<Vec<(u16, String)>, ReadError> {
        let dir = "/__nameid_version1.0";
        let (Some(entries), Some(strings)) = (
            self.stream(&join(dir, &stream_name(0x0003, PT_BINARY)))?,
            self.stream(&join(dir, &stream_name(0x0004, PT_BINARY)))?,
        ) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for e in entries.chunks_exact(8) {
            let word = |at: usize| {
                e.get(at..at + 4)
                    .and_then(|b| b.try_into().ok())
                    .map(u32::from_le_bytes)
            };
            let (Some(offset), Some(kind)) = (word(0), word(4)) else {
                continue;
            };
            if kind & 1 == 0 {
                continue; // a numeric name
            }
            let index = (kind >> 16) as u16;
            let at = offset as usize;
            let len = strings
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
                .unwrap_or(0) as usize;
            let Some(name) = strings.get(at + 4..(at + 4).saturating_add(len)) else {
                continue;
            };
            out.push((
                0x8000u16.saturating_add(index),
                decode_string(name, PT_UNICODE, None),
            ));
        }
        Ok(out)
    }

    /// A string or multi-valued string property's values.
    fn strings(
        &mut self,
        dir: &str,
        id: u16,
        codepage: Option<u16>,
    ) -> Result<Vec<String>, ReadError> {
        if let Some(s) = self.string(dir, id, codepage)? {
            return Ok(vec![s]);
        }
        let mut out = Vec::new();
        for kind in [PT_UNICODE | 0x1000, PT_STRING8 | 0x1000] {
            let base = join(dir, &stream_name(id, kind));
            if !self.cf.is_stream(&base) {
                continue;
            }
            // One stream per value, `-00000000` upwards (at most as many as the
            // length stream has 4- or 8-byte entries).
            let count = self.stream(&base)?.map(|b| b.len() / 4).unwrap_or(0);
            for i in 0..count {
                match self.stream(&format!("{base}-{i:08X}"))? {
                    Some(v) => out.push(decode_string(&v, kind & 0x0FFF, codepage)),
                    None => break,
                }
            }
        }
        Ok(out)
    }

    fn message(&mut self, dir: &str, header: usize, depth: u64) -> Result<MsgMessage, ReadError> {
        Limit::NestingDepth.check(self.limits, depth, dir)?;
        let props = self
            .stream(&join(dir, "__properties_version1.0"))?
            .ok_or_else(|| corrupt(dir, "the message has no property stream"))?;
        let longs = long_properties(&props, header);
        let long = |id: u16| longs.iter().find(|(i, _)| *i == id).map(|(_, v)| *v);
        let internet = long(INTERNET_CPID).and_then(|v| u16::try_from(v).ok());
        let codepage = long(MESSAGE_CODEPAGE)
            .and_then(|v| u16::try_from(v).ok())
            .or(internet);
        let mut m = MsgMessage {
            message_class: self.string(dir, MESSAGE_CLASS, codepage)?,
            subject: self.string(dir, SUBJECT, codepage)?,
            headers: self.string(dir, TRANSPORT_HEADERS, codepage)?,
            body_text: self.string(dir, BODY, codepage)?,
            ..MsgMessage::default()
        };
        m.body_html = match self.stream(&join(dir, &stream_name(HTML, PT_BINARY)))? {
            Some(bytes) => Some(decode_html(&bytes, internet.or(codepage))),
            None => self.string(dir, HTML, internet.or(codepage))?,
        };
        if let Some(rtf) = self.stream(&join(dir, &stream_name(RTF_COMPRESSED, PT_BINARY)))? {
            m.body_rtf = Some(decompress(&rtf, dir, self.limits)?);
        }
        let names = self.names.clone();
        for (id, name) in names.into_iter().filter(|(_, n)| is_label_property(n)) {
            for value in self.strings(dir, id, codepage)? {
                m.labels.push((name.clone(), value));
            }
        }
        let mut storages: Vec<String> = self
            .cf
            .read_storage(dir)
            .map_err(|e| corrupt(dir, e))?
            .filter(|e| e.is_storage() && e.name().starts_with("__attach_version1.0_#"))
            .map(|e| e.name().to_owned())
            .collect();
        storages.sort();
        for name in storages {
            let at = join(dir, &name);
            m.attachments.push(self.attachment(&at, codepage, depth)?);
        }
        Ok(m)
    }

    fn attachment(
        &mut self,
        dir: &str,
        codepage: Option<u16>,
        depth: u64,
    ) -> Result<MsgAttachment, ReadError> {
        let mut a = MsgAttachment::default();
        for id in ATTACH_NAMES {
            if let Some(n) = self
                .string(dir, id, codepage)?
                .filter(|n| !n.trim().is_empty())
            {
                a.name = Some(n);
                break;
            }
        }
        a.mime_type = self.string(dir, ATTACH_MIME, codepage)?;
        let object = join(dir, &stream_name(ATTACH_DATA, PT_OBJECT));
        if self.cf.is_storage(&object) {
            if !self.cf.is_stream(join(&object, "__properties_version1.0")) {
                return Err(ReadError::Unsupported {
                    what: "an attachment that is an embedded OLE object".to_owned(),
                    location: dir.to_owned(),
                });
            }
            a.message = Some(Box::new(self.message(&object, 24, depth + 1)?));
        } else if let Some(data) = self.stream(&join(dir, &stream_name(ATTACH_DATA, PT_BINARY)))? {
            a.data = data;
        }
        Ok(a)
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// An HTML body stored as bytes: in its code page, else UTF-8 when it is valid UTF-8.
fn decode_html(bytes: &[u8], codepage: Option<u16>) -> String {
    match codepage.and_then(crate::document::msg_props::encoding_for_codepage) {
        Some(e) => e.decode(bytes).0.into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        },
    }
    .trim_end_matches('\0')
    .to_owned()
}

/// Decompresses `PidTagRtfCompressed` (MS-OXRTFCP) after checking its header against the
/// input, so a lying size never allocates or slices past the data.
fn decompress(data: &[u8], dir: &str, limits: &Limits) -> Result<String, ReadError> {
    let field = |at: usize| {
        data.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
    };
    let (Some(comp_size), Some(raw_size), Some(kind)) = (field(0), field(4), field(8)) else {
        return Err(corrupt(
            dir,
            "the compressed RTF body is shorter than its header",
        ));
    };
    Limit::EntryBytes.check(limits, u64::from(raw_size), dir)?;
    let uncompressed = kind == 0x414C_454D; // "MELA"
    if u64::from(comp_size) + 4 != data.len() as u64
        || (uncompressed && u64::from(raw_size) + 16 > data.len() as u64)
    {
        return Err(corrupt(
            dir,
            "the compressed RTF body's sizes do not match its data",
        ));
    }
    compressed_rtf::decompress_rtf(data).map_err(|e| corrupt(dir, format!("compressed RTF: {e}")))
}

/// Whether a named property may carry a label: Outlook categories (`Keywords`) or a label
/// name.
fn is_label_property(name: &str) -> bool {
    name.eq_ignore_ascii_case("Keywords") || is_marking_header(name)
}

/// Whether a transport header or named property carries a marking or label.
pub(crate) fn is_marking_header(name: &str) -> bool {
    crate::document::ooxml::is_label_name(name)
        || name.to_ascii_lowercase().starts_with("msip_labels")
}
