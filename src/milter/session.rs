//! One MTA connection: the milter callbacks collect the envelope and the message, and the
//! end of the body asks the service for the verdict.

use super::log::{MessageLog, log_message};
use super::reply::response_for;
use super::service::MilterService;
use crate::gateway::Envelope;
use async_trait::async_trait;
use miltr_common::{
    ProtocolError,
    actions::{Action, Continue},
    commands::{Body, Header, Macro, Mail, Recipient},
    modifications::ModificationResponse,
    optneg::{Capability, OptNeg, Protocol},
};
use miltr_server::Milter;
use std::convert::Infallible;
use std::time::Instant;

/// One message being received.
#[derive(Debug, Default)]
struct Message {
    sender: String,
    recipients: Vec<String>,
    raw: Vec<u8>,
    /// Bytes seen (headers and body), also past the limit.
    size: u64,
    oversize: bool,
    end_of_headers: bool,
    queue_id: Option<String>,
}

impl Message {
    fn push(&mut self, bytes: &[u8], max: u64) {
        self.size = self.size.saturating_add(bytes.len() as u64);
        if self.size > max {
            if !self.oversize {
                self.oversize = true;
                self.raw = Vec::new();
            }
        } else {
            self.raw.extend_from_slice(bytes);
        }
    }

    fn finish_headers(&mut self, max: u64) {
        if !self.end_of_headers {
            self.end_of_headers = true;
            self.push(b"\r\n", max);
        }
    }
}

/// One milter connection's state.
pub(super) struct Session {
    service: MilterService,
    /// Header values come with their leading whitespace (SMFIP_HDR_LEADSPC), and added
    /// headers must bring theirs.
    leading_space: bool,
    can_quarantine: bool,
    can_add_headers: bool,
    message: Message,
}

impl Session {
    pub(super) fn new(service: MilterService) -> Session {
        Session {
            service,
            leading_space: false,
            can_quarantine: false,
            can_add_headers: false,
            message: Message::default(),
        }
    }

    fn max_bytes(&self) -> u64 {
        self.service.inner.options.get_max_message_bytes()
    }
}

/// An address without surrounding whitespace and angle brackets.
fn bare_address(a: &str) -> String {
    a.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

/// `value` with bare LF line ends made CRLF (milter header values fold with LF).
fn crlf(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 8);
    let mut prev = 0u8;
    for &b in value {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    out
}

#[async_trait]
impl Milter for Session {
    type Error = Infallible;

    async fn option_negotiation(
        &mut self,
        theirs: OptNeg,
    ) -> Result<OptNeg, miltr_server::Error<Infallible>> {
        // Ask only for what the check needs; never ask for "no reply" (NR_*) steps, because
        // the server library answers every command.
        let ours = OptNeg {
            capabilities: Capability::SMFIF_ADDHDRS | Capability::SMFIF_QUARANTINE,
            protocol: Protocol::NO_CONNECT
                | Protocol::NO_HELO
                | Protocol::NO_UNKNOWN
                | Protocol::SMFIP_HDR_LEADSPC,
            ..OptNeg::default()
        };
        let merged = ours
            .merge_compatible(&theirs)
            .map_err(|e| miltr_server::Error::Codec(ProtocolError::CompatibilityError(e)))?;
        self.leading_space = merged.protocol.contains(Protocol::SMFIP_HDR_LEADSPC);
        self.can_quarantine = merged.capabilities.contains(Capability::SMFIF_QUARANTINE);
        self.can_add_headers = merged.capabilities.contains(Capability::SMFIF_ADDHDRS);
        Ok(merged)
    }

    async fn macro_(&mut self, macro_: Macro) -> Result<(), Infallible> {
        for (name, value) in macro_.macros() {
            if (name == b"i" || name == b"{i}") && !value.is_empty() {
                self.message.queue_id = Some(String::from_utf8_lossy(value).into_owned());
            }
        }
        Ok(())
    }

    async fn mail(&mut self, mail: Mail) -> Result<Action, Infallible> {
        // A new transaction; keep the queue id a MAIL-stage macro may just have sent.
        let queue_id = self.message.queue_id.take();
        self.message = Message {
            sender: bare_address(&mail.sender()),
            queue_id,
            ..Message::default()
        };
        Ok(Continue.into())
    }

    async fn rcpt(&mut self, recipient: Recipient) -> Result<Action, Infallible> {
        self.message
            .recipients
            .push(bare_address(&recipient.recipient()));
        Ok(Continue.into())
    }

    async fn header(&mut self, header: Header) -> Result<Action, Infallible> {
        let max = self.max_bytes();
        let mut line = Vec::new();
        line.extend_from_slice(header.name().as_bytes());
        line.push(b':');
        let value = header.value();
        if !self.leading_space && !value.is_empty() {
            line.push(b' ');
        }
        line.extend_from_slice(&crlf(value.as_bytes()));
        line.extend_from_slice(b"\r\n");
        self.message.push(&line, max);
        Ok(Continue.into())
    }

    async fn end_of_header(&mut self) -> Result<Action, Infallible> {
        let max = self.max_bytes();
        self.message.finish_headers(max);
        Ok(Continue.into())
    }

    async fn body(&mut self, body: Body) -> Result<Action, Infallible> {
        let max = self.max_bytes();
        self.message.finish_headers(max);
        self.message.push(body.as_bytes(), max);
        Ok(Continue.into())
    }

    async fn end_of_body(&mut self) -> Result<ModificationResponse, Infallible> {
        let started = Instant::now();
        let max = self.max_bytes();
        self.message.finish_headers(max);
        let message = std::mem::take(&mut self.message);
        let mut envelope = Envelope::new(message.sender.clone());
        envelope.recipients = message.recipients.clone();
        let verdict = if message.oversize {
            self.service.gateway().fail_closed(&format!(
                "the message is larger than the milter's limit of {max} bytes"
            ))
        } else {
            self.service.judge(envelope, message.raw).await
        };
        let response = response_for(
            &verdict,
            self.leading_space,
            self.can_add_headers,
            self.can_quarantine,
        );
        log_message(
            self.service.inner.options.get_log_format(),
            &MessageLog {
                queue_id: message.queue_id.as_deref(),
                sender: &message.sender,
                recipients: message.recipients.len(),
                bytes: message.size,
                verdict: &verdict,
                reply: &response.reply,
                duration: started.elapsed(),
            },
        );
        Ok(response.response)
    }

    async fn abort(&mut self) -> Result<(), Infallible> {
        self.message = Message::default();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_get_crlf() {
        assert_eq!(crlf(b"a\n\tb\r\n c"), b"a\r\n\tb\r\n c".to_vec());
    }

    #[test]
    fn oversize_drops_buffer() {
        let mut m = Message::default();
        m.push(b"12345", 8);
        m.push(b"6789", 8);
        assert!(m.oversize);
        assert!(m.raw.is_empty());
        assert_eq!(m.size, 9);
    }
}
