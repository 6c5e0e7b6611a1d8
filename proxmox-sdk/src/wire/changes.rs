//! Sending only what changed: an update reduced to the keys that differ between the
//! configuration as read and as modified, with removed keys in `delete` and the `digest` of the
//! read, so PVE refuses the update if someone else changed the configuration in between.
//!
//! ```
//! use proxmox_sdk::api::nodes::GetNodesLxcConfigResponse;
//! use proxmox_sdk::wire::changes;
//! use proxmox_sdk::Endpoint;
//!
//! let read: GetNodesLxcConfigResponse = proxmox_sdk::wire::de::from_value(serde_json::json!({
//!     "digest": "9e1f", "memory": 512, "net0": "name=eth0,bridge=vmbr0", "net1": "name=eth1,bridge=vmbr1"
//! })).unwrap();
//! let mut wanted = read.clone();
//! wanted.memory = Some(1024);
//! wanted.net.remove(1);
//! let update = changes(&read.to_put("pve1", 100), wanted.to_put("pve1", 100));
//! assert_eq!(
//!     update.to_parts().unwrap().form_body().unwrap(),
//!     "digest=9e1f&memory=1024&delete=net1"
//! );
//! assert!(!update.is_unchanged());
//! assert!(changes(&read.to_put("pve1", 100), read.to_put("pve1", 100)).is_unchanged());
//! ```

use std::collections::BTreeMap;

use super::params::{ParamWriter, PathWriter};
use crate::endpoint::{Endpoint, EndpointInfo};

/// Keys that are always sent as they are in the new request, never diffed or deleted.
const ALWAYS_SENT: &[&str] = &["digest"];

/// An update request that sends only the parameters differing from a base request.
#[derive(Debug, Clone)]
pub struct Changes<E> {
    base: BTreeMap<String, Vec<String>>,
    request: E,
}

/// Reduces `after` to the parameters that differ from `before` (both usually built with a
/// response's `to_put`): changed keys are sent, keys present in `before` but not in `after` are
/// listed in `delete`, and `digest` is sent as `after` has it.
pub fn changes<E: Endpoint>(before: &E, after: E) -> Changes<E> {
    let mut w = ParamWriter::new();
    before.write_params(&mut w);
    Changes {
        base: grouped(&w),
        request: after,
    }
}

impl<E> Changes<E> {
    /// The full request the changes were computed from.
    pub fn request(&self) -> &E {
        &self.request
    }

    /// Whether sending would change nothing: no parameter differs from the base and nothing
    /// is deleted (the always-sent `digest` aside).
    pub fn is_unchanged(&self) -> bool
    where
        E: Endpoint,
    {
        let mut w = ParamWriter::new();
        self.write_params(&mut w);
        w.pairs().all(|(key, _)| ALWAYS_SENT.contains(&key))
    }
}

fn grouped(w: &ParamWriter) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in w.pairs() {
        out.entry(k.to_string()).or_default().push(v.to_string());
    }
    out
}

impl<E: Endpoint> Endpoint for Changes<E> {
    type Response = E::Response;
    const INFO: &'static EndpointInfo = E::INFO;

    fn write_path(&self, out: &mut PathWriter) {
        self.request.write_path(out);
    }

    fn write_params(&self, out: &mut ParamWriter) {
        let mut full = ParamWriter::new();
        self.request.write_params(&mut full);
        let after = grouped(&full);
        let mut delete: Vec<String> = Vec::new();
        for (key, value) in full.pairs() {
            let changed = self.base.get(key) != after.get(key);
            if key == "delete" {
                delete.extend(value.split(',').map(str::to_string));
            } else if changed || ALWAYS_SENT.contains(&key) {
                out.push(std::borrow::Cow::Owned(key.to_string()), value.to_string());
            }
        }
        for key in self.base.keys() {
            if !after.contains_key(key) && !ALWAYS_SENT.contains(&key.as_str()) && key != "delete" {
                delete.push(key.clone());
            }
        }
        if !delete.is_empty() {
            out.push(std::borrow::Cow::Borrowed("delete"), delete.join(","));
        }
        out.adopt_rejection(full);
    }
}

impl ParamWriter {
    /// Takes over the first rejected value of another writer, if any.
    pub(crate) fn adopt_rejection(&mut self, other: ParamWriter) {
        if let Err(e) = other.into_pairs() {
            self.reject(e);
        }
    }
}
