//! Office files in mail: an Outlook `.msg` is checked as a message (its subject, body and
//! attachments; alone, in a folder, or attached to an email), and the gateway reads PPTX,
//! XLSX and OpenDocument attachments (their marking decides) while an encrypted or
//! unreadable one still fails closed.

use crate::common::{self, base64, office};
use protective_marking::{
    AgencyConfig, Envelope, Format, Gateway, GatewayAction, GatewayPolicy, Inspector,
    MessageAnalyser, ProblemCode, Segment,
};

const POLICY: &str = r#"
[gateway]
direction = "outbound"
unmarked = "reject"
on_error = "tempfail"
[[gateway.domain]]
pattern = "*"
ceiling = "RESTRICTED"
"#;

/// An `[IN-CONFIDENCE]` message carrying `data` as the attachment `name`.
fn with_attachment(name: &str, content_type: &str, data: &[u8]) -> Vec<u8> {
    format!(
        "From: a@agency.govt.nz\r\nTo: b@example.com\r\nSubject: Papers [IN-CONFIDENCE]\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"hb\"\r\n\r\n--hb\r\nContent-Type: text/plain\r\n\r\nIN-CONFIDENCE\r\n\r\nSee attached.\r\n\r\nIN-CONFIDENCE\r\n--hb\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--hb--\r\n",
        base64(data)
    )
    .into_bytes()
}

fn verdict(message: &[u8]) -> GatewayAction {
    let gateway = Gateway::new(GatewayPolicy::from_toml(POLICY).unwrap()).unwrap();
    let env = Envelope::new("a@agency.govt.nz").to("b@example.com");
    gateway.check(&env, message).action
}

/// A workbook with one sheet marked `marking` in its page header and footer.
fn xlsx(marking: &str) -> Vec<u8> {
    let sheet = (
        "Budget".to_owned(),
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Travel</t></is></c></row>"#.to_owned(),
        format!("<oddHeader>&amp;C{marking}</oddHeader><oddFooter>&amp;C{marking}</oddFooter>"),
    );
    common::raw_zip(&office::xlsx_entries(&[sheet], &[], None))
}

/// A deck with one slide marked `marking` at its top and in its footer.
fn pptx(marking: &str) -> Vec<u8> {
    let slide = office::text_box(100_000, &[marking])
        + &office::text_box(2_000_000, &["The plan."])
        + &office::footer(marking);
    office::pptx("", &[slide])
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

#[test]
fn a_msg_file_is_checked_as_a_message() {
    let inspector = Inspector::new(&AgencyConfig::default()).unwrap();
    let msg = office::msg(
        "Budget papers [RESTRICTED]",
        "RESTRICTED\n\nThe figures.",
        false,
    );
    let reports = inspector.check_bytes("papers.msg", &msg);
    let r = &reports[0];
    assert_eq!((r.format, r.input.as_str()), (Format::Msg, "papers.msg"));
    let declared = r.declared.as_ref().expect("the subject declares it");
    assert_eq!(declared.at.last(), Some(&Segment::Subject));
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "RESTRICTED");
    assert!(!r.has_problems(), "{:?}", r.problems);

    // The body above the subject's marking: under-marked, as for any message.
    let msg = office::msg(
        "Budget papers [IN-CONFIDENCE]",
        "SECRET\n\nThe source.",
        false,
    );
    let r = &inspector.check_bytes("papers.msg", &msg)[0];
    assert!(r.has_problem(ProblemCode::UnderMarked), "{:?}", r.problems);
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "SECRET");

    // Unmarked.
    let r = &inspector.check_bytes("x.msg", &office::msg("Lunch", "Noon?", false))[0];
    assert!(r.has_problem(ProblemCode::Unmarked), "{:?}", r.problems);

    // A damaged compound file is unreadable, never unmarked.
    let r = &inspector.check_bytes("bad.msg", &office::msg("Papers [SECRET]", "x", true))[0];
    assert!(r.is_unreadable() && r.marking.is_none(), "{r:?}");
}

#[test]
fn a_msg_marking_header_has_authority_over_its_subject() {
    let headers = "Received: from mx.agency.govt.nz\r\nFrom: Alice <alice@agency.govt.nz>\r\n\
                   X-Protective-Marking: VER=2018.1, NS=govt.nz, SEC=RESTRICTED, ORIGIN=alice@agency.govt.nz\r\n";
    let msg = office::msg_with_headers("Budget [RESTRICTED]", "The figures.", Some(headers), false);
    let r = MessageAnalyser::new().analyse_msg(&msg).unwrap();
    let declared = r.declared.as_ref().unwrap();
    assert_eq!(declared.at.to_string(), "header:X-Protective-Marking");
    assert_eq!(declared.marking.to_string(), "RESTRICTED");
    assert!(!r.has_problems(), "{:?}", r.problems);

    // Header and subject that disagree: the message rule, as for an .eml.
    let msg = office::msg_with_headers(
        "Budget [IN-CONFIDENCE]",
        "The figures.",
        Some(headers),
        false,
    );
    let r = MessageAnalyser::new().analyse_msg(&msg).unwrap();
    assert!(
        r.has_problem(ProblemCode::HeaderSubjectDisagree),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_msg_in_a_folder_is_checked_as_a_message() {
    let dir = std::env::temp_dir().join(format!("protective-marking-msg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("saved.bin");
    std::fs::write(&path, office::msg("Papers [SECRET]", "Hello", false)).unwrap();
    let inspector = Inspector::new(&AgencyConfig::default()).unwrap();
    let r = &inspector.check_path(&path)[0];
    assert_eq!(r.format, Format::Msg);
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "SECRET");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_msg_attached_to_an_email_is_a_nested_message() {
    let msg = office::msg("Source report [SECRET]", "The source.", false);
    let raw = with_attachment("fwd.msg", "application/vnd.ms-outlook", &msg);
    let r = MessageAnalyser::new().analyse(&raw).unwrap();
    assert_eq!(r.marking.as_ref().unwrap().to_string(), "SECRET");
    let nested = r
        .findings
        .iter()
        .find(|f| f.marking.to_string() == "SECRET")
        .unwrap();
    assert_eq!(nested.at.to_string(), "attachment[1]/subject");
    assert!(r.has_problem(ProblemCode::UnderMarked), "{:?}", r.problems);
    assert_eq!(verdict(&raw), GatewayAction::Reject);

    // Within the ceiling: accepted.
    let msg = office::msg("Notes [IN-CONFIDENCE]", "IN-CONFIDENCE", false);
    let raw = with_attachment("fwd.msg", "application/octet-stream", &msg);
    assert_eq!(verdict(&raw), GatewayAction::Accept);

    // Unreadable: fails closed.
    let msg = office::msg("Notes [IN-CONFIDENCE]", "IN-CONFIDENCE", true);
    let raw = with_attachment("fwd.msg", "application/vnd.ms-outlook", &msg);
    assert_eq!(verdict(&raw), GatewayAction::Tempfail);
}

#[test]
fn the_gateway_reads_workbooks_and_decks() {
    // Marked within the ceiling: accepted, not held back as unreadable.
    assert_eq!(
        verdict(&with_attachment("b.xlsx", XLSX, &xlsx("IN-CONFIDENCE"))),
        GatewayAction::Accept
    );
    assert_eq!(
        verdict(&with_attachment("d.pptx", PPTX, &pptx("IN-CONFIDENCE"))),
        GatewayAction::Accept
    );
    // Above the ceiling: their marking decides.
    assert_eq!(
        verdict(&with_attachment("b.xlsx", XLSX, &xlsx("SECRET"))),
        GatewayAction::Reject
    );
    assert_eq!(
        verdict(&with_attachment("d.pptx", PPTX, &pptx("SECRET"))),
        GatewayAction::Reject
    );

    // An encrypted OOXML package (an OLE2 file with EncryptionInfo) and a truncated
    // workbook cannot be read: tempfail, never accept.
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend("EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(
        verdict(&with_attachment("b.xlsx", XLSX, &encrypted)),
        GatewayAction::Tempfail
    );
    let book = xlsx("IN-CONFIDENCE");
    let truncated = &book[..book.len() / 2];
    assert_eq!(
        verdict(&with_attachment("b.xlsx", XLSX, truncated)),
        GatewayAction::Tempfail
    );
}
