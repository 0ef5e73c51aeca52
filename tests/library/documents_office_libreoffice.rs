//! Presentations and workbooks written by LibreOffice (Impress and Calc) from the flat ODF
//! fixtures in `tests/data/office/`: PPTX, ODP, XLSX and ODS, read back with the marking in
//! each place it can live (slide text, a master page text box, a footer declaration shown
//! on every slide, speaker notes, a master page's header and footer, cells, a cell comment,
//! document properties).
//!
//! Needs `soffice` with Impress and Calc (`scripts/setup.sh`); the test fails, rather than
//! skips, when it is missing, so CI cannot pass without it.

use crate::common;

use protective_marking::document::{Document, Format, PartKind, check, read};
use protective_marking::path::HeaderKind;
use protective_marking::{Limits, Scanner};
use std::path::{Path, PathBuf};

fn convert(to: &str, inputs: &[PathBuf], outdir: &Path) {
    common::soffice(to, inputs, outdir);
}

fn load(dir: &Path, name: &str) -> Document {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (does soffice have Impress and Calc? scripts/setup.sh)",
            path.display()
        )
    });
    read(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn text(doc: &Document, location: &str) -> String {
    common::part(doc, location).text.clone()
}

#[test]
fn libreoffice_presentations_and_workbooks() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/office");
    let out = std::env::temp_dir().join(format!(
        "protective-marking-lo-office-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&out).expect("temp dir");
    let deck = vec![fixtures.join("deck.fodp")];
    let book = vec![fixtures.join("book.fods")];
    convert("pptx", &deck, &out);
    convert("odp", &deck, &out);
    convert("xlsx", &book, &out);
    convert("ods", &book, &out);
    let scanner = Scanner::new();

    // The footer declared once with presentation:footer-decl lands on every slide, and the
    // master page's text box is drawn on each as its top line.
    for (name, format) in [
        ("deck.pptx", Format::Pptx),
        ("deck.odp", Format::Odp),
        ("deck.fodp", Format::Odp),
    ] {
        let doc = if name.ends_with(".fodp") {
            load(&fixtures, name)
        } else {
            load(&out, name)
        };
        assert_eq!((doc.format, doc.pages), (format, 2), "{name}");
        for n in 1..=2 {
            let footer = common::part(&doc, &format!("slide {n}/footer"));
            assert_eq!(
                (footer.kind, footer.text.as_str()),
                (PartKind::Placeholder, "RESTRICTED"),
                "{name}"
            );
            let slide = text(&doc, &format!("slide {n}"));
            assert!(
                slide.starts_with("MASTER BOX RESTRICTED\n"),
                "{name}: {slide}"
            );
        }
        assert!(
            text(&doc, "slide 1").contains("RESTRICTED\nBudget overview"),
            "{name}"
        );
        assert_eq!(
            text(&doc, "slide 1/notes"),
            "Speaker notes: IN-CONFIDENCE",
            "{name}"
        );
        let label = common::part(&doc, "property:custom/Classification");
        assert_eq!(
            (label.kind, label.text.as_str()),
            (PartKind::LabelProperty, "RESTRICTED")
        );
        let report = check(&doc, &scanner);
        assert!(report.marking.is_some(), "{name}: no marking read");
    }
    let doc = load(&out, "deck.pptx");
    assert!(text(&doc, "master 1").starts_with("MASTER BOX RESTRICTED"));

    // A master page's header and footer become every sheet's oddHeader/oddFooter.
    let doc = load(&out, "book.xlsx");
    assert_eq!(doc.format, Format::Xlsx);
    for sheet in ["Budget", "Notes"] {
        let header = common::part(&doc, &format!("sheet[{sheet}]/header"));
        assert_eq!(
            (header.kind, header.text.as_str()),
            (PartKind::Header(HeaderKind::Default), "RESTRICTED")
        );
        assert_eq!(
            text(&doc, &format!("sheet[{sheet}]/footer")),
            "RESTRICTED\nPage"
        );
    }
    assert_eq!(
        text(&doc, "sheet[Budget]/cells"),
        "RESTRICTED\nItem\tCost\nTravel"
    );
    assert_eq!(
        text(&doc, "sheet[Budget]/comments"),
        "Check with SENSITIVE team"
    );
    assert_eq!(text(&doc, "property:core/subject"), "RESTRICTED");
    assert!(check(&doc, &scanner).marking.is_some());

    for (dir, name) in [(&out, "book.ods"), (&fixtures, "book.fods")] {
        let doc = load(dir, name);
        assert_eq!(doc.format, Format::Ods, "{name}");
        assert_eq!(
            text(&doc, "master-page[Default]/header"),
            "RESTRICTED",
            "{name}"
        );
        assert!(
            text(&doc, "master-page[Default]/footer").starts_with("RESTRICTED\nPage"),
            "{name}"
        );
        assert_eq!(
            text(&doc, "sheet[Budget]/cells"),
            "RESTRICTED\nItem\tCost\nTravel\t1200",
            "{name}"
        );
        assert_eq!(
            text(&doc, "sheet[Budget]/comments"),
            "Check with SENSITIVE team",
            "{name}"
        );
        assert_eq!(
            text(&doc, "property:custom/Classification"),
            "RESTRICTED",
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}
