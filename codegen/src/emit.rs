//! Definitions → Rust tokens. The emitted code is data (`novagen_spec::defs` values baked as
//! `static` items, which the runtime interprets), typed resource structs, and thin request
//! builders; the `nova` subcommands are built by the runtime from the same static
//! definitions, so no per-command code is emitted at all.

use crate::validate::{Api, Operation, Resource};
use databake::Bake;
use novagen_spec::defs::{ArgDef, ArgType, Returns, Shape, Version};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// A definition as tokens of the same `novagen_spec` value (a `static`'s initializer); a
/// reference to a resource bakes as the path of its `static`.
pub fn baked<T: Bake>(t: &T) -> TokenStream {
    t.bake(&databake::CrateEnv::default())
}

pub fn emit(api: &Api) -> TokenStream {
    let settings = baked(&api.def);
    let (min, max) = (baked(&api.def.min), baked(&api.def.max));
    let defs = api.resources.iter().map(resource_defs);
    let types = api.resources.iter().map(resource_type);
    let managers = api
        .resources
        .iter()
        .filter(|r| !r.ops.is_empty() || r.def.lookup.is_some())
        .map(|r| manager(r, api.def.min));
    let all_ops = api
        .resources
        .iter()
        .flat_map(|r| &r.ops)
        .map(|o| ident(&o.static_name));
    let all_resources = api.resources.iter().map(|r| ident(&r.def.static_name()));
    let formats = baked(&api.formats.as_slice());
    let type_names: Vec<Ident> = api.resources.iter().map(|r| ident(&r.type_name)).collect();
    quote! {
        /// Static definitions of every resource and operation, read by the runtime (and by
        /// `nova`, which builds its subcommands from them).
        pub mod spec {
            use crate::runtime::defs::*;
            /// `api.yaml`'s settings: the microversion range, the ceiling of `auto`, paging,
            /// `--fields`'s key column and what `--poll` reads.
            pub static API: ApiDef = #settings;
            /// Oldest compute microversion the spec speaks (`API.min`).
            pub const MIN_VERSION: Version = #min;
            /// Newest compute microversion the spec may name (`API.max`).
            pub const MAX_VERSION: Version = #max;
            #(#defs)*
            /// Every operation of the spec, in spec order.
            pub static OPERATIONS: &[&OpDef] = &[#(&#all_ops),*];
            /// The spec's named display formats (`api.yaml`).
            pub static FORMATS: &[NamedFormat] = #formats;
            /// Every resource of the spec.
            pub static RESOURCES: &[&ResourceDef] = &[#(&#all_resources),*];
        }

        /// Typed resources, as the API returns them.
        pub mod types {
            #(#types)*
        }

        /// Calls the macro named with every typed resource's name, `m! { Flavor, Server, ... }`:
        /// code that must touch each type (the property tests) follows the spec by itself.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! for_every_type {
            ($m:ident) => { $m! { #(#type_names),* } };
        }

        /// One manager per resource, one request builder per operation.
        pub mod managers {
            use super::{spec, types};
            use crate::runtime::{Client, Error, FromReply, Record, Request};
            #(#managers)*
        }
    }
}

/// A resource's `static`, then its operations'.
fn resource_defs(r: &Resource) -> TokenStream {
    let st = ident(&r.def.static_name());
    let def = r.def.bake_static(&r.type_name);
    let ops = r.ops.iter().map(|o| {
        let (st, def) = (ident(&o.static_name), baked(&o.def));
        quote!(pub static #st: OpDef = #def;)
    });
    quote! {
        pub static #st: ResourceDef = #def;
        #(#ops)*
    }
}

fn resource_type(r: &Resource) -> TokenStream {
    let name = ident(&r.type_name);
    let doc = format!(" A {} as the API returns it.", r.def.name);
    let fields = r.rust_fields.iter().filter_map(|(json, rust)| {
        let f = r.def.fields.iter().find(|f| f.json == *json)?;
        let rust = ident(rust);
        let base = match f.shape {
            Shape::String => quote!(String),
            Shape::Integer => quote!(i64),
            Shape::Number => quote!(f64),
            Shape::Boolean => quote!(bool),
            Shape::Object => quote!(serde_json::Map<String, serde_json::Value>),
            Shape::Array => quote!(Vec<serde_json::Value>),
            Shape::Any => quote!(serde_json::Value),
            Shape::StringOrInteger => quote!(crate::runtime::types::StringOrInteger),
        };
        Some(if f.optional {
            quote!(#[serde(rename = #json, default)] pub #rust: Option<#base>,)
        } else {
            quote!(#[serde(rename = #json)] pub #rust: #base,)
        })
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// The library takes several values: a `many` argument (unless the operation runs once per
/// value of it, `each:`), a `record` or a `key_value`.
fn takes_list(a: &ArgDef, per_value: bool) -> bool {
    matches!(a.ty, ArgType::KeyValue | ArgType::Record) || (a.many && !per_value)
}

/// The parameter type of a builder method for an argument, and how it becomes a value.
fn param(a: &ArgDef, per_value: bool) -> (TokenStream, TokenStream) {
    if a.ty == ArgType::KeyValue {
        return (
            quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>),
            quote!(crate::runtime::ArgValue::pairs(value)),
        );
    }
    if takes_list(a, per_value) {
        return (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(crate::runtime::ArgValue::list(value)),
        );
    }
    match a.ty {
        ArgType::Integer => (quote!(i64), quote!(value)),
        ArgType::Number => (quote!(f64), quote!(value)),
        ArgType::Boolean | ArgType::Flag => (quote!(bool), quote!(value)),
        _ => (quote!(impl Into<String>), quote!(value.into())),
    }
}

/// Rust literal text for an example value of a required argument.
fn example(a: &ArgDef, per_value: bool) -> String {
    match a.ty {
        ArgType::Integer => "1".into(),
        ArgType::Number => "1.0".into(),
        ArgType::Boolean | ArgType::Flag => "true".into(),
        ArgType::KeyValue => "[(\"key\", \"value\")]".into(),
        _ if takes_list(a, per_value) => format!("[\"{}\"]", a.name),
        _ => format!("\"{}\"", a.name.replace('_', "-")),
    }
}

fn manager(r: &Resource, floor: Version) -> TokenStream {
    let mgr = ident(&r.manager_type);
    let accessor = ident(&r.manager);
    let ty = ident(&r.type_name);
    // The doc example: the first operation with its required arguments, or a lookup.
    let example_call = match r.ops.first().map(|o| &o.def) {
        Some(first) => {
            let args: Vec<String> = first
                .args
                .iter()
                .enumerate()
                .filter(|(_, a)| a.required)
                .map(|(i, a)| example(a, first.each.as_ref().is_some_and(|e| e.over == i)))
                .collect();
            format!("{}({}).send()", first.method, args.join(", "))
        }
        None => "find(\"name-or-id\")".to_string(),
    };
    let doc = format!(
        " Operations on {}s: one request builder per operation.\n\n ```no_run\n # fn main() -> Result<(), novaclient::Error> {{\n let options = novaclient::ConnectOptions {{\n     auth_url: Some(\"http://127.0.0.1:5000/identity\".into()),\n     username: Some(\"admin\".into()),\n     password: Some(\"secret\".into()),\n     project_name: Some(\"admin\".into()),\n     ..Default::default()\n }};\n let client = novaclient::Client::connect(&options)?;\n let result = client.{}().{}?;\n # let _ = result;\n # Ok(())\n # }}\n ```",
        r.def.name, r.manager, example_call
    );
    let st_res = ident(&r.def.static_name());
    let find = r.def.lookup.as_ref().map(|_| {
        quote! {
            impl<'a> #mgr<'a> {
                /// Find one by name or ID, as `nova` does for its arguments.
                pub fn find(&self, name_or_id: &str) -> Result<Record<types::#ty>, Error> {
                    self.client.find(&spec::#st_res, name_or_id).and_then(Record::decode)
                }
            }
        }
    });
    let builders = r.ops.iter().map(|op: &Operation| {
        let o = &op.def;
        let b = ident(&op.builder);
        let m = ident(o.method);
        let st = ident(&op.static_name);
        let required: Vec<(usize, &ArgDef)> = o
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.required)
            .collect();
        let params = required.iter().map(|(i, a)| {
            let n = ident(a.name);
            let (t, _) = param(a, o.each.as_ref().is_some_and(|e| e.over == *i));
            quote!(#n: #t)
        });
        let mutable = (!required.is_empty()).then(|| quote!(mut));
        let sets = required.iter().map(|(i, a)| {
            let n = ident(a.name);
            let (_, conv) = param(a, o.each.as_ref().is_some_and(|e| e.over == *i));
            let i = Literal::usize_unsuffixed(*i);
            quote!({ let value = #n; req.set(#i, #conv); })
        });
        let setters = o
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.required)
            .map(|(i, a)| {
                let n = ident(a.name);
                let (t, conv) = param(a, o.each.as_ref().is_some_and(|e| e.over == i));
                let i = Literal::usize_unsuffixed(i);
                let help = if a.hidden {
                    "(an option `--help` does not show)"
                } else {
                    a.help
                };
                let doc = format!(" `{}`: {}{}", a.cli, help, a.versions.note(floor));
                quote! {
                    #[doc = #doc]
                    pub fn #n(mut self, value: #t) -> Self {
                        self.req.set(#i, #conv);
                        self
                    }
                }
            });
        let ret = match o.returns {
            Returns::List => quote!(Vec<Record<types::#ty>>),
            Returns::One => quote!(Record<types::#ty>),
            Returns::Value => quote!(serde_json::Value),
            Returns::Nothing => quote!(()),
        };
        let first = o.variants.first().and_then(|v| v.steps.first());
        let route = first
            .map(|s| format!("`{} {}`", s.method, s.path))
            .unwrap_or_default();
        let doc = format!(
            " {}{}\n\n {route} (`nova {}`)",
            o.help,
            o.versions.note(floor),
            o.command
        );
        let bdoc = format!(
            " The request of [`{}::{}`]: set optional arguments, then `send()`.",
            r.manager_type, o.method
        );
        quote! {
            #[doc = #bdoc]
            #[must_use = "a request does nothing until it is sent"]
            #[derive(Debug)]
            pub struct #b<'a> {
                req: Request<'a>,
            }

            impl<'a> #b<'a> {
                #(#setters)*

                /// The request as built so far (its definition and argument values).
                pub fn request(&self) -> &Request<'a> {
                    &self.req
                }

                /// Send the request(s) and decode the result.
                pub fn send(self) -> Result<#ret, Error> {
                    self.req.send().and_then(FromReply::from_reply)
                }
            }

            impl<'a> #mgr<'a> {
                #[doc = #doc]
                pub fn #m(&self, #(#params),*) -> #b<'a> {
                    let #mutable req = Request::new(self.client, &spec::#st);
                    #(#sets)*
                    #b { req }
                }
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #mgr<'a> {
            client: &'a Client,
        }

        impl Client {
            #[doc = #doc]
            pub fn #accessor(&self) -> #mgr<'_> {
                #mgr { client: self }
            }
        }

        #find

        #(#builders)*
    }
}
