#!/usr/bin/env bash
# Runs every fuzz target for a time budget on the stable toolchain and fails on any crash.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 60 seconds, every target
#
# Targets (fuzz/fuzz_targets/, assertions in checks.rs): marking, subject, scan, message, docx, pdf,
# pptx, xlsx, odf, msg; and milter (the milter frame codec and session state machine, assertions in
# src/milter/internal.rs). Sanitizer: none (cargo fuzz's default AddressSanitizer needs a nightly
# compiler; the crate forbids unsafe code, so ASan adds little). libFuzzer limits: 2 GiB RSS, 20 s
# per input.
#
# Seeds: fuzz/seeds/*.txt (one input per line), the test fixtures under tests/data, and the
# third-party corpus in ../shared/corpus/third_party when it is there. The growing corpus
# lives in fuzz/corpus/<target> (not committed). A crash is copied to
# tests/data/fuzz-regressions/<target>/, where tests/library/fuzz_regressions.rs replays it
# through the same assertions on every `cargo test`: fix the bug, commit the input.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-60}
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(marking subject scan message docx pdf pptx xlsx odf msg milter)
fi

scripts/setup.sh --fuzz >/dev/null

third_party="$root/../shared/corpus/third_party"
seed() { # seed TARGET FILES...
  local dir="$root/fuzz/corpus/$1"
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] && cp -n "$f" "$dir/seed-$(basename "$f")"
  done
  return 0
}
seed_lines() { # seed_lines TARGET FILE
  local dir="$root/fuzz/corpus/$1" n=0
  mkdir -p "$dir"
  while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" >"$dir/seed-$(basename "$2" .txt)-$n"
  done <"$2"
}
shopt -s nullglob globstar
seed_lines marking fuzz/seeds/markings.txt
seed_lines subject fuzz/seeds/subjects.txt
seed_lines scan fuzz/seeds/markings.txt
seed scan tests/data/**/*.eml
# The real-text excerpts and shapes (JSON lines), one seed file each.
for cases in tests/data/real/shapes.jsonl "$root/../shared/corpus/real/cases.jsonl"; do
  [ -f "$cases" ] && python3 - "$cases" "$root/fuzz/corpus/scan" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
for line in open(src, encoding="utf-8"):
    if line.strip():
        c = json.loads(line)
        with open(os.path.join(out, "seed-" + c["id"]), "w", encoding="utf-8") as f:
            f.write(c["excerpt"])
PY
done
seed message tests/data/**/*.eml tests/data/**/*.mbox "$third_party"/eml/*
seed docx "$third_party"/docx/*
seed pdf "$third_party"/pdf/*
seed pptx "$third_party"/pptx/*
seed xlsx "$third_party"/xlsx/*
seed odf "$third_party"/odf/*
seed msg "$third_party"/msg/*
seed milter tests/data/milter/fuzz-seeds/*

echo "fuzz: building ${targets[*]} (release, --sanitizer none)"
for t in "${targets[@]}"; do
  (cd fuzz && cargo fuzz build --sanitizer none -O "$t")
done

failed=()
for t in "${targets[@]}"; do
  max_len=65536
  case "$t" in docx | pdf | message | pptx | xlsx | odf | msg) max_len=1048576 ;; esac
  log="$root/fuzz/artifacts/$t.log"
  mkdir -p "$root/fuzz/artifacts/$t"
  if (cd fuzz && cargo fuzz run --sanitizer none -O "$t" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len="$max_len" \
    -print_final_stats=1) >"$log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1 | grep -o '[0-9]*' || echo "?")
    echo "fuzz: $t ok: ${runs} runs in ${seconds}s"
  elif grep -aq 'error: could not compile' "$log"; then
    echo "fuzz: $t did not build (log: $log)"
    failed+=("$t")
  else
    echo "fuzz: $t FAILED (log: $log)"
    grep -a -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -n 5 || true
    mkdir -p "tests/data/fuzz-regressions/$t"
    for a in fuzz/artifacts/"$t"/*; do
      cp "$a" "tests/data/fuzz-regressions/$t/"
      echo "fuzz: saved $(basename "$a") to tests/data/fuzz-regressions/$t/"
    done
    failed+=("$t")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]}; reproduce with: cargo test --test library fuzz_regressions"
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${seconds}s each without a crash"
