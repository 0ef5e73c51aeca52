//! The milter in front of a real Postfix, end to end, as part of `cargo test`.
//!
//! This test runs `scripts/postfix-e2e.sh` with the `milter` example binary that cargo
//! built for this run: a private Postfix instance on 127.0.0.1 (its own config and queue
//! directories, free high ports, an `smtp-sink` as the destination), the milter on a TCP
//! and a unix socket, and one `swaks` session per case (marked, unmarked, over the
//! recipient's ceiling, Bcc'd recipient over the ceiling, under-marked DOCX and text
//! attachments, malformed marking, malformed MIME, downgrade held in the hold queue, milter
//! down). The script checks each SMTP reply, what the sink received (with the verdict
//! header) and what sits in the hold queue, and stops everything on exit.
//!
//! It needs root and the Postfix, swaks and python3 packages. Without them it fails (it
//! never skips), naming `scripts/setup.sh`, which installs them; CI runs that first.
#![cfg(feature = "milter")]

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Cases the script checks when it runs them all: 10 replies from the TCP milter, 2 from the
/// unix-socket milter, 1 with the milter down, then 11 delivery checks. Fewer means the script
/// stopped checking something, which must fail too.
const MIN_CHECKS: u32 = 24;

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

/// The `milter` example next to this test binary (`<target>/<profile>/deps/<this test>`
/// → `<target>/<profile>/examples/milter`), brought up to date first.
///
/// `cargo test` builds the examples, but `cargo test --test milter_postfix` does not, so the
/// binary may be missing or older than the library under test. Cargo has released the build
/// lock by the time tests run, so asking it to build the one example here is safe; when the
/// example is current it is a no-op.
fn milter_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary in <target>/<profile>/deps");
    let target_dir = profile_dir.parent().expect("target directory");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "dev",
        Some(other) => other,
        None => panic!("profile directory of {}", exe.display()),
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--example",
            "milter",
            "--profile",
            profile,
        ])
        .arg("--manifest-path")
        .arg(Path::new(ROOT).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir)
        .status()
        .expect("run cargo to build the milter example");
    assert!(status.success(), "cargo build --example milter failed");
    let binary = profile_dir.join("examples").join("milter");
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
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

#[test]
fn summary_line_is_read_strictly() {
    assert_eq!(passed("x\npostfix-e2e: 24 passed, 0 failed\n"), Some(24));
    assert_eq!(passed("postfix-e2e: 24 passed, 1 failed"), None);
    assert_eq!(passed("postfix-e2e: sending"), None);
}
