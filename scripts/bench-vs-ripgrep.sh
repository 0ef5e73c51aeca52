#!/usr/bin/env bash
# Scanner throughput against ripgrep 15 on the three benchmark corpora:
#   (a) prose    marking-free English-like prose with near-misses (`secretary`, `trade secret`)
#   (b) banners  the same with a banner line about every 50 KB
#   (c) dense    a banner, paragraph mark, statement or prose marking every few lines
#
#   scripts/bench-vs-ripgrep.sh [MEGABYTES]     (default 100; corpora are cached by size)
#
# Two scanner sides: the whole checker, `check scan --format csv FILE` (what a user runs:
# content sniffing, the scan, the report), and `examples/scan_bench.rs`, one process that
# scans the file through `Scanner::scan_reader` (256 KiB windows, bounded memory) and prints
# the finding count (the library alone).
# The ripgrep side is `rg -c -i` with the alternation of every classification phrase the
# scanner searches for, Unicode on (rg's default), so NBSP between words counts as `\s`;
# the same with `--no-unicode` is printed for reference (faster, but it misses those).
# Both are timed as whole processes with the file in the page cache: hyperfine (RUNS runs
# after a warm-up) when installed, else a loop of /usr/bin/time. Needs ripgrep 15
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
cargo build --quiet --release --example check
BIN="$TARGET/release/examples"

mkdir -p "$DIR"
for kind in prose banners dense; do
  file="$DIR/$kind-${MB}MB.txt"
  [ -s "$file" ] || "$BIN/gen_corpus" "$kind" "$MB" "$file"
done

# Runs "$@" RUNS times (output discarded) after a warm-up and prints two numbers: the median
# wall time and the mean CPU time (user + system), in seconds. The CPU time is the steadier
# figure on a machine shared with other work; both are printed.
time_it() {
  if command -v hyperfine >/dev/null 2>&1; then
    local json log
    json="$(mktemp)"
    log="$(mktemp)"
    if ! hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$json" \
      --output null -- "$(printf '%q ' "$@")" >"$log" 2>&1; then
      cat "$log" >&2
      exit 1
    fi
    awk -F': *' '
      /"median"/ { gsub(/,/, "", $2); median = $2 }
      /"user"/   { gsub(/,/, "", $2); user = $2 }
      /"system"/ { gsub(/,/, "", $2); sys = $2 }
      END { printf "%s %s\n", median, user + sys }' "$json"
    rm -f "$json" "$log"
  else
    "$@" >/dev/null 2>&1 # warm-up
    local out
    out="$(mktemp)"
    for _ in $(seq "$RUNS"); do
      /usr/bin/time -a -o "$out" -f '%e %U %S' "$@" >/dev/null 2>&1
    done
    sort -g "$out" | awk '{ wall[NR] = $1; cpu += $2 + $3 }
      END { printf "%s %s\n", wall[int((NR + 1) / 2)], cpu / NR }'
    rm -f "$out"
  fi
}

mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

echo "machine: $(nproc) cores, $(uname -sm), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "ripgrep: $("$RG" --version | head -n 1); runs: $RUNS per command"
echo "pattern: rg -c -i '$PATTERN'"
echo
printf '%-8s %7s %14s %9s | %10s %6s | %9s %9s %6s | %9s %9s %6s | %9s %6s\n' corpus MB findings \
  rg-lines check-wall ratio scan-wall rg-wall ratio scan-cpu rg-cpu ratio rg-ascii ratio
for kind in prose banners dense; do
  file="$DIR/$kind-${MB}MB.txt"
  bytes="$(stat -L -c %s "$file")"
  findings="$("$BIN/scan_bench" "$file" 2>/dev/null | awk '{print $2 "/" $4}')"
  lines="$("$RG" -c -i "$PATTERN" "$file" || echo 0)"
  # `--max "TOP SECRET"`: a gate nothing passes, so the exit code is 0 for an unmarked corpus.
  read -r check_wall _ < <(time_it "$BIN/check" scan --format csv --max "TOP SECRET" "$file")
  read -r scan_wall scan_cpu < <(time_it "$BIN/scan_bench" "$file")
  read -r rg_wall rg_cpu < <(time_it "$RG" -c -i "$PATTERN" "$file")
  read -r ascii_wall _ < <(time_it "$RG" -c -i --no-unicode "$PATTERN" "$file")
  printf '%-8s %7.1f %14s %9s | %10s %6s | %9s %9s %6s | %9s %9s %6s | %9s %6s\n' "$kind" \
    "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$findings" "$lines" \
    "$(mbps "$bytes" "$check_wall")" "$(ratio "$rg_wall" "$check_wall")" \
    "$(mbps "$bytes" "$scan_wall")" "$(mbps "$bytes" "$rg_wall")" "$(ratio "$rg_wall" "$scan_wall")" \
    "$(mbps "$bytes" "$scan_cpu")" "$(mbps "$bytes" "$rg_cpu")" "$(ratio "$rg_cpu" "$scan_cpu")" \
    "$(mbps "$bytes" "$ascii_wall")" "$(ratio "$ascii_wall" "$scan_wall")"
done
echo
echo "check-wall: the whole checker (check scan --format csv FILE); scan-*: the Scanner alone."
echo "MB/s from the median wall time (-wall) and from the mean user+system CPU time (-cpu),"
echo "whole processes, file in the page cache; findings: all/deciding; ratio: scanner/ripgrep."
echo "rg-ascii: the same rg with --no-unicode (wall), for reference only: ASCII \\b and \\s are"
echo "faster on non-ASCII text but miss a marking whose words a non-breaking space separates."
