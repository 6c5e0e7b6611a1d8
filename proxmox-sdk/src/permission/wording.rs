//! The wording of a requirement: `sdk_codegen::wording`, the renderer that also words the
//! generated docs, compiled here from the source `build.rs` copied out of the generator.

// The shared items are public in the generator's API and crate-internal here.
#![allow(unreachable_pub)]

include!(concat!(env!("OUT_DIR"), "/permission_wording.rs"));
