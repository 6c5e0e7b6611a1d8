//! The shape of a property-string format, as the generator describes it.

use super::error::PropertyError;
use super::{ParseMode, PropertyString, parse, write};

/// The shape of one property-string type (generated).
#[derive(Debug)]
pub struct PropertySpec {
    /// Type name, for errors.
    pub name: &'static str,
    /// Every real sub-key, sorted by name.
    pub keys: &'static [PropertyKey],
    /// The sub-key that may be written without `key=`.
    pub default_key: Option<&'static str>,
    /// `(pseudo key, key field, value field)`: `virtio=<mac>` → `model=virtio`, `macaddr=<mac>`.
    pub key_aliases: &'static [(&'static str, &'static str, &'static str)],
    /// `(alias, target)`.
    pub aliases: &'static [(&'static str, &'static str)],
}

/// One sub-key of a property-string format.
#[derive(Debug)]
pub struct PropertyKey {
    /// Name on the wire.
    pub name: &'static str,
    /// What values it takes.
    pub kind: ValueKind,
    /// Whether every value must have it.
    pub required: bool,
}

/// The kind of value a sub-key takes.
#[derive(Debug)]
pub enum ValueKind {
    /// `1`/`0` (also `on/off`, `yes/no`, `true/false` when reading).
    Bool,
    /// An integer within optional bounds.
    Integer {
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
    },
    /// A number within optional bounds.
    Number {
        /// Lower bound.
        min: Option<f64>,
        /// Upper bound.
        max: Option<f64>,
    },
    /// Free text (no `,`; `=` only after the key).
    String,
    /// One of the listed values.
    Enum(&'static [&'static str]),
}

/// Parses text (strictly or leniently), writes the value back, parses that again, and returns
/// the written text and whether both parses gave equal values.
pub type RoundTrip = fn(&str, ParseMode) -> Result<(String, bool), PropertyError>;

/// A property-string type in [`crate::api::types::PROPERTY_STRINGS`].
#[derive(Debug)]
pub struct PropertyStringInfo {
    /// The format's shape.
    pub spec: &'static PropertySpec,
    /// Parses text as the type (strictly or leniently), writes it back, parses that again and
    /// reports the written text and whether both parses gave equal values.
    pub round_trip: RoundTrip,
}

/// [`PropertyStringInfo::round_trip`] for `T`.
///
/// # Errors
/// When `text` does not parse as `T`.
pub fn property_string_round_trip<T: PropertyString + PartialEq>(
    text: &str,
    mode: ParseMode,
) -> Result<(String, bool), PropertyError> {
    let first: T = parse(text, mode)?;
    let written = write(&first);
    let second: T = parse(&written, mode)?;
    Ok((written, first == second))
}
