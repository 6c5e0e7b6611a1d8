//! Why a property string does not parse.

/// A property string that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PropertyError {
    /// The same key twice (PVE: `duplicate key in comma-separated list property`).
    #[error("{ty}: duplicate key in comma-separated list property: {key}")]
    DuplicateKey {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: String,
    },
    /// A key the format does not have (PVE: `invalid key in comma-separated list property`).
    #[error("{ty}: invalid key in comma-separated list property: {key}")]
    InvalidKey {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: String,
    },
    /// A bare value, but the format has no default key.
    #[error("{ty}: value without key, but schema does not define a default key: {value}")]
    NoDefaultKey {
        /// Type name.
        ty: &'static str,
        /// The bare value.
        value: String,
    },
    /// A required sub-key is missing.
    #[error("{ty}: missing required key `{key}`")]
    MissingKey {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: &'static str,
    },
    /// A value of the wrong type, or not one of the listed values.
    #[error("{ty}: key `{key}`: invalid value `{value}`, expected {expected}")]
    InvalidValue {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A number outside the schema's bounds.
    #[error("{ty}: key `{key}`: value {value} is out of range ({range})")]
    OutOfRange {
        /// Type name.
        ty: &'static str,
        /// The key.
        key: &'static str,
        /// The value.
        value: String,
        /// The allowed range.
        range: String,
    },
}
