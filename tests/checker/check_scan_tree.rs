//! `check scan` at scale: over a generated tree of 10,000 mixed files (text
//! marked at each level, unmarked and under-marked text, messages, mboxes, DOCX, PDF and
//! corrupt files), checking the summary counts against what the generator wrote.
//!
//! Runs the built `examples/check` binary: run `cargo build --examples` first (plain
//! `cargo test` builds it). `CHECK_TREE_DIR=DIR` keeps the generated tree in `DIR`.

use crate::cli;
use crate::common;

use cli::checker;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

const FILES: usize = 10_000;

/// What the generator expects the checker to find, counted as the summary counts.
#[derive(Default)]
struct Expected {
    inputs: u64,
    messages: u64,
    classifications: BTreeMap<String, u64>,
    problems: BTreeMap<String, u64>,
}

impl Expected {
    fn add(&mut self, label: &str, problem: Option<&str>, message: bool) {
        self.inputs += 1;
        self.messages += u64::from(message);
        *self.classifications.entry(label.into()).or_default() += 1;
        if let Some(p) = problem {
            *self.problems.entry(p.into()).or_default() += 1;
        }
    }
}

const LEVELS: [&str; 4] = ["UNCLASSIFIED", "IN-CONFIDENCE", "SENSITIVE", "RESTRICTED"];

/// Writes file `i` of the tree and records what it should be reported as.
fn write_file(dir: &std::path::Path, i: usize, docx: &[u8], pdf: &[u8], exp: &mut Expected) {
    let sub = dir.join(format!("d{:02}/e{}", i % 50, i % 7));
    std::fs::create_dir_all(&sub).unwrap();
    let level = LEVELS[i % LEVELS.len()];
    let (name, bytes): (String, Vec<u8>) = match i % 100 {
        0 => {
            exp.add("UNREADABLE", None, false);
            (format!("{i}.docx"), b"PK\x03\x04 truncated".to_vec())
        }
        1 | 2 => {
            exp.add("RESTRICTED", None, false);
            (format!("{i}.docx"), docx.to_vec())
        }
        3 | 4 => {
            exp.add("IN-CONFIDENCE", None, false);
            (format!("{i}.pdf"), pdf.to_vec())
        }
        5..=9 => {
            exp.add(level, None, true);
            let eml = format!(
                "From: a@agency.govt.nz\r\nDate: Mon, 16 Feb 2026 09:30:00 +1300\r\nSubject: Item {i} [{level}]\r\n\r\n{level}\r\n\r\nText {i}.\r\n"
            );
            (format!("{i}.eml"), eml.into_bytes())
        }
        10 | 11 => {
            exp.add(level, None, true);
            exp.add("UNMARKED", Some("unmarked"), true);
            let mbox = format!(
                "From a@b Mon Feb 16 10:00:00 2026\nFrom: a@b.govt.nz\nSubject: One [{level}]\n\nhi\n\nFrom a@b Mon Feb 16 10:01:00 2026\nFrom: a@b.govt.nz\nSubject: Two\n\nno marking\n"
            );
            (format!("{i}.mbox"), mbox.into_bytes())
        }
        12..=29 => {
            exp.add("UNMARKED", Some("unmarked"), false);
            (
                format!("{i}.txt"),
                format!("Notes {i}.\nNothing marked here.\n").into_bytes(),
            )
        }
        30..=39 => {
            exp.add("SECRET", Some("under-marked"), false);
            let text = format!("RESTRICTED\n\nPlan {i}.\n\n(S) Annex.\n\nRESTRICTED\n");
            (format!("{i}.txt"), text.into_bytes())
        }
        _ => {
            exp.add(level, None, false);
            let prose = "Ordinary words about budgets, venues and timetables. ".repeat(i % 20);
            let text = format!("{level}\n\nFile {i}. {prose}\n\n{level}\n");
            (format!("{i}.txt"), text.into_bytes())
        }
    };
    std::fs::write(sub.join(name), bytes).unwrap();
}

#[test]
fn ten_thousand_mixed_files_summary_counts() {
    // CHECK_TREE_DIR=/some/dir keeps the tree there, to time a release build on it.
    let keep = std::env::var_os("CHECK_TREE_DIR").map(PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("pm-check-tree-{}", std::process::id()))
    });
    let _ = std::fs::remove_dir_all(&dir);
    let docx = common::pack(
        docx_rs::Docx::new()
            .header(docx_rs::Header::new().add_paragraph(common::para("RESTRICTED")))
            .footer(docx_rs::Footer::new().add_paragraph(common::para("RESTRICTED")))
            .add_paragraph(common::para("RESTRICTED"))
            .add_paragraph(common::para("The plan.")),
    );
    let pdf = common::pdf(1, "IN-CONFIDENCE");
    let mut exp = Expected::default();
    for i in 0..FILES {
        write_file(&dir, i, &docx, &pdf, &mut exp);
    }

    let out = Command::new(checker())
        .args(["scan", "--json", "--summary-json"])
        .arg(&dir)
        .output()
        .unwrap();
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len() as u64,
        exp.inputs + 1,
        "one object per input, then the summary"
    );
    let summary: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let s = &summary["summary"];
    assert_eq!(s["inputs"], exp.inputs);
    assert_eq!(s["messages"], exp.messages);
    let counts = |v: &Value| -> BTreeMap<String, u64> {
        v.as_object()
            .unwrap()
            .iter()
            .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
            .collect()
    };
    assert_eq!(counts(&s["classifications"]), exp.classifications);
    assert_eq!(counts(&s["problems"]), exp.problems);
    assert_eq!(s["unreadable"].as_array().unwrap().len(), FILES / 100);
    // Unreadable files make the run exit 2: never clean.
    assert_eq!(out.status.code(), Some(2));
    eprintln!(
        "{} inputs in {:.2} s ({:.0} inputs/s)",
        s["inputs"],
        s["seconds"].as_f64().unwrap(),
        s["inputs_per_s"].as_f64().unwrap()
    );
}
