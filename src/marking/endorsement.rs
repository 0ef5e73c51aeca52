//! Endorsements: policy-and-privacy endorsements, national-security controls and
//! dissemination limits (PSR-OV; PSR-CAB for the Cabinet endorsement).

use super::country::Releasability;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// One endorsement on a [`Marking`](crate::Marking).
///
/// The variant order is the canonical render order: policy-and-privacy
/// endorsements in the PSR-OV list order, then national-security controls, then
/// dissemination limits. Parameter values are kept in capitals.
///
/// ```
/// use protective_marking::{Endorsement, marking::EndorsementBlock};
///
/// let e = Endorsement::DepartmentUseOnly("MFAT".into());
/// assert_eq!(e.to_string(), "MFAT USE ONLY");
/// assert_eq!(e.block(), EndorsementBlock::PolicyAndPrivacy);
/// assert_eq!(Endorsement::Nzeo.block(), EndorsementBlock::Dissemination);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Endorsement {
    /// `APPOINTMENTS` (PSR-OV).
    Appointments,
    /// `BUDGET` (PSR-OV).
    Budget,
    /// `CABINET` (PSR-OV).
    Cabinet,
    /// `COMMERCIAL` (PSR-OV).
    Commercial,
    /// `[DEPARTMENT] USE ONLY` with the department name(s), e.g. `MFAT USE ONLY` (PSR-OV).
    DepartmentUseOnly(String),
    /// `EMBARGOED FOR RELEASE <when>`. No PSR source fixes the time format, so the
    /// text is kept as written, in capitals.
    EmbargoedForRelease(String),
    /// `EVALUATIVE` (PSR-OV).
    Evaluative,
    /// `HONOURS` (PSR-OV).
    Honours,
    /// `LEGAL PRIVILEGE` (PSR-OV, new in 2022).
    LegalPrivilege,
    /// `MEDICAL` (PSR-OV).
    Medical,
    /// `STAFF` (PSR-OV).
    Staff,
    /// `POLICY` (PSR-OV).
    Policy,
    /// `TO BE REVIEWED ON <date>`, kept as written (no PSR source fixes the date
    /// format).
    ToBeReviewedOn(String),
    /// `SPECIAL HANDLING REQUIRED`, the Cabinet endorsement (PSR-CAB).
    SpecialHandlingRequired,
    /// `ADDRESSEE ONLY`: legacy (older GCSB guidance), absent from the 2022 list; accepted with a
    /// note.
    AddresseeOnly,
    /// `ACCOUNTABLE MATERIAL`: strict custody control; implied by TOP SECRET (PSR-OV).
    AccountableMaterial,
    /// An agency codeword or sensitive compartment (open set, configured per agency with
    /// [`ParserBuilder::codeword`](crate::marking::ParserBuilder::codeword)).
    Codeword(String),
    /// `NZEO` / `NEW ZEALAND EYES ONLY`: NZ citizens only (PSR-OV, NZISM 15.1.8).
    Nzeo,
    /// `ORCON`: originator-controlled dissemination (a PSR example, known through a third-party
    /// quote).
    Orcon,
    /// `REL TO` / `RELEASABLE TO` a list of countries (PSR-OV).
    RelTo(Releasability),
}

/// Which block of the canonical form an endorsement is written in.
///
/// ```
/// use protective_marking::{Endorsement, marking::EndorsementBlock};
///
/// assert_eq!(Endorsement::Medical.block(), EndorsementBlock::PolicyAndPrivacy);
/// assert_eq!(Endorsement::AccountableMaterial.block(), EndorsementBlock::Control);
/// assert_eq!(Endorsement::Orcon.block(), EndorsementBlock::Dissemination);
/// // Blocks order as they are written: policy first, dissemination last.
/// assert!(EndorsementBlock::PolicyAndPrivacy < EndorsementBlock::Control);
/// assert!(EndorsementBlock::Control < EndorsementBlock::Dissemination);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndorsementBlock {
    /// Policy-and-privacy endorsements, written before the classification.
    PolicyAndPrivacy,
    /// National-security controls (ACCOUNTABLE MATERIAL, codewords): the first `//` block.
    Control,
    /// Dissemination limits (NZEO, ORCON, REL TO): the last `//` block.
    Dissemination,
}

impl Endorsement {
    /// The plain policy-and-privacy endorsements that take no parameter, with their
    /// canonical text. The grammar and the scanner both read their words from here.
    pub const PLAIN_POLICY: [Endorsement; 11] = [
        Endorsement::Appointments,
        Endorsement::Budget,
        Endorsement::Cabinet,
        Endorsement::Commercial,
        Endorsement::Evaluative,
        Endorsement::Honours,
        Endorsement::LegalPrivilege,
        Endorsement::Medical,
        Endorsement::Staff,
        Endorsement::Policy,
        Endorsement::SpecialHandlingRequired,
    ];

    /// The block this endorsement is written in.
    pub fn block(&self) -> EndorsementBlock {
        match self {
            Endorsement::AccountableMaterial | Endorsement::Codeword(_) => {
                EndorsementBlock::Control
            }
            Endorsement::Nzeo | Endorsement::Orcon | Endorsement::RelTo(_) => {
                EndorsementBlock::Dissemination
            }
            _ => EndorsementBlock::PolicyAndPrivacy,
        }
    }

    /// Whether this is a national-security endorsement (controls and dissemination limits).
    pub fn is_national_security(&self) -> bool {
        self.block() != EndorsementBlock::PolicyAndPrivacy
    }

    /// Whether the endorsement is a legacy form kept only for reading old material.
    pub fn is_legacy(&self) -> bool {
        matches!(self, Endorsement::AddresseeOnly)
    }

    /// The fixed words of a plain endorsement (no parameter), e.g. `LEGAL PRIVILEGE`.
    pub fn keyword(&self) -> Option<&'static str> {
        super::vocab::endorsement_words(self)
    }
}

impl fmt::Display for Endorsement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(k) = self.keyword() {
            return f.write_str(k);
        }
        match self {
            Endorsement::DepartmentUseOnly(d) => write!(f, "{d} USE ONLY"),
            Endorsement::EmbargoedForRelease(t) => write!(f, "EMBARGOED FOR RELEASE {t}"),
            Endorsement::ToBeReviewedOn(t) => write!(f, "TO BE REVIEWED ON {t}"),
            Endorsement::Codeword(w) => f.write_str(w),
            Endorsement::RelTo(r) => write!(f, "REL TO {r}"),
            // Every other variant has a keyword (handled above).
            _ => f.write_str("?"),
        }
    }
}

crate::text::serialize_as_text!(Endorsement);

impl<'de> Deserialize<'de> for Endorsement {
    /// Parses leniently with the default parser, as the endorsement of an UNCLASSIFIED
    /// carrier marking would be; codewords are accepted as written in capitals.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        crate::marking::parse::endorsement_from_str(&s).map_err(serde::de::Error::custom)
    }
}

/// An endorsement without its parameter: `rel-to` is any REL TO list, `codeword` any
/// codeword. Handling rules name endorsements by kind.
///
/// ```
/// use protective_marking::{Endorsement, marking::EndorsementKind};
/// let e = Endorsement::DepartmentUseOnly("MFAT".into());
/// assert_eq!(e.kind(), EndorsementKind::DepartmentUseOnly);
/// assert_eq!(EndorsementKind::of(&e), EndorsementKind::DepartmentUseOnly);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EndorsementKind {
    /// `APPOINTMENTS`.
    Appointments,
    /// `BUDGET`.
    Budget,
    /// `CABINET`.
    Cabinet,
    /// `COMMERCIAL`.
    Commercial,
    /// `[DEPARTMENT] USE ONLY`.
    DepartmentUseOnly,
    /// `EMBARGOED FOR RELEASE`.
    EmbargoedForRelease,
    /// `EVALUATIVE`.
    Evaluative,
    /// `HONOURS`.
    Honours,
    /// `LEGAL PRIVILEGE`.
    LegalPrivilege,
    /// `MEDICAL`.
    Medical,
    /// `STAFF`.
    Staff,
    /// `POLICY`.
    Policy,
    /// `TO BE REVIEWED ON`.
    ToBeReviewedOn,
    /// `SPECIAL HANDLING REQUIRED`.
    SpecialHandlingRequired,
    /// Legacy `ADDRESSEE ONLY`.
    AddresseeOnly,
    /// `ACCOUNTABLE MATERIAL` (always present on TOP SECRET).
    AccountableMaterial,
    /// Any codeword or compartment.
    Codeword,
    /// `NZEO`.
    Nzeo,
    /// `ORCON`.
    Orcon,
    /// Any `REL TO` list.
    RelTo,
}

impl EndorsementKind {
    /// The kind of an endorsement ([`Endorsement::kind`]).
    pub fn of(endorsement: &Endorsement) -> EndorsementKind {
        endorsement.kind()
    }
}

impl Endorsement {
    /// This endorsement's kind, without its parameter.
    pub fn kind(&self) -> EndorsementKind {
        use EndorsementKind as K;
        match self {
            Endorsement::Appointments => K::Appointments,
            Endorsement::Budget => K::Budget,
            Endorsement::Cabinet => K::Cabinet,
            Endorsement::Commercial => K::Commercial,
            Endorsement::DepartmentUseOnly(_) => K::DepartmentUseOnly,
            Endorsement::EmbargoedForRelease(_) => K::EmbargoedForRelease,
            Endorsement::Evaluative => K::Evaluative,
            Endorsement::Honours => K::Honours,
            Endorsement::LegalPrivilege => K::LegalPrivilege,
            Endorsement::Medical => K::Medical,
            Endorsement::Staff => K::Staff,
            Endorsement::Policy => K::Policy,
            Endorsement::ToBeReviewedOn(_) => K::ToBeReviewedOn,
            Endorsement::SpecialHandlingRequired => K::SpecialHandlingRequired,
            Endorsement::AddresseeOnly => K::AddresseeOnly,
            Endorsement::AccountableMaterial => K::AccountableMaterial,
            Endorsement::Codeword(_) => K::Codeword,
            Endorsement::Nzeo => K::Nzeo,
            Endorsement::Orcon => K::Orcon,
            Endorsement::RelTo(_) => K::RelTo,
        }
    }
}
