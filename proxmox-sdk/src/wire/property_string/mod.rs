//! Property strings: `virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1`.
//!
//! Parsing follows pve-common's `parse_property_string`: parts are split at `,`, empty parts are
//! skipped, a part without `=` is the value of the format's default key, `keyAlias` pseudo-keys
//! (`virtio=<mac>`) set two sub-keys at once, and `alias` keys are second names.
//!
//! Two modes:
//! * **strict** ([`std::str::FromStr`], for values a program builds): a duplicate key, an unknown
//!   key, a value without key when there is no default key, a value of the wrong type, an
//!   unknown enum value and a number out of bounds are errors with PVE's meaning;
//! * **lenient** (decoding server responses): whatever this SDK does not understand is kept in
//!   [`PropertyExtra`] instead of failing, so a newer server's sub-keys survive a round trip.
//!
//! Writing keeps the order keys arrived in (so a value read from a server is written back byte
//! for byte); keys set by the program follow in canonical order: the default key first (bare, or
//! in its `keyAlias` form), then the other keys alphabetically.

mod error;
mod impls;
mod parse;
mod spec;
mod value;
mod write;

pub use error::PropertyError;
pub use parse::PropertyPairs;
pub use spec::{
    PropertyKey, PropertySpec, PropertyStringInfo, RoundTrip, ValueKind, property_string_round_trip,
};
pub use value::PropertyValue;
pub use write::{PropertyWriter, fmt_property_string};

/// Parse strictly (user input) or leniently (server data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseMode {
    /// Refuse anything PVE would refuse.
    Strict,
    /// Keep what is not understood.
    Lenient,
}

/// Sub-keys this SDK does not know, and the order keys arrived in.
///
/// Equality compares only the unknown sub-keys: two values that differ only in key order are
/// equal.
#[derive(Debug, Clone, Default)]
pub struct PropertyExtra {
    pub(super) unknown: Vec<(String, String)>,
    pub(super) order: Vec<String>,
}

impl PartialEq for PropertyExtra {
    fn eq(&self, other: &Self) -> bool {
        self.unknown == other.unknown
    }
}

impl PropertyExtra {
    /// Unknown `key=value` pairs in the order received (a bare value has the key `""`).
    pub fn unknown(&self) -> &[(String, String)] {
        &self.unknown
    }

    /// Adds an unknown pair; it is written after the known keys.
    pub fn push_unknown(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.unknown.push((key.into(), value.into()));
    }

    /// Forgets the received key order, so the value is written in canonical order.
    pub fn clear_order(&mut self) {
        self.order.clear();
    }
}

/// A generated property-string type.
pub trait PropertyString: Sized {
    /// The format's shape.
    const SPEC: &'static PropertySpec;
    /// Builds the value from tokenized pairs.
    ///
    /// # Errors
    /// A missing required key, or (strict) an invalid value or unknown key.
    fn from_pairs(pairs: &mut PropertyPairs<'_>) -> Result<Self, PropertyError>;
    /// Writes the sub-keys.
    fn write_pairs<'a>(&'a self, out: &mut PropertyWriter<'a>);
}

/// Parses `text` as `T`.
///
/// # Errors
/// See [`PropertyError`]; lenient mode only fails on a missing required key.
pub fn parse<T: PropertyString>(text: &str, mode: ParseMode) -> Result<T, PropertyError> {
    let mut pairs = PropertyPairs::tokenize(T::SPEC, text, mode)?;
    T::from_pairs(&mut pairs)
}

/// Writes `value` as a property string.
pub fn write<T: PropertyString>(value: &T) -> String {
    let mut w = PropertyWriter::new(T::SPEC);
    value.write_pairs(&mut w);
    w.finish()
}
