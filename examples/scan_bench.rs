//! Scans one file with [`Scanner::scan_reader`] and prints what it found: the timed program
//! of `scripts/bench-vs-ripgrep.sh` (the `check scan` verb does the same through its CLI).
//!
//! ```text
//! cargo run --release --example scan_bench -- FILE [--in-memory RUNS]
//! ```
//!
//! Prints `findings N deciding N bytes N` on stdout and the in-process throughput on stderr.
//! With `--in-memory RUNS` it reads the file first and scans the slice with
//! [`Scanner::scan`] RUNS times, printing the best throughput (no I/O in the timing).

use anyhow::{Context, bail};
use protective_marking::Scanner;
use std::fs::File;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (path, runs) = match args.as_slice() {
        [path] => (path, None),
        [path, flag, runs] if flag == "--in-memory" => (path, Some(runs.parse::<u32>()?)),
        _ => bail!("usage: scan_bench FILE [--in-memory RUNS]"),
    };
    if let Some(runs) = runs {
        return in_memory(path, runs);
    }
    let file = File::open(path).with_context(|| format!("opening {path}"))?;
    let bytes = file.metadata()?.len();
    let scanner = Scanner::new();
    let start = Instant::now();
    let report = scanner
        .scan_reader(file)
        .with_context(|| format!("reading {path}"))?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "findings {} deciding {} bytes {}",
        report.findings.len(),
        report.deciding().count(),
        bytes
    );
    eprintln!(
        "scan_bench: {:.0} MB/s in process ({:.3} s)",
        bytes as f64 / 1e6 / secs,
        secs
    );
    Ok(())
}

/// Scans the file's bytes `runs` times from memory and prints the best throughput.
fn in_memory(path: &str, runs: u32) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let scanner = Scanner::new();
    let mut best = f64::INFINITY;
    let mut findings = 0;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let report = scanner.scan(&bytes);
        best = best.min(start.elapsed().as_secs_f64());
        findings = report.findings.len();
    }
    println!("findings {findings} bytes {}", bytes.len());
    eprintln!(
        "scan_bench: {:.0} MB/s in memory, best of {runs} ({:.3} s)",
        bytes.len() as f64 / 1e6 / best,
        best
    );
    Ok(())
}
