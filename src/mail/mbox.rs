//! Mailbox containers: mbox files and maildir directories, for batch scans.
//!
//! ```
//! use protective_marking::mail::{is_mbox, split_mbox};
//!
//! let mbox = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nhi\n\n\
//!              From a@b Mon Jan  1 00:01:00 2024\nSubject: two\n\nho\n";
//! assert!(is_mbox(mbox));
//! let messages: Vec<_> = split_mbox(mbox).collect();
//! assert_eq!(messages.len(), 2);
//! assert!(messages[1].1.starts_with(b"Subject: two"));
//! ```

use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use memchr::memmem;

/// True when `bytes` starts with an mbox envelope line (`From <sender> <date>`).
///
/// A raw message cannot start this way: its `From:` header has a colon.
///
/// ```
/// use protective_marking::mail::is_mbox;
/// assert!(is_mbox(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2024\n"));
/// assert!(!is_mbox(b"From: a@b\n"));
/// ```
pub fn is_mbox(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    bytes.get(..end).is_some_and(is_envelope_line)
}

/// Splits an mbox (mboxo or mboxrd) into its messages: `(1-based index, message bytes)`.
///
/// A message starts after a `From ` line at the start of a line that looks like an envelope
/// (it holds a `HH:MM` time, as every `From <sender> <asctime>` line does); the envelope line
/// itself is not part of the message. This keeps an unescaped body line such as
/// `From the minister's office` inside its message. Bytes before the first envelope line are
/// skipped.
///
/// Escaped body lines (`>From `, mboxrd `>>From `) are returned as stored, not un-escaped:
/// the slices borrow the input, and the extra `>` changes no marking.
///
/// # Example
/// ```
/// use protective_marking::{mail::{read_message, split_mbox}, Limits};
/// let mbox = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: [IN-CONFIDENCE] x\n\nbody\n";
/// for (index, raw) in split_mbox(mbox) {
///     let m = read_message(raw, &Limits::default())?;
///     assert_eq!((index, m.subject.as_deref()), (1, Some("[IN-CONFIDENCE] x")));
/// }
/// # Ok::<(), protective_marking::ReadError>(())
/// ```
pub fn split_mbox(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut next_start = find_envelope(bytes, 0).map(|(_, body)| body);
    let mut index = 0usize;
    std::iter::from_fn(move || {
        let start = next_start?;
        index += 1;
        match find_envelope(bytes, start) {
            Some((line_at, body)) => {
                next_start = Some(body);
                Some((index, bytes.get(start..line_at).unwrap_or_default()))
            }
            None => {
                next_start = None;
                Some((index, bytes.get(start..).unwrap_or_default()))
            }
        }
    })
}

/// The next envelope line at or after `from`: (its offset, offset just after it).
fn find_envelope(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let finder = memmem::Finder::new(b"From ");
    let mut pos = from;
    loop {
        let at = pos + finder.find(bytes.get(pos..)?)?;
        let at_line_start = at == 0 || bytes.get(at - 1) == Some(&b'\n');
        if at_line_start {
            // Envelope lines are short; a long line is not one (and is not scanned twice).
            let window = bytes.get(at..).unwrap_or_default();
            let window = window.get(..MAX_ENVELOPE).unwrap_or(window);
            let line_end = memchr::memchr(b'\n', window).map(|i| at + i);
            let line = match line_end {
                Some(end) => bytes.get(at..end),
                None if window.len() < MAX_ENVELOPE => Some(window),
                None => None,
            };
            if line.is_some_and(is_envelope_line) {
                let body = line_end.map_or(bytes.len(), |end| end + 1);
                return Some((at, body));
            }
        }
        pos = at + 1;
    }
}

const MAX_ENVELOPE: usize = 1000;

fn is_envelope_line(line: &[u8]) -> bool {
    line.starts_with(b"From ")
        && line.len() < MAX_ENVELOPE
        && line.windows(5).any(|w| {
            matches!(w, [a, b, b':', c, d]
                if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() && d.is_ascii_digit())
        })
}

/// Header fields that only messages carry; one of them (or a `From:` holding an address)
/// tells a message from a memo that starts with `To:` and `Subject:` lines.
const MESSAGE_FIELDS: [&str; 9] = [
    "received",
    "return-path",
    "message-id",
    "mime-version",
    "date",
    "delivered-to",
    "dkim-signature",
    "content-type",
    "x-protective-marking",
];

/// True when `head` (the start of a file, say its first 8 KiB) looks like an RFC 5322
/// message (`.eml`): every line up to the first blank line is a header field or a folded
/// continuation, and one of the fields is one only messages carry (`Received`,
/// `Message-ID`, `MIME-Version`, `Date`, `Content-Type`, ...) or a `From:` with an address.
/// A first line `From sender` (an envelope line left by some mail tools) is skipped. A
/// header block longer than `head` is judged on its complete lines.
///
/// An mbox (whose first line is `From sender date`, with a time) is not a message; test
/// [`is_mbox`] first.
///
/// ```
/// use protective_marking::mail::is_message;
/// assert!(is_message(b"From: a@agency.govt.nz\r\nSubject: Hi\r\n\r\nBody"));
/// assert!(is_message(b"Received: by mx\nDate: Mon, 1 Jan 2024 00:00:00 +1300\n"));
/// assert!(is_message(b"From a@b\nContent-Type: text/plain\n\nhi\n"));
/// // A memo that happens to start with fields.
/// assert!(!is_message(b"To: Minister\nFrom: Officials\n\nIN-CONFIDENCE\n"));
/// assert!(!is_message(b"IN-CONFIDENCE\nFrom: a@b\n"));
/// ```
pub fn is_message(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let (mut fields, mut message_field) = (0usize, false);
    let mut lines = head.split(|&b| b == b'\n').peekable();
    if lines.next_if(|l| l.starts_with(b"From ")).is_some() && lines.peek().is_none() {
        return false;
    }
    while let Some(line) = lines.next() {
        if lines.peek().is_none() && !head.ends_with(b"\n") {
            break; // a cut-off last line says nothing
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if fields == 0 {
                return false;
            }
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            return false;
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic()) {
            return false;
        }
        fields += 1;
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let value = &line[colon + 1..];
        if MESSAGE_FIELDS.contains(&name.as_str()) || (name == "from" && value.contains(&b'@')) {
            message_field = true;
        }
    }
    message_field
}

/// True when `dir` is a maildir: it has `cur/` and `new/` subdirectories.
///
/// ```
/// use protective_marking::mail::is_maildir;
/// assert!(!is_maildir(std::path::Path::new("/nonexistent")));
/// ```
pub fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// The message files of a maildir: regular files in `cur/` and `new/` (not `tmp/`, where
/// deliveries are still being written), skipping dot files, sorted by path.
///
/// # Errors
/// The I/O error from reading `cur/` or `new/` (a missing one counts as empty).
///
/// # Example
/// ```
/// use protective_marking::mail::maildir_messages;
/// let dir = std::env::temp_dir().join(format!("pm-doc-maildir-{}", std::process::id()));
/// for sub in ["cur", "new", "tmp"] {
///     std::fs::create_dir_all(dir.join(sub))?;
/// }
/// std::fs::write(dir.join("new/1.eml"), b"Subject: x\r\n\r\nhi\r\n")?;
/// std::fs::write(dir.join("tmp/2.eml"), b"partial")?;
/// assert_eq!(maildir_messages(&dir)?, [dir.join("new/1.eml")]);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn maildir_messages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for sub in ["cur", "new"] {
        let entries = match std::fs::read_dir(dir.join(sub)) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if entry.file_type()?.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Longest piece of a line [`MboxReader`] holds at once; longer lines arrive in pieces.
const LINE_PIECE: u64 = 8 * 1024;

/// Reads the messages of an mbox from a stream, one at a time, in bounded memory: the
/// streaming form of [`split_mbox`], for mailboxes too large to hold in memory.
///
/// Messages are split exactly as [`split_mbox`] splits them. Each item is
/// `(1-based index, message bytes)`; a message longer than
/// [`Limits::max_input_bytes`](crate::Limits::max_input_bytes) is not held: its item is a
/// [`ReadError::LimitExceeded`](crate::ReadError::LimitExceeded) (fail closed, the reader
/// carries on with the next message). Memory use is one message plus one 8 KiB line piece.
///
/// # Errors
/// An item is an `Err` when the underlying reader fails; the iterator then ends.
///
/// # Example
/// ```
/// use protective_marking::{mail::MboxReader, Limits};
///
/// let mbox = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nhi\n\n\
///              From a@b Mon Jan  1 00:01:00 2024\nSubject: two\n\nhello there\n";
/// let limits = Limits { max_input_bytes: 22, ..Limits::default() };
/// let items: Vec<_> = MboxReader::new(&mbox[..], &limits).collect::<Result<_, _>>()?;
/// assert_eq!(items[0].0, 1);
/// assert_eq!(items[0].1.as_deref().unwrap(), b"Subject: one\n\nhi\n\n");
/// assert!(items[1].1.is_err()); // 26 bytes: over the limit, marking unknown
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct MboxReader<R> {
    reader: R,
    max: u64,
    /// The current line piece.
    piece: Vec<u8>,
    /// Whether the next piece starts a line.
    at_line_start: bool,
    /// The message being read: its index, bytes (empty once over the limit) and full size.
    current: Option<(usize, Vec<u8>, u64)>,
    last_index: usize,
    seen_input: bool,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    /// A reader of the mbox in `reader`, holding at most `limits.max_input_bytes` of one
    /// message.
    pub fn new(reader: R, limits: &crate::Limits) -> Self {
        MboxReader {
            reader,
            max: limits.max_input_bytes,
            piece: Vec::new(),
            at_line_start: true,
            current: None,
            last_index: 0,
            seen_input: false,
            done: false,
        }
    }

    /// The next piece of a line into `self.piece`; false at the end of input.
    fn read_piece(&mut self) -> io::Result<bool> {
        self.piece.clear();
        let n = (&mut self.reader)
            .take(LINE_PIECE)
            .read_until(b'\n', &mut self.piece)?;
        Ok(n > 0)
    }

    /// The finished current message as an item.
    fn finish(&mut self) -> Option<(usize, Result<Vec<u8>, crate::ReadError>)> {
        let (index, bytes, size) = self.current.take()?;
        if size > self.max {
            return Some((
                index,
                Err(crate::ReadError::LimitExceeded {
                    limit: crate::limits::Limit::InputBytes,
                    value: size,
                    max: self.max,
                    location: format!("message {index}"),
                }),
            ));
        }
        Some((index, Ok(bytes)))
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<(usize, Result<Vec<u8>, crate::ReadError>)>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            match self.read_piece() {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(false) => {
                    self.done = true;
                    return self.finish().map(Ok);
                }
                Ok(true) => {}
            }
            let starts_line = self.at_line_start;
            self.at_line_start = self.piece.ends_with(b"\n");
            let mut line = self.piece.as_slice();
            if !self.seen_input {
                // A byte order mark at the very start, as split_mbox allows.
                self.seen_input = true;
                line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
            }
            let trimmed = line.strip_suffix(b"\n").unwrap_or(line);
            // A whole line (not a piece of a long one; a short piece without a newline is
            // the last line) that is an envelope starts a message.
            let whole = self.at_line_start || (self.piece.len() as u64) < LINE_PIECE;
            if starts_line && whole && is_envelope_line(trimmed) {
                self.last_index += 1;
                let previous = self.finish();
                self.current = Some((self.last_index, Vec::new(), 0));
                if let Some(item) = previous {
                    return Some(Ok(item));
                }
                continue;
            }
            if let Some((_, bytes, size)) = &mut self.current {
                *size += self.piece.len() as u64;
                if *size > self.max {
                    // Over the limit: stop holding it, keep counting to the next envelope.
                    *bytes = Vec::new();
                } else {
                    bytes.extend_from_slice(&self.piece);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescaped_from_in_body_stays() {
        let mbox = b"From x Mon Jan  1 00:00:00 2024\nSubject: a\n\nFrom the office\n>From y\n";
        let v: Vec<_> = split_mbox(mbox).collect();
        assert_eq!(v.len(), 1);
        assert!(v[0].1.ends_with(b">From y\n"));
    }

    #[test]
    fn crlf_and_garbage() {
        let mbox = b"junk\r\nFrom x Mon Jan  1 00:00:00 2024\r\nSubject: a\r\n\r\nb\r\n";
        assert!(!is_mbox(mbox));
        let v: Vec<_> = split_mbox(mbox).collect();
        assert_eq!(v, vec![(1, &b"Subject: a\r\n\r\nb\r\n"[..])]);
        assert_eq!(split_mbox(b"").count(), 0);
        assert_eq!(split_mbox(b"From ").count(), 0);
    }
    /// The streaming reader splits exactly as `split_mbox` does, including lines longer than
    /// one piece, CRLF, a byte order mark, junk before the first envelope and a last line
    /// without a newline.
    #[test]
    fn reader_matches_split_mbox() {
        let long = format!("x{}From x Mon Jan  1 00:00:00 2024\n", "y".repeat(9000));
        let cases: Vec<Vec<u8>> = vec![
            b"From x Mon Jan  1 00:00:00 2024\nSubject: a\n\nFrom the office\n".to_vec(),
            b"\xef\xbb\xbfjunk\nFrom x Mon Jan  1 00:00:00 2024\r\nA: b\r\n\r\nc\r\n".to_vec(),
            format!("From a Mon Jan  1 00:00:00 2024\n{long}From b Mon Jan  1 00:01:00 2024\nz")
                .into_bytes(),
            b"From a Mon Jan  1 00:00:00 2024\nA: b\n\nFrom b Mon Jan  1 00:01:00 2024".to_vec(),
            Vec::new(),
        ];
        let limits = crate::Limits::default();
        for case in cases {
            let expected: Vec<(usize, Vec<u8>)> =
                split_mbox(&case).map(|(i, m)| (i, m.to_vec())).collect();
            let got: Vec<(usize, Vec<u8>)> = MboxReader::new(&case[..], &limits)
                .map(|item| {
                    let (i, m) = item.unwrap();
                    (i, m.unwrap())
                })
                .collect();
            assert_eq!(got, expected, "{:?}", String::from_utf8_lossy(&case));
        }
    }

    #[test]
    fn reader_refuses_an_oversized_message_and_carries_on() {
        let mbox = format!(
            "From a Mon Jan  1 00:00:00 2024\n{}\nFrom b Mon Jan  1 00:01:00 2024\nA: b\n",
            "z".repeat(100)
        );
        let limits = crate::Limits {
            max_input_bytes: 50,
            ..Default::default()
        };
        let items: Vec<_> = MboxReader::new(mbox.as_bytes(), &limits)
            .map(Result::unwrap)
            .collect();
        assert_eq!(items.len(), 2);
        assert!(matches!(
            &items[0].1,
            Err(crate::ReadError::LimitExceeded {
                value: 101,
                max: 50,
                ..
            })
        ));
        assert_eq!(items[1].1.as_deref().unwrap(), b"A: b\n");
    }
}
