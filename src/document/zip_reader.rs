//! The bounded zip container under OOXML (DOCX, PPTX, XLSX) and OpenDocument packages.
//!
//! The zip crate reads the central directory; each entry is then inflated here, from its
//! bytes in the archive, with one raw-deflate inflater (flate2) reused for every entry of the
//! package (a fresh inflater per entry was a tenth of the reading time of a 100-slide deck).
//! The zip crate enforces neither declared sizes nor any bomb limit, so inflating stops at
//! [`Limits::max_entry_bytes`], at a running total across entries and at an inflate ratio;
//! nothing is allocated from a size the archive declares beyond a first block. An entry
//! whose inflated bytes do not match its declared size or CRC-32 is `Corrupt`: a damaged
//! entry is never half-read. Two entries with the same name (compared as part names are,
//! case-insensitively) make the package `Corrupt`: readers disagree on which copy counts, so
//! a marking could be shown by one and hidden from another.

use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::report::Format;
use flate2::{Decompress, FlushDecompress, Status};
use std::collections::HashMap;
use std::io::Cursor;
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

/// Entries inflate this far before the compression ratio is checked (see
/// [`Limits::max_compression_ratio`]).
const RATIO_CHECK_AFTER: u64 = 1024 * 1024;

/// The output buffer of an entry starts at most this large, whatever size it declares, and
/// grows as inflating fills it.
const FIRST_BLOCK: u64 = 256 * 1024;

/// The output room zlib-rs's fast decoding loop needs (`INFLATE_FAST_MIN_LEFT`).
const FAST_PATH_ROOM: u64 = 260;

/// The input zlib-rs's fast decoding loop needs (`INFLATE_FAST_MIN_HAVE`).
const FAST_PATH_INPUT: usize = 15;

/// An opened zip package with its read budget.
pub(crate) struct Package<'a> {
    bytes: &'a [u8],
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased entry name -> index; OPC part names are case-insensitive.
    index: HashMap<String, usize>,
    names: Vec<String>,
    limits: &'a Limits,
    /// Bytes inflated so far, across entries.
    total: u64,
    /// Raw deflate (no zlib header), reset for each entry.
    inflater: Decompress,
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
        ZipError::UnsupportedArchive(what) => unsupported(location, what),
        other => corrupt(format, location, other),
    }
}

fn unsupported(location: &str, what: impl std::fmt::Display) -> ReadError {
    ReadError::Unsupported {
        what: format!("zip feature: {what}"),
        location: location.to_owned(),
    }
}

/// Where one entry's stored bytes are and what they must inflate to.
struct Entry {
    method: CompressionMethod,
    start: u64,
    compressed: u64,
    size: u64,
    crc32: u32,
}

impl<'a> Package<'a> {
    /// Opens the archive of a `format` document and checks [`Limits::max_zip_entries`]
    /// before reading any entry.
    pub(crate) fn open(
        bytes: &'a [u8],
        limits: &'a Limits,
        format: Format,
    ) -> Result<Self, ReadError> {
        let archive =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(format, "zip", e))?;
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
            bytes,
            archive,
            index,
            names,
            limits,
            total: 0,
            inflater: Decompress::new(false),
            format,
        })
    }

    /// The package taken on as a `format` document, its inflation budget whole again: what
    /// the sniffer read to tell the format, the reader reads once more.
    pub(crate) fn into_format(mut self, format: Format) -> Self {
        self.format = format;
        self.total = 0;
        self
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
    ///
    /// Stored and deflated entries are read; any other method, and an encrypted entry, is
    /// `Unsupported`. The inflated bytes must match the entry's declared size and CRC-32,
    /// or the entry is `Corrupt`.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let key = name.trim_start_matches('/').to_ascii_lowercase();
        let Some(&i) = self.index.get(&key) else {
            return Ok(None);
        };
        let entry = self.entry(i, name)?;
        // A declared size over a limit is refused before inflating: an honest entry would
        // pass the limit anyway, and a dishonest one fails the size check below.
        self.account(name, entry.size, entry.size, entry.compressed)?;
        let (start, end) = usize::try_from(entry.start)
            .ok()
            .zip(usize::try_from(entry.compressed).ok())
            .and_then(|(start, len)| Some((start, start.checked_add(len)?)))
            .filter(|&(_, end)| end <= self.bytes.len())
            .ok_or_else(|| {
                corrupt(
                    self.format,
                    name,
                    "the entry's data runs past the end of the file (the file is truncated)",
                )
            })?;
        let out = match entry.method {
            CompressionMethod::Stored => self.bytes[start..end].to_vec(),
            CompressionMethod::DEFLATE => {
                // The bytes after the entry (the next header) keep the inflater on its fast
                // path to the entry's last byte; a stream that reads into them is refused.
                let padded = end.saturating_add(FAST_PATH_INPUT).min(self.bytes.len());
                self.inflate(&self.bytes[start..padded], end - start, entry.size, name)?
            }
            other => return Err(unsupported(name, format!("compression method {other}"))),
        };
        let len = out.len() as u64;
        if len != entry.size {
            return Err(corrupt(
                self.format,
                name,
                format!(
                    "the entry inflates to {len} bytes but declares {}; the file is damaged",
                    entry.size
                ),
            ));
        }
        if crc32fast::hash(&out) != entry.crc32 {
            return Err(corrupt(
                self.format,
                name,
                "the entry's checksum (CRC-32) does not match its bytes; the file is damaged",
            ));
        }
        self.total = self.total.saturating_add(len);
        Ok(Some(out))
    }

    /// The stored entry at index `i`: its method, data offset, sizes and CRC-32.
    fn entry(&mut self, i: usize, name: &str) -> Result<Entry, ReadError> {
        let format = self.format;
        let file = self
            .archive
            .by_index_raw(i)
            .map_err(|e| zip_error(format, name, e))?;
        if file.encrypted() {
            return Err(unsupported(name, "Password required to decrypt file"));
        }
        let start = file
            .data_start()
            .ok_or_else(|| corrupt(format, name, "the entry's local header was not found"))?;
        Ok(Entry {
            method: file.compression(),
            start,
            compressed: file.compressed_size(),
            size: file.size(),
            crc32: file.crc32(),
        })
    }

    /// Checks an entry at `len` inflated bytes, from `consumed` compressed ones, against
    /// the limits; `total_add` is what it would add to the running total.
    fn account(
        &self,
        name: &str,
        len: u64,
        total_add: u64,
        consumed: u64,
    ) -> Result<(), ReadError> {
        let limits = self.limits;
        let limit = |limit, value, max| ReadError::LimitExceeded {
            limit,
            value,
            max,
            location: name.to_owned(),
        };
        // The ratio first: inflating, it is the limit an entry meets first (after 1 MiB).
        let ratio = len / consumed.max(1);
        if len > RATIO_CHECK_AFTER && ratio > limits.max_compression_ratio {
            return Err(limit(
                Limit::CompressionRatio,
                ratio,
                limits.max_compression_ratio,
            ));
        }
        if len > limits.max_entry_bytes {
            return Err(limit(Limit::EntryBytes, len, limits.max_entry_bytes));
        }
        let total = self.total.saturating_add(total_add);
        if total > limits.max_decompressed_bytes {
            return Err(limit(
                Limit::DecompressedBytes,
                total,
                limits.max_decompressed_bytes,
            ));
        }
        Ok(())
    }

    /// Inflates one raw-deflate entry, stopping one byte past [`Limits::max_entry_bytes`]
    /// so that an entry over it is reported rather than cut.
    /// `padded` is the entry's `len` bytes and what follows them.
    fn inflate(
        &mut self,
        padded: &'a [u8],
        len: usize,
        declared: u64,
        name: &str,
    ) -> Result<Vec<u8>, ReadError> {
        let truncated = |format| {
            corrupt(
                format,
                name,
                "the entry's deflate data ends before its stream does (the file is truncated or \
                 damaged)",
            )
        };
        let cap = self.limits.max_entry_bytes.saturating_add(1);
        // Room past the declared size keeps the inflater on its fast path to the end: it
        // decodes a run at a time only while 260 bytes of output room are left.
        let first = declared.min(FIRST_BLOCK).min(cap).max(1) + FAST_PATH_ROOM;
        let mut out = Vec::with_capacity(usize::try_from(first).unwrap_or(usize::MAX));
        self.inflater.reset(false);
        loop {
            if out.len() == out.capacity() {
                let grow = out.len().max(32 * 1024) as u64;
                let room = cap.saturating_sub(out.len() as u64).min(grow);
                out.reserve_exact(usize::try_from(room).unwrap_or(usize::MAX).max(1));
            }
            let in_before = self.inflater.total_in();
            let out_before = out.len();
            let rest = usize::try_from(in_before)
                .ok()
                .and_then(|at| padded.get(at..))
                .unwrap_or_default();
            let status = self
                .inflater
                .decompress_vec(rest, &mut out, FlushDecompress::None);
            let consumed = self.inflater.total_in();
            if consumed > len as u64 {
                return Err(truncated(self.format));
            }
            let status =
                status.map_err(|e| corrupt(self.format, name, format!("bad deflate data: {e}")))?;
            self.account(name, out.len() as u64, out.len() as u64, consumed)?;
            match status {
                Status::StreamEnd => return Ok(out),
                Status::Ok | Status::BufError => {
                    if consumed == in_before && out.len() == out_before {
                        return Err(truncated(self.format));
                    }
                }
            }
        }
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
