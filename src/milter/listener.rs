//! The bound socket and its accept loop: one task per MTA connection.

use super::log::log_event;
use super::options::ListenAddr;
use super::service::MilterService;
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::time::Duration;
use tokio::net::{TcpListener, UnixListener};

/// A bound milter socket, ready to serve. Dropping it removes a unix socket file.
///
/// ```
/// use protective_marking::GatewayPolicy;
/// use protective_marking::milter::{ListenAddr, MilterOptions};
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// let policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n",
/// ).unwrap();
/// // Port 0 asks for any free port; the listener knows which one it got.
/// let options = MilterOptions::new(policy).listen("127.0.0.1:0".parse().unwrap());
/// let listener = options.build().unwrap().bind().await?;
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
}

#[derive(Debug)]
pub(super) enum Listener {
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
    pub(super) fn new(service: MilterService, kind: Listener) -> MilterListener {
        MilterListener { service, kind }
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
                    log_event(
                        self.service.inner.options.get_log_format(),
                        "accept_error",
                        &e,
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// Accept one connection and spawn its task.
    async fn accept(&self) -> io::Result<()> {
        let service = self.service.clone();
        let format = service.inner.options.get_log_format();
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
