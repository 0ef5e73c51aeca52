//! Every third-party corpus file is read without panicking, and each is either parsed or
//! refused with the error expected for it. A new corpus file must be added to the tables.

use crate::common;

use protective_marking::document::{Format, read, sniff};
use protective_marking::{Limits, ReadError};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Read,
    Encrypted,
    Corrupt,
}

const DOCX: &[(&str, Expect)] = &[
    ("docxrs_first_even_header.docx", Expect::Read),
    ("docxrs_header_footer_libreoffice.docx", Expect::Read),
    ("docxrs_hidden_libreoffice.docx", Expect::Read),
    ("docxrs_spec_vanish.docx", Expect::Read),
    ("docxrs_table_word_online.docx", Expect::Read),
    ("mammoth_footnotes.docx", Expect::Read),
    ("mammoth_tables.docx", Expect::Read),
    ("mammoth_text-box.docx", Expect::Read),
    ("mammoth_utf8-bom.docx", Expect::Read),
    ("poi_60316_textboxes_sdt.docx", Expect::Read),
    ("poi_65099_custom_property.docx", Expect::Read),
    ("poi_Bug66988_libreoffice.docx", Expect::Read),
    ("poi_DiffFirstPageHeadFoot.docx", Expect::Read),
    ("poi_ExternalEntityInText_xxe.docx", Expect::Corrupt),
    ("poi_HeaderFooterUnicode.docx", Expect::Read),
    ("poi_PageSpecificHeadFoot.docx", Expect::Read),
    ("poi_ThreeColHeadFoot.docx", Expect::Read),
    ("poi_Tika-792_tracked_changes.docx", Expect::Read),
    ("poi_WordWithAttachments.docx", Expect::Read),
    // ECMA-376 encrypted package in an OLE2 container with an EncryptionInfo stream.
    (
        "poi_bug53475_encrypted_password-is-pass.docx",
        Expect::Encrypted,
    ),
    ("poi_checkboxes_formfields.docx", Expect::Read),
    // Fuzzer-minimised: the end of central directory record is cut short.
    ("poi_clusterfuzz_5313273089884160.docx", Expect::Corrupt),
    ("poi_testPDFEmbeddingAndEmbedded.docx", Expect::Read),
    ("poi_truncated62886.docx", Expect::Corrupt),
    ("poi_xmldsign_hello-world-signed.docx", Expect::Read),
    ("pythondocx_comments-rich-para.docx", Expect::Read),
    ("pythondocx_doc-odd-even-hdrs.docx", Expect::Read),
];

const PDF: &[(&str, Expect)] = &[
    ("pypdf_AutoCad_Diagram.pdf", Expect::Read),
    ("pypdf_FormTestFromOo.pdf", Expect::Read),
    ("pypdf_Seige_of_Vicksburg_Sample_OCR.pdf", Expect::Read),
    ("pypdf_attachment.pdf", Expect::Read),
    ("pypdf_commented-xmp.pdf", Expect::Read),
    ("pypdf_crazyones-encrypted-256.pdf", Expect::Encrypted),
    ("pypdf_crazyones_xetex.pdf", Expect::Read),
    // RC4 with an empty user password, but lopdf 0.47 cannot decrypt it (no /ID): fail closed.
    ("pypdf_encrypted_doc_no_id_epo.pdf", Expect::Encrypted),
    ("pypdf_example_google_docs.pdf", Expect::Read),
    ("pypdf_git.pdf", Expect::Read),
    ("pypdf_hello-world_libreoffice.pdf", Expect::Read),
    ("pypdf_imagemagick-images.pdf", Expect::Read),
    ("pypdf_indirect-rotation_epson_scan.pdf", Expect::Read),
    ("pypdf_inkscape-abc.pdf", Expect::Read),
    ("pypdf_issue-301_leadtools_bad_xref.pdf", Expect::Read),
    ("pypdf_issue-914-xmp-data.pdf", Expect::Read),
    ("pypdf_libreoffice-writer-password.pdf", Expect::Encrypted),
    ("pypdf_missing_info.pdf", Expect::Read),
    ("pypdf_pdflatex-outline.pdf", Expect::Read),
    // Owner password only: lopdf decrypts with the empty user password.
    ("pypdf_r2-empty-password_wps.pdf", Expect::Read),
    // The manifest says "user password", but the *owner* password of this file is empty
    // (`qpdf --show-encryption` with no password: "Supplied password is owner password"), so
    // anyone can decrypt it and lopdf does: its text is genuinely readable.
    ("pypdf_r6-user-password_wps.pdf", Expect::Read),
    ("pypdf_reportlab-inline-image.pdf", Expect::Read),
    ("pypdf_two-different-pages_google_docs.pdf", Expect::Read),
];

fn check_dir(dir: &str, table: &[(&str, Expect)], format: Format) {
    common::assert_corpus_listed(dir, table.iter().map(|(n, _)| *n));

    for &(name, expect) in table {
        let bytes = common::corpus_bytes(&format!("{dir}/{name}"));
        let result = read(&bytes, &Limits::default());
        match (expect, &result) {
            (Expect::Read, Ok(doc)) => {
                assert_eq!(doc.format, format, "{name}");
                assert!(!doc.parts.is_empty(), "{name}: read but no text parts");
            }
            (Expect::Encrypted, Err(ReadError::Encrypted { .. }))
            | (Expect::Corrupt, Err(ReadError::Corrupt { .. })) => {}
            _ => panic!("{name}: expected {expect:?}, got {result:?}"),
        }
        if expect == Expect::Read {
            assert_eq!(sniff(&bytes), format, "{name}: sniffed format");
        }
    }
}

#[test]
fn docx_corpus_reads_or_refuses_as_expected() {
    check_dir("docx", DOCX, Format::Docx);
}

#[test]
fn pdf_corpus_reads_or_refuses_as_expected() {
    check_dir("pdf", PDF, Format::Pdf);
}

#[test]
fn error_messages_name_the_location() {
    let bytes = common::corpus_bytes("docx/poi_truncated62886.docx");
    let err = read(&bytes, &Limits::default()).expect_err("truncated");
    assert!(err.to_string().starts_with("zip: corrupt docx"), "{err}");
}
