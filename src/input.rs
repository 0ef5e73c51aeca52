//! The input layer: what an input is, found from its content ([`sniff`]), and the reader it
//! goes to, behind one [`Inspector`] built from the agency's configuration.
//!
//! Plain text streams through the [`Scanner`] in bounded memory whatever its size; a DOCX,
//! PDF, PPTX, XLSX or OpenDocument file is read whole (up to [`Limits::max_input_bytes`])
//! and checked as a document; a message, an Outlook `.msg` among them, goes to the
//! [`MessageAnalyser`]; an mbox is split message by message as it
//! streams, one report each. An input that cannot be read is a report with its error, never
//! a clean one.
//!
//! ```
//! use protective_marking::{AgencyConfig, Format, Inspector};
//!
//! let inspector = Inspector::new(&AgencyConfig::default())?;
//! let reports = inspector.check_bytes("memo.txt", b"RESTRICTED\n\nThe plan.\n\nRESTRICTED\n");
//! assert_eq!(reports[0].format, Format::Text);
//! assert_eq!(reports[0].input, "memo.txt");
//! assert_eq!(reports[0].marking.as_ref().unwrap().to_string(), "RESTRICTED");
//!
//! let mbox = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: one [SECRET]\n\nhi\n\
//!              From a@b Mon Jan  1 00:00:00 2024\nSubject: two\n\nhi\n";
//! let reports = inspector.check_bytes("box.mbox", mbox);
//! assert_eq!(reports.len(), 2);
//! assert_eq!(reports[1].input, "box.mbox#2");
//! assert!(reports[1].marking.is_none());
//! # Ok::<(), protective_marking::config::ConfigError>(())
//! ```

use crate::config::{AgencyConfig, ConfigError};
use crate::document;
use crate::error::ReadError;
use crate::limits::{Limits, read_input};
use crate::mail::{MboxReader, MessageAnalyser, is_mbox, is_message};
use crate::report::{Format, Report};
use crate::scan::Scanner;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// How much of an input is read to tell its format: enough for a PDF header (1 KiB), an
/// mbox envelope line and a long message header block.
const HEAD: u64 = 8 * 1024;

/// What the bytes at the start of an input are: a document ([`Format::Docx`],
/// [`Format::Pdf`], [`Format::Pptx`], [`Format::Xlsx`], [`Format::Odt`], [`Format::Ods`],
/// [`Format::Odp`]), an Outlook message ([`Format::Msg`]), a message ([`Format::Eml`]), a
/// mailbox ([`Format::Mbox`]) or [`Format::Text`]. Containers come first: a zip, an OLE2
/// file, a flat OpenDocument file, a PDF. A zip or OLE2 file whose kind the head cannot tell
/// (its directory is at the end, or further in) is [`Format::Docx`], which is read as a
/// document: the reader then finds its format from the whole file, and refuses what is no
/// document it reads rather than reading it as text. A maildir entry is a message file by
/// where it is, so [`Inspector::check_message`] reads it.
///
/// ```
/// use protective_marking::{input::sniff, Format};
/// assert_eq!(sniff(b"%PDF-1.7\n"), Format::Pdf);
/// assert_eq!(sniff(b"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nhi\n"), Format::Mbox);
/// assert_eq!(sniff(b"Subject: x\r\nFrom: a@b\r\n\r\nhi\r\n"), Format::Eml);
/// assert_eq!(sniff(b"IN-CONFIDENCE\nminutes"), Format::Text);
/// let fods = br#"<?xml version="1.0"?><office:document office:mimetype="application/vnd.oasis.opendocument.spreadsheet">"#;
/// assert_eq!(sniff(fods), Format::Ods);
/// ```
pub fn sniff(head: &[u8]) -> Format {
    let doc = document::sniff(head);
    if doc != Format::Text {
        return doc;
    }
    if head.starts_with(b"PK\x03\x04") {
        return Format::Docx;
    }
    if is_mbox(head) {
        Format::Mbox
    } else if is_message(head) {
        Format::Eml
    } else {
        Format::Text
    }
}

/// Checks inputs of any kind: finds each one's format from its content and reads it with
/// the reader for it, configured from one [`AgencyConfig`]. Build once and share: it is
/// `Send + Sync`, and every method takes `&self`.
#[derive(Clone, Debug)]
pub struct Inspector {
    scanner: Scanner,
    analyser: MessageAnalyser,
    limits: Limits,
}

impl Inspector {
    /// An inspector for `config`.
    ///
    /// # Errors
    /// A [`ConfigError`] when the configuration is not usable.
    pub fn new(config: &AgencyConfig) -> Result<Inspector, ConfigError> {
        config.validate()?;
        // One scanner, shared (it is an `Arc`): building it is most of an inspector's
        // start-up, and the message analyser reads with the same one.
        let scanner = config.scanner()?;
        let analyser =
            MessageAnalyser::with(scanner.clone(), config.limits.clone(), &config.msip_labels);
        Ok(Inspector {
            scanner,
            analyser,
            limits: config.limits.clone(),
        })
    }

    /// The scanner it reads text with.
    pub fn scanner(&self) -> &Scanner {
        &self.scanner
    }

    /// The message analyser it reads messages with.
    pub fn analyser(&self) -> &MessageAnalyser {
        &self.analyser
    }

    /// The reports of `bytes`, an input named `name`: one, or one per message of an mbox
    /// (named `name#1`, `name#2`...).
    pub fn check_bytes(&self, name: &str, bytes: &[u8]) -> Vec<Report> {
        self.check_reader(name, bytes)
    }

    /// The reports of the input `reader` gives, named `name`: one, or one per message of an
    /// mbox. Text streams in bounded memory; a document or message is read whole, up to
    /// [`Limits::max_input_bytes`] (more is unreadable, never cut short).
    pub fn check_reader(&self, name: &str, mut reader: impl Read) -> Vec<Report> {
        let mut head = Vec::new();
        if let Err(e) = (&mut reader).take(HEAD).read_to_end(&mut head) {
            return vec![Report::unreadable(Format::Unknown, ReadError::io(name, &e)).named(name)];
        }
        let format = sniff(&head);
        let rest = io::Cursor::new(head).chain(reader);
        match format {
            Format::Text => match self.scanner.scan_reader(rest) {
                Ok(report) => vec![report.named(name)],
                Err(e) => {
                    vec![Report::unreadable(Format::Text, ReadError::io(name, &e)).named(name)]
                }
            },
            Format::Mbox => self.mbox(name, rest),
            Format::Eml | Format::Maildir => vec![self.check_message(name, rest, format)],
            _ => vec![self.document(name, format, rest)],
        }
    }

    /// The report of a file, or of each message of an mbox file. A file that cannot be
    /// opened is a report with its error.
    pub fn check_path(&self, path: &Path) -> Vec<Report> {
        let name = path.display().to_string();
        match std::fs::File::open(path) {
            Ok(f) => self.check_reader(&name, f),
            Err(e) => {
                vec![Report::unreadable(Format::Unknown, ReadError::io(&name, &e)).named(name)]
            }
        }
    }

    /// The report of one message `reader` gives, named `name`, read as a message of
    /// `format` ([`Format::Eml`], [`Format::Maildir`], [`Format::Mbox`]) whatever it looks
    /// like: a maildir entry is a message by where it is.
    pub fn check_message(&self, name: &str, reader: impl Read, format: Format) -> Report {
        match read_input(reader, &self.limits, name) {
            Ok(raw) => self.analyse(name, format, &raw),
            Err(e) => Report::unreadable(format, e).named(name),
        }
    }

    fn analyse(&self, name: &str, format: Format, raw: &[u8]) -> Report {
        let mut report = match self.analyser.analyse(raw) {
            Ok(report) => report,
            Err(e) => Report::unreadable(format, e),
        };
        report.format = format;
        report.named(name)
    }

    fn document(&self, name: &str, format: Format, reader: impl Read) -> Report {
        let bytes = match read_input(reader, &self.limits, name) {
            Ok(b) => b,
            Err(e) => return Report::unreadable(format, e).named(name),
        };
        let (format, read) = match document::read_package(&bytes, &self.limits) {
            Some(read) => read,
            None => {
                // The head told a container; the whole file tells which.
                let format = match document::sniff(&bytes) {
                    Format::Text => format,
                    whole => whole,
                };
                if format == Format::Msg {
                    return match self.analyser.analyse_msg(&bytes) {
                        Ok(report) => report.named(name),
                        Err(e) => Report::unreadable(Format::Msg, e).named(name),
                    };
                }
                (format, document::read_as(&bytes, format, &self.limits))
            }
        };
        match read {
            Ok(doc) => document::check(&doc, &self.scanner).named(name),
            Err(e) => Report::unreadable(format, e).named(name),
        }
    }

    /// One report per message, named `name#3`; a read error ends the box with an unreadable
    /// report, so a truncated mailbox is never reported clean.
    fn mbox(&self, name: &str, reader: impl Read) -> Vec<Report> {
        let mut out = Vec::new();
        for item in MboxReader::new(BufReader::new(reader), &self.limits) {
            match item {
                Ok((index, Ok(raw))) => {
                    out.push(self.analyse(&format!("{name}#{index}"), Format::Mbox, &raw));
                }
                Ok((index, Err(e))) => {
                    out.push(Report::unreadable(Format::Mbox, e).named(format!("{name}#{index}")));
                }
                Err(e) => {
                    let at = format!("{name}#{}", out.len() + 1);
                    out.push(Report::unreadable(Format::Mbox, ReadError::io(&at, &e)).named(at));
                    break;
                }
            }
        }
        if out.is_empty() {
            let e = ReadError::Corrupt {
                format: Format::Mbox,
                location: name.into(),
                reason: "no messages in this mbox".into(),
            };
            out.push(Report::unreadable(Format::Mbox, e).named(name));
        }
        out
    }
}
