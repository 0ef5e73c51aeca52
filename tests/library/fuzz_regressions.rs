//! Replays fuzz inputs through the fuzz targets' own assertions (fuzz/fuzz_targets/checks.rs):
//! every crash `scripts/fuzz.sh` ever saved under tests/data/fuzz-regressions/<target>/, and
//! the seed lines in fuzz/seeds/ (so the marking round trip and the subject offsets are
//! checked on every `cargo test`, not only while fuzzing).

#[path = "../../fuzz/fuzz_targets/checks.rs"]
mod checks;

use std::path::Path;

type Check = fn(&[u8]);

const TARGETS: [(&str, Check); 10] = [
    ("marking", checks::marking),
    ("subject", checks::subject),
    ("scan", checks::scan),
    ("message", checks::message),
    ("docx", checks::docx),
    ("pdf", checks::pdf),
    ("pptx", checks::pptx),
    ("xlsx", checks::xlsx),
    ("odf", checks::odf),
    ("msg", checks::msg),
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn saved_crashes_stay_fixed() {
    let mut replayed = 0;
    for (target, check) in TARGETS {
        let dir = root().join("tests/data/fuzz-regressions").join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            eprintln!("replaying {}", path.display());
            check(&data);
            replayed += 1;
        }
    }
    eprintln!("{replayed} saved inputs replayed");
}

#[test]
fn seed_lines_pass_every_text_check() {
    for seeds in ["markings.txt", "subjects.txt"] {
        let text = std::fs::read_to_string(root().join("fuzz/seeds").join(seeds)).unwrap();
        assert!(text.lines().count() > 10, "{seeds} lost its seeds");
        for line in text.lines() {
            for (_, check) in &TARGETS[..4] {
                check(line.as_bytes());
            }
        }
    }
}
