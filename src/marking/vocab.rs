//! The marking vocabulary: every word sequence the grammar and the scanner recognise, and
//! what it means. No marking word appears as a literal anywhere else, so the grammar and the
//! scanner's search cannot disagree.
//!
//! Sources: PSR-OV (classifications, endorsements), PSR-CAB (SPECIAL HANDLING REQUIRED), the
//! Australian and UK schemes (foreign markings), and the legacy spellings and PSR typos that
//! real documents carry.

use super::classification::Classification;
use super::endorsement::Endorsement;
use super::foreign::ForeignLevel;
use std::sync::LazyLock;

/// What a phrase means to the grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    Class(Classification),
    Endorse(Endorsement),
    /// `USE ONLY`: the words before it name the department.
    UseOnly,
    /// `EMBARGOED FOR RELEASE`: the words after it give the time.
    Embargoed,
    /// `TO BE REVIEWED ON`: the words after it give the date.
    ReviewedOn,
    /// `REL TO` and its spellings: a country list follows.
    RelTo,
    /// A foreign (Australian or UK) classification word.
    Foreign(ForeignLevel),
    /// A foreign dissemination caveat (AUSTEO, AGAO).
    ForeignCaveat(&'static str),
}

/// How a phrase is written relative to the canonical form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Spelling {
    Canonical,
    /// Accepted variant (e.g. `NEW ZEALAND EYES ONLY` for `NZEO`).
    Variant,
    /// Legacy term or a known misspelling in a source; reported as `legacy`.
    Legacy,
}

pub(crate) struct Phrase {
    pub words: &'static [&'static str],
    pub keyword: Keyword,
    pub spelling: Spelling,
}

const fn p(words: &'static [&'static str], keyword: Keyword, spelling: Spelling) -> Phrase {
    Phrase {
        words,
        keyword,
        spelling,
    }
}

use Keyword::*;
use Spelling::*;

/// Every phrase, longest first within a shared first word, so the first match is the
/// longest (`TOP SECRET` before `SECRET`).
pub(crate) static PHRASES: &[Phrase] = &[
    // Classifications (PSR-OV; the spellings `IN CONFIDENCE` and `TOP-SECRET` are handled by
    // the separator rules, not listed separately).
    p(
        &["TOP", "SECRET"],
        Class(Classification::TopSecret),
        Canonical,
    ),
    p(
        &["IN", "CONFIDENCE"],
        Class(Classification::InConfidence),
        Canonical,
    ),
    p(
        &["UNCLASSIFIED"],
        Class(Classification::Unclassified),
        Canonical,
    ),
    // A pre-2018 AU dissemination limiting marker, before `SENSITIVE` so the longer phrase
    // wins; `SENSITIVE: BUDGET` and the other NZ endorsements after a colon stay NZ (an
    // endorsement written after its classification).
    p(
        &["SENSITIVE", "PERSONAL"],
        Foreign(ForeignLevel::AuSensitivePersonal),
        Variant,
    ),
    p(&["SENSITIVE"], Class(Classification::Sensitive), Canonical),
    p(
        &["RESTRICTED"],
        Class(Classification::Restricted),
        Canonical,
    ),
    p(
        &["CONFIDENTIAL"],
        Class(Classification::Confidential),
        Canonical,
    ),
    p(&["SECRET"], Class(Classification::Secret), Canonical),
    // Policy-and-privacy endorsements (PSR-OV 2022 list).
    p(
        &["APPOINTMENTS"],
        Endorse(Endorsement::Appointments),
        Canonical,
    ),
    p(&["BUDGET"], Endorse(Endorsement::Budget), Canonical),
    p(&["CABINET"], Endorse(Endorsement::Cabinet), Canonical),
    p(&["COMMERCIAL"], Endorse(Endorsement::Commercial), Canonical),
    p(&["EVALUATIVE"], Endorse(Endorsement::Evaluative), Canonical),
    // A third-party marking model's spelling; the PSR writes EVALUATIVE.
    p(&["EVALUATE"], Endorse(Endorsement::Evaluative), Legacy),
    p(&["HONOURS"], Endorse(Endorsement::Honours), Canonical),
    p(
        &["LEGAL", "PRIVILEGE"],
        Endorse(Endorsement::LegalPrivilege),
        Canonical,
    ),
    // The adjective form that agencies and ministers' offices write on papers
    // (`LEGALLY PRIVILEGED IN-CONFIDENCE`).
    p(
        &["LEGALLY", "PRIVILEGED"],
        Endorse(Endorsement::LegalPrivilege),
        Variant,
    ),
    p(&["MEDICAL"], Endorse(Endorsement::Medical), Canonical),
    p(&["STAFF"], Endorse(Endorsement::Staff), Canonical),
    p(&["POLICY"], Endorse(Endorsement::Policy), Canonical),
    p(
        &["SPECIAL", "HANDLING", "REQUIRED"],
        Endorse(Endorsement::SpecialHandlingRequired),
        Canonical,
    ),
    // The typo in the PSR-CAB bullet list.
    p(
        &["SPECIAL", "HANDING", "REQUIRED"],
        Endorse(Endorsement::SpecialHandlingRequired),
        Legacy,
    ),
    p(
        &["ADDRESSEE", "ONLY"],
        Endorse(Endorsement::AddresseeOnly),
        Legacy,
    ),
    p(&["USE", "ONLY"], UseOnly, Canonical),
    p(&["EMBARGOED", "FOR", "RELEASE"], Embargoed, Canonical),
    p(&["TO", "BE", "REVIEWED", "ON"], ReviewedOn, Canonical),
    // National-security endorsements (PSR-OV).
    p(
        &["ACCOUNTABLE", "MATERIAL"],
        Endorse(Endorsement::AccountableMaterial),
        Canonical,
    ),
    p(&["NZEO"], Endorse(Endorsement::Nzeo), Canonical),
    p(
        &["NEW", "ZEALAND", "EYES", "ONLY"],
        Endorse(Endorsement::Nzeo),
        Variant,
    ),
    p(&["ORCON"], Endorse(Endorsement::Orcon), Canonical),
    p(&["REL", "TO"], RelTo, Canonical),
    p(&["RELEASABLE", "TO"], RelTo, Variant),
    // The PSR-OV heading's spelling (its example writes RELEASABLE TO).
    p(&["RELEASEABLE", "TO"], RelTo, Legacy),
    // Foreign markings (Australian and UK schemes).
    p(
        &["UNOFFICIAL"],
        Foreign(ForeignLevel::AuUnofficial),
        Variant,
    ),
    p(
        &["OFFICIAL", "SENSITIVE"],
        Foreign(ForeignLevel::OfficialSensitive),
        Variant,
    ),
    p(&["OFFICIAL"], Foreign(ForeignLevel::Official), Variant),
    p(&["PROTECTED"], Foreign(ForeignLevel::AuProtected), Variant),
    p(&["AUSTEO"], ForeignCaveat("AUSTEO"), Variant),
    p(&["AGAO"], ForeignCaveat("AGAO"), Variant),
];

/// The classification that `words` (any case) spell as one whole phrase: `["top",
/// "secret"]` is TOP SECRET, `["secretary"]` nothing.
pub(crate) fn classification_of(words: &[&str]) -> Option<Classification> {
    PHRASES.iter().find_map(|p| match p.keyword {
        Keyword::Class(c)
            if p.words.len() == words.len()
                && p.words
                    .iter()
                    .zip(words)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b)) =>
        {
            Some(c)
        }
        _ => None,
    })
}

/// The canonical words of a plain endorsement, space-separated (`LEGAL PRIVILEGE`): its
/// canonical phrase, or its legacy one when it has no other (`ADDRESSEE ONLY`).
pub(crate) fn endorsement_words(endorsement: &Endorsement) -> Option<&'static str> {
    static WORDS: LazyLock<Vec<(Endorsement, Spelling, String)>> = LazyLock::new(|| {
        PHRASES
            .iter()
            .filter_map(|p| match &p.keyword {
                Keyword::Endorse(e) if p.spelling != Spelling::Variant => {
                    Some((e.clone(), p.spelling, p.words.join(" ")))
                }
                _ => None,
            })
            .collect()
    });
    let of = |spelling: Spelling| {
        WORDS
            .iter()
            .find(|(e, s, _)| e == endorsement && *s == spelling)
            .map(|(_, _, w)| w.as_str())
    };
    of(Spelling::Canonical).or_else(|| of(Spelling::Legacy))
}

/// The AU and UK level words a foreign carrier's `SEC=` value may hold that are spelt like
/// NZ ones: read from such a carrier they are foreign levels, mapped by the
/// agency's [`ForeignMapping`](super::ForeignMapping).
#[cfg(feature = "mail")]
pub(crate) static FOREIGN_CARRIER_LEVELS: &[(&[&str], ForeignLevel)] = &[
    (&["SECRET"], ForeignLevel::ForeignSecret),
    (&["TOP", "SECRET"], ForeignLevel::ForeignTopSecret),
];

/// The foreign level that `words` (any case) name in a foreign carrier, if any.
#[cfg(feature = "mail")]
pub(crate) fn foreign_carrier_level(words: &[&str]) -> Option<ForeignLevel> {
    FOREIGN_CARRIER_LEVELS.iter().find_map(|(w, level)| {
        (w.len() == words.len() && w.iter().zip(words).all(|(a, b)| a.eq_ignore_ascii_case(b)))
            .then_some(*level)
    })
}

/// The group name that expands to the five FVEY countries in a REL TO list.
pub(crate) const FVEY: &str = "FVEY";

/// Labels that introduce a marking in a field or a sentence (`Security Level: IN
/// CONFIDENCE`, `This document is classified as SECRET.`), lower case, longest first where
/// one ends another. Read by the scanner's statement and label rules; the
/// label must end where the marking's lead ends, so `declassified` is not `classified`.
pub(crate) static LABELS: &[&str] = &[
    "security classification",
    "classification",
    "classified",
    "security level",
    "protective marking",
    "security marking",
    "marking",
    "marked",
    "sensitivity label",
    "sensitivity",
];

/// Words a label may end with before the marking (`classified as`, `classification is`,
/// `marked at`).
pub(crate) static LABEL_FILLERS: &[&str] = &["as", "is", "at"];

/// Header names that, at the start of a line of a message body, quote a forwarded or
/// replied-to message's subject (`Subject: RE: roster [RESTRICTED]`): a bracketed marking
/// anywhere on such a line is that message's subject marking. A quoted thread's marking
/// counts: a reply is never marked lower than what it quotes (NZISM 15.1.10.C.03).
pub(crate) static QUOTED_SUBJECT: &[&str] = &["subject", "subj"];

/// How the stamps of [`RELEASE_STAMP`] begin, lower case: a line that begins so is a stamp
/// whatever follows (`Proactively released by the Minister of Finance`).
pub(crate) static RELEASE_STAMP_LEADS: &[&str] = &[
    "released under",
    "released by",
    "proactively released",
    "redacted for public release",
];

/// The words of the stamps and annotations an Official Information Act release lays over
/// its pages (`Released under the Official Information Act 1982`, `Proactively released`,
/// `Redacted for public release`), lower case. Text extraction puts them above the banner,
/// often a word a line; a line made only of these (or of withholding codes such as
/// `s9(2)(a)`) does not move the banner off the top of the page. They are never markings.
pub(crate) static RELEASE_STAMP: &[&str] = &[
    "released",
    "under",
    "the",
    "official",
    "information",
    "act",
    "1982",
    "oia",
    "proactively",
    "proactive",
    "release",
    "redacted",
    "withheld",
    "for",
    "public",
    "by",
];

/// Anchor words also searched written letter by letter, as US cables print their banners
/// (`S E C R E T`, `T O P  S E C R E T`, `C O N F I D E N T I A L`; `confidential` and
/// `confidence` share a pattern, so `I N  C O N F I D E N C E` is found too). Each costs the
/// plain-text search about half a per cent; the other levels are not written so.
pub(crate) static LETTER_SPACED: &[&str] = &["SECRET", "CONFIDENTIAL"];

/// Words of a page number before a banner (`Page 2 of 7 IN-CONFIDENCE`), lower case.
pub(crate) static PAGE_NUMBER_WORDS: &[&str] = &["page", "of"];

/// Small words inside names and titles (`Ministry of Health SECRET` on a page's bottom line:
/// a name, not a sentence), lower case.
pub(crate) static NAME_JOINERS: &[&str] = &["of", "and", "for", "the", "on"];
