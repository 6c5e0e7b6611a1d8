//! The fence, checked on the dependency graph (`cargo metadata`): the privileged backend can
//! reach no HTTP, TLS or SDK crate and no tokio with `net`; the SDK can reach neither this
//! crate nor a tokio with `process`. Edges are followed for normal and build dependencies
//! (what ends up in the shipped code), not dev-dependencies.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

struct Graph {
    packages: HashMap<String, Value>,
    edges: HashMap<String, Vec<String>>,
}

fn graph() -> Graph {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let packages = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["id"].as_str().expect("id").to_owned(), p.clone()))
        .collect();
    let shipped = |dep: &Value| {
        dep["dep_kinds"]
            .as_array()
            .expect("dep_kinds")
            .iter()
            .any(|k| k["kind"].is_null() || k["kind"] == "build")
    };
    let edges = meta["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .expect("deps")
                .iter()
                .filter(|d| shipped(d));
            let ids = deps
                .map(|d| d["pkg"].as_str().expect("pkg").to_owned())
                .collect();
            (node["id"].as_str().expect("id").to_owned(), ids)
        })
        .collect();
    Graph { packages, edges }
}

impl Graph {
    fn id_of(&self, name: &str) -> String {
        let mut ids = self
            .packages
            .iter()
            .filter(|(_, p)| p["name"] == name && p["source"].is_null());
        ids.next()
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| panic!("no workspace package {name}"))
    }

    /// The packages `root` reaches through normal and build dependencies, itself included.
    fn reachable(&self, root: &str) -> Vec<&Value> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![self.id_of(root)];
        while let Some(id) = todo.pop() {
            if seen.insert(id.clone()) {
                todo.extend(self.edges.get(&id).into_iter().flatten().cloned());
            }
        }
        seen.iter().map(|id| &self.packages[id]).collect()
    }
}

fn names<'a>(packages: &[&'a Value]) -> BTreeSet<&'a str> {
    packages
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect()
}

/// Every place a reachable package (other than tokio itself) asks tokio for `feature`:
/// a dependency declaration, or a feature of its own that turns it on.
fn tokio_requests(packages: &[&Value], feature: &str) -> Vec<String> {
    let mut found = Vec::new();
    for p in packages.iter().filter(|p| p["name"] != "tokio") {
        let name = p["name"].as_str().expect("name");
        for dep in p["dependencies"].as_array().expect("dependencies") {
            let normal = dep["kind"].is_null() || dep["kind"] == "build";
            let features = dep["features"].as_array().expect("features");
            if normal
                && dep["name"] == "tokio"
                && features.iter().any(|f| f == feature || f == "full")
            {
                found.push(format!("{name} depends on tokio with `{feature}`"));
            }
        }
        for (own, enables) in p["features"].as_object().expect("features") {
            for e in enables.as_array().expect("feature list") {
                let e = e.as_str().expect("feature");
                if [
                    format!("tokio/{feature}"),
                    format!("tokio?/{feature}"),
                    "tokio/full".into(),
                ]
                .iter()
                .any(|x| x == e)
                {
                    found.push(format!("{name}'s feature `{own}` enables {e}"));
                }
            }
        }
    }
    found
}

const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "hyper-rustls",
    "hyper-tls",
    "h2",
    "h3",
    "http",
    "http-body",
    "httparse",
    "rustls",
    "tokio-rustls",
    "rustls-pki-types",
    "native-tls",
    "tokio-native-tls",
    "openssl",
    "openssl-sys",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "ring",
    "proxmox-sdk",
    "sdk-codegen",
];

#[test]
fn the_privileged_backend_reaches_no_http_tls_socket_or_sdk_crate() {
    let g = graph();
    let reach = g.reachable("felhom-privileged");
    let names = names(&reach);
    // The walk sees the real dependencies, so a banned one would be seen too.
    for expected in ["tokio", "rustix", "serde_json", "thiserror"] {
        assert!(
            names.contains(expected),
            "walk missed {expected}: {names:?}"
        );
    }
    let banned: Vec<&&str> = NETWORK_CRATES
        .iter()
        .filter(|c| names.contains(**c))
        .collect();
    assert!(banned.is_empty(), "felhom-privileged reaches {banned:?}");
    assert_eq!(tokio_requests(&reach, "net"), Vec::<String>::new());
    // The same check does see what this crate does ask for.
    assert_eq!(
        tokio_requests(&reach, "process"),
        ["felhom-privileged depends on tokio with `process`"]
    );
}

#[test]
fn the_privileged_backend_asks_tokio_for_process_time_and_io_util_only() {
    let g = graph();
    let me = &g.packages[&g.id_of("felhom-privileged")];
    let tokio = me["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .find(|d| d["name"] == "tokio" && d["kind"].is_null())
        .expect("tokio dependency");
    let features: BTreeSet<&str> = tokio["features"]
        .as_array()
        .expect("features")
        .iter()
        .map(|f| f.as_str().expect("str"))
        .collect();
    assert_eq!(features, BTreeSet::from(["io-util", "process", "time"]));
    assert_eq!(tokio["uses_default_features"], false);
}

#[test]
fn the_sdk_reaches_neither_the_privileged_backend_nor_process_spawning() {
    let g = graph();
    let reach = g.reachable("proxmox-sdk");
    let names = names(&reach);
    assert!(
        names.contains("reqwest") && names.contains("tokio"),
        "walk missed the SDK's own graph"
    );
    for forbidden in [
        "felhom-privileged",
        "felhom-agent",
        "duct",
        "subprocess",
        "xshell",
        "cmd_lib",
    ] {
        assert!(
            !names.contains(forbidden),
            "proxmox-sdk reaches {forbidden}"
        );
    }
    assert_eq!(tokio_requests(&reach, "process"), Vec::<String>::new());
    assert!(
        !tokio_requests(&reach, "net").is_empty(),
        "the check sees the SDK's own `net`"
    );
}
