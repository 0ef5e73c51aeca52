//! The example checker's `marking` verb: the JSON contract, strict and lenient
//! modes, codewords, human output and exit codes. Runs the built `examples/check` binary
//! (`cargo test` builds examples first).

use crate::cli;

use cli::{json_lines, run};
use serde_json::Value;

#[test]
fn one_object_per_input_with_every_key() {
    let out = run(&[
        "marking",
        "--json",
        "--",
        "In Confidence",
        "SECRET//REL TO NZL, AUS",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    for key in [
        "input",
        "valid",
        "canonical",
        "classification",
        "endorsements",
        "foreign",
        "errors",
        "warnings",
    ] {
        assert!(lines.iter().all(|l| l.get(key).is_some()), "missing {key}");
    }
    assert_eq!(lines[0]["canonical"], "IN-CONFIDENCE");
    assert_eq!(lines[0]["warnings"][0]["code"], "non-canonical-form");
    // NZL first, then the others alphabetically (PSR-OV).
    assert_eq!(lines[1]["canonical"], "SECRET//REL TO NZL, AUS");
    assert_eq!(lines[1]["endorsements"][0], "REL TO NZL, AUS");
}

#[test]
fn invalid_markings_exit_1_with_located_errors() {
    let out = run(&["marking", "--json", "SECRET", "SECRET//XYZ", "NZEO"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[1]["valid"], false);
    assert_eq!(lines[1]["canonical"], Value::Null);
    assert_eq!(lines[1]["errors"][0]["code"], "unknown-word");
    assert_eq!(lines[1]["errors"][0]["offset"], 8);
    assert_eq!(
        lines[2]["valid"], false,
        "an endorsement needs a classification"
    );
}

#[test]
fn strict_accepts_only_the_canonical_form() {
    let out = run(&[
        "marking",
        "--strict",
        "--json",
        "In Confidence",
        "IN-CONFIDENCE",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["valid"], false);
    assert_eq!(lines[0]["errors"][0]["code"], "non-canonical");
    assert_eq!(lines[1]["valid"], true);
}

#[test]
fn foreign_markings_are_flagged() {
    let out = run(&["marking", "--json", "PROTECTED"]);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["foreign"], true);
    assert_eq!(lines[0]["canonical"], "RESTRICTED");
}

#[test]
fn codewords_are_configured_on_the_command_line() {
    let out = run(&[
        "marking",
        "--json",
        "--codeword",
        "KAHU",
        "TOP SECRET//KAHU",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let endorsements = json_lines(&out)[0]["endorsements"].clone();
    assert!(
        endorsements.as_array().unwrap().iter().any(|e| e == "KAHU"),
        "{endorsements}"
    );
}

#[test]
fn human_output_names_the_verdict_and_the_canonical_form() {
    let out = run(&["marking", "In Confidence", "SECRET//XYZ"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("IN-CONFIDENCE"), "{text}");
    assert!(text.contains("XYZ"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when piped: {text:?}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["marking"]).status.code(), Some(2));
    assert_eq!(
        run(&["marking", "--bogus", "SECRET"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["no-such-verb"]).status.code(), Some(2));
}
