#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (scripts/setup.sh),
# then formatting, lints, unit/integration/property/doc tests and a one-shot run of every
# benchmark. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets --all-features -- -D warnings
# The model, scanner and handling rules build alone (the heavy parts are features).
cargo clippy --lib --no-default-features -- -D warnings
# The milter (tokio) is opt-in: a dependent on the default features pulls no async runtime.
if cargo tree -e normal --prefix none | grep -q '^tokio '; then
  echo "test.sh: the default features pull tokio; the milter must stay opt-in" >&2
  exit 1
fi
# `cargo test` builds the examples and binaries (the CLI tests run target/debug/examples/check,
# the milter tests the protective-marking-milter binary) and runs unit, integration and doc
# tests; `--all-targets` would build examples only as test harnesses and skip doc tests.
# `--all-features` brings in the opt-in milter and its tests (tests/mail/milter_*.rs, including
# the Postfix end-to-end test).
cargo test --all-features
# Every benchmark once, in test mode (criterion's `--test`): proves they run, times nothing.
cargo test --benches
# The API docs build without broken links.
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet --all-features
# Every fuzz target builds on stable and runs briefly from its seeds (scripts/fuzz.sh; long
# runs are by hand). Saved crashes are already replayed by `cargo test` (fuzz_regressions).
scripts/fuzz.sh 10
echo "test.sh: all checks passed"
