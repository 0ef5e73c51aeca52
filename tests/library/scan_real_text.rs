//! Markings as real documents carry them: fused and split lines from text extraction,
//! title-case banners, running headers with page numbers, labels, brackets, unknown
//! controls, spelling variants, te reo Māori and typographic punctuation, PDF page edges.
//! Each example is written for these tests in the shape of a case seen in public New
//! Zealand releases (the README's "Banner or prose" section explains each rule), and the
//! same text must read the same through `Scanner::scan` and `Scanner::scan_reader`.

use protective_marking::{
    Classification, ProblemCode, Report, Scanner, scan::Confidence, scan::FindingKind, scan::Note,
    scan::PartRole,
};

fn scan(text: &str) -> Report {
    let s = Scanner::builder().window_size(64).build().unwrap();
    let slice = Scanner::new().scan(text);
    let read = s.scan_reader(text.as_bytes()).unwrap();
    assert_eq!(slice, read, "reader and slice differ on {text:?}");
    slice
}

/// The effective marking's canonical text, or `None`.
fn reads(text: &str) -> Option<String> {
    scan(text).marking.map(|m| m.to_string())
}

fn class(text: &str) -> Option<Classification> {
    scan(text).marking.map(|m| m.classification())
}

fn notes(text: &str) -> Vec<Note> {
    scan(text)
        .findings
        .iter()
        .flat_map(|f| f.notes.iter().copied())
        .collect()
}

/// Body text that follows a banner in these examples.
const BODY: &str = "\nThe Minister agreed to the proposal.\nOfficials will report back in May.\n";

#[test]
fn class_1_a_marking_leading_the_first_line() {
    for (first, want) in [
        (
            "In Confidence. Office of the Minister of Health",
            "IN-CONFIDENCE",
        ),
        ("RESTRICTED CAB-21-MIN-0412 Cabinet Committee", "RESTRICTED"),
        ("2 In Confidence Office of the Minister", "IN-CONFIDENCE"),
        (
            "IN CONFIDENCE Purpose 1. This note seeks agreement",
            "IN-CONFIDENCE",
        ),
        (
            "SENSITIVE Sensitive Office of the Prime Minister Chair",
            "SENSITIVE",
        ),
        (
            "Budget Sensitive. Treasury Report T2021/1234",
            "BUDGET SENSITIVE",
        ),
        (
            "UNCLASSIFIED 14 March 2022 Minister of Internal Affairs",
            "UNCLASSIFIED",
        ),
        ("CONFIDENTIAL Page 1 of 4", "CONFIDENTIAL"),
    ] {
        let text = format!("{first}{BODY}");
        assert_eq!(reads(&text).as_deref(), Some(want), "{text:?}");
        let r = scan(&text);
        let f = r.deciding().next().unwrap();
        assert!(
            f.notes.contains(&Note::FusedWithText),
            "{first}: {:?}",
            f.notes
        );
        assert_ne!(f.confidence, Confidence::Low);
    }
    // Capitals followed by running text are prose, wherever they stand.
    for first in [
        "SENSITIVE or RESTRICTED information cannot be sent via email.",
        "IN-CONFIDENCE emails do not need to be encrypted.",
        "CONFIDENTIAL, SECRET or TOP SECRET information cannot be emailed.",
        "Restricted area: authorised staff only",
        "Secret ballots were held in each region.",
    ] {
        let text = format!("{first}{BODY}");
        assert_eq!(reads(&text), None, "{text:?}");
    }
}

#[test]
fn class_1_title_case_only_decides_where_a_banner_stands() {
    // On the first line, yes; in the middle of the text, it is ambiguous: reported at low
    // confidence with a note, never deciding.
    let mid = format!("Minutes of the meeting{BODY}In Confidence Office of the Minister{BODY}");
    let r = scan(&mid);
    assert!(r.marking.is_none(), "{:?}", r.findings);
    let f = &r.findings[0];
    assert_eq!(
        (f.kind, f.confidence),
        (FindingKind::Inline, Confidence::Low)
    );
    assert!(f.notes.contains(&Note::Ambiguous));
    // A heading that starts with a level word, in title case, never decides.
    for heading in [
        "Sensitive Expenditure Policy",
        "Restricted Activities Guidance 2024",
        "Confidential Items Register",
        "Secret Santa Rules",
    ] {
        for text in [
            format!("{heading}{BODY}"),
            format!("Memo{BODY}{heading}{BODY}"),
        ] {
            assert_eq!(reads(&text), None, "{text:?}");
        }
    }
    // On the last line it does decide.
    let last = format!("Memo{BODY}In Confidence. Page 3");
    assert_eq!(class(&last), Some(Classification::InConfidence));
}

#[test]
fn class_1_release_stamps_do_not_move_the_banner_off_the_first_line() {
    for stamp in [
        "Released under the Official Information Act 1982\n\n",
        "Released\nunder\nthe\nOfficial\nInformation\nAct\n1982\n",
        "under the Official Information Act 1982\nReleased\ns9(2)(a)\n",
        "Proactively released by the Minister\n",
    ] {
        let text = format!("{stamp}In Confidence Office of the Minister of Finance{BODY}");
        assert_eq!(class(&text), Some(Classification::InConfidence), "{text:?}");
    }
    // A line of ordinary text above does.
    let text = format!("Agenda item 4\nIn Confidence Office of the Minister{BODY}");
    assert_eq!(class(&text), None);
}

#[test]
fn class_2_running_headers_and_footers_with_page_numbers() {
    let doc = "Supporting material for the caucus\n\n\
        LEGALLY PRIVILEGED IN-CONFIDENCE 1 Contents\n\nSummary of the matter\n\n\
        LEGALLY PRIVILEGED IN-CONFIDENCE 2 Part 1\n\nThe context for the review\n\n\
        LEGALLY PRIVILEGED IN-CONFIDENCE 3 Options\n";
    assert_eq!(reads(doc).as_deref(), Some("LEGAL PRIVILEGE IN-CONFIDENCE"));
    let doc = "Review of the regional structure\n\nCONFIDENTIAL: Review of the regional structure 7\nThe proposal affects four offices.\n";
    assert_eq!(class(doc), Some(Classification::Confidential));
    // Title case repeated at the start of several lines: a running header.
    let doc = format!(
        "Cover note\n{BODY}In Confidence 4 Options{BODY}In Confidence 5 Risks{BODY}Appendix"
    );
    let r = scan(&doc);
    assert_eq!(
        r.marking.map(|m| m.classification()),
        Some(Classification::InConfidence)
    );
    assert!(
        r.findings
            .iter()
            .all(|f| f.notes.contains(&Note::RunningHeader))
    );
    // Consecutive pages' banners flattened into one line.
    let flat = "Briefing for the Incoming Minister 2020 UNCLASSIFIED Contents How this brief is organised 1 \
        Part One 3 Appendices 63 UNCLASSIFIED UNCLASSIFIED UNCLASSIFIED How this brief is organised";
    assert_eq!(class(flat), Some(Classification::Unclassified));
    let flat = "Circular CO (18) 4. RESTRICTED The Cabinet paper is being released with redactions";
    assert_eq!(class(flat), Some(Classification::Restricted));
    // A heading repeated as a running header is still no marking.
    let doc =
        format!("Policy{BODY}Sensitive Expenditure Policy 3{BODY}Sensitive Expenditure Policy 4");
    assert_eq!(reads(&doc), None);
}

#[test]
fn class_3_label_prefixes() {
    for (text, want) in [
        ("Classification: RESTRICTED", "RESTRICTED"),
        ("Security classification: SENSITIVE", "SENSITIVE"),
        ("Cover sheet: SECRET//NZEO - do not copy", "SECRET//NZEO"),
        (
            "Cabinet paper: BUDGET:SENSITIVE - embargoed",
            "BUDGET SENSITIVE",
        ),
        (
            "Date: 23 November 2017 Security Level: IN CONFIDENCE. Hon Phil Twyford, Minister",
            "IN-CONFIDENCE",
        ),
        ("Security Level: In Confidence", "IN-CONFIDENCE"),
        (
            "destination:VZCZCXRO5861 PRIORITY 3435 classification:CONFIDENTIAL reference: 06WELLINGTON851",
            "CONFIDENTIAL",
        ),
        ("ProtectiveMarking: CONFIDENTIAL", "CONFIDENTIAL"),
    ] {
        let full = format!("Memo{BODY}{text}{BODY}");
        let got = reads(&full);
        assert!(
            got.as_deref().is_some_and(|g| g.starts_with(want)),
            "{text:?}: {got:?}"
        );
    }
    // A label in a sentence that goes on is prose.
    for text in [
        "The full review report is classified TOP SECRET//NZEO (New Zealand Eyes Only).",
        "Information classified as SECRET must be stored in a container.",
        "It was declassified as SECRET material in 1995.",
        "Note: SECRET information must not be emailed.",
    ] {
        assert_eq!(reads(&format!("Memo{BODY}{text}{BODY}")), None, "{text:?}");
    }
}

#[test]
fn class_4_bracketed_markings() {
    for text in [
        "[SECRET]",
        "[IN-CONFIDENCE]",
        "  [RESTRICTED]  ",
        "[Sensitive]",
    ] {
        let r = scan(&format!("Memo{BODY}{text}{BODY}"));
        let f = r
            .deciding()
            .next()
            .unwrap_or_else(|| panic!("{text:?}: {:?}", r));
        assert!(f.notes.contains(&Note::Bracketed), "{text:?}");
        assert!(
            !r.problems
                .iter()
                .any(|p| p.code == ProblemCode::MalformedMarking)
        );
    }
    // A quoted subject in a forwarded message's body.
    let fwd = "Hi Aroha,\nsee below.\n\nFrom: Tama\nSent: Monday 3 May\nSubject: RE: roster [RESTRICTED]\n\nThe roster is attached.\n";
    assert_eq!(class(fwd), Some(Classification::Restricted));
    // With a free-text caveat inside the brackets.
    let letter = format!("[IN-CONFIDENCE - RELEASE EXTERNAL]\n04/03/2026{BODY}");
    assert_eq!(class(&letter), Some(Classification::InConfidence));
    // A table that explains the SEEMail tags is not a marked text.
    let table = "TRIGGER WORDS  WHO CAN RECEIVE\n\n[SEEMAIL]  Limits sending to SEEMail agencies.\n\n\
        [RESTRICTED]  Limits sending to agencies accredited to RESTRICTED systems.\n\n\
        [IN-CONFIDENCE]  Allows sending to any participating SEEMail user.\n";
    assert_eq!(reads(table), None);
    // A template's placeholder is not a marking.
    let template = "[security classification - minimum of In Confidence]\nOffice of the Minister\n";
    assert_eq!(reads(template), None);
}

#[test]
fn class_5_unknown_controls_never_hide_the_level() {
    for (text, want) in [
        ("TOP SECRET//SI//NOFORN", Classification::TopSecret),
        ("SECRET//NOFORN", Classification::Secret),
        ("TOP SECRET RESTRICTED", Classification::TopSecret),
        ("SECRET//KAHU", Classification::Secret),
        ("[TOP SECRET//SI]", Classification::TopSecret),
    ] {
        for full in [format!("{text}{BODY}"), format!("Memo{BODY}{text}{BODY}")] {
            let r = scan(&full);
            assert_eq!(
                r.marking.as_ref().map(|m| m.classification()),
                Some(want),
                "{full:?}"
            );
            let f = r.deciding().next().unwrap();
            assert!(f.notes.contains(&Note::PartlyRead), "{full:?}");
            let p = r
                .problems
                .iter()
                .find(|p| p.code == ProblemCode::MalformedMarking)
                .unwrap_or_else(|| panic!("{full:?}: {:?}", r.problems));
            assert!(
                p.message.contains(&format!("at least {want}")),
                "{}",
                p.message
            );
        }
    }
    // Each unknown control is named.
    let r = scan("TOP SECRET//SI//NOFORN\nbody\n");
    let p = &r.problems[0];
    assert!(
        p.message.contains("`SI`") && p.message.contains("`NOFORN`"),
        "{}",
        p.message
    );
    // In a property value too.
    let r = Scanner::new().scan_part("SECRET//NOFORN", PartRole::Property);
    assert_eq!(
        r.marking.map(|m| m.classification()),
        Some(Classification::Secret)
    );
    assert!(
        r.problems
            .iter()
            .any(|p| p.code == ProblemCode::MalformedMarking)
    );
}

#[test]
fn class_6_endorsement_and_spelling_variants() {
    for (text, want) in [
        ("LEGALLY PRIVILEGED", None),
        (
            "LEGALLY PRIVILEGED IN-CONFIDENCE",
            Some("LEGAL PRIVILEGE IN-CONFIDENCE"),
        ),
        (
            "Legally Privileged In Confidence",
            Some("LEGAL PRIVILEGE IN-CONFIDENCE"),
        ),
        (
            "LEGALLY PRIVILEGED : IN CONFIDENCE",
            Some("LEGAL PRIVILEGE IN-CONFIDENCE"),
        ),
        ("COMMERCIAL-IN-CONFIDENCE", Some("COMMERCIAL IN-CONFIDENCE")),
        (
            "IN CONFIDENCE-TO BE SHARED WITH AUS/CAN/UK/US ONLY",
            Some("IN-CONFIDENCE"),
        ),
        ("IN-CONFIDENCE \u{2013} STAFF", Some("STAFF IN-CONFIDENCE")),
        ("S E C R E T", Some("SECRET")),
        ("C O N F I D E N T I A L", Some("CONFIDENTIAL")),
        ("T O P  S E C R E T", Some("TOP SECRET")),
        ("T O P S E C R E T", Some("TOP SECRET")),
        ("I N  C O N F I D E N C E", Some("IN-CONFIDENCE")),
        (
            "C O N F I D E N T I A L SECTION 01 OF 02 WELLINGTON 000931",
            Some("CONFIDENTIAL"),
        ),
        (
            "?C O N F I D E N T I A L WELLINGTON 000851",
            Some("CONFIDENTIAL"),
        ),
    ] {
        let full = format!("Cable{BODY}{text}{BODY}");
        let got = scan(&full).marking.map(|m| {
            // TOP SECRET's implied ACCOUNTABLE MATERIAL is not what this test is about.
            m.to_string().replace("//ACCOUNTABLE MATERIAL", "")
        });
        assert_eq!(got.as_deref(), want, "{text:?}");
    }
    assert!(notes(&format!("x{BODY}S E C R E T{BODY}")).contains(&Note::LetterSpaced));
    // Letter-spaced words in a sentence stay prose; ordinary spaced letters are no marking.
    assert_eq!(
        reads(&format!(
            "x{BODY}the stamp read s e c r e t in red ink{BODY}"
        )),
        None
    );
    assert_eq!(
        reads(&format!("x{BODY}Options A B C D are set out below.{BODY}")),
        None
    );
}

#[test]
fn class_7_split_words_read_at_the_highest_level() {
    for (text, want) in [
        (
            "The material in this annex is TOP\nSECRET\nbody",
            Classification::TopSecret,
        ),
        ("Memo TOP\nSECRET//NZEO\nbody", Classification::TopSecret),
        (
            "The note is marked IN\nCONFIDENCE\nbody",
            Classification::InConfidence,
        ),
        ("Memo\nTOP\nSECRET\nbody", Classification::TopSecret),
        (
            "the annex is TOP\nSECRET Office of the Minister\nbody",
            Classification::TopSecret,
        ),
        (
            "memo TOP\nSECRET//SI//NOFORN\nbody",
            Classification::TopSecret,
        ),
    ] {
        assert_eq!(class(text), Some(want), "{text:?}");
    }
}

#[test]
fn class_8_non_ascii_around_markings() {
    // A paragraph mark before a word with a macron.
    let text = "RESTRICTED\n\n(TS) Ōtautahi site list.\n\nRESTRICTED\n";
    let r = scan(text);
    assert_eq!(
        r.marking.unwrap().classification(),
        Classification::TopSecret
    );
    assert!(
        r.problems
            .iter()
            .any(|p| p.code == ProblemCode::UnderMarked)
    );
    for (text, want) in [
        (
            "Ōtautahi office\nIN-CONFIDENCE\nTēnā koe",
            Classification::InConfidence,
        ),
        ("“SECRET”\nbody", Classification::Secret),
        (
            "In Confidence – Te Puni Kōkiri\nbody",
            Classification::InConfidence,
        ),
        (
            "RESTRICTED — Ngāi Tahu settlement\nbody",
            Classification::Restricted,
        ),
        (
            "Hui ā-iwi\n\u{2018}IN CONFIDENCE\u{2019}\nbody",
            Classification::InConfidence,
        ),
        (
            "Tēnā koe\nSENSITIVE Whānau Ora commissioning 4\nbody",
            Classification::Sensitive,
        ),
    ] {
        assert_eq!(class(text), Some(want), "{text:?}");
    }
    // Prose stays prose with macrons and curly quotes around it.
    for text in [
        "Kōrero: she told me “in confidence” that the whānau had left.",
        "The kaumātua’s secret recipe is a taonga.",
        "Te reo Māori – the ‘restricted’ area is closed.",
    ] {
        assert_eq!(reads(text), None, "{text:?}");
    }
}

#[test]
fn class_9_pdf_page_edges() {
    let s = Scanner::new();
    // A sentence at the bottom of a page is prose.
    let r = s.scan_part(
        "Information classified as SECRET must be stored in a container.",
        PartRole::PageEdge,
    );
    assert!(r.marking.is_none(), "{:?}", r.findings);
    let r = s.scan_part("Handle all papers as CONFIDENTIAL.", PartRole::PageEdge);
    assert!(r.marking.is_none(), "{:?}", r.findings);
    // A banner there decides, title case too.
    for (edge, want) in [
        ("IN-CONFIDENCE", Classification::InConfidence),
        (
            "In Confidence Office of the Minister",
            Classification::InConfidence,
        ),
        ("Page 2 of 7  RESTRICTED", Classification::Restricted),
        ("RESTRICTED 2", Classification::Restricted),
        ("IN-CONFIDENCE // page 1", Classification::InConfidence),
        ("Ministry of Health SECRET", Classification::Secret),
        ("TEXTBOX TOP SECRET", Classification::TopSecret),
    ] {
        let r = s.scan_part(edge, PartRole::PageEdge);
        assert_eq!(
            r.marking.map(|m| m.classification()),
            Some(want),
            "{edge:?}"
        );
    }
}

/// Prose that uses level words never decides, however it is fused,
/// bracketed or stamped.
#[test]
fn prose_never_decides() {
    for text in [
        "She told me in confidence that the plan had changed.",
        "The restricted area is closed to the public.",
        "The recipe is a trade secret.",
        "Private and confidential",
        "PRIVATE AND CONFIDENTIAL",
        "Information classified as SECRET must be stored in a container.",
        "Released under the Official Information Act 1982",
        "RELEASED UNDER THE OFFICIAL INFORMATION ACT 1982",
        "Proactively released by the Minister of Finance",
        "[security classification - minimum of In Confidence]",
        "Appendix A: Current security classifications 18",
        "Contents\nBackground 3\nSecurity classifications 8\nOptions 10",
        "It must be treated in confidence and handled in accordance with any security classification.",
        "The top-secret list was revealed in the briefing.",
        "It's listed as top secret and appears to document codes.",
        "This report is an unclassified version of a report to the Prime Minister.",
        "DECLASSIFIED",
        "Declassified for release - December 2017",
        "Releasable to the public.",
        "This email may contain information that is confidential or legally privileged.",
        "the SECRET/NOFORN cable, meaning for American eyes only",
        "In the New Zealand system, TOP SECRET, SECRET, CONFIDENTIAL, RESTRICTED, SENSITIVE and IN CONFIDENCE are classifications.",
        "Confidential -- damage to national security.",
        "Secret: serious damage to national security.",
    ] {
        for full in [text.to_string(), format!("Minutes{BODY}{text}{BODY}")] {
            let r = scan(&full);
            assert!(
                r.deciding().next().is_none(),
                "{full:?} gave deciding findings {:?}",
                r.findings
            );
        }
    }
}

/// Guidance that lists or defines the levels is not a marked text.
#[test]
fn lists_and_definitions_of_levels_are_not_banners() {
    let bullets = "The classifications are:\n- IN CONFIDENCE\n- SENSITIVE.\nFor national security:\n\
        - RESTRICTED\n- CONFIDENTIAL\n- SECRET\n- TOP SECRET.\nUnclassified information is the rest.";
    let r = scan(bullets);
    assert!(r.marking.is_none());
    assert!(r.findings.iter().all(|f| f.notes.contains(&Note::ListItem)));
    let bullets = "What are the levels?\n\n  \u{2022} Top Secret\n  \u{2022} Secret\n  \u{2022} Confidential\n";
    assert_eq!(reads(bullets), None);
    let headings = "Security classifications\n\nRESTRICTED\nUse the RESTRICTED security classification when compromise would adversely affect the national interest.\n\
        CONFIDENTIAL\nUse the CONFIDENTIAL security classification when compromise would damage the national interest.\n";
    let r = scan(headings);
    assert!(r.marking.is_none(), "{:?}", r.findings);
    assert!(r.findings.iter().any(|f| f.notes.contains(&Note::Heading)));
    // A banner framed by dashes is no list item, and a banner over ordinary text is one.
    assert_eq!(class("- SECRET -\nbody"), Some(Classification::Secret));
    assert_eq!(
        class("Memo\nRESTRICTED\nThe minister agreed to the restricted option.\n"),
        Some(Classification::Restricted)
    );
}
