//! `scripts/fuzz.sh` runs this target; by hand:
//! `cargo fuzz run --sanitizer none xlsx -- -max_total_time=60 -rss_limit_mb=2048`.
//! What it asserts is `checks::xlsx`.
#![no_main]

mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::xlsx(data));
