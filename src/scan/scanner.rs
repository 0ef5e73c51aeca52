//! The public engine: [`Scanner`], its builder and its build error. The rules it applies
//! are in the [module docs](crate::scan); the stages are in the sibling modules.

use super::engine::Engine;
use super::{PartRole, ProseFindings};
use crate::marking::Parser;
use crate::report::Report;
use std::fmt;
use std::io::Read;
use std::sync::{Arc, LazyLock, Mutex};

/// Why a [`Scanner`] could not be built.
///
/// ```
/// use protective_marking::Scanner;
/// let err = Scanner::builder().window_size(0).build().unwrap_err();
/// assert!(err.to_string().contains("window size"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    kind: BuildErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum BuildErrorKind {
    WindowSize(usize),
    Prefilter(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildErrorKind::WindowSize(n) => write!(
                f,
                "window size {n} is too small; use at least 1 byte (the default is 256 KiB)"
            ),
            BuildErrorKind::Prefilter(e) => write!(f, "cannot build the anchor prefilter: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds a [`Scanner`]. Setters take `&mut self`; `build(&self)` leaves the builder
/// reusable.
///
/// ```
/// use protective_marking::{Endorsement, Parser, Scanner};
/// let parser = Parser::builder().codeword("KAHU").build();
/// let scanner = Scanner::builder().parser(parser).build().unwrap();
/// let r = scanner.scan("TOP SECRET//KAHU\n");
/// assert!(r.marking.unwrap().has(&Endorsement::Codeword("KAHU".into())));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ScannerBuilder {
    parser: Option<Parser>,
    prose: ProseFindings,
    window: Option<usize>,
}

impl ScannerBuilder {
    /// Read markings with `parser` (agency codewords, foreign mapping). Default:
    /// [`Parser::new`].
    pub fn parser(&mut self, parser: Parser) -> &mut Self {
        self.parser = Some(parser);
        self
    }

    /// Which inline findings to report (default [`ProseFindings::Capitals`]).
    pub fn prose(&mut self, prose: ProseFindings) -> &mut Self {
        self.prose = prose;
        self
    }

    /// How many bytes [`Scanner::scan_reader`] scans per window (default 256 KiB). Memory
    /// use is about this plus 12 KiB of context and one read. Small values are for tests.
    pub fn window_size(&mut self, bytes: usize) -> &mut Self {
        self.window = Some(bytes);
        self
    }

    /// The scanner.
    ///
    /// # Errors
    /// A [`BuildError`] for a window size of 0, or if the anchor prefilter cannot be built
    /// (not expected with the built-in vocabulary).
    pub fn build(&self) -> Result<Scanner, BuildError> {
        let window = self.window.unwrap_or(256 * 1024);
        if window == 0 {
            return Err(BuildError {
                kind: BuildErrorKind::WindowSize(window),
            });
        }
        let parser = self.parser.clone().unwrap_or_default();
        let engine = Engine::new(parser, self.prose, window).map_err(|e| BuildError {
            kind: BuildErrorKind::Prefilter(e),
        })?;
        Ok(Scanner {
            inner: Arc::new(Inner {
                engine,
                pool: Mutex::new(Vec::new()),
            }),
        })
    }
}

struct Inner {
    engine: Engine,
    /// Reusable lowercase buffers, so a scan allocates nothing once warm.
    pool: Mutex<Vec<Vec<u8>>>,
}

/// Finds protective markings in text. Build once, share everywhere: every method takes
/// `&self`, and a clone is cheap (an `Arc`).
///
/// See the [module docs](crate::scan) for the rules that separate markings from prose.
///
/// ```
/// use protective_marking::Scanner;
/// let scanner = Scanner::new();
/// let worker = scanner.clone(); // shares the compiled prefilter
/// std::thread::spawn(move || worker.scan("SECRET\n")).join().unwrap();
/// ```
///
/// # Resource usage
///
/// Building takes well under a millisecond (one aho-corasick automaton of a handful of
/// short literals); [`Scanner::new`] reuses one built at first use. A scan of a slice uses
/// one pooled 16 KiB buffer; [`Scanner::scan_reader`] also holds one window.
#[derive(Clone)]
pub struct Scanner {
    inner: Arc<Inner>,
}

impl fmt::Debug for Scanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scanner")
            .field("prose", &self.inner.engine.verifier.prose)
            .field("window", &self.inner.engine.window)
            .finish_non_exhaustive()
    }
}

static DEFAULT_SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    ScannerBuilder::default()
        .build()
        .expect("the default scanner always builds")
});

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new()
    }
}

impl Scanner {
    /// The default scanner (a clone of one built at first use).
    pub fn new() -> Scanner {
        DEFAULT_SCANNER.clone()
    }

    /// A builder for agency configuration.
    pub fn builder() -> ScannerBuilder {
        ScannerBuilder::default()
    }

    /// The parser that reads the markings.
    pub fn parser(&self) -> &Parser {
        &self.inner.engine.verifier.parser
    }

    /// Scan body text (`&str` or `&[u8]`; invalid UTF-8 is read lossily).
    ///
    /// ```
    /// use protective_marking::Scanner;
    /// let r = Scanner::new().scan(b"RESTRICTED\nbody\nRESTRICTED\n".as_slice());
    /// assert_eq!(r.marking.unwrap().to_string(), "RESTRICTED");
    /// ```
    pub fn scan<T: AsRef<[u8]> + ?Sized>(&self, text: &T) -> Report {
        self.scan_part(text, PartRole::Body)
    }

    /// Scan one part of a document or message, knowing its [`PartRole`].
    ///
    /// ```
    /// use protective_marking::{scan::PartRole, Scanner};
    /// let r = Scanner::new().scan_part("DRAFT   Budget Sensitive   page 1", PartRole::HeaderOrFooter);
    /// assert_eq!(r.marking.unwrap().to_string(), "BUDGET SENSITIVE");
    /// ```
    pub fn scan_part<T: AsRef<[u8]> + ?Sized>(&self, text: &T, role: PartRole) -> Report {
        let mut scratch = self.take_scratch();
        let report = self
            .inner
            .engine
            .scan_slice(text.as_ref(), role, &mut scratch);
        self.give_scratch(scratch);
        report
    }

    /// Scan body text from a reader of any size, in bounded memory. Gives the same findings
    /// as [`Scanner::scan`] on the same bytes.
    ///
    /// ```
    /// use protective_marking::Scanner;
    /// let text = "SECRET\nbody\nSECRET\n";
    /// let r = Scanner::new().scan_reader(text.as_bytes()).unwrap();
    /// assert_eq!(r, Scanner::new().scan(text));
    /// ```
    ///
    /// # Errors
    /// The reader's I/O error (`Interrupted` is retried).
    pub fn scan_reader<R: Read>(&self, reader: R) -> std::io::Result<Report> {
        self.scan_reader_part(reader, PartRole::Body)
    }

    /// [`Scanner::scan_reader`] for a part with a [`PartRole`].
    ///
    /// A [`PartRole::Property`] value is one metadata field, read whole, so it is bounded by
    /// the [window size](ScannerBuilder::window_size) (256 KiB by default): a longer value is
    /// refused with [`std::io::ErrorKind::InvalidData`] rather than read into memory without
    /// limit. A label field that long is not a label; scan its text as
    /// [`PartRole::Body`] if it must be read.
    ///
    /// ```
    /// use protective_marking::{scan::PartRole, Scanner};
    /// let r = Scanner::new().scan_reader_part("Page 1  SECRET".as_bytes(), PartRole::HeaderOrFooter).unwrap();
    /// assert_eq!(r.marking.unwrap().to_string(), "SECRET");
    /// ```
    ///
    /// # Errors
    /// The reader's I/O error (`Interrupted` is retried); `InvalidData` for a property value
    /// over the window size.
    pub fn scan_reader_part<R: Read>(
        &self,
        mut reader: R,
        role: PartRole,
    ) -> std::io::Result<Report> {
        if role == PartRole::Property {
            let max = self.inner.engine.window;
            let mut all = Vec::new();
            (&mut reader).take(max as u64 + 1).read_to_end(&mut all)?;
            if all.len() > max {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "a property value over {max} bytes (the scanner's window size) is not a marking field; scan it as PartRole::Body, or raise the window size"
                    ),
                ));
            }
            return Ok(self.scan_part(&all, role));
        }
        let mut scratch = self.take_scratch();
        let report = self
            .inner
            .engine
            .scan_reader(&mut reader, role, &mut scratch);
        self.give_scratch(scratch);
        report
    }

    fn take_scratch(&self) -> Vec<u8> {
        let mut pool = self
            .inner
            .pool
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pool.pop().unwrap_or_default()
    }

    fn give_scratch(&self, scratch: Vec<u8>) {
        let mut pool = self
            .inner
            .pool
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if pool.len() < 64 {
            pool.push(scratch);
        }
    }
}
