//! A milter service: the [`Gateway`](crate::Gateway) in front of Postfix (or Sendmail), one
//! [`Gateway::check`](crate::Gateway::check) per message.
//!
//! The service speaks the milter protocol (version 6, and older MTAs' versions) with the
//! message types of [`miltr-common`] (MIT licence) and a serve loop of its own that honours
//! the negotiated protocol: it asks not to be sent the steps it does not use (`SMFIP_NO*`)
//! and not to answer the ones it does not act on (`SMFIP_NR_*`), so with Postfix only the end
//! of each message costs a round trip; an MTA that offers none of these gets an answer to
//! every command. For each SMTP transaction it collects the envelope sender and **every**
//! accepted envelope recipient (so Bcc recipients and expanded lists count), the headers and
//! the body, rebuilds the raw message (`Name: value` CRLF lines, a blank line, the body), and
//! at the end of the body asks the gateway for a [`Verdict`](crate::Verdict):
//!
//! | verdict | what the MTA is told |
//! |---|---|
//! | accept | apply the verdict's header changes (inbound marking) and add the verdict headers (`X-Protective-Marking-Verdict`), then continue |
//! | reject | reply with the verdict's code, enhanced code and text, e.g. `550 5.7.1 ...` |
//! | tempfail | a 4xx reply, e.g. `451 4.7.1 ...`; the sender retries |
//! | quarantine | as accept, then quarantine (Postfix: the hold queue) |
//!
//! It fails closed: a message over the byte limit, a check that runs past the time budget
//! or panics, all get the policy's `on_error` action ([`Gateway::fail_closed`](crate::Gateway::fail_closed)), never
//! accept. If the milter itself is down, Postfix applies `milter_default_action`; set it to
//! `tempfail`.
//!
//! Every connection runs in its own task; checks run on tokio's blocking pool, at most
//! [`MilterOptions::max_concurrent_checks`] at once (waiting for a slot counts against the
//! time budget). [`MilterService::reload`] swaps the policy for the next message without
//! dropping a connection; [`MilterListener::serve_until`] shuts down gracefully (stop
//! accepting, finish the messages in progress, bounded by the time budget). Counters and
//! check-latency histograms are kept for [`MilterService::metrics_text`] and, with
//! [`MilterOptions::metrics`], served over HTTP in the Prometheus text format.
//!
//! ```no_run
//! use protective_marking::GatewayPolicy;
//! use protective_marking::milter::{LogFormat, MilterListener, MilterOptions, MilterService};
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let policy = GatewayPolicy::from_toml(&std::fs::read_to_string("policy.toml")?)?;
//! let options = MilterOptions::new(policy)
//!     .listen("inet:127.0.0.1:7357".parse()?)
//!     .time_budget(Duration::from_secs(10))
//!     .log_format(LogFormat::Json);
//! let service = MilterService::new(options)?;
//! MilterListener::bind(&service).await?.serve().await?; // serves until the process ends
//! # Ok(()) }
//! ```
//!
//! The module is split by concept, each file using only those before it: `session` (the
//! protocol state machine, without I/O), `reply` (verdict to milter reply, in one place),
//! `options` (the builder and its parsed values), `log` (the log lines), `metrics`
//! (counters, histograms, the `/metrics` endpoint and the log summary), `service` (the
//! shared, reloadable gateway, check slots and time budget), `connection` (the serve loop of
//! one connection) and `listener` (the bound socket, the accept loop and graceful shutdown).
//!
//! [`miltr-common`]: https://docs.rs/miltr-common

mod connection;
#[doc(hidden)]
pub mod internal;
mod listener;
mod log;
mod metrics;
mod options;
mod reply;
mod service;
mod session;

// The public interface: the options (a builder), the service and its listener.
pub use connection::serve_connection;
pub use listener::MilterListener;
pub use options::{
    DEFAULT_LISTEN, DEFAULT_SOCKET_MODE, DEFAULT_SUMMARY_INTERVAL, DEFAULT_TIME_BUDGET, ListenAddr,
    LogFormat, MilterOptions, OptionError,
};
pub use service::{MilterService, ReloadError};
