//! Verdicts to milter replies, in one place.

use super::session::Negotiated;
use crate::gateway::{GatewayAction, HeaderChange, Verdict};
use miltr_common::{
    actions::{Action, Continue, Replycode},
    encoding::ServerMessage,
    modifications::{
        ModificationAction,
        headers::{AddHeader, ChangeHeader},
        quarantine::Quarantine,
    },
    optneg::Capability,
};

/// What the milter answers for a verdict, and the SMTP reply it causes (for the log).
pub(super) struct Response {
    /// The modifications, then the final action.
    pub(super) replies: Vec<ServerMessage>,
    /// `550 5.7.1` / `451 4.7.1`, or `None` when the MTA accepts (with its own 250).
    pub(super) reply: Option<String>,
}

/// A header value as the MTA wants it: folded with LF (milter convention), and with the
/// leading space when `SMFIP_HDR_LEADSPC` was negotiated.
fn wire_value(value: &str, leading_space: bool) -> Vec<u8> {
    let lf = value.replace("\r\n", "\n");
    if leading_space {
        format!(" {lf}").into_bytes()
    } else {
        lf.into_bytes()
    }
}

fn modification(m: impl Into<ModificationAction>) -> ServerMessage {
    ServerMessage::ModificationAction(m.into())
}

fn refuse(code: [u8; 3], enhanced: [u16; 3], text: &str) -> Response {
    let (reply, text) = smtp_reply(code, enhanced, text);
    Response {
        replies: vec![ServerMessage::Action(Action::Replycode(reply))],
        reply: Some(text),
    }
}

/// The milter answer for `verdict`: the single place verdicts become milter actions.
pub(super) fn response_for(verdict: &Verdict, n: Negotiated) -> Response {
    let leading_space = n.leading_space();
    let mut replies = Vec::new();
    let push_headers = |replies: &mut Vec<ServerMessage>| -> Result<(), &'static str> {
        // The marking the gateway must write is a condition of acceptance: an MTA that
        // cannot apply it gets a tempfail, never an unmarked delivery.
        for change in &verdict.changes {
            match change {
                HeaderChange::Add { name, value } if n.can(Capability::SMFIF_ADDHDRS) => {
                    replies.push(modification(AddHeader::new(
                        name.as_bytes(),
                        &wire_value(value, leading_space),
                    )));
                }
                HeaderChange::Replace { name, value } if n.can(Capability::SMFIF_CHGHDRS) => {
                    replies.push(modification(ChangeHeader::new(
                        1,
                        name.as_bytes(),
                        &wire_value(value, leading_space),
                    )));
                }
                _ => {
                    return Err(
                        "protective marking: the message must be marked at the gateway but the MTA cannot change its headers",
                    );
                }
            }
        }
        if n.can(Capability::SMFIF_ADDHDRS) {
            for (name, value) in &verdict.headers {
                replies.push(modification(AddHeader::new(
                    name.as_bytes(),
                    &wire_value(value, leading_space),
                )));
            }
        }
        Ok(())
    };
    match verdict.action {
        GatewayAction::Accept => {
            if let Err(why) = push_headers(&mut replies) {
                return refuse([4, 5, 1], [4, 7, 1], why);
            }
            replies.push(ServerMessage::Action(Action::Continue(Continue)));
            Response {
                replies,
                reply: None,
            }
        }
        GatewayAction::Quarantine if n.can(Capability::SMFIF_QUARANTINE) => {
            if let Err(why) = push_headers(&mut replies) {
                return refuse([4, 5, 1], [4, 7, 1], why);
            }
            let reason = verdict.reasons.iter().find(|r| r.action == verdict.action);
            let text = reason.map_or_else(
                || "protective marking: held for review".to_string(),
                |r| format!("protective marking: {} ({})", r.message, r.rule),
            );
            replies.push(modification(Quarantine::new(printable(&text).as_bytes())));
            replies.push(ServerMessage::Action(Action::Continue(Continue)));
            Response {
                replies,
                reply: None,
            }
        }
        // The MTA did not offer quarantine: refuse for now rather than deliver.
        GatewayAction::Quarantine => refuse(
            [4, 5, 1],
            [4, 7, 1],
            "protective marking: message must be held for review but the MTA cannot hold it",
        ),
        GatewayAction::Reject | GatewayAction::Tempfail => {
            let (class, default_code, default_enhanced): (u16, [u8; 3], [u16; 3]) =
                if verdict.action == GatewayAction::Reject {
                    (5, [5, 5, 0], [5, 7, 1])
                } else {
                    (4, [4, 5, 1], [4, 7, 1])
                };
            match &verdict.smtp {
                Some(r) if r.code / 100 == class && r.code < 600 => {
                    let code = [
                        (r.code / 100) as u8,
                        (r.code / 10 % 10) as u8,
                        (r.code % 10) as u8,
                    ];
                    let enhanced = parse_enhanced(&r.enhanced)
                        .filter(|e| e[0] == class)
                        .unwrap_or(default_enhanced);
                    refuse(code, enhanced, &r.text)
                }
                _ => refuse(
                    default_code,
                    default_enhanced,
                    "protective marking: message refused",
                ),
            }
        }
    }
}

/// A milter reply code action, and its `NNN X.Y.Z` for the log.
fn smtp_reply(code: [u8; 3], enhanced: [u16; 3], text: &str) -> (Replycode, String) {
    let log = format!(
        "{}{}{} {}.{}.{}",
        code[0], code[1], code[2], enhanced[0], enhanced[1], enhanced[2]
    );
    (Replycode::new(code, enhanced, &printable(text)), log)
}

/// `5.7.1` as numbers.
fn parse_enhanced(s: &str) -> Option<[u16; 3]> {
    let mut parts = s.trim().split('.').map(|p| p.parse::<u16>().ok());
    let out = [parts.next()??, parts.next()??, parts.next()??];
    if parts.next().is_some() {
        return None;
    }
    Some(out)
}

/// Printable ASCII, one line, no `%` (some MTAs treat reply text as a format string).
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '%' => '?',
            c if c.is_ascii_graphic() || c == ' ' => c,
            _ => '?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Envelope;
    use crate::milter::service::test_service;
    use miltr_common::optneg::Protocol;
    use std::time::Duration;

    fn all() -> Negotiated {
        Negotiated {
            protocol: Protocol::SMFIP_HDR_LEADSPC,
            capabilities: Capability::all(),
        }
    }

    fn final_action(r: &Response) -> &Action {
        match r.replies.last() {
            Some(ServerMessage::Action(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn enhanced_codes() {
        assert_eq!(parse_enhanced("5.7.1"), Some([5, 7, 1]));
        assert_eq!(parse_enhanced("5.7"), None);
        assert_eq!(parse_enhanced("5.7.1.2"), None);
    }

    #[tokio::test]
    async fn responses() {
        let s = test_service(Duration::from_secs(5));
        let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
        let ok = s
            .judge(
                env.clone(),
                b"Subject: x [IN-CONFIDENCE]\r\n\r\nhi\r\n".to_vec(),
            )
            .await;
        let r = response_for(&ok, all());
        assert!(r.reply.is_none());
        assert!(matches!(final_action(&r), Action::Continue(_)));
        match &r.replies[0] {
            ServerMessage::ModificationAction(ModificationAction::AddHeader(h)) => {
                assert_eq!(h.name(), "X-Protective-Marking-Verdict");
                assert!(h.value().starts_with(" accept;"));
            }
            other => panic!("{other:?}"),
        }
        let bad = s
            .judge(env.clone(), b"Subject: x [SECRET]\r\n\r\nhi\r\n".to_vec())
            .await;
        let r = response_for(&bad, all());
        assert_eq!(r.reply.as_deref(), Some("550 5.7.1"));
        match final_action(&r) {
            Action::Replycode(c) => {
                assert_eq!(c.rcode().code(), [5, 5, 0]);
                assert!(c.message().contains("NZISM 15.2.40.C.01"));
            }
            other => panic!("{other:?}"),
        }
        // Quarantine without the MTA's quarantine capability: tempfail, never deliver.
        let mut held = ok.clone();
        held.action = GatewayAction::Quarantine;
        let no_hold = Negotiated {
            protocol: Protocol::empty(),
            capabilities: Capability::SMFIF_ADDHDRS,
        };
        assert_eq!(
            response_for(&held, no_hold).reply.as_deref(),
            Some("451 4.7.1")
        );
        let r = response_for(&held, all());
        assert!(r.replies.iter().any(|m| matches!(
            m,
            ServerMessage::ModificationAction(ModificationAction::Quarantine(_))
        )));
        // A marking the MTA cannot write: tempfail, never an unmarked delivery.
        let mut marked = ok;
        marked.changes.push(HeaderChange::Replace {
            name: "Subject".into(),
            value: "x\r\n [UNCLASSIFIED]".into(),
        });
        assert_eq!(
            response_for(&marked, no_hold).reply.as_deref(),
            Some("451 4.7.1")
        );
        let r = response_for(&marked, all());
        match &r.replies[0] {
            ServerMessage::ModificationAction(ModificationAction::ChangeHeader(h)) => {
                assert_eq!(h.name(), "Subject");
                assert_eq!(h.value(), " x\n [UNCLASSIFIED]");
            }
            other => panic!("{other:?}"),
        }
    }
}
