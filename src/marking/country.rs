//! ISO 3166-1 alpha-3 country codes for REL TO, and the FVEY group.

use serde::{Deserialize, Deserializer};
use std::collections::BTreeSet;
use std::fmt;

/// Every officially assigned ISO 3166-1 alpha-3 code (249), sorted so that membership is a
/// binary search. REL TO lists must use these (PSR-OV).
const ISO_ALPHA3: [&str; 249] = [
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF",
    "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS",
    "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF",
    "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV",
    "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
    "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM",
    "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD",
    "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN",
    "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ",
    "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
    "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX",
    "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL",
    "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK",
    "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP",
    "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR",
    "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL",
    "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TWN", "TZA", "UGA", "UKR", "UMI", "URY",
    "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF",
    "ZMB", "ZWE",
];

/// A country as its ISO 3166-1 alpha-3 code (`NZL`, `AUS`...), validated on construction.
///
/// ```
/// use protective_marking::marking::Country;
/// let gbr = Country::new("gbr").unwrap();
/// assert_eq!(gbr.as_str(), "GBR");
/// assert!(Country::new("XYZ").is_none());
/// assert!(Country::NZL < gbr || Country::NZL > gbr); // ordered by code
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Country([u8; 3]);

impl Country {
    /// New Zealand, the originator listed first in every REL TO (PSR-OV).
    pub const NZL: Country = Country(*b"NZL");

    /// The FVEY group: AUS, CAN, GBR, NZL, USA. `FVEY` in a REL TO list stands for these five.
    pub const FVEY: [Country; 5] = [
        Country(*b"AUS"),
        Country(*b"CAN"),
        Country(*b"GBR"),
        Country(*b"NZL"),
        Country(*b"USA"),
    ];

    /// The country for an alpha-3 code in any case, or `None` if it is not an assigned
    /// ISO 3166-1 alpha-3 code.
    pub fn new(code: &str) -> Option<Country> {
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let upper = [
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ];
        let text = std::str::from_utf8(&upper).ok()?;
        ISO_ALPHA3.binary_search(&text).ok().map(|_| Country(upper))
    }

    /// The alpha-3 code.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored (checked in `new`).
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Every assigned code, sorted.
    pub fn all() -> impl Iterator<Item = Country> {
        ISO_ALPHA3.iter().filter_map(|c| Country::new(c))
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Country({})", self.as_str())
    }
}

crate::text::display_as!(Country, as_str);

crate::text::serialize_as_text!(Country);

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Country::new(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not an ISO 3166-1 alpha-3 country code"))
        })
    }
}

/// The countries a REL TO marking releases to. Always contains NZL (NZ information is
/// always releasable to New Zealand; PSR-OV lists the originator first).
///
/// Rendered canonically: NZL first, the rest alphabetical (PSR-OV); exactly the five
/// FVEY nations render as `NZL, FVEY`, the form PSR uses.
///
/// ```
/// use protective_marking::{marking::Country, marking::Releasability};
/// let r = Releasability::new([Country::new("GBR").unwrap(), Country::new("AUS").unwrap()]);
/// assert_eq!(r.to_string(), "NZL, AUS, GBR");
/// assert_eq!(Releasability::fvey().to_string(), "NZL, FVEY");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Releasability(BTreeSet<Country>);

impl Releasability {
    /// The set of `countries` plus NZL.
    pub fn new(countries: impl IntoIterator<Item = Country>) -> Releasability {
        let mut set: BTreeSet<Country> = countries.into_iter().collect();
        set.insert(Country::NZL);
        Releasability(set)
    }

    /// The FVEY group.
    pub fn fvey() -> Releasability {
        Releasability::new(Country::FVEY)
    }

    /// The countries, sorted by code (NZL included).
    pub fn countries(&self) -> impl Iterator<Item = Country> + '_ {
        self.0.iter().copied()
    }

    /// Whether information with this marking may go to a national of `country`.
    pub fn allows(&self, country: Country) -> bool {
        self.0.contains(&country)
    }

    /// Whether NZL is the only country (release to no other nation).
    pub fn is_nz_only(&self) -> bool {
        self.0.len() == 1
    }

    /// Countries in both sets (the join of two REL TO markings: combined
    /// information may go only where both parts may).
    pub fn intersection(&self, other: &Releasability) -> Releasability {
        Releasability::new(self.0.intersection(&other.0).copied())
    }

    /// Whether every country of `self` is in `other`.
    pub fn is_subset(&self, other: &Releasability) -> bool {
        self.0.is_subset(&other.0)
    }

    pub(crate) fn is_fvey(&self) -> bool {
        self.0.len() == 5 && Country::FVEY.iter().all(|c| self.0.contains(c))
    }
}

impl fmt::Display for Releasability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NZL")?;
        if self.is_fvey() {
            return f.write_str(", FVEY");
        }
        for c in self.0.iter().filter(|c| **c != Country::NZL) {
            write!(f, ", {c}")?;
        }
        Ok(())
    }
}
