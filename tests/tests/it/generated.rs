//! Generated code compiles: the golden fixtures' expected output (warnings denied) and, when the
//! upstream schema is available, the complete PVE 8.4 bindings.

// Warnings denied, except that a fixture's items need not all be used by these tests.
#[deny(warnings)]
#[allow(clippy::all, dead_code)]
#[rustfmt::skip] // prettyplease output, compared byte for byte by the golden test
#[path = "../../../sdk-codegen/tests/golden/basic/expected.rs"]
mod golden_basic;

#[cfg(pve_8_4)]
#[allow(clippy::all, dead_code)]
mod pve_8_4 {
    include!(concat!(env!("OUT_DIR"), "/pve_8_4.rs"));
}

use proxmox_sdk::Endpoint;

#[test]
fn golden_fixture_endpoints_render_their_requests() {
    let req = golden_basic::nodes::PutNodesLxcConfig::new("pve1", 100)
        .delete(proxmox_sdk::wire::List::from(["net1", "mp0"]))
        .digest("abc");
    let parts = req.to_parts().expect("renders");
    assert_eq!(parts.path, "/nodes/pve1/lxc/100/config");
    assert_eq!(
        parts.form_body().as_deref(),
        Some("delete=net1%2Cmp0&digest=abc")
    );
}

#[cfg(pve_8_4)]
#[test]
fn pve_8_4_bindings_know_vm_monitor() {
    let info = <pve_8_4::nodes::PostNodesQemuMonitor as Endpoint>::INFO;
    let privileges = info.permission.privileges();
    assert!(
        privileges.contains(&proxmox_sdk::Privilege::UnknownValue("VM.Monitor".into())),
        "{privileges:?}"
    );
}
