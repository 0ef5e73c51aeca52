#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (scripts/setup.sh),
# then formatting, lints, unit/integration/property/doc tests and a one-shot run of every
# benchmark. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets
cargo test --doc
echo "test.sh: all checks passed"
