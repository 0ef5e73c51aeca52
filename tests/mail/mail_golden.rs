//! Golden reports: every mail fixture's report, as the JSON the checker prints
//! (`check scan --json`), is kept in `tests/data/mail/golden/`, so any change to what a
//! message reports is a visible diff in review. After a deliberate change, regenerate with
//! `UPDATE_GOLDEN=1 cargo test --test mail golden` and review the diff.

use protective_marking::{AgencyConfig, Inspector};
use std::path::{Path, PathBuf};

const MAIL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mail");

fn fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [PathBuf::from(MAIL), Path::new(MAIL).join("analysis")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("eml" | "mbox")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn mail_fixture_reports_match_their_golden_json() {
    let inspector = Inspector::new(&AgencyConfig::default()).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let fixtures = fixtures();
    assert!(fixtures.len() >= 30, "{} fixtures", fixtures.len());
    let mut stale = Vec::new();
    for path in fixtures {
        let name = path
            .strip_prefix(MAIL)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let reports = inspector.check_bytes(&name, &bytes);
        let json = serde_json::to_string_pretty(&reports).unwrap() + "\n";
        let golden = Path::new(MAIL)
            .join("golden")
            .join(format!("{}.json", name.replace('/', "__")));
        if update {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &json).unwrap();
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(want) if want == json => {}
            Ok(want) => stale.push(format!(
                "{name}: report differs from {}\n--- golden\n{want}\n--- now\n{json}",
                golden.display()
            )),
            Err(e) => stale.push(format!("{name}: {}: {e}", golden.display())),
        }
    }
    assert!(
        stale.is_empty(),
        "{} golden reports differ (regenerate with UPDATE_GOLDEN=1 after review):\n{}",
        stale.len(),
        stale.join("\n")
    );
}
