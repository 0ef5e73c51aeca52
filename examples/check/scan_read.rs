//! Reading one input of `check scan`: the library's `Inspector` finds each input's format
//! from its content and reads it; this file only opens what the walk found and counts the
//! bytes for the progress bar.

use crate::walk::Item;
use protective_marking::{AgencyConfig, Format, Inspector, ReadError, Report, config::ConfigError};
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};

/// The shared, read-only state of a scan: built once, used by every thread.
pub struct Ctx {
    pub inspector: Inspector,
    /// Bytes read so far, for the progress bar and the throughput.
    pub bytes: AtomicU64,
}

impl Ctx {
    pub fn new(config: &AgencyConfig) -> Result<Ctx, ConfigError> {
        Ok(Ctx {
            inspector: Inspector::new(config)?,
            bytes: AtomicU64::new(0),
        })
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
pub fn scan_item(ctx: &Ctx, item: &Item) -> Vec<Report> {
    let counting = |inner| Counting {
        inner,
        total: &ctx.bytes,
    };
    match item {
        Item::Unreadable(path, reason) => {
            let e = ReadError::Io {
                location: path.clone(),
                reason: reason.clone(),
            };
            vec![Report::unreadable(Format::Unknown, e).named(path.clone())]
        }
        Item::Stdin => ctx
            .inspector
            .check_reader("-", counting(Box::new(io::stdin().lock()) as Box<dyn Read>)),
        Item::File(path) | Item::MaildirMessage(path) => {
            let name = path.display().to_string();
            let file = match std::fs::File::open(path) {
                Ok(f) => counting(Box::new(f) as Box<dyn Read>),
                Err(e) => {
                    let e = ReadError::Io {
                        location: name.clone(),
                        reason: format!("cannot open: {e}"),
                    };
                    return vec![Report::unreadable(Format::Unknown, e).named(name)];
                }
            };
            if matches!(item, Item::MaildirMessage(_)) {
                vec![ctx.inspector.check_message(&name, file, Format::Maildir)]
            } else {
                ctx.inspector.check_reader(&name, file)
            }
        }
    }
}
