//! The per-message mail gateway decision (NZISM 15.1, 15.2; PSR INF014 for foreign markings).
//!
//! A [`Gateway`] holds a validated [`GatewayPolicy`]. For each message it takes the envelope
//! (sender and every envelope recipient, so Bcc and expanded lists count) and the message's
//! [`Report`], and returns a [`Verdict`]: accept, reject, tempfail or quarantine, with
//! an SMTP reply, reasons that cite their rules, and headers to add.
//!
//! Rules applied (each a [`Reason`] with its rule id):
//!
//! | rule | when | action (policy key) |
//! |---|---|---|
//! | NZISM 15.2.37.C.01 | a part could not be read or a limit was hit | `on_error` (never accept) |
//! | NZISM 15.1.11.C.01 / 15.1.12.C.01 | no marking (outbound / inbound) | `unmarked` |
//! | NZISM 15.2.39.C.03 | a marking carrier is not a valid marking | `malformed` |
//! | NZISM 15.2.39.C.03 | header and subject disagree | `disagreement` |
//! | NZISM 15.1.11.C.02 | declared marking below the join of the parts | `under_marked` |
//! | NZISM 15.1.10.C.03 | reply/forward marked below quoted earlier marking | `downgrade` |
//! | NZISM 15.2.40.C.01 | outbound: marking above a recipient path's ceiling, or a national-security endorsement the path may not carry | reject |
//! | NZISM 15.1.8.C.01, PSR-OV | outbound: NZEO to a non-NZ path, REL TO not listing the path's country | reject |
//! | NZISM 15.2.41.C.01 | inbound: marking above the system's accreditation | reject |
//! | PSR INF014 | a foreign dissemination limit (AUSTEO, AGAO) | `foreign_dissemination` |
//! | NZISM 15.1.4, 15.1.12.C.01 | inbound with `[gateway.inbound_marking]`: unmarked mail from outside government | accept, marked ([`HeaderChange`]) |
//! | PSR INF014 | inbound with `[gateway.inbound_marking]` and `foreign = true`: a foreign declared marking on mail that is let through | its NZ equivalent written into the subject ([`HeaderChange`]) |
//!
//! The most severe action wins: reject > tempfail > quarantine > accept.

mod policy;
mod rule;
mod verdict;

pub use policy::{
    Direction, DomainRule, GatewayAction, GatewayPolicy, GatewayPolicyError, InboundMarking,
    SubjectPlacement,
};
pub use rule::GatewayRule;
pub use verdict::{HeaderChange, Reason, SmtpReply, Verdict};

use crate::error::ReadError;
use crate::mail::MessageAnalyser;
use crate::marking::{Classification, Country, Endorsement, EndorsementBlock};
use crate::report::Report;

use crate::problem::ProblemCode;
use serde::Serialize;

/// The SMTP envelope of one message: the sender and every envelope recipient.
///
/// ```
/// use protective_marking::Envelope;
/// let env = Envelope::new("alice@agency.govt.nz").to("bob@other.govt.nz").to("<carol@example.com>");
/// assert_eq!(env.recipients.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Envelope {
    /// `MAIL FROM` address.
    pub sender: String,
    /// Every `RCPT TO` address.
    pub recipients: Vec<String>,
}

impl Envelope {
    /// An envelope from `sender` with no recipients yet.
    pub fn new(sender: impl Into<String>) -> Envelope {
        Envelope {
            sender: sender.into(),
            recipients: Vec::new(),
        }
    }

    /// Add a recipient.
    pub fn to(mut self, recipient: impl Into<String>) -> Envelope {
        self.recipients.push(recipient.into());
        self
    }
}

/// The domain of an address: after the last `@`, without angle brackets or a trailing dot,
/// lower case; empty when there is none.
fn domain_of(address: &str) -> String {
    let a = address.trim().trim_start_matches('<').trim_end_matches('>');
    match a.rsplit_once('@') {
        Some((_, d)) => d.trim_end_matches('.').to_ascii_lowercase(),
        None => String::new(),
    }
}

fn reason(rule: GatewayRule, action: GatewayAction, message: String) -> Reason {
    Reason {
        rule,
        message,
        action,
    }
}

/// The mail gateway: a validated policy, ready to judge messages. Build once and share.
///
/// ```
/// use protective_marking::{Envelope, Format, Gateway, GatewayAction, GatewayPolicy, gateway::GatewayRule, Report};
///
/// let policy = GatewayPolicy::from_toml(r#"
///     [gateway]
///     direction = "outbound"
///     [[gateway.domain]]
///     pattern = "*"
///     ceiling = "IN-CONFIDENCE"
/// "#).unwrap();
/// let gateway = Gateway::new(policy).unwrap();
/// let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
///
/// let report = Report::new(Format::Eml);
/// assert_eq!(gateway.decide(&env, &report).action, GatewayAction::Reject); // unmarked
///
/// let secret = gateway.analyser().analyse(b"Subject: [SECRET] plan\r\n\r\nhi\r\n").unwrap();
/// let v = gateway.decide(&env, &secret);
/// assert_eq!(v.action, GatewayAction::Reject);
/// assert_eq!(v.smtp.unwrap().code, 550);
/// assert_eq!(v.reasons[0].rule, GatewayRule::PathCeiling);
/// ```
#[derive(Clone, Debug)]
pub struct Gateway {
    policy: GatewayPolicy,
    analyser: MessageAnalyser,
}

impl Gateway {
    /// A gateway for `policy`.
    ///
    /// # Errors
    /// [`GatewayPolicyError`] if the policy is unusable (e.g. `on_error = "accept"`).
    pub fn new(policy: GatewayPolicy) -> Result<Gateway, GatewayPolicyError> {
        policy.validate()?;
        let analyser = policy
            .agency
            .analyser()
            .map_err(|e| GatewayPolicyError::Agency(e.to_string()))?;
        Ok(Gateway { policy, analyser })
    }

    /// The policy.
    pub fn policy(&self) -> &GatewayPolicy {
        &self.policy
    }

    /// The message analyser configured from the policy (codewords, foreign mapping,
    /// limits, MSIP labels).
    pub fn analyser(&self) -> &MessageAnalyser {
        &self.analyser
    }

    /// The verdict for the raw message `raw` sent with `envelope`: read it, report its
    /// markings ([`MessageAnalyser::analyse`]) and [`decide`](Gateway::decide). A message
    /// that cannot be read gets the `on_error` action, never accept. An inbound policy's
    /// `[gateway.inbound_marking]` is applied here, not in `decide`, because it rewrites the
    /// subject as it arrived in `raw`.
    ///
    /// ```
    /// use protective_marking::{Envelope, Gateway, GatewayAction, GatewayPolicy};
    /// let gateway = Gateway::new(GatewayPolicy::from_toml(
    ///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
    /// ).unwrap()).unwrap();
    /// let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
    /// let ok = gateway.check(&env, b"Subject: Minutes [IN-CONFIDENCE]\r\n\r\nHello\r\n");
    /// assert_eq!(ok.action, GatewayAction::Accept);
    /// let high = gateway.check(&env, b"Subject: Plan [SECRET]\r\n\r\nHello\r\n");
    /// assert_eq!(high.action, GatewayAction::Reject);
    /// assert_eq!(high.smtp.unwrap().to_string().get(..9), Some("550 5.7.1"));
    /// ```
    pub fn check(&self, envelope: &Envelope, raw: &[u8]) -> Verdict {
        match self.analyser.analyse(raw) {
            // Inbound marking needs the subject as it arrived, so it is applied here.
            Ok(report) => self.mark_inbound(self.decide(envelope, &report), envelope, &report, raw),
            Err(e) => self.unreadable(&e),
        }
    }

    /// The verdict for a message that could not be read at all: the `on_error` action, never
    /// accept (what was not read may carry any marking).
    pub fn unreadable(&self, error: &ReadError) -> Verdict {
        let reasons = vec![Reason {
            rule: GatewayRule::Unreadable,
            message: format!(
                "message cannot be read, so its marking cannot be determined: {error}"
            ),
            action: self.policy.on_error,
        }];
        self.finish(reasons, &Report::new(crate::report::Format::Eml))
    }

    /// The verdict for a message that could not be checked at all, for a reason outside the
    /// message's content (a time budget ran out, the check failed internally, the message is
    /// over a size limit of the caller): the `on_error` action, never accept,
    /// citing NZISM 15.2.37.C.01 with `why`.
    ///
    /// ```
    /// use protective_marking::{Gateway, GatewayAction, GatewayPolicy};
    /// let gateway = Gateway::new(GatewayPolicy::from_toml(
    ///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
    /// ).unwrap()).unwrap();
    /// let v = gateway.fail_closed("the check took longer than 5 s");
    /// assert_eq!(v.action, GatewayAction::Tempfail); // the default on_error
    /// assert_eq!(v.smtp.unwrap().code, 451);
    /// ```
    pub fn fail_closed(&self, why: &str) -> Verdict {
        let reasons = vec![Reason {
            rule: GatewayRule::Unreadable,
            message: format!("message could not be checked, so its marking is unknown: {why}"),
            action: self.policy.on_error,
        }];
        self.finish(reasons, &Report::new(crate::report::Format::Eml))
    }

    /// The verdict for a message described by `report`, sent with `envelope`.
    pub fn decide(&self, envelope: &Envelope, report: &Report) -> Verdict {
        let p = &self.policy;
        let mut reasons: Vec<Reason> = Vec::new();

        for u in &report.unreadable {
            reasons.push(reason(
                GatewayRule::Unreadable,
                p.on_error,
                format!(
                    "{} cannot be read, so the message's marking cannot be determined: {}",
                    if u.at.is_empty() {
                        "the message".to_string()
                    } else {
                        u.at.to_string()
                    },
                    u.error
                ),
            ));
        }
        for problem in &report.problems {
            let Some((rule, action)) = self.rule_of(problem.code) else {
                continue;
            };
            reasons.push(reason(
                rule,
                action,
                format!("{}: {}", problem.at, problem.message),
            ));
        }
        for caveat in report.foreign_caveats() {
            reasons.push(reason(
                GatewayRule::ForeignDissemination,
                p.foreign_dissemination,
                format!(
                    "foreign dissemination limit {caveat}: not releasable beyond the originating nation"
                ),
            ));
        }

        // NZISM 15.1.11.C.01: the message itself must be marked (header, subject or body),
        // even when an attachment is.
        if report.declared.is_none() {
            let rule = match p.direction {
                Direction::Outbound => GatewayRule::UnmarkedOutbound,
                Direction::Inbound => GatewayRule::UnmarkedInbound,
            };
            reasons.push(reason(
                rule,
                p.unmarked,
                "message has no protective marking; mark it in the subject, e.g. [IN-CONFIDENCE]"
                    .into(),
            ));
        }
        match &report.marking {
            None => {}
            Some(marking) => match p.direction {
                Direction::Inbound => {
                    if let Some(acc) = p.accreditation
                        && marking.classification().handling_tier() > acc.handling_tier()
                    {
                        reasons.push(reason(
                            GatewayRule::Accreditation,
                            GatewayAction::Reject,
                            format!("{marking} is above this system's accreditation ({acc})"),
                        ));
                    }
                }
                Direction::Outbound => {
                    for rcpt in &envelope.recipients {
                        reasons.extend(self.path_reasons(rcpt, marking));
                    }
                    if envelope.recipients.is_empty() {
                        reasons.push(reason(
                            GatewayRule::PathCeiling,
                            GatewayAction::Reject,
                            "no envelope recipients to check the communication path against".into(),
                        ));
                    }
                }
            },
        }
        self.finish(reasons, report)
    }

    /// The rule a problem breaks and the action the policy gives it; `None` for the problems
    /// that are advice (a non-canonical or foreign form, a disguised marking, which is still
    /// read) or that the gateway judges itself (`unmarked`, from the declared marking) or
    /// that only documents have (a missing page banner, banners that disagree, a label that
    /// disagrees: the marking is still read).
    /// Every code is named, so a new one cannot slip through unhandled.
    fn rule_of(&self, code: ProblemCode) -> Option<(GatewayRule, GatewayAction)> {
        let p = &self.policy;
        match code {
            ProblemCode::UnreadablePart => Some((GatewayRule::Unreadable, p.on_error)),
            ProblemCode::UnderMarked => Some((GatewayRule::UnderMarked, p.under_marked)),
            ProblemCode::MalformedMarking => Some((GatewayRule::Malformed, p.malformed)),
            ProblemCode::HeaderSubjectDisagree => Some((GatewayRule::Disagreement, p.disagreement)),
            ProblemCode::Downgrade => Some((GatewayRule::Downgrade, p.downgrade)),
            // A disguised marking is still read, and its level decides the path.
            ProblemCode::Unmarked
            | ProblemCode::EvasionSuspected
            | ProblemCode::NonCanonical
            | ProblemCode::ForeignMarking
            | ProblemCode::BannersDisagree
            | ProblemCode::MissingBanner
            | ProblemCode::MetadataDisagrees => None,
        }
    }

    /// Outbound: whether `marking` may travel the path to `rcpt` (NZISM 15.2.40.C.01: the
    /// marking or an endorsement must not exceed the path; 15.1.8.C.01 for NZEO).
    fn path_reasons(&self, rcpt: &str, marking: &crate::marking::Marking) -> Vec<Reason> {
        let reject =
            |rule: GatewayRule, message: String| reason(rule, GatewayAction::Reject, message);
        let Some(path) = self.policy.path_for(&domain_of(rcpt)) else {
            return vec![reject(
                GatewayRule::PathCeiling,
                format!("no communication path is configured for {rcpt}; refusing (fail closed)"),
            )];
        };
        let mut out = Vec::new();
        let class = marking.classification();
        if class.handling_tier() > path.ceiling.handling_tier() {
            out.push(reject(
                GatewayRule::PathCeiling,
                format!(
                    "{class} exceeds the {} ceiling of the path to {rcpt}",
                    path.ceiling
                ),
            ));
        }
        for e in marking.endorsements() {
            match e {
                e if e.block() == EndorsementBlock::PolicyAndPrivacy => {}
                Endorsement::RelTo(r) if !r.allows(path.country) => out.push(reject(
                    GatewayRule::PathCeiling,
                    format!("REL TO {r} does not include {} ({rcpt})", path.country),
                )),
                Endorsement::RelTo(_) => {}
                Endorsement::Nzeo if path.country != Country::NZL => out.push(reject(
                    GatewayRule::Releasability,
                    format!(
                        "NZEO may go only to New Zealand nationals; the path to {rcpt} is {}",
                        path.country
                    ),
                )),
                // TOP SECRET implies ACCOUNTABLE MATERIAL; the ceiling already covers it.
                Endorsement::AccountableMaterial if class == Classification::TopSecret => {}
                e if !path.endorsements.contains(e) => out.push(reject(
                    GatewayRule::PathCeiling,
                    format!("the path to {rcpt} may not carry the endorsement {e}"),
                )),
                _ => {}
            }
        }
        out
    }

    fn finish(&self, reasons: Vec<Reason>, report: &Report) -> Verdict {
        let action = reasons
            .iter()
            .map(|r| r.action)
            .max_by_key(|a| a.severity())
            .unwrap_or(GatewayAction::Accept);
        let smtp = verdict::smtp_reply(action, &reasons);
        let mut headers = Vec::new();
        if self.policy.verdict_header
            && matches!(action, GatewayAction::Accept | GatewayAction::Quarantine)
        {
            let marking = report
                .marking
                .as_ref()
                .map_or_else(|| "none".to_string(), |m| m.to_string());
            let mut rules: Vec<&str> = reasons.iter().map(|r| r.rule.id()).collect();
            rules.dedup();
            let rules = if rules.is_empty() {
                "none".to_string()
            } else {
                rules.join(", ")
            };
            headers.push((
                "X-Protective-Marking-Verdict".to_string(),
                verdict::smtp_text(&format!("{action}; marking={marking}; rules={rules}")),
            ));
        }
        Verdict {
            action,
            smtp,
            reasons,
            headers,
            changes: Vec::new(),
            marking: report.marking.clone(),
            declared: report.declared.as_ref().map(|d| d.marking.clone()),
            problems: report.problems.clone(),
        }
    }
}
