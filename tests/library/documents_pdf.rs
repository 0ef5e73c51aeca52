//! PDF extraction: lopdf-written fixtures, corpus specifics and hostile files built here.

use crate::common;

use crate::common::part;

use protective_marking::document::{Format, PartKind, read, read_pdf, sniff};
use protective_marking::{Limits, ReadError, limits::Limit};

#[test]
fn pages_top_bottom_and_metadata() {
    let bytes = common::pdf(3, "RESTRICTED");
    assert_eq!(sniff(&bytes), Format::Pdf);
    let doc = read(&bytes, &Limits::default()).expect("read");
    assert_eq!((doc.format, doc.pages, doc.sections), (Format::Pdf, 3, 0));
    for n in 1..=3 {
        let page = part(&doc, &format!("page {n}"));
        assert_eq!((page.kind, page.page()), (PartKind::PageText, Some(n)));
        assert!(page.text.contains(&format!("Body line 3 of page {n}")));
        let top = part(&doc, &format!("page {n}/top"));
        assert_eq!(
            (top.kind, top.text.as_str()),
            (PartKind::PageTop, "RESTRICTED")
        );
        let bottom = part(&doc, &format!("page {n}/bottom"));
        assert_eq!(bottom.kind, PartKind::PageBottom);
        assert_eq!(bottom.text, format!("RESTRICTED // page {n}"));
    }
    let title = part(&doc, "metadata:info/Title");
    assert_eq!(
        (title.kind, title.text.as_str()),
        (PartKind::Metadata, "Title RESTRICTED")
    );
    assert_eq!(part(&doc, "metadata:info/Subject").text, "RESTRICTED");
    assert!(
        part(&doc, "metadata:xmp")
            .text
            .contains(r#"pdf:Keywords="RESTRICTED""#)
    );
}

#[test]
fn corpus_encryption_fails_closed() {
    for name in [
        "pypdf_libreoffice-writer-password.pdf",
        "pypdf_crazyones-encrypted-256.pdf",
    ] {
        let bytes = common::corpus_bytes(&format!("pdf/{name}"));
        assert!(
            matches!(
                read_pdf(&bytes, &Limits::default()),
                Err(ReadError::Encrypted {
                    format: Format::Pdf,
                    ..
                })
            ),
            "{name}"
        );
    }
    let bytes = common::corpus_bytes("pdf/pypdf_r2-empty-password_wps.pdf");
    let doc = read_pdf(&bytes, &Limits::default()).expect("owner-password-only pdf");
    assert!(part(&doc, "page 1").text.contains("encryption"));
}

#[test]
fn corpus_xmp_and_utf16_info() {
    let bytes = common::corpus_bytes("pdf/pypdf_issue-914-xmp-data.pdf");
    let doc = read_pdf(&bytes, &Limits::default()).expect("read");
    assert_eq!(part(&doc, "metadata:info/Author").text, "微软用户");
    assert!(part(&doc, "metadata:xmp").text.contains("x:xmpmeta"));
}

#[test]
fn page_and_object_limits() {
    let bytes = common::pdf(3, "X");
    let limits = Limits {
        max_pdf_pages: 2,
        ..Limits::default()
    };
    assert!(matches!(
        read_pdf(&bytes, &limits),
        Err(ReadError::LimitExceeded {
            limit: Limit::PdfPages,
            value: 3,
            max: 2,
            ..
        })
    ));
    let limits = Limits {
        max_pdf_objects: 3,
        ..Limits::default()
    };
    assert!(matches!(
        read_pdf(&bytes, &limits),
        Err(ReadError::LimitExceeded {
            limit: Limit::PdfObjects,
            ..
        })
    ));
    let limits = Limits {
        max_input_bytes: 100,
        ..Limits::default()
    };
    assert!(matches!(
        read_pdf(&bytes, &limits),
        Err(ReadError::LimitExceeded {
            limit: Limit::InputBytes,
            ..
        })
    ));
}

fn font_and_content(text: &str) -> [String; 2] {
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    [
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ]
}

#[test]
fn pages_cycle_terminates() {
    // 2: Pages whose Kids holds itself and a page.
    let [font, content] = font_and_content("CYCLE");
    let bytes = common::hand_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
            .to_owned(),
        font,
        content,
    ]);
    let start = std::time::Instant::now();
    let result = read_pdf(&bytes, &Limits::default());
    // A hang detector (the cycle must terminate), not a speed test.
    assert!(start.elapsed().as_secs() < 120);
    match result {
        Ok(doc) => assert!(part(&doc, "page 1").text.contains("CYCLE")),
        Err(e) => assert!(matches!(e, ReadError::Corrupt { .. }), "{e:?}"),
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let [font, content] = font_and_content("DEEP");
    let deep = "[".repeat(200_000) + &"]".repeat(200_000);
    let bytes = common::hand_pdf(&[
        format!("<< /Type /Catalog /Pages 2 0 R /Deep {deep} >>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
            .to_owned(),
        font,
        content,
    ]);
    // Ok (the nested value is ignored) or a typed error; never a stack overflow or panic.
    match read_pdf(&bytes, &Limits::default()) {
        Ok(doc) => assert!(doc.pages <= 1),
        Err(e) => assert!(!matches!(e, ReadError::ParserPanicked { .. }), "{e:?}"),
    }
}

#[test]
fn huge_declared_length() {
    let [font, _] = font_and_content("");
    let content = "BT /F1 12 Tf 72 720 Td (LENGTH) Tj ET";
    let bytes = common::hand_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> >> >>"
            .to_owned(),
        font,
        format!("<< /Length 99999999999 >>\nstream\n{content}\nendstream"),
    ]);
    match read_pdf(&bytes, &Limits::default()) {
        Ok(doc) => assert!(part(&doc, "page 1").text.contains("LENGTH")),
        Err(e) => assert!(matches!(e, ReadError::Corrupt { .. }), "{e:?}"),
    }
}

#[test]
fn deflate_bomb_in_page_content() {
    use lopdf::{Object, Stream, dictionary};
    let bytes = common::pdf(1, "BOMB");
    let mut doc = lopdf::Document::load_mem(&bytes).expect("load");
    let page = *doc.get_pages().get(&1).expect("page");
    // 4 MiB of spaces inside a text string: the page content inflates past a 1 MiB limit.
    let mut content = b"BT /F1 12 Tf 72 720 Td (".to_vec();
    content.extend(std::iter::repeat_n(b' ', 4 * 1024 * 1024));
    content.extend(b") Tj ET");
    let mut stream = Stream::new(dictionary! {}, content);
    stream.compress().expect("compress");
    let id = doc.add_object(stream);
    doc.get_dictionary_mut(page)
        .expect("page dict")
        .set("Contents", Object::Reference(id));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    let limits = Limits {
        max_entry_bytes: 1024 * 1024,
        ..Limits::default()
    };
    assert!(matches!(
        read_pdf(&out, &limits),
        Err(ReadError::LimitExceeded {
            limit: Limit::EntryBytes,
            ..
        })
    ));
}

#[test]
fn garbage_and_truncation_are_errors() {
    let bytes = common::pdf(2, "TRUNC");
    for cut in [10, bytes.len() / 3, bytes.len() / 2] {
        let r = read_pdf(&bytes[..cut], &Limits::default());
        assert!(
            !matches!(r, Err(ReadError::ParserPanicked { .. })),
            "cut {cut}: {r:?}"
        );
    }
    assert!(matches!(
        read_pdf(b"%PDF-1.7\n%%EOF", &Limits::default()),
        Err(ReadError::Corrupt { .. })
    ));
}
