//! Round trips for every property-string type of the vendored schema, with generated values.
//!
//! For each type in `api::types::PROPERTY_STRINGS` a strategy builds valid strings from the
//! type's own shape (its keys, their kinds and bounds, the default key and key aliases), in any
//! key order. Each must parse strictly, be written back byte for byte (the received key order is
//! kept), and parse again to an equal value. Appending unknown keys must not fail leniently and
//! must survive the round trip.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use proxmox_sdk::api::types::PROPERTY_STRINGS;
use proxmox_sdk::wire::property_string::{ParseMode, PropertySpec, ValueKind};

/// A text value that needs no escaping in a property string.
fn text() -> BoxedStrategy<String> {
    "[A-Za-z0-9][A-Za-z0-9_./:-]{0,15}".boxed()
}

fn bound(v: Option<f64>, default: i64) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    v.map_or(default, |f| f as i64)
}

fn value(kind: &'static ValueKind) -> BoxedStrategy<String> {
    match kind {
        ValueKind::Bool => prop_oneof![Just("1".to_string()), Just("0".to_string())].boxed(),
        ValueKind::Integer { min, max } => {
            let lo = bound(*min, -1000);
            let hi = bound(*max, 1_000_000).max(lo);
            (lo..=hi).prop_map(|n| n.to_string()).boxed()
        }
        ValueKind::Number { min, max } => {
            let lo = bound(*min, 0).max(0);
            let hi = bound(*max, 10_000).max(lo);
            // Whole numbers, or one decimal that is not zero, so the text survives f64 printing.
            (lo..=hi, 0u8..10)
                .prop_map(move |(n, d)| {
                    if d == 0 || n >= hi {
                        n.to_string()
                    } else {
                        format!("{n}.{d}")
                    }
                })
                .boxed()
        }
        ValueKind::String => text(),
        ValueKind::Enum(values) => proptest::sample::select(values.to_vec())
            .prop_map(str::to_string)
            .boxed(),
    }
}

/// One `key=value` part, a bare default value, or a key-alias part (`virtio=<mac>`).
#[derive(Debug, Clone)]
enum Part {
    Pair(&'static str, String),
    Bare(String),
    Alias(String, String),
}

fn parts(spec: &'static PropertySpec) -> BoxedStrategy<Vec<Part>> {
    let per_key: Vec<BoxedStrategy<Option<(&'static str, String)>>> = spec
        .keys
        .iter()
        .map(|k| {
            let v = value(&k.kind).prop_map(move |v| (k.name, v));
            if k.required {
                v.prop_map(Some).boxed()
            } else {
                proptest::option::of(v).boxed()
            }
        })
        .collect();
    (per_key, any::<bool>(), any::<bool>(), any::<u64>())
        .prop_map(move |(chosen, bare, alias, seed)| {
            let chosen: Vec<(&'static str, String)> = chosen.into_iter().flatten().collect();
            let mut out = Vec::new();
            let mut used = vec![false; chosen.len()];
            if let Some(dk) = spec.default_key {
                let dk_at = chosen.iter().position(|(k, _)| *k == dk);
                let key_alias = spec
                    .key_aliases
                    .iter()
                    .find(|(_, key_field, _)| *key_field == dk);
                // `<model>=<macaddr>` works only when the model value is one of the pseudo keys.
                if let (Some(i), true, Some((_, _, value_field))) = (dk_at, alias, key_alias)
                    && let Some(j) = chosen.iter().position(|(k, _)| k == value_field)
                    && spec.key_aliases.iter().any(|(p, _, _)| *p == chosen[i].1)
                {
                    out.push(Part::Alias(chosen[i].1.clone(), chosen[j].1.clone()));
                    used[i] = true;
                    used[j] = true;
                }
                if let Some(i) = dk_at.filter(|i| !used[*i] && bare && !chosen[*i].1.contains('='))
                {
                    out.push(Part::Bare(chosen[i].1.clone()));
                    used[i] = true;
                }
            }
            for (i, (k, v)) in chosen.iter().enumerate() {
                if !used[i] {
                    out.push(Part::Pair(k, v.clone()));
                }
            }
            // A deterministic shuffle from the generated seed: any key order must survive.
            let mut state = seed;
            for i in (1..out.len()).rev() {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                #[allow(clippy::cast_possible_truncation)]
                let j = (state >> 33) as usize % (i + 1);
                out.swap(i, j);
            }
            out
        })
        .boxed()
}

fn render(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Pair(k, v) => format!("{k}={v}"),
            Part::Bare(v) => v.clone(),
            Part::Alias(k, v) => format!("{k}={v}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn every_property_string_type_round_trips_generated_values() {
    assert!(
        PROPERTY_STRINGS.len() >= 50,
        "expected every property-string type of 9.1"
    );
    for info in PROPERTY_STRINGS {
        let spec = info.spec;
        let mut runner = TestRunner::new(Config {
            cases: 96,
            failure_persistence: None,
            ..Config::default()
        });
        let result = runner.run(&parts(spec), |parts| {
            let text = render(&parts);
            // A value with no keys at all is the empty string; PVE has nothing to parse there.
            prop_assume!(!text.is_empty());
            let (written, equal) = (info.round_trip)(&text, ParseMode::Strict)
                .map_err(|e| TestCaseError::fail(format!("{text:?} does not parse: {e}")))?;
            prop_assert_eq!(&written, &text, "written back differently");
            prop_assert!(equal, "re-parsing {:?} gave a different value", written);

            let future = format!("{text},zz-future-key=on,zz-other=1");
            let (written, equal) = (info.round_trip)(&future, ParseMode::Lenient)
                .map_err(|e| TestCaseError::fail(format!("{future:?} fails leniently: {e}")))?;
            prop_assert_eq!(&written, &future, "unknown keys not kept in place");
            prop_assert!(equal);
            prop_assert!(
                (info.round_trip)(&future, ParseMode::Strict).is_err(),
                "strict accepted unknown keys"
            );
            Ok(())
        });
        if let Err(e) = result {
            panic!("{}: {e}", spec.name);
        }
    }
}
