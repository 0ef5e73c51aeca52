//! The bounded zip container under OOXML (DOCX, PPTX, XLSX) and OpenDocument packages.
//!
//! The zip crate enforces neither declared sizes nor any bomb limit, so every entry is read
//! through `Read::take`, with a running total across entries and an inflate-ratio check, and
//! nothing is allocated from a size the archive declares. Two entries with the same name
//! (compared as part names are, case-insensitively) make the package `Corrupt`: readers
//! disagree on which copy counts, so a marking could be shown by one and hidden from another.

use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::report::Format;
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;
use zip::ZipArchive;
use zip::result::ZipError;

/// Entries inflate this far before the compression ratio is checked (see
/// [`Limits::max_compression_ratio`]).
const RATIO_CHECK_AFTER: u64 = 1024 * 1024;

/// The archive bytes, counting how many are read, so that an entry's compression ratio is
/// measured against the compressed bytes consumed so far rather than its declared size.
struct Counting<'a> {
    cursor: Cursor<&'a [u8]>,
    read: Rc<Cell<u64>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.cursor.read(buf)?;
        self.read.set(self.read.get().saturating_add(n as u64));
        Ok(n)
    }
}

impl Seek for Counting<'_> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.cursor.seek(pos)
    }
}

/// An opened zip package with its read budget.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Counting<'a>>,
    compressed_read: Rc<Cell<u64>>,
    /// Lower-cased entry name -> index; OPC part names are case-insensitive.
    index: HashMap<String, usize>,
    names: Vec<String>,
    limits: &'a Limits,
    total: u64,
    /// The inflate buffer, one for every entry read (a fresh zeroed buffer per entry cost a
    /// 100-slide deck a fifth of its reading time).
    buf: Vec<u8>,
    /// The document format the package holds, for errors.
    format: Format,
}

fn corrupt(format: Format, location: &str, reason: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt {
        format,
        location: location.to_owned(),
        reason: reason.to_string(),
    }
}

fn zip_error(format: Format, location: &str, e: ZipError) -> ReadError {
    match e {
        ZipError::UnsupportedArchive(what) => ReadError::Unsupported {
            what: format!("zip feature: {what}"),
            location: location.to_owned(),
        },
        other => corrupt(format, location, other),
    }
}

impl<'a> Package<'a> {
    /// Opens the archive of a `format` document and checks [`Limits::max_zip_entries`]
    /// before reading any entry.
    pub(crate) fn open(
        bytes: &'a [u8],
        limits: &'a Limits,
        format: Format,
    ) -> Result<Self, ReadError> {
        let compressed_read = Rc::new(Cell::new(0));
        let source = Counting {
            cursor: Cursor::new(bytes),
            read: Rc::clone(&compressed_read),
        };
        let archive = ZipArchive::new(source).map_err(|e| zip_error(format, "zip", e))?;
        Limit::ZipEntries.check(limits, archive.len() as u64, "zip")?;
        // The zip crate keeps one entry per name, silently: a central directory that lists
        // more entries than the archive has names holds two of one name.
        if let Some(listed) = listed_entries(bytes)
            && listed != archive.len()
        {
            return Err(corrupt(
                format,
                "zip",
                format!(
                    "the central directory lists {listed} entries but {} distinct names: two \
                     entries share a name, and which one a reader takes decides what it sees, \
                     so the package is refused",
                    archive.len()
                ),
            ));
        }
        let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        let mut index = HashMap::with_capacity(names.len());
        for i in 0..archive.len() {
            if let Some(name) = archive.name_for_index(i) {
                let key = name.trim_start_matches('/').to_ascii_lowercase();
                if index.insert(key, i).is_some() {
                    return Err(corrupt(
                        format,
                        name,
                        "the zip holds two entries with this name; which one a reader takes \
                         decides what it sees, so the package is refused",
                    ));
                }
            }
        }
        Ok(Package {
            archive,
            compressed_read,
            index,
            names,
            limits,
            total: 0,
            buf: Vec::new(),
            format,
        })
    }

    /// Whether an entry with this part name exists (case-insensitive, no leading `/`).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.index
            .contains_key(&name.trim_start_matches('/').to_ascii_lowercase())
    }

    /// All entry names as stored.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// Reads one entry within [`Limits::max_entry_bytes`], [`Limits::max_decompressed_bytes`]
    /// (running total) and [`Limits::max_compression_ratio`]. `Ok(None)` if it is absent.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let key = name.trim_start_matches('/').to_ascii_lowercase();
        let Some(&i) = self.index.get(&key) else {
            return Ok(None);
        };
        let limits = self.limits;
        let start = self.compressed_read.get();
        let file = self
            .archive
            .by_index(i)
            .map_err(|e| zip_error(self.format, name, e))?;
        let mut reader = file.take(limits.max_entry_bytes.saturating_add(1));
        let mut out = Vec::new();
        let buf = &mut self.buf;
        if buf.is_empty() {
            buf.resize(64 * 1024, 0);
        }
        loop {
            // Reading to the end (n == 0) is what makes the zip crate check the CRC.
            let n = reader
                .read(buf)
                .map_err(|e| corrupt(self.format, name, e))?;
            let Some(chunk) = buf.get(..n) else {
                return Err(corrupt(
                    self.format,
                    name,
                    "reader returned more bytes than asked",
                ));
            };
            if chunk.is_empty() {
                break;
            }
            out.extend_from_slice(chunk);
            let len = out.len() as u64;
            self.total = self.total.saturating_add(n as u64);
            let limit = |limit, value, max| ReadError::LimitExceeded {
                limit,
                value,
                max,
                location: name.to_owned(),
            };
            if len > limits.max_entry_bytes {
                return Err(limit(Limit::EntryBytes, len, limits.max_entry_bytes));
            }
            if self.total > limits.max_decompressed_bytes {
                return Err(limit(
                    Limit::DecompressedBytes,
                    self.total,
                    limits.max_decompressed_bytes,
                ));
            }
            // Compressed bytes consumed so far (read-ahead makes this an overestimate, so
            // the ratio errs low).
            let compressed = self.compressed_read.get().saturating_sub(start).max(1);
            let ratio = len / compressed;
            if len > RATIO_CHECK_AFTER && ratio > limits.max_compression_ratio {
                return Err(limit(
                    Limit::CompressionRatio,
                    ratio,
                    limits.max_compression_ratio,
                ));
            }
        }
        Ok(Some(out))
    }
}

/// The entry count of the end of central directory record (the last one in the file), or
/// `None` when there is none or it defers to a Zip64 record.
fn listed_entries(bytes: &[u8]) -> Option<usize> {
    // The record is 22 bytes plus a comment of at most 65,535.
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    let tail = bytes.get(from..)?;
    let at = memchr::memmem::rfind(tail, b"PK\x05\x06")?;
    let count = tail.get(at + 10..at + 12)?;
    let count = u16::from_le_bytes([*count.first()?, *count.get(1)?]);
    (count != 0xFFFF).then_some(usize::from(count))
}
