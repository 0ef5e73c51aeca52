//! The service's options: where to listen, the limits and the log format.

use crate::gateway::GatewayPolicy;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

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
/// use protective_marking::milter::{ListenAddr, LogFormat, MilterOptions, MilterService};
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
/// assert_eq!(options.message_byte_limit(), 20 * 1024 * 1024);
/// let service = MilterService::new(options).unwrap();
/// assert_eq!(service.options().time_budget, Duration::from_secs(5));
/// ```
///
/// Each setter sets the field of its name; the fields are public to read (and to set, for
/// code that builds options from its own configuration).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MilterOptions {
    /// The policy given to [`new`](Self::new) (after a reload, the service's current one is
    /// [`MilterService::gateway`](super::MilterService::gateway)'s).
    pub policy: GatewayPolicy,
    /// Where to listen.
    pub listen: ListenAddr,
    /// The per-message byte limit, if set; [`message_byte_limit`](Self::message_byte_limit)
    /// is the one that applies.
    pub max_message_bytes: Option<u64>,
    /// The longest one message's check may take.
    pub time_budget: Duration,
    /// How each message is logged.
    pub log_format: LogFormat,
    /// How many checks may run at once (0 counts as 1).
    pub max_concurrent_checks: usize,
    /// The unix socket's owner (a user name or uid), if it is to be changed.
    pub socket_owner: Option<String>,
    /// The unix socket's group (a group name or gid), if it is to be changed.
    pub socket_group: Option<String>,
    /// The unix socket's permission bits (only the low 12 bits count).
    pub socket_mode: u32,
    /// Where Prometheus metrics are served, if anywhere.
    pub metrics: Option<std::net::SocketAddr>,
    /// How often the summary is logged when metrics are off (zero: never).
    pub summary_interval: Duration,
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

    /// The per-message byte limit that applies under the policy given to
    /// [`new`](Self::new): [`max_message_bytes`](Self::max_message_bytes) if set, else the
    /// policy's `limits.max_input_bytes` (after a reload, the new policy's, unless set).
    pub fn message_byte_limit(&self) -> u64 {
        self.max_message_bytes_for(&self.policy)
    }

    pub(super) fn max_message_bytes_for(&self, policy: &GatewayPolicy) -> u64 {
        self.max_message_bytes
            .unwrap_or(policy.agency.limits.max_input_bytes)
    }
}
