//! The `Read` path gives the same report as the slice path, whatever the read sizes and
//! wherever the window boundaries fall.

use protective_marking::{Report, Scanner, scan::PartRole};
use std::io::{self, Read};

/// A reader that returns 1..=max bytes per call, in a fixed pseudo-random pattern, and
/// sometimes `Interrupted`.
struct Dribble<'a> {
    data: &'a [u8],
    pos: usize,
    max: usize,
    state: u64,
}

impl Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.state = self
            .state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if self.state >> 60 == 0 {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "again"));
        }
        let n = 1 + (self.state >> 33) as usize % self.max;
        let n = n.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn corpus() -> String {
    let mut t = String::from("IN CONFIDENCE\n\n");
    let prose = "The secretary said the confidence-building talks were a trade secret, told me in confidence. ";
    let markings = [
        "SECRET",
        "TOP\nSECRET",
        "In\u{A0}Confidence",
        "(S) A paragraph about the plan.",
        "ЅЕСRЕТ",
        "SE\u{200B}CRET",
        "Classification: RESTRICTED",
        "TOP SECRET RESTRICTED",
        "ＳＥＣＲＥＴ",
        "information classified as SECRET must be stored",
    ];
    for i in 0..120 {
        for _ in 0..(i % 7) {
            t.push_str(prose);
        }
        t.push('\n');
        t.push_str(markings[i % markings.len()]);
        t.push('\n');
        if i % 13 == 0 {
            // A long line: never a banner.
            t.push_str(&prose.repeat(30));
            t.push_str("SECRET\n");
        }
    }
    t.push_str("IN CONFIDENCE\n");
    t
}

fn same(a: &Report, b: &Report, what: &str) {
    assert_eq!(a.findings.len(), b.findings.len(), "{what}: finding count");
    for (x, y) in a.findings.iter().zip(&b.findings) {
        assert_eq!(x, y, "{what}");
    }
    assert_eq!(a, b, "{what}");
}

#[test]
fn reader_equals_slice() {
    let text = corpus();
    assert!(text.len() > 60_000, "{}", text.len());
    let slice = Scanner::new().scan(&text);
    assert!(slice.findings.len() > 100);
    for window in [1usize, 7, 100, 1000, 4096, 10_000, 65_536, 1 << 20] {
        let s = Scanner::builder().window_size(window).build().unwrap();
        assert_eq!(s.scan(&text), slice);
        for max in [1usize, 3, 64, 5000] {
            if window < 100 && max > 64 {
                continue;
            }
            let r = s
                .scan_reader(Dribble {
                    data: text.as_bytes(),
                    pos: 0,
                    max,
                    state: window as u64 ^ max as u64,
                })
                .unwrap();
            same(&r, &slice, &format!("window {window}, reads of 1..={max}"));
        }
    }
}

#[test]
fn marking_straddles_every_boundary() {
    // Put one banner at every offset around a window boundary.
    let window = 300;
    let s = Scanner::builder().window_size(window).build().unwrap();
    let filler = "lorem ipsum dolor sit amet secretary\n".repeat(400);
    for shift in 0..40 {
        let pad = "x".repeat(shift);
        let text = format!("{filler}{pad}\nTOP\nSECRET//NZEO\n{filler}");
        let slice = s.scan(&text);
        assert_eq!(
            slice.marking.as_ref().unwrap().to_string(),
            "TOP SECRET//NZEO"
        );
        let r = s.scan_reader(text.as_bytes()).unwrap();
        same(&r, &slice, &format!("shift {shift}"));
    }
}

#[test]
fn roles_through_the_reader() {
    let s = Scanner::new();
    for role in [PartRole::Body, PartRole::HeaderOrFooter, PartRole::Property] {
        for text in ["Page 1\tSECRET", "In Confidence", "nothing here"] {
            assert_eq!(
                s.scan_reader_part(text.as_bytes(), role).unwrap(),
                s.scan_part(text, role),
                "{role:?} {text:?}"
            );
        }
    }
}

#[test]
fn a_property_is_read_within_the_window_size() {
    let s = Scanner::builder().window_size(64).build().unwrap();
    let exact = format!("{:<64}", "SECRET");
    assert_eq!(
        s.scan_reader_part(exact.as_bytes(), PartRole::Property)
            .unwrap()
            .marking
            .unwrap()
            .to_string(),
        "SECRET"
    );
    // An endless property is refused after window + 1 bytes, not read to the end.
    let endless = io::repeat(b'S');
    let err = s.scan_reader_part(endless, PartRole::Property).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert!(err.to_string().contains("over 64 bytes"), "{err}");
}

#[test]
fn io_errors_are_returned() {
    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("disk on fire"))
        }
    }
    let err = Scanner::new().scan_reader(Broken).unwrap_err();
    assert_eq!(err.to_string(), "disk on fire");
}

#[test]
fn line_numbers_match_the_text() {
    // Across many chunks and windows, each finding's line is the count of line breaks
    // before it, whichever path and pass found it.
    let text = corpus();
    let lines = |at: usize| 1 + text[..at].matches('\n').count() as u64;
    let slice = Scanner::new().scan(&text);
    for f in &slice.findings {
        assert_eq!(f.line, Some(lines(f.span.start)), "{f:?}");
    }
    let small = Scanner::builder().window_size(1000).build().unwrap();
    let read = small.scan_reader(text.as_bytes()).unwrap();
    for f in &read.findings {
        assert_eq!(f.line, Some(lines(f.span.start)), "{f:?}");
    }
    for p in &slice.problems {
        if let Some(n) = p.at.to_string().strip_prefix("line ") {
            let n: usize = n.parse().unwrap();
            assert!(n <= text.lines().count(), "{p:?}");
        }
    }
}
