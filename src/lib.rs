//! Protective markings of the New Zealand Government Security Classification System.
//!
//! This crate models the classifications and endorsements of the PSR classification system,
//! reads and writes marking text, combines markings as a lattice, finds markings in text,
//! documents and mail, and answers handling questions. If you just want to read a marking,
//! start with [`Marking::parse`]; to find the markings in a text, [`Scanner::scan`].
//!
//! ```
//! use protective_marking::{Classification, Marking};
//!
//! let parsed = Marking::parse("In Confidence - Staff").unwrap();
//! assert_eq!(parsed.marking.to_string(), "STAFF IN-CONFIDENCE");
//! assert_eq!(parsed.marking.classification(), Classification::InConfidence);
//! ```
//!
//! # Overview
//!
//! * [`Classification`]: the seven levels, their order, family and handling tier.
//! * [`Endorsement`]: policy-and-privacy endorsements, national-security controls and
//!   dissemination limits (NZEO, REL TO).
//! * [`Marking`]: a classification with endorsements; canonical text, [`Marking::join`] and
//!   [`Marking::dominates`].
//! * [`Parser`]: strict and lenient reading, with agency codewords and a foreign mapping.
//! * [`Scanner`]: finds markings in text of any size, telling banners from prose and
//!   flagging disguised ones, in a [`Report`]; [`document::check`] and [`MessageAnalyser`]
//!   read documents and messages through it (features `documents`, `mail`).
//! * [`HandlingPolicy`]: handling rules as data; [`HandlingPolicy::decide`] answers an
//!   [`Action`](handling::Action) with a [`Decision`] (permitted, conditional or refused,
//!   each citing its rule).
//! * [`Limits`] and [`ReadError`]: explicit resource limits for untrusted input.
//! * [`Gateway`]: the per-message mail gateway verdict; the `milter` module puts it in front of
//!   Postfix (feature `milter`).
//!
//! # Untrusted input
//!
//! No input makes the parser, the scanner or the readers panic (property-tested and fuzzed,
//! `scripts/fuzz.sh`). Text that is not a marking gives a [`ParseError`] listing each
//! problem with its byte offset; a file or message that cannot be read gives a typed
//! [`ReadError`], and the gateway never accepts what it could not read.
//!
//! # Crate features
//!
//! * `documents` (default): the DOCX and PDF readers ([`document`]).
//! * `mail` (default; implies `documents`): MIME messages ([`mail`]), the message analysis
//!   ([`MessageAnalyser`]), the gateway verdict ([`gateway`]) and the [`Inspector`].
//! * `milter` (opt-in; implies `mail`): the milter service (the `milter` module) and the
//!   `protective-marking-milter` binary. It pulls in tokio, which the default features do not.
//!
//! # Sources
//!
//! Rules cite the Protective Security Requirements (PSR) and the NZ Information Security
//! Manual (NZISM v3.9) directly: `PSR-OV` is the classification system overview, `PSR-HB p.13`
//! a page of the PSR classification handbook, `PSR INF014` the page on foreign government
//! information, `NZISM 15.1.11.C.01` a control. Where the sources are silent or disagree, the
//! item's documentation states the rule this crate follows.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

pub mod config;
#[cfg(feature = "documents")]
mod detect;
#[cfg(feature = "documents")]
#[cfg_attr(docsrs, doc(cfg(feature = "documents")))]
pub mod document;
pub mod error;
#[cfg(feature = "mail")]
#[cfg_attr(docsrs, doc(cfg(feature = "mail")))]
pub mod gateway;
pub mod handling;
#[cfg(feature = "mail")]
#[cfg_attr(docsrs, doc(cfg(feature = "mail")))]
pub mod input;
pub mod limits;
#[cfg(feature = "mail")]
#[cfg_attr(docsrs, doc(cfg(feature = "mail")))]
pub mod mail;
pub mod marking;
#[cfg(feature = "milter")]
#[cfg_attr(docsrs, doc(cfg(feature = "milter")))]
pub mod milter;
pub mod path;
pub mod problem;
pub mod report;
pub mod scan;
mod text;

// The paved path, re-exported here; everything else is in its module.
pub use config::AgencyConfig;
pub use error::ReadError;
#[cfg(feature = "mail")]
#[cfg_attr(docsrs, doc(cfg(feature = "mail")))]
pub use gateway::{Envelope, Gateway, GatewayAction, GatewayPolicy, Verdict};
pub use handling::{Decision, HandlingPolicy};
#[cfg(feature = "mail")]
#[cfg_attr(docsrs, doc(cfg(feature = "mail")))]
pub use input::Inspector;
pub use limits::Limits;
#[cfg(feature = "mail")]
#[cfg_attr(docsrs, doc(cfg(feature = "mail")))]
pub use mail::MessageAnalyser;
pub use marking::{Classification, Endorsement, Marking, ParseError, Parser};
pub use path::{Location, PartPath, Segment};
pub use problem::{Problem, ProblemCode};
pub use report::{Finding, Format, Report};
pub use scan::Scanner;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
