//! Forward-compatible enums: every generated enum has an `UnknownValue(String)` fallback so a
//! value from a newer server never breaks decoding; strict contexts (property strings a program
//! builds) can still refuse unknown values.

/// What every generated enum can do; the impls below are written once for all of them.
pub trait WireEnum: Sized {
    /// The value as PVE spells it.
    fn as_wire(&self) -> &str;
    /// The variant for a wire value (`UnknownValue` for values the schema does not list).
    fn from_wire_str(s: &str) -> Self;
    /// Whether the value is one the schema lists.
    fn is_known(&self) -> bool;
}

/// Decoding, encoding, property-string and serde impls for a generated enum.
#[doc(hidden)]
#[macro_export]
macro_rules! wire_enum_impls {
    ($name:ident) => {
        impl $crate::__rt::FromWire for $name {
            fn from_wire<'de, D: $crate::__rt::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let text = <::std::string::String as $crate::__rt::FromWire>::from_wire(d)?;
                ::std::result::Result::Ok(<$name as $crate::__rt::WireEnum>::from_wire_str(&text))
            }
        }
        impl $crate::__rt::ToParam for $name {
            fn param_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed($crate::__rt::WireEnum::as_wire(self))
            }
        }
        impl $crate::__rt::PropertyValue for $name {
            const EXPECTED: &'static str = "one of the listed values";
            fn parse_value(text: &str) -> ::std::option::Option<Self> {
                ::std::option::Option::Some(<$name as $crate::__rt::WireEnum>::from_wire_str(text))
            }
            fn write_value(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed($crate::__rt::WireEnum::as_wire(self))
            }
            fn strictly_valid(&self) -> bool {
                $crate::__rt::WireEnum::is_known(self)
            }
        }
        /// The value PVE spells `text`; a value the schema does not list becomes
        /// `UnknownValue` and is sent as given.
        impl ::std::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                <$name as $crate::__rt::WireEnum>::from_wire_str(text)
            }
        }
        /// As `From<&str>`.
        impl ::std::convert::From<::std::string::String> for $name {
            fn from(text: ::std::string::String) -> Self {
                <$name as $crate::__rt::WireEnum>::from_wire_str(&text)
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
                s.serialize_str($crate::__rt::WireEnum::as_wire(self))
            }
        }
    };
}
