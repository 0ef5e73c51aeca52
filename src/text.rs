//! The text form of the crate's id types, written once: many types (a level, a problem code,
//! an action kind, a part path) are a table of fixed texts or print as one canonical text,
//! and their `Display` and serde forms are that text. These macros implement the traits
//! from the type's own text function or `Display`/`FromStr`, so each table is the only
//! place its texts are spelt.

/// `Display` as `self.$text()`, the type's `&'static str` for each variant.
macro_rules! display_as {
    ($ty:ty, $text:ident) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$text())
            }
        }
    };
}

/// `Serialize` as the `Display` text.
macro_rules! serialize_as_text {
    ($ty:ty) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

/// `Serialize` as the `Display` text and `Deserialize` through `FromStr`, so a value reads
/// back from what it writes.
macro_rules! serde_as_text {
    ($ty:ty) => {
        crate::text::serialize_as_text!($ty);

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use {display_as, serde_as_text, serialize_as_text};
