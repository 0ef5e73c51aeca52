//! Hostile messages, generated here: each gives its asserted typed result, quickly, without
//! panicking or exhausting the stack.
#![cfg(feature = "mail")]

use crate::common;

use std::time::{Duration, Instant};

use protective_marking::Format;
use protective_marking::mail::{MailProblemKind, MessageContent, read_message};
use protective_marking::{Limits, ReadError, limits::Limit};

/// A hang detector, not a speed test (benches/ measure speed): the real cost is milliseconds,
/// so only a reader that loops or blows up gets near this on any machine.
const HANG: Duration = Duration::from_secs(120);

fn timed(raw: &[u8], limits: &Limits) -> Result<MessageContent, ReadError> {
    let start = Instant::now();
    let r = read_message(raw, limits);
    let took = start.elapsed();
    assert!(took < HANG, "no result after {took:?}: a hang");
    r
}

/// Runs `f` on a thread with a 2 MiB stack, the size tokio gives its workers (the milter).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("thread finished without panicking")
}

fn assert_limit(r: Result<MessageContent, ReadError>, want: Limit) -> (u64, u64, String) {
    match r {
        Err(ReadError::LimitExceeded {
            limit,
            value,
            max,
            location,
        }) if limit == want => {
            assert!(value > max);
            (value, max, location)
        }
        other => panic!("expected {want} exceeded, got {other:?}"),
    }
}

fn many_parts(n: usize) -> Vec<u8> {
    let mut s =
        String::from("Subject: parts\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
    for i in 0..n {
        s.push_str(&format!(
            "--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
        ));
    }
    s.push_str("--b--\r\n");
    s.into_bytes()
}

#[test]
fn ten_thousand_parts() {
    let raw = many_parts(10_000);
    let (value, max, location) = assert_limit(timed(&raw, &Limits::default()), Limit::MimeParts);
    assert_eq!((value, max, location.as_str()), (10_001, 1_000, "message"));

    // With the limit raised, every part is read.
    let limits = Limits {
        max_mime_parts: 20_000,
        ..Limits::default()
    };
    let m = timed(&raw, &limits).expect("raised limit");
    assert_eq!(m.bodies.len(), 10_000);
    assert_eq!(m.bodies[9_999].path, "body/text[10000]");
}

#[test]
fn a_million_delimiters_refused_before_parsing() {
    // 8 MB of empty parts: the byte-level bound refuses it without allocating parts.
    let mut raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
    for _ in 0..1_000_000 {
        raw.extend_from_slice(b"--b\r\n\r\n");
    }
    assert_limit(timed(&raw, &Limits::default()), Limit::MimeParts);
}

#[test]
fn parts_counted_across_nesting_levels() {
    // 600 parts in each of two attached messages, base64-encoded so that the byte-level
    // bound of the outer message cannot see them: the exact count across levels refuses it.
    let inner = common::base64(&many_parts(600));
    let mut raw =
        b"Subject: outer\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n".to_vec();
    for _ in 0..2 {
        raw.extend_from_slice(
            b"--outer\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        );
        raw.extend_from_slice(inner.as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"--outer--\r\n");
    let (_, _, location) = assert_limit(timed(&raw, &Limits::default()), Limit::MimeParts);
    assert_eq!(location, "attachment[2]");

    // Either level alone is fine.
    let one = Limits {
        max_mime_parts: 700,
        ..Limits::default()
    };
    let single = format!(
        "Subject: x\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n{inner}\r\n"
    );
    let m = timed(single.as_bytes(), &one).expect("one level");
    assert_eq!(m.all_bodies().len(), 600);
}

fn nested_messages(depth: usize) -> Vec<u8> {
    let mut s = String::new();
    for i in 0..depth {
        s.push_str(&format!(
            "Subject: level {i}\r\nContent-Type: message/rfc822\r\n\r\n"
        ));
    }
    s.push_str("Subject: innermost\r\n\r\nTOP SECRET\r\n");
    s.into_bytes()
}

#[test]
fn hundred_deep_nested_messages() {
    let raw = nested_messages(100);
    let (value, max, location) = assert_limit(timed(&raw, &Limits::default()), Limit::NestingDepth);
    assert_eq!((value, max), (17, 16));
    assert_eq!(location.matches("attachment[1]").count(), 17);

    // Depth within the limit is followed all the way down.
    let m = timed(&nested_messages(15), &Limits::default()).expect("15 deep");
    let bodies = m.all_bodies();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0].text, "TOP SECRET");
    assert_eq!(
        bodies[0].path.to_string().matches("attachment[1]").count(),
        15
    );
}

#[test]
fn twenty_thousand_deep_nested_messages_on_a_small_stack() {
    // mail-parser alone builds a 20,000-deep tree here and overflows a 2 MiB stack dropping
    // it (10,000 is enough), aborting the process.
    let r = on_small_stack(|| {
        let raw = nested_messages(20_000);
        let limits = Limits {
            max_nesting_depth: u64::MAX,
            ..Limits::default()
        };
        timed(&raw, &limits)
    });
    let (_, max, _) = assert_limit(r, Limit::NestingDepth);
    assert_eq!(max, protective_marking::mail::MAX_SUPPORTED_NESTING_DEPTH);
}

#[test]
fn hundred_thousand_deep_multipart_on_a_small_stack() {
    let r = on_small_stack(|| {
        let mut s = String::from("Subject: deep\r\n");
        for i in 0..100_000 {
            s.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
            ));
        }
        s.push_str("Content-Type: text/plain\r\n\r\nSECRET\r\n");
        // The byte-level part bound would refuse this first; raise it to reach the depth check.
        let limits = Limits {
            max_mime_parts: 1_000_000,
            ..Limits::default()
        };
        timed(s.as_bytes(), &limits)
    });
    assert_limit(r, Limit::NestingDepth);
}

#[test]
fn one_megabyte_header_lines() {
    let big = "A".repeat(1 << 20);
    let raw = format!(
        "Subject: [IN-CONFIDENCE] {big}\r\nX-Protective-Marking: SEC=SECRET, NOTE={big}\r\n\
         X-Other: {big}\r\n\r\nbody\r\n"
    );
    let m = timed(raw.as_bytes(), &Limits::default()).expect("reads");
    let subject = m.subject.as_deref().expect("subject");
    assert_eq!(subject.len(), (1 << 20) + 16);
    assert_eq!(
        m.subject_candidates().unwrap().brackets[0].text,
        "IN-CONFIDENCE"
    );
    assert_eq!(m.marking_headers[0].value.len(), (1 << 20) + 17);
    assert!(m.marking_headers[0].tokenise().is_ok());
    assert_eq!(m.bodies[0].text, "body");

    // One 1 MB line of commas and equals signs through the tokeniser.
    let hostile = ",=\\".repeat(350_000);
    let _ = protective_marking::mail::internal::tokenise_protective_marking(&hostile);
}

#[test]
fn boundary_that_never_appears() {
    let raw = b"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"never\"\r\n\r\n\
                SECRET\r\n--nearly\r\nbody text\r\n";
    let m = timed(raw, &Limits::default()).expect("reads");
    assert_eq!(
        m.problems[0].kind,
        MailProblemKind::BoundaryNotFound {
            boundary: "never".into()
        }
    );
    assert_eq!(m.problems[0].path, "body/text");
    assert!(!m.is_complete());
    // The undivided body is still offered for scanning.
    assert!(m.bodies[0].text.starts_with("SECRET"));
}

#[test]
fn invalid_utf8_in_headers_and_bodies() {
    let mut raw = b"Subject: caf\xe9 \xff\xfe [IN-CONFIDENCE]\r\nX-Security-Classification: \xc3\x28SECRET\r\n\
                    Content-Type: text/plain; charset=utf-8\r\n\r\n\xff\xfeSECRET\xc0\r\n"
        .to_vec();
    raw.extend_from_slice(&[0x80; 100]);
    let m = timed(&raw, &Limits::default()).expect("reads");
    let subject = m.subject.as_deref().expect("subject");
    assert!(subject.contains("[IN-CONFIDENCE]"), "{subject:?}");
    assert!(m.marking_headers[0].value.contains("SECRET"));
    assert!(m.bodies[0].text.contains("SECRET"));
    assert!(m.bodies[0].text.contains('\u{fffd}'));
}

#[test]
fn mixed_charsets() {
    let raw = b"Subject: =?iso-8859-1?q?R=E9sum=E9?= =?koi8-r?b?8NLJ18XU?=\r\n\
        Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
        --m\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
        caf=E9 SENSITIVE\r\n\
        --m\r\nContent-Type: text/plain; charset=windows-1252\r\n\r\n\x93quoted\x94 \x96 RESTRICTED\r\n\
        --m\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64\r\n\r\n\
        8NLJ18XU\r\n\
        --m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>na\xc3\xafve &amp; <b>SECRET</b></p>\r\n\
        --m--\r\n";
    let m = timed(raw, &Limits::default()).expect("reads");
    assert_eq!(m.subject.as_deref(), Some("RésuméПривет"));
    let texts: Vec<_> = m.bodies.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "café SENSITIVE",
            "\u{201c}quoted\u{201d} \u{2013} RESTRICTED",
            "Привет",
            "naïve & SECRET"
        ]
    );
}

#[test]
fn truncated_base64() {
    let raw = b"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"t\"\r\n\r\n\
        --t\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n\
        SU4tQ09ORklERU5DRQ\r\n\
        --t\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\
        Content-Disposition: attachment; filename=a.pdf\r\n\r\nJVBERi0xLj";
    let m = timed(raw, &Limits::default()).expect("reads");
    // Missing padding inside a part: decoded leniently, as mail clients do.
    assert_eq!(m.bodies[0].text, "IN-CONFIDENC");
    // Cut off mid-part with no closing boundary: mail-parser keeps the undecoded text, and
    // the part is flagged so the caller knows its content is not what was sent.
    assert_eq!(m.attachments[0].filename.as_deref(), Some("a.pdf"));
    assert_eq!(m.attachments[0].bytes, b"JVBERi0xLj");
    assert_eq!(m.problems.len(), 1);
    assert_eq!(m.problems[0].path, "attachment[1]");
    assert_eq!(m.problems[0].kind, MailProblemKind::BadEncoding);
}

#[test]
fn input_and_text_limits() {
    let raw = b"Subject: x\r\n\r\n0123456789\r\n";
    let small_input = Limits {
        max_input_bytes: 10,
        ..Limits::default()
    };
    let (value, _, location) = assert_limit(timed(raw, &small_input), Limit::InputBytes);
    assert_eq!((value, location.as_str()), (raw.len() as u64, "message"));

    let small_text = Limits {
        max_text_bytes: 5,
        ..Limits::default()
    };
    let (_, _, location) = assert_limit(timed(raw, &small_text), Limit::TextBytes);
    assert_eq!(location, "body/text");
}

#[test]
fn not_a_message() {
    for raw in [
        &b""[..],
        b"\r\n\r\n",
        b"just some text without a colon",
        b"\x00\x01\x02",
    ] {
        match timed(raw, &Limits::default()) {
            Err(ReadError::Corrupt {
                format: Format::Eml,
                ..
            }) => {}
            other => panic!("{raw:?}: {other:?}"),
        }
    }
}

#[test]
fn nested_message_declarations_in_text_are_kept_verbatim() {
    // The nesting rewrite must not leak into text or attachment bytes.
    let raw = b"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n\
        --q\r\nContent-Type: text/plain\r\n\r\nContent-Type: message/rfc822\r\n\
        --q\r\nContent-Type: text/rfc822-headers\r\n\r\nContent-Type: multipart/digest\r\n\
        --q--\r\n";
    let m = timed(raw, &Limits::default()).expect("reads");
    assert_eq!(m.bodies[0].text, "Content-Type: message/rfc822");
    assert_eq!(m.attachments[0].bytes, b"Content-Type: multipart/digest");
}
