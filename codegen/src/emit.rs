//! IR → Rust tokens. The emitted code is data (static definitions the runtime interprets),
//! typed resource structs, and thin request builders; the `nova` subcommands are built by the
//! runtime from the same static definitions, so no per-command code is emitted at all.

use crate::ir::*;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

fn opt_str(o: &Option<String>) -> TokenStream {
    match o {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

fn version(v: &Version) -> TokenStream {
    let (a, b) = (Literal::u16_unsuffixed(v.0), Literal::u16_unsuffixed(v.1));
    quote!(Version(#a, #b))
}

fn opt_version(v: &Option<Version>) -> TokenStream {
    match v {
        Some(v) => {
            let t = version(v);
            quote!(Some(#t))
        }
        None => quote!(None),
    }
}

fn range(r: &Range) -> TokenStream {
    if r.min.is_none() && r.max.is_none() {
        return quote!(Range::ALL);
    }
    let (min, max) = (opt_version(&r.min), opt_version(&r.max));
    quote!(Range { min: #min, max: #max })
}

fn opt_static(o: &Option<String>) -> TokenStream {
    match o {
        Some(s) => {
            let i = ident(s);
            quote!(Some(&#i))
        }
        None => quote!(None),
    }
}

fn pairs(p: &[(String, String)]) -> TokenStream {
    let items = p.iter().map(|(k, v)| quote!((#k, #v)));
    quote!(&[#(#items),*])
}

fn strs(v: &[String]) -> TokenStream {
    quote!(&[#(#v),*])
}

fn service(s: Service) -> TokenStream {
    match s {
        Service::Compute => quote!(Service::Compute),
        Service::Image => quote!(Service::Image),
        Service::Network => quote!(Service::Network),
        Service::Volume => quote!(Service::Volume),
    }
}

/// A parsed tree as tokens of the same `novagen_spec` value (a `static`'s initializer).
pub fn baked<T: databake::Bake>(t: &T) -> TokenStream {
    t.bake(&databake::CrateEnv::default())
}

/// `Some(<baked tree>)` or `None`.
fn opt_baked<T: databake::Bake>(t: &Option<T>) -> TokenStream {
    match t {
        Some(t) => {
            let t = baked(t);
            quote!(Some(#t))
        }
        None => quote!(None),
    }
}

/// `&[("key", <baked tree>), ...]`.
fn baked_pairs<T: databake::Bake>(p: &[(String, T)]) -> TokenStream {
    let items = p.iter().map(|(k, v)| {
        let v = baked(v);
        quote!((#k, #v))
    });
    quote!(&[#(#items),*])
}

/// A body template as `Body` data.
fn body(b: &Body) -> TokenStream {
    match b {
        Body::Object(m) => {
            let items = m.iter().map(|(k, v)| {
                let v = body(v);
                quote!((#k, #v))
            });
            quote!(Body::Object(&[#(#items),*]))
        }
        Body::List(a) => {
            let items = a.iter().map(body);
            quote!(Body::List(&[#(#items),*]))
        }
        Body::Template(t) => {
            let t = baked(t);
            quote!(Body::Template(#t))
        }
        Body::Lit(l) => {
            let l = baked(l);
            quote!(Body::Lit(#l))
        }
    }
}

fn conds(c: &Cond) -> TokenStream {
    match c {
        Some(e) => {
            let e = baked(e);
            quote!(Some(#e))
        }
        None => quote!(None),
    }
}

/// `(Supported by API versions '2.2' - '2.latest')`, novaclient's wording.
fn range_note(r: &Range) -> String {
    if r.min.is_none() && r.max.is_none() {
        return String::new();
    }
    let lo = r.min.map(|v| v.to_string()).unwrap_or_else(|| "2.1".into());
    let hi = r
        .max
        .map(|v| v.to_string())
        .unwrap_or_else(|| "2.latest".into());
    format!(" (Supported by API versions '{lo}' - '{hi}')")
}

pub fn emit(api: &Api) -> TokenStream {
    let (min, max) = (version(&api.min_version), version(&api.max_version));
    let defs = api.resources.iter().map(resource_defs);
    let types = api.resources.iter().map(resource_type);
    let managers = api
        .resources
        .iter()
        .filter(|r| !r.ops.is_empty() || r.lookup.is_some())
        .map(manager);
    let all_ops = api
        .resources
        .iter()
        .flat_map(|r| &r.ops)
        .map(|o| ident(&o.static_name));
    let all_resources = api.resources.iter().map(|r| ident(&r.static_name));
    let formats = api.formats.iter().map(|(name, f)| {
        let def = match f {
            crate::ir::NamedFormat::Table(entries, otherwise) => {
                let entries = entries.iter().map(|(k, v)| quote!((#k, #v)));
                let otherwise = opt_str(otherwise);
                quote!(NamedDef::Table { entries: &[#(#entries),*], otherwise: #otherwise })
            }
            crate::ir::NamedFormat::Expr(e) => {
                let e = baked(e);
                quote!(NamedDef::Expr(#e))
            }
        };
        quote!(NamedFormat { name: #name, def: #def })
    });
    quote! {
        /// Static definitions of every resource and operation, read by the runtime (and by
        /// `nova`, which builds its subcommands from them).
        pub mod spec {
            use crate::runtime::defs::*;
            /// Oldest compute microversion the spec speaks.
            pub const MIN_VERSION: Version = #min;
            /// Newest compute microversion the spec speaks.
            pub const MAX_VERSION: Version = #max;
            #(#defs)*
            /// Every operation of the spec, in spec order.
            pub static OPERATIONS: &[&OpDef] = &[#(&#all_ops),*];
            /// The spec's named display formats (`api.yaml`).
            pub static FORMATS: &[NamedFormat] = &[#(#formats),*];
            /// Every resource of the spec.
            pub static RESOURCES: &[&ResourceDef] = &[#(&#all_resources),*];
        }

        /// Typed resources, as the API returns them.
        pub mod types {
            #(#types)*
        }

        /// One manager per resource, one request builder per operation.
        pub mod managers {
            use super::{spec, types};
            use crate::runtime::{Client, Error, FromReply, Record, Request};
            #(#managers)*
        }
    }
}

fn column(c: &Column) -> TokenStream {
    let (title, field, format) = (&c.title, &c.field, opt_baked(&c.format));
    let value = opt_baked(&c.value);
    let (versions, when) = (range(&c.versions), conds(&c.when));
    quote!(ColumnDef { title: #title, field: #field, value: #value, format: #format, versions: #versions, when: #when })
}

fn resource_defs(r: &Resource) -> TokenStream {
    let name = &r.name;
    let st = ident(&r.static_name);
    let ty = ident(&r.type_name);
    let svc = service(r.service);
    let lookup = match &r.lookup {
        Some(l) => {
            let (get, list, list_key, match_field) = (&l.get, &l.list, &l.list_key, &l.match_field);
            let (get_key, name_query) = (opt_str(&l.get_key), opt_str(&l.name_query));
            let list_query = pairs(&l.list_query);
            let ids = match l.ids {
                Ids::Uuid => quote!(Ids::Uuid),
                Ids::Any => quote!(Ids::Any),
            };
            let (id_field, items, missing) =
                (&l.id_field, opt_str(&l.items), opt_baked(&l.missing));
            quote!(Some(LookupDef {
                get: #get, get_key: #get_key, list: #list, list_key: #list_key,
                list_query: #list_query, name_query: #name_query, match_field: #match_field,
                ids: #ids, id_field: #id_field, items: #items, missing: #missing,
            }))
        }
        None => quote!(None),
    };
    let columns = r.columns.iter().map(column);
    let sort_by = opt_str(&r.sort_by);
    let show = r.show.iter().map(|s| {
        let (field, drop) = (&s.field, s.drop);
        let (flatten, format, versions) = (opt_baked(&s.flatten), opt_baked(&s.format), range(&s.versions));
        let (expand, value) = (opt_static(&s.expand), opt_baked(&s.value));
        quote!(ShowDef { field: #field, drop: #drop, flatten: #flatten, expand: #expand, value: #value, format: #format, versions: #versions })
    });
    let ops = r.ops.iter().map(|o| op_def(r, o));
    let mut fields: Vec<&Field> = r.fields.iter().collect();
    fields.sort_by(|a, b| a.json.cmp(&b.json));
    let fields = fields.into_iter().map(|f| {
        let (json, optional) = (&f.json, f.optional);
        let shape = match f.ty {
            FieldType::String => quote!(String),
            FieldType::Integer => quote!(Integer),
            FieldType::Number => quote!(Number),
            FieldType::Boolean => quote!(Boolean),
            FieldType::Object => quote!(Object),
            FieldType::Array => quote!(Array),
            FieldType::Any => quote!(Any),
            FieldType::StringOrInteger => quote!(StringOrInteger),
        };
        quote!(FieldDef { json: #json, shape: Shape::#shape, optional: #optional })
    });
    quote! {
        pub static #st: ResourceDef = ResourceDef {
            name: #name,
            service: #svc,
            lookup: #lookup,
            columns: &[#(#columns),*],
            sort_by: #sort_by,
            show: &[#(#show),*],
            check: crate::runtime::check::<crate::types::#ty>,
            fields: &[#(#fields),*],
        };
        #(#ops)*
    }
}

fn arg_def(a: &Arg) -> TokenStream {
    let (name, cli, help) = (&a.name, &a.cli, &a.help);
    let ty = ident(&format!("{:?}", a.ty));
    let (positional, many, required) = (a.positional, a.many, a.required);
    let required_since = opt_version(&a.required_since);
    let default = opt_baked(&a.default);
    let default_since = opt_version(&a.default_since);
    let env = opt_str(&a.env);
    let choices = strs(&a.choices);
    let resource = opt_static(&a.resource);
    let lookup_query = baked_pairs(&a.lookup_query);
    let lookup_fallback = match &a.lookup_fallback {
        None => quote!(None),
        Some(v) => {
            let v = opt_version(v);
            quote!(Some(#v))
        }
    };
    let lookup_versions = range(&a.lookup_versions);
    let record_keys = a.record_keys.iter().map(|(typed, sent, e)| {
        let e = opt_baked(e);
        quote!((#typed, #sent, #e))
    });
    let record_keys = quote!(&[#(#record_keys),*]);
    let record_defaults = baked_pairs(&a.record_defaults);
    let alone = strs(&a.alone);
    let alone_since = opt_version(&a.alone_since);
    let one_of = strs(&a.one_of);
    let invalid = opt_baked(&a.invalid);
    let metavar = opt_str(&a.metavar);
    let versions = range(&a.versions);
    quote!(ArgDef {
        name: #name, cli: #cli, ty: ArgType::#ty, positional: #positional, many: #many,
        required: #required, required_since: #required_since, default: #default,
        default_since: #default_since, env: #env, choices: #choices, record_keys: #record_keys, record_defaults: #record_defaults,
        alone: #alone, alone_since: #alone_since, one_of: #one_of, invalid: #invalid, resource: #resource, lookup_query: #lookup_query,
        lookup_fallback: #lookup_fallback, lookup_versions: #lookup_versions, metavar: #metavar, help: #help, versions: #versions,
    })
}

fn step_def(s: &Step) -> TokenStream {
    let (name, for_each) = (opt_str(&s.name), opt_baked(&s.for_each));
    let svc = service(s.service);
    let (method, path) = (&s.method, baked(&s.path));
    let query = baked_pairs(&s.query);
    let body = match &s.body {
        Some(b) => {
            let b = body(b);
            quote!(Some(#b))
        }
        None => quote!(None),
    };
    let (result, items) = (opt_baked(&s.result), opt_str(&s.items));
    let (paged, merge) = (s.paged, s.merge);
    let on_error = &s.on_error;
    let rows = baked_pairs(&s.rows);
    let (when, versions) = (conds(&s.when), range(&s.versions));
    quote!(StepDef {
        name: #name, for_each: #for_each, service: #svc, method: #method, path: #path,
        query: #query, body: #body, result: #result, items: #items, paged: #paged,
        merge: #merge, on_error: &[#(#on_error),*], rows: #rows, when: #when, versions: #versions,
    })
}

fn print_def(p: &Print) -> TokenStream {
    let kind = ident(&format!("{:?}", p.kind));
    let of = opt_baked(&p.of);
    let expand = opt_static(&p.expand);
    let columns = match &p.columns {
        Some(c) => {
            let c = c.iter().map(column);
            quote!(Some(&[#(#c),*]))
        }
        None => quote!(None),
    };
    let (columns_from, sort_by) = (opt_str(&p.columns_from), opt_str(&p.sort_by));
    let pivot = match &p.pivot {
        Some(pv) => {
            let keys = pv.keys.iter().map(|(k, r, c)| quote!((#k, #r, #c)));
            let other = opt_str(&pv.other);
            quote!(Some(PivotDef { keys: &[#(#keys),*], other: #other }))
        }
        None => quote!(None),
    };
    let tree = p.tree.iter().map(|l| {
        let (each, sort, row) = (baked(&l.each), l.sort, baked_pairs(&l.row));
        quote!(TreeLevelDef { each: #each, sort: #sort, row: #row })
    });
    let (h0, h1) = (&p.headers.0, &p.headers.1);
    let keys = strs(&p.keys);
    let rules = opt_static(&p.rules);
    let wrap = p.wrap;
    let format = opt_baked(&p.format);
    let text = opt_baked(&p.text);
    let (when, versions) = (conds(&p.when), range(&p.versions));
    quote!(PrintDef {
        kind: PrintKind::#kind, of: #of, expand: #expand, columns: #columns, columns_from: #columns_from,
        sort_by: #sort_by, pivot: #pivot, tree: &[#(#tree),*], headers: (#h0, #h1), keys: #keys,
        rules: #rules, wrap: #wrap, format: #format, text: #text, when: #when, versions: #versions,
    })
}

fn op_def(r: &Resource, o: &Operation) -> TokenStream {
    let st = ident(&o.static_name);
    let owner = ident(&r.static_name);
    let (command, method, help) = (&o.command, &o.method, &o.help);
    let args = o.args.iter().map(arg_def);
    let returns = ident(&format!("{:?}", o.returns));
    let failure = opt_str(&o.failure);
    let find_first = o.find_first;
    let refuse = o.refuse.iter().map(|(when, error)| {
        let (when, error) = (baked(when), baked(error));
        quote!((#when, #error))
    });
    let refuse = quote!(&[#(#refuse),*]);
    let each = match o.each {
        Some(i) => {
            let i = Literal::usize_unsuffixed(i);
            quote!(Some(#i))
        }
        None => quote!(None),
    };
    let versions = range(&o.versions);
    let variants = o.variants.iter().map(|v| {
        let (versions, when) = (range(&v.versions), conds(&v.when));
        let steps = v.steps.iter().map(step_def);
        let print = v.print.iter().map(print_def);
        let poll = match &v.poll {
            Some(p) => {
                let res = ident(&p.resource);
                let (id, field, action, progress) = (baked(&p.id), &p.field, &p.action, p.progress);
                let until = strs(&p.until);
                let (done, label, first) = (opt_baked(&p.done), &p.label, p.first);
                quote!(Some(PollDef {
                    resource: &#res, id: #id, field: #field, until: #until, action: #action,
                    progress: #progress, done: #done, label: #label, first: #first,
                }))
            }
            None => quote!(None),
        };
        quote!(VariantDef {
            versions: #versions, when: #when, steps: &[#(#steps),*], print: &[#(#print),*],
            poll: #poll,
        })
    });
    quote! {
        pub static #st: OpDef = OpDef {
            command: #command,
            method: #method,
            resource: &#owner,
            help: #help,
            args: &[#(#args),*],
            returns: Returns::#returns,
            versions: #versions,
            refuse: #refuse,
            each: #each,
            failure: #failure,
            find_first: #find_first,
            variants: &[#(#variants),*],
        };
    }
}

fn resource_type(r: &Resource) -> TokenStream {
    let name = ident(&r.type_name);
    let doc = format!(" A {} as the API returns it.", r.name);
    let fields = r.fields.iter().map(|f| {
        let rust = ident(&f.rust);
        let json = &f.json;
        let base = match f.ty {
            FieldType::String => quote!(String),
            FieldType::Integer => quote!(i64),
            FieldType::Number => quote!(f64),
            FieldType::Boolean => quote!(bool),
            FieldType::Object => quote!(serde_json::Map<String, serde_json::Value>),
            FieldType::Array => quote!(Vec<serde_json::Value>),
            FieldType::Any => quote!(serde_json::Value),
            FieldType::StringOrInteger => quote!(crate::runtime::types::StringOrInteger),
        };
        if f.optional {
            quote!(#[serde(rename = #json, default)] pub #rust: Option<#base>,)
        } else {
            quote!(#[serde(rename = #json)] pub #rust: #base,)
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

/// The parameter type of a builder method for an argument, and how it becomes a value.
fn param(a: &Arg) -> (TokenStream, TokenStream) {
    if a.ty == ArgType::KeyValue {
        return (
            quote!(impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>),
            quote!(crate::runtime::ArgValue::pairs(value)),
        );
    }
    if a.takes_list() {
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
fn example(a: &Arg) -> String {
    match a.ty {
        ArgType::Integer => "1".into(),
        ArgType::Number => "1.0".into(),
        ArgType::Boolean | ArgType::Flag => "true".into(),
        ArgType::KeyValue => "[(\"key\", \"value\")]".into(),
        _ if a.takes_list() => format!("[\"{}\"]", a.name),
        _ => format!("\"{}\"", a.name.replace('_', "-")),
    }
}

fn manager(r: &Resource) -> TokenStream {
    let mgr = ident(&r.manager_type);
    let accessor = ident(&r.manager);
    let ty = ident(&r.type_name);
    // The doc example: the first operation with its required arguments, or a lookup.
    let example_call = match r.ops.first() {
        Some(first) => {
            let args: Vec<String> = first
                .args
                .iter()
                .filter(|a| a.required)
                .map(example)
                .collect();
            format!("{}({}).send()", first.method, args.join(", "))
        }
        None => "find(\"name-or-id\")".to_string(),
    };
    let doc = format!(
        " Operations on {}s: one request builder per operation.\n\n ```no_run\n # fn main() -> Result<(), novaclient::Error> {{\n let options = novaclient::ConnectOptions {{\n     auth_url: Some(\"http://127.0.0.1:5000/identity\".into()),\n     username: Some(\"admin\".into()),\n     password: Some(\"secret\".into()),\n     project_name: Some(\"admin\".into()),\n     ..Default::default()\n }};\n let client = novaclient::Client::connect(&options)?;\n let result = client.{}().{}?;\n # let _ = result;\n # Ok(())\n # }}\n ```",
        r.name, r.manager, example_call
    );
    let st_res = ident(&r.static_name);
    let find = r.lookup.as_ref().map(|_| {
        quote! {
            impl<'a> #mgr<'a> {
                /// Find one by name or ID, as `nova` does for its arguments.
                pub fn find(&self, name_or_id: &str) -> Result<Record<types::#ty>, Error> {
                    self.client.find(&spec::#st_res, name_or_id).and_then(Record::decode)
                }
            }
        }
    });
    let builders = r.ops.iter().map(|o| {
        let b = ident(&o.builder);
        let m = ident(&o.method);
        let st = ident(&o.static_name);
        let required: Vec<(usize, &Arg)> = o
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| a.required)
            .collect();
        let params = required.iter().map(|(_, a)| {
            let n = ident(&a.name);
            let (t, _) = param(a);
            quote!(#n: #t)
        });
        let mutable = (!required.is_empty()).then(|| quote!(mut));
        let sets = required.iter().map(|(i, a)| {
            let n = ident(&a.name);
            let (_, conv) = param(a);
            let i = Literal::usize_unsuffixed(*i);
            quote!({ let value = #n; req.set(#i, #conv); })
        });
        let setters = o
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.required)
            .map(|(i, a)| {
                let n = ident(&a.name);
                let (t, conv) = param(a);
                let i = Literal::usize_unsuffixed(i);
                let doc = format!(" `{}`: {}{}", a.cli, a.help, range_note(&a.versions));
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
            range_note(&o.versions),
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
