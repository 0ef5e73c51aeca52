//! The gateway's answer for one message and how it maps to SMTP.

use super::policy::GatewayAction;
use crate::marking::Marking;
use crate::problem::Problem;
use serde::Serialize;
use std::fmt;

/// Why the gateway did what it did: one sentence and the rule behind it (decisions.md D7).
///
/// ```
/// use protective_marking::{Envelope, Gateway, GatewayAction, GatewayPolicy};
/// let gateway = Gateway::new(GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
/// ).unwrap()).unwrap();
/// let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
/// // Unmarked outbound mail: the reason cites the rule that refuses it.
/// let verdict = gateway.check(&env, b"Subject: Hello\r\n\r\nhi\r\n");
/// assert_eq!(verdict.reasons[0].rule, "NZISM 15.1.11.C.01");
/// assert_eq!(verdict.reasons[0].action, GatewayAction::Reject);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Reason {
    /// The rule, e.g. `NZISM 15.2.40.C.01`.
    pub rule: String,
    /// What happened, in one sentence.
    pub message: String,
    /// The action this reason asks for.
    pub action: GatewayAction,
}

/// An SMTP reply: basic code, enhanced status code and text.
///
/// ```
/// use protective_marking::SmtpReply;
/// let r = SmtpReply { code: 550, enhanced: "5.7.1".into(), text: "no".into() };
/// assert_eq!(r.to_string(), "550 5.7.1 no");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SmtpReply {
    /// Basic reply code, e.g. 550.
    pub code: u16,
    /// Enhanced status code (RFC 3463), e.g. `5.7.1`.
    pub enhanced: String,
    /// Text: printable ASCII, one line.
    pub text: String,
}

impl fmt::Display for SmtpReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.code, self.enhanced, self.text)
    }
}

/// The gateway's decision for one message.
///
/// `action` is never [`GatewayAction::Accept`] when the message could not be read or its
/// marking could not be determined, unless the policy explicitly accepts unmarked inbound mail
/// (NZISM 15.1.12.C.01 lets the agency decide).
///
/// ```
/// use protective_marking::{Envelope, Gateway, GatewayAction, GatewayPolicy};
/// let gateway = Gateway::new(GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
/// ).unwrap()).unwrap();
/// let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
/// let verdict = gateway.check(&env, b"Subject: Plan [IN-CONFIDENCE]\r\n\r\nhi\r\n");
/// assert_eq!(verdict.action, GatewayAction::Accept);
/// assert!(verdict.smtp.is_none()); // the MTA answers 250 itself
/// assert_eq!(verdict.marking.unwrap().to_string(), "IN-CONFIDENCE");
/// assert_eq!(verdict.headers[0].0, "X-Protective-Marking-Verdict");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// What to do.
    pub action: GatewayAction,
    /// The SMTP reply for reject and tempfail (`None` for accept and quarantine, which the
    /// MTA answers with its own 250).
    pub smtp: Option<SmtpReply>,
    /// Every reason, each citing its rule; empty when accepted without remark.
    pub reasons: Vec<Reason>,
    /// Headers to add to the message (name, value).
    pub headers: Vec<(String, String)>,
    /// The message's effective marking (join of all parts), if determined.
    pub marking: Option<Marking>,
    /// The marking the message declared, if any.
    pub declared: Option<Marking>,
    /// Problems found in the message.
    pub problems: Vec<Problem>,
}

/// The SMTP reply for an action: the single place verdicts become wire codes (as rustls maps
/// errors to alerts in one function). Reject is `550 5.7.1` (delivery not authorised),
/// tempfail `451 4.7.1`. The text quotes the first reason and its rule.
pub(crate) fn smtp_reply(action: GatewayAction, reasons: &[Reason]) -> Option<SmtpReply> {
    let (code, enhanced) = match action {
        GatewayAction::Reject => (550, "5.7.1"),
        GatewayAction::Tempfail => (451, "4.7.1"),
        GatewayAction::Accept | GatewayAction::Quarantine => return None,
    };
    let first = reasons
        .iter()
        .find(|r| r.action == action)
        .or(reasons.first());
    let text = match first {
        Some(r) => format!("protective marking: {} ({})", r.message, r.rule),
        None => "protective marking: message refused".to_string(),
    };
    Some(SmtpReply {
        code,
        enhanced: enhanced.into(),
        text: smtp_text(&text),
    })
}

/// Printable ASCII on one line, at most 400 characters (RFC 5321 §4.5.3.1.5 allows 512 per
/// reply line including the code).
pub(crate) fn smtp_text(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    if out.len() > 400 {
        out.truncate(397);
        out.push_str("...");
    }
    out
}
