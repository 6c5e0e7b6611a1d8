//! Non-strict generation never stops: deterministic mutations of the vendored 9.1 schema
//! (unknown and missing types, unknown keywords and formats, numbers as strings, arrays without
//! items, names that collide in Rust, odd enum values, `null` parameters, no indexed ranges)
//! all generate (which includes parsing the emitted code). (That such output compiles was checked by hand
//! for 20 mutated schemas; the golden fixtures pin each kind and are compiled by `sdk-tests`.)

use std::path::Path;

use sdk_codegen::model::{ApiSchema, IndexedKeys, SchemaSet};
use sdk_codegen::{Generator, Settings};
use serde_json::{Value, json};

/// A small linear congruential generator: the same seed, the same mutations.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Mutates every definition with a string `type` (parameters, returns, properties, items).
fn mutate(v: &mut Value, rng: &mut Lcg) {
    match v {
        Value::Object(map) => {
            if map.get("type").is_some_and(Value::is_string) {
                match rng.below(40) {
                    0 => {
                        map.insert(
                            "type".into(),
                            json!(["float", "datetime", "", "null"][rng.below(4) as usize]),
                        );
                    }
                    1 => {
                        map.remove("type");
                    }
                    2 => {
                        map.insert("x-unreviewed".into(), json!(1));
                    }
                    3 => {
                        if let Some(m) = map.get("minimum").cloned() {
                            map.insert("minimum".into(), json!(m.to_string()));
                        }
                    }
                    4 => {
                        if let Some(Value::String(f)) = map.get("format").cloned() {
                            map.insert("format".into(), json!(format!("pve-next-{f}")));
                        }
                    }
                    5 => {
                        map.remove("items");
                    }
                    6 => {
                        if let Some(Value::Object(props)) = map.get_mut("properties") {
                            if let Some((k, d)) =
                                props.iter().next().map(|(k, d)| (k.clone(), d.clone()))
                            {
                                for twin in [
                                    k.to_uppercase(),
                                    format!("{k}."),
                                    "extra".into(),
                                    "Ref".into(),
                                    "ref".into(),
                                    "-".into(),
                                ] {
                                    props.insert(twin, d.clone());
                                }
                            }
                        }
                    }
                    7 => {
                        if let Some(Value::Array(values)) = map.get_mut("enum") {
                            values.extend([
                                json!(""),
                                json!("-"),
                                json!("Self"),
                                json!("self"),
                                json!("UnknownValue"),
                                json!("1a"),
                            ]);
                        }
                    }
                    _ => {}
                }
            }
            for (_, child) in map.iter_mut() {
                mutate(child, rng);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| mutate(i, rng)),
        _ => {}
    }
}

#[test]
fn mutated_schemas_always_generate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema");
    let vendored: Value =
        serde_json::from_slice(&std::fs::read(dir.join("pve-api.json")).expect("schema"))
            .expect("JSON");
    for seed in 1..=4u64 {
        let mut rng = Lcg(seed);
        let mut doc = vendored.clone();
        let methods = doc["methods"].as_array_mut().expect("methods");
        // Every seventh method or so, to keep the test quick.
        let mut kept: Vec<Value> = methods
            .iter()
            .filter(|_| rng.below(7) == 0)
            .cloned()
            .collect();
        for m in &mut kept {
            mutate(m, &mut rng);
        }
        *methods = kept;
        let mut set = SchemaSet::load(&dir).expect("vendored schema loads");
        set.api = serde_json::from_value::<ApiSchema>(doc).expect("mutated schema parses");
        set.indexed = IndexedKeys {
            families: Vec::new(),
        };
        let generated = Generator::new(Settings::default())
            .generate(set)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let report = generated.report.to_string();
        assert!(
            report.contains("fallback: "),
            "seed {seed}: nothing was mutated?\n{report}"
        );
    }
}
