//! `check handle [--json] --marking M [--policy FILE] [--recipient-clearance C]
//! [--recipient-nationality N] ACTION...` and `check handle --marking M --requirements`.
//!
//! One report per action (JSON: one object per line). `--requirements` lists the answer for
//! every action kind, in the same shape, and exits 0. Exit 1 if any action is refused, 2 for
//! a usage error, an unparseable marking (the actions are still reported, refused: fail
//! closed) or a bad policy file.

use crate::output::{Colour, Out, Outcome};
use protective_marking::handling::{Action, Citation, Clearance, HandlingPolicy, Ruling};
use protective_marking::{Decision, Marking, marking::Country};
use serde::Serialize;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  check handle --marking \"Sensitive: Budget\" email-internet-clear email-internet-encrypted
  check handle --marking SECRET//NZEO safe-hand:clearance=secret,nationality=NZL
  check handle --marking RESTRICTED --requirements  # every action kind at once

Exit codes: 0 nothing refused; 1 an action is refused; 2 a usage error, a bad policy file
or an unparseable marking.")]
pub struct Args {
    /// One JSON object per action on stdout.
    #[arg(long)]
    pub json: bool,
    /// The marking of the information, e.g. "SECRET//NZEO".
    #[arg(long, value_name = "MARKING")]
    pub marking: String,
    /// An agency policy file (TOML) laid over the shipped rules.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<std::path::PathBuf>,
    /// List the answer for every action kind instead of deciding ACTIONs.
    #[arg(long, conflicts_with = "actions")]
    pub requirements: bool,
    /// The recipient's clearance (none, confidential, secret, top-secret, top-secret-special)
    /// for actions that do not give one.
    #[arg(long, value_name = "LEVEL")]
    pub recipient_clearance: Option<String>,
    /// The recipient's nationality (ISO 3166-1 alpha-3, e.g. AUS) for actions that do not
    /// give one.
    #[arg(long, value_name = "CODE")]
    pub recipient_nationality: Option<String>,
    /// Actions: an id such as email-internet-encrypted, optionally with recipient details,
    /// e.g. safe-hand:clearance=secret,nationality=NZL.
    #[arg(value_name = "ACTION", required_unless_present = "requirements")]
    pub actions: Vec<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    marking: &'a str,
    action: String,
    decision: Ruling,
    conditions: &'a [Citation],
    reasons: &'a [Citation],
}

fn usage_error(message: &str) -> ! {
    eprintln!("check handle: {message}");
    std::process::exit(2)
}

fn policy(args: &Args) -> HandlingPolicy {
    let Some(path) = &args.policy else {
        return HandlingPolicy::default();
    };
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| usage_error(&format!("cannot read {}: {e}", path.display())));
    HandlingPolicy::from_toml(&text)
        .unwrap_or_else(|e| usage_error(&format!("{}: {e}", path.display())))
}

fn actions(args: &Args) -> Vec<Action> {
    let clearance: Option<Clearance> = args.recipient_clearance.as_ref().map(|c| {
        c.parse()
            .unwrap_or_else(|e| usage_error(&format!("--recipient-clearance: {e}")))
    });
    let nationality = args.recipient_nationality.as_ref().map(|n| {
        Country::new(n).unwrap_or_else(|| {
            usage_error(&format!(
                "--recipient-nationality: `{n}` is not an ISO 3166-1 alpha-3 country code"
            ))
        })
    });
    args.actions
        .iter()
        .map(|text| {
            let mut a: Action = text
                .parse()
                .unwrap_or_else(|e| usage_error(&format!("{e}")));
            if let (None, Some(c)) = (a.clearance(), clearance) {
                a = a.recipient_clearance(c);
            }
            if let (None, Some(n)) = (a.nationality(), nationality) {
                a = a.recipient_nationality(n);
            }
            a
        })
        .collect()
}

fn print(out: &mut Out, json: bool, marking: &str, action: String, d: &Decision) {
    if json {
        out.json(&Report {
            marking,
            action,
            decision: d.ruling(),
            conditions: d.conditions(),
            reasons: d.reasons(),
        });
        return;
    }
    let tag = match d.ruling() {
        Ruling::Permitted => out.paint("permitted  ", Colour::Green),
        Ruling::Conditional => out.paint("conditional", Colour::Yellow),
        Ruling::Refused => out.paint("REFUSED    ", Colour::Red),
    };
    let what = out.paint(&action, Colour::Bold);
    out.line(&format!("{tag} {what} ({marking})"));
    for c in d.conditions() {
        out.line(&format!("    if     {} [{}]", c.message, c.rule));
    }
    for r in d.reasons() {
        out.line(&format!("    reason {} [{}]", r.message, r.rule));
    }
    for b in d.basis() {
        out.line(&format!("    basis  {} [{}]", b.message, b.rule));
    }
}

pub fn run(args: &Args) -> Outcome {
    let policy = policy(args);
    let actions = actions(args);
    let mut out = Out::new();
    let marking: Marking = match args.marking.parse() {
        Ok(m) => m,
        Err(e) => {
            // Fail closed: report every action refused, then exit 2.
            for a in &actions {
                let d = policy.decide_unknown(a);
                print(&mut out, args.json, &args.marking, a.to_string(), &d);
            }
            usage_error(&format!("--marking {:?}: {e}", args.marking));
        }
    };
    let shown = marking.to_string();
    if args.requirements {
        for r in policy.requirements(&marking) {
            print(
                &mut out,
                args.json,
                &shown,
                r.action.to_string(),
                &r.decision,
            );
        }
        return Outcome::Clean;
    }
    let mut outcome = Outcome::Clean;
    for a in &actions {
        let d = policy.decide(&marking, a);
        if d.ruling() == Ruling::Refused {
            outcome = Outcome::Wrong;
        }
        print(&mut out, args.json, &shown, a.to_string(), &d);
    }
    outcome
}
