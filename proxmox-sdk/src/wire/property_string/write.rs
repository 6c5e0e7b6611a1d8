//! Writing a value back: received keys in their order, then the rest in canonical order.

use std::borrow::Cow;
use std::fmt;

use super::spec::PropertySpec;
use super::value::PropertyValue;
use super::{PropertyExtra, PropertyString, write};

/// Collects the sub-keys of a value for writing.
pub struct PropertyWriter<'a> {
    spec: &'static PropertySpec,
    fields: Vec<(&'static str, Cow<'a, str>)>,
    extra: Option<&'a PropertyExtra>,
}

impl<'a> PropertyWriter<'a> {
    /// A writer for a value of the format `spec`.
    pub(super) fn new(spec: &'static PropertySpec) -> Self {
        Self {
            spec,
            fields: Vec::new(),
            extra: None,
        }
    }

    /// An optional sub-key.
    pub fn put<T: PropertyValue>(&mut self, key: &'static str, value: &'a Option<T>) {
        if let Some(v) = value {
            self.fields.push((key, v.write_value()));
        }
    }

    /// A required sub-key.
    pub fn put_required<T: PropertyValue>(&mut self, key: &'static str, value: &'a T) {
        self.fields.push((key, value.write_value()));
    }

    /// The unknown sub-keys and received order.
    pub fn extra(&mut self, extra: &'a PropertyExtra) {
        self.extra = Some(extra);
    }

    pub(super) fn finish(self) -> String {
        let spec = self.spec;
        let empty = PropertyExtra::default();
        let extra = self.extra.unwrap_or(&empty);
        let mut written = vec![false; self.fields.len()];
        let mut unknown_written = vec![false; extra.unknown.len()];
        let mut parts: Vec<String> = Vec::new();
        let find = |key: &str, written: &[bool]| {
            self.fields
                .iter()
                .enumerate()
                .position(|(i, (k, _))| *k == key && !written[i])
        };

        for token in &extra.order {
            if token.is_empty() {
                if let Some(i) = spec.default_key.and_then(|dk| find(dk, &written)) {
                    written[i] = true;
                    parts.push(self.fields[i].1.to_string());
                } else if let Some(u) = (0..extra.unknown.len()).find(|u| {
                    // A bare value: one without a default key, or (lenient) a second value
                    // for the default key, which stays bare and in place unless an `=` in it
                    // would make it read as a key.
                    let (key, value) = (&extra.unknown[*u].0, &extra.unknown[*u].1);
                    !unknown_written[*u]
                        && (key.is_empty()
                            || (spec.default_key == Some(key.as_str()) && !value.contains('=')))
                }) {
                    unknown_written[u] = true;
                    parts.push(extra.unknown[u].1.clone());
                }
            } else if let Some((_, key_field, value_field)) =
                spec.key_aliases.iter().find(|(p, _, _)| p == token)
            {
                if let (Some(k), Some(v)) = (find(key_field, &written), find(value_field, &written))
                {
                    written[k] = true;
                    written[v] = true;
                    parts.push(format!("{}={}", self.fields[k].1, self.fields[v].1));
                }
            } else if let Some((alias, target)) = spec.aliases.iter().find(|(a, _)| a == token) {
                if let Some(i) = find(target, &written) {
                    written[i] = true;
                    parts.push(format!("{alias}={}", self.fields[i].1));
                }
            } else if let Some(i) = find(token, &written) {
                written[i] = true;
                parts.push(format!("{token}={}", self.fields[i].1));
            } else if let Some(u) = (0..extra.unknown.len())
                .find(|u| !unknown_written[*u] && extra.unknown[*u].0 == *token)
            {
                unknown_written[u] = true;
                parts.push(format!("{token}={}", extra.unknown[u].1));
            }
        }

        // Canonical order for everything not placed above.
        if let Some(dk) = spec.default_key {
            if let Some(i) = find(dk, &written) {
                written[i] = true;
                let alias = spec
                    .key_aliases
                    .iter()
                    .find(|(_, k, _)| *k == dk)
                    .map(|(_, _, v)| *v);
                match alias.and_then(|v| find(v, &written)) {
                    Some(v) => {
                        written[v] = true;
                        parts.push(format!("{}={}", self.fields[i].1, self.fields[v].1));
                    }
                    None => parts.push(self.fields[i].1.to_string()),
                }
            }
        }
        let mut rest: Vec<usize> = (0..self.fields.len()).filter(|i| !written[*i]).collect();
        rest.sort_by_key(|i| self.fields[*i].0);
        for i in rest {
            parts.push(format!("{}={}", self.fields[i].0, self.fields[i].1));
        }
        for (u, (k, v)) in extra.unknown.iter().enumerate() {
            if !unknown_written[u] {
                parts.push(if k.is_empty() {
                    v.clone()
                } else {
                    format!("{k}={v}")
                });
            }
        }
        parts.join(",")
    }
}

/// Display helper for generated types.
///
/// # Errors
/// Only the formatter's.
pub fn fmt_property_string<T: PropertyString>(
    value: &T,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    f.write_str(&write(value))
}
