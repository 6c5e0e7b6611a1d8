//! The trait impls every generated property-string type gets, as one macro.

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
