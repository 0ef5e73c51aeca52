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

use std::io;
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
}
