//! Property tests for the scanner: banners are always found, prose never decides, and no
//! input panics.

use proptest::prelude::*;
use protective_marking::{Classification, Endorsement, Marking, PartRole, Scanner};

/// Words of ordinary prose, including near-misses of marking words.
const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "report",
    "budget",
    "policy",
    "secretary",
    "secrets",
    "confidence-building",
    "top-secretive",
    "classified",
    "area",
    "trade",
    "private",
    "and",
    "told",
    "me",
    "in",
    "to",
    "of",
    "restricted",
    "secret",
    "confidence",
    "sensitive",
    "confidential",
    "information",
    "must",
    "be",
    "stored",
    "safe",
    "officials",
    "protected",
    "unclassified",
    "(see",
    "note)",
    "2024",
    "Ngā",
    "café",
    "staff",
    "medical",
    "top",
];

/// Phrases from decisions.md D8 that must never decide.
const NEGATIVE: &[&str] = &[
    "told me in confidence",
    "restricted area",
    "trade secret",
    "private and confidential",
    "information classified as SECRET must be stored",
    "a top secret santa",
    "in confidence",
    "it is restricted to staff",
    "sensitive information",
    "highly confidential",
    "RESTRICTED AREA",
    "TRADE SECRET",
    "PRIVATE AND CONFIDENTIAL",
];

/// A prose line: random words, with at least one word that is not marking vocabulary (a
/// line made only of marking words, such as `staff restricted`, is a banner by rule).
fn prose_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["The", "minister", "said", "report", "area", "Ngā"]),
        prop::collection::vec(prop::sample::select(WORDS.to_vec()), 3..14),
    )
        .prop_map(|(first, w)| format!("{first} {}", w.join(" ")))
}

fn negative_line() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(WORDS.to_vec()), 2..6),
        prop::sample::select(NEGATIVE.to_vec()),
        prop::collection::vec(prop::sample::select(WORDS.to_vec()), 1..6),
    )
        .prop_map(|(a, n, b)| format!("{} {} {}.", a.join(" "), n, b.join(" ")))
}

fn banner() -> impl Strategy<Value = (String, Marking)> {
    let class = prop::sample::select(Classification::ALL.to_vec());
    let endorse = prop::sample::select(vec![
        None,
        Some(Endorsement::Budget),
        Some(Endorsement::Medical),
        Some(Endorsement::Staff),
        Some(Endorsement::Nzeo),
        Some(Endorsement::Orcon),
    ]);
    let style = 0..4u8;
    (class, endorse, style).prop_map(|(c, e, style)| {
        let mut m = Marking::new(c);
        if let Some(e) = e
            && c != Classification::Unclassified
        {
            m = m.with(e);
        }
        let canonical = m.to_string();
        let text = match style {
            0 => canonical.clone(),
            1 => canonical.replace('-', " "),
            2 => canonical.to_lowercase(),
            _ => canonical.replace(' ', "\u{A0}"),
        };
        (text, m)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_inserted_banner_is_found(
        before in prop::collection::vec(prose_line(), 0..8),
        after in prop::collection::vec(prose_line(), 0..8),
        (line, marking) in banner(),
    ) {
        let text = format!("{}\n{}\n{}\n", before.join("\n"), line, after.join("\n"));
        let r = Scanner::new().scan(&text);
        let found: Vec<&Marking> = r.deciding().map(|f| &f.marking).collect();
        prop_assert_eq!(found, vec![&marking], "{:?}", text);
    }

    #[test]
    fn negative_prose_never_decides(lines in prop::collection::vec(negative_line(), 1..12)) {
        let text = lines.join("\n");
        let r = Scanner::new().scan(&text);
        prop_assert!(r.deciding().next().is_none(), "{:?}: {:?}", text, r.findings);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let s = Scanner::new();
        let r = s.scan(&bytes);
        for f in &r.findings {
            prop_assert!(f.span.end <= bytes.len());
        }
        let _ = s.scan_part(&bytes, PartRole::HeaderOrFooter);
        let _ = s.scan_part(&bytes, PartRole::Property);
        let small = Scanner::builder().window_size(5).build().unwrap();
        prop_assert_eq!(small.scan_reader(bytes.as_slice()).unwrap(), r);
    }

    #[test]
    fn arbitrary_text_near_markings_never_panics(
        parts in prop::collection::vec(prop_oneof![
            Just("SECRET".to_string()), Just("\n".to_string()), Just("TOP".to_string()),
            Just("(S)".to_string()), Just("\u{200B}".to_string()), Just("Ѕ".to_string()),
            Just("//".to_string()), Just(" ".to_string()), Just("\u{A0}".to_string()),
            Just("classified as".to_string()), "\\PC{0,3}",
        ], 0..60)
    ) {
        let text = parts.concat();
        let s = Scanner::new();
        let r = s.scan(&text);
        let small = Scanner::builder().window_size(3).build().unwrap();
        prop_assert_eq!(small.scan_reader(text.as_bytes()).unwrap(), r);
    }
}
