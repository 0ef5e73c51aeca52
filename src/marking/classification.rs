//! The seven classification values, their families, impact levels and handling tiers.

use serde::{Deserialize, Serialize};

/// A classification of the New Zealand Government Security Classification System.
///
/// The total order follows the decision flow of PSR-HB p.9:
/// `UNCLASSIFIED < IN-CONFIDENCE < SENSITIVE < RESTRICTED < CONFIDENTIAL < SECRET < TOP SECRET`.
/// SENSITIVE and RESTRICTED share impact level 3 (PSR-HB p.8) and one [`HandlingTier`]: the
/// sources handle them alike (NZISM 17.1.55.C.02, PSR-HB p.16). No source says how to combine
/// them, so the order puts RESTRICTED above SENSITIVE only so that a join is defined (a
/// SENSITIVE and RESTRICTED mix is RESTRICTED). Every handling rule in this crate looks at the
/// tier, never at that tiebreak.
///
/// The set is closed by definition (PSR-OV), so the enum is exhaustive.
///
/// ```
/// use protective_marking::{Classification, marking::Family};
///
/// let c: Classification = "in confidence".parse().unwrap();
/// assert_eq!(c, Classification::InConfidence);
/// assert_eq!(c.to_string(), "IN-CONFIDENCE");
/// assert_eq!(c.family(), Family::PolicyAndPrivacy);
/// assert!(Classification::Restricted > Classification::Sensitive);
/// assert_eq!(Classification::Restricted.handling_tier(), Classification::Sensitive.handling_tier());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Classification {
    /// `UNCLASSIFIED`: impact level 1 (LOW); not one of the six classifications but still a
    /// marking (PSR-HB p.7, p.13; NZISM 15.1.11.C.01 requires it on email).
    Unclassified,
    /// `IN-CONFIDENCE`: policy and privacy, impact level 2 (MEDIUM).
    InConfidence,
    /// `SENSITIVE`: policy and privacy, impact level 3 (HIGH).
    Sensitive,
    /// `RESTRICTED`: national security, impact level 3 (HIGH).
    Restricted,
    /// `CONFIDENTIAL`: national security, impact level 4 (VERY HIGH).
    Confidential,
    /// `SECRET`: national security, impact level 5 (EXTREME).
    Secret,
    /// `TOP SECRET`: national security, impact level 6 (CATASTROPHIC); always
    /// ACCOUNTABLE MATERIAL (PSR-OV).
    TopSecret,
}

/// The family a classification belongs to (PSR-OV).
///
/// ```
/// use protective_marking::{Classification, marking::Family};
/// assert_eq!(Classification::Secret.family(), Family::NationalSecurity);
/// assert_eq!(Classification::Unclassified.family(), Family::Unclassified);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// UNCLASSIFIED belongs to neither family.
    Unclassified,
    /// IN-CONFIDENCE and SENSITIVE: public interest, policy and personal privacy.
    PolicyAndPrivacy,
    /// RESTRICTED and above: security, defence and international relations.
    NationalSecurity,
}

/// Handling tier: which set of handling requirements a classification uses.
///
/// SENSITIVE and RESTRICTED share [`HandlingTier::SensitiveRestricted`] (impact level 3,
/// PSR-HB p.8; the PSR and NZISM handle them alike).
///
/// ```
/// use protective_marking::{Classification, marking::HandlingTier};
/// assert_eq!(Classification::Sensitive.handling_tier(), HandlingTier::SensitiveRestricted);
/// assert!(HandlingTier::Confidential > HandlingTier::SensitiveRestricted);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HandlingTier {
    /// UNCLASSIFIED.
    Unclassified,
    /// IN-CONFIDENCE.
    InConfidence,
    /// SENSITIVE and RESTRICTED.
    SensitiveRestricted,
    /// CONFIDENTIAL.
    Confidential,
    /// SECRET.
    Secret,
    /// TOP SECRET.
    TopSecret,
}

impl HandlingTier {
    /// Every tier, lowest first.
    pub const ALL: [HandlingTier; 6] = [
        HandlingTier::Unclassified,
        HandlingTier::InConfidence,
        HandlingTier::SensitiveRestricted,
        HandlingTier::Confidential,
        HandlingTier::Secret,
        HandlingTier::TopSecret,
    ];

    /// A short name, e.g. `SENSITIVE/RESTRICTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            HandlingTier::Unclassified => "UNCLASSIFIED",
            HandlingTier::InConfidence => "IN-CONFIDENCE",
            HandlingTier::SensitiveRestricted => "SENSITIVE/RESTRICTED",
            HandlingTier::Confidential => "CONFIDENTIAL",
            HandlingTier::Secret => "SECRET",
            HandlingTier::TopSecret => "TOP SECRET",
        }
    }
}

crate::text::display_as!(HandlingTier, as_str);

impl Classification {
    /// Every classification, lowest first.
    pub const ALL: [Classification; 7] = [
        Classification::Unclassified,
        Classification::InConfidence,
        Classification::Sensitive,
        Classification::Restricted,
        Classification::Confidential,
        Classification::Secret,
        Classification::TopSecret,
    ];

    /// The canonical text, in the 2022 PSR spelling: `IN-CONFIDENCE`, `TOP SECRET`...
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Unclassified => "UNCLASSIFIED",
            Classification::InConfidence => "IN-CONFIDENCE",
            Classification::Sensitive => "SENSITIVE",
            Classification::Restricted => "RESTRICTED",
            Classification::Confidential => "CONFIDENTIAL",
            Classification::Secret => "SECRET",
            Classification::TopSecret => "TOP SECRET",
        }
    }

    /// The family (PSR-OV).
    pub fn family(self) -> Family {
        match self {
            Classification::Unclassified => Family::Unclassified,
            Classification::InConfidence | Classification::Sensitive => Family::PolicyAndPrivacy,
            _ => Family::NationalSecurity,
        }
    }

    /// The PSR impact level 1..=6 (PSR-HB p.8); SENSITIVE and RESTRICTED are both 3.
    pub fn impact_level(self) -> u8 {
        match self {
            Classification::Unclassified => 1,
            Classification::InConfidence => 2,
            Classification::Sensitive | Classification::Restricted => 3,
            Classification::Confidential => 4,
            Classification::Secret => 5,
            Classification::TopSecret => 6,
        }
    }

    /// The handling tier (SENSITIVE and RESTRICTED share one).
    pub fn handling_tier(self) -> HandlingTier {
        match self {
            Classification::Unclassified => HandlingTier::Unclassified,
            Classification::InConfidence => HandlingTier::InConfidence,
            Classification::Sensitive | Classification::Restricted => {
                HandlingTier::SensitiveRestricted
            }
            Classification::Confidential => HandlingTier::Confidential,
            Classification::Secret => HandlingTier::Secret,
            Classification::TopSecret => HandlingTier::TopSecret,
        }
    }

    /// The paragraph (portion) marking, e.g. `(IC)` (PSR-HB p.14).
    pub fn paragraph_mark(self) -> &'static str {
        match self {
            Classification::Unclassified => "(U)",
            Classification::InConfidence => "(IC)",
            Classification::Sensitive => "(Sen)",
            Classification::Restricted => "(R)",
            Classification::Confidential => "(C)",
            Classification::Secret => "(S)",
            Classification::TopSecret => "(TS)",
        }
    }

    /// The marking colour as RGB (PSR-HB p.13): black up to RESTRICTED, green CONFIDENTIAL,
    /// blue SECRET, red TOP SECRET.
    pub fn colour(self) -> (u8, u8, u8) {
        match self {
            Classification::Confidential => (0, 176, 80),
            Classification::Secret => (0, 0, 255),
            Classification::TopSecret => (255, 0, 0),
            _ => (0, 0, 0),
        }
    }

    /// Parse one classification on its own, leniently (any case; spaces, hyphens or line
    /// breaks between words). Returns `None` for anything else.
    ///
    /// ```
    /// use protective_marking::Classification;
    /// assert_eq!(Classification::from_words("Top-Secret"), Some(Classification::TopSecret));
    /// assert_eq!(Classification::from_words("secretary"), None);
    /// ```
    pub fn from_words(text: &str) -> Option<Classification> {
        let words: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == '-' || c == '\u{a0}')
            .filter(|w| !w.is_empty())
            .collect();
        super::vocab::classification_of(&words)
    }
}

crate::text::display_as!(Classification, as_str);

/// The error from parsing a lone [`Classification`].
///
/// ```
/// use protective_marking::Classification;
/// use protective_marking::marking::UnknownClassification;
///
/// // PROTECTED is a foreign level, not one of the seven NZ classifications.
/// let err = "PROTECTED".parse::<Classification>().unwrap_err();
/// assert_eq!(err, UnknownClassification("PROTECTED".into()));
/// assert!(err.to_string().starts_with("`PROTECTED` is not a classification"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a classification; expected one of UNCLASSIFIED, IN-CONFIDENCE, SENSITIVE, RESTRICTED, CONFIDENTIAL, SECRET, TOP SECRET"
)]
pub struct UnknownClassification(pub String);

impl std::str::FromStr for Classification {
    type Err = UnknownClassification;

    /// Lenient: any case and separator.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Classification::from_words(s).ok_or_else(|| UnknownClassification(s.to_string()))
    }
}

crate::text::serde_as_text!(Classification);
