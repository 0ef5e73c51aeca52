//! Every third-party message in the shared corpus reads without panicking, with LF and CRLF
//! endings, and the structural facts MANIFEST.tsv points out are found.
#![cfg(feature = "mail")]

use std::path::{Path, PathBuf};

use protective_marking::mail::{MailProblemKind, MessageContent, read_message};
use protective_marking::{Limits, ReadError};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/third_party/eml"
);

fn to_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        if b == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 20);
    for &b in &to_lf(raw) {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(CORPUS);
    if !dir.is_dir() {
        // The corpus sits beside the checkout in CI; say so loudly rather than pass silently.
        panic!("third-party corpus not found at {CORPUS}");
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
}

fn read(name: &str, variant: &[u8]) -> MessageContent {
    read_message(variant, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Per-file structural facts (MANIFEST.tsv "interesting" column).
type Check = fn(&MessageContent);

const EXPECTATIONS: &[(&str, Check)] = &[
    ("dovecot_007_digest.eml", |m| {
        // multipart/digest children are message/rfc822 by default.
        let subjects: Vec<_> = m
            .attachments
            .iter()
            .map(|a| {
                assert_eq!(a.content_type, "message/rfc822");
                a.message.as_ref().and_then(|n| n.subject.clone())
            })
            .collect();
        assert_eq!(
            subjects,
            [
                Some("my opinion".into()),
                Some("i disagree".into()),
                Some("funny hat".into())
            ]
        );
        let paths: Vec<_> = m.all_attachments().iter().map(|a| a.path.clone()).collect();
        assert!(paths.iter().any(|p| *p == "attachment[3]/attachment[1]"));
    }),
    ("dovecot_008_submsg.eml", |m| {
        let nested = m.attachments[1].message.as_ref().expect("nested message");
        assert_eq!(m.attachments[1].path, "attachment[2]");
        assert_eq!(nested.subject.as_deref(), Some("submsg"));
        assert!(
            nested
                .bodies
                .iter()
                .any(|b| b.path == "attachment[2]/body/html")
        );
    }),
    ("dovecot_010_utf8_b_subject.eml", |m| {
        assert_eq!(m.subject.as_deref(), Some("こんにちは"));
    }),
    ("dovecot_014_yahoo_list.eml", |m| {
        let c = m.subject_candidates().expect("subject");
        let texts: Vec<_> = c.brackets.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["Shapelib"]);
        assert_eq!(c.brackets[0].span, 0..10);
        assert!(c.brackets[0].epms.is_none());
    }),
    ("dovecot_015_proxmox_nested.eml", |m| {
        let names: Vec<_> = m
            .attachments
            .iter()
            .map(|a| (a.filename.as_deref(), a.message.is_some()))
            .collect();
        assert_eq!(
            names,
            [
                (Some("training-mail.txt"), true),
                (Some("office-reply.txt"), true),
                (Some("shop-mail.txt"), true)
            ]
        );
        assert!(m.is_reply_or_forward());
    }),
    ("mail_attachment_message_rfc822.eml", |m| {
        let nested = m.attachments[0].message.as_ref().expect("nested");
        assert_eq!(nested.subject.as_deref(), Some("Another PDF"));
        assert_eq!(nested.attachments[0].content_type, "application/pdf");
        assert_eq!(nested.attachments[0].path, "attachment[1]/attachment[1]");
        assert!(nested.attachments[0].bytes.starts_with(b"%PDF"));
    }),
    ("mail_attachment_message_rfc822_inline_image.eml", |m| {
        // The attached message declares a boundary its (truncated) body never has.
        assert!(!m.is_complete());
        assert!(
            m.problems
                .iter()
                .any(|p| p.path == "attachment[2]/body/text"
                    && matches!(p.kind, MailProblemKind::BoundaryNotFound { .. }))
        );
        assert_eq!(m.attachments[0].content_type, "image/png");
    }),
    ("mail_attachment_only_email.eml", |m| {
        assert!(m.bodies.is_empty());
        assert_eq!(m.attachments.len(), 1);
    }),
    ("mail_attachment_pdf.eml", |m| {
        assert!(m.subject.as_deref().is_some_and(|s| s.contains('🎉')));
        assert_eq!(m.attachments[0].content_type, "application/pdf");
    }),
    ("mail_attachment_with_quoted_filename_applemail.eml", |m| {
        assert_eq!(m.subject.as_deref(), Some("Eelanalüüsi päring"));
        assert_eq!(
            m.attachments[0].filename.as_deref(),
            Some("Eelanalüüsi päring.jpg")
        );
    }),
    ("mail_attachment_with_encoded_name.eml", |m| {
        let f = m.attachments[0].filename.as_deref().expect("filename");
        assert!(
            f.starts_with("01 Quien Te Dij") && f.ends_with(".mp3"),
            "{f}"
        );
    }),
    ("mail_bad_encoded_subject.eml", |m| {
        // Unknown charset NONE and bad base64 padding: decoded leniently, not an error.
        assert_eq!(m.subject.as_deref(), Some("TEST"));
    }),
    ("mail_invalid_subject_characters.eml", |m| {
        let s = m.subject.as_deref().expect("subject");
        assert!(s.contains("FrenetikPolis"));
    }),
    ("mail_japanese_iso_2022.eml", |m| {
        assert_eq!(m.subject.as_deref(), Some("まみむめも"));
    }),
    ("mail_missing_body_oe5.eml", |m| {
        assert!(
            m.problems
                .iter()
                .any(|p| matches!(p.kind, MailProblemKind::BoundaryNotFound { .. }))
        );
    }),
    ("mail_multi_address_bounce1_zimbra.eml", |m| {
        let nested = m
            .attachments
            .iter()
            .find_map(|a| a.message.as_ref())
            .expect("returned message");
        assert_eq!(nested.subject.as_deref(), Some("Test of bounce email"));
    }),
    ("mail_new_line_in_to_header.eml", |m| {
        let c = m.subject_candidates().expect("subject");
        assert_eq!(c.brackets[0].text, "Online Lead");
    }),
    ("mail_raw_email_reply_thunderbird.eml", |m| {
        assert!(!m.in_reply_to.is_empty());
        assert!(m.is_reply_or_forward());
    }),
    ("mail_raw_email_with_partially_quoted_subject.eml", |m| {
        assert_eq!(
            m.subject.as_deref(),
            Some("Re: Test: \"漢字\" mid \"漢字\" tail")
        );
    }),
    ("mail_utf8_headers_rfc6532.eml", |m| {
        assert_eq!(m.subject.as_deref(), Some("Säying Hello"));
    }),
    ("stalwart_malformed_002.eml", |m| {
        assert_eq!(
            m.problems[0].kind,
            MailProblemKind::BoundaryNotFound {
                boundary: "ab".into()
            }
        );
        assert_eq!(m.bodies.len(), 1);
    }),
    ("stalwart_malformed_010.eml", |m| {
        let paths: Vec<_> = m.all_bodies().iter().map(|b| b.path.clone()).collect();
        assert_eq!(paths, ["attachment[1]/attachment[1]/body/text"]);
    }),
    ("stalwart_malformed_012.eml", |m| {
        assert!(
            m.problems
                .iter()
                .any(|p| p.kind == MailProblemKind::BadEncoding)
        );
    }),
    ("stalwart_malformed_022_broken_rfc822.eml", |m| {
        assert_eq!(m.attachments[0].filename.as_deref(), Some("broken.eml"));
        assert!(m.attachments[0].message.is_none());
        assert_eq!(m.problems[0].kind, MailProblemKind::UnreadableNestedMessage);
        assert_eq!(
            m.attachments[0].bytes,
            b"this attachment is not a valid eml, sorry!"
        );
    }),
    ("stalwart_rfc_002_fwd.eml", |m| {
        let c = m.subject_candidates().expect("subject");
        assert_eq!(c.brackets[0].text, "Fwd: Map of Argentina with Description");
        let nested = m.attachments[0].message.as_ref().expect("nested");
        assert_eq!(nested.attachments[0].content_type, "image/gif");
    }),
    ("stalwart_rfc_004_digest.eml", |m| {
        assert_eq!(m.attachments.len(), 2);
        assert!(m.attachments.iter().all(|a| a.message.is_some()));
    }),
    ("stalwart_rfc_007_nested.eml", |m| {
        assert_eq!(
            m.attachments
                .last()
                .and_then(|a| a.message.as_ref())
                .and_then(|n| n.subject.clone()),
            Some("J".into())
        );
    }),
];

#[test]
fn every_corpus_message_reads_with_lf_and_crlf() {
    let files = corpus_files();
    assert!(files.len() >= 30, "corpus has {} files", files.len());
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let raw = std::fs::read(path).expect("read");
        for (ending, bytes) in [
            ("as is", raw.clone()),
            ("lf", to_lf(&raw)),
            ("crlf", to_crlf(&raw)),
        ] {
            match read_message(&bytes, &Limits::default()) {
                Ok(m) => {
                    // Every piece has a path; problems name theirs.
                    assert!(m.all_bodies().iter().all(|b| !b.path.is_empty()));
                    assert!(
                        m.all_attachments()
                            .iter()
                            .all(|a| a.size == a.bytes.len() as u64)
                    );
                }
                Err(ReadError::Corrupt { .. }) | Err(ReadError::LimitExceeded { .. }) => {}
                Err(e) => panic!("{name} ({ending}): unexpected {e}"),
            }
        }
    }
}

#[test]
fn corpus_structural_facts() {
    let files = corpus_files();
    for (name, check) in EXPECTATIONS {
        let path = files
            .iter()
            .find(|p| p.file_name().and_then(|n| n.to_str()) == Some(name))
            .unwrap_or_else(|| panic!("{name} missing from corpus"));
        let raw = std::fs::read(path).expect("read");
        for bytes in [to_lf(&raw), to_crlf(&raw)] {
            check(&read(name, &bytes));
        }
    }
}

#[test]
fn corpus_serialises_to_json() {
    for path in corpus_files() {
        let raw = std::fs::read(&path).expect("read");
        if let Ok(m) = read_message(&raw, &Limits::default()) {
            let json = serde_json::to_value(&m).expect("serialise");
            assert!(json.get("bodies").is_some());
        }
    }
}
