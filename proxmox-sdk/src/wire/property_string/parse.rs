//! Reading a property string into its `key=value` pairs: default keys, `keyAlias` pseudo-keys,
//! aliases, duplicates and unknown keys.

use std::borrow::Cow;

use super::error::PropertyError;
use super::spec::PropertySpec;
use super::value::PropertyValue;
use super::{ParseMode, PropertyExtra};

struct Pair<'a> {
    key: Cow<'a, str>,
    value: Cow<'a, str>,
    used: bool,
}

/// The `key=value` pairs of one property string, aliases resolved.
pub struct PropertyPairs<'a> {
    spec: &'static PropertySpec,
    mode: ParseMode,
    pairs: Vec<Pair<'a>>,
    order: Vec<String>,
}

impl<'a> PropertyPairs<'a> {
    pub(super) fn tokenize(
        spec: &'static PropertySpec,
        text: &'a str,
        mode: ParseMode,
    ) -> Result<Self, PropertyError> {
        let mut me = Self {
            spec,
            mode,
            pairs: Vec::new(),
            order: Vec::new(),
        };
        for part in text.split(',') {
            if part.trim().is_empty() {
                continue;
            }
            match part.split_once('=') {
                Some((key, value)) if !key.is_empty() => {
                    me.order.push(key.to_string());
                    if let Some((_, key_field, value_field)) =
                        spec.key_aliases.iter().find(|(p, _, _)| *p == key)
                    {
                        me.add(Cow::Borrowed(key_field), Cow::Borrowed(key))?;
                        me.add(Cow::Borrowed(value_field), Cow::Borrowed(value))?;
                    } else if let Some((_, target)) = spec.aliases.iter().find(|(a, _)| *a == key) {
                        me.add(Cow::Borrowed(target), Cow::Borrowed(value))?;
                    } else {
                        me.add(Cow::Borrowed(key), Cow::Borrowed(value))?;
                    }
                }
                _ => {
                    me.order.push(String::new());
                    match spec.default_key {
                        Some(dk) => me.add(Cow::Borrowed(dk), Cow::Borrowed(part))?,
                        None if mode == ParseMode::Strict => {
                            return Err(PropertyError::NoDefaultKey {
                                ty: spec.name,
                                value: part.to_string(),
                            });
                        }
                        None => me.pairs.push(Pair {
                            key: Cow::Borrowed(""),
                            value: Cow::Borrowed(part),
                            used: false,
                        }),
                    }
                }
            }
        }
        Ok(me)
    }

    fn add(&mut self, key: Cow<'a, str>, value: Cow<'a, str>) -> Result<(), PropertyError> {
        if self.mode == ParseMode::Strict && self.pairs.iter().any(|p| p.key == key) {
            return Err(PropertyError::DuplicateKey {
                ty: self.spec.name,
                key: key.into_owned(),
            });
        }
        self.pairs.push(Pair {
            key,
            value,
            used: false,
        });
        Ok(())
    }

    fn take_raw<T: PropertyValue>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, PropertyError> {
        let (ty, mode) = (self.spec.name, self.mode);
        let Some(pair) = self.pairs.iter_mut().find(|p| !p.used && p.key == key) else {
            return Ok(None);
        };
        match T::parse_value(&pair.value) {
            Some(v) if mode == ParseMode::Lenient || v.strictly_valid() => {
                pair.used = true;
                Ok(Some(v))
            }
            // Lenient: leave the pair unused; it ends up in `extra`, nothing is lost.
            _ if mode == ParseMode::Lenient => Ok(None),
            _ => Err(PropertyError::InvalidValue {
                ty,
                key,
                value: pair.value.to_string(),
                expected: T::EXPECTED,
            }),
        }
    }

    /// Takes an optional sub-key.
    ///
    /// # Errors
    /// Strict mode: the value does not parse.
    pub fn take<T: PropertyValue>(
        &mut self,
        key: &'static str,
    ) -> Result<Option<T>, PropertyError> {
        self.take_raw(key)
    }

    /// Takes a required sub-key.
    ///
    /// # Errors
    /// The key is missing, or (strict) its value does not parse.
    pub fn take_required<T: PropertyValue>(
        &mut self,
        key: &'static str,
    ) -> Result<T, PropertyError> {
        self.take_raw(key)?.ok_or(PropertyError::MissingKey {
            ty: self.spec.name,
            key,
        })
    }

    /// Takes an optional numeric sub-key with bounds (checked in strict mode).
    ///
    /// # Errors
    /// Strict mode: the value does not parse or is out of bounds.
    pub fn take_bounded<T: PropertyValue>(
        &mut self,
        key: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<Option<T>, PropertyError> {
        let value = self.take_raw::<T>(key)?;
        if self.mode == ParseMode::Strict {
            if let Some(n) = value.as_ref().and_then(PropertyValue::as_number) {
                if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                    return Err(PropertyError::OutOfRange {
                        ty: self.spec.name,
                        key,
                        value: n.to_string(),
                        range: crate::wire::limits::range_text(min, max),
                    });
                }
            }
        }
        Ok(value)
    }

    /// Takes a required numeric sub-key with bounds.
    ///
    /// # Errors
    /// The key is missing, or (strict) invalid or out of bounds.
    pub fn take_required_bounded<T: PropertyValue>(
        &mut self,
        key: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    ) -> Result<T, PropertyError> {
        self.take_bounded(key, min, max)?
            .ok_or(PropertyError::MissingKey {
                ty: self.spec.name,
                key,
            })
    }

    /// What is left: unknown keys (kept in lenient mode, an error in strict mode) and the order.
    ///
    /// # Errors
    /// Strict mode: the first key the format does not have.
    pub fn finish(&mut self) -> Result<PropertyExtra, PropertyError> {
        let mut unknown = Vec::new();
        for p in self.pairs.iter().filter(|p| !p.used) {
            if self.mode == ParseMode::Strict {
                return Err(PropertyError::InvalidKey {
                    ty: self.spec.name,
                    key: p.key.to_string(),
                });
            }
            unknown.push((p.key.to_string(), p.value.to_string()));
        }
        Ok(PropertyExtra {
            unknown,
            order: std::mem::take(&mut self.order),
        })
    }
}
