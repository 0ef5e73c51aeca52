//! The checker's `scan` verb (issues 3, 4, 5, 9): the JSON contract for every format,
//! standard input, directories, exit codes, the `--max` and `--fail-on` gates, CSV, and
//! failing closed on unreadable input.
//!
//! Runs the built `examples/check` binary: run `cargo build --examples` first (plain
//! `cargo test` builds it).

use crate::cli;
use crate::common;

use cli::{checker, json_lines as lines, run};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("pm-check-scan-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn file(&self, rel: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn codes(v: &Value) -> Vec<&str> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect()
}

const MARKED: &str = "IN-CONFIDENCE\n\nThe figures.\n\nIN-CONFIDENCE\n";
const RESTRICTED: &str = "RESTRICTED\n\nThe plan.\n\nRESTRICTED\n";
const PUBLIC: &str = "UNCLASSIFIED\n\nA media release.\n\nUNCLASSIFIED\n";
const UNMARKED: &str = "Meeting notes.\nBook the venue.\n";
const EML: &str = "From: a@agency.govt.nz\r\nTo: b@agency.govt.nz\r\nDate: Mon, 16 Feb 2026 09:30:00 +1300\r\nSubject: Figures [SENSITIVE]\r\n\r\nSENSITIVE\r\n\r\nThe figures.\r\n";
const MBOX: &str = "From a@b Mon Feb 16 10:00:00 2026\nFrom: a@b.govt.nz\nSubject: One [IN-CONFIDENCE]\n\nhi\n\nFrom a@b Mon Feb 16 10:01:00 2026\nFrom: a@b.govt.nz\nSubject: Two\n\nno marking\n";

/// Every key of the contract, in every format, with the values each format should give.
#[test]
fn json_contract_for_each_format() {
    let dir = TempDir::new("formats");
    dir.file("a.txt", MARKED);
    // Named misleadingly on purpose: formats are read by content, not by extension.
    dir.file("b.dat", common::pdf(1, "RESTRICTED"));
    dir.file(
        "c.bin",
        common::pack(
            docx_rs::Docx::new()
                .header(docx_rs::Header::new().add_paragraph(common::para("SENSITIVE")))
                .footer(docx_rs::Footer::new().add_paragraph(common::para("SENSITIVE")))
                .add_paragraph(common::para("Body text.")),
        ),
    );
    dir.file("d.eml", EML);
    dir.file("e.mbox", MBOX);
    dir.file("f-maildir/cur/1:2,S", EML);
    std::fs::create_dir_all(dir.0.join("f-maildir/new")).unwrap();
    std::fs::create_dir_all(dir.0.join("f-maildir/tmp")).unwrap();
    dir.file("f-maildir/tmp/partial", "being delivered");
    let out = run(&["scan", "--json", &dir.path()]);
    let got = lines(&out);
    let summary: Vec<(String, &str, Option<&str>)> = got
        .iter()
        .map(|v| {
            let path = v["path"].as_str().unwrap();
            let rel = path.strip_prefix(&dir.path()).unwrap().to_string();
            (
                rel,
                v["format"].as_str().unwrap(),
                v["classification"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("/a.txt".to_string(), "text", Some("IN-CONFIDENCE")),
            ("/b.dat".into(), "pdf", Some("RESTRICTED")),
            ("/c.bin".into(), "docx", Some("SENSITIVE")),
            ("/d.eml".into(), "eml", Some("SENSITIVE")),
            ("/e.mbox#1".into(), "mbox", Some("IN-CONFIDENCE")),
            ("/e.mbox#2".into(), "mbox", None),
            ("/f-maildir/cur/1:2,S".into(), "maildir", Some("SENSITIVE")),
        ]
    );
    for v in &got {
        // serde_json's map is sorted by key.
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "classification",
                "endorsements",
                "error",
                "findings",
                "format",
                "marking",
                "path",
                "problems"
            ],
        );
        assert!(v["error"].is_null(), "{v}");
        for f in v["findings"].as_array().unwrap() {
            for k in [
                "location",
                "line",
                "text",
                "canonical",
                "kind",
                "confidence",
            ] {
                assert!(f.get(k).is_some(), "{k} missing from {f}");
            }
        }
    }
    let text = &got[0];
    assert_eq!(text["marking"], "IN-CONFIDENCE");
    assert_eq!(text["findings"][0]["kind"], "first-line");
    assert_eq!(text["findings"][0]["line"], 1);
    assert_eq!(text["findings"][0]["confidence"], "high");
    assert_eq!(text["findings"][1]["kind"], "last-line");
    // Documents are read through the same scanner: its kinds and confidence, per part.
    for doc in [&got[1], &got[2]] {
        let findings = doc["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{doc}");
        for f in findings {
            assert!(f["confidence"].is_string(), "{f}");
            assert!(
                [
                    "banner",
                    "first-line",
                    "last-line",
                    "paragraph-mark",
                    "property",
                    "inline"
                ]
                .contains(&f["kind"].as_str().unwrap()),
                "{f}"
            );
        }
    }
    assert_eq!(codes(&got[5]), ["unmarked"]);
    // One message unmarked: exit 1.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        out.stderr.is_empty(),
        "JSON mode writes no summary: {}",
        stderr(&out)
    );
}

#[test]
fn stdin_is_read_by_content() {
    let mut child = Command::new(checker())
        .args(["scan", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(EML.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let got = lines(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["path"], "-");
    assert_eq!(got[0]["format"], "eml");
    assert_eq!(got[0]["marking"], "SENSITIVE");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn exit_codes_0_1_2() {
    let dir = TempDir::new("exit");
    let clean = dir.file("clean.txt", MARKED);
    let unmarked = dir.file("unmarked.txt", UNMARKED);
    assert_eq!(run(&["scan", &clean]).status.code(), Some(0));
    assert_eq!(run(&["scan", &clean, &unmarked]).status.code(), Some(1));
    let missing = dir.0.join("nope.txt").display().to_string();
    let out = run(&["scan", "--json", &clean, &missing]);
    assert_eq!(out.status.code(), Some(2));
    let got = lines(&out);
    assert_eq!(got.len(), 2);
    assert!(got[1]["error"].as_str().unwrap().contains("cannot open"));
    assert!(got[1]["marking"].is_null());
    // Advisory problems alone (a non-canonical spelling) do not fail the run.
    let advisory = dir.file("advisory.txt", "In Confidence\n\nx\n\nIn Confidence\n");
    let out = run(&["scan", "--json", &advisory]);
    assert_eq!(codes(&lines(&out)[0]), ["non-canonical"]);
    assert_eq!(out.status.code(), Some(0));
}

/// An input that cannot be read is never reported clean, with or without gates.
#[test]
fn unreadable_input_fails_closed() {
    let dir = TempDir::new("unreadable");
    let corrupt = dir.file("report.docx", b"PK\x03\x04 this is not a zip at all");
    let ole = dir.file(
        "old.doc",
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0],
    );
    let pdf = dir.file("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog");
    for path in [&corrupt, &ole, &pdf] {
        let out = run(&["scan", "--json", path]);
        let v = &lines(&out)[0];
        assert!(v["error"].is_string(), "{v}");
        assert!(v["classification"].is_null(), "{v}");
        assert_eq!(out.status.code(), Some(2), "{v}");
        // A gate that everything readable would pass still fails.
        let out = run(&["scan", "--json", "--max", "TOP SECRET", path]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("cannot determine its marking"),
            "{}",
            stderr(&out)
        );
    }
    let out = run(&["scan", &corrupt]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("UNREADABLE"), "{text}");
    assert!(stderr(&out).contains("Unreadable: 1"), "{}", stderr(&out));
}

#[test]
fn max_gate_lists_every_input_above_the_level() {
    let dir = TempDir::new("max");
    let public = dir.file("site/index.txt", PUBLIC);
    let unmarked = dir.file("site/about.txt", UNMARKED);
    let ic = dir.file("site/draft.txt", MARKED);
    let r = dir.file("site/plans/plan.txt", RESTRICTED);
    let site = dir.0.join("site").display().to_string();

    let out = run(&["scan", "--json", "--max", "UNCLASSIFIED", &site]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("{ic} is IN-CONFIDENCE")), "{err}");
    assert!(err.contains(&format!("{r} is RESTRICTED")), "{err}");
    assert!(!err.contains(&public) && !err.contains(&unmarked), "{err}");
    assert_eq!(lines(&out).len(), 4, "stdout stays one object per input");

    // With a gate, only the gate decides: the unmarked page passes `--max`.
    assert_eq!(
        run(&["scan", "--max", "restricted", &site]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["scan", "--max", "IN-CONFIDENCE", &site])
            .status
            .code(),
        Some(1)
    );
    let human = run(&["scan", "--max", "UNCLASSIFIED", &site]);
    let err = stderr(&human);
    assert!(err.contains("Over --max UNCLASSIFIED: 2"), "{err}");
    assert!(String::from_utf8_lossy(&human.stdout).contains("over --max: is RESTRICTED"));

    let bad = run(&["scan", "--max", "OFFICIAL-ISH", &site]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("use one of UNCLASSIFIED"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn fail_on_chosen_problem_codes() {
    let dir = TempDir::new("failon");
    let unmarked = dir.file("notes.txt", UNMARKED);
    let under = dir.file("brief.txt", "RESTRICTED\n\n(S) The plan.\n\nRESTRICTED\n");
    assert_eq!(
        run(&["scan", "--fail-on", "unmarked", &unmarked])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&["scan", "--fail-on", "under-marked", &unmarked])
            .status
            .code(),
        Some(0)
    );
    let out = run(&[
        "scan",
        "--format",
        "json",
        "--fail-on",
        "under-marked",
        "--fail-on",
        "unmarked",
        &unmarked,
        &under,
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("--fail-on unmarked: {unmarked}")),
        "{err}"
    );
    assert!(
        err.contains(&format!("--fail-on under-marked: {under}")),
        "{err}"
    );
    let bad = run(&["scan", "--fail-on", "unmraked", &unmarked]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("expected one of unmarked"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn csv_has_a_header_and_one_row_per_input() {
    let dir = TempDir::new("csv");
    dir.file("a.txt", MARKED);
    dir.file("b, with comma.txt", UNMARKED);
    dir.file("c.mbox", MBOX);
    let out = run(&["scan", "--format", "csv", &dir.path()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "path,format,classification,marking,endorsements,findings,problems,error"
    );
    assert_eq!(rows.len(), 5, "{text}");
    let d = dir.path();
    assert_eq!(
        rows[1],
        format!("{d}/a.txt,text,IN-CONFIDENCE,IN-CONFIDENCE,,2,,")
    );
    assert_eq!(
        rows[2],
        format!("\"{d}/b, with comma.txt\",text,UNMARKED,,,0,unmarked,")
    );
    assert!(
        rows[3].starts_with(&format!("{d}/c.mbox#1,mbox,IN-CONFIDENCE,")),
        "{}",
        rows[3]
    );
    assert!(
        rows[4].starts_with(&format!("{d}/c.mbox#2,mbox,UNMARKED,")),
        "{}",
        rows[4]
    );
}

#[test]
fn directories_recurse_in_name_order_and_summary_counts() {
    let dir = TempDir::new("tree");
    dir.file("z.txt", MARKED);
    dir.file("a/b/c.txt", RESTRICTED);
    dir.file("a/a.txt", UNMARKED);
    let out = run(&["scan", "--json", "--summary-json", &dir.path()]);
    let got = lines(&out);
    let paths: Vec<&str> = got.iter().filter_map(|v| v["path"].as_str()).collect();
    let d = dir.path();
    assert_eq!(
        paths,
        [
            format!("{d}/a/a.txt"),
            format!("{d}/a/b/c.txt"),
            format!("{d}/z.txt")
        ]
    );
    let s = &got[3]["summary"];
    assert_eq!(s["inputs"], 3);
    assert_eq!(s["classifications"]["UNMARKED"], 1);
    assert_eq!(s["classifications"]["RESTRICTED"], 1);
    assert_eq!(s["problems"]["unmarked"], 1);
    assert_eq!(
        s["bytes"],
        (MARKED.len() + RESTRICTED.len() + UNMARKED.len()) as u64
    );
    // The summary line is opt-in and JSON only.
    let out = run(&["scan", "--summary-json", &dir.path()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--summary-json needs --json"));
}

#[test]
fn help_has_examples() {
    for verb in ["", "scan", "marking", "handle", "subject", "mail"] {
        let args: Vec<&str> = [verb, "--help"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let out = run(&args);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        let example = format!("check {verb}");
        assert!(
            text.contains("Examples:") && text.contains(example.trim()),
            "{text}"
        );
        assert!(text.contains("Exit codes:"), "{verb}: {text}");
    }
    // `--fail-on`'s help lists every problem code.
    let help = String::from_utf8(run(&["scan", "--help"]).stdout).unwrap();
    for code in protective_marking::ProblemCode::ALL {
        assert!(
            help.contains(code.as_str()),
            "{code} missing from scan --help"
        );
    }
}
