//! The marking grammar: text -> [`Marking`], in strict and lenient modes.
//!
//! Lenient input (what people write in documents and mail) accepts any case; any run of
//! spaces, tabs, line breaks or hyphens between the words of a phrase (`In Confidence`,
//! `TOP-SECRET`); endorsements after the classification separated by `:`, `-`, `,` or a space
//! (`SENSITIVE: BUDGET`); national security blocks after `//`; and an agency caveat after
//! ` - `. Strict input is exactly the canonical text that [`Marking`]'s `Display` writes.

use super::Classification;
use super::Marking;
use super::collapse_spaces;
use super::diagnostic::{Diagnostic, DiagnosticCode as Code, ParseError};
use super::endorsement::Endorsement;
use super::foreign::{ForeignMapping, ForeignMarking};
use super::grammar::State;
use super::tokens::{match_phrase, tokenize};
use super::vocab::Keyword;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

/// How strictly to read a marking.
///
/// ```
/// use protective_marking::{marking::ParseMode, Parser};
///
/// let parser = Parser::new();
/// // Detection reads any readable form; validation wants the canonical text only.
/// assert!(parser.parse_with("Secret", ParseMode::Lenient).is_ok());
/// assert!(parser.parse_with("Secret", ParseMode::Strict).is_err());
/// assert!(parser.parse_with("SECRET", ParseMode::Strict).is_ok());
/// assert_eq!(ParseMode::default(), ParseMode::Lenient);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ParseMode {
    /// Only the canonical text: for validating what a person typed or a header value.
    Strict,
    /// Any readable form, with a `non-canonical-form` warning: for detection in documents
    /// and mail.
    #[default]
    Lenient,
}

/// A successfully parsed marking with the warnings found on the way.
///
/// ```
/// use protective_marking::{marking::DiagnosticCode, Marking};
/// let p = Marking::parse("RESTRICTED//REL TO GBR, NZL").unwrap();
/// assert_eq!(p.marking.to_string(), "RESTRICTED//REL TO NZL, GBR");
/// assert!(p.warnings.iter().any(|w| w.code == DiagnosticCode::RelToOrder));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Parsed {
    /// The marking (for a foreign marking, the NZ marking it maps to).
    pub marking: Marking,
    /// Warnings: non-canonical form, family mismatch, REL TO order, legacy words.
    pub warnings: Vec<Diagnostic>,
    /// Set when the text was a foreign government's marking (mapped by the parser's
    /// [`ForeignMapping`]).
    pub foreign: Option<ForeignMarking>,
}

/// Builds a [`Parser`] with agency configuration.
///
/// ```
/// use protective_marking::{Endorsement, Parser};
/// let parser = Parser::builder().codeword("KAHU").build();
/// let p = parser.parse("TOP SECRET//KAHU//ORCON/REL TO NZL, FVEY").unwrap();
/// assert!(p.marking.has(&Endorsement::Codeword("KAHU".into())));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ParserBuilder {
    codewords: BTreeSet<String>,
    foreign: ForeignMapping,
    pub(super) strict_families: bool,
}

impl ParserBuilder {
    /// Accept `word` as an agency codeword / compartment after `//` (an unknown word
    /// after `//` is reported, not guessed).
    pub fn codeword(&mut self, word: &str) -> &mut Self {
        self.codewords.insert(collapse_spaces(&word.to_uppercase()));
        self
    }

    /// Use `mapping` for foreign markings.
    pub fn foreign_mapping(&mut self, mapping: ForeignMapping) -> &mut Self {
        self.foreign = mapping;
        self
    }

    /// Make a family mismatch (a policy-and-privacy endorsement on a national-security
    /// classification or the reverse, or any endorsement on UNCLASSIFIED) an error instead
    /// of a warning. Sources disagree on whether families may mix, so the default only warns.
    pub fn strict_families(&mut self, yes: bool) -> &mut Self {
        self.strict_families = yes;
        self
    }

    /// The parser. The builder can be reused.
    pub fn build(&self) -> Parser {
        Parser {
            config: Arc::new(self.clone()),
        }
    }
}

/// Reads marking text. Build once and share: cloning is cheap and parsing takes `&self`.
///
/// ```
/// use protective_marking::{Classification, Parser};
/// let parser = Parser::new();
/// let p = parser.parse("In Confidence - Staff").unwrap();
/// assert_eq!(p.marking.to_string(), "STAFF IN-CONFIDENCE");
/// assert!(parser.parse_strict("STAFF IN-CONFIDENCE").is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct Parser {
    pub(super) config: Arc<ParserBuilder>,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

static DEFAULT_PARSER: LazyLock<Parser> = LazyLock::new(Parser::new);

impl Parser {
    /// A parser with no codewords, the default foreign mapping and family mismatches as
    /// warnings.
    pub fn new() -> Parser {
        ParserBuilder::default().build()
    }

    /// A builder for agency configuration.
    pub fn builder() -> ParserBuilder {
        ParserBuilder::default()
    }

    pub(crate) fn default_ref() -> &'static Parser {
        &DEFAULT_PARSER
    }

    /// The foreign mapping in use.
    pub fn foreign_mapping(&self) -> &ForeignMapping {
        &self.config.foreign
    }

    /// Whether `word` (any case) is a configured codeword.
    pub fn is_codeword(&self, word: &str) -> bool {
        self.config.codewords.contains(&word.to_uppercase())
    }

    /// Parse leniently.
    ///
    /// # Errors
    /// A [`ParseError`] with every error and its byte offset.
    pub fn parse(&self, text: &str) -> Result<Parsed, ParseError> {
        self.parse_with(text, ParseMode::Lenient)
    }

    /// Parse strictly: only the canonical text is valid.
    ///
    /// # Errors
    /// As [`Parser::parse`], plus `non-canonical` when the text is not canonical.
    pub fn parse_strict(&self, text: &str) -> Result<Parsed, ParseError> {
        self.parse_with(text, ParseMode::Strict)
    }

    /// Parse in `mode`.
    ///
    /// # Errors
    /// A [`ParseError`] with every error and its byte offset.
    pub fn parse_with(&self, text: &str, mode: ParseMode) -> Result<Parsed, ParseError> {
        let toks = tokenize(text);
        let mut st = State::new(self, text, &toks);
        st.run(0, false);
        let parsed = st.finish(mode)?;
        if mode == ParseMode::Lenient {
            self.check_round_trip(text, &parsed)?;
        }
        Ok(parsed)
    }

    /// The highest classification that any phrase of `text` names, whether or not `text` is a valid
    /// marking; foreign levels count as the NZ level they map to. `None` when no classification
    /// word is there.
    ///
    /// This is the floor of a marking that does not parse: `TOP SECRET//SI//NOFORN` names
    /// controls this parser does not know, `TOP SECRET RESTRICTED` two classifications, but
    /// both show TOP SECRET, and the information must be handled as at least that. The
    /// scanner and the gateway report such a marking at its floor *and* as
    /// `malformed-marking`, so an unknown control never hides the level.
    ///
    /// ```
    /// use protective_marking::{Classification, Parser};
    /// let parser = Parser::new();
    /// assert!(parser.parse("TOP SECRET//SI//NOFORN").is_err());
    /// assert_eq!(parser.floor("TOP SECRET//SI//NOFORN"), Some(Classification::TopSecret));
    /// assert_eq!(parser.floor("RESTRICTED or TOP SECRET"), Some(Classification::TopSecret));
    /// assert_eq!(parser.floor("PROTECTED"), Some(Classification::Restricted)); // AU, mapped
    /// assert_eq!(parser.floor("no marking here"), None);
    /// ```
    pub fn floor(&self, text: &str) -> Option<Classification> {
        let toks = tokenize(text);
        (0..toks.len())
            .filter_map(|i| match match_phrase(&toks, i)?.0.keyword {
                Keyword::Class(c) => Some(c),
                Keyword::Foreign(level) => Some(self.config.foreign.map(level)),
                _ => None,
            })
            .max()
    }

    /// The floor of `text` when it reads as a marking up to and including a classification
    /// and only breaks after it (`TOP SECRET//SI//NOFORN`, `TOP SECRET RESTRICTED`,
    /// `SECRET//UNKNOWNWORD`): its [`Parser::floor`]. `None` when it parses, names no
    /// classification, or breaks before its first one (`PRIVATE AND CONFIDENTIAL` is a
    /// phrase, not a broken marking).
    pub(crate) fn malformed_floor(&self, text: &str) -> Option<Classification> {
        let error = self.parse(text).err()?;
        let toks = tokenize(text);
        let first_class = (0..toks.len()).find_map(|i| match match_phrase(&toks, i) {
            Some((p, _)) if matches!(p.keyword, Keyword::Class(_) | Keyword::Foreign(_)) => {
                Some(toks[i].start)
            }
            _ => None,
        })?;
        let first_error = error.errors().iter().map(|d| d.offset).min()?;
        if first_error <= first_class {
            return None;
        }
        self.floor(text)
    }

    /// A lenient reading is only kept if its canonical text reads back, strictly, as the same
    /// marking. Text such as `SECRET - - ORCON` (a caveat that is an endorsement word once
    /// its stray hyphens go) would otherwise print as a marking that means something else.
    /// A security adviser would rather see it refused than silently re-interpreted.
    ///
    /// When `text` already is the canonical text (and not a foreign marking), the strict
    /// reading is this one: the tokens and the grammar's walk are the same, and strict mode
    /// differs only in refusing a non-canonical or foreign form. Most markings on real
    /// documents are written so, and are not read twice.
    fn check_round_trip(&self, text: &str, parsed: &Parsed) -> Result<(), ParseError> {
        let canonical = parsed.marking.to_string();
        if parsed.foreign.is_none() && text.trim() == canonical {
            return Ok(());
        }
        match self.parse_with(&canonical, ParseMode::Strict) {
            Ok(again) if again.marking == parsed.marking => Ok(()),
            _ => Err(ParseError::single(Diagnostic::error(
                Code::Malformed,
                0,
                format!(
                    "ambiguous: it reads as `{canonical}`, which means something else when read back; write the marking in its canonical form"
                ),
            ))),
        }
    }
}

/// Parse one endorsement on its own (for deserialising `Endorsement`).
pub(crate) fn endorsement_from_str(text: &str) -> Result<Endorsement, String> {
    let toks = tokenize(text);
    let mut st = State::new(Parser::default_ref(), text, &toks);
    st.run(0, true);
    // A lone unknown word is an agency codeword (they are an open set).
    if st.endorsements.is_empty() && st.pending.len() == 1 {
        let tok = &toks[st.pending[0]];
        return Ok(Endorsement::Codeword(tok.upper.clone()));
    }
    st.flush_pending();
    match (st.errors.is_empty(), st.endorsements.as_slice()) {
        (true, [(e, _)]) => Ok(e.clone()),
        _ => Err(format!("`{text}` is not one endorsement")),
    }
}

/// Whether `text` contains a classification phrase anywhere (any case or separator): used to
/// tell a malformed marking (`[SECRET SQUIRREL]`) from text that is no marking at all
/// (`[Shapelib]`).
#[cfg(feature = "mail")]
pub(crate) fn contains_classification(text: &str) -> bool {
    let toks = tokenize(text);
    (0..toks.len()).any(|i| {
        matches!(match_phrase(&toks, i), Some((p, _)) if matches!(p.keyword, Keyword::Class(_) | Keyword::Foreign(_)))
    })
}
