//! The format glossary: which `format` names the API uses, their explanation from
//! `formats.json`, and the flag on each field's facts that makes its doc link there.

use std::collections::BTreeSet;

use super::LowerError;
use crate::ir::{Endpoint, Facts, GlossaryEntry, TypeDef};
use crate::model::SchemaSet;
use std::collections::BTreeMap;

/// The glossary entries of the formats the lowered API names, and each field's
/// `format_explained` flag set. With `strict` and a `formats.json`, a format the file does not
/// explain is an error naming it.
pub(super) fn apply(
    set: &SchemaSet,
    endpoints: &mut [Endpoint],
    types: &mut BTreeMap<(String, String), TypeDef>,
    strict: bool,
) -> Result<Vec<GlossaryEntry>, LowerError> {
    let Some(glossary) = &set.formats else {
        return Ok(Vec::new());
    };
    let mut used = BTreeSet::new();
    for_each_facts(endpoints, types, &mut |facts| {
        if let Some(format) = &facts.format {
            facts.format_explained = glossary.formats.contains_key(format);
            if format != super::facts::INLINE_FORMAT {
                used.insert(format.clone());
            }
        }
    });
    if strict {
        if let Some(missing) = used.iter().find(|f| !glossary.formats.contains_key(*f)) {
            return Err(LowerError::new(
                "formats.json",
                format!("the schema uses format `{missing}`, which the glossary does not explain"),
            ));
        }
    }
    Ok(used
        .into_iter()
        .filter_map(|format| {
            let entry = glossary.formats.get(&format)?;
            Some(GlossaryEntry {
                meaning: entry.meaning.clone(),
                example: entry.example.clone(),
                format,
            })
        })
        .collect())
}

fn for_each_facts(
    endpoints: &mut [Endpoint],
    types: &mut BTreeMap<(String, String), TypeDef>,
    f: &mut dyn FnMut(&mut Facts),
) {
    for e in endpoints {
        for field in e.path_params.iter_mut().chain(e.params.iter_mut()) {
            f(&mut field.facts);
        }
    }
    for def in types.values_mut() {
        let fields = match def {
            TypeDef::Struct(s) => &mut s.fields,
            TypeDef::PropertyString(p) => &mut p.fields,
            TypeDef::Enum(_) => continue,
        };
        for field in fields {
            f(&mut field.facts);
        }
    }
}
