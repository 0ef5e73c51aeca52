//! One MTA connection as a state machine without I/O: milter commands in, replies out.
//!
//! The serve loop (`connection`) reads frames, hands each command to [`Session::command`]
//! and writes what it returns. Replies honour the negotiated protocol: a command whose
//! no-reply flag (`SMFIP_NR_*`) was agreed gets none, so with Postfix only the end of the
//! body costs a round trip. An MTA that offers no such flag gets a reply to every command.
//! Keeping the machine free of I/O lets the fuzz target drive it with arbitrary bytes.

use crate::gateway::{Envelope, Gateway};
use bytes::BytesMut;
use miltr_common::{
    actions::{Action, Continue},
    commands::Header,
    decoding::ClientCommand,
    encoding::{ServerMessage, Writable},
    optneg::{Capability, MacroStages, OptNeg, Protocol},
};
use std::sync::Arc;

/// The protocol version spoken (Postfix ≥ 2.6, Sendmail 8.14).
const VERSION: u32 = 6;

/// What the milter asks for. It uses MAIL, RCPT, the headers and the body, and decides only
/// at the end of the body, so every other step is either not sent (`NO_*`) or not answered
/// (`NR_*`). Both kinds are asked for where both exist, so an MTA that has one but not the
/// other still saves the round trip. Header values keep their leading space (`HDR_LEADSPC`)
/// so the rebuilt message is byte for byte what the MTA holds.
pub(super) fn wanted_protocol() -> Protocol {
    Protocol::NO_CONNECT
        | Protocol::NO_HELO
        | Protocol::NO_UNKNOWN
        | Protocol::NO_DATA
        | Protocol::NO_END_OF_HEADER
        | Protocol::NR_CONNECT
        | Protocol::NR_HELO
        | Protocol::NR_MAIL
        | Protocol::NR_RECIPIENT
        | Protocol::NR_DATA
        | Protocol::NR_UNKNOWN
        | Protocol::NR_HEADER
        | Protocol::NR_END_OF_HEADER
        | Protocol::NR_BODY
        | Protocol::SMFIP_HDR_LEADSPC
}

/// The modifications the milter may make: add headers (the verdict, inbound marking),
/// change headers (the subject of inbound mail) and quarantine (Postfix's hold queue).
fn wanted_capabilities() -> Capability {
    Capability::SMFIF_ADDHDRS | Capability::SMFIF_CHGHDRS | Capability::SMFIF_QUARANTINE
}

/// What option negotiation settled: the intersection of what the MTA offered and what the
/// milter wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Negotiated {
    pub(super) protocol: Protocol,
    pub(super) capabilities: Capability,
}

impl Negotiated {
    /// Before negotiation: reply to everything, modify nothing.
    fn none() -> Negotiated {
        Negotiated {
            protocol: Protocol::empty(),
            capabilities: Capability::empty(),
        }
    }

    pub(super) fn leading_space(&self) -> bool {
        self.protocol.contains(Protocol::SMFIP_HDR_LEADSPC)
    }

    pub(super) fn can(&self, capability: Capability) -> bool {
        self.capabilities.contains(capability)
    }

    /// Whether the steps before the end of the body go unanswered (the fast path), for the
    /// log.
    pub(super) fn no_reply_path(&self) -> bool {
        self.protocol
            .contains(Protocol::NR_HEADER | Protocol::NR_BODY)
    }
}

/// One message being received.
#[derive(Debug, Default)]
pub(super) struct Message {
    pub(super) sender: String,
    pub(super) recipients: Vec<String>,
    pub(super) raw: Vec<u8>,
    /// Bytes seen (headers and body), also past the limit.
    pub(super) size: u64,
    pub(super) oversize: bool,
    end_of_headers: bool,
    pub(super) queue_id: Option<String>,
    /// The gateway this message is checked with, taken at MAIL: a policy reloaded while it is
    /// being received applies from the next message.
    pub(super) gateway: Option<Arc<Gateway>>,
    /// The byte limit for this message.
    max: u64,
}

impl Message {
    fn push(&mut self, bytes: &[u8]) {
        self.size = self.size.saturating_add(bytes.len() as u64);
        if self.size > self.max {
            if !self.oversize {
                self.oversize = true;
                self.raw = Vec::new();
            }
        } else {
            self.raw.extend_from_slice(bytes);
        }
    }

    fn finish_headers(&mut self) {
        if !self.end_of_headers {
            self.end_of_headers = true;
            self.push(b"\r\n");
        }
    }

    pub(super) fn envelope(&self) -> Envelope {
        let mut envelope = Envelope::new(self.sender.clone());
        envelope.recipients = self.recipients.clone();
        envelope
    }
}

/// What the serve loop must do after a command.
#[derive(Debug)]
pub(super) enum Next {
    /// Write these replies (none when the step is not answered).
    Reply(Vec<ServerMessage>),
    /// The end of the body: judge `message`, then write [`Session::verdict_replies`].
    Judge(Box<Message>),
    /// The MTA quit: close the connection.
    Close,
}

/// Where the per-message settings come from: the current gateway and the byte limit.
pub(super) trait Source {
    /// The gateway to check the next message with.
    fn gateway(&self) -> Arc<Gateway>;
    /// The byte limit for a message checked with `gateway`.
    fn max_message_bytes(&self, gateway: &Gateway) -> u64;
}

/// One milter connection's state.
#[derive(Debug)]
pub(super) struct Session {
    negotiated: Negotiated,
    message: Message,
    /// Between MAIL and the end of the body (or an abort).
    in_message: bool,
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

/// A header's name and value as the bytes the MTA sent (the `miltr-common` accessors decode
/// lossily, which would change 8-bit headers before the scan sees them).
fn header_bytes(header: &Header) -> (BytesMut, BytesMut) {
    let mut buf = BytesMut::with_capacity(header.len());
    header.write(&mut buf);
    // `name NUL value NUL`
    let name_end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let mut value = buf.split_off(name_end.min(buf.len()));
    let name = buf;
    if !value.is_empty() {
        let _ = value.split_to(1);
    }
    if value.last() == Some(&0) {
        value.truncate(value.len() - 1);
    }
    (name, value)
}

impl Session {
    pub(super) fn new() -> Session {
        Session {
            negotiated: Negotiated::none(),
            message: Message::default(),
            in_message: false,
        }
    }

    pub(super) fn negotiated(&self) -> Negotiated {
        self.negotiated
    }

    /// Whether a message is being received (a shutdown lets it finish).
    pub(super) fn in_message(&self) -> bool {
        self.in_message
    }

    /// Continue, unless the negotiated protocol says this step is not answered.
    fn cont(&self, no_reply: Protocol) -> Next {
        if self.negotiated.protocol.contains(no_reply) {
            Next::Reply(Vec::new())
        } else {
            Next::Reply(vec![ServerMessage::Action(Action::Continue(Continue))])
        }
    }

    fn start_message(&mut self, source: &dyn Source) {
        if self.message.gateway.is_none() {
            let gateway = source.gateway();
            self.message.max = source.max_message_bytes(&gateway);
            self.message.gateway = Some(gateway);
        }
    }

    /// Handle one command from the MTA.
    pub(super) fn command(&mut self, command: ClientCommand, source: &dyn Source) -> Next {
        match command {
            ClientCommand::OptNeg(theirs) => {
                let ours = self.negotiate(&theirs);
                Next::Reply(vec![ServerMessage::Optneg(ours)])
            }
            ClientCommand::Macro(m) => {
                for (name, value) in m.macros() {
                    if (name == b"i" || name == b"{i}") && !value.is_empty() {
                        self.message.queue_id = Some(String::from_utf8_lossy(value).into_owned());
                    }
                }
                Next::Reply(Vec::new())
            }
            ClientCommand::Connect(_) => self.cont(Protocol::NR_CONNECT),
            ClientCommand::Helo(_) => self.cont(Protocol::NR_HELO),
            ClientCommand::Unknown(_) => self.cont(Protocol::NR_UNKNOWN),
            ClientCommand::Data(_) => self.cont(Protocol::NR_DATA),
            ClientCommand::Mail(mail) => {
                // A new transaction; keep the queue id a MAIL-stage macro may just have sent.
                let queue_id = self.message.queue_id.take();
                self.message = Message {
                    sender: bare_address(&mail.sender()),
                    queue_id,
                    ..Message::default()
                };
                self.start_message(source);
                self.in_message = true;
                self.cont(Protocol::NR_MAIL)
            }
            ClientCommand::Recipient(r) => {
                self.message.recipients.push(bare_address(&r.recipient()));
                self.cont(Protocol::NR_RECIPIENT)
            }
            ClientCommand::Header(header) => {
                self.start_message(source);
                let (name, value) = header_bytes(&header);
                let mut line = Vec::with_capacity(name.len() + value.len() + 4);
                line.extend_from_slice(&name);
                line.push(b':');
                if !self.negotiated.leading_space() && !value.is_empty() {
                    line.push(b' ');
                }
                line.extend_from_slice(&crlf(&value));
                line.extend_from_slice(b"\r\n");
                self.message.push(&line);
                self.cont(Protocol::NR_HEADER)
            }
            ClientCommand::EndOfHeader(_) => {
                self.start_message(source);
                self.message.finish_headers();
                self.cont(Protocol::NR_END_OF_HEADER)
            }
            ClientCommand::Body(body) => {
                self.start_message(source);
                self.message.finish_headers();
                self.message.push(body.as_bytes());
                self.cont(Protocol::NR_BODY)
            }
            ClientCommand::EndOfBody(_) => {
                self.start_message(source);
                self.message.finish_headers();
                let message = std::mem::take(&mut self.message);
                Next::Judge(Box::new(message))
            }
            ClientCommand::Abort(_) => {
                // The transaction ends; the connection stays for the next one. Keep nothing.
                self.message = Message::default();
                self.in_message = false;
                Next::Reply(Vec::new())
            }
            ClientCommand::QuitNc(_) => {
                // The MTA reuses the connection for a new SMTP session.
                self.message = Message::default();
                self.in_message = false;
                Next::Reply(Vec::new())
            }
            ClientCommand::Quit(_) => Next::Close,
        }
    }

    /// The replies to the end of the body, once the verdict's replies are known; the next
    /// message starts afresh.
    pub(super) fn verdict_replies(&mut self, replies: Vec<ServerMessage>) -> Vec<ServerMessage> {
        self.in_message = false;
        replies
    }

    /// Agree on version, protocol and capabilities: what the MTA offered and the milter
    /// wants. A milter may answer with a lower version than the MTA's; steps the MTA did
    /// not offer to skip are sent and answered as usual.
    fn negotiate(&mut self, theirs: &OptNeg) -> OptNeg {
        let mut protocol = wanted_protocol().intersection(theirs.protocol);
        if theirs.version < VERSION {
            // Before version 6 the no-reply flags and leading-space mode do not exist.
            protocol = protocol.intersection(
                Protocol::NO_CONNECT
                    | Protocol::NO_HELO
                    | Protocol::NO_UNKNOWN
                    | Protocol::NO_DATA
                    | Protocol::NO_END_OF_HEADER,
            );
        }
        let capabilities = wanted_capabilities().intersection(theirs.capabilities);
        self.negotiated = Negotiated {
            protocol,
            capabilities,
        };
        OptNeg {
            version: theirs.version.min(VERSION),
            capabilities,
            protocol,
            macro_stages: MacroStages::default(),
        }
    }
}

/// Encode replies as milter frames (4-byte big-endian length, command byte, payload).
pub(super) fn encode(replies: &[ServerMessage], out: &mut BytesMut) {
    for r in replies {
        let len = 1 + r.len();
        out.reserve(4 + len);
        out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(&[r.code()]);
        r.write(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miltr_common::commands::{Body, EndOfBody, Mail, Recipient};

    struct Fixed(Arc<Gateway>);
    impl Source for Fixed {
        fn gateway(&self) -> Arc<Gateway> {
            Arc::clone(&self.0)
        }
        fn max_message_bytes(&self, _: &Gateway) -> u64 {
            8
        }
    }

    fn source() -> Fixed {
        let policy = crate::gateway::GatewayPolicy::from_toml(
            "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n",
        )
        .unwrap();
        Fixed(Arc::new(Gateway::new(policy).unwrap()))
    }

    fn replies(next: Next) -> usize {
        match next {
            Next::Reply(r) => r.len(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_values_get_crlf() {
        assert_eq!(crlf(b"a\n\tb\r\n c"), b"a\r\n\tb\r\n c".to_vec());
    }

    #[test]
    fn header_bytes_are_kept() {
        let h = Header::new(b"Subject", b" caf\xe9");
        let (name, value) = header_bytes(&h);
        assert_eq!(&name[..], b"Subject");
        assert_eq!(&value[..], b" caf\xe9");
    }

    #[test]
    fn oversize_drops_buffer() {
        let mut m = Message {
            max: 8,
            ..Message::default()
        };
        m.push(b"12345");
        m.push(b"6789");
        assert!(m.oversize);
        assert!(m.raw.is_empty());
        assert_eq!(m.size, 9);
    }

    #[test]
    fn replies_follow_the_negotiated_protocol() {
        let src = source();
        // An MTA that offers every flag: only the end of the body is answered.
        let mut fast = Session::new();
        let offer = OptNeg {
            protocol: Protocol::all(),
            ..OptNeg::default()
        };
        assert_eq!(replies(fast.command(offer.into(), &src)), 1);
        assert!(fast.negotiated().no_reply_path());
        assert_eq!(
            replies(fast.command(Mail::from(&b"<a@b>"[..]).into(), &src)),
            0
        );
        assert!(fast.in_message());
        let rcpt: Recipient = (&b"<c@d>"[..]).into();
        assert_eq!(replies(fast.command(rcpt.into(), &src)), 0);
        let h = Header::new(b"Subject", b" x");
        assert_eq!(replies(fast.command(h.into(), &src)), 0);
        let body: Body = (&b"hello"[..]).into();
        assert_eq!(replies(fast.command(body.into(), &src)), 0);
        let Next::Judge(m) = fast.command(EndOfBody.into(), &src) else {
            panic!("judge");
        };
        assert!(m.oversize, "over the test limit of 8 bytes");
        assert_eq!(m.recipients, ["c@d"]);

        // An MTA that offers no flag: every step is answered.
        let mut slow = Session::new();
        let offer = OptNeg {
            protocol: Protocol::empty(),
            ..OptNeg::default()
        };
        assert_eq!(replies(slow.command(offer.into(), &src)), 1);
        assert!(!slow.negotiated().no_reply_path());
        assert_eq!(
            replies(slow.command(Mail::from(&b"<a@b>"[..]).into(), &src)),
            1
        );
        let h = Header::new(b"Subject", b"x");
        assert_eq!(replies(slow.command(h.into(), &src)), 1);
    }
}
