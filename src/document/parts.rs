//! The parts a reader has found so far, within the text budget.

use crate::document::{Part, PartKind, TextBudget};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::PartPath;

/// Collects parts in order, counting their text against [`Limits::max_text_bytes`]; parts
/// without text (or only whitespace) are left out.
#[derive(Debug)]
pub(crate) struct Parts {
    budget: TextBudget,
    pub(crate) parts: Vec<Part>,
}

impl Parts {
    pub(crate) fn new(limits: &Limits) -> Self {
        Parts {
            budget: TextBudget::new(limits),
            parts: Vec::new(),
        }
    }

    /// The text taken so far, in bytes.
    pub(crate) fn text_used(&self) -> u64 {
        self.budget.used()
    }

    pub(crate) fn push(
        &mut self,
        path: PartPath,
        kind: PartKind,
        text: String,
    ) -> Result<(), ReadError> {
        if text.trim().is_empty() {
            return Ok(());
        }
        self.budget.take(text.len(), &path)?;
        self.parts.push(Part { path, kind, text });
        Ok(())
    }
}
