//! Protective markings of the New Zealand Government Security Classification System.
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

#[cfg(feature = "documents")]
pub mod document;
pub mod error;
pub mod limits;

pub use error::ReadError;
pub use limits::{Limit, Limits};
