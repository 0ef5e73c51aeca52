//! A deterministic English-like corpus for the scanner benchmarks and
//! `scripts/bench-vs-ripgrep.sh` (shared by `benches/scan.rs` and `examples/gen_corpus.rs`).
//!
//! Prose is drawn from a fixed word list with the marking words' near-misses (`secretary`,
//! `secrets`, `confidence-building`, `top-secretive`), marking words used as ordinary
//! English (`a trade secret`, `restricted area`): 0.3 % of words are marking words and 0.5 %
//! near-misses, and about 0.1 % are words with macrons (`Māori`, `whānau`), so most of the
//! scanner's chunks contain non-ASCII bytes, as New Zealand government text does.

#![allow(dead_code)]

/// SplitMix64: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const COMMON: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "ministry",
    "minister",
    "report",
    "policy",
    "budget",
    "cabinet",
    "agency",
    "department",
    "review",
    "process",
    "council",
    "project",
    "funding",
    "programme",
    "community",
    "health",
    "education",
    "transport",
    "housing",
    "regional",
    "government",
    "public",
    "service",
    "officials",
    "advice",
    "briefing",
    "paper",
    "proposal",
    "decision",
    "meeting",
    "staff",
    "information",
    "system",
    "security",
    "document",
    "email",
    "network",
    "data",
    "access",
    "request",
    "response",
    "support",
    "contract",
    "supplier",
    "evaluation",
    "appointment",
    "legal",
    "medical",
    "commercial",
    "official",
    "area",
    "trade",
    "private",
    "told",
    "me",
    "top",
    "use",
    "only",
    "new",
    "zealand",
    "for",
    "release",
    "quarter",
    "annual",
    "plan",
    "outcome",
    "risk",
    "issue",
    "option",
    "analysis",
    "draft",
    "final",
];

/// Near-misses: contain an anchor word but are not one.
const NEAR: &[&str] = &[
    "secretary",
    "secrets",
    "secretariat",
    "confidence-building",
    "top-secretive",
    "sensitivity",
    "restriction",
    "confidentiality",
    "unrestricted",
    "insensitive",
    "classifiedads",
    "secretly",
    "confidences",
];

/// Marking words used as plain English.
const ANCHORS: &[&str] = &[
    "secret",
    "confidence",
    "restricted",
    "sensitive",
    "confidential",
    "unclassified",
    "protected",
];

/// Words with non-ASCII letters.
const MACRONS: &[&str] = &["Māori", "whānau", "Ngā", "kōrero", "Tāmaki", "café"];

fn word(rng: &mut Rng) -> &'static str {
    let r = rng.below(10_000);
    if r < 10 {
        MACRONS[rng.below(MACRONS.len())]
    } else if r < 40 {
        ANCHORS[rng.below(ANCHORS.len())]
    } else if r < 90 {
        NEAR[rng.below(NEAR.len())]
    } else {
        COMMON[rng.below(COMMON.len())]
    }
}

/// About `bytes` bytes of marking-free prose: lines of 8 to 24 words, a blank line between
/// paragraphs of 3 to 8 lines.
pub fn prose(bytes: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(bytes + 256);
    let mut lines_left = 0;
    while out.len() < bytes {
        if lines_left == 0 {
            out.push('\n');
            lines_left = 3 + rng.below(6);
        }
        lines_left -= 1;
        let n = 8 + rng.below(17);
        let first = COMMON[rng.below(COMMON.len())];
        let mut cap = first.to_string();
        cap[..1].make_ascii_uppercase();
        out.push_str(&cap);
        for _ in 1..n {
            out.push(' ');
            out.push_str(word(&mut rng));
        }
        out.push_str(".\n");
    }
    out
}

/// Banner lines in the mixed forms people write: case, spacing, a line break, NBSP, endorsements.
pub const BANNERS: &[&str] = &[
    "IN-CONFIDENCE",
    "IN CONFIDENCE",
    "In Confidence",
    "TOP SECRET",
    "TOP\nSECRET",
    "In\u{A0}Confidence",
    "SENSITIVE: BUDGET",
    "RESTRICTED//REL TO NZL, AUS",
    "SECRET//NZEO",
    "MEDICAL IN-CONFIDENCE",
];

/// [`prose`] with a banner line about every `every` bytes.
pub fn with_banners(bytes: usize, every: usize, seed: u64) -> String {
    let base = prose(bytes, seed);
    let mut out = String::with_capacity(bytes + bytes / every * 40 + 64);
    let mut rng = Rng::new(seed ^ 0xB4);
    let mut last = 0;
    out.push_str(BANNERS[0]);
    out.push('\n');
    for line in base.split_inclusive('\n') {
        out.push_str(line);
        if out.len() - last >= every && line == "\n" {
            out.push_str(BANNERS[rng.below(BANNERS.len())]);
            out.push_str("\n\n");
            last = out.len();
        }
    }
    out.push_str(BANNERS[0]);
    out.push('\n');
    out
}

/// Marking-dense text: a banner, paragraph mark, statement or prose marking every few lines.
pub fn dense(bytes: usize, seed: u64) -> String {
    let base = prose(bytes, seed);
    let mut rng = Rng::new(seed ^ 0xD3);
    let extra = [
        "(IC) The paragraph that follows is in confidence.",
        "(S) A secret paragraph.",
        "The information in this document is classified as IN CONFIDENCE.",
        "She told me in confidence that it was a trade SECRET.",
        "ЅЕСRЕТ",
        "SE\u{200B}CRET",
    ];
    let mut out = String::with_capacity(bytes * 2);
    for (i, line) in base.split_inclusive('\n').enumerate() {
        out.push_str(line);
        if i % 4 == 3 {
            if rng.below(2) == 0 {
                out.push_str(BANNERS[rng.below(BANNERS.len())]);
            } else {
                out.push_str(extra[rng.below(extra.len())]);
            }
            out.push('\n');
        }
    }
    out
}
