#!/usr/bin/env bash
# Scanner throughput against ripgrep 15 on the three benchmark corpora (issue 3):
#   (a) prose    marking-free English-like prose with near-misses (`secretary`, `trade secret`)
#   (b) banners  the same with a banner line about every 50 KB
#   (c) dense    a banner, paragraph mark, statement or prose marking every few lines
#
#   scripts/bench-vs-ripgrep.sh [MEGABYTES]     (default 100; corpora are cached by size)
#
# The scanner side is `examples/scan_bench.rs`: one process that scans the file through
# `Scanner::scan_reader` (256 KiB windows, bounded memory) and prints the finding count.
# The ripgrep side is `rg -c -i` with the alternation of every classification phrase the
# scanner searches for, Unicode on (rg's default), so NBSP between words counts as `\s`.
# Both are timed as whole processes with the file in the page cache: hyperfine (median of
# RUNS runs after a warm-up) when installed, else a loop of /usr/bin/time. Needs ripgrep 15
# (`scripts/setup.sh --bench`): Debian's ripgrep 13 is far slower on this pattern.
set -euo pipefail
cd "$(dirname "$0")/.."

MB="${1:-100}"
RUNS="${RUNS:-7}"
DIR="${BENCH_DIR:-target/bench-corpus}"
TARGET="${CARGO_TARGET_DIR:-target}"
RG="${RG:-rg}"
# Every classification phrase whose last word the scanner searches for (NZ levels, and the
# foreign levels that map above UNCLASSIFIED: AU PROTECTED, UK OFFICIAL-SENSITIVE).
PATTERN='\b(?:top[\s\-]+secret|in[\s\-]+confidence|unclassified|sensitive|restricted|confidential|secret|protected)\b'

if ! "$RG" --version 2>/dev/null | grep -q '^ripgrep 1[5-9]'; then
  echo "bench-vs-ripgrep: need ripgrep 15 or later as \$RG (scripts/setup.sh --bench)" >&2
  exit 2
fi

# The scanner does not depend on the document and mail readers, so leave them out of the
# build; the timed code is the same.
cargo build --quiet --release --no-default-features --example scan_bench --example gen_corpus
BIN="$TARGET/release/examples"

mkdir -p "$DIR"
for kind in prose banners dense; do
  file="$DIR/$kind-${MB}MB.txt"
  [ -s "$file" ] || "$BIN/gen_corpus" "$kind" "$MB" "$file"
done

# Median wall time in seconds of running "$@" RUNS times, output discarded.
time_it() {
  if command -v hyperfine >/dev/null 2>&1; then
    local json
    json="$(mktemp)"
    hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$json" \
      --output null -- "$(printf '%q ' "$@")" >/dev/null
    sed -n 's/^ *"median": *\([0-9.e+-]*\),*$/\1/p' "$json" | head -n 1
    rm -f "$json"
  else
    "$@" >/dev/null 2>&1 # warm-up
    local times=() t
    for _ in $(seq "$RUNS"); do
      t="$( { /usr/bin/time -f '%e' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -n 1)"
      times+=("$t")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
  fi
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }

echo "machine: $(nproc) cores, $(uname -sm); $("$RG" --version | head -n 1); runs: $RUNS"
echo "pattern: rg -c -i '$PATTERN'"
printf '%-8s %9s %12s %12s %9s %9s %7s\n' corpus MB findings rg-lines scan-MB/s rg-MB/s ratio
for kind in prose banners dense; do
  file="$DIR/$kind-${MB}MB.txt"
  bytes="$(stat -c %s "$file")"
  findings="$("$BIN/scan_bench" "$file" 2>/dev/null | awk '{print $2 "/" $4}')"
  lines="$("$RG" -c -i "$PATTERN" "$file" || echo 0)"
  scan_s="$(time_it "$BIN/scan_bench" "$file")"
  rg_s="$(time_it "$RG" -c -i "$PATTERN" "$file")"
  scan_mbps="$(mbps "$bytes" "$scan_s")"
  rg_mbps="$(mbps "$bytes" "$rg_s")"
  ratio="$(awk -v a="$rg_s" -v b="$scan_s" 'BEGIN { printf "%.1fx", a / b }')"
  printf '%-8s %9.1f %12s %12s %9s %9s %7s\n' "$kind" "$(awk -v b="$bytes" 'BEGIN{print b/1e6}')" \
    "$findings" "$lines" "$scan_mbps" "$rg_mbps" "$ratio"
done
echo "findings: all/deciding; ratio: scanner throughput / ripgrep throughput (higher is faster)"
