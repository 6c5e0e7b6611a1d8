//! `*-list` formats (`pve-vmid-list`, `pve-configid-list`, `pve-tag-list`, …): several values in
//! one string parameter.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::Deserializer;

use super::de::FromWire;
use super::params::ToParam;

/// A list sent as one string. PVE splits such strings at commas, semicolons, whitespace and
/// NUL; this type remembers which separator a received value used, so a value read from a
/// server is written back the same way (`tags: a;b` stays `a;b`). New lists use `,`.
#[derive(Debug, Clone)]
pub struct List<T> {
    items: Vec<T>,
    separator: char,
}

impl<T: PartialEq> PartialEq for List<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<T> List<T> {
    /// A list with the given items, joined by `,` on the wire.
    pub fn new(items: Vec<T>) -> Self {
        Self {
            items,
            separator: ',',
        }
    }

    /// The items.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items, mutably.
    pub fn items_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }

    /// The separator used when writing.
    pub fn separator(&self) -> char {
        self.separator
    }

    /// Consumes the list, giving the items.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl<T> From<Vec<T>> for List<T> {
    fn from(items: Vec<T>) -> Self {
        Self::new(items)
    }
}

impl<'a> From<&[&'a str]> for List<String> {
    fn from(items: &[&'a str]) -> Self {
        Self::new(items.iter().map(|s| (*s).to_string()).collect())
    }
}

impl<const N: usize> From<[&str; N]> for List<String> {
    fn from(items: [&str; N]) -> Self {
        Self::new(items.iter().map(|s| (*s).to_string()).collect())
    }
}

impl<const N: usize> From<[u32; N]> for List<u32> {
    fn from(items: [u32; N]) -> Self {
        Self::new(items.to_vec())
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

/// An item of a `*-list` that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid list item `{item}`")]
pub struct ListItemError {
    /// The item text.
    pub item: String,
}

impl<T: FromStr> FromStr for List<T> {
    type Err = ListItemError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let separator = s
            .chars()
            .find(|c| matches!(c, ',' | ';' | '\0') || c.is_whitespace())
            .unwrap_or(',');
        let separator = if separator.is_whitespace() && separator != ' ' {
            ' '
        } else {
            separator
        };
        let items = s
            .split(|c: char| matches!(c, ',' | ';' | '\0') || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse().map_err(|_| ListItemError {
                    item: p.to_string(),
                })
            })
            .collect::<Result<Vec<T>, _>>()?;
        Ok(Self { items, separator })
    }
}

impl<T: fmt::Display> fmt::Display for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                write!(f, "{}", self.separator)?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

impl<T: fmt::Display> ToParam for List<T> {
    fn param_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl<T: FromStr> FromWire for List<T> {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A newer server may already send a JSON array for a list.
        let v = serde_json::Value::from_wire(d)?;
        match v {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|i| {
                    let text = match i {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    text.parse().map_err(|_| {
                        serde::de::Error::custom(format!("invalid list item `{text}`"))
                    })
                })
                .collect::<Result<Vec<T>, _>>()
                .map(List::new),
            serde_json::Value::Null => Ok(List::default()),
            serde_json::Value::String(s) => s.parse().map_err(serde::de::Error::custom),
            other => other.to_string().parse().map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_received_separator() {
        let tags: List<String> = "prod;web".parse().unwrap();
        assert_eq!(tags.items(), ["prod", "web"]);
        assert_eq!(tags.to_string(), "prod;web");
        let ids: List<u32> = "100, 101 102".parse().unwrap();
        assert_eq!(ids.items(), [100, 101, 102]);
        assert_eq!(List::from([100u32, 101]).param_text(), "100,101");
        assert!("1,x".parse::<List<u32>>().is_err());
    }
}
