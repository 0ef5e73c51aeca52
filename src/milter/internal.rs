//! Hooks for the fuzz targets (fuzz/fuzz_targets/milter.rs). Not a stable interface.

use super::connection::codec;
use super::reply::response_for;
use super::session::{Next, Session, Source, encode};
use crate::gateway::{Gateway, GatewayPolicy};
use bytes::BytesMut;
use miltr_common::decoding::ClientCommand;
use miltr_common::optneg::Protocol;
use std::sync::{Arc, LazyLock};
use tokio_util::codec::Decoder;

static GATEWAY: LazyLock<Arc<Gateway>> = LazyLock::new(|| {
    let policy = GatewayPolicy::from_toml(
        "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n\
         [gateway.inbound_marking]\nunmarked = true\nforeign = true\n",
    )
    .expect("the fuzz policy is valid");
    Arc::new(Gateway::new(policy).expect("the fuzz policy is valid"))
});

struct Fixed;

impl Source for Fixed {
    fn gateway(&self) -> Arc<Gateway> {
        Arc::clone(&GATEWAY)
    }

    fn max_message_bytes(&self, _: &Gateway) -> u64 {
        64 * 1024
    }
}

/// The no-reply flag that silences `command`, if it has one.
fn no_reply_flag(command: &ClientCommand) -> Option<Protocol> {
    Some(match command {
        ClientCommand::Connect(_) => Protocol::NR_CONNECT,
        ClientCommand::Helo(_) => Protocol::NR_HELO,
        ClientCommand::Mail(_) => Protocol::NR_MAIL,
        ClientCommand::Recipient(_) => Protocol::NR_RECIPIENT,
        ClientCommand::Data(_) => Protocol::NR_DATA,
        ClientCommand::Header(_) => Protocol::NR_HEADER,
        ClientCommand::EndOfHeader(_) => Protocol::NR_END_OF_HEADER,
        ClientCommand::Body(_) => Protocol::NR_BODY,
        ClientCommand::Unknown(_) => Protocol::NR_UNKNOWN,
        _ => return None,
    })
}

/// Drive one session with `data` as the MTA's byte stream, the way the serve loop does
/// (checks run inline), and assert what must hold for any input: nothing panics, a step
/// whose no-reply flag was negotiated gets no reply, every other MTA step gets exactly one
/// answer, and every reply encodes as a frame the codec reads back.
pub fn drive_session(data: &[u8]) {
    let mut session = Session::new();
    let mut frames_in = codec();
    let mut input = BytesMut::from(data);
    while let Ok(Some(frame)) = frames_in.decode(&mut input) {
        let Ok(command) = ClientCommand::parse(frame) else {
            return; // the serve loop ends the connection here
        };
        let silenced =
            no_reply_flag(&command).is_some_and(|f| session.negotiated().protocol.contains(f));
        let answered = no_reply_flag(&command).is_some();
        let replies = match session.command(command, &Fixed) {
            Next::Reply(r) => r,
            Next::Close => return,
            Next::Judge(message) => {
                let envelope = message.envelope();
                let gateway = message.gateway.clone().unwrap_or_else(|| Fixed.gateway());
                let verdict = if message.oversize {
                    gateway.fail_closed("over the limit")
                } else {
                    gateway.check(&envelope, &message.raw)
                };
                let replies = response_for(&verdict, session.negotiated()).replies;
                assert!(
                    !replies.is_empty(),
                    "the end of the body is always answered"
                );
                session.verdict_replies(replies)
            }
        };
        if silenced {
            assert!(replies.is_empty(), "a reply to a no-reply step");
        } else if answered {
            assert_eq!(replies.len(), 1, "one answer per step");
        }
        let mut out = BytesMut::new();
        encode(&replies, &mut out);
        let mut back = codec();
        let mut frames = 0;
        while let Some(f) = back.decode(&mut out).expect("our own frames decode") {
            assert!(!f.is_empty());
            frames += 1;
        }
        assert_eq!(frames, replies.len());
        assert!(out.is_empty());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_postfix_like_stream() {
        let mut data = Vec::new();
        let mut frame = |code: u8, payload: &[u8]| {
            data.extend_from_slice(&(1 + payload.len() as u32).to_be_bytes());
            data.push(code);
            data.extend_from_slice(payload);
        };
        // OPTNEG version 6, all actions, all protocol flags.
        frame(b'O', &[0, 0, 0, 6, 0, 0, 1, 0xff, 0, 0x1f, 0xff, 0xff]);
        frame(b'M', b"<someone@example.com>\0");
        frame(b'R', b"<a@agency.govt.nz>\0");
        frame(b'L', b"Subject\0 =?UTF-8?B?S2lhIG9yYQ==?=\0");
        frame(b'N', b"");
        frame(b'B', b"Hello\r\n");
        frame(b'E', b"");
        frame(b'Q', b"");
        super::drive_session(&data);
    }
}
