//! Fuzz target: `sdk_tests::oracles::extract` on any bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| sdk_tests::oracles::extract(bytes));
