//! Fuzz target: `sdk_tests::oracles::permission_denied` on any UTF-8 text.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| sdk_tests::oracles::permission_denied(text));
