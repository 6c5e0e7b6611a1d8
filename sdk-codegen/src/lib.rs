//! Generator for the `proxmox-sdk` crate: turns PVE's own API schema into typed Rust.
//!
//! The pipeline has four stages, each in its own module:
//!
//! 1. [`model`] — parse the vendored, facts-only schema folder (`schema/`) faithfully;
//! 2. [`fixups`] — named, self-checking normalizations of upstream quirks;
//! 3. [`lower`] — build the [`ir`]: endpoints, structs, enums, property strings, privileges and
//!    permission checks, all named by the rules in [`naming`];
//! 4. [`emit`] — token streams per module, formatted with prettyplease.
//!
//! [`extract`] brings a new upstream schema in (from the JSON in pve-docs or the `apidoc.js` of
//! any PVE host) and [`diff`] compares the Rust APIs two schema versions generate, classing each
//! change major/minor/patch; [`history`] records since which PVE version each endpoint exists.
//! The library does no I/O beyond the explicit `load`/`write` helpers; `build.rs`, the CLI and
//! the tests are thin edges.
//!
//! ```no_run
//! let set = sdk_codegen::model::SchemaSet::load(std::path::Path::new("schema"))?;
//! let out = sdk_codegen::Generator::new(sdk_codegen::Settings::default()).generate(set)?;
//! println!("{}", out.report);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod diff;
pub mod emit;
pub mod extract;
pub mod fixups;
pub mod history;
pub mod ir;
pub mod lower;
pub mod model;
pub mod naming;
mod report;
/// The wording of permission requirements, shared with the SDK: [`wording::check`] words a
/// check for the generated docs here and, compiled from the same file
/// ([`PERMISSION_WORDING_SOURCE`]), for `Display` in proxmox-sdk at run time.
pub mod wording;

/// The source of [`wording`]: proxmox-sdk's `build.rs` writes it to `$OUT_DIR`, so the SDK
/// words a check at run time with the very code that wrote its docs.
pub const PERMISSION_WORDING_SOURCE: &str = include_str!("wording.rs");

pub use report::Report;

/// How to run the generator.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Pinned-schema mode: every fixup must still apply, and the reviewed data files must match
    /// the schema exactly. Off for other PVE versions.
    pub strict: bool,
}

/// Any failure of the generator.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A fixup found nothing to fix (strict mode).
    #[error(transparent)]
    StaleFixup(#[from] fixups::StaleFixup),
    /// The schema has a shape lowering does not understand.
    #[error(transparent)]
    Lower(#[from] lower::LowerError),
    /// The emitted tokens did not parse (a generator bug).
    #[error("generated code does not parse: {0}")]
    Emit(#[from] syn::Error),
}

/// The generator (library entry point).
#[derive(Debug, Clone, Default)]
pub struct Generator {
    settings: Settings,
}

/// What [`Generator::generate`] produces.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The formatted code.
    pub code: emit::GeneratedCode,
    /// Counts and notes for the build report.
    pub report: Report,
    /// The IR the code was emitted from.
    pub api: ir::Api,
}

impl Generator {
    /// A generator with the given settings.
    pub fn new(settings: Settings) -> Self {
        Self { settings }
    }

    /// Runs fixups, lowering and emission over a loaded schema set.
    ///
    /// # Errors
    /// [`GenerateError`] naming the stale fixup, or the endpoint and property that could not be
    /// lowered.
    pub fn generate(&self, mut set: model::SchemaSet) -> Result<Generated, GenerateError> {
        let fixups = fixups::run_all(&mut set.api, self.settings.strict)?;
        let api = lower::lower(&set, self.settings.strict)?;
        let code = emit::emit(&api)?;
        let report = Report::new(&api, &fixups, &code);
        Ok(Generated { code, report, api })
    }

    /// Runs fixups and lowering only: the IR [`diff`] compares.
    ///
    /// # Errors
    /// As [`Generator::generate`], without the emission step.
    pub fn lower(&self, mut set: model::SchemaSet) -> Result<ir::Api, GenerateError> {
        fixups::run_all(&mut set.api, self.settings.strict)?;
        Ok(lower::lower(&set, self.settings.strict)?)
    }
}
