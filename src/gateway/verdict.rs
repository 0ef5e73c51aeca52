//! The gateway's answer for one message and how it maps to SMTP.

use super::GatewayRule;
use super::policy::{Direction, GatewayAction, SubjectPlacement};
use super::{Envelope, Gateway, domain_of};
use crate::mail::Carrier;
use crate::mail::{SubjectPosition, add_marking_to_subject};
use crate::marking::Marking;
use crate::problem::Problem;
use crate::report::Report;
use serde::Serialize;
use std::fmt;

/// Why the gateway did what it did: one sentence and the rule behind it.
///
/// ```
/// use protective_marking::{Envelope, Gateway, GatewayAction, GatewayPolicy, gateway::GatewayRule};
/// let gateway = Gateway::new(GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
/// ).unwrap()).unwrap();
/// let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
/// // Unmarked outbound mail: the reason cites the rule that refuses it.
/// let verdict = gateway.check(&env, b"Subject: Hello\r\n\r\nhi\r\n");
/// assert_eq!(verdict.reasons[0].rule, GatewayRule::UnmarkedOutbound);
/// assert_eq!(verdict.reasons[0].action, GatewayAction::Reject);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Reason {
    /// The rule, e.g. [`GatewayRule::PathCeiling`] (`NZISM 15.2.40.C.01`).
    pub rule: GatewayRule,
    /// What happened, in one sentence.
    pub message: String,
    /// The action this reason asks for.
    pub action: GatewayAction,
}

/// An SMTP reply: basic code, enhanced status code and text.
///
/// ```
/// use protective_marking::gateway::SmtpReply;
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
    /// Changes to the message's own headers: the marking the gateway writes into inbound
    /// mail ([`InboundMarking`](crate::gateway::InboundMarking)); empty otherwise. The MTA
    /// applies them only when the message is accepted or held.
    pub changes: Vec<HeaderChange>,
    /// The message's effective marking (join of all parts), if determined.
    pub marking: Option<Marking>,
    /// The marking the message declared, if any.
    pub declared: Option<Marking>,
    /// Problems found in the message.
    pub problems: Vec<Problem>,
}

/// A change to one of the message's headers, for the MTA to make (a milter's add-header and
/// change-header actions).
///
/// Values are written as the gateway wants them to appear after `Name: `, without the
/// leading space. A value the gateway derived from an existing header (the subject) keeps
/// that header's bytes, folding and RFC 2047 encoded words as they arrived; only the marking
/// text is added or replaced.
///
/// ```
/// use protective_marking::{Envelope, Gateway, GatewayPolicy};
/// use protective_marking::gateway::HeaderChange;
///
/// let gateway = Gateway::new(GatewayPolicy::from_toml(r#"
///     [gateway]
///     direction = "inbound"
///     accreditation = "RESTRICTED"
///     [gateway.inbound_marking]
///     unmarked = true
/// "#).unwrap()).unwrap();
/// let env = Envelope::new("someone@example.com").to("analyst@agency.govt.nz");
/// let raw = b"Subject: =?UTF-8?B?S2lhIG9yYQ==?=\r\n\r\nHello\r\n";
/// let v = gateway.check(&env, raw);
/// assert!(v.changes.contains(&HeaderChange::Add {
///     name: "X-Protective-Marking".into(),
///     value: "VER=2024.1, NS=govt.nz, SEC=UNCLASSIFIED".into(),
/// }));
/// // The encoded word is kept as it was; the marking is appended.
/// assert!(v.changes.contains(&HeaderChange::Replace {
///     name: "Subject".into(),
///     value: "=?UTF-8?B?S2lhIG9yYQ==?= [UNCLASSIFIED]".into(),
/// }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
#[non_exhaustive]
pub enum HeaderChange {
    /// Add `name: value` at the end of the header block.
    Add {
        /// Header name.
        name: String,
        /// Header value.
        value: String,
    },
    /// Replace the value of the first header called `name`.
    Replace {
        /// Header name.
        name: String,
        /// The new value.
        value: String,
    },
}

/// The header an NZ agency marks mail with. No NZ standard defines one (NZISM 15.1.11.C.03 asks
/// only for the marking in the subject or a header), so this is the Australian
/// `X-Protective-Marking` grammar with NZ values and `NS=govt.nz`. Commas and backslashes in the
/// marking are escaped.
fn marking_header(marking: &Marking) -> HeaderChange {
    let sec = marking
        .to_string()
        .replace('\\', "\\\\")
        .replace(',', "\\,");
    HeaderChange::Add {
        name: "X-Protective-Marking".into(),
        value: format!("VER=2024.1, NS=govt.nz, SEC={sec}"),
    }
}

/// The first `Subject` header of `raw` as it arrived (continuation lines included, the
/// leading space after the colon left out); `None` if there is none or it is not UTF-8.
fn raw_subject(raw: &[u8]) -> Option<Result<String, ()>> {
    let mut lines = raw.split_inclusive(|&b| b == b'\n');
    while let Some(line) = lines.next() {
        if line == b"\r\n" || line == b"\n" {
            return None; // end of the header block
        }
        let Some(rest) = line
            .get(..8)
            .filter(|n| n.eq_ignore_ascii_case(b"subject:"))
            .map(|_| &line[8..])
        else {
            continue;
        };
        let mut value = rest.to_vec();
        for next in lines.by_ref() {
            if next.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
                value.extend_from_slice(next);
            } else {
                break;
            }
        }
        let text = String::from_utf8(value).map_err(|_| ());
        return Some(text.map(|t| {
            t.trim_end_matches(['\r', '\n'])
                .trim_start_matches([' ', '\t'])
                .to_string()
        }));
    }
    None
}

impl Gateway {
    /// Inbound marking (NZISM 15.1.4, 15.1.12.C.01; a foreign marking is written as its NZ
    /// equivalent, PSR INF014) on a decided verdict:
    /// `raw` gives the subject as it arrived. A no-op unless the policy has
    /// `[gateway.inbound_marking]`.
    pub(super) fn mark_inbound(
        &self,
        verdict: Verdict,
        envelope: &Envelope,
        report: &Report,
        raw: &[u8],
    ) -> Verdict {
        let p = &self.policy;
        let Some(im) = &p.inbound_marking else {
            return verdict;
        };
        if p.direction != Direction::Inbound {
            return verdict;
        }
        let position = match im.subject {
            SubjectPlacement::End => SubjectPosition::End,
            SubjectPlacement::Start => SubjectPosition::Start,
        };
        match &report.declared {
            None => {
                let domain = domain_of(&envelope.sender);
                if !im.unmarked || im.is_government(&domain) {
                    return verdict;
                }
                // NZISM 15.1.11.C.02: a marked part raises the marking given to the message.
                let marking = report
                    .marking
                    .as_ref()
                    .map_or_else(|| im.marking.clone(), |m| m.join(&im.marking));
                let from = if domain.is_empty() { "<>" } else { &domain };
                let reasons = verdict
                    .reasons
                    .into_iter()
                    .map(|r| {
                        if r.rule == GatewayRule::UnmarkedInbound {
                            Reason {
                                rule: r.rule,
                                message: format!(
                                    "unmarked mail from outside government ({from}) marked {marking} at the gateway (NZISM 15.1.4)"
                                ),
                                action: GatewayAction::Accept,
                            }
                        } else {
                            r
                        }
                    })
                    .collect();
                let mut marked = report.clone();
                marked.marking = Some(marking.clone());
                let mut v = self.finish(reasons, &marked);
                if matches!(v.action, GatewayAction::Accept | GatewayAction::Quarantine) {
                    v.changes.push(marking_header(&marking));
                    v.changes
                        .extend(subject_change(raw, &marking, None, position));
                }
                v
            }
            Some(declared) => {
                let foreign = report
                    .findings
                    .iter()
                    .any(|f| f.at == declared.at && f.foreign.is_some());
                if !im.foreign
                    || !foreign
                    || !matches!(
                        verdict.action,
                        GatewayAction::Accept | GatewayAction::Quarantine
                    )
                {
                    return verdict;
                }
                // Replace the foreign text where the subject carries it; else add the NZ one.
                let foreign_text = report
                    .findings
                    .iter()
                    .find(|f| Carrier::of(&f.at) == Carrier::Subject && f.foreign.is_some())
                    .map(|f| f.text.as_str());
                let Some(change) = subject_change(raw, &declared.marking, foreign_text, position)
                else {
                    return verdict;
                };
                let mut reasons = verdict.reasons;
                reasons.push(Reason {
                    rule: GatewayRule::ForeignEquivalent,
                    message: format!(
                        "foreign marking `{}` written in the subject as its NZ equivalent {}",
                        declared.text, declared.marking
                    ),
                    action: GatewayAction::Accept,
                });
                let mut v = self.finish(reasons, report);
                v.changes = vec![change];
                v
            }
        }
    }
}

/// The subject change that writes `[marking]`: replacing `replace` where the raw subject
/// holds it verbatim, else at `position`. A subject that is not UTF-8 is left alone (the
/// marking header still marks the message); a message without one gets one.
fn subject_change(
    raw: &[u8],
    marking: &Marking,
    replace: Option<&str>,
    position: SubjectPosition,
) -> Option<HeaderChange> {
    let text = marking.to_string();
    match raw_subject(raw) {
        None => Some(HeaderChange::Add {
            name: "Subject".into(),
            value: format!("[{text}]"),
        }),
        Some(Err(())) => None,
        Some(Ok(subject)) => {
            let position = replace
                .and_then(|r| subject.find(r).map(|i| i..i + r.len()))
                .map_or(position, SubjectPosition::Replace);
            let value = add_marking_to_subject(&subject, &text, position);
            (value != subject).then(|| HeaderChange::Replace {
                name: "Subject".into(),
                value,
            })
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::GatewayPolicy;

    fn gateway(extra: &str) -> Gateway {
        Gateway::new(
            GatewayPolicy::from_toml(&format!(
                "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n\
                 [gateway.inbound_marking]\nunmarked = true\nforeign = true\n{extra}"
            ))
            .unwrap(),
        )
        .unwrap()
    }

    fn subject_of(v: &Verdict) -> Option<&str> {
        v.changes.iter().find_map(|c| match c {
            HeaderChange::Replace { name, value } | HeaderChange::Add { name, value }
                if name == "Subject" =>
            {
                Some(value.as_str())
            }
            _ => None,
        })
    }

    #[test]
    fn raw_subject_keeps_folds_and_stops_at_the_body() {
        let raw = b"From: a\r\nSUBJECT: =?UTF-8?B?YQ==?=\r\n =?UTF-8?B?Yg==?=\r\nTo: b\r\n\r\nSubject: no\r\n";
        assert_eq!(
            raw_subject(raw),
            Some(Ok("=?UTF-8?B?YQ==?=\r\n =?UTF-8?B?Yg==?=".into()))
        );
        assert_eq!(raw_subject(b"From: a\r\n\r\nSubject: x\r\n"), None);
        assert_eq!(raw_subject(b"Subject: caf\xe9\r\n\r\n"), Some(Err(())));
    }

    #[test]
    fn unmarked_outside_government_is_accepted_and_marked() {
        let g = gateway("subject = \"start\"\n");
        let env = Envelope::new("x@example.com").to("a@agency.govt.nz");
        let v = g.check(&env, b"Subject: Hello\r\n\r\nhi\r\n");
        assert_eq!(v.action, GatewayAction::Accept);
        assert_eq!(subject_of(&v), Some("[UNCLASSIFIED] Hello"));
        assert_eq!(v.marking.as_ref().unwrap().to_string(), "UNCLASSIFIED");
        assert_eq!(v.reasons[0].rule, GatewayRule::UnmarkedInbound);
        // No Subject at all: one is added.
        let v = g.check(&env, b"From: x@example.com\r\n\r\nhi\r\n");
        assert!(v.changes.contains(&HeaderChange::Add {
            name: "Subject".into(),
            value: "[UNCLASSIFIED]".into()
        }));
    }

    #[test]
    fn government_senders_and_refusals_are_not_marked() {
        let g = gateway("");
        let gov = Envelope::new("x@partner.govt.nz").to("a@agency.govt.nz");
        let v = g.check(&gov, b"Subject: Hello\r\n\r\nhi\r\n");
        assert_eq!(v.action, GatewayAction::Reject);
        assert!(v.changes.is_empty());
        // Unreadable: on_error, never marked and accepted.
        let ext = Envelope::new("x@example.com").to("a@agency.govt.nz");
        let broken = b"Subject: x\r\nContent-Type: application/msword\r\n\
                       Content-Transfer-Encoding: base64\r\n\r\n0M8R4KGxGuEAAA==\r\n";
        let v = g.check(&ext, broken);
        assert_eq!(v.action, GatewayAction::Tempfail);
        assert!(v.changes.is_empty());
    }

    #[test]
    fn a_marked_part_raises_the_given_marking() {
        let g = gateway("");
        let env = Envelope::new("x@example.com").to("a@agency.govt.nz");
        let raw = b"Subject: Report\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n\
                    --b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
                    --b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=n.txt\r\n\r\n\
                    IN-CONFIDENCE\r\n\r\nNotes.\r\n\r\nIN-CONFIDENCE\r\n--b--\r\n";
        let v = g.check(&env, raw);
        assert_eq!(v.action, GatewayAction::Accept, "{:?}", v.reasons);
        assert_eq!(subject_of(&v), Some("Report [IN-CONFIDENCE]"));
    }

    #[test]
    fn a_foreign_subject_marking_is_rewritten() {
        let g = gateway("");
        let env = Envelope::new("o@agency.gov.au").to("a@agency.govt.nz");
        let raw =
            b"From: o@agency.gov.au\r\nSubject: Budget [SEC=OFFICIAL:Sensitive]\r\n\r\nhi\r\n";
        let v = g.check(&env, raw);
        assert_eq!(v.action, GatewayAction::Accept, "{:?}", v.reasons);
        assert_eq!(subject_of(&v), Some("Budget [IN-CONFIDENCE]"));
        assert!(
            v.reasons
                .iter()
                .any(|r| r.rule == GatewayRule::ForeignEquivalent)
        );
        // Without `foreign = true` it is left alone.
        let plain = Gateway::new(
            GatewayPolicy::from_toml(
                "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n\
                 [gateway.inbound_marking]\nunmarked = true\n",
            )
            .unwrap(),
        )
        .unwrap();
        assert!(plain.check(&env, raw).changes.is_empty());
    }

    #[test]
    fn policy_refuses_inbound_marking_where_it_cannot_apply() {
        let outbound = GatewayPolicy::from_toml(
            "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\n\
             ceiling = \"IN-CONFIDENCE\"\n[gateway.inbound_marking]\nunmarked = true\n",
        );
        assert_eq!(
            outbound.unwrap_err(),
            crate::gateway::GatewayPolicyError::InboundMarkingOutbound
        );
        let above = GatewayPolicy::from_toml(
            "[gateway]\ndirection = \"inbound\"\naccreditation = \"IN-CONFIDENCE\"\n\
             [gateway.inbound_marking]\nunmarked = true\nmarking = \"SECRET\"\n",
        );
        assert!(matches!(
            above,
            Err(crate::gateway::GatewayPolicyError::InboundMarkingAboveAccreditation { .. })
        ));
    }
}
