//! The crate-root items: `SCHEMA_VERSION` (the schema's PVE version), and the `Privilege` enum:
//! every privilege of the pinned PVE version (from `privileges.json`) plus any other name the
//! schema's checks use.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::spell::doc_lines;
use crate::naming;

pub(super) fn privilege(names: &[String], pve_version: &str) -> TokenStream {
    let name = format_ident!("Privilege");
    let doc = doc_lines(&[
        "A PVE privilege, as named in roles, ACLs and permission errors.".to_string(),
        String::new(),
        format!(
            "Covers all {} privileges the vendored schema's PVE version defines; a name this",
            names.len()
        ),
        "version does not know (from a newer server) is kept in `UnknownValue`.".to_string(),
    ]);
    let values: Vec<(String, String)> = names
        .iter()
        .map(|n| (n.clone(), naming::pascal(n)))
        .collect();
    let body = super::types::enum_tokens(&name, doc, &values);
    quote! {
        #[allow(unused_imports)]
        use ::proxmox_sdk::__rt as rt;
        /// The PVE version of the schema these bindings were generated from (`pve_version` of
        /// the vendored `pve-api.json`, as `schema/SOURCE.md` records it).
        pub const SCHEMA_VERSION: &str = #pve_version;
        #body
    }
}
