//! Every public type can be shared across threads and survives a caught panic
//! (aho-corasick's `testoibits`).

use protective_marking::*;
use std::panic::{RefUnwindSafe, UnwindSafe};

fn assert_all<T: Send + Sync + UnwindSafe + RefUnwindSafe>() {}

#[test]
fn public_types_are_send_sync_unwind_safe() {
    assert_all::<Classification>();
    assert_all::<Endorsement>();
    assert_all::<Marking>();
    assert_all::<Parser>();
    assert_all::<ParserBuilder>();
    assert_all::<Parsed>();
    assert_all::<ParseError>();
    assert_all::<Diagnostic>();
    assert_all::<ForeignMapping>();
    assert_all::<Limits>();
    assert_all::<ReadError>();
    assert_all::<Scanner>();
    assert_all::<ScannerBuilder>();
    assert_all::<BuildError>();
    assert_all::<Report>();
    assert_all::<Finding>();
    assert_all::<FindingKind>();
    assert_all::<Confidence>();
    assert_all::<Note>();
    assert_all::<PartRole>();
    assert_all::<ProseFindings>();
    assert_all::<Span>();
}
