//! DOCX structure (corpus files and docx-rs fixtures) and hostile containers generated here.

use crate::common;

use crate::common::{RawEntry, W_NS, document_xml, docx_with, pack, para, part};
use protective_marking::document::{
    Document, Format, HeaderKind, PartKind, read, read_docx, sniff,
};
use protective_marking::{Limits, ReadError, limits::Limit};

fn corpus_doc(name: &str) -> Document {
    let bytes = common::corpus_bytes(&format!("docx/{name}"));
    read_docx(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn limit_of(r: Result<Document, ReadError>) -> Limit {
    match r {
        Err(ReadError::LimitExceeded { limit, .. }) => limit,
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
}

// ---- corpus structure ----

#[test]
fn first_page_header_found() {
    let doc = corpus_doc("poi_DiffFirstPageHeadFoot.docx");
    let first = part(&doc, "header[first]/section 1");
    assert_eq!(first.kind, PartKind::Header(HeaderKind::First));
    assert_eq!(first.section(), Some(1));
    assert!(first.text.contains("header on the first page"));
    assert!(
        part(&doc, "footer[first]/section 1")
            .text
            .contains("footer of the first page")
    );
    assert!(
        part(&doc, "header[default]/section 1")
            .text
            .contains("First header column!")
    );
}

#[test]
fn footnotes_and_endnotes_found() {
    let doc = corpus_doc("mammoth_footnotes.docx");
    let notes = part(&doc, "footnotes");
    assert_eq!(notes.kind, PartKind::Footnotes);
    assert!(notes.text.contains("A tachyon walks into a bar."));
    assert!(!part(&doc, "body").text.contains("tachyon"));
    // This file's endnotes part holds only separators; the POI file has real endnote parts.
    let doc = corpus_doc("poi_DiffFirstPageHeadFoot.docx");
    assert!(
        doc.parts
            .iter()
            .all(|p| p.kind != PartKind::Endnotes || !p.text.is_empty())
    );
}

#[test]
fn text_box_text_found_once() {
    let doc = corpus_doc("mammoth_text-box.docx");
    // The mc:Fallback copy of the text box is skipped, so the line appears once.
    assert_eq!(part(&doc, "body").text, "Datum plane");
}

#[test]
fn tracked_deletions_are_not_body() {
    let doc = corpus_doc("poi_Tika-792_tracked_changes.docx");
    let deleted = part(&doc, "body/deleted");
    assert_eq!(deleted.kind, PartKind::Deleted);
    assert!(deleted.text.contains('s') && deleted.text.contains('b'));
    assert!(doc.parts.iter().all(|p| p.kind != PartKind::Body));
}

#[test]
fn hidden_text_is_separate() {
    let doc = corpus_doc("docxrs_hidden_libreoffice.docx");
    assert_eq!(part(&doc, "body").text, "Hello World");
    let hidden = part(&doc, "body/hidden");
    assert_eq!(hidden.kind, PartKind::Hidden);
    assert!(hidden.text.contains("Hidden"));
}

#[test]
fn external_entity_not_resolved() {
    // Never fetched, never expanded, never kept as text that could hide a marking: refused.
    let bytes = common::corpus_bytes("docx/poi_ExternalEntityInText_xxe.docx");
    match read_docx(&bytes, &Limits::default()) {
        Err(ReadError::Corrupt { reason, .. }) => {
            assert!(reason.contains("&testent;"), "{reason}");
            assert!(!reason.contains("poi.apache.org"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn even_page_headers() {
    let doc = corpus_doc("pythondocx_doc-odd-even-hdrs.docx");
    let even = part(&doc, "header[even]/section 1");
    assert_eq!(even.kind, PartKind::Header(HeaderKind::Even));
    assert_eq!(even.text, "Even page header.");
    assert_eq!(
        part(&doc, "header[default]/section 1").text,
        "Odd page header."
    );
}

#[test]
fn custom_core_properties_comments_watermark() {
    let doc = corpus_doc("poi_WordWithAttachments.docx");
    let custom = part(&doc, "property:custom/description");
    assert_eq!(
        (custom.kind, custom.text.as_str()),
        (PartKind::CustomProperty, "another value")
    );
    assert_eq!(part(&doc, "property:custom/Описание").text, "Всякое-разное");
    assert_eq!(
        part(&doc, "property:core/subject").kind,
        PartKind::CoreProperty
    );
    assert_eq!(part(&doc, "comments").kind, PartKind::Comments);
    assert_eq!(part(&doc, "body/watermark").kind, PartKind::Watermark);
}

#[test]
fn unicode_headers_and_bom() {
    let doc = corpus_doc("poi_HeaderFooterUnicode.docx");
    assert!(part(&doc, "header[default]/section 1").text.contains('€'));
    assert!(
        part(&doc, "footer[default]/section 1")
            .text
            .contains("Molière")
    );
    let doc = corpus_doc("mammoth_utf8-bom.docx");
    assert_eq!(part(&doc, "body").text, "This XML has a byte order mark.");
}

#[test]
fn two_sections_each_header_located() {
    let doc = corpus_doc("docxrs_spec_vanish.docx");
    assert_eq!(doc.sections, 2);
    assert_eq!(part(&doc, "footer[default]/section 2").section(), Some(2));
}

// ---- docx-rs fixtures ----

#[test]
fn marking_in_header_and_body() {
    let bytes = pack(
        docx_rs::Docx::new()
            .header(docx_rs::Header::new().add_paragraph(para("IN-CONFIDENCE")))
            .first_header(docx_rs::Header::new().add_paragraph(para("SENSITIVE")))
            .footer(docx_rs::Footer::new().add_paragraph(para("IN-CONFIDENCE // footer")))
            .add_paragraph(
                docx_rs::Paragraph::new()
                    .add_run(docx_rs::Run::new().add_text("TOP ").bold())
                    .add_run(docx_rs::Run::new().add_text("SECRET")),
            )
            .add_paragraph(para("second line"))
            .custom_property("Classification", "RESTRICTED")
            .custom_property("MSIP_Label_0000_Name", "IN-CONFIDENCE")
            .custom_property("Owner", "Team"),
    );
    for bytes in [bytes.clone(), common::deflated(&bytes)] {
        assert_eq!(sniff(&bytes), Format::Docx);
        let doc = read(&bytes, &Limits::default()).expect("read");
        assert_eq!(doc.format, Format::Docx);
        assert_eq!(doc.sections, 1);
        assert_eq!(part(&doc, "body").text, "TOP SECRET\nsecond line");
        assert_eq!(
            part(&doc, "header[default]/section 1").text,
            "IN-CONFIDENCE"
        );
        assert_eq!(part(&doc, "header[first]/section 1").text, "SENSITIVE");
        assert_eq!(
            part(&doc, "footer[default]/section 1").text,
            "IN-CONFIDENCE // footer"
        );
        assert_eq!(
            part(&doc, "property:custom/Classification").kind,
            PartKind::LabelProperty
        );
        assert_eq!(
            part(&doc, "property:custom/MSIP_Label_0000_Name").kind,
            PartKind::LabelProperty
        );
        assert_eq!(
            part(&doc, "property:custom/Owner").kind,
            PartKind::CustomProperty
        );
    }
}

#[test]
fn multi_section_headers_all_found() {
    let bytes = pack(
        docx_rs::Docx::new()
            .add_section(
                docx_rs::Section::new()
                    .header(docx_rs::Header::new().add_paragraph(para("HEADER-A IN CONFIDENCE")))
                    .add_paragraph(para("section one")),
            )
            .header(docx_rs::Header::new().add_paragraph(para("HEADER-B SECRET")))
            .add_paragraph(para("section two")),
    );
    let doc = read_docx(&bytes, &Limits::default()).expect("read");
    assert_eq!(doc.sections, 2);
    let headers: Vec<(String, &str)> = doc
        .parts
        .iter()
        .filter(|p| matches!(p.kind, PartKind::Header(_)))
        .map(|p| (p.path.to_string(), p.text.as_str()))
        .collect();
    assert_eq!(
        headers,
        [
            (
                "header[default]/section 1".to_string(),
                "HEADER-A IN CONFIDENCE"
            ),
            ("header[default]/section 2".to_string(), "HEADER-B SECRET"),
        ]
    );
}

#[test]
fn header_text_box_and_watermark_are_header_text() {
    let header = r#"<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"><w:p><w:r><w:pict><v:shape><v:textpath string="DRAFT SECRET"/></v:shape></w:pict></w:r><w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>RESTRICTED</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p></w:hdr>"#;
    let body = document_xml(
        r#"<w:p><w:r><w:t>b</w:t></w:r></w:p><w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr>"#,
    );
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/></Relationships>"#;
    let bytes = docx_with(
        RawEntry::stored("word/document.xml", body.as_bytes()),
        vec![
            RawEntry::stored("word/_rels/document.xml.rels", rels.as_bytes()),
            RawEntry::stored("word/header1.xml", header.as_bytes()),
        ],
        "",
    );
    let doc = read_docx(&bytes, &Limits::default()).expect("read");
    assert_eq!(part(&doc, "header[default]/section 1").text, "RESTRICTED");
    let wm = part(&doc, "header[default]/section 1/watermark");
    assert_eq!(
        (wm.kind, wm.text.as_str(), wm.section()),
        (PartKind::Watermark, "DRAFT SECRET", Some(1))
    );
}

// ---- not a docx ----

#[test]
fn xlsx_shaped_package_is_unsupported() {
    let types = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let bytes = common::raw_zip(&[
        RawEntry::stored("[Content_Types].xml", types.as_bytes()),
        RawEntry::stored("_rels/.rels", rels.as_bytes()),
        RawEntry::stored("xl/workbook.xml", b"<workbook/>"),
    ]);
    // Sniffed as the workbook it is (read by the XLSX reader: no sheets, no text); the DOCX
    // reader itself refuses it rather than reading an empty document.
    assert_eq!(sniff(&bytes), Format::Xlsx);
    let doc = read(&bytes, &Limits::default()).expect("an empty workbook");
    assert_eq!((doc.format, doc.parts.len()), (Format::Xlsx, 0));
    match read_docx(&bytes, &Limits::default()) {
        Err(ReadError::Unsupported { what, .. }) => {
            assert!(what.contains("spreadsheetml"), "{what}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    let no_types = common::raw_zip(&[RawEntry::stored("a.txt", b"x")]);
    assert!(matches!(
        read(&no_types, &Limits::default()),
        Err(ReadError::Corrupt { .. })
    ));
}

// ---- hostile containers ----

const MIB: u64 = 1024 * 1024;

#[test]
fn zip_bomb_flat_stops_at_the_ratio() {
    let prefix = format!(r#"<w:document {W_NS}><w:body><w:p><w:r><w:t>"#);
    let entry = RawEntry::spaces(
        "word/document.xml",
        &prefix,
        200 * MIB,
        "</w:t></w:r></w:p></w:body></w:document>",
    );
    let bytes = docx_with(entry, vec![], "");
    assert!(
        bytes.len() < 2 * MIB as usize,
        "bomb is {} bytes",
        bytes.len()
    );
    // This hand-made stream inflates about 159:1, under the default ratio of 200, so the
    // per-entry cap (64 MiB) is what stops it; zlib output of the same text (about 1000:1)
    // would stop at the ratio check after 1 MiB.
    match read(&bytes, &Limits::default()) {
        Err(ReadError::LimitExceeded {
            limit: Limit::EntryBytes,
            location,
            ..
        }) => {
            assert_eq!(location, "word/document.xml")
        }
        other => panic!("{other:?}"),
    }
    let limits = Limits {
        max_compression_ratio: 100,
        ..Limits::default()
    };
    assert_eq!(
        limit_of(read_docx(&bytes, &limits)),
        Limit::CompressionRatio
    );
}

#[test]
fn zip_bomb_spread_over_entries_stops_at_the_total() {
    // 300 header parts of just under 1 MiB each: each passes the ratio check, the total not.
    let mut extra = Vec::new();
    let mut types = String::new();
    let header = RawEntry::spaces("", &format!("<w:hdr {W_NS}>"), 1_000_000, "</w:hdr>");
    for i in 0..300 {
        let name = format!("word/header{i}.xml");
        extra.push(RawEntry {
            name: name.clone(),
            ..header.clone()
        });
        types.push_str(&format!(
            r#"<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#
        ));
    }
    let body = document_xml("<w:p/>");
    let bytes = docx_with(
        RawEntry::stored("word/document.xml", body.as_bytes()),
        extra,
        &types,
    );
    let limits = Limits {
        max_decompressed_bytes: 64 * MIB,
        ..Limits::default()
    };
    // (64 MiB rather than the 256 MiB default keeps the debug-build test quick.)
    assert_eq!(
        limit_of(read_docx(&bytes, &limits)),
        Limit::DecompressedBytes
    );
}

#[test]
fn deep_nesting_stops_at_the_depth_limit() {
    let body = document_xml(&("<w:p>".repeat(10_000) + &"</w:p>".repeat(10_000)));
    let bytes = docx_with(
        RawEntry::stored("word/document.xml", body.as_bytes()),
        vec![],
        "",
    );
    match read_docx(&bytes, &Limits::default()) {
        Err(ReadError::LimitExceeded {
            limit: Limit::XmlDepth,
            location,
            ..
        }) => {
            assert_eq!(location, "word/document.xml")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn too_many_entries() {
    let body = document_xml("<w:p/>");
    let extra = (0..10_001)
        .map(|i| RawEntry::stored(&format!("x/{i}"), b""))
        .collect();
    let bytes = docx_with(
        RawEntry::stored("word/document.xml", body.as_bytes()),
        extra,
        "",
    );
    assert_eq!(
        limit_of(read_docx(&bytes, &Limits::default())),
        Limit::ZipEntries
    );
}

#[test]
fn input_size_limit() {
    let limits = Limits {
        max_input_bytes: 10,
        ..Limits::default()
    };
    assert_eq!(limit_of(read_docx(&[0u8; 11], &limits)), Limit::InputBytes);
}

#[test]
fn crc_mismatch_is_corrupt() {
    let body = document_xml("<w:p><w:r><w:t>SECRET</w:t></w:r></w:p>");
    let mut bytes = docx_with(
        RawEntry::stored("word/document.xml", body.as_bytes()),
        vec![],
        "",
    );
    let at = bytes.windows(6).position(|w| w == b"SECRET").expect("text");
    bytes[at] = b'X';
    match read_docx(&bytes, &Limits::default()) {
        Err(ReadError::Corrupt {
            location, reason, ..
        }) => {
            assert_eq!(location, "word/document.xml");
            assert!(reason.to_lowercase().contains("checksum"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

/// A one-entry docx whose `word/document.xml` is `entry`, and the offsets of that entry's
/// local and central headers.
fn one_entry_docx(entry: RawEntry) -> (Vec<u8>, usize, usize) {
    let bytes = docx_with(entry, vec![], "");
    let local = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"PK\x03\x04")
        .map(|(i, _)| i)
        .find(|&i| bytes[i + 30..].starts_with(b"word/document.xml"))
        .expect("local header");
    let central = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"PK\x01\x02")
        .map(|(i, _)| i)
        .find(|&i| bytes[i + 46..].starts_with(b"word/document.xml"))
        .expect("central header");
    (bytes, local, central)
}

fn corrupt_reason(r: Result<Document, ReadError>) -> String {
    match r {
        Err(ReadError::Corrupt {
            location, reason, ..
        }) => {
            assert_eq!(location, "word/document.xml");
            reason
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn stored_and_deflated_entries_read_alike() {
    let body = document_xml("<w:p><w:r><w:t>RESTRICTED</w:t></w:r></w:p>");
    let stored = docx_with(
        RawEntry::stored("word/document.xml", body.as_bytes()),
        vec![],
        "",
    );
    let deflated = common::deflated(&stored);
    assert_ne!(stored, deflated);
    for bytes in [stored, deflated] {
        let doc = read_docx(&bytes, &Limits::default()).expect("docx");
        assert!(
            doc.parts.iter().any(|p| p.text.contains("RESTRICTED")),
            "{:?}",
            doc.parts
        );
    }
}

#[test]
fn size_mismatch_is_corrupt() {
    let body = document_xml("<w:p><w:r><w:t>SECRET</w:t></w:r></w:p>");
    let mut entry = RawEntry::stored("word/document.xml", body.as_bytes());
    entry.size += 5;
    let (bytes, _, _) = one_entry_docx(entry);
    let reason = corrupt_reason(read_docx(&bytes, &Limits::default()));
    assert!(reason.contains("declares"), "{reason}");
}

#[test]
fn truncated_deflate_is_corrupt() {
    let prefix = format!(r#"<w:document {W_NS}><w:body><w:p><w:r><w:t>SECRET"#);
    let mut entry = RawEntry::spaces(
        "word/document.xml",
        &prefix,
        100_000,
        "</w:t></w:r></w:p></w:body></w:document>",
    );
    // The stream cut in half: its sizes and CRC still say what the whole would be.
    entry.data.truncate(entry.data.len() / 2);
    let (bytes, _, _) = one_entry_docx(entry);
    let reason = corrupt_reason(read_docx(&bytes, &Limits::default()));
    assert!(reason.contains("truncated"), "{reason}");
}

/// The reader lends the inflater the bytes after an entry (the next header), so that it
/// decodes fast to the entry's last byte; a stream a few bytes short of its end reads into
/// them, and is refused as truncated all the same.
#[test]
fn deflate_stream_a_few_bytes_short_is_corrupt() {
    let prefix = format!(r#"<w:document {W_NS}><w:body><w:p><w:r><w:t>SECRET"#);
    for cut in 1..=20 {
        let mut entry = RawEntry::spaces(
            "word/document.xml",
            &prefix,
            300,
            "</w:t></w:r></w:p></w:body></w:document>",
        );
        let keep = entry.data.len() - cut;
        entry.data.truncate(keep);
        let (bytes, _, _) = one_entry_docx(entry);
        let reason = corrupt_reason(read_docx(&bytes, &Limits::default()));
        assert!(reason.contains("truncated"), "cut {cut}: {reason}");
    }
}

#[test]
fn encrypted_entry_is_unsupported_never_empty() {
    let body = document_xml("<w:p><w:r><w:t>SECRET</w:t></w:r></w:p>");
    let (mut bytes, local, central) =
        one_entry_docx(RawEntry::stored("word/document.xml", body.as_bytes()));
    // General-purpose flag bit 0: the entry is encrypted (traditional PKWARE).
    bytes[local + 6] |= 1;
    bytes[central + 8] |= 1;
    match read_docx(&bytes, &Limits::default()) {
        Err(ReadError::Unsupported { what, location }) => {
            assert_eq!(location, "word/document.xml");
            assert!(what.contains("Password"), "{what}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn unknown_compression_method_is_unsupported() {
    let body = document_xml("<w:p><w:r><w:t>SECRET</w:t></w:r></w:p>");
    let mut entry = RawEntry::stored("word/document.xml", body.as_bytes());
    entry.method = 12; // bzip2, which no office suite writes
    let (bytes, _, _) = one_entry_docx(entry);
    match read_docx(&bytes, &Limits::default()) {
        Err(ReadError::Unsupported { what, location }) => {
            assert_eq!(location, "word/document.xml");
            assert!(what.contains("compression method"), "{what}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn single_byte_mutations_never_panic() {
    let base = common::deflated(&pack(
        docx_rs::Docx::new()
            .header(docx_rs::Header::new().add_paragraph(para("IN-CONFIDENCE")))
            .add_paragraph(para("body text"))
            .custom_property("Classification", "RESTRICTED"),
    ));
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let (mut ok, mut err) = (0, 0);
    for i in 0..400 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut m = base.clone();
        let at = (seed as usize) % m.len();
        m[at] ^= if i % 2 == 0 { 0xFF } else { 1 << (seed >> 61) };
        match read(&m, &Limits::default()) {
            Ok(_) => ok += 1,
            Err(ReadError::ParserPanicked { .. }) => panic!("mutation {i} at {at} panicked"),
            Err(_) => err += 1,
        }
    }
    assert_eq!(ok + err, 400);
    assert!(err > 0);
}

#[test]
fn malformed_xml_is_corrupt_not_a_hang() {
    for body in [
        r#"<w:p><w:r><w:t a="unterminated>x</w:t></w:r></w:p>"#,
        "<w:p><w:r><w:t>x</w:r></w:p>",
        "<w:p><w:r><w:t>x",
    ] {
        let xml = document_xml(body);
        let bytes = docx_with(
            RawEntry::stored("word/document.xml", xml.as_bytes()),
            vec![],
            "",
        );
        assert!(
            matches!(
                read_docx(&bytes, &Limits::default()),
                Err(ReadError::Corrupt { .. })
            ),
            "{body}"
        );
    }
    // `<` in an attribute value makes docx-rs 0.4.22 loop forever; here it is read.
    let xml = document_xml(r#"<w:p><w:r><w:t a="<">x</w:t></w:r></w:p>"#);
    let bytes = docx_with(
        RawEntry::stored("word/document.xml", xml.as_bytes()),
        vec![],
        "",
    );
    assert!(!matches!(
        read_docx(&bytes, &Limits::default()),
        Err(ReadError::ParserPanicked { .. })
    ));
}

#[test]
fn text_limit_applies_across_parts() {
    let bytes = pack(
        docx_rs::Docx::new()
            .header(docx_rs::Header::new().add_paragraph(para("0123456789")))
            .add_paragraph(para("0123456789")),
    );
    let limits = Limits {
        max_text_bytes: 15,
        ..Limits::default()
    };
    assert_eq!(limit_of(read_docx(&bytes, &limits)), Limit::TextBytes);
}
