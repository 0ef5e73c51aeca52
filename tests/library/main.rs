//! The library's own tests: the marking model and grammar, the scanner (rules, real text, properties, the reader path), handling rules, the document readers and checks, the real-text corpora, saved fuzz crashes, and the thread-safety of the shared types.

#[path = "../common/mod.rs"]
mod common;

mod documents_check;
mod documents_corpus;
mod documents_docx;
mod documents_libreoffice;
mod documents_office_check;
mod documents_office_corpus;
mod documents_office_libreoffice;
mod documents_office_lo_check;
mod documents_pdf;
mod fuzz_regressions;
mod handling_policy;
mod handling_props;
mod handling_table;
mod marking_props;
mod marking_vectors;
mod real_corpus;
mod scan_evasion;
mod scan_props;
mod scan_reader;
mod scan_real_text;
mod scan_rules;
mod send_sync;
