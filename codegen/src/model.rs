//! The spec as written: one YAML file per resource, plus `api.yaml` for client-wide settings.
//! Field meanings are documented with examples in `spec/README.md`. Every struct refuses unknown
//! fields, so a typo fails the build with its line instead of being ignored.

use serde::Deserialize;

/// `spec/api.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    pub api: ApiSettings,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiSettings {
    /// Oldest compute microversion the client speaks, e.g. "2.1".
    pub min_version: String,
    /// Newest compute microversion the client speaks; `auto` negotiates up to this.
    pub max_version: String,
}

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
    /// How a name or ID is turned into a resource (needed for `resource:` arguments).
    #[serde(default)]
    pub lookup: Option<Lookup>,
    /// The JSON fields of one resource, in the order they should appear in the Rust type.
    pub fields: Vec<FieldSpec>,
    /// The list-table columns novaclient prints for this resource.
    #[serde(default)]
    pub columns: Vec<ColumnSpec>,
    /// A column title to sort list tables by (novaclient's `sortby_index`).
    #[serde(default)]
    pub sort_by: Option<String>,
    /// How a single resource is reshaped before its `Property | Value` table.
    #[serde(default)]
    pub show: Vec<ShowRule>,
    /// Whether the poll helper uses `status`/`progress` of this resource.
    #[serde(default)]
    pub operations: Vec<OperationSpec>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    #[default]
    Compute,
    Image,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// URL template fetching one resource by ID: `/servers/{id}`.
    pub get: String,
    /// Key wrapping the reply of `get` (`server`); absent when the reply is the bare object.
    #[serde(default)]
    pub get_key: Option<String>,
    /// URL listing resources with all their fields: `/servers/detail`.
    pub list: String,
    /// Key holding the list in the reply: `servers`.
    pub list_key: String,
    /// Query parameter that narrows the list by name before the exact client-side match.
    #[serde(default)]
    pub name_query: Option<String>,
    /// IDs are not UUIDs (flavors: "1", "m1.tiny"): try a direct get first, whatever the value.
    #[serde(default)]
    pub alphanum_id: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// JSON key, exactly as the API sends it: `OS-EXT-STS:task_state`.
    pub name: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// The key may be missing from a reply.
    #[serde(default)]
    pub optional: bool,
    /// The value may be `null`.
    #[serde(default)]
    pub nullable: bool,
    /// Rust field name when the derived one (`task_state`) is not wanted.
    #[serde(default)]
    pub rust_name: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    #[serde(rename = "string")]
    String,
    #[serde(rename = "integer")]
    Integer,
    #[serde(rename = "number")]
    Number,
    #[serde(rename = "boolean")]
    Boolean,
    #[serde(rename = "object")]
    Object,
    #[serde(rename = "array")]
    Array,
    /// Any JSON value.
    #[serde(rename = "any")]
    Any,
    /// A string in some microversions and an integer in others (flavor `swap`).
    #[serde(rename = "string|integer")]
    StringOrInteger,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    pub title: String,
    /// JSON key of the resource the column shows.
    pub field: String,
    #[serde(default)]
    pub format: Option<ColumnFormat>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ColumnFormat {
    /// `addresses` as `net=ip1, ip2; net2=ip3`.
    Networks,
    /// nova's power state number as its name (`Running`).
    PowerState,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShowRule {
    /// JSON key the rule applies to.
    pub field: String,
    #[serde(rename = "as")]
    pub action: ShowAction,
    /// For `ref`: the resource to look the ID up in, to print `name (id)`.
    #[serde(default)]
    pub resource: Option<String>,
    /// For `ref`: what to print when the value is empty.
    #[serde(default)]
    pub empty: Option<String>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ShowAction {
    /// Leave the key out.
    Drop,
    /// An `addresses` object becomes one `<label> network` row per network.
    Networks,
    /// An object becomes `field:key` rows.
    Flatten,
    /// A list of objects becomes the sorted, comma-joined set of their `name`s.
    Names,
    /// An object with an `id` becomes `name (id)`, looked up in `resource`.
    Ref,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    /// `nova` subcommand: `image-create`.
    pub command: String,
    /// Manager method: `create_image`.
    pub method: String,
    pub kind: OpKind,
    pub help: String,
    /// `POST /servers/{server}/action`.
    pub http: String,
    #[serde(default)]
    pub args: Vec<ArgSpec>,
    /// JSON body template; a string `"{arg}"` is replaced by that argument's value, and the key
    /// is left out when the argument is not given.
    #[serde(default)]
    pub body: Option<serde_yaml::Value>,
    /// Key of the reply that holds the result: `server`, `servers`, `id`.
    #[serde(default)]
    pub response_key: Option<String>,
    /// In a list reply, the key wrapping each item (`keypair` in `{"keypairs": [{"keypair": ..}]}`).
    #[serde(default)]
    pub item_key: Option<String>,
    /// Return the value under `response_key` as it is instead of a typed resource.
    #[serde(default)]
    pub raw: bool,
    /// When the reply has no body, take the result from the last path segment of this header.
    #[serde(default)]
    pub id_header: Option<String>,
    #[serde(default)]
    pub output: OutputSpec,
    /// Adds `--poll`: wait for the resource to reach a state, printing progress.
    #[serde(default)]
    pub poll: Option<PollSpec>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    List,
    Show,
    Create,
    Delete,
    Update,
    Action,
    Find,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    /// Identifier: the Rust parameter name; the CLI uses `<name>` or `--name` (underscores as dashes).
    pub name: String,
    #[serde(rename = "type", default)]
    pub ty: ArgType,
    #[serde(default)]
    pub positional: bool,
    /// For options: must be given. Positionals are always required.
    #[serde(default)]
    pub required: bool,
    /// Required from this microversion on (keypair `public_key` from 2.92).
    #[serde(default)]
    pub required_since: Option<String>,
    /// Several values: a positional taking one or more (the command runs once per value), or a
    /// repeatable option.
    #[serde(default)]
    pub many: bool,
    #[serde(default)]
    pub default: Option<String>,
    /// The default only applies from this microversion on.
    #[serde(default)]
    pub default_since: Option<String>,
    pub help: String,
    /// Name or ID of this resource: the value is looked up and replaced by the resource's ID.
    #[serde(default)]
    pub resource: Option<String>,
    /// Sent as this query parameter.
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub metavar: Option<String>,
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub max_version: Option<String>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ArgType {
    #[default]
    String,
    Integer,
    /// `true` / `false` value.
    Boolean,
    /// An option with no value (`--show`); not sent unless the body or query names it.
    Flag,
    /// A path whose contents are sent (`-` reads standard input).
    File,
    /// Repeated `key=value`, sent as a JSON object.
    KeyValue,
    /// novaclient's `--nic`: `auto`, `none`, or `net-id=..,v4-fixed-ip=..,port-id=..`.
    Nic,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    #[serde(default)]
    pub kind: OutputKind,
    /// For `value`: the key of the result to print (the whole raw result when absent).
    #[serde(default)]
    pub field: Option<String>,
    /// For `message`: printed on success, with `{arg}` replaced by the argument as typed.
    #[serde(default)]
    pub message: Option<String>,
    /// For `message` with a `many` positional: the error after any item failed.
    #[serde(default)]
    pub error: Option<String>,
    /// For `properties`: the result is an ID of this resource; fetch it and print that.
    #[serde(default)]
    pub resource: Option<String>,
    /// Only print when this flag argument is given.
    #[serde(default)]
    pub when: Option<String>,
    /// For `properties`: fetch the resource again by the returned `id` and merge (boot).
    #[serde(default)]
    pub refetch: bool,
    #[serde(default)]
    pub min_version: Option<String>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    Table,
    Properties,
    Value,
    Message,
    #[default]
    None,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PollSpec {
    /// Word in the progress line: `Server building... 40% complete`.
    pub action: String,
    /// Statuses (lower case) that end the wait successfully.
    pub until: Vec<String>,
}
