//! The rules the gateway applies, each with the control or section it cites.

/// A rule a gateway [`Reason`](super::Reason) cites: an NZISM control or a PSR section.
///
/// Match on the variant rather than on the text; [`GatewayRule::id`] is the citation.
///
/// ```
/// use protective_marking::gateway::GatewayRule;
/// assert_eq!(GatewayRule::PathCeiling.id(), "NZISM 15.2.40.C.01");
/// assert_eq!(GatewayRule::UnmarkedOutbound.to_string(), "NZISM 15.1.11.C.01");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum GatewayRule {
    /// NZISM 15.2.37.C.01: content that cannot be read (corrupt, encrypted, over a limit) is
    /// not let through, because its marking cannot be determined.
    Unreadable,
    /// NZISM 15.1.11.C.01: outbound mail carries a protective marking.
    UnmarkedOutbound,
    /// NZISM 15.1.12.C.01: unmarked inbound mail is handled as the agency decides.
    UnmarkedInbound,
    /// NZISM 15.2.39.C.03: a marking carrier (header, subject, banner) is not a valid
    /// marking.
    Malformed,
    /// NZISM 15.2.39.C.03: the marking header and the subject say different things.
    Disagreement,
    /// NZISM 15.1.11.C.02: the message is marked at least as high as its most highly
    /// marked part, attachments included.
    UnderMarked,
    /// NZISM 15.1.10.C.03: a reply or forward is not marked lower than the thread it quotes.
    Downgrade,
    /// NZISM 15.2.40.C.01: a marking or endorsement above what the path to a recipient may
    /// carry.
    PathCeiling,
    /// NZISM 15.1.8.C.01: NZEO material to a path outside New Zealand, or REL TO material to
    /// a country the list does not name.
    Releasability,
    /// NZISM 15.2.41.C.01: inbound mail above the accreditation of the system behind the
    /// gateway.
    Accreditation,
    /// PSR INF014: foreign information is handled as its originator requires; a foreign
    /// dissemination limit (AUSTEO, AGAO) is not passed on.
    ForeignDissemination,
    /// PSR INF014: foreign information is protected at least as its NZ equivalent; an
    /// inbound gateway writes that equivalent into the subject when the policy asks.
    ForeignEquivalent,
}

impl GatewayRule {
    /// The citation: `NZISM 15.2.40.C.01`, `PSR INF014`.
    pub fn id(self) -> &'static str {
        match self {
            GatewayRule::Unreadable => "NZISM 15.2.37.C.01",
            GatewayRule::UnmarkedOutbound => "NZISM 15.1.11.C.01",
            GatewayRule::UnmarkedInbound => "NZISM 15.1.12.C.01",
            GatewayRule::Malformed | GatewayRule::Disagreement => "NZISM 15.2.39.C.03",
            GatewayRule::UnderMarked => "NZISM 15.1.11.C.02",
            GatewayRule::Downgrade => "NZISM 15.1.10.C.03",
            GatewayRule::PathCeiling => "NZISM 15.2.40.C.01",
            GatewayRule::Releasability => "NZISM 15.1.8.C.01",
            GatewayRule::Accreditation => "NZISM 15.2.41.C.01",
            GatewayRule::ForeignDissemination | GatewayRule::ForeignEquivalent => "PSR INF014",
        }
    }
}

crate::text::display_as!(GatewayRule, id);

crate::text::serialize_as_text!(GatewayRule);
