//! The per-message log line (text or JSON) and connection events, on stderr.

use super::options::LogFormat;
use crate::gateway::Verdict;
use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

/// One message's log line.
pub(super) struct MessageLog<'a> {
    pub(super) queue_id: Option<&'a str>,
    pub(super) sender: &'a str,
    pub(super) recipients: usize,
    pub(super) bytes: u64,
    pub(super) verdict: &'a Verdict,
    pub(super) reply: &'a Option<String>,
    pub(super) duration: Duration,
    /// Whether the MTA agreed to the no-reply steps (only the end of the body answered).
    pub(super) no_reply: bool,
}

pub(super) fn log_message(format: LogFormat, m: &MessageLog<'_>) {
    let mut rules: Vec<&str> = m.verdict.reasons.iter().map(|r| r.rule.id()).collect();
    rules.sort_unstable();
    rules.dedup();
    let marking = m.verdict.marking.as_ref().map(ToString::to_string);
    let reason = m
        .verdict
        .reasons
        .iter()
        .find(|r| r.action == m.verdict.action)
        .map(|r| r.message.as_str());
    let ms = m.duration.as_secs_f64() * 1000.0;
    let line = match format {
        LogFormat::Off => return,
        LogFormat::Json => serde_json::json!({
            "event": "message",
            "queue_id": m.queue_id,
            "sender": m.sender,
            "recipients": m.recipients,
            "bytes": m.bytes,
            "action": m.verdict.action.as_str(),
            "smtp": m.reply,
            "rules": rules,
            "marking": marking,
            "reason": reason,
            "duration_ms": (ms * 1000.0).round() / 1000.0,
            "replies": if m.no_reply { "end-of-message" } else { "every-step" },
        })
        .to_string(),
        LogFormat::Text => format!(
            "protective-marking-milter: queue_id={} sender={:?} recipients={} bytes={} action={} smtp={} rules={:?} marking={:?} duration_ms={:.3} replies={} reason={:?}",
            m.queue_id.unwrap_or("-"),
            m.sender,
            m.recipients,
            m.bytes,
            m.verdict.action,
            m.reply.as_deref().unwrap_or("-").replace(' ', "_"),
            rules.join(","),
            marking.as_deref().unwrap_or("-"),
            ms,
            if m.no_reply {
                "end-of-message"
            } else {
                "every-step"
            },
            reason.unwrap_or("-"),
        ),
    };
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// A service event with a free-text detail (start, reload, shutdown, summary): logged even
/// with `LogFormat::Off`, which turns off only the per-message lines.
pub(super) fn log_line(format: LogFormat, event: &str, detail: &str) {
    let line = match format {
        LogFormat::Json => serde_json::json!({ "event": event, "detail": detail }).to_string(),
        LogFormat::Text | LogFormat::Off => format!("protective-marking-milter: {event}: {detail}"),
    };
    let _ = writeln!(io::stderr().lock(), "{line}");
}

pub(super) fn log_event(format: LogFormat, event: &str, error: &dyn fmt::Display) {
    let line = match format {
        LogFormat::Off => return,
        LogFormat::Json => {
            serde_json::json!({ "event": event, "error": error.to_string() }).to_string()
        }
        LogFormat::Text => format!("protective-marking-milter: {event}: {error}"),
    };
    let _ = writeln!(io::stderr().lock(), "{line}");
}
