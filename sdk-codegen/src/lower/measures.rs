//! One numeric type per measure within a response struct.
//!
//! PVE states each field's type on its own, so the same quantity can arrive as two Rust types
//! in one struct (`mem: u64` beside `maxmem: i64`), and `guest.mem as f64 / guest.maxmem as f64`
//! becomes a cast exercise. The rule, applied to the fields of every response struct:
//!
//! * a field and the same name with a `max` prefix measure the same thing: `mem`/`maxmem`,
//!   `disk`/`maxdisk`, `cpu`/`maxcpu`, `swap`/`maxswap`;
//! * the sizes `used`, `total`, `avail` and `free` of one struct measure the same thing;
//! * the numeric fields of one measure all get the widest of their types, in the order
//!   `u32` < `u64` < `i64` < `f64`, where a mix of unsigned and signed is `i64` and any
//!   `f64` makes the measure `f64`.
//!
//! Only numbers are unified (a boolean or a string keeps its type), and the schema facts in
//! the docs stay as PVE states them.

use std::collections::BTreeMap;

use crate::ir::{Field, Ty};

/// The sizes of one struct that count the same thing.
const SIZES: &[&str] = &["used", "total", "avail", "free"];

/// The measure a field belongs to, when it has a partner by the rule.
fn measure(wire: &str) -> &str {
    if SIZES.contains(&wire) {
        return "size";
    }
    wire.strip_prefix("max")
        .filter(|m| !m.is_empty())
        .unwrap_or(wire)
}

/// The rank of a numeric type; `None` for anything else.
fn rank(ty: &Ty) -> Option<u8> {
    match ty {
        Ty::U32 => Some(0),
        Ty::U64 => Some(1),
        Ty::I64 => Some(2),
        Ty::F64 => Some(3),
        _ => None,
    }
}

/// The type of a rank.
fn of_rank(rank: u8) -> Ty {
    match rank {
        0 => Ty::U32,
        1 => Ty::U64,
        2 => Ty::I64,
        _ => Ty::F64,
    }
}

/// Gives the numeric fields of each measure one type (see the module docs).
pub(super) fn unify(fields: &mut [Field]) {
    let mut widest: BTreeMap<&str, (u8, usize)> = BTreeMap::new();
    for f in fields.iter().filter(|f| f.indexed_max.is_none()) {
        if let Some(r) = rank(&f.ty) {
            let entry = widest.entry(measure(&f.wire)).or_insert((r, 0));
            entry.0 = entry.0.max(r);
            entry.1 += 1;
        }
    }
    let widest: BTreeMap<String, Ty> = widest
        .into_iter()
        .filter(|(_, (_, count))| *count > 1)
        .map(|(m, (r, _))| (m.to_string(), of_rank(r)))
        .collect();
    for f in fields.iter_mut().filter(|f| f.indexed_max.is_none()) {
        if rank(&f.ty).is_none() {
            continue;
        }
        if let Some(ty) = widest.get(measure(&f.wire)) {
            f.ty = ty.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Facts;

    fn field(wire: &str, ty: Ty) -> Field {
        Field {
            wire: wire.into(),
            ident: wire.into(),
            setter: wire.into(),
            alias: None,
            ty,
            optional: true,
            indexed_max: None,
            secret: false,
            facts: Facts::default(),
            limits: Default::default(),
        }
    }

    fn types(fields: &[Field]) -> Vec<(&str, &Ty)> {
        fields.iter().map(|f| (f.wire.as_str(), &f.ty)).collect()
    }

    #[test]
    fn a_value_and_its_maximum_share_the_widest_type() {
        let mut fields = vec![
            field("cpu", Ty::F64),
            field("disk", Ty::U64),
            field("maxcpu", Ty::U32),
            field("maxdisk", Ty::U64),
            field("maxmem", Ty::I64),
            field("mem", Ty::U64),
            field("name", Ty::String),
            field("netin", Ty::U32),
        ];
        unify(&mut fields);
        assert_eq!(
            types(&fields),
            vec![
                ("cpu", &Ty::F64),
                ("disk", &Ty::U64),
                ("maxcpu", &Ty::F64),
                ("maxdisk", &Ty::U64),
                ("maxmem", &Ty::I64),
                ("mem", &Ty::I64),
                ("name", &Ty::String),
                ("netin", &Ty::U32),
            ]
        );
    }

    #[test]
    fn sizes_share_a_type_and_non_numbers_keep_theirs() {
        let mut fields = vec![
            field("avail", Ty::U64),
            field("free", Ty::U32),
            field("max", Ty::U32),
            field("total", Ty::I64),
            field("used", Ty::String),
        ];
        unify(&mut fields);
        assert_eq!(
            types(&fields),
            vec![
                ("avail", &Ty::I64),
                ("free", &Ty::I64),
                ("max", &Ty::U32),
                ("total", &Ty::I64),
                ("used", &Ty::String),
            ]
        );
    }
}
