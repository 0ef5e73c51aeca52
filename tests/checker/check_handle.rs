//! The example checker's `handle` verb: JSON lines and exit codes.
//!
//! Runs the built `examples/check` binary (`cargo test` builds examples first).

use crate::cli;

use cli::{json_lines, run};

#[test]
fn one_json_line_per_action_and_exit_1_on_refusal() {
    let out = run(&[
        "handle",
        "--json",
        "--marking",
        "Sensitive: Budget",
        "email-internet-clear",
        "email-internet-encrypted",
        "store-security-container",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    for l in &lines {
        assert_eq!(l["marking"], "BUDGET SENSITIVE");
        let keys: Vec<&str> = l.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        for k in ["marking", "action", "decision", "conditions", "reasons"] {
            assert!(keys.contains(&k), "{k} missing from {l}");
        }
    }
    assert_eq!(lines[0]["action"], "email-internet-clear");
    assert_eq!(lines[0]["decision"], "refused");
    let rules: Vec<&str> = lines[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"NZISM 17.1.55.C.02"), "{rules:?}");
    assert!(rules.contains(&"CO (01) 10 Annex 1: email"), "{rules:?}");
    assert_eq!(lines[1]["decision"], "conditional");
    assert!(!lines[1]["conditions"].as_array().unwrap().is_empty());
    assert_eq!(lines[2]["decision"], "permitted");
    assert!(lines[2]["conditions"].as_array().unwrap().is_empty());
    assert!(lines[2]["reasons"].as_array().unwrap().is_empty());
}

#[test]
fn exit_0_when_nothing_is_refused_and_recipient_flags_apply() {
    let out = run(&[
        "handle",
        "--json",
        "--marking",
        "SECRET//NZEO",
        "--recipient-clearance",
        "secret",
        "--recipient-nationality",
        "NZL",
        "safe-hand",
        "network-hace",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(
        lines[0]["action"],
        "safe-hand:clearance=secret,nationality=NZL"
    );
    assert_eq!(lines[0]["decision"], "conditional");

    // A per-action recipient overrides the flags: a foreign national is refused under NZEO.
    let out = run(&[
        "handle",
        "--json",
        "--marking",
        "SECRET//NZEO",
        "--recipient-nationality",
        "NZL",
        "safe-hand:clearance=secret,nationality=AUS",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["decision"], "refused");
    assert_eq!(lines[0]["reasons"][0]["rule"], "PSR endorsements: NZEO");
}

#[test]
fn requirements_list_every_action() {
    let out = run(&[
        "handle",
        "--json",
        "--marking",
        "CONFIDENTIAL",
        "--requirements",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 21);
    let rubbish = lines
        .iter()
        .find(|l| l["action"] == "dispose-rubbish")
        .unwrap();
    assert_eq!(rubbish["decision"], "refused");
    assert!(lines.iter().all(|l| l["marking"] == "CONFIDENTIAL"));
}

#[test]
fn unparseable_marking_is_refused_and_exits_2() {
    let out = run(&["handle", "--json", "--marking", "SECRETISH", "copy"]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["decision"], "refused");
    assert_eq!(
        lines[0]["reasons"][0]["rule"],
        "fail closed: the marking cannot be determined"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("SECRETISH"));
}

#[test]
fn usage_errors_exit_2() {
    // Unknown action id, missing actions, bad clearance.
    for args in [
        &["handle", "--marking", "SECRET", "email"][..],
        &["handle", "--marking", "SECRET"][..],
        &[
            "handle",
            "--marking",
            "SECRET",
            "--recipient-clearance",
            "pink",
            "copy",
        ][..],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn policy_file_overrides_and_bad_files_exit_2() {
    let dir = std::env::temp_dir().join(format!("check-handle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("agency.toml");
    std::fs::write(
        &good,
        r#"
        [[rule]]
        name = "agency-no-single-envelope"
        id = "Agency policy 4.2"
        tiers = ["in-confidence"]
        actions = ["post-single-envelope"]
        effect = "refuse"
        message = "We double envelope everything."
        "#,
    )
    .unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[rule]]\nname = 'x'\n").unwrap();

    let shipped = run(&[
        "handle",
        "--json",
        "--marking",
        "IN-CONFIDENCE",
        "post-single-envelope",
    ]);
    assert_eq!(shipped.status.code(), Some(0));
    let agency = run(&[
        "handle",
        "--json",
        "--marking",
        "IN-CONFIDENCE",
        "--policy",
        good.to_str().unwrap(),
        "post-single-envelope",
    ]);
    assert_eq!(agency.status.code(), Some(1));
    assert_eq!(
        json_lines(&agency)[0]["reasons"][0]["rule"],
        "Agency policy 4.2"
    );

    for path in [bad.to_str().unwrap(), "/nonexistent/policy.toml"] {
        let out = run(&[
            "handle",
            "--marking",
            "IN-CONFIDENCE",
            "--policy",
            path,
            "copy",
        ]);
        assert_eq!(out.status.code(), Some(2), "{path}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn human_output() {
    let out = run(&["handle", "--marking", "TOP SECRET", "copy", "safe-hand"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("REFUSED"), "{text}");
    assert!(
        text.contains("[PSR handling: ACCOUNTABLE MATERIAL reproduction]"),
        "{text}"
    );
    assert!(text.contains("conditional"), "{text}");
}
