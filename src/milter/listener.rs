//! The bound socket and its accept loop: one task per MTA connection, and the graceful
//! shutdown.

use super::connection;
use super::log::{log_event, log_line};
use super::metrics::summaries;
use super::options::{ListenAddr, MilterOptions};
use super::service::MilterService;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UnixListener};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// A bound milter socket, ready to serve. Dropping it removes a unix socket file.
///
/// ```
/// use protective_marking::GatewayPolicy;
/// use protective_marking::milter::{ListenAddr, MilterListener, MilterOptions, MilterService};
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// let policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n",
/// ).unwrap();
/// // Port 0 asks for any free port; the listener knows which one it got.
/// let options = MilterOptions::new(policy).listen("127.0.0.1:0".parse().unwrap());
/// let service = MilterService::new(options).unwrap();
/// let listener = MilterListener::bind(&service).await?;
/// let ListenAddr::Tcp(addr) = listener.local_addr()? else { unreachable!() };
/// assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"));
/// // Serve until the shutdown future completes: here at once.
/// listener.serve_until(async {}).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct MilterListener {
    service: MilterService,
    kind: Listener,
    metrics: Option<TcpListener>,
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

/// A margin past the time budget for the last replies to be written at shutdown.
const SHUTDOWN_MARGIN: Duration = Duration::from_secs(1);

impl MilterListener {
    /// Binds the service's listen address (replacing a stale unix socket file, then
    /// applying the socket's owner, group and mode) and its metrics address, if any.
    ///
    /// # Errors
    /// An address cannot be bound, or the socket's owner, group or mode cannot be set (an
    /// unknown user or group, or no permission).
    pub async fn bind(service: &MilterService) -> io::Result<MilterListener> {
        let options = service.options();
        let kind = match &options.listen {
            ListenAddr::Tcp(addr) => Listener::Tcp(TcpListener::bind(addr.as_str()).await?),
            ListenAddr::Unix(path) => {
                use std::os::unix::fs::FileTypeExt;
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
                // Removed again if the permissions cannot be set, so no socket is left open
                // to more users than asked.
                let unix = Listener::Unix(listener, path.clone());
                if let Err(e) = set_permissions(path, options) {
                    let _ = std::fs::remove_file(path);
                    return Err(e);
                }
                unix
            }
        };
        let metrics = match options.metrics {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        Ok(MilterListener {
            service: service.clone(),
            kind,
            metrics,
        })
    }

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

    /// The bound metrics address, when [`MilterOptions::metrics`](super::MilterOptions::metrics)
    /// was set (with the real port when port 0 was asked for).
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Serve connections, each in its own task, until the process ends.
    ///
    /// # Errors
    /// Never returns under normal operation; accept errors are logged and retried.
    pub async fn serve(self) -> io::Result<()> {
        self.serve_until(std::future::pending()).await
    }

    /// Serve connections, each in its own task, until `shutdown` completes; then shut down
    /// gracefully: stop accepting (a unix socket file is removed), close idle connections,
    /// let messages being received and checked finish, and return once they have, or once
    /// the time budget has passed (the MTA tempfails what is left).
    ///
    /// Metrics are served alongside when configured; otherwise the log gets a summary line
    /// every [`summary_interval`](super::MilterOptions::summary_interval).
    ///
    /// # Errors
    /// None at present; accept errors (e.g. out of file descriptors) are logged and retried
    /// after a short pause.
    pub async fn serve_until<F>(mut self, shutdown: F) -> io::Result<()>
    where
        F: Future<Output = ()>,
    {
        let options = self.service.options();
        let format = options.log_format;
        let metrics = Arc::clone(&self.service.inner.metrics);
        let side = match self.metrics.take() {
            Some(l) => tokio::spawn(super::metrics::serve(l, Arc::clone(&metrics))),
            None if !options.summary_interval.is_zero() => {
                let interval = options.summary_interval;
                tokio::spawn(async move { summaries(&metrics, interval, format).await })
            }
            None => tokio::spawn(std::future::pending()),
        };
        let stop = CancellationToken::new();
        let tracker = TaskTracker::new();
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                () = &mut shutdown => break,
                accepted = self.accept(&tracker, &stop) => accepted,
            };
            if let Err(e) = accepted {
                log_event(format, "accept_error", &e);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        // Stop accepting: the socket closes (and its file goes) before the wait.
        let budget = options.time_budget;
        drop(self);
        stop.cancel();
        tracker.close();
        let open = tracker.len();
        if open > 0 {
            log_line(
                format,
                "shutdown",
                &format!(
                    "waiting up to {} ms for {open} connection(s) to finish their message",
                    budget.as_millis()
                ),
            );
        }
        let drained = tokio::time::timeout(budget + SHUTDOWN_MARGIN, tracker.wait()).await;
        side.abort();
        let detail = match drained {
            Ok(()) => "every check finished".to_string(),
            Err(_) => format!(
                "{} connection(s) still busy after the time budget; the MTA tempfails them",
                tracker.len()
            ),
        };
        log_line(format, "stopped", &detail);
        Ok(())
    }

    /// Accept one connection and spawn its task.
    async fn accept(&self, tracker: &TaskTracker, stop: &CancellationToken) -> io::Result<()> {
        let service = self.service.clone();
        let format = service.options().log_format;
        let stop = stop.clone();
        match &self.kind {
            Listener::Tcp(l) => {
                let (stream, _) = l.accept().await?;
                // Milter traffic is many small request/reply packets: without TCP_NODELAY,
                // Nagle plus delayed ACKs add tens of ms per message against Postfix.
                stream.set_nodelay(true)?;
                connection::quick_ack(&stream);
                tracker.spawn(async move {
                    let served = connection::serve(&service, stream, stop, connection::quick_ack);
                    if let Err(e) = served.await {
                        log_event(format, "connection_error", &e);
                    }
                });
            }
            Listener::Unix(l, _) => {
                let (stream, _) = l.accept().await?;
                tracker.spawn(async move {
                    if let Err(e) = connection::serve(&service, stream, stop, |_| {}).await {
                        log_event(format, "connection_error", &e);
                    }
                });
            }
        }
        Ok(())
    }
}

/// Owner, group and mode of the unix socket at `path`.
fn set_permissions(path: &std::path::Path, options: &MilterOptions) -> io::Result<()> {
    use nix::unistd::{Group, User};
    use std::os::unix::fs::PermissionsExt;
    let (owner, group, mode) = (
        options.socket_owner.as_deref(),
        options.socket_group.as_deref(),
        options.socket_mode & 0o7777,
    );
    let not_found = |what: &str, name: &str| {
        io::Error::new(io::ErrorKind::NotFound, format!("no {what} `{name}`"))
    };
    let uid = match owner {
        None => None,
        Some(o) => Some(match o.parse::<u32>() {
            Ok(n) => n,
            Err(_) => User::from_name(o)
                .map_err(io::Error::from)?
                .ok_or_else(|| not_found("user", o))?
                .uid
                .as_raw(),
        }),
    };
    let gid = match group {
        None => None,
        Some(g) => Some(match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => Group::from_name(g)
                .map_err(io::Error::from)?
                .ok_or_else(|| not_found("group", g))?
                .gid
                .as_raw(),
        }),
    };
    if uid.is_some() || gid.is_some() {
        std::os::unix::fs::chown(path, uid, gid)?;
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}
