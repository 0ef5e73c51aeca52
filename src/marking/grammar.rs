//! The marking grammar (PSR-OV, PSR-HB p.12-14): a single pass over the
//! tokens that collects the classification, endorsements, REL TO countries and an agency
//! caveat, then checks the combination and, in strict mode, the canonical form.

use super::classification::Classification;
use super::country::{Country, Releasability};
use super::diagnostic::{Diagnostic, DiagnosticCode as Code, ParseError, Severity};
use super::endorsement::{Endorsement, EndorsementBlock};
use super::foreign::{ForeignLevel, ForeignMarking};
use super::parse::{ParseMode, Parsed, Parser};
use super::tokens::{Kind, Tok, match_phrase};
use super::vocab::{FVEY, Keyword, Spelling};
use super::{Marking, caveat_parts, collapse_spaces};

pub(super) struct State<'p, 't> {
    parser: &'p Parser,
    text: &'t str,
    toks: &'t [Tok],
    class: Option<(Classification, usize)>,
    pub(super) endorsements: Vec<(Endorsement, usize)>,
    caveats: Vec<String>,
    foreign: Option<ForeignMarking>,
    /// Token indices of words not yet explained (a department name before `USE ONLY`).
    pub(super) pending: Vec<usize>,
    /// How many `//` seen.
    ns_blocks: usize,
    pub(super) errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl<'p, 't> State<'p, 't> {
    pub(super) fn new(parser: &'p Parser, text: &'t str, toks: &'t [Tok]) -> Self {
        State {
            parser,
            text,
            toks,
            class: None,
            endorsements: Vec::new(),
            caveats: Vec::new(),
            foreign: None,
            pending: Vec::new(),
            ns_blocks: 0,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn error(&mut self, code: Code, offset: usize, msg: String) {
        self.errors.push(Diagnostic::error(code, offset, msg));
    }

    fn warn(&mut self, code: Code, offset: usize, msg: String) {
        self.warnings.push(Diagnostic::warning(code, offset, msg));
    }

    /// Reads tokens from `i`. In `tail` mode (after a ` - ` that follows the classification)
    /// it stops at the first hyphen and reports a classification as an error, so the caller
    /// can decide between endorsements and a free-text caveat. Returns where it stopped.
    pub(super) fn run(&mut self, mut i: usize, tail: bool) -> usize {
        while let Some(tok) = self.toks.get(i) {
            match tok.kind {
                Kind::Word => i = self.word(i, tail),
                Kind::DoubleSlash => {
                    self.flush_pending();
                    self.ns_blocks += 1;
                    if self.ns_blocks > 2 {
                        self.error(
                            Code::Malformed,
                            tok.start,
                            "a marking has at most two `//` blocks: controls, then dissemination"
                                .into(),
                        );
                    }
                    let next = self.toks.get(i + 1).map(|t| t.kind);
                    if matches!(next, None | Some(Kind::DoubleSlash) | Some(Kind::Slash)) {
                        self.error(
                            Code::Malformed,
                            tok.start,
                            "empty `//` block; remove the `//` or name a control after it".into(),
                        );
                    }
                    i += 1;
                }
                Kind::Slash | Kind::Comma | Kind::Colon => {
                    self.flush_pending();
                    i += 1;
                }
                Kind::Hyphen => {
                    if tail {
                        return i;
                    }
                    if self.class.is_some() {
                        self.flush_pending();
                        self.caveat_or_tail(i + 1);
                        return self.toks.len();
                    }
                    i += 1;
                }
                Kind::Other => {
                    let c = self.text[tok.start..tok.end].to_string();
                    self.error(
                        Code::UnknownWord,
                        tok.start,
                        format!("unexpected `{c}` in a marking"),
                    );
                    i += 1;
                }
            }
        }
        i
    }

    fn word(&mut self, i: usize, tail: bool) -> usize {
        let tok = &self.toks[i];
        let Some((phrase, next)) = match_phrase(self.toks, i) else {
            if self.parser.is_codeword(&tok.upper) {
                self.flush_pending();
                self.endorsements
                    .push((Endorsement::Codeword(tok.upper.clone()), tok.start));
            } else {
                self.pending.push(i);
            }
            return i + 1;
        };
        let start = tok.start;
        if phrase.spelling == Spelling::Legacy {
            let written = self.text[start..self.toks[next - 1].end].to_string();
            self.warn(
                Code::Legacy,
                start,
                format!("`{written}` is a legacy or misspelt form; see the 2022 PSR list"),
            );
        }
        match &phrase.keyword {
            Keyword::Class(c) => {
                self.flush_pending();
                self.set_class(*c, start, tail);
            }
            Keyword::Foreign(level) => {
                self.flush_pending();
                let c = self.parser.foreign_mapping().map(*level);
                self.foreign = Some(ForeignMarking {
                    level: *level,
                    caveats: Vec::new(),
                });
                self.warn(
                    Code::Foreign,
                    start,
                    format!(
                        "`{}` is a foreign government marking, handled as {} under the agency's mapping",
                        level.as_str(),
                        c
                    ),
                );
                self.set_class(c, start, tail);
            }
            Keyword::ForeignCaveat(word) => {
                self.flush_pending();
                let f = self.foreign.get_or_insert(ForeignMarking {
                    level: ForeignLevel::Official,
                    caveats: Vec::new(),
                });
                f.caveats.push((*word).to_string());
                self.warn(
                    Code::Foreign,
                    start,
                    format!("`{word}` is a foreign dissemination limit: not releasable beyond the originating nation"),
                );
            }
            Keyword::Endorse(e) => {
                self.flush_pending();
                self.endorsements.push((e.clone(), start));
            }
            Keyword::UseOnly => {
                if self.pending.is_empty() {
                    self.error(
                        Code::MissingParameter,
                        start,
                        "`USE ONLY` needs the department before it, e.g. `MFAT USE ONLY`".into(),
                    );
                } else {
                    let first = self.toks[self.pending[0]].start;
                    let dept = collapse_spaces(&self.text[first..start].to_uppercase());
                    self.pending.clear();
                    self.endorsements
                        .push((Endorsement::DepartmentUseOnly(dept), first));
                }
            }
            Keyword::Embargoed | Keyword::ReviewedOn => {
                self.flush_pending();
                let (value, after) = self.value_after(next);
                let name = if phrase.keyword == Keyword::Embargoed {
                    "EMBARGOED FOR RELEASE"
                } else {
                    "TO BE REVIEWED ON"
                };
                match value {
                    None => self.error(
                        Code::MissingParameter,
                        start,
                        format!("`{name}` needs its time or date after it"),
                    ),
                    Some(v) if phrase.keyword == Keyword::Embargoed => self
                        .endorsements
                        .push((Endorsement::EmbargoedForRelease(v), start)),
                    Some(v) => self
                        .endorsements
                        .push((Endorsement::ToBeReviewedOn(v), start)),
                }
                return after;
            }
            Keyword::RelTo => {
                self.flush_pending();
                return self.countries(next, start);
            }
        }
        next
    }

    fn set_class(&mut self, c: Classification, start: usize, tail: bool) {
        if tail {
            // Signals the caller that this tail is not a list of endorsements.
            self.error(
                Code::TwoClassifications,
                start,
                format!("a second classification `{c}`"),
            );
            return;
        }
        match self.class {
            Some((prev, _)) => self.error(
                Code::TwoClassifications,
                start,
                format!("two classifications, `{prev}` and `{c}`; a marking has exactly one (use the higher)"),
            ),
            None => self.class = Some((c, start)),
        }
    }

    /// The free text after a parameterised endorsement, up to the next phrase, `//` or end.
    fn value_after(&self, from: usize) -> (Option<String>, usize) {
        let mut j = from;
        while let Some(t) = self.toks.get(j) {
            if t.kind == Kind::DoubleSlash || match_phrase(self.toks, j).is_some() {
                break;
            }
            j += 1;
        }
        if j == from {
            return (None, j);
        }
        let text = &self.text[self.toks[from].start..self.toks[j - 1].end];
        (Some(collapse_spaces(&text.to_uppercase())), j)
    }

    /// A REL TO country list starting at token `from`.
    fn countries(&mut self, from: usize, rel_start: usize) -> usize {
        let mut j = from;
        let mut written: Vec<String> = Vec::new();
        let mut set: Vec<Country> = Vec::new();
        while let Some(t) = self.toks.get(j) {
            match t.kind {
                Kind::Comma => j += 1,
                Kind::Word if t.upper == FVEY => {
                    written.push(FVEY.into());
                    set.extend(Country::FVEY);
                    j += 1;
                }
                Kind::Word
                    if t.upper.len() == 3
                        && t.upper.chars().all(|c| c.is_ascii_alphabetic())
                        && match_phrase(self.toks, j).is_none() =>
                {
                    match Country::new(&t.upper) {
                        Some(c) => {
                            written.push(t.upper.clone());
                            set.push(c);
                        }
                        None => {
                            let w = t.upper.clone();
                            self.error(
                                Code::UnknownCountry,
                                t.start,
                                format!("`{w}` is not an ISO 3166-1 alpha-3 country code; write e.g. AUS, CAN, GBR, USA"),
                            );
                        }
                    }
                    j += 1;
                }
                _ => break,
            }
        }
        if written.is_empty() && set.is_empty() && j == from {
            self.error(
                Code::MissingParameter,
                rel_start,
                "`REL TO` needs a list of country codes, e.g. `REL TO NZL, AUS`".into(),
            );
            return j;
        }
        // PSR-OV: NZL first, the rest alphabetical (FVEY counts as one group after NZL).
        let mut expected: Vec<String> = written.iter().filter(|w| *w != "NZL").cloned().collect();
        expected.sort();
        expected.insert(0, "NZL".into());
        if written != expected {
            self.warn(
                Code::RelToOrder,
                rel_start,
                format!(
                    "write REL TO with NZL first and the rest alphabetical: `REL TO {}`",
                    expected.join(", ")
                ),
            );
        }
        self.endorsements
            .push((Endorsement::RelTo(Releasability::new(set)), rel_start));
        j
    }

    /// After ` - ` following the classification: more endorsements (`IN-CONFIDENCE -
    /// STAFF`), or an agency's free-text caveat kept as text.
    fn caveat_or_tail(&mut self, from: usize) {
        if from >= self.toks.len() {
            return;
        }
        let mut sub = State::new(self.parser, self.text, self.toks);
        sub.ns_blocks = self.ns_blocks;
        let stop = sub.run(from, true);
        sub.flush_pending();
        if sub.errors.is_empty() && !sub.endorsements.is_empty() {
            self.endorsements.append(&mut sub.endorsements);
            self.warnings.append(&mut sub.warnings);
            if sub.foreign.is_some() {
                self.foreign = sub.foreign;
            }
            if stop < self.toks.len() {
                self.caveat_or_tail(stop + 1);
            }
            return;
        }
        let start = self.toks[from].start;
        let caveat = self.text[start..].trim();
        // A classification inside the "caveat" would hide a higher marking in free text.
        if let Some(pos) = (from..self.toks.len())
            .find(|&j| matches!(match_phrase(self.toks, j), Some((p, _)) if matches!(p.keyword, Keyword::Class(_))))
        {
            let at = self.toks[pos].start;
            self.error(
                Code::TwoClassifications,
                at,
                format!("the caveat `{caveat}` contains a second classification; a marking has exactly one"),
            );
            return;
        }
        // `//` blocks come before the caveat in the canonical form; a slash in the free text would
        // print as a security block that was never read as one.
        if let Some(pos) = caveat.find('/') {
            self.error(
                Code::Malformed,
                start + pos,
                format!(
                    "the caveat `{caveat}` contains `/`; put `//` blocks before the ` - ` caveat"
                ),
            );
            return;
        }
        // Split the way the canonical text will be read back (`caveat_parts`).
        self.caveats.extend(caveat_parts(caveat));
    }

    pub(super) fn flush_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let first = self.toks[self.pending[0]].start;
        let last = self.toks[self.pending[self.pending.len() - 1]].end;
        let words = self.text[first..last].to_string();
        let msg = if self.ns_blocks > 0 {
            format!(
                "`{words}` after `//` is not a known control or dissemination limit; agency codewords must be configured (ParserBuilder::codeword)"
            )
        } else {
            format!("`{words}` is not a classification or endorsement")
        };
        self.pending.clear();
        self.error(Code::UnknownWord, first, msg);
    }

    pub(super) fn finish(mut self, mode: ParseMode) -> Result<Parsed, ParseError> {
        self.flush_pending();
        let Some((class, class_at)) = self.class else {
            if self.errors.is_empty() {
                match self.endorsements.first() {
                    Some((e, at)) => {
                        let msg = format!(
                            "{e} is an endorsement and needs a classification, e.g. `{e} IN-CONFIDENCE`"
                        );
                        self.error(Code::EndorsementWithoutClassification, *at, msg);
                    }
                    None if self.foreign.is_none() => self.error(
                        Code::Empty,
                        0,
                        "no classification found; a marking needs one of UNCLASSIFIED, IN-CONFIDENCE, SENSITIVE, RESTRICTED, CONFIDENTIAL, SECRET, TOP SECRET".into(),
                    ),
                    None => {}
                }
            }
            if self.errors.is_empty() {
                // Only a foreign caveat, e.g. `AUSTEO` alone.
                self.error(
                    Code::EndorsementWithoutClassification,
                    0,
                    "a foreign caveat needs a classification".into(),
                );
            }
            return Err(ParseError {
                errors: self.errors,
                warnings: self.warnings,
            });
        };
        self.check_combination(class, class_at);
        if !self.errors.is_empty() {
            return Err(ParseError {
                errors: self.errors,
                warnings: self.warnings,
            });
        }
        let mut marking = Marking::new(class);
        for (e, _) in &self.endorsements {
            marking = marking.with(e.clone());
        }
        for c in &self.caveats {
            marking = marking.with_caveat(c.clone());
        }
        let canonical = marking.to_string();
        let written = self.text.trim();
        if written != canonical && self.foreign.is_none() {
            match mode {
                ParseMode::Strict => self.error(
                    Code::NonCanonical,
                    0,
                    format!("not the canonical form; write `{canonical}`"),
                ),
                ParseMode::Lenient => self.warn(
                    Code::NonCanonicalForm,
                    0,
                    format!("readable, but the canonical form is `{canonical}`"),
                ),
            }
        }
        if mode == ParseMode::Strict && self.foreign.is_some() {
            self.error(
                Code::NonCanonical,
                0,
                format!(
                    "a foreign marking is not an NZ marking; the NZ equivalent is `{canonical}`"
                ),
            );
        }
        if !self.errors.is_empty() {
            return Err(ParseError {
                errors: self.errors,
                warnings: self.warnings,
            });
        }
        Ok(Parsed {
            marking,
            warnings: self.warnings,
            foreign: self.foreign,
        })
    }

    /// Contradictions (errors) and unusual combinations (warnings).
    fn check_combination(&mut self, class: Classification, class_at: usize) {
        let has_nzeo = self
            .endorsements
            .iter()
            .any(|(e, _)| *e == Endorsement::Nzeo);
        let rel: Vec<(Releasability, usize)> = self
            .endorsements
            .iter()
            .filter_map(|(e, at)| match e {
                Endorsement::RelTo(r) => Some((r.clone(), *at)),
                _ => None,
            })
            .collect();
        for (r, at) in &rel {
            if has_nzeo && !r.is_nz_only() {
                self.error(
                    Code::NzeoWithRelTo,
                    *at,
                    format!("NZEO (New Zealand eyes only) contradicts `REL TO {r}`; remove one"),
                );
            } else if has_nzeo {
                self.warn(
                    Code::Redundant,
                    *at,
                    "`REL TO NZL` adds nothing to NZEO".into(),
                );
            }
        }
        let mut seen: Vec<&Endorsement> = Vec::new();
        let mut notes = Vec::new();
        for (e, at) in &self.endorsements {
            if seen.contains(&e) {
                notes.push((
                    Code::Redundant,
                    Severity::Warning,
                    *at,
                    format!("`{e}` is repeated"),
                ));
            }
            seen.push(e);
            if class == Classification::TopSecret && *e == Endorsement::AccountableMaterial {
                notes.push((
                    Code::Redundant,
                    Severity::Warning,
                    *at,
                    "TOP SECRET is always ACCOUNTABLE MATERIAL; it need not be written".into(),
                ));
            }
            let severity = if self.parser.config.strict_families {
                Severity::Error
            } else {
                Severity::Warning
            };
            let mismatch = match (class.family(), e.block()) {
                (super::Family::Unclassified, _) => Some(format!(
                    "`{e}` on UNCLASSIFIED: endorsements sit on one of the six classifications"
                )),
                (super::Family::NationalSecurity, EndorsementBlock::PolicyAndPrivacy) => {
                    Some(format!(
                        "`{e}` is a policy-and-privacy endorsement on the national-security classification {class}"
                    ))
                }
                // PSR-OV explicitly allows NZEO with IN-CONFIDENCE and SENSITIVE.
                (super::Family::PolicyAndPrivacy, _) if *e == Endorsement::Nzeo => None,
                (
                    super::Family::PolicyAndPrivacy,
                    EndorsementBlock::Control | EndorsementBlock::Dissemination,
                ) => Some(format!(
                    "`{e}` is a national-security endorsement on the policy-and-privacy classification {class}"
                )),
                _ => None,
            };
            if let Some(m) = mismatch {
                notes.push((Code::FamilyMismatch, severity, *at, m));
            }
        }
        let _ = class_at;
        for (code, severity, at, msg) in notes {
            match severity {
                Severity::Error => self.error(code, at, msg),
                Severity::Warning => self.warn(code, at, msg),
            }
        }
    }
}
