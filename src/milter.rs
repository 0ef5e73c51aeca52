//! A milter service: the [`Gateway`] in front of Postfix (or Sendmail), one
//! [`Gateway::check`] per message.
//!
//! The service speaks the milter protocol (version 6) with [`miltr-server`] (MIT licence).
//! For each SMTP transaction it collects the envelope sender and **every** accepted envelope
//! recipient (so Bcc recipients and expanded lists count), the headers and the body, rebuilds
//! the raw message (`Name: value` CRLF lines, a blank line, the body), and at the end of the
//! body asks the gateway for a [`Verdict`]:
//!
//! | verdict | what the MTA is told |
//! |---|---|
//! | accept | add the verdict headers (`X-Protective-Marking-Verdict`), then continue |
//! | reject | reply with the verdict's code, enhanced code and text, e.g. `550 5.7.1 ...` |
//! | tempfail | a 4xx reply, e.g. `451 4.7.1 ...`; the sender retries |
//! | quarantine | add the verdict headers and quarantine (Postfix: the hold queue) |
//!
//! It fails closed: a message over the byte limit, a check that runs past the time budget
//! or panics, all get the policy's `on_error` action ([`Gateway::fail_closed`]), never
//! accept. If the milter itself is down, Postfix applies `milter_default_action`; set it to
//! `tempfail`.
//!
//! Every connection runs in its own task; checks run on tokio's blocking pool, at most
//! [`MilterOptions::max_concurrent_checks`] at once (waiting for a slot counts against the
//! time budget).
//!
//! ```no_run
//! use protective_marking::GatewayPolicy;
//! use protective_marking::milter::{LogFormat, MilterOptions};
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = GatewayPolicy::from_toml(&std::fs::read_to_string("policy.toml")?)?;
//! let service = MilterOptions::new(policy)
//!     .listen("inet:127.0.0.1:7357".parse()?)
//!     .time_budget(Duration::from_secs(10))
//!     .log_format(LogFormat::Json)
//!     .build()?;
//! service.run().await?; // serves until the process ends
//! # Ok(()) }
//! ```
//!
//! [`miltr-server`]: https://docs.rs/miltr-server

use crate::gateway::{Envelope, Gateway, GatewayAction, GatewayPolicy, PolicyError, Verdict};
use async_trait::async_trait;
use miltr_common::{
    ProtocolError,
    actions::{Action, Continue, Replycode},
    commands::{Body, Header, Macro, Mail, Recipient},
    modifications::{ModificationResponse, headers::AddHeader, quarantine::Quarantine},
    optneg::{Capability, OptNeg, Protocol},
};
use miltr_server::{Milter, Server};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::Semaphore;
use tokio_util::compat::TokioAsyncReadCompatExt;

/// Where the milter listens: TCP `host:port` or a unix-domain socket.
///
/// Parsed from `host:port`, `inet:host:port` (Postfix's spelling) or `unix:/path`.
///
/// ```
/// use protective_marking::milter::ListenAddr;
/// let tcp: ListenAddr = "127.0.0.1:7357".parse().unwrap();
/// assert_eq!(tcp, ListenAddr::Tcp("127.0.0.1:7357".into()));
/// assert_eq!(tcp.postfix_milter(), "inet:127.0.0.1:7357");
/// let unix: ListenAddr = "unix:/run/pm-milter.sock".parse().unwrap();
/// assert_eq!(unix.to_string(), "unix:/run/pm-milter.sock");
/// assert!("nonsense".parse::<ListenAddr>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ListenAddr {
    /// A TCP address, `host:port` (port 0 picks a free port; see
    /// [`MilterListener::local_addr`]).
    Tcp(String),
    /// A unix-domain socket path. A stale socket file at the path is replaced; the socket is
    /// made mode 0666, so restrict access with the directory's permissions.
    Unix(PathBuf),
}

impl ListenAddr {
    /// The address as Postfix's `smtpd_milters` wants it: `inet:host:port` or `unix:/path`.
    pub fn postfix_milter(&self) -> String {
        match self {
            ListenAddr::Tcp(a) => format!("inet:{a}"),
            ListenAddr::Unix(p) => format!("unix:{}", p.display()),
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenAddr::Tcp(a) => f.write_str(a),
            ListenAddr::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

/// A milter option that could not be read (a listen address or log format).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OptionError(String);

impl FromStr for ListenAddr {
    type Err = OptionError;

    fn from_str(s: &str) -> Result<ListenAddr, OptionError> {
        let s = s.trim();
        if let Some(path) = s.strip_prefix("unix:").or_else(|| s.strip_prefix("local:")) {
            if path.is_empty() {
                return Err(OptionError("listen address `unix:` needs a path".into()));
            }
            return Ok(ListenAddr::Unix(PathBuf::from(path)));
        }
        let hostport = s.strip_prefix("inet:").unwrap_or(s);
        match hostport.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                Ok(ListenAddr::Tcp(hostport.to_string()))
            }
            _ => Err(OptionError(format!(
                "listen address `{s}` is not `host:port`, `inet:host:port` or `unix:/path`"
            ))),
        }
    }
}

/// How the milter logs each message to stderr.
///
/// ```
/// use protective_marking::milter::LogFormat;
/// assert_eq!("json".parse::<LogFormat>().unwrap(), LogFormat::Json);
/// assert!("xml".parse::<LogFormat>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LogFormat {
    /// One `key=value` line per message (values quoted and escaped).
    #[default]
    Text,
    /// One JSON object per line per message.
    Json,
    /// No per-message log.
    Off,
}

impl FromStr for LogFormat {
    type Err = OptionError;

    fn from_str(s: &str) -> Result<LogFormat, OptionError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            "off" | "none" => Ok(LogFormat::Off),
            _ => Err(OptionError(format!(
                "log format `{s}` is not `text`, `json` or `off`"
            ))),
        }
    }
}

/// The default listen address, `127.0.0.1:7357`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7357";
/// The default time budget for one message's check: 20 s, below Postfix's
/// `milter_command_timeout` (30 s) so the milter answers before Postfix gives up.
pub const DEFAULT_TIME_BUDGET: Duration = Duration::from_secs(20);

/// Options for the milter service (a builder). Only the policy is required.
///
/// ```
/// use protective_marking::GatewayPolicy;
/// use protective_marking::milter::{ListenAddr, LogFormat, MilterOptions};
/// use std::time::Duration;
///
/// let policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
/// ).unwrap();
/// let options = MilterOptions::new(policy)
///     .listen(ListenAddr::Unix("/run/pm-milter.sock".into()))
///     .max_message_bytes(20 * 1024 * 1024)
///     .time_budget(Duration::from_secs(5))
///     .log_format(LogFormat::Json)
///     .max_concurrent_checks(4);
/// assert_eq!(options.get_max_message_bytes(), 20 * 1024 * 1024);
/// let service = options.build().unwrap();
/// assert_eq!(service.options().get_time_budget(), Duration::from_secs(5));
/// ```
#[derive(Clone, Debug)]
pub struct MilterOptions {
    policy: GatewayPolicy,
    listen: ListenAddr,
    max_message_bytes: Option<u64>,
    time_budget: Duration,
    log_format: LogFormat,
    max_concurrent_checks: usize,
}

impl MilterOptions {
    /// Options for `policy`, with the defaults: listen on [`DEFAULT_LISTEN`], max message
    /// bytes from the policy's `limits.max_input_bytes`, [`DEFAULT_TIME_BUDGET`], text logs,
    /// as many concurrent checks as the machine has cores.
    pub fn new(policy: GatewayPolicy) -> MilterOptions {
        MilterOptions {
            policy,
            listen: ListenAddr::Tcp(DEFAULT_LISTEN.into()),
            max_message_bytes: None,
            time_budget: DEFAULT_TIME_BUDGET,
            log_format: LogFormat::Text,
            max_concurrent_checks: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }

    /// Where to listen.
    pub fn listen(mut self, addr: ListenAddr) -> MilterOptions {
        self.listen = addr;
        self
    }

    /// The largest message (headers plus body, as the MTA passes them) the milter reads.
    /// A larger message gets the policy's `on_error` action, never accept. Default: the
    /// policy's `limits.max_input_bytes`.
    pub fn max_message_bytes(mut self, bytes: u64) -> MilterOptions {
        self.max_message_bytes = Some(bytes);
        self
    }

    /// The longest one message's check may take, including waiting for a check slot. Past
    /// it the message gets the policy's `on_error` action. Default [`DEFAULT_TIME_BUDGET`].
    pub fn time_budget(mut self, budget: Duration) -> MilterOptions {
        self.time_budget = budget;
        self
    }

    /// How to log each message (to stderr).
    pub fn log_format(mut self, format: LogFormat) -> MilterOptions {
        self.log_format = format;
        self
    }

    /// How many checks may run at once (at least 1). Default: the number of cores.
    pub fn max_concurrent_checks(mut self, n: usize) -> MilterOptions {
        self.max_concurrent_checks = n.max(1);
        self
    }

    /// The policy.
    pub fn get_policy(&self) -> &GatewayPolicy {
        &self.policy
    }

    /// The listen address.
    pub fn get_listen(&self) -> &ListenAddr {
        &self.listen
    }

    /// The effective per-message byte limit.
    pub fn get_max_message_bytes(&self) -> u64 {
        self.max_message_bytes
            .unwrap_or(self.policy.limits.max_input_bytes)
    }

    /// The per-message time budget.
    pub fn get_time_budget(&self) -> Duration {
        self.time_budget
    }

    /// The log format.
    pub fn get_log_format(&self) -> LogFormat {
        self.log_format
    }

    /// How many checks may run at once.
    pub fn get_max_concurrent_checks(&self) -> usize {
        self.max_concurrent_checks
    }

    /// The service: validates the policy ([`Gateway::new`]).
    ///
    /// # Errors
    /// [`PolicyError`] if the policy is unusable.
    pub fn build(self) -> Result<MilterService, PolicyError> {
        let gateway = Gateway::new(self.policy.clone())?;
        Ok(MilterService {
            inner: Arc::new(Inner {
                gateway,
                permits: Arc::new(Semaphore::new(self.max_concurrent_checks)),
                options: self,
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    gateway: Gateway,
    options: MilterOptions,
    permits: Arc<Semaphore>,
}

/// The milter service: a [`Gateway`] and its [`MilterOptions`]. Cheap to clone (shared).
///
/// [`run`](MilterService::run) binds and serves; [`bind`](MilterService::bind) then
/// [`MilterListener::serve_until`] gives control over the address and shutdown;
/// [`serve_connection`](MilterService::serve_connection) handles one already-connected
/// stream; [`judge`](MilterService::judge) is the budgeted check alone.
#[derive(Clone, Debug)]
pub struct MilterService {
    inner: Arc<Inner>,
}

impl MilterService {
    /// The gateway.
    pub fn gateway(&self) -> &Gateway {
        &self.inner.gateway
    }

    /// The options.
    pub fn options(&self) -> &MilterOptions {
        &self.inner.options
    }

    /// Bind the listen address and serve until the process ends.
    ///
    /// # Errors
    /// The address cannot be bound.
    pub async fn run(&self) -> io::Result<()> {
        self.bind().await?.serve().await
    }

    /// Bind the listen address (replacing a stale unix socket file).
    ///
    /// # Errors
    /// The address cannot be bound.
    pub async fn bind(&self) -> io::Result<MilterListener> {
        let kind = match &self.inner.options.listen {
            ListenAddr::Tcp(addr) => Listener::Tcp(TcpListener::bind(addr.as_str()).await?),
            ListenAddr::Unix(path) => {
                use std::os::unix::fs::{FileTypeExt, PermissionsExt};
                if let Ok(meta) = std::fs::symlink_metadata(path) {
                    if meta.file_type().is_socket() {
                        std::fs::remove_file(path)?;
                    } else {
                        return Err(io::Error::new(
                            io::ErrorKind::AlreadyExists,
                            format!("{} exists and is not a socket", path.display()),
                        ));
                    }
                }
                let listener = UnixListener::bind(path)?;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
                Listener::Unix(listener, path.clone())
            }
        };
        Ok(MilterListener {
            service: self.clone(),
            kind,
        })
    }

    /// Handle one milter connection (one MTA session, any number of messages) on `stream`
    /// until the MTA closes it.
    ///
    /// # Errors
    /// I/O or milter protocol errors on the connection. The MTA then applies its
    /// `milter_default_action` to the message in progress.
    pub async fn serve_connection<S>(&self, stream: S) -> io::Result<()>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send,
    {
        let mut session = Session::new(self.clone());
        let mut server = Server::default_postfix(&mut session);
        server
            .handle_connection(stream.compat())
            .await
            .map_err(|e| match e {
                miltr_server::Error::Io(e) => e,
                other => io::Error::new(io::ErrorKind::InvalidData, other.to_string()),
            })
    }

    /// The verdict for one message, within the service's limits: at most
    /// [`max_concurrent_checks`](MilterOptions::max_concurrent_checks) run at once, on the
    /// blocking pool; a check that takes longer than the time budget (waiting included) or
    /// panics gets the policy's `on_error` action ([`Gateway::fail_closed`]), never accept.
    ///
    /// ```
    /// use protective_marking::{Envelope, GatewayAction, GatewayPolicy};
    /// use protective_marking::milter::MilterOptions;
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let service = MilterOptions::new(GatewayPolicy::from_toml(
    ///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
    /// ).unwrap()).build().unwrap();
    /// let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
    /// let v = service.judge(env, b"Subject: Hello [IN-CONFIDENCE]\r\n\r\nhi\r\n".to_vec()).await;
    /// assert_eq!(v.action, GatewayAction::Accept);
    /// # }
    /// ```
    pub async fn judge(&self, envelope: Envelope, raw: Vec<u8>) -> Verdict {
        budgeted(&self.inner, move |g| g.check(&envelope, &raw)).await
    }
}

/// Run `check` on the blocking pool under the service's concurrency limit and time budget;
/// a panic or time-out gives the fail-closed verdict.
async fn budgeted<F>(inner: &Arc<Inner>, check: F) -> Verdict
where
    F: FnOnce(&Gateway) -> Verdict + Send + 'static,
{
    let budget = inner.options.time_budget;
    let owned = Arc::clone(inner);
    let work = async move {
        let permit = Arc::clone(&owned.permits).acquire_owned().await;
        let Ok(permit) = permit else {
            return Err("no check slot (the service is shutting down)".to_string());
        };
        let task = tokio::task::spawn_blocking(move || {
            // The slot stays taken until the check really ends, even after a time-out.
            let _permit = permit;
            check(&owned.gateway)
        });
        match task.await {
            Ok(verdict) => Ok(verdict),
            Err(e) if e.is_panic() => Err("the check failed (caught panic)".to_string()),
            Err(_) => Err("the check was cancelled".to_string()),
        }
    };
    match tokio::time::timeout(budget, work).await {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(why)) => inner.gateway.fail_closed(&why),
        Err(_) => inner.gateway.fail_closed(&format!(
            "the check took longer than the time budget of {} ms",
            budget.as_millis()
        )),
    }
}

/// A bound milter socket, ready to serve. Dropping it removes a unix socket file.
#[derive(Debug)]
pub struct MilterListener {
    service: MilterService,
    kind: Listener,
}

#[derive(Debug)]
enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

impl Drop for MilterListener {
    fn drop(&mut self) {
        if let Listener::Unix(_, path) = &self.kind {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl MilterListener {
    /// The bound address (for TCP, with the real port when port 0 was asked for).
    ///
    /// # Errors
    /// The socket's address cannot be read.
    pub fn local_addr(&self) -> io::Result<ListenAddr> {
        match &self.kind {
            Listener::Tcp(l) => Ok(ListenAddr::Tcp(l.local_addr()?.to_string())),
            Listener::Unix(_, path) => Ok(ListenAddr::Unix(path.clone())),
        }
    }

    /// Serve connections, each in its own task, until the process ends.
    ///
    /// # Errors
    /// Never returns under normal operation; accept errors are logged and retried.
    pub async fn serve(self) -> io::Result<()> {
        self.serve_until(std::future::pending()).await
    }

    /// Serve connections, each in its own task, until `shutdown` completes; then stop
    /// accepting (connections in progress finish in their tasks).
    ///
    /// # Errors
    /// None at present; accept errors (e.g. out of file descriptors) are logged and retried
    /// after a short pause.
    pub async fn serve_until<F>(self, shutdown: F) -> io::Result<()>
    where
        F: Future<Output = ()>,
    {
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                () = &mut shutdown => return Ok(()),
                accepted = self.accept() => accepted,
            };
            match accepted {
                Ok(()) => {}
                Err(e) => {
                    log_event(self.service.inner.options.log_format, "accept_error", &e);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Accept one connection and spawn its task.
    async fn accept(&self) -> io::Result<()> {
        let service = self.service.clone();
        let format = service.inner.options.log_format;
        match &self.kind {
            Listener::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                // Milter traffic is many small request/reply packets: without TCP_NODELAY,
                // Nagle plus delayed ACKs add tens of ms per message (crates.md §5).
                stream.set_nodelay(true)?;
                tokio::spawn(async move {
                    if let Err(e) = service.serve_connection(stream).await {
                        log_event(format, "connection_error", &e);
                    }
                });
            }
            Listener::Unix(l, _) => {
                let (stream, _) = l.accept().await?;
                tokio::spawn(async move {
                    if let Err(e) = service.serve_connection(stream).await {
                        log_event(format, "connection_error", &e);
                    }
                });
            }
        }
        Ok(())
    }
}

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
struct Session {
    service: MilterService,
    /// Header values come with their leading whitespace (SMFIP_HDR_LEADSPC), and added
    /// headers must bring theirs.
    leading_space: bool,
    can_quarantine: bool,
    can_add_headers: bool,
    message: Message,
}

impl Session {
    fn new(service: MilterService) -> Session {
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
            self.service.inner.options.log_format,
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

/// What the milter answers for a verdict, and the SMTP reply it causes (for the log).
struct Response {
    response: ModificationResponse,
    /// `550 5.7.1` / `451 4.7.1`, or `None` when the MTA accepts (with its own 250).
    reply: Option<String>,
}

/// The milter answer for `verdict`: the single place verdicts become milter actions.
fn response_for(
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

/// One message's log line.
struct MessageLog<'a> {
    queue_id: Option<&'a str>,
    sender: &'a str,
    recipients: usize,
    bytes: u64,
    verdict: &'a Verdict,
    reply: &'a Option<String>,
    duration: Duration,
}

fn log_message(format: LogFormat, m: &MessageLog<'_>) {
    let mut rules: Vec<&str> = m.verdict.reasons.iter().map(|r| r.rule.as_str()).collect();
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
        })
        .to_string(),
        LogFormat::Text => format!(
            "protective-marking-milter: queue_id={} sender={:?} recipients={} bytes={} action={} smtp={} rules={:?} marking={:?} duration_ms={:.3} reason={:?}",
            m.queue_id.unwrap_or("-"),
            m.sender,
            m.recipients,
            m.bytes,
            m.verdict.action,
            m.reply.as_deref().unwrap_or("-").replace(' ', "_"),
            rules.join(","),
            marking.as_deref().unwrap_or("-"),
            ms,
            reason.unwrap_or("-"),
        ),
    };
    let _ = writeln!(io::stderr().lock(), "{line}");
}

fn log_event(format: LogFormat, event: &str, error: &dyn fmt::Display) {
    let line = match format {
        LogFormat::Off => return,
        LogFormat::Json => {
            serde_json::json!({ "event": event, "error": error.to_string() }).to_string()
        }
        LogFormat::Text => format!("protective-marking-milter: {event}: {error}"),
    };
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use miltr_common::modifications::ModificationAction;

    const POLICY: &str = r#"
        [gateway]
        direction = "outbound"
        [[gateway.domain]]
        pattern = "*"
        ceiling = "IN-CONFIDENCE"
    "#;

    fn service(budget: Duration) -> MilterService {
        MilterOptions::new(GatewayPolicy::from_toml(POLICY).unwrap())
            .time_budget(budget)
            .log_format(LogFormat::Off)
            .max_concurrent_checks(1)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn panic_fails_closed() {
        let s = service(Duration::from_secs(5));
        let v = budgeted(&s.inner, |_| panic!("boom")).await;
        assert_eq!(v.action, GatewayAction::Tempfail);
        assert!(v.reasons[0].message.contains("caught panic"));
    }

    #[tokio::test]
    async fn timeout_fails_closed_and_holds_the_slot() {
        let s = service(Duration::from_millis(50));
        let v = budgeted(&s.inner, |g| {
            std::thread::sleep(Duration::from_millis(300));
            g.fail_closed("unreachable")
        })
        .await;
        assert_eq!(v.action, GatewayAction::Tempfail);
        assert!(v.reasons[0].message.contains("time budget of 50 ms"));
        // The slow check still holds the only slot: the next one waits and times out too.
        let v = budgeted(&s.inner, |g| g.check(&Envelope::new("a"), b"")).await;
        assert!(v.reasons[0].message.contains("time budget"));
    }

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

    #[test]
    fn enhanced_codes() {
        assert_eq!(parse_enhanced("5.7.1"), Some([5, 7, 1]));
        assert_eq!(parse_enhanced("5.7"), None);
        assert_eq!(parse_enhanced("5.7.1.2"), None);
    }

    #[tokio::test]
    async fn responses() {
        let s = service(Duration::from_secs(5));
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
