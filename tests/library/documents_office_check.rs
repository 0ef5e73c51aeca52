//! The per-format checks of presentations and workbooks on hand-built packages: a slide
//! marked at its top and bottom (what its master draws on it counting), a slide without
//! a marking, slides that disagree, a label property against the content; a sheet's page
//! header and footer, a sheet without a footer, a header and footer that disagree, cells
//! above the banner. The same checks on LibreOffice-made files are in
//! `documents_office_lo_check.rs`.

use crate::common::{RawEntry, office, raw_zip};
use protective_marking::document::{check, read};
use protective_marking::{Limits, ProblemCode, Report, Scanner};

/// The report of a document's bytes.
fn report(bytes: &[u8]) -> Report {
    let doc = read(bytes, &Limits::default()).expect("readable");
    check(&doc, &Scanner::new())
}

/// The problems with `code`, as `location` strings.
fn at(report: &Report, code: ProblemCode) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| p.code == code)
        .map(|p| p.at.to_string())
        .collect()
}

/// The slide banner problems of a report, for a clean-deck assertion.
fn banner_problems(report: &Report) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| {
            matches!(
                p.code,
                ProblemCode::MissingBanner | ProblemCode::BannersDisagree
            )
        })
        .map(|p| p.to_string())
        .collect()
}

const TOP: i64 = 100_000;
const BOTTOM: i64 = 6_300_000;

/// A slide with a banner text box at its top, body text, and a footer placeholder.
fn marked_slide(banner: &str, body: &str, footer: &str) -> String {
    office::text_box(TOP, &[banner])
        + &office::text_box(2_000_000, &[body])
        + &office::footer(footer)
}

/// A custom property part holding `name` = `value`.
fn custom_property(name: &str, value: &str) -> RawEntry {
    let xml = format!(
        r#"<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{name}"><vt:lpwstr>{value}</vt:lpwstr></property></Properties>"#
    );
    RawEntry::stored("docProps/custom.xml", xml.as_bytes())
}

#[test]
fn pptx_every_slide_marked_top_and_bottom_is_clean() {
    let slides = [
        marked_slide("IN-CONFIDENCE", "The plan.", "IN-CONFIDENCE"),
        marked_slide("IN-CONFIDENCE", "The figures.", "IN-CONFIDENCE"),
    ];
    let r = report(&office::pptx("", &slides));
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "IN-CONFIDENCE");
    assert_eq!(banner_problems(&r), Vec::<String>::new());
    assert!(!r.has_problems(), "{:?}", r.problems);
}

#[test]
fn pptx_master_text_boxes_mark_every_slide() {
    // The master draws the banner at the top and bottom of every slide; the slides
    // themselves hold only body text.
    let master =
        office::text_box(TOP, &["RESTRICTED"]) + &office::text_box(BOTTOM, &["RESTRICTED"]);
    let slides = [
        office::text_box(2_000_000, &["The plan."]),
        office::text_box(2_000_000, &["The figures."]),
    ];
    let r = report(&office::pptx(&master, &slides));
    assert_eq!(banner_problems(&r), Vec::<String>::new());
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "RESTRICTED");
}

#[test]
fn pptx_a_slide_without_a_marking_is_missing_its_banners() {
    let slides = [
        marked_slide("IN-CONFIDENCE", "The plan.", "IN-CONFIDENCE"),
        office::text_box(2_000_000, &["Questions?"]),
        marked_slide("IN-CONFIDENCE", "The figures.", "IN-CONFIDENCE"),
    ];
    let r = report(&office::pptx("", &slides));
    assert_eq!(at(&r, ProblemCode::MissingBanner), ["slide 2", "slide 2"]);
    let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("the top of the slide"))
            && messages
                .iter()
                .any(|m| m.starts_with("the bottom of the slide")),
        "{messages:?}"
    );

    // A footer placeholder alone marks the bottom, not the top.
    let slides = [office::text_box(TOP, &["Agenda"]) + &office::footer("IN-CONFIDENCE")];
    let r = report(&office::pptx("", &slides));
    assert_eq!(at(&r, ProblemCode::MissingBanner), ["slide 1"]);
    assert!(
        r.problems
            .iter()
            .any(|p| p.message.starts_with("the top of the slide"))
    );
}

#[test]
fn pptx_slides_that_disagree() {
    let slides = [
        marked_slide("IN-CONFIDENCE", "The plan.", "IN-CONFIDENCE"),
        marked_slide("SECRET", "The source.", "SECRET"),
    ];
    let r = report(&office::pptx("", &slides));
    assert_eq!(at(&r, ProblemCode::BannersDisagree), ["slide 2"]);
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "SECRET");

    // Top and bottom of one slide.
    let slides = [marked_slide("IN-CONFIDENCE", "The plan.", "RESTRICTED")];
    let r = report(&office::pptx("", &slides));
    assert_eq!(at(&r, ProblemCode::BannersDisagree), ["slide 1"]);
    let p = r
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::BannersDisagree)
        .unwrap();
    assert!(
        p.message.contains("slide 1/top") && p.message.contains("slide 1/bottom"),
        "{p}"
    );
}

#[test]
fn pptx_label_property_against_the_content() {
    let slides = [marked_slide("IN-CONFIDENCE", "The plan.", "IN-CONFIDENCE")];
    let mut entries = office::pptx_entries("", &slides, None);
    entries.push(custom_property("Classification", "SECRET"));
    let r = report(&raw_zip(&entries));
    assert_eq!(
        at(&r, ProblemCode::MetadataDisagrees),
        ["property:custom/Classification, line 1"]
    );

    let mut entries = office::pptx_entries("", &slides, None);
    entries.push(custom_property("Classification", "IN-CONFIDENCE"));
    let r = report(&raw_zip(&entries));
    assert_eq!(at(&r, ProblemCode::MetadataDisagrees), Vec::<String>::new());
    assert!(!r.has_problems(), "{:?}", r.problems);
}

/// A sheet named `name` with these rows of inline text and this `headerFooter` XML.
fn sheet(name: &str, cells: &[&str], header_footer: &str) -> (String, String, String) {
    let rows: String = cells
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                r#"<row r="{0}"><c r="A{0}" t="inlineStr"><is><t>{t}</t></is></c></row>"#,
                i + 1
            )
        })
        .collect();
    (name.to_owned(), rows, header_footer.to_owned())
}

fn xlsx(sheets: &[(String, String, String)]) -> Vec<u8> {
    raw_zip(&office::xlsx_entries(sheets, &[], None))
}

const HF_IC: &str = "<oddHeader>&amp;C&amp;\"Arial,Bold\"IN-CONFIDENCE</oddHeader><oddFooter>&amp;LIN-CONFIDENCE&amp;RPage &amp;P</oddFooter>";

#[test]
fn xlsx_sheets_marked_in_header_and_footer_are_clean() {
    let r = report(&xlsx(&[
        sheet("Budget", &["Item", "Travel"], HF_IC),
        sheet("Notes", &["Call Treasury"], HF_IC),
    ]));
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "IN-CONFIDENCE");
    assert!(!r.has_problems(), "{:?}", r.problems);
    // An empty sheet is not printed, so it needs no banner.
    let r = report(&xlsx(&[
        sheet("Budget", &["Item"], HF_IC),
        sheet("Sheet2", &[], ""),
    ]));
    assert!(!r.has_problems(), "{:?}", r.problems);
}

#[test]
fn xlsx_a_sheet_without_a_footer_or_an_unmarked_header() {
    let r = report(&xlsx(&[
        sheet("Budget", &["Item"], HF_IC),
        sheet(
            "Notes",
            &["Call Treasury"],
            "<oddHeader>&amp;CIN-CONFIDENCE</oddHeader>",
        ),
    ]));
    assert_eq!(at(&r, ProblemCode::MissingBanner), ["sheet[Notes]"]);
    assert!(
        r.problems[0]
            .message
            .starts_with("the sheet's page footer (it has none)")
    );

    let r = report(&xlsx(&[sheet(
        "Budget",
        &["Item"],
        "<oddHeader>&amp;CBudget 2026</oddHeader><oddFooter>&amp;CIN-CONFIDENCE</oddFooter>",
    )]));
    assert_eq!(at(&r, ProblemCode::MissingBanner), ["sheet[Budget]/header"]);
}

#[test]
fn xlsx_header_and_footer_that_disagree_and_cells_above_the_banner() {
    let r = report(&xlsx(&[sheet(
        "Budget",
        &["Item"],
        "<oddHeader>&amp;CIN-CONFIDENCE</oddHeader><oddFooter>&amp;CRESTRICTED</oddFooter>",
    )]));
    assert_eq!(at(&r, ProblemCode::BannersDisagree), ["sheet[Budget]"]);

    let r = report(&xlsx(&[sheet(
        "Budget",
        &["SECRET", "Source names"],
        HF_IC,
    )]));
    assert_eq!(
        at(&r, ProblemCode::UnderMarked),
        ["sheet[Budget]/cells, line 1"]
    );
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "SECRET");
}
