//! Property tests of the handling engine with the shipped policy: monotonicity in the tier
//! and in endorsements, every restriction cites a rule, SENSITIVE ≡ RESTRICTED, fail closed.

use proptest::prelude::*;
use protective_marking::handling::{Action, ActionKind, Clearance, HandlingPolicy, Ruling};
use protective_marking::{
    Classification, Endorsement, Marking, marking::Country, marking::Releasability,
};
use std::sync::LazyLock;

static POLICY: LazyLock<HandlingPolicy> = LazyLock::new(HandlingPolicy::default);

fn country() -> impl Strategy<Value = Country> {
    prop::sample::select(vec!["NZL", "AUS", "CAN", "GBR", "USA", "FRA", "JPN"])
        .prop_map(|c| Country::new(c).unwrap())
}

fn clearance() -> impl Strategy<Value = Clearance> {
    prop::sample::select(vec![
        Clearance::None,
        Clearance::Confidential,
        Clearance::Secret,
        Clearance::TopSecret,
        Clearance::TopSecretSpecial,
    ])
}

fn action() -> impl Strategy<Value = Action> {
    (
        prop::sample::select(ActionKind::ALL.to_vec()),
        prop::option::of(clearance()),
        prop::option::of(country()),
    )
        .prop_map(|(k, c, n)| {
            let mut a = Action::new(k);
            if let Some(c) = c {
                a = a.recipient_clearance(c);
            }
            if let Some(n) = n {
                a = a.recipient_nationality(n);
            }
            a
        })
}

fn endorsement() -> impl Strategy<Value = Endorsement> {
    prop_oneof![
        prop::sample::select(Endorsement::PLAIN_POLICY.to_vec()),
        Just(Endorsement::AddresseeOnly),
        Just(Endorsement::AccountableMaterial),
        Just(Endorsement::Nzeo),
        Just(Endorsement::Orcon),
        Just(Endorsement::Codeword("KAHU".into())),
        Just(Endorsement::DepartmentUseOnly("MFAT".into())),
        Just(Endorsement::EmbargoedForRelease("2027-01-01".into())),
        Just(Endorsement::ToBeReviewedOn("2030-06-30".into())),
        prop::collection::vec(country(), 0..4)
            .prop_map(|cs| Endorsement::RelTo(Releasability::new(cs))),
    ]
}

fn endorsements() -> impl Strategy<Value = Vec<Endorsement>> {
    prop::collection::vec(endorsement(), 0..4)
}

fn marking(class: Classification, es: &[Endorsement]) -> Marking {
    es.iter().cloned().fold(Marking::new(class), Marking::with)
}

fn classification() -> impl Strategy<Value = Classification> {
    prop::sample::select(Classification::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// What is refused at a tier is refused at every higher tier, for the same action and
    /// endorsements.
    #[test]
    fn refusal_is_monotone_in_the_tier(
        class in classification(), es in endorsements(), a in action()
    ) {
        let d = POLICY.decide(&marking(class, &es), &a);
        if d.ruling() == Ruling::Refused {
            for higher in Classification::ALL {
                if higher.handling_tier() > class.handling_tier() {
                    let h = POLICY.decide(&marking(higher, &es), &a);
                    prop_assert_eq!(
                        h.ruling(), Ruling::Refused,
                        "{} refused at {} but {} at {}", a, class, h, higher
                    );
                }
            }
        }
    }

    /// Adding an endorsement never relaxes an answer: refused stays refused, conditional
    /// never becomes plain permitted.
    #[test]
    fn endorsements_only_restrict(
        class in classification(), es in endorsements(), extra in endorsement(), a in action()
    ) {
        let base = marking(class, &es);
        let more = base.clone().with(extra.clone());
        let before = POLICY.decide(&base, &a);
        let after = POLICY.decide(&more, &a);
        prop_assert!(
            after.ruling() >= before.ruling(),
            "{} on {}: {} but adding {} gives {}", a, base, before, extra, after
        );
    }

    /// Every conditional or refused answer cites at least one rule, with a sentence; a
    /// permitted answer has neither conditions nor reasons.
    #[test]
    fn every_restriction_cites_a_rule(
        class in classification(), es in endorsements(), a in action()
    ) {
        let d = POLICY.decide(&marking(class, &es), &a);
        match d.ruling() {
            Ruling::Permitted => {
                prop_assert!(d.conditions().is_empty() && d.reasons().is_empty());
                prop_assert!(!d.basis().is_empty());
            }
            Ruling::Conditional => {
                prop_assert!(!d.conditions().is_empty() && d.reasons().is_empty());
            }
            Ruling::Refused => {
                prop_assert!(!d.reasons().is_empty() && d.conditions().is_empty());
            }
        }
        for c in d.conditions().iter().chain(d.reasons()).chain(d.basis()) {
            prop_assert!(!c.rule.trim().is_empty() && !c.message.trim().is_empty());
        }
    }

    /// SENSITIVE and RESTRICTED share a handling tier: identical answers for every action
    /// and endorsement set (impact level 3, PSR-HB p.8).
    #[test]
    fn sensitive_and_restricted_are_handled_alike(es in endorsements(), a in action()) {
        let s = POLICY.decide(&marking(Classification::Sensitive, &es), &a);
        let r = POLICY.decide(&marking(Classification::Restricted, &es), &a);
        prop_assert_eq!(s, r);
    }

    /// A marking that cannot be determined is never permitted (fail closed).
    #[test]
    fn unknown_markings_are_refused(a in action()) {
        let d = POLICY.decide_unknown(&a);
        prop_assert_eq!(d.ruling(), Ruling::Refused);
        prop_assert!(d.reasons()[0].message.contains("cannot determine marking"));
        prop_assert_eq!(POLICY.decide_opt(None, &a), d);
    }

    /// Releasability is enforced: a recipient the marking is not releasable to is refused,
    /// whatever the action with a recipient.
    #[test]
    fn not_releasable_is_refused(
        class in classification(), es in endorsements(), a in action()
    ) {
        let m = marking(class, &es);
        if let Some(n) = a.nationality()
            && a.kind().has_recipient()
            && !m.releasable_to(n)
        {
            prop_assert_eq!(POLICY.decide(&m, &a).ruling(), Ruling::Refused);
        }
    }

    /// The action text form round-trips.
    #[test]
    fn action_text_round_trips(a in action()) {
        prop_assert_eq!(a.to_string().parse::<Action>().unwrap(), a);
    }
}

#[test]
fn requirements_agree_with_decide() {
    for class in Classification::ALL {
        let m = Marking::new(class).with(Endorsement::Budget);
        for r in POLICY.requirements(&m) {
            assert_eq!(r.decision, POLICY.decide(&m, &Action::new(r.action)));
        }
    }
}

/// Exhaustive companion of the tier property: every action kind, recipient detail and a set
/// of representative endorsement sets, across all seven classifications.
#[test]
fn refusal_is_monotone_in_the_tier_exhaustively() {
    let nat = |c| Country::new(c).unwrap();
    let sets: Vec<Vec<Endorsement>> = vec![
        vec![],
        vec![Endorsement::Nzeo],
        vec![Endorsement::AccountableMaterial],
        vec![Endorsement::Budget],
        vec![Endorsement::SpecialHandlingRequired, Endorsement::Cabinet],
        vec![Endorsement::RelTo(Releasability::new([nat("AUS")]))],
        vec![Endorsement::Codeword("KAHU".into()), Endorsement::Orcon],
        vec![Endorsement::Medical, Endorsement::Nzeo],
    ];
    let clearances = [
        None,
        Some(Clearance::None),
        Some(Clearance::Confidential),
        Some(Clearance::Secret),
        Some(Clearance::TopSecret),
        Some(Clearance::TopSecretSpecial),
    ];
    let nationalities = [None, Some(Country::NZL), Some(nat("AUS")), Some(nat("USA"))];
    for kind in ActionKind::ALL {
        for clearance in clearances {
            for nationality in nationalities {
                let mut a = Action::new(kind);
                if let Some(c) = clearance {
                    a = a.recipient_clearance(c);
                }
                if let Some(n) = nationality {
                    a = a.recipient_nationality(n);
                }
                for es in &sets {
                    let mut refused_below = None;
                    for class in Classification::ALL {
                        let d = POLICY.decide(&marking(class, es), &a);
                        if let Some(lower) = refused_below {
                            assert_eq!(
                                d.ruling(),
                                Ruling::Refused,
                                "{a} with {es:?}: refused at {lower} but {d} at {class}"
                            );
                        }
                        if d.ruling() == Ruling::Refused && refused_below.is_none() {
                            refused_below = Some(class);
                        }
                    }
                }
            }
        }
    }
}
