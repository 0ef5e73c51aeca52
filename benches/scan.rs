//! Scanner throughput (crates.md §4): (a) 100 MB of marking-free prose, (b) the same with a
//! banner every 50 KB, (c) marking-dense text. `cargo bench --bench scan`; CI runs it once
//! with `-- --test`. Set `SCAN_BENCH_MB` to change the size (default 100).

#[path = "common/corpus.rs"]
mod corpus;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protective_marking::Scanner;
use std::hint::black_box;

fn size() -> usize {
    let test_mode = std::env::args().any(|a| a == "--test");
    let default = if test_mode { 1 } else { 100 };
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
    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    for (name, text) in &inputs {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| scanner.scan(black_box(text.as_bytes())))
        });
    }
    let text = &inputs[1].1;
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("banner-every-50KB/reader", |b| {
        b.iter(|| scanner.scan_reader(black_box(text.as_bytes())).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
