//! Request encoding exactly as PVE expects it.
//!
//! * `GET`/`DELETE` parameters go into the query string, `POST`/`PUT` parameters into an
//!   `application/x-www-form-urlencoded` body (pve-http-server refuses a body on other methods).
//! * Booleans are sent as `1`/`0` (PVE's `check_type` rejects `true`), integers as digits.
//! * Arrays are repeated keys (`command=ls&command=-l`); `*-list` formats are one value joined
//!   with `,`; indexed families are the concrete keys `net0`, `net1`, ….
//! * Path parameters and all keys and values are percent-encoded with every byte outside the
//!   RFC 3986 unreserved set escaped, so a UPID (`:`), a volume id (`/`) or a space survives.

use std::borrow::Cow;
use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything outside `A-Z a-z 0-9 - . _ ~` is escaped.
const ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A parameter value that cannot be sent; the request is refused before any I/O.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParamError {
    /// An indexed key outside the range PVE accepts for its family (`net32`).
    #[error("parameter `{family}{index}` is out of range: `{family}` takes indexes 0 to {max}")]
    IndexOutOfRange {
        /// The family prefix, e.g. `net`.
        family: String,
        /// The index that was asked for.
        index: u32,
        /// The largest index PVE accepts.
        max: u32,
    },
    /// A number outside the bounds the schema gives the parameter (`vmid` 99, where PVE's
    /// guest ids start at 100).
    #[error("parameter `{name}` is {value}, out of range: {range}")]
    OutOfRange {
        /// The wire name of the parameter.
        name: String,
        /// The value that was given.
        value: String,
        /// What the schema allows: `100 to 999999999`, `at least 0`, `at most 64`.
        range: String,
    },
    /// A text shorter or longer than the schema allows for the parameter (the text itself is
    /// not kept: it may be a credential).
    #[error("parameter `{name}` has {length} characters, out of range: {range}")]
    LengthOutOfRange {
        /// The wire name of the parameter.
        name: String,
        /// The length of the text that was given, in characters.
        length: u64,
        /// What the schema allows, in characters: `1 to 64`, `at most 128`.
        range: String,
    },
    /// A value was refused by a parameter's constraint before sending.
    #[error("parameter `{name}`: {problem}")]
    Invalid {
        /// The wire name of the parameter.
        name: String,
        /// What is wrong with the value.
        problem: String,
    },
}

/// Builds the concrete path of a request.
#[derive(Debug, Default)]
pub struct PathWriter {
    path: String,
    values: Vec<String>,
}

impl PathWriter {
    /// An empty path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a literal part of the template (already safe, e.g. `/nodes/`).
    pub fn literal(&mut self, part: &str) {
        self.path.push_str(part);
    }

    /// Appends one path parameter, percent-encoded as a single segment.
    pub fn param<T: ToParam + ?Sized>(&mut self, value: &T) {
        let text = value.param_text();
        self.path.extend(utf8_percent_encode(&text, ESCAPE));
        self.values.push(text.into_owned());
    }

    /// The path parameters' values as text (not encoded), in path order.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// The finished path.
    pub fn finish(self) -> String {
        self.path
    }
}

/// Collects the encoded parameters of a request.
#[derive(Debug, Default, Clone)]
pub struct ParamWriter {
    pairs: Vec<(Cow<'static, str>, String)>,
    error: Option<ParamError>,
}

impl ParamWriter {
    /// No parameters yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes a parameter that is always present.
    pub fn required<T: ToParam + ?Sized>(&mut self, key: &'static str, value: &T) {
        value.write_param(Cow::Borrowed(key), self);
    }

    /// Writes a parameter only when it is set.
    pub fn optional<T: ToParam>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(v) = value {
            v.write_param(Cow::Borrowed(key), self);
        }
    }

    /// Appends one already-encoded-as-text pair. Used by [`ToParam`] implementations.
    pub fn push(&mut self, key: Cow<'static, str>, value: String) {
        self.pairs.push((key, value));
    }

    /// Records a value that cannot be sent; the first such error refuses the request.
    pub fn reject(&mut self, error: ParamError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// The pairs written so far, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    /// The pairs, or the first rejected value.
    ///
    /// # Errors
    /// The first [`ParamError`] recorded with [`ParamWriter::reject`].
    pub fn into_pairs(self) -> Result<Vec<(Cow<'static, str>, String)>, ParamError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.pairs),
        }
    }

    /// Percent-encodes the pairs as `k=v&k=v` (the same form for query strings and bodies).
    pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
        let mut out = String::new();
        for (i, (k, v)) in pairs.into_iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.extend(utf8_percent_encode(k, ESCAPE));
            out.push('=');
            out.extend(utf8_percent_encode(v, ESCAPE));
        }
        out
    }
}

/// A value that can be sent as a request parameter.
pub trait ToParam {
    /// The value as PVE expects it in text form.
    fn param_text(&self) -> Cow<'_, str>;

    /// Writes the value under `key`. Collections override this to repeat or expand the key.
    fn write_param(&self, key: Cow<'static, str>, out: &mut ParamWriter) {
        out.push(key, self.param_text().into_owned());
    }
}

impl ToParam for bool {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "1" } else { "0" })
    }
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn param_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
int_param!(u8, u16, u32, u64, i32, i64, usize);

impl ToParam for f64 {
    fn param_text(&self) -> Cow<'_, str> {
        // Integral values go out without a fraction (`2`, not `2.0`), as Perl prints them.
        let mut s = String::new();
        if self.fract() == 0.0 && self.abs() < 1e15 {
            let _ = write!(s, "{}", *self as i64);
        } else {
            let _ = write!(s, "{self}");
        }
        Cow::Owned(s)
    }
}

impl ToParam for str {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl ToParam for String {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn param_text(&self) -> Cow<'_, str> {
        (**self).param_text()
    }
    fn write_param(&self, key: Cow<'static, str>, out: &mut ParamWriter) {
        (**self).write_param(key, out);
    }
}

/// `type: array` parameters are repeated keys.
impl<T: ToParam> ToParam for Vec<T> {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Owned(
            self.iter()
                .map(|v| v.param_text().into_owned())
                .collect::<Vec<_>>()
                .join(","),
        )
    }
    fn write_param(&self, key: Cow<'static, str>, out: &mut ParamWriter) {
        for v in self {
            v.write_param(key.clone(), out);
        }
    }
}

impl ToParam for serde_json::Value {
    fn param_text(&self) -> Cow<'_, str> {
        match self {
            serde_json::Value::String(s) => Cow::Borrowed(s),
            serde_json::Value::Bool(b) => b.param_text().into_owned().into(),
            other => Cow::Owned(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_sent_the_way_pve_reads_them() {
        assert_eq!(true.param_text(), "1");
        assert_eq!(false.param_text(), "0");
        assert_eq!(100u32.param_text(), "100");
        assert_eq!((-5i64).param_text(), "-5");
        assert_eq!(2.0f64.param_text(), "2");
        assert_eq!(0.5f64.param_text(), "0.5");
    }

    #[test]
    fn pairs_are_percent_encoded_and_arrays_repeat() {
        let mut w = ParamWriter::new();
        w.required("command", &vec!["ls".to_string(), "-l /tmp".to_string()]);
        w.optional("name", &Some("a b&c=d".to_string()));
        w.optional::<bool>("skip", &None);
        let pairs = w.into_pairs().unwrap();
        assert_eq!(
            ParamWriter::encode_pairs(pairs.iter().map(|(k, v)| (&**k, v.as_str()))),
            "command=ls&command=-l%20%2Ftmp&name=a%20b%26c%3Dd"
        );
    }

    #[test]
    fn a_upid_survives_as_a_path_segment() {
        let mut p = PathWriter::new();
        p.literal("/nodes/");
        p.param("pve1");
        p.literal("/tasks/");
        p.param("UPID:pve1:000934AF:0D015579:68BF3A41:vzdump:100:a@pam!tok:");
        p.literal("/status");
        assert_eq!(
            p.finish(),
            "/nodes/pve1/tasks/UPID%3Apve1%3A000934AF%3A0D015579%3A68BF3A41%3Avzdump%3A100%3Aa%40pam%21tok%3A/status"
        );
    }

    #[test]
    fn the_first_rejected_value_refuses_the_request() {
        let mut w = ParamWriter::new();
        w.required("a", "1");
        w.reject(ParamError::IndexOutOfRange {
            family: "net".into(),
            index: 32,
            max: 31,
        });
        w.reject(ParamError::Invalid {
            name: "b".into(),
            problem: "x".into(),
        });
        let err = w.into_pairs().unwrap_err();
        assert_eq!(
            err.to_string(),
            "parameter `net32` is out of range: `net` takes indexes 0 to 31"
        );
    }
}
