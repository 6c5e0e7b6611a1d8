//! Read-modify-write: for a `GET` whose response is an object and a `PUT`/`POST` on the same
//! path (config endpoints), the response type gets `to_put(…)`/`to_post(…)`, which builds the
//! update request carrying every key of the response the update accepts — typed fields as they
//! are, keys the schema does not know (kept in `extra`) as received — so a config read, changed
//! and written back sends every key it did not touch unchanged, including `digest` for
//! optimistic locking.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::spell::{arg_conv, arg_ty, doc_attr, ident};
use crate::ir::{Api, Endpoint, Field, Method, Ty, TypeDef};
use crate::lower::TYPES_MODULE;

/// All write-back impls for one module.
pub(super) fn writebacks(api: &Api, module: &str) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for get in api
        .endpoints
        .iter()
        .filter(|e| e.method == Method::Get && e.module == module)
    {
        let Ty::Named(m, name) = &get.response else {
            continue;
        };
        let Some(TypeDef::Struct(s)) = api.types.get(&(m.clone(), name.clone())) else {
            continue;
        };
        for target in api
            .endpoints
            .iter()
            .filter(|e| e.path == get.path && matches!(e.method, Method::Put | Method::Post))
        {
            if let Some(tokens) = writeback(name, &s.fields, target, module) {
                out.push(tokens);
            }
        }
    }
    out
}

fn writeback(
    response: &str,
    fields: &[Field],
    target: &Endpoint,
    module: &str,
) -> Option<TokenStream> {
    // Required parameters of the update must come from required response fields.
    let mut ctor_from_self = Vec::new();
    for p in target.params.iter().filter(|p| !p.optional) {
        let f = fields
            .iter()
            .find(|f| f.wire == p.wire && f.ty == p.ty && !f.optional && f.indexed_max.is_none())?;
        let id = ident(&f.ident);
        ctor_from_self.push(quote!(self.#id.clone()));
    }
    let path_args = target.path_params.iter().map(|p| {
        let id = ident(&p.ident);
        let t = arg_ty(&p.ty, module);
        quote!(#id: #t)
    });
    let path_vals = target.path_params.iter().map(|p| {
        let conv = arg_conv(&p.ty, &ident(&p.ident));
        quote!(#conv)
    });
    let mut copies = Vec::new();
    for f in fields {
        let Some(p) = target.params.iter().find(|p| p.wire == f.wire) else {
            continue;
        };
        if !p.optional {
            continue; // set through the constructor
        }
        let (fid, pid) = (ident(&f.ident), ident(&p.ident));
        let wire = &f.wire;
        let same = f.ty == p.ty && f.indexed_max.is_some() == p.indexed_max.is_some();
        copies.push(match (same, f.indexed_max.is_some(), f.optional) {
            (true, true, _) => quote! {
                for (i, v) in self.#fid.iter() {
                    req.#pid.insert(i, v.clone());
                }
            },
            (true, false, true) => quote!(req.#pid = self.#fid.clone();),
            (true, false, false) => {
                quote!(req.#pid = ::std::option::Option::Some(self.#fid.clone());)
            }
            // Same key, different type in the two schemas: send the value as received.
            (false, true, _) if textual(&f.ty) => quote! {
                for (i, v) in self.#fid.iter() {
                    req.extra.push_param(::std::format!("{}{}", #wire, i), v);
                }
            },
            (false, false, true) if textual(&f.ty) => quote! {
                if let ::std::option::Option::Some(v) = &self.#fid {
                    req.extra.push_param(#wire, v);
                }
            },
            (false, false, false) if textual(&f.ty) => {
                quote!(req.extra.push_param(#wire, &self.#fid);)
            }
            _ => continue,
        });
    }
    let target_name = format_ident!("{}", target.name);
    let method = format_ident!("to_{}", target.method.as_str().to_ascii_lowercase());
    let doc = doc_attr(&format!(
        "The `{} {}` request that writes this configuration back: every key the update accepts, \
         unknown keys as received, `digest` included. Change fields here or on the request before sending.",
        target.method, target.path
    ));
    let response_ident = format_ident!("{}", response);
    Some(quote! {
        impl #response_ident {
            #doc
            pub fn #method(&self, #(#path_args),*) -> #target_name {
                let mut req = #target_name::new(#(#path_vals,)* #(#ctor_from_self),*);
                #(#copies)*
                req.extra.push_unknown(&self.extra);
                req
            }
        }
    })
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
