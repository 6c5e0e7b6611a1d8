//! One request type per endpoint: a struct of its parameters, a constructor taking exactly the
//! required ones (so leaving one out is a compile error), a setter per optional one, and the
//! `Endpoint` impl that renders path and parameters.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::builder::{Builder, field_decls};
use super::docs;
use super::spell::{derive_and_debug, doc_lines, ident, opt_f64, opt_u64, ty};
use crate::ir::{Check, Endpoint, Field, Permission, Segment, TaskKind};
use crate::naming;

pub(super) fn endpoint(e: &Endpoint) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let doc = doc_lines(&docs::endpoint(e));
    let search = docs::aliases(e);
    let search = quote!(#(#[doc(alias = #search)])*);
    let all: Vec<&Field> = e.path_params.iter().chain(e.params.iter()).collect();

    let builder = Builder {
        name: &name,
        fields: &all,
        module: &e.module,
        noun: "request",
        fields_noun: "parameters",
        extra_init: quote!(rt::ExtraParams::new()),
        more_methods: quote! {
            /// Adds a parameter the schema does not list.
            pub fn extra_param(mut self, key: impl ::std::convert::Into<::std::string::String>, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.extra.push(key.into(), value.into());
                self
            }
        },
    };
    let fields = field_decls(all.iter().copied(), &e.module);
    let methods = builder.methods();

    let segments = e.segments.iter().map(|s| match s {
        Segment::Literal(text) => quote!(out.literal(#text);),
        Segment::Param(i) => {
            let id = ident(&e.path_params[*i].ident);
            quote!(out.param(&self.#id);)
        }
    });
    // Path parameters are checked here too: the writer's first refusal refuses the request.
    let path_checks = e.path_params.iter().map(limit_checks);
    let writes = e.params.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire;
        let check = limit_checks(f);
        if f.indexed_max.is_some() {
            quote!(out.indexed(#wire, &self.#id);)
        } else if f.optional {
            quote!(#check out.optional(#wire, &self.#id);)
        } else {
            quote!(#check out.required(#wire, &self.#id);)
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
    let all_fields: Vec<Field> = all.iter().map(|f| (*f).clone()).collect();
    let (derive, debug) = derive_and_debug(&name, &all_fields, "extra");
    // A call whose body must be streamed (an upload) is sent by a hand-written client call
    // only: without the impl, sending it as a form does not compile.
    let endpoint_impl = if e.sent_by.is_some() {
        quote!()
    } else {
        quote! {
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
                    #(#path_checks)*
                    #(#writes)*
                    out.extra(&self.extra);
                }
            }
        }
    };
    quote! {
        #doc
        #search
        #derive
        pub struct #name {
            #fields
            /// Parameters the schema does not list, sent as given after the listed ones.
            pub extra: rt::ExtraParams,
        }
        #debug

        #methods

        #endpoint_impl
    }
}

/// The checks of a parameter's schema limits, spelled before it is written (an indexed family
/// has none: lowering gives limits only to scalar values).
fn limit_checks(f: &Field) -> TokenStream {
    let id = ident(&f.ident);
    let wire = &f.wire;
    let l = &f.limits;
    let mut out = TokenStream::new();
    if l.has_range() {
        let (lo, hi) = (opt_f64(l.min), opt_f64(l.max));
        out.extend(quote!(out.range(#wire, &self.#id, #lo, #hi);));
    }
    if l.has_length() {
        let (lo, hi) = (opt_u64(l.min_length), opt_u64(l.max_length));
        out.extend(quote!(out.length(#wire, &self.#id, #lo, #hi);));
    }
    out
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
        Permission::InHandler {
            check: c, source, ..
        } => {
            let c = check(c);
            quote!(rt::Permission::InHandler { check: #c, source: #source })
        }
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
        Check::When { param, check: c } => {
            let c = check(c);
            quote!(rt::Check::When { param: #param, check: &#c })
        }
    }
}
