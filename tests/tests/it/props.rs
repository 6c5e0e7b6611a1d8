//! The proptest equivalents of the fuzz targets in `fuzz/` (which need a nightly toolchain): the
//! same oracles (`sdk_tests::oracles`), fed from generators shaped like each input, on stable
//! in every run. Case counts are bounded so the suite stays fast.

use proptest::prelude::*;
use sdk_tests::oracles;
use serde_json::{Value, json};

/// Cases per generator: 256, or `$PROPS_CASES` for a longer hunt.
fn cases() -> u32 {
    std::env::var("PROPS_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// A text with one byte-level edit: a character replaced, removed or inserted.
fn mutated(base: BoxedStrategy<String>) -> BoxedStrategy<String> {
    (base, any::<prop::sample::Index>(), any::<char>(), 0u8..3)
        .prop_map(|(text, at, c, how)| {
            let mut chars: Vec<char> = text.chars().collect();
            if chars.is_empty() {
                return c.to_string();
            }
            let i = at.index(chars.len());
            match how {
                0 => chars[i] = c,
                1 => {
                    chars.remove(i);
                }
                _ => chars.insert(i, c),
            }
            chars.into_iter().collect()
        })
        .boxed()
}

fn upid_like() -> BoxedStrategy<String> {
    let hex = |n: usize| proptest::string::string_regex(&format!("[0-9A-Fa-f]{{{n}}}")).unwrap();
    (
        "[a-z][a-z0-9-]{0,10}",
        hex(8),
        hex(8),
        prop::option::of(hex(8)),
        hex(8),
        "[a-z]{1,12}",
        "[a-z0-9:\\\\-]{0,8}",
        "[a-z]{1,8}@(pam|pve)(![a-z]{1,6})?",
    )
        .prop_map(
            |(node, pid, pstart, task, start, kind, id, user)| match task {
                Some(task) => {
                    format!("UPID:{node}:{pid}:{pstart}:{task}:{start}:{kind}:{id}:{user}:")
                }
                None => format!("UPID:{node}:{pid}:{pstart}:{start}:{kind}:{id}:{user}:"),
            },
        )
        .boxed()
}

fn denied_like() -> BoxedStrategy<String> {
    (
        prop::sample::select(vec![
            "Permission check failed",
            "403 Permission check failed",
            "unable to restore CT 100 - 403 Permission check failed",
        ]),
        "[ ()/,|&a-zA-Z0-9.!\\n-]{0,60}",
    )
        .prop_map(|(head, tail)| format!("{head}{tail}"))
        .boxed()
}

fn property_like() -> BoxedStrategy<String> {
    let key = prop::sample::select(vec![
        "name", "bridge", "hwaddr", "ip", "gw", "tag", "type", "size", "mp", "backup", "ro",
        "enabled", "firewall", "rate", "mtu", "keyctl", "nesting", "order", "file", "cache",
    ]);
    let value = "[A-Za-z0-9_./:;=-]{0,12}";
    prop::collection::vec((key, value, any::<bool>()), 0..6)
        .prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v, keyed)| if keyed { format!("{k}={v}") } else { v })
                .collect::<Vec<_>>()
                .join(",")
        })
        .boxed()
}

/// JSON values whose keys are often real response field names.
fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-zA-Z0-9 :=,.-]{0,16}".prop_map(Value::from),
        Just(json!(
            "UPID:pve1:000934AF:0D015579:68BF3A41:vzstart:100:root@pam:"
        )),
    ];
    let key = prop_oneof![
        prop::sample::select(vec![
            "vmid",
            "name",
            "status",
            "maxmem",
            "mem",
            "cpu",
            "uptime",
            "node",
            "type",
            "id",
            "net0",
            "rootfs",
            "memory",
            "cores",
            "digest",
            "exitstatus",
            "upid",
            "pid",
            "lock",
            "tags",
            "data",
            "total",
        ])
        .prop_map(str::to_owned),
        "[a-z0-9]{1,6}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn body_like() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        json_value().prop_map(|v| json!({ "data": v }).to_string().into_bytes()),
        (json_value(), json_value())
            .prop_map(|(v, t)| json!({ "data": v, "total": t }).to_string().into_bytes()),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        // A well-formed body cut anywhere.
        (json_value(), any::<prop::sample::Index>()).prop_map(|(v, at)| {
            let mut bytes = json!({ "data": v }).to_string().into_bytes();
            bytes.truncate(at.index(bytes.len() + 1));
            bytes
        }),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
    .boxed()
}

fn apidoc_like() -> BoxedStrategy<Vec<u8>> {
    let method = (json_value(), json_value()).prop_map(|(params, returns)| {
        json!({ "method": "GET", "parameters": { "type": "object", "properties": params },
                "returns": returns, "permissions": { "user": "all" } })
    });
    let node = (
        "/[a-z]{1,6}(/\\{[a-z]{1,4}\\})?",
        prop::option::of(method),
        json_value(),
    )
        .prop_map(|(path, method, junk)| {
            let mut n = json!({ "path": path, "text": "x", "leaf": 1 });
            if let Some(m) = method {
                n["info"] = json!({ "GET": m });
            }
            n["extra"] = junk;
            n
        });
    let tree = prop::collection::vec(node, 0..4);
    prop_oneof![
        tree.clone()
            .prop_map(|t| Value::from(t).to_string().into_bytes()),
        tree.prop_map(|t| format!("const apiSchema = {};", Value::from(t)).into_bytes()),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
    .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn upids_parse_totally_and_print_back(text in prop_oneof![
        upid_like(), mutated(upid_like()), "\\PC{0,40}".boxed(),
    ]) {
        oracles::upid(&text);
    }

    #[test]
    fn permission_texts_parse_totally(text in prop_oneof![
        denied_like(), mutated(denied_like()), "\\PC{0,40}".boxed(),
    ]) {
        oracles::permission_denied(&text);
    }

    #[test]
    fn property_strings_round_trip_whatever_parses(text in prop_oneof![
        property_like(), mutated(property_like()),
    ]) {
        oracles::property_strings(&text);
    }

    #[test]
    fn envelopes_decode_totally_with_bounded_errors(body in body_like()) {
        oracles::envelope(&body);
    }

    #[test]
    fn the_schema_extractor_reads_any_bytes(bytes in apidoc_like()) {
        oracles::extract(&bytes);
    }
}

/// Found by `property_strings_round_trip_whatever_parses`: a second bare value for the default
/// key (kept as unknown in lenient mode) was written last as `address=f`, so the text parsed
/// back to a value with its unknown keys in another order.
#[test]
fn a_second_bare_default_value_stays_bare_and_in_place() {
    use proxmox_sdk::api::types::PROPERTY_STRINGS;
    use proxmox_sdk::wire::property_string::ParseMode;
    let info = PROPERTY_STRINGS
        .iter()
        .find(|i| i.spec.name == "ClusterConfigJoinRing0Addr")
        .expect("type exists");
    let (written, equal) = (info.round_trip)("a1,f,x=/=", ParseMode::Lenient).unwrap();
    assert_eq!(written, "a1,f,x=/=");
    assert!(equal);
}

/// Found by the `property_string` fuzz target: lenient text with a repeated default key
/// (`1na,…,e1000e=x,…,e1000e=y` for `QemuNet`, whose default key `model` the `e1000e=` form
/// also sets) is rewritten once, keeping every value, and is then a fixed point.
#[test]
fn repeated_default_keys_settle_after_one_lenient_rewrite() {
    let text = "1na,nrd:00:C8,ip=dhcp,e1000e=vethcp,nrd:00:C8,ip=dhcp,e1000e=veth";
    sdk_tests::oracles::property_strings(text);
    let info = proxmox_sdk::api::types::PROPERTY_STRINGS
        .iter()
        .find(|i| i.spec.name == "QemuNet")
        .expect("type exists");
    let strict = (info.round_trip)(text, proxmox_sdk::wire::property_string::ParseMode::Strict);
    assert!(strict.is_err(), "PVE refuses repeated keys: {strict:?}");
}

/// Found by the `envelope` fuzz target: a body without `data` whose key repeats. The error
/// counts keys as received (3), serde_json's map keeps the last of each (2).
#[test]
fn missing_data_counts_repeated_keys_as_received() {
    let body = br#"{"@ata":[{"vmid":0}],"total":[{"vmid":0}],"total":1}"#;
    sdk_tests::oracles::envelope(body);
    let err = proxmox_sdk::client::decode_response::<proxmox_sdk::api::nodes::GetNodesLxc>(body)
        .unwrap_err();
    assert!(
        matches!(&err, proxmox_sdk::Error::MissingData { keys, key_count: 3, .. } if keys == &["@ata", "total", "total"]),
        "{err:?}"
    );
}

/// Found by the `property_string` fuzz target: a repeated default-key value containing `=`
/// (`QemuEfidisk0`, `volume=volume=…`) must not be written bare, where it would read as a key.
#[test]
fn a_repeated_default_value_with_an_equals_sign_is_written_keyed() {
    sdk_tests::oracles::property_strings("a1,volume=volume=ve:0,b");
    let info = proxmox_sdk::api::types::PROPERTY_STRINGS
        .iter()
        .find(|i| i.spec.name == "QemuEfidisk0")
        .expect("type exists");
    let lenient = proxmox_sdk::wire::property_string::ParseMode::Lenient;
    let (written, _) = (info.round_trip)("a1,volume=volume=ve:0,b", lenient).unwrap();
    assert!(written.contains("file=volume=ve:0"), "{written}");
}
