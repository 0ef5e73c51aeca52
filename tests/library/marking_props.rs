//! Property tests: grammar round trip (canonical form) and lattice laws (the join).

use proptest::prelude::*;
use protective_marking::{
    Classification, Endorsement, Marking, Parser, marking::Country, marking::Releasability,
};

const CODEWORDS: [&str; 2] = ["KAHU", "TUI"];

fn parser() -> Parser {
    let mut b = Parser::builder();
    for c in CODEWORDS {
        b.codeword(c);
    }
    b.build()
}

fn classification() -> impl Strategy<Value = Classification> {
    prop::sample::select(Classification::ALL.to_vec())
}

fn policy_endorsement() -> impl Strategy<Value = Endorsement> {
    prop_oneof![
        prop::sample::select(Endorsement::PLAIN_POLICY.to_vec()),
        Just(Endorsement::AddresseeOnly),
        prop::sample::select(vec!["MFAT", "TREASURY", "MINISTRY OF HEALTH", "DPMC"])
            .prop_map(|d| Endorsement::DepartmentUseOnly(d.into())),
        prop::sample::select(vec!["2027-01-01", "10AM 1 MAY 2027", "2026-12-01T10:00"])
            .prop_map(|t| Endorsement::EmbargoedForRelease(t.into())),
        prop::sample::select(vec!["2030-06-30", "1 JULY 2031"])
            .prop_map(|t| Endorsement::ToBeReviewedOn(t.into())),
    ]
}

fn rel_to() -> impl Strategy<Value = Endorsement> {
    let pool: Vec<Country> = ["AUS", "CAN", "GBR", "USA", "JPN", "FRA", "DEU", "KOR"]
        .iter()
        .map(|c| Country::new(c).unwrap())
        .collect();
    prop::sample::subsequence(pool, 0..5).prop_map(|cs| Endorsement::RelTo(Releasability::new(cs)))
}

fn national_endorsements() -> impl Strategy<Value = Vec<Endorsement>> {
    (
        any::<bool>(),
        prop::sample::subsequence(CODEWORDS.to_vec(), 0..=2),
        any::<bool>(),
        prop_oneof![
            Just(None),
            Just(Some(Endorsement::Nzeo)),
            rel_to().prop_map(Some)
        ],
    )
        .prop_map(|(am, cws, orcon, dissem)| {
            let mut v = Vec::new();
            if am {
                v.push(Endorsement::AccountableMaterial);
            }
            v.extend(cws.into_iter().map(|c| Endorsement::Codeword(c.into())));
            if orcon {
                v.push(Endorsement::Orcon);
            }
            v.extend(dissem);
            v
        })
}

fn caveat() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop::collection::vec(
            prop::sample::select(vec![
                "NOT",
                "FOR",
                "CIRCULATION",
                "DRAFT",
                "INTERNAL",
                "WORKING",
                "COPY",
            ]),
            2..5,
        )
        .prop_map(|w| w.join(" ")),
    )
}

fn marking() -> impl Strategy<Value = Marking> {
    (
        classification(),
        prop::collection::vec(policy_endorsement(), 0..3),
        national_endorsements(),
        caveat(),
    )
        .prop_map(|(c, pp, ns, cav)| {
            let mut m = Marking::new(c);
            for e in pp.into_iter().chain(ns) {
                m = m.with(e);
            }
            if let Some(cav) = cav {
                m = m.with_caveat(cav);
            }
            m
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// parse(render(m)) == m, in both modes.
    #[test]
    fn round_trip(m in marking()) {
        let p = parser();
        let text = m.to_string();
        let lenient = p.parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&lenient.marking, &m, "{}", text);
        let strict = p.parse_strict(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(&strict.marking, &m);
        // serde round trip through the canonical string
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(json, format!("\"{}\"", text.replace('"', "\\\"")));
    }

    /// Lenient input in other case and spacing reads as the same marking.
    #[test]
    fn lenient_case_and_spacing(m in marking(), lower in any::<bool>()) {
        let text = m.to_string();
        let mangled = if lower { text.to_lowercase() } else { text.replace(' ', "  ") };
        let p = parser().parse(&mangled).map_err(|e| TestCaseError::fail(format!("{mangled}: {e}")))?;
        prop_assert_eq!(p.marking.classification(), m.classification());
        prop_assert_eq!(p.marking.endorsements(), m.endorsements());
    }

    #[test]
    fn join_is_commutative(a in marking(), b in marking()) {
        prop_assert_eq!(a.join(&b), b.join(&a));
    }

    #[test]
    fn join_is_associative(a in marking(), b in marking(), c in marking()) {
        prop_assert_eq!(a.join(&b).join(&c), a.join(&b.join(&c)));
    }

    #[test]
    fn join_is_idempotent(a in marking()) {
        prop_assert_eq!(a.join(&a), a);
    }

    /// The join is an upper bound, and joining is monotone in the lattice order.
    #[test]
    fn join_is_monotone(a in marking(), b in marking(), c in marking()) {
        let ab = a.join(&b);
        prop_assert!(ab.dominates(&a) && ab.dominates(&b));
        prop_assert!(ab.classification() >= a.classification().max(b.classification()));
        // a <= a.join(b), so a.join(c) <= a.join(b).join(c)
        prop_assert!(ab.join(&c).dominates(&a.join(&c)));
    }

    /// A join of rendered markings still parses (joins stay within the grammar).
    #[test]
    fn join_renders_parseable(a in marking(), b in marking()) {
        let j = a.join(&b);
        let text = j.to_string();
        let p = parser().parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(p.marking, j);
    }

    /// The classification order is total and matches `Classification::ALL` (PSR-HB p.9).
    #[test]
    fn order_is_total(a in classification(), b in classification()) {
        prop_assert!(a <= b || b <= a);
        prop_assert_eq!(a == b, a.cmp(&b) == std::cmp::Ordering::Equal);
        prop_assert_eq!(a <= b, Classification::ALL.iter().position(|c| *c == a) <= Classification::ALL.iter().position(|c| *c == b));
    }

    /// No input makes the parser panic, in either mode.
    #[test]
    fn parse_never_panics(s in ".{0,200}") {
        let p = parser();
        let _ = p.parse(&s);
        let _ = p.parse_strict(&s);
    }

    /// Inputs built from marking vocabulary in random order never panic and never produce a
    /// marking the parser cannot render and read back.
    #[test]
    fn vocabulary_soup(words in prop::collection::vec(prop::sample::select(vec![
        "IN", "CONFIDENCE", "TOP", "SECRET", "SENSITIVE", "BUDGET", "//", "/", "REL", "TO",
        "NZL", "AUS", "XYZ", "NZEO", "-", ":", ",", "USE", "ONLY", "MFAT", "EMBARGOED", "FOR",
        "RELEASE", "OFFICIAL", "PROTECTED", "AUSTEO", "KAHU", "ACCOUNTABLE", "MATERIAL",
    ]), 0..12)) {
        let text = words.join(" ");
        if let Ok(p) = parser().parse(&text)
            && p.foreign.is_none()
        {
            let again = parser().parse(&p.marking.to_string())
                .map_err(|e| TestCaseError::fail(format!("{text} -> {}: {e}", p.marking)))?;
            prop_assert_eq!(again.marking, p.marking);
        }
    }
}
