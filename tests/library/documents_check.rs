//! Document checks on DOCX built with docx-rs, PDF built with lopdf, plain text and
//! the third-party corpus.

use crate::common;

use crate::common::{pack, para};
use protective_marking::Report;
use protective_marking::document::{check, read};
use protective_marking::{Limits, Problem, ProblemCode, Scanner};

fn report(bytes: &[u8]) -> Report {
    let doc = read(bytes, &Limits::default()).expect("readable");
    check(&doc, &Scanner::new())
}

fn codes(r: &Report) -> Vec<ProblemCode> {
    r.problems.iter().map(|p| p.code).collect()
}

/// The problems with `code`.
fn with_code(r: &Report, code: ProblemCode) -> Vec<&Problem> {
    r.problems.iter().filter(|p| p.code == code).collect()
}

fn marking(r: &Report) -> String {
    r.marking
        .as_ref()
        .map(|m| m.to_string())
        .unwrap_or_default()
}

fn docx(header: Option<&str>, footer: Option<&str>, body: &[&str]) -> Vec<u8> {
    let mut d = docx_rs::Docx::new();
    if let Some(h) = header {
        d = d.header(docx_rs::Header::new().add_paragraph(para(h)));
    }
    if let Some(f) = footer {
        d = d.footer(docx_rs::Footer::new().add_paragraph(para(f)));
    }
    for line in body {
        d = d.add_paragraph(para(line));
    }
    pack(d)
}

#[test]
fn well_marked_docx_has_no_problems() {
    let r = report(&docx(
        Some("IN-CONFIDENCE"),
        Some("IN-CONFIDENCE"),
        &["Budget notes.", "(IC) A paragraph."],
    ));
    assert_eq!(marking(&r), "IN-CONFIDENCE");
    assert_eq!(
        r.declared.as_ref().unwrap().marking.to_string(),
        "IN-CONFIDENCE"
    );
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn banner_with_page_text_still_counts() {
    let r = report(&docx(
        Some("RESTRICTED"),
        Some("RESTRICTED // page footer"),
        &["Text."],
    ));
    assert_eq!(marking(&r), "RESTRICTED");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

#[test]
fn header_and_footer_disagree() {
    let r = report(&docx(Some("IN-CONFIDENCE"), Some("SENSITIVE"), &["Text."]));
    assert!(
        codes(&r).contains(&ProblemCode::BannersDisagree),
        "{:?}",
        r.problems
    );
    assert_eq!(marking(&r), "SENSITIVE", "the join decides");
}

#[test]
fn missing_footer_is_a_missing_banner() {
    let r = report(&docx(Some("IN-CONFIDENCE"), None, &["Text."]));
    let p = r
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::MissingBanner)
        .expect("missing banner");
    assert!(p.message.contains("footer"), "{p}");
}

#[test]
fn paragraph_mark_above_the_banner_is_under_marked() {
    let r = report(&docx(
        Some("IN-CONFIDENCE"),
        Some("IN-CONFIDENCE"),
        &["Intro.", "(S) The plan.", "End."],
    ));
    assert_eq!(marking(&r), "SECRET");
    let p = r
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::UnderMarked)
        .expect("under-marked");
    assert_eq!(p.at, "body, line 2");
}

#[test]
fn label_property_that_disagrees() {
    let d = docx_rs::Docx::new()
        .header(docx_rs::Header::new().add_paragraph(para("IN-CONFIDENCE")))
        .footer(docx_rs::Footer::new().add_paragraph(para("IN-CONFIDENCE")))
        .add_paragraph(para("Text."))
        .custom_property("Classification", "SECRET");
    let r = report(&pack(d));
    assert!(
        codes(&r).contains(&ProblemCode::MetadataDisagrees),
        "{:?}",
        r.problems
    );
    assert_eq!(
        marking(&r),
        "SECRET",
        "a label property decides too: fail safe high"
    );
}

#[test]
fn unmarked_docx_and_text() {
    let r = report(&docx(
        None,
        None,
        &["Told me in confidence about the restricted area."],
    ));
    assert_eq!(codes(&r), vec![ProblemCode::Unmarked]);
    assert!(r.marking.is_none());
    let r = report(b"Just a note about a trade secret and a restricted area.");
    assert_eq!(codes(&r), vec![ProblemCode::Unmarked]);
}

#[test]
fn non_canonical_banner_is_reported() {
    let r = report(&docx(
        Some("In Confidence"),
        Some("In Confidence"),
        &["Text."],
    ));
    assert_eq!(marking(&r), "IN-CONFIDENCE");
    assert!(
        codes(&r).iter().all(|c| *c == ProblemCode::NonCanonical),
        "{:?}",
        r.problems
    );
    assert!(codes(&r).contains(&ProblemCode::NonCanonical));
}

#[test]
fn multi_section_headers_each_checked() {
    let d = docx_rs::Docx::new()
        .add_paragraph(para("First section"))
        .add_section(
            docx_rs::Section::new()
                .header(docx_rs::Header::new().add_paragraph(para("Draft")))
                .footer(docx_rs::Footer::new().add_paragraph(para("SECRET"))),
        )
        .header(docx_rs::Header::new().add_paragraph(para("SECRET")))
        .footer(docx_rs::Footer::new().add_paragraph(para("SECRET")))
        .add_paragraph(para("Second section"));
    let r = report(&pack(d));
    assert_eq!(marking(&r), "SECRET");
    let missing: Vec<String> = r
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::MissingBanner)
        .map(|p| p.at.to_string())
        .collect();
    // Section 1's header says only "Draft"; docx-rs writes no footer for an added section,
    // so section 1 has none either. Section 2 is fully marked.
    assert!(
        missing.contains(&"header[default]/section 1".to_string()),
        "{missing:?}"
    );
    assert!(
        missing.iter().all(|l| l.contains("section 1")),
        "{missing:?}"
    );
}

/// A page's last line that is a sentence is prose, not a bottom banner (a sentence that names a
/// level is not the page's marking); top and bottom lines that disagree are `banners-disagree`,
/// even on a short page.
#[test]
fn pdf_page_edges_read_as_banners_not_sentences() {
    let r = report(&common::pdf_lines(&[&[
        "RESTRICTED",
        "Storage of classified papers",
        "Information classified as SECRET must be stored in a container.",
    ]]));
    assert_eq!(marking(&r), "RESTRICTED");
    assert!(
        with_code(&r, ProblemCode::MissingBanner)
            .iter()
            .any(|p| p.message.contains("bottom")),
        "{:?}",
        r.problems
    );
    let r = report(&common::pdf_lines(&[
        &["CONFIDENTIAL", "The plan for the review.", "SECRET"],
        &[
            "In Confidence Office of the Minister",
            "The next page.",
            "In Confidence 2",
        ],
    ]));
    assert_eq!(marking(&r), "SECRET");
    let disagree: Vec<String> = with_code(&r, ProblemCode::BannersDisagree)
        .iter()
        .map(|p| p.at.to_string())
        .collect();
    assert_eq!(disagree, vec!["page 1"], "{:?}", r.problems);
    // Page 2's title-case banners, fused with a title and a page number, are its banners.
    assert!(
        !r.problems
            .iter()
            .any(|p| p.code == ProblemCode::MissingBanner && p.at == "page 2"),
        "{:?}",
        r.problems
    );
}

#[test]
fn pdf_pages_marked_top_and_bottom() {
    let r = report(&common::pdf(3, "RESTRICTED"));
    assert_eq!(marking(&r), "RESTRICTED");
    assert!(
        !codes(&r).contains(&ProblemCode::MissingBanner),
        "{:?}",
        r.problems
    );
    let r = report(&common::pdf(2, "Quarterly report"));
    assert!(
        codes(&r).contains(&ProblemCode::Unmarked),
        "{:?}",
        r.problems
    );
}

#[test]
fn corpus_documents_check_without_panic() {
    for dir in ["docx", "pdf"] {
        let path = format!(
            "{}/../shared/corpus/third_party/{dir}",
            env!("CARGO_MANIFEST_DIR")
        );
        for entry in std::fs::read_dir(&path).unwrap() {
            let p = entry.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            if let Ok(doc) = read(&bytes, &Limits::default()) {
                let r = check(&doc, &Scanner::new());
                // Public test files carry no NZ marking in a banner position.
                assert!(r.declared.is_none(), "{}: {:?}", p.display(), r.declared);
            }
        }
    }
}

/// The document layer reads through the Scanner: a marking disguised with a zero-width space
/// or Cyrillic look-alikes still decides, and the report says evasion is suspected.
#[test]
fn disguised_markings_in_documents_are_found_and_flagged() {
    let r = report("IN-CONFIDENCE\n\nThe plan.\n\nT\u{200B}OP SECRET\n".as_bytes());
    assert_eq!(marking(&r), "TOP SECRET");
    assert!(codes(&r).contains(&ProblemCode::EvasionSuspected), "{r:?}");
    let d = docx(
        Some("\u{0405}\u{0415}\u{0421}RET"),
        Some("SECRET"),
        &["Body."],
    );
    let r = report(&d);
    assert_eq!(marking(&r), "SECRET");
    assert!(codes(&r).contains(&ProblemCode::EvasionSuspected), "{r:?}");
}

#[test]
fn documents_read_from_a_path_or_a_reader_as_from_bytes() {
    use protective_marking::document::{read_path, read_reader};
    use protective_marking::{Format, ReadError};
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/sample/documents"
    );
    for name in ["access-policy.docx", "annual-report.pdf"] {
        let path = format!("{dir}/{name}");
        let bytes = std::fs::read(&path).unwrap();
        let want = read(&bytes, &Limits::default()).unwrap();
        assert_eq!(
            read_path(&path, &Limits::default()).unwrap(),
            want,
            "{name}"
        );
        assert_eq!(
            read_reader(&bytes[..], &Limits::default()).unwrap(),
            want,
            "{name}"
        );
        assert_ne!(want.format, Format::Text, "{name}");
    }
    let missing = read_path(format!("{dir}/no-such.docx"), &Limits::default()).unwrap_err();
    assert!(
        matches!(missing, ReadError::Io { ref location, .. } if location.ends_with("no-such.docx"))
    );
    // Over the input limit: refused, never cut short and read as a smaller document.
    let small = Limits {
        max_input_bytes: 100,
        ..Limits::default()
    };
    let err = read_path(format!("{dir}/annual-report.pdf"), &small).unwrap_err();
    assert!(matches!(err, ReadError::LimitExceeded { .. }), "{err}");
}
