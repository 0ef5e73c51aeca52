//! The walk behind [`read_message`](super::read_message): one mail-parser parse per nesting
//! level, limits counted across levels.

use crate::path::{PartPath, Segment};
use crate::report::Format;
use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::{
    HeaderName, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use memchr::memmem;

use super::header::HeaderDialect;
use super::html::html_to_text;
use super::message::{
    Attachment, MAX_SUPPORTED_NESTING_DEPTH, MailProblem, MailProblemKind, MarkingHeader,
    MessageContent, TextPart,
};
use super::prescan::{DIGEST, NESTED_GLOBAL, NESTED_RFC822, defuse_nesting, delimiter_upper_bound};
use super::quote::split_quoted;
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::path::BodyKind;

const PARSER: &str = "mail-parser";

/// Counters shared by every nesting level of one message.
struct Ctx<'l> {
    limits: &'l Limits,
    max_depth: u64,
    parts: u64,
    text_bytes: u64,
}

impl Ctx<'_> {
    fn exceeded(&self, limit: Limit, value: u64, location: &PartPath) -> ReadError {
        let max = match limit {
            Limit::NestingDepth => self.max_depth,
            other => other.max_in(self.limits),
        };
        ReadError::LimitExceeded {
            limit,
            value,
            max,
            location: location_of(location),
        }
    }

    fn check_depth(&self, depth: u64, location: &PartPath) -> Result<(), ReadError> {
        if depth > self.max_depth {
            return Err(self.exceeded(Limit::NestingDepth, depth, location));
        }
        Ok(())
    }
}

fn location_of(path: &PartPath) -> String {
    if path.is_empty() {
        "message".to_string()
    } else {
        path.to_string()
    }
}

pub(crate) fn read_top(raw: &[u8], limits: &Limits) -> Result<MessageContent, ReadError> {
    Limit::InputBytes.check(limits, raw.len() as u64, "message")?;
    let mut ctx = Ctx {
        limits,
        max_depth: limits.max_nesting_depth.min(MAX_SUPPORTED_NESTING_DEPTH),
        parts: 0,
        text_bytes: 0,
    };
    read_level(&mut ctx, raw, &PartPath::default(), 0, false)?.ok_or_else(|| ReadError::Corrupt {
        format: Format::Eml,
        location: "message".to_string(),
        reason: "no header fields found".to_string(),
    })
}

/// Parses one message (top level or nested) at `depth`. `None` when it has no header field.
///
/// `scanned`: `raw` is a slice of bytes already pre-scanned at an outer level (an unencoded
/// nested message), so it is already defused and its delimiters are already in the part
/// bound. Skipping the scan keeps the cost of deep nesting at one parse per level.
fn read_level(
    ctx: &mut Ctx<'_>,
    raw: &[u8],
    prefix: &PartPath,
    depth: u64,
    scanned: bool,
) -> Result<Option<MessageContent>, ReadError> {
    let defused = if scanned {
        Cow::Borrowed(raw)
    } else {
        let defused = defuse_nesting(raw);
        let bound = ctx.parts.saturating_add(delimiter_upper_bound(&defused));
        if bound > ctx.limits.max_mime_parts {
            return Err(ctx.exceeded(Limit::MimeParts, bound, prefix));
        }
        defused
    };
    let bytes: &[u8] = &defused;
    let parsed =
        catch_unwind(AssertUnwindSafe(|| MessageParser::default().parse(bytes))).map_err(|_| {
            ReadError::ParserPanicked {
                parser: PARSER,
                location: location_of(prefix),
            }
        })?;
    let Some(msg) = parsed else {
        return Ok(None);
    };
    // mail-parser reads text without any header line as a headerless body; for a message
    // (top level or nested) that means it is not a message at all.
    // (mail-parser also turns an unterminated last line into a "header" named by the line.)
    let has_header = msg.parts.first().is_some_and(|root| {
        root.headers.iter().any(|h| {
            let name = h.name.as_str();
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
        })
    });
    if !has_header {
        return Ok(None);
    }
    let mut walker = Walker {
        ctx,
        msg: &msg,
        out: MessageContent {
            path: prefix.clone(),
            ..MessageContent::default()
        },
        prefix,
        attachments: 0,
        plain: 0,
        html: 0,
    };
    walker.headers()?;
    walker.walk(0, depth, false)?;
    Ok(Some(walker.out))
}

struct Walker<'c, 'l, 'm, 'x> {
    ctx: &'c mut Ctx<'l>,
    msg: &'m Message<'x>,
    out: MessageContent,
    prefix: &'m PartPath,
    attachments: usize,
    plain: usize,
    html: usize,
}

impl Walker<'_, '_, '_, '_> {
    fn headers(&mut self) -> Result<(), ReadError> {
        let Some(root) = self.msg.parts.first() else {
            return Ok(());
        };
        for h in &root.headers {
            match &h.name {
                HeaderName::Subject if self.out.subject.is_none() => {
                    self.out.subject = h.value.as_text().map(str::to_string);
                }
                HeaderName::From if self.out.from.is_none() => {
                    self.out.from = h
                        .value
                        .as_address()
                        .and_then(|a| a.first())
                        .and_then(|a| a.address().or(a.name()))
                        .map(str::to_string);
                }
                HeaderName::MessageId if self.out.message_id.is_none() => {
                    self.out.message_id = text_list(&h.value).into_iter().next();
                }
                HeaderName::InReplyTo => self.out.in_reply_to.extend(text_list(&h.value)),
                HeaderName::References => self.out.references.extend(text_list(&h.value)),
                name => {
                    let Some(dialect) = HeaderDialect::from_header_name(name.as_str()) else {
                        continue;
                    };
                    let raw = self
                        .msg
                        .raw_message
                        .get(h.offset_start as usize..h.offset_end as usize)
                        .unwrap_or_default();
                    let value = decode_header_value(&unfold(raw), self.prefix)?;
                    self.out.marking_headers.push(MarkingHeader {
                        dialect,
                        name: name.as_str().to_string(),
                        value,
                    });
                }
            }
        }
        Ok(())
    }

    fn problem(&mut self, path: PartPath, kind: MailProblemKind) {
        self.out.problems.push(MailProblem { path, kind });
    }

    fn count_part(&mut self) -> Result<(), ReadError> {
        self.ctx.parts += 1;
        if self.ctx.parts > self.ctx.limits.max_mime_parts {
            return Err(self
                .ctx
                .exceeded(Limit::MimeParts, self.ctx.parts, self.prefix));
        }
        Ok(())
    }

    /// Walks the part tree from `id`. Recursion depth is bounded by `max_depth` (checked
    /// before each descent), itself at most [`MAX_SUPPORTED_NESTING_DEPTH`].
    fn walk(&mut self, id: usize, depth: u64, in_digest: bool) -> Result<(), ReadError> {
        self.count_part()?;
        let Some(part) = self.msg.parts.get(id) else {
            return Ok(());
        };
        if let PartType::Multipart(children) = &part.body {
            let depth = depth + 1;
            self.ctx.check_depth(depth, self.prefix)?;
            let digest = part
                .content_type()
                .and_then(|ct| ct.subtype())
                .is_some_and(|s| s.eq_ignore_ascii_case(DIGEST));
            if children.is_empty() {
                self.problem(self.prefix.clone(), MailProblemKind::EmptyMultipart);
            }
            for &child in children {
                let child = child as usize;
                // Part ids only grow from parent to child; anything else would be a cycle.
                if child > id {
                    self.walk(child, depth, digest)?;
                }
            }
            return Ok(());
        }
        self.leaf(part, depth, in_digest)
    }

    fn leaf(
        &mut self,
        part: &MessagePart<'_>,
        depth: u64,
        in_digest: bool,
    ) -> Result<(), ReadError> {
        let ct = part.content_type();
        let ctype = ct.map(|c| c.ctype().to_ascii_lowercase());
        let subtype = ct.and_then(|c| c.subtype()).map(str::to_ascii_lowercase);
        let is_nested = match (ctype.as_deref(), subtype.as_deref()) {
            (Some("message"), Some(s)) => s == NESTED_RFC822 || s == NESTED_GLOBAL,
            (None, _) => in_digest,
            _ => false,
        } || matches!(part.body, PartType::Message(_));

        if is_nested {
            return self.nested(part, depth, ctype.is_none());
        }

        let filename = part.attachment_name().map(str::to_string);
        let disposition_attachment = part
            .content_disposition()
            .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        let boundary_missing = ctype.as_deref() == Some("multipart");
        let textual = match (ctype.as_deref(), subtype.as_deref()) {
            (None, _) => true,
            (Some("text"), Some("plain" | "html")) | (Some("text"), None) => true,
            _ => boundary_missing,
        };
        let is_body = matches!(part.body, PartType::Text(_) | PartType::Html(_))
            && textual
            && !disposition_attachment
            && filename.is_none();

        let path = if is_body {
            let (kind, n) = match part.body {
                PartType::Html(_) => {
                    self.html += 1;
                    (BodyKind::Html, self.html)
                }
                _ => {
                    self.plain += 1;
                    (BodyKind::Text, self.plain)
                }
            };
            self.prefix.then(Segment::MailBody {
                kind,
                index: u32::try_from(n).unwrap_or(u32::MAX),
            })
        } else {
            self.attachments += 1;
            self.prefix
                .then(Segment::Attachment(count(self.attachments)))
        };

        if boundary_missing {
            let boundary = ct
                .and_then(|c| c.attribute("boundary"))
                .unwrap_or_default()
                .to_string();
            self.problem(path.clone(), MailProblemKind::BoundaryNotFound { boundary });
        } else if part.is_encoding_problem && !self.is_headers_only(part) {
            self.problem(path.clone(), MailProblemKind::BadEncoding);
        }

        if is_body {
            let (kind, text) = match &part.body {
                PartType::Html(h) => (BodyKind::Html, html_to_text(&restore_text(h))),
                PartType::Text(t) => (BodyKind::Text, normalise_newlines(&restore_text(t))),
                _ => return Ok(()),
            };
            if text.is_empty() && self.is_headers_only(part) {
                return Ok(());
            }
            self.ctx.text_bytes = self.ctx.text_bytes.saturating_add(text.len() as u64);
            if self.ctx.text_bytes > self.ctx.limits.max_text_bytes {
                return Err(self
                    .ctx
                    .exceeded(Limit::TextBytes, self.ctx.text_bytes, &path));
            }
            let split = split_quoted(&text);
            self.out.bodies.push(TextPart {
                path,
                kind,
                text,
                new_text: split.new_text,
                quoted: split.quoted,
            });
            return Ok(());
        }

        let bytes = restore_bytes(part.contents().to_vec());
        let content_type = match (ctype.as_deref(), subtype.as_deref()) {
            (Some(t), Some(s)) => format!("{t}/{}", original_subtype(s)),
            (Some(t), None) => t.to_string(),
            (None, _) => "text/plain".to_string(),
        };
        self.out.attachments.push(Attachment {
            path,
            filename,
            content_type,
            size: bytes.len() as u64,
            bytes,
            message: None,
        });
        Ok(())
    }

    /// A root part with headers and no body at all (mail-parser flags it as an encoding
    /// problem; it is not one).
    fn is_headers_only(&self, part: &MessagePart<'_>) -> bool {
        part.offset_body as usize >= self.msg.raw_message.len() && part.contents().is_empty()
    }

    fn nested(
        &mut self,
        part: &MessagePart<'_>,
        depth: u64,
        implicit: bool,
    ) -> Result<(), ReadError> {
        self.attachments += 1;
        let path = self
            .prefix
            .then(Segment::Attachment(count(self.attachments)));
        let depth = depth + 1;
        self.ctx.check_depth(depth, &path)?;

        // Unencoded: the exact raw bytes (mail-parser's text decoding would be lossy).
        // Encoded (base64/QP, not allowed by RFC 2046 but common): the decoded bytes.
        let raw_slice = self
            .msg
            .raw_message
            .get(part.offset_body as usize..part.offset_end as usize);
        let bytes: Cow<'_, [u8]> = match (part.encoding, raw_slice) {
            (mail_parser::Encoding::None, Some(slice)) => Cow::Borrowed(slice),
            _ => Cow::Owned(part.contents().to_vec()),
        };
        if part.is_encoding_problem {
            self.problem(path.clone(), MailProblemKind::BadEncoding);
        }
        let scanned = matches!(bytes, Cow::Borrowed(_));
        let nested = read_level(self.ctx, &bytes, &path, depth, scanned)?;
        let message = match nested {
            Some(m) => {
                self.out.problems.extend(m.problems.iter().cloned());
                Some(Box::new(m))
            }
            None => {
                self.problem(path.clone(), MailProblemKind::UnreadableNestedMessage);
                None
            }
        };
        let content_type = match part.content_type() {
            Some(ct) if !implicit => format!(
                "{}/{}",
                ct.ctype().to_ascii_lowercase(),
                original_subtype(&ct.subtype().unwrap_or("rfc822").to_ascii_lowercase())
            ),
            _ => "message/rfc822".to_string(),
        };
        let bytes = restore_bytes(bytes.into_owned());
        self.out.attachments.push(Attachment {
            path,
            filename: part.attachment_name().map(str::to_string),
            content_type,
            size: bytes.len() as u64,
            bytes,
            message,
        });
        Ok(())
    }
}

/// A count as an index in a path (saturating: a message has far fewer parts than that).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn text_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

fn original_subtype(s: &str) -> &str {
    match s {
        NESTED_RFC822 => "rfc822",
        NESTED_GLOBAL => "global",
        DIGEST => "digest",
        other => other,
    }
}

/// RFC 5322 unfolding: line breaks removed, the white space after them kept; then trimmed.
fn unfold(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let unfolded: String = text.chars().filter(|&c| c != '\r' && c != '\n').collect();
    unfolded.trim().to_string()
}

/// Decodes RFC 2047 encoded words in a marking header value, using mail-parser's unstructured
/// field decoder (the value is read as if it were a `Subject`).
fn decode_header_value(value: &str, prefix: &PartPath) -> Result<String, ReadError> {
    if !value.contains("=?") {
        return Ok(value.to_string());
    }
    let synthetic = format!("Subject: {value}\r\n\r\n");
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        MessageParser::default()
            .parse_headers(synthetic.as_bytes())
            .and_then(|m| {
                m.parts
                    .first()
                    .and_then(|p| p.headers.first())
                    .and_then(|h| h.value.as_text().map(str::to_string))
            })
    }))
    .map_err(|_| ReadError::ParserPanicked {
        parser: PARSER,
        location: location_of(prefix),
    })?;
    Ok(decoded.unwrap_or_else(|| value.to_string()))
}

/// CRLF to LF, and no trailing line breaks: the text of a body is the same whether the
/// message travelled with CRLF or was stored with LF.
fn normalise_newlines(text: &str) -> String {
    let mut s = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    };
    let end = s.trim_end_matches(['\n', '\r']).len();
    s.truncate(end);
    s
}

const SENTINELS: [(&str, &str); 3] = [
    (NESTED_RFC822, "rfc822"),
    (NESTED_GLOBAL, "global"),
    (DIGEST, "digest"),
];

/// Undoes [`defuse_nesting`] in decoded text (a `Content-Type:` line inside a text part).
fn restore_text(text: &str) -> Cow<'_, str> {
    if !text.contains("pmq") {
        return Cow::Borrowed(text);
    }
    let mut s = text.to_string();
    for (from, to) in SENTINELS {
        s = s.replace(from, to);
    }
    Cow::Owned(s)
}

/// Undoes [`defuse_nesting`] in attachment bytes.
fn restore_bytes(mut bytes: Vec<u8>) -> Vec<u8> {
    if memmem::find(&bytes, b"pmq").is_none() {
        return bytes;
    }
    for (from, to) in SENTINELS {
        let finder = memmem::Finder::new(from.as_bytes());
        let positions: Vec<usize> = finder.find_iter(&bytes).collect();
        for at in positions {
            if let Some(dst) = bytes.get_mut(at..at + to.len()) {
                dst.copy_from_slice(to.as_bytes());
            }
        }
    }
    bytes
}
