//! A milter service: the [`Gateway`](crate::Gateway) in front of Postfix (or Sendmail), one
//! [`Gateway::check`](crate::Gateway::check) per message.
//!
//! The service speaks the milter protocol (version 6) with [`miltr-server`] (MIT licence).
//! For each SMTP transaction it collects the envelope sender and **every** accepted envelope
//! recipient (so Bcc recipients and expanded lists count), the headers and the body, rebuilds
//! the raw message (`Name: value` CRLF lines, a blank line, the body), and at the end of the
//! body asks the gateway for a [`Verdict`](crate::Verdict):
//!
//! | verdict | what the MTA is told |
//! |---|---|
//! | accept | add the verdict headers (`X-Protective-Marking-Verdict`), then continue |
//! | reject | reply with the verdict's code, enhanced code and text, e.g. `550 5.7.1 ...` |
//! | tempfail | a 4xx reply, e.g. `451 4.7.1 ...`; the sender retries |
//! | quarantine | add the verdict headers and quarantine (Postfix: the hold queue) |
//!
//! It fails closed: a message over the byte limit, a check that runs past the time budget
//! or panics, all get the policy's `on_error` action ([`Gateway::fail_closed`](crate::Gateway::fail_closed)), never
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
//! The module is split by concept: `options` (the builder and its parsed values), `service`
//! (the shared gateway, check slots and time budget), `listener` (the accept loop),
//! `session` (the milter callbacks for one MTA connection), `reply` (verdict to milter
//! reply, in one place) and `log` (the per-message log line).
//!
//! [`miltr-server`]: https://docs.rs/miltr-server

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
pub use listener::MilterListener;
pub use options::{
    DEFAULT_LISTEN, DEFAULT_SOCKET_MODE, DEFAULT_SUMMARY_INTERVAL, DEFAULT_TIME_BUDGET, ListenAddr,
    LogFormat, MilterOptions, OptionError,
};
pub use service::{MilterService, ReloadError};
