//! The serve loop of one MTA connection: frames in, the session's replies out, and the check
//! at the end of each message.

use super::log::{MessageLog, log_message};
use super::reply::response_for;
use super::service::{MilterService, budgeted};
use super::session::{Message, Negotiated, Next, Session, encode};
use bytes::BytesMut;
use miltr_common::{decoding::ClientCommand, encoding::ServerMessage};
use std::io;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Decoder, LengthDelimitedCodec};
use tokio_util::sync::CancellationToken;

/// The largest milter frame read. Postfix and Sendmail send body chunks of at most 64 KiB;
/// a header line can be longer (Postfix's `header_size_limit` is 100 KiB). A larger frame
/// ends the connection, and the MTA applies `milter_default_action` (tempfail).
pub(super) const MAX_FRAME: usize = 1024 * 1024;

/// The milter framing: a 4-byte big-endian length, then that many bytes (the command byte
/// and its payload).
pub(super) fn codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder()
        .length_field_length(4)
        .big_endian()
        .max_frame_length(MAX_FRAME)
        .new_codec()
}

fn protocol_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("milter protocol: {e}"))
}

/// A TCP connection's ACKs go out at once (`TCP_QUICKACK`, Linux). With the no-reply steps
/// the MTA writes several small commands in a row and the milter answers none of them; an
/// MTA that does not set `TCP_NODELAY` (Postfix does not, on milter connections) holds each
/// write back under Nagle's algorithm until the last one is acknowledged, and a delayed ACK
/// makes that about 40 ms per message. Quick-ack mode is not sticky, so it is renewed after
/// every read (renewing it after writes as well measured no better).
pub(super) fn quick_ack(stream: &tokio::net::TcpStream) {
    #[cfg(target_os = "linux")]
    {
        let _ = socket2::SockRef::from(stream).set_tcp_quickack(true);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = stream;
}

/// Handles one milter connection (one MTA session, any number of messages) on `stream`
/// until the MTA closes it: for a stream accepted elsewhere (a
/// [`MilterListener`](super::MilterListener) accepts its own).
///
/// # Errors
/// I/O or milter protocol errors on the connection. The MTA then applies its
/// `milter_default_action` to the message in progress.
pub async fn serve_connection<S>(service: &MilterService, stream: S) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin + Send,
{
    serve(service, stream, CancellationToken::new(), |_| {}).await
}

/// Serve one connection until the MTA closes or quits it, or `shutdown` is cancelled while
/// no message is in progress (a message being received is finished first). `after_io`
/// runs after every read from the socket (see [`quick_ack`]).
pub(super) async fn serve<S>(
    service: &MilterService,
    mut stream: S,
    shutdown: CancellationToken,
    after_io: fn(&S),
) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let metrics = &service.inner.metrics;
    metrics.connection_opened();
    let result = run(service, &mut stream, &shutdown, after_io).await;
    metrics.connection_closed();
    result
}

async fn run<S>(
    service: &MilterService,
    stream: &mut S,
    shutdown: &CancellationToken,
    after_io: fn(&S),
) -> io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut session = Session::new();
    let mut codec = codec();
    let mut input = BytesMut::with_capacity(16 * 1024);
    let mut output = BytesMut::with_capacity(1024);
    loop {
        // Everything already read: with no-reply steps the MTA streams several commands
        // before it waits for an answer.
        while let Some(frame) = codec.decode(&mut input)? {
            let command = ClientCommand::parse(frame).map_err(protocol_error)?;
            match session.command(command, service) {
                Next::Reply(replies) => encode(&replies, &mut output),
                Next::Close => {
                    stream.write_all(&output).await?;
                    return Ok(());
                }
                Next::Judge(message) => {
                    let replies = judge(service, *message, session.negotiated()).await;
                    encode(&session.verdict_replies(replies), &mut output);
                }
            }
        }
        if !output.is_empty() {
            stream.write_all(&output).await?;
            output.clear();
        }
        let read = tokio::select! {
            biased;
            () = shutdown.cancelled(), if !session.in_message() => return Ok(()),
            read = stream.read_buf(&mut input) => read?,
        };
        if read == 0 {
            // The MTA closed the connection (a frame cut short is dropped with it).
            return Ok(());
        }
        after_io(stream);
    }
}

/// The verdict for one received message, as milter replies; logged and counted.
async fn judge(service: &MilterService, message: Message, n: Negotiated) -> Vec<ServerMessage> {
    let started = Instant::now();
    let gateway = message.gateway.clone().unwrap_or_else(|| service.gateway());
    let envelope = message.envelope();
    let verdict = if message.oversize {
        let max = service
            .inner
            .options
            .max_message_bytes_for(gateway.policy());
        gateway.fail_closed(&format!(
            "the message is larger than the milter's limit of {max} bytes"
        ))
    } else {
        let raw = message.raw;
        budgeted(&service.inner, gateway, move |g| g.check(&envelope, &raw)).await
    };
    let response = response_for(&verdict, n);
    let took = started.elapsed();
    service.inner.metrics.record(&verdict, took);
    log_message(
        service.inner.options.log_format,
        &MessageLog {
            queue_id: message.queue_id.as_deref(),
            sender: &message.sender,
            recipients: message.recipients.len(),
            bytes: message.size,
            verdict: &verdict,
            reply: &response.reply,
            duration: took,
            no_reply: n.no_reply_path(),
        },
    );
    response.replies
}
