//! Lenient in: decoding what real PVE servers send.
//!
//! Perl has no strict types, so the same field arrives as `1`, `"1"` or `true` depending on the
//! endpoint and version. Every generated field decodes through [`FromWire`], which accepts:
//! * integers and numbers as JSON numbers or numeric strings (surrounding whitespace allowed);
//! * booleans as `true`/`false`, any integer (non-zero is true), the strings
//!   `1 0 true false yes no on off` in any case, or `""` (Perl's false);
//! * strings as strings, or as numbers/booleans (a `vmid` sent as `100` into a string field);
//! * arrays as arrays, with `null` meaning empty;
//! * objects, keeping every key the schema does not know in `extra` ([`Extra`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Fields of a response object that the schema does not declare, kept as received.
pub type Extra = BTreeMap<String, serde_json::Value>;

/// A type that can be decoded leniently from a PVE response.
pub trait FromWire: Sized {
    /// Decodes `Self` from any serde deserializer.
    ///
    /// # Errors
    /// The deserializer's error when the value has no sensible reading as `Self`.
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// A [`FromWire`] value where serde wants `Deserialize`: decodes `T` with its lenient reading.
///
/// ```
/// use proxmox_sdk::wire::Lenient;
///
/// // `u64` read leniently: PVE sends some numbers as strings.
/// let Lenient(counts): Lenient<Vec<u64>> = serde_json::from_str(r#"[1, "2"]"#).unwrap();
/// assert_eq!(counts, [1, 2]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Lenient<T>(pub T);

impl<'de, T: FromWire> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::from_wire(d).map(Lenient)
    }
}

/// Decodes a [`FromWire`] value from a `serde_json::Value` (used for `Extra` values and tests).
///
/// # Errors
/// When the value has no reading as `T`.
pub fn from_value<T: FromWire>(v: serde_json::Value) -> Result<T, serde_json::Error> {
    T::from_wire(v)
}

// ---------------------------------------------------------------------------------------------
// Scalars

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean (true/false, 0/1, or one of \"1 0 true false yes no on off\")")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        Ok(v != 0)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        Ok(v != 0)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        Ok(v != 0.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        // Perl's false stringifies to "", and some handlers send it as is.
        if v.is_empty() {
            return Ok(false);
        }
        parse_bool(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// PVE's boolean spellings (`parse_boolean` in pve-common), case-insensitive.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    const TRUE: [&str; 4] = ["1", "true", "yes", "on"];
    const FALSE: [&str; 4] = ["0", "false", "no", "off"];
    if TRUE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if FALSE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

impl FromWire for bool {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoolVisitor)
    }
}

/// Integer visitor accepting numbers, integral floats and numeric strings.
struct IntVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for IntVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64> + std::str::FromStr,
{
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an integer (number or numeric string) that fits {}",
            std::any::type_name::<T>()
        )
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            #[allow(clippy::cast_possible_truncation)]
            self.visit_i64(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.visit_u64(u64::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        let t = v.trim();
        if let Ok(n) = t.parse::<T>() {
            return Ok(n);
        }
        // "1e3" or "12.0" from Perl's number formatting.
        match t.parse::<f64>() {
            Ok(f) => self.visit_f64(f),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

macro_rules! int_from_wire {
    ($($t:ty),*) => {$(
        impl FromWire for $t {
            fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IntVisitor::<$t>(PhantomData))
            }
        }
    )*};
}
int_from_wire!(u8, u16, u32, u64, i32, i64);

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number (JSON number or numeric string)")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

impl FromWire for f64 {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FloatVisitor)
    }
}

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (or a number or boolean, kept as text)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(if v { "1" } else { "0" }.to_owned())
    }
}

impl FromWire for String {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StringVisitor)
    }
}

impl FromWire for serde_json::Value {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_json::Value::deserialize(d)
    }
}

/// `type: null` responses: whatever the server sends is ignored.
impl FromWire for () {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| ())
    }
}

// ---------------------------------------------------------------------------------------------
// Containers

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: FromWire> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        T::from_wire(d).map(Some)
    }
}

impl<T: FromWire> FromWire for Option<T> {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(OptionVisitor(PhantomData))
    }
}

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: FromWire> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array (or null for an empty one)")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(Lenient(v)) = seq.next_element::<Lenient<T>>()? {
            out.push(v);
        }
        Ok(out)
    }
}

impl<T: FromWire> FromWire for Vec<T> {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(VecVisitor(PhantomData))
    }
}

struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: FromWire> Visitor<'de> for MapVisitor<T> {
    type Value = BTreeMap<String, T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object (or null for an empty one)")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(BTreeMap::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((k, Lenient(v))) = map.next_entry::<String, Lenient<T>>()? {
            out.insert(k, v);
        }
        Ok(out)
    }
}

impl<T: FromWire> FromWire for BTreeMap<String, T> {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MapVisitor(PhantomData))
    }
}

// ---------------------------------------------------------------------------------------------
// Objects

// Generated response types implement `Deserialize` with their own compact visitor (one `match`
// on the key per field, unknown keys into `extra`); these are the pieces they share.

/// The error for a required field that was not in the response.
pub fn missing_field<E: de::Error>(field: &'static str) -> E {
    E::missing_field(field)
}

/// Reads an object key without allocating when the input allows borrowing.
#[derive(Debug, Clone, Copy)]
pub struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Reads the next map value as `T` (the one-liner generated `read_field` arms call).
///
/// # Errors
/// When the value cannot be decoded as `T`.
pub fn next<'de, T: FromWire, A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
    map.next_value::<Lenient<T>>().map(|Lenient(v)| v)
}

/// Splits an indexed key such as `net12` into its index when it belongs to `family`
/// (digits only, no sign, no leading `+`).
pub fn index_of(key: &str, family: &str) -> Option<u32> {
    let digits = key.strip_prefix(family)?;
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    digits.parse().ok()
}

/// A string-like type decoded through `FromStr` after reading the value as text (enums, property
/// strings, UPIDs). `FromStr` errors become decode errors.
///
/// # Errors
/// When the text does not parse.
pub fn from_wire_via_str<'de, T, D>(d: D) -> Result<T, D::Error>
where
    T: std::str::FromStr,
    T::Err: fmt::Display,
    D: Deserializer<'de>,
{
    let text = String::from_wire(d)?;
    text.parse().map_err(de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn de<T: FromWire>(v: serde_json::Value) -> Result<T, serde_json::Error> {
        from_value(v)
    }

    #[test]
    fn booleans_in_every_spelling() {
        for v in [
            json!(true),
            json!(1),
            json!("1"),
            json!("yes"),
            json!("ON"),
            json!(" true "),
        ] {
            assert!(de::<bool>(v.clone()).unwrap(), "{v}");
        }
        for v in [
            json!(false),
            json!(0),
            json!("0"),
            json!("no"),
            json!("Off"),
            json!(""),
        ] {
            assert!(!de::<bool>(v.clone()).unwrap(), "{v}");
        }
        assert!(de::<bool>(json!("maybe")).is_err());
    }

    #[test]
    fn integers_as_numbers_or_strings() {
        assert_eq!(de::<u64>(json!(42)).unwrap(), 42);
        assert_eq!(de::<u64>(json!("42")).unwrap(), 42);
        assert_eq!(de::<u64>(json!(" 7 ")).unwrap(), 7);
        assert_eq!(de::<i64>(json!("-3")).unwrap(), -3);
        assert_eq!(de::<u64>(json!(3.0)).unwrap(), 3);
        assert_eq!(de::<u64>(json!("12.0")).unwrap(), 12);
        assert_eq!(
            de::<u64>(json!(18_446_744_073_709_551_615u64)).unwrap(),
            u64::MAX
        );
        assert!(de::<u32>(json!(-1)).is_err());
        assert!(de::<u64>(json!("abc")).is_err());
        assert!(de::<u64>(json!(1.5)).is_err());
        assert_eq!(de::<f64>(json!("0.4")).unwrap(), 0.4);
        assert_eq!(de::<f64>(json!(2)).unwrap(), 2.0);
    }

    #[test]
    fn strings_accept_numbers_and_arrays_accept_null() {
        assert_eq!(de::<String>(json!(100)).unwrap(), "100");
        assert_eq!(de::<Vec<u32>>(json!(null)).unwrap(), Vec::<u32>::new());
        assert_eq!(de::<Vec<u32>>(json!(["1", 2])).unwrap(), vec![1, 2]);
        assert_eq!(de::<Option<u32>>(json!(null)).unwrap(), None);
        assert_eq!(de::<Option<u32>>(json!("5")).unwrap(), Some(5));
    }

    #[test]
    fn index_keys() {
        assert_eq!(index_of("net0", "net"), Some(0));
        assert_eq!(index_of("net31", "net"), Some(31));
        assert_eq!(index_of("net", "net"), None);
        assert_eq!(index_of("net01", "net"), None);
        assert_eq!(index_of("netx", "net"), None);
        assert_eq!(index_of("mp+1", "mp"), None);
        assert_eq!(index_of("unused300", "unused"), Some(300));
    }
}
