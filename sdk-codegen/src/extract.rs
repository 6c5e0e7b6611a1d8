//! `extract`: upstream apidoc (plain JSON, or the `apidoc.js` a PVE host serves) → the
//! facts-only schema this project vendors in `schema/pve-api.json`.
//!
//! The output keeps what the API *is* — paths, methods, handler names, parameter and return
//! schemas with their types, formats, enums, patterns, bounds, defaults, optionality and
//! permissions — and drops every piece of upstream prose (see [`PROSE_KEYS`]). Keys are sorted
//! and methods are listed by path, then HTTP method, so two extractions of the same input give
//! identical bytes and two versions can be compared line by line.
//!
//! Nothing is written unless the whole input was understood: [`extract`] works in memory and
//! [`write_schema`] replaces the output files only after everything succeeded.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Version tag of the vendored schema format written by this module.
pub const SCHEMA_FORMAT: u64 = 1;

/// Keys holding upstream prose. They are dropped wherever they are schema keywords (never when
/// they are the *name* of a parameter or property: a parameter called `description` stays).
pub const PROSE_KEYS: &[&str] = &[
    "description",
    "verbose_description",
    "typetext",
    "format_description",
    "title",
    "text",
];

/// The order methods are listed in for one path.
pub const METHOD_ORDER: &[&str] = &["GET", "POST", "PUT", "DELETE"];

/// What went wrong while reading an upstream schema. Always names the file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct ExtractError {
    /// The input file.
    pub file: PathBuf,
    /// What is wrong with it.
    pub problem: String,
}

/// The result of a successful extraction, not yet written anywhere.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The facts-only schema document (`schema/pve-api.json`).
    pub schema: Value,
    /// The provenance document (`schema/SOURCE.md`).
    pub source_md: String,
    /// Number of path+method pairs.
    pub method_count: usize,
    /// Number of tree nodes (paths).
    pub path_count: usize,
}

/// Options for [`extract`].
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// The PVE version the input belongs to (`9.1.4`). When `None` it is read from a file name
    /// of the form `pve-<version>-apidoc.json`.
    pub pve_version: Option<String>,
    /// The command line to record in `SOURCE.md`.
    pub command: String,
}

/// Reads `bytes` (the contents of `file`) and returns the facts-only schema.
///
/// # Errors
/// Not UTF-8 / not JSON / no recognised `apidoc.js` wrapper, a tree of the wrong shape, or a
/// tree without a single method: an [`ExtractError`] naming `file` and the problem.
pub fn extract(
    file: &Path,
    bytes: &[u8],
    opts: &ExtractOptions,
) -> Result<Extracted, ExtractError> {
    let fail = |problem: String| ExtractError {
        file: file.to_path_buf(),
        problem,
    };
    let version = match &opts.pve_version {
        Some(v) => v.clone(),
        None => version_from_file_name(file).ok_or_else(|| {
            fail("cannot tell the PVE version from the file name; pass --pve-version".into())
        })?,
    };
    let tree = parse_tree(bytes).map_err(&fail)?;
    let mut methods = Vec::new();
    let mut bare_paths = Vec::new();
    let mut path_count = 0;
    walk_tree(&tree, "$", &mut |node, at| {
        path_count += 1;
        collect_node(node, at, &mut methods, &mut bare_paths)
    })
    .map_err(&fail)?;
    if methods.is_empty() {
        return Err(fail(
            "the schema tree holds no API methods (empty input?)".into(),
        ));
    }
    methods.sort_by_key(method_key);
    bare_paths.sort();
    let method_count = methods.len();
    let mut doc = Map::new();
    doc.insert("schema_format".into(), SCHEMA_FORMAT.into());
    doc.insert("pve_version".into(), version.clone().into());
    doc.insert("methods".into(), Value::Array(methods));
    doc.insert(
        "paths_without_methods".into(),
        Value::Array(bare_paths.into_iter().map(Value::String).collect()),
    );
    let sha = hex(&Sha256::digest(bytes));
    let source_md = source_md(
        file,
        bytes.len(),
        &sha,
        &version,
        opts,
        method_count,
        path_count,
    );
    Ok(Extracted {
        schema: Value::Object(doc),
        source_md,
        method_count,
        path_count,
    })
}

/// Serializes the schema the canonical way: sorted keys, two-space indent, final newline.
pub fn to_canonical_json(schema: &Value) -> String {
    // serde_json's Map is a BTreeMap (the `preserve_order` feature is not enabled in this
    // workspace), so keys come out sorted.
    let mut out = serde_json::to_string_pretty(schema).expect("a Value always serializes");
    out.push('\n');
    out
}

/// Writes `pve-api.json` and `SOURCE.md` into `dir`, each through a temporary file that is
/// renamed into place, so a failure leaves the previous files untouched.
///
/// # Errors
/// Any I/O error, naming the file.
pub fn write_schema(dir: &Path, extracted: &Extracted) -> Result<(), ExtractError> {
    let io = |file: &Path, e: std::io::Error| ExtractError {
        file: file.to_path_buf(),
        problem: format!("cannot write: {e}"),
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let files = [
        ("pve-api.json", to_canonical_json(&extracted.schema)),
        ("SOURCE.md", extracted.source_md.clone()),
    ];
    let mut staged = Vec::new();
    for (name, text) in &files {
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| io(&tmp, e))?;
        staged.push((tmp, dir.join(name)));
    }
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest).map_err(|e| io(&dest, e))?;
    }
    Ok(())
}

fn version_from_file_name(file: &Path) -> Option<String> {
    let name = file.file_name()?.to_str()?;
    let rest = name.strip_prefix("pve-")?;
    let version = rest.strip_suffix("-apidoc.json")?;
    (!version.is_empty()).then(|| version.to_string())
}

/// Finds the JSON array in plain JSON or in an `apidoc.js` file.
fn parse_tree(bytes: &[u8]) -> Result<Vec<Value>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err("the file is empty".into());
    }
    let value: Value = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?
    } else {
        let start = ["apiSchema", "pveapi"]
            .iter()
            .find_map(|marker| {
                let at = text.find(marker)?;
                let eq = at + text[at..].find('=')?;
                let open = eq + text[eq..].find('[')?;
                Some(open)
            })
            .ok_or_else(|| {
                "neither JSON nor an apidoc.js with a `const apiSchema = [...]` or \
                 `var pveapi = [...]` wrapper"
                    .to_string()
            })?;
        let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => {
                return Err(format!(
                    "the schema array in apidoc.js is not valid JSON: {e}"
                ));
            }
            None => return Err("the apidoc.js wrapper holds no schema array".into()),
        }
    };
    match value {
        Value::Array(nodes) if nodes.is_empty() => Err("the schema tree is an empty array".into()),
        Value::Array(nodes) => Ok(nodes),
        other => Err(format!(
            "expected the top level to be an array of path nodes, found {}",
            kind_of(&other)
        )),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Called for every node of the schema tree with the node and its location (`$[0].children[3]`).
type NodeVisitor<'a> = dyn FnMut(&Map<String, Value>, &str) -> Result<(), String> + 'a;

fn walk_tree(nodes: &[Value], at: &str, visit: &mut NodeVisitor<'_>) -> Result<(), String> {
    for (i, node) in nodes.iter().enumerate() {
        let here = format!("{at}[{i}]");
        let obj = node.as_object().ok_or_else(|| {
            format!(
                "{here}: expected a path node object, found {}",
                kind_of(node)
            )
        })?;
        visit(obj, &here)?;
        match obj.get("children") {
            None | Some(Value::Null) => {}
            Some(Value::Array(children)) => {
                walk_tree(children, &format!("{here}.children"), visit)?
            }
            Some(other) => {
                return Err(format!(
                    "{here}.children: expected an array, found {}",
                    kind_of(other)
                ));
            }
        }
    }
    Ok(())
}

fn collect_node(
    node: &Map<String, Value>,
    at: &str,
    methods: &mut Vec<Value>,
    bare_paths: &mut Vec<String>,
) -> Result<(), String> {
    let path = node
        .get("path")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{at}: path node without a string `path`"))?;
    let Some(info) = node.get("info") else {
        bare_paths.push(path.to_string());
        return Ok(());
    };
    let info = info
        .as_object()
        .ok_or_else(|| format!("{path}: `info` must be an object of HTTP methods"))?;
    if info.is_empty() {
        bare_paths.push(path.to_string());
    }
    for (verb, method) in info {
        if !METHOD_ORDER.contains(&verb.as_str()) {
            return Err(format!("{path}: unknown HTTP method `{verb}`"));
        }
        let method = method
            .as_object()
            .ok_or_else(|| format!("{verb} {path}: method description must be an object"))?;
        methods.push(Value::Object(facts_method(path, verb, method)?));
    }
    Ok(())
}

fn facts_method(
    path: &str,
    verb: &str,
    method: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    out.insert("path".into(), path.into());
    for required in ["name", "parameters", "returns"] {
        if !method.contains_key(required) {
            return Err(format!(
                "{verb} {path}: method description lacks `{required}`"
            ));
        }
    }
    if let Some(declared) = method.get("method").and_then(Value::as_str) {
        if declared != verb {
            return Err(format!(
                "{verb} {path}: listed under {verb} but declares method {declared}"
            ));
        }
    }
    for (key, value) in method {
        if PROSE_KEYS.contains(&key.as_str()) {
            continue;
        }
        let kept = match key.as_str() {
            "parameters" | "returns" => {
                if !value.is_object() {
                    return Err(format!("{verb} {path}: `{key}` must be an object schema"));
                }
                facts_schema(value)
            }
            "permissions" => facts_permissions(value),
            _ => value.clone(),
        };
        out.insert(key.clone(), kept);
    }
    out.insert("method".into(), verb.into());
    Ok(out)
}

fn facts_permissions(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !PROSE_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Drops prose keywords from a JSON-schema-like object, recursing only where the value is
/// itself a schema (or a map of named schemas), so property *names* are never touched.
fn facts_schema(value: &Value) -> Value {
    let Value::Object(map) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (key, v) in map {
        if PROSE_KEYS.contains(&key.as_str()) {
            continue;
        }
        let kept = match (key.as_str(), v) {
            ("properties", Value::Object(props)) | ("format", Value::Object(props)) => {
                Value::Object(
                    props
                        .iter()
                        .map(|(n, s)| (n.clone(), facts_schema(s)))
                        .collect(),
                )
            }
            ("items" | "additionalProperties", Value::Object(_)) => facts_schema(v),
            ("oneOf", Value::Array(variants)) => {
                Value::Array(variants.iter().map(facts_schema).collect())
            }
            _ => v.clone(),
        };
        out.insert(key.clone(), kept);
    }
    Value::Object(out)
}

fn method_key(v: &Value) -> (String, usize) {
    let path = v["path"].as_str().unwrap_or_default().to_string();
    let verb = v["method"].as_str().unwrap_or_default();
    let rank = METHOD_ORDER
        .iter()
        .position(|m| *m == verb)
        .unwrap_or(METHOD_ORDER.len());
    (path, rank)
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn source_md(
    file: &Path,
    size: usize,
    sha: &str,
    version: &str,
    opts: &ExtractOptions,
    methods: usize,
    paths: usize,
) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let command = if opts.command.is_empty() {
        "sdk-codegen extract".to_string()
    } else {
        opts.command.clone()
    };
    format!(
        "# Provenance of `pve-api.json`\n\n\
         | | |\n|---|---|\n\
         | PVE version | {version} |\n\
         | upstream file | `{name}` ({size} bytes) |\n\
         | upstream sha256 | `{sha}` |\n\
         | methods (path + HTTP method) | {methods} |\n\
         | path nodes | {paths} |\n\
         | schema format | {SCHEMA_FORMAT} |\n\n\
         Regenerate with:\n\n```sh\n{command}\n```\n\n\
         `pve-api.json` is written by `sdk-codegen extract` and is never edited by hand. It keeps \
         facts only: upstream prose keys ({prose}) are dropped. The other files in this folder \
         are reviewed by hand; see `README.md` here.\n",
        prose = PROSE_KEYS
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Extracted, ExtractError> {
        let opts = ExtractOptions {
            pve_version: Some("9.9".into()),
            command: String::new(),
        };
        extract(Path::new("in.json"), text.as_bytes(), &opts)
    }

    const TINY: &str = r#"[{"path":"/version","text":"version","leaf":1,
        "info":{"GET":{"method":"GET","name":"version","description":"prose","allowtoken":1,
        "parameters":{"additionalProperties":0,"properties":{"description":{"type":"string",
        "description":"a parameter named description","typetext":"<string>"}}},
        "permissions":{"user":"all","description":"prose"},
        "returns":{"type":"object","properties":{"release":{"type":"string","title":"T"}}}}}}]"#;

    #[test]
    fn drops_prose_but_keeps_a_parameter_named_description() {
        let out = run(TINY).unwrap();
        let m = &out.schema["methods"][0];
        assert_eq!(m["path"], "/version");
        assert!(m.get("description").is_none());
        assert!(m["permissions"].get("description").is_none());
        assert_eq!(m["permissions"]["user"], "all");
        let p = &m["parameters"]["properties"]["description"];
        assert_eq!(p, &serde_json::json!({"type": "string"}));
        assert_eq!(
            m["returns"]["properties"]["release"],
            serde_json::json!({"type": "string"})
        );
    }

    #[test]
    fn reads_the_apidoc_js_wrapper_with_trailing_code() {
        for prefix in ["const apiSchema = ", "var pveapi = "] {
            let js = format!("{prefix}{TINY};\nExt.define('PVE.X', {{}});\n");
            let a = run(&js).unwrap();
            let b = run(TINY).unwrap();
            assert_eq!(a.schema, b.schema);
        }
    }

    #[test]
    fn bad_inputs_are_named_errors() {
        let cases = [
            ("", "empty"),
            ("hello", "neither JSON nor an apidoc.js"),
            ("{\"a\":1}", "expected the top level to be an array"),
            ("[]", "empty array"),
            ("[{\"path\":\"/x\"}]", "no API methods"),
            ("[1]", "expected a path node object"),
            (
                "[{\"path\":\"/x\",\"info\":{\"GET\":{\"name\":\"x\"}}}]",
                "lacks `parameters`",
            ),
            (
                "[{\"path\":\"/x\",\"info\":{\"FETCH\":{}}}]",
                "unknown HTTP method",
            ),
            ("[{\"path\":", "not valid JSON"),
        ];
        for (input, needle) in cases {
            let err = run(input).unwrap_err().to_string();
            assert!(err.starts_with("in.json: "), "{err}");
            assert!(err.contains(needle), "{input:?} gave {err}");
        }
    }

    #[test]
    fn version_comes_from_the_file_name_or_must_be_given() {
        let opts = ExtractOptions::default();
        let ok = extract(
            Path::new("/x/pve-8.4.2-apidoc.json"),
            TINY.as_bytes(),
            &opts,
        )
        .unwrap();
        assert_eq!(ok.schema["pve_version"], "8.4.2");
        let err = extract(Path::new("apidoc.js"), TINY.as_bytes(), &opts).unwrap_err();
        assert!(err.to_string().contains("--pve-version"));
    }

    #[test]
    fn nothing_is_written_when_extraction_fails() {
        let dir = std::env::temp_dir().join(format!("extract-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(run("not json").is_err());
        assert!(!dir.exists());
        let ok = run(TINY).unwrap();
        write_schema(&dir, &ok).unwrap();
        let written = std::fs::read_to_string(dir.join("pve-api.json")).unwrap();
        assert_eq!(written, to_canonical_json(&ok.schema));
        assert!(
            std::fs::read_to_string(dir.join("SOURCE.md"))
                .unwrap()
                .contains("| PVE version | 9.9 |")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
