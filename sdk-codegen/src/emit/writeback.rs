//! Read-modify-write: spells the write-backs lowering paired (`lower/write_back.rs`). The
//! response type of a config `GET` gets `to_put(…)`/`to_post(…)`, which builds the update
//! request carrying every key of the response the update accepts — typed fields as they are,
//! keys the schema does not know (kept in `extra`) as received — so a config read, changed and
//! written back sends every key it did not touch unchanged, including `digest` for optimistic
//! locking.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::spell::{arg_conv, arg_ty, doc_attr, ident};
use crate::ir::{Api, CopyHow, WriteBack};

/// All write-back impls for one module.
pub(super) fn writebacks(api: &Api, module: &str) -> Vec<TokenStream> {
    api.write_backs
        .iter()
        .filter(|w| w.module == module)
        .map(|w| writeback(w, module))
        .collect()
}

fn writeback(w: &WriteBack, module: &str) -> TokenStream {
    let ctor_from_self = w.required_from.iter().map(|f| {
        let id = ident(&f.ident);
        if f.copy {
            quote!(self.#id)
        } else {
            quote!(self.#id.clone())
        }
    });
    let path_args = w.path_params.iter().map(|p| {
        let id = ident(&p.ident);
        let t = arg_ty(&p.ty, module);
        quote!(#id: #t)
    });
    let path_vals = w.path_params.iter().map(|p| {
        let conv = arg_conv(&p.ty, &ident(&p.ident));
        quote!(#conv)
    });
    let copies = w.copies.iter().map(|c| {
        let (fid, pid) = (ident(&c.from.ident), ident(&c.to));
        let wire = &c.wire;
        let (value, entry) = if c.from.copy {
            (quote!(self.#fid), quote!(*v))
        } else {
            (quote!(self.#fid.clone()), quote!(v.clone()))
        };
        match c.how {
            CopyHow::Indexed => quote! {
                for (i, v) in self.#fid.iter() {
                    req.#pid.insert(i, #entry);
                }
            },
            CopyHow::Optional => quote!(req.#pid = #value;),
            CopyHow::Required => {
                quote!(req.#pid = ::std::option::Option::Some(#value);)
            }
            CopyHow::IndexedAsText => quote! {
                for (i, v) in self.#fid.iter() {
                    req.extra.push_param(::std::format!("{}{}", #wire, i), v);
                }
            },
            CopyHow::OptionalAsText => quote! {
                if let ::std::option::Option::Some(v) = &self.#fid {
                    req.extra.push_param(#wire, v);
                }
            },
            CopyHow::RequiredAsText => quote!(req.extra.push_param(#wire, &self.#fid);),
        }
    });
    let target_name = format_ident!("{}", w.target);
    let method = format_ident!("to_{}", w.method.as_str().to_ascii_lowercase());
    let doc = doc_attr(&format!(
        "The `{} {}` request that writes this configuration back: every key the update accepts, \
         unknown keys as received, `digest` included. Change fields here or on the request before sending.",
        w.method, w.path
    ));
    let response_ident = format_ident!("{}", w.response);
    quote! {
        impl #response_ident {
            #doc
            pub fn #method(&self, #(#path_args),*) -> #target_name {
                let mut req = #target_name::new(#(#path_vals,)* #(#ctor_from_self),*);
                #(#copies)*
                req.extra.push_unknown(&self.extra);
                req
            }
        }
    }
}
