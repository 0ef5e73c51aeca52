//! The inputs of `check scan`: command-line paths expanded lazily into files, maildir
//! messages and standard input, in a stable order (each directory's entries sorted).
//!
//! Lazy, so that a tree of a million files is never held as a list: the walker keeps one
//! pending list per open directory level.

use protective_marking::mail::{is_maildir, maildir_messages};
use std::path::PathBuf;

/// One unit of work for a scan thread.
#[derive(Debug)]
pub enum Item {
    /// Standard input (`-`).
    Stdin,
    /// A file, read by content.
    File(PathBuf),
    /// A message file of a maildir: always read as a message.
    MaildirMessage(PathBuf),
    /// A path that could not be listed or read: reported as unreadable (fail closed).
    Unreadable(String, String),
}

/// Expands paths depth first; directory entries in name order.
pub struct Walk {
    /// Paths still to visit, last first.
    stack: Vec<Pending>,
}

enum Pending {
    /// A path given on the command line: followed even when it is a symbolic link.
    Arg(String),
    /// A path found while walking: symbolic links to directories are not followed, so a
    /// link loop cannot make the walk endless.
    Found(PathBuf),
    Ready(Item),
}

impl Walk {
    pub fn new(paths: &[String]) -> Walk {
        Walk {
            stack: paths.iter().rev().cloned().map(Pending::Arg).collect(),
        }
    }

    /// Queues the contents of `dir` (or the messages of a maildir, then its other
    /// subdirectories, which Maildir++ uses for folders).
    fn open_dir(&mut self, dir: PathBuf) -> Option<Item> {
        let unreadable =
            |e: std::io::Error| Item::Unreadable(dir.display().to_string(), dir_error(&e));
        let maildir = is_maildir(&dir);
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => match rd.map(|e| e.map(|e| e.path())).collect() {
                Ok(v) => v,
                Err(e) => return Some(unreadable(e)),
            },
            Err(e) => return Some(unreadable(e)),
        };
        if maildir {
            let skip = ["cur", "new", "tmp"].map(|d| dir.join(d));
            entries.retain(|p| !skip.contains(p) && p.is_dir());
        }
        entries.sort();
        self.stack
            .extend(entries.into_iter().rev().map(Pending::Found));
        if maildir {
            match maildir_messages(&dir) {
                Ok(messages) => self.stack.extend(
                    messages
                        .into_iter()
                        .rev()
                        .map(|m| Pending::Ready(Item::MaildirMessage(m))),
                ),
                Err(e) => return Some(unreadable(e)),
            }
        }
        None
    }
}

fn dir_error(e: &std::io::Error) -> String {
    format!("cannot list this directory: {e}; check its permissions")
}

impl Iterator for Walk {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while let Some(pending) = self.stack.pop() {
            match pending {
                Pending::Ready(item) => return Some(item),
                Pending::Arg(arg) if arg == "-" => return Some(Item::Stdin),
                Pending::Arg(arg) => match std::fs::metadata(&arg) {
                    Ok(m) if m.is_dir() => {
                        if let Some(item) = self.open_dir(PathBuf::from(arg)) {
                            return Some(item);
                        }
                    }
                    // Files, and pipes such as `<(zcat box.gz)`.
                    Ok(_) => return Some(Item::File(PathBuf::from(arg))),
                    Err(e) => {
                        let hint = if e.kind() == std::io::ErrorKind::NotFound {
                            "; check the path (use `-` for standard input)"
                        } else {
                            ""
                        };
                        return Some(Item::Unreadable(arg, format!("cannot open: {e}{hint}")));
                    }
                },
                Pending::Found(path) => {
                    let Ok(link) = std::fs::symlink_metadata(&path) else {
                        // Vanished since listing: nothing to scan, nothing to report.
                        continue;
                    };
                    if link.is_dir() {
                        if let Some(item) = self.open_dir(path) {
                            return Some(item);
                        }
                    } else if link.is_file() || (link.is_symlink() && path.is_file()) {
                        return Some(Item::File(path));
                    }
                    // Sockets, devices, fifos and links to directories are skipped: reading
                    // a fifo found in a tree could block the scan for ever.
                }
            }
        }
        None
    }
}
