#!/usr/bin/env bash
# Time to the marking for DOCX, PDF, a 100-slide PPTX and a 10-sheet XLSX, against the tools
# a user would otherwise reach for: `pdftotext` (poppler) for PDF, and `unzip -p` of the XML
# parts (the bare cost of inflating) for DOCX, PPTX and XLSX. Same files, same machine, whole processes (start-up included on both sides).
#
#   scripts/bench-documents.sh        needs hyperfine, pdftotext, unzip (scripts/setup.sh --bench)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --bench >/dev/null

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
BENCH_DOCS_DIR="$dir" cargo bench --quiet --bench documents >/dev/null
cargo build --quiet --release --example check
check=target/release/examples/check
[ -n "${CARGO_TARGET_DIR:-}" ] && check="$CARGO_TARGET_DIR/release/examples/check"

mean() { # mean JSON_FILE INDEX -> seconds
  python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean'])" "$1" "$2"
}
printf '%-10s %-12s %12s %12s %8s\n' file baseline "check (ms)" "base (ms)" ratio
for f in 1p.pdf 200p.pdf 1p.docx 200p.docx 100s.pptx 10s.xlsx; do
  path="$dir/$f"
  case "$f" in
    *.pdf) base="pdftotext $path -"; name=pdftotext ;;
    *.docx) base="unzip -p $path word/*.xml"; name="unzip -p" ;;
    *.pptx) base="unzip -p $path ppt/*.xml"; name="unzip -p" ;;
    *.xlsx) base="unzip -p $path xl/*.xml"; name="unzip -p" ;;
  esac
  hyperfine --warmup 3 --min-runs 20 -N --export-json "$dir/r.json" \
    "$check scan --json $path" "$base" >/dev/null 2>&1 ||
    hyperfine --warmup 3 --min-runs 20 --export-json "$dir/r.json" \
      "$check scan --json $path > /dev/null" "$base > /dev/null" >/dev/null
  ours=$(mean "$dir/r.json" 0)
  theirs=$(mean "$dir/r.json" 1)
  python3 -c "import sys; o,t=float(sys.argv[1]),float(sys.argv[2]); print('%-10s %-12s %12.2f %12.2f %7.2fx' % (sys.argv[3], sys.argv[4], o*1e3, t*1e3, o/t))" \
    "$ours" "$theirs" "$f" "$name"
done
echo "ratio = check time / baseline time (below 1: the checker is faster)"
