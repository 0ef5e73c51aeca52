//! Running the example checker from integration tests: `#[path = "common/cli.rs"] mod cli;`.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The built `examples/check` binary. Plain `cargo test` builds examples first;
/// `cargo test --test NAME` does not, so run `cargo build --examples` before that.
pub fn checker() -> PathBuf {
    // target/debug/deps/<test>-<hash> -> target/debug/examples/check
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("check{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} not built; run `cargo build --examples` (plain `cargo test` builds it)",
        bin.display()
    );
    bin
}

/// Runs the checker with `args` and waits for it.
pub fn run(args: &[&str]) -> Output {
    Command::new(checker()).args(args).output().unwrap()
}

/// Stdout as one JSON value per line (panics, naming the line, on anything else).
pub fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}
