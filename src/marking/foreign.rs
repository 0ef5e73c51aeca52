//! Foreign government markings and their configurable mapping to NZ levels. Foreign
//! information takes the equivalent NZ marking and no less protection than its originator
//! requires (PSR INF014).

use super::classification::Classification;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A foreign classification level recognised on input.
///
/// `OFFICIAL` and `SECRET`/`TOP SECRET` are written alike by Australia and the UK; the NZ
/// words SECRET and TOP SECRET read as NZ markings unless a foreign carrier (an
/// `X-Protective-Marking` header with `NS=gov.au`, a `[SEC=...]` subject) says otherwise.
///
/// ```
/// use protective_marking::{Classification, marking::ForeignLevel, marking::ForeignMapping, Marking};
///
/// let parsed = Marking::parse("OFFICIAL: Sensitive").unwrap();
/// let level = parsed.foreign.unwrap().level;
/// assert_eq!(level, ForeignLevel::OfficialSensitive);
/// assert_eq!(level.as_str(), "OFFICIAL: Sensitive");
/// // The mapping, not the level, says how it is handled in NZ.
/// assert_eq!(ForeignMapping::default().map(level), Classification::InConfidence);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ForeignLevel {
    /// AU `UNOFFICIAL` (personal, not government information).
    AuUnofficial,
    /// AU or UK `OFFICIAL`.
    Official,
    /// AU `OFFICIAL: Sensitive` or UK `OFFICIAL-SENSITIVE`.
    OfficialSensitive,
    /// AU `PROTECTED`.
    AuProtected,
    /// AU or UK `SECRET`, read from a foreign carrier.
    ForeignSecret,
    /// AU or UK `TOP SECRET` (AU email form `TOP-SECRET`), read from a foreign carrier.
    ForeignTopSecret,
    /// AU `Sensitive: Personal`, a dissemination limiting marker of the PSPF before 2018
    /// for unclassified personal information; still on documents released today.
    AuSensitivePersonal,
}

impl ForeignLevel {
    /// How the level is written, e.g. `OFFICIAL: Sensitive`.
    pub fn as_str(self) -> &'static str {
        match self {
            ForeignLevel::AuUnofficial => "UNOFFICIAL",
            ForeignLevel::Official => "OFFICIAL",
            ForeignLevel::OfficialSensitive => "OFFICIAL: Sensitive",
            ForeignLevel::AuProtected => "PROTECTED",
            ForeignLevel::ForeignSecret => "SECRET",
            ForeignLevel::ForeignTopSecret => "TOP SECRET",
            ForeignLevel::AuSensitivePersonal => "Sensitive: Personal",
        }
    }
}

/// A foreign marking as it was read, kept next to the NZ marking it maps to.
///
/// ```
/// use protective_marking::{Classification, marking::ForeignLevel, Marking};
/// let parsed = Marking::parse("PROTECTED").unwrap();
/// let foreign = parsed.foreign.unwrap();
/// assert_eq!(foreign.level, ForeignLevel::AuProtected);
/// assert_eq!(parsed.marking.classification(), Classification::Restricted); // the default mapping
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ForeignMarking {
    /// The foreign level.
    pub level: ForeignLevel,
    /// Foreign dissemination caveats such as `AUSTEO` or `AGAO`. This crate treats AUSTEO material
    /// as not releasable beyond the originating nation, so a gateway refuses to pass it on.
    pub caveats: Vec<String>,
}

impl ForeignMarking {
    /// Whether a foreign caveat limits dissemination (AUSTEO, AGAO).
    pub fn limits_dissemination(&self) -> bool {
        !self.caveats.is_empty()
    }
}

/// The agency's mapping from foreign levels to NZ classifications.
///
/// No official NZ equivalence table is known, so this is configuration. The default is
/// conservative: OFFICIAL: Sensitive and UK OFFICIAL-SENSITIVE -> IN-CONFIDENCE, AU PROTECTED ->
/// RESTRICTED, SECRET and TOP SECRET to themselves, and (the crate's choice; neither is a
/// classification) UNOFFICIAL and OFFICIAL -> UNCLASSIFIED. The older Australian markers
/// `Sensitive: Personal` and `Sensitive: Legal` (PSPF before 2018, unclassified information that
/// needs care) map like their successor OFFICIAL: Sensitive, to IN-CONFIDENCE.
///
/// ```
/// use protective_marking::{Classification, marking::ForeignLevel, marking::ForeignMapping};
/// let mut m = ForeignMapping::default();
/// m.set(ForeignLevel::AuProtected, Classification::Confidential);
/// assert_eq!(m.map(ForeignLevel::AuProtected), Classification::Confidential);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ForeignMapping(BTreeMap<ForeignLevel, Classification>);

impl Default for ForeignMapping {
    fn default() -> Self {
        ForeignMapping(BTreeMap::from([
            (ForeignLevel::AuUnofficial, Classification::Unclassified),
            (ForeignLevel::Official, Classification::Unclassified),
            (
                ForeignLevel::OfficialSensitive,
                Classification::InConfidence,
            ),
            (ForeignLevel::AuProtected, Classification::Restricted),
            (ForeignLevel::ForeignSecret, Classification::Secret),
            (ForeignLevel::ForeignTopSecret, Classification::TopSecret),
            (
                ForeignLevel::AuSensitivePersonal,
                Classification::InConfidence,
            ),
        ]))
    }
}

impl ForeignMapping {
    /// The NZ classification for `level`. A level missing from a custom table maps to
    /// TOP SECRET: an unmapped foreign marking gets the most protection, never less
    /// (PSR INF014: equal to, never less than, what the provider requires).
    pub fn map(&self, level: ForeignLevel) -> Classification {
        self.0
            .get(&level)
            .copied()
            .unwrap_or(Classification::TopSecret)
    }

    /// Change the mapping for one level.
    pub fn set(&mut self, level: ForeignLevel, classification: Classification) {
        self.0.insert(level, classification);
    }
}
