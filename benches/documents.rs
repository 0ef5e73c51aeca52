//! Extraction throughput for DOCX (docx-rs output, Stored and re-zipped with deflate) and PDF
//! (written with lopdf), 1 page and 200 pages. `cargo bench --bench documents -- --test` runs
//! each once.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use protective_marking::Limits;
use protective_marking::document::{read_docx, read_pdf};
use std::hint::black_box;

/// A DOCX of about `pages` pages: a marked header and footer, 40 paragraphs per page.
fn docx(pages: usize) -> Vec<u8> {
    let mut d = docx_rs::Docx::new()
        .header(docx_rs::Header::new().add_paragraph(common::para("IN-CONFIDENCE")))
        .footer(docx_rs::Footer::new().add_paragraph(common::para("IN-CONFIDENCE")));
    for p in 0..pages {
        for i in 0..40 {
            d = d.add_paragraph(
                docx_rs::Paragraph::new()
                    .add_run(
                        docx_rs::Run::new()
                            .add_text(format!("Page {p} paragraph {i}: "))
                            .bold(),
                    )
                    .add_run(
                        docx_rs::Run::new()
                            .add_text("ordinary words about the budget and its notes."),
                    ),
            );
        }
    }
    common::pack(d)
}

fn bench(c: &mut Criterion) {
    let limits = Limits::default();
    let mut group = c.benchmark_group("documents");
    group.sample_size(10);
    for pages in [1usize, 200] {
        let stored = docx(pages);
        let deflated = common::deflated(&stored);
        let pdf = common::pdf(pages as u32, "RESTRICTED");
        for (name, bytes) in [("docx_stored", &stored), ("docx_deflated", &deflated)] {
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(format!("{name}/{pages}p"), |b| {
                b.iter(|| read_docx(black_box(bytes), &limits).expect("docx"))
            });
        }
        group.throughput(Throughput::Bytes(pdf.len() as u64));
        group.bench_function(format!("pdf/{pages}p"), |b| {
            b.iter(|| read_pdf(black_box(&pdf), &limits).expect("pdf"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
