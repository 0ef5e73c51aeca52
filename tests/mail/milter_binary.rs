//! The installed binary, `protective-marking-milter`, as an operator runs it: `--check-config`
//! exit codes, Prometheus metrics scraped after a few messages, the log summary when metrics
//! are off, SIGHUP reloads (valid and invalid) on an open connection, and SIGTERM stopping
//! with exit code 0. Signals are sent with kill(1). Waits are hang detectors (generous
//! deadlines), never timing assertions.
#![cfg(feature = "milter")]

use miltr_client::Client;
use miltr_common::actions::Action;
use miltr_common::commands::Header;
use miltr_common::modifications::ModificationAction;
use miltr_common::optneg::{OptNeg, Protocol};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_util::compat::TokioAsyncReadCompatExt;

const BIN: &str = env!("CARGO_BIN_EXE_protective-marking-milter");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const HANG: Duration = Duration::from_secs(120);

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pm-milter-bin-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running milter and the lines it logs.
struct Milter {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Milter {
    fn start(args: &[&str]) -> Milter {
        let mut child = Command::new(BIN)
            .args(args)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the milter");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Milter {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first line (from now on) containing `text`.
    fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + HANG;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!("no `{text}` in the milter's log:\n{}", self.seen.join("\n")),
            }
        }
    }

    /// `host:port` from the start-up line.
    fn address(&mut self) -> String {
        let line = self.wait_for("listening on inet:");
        let rest = line.split("listening on inet:").nth(1).unwrap();
        rest.split([';', '"', ' ']).next().unwrap().to_string()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn exit_code(mut self) -> i32 {
        let deadline = Instant::now() + HANG;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the milter did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Milter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Send one message; `deliver`, `hold` or the reply code.
async fn send(
    conn: &mut miltr_client::Connection<tokio_util::compat::Compat<TcpStream>>,
    subject: &str,
) -> String {
    conn.mail(&b"<alice@agency.govt.nz>"[..]).await.unwrap();
    conn.recipient(&b"<carol@example.com>"[..]).await.unwrap();
    conn.header(Header::new(b"Subject", subject.as_bytes()))
        .await
        .unwrap();
    conn.end_of_header().await.unwrap();
    conn.body(&b"Hello.\r\n"[..]).await.unwrap();
    let r = conn.end_of_body().await.unwrap();
    let held = r
        .modifications()
        .iter()
        .any(|m| matches!(m, ModificationAction::Quarantine(_)));
    match r.final_action() {
        Action::Continue(_) if held => "hold".into(),
        Action::Continue(_) => "deliver".into(),
        Action::Replycode(c) => {
            let code = c.rcode().code();
            format!("{}{}{}", code[0], code[1], code[2])
        }
        other => format!("{other:?}"),
    }
}

async fn connect(addr: &str) -> miltr_client::Connection<tokio_util::compat::Compat<TcpStream>> {
    let offer = OptNeg {
        protocol: Protocol::all(),
        ..OptNeg::default()
    };
    let stream = TcpStream::connect(addr).await.unwrap();
    Client::new(offer)
        .connect_via(stream.compat())
        .await
        .unwrap()
}

fn policy_text() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("tests/data/milter/policy.toml")).unwrap()
}

#[test]
fn check_config_exits_0_for_a_valid_policy_and_2_otherwise() {
    let dir = scratch("check");
    let good = Path::new(ROOT).join("tests/data/milter/policy.toml");
    let inbound = Path::new(ROOT).join("tests/data/milter/inbound.toml");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        policy_text().replace("on_error = \"tempfail\"", "on_error = \"accept\""),
    )
    .unwrap();
    let run = |p: &Path| {
        Command::new(BIN)
            .arg("--check-config")
            .arg(p)
            .output()
            .unwrap()
    };
    let ok = run(&good);
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ok.stdout).contains(": ok (outbound gateway, 2 path(s))"));
    assert_eq!(run(&inbound).status.code(), Some(0));
    let refused = run(&bad);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("on_error = \"accept\" is not allowed")
    );
    assert_eq!(run(&dir.join("missing.toml")).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_on_an_open_connection_and_sigterm_exits_0() {
    let dir = scratch("signals");
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, policy_text()).unwrap();
    let mut m = Milter::start(&[
        "--listen",
        "127.0.0.1:0",
        "--policy",
        policy.to_str().unwrap(),
        "--log-format",
        "json",
    ]);
    let addr = m.address();
    let mut conn = connect(&addr).await;
    assert_eq!(send(&mut conn, "Lunch").await, "550");
    // A valid edit: unmarked mail is now held, on the same connection.
    std::fs::write(
        &policy,
        policy_text().replace("unmarked = \"reject\"", "unmarked = \"quarantine\""),
    )
    .unwrap();
    m.signal("HUP");
    m.wait_for("\"event\":\"reload\"");
    assert_eq!(send(&mut conn, "Lunch").await, "hold");
    // An invalid edit: logged, the policy in force stays.
    std::fs::write(&policy, "[gateway]\ndirection = \"sideways\"\n").unwrap();
    m.signal("HUP");
    let line = m.wait_for("\"event\":\"reload_error\"");
    assert!(line.contains("keeping the current policy"), "{line}");
    assert_eq!(send(&mut conn, "Lunch").await, "hold");
    drop(conn);
    m.signal("TERM");
    m.wait_for("\"event\":\"stopped\"");
    assert_eq!(m.exit_code(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `GET /metrics` with std's blocking TCP.
fn scrape(addr: &str) -> String {
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    c.read_to_string(&mut out).unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_scraped_after_a_few_messages() {
    let policy = Path::new(ROOT).join("tests/data/milter/policy.toml");
    let mut m = Milter::start(&[
        "--listen",
        "127.0.0.1:0",
        "--policy",
        policy.to_str().unwrap(),
        "--metrics",
        "127.0.0.1:0",
        "--log-format",
        "off",
    ]);
    let line = m.wait_for("metrics on http://");
    let metrics = line
        .split("metrics on http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let addr = line
        .split("listening on inet:")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let mut conn = connect(&addr).await;
    assert_eq!(send(&mut conn, "[IN-CONFIDENCE] Minutes").await, "deliver");
    assert_eq!(send(&mut conn, "[IN-CONFIDENCE] Minutes").await, "deliver");
    assert_eq!(send(&mut conn, "Lunch").await, "550");
    let text = tokio::task::spawn_blocking(move || scrape(&metrics))
        .await
        .unwrap();
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    for want in [
        "protective_marking_milter_messages_total{action=\"accept\"} 2",
        "protective_marking_milter_messages_total{action=\"reject\"} 1",
        "protective_marking_milter_rule_hits_total{rule=\"NZISM 15.1.11.C.01\",action=\"reject\"} 1",
        "protective_marking_milter_check_duration_seconds_count{action=\"accept\"} 2",
        "protective_marking_milter_connections 1",
        "# EOF",
    ] {
        assert!(text.contains(want), "no `{want}` in\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_metrics_the_log_gets_a_summary_line() {
    let policy = Path::new(ROOT).join("tests/data/milter/policy.toml");
    let mut m = Milter::start(&[
        "--listen",
        "127.0.0.1:0",
        "--policy",
        policy.to_str().unwrap(),
        "--summary-interval",
        "1",
        "--log-format",
        "text",
    ]);
    let addr = m.address();
    let mut conn = connect(&addr).await;
    assert_eq!(send(&mut conn, "[IN-CONFIDENCE] Minutes").await, "deliver");
    assert_eq!(send(&mut conn, "Lunch").await, "550");
    // A summary covers the messages since the one before, so the two may be split.
    let field = |line: &str, key: &str| -> u64 {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(key)?.parse().ok())
            .unwrap_or_else(|| panic!("no {key} in {line}"))
    };
    let (mut total, mut accept, mut reject) = (0, 0, 0);
    while total < 2 {
        let line = m.wait_for("summary: messages=");
        assert!(line.contains(" mean_check_ms="), "{line}");
        total += field(&line, "messages=");
        accept += field(&line, "accept=");
        reject += field(&line, "reject=");
    }
    assert_eq!((total, accept, reject), (2, 1, 1));
}
