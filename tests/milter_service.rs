//! The milter service driven over real sockets by a milter client (`miltr-client`), without
//! Postfix: the same cases as the Postfix end-to-end test (scripts/milter_messages.py), the
//! byte limit, a unix socket, several messages per connection and many connections at once.
#![cfg(feature = "milter")]

use miltr_client::Client;
use miltr_common::actions::Action;
use miltr_common::commands::Header;
use miltr_common::modifications::{ModificationAction, ModificationResponse};
use miltr_common::optneg::OptNeg;
use protective_marking::GatewayPolicy;
use protective_marking::milter::{ListenAddr, LogFormat, MilterOptions, MilterService};
use std::path::{Path, PathBuf};
use std::process::Command;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpStream, UnixStream};
use tokio_util::compat::TokioAsyncReadCompatExt;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn policy() -> GatewayPolicy {
    let text = std::fs::read_to_string(Path::new(ROOT).join("tests/data/milter/policy.toml"))
        .expect("policy file");
    GatewayPolicy::from_toml(&text).expect("policy")
}

fn service(options: impl FnOnce(MilterOptions) -> MilterOptions) -> MilterService {
    options(MilterOptions::new(policy()).log_format(LogFormat::Off))
        .build()
        .expect("service")
}

/// One test message: envelope, expected outcome and the raw message.
struct Case {
    name: String,
    sender: String,
    recipients: Vec<String>,
    expect: String,
    reply: String,
    /// A text the reply must contain (a rule id), or empty.
    text: String,
    raw: Vec<u8>,
}

/// The cases written by scripts/milter_messages.py (python3 is installed by setup.sh).
fn cases() -> Vec<Case> {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pm-milter-service-{}-{n}", std::process::id()));
    let status = Command::new("python3")
        .arg(Path::new(ROOT).join("scripts/milter_messages.py"))
        .arg(&dir)
        .status()
        .expect("python3 runs (scripts/setup.sh installs it)");
    assert!(status.success());
    let tsv = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv");
    let cases = tsv
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            Case {
                name: f[0].into(),
                sender: f[1].into(),
                recipients: f[2].split(',').map(String::from).collect(),
                expect: f[3].into(),
                reply: f[4].into(),
                text: f.get(5).copied().unwrap_or_default().into(),
                raw: std::fs::read(dir.join(format!("{}.eml", f[0]))).expect("eml"),
            }
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    cases
}

/// Split a raw message into (name, value) headers (folded lines joined with LF, as Postfix
/// passes them) and the body.
fn split(raw: &[u8]) -> (Vec<(String, String)>, Vec<u8>) {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("header/body separator");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("header line");
            headers.push((name.into(), value.trim_start().into()));
        }
    }
    (headers, body.as_bytes().to_vec())
}

/// Send `cases` over one milter connection, one after another; the responses in order.
async fn send<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    cases: &[&Case],
) -> Vec<ModificationResponse> {
    let client = Client::new(OptNeg::default());
    let mut conn = client
        .connect_via(stream.compat())
        .await
        .expect("option negotiation");
    let mut out = Vec::new();
    for case in cases {
        conn.mail(format!("<{}>", case.sender).as_bytes())
            .await
            .expect("mail");
        for r in &case.recipients {
            conn.recipient(format!("<{r}>").as_bytes())
                .await
                .expect("rcpt");
        }
        conn.data().await.expect("data");
        let (headers, body) = split(&case.raw);
        for (name, value) in &headers {
            conn.header(Header::new(name.as_bytes(), value.as_bytes()))
                .await
                .expect("header");
        }
        conn.end_of_header().await.expect("eoh");
        for chunk in body.chunks(65_535) {
            conn.body(chunk).await.expect("body");
        }
        out.push(conn.end_of_body().await.expect("eob"));
    }
    out
}

/// `deliver`, `reject 550 5.7.1`, `tempfail 451 4.7.1` or `hold`, from a milter response.
fn outcome(r: &ModificationResponse) -> String {
    let header = r.modifications().iter().any(|m| {
        matches!(m, ModificationAction::AddHeader(h)
            if h.name() == "X-Protective-Marking-Verdict")
    });
    let held = r
        .modifications()
        .iter()
        .any(|m| matches!(m, ModificationAction::Quarantine(_)));
    match r.final_action() {
        Action::Continue(_) if held && header => "hold".into(),
        Action::Continue(_) if header => "deliver".into(),
        Action::Replycode(c) => {
            let code = c.rcode().code();
            let x = c.xcode().as_ref().expect("enhanced code").code();
            let kind = if code[0] == 5 { "reject" } else { "tempfail" };
            format!(
                "{kind} {}{}{} {}.{}.{}",
                code[0], code[1], code[2], x[0], x[1], x[2]
            )
        }
        other => format!("unexpected {other:?} {:?}", r.modifications()),
    }
}

fn expected(case: &Case) -> String {
    match case.expect.as_str() {
        "deliver" | "hold" => case.expect.clone(),
        kind => format!("{kind} {}", case.reply),
    }
}

async fn tcp_service(s: &MilterService) -> String {
    let listener = s.bind().await.expect("bind");
    let ListenAddr::Tcp(addr) = listener.local_addr().expect("addr") else {
        panic!("tcp");
    };
    tokio::spawn(listener.serve());
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_case_over_one_connection() {
    let s = service(|o| o.listen("127.0.0.1:0".parse().unwrap()));
    let addr = tcp_service(&s).await;
    let cases = cases();
    assert!(cases.len() >= 10);
    let refs: Vec<&Case> = cases.iter().collect();
    let responses = send(TcpStream::connect(&addr).await.unwrap(), &refs).await;
    for (case, r) in cases.iter().zip(&responses) {
        assert_eq!(outcome(r), expected(case), "{}", case.name);
        if let Action::Replycode(c) = r.final_action() {
            assert!(
                c.message().contains(&case.text),
                "{}: {}",
                case.name,
                c.message()
            );
        }
    }
    // The delivered message's header names the verdict and the marking.
    let ModificationAction::AddHeader(h) = &responses[0].modifications()[0] else {
        panic!("header");
    };
    assert_eq!(h.value(), "accept; marking=IN-CONFIDENCE; rules=none");
    // Rejections quote the rule.
    let Action::Replycode(c) = responses[2].final_action() else {
        panic!("reply");
    };
    assert!(
        c.message().contains("NZISM 15.1.11.C.01"),
        "{}",
        c.message()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_connections_at_once() {
    let s = service(|o| o.listen("127.0.0.1:0".parse().unwrap()));
    let addr = tcp_service(&s).await;
    let cases = std::sync::Arc::new(cases());
    let mut tasks = Vec::new();
    for i in 0..16 {
        let addr = addr.clone();
        let cases = cases.clone();
        tasks.push(tokio::spawn(async move {
            let mine: Vec<&Case> = cases.iter().cycle().skip(i).take(5).collect();
            let got = send(TcpStream::connect(&addr).await.unwrap(), &mine).await;
            for (case, r) in mine.iter().zip(&got) {
                assert_eq!(outcome(r), expected(case), "{}", case.name);
            }
            got.len()
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("task");
    }
    assert_eq!(total, 80);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_byte_limit_fails_closed() {
    let s = service(|o| {
        o.listen("127.0.0.1:0".parse().unwrap())
            .max_message_bytes(2_000)
    });
    let addr = tcp_service(&s).await;
    let cases = cases();
    let mut big = Case {
        name: "big".into(),
        ..cases.into_iter().next().expect("marked_ok")
    };
    assert!(big.raw.len() < 2_000);
    let mut body = b"IN-CONFIDENCE\r\n".to_vec();
    body.extend(std::iter::repeat_n(b'x', 5_000));
    big.raw.extend_from_slice(&body);
    let got = send(TcpStream::connect(&addr).await.unwrap(), &[&big]).await;
    assert_eq!(outcome(&got[0]), "tempfail 451 4.7.1");
    let Action::Replycode(c) = got[0].final_action() else {
        panic!("reply");
    };
    assert!(
        c.message()
            .contains("larger than the milter's limit of 2000 bytes")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_socket() {
    let path: PathBuf =
        std::env::temp_dir().join(format!("pm-milter-test-{}.sock", std::process::id()));
    // A stale socket file from an earlier run is replaced.
    drop(std::os::unix::net::UnixListener::bind(&path).expect("stale socket"));
    let s = service(|o| o.listen(ListenAddr::Unix(path.clone())));
    let listener = s.bind().await.expect("bind over a stale socket");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(listener.serve_until(async move {
        let _ = stopped.await;
    }));
    let cases = cases();
    let refs: Vec<&Case> = cases.iter().take(3).collect();
    let got = send(UnixStream::connect(&path).await.unwrap(), &refs).await;
    for (case, r) in refs.iter().zip(&got) {
        assert_eq!(outcome(r), expected(case), "{}", case.name);
    }
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(!path.exists(), "socket removed when the listener stops");
}
