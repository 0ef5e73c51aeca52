//! The answer: permitted, permitted with conditions, or refused, each with its citations.

use super::action::ActionKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which of the three answers. Closed by definition.
///
/// Serialised as `"permitted"`, `"conditional"` or `"refused"`.
///
/// ```
/// use protective_marking::handling::Ruling;
/// assert_eq!(serde_json::to_string(&Ruling::Conditional).unwrap(), "\"conditional\"");
/// assert!(Ruling::Refused > Ruling::Conditional);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ruling {
    /// Allowed with nothing further to do.
    Permitted,
    /// Allowed if every condition is met.
    Conditional,
    /// Not allowed.
    Refused,
}

impl Ruling {
    /// `permitted`, `conditional` or `refused`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ruling::Permitted => "permitted",
            Ruling::Conditional => "conditional",
            Ruling::Refused => "refused",
        }
    }
}

crate::text::display_as!(Ruling, as_str);

/// A sentence and the rule it comes from: `rule` is an NZISM control (`NZISM 17.1.55.C.02`),
/// a PSR section (`PSR handling: double enveloping`), or `fail closed: no rule permits this`
/// and `fail closed: the marking cannot be determined` for the crate's fail-closed answers.
///
/// ```
/// use protective_marking::handling::Citation;
/// let c = Citation::new("NZISM 17.1.55.C.02", "Encrypt it.");
/// assert_eq!(c.to_string(), "Encrypt it. [NZISM 17.1.55.C.02]");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Citation {
    /// The rule id.
    pub rule: String,
    /// The sentence.
    pub message: String,
}

impl Citation {
    /// A citation of `rule` with `message`.
    pub fn new(rule: impl Into<String>, message: impl Into<String>) -> Citation {
        Citation {
            rule: rule.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.rule)
    }
}

/// The answer to "may I do this with this marking?".
///
/// * [`Ruling::Permitted`]: no conditions and no reasons; [`basis`](Decision::basis) names the
///   rule(s) that permit it.
/// * [`Ruling::Conditional`]: at least one condition, no reasons.
/// * [`Ruling::Refused`]: at least one reason, no conditions.
///
/// Serialised as `{"decision": "...", "conditions": [{"rule", "message"}], "reasons": [...],
/// "basis": [...]}`.
///
/// ```
/// use protective_marking::{Marking, handling::{ActionKind, HandlingPolicy, Ruling}};
///
/// let policy = HandlingPolicy::default();
/// let m: Marking = "SECRET".parse().unwrap();
/// let d = policy.decide(&m, &ActionKind::EmailInternetEncrypted.into());
/// assert_eq!(d.ruling(), Ruling::Refused);
/// assert!(d.cites("NZISM 17.1.55.C.01"));
/// assert!(d.conditions().is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    #[serde(rename = "decision")]
    ruling: Ruling,
    conditions: Vec<Citation>,
    reasons: Vec<Citation>,
    basis: Vec<Citation>,
}

impl Decision {
    pub(crate) fn refused(reasons: Vec<Citation>) -> Decision {
        Decision {
            ruling: Ruling::Refused,
            conditions: Vec::new(),
            reasons,
            basis: Vec::new(),
        }
    }

    pub(crate) fn allowed(conditions: Vec<Citation>, basis: Vec<Citation>) -> Decision {
        Decision {
            ruling: if conditions.is_empty() {
                Ruling::Permitted
            } else {
                Ruling::Conditional
            },
            conditions,
            reasons: Vec::new(),
            basis,
        }
    }

    /// Permitted, conditional or refused.
    pub fn ruling(&self) -> Ruling {
        self.ruling
    }

    /// Whether the action may go ahead (permitted, or conditional on the conditions).
    pub fn is_allowed(&self) -> bool {
        self.ruling != Ruling::Refused
    }

    /// The conditions of a conditional answer.
    pub fn conditions(&self) -> &[Citation] {
        &self.conditions
    }

    /// The reasons for a refusal.
    pub fn reasons(&self) -> &[Citation] {
        &self.reasons
    }

    /// The rules that permit the action (for audit); empty for a refusal.
    pub fn basis(&self) -> &[Citation] {
        &self.basis
    }

    /// Whether any condition, reason or basis cites `rule` exactly.
    pub fn cites(&self, rule: &str) -> bool {
        self.conditions
            .iter()
            .chain(&self.reasons)
            .chain(&self.basis)
            .any(|c| c.rule == rule)
    }
}

impl fmt::Display for Decision {
    /// `refused: <reason> [rule]; <reason> [rule]`, or `permitted`, or `conditional: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ruling.as_str())?;
        let list = match self.ruling {
            Ruling::Refused => &self.reasons,
            _ => &self.conditions,
        };
        for (i, c) in list.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// The answer for one action kind, as listed by
/// [`HandlingPolicy::requirements`](super::HandlingPolicy::requirements).
///
/// Serialised as the decision's fields plus `"action"`.
///
/// ```
/// use protective_marking::{Marking, handling::{ActionKind, HandlingPolicy}};
/// let m: Marking = "IN-CONFIDENCE".parse().unwrap();
/// let reqs = HandlingPolicy::default().requirements(&m);
/// assert_eq!(reqs[0].action, ActionKind::ALL[0]);
/// let json = serde_json::to_value(&reqs[0]).unwrap();
/// assert_eq!(json["action"], "access");
/// assert_eq!(json["decision"], "conditional");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// The action kind (decided with nothing known about any recipient).
    pub action: ActionKind,
    /// The answer.
    #[serde(flatten)]
    pub decision: Decision,
}
