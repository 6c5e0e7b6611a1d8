//! The dependency policy, checked on the whole resolved graph (`cargo metadata`: every
//! workspace member, normal, build and dev dependencies, every target platform):
//!
//! * no OpenSSL anywhere: TLS is rustls, so `openssl`, `openssl-sys`, `native-tls` and their
//!   tokio/hyper adapters must not appear at all;
//! * every licence fits a crate published as `MIT OR Apache-2.0`: each package's SPDX
//!   expression must be one of the reviewed expressions below (fakepve, the AGPL emulator the
//!   end-to-end tests start, is a Python tool in a virtualenv and never a dependency);
//! * one semver-compatible version of each crate of the TLS/HTTP stack, so a second `hyper`
//!   or `rustls` cannot slip in under a new dependency;
//! * the default build of `proxmox-sdk` (and of felhom-agent, which uses it without features)
//!   compiles no websocket stack: that is the `console` feature's (`cargo tree` per build).
//!
//! A failure names the package and the dependency path that brought it in.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// Crates that mean OpenSSL is linked (or could be, by a feature).
const OPENSSL: &[&str] = &[
    "openssl",
    "openssl-sys",
    "openssl-src",
    "native-tls",
    "tokio-native-tls",
    "hyper-tls",
];

/// The TLS/HTTP stack: one semver-compatible version of each.
const SINGLE_VERSION: &[&str] = &[
    "rustls",
    "rustls-webpki",
    "tokio-rustls",
    "hyper",
    "hyper-util",
    "hyper-rustls",
    "reqwest",
    "http",
    "http-body",
    "h2",
    "ring",
];

/// SPDX expressions reviewed as compatible with shipping under `MIT OR Apache-2.0`: each
/// offers MIT or Apache-2.0 as an alternative, or is a permissive licence (ISC, BSD,
/// Unicode-3.0, BSL-1.0) that only asks for its notice to be kept. Add a new expression only
/// after reading it; copyleft-only (GPL, LGPL, MPL, AGPL) never goes here.
const LICENCES: &[&str] = &[
    "MIT OR Apache-2.0",
    "Apache-2.0 OR MIT",
    "MIT/Apache-2.0",
    "Apache-2.0 / MIT",
    "MIT",
    "Apache-2.0",
    "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
    "Apache-2.0 OR ISC OR MIT",
    "Apache-2.0 AND ISC",
    "Apache-2.0 OR BSL-1.0",
    "BSD-2-Clause OR Apache-2.0 OR MIT",
    "BSD-3-Clause",
    "ISC",
    "MIT OR Apache-2.0 OR LGPL-2.1-or-later",
    "(MIT OR Apache-2.0) AND Unicode-3.0",
    "Unicode-3.0",
    "Unlicense OR MIT",
    "Zlib OR Apache-2.0 OR MIT",
];

/// The workspace's own licence.
const OURS: &str = "MIT OR Apache-2.0";

/// One resolved package.
#[derive(Debug, Clone)]
struct Package {
    name: String,
    version: String,
    licence: Option<String>,
    local: bool,
}

/// The resolved graph: packages by id, and who depends on whom.
struct Resolved {
    packages: HashMap<String, Package>,
    deps: HashMap<String, Vec<String>>,
}

/// The standard output of `cargo ARGS…` (the cargo running the tests), which must succeed.
fn cargo(args: &[&str]) -> Vec<u8> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("run cargo {args:?}: {e}"));
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

impl Resolved {
    fn load() -> Self {
        let out = cargo(&["metadata", "--format-version", "1", "--locked"]);
        let meta: Value = serde_json::from_slice(&out).expect("metadata JSON");
        let text = |v: &Value| v.as_str().expect("a string").to_owned();
        let packages = meta["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .map(|p| {
                let package = Package {
                    name: text(&p["name"]),
                    version: text(&p["version"]),
                    licence: p["license"].as_str().map(str::to_owned),
                    local: p["source"].is_null(),
                };
                (text(&p["id"]), package)
            })
            .collect();
        let deps = meta["resolve"]["nodes"]
            .as_array()
            .expect("resolve nodes")
            .iter()
            .map(|node| {
                let deps = node["deps"].as_array().expect("deps");
                (
                    text(&node["id"]),
                    deps.iter().map(|d| text(&d["pkg"])).collect(),
                )
            })
            .collect();
        Self { packages, deps }
    }

    /// Every resolved package.
    fn all(&self) -> impl Iterator<Item = (&String, &Package)> {
        self.deps.keys().map(|id| (id, &self.packages[id]))
    }

    /// `member -> … -> id`: how a workspace member reaches `id` (shortest path).
    fn path_to(&self, id: &str) -> String {
        let mut from: HashMap<&str, &str> = HashMap::new();
        let mut queue: std::collections::VecDeque<&str> = self
            .all()
            .filter(|(_, p)| p.local)
            .map(|(id, _)| id.as_str())
            .collect();
        let mut seen: BTreeSet<&str> = queue.iter().copied().collect();
        while let Some(at) = queue.pop_front() {
            if at == id {
                let mut chain = vec![at];
                while let Some(prev) = from.get(chain[chain.len() - 1]) {
                    chain.push(prev);
                }
                chain.reverse();
                let names: Vec<String> = chain
                    .iter()
                    .map(|id| {
                        let p = &self.packages[*id];
                        format!("{} {}", p.name, p.version)
                    })
                    .collect();
                return names.join(" -> ");
            }
            for next in self.deps.get(at).into_iter().flatten() {
                if seen.insert(next) {
                    from.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
        format!("{id} (no path from a workspace member)")
    }

    fn names(&self) -> BTreeSet<&str> {
        self.all().map(|(_, p)| p.name.as_str()).collect()
    }
}

/// The part of a version that semver says must match: `1.6.0` → `1`, `0.23.4` → `0.23`,
/// `0.0.3` → `0.0.3`.
fn compatible_part(version: &str) -> String {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let parts: Vec<&str> = core.split('.').collect();
    match parts.as_slice() {
        ["0", "0", patch, ..] => format!("0.0.{patch}"),
        ["0", minor, ..] => format!("0.{minor}"),
        [major, ..] => (*major).to_owned(),
        [] => String::new(),
    }
}

/// The crates of `watched` present in more than one semver-incompatible version.
fn incompatible_duplicates<'a>(
    packages: impl IntoIterator<Item = &'a Package>,
    watched: &[&str],
) -> BTreeMap<String, BTreeSet<String>> {
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for p in packages {
        if watched.contains(&p.name.as_str()) {
            versions
                .entry(p.name.clone())
                .or_default()
                .insert(compatible_part(&p.version));
        }
    }
    versions.retain(|_, v| v.len() > 1);
    versions
}

#[test]
fn no_openssl_anywhere_in_the_graph() {
    let graph = Resolved::load();
    let names = graph.names();
    // The walk sees the real graph: the TLS stack that is used is in it.
    for used in ["rustls", "tokio-rustls", "reqwest", "ring"] {
        assert!(names.contains(used), "{used} missing from {names:?}");
    }
    let found: Vec<String> = graph
        .all()
        .filter(|(_, p)| OPENSSL.contains(&p.name.as_str()))
        .map(|(id, _)| graph.path_to(id))
        .collect();
    assert!(
        found.is_empty(),
        "OpenSSL in the graph:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_licence_is_a_reviewed_expression_compatible_with_mit_or_apache() {
    let graph = Resolved::load();
    let mut problems = Vec::new();
    for (id, p) in graph.all() {
        let licence = p.licence.as_deref();
        if p.local {
            if licence != Some(OURS) {
                problems.push(format!(
                    "workspace member {} is {licence:?}, not {OURS}",
                    p.name
                ));
            }
        } else if !licence.is_some_and(|l| LICENCES.contains(&l)) {
            problems.push(format!(
                "{licence:?} is not reviewed: {}",
                graph.path_to(id)
            ));
        }
    }
    problems.sort();
    assert!(problems.is_empty(), "licences:\n{}", problems.join("\n"));
}

#[test]
fn the_tls_and_http_stack_has_one_compatible_version_of_each_crate() {
    let graph = Resolved::load();
    let duplicates = incompatible_duplicates(graph.all().map(|(_, p)| p), SINGLE_VERSION);
    assert!(
        duplicates.is_empty(),
        "more than one version: {duplicates:?}"
    );
}

#[test]
fn duplicates_are_counted_by_semver_compatibility() {
    assert_eq!(compatible_part("1.6.0"), "1");
    assert_eq!(compatible_part("0.23.46"), "0.23");
    assert_eq!(compatible_part("0.0.3"), "0.0.3");
    assert_eq!(compatible_part("1.0.0-rc.1"), "1");
    let package = |name: &str, version: &str| Package {
        name: name.into(),
        version: version.into(),
        licence: None,
        local: false,
    };
    let packages = [
        package("hyper", "0.14.32"),
        package("hyper", "1.6.0"),
        package("http", "1.3.1"),
        package("http", "1.4.0"),
        package("base64", "0.21.0"),
        package("base64", "0.22.1"),
    ];
    let found = incompatible_duplicates(&packages, &["hyper", "http"]);
    assert_eq!(
        found,
        BTreeMap::from([(
            "hyper".to_owned(),
            BTreeSet::from(["0.14".to_owned(), "1".to_owned()])
        )])
    );
}

/// The websocket stack the `console` feature brings (with the crates only it needs).
const CONSOLE_ONLY: &[&str] = &["tokio-tungstenite", "tungstenite", "sha1", "data-encoding"];

/// The crates `cargo build -p PACKAGE ARGS…` compiles (normal and build dependencies, for this
/// host), by name.
fn build_graph(package: &str, extra: &[&str]) -> BTreeSet<String> {
    let mut args = vec!["tree", "--locked", "-p", package, "-e", "normal,build"];
    args.extend(["--prefix", "none", "--format", "{p}"]);
    args.extend(extra);
    String::from_utf8_lossy(&cargo(&args))
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_default_build_has_no_websocket_stack_and_console_brings_it() {
    for package in ["proxmox-sdk", "felhom-agent"] {
        let lean = build_graph(package, &[]);
        // The walk sees the real graph: the transport is in it.
        assert!(lean.contains("reqwest"), "{package}: {lean:?}");
        let found: Vec<&str> = CONSOLE_ONLY
            .iter()
            .copied()
            .filter(|name| lean.contains(*name))
            .collect();
        assert!(
            found.is_empty(),
            "{package}'s default build compiles {found:?}: only the `console` feature may"
        );
    }
    let console = build_graph("proxmox-sdk", &["--features", "console"]);
    for name in CONSOLE_ONLY {
        assert!(
            console.contains(*name),
            "`console` without {name}: {console:?}"
        );
    }
}
