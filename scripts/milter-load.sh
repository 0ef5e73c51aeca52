#!/usr/bin/env bash
# Load test of the protective-marking milter in front of a real Postfix, on loopback only.
#
#   scripts/milter-load.sh                       2000 messages, 8 concurrent senders
#   MESSAGES=5000 SENDERS=16 DEADLINE=300 scripts/milter-load.sh
#   MILTER_SOCKET=unix scripts/milter-load.sh    the milter on a unix socket instead of TCP
#   MILTER_BIN=path/to/milter scripts/milter-load.sh   use that binary, do not build
#
# One private Postfix instance (scripts/lib/postfix-instance.sh) with two smtpd listeners on
# 127.0.0.1: one without a milter (the baseline) and one with the milter (release build of
# examples/milter, policy tests/data/milter/policy.toml). The same workload runs against
# each: MESSAGES messages from SENDERS concurrent SMTP sessions (scripts/milter_load.py),
# taken round-robin from the end-to-end cases (scripts/milter_messages.py: marked, unmarked,
# over the ceiling, under-marked DOCX, malformed, downgrade, ...), stopping early at
# DEADLINE seconds per run.
#
# Checks (exit 1 on any failure):
#   - nothing lost: delivered (sink) + rejected (5xx) + tempfailed (4xx) + held (hold queue)
#     = sent, with the client's counts agreeing with Postfix's maillog (milter-reject,
#     milter-hold) and no broken sessions;
#   - every message got its case's expected outcome;
#   - the baseline delivered everything it was sent.
# Reports messages/second for each run and p50/p99 latency (MAIL FROM to the final reply
# after DATA), with the milter's added latency = milter run - baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MESSAGES=${MESSAGES:-2000}
SENDERS=${SENDERS:-8}
DEADLINE=${DEADLINE:-120}
MILTER_SOCKET=${MILTER_SOCKET:-tcp}

if [ "$(id -u)" != 0 ]; then
  echo "milter-load: needs root (it starts a private Postfix instance)" >&2
  exit 2
fi
if [ "${PM_SKIP_SETUP:-0}" != 1 ]; then
  scripts/setup.sh
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

if [ -z "${MILTER_BIN:-}" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
  cargo build --quiet --release --example milter
  MILTER_BIN=$CARGO_TARGET_DIR/release/examples/milter
fi
case "$MILTER_SOCKET" in
  tcp) listen="127.0.0.1:$(pf_free_port)"; milter="inet:$listen" ;;
  unix) listen="unix:$WORK/milter.sock"; milter=$listen ;;
  *) echo "milter-load: MILTER_SOCKET is tcp or unix" >&2; exit 2 ;;
esac
"$MILTER_BIN" --listen "$listen" --policy tests/data/milter/policy.toml --log-format json \
  >"$WORK/milter.log" 2>&1 &
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
run() {
  local before after
  before=$(pf_sink_count)
  python3 scripts/milter_load.py --port "$2" --cases "$WORK/msgs" --messages "$MESSAGES" \
    --senders "$SENDERS" --deadline "$DEADLINE" --out "$WORK/$1.json"
  pf_wait_queue_empty 120 || echo "milter-load: queue not drained after 120 s" >&2
  after=$(pf_sink_count)
  echo $((after - before)) >"$WORK/$1.delivered"
}
run baseline "$BASE_PORT"
run milter "$MILTER_PORT"

held=$(pf_queue_json | grep -c '"queue_name": *"hold"' || true)
log_reject=$(grep -c 'milter-reject: END-OF-MESSAGE .*: 5\.7\.1 ' "$PF_DIR/maillog" || true)
log_tempfail=$(grep -c 'milter-reject: END-OF-MESSAGE .*: 4\.7\.1 ' "$PF_DIR/maillog" || true)
log_hold=$(grep -c 'milter-hold: END-OF-MESSAGE' "$PF_DIR/maillog" || true)

python3 - "$WORK" "$held" "$log_reject" "$log_tempfail" "$log_hold" <<'EOF'
import json, sys

work, held, log_reject, log_tempfail, log_hold = sys.argv[1], *map(int, sys.argv[2:])
base = json.load(open(f"{work}/baseline.json"))
milt = json.load(open(f"{work}/milter.json"))
base_delivered = int(open(f"{work}/baseline.delivered").read())
delivered = int(open(f"{work}/milter.delivered").read())
expect = {}
for line in open(f"{work}/msgs/cases.tsv"):
    name, _s, _r, outcome, reply, *_ = line.rstrip("\n").split("\t")
    expect[name] = reply.split()[0]  # 250 / 550 / 451

problems = []
def check(ok, what):
    if not ok:
        problems.append(what)

for name, run in (("baseline", base), ("milter", milt)):
    check(run["errors"] == 0, f"{name}: {run['errors']} broken SMTP sessions")
    check(not run["deadline_hit"], f"{name}: deadline hit after {run['sent']} messages")
check(base["accepted"] == base["sent"], f"baseline: only {base['accepted']} of {base['sent']} accepted")
check(base_delivered == base["sent"], f"baseline: {base_delivered} delivered of {base['sent']} sent")
total = delivered + milt["rejected"] + milt["tempfailed"] + held
check(total == milt["sent"],
      f"lost messages: delivered {delivered} + rejected {milt['rejected']} + tempfailed "
      f"{milt['tempfailed']} + held {held} = {total}, sent {milt['sent']}")
check(delivered + held == milt["accepted"], f"accepted {milt['accepted']} != delivered {delivered} + held {held}")
check(log_reject == milt["rejected"], f"maillog has {log_reject} 5.7.1 milter rejects, client saw {milt['rejected']}")
check(log_tempfail == milt["tempfailed"], f"maillog has {log_tempfail} 4.7.1 milter tempfails, client saw {milt['tempfailed']}")
check(log_hold == held, f"maillog has {log_hold} milter-hold lines, hold queue has {held}")
check(held > 0 and milt["rejected"] > 0 and delivered > 0, "the mix did not exercise deliver, reject and hold")
for name, codes in milt["per_case"].items():
    wrong = {c: n for c, n in codes.items() if c != expect[name]}
    check(not wrong, f"{name}: expected {expect[name]}, got {wrong}")

def ms(v):
    return f"{v:.2f}"
bl, ml = base["latency_ms"], milt["latency_ms"]
print(f"milter-load: baseline {base['sent']} sent, {base_delivered} delivered; "
      f"{base['messages_per_second']} msg/s; latency p50 {ms(bl['p50'])} ms, p99 {ms(bl['p99'])} ms")
print(f"milter-load: milter   {milt['sent']} sent = {delivered} delivered + {milt['rejected']} rejected "
      f"+ {milt['tempfailed']} tempfailed + {held} held; {milt['messages_per_second']} msg/s; "
      f"latency p50 {ms(ml['p50'])} ms, p99 {ms(ml['p99'])} ms")
print(f"milter-load: added by the milter: p50 {ms(ml['p50'] - bl['p50'])} ms, "
      f"p99 {ms(ml['p99'] - bl['p99'])} ms; throughput {milt['messages_per_second']} vs "
      f"{base['messages_per_second']} msg/s")
for p in problems:
    print(f"milter-load: FAIL {p}")
sys.exit(1 if problems else 0)
EOF
