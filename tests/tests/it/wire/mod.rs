//! Wire-format tests of the generated API: decoding real response shapes, encoding exact bytes.
