//! Wire-format tests of the generated API: decoding real response shapes, encoding exact bytes.

mod decode;
mod encode;
mod literals;
mod property_strings;
