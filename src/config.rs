//! One agency configuration ([`AgencyConfig`]): what an agency adds to the shipped
//! vocabulary and defaults (its codewords, its mapping of foreign levels, its sensitivity
//! labels, its limits), read once and used by every reader: the [`Scanner`], the
//! [`MessageAnalyser`](crate::MessageAnalyser), the [`Inspector`](crate::Inspector) and the
//! [`Gateway`](crate::Gateway).
//!
//! In TOML it is an `[agency]` table, laid over the defaults (every key may be left out), in
//! its own file or beside a gateway's `[gateway]` table in the milter's policy file:
//!
//! ```toml
//! [agency]
//! codewords = ["KAHU"]
//! strict_families = false
//! scan_window = 262144
//! [agency.foreign_mapping]
//! au-protected = "CONFIDENTIAL"
//! [agency.msip_labels]
//! "f42aa342-8706-4288-bd11-ebb85995028c" = "IN-CONFIDENCE"
//! [agency.limits]
//! max_input_bytes = 33554432
//! ```

use crate::limits::Limits;
use crate::marking::{ForeignMapping, Marking, Parser};
use crate::scan::{BuildError, ProseFindings, Scanner};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An agency's configuration. See the [module docs](self).
///
/// ```
/// use protective_marking::{AgencyConfig, Classification, Endorsement};
///
/// let config = AgencyConfig::from_toml("[agency]\ncodewords = [\"KAHU\"]\n")?;
/// let scanner = config.scanner()?;
/// let r = scanner.scan("TOP SECRET//KAHU\n");
/// assert!(r.marking.unwrap().has(&Endorsement::Codeword("KAHU".into())));
/// // Everything left out keeps its default.
/// assert_eq!(config.limits, protective_marking::Limits::default());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgencyConfig {
    /// Agency codewords and compartments accepted after `//` (an unknown word there is
    /// reported as malformed, never guessed).
    pub codewords: Vec<String>,
    /// How foreign levels map to NZ classifications; the shipped default is the
    /// conservative one ([`ForeignMapping`]).
    pub foreign_mapping: ForeignMapping,
    /// Microsoft sensitivity labels: label GUID to marking.
    pub msip_labels: BTreeMap<String, Marking>,
    /// A policy-and-privacy endorsement on a national-security level, or the reverse, is
    /// an error rather than a warning (sources disagree on whether it is allowed).
    pub strict_families: bool,
    /// Which prose findings reports list (they never decide). Default: those in capitals.
    pub prose: ProseFindings,
    /// Bytes the scanner reads at a time from a stream: memory is about this plus 12 KiB.
    /// Default 256 KiB.
    pub scan_window: usize,
    /// Reader limits for untrusted input.
    pub limits: Limits,
}

impl Default for AgencyConfig {
    fn default() -> Self {
        AgencyConfig {
            codewords: Vec::new(),
            foreign_mapping: ForeignMapping::default(),
            msip_labels: BTreeMap::new(),
            strict_families: false,
            prose: ProseFindings::default(),
            scan_window: 256 * 1024,
            limits: Limits::default(),
        }
    }
}

/// Why a configuration could not be read.
///
/// ```
/// use protective_marking::AgencyConfig;
/// let err = AgencyConfig::from_toml("[agency]\ncodeword = [\"KAHU\"]\n").unwrap_err();
/// assert!(err.to_string().contains("codeword"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML does not parse, or a key is unknown or of the wrong type.
    #[error("invalid agency configuration: {0}; see the [agency] keys in the README")]
    Toml(String),
    /// A value is out of range.
    #[error("invalid agency configuration: {0}")]
    Invalid(String),
}

impl From<BuildError> for ConfigError {
    fn from(e: BuildError) -> ConfigError {
        ConfigError::Invalid(e.to_string())
    }
}

impl AgencyConfig {
    /// The `[agency]` table of a TOML file (other tables, such as a gateway's, are left for
    /// their readers); the defaults when there is none.
    ///
    /// # Errors
    /// [`ConfigError::Toml`] naming the key to fix.
    pub fn from_toml(text: &str) -> Result<AgencyConfig, ConfigError> {
        #[derive(Deserialize)]
        struct File {
            #[serde(default)]
            agency: Option<toml::Value>,
        }
        let file: File = toml::from_str(text).map_err(|e| ConfigError::Toml(e.to_string()))?;
        let config = match file.agency {
            Some(v) => v
                .try_into::<AgencyConfig>()
                .map_err(|e| ConfigError::Toml(e.to_string()))?,
            None => AgencyConfig::default(),
        };
        config.validate()?;
        Ok(config)
    }

    /// Check the values are usable.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] naming the value.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.scan_window == 0 {
            return Err(ConfigError::Invalid(
                "scan_window must be at least 1 byte (the default is 262144)".into(),
            ));
        }
        Ok(())
    }

    /// The parser: the agency's codewords, foreign mapping and family profile.
    pub fn parser(&self) -> Parser {
        let mut b = Parser::builder();
        for c in &self.codewords {
            b.codeword(c);
        }
        b.foreign_mapping(self.foreign_mapping.clone())
            .strict_families(self.strict_families);
        b.build()
    }

    /// The scanner.
    ///
    /// # Errors
    /// A [`ConfigError`] for an unusable scan window.
    pub fn scanner(&self) -> Result<Scanner, ConfigError> {
        Ok(Scanner::builder()
            .parser(self.parser())
            .prose(self.prose)
            .window_size(self.scan_window)
            .build()?)
    }

    /// The message analyser.
    ///
    /// # Errors
    /// As [`AgencyConfig::scanner`].
    #[cfg(feature = "mail")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mail")))]
    pub fn analyser(&self) -> Result<crate::MessageAnalyser, ConfigError> {
        Ok(crate::MessageAnalyser::with(
            self.scanner()?,
            self.limits.clone(),
            &self.msip_labels,
        ))
    }
}
