//! IR → Rust tokens. The emitted code is data (static definitions the runtime interprets),
//! typed resource structs, one-line manager methods and the clap subcommands with their
//! dispatch; all behaviour lives in the hand-written runtime of `generated-client`.

use crate::ir::*;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote};

fn ident(s: &str) -> Ident {
    Ident::new(s, Span::call_site())
}

/// The identifier of a unit enum variant, spelled as its `Debug` output.
fn dbg_ident(v: &impl std::fmt::Debug) -> Ident {
    ident(&format!("{v:?}"))
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
        .filter(|r| !r.ops.is_empty())
        .map(manager);
    let ops: Vec<&Operation> = api.resources.iter().flat_map(|r| &r.ops).collect();
    let owners: Vec<&Resource> = api
        .resources
        .iter()
        .flat_map(|r| r.ops.iter().map(move |_| r))
        .collect();
    let variants = ops.iter().map(|o| cli_variant(o));
    let arg_structs = ops.iter().map(|o| cli_args(o));
    let arms = ops.iter().zip(&owners).map(|(o, r)| dispatch_arm(r, o));
    let all_ops = ops.iter().map(|o| ident(&o.static_name));
    quote! {
        /// Static definitions of every resource and operation, read by the runtime.
        pub mod spec {

            use crate::runtime::defs::*;
            /// Oldest compute microversion the spec speaks.
            pub const MIN_VERSION: Version = #min;
            /// Newest compute microversion the spec speaks.
            pub const MAX_VERSION: Version = #max;
            #(#defs)*
            /// Every operation of the spec, in spec order.
            pub static OPERATIONS: &[&OpDef] = &[#(&#all_ops),*];
        }

        /// Typed resources, as the API returns them.
        pub mod types {

            use crate::runtime::types::*;
            #(#types)*
        }

        /// One manager per resource, one method per operation.
        pub mod managers {

            use super::{spec, types};
            use crate::runtime::{ArgValue, Client, Error, FromReply, Record};
            #(#managers)*
        }

        /// The `nova` subcommands and their dispatch.
        pub mod cli {

            use super::spec;
            use crate::runtime::shell::{self, Invocation, Printer};
            use crate::runtime::{Client, Error};

            #[derive(Debug, clap::Subcommand)]
            pub enum Command {
                #(#variants)*
            }

            #(#arg_structs)*

            /// Run one subcommand and print its result.
            pub fn dispatch(client: &Client, out: &Printer, command: &Command) -> Result<(), Error> {
                match command {
                    #(#arms)*
                }
            }
        }
    }
}

fn resource_defs(r: &Resource) -> TokenStream {
    let name = &r.name;
    let st = ident(&r.static_name);
    let service = match r.service {
        Service::Compute => quote!(Service::Compute),
        Service::Image => quote!(Service::Image),
    };
    let lookup = match &r.lookup {
        Some(l) => {
            let (get, list, list_key, alnum) = (&l.get, &l.list, &l.list_key, l.alphanum_id);
            let (get_key, name_query) = (opt_str(&l.get_key), opt_str(&l.name_query));
            quote!(Some(LookupDef {
                get: #get, get_key: #get_key, list: #list, list_key: #list_key,
                name_query: #name_query, alphanum_id: #alnum,
            }))
        }
        None => quote!(None),
    };
    let columns = r.columns.iter().map(|c| {
        let (title, field, versions) = (&c.title, &c.field, range(&c.versions));
        let format = match c.format {
            Some(ColumnFormat::Networks) => quote!(Some(ColumnFormat::Networks)),
            Some(ColumnFormat::PowerState) => quote!(Some(ColumnFormat::PowerState)),
            None => quote!(None),
        };
        quote!(ColumnDef { title: #title, field: #field, format: #format, versions: #versions })
    });
    let sort_by = opt_str(&r.sort_by);
    let show = r.show.iter().map(|s| {
        let field = &s.field;
        let action = dbg_ident(&s.action);
        let (res, empty, versions) = (opt_static(&s.resource), opt_str(&s.empty), range(&s.versions));
        quote!(ShowDef { field: #field, action: ShowAction::#action, resource: #res, empty: #empty, versions: #versions })
    });
    let ops = r.ops.iter().map(|o| op_def(r, o));
    quote! {
        pub static #st: ResourceDef = ResourceDef {
            name: #name,
            service: #service,
            lookup: #lookup,
            columns: &[#(#columns),*],
            sort_by: #sort_by,
            show: &[#(#show),*],
        };
        #(#ops)*
    }
}

fn arg_def(a: &Arg) -> TokenStream {
    let name = &a.name;
    let cli = if a.positional {
        format!("<{}>", a.name.replace('_', "-"))
    } else {
        format!("--{}", a.name.replace('_', "-"))
    };
    let ty = dbg_ident(&a.ty);
    let required_since = opt_version(&a.required_since);
    let default = opt_str(&a.default);
    let default_since = opt_version(&a.default_since);
    let resource = opt_static(&a.resource);
    let query = opt_str(&a.query);
    let versions = range(&a.versions);
    quote!(ArgDef {
        name: #name, cli: #cli, ty: ArgType::#ty, required_since: #required_since,
        default: #default, default_since: #default_since, resource: #resource,
        query: #query, versions: #versions,
    })
}

fn op_def(r: &Resource, o: &Operation) -> TokenStream {
    let st = ident(&o.static_name);
    let owner = ident(&r.static_name);
    let (command, method, path) = (&o.command, &o.http_method, &o.path);
    let args = o.args.iter().map(arg_def);
    let body = opt_str(&o.body);
    let (response_key, item_key, id_header) = (
        opt_str(&o.response_key),
        opt_str(&o.item_key),
        opt_str(&o.id_header),
    );
    let returns = dbg_ident(&o.returns);
    let out = &o.output;
    let kind = dbg_ident(&out.kind);
    let (field, message, error, when) = (
        opt_str(&out.field),
        opt_str(&out.message),
        opt_str(&out.error),
        opt_str(&out.when),
    );
    let out_resource = opt_static(&out.resource);
    let refetch = out.refetch;
    let out_min = opt_version(&out.min_version);
    let poll = match &o.poll {
        Some(p) => {
            let (action, until, res) = (&p.action, &p.until, ident(&p.resource));
            quote!(Some(PollDef { action: #action, until: &[#(#until),*], resource: &#res }))
        }
        None => quote!(None),
    };
    let versions = range(&o.versions);
    quote! {
        pub static #st: OpDef = OpDef {
            command: #command,
            resource: &#owner,
            method: #method,
            path: #path,
            args: &[#(#args),*],
            body: #body,
            response_key: #response_key,
            item_key: #item_key,
            returns: Returns::#returns,
            id_header: #id_header,
            output: OutputDef {
                kind: OutputKind::#kind, field: #field, message: #message, error: #error,
                resource: #out_resource, when: #when, refetch: #refetch, min_version: #out_min,
            },
            poll: #poll,
            versions: #versions,
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
            FieldType::StringOrInteger => quote!(StringOrInteger),
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

/// The Rust type a manager method takes for an argument.
fn param_type(a: &Arg) -> TokenStream {
    if a.ty == ArgType::KeyValue {
        return quote!(&[(String, String)]);
    }
    if a.takes_list() {
        return quote!(&[String]);
    }
    let base = match a.ty {
        ArgType::Integer => quote!(i64),
        ArgType::Boolean | ArgType::Flag => quote!(bool),
        _ => quote!(&str),
    };
    if a.required || a.ty == ArgType::Flag {
        base
    } else {
        quote!(Option<#base>)
    }
}

fn manager(r: &Resource) -> TokenStream {
    let mgr = ident(&r.manager_type);
    let accessor = ident(&r.manager);
    let ty = ident(&r.type_name);
    let doc = format!(" Operations on {}s.", r.name);
    let methods = r.ops.iter().map(|o| {
        let m = ident(&o.method);
        let st = ident(&o.static_name);
        let params = o.args.iter().map(|a| {
            let n = ident(&a.name);
            let t = param_type(a);
            quote!(#n: #t)
        });
        let values = o.args.iter().map(|a| {
            let n = ident(&a.name);
            quote!(ArgValue::from(#n))
        });
        let ret = match o.returns {
            Returns::List => quote!(Vec<Record<types::#ty>>),
            Returns::One => quote!(Record<types::#ty>),
            Returns::Raw => quote!(serde_json::Value),
            Returns::Nothing => quote!(()),
        };
        let doc = format!(
            " {}{}\n\n `{} {}`",
            o.help,
            range_note(&o.versions),
            o.http_method,
            o.path
        );
        // Each spec argument is a parameter; a long list is the API's shape, not a smell.
        let allow = (o.args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            #[doc = #doc]
            #allow
            pub fn #m(&self, #(#params),*) -> Result<#ret, Error> {
                self.client.call(&spec::#st, &[#(#values),*]).and_then(FromReply::from_reply)
            }
        }
    });
    quote! {
        #[doc = #doc]
        pub struct #mgr<'a> {
            client: &'a Client,
        }

        impl Client {
            #[doc = #doc]
            pub fn #accessor(&self) -> #mgr<'_> {
                #mgr { client: self }
            }
        }

        impl #mgr<'_> {
            #(#methods)*
        }
    }
}

fn cli_variant(o: &Operation) -> TokenStream {
    let v = ident(&o.variant);
    let args = format_ident!("{}Args", o.variant);
    let cmd = &o.command;
    let about = format!("{}{}", o.help, range_note(&o.versions));
    quote! {
        #[command(name = #cmd, about = #about)]
        #v(#args),
    }
}

fn cli_field(a: &Arg) -> TokenStream {
    let n = ident(&a.name);
    let help = format!("{}{}", a.help, range_note(&a.versions));
    // clap adds the angle brackets itself.
    let value_name = a
        .metavar
        .as_deref()
        .map(|m| m.trim_start_matches('<').trim_end_matches('>').to_string())
        .unwrap_or_else(|| a.name.replace('_', "-"));
    let long = a.name.replace('_', "-");
    let scalar = match a.ty {
        ArgType::Integer => quote!(i64),
        ArgType::Boolean => quote!(bool),
        _ => quote!(String),
    };
    if a.positional {
        if a.many {
            return quote! {
                #[arg(value_name = #value_name, help = #help, required = true, num_args = 1..)]
                pub #n: Vec<String>,
            };
        }
        return quote! {
            #[arg(value_name = #value_name, help = #help)]
            pub #n: #scalar,
        };
    }
    match a.ty {
        ArgType::Flag => quote! {
            #[arg(long = #long, help = #help)]
            pub #n: bool,
        },
        _ if a.takes_list() => quote! {
            #[arg(long = #long, value_name = #value_name, help = #help)]
            pub #n: Vec<String>,
        },
        ArgType::Boolean => quote! {
            #[arg(long = #long, value_name = #value_name, help = #help, action = clap::ArgAction::Set)]
            pub #n: Option<bool>,
        },
        _ if a.required => quote! {
            #[arg(long = #long, value_name = #value_name, help = #help)]
            pub #n: #scalar,
        },
        _ => quote! {
            #[arg(long = #long, value_name = #value_name, help = #help)]
            pub #n: Option<#scalar>,
        },
    }
}

fn cli_args(o: &Operation) -> TokenStream {
    let name = format_ident!("{}Args", o.variant);
    let fields = o.args.iter().chain(&o.flags).map(cli_field);
    let poll = o.poll.as_ref().map(|_| {
        quote! {
            #[arg(long = "poll", help = "Report progress until the operation completes.")]
            pub poll: bool,
        }
    });
    let doc = format!(" Arguments of `nova {}`.", o.command);
    quote! {
        #[doc = #doc]
        #[derive(Debug, clap::Args)]
        pub struct #name {
            #(#fields)*
            #poll
        }
    }
}

fn dispatch_arm(r: &Resource, o: &Operation) -> TokenStream {
    let v = ident(&o.variant);
    let st = ident(&o.static_name);
    let accessor = ident(&r.manager);
    let m = ident(&o.method);
    let each = o.args.iter().find(|a| a.positional && a.many);
    // Conversions from what clap parsed to what the manager takes.
    let prep = o.args.iter().filter_map(|a| {
        let n = ident(&a.name);
        match a.ty {
            ArgType::File if a.required => Some(quote!(let #n = shell::read_file(&a.#n)?;)),
            ArgType::File => {
                Some(quote!(let #n = a.#n.as_deref().map(shell::read_file).transpose()?;))
            }
            ArgType::KeyValue => Some(quote!(let #n = shell::key_values(&a.#n)?;)),
            _ => None,
        }
    });
    let call_args = o.args.iter().map(|a| {
        let n = ident(&a.name);
        if each.is_some_and(|e| e.name == a.name) {
            quote!(item)
        } else if a.ty == ArgType::File {
            if a.required {
                quote!(&#n)
            } else {
                quote!(#n.as_deref())
            }
        } else if a.ty == ArgType::KeyValue {
            quote!(&#n)
        } else if a.takes_list() {
            quote!(&a.#n)
        } else if matches!(a.ty, ArgType::Integer | ArgType::Boolean | ArgType::Flag) {
            quote!(a.#n)
        } else if a.required {
            quote!(&a.#n)
        } else {
            quote!(a.#n.as_deref())
        }
    });
    let texts = o
        .args
        .iter()
        .filter(|a| a.positional && !a.many && a.ty == ArgType::String)
        .map(|a| {
            let (s, n) = (&a.name, ident(&a.name));
            quote!((#s, a.#n.to_string()))
        });
    let flags = o.flags.iter().map(|f| {
        let (s, n) = (&f.name, ident(&f.name));
        quote!((#s, a.#n))
    });
    let poll = if o.poll.is_some() {
        quote!(a.poll)
    } else {
        quote!(false)
    };
    let call = quote!(client.#accessor().#m(#(#call_args),*));
    let inv = quote!(Invocation { op: &spec::#st, poll: #poll, flags: &[#(#flags),*], texts: vec![#(#texts),*] });
    match each {
        Some(e) => {
            let n = ident(&e.name);
            let name = &e.name;
            quote! {
                Command::#v(a) => {
                    #(#prep)*
                    shell::each(client, out, #inv, #name, &a.#n, |item| #call.map(Into::into))
                }
            }
        }
        None if o.returns == Returns::Nothing => quote! {
            Command::#v(a) => {
                #(#prep)*
                #call?;
                shell::finish(client, out, #inv, crate::runtime::Reply::Empty)
            }
        },
        None => quote! {
            Command::#v(a) => {
                #(#prep)*
                let reply = #call?;
                shell::finish(client, out, #inv, reply.into())
            }
        },
    }
}
