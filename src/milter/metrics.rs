//! Counters and check-latency histograms (prometheus-client), their text exposition on an
//! optional HTTP listener, and the periodic one-line summary for the log.

use super::log::log_line;
use super::options::LogFormat;
use crate::gateway::{GatewayAction, Verdict};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

type Labels = Vec<(&'static str, String)>;

/// The service's metrics. Recording takes a few atomic operations and, for a label value
/// seen for the first time, a short write lock inside prometheus-client.
#[derive(Debug)]
pub(super) struct Metrics {
    registry: Registry,
    messages: Family<Labels, Counter>,
    rules: Family<Labels, Counter>,
    latency: Family<Labels, Histogram, fn() -> Histogram>,
    reloads: Family<Labels, Counter>,
    connections: Gauge,
    // For the log summary: totals at the last summary, and check time in microseconds.
    check_micros: AtomicU64,
    checks: AtomicU64,
    last: [AtomicU64; 4],
}

/// Buckets from 0.1 ms to about 26 s: a check normally takes well under a millisecond, and
/// the time budget (default 20 s) is the upper end.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 19))
}

const ACTIONS: [GatewayAction; 4] = [
    GatewayAction::Accept,
    GatewayAction::Reject,
    GatewayAction::Tempfail,
    GatewayAction::Quarantine,
];

impl Metrics {
    pub(super) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("protective_marking_milter");
        let messages = Family::<Labels, Counter>::default();
        let rules = Family::<Labels, Counter>::default();
        let latency: Family<Labels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        let reloads = Family::<Labels, Counter>::default();
        let connections = Gauge::default();
        registry.register(
            "messages",
            "Messages checked, by verdict action",
            messages.clone(),
        );
        registry.register(
            "rule_hits",
            "Reasons given, by rule (NZISM control or decision) and the action it asked for",
            rules.clone(),
        );
        registry.register(
            "check_duration_seconds",
            "Time from the end of the message to the verdict, by verdict action",
            latency.clone(),
        );
        registry.register(
            "policy_reloads",
            "Policy reloads (SIGHUP), by result",
            reloads.clone(),
        );
        registry.register("connections", "MTA connections open", connections.clone());
        // Every action shows from the start, so a rate over a fresh process is defined.
        for a in ACTIONS {
            let _ = messages.get_or_create(&vec![("action", a.as_str().to_string())]);
        }
        Metrics {
            registry,
            messages,
            rules,
            latency,
            reloads,
            connections,
            check_micros: AtomicU64::new(0),
            checks: AtomicU64::new(0),
            last: Default::default(),
        }
    }

    /// One message's verdict and how long its check took.
    pub(super) fn record(&self, verdict: &Verdict, took: Duration) {
        let action = vec![("action", verdict.action.as_str().to_string())];
        self.messages.get_or_create(&action).inc();
        self.latency
            .get_or_create(&action)
            .observe(took.as_secs_f64());
        let mut seen: Vec<(&str, GatewayAction)> = Vec::new();
        for r in &verdict.reasons {
            if seen.contains(&(r.rule.id(), r.action)) {
                continue;
            }
            seen.push((r.rule.id(), r.action));
            self.rules
                .get_or_create(&vec![
                    ("rule", r.rule.id().to_string()),
                    ("action", r.action.as_str().to_string()),
                ])
                .inc();
        }
        self.check_micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.checks.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn reloaded(&self, ok: bool) {
        let result = if ok { "ok" } else { "invalid" };
        self.reloads
            .get_or_create(&vec![("result", result.to_string())])
            .inc();
    }

    pub(super) fn connection_opened(&self) {
        self.connections.inc();
    }

    pub(super) fn connection_closed(&self) {
        self.connections.dec();
    }

    /// The Prometheus text exposition (OpenMetrics text format).
    pub(super) fn text(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    fn count(&self, action: GatewayAction) -> u64 {
        self.messages
            .get_or_create(&vec![("action", action.as_str().to_string())])
            .get()
    }

    /// The summary line's fields since the last summary: counts per action and the mean
    /// check time. `None` when no message was checked since.
    pub(super) fn summary(&self) -> Option<String> {
        let mut fields = Vec::new();
        let mut total = 0;
        for (i, a) in ACTIONS.into_iter().enumerate() {
            let now = self.count(a);
            let before = self.last[i].swap(now, Ordering::Relaxed);
            let n = now.saturating_sub(before);
            total += n;
            fields.push(format!("{}={n}", a.as_str()));
        }
        let micros = self.check_micros.swap(0, Ordering::Relaxed);
        let checks = self.checks.swap(0, Ordering::Relaxed);
        if total == 0 {
            return None;
        }
        let mean = if checks == 0 {
            0.0
        } else {
            micros as f64 / checks as f64 / 1000.0
        };
        Some(format!(
            "messages={total} {} mean_check_ms={mean:.3} connections={}",
            fields.join(" "),
            self.connections.get()
        ))
    }
}

/// Log a summary every `interval` until the task is dropped (nothing when idle).
pub(super) async fn summaries(metrics: &Metrics, interval: Duration, format: LogFormat) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await; // the first tick is immediate
    loop {
        tick.tick().await;
        if let Some(line) = metrics.summary() {
            log_line(format, "summary", &line);
        }
    }
}

/// The largest request head read before answering (a scraper sends a few hundred bytes).
const MAX_REQUEST: usize = 8 * 1024;

/// Serve `GET /metrics` on `listener` until the task is dropped. One short request per
/// connection, answered and closed: this is not a general HTTP server, only what a
/// Prometheus scraper needs (HTTP/1.x `GET`, `Connection: close`). Anything else gets 404 or
/// 405; a request that is too large or too slow is dropped.
pub(super) async fn serve(listener: TcpListener, metrics: std::sync::Arc<Metrics>) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let metrics = std::sync::Arc::clone(&metrics);
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(10), async move {
                let head = read_head(&mut stream).await?;
                let response = answer(&head, &metrics);
                stream.write_all(&response).await?;
                stream.shutdown().await
            })
            .await;
        });
    }
}

async fn read_head(stream: &mut tokio::net::TcpStream) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > MAX_REQUEST {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request too large",
            ));
        }
    }
    Ok(head)
}

/// The HTTP response for a request head.
fn answer(head: &[u8], metrics: &Metrics) -> Vec<u8> {
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, content_type, body) = match (method, path) {
        ("GET" | "HEAD", "/metrics") => (
            "200 OK",
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
            metrics.text(),
        ),
        ("GET" | "HEAD", _) => ("404 Not Found", "text/plain", "not found\n".into()),
        _ => (
            "405 Method Not Allowed",
            "text/plain",
            "only GET /metrics\n".into(),
        ),
    };
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        out.extend_from_slice(body.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::{Envelope, Gateway, GatewayPolicy};

    #[test]
    fn records_and_exposes() {
        let m = Metrics::new();
        let g = Gateway::new(
            GatewayPolicy::from_toml(
                "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n",
            )
            .unwrap(),
        )
        .unwrap();
        let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
        m.record(
            &g.check(&env, b"Subject: x\r\n\r\nhi\r\n"),
            Duration::from_micros(300),
        );
        m.record(
            &g.check(&env, b"Subject: x [IN-CONFIDENCE]\r\n\r\nhi\r\n"),
            Duration::from_micros(500),
        );
        let text = m.text();
        assert!(text.contains("protective_marking_milter_messages_total{action=\"reject\"} 1"));
        assert!(text.contains("protective_marking_milter_messages_total{action=\"tempfail\"} 0"));
        assert!(text.contains(
            "protective_marking_milter_rule_hits_total{rule=\"NZISM 15.1.11.C.01\",action=\"reject\"} 1"
        ));
        assert!(text.contains(
            "protective_marking_milter_check_duration_seconds_count{action=\"accept\"} 1"
        ));
        let line = m.summary().unwrap();
        assert!(
            line.starts_with(
                "messages=2 accept=1 reject=1 tempfail=0 quarantine=0 mean_check_ms=0.400"
            ),
            "{line}"
        );
        assert_eq!(m.summary(), None, "nothing since the last summary");

        let ok = answer(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &m);
        let ok = String::from_utf8(ok).unwrap();
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(ok.ends_with("# EOF\n"));
        assert!(
            String::from_utf8(answer(b"GET / HTTP/1.1\r\n\r\n", &m))
                .unwrap()
                .starts_with("HTTP/1.1 404")
        );
        assert!(
            String::from_utf8(answer(b"POST /metrics HTTP/1.1\r\n\r\n", &m))
                .unwrap()
                .starts_with("HTTP/1.1 405")
        );
        assert!(
            String::from_utf8(answer(b"\xff\xfe", &m))
                .unwrap()
                .starts_with("HTTP/1.1 405")
        );
    }
}
