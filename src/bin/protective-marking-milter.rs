//! The protective-marking milter: the gateway in front of Postfix or Sendmail.
//!
//! `cargo install protective-marking --features milter` installs it. Wiring only: flags in,
//! [`MilterOptions`] built, a tokio runtime, signals, [`MilterListener::serve_until`]. See the
//! README's operator guide for Postfix, systemd, reload and metrics.
//!
//! Signals: SIGHUP re-reads the policy file (a valid policy applies from the next message; an
//! invalid one is logged and the old one stays); SIGTERM or SIGINT stops accepting, lets the
//! messages in progress finish (bounded by the time budget) and exits 0.
//!
//! Exit codes: 0 after a graceful stop, or `--check-config` on a valid policy; 2 for a bad
//! flag, an unreadable or invalid policy, or an address that cannot be bound.

use clap::Parser;
use protective_marking::milter::{
    ListenAddr, LogFormat, MilterListener, MilterOptions, MilterService,
};
use protective_marking::{Gateway, GatewayPolicy};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};

#[derive(Parser, Debug)]
#[command(
    name = "protective-marking-milter",
    version,
    about = "Milter that checks New Zealand protective markings (NZISM 15.1/15.2) on every message",
    after_help = "Postfix main.cf:\n  smtpd_milters = inet:127.0.0.1:7357\n  milter_default_action = tempfail\n  milter_protocol = 6\n\nSignals: HUP reloads the policy, TERM stops gracefully."
)]
struct Cli {
    /// Validate the policy FILE and exit: 0 if it is usable, 2 if not. Serves nothing.
    #[arg(long, value_name = "FILE", conflicts_with = "policy")]
    check_config: Option<PathBuf>,
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "check_config",
        help = "The gateway policy file (TOML, a [gateway] table); re-read on SIGHUP"
    )]
    policy: Option<PathBuf>,
    /// Where to listen: host:port, inet:host:port or unix:/path.
    #[arg(long, default_value = protective_marking::milter::DEFAULT_LISTEN)]
    listen: ListenAddr,
    /// Owner of the unix socket (user name or uid; changing it needs privilege).
    #[arg(long, value_name = "USER")]
    socket_owner: Option<String>,
    /// Group of the unix socket (group name or gid), e.g. postfix.
    #[arg(long, value_name = "GROUP")]
    socket_group: Option<String>,
    /// Permission bits of the unix socket, in octal.
    #[arg(long, value_name = "MODE", default_value = "0660", value_parser = octal)]
    socket_mode: u32,
    /// Serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9357).
    #[arg(long, value_name = "ADDR")]
    metrics: Option<std::net::SocketAddr>,
    /// Without --metrics: log a one-line summary every N seconds (0: never).
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    summary_interval: u64,
    /// Largest message to read, in bytes; larger ones get the policy's on_error action.
    /// Default: the policy's limits.max_input_bytes.
    #[arg(long, value_name = "BYTES")]
    max_message_bytes: Option<u64>,
    /// Longest one message's check may take; past it, the policy's on_error action. Also
    /// the longest a graceful stop waits for messages in progress.
    #[arg(long, value_name = "MS", default_value_t = 20_000)]
    time_budget_ms: u64,
    /// Per-message log on stderr: text, json or off.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    log_format: LogFormat,
    /// Checks run at once (default: number of cores).
    #[arg(long, value_name = "N")]
    max_concurrent_checks: Option<usize>,
}

fn octal(s: &str) -> Result<u32, String> {
    u32::from_str_radix(s.trim_start_matches("0o"), 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| format!("`{s}` is not an octal mode such as 0660"))
}

/// Read and validate a policy file, with the file name in the error.
fn load(path: &Path) -> Result<GatewayPolicy, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let policy = GatewayPolicy::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    // Everything the milter checks at start-up, so `--check-config` and a reload agree
    // with it.
    Gateway::new(policy.clone()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(policy)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(path) = &cli.check_config {
        return match load(path) {
            Ok(p) => {
                println!(
                    "{}: ok ({} gateway, {} path(s){})",
                    path.display(),
                    match p.direction {
                        protective_marking::gateway::Direction::Inbound => "inbound",
                        protective_marking::gateway::Direction::Outbound => "outbound",
                    },
                    p.domains.len(),
                    if p.inbound_marking.is_some() {
                        ", inbound marking"
                    } else {
                        ""
                    }
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("protective-marking-milter: {e}");
                ExitCode::from(2)
            }
        };
    }
    let Some(policy_path) = cli.policy.clone() else {
        eprintln!("protective-marking-milter: --policy FILE is required");
        return ExitCode::from(2);
    };
    let policy = match load(&policy_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("protective-marking-milter: {e}");
            return ExitCode::from(2);
        }
    };
    let mut options = MilterOptions::new(policy)
        .listen(cli.listen.clone())
        .time_budget(Duration::from_millis(cli.time_budget_ms))
        .log_format(cli.log_format)
        .socket_mode(cli.socket_mode)
        .summary_interval(Duration::from_secs(cli.summary_interval));
    if let Some(u) = &cli.socket_owner {
        options = options.socket_owner(u.clone());
    }
    if let Some(g) = &cli.socket_group {
        options = options.socket_group(g.clone());
    }
    if let Some(addr) = cli.metrics {
        options = options.metrics(addr);
    }
    if let Some(n) = cli.max_message_bytes {
        options = options.max_message_bytes(n);
    }
    if let Some(n) = cli.max_concurrent_checks {
        options = options.max_concurrent_checks(n);
    }
    let service = match MilterService::new(options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("protective-marking-milter: {}: {e}", policy_path.display());
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("protective-marking-milter: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        // Signal handlers first, so a signal right after start-up is not lost.
        let (Ok(mut hup), Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            eprintln!("protective-marking-milter: cannot install signal handlers");
            return ExitCode::from(2);
        };
        let listener: MilterListener = match MilterListener::bind(&service).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "protective-marking-milter: cannot listen on {}: {e}",
                    cli.listen
                );
                return ExitCode::from(2);
            }
        };
        let addr = listener
            .local_addr()
            .map_or_else(|_| cli.listen.to_string(), |a| a.postfix_milter());
        let metrics = listener
            .metrics_addr()
            .map_or_else(String::new, |a| format!("; metrics on http://{a}/metrics"));
        service.log("listening", &format!("listening on {addr}{metrics}"));
        let reloader = service.clone();
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                match reloader.reload_file(&policy_path) {
                    Ok(()) => reloader.log(
                        "reload",
                        &format!("{}: applied to the next message", policy_path.display()),
                    ),
                    Err(e) => {
                        reloader.log("reload_error", &format!("{e}; keeping the current policy"))
                    }
                }
            }
        });
        let stopping = service.clone();
        let shutdown = async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            stopping.log("shutdown", "signal received: no new connections");
        };
        match listener.serve_until(shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("protective-marking-milter: {e}");
                ExitCode::from(1)
            }
        }
    })
}
