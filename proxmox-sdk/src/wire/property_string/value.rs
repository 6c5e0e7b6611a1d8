//! The values a sub-key can hold: booleans, numbers, strings (and generated enums).

use std::borrow::Cow;

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
        crate::wire::de::parse_bool(text)
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
