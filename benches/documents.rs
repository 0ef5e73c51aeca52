//! Time to the marking (read + check) for DOCX (docx-rs output, Stored and re-zipped with
//! deflate, as Word writes it) and PDF (written with lopdf), 1 page and 200 pages; a
//! 100-slide PPTX and a 10-sheet XLSX (hand-built packages, deflated).
//! `cargo test --benches` runs each once.
//!
//! `BENCH_DOCS_DIR=DIR cargo bench --bench documents` writes the same files to DIR and exits:
//! `scripts/bench-documents.sh` times the checker on them against `pdftotext` and `unzip -p`.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group};
use protective_marking::document::{check, read_docx, read_pdf, read_pptx, read_xlsx};
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

/// A deck of `slides` slides: a banner text box at the top, a title, a table-like body of
/// 12 lines, a footer placeholder; the master draws a classification text box too.
fn pptx(slides: usize) -> Vec<u8> {
    use common::office::{footer, pptx, text_box};
    let slides: Vec<String> = (0..slides)
        .map(|n| {
            let body: Vec<String> = (0..12)
                .map(|i| format!("Slide {n} point {i}: ordinary words about the budget."))
                .collect();
            let body: Vec<&str> = body.iter().map(String::as_str).collect();
            text_box(100_000, &["IN-CONFIDENCE"])
                + &text_box(800_000, &[&format!("Budget slide {n}")])
                + &text_box(1_600_000, &body)
                + &footer("IN-CONFIDENCE")
        })
        .collect();
    common::deflated(&pptx(&text_box(6_400_000, &["IN-CONFIDENCE"]), &slides))
}

/// A workbook of `sheets` sheets of 400 rows by 6 text cells (shared strings), each sheet
/// with a marked header and footer written with codes.
fn xlsx(sheets: usize) -> Vec<u8> {
    let shared: Vec<String> = (0..2_000)
        .map(|i| format!("Budget line {i} words"))
        .collect();
    let sheets: Vec<(String, String, String)> = (0..sheets)
        .map(|s| {
            let mut data = String::new();
            for r in 1..=400 {
                data.push_str(&format!("<row r=\"{r}\">"));
                for c in 0..6 {
                    let i = (s * 400 + r * 6 + c) % shared.len();
                    data.push_str(&format!("<c t=\"s\"><v>{i}</v></c>"));
                }
                data.push_str("</row>");
            }
            let hf = "<oddHeader>&amp;C&amp;\"Arial,Bold\"IN-CONFIDENCE</oddHeader><oddFooter>&amp;LIN-CONFIDENCE&amp;RPage &amp;P</oddFooter>";
            (format!("Sheet{s}"), data, hf.to_owned())
        })
        .collect();
    common::deflated(&common::raw_zip(&common::office::xlsx_entries(
        &sheets, &shared, None,
    )))
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
    let deck = pptx(100);
    group.throughput(Throughput::Bytes(deck.len() as u64));
    group.bench_function("pptx/100slides", |b| {
        b.iter(|| {
            check(
                &read_pptx(black_box(&deck), &limits).expect("pptx"),
                &scanner,
            )
        })
    });
    let book = xlsx(10);
    group.throughput(Throughput::Bytes(book.len() as u64));
    group.bench_function("xlsx/10sheets", |b| {
        b.iter(|| {
            check(
                &read_xlsx(black_box(&book), &limits).expect("xlsx"),
                &scanner,
            )
        })
    });
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
    std::fs::write(dir.join("100s.pptx"), pptx(100))?;
    std::fs::write(dir.join("10s.xlsx"), xlsx(10))?;
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
