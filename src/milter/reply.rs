//! Verdicts to milter replies, in one place.

use crate::gateway::{GatewayAction, Verdict};
use miltr_common::{
    actions::Replycode,
    modifications::{ModificationResponse, headers::AddHeader, quarantine::Quarantine},
};

/// What the milter answers for a verdict, and the SMTP reply it causes (for the log).
pub(super) struct Response {
    pub(super) response: ModificationResponse,
    /// `550 5.7.1` / `451 4.7.1`, or `None` when the MTA accepts (with its own 250).
    pub(super) reply: Option<String>,
}

/// The milter answer for `verdict`: the single place verdicts become milter actions.
pub(super) fn response_for(
    verdict: &Verdict,
    leading_space: bool,
    can_add_headers: bool,
    can_quarantine: bool,
) -> Response {
    let mut builder = ModificationResponse::builder();
    let push_headers = |builder: &mut miltr_common::modifications::ModificationResponseBuilder| {
        if !can_add_headers {
            return;
        }
        for (name, value) in &verdict.headers {
            let value = if leading_space {
                format!(" {value}")
            } else {
                value.clone()
            };
            builder.push(AddHeader::new(name.as_bytes(), value.as_bytes()));
        }
    };
    match verdict.action {
        GatewayAction::Accept => {
            push_headers(&mut builder);
            Response {
                response: builder.contin(),
                reply: None,
            }
        }
        GatewayAction::Quarantine if can_quarantine => {
            push_headers(&mut builder);
            let reason = verdict.reasons.iter().find(|r| r.action == verdict.action);
            let text = reason.map_or_else(
                || "protective marking: held for review".to_string(),
                |r| format!("protective marking: {} ({})", r.message, r.rule),
            );
            builder.push(Quarantine::new(printable(&text).as_bytes()));
            Response {
                response: builder.contin(),
                reply: None,
            }
        }
        GatewayAction::Quarantine => {
            // The MTA did not offer quarantine: refuse for now rather than deliver.
            let (reply, text) = smtp_reply(
                [4, 5, 1],
                [4, 7, 1],
                "protective marking: message must be held for review but the MTA cannot hold it",
            );
            Response {
                response: builder.build(reply),
                reply: Some(text),
            }
        }
        GatewayAction::Reject | GatewayAction::Tempfail => {
            let (class, default_code, default_enhanced): (u16, [u8; 3], [u16; 3]) =
                if verdict.action == GatewayAction::Reject {
                    (5, [5, 5, 0], [5, 7, 1])
                } else {
                    (4, [4, 5, 1], [4, 7, 1])
                };
            let (code, enhanced, text) = match &verdict.smtp {
                Some(r) if r.code / 100 == class && r.code < 600 => {
                    let code = [
                        (r.code / 100) as u8,
                        (r.code / 10 % 10) as u8,
                        (r.code % 10) as u8,
                    ];
                    let enhanced = parse_enhanced(&r.enhanced)
                        .filter(|e| e[0] == class)
                        .unwrap_or(default_enhanced);
                    (code, enhanced, r.text.clone())
                }
                _ => (
                    default_code,
                    default_enhanced,
                    "protective marking: message refused".to_string(),
                ),
            };
            let (reply, text) = smtp_reply(code, enhanced, &text);
            Response {
                response: builder.build(reply),
                reply: Some(text),
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
    use miltr_common::actions::Action;
    use miltr_common::modifications::ModificationAction;
    use std::time::Duration;

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
        let r = response_for(&ok, true, true, true);
        assert!(r.reply.is_none());
        assert!(matches!(r.response.final_action(), Action::Continue(_)));
        match &r.response.modifications()[0] {
            ModificationAction::AddHeader(h) => {
                assert_eq!(h.name(), "X-Protective-Marking-Verdict");
                assert!(h.value().starts_with(" accept;"));
            }
            other => panic!("{other:?}"),
        }
        let bad = s
            .judge(env.clone(), b"Subject: x [SECRET]\r\n\r\nhi\r\n".to_vec())
            .await;
        let r = response_for(&bad, true, true, true);
        assert_eq!(r.reply.as_deref(), Some("550 5.7.1"));
        match r.response.final_action() {
            Action::Replycode(c) => {
                assert_eq!(c.rcode().code(), [5, 5, 0]);
                assert!(c.message().contains("NZISM 15.2.40.C.01"));
            }
            other => panic!("{other:?}"),
        }
        // Quarantine without the MTA's quarantine capability: tempfail, never deliver.
        let mut held = ok.clone();
        held.action = GatewayAction::Quarantine;
        let r = response_for(&held, false, true, false);
        assert_eq!(r.reply.as_deref(), Some("451 4.7.1"));
        let r = response_for(&held, false, true, true);
        assert!(
            r.response
                .modifications()
                .iter()
                .any(|m| matches!(m, ModificationAction::Quarantine(_)))
        );
    }
}
