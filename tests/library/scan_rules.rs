//! Banner versus prose (a banner decides, the same words in running prose never do), split words,
//! paragraph marks and the report's problems, as tables. Every text goes through both paths (slice,
//! and reader with a tiny window) and they must agree.

use protective_marking::{
    Classification, Marking, ProblemCode, Report, Scanner, scan::Confidence, scan::FindingKind,
    scan::Note, scan::PartRole,
};

fn scanner() -> Scanner {
    Scanner::new()
}

/// The report for `text`, checked to be the same through the reader path.
fn scan(text: &str) -> Report {
    let report = scanner().scan(text);
    let tiny = Scanner::builder().window_size(5).build().unwrap();
    let read = tiny.scan_reader(text.as_bytes()).unwrap();
    assert_eq!(read, report, "reader and slice differ on {text:?}");
    report
}

/// Every deciding finding's canonical marking.
fn deciding(text: &str) -> Vec<String> {
    scan(text)
        .deciding()
        .map(|f| f.marking.to_string())
        .collect()
}

fn codes(text: &str) -> Vec<ProblemCode> {
    scan(text).problems.iter().map(|p| p.code).collect()
}

/// The same words in running prose never decide.
const PROSE: &[&str] = &[
    "She told me in confidence that the plan had changed.",
    "told me in confidence",
    "Told me IN CONFIDENCE, honestly.",
    "Do not enter the restricted area without a pass.",
    "RESTRICTED AREA",
    "Restricted area",
    "The recipe is a trade secret.",
    "TRADE SECRET",
    "Private and confidential",
    "PRIVATE AND CONFIDENTIAL",
    "private and confidential",
    "Information classified as SECRET must be stored in a class B container.",
    "information classified as SECRET must be stored in a safe",
    "The secretary kept the secrets of the confidence-building talks.",
    "A top-secretive agency was unclassified-ish.",
    "He was sensitive about it and restricted his comments.",
    "HIGHLY CONFIDENTIAL",
    "The file was classified as secret in 1985 and later released.",
    "It was declassified as SECRET material.",
    "SECRET SERVICE ANNUAL REPORT 2023 - summary of operations in the region",
    "We have every confidence in the top secret santa plan.",
    "(c) the third item\n(s) the fourth item",
    "(C) 2024 Crown copyright",
    "Keep this Sensitive information safe, she said.",
];

#[test]
fn prose_never_decides() {
    for text in PROSE {
        for wrapped in [
            text.to_string(),
            format!("Minutes of the meeting held on Tuesday.\n{text}\nNext meeting in May."),
        ] {
            let r = scan(&wrapped);
            assert!(
                r.deciding().next().is_none(),
                "{wrapped:?} gave deciding findings {:?}",
                r.findings
            );
            assert!(r.marking.is_none(), "{wrapped:?}");
        }
    }
}

/// Banners: each classification and endorsement on a line of its own, in several spellings.
const BANNERS: &[(&str, &str)] = &[
    ("UNCLASSIFIED", "UNCLASSIFIED"),
    ("Unclassified", "UNCLASSIFIED"),
    ("IN-CONFIDENCE", "IN-CONFIDENCE"),
    ("IN CONFIDENCE", "IN-CONFIDENCE"),
    ("In Confidence", "IN-CONFIDENCE"),
    ("in-confidence", "IN-CONFIDENCE"),
    ("IN  CONFIDENCE", "IN-CONFIDENCE"),
    ("In\u{A0}Confidence", "IN-CONFIDENCE"),
    ("IN\tCONFIDENCE", "IN-CONFIDENCE"),
    ("SENSITIVE", "SENSITIVE"),
    ("Sensitive", "SENSITIVE"),
    ("RESTRICTED", "RESTRICTED"),
    ("restricted", "RESTRICTED"),
    ("CONFIDENTIAL", "CONFIDENTIAL"),
    ("Confidential", "CONFIDENTIAL"),
    ("SECRET", "SECRET"),
    ("Secret", "SECRET"),
    ("secret", "SECRET"),
    ("TOP SECRET", "TOP SECRET"),
    ("TOP-SECRET", "TOP SECRET"),
    ("Top Secret", "TOP SECRET"),
    ("top\tsecret", "TOP SECRET"),
    ("MEDICAL IN-CONFIDENCE", "MEDICAL IN-CONFIDENCE"),
    ("Medical In Confidence", "MEDICAL IN-CONFIDENCE"),
    ("IN-CONFIDENCE - STAFF", "STAFF IN-CONFIDENCE"),
    ("BUDGET SENSITIVE", "BUDGET SENSITIVE"),
    ("SENSITIVE: BUDGET", "BUDGET SENSITIVE"),
    ("Sensitive: Budget", "BUDGET SENSITIVE"),
    ("APPOINTMENTS IN-CONFIDENCE", "APPOINTMENTS IN-CONFIDENCE"),
    ("CABINET SENSITIVE", "CABINET SENSITIVE"),
    ("COMMERCIAL IN-CONFIDENCE", "COMMERCIAL IN-CONFIDENCE"),
    ("EVALUATIVE IN-CONFIDENCE", "EVALUATIVE IN-CONFIDENCE"),
    ("HONOURS SENSITIVE", "HONOURS SENSITIVE"),
    ("LEGAL PRIVILEGE SENSITIVE", "LEGAL PRIVILEGE SENSITIVE"),
    ("POLICY IN-CONFIDENCE", "POLICY IN-CONFIDENCE"),
    (
        "SPECIAL HANDLING REQUIRED SENSITIVE",
        "SPECIAL HANDLING REQUIRED SENSITIVE",
    ),
    ("MFAT USE ONLY IN-CONFIDENCE", "MFAT USE ONLY IN-CONFIDENCE"),
    ("SECRET//NZEO", "SECRET//NZEO"),
    ("CONFIDENTIAL//NZEO", "CONFIDENTIAL//NZEO"),
    (
        "RESTRICTED//REL TO NZL, AUS, GBR",
        "RESTRICTED//REL TO NZL, AUS, GBR",
    ),
    ("SECRET//ORCON", "SECRET//ORCON"),
    (
        "TOP SECRET//REL TO NZL, FVEY",
        "TOP SECRET//REL TO NZL, FVEY",
    ),
    (
        "SECRET//ACCOUNTABLE MATERIAL",
        "SECRET//ACCOUNTABLE MATERIAL",
    ),
    (
        "IN CONFIDENCE - NOT TO BE DISTRIBUTED WITHOUT APPROVAL",
        "IN-CONFIDENCE - NOT TO BE DISTRIBUTED WITHOUT APPROVAL",
    ),
    ("SECRET.", "SECRET"),
    // Mixed case (lenient reading: any case).
    ("tOp SeCrEt", "TOP SECRET"),
    ("In CONFIDENCE", "IN-CONFIDENCE"),
    ("sEnSiTiVe", "SENSITIVE"),
    // Words split by runs of spaces and hyphens, as PDF text does.
    ("TOP   SECRET", "TOP SECRET"),
    ("IN - CONFIDENCE", "IN-CONFIDENCE"),
    ("TOP\u{A0}\u{A0}SECRET", "TOP SECRET"),
];

#[test]
fn banners_decide_in_every_spelling() {
    for (written, canonical) in BANNERS {
        for text in [
            format!("{written}\n"),
            format!("Memo to the minister\n\n{written}\n\nThe body of the memo.\n"),
            format!("{written}\r\nBody text here.\r\n{written}\r\n"),
        ] {
            let got = deciding(&text);
            assert!(
                !got.is_empty() && got.iter().all(|g| g == canonical),
                "{text:?}: expected {canonical}, got {got:?}"
            );
        }
    }
}

#[test]
fn positions_first_last_banner() {
    let r = scan("SECRET\n\nbody text\n\nSECRET\n\nmore\n\nSECRET\n");
    let kinds: Vec<FindingKind> = r.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![
            FindingKind::FirstLine,
            FindingKind::Banner,
            FindingKind::LastLine
        ]
    );
    assert_eq!(r.findings[1].line, Some(5));
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let only = scan("  SECRET  \n");
    assert_eq!(only.findings[0].kind, FindingKind::Banner);
    assert_eq!(only.findings[0].span.start, 2);
    assert_eq!(only.findings[0].text, "SECRET");
}

#[test]
fn lower_case_single_word_rule() {
    // A line that is only a marking, in any case, is a banner; case sets confidence.
    for (line, conf) in [
        ("SECRET", Confidence::High),
        ("Secret", Confidence::Medium),
        ("secret", Confidence::Medium),
    ] {
        let r = scan(&format!("intro line\n{line}\nbody\n"));
        assert_eq!(r.findings.len(), 1, "{line}");
        assert_eq!(r.findings[0].kind, FindingKind::Banner);
        assert_eq!(r.findings[0].confidence, conf);
    }
    // Inside a sentence: prose, and not even reported unless in capitals.
    assert!(scan("keep it secret please\n").findings.is_empty());
    let r = scan("keep it SECRET please\n");
    assert_eq!(r.findings[0].kind, FindingKind::Inline);
    assert_eq!(r.findings[0].confidence, Confidence::Low);
}

#[test]
fn split_words() {
    for (text, want) in [
        ("Memo\nTOP\nSECRET\nbody\n", "TOP SECRET"),
        ("Memo\nTOP \nSECRET\nbody\n", "TOP SECRET"),
        ("Memo\nIN\nCONFIDENCE\nbody\n", "IN-CONFIDENCE"),
        ("Memo\nIN  CONFIDENCE\nbody\n", "IN-CONFIDENCE"),
        ("Memo\nIN\u{A0}CONFIDENCE\nbody\n", "IN-CONFIDENCE"),
        (
            "Memo\nMEDICAL\nIN-CONFIDENCE\nbody\n",
            "MEDICAL IN-CONFIDENCE",
        ),
        ("Memo\nSECRET\n//NZEO\nbody\n", "SECRET//NZEO"),
    ] {
        let r = scan(text);
        assert_eq!(deciding(text), vec![want.to_string()], "{text:?}");
        if text.contains("\nSECRET\n") || text.contains("IN\nCON") || text.contains("MEDICAL\n") {
            assert!(
                r.findings[0].notes.contains(&Note::SplitAcrossLines),
                "{text:?}"
            );
        }
    }
    // A wrap inside prose is still prose.
    let r = scan("the file is marked TOP\nSECRET and kept in a safe\n");
    assert!(r.deciding().next().is_none());
    assert_eq!(r.findings[0].marking.to_string(), "TOP SECRET");
}

#[test]
fn statements_decide() {
    for (text, want) in [
        (
            "The information in this document is classified as IN CONFIDENCE",
            "IN-CONFIDENCE",
        ),
        (
            "The information in this document is classified as IN CONFIDENCE.\nMore text.",
            "IN-CONFIDENCE",
        ),
        ("Notes\nClassification: RESTRICTED\nbody", "RESTRICTED"),
        (
            "Notes\nSecurity classification: Sensitive\nbody",
            "SENSITIVE",
        ),
        (
            "This memo is marked SECRET//NZEO. Handle it accordingly.",
            "SECRET//NZEO",
        ),
    ] {
        let r = scan(text);
        let st: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Statement || f.kind.is_deciding())
            .collect();
        assert_eq!(st.len(), 1, "{text:?}: {:?}", r.findings);
        assert_eq!(st[0].marking.to_string(), want, "{text:?}");
    }
}

#[test]
fn paragraph_marks_and_under_marking() {
    let text = "IN-CONFIDENCE\n\n(IC) The first paragraph.\n\n(S) The second paragraph.\n\n(Sen) A third.\n\nIN-CONFIDENCE\n";
    let r = scan(text);
    let marks: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::ParagraphMark)
        .map(|f| f.marking.classification())
        .collect();
    assert_eq!(
        marks,
        vec![
            Classification::InConfidence,
            Classification::Secret,
            Classification::Sensitive
        ]
    );
    let under: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::UnderMarked)
        .collect();
    assert_eq!(under.len(), 2, "{:?}", r.problems);
    assert_eq!(under[0].at, "line 5");
    assert_eq!(r.marking.unwrap().to_string(), "SECRET");
}

#[test]
fn problems() {
    assert_eq!(
        codes("Just a note about lunch.\n"),
        vec![ProblemCode::Unmarked]
    );
    assert_eq!(codes(""), vec![ProblemCode::Unmarked]);
    assert_eq!(
        codes("SECRET\nbody\nIN-CONFIDENCE\n"),
        vec![ProblemCode::BannersDisagree]
    );
    assert_eq!(
        codes("In Confidence\nbody\nIN-CONFIDENCE\n"),
        vec![ProblemCode::NonCanonical]
    );
    // A malformed banner is read at the level it shows (its floor) and reported malformed:
    // an unknown control or a second classification never hides the level.
    assert_eq!(
        codes("TOP SECRET RESTRICTED\nbody\n"),
        vec![ProblemCode::MalformedMarking]
    );
    let r = scan("TOP SECRET RESTRICTED\nbody\n");
    assert_eq!(
        r.marking.unwrap().classification(),
        Classification::TopSecret
    );
    assert!(r.findings[0].notes.contains(&Note::PartlyRead));
    assert_eq!(
        codes("IN-CONFIDENCE\nbody\nSECRET//KAHU\nIN-CONFIDENCE\n"),
        vec![ProblemCode::BannersDisagree, ProblemCode::MalformedMarking]
    );
    // Words before the level that are no marking words: a phrase, not a broken marking,
    // so no floor (`PRIVATE AND CONFIDENTIAL` never decides).
    assert!(scan("PRIVATE AND CONFIDENTIAL\n").marking.is_none());
    assert_eq!(
        codes("PROTECTED\nbody\nPROTECTED\n"),
        vec![ProblemCode::ForeignMarking, ProblemCode::ForeignMarking]
    );
}

#[test]
fn header_footer_and_property_roles() {
    let s = scanner();
    let r = s.scan_part(
        "Page 3 of 9\t\tSECRET//NZEO\t\t12 May",
        PartRole::HeaderOrFooter,
    );
    assert_eq!(r.marking.unwrap().to_string(), "SECRET//NZEO");
    let r = s.scan_part("restricted access area", PartRole::HeaderOrFooter);
    assert!(r.marking.is_none());
    let r = s.scan_part("  In Confidence  ", PartRole::Property);
    assert_eq!(r.findings[0].kind, FindingKind::Property);
    assert_eq!(r.findings[0].span.start, 2);
    let r = s.scan_part("TOP SECRET RESTRICTED", PartRole::Property);
    assert!(
        r.problems
            .iter()
            .any(|p| p.code == ProblemCode::MalformedMarking)
    );
    let r = s.scan_part("Quarterly report", PartRole::Property);
    assert!(r.marking.is_none());
    let m: Marking = "SENSITIVE".parse().unwrap();
    let r = s.scan_part("ＳＥＮＳＩＴＩＶＥ", PartRole::Property);
    assert_eq!(r.marking, Some(m));
    assert!(r.findings[0].is_evasion());
}

/// The report's problems, one table: the text, the problem codes in order, the effective
/// marking.
const PROBLEMS: &[(&str, &[ProblemCode], Option<&str>)] = &[
    (
        "Unmarked memo about lunch.\n",
        &[ProblemCode::Unmarked],
        None,
    ),
    // Prose alone never marks a text.
    (
        "The recipe is a trade secret, told me in confidence.\n",
        &[ProblemCode::Unmarked],
        None,
    ),
    (
        "Do not enter the RESTRICTED AREA.\n",
        &[ProblemCode::Unmarked],
        None,
    ),
    // Top and bottom banners disagree: the join decides.
    (
        "SECRET\nbody\nIN-CONFIDENCE\n",
        &[ProblemCode::BannersDisagree],
        Some("SECRET"),
    ),
    (
        "MEDICAL IN-CONFIDENCE\nbody\nIN-CONFIDENCE\n",
        &[ProblemCode::BannersDisagree],
        Some("MEDICAL IN-CONFIDENCE"),
    ),
    // A paragraph mark or statement above the banner: under-marked.
    (
        "IN-CONFIDENCE\n\n(S) The plan.\n\nIN-CONFIDENCE\n",
        &[ProblemCode::UnderMarked],
        Some("SECRET"),
    ),
    (
        "SENSITIVE\n\n(TS) The plan.\n\n(IC) The rest.\n\nSENSITIVE\n",
        &[ProblemCode::UnderMarked],
        Some("TOP SECRET"),
    ),
    (
        "IN-CONFIDENCE\nThis document is classified as SECRET.\nIN-CONFIDENCE\n",
        &[ProblemCode::UnderMarked],
        Some("SECRET"),
    ),
    // A paragraph mark at or below the banner is fine.
    ("SECRET\n\n(IC) The plan.\n\nSECRET\n", &[], Some("SECRET")),
    // Non-canonical forms: readable, reported once per spelling, advisory.
    (
        "In Confidence\nbody\nIn Confidence\n",
        &[ProblemCode::NonCanonical],
        Some("IN-CONFIDENCE"),
    ),
    (
        "secret\nbody\nTOP-SECRET\n",
        &[
            ProblemCode::BannersDisagree,
            ProblemCode::NonCanonical,
            ProblemCode::NonCanonical,
        ],
        Some("TOP SECRET"),
    ),
    // Evasion: found, decides, and flagged.
    (
        "SE\u{200B}CRET\nbody\nSECRET\n",
        &[ProblemCode::EvasionSuspected],
        Some("SECRET"),
    ),
    // Canonical throughout: no problems.
    (
        "TOP SECRET//NZEO\n\n(TS) The plan.\n\nTOP SECRET//NZEO\n",
        &[],
        Some("TOP SECRET//NZEO"),
    ),
];

#[test]
fn issue_3_problems() {
    for (text, want, marking) in PROBLEMS {
        let r = scan(text);
        let got: Vec<ProblemCode> = r.problems.iter().map(|p| p.code).collect();
        assert_eq!(got, *want, "{text:?}: {:?}", r.problems);
        assert_eq!(
            r.marking.as_ref().map(|m| m.to_string()).as_deref(),
            *marking,
            "{text:?}"
        );
    }
}

/// A statement (`classified as IN CONFIDENCE`) decides, prose that defines a level
/// (`Information classified as SECRET must ...`) does not: the lead decides, the sentence's
/// end bounds it.
#[test]
fn statement_versus_prose() {
    let decide = [
        "The information in this document is classified as IN CONFIDENCE",
        "This document is classified IN-CONFIDENCE.",
        "Security classification: TOP SECRET",
        "Marking: SENSITIVE: BUDGET",
    ];
    for text in decide {
        let r = scan(text);
        assert!(
            r.findings.iter().any(|f| f.kind == FindingKind::Statement),
            "{text:?}: {:?}",
            r.findings
        );
    }
    let prose = [
        "Information classified as SECRET must be stored in a safe.",
        "information classified as secret is kept locked",
        "The file was classified as secret in 1985.",
    ];
    for text in prose {
        assert!(scan(text).deciding().next().is_none(), "{text:?}");
    }
}
