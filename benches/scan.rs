//! Scanner throughput in MB/s: (a) 100 MB of marking-free prose,
//! (b) the same with a banner every 50 KB, (c) 10 MB of marking-dense text, each through
//! `Scanner::scan` (in memory), and (b) once more through `Scanner::scan_reader`.
//!
//! `cargo bench --bench scan` measures. Without `--bench` on the command line (that is,
//! `cargo test --benches`, which CI runs) criterion runs each benchmark once as a test, and
//! the corpora shrink to 1 MB so that takes a moment. Set `SCAN_BENCH_MB` to choose the
//! size of (a) and (b); (c) is a tenth of it. `scripts/bench-vs-ripgrep.sh` compares the
//! same corpora with ripgrep.

#[path = "common/corpus.rs"]
mod corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protective_marking::Scanner;
use std::hint::black_box;

/// The size of corpora (a) and (b) in bytes.
fn size() -> usize {
    // `cargo bench` passes `--bench`; criterion's test mode is everything else.
    let measuring = std::env::args().any(|a| a == "--bench");
    let default = if measuring { 100 } else { 1 };
    std::env::var("SCAN_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        * 1_000_000
}

fn bench(c: &mut Criterion) {
    let bytes = size();
    let scanner = Scanner::new();
    let inputs = [
        ("prose", corpus::prose(bytes, 1)),
        ("banner-every-50KB", corpus::with_banners(bytes, 50_000, 1)),
        ("dense", corpus::dense(bytes / 10, 1)),
    ];
    // The corpora are what they claim to be, so a broken generator or scanner cannot pass
    // for a fast one.
    let counts: Vec<usize> = inputs
        .iter()
        .map(|(_, text)| scanner.scan(text).deciding().count())
        .collect();
    assert_eq!(counts[0], 0, "the prose corpus holds a marking");
    assert!(
        counts[1] >= bytes / 100_000,
        "banner corpus: {} banners",
        counts[1]
    );
    assert!(counts[2] > bytes / 10_000, "dense corpus: {}", counts[2]);

    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    for (name, text) in &inputs {
        group.throughput(Throughput::BytesDecimal(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| scanner.scan(black_box(text.as_bytes())))
        });
    }
    let text = &inputs[1].1;
    group.throughput(Throughput::BytesDecimal(text.len() as u64));
    group.bench_function("banner-every-50KB/reader", |b| {
        b.iter(|| scanner.scan_reader(black_box(text.as_bytes())).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
