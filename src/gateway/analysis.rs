//! Reading a message's markings from every carrier (decisions.md D5) into a
//! [`MessageReport`].

use super::carriers::{SubjectCarrier, plain, sender_is_au};
use super::report::{Carrier, Declared, MessageFinding, MessageReport, UnreadablePart};
use crate::detect::{self, Role};
use crate::document::{self, PartKind};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::mail::{self, Attachment, MailProblemKind, MessageContent, TextPart};
use crate::marking::{Marking, Parsed, Parser};
use crate::problem::{Problem, ProblemCode};
use crate::scan::Scanner;
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
    pub(super) parser: Parser,
    /// Reads the bodies and attachments; built from `parser`.
    scanner: Scanner,
    limits: Limits,
    pub(super) msip_labels: BTreeMap<String, Marking>,
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
                Err(why) => self.malformed(
                    carrier_of(Carrier::Header),
                    &location,
                    &h.value,
                    &why,
                    top,
                    acc,
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
                    Err(e) => self.malformed(
                        carrier_of(Carrier::Subject),
                        &location,
                        &sm.text,
                        &e.to_string(),
                        top,
                        acc,
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
                // Tracked deletions and comments are not the document's content.
                let content = doc
                    .parts
                    .iter()
                    .filter(|p| !matches!(p.kind, PartKind::Deleted | PartKind::Comments));
                for part in content {
                    let at = format!("{location}/{}", part.path);
                    let role = Role::of(part.kind);
                    self.text(&part.text, role, Carrier::Attachment, &at, false, acc);
                }
            }
            Err(error) => acc.unreadable.push(UnreadablePart {
                location: location.to_string(),
                error,
            }),
        }
    }

    /// A marking header or subject marking that does not read: `malformed-marking` (the
    /// gateway fails closed on it), and, when it names a classification (`SEC=SECRET` with
    /// a repeated `ORIGIN=`, `[TOP SECRET//SI]`), a finding at the highest level it names,
    /// so the message is known to be at least that high: an unknown control never hides
    /// the level.
    fn malformed(
        &self,
        carrier: Carrier,
        location: &str,
        text: &str,
        why: &str,
        top: bool,
        acc: &mut Accumulator,
    ) {
        let floor = self.parser.floor(text);
        let read_as = match floor {
            Some(c) => format!("; it is read as at least {c}, the level it names"),
            None => String::new(),
        };
        acc.problem(
            ProblemCode::MalformedMarking,
            location,
            format!("`{text}` is not a valid marking: {why}{read_as}"),
        );
        if let Some(c) = floor {
            acc.found(carrier, location, text, plain(Marking::new(c)), true, top);
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
