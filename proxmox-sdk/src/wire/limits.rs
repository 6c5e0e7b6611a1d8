//! The schema's limits on request parameters, checked before a request is sent: the bounds of
//! a number (`vmid` starts at 100) and the length of a text.
//!
//! A value outside them is refused with a [`ParamError`] and nothing reaches the server. The
//! checks never refuse what PVE accepts: a too-long text is counted in characters and a too-short
//! one in bytes, so either way the text is out of range by PVE's count too. Responses are never
//! checked (a server may send what its own schema does not allow).

use super::params::{ParamError, ParamWriter};

/// A parameter value the schema's limits apply to: a number, a text, or either one unset.
pub trait Limited {
    /// The value as a number, for bounds; `None` when unset or not a number.
    fn number(&self) -> Option<f64> {
        None
    }

    /// The value as text, for lengths; `None` when unset or not a text.
    fn text(&self) -> Option<&str> {
        None
    }
}

macro_rules! limited_number {
    ($($t:ty),*) => {$(
        impl Limited for $t {
            // Exact for every integer up to 2^53, which covers every bound PVE's schema states.
            #[allow(clippy::cast_precision_loss)]
            fn number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
limited_number!(u32, u64, i64, f64);

impl Limited for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T: Limited> Limited for Option<T> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(Limited::number)
    }

    fn text(&self) -> Option<&str> {
        self.as_ref().and_then(Limited::text)
    }
}

impl ParamWriter {
    /// Refuses the request when the number `value` is below `min` or above `max`; an unset
    /// value passes.
    pub fn range<T: Limited + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
        min: Option<f64>,
        max: Option<f64>,
    ) {
        let Some(n) = value.number() else { return };
        if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
            self.reject(ParamError::OutOfRange {
                name: key.to_owned(),
                value: n.to_string(),
                range: range_text(min, max),
            });
        }
    }

    /// Refuses the request when the text `value` is shorter than `min` or longer than `max`
    /// characters; an unset value passes. The error names the length, never the text (it may
    /// be a credential).
    pub fn length<T: Limited + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
        min: Option<u64>,
        max: Option<u64>,
    ) {
        let Some(text) = value.text() else { return };
        let chars = text.chars().count() as u64;
        let bytes = text.len() as u64;
        if min.is_some_and(|lo| bytes < lo) || max.is_some_and(|hi| chars > hi) {
            #[allow(clippy::cast_precision_loss)]
            let range = range_text(min.map(|v| v as f64), max.map(|v| v as f64));
            self.reject(ParamError::LengthOutOfRange {
                name: key.to_owned(),
                length: chars,
                range,
            });
        }
    }
}

/// `1 to 128`, `at least 100`, `at most 64` (empty without bounds).
pub(crate) fn range_text(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (Some(lo), None) => format!("at least {lo}"),
        (None, Some(hi)) => format!("at most {hi}"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(write: impl FnOnce(&mut ParamWriter)) -> Option<String> {
        let mut w = ParamWriter::new();
        write(&mut w);
        w.into_pairs().err().map(|e| e.to_string())
    }

    #[test]
    fn a_number_outside_its_bounds_is_refused_with_name_value_and_range() {
        assert_eq!(
            refused(|w| w.range("vmid", &99u32, Some(100.0), Some(999_999_999.0))).as_deref(),
            Some("parameter `vmid` is 99, out of range: 100 to 999999999")
        );
        assert_eq!(
            refused(|w| w.range("cpulimit", &Some(128.5f64), Some(0.0), Some(128.0))).as_deref(),
            Some("parameter `cpulimit` is 128.5, out of range: 0 to 128")
        );
        assert_eq!(
            refused(|w| w.range("delta", &-1i64, Some(0.0), None)).as_deref(),
            Some("parameter `delta` is -1, out of range: at least 0")
        );
    }

    #[test]
    fn the_bounds_themselves_and_unset_values_pass() {
        assert_eq!(
            refused(|w| w.range("vmid", &100u32, Some(100.0), Some(999_999_999.0))),
            None
        );
        assert_eq!(
            refused(|w| w.range("vmid", &999_999_999u64, Some(100.0), Some(999_999_999.0))),
            None
        );
        assert_eq!(
            refused(|w| w.range("vmid", &None::<u32>, Some(100.0), None)),
            None
        );
    }

    #[test]
    fn lengths_count_characters_above_and_bytes_below_and_never_show_the_text() {
        // 5 characters, 10 bytes: within `at most 5` by PVE's count in either unit.
        assert_eq!(
            refused(|w| w.length("name", &"ääääää"[2..].to_string(), None, Some(5))),
            None
        );
        let err = refused(|w| w.length("password", &"hunter2".to_string(), Some(8), None)).unwrap();
        assert_eq!(
            err,
            "parameter `password` has 7 characters, out of range: at least 8"
        );
        assert!(!err.contains("hunter2"));
        assert_eq!(
            refused(|w| w.length("comment", &Some("abc".to_string()), None, Some(2))).as_deref(),
            Some("parameter `comment` has 3 characters, out of range: at most 2")
        );
    }
}
