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
}
