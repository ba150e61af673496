//! The spec as written: one YAML file per resource, plus `api.yaml` for client-wide settings.
//! Field meanings are documented with examples in `spec/README.md`. Every struct refuses unknown
//! fields, so a typo fails the build with its line instead of being ignored.

//!
//! This is the YAML syntax only: shorthands and strings as written. `validate.rs` checks it
//! and builds `novagen_spec`'s definitions, the one set of types the generated code holds and
//! the runtime reads; the closed sets (`type: string`, `service: image`, ...) are those
//! types' own enums, read by their `Deserialize` (novagen-spec's feature `parse`).

pub use novagen_spec::{ArgType, Ids, Returns, Service, Shape};
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
    pub progress: String,
    pub fault: String,
    /// A status (lower case) → the word reported: `{error: Error, deleted: Deleted}`.
    pub failed: Pairs,
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
    pub show: Vec<ShowRule>,
    #[serde(default)]
    pub operations: Vec<OperationSpec>,
}

/// A file adding operations to a resource declared in another file (a site's own extensions).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionFile {
    /// The resource whose manager gains these operations.
    pub extends: String,
    pub operations: Vec<OperationSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    pub get: String,
    #[serde(default)]
    pub get_key: Option<String>,
    pub list: String,
    pub list_key: String,
    #[serde(default)]
    pub list_query: Pairs,
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
    /// Each item of the list is wrapped under this key (keypairs: `keypair`).
    #[serde(default)]
    pub items: Option<String>,
    /// The message when nothing matches: a template over `value`, the text given.
    #[serde(default)]
    pub missing: Option<String>,
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
    Full(Column),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub title: String,
    #[serde(default)]
    pub field: Option<String>,
    /// An expression over the field's value, `it` (value filters: `it | count`).
    #[serde(default)]
    pub value: Option<String>,
    /// A display format: `pyrepr`, `fixed(2)`, a name of `api.yaml`'s `formats`.
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
    #[serde(default)]
    pub when: Option<When>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowRule {
    pub field: String,
    #[serde(default)]
    pub drop: bool,
    #[serde(default)]
    pub flatten: Option<String>,
    /// The value (an ID, or an object's `id`) shown as `name (id)` of this resource, fetched.
    #[serde(default)]
    pub expand: Option<String>,
    /// An expression over the value, `it` (value filters: `it | map(it.name) | join`).
    #[serde(default)]
    pub value: Option<String>,
    /// A display format: `pyrepr`, `fixed(2)`, a name of `api.yaml`'s `formats`.
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    pub command: String,
    pub method: String,
    pub help: String,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
    #[serde(default)]
    pub args: Vec<ArgSpec>,
    #[serde(default)]
    pub returns: Option<Returns>,
    /// Checks before any request: the operation is refused with `error` when `when` holds.
    #[serde(default)]
    pub refuse: Vec<RefuseSpec>,
    /// A positional taking several values: run the whole operation once per value.
    #[serde(default)]
    pub each: Option<String>,
    #[serde(default)]
    pub failure: Option<String>,
    /// With `each`: look every value up before the first run (a bad name stops the command).
    #[serde(default)]
    pub find_first: bool,
    // The request, when the operation is one step.
    #[serde(default)]
    pub http: Option<String>,
    #[serde(default)]
    pub service: Option<Service>,
    #[serde(default)]
    pub query: Option<Pairs>,
    #[serde(default)]
    pub body: Option<serde_yaml::Value>,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub items: Option<String>,
    #[serde(default)]
    pub for_each: Option<String>,
    #[serde(default)]
    pub rows: Option<Pairs>,
    #[serde(default)]
    pub steps: Option<Vec<StepSpec>>,
    #[serde(default)]
    pub print: Option<Vec<PrintSpec>>,
    #[serde(default)]
    pub poll: Option<PollSpec>,
    #[serde(default)]
    pub variants: Vec<VariantSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefuseSpec {
    /// An expression over the arguments, `found`, `typed` and `session`.
    pub when: When,
    /// A template: the error line.
    pub error: String,
}

/// Another way of carrying out an operation: what it gives replaces the operation's own.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
    #[serde(default)]
    pub when: Option<When>,
    #[serde(default)]
    pub http: Option<String>,
    #[serde(default)]
    pub service: Option<Service>,
    #[serde(default)]
    pub query: Option<Pairs>,
    #[serde(default)]
    pub body: Option<serde_yaml::Value>,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub items: Option<String>,
    #[serde(default)]
    pub for_each: Option<String>,
    #[serde(default)]
    pub rows: Option<Pairs>,
    #[serde(default)]
    pub steps: Option<Vec<StepSpec>>,
    #[serde(default)]
    pub print: Option<Vec<PrintSpec>>,
    #[serde(default)]
    pub poll: Option<PollSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub http: Option<String>,
    #[serde(default)]
    pub service: Option<Service>,
    #[serde(default)]
    pub query: Option<Pairs>,
    #[serde(default)]
    pub body: Option<serde_yaml::Value>,
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub items: Option<String>,
    #[serde(default)]
    pub for_each: Option<String>,
    #[serde(default)]
    pub rows: Option<Pairs>,
    #[serde(default)]
    pub merge: bool,
    /// Runs only when the step before failed with one of these HTTP statuses (instead of it).
    #[serde(default)]
    pub on_error: Vec<u16>,
    #[serde(default)]
    pub when: Option<When>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintSpec {
    #[serde(default)]
    pub table: Option<TableSpec>,
    #[serde(default)]
    pub properties: Option<PropertiesSpec>,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub when: Option<When>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    #[serde(default)]
    pub of: Option<String>,
    #[serde(default)]
    pub columns: Option<Vec<ColumnSpec>>,
    #[serde(default)]
    pub columns_from: Option<String>,
    #[serde(default)]
    pub sort_by: Option<String>,
    /// An object's keys as rows: `keys: {maxTotalCores: [Cores, Max]}`, `other: Other`.
    #[serde(default)]
    pub pivot: Option<PivotSpec>,
    /// Nested lists or objects as an indented tree of rows, one level per entry.
    #[serde(default)]
    pub tree: Option<Vec<TreeLevelSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PivotSpec {
    /// Key → [row name, column title].
    pub keys: serde_yaml::Mapping,
    /// The column of keys not listed (under their own name); shown only when used.
    #[serde(default)]
    pub other: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreeLevelSpec {
    /// The entries of this level: a path from the scope (first level) or from the parent
    /// entry; a list or an object, each entry seen as `{key, value}`.
    pub each: String,
    /// Entries in key order.
    #[serde(default)]
    pub sort: bool,
    /// The row of each entry: column field → template.
    pub row: Pairs,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PropertiesSpec {
    #[serde(default)]
    pub of: Option<String>,
    /// The value (an ID, or an object with an `id`) is replaced by that resource, fetched.
    #[serde(default)]
    pub expand: Option<String>,
    #[serde(default)]
    pub headers: Option<Vec<String>>,
    #[serde(default)]
    pub keys: Vec<String>,
    /// The resource whose show rules apply (`none`: no rules); default the operation's.
    #[serde(default)]
    pub rules: Option<String>,
    #[serde(default)]
    pub wrap: usize,
    /// A display format for every value (`pyrepr`), after the show rules.
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollSpec {
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    pub until: Vec<String>,
    pub action: String,
    /// `false`: no percentage; an expression over the resource (`reply`); default
    /// `api.poll.progress`.
    #[serde(default)]
    pub progress: Option<Progress>,
    #[serde(default)]
    pub done: Option<String>,
    /// The word before the action (default: the resource's name, capitalised).
    #[serde(default)]
    pub label: Option<String>,
    /// Poll first, then print (image-create); by default the result is printed first (boot).
    #[serde(default)]
    pub first: bool,
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
    /// Options: must be given. Positionals: `false` makes one optional.
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub required_since: Option<String>,
    #[serde(default)]
    pub many: bool,
    /// A template: a literal, `{session.project_id}`, ...
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub default_since: Option<String>,
    #[serde(default)]
    pub env: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
    pub help: String,
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub lookup: Option<ArgLookup>,
    /// `record` arguments: typed key → sent key.
    #[serde(default)]
    pub keys: Option<Pairs>,
    /// `record` arguments: sent key → template over the record for a key not given.
    #[serde(default)]
    pub defaults: Option<Pairs>,
    /// `record` arguments: words that stand alone.
    #[serde(default)]
    pub alone: Vec<String>,
    /// `record` arguments: the microversion from which the `alone` words may be given.
    #[serde(default)]
    pub alone_since: Option<String>,
    /// `record` arguments: exactly one of these typed keys must be given.
    #[serde(default)]
    pub one_of: Vec<String>,
    /// `record` arguments: the message (a template over `value`) for a malformed value.
    #[serde(default)]
    pub invalid: Option<String>,
    #[serde(default)]
    pub metavar: Option<String>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgLookup {
    #[serde(default)]
    pub query: Pairs,
    /// `true`, or a microversion from which a text no resource matches is used as it is.
    #[serde(default)]
    pub fallback: Option<serde_yaml::Value>,
    /// The name search happens only in this range; outside it the text is sent as given.
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}
