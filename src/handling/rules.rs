//! The rule data: what a handling rule says, and the agency policy file that lists rules.
//!
//! Nothing here knows a specific rule; the shipped rules are in `default_policy.toml`.

use super::action::{ActionGroup, ActionKind, Clearance};
use crate::marking::{EndorsementKind, HandlingTier};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a rule does to the answer when it applies.
///
/// ```
/// use protective_marking::handling::Effect;
/// let e: Effect = toml::from_str::<std::collections::BTreeMap<String, Effect>>("e = \"refuse\"")
///     .unwrap()["e"];
/// assert_eq!(e, Effect::Refuse);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// The action is allowed as far as this rule goes. Only a rule that names no
    /// endorsements and has no recipient test may permit (endorsements only restrict).
    Permit,
    /// Allowed, if the rule's sentence is followed. A condition rule that names no
    /// endorsements and has no recipient test also counts as permission.
    Condition,
    /// Not allowed. Any refusal makes the whole answer a refusal.
    Refuse,
}

/// An extra test on the action that a rule needs before it applies. Recipient tests hold
/// only for actions that have a recipient ([`ActionKind::has_recipient`]).
///
/// In TOML: `when = "recipient-not-releasable"` or
/// `when = { recipient-clearance-below = "secret" }`.
///
/// ```
/// use protective_marking::handling::{Clearance, HandlingPolicy, When};
/// let p = HandlingPolicy::default();
/// let r = p.rules().iter().find(|r| r.name == "clearance-secret").unwrap();
/// assert_eq!(r.when, When::RecipientClearanceBelow(Clearance::Secret));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum When {
    /// Always (the default).
    #[default]
    Always,
    /// The recipient's nationality is known and the marking is not releasable to it
    /// (NZEO, REL TO).
    RecipientNotReleasable,
    /// The recipient's nationality is not known.
    RecipientNationalityUnknown,
    /// The recipient's clearance is known and lower than this.
    RecipientClearanceBelow(Clearance),
    /// The recipient's clearance is not known.
    RecipientClearanceUnknown,
}

/// One handling rule: where it applies, what it does, and the sentence and citation the
/// answer carries.
///
/// A rule applies to a marking and action when the marking's [`HandlingTier`] is in `tiers`
/// (or `tiers` is empty), the marking carries at least one of `endorsements` (or it is
/// empty), the action's kind is in `actions` or its group in `groups` (or both are empty),
/// and `when` holds. Agencies write rules in TOML:
///
/// ```toml
/// [[rule]]
/// name = "sensitive-email-needs-approved-crypto"
/// id = "NZISM 17.1.55.C.02"
/// tiers = ["sensitive-restricted"]
/// actions = ["email-internet-clear"]
/// effect = "refuse"
/// message = "SENSITIVE and RESTRICTED information must be encrypted ..."
/// ```
///
/// ```
/// use protective_marking::handling::{Effect, HandlingPolicy};
/// let p = HandlingPolicy::default();
/// let r = p.rules().iter().find(|r| r.name == "sensitive-needs-approved-crypto").unwrap();
/// assert_eq!((r.id.as_str(), r.effect), ("NZISM 17.1.55.C.02", Effect::Refuse));
/// assert!(!r.is_base());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// A unique key within the policy, so an agency file can replace or remove the rule.
    pub name: String,
    /// The citation: an NZISM control (`NZISM 17.1.55.C.02`) or a PSR
    /// section (`PSR handling: double enveloping`).
    pub id: String,
    /// Tiers the rule applies to; empty means every tier.
    #[serde(default)]
    pub tiers: Vec<HandlingTier>,
    /// Endorsements that bring the rule in (any one suffices); empty means regardless of
    /// endorsements.
    #[serde(default)]
    pub endorsements: Vec<EndorsementKind>,
    /// Action kinds the rule applies to.
    #[serde(default)]
    pub actions: Vec<ActionKind>,
    /// Action groups the rule applies to (in addition to `actions`). When both are empty
    /// the rule applies to every action.
    #[serde(default)]
    pub groups: Vec<ActionGroup>,
    /// An extra test on the action.
    #[serde(default)]
    pub when: When,
    /// What the rule does.
    pub effect: Effect,
    /// The sentence given with the answer. Where it rests on inference rather than a
    /// source, it says "Inference:".
    pub message: String,
}

impl Rule {
    /// Whether the rule is a base permission: permit or condition, with no endorsement and
    /// no recipient test. An action needs one of these at the marking's tier, or the answer
    /// is a refusal (fail closed).
    pub fn is_base(&self) -> bool {
        self.effect != Effect::Refuse && self.endorsements.is_empty() && self.when == When::Always
    }

    pub(crate) fn matches_action(&self, kind: ActionKind) -> bool {
        (self.actions.is_empty() && self.groups.is_empty())
            || self.actions.contains(&kind)
            || self.groups.contains(&kind.group())
    }
}

/// An agency policy file: rules to add or replace, and default rules to remove.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PolicyFile {
    /// Start from no rules instead of the base policy.
    #[serde(default)]
    pub replace_defaults: bool,
    /// Names of base rules to drop.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Rules to add; a rule whose name is already in the base replaces it in place.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// A policy file that cannot be used. Fix the file; nothing is applied from a file with an
/// error.
///
/// ```
/// use protective_marking::handling::{HandlingPolicy, HandlingPolicyError};
/// let e = HandlingPolicy::from_toml("remove = [\"no-such-rule\"]").unwrap_err();
/// assert!(matches!(e, HandlingPolicyError::UnknownRule { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandlingPolicyError {
    /// Not valid TOML, or a field has the wrong type or an unknown value (an action id, a
    /// tier, an endorsement kind). The message names the line and column.
    #[error("policy file: {message}")]
    Syntax {
        /// The TOML parser's description, with the position.
        message: String,
    },
    /// Two rules in one file have the same name; give each a unique `name`.
    #[error("policy file: rule name `{name}` is used twice; names must be unique")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// `remove` names a rule the base policy does not have (a typo would otherwise leave
    /// the rule in force silently).
    #[error("policy file: `remove` names `{name}`, which is not a rule of the base policy")]
    UnknownRule {
        /// The name that was not found.
        name: String,
    },
    /// A rule has an empty `name`, `id` or `message`; every answer must cite a rule and say
    /// why.
    #[error("policy file: rule `{name}` has an empty `{field}`")]
    EmptyField {
        /// The rule's name (may itself be empty).
        name: String,
        /// `name`, `id` or `message`.
        field: &'static str,
    },
    /// A `permit` rule names endorsements or has a `when` test. Endorsements and recipient
    /// tests may only add conditions or refusals, so adding an endorsement can never turn a
    /// refusal into a permission; use `effect = "condition"` or drop the field.
    #[error(
        "policy file: rule `{name}` permits with endorsements or a `when` test; such rules may only add conditions or refusals"
    )]
    PermitNotBase {
        /// The rule's name.
        name: String,
    },
}

impl PolicyFile {
    pub(crate) fn parse(text: &str) -> Result<PolicyFile, HandlingPolicyError> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| HandlingPolicyError::Syntax {
            message: e.to_string().trim().replace('\n', " "),
        })?;
        let mut names = BTreeSet::new();
        for r in &file.rules {
            for (field, value) in [("name", &r.name), ("id", &r.id), ("message", &r.message)] {
                if value.trim().is_empty() {
                    return Err(HandlingPolicyError::EmptyField {
                        name: r.name.clone(),
                        field,
                    });
                }
            }
            if !names.insert(r.name.as_str()) {
                return Err(HandlingPolicyError::DuplicateName {
                    name: r.name.clone(),
                });
            }
            if r.effect == Effect::Permit && !r.is_base() {
                return Err(HandlingPolicyError::PermitNotBase {
                    name: r.name.clone(),
                });
            }
        }
        Ok(file)
    }

    /// `base` with this file applied.
    pub(crate) fn apply(self, base: &[Rule]) -> Result<Vec<Rule>, HandlingPolicyError> {
        let mut rules: Vec<Rule> = if self.replace_defaults {
            Vec::new()
        } else {
            base.to_vec()
        };
        for name in &self.remove {
            let before = rules.len();
            rules.retain(|r| &r.name != name);
            if rules.len() == before {
                return Err(HandlingPolicyError::UnknownRule { name: name.clone() });
            }
        }
        for rule in self.rules {
            match rules.iter_mut().find(|r| r.name == rule.name) {
                Some(slot) => *slot = rule,
                None => rules.push(rule),
            }
        }
        Ok(rules)
    }
}
