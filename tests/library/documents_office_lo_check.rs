//! The per-format checks on files LibreOffice writes: flat ODF written here, converted by
//! `soffice --convert-to` to PPTX and ODP (Impress), XLSX and ODS (Calc) and ODT (Writer),
//! then read and checked. A deck marked by its master page and a footer declaration is
//! clean; a slide without a marking, slides that disagree and a label property that
//! disagrees are each reported; a workbook's page header and footer as for DOCX; an
//! OpenDocument text's page style.
//!
//! Needs `soffice` with Writer, Impress and Calc (`scripts/setup.sh`); the test fails,
//! rather than skips, when it is missing.

use crate::common;
use protective_marking::document::{check, read};
use protective_marking::{Format, Limits, ProblemCode, Report, Scanner};
use std::path::{Path, PathBuf};

const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/""#;

fn frame(y_cm: u32, text: &str) -> String {
    format!(
        r#"<draw:frame svg:x="1cm" svg:y="{y_cm}cm" svg:width="20cm" svg:height="1cm"><draw:text-box><text:p>{text}</text:p></draw:text-box></draw:frame>"#
    )
}

/// A slide: its frames, and the footer declaration it shows (none: no footer).
struct Slide<'a> {
    frames: String,
    footer: Option<&'a str>,
}

/// A flat ODP: a master page drawing `master` (frames), footer declarations `ftr1`,
/// `ftr2`... holding `footers`, the slides, and a `Classification` property.
fn fodp(master: &str, footers: &[&str], slides: &[Slide<'_>], label: &str) -> String {
    let decls: String = footers
        .iter()
        .enumerate()
        .map(|(i, f)| {
            format!(
                r#"<presentation:footer-decl presentation:name="ftr{}">{f}</presentation:footer-decl>"#,
                i + 1
            )
        })
        .collect();
    let pages: String = slides
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (style, uses) = match s.footer {
                Some(name) => ("dp1", format!(r#" presentation:use-footer-name="{name}""#)),
                None => ("dp2", String::new()),
            };
            format!(
                r#"<draw:page draw:name="s{}" draw:style-name="{style}" draw:master-page-name="Default"{uses}>{}</draw:page>"#,
                i + 1,
                s.frames
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:meta><dc:title>Deck</dc:title><meta:user-defined meta:name="Classification">{label}</meta:user-defined></office:meta>
<office:styles/>
<office:automatic-styles>
<style:style style:name="dp1" style:family="drawing-page"><style:drawing-page-properties presentation:display-footer="true" presentation:display-page-number="false" presentation:display-date-time="false"/></style:style>
<style:style style:name="dp2" style:family="drawing-page"><style:drawing-page-properties presentation:display-footer="false" presentation:display-page-number="false" presentation:display-date-time="false"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Default">{master}<draw:frame presentation:class="footer" svg:x="1cm" svg:y="19cm" svg:width="20cm" svg:height="1cm"><draw:text-box><text:p><presentation:footer/></text:p></draw:text-box></draw:frame></style:master-page></office:master-styles>
<office:body><office:presentation>{decls}{pages}</office:presentation></office:body>
</office:document>
"#
    )
}

/// A flat ODS with two sheets on a page style with this header and footer (none: left out)
/// and the given first cell of the first sheet.
fn fods(header: Option<&str>, footer: Option<&str>, first_cell: &str) -> String {
    let header = header
        .map(|h| format!("<style:header><style:region-center><text:p>{h}</text:p></style:region-center></style:header>"))
        .unwrap_or_default();
    let footer = footer
        .map(|f| format!("<style:footer><style:region-left><text:p>{f}</text:p></style:region-left></style:footer>"))
        .unwrap_or_default();
    let cell = |t: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:styles/>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:header-style/><style:footer-style/></style:page-layout>
<style:style style:name="ta1" style:family="table" style:master-page-name="Default"><style:table-properties table:display="true"/></style:style>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Default" style:page-layout-name="pm1">{header}{footer}</style:master-page></office:master-styles>
<office:body><office:spreadsheet>
<table:table table:name="Budget" table:style-name="ta1"><table:table-row>{}</table:table-row><table:table-row>{}{}</table:table-row></table:table>
<table:table table:name="Notes" table:style-name="ta1"><table:table-row>{}</table:table-row></table:table>
</office:spreadsheet></office:body>
</office:document>
"#,
        cell(first_cell),
        cell("Item"),
        cell("Cost"),
        cell("Second sheet"),
    )
}

/// A flat ODT whose page style has this header and footer (none: left out).
fn fodt(header: Option<&str>, footer: Option<&str>) -> String {
    let header = header
        .map(|h| format!("<style:header><text:p>{h}</text:p></style:header>"))
        .unwrap_or_default();
    let footer = footer
        .map(|f| format!("<style:footer><text:p>{f}</text:p></style:footer>"))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles/>
<office:automatic-styles><style:page-layout style:name="pm1"><style:header-style/><style:footer-style/></style:page-layout></office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">{header}{footer}</style:master-page></office:master-styles>
<office:body><office:text><text:p>The minutes of the meeting.</text:p></office:text></office:body>
</office:document>
"#
    )
}

/// The report of the file `name` in `dir`, read as `format`.
fn report(dir: &Path, name: &str, format: Format) -> Report {
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (does soffice have Writer, Impress and Calc? scripts/setup.sh)",
            path.display()
        )
    });
    let doc = read(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(doc.format, format, "{name}");
    check(&doc, &Scanner::new())
}

/// The locations of the problems with `code`, sorted, without repeats.
fn at(report: &Report, code: ProblemCode) -> Vec<String> {
    let mut out: Vec<String> = report
        .problems
        .iter()
        .filter(|p| p.code == code)
        .map(|p| p.at.to_string())
        .collect();
    out.dedup();
    out
}

fn banner_problems(report: &Report) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.code,
                ProblemCode::MissingBanner
                    | ProblemCode::BannersDisagree
                    | ProblemCode::MetadataDisagrees
                    | ProblemCode::UnderMarked
            )
        })
        .map(|p| p.to_string())
        .collect()
}

/// Writes each `(stem, extension, text)` to `dir`; the paths written.
fn write(dir: &Path, files: &[(&str, &str, String)]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|(stem, ext, text)| {
            let path = dir.join(format!("{stem}.{ext}"));
            std::fs::write(&path, text).expect("write fixture");
            path
        })
        .collect()
}

#[test]
fn libreoffice_files_are_checked_per_format() {
    let dir = std::env::temp_dir().join(format!(
        "protective-marking-lo-check-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let body = |text: &str| frame(8, text);

    // Decks. `clean`: the master page's top text box and one footer declaration mark every
    // slide. `gap`: slide 2 has neither, and the label says more than the slides.
    // `split`: slide 2's footer says SECRET under an IN-CONFIDENCE master box.
    let master_ic = frame(1, "IN-CONFIDENCE");
    let decks = write(
        &dir,
        &[
            (
                "clean",
                "fodp",
                fodp(
                    &master_ic,
                    &["IN-CONFIDENCE"],
                    &[
                        Slide {
                            frames: body("The plan."),
                            footer: Some("ftr1"),
                        },
                        Slide {
                            frames: body("The figures."),
                            footer: Some("ftr1"),
                        },
                    ],
                    "IN-CONFIDENCE",
                ),
            ),
            (
                "gap",
                "fodp",
                fodp(
                    "",
                    &["IN-CONFIDENCE"],
                    &[
                        Slide {
                            frames: frame(1, "IN-CONFIDENCE") + &body("The plan."),
                            footer: Some("ftr1"),
                        },
                        Slide {
                            frames: body("Questions?"),
                            footer: None,
                        },
                    ],
                    "SECRET",
                ),
            ),
            (
                "split",
                "fodp",
                fodp(
                    &master_ic,
                    &["IN-CONFIDENCE", "SECRET"],
                    &[
                        Slide {
                            frames: body("The plan."),
                            footer: Some("ftr1"),
                        },
                        Slide {
                            frames: body("The source."),
                            footer: Some("ftr2"),
                        },
                    ],
                    "IN-CONFIDENCE",
                ),
            ),
        ],
    );
    let books = write(
        &dir,
        &[
            (
                "book_clean",
                "fods",
                fods(Some("IN-CONFIDENCE"), Some("IN-CONFIDENCE"), "Budget 2026"),
            ),
            (
                "book_split",
                "fods",
                fods(Some("SECRET"), Some("IN-CONFIDENCE"), "Budget 2026"),
            ),
            (
                "book_under",
                "fods",
                fods(Some("IN-CONFIDENCE"), Some("IN-CONFIDENCE"), "SECRET"),
            ),
            (
                "book_nohead",
                "fods",
                fods(None, Some("IN-CONFIDENCE"), "Budget 2026"),
            ),
        ],
    );
    let texts = write(
        &dir,
        &[
            (
                "text_clean",
                "fodt",
                fodt(Some("IN-CONFIDENCE"), Some("IN-CONFIDENCE")),
            ),
            ("text_nofoot", "fodt", fodt(Some("IN-CONFIDENCE"), None)),
        ],
    );
    common::soffice("pptx", &decks, &dir);
    common::soffice("odp", &decks, &dir);
    common::soffice("xlsx", &books, &dir);
    common::soffice("ods", &books, &dir);
    common::soffice("odt", &texts, &dir);

    for (ext, format) in [
        ("pptx", Format::Pptx),
        ("odp", Format::Odp),
        ("fodp", Format::Odp),
    ] {
        let r = report(&dir, &format!("clean.{ext}"), format);
        assert_eq!(banner_problems(&r), Vec::<String>::new(), "clean.{ext}");
        assert_eq!(r.marking.as_ref().unwrap().to_string(), "IN-CONFIDENCE");

        let r = report(&dir, &format!("gap.{ext}"), format);
        assert_eq!(at(&r, ProblemCode::MissingBanner), ["slide 2"], "gap.{ext}");
        assert_eq!(
            at(&r, ProblemCode::MetadataDisagrees),
            ["property:custom/Classification, line 1"],
            "gap.{ext}"
        );

        let r = report(&dir, &format!("split.{ext}"), format);
        assert_eq!(
            at(&r, ProblemCode::BannersDisagree),
            ["slide 2"],
            "split.{ext}"
        );
        assert_eq!(
            at(&r, ProblemCode::MissingBanner),
            Vec::<String>::new(),
            "split.{ext}"
        );
        assert_eq!(r.marking.as_ref().unwrap().to_string(), "SECRET");
    }

    for (ext, format, pages) in [
        ("xlsx", Format::Xlsx, vec!["sheet[Budget]", "sheet[Notes]"]),
        ("ods", Format::Ods, vec!["master-page[Default]"]),
        ("fods", Format::Ods, vec!["master-page[Default]"]),
    ] {
        let r = report(&dir, &format!("book_clean.{ext}"), format);
        assert_eq!(
            banner_problems(&r),
            Vec::<String>::new(),
            "book_clean.{ext}"
        );

        let r = report(&dir, &format!("book_split.{ext}"), format);
        assert_eq!(
            at(&r, ProblemCode::BannersDisagree),
            pages,
            "book_split.{ext}"
        );

        let r = report(&dir, &format!("book_under.{ext}"), format);
        assert_eq!(
            at(&r, ProblemCode::UnderMarked),
            ["sheet[Budget]/cells, line 1"],
            "book_under.{ext}"
        );

        let r = report(&dir, &format!("book_nohead.{ext}"), format);
        assert_eq!(
            at(&r, ProblemCode::MissingBanner),
            pages,
            "book_nohead.{ext}"
        );
    }

    for ext in ["odt", "fodt"] {
        let r = report(&dir, &format!("text_clean.{ext}"), Format::Odt);
        assert_eq!(
            banner_problems(&r),
            Vec::<String>::new(),
            "text_clean.{ext}"
        );
        let r = report(&dir, &format!("text_nofoot.{ext}"), Format::Odt);
        assert_eq!(
            at(&r, ProblemCode::MissingBanner),
            ["master-page[Standard]"],
            "text_nofoot.{ext}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
