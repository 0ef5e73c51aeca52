//! `check subject [--json] TEXT...`: the marking a subject line carries.

use crate::marking::{Report, print_human, report};
use crate::output::{Out, Outcome};
use protective_marking::{MessageAnalyser, mail::SubjectCarrier};
use serde::Serialize;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  check subject \"Budget bid [IN-CONFIDENCE]\" \"RE: venue [SEEMAIL]\"
  check subject --json \"RESTRICTED: locations for Monday\"

Exit codes: 0 every subject carries a valid marking; 1 otherwise; 2 a usage error.")]
pub struct Args {
    /// One JSON object per subject on stdout.
    #[arg(long)]
    pub json: bool,
    /// Read `[SEC=...]` values as Australian (as for a sender in .gov.au).
    #[arg(long)]
    pub au: bool,
    /// Subject lines (decoded text).
    #[arg(required = true, value_name = "TEXT")]
    pub texts: Vec<String>,
}

#[derive(Serialize)]
struct SubjectReport<'a> {
    #[serde(flatten)]
    report: Report<'a>,
    /// `bracket`, `sec`, `leading`, `seemail`, or null when nothing was found.
    carrier: Option<SubjectCarrier>,
}

pub fn run(args: &Args) -> Outcome {
    let analyser = MessageAnalyser::new();
    let mut out = Out::new();
    let mut outcome = Outcome::Clean;
    for text in &args.texts {
        let found = analyser.read_subject(text, args.au);
        // The first (leftmost) marking decides, as in the Australian standard; a
        // SEEMail tag alone is reported as not a marking.
        let first = found
            .iter()
            .find(|s| s.result.is_ok())
            .or_else(|| found.iter().find(|s| s.carrier != SubjectCarrier::SeeMail))
            .or_else(|| found.first());
        let none = protective_marking::Marking::parse("");
        let (parsed, carrier) = match first {
            Some(s) => (&s.result, Some(s.carrier)),
            None => (&none, None),
        };
        let r = SubjectReport {
            report: report(text, parsed),
            carrier,
        };
        if !r.report.valid {
            outcome = outcome.max(Outcome::Wrong);
        }
        if args.json {
            out.json(&r);
        } else {
            print_human(&mut out, &r.report);
        }
    }
    outcome
}
