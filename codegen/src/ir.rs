//! The validated intermediate representation: everything the emitter needs, already checked,
//! with names resolved to Rust identifiers and URLs split into method and template.

pub use crate::model::{ArgType, ColumnFormat, FieldType, OpKind, OutputKind, Service, ShowAction};

/// A compute microversion `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u16, pub u16);

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// A microversion range; `max` None means "up to the newest".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    pub min: Option<Version>,
    pub max: Option<Version>,
}

#[derive(Debug)]
pub struct Api {
    pub min_version: Version,
    pub max_version: Version,
    pub resources: Vec<Resource>,
}

#[derive(Debug)]
pub struct Resource {
    /// `server`
    pub name: String,
    /// `Server`
    pub type_name: String,
    /// `servers`
    pub manager: String,
    /// `ServersManager`
    pub manager_type: String,
    /// `SERVER`: the static holding its definition.
    pub static_name: String,
    pub service: Service,
    pub lookup: Option<Lookup>,
    pub fields: Vec<Field>,
    pub columns: Vec<Column>,
    pub sort_by: Option<String>,
    pub show: Vec<ShowRule>,
    pub ops: Vec<Operation>,
}

#[derive(Debug)]
pub struct Lookup {
    pub get: String,
    pub get_key: Option<String>,
    pub list: String,
    pub list_key: String,
    pub name_query: Option<String>,
    pub alphanum_id: bool,
}

#[derive(Debug)]
pub struct Field {
    pub json: String,
    pub rust: String,
    pub ty: FieldType,
    /// Missing or null allowed: `Option<T>`.
    pub optional: bool,
}

#[derive(Debug)]
pub struct Column {
    pub title: String,
    pub field: String,
    pub format: Option<ColumnFormat>,
    pub versions: Range,
}

#[derive(Debug)]
pub struct ShowRule {
    pub field: String,
    pub action: ShowAction,
    /// Static name of the referenced resource (`IMAGE`).
    pub resource: Option<String>,
    pub empty: Option<String>,
    pub versions: Range,
}

#[derive(Debug)]
pub struct Operation {
    pub command: String,
    pub method: String,
    /// `BackupInstance`: the clap variant.
    pub variant: String,
    /// `SERVERS_BACKUP_INSTANCE`: the static holding its definition.
    pub static_name: String,
    pub kind: OpKind,
    pub help: String,
    pub http_method: String,
    pub path: String,
    /// Arguments sent to the API (path, query or body), in manager-parameter order.
    pub args: Vec<Arg>,
    /// CLI-only flags (read by the output step, never sent).
    pub flags: Vec<Arg>,
    /// Compact JSON of the body template.
    pub body: Option<String>,
    pub response_key: Option<String>,
    pub item_key: Option<String>,
    pub returns: Returns,
    pub id_header: Option<String>,
    pub output: Output,
    pub poll: Option<Poll>,
    pub versions: Range,
}

/// What the manager method returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    List,
    One,
    Raw,
    Nothing,
}

#[derive(Debug)]
pub struct Arg {
    pub name: String,
    pub ty: ArgType,
    pub positional: bool,
    /// The manager parameter is not an `Option`.
    pub required: bool,
    pub required_since: Option<Version>,
    pub many: bool,
    pub default: Option<String>,
    pub default_since: Option<Version>,
    pub help: String,
    /// Static name of the resource to look the value up in.
    pub resource: Option<String>,
    pub query: Option<String>,
    pub metavar: Option<String>,
    pub versions: Range,
}

impl Arg {
    /// A repeatable option: `key_value`, `nic`, or `many` on an option. The CLI collects a
    /// `Vec` and the manager takes a slice.
    pub fn takes_list(&self) -> bool {
        matches!(self.ty, ArgType::KeyValue | ArgType::Nic) || (self.many && !self.positional)
    }
}

#[derive(Debug)]
pub struct Output {
    pub kind: OutputKind,
    pub field: Option<String>,
    pub message: Option<String>,
    pub error: Option<String>,
    pub resource: Option<String>,
    pub when: Option<String>,
    pub refetch: bool,
    pub min_version: Option<Version>,
}

#[derive(Debug)]
pub struct Poll {
    pub action: String,
    pub until: Vec<String>,
    /// Static name of the resource polled.
    pub resource: String,
}
