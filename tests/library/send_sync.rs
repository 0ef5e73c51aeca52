//! Thread-safety, in one place: every type a service builds once and shares (a `Scanner`, a
//! `HandlingPolicy`, a `Gateway`, a `MilterService` ...) is `Send + Sync`, and every public
//! value type can also cross a caught panic (aho-corasick's `testoibits`).

use protective_marking::*;
use std::panic::{RefUnwindSafe, UnwindSafe};

/// Built once, shared between threads or tasks.
fn shared<T: Send + Sync>() {}
/// Values: shared, and whole after a caught panic.
fn value<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}

#[test]
fn shared_engines_are_send_sync_and_unwind_safe() {
    value::<Parser>();
    value::<marking::ParserBuilder>();
    value::<Scanner>();
    value::<scan::ScannerBuilder>();
    value::<HandlingPolicy>();
    value::<AgencyConfig>();
    value::<Limits>();
}

#[cfg(feature = "mail")]
#[test]
fn mail_engines_are_send_sync_and_unwind_safe() {
    value::<MessageAnalyser>();
    value::<Inspector>();
    value::<Gateway>();
    value::<GatewayPolicy>();
}

#[cfg(feature = "milter")]
#[test]
fn the_milter_service_is_send_sync() {
    shared::<milter::MilterService>();
    shared::<milter::MilterOptions>();
    shared::<milter::MilterListener>();
}

#[test]
fn values_are_send_sync_unwind_safe() {
    value::<Classification>();
    value::<Endorsement>();
    value::<Marking>();
    value::<marking::Parsed>();
    value::<ParseError>();
    value::<marking::Diagnostic>();
    value::<marking::ForeignMapping>();
    value::<ReadError>();
    value::<scan::BuildError>();
    value::<config::ConfigError>();
    value::<Report>();
    value::<Finding>();
    value::<Problem>();
    value::<PartPath>();
    value::<Location>();
    value::<report::UnreadablePart>();
    value::<report::Declared>();
    value::<scan::FindingKind>();
    value::<scan::Confidence>();
    value::<scan::Note>();
    value::<scan::PartRole>();
    value::<scan::ProseFindings>();
    value::<scan::Span>();
    value::<Decision>();
    value::<handling::Action>();
    value::<handling::Requirement>();
    value::<handling::HandlingPolicyError>();
    value::<handling::Rule>();
    value::<handling::PostSanitisation>();
    value::<document::Document>();
    value::<document::Part>();
}

#[cfg(feature = "mail")]
#[test]
fn mail_values_are_send_sync_unwind_safe() {
    value::<Verdict>();
    value::<Envelope>();
    value::<gateway::Reason>();
    value::<gateway::GatewayRule>();
    value::<gateway::GatewayPolicyError>();
    value::<mail::MessageContent>();
    value::<mail::TextPart>();
    value::<mail::Attachment>();
    value::<mail::MailProblem>();
    value::<mail::MarkingHeader>();
    value::<mail::SubjectMarking>();
    value::<mail::SubjectPosition>();
}
