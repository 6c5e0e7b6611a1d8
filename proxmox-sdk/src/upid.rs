//! PVE task ids (UPIDs). PLACEHOLDER: replaced by the full parser.

use std::fmt;
use std::str::FromStr;

use serde::Deserializer;

use crate::wire::{FromWire, ToParam};

/// A PVE task id: `UPID:{node}:{pid}:{pstart}:{starttime}:{type}:{id}:{user}:`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Upid {
    raw: String,
}

/// A string that is not a UPID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a UPID: {0}")]
pub struct UpidError(String);

impl FromStr for Upid {
    type Err = UpidError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.starts_with("UPID:") {
            Ok(Self { raw: s.to_string() })
        } else {
            Err(UpidError(s.to_string()))
        }
    }
}

impl fmt::Display for Upid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl FromWire for Upid {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::de::from_wire_via_str(d)
    }
}

impl ToParam for Upid {
    fn param_text(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self.raw)
    }
}
