//! What lowering does with a schema shape nobody has reviewed yet.
//!
//! In strict mode (what `build.rs` uses for the vendored schema) each of these is an error naming
//! the file and the entry to review. In non-strict mode (`sdk-codegen generate`, `diff`, another
//! PVE version) the generator never stops: it picks the most useful type, says so in the build
//! report (`fallback: …` lines), and the code still compiles.
//!
//! | shape | non-strict type | report |
//! |---|---|---|
//! | `name[n]` family without a range in `indexed-keys.json` | `Indexed<T, 255>` ([`DEFAULT_INDEX_MAX`]) | `fallback: SITE: indexed family …` |
//! | `format` not in [`KNOWN_FORMATS`] | what `type` says (a `*-list` format: `List<String>`) | `fallback: SITE: unknown format …` |
//! | a keyword not in the model or [`REVIEWED_ATTRIBUTES`] (of a property, or of a method) | ignored | `fallback: SITE: unknown attribute …` |
//! | a `type` word lowering does not know | `serde_json::Value` | `fallback: SITE: unknown type …` |
//! | a property-string key without a type, or of a type a property string cannot hold | `String` | `fallback: …` |
//! | an HTTP method other than GET/POST/PUT/DELETE | the endpoint is left out | `fallback: …` |
//! | an enum or property string where shared types are not collected (a response's root, the items of a root array, the values of a root map) | `String` | `fallback: …` |
//! | a parameter of type `null`, or an object or map (no form encoding for it) | `serde_json::Value` | `fallback: …` |
//! | a permission check lowering does not understand (unknown operator, option, shape) | `Permission::RootOnly` (the strictest reading) | `fallback: …` |
//!
//! Quirks seen in released schemas are normalized earlier by named [`crate::fixups`] in both
//! modes, counted on the report's `fixups:` line and located by a `fixed by NAME:` line each
//! (the methods changed): definitions without `type`
//! (`untyped-definitions`), arrays without `items` (`array-without-items`, items become
//! `serde_json::Value`), and numbers or flags written as strings (`numbers-as-strings`,
//! `flags-as-strings`).
//!
//! Names that collide after conversion to Rust are renamed the same way in both modes (see
//! [`crate::naming`], "Collisions"), and every rename is a `renamed:` report line.

use super::LowerError;
use crate::ir::Stats;

/// The index range given to a `name[n]` family that `indexed-keys.json` does not list: 0..=255,
/// the largest range any PVE family has (`mp[n]`, `unused[n]`).
pub const DEFAULT_INDEX_MAX: u32 = 255;

/// Every registered `format` name in the PVE 7.4, 8.4 and 9.1 schemas. Formats only decide
/// between text and `*-list` types; a new name is reviewed (does it hold a list? a number?) and
/// added here.
pub const KNOWN_FORMATS: &[&str] = &[
    "CIDR",
    "CIDRv4",
    "CIDRv6",
    "FullRangeCIDR",
    "IPorCIDR",
    "IPorCIDRorAlias",
    "address",
    "address-list",
    "backup-fleecing",
    "backup-performance",
    "bridge-pair-list",
    "disk-size",
    "dns-name",
    "dns-name-list",
    "email-list",
    "email-opt",
    "email-or-username",
    "email-or-username-list",
    "graphite-path",
    "ip",
    "ip-list",
    "ipv4",
    "ipv4mask",
    "ipv6",
    "ldap-simple-attr",
    "ldap-simple-attr-list",
    "lxc-ip-with-ll-iface-list",
    "mac-addr",
    "mac-prefix",
    "pem-certificate",
    "pem-certificate-chain",
    "pem-string",
    "proxmox-remote",
    "prune-backups",
    "pve-acme-alias",
    "pve-acme-domain",
    "pve-acme-domain-list",
    "pve-bridge-id",
    "pve-bridge-id-list",
    "pve-calendar-event",
    "pve-command-batch",
    "pve-configid",
    "pve-configid-list",
    "pve-cpuset",
    "pve-ct-timezone",
    "pve-day-of-week-list",
    "pve-dir-override-list",
    "pve-fw-addr-spec",
    "pve-fw-conntrack-helper",
    "pve-fw-dport-spec",
    "pve-fw-icmp-type-spec",
    "pve-fw-protocol-spec",
    "pve-fw-sport-spec",
    "pve-groupid",
    "pve-groupid-list",
    "pve-ha-group-node-list",
    "pve-ha-node-list",
    "pve-ha-resource-id-list",
    "pve-ha-resource-or-vm-id",
    "pve-hotplug-features",
    "pve-iface",
    "pve-iface-list",
    "pve-ipv4-config",
    "pve-ipv6-config",
    "pve-lxc-dev-string",
    "pve-lxc-mp-string",
    "pve-node",
    "pve-node-list",
    "pve-poolid",
    "pve-priv-list",
    "pve-qemu-sev-fmt",
    "pve-qemu-tdx-fmt",
    "pve-qm-boot",
    "pve-qm-bootdisk",
    "pve-qm-cicustom",
    "pve-qm-hostpci",
    "pve-qm-ide",
    "pve-qm-ipconfig",
    "pve-qm-rng",
    "pve-qm-smbios1",
    "pve-qm-usb-device",
    "pve-qm-watchdog",
    "pve-realm",
    "pve-replication-job-id",
    "pve-roleid",
    "pve-roleid-list",
    "pve-sdn-bgp-rt-list",
    "pve-sdn-controller-id",
    "pve-sdn-dhcp-range",
    "pve-sdn-dns-id",
    "pve-sdn-fabric-id",
    "pve-sdn-fabric-wireguard-interface",
    "pve-sdn-ipam-id",
    "pve-sdn-isis-net",
    "pve-sdn-prefix-list-id",
    "pve-sdn-route-map-id",
    "pve-sdn-subnet-id",
    "pve-sdn-vnet-id",
    "pve-sdn-zone-id",
    "pve-startup-order",
    "pve-storage-content",
    "pve-storage-content-list",
    "pve-storage-format",
    "pve-storage-id",
    "pve-storage-id-list",
    "pve-storage-options",
    "pve-storage-path",
    "pve-storage-path-in-property-string",
    "pve-storage-portal-dns",
    "pve-storage-portal-dns-list",
    "pve-storage-server",
    "pve-storage-vgname",
    "pve-tag-list",
    "pve-task-status-type-list",
    "pve-tfa-config",
    "pve-tokenid-list",
    "pve-userid",
    "pve-userid-list",
    "pve-vlan-id-or-range-list",
    "pve-vm-cpu-conf",
    "pve-vmid",
    "pve-vmid-list",
    "pve-volume-id",
    "pve-volume-id-or-absolute-path",
    "pve-volume-id-or-qm-path",
    "realm-sync-options",
    "storage-pair-list",
    "string",
    "string-alist",
    "string-list",
    "urlencoded",
];

/// Keywords outside [`crate::model::PropDef`]'s named fields that released schemas use and that
/// carry nothing the generated types need (`min`/`max` of one 7.4–9.1 return object).
pub const REVIEWED_ATTRIBUTES: &[&str] = &["min", "max"];

/// Where lowering meets an unreviewed shape: an error in strict mode, a report line otherwise.
pub(super) fn unreviewed(
    strict: bool,
    stats: &mut Stats,
    file: &str,
    site: &str,
    problem: String,
    fallback: &str,
) -> Result<(), LowerError> {
    if strict {
        return Err(LowerError::new(format!("{file}: {site}"), problem));
    }
    stats
        .fallbacks
        .push(format!("{site}: {problem}; {fallback}"));
    Ok(())
}
