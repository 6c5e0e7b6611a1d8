//! The per-feature golden fixtures (enums, indexed keys, permissions, property strings, tasks)
//! and the non-strict ones (schema variants the generator has to take without a stop:
//! `sdk-codegen/tests/golden/<variant>/`) compile with warnings denied, and the renamed or
//! fallback-typed items still put the schema's wire names on the wire.

macro_rules! golden {
    ($name:ident, $path:literal) => {
        generated_code! {
            #[rustfmt::skip] // prettyplease output, compared byte for byte by the golden test
            #[path = $path]
            mod $name;
        }
    };
}

// One fixture per generator feature, cut from `basic`.
golden!(
    feature_enums,
    "../../../sdk-codegen/tests/golden/feature-enums/expected.rs"
);
golden!(
    feature_indexed_keys,
    "../../../sdk-codegen/tests/golden/feature-indexed-keys/expected.rs"
);
golden!(
    feature_permissions,
    "../../../sdk-codegen/tests/golden/feature-permissions/expected.rs"
);
golden!(
    feature_property_strings,
    "../../../sdk-codegen/tests/golden/feature-property-strings/expected.rs"
);
golden!(
    feature_tasks,
    "../../../sdk-codegen/tests/golden/feature-tasks/expected.rs"
);
golden!(
    collisions,
    "../../../sdk-codegen/tests/golden/collisions/expected.rs"
);
golden!(
    indexed_default,
    "../../../sdk-codegen/tests/golden/indexed-default/expected.rs"
);
golden!(
    unknown_format,
    "../../../sdk-codegen/tests/golden/unknown-format/expected.rs"
);
golden!(
    unknown_attribute,
    "../../../sdk-codegen/tests/golden/unknown-attribute/expected.rs"
);
golden!(
    unknown_type,
    "../../../sdk-codegen/tests/golden/unknown-type/expected.rs"
);
golden!(
    untyped_parameter,
    "../../../sdk-codegen/tests/golden/untyped-parameter/expected.rs"
);
golden!(
    array_without_items,
    "../../../sdk-codegen/tests/golden/array-without-items/expected.rs"
);
golden!(
    unknown_permission,
    "../../../sdk-codegen/tests/golden/unknown-permission/expected.rs"
);
golden!(
    unknown_http_method,
    "../../../sdk-codegen/tests/golden/unknown-http-method/expected.rs"
);
golden!(
    response_roots,
    "../../../sdk-codegen/tests/golden/response-roots/expected.rs"
);
golden!(
    odd_shapes,
    "../../../sdk-codegen/tests/golden/odd-shapes/expected.rs"
);
golden!(
    numbers_as_strings,
    "../../../sdk-codegen/tests/golden/numbers-as-strings/expected.rs"
);

use proxmox_sdk::Endpoint;

#[test]
fn colliding_names_keep_their_wire_names() {
    let req = collisions::nodes::PutNodesThingsFooBar::new("pve1", "t1")
        .foo_bar_2(7)
        .foo_bar_3("u")
        .foobar(true)
        .foobar_2("l")
        .r#ref("R")
        .ref_2("r")
        .extra_2("e")
        .with_new("n")
        .mode(collisions::types::ThingsMode::SelfValue2);
    let parts = req.to_parts().expect("renders");
    assert_eq!(parts.path, "/nodes/pve1/things/t1");
    assert_eq!(
        parts.form_body().as_deref(),
        Some("FooBar=1&Ref=R&extra=e&foo.bar=7&foo_bar=u&foobar=l&mode=self&new=n&ref=r")
    );
    // Two paths with one Rust name: the second type gets a suffix, both keep their path.
    let a = collisions::nodes::GetNodesAB::new("pve1")
        .to_parts()
        .expect("renders");
    let b = collisions::nodes::GetNodesAB2::new("pve1")
        .to_parts()
        .expect("renders");
    assert_eq!(
        (a.path.as_str(), b.path.as_str()),
        ("/nodes/pve1/a-b", "/nodes/pve1/a_b")
    );
    assert_eq!(
        collisions::type_::GetType::new()
            .to_parts()
            .expect("renders")
            .path,
        "/type"
    );
}

#[test]
fn a_family_without_a_range_takes_indices_up_to_255() {
    let ok = indexed_default::nodes::PostNodesWidgets::new("pve1", "w")
        .slot(255, "a")
        .to_parts()
        .expect("index 255 is in the default range");
    assert_eq!(ok.form_body().as_deref(), Some("name=w&slot255=a"));
    let err = indexed_default::nodes::PostNodesWidgets::new("pve1", "w")
        .slot(256, "a")
        .to_parts();
    assert!(
        err.is_err(),
        "index 256 is refused when the request is built"
    );
}

#[test]
fn unknown_shapes_get_useful_types() {
    // An unknown `*-list` format is still a list; an unknown type takes any JSON value.
    let req = unknown_format::nodes::PostNodesGadgets::new("pve1", "S1")
        .peers(proxmox_sdk::wire::List::from(["a", "b"]))
        .count(3);
    assert_eq!(
        req.to_parts().expect("renders").form_body().as_deref(),
        Some("count=3&peers=a%2Cb&serial=S1")
    );
    let probe = unknown_type::nodes::PostNodesProbes::new("pve1", serde_json::json!("now"))
        .ratio(serde_json::json!(0.5));
    assert_eq!(
        probe.to_parts().expect("renders").form_body().as_deref(),
        Some("ratio=0.5&when=now")
    );
    let batch = array_without_items::nodes::PostNodesBatches::new("pve1")
        .ids(vec![serde_json::json!(1), serde_json::json!(2)]);
    assert_eq!(
        batch.to_parts().expect("renders").form_body().as_deref(),
        Some("ids=1&ids=2")
    );
    // Bounds written as strings are read as numbers: `limit` is 0..=100, so `u32`.
    let quota = numbers_as_strings::nodes::PostNodesQuotas::new("pve1", "q").limit(100u32);
    assert_eq!(
        quota.to_parts().expect("renders").form_body().as_deref(),
        Some("limit=100&name=q")
    );
}

#[test]
fn an_unreadable_permission_check_is_documented_as_root_only() {
    let info = <unknown_permission::nodes::PostNodesBeacons as Endpoint>::INFO;
    assert_eq!(*info.permission, proxmox_sdk::Permission::RootOnly);
}

#[test]
fn credentials_of_any_type_stay_out_of_debug_output() {
    let req = odd_shapes::nodes::PostNodesOdd::new("pve1", 424242)
        .ticket(serde_json::json!("PVE:tok"))
        .nothing(serde_json::Value::Null);
    let shown = format!("{req:?}");
    assert!(shown.contains("password: <redacted>"), "{shown}");
    assert!(
        !shown.contains("424242") && !shown.contains("PVE:tok"),
        "{shown}"
    );
    // The `null`-typed parameter became a JSON value, sent as its JSON text; the path
    // parameter is not in the body.
    let body = req.to_parts().expect("renders").form_body();
    assert_eq!(
        body.as_deref(),
        Some("nothing=null&password=424242&ticket=PVE%3Atok")
    );
}

#[test]
fn each_feature_fixture_keeps_its_feature() {
    // Tasks: the create call answers a UPID.
    fn answers_a_upid<E: Endpoint<Response = proxmox_sdk::Upid>>() {}
    answers_a_upid::<feature_tasks::nodes::PostNodesLxc>();
    // Permissions: no `permissions` block means root only.
    assert_eq!(
        *feature_permissions::cluster::PostClusterReboot::INFO.permission,
        proxmox_sdk::Permission::RootOnly
    );
    // Enums: a value from a newer server is kept.
    let status: feature_enums::types::LxcStatus = "paused".parse().unwrap();
    assert_eq!(status.to_string(), "paused");
    // Indexed keys: `unused[n]` goes up to `unused255`.
    let config: feature_indexed_keys::nodes::GetNodesQemuConfigResponse =
        proxmox_sdk::wire::de::from_value(serde_json::json!({"unused255": "local:vm-100-disk-9"}))
            .unwrap();
    assert_eq!(config.unused.len(), 1);
}
