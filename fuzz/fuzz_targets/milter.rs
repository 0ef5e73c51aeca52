//! `scripts/fuzz.sh` runs this target; by hand:
//! `cargo fuzz run --sanitizer none milter -- -max_total_time=60 -rss_limit_mb=2048`.
//! Arbitrary bytes as the MTA's side of a milter connection, through the frame codec and the
//! session state machine; the assertions are in `protective_marking::milter::internal`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| protective_marking::milter::internal::drive_session(data));
