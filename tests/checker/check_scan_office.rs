//! `check scan` over presentations, workbooks, OpenDocument and Outlook files, named
//! misleadingly: each is read by its content, reported in its format, and checked as that
//! format is (a `.msg` as a message; a slide without a marking as `missing-banner`).

use crate::cli::{json_lines, run};
use crate::common::{self, office};
use serde_json::Value;

fn codes(v: &Value) -> Vec<&str> {
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect()
}

const FODS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:master-styles><style:master-page style:name="Default"><style:header><text:p>RESTRICTED</text:p></style:header><style:footer><text:p>RESTRICTED</text:p></style:footer></style:master-page></office:master-styles>
<office:body><office:spreadsheet><table:table table:name="Budget"><table:table-row><table:table-cell office:value-type="string"><text:p>Travel</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>
</office:document>
"#;

#[test]
fn office_files_are_read_by_content_and_checked_per_format() {
    let dir = std::env::temp_dir().join(format!("pm-check-office-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let marked = |m: &str| {
        office::text_box(100_000, &[m])
            + &office::text_box(2_000_000, &["Text."])
            + &office::footer(m)
    };
    let deck = office::pptx(
        "",
        &[
            marked("IN-CONFIDENCE"),
            office::text_box(2_000_000, &["Questions?"]),
        ],
    );
    let sheet = (
        "Budget".to_owned(),
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Travel</t></is></c></row>"#.to_owned(),
        "<oddHeader>&amp;CSENSITIVE</oddHeader><oddFooter>&amp;CSENSITIVE</oddFooter>".to_owned(),
    );
    let book = common::raw_zip(&office::xlsx_entries(&[sheet], &[], None));
    let files: [(&str, Vec<u8>); 4] = [
        ("a.bin", deck),
        ("b.dat", book),
        ("c.xml", FODS.as_bytes().to_vec()),
        (
            "d.out",
            office::msg("Notes [IN-CONFIDENCE]", "IN-CONFIDENCE\n\nHi.", false),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = run(&["scan", "--json", &dir.display().to_string()]);
    let got = json_lines(&out);
    let summary: Vec<(&str, Option<&str>, Vec<&str>)> = got
        .iter()
        .map(|v| {
            (
                v["format"].as_str().unwrap(),
                v["classification"].as_str(),
                codes(v),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "pptx",
                Some("IN-CONFIDENCE"),
                vec!["missing-banner", "missing-banner"]
            ),
            ("xlsx", Some("SENSITIVE"), vec![]),
            ("ods", Some("RESTRICTED"), vec![]),
            ("msg", Some("IN-CONFIDENCE"), vec![]),
        ]
    );
    let slide = &got[0]["problems"][0]["location"];
    assert_eq!(slide, "slide 2");
    let _ = std::fs::remove_dir_all(&dir);
}
