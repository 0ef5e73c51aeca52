//! Disguised markings: each is flagged as evasion and still detected.

use protective_marking::{ProblemCode, Scanner, scan::FindingKind, scan::Note};

const CASES: &[(&str, &str, Note)] = &[
    ("ЅЕСRЕТ", "SECRET", Note::LookAlikeLetters), // Cyrillic Ѕ, Е, С
    ("ТОР SECRET", "TOP SECRET", Note::LookAlikeLetters), // Cyrillic Т, О, Р
    ("SΕCRΕT", "SECRET", Note::LookAlikeLetters), // Greek Epsilon
    ("ＳＥＣＲＥＴ", "SECRET", Note::FullWidthLetters),
    (
        "ＩＮ ＣＯＮＦＩＤＥＮＣＥ",
        "IN-CONFIDENCE",
        Note::FullWidthLetters,
    ),
    ("SE\u{200B}CRET", "SECRET", Note::InvisibleCharacters),
    ("SE\u{AD}CRET", "SECRET", Note::InvisibleCharacters),
    (
        "R\u{200C}ESTRICTED",
        "RESTRICTED",
        Note::InvisibleCharacters,
    ),
    (
        "CONFIDENTIA\u{2060}L",
        "CONFIDENTIAL",
        Note::InvisibleCharacters,
    ),
    ("SENS\u{FEFF}ITIVE", "SENSITIVE", Note::InvisibleCharacters),
    (
        "IN CONFIDEN\u{200D}CE",
        "IN-CONFIDENCE",
        Note::InvisibleCharacters,
    ),
    ("Ѕecret", "SECRET", Note::LookAlikeLetters),
    ("ТОР\u{A0}ЅЕСRЕТ", "TOP SECRET", Note::LookAlikeLetters),
    ("ΤΟΡ SECRET", "TOP SECRET", Note::LookAlikeLetters), // Greek Tau, Omicron, Rho
    (
        "ＴＯＰ\u{3000}ＳＥＣＲＥＴ", // ideographic space between full-width words
        "TOP SECRET",
        Note::FullWidthLetters,
    ),
    (
        "Re\u{AD}stric\u{AD}ted",
        "RESTRICTED",
        Note::InvisibleCharacters,
    ),
    (
        "IN\u{200B} CONFIDENCE",
        "IN-CONFIDENCE",
        Note::InvisibleCharacters,
    ),
];

#[test]
fn evasions_are_flagged_and_detected() {
    let s = Scanner::new();
    for (written, want, note) in CASES {
        for text in [
            format!("{written}\n"),
            format!("Memo\n\n{written}\n\nbody text café\n"),
            format!("{written}\nbody\n{written}\n"),
        ] {
            let r = s.scan(&text);
            let f = r
                .deciding()
                .next()
                .unwrap_or_else(|| panic!("{text:?}: nothing found: {:?}", r.findings));
            assert_eq!(f.marking.to_string(), *want, "{text:?}");
            assert!(f.notes.contains(note), "{text:?}: {:?}", f.notes);
            assert_eq!(&text[f.span.range()], *written, "{text:?}");
            assert!(
                r.problems
                    .iter()
                    .any(|p| p.code == ProblemCode::EvasionSuspected),
                "{text:?}: {:?}",
                r.problems
            );
            assert_eq!(r.marking.as_ref().unwrap().to_string(), *want);
        }
    }
}

#[test]
fn nbsp_and_ordinary_unicode_are_not_evasion() {
    let s = Scanner::new();
    for text in [
        "In\u{A0}Confidence\nThe café opened.\n",
        "Ngā mihi — SECRET\n",
        "SECRET\nNgā mihi nui, Aotearoa\nSECRET\n",
    ] {
        let r = s.scan(text);
        assert!(
            !r.problems
                .iter()
                .any(|p| p.code == ProblemCode::EvasionSuspected),
            "{text:?}: {:?}",
            r.problems
        );
    }
    // An em dash before a marking in capitals at the end of its line is a break, as a
    // document title fused with its banner shows (`Ngā mihi — SECRET`): it decides, and
    // nothing about it is disguised.
    let r = s.scan("Ngā mihi — SECRET\n");
    assert_eq!(r.findings[0].kind, FindingKind::Banner);
    assert!(r.findings[0].notes.contains(&Note::FusedWithText));
    assert!(!r.findings[0].is_evasion());
}

#[test]
fn disguised_prose_is_still_prose() {
    let r = Scanner::new().scan("The recipe is a trade ЅЕСRЕТ, they said.\n");
    assert!(r.deciding().next().is_none());
    assert!(r.findings[0].is_evasion());
}
