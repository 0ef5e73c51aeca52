//! `check scan [--json | --format human|json|csv] [--max C] [--fail-on CODE]... PATH...`:
//! the markings of files, directory trees, mailboxes and standard input, with publishing
//! gates and a closing summary (issues 3, 4, 5 and 9).
//!
//! Wiring only: the walk (on its own thread) yields inputs in batches; each batch is
//! scanned in parallel (rayon) and its reports written in input order, so output is stable
//! from run to run and memory stays bounded by one batch, whatever the size of the tree.

use crate::output::{Out, Outcome};
use crate::scan_read::{Ctx, scan_item};
use crate::scan_record;
use crate::scan_summary::Summary;
use crate::walk::{Item, Walk};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use protective_marking::{AgencyConfig, Classification, ProblemCode, Report};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Inputs scanned per parallel batch: large enough to keep every core busy, small enough
/// that a batch's reports take little memory.
const BATCH: usize = 256;

/// A run shorter than this shows no progress bar.
const QUIET_FOR: Duration = Duration::from_secs(1);

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A heading per input with its problems; a summary on stderr.
    Human,
    /// One JSON object per input, one per line (the contract in the README).
    Json,
    /// A header row, then one row per input (for records teams and spreadsheets).
    Csv,
}

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Inputs are read by content, not by name: text, DOCX, PDF, a message (.eml), an mbox
(one report per message, `box.mbox#3`) and maildir directories (cur/ and new/).

Examples:
  check scan examples/data/sample
  check scan --json docs/ > markings.jsonl
  check scan --format csv /srv/records > register.csv
  check scan --max UNCLASSIFIED site/        # publishing gate: nothing above UNCLASSIFIED
  check scan --fail-on unmarked --fail-on under-marked outgoing/
  git show HEAD:memo.txt | check scan -

Exit codes: 0 every input read and nothing wrong; 1 a problem (or, with --max or
--fail-on, only a gate failure); 2 a usage error or an unreadable input (never clean).")]
pub struct Args {
    /// One JSON object per input on stdout (same as `--format json`).
    #[arg(long)]
    pub json: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Publishing gate: exit 1 and list every input whose effective classification is
    /// above CLASSIFICATION, or whose marking cannot be determined. Unmarked inputs pass;
    /// add `--fail-on unmarked` to require a marking.
    #[arg(long, value_name = "CLASSIFICATION", value_parser = parse_classification)]
    pub max: Option<Classification>,
    /// Exit 1 for inputs with this problem (repeatable): unmarked, banners-disagree,
    /// under-marked, non-canonical, evasion-suspected, missing-banner, metadata-disagrees,
    /// malformed-marking, header-subject-disagree, downgrade, unreadable-part,
    /// foreign-marking. With `--max` or `--fail-on`, only the gates decide exit 1.
    #[arg(long = "fail-on", value_name = "CODE")]
    pub fail_on: Vec<ProblemCode>,
    /// With `--json`: after the reports, print the summary as one `{"summary": ...}` line.
    #[arg(long)]
    pub summary_json: bool,
    /// The agency configuration: the `[agency]` table of a TOML file (codewords, foreign
    /// mapping, sensitivity labels, limits), such as the milter's policy file, so that the
    /// checker reads inputs as the gateway does.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Human format: show only inputs that need attention.
    #[arg(short, long)]
    pub quiet: bool,
    /// Human format: also show every finding.
    #[arg(short, long)]
    pub verbose: bool,
    /// Files, directories (scanned recursively), mbox files, maildirs, or `-` for stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
}

fn parse_classification(s: &str) -> Result<Classification, String> {
    s.parse().map_err(|_| {
        let all: Vec<&str> = Classification::ALL.iter().map(|c| c.as_str()).collect();
        format!(
            "`{s}` is not a classification; use one of {}",
            all.join(", ")
        )
    })
}

pub fn run(args: &Args) -> Outcome {
    let format = if args.json { Format::Json } else { args.format };
    if args.summary_json && format != Format::Json {
        eprintln!(
            "check scan: --summary-json needs --json (the human format prints its summary on stderr)"
        );
        return Outcome::Failed;
    }
    let gated = args.max.is_some() || !args.fail_on.is_empty();
    let config = match &args.config {
        None => AgencyConfig::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| AgencyConfig::from_toml(&t).map_err(|e| e.to_string()))
        {
            Ok(c) => c,
            Err(e) => {
                eprintln!("check scan: --config {}: {e}", path.display());
                return Outcome::Failed;
            }
        },
    };
    let ctx = match Ctx::new(&config) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprintln!("check scan: --config: {e}");
            return Outcome::Failed;
        }
    };
    let start = Instant::now();
    let progress = Progress::new();
    let mut out = Out::new();
    let mut summary = Summary::default();
    let mut outcome = Outcome::Clean;
    if format == Format::Csv {
        out.line(scan_record::CSV_HEADER);
    }
    // Listing directories runs on its own thread, a bounded queue ahead of the scan, so the
    // walk overlaps reading files without holding the whole tree. Paths that are all files
    // (or `-`) need no listing, and so no thread.
    let listing = args.paths.iter().any(|p| std::path::Path::new(p).is_dir());
    let (mut items, walker): (Box<dyn Iterator<Item = Item>>, _) = if listing {
        let (queue, received) = std::sync::mpsc::sync_channel(BATCH * 2);
        let paths = args.paths.clone();
        let walker = std::thread::spawn(move || {
            for item in Walk::new(&paths) {
                if queue.send(item).is_err() {
                    break;
                }
            }
        });
        (Box::new(received.into_iter()), Some(walker))
    } else {
        (Box::new(Walk::new(&args.paths)), None)
    };
    loop {
        let batch: Vec<_> = items.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let scan = |item| {
            let records = scan_item(&ctx, item);
            progress.tick(start, ctx.bytes.load(Ordering::Relaxed));
            records
        };
        // One input (checking a single file) needs no thread pool: starting rayon's would
        // cost more than many a small file takes to check.
        let reports: Vec<Vec<Report>> = if batch.len() == 1 {
            batch.iter().map(scan).collect()
        } else {
            batch.par_iter().map(scan).collect()
        };
        progress.bar.suspend(|| {
            for r in reports.iter().flatten() {
                let over = args.max.and_then(|m| scan_record::over(r, m));
                let fail = args
                    .fail_on
                    .iter()
                    .copied()
                    .find(|c| scan_record::has(r, *c));
                summary.add(r, over.as_deref(), fail);
                let wrong = if gated {
                    over.is_some() || fail.is_some()
                } else {
                    r.has_problems()
                };
                outcome = outcome.max(if r.error().is_some() {
                    Outcome::Failed
                } else if wrong {
                    Outcome::Wrong
                } else {
                    Outcome::Clean
                });
                match format {
                    Format::Json => out.json(r),
                    Format::Csv => out.line(&scan_record::csv(r)),
                    Format::Human if args.quiet && !wrong && r.error().is_none() => {}
                    Format::Human => scan_record::human(&mut out, r, args.verbose, over.as_deref()),
                }
            }
        });
    }
    // The queue is closed and empty: the walker has finished. Had it panicked, inputs would
    // be missing from the reports, so the run must not pass.
    if walker.is_some_and(|walker| walker.join().is_err()) {
        eprintln!("check scan: the directory walk failed; the reports are incomplete");
        outcome = Outcome::Failed;
    }
    progress.bar.finish_and_clear();
    summary.finish(ctx.bytes.load(Ordering::Relaxed), start.elapsed());
    if format == Format::Human {
        summary.print(args.max);
    } else {
        // Machine formats keep stdout to one report per input; gate failures still go to
        // the log, so a failing CI step says why.
        for (path, why) in &summary.over_max {
            eprintln!("check scan: over --max: {path} {why}");
        }
        for (path, code) in &summary.fail_on {
            eprintln!("check scan: --fail-on {code}: {path}");
        }
    }
    if args.summary_json {
        out.json(&serde_json::json!({ "summary": summary }));
    }
    outcome
}

/// A progress bar on stderr, shown only when stderr is a terminal and the run has taken
/// longer than [`QUIET_FOR`]: short runs and pipes stay quiet.
struct Progress {
    bar: ProgressBar,
    shown: AtomicBool,
    terminal: bool,
}

impl Progress {
    fn new() -> Progress {
        let bar = ProgressBar::hidden();
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {pos} inputs scanned, {msg} [{elapsed}]")
        {
            bar.set_style(style);
        }
        Progress {
            bar,
            shown: AtomicBool::new(false),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// One more input done; called from the scan threads.
    fn tick(&self, start: Instant, bytes: u64) {
        self.bar.inc(1);
        if !self.terminal {
            return;
        }
        if start.elapsed() > QUIET_FOR && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
        if self.shown.load(Ordering::Relaxed) {
            self.bar
                .set_message(format!("{:.1} MB", bytes as f64 / 1e6));
        }
    }
}
