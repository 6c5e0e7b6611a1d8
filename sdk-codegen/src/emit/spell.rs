//! The spelling every sub-emitter shares: Rust types of IR types, identifiers, argument
//! conversions, derives and doc attributes. A leaf: it imports nothing from its siblings.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{Field, Ty};
use crate::naming;

/// The Rust type of a value, seen from `module`.
pub(crate) fn ty(t: &Ty, module: &str) -> TokenStream {
    match t {
        Ty::Bool => quote!(bool),
        Ty::U32 => quote!(u32),
        Ty::U64 => quote!(u64),
        Ty::I64 => quote!(i64),
        Ty::F64 => quote!(f64),
        Ty::String => quote!(::std::string::String),
        Ty::List(inner) => {
            let inner = ty(inner, module);
            quote!(rt::List<#inner>)
        }
        Ty::Vec(inner) => {
            let inner = ty(inner, module);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty(inner, module);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Named(m, name) => {
            let name = format_ident!("{}", name);
            if m == module {
                quote!(#name)
            } else {
                let m = format_ident!("{}", m);
                quote!(super::#m::#name)
            }
        }
        Ty::Value => quote!(rt::Value),
        Ty::Unit => quote!(()),
        Ty::Upid => quote!(rt::Upid),
        Ty::TaskStarted => quote!(rt::TaskStarted),
    }
}

/// The type of a struct field: `T`, `Option<T>`, or `Indexed<T, MAX>`.
pub(crate) fn field_ty(f: &Field, module: &str) -> TokenStream {
    let inner = ty(&f.ty, module);
    match f.indexed_max {
        Some(max) => {
            // The const parameter is a `u32`: no suffix.
            let max = proc_macro2::Literal::u32_unsuffixed(max);
            quote!(rt::Indexed<#inner, #max>)
        }
        None if f.optional => quote!(::std::option::Option<#inner>),
        None => inner,
    }
}

/// A field identifier (handles `r#type`).
pub(crate) fn ident(text: &str) -> syn::Ident {
    match text.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => syn::Ident::new(text, proc_macro2::Span::call_site()),
    }
}

/// The argument type of a constructor or setter: numbers and booleans by value (so integer
/// literals infer), arrays as any `IntoIterator` of items convertible into the element type
/// (numbers: of the element type itself, again so literals infer), everything else as
/// `impl Into<T>` (generated enums convert from `&str` and `String`).
pub(crate) fn arg_ty(t: &Ty, module: &str) -> TokenStream {
    let inner = ty(t, module);
    match t {
        Ty::Bool | Ty::U32 | Ty::U64 | Ty::I64 | Ty::F64 => inner,
        Ty::Vec(item) if is_scalar(item) => {
            let item = ty(item, module);
            quote!(impl ::std::iter::IntoIterator<Item = #item>)
        }
        Ty::Vec(item) => {
            let item = ty(item, module);
            quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>)
        }
        _ => quote!(impl ::std::convert::Into<#inner>),
    }
}

/// Numbers and booleans: passed by value, never converted.
fn is_scalar(t: &Ty) -> bool {
    matches!(t, Ty::Bool | Ty::U32 | Ty::U64 | Ty::I64 | Ty::F64)
}

/// The expression converting an argument of [`arg_ty`] into the field type.
pub(crate) fn arg_conv(t: &Ty, arg: &syn::Ident) -> TokenStream {
    match t {
        t if is_scalar(t) => quote!(#arg),
        Ty::Vec(item) if is_scalar(item) => {
            quote!(::std::iter::Iterator::collect(::std::iter::IntoIterator::into_iter(#arg)))
        }
        Ty::Vec(_) => quote!(::std::iter::Iterator::collect(
            ::std::iter::Iterator::map(
                ::std::iter::IntoIterator::into_iter(#arg),
                ::std::convert::Into::into
            )
        )),
        _ => quote!(#arg.into()),
    }
}

/// The field initialiser for constructor argument `arg`: `vmid,` when the argument already has
/// the field's type, `name: name.into(),` otherwise.
pub(crate) fn init_from_arg(t: &Ty, arg: &syn::Ident) -> TokenStream {
    match t {
        t if is_scalar(t) => quote!(#arg,),
        _ => {
            let conv = arg_conv(t, arg);
            quote!(#arg: #conv,)
        }
    }
}

/// The readable second setter of an optional field with a raw identifier (`kind` beside
/// `r#type`), forwarding to the first; nothing for other fields.
pub(crate) fn alias_setter(f: &Field, module: &str) -> TokenStream {
    let Some(alias) = f.alias.as_deref().filter(|_| f.optional) else {
        return TokenStream::new();
    };
    let alias = ident(alias);
    let method = ident(&f.setter);
    let t = arg_ty(&f.ty, module);
    let d = doc_attr(&format!(
        "Sets `{}`: the same as `{}`, by a name that needs no `r#`.",
        f.wire, f.setter
    ));
    quote! {
        #d
        pub fn #alias(self, value: #t) -> Self {
            self.#method(value)
        }
    }
}

/// The readable accessor of a response field with a raw identifier (`kind()` for the field
/// `r#type`); nothing for other fields.
pub(crate) fn alias_getter(f: &Field, module: &str) -> TokenStream {
    let Some(alias) = f.alias.as_deref() else {
        return TokenStream::new();
    };
    let alias = ident(alias);
    let id = ident(&f.ident);
    let inner = ty(&f.ty, module);
    let d = doc_attr(&format!(
        "`{}`: the field `{}`, by a name that needs no `r#`.",
        f.wire, f.ident
    ));
    if f.optional {
        quote! {
            #d
            pub fn #alias(&self) -> ::std::option::Option<&#inner> {
                self.#id.as_ref()
            }
        }
    } else {
        quote! {
            #d
            pub fn #alias(&self) -> &#inner {
                &self.#id
            }
        }
    }
}

/// `#[derive(…)]` and `#[non_exhaustive]` for a struct (so a new field is a minor change, see
/// [`crate::diff`]), and a hand-written `Debug` that hides credentials when any
/// field holds one.
pub(crate) fn derive_and_debug(
    name: &syn::Ident,
    fields: &[Field],
    extra_field: &str,
) -> (TokenStream, TokenStream) {
    if !fields.iter().any(|f| f.secret) {
        return (
            quote!(#[derive(Debug, Clone, PartialEq)] #[non_exhaustive]),
            TokenStream::new(),
        );
    }
    let type_name = name.to_string();
    let entries = fields.iter().map(|f| {
        let id = ident(&f.ident);
        let label = naming::unraw(&f.ident);
        let option = f.optional && f.indexed_max.is_none();
        if f.secret && (option || f.ty == Ty::String) {
            quote!(.field(#label, &rt::Redacted(&self.#id)))
        } else if f.secret {
            // `Redacted` covers `String` and `Option<_>`; any other type prints a marker.
            quote!(.field(#label, &::std::format_args!("<redacted>")))
        } else {
            quote!(.field(#label, &self.#id))
        }
    });
    let extra = format_ident!("{}", extra_field);
    let debug = quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name) #(#entries)* .field(#extra_field, &self.#extra).finish()
            }
        }
    };
    (quote!(#[derive(Clone, PartialEq)] #[non_exhaustive]), debug)
}

/// A one-line doc attribute (with the space rustdoc expects after `///`).
pub(crate) fn doc_attr(text: &str) -> TokenStream {
    let text = format!(" {text}");
    quote!(#[doc = #text])
}

/// `#[doc = "…"]` attributes, one per line.
pub(crate) fn doc_lines(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// `Some(1.0)` or `None`, for an `Option<f64>` argument (no suffix: the type is known).
pub(crate) fn opt_f64(v: Option<f64>) -> TokenStream {
    opt_literal(v.map(proc_macro2::Literal::f64_unsuffixed))
}

/// `Some(64)` or `None`, for an `Option<u64>` argument (no suffix: the type is known).
pub(crate) fn opt_u64(v: Option<u64>) -> TokenStream {
    opt_literal(v.map(proc_macro2::Literal::u64_unsuffixed))
}

fn opt_literal(v: Option<proc_macro2::Literal>) -> TokenStream {
    match v {
        Some(x) => quote!(::std::option::Option::Some(#x)),
        None => quote!(::std::option::Option::None),
    }
}
