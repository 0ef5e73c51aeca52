//! What each fuzz target asserts, as plain functions: the targets call them, and
//! `tests/library/fuzz_regressions.rs` replays every saved crash input through the same function, so
//! a crash once found stays fixed. Each function may only panic on a real bug.
#![allow(dead_code)] // each target uses one function

use protective_marking::document::{
    Document, read, read_docx, read_msg, read_msg_message, read_odf, read_pdf, read_pptx, read_xlsx,
};
use protective_marking::mail::{
    HeaderDialect, SubjectPosition, add_marking_to_subject, internal::subject_candidates,
    internal::tokenise_header, split_mbox,
};
use protective_marking::{
    Envelope, Gateway, GatewayAction, GatewayPolicy, Limits, MessageAnalyser, Parser, ProblemCode,
    Scanner, marking::ParagraphMark, scan::Note, scan::PartRole,
};
use std::sync::LazyLock;

/// Strict and lenient parse; whatever the lenient parser accepts prints as canonical text
/// that the strict parser reads back to the same marking.
pub fn marking(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parser = Parser::new();
    let _ = parser.parse_strict(text);
    let _ = ParagraphMark::parse(text);
    let _ = ParagraphMark::at_start(text);
    if let Ok(parsed) = parser.parse(text) {
        let canonical = parsed.marking.to_string();
        let again = parser
            .parse_strict(&canonical)
            .unwrap_or_else(|e| panic!("{text:?} -> {canonical:?} does not re-parse: {e}"));
        assert_eq!(again.marking, parsed.marking, "{text:?} -> {canonical:?}");
    }
}

/// Subject candidates, subject markings and every header dialect; offsets stay in bounds.
pub fn subject(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for b in &subject_candidates(&text).brackets {
        let span = b.span.clone();
        assert!(
            text.get(span.clone()).is_some(),
            "{span:?} outside {text:?}"
        );
        let _ = add_marking_to_subject(&text, "SECRET", SubjectPosition::Replace(span));
    }
    for found in MessageAnalyser::new().read_subject(&text, data.first() == Some(&b'A')) {
        assert!(
            text.get(found.span.clone()).is_some(),
            "{found:?} outside {text:?}"
        );
    }
    let _ = add_marking_to_subject(&text, &text, SubjectPosition::Start);
    // An out-of-range replacement falls back to the end rather than panicking.
    let len = text.len();
    let _ = add_marking_to_subject(
        &text,
        "IN-CONFIDENCE",
        SubjectPosition::Replace(len / 2..len + 3),
    );
    for dialect in HeaderDialect::ALL {
        let _ = tokenise_header(dialect, &text);
    }
}

static SMALL_WINDOW: LazyLock<Scanner> =
    LazyLock::new(|| Scanner::builder().window_size(64).build().expect("scanner"));

/// The scanner in every part role, and through a 64-byte reader window: spans stay in
/// bounds, the reader reads what the slice reads, the effective marking is never lower than
/// a deciding finding, and a marking read only at its floor is also reported malformed.
pub fn scan(data: &[u8]) {
    let scanner = Scanner::new();
    for role in [
        PartRole::Body,
        PartRole::HeaderOrFooter,
        PartRole::Property,
        PartRole::PageEdge,
    ] {
        let report = scanner.scan_part(data, role);
        for f in &report.findings {
            assert!(
                f.span.start <= f.span.end && f.span.end <= data.len(),
                "{f:?}"
            );
            if f.is_deciding() {
                let m = report
                    .marking
                    .as_ref()
                    .expect("a deciding finding marks the text");
                assert!(m.dominates(&f.marking), "{m} below {f:?}");
            }
            if f.notes.contains(&Note::PartlyRead) {
                assert!(
                    report
                        .problems
                        .iter()
                        .any(|p| p.code == ProblemCode::MalformedMarking),
                    "{f:?} without malformed-marking: {:?}",
                    report.problems
                );
            }
        }
    }
    let report = SMALL_WINDOW
        .scan_reader(data)
        .expect("reading a slice cannot fail");
    assert_eq!(report, scanner.scan(data), "reader and slice differ");
}

static GATEWAY: LazyLock<Gateway> = LazyLock::new(|| {
    let policy = GatewayPolicy::from_toml(
        "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
    )
    .expect("policy");
    Gateway::new(policy).expect("gateway")
});

/// Message analysis, the gateway verdict and mbox splitting. A message that cannot be read
/// is never accepted (fail closed).
pub fn message(data: &[u8]) {
    let analysed = MessageAnalyser::new().analyse(data);
    let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
    let verdict = GATEWAY.check(&env, data);
    if analysed.is_err() {
        assert_ne!(
            verdict.action,
            GatewayAction::Accept,
            "unreadable message accepted"
        );
    }
    for (_, m) in split_mbox(data) {
        let _ = MessageAnalyser::new().analyse(m);
    }
}

/// The bounded DOCX walk: any `Ok` or `Err`, never a panic, hang or runaway allocation.
pub fn docx(data: &[u8]) {
    let _ = read_docx(data, &Limits::default());
}

/// The PDF reader (lopdf): any `Ok` or `Err`, never a panic, hang or runaway allocation.
pub fn pdf(data: &[u8]) {
    let _ = read_pdf(data, &Limits::default());
}

/// A document that reads keeps its text within the text limit, and `read` (which sniffs the
/// format first) reads the same bytes without a panic either.
fn document(data: &[u8], result: Result<Document, protective_marking::ReadError>) {
    let limits = Limits::default();
    if let Ok(doc) = result {
        let total: usize = doc.parts.iter().map(|p| p.text.len()).sum();
        assert!(total as u64 <= limits.max_text_bytes, "text over the limit");
        assert!(
            doc.parts.iter().all(|p| !p.text.trim().is_empty()),
            "an empty part"
        );
    }
    let _ = read(data, &limits);
}

/// The bounded PPTX walk: any `Ok` or `Err`, never a panic, hang or runaway allocation.
pub fn pptx(data: &[u8]) {
    document(data, read_pptx(data, &Limits::default()));
}

/// The bounded XLSX walk, as [`pptx`].
pub fn xlsx(data: &[u8]) {
    document(data, read_xlsx(data, &Limits::default()));
}

/// The OpenDocument walk (packages and flat XML), as [`pptx`].
pub fn odf(data: &[u8]) {
    document(data, read_odf(data, &Limits::default()));
}

/// The Outlook message reader (cfb, compressed RTF, attachments read as documents): the
/// message and the document readers agree on whether the file reads, and the message
/// analysis of a file that does not read is an error, never a report.
pub fn msg(data: &[u8]) {
    let limits = Limits::default();
    let message = read_msg_message(data, &limits);
    let doc = read_msg(data, &limits);
    let analysed = MessageAnalyser::new().analyse_msg(data);
    if message.is_err() {
        assert!(doc.is_err(), "a message that does not read gave a document");
        assert!(
            analysed.is_err(),
            "a message that does not read gave a report"
        );
    }
    if let Ok(report) = analysed {
        assert_eq!(report.format, protective_marking::Format::Msg);
    }
    document(data, doc);
}
