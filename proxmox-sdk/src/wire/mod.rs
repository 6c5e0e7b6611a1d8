//! The wire format: how generated types decode PVE's responses and encode its requests.
//!
//! * [`de`]: lenient decoding of scalars, lists and objects (unknown fields kept);
//! * [`params`]: request encoding (query strings, form bodies, path segments);
//! * [`limits`]: the schema's bounds and lengths, checked before a request is sent;
//! * [`property_string`]: `key=value,…` values with default keys and aliases;
//! * [`indexed`]: `net0`…`net31`-style key families;
//! * [`list`]: `*-list` formats (several values in one string);
//! * [`enums`]: forward-compatible enums;
//! * [`mod@changes`]: an update reduced to what changed, with `delete` and `digest`.

pub mod changes;
pub mod de;
pub mod enums;
pub mod indexed;
pub mod limits;
pub mod list;
pub mod params;
pub mod property_string;

pub use changes::{Changes, changes};
pub use de::{Extra, FromWire, Lenient};
pub use enums::WireEnum;
pub use indexed::Indexed;
pub use limits::Limited;
pub use list::List;
pub use params::{ParamError, ParamWriter, PathWriter, ToParam};
pub use property_string::{ParseMode, PropertyError, PropertyExtra, PropertyString, PropertyValue};

/// Shows a credential field in generated `Debug` output without its value.
pub struct Redacted<'a, T>(pub &'a T);

impl<T> std::fmt::Debug for Redacted<'_, Option<T>> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Some(<redacted>)"
        } else {
            "None"
        })
    }
}

impl std::fmt::Debug for Redacted<'_, String> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Parameters a request sends beyond the ones the schema lists (`(key, value)` in order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtraParams(Vec<(String, String)>);

impl ExtraParams {
    /// No extra parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one.
    pub fn push(&mut self, key: String, value: String) {
        self.0.push((key, value));
    }

    /// Adds a typed value under `key` (arrays repeat the key, like any parameter).
    pub fn push_param<T: ToParam + ?Sized>(&mut self, key: impl Into<String>, value: &T) {
        let mut w = ParamWriter::new();
        value.write_param(std::borrow::Cow::Owned(key.into()), &mut w);
        self.0
            .extend(w.pairs().map(|(k, v)| (k.to_string(), v.to_string())));
    }

    /// Adds the keys of a response object that the schema does not know, as received: strings
    /// as they are, numbers in JSON notation, booleans as `1`/`0`; `null` is skipped and arrays
    /// or objects are sent as JSON text.
    pub fn push_unknown(&mut self, extra: &Extra) {
        for (k, v) in extra {
            let text = match v {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                other => other.to_string(),
            };
            self.0.push((k.clone(), text));
        }
    }

    /// The pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ParamWriter {
    /// Writes the extra parameters of a request.
    pub fn extra(&mut self, extra: &ExtraParams) {
        for (k, v) in &extra.0 {
            self.push(std::borrow::Cow::Owned(k.clone()), v.clone());
        }
    }
}
