//! The closing summary of `check scan`: inputs by effective classification, problems by
//! code, unreadable inputs, gate failures, time and throughput.

use crate::output::{Colour, Out};
use crate::scan_record;
use protective_marking::Report;
use protective_marking::{Classification, ProblemCode};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::Duration;

/// How many unreadable inputs the human summary names before pointing at `--json`.
const LIST_UNREADABLE: usize = 20;

/// Counts over the whole run.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Reports written: one per file, or per message of a mailbox.
    pub inputs: u64,
    /// Of which messages (eml, mbox, maildir).
    pub messages: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub mb_per_s: f64,
    pub inputs_per_s: f64,
    /// `UNREADABLE`, `UNMARKED` or the classification, to the number of inputs.
    pub classifications: BTreeMap<&'static str, u64>,
    /// Problem code to the number of inputs that have it.
    pub problems: BTreeMap<&'static str, u64>,
    /// Inputs that could not be read, with why.
    pub unreadable: Vec<(String, String)>,
    /// Inputs over `--max`, with why.
    pub over_max: Vec<(String, String)>,
    /// Inputs with a `--fail-on` problem, with its code.
    pub fail_on: Vec<(String, &'static str)>,
    /// Inputs with a problem that is not advisory.
    pub with_problems: u64,
}

impl Summary {
    /// Counts `r`; `over` and `fail_on` are its gate failures.
    pub fn add(&mut self, r: &Report, over: Option<&str>, fail_on: Option<ProblemCode>) {
        self.inputs += 1;
        if r.format.is_message() {
            self.messages += 1;
        }
        *self
            .classifications
            .entry(scan_record::label(r))
            .or_default() += 1;
        let mut seen: Vec<ProblemCode> = Vec::new();
        for p in &r.listed_problems() {
            if !seen.contains(&p.code) {
                seen.push(p.code);
                *self.problems.entry(p.code.as_str()).or_default() += 1;
            }
        }
        if r.has_problems() {
            self.with_problems += 1;
        }
        if let Some(e) = r.error() {
            self.unreadable.push((r.input.clone(), e.to_string()));
        }
        if let Some(why) = over {
            self.over_max.push((r.input.clone(), why.to_string()));
        }
        if let Some(code) = fail_on {
            self.fail_on.push((r.input.clone(), code.as_str()));
        }
    }

    pub fn finish(&mut self, bytes: u64, elapsed: Duration) {
        self.bytes = bytes;
        self.seconds = elapsed.as_secs_f64();
        // A floor of a millisecond keeps a tiny run from dividing by zero.
        let secs = self.seconds.max(0.001);
        self.mb_per_s = bytes as f64 / 1e6 / secs;
        self.inputs_per_s = self.inputs as f64 / secs;
    }

    /// The summary as text on stderr, coloured when stderr is a terminal.
    pub fn print(&self, max: Option<Classification>) {
        let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let paint = |t: &str, c: Colour| Out::paint_with(colour, t, c);
        let mut lines = vec![String::new(), paint("Summary", Colour::Bold)];
        lines.push(format!(
            "  {} inputs ({} documents and texts, {} messages), {} in {:.2} s: {:.1} MB/s, {:.0} inputs/s",
            self.inputs,
            self.inputs - self.messages,
            self.messages,
            human_bytes(self.bytes),
            self.seconds,
            self.mb_per_s,
            self.inputs_per_s
        ));
        lines.push(paint("By effective marking", Colour::Bold));
        for (label, n) in self.ordered_classifications() {
            lines.push(format!("  {label:<16}{n:>8}"));
        }
        if !self.problems.is_empty() {
            lines.push(paint("Problems (inputs with each)", Colour::Bold));
            for (code, n) in &self.problems {
                lines.push(format!("  {code:<24}{n:>8}"));
            }
        }
        if !self.unreadable.is_empty() {
            lines.push(paint(
                &format!(
                    "Unreadable: {} (marking unknown, never clean)",
                    self.unreadable.len()
                ),
                Colour::Red,
            ));
            for (path, e) in self.unreadable.iter().take(LIST_UNREADABLE) {
                lines.push(format!("  {path}: {e}"));
            }
            if self.unreadable.len() > LIST_UNREADABLE {
                lines.push(format!(
                    "  ... and {} more (run with --json to list them)",
                    self.unreadable.len() - LIST_UNREADABLE
                ));
            }
        }
        if let Some(max) = max {
            let head = format!("Over --max {}: {}", max.as_str(), self.over_max.len());
            let c = if self.over_max.is_empty() {
                Colour::Green
            } else {
                Colour::Red
            };
            lines.push(paint(&head, c));
            // Every one: this list is what a publisher has to act on.
            for (path, why) in &self.over_max {
                lines.push(format!("  {path} {why}"));
            }
        }
        if !self.fail_on.is_empty() {
            lines.push(paint(
                &format!("With a --fail-on problem: {}", self.fail_on.len()),
                Colour::Red,
            ));
            for (path, code) in &self.fail_on {
                lines.push(format!("  {path}: {code}"));
            }
        }
        let mut err = std::io::stderr().lock();
        for l in lines {
            // Nothing useful can be done if stderr is gone.
            let _ = writeln!(err, "{l}");
        }
    }

    /// Classification counts in order: unreadable, unmarked, then lowest to highest.
    fn ordered_classifications(&self) -> Vec<(&'static str, u64)> {
        let order = ["UNREADABLE", "UNMARKED"]
            .into_iter()
            .chain(Classification::ALL.iter().map(|c| c.as_str()));
        order
            .filter_map(|l| self.classifications.get(l).map(|n| (l, *n)))
            .collect()
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}
