//! The hostile-input corpus (unreadable, oversized and disguised input), generated here rather than
//! committed as binaries, and driven end to end through the mail gateway: each case is a whole
//! message (hostile documents travel as attachments) and asserts the verdict, why, and that the run
//! stays within the documented limits (README, "Limits").
//!
//! * Unreadable or over a limit: the verdict is the policy's `on_error` action (tempfail),
//!   never accept, and a reason names what could not be read.
//! * Hidden markings (zero-width characters, look-alike letters, soft hyphens, a marking split
//!   over two lines): the marking is still read, so a message labelled `[IN-CONFIDENCE]`
//!   whose body says SECRET is refused (under-marked) and evasion is reported.
//! * Resources: each case runs on a 2 MiB thread stack (the size of a milter worker's), and a
//!   watchdog fails a case that does not finish in 120 s (a hang, not a slow run). The process's
//!   peak resident memory after the whole corpus must stay under 1 GiB.
//!
//! To write the corpus to files (for the checker, or as fuzz seeds):
//! `HOSTILE_CORPUS_DIR=/tmp/hostile cargo test --test mail hostile_corpus`.

use crate::common::{self, RawEntry, W_NS, base64, document_xml, docx_with, hand_pdf, office};
use protective_marking::{Envelope, Gateway, GatewayAction, GatewayPolicy, ProblemCode, Verdict};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const MIB: u64 = 1024 * 1024;

const POLICY: &str = r#"
[gateway]
direction = "outbound"
unmarked = "reject"
on_error = "tempfail"
[[gateway.domain]]
pattern = "*"
ceiling = "IN-CONFIDENCE"
"#;

/// What a case must come to.
#[derive(Debug)]
enum Expect {
    /// Could not be read (or over a limit): the `on_error` action, never accept.
    FailClosed,
    /// A disguised SECRET in an `[IN-CONFIDENCE]` message: refused, effective SECRET or
    /// higher, and flagged as evasion when `evasion` is set.
    HiddenSecret { evasion: bool },
    /// Readable despite its shape: the verdict is whatever the marking says, as long as the
    /// message is not lost (accepted only if it is marked and within the ceiling).
    Survives,
}

struct Case {
    name: &'static str,
    file: &'static str,
    message: Vec<u8>,
    expect: Expect,
}

/// A marked message carrying `data` as an attachment called `name`.
fn with_attachment(name: &str, content_type: &str, data: &[u8]) -> Vec<u8> {
    format!(
        "From: a@agency.govt.nz\r\nTo: b@example.com\r\nSubject: Papers [IN-CONFIDENCE]\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"hb\"\r\n\r\n--hb\r\nContent-Type: text/plain\r\n\r\nIN-CONFIDENCE\r\n\r\nSee attached.\r\n\r\nIN-CONFIDENCE\r\n--hb\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--hb--\r\n",
        base64(data)
    )
    .into_bytes()
}

fn docx_attachment(data: &[u8]) -> Vec<u8> {
    with_attachment(
        "hostile.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        data,
    )
}

fn pdf_attachment(data: &[u8]) -> Vec<u8> {
    with_attachment("hostile.pdf", "application/pdf", data)
}

/// A marked plain-text message with this body.
fn text_message(subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: a@agency.govt.nz\r\nTo: b@example.com\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

const FONT: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

fn page_stream(text: &str, declared_length: Option<u64>) -> String {
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let len = declared_length.unwrap_or(content.len() as u64);
    format!("<< /Length {len} >>\nstream\n{content}\nendstream")
}

fn page(parent: usize, content: usize, font: usize) -> String {
    format!(
        "<< /Type /Page /Parent {parent} 0 R /Contents {content} 0 R /Resources << /Font << /F1 {font} 0 R >> >> >>"
    )
}

/// A page tree `depth` levels deep above one page saying SECRET.
fn deep_page_tree(depth: usize) -> Vec<u8> {
    // 1 catalog, 2..=depth+1 Pages nodes, then page, font, content.
    let page_id = depth + 2;
    let mut objects = vec!["<< /Type /Catalog /Pages 2 0 R >>".to_owned()];
    for level in 0..depth {
        let id = level + 2;
        let kid = if level + 1 == depth { page_id } else { id + 1 };
        let parent = if level == 0 {
            String::new()
        } else {
            format!("/Parent {} 0 R ", id - 1)
        };
        objects.push(format!(
            "<< /Type /Pages {parent}/Kids [{kid} 0 R] /Count 1 >>"
        ));
    }
    objects.push(page(depth + 1, page_id + 2, page_id + 1));
    objects.push(FONT.to_owned());
    objects.push(page_stream("SECRET", None));
    hand_pdf(&objects)
}

/// A DOCX main part whose text is the billion-laughs entity `&i;`.
fn laughs_template() -> String {
    format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lollollollollollollollollollol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]><w:document {W_NS}><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"#
    )
}

fn xlsx_attachment(data: &[u8]) -> Vec<u8> {
    with_attachment(
        "hostile.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        data,
    )
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |name, file, message, expect| {
        cases.push(Case {
            name,
            file,
            message,
            expect,
        })
    };

    // ---- DOCX ----
    let prefix = format!(r#"<w:document {W_NS}><w:body><w:p><w:r><w:t>"#);
    let flat_bomb = docx_with(
        RawEntry::spaces(
            "word/document.xml",
            &prefix,
            200 * MIB,
            "</w:t></w:r></w:p></w:body></w:document>",
        ),
        vec![],
        "",
    );
    add(
        "docx zip bomb, flat (200 MiB in one entry)",
        "zip-bomb-flat.eml",
        docx_attachment(&flat_bomb),
        Expect::FailClosed,
    );

    let header = RawEntry::spaces("", &format!("<w:hdr {W_NS}>"), 1_000_000, "</w:hdr>");
    let mut extra = Vec::new();
    let mut types = String::new();
    for i in 0..300 {
        let name = format!("word/header{i}.xml");
        types.push_str(&format!(r#"<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#));
        extra.push(RawEntry {
            name,
            ..header.clone()
        });
    }
    let spread_bomb = docx_with(
        RawEntry::stored("word/document.xml", document_xml("<w:p/>").as_bytes()),
        extra,
        &types,
    );
    add(
        "docx zip bomb, spread over 300 entries (300 MB)",
        "zip-bomb-spread.eml",
        docx_attachment(&spread_bomb),
        Expect::FailClosed,
    );

    // A zip inside the zip: the inner archive is not opened (an embedded object is not the
    // document's text), and the outer one holds a bomb entry too.
    let inner = docx_with(
        RawEntry::spaces(
            "word/document.xml",
            &prefix,
            100 * MIB,
            "</w:t></w:r></w:p></w:body></w:document>",
        ),
        vec![],
        "",
    );
    let nested_bomb = docx_with(
        RawEntry::spaces(
            "word/document.xml",
            &prefix,
            100 * MIB,
            "</w:t></w:r></w:p></w:body></w:document>",
        ),
        vec![RawEntry::stored("word/embeddings/inner.docx", &inner)],
        "",
    );
    add(
        "docx zip bomb, nested (a bomb inside a bomb)",
        "zip-bomb-nested.eml",
        docx_attachment(&nested_bomb),
        Expect::FailClosed,
    );

    let laughs = laughs_template();
    let laughs = docx_with(
        RawEntry::stored("word/document.xml", laughs.as_bytes()),
        vec![],
        "",
    );
    add(
        "docx XML entity expansion (billion laughs)",
        "entity-expansion.eml",
        docx_attachment(&laughs),
        Expect::FailClosed,
    );

    let deep = document_xml(&("<w:p>".repeat(10_000) + &"</w:p>".repeat(10_000)));
    let deep = docx_with(
        RawEntry::stored("word/document.xml", deep.as_bytes()),
        vec![],
        "",
    );
    add(
        "docx 10,000-deep XML nesting",
        "xml-deep.eml",
        docx_attachment(&deep),
        Expect::FailClosed,
    );

    // ---- PPTX, XLSX, Outlook .msg ----
    let slide_prefix = r#"<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>"#;
    let slide_bomb = RawEntry::spaces(
        "",
        slide_prefix,
        200 * MIB,
        "</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>",
    );
    let pptx_bomb = common::raw_zip(&office::pptx_entries(
        "",
        &[String::new()],
        Some(slide_bomb),
    ));
    add(
        "pptx zip bomb (a 200 MiB slide)",
        "pptx-zip-bomb.eml",
        with_attachment(
            "hostile.pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            &pptx_bomb,
        ),
        Expect::FailClosed,
    );
    let sheet = (
        "Budget".to_owned(),
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#.to_owned(),
        String::new(),
    );
    let strings_bomb = RawEntry::spaces(
        "",
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#,
        200 * MIB,
        "</t></si></sst>",
    );
    let xlsx_bomb = common::raw_zip(&office::xlsx_entries(
        std::slice::from_ref(&sheet),
        &[],
        Some(strings_bomb),
    ));
    add(
        "xlsx zip bomb (200 MiB of shared strings)",
        "xlsx-zip-bomb.eml",
        xlsx_attachment(&xlsx_bomb),
        Expect::FailClosed,
    );
    let laughs_strings = laughs_template()
        .replace("w:document", "sst")
        .replace(
            &format!("<sst {W_NS}><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></sst>"),
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&i;</t></si></sst>"#,
        );
    let xlsx_laughs = common::raw_zip(&office::xlsx_entries(
        std::slice::from_ref(&sheet),
        &[],
        Some(RawEntry::stored("", laughs_strings.as_bytes())),
    ));
    add(
        "xlsx billion laughs in the shared strings",
        "xlsx-entity-expansion.eml",
        xlsx_attachment(&xlsx_laughs),
        Expect::FailClosed,
    );
    // Each cell is 22 bytes and names one 1 MiB shared string: 100,000 cells would read as
    // 100 GiB of text, so the sheet must stop at `max_text_bytes` as it grows, not after.
    let amplified = (
        "Budget".to_owned(),
        format!(
            r#"<row r="1">{}</row>"#,
            r#"<c t="s"><v>0</v></c>"#.repeat(100_000)
        ),
        String::new(),
    );
    let xlsx_amplified = common::raw_zip(&office::xlsx_entries(
        std::slice::from_ref(&amplified),
        &["x".repeat(MIB as usize)],
        None,
    ));
    add(
        "xlsx cells naming one long shared string 100,000 times",
        "xlsx-shared-string-amplification.eml",
        xlsx_attachment(&xlsx_amplified),
        Expect::FailClosed,
    );
    add(
        "msg with a cyclic directory",
        "msg-cyclic-directory.eml",
        with_attachment(
            "hostile.msg",
            "application/vnd.ms-outlook",
            &office::msg("Papers [SECRET]", "SECRET", true),
        ),
        Expect::FailClosed,
    );

    // ---- PDF ----
    let cycle = hand_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>".to_owned(),
        page(2, 5, 4),
        FONT.to_owned(),
        page_stream("SECRET", None),
    ]);
    add(
        "pdf page tree with a reference cycle",
        "pdf-cycle.eml",
        pdf_attachment(&cycle),
        Expect::FailClosed,
    );
    add(
        "pdf page tree 5,000 levels deep",
        "pdf-deep-tree.eml",
        pdf_attachment(&deep_page_tree(5_000)),
        Expect::FailClosed,
    );
    let lying = hand_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        page(2, 5, 4),
        FONT.to_owned(),
        page_stream("SECRET", Some(99_999_999_999)),
    ]);
    add(
        "pdf stream with a lying /Length",
        "pdf-lying-length.eml",
        pdf_attachment(&lying),
        Expect::HiddenSecret { evasion: false },
    );
    let mut huge = hand_pdf(&[
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        page(2, 5, 4),
        FONT.to_owned(),
        page_stream("IN-CONFIDENCE", None),
    ]);
    huge.extend(std::iter::repeat_n(b'%', 70 * MIB as usize));
    add(
        "pdf over the 64 MiB input limit",
        "pdf-huge.eml",
        pdf_attachment(&huge),
        Expect::FailClosed,
    );
    add(
        "pdf truncated mid-object",
        "pdf-truncated.eml",
        pdf_attachment(&cycle[..cycle.len() / 2]),
        Expect::FailClosed,
    );

    // ---- MIME ----
    let mut parts = String::from(
        "From: a@agency.govt.nz\r\nTo: b@example.com\r\nSubject: Parts [IN-CONFIDENCE]\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n",
    );
    for i in 0..10_000 {
        parts.push_str(&format!(
            "--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
        ));
    }
    parts.push_str("--b--\r\n");
    add(
        "MIME with 10,000 parts",
        "mime-10000-parts.eml",
        parts.into_bytes(),
        Expect::FailClosed,
    );

    let mut nested = String::from(
        "From: a@agency.govt.nz\r\nTo: b@example.com\r\nSubject: Fwd [IN-CONFIDENCE]\r\nContent-Type: message/rfc822\r\n\r\n",
    );
    for i in 0..100 {
        nested.push_str(&format!(
            "Subject: level {i}\r\nContent-Type: message/rfc822\r\n\r\n"
        ));
    }
    nested.push_str("Subject: innermost\r\n\r\nTOP SECRET\r\n");
    add(
        "100-deep message/rfc822 nesting",
        "rfc822-100-deep.eml",
        nested.into_bytes(),
        Expect::FailClosed,
    );

    let long_header = format!("X-Filler: {}\r\n", "x".repeat(MIB as usize));
    let mut m = text_message(
        "Long [IN-CONFIDENCE]",
        "IN-CONFIDENCE\r\n\r\nbody\r\n\r\nIN-CONFIDENCE",
    );
    m.splice(0..0, long_header.into_bytes());
    add("1 MiB header line", "header-1mib.eml", m, Expect::Survives);

    let mut bad = b"From: a@agency.govt.nz\r\nTo: b@example.com\r\nSubject: Bad \xff\xfe bytes [IN-CONFIDENCE]\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nIN-CONFIDENCE\r\n\r\n\xe9t\xe9 \xff\xc3\x28 \r\n\r\nIN-CONFIDENCE\r\n".to_vec();
    bad.extend(b"\r\n");
    add(
        "invalid UTF-8 in a header and the body",
        "invalid-utf8.eml",
        bad,
        Expect::Survives,
    );

    let mixed = "From: a@agency.govt.nz\r\nTo: b@example.com\r\nSubject: =?koi8-r?B?8NLJ18XU?= [IN-CONFIDENCE]\r\nContent-Type: multipart/alternative; boundary=\"m\"\r\n\r\n--m\r\nContent-Type: text/plain; charset=shift_jis\r\nContent-Transfer-Encoding: base64\r\n\r\ngqKC64LNgsk=\r\n--m\r\nContent-Type: text/plain; charset=utf-16le\r\nContent-Transfer-Encoding: base64\r\n\r\nUwBFAEMAUgBFAFQA\r\n--m--\r\n";
    add(
        "mixed charsets, SECRET in UTF-16",
        "mixed-charsets.eml",
        mixed.as_bytes().to_vec(),
        Expect::HiddenSecret { evasion: false },
    );

    // ---- hidden markings ----
    let hidden = [
        (
            "zero-width space inside SECRET",
            "hidden-zero-width.eml",
            "SE\u{200B}CRET",
            true,
        ),
        (
            "Cyrillic look-alike letters",
            "hidden-cyrillic.eml",
            "\u{0405}\u{0415}\u{0421}RET",
            true,
        ),
        (
            "Greek look-alike letters",
            "hidden-greek.eml",
            "S\u{0395}CR\u{0395}\u{03A4}",
            true,
        ),
        (
            "full-width letters",
            "hidden-full-width.eml",
            "\u{FF33}\u{FF25}\u{FF23}\u{FF32}\u{FF25}\u{FF34}",
            true,
        ),
        (
            "soft hyphen inside SECRET",
            "hidden-soft-hyphen.eml",
            "SEC\u{00AD}RET",
            true,
        ),
        (
            "TOP SECRET split over two lines",
            "hidden-split.eml",
            "TOP\r\nSECRET",
            false,
        ),
    ];
    for (name, file, secret, evasion) in hidden {
        let body = format!("{secret}\r\n\r\nThe plan for the week.\r\n\r\n{secret}");
        add(
            name,
            file,
            text_message("Plans [IN-CONFIDENCE]", &body),
            Expect::HiddenSecret { evasion },
        );
    }
    cases
}

/// Runs one case on a 2 MiB stack with a 120 s watchdog.
fn run(gateway: &Gateway, message: Vec<u8>) -> Option<(Verdict, Duration)> {
    let (tx, rx) = mpsc::channel();
    let gateway = gateway.clone();
    std::thread::Builder::new()
        .stack_size(2 * MIB as usize)
        .spawn(move || {
            let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
            let start = Instant::now();
            let verdict = gateway.check(&env, &message);
            let _ = tx.send((verdict, start.elapsed()));
        })
        .expect("thread");
    rx.recv_timeout(Duration::from_secs(120)).ok()
}

/// Peak resident set size of this process, from /proc (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn every_hostile_case_has_its_expected_outcome() {
    let gateway = Gateway::new(GatewayPolicy::from_toml(POLICY).unwrap()).unwrap();
    let cases = cases();
    if let Some(dir) = std::env::var_os("HOSTILE_CORPUS_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        for c in &cases {
            std::fs::write(std::path::Path::new(&dir).join(c.file), &c.message).unwrap();
        }
    }
    let mut failures = Vec::new();
    for case in cases {
        let size = case.message.len();
        let Some((v, took)) = run(&gateway, case.message) else {
            failures.push(format!("{}: no verdict within 120 s (hang)", case.name));
            continue;
        };
        let rules: Vec<&str> = v.reasons.iter().map(|r| r.rule.id()).collect();
        eprintln!(
            "{:<48} {:>10} bytes  {:>8.1?}  {:?} {:?}",
            case.name, size, took, v.action, rules
        );
        let codes: Vec<ProblemCode> = v.problems.iter().map(|p| p.code).collect();
        let ok = match case.expect {
            Expect::FailClosed => v.action == GatewayAction::Tempfail && !v.reasons.is_empty(),
            Expect::HiddenSecret { evasion } => {
                v.action == GatewayAction::Reject
                    && v.marking
                        .as_ref()
                        .is_some_and(|m| m.to_string().contains("SECRET"))
                    && (!evasion || codes.contains(&ProblemCode::EvasionSuspected))
            }
            Expect::Survives => {
                v.action != GatewayAction::Accept
                    || v.marking
                        .as_ref()
                        .is_some_and(|m| m.to_string() == "IN-CONFIDENCE")
            }
        };
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got {:?} marking {:?} problems {codes:?} reasons {rules:?}",
                case.name,
                case.expect,
                v.action,
                v.marking.map(|m| m.to_string())
            ));
        }
    }
    if let Some(peak) = peak_rss() {
        eprintln!("peak resident memory: {} MiB", peak / MIB);
        assert!(peak < 1024 * MIB, "peak RSS {} MiB over 1 GiB", peak / MIB);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
