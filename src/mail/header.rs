//! Tokenisers for the marking-header dialects this crate reads. No NZ standard defines a
//! marking header, so these are the dialects in use: the Australian standard's, a free-text
//! one, and two labelling products'.
//!
//! Each function turns one header value (already unfolded) into plain fields. Nothing here knows
//! what a classification is: `SEC=IN-CONFIDENCE` and `SEC=BANANA` tokenise alike, and the marking
//! grammar decides later what the strings mean. Only the Australian-style `X-Protective-Marking`
//! grammar (Email Protective Marking Standard 2024) can be malformed in a way worth an error,
//! because a value that cannot be split reliably must not be half-read.
//!
//! ```
//! use protective_marking::mail::{internal::tokenise_header, HeaderDialect, internal::HeaderTokens};
//!
//! let tokens = tokenise_header(
//!     HeaderDialect::ProtectiveMarking,
//!     "VER=2024.1, NS=govt.nz, SEC=RESTRICTED, ORIGIN=a@agency.govt.nz",
//! )?;
//! let HeaderTokens::ProtectiveMarking(fields) = tokens else { unreachable!() };
//! assert_eq!(fields.sec.as_deref(), Some("RESTRICTED"));
//! assert_eq!(fields.namespace.as_deref(), Some("govt.nz"));
//! # Ok::<(), protective_marking::mail::internal::HeaderError>(())
//! ```

use serde::Serialize;
use thiserror::Error;

/// A header dialect that can carry a protective marking.
///
/// Headers of any other name are not marking carriers and are ignored, never an error.
///
/// ```
/// use protective_marking::mail::{internal::tokenise_header, HeaderDialect, internal::HeaderTokens};
///
/// let dialect = HeaderDialect::from_header_name("x-security-classification").unwrap();
/// assert_eq!(dialect, HeaderDialect::SecurityClassification);
/// // The dialect picks how the header's value is split.
/// let tokens = tokenise_header(dialect, " RESTRICTED ")?;
/// assert_eq!(tokens, HeaderTokens::SecurityClassification("RESTRICTED".into()));
/// # Ok::<(), protective_marking::mail::internal::HeaderError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HeaderDialect {
    /// `X-Protective-Marking`: the Australian Email Protective Marking Standard grammar
    /// (2024), used with `NS=gov.au` by Australian agencies and with `NS=govt.nz`
    /// as an NZ agency convention.
    ProtectiveMarking,
    /// `X-Security-Classification`: a free-text marking.
    SecurityClassification,
    /// `msip_labels`: Microsoft Purview (MIP) sensitivity labels, keyed by label GUID.
    MsipLabels,
    /// `x-tituslabs-classifications-30`: Titus classification properties.
    Titus,
}

impl HeaderDialect {
    /// Every dialect, in the order the crate reads them.
    pub const ALL: [HeaderDialect; 4] = [
        HeaderDialect::ProtectiveMarking,
        HeaderDialect::SecurityClassification,
        HeaderDialect::MsipLabels,
        HeaderDialect::Titus,
    ];

    /// The header field name as usually written.
    ///
    /// ```
    /// use protective_marking::mail::HeaderDialect;
    /// assert_eq!(HeaderDialect::MsipLabels.header_name(), "msip_labels");
    /// ```
    pub fn header_name(self) -> &'static str {
        match self {
            HeaderDialect::ProtectiveMarking => "X-Protective-Marking",
            HeaderDialect::SecurityClassification => "X-Security-Classification",
            HeaderDialect::MsipLabels => "msip_labels",
            HeaderDialect::Titus => "x-tituslabs-classifications-30",
        }
    }

    /// The dialect of a header field name (case-insensitive, as RFC 5322 field names are), or
    /// `None` for a header that carries no marking.
    ///
    /// ```
    /// use protective_marking::mail::HeaderDialect;
    /// assert_eq!(
    ///     HeaderDialect::from_header_name("x-protective-marking"),
    ///     Some(HeaderDialect::ProtectiveMarking)
    /// );
    /// assert_eq!(HeaderDialect::from_header_name("X-Mailer"), None);
    /// ```
    pub fn from_header_name(name: &str) -> Option<HeaderDialect> {
        let name = name.trim();
        HeaderDialect::ALL
            .into_iter()
            .find(|d| d.header_name().eq_ignore_ascii_case(name))
    }
}

/// The fields of an `X-Protective-Marking` value or of a `[SEC=...]` subject marking, split
/// but not interpreted (the Australian Email Protective Marking Standard's grammar).
///
/// Values are unescaped (`\,` becomes `,`, `\\` becomes `\`) and trimmed. Known keys are
/// matched without regard to case; keys this crate does not know (an NZ `ENDORSEMENT=`, the
/// 2012 `DLM=`) are kept in [`other`](Self::other) in the order written.
///
/// ```
/// use protective_marking::mail::internal::tokenise_protective_marking;
///
/// let f = tokenise_protective_marking(
///     "VER=2018.4, NS=gov.au, SEC=OFFICIAL:Sensitive, ACCESS=Legal-Privilege, DLM=x",
/// )?;
/// assert_eq!(f.version.as_deref(), Some("2018.4"));
/// assert_eq!(f.sec.as_deref(), Some("OFFICIAL:Sensitive"));
/// assert_eq!(f.access, ["Legal-Privilege"]);
/// // A key this crate does not know is kept, not dropped.
/// assert_eq!(f.other, [("DLM".to_string(), "x".to_string())]);
/// # Ok::<(), protective_marking::mail::internal::HeaderError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EpmsFields {
    /// `VER=`, e.g. `2024.1`.
    pub version: Option<String>,
    /// `NS=`, e.g. `gov.au` or `govt.nz`.
    pub namespace: Option<String>,
    /// `SEC=`, e.g. `OFFICIAL:Sensitive` or `IN-CONFIDENCE`.
    pub sec: Option<String>,
    /// Every `CAVEAT=`, in order.
    pub caveats: Vec<EpmsCaveat>,
    /// Every `ACCESS=` (information management marker), in order.
    pub access: Vec<String>,
    /// `EXPIRES=`, a date or an event.
    pub expires: Option<String>,
    /// `DOWNTO=`; may be empty, which the standard allows.
    pub downto: Option<String>,
    /// `NOTE=`.
    pub note: Option<String>,
    /// `ORIGIN=`, the author's address.
    pub origin: Option<String>,
    /// Any other `key=value` element, in order, key as written.
    pub other: Vec<(String, String)>,
}

/// One `CAVEAT=` element: `RI:REL/NZL/AUS` has type `RI` and value `REL/NZL/AUS`. The
/// pre-2012 form without a type (`CAVEAT=AUSTEO`) has no type.
///
/// ```
/// use protective_marking::mail::internal::tokenise_protective_marking;
///
/// let f = tokenise_protective_marking("SEC=SECRET, CAVEAT=RI:REL/NZL/AUS, CAVEAT=AUSTEO")?;
/// assert_eq!(f.caveats[0].caveat_type.as_deref(), Some("RI"));
/// assert_eq!(f.caveats[0].value, "REL/NZL/AUS");
/// // The pre-2012 form has no type.
/// assert_eq!(f.caveats[1].caveat_type, None);
/// assert_eq!(f.caveats[1].value, "AUSTEO");
/// # Ok::<(), protective_marking::mail::internal::HeaderError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EpmsCaveat {
    /// The caveat type before the first `:` (`C`, `FG`, `RI`, `SH`...), if written.
    pub caveat_type: Option<String>,
    /// The caveat value.
    pub value: String,
}

/// A Microsoft sensitivity label read from `msip_labels`, grouped by label GUID.
///
/// ```
/// use protective_marking::mail::internal::tokenise_msip_labels;
///
/// let labels = tokenise_msip_labels(
///     "MSIP_Label_0f1e2d3c-0000-4000-8000-00000000abcd_Enabled=true; \
///      MSIP_Label_0f1e2d3c-0000-4000-8000-00000000abcd_Name=Restricted;",
/// );
/// // Properties are grouped by GUID: the GUID is what an agency maps to a marking.
/// assert_eq!(labels[0].guid, "0f1e2d3c-0000-4000-8000-00000000abcd");
/// assert_eq!(labels[0].name.as_deref(), Some("Restricted"));
/// assert_eq!(labels[0].enabled, Some(true));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MsipLabel {
    /// The label GUID, as written (agency configuration maps it to a marking).
    pub guid: String,
    /// `_Name=`: the label's display name.
    pub name: Option<String>,
    /// `_Enabled=`: `true`/`false`; `None` if absent or not a boolean.
    pub enabled: Option<bool>,
    /// `_SiteId=`: the tenant id.
    pub site_id: Option<String>,
    /// `_SetDate=`.
    pub set_date: Option<String>,
    /// `_Method=` (`Standard`, `Privileged`...).
    pub method: Option<String>,
    /// Any other property (`ActionId`, `ContentBits`...), in order.
    pub other: Vec<(String, String)>,
}

/// Titus `key=value;` properties, in order, e.g. `TLPropertyRoot` and `Classification`.
///
/// ```
/// use protective_marking::mail::internal::tokenise_titus;
///
/// let t = tokenise_titus("TLPropertyRoot=Agency;Classification=RESTRICTED;");
/// assert_eq!(t.pairs[0], ("TLPropertyRoot".to_string(), "Agency".to_string()));
/// assert_eq!(t.get("Classification"), Some("RESTRICTED"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TitusFields {
    /// Every `key=value` pair as written (trimmed).
    pub pairs: Vec<(String, String)>,
}

impl TitusFields {
    /// The first value of `key` (case-insensitive).
    ///
    /// ```
    /// use protective_marking::mail::internal::tokenise_titus;
    /// let t = tokenise_titus("TLPropertyRoot=Agency;Classification=IN-CONFIDENCE;");
    /// assert_eq!(t.get("classification"), Some("IN-CONFIDENCE"));
    /// ```
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// A tokenised marking header, one variant per [`HeaderDialect`].
///
/// ```
/// use protective_marking::mail::{internal::tokenise_header, HeaderDialect, internal::HeaderTokens};
///
/// let tokens = tokenise_header(HeaderDialect::Titus, "Classification=RESTRICTED;")?;
/// // One variant per dialect: match to reach that dialect's fields.
/// let HeaderTokens::Titus(fields) = tokens else { panic!("not Titus") };
/// assert_eq!(fields.get("classification"), Some("RESTRICTED"));
/// # Ok::<(), protective_marking::mail::internal::HeaderError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "dialect", content = "fields")]
#[non_exhaustive]
pub enum HeaderTokens {
    /// `X-Protective-Marking`.
    ProtectiveMarking(Box<EpmsFields>),
    /// `X-Security-Classification`: the trimmed value.
    SecurityClassification(String),
    /// `msip_labels`: one entry per label GUID, in first-seen order.
    MsipLabels(Vec<MsipLabel>),
    /// `x-tituslabs-classifications-30`.
    Titus(TitusFields),
}

/// An `X-Protective-Marking` value (or `[SEC=...]` subject segment) that cannot be split
/// reliably. `offset` is a byte offset into the value that was passed in.
///
/// A gateway treats a malformed marking header as "cannot determine marking" and never
/// accepts on it; the sender's marking tool is at fault and the message should be re-marked.
///
/// ```
/// use protective_marking::mail::{internal::tokenise_protective_marking, internal::HeaderError};
///
/// // Two SEC= values make the marking ambiguous, so the value is refused, not half-read.
/// let err = tokenise_protective_marking("SEC=SECRET, SEC=RESTRICTED").unwrap_err();
/// assert_eq!(err, HeaderError::Duplicate { offset: 12, key: "SEC".into() });
/// assert_eq!(err.to_string(), "byte 12: SEC= appears more than once");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize)]
#[non_exhaustive]
pub enum HeaderError {
    /// An element has no `=`; every element is `KEY=value`. Escape a literal comma as `\,`.
    #[error(
        "byte {offset}: element {element:?} has no '='; write KEY=value and escape ',' as '\\,'"
    )]
    MissingEquals {
        /// Start of the element.
        offset: usize,
        /// The element as written.
        element: String,
    },
    /// An element starts with `=`.
    #[error("byte {offset}: element has an empty key")]
    EmptyKey {
        /// Start of the element.
        offset: usize,
    },
    /// A key that needs a value has none (`SEC=`).
    #[error("byte {offset}: {key}= has an empty value")]
    EmptyValue {
        /// Start of the element.
        offset: usize,
        /// The key as written.
        key: String,
    },
    /// A key that may appear once appears again (two `SEC=` make the marking ambiguous).
    #[error("byte {offset}: {key}= appears more than once")]
    Duplicate {
        /// Start of the second element.
        offset: usize,
        /// The key as written.
        key: String,
    },
    /// The value ends in a lone `\`.
    #[error("byte {offset}: the value ends in an unfinished '\\' escape")]
    DanglingEscape {
        /// Offset of the `\`.
        offset: usize,
    },
    /// Two commas with nothing between them, or a trailing comma.
    #[error("byte {offset}: empty element")]
    EmptyElement {
        /// Offset where the empty element starts.
        offset: usize,
    },
}

/// Tokenises any marking header by dialect.
///
/// # Errors
/// Only [`HeaderDialect::ProtectiveMarking`] can fail; see [`tokenise_protective_marking`].
///
/// # Example
/// ```
/// use protective_marking::mail::{internal::tokenise_header, HeaderDialect, internal::HeaderTokens};
/// let t = tokenise_header(HeaderDialect::SecurityClassification, "  IN-CONFIDENCE ")?;
/// assert_eq!(t, HeaderTokens::SecurityClassification("IN-CONFIDENCE".into()));
/// # Ok::<(), protective_marking::mail::internal::HeaderError>(())
/// ```
pub fn tokenise_header(dialect: HeaderDialect, value: &str) -> Result<HeaderTokens, HeaderError> {
    Ok(match dialect {
        HeaderDialect::ProtectiveMarking => {
            HeaderTokens::ProtectiveMarking(Box::new(tokenise_protective_marking(value)?))
        }
        HeaderDialect::SecurityClassification => {
            HeaderTokens::SecurityClassification(value.trim().to_string())
        }
        HeaderDialect::MsipLabels => HeaderTokens::MsipLabels(tokenise_msip_labels(value)),
        HeaderDialect::Titus => HeaderTokens::Titus(tokenise_titus(value)),
    })
}

/// Splits an `X-Protective-Marking` value (long form) or the inside of a `[SEC=...]` subject
/// segment (medium form) into fields (the Australian standard's ABNF;
/// NZ values allowed, as an NZ agency convention).
///
/// Elements are separated by unescaped commas and may be surrounded by folding white space.
/// Element order is not checked, and known keys match without regard to case: the tokeniser is
/// lenient, the grammar that reads [`EpmsFields`] decides what is acceptable.
///
/// # Errors
/// [`HeaderError`] when an element has no `=`, an empty key, an empty value (except `DOWNTO=`
/// and `NOTE=`), a repeated single-valued key (`VER NS SEC EXPIRES DOWNTO NOTE ORIGIN`), an
/// empty element, or a trailing `\`.
///
/// # Example
/// ```
/// use protective_marking::mail::internal::tokenise_protective_marking;
/// let f = tokenise_protective_marking(
///     r"SEC=SECRET, CAVEAT=SH:ACCOUNTABLE-MATERIAL, CAVEAT=RI:REL/NZL/AUS, NOTE=a\, b",
/// )?;
/// assert_eq!(f.sec.as_deref(), Some("SECRET"));
/// assert_eq!(f.caveats[1].caveat_type.as_deref(), Some("RI"));
/// assert_eq!(f.caveats[1].value, "REL/NZL/AUS");
/// assert_eq!(f.note.as_deref(), Some("a, b"));
/// assert!(tokenise_protective_marking("SEC=SECRET, SECRET").is_err());
/// # Ok::<(), protective_marking::mail::internal::HeaderError>(())
/// ```
pub fn tokenise_protective_marking(value: &str) -> Result<EpmsFields, HeaderError> {
    let mut fields = EpmsFields::default();
    if value.trim().is_empty() {
        return Ok(fields);
    }
    for element in split_escaped(value, b',')? {
        let (offset, raw) = element;
        let trimmed_start = raw.len() - raw.trim_start().len();
        let offset = offset + trimmed_start;
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(HeaderError::EmptyElement { offset });
        }
        let Some(eq) = raw.find('=') else {
            return Err(HeaderError::MissingEquals {
                offset,
                element: unescape(raw),
            });
        };
        let key = raw.get(..eq).unwrap_or_default().trim();
        let val = unescape(raw.get(eq + 1..).unwrap_or_default().trim());
        if key.is_empty() {
            return Err(HeaderError::EmptyKey { offset });
        }
        let upper = key.to_ascii_uppercase();
        let may_be_empty = matches!(upper.as_str(), "DOWNTO" | "NOTE");
        if val.is_empty() && !may_be_empty {
            return Err(HeaderError::EmptyValue {
                offset,
                key: key.to_string(),
            });
        }
        let single = match upper.as_str() {
            "VER" => Some(&mut fields.version),
            "NS" => Some(&mut fields.namespace),
            "SEC" => Some(&mut fields.sec),
            "EXPIRES" => Some(&mut fields.expires),
            "DOWNTO" => Some(&mut fields.downto),
            "NOTE" => Some(&mut fields.note),
            "ORIGIN" => Some(&mut fields.origin),
            _ => None,
        };
        if let Some(slot) = single {
            if slot.is_some() {
                return Err(HeaderError::Duplicate {
                    offset,
                    key: key.to_string(),
                });
            }
            *slot = Some(val);
            continue;
        }
        match upper.as_str() {
            "CAVEAT" => fields.caveats.push(match val.split_once(':') {
                Some((t, v)) => EpmsCaveat {
                    caveat_type: Some(t.trim().to_string()),
                    value: v.trim().to_string(),
                },
                None => EpmsCaveat {
                    caveat_type: None,
                    value: val,
                },
            }),
            "ACCESS" => fields.access.push(val),
            _ => fields.other.push((key.to_string(), val)),
        }
    }
    Ok(fields)
}

/// Splits on unescaped `sep`, returning (byte offset, raw element) pairs. Escapes stay in the
/// raw element so offsets stay true; [`unescape`] removes them.
fn split_escaped(value: &str, sep: u8) -> Result<Vec<(usize, &str)>, HeaderError> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' {
            // Skip the escaped character (whole UTF-8 sequence, so slicing stays on a boundary).
            let next = value.get(i + 1..).and_then(|rest| rest.chars().next());
            match next {
                Some(c) => i += 1 + c.len_utf8(),
                None => return Err(HeaderError::DanglingEscape { offset: i }),
            }
            continue;
        }
        if b == sep {
            out.push((start, value.get(start..i).unwrap_or_default()));
            start = i + 1;
        }
        i += 1;
    }
    out.push((start, value.get(start..).unwrap_or_default()));
    Ok(out)
}

/// `\x` -> `x` for any character `x` (the standard defines `\,` and `\\`; others are read
/// leniently as the character itself).
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Groups a Microsoft `msip_labels` value by label GUID.
///
/// The value is a `;`-separated list of `MSIP_Label_<guid>_<Property>=<value>`. Elements
/// that do not have that shape are skipped: this dialect has no error, an unreadable label
/// simply yields nothing (and the caller falls back to other carriers).
///
/// # Example
/// ```
/// use protective_marking::mail::internal::tokenise_msip_labels;
/// let labels = tokenise_msip_labels(
///     "MSIP_Label_0f1e2d3c-0000-4000-8000-00000000abcd_Enabled=true; \
///      MSIP_Label_0f1e2d3c-0000-4000-8000-00000000abcd_Name=In Confidence; \
///      MSIP_Label_0f1e2d3c-0000-4000-8000-00000000abcd_SiteId=11111111-2222-3333-4444-555555555555;",
/// );
/// assert_eq!(labels.len(), 1);
/// assert_eq!(labels[0].name.as_deref(), Some("In Confidence"));
/// assert_eq!(labels[0].enabled, Some(true));
/// ```
pub fn tokenise_msip_labels(value: &str) -> Vec<MsipLabel> {
    const PREFIX: &str = "MSIP_Label_";
    let mut labels: Vec<MsipLabel> = Vec::new();
    for element in value.split(';') {
        let element = element.trim();
        let Some((key, val)) = element.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let val = val.trim().to_string();
        let Some(rest) = key
            .get(..PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(PREFIX))
            .and_then(|_| key.get(PREFIX.len()..))
        else {
            continue;
        };
        // GUIDs use '-', never '_', so the first '_' ends the GUID.
        let Some((guid, prop)) = rest.split_once('_') else {
            continue;
        };
        if guid.is_empty() || prop.is_empty() {
            continue;
        }
        let index = match labels
            .iter()
            .position(|l| l.guid.eq_ignore_ascii_case(guid))
        {
            Some(i) => i,
            None => {
                labels.push(MsipLabel {
                    guid: guid.to_string(),
                    ..MsipLabel::default()
                });
                labels.len() - 1
            }
        };
        let Some(label) = labels.get_mut(index) else {
            continue;
        };
        match prop.to_ascii_lowercase().as_str() {
            "name" => label.name = Some(val),
            "enabled" => {
                label.enabled = match val.to_ascii_lowercase().as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                }
            }
            "siteid" => label.site_id = Some(val),
            "setdate" => label.set_date = Some(val),
            "method" => label.method = Some(val),
            _ => label.other.push((prop.to_string(), val)),
        }
    }
    labels
}

/// Splits a Titus `x-tituslabs-classifications-30` value into `key=value` pairs separated by
/// `;`. Elements without `=` are skipped; this dialect has no error.
///
/// # Example
/// ```
/// use protective_marking::mail::internal::tokenise_titus;
/// let t = tokenise_titus("TLPropertyRoot=Agency;Classification=IN-CONFIDENCE;");
/// assert_eq!(t.pairs.len(), 2);
/// assert_eq!(t.get("TLPropertyRoot"), Some("Agency"));
/// ```
pub fn tokenise_titus(value: &str) -> TitusFields {
    let pairs = value
        .split(';')
        .filter_map(|e| e.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    TitusFields { pairs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn au_long_form() {
        let f = tokenise_protective_marking(
            "VER=2024.1, NS=gov.au, SEC=OFFICIAL:Sensitive, CAVEAT=RI:REL/NZL/AUS, \
             CAVEAT=SH:CABINET, ACCESS=Legal-Privilege, EXPIRES=2026-01-01, DOWNTO=OFFICIAL, \
             NOTE=see \\\\ here\\, ok, ORIGIN=a@b",
        )
        .unwrap();
        assert_eq!(f.version.as_deref(), Some("2024.1"));
        assert_eq!(f.namespace.as_deref(), Some("gov.au"));
        assert_eq!(f.sec.as_deref(), Some("OFFICIAL:Sensitive"));
        assert_eq!(f.caveats.len(), 2);
        assert_eq!(f.access, vec!["Legal-Privilege"]);
        assert_eq!(f.expires.as_deref(), Some("2026-01-01"));
        assert_eq!(f.downto.as_deref(), Some("OFFICIAL"));
        assert_eq!(f.note.as_deref(), Some("see \\ here, ok"));
        assert_eq!(f.origin.as_deref(), Some("a@b"));
    }

    #[test]
    fn nz_and_unknown_keys() {
        let f = tokenise_protective_marking(
            "VER=2024.1, NS=govt.nz, SEC=IN-CONFIDENCE, ENDORSEMENT=BUDGET, ORIGIN=x@y.govt.nz",
        )
        .unwrap();
        assert_eq!(f.other, vec![("ENDORSEMENT".into(), "BUDGET".into())]);
    }

    #[test]
    fn folded_whitespace_and_empty_downto() {
        let f = tokenise_protective_marking("SEC=PROTECTED,\r\n EXPIRES=x,  DOWNTO=").unwrap();
        assert_eq!(f.downto.as_deref(), Some(""));
    }

    #[test]
    fn errors_have_offsets() {
        assert_eq!(
            tokenise_protective_marking("SEC=A, B"),
            Err(HeaderError::MissingEquals {
                offset: 7,
                element: "B".into()
            })
        );
        assert_eq!(
            tokenise_protective_marking("SEC=A, SEC=B"),
            Err(HeaderError::Duplicate {
                offset: 7,
                key: "SEC".into()
            })
        );
        assert_eq!(
            tokenise_protective_marking("SEC=A\\"),
            Err(HeaderError::DanglingEscape { offset: 5 })
        );
        assert_eq!(
            tokenise_protective_marking("SEC="),
            Err(HeaderError::EmptyValue {
                offset: 0,
                key: "SEC".into()
            })
        );
        assert_eq!(
            tokenise_protective_marking("SEC=A,,"),
            Err(HeaderError::EmptyElement { offset: 6 })
        );
        assert_eq!(
            tokenise_protective_marking("=A"),
            Err(HeaderError::EmptyKey { offset: 0 })
        );
    }

    #[test]
    fn escape_before_multibyte() {
        let f = tokenise_protective_marking("NOTE=\\é, SEC=X").unwrap();
        assert_eq!(f.note.as_deref(), Some("é"));
    }

    #[test]
    fn msip_groups() {
        let l = tokenise_msip_labels(
            "MSIP_Label_a-1_Enabled=True; MSIP_Label_b-2_Name=Secret; MSIP_Label_a-1_Name=IC; \
             MSIP_Label_a-1_ActionId=z; junk; MSIP_Label_=x",
        );
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].guid, "a-1");
        assert_eq!(l[0].enabled, Some(true));
        assert_eq!(l[0].name.as_deref(), Some("IC"));
        assert_eq!(l[0].other, vec![("ActionId".into(), "z".into())]);
        assert_eq!(l[1].name.as_deref(), Some("Secret"));
    }

    #[test]
    fn dialect_names() {
        for d in HeaderDialect::ALL {
            assert_eq!(HeaderDialect::from_header_name(d.header_name()), Some(d));
        }
        assert_eq!(
            HeaderDialect::from_header_name("X-TitusLabs-Classifications-30"),
            Some(HeaderDialect::Titus)
        );
    }
}
