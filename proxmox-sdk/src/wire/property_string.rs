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

use std::borrow::Cow;
use std::fmt;

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

/// A property string that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PropertyError {
    /// The same key twice (PVE: `duplicate key in comma-separated list property`).
    #[error("{ty}: duplicate key in comma-separated list property: {key}")]
    DuplicateKey {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: String,
    },
    /// A key the format does not have (PVE: `invalid key in comma-separated list property`).
    #[error("{ty}: invalid key in comma-separated list property: {key}")]
    InvalidKey {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: String,
    },
    /// A bare value, but the format has no default key.
    #[error("{ty}: value without key, but schema does not define a default key: {value}")]
    NoDefaultKey {
        /// Type name.
        ty: &'static str,
        /// The bare value.
        value: String,
    },
    /// A required sub-key is missing.
    #[error("{ty}: missing required key `{key}`")]
    MissingKey {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: &'static str,
    },
    /// A value of the wrong type, or not one of the listed values.
    #[error("{ty}: key `{key}`: invalid value `{value}`, expected {expected}")]
    InvalidValue {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A number outside the schema's bounds.
    #[error("{ty}: key `{key}`: value {value} is out of range ({range})")]
    OutOfRange {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// The allowed range.
        range: String,
    },
}

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
    unknown: Vec<(String, String)>,
    order: Vec<String>,
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

/// A value that can be a property-string sub-key.
pub trait PropertyValue: Sized {
    /// What a valid value looks like, for errors.
    const EXPECTED: &'static str;
    /// Parses the text of a value; `None` when it has no reading as `Self`.
    fn parse_value(text: &str) -> Option<Self>;
    /// The text to write.
    fn write_value(&self) -> Cow<'_, str>;
    /// Whether strict parsing accepts it (enums: a listed value).
    fn strictly_valid(&self) -> bool {
        true
    }
    /// The numeric value, for bounds checks.
    fn as_number(&self) -> Option<f64> {
        None
    }
}

impl PropertyValue for bool {
    const EXPECTED: &'static str = "a boolean (1/0, on/off, yes/no, true/false)";
    fn parse_value(text: &str) -> Option<Self> {
        super::de::parse_bool(text)
    }
    fn write_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "1" } else { "0" })
    }
}

macro_rules! number_value {
    ($($t:ty => $what:literal),*) => {$(
        impl PropertyValue for $t {
            const EXPECTED: &'static str = $what;
            fn parse_value(text: &str) -> Option<Self> {
                text.trim().parse().ok()
            }
            fn write_value(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn as_number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
number_value!(u32 => "a non-negative integer", u64 => "a non-negative integer", i64 => "an integer", f64 => "a number");

impl PropertyValue for String {
    const EXPECTED: &'static str = "a string";
    fn parse_value(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
    fn write_value(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
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
    let mut w = PropertyWriter {
        spec: T::SPEC,
        fields: Vec::new(),
        extra: None,
    };
    value.write_pairs(&mut w);
    w.finish()
}

struct Pair<'a> {
    key: Cow<'a, str>,
    value: Cow<'a, str>,
    used: bool,
}

/// The `key=value` pairs of one property string, aliases resolved.
pub struct PropertyPairs<'a> {
    spec: &'static PropertySpec,
    mode: ParseMode,
    pairs: Vec<Pair<'a>>,
    order: Vec<String>,
}

impl<'a> PropertyPairs<'a> {
    fn tokenize(
        spec: &'static PropertySpec,
        text: &'a str,
        mode: ParseMode,
    ) -> Result<Self, PropertyError> {
        let mut me = Self {
            spec,
            mode,
            pairs: Vec::new(),
            order: Vec::new(),
        };
        for part in text.split(',') {
            if part.trim().is_empty() {
                continue;
            }
            match part.split_once('=') {
                Some((key, value)) if !key.is_empty() => {
                    me.order.push(key.to_string());
                    if let Some((_, key_field, value_field)) =
                        spec.key_aliases.iter().find(|(p, _, _)| *p == key)
                    {
                        me.add(Cow::Borrowed(key_field), Cow::Borrowed(key))?;
                        me.add(Cow::Borrowed(value_field), Cow::Borrowed(value))?;
                    } else if let Some((_, target)) = spec.aliases.iter().find(|(a, _)| *a == key) {
                        me.add(Cow::Borrowed(target), Cow::Borrowed(value))?;
                    } else {
                        me.add(Cow::Borrowed(key), Cow::Borrowed(value))?;
                    }
                }
                _ => {
                    me.order.push(String::new());
                    match spec.default_key {
                        Some(dk) => me.add(Cow::Borrowed(dk), Cow::Borrowed(part))?,
                        None if mode == ParseMode::Strict => {
                            return Err(PropertyError::NoDefaultKey {
                                ty: spec.name,
                                value: part.to_string(),
                            });
                        }
                        None => me.pairs.push(Pair {
                            key: Cow::Borrowed(""),
                            value: Cow::Borrowed(part),
                            used: false,
                        }),
                    }
                }
            }
        }
        Ok(me)
    }

    fn add(&mut self, key: Cow<'a, str>, value: Cow<'a, str>) -> Result<(), PropertyError> {
        if self.mode == ParseMode::Strict && self.pairs.iter().any(|p| p.key == key) {
            return Err(PropertyError::DuplicateKey {
                ty: self.spec.name,
                key: key.into_owned(),
            });
        }
        self.pairs.push(Pair {
            key,
            value,
            used: false,
        });
        Ok(())
    }

    fn take_raw<T: PropertyValue>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, PropertyError> {
        let (ty, mode) = (self.spec.name, self.mode);
        let Some(pair) = self.pairs.iter_mut().find(|p| !p.used && p.key == key) else {
            return Ok(None);
        };
        match T::parse_value(&pair.value) {
            Some(v) if mode == ParseMode::Lenient || v.strictly_valid() => {
                pair.used = true;
                Ok(Some(v))
            }
            // Lenient: leave the pair unused; it ends up in `extra`, nothing is lost.
            _ if mode == ParseMode::Lenient => Ok(None),
            _ => Err(PropertyError::InvalidValue {
                ty,
                key,
                value: pair.value.to_string(),
                expected: T::EXPECTED,
            }),
        }
    }

    /// Takes an optional sub-key.
    ///
    /// # Errors
    /// Strict mode: the value does not parse.
    pub fn take<T: PropertyValue>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, PropertyError> {
        self.take_raw(key)
    }

    /// Takes a required sub-key.
    ///
    /// # Errors
    /// The key is missing, or (strict) its value does not parse.
    pub fn take_required<T: PropertyValue>(
        &mut self,
        key: &'static str,
    ) -> Result<T, PropertyError> {
        self.take_raw(key)?.ok_or(PropertyError::MissingKey {
            ty: self.spec.name,
            key,
        })
    }

    /// Takes an optional numeric sub-key with bounds (checked in strict mode).
    ///
    /// # Errors
    /// Strict mode: the value does not parse or is out of bounds.
    pub fn take_bounded<T: PropertyValue>(
        &mut self,
        key: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<Option<T>, PropertyError> {
        let value = self.take_raw::<T>(key)?;
        if self.mode == ParseMode::Strict {
            if let Some(n) = value.as_ref().and_then(PropertyValue::as_number) {
                if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                    let range = match (min, max) {
                        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
                        (Some(lo), None) => format!("at least {lo}"),
                        (None, Some(hi)) => format!("at most {hi}"),
                        (None, None) => String::new(),
                    };
                    return Err(PropertyError::OutOfRange {
                        ty: self.spec.name,
                        key,
                        value: n.to_string(),
                        range,
                    });
                }
            }
        }
        Ok(value)
    }

    /// Takes a required numeric sub-key with bounds.
    ///
    /// # Errors
    /// The key is missing, or (strict) invalid or out of bounds.
    pub fn take_required_bounded<T: PropertyValue>(
        &mut self,
        key: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<T, PropertyError> {
        self.take_bounded(key, min, max)?
            .ok_or(PropertyError::MissingKey {
                ty: self.spec.name,
                key,
            })
    }

    /// What is left: unknown keys (kept in lenient mode, an error in strict mode) and the order.
    ///
    /// # Errors
    /// Strict mode: the first key the format does not have.
    pub fn finish(&mut self) -> Result<PropertyExtra, PropertyError> {
        let mut unknown = Vec::new();
        for p in self.pairs.iter().filter(|p| !p.used) {
            if self.mode == ParseMode::Strict {
                return Err(PropertyError::InvalidKey {
                    ty: self.spec.name,
                    key: p.key.to_string(),
                });
            }
            unknown.push((p.key.to_string(), p.value.to_string()));
        }
        Ok(PropertyExtra {
            unknown,
            order: std::mem::take(&mut self.order),
        })
    }
}

/// Collects the sub-keys of a value for writing.
pub struct PropertyWriter<'a> {
    spec: &'static PropertySpec,
    fields: Vec<(&'static str, Cow<'a, str>)>,
    extra: Option<&'a PropertyExtra>,
}

impl<'a> PropertyWriter<'a> {
    /// An optional sub-key.
    pub fn put<T: PropertyValue>(&mut self, key: &'static str, value: &'a Option<T>) {
        if let Some(v) = value {
            self.fields.push((key, v.write_value()));
        }
    }

    /// A required sub-key.
    pub fn put_required<T: PropertyValue>(&mut self, key: &'static str, value: &'a T) {
        self.fields.push((key, value.write_value()));
    }

    /// The unknown sub-keys and received order.
    pub fn extra(&mut self, extra: &'a PropertyExtra) {
        self.extra = Some(extra);
    }

    fn finish(self) -> String {
        let spec = self.spec;
        let empty = PropertyExtra::default();
        let extra = self.extra.unwrap_or(&empty);
        let mut written = vec![false; self.fields.len()];
        let mut unknown_written = vec![false; extra.unknown.len()];
        let mut parts: Vec<String> = Vec::new();
        let find = |key: &str, written: &[bool]| {
            self.fields
                .iter()
                .enumerate()
                .position(|(i, (k, _))| *k == key && !written[i])
        };

        for token in &extra.order {
            if token.is_empty() {
                if let Some(i) = spec.default_key.and_then(|dk| find(dk, &written)) {
                    written[i] = true;
                    parts.push(self.fields[i].1.to_string());
                } else if let Some(u) = (0..extra.unknown.len()).find(|u| {
                    // A bare value: one without a default key, or (lenient) a second value
                    // for the default key, which stays bare and in place unless an `=` in it
                    // would make it read as a key.
                    let (key, value) = (&extra.unknown[*u].0, &extra.unknown[*u].1);
                    !unknown_written[*u]
                        && (key.is_empty()
                            || (spec.default_key == Some(key.as_str()) && !value.contains('=')))
                }) {
                    unknown_written[u] = true;
                    parts.push(extra.unknown[u].1.clone());
                }
            } else if let Some((_, key_field, value_field)) =
                spec.key_aliases.iter().find(|(p, _, _)| p == token)
            {
                if let (Some(k), Some(v)) = (find(key_field, &written), find(value_field, &written))
                {
                    written[k] = true;
                    written[v] = true;
                    parts.push(format!("{}={}", self.fields[k].1, self.fields[v].1));
                }
            } else if let Some((alias, target)) = spec.aliases.iter().find(|(a, _)| a == token) {
                if let Some(i) = find(target, &written) {
                    written[i] = true;
                    parts.push(format!("{alias}={}", self.fields[i].1));
                }
            } else if let Some(i) = find(token, &written) {
                written[i] = true;
                parts.push(format!("{token}={}", self.fields[i].1));
            } else if let Some(u) = (0..extra.unknown.len())
                .find(|u| !unknown_written[*u] && extra.unknown[*u].0 == *token)
            {
                unknown_written[u] = true;
                parts.push(format!("{token}={}", extra.unknown[u].1));
            }
        }

        // Canonical order for everything not placed above.
        if let Some(dk) = spec.default_key {
            if let Some(i) = find(dk, &written) {
                written[i] = true;
                let alias = spec
                    .key_aliases
                    .iter()
                    .find(|(_, k, _)| *k == dk)
                    .map(|(_, _, v)| *v);
                match alias.and_then(|v| find(v, &written)) {
                    Some(v) => {
                        written[v] = true;
                        parts.push(format!("{}={}", self.fields[i].1, self.fields[v].1));
                    }
                    None => parts.push(self.fields[i].1.to_string()),
                }
            }
        }
        let mut rest: Vec<usize> = (0..self.fields.len()).filter(|i| !written[*i]).collect();
        rest.sort_by_key(|i| self.fields[*i].0);
        for i in rest {
            parts.push(format!("{}={}", self.fields[i].0, self.fields[i].1));
        }
        for (u, (k, v)) in extra.unknown.iter().enumerate() {
            if !unknown_written[u] {
                parts.push(if k.is_empty() {
                    v.clone()
                } else {
                    format!("{k}={v}")
                });
            }
        }
        parts.join(",")
    }
}

/// Display helper for generated types.
///
/// # Errors
/// Only the formatter's.
pub fn fmt_property_string<T: PropertyString>(
    value: &T,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    f.write_str(&write(value))
}

/// `FromStr`, `Display`, decoding (lenient), encoding and serde impls for a generated
/// property-string type.
#[doc(hidden)]
#[macro_export]
macro_rules! property_string_impls {
    ($name:ident) => {
        impl ::std::str::FromStr for $name {
            type Err = $crate::__rt::PropertyError;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                $crate::wire::property_string::parse(s, $crate::__rt::ParseMode::Strict)
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::__rt::fmt_property_string(self, f)
            }
        }
        impl $crate::__rt::FromWire for $name {
            fn from_wire<'de, D: $crate::__rt::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::string::String as $crate::__rt::FromWire>::from_wire(d)?;
                $crate::wire::property_string::parse(&text, $crate::__rt::ParseMode::Lenient)
                    .map_err(<D::Error as $crate::__rt::serde::de::Error>::custom)
            }
        }
        impl $crate::__rt::ToParam for $name {
            fn param_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Owned($crate::wire::property_string::write(self))
            }
        }
        impl<'de> $crate::__rt::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__rt::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <Self as $crate::__rt::FromWire>::from_wire(d)
            }
        }
        impl $crate::__rt::serde::Serialize for $name {
            fn serialize<S: $crate::__rt::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&$crate::wire::property_string::write(self))
            }
        }
    };
}
