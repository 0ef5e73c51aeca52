#!/usr/bin/env bash
# Load test of the protective-marking milter in front of a real Postfix, on loopback only.
#
#   scripts/milter-load.sh                       2000 messages, 8 concurrent senders
#   MESSAGES=5000 SENDERS=16 DEADLINE=300 scripts/milter-load.sh
#   MILTER_SOCKET=unix scripts/milter-load.sh    the milter on a unix socket instead of TCP
#   ROUNDS=3 scripts/milter-load.sh              3 baseline and 3 clean runs (default 2)
#   MILTER_BIN=path/to/protective-marking-milter scripts/milter-load.sh
#                                                use that binary, do not build
#   MILTER=null scripts/milter-load.sh           the floor: a null milter on libmilter
#                                                (scripts/null_milter.c) in place of ours
#
# One private Postfix instance (scripts/lib/postfix-instance.sh) with two smtpd listeners on
# 127.0.0.1: one without a milter and one with the milter (release build of the
# protective-marking-milter binary, policy tests/data/milter/policy.toml). Each run sends MESSAGES messages from SENDERS
# concurrent SMTP sessions (scripts/milter_load.py), taken round-robin from the end-to-end
# cases (scripts/milter_messages.py), and stops early at DEADLINE seconds. The runs:
#   baseline  deliverable cases only, no milter
#   clean     deliverable cases only, with the milter: the same Postfix work as the
#             baseline plus the milter, so the difference is the milter's added latency
#   (after a short warm-up run on each listener, not counted). There are ROUNDS of each,
#   in the order baseline clean clean baseline ..., so a drift in the machine's load during
#   the measurement weighs on both alike; their messages and latencies are pooled.
#   mixed     every case (marked, unmarked, over the ceiling, Bcc, under-marked DOCX and
#             text, malformed marking, malformed MIME, downgrade), with the milter
#
# Checks (exit 1 on any failure):
#   - nothing lost in the mixed run: delivered (sink) + rejected (5xx) + tempfailed (4xx)
#     + held (hold queue) = sent, the client's counts agree with Postfix's maillog
#     (milter-reject, milter-hold), and no session broke;
#   - every message got its case's expected outcome;
#   - the baseline and clean runs delivered everything they sent.
# Reports messages/second per run, and p50/p99 latency (MAIL FROM to the final reply after
# DATA) with the milter's added latency = clean - baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MESSAGES=${MESSAGES:-2000}
SENDERS=${SENDERS:-8}
DEADLINE=${DEADLINE:-120}
MILTER_SOCKET=${MILTER_SOCKET:-tcp}
MILTER=${MILTER:-protective-marking}
ROUNDS=${ROUNDS:-2}

if [ "$(id -u)" != 0 ]; then
  echo "milter-load: needs root (it starts a private Postfix instance)" >&2
  exit 2
fi
case "$MILTER" in
  protective-marking) setup_args=() ;;
  null) setup_args=(--bench) ;; # libmilter-dev and gcc for the null milter
  *) echo "milter-load: MILTER is protective-marking or null" >&2; exit 2 ;;
esac
if [ "${PM_SKIP_SETUP:-0}" != 1 ]; then
  scripts/setup.sh "${setup_args[@]}"
fi
# shellcheck source=lib/postfix-instance.sh
source scripts/lib/postfix-instance.sh

WORK=$(mktemp -d /tmp/pm-load.XXXXXX)
chmod 755 "$WORK"
MILTER_PID=
cleanup() {
  local rc=$?
  pf_stop
  if [ -n "$MILTER_PID" ]; then
    kill "$MILTER_PID" 2>/dev/null || true
    wait "$MILTER_PID" 2>/dev/null || true
  fi
  if [ "$rc" != 0 ] || [ "${PM_KEEP:-0}" = 1 ]; then
    echo "milter-load: logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$MILTER_SOCKET" in
  tcp) port=$(pf_free_port); listen="127.0.0.1:$port"; milter="inet:$listen"; libmilter_conn="inet:$port@127.0.0.1" ;;
  unix) listen="unix:$WORK/milter.sock"; milter=$listen; libmilter_conn="local:$WORK/milter.sock" ;;
  *) echo "milter-load: MILTER_SOCKET is tcp or unix" >&2; exit 2 ;;
esac
if [ "$MILTER" = null ]; then
  MILTER_BIN=$WORK/null-milter
  gcc -O2 -Wall -Wextra -o "$MILTER_BIN" scripts/null_milter.c -lmilter
  "$MILTER_BIN" "$libmilter_conn" >"$WORK/milter.log" 2>&1 &
else
  if [ -z "${MILTER_BIN:-}" ]; then
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
    cargo build --quiet --release --features milter --bin protective-marking-milter
    MILTER_BIN=$CARGO_TARGET_DIR/release/protective-marking-milter
  fi
  "$MILTER_BIN" --listen "$listen" --policy tests/data/milter/policy.toml --log-format json \
    --socket-group postfix >"$WORK/milter.log" 2>&1 &
fi
MILTER_PID=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$WORK/milter.log" && break
  kill -0 "$MILTER_PID" 2>/dev/null || { cat "$WORK/milter.log" >&2; exit 1; }
  sleep 0.1
done

pf_init "$WORK/pf"
BASE_PORT=$(pf_free_port)
MILTER_PORT=$(pf_free_port)
pf_smtpd "$BASE_PORT"
pf_smtpd "$MILTER_PORT" "$milter"
pf_start
python3 scripts/milter_messages.py "$WORK/msgs"

echo "milter-load: $MESSAGES messages, $SENDERS senders, deadline ${DEADLINE}s per run;" \
  "milter $milter ($MILTER_BIN)"

# run NAME PORT: one load run; waits until Postfix has delivered what it accepted and
# records how many messages the sink got during the run.
run() { # NAME PORT COUNT [--only-deliverable]
  local before after
  before=$(pf_sink_count)
  python3 scripts/milter_load.py --port "$2" --cases "$WORK/msgs" --messages "$3" \
    --senders "$SENDERS" --deadline "$DEADLINE" --out "$WORK/$1.json" "${@:4}"
  pf_wait_queue_empty 120 || echo "milter-load: queue not drained after 120 s" >&2
  after=$(pf_sink_count)
  echo $((after - before)) >"$WORK/$1.delivered"
}
# Warm up both listeners first (Postfix starts smtpd processes on demand; the milter's
# first connections and pages are cold), so neither measured run pays for that.
warmup=$((MESSAGES / 10 > 20 ? MESSAGES / 10 : 20))
run warmup-baseline "$BASE_PORT" "$warmup" --only-deliverable
run warmup-clean "$MILTER_PORT" "$warmup" --only-deliverable
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then
    run "baseline-$r" "$BASE_PORT" "$MESSAGES" --only-deliverable
    run "clean-$r" "$MILTER_PORT" "$MESSAGES" --only-deliverable
  else
    run "clean-$r" "$MILTER_PORT" "$MESSAGES" --only-deliverable
    run "baseline-$r" "$BASE_PORT" "$MESSAGES" --only-deliverable
  fi
done
# The null milter accepts everything, so the mixed run (which checks each case's verdict)
# is only for ours.
if [ "$MILTER" != null ]; then
  run mixed "$MILTER_PORT" "$MESSAGES"
fi

held=$(pf_queue_json | grep -c '"queue_name": *"hold"' || true)
log_reject=$(grep -c 'milter-reject: END-OF-MESSAGE .*: 5\.7\.1 ' "$PF_DIR/maillog" || true)
log_tempfail=$(grep -c 'milter-reject: END-OF-MESSAGE .*: 4\.7\.1 ' "$PF_DIR/maillog" || true)
log_hold=$(grep -c 'milter-hold: END-OF-MESSAGE' "$PF_DIR/maillog" || true)

python3 - "$WORK" "$held" "$log_reject" "$log_tempfail" "$log_hold" "$ROUNDS" "$MILTER" <<'EOF'
import json, sys

work, held, log_reject, log_tempfail, log_hold, rounds = sys.argv[1], *map(int, sys.argv[2:7])
null_milter = sys.argv[7] == "null"


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[i]


def pooled(kind):
    """The ROUNDS runs of one kind as one: counts added, latencies pooled."""
    runs = [json.load(open(f"{work}/{kind}-{r}.json")) for r in range(1, rounds + 1)]
    delivered = sum(int(open(f"{work}/{kind}-{r}.delivered").read()) for r in range(1, rounds + 1))
    out = {k: sum(run[k] for run in runs) for k in ("sent", "accepted", "rejected", "tempfailed", "errors", "seconds")}
    out["deadline_hit"] = any(run["deadline_hit"] for run in runs)
    out["per_case"] = {}
    for run in runs:
        for name, codes in run["per_case"].items():
            for code, n in codes.items():
                out["per_case"].setdefault(name, {}).setdefault(code, 0)
                out["per_case"][name][code] += n
    lat = sorted(v for run in runs for v in run["latencies_ms"])
    out["latency_ms"] = {"p50": percentile(lat, 50), "p99": percentile(lat, 99)}
    out["messages_per_second"] = round(out["sent"] / out["seconds"], 1)
    out["runs"] = [run["messages_per_second"] for run in runs]
    return out, delivered


base, base_delivered = pooled("baseline")
clean, clean_delivered = pooled("clean")
if null_milter:
    milt, delivered = None, 0
else:
    milt = json.load(open(f"{work}/mixed.json"))
    delivered = int(open(f"{work}/mixed.delivered").read())
expect = {}
for line in open(f"{work}/msgs/cases.tsv"):
    name, _s, _r, outcome, reply, *_ = line.rstrip("\n").split("\t")
    expect[name] = reply.split()[0]  # 250 / 550 / 451

problems = []
def check(ok, what):
    if not ok:
        problems.append(what)

runs = (("baseline", base), ("clean", clean)) + ((("mixed", milt),) if milt else ())
for name, run in runs:
    check(run["errors"] == 0, f"{name}: {run['errors']} broken SMTP sessions")
    check(not run["deadline_hit"], f"{name}: deadline hit after {run['sent']} messages")
for name, run, got in (("baseline", base, base_delivered), ("clean", clean, clean_delivered)):
    check(run["accepted"] == run["sent"], f"{name}: only {run['accepted']} of {run['sent']} accepted")
    check(got == run["sent"], f"{name}: {got} delivered of {run['sent']} sent")
if milt:
    total = delivered + milt["rejected"] + milt["tempfailed"] + held
    check(total == milt["sent"],
          f"lost messages: delivered {delivered} + rejected {milt['rejected']} + tempfailed "
          f"{milt['tempfailed']} + held {held} = {total}, sent {milt['sent']}")
    check(delivered + held == milt["accepted"], f"accepted {milt['accepted']} != delivered {delivered} + held {held}")
    check(log_reject == milt["rejected"], f"maillog has {log_reject} 5.7.1 milter rejects, client saw {milt['rejected']}")
    check(log_tempfail == milt["tempfailed"], f"maillog has {log_tempfail} 4.7.1 milter tempfails, client saw {milt['tempfailed']}")
    check(log_hold == held, f"maillog has {log_hold} milter-hold lines, hold queue has {held}")
    check(held > 0 and milt["rejected"] > 0 and delivered > 0, "the mix did not exercise deliver, reject and hold")
for name, codes in list(milt["per_case"].items() if milt else []) + list(clean["per_case"].items()):
    wrong = {c: n for c, n in codes.items() if c != expect[name]}
    check(not wrong, f"{name}: expected {expect[name]}, got {wrong}")

def ms(v):
    return f"{v:.2f}"
def line(name, run, what):
    lat = run["latency_ms"]
    print(f"milter-load: {name:8} {run['sent']} sent = {what}; {run['messages_per_second']} msg/s; "
          f"latency p50 {ms(lat['p50'])} ms, p99 {ms(lat['p99'])} ms")
line("baseline", base, f"{base_delivered} delivered (no milter); runs {base['runs']} msg/s")
line("clean", clean, f"{clean_delivered} delivered; runs {clean['runs']} msg/s")
if milt:
    line("mixed", milt, f"{delivered} delivered + {milt['rejected']} rejected + {milt['tempfailed']} "
         f"tempfailed + {held} held")
bl, cl = base["latency_ms"], clean["latency_ms"]
cost = 100.0 * (1 - clean["messages_per_second"] / base["messages_per_second"])
print(f"milter-load: added by the milter (clean - baseline): p50 {ms(cl['p50'] - bl['p50'])} ms, "
      f"p99 {ms(cl['p99'] - bl['p99'])} ms; throughput {clean['messages_per_second']} vs "
      f"{base['messages_per_second']} msg/s ({cost:+.1f} % cost)")
for p in problems:
    print(f"milter-load: FAIL {p}")
sys.exit(1 if problems else 0)
EOF
