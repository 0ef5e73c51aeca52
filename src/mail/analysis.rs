//! Reading a message's markings from every carrier into a [`Report`]: its marking headers,
//! its subject, the first and last lines of its bodies and its attachments (read as
//! documents), nested messages included.
//!
//! The order of authority for what a message declares (NZISM 15.1.11, 15.1.12 on where email
//! carries its marking): a protective-marking header, else the subject, else the body. The
//! message's marking is the join of every part: a message whose declared marking is lower
//! than one of its parts is under-marked (NZISM 15.1.11.C.02), and a reply or forward marked
//! lower than the thread it quotes is a downgrade (NZISM 15.1.10.C.03).

use super::carriers::{Readers, SubjectCarrier, SubjectMarking, plain, sender_is_au};
use super::{Attachment, MailProblemKind, MessageContent, TextPart};
use crate::detect::{self, Role};
use crate::document::{self, PartKind};
use crate::error::ReadError;
use crate::limits::{Limit, Limits};
use crate::marking::{DiagnosticCode, Marking, Parsed, Parser};
use crate::path::{Location, PartPath, Segment};
use crate::problem::Problem;
use crate::report::{Declared, Finding, Format, Report, UnreadablePart};
use crate::scan::{BuildError, Confidence, FindingKind, Note, Scanner, Span};
use serde::Serialize;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Where a marking was read in a message, in order of authority.
///
/// ```
/// use protective_marking::{mail::Carrier, MessageAnalyser};
///
/// let raw = b"X-Security-Classification: RESTRICTED\r\nSubject: Plan [RESTRICTED]\r\n\r\nhi\r\n";
/// let report = MessageAnalyser::new().analyse(raw).unwrap();
/// // Both carry the marking; the header is the more authoritative.
/// assert_eq!(Carrier::of(&report.declared.unwrap().at), Carrier::Header);
/// assert!(Carrier::Header < Carrier::Subject);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Carrier {
    /// A protective-marking header (`X-Protective-Marking`, `X-Security-Classification`,
    /// `msip_labels`, Titus).
    Header,
    /// The subject line.
    Subject,
    /// The first or last lines of a text or HTML body.
    Body,
    /// An attachment, read as a document, or a nested message.
    Attachment,
    /// Text quoted from an earlier message of the thread (reply or forward).
    Quoted,
}

impl Carrier {
    /// The carrier of the part at `at` in a message.
    pub fn of(at: &PartPath) -> Carrier {
        if at.is_in_attachment() {
            Carrier::Attachment
        } else if at.is_quoted() {
            Carrier::Quoted
        } else {
            match at.last() {
                Some(Segment::MailHeader(_)) => Carrier::Header,
                Some(Segment::Subject) => Carrier::Subject,
                _ => Carrier::Body,
            }
        }
    }
}

/// Reads markings out of raw messages. Build once and share; a
/// [`Gateway`](crate::Gateway) holds one configured from its policy.
///
/// ```
/// use protective_marking::MessageAnalyser;
///
/// let raw = b"From: a@agency.govt.nz\r\nSubject: Budget bid [IN-CONFIDENCE]\r\n\r\nIN-CONFIDENCE\r\n\r\nFigures.\r\n";
/// let report = MessageAnalyser::new().analyse(raw).unwrap();
/// assert_eq!(report.declared.unwrap().marking.to_string(), "IN-CONFIDENCE");
/// assert_eq!(report.marking.unwrap().to_string(), "IN-CONFIDENCE");
/// assert!(report.problems.is_empty());
/// ```
#[derive(Clone, Debug, Default)]
pub struct MessageAnalyser {
    parser: Parser,
    /// Reads the bodies and attachments; built with `parser`.
    scanner: Scanner,
    limits: Limits,
    msip_labels: BTreeMap<String, Marking>,
}

impl MessageAnalyser {
    /// An analyser with the default parser and limits and no sensitivity-label mapping.
    pub fn new() -> MessageAnalyser {
        MessageAnalyser::default()
    }

    /// An analyser that reads with `scanner` (and its parser: the agency's codewords and
    /// foreign mapping), within `limits`, mapping Microsoft sensitivity-label GUIDs to
    /// markings with `msip_labels` (case-insensitive; without an entry, a label whose name
    /// is a marking is read by name).
    pub fn with(
        scanner: Scanner,
        limits: Limits,
        msip_labels: &BTreeMap<String, Marking>,
    ) -> MessageAnalyser {
        MessageAnalyser {
            parser: scanner.parser().clone(),
            scanner,
            limits,
            msip_labels: msip_labels
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
        }
    }

    /// An analyser reading with `parser`.
    ///
    /// # Errors
    /// The [`BuildError`] of the scanner built with it.
    pub fn with_parser(parser: Parser) -> Result<MessageAnalyser, BuildError> {
        let scanner = Scanner::builder().parser(parser).build()?;
        Ok(MessageAnalyser::with(
            scanner,
            Limits::default(),
            &BTreeMap::new(),
        ))
    }

    /// The limits in use.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Read `raw` and report its markings. The report's format is [`Format::Eml`]; a
    /// caller that read it from a mailbox says so.
    ///
    /// # Errors
    /// A [`ReadError`] when the message as a whole cannot be read (not MIME, over a limit).
    /// Parts that cannot be read are listed in [`Report::unreadable`] instead.
    pub fn analyse(&self, raw: &[u8]) -> Result<Report, ReadError> {
        let content = super::read_message(raw, &self.limits)?;
        // The analysis is written not to panic; the catch is the last line of fail-closed.
        catch_unwind(AssertUnwindSafe(|| self.analyse_content(&content))).map_err(|_| {
            ReadError::ParserPanicked {
                parser: "message analysis",
                location: "message".into(),
            }
        })
    }

    /// Read the Outlook message `bytes` (a `.msg` file) and report its markings as for any
    /// message: its transport headers' marking headers, its subject, the first and last
    /// lines of its bodies (plain, HTML and RTF), its attachments as documents and its
    /// embedded messages as messages. The report's format is [`Format::Msg`].
    ///
    /// # Errors
    /// A [`ReadError`] when the file cannot be read as an Outlook message (a damaged
    /// compound file, an S/MIME message, a limit).
    ///
    /// ```
    /// use protective_marking::{MessageAnalyser, ReadError};
    /// let err = MessageAnalyser::new().analyse_msg(b"not a compound file").unwrap_err();
    /// assert!(matches!(err, ReadError::Corrupt { .. }));
    /// ```
    pub fn analyse_msg(&self, bytes: &[u8]) -> Result<Report, ReadError> {
        let content = self.msg_content(bytes, &PartPath::default())?;
        let mut report = catch_unwind(AssertUnwindSafe(|| self.analyse_content(&content)))
            .map_err(|_| ReadError::ParserPanicked {
                parser: "message analysis",
                location: "msg".into(),
            })?;
        report.format = Format::Msg;
        Ok(report)
    }

    /// The content of the Outlook message `bytes`, at `at`.
    fn msg_content(&self, bytes: &[u8], at: &PartPath) -> Result<MessageContent, ReadError> {
        let m = document::read_msg_message(bytes, &self.limits)?;
        super::msg::msg_content(&m, at, &self.limits)
    }

    /// Report the markings of an already-read message.
    pub fn analyse_content(&self, content: &MessageContent) -> Report {
        let mut acc = Accumulator::default();
        self.message(content, 0, &mut acc);
        acc.finish(content)
    }

    /// The marking candidates of a decoded subject, left to right: bracketed markings
    /// anywhere (`[IN-CONFIDENCE]`), `[SEC=...]` (Australian grammar; Australian values when
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
    pub fn read_subject(&self, subject: &str, au_sender: bool) -> Vec<SubjectMarking> {
        self.readers().read_subject(subject, au_sender)
    }

    fn readers(&self) -> Readers<'_> {
        Readers {
            parser: &self.parser,
            msip_labels: &self.msip_labels,
        }
    }

    fn message(&self, m: &MessageContent, depth: usize, acc: &mut Accumulator) {
        let top = depth == 0;
        let readers = self.readers();
        for h in &m.marking_headers {
            let at = m.path.then(Segment::MailHeader(h.name.clone()));
            match readers.header_marking(h.dialect, &h.value, m) {
                Ok(Some(parsed)) => acc.found(
                    value_finding(at, &h.value, parsed, FindingKind::Property),
                    top,
                ),
                Ok(None) => {}
                Err(why) => self.malformed(at, &h.value, &why, FindingKind::Property, top, acc),
            }
        }
        if let Some(subject) = &m.subject {
            let at = m.path.then(Segment::Subject);
            for sm in readers.read_subject(subject, sender_is_au(m)) {
                match sm.result {
                    Ok(parsed) => {
                        let mut f =
                            value_finding(at.clone(), &sm.text, parsed, FindingKind::Subject);
                        f.span = Span {
                            start: sm.span.start,
                            end: sm.span.end,
                        };
                        acc.found(f, top);
                    }
                    Err(_) if sm.carrier == SubjectCarrier::SeeMail => {}
                    Err(e) => self.malformed(
                        at.clone(),
                        &sm.text,
                        &e.to_string(),
                        FindingKind::Subject,
                        top,
                        acc,
                    ),
                }
            }
        }
        for body in &m.bodies {
            self.body(body, top, acc);
        }
        for a in &m.attachments {
            self.attachment(a, depth, acc);
        }
        for p in &m.problems {
            if !matches!(p.kind, MailProblemKind::EmptyMultipart) {
                // Content recovered only partly may hide a marking: fail closed.
                let at = if p.path.is_empty() {
                    PartPath::of(Segment::Message)
                } else {
                    p.path.clone()
                };
                acc.problem(Problem::unreadable_part(Location::from(at), &p.kind));
            }
        }
    }

    fn body(&self, body: &TextPart, top: bool, acc: &mut Accumulator) {
        self.text(&body.new_text, Role::Body, &body.path, top, acc);
        let quoted = body.path.then(Segment::Quoted);
        for text in &body.quoted {
            self.text(text, Role::Body, &quoted, false, acc);
        }
    }

    fn attachment(&self, a: &Attachment, depth: usize, acc: &mut Accumulator) {
        if let Some(nested) = &a.message {
            self.message(nested, depth + 1, acc);
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
        // An attached Outlook message is a message, as a `message/rfc822` part is.
        if document::sniff(&a.bytes) == Format::Msg {
            let nested = Limit::NestingDepth
                .check(&self.limits, depth as u64 + 1, &a.path.to_string())
                .and_then(|()| self.msg_content(&a.bytes, &a.path));
            match nested {
                Ok(nested) => self.message(&nested, depth + 1, acc),
                Err(error) => acc.unreadable.push(UnreadablePart {
                    at: a.path.clone(),
                    error,
                }),
            }
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
                    let at = a.path.join(&part.path);
                    self.text(&part.text, Role::of(part.kind), &at, false, acc);
                }
            }
            Err(error) => acc.unreadable.push(UnreadablePart {
                at: a.path.clone(),
                error,
            }),
        }
    }

    /// Records the deciding markings of `text`, the part at `at`, read in `role` (prose
    /// never decides), and the disguised or malformed markings the scanner saw in it.
    fn text(&self, text: &str, role: Role, at: &PartPath, top: bool, acc: &mut Accumulator) {
        let reading = detect::read_part(&self.scanner, at, text, role);
        for p in reading.problems {
            acc.problem(p);
        }
        for f in reading.findings.into_iter().filter(Finding::is_deciding) {
            acc.found(f, top);
        }
    }

    /// A marking header or subject marking that does not read: `malformed-marking` (the
    /// gateway fails closed on it), and, when it names a classification (`SEC=SECRET` with
    /// a repeated `ORIGIN=`, `[TOP SECRET//SI]`), a finding at the highest level it names,
    /// so the message is known to be at least that high: an unknown control never hides
    /// the level.
    fn malformed(
        &self,
        at: PartPath,
        text: &str,
        why: &str,
        kind: FindingKind,
        top: bool,
        acc: &mut Accumulator,
    ) {
        let floor = self.parser.floor(text);
        acc.problem(Problem::malformed_marking(
            Location::from(at.clone()),
            text,
            why,
            floor,
        ));
        if let Some(c) = floor {
            let mut f = value_finding(at, text, plain(Marking::new(c)), kind);
            f.confidence = Confidence::Medium;
            f.notes.push(Note::PartlyRead);
            acc.found(f, top);
        }
    }
}

/// A marking read from a header value or a subject, as a finding.
fn value_finding(at: PartPath, text: &str, parsed: Parsed, kind: FindingKind) -> Finding {
    let mut notes = Vec::new();
    if parsed
        .warnings
        .iter()
        .any(|w| w.code == DiagnosticCode::NonCanonicalForm)
    {
        notes.push(Note::NonCanonical);
    }
    if parsed.foreign.is_some() {
        notes.push(Note::Foreign);
    }
    Finding {
        at,
        line: None,
        span: Span {
            start: 0,
            end: text.len(),
        },
        text: text.to_string(),
        marking: parsed.marking,
        kind,
        confidence: Confidence::High,
        notes,
        foreign: parsed.foreign,
    }
}

/// Collects findings and problems while walking a message.
#[derive(Default)]
struct Accumulator {
    findings: Vec<Finding>,
    problems: Vec<Problem>,
    unreadable: Vec<UnreadablePart>,
    /// The top-level findings of the header, subject and body (for the declared marking).
    top: Vec<Finding>,
}

impl Accumulator {
    fn problem(&mut self, p: Problem) {
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    fn found(&mut self, f: Finding, top: bool) {
        if f.notes.contains(&Note::NonCanonical) {
            self.problem(Problem::non_canonical(f.location(), &f.text, &f.marking));
        }
        if let Some(foreign) = &f.foreign {
            self.problem(Problem::foreign_marking(
                f.location(),
                &f.text,
                foreign,
                &f.marking,
            ));
        }
        if top {
            self.top.push(f.clone());
        }
        self.findings.push(f);
    }

    fn finish(mut self, content: &MessageContent) -> Report {
        // The order of authority: header, then subject, then body.
        let declared = [Carrier::Header, Carrier::Subject, Carrier::Body]
            .into_iter()
            .find_map(|c| self.top.iter().find(|f| Carrier::of(&f.at) == c))
            .map(|f| Declared {
                marking: f.marking.clone(),
                at: f.at.clone(),
                text: f.text.clone(),
            });
        let header = self
            .top
            .iter()
            .find(|f| Carrier::of(&f.at) == Carrier::Header)
            .cloned();
        let subject = self
            .top
            .iter()
            .find(|f| Carrier::of(&f.at) == Carrier::Subject)
            .cloned();
        if let (Some(h), Some(s)) = (&header, &subject)
            && h.marking != s.marking
        {
            self.problem(Problem::header_subject_disagree(
                s.location(),
                &s.marking,
                &h.location(),
                &h.marking,
            ));
        }
        let marking = Marking::join_all(self.findings.iter().map(|f| &f.marking));
        if let Some(d) = &declared {
            let above: Vec<Finding> = self
                .findings
                .iter()
                .filter(|f| !d.marking.dominates(&f.marking))
                .cloned()
                .collect();
            // One problem per part and text: a banner repeated top and bottom of a body is
            // one mistake, reported at its first line.
            let mut seen: Vec<(&PartPath, &str, &Marking)> = Vec::new();
            for f in &above {
                let key = (&f.at, f.text.trim(), &f.marking);
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let p = if Carrier::of(&f.at) == Carrier::Quoted && content.is_reply_or_forward() {
                    Problem::downgrade(f.location(), &f.text, &f.marking, &d.marking)
                } else {
                    Problem::under_marked(
                        f.location(),
                        Segment::Message,
                        &f.text,
                        &f.marking,
                        &d.marking,
                    )
                };
                self.problem(p);
            }
        } else {
            self.problem(Problem::unmarked(Location::from(Segment::Message), None));
        }
        let mut report = Report::new(Format::Eml);
        report.marking = marking;
        report.declared = declared;
        report.findings = self.findings;
        report.problems = self.problems;
        report.unreadable = self.unreadable;
        report
    }
}
