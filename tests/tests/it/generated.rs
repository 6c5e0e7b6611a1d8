//! Generated code compiles: the golden fixtures' expected output and, when the upstream schema
//! is available, the complete PVE 8.4 bindings, all with warnings denied.
//!
//! Every compiled piece of generated output goes through [`generated_code!`], which holds it to
//! the lints the SDK holds its own generated API to (the list and its reasons are in
//! `proxmox-sdk/src/api.rs`; `the_generated_code_allows_what_the_sdk_allows` keeps the two
//! equal), plus two that come from including it here: a test uses only some of a fixture's
//! items (`dead_code`), and its `pub` items sit in a private module of a test binary
//! (`unreachable_pub`).

/// A module of generated code: `generated_code! { #[path = "…"] mod name; }` or
/// `generated_code! { mod name { include!(…); } }`.
#[rustfmt::skip] // rustfmt re-indents attributes inside a macro body
macro_rules! generated_code {
    ($(#[$attr:meta])* mod $name:ident $($body:tt)*) => {
        #[deny(warnings)]
        #[allow(
            clippy::new_without_default,
            clippy::wrong_self_convention,
            clippy::match_single_binding
        )]
        #[allow(dead_code, unreachable_pub)]
        $(#[$attr])*
        mod $name $($body)*
    };
}

generated_code! {
    #[rustfmt::skip] // prettyplease output, compared byte for byte by the golden test
    #[path = "../../../sdk-codegen/tests/golden/basic/expected.rs"]
    mod golden_basic;
}

generated_code! {
    #[cfg(pve_8_4)]
    mod pve_8_4 {
        include!(concat!(env!("OUT_DIR"), "/pve_8_4.rs"));
    }
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

/// The `**Permission:**` doc line of the generated type `name` in `source`.
fn documented_permission<'a>(source: &'a str, name: &str) -> &'a str {
    let at = source
        .find(&format!("pub struct {name} {{"))
        .expect("the type");
    let line = source[..at]
        .rfind("/// **Permission:** ")
        .expect("a permission doc line");
    let text = &source[line + "/// **Permission:** ".len()..];
    &text[..text.find('\n').expect("end of line")]
}

#[test]
fn the_runtime_words_a_requirement_exactly_as_the_generated_docs_do() {
    use golden_basic::{access, cluster, nodes};
    let source = include_str!("../../../sdk-codegen/tests/golden/basic/expected.rs");
    let checks = [
        ("PutAccessAcl", access::PutAccessAcl::INFO.permission),
        (
            "PutAccessUsersUserid",
            access::PutAccessUsersUserid::INFO.permission,
        ),
        ("PostNodesLxc", nodes::PostNodesLxc::INFO.permission),
        (
            "PutNodesLxcConfig",
            nodes::PutNodesLxcConfig::INFO.permission,
        ),
    ];
    for (name, permission) in checks {
        assert_eq!(
            permission.to_string(),
            documented_permission(source, name),
            "{name}"
        );
    }
    // The requirements without a check are sentences in the docs.
    let others = [
        (
            "PostAccessTicket",
            access::PostAccessTicket::INFO.permission,
        ),
        (
            "PostClusterReboot",
            cluster::PostClusterReboot::INFO.permission,
        ),
        ("GetNodesLxc", nodes::GetNodesLxc::INFO.permission),
    ];
    for (name, permission) in others {
        assert_eq!(
            format!("{permission}."),
            documented_permission(source, name),
            "{name}"
        );
    }
}

/// The lints named in the first `allow(` list after `marker` in `source`.
fn allowed_after<'a>(source: &'a str, marker: &str) -> Vec<&'a str> {
    let from = source.find(marker).expect("marker") + marker.len();
    let rest = &source[from..];
    let open = rest.find("allow(").expect("an allow list") + "allow(".len();
    let close = open + rest[open..].find(')').expect("closing parenthesis");
    rest[open..close]
        .split(',')
        .map(str::trim)
        .filter(|lint| !lint.is_empty())
        .collect()
}

#[test]
fn the_generated_code_allows_what_the_sdk_allows() {
    let sdk = allowed_after(include_str!("../../../proxmox-sdk/src/api.rs"), "#![");
    assert_eq!(
        sdk,
        [
            "clippy::new_without_default",
            "clippy::wrong_self_convention",
            "clippy::match_single_binding"
        ]
    );
    let here = include_str!("generated.rs");
    assert_eq!(allowed_after(here, "macro_rules! generated_code"), sdk);
}
