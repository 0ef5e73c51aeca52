//! Messages made by a real mail library (Python's `email` package, see
//! `tests/data/mail/make_fixtures.py`), each read with LF and with CRLF line endings.
#![cfg(feature = "mail")]

use protective_marking::mail::{
    HeaderDialect, MessageContent, internal::HeaderTokens, is_mbox, read_message, split_mbox,
};
use protective_marking::path::BodyKind;
use protective_marking::{Limits, ReadError, limits::Limit};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mail");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn to_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut it = raw.iter().peekable();
    while let Some(&b) = it.next() {
        if b == b'\r' && it.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for b in to_lf(raw) {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Reads a fixture with LF and with CRLF endings and runs `check` on both.
fn both_endings(name: &str, check: impl Fn(&MessageContent)) {
    let raw = fixture(name);
    for (ending, bytes) in [("lf", to_lf(&raw)), ("crlf", to_crlf(&raw))] {
        let m = read_message(&bytes, &Limits::default())
            .unwrap_or_else(|e| panic!("{name} ({ending}): {e}"));
        assert!(m.is_complete(), "{name} ({ending}): {:?}", m.problems);
        check(&m);
    }
}

fn first_and_last_lines(text: &str) -> (&str, &str) {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or_default();
    let last = lines.next_back().unwrap_or(first);
    (first, last)
}

#[test]
fn all_marking_header_dialects() {
    both_endings("headers_all_dialects.eml", |m| {
        assert_eq!(m.subject.as_deref(), Some("Budget bid [IN-CONFIDENCE]"));
        assert_eq!(m.from.as_deref(), Some("analyst@agency.govt.nz"));
        assert_eq!(m.message_id.as_deref(), Some("fixture-1@agency.govt.nz"));
        assert!(!m.is_reply_or_forward());
        let dialects: Vec<_> = m.marking_headers.iter().map(|h| h.dialect).collect();
        assert_eq!(
            dialects,
            [
                HeaderDialect::ProtectiveMarking,
                HeaderDialect::MsipLabels,
                HeaderDialect::Titus,
                HeaderDialect::SecurityClassification
            ]
        );
        // Folded by the generator: unfolded here.
        assert_eq!(
            m.marking_headers[0].value,
            "VER=2024.1, NS=govt.nz, SEC=RESTRICTED, ORIGIN=a@agency.govt.nz"
        );
        let HeaderTokens::ProtectiveMarking(f) = m.marking_headers[0].tokenise().unwrap() else {
            panic!("dialect")
        };
        assert_eq!(f.version.as_deref(), Some("2024.1"));
        assert_eq!(f.namespace.as_deref(), Some("govt.nz"));
        assert_eq!(f.sec.as_deref(), Some("RESTRICTED"));
        assert_eq!(f.origin.as_deref(), Some("a@agency.govt.nz"));

        // Python RFC 2047-encoded the over-long msip_labels tokens; they are decoded.
        let HeaderTokens::MsipLabels(labels) = m.marking_headers[1].tokenise().unwrap() else {
            panic!("dialect")
        };
        assert_eq!(labels.len(), 1, "{labels:?}");
        let l = &labels[0];
        assert_eq!(l.guid, "0f1e2d3c-4b5a-4697-8877-665544332211");
        assert_eq!(l.name.as_deref(), Some("In Confidence"));
        assert_eq!(l.enabled, Some(true));
        assert_eq!(
            l.site_id.as_deref(),
            Some("11111111-2222-3333-4444-555555555555")
        );
        assert_eq!(l.method.as_deref(), Some("Standard"));
        assert_eq!(l.set_date.as_deref(), Some("2024-07-01T09:00:00Z"));
        assert_eq!(l.other.len(), 2);

        let HeaderTokens::Titus(t) = m.marking_headers[2].tokenise().unwrap() else {
            panic!("dialect")
        };
        assert_eq!(t.get("Classification"), Some("IN-CONFIDENCE"));
        assert_eq!(
            m.marking_headers[3].tokenise().unwrap(),
            HeaderTokens::SecurityClassification("IN-CONFIDENCE".into())
        );

        assert_eq!(m.bodies.len(), 1);
        assert_eq!(
            first_and_last_lines(&m.bodies[0].new_text),
            ("IN-CONFIDENCE", "IN-CONFIDENCE")
        );
    });
}

#[test]
fn folded_rfc2047_subject_with_sec_segment() {
    both_endings("folded_rfc2047_subject.eml", |m| {
        assert_eq!(
            m.subject.as_deref(),
            Some(
                "Résumé für den Minister – Haushaltsentwurf und Begleitschreiben \
                 [SEC=OFFICIAL:Sensitive, ACCESS=Legal-Privilege]"
            )
        );
        let c = m.subject_candidates().unwrap();
        let f = c.brackets[0].epms.clone().unwrap().unwrap();
        assert_eq!(f.sec.as_deref(), Some("OFFICIAL:Sensitive"));
        assert_eq!(f.access, ["Legal-Privilege"]);
    });
}

#[test]
fn quoted_printable_soft_break_inside_marking() {
    let raw = fixture("qp_soft_break.eml");
    assert!(
        raw.windows(7).any(|w| w == b"TOP-=\r\n"),
        "fixture lost its soft break"
    );
    both_endings("qp_soft_break.eml", |m| {
        assert!(m.bodies[0].text.contains(" TOP-SECRET café briefing"));
    });
}

#[test]
fn html_body_converted() {
    both_endings("html_body.eml", |m| {
        let kinds: Vec<_> = m
            .bodies
            .iter()
            .map(|b| (b.path.to_string(), b.kind))
            .collect();
        let kinds: Vec<(&str, BodyKind)> = kinds.iter().map(|(p, k)| (p.as_str(), *k)).collect();
        assert_eq!(
            kinds,
            [("body/text", BodyKind::Text), ("body/html", BodyKind::Html)]
        );
        let html = &m.bodies[1];
        // Title, style, script and comment content never reach the text.
        for hidden in ["TOP SECRET", "CONFIDENTIAL", "RESTRICTED", "color"] {
            assert!(!html.text.contains(hidden), "{hidden} in {:?}", html.text);
        }
        assert!(html.text.contains("The plan & the numbers – see below."));
        assert!(html.text.contains("Cost $1m"));
        assert_eq!(
            first_and_last_lines(&html.new_text),
            ("SENSITIVE", "SENSITIVE")
        );
        assert_eq!(
            html.quoted,
            ["On Sun, 30 Jun 2024, Manager wrote:\nIN-CONFIDENCE\nEarlier text."]
        );
    });
}

#[test]
fn attachments_and_nested_message() {
    both_endings("attachments_nested.eml", |m| {
        assert!(m.is_reply_or_forward(), "Fwd: prefix");
        assert_eq!(m.bodies[0].new_text.lines().next(), Some("RESTRICTED"));
        assert_eq!(m.attachments.len(), 2);

        let pdf = &m.attachments[0];
        assert_eq!(pdf.path, "attachment[1]");
        assert_eq!(pdf.content_type, "application/pdf");
        assert_eq!(pdf.filename.as_deref(), Some("brief RESTRICTED é.pdf"));
        assert!(pdf.bytes.starts_with(b"%PDF-1.4"));
        assert!(pdf.message.is_none());

        let fwd = &m.attachments[1];
        assert_eq!(fwd.path, "attachment[2]");
        assert_eq!(fwd.content_type, "message/rfc822");
        let inner = fwd.message.as_ref().expect("nested message");
        assert_eq!(inner.path, "attachment[2]");
        assert_eq!(
            inner.subject.as_deref(),
            Some("[SECRET] Inner forwarded message")
        );
        assert_eq!(
            inner.marking_headers[0].dialect,
            HeaderDialect::ProtectiveMarking
        );
        assert_eq!(inner.bodies[0].path, "attachment[2]/body/text");
        assert_eq!(
            first_and_last_lines(&inner.bodies[0].text),
            ("SECRET", "SECRET")
        );
        assert_eq!(inner.attachments[0].path, "attachment[2]/attachment[1]");
        assert_eq!(inner.attachments[0].filename.as_deref(), Some("inner.csv"));
        assert_eq!(inner.attachments[0].bytes, b"a,b\n1,2\n");
        // The nested message's bytes are its raw text, headers included.
        assert!(String::from_utf8_lossy(&fwd.bytes).contains("Subject: [SECRET] Inner forwarded"));

        let all: Vec<_> = m.all_bodies().iter().map(|b| b.path.clone()).collect();
        assert_eq!(all, ["body/text", "attachment[2]/body/text"]);
        let all: Vec<_> = m.all_attachments().iter().map(|a| a.path.clone()).collect();
        assert_eq!(
            all,
            [
                "attachment[1]",
                "attachment[2]",
                "attachment[2]/attachment[1]"
            ]
        );
    });
}

#[test]
fn base64_nesting_past_mail_parsers_three_levels() {
    both_endings("nested_base64_5_levels.eml", |m| {
        let mut current = m;
        let mut path = String::new();
        for level in 1..=5 {
            let att = current
                .attachments
                .iter()
                .find(|a| a.message.is_some())
                .unwrap_or_else(|| panic!("level {level} missing"));
            path = if path.is_empty() {
                "attachment[1]".to_string()
            } else {
                format!("{path}/attachment[1]")
            };
            assert_eq!(att.path, path.as_str());
            current = att.message.as_ref().unwrap();
        }
        assert_eq!(current.subject.as_deref(), Some("level 5 [TOP SECRET]"));
        assert_eq!(current.bodies[0].text.lines().next(), Some("TOP SECRET"));
    });

    // Each level is a message plus a multipart: level 5's body sits at depth 10.
    let raw = fixture("nested_base64_5_levels.eml");
    let limits = Limits {
        max_nesting_depth: 9,
        ..Limits::default()
    };
    match read_message(&raw, &limits) {
        Err(ReadError::LimitExceeded {
            limit: Limit::NestingDepth,
            value: 10,
            max: 9,
            location,
        }) => assert_eq!(
            location,
            "attachment[1]/attachment[1]/attachment[1]/attachment[1]/attachment[1]"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reply_with_quoted_thread() {
    both_endings("reply_quoted.eml", |m| {
        assert!(m.is_reply_or_forward());
        assert_eq!(m.in_reply_to, ["fixture-1@agency.govt.nz"]);
        assert_eq!(m.references.len(), 2);
        let b = &m.bodies[0];
        assert_eq!(
            first_and_last_lines(&b.new_text),
            ("IN-CONFIDENCE", "IN-CONFIDENCE")
        );
        assert!(!b.new_text.contains("SENSITIVE"));
        assert!(!b.new_text.contains("RESTRICTED"));
        assert_eq!(b.quoted.len(), 2, "{:?}", b.quoted);
        assert_eq!(
            b.quoted[0],
            "On Mon, 1 Jul 2024 at 09:00, Analyst <analyst@agency.govt.nz> wrote:\n\
             SENSITIVE\n\nPlease find the budget bid below."
        );
        assert!(b.quoted[1].starts_with("-----Original Message-----\nFrom: Deputy"));
        assert!(b.quoted[1].contains("Subject: [RESTRICTED] Budget bid"));
        // The whole text is still there for a full scan.
        assert!(b.text.contains("> SENSITIVE"));
    });
}

#[test]
fn lf_fixture_leading_subject_marking() {
    both_endings("lf_endings.lf.eml", |m| {
        let c = m.subject_candidates().unwrap();
        assert_eq!(c.leading[0].text, "IN-CONFIDENCE");
    });
}

#[test]
fn mbox_with_three_messages() {
    let raw = fixture("three.mbox");
    for bytes in [to_lf(&raw), to_crlf(&raw)] {
        assert!(is_mbox(&bytes));
        let subjects: Vec<_> = split_mbox(&bytes)
            .map(|(i, msg)| {
                let m = read_message(msg, &Limits::default()).expect("message");
                (i, m.subject.unwrap_or_default())
            })
            .collect();
        assert_eq!(
            subjects,
            [
                (1, "[IN-CONFIDENCE] one".to_string()),
                (2, "SENSITIVE: two".to_string()),
                (3, "three [SEC=OFFICIAL]".to_string())
            ]
        );
    }
}
