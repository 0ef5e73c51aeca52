//! Reading a message's markings from every carrier (decisions.md D5) into a
//! [`MessageReport`].

use super::report::{Carrier, Declared, MessageFinding, MessageReport, UnreadablePart};
use crate::detect::{self, Role};
use crate::document::{self, PartKind};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::mail::{
    self, Attachment, EpmsFields, HeaderDialect, HeaderTokens, MailProblemKind, MessageContent,
    TextPart,
};
use crate::marking::parse::{contains_classification, endorsement_from_str};
use crate::marking::{
    Country, Diagnostic, DiagnosticCode, Endorsement, ForeignLevel, ForeignMarking, Marking,
    ParseError, Parsed, Parser, Releasability, SeeMailTag,
};
use crate::problem::{Problem, ProblemCode};
use crate::scan::Scanner;
use serde::Serialize;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Reads markings out of raw messages. Build once and share; [`Gateway`](crate::Gateway)
/// holds one configured from its policy.
///
/// ```
/// use protective_marking::MessageAnalyser;
///
/// let raw = b"From: a@agency.govt.nz\r\nSubject: Budget bid [IN-CONFIDENCE]\r\n\r\nIN-CONFIDENCE\r\n\r\nFigures.\r\n";
/// let report = MessageAnalyser::new().analyse(raw).unwrap();
/// assert_eq!(report.declared.unwrap().marking.to_string(), "IN-CONFIDENCE");
/// assert_eq!(report.effective.unwrap().to_string(), "IN-CONFIDENCE");
/// assert!(report.problems.is_empty());
/// ```
#[derive(Clone, Debug, Default)]
pub struct MessageAnalyser {
    parser: Parser,
    /// Reads the bodies and attachments; built from `parser`.
    scanner: Scanner,
    limits: Limits,
    msip_labels: BTreeMap<String, Marking>,
}

impl MessageAnalyser {
    /// An analyser with the default parser and limits and no MSIP label mapping.
    pub fn new() -> MessageAnalyser {
        MessageAnalyser::default()
    }

    /// Use `parser` (agency codewords, foreign mapping).
    pub fn with_parser(mut self, parser: Parser) -> MessageAnalyser {
        self.scanner = Scanner::builder()
            .parser(parser.clone())
            .build()
            .expect("the default window size and the built-in vocabulary always build");
        self.parser = parser;
        self
    }

    /// Use `limits` for the message and every attachment.
    pub fn with_limits(mut self, limits: Limits) -> MessageAnalyser {
        self.limits = limits;
        self
    }

    /// Map Microsoft sensitivity-label GUIDs to markings (decisions.md D5: agency
    /// configuration). Without a mapping, a label whose name is a marking is read by name.
    pub fn with_msip_labels(mut self, labels: BTreeMap<String, Marking>) -> MessageAnalyser {
        self.msip_labels = labels
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        self
    }

    /// The limits in use.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Read `raw` and report its markings.
    ///
    /// # Errors
    /// A [`ReadError`] when the message as a whole cannot be read (not MIME, over a limit).
    /// Parts that cannot be read are listed in [`MessageReport::unreadable`] instead.
    pub fn analyse(&self, raw: &[u8]) -> Result<MessageReport, ReadError> {
        let content = mail::read_message(raw, &self.limits)?;
        // The analysis is written not to panic; the catch is the last line of fail-closed.
        catch_unwind(AssertUnwindSafe(|| self.analyse_content(&content))).map_err(|_| {
            ReadError::ParserPanicked {
                parser: "message analysis",
                location: "message".into(),
            }
        })
    }

    /// Report the markings of an already-read message.
    pub fn analyse_content(&self, content: &MessageContent) -> MessageReport {
        let mut acc = Accumulator::default();
        self.message(content, "", 0, &mut acc);
        acc.finish(content)
    }

    fn message(&self, m: &MessageContent, prefix: &str, depth: usize, acc: &mut Accumulator) {
        let at = |what: &str| {
            if prefix.is_empty() {
                what.to_string()
            } else {
                format!("{prefix}/{what}")
            }
        };
        let top = depth == 0;
        // Nested messages' own carriers decide too: a forwarded SECRET message makes the
        // whole message SECRET (NZISM 15.1.11.C.02).
        let carrier_of = |c: Carrier| if top { c } else { Carrier::Attachment };
        for h in &m.marking_headers {
            let location = at(&format!("header:{}", h.name));
            match self.header_marking(h.dialect, &h.value, m) {
                Ok(Some(parsed)) => acc.found(
                    carrier_of(Carrier::Header),
                    &location,
                    &h.value,
                    parsed,
                    true,
                    top,
                ),
                Ok(None) => {}
                Err(why) => acc.problem(
                    ProblemCode::MalformedMarking,
                    &location,
                    format!("`{}` is not a valid marking: {why}", h.value),
                ),
            }
        }
        if let Some(subject) = &m.subject {
            let location = at("subject");
            for sm in self.read_subject(subject, sender_is_au(m)) {
                match sm.result {
                    Ok(parsed) => acc.found(
                        carrier_of(Carrier::Subject),
                        &location,
                        &sm.text,
                        parsed,
                        true,
                        top,
                    ),
                    Err(_) if sm.carrier == SubjectCarrier::SeeMail => {}
                    Err(e) => acc.problem(
                        ProblemCode::MalformedMarking,
                        &location,
                        format!("`{}` is not a valid marking: {e}", sm.text),
                    ),
                }
            }
        }
        for body in &m.bodies {
            self.body(body, &at(&body.path), carrier_of(Carrier::Body), top, acc);
        }
        for a in &m.attachments {
            self.attachment(a, &at(&a.path), depth, acc);
        }
        for p in &m.problems {
            let location = if p.path.is_empty() {
                at("message")
            } else {
                at(&p.path)
            };
            if !matches!(p.kind, MailProblemKind::EmptyMultipart) {
                // Content recovered only partly may hide a marking: fail closed (D7).
                acc.problem(ProblemCode::UnreadablePart, &location, p.kind.to_string());
            }
        }
    }

    fn body(
        &self,
        body: &TextPart,
        location: &str,
        carrier: Carrier,
        top: bool,
        acc: &mut Accumulator,
    ) {
        self.text(&body.new_text, Role::Body, carrier, location, top, acc);
        for quoted in &body.quoted {
            let at = format!("{location}/quoted");
            self.text(quoted, Role::Body, Carrier::Quoted, &at, false, acc);
        }
    }

    fn attachment(&self, a: &Attachment, location: &str, depth: usize, acc: &mut Accumulator) {
        if let Some(nested) = &a.message {
            self.message(nested, location, depth + 1, acc);
            return;
        }
        let ct = a.content_type.to_ascii_lowercase();
        // Pictures, sound and signatures carry no text this crate can read; a marking drawn
        // in an image is out of scope (documented in the README).
        if ["image/", "audio/", "video/"]
            .iter()
            .any(|p| ct.starts_with(p))
            || ct.starts_with("application/pkcs7-signature")
            || ct.starts_with("application/pgp-signature")
        {
            return;
        }
        match document::read(&a.bytes, &self.limits) {
            Ok(doc) => {
                for part in &doc.parts {
                    let role = match part.kind {
                        PartKind::Header(_)
                        | PartKind::Footer(_)
                        | PartKind::PageTop
                        | PartKind::PageBottom
                        | PartKind::Watermark => Role::Banner,
                        PartKind::CoreProperty
                        | PartKind::CustomProperty
                        | PartKind::LabelProperty
                        | PartKind::Metadata => Role::Value,
                        // Tracked deletions and comments are not the document's content.
                        PartKind::Deleted | PartKind::Comments => continue,
                        _ => Role::Body,
                    };
                    let at = format!("{location}/{}", part.location);
                    self.text(&part.text, role, Carrier::Attachment, &at, false, acc);
                }
            }
            Err(error) => acc.unreadable.push(UnreadablePart {
                location: location.to_string(),
                error,
            }),
        }
    }

    /// Records the deciding markings of `text` read in `role` (prose never decides, D8),
    /// and the disguised or malformed markings the scanner saw in it.
    fn text(
        &self,
        text: &str,
        role: Role,
        carrier: Carrier,
        location: &str,
        top: bool,
        acc: &mut Accumulator,
    ) {
        let detected = detect::markings(&self.scanner, text, role);
        for p in detected.problems {
            acc.problem(p.code, &format!("{location}, {}", p.location), p.message);
        }
        for d in detected.markings.into_iter().filter(|d| d.deciding) {
            acc.found(carrier, location, &d.text, d.parsed, true, top);
        }
    }

    fn header_marking(
        &self,
        dialect: HeaderDialect,
        value: &str,
        m: &MessageContent,
    ) -> Result<Option<Parsed>, String> {
        let tokens = mail::tokenise_header(dialect, value).map_err(|e| e.to_string())?;
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

    /// The marking candidates of a decoded subject (decisions.md D5), left to right: bracketed
    /// markings anywhere (`[IN-CONFIDENCE]`), `[SEC=...]` (AU grammar; AU values when
    /// `au_sender`, else NZ values), SEEMail tags, and an unbracketed marking leading the
    /// subject and followed by `:` or `-`. Brackets that are not markings (`[Shapelib]`)
    /// are left out; brackets that mention a classification but do not parse
    /// (`[SECRET SQUIRREL]`) are kept with their error.
    ///
    /// ```
    /// use protective_marking::{MessageAnalyser, SubjectCarrier};
    /// let found = MessageAnalyser::new().read_subject("RE: [Shapelib] budget [IN CONFIDENCE]", false);
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(found[0].carrier, SubjectCarrier::Bracket);
    /// assert_eq!(found[0].result.as_ref().unwrap().marking.to_string(), "IN-CONFIDENCE");
    /// ```
    pub fn read_subject(&self, subject: &str, au_sender: bool) -> Vec<SubjectMarking> {
        let candidates = mail::subject_candidates(subject);
        let mut out = Vec::new();
        for b in &candidates.brackets {
            let text = format!("[{}]", b.text);
            let (carrier, result) = if SeeMailTag::parse(&text).is_some() {
                (
                    SubjectCarrier::SeeMail,
                    Err(malformed(format!(
                        "{text} is a SEEMail routing tag, not a protective marking (domain.md §5.2)"
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

    /// An EPMS-grammar marking (`SEC=...`, `CAVEAT=...`), AU values when `au` (domain.md
    /// §5.3), else NZ values (decisions.md D5 agency convention).
    fn epms_marking(&self, f: &EpmsFields, au: bool) -> Result<Parsed, String> {
        let sec = f.sec.as_deref().ok_or("no SEC= element")?;
        let mut parsed = if au {
            let level = match sec.to_ascii_uppercase().replace('-', " ").as_str() {
                "SECRET" => Some(ForeignLevel::ForeignSecret),
                "TOP SECRET" => Some(ForeignLevel::ForeignTopSecret),
                _ => None,
            };
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

/// Where in a subject line a marking was written (decisions.md D5).
///
/// ```
/// use protective_marking::{MessageAnalyser, SubjectCarrier};
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

fn plain(marking: Marking) -> Parsed {
    Parsed {
        marking,
        warnings: Vec::new(),
        foreign: None,
    }
}

fn sender_is_au(m: &MessageContent) -> bool {
    m.from.as_deref().is_some_and(|f| {
        f.trim_end_matches('>')
            .to_ascii_lowercase()
            .ends_with(".gov.au")
    })
}

/// Collects findings and problems while walking a message.
#[derive(Default)]
struct Accumulator {
    findings: Vec<MessageFinding>,
    problems: Vec<Problem>,
    unreadable: Vec<UnreadablePart>,
    foreign_caveats: Vec<String>,
    /// The top-level header and subject markings (for the declared marking).
    top: Vec<(Carrier, String, String, Marking)>,
}

impl Accumulator {
    fn problem(&mut self, code: ProblemCode, location: &str, message: String) {
        let p = Problem::new(code, location, message);
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    fn found(
        &mut self,
        carrier: Carrier,
        location: &str,
        text: &str,
        parsed: Parsed,
        deciding: bool,
        top: bool,
    ) {
        for w in &parsed.warnings {
            if w.code == crate::DiagnosticCode::NonCanonicalForm {
                self.problem(
                    ProblemCode::NonCanonical,
                    location,
                    format!("`{text}`: {}", w.message),
                );
            }
        }
        if let Some(f) = &parsed.foreign {
            self.problem(
                ProblemCode::ForeignMarking,
                location,
                format!(
                    "`{text}` is a foreign marking ({}), handled as {}",
                    f.level.as_str(),
                    parsed.marking
                ),
            );
            for c in &f.caveats {
                if !self.foreign_caveats.contains(c) {
                    self.foreign_caveats.push(c.clone());
                }
            }
        }
        if top {
            self.top.push((
                carrier,
                location.to_string(),
                text.to_string(),
                parsed.marking.clone(),
            ));
        }
        self.findings.push(MessageFinding {
            location: location.to_string(),
            carrier,
            text: text.to_string(),
            marking: parsed.marking,
            deciding,
        });
    }

    fn finish(mut self, content: &MessageContent) -> MessageReport {
        // D5 order of authority: header, then subject, then body.
        let declared = [Carrier::Header, Carrier::Subject, Carrier::Body]
            .into_iter()
            .find_map(|c| self.top.iter().find(|t| t.0 == c))
            .map(|(carrier, location, text, marking)| Declared {
                marking: marking.clone(),
                carrier: *carrier,
                location: location.clone(),
                text: text.clone(),
            });
        let header = self.top.iter().find(|t| t.0 == Carrier::Header).cloned();
        let subject = self.top.iter().find(|t| t.0 == Carrier::Subject).cloned();
        if let (Some(h), Some(s)) = (&header, &subject)
            && h.3 != s.3
        {
            self.problem(
                ProblemCode::HeaderSubjectDisagree,
                &s.1,
                format!(
                    "the subject says {} but {} says {}; make them the same",
                    s.3, h.1, h.3
                ),
            );
        }
        let deciding: Vec<MessageFinding> = self
            .findings
            .iter()
            .filter(|f| f.deciding)
            .cloned()
            .collect();
        let effective = Marking::join_all(deciding.iter().map(|f| &f.marking));
        if let Some(d) = &declared {
            for f in &deciding {
                if d.marking.dominates(&f.marking) {
                    continue;
                }
                let (code, what) = if f.carrier == Carrier::Quoted && content.is_reply_or_forward()
                {
                    (ProblemCode::Downgrade, "earlier in the thread")
                } else {
                    (ProblemCode::UnderMarked, "in the message")
                };
                let msg = format!(
                    "declared {} but `{}` {what} is {}; mark the message {}",
                    d.marking,
                    f.text,
                    f.marking,
                    d.marking.join(&f.marking)
                );
                let location = f.location.clone();
                self.problem(code, &location, msg);
            }
        } else {
            self.problem(
                ProblemCode::Unmarked,
                "message",
                "no protective marking in a marking header, the subject or the first or last line of the body (NZISM 15.1.11.C.01)".into(),
            );
        }
        MessageReport {
            declared,
            effective,
            findings: self.findings,
            problems: self.problems,
            foreign_caveats: self.foreign_caveats,
            unreadable: self.unreadable,
        }
    }
}
