//! One request type per endpoint: a struct of its parameters, a constructor taking exactly the
//! required ones (so leaving one out is a compile error), a setter per optional one, and the
//! `Endpoint` impl that renders path and parameters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::spell::{
    alias_setter, arg_conv, arg_ty, derive_and_debug, doc_attr, doc_lines, field_ty, ident, init_from_arg, ty,
};
use crate::ir::{Check, Endpoint, Field, Permission, Segment, TaskKind};
use crate::naming;

pub(super) fn endpoint(e: &Endpoint) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let doc = doc_lines(&docs::endpoint(e));
    let search = docs::aliases(e);
    let search = quote!(#(#[doc(alias = #search)])*);
    let all: Vec<&Field> = e.path_params.iter().chain(e.params.iter()).collect();

    let fields = all.iter().map(|f| {
        let id = ident(&f.ident);
        let t = field_ty(f, &e.module);
        let d = doc_attr(&docs::field(f));
        quote!(#d pub #id: #t,)
    });

    let required: Vec<&&Field> = all.iter().filter(|f| !f.optional).collect();
    let ctor_args = required.iter().map(|f| {
        let id = ident(&f.ident);
        let t = arg_ty(&f.ty, &e.module);
        quote!(#id: #t)
    });
    let inits = all.iter().map(|f| {
        let id = ident(&f.ident);
        if f.indexed_max.is_some() {
            quote!(#id: rt::Indexed::new(),)
        } else if f.optional {
            quote!(#id: ::std::option::Option::None,)
        } else {
            init_from_arg(&f.ty, &id)
        }
    });
    let setters = all
        .iter()
        .filter(|f| f.optional)
        .map(|f| setter(f, &e.module));
    let aliases = all.iter().map(|f| alias_setter(f, &e.module));

    let segments = e.segments.iter().map(|s| match s {
        Segment::Literal(text) => quote!(out.literal(#text);),
        Segment::Param(i) => {
            let id = ident(&e.path_params[*i].ident);
            quote!(out.param(&self.#id);)
        }
    });
    let writes = e.params.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        if f.indexed_max.is_some() {
            quote!(out.indexed(#wire, &self.#id);)
        } else if f.optional {
            quote!(out.optional(#wire, &self.#id);)
        } else {
            quote!(out.required(#wire, &self.#id);)
        }
    });

    let response = ty(&e.response, &e.module);
    let method = format_ident!(
        "{}",
        naming::pascal(&e.method.as_str().to_ascii_lowercase())
    );
    let path = &e.path;
    let handler = &e.handler;
    let permission = permission(&e.permission);
    let protected = e.protected;
    let allow_token = e.allow_token;
    let proxy_to = match &e.proxy_to {
        Some(p) => quote!(::std::option::Option::Some(#p)),
        None => quote!(::std::option::Option::None),
    };
    let task = format_ident!(
        "{}",
        match e.task {
            TaskKind::None => "None",
            TaskKind::Upid => "Upid",
            TaskKind::UpidOrOther => "UpidOrOther",
            TaskKind::NullButForks => "NullButForks",
        }
    );
    let ctor_doc = if required.is_empty() {
        "A request with no parameters set.".to_string()
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
        format!(
            "A request with its required parameters: {}.",
            names.join(", ")
        )
    };
    let ctor_doc = doc_attr(&ctor_doc);

    let all_fields: Vec<Field> = all.iter().map(|f| (*f).clone()).collect();
    let (derive, debug) = derive_and_debug(&name, &all_fields, "extra");
    quote! {
        #doc
        #search
        #derive
        pub struct #name {
            #(#fields)*
            /// Parameters the schema does not list, sent as given after the listed ones.
            pub extra: rt::ExtraParams,
        }
        #debug

        impl #name {
            #ctor_doc
            pub fn new(#(#ctor_args),*) -> Self {
                Self { #(#inits)* extra: rt::ExtraParams::new() }
            }

            #(#setters)*
            #(#aliases)*

            /// Adds a parameter the schema does not list.
            pub fn extra_param(mut self, key: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.extra.push(key.into(), value.into());
                self
            }
        }

        impl rt::Endpoint for #name {
            type Response = #response;
            const INFO: &'static rt::EndpointInfo = &rt::EndpointInfo {
                method: rt::HttpMethod::#method,
                path: #path,
                handler: #handler,
                permission: &#permission,
                protected: #protected,
                allow_token: #allow_token,
                proxy_to: #proxy_to,
                task: rt::TaskReturn::#task,
            };
            fn write_path(&self, out: &mut rt::PathWriter) {
                #(#segments)*
            }
            #[allow(unused_variables)]
            fn write_params(&self, out: &mut rt::ParamWriter) {
                #(#writes)*
                out.extra(&self.extra);
            }
        }
    }
}

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

fn privileges(list: &[String]) -> TokenStream {
    quote!(&[#(#list),*])
}

fn permission(p: &Permission) -> TokenStream {
    match p {
        Permission::Check(c) => {
            let c = check(c);
            quote!(rt::Permission::Check(#c))
        }
        Permission::AnyUser => quote!(rt::Permission::AnyUser),
        Permission::World => quote!(rt::Permission::World),
        Permission::RootOnly => quote!(rt::Permission::RootOnly),
    }
}

fn opt_str(v: Option<&String>) -> TokenStream {
    match v {
        Some(s) => quote!(::std::option::Option::Some(#s)),
        None => quote!(::std::option::Option::None),
    }
}

fn check(c: &Check) -> TokenStream {
    match c {
        Check::Perm {
            path,
            privileges: privs,
            any,
            require_param,
        } => {
            let privs = privileges(privs);
            let require = opt_str(require_param.as_ref());
            quote!(rt::Check::Perm { path: #path, privileges: #privs, any: #any, require_param: #require })
        }
        Check::And(cs) => {
            let cs = cs.iter().map(check);
            quote!(rt::Check::And(&[#(#cs),*]))
        }
        Check::Or(cs) => {
            let cs = cs.iter().map(check);
            quote!(rt::Check::Or(&[#(#cs),*]))
        }
        Check::UseridGroup {
            privileges: privs,
            groups_param,
        } => {
            let privs = privileges(privs);
            let g = opt_str(groups_param.as_ref());
            quote!(rt::Check::UseridGroup { privileges: #privs, groups_param: #g })
        }
        Check::UseridParam(w) => quote!(rt::Check::UseridParam(#w)),
        Check::PermModify(p) => quote!(rt::Check::PermModify(#p)),
    }
}
