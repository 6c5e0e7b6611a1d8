//! Scalar types and the facts of a definition that the docs state (bounds, defaults, formats).

use serde_json::Value;

use super::shared::{self};
use crate::ir::{Facts, Limits, Ty};
use crate::model::{Format, PropDef};

/// Scalar types (also used for property-string sub-keys).
pub(super) fn scalar(def: &PropDef, ty: &str) -> Option<Ty> {
    Some(match ty {
        "boolean" => Ty::Bool,
        "integer" => integer(def),
        "number" => Ty::F64,
        "string" => Ty::String,
        _ => return None,
    })
}

/// `u32` when the bounds allow, `u64` for other non-negative integers, else `i64`.
pub(super) fn integer(def: &PropDef) -> Ty {
    let min = def.minimum.as_ref().and_then(Value::as_f64);
    let max = def.maximum.as_ref().and_then(Value::as_f64);
    match (min, max) {
        (Some(lo), Some(hi)) if lo >= 0.0 && hi <= f64::from(u32::MAX) => Ty::U32,
        (Some(lo), _) if lo >= 0.0 => Ty::U64,
        _ => Ty::I64,
    }
}

/// The format word of an inline property-string format (which has no name to explain).
pub(super) const INLINE_FORMAT: &str = "property string";

/// The limits a value of type `ty` must keep, as the runtime checks them: `minimum`/`maximum`
/// for numbers, `minLength`/`maxLength` for plain text; nothing for any other type (a list, a
/// property string or an enum is checked by its own type, or by the server).
pub(super) fn limits(def: &PropDef, ty: &Ty) -> Limits {
    let number = |v: &Option<Value>| v.as_ref().and_then(Value::as_f64);
    let length = |v: &Option<Value>| v.as_ref().and_then(Value::as_u64);
    match ty {
        Ty::U32 | Ty::U64 | Ty::I64 | Ty::F64 => Limits {
            min: number(&def.minimum),
            max: number(&def.maximum),
            ..Limits::default()
        },
        Ty::String => Limits {
            min_length: length(&def.min_length),
            max_length: length(&def.max_length),
            ..Limits::default()
        },
        _ => Limits::default(),
    }
}

/// Schema facts for docs.
pub(super) fn facts(def: &PropDef) -> Facts {
    let format = match &def.format {
        Some(Format::Named(n)) => Some(n.clone()),
        Some(Format::Inline(_)) => Some(INLINE_FORMAT.into()),
        None => None,
    };
    Facts {
        ty: def.ty.clone().unwrap_or_default(),
        format,
        format_explained: false,
        pattern: def.pattern.clone(),
        minimum: def.minimum.clone(),
        maximum: def.maximum.clone(),
        min_length: def.min_length.clone(),
        max_length: def.max_length.clone(),
        default: def.default.clone(),
        requires: def
            .requires
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_string),
        renderer: def
            .renderer
            .as_ref()
            .and_then(Value::as_str)
            .map(str::to_string),
        instance_types: match &def.instance_types {
            Some(Value::Array(v)) => v
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        },
        enum_values: shared::enum_values(def).unwrap_or_default(),
    }
}
