//! Agency overrides in TOML, policy-file errors, endorsement effects, fail closed, and the
//! serialised form of a decision.

use protective_marking::handling::{
    Action, ActionKind, Citation, Clearance, Decision, HandlingPolicy, HandlingPolicyError,
    Requirement, Ruling,
};
use protective_marking::{Marking, marking::Country};

fn m(text: &str) -> Marking {
    text.parse().unwrap()
}

fn a(text: &str) -> Action {
    text.parse().unwrap()
}

fn decide(marking: &str, action: &str) -> Decision {
    HandlingPolicy::default().decide(&m(marking), &a(action))
}

// ---- Agency overrides ---------------------------------------------------------------------

/// The example agency file in the README, kept in step with it.
const AGENCY: &str = r#"
# Our agency never posts SENSITIVE or RESTRICTED material: safe hand or courier only.
[[rule]]
name = "double-envelope-sensitive"          # replaces the shipped rule of that name
id = "Agency security policy 7.3"
tiers = ["sensitive-restricted"]
actions = ["post-double-envelope"]
effect = "refuse"
message = "Agency policy: SENSITIVE and RESTRICTED material is not posted; use a courier."

[[rule]]
name = "agency-courier-sensitive"           # a new rule
id = "PSR handling: double enveloping"
tiers = ["sensitive-restricted"]
actions = ["courier-double-envelope"]
effect = "condition"
message = "Double envelope it, addressed to a named person."
"#;

#[test]
fn an_agency_override_changes_an_answer() {
    let agency = HandlingPolicy::from_toml(AGENCY).unwrap();
    let shipped = decide("RESTRICTED", "post-double-envelope");
    assert_eq!(shipped.ruling(), Ruling::Conditional);

    let d = agency.decide(&m("RESTRICTED"), &a("post-double-envelope"));
    assert_eq!(d.ruling(), Ruling::Refused);
    assert_eq!(d.reasons()[0].rule, "Agency security policy 7.3");
    // The same for SENSITIVE: the override is per tier.
    assert_eq!(
        agency.decide(&m("SENSITIVE"), &a("post-double-envelope")),
        d
    );
    // Courier still works: the shipped condition was replaced, the new one added.
    let c = agency.decide(&m("SENSITIVE"), &a("courier-double-envelope"));
    assert_eq!(c.ruling(), Ruling::Conditional);
    assert!(
        c.conditions()
            .iter()
            .any(|x| x.message.contains("named person"))
    );
    // Replaced in place, not duplicated.
    assert_eq!(
        agency.rules().len(),
        HandlingPolicy::default().rules().len() + 1
    );
}

#[test]
fn an_agency_can_relax_by_removing_a_rule() {
    // Removing the shipped refusal leaves no base permission: still refused, fail closed.
    let p = HandlingPolicy::from_toml(r#"remove = ["rubbish-refused"]"#).unwrap();
    let d = p.decide(&m("IN-CONFIDENCE"), &a("dispose-rubbish"));
    assert_eq!(d.ruling(), Ruling::Refused);
    assert_eq!(d.reasons()[0].rule, "fail closed: no rule permits this");

    // Adding a permission as well relaxes it.
    let p = p
        .overlay(
            r#"
            [[rule]]
            name = "agency-secure-bins"
            id = "Agency policy 2.1"
            tiers = ["in-confidence"]
            actions = ["dispose-rubbish"]
            effect = "condition"
            message = "Only the locked secure-destruction bins."
            "#,
        )
        .unwrap();
    let d = p.decide(&m("IN-CONFIDENCE"), &a("dispose-rubbish"));
    assert_eq!(d.ruling(), Ruling::Conditional);
    assert!(d.cites("Agency policy 2.1"));
}

#[test]
fn replace_defaults_starts_from_nothing_and_fails_closed() {
    let p = HandlingPolicy::from_toml(
        r#"
        replace_defaults = true
        [[rule]]
        name = "only-rule"
        id = "Agency policy 1"
        tiers = ["unclassified"]
        actions = ["copy"]
        effect = "permit"
        message = "Copy freely."
        "#,
    )
    .unwrap();
    assert_eq!(p.rules().len(), 1);
    assert_eq!(
        p.decide(&m("UNCLASSIFIED"), &a("copy")).ruling(),
        Ruling::Permitted
    );
    for kind in ActionKind::ALL {
        if kind != ActionKind::Copy {
            let d = p.decide(&m("UNCLASSIFIED"), &Action::new(kind));
            assert_eq!(d.ruling(), Ruling::Refused, "{kind}");
        }
    }
    assert_eq!(
        p.decide(&m("IN-CONFIDENCE"), &a("copy")).ruling(),
        Ruling::Refused
    );
}

#[test]
fn the_shipped_file_round_trips_as_an_agency_file() {
    let text = protective_marking::handling::default_policy_toml();
    let p = HandlingPolicy::from_toml(&format!("replace_defaults = true\n{text}")).unwrap();
    assert_eq!(p.rules(), HandlingPolicy::default().rules());
}

#[test]
fn bad_policy_files_are_errors() {
    type Check = fn(&HandlingPolicyError) -> bool;
    let cases: &[(&str, Check)] = &[
        ("[[rule]\n", |e| {
            matches!(e, HandlingPolicyError::Syntax { .. })
        }),
        ("unknown_key = 1", |e| {
            matches!(e, HandlingPolicyError::Syntax { .. })
        }),
        (
            "[[rule]]\nname='x'\nid='y'\nactions=['email']\neffect='refuse'\nmessage='m'",
            |e| matches!(e, HandlingPolicyError::Syntax { .. }),
        ),
        (
            "[[rule]]\nname='x'\nid='y'\ntiers=['restricted']\neffect='refuse'\nmessage='m'",
            |e| matches!(e, HandlingPolicyError::Syntax { .. }),
        ),
        (
            "[[rule]]\nname='x'\nid='y'\neffect='maybe'\nmessage='m'",
            |e| matches!(e, HandlingPolicyError::Syntax { .. }),
        ),
        (
            "remove = ['no-such-rule']",
            |e| matches!(e, HandlingPolicyError::UnknownRule { name } if name == "no-such-rule"),
        ),
        (
            "[[rule]]\nname='x'\nid='y'\neffect='refuse'\nmessage='m'\n[[rule]]\nname='x'\nid='y'\neffect='refuse'\nmessage='m'",
            |e| matches!(e, HandlingPolicyError::DuplicateName { .. }),
        ),
        (
            "[[rule]]\nname='x'\nid=''\neffect='refuse'\nmessage='m'",
            |e| matches!(e, HandlingPolicyError::EmptyField { field: "id", .. }),
        ),
        (
            "[[rule]]\nname='x'\nid='y'\neffect='refuse'\nmessage=' '",
            |e| {
                matches!(
                    e,
                    HandlingPolicyError::EmptyField {
                        field: "message",
                        ..
                    }
                )
            },
        ),
        (
            "[[rule]]\nname='x'\nid='y'\nendorsements=['nzeo']\neffect='permit'\nmessage='m'",
            |e| matches!(e, HandlingPolicyError::PermitNotBase { .. }),
        ),
        (
            "[[rule]]\nname='x'\nid='y'\nwhen='recipient-clearance-unknown'\neffect='permit'\nmessage='m'",
            |e| matches!(e, HandlingPolicyError::PermitNotBase { .. }),
        ),
    ];
    for (text, check) in cases {
        let e = HandlingPolicy::from_toml(text).unwrap_err();
        assert!(check(&e), "{text:?} gave {e:?}");
        let shown = e.to_string();
        assert!(
            shown.starts_with("policy file: ") && !shown.contains('\n'),
            "{shown}"
        );
    }
}

#[test]
fn a_recipient_test_in_toml() {
    let p = HandlingPolicy::from_toml(
        r#"
        [[rule]]
        name = "agency-secret-for-restricted"
        id = "Agency policy 9"
        tiers = ["sensitive-restricted"]
        groups = ["transmit"]
        when = { recipient-clearance-below = "secret" }
        effect = "refuse"
        message = "Our RESTRICTED material goes only to SECRET-cleared staff."
        "#,
    )
    .unwrap();
    let to = |c| Action::new(ActionKind::SafeHand).recipient_clearance(c);
    let r = m("RESTRICTED");
    assert_eq!(
        p.decide(&r, &to(Clearance::Confidential)).ruling(),
        Ruling::Refused
    );
    assert_eq!(
        p.decide(&r, &to(Clearance::Secret)).ruling(),
        Ruling::Permitted
    );
    // Unknown clearance: the refusal's test does not hold.
    assert_eq!(
        p.decide(&r, &Action::new(ActionKind::SafeHand)).ruling(),
        Ruling::Permitted
    );
}

// ---- Endorsements ---------------------------------------------------------------------------

#[test]
fn nzeo() {
    // NZ nationals only.
    let d = decide("SECRET//NZEO", "safe-hand:clearance=secret,nationality=GBR");
    assert_eq!(d.ruling(), Ruling::Refused);
    assert!(d.cites("PSR endorsements: NZEO"));
    let d = decide("SECRET//NZEO", "safe-hand:clearance=secret,nationality=NZL");
    assert_eq!(d.ruling(), Ruling::Conditional);
    assert!(!d.cites("PSR endorsements: NZEO"));
    // Unknown nationality: a condition to confirm it.
    assert!(decide("RESTRICTED//NZEO", "safe-hand").cites("PSR endorsements: NZEO"));
    // Named recipients and encryption in transit.
    let d = decide(
        "RESTRICTED//NZEO",
        "email-internet-encrypted:nationality=NZL",
    );
    assert_eq!(d.ruling(), Ruling::Conditional);
    assert!(d.cites("NZISM 15.1.8.C.01"));
    assert!(d.cites("NZISM 17.1.57.C.01"));
    let d = decide("IN-CONFIDENCE//NZEO", "email-internet-clear");
    assert_eq!(d.ruling(), Ruling::Refused);
    assert!(d.cites("NZISM 17.1.57.C.01"));
    // Encryption at rest.
    assert!(decide("IN-CONFIDENCE//NZEO", "store-electronic-basic").cites("NZISM 17.1.54.C.01"));
    // Two-person destruction; no sanitise-and-dispose (NZISM 13.6.10).
    let d = decide("RESTRICTED//NZEO", "dispose-electronic-destroy");
    assert!(d.cites("NZISM 13.5.28") && d.cites("NZISM 13.6.10.C.02"));
    let d = decide("RESTRICTED//NZEO", "dispose-electronic-sanitise");
    assert_eq!(d.ruling(), Ruling::Refused);
    assert!(d.cites("NZISM 13.6.10.C.01"));
}

#[test]
fn accountable_material() {
    let d = decide("SECRET//ACCOUNTABLE MATERIAL", "copy");
    assert_eq!(d.ruling(), Ruling::Refused);
    assert!(d.cites("PSR handling: ACCOUNTABLE MATERIAL reproduction"));
    let d = decide("CONFIDENTIAL//ACCOUNTABLE MATERIAL", "remove-from-premises");
    assert!(d.cites("PSR handling: record every removal"));
    let d = decide("CONFIDENTIAL//ACCOUNTABLE MATERIAL", "dispose-shredder");
    assert_eq!(d.ruling(), Ruling::Conditional);
    assert!(d.cites("NZISM 13.5.28"));
    assert!(
        d.conditions()
            .iter()
            .any(|c| c.message.contains("two supervisors"))
    );
    // TOP SECRET is accountable material by default.
    assert_eq!(decide("TOP SECRET", "copy").ruling(), Ruling::Refused);
}

#[test]
fn cabinet_budget_special_handling() {
    for marking in [
        "BUDGET SENSITIVE",
        "CABINET IN-CONFIDENCE",
        "SPECIAL HANDLING REQUIRED SENSITIVE",
    ] {
        let d = decide(marking, "email-internet-clear");
        assert_eq!(d.ruling(), Ruling::Refused, "{marking}");
        assert!(d.cites("CO (01) 10 Annex 1: email"), "{marking}");
        let d = decide(marking, "post-single-envelope");
        assert_eq!(d.ruling(), Ruling::Refused, "{marking}");
        assert!(d.cites("PSR handling: double enveloping"), "{marking}");
        let d = decide(marking, "courier-double-envelope");
        assert_eq!(d.ruling(), Ruling::Conditional, "{marking}");
        let d = decide(marking, "email-internet-encrypted");
        assert!(d.is_allowed(), "{marking}");
    }
    // Without the endorsement, IN-CONFIDENCE may be emailed after a risk assessment.
    assert!(decide("IN-CONFIDENCE", "email-internet-clear").is_allowed());
    assert!(
        decide("SPECIAL HANDLING REQUIRED SENSITIVE", "copy")
            .cites("PSR handling: Cabinet documents")
    );
}

#[test]
fn rel_to() {
    let d = decide(
        "RESTRICTED//REL TO NZL, AUS",
        "email-internet-encrypted:nationality=USA",
    );
    assert_eq!(d.ruling(), Ruling::Refused);
    assert!(d.cites("PSR endorsements: REL TO"));
    let d = decide(
        "RESTRICTED//REL TO NZL, AUS",
        "email-internet-encrypted:nationality=AUS",
    );
    assert_eq!(d.ruling(), Ruling::Conditional);
    assert!(d.cites("NZISM 15.1.8.C.01"));
    assert!(!d.cites("PSR endorsements: REL TO"));
    let d = decide("SECRET//REL TO NZL, FVEY", "network-hace:clearance=secret");
    assert!(
        d.cites("PSR endorsements: REL TO"),
        "nationality unknown: confirm it"
    );
    // Without a REL TO list any nationality passes the releasability test (need-to-know and
    // clearance still apply).
    let usa = Country::new("USA").unwrap();
    let d = HandlingPolicy::default().decide(
        &m("SECRET"),
        &Action::new(ActionKind::SafeHand)
            .recipient_nationality(usa)
            .recipient_clearance(Clearance::Secret),
    );
    assert_eq!(d.ruling(), Ruling::Conditional);
}

// ---- Fail closed ----------------------------------------------------------------------------

#[test]
fn unknown_markings_are_refused() {
    let p = HandlingPolicy::default();
    for text in ["", "UNCLASSIFED", "NOT A MARKING", "SECRETISH", "//NZEO"] {
        let parsed: Option<Marking> = text.parse().ok();
        assert!(parsed.is_none(), "{text:?} parsed");
        for kind in ActionKind::ALL {
            let d = p.decide_opt(parsed.as_ref(), &Action::new(kind));
            assert_eq!(d.ruling(), Ruling::Refused, "{text:?} {kind}");
            assert_eq!(
                d.reasons()[0].rule,
                "fail closed: the marking cannot be determined"
            );
            assert!(
                d.reasons()[0]
                    .message
                    .starts_with("cannot determine marking")
            );
        }
    }
}

// ---- Serialised forms -----------------------------------------------------------------------

#[test]
fn decision_json() {
    let d = decide("SENSITIVE", "email-internet-clear");
    let v: serde_json::Value = serde_json::to_value(&d).unwrap();
    assert_eq!(v["decision"], "refused");
    assert_eq!(v["reasons"][0]["rule"], "NZISM 17.1.55.C.02");
    assert!(v["conditions"].as_array().unwrap().is_empty());
    let back: Decision = serde_json::from_value(v).unwrap();
    assert_eq!(back, d);

    let r = Requirement {
        action: ActionKind::Copy,
        decision: decide("IN-CONFIDENCE", "copy"),
    };
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["action"], "copy");
    assert_eq!(v["decision"], "conditional");

    assert_eq!(
        Citation::new("NZISM 17.1.55.C.01", "Use HACE.").to_string(),
        "Use HACE. [NZISM 17.1.55.C.01]"
    );
}

#[test]
fn every_action_id_parses_and_displays() {
    let ids = [
        "email-internet-clear",
        "email-internet-encrypted",
        "network-hace",
        "post-single-envelope",
        "post-double-envelope",
        "courier-double-envelope",
        "safe-hand",
        "store-office-unlocked",
        "store-lockable-cabinet",
        "store-security-container",
        "store-electronic-basic",
        "store-electronic-controlled",
        "dispose-rubbish",
        "dispose-shredder",
        "dispose-approved-destruction",
        "dispose-electronic-delete",
        "dispose-electronic-sanitise",
        "dispose-electronic-destroy",
        "copy",
        "remove-from-premises",
        "access",
    ];
    for id in ids {
        let action: Action = id.parse().unwrap();
        assert_eq!(action.to_string(), id);
        assert_eq!(action.kind().id(), id);
    }
    assert_eq!(ids.len(), ActionKind::ALL.len());
    for bad in [
        "email",
        "safe-hand:clearance=pink",
        "copy:nationality=XYZ",
        "copy:colour=red",
    ] {
        assert!(bad.parse::<Action>().is_err(), "{bad}");
    }
}
