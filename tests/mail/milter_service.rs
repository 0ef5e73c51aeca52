//! The milter service driven over real sockets by a milter client (`miltr-client`), without
//! Postfix: the same cases as the Postfix end-to-end test (scripts/milter_messages.py) on
//! both protocol paths (an MTA that offers the no-reply steps, and one that offers none), the
//! byte limit, a unix socket and its mode, several messages per connection, many connections
//! at once, a policy reload between messages, a graceful shutdown with a message in
//! progress, the metrics endpoint, and inbound marking.
#![cfg(feature = "milter")]

use miltr_client::Client;
use miltr_common::actions::Action;
use miltr_common::commands::Header;
use miltr_common::modifications::{ModificationAction, ModificationResponse};
use miltr_common::optneg::{OptNeg, Protocol};
use protective_marking::GatewayPolicy;
use protective_marking::milter::{
    ListenAddr, LogFormat, MilterListener, MilterOptions, MilterService,
};
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
    MilterService::new(options(
        MilterOptions::new(policy()).log_format(LogFormat::Off),
    ))
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

/// What the test MTA offers in option negotiation.
#[derive(Clone, Copy, Debug)]
enum Mta {
    /// Every protocol flag, like Postfix ≥ 2.6: the milter skips every reply but the last.
    NoReply,
    /// No protocol flag (an MTA without the no-reply steps): every command is answered.
    EveryStep,
}

fn offer(mta: Mta) -> OptNeg {
    match mta {
        Mta::NoReply => OptNeg {
            protocol: Protocol::all(),
            ..OptNeg::default()
        },
        Mta::EveryStep => OptNeg::default(),
    }
}

/// Send `cases` over one milter connection, one after another; the responses in order.
async fn send<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    cases: &[&Case],
) -> Vec<ModificationResponse> {
    send_as(Mta::EveryStep, stream, cases).await
}

async fn send_as<S: AsyncRead + AsyncWrite + Unpin>(
    mta: Mta,
    stream: S,
    cases: &[&Case],
) -> Vec<ModificationResponse> {
    let client = Client::new(offer(mta));
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
    let listener = MilterListener::bind(s).await.expect("bind");
    let ListenAddr::Tcp(addr) = listener.local_addr().expect("addr") else {
        panic!("tcp");
    };
    tokio::spawn(listener.serve());
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_case_over_one_connection() {
    for mta in [Mta::NoReply, Mta::EveryStep] {
        every_case(mta).await;
    }
}

async fn every_case(mta: Mta) {
    let s = service(|o| o.listen("127.0.0.1:0".parse().unwrap()));
    let addr = tcp_service(&s).await;
    let cases = cases();
    assert!(cases.len() >= 10);
    let refs: Vec<&Case> = cases.iter().collect();
    let responses = send_as(mta, TcpStream::connect(&addr).await.unwrap(), &refs).await;
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
    // With HDR_LEADSPC negotiated the value brings its own leading space.
    assert_eq!(
        h.value().trim_start(),
        "accept; marking=IN-CONFIDENCE; rules=none"
    );
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
        let mta = if i % 2 == 0 {
            Mta::NoReply
        } else {
            Mta::EveryStep
        };
        tasks.push(tokio::spawn(async move {
            let mine: Vec<&Case> = cases.iter().cycle().skip(i).take(5).collect();
            let got = send_as(mta, TcpStream::connect(&addr).await.unwrap(), &mine).await;
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
    let listener = MilterListener::bind(&s)
        .await
        .expect("bind over a stale socket");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(listener.serve_until(async move {
        let _ = stopped.await;
    }));
    // The socket's default mode: owner and group only.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
    let cases = cases();
    let refs: Vec<&Case> = cases.iter().take(3).collect();
    let got = send_as(
        Mta::NoReply,
        UnixStream::connect(&path).await.unwrap(),
        &refs,
    )
    .await;
    for (case, r) in refs.iter().zip(&got) {
        assert_eq!(outcome(r), expected(case), "{}", case.name);
    }
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(!path.exists(), "socket removed when the listener stops");
}

/// One message over an open connection: its response.
async fn one(
    conn: &mut miltr_client::Connection<tokio_util::compat::Compat<TcpStream>>,
    case: &Case,
) -> ModificationResponse {
    conn.mail(format!("<{}>", case.sender).as_bytes())
        .await
        .expect("mail");
    for r in &case.recipients {
        conn.recipient(format!("<{r}>").as_bytes())
            .await
            .expect("rcpt");
    }
    let (headers, body) = split(&case.raw);
    for (name, value) in &headers {
        conn.header(Header::new(name.as_bytes(), value.as_bytes()))
            .await
            .expect("header");
    }
    conn.end_of_header().await.expect("eoh");
    conn.body(&body[..]).await.expect("body");
    conn.end_of_body().await.expect("eob")
}

fn case(cases: &[Case], name: &str) -> Case {
    let c = cases.iter().find(|c| c.name == name).expect("case");
    Case {
        name: c.name.clone(),
        sender: c.sender.clone(),
        recipients: c.recipients.clone(),
        expect: c.expect.clone(),
        reply: c.reply.clone(),
        text: c.text.clone(),
        raw: c.raw.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_applies_to_the_next_message_on_the_same_connection() {
    let s = service(|o| o.listen("127.0.0.1:0".parse().unwrap()));
    let addr = tcp_service(&s).await;
    let cases = cases();
    let unmarked = case(&cases, "unmarked");
    let stream = TcpStream::connect(&addr).await.unwrap();
    let mut conn = Client::new(offer(Mta::NoReply))
        .connect_via(stream.compat())
        .await
        .unwrap();
    assert_eq!(
        outcome(&one(&mut conn, &unmarked).await),
        "reject 550 5.7.1"
    );
    // A valid new policy: unmarked mail is now held; the connection stays open.
    let mut held = policy();
    held.unmarked = protective_marking::GatewayAction::Quarantine;
    s.reload(held).expect("valid policy");
    assert_eq!(outcome(&one(&mut conn, &unmarked).await), "hold");
    // An invalid one is refused, and the current one stays.
    let dir = std::env::temp_dir().join(format!("pm-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[gateway]\ndirection = \"outbound\"\non_error = \"accept\"\n",
    )
    .unwrap();
    assert!(s.reload_file(&bad).is_err());
    assert_eq!(outcome(&one(&mut conn, &unmarked).await), "hold");
    let _ = std::fs::remove_dir_all(&dir);
    let text = s.metrics_text();
    assert!(text.contains("protective_marking_milter_policy_reloads_total{result=\"ok\"} 1"));
    assert!(text.contains("protective_marking_milter_policy_reloads_total{result=\"invalid\"} 1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_message_in_progress_then_stops() {
    let s = service(|o| o.listen("127.0.0.1:0".parse().unwrap()));
    let listener = MilterListener::bind(&s).await.expect("bind");
    let ListenAddr::Tcp(addr) = listener.local_addr().unwrap() else {
        panic!("tcp")
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(listener.serve_until(async move {
        let _ = stopped.await;
    }));
    let cases = cases();
    let ok = case(&cases, "marked_ok");
    // An idle connection and one with a message half sent.
    let idle = TcpStream::connect(&addr).await.unwrap();
    let mut idle = Client::new(offer(Mta::EveryStep))
        .connect_via(idle.compat())
        .await
        .unwrap();
    let busy = TcpStream::connect(&addr).await.unwrap();
    let mut busy = Client::new(offer(Mta::EveryStep))
        .connect_via(busy.compat())
        .await
        .unwrap();
    busy.mail(&b"<alice@agency.govt.nz>"[..]).await.unwrap();
    busy.recipient(&b"<carol@example.com>"[..]).await.unwrap();
    stop.send(()).unwrap();
    // New connections are refused once the listener has closed.
    let mut refused = false;
    for _ in 0..600 {
        if TcpStream::connect(&addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(refused, "still accepting after shutdown");
    // The message in progress is still checked and answered.
    let (headers, body) = split(&ok.raw);
    for (name, value) in &headers {
        busy.header(Header::new(name.as_bytes(), value.as_bytes()))
            .await
            .unwrap();
    }
    busy.end_of_header().await.unwrap();
    busy.body(&body[..]).await.unwrap();
    let r = busy.end_of_body().await.expect("answered during shutdown");
    assert_eq!(outcome(&r), "deliver");
    // The idle connection was closed, and the server returns.
    assert!(idle.mail(&b"<a@b>"[..]).await.is_err());
    tokio::time::timeout(std::time::Duration::from_secs(60), server)
        .await
        .expect("server stopped")
        .unwrap()
        .unwrap();
}

/// `GET /metrics` over a plain TCP connection.
async fn scrape(addr: std::net::SocketAddr) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut c = TcpStream::connect(addr).await.unwrap();
    c.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    c.read_to_string(&mut out).await.unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_verdicts_and_rules() {
    let s = service(|o| {
        o.listen("127.0.0.1:0".parse().unwrap())
            .metrics("127.0.0.1:0".parse().unwrap())
    });
    let listener = MilterListener::bind(&s).await.unwrap();
    let ListenAddr::Tcp(addr) = listener.local_addr().unwrap() else {
        panic!("tcp")
    };
    let metrics = listener.metrics_addr().expect("metrics bound");
    tokio::spawn(listener.serve());
    let cases = cases();
    let refs: Vec<&Case> = cases.iter().collect();
    send_as(
        Mta::NoReply,
        TcpStream::connect(&addr).await.unwrap(),
        &refs,
    )
    .await;
    let text = scrape(metrics).await;
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    let count = |line: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(line)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no `{line}` in\n{text}"))
    };
    let delivered = cases.iter().filter(|c| c.expect == "deliver").count() as u64;
    let rejected = cases.iter().filter(|c| c.expect == "reject").count() as u64;
    assert_eq!(
        count("protective_marking_milter_messages_total{action=\"accept\"}"),
        delivered
    );
    assert_eq!(
        count("protective_marking_milter_messages_total{action=\"reject\"}"),
        rejected
    );
    assert_eq!(
        count("protective_marking_milter_messages_total{action=\"quarantine\"}"),
        1
    );
    assert_eq!(
        count(
            "protective_marking_milter_rule_hits_total{rule=\"NZISM 15.1.11.C.01\",action=\"reject\"}"
        ),
        1
    );
    assert_eq!(
        count("protective_marking_milter_check_duration_seconds_count{action=\"accept\"}"),
        delivered
    );
    assert!(text.contains(
        "protective_marking_milter_check_duration_seconds_bucket{le=\"+Inf\",action=\"reject\"}"
    ));
}

const INBOUND: &str = r#"
[gateway]
direction = "inbound"
accreditation = "RESTRICTED"
[gateway.inbound_marking]
unmarked = true
foreign = true
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_marking_adds_the_header_and_changes_the_subject() {
    let policy = GatewayPolicy::from_toml(INBOUND).unwrap();
    let s = MilterService::new(
        MilterOptions::new(policy)
            .log_format(LogFormat::Off)
            .listen("127.0.0.1:0".parse().unwrap()),
    )
    .unwrap();
    let addr = tcp_service(&s).await;
    let subject = "=?UTF-8?B?S2lhIG9yYSDEgSBtYWlsIMSB?=\r\n =?UTF-8?Q?wh=C4=81nau?=";
    let unmarked = Case {
        name: "inbound".into(),
        sender: "someone@example.com".into(),
        recipients: vec!["analyst@agency.govt.nz".into()],
        expect: "deliver".into(),
        reply: "250".into(),
        text: String::new(),
        raw: format!("From: <someone@example.com>\r\nSubject: {subject}\r\n\r\nHello\r\n")
            .into_bytes(),
    };
    for mta in [Mta::NoReply, Mta::EveryStep] {
        let got = send_as(mta, TcpStream::connect(&addr).await.unwrap(), &[&unmarked]).await;
        let r = &got[0];
        assert_eq!(outcome(r), "deliver", "{mta:?}");
        let mut added = Vec::new();
        let mut changed = Vec::new();
        for m in r.modifications() {
            match m {
                ModificationAction::AddHeader(h) => {
                    added.push((h.name().to_string(), h.value().to_string()))
                }
                ModificationAction::ChangeHeader(h) => {
                    changed.push((h.name().to_string(), h.value().to_string()))
                }
                other => panic!("{other:?}"),
            }
        }
        let lead = if matches!(mta, Mta::NoReply) { " " } else { "" };
        assert!(
            added.contains(&(
                "X-Protective-Marking".into(),
                format!("{lead}VER=2024.1, NS=govt.nz, SEC=UNCLASSIFIED")
            )),
            "{added:?}"
        );
        // The encoded words and the fold are kept (folded with LF, the milter convention).
        assert_eq!(
            changed,
            [(
                "Subject".to_string(),
                format!("{lead}{} [UNCLASSIFIED]", subject.replace("\r\n", "\n"))
            )]
        );
    }
}
