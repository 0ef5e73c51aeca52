//! Evaluates rules against a marking and an action. Knows no specific rule.
//!
//! The algorithm (documented for users on [`HandlingPolicy`](super::HandlingPolicy)):
//! collect every rule that applies; any refusal wins; otherwise the action needs at least
//! one base permission at the marking's tier (fail closed), and every applicable condition
//! is attached.

use super::action::Action;
use super::decision::{Citation, Decision};
use super::rules::{Effect, Rule, When};
use crate::marking::{Endorsement, EndorsementKind, Marking};

/// The citation for "no rule permits this": anything not permitted is refused.
pub(crate) const NO_RULE: &str = "fail closed: no rule permits this";

/// The citation for an unknown or unreadable marking, which is never permitted.
pub(crate) const UNKNOWN_MARKING: &str = "fail closed: the marking cannot be determined";

pub(crate) fn decide(rules: &[Rule], marking: &Marking, action: &Action) -> Decision {
    let tier = marking.classification().handling_tier();
    let kinds: Vec<EndorsementKind> = marking
        .endorsements()
        .iter()
        .map(Endorsement::kind)
        .collect();

    let mut reasons = Vec::new();
    let mut conditions = Vec::new();
    let mut basis = Vec::new();
    let mut permitted = false;
    for rule in rules {
        let applies = (rule.tiers.is_empty() || rule.tiers.contains(&tier))
            && (rule.endorsements.is_empty()
                || rule.endorsements.iter().any(|e| kinds.contains(e)))
            && rule.matches_action(action.kind())
            && holds(rule.when, marking, action);
        if !applies {
            continue;
        }
        let cite = Citation::new(rule.id.clone(), rule.message.clone());
        // Only tier rules without tests give permission, so an endorsement or a recipient
        // detail can add conditions and refusals but never permission.
        permitted |= rule.is_base();
        match rule.effect {
            Effect::Refuse => push(&mut reasons, cite),
            Effect::Condition => push(&mut conditions, cite),
            Effect::Permit => push(&mut basis, cite),
        }
    }
    if !reasons.is_empty() {
        return Decision::refused(reasons);
    }
    if !permitted {
        return Decision::refused(vec![Citation::new(
            NO_RULE,
            format!(
                "No rule permits {} for {} information; anything not permitted is refused.",
                action.kind(),
                tier
            ),
        )]);
    }
    Decision::allowed(conditions, basis)
}

pub(crate) fn decide_unknown(action: &Action) -> Decision {
    Decision::refused(vec![Citation::new(
        UNKNOWN_MARKING,
        format!(
            "cannot determine marking: unknown or unreadable input is never permitted ({} refused).",
            action.kind()
        ),
    )])
}

fn holds(when: When, marking: &Marking, action: &Action) -> bool {
    let recipient = action.kind().has_recipient();
    match when {
        When::Always => true,
        When::RecipientNotReleasable => {
            recipient
                && action
                    .nationality()
                    .is_some_and(|c| !marking.releasable_to(c))
        }
        When::RecipientNationalityUnknown => recipient && action.nationality().is_none(),
        When::RecipientClearanceBelow(needed) => {
            recipient && action.clearance().is_some_and(|held| held < needed)
        }
        When::RecipientClearanceUnknown => recipient && action.clearance().is_none(),
    }
}

fn push(list: &mut Vec<Citation>, c: Citation) {
    if !list.contains(&c) {
        list.push(c);
    }
}
