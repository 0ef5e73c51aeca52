//! The message's own statements of its marking: the marking headers in every dialect and
//! the subject line, read with the agency's [`Parser`] and sensitivity-label mapping. The
//! bodies and attachments are read in `analysis`.

use super::header::{EpmsFields, HeaderTokens, tokenise_header};
use super::subject::subject_candidates;
use super::{HeaderDialect, MessageContent};
use crate::marking::Parser;
use crate::marking::parse::{contains_classification, endorsement_from_str};
use crate::marking::vocab::foreign_carrier_level;
use crate::marking::{
    Country, Diagnostic, DiagnosticCode, Endorsement, ForeignLevel, ForeignMarking, Marking,
    ParseError, Parsed, Releasability, SeeMailTag,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the carriers are read with: the agency's parser and its sensitivity-label map.
pub(super) struct Readers<'a> {
    pub(super) parser: &'a Parser,
    pub(super) msip_labels: &'a BTreeMap<String, Marking>,
}

impl Readers<'_> {
    /// The marking a header value carries in `dialect` (`None` when it names none; an
    /// error text when it names one that does not read).
    pub(super) fn header_marking(
        &self,
        dialect: HeaderDialect,
        value: &str,
        m: &MessageContent,
    ) -> Result<Option<Parsed>, String> {
        let tokens = tokenise_header(dialect, value).map_err(|e| e.to_string())?;
        match tokens {
            HeaderTokens::ProtectiveMarking(fields) => {
                let au = fields
                    .namespace
                    .as_deref()
                    .is_some_and(|ns| ns.eq_ignore_ascii_case("gov.au"));
                self.epms_marking(&fields, au || sender_is_au(m)).map(Some)
            }
            HeaderTokens::SecurityClassification(text) => self
                .parser
                .parse(&text)
                .map(Some)
                .map_err(|e| e.to_string()),
            HeaderTokens::MsipLabels(labels) => {
                for l in labels.iter().filter(|l| l.enabled != Some(false)) {
                    if let Some(m) = self.msip_labels.get(&l.guid.to_ascii_lowercase()) {
                        return Ok(Some(plain(m.clone())));
                    }
                    if let Some(p) = l.name.as_deref().and_then(|n| self.parser.parse(n).ok()) {
                        return Ok(Some(p));
                    }
                }
                Ok(None)
            }
            HeaderTokens::Titus(fields) => {
                for key in ["Classification", "SecurityClassification", "Marking"] {
                    if let Some(v) = fields.get(key) {
                        return self.parser.parse(v).map(Some).map_err(|e| e.to_string());
                    }
                }
                Ok(None)
            }
        }
    }

    /// The marking candidates of a decoded subject, left to right: bracketed
    /// markings anywhere (`[IN-CONFIDENCE]`), `[SEC=...]` (AU grammar; AU values when
    /// `au_sender`, else NZ values), SEEMail tags, and an unbracketed marking leading the
    /// subject and followed by `:` or `-`. Brackets that are not markings (`[Shapelib]`)
    /// are left out; brackets that mention a classification but do not parse
    /// (`[SECRET SQUIRREL]`) are kept with their error.
    ///
    /// ```
    /// use protective_marking::{MessageAnalyser, mail::SubjectCarrier};
    /// let found = MessageAnalyser::new().read_subject("RE: [Shapelib] budget [IN CONFIDENCE]", false);
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].carrier, SubjectCarrier::Bracket);
    /// assert_eq!(found[0].result.as_ref().unwrap().marking.to_string(), "IN-CONFIDENCE");
    /// ```
    pub(super) fn read_subject(&self, subject: &str, au_sender: bool) -> Vec<SubjectMarking> {
        let candidates = subject_candidates(subject);
        let mut out = Vec::new();
        for b in &candidates.brackets {
            let text = format!("[{}]", b.text);
            let (carrier, result) = if SeeMailTag::parse(&text).is_some() {
                (
                    SubjectCarrier::SeeMail,
                    Err(malformed(format!(
                        "{text} is a SEEMail routing tag, not a protective marking (PSR-HB p.16)"
                    ))),
                )
            } else {
                match &b.epms {
                    Some(Ok(fields)) => (
                        SubjectCarrier::Sec,
                        self.epms_marking(fields, au_sender).map_err(malformed),
                    ),
                    Some(Err(e)) => (SubjectCarrier::Sec, Err(malformed(e.to_string()))),
                    None => {
                        // Offsets relative to the subject, not to the bracket's text.
                        let inner = b.span.start + 1;
                        let base = subject
                            .get(inner..b.span.end)
                            .and_then(|s| s.find(b.text.as_str()))
                            .map_or(inner, |i| inner + i);
                        match self.parser.parse(&b.text) {
                            Ok(mut p) => {
                                p.warnings.iter_mut().for_each(|w| w.offset += base);
                                (SubjectCarrier::Bracket, Ok(p))
                            }
                            // `[Shapelib]` is a list tag, `[SECRET SQUIRREL]` a broken marking.
                            Err(e) if contains_classification(&b.text) => {
                                (SubjectCarrier::Bracket, Err(e.shifted(base)))
                            }
                            Err(_) => continue,
                        }
                    }
                }
            };
            out.push(SubjectMarking {
                carrier,
                text,
                span: b.span.clone(),
                result,
            });
        }
        // The longest leading candidate that parses.
        if let Some((t, parsed)) = candidates
            .leading
            .iter()
            .rev()
            .find_map(|t| self.parser.parse(&t.text).ok().map(|p| (t, p)))
        {
            out.push(SubjectMarking {
                carrier: SubjectCarrier::Leading,
                text: t.text.clone(),
                span: t.span.clone(),
                result: Ok(parsed),
            });
        }
        out.sort_by_key(|s| s.span.start);
        out
    }

    /// An EPMS-grammar marking (`SEC=...`, `CAVEAT=...`), AU values when `au` (the Australian
    /// Email Protective Marking Standard), else NZ values (the same grammar as an NZ agency
    /// convention).
    fn epms_marking(&self, f: &EpmsFields, au: bool) -> Result<Parsed, String> {
        let sec = f.sec.as_deref().ok_or("no SEC= element")?;
        let mut parsed = if au {
            let words: Vec<&str> = sec
                .split(|c: char| c.is_whitespace() || c == '-')
                .filter(|w| !w.is_empty())
                .collect();
            let level = foreign_carrier_level(&words);
            match level {
                Some(level) => Parsed {
                    marking: Marking::new(self.parser.foreign_mapping().map(level)),
                    warnings: Vec::new(),
                    foreign: Some(ForeignMarking {
                        level,
                        caveats: Vec::new(),
                    }),
                },
                None => self.parser.parse(sec).map_err(|e| e.to_string())?,
            }
        } else {
            self.parser.parse(sec).map_err(|e| e.to_string())?
        };
        let untyped = f
            .caveats
            .iter()
            .map(|c| (c.caveat_type.as_deref(), c.value.as_str()))
            .chain(
                f.other
                    .iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("ENDORSEMENT"))
                    .map(|(_, v)| (None, v.as_str())),
            );
        for (kind, value) in untyped {
            let upper = value.to_ascii_uppercase();
            let e = match (kind.map(str::to_ascii_uppercase).as_deref(), upper.as_str()) {
                (Some("RI"), "AUSTEO" | "AGAO") => {
                    let fm = parsed.foreign.get_or_insert(ForeignMarking {
                        level: ForeignLevel::Official,
                        caveats: Vec::new(),
                    });
                    fm.caveats.push(upper.clone());
                    continue;
                }
                (Some("RI"), v) if v.starts_with("REL") => {
                    let codes = v
                        .trim_start_matches("REL")
                        .trim_start_matches([':', '/', ' ']);
                    let mut set = Vec::new();
                    for code in codes.split(['/', ',', ' ']).filter(|c| !c.is_empty()) {
                        set.push(Country::new(code).ok_or_else(|| {
                            format!("`{code}` is not an ISO 3166-1 alpha-3 country code")
                        })?);
                    }
                    Endorsement::RelTo(Releasability::new(set))
                }
                (Some("C"), v) => Endorsement::Codeword(v.to_string()),
                (Some("SH"), v) => match endorsement_from_str(&v.replace('-', " ")) {
                    Ok(e) if !matches!(e, Endorsement::Codeword(_)) => e,
                    // AU handling caveats with no NZ equivalent (DELICATE-SOURCE,
                    // EXCLUSIVE-FOR) are kept as foreign caveats.
                    _ => {
                        let fm = parsed.foreign.get_or_insert(ForeignMarking {
                            level: ForeignLevel::Official,
                            caveats: Vec::new(),
                        });
                        fm.caveats.push(upper.clone());
                        continue;
                    }
                },
                (_, v) => match endorsement_from_str(&v.replace('-', " ")) {
                    Ok(Endorsement::Codeword(w)) if !self.parser.is_codeword(&w) => {
                        return Err(format!("`{value}` is not a known endorsement"));
                    }
                    Ok(e) => e,
                    Err(e) => return Err(e),
                },
            };
            parsed.marking = parsed.marking.clone().with(e);
        }
        Ok(parsed)
    }
}

fn malformed(message: String) -> ParseError {
    ParseError::single(Diagnostic::error(DiagnosticCode::Malformed, 0, message))
}

/// Where in a subject line a marking was written (NZISM 15.1.11.C.03 puts the marking in the
/// subject or a header).
///
/// ```
/// use protective_marking::{MessageAnalyser, mail::SubjectCarrier};
///
/// let analyser = MessageAnalyser::new();
/// let bracket = analyser.read_subject("Budget bid [IN-CONFIDENCE]", false);
/// assert_eq!(bracket[0].carrier, SubjectCarrier::Bracket);
/// let leading = analyser.read_subject("RESTRICTED: budget bid", false);
/// assert_eq!(leading[0].carrier, SubjectCarrier::Leading);
/// // A SEEMail tag is reported, but it is a routing tag, not a marking.
/// let tag = analyser.read_subject("[SEEMAIL] budget bid", false);
/// assert_eq!(tag[0].carrier, SubjectCarrier::SeeMail);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SubjectCarrier {
    /// A bracketed marking anywhere: `[IN-CONFIDENCE]`.
    Bracket,
    /// The Australian-grammar form `[SEC=...]`.
    Sec,
    /// An unbracketed marking at the start followed by `:` or `-`.
    Leading,
    /// A SEEMail routing tag (`[SEEMAIL]`, `[TRUSTED]`): not a marking.
    #[serde(rename = "seemail")]
    SeeMail,
}

/// One marking candidate in a subject line.
///
/// ```
/// use protective_marking::MessageAnalyser;
///
/// let found = MessageAnalyser::new().read_subject("Plan [SECRET SQUIRREL]", false);
/// // It names a classification but does not parse: kept, with its error.
/// assert_eq!(found[0].text, "[SECRET SQUIRREL]");
/// assert_eq!(found[0].span, 5..22);
/// assert!(found[0].result.is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubjectMarking {
    /// Which form it was written in.
    pub carrier: SubjectCarrier,
    /// The text as written, brackets included.
    pub text: String,
    /// Byte span in the subject.
    pub span: std::ops::Range<usize>,
    /// The marking, or why it is not one.
    #[serde(skip)]
    pub result: Result<Parsed, ParseError>,
}

pub(super) fn plain(marking: Marking) -> Parsed {
    Parsed {
        marking,
        warnings: Vec::new(),
        foreign: None,
    }
}

pub(super) fn sender_is_au(m: &MessageContent) -> bool {
    m.from.as_deref().is_some_and(|f| {
        f.trim_end_matches('>')
            .to_ascii_lowercase()
            .ends_with(".gov.au")
    })
}
