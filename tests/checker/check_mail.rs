//! The checker's `subject` and `mail` verbs: JSON lines and exit codes.

use crate::cli;

use std::process::{Command, Output};

fn run(args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let out: Output = Command::new(cli::checker())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run the checker (cargo test builds examples first)");
    (out.status.code().unwrap_or(-1), cli::json_lines(&out))
}

#[test]
fn subject_verb() {
    let (code, lines) = run(&[
        "subject",
        "--json",
        "Budget bid [IN CONFIDENCE]",
        "Party [SECRET SQUIRREL]",
        "[SEEMAIL] notes",
    ]);
    assert_eq!(code, 1, "an invalid subject makes the exit code 1");
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["canonical"], "IN-CONFIDENCE");
    assert_eq!(lines[0]["carrier"], "bracket");
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["errors"][0]["code"], "unknown-word");
    assert_eq!(
        lines[1]["errors"][0]["offset"], 14,
        "offset into the subject"
    );
    assert_eq!(lines[2]["carrier"], "seemail");
    let (code, lines) = run(&["subject", "--json", "SENSITIVE: Budget - figures"]);
    assert_eq!(code, 0);
    assert_eq!(lines[0]["carrier"], "leading");
    assert_eq!(lines[0]["canonical"], "BUDGET SENSITIVE");
}

#[test]
fn mail_verb() {
    let policy = "tests/data/policy/outbound.toml";
    let dir = "tests/data/mail/analysis";
    let (code, lines) = run(&[
        "mail",
        "--json",
        "--policy",
        policy,
        "--from",
        "a@agency.govt.nz",
        "--to",
        "b@office.govt.nz",
        &format!("{dir}/header_nz.eml"),
        &format!("{dir}/unmarked.eml"),
        &format!("{dir}/attachment_encrypted_pdf.eml"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(lines[0]["verdict"], "accept");
    assert_eq!(lines[0]["marking"], "RESTRICTED//NZEO");
    assert_eq!(lines[0]["declared"], "RESTRICTED//NZEO");
    assert_eq!(lines[1]["verdict"], "reject");
    assert_eq!(
        lines[1]["smtp"].as_str().unwrap().get(..9),
        Some("550 5.7.1")
    );
    assert_eq!(lines[1]["reasons"][0]["rule"], "NZISM 15.1.11.C.01");
    assert_eq!(lines[2]["verdict"], "tempfail");
    for key in [
        "path", "verdict", "smtp", "marking", "declared", "reasons", "problems", "error",
    ] {
        assert!(lines[0].get(key).is_some(), "missing {key}");
    }
    // Bcc'd internet recipient: the path ceiling applies to every envelope recipient.
    let (code, lines) = run(&[
        "mail",
        "--json",
        "--policy",
        policy,
        "--from",
        "a@agency.govt.nz",
        "--to",
        "b@office.govt.nz",
        "--to",
        "c@example.com",
        &format!("{dir}/header_nz.eml"),
    ]);
    assert_eq!((code, lines[0]["verdict"].as_str()), (1, Some("reject")));
}

#[test]
fn mail_verb_unreadable_inputs_exit_2() {
    let policy = "tests/data/policy/outbound.toml";
    let (code, lines) = run(&[
        "mail",
        "--json",
        "--policy",
        policy,
        "--from",
        "a@x.govt.nz",
        "--to",
        "b@x.govt.nz",
        "no/such/file.eml",
    ]);
    assert_eq!(code, 2);
    assert!(lines[0]["error"].as_str().unwrap().contains("cannot read"));
    let (code, _) = run(&[
        "mail",
        "--policy",
        "no/such/policy.toml",
        "--from",
        "a@x",
        "--to",
        "b@x",
        "x.eml",
    ]);
    assert_eq!(code, 2);
    let (code, _) = run(&["mail", "--policy", policy]);
    assert_eq!(code, 2, "usage error");
}
