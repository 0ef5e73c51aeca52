//! `cargo fuzz run --sanitizer none docx -- -max_total_time=30 -rss_limit_mb=2048`
#![no_main]

use libfuzzer_sys::fuzz_target;
use protective_marking::Limits;
use protective_marking::document::read_docx;

fuzz_target!(|data: &[u8]| {
    // Any Ok or Err is fine; a panic, a hang or an allocation past the RSS limit is a bug.
    let _ = read_docx(data, &Limits::default());
});
