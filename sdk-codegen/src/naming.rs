//! The naming rules. They depend only on facts that are stable across PVE versions (HTTP method,
//! path, property names), never on the order in which things appear, so regenerating for a new
//! PVE release renames nothing that still exists.
//!
//! * **Modules**: one per top-level path segment: `access`, `cluster`, `nodes`, `pools`,
//!   `storage`, `version`; shared enums and property strings live in `types`.
//! * **Endpoint types**: the HTTP verb, then every literal path segment, then the final path
//!   parameter if the path ends in one, each PascalCased:
//!   `GET /nodes/{node}/lxc/{vmid}/config` → `GetNodesLxcConfig`,
//!   `DELETE /nodes/{node}/lxc/{vmid}` → `DeleteNodesLxcVmid`.
//! * **Response types**: `<Endpoint>Response` for an object, `<Endpoint>Item` for the objects of
//!   an array; nested anonymous objects are `<Parent><Property>` (`…Item` again inside arrays).
//! * **Shared enums and property strings** (shared within one area: the first path segment after
//!   `nodes`): the literal path segments that every endpoint using
//!   the type has in common (`nodes` left out), then the property name:
//!   `net[n]` of the LXC endpoints → `LxcNet`; `type` of the firewall rule endpoints →
//!   `FirewallType`. Enums inside a property string are `<PropertyString><SubKey>`
//!   (`QemuNetModel`). If two different types would get one name, the later (in path order)
//!   gets a numeric suffix and the build report lists it.
//! * **Fields and parameters**: snake_case of the wire name (`-` and `.` become `_`, `[n]` is
//!   dropped); Rust keywords are escaped as raw identifiers (`r#type`), and the few that cannot
//!   be raw get a trailing `_` (`self_`).
//! * **Readable aliases**: a field with a raw identifier also gets a plain name
//!   ([`readable_alias`]): `type` → `kind`, `ref` → `reference`, any other keyword → the word
//!   with a trailing `_` (`macro_`, `match_`, `move_`). Request and property-string types get a
//!   second setter by that name (`.kind(…)` beside `.r#type(…)`), response structs an accessor
//!   (`item.kind()` beside `item.r#type`). No alias is made where the name is already a field,
//!   a setter or a generated method of the type.
//! * **Enum variants**: PascalCase of the value; a value starting with a digit gets a `V` prefix
//!   (`2m` → `V2m`), the empty value is `Empty`, and clashes get a numeric suffix. Every enum
//!   has the fallback `UnknownValue(String)` for values a newer server sends. `Self` becomes
//!   `SelfValue`.
//! * **Module names** that are Rust keywords, or `types` (the shared module), get a trailing `_`.
//!
//! # Collisions
//!
//! Different wire names can give one Rust name (`foo-bar`/`foo_bar`/`foo.bar`,
//! `foobar`/`FooBar`, `ref`/`Ref`). Renames are deterministic — they depend only on the names in
//! play, never on schema order — and each is a `renamed:` line of the build report:
//!
//! * **Fields** of one struct (request, response or property string): a `name[n]` family next
//!   to a plain `name` is `name_entries`; then, going through path parameters in path order and
//!   the other fields sorted by wire name, an identifier already taken gets `_2`, `_3`, …
//!   (`foo-bar` → `foo_bar`, `foo_bar` → `foo_bar_2`). `extra` is reserved for the unknown-keys
//!   field, so a wire name `extra` is `extra_2`. A setter named `new` or `extra_param` is
//!   `with_new`/`with_extra_param`.
//! * **Endpoint types** of one module, in path-then-method order: `GetNodesAB`, `GetNodesAB2`.
//! * **Generated structs** of one module (nested objects): a numeric suffix, `…XY2`.
//! * **Shared enums and property strings**: a numeric suffix (above).
//! * **Enum variants**: a numeric suffix (above).

/// Splits an identifier-ish string into words: at any non-alphanumeric character, at a
/// lower→upper case change, and before the last capital of an acronym run (`HWType` →
/// `HW`, `Type`).
pub fn words(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in input.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = chunk.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if c.is_ascii_uppercase() => {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                            && !current.is_empty()
                            && current.chars().all(|x| x.is_ascii_digit())
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                }
                _ => false,
            };
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

/// PascalCase: each word capitalized, the rest lowercased (`VM.Config.CPU` → `VmConfigCpu`).
pub fn pascal(input: &str) -> String {
    words(input)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => {
                    first.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase()
                }
                None => String::new(),
            }
        })
        .collect()
}

/// snake_case of a wire name, before keyword escaping.
pub fn snake(input: &str) -> String {
    let base = input.strip_suffix("[n]").unwrap_or(input);
    let mut out = String::new();
    for c in base.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() {
        "value".into()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

/// Words Rust reserves; `r#` makes most of them usable.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "extern"];

/// The field identifier for a wire name, as source text (`r#type`, `self_`, `ignore_unpack_errors`).
pub fn field_ident(wire: &str) -> String {
    let s = snake(wire);
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The readable second name of a raw identifier (`r#type` → `kind`); `None` for an identifier
/// that is not raw.
pub fn readable_alias(ident: &str) -> Option<String> {
    let word = ident.strip_prefix("r#")?;
    Some(match word {
        "type" => "kind".to_string(),
        "ref" => "reference".to_string(),
        other => format!("{other}_"),
    })
}

/// The identifier without a raw prefix (for building other names from it).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The module an endpoint path belongs to.
pub fn module_of(path: &str) -> String {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let module = snake(first);
    if first.is_empty() {
        "root".into()
    } else if KEYWORDS.contains(&module.as_str())
        || NOT_RAW.contains(&module.as_str())
        || module == "types"
    {
        // `types` is the shared-types module; keywords cannot name a module.
        format!("{module}_")
    } else {
        module
    }
}

/// The endpoint type name for `verb` + `path` (see the module docs).
pub fn endpoint_name(verb: &str, path: &str) -> String {
    let segments: Vec<&str> = path
        .trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let mut name = pascal(&verb.to_ascii_lowercase());
    for s in &segments {
        if !is_param(s) {
            name.push_str(&pascal(s));
        }
    }
    if let Some(last) = segments.last().filter(|s| is_param(s)) {
        name.push_str(&pascal(&last[1..last.len() - 1]));
    }
    name
}

/// Whether a path segment is a `{parameter}`.
pub fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// The literal segments of a path that name things, for shared type names (`nodes` is left
/// out: nearly everything is below it).
pub fn naming_segments(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty() && !is_param(s) && *s != "nodes")
        .map(str::to_string)
        .collect()
}

/// The segments every path has in common, in the order of the first path.
pub fn common_segments(paths: &[Vec<String>]) -> Vec<String> {
    let Some(first) = paths.first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|seg| paths.iter().all(|p| p.contains(seg)))
        .cloned()
        .collect()
}

/// The variant name for an enum value.
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    let p = pascal(value);
    if p.is_empty() {
        // Only punctuation, e.g. "-" or "/": spell the characters out.
        let spelled: String = value.bytes().map(|b| format!("X{b:02X}")).collect();
        return spelled;
    }
    if p.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{p}")
    } else if p == "Self" {
        "SelfValue".into()
    } else {
        p
    }
}

/// Makes `name` unique among `taken` by appending 2, 3, … and records it.
pub fn unique(name: String, taken: &mut std::collections::BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    (2..)
        .map(|i| format!("{name}{i}"))
        .find(|candidate| taken.insert(candidate.clone()))
        .expect("an unbounded range always yields a free name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_rules() {
        assert_eq!(pascal("VM.Config.CPU"), "VmConfigCpu");
        assert_eq!(pascal("VM.Config.HWType"), "VmConfigHwType");
        assert_eq!(pascal("Sys.PowerMgmt"), "SysPowerMgmt");
        assert_eq!(pascal("VM.Config.CDROM"), "VmConfigCdrom");
        assert_eq!(pascal("e1000-82540em"), "E100082540em");
        assert_eq!(pascal("move_disk"), "MoveDisk");
        assert_eq!(pascal("route-maps"), "RouteMaps");
        assert_eq!(pascal("SDN.Use"), "SdnUse");
    }

    #[test]
    fn endpoint_names_follow_method_and_path() {
        assert_eq!(endpoint_name("GET", "/nodes/{node}/lxc"), "GetNodesLxc");
        assert_eq!(
            endpoint_name("GET", "/nodes/{node}/lxc/{vmid}/config"),
            "GetNodesLxcConfig"
        );
        assert_eq!(
            endpoint_name("DELETE", "/nodes/{node}/lxc/{vmid}"),
            "DeleteNodesLxcVmid"
        );
        assert_eq!(
            endpoint_name("POST", "/nodes/{node}/lxc/{vmid}/status/start"),
            "PostNodesLxcStatusStart"
        );
        assert_eq!(
            endpoint_name("GET", "/nodes/{node}/tasks/{upid}/status"),
            "GetNodesTasksStatus"
        );
        assert_eq!(endpoint_name("GET", "/version"), "GetVersion");
        assert_eq!(
            endpoint_name("GET", "/storage/{storage}"),
            "GetStorageStorage"
        );
        assert_eq!(
            endpoint_name("PUT", "/cluster/sdn/fabrics/node/{fabric_id}/{node_id}"),
            "PutClusterSdnFabricsNodeNodeId"
        );
    }

    #[test]
    fn field_identifiers() {
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("ignore-unpack-errors"), "ignore_unpack_errors");
        assert_eq!(field_ident("net[n]"), "net");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("CSRFPreventionToken"), "csrfpreventiontoken");
        assert_eq!(field_ident("0"), "_0");
    }

    #[test]
    fn variants() {
        assert_eq!(variant_name("2m"), "V2m");
        assert_eq!(variant_name("/dev/urandom"), "DevUrandom");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("-"), "X2D");
        assert_eq!(variant_name("amd64"), "Amd64");
    }

    #[test]
    fn shared_names_come_from_common_segments() {
        let paths = vec![
            naming_segments("/nodes/{node}/lxc"),
            naming_segments("/nodes/{node}/lxc/{vmid}/config"),
        ];
        assert_eq!(common_segments(&paths), vec!["lxc".to_string()]);
        let mut taken = std::collections::BTreeSet::new();
        assert_eq!(unique("A".into(), &mut taken), "A");
        assert_eq!(unique("A".into(), &mut taken), "A2");
    }
}
