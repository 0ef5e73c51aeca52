//! The third-party PPTX, XLSX, OpenDocument and Outlook corpus: every file is read or
//! refused with the error expected for it (never a panic or a hang), and the files that are
//! there for a reason are asserted on what they hold. A new corpus file must be added to
//! the tables.

use crate::common;

use protective_marking::document::{Document, Format, PartKind, read, read_msg_message, sniff};
use protective_marking::{Limits, ReadError};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Read(Format),
    /// Read, but the document holds no text at all.
    Empty(Format),
    Encrypted,
    Corrupt,
    Unsupported,
}

use Expect::*;

const PPTX: &[(&str, Expect)] = &[
    ("poi_60810_titus_classification.pptx", Read(Format::Pptx)),
    ("poi_ArtisticEffectSample.pptx", Read(Format::Pptx)),
    // No central directory: the zip crate cannot open it, and streaming local headers
    // would read a package that is not all there.
    ("poi_Divino_Revelado_truncated.pptx", Corrupt),
    ("poi_PPTWithAttachments.pptm", Read(Format::Pptx)),
    ("poi_WithMaster.pptx", Read(Format::Pptx)),
    ("poi_bug58144-headers-footers-2007.pptx", Read(Format::Pptx)),
    ("poi_clusterfuzz_5471515212382208.pptx", Corrupt),
    ("pythonpptx_no-core-props.pptx", Read(Format::Pptx)),
    ("pythonpptx_prs-slide-masters.pptx", Read(Format::Pptx)),
    ("tika_testPPT_custom_props.pptx", Read(Format::Pptx)),
    ("tika_testPPT_masterFooter.pptx", Read(Format::Pptx)),
    ("tika_testPPT_masterText2.pptx", Read(Format::Pptx)),
    ("tika_testPPT_protected_passtika.pptx", Encrypted),
    ("tika_testPPT_various2.pptx", Read(Format::Pptx)),
];

const XLSX: &[(&str, Expect)] = &[
    ("poi_45540_form_Header.xlsx", Read(Format::Xlsx)),
    ("poi_AmpersandHeader.xlsx", Read(Format::Xlsx)),
    (
        "poi_CVLKRA-KYC_Download_File_Structure_V3.1.xlsx",
        Read(Format::Xlsx),
    ),
    ("poi_HeaderFooterComplexFormats.xlsx", Read(Format::Xlsx)),
    ("poi_SampleSS.strict.xlsx", Read(Format::Xlsx)),
    // Entries fail their CRC-32.
    ("poi_clusterfuzz_5265527465181184.xlsx", Corrupt),
    // Two entries named xl/worksheets/sheet1.xml: refused, never one copy chosen.
    ("poi_duplicate-filename.xlsx", Corrupt),
    ("poi_headerFooterTest.xlsx", Read(Format::Xlsx)),
    ("poi_mv-calculator-final-2-20-2013.xlsm", Read(Format::Xlsx)),
    // Billion laughs in the shared strings: the entity is never expanded.
    ("poi_poc-xmlbomb.xlsx", Corrupt),
    ("poi_protected_passtika.xlsx", Encrypted),
    ("rustxlsxwriter_header_image01.xlsx", Read(Format::Xlsx)),
    ("rustxlsxwriter_properties04.xlsx", Read(Format::Xlsx)),
    ("tika_testEXCEL_headers_footers.xlsx", Read(Format::Xlsx)),
];

const ODF: &[(&str, Expect)] = &[
    ("lo_font_used_in_header_only.fodt", Read(Format::Odt)),
    (
        "odftoolkit_HeaderFirstAndEvenPageEnabledAndMarging_MSO15.odt",
        Read(Format::Odt),
    ),
    ("odftoolkit_HeaderFooter.odt", Read(Format::Odt)),
    (
        "odftoolkit_XPathTest-duplicate-prefix.odt",
        Read(Format::Odt),
    ),
    (
        "odftoolkit_settings_page_import_xml_MSO15.ods",
        Read(Format::Ods),
    ),
    ("odftoolkit_tableComplex_DOC_LO41.odt", Read(Format::Odt)),
    // The mimetype entry holds PNG bytes; the manifest still names a text document, which
    // is genuinely empty.
    ("odftoolkit_testInvalidPkg1.odt", Empty(Format::Odt)),
    ("tika_LibreOfficeImpress_odp_1.3.odp", Read(Format::Odp)),
    ("tika_testFooter.ods", Read(Format::Ods)),
    ("tika_testFooter.odt", Read(Format::Odt)),
    ("tika_testMasterFooter.odp", Read(Format::Odp)),
    ("tika_testODP_NPE.odp", Read(Format::Odp)),
    ("tika_testODTEncrypted.odt", Encrypted),
    ("tika_testODTNoMeta.odt", Read(Format::Odt)),
    // Plain text with an .odt name: read as the text it is.
    ("tika_testODTnotaZipFile.odt", Read(Format::Text)),
];

const MSG: &[(&str, Expect)] = &[
    ("poi_53784_succeeds.msg", Read(Format::Msg)),
    ("poi_ASCII_CP1251_LCID1049.msg", Read(Format::Msg)),
    ("poi_HTMLBodyBinary_UTF-8.msg", Read(Format::Msg)),
    ("poi_attachment_msg_pdf.msg", Read(Format::Msg)),
    // Subject a single NUL, no body: a message with nothing to read.
    ("poi_blank.msg", Empty(Format::Msg)),
    ("poi_chinese-traditional.msg", Read(Format::Msg)),
    ("poi_clusterfuzz_4735011465854976.msg", Corrupt),
    ("poi_clusterfuzz_5336473854148608.msg", Corrupt),
    ("poi_example_received_unicode.msg", Read(Format::Msg)),
    ("poi_keywords.msg", Read(Format::Msg)),
    // S/MIME: the content is a signed MIME entity the document reader does not open.
    ("poi_logsat.com_signatures_valid.msg", Unsupported),
    ("poi_msgClassAppointment.msg", Read(Format::Msg)),
];

fn check_dir(dir: &str, table: &[(&str, Expect)]) {
    common::assert_corpus_listed(dir, table.iter().map(|(n, _)| *n));
    for &(name, expect) in table {
        let bytes = common::corpus_bytes(&format!("{dir}/{name}"));
        let result = read(&bytes, &Limits::default());
        match (expect, &result) {
            (Read(f), Ok(doc)) => {
                assert_eq!((doc.format, sniff(&bytes)), (f, f), "{name}");
                assert!(!doc.parts.is_empty(), "{name}: read but no text parts");
            }
            (Empty(f), Ok(doc)) => {
                assert_eq!(doc.format, f, "{name}");
                assert!(doc.parts.is_empty(), "{name}: {:?}", doc.parts);
            }
            (Encrypted, Err(ReadError::Encrypted { .. }))
            | (Corrupt, Err(ReadError::Corrupt { .. }))
            | (Unsupported, Err(ReadError::Unsupported { .. })) => {}
            _ => panic!("{name}: expected {expect:?}, got {result:?}"),
        }
    }
}

fn load(rel: &str) -> Document {
    read(&common::corpus_bytes(rel), &Limits::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn text(doc: &Document, location: &str) -> String {
    common::part(doc, location).text.clone()
}

#[test]
fn pptx_corpus() {
    check_dir("pptx", PPTX);
}

#[test]
fn xlsx_corpus() {
    check_dir("xlsx", XLSX);
}

#[test]
fn odf_corpus() {
    check_dir("odf", ODF);
}

#[test]
fn msg_corpus() {
    check_dir("msg", MSG);
}

#[test]
fn pptx_master_text_label_and_footers() {
    // A text box on the slide master (not a placeholder) is drawn on every slide, and is
    // read there as the slide's bottom line.
    let doc = load("pptx/poi_ArtisticEffectSample.pptx");
    assert_eq!(doc.pages, 2);
    assert!(text(&doc, "master 1").contains("HCL Confidential"));
    let slide = text(&doc, "slide 1");
    // Below it only the master's slide-number box (a `‹#›` field).
    let bottom: Vec<&str> = slide.lines().rev().take(2).collect();
    assert!(
        bottom[1].contains("HCL Confidential") && bottom[0] == "‹#›",
        "{slide}"
    );
    // Titus writes its label into the custom properties.
    let doc = load("pptx/poi_60810_titus_classification.pptx");
    let label = common::part(&doc, "property:custom/Information Classification");
    assert_eq!(
        (label.kind, label.text.as_str()),
        (PartKind::LabelProperty, "General")
    );
    assert_eq!(
        common::part(&doc, "property:custom/TitusGUID").kind,
        PartKind::LabelProperty
    );
    assert_eq!(doc.pages, 28);
    // Master text split across runs, inherited by the slide.
    let doc = load("pptx/tika_testPPT_masterText2.pptx");
    assert_eq!(
        text(&doc, "slide 1"),
        "Text that I added to the master slide"
    );
    // The footer placeholder on the master, the layouts and the slide.
    let doc = load("pptx/tika_testPPT_masterFooter.pptx");
    for at in ["master 1/footer", "layout 1/footer", "slide 1/footer"] {
        let part = common::part(&doc, at);
        assert_eq!(
            (part.kind, part.text.as_str()),
            (PartKind::Placeholder, "Master footer is here")
        );
    }
    // Notes, comments, and the notes and handout masters' headers.
    let doc = load("pptx/tika_testPPT_various2.pptx");
    assert_eq!(text(&doc, "slide 10/footer"), "MASTERFOOTERMSG");
    assert!(text(&doc, "slide 2/notes").contains("NotesForSlide2"));
    assert!(text(&doc, "slide 1/comments").contains("This is a reply to the reply"));
    assert_eq!(
        common::part(&doc, "slide 1/comments").kind,
        PartKind::Comments
    );
    assert_eq!(text(&doc, "notes master/header"), "NotesMasterHeader");
    assert!(text(&doc, "handout master").contains("TextBoxInHandOut"));
}

#[test]
fn xlsx_header_footer_codes_and_refusals() {
    // `&L&B Confidential&B&C&D&RPage &P` on one sheet of 30.
    let doc = load("xlsx/poi_CVLKRA-KYC_Download_File_Structure_V3.1.xlsx");
    let footers: Vec<_> = doc
        .parts
        .iter()
        .filter(|p| p.text.contains("Confidential"))
        .map(|p| (p.path.to_string(), p.kind, p.text.clone()))
        .collect();
    assert_eq!(
        footers,
        vec![(
            "sheet[KYC]/footer".to_owned(),
            PartKind::Footer(protective_marking::path::HeaderKind::Default),
            "Confidential\nPage".to_owned()
        )]
    );
    let doc = load("xlsx/tika_testEXCEL_headers_footers.xlsx");
    assert_eq!(
        text(&doc, "sheet[Sheet1]/header"),
        "Header - Corporate Spreadsheet\nHeader - For Internal Use Only\nHeader - Author: John Smith"
    );
    assert!(
        text(&doc, "sheet[Sheet1]/cells").starts_with("Name\tAddress\nJohn Smith1\t1 Corporate HQ")
    );
    assert_eq!(text(&doc, "sheet[Sheet3]/name"), "Sheet3");
    let doc = load("xlsx/poi_AmpersandHeader.xlsx");
    assert_eq!(text(&doc, "sheet[Sheet1]/header"), "one & two &&");

    let err = read(
        &common::corpus_bytes("xlsx/poi_duplicate-filename.xlsx"),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("two entries share a name"),
        "{err}"
    );
    let err = read(
        &common::corpus_bytes("xlsx/poi_poc-xmlbomb.xlsx"),
        &Limits::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("xl/sharedStrings.xml"), "{err}");
}

#[test]
fn odf_master_pages_and_footer_declarations() {
    // The footer is held once in a presentation:footer-decl and shown on every slide that
    // names it.
    let doc = load("odf/tika_testODP_NPE.odp");
    assert_eq!(doc.pages, 37);
    assert!(text(&doc, "slide 2").contains("What is social epidemiology"));
    for n in 1..=37 {
        assert!(
            text(&doc, &format!("slide {n}/footer")).starts_with("© Copyright 2009"),
            "slide {n}"
        );
    }
    // A literal footer on the master page frame, shown on a slide that names no decl.
    let doc = load("odf/tika_testMasterFooter.odp");
    assert_eq!(text(&doc, "slide 1/footer"), "Master footer is here");
    assert_eq!(
        text(&doc, "master-page[Default]/footer"),
        "Master footer is here"
    );
    let doc = load("odf/odftoolkit_tableComplex_DOC_LO41.odt");
    assert_eq!(text(&doc, "master-page[Standard]/header[first]"), "DRAFT");
    let doc = load("odf/odftoolkit_HeaderFirstAndEvenPageEnabledAndMarging_MSO15.odt");
    assert_eq!(
        text(&doc, "master-page[MP0]/header[even]"),
        "Even/Gerade Header"
    );
    let doc = load("odf/tika_testFooter.ods");
    assert_eq!(
        text(&doc, "master-page[Default]/footer"),
        "Here is a footer in the center area"
    );
    assert_eq!(
        text(&doc, "sheet[Sheet1]/cells"),
        "Data 1\tData 2\nData 3\tData 4"
    );
    let doc = load("odf/odftoolkit_HeaderFooter.odt");
    assert!(text(&doc, "comments").contains("Header Notiz!"));
    let doc = load("odf/odftoolkit_XPathTest-duplicate-prefix.odt");
    assert_eq!(text(&doc, "property:custom/BungeniCountryCode"), "ke");
    let doc = load("odf/lo_font_used_in_header_only.fodt");
    assert_eq!(
        text(&doc, "master-page[Standard]/header"),
        "Header: DejaVu Sans"
    );
}

#[test]
fn msg_bodies_codepages_and_attachments() {
    // A message with an embedded message and a PDF attachment, both read.
    let doc = load("msg/poi_attachment_msg_pdf.msg");
    assert_eq!(text(&doc, "subject"), "test email");
    assert_eq!(
        text(&doc, "body/rtf"),
        "Test email with 1 msg attachment, 1 pdf"
    );
    assert_eq!(text(&doc, "attachment[1]/subject"), "Test Attachment");
    assert_eq!(text(&doc, "attachment[1]/body/rtf"), "Blah blah blah");
    assert_eq!(
        common::part(&doc, "attachment[2]/page 1").kind,
        PartKind::PageText
    );
    let msg = read_msg_message(
        &common::corpus_bytes("msg/poi_attachment_msg_pdf.msg"),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(msg.attachments.len(), 2);
    assert!(msg.attachments[0].message.is_some());
    assert!(msg.attachments[1].data.starts_with(b"%PDF"));

    // Outlook categories (the named property Keywords), one part per category.
    let doc = load("msg/poi_keywords.msg");
    let categories: Vec<&str> = doc
        .parts
        .iter()
        .filter(|p| p.path == "property:custom/Keywords")
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(
        categories,
        ["TODO", "Currently Important", "Currently To Do", "Test"]
    );
    let doc = load("msg/poi_ASCII_CP1251_LCID1049.msg");
    assert_eq!(text(&doc, "subject"), "Subject автоматически Subject");
    let doc = load("msg/poi_chinese-traditional.msg");
    assert!(text(&doc, "subject").contains("格式測試"));
    let doc = load("msg/poi_HTMLBodyBinary_UTF-8.msg");
    assert_eq!(text(&doc, "body/html"), "HTML öäü");
    // The signature's "Declassification" is body text (prose), read as written.
    let doc = load("msg/poi_53784_succeeds.msg");
    assert!(text(&doc, "body/text").contains("Declassification"));
    assert!(text(&doc, "body/rtf").starts_with("Mr. Aftergood,\n"));
    let msg = read_msg_message(
        &common::corpus_bytes("msg/poi_example_received_unicode.msg"),
        &Limits::default(),
    )
    .unwrap();
    assert!(msg.headers.as_deref().unwrap_or("").contains("Received:"));
}

#[test]
fn hand_built_hostile_packages_are_refused_with_typed_errors() {
    use common::{RawEntry, office};
    let limits = Limits::default();
    // A cyclic CFB directory: refused as corrupt, never a hang.
    let err = read(&office::msg("Papers", "SECRET", true), &limits).unwrap_err();
    assert!(matches!(err, ReadError::Corrupt { .. }), "{err}");
    let doc = read(&office::msg("Papers [SECRET]", "Hello", false), &limits).unwrap();
    assert_eq!(
        (doc.format, text(&doc, "body/text").as_str()),
        (Format::Msg, "Hello")
    );
    // The subject is where mail carries its marking: it decides.
    let report = protective_marking::document::check(&doc, &protective_marking::Scanner::new());
    assert_eq!(
        report.marking.map(|m| m.to_string()).as_deref(),
        Some("SECRET")
    );
    // A 200 MiB slide stops at the compression-ratio limit.
    let bomb = RawEntry::spaces("", "<p:sld><a:t>", 200 * 1024 * 1024, "</a:t></p:sld>");
    let pptx = common::raw_zip(&office::pptx_entries("", &[String::new()], Some(bomb)));
    assert!(matches!(
        read(&pptx, &limits),
        Err(ReadError::LimitExceeded { .. })
    ));
}
