//! Schema variants a maintainer meets on a new PVE release (the golden fixtures in
//! `tests/golden/<variant>/`): non-strict generation never stops and lists every fallback and
//! rename in the build report; strict lowering refuses the unreviewed shapes, naming the file
//! and the entry to review. (That the generated code compiles is checked by the `sdk-tests`
//! crate, `golden_variants`.)

use std::path::Path;

use sdk_codegen::model::SchemaSet;
use sdk_codegen::{Generator, Settings, fixups, lower};

fn set(variant: &str) -> SchemaSet {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(variant);
    SchemaSet::load(&dir).unwrap_or_else(|e| panic!("{variant}: {e}"))
}

fn report(variant: &str) -> String {
    Generator::new(Settings::default())
        .generate(set(variant))
        .unwrap_or_else(|e| panic!("{variant}: {e}"))
        .report
        .to_string()
}

/// Strict lowering after the (non-strict) fixups: the error text.
fn strict_error(variant: &str) -> String {
    let mut s = set(variant);
    fixups::run_all(&mut s.api, false).expect("non-strict fixups never fail");
    match lower::lower(&s, true) {
        Ok(_) => panic!("{variant}: strict lowering accepted an unreviewed shape"),
        Err(e) => e.to_string(),
    }
}

fn lines<'a>(report: &'a str, prefix: &str) -> Vec<&'a str> {
    report.lines().filter(|l| l.starts_with(prefix)).collect()
}

#[test]
fn a_family_without_a_range_gets_the_default_container() {
    let r = report("indexed-default");
    assert_eq!(
        lines(&r, "fallback:"),
        [
            "fallback: GET /nodes/{node}/widgets: indexed family `slot[n]` of \
             `GetNodesWidgetsResponse` has no reviewed range for this path; `slot0`..`slot255` \
             (Indexed<T, 255>)",
            "fallback: POST /nodes/{node}/widgets: indexed family `slot[n]` of `PostNodesWidgets` \
             has no reviewed range for this path; `slot0`..`slot255` (Indexed<T, 255>)",
        ]
    );
    assert_eq!(
        strict_error("indexed-default"),
        "indexed-keys.json: GET /nodes/{node}/widgets: indexed family `slot[n]` of \
         `GetNodesWidgetsResponse` has no reviewed range for this path"
    );
}

#[test]
fn unknown_formats_attributes_and_types_are_reported_and_refused_when_strict() {
    for (variant, first) in [
        (
            "unknown-format",
            "POST /nodes/{node}/gadgets: property `count` of `PostNodesGadgets` has unknown \
             format `pve-counter`",
        ),
        (
            "unknown-attribute",
            "POST /nodes/{node}/gizmos: property `size` of `PostNodesGizmos` has unknown \
             attribute `x-unit`",
        ),
        (
            "unknown-type",
            "POST /nodes/{node}/probes: property `ratio` of `PostNodesProbes` has unknown type \
             `float`",
        ),
    ] {
        let r = report(variant);
        let fallbacks = lines(&r, "fallback:");
        assert!(
            fallbacks
                .iter()
                .any(|l| l.starts_with(&format!("fallback: {first}; "))),
            "{variant}: {fallbacks:?}"
        );
        assert_eq!(
            strict_error(variant),
            format!("pve-api.json: {first}"),
            "{variant}"
        );
    }
}

#[test]
fn an_unknown_method_attribute_is_reported() {
    let r = report("unknown-attribute");
    assert!(
        lines(&r, "fallback:").contains(
            &"fallback: GET /nodes/{node}/gizmos/{id}: the method has unknown attribute \
              `streaming`; ignored"
        ),
        "{r}"
    );
}

#[test]
fn unknown_type_fallbacks_say_which_type_they_got() {
    let r = report("unknown-type");
    assert_eq!(lines(&r, "fallback:").len(), 3, "{r}");
    assert!(
        r.contains("has unknown type `decimal`; typed as serde_json::Value"),
        "{r}"
    );
    let f = report("unknown-format");
    assert!(
        f.contains("unknown format `pve-brand-new-list`; a `*-list` format: typed as List<String>"),
        "{f}"
    );
}

#[test]
fn upstream_quirks_are_normalized_by_counted_fixups() {
    for (variant, fixup) in [
        ("untyped-parameter", "untyped-definitions x5"),
        ("array-without-items", "array-without-items x3"),
        ("numbers-as-strings", "numbers-as-strings x5"),
    ] {
        let r = report(variant);
        let line = lines(&r, "fixups:").concat();
        assert!(line.contains(fixup), "{variant}: {line}");
        let name = fixup.split(' ').next().expect("name");
        assert_eq!(
            lines(&r, &format!("fixed by {name}: ")).len(),
            1,
            "{variant}: a line naming where {name} applied\n{r}"
        );
        assert!(lines(&r, "fallback:").is_empty(), "{variant}: {r}");
    }
}

#[test]
fn colliding_names_are_renamed_deterministically_and_listed() {
    let r = report("collisions");
    let renamed = lines(&r, "renamed:");
    for expected in [
        "renamed: PUT /nodes/{node}/things/{foo-bar}: field `foo_bar` (wire `foo.bar`) renamed to `foo_bar_2`",
        "renamed: PUT /nodes/{node}/things/{foo-bar}: field `foo_bar` (wire `foo_bar`) renamed to `foo_bar_3`",
        "renamed: PUT /nodes/{node}/things/{foo-bar}: field `foobar` (wire `foobar`) renamed to `foobar_2`",
        "renamed: PUT /nodes/{node}/things/{foo-bar}: field `r#ref` (wire `ref`) renamed to `ref_2`",
        "renamed: PUT /nodes/{node}/things/{foo-bar}: field `extra` (wire `extra`) renamed to `extra_2`",
        "renamed: GET /nodes/{node}/a_b: endpoint type `nodes::GetNodesAB` renamed to `GetNodesAB2`",
        "renamed: GET /nodes/{node}/things/{foo-bar}: type `GetNodesThingsFooBarResponseXY` (property `x_y`) renamed to `GetNodesThingsFooBarResponseXY2`",
        // A struct never takes the name of an endpoint type (`GET /nodes/{node}/things/item`).
        "renamed: GET /nodes/{node}/things: type `GetNodesThingsItem` (the response) renamed to `GetNodesThingsItem2`",
    ] {
        assert!(
            renamed.contains(&expected),
            "missing {expected}\nin {renamed:#?}"
        );
    }
    // Same input, same names: the renames do not depend on anything but the names.
    assert_eq!(r, report("collisions"));
    // Renames are not unreviewed shapes: strict lowering accepts them.
    let mut s = set("collisions");
    fixups::run_all(&mut s.api, false).expect("fixups");
    lower::lower(&s, true).expect("strict lowering renames too");
}

#[test]
fn unknown_permission_checks_and_http_methods_are_reported_and_refused_when_strict() {
    let r = report("unknown-permission");
    assert_eq!(
        lines(&r, "fallback:"),
        [
            "fallback: POST /nodes/{node}/beacons: permission check has unknown operator \
             `quorum`: [\"quorum\",\"/nodes/{node}\"]; documented as root@pam only",
            "fallback: PUT /nodes/{node}/beacons: permission check has unknown option \
             `sometimes`: [\"perm\",\"/nodes/{node}\",[\"Sys.Modify\"],\"sometimes\",1]; \
             documented as root@pam only",
            "fallback: DELETE /nodes/{node}/beacons: unknown permissions.user `nobody`; \
             documented as root@pam only",
        ]
    );
    assert!(
        strict_error("unknown-permission").contains("unknown operator `quorum`"),
        "{}",
        strict_error("unknown-permission")
    );
    let r = report("unknown-http-method");
    assert_eq!(
        lines(&r, "fallback:"),
        ["fallback: PATCH /nodes/{node}/lamps: unknown HTTP method `PATCH`; endpoint left out"]
    );
    assert!(r.starts_with("PVE fixture API: 1 endpoints"), "{r}");
    assert_eq!(
        strict_error("unknown-http-method"),
        "pve-api.json: PATCH /nodes/{node}/lamps: unknown HTTP method `PATCH`"
    );
}

#[test]
fn enums_and_property_strings_at_a_response_root_are_text() {
    let r = report("response-roots");
    assert_eq!(
        lines(&r, "fallback:"),
        [
            "fallback: GET /nodes/{node}/colors: `item` of `GetNodesColors` is an enum without a \
             name; typed as String",
            "fallback: GET /nodes/{node}/moods: the response of `GetNodesMoods` is an enum \
             without a name; typed as String",
            "fallback: GET /nodes/{node}/spec: the response of `GetNodesSpec` is a property \
             string without a name; typed as String",
        ]
    );
}

#[test]
fn parameters_no_form_can_carry_become_json_values() {
    let r = report("odd-shapes");
    let fallbacks = lines(&r, "fallback:");
    for wire in ["labels", "nothing", "spec"] {
        let line = format!(
            "fallback: POST /nodes/{{node}}/odd: parameter `{wire}` has a shape a request cannot \
             carry (`null`, an object or a map); typed as serde_json::Value"
        );
        assert!(
            fallbacks.contains(&line.as_str()),
            "{line}\nin {fallbacks:#?}"
        );
    }
}
