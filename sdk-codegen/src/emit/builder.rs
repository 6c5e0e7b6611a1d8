//! The builder every request type and property string shares: public fields, a constructor
//! taking exactly the required values (so leaving one out is a compile error) and a setter per
//! optional one. Endpoint and property-string emission both spell their builder here.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::spell::{alias_setter, arg_conv, arg_ty, doc_attr, field_ty, ident, init_from_arg};
use crate::ir::Field;

/// What differs between the builders of a request and of a property string.
pub(super) struct Builder<'a> {
    /// The type.
    pub name: &'a syn::Ident,
    /// Its fields, in declaration order.
    pub fields: &'a [&'a Field],
    /// The module the type is emitted in.
    pub module: &'a str,
    /// What a value of the type is, for the constructor's doc (`request`, `value`).
    pub noun: &'a str,
    /// What its fields are, for the constructor's doc (`parameters`, `sub-keys`).
    pub fields_noun: &'a str,
    /// The initialiser of the `extra` field.
    pub extra_init: TokenStream,
    /// Methods after the setters.
    pub more_methods: TokenStream,
}

impl Builder<'_> {
    /// The `impl` block with `new(…)`, the setters and the further methods.
    pub(super) fn methods(&self) -> TokenStream {
        let required: Vec<&Field> = self
            .fields
            .iter()
            .copied()
            .filter(|f| !f.optional)
            .collect();
        let ctor_args = required.iter().map(|f| {
            let id = ident(&f.ident);
            let t = arg_ty(&f.ty, self.module);
            quote!(#id: #t)
        });
        let inits = self.fields.iter().map(|f| {
            let id = ident(&f.ident);
            if f.indexed_max.is_some() {
                quote!(#id: rt::Indexed::new(),)
            } else if f.optional {
                quote!(#id: ::std::option::Option::None,)
            } else {
                init_from_arg(&f.ty, &id)
            }
        });
        let setters = self
            .fields
            .iter()
            .filter(|f| f.optional)
            .map(|f| setter(f, self.module));
        let aliases = self.fields.iter().map(|f| alias_setter(f, self.module));
        let ctor_doc = if required.is_empty() {
            format!("A {} with no {} set.", self.noun, self.fields_noun)
        } else {
            let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
            format!(
                "A {} with its required {}: {}.",
                self.noun,
                self.fields_noun,
                names.join(", ")
            )
        };
        let ctor_doc = doc_attr(&ctor_doc);
        let (name, extra_init, more) = (self.name, &self.extra_init, &self.more_methods);
        quote! {
            impl #name {
                #ctor_doc
                pub fn new(#(#ctor_args),*) -> Self {
                    Self { #(#inits)* extra: #extra_init }
                }

                #(#setters)*

                #(#aliases)*

                #more
            }
        }
    }
}

/// The public field declarations of a struct, each with its doc (requests, property strings
/// and responses alike).
pub(super) fn field_decls<'a>(
    fields: impl IntoIterator<Item = &'a Field>,
    module: &str,
) -> TokenStream {
    let decls = fields.into_iter().map(|f| {
        let id = ident(&f.ident);
        let t = field_ty(f, module);
        let d = doc_attr(&docs::field(f));
        quote!(#d pub #id: #t,)
    });
    quote!(#(#decls)*)
}

/// The setter of an optional field (for an indexed family: of one entry).
fn setter(f: &Field, module: &str) -> TokenStream {
    let id = ident(&f.ident);
    let method = ident(&f.setter);
    let t = arg_ty(&f.ty, module);
    let conv = arg_conv(&f.ty, &format_ident!("value"));
    match f.indexed_max {
        Some(max) => {
            let d = doc_attr(&format!(
                "Sets `{w}<index>` (index 0 to {max}; a larger index refuses the request when it is built).",
                w = f.wire
            ));
            quote! {
                #d
                pub fn #method(mut self, index: u32, value: #t) -> Self {
                    self.#id.insert(index, #conv);
                    self
                }
            }
        }
        None => {
            let d = doc_attr(&format!("Sets `{}`.", f.wire));
            quote! {
                #d
                pub fn #method(mut self, value: #t) -> Self {
                    self.#id = ::std::option::Option::Some(#conv);
                    self
                }
            }
        }
    }
}
