//! Documents written by LibreOffice from the flat ODT fixtures in `tests/data/fodt/` (LibreOffice
//! 7.4 `soffice --headless --convert-to`): headers, footers, footnotes, text boxes, two sections
//! with different headers and core properties, read back from DOCX and PDF.
//!
//! Needs `soffice` (`apt-get install --no-install-recommends libreoffice-writer-nogui`); the
//! test fails, rather than skips, when it is missing, so CI cannot pass without it.

use crate::common;

use protective_marking::Limits;
use protective_marking::document::{Document, Format, read};
use std::path::{Path, PathBuf};

fn convert(to: &str, inputs: &[PathBuf], outdir: &Path) {
    common::soffice(to, inputs, outdir);
}

fn text_of(doc: &Document, location: &str) -> String {
    common::part(doc, location).text.clone()
}

fn load(dir: &Path, name: &str) -> Document {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn libreoffice_docx_and_pdf_round_trip() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fodt");
    let inputs = vec![
        fixtures.join("marked.fodt"),
        fixtures.join("two_sections.fodt"),
        fixtures.join("prose_bottom.fodt"),
    ];
    let out =
        std::env::temp_dir().join(format!("protective-marking-lo-out-{}", std::process::id()));
    std::fs::create_dir_all(&out).expect("temp dir");
    convert("docx", &inputs, &out);
    convert("pdf", &inputs, &out);

    // DOCX: every story part, and core.xml, which docx-rs does not read.
    let doc = load(&out, "marked.docx");
    assert_eq!(doc.format, Format::Docx);
    assert_eq!(text_of(&doc, "header[default]/section 1"), "RESTRICTED");
    assert_eq!(
        text_of(&doc, "footer[default]/section 1"),
        "RESTRICTED // page footer"
    );
    assert!(text_of(&doc, "footnotes").contains("FOOTNOTE SENSITIVE: BUDGET"));
    let body = text_of(&doc, "body");
    assert_eq!(body.matches("TEXTBOX TOP SECRET").count(), 1, "{body}");
    assert!(!body.contains("FOOTNOTE"));
    assert_eq!(text_of(&doc, "property:core/subject"), "RESTRICTED");
    assert!(text_of(&doc, "property:core/keywords").contains("SENSITIVE: BUDGET"));
    assert_eq!(text_of(&doc, "property:core/title"), "Budget notes");

    // Two sections: the first section's header is not lost (docx-rs keeps only the last
    // section's).
    let doc = load(&out, "two_sections.docx");
    assert_eq!(doc.sections, 2);
    let headers: Vec<(Option<u32>, String)> = doc
        .parts
        .iter()
        .filter(|p| matches!(p.kind, protective_marking::document::PartKind::Header(_)))
        .map(|p| (p.section(), p.text.clone()))
        .collect();
    assert!(
        headers.contains(&(Some(1), "HEADER-A IN CONFIDENCE".to_owned())),
        "{headers:?}"
    );
    assert!(
        headers.contains(&(Some(2), "HEADER-B SECRET".to_owned())),
        "{headers:?}"
    );

    // PDF: header and footer are the page's first and last lines; properties are Info.
    let doc = load(&out, "marked.pdf");
    assert_eq!((doc.format, doc.pages), (Format::Pdf, 1));
    assert_eq!(text_of(&doc, "page 1/top"), "RESTRICTED");
    let page = text_of(&doc, "page 1");
    // Lines come in content-stream order, not by position: LibreOffice draws the text box
    // after the footer, so the box is the page's last line (a known gap, see `read_pdf`).
    assert!(page.contains("RESTRICTED // page footer"), "{page}");
    assert_eq!(text_of(&doc, "page 1/bottom"), "TEXTBOX TOP SECRET");
    assert!(page.contains("FOOTNOTE SENSITIVE: BUDGET"), "{page}");
    assert!(
        page.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("TEXTBOX TOP SECRET")
    );
    assert_eq!(text_of(&doc, "metadata:info/Subject"), "RESTRICTED");
    assert_eq!(text_of(&doc, "metadata:info/Keywords"), "SENSITIVE: BUDGET");

    let doc = load(&out, "two_sections.pdf");
    assert_eq!(doc.pages, 2);
    assert_eq!(text_of(&doc, "page 1/top"), "HEADER-A IN CONFIDENCE");
    assert_eq!(text_of(&doc, "page 2/top"), "HEADER-B SECRET");

    // The document checks on LibreOffice's own output.
    let parser = protective_marking::Scanner::new();
    let report = protective_marking::document::check(&load(&out, "marked.docx"), &parser);
    assert_eq!(
        report
            .declared
            .as_ref()
            .map(|d| d.marking.to_string())
            .as_deref(),
        Some("RESTRICTED")
    );
    assert_eq!(
        report.marking.as_ref().map(|m| m.classification()),
        Some(protective_marking::Classification::Restricted)
    );
    let report = protective_marking::document::check(&load(&out, "two_sections.docx"), &parser);
    assert_eq!(
        report.marking.as_ref().map(|m| m.to_string()).as_deref(),
        Some("SECRET")
    );
    // The text box `TEXTBOX TOP SECRET` is the page's last drawn line, so it reads as a
    // bottom banner in capitals: the join is TOP SECRET (fail safe high).
    let report = protective_marking::document::check(&load(&out, "marked.pdf"), &parser);
    assert_eq!(
        report.marking.as_ref().map(|m| m.classification()),
        Some(protective_marking::Classification::TopSecret)
    );
    assert!(
        !report
            .problems
            .iter()
            .any(|p| p.code == protective_marking::ProblemCode::Unmarked),
        "{:?}",
        report.problems
    );

    // A page whose last line is a sentence that names a level: prose, not a bottom banner
    // (read as a banner, such a sentence once made this PDF SECRET). The page lacks its
    // bottom banner.
    let doc = load(&out, "prose_bottom.pdf");
    assert_eq!(
        text_of(&doc, "page 1/bottom"),
        "Information classified as SECRET must be stored in a container."
    );
    let report = protective_marking::document::check(&doc, &parser);
    assert_eq!(
        report.marking.as_ref().map(|m| m.to_string()).as_deref(),
        Some("IN-CONFIDENCE")
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.code == protective_marking::ProblemCode::MissingBanner
                && p.message.contains("bottom")),
        "{:?}",
        report.problems
    );

    let _ = std::fs::remove_dir_all(&out);
}
