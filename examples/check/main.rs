//! The example checker: `cargo run --release --example check -- <verb> [--json] ...`
//!
//! Wiring only: flags in, library calls, one report per input out (human text, or one JSON
//! object per line with `--json`). Exit code: 0 when every input was read and nothing is
//! wrong; 1 when something is wrong (an invalid marking, a problem, a refusal); 2 for usage
//! errors or unreadable input.

mod handle;
mod mail;
mod marking;
mod output;
mod scan;
mod scan_read;
mod scan_record;
mod scan_summary;
mod subject;
mod walk;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "check",
    version,
    about = "Check New Zealand protective markings (PSR / NZISM) in text, documents and mail",
    after_help = "Examples:\n  check scan examples/data/sample\n  check scan --max UNCLASSIFIED site/\n  check marking \"IN CONFIDENCE\" \"SECRET//NZEO\"\n  check marking --strict --json \"RESTRICTED//REL TO GBR, NZL\"\n  check handle --marking SENSITIVE email-internet-clear\n  check mail --policy policy.toml --from a@agency.govt.nz --to b@example.com message.eml\n\nRun `check <verb> --help` for each verb's options and examples.\nExit codes: 0 all good, 1 something is wrong, 2 usage error or unreadable input."
)]
struct Cli {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Subcommand, Debug)]
enum Verb {
    /// Find the markings of files, folders, documents and mailboxes; gate publishing.
    Scan(scan::Args),
    /// Validate marking text: canonical form, errors and warnings.
    Marking(marking::Args),
    /// Decide handling actions for a marking (send, store, copy, destroy...).
    Handle(handle::Args),
    /// Read the marking in email subject lines.
    Subject(subject::Args),
    /// The mail gateway's verdict for messages (as the milter would give it).
    Mail(mail::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.verb {
        Verb::Scan(args) => scan::run(&args),
        Verb::Marking(args) => marking::run(&args),
        Verb::Handle(args) => handle::run(&args),
        Verb::Subject(args) => subject::run(&args),
        Verb::Mail(args) => mail::run(&args),
    };
    outcome.exit_code()
}
