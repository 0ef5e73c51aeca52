//! The example checker (`examples/check`), run as a user runs it: every verb's output contract, exit codes, gates and the bundled sample. Plain `cargo test` builds the examples first; `cargo test --test checker` alone needs `cargo build --examples` before it.

#[path = "../common/cli.rs"]
mod cli;
#[path = "../common/mod.rs"]
mod common;

mod check_handle;
mod check_mail;
mod check_marking;
mod check_sample;
mod check_scan;
mod check_scan_office;
mod check_scan_tree;
