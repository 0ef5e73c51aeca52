//! Nothing in the mail layer panics on arbitrary input.
#![cfg(feature = "mail")]

use proptest::prelude::*;
use protective_marking::Limits;
use protective_marking::mail::{
    SubjectPosition, add_marking_to_subject, internal::subject_candidates,
    internal::tokenise_msip_labels, internal::tokenise_protective_marking,
    internal::tokenise_titus, is_mbox, read_message, split_mbox,
};

const SEED: &[u8] = include_bytes!("../data/mail/attachments_nested.eml");

/// Bytes biased towards MIME syntax, so that the parser gets past the first line.
fn mimeish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(&b"Content-Type: multipart/mixed; boundary=b\r\n"[..]),
        Just(&b"Content-Type: message/rfc822\r\n"[..]),
        Just(&b"Content-Type: multipart/digest; boundary=d\r\n"[..]),
        Just(&b"Content-Type: text/html\r\n"[..]),
        Just(&b"Content-Transfer-Encoding: base64\r\n"[..]),
        Just(&b"Content-Transfer-Encoding: quoted-printable\r\n"[..]),
        Just(&b"Subject: =?utf-8?b?W1NFQ1JFVF0=?= [IN-CONFIDENCE]\r\n"[..]),
        Just(&b"X-Protective-Marking: SEC=SECRET, CAVEAT=RI:REL/NZL\r\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"--b\r\n"[..]),
        Just(&b"--b--\r\n"[..]),
        Just(&b"--d\r\n"[..]),
        Just(&b"<blockquote><p>x</p>"[..]),
        Just(&b"> quoted\r\n"[..]),
        Just(&b"=E9=\r\n"[..]),
        Just(&b"U0VDUkVU\r\n"[..]),
    ];
    prop::collection::vec(
        prop_oneof![
            3 => token.prop_map(|t| t.to_vec()),
            1 => prop::collection::vec(any::<u8>(), 0..16),
        ],
        0..60,
    )
    .prop_map(|chunks| chunks.concat())
}

fn small_limits() -> Limits {
    Limits {
        max_mime_parts: 200,
        max_nesting_depth: 8,
        ..Limits::default()
    }
}

proptest! {
    #[test]
    fn read_message_arbitrary_bytes(raw in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_message(&raw, &Limits::default());
    }

    #[test]
    fn read_message_mime_like(raw in mimeish()) {
        if let Ok(m) = read_message(&raw, &small_limits()) {
            for b in m.all_bodies() {
                prop_assert!(!b.path.is_empty());
            }
        }
    }

    #[test]
    fn read_message_mutated_fixture(
        flips in prop::collection::vec((0..SEED.len(), any::<u8>()), 1..20),
        cut in 0..=SEED.len(),
    ) {
        let mut raw = SEED.to_vec();
        for (at, b) in flips {
            if let Some(x) = raw.get_mut(at) {
                *x = b;
            }
        }
        raw.truncate(cut);
        let _ = read_message(&raw, &small_limits());
    }

    #[test]
    fn header_tokenisers(s in "\\PC*", t in "[A-Za-z=,;:\\\\ _-]{0,200}") {
        let _ = tokenise_protective_marking(&s);
        let _ = tokenise_protective_marking(&t);
        let _ = tokenise_msip_labels(&s);
        let _ = tokenise_msip_labels(&format!("MSIP_Label_{t}"));
        let _ = tokenise_titus(&s);
        let _ = tokenise_titus(&t);
    }

    #[test]
    fn subject_tokeniser(s in "\\PC*", t in "[\\[\\]A-Za-z:= ,-]{0,120}", a in 0usize..200, b in 0usize..200) {
        for subject in [&s, &t] {
            let c = subject_candidates(subject);
            for br in &c.brackets {
                prop_assert!(subject.get(br.span.clone()).is_some());
            }
            for l in c.leading.iter().chain(&c.prefixes) {
                prop_assert_eq!(subject.get(l.span.clone()), Some(l.text.as_str()));
            }
            let _ = add_marking_to_subject(subject, &t, SubjectPosition::End);
            let _ = add_marking_to_subject(subject, &s, SubjectPosition::Start);
            let _ = add_marking_to_subject(subject, "X", SubjectPosition::Replace(a..b));
        }
    }

    #[test]
    fn mbox_splitter(raw in prop::collection::vec(prop_oneof![
        Just(b"From a@b Mon Jan  1 00:00:00 2024\n".to_vec()),
        Just(b"From \n".to_vec()),
        prop::collection::vec(any::<u8>(), 0..30),
    ], 0..20)) {
        let raw = raw.concat();
        let _ = is_mbox(&raw);
        let total: usize = split_mbox(&raw).map(|(_, m)| m.len()).sum();
        prop_assert!(total <= raw.len());
    }
}
