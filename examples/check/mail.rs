//! `check mail [--json] --policy FILE --from ADDR --to ADDR [--to ADDR]... MESSAGE...`: the
//! gateway verdict for each message, as the milter would give it.

use crate::output::{Colour, Out, Outcome};
use protective_marking::{Envelope, Gateway, GatewayAction, GatewayPolicy, Problem};
use serde::Serialize;
use std::io::Read;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  check mail --policy tests/data/policy/outbound.toml --from a@agency.govt.nz \
      --to b@other.govt.nz examples/data/sample/mail/budget-bid.eml
  cat message.eml | check mail --json --policy gateway.toml --from a@x.govt.nz --to b@y.com -

Exit codes: 0 every message accepted; 1 a message rejected, deferred or quarantined;
2 a usage error, a bad policy file or an unreadable message.")]
pub struct Args {
    /// One JSON object per message on stdout.
    #[arg(long)]
    pub json: bool,
    /// Gateway policy file (TOML with a `[gateway]` table; see the README).
    #[arg(long, value_name = "FILE")]
    pub policy: std::path::PathBuf,
    /// Envelope sender.
    #[arg(long, value_name = "ADDR")]
    pub from: String,
    /// Envelope recipient (repeatable; Bcc recipients count).
    #[arg(long = "to", value_name = "ADDR", required = true)]
    pub to: Vec<String>,
    /// Message files (`.eml`), or `-` for standard input.
    #[arg(required = true, value_name = "MESSAGE")]
    pub messages: Vec<String>,
}

#[derive(Serialize)]
struct Rule<'a> {
    rule: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct MailReport<'a> {
    path: &'a str,
    verdict: Option<GatewayAction>,
    smtp: Option<String>,
    marking: Option<String>,
    declared: Option<String>,
    reasons: Vec<Rule<'a>>,
    problems: Vec<&'a Problem>,
    error: Option<String>,
}

fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

pub fn run(args: &Args) -> Outcome {
    let gateway = match std::fs::read_to_string(&args.policy)
        .map_err(|e| e.to_string())
        .and_then(|t| GatewayPolicy::from_toml(&t).map_err(|e| e.to_string()))
        .and_then(|p| Gateway::new(p).map_err(|e| e.to_string()))
    {
        Ok(g) => g,
        Err(e) => {
            eprintln!("check mail: {}: {e}", args.policy.display());
            return Outcome::Failed;
        }
    };
    let envelope = args
        .to
        .iter()
        .fold(Envelope::new(args.from.clone()), |env, to| {
            env.to(to.clone())
        });
    let mut out = Out::new();
    let mut outcome = Outcome::Clean;
    for path in &args.messages {
        let raw = match read_input(path) {
            Ok(raw) => raw,
            Err(e) => {
                outcome = Outcome::Failed;
                let r = MailReport {
                    path,
                    verdict: None,
                    smtp: None,
                    marking: None,
                    declared: None,
                    reasons: Vec::new(),
                    problems: Vec::new(),
                    error: Some(format!("cannot read {path}: {e}")),
                };
                emit(&mut out, args.json, &r);
                continue;
            }
        };
        // The same two steps as Gateway::check, kept apart to report a read error.
        let (verdict, error) = match gateway.analyser().analyse(&raw) {
            Ok(report) => (gateway.decide(&envelope, &report), None),
            Err(e) => (gateway.unreadable(&e), Some(e.to_string())),
        };
        outcome = outcome.max(if error.is_some() {
            Outcome::Failed
        } else if verdict.action == GatewayAction::Accept {
            Outcome::Clean
        } else {
            Outcome::Wrong
        });
        let r = MailReport {
            path,
            verdict: Some(verdict.action),
            smtp: verdict.smtp.as_ref().map(|s| s.to_string()),
            marking: verdict.marking.as_ref().map(|m| m.to_string()),
            declared: verdict.declared.as_ref().map(|m| m.to_string()),
            reasons: verdict
                .reasons
                .iter()
                .map(|r| Rule {
                    rule: r.rule.id(),
                    message: &r.message,
                })
                .collect(),
            problems: verdict.problems.iter().collect(),
            error,
        };
        emit(&mut out, args.json, &r);
    }
    outcome
}

fn emit(out: &mut Out, json: bool, r: &MailReport<'_>) {
    if json {
        out.json(r);
        return;
    }
    let verdict = match r.verdict {
        Some(GatewayAction::Accept) => out.paint("accept    ", Colour::Green),
        Some(GatewayAction::Quarantine) => out.paint("quarantine", Colour::Yellow),
        Some(v) => out.paint(&format!("{:<10}", v.as_str()), Colour::Red),
        None => out.paint("error     ", Colour::Red),
    };
    let marking = r.marking.as_deref().unwrap_or("(unmarked)");
    out.line(&format!(
        "{verdict} {} {}",
        r.path,
        out.paint(marking, Colour::Bold)
    ));
    if let Some(smtp) = &r.smtp {
        out.line(&format!("           smtp: {smtp}"));
    }
    for reason in &r.reasons {
        out.line(&format!("           {}: {}", reason.rule, reason.message));
    }
    if let Some(e) = &r.error {
        out.line(&format!("           error: {e}"));
    }
}
