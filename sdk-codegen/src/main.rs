//! `sdk-codegen`: extract a schema from PVE's apidoc, generate the bindings to read them, or
//! diff two schema versions.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sdk_codegen::extract::{self, ExtractOptions};
use sdk_codegen::model::SchemaSet;
use sdk_codegen::{Generator, Settings};

const USAGE: &str = r#"usage:
  sdk-codegen extract INPUT [--out DIR] [--pve-version X.Y.Z]
      INPUT: pve-<version>-apidoc.json, or the apidoc.js of a PVE host
      (/usr/share/pve-docs/api-viewer/apidoc.js). Writes DIR/pve-api.json and DIR/SOURCE.md
      (DIR defaults to ./schema). Nothing is written if INPUT cannot be read.
  sdk-codegen generate [--schema DIR] [--out FILE] [--strict]
      Generates the bindings from DIR (default ./schema) into one readable file (default: stdout)
      and prints the build report to stderr.
  sdk-codegen history OLDEST ... NEWEST [--out FILE]
  sdk-codegen history --extend HISTORY NEWEST [--out FILE]
      Since which of the given versions (oldest first; upstream apidoc files or pve-api.json)
      each endpoint of NEWEST exists; --extend adds NEWEST to an existing history.json.
      Writes FILE (default ./schema/history.json); the generator puts "Available since PVE
      x.y" into each endpoint's docs from it.
  sdk-codegen diff OLD NEW [--json] [--data DIR|none] [--new-version X.Y.Z]
      What moving from OLD to NEW changes in the generated Rust API, each change classed
      major/minor/patch by its effect on code that compiles against OLD (the largest class is
      the crate's version bump). OLD and NEW may each be a schema folder (schema/), a
      pve-api.json, or an upstream apidoc.js / pve-<version>-apidoc.json. Upstream files and a
      lone pve-api.json are lowered with the reviewed data files of DIR (default ./schema when
      it exists; `none`: no data files). --new-version names NEW's PVE version when it is an
      upstream file whose name does not say it (apidoc.js).
      Output: a report grouped by class; with --json one document:
        {"old_version", "new_version", "class": "major|minor|patch|none",
         "counts": {"major", "minor", "patch"}, "endpoints": {"added", "removed", "changed"},
         "changes": [{"class", "kind", "endpoint"?, "item", "old"?, "new"?,
                      "privileges_added"?: [{"path", "privilege"}], "privileges_removed"?,
                      "detail"}]}
      (kinds and classes: `cargo doc -p sdk-codegen`, module `diff`).
"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("extract") => cmd_extract(&args[1..]),
        Some("generate") => cmd_generate(&args[1..]),
        Some("diff") => cmd_diff(&args[1..]),
        Some("history") => cmd_history(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("expected a command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sdk-codegen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Positional arguments, and `(--flag, value)` options (value empty for switches).
type Parsed = (Vec<String>, Vec<(String, String)>);

/// Splits `args` into positional arguments and `--flag value` options.
fn parse(args: &[String], flags: &[&str], switches: &[&str]) -> Result<Parsed, String> {
    let mut positional = Vec::new();
    let mut options = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if switches.contains(&a.as_str()) {
            options.push((a.clone(), String::new()));
        } else if flags.contains(&a.as_str()) {
            let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
            options.push((a.clone(), v.clone()));
        } else if a.starts_with("--") {
            return Err(format!("unknown option {a}\n\n{USAGE}"));
        } else {
            positional.push(a.clone());
        }
    }
    Ok((positional, options))
}

fn option<'a>(options: &'a [(String, String)], name: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn cmd_extract(args: &[String]) -> Result<(), String> {
    let (pos, opts) = parse(args, &["--out", "--pve-version"], &[])?;
    let [input] = pos.as_slice() else {
        return Err(format!("extract takes one INPUT\n\n{USAGE}"));
    };
    let input = PathBuf::from(input);
    let out = PathBuf::from(option(&opts, "--out").unwrap_or("schema"));
    let bytes =
        std::fs::read(&input).map_err(|e| format!("{}: cannot read: {e}", input.display()))?;
    let command = ["sdk-codegen", "extract"]
        .into_iter()
        .chain(args.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let options = ExtractOptions {
        pve_version: option(&opts, "--pve-version").map(str::to_string),
        command,
    };
    let extracted = extract::extract(&input, &bytes, &options).map_err(|e| e.to_string())?;
    extract::write_schema(&out, &extracted).map_err(|e| e.to_string())?;
    eprintln!(
        "wrote {} ({} methods, {} paths) and SOURCE.md",
        out.join("pve-api.json").display(),
        extracted.method_count,
        extracted.path_count
    );
    Ok(())
}

fn cmd_generate(args: &[String]) -> Result<(), String> {
    let (pos, opts) = parse(args, &["--schema", "--out"], &["--strict"])?;
    if !pos.is_empty() {
        return Err(format!("generate takes no positional arguments\n\n{USAGE}"));
    }
    let dir = Path::new(option(&opts, "--schema").unwrap_or("schema"));
    let set = SchemaSet::load(dir).map_err(|e| e.to_string())?;
    let strict = option(&opts, "--strict").is_some();
    let generated = Generator::new(Settings { strict })
        .generate(set)
        .map_err(|e| e.to_string())?;
    let text = generated.code.single_file();
    match option(&opts, "--out") {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("{path}: cannot write: {e}"))?
        }
        None => stdout(&text)?,
    }
    eprint!("{}", generated.report);
    Ok(())
}

fn cmd_diff(args: &[String]) -> Result<(), String> {
    let (pos, opts) = parse(args, &["--data", "--new-version"], &["--json"])?;
    let [old, new] = pos.as_slice() else {
        return Err(format!("diff takes OLD and NEW\n\n{USAGE}"));
    };
    let data = match option(&opts, "--data") {
        Some("none") => None,
        Some(dir) => Some(PathBuf::from(dir)),
        None => Some(PathBuf::from("schema")).filter(|d| d.join("privileges.json").exists()),
    };
    let api = |path: &str, version: Option<&str>| -> Result<sdk_codegen::ir::Api, String> {
        let set = sdk_codegen::diff::load_as(Path::new(path), data.as_deref(), version)
            .map_err(|e| e.to_string())?;
        Generator::new(Settings::default())
            .lower(set)
            .map_err(|e| format!("{path}: {e}"))
    };
    let d = sdk_codegen::diff::diff(&api(old, None)?, &api(new, option(&opts, "--new-version"))?);
    if option(&opts, "--json").is_some() {
        let text = serde_json::to_string_pretty(&d.to_json()).map_err(|e| e.to_string())?;
        stdout(&format!("{text}\n"))?;
    } else {
        stdout(&d.to_string())?;
    }
    Ok(())
}

fn cmd_history(args: &[String]) -> Result<(), String> {
    let (pos, opts) = parse(args, &["--out", "--extend"], &[])?;
    let mut schemas = Vec::new();
    for p in &pos {
        let set = sdk_codegen::diff::load(Path::new(p), None).map_err(|e| e.to_string())?;
        schemas.push(set.api);
    }
    let history = match option(&opts, "--extend") {
        Some(base) => {
            let [new] = schemas.as_slice() else {
                return Err(format!("history --extend takes one NEWEST\n\n{USAGE}"));
            };
            let text =
                std::fs::read_to_string(base).map_err(|e| format!("{base}: cannot read: {e}"))?;
            let old: sdk_codegen::history::History =
                serde_json::from_str(&text).map_err(|e| format!("{base}: {e}"))?;
            old.extend(new)
        }
        None if schemas.len() >= 2 => sdk_codegen::history::build(&schemas),
        None => {
            return Err(format!(
                "history takes at least two versions, oldest first\n\n{USAGE}"
            ));
        }
    };
    let out = PathBuf::from(option(&opts, "--out").unwrap_or("schema/history.json"));
    let mut text = serde_json::to_string_pretty(&history).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(&out, text).map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    eprintln!(
        "wrote {} ({} methods, versions {})",
        out.display(),
        history.methods.len(),
        history.versions.join(", ")
    );
    Ok(())
}

/// Writes to stdout; a reader that went away (`| head`) ends the output quietly.
fn stdout(text: &str) -> Result<(), String> {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}
