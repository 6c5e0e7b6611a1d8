//! Read-modify-write pairing: for a `GET` whose response is a struct and a `PUT`/`POST` on the
//! same path (config endpoints), decides which response fields fill which update parameters.
//! The update's required parameters must come from required response fields of the same type
//! (otherwise there is no write-back); optional ones are copied when the types agree, or sent
//! as received when both have a text form. Emission (`emit/writeback.rs`) only spells the
//! result.

use std::collections::BTreeMap;

use super::fields::TYPES_MODULE;
use crate::ir::{
    CopiedField, CopyHow, Endpoint, Field, Method, Ty, TypeDef, WriteBack, WriteBackCopy,
};

/// The methods a write-back adds to a response struct (`to_put`, `to_post`), which no
/// readable alias may take.
pub(super) const METHODS: &[&str] = &["to_put", "to_post"];

/// Every write-back of the API, in endpoint order.
pub(super) fn pair(
    endpoints: &[Endpoint],
    types: &BTreeMap<(String, String), TypeDef>,
) -> Vec<WriteBack> {
    let mut out = Vec::new();
    for get in endpoints.iter().filter(|e| e.method == Method::Get) {
        let Ty::Named(m, name) = &get.response else {
            continue;
        };
        let Some(TypeDef::Struct(s)) = types.get(&(m.clone(), name.clone())) else {
            continue;
        };
        for target in endpoints
            .iter()
            .filter(|e| e.path == get.path && matches!(e.method, Method::Put | Method::Post))
        {
            if let Some(write_back) = write_back(&get.module, name, &s.fields, target) {
                out.push(write_back);
            }
        }
    }
    out
}

fn write_back(
    module: &str,
    response: &str,
    fields: &[Field],
    target: &Endpoint,
) -> Option<WriteBack> {
    let mut required_from = Vec::new();
    for p in target.params.iter().filter(|p| !p.optional) {
        let f = fields
            .iter()
            .find(|f| f.wire == p.wire && f.ty == p.ty && !f.optional && f.indexed_max.is_none())?;
        required_from.push(copied(f));
    }
    let mut copies = Vec::new();
    for f in fields {
        let Some(p) = target.params.iter().find(|p| p.wire == f.wire) else {
            continue;
        };
        if !p.optional {
            continue; // set through the constructor
        }
        let same = f.ty == p.ty && f.indexed_max.is_some() == p.indexed_max.is_some();
        let how = match (same, f.indexed_max.is_some(), f.optional) {
            (true, true, _) => CopyHow::Indexed,
            (true, false, true) => CopyHow::Optional,
            (true, false, false) => CopyHow::Required,
            // Same key, different type in the two schemas: send the value as received.
            (false, true, _) if textual(&f.ty) => CopyHow::IndexedAsText,
            (false, false, true) if textual(&f.ty) => CopyHow::OptionalAsText,
            (false, false, false) if textual(&f.ty) => CopyHow::RequiredAsText,
            _ => continue,
        };
        copies.push(WriteBackCopy {
            from: copied(f),
            to: p.ident.clone(),
            wire: f.wire.clone(),
            how,
        });
    }
    Some(WriteBack {
        module: module.to_owned(),
        response: response.to_owned(),
        target: target.name.clone(),
        method: target.method,
        path: target.path.clone(),
        path_params: target.path_params.clone(),
        required_from,
        copies,
    })
}

/// `f` as a write-back reads it.
fn copied(f: &Field) -> CopiedField {
    let copy = matches!(f.ty, Ty::Bool | Ty::U32 | Ty::U64 | Ty::I64 | Ty::F64);
    CopiedField {
        ident: f.ident.clone(),
        copy,
    }
}

/// Whether values of this type have a text form that can be sent as a parameter.
fn textual(t: &Ty) -> bool {
    match t {
        Ty::Bool | Ty::U32 | Ty::U64 | Ty::I64 | Ty::F64 | Ty::String | Ty::List(_) => true,
        // Enums and property strings (shared types) have a text form; response structs do not.
        Ty::Named(module, _) => module == TYPES_MODULE,
        Ty::Vec(inner) => textual(inner),
        _ => false,
    }
}
