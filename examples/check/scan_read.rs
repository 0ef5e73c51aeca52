//! Reading one input of `check scan` by its content: text is streamed through the
//! `Scanner`; DOCX and PDF go to `document::read`/`check`; a message to the
//! `MessageAnalyser`; an mbox is split message by message as it streams.

use crate::scan_record::Record;
use crate::walk::Item;
use protective_marking::document::{self, Format};
use protective_marking::mail::{MboxReader, is_mbox, is_message};
use protective_marking::{Limit, Limits, MessageAnalyser, ReadError, Scanner};
use std::io::{self, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};

/// How much of an input is read to tell its format: enough for a PDF header (1 KiB), an
/// mbox envelope line and a long message header block.
const HEAD: u64 = 8 * 1024;

/// The shared, read-only state of a scan: built once, used by every thread.
pub struct Ctx {
    pub scanner: Scanner,
    pub analyser: MessageAnalyser,
    pub limits: Limits,
    /// Bytes read so far, for the progress bar and the throughput.
    pub bytes: AtomicU64,
}

impl Ctx {
    pub fn new() -> Ctx {
        let limits = Limits::default();
        Ctx {
            scanner: Scanner::new(),
            analyser: MessageAnalyser::new().with_limits(limits.clone()),
            limits,
            bytes: AtomicU64::new(0),
        }
    }
}

/// Counts the bytes read through it into the context's total.
struct Counting<'a, R> {
    inner: R,
    total: &'a AtomicU64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The reports for one item: one, or one per message of an mbox.
pub fn scan_item(ctx: &Ctx, item: &Item) -> Vec<Record> {
    match item {
        Item::Unreadable(path, error) => {
            vec![Record::unreadable(path.clone(), "unknown", error.clone())]
        }
        Item::Stdin => scan_stream(ctx, "-", io::stdin().lock(), false),
        Item::File(path) | Item::MaildirMessage(path) => {
            let name = path.display().to_string();
            match std::fs::File::open(path) {
                Ok(f) => scan_stream(ctx, &name, f, matches!(item, Item::MaildirMessage(_))),
                Err(e) => vec![Record::unreadable(
                    name,
                    "unknown",
                    format!("cannot open: {e}"),
                )],
            }
        }
    }
}

fn scan_stream(ctx: &Ctx, name: &str, reader: impl Read, maildir: bool) -> Vec<Record> {
    let mut reader = Counting {
        inner: reader,
        total: &ctx.bytes,
    };
    let mut head = Vec::new();
    if let Err(e) = (&mut reader).take(HEAD).read_to_end(&mut head) {
        return vec![Record::unreadable(name.into(), "unknown", read_error(&e))];
    }
    let kind = if maildir {
        Kind::Message("maildir")
    } else if head.starts_with(b"PK\x03\x04") || document::sniff(&head) != Format::Text {
        // Containers first: a zip (DOCX, or anything else the DOCX reader must refuse rather
        // than read as text), an OLE2 file, a PDF.
        Kind::Document(if document::sniff(&head) == Format::Pdf {
            "pdf"
        } else {
            "docx"
        })
    } else if is_mbox(&head) {
        Kind::Mbox
    } else if is_message(&head) {
        Kind::Message("eml")
    } else {
        Kind::Text
    };
    let rest = io::Cursor::new(head).chain(reader);
    match kind {
        Kind::Document(format) => vec![doc(ctx, name, format, rest)],
        Kind::Message(format) => vec![message(ctx, name, format, rest)],
        Kind::Mbox => mbox(ctx, name, rest),
        // Plain text streams through the scanner in bounded memory, whatever its size.
        Kind::Text => match ctx.scanner.scan_reader(rest) {
            Ok(report) => vec![Record::from_text(name.into(), report)],
            Err(e) => vec![Record::unreadable(name.into(), "text", read_error(&e))],
        },
    }
}

/// What an input is, by its first bytes.
enum Kind {
    Document(&'static str),
    Message(&'static str),
    Mbox,
    Text,
}

fn read_error(e: &io::Error) -> String {
    format!("read failed: {e}; its marking is unknown")
}

/// Reads all of `reader`, refusing more than the input limit (fail closed).
fn read_all(ctx: &Ctx, name: &str, reader: impl Read) -> Result<Vec<u8>, String> {
    let max = ctx.limits.max_input_bytes;
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(&e))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::LimitExceeded {
            limit: Limit::InputBytes,
            value: bytes.len() as u64,
            max,
            location: name.into(),
        }
        .to_string());
    }
    Ok(bytes)
}

fn doc(ctx: &Ctx, name: &str, format: &'static str, reader: impl Read) -> Record {
    let bytes = match read_all(ctx, name, reader) {
        Ok(b) => b,
        Err(e) => return Record::unreadable(name.into(), format, e),
    };
    match document::read(&bytes, &ctx.limits) {
        Ok(d) => {
            let format = match d.format {
                Format::Pdf => "pdf",
                Format::Docx => "docx",
                _ => "text",
            };
            Record::from_document(name.into(), format, document::check(&d, &ctx.scanner))
        }
        Err(e) => Record::unreadable(name.into(), format, e.to_string()),
    }
}

fn message(ctx: &Ctx, name: &str, format: &'static str, reader: impl Read) -> Record {
    match read_all(ctx, name, reader) {
        Ok(raw) => analyse(ctx, name.into(), format, &raw),
        Err(e) => Record::unreadable(name.into(), format, e),
    }
}

fn analyse(ctx: &Ctx, path: String, format: &'static str, raw: &[u8]) -> Record {
    match ctx.analyser.analyse(raw) {
        Ok(report) => Record::from_message(path, format, report),
        Err(e) => Record::unreadable(path, format, e.to_string()),
    }
}

/// One record per message, located `box.mbox#3`; a read error ends the box with an
/// unreadable record, so a truncated mailbox is never reported clean.
fn mbox(ctx: &Ctx, name: &str, reader: impl Read) -> Vec<Record> {
    let mut out = Vec::new();
    for item in MboxReader::new(BufReader::new(reader), &ctx.limits) {
        match item {
            Ok((index, Ok(raw))) => out.push(analyse(ctx, format!("{name}#{index}"), "mbox", &raw)),
            Ok((index, Err(e))) => out.push(Record::unreadable(
                format!("{name}#{index}"),
                "mbox",
                e.to_string(),
            )),
            Err(e) => {
                let at = format!("{name}#{}", out.len() + 1);
                out.push(Record::unreadable(at, "mbox", read_error(&e)));
                break;
            }
        }
    }
    if out.is_empty() {
        out.push(Record::unreadable(
            name.into(),
            "mbox",
            "no messages in this mbox".into(),
        ));
    }
    out
}
