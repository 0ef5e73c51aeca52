//! Message analysis: every marking carrier (marking headers, subject, body, attachments) and
//! every problem, on real MIME made by
//! Python's `email` package (tests/data/mail/make_analysis_fixtures.py) and the third-party
//! corpus.

use protective_marking::{
    Envelope, Gateway, GatewayAction, GatewayPolicy, Marking, MessageAnalyser, ProblemCode, Report,
    mail::Carrier,
};
use protective_marking::{Limits, Scanner};
use std::collections::BTreeMap;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/data/mail/analysis/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn analyse(name: &str) -> Report {
    MessageAnalyser::new()
        .analyse(&fixture(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn declared(r: &Report) -> (String, Carrier) {
    let d = r.declared.as_ref().expect("declared marking");
    (d.marking.to_string(), Carrier::of(&d.at))
}

fn effective(r: &Report) -> String {
    r.marking
        .as_ref()
        .map(|m| m.to_string())
        .unwrap_or_default()
}

fn codes(r: &Report) -> Vec<ProblemCode> {
    r.problems.iter().map(|p| p.code).collect()
}

/// (fixture, declared, carrier, effective, problems that must be present)
const CARRIERS: &[(&str, &str, Carrier, &str, &[ProblemCode])] = &[
    (
        "subject_bracket.eml",
        "IN-CONFIDENCE",
        Carrier::Subject,
        "IN-CONFIDENCE",
        &[],
    ),
    (
        "subject_leading.eml",
        "BUDGET SENSITIVE",
        Carrier::Subject,
        "BUDGET SENSITIVE",
        &[ProblemCode::NonCanonical],
    ),
    (
        "subject_sec_nz.eml",
        "RESTRICTED",
        Carrier::Subject,
        "RESTRICTED",
        &[],
    ),
    (
        "subject_sec_au.eml",
        "RESTRICTED",
        Carrier::Subject,
        "RESTRICTED",
        &[ProblemCode::ForeignMarking],
    ),
    (
        "subject_list_tag.eml",
        "IN-CONFIDENCE",
        Carrier::Subject,
        "IN-CONFIDENCE",
        &[],
    ),
    (
        "header_nz.eml",
        "RESTRICTED//NZEO",
        Carrier::Header,
        "RESTRICTED//NZEO",
        &[],
    ),
    (
        "header_au_foreign.eml",
        "IN-CONFIDENCE",
        Carrier::Header,
        "IN-CONFIDENCE",
        &[ProblemCode::ForeignMarking],
    ),
    (
        "header_security_classification.eml",
        "BUDGET SENSITIVE",
        Carrier::Header,
        "BUDGET SENSITIVE",
        &[],
    ),
    (
        "header_titus.eml",
        "IN-CONFIDENCE",
        Carrier::Header,
        "IN-CONFIDENCE",
        &[],
    ),
    (
        "body_banner_only.eml",
        "SENSITIVE",
        Carrier::Body,
        "SENSITIVE",
        &[],
    ),
    (
        "attachment_docx_ok.eml",
        "RESTRICTED",
        Carrier::Subject,
        "RESTRICTED",
        &[],
    ),
];

#[test]
fn every_carrier() {
    for (name, want_declared, carrier, want_effective, want_problems) in CARRIERS {
        let r = analyse(name);
        assert_eq!(
            declared(&r),
            (want_declared.to_string(), *carrier),
            "{name}: {r:#?}"
        );
        assert_eq!(effective(&r), *want_effective, "{name}");
        for p in *want_problems {
            assert!(
                codes(&r).contains(p),
                "{name}: missing {p}: {:?}",
                r.problems
            );
        }
        let serious: Vec<_> = r
            .problems
            .iter()
            .filter(|p| !p.code.is_advisory())
            .collect();
        assert!(serious.is_empty(), "{name}: unexpected {serious:?}");
    }
}

#[test]
fn seemail_tag_alone_is_not_a_marking() {
    let r = analyse("subject_seemail_only.eml");
    assert!(r.declared.is_none());
    assert!(codes(&r).contains(&ProblemCode::Unmarked));
}

#[test]
fn malformed_subject_marking() {
    let r = analyse("subject_malformed.eml");
    assert!(
        codes(&r).contains(&ProblemCode::MalformedMarking),
        "{:?}",
        r.problems
    );
}

#[test]
fn msip_label_by_name_and_by_guid_mapping() {
    // The label's name "Staff Only" is not a marking: without a mapping the header says nothing.
    let r = analyse("header_msip.eml");
    assert!(r.declared.is_none());
    let mut map = BTreeMap::new();
    map.insert(
        "0F1E2D3C-4B5A-4697-8877-665544332211".to_string(),
        "STAFF IN-CONFIDENCE".parse::<Marking>().unwrap(),
    );
    let r = MessageAnalyser::with(Scanner::new(), Limits::default(), &map)
        .analyse(&fixture("header_msip.eml"))
        .unwrap();
    assert_eq!(
        declared(&r),
        ("STAFF IN-CONFIDENCE".into(), Carrier::Header)
    );
}

#[test]
fn header_and_subject_disagree() {
    let r = analyse("header_subject_disagree.eml");
    assert_eq!(declared(&r).0, "SENSITIVE", "the header has authority");
    assert!(codes(&r).contains(&ProblemCode::HeaderSubjectDisagree));
}

#[test]
fn under_marked_by_the_body_a_docx_a_text_attachment_and_a_forwarded_message() {
    for (name, effective_want, location_prefix) in [
        ("body_under_marked.eml", "SECRET", "body"),
        (
            "attachment_docx_under_marked.eml",
            "RESTRICTED",
            "attachment[1]/",
        ),
        (
            "attachment_text_top_secret.eml",
            "TOP SECRET",
            "attachment[1]/",
        ),
        ("forward_nested_secret.eml", "SECRET", "attachment[1]/"),
    ] {
        let r = analyse(name);
        assert_eq!(effective(&r), effective_want, "{name}");
        let p = r
            .problems
            .iter()
            .find(|p| p.code == ProblemCode::UnderMarked)
            .unwrap_or_else(|| panic!("{name}: no under-marked problem: {:?}", r.problems));
        assert!(
            p.at.to_string().starts_with(location_prefix),
            "{name}: {}",
            p.at
        );
    }
}

#[test]
fn docx_attachment_findings_name_the_part() {
    let r = analyse("attachment_docx_ok.eml");
    let f = r
        .findings
        .iter()
        .find(|f| Carrier::of(&f.at) == Carrier::Attachment && f.at.to_string().contains("header"))
        .expect("header banner of the docx");
    assert_eq!(f.marking.to_string(), "RESTRICTED");
    assert!(
        f.at.to_string()
            .starts_with("attachment[1]/header[default]"),
        "{}",
        f.at
    );
}

#[test]
fn reply_marked_below_the_quoted_thread_is_a_downgrade() {
    let r = analyse("reply_downgrade.eml");
    assert!(
        codes(&r).contains(&ProblemCode::Downgrade),
        "{:?}",
        r.problems
    );
    assert_eq!(
        effective(&r),
        "RESTRICTED",
        "quoted content still counts (NZISM 15.1.11.C.02)"
    );
}

#[test]
fn unmarked_and_prose_never_decide() {
    let r = analyse("unmarked.eml");
    assert!(r.declared.is_none());
    assert!(
        r.marking.is_none(),
        "\"in confidence\" in prose is not a marking"
    );
    assert!(codes(&r).contains(&ProblemCode::Unmarked));
}

#[test]
fn encrypted_attachment_is_unreadable() {
    let r = analyse("attachment_encrypted_pdf.eml");
    assert!(r.is_unreadable());
    assert_eq!(r.unreadable[0].at, "attachment[1]");
}

#[test]
fn au_dissemination_limit_is_collected() {
    let r = analyse("header_au_foreign.eml");
    assert_eq!(r.foreign_caveats(), vec!["AUSTEO".to_string()]);
}

#[test]
fn crlf_and_lf_give_the_same_report() {
    for name in [
        "subject_bracket.eml",
        "attachment_docx_under_marked.eml",
        "reply_downgrade.eml",
    ] {
        let raw = fixture(name);
        let lf: Vec<u8> = String::from_utf8_lossy(&raw)
            .replace("\r\n", "\n")
            .into_bytes();
        let crlf: Vec<u8> = String::from_utf8_lossy(&lf)
            .replace('\n', "\r\n")
            .into_bytes();
        let a = MessageAnalyser::new().analyse(&lf).unwrap();
        let b = MessageAnalyser::new().analyse(&crlf).unwrap();
        assert_eq!(a.marking, b.marking, "{name}");
        assert_eq!(codes(&a), codes(&b), "{name}");
    }
}

#[test]
fn third_party_corpus_analyses_without_panic() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/third_party/eml"
    );
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let raw = std::fs::read(&path).unwrap();
        // None of these public messages carries an NZ marking; unreadable ones are fine.
        if let Ok(r) = MessageAnalyser::new().analyse(&raw) {
            assert!(r.declared.is_none(), "{}: {:?}", path.display(), r.declared);
        }
        n += 1;
    }
    assert!(n >= 39);
}

const POLICY: &str = r#"
[gateway]
direction = "outbound"
[[gateway.domain]]
pattern = "*.govt.nz"
ceiling = "RESTRICTED"
endorsements = ["NZEO"]
[[gateway.domain]]
pattern = "*"
ceiling = "IN-CONFIDENCE"
"#;

/// Gateway verdicts on the fixtures: every rule, every carrier.
#[test]
fn gateway_verdicts_on_real_mime() {
    let g = Gateway::new(GatewayPolicy::from_toml(POLICY).unwrap()).unwrap();
    let gov = Envelope::new("analyst@agency.govt.nz").to("minister@office.govt.nz");
    let net = Envelope::new("analyst@agency.govt.nz").to("someone@example.com");
    for (name, env, want, rule) in [
        ("subject_bracket.eml", &net, GatewayAction::Accept, None),
        ("header_nz.eml", &gov, GatewayAction::Accept, None),
        (
            "header_nz.eml",
            &net,
            GatewayAction::Reject,
            Some("NZISM 15.2.40.C.01"),
        ),
        (
            "unmarked.eml",
            &gov,
            GatewayAction::Reject,
            Some("NZISM 15.1.11.C.01"),
        ),
        (
            "attachment_docx_under_marked.eml",
            &gov,
            GatewayAction::Reject,
            Some("NZISM 15.1.11.C.02"),
        ),
        (
            "attachment_encrypted_pdf.eml",
            &gov,
            GatewayAction::Tempfail,
            Some("NZISM 15.2.37.C.01"),
        ),
        (
            "reply_downgrade.eml",
            &gov,
            GatewayAction::Quarantine,
            Some("NZISM 15.1.10.C.03"),
        ),
        (
            "header_subject_disagree.eml",
            &gov,
            GatewayAction::Reject,
            Some("NZISM 15.2.39.C.03"),
        ),
        (
            "subject_malformed.eml",
            &gov,
            GatewayAction::Reject,
            Some("NZISM 15.2.39.C.03"),
        ),
        (
            "header_au_foreign.eml",
            &gov,
            GatewayAction::Reject,
            Some("PSR INF014"),
        ),
    ] {
        let v = g.check(env, &fixture(name));
        assert_eq!(v.action, want, "{name}: {:?}", v.reasons);
        if let Some(rule) = rule {
            assert!(
                v.reasons.iter().any(|r| r.rule.id() == rule),
                "{name}: {:?}",
                v.reasons
            );
        }
    }
    // Not MIME at all: fail closed.
    let v = g.check(&gov, b"\x00\x01garbage");
    assert_ne!(v.action, GatewayAction::Accept);
}

/// Malformed mail (10,000 parts, 100-deep nesting, broken boundary, bad
/// encoding) gives a fail-closed verdict within the limits.
#[test]
fn hostile_mail_fails_closed_at_the_gateway() {
    let g = Gateway::new(GatewayPolicy::from_toml(POLICY).unwrap()).unwrap();
    let env = Envelope::new("a@agency.govt.nz").to("b@office.govt.nz");

    let mut many = String::from(
        "Subject: [IN-CONFIDENCE] parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n",
    );
    for i in 0..10_000 {
        many.push_str(&format!(
            "--b\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
        ));
    }
    many.push_str("--b--\r\n");

    let mut deep = String::new();
    for i in 0..100 {
        deep.push_str(&format!("Subject: [IN-CONFIDENCE] level {i}\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n"));
    }
    deep.push_str("Subject: [TOP SECRET] innermost\r\n\r\nTOP SECRET\r\n");

    let broken = "Subject: [IN-CONFIDENCE] b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=never\r\n\r\nTOP SECRET\r\nno boundary here\r\n";
    let bad_b64 = "Subject: [IN-CONFIDENCE] b\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK%%%%not base64\r\n";

    for (what, raw) in [
        ("10,000 parts", many.as_str()),
        ("100-deep nesting", deep.as_str()),
        ("missing boundary", broken),
        ("bad base64 pdf", bad_b64),
    ] {
        let started = std::time::Instant::now();
        let v = g.check(&env, raw.as_bytes());
        assert!(
            matches!(v.action, GatewayAction::Tempfail | GatewayAction::Reject),
            "{what}: {:?} {:?}",
            v.action,
            v.reasons
        );
        // A hang detector, not a speed test (benches/mail.rs measures speed).
        assert!(
            started.elapsed().as_secs() < 120,
            "{what}: no verdict after {:?}, a hang",
            started.elapsed()
        );
    }
}

/// A body banner disguised with look-alike letters is read (the message is under-marked) and
/// flagged as evasion.
#[test]
fn disguised_body_marking_is_read_and_flagged() {
    let raw = "From: a@agency.govt.nz\r\nTo: b@agency.govt.nz\r\nSubject: Plans [IN-CONFIDENCE]\r\n\r\n\u{0405}\u{0415}\u{0421}RET\r\n\r\nThe plan.\r\n";
    let r = MessageAnalyser::new().analyse(raw.as_bytes()).unwrap();
    assert_eq!(effective(&r), "SECRET");
    let c = codes(&r);
    assert!(c.contains(&ProblemCode::UnderMarked), "{c:?}");
    assert!(c.contains(&ProblemCode::EvasionSuspected), "{c:?}");
}

/// A marking carrier that names a level but does not read (an unknown
/// control, a repeated single-valued key) gives the level as a floor and `malformed-marking`;
/// the gateway refuses the message, and knows how high it is.
#[test]
fn unknown_controls_never_hide_the_level() {
    let message = |headers: &str, body: &str| {
        format!(
            "From: analyst@agency.govt.nz\r\nTo: a@agency.govt.nz\r\n{headers}Date: Mon, 23 Nov 2026 09:00:00 +1300\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
    };
    let policy = "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"TOP SECRET\"\n";
    let gateway = Gateway::new(GatewayPolicy::from_toml(policy).unwrap()).unwrap();
    for (raw, want) in [
        (
            message(
                "Subject: roster\r\nX-Protective-Marking: VER=2018.1, NS=gov.au, SEC=TOP-SECRET, ORIGIN=a@b.gov.au, ORIGIN=c@d.gov.au\r\n",
                "Hello",
            ),
            "TOP SECRET",
        ),
        (
            message(
                "Subject: roster\r\nX-Protective-Marking: VER=2018.1, NS=govt.nz, SEC=SECRET, CAVEAT=REL:XYZ/ABC\r\n",
                "Hello",
            ),
            "SECRET",
        ),
        (
            message("Subject: plan [TOP SECRET//SI//NOFORN]\r\n", "Hello"),
            "TOP SECRET",
        ),
        (
            message(
                "Subject: plan [SECRET]\r\n",
                "SECRET//NOFORN\r\n\r\nThe plan.\r\n\r\nSECRET//NOFORN",
            ),
            "SECRET",
        ),
    ] {
        let r = MessageAnalyser::new().analyse(raw.as_bytes()).unwrap();
        assert_eq!(
            r.marking
                .as_ref()
                .map(|m| m.classification().to_string())
                .as_deref(),
            Some(want),
            "{raw}: {:?}",
            r.findings
        );
        let malformed = r
            .problems
            .iter()
            .find(|p| p.code == ProblemCode::MalformedMarking)
            .unwrap_or_else(|| panic!("{raw}: {:?}", r.problems));
        assert!(
            malformed.message.contains("at least"),
            "{}",
            malformed.message
        );
        let verdict = gateway.check(
            &Envelope::new("analyst@agency.govt.nz").to("a@agency.govt.nz"),
            raw.as_bytes(),
        );
        assert_ne!(verdict.action, GatewayAction::Accept, "{raw}");
    }
}
