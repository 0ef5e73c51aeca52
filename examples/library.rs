//! The library's common case: scan text, check a document, ask the gateway for a verdict.
//! `cargo run --example library` (from the repository root, for the sample files).
use protective_marking::document::{check, read};
use protective_marking::{Envelope, Gateway, GatewayPolicy, Limits, Scanner};

/// Outbound mail: anything above IN-CONFIDENCE may not leave for any domain.
const POLICY: &str = "[gateway]\ndirection = \"outbound\"\n\
    [[gateway.domain]]\npattern = \"*\"\nceiling = \"IN-CONFIDENCE\"\n";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Text: build the scanner once and share it; prose never decides, only banners do.
    let text = Scanner::new().scan("RESTRICTED\n\nHe told me in confidence.\n\nRESTRICTED\n");
    println!(
        "text: {:?} {:?}",
        text.marking.map(|m| m.to_string()),
        text.problems
    );

    // A document (DOCX, PDF or text, told apart by content), within explicit limits.
    let bytes = std::fs::read("examples/data/sample/documents/access-policy.docx")?;
    let doc = check(&read(&bytes, &Limits::default())?, &Scanner::new());
    println!(
        "docx: {:?} {:#?}",
        doc.marking.map(|m| m.to_string()),
        doc.problems
    );

    // The gateway's verdict on one message for its envelope (accept, reject, ...).
    let gateway = Gateway::new(GatewayPolicy::from_toml(POLICY)?)?;
    let raw = std::fs::read("examples/data/sample/mail/budget-bid.eml")?;
    let envelope = Envelope::new("analyst@agency.govt.nz").to("someone@example.com");
    let verdict = gateway.check(&envelope, &raw);
    println!("mail: {} {:#?}", verdict.action.as_str(), verdict.reasons);
    Ok(())
}
