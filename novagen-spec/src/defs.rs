//! The definitions the generator builds and the runtime interprets (`docs/edition-2.md`,
//! section 1): one set of types, written once. See `spec/README.md` for the meaning of each
//! field; nothing here knows any operation.
//!
//! Every field is `&'static str`, `&'static [T]`, `Option<&'static T>` or a value of this
//! crate, so the generated code holds the definitions as `static` data (baked, feature
//! `bake`) and the runtime reads those very structs. The generator (a short-lived build
//! script) builds the same values by leaking what it reads.
//!
//! Templates, expressions and conditions are trees ([`Template`], [`Expr`]) the generator
//! parsed and checked; display formats are [`Format`]s, the named ones data of `api.yaml`.
//!
//! A reference to a resource (`&'static ResourceDef`: an operation's owner, an `expand`, a
//! poll's resource) bakes as the path of that resource's `static`
//! (`&crate::spec::SERVER`), never as a copy of it; the generator may therefore hold such a
//! reference as a stand-in carrying only the name ([`ResourceDef::reference`]), which keeps
//! references between resources free of cycles. The resource's own `static` is baked by
//! [`ResourceDef::bake_static`].

use crate::{Expr, Format, Lit, Template};

/// A display format `api.yaml` defines (`format: power_state`).
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct NamedFormat {
    pub name: &'static str,
    pub def: NamedDef,
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum NamedDef {
    /// The value's text → what is shown; a value not listed: `otherwise` (else the value).
    Table {
        entries: &'static [(&'static str, &'static str)],
        otherwise: Option<&'static str>,
    },
    /// An expression over the value, `it`.
    Expr(Expr),
}

/// A compute microversion `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct Version(pub u16, pub u16);

impl Version {
    /// Parse `2.47` (also `v2.1` as in version documents).
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches('v');
        let (a, b) = s.split_once('.')?;
        Some(Version(a.parse().ok()?, b.parse().ok()?))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// A microversion range; `None` ends are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub min: Option<Version>,
    pub max: Option<Version>,
}

impl Range {
    pub const ALL: Range = Range {
        min: None,
        max: None,
    };

    pub fn contains(&self, v: Version) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }

    /// `2.2 - 2.latest`; an open low end is `floor` (`api.yaml`'s oldest version).
    pub fn describe(&self, floor: Version) -> String {
        let lo = self.min.unwrap_or(floor);
        match self.max {
            Some(hi) => format!("{lo} - {hi}"),
            None => format!("{lo} - 2.latest"),
        }
    }

    /// novaclient's help note: ` (Supported by API versions '2.2' - '2.latest')`, or nothing;
    /// an open low end is `floor` (`api.yaml`'s oldest version).
    pub fn note(&self, floor: Version) -> String {
        if self.min.is_none() && self.max.is_none() {
            return String::new();
        }
        let lo = self.min.unwrap_or(floor);
        let hi = self
            .max
            .map(|v| v.to_string())
            .unwrap_or_else(|| "2.latest".into());
        format!(" (Supported by API versions '{lo}' - '{hi}')")
    }
}

/// `api.yaml`'s `api:` settings: what the runtime would otherwise know of nova as constants
/// (`docs/edition-2.md`, section 8). The generated code holds one, `spec::API`.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct ApiDef {
    /// `versions:`'s low end: the oldest microversion the client speaks (the floor of `auto`,
    /// and the session's version before it is negotiated).
    pub min: Version,
    /// `versions:`'s high end: the newest microversion the spec may name, and the newest
    /// `--os-compute-api-version` may ask for.
    pub max: Version,
    /// `negotiate:`: the ceiling of `auto` (default: `max`). An operation whose own range lies
    /// wholly above it raises it, for that run, to the operation's lowest version when the
    /// server has that version.
    pub negotiate: Version,
    pub page: PageRules,
    /// `key_column:`: the column `--fields` always keeps (`ID`).
    pub key_column: &'static str,
    /// `secrets:`: the keys of a request or reply whose values `--debug` never shows
    /// (`adminPass`), besides Keystone's own (`password`, `secret`, `token`).
    pub secrets: &'static [&'static str],
    pub poll: PollRules,
}

/// `api.page`: how a list is read page by page.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct PageRules {
    /// `size_query:`: the query parameter of a page's size, which the server reads as the
    /// length of the whole list (nova's `limit`); a negative value asks for all, and is not
    /// sent.
    pub size_query: &'static str,
    /// `cap:`: pages followed at most for one list; a list that would go on is an error.
    pub cap: u32,
}

/// `api.poll`: what `--poll` reads of the polled resource, whatever the operation.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct PollRules {
    /// `status:`: the resource's state, an expression over it (`reply`), compared lower-cased
    /// with an operation's `poll.until`.
    pub status: Expr,
    /// `progress:`: the percentage, an expression over the resource (`reply`); the default of
    /// an operation's `poll.progress`. Not a number: 0.
    pub progress: Expr,
    /// `fault:`: why the resource failed, an expression over it (`reply`); absent: "no fault
    /// recorded".
    pub fault: Expr,
    /// `failed:`: a status (lower case) that ends the poll as a failure → the word reported
    /// (`error: Error`, `deleted: Deleted`).
    pub failed: &'static [(&'static str, &'static str)],
    /// `line:`: the progress line's words before `... 40% complete` (and a bar's), a template
    /// over the poll's `action` (`Server {action}`).
    pub line: Template,
    /// `failure:`: the line a failed poll ends with, a template over `word` (the failed
    /// status's) and `action` (`{word} {action} server`).
    pub failure: Template,
}

impl PollRules {
    /// The root of `line` and `failure` that is the poll's action (`building`).
    pub const ACTION: &'static str = "action";
    /// The root of `failure` that is the failed status's word (`Error`).
    pub const WORD: &'static str = "word";
}

/// A catalog service an operation's requests go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
#[cfg_attr(
    feature = "parse",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Service {
    #[default]
    Compute,
    Image,
    Network,
    Volume,
}

impl Service {
    /// The service type in the Keystone catalog.
    pub fn catalog_type(self) -> &'static str {
        match self {
            Service::Compute => "compute",
            Service::Image => "image",
            Service::Network => "network",
            Service::Volume => "block-storage",
        }
    }
}

/// A resource: its lookup, default table and show rules, and its typed struct's fields.
#[derive(Debug)]
pub struct ResourceDef {
    pub name: &'static str,
    pub service: Service,
    pub lookup: Option<LookupDef>,
    /// The default table of this resource (list operations print it unless they say otherwise).
    pub columns: &'static [ColumnDef],
    pub sort_by: Option<&'static str>,
    /// The default reshaping of one resource before a `Property | Value` table.
    pub show: &'static [ShowDef],
    /// Decodes one resource into its typed struct: an error when the reply has another shape.
    /// Baked as `crate::runtime::check::<crate::types::T>` (see [`ResourceDef::bake_static`]).
    pub check: fn(&serde_json::Value) -> Result<(), Mismatch>,
    /// The typed struct's fields, sorted by their JSON names: what [`ResourceDef::conform`]
    /// reads to pass a well-shaped value without decoding it.
    pub fields: &'static [FieldDef],
}

/// One field of a resource's type: its JSON name, the JSON it holds, whether it may be
/// missing or null.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct FieldDef {
    pub json: &'static str,
    pub shape: Shape,
    pub optional: bool,
}

/// The JSON a field's Rust type decodes from (the spec's field types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
#[cfg_attr(
    feature = "parse",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Shape {
    String,
    /// An `i64`.
    Integer,
    /// An `f64`: any JSON number.
    Number,
    Boolean,
    Object,
    Array,
    Any,
    #[cfg_attr(feature = "parse", serde(rename = "string|integer"))]
    StringOrInteger,
}

impl Shape {
    /// Whether a (non-null) JSON value decodes as this shape's Rust type.
    fn holds(self, v: &serde_json::Value) -> bool {
        use serde_json::Value as V;
        let integer = |v: &V| v.as_i64().is_some();
        match self {
            Shape::String => v.is_string(),
            Shape::Integer => integer(v),
            Shape::Number => v.is_number(),
            Shape::Boolean => v.is_boolean(),
            Shape::Object => v.is_object(),
            Shape::Array => v.is_array(),
            Shape::Any => true,
            Shape::StringOrInteger => v.is_string() || integer(v),
        }
    }
}

impl FieldDef {
    /// Whether a value present for this field decodes as its type: of its shape, or null
    /// where the field is optional.
    pub fn admits(&self, v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Null => self.optional,
            other => self.shape.holds(other),
        }
    }
}

/// A value that does not decode as a resource's typed struct: the type, lower-case
/// (`server`), and the decoder's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub what: String,
    pub detail: String,
}

impl ResourceDef {
    /// The name of the `static` holding this resource's definition in the generated code
    /// (`SERVER`); a reference to the resource bakes as its path.
    pub fn static_name(&self) -> String {
        self.name.to_uppercase()
    }

    /// The generator's stand-in for a reference to the resource `name`: it bakes as the path
    /// of that resource's `static`, which is all a reference is baked as; its other fields
    /// are empty. (Resources may refer to each other in a cycle: `show` expands.)
    #[cfg(feature = "parse")]
    pub fn reference(name: &'static str) -> &'static ResourceDef {
        Box::leak(Box::new(ResourceDef {
            name,
            service: Service::Compute,
            lookup: None,
            columns: &[],
            sort_by: None,
            show: &[],
            check: |_| Ok(()),
            fields: &[],
        }))
    }

    /// The fields a resource must have (its type's non-optional fields).
    pub fn required(&self) -> impl Iterator<Item = &'static str> {
        self.fields.iter().filter(|f| !f.optional).map(|f| f.json)
    }

    /// Whether `v` certainly decodes as the resource's type, read in place: an object whose
    /// fields of the type hold their shapes (null only where optional) and that has every
    /// required one. A `false` is not an error: [`ResourceDef::conform`] then decodes.
    pub fn conforms(&self, v: &serde_json::Value) -> bool {
        let Some(m) = v.as_object() else {
            return false;
        };
        let mut required = 0;
        for (k, x) in m {
            let Ok(i) = self.fields.binary_search_by(|f| f.json.cmp(k)) else {
                continue;
            };
            let f = &self.fields[i];
            if !f.optional {
                required += 1;
            }
            if !f.admits(x) {
                return false;
            }
        }
        required == self.required().count()
    }

    /// An error when `v` does not decode as the resource's type: passed in place when it
    /// [`conforms`](ResourceDef::conforms), else decoded (`check`) for the decoder's own error.
    pub fn conform(&self, v: &serde_json::Value) -> Result<(), Mismatch> {
        match self.conforms(v) {
            true => Ok(()),
            false => (self.check)(v),
        }
    }
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct LookupDef {
    pub get: &'static str,
    pub get_key: Option<&'static str>,
    pub list: &'static str,
    pub list_key: &'static str,
    /// Fixed query parameters of the name search (flavors: `is_public=None`).
    pub list_query: &'static [(&'static str, &'static str)],
    pub name_query: Option<&'static str>,
    /// The field a name is matched against (`name`, or `hypervisor_hostname`).
    pub match_field: &'static str,
    pub ids: Ids,
    /// The field whose value is the ID sent (`id`; keypairs: `name`).
    pub id_field: &'static str,
    /// Each list item is wrapped under this key.
    pub items: Option<&'static str>,
    /// The message when nothing matches (a template over the text given, `it`).
    pub missing: Option<Template>,
}

/// Which texts are tried as IDs before the name search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
#[cfg_attr(
    feature = "parse",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Ids {
    /// UUID-looking texts first, integers after the name search (servers, images).
    #[default]
    Uuid,
    /// Any text (flavors "1", "m1.tiny"; keypairs by name; hypervisors).
    Any,
    /// No text: names only (networks, as novaclient's `--nic net-name=` finds them).
    None,
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct ColumnDef {
    pub title: &'static str,
    /// A path into the row: `id`, `flavor.original_name`, `^.id` (the row's parent).
    pub field: &'static str,
    /// An expression over the field's value, `it` (`it | count`).
    pub value: Option<Expr>,
    /// How the cell shows the value: `networks`, `fixed(2)`, `pyrepr`.
    pub format: Option<Format>,
    pub versions: Range,
    pub when: Cond,
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct ShowDef {
    pub field: &'static str,
    pub drop: bool,
    /// An object becomes one row per key, named by this template over the entry `it`
    /// (`{key, value}`) and the field's entry `it.^` (`{it.^.key}:{it.key}`).
    pub flatten: Option<Template>,
    /// The row's name, when not the field's.
    pub title: Option<&'static str>,
    /// The value (an ID, or an object's `id`) shown as `name (id)` of this resource, fetched.
    pub expand: Option<&'static ResourceDef>,
    /// An expression over the value (of each flattened row), `it`.
    pub value: Option<Expr>,
    /// How the value is shown.
    pub format: Option<Format>,
    pub versions: Range,
    /// The rule applies only when this holds (over the printing operation's arguments: show's
    /// `minimal`); the rules of a field apply in order, each to what the one before left.
    pub when: Cond,
}

/// A condition (`when:`), parsed by the generator: it holds when the expression is true
/// (`runtime::scope::holds`); none always holds.
pub type Cond = Option<Expr>;

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct OpDef {
    /// The `nova` subcommand.
    pub command: &'static str,
    /// The manager method.
    pub method: &'static str,
    pub resource: &'static ResourceDef,
    pub help: &'static str,
    pub args: &'static [ArgDef],
    pub returns: Returns,
    pub versions: Range,
    /// Checks before any request: refused when one holds.
    pub refuse: &'static [RefuseDef],
    /// The operation runs once per value of one argument, each reported (`each:`).
    pub each: Option<EachDef>,
    /// The ways the operation is carried out; the first that applies is used.
    pub variants: &'static [VariantDef],
    /// A local program's argument vector, one template per word (an absent word left out, a
    /// list's items each a word): the result, which `nova` runs instead of printing.
    pub exec: &'static [Template],
}

/// `refuse:`: a check that fails the command with `error` when `when` holds: on an
/// operation before any request, on a step after its request (over its result, `reply`).
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct RefuseDef {
    pub when: Expr,
    /// The error line, a template.
    pub error: Template,
    /// `kind:`: none for novaclient's CommandError; an HTTP status for its exception of that
    /// status (`NotFound`: 404, printed `<error> (HTTP 404)`), as [`ERROR_KINDS`] names them.
    pub status: Option<u16>,
    /// Without a status, the exception class shown: `CommandError` or one of
    /// [`REFUSAL_KINDS`] (`ResourceNotFound`: ssh's).
    pub kind: &'static str,
}

/// novaclient's exceptions of a client-side check that carry no HTTP status.
pub const REFUSAL_KINDS: &[&str] = &["CommandError", "ResourceNotFound"];

/// novaclient's exception class of each HTTP error status it has one for; any other status is
/// a `ClientException`.
pub const ERROR_KINDS: &[(u16, &str)] = &[
    (400, "BadRequest"),
    (401, "Unauthorized"),
    (403, "Forbidden"),
    (404, "NotFound"),
    (405, "MethodNotAllowed"),
    (406, "NotAcceptable"),
    (409, "Conflict"),
    (413, "OverLimit"),
    (429, "RateLimit"),
    (501, "HTTPNotImplemented"),
];

/// `each:`: the loop over the values of a many-valued positional (novaclient's
/// `do_action_on_many`).
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct EachDef {
    /// The argument (index) whose values the operation runs once each for.
    pub over: usize,
    /// When the values are looked up.
    pub resolve: Resolve,
    /// The error that ends the command when it failed (a template over the arguments).
    pub error: Option<Template>,
    /// The line printed for a value whose run failed (a template over the arguments, this
    /// value its own, `typed` and `it`, the error's text); default: the error alone.
    pub failed: Option<Template>,
    /// Which failures fail the command.
    pub fail: Fail,
}

/// When the values of `each` are looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
#[cfg_attr(
    feature = "parse",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Resolve {
    /// Each in its own run, just before it (delete).
    #[default]
    Each,
    /// All before the first run: a name that matches nothing stops the command (reboot).
    First,
}

/// Which failures of the runs of `each` fail the command (each is printed in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
#[cfg_attr(
    feature = "parse",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Fail {
    /// Any failed run (delete, reboot).
    #[default]
    Any,
    /// Only when every run failed (server-group-delete).
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
#[cfg_attr(
    feature = "parse",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Returns {
    /// A list of typed resources.
    List,
    /// One typed resource.
    One,
    /// A JSON value as the API sent it.
    Value,
    Nothing,
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct VariantDef {
    pub versions: Range,
    pub when: Cond,
    pub steps: &'static [StepDef],
    pub print: &'static [PrintDef],
    pub poll: Option<PollDef>,
}

/// One HTTP request (or one per item of `for_each`).
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct StepDef {
    /// An expression giving a list: the request is sent once per item (`{it}`).
    pub for_each: Option<Expr>,
    /// Nested loops inside `for_each`, outer first: each an expression over the item of the
    /// loop around it (`it`); the request is sent once per innermost item, whose `it.^` is
    /// the item of the loop around it.
    pub for_nested: &'static [Expr],
    pub service: Service,
    pub method: &'static str,
    pub path: Template,
    /// Query parameters: key and template; a list value repeats the key, an absent one is left out.
    pub query: &'static [(&'static str, Template)],
    /// JSON body template.
    pub body: Option<Body>,
    /// The result: an expression over the reply's body `reply` and its `headers`
    /// (`reply.server`, `headers.location | basename`).
    pub result: Option<Expr>,
    /// In a list result, the key wrapping each item.
    pub items: Option<&'static str>,
    /// Follow `<key>_links` / Glance `next` pages.
    pub paged: bool,
    /// Merge this step's result (an object) over the previous one.
    pub merge: bool,
    /// Runs only instead of the step before, when that failed with one of these statuses.
    pub on_error: &'static [u16],
    /// With `for_each`: the result is `[{item, ok, reply, error}]`, one object per item; a
    /// failed item is kept (`ok: false`, `error`: its error line) instead of ending the command.
    pub collect: bool,
    /// Checks after the request, over its result (`reply`): the command fails with the first
    /// that holds (novaclient's `--strict` host commands: no hypervisor of that exact name).
    pub refuse: &'static [RefuseDef],
    /// The step runs only when these hold (and in this microversion range).
    pub when: Cond,
    pub versions: Range,
    /// An object reply paged by marker, the pages merged (`page:`; usage at 2.40+).
    pub page: Option<PageDef>,
    /// The path is below the service endpoint's unversioned root (`root: true`; version-list).
    pub root: bool,
}

/// `page: {query: {marker: "{reply.server_usages[-1].instance_id}"}, merge: {...}}`: after the
/// first reply, the request is sent again with `query` (templates over the last page's result,
/// `reply`) added to its own, until a page for which they are all absent; that last page is
/// not merged (novaclient's marker loop). Each page's result is merged into the first: an
/// object by `concat` (lists joined) and `sum` (numbers added); a list item by item, an item
/// whose `by` field equals an earlier one's merged into it, any other appended.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct PageDef {
    pub query: &'static [(&'static str, Template)],
    pub by: Option<&'static str>,
    pub concat: &'static [&'static str],
    pub sum: &'static [&'static str],
}

/// A JSON body template: objects and lists as written, each string a template, other
/// scalars as they are. A key whose value is absent is left out.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Body {
    Object(&'static [(&'static str, Body)]),
    List(&'static [Body]),
    Template(Template),
    Lit(Lit),
    /// `concat: [part, ...]`: one list of the parts' items, in order (a list part gives its
    /// items, any other value itself, an absent one nothing); no item at all: absent.
    Concat(&'static [Part]),
}

/// One part of a `concat:` body.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct Part {
    /// `{when: <condition>, item: <body>}`: the part is there only when this holds.
    pub when: Cond,
    pub body: Body,
    /// `item:`: the body's value is one item, even a list.
    pub item: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum PrintKind {
    Table,
    Properties,
    Value,
    Text,
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct PrintDef {
    pub kind: PrintKind,
    /// What is printed: an expression over the result (the result itself when absent).
    pub of: Option<Expr>,
    /// Properties: the value (an ID, or an object with an `id`) replaced by this resource,
    /// fetched by that ID.
    pub expand: Option<&'static ResourceDef>,
    /// Tables: the columns, listed; `None` uses the resource's.
    pub columns: Option<&'static [ColumnDef]>,
    /// Tables: `columns:` as an expression, the fields of columns a user names (`--fields`): a
    /// list of texts or one comma-separated text. When it gives names, the resource's key
    /// column and one column per name are shown; absent, the resource's columns.
    pub named_columns: Option<Expr>,
    pub sort_by: Option<&'static str>,
    /// Tables: rows built level by level (`rows:`), printed in place of `of`'s items.
    pub rows: &'static [RowsLevelDef],
    /// Properties: the two headings.
    pub headers: (&'static str, &'static str),
    /// Properties: the keys printed, in this order (all keys, sorted, when empty).
    pub keys: &'static [&'static str],
    /// Properties: the resource whose show rules apply.
    pub rules: Option<&'static ResourceDef>,
    /// Properties: wrap values at this width, an expression (a number or an integer
    /// argument); absent, 0 or less: no wrapping.
    pub wrap: Option<Expr>,
    /// Text and value: the template printed.
    pub text: Option<Template>,
    pub when: Cond,
    pub versions: Range,
}

/// One level of a table's `rows:`: its entries (a list's items or an object's keys, each
/// `{key, value}`) make rows, each followed by the rows of the next level built from it.
#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct RowsLevelDef {
    /// This level's entries, an expression over `it`: what the item prints (first level),
    /// then the entry of the level above.
    pub items: Expr,
    /// Rows in key order (a level with cells: by row name).
    pub sort: bool,
    /// Column field → template over the entry `it` (`{it.key}`, `{it.value.state}`): the row
    /// of an entry (on a level with cells: of an entry whose key is not listed).
    pub row: &'static [(&'static str, Template)],
    /// (key, row name, column field): the entry of that key fills that cell; such rows are one
    /// per name, the name in `name`.
    pub cells: &'static [(&'static str, &'static str, &'static str)],
    /// The field a row's name is in (the table's first column's): with cells only.
    pub name: &'static str,
    /// The columns only this level's rows of keys not listed fill (`row:` beside `cells:`, not
    /// a cells column, not the name, not filled by another level): shown only when one is built
    /// (limits' `Other`). Derived by the generator.
    pub optional: &'static [&'static str],
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct PollDef {
    pub resource: &'static ResourceDef,
    /// Template of the polled ID, derived by the generator: the one argument naming a
    /// resource of the polled kind (`{server}`), else the result's `{reply.id}` or `{reply}`.
    pub id: Template,
    pub until: &'static [&'static str],
    pub action: &'static str,
    /// The percentage printed (`Server building... 40% complete`), an expression over the
    /// polled resource `reply` (`api.poll.progress` unless the operation says); None: none
    /// printed (`progress: false`).
    pub progress: Option<Expr>,
    /// Where the wait is among the variant's print items (the poll item's place): the items
    /// `print[..at]` are printed before it, `print[at..]` after it.
    pub at: usize,
}

#[derive(Debug)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct ArgDef {
    pub name: &'static str,
    /// How the user types it: `<server>` or `--key-type`.
    pub cli: &'static str,
    pub ty: ArgType,
    pub positional: bool,
    /// A positional taking one or more values (the operation runs once per value), or a
    /// repeatable option.
    pub many: bool,
    /// Must be given (positionals unless optional; options marked required).
    pub required: bool,
    /// Must be given where this range holds (`required: "2.92-"`).
    pub required_versions: Option<Range>,
    /// A template (`ssh`, `{session.project_id}`, `{now | days(-28)}`).
    pub default: Option<Template>,
    /// Where the default applies (`default: {value, versions}`).
    pub default_versions: Range,
    pub choices: &'static [&'static str],
    /// `record` arguments: the keys a value may have, as typed and as sent (`net-id` → `uuid`),
    /// and the expression the value goes through (its root, the sent key, is the typed text).
    pub record_keys: &'static [(&'static str, &'static str, Option<Expr>)],
    /// `record` arguments: typed keys whose value is a name of this resource, looked up (its
    /// lookup) and sent as the ID (`net-name` → `network`).
    pub record_resources: &'static [(&'static str, &'static ResourceDef)],
    /// `record` arguments: sent key → template over the record so far (`it`), for keys not given.
    pub record_defaults: &'static [(&'static str, Template)],
    /// `record` arguments: their `choices:`, words that stand alone instead of `k=v` pairs
    /// (`auto`, `none`).
    pub alone: &'static [&'static str],
    /// `record` arguments: where the `choices` words may be given.
    pub alone_versions: Range,
    /// `record` arguments: exactly one of these typed keys in each value.
    pub one_of: &'static [&'static str],
    /// `record` and `datetime` arguments, and one asked several times (`prompt`): the message (a
    /// template over the value, `it`) for a malformed value (a prompt's answers not all equal).
    pub invalid: Option<Template>,
    /// The value is a name or ID of this resource.
    pub resource: Option<&'static ResourceDef>,
    /// Extra query parameters of that lookup (templates).
    pub lookup_query: &'static [(&'static str, Template)],
    /// In this range (`otherwise: as_typed`: always), a text no resource matches is used as
    /// it is; elsewhere it is the lookup's error.
    pub lookup_fallback: Option<Range>,
    /// The name search happens in this range; elsewhere the text is sent as given.
    pub lookup_versions: Range,
    pub metavar: Option<&'static str>,
    /// An option's one-letter spelling (`-i`).
    pub short: Option<char>,
    /// Left out of help, usage and the man page (argparse's `SUPPRESS`).
    pub hidden: bool,
    /// A value read from the user (`prompt:`), not from the command line: what `nova` asks,
    /// each text in turn (never empty); the answers must all be equal, else `invalid`.
    pub prompt: Option<&'static [&'static str]>,
    /// `split: {SEPARATOR: OTHER}`: a value holding the separator is the text after its first
    /// occurrence, and the text before it the value of the argument of that index (ssh's
    /// `user@server`).
    pub split: Option<(&'static str, usize)>,
    pub help: &'static str,
    pub versions: Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
#[cfg_attr(
    feature = "parse",
    derive(serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum ArgType {
    #[default]
    String,
    Integer,
    Number,
    Boolean,
    Flag,
    File,
    KeyValue,
    /// Comma-separated `key=value` pairs sent as an object (`--nic net-id=..,v4-fixed-ip=..`).
    Record,
    /// An ISO 8601 date and time as novaclient checks one (`2016-03-04T06:27:59Z`), sent as
    /// typed; anything else is the argument's `invalid` message.
    Datetime,
}

/// A reference to a resource bakes as the path of its `static`: `&ResourceDef` as
/// `&crate::spec::SERVER`, so every operation, `expand` and poll points at the one definition.
#[cfg(feature = "bake")]
impl databake::Bake for ResourceDef {
    fn bake(&self, _: &databake::CrateEnv) -> databake::TokenStream {
        let name = proc_macro2::Ident::new(&self.static_name(), proc_macro2::Span::call_site());
        databake::quote!(crate::spec::#name)
    }
}

/// A reference borrows nothing of its own: the resource is its `static`.
#[cfg(feature = "bake")]
impl databake::BakeSize for ResourceDef {
    fn borrows_size(&self) -> usize {
        0
    }
}

#[cfg(feature = "bake")]
impl ResourceDef {
    /// The initializer of the resource's own `static`: its fields, `check` being the
    /// generated crate's decoder of its typed struct `type_name` (`Server`).
    pub fn bake_static(&self, type_name: &str) -> databake::TokenStream {
        use databake::{quote, Bake};
        let env = databake::CrateEnv::default();
        let ty = proc_macro2::Ident::new(type_name, proc_macro2::Span::call_site());
        let (name, service, lookup) = (self.name, self.service.bake(&env), self.lookup.bake(&env));
        let (columns, sort_by) = (self.columns.bake(&env), self.sort_by.bake(&env));
        let (show, fields) = (self.show.bake(&env), self.fields.bake(&env));
        quote!(novagen_spec::ResourceDef {
            name: #name,
            service: #service,
            lookup: #lookup,
            columns: #columns,
            sort_by: #sort_by,
            show: #show,
            check: crate::runtime::check::<crate::types::#ty>,
            fields: #fields,
        })
    }
}

/// A range bakes as `Range::ALL` when it is open at both ends (most are).
#[cfg(feature = "bake")]
impl databake::Bake for Range {
    fn bake(&self, env: &databake::CrateEnv) -> databake::TokenStream {
        if *self == Range::ALL {
            return databake::quote!(novagen_spec::Range::ALL);
        }
        let (min, max) = (self.min.bake(env), self.max.bake(env));
        databake::quote!(novagen_spec::Range { min: #min, max: #max })
    }
}

#[cfg(feature = "bake")]
impl databake::BakeSize for Range {
    fn borrows_size(&self) -> usize {
        0
    }
}
