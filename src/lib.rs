//! Protective markings of the New Zealand Government Security Classification System.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

pub mod error;
pub mod limits;
#[cfg(feature = "mail")]
pub mod mail;

pub use error::ReadError;
pub use limits::{Limit, Limits};
