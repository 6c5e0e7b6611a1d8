//! Shared enums and property strings: the same `arch` enum or `net[n]` property string appears
//! in create, config-read and config-update endpoints, and users expect one type for all of
//! them. Uses are grouped by property name, then merged when they are compatible (enums: the
//! value sets overlap; property strings: same default key, shared sub-keys of the same type),
//! and each group is named after the path segments all its endpoints share (see
//! [`crate::naming`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::{Format, PropDef};
use crate::naming;

/// One place where an enum or inline property string is used.
#[derive(Debug, Clone)]
pub struct Use<T> {
    /// Property name without `[n]`.
    pub key: String,
    /// Endpoint path.
    pub path: String,
    /// Endpoint label for docs (`GET /nodes/{node}/lxc`).
    pub site: String,
    /// The enum values or the property-string sub-keys.
    pub shape: T,
}

/// A merged group of uses.
#[derive(Debug, Clone)]
pub struct Group<T> {
    /// Final type name.
    pub name: String,
    /// Members, in the order they were found.
    pub uses: Vec<Use<T>>,
}

/// Enum values of a use.
pub type EnumShape = Vec<String>;
/// Sub-keys of a property-string use.
pub type PsShape = BTreeMap<String, PropDef>;

/// The area of a path: its first naming segment (`lxc`, `qemu`, `cluster`, …).
pub fn area(path: &str) -> String {
    naming::naming_segments(path)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// The canonical signature of a use (area, key, shape), to find its group again.
pub fn signature<T: serde::Serialize>(path: &str, key: &str, shape: &T) -> String {
    format!(
        "{}\u{0}{key}\u{0}{}",
        area(path),
        serde_json::to_string(shape).unwrap_or_default()
    )
}

/// Groups uses by key and compatibility, then names the groups. `taken` holds names already
/// used in the target module; new names are added to it. Returns the groups and a lookup from
/// [`signature`] to group index.
pub fn group<T: Clone + serde::Serialize>(
    uses: Vec<Use<T>>,
    compatible: impl Fn(&T, &T) -> bool,
    taken: &mut BTreeSet<String>,
    suffixed: &mut Vec<String>,
) -> (Vec<Group<T>>, BTreeMap<String, usize>) {
    // Types are shared within one API area (the first naming segment: `lxc`, `qemu`,
    // `cluster`, `access`, …), never across areas, so every name starts with its area.
    let mut by_key: BTreeMap<(String, String), Vec<Use<T>>> = BTreeMap::new();
    for u in uses {
        by_key
            .entry((area(&u.path), u.key.clone()))
            .or_default()
            .push(u);
    }
    let mut groups: Vec<Group<T>> = Vec::new();
    let mut lookup = BTreeMap::new();
    for ((_, key), uses) in by_key {
        let mut parent: Vec<usize> = (0..uses.len()).collect();
        fn find(p: &mut [usize], i: usize) -> usize {
            let mut r = i;
            while p[r] != r {
                r = p[r];
            }
            p[i] = r;
            r
        }
        for i in 0..uses.len() {
            for j in (i + 1)..uses.len() {
                if compatible(&uses[i].shape, &uses[j].shape) {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    if a != b {
                        parent[b.max(a)] = a.min(b);
                    }
                }
            }
        }
        let mut members: BTreeMap<usize, Vec<Use<T>>> = BTreeMap::new();
        for (i, u) in uses.iter().enumerate() {
            let root = find(&mut parent, i);
            members.entry(root).or_default().push(u.clone());
        }
        for (_, members) in members {
            let paths: Vec<Vec<String>> = members
                .iter()
                .map(|u| naming::naming_segments(&u.path))
                .collect();
            let prefix: String = naming::common_segments(&paths)
                .iter()
                .map(|s| naming::pascal(s))
                .collect();
            let wanted = format!("{prefix}{}", naming::pascal(&key));
            let name = naming::unique(wanted.clone(), taken);
            if name != wanted {
                suffixed.push(format!(
                    "{name} (wanted {wanted}; first used by {})",
                    members[0].site
                ));
            }
            let index = groups.len();
            for u in &members {
                lookup.insert(signature(&u.path, &u.key, &u.shape), index);
            }
            groups.push(Group {
                name,
                uses: members,
            });
        }
    }
    (groups, lookup)
}

/// Enum uses merge when their value sets are equal, or when one set of at least two values is
/// contained in the other (a request accepting fewer values than a response reports). A single
/// shared value (`group`) is not enough: unrelated enums share words.
pub fn enums_compatible(a: &EnumShape, b: &EnumShape) -> bool {
    let subset = |x: &EnumShape, y: &EnumShape| x.iter().all(|v| y.contains(v));
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    subset(small, large) && (small.len() >= 2 || small.len() == large.len())
}

/// Property-string uses merge when they have the same default key, share at least one sub-key,
/// and every shared sub-key has the same type.
pub fn property_strings_compatible(a: &PsShape, b: &PsShape) -> bool {
    let default_key = |s: &PsShape| {
        s.iter()
            .find(|(_, d)| truthy(d.default_key.as_ref()))
            .map(|(k, _)| k.clone())
    };
    if default_key(a) != default_key(b) {
        return false;
    }
    let mut shared = 0;
    for (k, da) in a {
        if let Some(db) = b.get(k) {
            shared += 1;
            if da.ty != db.ty || da.alias != db.alias {
                return false;
            }
        }
    }
    shared > 0
}

/// The union of enum values over a group, in first-seen order.
pub fn merged_values(group: &Group<EnumShape>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in &group.uses {
        for v in &u.shape {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
    }
    out
}

/// The union of sub-keys over a property-string group. A sub-key is required only when every
/// use has it and requires it. Enum values of the same sub-key are merged.
pub fn merged_subkeys(group: &Group<PsShape>) -> BTreeMap<String, PropDef> {
    let mut out: BTreeMap<String, PropDef> = BTreeMap::new();
    for u in &group.uses {
        for (k, d) in &u.shape {
            match out.get_mut(k) {
                None => {
                    out.insert(k.clone(), d.clone());
                }
                Some(existing) => {
                    if truthy(d.optional.as_ref()) {
                        existing.optional = Some(Value::from(1));
                    }
                    if let (Some(Value::Array(mine)), Some(Value::Array(theirs))) =
                        (&mut existing.enum_values, &d.enum_values)
                    {
                        for v in theirs {
                            if !mine.contains(v) {
                                mine.push(v.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    for (k, d) in &mut out {
        if group.uses.iter().any(|u| !u.shape.contains_key(k)) {
            d.optional = Some(Value::from(1));
        }
    }
    out
}

/// Whether a 0/1 flag is set.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::Bool(b)) => *b,
        _ => false,
    }
}

/// The inline property-string sub-keys of a definition, if it has any.
pub fn inline_format(def: &PropDef) -> Option<&PsShape> {
    match &def.format {
        Some(Format::Inline(keys)) => Some(keys),
        _ => None,
    }
}

/// The enum values of a definition, if it is a string enum.
pub fn enum_values(def: &PropDef) -> Option<Vec<String>> {
    let Some(Value::Array(values)) = &def.enum_values else {
        return None;
    };
    let strings: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect();
    (!strings.is_empty()).then_some(strings)
}
