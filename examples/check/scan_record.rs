//! One `check scan` report per input (a file, a message of a mailbox), built from the
//! library's reports, and its three renderings: JSON (the contract), human and CSV.

use crate::output::{Colour, Out};
use protective_marking::document::{DocumentReport, PartKind};
use protective_marking::{
    Carrier, Classification, Marking, MessageReport, Problem, ProblemCode, TextReport,
};
use serde::Serialize;

/// The JSON contract of `check scan --json` (issues 3, 4, 5): one object per input.
#[derive(Debug, Serialize)]
pub struct Record {
    pub path: String,
    /// `text`, `docx`, `pdf`, `eml`, `mbox` or `maildir`; `unknown` when the input could
    /// not be opened.
    pub format: &'static str,
    pub marking: Option<String>,
    pub classification: Option<&'static str>,
    pub endorsements: Vec<String>,
    pub findings: Vec<FindingOut>,
    pub problems: Vec<Problem>,
    pub error: Option<String>,
    /// The effective classification, for the summary and the `--max` gate.
    #[serde(skip)]
    pub level: Option<Classification>,
}

/// One finding in the contract's shape.
#[derive(Debug, Serialize)]
pub struct FindingOut {
    /// The part: `body`, `header[default]/section 1`, `page 2/top`, `subject`, ...
    pub location: String,
    /// 1-based line within the part, when the reader knows it.
    pub line: Option<u64>,
    pub text: String,
    pub canonical: String,
    /// Text: the scanner's kind (`banner`, `first-line`, `last-line`, `paragraph-mark`,
    /// `statement`, `property`, `inline`). Documents: `banner`, `paragraph-mark`,
    /// `property`, `deleted`, `comment`. Mail: the carrier (`header`, `subject`, `body`,
    /// `attachment`, `quoted`).
    pub kind: &'static str,
    /// `high`, `medium` or `low` for text; `null` where the reader does not grade.
    pub confidence: Option<&'static str>,
}

impl Record {
    fn new(path: String, format: &'static str, marking: Option<&Marking>) -> Record {
        Record {
            path,
            format,
            marking: marking.map(|m| m.to_string()),
            classification: marking.map(|m| m.classification().as_str()),
            endorsements: marking
                .map(|m| m.endorsements().iter().map(|e| e.to_string()).collect())
                .unwrap_or_default(),
            findings: Vec::new(),
            problems: Vec::new(),
            error: None,
            level: marking.map(|m| m.classification()),
        }
    }

    /// An input whose marking cannot be determined. Never clean: `error` is set.
    pub fn unreadable(path: String, format: &'static str, error: String) -> Record {
        let mut r = Record::new(path, format, None);
        r.error = Some(error);
        r
    }

    pub fn from_text(path: String, report: TextReport) -> Record {
        let mut r = Record::new(path, "text", report.marking.as_ref());
        r.findings = report
            .findings
            .into_iter()
            .map(|f| FindingOut {
                location: "body".into(),
                line: Some(f.line),
                canonical: f.marking.to_string(),
                text: f.text,
                kind: f.kind.as_str(),
                confidence: Some(f.confidence.as_str()),
            })
            .collect();
        r.problems = report.problems;
        r
    }

    pub fn from_document(path: String, format: &'static str, report: DocumentReport) -> Record {
        let mut r = Record::new(path, format, report.marking.as_ref());
        r.findings = report
            .findings
            .into_iter()
            .map(|f| FindingOut {
                kind: match f.kind {
                    PartKind::Deleted => "deleted",
                    PartKind::Comments => "comment",
                    _ => f.finding.as_str(),
                },
                location: f.path.to_string(),
                line: Some(f.line as u64),
                canonical: f.marking.to_string(),
                text: f.text,
                confidence: Some(f.confidence.as_str()),
            })
            .collect();
        r.problems = report.problems;
        r
    }

    pub fn from_message(path: String, format: &'static str, report: MessageReport) -> Record {
        let mut r = Record::new(path, format, report.effective.as_ref());
        r.findings = report
            .findings
            .into_iter()
            .map(|f| FindingOut {
                kind: match f.carrier {
                    Carrier::Header => "header",
                    Carrier::Subject => "subject",
                    Carrier::Body => "body",
                    Carrier::Attachment => "attachment",
                    Carrier::Quoted => "quoted",
                    _ => "other",
                },
                location: f.location,
                line: None,
                canonical: f.marking.to_string(),
                text: f.text,
                confidence: None,
            })
            .collect();
        r.problems = report.problems;
        // Parts that could not be read leave the marking unknown: say so as a problem, so
        // the message is never reported clean (fail closed).
        for part in report.unreadable {
            let p = Problem::new(
                ProblemCode::UnreadablePart,
                part.location,
                format!("{}; its marking is unknown", part.error),
            );
            if !r.problems.contains(&p) {
                r.problems.push(p);
            }
        }
        r
    }

    /// Whether any problem is not advisory.
    pub fn has_problems(&self) -> bool {
        self.problems.iter().any(|p| !p.code.is_advisory())
    }

    /// Why the input fails `--max level`: its classification is above it, or its marking
    /// cannot be fully determined (fail closed).
    pub fn over(&self, max: Classification) -> Option<String> {
        if self.error.is_some() {
            return Some("cannot determine its marking (unreadable)".into());
        }
        if self
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::UnreadablePart)
        {
            return Some("cannot determine its marking (a part is unreadable)".into());
        }
        match self.level {
            Some(level) if level > max => Some(format!("is {}", level.as_str())),
            _ => None,
        }
    }

    /// The label the summary and the human output group by.
    pub fn label(&self) -> &'static str {
        match (&self.error, self.classification) {
            (Some(_), _) => "UNREADABLE",
            (None, Some(c)) => c,
            (None, None) => "UNMARKED",
        }
    }
}

/// The colour of a classification label: green for the lowest levels, yellow for the
/// policy-and-privacy family, red for national security and anything unknown.
fn colour_of(r: &Record) -> Colour {
    match (r.error.is_some(), r.level) {
        (true, _) => Colour::Red,
        (false, None) => Colour::Yellow,
        (false, Some(Classification::Unclassified)) => Colour::Green,
        (false, Some(c)) if c <= Classification::Sensitive => Colour::Yellow,
        (false, Some(_)) => Colour::Red,
    }
}

/// Human output: a heading line per input, then its problems (and findings with
/// `--verbose`), indented under it.
pub fn human(out: &mut Out, r: &Record, verbose: bool, gate: Option<&str>) {
    let label = out.paint(&format!("{:<14}", r.label()), colour_of(r));
    let marking = match (&r.marking, r.classification) {
        (Some(m), Some(c)) if m != c => format!("  {m}"),
        _ => String::new(),
    };
    out.line(&format!(
        "{label} {}{}  {}",
        out.paint(&r.path, Colour::Bold),
        marking,
        out.paint(&format!("({})", r.format), Colour::Dim)
    ));
    if let Some(e) = &r.error {
        out.line(&format!("    {} {e}", out.paint("error:", Colour::Red)));
    }
    if let Some(reason) = gate {
        out.line(&format!(
            "    {} {reason}",
            out.paint("over --max:", Colour::Red)
        ));
    }
    for p in &r.problems {
        let colour = if p.code.is_advisory() {
            Colour::Dim
        } else {
            Colour::Yellow
        };
        out.line(&format!(
            "    {} {}: {}",
            out.paint(&format!("{}:", p.code), colour),
            p.location,
            p.message
        ));
    }
    if verbose {
        for f in &r.findings {
            let line = f.line.map(|l| format!(" line {l}")).unwrap_or_default();
            out.line(&format!(
                "    {} {} {}{line}: {:?} = {}",
                out.paint("found", Colour::Dim),
                f.kind,
                f.location,
                f.text,
                f.canonical
            ));
        }
    }
}

/// The CSV header row; one row per input follows.
pub const CSV_HEADER: &str =
    "path,format,classification,marking,endorsements,findings,problems,error";

/// One CSV row (RFC 4180 quoting). Problems are their codes, `;`-separated, each once.
pub fn csv(r: &Record) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for p in &r.problems {
        if !codes.contains(&p.code.as_str()) {
            codes.push(p.code.as_str());
        }
    }
    let fields = [
        r.path.clone(),
        r.format.to_string(),
        r.label().to_string(),
        r.marking.clone().unwrap_or_default(),
        r.endorsements.join("; "),
        r.findings.len().to_string(),
        codes.join(";"),
        r.error.clone().unwrap_or_default(),
    ];
    fields
        .iter()
        .map(|f| quote(f))
        .collect::<Vec<_>>()
        .join(",")
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
