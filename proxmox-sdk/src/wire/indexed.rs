//! Indexed key families (`net0`…`net31`, `mp0`…`mp255`): one typed collection per family.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::params::{ParamError, ParamWriter, ToParam};

/// The `net[n]`-style keys of a config: values by index, with PVE's largest index `MAX`.
///
/// Decoding accepts any index a server sends (a newer PVE may allow more); encoding refuses an
/// index above `MAX` when the request is built, before anything is sent. On the wire the keys
/// are always `<family><index>` (`net0`, never `net[0]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Indexed<T, const MAX: u32> {
    entries: BTreeMap<u32, T>,
}

impl<T, const MAX: u32> Default for Indexed<T, MAX> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
        }
    }
}

impl<T, const MAX: u32> Indexed<T, MAX> {
    /// The largest index PVE accepts for this family.
    pub const MAX_INDEX: u32 = MAX;

    /// An empty family.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the entry at `index`, returning the previous one. An index above [`Self::MAX_INDEX`]
    /// is kept but refuses any request built from this value; use [`Indexed::try_insert`] to
    /// be told at once.
    pub fn insert(&mut self, index: u32, value: T) -> Option<T> {
        self.entries.insert(index, value)
    }

    /// Sets the entry at `index` if it is in range.
    ///
    /// # Errors
    /// [`ParamError::IndexOutOfRange`] when `index` is above [`Self::MAX_INDEX`]; nothing changes.
    pub fn try_insert(
        &mut self,
        family: &str,
        index: u32,
        value: T,
    ) -> Result<Option<T>, ParamError> {
        if index > MAX {
            return Err(ParamError::IndexOutOfRange {
                family: family.to_string(),
                index,
                max: MAX,
            });
        }
        Ok(self.entries.insert(index, value))
    }

    /// The entry at `index`.
    pub fn get(&self, index: u32) -> Option<&T> {
        self.entries.get(&index)
    }

    /// The entry at `index`, mutably.
    pub fn get_mut(&mut self, index: u32) -> Option<&mut T> {
        self.entries.get_mut(&index)
    }

    /// Removes the entry at `index`.
    pub fn remove(&mut self, index: u32) -> Option<T> {
        self.entries.remove(&index)
    }

    /// Entries in index order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &T)> {
        self.entries.iter().map(|(i, v)| (*i, v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The lowest index without an entry, if any is left.
    pub fn first_free(&self) -> Option<u32> {
        (0..=MAX).find(|i| !self.entries.contains_key(i))
    }
}

impl<T, const MAX: u32> FromIterator<(u32, T)> for Indexed<T, MAX> {
    fn from_iter<I: IntoIterator<Item = (u32, T)>>(iter: I) -> Self {
        Self {
            entries: iter.into_iter().collect(),
        }
    }
}

impl<T: ToParam, const MAX: u32> Indexed<T, MAX> {
    /// Writes `family0=…`, `family1=…`; refuses an index above `MAX`.
    pub fn write_params(&self, family: &'static str, out: &mut ParamWriter) {
        for (i, v) in &self.entries {
            if *i > MAX {
                out.reject(ParamError::IndexOutOfRange {
                    family: family.to_string(),
                    index: *i,
                    max: MAX,
                });
                continue;
            }
            v.write_param(Cow::Owned(format!("{family}{i}")), out);
        }
    }
}

impl ParamWriter {
    /// Writes an indexed family (`net0`, `net1`, …).
    pub fn indexed<T: ToParam, const MAX: u32>(
        &mut self,
        family: &'static str,
        value: &Indexed<T, MAX>,
    ) {
        value.write_params(family, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::HttpMethod;
    use crate::endpoint::RequestParts;

    #[test]
    fn keys_are_family_and_index_and_range_is_checked_when_building() {
        let mut nets: Indexed<String, 31> = Indexed::new();
        nets.insert(31, "b".into());
        nets.insert(0, "a".into());
        let mut w = ParamWriter::new();
        w.indexed("net", &nets);
        let parts = RequestParts::new(HttpMethod::Put, "/x".into(), w).unwrap();
        assert_eq!(parts.form_body().unwrap(), "net0=a&net31=b");

        nets.insert(32, "c".into());
        let mut w = ParamWriter::new();
        w.indexed("net", &nets);
        let err = RequestParts::new(HttpMethod::Put, "/x".into(), w).unwrap_err();
        assert_eq!(
            err,
            ParamError::IndexOutOfRange {
                family: "net".into(),
                index: 32,
                max: 31
            }
        );
        assert!(nets.try_insert("net", 40, "d".into()).is_err());
        assert_eq!(nets.get(40), None);
        assert_eq!(nets.first_free(), Some(1));
    }
}
