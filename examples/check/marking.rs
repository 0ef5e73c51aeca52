//! `check marking [--strict] [--json] [--] TEXT...`

use crate::output::{Colour, Out, Outcome};
use protective_marking::{Parser, marking::Diagnostic, marking::ParseMode};
use serde::Serialize;

#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  check marking \"In Confidence - Staff\" \"SECRET//NZEO\"
  check marking --strict \"IN-CONFIDENCE\"            # canonical text only
  check marking --json --codeword KAHU \"TOP SECRET//KAHU\"

Exit codes: 0 every marking valid; 1 an invalid marking; 2 a usage error.")]
pub struct Args {
    /// Accept only the canonical text (for validating what a person typed).
    #[arg(long)]
    pub strict: bool,
    /// One JSON object per input on stdout.
    #[arg(long)]
    pub json: bool,
    /// Agency codewords accepted after `//` (repeatable).
    #[arg(long = "codeword", value_name = "WORD")]
    pub codewords: Vec<String>,
    /// Marking texts to check.
    #[arg(required = true, value_name = "TEXT")]
    pub texts: Vec<String>,
}

#[derive(Serialize)]
pub struct Note<'a> {
    pub code: &'a str,
    pub message: &'a str,
    pub offset: usize,
}

#[derive(Serialize)]
pub struct Report<'a> {
    pub input: &'a str,
    pub valid: bool,
    pub canonical: Option<String>,
    pub classification: Option<String>,
    pub endorsements: Vec<String>,
    pub foreign: bool,
    pub errors: Vec<Note<'a>>,
    pub warnings: Vec<Note<'a>>,
}

fn notes(d: &[Diagnostic]) -> Vec<Note<'_>> {
    d.iter()
        .map(|d| Note {
            code: d.code.as_str(),
            message: &d.message,
            offset: d.offset,
        })
        .collect()
}

/// The report for one text; shared with `check subject`.
pub fn report<'a>(
    input: &'a str,
    parsed: &'a Result<protective_marking::marking::Parsed, protective_marking::ParseError>,
) -> Report<'a> {
    match parsed {
        Ok(p) => Report {
            input,
            valid: true,
            canonical: Some(p.marking.to_string()),
            classification: Some(p.marking.classification().to_string()),
            endorsements: p
                .marking
                .endorsements()
                .iter()
                .map(|e| e.to_string())
                .collect(),
            foreign: p.foreign.is_some(),
            errors: Vec::new(),
            warnings: notes(&p.warnings),
        },
        Err(e) => Report {
            input,
            valid: false,
            canonical: None,
            classification: None,
            endorsements: Vec::new(),
            foreign: false,
            errors: notes(e.errors()),
            warnings: notes(e.warnings()),
        },
    }
}

/// Human-readable lines for one report.
pub fn print_human(out: &mut Out, r: &Report<'_>) {
    match &r.canonical {
        Some(c) => {
            let tag = out.paint("valid  ", Colour::Green);
            let canon = out.paint(c, Colour::Bold);
            let foreign = if r.foreign { " (foreign)" } else { "" };
            out.line(&format!("{tag} {:?} -> {canon}{foreign}", r.input));
        }
        None => {
            let tag = out.paint("INVALID", Colour::Red);
            out.line(&format!("{tag} {:?}", r.input));
        }
    }
    for e in &r.errors {
        let code = out.paint(e.code, Colour::Red);
        out.line(&format!(
            "        error   {code}: {} (byte {})",
            e.message, e.offset
        ));
    }
    for w in &r.warnings {
        let code = out.paint(w.code, Colour::Yellow);
        out.line(&format!("        warning {code}: {}", w.message));
    }
}

pub fn run(args: &Args) -> Outcome {
    let mut builder = Parser::builder();
    for c in &args.codewords {
        builder.codeword(c);
    }
    let parser = builder.build();
    let mode = if args.strict {
        ParseMode::Strict
    } else {
        ParseMode::Lenient
    };
    let mut out = Out::new();
    let mut outcome = Outcome::Clean;
    for text in &args.texts {
        let parsed = parser.parse_with(text, mode);
        let r = report(text, &parsed);
        if !r.valid {
            outcome = outcome.max(Outcome::Wrong);
        }
        if args.json {
            out.json(&r);
        } else {
            print_human(&mut out, &r);
        }
    }
    outcome
}
