//! Table tests: the marking examples of the PSR and other sources, the lenient and strict
//! reading rules, the endorsement and foreign-marking rules, and every classification and
//! endorsement. Each case names its basis.

use protective_marking::{
    Classification, Endorsement, Marking, Parser, marking::DiagnosticCode as Code,
    marking::EndorsementBlock, marking::Family, marking::HandlingTier, marking::ParagraphMark,
    marking::SeeMailTag,
};

/// What a case expects.
enum Expect {
    /// Valid leniently with this canonical form; valid strictly only if `strict`.
    Valid {
        canonical: &'static str,
        strict: bool,
        warnings: &'static [Code],
    },
    /// Invalid in both modes with this first error.
    Invalid(Code),
}
use Expect::*;

struct Case {
    input: &'static str,
    expect: Expect,
    basis: &'static str,
}

const fn valid(
    input: &'static str,
    canonical: &'static str,
    strict: bool,
    basis: &'static str,
) -> Case {
    Case {
        input,
        expect: Valid {
            canonical,
            strict,
            warnings: &[],
        },
        basis,
    }
}
const fn warned(
    input: &'static str,
    canonical: &'static str,
    warnings: &'static [Code],
    basis: &'static str,
) -> Case {
    Case {
        input,
        expect: Valid {
            canonical,
            strict: false,
            warnings,
        },
        basis,
    }
}
const fn invalid(input: &'static str, code: Code, basis: &'static str) -> Case {
    Case {
        input,
        expect: Invalid(code),
        basis,
    }
}

const VECTORS: &[Case] = &[
    // The sources' examples and the forms they imply
    valid("IN-CONFIDENCE", "IN-CONFIDENCE", true, "PSR-OV"),
    warned(
        "IN CONFIDENCE",
        "IN-CONFIDENCE",
        &[Code::NonCanonicalForm],
        "PSR INF009 legacy spelling",
    ),
    warned(
        "in-confidence",
        "IN-CONFIDENCE",
        &[Code::NonCanonicalForm],
        "lenient: any case (PSR-HB p.13 writes capitals)",
    ),
    valid(
        "MEDICAL IN-CONFIDENCE",
        "MEDICAL IN-CONFIDENCE",
        true,
        "PSR-HB p.12",
    ),
    valid(
        "BUDGET SENSITIVE",
        "BUDGET SENSITIVE",
        true,
        "SEEMail guide example",
    ),
    invalid(
        "MEDICAL",
        Code::EndorsementWithoutClassification,
        "PSR-OV: an endorsement needs a classification",
    ),
    warned(
        "SENSITIVE SPECIAL HANDLING REQUIRED",
        "SPECIAL HANDLING REQUIRED SENSITIVE",
        &[Code::NonCanonicalForm],
        "PSR-CAB; no source fixes the order",
    ),
    valid(
        "SPECIAL HANDLING REQUIRED SENSITIVE",
        "SPECIAL HANDLING REQUIRED SENSITIVE",
        true,
        "PSR-CAB",
    ),
    valid("SECRET//NZEO", "SECRET//NZEO", true, "third-party DLP list"),
    valid(
        "RESTRICTED//REL TO NZL, GBR",
        "RESTRICTED//REL TO NZL, GBR",
        true,
        "PSR-OV",
    ),
    warned(
        "RESTRICTED//REL TO GBR, NZL",
        "RESTRICTED//REL TO NZL, GBR",
        &[Code::RelToOrder, Code::NonCanonicalForm],
        "NZL first, the rest alphabetical (PSR-OV)",
    ),
    invalid(
        "CONFIDENTIAL//NZEO//REL TO NZL, AUS",
        Code::NzeoWithRelTo,
        "NZEO contradicts release to AUS",
    ),
    valid(
        "UNCLASSIFIED",
        "UNCLASSIFIED",
        true,
        "PSR-HB, NZISM 15.1.11.C.01",
    ),
    // More examples from the sources
    warned(
        "RESTRICTED//RELEASABLE TO NZL, GBR",
        "RESTRICTED//REL TO NZL, GBR",
        &[Code::NonCanonicalForm],
        "PSR-OV example",
    ),
    Case {
        input: "IN CONFIDENCE - NOT TO BE DISTRIBUTED WITHOUT APPROVAL FROM MANAGER OPERATIONS SUPPORT",
        expect: Valid {
            canonical: "IN-CONFIDENCE - NOT TO BE DISTRIBUTED WITHOUT APPROVAL FROM MANAGER OPERATIONS SUPPORT",
            strict: false,
            warnings: &[Code::NonCanonicalForm],
        },
        basis: "agency free-text caveat (NZ Customs guidance)",
    },
    valid("TOP SECRET", "TOP SECRET", true, "PSR-OV"),
    warned(
        "TOP-SECRET",
        "TOP SECRET",
        &[Code::NonCanonicalForm],
        "input variant (archived SEEMail text, AU email)",
    ),
    warned(
        "top\tsecret",
        "TOP SECRET",
        &[Code::NonCanonicalForm],
        "any separator",
    ),
    warned(
        "TOP\nSECRET",
        "TOP SECRET",
        &[Code::NonCanonicalForm],
        "line break (PDF wrap)",
    ),
    warned(
        "In\u{a0}Confidence",
        "IN-CONFIDENCE",
        &[Code::NonCanonicalForm],
        "NBSP (Word, PDF)",
    ),
    warned(
        "IN  CONFIDENCE",
        "IN-CONFIDENCE",
        &[Code::NonCanonicalForm],
        "run of spaces",
    ),
    // Lenient forms: the endorsement after the classification
    warned(
        "SENSITIVE: BUDGET",
        "BUDGET SENSITIVE",
        &[Code::NonCanonicalForm],
        "endorsement after `:`",
    ),
    warned(
        "IN-CONFIDENCE - STAFF",
        "STAFF IN-CONFIDENCE",
        &[Code::NonCanonicalForm],
        "endorsement after ` - `",
    ),
    warned(
        "IN-CONFIDENCE, STAFF",
        "STAFF IN-CONFIDENCE",
        &[Code::NonCanonicalForm],
        "endorsement after `,`",
    ),
    warned(
        "SENSITIVE BUDGET",
        "BUDGET SENSITIVE",
        &[Code::NonCanonicalForm],
        "endorsement after a space",
    ),
    // TOP SECRET implies ACCOUNTABLE MATERIAL
    warned(
        "TOP SECRET//ACCOUNTABLE MATERIAL",
        "TOP SECRET",
        &[Code::Redundant, Code::NonCanonicalForm],
        "PSR-OV: TOP SECRET is accountable material",
    ),
    valid(
        "SECRET//ACCOUNTABLE MATERIAL//NZEO",
        "SECRET//ACCOUNTABLE MATERIAL//NZEO",
        true,
        "controls then dissemination",
    ),
    // Endorsements
    warned(
        "SECRET//NEW ZEALAND EYES ONLY",
        "SECRET//NZEO",
        &[Code::NonCanonicalForm],
        "PSR-OV NZEO spelling",
    ),
    warned(
        "ADDRESSEE ONLY IN-CONFIDENCE",
        "ADDRESSEE ONLY IN-CONFIDENCE",
        &[Code::Legacy],
        "legacy (pre-2022 guidance)",
    ),
    valid(
        "MFAT USE ONLY IN-CONFIDENCE",
        "MFAT USE ONLY IN-CONFIDENCE",
        true,
        "PSR-OV [DEPARTMENT] USE ONLY",
    ),
    valid(
        "MINISTRY OF HEALTH USE ONLY SENSITIVE",
        "MINISTRY OF HEALTH USE ONLY SENSITIVE",
        true,
        "a department of several words",
    ),
    valid(
        "EMBARGOED FOR RELEASE 2026-12-01T10:00 IN-CONFIDENCE",
        "EMBARGOED FOR RELEASE 2026-12-01T10:00 IN-CONFIDENCE",
        true,
        "time kept as written",
    ),
    valid(
        "TO BE REVIEWED ON 2027-01-31 SENSITIVE",
        "TO BE REVIEWED ON 2027-01-31 SENSITIVE",
        true,
        "date kept as written",
    ),
    warned(
        "SECRET//REL TO NZL, FVEY",
        "SECRET//REL TO NZL, FVEY",
        &[],
        "FVEY group",
    ),
    invalid(
        "RESTRICTED//REL TO NZL, XYZ",
        Code::UnknownCountry,
        "ISO 3166-1 alpha-3 codes only (PSR-OV)",
    ),
    invalid(
        "SECRET//KAHU",
        Code::UnknownWord,
        "an unknown word after // is reported, not guessed",
    ),
    invalid(
        "SECRET TOP SECRET",
        Code::TwoClassifications,
        "two classifications",
    ),
    invalid(
        "IN-CONFIDENCE SENSITIVE",
        Code::TwoClassifications,
        "two policy-and-privacy classifications",
    ),
    invalid(
        "SECRET - TOP SECRET",
        Code::TwoClassifications,
        "a classification hidden in a caveat",
    ),
    invalid("FROBNICATE SECRET", Code::UnknownWord, "unknown word"),
    invalid("", Code::Empty, "empty"),
    invalid(
        "//REL TO NZL, GBR",
        Code::EndorsementWithoutClassification,
        "REL TO alone",
    ),
    invalid("SECRET////NZEO", Code::Malformed, "empty block"),
    invalid(
        "USE ONLY IN-CONFIDENCE",
        Code::MissingParameter,
        "department missing",
    ),
    invalid(
        "IN-CONFIDENCE EMBARGOED FOR RELEASE",
        Code::MissingParameter,
        "time missing",
    ),
    warned(
        "MEDICAL SECRET",
        "MEDICAL SECRET",
        &[Code::FamilyMismatch],
        "family mismatch warns (sources disagree)",
    ),
    warned(
        "IN-CONFIDENCE//ORCON",
        "IN-CONFIDENCE//ORCON",
        &[Code::FamilyMismatch],
        "national-security control on IN-CONFIDENCE",
    ),
    valid(
        "IN-CONFIDENCE//NZEO",
        "IN-CONFIDENCE//NZEO",
        true,
        "PSR-OV allows NZEO on IC",
    ),
    warned(
        "BUDGET UNCLASSIFIED",
        "BUDGET UNCLASSIFIED",
        &[Code::FamilyMismatch],
        "an endorsement on UNCLASSIFIED warns",
    ),
    warned(
        "SPECIAL HANDING REQUIRED SENSITIVE",
        "SPECIAL HANDLING REQUIRED SENSITIVE",
        &[Code::Legacy, Code::NonCanonicalForm],
        "PSR-CAB typo",
    ),
    // Foreign markings, with the default mapping
    warned("PROTECTED", "RESTRICTED", &[Code::Foreign], "AU PROTECTED"),
    warned(
        "OFFICIAL: Sensitive",
        "IN-CONFIDENCE",
        &[Code::Foreign],
        "AU OFFICIAL: Sensitive",
    ),
    warned(
        "OFFICIAL-SENSITIVE",
        "IN-CONFIDENCE",
        &[Code::Foreign],
        "UK OFFICIAL-SENSITIVE",
    ),
    warned(
        "OFFICIAL",
        "UNCLASSIFIED",
        &[Code::Foreign],
        "AU and UK OFFICIAL",
    ),
];

#[test]
fn vectors() {
    let parser = Parser::new();
    let mut failures = Vec::new();
    for case in VECTORS {
        let lenient = parser.parse(case.input);
        let strict = parser.parse_strict(case.input);
        match &case.expect {
            Valid {
                canonical,
                strict: strict_ok,
                warnings,
            } => {
                match &lenient {
                    Ok(p) => {
                        if p.marking.to_string() != *canonical {
                            failures.push(format!(
                                "{:?} ({}): canonical {} != {}",
                                case.input, case.basis, p.marking, canonical
                            ));
                        }
                        let got: Vec<Code> = p.warnings.iter().map(|w| w.code).collect();
                        for w in *warnings {
                            if !got.contains(w) {
                                failures.push(format!(
                                    "{:?} ({}): missing warning {w}, got {got:?}",
                                    case.input, case.basis
                                ));
                            }
                        }
                        if warnings.is_empty() && !got.is_empty() && *strict_ok {
                            failures.push(format!(
                                "{:?} ({}): unexpected warnings {got:?}",
                                case.input, case.basis
                            ));
                        }
                    }
                    Err(e) => failures.push(format!(
                        "{:?} ({}): lenient error {e}",
                        case.input, case.basis
                    )),
                }
                let strict_ok = &(*strict_ok || case.input == *canonical);
                if strict.is_ok() != *strict_ok {
                    failures.push(format!(
                        "{:?} ({}): strict ok = {}, expected {strict_ok}",
                        case.input,
                        case.basis,
                        strict.is_ok()
                    ));
                }
            }
            Invalid(code) => {
                for (mode, r) in [("lenient", &lenient), ("strict", &strict)] {
                    match r {
                        Ok(p) => failures.push(format!(
                            "{:?} ({}): {mode} accepted as {}",
                            case.input, case.basis, p.marking
                        )),
                        Err(e) => {
                            if !e.errors().iter().any(|d| d.code == *code) {
                                failures.push(format!(
                                    "{:?} ({}): {mode} errors {:?}, expected {code}",
                                    case.input,
                                    case.basis,
                                    e.errors()
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn codeword_configured() {
    let parser = Parser::builder().codeword("KAHU").build();
    let p = parser
        .parse("TOP SECRET//KAHU//ORCON/REL TO NZL, FVEY")
        .unwrap();
    assert_eq!(
        p.marking.to_string(),
        "TOP SECRET//KAHU//ORCON/REL TO NZL, FVEY"
    );
    assert!(
        p.marking.has(&Endorsement::AccountableMaterial),
        "TS implies AM"
    );
    assert!(
        parser
            .parse_strict("TOP SECRET//KAHU//ORCON/REL TO NZL, FVEY")
            .is_ok()
    );
}

#[test]
fn strict_family_profile_makes_mismatch_an_error() {
    let parser = Parser::builder().strict_families(true).build();
    let err = parser.parse("MEDICAL SECRET").unwrap_err();
    assert_eq!(err.errors()[0].code, Code::FamilyMismatch);
}

#[test]
fn errors_carry_byte_offsets() {
    let err = Marking::parse("SECRET//NZEO//REL TO NZL, AUS").unwrap_err();
    assert_eq!(err.errors()[0].code, Code::NzeoWithRelTo);
    assert_eq!(err.offset(), 14);
    let err = Marking::parse("BUDGET FOO SENSITIVE").unwrap_err();
    assert_eq!(err.offset(), 7);
    assert!(err.to_string().contains("`FOO`"), "{err}");
}

#[test]
fn every_classification() {
    let table = [
        (
            Classification::Unclassified,
            "UNCLASSIFIED",
            Family::Unclassified,
            1,
            HandlingTier::Unclassified,
            "(U)",
        ),
        (
            Classification::InConfidence,
            "IN-CONFIDENCE",
            Family::PolicyAndPrivacy,
            2,
            HandlingTier::InConfidence,
            "(IC)",
        ),
        (
            Classification::Sensitive,
            "SENSITIVE",
            Family::PolicyAndPrivacy,
            3,
            HandlingTier::SensitiveRestricted,
            "(Sen)",
        ),
        (
            Classification::Restricted,
            "RESTRICTED",
            Family::NationalSecurity,
            3,
            HandlingTier::SensitiveRestricted,
            "(R)",
        ),
        (
            Classification::Confidential,
            "CONFIDENTIAL",
            Family::NationalSecurity,
            4,
            HandlingTier::Confidential,
            "(C)",
        ),
        (
            Classification::Secret,
            "SECRET",
            Family::NationalSecurity,
            5,
            HandlingTier::Secret,
            "(S)",
        ),
        (
            Classification::TopSecret,
            "TOP SECRET",
            Family::NationalSecurity,
            6,
            HandlingTier::TopSecret,
            "(TS)",
        ),
    ];
    assert_eq!(table.len(), Classification::ALL.len());
    for (i, (c, text, family, impact, tier, para)) in table.into_iter().enumerate() {
        assert_eq!(Classification::ALL[i], c, "order: PSR-HB p.9, lowest first");
        assert_eq!(c.to_string(), text);
        assert_eq!(c.family(), family);
        assert_eq!(c.impact_level(), impact);
        assert_eq!(c.handling_tier(), tier);
        assert_eq!(c.paragraph_mark(), para);
        assert_eq!(ParagraphMark::parse(para), Some(c));
        let p = Marking::parse_strict(text).unwrap();
        assert_eq!(p.marking.classification(), c);
        assert_eq!(text.to_lowercase().parse::<Classification>().unwrap(), c);
        let json = serde_json_string(&c);
        assert_eq!(json, format!("\"{text}\""));
    }
}

fn serde_json_string<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

#[test]
fn every_endorsement() {
    let table: Vec<(Endorsement, &str, EndorsementBlock, &str)> = vec![
        (
            Endorsement::Appointments,
            "APPOINTMENTS IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::Budget,
            "BUDGET SENSITIVE",
            EndorsementBlock::PolicyAndPrivacy,
            "SENSITIVE",
        ),
        (
            Endorsement::Cabinet,
            "CABINET SENSITIVE",
            EndorsementBlock::PolicyAndPrivacy,
            "SENSITIVE",
        ),
        (
            Endorsement::Commercial,
            "COMMERCIAL IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::DepartmentUseOnly("TREASURY".into()),
            "TREASURY USE ONLY IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::EmbargoedForRelease("10AM 1 MAY 2027".into()),
            "EMBARGOED FOR RELEASE 10AM 1 MAY 2027 SENSITIVE",
            EndorsementBlock::PolicyAndPrivacy,
            "SENSITIVE",
        ),
        (
            Endorsement::Evaluative,
            "EVALUATIVE IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::Honours,
            "HONOURS IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::LegalPrivilege,
            "LEGAL PRIVILEGE IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::Medical,
            "MEDICAL IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::Staff,
            "STAFF IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::Policy,
            "POLICY SENSITIVE",
            EndorsementBlock::PolicyAndPrivacy,
            "SENSITIVE",
        ),
        (
            Endorsement::ToBeReviewedOn("2030-01-01".into()),
            "TO BE REVIEWED ON 2030-01-01 IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::SpecialHandlingRequired,
            "SPECIAL HANDLING REQUIRED SENSITIVE",
            EndorsementBlock::PolicyAndPrivacy,
            "SENSITIVE",
        ),
        (
            Endorsement::AddresseeOnly,
            "ADDRESSEE ONLY IN-CONFIDENCE",
            EndorsementBlock::PolicyAndPrivacy,
            "IN-CONFIDENCE",
        ),
        (
            Endorsement::AccountableMaterial,
            "SECRET//ACCOUNTABLE MATERIAL",
            EndorsementBlock::Control,
            "SECRET",
        ),
        (
            Endorsement::Nzeo,
            "CONFIDENTIAL//NZEO",
            EndorsementBlock::Dissemination,
            "CONFIDENTIAL",
        ),
        (
            Endorsement::Orcon,
            "SECRET//ORCON",
            EndorsementBlock::Dissemination,
            "SECRET",
        ),
        (
            Endorsement::RelTo(protective_marking::marking::Releasability::fvey()),
            "SECRET//REL TO NZL, FVEY",
            EndorsementBlock::Dissemination,
            "SECRET",
        ),
    ];
    for (e, text, block, class) in table {
        assert_eq!(e.block(), block, "{text}");
        let p = Marking::parse(text).unwrap_or_else(|err| panic!("{text}: {err}"));
        assert!(p.marking.has(&e), "{text}: {:?}", p.marking);
        assert_eq!(p.marking.classification().to_string(), class);
        assert_eq!(p.marking.to_string(), text, "canonical render");
        // serde writes the canonical string and reads it back
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            serde_json::from_str::<Endorsement>(&json).unwrap(),
            e,
            "{json}"
        );
    }
}

#[test]
fn paragraph_marks_and_seemail_tags() {
    assert_eq!(
        ParagraphMark::at_start("  (TS) text"),
        Some((Classification::TopSecret, 6))
    );
    assert_eq!(
        ParagraphMark::at_start("(SEN) text"),
        Some((Classification::Sensitive, 5))
    );
    assert_eq!(ParagraphMark::at_start("(s) list item"), None);
    assert_eq!(ParagraphMark::at_start("(ICE) no"), None);
    assert_eq!(ParagraphMark::at_start("(C)opyright"), None);
    assert_eq!(SeeMailTag::parse("[SEEMAIL]"), Some(SeeMailTag::SeeMail));
    assert_eq!(SeeMailTag::parse("[TRUSTED]"), Some(SeeMailTag::Trusted));
    // SEEMail tags are routing tags, not full markings (PSR-HB p.16)
    assert!(Marking::parse("[SEEMAIL]").is_err());
}

#[test]
fn serde_marking_is_the_canonical_string() {
    let m: Marking = "Sensitive: Budget".parse().unwrap();
    let json = serde_json::to_string(&m).unwrap();
    assert_eq!(json, "\"BUDGET SENSITIVE\"");
    assert_eq!(serde_json::from_str::<Marking>(&json).unwrap(), m);
    assert!(serde_json::from_str::<Marking>("\"MEDICAL\"").is_err());
}

#[test]
fn releasability_and_join_rules() {
    let a: Marking = "SECRET//REL TO NZL, AUS, GBR".parse().unwrap();
    let b: Marking = "CONFIDENTIAL//REL TO NZL, GBR, USA".parse().unwrap();
    assert_eq!(
        a.join(&b).to_string(),
        "SECRET//REL TO NZL, GBR",
        "join: REL TO lists intersect"
    );
    let n: Marking = "RESTRICTED//NZEO".parse().unwrap();
    assert_eq!(
        a.join(&n).to_string(),
        "SECRET//NZEO",
        "join: NZEO absorbs REL TO"
    );
    let s: Marking = "BUDGET SENSITIVE".parse().unwrap();
    let r: Marking = "RESTRICTED".parse().unwrap();
    assert_eq!(
        s.join(&r).to_string(),
        "BUDGET RESTRICTED",
        "join: SENSITIVE and RESTRICTED is RESTRICTED"
    );
    let ts: Marking = "TOP SECRET".parse().unwrap();
    assert!(ts.join(&s).has(&Endorsement::AccountableMaterial));
}
