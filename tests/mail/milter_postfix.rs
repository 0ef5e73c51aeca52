//! The milter in front of a real Postfix, end to end, as part of `cargo test`.
//!
//! This test runs `scripts/postfix-e2e.sh` with the `protective-marking-milter` binary that
//! cargo built for this run: a private Postfix instance on 127.0.0.1 (its own config and
//! queue directories, free high ports, an `smtp-sink` as the destination), the milter on a
//! TCP and a unix socket, and one `swaks` session per case (marked, unmarked, over the
//! recipient's ceiling, Bcc'd recipient over the ceiling, under-marked DOCX and text
//! attachments, malformed marking, malformed MIME, downgrade held in the hold queue, milter
//! down). Both protocol paths run: Postfix's usual milter protocol 6 (only the end of the
//! message answered) and an smtpd on milter protocol 2 (every command answered). A third
//! milter with the inbound policy marks unmarked mail from outside government and rewrites
//! a foreign subject marking, is reloaded with SIGHUP (a valid and an invalid edit) and
//! stopped with SIGTERM. The script checks each SMTP reply, what the sink received (the
//! verdict header, the inbound Subject and X-Protective-Marking) and what sits in the hold
//! queue, and stops everything on exit.
//!
//! It needs root and the Postfix, swaks and python3 packages. Without them it fails (it
//! never skips), naming `scripts/setup.sh`, which installs them; CI runs that first.
#![cfg(feature = "milter")]

use std::path::PathBuf;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Cases the script checks when it runs them all: 10 replies from the TCP milter, 2 from the
/// unix-socket milter, 2 on milter protocol 2 and the 2 protocol paths in the log, 4 inbound
/// replies, 2 reload lines and 2 replies after them, the SIGTERM exit, 1 with the milter
/// down, then the delivery checks (11 + 2 + 3 + 2, and 5 inbound header checks). Fewer
/// means the script stopped checking something, which must fail too.
const MIN_CHECKS: u32 = 48;

/// Programs the script runs, and the package that brings each (all installed by
/// scripts/setup.sh).
const TOOLS: &[(&str, &str)] = &[
    ("postfix", "postfix"),
    ("postconf", "postfix"),
    ("postqueue", "postfix"),
    ("postcat", "postfix"),
    ("smtp-sink", "postfix"),
    ("swaks", "swaks"),
    ("python3", "python3"),
];

/// `program` on PATH or in /usr/sbin (Postfix's tools live there; root's PATH has it, a
/// plain user's may not).
fn find_tool(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Fail (never skip) when the machine cannot run a Postfix instance, saying how to fix it.
fn require_postfix_environment() {
    let missing: Vec<String> = TOOLS
        .iter()
        .filter(|(program, _)| find_tool(program).is_none())
        .map(|(program, package)| format!("{program} (package {package})"))
        .collect();
    assert!(
        missing.is_empty(),
        "the Postfix end-to-end test needs {}; run `scripts/setup.sh` as root to install them",
        missing.join(", ")
    );
    let uid = Command::new("id").arg("-u").output().expect("run `id -u`");
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "the Postfix end-to-end test starts a private Postfix instance and needs root \
         (CI runs as root; scripts/setup.sh installs the packages)"
    );
}

/// The milter binary cargo built for this test run (`protective-marking-milter`, which needs
/// the `milter` feature, as this test does).
fn milter_binary() -> PathBuf {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_protective-marking-milter"));
    assert!(binary.is_file(), "{} was not built", binary.display());
    binary
}

/// `N` from the script's last line, `postfix-e2e: N passed, 0 failed`.
fn passed(output: &str) -> Option<u32> {
    let line = output
        .lines()
        .rev()
        .find(|l| l.starts_with("postfix-e2e: ") && l.ends_with(" failed"))?;
    let rest = line.strip_prefix("postfix-e2e: ")?;
    let (passed, failed) = rest.split_once(" passed, ")?;
    if failed != "0 failed" {
        return None;
    }
    passed.parse().ok()
}

#[test]
fn postfix_with_the_milter_delivers_refuses_and_holds() {
    require_postfix_environment();
    let milter = milter_binary();
    // `timeout` bounds a hung Postfix or swaks; the script's trap still stops everything
    // on TERM. The run itself takes a few seconds.
    let out = Command::new("timeout")
        .args(["--signal=TERM", "180", "bash", "scripts/postfix-e2e.sh"])
        .current_dir(ROOT)
        .env("PM_SKIP_SETUP", "1")
        .env("MILTER_BIN", &milter)
        .env_remove("MILTER_ADDR")
        .output()
        .expect("run scripts/postfix-e2e.sh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "scripts/postfix-e2e.sh failed ({}):\n{text}",
        out.status
    );
    let n = passed(&text).unwrap_or_else(|| panic!("no summary line in:\n{text}"));
    assert!(
        n >= MIN_CHECKS,
        "only {n} checks ran, expected at least {MIN_CHECKS}:\n{text}"
    );
    // The script's own lines, so a change in what it checks shows up here too.
    for expected in [
        "ok   marked_ok: 250 ",
        "ok   unmarked: 550 5.7.1 ",
        "ok   over_ceiling: 550 5.7.1 ",
        "ok   bcc_over_ceiling: 550 5.7.1 ",
        "ok   under_marked_docx: 550 5.7.1 ",
        "ok   malformed_marking: 550 5.7.1 ",
        "ok   malformed_mime: 451 4.7.1 ",
        "ok   unix_unmarked: 550 5.7.1 ",
        "ok   milter_down: 451 4.7.1 ",
        "ok   downgrade_reply: held in the hold queue as ",
        "ok   marked_ok: delivered with X-Protective-Marking-Verdict: accept; marking=IN-CONFIDENCE",
        "ok   v2_marked_ok: 250 ",
        "ok   v2_unmarked: 550 5.7.1 ",
        "ok   protocol path end-of-message used",
        "ok   protocol path every-step used",
        "ok   inbound_unmarked: delivered with Subject: =?UTF-8?B?S2lhIG9yYSDEgSBtYWlsIMSB?=\\r\\n =?UTF-8?Q?wh=C4=81nau?= [UNCLASSIFIED]; X-Protective-Marking: VER=2024.1, NS=govt.nz, SEC=UNCLASSIFIED",
        "ok   inbound_foreign: delivered with Subject: Budget figures [IN-CONFIDENCE]",
        "ok   inbound_unmarked_gov: 550 5.7.1 ",
        "ok   reload: logged",
        "ok   reloaded_unmarked: delivered with Subject: =?UTF-8?B?S2lhIG9yYSDEgSBtYWlsIMSB?=\\r\\n =?UTF-8?Q?wh=C4=81nau?= [IN-CONFIDENCE]",
        "ok   invalid reload: logged, old policy kept",
        "ok   kept_unmarked: delivered with Subject: =?UTF-8?B?S2lhIG9yYSDEgSBtYWlsIMSB?=\\r\\n =?UTF-8?Q?wh=C4=81nau?= [IN-CONFIDENCE]",
        "ok   sigterm: the milter stopped and exited 0",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

#[test]
fn summary_line_is_read_strictly() {
    assert_eq!(passed("x\npostfix-e2e: 48 passed, 0 failed\n"), Some(48));
    assert_eq!(passed("postfix-e2e: 24 passed, 1 failed"), None);
    assert_eq!(passed("postfix-e2e: sending"), None);
}
