//! The spec as written: one YAML file per resource, plus `api.yaml` for client-wide settings.
//! Field meanings are documented with examples in `spec/README.md`. Every struct refuses unknown
//! fields, so a typo fails the build with its line instead of being ignored.

//!
//! This is the YAML syntax only: shorthands and strings as written. `validate/` checks it
//! and builds `novagen_spec`'s definitions, the one set of types the generated code holds and
//! the runtime reads; the closed sets (`type: string`, `service: image`, ...) are those
//! types' own enums, read by their `Deserialize` (novagen-spec's feature `parse`).

pub use novagen_spec::{ArgType, Fail, Ids, Resolve, Returns, Service, Shape};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `spec/api.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    pub api: ApiSettings,
    /// Site display formats (`format: power_state`): a table, or an expression over `it`.
    #[serde(default)]
    pub formats: BTreeMap<String, FormatSpec>,
}

/// A named display format: an expression over the value (`it`), or a table of value → text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FormatSpec {
    Expr(String),
    Table(FormatTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatTable {
    /// The value's text → what is shown.
    pub table: Pairs,
    /// What a value not in the table is shown as (default: the value itself).
    #[serde(default)]
    pub otherwise: Option<String>,
}

/// `api:`: the client-wide settings (spec/README.md, "api.yaml").
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSettings {
    /// The microversions the spec may name, both ends given: `"2.1-2.96"`.
    pub versions: String,
    /// The ceiling of `auto` (default: the high end of `versions`).
    #[serde(default)]
    pub negotiate: Option<String>,
    pub page: ApiPage,
    /// The column `--fields` always keeps.
    pub key_column: String,
    /// The keys whose values `--debug` never shows.
    pub secrets: Vec<String>,
    pub poll: ApiPoll,
}

/// `api.page`: `{size_query: limit, cap: 10000}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiPage {
    pub size_query: String,
    pub cap: u32,
}

/// `api.poll`: expressions over the polled resource (`reply`), and the failed states.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiPoll {
    pub status: String,
    pub progress: String,
    pub fault: String,
    /// A status (lower case) → the word reported: `{error: Error, deleted: Deleted}`.
    pub failed: Pairs,
    /// The progress line's words before `... 40% complete`, a template over `action`:
    /// `"Server {action}"`.
    pub line: String,
    /// The line a failed poll ends with, a template over `word` (`failed`'s) and `action`:
    /// `"{word} {action} server"`.
    pub failure: String,
}

/// Key/value pairs in the order written (query parameters, row templates).
pub type Pairs = serde_yaml::Mapping;

/// One resource file, e.g. `spec/servers.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceFile {
    /// Singular name: `server`. Used in messages and, capitalised, as the Rust type name.
    pub resource: String,
    /// Manager name: `servers` gives `client.servers()`.
    pub manager: String,
    /// Catalog service type the routes belong to.
    #[serde(default)]
    pub service: Service,
    #[serde(default)]
    pub lookup: Option<Lookup>,
    pub fields: Vec<FieldSpec>,
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
    #[serde(default)]
    pub sort_by: Option<String>,
    #[serde(default)]
    pub show: Vec<FieldView>,
    #[serde(default)]
    pub operations: Vec<OperationSpec>,
    /// Named print blocks any operation of any file (an extension's too) prints as `print:
    /// [{view: NAME}]`.
    #[serde(default)]
    pub views: BTreeMap<String, Vec<PrintSpec>>,
}

/// A file adding operations to a resource another file declares (a site's own extensions):
/// a resource file of `resource:` and `operations:` alone (no `manager:`, no `fields:`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionFile {
    /// The resource whose manager gains these operations.
    pub resource: String,
    pub operations: Vec<OperationSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// Fetch one by ID: `{http: GET /servers/{id}, result: reply.server}`.
    pub get: LookupGet,
    /// The list with all fields, for the name search: `{http: GET /servers/detail, result:
    /// reply.servers}` (`reply.keypairs[].keypair`: each item wrapped).
    pub list: LookupRequest,
    #[serde(default)]
    pub name_query: Option<String>,
    /// The field a name is compared with (default `name`).
    #[serde(default, rename = "match")]
    pub match_field: Option<String>,
    #[serde(default)]
    pub ids: Ids,
    /// The field whose value is sent as the ID (default `id`; keypairs: `name`).
    #[serde(default)]
    pub id: Option<String>,
    /// The message when nothing matches: a template over `it`, the text given.
    #[serde(default)]
    pub otherwise: Option<String>,
}

/// A lookup's read of one by ID: its path (with `{id}`) and where the resource is in the reply.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupGet {
    pub http: String,
    #[serde(default)]
    pub result: Option<String>,
}

/// A lookup's list: the request object's keys that a read uses.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    pub http: String,
    #[serde(default)]
    pub query: Option<Pairs>,
    #[serde(default)]
    pub result: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Shape,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub nullable: bool,
    #[serde(default)]
    pub rust_name: Option<String>,
}

/// A column: `Disabled Reason` (novaclient's rule: the field is the title in lower case with
/// `_` for spaces), or a mapping.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ColumnSpec {
    Title(String),
    Full(FieldView),
}

/// How one field of an object is shown: a column of a table (`columns:`, a resource's and a
/// print table's) or a row of a Property | Value table (a resource's `show:` rules). One struct
/// for both (spec/README.md, "columns and show rules"); validate/ checks which keys each takes:
/// a column needs `title` and takes no `drop`, `flatten` or `expand`; a show rule needs `field`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldView {
    /// A column's title; a show rule's row name when not the field's (interface-attach's
    /// `ip_address` for `fixed_ips`).
    #[serde(default)]
    pub title: Option<String>,
    /// A path into the object (a column's default: from its title).
    #[serde(default)]
    pub field: Option<String>,
    /// An expression over the field's value, `it` (value filters: `it | count`).
    #[serde(default)]
    pub value: Option<String>,
    /// A display format: `pyrepr`, `fixed(2)`, a name of `api.yaml`'s `formats`.
    #[serde(default)]
    pub format: Option<String>,
    /// The microversions where it applies: `"2.26-"`, `"-2.52"`, `"2.32-2.36"`.
    #[serde(default)]
    pub versions: Option<String>,
    /// Applies only when this holds (over the arguments of the operation printing: `minimal`).
    #[serde(default)]
    pub when: Option<When>,
    /// Show rules only: the field is left out.
    #[serde(default)]
    pub drop: Option<bool>,
    /// Show rules only: an object becomes one row per key, named by this template.
    #[serde(default)]
    pub flatten: Option<String>,
    /// Show rules only: the value (an ID, or an object's `id`) shown as `name (id)` of this
    /// resource, fetched.
    #[serde(default)]
    pub expand: Option<String>,
}

/// A condition: one expression (`reason != absent`, `not sort`, `action == 'set'`), or a list
/// of them that must all hold.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum When {
    One(String),
    All(Vec<String>),
}

impl When {
    pub fn items(&self) -> Vec<String> {
        match self {
            When::One(s) => vec![s.clone()],
            When::All(v) => v.clone(),
        }
    }
}

/// The request object's keys, written once: an operation, a variant, a step and a stand-in
/// (`on_error:`) each take them after their own (spec/README.md, "requests").
macro_rules! request_object {
    ($(#[$meta:meta])* pub struct $name:ident { $($own:tt)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($own)*
            #[serde(default)]
            pub http: Option<String>,
            #[serde(default)]
            pub query: Option<Pairs>,
            #[serde(default)]
            pub body: Option<serde_yaml::Value>,
            #[serde(default)]
            pub result: Option<String>,
            /// The loop: the request is sent once per item of this list (`it` in templates).
            #[serde(default, rename = "for")]
            pub for_each: Option<Loop>,
            /// With `for`: the result is `[{item, ok, reply, error}]`, a failed item kept.
            #[serde(default)]
            pub collect: bool,
            /// An object reply paged by marker, the pages merged (usage at 2.40+).
            #[serde(default)]
            pub page: Option<PageSpec>,
            /// The path is below the service endpoint's unversioned root (version-list).
            #[serde(default)]
            pub root: bool,
        }
    };
}

request_object! {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct OperationSpec {
        pub command: String,
        pub method: String,
        pub help: String,
        /// The microversions where it applies: `"2.26-"`, `"-2.52"`, `"2.32-2.36"`.
        #[serde(default)]
        pub versions: Option<String>,
        #[serde(default)]
        pub args: Vec<ArgSpec>,
        #[serde(default)]
        pub returns: Option<Returns>,
        /// Checks before any request: the operation is refused with `error` when `when` holds.
        #[serde(default)]
        pub refuse: Vec<RefuseSpec>,
        /// A positional taking several values: run the whole operation once per value.
        #[serde(default)]
        pub each: Option<EachSpec>,
        /// A stand-in: when this request fails with the status, that request is sent instead
        /// (`on_error: {403: {http: GET /os-availability-zone, result: ...}}`).
        #[serde(default)]
        pub on_error: Option<BTreeMap<u16, RequestSpec>>,
        #[serde(default)]
        pub steps: Option<Vec<StepSpec>>,
        #[serde(default)]
        pub print: Option<Vec<PrintSpec>>,
        #[serde(default)]
        pub variants: Vec<VariantSpec>,
        /// A local program run after the request(s), instead of printing: its argument vector,
        /// one template per word (`[ssh, "-p{port}", "{login}@{address}"]`).
        #[serde(default)]
        pub exec: Option<Vec<String>>,
    }
}

/// `page: {query: {marker: "{...}"}, merge: {by: tenant_id, concat: [...], sum: [...]}}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageSpec {
    /// The query added for the next page: templates over the last page's result, `reply`.
    pub query: Pairs,
    #[serde(default)]
    pub merge: Option<PageMergeSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMergeSpec {
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub concat: Vec<String>,
    #[serde(default)]
    pub sum: Vec<String>,
}

/// One text, or a list of texts: an option's spellings, a prompt's questions.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Texts {
    One(String),
    Many(Vec<String>),
}

impl Texts {
    pub fn all(&self) -> Vec<&String> {
        match self {
            Texts::One(s) => vec![s],
            Texts::Many(v) => v.iter().collect(),
        }
    }
}

/// `each: {over: server, resolve: first, error: ..., fail: any}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EachSpec {
    /// The many-valued positional whose values the operation runs once each for.
    pub over: String,
    #[serde(default)]
    pub resolve: Resolve,
    /// The error that ends the command when it failed (a template over the arguments).
    #[serde(default)]
    pub error: Option<String>,
    /// The line printed for a value whose run failed, instead of the bare error (a template
    /// over the arguments, the value its own, `typed` and `it`: the error's text).
    #[serde(default)]
    pub failed: Option<String>,
    #[serde(default)]
    pub fail: Fail,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefuseSpec {
    /// An expression over the arguments, `found`, `typed` and `session` (on a step also the
    /// results so far and its own, `reply`).
    pub when: When,
    /// A template: the error line.
    pub error: String,
    /// novaclient's exception: `CommandError` (default) or the class of an HTTP status
    /// (`NotFound`: printed `<error> (HTTP 404)`).
    #[serde(default)]
    pub kind: Option<String>,
}

/// A guard: where a variant or a step applies, a range and a condition that must both hold (a
/// variant is chosen, a step sent, only there). One concept, read by one function
/// (`validate::Scope::guard`), whichever of the two writes it.
pub trait Guarded {
    fn guard(&self) -> (&Option<String>, &Option<When>);
}

impl Guarded for VariantSpec {
    fn guard(&self) -> (&Option<String>, &Option<When>) {
        (&self.versions, &self.when)
    }
}

impl Guarded for StepSpec {
    fn guard(&self) -> (&Option<String>, &Option<When>) {
        (&self.versions, &self.when)
    }
}

request_object! {
    /// Another way of carrying out an operation: what it gives replaces the operation's own.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct VariantSpec {
        /// The microversions where it applies: `"2.26-"`, `"-2.52"`, `"2.32-2.36"`.
        #[serde(default)]
        pub versions: Option<String>,
        #[serde(default)]
        pub when: Option<When>,
        /// A stand-in: when this request fails with the status, that request is sent instead
        /// (`on_error: {403: {http: GET /os-availability-zone, result: ...}}`).
        #[serde(default)]
        pub on_error: Option<BTreeMap<u16, RequestSpec>>,
        #[serde(default)]
        pub steps: Option<Vec<StepSpec>>,

    }
}

request_object! {
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct StepSpec {
        /// A stand-in: when this request fails with the status, that request is sent instead
        /// (`on_error: {403: {http: GET /os-availability-zone, result: ...}}`).
        #[serde(default)]
        pub on_error: Option<BTreeMap<u16, RequestSpec>>,
        #[serde(default)]
        pub merge: bool,
        /// Checks after the request, over its result `reply`: the command fails when one holds.
        #[serde(default)]
        pub refuse: Vec<RefuseSpec>,
        #[serde(default)]
        pub when: Option<When>,
        /// The microversions where it applies: `"2.26-"`, `"-2.52"`, `"2.32-2.36"`.
        #[serde(default)]
        pub versions: Option<String>,
    }
}

request_object! {
    /// A request by itself: the request object's keys and nothing else (a stand-in of
    /// `on_error:` takes its request's condition, range, merge and checks).
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct RequestSpec {
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintSpec {
    /// A named print block of `views:` (any file), in place of this item.
    #[serde(default)]
    pub view: Option<String>,
    /// What a table or properties item prints (default: the operation's result); on a view,
    /// what its items print unless they say.
    #[serde(default)]
    pub of: Option<String>,
    #[serde(default)]
    pub table: Option<TableSpec>,
    #[serde(default)]
    pub properties: Option<PropertiesSpec>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    /// `--poll`'s wait, at this item's place: the items before it are printed before it.
    #[serde(default)]
    pub poll: Option<PollSpec>,
    #[serde(default)]
    pub when: Option<When>,
    /// The microversions where it applies: `"2.26-"`, `"-2.52"`, `"2.32-2.36"`.
    #[serde(default)]
    pub versions: Option<String>,
}

impl PrintSpec {
    /// The keys this item gives, by name (for the items that stand alone: a view, a poll).
    pub fn given(&self) -> Vec<&'static str> {
        [
            ("view", self.view.is_some()),
            ("of", self.of.is_some()),
            ("table", self.table.is_some()),
            ("properties", self.properties.is_some()),
            ("value", self.value.is_some()),
            ("text", self.text.is_some()),
            ("poll", self.poll.is_some()),
            ("when", self.when.is_some()),
            ("versions", self.versions.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, given)| given.then_some(k))
        .collect()
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// The columns, listed; or an expression giving the fields of columns a user names at run
    /// time (`columns: fields`).
    #[serde(default)]
    pub columns: Option<TableColumns>,
    #[serde(default)]
    pub sort_by: Option<String>,
    /// Rows built on the client, one level per entry, outer first; printed in place of the
    /// items of `of`.
    #[serde(default)]
    pub rows: Option<Vec<RowsLevelSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowsLevelSpec {
    /// The entries of this level, an expression over `it` (what the item prints, then the
    /// entry of the level above): a list or an object, each entry seen as `{key, value}`.
    #[serde(rename = "for")]
    pub items: String,
    /// Rows in key order (a level with `cells:`: by row name).
    #[serde(default)]
    pub sort: bool,
    /// The row of each entry (with `cells:`, of each entry not listed): column field →
    /// template.
    #[serde(default)]
    pub row: Option<Pairs>,
    /// Key → [row name, column title]: the entry of that key fills that cell.
    #[serde(default)]
    pub cells: Option<serde_yaml::Mapping>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PropertiesSpec {
    /// The value (an ID, or an object with an `id`) is replaced by that resource, fetched.
    #[serde(default)]
    pub expand: Option<String>,
    #[serde(default)]
    pub headers: Option<Vec<String>>,
    #[serde(default)]
    pub keys: Vec<String>,
    /// The resource whose `show:` rules apply (`none`: no rules); default the operation's.
    #[serde(default)]
    pub show: Option<String>,
    /// The width values are wrapped at: a number (`wrap: 40`) or an expression (`wrap: wrap`,
    /// an integer argument).
    #[serde(default)]
    pub wrap: Option<Width>,
}

/// A loop (`for:`): one list, or nested loops, outer first (`["reply[].servers[]", "keys"]`:
/// each later list is an expression over the item of the one before, `it`).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum Loop {
    One(String),
    Nested(Vec<String>),
}

/// A table's `columns:`: a list (titles or `{title, field, ...}`), or an expression (a text)
/// giving the fields of columns a user names: a list of texts or one comma-separated text.
#[derive(Debug)]
pub enum TableColumns {
    Listed(Vec<ColumnSpec>),
    Named(String),
}

/// Not `untagged`: a mistake in a listed column is reported as the list's.
impl<'de> Deserialize<'de> for TableColumns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_yaml::Value::deserialize(d)? {
            serde_yaml::Value::String(e) => Ok(TableColumns::Named(e)),
            v => Vec::<ColumnSpec>::deserialize(v)
                .map(TableColumns::Listed)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// A width: a number, or an expression giving one.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Width {
    Number(u64),
    Expr(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollSpec {
    #[serde(default)]
    pub resource: Option<String>,
    pub until: Vec<String>,
    pub action: String,
    /// `false`: no percentage; an expression over the resource (`reply`); default
    /// `api.poll.progress`.
    #[serde(default)]
    pub progress: Option<Progress>,
}

/// A poll's `progress:`: `false`, `true` (the default), or an expression over `reply`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Progress {
    Shown(bool),
    Expr(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    pub name: String,
    #[serde(rename = "type", default)]
    pub ty: ArgType,
    #[serde(default)]
    pub positional: bool,
    /// Options: must be given (`true`, or where a range holds: `"2.92-"`). Positionals: `false`
    /// makes one optional.
    #[serde(default)]
    pub required: Option<Required>,
    #[serde(default)]
    pub many: bool,
    /// A template: a literal, `{session.project_id}`, ...; or `{value, versions}`.
    #[serde(default)]
    pub default: Option<Ranged<String>>,
    /// The words the value may be: a string's values; a record's words that stand alone instead
    /// of `k=v` pairs (`[auto, none]`), or `{value, versions}` where they may be given.
    #[serde(default)]
    pub choices: Option<Ranged<Vec<String>>>,
    /// The help text, or `false`: an option accepted but left out of help, usage and the man
    /// page (argparse's `help=SUPPRESS`).
    pub help: ArgHelp,
    /// `server`, or `{name: server, query, otherwise, versions}`.
    #[serde(default)]
    pub resource: Option<ArgResource>,
    /// `record` arguments: typed key → sent key.
    #[serde(default)]
    pub keys: Option<Pairs>,
    /// `record` arguments: sent key → template over the record for a key not given.
    #[serde(default)]
    pub defaults: Option<Pairs>,
    /// `record` arguments: exactly one of these typed keys must be given.
    #[serde(default)]
    pub one_of: Vec<String>,
    /// `record` and `datetime` arguments, or one asked several times (`prompt:`): the message
    /// (a template over the value, `it`) for a malformed value.
    #[serde(default)]
    pub invalid: Option<String>,
    #[serde(default)]
    pub metavar: Option<String>,
    /// How the option is typed, when not `--` and its name with `-` for `_`: one spelling
    /// (`option: --target_host`) or several (`option: [-i, --identity]`: a letter besides the
    /// long form).
    #[serde(default)]
    pub option: Option<Texts>,
    /// `{"@": login}`: one entry, the separator and the text option given the text before its
    /// first occurrence (a value `a@b` is `b`, and `a` the value of `login`).
    #[serde(default)]
    pub split: Option<Pairs>,
    /// A value read from the user instead of the command line, asked with each text in turn
    /// (`["New password: ", "Again: "]`); several answers must be equal, else `invalid:`.
    #[serde(default)]
    pub prompt: Option<Texts>,
    /// The microversions where it applies: `"2.26-"`, `"-2.52"`, `"2.32-2.36"`.
    #[serde(default)]
    pub versions: Option<String>,
}

/// An argument's `help:` as written: its text, or `false` (not shown).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ArgHelp {
    Text(String),
    Shown(bool),
}

/// `required:` as written: `true`/`false`, or the range where it holds (`"2.92-"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Required {
    Always(bool),
    Where(String),
}

/// A value that holds only in a range: `x`, or `{value: x, versions: "2.37-"}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Ranged<T> {
    Plain(T),
    In(InRange<T>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InRange<T> {
    pub value: T,
    pub versions: String,
}

/// An argument's resource: its name, or the name with what the argument adds to its lookup.
#[derive(Debug)]
pub enum ArgResource {
    Name(String),
    Full(ArgResourceSpec),
}

/// Not `untagged`: a mistake in the long form is reported as that form's (an unknown key
/// named), not as "no variant matched".
impl<'de> Deserialize<'de> for ArgResource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_yaml::Value::deserialize(d)? {
            serde_yaml::Value::String(name) => Ok(ArgResource::Name(name)),
            v => ArgResourceSpec::deserialize(v)
                .map(ArgResource::Full)
                .map_err(serde::de::Error::custom),
        }
    }
}

impl ArgResource {
    pub fn name(&self) -> &str {
        match self {
            ArgResource::Name(n) => n,
            ArgResource::Full(r) => &r.name,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgResourceSpec {
    pub name: String,
    /// Extra query of the name search (templates).
    #[serde(default)]
    pub query: Pairs,
    /// `as_typed`, or `{value: as_typed, versions: "2.21-"}`: a text no resource matches is
    /// used as it is (in that range).
    #[serde(default)]
    pub otherwise: Option<serde_yaml::Value>,
    /// The name search happens only in this range; outside it the text is sent as given.
    /// The microversions where it applies: `"2.26-"`, `"-2.52"`, `"2.32-2.36"`.
    #[serde(default)]
    pub versions: Option<String>,
}

impl<T> Ranged<T> {
    pub fn value(&self) -> &T {
        match self {
            Ranged::Plain(v) => v,
            Ranged::In(r) => &r.value,
        }
    }

    pub fn versions(&self) -> Option<String> {
        match self {
            Ranged::Plain(_) => None,
            Ranged::In(r) => Some(r.versions.clone()),
        }
    }
}

/// Keys of the first edition, and what to write instead: a spec written for it fails with
/// the sentence, not just "unknown field".
pub const FIRST_EDITION: &[(&str, &str)] = &[
    ("min_version", "versions: \"2.26-\" (from 2.26 on)"),
    (
        "max_version",
        "versions: \"-2.52\" (up to 2.52), or both ends: \"2.26-2.52\"",
    ),
    (
        "required_since",
        "required: \"2.92-\" (required from 2.92 on)",
    ),
    (
        "default_since",
        "default: {value: auto, versions: \"2.37-\"}",
    ),
    (
        "alone_since",
        "choices: {value: [auto, none], versions: \"2.37-\"} (a record's words that stand alone)",
    ),
    ("items", "result: \"reply.keypairs[].keypair\" (the path says which key holds the list and what wraps each item)"),
    ("for_each", "for: <the list> (the one loop)"),
    ("rows", "for: with collect: true on a request, and a table whose columns read item, ok, reply and error (rows: is a table's rows built on the client, `table: {rows: [...]}`)"),
    ("on_error: [403]", "on_error: {403: <the request sent instead>} on the request it stands in for"),
    ("rules", "show: <resource> (whose show: rules apply; none for none)"),
];

/// `poll`'s keys folded into the poll print item (the wait is a print item): where serde
/// reports the key unknown (a part of its message), and what to write instead.
pub const WAIT_ITEM: &[(&str, &str)] = &[
    (
        "unknown field `poll`",
        "`poll:` is a print item now: write it in the operation's print list, print: [..., {poll: {...}}] (the wait happens at that item's place, with --poll)",
    ),
    (
        "poll: unknown field `first`",
        "a poll item's `first:` is its place: put the poll item before the items printed after the wait, print: [{poll: {...}}, ...]",
    ),
    (
        "poll: unknown field `done`",
        "a poll item's `done:` is the items after it: write print: [..., {poll: {...}}, {text: \"...\", when: poll}] (`poll`: --poll was given)",
    ),
];

/// Keys of this edition folded into another concept, and the sentence saying what to write.
pub const FOLDED: &[(&str, &str)] = &[
    (
        "tree",
        "a table's `tree:` is folded into rows: write rows: [{for: it, row: {...}}, {for: it.value.KEY, row: {...}}] (one level per entry, outer first)",
    ),
    (
        "pivot",
        "a table's `pivot:` is folded into rows: write rows: [{for: it, sort: true, cells: {KEY: [Row, Column]}, row: {...}}] (row: makes the rows of keys not listed)",
    ),
    (
        "columns_from",
        "a table's `columns_from:` is folded into columns: write columns: ARG (an expression giving the fields a user names: a list, or comma-separated text; the table shows the key column, then one column per field)",
    ),
    (
        "extends",
        "`extends:` is folded into resource: write resource: NAME (a file of resource: and operations: alone adds operations to the resource another file declares)",
    ),
];
