//! The gateway policy: direction, accreditation, communication-path ceilings and what to do
//! with each kind of problem. Loaded from TOML.

use crate::config::AgencyConfig;
use crate::marking::{Classification, Country, Endorsement};
use serde::{Deserialize, Serialize};

/// Which way mail crosses the gateway.
///
/// ```
/// use protective_marking::{Classification, gateway::Direction, GatewayPolicy};
///
/// let policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"RESTRICTED\"\n",
/// ).unwrap();
/// assert_eq!(policy.direction, Direction::Inbound);
/// // Inbound mail is checked against what the system behind the gateway is accredited to.
/// assert_eq!(policy.accreditation, Some(Classification::Restricted));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the agency to outside: path ceilings apply (NZISM 15.2.40).
    Outbound,
    /// From outside to the agency: the system's accreditation applies (NZISM 15.2.41).
    Inbound,
}

/// What the gateway does with a message (the verdict's action, and each policy setting).
///
/// ```
/// use protective_marking::{GatewayAction, GatewayPolicy};
///
/// let policy = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"SECRET\"\nunmarked = \"quarantine\"\n",
/// ).unwrap();
/// assert_eq!(policy.unmarked, GatewayAction::Quarantine);
/// // Settings left out keep a fail-closed default.
/// assert_eq!(policy.on_error, GatewayAction::Tempfail);
/// assert_eq!(GatewayAction::Quarantine.to_string(), "quarantine");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayAction {
    /// Deliver.
    Accept,
    /// Refuse permanently (SMTP 5xx).
    Reject,
    /// Refuse for now (SMTP 4xx); the sender retries.
    Tempfail,
    /// Accept and hold for review (Postfix hold queue).
    Quarantine,
}

impl GatewayAction {
    /// Lower-case name, as in the policy file.
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayAction::Accept => "accept",
            GatewayAction::Reject => "reject",
            GatewayAction::Tempfail => "tempfail",
            GatewayAction::Quarantine => "quarantine",
        }
    }

    /// How severe the action is when several rules fire: reject > tempfail > quarantine >
    /// accept. A definite refusal beats "try again later".
    pub(crate) fn severity(self) -> u8 {
        match self {
            GatewayAction::Accept => 0,
            GatewayAction::Quarantine => 1,
            GatewayAction::Tempfail => 2,
            GatewayAction::Reject => 3,
        }
    }
}

crate::text::display_as!(GatewayAction, as_str);

/// One communication path: the recipient domains it serves, its ceiling, and the
/// national-security endorsements it may carry (NZISM 15.2.40.C.01: the marking **or
/// endorsement** must not exceed the path).
///
/// `pattern` is `*` (every domain), `*.example.govt.nz` (any domain ending in
/// `.example.govt.nz`, and `example.govt.nz` itself), or an exact domain. Rules are tried in
/// file order; the first match wins, so list specific paths before `*`.
///
/// ```
/// use protective_marking::{Classification, GatewayPolicy};
///
/// let policy = GatewayPolicy::from_toml(r#"
///     [gateway]
///     direction = "outbound"
///     domain = [{ pattern = "*.govt.nz", ceiling = "RESTRICTED" },
///               { pattern = "*", ceiling = "IN-CONFIDENCE" }]
/// "#).unwrap();
/// // The first match wins, so the specific path is listed before `*`.
/// let path = policy.path_for("mail.agency.govt.nz").unwrap();
/// assert_eq!(path.ceiling, Classification::Restricted);
/// assert!(path.matches("govt.nz") && !path.matches("notgovt.nz"));
/// assert_eq!(policy.path_for("example.com").unwrap().pattern, "*");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainRule {
    /// Domain pattern.
    pub pattern: String,
    /// The highest classification this path may carry.
    pub ceiling: Classification,
    /// National-security endorsements this path may carry (`NZEO`, `ORCON`,
    /// `ACCOUNTABLE MATERIAL`, codewords). REL TO is checked with `country`.
    #[serde(default)]
    pub endorsements: Vec<Endorsement>,
    /// Nationality of the recipients on this path, for REL TO and NZEO (default `NZL`).
    #[serde(default = "nzl")]
    pub country: Country,
}

fn nzl() -> Country {
    Country::NZL
}

impl DomainRule {
    /// Whether `domain` (lower case) matches this rule's pattern.
    pub fn matches(&self, domain: &str) -> bool {
        let pattern = self.pattern.trim().to_ascii_lowercase();
        if pattern == "*" {
            return true;
        }
        if let Some(suffix) = pattern.strip_prefix("*.") {
            return domain == suffix
                || domain
                    .strip_suffix(suffix)
                    .is_some_and(|rest| rest.ends_with('.'));
        }
        domain == pattern
    }
}

/// The gateway's configuration (the `[gateway]` table of a policy file).
///
/// ```
/// use protective_marking::{Classification, GatewayAction, GatewayPolicy};
///
/// let policy = GatewayPolicy::from_toml(r#"
///     [gateway]
///     direction = "outbound"
///     accreditation = "RESTRICTED"
///     unmarked = "reject"
///     on_error = "tempfail"
///     [[gateway.domain]]
///     pattern = "*.govt.nz"
///     ceiling = "RESTRICTED"
///     endorsements = ["NZEO"]
///     [[gateway.domain]]
///     pattern = "*"
///     ceiling = "IN-CONFIDENCE"
/// "#).unwrap();
/// assert_eq!(policy.domains[0].ceiling, Classification::Restricted);
/// assert_eq!(policy.under_marked, GatewayAction::Reject); // default
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayPolicy {
    /// Outbound or inbound.
    pub direction: Direction,
    /// The classification the system behind the gateway is accredited to (NZISM 15.2.41:
    /// inbound mail above it is rejected; 15.1.10.C.01). Required for inbound.
    #[serde(default)]
    pub accreditation: Option<Classification>,
    /// Unmarked mail (NZISM 15.1.11.C.01 outbound; 15.1.12.C.01 inbound: the agency
    /// decides). Default `reject`.
    #[serde(default = "reject")]
    pub unmarked: GatewayAction,
    /// Mail that cannot be read completely: corrupt, encrypted, over a limit, or a caught
    /// parser failure. Default `tempfail`; `accept` is refused when the policy loads (fail
    /// closed: what was not read may carry any marking; NZISM 15.2.37.C.01).
    #[serde(default = "tempfail")]
    pub on_error: GatewayAction,
    /// Declared marking below the join of its parts (NZISM 15.1.11.C.02). Default `reject`.
    #[serde(default = "reject")]
    pub under_marked: GatewayAction,
    /// A marking carrier whose text is not a valid marking (NZISM 15.2.39). Default `reject`.
    #[serde(default = "reject")]
    pub malformed: GatewayAction,
    /// Marking header and subject disagree (NZISM 15.2.39). Default `reject`.
    #[serde(default = "reject")]
    pub disagreement: GatewayAction,
    /// A reply or forward marked below a marking quoted from earlier in the thread (NZISM
    /// 15.1.10.C.03, a SHOULD NOT). Default `quarantine`, for a person to review.
    #[serde(default = "quarantine")]
    pub downgrade: GatewayAction,
    /// Foreign dissemination limits such as AUSTEO (PSR INF014: handled as the originator
    /// requires). Default `reject`.
    #[serde(default = "reject")]
    pub foreign_dissemination: GatewayAction,
    /// Add `X-Protective-Marking-Verdict` to mail that passes or is held. Default true.
    #[serde(default = "yes")]
    pub verdict_header: bool,
    /// The agency configuration (codewords, foreign mapping, sensitivity labels, limits):
    /// the `[agency]` table of the policy file, read by [`GatewayPolicy::from_toml`].
    #[serde(skip)]
    pub agency: AgencyConfig,
    /// Communication paths for outbound mail, tried in order.
    #[serde(default, rename = "domain")]
    pub domains: Vec<DomainRule>,
    /// Inbound only: mark mail as it enters (NZISM 15.1.4, 15.1.12.C.01); off unless
    /// configured. See [`InboundMarking`].
    #[serde(default)]
    pub inbound_marking: Option<InboundMarking>,
}

/// Where the gateway writes a marking into a subject: at the end by default, as the
/// Australian standard recommends (the PSR says only "in the subject line").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectPlacement {
    /// `subject [MARKING]`.
    #[default]
    End,
    /// `[MARKING] subject`.
    Start,
}

/// Marking inbound mail at the gateway (the `[gateway.inbound_marking]` table).
///
/// NZISM 15.1.12.C.01 leaves unmarked mail from outside government to the agency, and 15.1.4
/// allows that marking to be automated. With `unmarked = true`, unmarked mail whose envelope
/// sender is outside government is accepted and marked: an `X-Protective-Marking` header and
/// the subject marking (`[UNCLASSIFIED]`, or `marking`), written into the subject as it
/// arrived so RFC 2047 encoded words stay intact. A message whose parts carry a marking
/// (an attachment marked IN-CONFIDENCE) gets the join of that and `marking` (NZISM
/// 15.1.11.C.02), and it is still checked against the accreditation. Unmarked mail from a
/// government sender is not marked: it gets the `unmarked` action, and its originator should
/// be contacted (NZISM 15.1.14.C.01).
///
/// With `foreign = true`, a message declared with a foreign marking (`[SEC=OFFICIAL:Sensitive]`)
/// has that subject marking rewritten to its NZ equivalent under the agency's
/// `foreign_mapping` (PSR INF014: the equivalent NZ marking); the foreign header, if any,
/// is kept.
///
/// ```
/// use protective_marking::GatewayPolicy;
/// use protective_marking::gateway::SubjectPlacement;
///
/// let policy = GatewayPolicy::from_toml(r#"
///     [gateway]
///     direction = "inbound"
///     accreditation = "RESTRICTED"
///     [gateway.inbound_marking]
///     unmarked = true
///     foreign = true
/// "#).unwrap();
/// let marking = policy.inbound_marking.unwrap();
/// assert_eq!(marking.marking.to_string(), "UNCLASSIFIED");
/// assert_eq!(marking.subject, SubjectPlacement::End);
/// assert!(marking.is_government("mail.agency.govt.nz"));
/// assert!(!marking.is_government("example.com"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundMarking {
    /// Mark unmarked mail from senders outside government. Default false.
    #[serde(default)]
    pub unmarked: bool,
    /// Rewrite a foreign subject marking to its NZ equivalent. Default false.
    #[serde(default)]
    pub foreign: bool,
    /// The marking given to unmarked mail. Default `UNCLASSIFIED`.
    #[serde(default = "unclassified")]
    pub marking: crate::marking::Marking,
    /// Where the marking goes in the subject. Default `end`.
    #[serde(default)]
    pub subject: SubjectPlacement,
    /// Sender domains inside government, as `*.domain` or exact patterns (the syntax of
    /// [`DomainRule::pattern`]). Default `*.govt.nz`, `*.mil.nz`, `parliament.nz`.
    #[serde(default = "government")]
    pub government: Vec<String>,
}

fn unclassified() -> crate::marking::Marking {
    crate::marking::Marking::new(Classification::Unclassified)
}

fn government() -> Vec<String> {
    ["*.govt.nz", "*.mil.nz", "parliament.nz"]
        .map(String::from)
        .to_vec()
}

impl InboundMarking {
    /// Whether the sender domain `domain` (lower case) is inside government.
    pub fn is_government(&self, domain: &str) -> bool {
        self.government.iter().any(|p| {
            DomainRule {
                pattern: p.clone(),
                ceiling: Classification::Unclassified,
                endorsements: Vec::new(),
                country: Country::NZL,
            }
            .matches(domain)
        })
    }
}

fn reject() -> GatewayAction {
    GatewayAction::Reject
}
fn tempfail() -> GatewayAction {
    GatewayAction::Tempfail
}
fn quarantine() -> GatewayAction {
    GatewayAction::Quarantine
}
fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    gateway: GatewayPolicy,
    #[serde(default)]
    agency: AgencyConfig,
}

/// A policy that cannot be used. Fix the file; the message says what to change.
///
/// ```
/// use protective_marking::{GatewayPolicy, gateway::GatewayPolicyError};
///
/// // Letting unreadable mail through is refused when the policy loads.
/// let err = GatewayPolicy::from_toml(
///     "[gateway]\ndirection = \"inbound\"\naccreditation = \"SECRET\"\non_error = \"accept\"\n",
/// ).unwrap_err();
/// assert_eq!(err, GatewayPolicyError::AcceptOnError);
/// // A misspelt key is an error too, not silently ignored.
/// let typo = GatewayPolicy::from_toml("[gateway]\ndirecton = \"inbound\"\n");
/// assert!(matches!(typo, Err(GatewayPolicyError::Toml(_))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayPolicyError {
    /// The TOML does not parse or has unknown keys.
    #[error("policy file: {0}")]
    Toml(String),
    /// The `[agency]` table is not usable.
    #[error("policy file: {0}")]
    Agency(String),
    /// `on_error = "accept"` would let unreadable mail through; use `tempfail`, `reject` or
    /// `quarantine`.
    #[error(
        "policy: on_error = \"accept\" is not allowed; unreadable mail must fail closed (use tempfail, reject or quarantine)"
    )]
    AcceptOnError,
    /// Inbound gateways need the system's accreditation (NZISM 15.2.41).
    #[error(
        "policy: direction = \"inbound\" needs accreditation = \"<CLASSIFICATION>\" (NZISM 15.2.41)"
    )]
    MissingAccreditation,
    /// Outbound gateways need at least one `[[gateway.domain]]` path.
    #[error(
        "policy: direction = \"outbound\" needs at least one [[gateway.domain]] with a pattern and ceiling (NZISM 15.2.40)"
    )]
    NoDomains,
    /// A domain pattern that can never match.
    #[error("policy: domain pattern `{0}` is not `*`, `*.domain` or a domain name")]
    BadPattern(String),
    /// `[gateway.inbound_marking]` on an outbound gateway: outbound mail is marked by its
    /// author (NZISM 15.1.10.C.02), never by the gateway.
    #[error(
        "policy: [gateway.inbound_marking] needs direction = \"inbound\"; outbound mail must be marked by its author (NZISM 15.1.10.C.02)"
    )]
    InboundMarkingOutbound,
    /// The marking given to unmarked inbound mail is above the accreditation, so every such
    /// message would be refused.
    #[error(
        "policy: inbound_marking.marking {marking} is above the accreditation {accreditation} (NZISM 15.2.41.C.01)"
    )]
    InboundMarkingAboveAccreditation {
        /// The configured marking.
        marking: String,
        /// The accreditation.
        accreditation: Classification,
    },
}

impl GatewayPolicy {
    /// Read a policy file's text (a `[gateway]` table, and the `[agency]` table of the
    /// agency's configuration, if any) and validate it.
    ///
    /// # Errors
    /// [`GatewayPolicyError`] naming what to fix.
    pub fn from_toml(text: &str) -> Result<GatewayPolicy, GatewayPolicyError> {
        let file: PolicyFile =
            toml::from_str(text).map_err(|e| GatewayPolicyError::Toml(e.to_string()))?;
        let mut policy = file.gateway;
        file.agency
            .validate()
            .map_err(|e| GatewayPolicyError::Agency(e.to_string()))?;
        policy.agency = file.agency;
        policy.validate()?;
        Ok(policy)
    }

    /// Check the policy is usable (also done by [`Gateway::new`](crate::Gateway::new)).
    ///
    /// # Errors
    /// [`GatewayPolicyError`] naming what to fix.
    pub fn validate(&self) -> Result<(), GatewayPolicyError> {
        if self.on_error == GatewayAction::Accept {
            return Err(GatewayPolicyError::AcceptOnError);
        }
        if self.direction == Direction::Inbound && self.accreditation.is_none() {
            return Err(GatewayPolicyError::MissingAccreditation);
        }
        if self.direction == Direction::Outbound && self.domains.is_empty() {
            return Err(GatewayPolicyError::NoDomains);
        }
        if let Some(m) = &self.inbound_marking {
            if self.direction == Direction::Outbound {
                return Err(GatewayPolicyError::InboundMarkingOutbound);
            }
            if let Some(acc) = self.accreditation
                && m.marking.classification().handling_tier() > acc.handling_tier()
            {
                return Err(GatewayPolicyError::InboundMarkingAboveAccreditation {
                    marking: m.marking.to_string(),
                    accreditation: acc,
                });
            }
            for p in &m.government {
                if !valid_pattern(p) || p.trim() == "*" {
                    return Err(GatewayPolicyError::BadPattern(p.clone()));
                }
            }
        }
        for d in &self.domains {
            if !valid_pattern(&d.pattern) {
                return Err(GatewayPolicyError::BadPattern(d.pattern.clone()));
            }
        }
        Ok(())
    }

    /// The first domain rule matching `domain`.
    pub fn path_for(&self, domain: &str) -> Option<&DomainRule> {
        self.domains.iter().find(|d| d.matches(domain))
    }
}

/// `*`, `*.domain` or a domain name.
fn valid_pattern(pattern: &str) -> bool {
    let p = pattern.trim();
    let name = p.strip_prefix("*.").unwrap_or(p);
    p == "*"
        || (!name.is_empty()
            && !name.contains('*')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'))
}
