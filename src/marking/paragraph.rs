//! Paragraph (portion) markings (PSR-HB p.14) and SEEMail tags (PSR-HB p.16).

use super::classification::Classification;
use serde::{Deserialize, Serialize};

/// A paragraph marking such as `(IC)` at the start of a paragraph (PSR-HB p.14).
///
/// Only the forms in the PSR table are read: `(U) (IC) (Sen) (R) (C) (S) (TS)`, with
/// `(SEN)` also accepted. Single letters must be capitals, so list items such as `(c)` and
/// `(s)` are not markings.
///
/// ```
/// use protective_marking::{Classification, marking::ParagraphMark};
/// assert_eq!(ParagraphMark::at_start("(IC) The minister..."),
///            Some((Classification::InConfidence, 4)));
/// assert_eq!(ParagraphMark::at_start("(c) the third item"), None);
/// // Te reo Māori right after the mark.
/// assert_eq!(ParagraphMark::at_start("(TS) Ōtautahi site list."),
///            Some((Classification::TopSecret, 4)));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ParagraphMark;

impl ParagraphMark {
    /// The classification of a paragraph mark that starts `line` (after leading
    /// whitespace), and the byte length up to the end of the mark.
    pub fn at_start(line: &str) -> Option<(Classification, usize)> {
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        // The longest mark, `(Sen)`, is five bytes; look no further, by bytes, so that a
        // letter such as `Ō` right after the mark (`(TS) Ōtautahi`) cannot hide it.
        let close = trimmed.bytes().take(6).position(|b| b == b')')?;
        let mark = &trimmed[..=close];
        let c = ParagraphMark::parse(mark)?;
        // The mark must stand alone: followed by whitespace or the end of the line.
        let rest = &trimmed[close + 1..];
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            return None;
        }
        Some((c, lead + close + 1))
    }

    /// The classification of exactly one paragraph mark, e.g. `"(TS)"`.
    pub fn parse(mark: &str) -> Option<Classification> {
        Some(match mark {
            "(U)" => Classification::Unclassified,
            "(IC)" => Classification::InConfidence,
            "(Sen)" | "(SEN)" => Classification::Sensitive,
            "(R)" => Classification::Restricted,
            "(C)" => Classification::Confidential,
            "(S)" => Classification::Secret,
            "(TS)" => Classification::TopSecret,
            _ => return None,
        })
    }
}

/// A SEEMail routing tag (PSR-HB p.16): not a marking, but it limits where mail may go.
///
/// ```
/// use protective_marking::marking::SeeMailTag;
/// assert_eq!(SeeMailTag::parse("[SEEMAIL]"), Some(SeeMailTag::SeeMail));
/// assert_eq!(SeeMailTag::parse("[trusted]"), Some(SeeMailTag::Trusted));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SeeMailTag {
    /// `[SEEMAIL]`: only to participating SEEMail agencies.
    SeeMail,
    /// `[TRUSTED]`: to SEEMail agencies and trusted partners.
    Trusted,
}

impl SeeMailTag {
    /// The tag in `text` (a bracketed token, any case), if it is one.
    pub fn parse(text: &str) -> Option<SeeMailTag> {
        let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
        if inner.eq_ignore_ascii_case("SEEMAIL") {
            Some(SeeMailTag::SeeMail)
        } else if inner.eq_ignore_ascii_case("TRUSTED") {
            Some(SeeMailTag::Trusted)
        } else {
            None
        }
    }
}
