//! The service: a shared, reloadable gateway, the check slots, the time budget and the
//! metrics.

use super::metrics::Metrics;
use super::options::MilterOptions;
use super::session::Source;
use crate::gateway::{Envelope, Gateway, GatewayPolicy, GatewayPolicyError, Verdict};
use std::sync::{Arc, RwLock};
use tokio::sync::Semaphore;

#[derive(Debug)]
pub(super) struct Inner {
    /// The gateway for the next message; replaced whole by a reload.
    pub(super) gateway: RwLock<Arc<Gateway>>,
    pub(super) options: MilterOptions,
    pub(super) permits: Arc<Semaphore>,
    pub(super) metrics: Arc<Metrics>,
}

/// The milter service: a [`Gateway`] and its [`MilterOptions`]. Cheap to clone (shared).
///
/// [`MilterListener::bind`](super::MilterListener::bind) binds its address, then
/// [`serve`](super::MilterListener::serve) or
/// [`serve_until`](super::MilterListener::serve_until) serves it;
/// [`serve_connection`](super::serve_connection) handles one already-connected stream;
/// [`judge`](MilterService::judge) is the budgeted check alone;
/// [`reload`](MilterService::reload) swaps the policy for the next message.
///
/// ```
/// use protective_marking::{gateway::Direction, GatewayAction, GatewayPolicy, gateway::GatewayPolicyError};
/// use protective_marking::milter::{MilterOptions, MilterService};
///
/// let mut policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n",
/// ).unwrap();
/// let service = MilterService::new(MilterOptions::new(policy.clone())).unwrap();
/// assert_eq!(service.gateway().policy().direction, Direction::Inbound);
/// // Building validates the policy again: unreadable mail can never be accepted.
/// policy.on_error = GatewayAction::Accept;
/// let refused = MilterService::new(MilterOptions::new(policy));
/// assert!(matches!(refused, Err(GatewayPolicyError::AcceptOnError)));
/// ```
#[derive(Clone, Debug)]
pub struct MilterService {
    pub(super) inner: Arc<Inner>,
}

impl Source for MilterService {
    fn gateway(&self) -> Arc<Gateway> {
        MilterService::gateway(self)
    }

    fn max_message_bytes(&self, gateway: &Gateway) -> u64 {
        self.inner.options.max_message_bytes_for(gateway.policy())
    }
}

impl MilterService {
    /// The service for `options`: validates the policy ([`Gateway::new`]).
    ///
    /// # Errors
    /// [`GatewayPolicyError`] if the policy is unusable.
    pub fn new(options: MilterOptions) -> Result<MilterService, GatewayPolicyError> {
        let gateway = Gateway::new(options.policy.clone())?;
        Ok(MilterService {
            inner: Arc::new(Inner {
                gateway: RwLock::new(Arc::new(gateway)),
                permits: Arc::new(Semaphore::new(options.max_concurrent_checks.max(1))),
                metrics: Arc::new(Metrics::new()),
                options,
            }),
        })
    }

    /// The gateway the next message is checked with.
    pub fn gateway(&self) -> Arc<Gateway> {
        // A poisoned lock still holds a whole gateway (it is replaced in one assignment).
        let guard = self
            .inner
            .gateway
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(&guard)
    }

    /// The options.
    pub fn options(&self) -> &MilterOptions {
        &self.inner.options
    }

    /// Replace the policy: validated first ([`Gateway::new`]); if it is valid it applies
    /// from the next message on (messages being received keep the one they started with,
    /// and no connection is dropped); if not, the current policy stays.
    ///
    /// ```
    /// use protective_marking::{gateway::Direction, GatewayAction, GatewayPolicy};
    /// use protective_marking::milter::{MilterOptions, MilterService};
    ///
    /// let inbound = "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n";
    /// let service = MilterService::new(MilterOptions::new(GatewayPolicy::from_toml(inbound).unwrap())).unwrap();
    /// let mut stricter = GatewayPolicy::from_toml(inbound).unwrap();
    /// stricter.unmarked = GatewayAction::Quarantine;
    /// service.reload(stricter).unwrap();
    /// assert_eq!(service.gateway().policy().unmarked, GatewayAction::Quarantine);
    /// // An invalid policy is refused and the current one stays.
    /// let mut bad = GatewayPolicy::from_toml(inbound).unwrap();
    /// bad.on_error = GatewayAction::Accept;
    /// assert!(service.reload(bad).is_err());
    /// assert_eq!(service.gateway().policy().unmarked, GatewayAction::Quarantine);
    /// ```
    ///
    /// # Errors
    /// [`GatewayPolicyError`] if the new policy is unusable; nothing changes then.
    pub fn reload(&self, policy: GatewayPolicy) -> Result<(), GatewayPolicyError> {
        let gateway = match Gateway::new(policy) {
            Ok(g) => g,
            Err(e) => {
                self.inner.metrics.reloaded(false);
                return Err(e);
            }
        };
        let mut guard = self
            .inner
            .gateway
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = Arc::new(gateway);
        drop(guard);
        self.inner.metrics.reloaded(true);
        Ok(())
    }

    /// Re-read the policy file at `path` and [`reload`](Self::reload) it: what SIGHUP does
    /// in the milter binary. Every outcome is counted in the `policy_reloads` metric.
    ///
    /// # Errors
    /// [`ReloadError`] if the file cannot be read or the policy is unusable; the current
    /// policy stays.
    pub fn reload_file(&self, path: &std::path::Path) -> Result<(), ReloadError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            self.inner.metrics.reloaded(false);
            ReloadError::Read {
                path: path.to_path_buf(),
                error: e.to_string(),
            }
        })?;
        let policy = GatewayPolicy::from_toml(&text).map_err(|e| {
            self.inner.metrics.reloaded(false);
            ReloadError::Policy {
                path: path.to_path_buf(),
                error: e,
            }
        })?;
        self.reload(policy).map_err(|e| ReloadError::Policy {
            path: path.to_path_buf(),
            error: e,
        })
    }

    /// Write one service line to stderr in the configured log format, e.g. `reload` with
    /// what changed. It is written with [`LogFormat::Off`](super::LogFormat::Off) too, which
    /// silences only the per-message lines.
    pub fn log(&self, event: &str, detail: &str) {
        super::log::log_line(self.inner.options.log_format, event, detail);
    }

    /// The metrics in the Prometheus text format, as `GET /metrics` serves them
    /// ([`MilterOptions::metrics`]): messages by verdict action, reasons by rule, check
    /// latency histograms by action, policy reloads, open connections.
    pub fn metrics_text(&self) -> String {
        self.inner.metrics.text()
    }

    /// The verdict for one message, within the service's limits: at most
    /// [`max_concurrent_checks`](MilterOptions::max_concurrent_checks) run at once, on the
    /// blocking pool; a check that takes longer than the time budget (waiting included) or
    /// panics gets the policy's `on_error` action ([`Gateway::fail_closed`]), never accept.
    ///
    /// ```
    /// use protective_marking::{Envelope, GatewayAction, GatewayPolicy};
    /// use protective_marking::milter::{MilterOptions, MilterService};
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let service = MilterService::new(MilterOptions::new(GatewayPolicy::from_toml(
    ///     "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
    /// ).unwrap())).unwrap();
    /// let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
    /// let v = service.judge(env, b"Subject: Hello [IN-CONFIDENCE]\r\n\r\nhi\r\n".to_vec()).await;
    /// assert_eq!(v.action, GatewayAction::Accept);
    /// # }
    /// ```
    pub async fn judge(&self, envelope: Envelope, raw: Vec<u8>) -> Verdict {
        budgeted(&self.inner, self.gateway(), move |g| {
            g.check(&envelope, &raw)
        })
        .await
    }
}

/// A policy reload that did not happen; the current policy stays.
///
/// ```
/// use protective_marking::GatewayPolicy;
/// use protective_marking::milter::{MilterOptions, MilterService, ReloadError};
///
/// let policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n",
/// ).unwrap();
/// let service = MilterService::new(MilterOptions::new(policy)).unwrap();
/// let err = service.reload_file("/nonexistent/policy.toml".as_ref()).unwrap_err();
/// assert!(matches!(err, ReloadError::Read { .. }));
/// assert!(err.to_string().starts_with("cannot read /nonexistent/policy.toml: "));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReloadError {
    /// The file cannot be read: check the path and that the milter's user may read it.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The policy file.
        path: std::path::PathBuf,
        /// The I/O error.
        error: String,
    },
    /// The policy does not parse or is unusable: fix what the message says.
    #[error("{}: {error}", path.display())]
    Policy {
        /// The policy file.
        path: std::path::PathBuf,
        /// What is wrong.
        error: GatewayPolicyError,
    },
}

/// Run `check` on the blocking pool under the service's concurrency limit and time budget;
/// a panic or time-out gives the fail-closed verdict.
pub(super) async fn budgeted<F>(inner: &Arc<Inner>, gateway: Arc<Gateway>, check: F) -> Verdict
where
    F: FnOnce(&Gateway) -> Verdict + Send + 'static,
{
    let budget = inner.options.time_budget;
    let owned = Arc::clone(inner);
    let checker = Arc::clone(&gateway);
    let work = async move {
        let permit = Arc::clone(&owned.permits).acquire_owned().await;
        let Ok(permit) = permit else {
            return Err("no check slot (the service is shutting down)".to_string());
        };
        let task = tokio::task::spawn_blocking(move || {
            // The slot stays taken until the check really ends, even after a time-out.
            let _permit = permit;
            check(&checker)
        });
        match task.await {
            Ok(verdict) => Ok(verdict),
            Err(e) if e.is_panic() => Err("the check failed (caught panic)".to_string()),
            Err(_) => Err("the check was cancelled".to_string()),
        }
    };
    match tokio::time::timeout(budget, work).await {
        Ok(Ok(verdict)) => verdict,
        Ok(Err(why)) => gateway.fail_closed(&why),
        Err(_) => gateway.fail_closed(&format!(
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
    MilterService::new(
        MilterOptions::new(crate::gateway::GatewayPolicy::from_toml(POLICY).unwrap())
            .time_budget(budget)
            .log_format(LogFormat::Off)
            .max_concurrent_checks(1),
    )
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
        let v = budgeted(&s.inner, s.gateway(), |_| panic!("boom")).await;
        assert_eq!(v.action, GatewayAction::Tempfail);
        assert!(v.reasons[0].message.contains("caught panic"));
    }

    #[tokio::test]
    async fn timeout_fails_closed_and_holds_the_slot() {
        let s = test_service(Duration::from_millis(50));
        let v = budgeted(&s.inner, s.gateway(), |g| {
            std::thread::sleep(Duration::from_millis(300));
            g.fail_closed("unreachable")
        })
        .await;
        assert_eq!(v.action, GatewayAction::Tempfail);
        assert!(v.reasons[0].message.contains("time budget of 50 ms"));
        // The slow check still holds the only slot: the next one waits and times out too.
        let v = budgeted(&s.inner, s.gateway(), |g| g.check(&Envelope::new("a"), b"")).await;
        assert!(v.reasons[0].message.contains("time budget"));
    }
}
