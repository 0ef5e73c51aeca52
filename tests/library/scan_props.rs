//! Property tests for the scanner: banners are always found, prose never decides, and no
//! input panics.

use proptest::prelude::*;
use protective_marking::{Classification, Endorsement, Marking, Scanner, scan::PartRole};

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

/// Marking words in running prose, which must never decide.
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
    "Released under the Official Information Act 1982",
    "[security classification - minimum of In Confidence]",
    "SENSITIVE or RESTRICTED information cannot be sent",
    "IN-CONFIDENCE emails do not need to be encrypted",
    "is classified TOP SECRET//NZEO (New Zealand Eyes Only)",
    "listed as top secret",
    "treated in confidence and handled in accordance with any security classification",
    "Confidential -- damage to national security",
    "the SECRET/NOFORN cable",
];

/// Words written in te reo Māori and typographic punctuation, as New Zealand government
/// text is full of them.
const NON_ASCII: &[&str] = &[
    "Māori",
    "whānau",
    "Tēnā",
    "koe",
    "kōrero",
    "Ōtautahi",
    "Ngāi",
    "Tahu",
    "ā-iwi",
    "hui",
    "\u{2018}taonga\u{2019}",
    "\u{201C}kaupapa\u{201D}",
    "\u{2013}",
    "\u{2014}",
    "\u{2026}",
    "Te Puni Kōkiri",
    "café",
    "naïve",
];

/// A break that ends a banner fused with the text after it (a title or a sentence, a reference
/// or a number).
const BREAKS: &[&str] = &[
    ". Office of the Minister of Health",
    " CAB-21-MIN-0412 Cabinet Committee",
    " Purpose 1. This note seeks",
    " 4 Options",
    ": Review of the regional structure 7",
    " Ōtautahi site list",
    "  Page 3 of 9",
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

/// A negative phrase in a prose line. Like [`prose_line`], it leads with a word that is not
/// marking vocabulary: drawn only from `WORDS`, the line could be all marking words
/// (`budget budget in confidence budget.`), which is a banner by rule.
fn negative_line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["The", "minister", "said", "report", "area", "Ngā"]),
        prop::collection::vec(prop::sample::select(WORDS.to_vec()), 1..5),
        prop::sample::select(NEGATIVE.to_vec()),
        prop::collection::vec(prop::sample::select(WORDS.to_vec()), 1..6),
    )
        .prop_map(|(first, a, n, b)| format!("{first} {} {} {}.", a.join(" "), n, b.join(" ")))
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

/// A banner written in capitals (with a hyphen or a space in IN-CONFIDENCE).
fn caps_banner() -> impl Strategy<Value = (String, Marking)> {
    banner().prop_filter("capitals", |(t, _)| !t.chars().any(|c| c.is_lowercase()))
}

/// A prose line with te reo Māori words and typographic punctuation mixed in.
fn non_ascii_line() -> impl Strategy<Value = String> {
    (
        prose_line(),
        prop::collection::vec(prop::sample::select(NON_ASCII.to_vec()), 1..5),
    )
        .prop_map(|(line, extra)| format!("{line} {}", extra.join(" ")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A banner fused with what follows it on its line (a title, a reference, a page
    /// number) is found at its level, wherever the line is.
    #[test]
    fn a_fused_banner_is_found(
        before in prop::collection::vec(prose_line(), 0..6),
        after in prop::collection::vec(prose_line(), 0..6),
        (line, marking) in caps_banner(),
        tail in prop::sample::select(BREAKS.to_vec()),
    ) {
        let text = format!("{}\n{line}{tail}\n{}\n", before.join("\n"), after.join("\n"));
        let r = Scanner::new().scan(&text);
        let found = r.marking.as_ref();
        prop_assert!(found.is_some_and(|m| m.dominates(&marking)), "{:?}: {:?}", text, r.findings);
    }

    /// A marking in title case leading several lines, as a running header with a page
    /// number does, decides.
    #[test]
    fn a_running_header_is_found(
        pages in prop::collection::vec(prop::collection::vec(prose_line(), 1..5), 2..5),
        class in prop::sample::select(Classification::ALL.to_vec()),
        title in prop::sample::select(vec!["Options", "Risks", "Background", "Ōtautahi"]),
    ) {
        let marking = Marking::new(class);
        // `In Confidence`, `Top Secret`, `Unclassified`: each word capitalised.
        let written: String = marking
            .to_string()
            .replace('-', " ")
            .split(' ')
            .map(|w| format!("{}{}", &w[..1], w[1..].to_lowercase()))
            .collect::<Vec<_>>()
            .join(" ");
        let text: Vec<String> = pages
            .iter()
            .enumerate()
            .map(|(n, lines)| format!("{}\n{written} {} {title}", lines.join("\n"), n + 2))
            .collect();
        let text = format!("Cover\n{}\nEnd of paper\n", text.join("\n"));
        let r = Scanner::new().scan(&text);
        prop_assert_eq!(r.marking.as_ref(), Some(&marking), "{:?}: {:?}", text, r.findings);
    }

    /// Te reo Māori and typographic punctuation around a marking never change the marking
    /// read, nor lower it: in the lines around a banner, around a paragraph mark, and as
    /// quotes around the banner itself.
    #[test]
    fn non_ascii_around_a_marking_never_changes_it(
        before in prop::collection::vec(prose_line(), 0..5),
        after in prop::collection::vec(prose_line(), 0..5),
        noisy_before in prop::collection::vec(non_ascii_line(), 0..5),
        noisy_after in prop::collection::vec(non_ascii_line(), 0..5),
        (line, marking) in banner(),
        word in prop::sample::select(NON_ASCII.to_vec()),
        quote in prop::sample::select(vec![("", ""), ("\u{201C}", "\u{201D}"), ("\u{2018}", "\u{2019}")]),
    ) {
        let s = Scanner::new();
        let plain = format!("{}\n{line}\n{}\n", before.join("\n"), after.join("\n"));
        let noisy = format!(
            "{}\n{}{line}{}\n{}\n",
            noisy_before.join("\n"), quote.0, quote.1, noisy_after.join("\n")
        );
        let ends_split = |lines: &[String]| {
            lines.last().is_some_and(|l| l.ends_with(" top") || l.ends_with(" in"))
        };
        let read = s.scan(&plain).marking;
        prop_assert!(read.as_ref().is_some_and(|m| m.dominates(&marking)), "{:?}", plain);
        if !ends_split(&before) {
            prop_assert_eq!(read.as_ref(), Some(&marking), "{:?}", plain);
        }
        let r = s.scan(&noisy);
        let got = r.marking.as_ref();
        prop_assert!(got.is_some_and(|m| m.dominates(&marking)), "{:?}: {:?}", noisy, r.findings);
        if !ends_split(&noisy_before) {
            prop_assert_eq!(got, Some(&marking), "{:?}", noisy);
        }
        // A paragraph mark followed by a word with a macron.
        let para = format!("{line}\n\n{} {word} the plan.\n\n{line}\n", marking.classification().paragraph_mark());
        let r = s.scan(&para);
        prop_assert!(r.findings.iter().any(|f| f.kind == protective_marking::scan::FindingKind::ParagraphMark), "{:?}", para);
    }

    #[test]
    fn an_inserted_banner_is_found(
        before in prop::collection::vec(prose_line(), 0..8),
        after in prop::collection::vec(prose_line(), 0..8),
        (line, marking) in banner(),
    ) {
        let text = format!("{}\n{}\n{}\n", before.join("\n"), line, after.join("\n"));
        let r = Scanner::new().scan(&text);
        let found: Vec<&Marking> = r.deciding().map(|f| &f.marking).collect();
        // Never lower than the banner; higher only when the line above ends in the first
        // word of a longer phrase (`... top` / `SECRET` reads TOP SECRET: the highest reading
        // the words support).
        prop_assert_eq!(found.len(), 1, "{:?}", text);
        prop_assert!(found[0].dominates(&marking), "{:?}: {:?}", text, found);
        let split = before
            .last()
            .is_some_and(|l| l.ends_with(" top") || l.ends_with(" in"));
        if !split {
            prop_assert_eq!(found[0], &marking, "{:?}", text);
        }
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
