//! felhom-agent: the host agent that owns all Proxmox interaction on a PVE host.
//!
//! Slice 1 (config, `--selftest`, the fenced root-CLI backend) arrives in its own issue; this
//! binary only identifies itself for now.

fn main() {
    println!("felhom-agent {}", env!("CARGO_PKG_VERSION"));
}
