//! The scanner on real text: the development set of excerpts of public New Zealand
//! government documents (`../shared/corpus/real/cases.jsonl`, copied character for
//! character from their sources) and the shapes set written for this project in the shape
//! of public passages (`tests/data/real/shapes.jsonl`, see its README).
//!
//! Scored as `../shared/tools/real-eval` scores the checker (whose text path is
//! `Scanner::scan_reader`): agreement on the classification (UNCLASSIFIED and no marking
//! agree for unmarked texts), recall on the marked cases, and false positives on prose. The
//! bar is the one the project holds itself to: agreement and recall at least 95 %, and no
//! prose false positive at all.

use protective_marking::Scanner;
use serde_json::Value;

struct Score {
    cases: usize,
    agree: usize,
    marked: usize,
    marked_hit: usize,
    prose_false_positives: Vec<String>,
    wrong: Vec<String>,
}

fn score(path: &str) -> Score {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("cannot read {path}: {e}; the real corpus lives next to the checkout in ../shared")
    });
    let scanner = Scanner::new();
    let mut s = Score {
        cases: 0,
        agree: 0,
        marked: 0,
        marked_hit: 0,
        prose_false_positives: Vec::new(),
        wrong: Vec::new(),
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("a JSON line");
        let id = case["id"].as_str().unwrap_or("?");
        let excerpt = case["excerpt"].as_str().expect("excerpt");
        let want = case["expected_classification"].as_str();
        let report = scanner.scan(excerpt);
        let got = report.marking.map(|m| m.classification().to_string());
        let unmarked = |c: Option<&str>| c.is_none_or(|c| c == "UNCLASSIFIED");
        let agrees = if unmarked(want) {
            unmarked(got.as_deref())
        } else {
            got.as_deref() == want
        };
        s.cases += 1;
        s.agree += usize::from(agrees);
        if !unmarked(want) {
            s.marked += 1;
            s.marked_hit += usize::from(agrees);
        }
        if !agrees {
            s.wrong.push(format!("{id}: want {want:?} got {got:?}"));
        }
        if want.is_none() && !unmarked(got.as_deref()) && case["context"] == "prose" {
            s.prose_false_positives.push(id.to_string());
        }
    }
    s
}

fn check(path: &str) {
    let s = score(path);
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    eprintln!(
        "{path}: {} cases, agreement {}/{} ({:.0} %), marked {}/{}, prose false positives {}; wrong: {:?}",
        s.cases,
        s.agree,
        s.cases,
        pct(s.agree, s.cases),
        s.marked_hit,
        s.marked,
        s.prose_false_positives.len(),
        s.wrong
    );
    assert!(s.cases > 0, "{path} holds no cases");
    assert!(
        s.prose_false_positives.is_empty(),
        "prose read as marked: {:?}",
        s.prose_false_positives
    );
    assert!(
        pct(s.agree, s.cases) >= 95.0,
        "agreement below 95 %: {:?}",
        s.wrong
    );
    assert!(
        pct(s.marked_hit, s.marked) >= 95.0,
        "recall on marked cases below 95 %: {:?}",
        s.wrong
    );
}

#[test]
fn development_set_of_real_excerpts() {
    check(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/real/cases.jsonl"
    ));
}

#[test]
fn shapes_from_public_releases() {
    check(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/real/shapes.jsonl"
    ));
}
