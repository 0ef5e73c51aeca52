//! Per-message gateway cost against a bare `mail-parser` parse of the same bytes:
//! a text-only message and a ~10 MB message with DOCX and PDF attachments.
//!
//! `cargo bench --bench mail` prints criterion's times and then, outside `--test` mode,
//! p50/p99 over 100 full verdicts of each message. `cargo bench --bench mail -- --test`
//! runs each once (CI).

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput};
use protective_marking::{Envelope, Gateway, GatewayPolicy};
use std::hint::black_box;
use std::time::{Duration, Instant};

const POLICY: &str = "[gateway]\ndirection = \"outbound\"\n[[gateway.domain]]\npattern = \"*.govt.nz\"\nceiling = \"RESTRICTED\"\n[[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n";

const WORDS: &[&str] = &[
    "the",
    "minister",
    "budget",
    "paper",
    "notes",
    "agency",
    "report",
    "figures",
    "draft",
    "secretary",
    "confidence-building",
    "review",
    "policy",
    "meeting",
    "agreed",
    "actions",
];

fn prose(bytes: usize, seed: &mut u64) -> String {
    let mut out = String::with_capacity(bytes + 64);
    let mut col = 0;
    while out.len() < bytes {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let w = WORDS[(*seed >> 33) as usize % WORDS.len()];
        out.push_str(w);
        col += w.len() + 1;
        if col > 70 {
            out.push_str("\r\n");
            col = 0;
        } else {
            out.push(' ');
        }
    }
    out
}

fn text_message() -> Vec<u8> {
    let mut seed = 7;
    format!(
        "From: analyst@agency.govt.nz\r\nTo: minister@office.govt.nz\r\nSubject: Budget bid [IN-CONFIDENCE]\r\nMessage-ID: <bench-1@agency.govt.nz>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIN-CONFIDENCE\r\n\r\n{}\r\n\r\nIN-CONFIDENCE\r\n",
        prose(4000, &mut seed)
    )
    .into_bytes()
}

fn big_message() -> Vec<u8> {
    let mut seed = 11;
    let mut d = docx_rs::Docx::new()
        .header(docx_rs::Header::new().add_paragraph(common::para("IN-CONFIDENCE")))
        .footer(docx_rs::Footer::new().add_paragraph(common::para("IN-CONFIDENCE")));
    for _ in 0..6000 {
        d = d.add_paragraph(common::para(&prose(300, &mut seed).replace("\r\n", " ")));
    }
    let docx = common::deflated(&common::pack(d));
    let pdf = common::pdf(600, "IN-CONFIDENCE");
    let mut msg = String::from(
        "From: analyst@agency.govt.nz\r\nTo: minister@office.govt.nz\r\nSubject: Papers [IN-CONFIDENCE]\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"bench-boundary\"\r\n\r\n--bench-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nIN-CONFIDENCE\r\n\r\nPapers attached.\r\n\r\nIN-CONFIDENCE\r\n",
    );
    for (name, ctype, data) in [
        (
            "papers.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &docx,
        ),
        ("annex.pdf", "application/pdf", &pdf),
    ] {
        msg.push_str(&format!("--bench-boundary\r\nContent-Type: {ctype}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"));
        msg.push_str(&common::base64(data));
        msg.push_str("\r\n");
    }
    // Pad with a large text attachment so the whole message is about 10 MB.
    let pad = 10_000_000usize.saturating_sub(msg.len() + 200);
    msg.push_str("--bench-boundary\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"log.txt\"\r\n\r\n");
    msg.push_str(&prose(pad, &mut seed));
    msg.push_str("\r\n--bench-boundary--\r\n");
    msg.into_bytes()
}

fn percentiles(name: &str, gateway: &Gateway, env: &Envelope, raw: &[u8]) {
    let mut times: Vec<Duration> = (0..100)
        .map(|_| {
            let t = Instant::now();
            black_box(gateway.check(env, black_box(raw)));
            t.elapsed()
        })
        .collect();
    times.sort();
    eprintln!(
        "{name}: {} bytes, p50 {:?}, p99 {:?}, {:.0} messages/s on one core",
        raw.len(),
        times[49],
        times[98],
        1.0 / times[49].as_secs_f64()
    );
}

fn main() {
    let gateway = Gateway::new(GatewayPolicy::from_toml(POLICY).expect("policy")).expect("gateway");
    let env = Envelope::new("analyst@agency.govt.nz").to("minister@office.govt.nz");
    let text = text_message();
    let big = big_message();
    assert_eq!(
        gateway.check(&env, &text).action,
        protective_marking::GatewayAction::Accept
    );
    assert_eq!(
        gateway.check(&env, &big).action,
        protective_marking::GatewayAction::Accept
    );

    let mut c = Criterion::default().configure_from_args();
    for (name, raw, samples) in [("text-only", &text, 50), ("10MB-docx-pdf", &big, 10)] {
        let mut group = c.benchmark_group(format!("mail/{name}"));
        group.sample_size(samples);
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_function("bare mail-parser parse", |b| {
            b.iter(|| {
                black_box(mail_parser::MessageParser::default().parse(black_box(raw.as_slice())))
            })
        });
        group.bench_function("gateway verdict", |b| {
            b.iter(|| black_box(gateway.check(&env, black_box(raw))))
        });
        group.finish();
    }
    c.final_summary();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not (criterion's test mode).
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list") {
        percentiles("text-only", &gateway, &env, &text);
        percentiles("10MB-docx-pdf", &gateway, &env, &big);
    }
}
