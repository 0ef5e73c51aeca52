#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (scripts/setup.sh),
# then formatting, lints, unit/integration/property/doc tests and a one-shot run of every
# benchmark. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# The model, scanner and handling rules build alone (the heavy parts are features).
cargo clippy --lib --no-default-features -- -D warnings
# Plain `cargo test` builds the examples as binaries (the CLI tests run target/debug/examples/check)
# and runs unit, integration and doc tests; `--all-targets` would build examples only as test
# harnesses and skip doc tests.
cargo test
# Every benchmark once, in test mode (criterion's `--test`): proves they run, times nothing.
cargo test --benches
# The API docs build without broken links.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
# Every fuzz target builds on stable and runs briefly from its seeds (scripts/fuzz.sh; long
# runs are by hand). Saved crashes are already replayed by `cargo test` (fuzz_regressions).
scripts/fuzz.sh 10
echo "test.sh: all checks passed"
