//! `cargo fuzz run --sanitizer none pdf -- -max_total_time=30 -rss_limit_mb=2048`
#![no_main]

use libfuzzer_sys::fuzz_target;
use protective_marking::Limits;
use protective_marking::document::read_pdf;

fuzz_target!(|data: &[u8]| {
    let _ = read_pdf(data, &Limits::default());
});
