//! The service's options: where to listen, the limits and the log format.

use super::metrics::Metrics;
use super::service::{Inner, MilterService};
use crate::gateway::{Gateway, GatewayPolicy, GatewayPolicyError};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::Semaphore;

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
    /// [`MilterListener::local_addr`](crate::milter::MilterListener::local_addr)).
    Tcp(String),
    /// A unix-domain socket path. A stale socket file at the path is replaced; the socket
    /// gets [`MilterOptions::socket_mode`] (default 0660) and, if set, the owner and group
    /// of [`MilterOptions::socket_owner`] and [`MilterOptions::socket_group`].
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
///
/// ```
/// use protective_marking::milter::{ListenAddr, LogFormat, OptionError};
///
/// // A bad command-line value is refused with a message saying what to write instead.
/// let err: OptionError = "localhost".parse::<ListenAddr>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "listen address `localhost` is not `host:port`, `inet:host:port` or `unix:/path`"
/// );
/// assert!("xml".parse::<LogFormat>().is_err());
/// ```
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
    /// No per-message log (service events such as `listening`, `reload`, `summary` and
    /// `stopped` are still written, as text lines).
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
/// The default mode of a unix socket: owner and group may connect (give Postfix the group
/// with [`MilterOptions::socket_group`]).
pub const DEFAULT_SOCKET_MODE: u32 = 0o660;
/// How often the log gets a one-line summary when metrics are not served: 60 s.
pub const DEFAULT_SUMMARY_INTERVAL: Duration = Duration::from_secs(60);

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
    socket_owner: Option<String>,
    socket_group: Option<String>,
    socket_mode: u32,
    metrics: Option<std::net::SocketAddr>,
    summary_interval: Duration,
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
            socket_owner: None,
            socket_group: None,
            socket_mode: DEFAULT_SOCKET_MODE,
            metrics: None,
            summary_interval: DEFAULT_SUMMARY_INTERVAL,
        }
    }

    /// The owner of the unix socket (a user name or a numeric uid). Changing the owner
    /// needs privilege (root or `CAP_CHOWN`); the group alone usually does not. Default: the
    /// user the milter runs as.
    pub fn socket_owner(mut self, user: impl Into<String>) -> MilterOptions {
        self.socket_owner = Some(user.into());
        self
    }

    /// The group of the unix socket (a group name or a numeric gid), e.g. `postfix`, so that
    /// Postfix can connect with [`DEFAULT_SOCKET_MODE`]. Default: the milter's group.
    pub fn socket_group(mut self, group: impl Into<String>) -> MilterOptions {
        self.socket_group = Some(group.into());
        self
    }

    /// The unix socket's permission bits, e.g. `0o660` (only the low 12 bits count).
    /// Default [`DEFAULT_SOCKET_MODE`].
    pub fn socket_mode(mut self, mode: u32) -> MilterOptions {
        self.socket_mode = mode & 0o7777;
        self
    }

    /// Serve Prometheus metrics over HTTP at `addr` (`GET /metrics`), e.g.
    /// `127.0.0.1:9357`. Off by default; when off, the log gets a periodic summary instead.
    pub fn metrics(mut self, addr: std::net::SocketAddr) -> MilterOptions {
        self.metrics = Some(addr);
        self
    }

    /// How often to log the one-line summary when metrics are off (zero: never). Default
    /// [`DEFAULT_SUMMARY_INTERVAL`].
    pub fn summary_interval(mut self, interval: Duration) -> MilterOptions {
        self.summary_interval = interval;
        self
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

    /// The policy given to [`new`](Self::new) (the service's current one, after a reload,
    /// is [`MilterService::gateway`]'s).
    pub fn get_policy(&self) -> &GatewayPolicy {
        &self.policy
    }

    /// The listen address.
    pub fn get_listen(&self) -> &ListenAddr {
        &self.listen
    }

    /// The effective per-message byte limit under the policy given to [`new`](Self::new)
    /// (after a reload, the new policy's `limits.max_input_bytes` applies unless
    /// [`max_message_bytes`](Self::max_message_bytes) was set).
    pub fn get_max_message_bytes(&self) -> u64 {
        self.max_message_bytes_for(&self.policy)
    }

    pub(super) fn max_message_bytes_for(&self, policy: &GatewayPolicy) -> u64 {
        self.max_message_bytes
            .unwrap_or(policy.agency.limits.max_input_bytes)
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

    /// The unix socket's owner, group and mode.
    pub fn get_socket_permissions(&self) -> (Option<&str>, Option<&str>, u32) {
        (
            self.socket_owner.as_deref(),
            self.socket_group.as_deref(),
            self.socket_mode,
        )
    }

    /// Where metrics are served, if anywhere.
    pub fn get_metrics(&self) -> Option<std::net::SocketAddr> {
        self.metrics
    }

    /// How often the summary is logged when metrics are off.
    pub fn get_summary_interval(&self) -> Duration {
        self.summary_interval
    }

    /// The service: validates the policy ([`Gateway::new`]).
    ///
    /// # Errors
    /// [`GatewayPolicyError`] if the policy is unusable.
    pub fn build(self) -> Result<MilterService, GatewayPolicyError> {
        let gateway = Gateway::new(self.policy.clone())?;
        Ok(MilterService {
            inner: Arc::new(Inner {
                gateway: RwLock::new(Arc::new(gateway)),
                permits: Arc::new(Semaphore::new(self.max_concurrent_checks)),
                metrics: Arc::new(Metrics::new()),
                options: self,
            }),
        })
    }
}
