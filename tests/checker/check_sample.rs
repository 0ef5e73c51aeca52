//! The bundled sample (`examples/data/sample`, the README's first command): what the
//! checker reports on it, and the generator of its DOCX and PDF files.
//!
//! The binaries are committed (a few KiB each) so that the README's command works from a
//! fresh clone; `cargo test --test check_sample -- --ignored` rewrites them from the
//! fixture builders in `tests/common`.

use crate::cli;
use crate::common;

use std::path::PathBuf;
use std::process::Command;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/sample")
}

/// A policy document whose header is marked but whose footer is not, and whose label
/// property says less than the header: the sample's DOCX problems.
fn policy_docx() -> Vec<u8> {
    use crate::common::{deflated, pack, para};
    // Deflated as Word writes it: docx-rs stores entries, which is four times larger.
    deflated(&pack(
        docx_rs::Docx::new()
            .header(docx_rs::Header::new().add_paragraph(para("SENSITIVE")))
            .footer(docx_rs::Footer::new().add_paragraph(para("Page 1")))
            .custom_property("Classification", "IN-CONFIDENCE")
            .add_paragraph(para("Draft policy: remote access for contractors"))
            .add_paragraph(para(
                "Contractors connect through the managed gateway only.",
            ))
            .add_paragraph(para("SENSITIVE")),
    ))
}

#[test]
#[ignore = "rewrites the committed sample files; run when the fixtures change"]
fn regenerate_sample_documents() {
    std::fs::create_dir_all(sample().join("documents")).unwrap();
    std::fs::write(sample().join("documents/access-policy.docx"), policy_docx()).unwrap();
    std::fs::write(
        sample().join("documents/annual-report.pdf"),
        common::pdf(2, "IN-CONFIDENCE"),
    )
    .unwrap();
}

#[test]
fn sample_documents_are_small_and_read() {
    for name in [
        "documents/access-policy.docx",
        "documents/annual-report.pdf",
    ] {
        let bytes = std::fs::read(sample().join(name)).unwrap();
        assert!(bytes.len() < 20 * 1024, "{name}: {} bytes", bytes.len());
        let doc = protective_marking::document::read(&bytes, &Default::default()).unwrap();
        assert!(!doc.parts.is_empty(), "{name}");
    }
}

/// The README's first command: every format of the sample is read, and each input gets the
/// marking and problems the sample was written to show.
#[test]
fn sample_reports() {
    let out = Command::new(cli::checker())
        .args(["scan", "--json"])
        .arg(sample())
        .output()
        .expect("run the checker (cargo build --examples first)");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let got: Vec<(String, String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let path = v["path"].as_str().unwrap();
            let rel = path.rsplit("sample/").next().unwrap().to_string();
            let codes: Vec<&str> = v["problems"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["code"].as_str().unwrap())
                .collect();
            let label = v["classification"].as_str().unwrap_or("UNMARKED");
            (rel, label.to_string(), codes.join(","))
        })
        .collect();
    let expected = [
        (
            "documents/access-policy.docx",
            "SENSITIVE",
            "missing-banner,metadata-disagrees",
        ),
        ("documents/annual-report.pdf", "IN-CONFIDENCE", ""),
        ("mail/archive.mbox#1", "UNCLASSIFIED", ""),
        ("mail/archive.mbox#2", "RESTRICTED", ""),
        ("mail/archive.mbox#3", "UNMARKED", "unmarked"),
        ("mail/budget-bid.eml", "SENSITIVE", "under-marked"),
        ("memos/briefing.txt", "SECRET", "under-marked"),
        ("memos/budget-bid.txt", "SENSITIVE", ""),
        ("memos/meeting-notes.txt", "UNMARKED", "unmarked"),
        (
            "memos/staff-review.txt",
            "IN-CONFIDENCE",
            "banners-disagree,non-canonical",
        ),
        ("press-release.txt", "UNCLASSIFIED", ""),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, expected);
}
