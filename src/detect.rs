//! Reading markings out of one piece of text according to where it sits (decisions.md D8):
//! the single place documents and mail ask "which markings does this text carry?".

use crate::marking::{Marking, ParagraphMark, Parsed, Parser};

/// Where a piece of text sits, which decides what counts as a marking in it (D8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The whole text is one marking candidate: a header value, a subject bracket, a
    /// document property.
    Value,
    /// Every line is a banner candidate: a page header or footer, a watermark, a page's top
    /// or bottom line.
    Banner,
    /// Running text: its first and last lines are banner candidates, and paragraph marks
    /// such as `(S)` at the start of a paragraph count (PSR-HB p.14). Prose never decides.
    Body,
}

/// A marking found in a text.
#[derive(Clone, Debug)]
pub(crate) struct Detected {
    /// The text it was read from (a line, a value or a paragraph mark).
    pub text: String,
    /// 1-based line number in the text.
    pub line: usize,
    /// The parsed marking with its warnings.
    pub parsed: Parsed,
    /// Whether it is a paragraph (portion) mark rather than a banner.
    pub paragraph: bool,
}

/// The markings in `text` read in `role`.
pub(crate) fn markings(parser: &Parser, text: &str, role: Role) -> Vec<Detected> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let candidates: Vec<(usize, &str)> = match role {
        Role::Value => vec![(1, text.trim())],
        Role::Banner => lines.clone(),
        Role::Body => match (lines.first(), lines.last()) {
            (Some(f), Some(l)) if lines.len() > 1 => vec![*f, *l],
            (Some(f), _) => vec![*f],
            _ => Vec::new(),
        },
    };
    let mut out: Vec<Detected> = candidates
        .into_iter()
        .filter(|(_, c)| !c.is_empty())
        .filter_map(|(line, c)| {
            parser.parse(c).ok().map(|parsed| Detected {
                text: c.to_string(),
                line,
                parsed,
                paragraph: false,
            })
        })
        .collect();
    if role == Role::Body {
        for (line, l) in &lines {
            if let Some((class, end)) = ParagraphMark::at_start(l) {
                out.push(Detected {
                    text: l[..end].trim().to_string(),
                    line: *line,
                    parsed: Parsed {
                        marking: Marking::new(class),
                        warnings: Vec::new(),
                        foreign: None,
                    },
                    paragraph: true,
                });
            }
        }
    }
    out
}
