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
mod subject;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "check",
    version,
    about = "Check New Zealand protective markings (PSR / NZISM) in text, documents and mail",
    after_help = "Examples:\n  check marking \"IN CONFIDENCE\" \"SECRET//NZEO\"\n  check marking --strict --json \"RESTRICTED//REL TO GBR, NZL\"\n\nExit codes: 0 all good, 1 something is wrong, 2 usage error or unreadable input."
)]
struct Cli {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Subcommand, Debug)]
enum Verb {
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
        Verb::Marking(args) => marking::run(&args),
        Verb::Handle(args) => handle::run(&args),
        Verb::Subject(args) => subject::run(&args),
        Verb::Mail(args) => mail::run(&args),
    };
    outcome.exit_code()
}
