//! The protective-marking milter: `cargo run --release --example milter -- --policy FILE`.
//!
//! Wiring only: flags in, [`MilterOptions`] built, a tokio runtime, [`MilterService::run`].
//! Point Postfix's `smtpd_milters` at `--listen` (see the README's operator guide).
//! Exit code 2 for a bad flag, an unreadable or invalid policy, or an address that cannot be
//! bound.

use clap::Parser;
use protective_marking::GatewayPolicy;
use protective_marking::milter::{ListenAddr, LogFormat, MilterOptions, MilterService};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "milter",
    version,
    about = "Milter that checks New Zealand protective markings (NZISM 15.1/15.2) on every message",
    after_help = "Postfix main.cf:\n  smtpd_milters = inet:127.0.0.1:7357\n  milter_default_action = tempfail\n  milter_protocol = 6"
)]
struct Cli {
    /// Where to listen: host:port, inet:host:port or unix:/path.
    #[arg(long, default_value = protective_marking::milter::DEFAULT_LISTEN)]
    listen: ListenAddr,
    /// The gateway policy file (TOML, a [gateway] table).
    #[arg(long, value_name = "FILE")]
    policy: std::path::PathBuf,
    /// Largest message to read, in bytes; larger ones get the policy's on_error action.
    /// Default: the policy's limits.max_input_bytes.
    #[arg(long, value_name = "BYTES")]
    max_message_bytes: Option<u64>,
    /// Longest one message's check may take; past it, the policy's on_error action.
    #[arg(long, value_name = "MS", default_value_t = 20_000)]
    time_budget_ms: u64,
    /// Per-message log on stderr: text, json or off.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    log_format: LogFormat,
    /// Checks run at once (default: number of cores).
    #[arg(long, value_name = "N")]
    max_concurrent_checks: Option<usize>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let text = match std::fs::read_to_string(&cli.policy) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("milter: cannot read {}: {e}", cli.policy.display());
            return ExitCode::from(2);
        }
    };
    let policy = match GatewayPolicy::from_toml(&text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("milter: {}: {e}", cli.policy.display());
            return ExitCode::from(2);
        }
    };
    let mut options = MilterOptions::new(policy)
        .listen(cli.listen.clone())
        .time_budget(Duration::from_millis(cli.time_budget_ms))
        .log_format(cli.log_format);
    if let Some(n) = cli.max_message_bytes {
        options = options.max_message_bytes(n);
    }
    if let Some(n) = cli.max_concurrent_checks {
        options = options.max_concurrent_checks(n);
    }
    let service: MilterService = match options.build() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("milter: {}: {e}", cli.policy.display());
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("milter: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let listener = match service.bind().await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("milter: cannot listen on {}: {e}", cli.listen);
                return ExitCode::from(2);
            }
        };
        let addr = listener
            .local_addr()
            .map_or_else(|_| cli.listen.to_string(), |a| a.postfix_milter());
        eprintln!("milter: listening on {addr}");
        match listener.serve().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("milter: {e}");
                ExitCode::from(1)
            }
        }
    })
}
