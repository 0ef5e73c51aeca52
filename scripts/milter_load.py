#!/usr/bin/env python3
"""The load generator for scripts/milter-load.sh: several concurrent SMTP senders on loopback.

    scripts/milter_load.py --port PORT --cases DIR --messages N --senders S --deadline SECS \
        [--only-deliverable] --out RESULT.json

DIR is what scripts/milter_messages.py wrote (cases.tsv and one .eml per case). Each of the
S senders keeps one SMTP session open (like Postfix's smtp-source -s S) and sends messages
taken round-robin from the cases (with --only-deliverable, only the cases the milter
delivers, so a run with and one without the milter do the same Postfix work) until N have been sent in total or the deadline passes.
Per message it records the SMTP outcome (the final reply code after DATA, or the first
refusal) and the latency: MAIL FROM to the server's final reply, which is where a milter
adds its time.

RESULT.json: sent, per-class counts (accepted 2xx, rejected 5xx, tempfailed 4xx, errors),
counts per case and outcome, messages per second (wall clock of the whole run) and latency
percentiles in milliseconds. The shell script compares these with what Postfix delivered
and held.
"""
import argparse
import json
import smtplib
import threading
import time


def load_cases(directory, only_deliverable):
    cases = []
    with open(f"{directory}/cases.tsv") as tsv:
        for line in tsv:
            name, sender, rcpts, expect, reply, *_ = line.rstrip("\n").split("\t")
            with open(f"{directory}/{name}.eml", "rb") as f:
                data = f.read()
            if only_deliverable and expect != "deliver":
                continue
            cases.append((name, sender, rcpts.split(","), expect, data))
    return cases


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    i = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[i]


class Run:
    """Shared counters: the next message number and the results."""

    def __init__(self, total, deadline):
        self.lock = threading.Lock()
        self.next = 0
        self.total = total
        self.deadline = deadline
        self.results = []  # (case name, code, latency seconds)

    def take(self):
        with self.lock:
            if self.next >= self.total or time.monotonic() > self.deadline:
                return None
            n = self.next
            self.next += 1
            return n

    def record(self, name, code, latency):
        with self.lock:
            self.results.append((name, code, latency))


def sender(run, port, cases):
    smtp = None
    while True:
        n = run.take()
        if n is None:
            break
        name, mail_from, rcpts, _expect, data = cases[n % len(cases)]
        try:
            if smtp is None:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=60)
                smtp.ehlo("load.pm-test.local")
            start = time.perf_counter()
            try:
                smtp.sendmail(mail_from, rcpts, data)
                code = 250
            except smtplib.SMTPRecipientsRefused as e:
                code = min(c for c, _ in e.recipients.values())
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as e:
                code = e.smtp_code
            latency = time.perf_counter() - start
            run.record(name, code, latency)
            if code >= 400:
                smtp.rset()
        except (OSError, smtplib.SMTPException) as e:
            # A broken session: count the message as an error and open a new session.
            run.record(name, f"error: {e}", 0.0)
            try:
                if smtp is not None:
                    smtp.close()
            finally:
                smtp = None
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--senders", type=int, default=8)
    ap.add_argument("--deadline", type=float, default=120.0)
    ap.add_argument("--only-deliverable", action="store_true")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    cases = load_cases(args.cases, args.only_deliverable)
    started = time.monotonic()
    run = Run(args.messages, started + args.deadline)
    threads = [
        threading.Thread(target=sender, args=(run, args.port, cases)) for _ in range(args.senders)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started

    counts = {"accepted": 0, "rejected": 0, "tempfailed": 0, "errors": 0}
    per_case = {}
    latencies = []
    for name, code, latency in run.results:
        if isinstance(code, str):
            kind = "errors"
        elif code < 300:
            kind = "accepted"
        elif code >= 500:
            kind = "rejected"
        else:
            kind = "tempfailed"
        counts[kind] += 1
        key = f"{code}" if not isinstance(code, str) else "error"
        per_case.setdefault(name, {}).setdefault(key, 0)
        per_case[name][key] += 1
        if kind != "errors":
            latencies.append(latency * 1000.0)
    latencies.sort()
    result = {
        "sent": len(run.results),
        **counts,
        "per_case": per_case,
        "seconds": round(wall, 3),
        "messages_per_second": round(len(run.results) / wall, 1) if wall > 0 else None,
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p90": percentile(latencies, 90),
            "p99": percentile(latencies, 99),
            "max": latencies[-1] if latencies else None,
        },
        "deadline_hit": len(run.results) < args.messages,
        # Every latency, so runs can be pooled (scripts/milter-load.sh, ROUNDS).
        "latencies_ms": [round(v, 4) for v in latencies],
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
