#!/usr/bin/env bash
# End-to-end test of the protective-marking milter in front of a real Postfix, on loopback.
#
#   scripts/postfix-e2e.sh                 build the protective-marking-milter binary,
#                                          start it (TCP, unix socket, inbound policy) and a
#                                          private Postfix instance, send the test
#                                          messages, check what happened
#   MILTER_BIN=target/debug/protective-marking-milter scripts/postfix-e2e.sh
#                                          use that milter binary, do not build
#                                          (tests/mail/milter_postfix.rs, run by `cargo test`,
#                                          calls the script this way)
#   MILTER_ADDR=127.0.0.1:7357 scripts/postfix-e2e.sh
#                                          test a milter that is already running there
#                                          (TCP only)
#
# Needs root (Postfix). Installs Postfix, swaks and python3 with scripts/setup.sh unless
# PM_SKIP_SETUP=1. The Postfix instance is private (scripts/lib/postfix-instance.sh): its
# own config and queue under a temporary directory, smtpd on free 127.0.0.1 ports, nothing
# on :25, all mail relayed to an smtp-sink that dumps each message to a file.
#
# Cases (scripts/milter_messages.py writes the messages; policy tests/data/milter/policy.toml):
#   marked within the ceiling        -> delivered, with X-Protective-Marking-Verdict
#   RESTRICTED//NZEO to *.govt.nz    -> delivered
#   unmarked                         -> 550 5.7.1 (NZISM 15.1.11.C.01)
#   over the recipient's ceiling     -> 550 5.7.1 (NZISM 15.2.40.C.01)
#   Bcc'd recipient over ceiling     -> 550 5.7.1 naming the Bcc'd address
#   DOCX / text attachment marked above the subject (under-marked) -> 550 5.7.1
#   malformed marking ([IN-CONFIDENCE//NZEOO])                     -> 550 5.7.1 (15.2.39.C.03)
#   malformed MIME (boundary never appears)                        -> 451 4.7.1 (on_error)
#   reply marked below the marking it quotes (downgrade)           -> held (hold queue)
#   the same milter on a unix socket: marked / unmarked            -> 250 / 550 5.7.1
#   the same milter behind an smtpd with milter_protocol = 2 (no no-reply steps, so every
#   command is answered): marked / unmarked                         -> 250 / 550 5.7.1
#   (the milter's log shows both paths: "replies":"end-of-message" and "every-step")
#   inbound policy (tests/data/milter/inbound.toml), third milter process:
#     unmarked from outside government -> delivered, X-Protective-Marking added and
#       [UNCLASSIFIED] appended to the RFC 2047 subject, encoded words and fold intact
#     [SEC=OFFICIAL:Sensitive] from .gov.au -> delivered as [IN-CONFIDENCE]
#     unmarked from a government sender -> 550 5.7.1; marked -> delivered unchanged
#   reload: the inbound policy is edited (marking = "IN-CONFIDENCE") and SIGHUP sent: the
#     next message gets the new marking; an invalid edit and SIGHUP: logged, old one kept
#   SIGTERM: the inbound milter stops and exits 0
#   milter unreachable (milter_default_action = tempfail)          -> 451 4.7.1
# Exits non-zero on any mismatch. Stops Postfix, the sink and the milter on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ "$(id -u)" != 0 ]; then
  echo "postfix-e2e: needs root (it starts a private Postfix instance)" >&2
  exit 2
fi
if [ "${PM_SKIP_SETUP:-0}" != 1 ]; then
  scripts/setup.sh
fi
# shellcheck source=lib/postfix-instance.sh
source scripts/lib/postfix-instance.sh

WORK=$(mktemp -d /tmp/pm-e2e.XXXXXX)
chmod 755 "$WORK" # Postfix daemons (user postfix) reach the queue inside it
MILTER_PIDS=()
cleanup() {
  local rc=$? pid
  pf_stop
  for pid in "${MILTER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ "$rc" != 0 ] || [ "${PM_KEEP:-0}" = 1 ]; then
    echo "postfix-e2e: logs kept in $WORK (maillog, milter.log, sink/)" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_milter LISTEN LOG [POLICY]: start the milter binary and wait until it listens.
start_milter() {
  "$MILTER_BIN" --listen "$1" --policy "${3:-tests/data/milter/policy.toml}" --log-format json \
    --socket-group postfix >"$2" 2>&1 &
  local pid=$!
  MILTER_PIDS+=("$pid")
  LAST_MILTER_PID=$pid
  for _ in $(seq 1 100); do
    grep -q "listening on" "$2" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "postfix-e2e: the milter did not start:" >&2
  cat "$2" >&2
  exit 1
}

# The milter: on TCP, and a second process on a unix socket.
unix_milter=
if [ -n "${MILTER_ADDR:-}" ]; then
  milter="inet:$MILTER_ADDR"
else
  if [ -z "${MILTER_BIN:-}" ]; then
    export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
    cargo build --quiet --features milter --bin protective-marking-milter
    MILTER_BIN=$CARGO_TARGET_DIR/debug/protective-marking-milter
  fi
  port=$(pf_free_port)
  start_milter "127.0.0.1:$port" "$WORK/milter.log"
  milter="inet:127.0.0.1:$port"
  start_milter "unix:$WORK/milter.sock" "$WORK/milter-unix.log"
  unix_milter="unix:$WORK/milter.sock"
  # The inbound milter reads a copy of the policy, which the reload check edits.
  cp tests/data/milter/inbound.toml "$WORK/inbound.toml"
  inbound_port=$(pf_free_port)
  start_milter "127.0.0.1:$inbound_port" "$WORK/milter-inbound.log" "$WORK/inbound.toml"
  INBOUND_PID=$LAST_MILTER_PID
  inbound_milter="inet:127.0.0.1:$inbound_port"
fi

# Postfix: one smtpd with the milter, one whose milter is not there.
pf_init "$WORK/pf"
SMTP_PORT=$(pf_free_port)
DOWN_PORT=$(pf_free_port)
DEAD_MILTER_PORT=$(pf_free_port)
pf_smtpd "$SMTP_PORT" "$milter"
pf_smtpd "$DOWN_PORT" "inet:127.0.0.1:$DEAD_MILTER_PORT"
if [ -n "$unix_milter" ]; then
  UNIX_PORT=$(pf_free_port)
  pf_smtpd "$UNIX_PORT" "$unix_milter"
  # The TCP milter again, for an MTA that offers no no-reply steps (milter protocol 2).
  V2_PORT=$(pf_free_port)
  pf_smtpd "$V2_PORT" "$milter" "milter_protocol=2"
  INBOUND_SMTP_PORT=$(pf_free_port)
  pf_smtpd "$INBOUND_SMTP_PORT" "$inbound_milter"
fi
pf_start
echo "postfix-e2e: postfix on 127.0.0.1:$SMTP_PORT with milter $milter; sink on 127.0.0.1:$PF_SINK_PORT"

python3 scripts/milter_messages.py "$WORK/msgs"

# The server's final reply to the message: the reply after DATA's 354, or the first
# error reply if the session never got that far.
final_reply() {
  awk '
    /^<[-*~]+ +354 / { data = 1; next }
    data && /^<[-*~]+ +[0-9][0-9][0-9]/ { sub(/^<[-*~]+ +/, ""); print; found = 1; exit }
    !data && /^<\*\* +[45][0-9][0-9]/ && !err { sub(/^<\*\* +/, ""); err = $0 }
    END { if (!found && err != "") print err }
  ' "$1"
}

send() { # port sender rcpts file out
  swaks --server 127.0.0.1 --port "$1" --from "$2" --to "$3" --data "@$4" \
    --suppress-data --timeout 30 >"$5" 2>&1 || true
}

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "  ok   $*"; }
bad() { fail=$((fail + 1)); echo "  FAIL $*"; }

declare -A EXPECT
echo "postfix-e2e: sending"
while IFS=$'\t' read -r name sender rcpts expect reply text; do
  EXPECT[$name]=$expect
  send "$SMTP_PORT" "$sender" "$rcpts" "$WORK/msgs/$name.eml" "$WORK/$name.swaks"
  got=$(final_reply "$WORK/$name.swaks")
  if [[ "$got" == "$reply"* && "$got" == *"$text"* ]]; then
    ok "$name: $got"
  else
    bad "$name: expected reply '$reply ...${text:+$text...}', got '$got' (see $WORK/$name.swaks)"
  fi
done <"$WORK/msgs/cases.tsv"

# The same milter on a unix socket. The marked message goes to a second recipient so the
# sink copy can be told apart from the TCP one (its X-Test-Id is rewritten).
if [ -n "$unix_milter" ]; then
  sed 's/^X-Test-Id: marked_ok/X-Test-Id: unix_marked_ok/' "$WORK/msgs/marked_ok.eml" \
    >"$WORK/msgs/unix_marked_ok.eml"
  EXPECT[unix_marked_ok]=deliver
  send "$UNIX_PORT" alice@agency.govt.nz carol@example.com "$WORK/msgs/unix_marked_ok.eml" \
    "$WORK/unix_marked_ok.swaks"
  got=$(final_reply "$WORK/unix_marked_ok.swaks")
  [[ "$got" == "250 "* ]] && ok "unix_marked_ok: $got" || bad "unix_marked_ok: got '$got'"
  send "$UNIX_PORT" alice@agency.govt.nz carol@example.com "$WORK/msgs/unmarked.eml" \
    "$WORK/unix_unmarked.swaks"
  got=$(final_reply "$WORK/unix_unmarked.swaks")
  [[ "$got" == "550 5.7.1 "* ]] && ok "unix_unmarked: $got" || bad "unix_unmarked: got '$got'"
fi

# Every command answered: the TCP milter behind an smtpd that speaks milter protocol 2.
if [ -n "$unix_milter" ]; then
  sed 's/^X-Test-Id: marked_ok/X-Test-Id: v2_marked_ok/' "$WORK/msgs/marked_ok.eml" \
    >"$WORK/msgs/v2_marked_ok.eml"
  EXPECT[v2_marked_ok]=deliver
  send "$V2_PORT" alice@agency.govt.nz carol@example.com "$WORK/msgs/v2_marked_ok.eml" "$WORK/v2_marked_ok.swaks"
  got=$(final_reply "$WORK/v2_marked_ok.swaks")
  [[ "$got" == "250 "* ]] && ok "v2_marked_ok: $got" || bad "v2_marked_ok: got '$got'"
  send "$V2_PORT" alice@agency.govt.nz carol@example.com "$WORK/msgs/unmarked.eml" "$WORK/v2_unmarked.swaks"
  got=$(final_reply "$WORK/v2_unmarked.swaks")
  [[ "$got" == "550 5.7.1 "* ]] && ok "v2_unmarked: $got" || bad "v2_unmarked: got '$got'"
  for path in end-of-message every-step; do
    if grep -q "\"replies\":\"$path\"" "$WORK/milter.log"; then
      ok "protocol path $path used"
    else
      bad "protocol path $path not seen in $WORK/milter.log"
    fi
  done
fi

# header FILE NAME: the first NAME header of a delivered copy, folds shown as \r\n; "-" if none.
header() {
  python3 - "$1" "$2" <<'PY'
import sys
# smtp-sink writes LF line ends; the fold is reported as \r\n, as the message carries it.
raw = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
head = raw.split(b"\n\n", 1)[0].split(b"\n")
name = sys.argv[2].lower().encode() + b":"
for i, line in enumerate(head):
    if line.lower().startswith(name):
        value = [line[len(name):].lstrip(b" ")]
        for more in head[i + 1:]:
            if more[:1] in (b" ", b"\t"):
                value.append(more)
            else:
                break
        print(b"\\r\\n".join(value).decode("utf-8", "replace"))
        break
else:
    print("-")
PY
}

# check_inbound NAME SUBJECT MARKING: the delivered copy of NAME carries these headers.
declare -A INBOUND_SUBJECT INBOUND_MARKING
if [ -n "$unix_milter" ]; then
  echo "postfix-e2e: inbound marking"
  while IFS=$'\t' read -r name sender rcpts expect reply subject marking text; do
    EXPECT[$name]=$expect
    INBOUND_SUBJECT[$name]=$subject
    INBOUND_MARKING[$name]=$marking
    send "$INBOUND_SMTP_PORT" "$sender" "$rcpts" "$WORK/msgs/$name.eml" "$WORK/$name.swaks"
    got=$(final_reply "$WORK/$name.swaks")
    if [[ "$got" == "$reply"* && "$got" == *"$text"* ]]; then
      ok "$name: $got"
    else
      bad "$name: expected reply '$reply ...${text:+$text...}', got '$got' (see $WORK/$name.swaks)"
    fi
  done <"$WORK/msgs/inbound.tsv"

  # Reload: a valid edit applies to the next message; the connection-level state survives.
  # wait_log FILE TEXT: until the milter has logged TEXT (a hang detector, not a timing).
  wait_log() {
    for _ in $(seq 1 300); do
      grep -q "$2" "$1" && return 0
      sleep 0.1
    done
    return 1
  }
  sed 's/^marking = "UNCLASSIFIED"/marking = "IN-CONFIDENCE"/' tests/data/milter/inbound.toml >"$WORK/inbound.toml"
  kill -HUP "$INBOUND_PID"
  if wait_log "$WORK/milter-inbound.log" '"event":"reload"'; then ok "reload: logged"; else bad "reload: no reload line"; fi
  sed 's/^X-Test-Id: inbound_unmarked/X-Test-Id: reloaded_unmarked/' "$WORK/msgs/inbound_unmarked.eml" \
    >"$WORK/msgs/reloaded_unmarked.eml"
  EXPECT[reloaded_unmarked]=deliver
  INBOUND_SUBJECT[reloaded_unmarked]="${INBOUND_SUBJECT[inbound_unmarked]/UNCLASSIFIED/IN-CONFIDENCE}"
  INBOUND_MARKING[reloaded_unmarked]="VER=2024.1, NS=govt.nz, SEC=IN-CONFIDENCE"
  send "$INBOUND_SMTP_PORT" someone@example.com analyst@agency.govt.nz "$WORK/msgs/reloaded_unmarked.eml" "$WORK/reloaded_unmarked.swaks"
  got=$(final_reply "$WORK/reloaded_unmarked.swaks")
  [[ "$got" == "250 "* ]] && ok "reloaded_unmarked: $got" || bad "reloaded_unmarked: got '$got'"
  # An invalid edit: logged, and the policy in force stays.
  printf '[gateway]\ndirection = "inbound"\naccreditation = "RESTRICTED"\non_error = "accept"\n' >"$WORK/inbound.toml"
  kill -HUP "$INBOUND_PID"
  if wait_log "$WORK/milter-inbound.log" '"event":"reload_error"'; then ok "invalid reload: logged, old policy kept"; else bad "invalid reload: no reload_error line"; fi
  sed 's/^X-Test-Id: inbound_unmarked/X-Test-Id: kept_unmarked/' "$WORK/msgs/inbound_unmarked.eml" \
    >"$WORK/msgs/kept_unmarked.eml"
  EXPECT[kept_unmarked]=deliver
  INBOUND_SUBJECT[kept_unmarked]=${INBOUND_SUBJECT[reloaded_unmarked]}
  INBOUND_MARKING[kept_unmarked]=${INBOUND_MARKING[reloaded_unmarked]}
  send "$INBOUND_SMTP_PORT" someone@example.com analyst@agency.govt.nz "$WORK/msgs/kept_unmarked.eml" "$WORK/kept_unmarked.swaks"
  got=$(final_reply "$WORK/kept_unmarked.swaks")
  [[ "$got" == "250 "* ]] && ok "kept_unmarked: $got" || bad "kept_unmarked: got '$got'"

  # SIGTERM: stop accepting, finish, exit 0.
  kill -TERM "$INBOUND_PID"
  rc=0
  wait "$INBOUND_PID" || rc=$?
  if [ "$rc" = 0 ] && grep -q '"event":"stopped"' "$WORK/milter-inbound.log"; then
    ok "sigterm: the milter stopped and exited 0"
  else
    bad "sigterm: exit code $rc (see $WORK/milter-inbound.log)"
  fi
fi

# Fail closed when the milter is down: milter_default_action = tempfail.
send "$DOWN_PORT" alice@agency.govt.nz carol@example.com "$WORK/msgs/marked_ok.eml" "$WORK/down.swaks"
got=$(final_reply "$WORK/down.swaks")
if [[ "$got" == "451 4.7.1"* ]] && ! grep -q "queued as" "$WORK/down.swaks"; then
  ok "milter_down: $got"
else
  bad "milter_down: expected 451 4.7.1 and nothing queued, got '$got'"
fi

# Let Postfix deliver what it accepted.
pf_wait_queue_empty 30 || echo "postfix-e2e: queue not empty after 30 s" >&2
queue=$(pf_queue_json)

echo "postfix-e2e: checking delivery"
for name in "${!EXPECT[@]}"; do
  expect=${EXPECT[$name]}
  file=$(pf_sink_find "$name")
  case "$expect" in
    deliver)
      if [ -z "$file" ]; then
        bad "$name: not delivered"
      elif ! grep -q "^X-Protective-Marking-Verdict: accept; marking=" "$file"; then
        bad "$name: delivered without the verdict header ($file)"
      else
        ok "$name: delivered with $(grep -m1 '^X-Protective-Marking-Verdict' "$file" | tr -d '\r')"
      fi
      if [ -n "$file" ] && [ "${INBOUND_SUBJECT[$name]:-*}" != "*" ]; then
        got_subject=$(header "$file" Subject)
        got_marking=$(header "$file" X-Protective-Marking)
        if [ "$got_subject" = "${INBOUND_SUBJECT[$name]}" ] && [ "$got_marking" = "${INBOUND_MARKING[$name]}" ]; then
          ok "$name: delivered with Subject: $got_subject; X-Protective-Marking: $got_marking"
        else
          bad "$name: delivered with Subject '$got_subject' and X-Protective-Marking '$got_marking'; expected '${INBOUND_SUBJECT[$name]}' and '${INBOUND_MARKING[$name]}' ($file)"
        fi
      fi
      ;;
    hold)
      sender=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$WORK/msgs/cases.tsv")
      id=$(printf '%s\n' "$queue" | python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        m = json.loads(line)
        if m.get("queue_name") == "hold" and m.get("sender") == sys.argv[1]:
            print(m["queue_id"])
' "$sender")
      if [ -n "$file" ]; then
        bad "$name: delivered, but should be held"
      elif [ -z "$id" ]; then
        bad "$name: not in the hold queue (postqueue -j: $queue)"
      elif ! postcat -c "$PF_CONF" -hq "$id" 2>/dev/null | grep -q "^X-Protective-Marking-Verdict: quarantine;"; then
        bad "$name: held ($id) but without the quarantine verdict header"
      else
        ok "$name: held in the hold queue as $id"
      fi
      ;;
    *)
      if [ -n "$file" ]; then
        bad "$name: delivered, but should have been refused ($file)"
      else
        ok "$name: not delivered"
      fi
      ;;
  esac
done
if pf_sink_find marked_ok | xargs -r grep -c "X-Test-Id: marked_ok" | grep -qv '^1$'; then
  bad "marked_ok: delivered more than once"
fi
want=2
# + unix_marked_ok, v2_marked_ok, 3 inbound deliveries, reloaded_unmarked, kept_unmarked
[ -n "$unix_milter" ] && want=9
delivered=$(pf_sink_count)
if [ "$delivered" != "$want" ]; then
  bad "the sink got $delivered messages; expected exactly $want"
fi

echo "postfix-e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
