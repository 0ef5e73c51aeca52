//! Every gateway rule (gateway module table) on hand-built message reports.

use protective_marking::{
    Envelope, Format, Gateway, GatewayAction as A, GatewayPolicy, Location, Marking,
    MessageAnalyser, PartPath, Problem, ProblemCode, ReadError, Report, Segment,
    gateway::GatewayPolicyError, gateway::GatewayRule, limits::Limit, problem::BannerPlace,
    report::Declared, report::UnreadablePart,
};

const OUTBOUND: &str = r#"
[gateway]
direction = "outbound"
accreditation = "RESTRICTED"
unmarked = "reject"
on_error = "tempfail"
[[gateway.domain]]
pattern = "*.govt.nz"
ceiling = "RESTRICTED"
endorsements = ["NZEO"]
[[gateway.domain]]
pattern = "*.gov.au"
ceiling = "RESTRICTED"
country = "AUS"
[[gateway.domain]]
pattern = "*"
ceiling = "IN-CONFIDENCE"
"#;

fn gw(text: &str) -> Gateway {
    Gateway::new(GatewayPolicy::from_toml(text).unwrap()).unwrap()
}

fn marked(m: &str) -> Report {
    let marking: Marking = m.parse().unwrap();
    let mut r = Report::new(Format::Eml);
    r.declared = Some(Declared {
        marking: marking.clone(),
        at: PartPath::of(Segment::Subject),
        text: format!("[{m}]"),
    });
    r.marking = Some(marking);
    r
}

/// A problem with `code` in the first attachment, built by that code's constructor.
fn problem(code: ProblemCode) -> Problem {
    let at = Location::from(Segment::Attachment(1));
    let (low, high): (Marking, Marking) =
        ("IN-CONFIDENCE".parse().unwrap(), "SECRET".parse().unwrap());
    match code {
        ProblemCode::Unmarked => Problem::unmarked(Location::from(Segment::Message), None),
        ProblemCode::BannersDisagree => {
            Problem::banners_disagree(at.clone(), (&low, &at), (&high, &at))
        }
        ProblemCode::UnderMarked => {
            Problem::under_marked(at, Segment::Message, "SECRET", &high, &low)
        }
        ProblemCode::Downgrade => Problem::downgrade(at, "SECRET", &high, &low),
        ProblemCode::NonCanonical => Problem::non_canonical(at, "Secret", &high),
        ProblemCode::MissingBanner => Problem::missing_banner(at, BannerPlace::Footer),
        ProblemCode::MetadataDisagrees => Problem::metadata_disagrees(at, &low, &high),
        ProblemCode::MalformedMarking => {
            Problem::malformed_marking(at, "SECERT", "not a level", None)
        }
        ProblemCode::HeaderSubjectDisagree => {
            Problem::header_subject_disagree(at.clone(), &low, &at, &high)
        }
        ProblemCode::UnreadablePart => Problem::unreadable_part(at, &"the zip is corrupt"),
        other => panic!("no test problem for {other}"),
    }
}

fn env(to: &[&str]) -> Envelope {
    to.iter()
        .fold(Envelope::new("alice@agency.govt.nz"), |e, t| e.to(*t))
}

#[test]
fn policy_contract_from_the_issue_loads() {
    let g = gw(OUTBOUND);
    assert_eq!(g.policy().domains.len(), 3);
}

#[test]
fn accepts_within_ceiling_and_adds_header() {
    let v = gw(OUTBOUND).decide(&env(&["bob@mfat.govt.nz"]), &marked("RESTRICTED"));
    assert_eq!(v.action, A::Accept, "{v:?}");
    assert!(v.smtp.is_none());
    let (name, value) = &v.headers[0];
    assert_eq!(name, "X-Protective-Marking-Verdict");
    assert!(value.starts_with("accept; marking=RESTRICTED"), "{value}");
}

#[test]
fn sensitive_and_restricted_share_a_ceiling() {
    let g = gw(OUTBOUND);
    let v = g.decide(&env(&["bob@mfat.govt.nz"]), &marked("BUDGET SENSITIVE"));
    assert_eq!(v.action, A::Accept);
}

#[test]
fn unmarked_outbound_is_rejected_15_1_11() {
    let v = gw(OUTBOUND).decide(&env(&["bob@mfat.govt.nz"]), &Report::new(Format::Eml));
    assert_eq!(v.action, A::Reject);
    assert_eq!(v.reasons[0].rule.id(), "NZISM 15.1.11.C.01");
    let smtp = v.smtp.unwrap();
    assert_eq!((smtp.code, smtp.enhanced.as_str()), (550, "5.7.1"));
}

#[test]
fn over_ceiling_for_any_recipient_is_rejected_15_2_40() {
    let g = gw(OUTBOUND);
    // One recipient fine, the Bcc'd one on the internet path is not: the message is refused.
    let v = g.decide(
        &env(&["bob@mfat.govt.nz", "eve@example.com"]),
        &marked("SENSITIVE"),
    );
    assert_eq!(v.action, A::Reject);
    assert!(
        v.reasons
            .iter()
            .any(|r| r.rule.id() == "NZISM 15.2.40.C.01" && r.message.contains("eve@example.com"))
    );
}

#[test]
fn endorsements_count_against_the_path() {
    let g = gw(OUTBOUND);
    // NZEO may go to govt.nz (listed) but not to an AU path.
    assert_eq!(
        g.decide(&env(&["bob@mfat.govt.nz"]), &marked("RESTRICTED//NZEO"))
            .action,
        A::Accept
    );
    let v = g.decide(&env(&["bruce@dfat.gov.au"]), &marked("RESTRICTED//NZEO"));
    assert_eq!(v.action, A::Reject);
    assert!(v.reasons.iter().any(|r| r.rule.id() == "NZISM 15.1.8.C.01"));
    // ORCON is not listed for govt.nz
    let v = g.decide(&env(&["bob@mfat.govt.nz"]), &marked("RESTRICTED//ORCON"));
    assert_eq!(v.action, A::Reject);
}

#[test]
fn rel_to_must_list_the_path_country() {
    let g = gw(OUTBOUND);
    assert_eq!(
        g.decide(
            &env(&["bruce@dfat.gov.au"]),
            &marked("RESTRICTED//REL TO NZL, AUS")
        )
        .action,
        A::Accept
    );
    let v = g.decide(
        &env(&["bruce@dfat.gov.au"]),
        &marked("RESTRICTED//REL TO NZL, GBR"),
    );
    assert_eq!(v.action, A::Reject);
    assert!(v.reasons[0].message.contains("AUS"));
}

#[test]
fn inbound_above_accreditation_is_rejected_15_2_41() {
    let g = gw(
        "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\nunmarked = \"accept\"\n",
    );
    let e = env(&["staff@agency.govt.nz"]);
    assert_eq!(g.decide(&e, &marked("RESTRICTED")).action, A::Accept);
    let v = g.decide(&e, &marked("CONFIDENTIAL"));
    assert_eq!(v.action, A::Reject);
    assert_eq!(v.reasons[0].rule.id(), "NZISM 15.2.41.C.01");
    // 15.1.12: the agency may accept unmarked mail from outside government
    let v = g.decide(&e, &Report::new(Format::Eml));
    assert_eq!(v.action, A::Accept);
    assert_eq!(v.reasons[0].rule.id(), "NZISM 15.1.12.C.01");
}

#[test]
fn problems_map_to_their_policy_actions() {
    let g = gw(OUTBOUND);
    let e = env(&["bob@mfat.govt.nz"]);
    for (code, rule, action) in [
        (
            ProblemCode::UnderMarked,
            GatewayRule::UnderMarked,
            A::Reject,
        ),
        (
            ProblemCode::MalformedMarking,
            GatewayRule::Malformed,
            A::Reject,
        ),
        (
            ProblemCode::HeaderSubjectDisagree,
            GatewayRule::Disagreement,
            A::Reject,
        ),
        (
            ProblemCode::Downgrade,
            GatewayRule::Downgrade,
            A::Quarantine,
        ),
        (
            ProblemCode::UnreadablePart,
            GatewayRule::Unreadable,
            A::Tempfail,
        ),
    ] {
        let mut r = marked("IN-CONFIDENCE");
        r.problems.push(problem(code));
        let v = g.decide(&e, &r);
        assert_eq!(v.action, action, "{code}");
        assert!(
            v.reasons.iter().any(|x| x.rule == rule),
            "{code}: {:?}",
            v.reasons
        );
    }
    // Advisory problems do not change the verdict.
    let mut r = marked("IN-CONFIDENCE");
    r.problems.push(problem(ProblemCode::NonCanonical));
    assert_eq!(g.decide(&e, &r).action, A::Accept);
}

#[test]
fn quarantine_gets_the_header_tempfail_gets_451() {
    let g = gw(OUTBOUND);
    let e = env(&["bob@mfat.govt.nz"]);
    let mut r = marked("IN-CONFIDENCE");
    r.problems.push(problem(ProblemCode::Downgrade));
    let v = g.decide(&e, &r);
    assert_eq!(v.action, A::Quarantine);
    assert!(v.smtp.is_none());
    assert!(v.headers[0].1.contains("NZISM 15.1.10.C.03"));
    let mut r = marked("IN-CONFIDENCE");
    r.unreadable.push(UnreadablePart {
        at: PartPath::of(Segment::Attachment(1)),
        error: ReadError::Encrypted {
            format: Format::Pdf,
            location: "attachment[1]".into(),
        },
    });
    let v = g.decide(&e, &r);
    assert_eq!(v.action, A::Tempfail);
    assert_eq!(v.smtp.as_ref().unwrap().code, 451);
    assert!(v.headers.is_empty());
}

#[test]
fn reject_beats_tempfail_and_quarantine() {
    let g = gw(OUTBOUND);
    let mut r = marked("SECRET");
    r.problems.push(problem(ProblemCode::Downgrade));
    r.problems.push(problem(ProblemCode::UnreadablePart));
    assert_eq!(g.decide(&env(&["bob@mfat.govt.nz"]), &r).action, A::Reject);
}

#[test]
fn unreadable_message_fails_closed() {
    let g = gw(OUTBOUND);
    let err = ReadError::LimitExceeded {
        limit: Limit::MimeParts,
        value: 10_000,
        max: 1_000,
        location: "message".into(),
    };
    let v = g.unreadable(&err);
    assert_eq!(v.action, A::Tempfail);
    assert_ne!(v.action, A::Accept);
    assert!(v.smtp.unwrap().text.contains("max_mime_parts"));
}

#[test]
fn unknown_recipient_domain_fails_closed_without_catch_all() {
    let g = gw(
        "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*.govt.nz\"\nceiling = \"RESTRICTED\"\n",
    );
    let v = g.decide(&env(&["x@example.com"]), &marked("UNCLASSIFIED"));
    assert_eq!(v.action, A::Reject);
    assert!(v.reasons[0].message.contains("no communication path"));
}

#[test]
fn foreign_dissemination_limit_is_rejected() {
    let g = gw(OUTBOUND);
    let raw = b"From: a@agency.gov.au\r\nTo: b@mfat.govt.nz\r\nSubject: Figures [SEC=OFFICIAL:Sensitive, CAVEAT=SH:AUSTEO]\r\n\r\nOFFICIAL: Sensitive\r\n";
    let r = MessageAnalyser::new().analyse(raw).unwrap();
    assert_eq!(r.foreign_caveats(), ["AUSTEO"]);
    let v = g.decide(&env(&["bob@mfat.govt.nz"]), &r);
    assert_eq!(v.action, A::Reject, "{v:?}");
    assert!(
        v.reasons
            .iter()
            .any(|x| x.rule == GatewayRule::ForeignDissemination)
    );
}

#[test]
fn bad_policies_are_refused_with_what_to_fix() {
    let e = GatewayPolicy::from_toml("[gateway]\ndirection = \"outbound\"\non_error = \"accept\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"UNCLASSIFIED\"\n").unwrap_err();
    assert_eq!(e, GatewayPolicyError::AcceptOnError);
    assert_eq!(
        GatewayPolicy::from_toml("[gateway]\ndirection = \"inbound\"\n").unwrap_err(),
        GatewayPolicyError::MissingAccreditation
    );
    assert_eq!(
        GatewayPolicy::from_toml("[gateway]\ndirection = \"outbound\"\n").unwrap_err(),
        GatewayPolicyError::NoDomains
    );
    assert!(matches!(
        GatewayPolicy::from_toml("[gateway]\ndirection = \"sideways\"\n").unwrap_err(),
        GatewayPolicyError::Toml(_)
    ));
    assert!(matches!(
        GatewayPolicy::from_toml("[gateway]\ndirection = \"outbound\"\ntypo = 1\n").unwrap_err(),
        GatewayPolicyError::Toml(_)
    ));
    assert!(matches!(
        GatewayPolicy::from_toml("[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"a*b\"\nceiling = \"SECRET\"\n").unwrap_err(),
        GatewayPolicyError::BadPattern(_)
    ));
}

#[test]
fn domain_patterns() {
    let p = GatewayPolicy::from_toml(OUTBOUND).unwrap();
    assert_eq!(p.path_for("mfat.govt.nz").unwrap().pattern, "*.govt.nz");
    assert_eq!(p.path_for("govt.nz").unwrap().pattern, "*.govt.nz");
    assert_eq!(p.path_for("notgovt.nz").unwrap().pattern, "*");
    assert_eq!(p.path_for("evilgovt.nz").unwrap().pattern, "*");
}
