//! The renderings of `check scan`'s reports: JSON (the contract: serde on the library's
//! `Report`), human and CSV; and the two questions the gates ask of a report.

use crate::output::{Colour, Out};
use protective_marking::{Classification, ProblemCode, Report};

/// The label the summary and the human output group by: `UNREADABLE`, the effective
/// classification, or `UNMARKED`.
pub fn label(r: &Report) -> &'static str {
    match (r.error(), r.classification()) {
        (Some(_), _) => "UNREADABLE",
        (None, Some(c)) => c.as_str(),
        (None, None) => "UNMARKED",
    }
}

/// Why the input fails `--max level`: its classification is above it, or its marking
/// cannot be fully determined (fail closed).
pub fn over(r: &Report, max: Classification) -> Option<String> {
    if r.error().is_some() {
        return Some("cannot determine its marking (unreadable)".into());
    }
    if r.is_unreadable() {
        return Some("cannot determine its marking (a part is unreadable)".into());
    }
    match r.classification() {
        Some(level) if level > max => Some(format!("is {}", level.as_str())),
        _ => None,
    }
}

/// Whether any listed problem has `code`.
pub fn has(r: &Report, code: ProblemCode) -> bool {
    r.listed_problems().iter().any(|p| p.code == code)
}

/// The colour of a classification label: green for the lowest levels, yellow for the
/// policy-and-privacy family, red for national security and anything unknown.
fn colour_of(r: &Report) -> Colour {
    match (r.error().is_some(), r.classification()) {
        (true, _) => Colour::Red,
        (false, None) => Colour::Yellow,
        (false, Some(Classification::Unclassified)) => Colour::Green,
        (false, Some(c)) if c <= Classification::Sensitive => Colour::Yellow,
        (false, Some(_)) => Colour::Red,
    }
}

/// Human output: a heading line per input, then its problems (and findings with
/// `--verbose`), indented under it.
pub fn human(out: &mut Out, r: &Report, verbose: bool, gate: Option<&str>) {
    let label = out.paint(&format!("{:<14}", label(r)), colour_of(r));
    let marking = match &r.marking {
        Some(m) if m.to_string() != m.classification().as_str() => format!("  {m}"),
        _ => String::new(),
    };
    out.line(&format!(
        "{label} {}{}  {}",
        out.paint(&r.input, Colour::Bold),
        marking,
        out.paint(&format!("({})", r.format), Colour::Dim)
    ));
    if let Some(e) = r.error() {
        out.line(&format!("    {} {e}", out.paint("error:", Colour::Red)));
    }
    if let Some(reason) = gate {
        out.line(&format!(
            "    {} {reason}",
            out.paint("over --max:", Colour::Red)
        ));
    }
    for p in &r.listed_problems() {
        let colour = if p.code.is_advisory() {
            Colour::Dim
        } else {
            Colour::Yellow
        };
        out.line(&format!(
            "    {} {}: {}",
            out.paint(&format!("{}:", p.code), colour),
            p.at,
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
                f.at,
                f.text,
                f.marking
            ));
        }
    }
}

/// The CSV header row; one row per input follows.
pub const CSV_HEADER: &str =
    "path,format,classification,marking,endorsements,findings,problems,error";

/// One CSV row (RFC 4180 quoting). Problems are their codes, `;`-separated, each once.
pub fn csv(r: &Report) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for p in &r.listed_problems() {
        if !codes.contains(&p.code.as_str()) {
            codes.push(p.code.as_str());
        }
    }
    let endorsements: Vec<String> = r
        .marking
        .iter()
        .flat_map(|m| m.endorsements().iter().map(|e| e.to_string()))
        .collect();
    let fields = [
        r.input.clone(),
        r.format.to_string(),
        label(r).to_string(),
        r.marking
            .as_ref()
            .map(|m| m.to_string())
            .unwrap_or_default(),
        endorsements.join("; "),
        r.findings.len().to_string(),
        codes.join(";"),
        r.error().map(|e| e.to_string()).unwrap_or_default(),
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
