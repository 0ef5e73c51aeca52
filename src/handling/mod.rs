//! The handling rules engine: may this marking be sent, stored, copied or destroyed this way?
//!
//! [`HandlingPolicy::decide`] answers one [`Action`] for one [`Marking`] with a [`Decision`]:
//! permitted, permitted with conditions, or refused, each condition and reason a sentence with the
//! rule it comes from (an NZISM control or a PSR section). [`HandlingPolicy::requirements`] answers
//! every action kind at once ("how must I send, store and destroy this?").
//!
//! ```
//! use protective_marking::{marking::Country, Marking};
//! use protective_marking::handling::{Action, ActionKind, HandlingPolicy, Ruling};
//!
//! let policy = HandlingPolicy::default();
//! let m: Marking = "SENSITIVE".parse().unwrap();
//!
//! let clear = policy.decide(&m, &Action::new(ActionKind::EmailInternetClear));
//! assert_eq!(clear.ruling(), Ruling::Refused);
//! assert_eq!(clear.reasons()[0].rule, "NZISM 17.1.55.C.02");
//!
//! let encrypted = policy.decide(&m, &"email-internet-encrypted".parse().unwrap());
//! assert_eq!(encrypted.ruling(), Ruling::Conditional);
//!
//! // REL TO: the recipient's nationality must be on the list.
//! let rel: Marking = "RESTRICTED//REL TO NZL, AUS".parse().unwrap();
//! let to_usa = Action::new(ActionKind::SafeHand).recipient_nationality(Country::new("USA").unwrap());
//! assert!(policy.decide(&rel, &to_usa).cites("PSR endorsements: REL TO"));
//! ```
//!
//! # Rules are data
//!
//! The rules live in a TOML policy (`src/handling/default_policy.toml`, also
//! [`default_policy_toml`]), one `[[rule]]` per rule: a unique `name`, the citation `id`, the
//! handling `tiers` and/or `endorsements` it applies to, the `actions` (ids) or `groups`, an
//! optional recipient test `when`, an `effect` (`permit`, `condition`, `refuse`) and the
//! `message`. An agency overrides them with its own file: a rule with an existing `name`
//! replaces it, a new name adds a rule, `remove = [...]` drops rules, and
//! `replace_defaults = true` starts from nothing.
//!
//! ```
//! use protective_marking::{Marking, handling::{ActionKind, HandlingPolicy, Ruling}};
//!
//! // An agency that forbids posting IN-CONFIDENCE material in a single envelope.
//! let agency = HandlingPolicy::from_toml(r#"
//!     [[rule]]
//!     name = "agency-no-single-envelope"
//!     id = "Agency policy 4.2"
//!     tiers = ["in-confidence"]
//!     actions = ["post-single-envelope"]
//!     effect = "refuse"
//!     message = "Our agency double envelopes everything it posts."
//! "#).unwrap();
//! let m: Marking = "IN-CONFIDENCE".parse().unwrap();
//! let post = ActionKind::PostSingleEnvelope.into();
//! assert_eq!(HandlingPolicy::default().decide(&m, &post).ruling(), Ruling::Conditional);
//! assert_eq!(agency.decide(&m, &post).ruling(), Ruling::Refused);
//! ```
//!
//! # How an answer is reached
//!
//! 1. Every rule that applies to the marking's [handling tier](crate::marking::HandlingTier)
//!    (SENSITIVE and RESTRICTED share one: impact level 3, PSR-HB p.8), to any of its endorsements,
//!    and to the action is collected.
//! 2. Any refusal wins: the answer is refused with every refusing rule as a reason.
//! 3. Otherwise the action needs a *base* permission: a `permit` or `condition` rule with no
//!    endorsements and no recipient test. Without one the answer is refused, citing
//!    `fail closed: no rule permits this` (anything not permitted is refused).
//! 4. Otherwise every applicable condition is attached; none means permitted.
//!
//! Endorsements and recipient details can therefore only add conditions and refusals, never
//! permission (property-tested). A marking that cannot be determined is refused
//! ([`HandlingPolicy::decide_unknown`]).
//!
//! # Where the sources are silent
//!
//! Some rules could not be found in the public PSR guidance (container classes, paper shredder
//! classes, the SECRET and TOP SECRET courier rule). The shipped rules take the answer an agency security
//! adviser would expect, the stricter one, and their messages say "Inference:" where they do.
//!
//! # Media
//!
//! [`post_sanitisation`] and [`destruction_waste`] give the fixed NZISM chapter 13 tables
//! (NZISM 13.4.12-13.4.19 and 13.5.25.C.01): the classification of sanitised media, and
//! how to treat destruction waste particles.

mod action;
mod decision;
mod engine;
mod media;
mod rules;

pub use crate::marking::EndorsementKind;
pub use action::{Action, ActionGroup, ActionKind, Clearance, Medium, ParseActionError};
pub use decision::{Citation, Decision, Requirement, Ruling};
pub use media::{
    MediaType, ParticleSize, PostSanitisation, WasteTreatment, destruction_waste, post_sanitisation,
};
pub use rules::{Effect, HandlingPolicyError, Rule, When};

use crate::marking::Marking;
use rules::PolicyFile;
use std::sync::{Arc, LazyLock};

const DEFAULT_POLICY: &str = include_str!("default_policy.toml");

static DEFAULT: LazyLock<HandlingPolicy> = LazyLock::new(|| {
    let rules = PolicyFile::parse(DEFAULT_POLICY)
        .and_then(|f| f.apply(&[]))
        // The shipped file is parsed by a unit test, so this cannot fail in a release.
        .unwrap_or_else(|e| panic!("the shipped handling policy is invalid: {e}"));
    HandlingPolicy {
        rules: rules.into(),
    }
});

/// The shipped policy file, for an agency to copy and edit.
///
/// ```
/// assert!(protective_marking::handling::default_policy_toml().contains("NZISM 17.1.55.C.02"));
/// ```
pub fn default_policy_toml() -> &'static str {
    DEFAULT_POLICY
}

/// A set of handling rules and the engine that answers with them.
///
/// Build it once and share it: a clone is cheap (the rules are behind an `Arc`), and every
/// method takes `&self`. [`HandlingPolicy::default`] is the shipped NZ policy (PSR, NZISM
/// v3.9); [`HandlingPolicy::from_toml`] lays an agency file over it.
///
/// ```
/// use protective_marking::{Marking, handling::{ActionKind, HandlingPolicy, Ruling}};
///
/// let policy = HandlingPolicy::default();
/// let ts: Marking = "TOP SECRET".parse().unwrap();
/// // TOP SECRET is ACCOUNTABLE MATERIAL: no copying once disseminated (PSR-REPRO).
/// assert_eq!(policy.decide(&ts, &ActionKind::Copy.into()).ruling(), Ruling::Refused);
/// ```
#[derive(Clone, Debug)]
pub struct HandlingPolicy {
    rules: Arc<[Rule]>,
}

impl Default for HandlingPolicy {
    /// The shipped NZ policy.
    fn default() -> Self {
        DEFAULT.clone()
    }
}

impl HandlingPolicy {
    /// The shipped policy with an agency policy file laid over it (or, with
    /// `replace_defaults = true` in the file, the file's rules alone).
    ///
    /// ```
    /// use protective_marking::handling::HandlingPolicy;
    /// let only = HandlingPolicy::from_toml("replace_defaults = true").unwrap();
    /// assert!(only.rules().is_empty());
    /// ```
    ///
    /// # Errors
    /// A [`HandlingPolicyError`] for invalid TOML, unknown ids or values, duplicate names, empty
    /// fields, a `remove` of a rule that does not exist, or a `permit` that is not a base
    /// permission.
    pub fn from_toml(text: &str) -> Result<HandlingPolicy, HandlingPolicyError> {
        HandlingPolicy::default().overlay(text)
    }

    /// This policy with an agency policy file laid over it; see [`HandlingPolicy::from_toml`].
    ///
    /// ```
    /// use protective_marking::handling::HandlingPolicy;
    /// let p = HandlingPolicy::default().overlay("remove = [\"copy-unclassified\"]").unwrap();
    /// assert_eq!(p.rules().len() + 1, HandlingPolicy::default().rules().len());
    /// ```
    ///
    /// # Errors
    /// As [`HandlingPolicy::from_toml`].
    pub fn overlay(&self, text: &str) -> Result<HandlingPolicy, HandlingPolicyError> {
        let rules = PolicyFile::parse(text)?.apply(&self.rules)?;
        Ok(HandlingPolicy {
            rules: rules.into(),
        })
    }

    /// The rules, in evaluation order.
    ///
    /// ```
    /// use protective_marking::handling::HandlingPolicy;
    /// assert!(HandlingPolicy::default().rules().iter().any(|r| r.id == "NZISM 17.1.55.C.01"));
    /// ```
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The answer for `action` on information marked `marking`.
    ///
    /// ```
    /// use protective_marking::{Marking, handling::{ActionKind, HandlingPolicy, Ruling}};
    /// let m: Marking = "BUDGET SENSITIVE".parse().unwrap();
    /// let d = HandlingPolicy::default().decide(&m, &ActionKind::CourierDoubleEnvelope.into());
    /// assert_eq!(d.ruling(), Ruling::Conditional);
    /// assert!(d.cites("PSR handling: double enveloping"));
    /// ```
    pub fn decide(&self, marking: &Marking, action: &Action) -> Decision {
        engine::decide(&self.rules, marking, action)
    }

    /// The answer when the marking could not be determined (unmarked, unreadable, unparseable
    /// input): always refused, "cannot determine marking" (fail closed: unknown or unreadable
    /// input is never permitted).
    ///
    /// ```
    /// use protective_marking::handling::{ActionKind, HandlingPolicy, Ruling};
    /// let d = HandlingPolicy::default().decide_unknown(&ActionKind::DisposeRubbish.into());
    /// assert_eq!(d.ruling(), Ruling::Refused);
    /// assert!(d.reasons()[0].message.contains("cannot determine marking"));
    /// ```
    pub fn decide_unknown(&self, action: &Action) -> Decision {
        engine::decide_unknown(action)
    }

    /// [`decide`](HandlingPolicy::decide) for a known marking,
    /// [`decide_unknown`](HandlingPolicy::decide_unknown) for `None`.
    ///
    /// ```
    /// use protective_marking::{Marking, handling::{ActionKind, HandlingPolicy, Ruling}};
    /// let p = HandlingPolicy::default();
    /// let parsed: Option<Marking> = "NOT A MARKING".parse().ok();
    /// assert_eq!(p.decide_opt(parsed.as_ref(), &ActionKind::Copy.into()).ruling(), Ruling::Refused);
    /// ```
    pub fn decide_opt(&self, marking: Option<&Marking>, action: &Action) -> Decision {
        match marking {
            Some(m) => self.decide(m, action),
            None => self.decide_unknown(action),
        }
    }

    /// Everything that applies to `marking`: the answer for every [`ActionKind`], decided
    /// with nothing known about any recipient (so recipient checks show as conditions).
    ///
    /// ```
    /// use protective_marking::{Marking, handling::{ActionKind, HandlingPolicy, Ruling}};
    /// let m: Marking = "CONFIDENTIAL".parse().unwrap();
    /// let all = HandlingPolicy::default().requirements(&m);
    /// assert_eq!(all.len(), ActionKind::ALL.len());
    /// let rubbish = all.iter().find(|r| r.action == ActionKind::DisposeRubbish).unwrap();
    /// assert_eq!(rubbish.decision.ruling(), Ruling::Refused);
    /// ```
    pub fn requirements(&self, marking: &Marking) -> Vec<Requirement> {
        ActionKind::ALL
            .iter()
            .map(|&kind| Requirement {
                action: kind,
                decision: self.decide(marking, &Action::new(kind)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_policy_parses_and_is_valid() {
        let file = PolicyFile::parse(DEFAULT_POLICY).unwrap();
        assert!(!file.replace_defaults);
        let rules = file.apply(&[]).unwrap();
        assert!(rules.len() > 50, "{}", rules.len());
        assert_eq!(HandlingPolicy::default().rules().len(), rules.len());
    }

    #[test]
    fn every_action_has_a_base_rule_at_unclassified() {
        let p = HandlingPolicy::default();
        let u = Marking::new(crate::Classification::Unclassified);
        for k in ActionKind::ALL {
            assert!(p.decide(&u, &k.into()).is_allowed(), "{k}");
        }
    }
}
