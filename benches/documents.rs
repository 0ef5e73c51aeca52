//! Time to the marking (read + check) for DOCX (docx-rs output, Stored and re-zipped with
//! deflate, as Word writes it) and PDF (written with lopdf), 1 page and 200 pages.
//! `cargo test --benches` runs each once.
//!
//! `BENCH_DOCS_DIR=DIR cargo bench --bench documents` writes the same files to DIR and exits:
//! `scripts/bench-documents.sh` times the checker on them against `pdftotext` and `unzip -p`.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group};
use protective_marking::document::{check, read_docx, read_pdf};
use protective_marking::{Limits, Scanner};
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
    let scanner = Scanner::new();
    let mut group = c.benchmark_group("documents");
    group.sample_size(10);
    for pages in [1usize, 200] {
        let stored = docx(pages);
        let deflated = common::deflated(&stored);
        let pdf = common::pdf(pages as u32, "RESTRICTED");
        for (name, bytes) in [("docx_stored", &stored), ("docx_deflated", &deflated)] {
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_function(format!("{name}/{pages}p"), |b| {
                b.iter(|| {
                    check(
                        &read_docx(black_box(bytes), &limits).expect("docx"),
                        &scanner,
                    )
                })
            });
        }
        group.throughput(Throughput::Bytes(pdf.len() as u64));
        group.bench_function(format!("pdf/{pages}p"), |b| {
            b.iter(|| check(&read_pdf(black_box(&pdf), &limits).expect("pdf"), &scanner))
        });
    }
    group.finish();
}

/// Writes the benchmark's documents to `dir` for the comparison script.
fn write_fixtures(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for pages in [1usize, 200] {
        std::fs::write(
            dir.join(format!("{pages}p.docx")),
            common::deflated(&docx(pages)),
        )?;
        std::fs::write(
            dir.join(format!("{pages}p.pdf")),
            common::pdf(pages as u32, "RESTRICTED"),
        )?;
    }
    Ok(())
}

criterion_group!(benches, bench);

fn main() {
    if let Some(dir) = std::env::var_os("BENCH_DOCS_DIR") {
        write_fixtures(std::path::Path::new(&dir)).expect("write fixtures");
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
