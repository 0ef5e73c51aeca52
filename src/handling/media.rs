//! ICT media after sanitisation and destruction (NZISM v3.9 ch. 13).
//!
//! These are fixed NZISM tables (all MUST, "All Classifications"), not agency policy, so they
//! are Rust tables here rather than rules in the policy file.

use crate::marking::{Classification, Endorsement, HandlingTier, Marking};
use serde::{Deserialize, Serialize};

/// A media type of the NZISM post-sanitisation table (NZISM 13.4.12, 13.4.14, 13.4.17,
/// 13.4.19).
///
/// ```
/// use protective_marking::handling::MediaType;
/// assert_eq!(MediaType::Flash.rule(), "NZISM 13.4.19.C.01");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum MediaType {
    /// Volatile memory (RAM) (NZISM 13.4.12.C.01, CID 4184).
    Volatile,
    /// Non-volatile magnetic media: hard disks, tapes (NZISM 13.4.14.C.01, CID 4200).
    Magnetic,
    /// EPROM and EEPROM (NZISM 13.4.17.C.01, CID 4212).
    Eeprom,
    /// Flash memory, including SSDs and USB sticks (NZISM 13.4.19.C.01, CID 4218).
    Flash,
}

impl MediaType {
    /// Every media type of the table.
    pub const ALL: [MediaType; 4] = [
        MediaType::Volatile,
        MediaType::Magnetic,
        MediaType::Eeprom,
        MediaType::Flash,
    ];

    /// The NZISM control that gives this media type's post-sanitisation classification.
    pub fn rule(self) -> &'static str {
        match self {
            MediaType::Volatile => "NZISM 13.4.12.C.01",
            MediaType::Magnetic => "NZISM 13.4.14.C.01",
            MediaType::Eeprom => "NZISM 13.4.17.C.01",
            MediaType::Flash => "NZISM 13.4.19.C.01",
        }
    }

    /// Whether the media must be destroyed, not sanitised, before it leaves the agency
    /// (NZISM 13.4.10.C.01: EEPROM and flash/SSD are on the must-destroy list; sanitising them
    /// is only for redeployment).
    pub fn destroy_before_disposal(self) -> bool {
        matches!(self, MediaType::Eeprom | MediaType::Flash)
    }
}

/// How sanitised media is to be treated when redeployed (NZISM 13.4); see
/// [`post_sanitisation`].
///
/// ```
/// use protective_marking::{Marking, handling::{post_sanitisation, MediaType}};
/// let p = post_sanitisation(&"SECRET".parse::<Marking>().unwrap(), MediaType::Magnetic);
/// assert!(!p.is_unclassified());
/// assert!(!p.destroy_before_disposal);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PostSanitisation {
    /// The marking the media carries after sanitisation: UNCLASSIFIED, or the original
    /// marking unchanged.
    pub marking: Marking,
    /// The NZISM control that says so.
    pub rule: &'static str,
    /// Whether the media must still be destroyed rather than disposed of (NZISM 13.4.10.C.01).
    pub destroy_before_disposal: bool,
}

impl PostSanitisation {
    /// Whether sanitisation brought the media down to UNCLASSIFIED.
    pub fn is_unclassified(&self) -> bool {
        self.marking.classification() == Classification::Unclassified
    }
}

/// The classification sanitised media of `media_type` carries when redeployed, for media
/// that held `marking` (NZISM 13.4.12.C.01, 13.4.14.C.01, 13.4.17.C.01, 13.4.19.C.01):
///
/// | before | volatile | magnetic | EEPROM | flash |
/// |---|---|---|---|---|
/// | any NZEO | NZEO | NZEO | NZEO | NZEO |
/// | TOP SECRET, SECRET | unchanged | unchanged | unchanged | unchanged |
/// | CONFIDENTIAL | UNCLASSIFIED | UNCLASSIFIED | UNCLASSIFIED | CONFIDENTIAL |
/// | RESTRICTED and lower | UNCLASSIFIED | UNCLASSIFIED | UNCLASSIFIED | UNCLASSIFIED |
///
/// "Unchanged" keeps the whole original marking, endorsements included (the conservative
/// reading: the table names only the classification).
///
/// ```
/// use protective_marking::{Classification, Marking, handling::{post_sanitisation, MediaType}};
///
/// let c: Marking = "CONFIDENTIAL".parse().unwrap();
/// let disk = post_sanitisation(&c, MediaType::Magnetic);
/// assert!(disk.is_unclassified());
/// assert_eq!(disk.rule, "NZISM 13.4.14.C.01");
/// let usb = post_sanitisation(&c, MediaType::Flash);
/// assert_eq!(usb.marking.classification(), Classification::Confidential);
///
/// let nzeo: Marking = "RESTRICTED//NZEO".parse().unwrap();
/// assert!(post_sanitisation(&nzeo, MediaType::Volatile).marking.has(&protective_marking::Endorsement::Nzeo));
/// ```
pub fn post_sanitisation(marking: &Marking, media_type: MediaType) -> PostSanitisation {
    let keeps = marking.has(&Endorsement::Nzeo)
        || match marking.classification().handling_tier() {
            HandlingTier::TopSecret | HandlingTier::Secret => true,
            HandlingTier::Confidential => media_type == MediaType::Flash,
            _ => false,
        };
    PostSanitisation {
        marking: if keeps {
            marking.clone()
        } else {
            Marking::new(Classification::Unclassified)
        },
        rule: media_type.rule(),
        destroy_before_disposal: media_type.destroy_before_disposal(),
    }
}

/// The size of the waste particles left by destroying media (NZISM 13.5.25.C.01).
///
/// ```
/// use protective_marking::handling::ParticleSize;
/// assert_eq!(ParticleSize::from_mm(2.5), ParticleSize::AtMost3mm);
/// assert_eq!(ParticleSize::from_mm(6.0), ParticleSize::AtMost6mm);
/// assert_eq!(ParticleSize::from_mm(9.0), ParticleSize::Larger);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParticleSize {
    /// 3 mm or less.
    AtMost3mm,
    /// More than 3 mm and at most 6 mm.
    AtMost6mm,
    /// More than 6 mm (or unknown: NaN counts as larger).
    Larger,
}

impl ParticleSize {
    /// The band for a particle size in millimetres.
    pub fn from_mm(mm: f64) -> ParticleSize {
        if mm <= 3.0 {
            ParticleSize::AtMost3mm
        } else if mm <= 6.0 {
            ParticleSize::AtMost6mm
        } else {
            ParticleSize::Larger
        }
    }
}

/// How destruction waste is to be treated (NZISM 13.5.25.C.01, CID 4343); see
/// [`destruction_waste`].
///
/// ```
/// use protective_marking::{Classification, Marking, handling::{destruction_waste, ParticleSize}};
/// let w = destruction_waste(&Marking::new(Classification::Restricted), ParticleSize::AtMost6mm);
/// assert_eq!(w.treat_as, Classification::Unclassified);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WasteTreatment {
    /// The classification to treat the waste as.
    pub treat_as: Classification,
    /// The rule that lowers it, or `None` when no rule does (the waste keeps the media's
    /// classification).
    pub rule: Option<&'static str>,
}

/// How to treat waste particles of `size` from destroying media that held `marking`
/// (NZISM 13.5.25.C.01):
///
/// | media | ≤ 3 mm | ≤ 6 mm |
/// |---|---|---|
/// | SENSITIVE / RESTRICTED | UNCLASSIFIED | UNCLASSIFIED |
/// | CONFIDENTIAL, SECRET, TOP SECRET | UNCLASSIFIED | RESTRICTED |
///
/// UNCLASSIFIED and IN-CONFIDENCE media have no rule, and larger particles keep the media's
/// classification (Inference: the control names only these two bands).
///
/// ```
/// use protective_marking::{Classification, Marking, handling::{destruction_waste, ParticleSize}};
/// let s: Marking = "SECRET".parse().unwrap();
/// let w = destruction_waste(&s, ParticleSize::AtMost6mm);
/// assert_eq!(w.treat_as, Classification::Restricted);
/// assert_eq!(w.rule, Some("NZISM 13.5.25.C.01"));
/// assert_eq!(destruction_waste(&s, ParticleSize::Larger).treat_as, Classification::Secret);
/// ```
pub fn destruction_waste(marking: &Marking, size: ParticleSize) -> WasteTreatment {
    const RULE: Option<&str> = Some("NZISM 13.5.25.C.01");
    let own = WasteTreatment {
        treat_as: marking.classification(),
        rule: None,
    };
    let lowered = |treat_as| WasteTreatment {
        treat_as,
        rule: RULE,
    };
    match (marking.classification().handling_tier(), size) {
        (HandlingTier::Unclassified | HandlingTier::InConfidence, _)
        | (_, ParticleSize::Larger) => own,
        (_, ParticleSize::AtMost3mm) | (HandlingTier::SensitiveRestricted, _) => {
            lowered(Classification::Unclassified)
        }
        (_, ParticleSize::AtMost6mm) => lowered(Classification::Restricted),
    }
}
