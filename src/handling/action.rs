//! Typed actions: what someone wants to do with marked information, and to whom.

use crate::marking::Country;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of thing an action does: access, transmission, storage, disposal, copying or
/// removal, the aspects the PSR and NZISM handling requirements cover.
///
/// ```
/// use protective_marking::handling::{ActionGroup, ActionKind};
/// assert_eq!(ActionKind::PostDoubleEnvelope.group(), ActionGroup::Transmit);
/// assert_eq!(ActionKind::DisposeShredder.group(), ActionGroup::Dispose);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ActionGroup {
    /// Giving a person access (the "clearance to access" row).
    Access,
    /// Sending by a network, post, courier or hand.
    Transmit,
    /// Keeping, on paper or in an ICT system.
    Store,
    /// Destroying or disposing of paper or media.
    Dispose,
    /// Copying or reproducing.
    Copy,
    /// Taking out of the agency's premises.
    Remove,
}

/// The medium an action works on.
///
/// ```
/// use protective_marking::handling::{ActionKind, Medium};
/// assert_eq!(ActionKind::StoreElectronicBasic.medium(), Medium::Electronic);
/// assert_eq!(ActionKind::SafeHand.medium(), Medium::Physical);
/// assert_eq!(ActionKind::Copy.medium(), Medium::Any);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Medium {
    /// Electronic information: networks, ICT systems, media.
    Electronic,
    /// Paper and physical items.
    Physical,
    /// Either (copying, removal, access).
    Any,
}

/// One kind of handling action, named by a stable kebab-case id (`email-internet-clear`...).
///
/// Each kind fixes the medium, channel, protection and method; who receives it is on the
/// [`Action`]. The ids are the ones the example checker and agency policy files use.
///
/// ```
/// use protective_marking::handling::ActionKind;
/// let k: ActionKind = "courier-double-envelope".parse().unwrap();
/// assert_eq!(k, ActionKind::CourierDoubleEnvelope);
/// assert_eq!(k.to_string(), "courier-double-envelope");
/// assert_eq!(ActionKind::ALL.len(), 21);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ActionKind {
    /// `access`: give a person access to the information (show, discuss, hand over inside
    /// the premises). The recipient's clearance and nationality matter.
    Access,
    /// `email-internet-clear`: email or other transfer over the internet or another public or
    /// non-agency network without approved encryption (opportunistic TLS at most).
    EmailInternetClear,
    /// `email-internet-encrypted`: email or transfer over a public network protected end to
    /// end with approved cryptography (NZISM 17.2, 17.3: e.g. S/MIME, TLS, IPSec with AES and
    /// an evaluated product), but not High Assurance Cryptographic Equipment.
    EmailInternetEncrypted,
    /// `network-hace`: transfer over a network protected by High Assurance Cryptographic
    /// Equipment, or within a GCSB-accredited classified network (NZISM 17.1.55.C.01).
    NetworkHace,
    /// `post-single-envelope`: ordinary post in one envelope.
    PostSingleEnvelope,
    /// `post-double-envelope`: post (registered where required) with an inner tamper-evident
    /// envelope and an outer one that hides the nature of the contents (PSR-MOVE).
    PostDoubleEnvelope,
    /// `courier-double-envelope`: commercial courier (signature on delivery), double
    /// enveloped.
    CourierDoubleEnvelope,
    /// `safe-hand`: carried by cleared, authorised officers or messengers with receipts at
    /// every handover and a double barrier (PSR-MOVE).
    SafeHand,
    /// `store-office-unlocked`: kept in an ordinary office, not locked away.
    StoreOfficeUnlocked,
    /// `store-lockable-cabinet`: a lockable cabinet or storage area (not an approved security
    /// container).
    StoreLockableCabinet,
    /// `store-security-container`: an NZSIS-approved security container.
    StoreSecurityContainer,
    /// `store-electronic-basic`: an agency ICT system at the NZISM baseline (accredited for
    /// information up to SENSITIVE/RESTRICTED at most).
    StoreElectronicBasic,
    /// `store-electronic-controlled`: an ICT system accredited for the information's
    /// classification, in a secure area.
    StoreElectronicControlled,
    /// `dispose-rubbish`: ordinary rubbish or recycling.
    DisposeRubbish,
    /// `dispose-shredder`: shredding on site with NZSIS-approved destruction equipment.
    DisposeShredder,
    /// `dispose-approved-destruction`: an NZSIS-approved destruction service or GCSB-approved
    /// destruction facility.
    DisposeApprovedDestruction,
    /// `dispose-electronic-delete`: deleting files, reformatting or a "factory reset", then
    /// disposing of or releasing the media.
    DisposeElectronicDelete,
    /// `dispose-electronic-sanitise`: sanitising media as NZISM 13.4 requires, then disposing
    /// of or releasing it.
    DisposeElectronicSanitise,
    /// `dispose-electronic-destroy`: destroying media with approved equipment or at an
    /// approved facility (NZISM 13.5).
    DisposeElectronicDestroy,
    /// `copy`: copying, printing or otherwise reproducing.
    Copy,
    /// `remove-from-premises`: taking the information out of the agency's premises.
    RemoveFromPremises,
}

/// `(kind, id, group, medium)` for every kind: the one table the ids are read from.
const KINDS: [(ActionKind, &str, ActionGroup, Medium); 21] = {
    use ActionGroup as G;
    use ActionKind as K;
    use Medium as M;
    [
        (K::Access, "access", G::Access, M::Any),
        (
            K::EmailInternetClear,
            "email-internet-clear",
            G::Transmit,
            M::Electronic,
        ),
        (
            K::EmailInternetEncrypted,
            "email-internet-encrypted",
            G::Transmit,
            M::Electronic,
        ),
        (K::NetworkHace, "network-hace", G::Transmit, M::Electronic),
        (
            K::PostSingleEnvelope,
            "post-single-envelope",
            G::Transmit,
            M::Physical,
        ),
        (
            K::PostDoubleEnvelope,
            "post-double-envelope",
            G::Transmit,
            M::Physical,
        ),
        (
            K::CourierDoubleEnvelope,
            "courier-double-envelope",
            G::Transmit,
            M::Physical,
        ),
        (K::SafeHand, "safe-hand", G::Transmit, M::Physical),
        (
            K::StoreOfficeUnlocked,
            "store-office-unlocked",
            G::Store,
            M::Physical,
        ),
        (
            K::StoreLockableCabinet,
            "store-lockable-cabinet",
            G::Store,
            M::Physical,
        ),
        (
            K::StoreSecurityContainer,
            "store-security-container",
            G::Store,
            M::Physical,
        ),
        (
            K::StoreElectronicBasic,
            "store-electronic-basic",
            G::Store,
            M::Electronic,
        ),
        (
            K::StoreElectronicControlled,
            "store-electronic-controlled",
            G::Store,
            M::Electronic,
        ),
        (
            K::DisposeRubbish,
            "dispose-rubbish",
            G::Dispose,
            M::Physical,
        ),
        (
            K::DisposeShredder,
            "dispose-shredder",
            G::Dispose,
            M::Physical,
        ),
        (
            K::DisposeApprovedDestruction,
            "dispose-approved-destruction",
            G::Dispose,
            M::Physical,
        ),
        (
            K::DisposeElectronicDelete,
            "dispose-electronic-delete",
            G::Dispose,
            M::Electronic,
        ),
        (
            K::DisposeElectronicSanitise,
            "dispose-electronic-sanitise",
            G::Dispose,
            M::Electronic,
        ),
        (
            K::DisposeElectronicDestroy,
            "dispose-electronic-destroy",
            G::Dispose,
            M::Electronic,
        ),
        (K::Copy, "copy", G::Copy, M::Any),
        (
            K::RemoveFromPremises,
            "remove-from-premises",
            G::Remove,
            M::Any,
        ),
    ]
};

impl ActionKind {
    /// Every kind, in table order.
    pub const ALL: [ActionKind; 21] = {
        let mut all = [ActionKind::Access; 21];
        let mut i = 0;
        while i < 21 {
            all[i] = KINDS[i].0;
            i += 1;
        }
        all
    };

    fn entry(self) -> &'static (ActionKind, &'static str, ActionGroup, Medium) {
        // `KINDS` lists every variant in declaration order.
        &KINDS[self as usize]
    }

    /// The stable id, e.g. `email-internet-encrypted`.
    pub fn id(self) -> &'static str {
        self.entry().1
    }

    /// The group (row family of the handling table).
    pub fn group(self) -> ActionGroup {
        self.entry().2
    }

    /// The medium.
    pub fn medium(self) -> Medium {
        self.entry().3
    }

    /// Whether the action puts the information in someone else's hands, so that the
    /// recipient's clearance and nationality matter.
    ///
    /// ```
    /// use protective_marking::handling::ActionKind;
    /// assert!(ActionKind::SafeHand.has_recipient());
    /// assert!(!ActionKind::Copy.has_recipient());
    /// ```
    pub fn has_recipient(self) -> bool {
        matches!(self.group(), ActionGroup::Access | ActionGroup::Transmit)
    }

    /// The kind for an id, ignoring ASCII case.
    pub fn from_id(id: &str) -> Option<ActionKind> {
        KINDS
            .iter()
            .find(|(_, i, _, _)| i.eq_ignore_ascii_case(id.trim()))
            .map(|e| e.0)
    }
}

crate::text::display_as!(ActionKind, id);

impl std::str::FromStr for ActionKind {
    type Err = ParseActionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ActionKind::from_id(s).ok_or_else(|| ParseActionError::UnknownKind(s.to_string()))
    }
}

crate::text::serde_as_text!(ActionKind);

/// A national-security clearance held by a person (PSR-CLR), lowest first.
///
/// No clearance is needed for IN-CONFIDENCE, SENSITIVE or RESTRICTED; need-to-know still applies.
/// Non-exhaustive: sources disagree on the list (the PSR lists four levels, including TOP SECRET
/// SPECIAL; an older MFAT guide lists three).
///
/// ```
/// use protective_marking::handling::Clearance;
/// let c: Clearance = "top-secret".parse().unwrap();
/// assert!(c > Clearance::Secret);
/// assert_eq!(Clearance::None.to_string(), "none");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Clearance {
    /// No national-security clearance.
    None,
    /// CONFIDENTIAL clearance.
    Confidential,
    /// SECRET clearance.
    Secret,
    /// TOP SECRET clearance.
    TopSecret,
    /// TOP SECRET SPECIAL clearance.
    TopSecretSpecial,
}

const CLEARANCES: [(Clearance, &str); 5] = [
    (Clearance::None, "none"),
    (Clearance::Confidential, "confidential"),
    (Clearance::Secret, "secret"),
    (Clearance::TopSecret, "top-secret"),
    (Clearance::TopSecretSpecial, "top-secret-special"),
];

impl Clearance {
    /// The id: `none`, `confidential`, `secret`, `top-secret`, `top-secret-special`.
    pub fn id(self) -> &'static str {
        CLEARANCES[self as usize].1
    }

    /// The clearance for an id (ASCII case ignored; `_` or a space may stand for `-`).
    pub fn from_id(id: &str) -> Option<Clearance> {
        let norm = id.trim().replace(['_', ' '], "-");
        CLEARANCES
            .iter()
            .find(|(_, i)| i.eq_ignore_ascii_case(&norm))
            .map(|e| e.0)
    }
}

crate::text::display_as!(Clearance, id);

impl std::str::FromStr for Clearance {
    type Err = ParseActionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Clearance::from_id(s).ok_or_else(|| ParseActionError::UnknownClearance(s.to_string()))
    }
}

crate::text::serde_as_text!(Clearance);

/// An action to decide on: a kind, and what is known about the recipient.
///
/// Unknown recipient details are not assumed to be fine: where they matter the answer carries
/// a condition ("the recipient must hold a SECRET clearance"), and where they are known and
/// wrong it is a refusal.
///
/// The text form is the kind's id, optionally followed by `:` and `key=value` pairs separated
/// by commas, with keys `clearance` and `nationality`:
///
/// ```
/// use protective_marking::{marking::Country, handling::{Action, ActionKind, Clearance}};
///
/// let a = Action::new(ActionKind::EmailInternetEncrypted)
///     .recipient_nationality(Country::new("AUS").unwrap());
/// assert_eq!(a.to_string(), "email-internet-encrypted:nationality=AUS");
///
/// let b: Action = "safe-hand:clearance=secret,nationality=nzl".parse().unwrap();
/// assert_eq!(b.kind(), ActionKind::SafeHand);
/// assert_eq!(b.clearance(), Some(Clearance::Secret));
/// assert_eq!(b.nationality(), Some(Country::NZL));
/// assert_eq!(b.to_string().parse::<Action>().unwrap(), b);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Action {
    kind: ActionKind,
    clearance: Option<Clearance>,
    nationality: Option<Country>,
}

impl Action {
    /// An action of `kind` with nothing known about the recipient.
    pub fn new(kind: ActionKind) -> Action {
        Action {
            kind,
            clearance: None,
            nationality: None,
        }
    }

    /// This action with the recipient's clearance known.
    pub fn recipient_clearance(mut self, clearance: Clearance) -> Action {
        self.clearance = Some(clearance);
        self
    }

    /// This action with the recipient's nationality known.
    pub fn recipient_nationality(mut self, country: Country) -> Action {
        self.nationality = Some(country);
        self
    }

    /// The kind.
    pub fn kind(&self) -> ActionKind {
        self.kind
    }

    /// The recipient's clearance, if known.
    pub fn clearance(&self) -> Option<Clearance> {
        self.clearance
    }

    /// The recipient's nationality, if known.
    pub fn nationality(&self) -> Option<Country> {
        self.nationality
    }
}

impl From<ActionKind> for Action {
    fn from(kind: ActionKind) -> Action {
        Action::new(kind)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.id())?;
        let mut sep = ':';
        if let Some(c) = self.clearance {
            write!(f, "{sep}clearance={c}")?;
            sep = ',';
        }
        if let Some(n) = self.nationality {
            write!(f, "{sep}nationality={n}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Action {
    type Err = ParseActionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (id, params) = match s.split_once(':') {
            Some((id, p)) => (id, Some(p)),
            None => (s, None),
        };
        let mut action = Action::new(id.parse()?);
        for pair in params.into_iter().flat_map(|p| p.split(',')) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| ParseActionError::BadParameter(pair.trim().to_string()))?;
            match key.trim().to_ascii_lowercase().as_str() {
                "clearance" => action.clearance = Some(value.parse()?),
                "nationality" => {
                    action.nationality = Some(Country::new(value.trim()).ok_or_else(|| {
                        ParseActionError::UnknownCountry(value.trim().to_string())
                    })?)
                }
                _ => return Err(ParseActionError::BadParameter(pair.trim().to_string())),
            }
        }
        Ok(action)
    }
}

crate::text::serde_as_text!(Action);

/// Text that is not an [`Action`], [`ActionKind`] or [`Clearance`].
///
/// ```
/// use protective_marking::handling::{Action, ParseActionError};
/// let e = "email".parse::<Action>().unwrap_err();
/// assert!(matches!(e, ParseActionError::UnknownKind(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseActionError {
    /// Not one of the action ids; [`ActionKind::ALL`] lists them.
    #[error("`{0}` is not an action; expected one of {ids}", ids = all_ids())]
    UnknownKind(String),
    /// Not a clearance id.
    #[error(
        "`{0}` is not a clearance; expected none, confidential, secret, top-secret or top-secret-special"
    )]
    UnknownClearance(String),
    /// Not an ISO 3166-1 alpha-3 country code.
    #[error("`{0}` is not an ISO 3166-1 alpha-3 country code (e.g. NZL, AUS)")]
    UnknownCountry(String),
    /// A parameter after `:` that is not `clearance=...` or `nationality=...`.
    #[error("`{0}` is not an action parameter; write clearance=LEVEL or nationality=CODE")]
    BadParameter(String),
}

fn all_ids() -> String {
    KINDS.iter().map(|e| e.1).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_declaration_order() {
        for (i, e) in KINDS.iter().enumerate() {
            assert_eq!(e.0 as usize, i, "{}", e.1);
            assert_eq!(ActionKind::from_id(e.1), Some(e.0));
        }
    }
}
