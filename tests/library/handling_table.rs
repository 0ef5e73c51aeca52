//! Table tests: every cell of the handling requirements per tier (one row per aspect:
//! access, transmission, storage, disposal, removal, copying), the NZISM 13.4
//! post-sanitisation table and the NZISM 13.5.25 waste-particle rule, each with the rule id
//! it must cite.

use Ruling::{Conditional as C, Permitted as P, Refused as R};
use protective_marking::handling::{
    Action, HandlingPolicy, MediaType, ParticleSize, Ruling, destruction_waste, post_sanitisation,
};
use protective_marking::{Classification, Endorsement, Marking, marking::HandlingTier};

/// One cell: the aspect (row), the tier (column), an action, the expected ruling and a rule id
/// the answer must cite (as condition, reason or basis).
struct Cell {
    row: &'static str,
    tier: HandlingTier,
    action: &'static str,
    expect: Ruling,
    rule: &'static str,
}

const fn cell(
    row: &'static str,
    tier: HandlingTier,
    action: &'static str,
    expect: Ruling,
    rule: &'static str,
) -> Cell {
    Cell {
        row,
        tier,
        action,
        expect,
        rule,
    }
}

use HandlingTier::{
    Confidential as CONF, InConfidence as IC, Secret as SEC, SensitiveRestricted as SR,
    TopSecret as TS, Unclassified as U,
};

const ACCESS: &str = "clearance to access";
const EMAIL: &str = "email / electronic transmission";
const ESTORE: &str = "electronic storage";
const EDISPOSE: &str = "electronic disposal / sanitisation";
const WASTE: &str = "destruction waste particle rule";
const POST: &str = "manual transmission within NZ";
const STORE: &str = "manual storage";
const DISPOSE: &str = "manual disposal";
const REMOVE: &str = "removal from premises";
const COPY: &str = "copying";

const CELLS: &[Cell] = &[
    // Clearance to access (PSR-CLR).
    cell(
        ACCESS,
        U,
        "access:clearance=none",
        P,
        "PSR clearances: none required",
    ),
    cell(
        ACCESS,
        IC,
        "access:clearance=none",
        C,
        "PSR clearances: need-to-know",
    ),
    cell(
        ACCESS,
        SR,
        "access:clearance=none",
        C,
        "PSR clearances: need-to-know",
    ),
    cell(
        ACCESS,
        CONF,
        "access:clearance=none",
        R,
        "PSR clearances: CONFIDENTIAL",
    ),
    cell(
        ACCESS,
        CONF,
        "access:clearance=confidential",
        C,
        "PSR clearances: need-to-know",
    ),
    cell(ACCESS, CONF, "access", C, "PSR clearances: CONFIDENTIAL"),
    cell(
        ACCESS,
        SEC,
        "access:clearance=confidential",
        R,
        "PSR clearances: SECRET",
    ),
    cell(
        ACCESS,
        SEC,
        "access:clearance=secret",
        C,
        "PSR clearances: need-to-know",
    ),
    cell(
        ACCESS,
        TS,
        "access:clearance=secret",
        R,
        "PSR clearances: TOP SECRET",
    ),
    cell(
        ACCESS,
        TS,
        "access:clearance=top-secret",
        C,
        "PSR clearances: need-to-know",
    ),
    cell(
        ACCESS,
        TS,
        "access:clearance=top-secret-special",
        C,
        "PSR clearances: need-to-know",
    ),
    // Email / electronic transmission over public or non-agency networks.
    cell(EMAIL, U, "email-internet-clear", P, "NZISM 15.2.47.C.01"),
    cell(
        EMAIL,
        U,
        "email-internet-encrypted",
        P,
        "NZISM 17.1.55.C.04",
    ),
    cell(
        EMAIL,
        IC,
        "email-internet-clear",
        C,
        "PSR handling: IN-CONFIDENCE over public networks",
    ),
    cell(
        EMAIL,
        IC,
        "email-internet-encrypted",
        P,
        "NZISM 17.1.55.C.04",
    ),
    cell(EMAIL, SR, "email-internet-clear", R, "NZISM 17.1.55.C.02"),
    cell(
        EMAIL,
        SR,
        "email-internet-encrypted",
        C,
        "NZISM 17.1.55.C.02",
    ),
    cell(EMAIL, SR, "network-hace", P, "NZISM 17.1.55.C.01"),
    cell(EMAIL, CONF, "email-internet-clear", R, "NZISM 17.1.55.C.01"),
    cell(
        EMAIL,
        CONF,
        "email-internet-encrypted",
        R,
        "NZISM 17.1.55.C.01",
    ),
    cell(
        EMAIL,
        CONF,
        "network-hace:clearance=confidential",
        C,
        "NZISM 17.1.55.C.01",
    ),
    cell(
        EMAIL,
        SEC,
        "email-internet-encrypted",
        R,
        "NZISM 17.1.55.C.01",
    ),
    cell(
        EMAIL,
        SEC,
        "network-hace:clearance=secret",
        C,
        "NZISM 17.1.55.C.01",
    ),
    cell(
        EMAIL,
        TS,
        "email-internet-encrypted",
        R,
        "NZISM 17.1.55.C.01",
    ),
    cell(
        EMAIL,
        TS,
        "network-hace:clearance=top-secret",
        C,
        "NZISM 17.1.55.C.01",
    ),
    // Electronic storage.
    cell(ESTORE, U, "store-electronic-basic", P, "NZISM 1.1.4"),
    cell(
        ESTORE,
        IC,
        "store-electronic-basic",
        C,
        "PSR handling: electronic storage",
    ),
    cell(
        ESTORE,
        SR,
        "store-electronic-basic",
        C,
        "PSR handling: electronic storage",
    ),
    cell(ESTORE, SR, "store-electronic-controlled", P, "NZISM 1.1.4"),
    cell(ESTORE, CONF, "store-electronic-basic", R, "NZISM 1.1.25"),
    cell(
        ESTORE,
        CONF,
        "store-electronic-controlled",
        C,
        "NZISM 1.1.25",
    ),
    cell(ESTORE, SEC, "store-electronic-basic", R, "NZISM 1.1.25"),
    cell(
        ESTORE,
        SEC,
        "store-electronic-controlled",
        C,
        "NZISM 1.1.25",
    ),
    cell(ESTORE, TS, "store-electronic-basic", R, "NZISM 1.1.25"),
    cell(
        ESTORE,
        TS,
        "store-electronic-controlled",
        C,
        "NZISM 13.3.10.C.01",
    ),
    // Electronic disposal / sanitisation (the media table is below).
    cell(EDISPOSE, U, "dispose-electronic-sanitise", P, "NZISM 13.4"),
    cell(EDISPOSE, U, "dispose-electronic-delete", P, "NZISM 13.4"),
    cell(
        EDISPOSE,
        IC,
        "dispose-electronic-delete",
        R,
        "NZISM 13.4.9.R.06",
    ),
    cell(
        EDISPOSE,
        IC,
        "dispose-electronic-sanitise",
        C,
        "NZISM 13.4.12.C.01",
    ),
    cell(
        EDISPOSE,
        SR,
        "dispose-electronic-sanitise",
        C,
        "NZISM 13.4.12.C.01",
    ),
    cell(
        EDISPOSE,
        SR,
        "dispose-electronic-sanitise",
        C,
        "NZISM 13.6.6.C.01",
    ),
    cell(
        EDISPOSE,
        CONF,
        "dispose-electronic-sanitise",
        C,
        "NZISM 13.4.19.C.01",
    ),
    cell(
        EDISPOSE,
        SEC,
        "dispose-electronic-sanitise",
        R,
        "NZISM 13.4.14.C.01",
    ),
    cell(
        EDISPOSE,
        SEC,
        "dispose-electronic-destroy",
        C,
        "NZISM 13.5.23.C.01",
    ),
    cell(
        EDISPOSE,
        TS,
        "dispose-electronic-sanitise",
        R,
        "NZISM 13.4.14.C.01",
    ),
    cell(
        EDISPOSE,
        TS,
        "dispose-electronic-destroy",
        C,
        "NZISM 13.5.28",
    ),
    // Destruction waste particles, as the engine states them (typed table below).
    cell(
        WASTE,
        SR,
        "dispose-electronic-destroy",
        C,
        "NZISM 13.5.25.C.01",
    ),
    cell(
        WASTE,
        CONF,
        "dispose-electronic-destroy",
        C,
        "NZISM 13.5.25.C.01",
    ),
    cell(
        WASTE,
        SEC,
        "dispose-electronic-destroy",
        C,
        "NZISM 13.5.25.C.01",
    ),
    cell(
        WASTE,
        TS,
        "dispose-electronic-destroy",
        C,
        "NZISM 13.5.25.C.01",
    ),
    // Manual transmission within New Zealand.
    cell(
        POST,
        U,
        "post-single-envelope",
        P,
        "PSR handling: transferring information",
    ),
    cell(
        POST,
        IC,
        "post-single-envelope",
        C,
        "PSR handling: IN-CONFIDENCE post",
    ),
    cell(
        POST,
        IC,
        "courier-double-envelope",
        P,
        "PSR handling: double enveloping",
    ),
    cell(
        POST,
        SR,
        "post-single-envelope",
        R,
        "PSR handling: double enveloping",
    ),
    cell(
        POST,
        SR,
        "post-double-envelope",
        C,
        "PSR handling: double enveloping",
    ),
    cell(
        POST,
        SR,
        "courier-double-envelope",
        C,
        "PSR handling: double enveloping",
    ),
    cell(POST, SR, "safe-hand", P, "PSR handling: safe hand"),
    cell(
        POST,
        CONF,
        "post-single-envelope",
        R,
        "PSR handling: double enveloping",
    ),
    cell(
        POST,
        CONF,
        "courier-double-envelope:clearance=confidential",
        C,
        "PSR handling: safe hand",
    ),
    cell(
        POST,
        CONF,
        "safe-hand:clearance=confidential",
        C,
        "PSR handling: safe hand",
    ),
    cell(
        POST,
        SEC,
        "courier-double-envelope:clearance=secret",
        R,
        "PSR handling: safe hand",
    ),
    cell(
        POST,
        SEC,
        "post-double-envelope:clearance=secret",
        R,
        "PSR handling: safe hand",
    ),
    cell(
        POST,
        SEC,
        "safe-hand:clearance=secret",
        C,
        "PSR handling: safe hand",
    ),
    cell(
        POST,
        TS,
        "courier-double-envelope:clearance=top-secret",
        R,
        "PSR handling: safe hand",
    ),
    cell(
        POST,
        TS,
        "safe-hand:clearance=top-secret",
        C,
        "PSR handling: safe hand",
    ),
    // Manual storage.
    cell(
        STORE,
        U,
        "store-office-unlocked",
        P,
        "PSR handling: storing and filing",
    ),
    cell(
        STORE,
        IC,
        "store-office-unlocked",
        C,
        "PSR handling: IN-CONFIDENCE storage",
    ),
    cell(
        STORE,
        IC,
        "store-lockable-cabinet",
        P,
        "PSR handling: storing and filing",
    ),
    cell(
        STORE,
        SR,
        "store-office-unlocked",
        R,
        "PSR handling: lockable storage",
    ),
    cell(
        STORE,
        SR,
        "store-lockable-cabinet",
        C,
        "PSR handling: lockable storage",
    ),
    cell(
        STORE,
        SR,
        "store-security-container",
        P,
        "PSR handling: security containers",
    ),
    cell(
        STORE,
        CONF,
        "store-lockable-cabinet",
        R,
        "PSR handling: security containers",
    ),
    cell(
        STORE,
        CONF,
        "store-security-container",
        C,
        "PSR handling: security containers",
    ),
    cell(
        STORE,
        SEC,
        "store-lockable-cabinet",
        R,
        "PSR handling: security containers",
    ),
    cell(
        STORE,
        SEC,
        "store-security-container",
        C,
        "PSR handling: security containers",
    ),
    cell(
        STORE,
        TS,
        "store-security-container",
        C,
        "PSR handling: security containers",
    ),
    // Manual disposal.
    cell(
        DISPOSE,
        U,
        "dispose-rubbish",
        P,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        IC,
        "dispose-rubbish",
        R,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        IC,
        "dispose-shredder",
        P,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        SR,
        "dispose-rubbish",
        R,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        SR,
        "dispose-shredder",
        C,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        SR,
        "dispose-approved-destruction",
        P,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        CONF,
        "dispose-shredder",
        C,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        CONF,
        "dispose-approved-destruction",
        C,
        "NZISM 13.5.27",
    ),
    cell(
        DISPOSE,
        SEC,
        "dispose-approved-destruction",
        C,
        "PSR handling: destroying information",
    ),
    cell(
        DISPOSE,
        TS,
        "dispose-approved-destruction",
        C,
        "NZISM 13.5.28",
    ),
    cell(
        DISPOSE,
        TS,
        "dispose-approved-destruction",
        C,
        "NZISM 13.5.29.C.01",
    ),
    cell(
        DISPOSE,
        TS,
        "dispose-rubbish",
        R,
        "PSR handling: destroying information",
    ),
    // Removal from premises.
    cell(
        REMOVE,
        U,
        "remove-from-premises",
        C,
        "PSR handling: removing information",
    ),
    cell(
        REMOVE,
        IC,
        "remove-from-premises",
        C,
        "PSR handling: approval to remove",
    ),
    cell(
        REMOVE,
        SR,
        "remove-from-premises",
        C,
        "PSR handling: approval to remove",
    ),
    cell(
        REMOVE,
        CONF,
        "remove-from-premises",
        C,
        "PSR handling: approval to remove",
    ),
    cell(
        REMOVE,
        SEC,
        "remove-from-premises",
        C,
        "PSR handling: record every removal",
    ),
    cell(
        REMOVE,
        TS,
        "remove-from-premises",
        C,
        "PSR handling: record every removal",
    ),
    cell(
        REMOVE,
        TS,
        "remove-from-premises",
        C,
        "PSR handling: working at home",
    ),
    // Copying.
    cell(COPY, U, "copy", P, "PSR handling: reproducing"),
    cell(COPY, IC, "copy", C, "PSR handling: reproducing"),
    cell(COPY, SR, "copy", C, "PSR handling: reproducing"),
    cell(
        COPY,
        CONF,
        "copy",
        C,
        "PSR handling: copy-numbered documents",
    ),
    cell(
        COPY,
        SEC,
        "copy",
        C,
        "PSR handling: copy-numbered documents",
    ),
    cell(
        COPY,
        TS,
        "copy",
        R,
        "PSR handling: ACCOUNTABLE MATERIAL reproduction",
    ),
];

/// The classifications of a tier (both SENSITIVE and RESTRICTED for the shared tier).
fn classifications(tier: HandlingTier) -> Vec<Classification> {
    Classification::ALL
        .into_iter()
        .filter(|c| c.handling_tier() == tier)
        .collect()
}

#[test]
fn every_cell_of_the_handling_table() {
    let policy = HandlingPolicy::default();
    let mut failures = Vec::new();
    for cell in CELLS {
        let action: Action = cell.action.parse().unwrap();
        for class in classifications(cell.tier) {
            let m = Marking::new(class);
            let d = policy.decide(&m, &action);
            if d.ruling() != cell.expect || !d.cites(cell.rule) {
                failures.push(format!(
                    "[{} / {}] {} on {}: expected {} citing {:?}, got {}",
                    cell.row, cell.tier, cell.action, m, cell.expect, cell.rule, d
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_row_has_a_cell_for_every_tier() {
    // The waste-particle row has no rule at UNCLASSIFIED and IN-CONFIDENCE ("—"); those two
    // cells are checked in `destruction_waste_particles`.
    for row in [
        ACCESS, EMAIL, ESTORE, EDISPOSE, POST, STORE, DISPOSE, REMOVE, COPY,
    ] {
        for tier in HandlingTier::ALL {
            assert!(
                CELLS.iter().any(|c| c.row == row && c.tier == tier),
                "no cell for {row} at {tier}"
            );
        }
    }
}

/// NZISM 13.4.12-13.4.19: pre-sanitisation marking × media type → post-sanitisation
/// marking, with the rule.
#[test]
fn post_sanitisation_table() {
    use MediaType::{Eeprom, Flash, Magnetic, Volatile};
    // (pre-sanitisation marking, media, post-sanitisation marking)
    let rows: &[(&str, MediaType, &str)] = &[
        ("RESTRICTED//NZEO", Volatile, "RESTRICTED//NZEO"),
        ("RESTRICTED//NZEO", Magnetic, "RESTRICTED//NZEO"),
        ("RESTRICTED//NZEO", Eeprom, "RESTRICTED//NZEO"),
        ("RESTRICTED//NZEO", Flash, "RESTRICTED//NZEO"),
        ("CONFIDENTIAL//NZEO", Magnetic, "CONFIDENTIAL//NZEO"),
        ("IN-CONFIDENCE//NZEO", Volatile, "IN-CONFIDENCE//NZEO"),
        ("TOP SECRET", Volatile, "TOP SECRET"),
        ("TOP SECRET", Magnetic, "TOP SECRET"),
        ("TOP SECRET", Eeprom, "TOP SECRET"),
        ("TOP SECRET", Flash, "TOP SECRET"),
        ("SECRET", Volatile, "SECRET"),
        ("SECRET", Magnetic, "SECRET"),
        ("SECRET", Eeprom, "SECRET"),
        ("SECRET", Flash, "SECRET"),
        ("CONFIDENTIAL", Volatile, "UNCLASSIFIED"),
        ("CONFIDENTIAL", Magnetic, "UNCLASSIFIED"),
        ("CONFIDENTIAL", Eeprom, "UNCLASSIFIED"),
        ("CONFIDENTIAL", Flash, "CONFIDENTIAL"),
        ("RESTRICTED", Volatile, "UNCLASSIFIED"),
        ("RESTRICTED", Magnetic, "UNCLASSIFIED"),
        ("RESTRICTED", Eeprom, "UNCLASSIFIED"),
        ("RESTRICTED", Flash, "UNCLASSIFIED"),
        ("SENSITIVE", Volatile, "UNCLASSIFIED"),
        ("SENSITIVE", Magnetic, "UNCLASSIFIED"),
        ("SENSITIVE", Eeprom, "UNCLASSIFIED"),
        ("SENSITIVE", Flash, "UNCLASSIFIED"),
        ("BUDGET SENSITIVE", Flash, "UNCLASSIFIED"),
        ("IN-CONFIDENCE", Magnetic, "UNCLASSIFIED"),
        ("IN-CONFIDENCE", Flash, "UNCLASSIFIED"),
        ("UNCLASSIFIED", Flash, "UNCLASSIFIED"),
    ];
    for &(pre, media, post) in rows {
        let m: Marking = pre.parse().unwrap();
        let p = post_sanitisation(&m, media);
        assert_eq!(p.marking.to_string(), post, "{pre} on {media:?}");
        let rule = match media {
            Volatile => "NZISM 13.4.12.C.01",
            Magnetic => "NZISM 13.4.14.C.01",
            Eeprom => "NZISM 13.4.17.C.01",
            Flash => "NZISM 13.4.19.C.01",
            _ => unreachable!(),
        };
        assert_eq!(p.rule, rule, "{pre} on {media:?}");
        assert_eq!(p.destroy_before_disposal, matches!(media, Eeprom | Flash));
    }
}

/// NZISM 13.5.25.C.01: waste particles ≤3 mm / ≤6 mm are treated as...
#[test]
fn destruction_waste_particles() {
    use Classification as K;
    // (media classification, ≤3 mm, ≤6 mm, rule)
    let rows: &[(K, K, K, Option<&str>)] = &[
        (K::Unclassified, K::Unclassified, K::Unclassified, None),
        (K::InConfidence, K::InConfidence, K::InConfidence, None),
        (
            K::Sensitive,
            K::Unclassified,
            K::Unclassified,
            Some("NZISM 13.5.25.C.01"),
        ),
        (
            K::Restricted,
            K::Unclassified,
            K::Unclassified,
            Some("NZISM 13.5.25.C.01"),
        ),
        (
            K::Confidential,
            K::Unclassified,
            K::Restricted,
            Some("NZISM 13.5.25.C.01"),
        ),
        (
            K::Secret,
            K::Unclassified,
            K::Restricted,
            Some("NZISM 13.5.25.C.01"),
        ),
        (
            K::TopSecret,
            K::Unclassified,
            K::Restricted,
            Some("NZISM 13.5.25.C.01"),
        ),
    ];
    for &(class, at3, at6, rule) in rows {
        let m = Marking::new(class);
        let w3 = destruction_waste(&m, ParticleSize::AtMost3mm);
        let w6 = destruction_waste(&m, ParticleSize::AtMost6mm);
        assert_eq!((w3.treat_as, w3.rule), (at3, rule), "{class} ≤3 mm");
        assert_eq!((w6.treat_as, w6.rule), (at6, rule), "{class} ≤6 mm");
        let big = destruction_waste(&m, ParticleSize::from_mm(10.0));
        assert_eq!(
            big.treat_as, class,
            "{class} >6 mm keeps its classification"
        );
    }
}

#[test]
fn sanitised_media_decisions_agree_with_the_media_table() {
    // Where sanitisation cannot bring any media type down to UNCLASSIFIED, the engine must
    // refuse disposal by sanitisation.
    let policy = HandlingPolicy::default();
    let action: Action = "dispose-electronic-sanitise".parse().unwrap();
    for class in Classification::ALL {
        for nzeo in [false, true] {
            let mut m = Marking::new(class);
            if nzeo {
                m = m.with(Endorsement::Nzeo);
            }
            let none_declassified = MediaType::ALL
                .iter()
                .all(|&t| !post_sanitisation(&m, t).is_unclassified());
            if none_declassified {
                assert_eq!(policy.decide(&m, &action).ruling(), R, "{m}");
            }
        }
    }
}
