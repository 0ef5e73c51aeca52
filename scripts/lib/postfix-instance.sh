# shellcheck shell=bash
# A private, throw-away Postfix instance on 127.0.0.1 for the milter tests. Sourced by
# scripts/postfix-e2e.sh and scripts/milter-load.sh; needs root and Debian's postfix package
# (scripts/setup.sh installs it).
#
# The instance has its own config, queue and data directories under $PF_DIR, so it neither
# reads nor changes /etc/postfix and can run beside the system's Postfix (or another test's).
# The load test's senders reuse their sessions through hundreds of milter rejections, so the
# per-session error throttle (a 1 s sleep per reply after 10 errors, a disconnect after 20)
# is off; otherwise it, not the milter, would set the pace.
# Nothing listens on :25; every service is unchrooted; all mail is relayed to an smtp-sink
# on loopback that dumps each delivered message to a file in $PF_DIR/sink, so delivery is
# observable without local users or DNS.
#
#   pf_free_port                       print a free TCP port on 127.0.0.1
#   pf_init DIR                        set PF_DIR and write main.cf (no smtpd yet)
#   pf_smtpd PORT [MILTER [OPTION]]    add an smtpd on 127.0.0.1:PORT, with smtpd_milters=MILTER
#                                      (e.g. inet:127.0.0.1:7357) or without a milter, and
#                                      one more -o OPTION (e.g. milter_protocol=2)
#   pf_start                           start the sink and Postfix (postfix -c DIR start)
#   pf_stop                            stop both (safe to call twice; use in a trap)
#   pf_queue_json                      postqueue -j for the instance
#   pf_wait_queue_empty SECS           wait until only held mail is queued
#   pf_sink_count                      number of messages the sink received
#   pf_sink_find ID                    the sink file holding X-Test-Id: ID (empty if none)

pf_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

pf_init() {
  PF_DIR=$1
  PF_CONF=$PF_DIR/etc
  PF_SINK_PORT=${PF_SINK_PORT:-$(pf_free_port)}
  mkdir -p "$PF_CONF" "$PF_DIR/spool" "$PF_DIR/data" "$PF_DIR/sink"
  chmod 755 "$PF_DIR"
  chown postfix "$PF_DIR/data" "$PF_DIR/sink"
  local daemon_dir meta_dir shlib_dir
  daemon_dir=$(postconf -h daemon_directory)
  meta_dir=$(postconf -h meta_directory)
  shlib_dir=$(postconf -h shlib_directory)
  cat >"$PF_CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF_DIR/spool
data_directory = $PF_DIR/data
daemon_directory = $daemon_dir
meta_directory = $meta_dir
shlib_directory = $shlib_dir
command_directory = /usr/sbin
mail_owner = postfix
setgid_group = postdrop
syslog_name = pm-test-postfix
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $PF_DIR
myhostname = pm-test.local
mydomain = pm-test.local
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$PF_SINK_PORT
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
local_transport = error:local delivery is disabled in this test instance
alias_maps =
alias_database =
biff = no
in_flow_delay = 0
milter_protocol = 6
milter_default_action = tempfail
milter_connect_timeout = 10s
smtpd_client_connection_count_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100000
smtpd_hard_error_limit = 100000
default_destination_concurrency_limit = 50
EOF
  # Standard services, all unchrooted; the smtpd listeners are added by pf_smtpd.
  cat >"$PF_CONF/master.cf" <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

pf_smtpd() {
  local port=$1 milter=${2:-} extra=${3:+ -o $3}
  if [ -n "$milter" ]; then
    echo "127.0.0.1:$port inet n - n - - smtpd -o smtpd_milters=$milter -o milter_default_action=tempfail$extra" >>"$PF_CONF/master.cf"
  else
    echo "127.0.0.1:$port inet n - n - - smtpd -o smtpd_milters=" >>"$PF_CONF/master.cf"
  fi
}

pf_start() {
  # The sink first, so the first delivery finds it.
  smtp-sink -u postfix -d "$PF_DIR/sink/%H%M%S." "127.0.0.1:$PF_SINK_PORT" 256 \
    >"$PF_DIR/sink.log" 2>&1 &
  PF_SINK_PID=$!
  postfix -c "$PF_CONF" check >"$PF_DIR/check.log" 2>&1 || {
    cat "$PF_DIR/check.log" >&2
    return 1
  }
  postfix -c "$PF_CONF" start >>"$PF_DIR/check.log" 2>&1 || {
    cat "$PF_DIR/check.log" >&2
    return 1
  }
  # Wait for the listeners.
  local i
  for i in $(seq 1 100); do
    if grep -q "daemon started" "$PF_DIR/maillog" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "postfix did not start; maillog:" >&2
  cat "$PF_DIR/maillog" >&2 || true
  return 1
}

pf_stop() {
  if [ -n "${PF_CONF:-}" ] && [ -f "$PF_DIR/spool/pid/master.pid" ]; then
    postfix -c "$PF_CONF" stop >/dev/null 2>&1 || true
    # postfix stop returns before the master exits; wait so the queue can be removed.
    local pid i
    pid=$(tr -d ' ' <"$PF_DIR/spool/pid/master.pid" 2>/dev/null || true)
    for i in $(seq 1 50); do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  if [ -n "${PF_SINK_PID:-}" ]; then
    kill "$PF_SINK_PID" 2>/dev/null || true
    wait "$PF_SINK_PID" 2>/dev/null || true
    PF_SINK_PID=
  fi
}

pf_queue_json() {
  postqueue -c "$PF_CONF" -j 2>/dev/null || true
}

pf_wait_queue_empty() {
  # Looks at the queue directories rather than postqueue: under load showq can fail or lag,
  # and an empty answer must not count as an empty queue. Two empty looks in a row, so a
  # message between cleanup and qmgr is not missed.
  local deadline=$((SECONDS + $1)) empty=0
  while [ $SECONDS -lt $deadline ]; do
    if [ -z "$(find "$PF_DIR/spool/maildrop" "$PF_DIR/spool/incoming" "$PF_DIR/spool/active" \
      "$PF_DIR/spool/deferred" -type f -print -quit 2>/dev/null)" ]; then
      empty=$((empty + 1))
      [ "$empty" -ge 2 ] && return 0
    else
      empty=0
    fi
    sleep 0.2
  done
  return 1
}

pf_sink_count() {
  find "$PF_DIR/sink" -type f | wc -l
}

pf_sink_find() {
  { grep -l -r -- "X-Test-Id: $1" "$PF_DIR/sink" 2>/dev/null || true; } | head -n 1
}
