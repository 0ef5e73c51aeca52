//! The service: a shared gateway, the check slots and the time budget.

use super::listener::{Listener, MilterListener};
use super::options::{ListenAddr, MilterOptions};
use super::session::Session;
use crate::gateway::{Envelope, Gateway, Verdict};
use miltr_server::Server;
use std::io;
use std::sync::Arc;
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::Semaphore;
use tokio_util::compat::TokioAsyncReadCompatExt;

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) gateway: Gateway,
    pub(super) options: MilterOptions,
    pub(super) permits: Arc<Semaphore>,
}

/// The milter service: a [`Gateway`] and its [`MilterOptions`]. Cheap to clone (shared).
///
/// [`run`](MilterService::run) binds and serves; [`bind`](MilterService::bind) then
/// [`MilterListener::serve_until`] gives control over the address and shutdown;
/// [`serve_connection`](MilterService::serve_connection) handles one already-connected
/// stream; [`judge`](MilterService::judge) is the budgeted check alone.
///
/// ```
/// use protective_marking::{Direction, GatewayAction, GatewayPolicy, PolicyError};
/// use protective_marking::milter::MilterOptions;
///
/// let mut policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n",
/// ).unwrap();
/// let service = MilterOptions::new(policy.clone()).build().unwrap();
/// assert_eq!(service.gateway().policy().direction, Direction::Inbound);
/// // Building validates the policy again: unreadable mail can never be accepted.
/// policy.on_error = GatewayAction::Accept;
/// let refused = MilterOptions::new(policy).build();
/// assert!(matches!(refused, Err(PolicyError::AcceptOnError)));
/// ```
#[derive(Clone, Debug)]
pub struct MilterService {
    pub(super) inner: Arc<Inner>,
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
        let kind = match &self.inner.options.get_listen() {
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
        Ok(MilterListener::new(self.clone(), kind))
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
pub(super) async fn budgeted<F>(inner: &Arc<Inner>, check: F) -> Verdict
where
    F: FnOnce(&Gateway) -> Verdict + Send + 'static,
{
    let budget = inner.options.get_time_budget();
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

/// A service over a one-domain test policy, with one check slot.
#[cfg(test)]
pub(super) fn test_service(budget: std::time::Duration) -> MilterService {
    use super::options::LogFormat;
    const POLICY: &str = r#"
        [gateway]
        direction = "outbound"
        [[gateway.domain]]
        pattern = "*"
        ceiling = "IN-CONFIDENCE"
    "#;
    MilterOptions::new(crate::gateway::GatewayPolicy::from_toml(POLICY).unwrap())
        .time_budget(budget)
        .log_format(LogFormat::Off)
        .max_concurrent_checks(1)
        .build()
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::GatewayAction;
    use std::time::Duration;

    #[tokio::test]
    async fn panic_fails_closed() {
        let s = test_service(Duration::from_secs(5));
        let v = budgeted(&s.inner, |_| panic!("boom")).await;
        assert_eq!(v.action, GatewayAction::Tempfail);
        assert!(v.reasons[0].message.contains("caught panic"));
    }

    #[tokio::test]
    async fn timeout_fails_closed_and_holds_the_slot() {
        let s = test_service(Duration::from_millis(50));
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
}
