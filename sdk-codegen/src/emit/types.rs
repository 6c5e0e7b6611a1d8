//! Response structs, enums and property strings.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builder::{Builder, field_decls};
use super::spell::{alias_getter, derive_and_debug, doc_attr, doc_lines, ident, opt_f64, ty};
use std::collections::BTreeMap;

use crate::ir::{Api, EnumDef, Field, PropertyStringDef, StructDef, Ty, TypeDef};
use crate::lower::TYPES_MODULE;
use crate::naming;

/// A response object: typed fields, unknown keys kept in `extra`, decoded leniently.
pub(super) fn structure(s: &StructDef, module: &str) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let doc = doc_lines(std::slice::from_ref(&s.context));
    let fields = field_decls(&s.fields, module);
    let locals = s.fields.iter().map(|f| {
        let id = local(f);
        if f.indexed_max.is_some() {
            quote!(let mut #id = rt::Indexed::new();)
        } else {
            let t = ty(&f.ty, module);
            quote!(let mut #id: ::std::option::Option<#t> = ::std::option::Option::None;)
        }
    });
    let arms = s
        .fields
        .iter()
        .filter(|f| f.indexed_max.is_none())
        .map(|f| {
            let id = local(f);
            let wire = &f.wire;
            quote!(#wire => #id = rt::next(&mut __map)?,)
        });
    let indexed = s
        .fields
        .iter()
        .filter(|f| f.indexed_max.is_some())
        .map(|f| {
            let id = local(f);
            let wire = &f.wire;
            quote! {
                if let ::std::option::Option::Some(i) = rt::index_of(&__key, #wire) {
                    #id.insert(i, rt::next(&mut __map)?);
                    continue;
                }
            }
        });
    let builds = s.fields.iter().map(|f| {
        let field = ident(&f.ident);
        let id = local(f);
        let wire = &f.wire;
        if f.indexed_max.is_some() || f.optional {
            quote!(#field: #id,)
        } else {
            quote!(#field: #id.ok_or_else(|| rt::missing_field(#wire))?,)
        }
    });
    let getters: Vec<TokenStream> = s
        .fields
        .iter()
        .map(|f| alias_getter(f, module))
        .filter(|t| !t.is_empty())
        .collect();
    let getters = if getters.is_empty() {
        TokenStream::new()
    } else {
        quote!(impl #name { #(#getters)* })
    };
    let expecting = format!("a {} object", s.name);
    let (derive, debug) = derive_and_debug(&name, &s.fields, "extra");
    quote! {
        #doc
        #derive
        pub struct #name {
            #fields
            /// Fields the schema does not declare, kept as received.
            pub extra: rt::Extra,
        }
        #debug
        #getters

        impl<'de> rt::serde::Deserialize<'de> for #name {
            fn deserialize<D: rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> rt::serde::de::Visitor<'de> for V {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: rt::serde::de::MapAccess<'de>>(self, mut __map: A) -> ::std::result::Result<#name, A::Error> {
                        #(#locals)*
                        let mut __extra = rt::Extra::new();
                        while let ::std::option::Option::Some(__key) = __map.next_key_seed(rt::KeySeed)? {
                            match &*__key {
                                #(#arms)*
                                _ => {
                                    #(#indexed)*
                                    __extra.insert(__key.into_owned(), __map.next_value()?);
                                }
                            }
                        }
                        ::std::result::Result::Ok(#name { #(#builds)* extra: __extra })
                    }
                }
                d.deserialize_map(V)
            }
        }

        impl rt::FromWire for #name {
            fn from_wire<'de, D: rt::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                <Self as rt::serde::Deserialize<'de>>::deserialize(d)
            }
        }
    }
}

/// An enum with an `UnknownValue(String)` fallback.
pub(super) fn enumeration(e: &EnumDef) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let mut doc = vec![format!("Values of `{}`.", e.name)];
    if !e.used_by.is_empty() {
        doc.push(String::new());
        doc.push(format!(
            "Used by {}.",
            e.used_by
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let doc = doc_lines(&doc);
    enum_tokens(&name, doc, &e.variants)
}

/// The enum body and impls shared by schema enums and `Privilege`.
pub(super) fn enum_tokens(
    name: &syn::Ident,
    doc: TokenStream,
    values: &[(String, String)],
) -> TokenStream {
    let variants = values.iter().map(|(wire, v)| {
        let v = format_ident!("{}", v);
        let d = doc_attr(&format!("`{wire}`"));
        quote!(#d #v,)
    });
    let all = values.iter().map(|(_, v)| {
        let v = format_ident!("{}", v);
        quote!(#name::#v)
    });
    let to_str = values.iter().map(|(wire, v)| {
        let v = format_ident!("{}", v);
        quote!(#name::#v => #wire,)
    });
    let from_str = values.iter().map(|(wire, v)| {
        let v = format_ident!("{}", v);
        quote!(#wire => #name::#v,)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the SDK does not know (a newer server sent it).
            UnknownValue(::std::string::String),
        }

        impl #name {
            /// Every value the schema lists, in schema order.
            pub const ALL: &'static [#name] = &[#(#all),*];

            /// The value as PVE spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    #name::UnknownValue(other) => other,
                }
            }

            /// Whether the value is one the schema lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, #name::UnknownValue(_))
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, ::std::convert::Infallible> {
                ::std::result::Result::Ok(match s {
                    #(#from_str)*
                    other => #name::UnknownValue(::std::string::ToString::to_string(other)),
                })
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl rt::WireEnum for #name {
            fn as_wire(&self) -> &str {
                self.as_str()
            }
            fn from_wire_str(s: &str) -> Self {
                match s.parse() {
                    ::std::result::Result::Ok(v) => v,
                    ::std::result::Result::Err(never) => match never {},
                }
            }
            fn is_known(&self) -> bool {
                self.is_known()
            }
        }

        rt::wire_enum_impls!(#name);
    }
}

/// A property string: typed sub-keys, unknown sub-keys and the received key order in `extra`.
pub(super) fn property_string(
    p: &PropertyStringDef,
    module: &str,
    types: &BTreeMap<(String, String), TypeDef>,
) -> TokenStream {
    let name = format_ident!("{}", p.name);
    let mut doc = vec![
        format!("A `{}` property string (`key=value,…`).", p.name),
        String::new(),
    ];
    if let Some(k) = &p.default_key {
        doc.push(format!("The `{k}` sub-key may be written without `{k}=`."));
    }
    for (pseudo, key_field, value_field) in &p.key_aliases {
        doc.push(format!(
            "`{pseudo}=<value>` sets `{key_field}` to `{pseudo}` and `{value_field}` to the value."
        ));
    }
    for (alias, target) in &p.aliases {
        doc.push(format!("`{alias}` is another name for `{target}`."));
    }
    doc.push(format!(
        "Used by {}.",
        p.used_by
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let doc = doc_lines(&doc);

    let all: Vec<&Field> = p.fields.iter().collect();
    let builder = Builder {
        name: &name,
        fields: &all,
        module,
        noun: "value",
        fields_noun: "sub-keys",
        extra_init: quote!(rt::PropertyExtra::default()),
        more_methods: TokenStream::new(),
    };
    let fields = field_decls(&p.fields, module);
    let methods = builder.methods();
    let takes = p.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        let (lo, hi) = (opt_f64(f.limits.min), opt_f64(f.limits.max));
        match (f.optional, f.limits.has_range()) {
            (true, false) => quote!(#id: pairs.take(#wire)?,),
            (false, false) => quote!(#id: pairs.take_required(#wire)?,),
            (true, true) => quote!(#id: pairs.take_bounded(#wire, #lo, #hi)?,),
            (false, true) => quote!(#id: pairs.take_required_bounded(#wire, #lo, #hi)?,),
        }
    });
    let puts = p.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        if f.optional {
            quote!(out.put(#wire, &self.#id);)
        } else {
            quote!(out.put_required(#wire, &self.#id);)
        }
    });
    let keys = p.fields.iter().map(|f| {
        let wire = &f.wire;
        let kind = value_kind(f, types);
        let required = !f.optional;
        quote!(rt::PropertyKey { name: #wire, kind: #kind, required: #required })
    });
    let default_key = match &p.default_key {
        Some(k) => quote!(::std::option::Option::Some(#k)),
        None => quote!(::std::option::Option::None),
    };
    let key_aliases = p.key_aliases.iter().map(|(a, k, v)| quote!((#a, #k, #v)));
    let aliases = p.aliases.iter().map(|(a, t)| quote!((#a, #t)));
    let type_name = &p.name;

    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #fields
            /// Sub-keys this version of the SDK does not know, and the order keys arrived in.
            pub extra: rt::PropertyExtra,
        }

        #methods

        impl rt::PropertyString for #name {
            const SPEC: &'static rt::PropertySpec = &rt::PropertySpec {
                name: #type_name,
                keys: &[#(#keys),*],
                default_key: #default_key,
                key_aliases: &[#(#key_aliases),*],
                aliases: &[#(#aliases),*],
            };
            fn from_pairs(pairs: &mut rt::PropertyPairs<'_>) -> ::std::result::Result<Self, rt::PropertyError> {
                ::std::result::Result::Ok(#name { #(#takes)* extra: pairs.finish()? })
            }
            fn write_pairs<'a>(&'a self, out: &mut rt::PropertyWriter<'a>) {
                #(#puts)*
                out.extra(&self.extra);
            }
        }

        rt::property_string_impls!(#name);
    }
}

/// The decoder's local variable for a field (prefixed, so no field name can shadow the
/// decoder's own variables).
fn local(f: &Field) -> syn::Ident {
    format_ident!("f_{}", naming::unraw(&f.ident))
}

/// The kind of value a property-string key holds, as runtime data (for validation and tests).
fn value_kind(f: &Field, types: &BTreeMap<(String, String), TypeDef>) -> TokenStream {
    let (lo, hi) = (opt_f64(f.limits.min), opt_f64(f.limits.max));
    match &f.ty {
        Ty::Bool => quote!(rt::ValueKind::Bool),
        Ty::U32 | Ty::U64 | Ty::I64 => quote!(rt::ValueKind::Integer { min: #lo, max: #hi }),
        Ty::F64 => quote!(rt::ValueKind::Number { min: #lo, max: #hi }),
        Ty::Named(m, n) => match types.get(&(m.clone(), n.clone())) {
            Some(TypeDef::Enum(e)) => {
                let values = e.variants.iter().map(|(w, _)| w.as_str());
                quote!(rt::ValueKind::Enum(&[#(#values),*]))
            }
            _ => quote!(rt::ValueKind::String),
        },
        _ => quote!(rt::ValueKind::String),
    }
}

/// `PROPERTY_STRINGS`: every property-string type with its shape and a round-trip function, so
/// tests can exercise all of them without naming each.
pub(super) fn property_string_registry(api: &Api) -> TokenStream {
    let entries = api.types.iter().filter_map(|((m, name), def)| match def {
        TypeDef::PropertyString(_) if m == TYPES_MODULE => {
            let name = format_ident!("{}", name);
            Some(quote!(rt::PropertyStringInfo {
                spec: <#name as rt::PropertyString>::SPEC,
                round_trip: rt::property_string_round_trip::<#name>,
            }))
        }
        _ => None,
    });
    let entries: Vec<TokenStream> = entries.collect();
    if entries.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// Every property-string type of the API: its shape and a round-trip function.
        pub const PROPERTY_STRINGS: &[rt::PropertyStringInfo] = &[#(#entries),*];
    }
}
