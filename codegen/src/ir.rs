//! The validated intermediate representation: everything the emitter needs, already checked,
//! with names resolved to Rust identifiers and templates kept as checked text.

pub use crate::model::{ArgType, FieldType, Ids, Returns, Service};

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
    /// `api.yaml`'s named display formats.
    pub formats: Vec<(String, NamedFormat)>,
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
    pub list_query: Vec<(String, String)>,
    pub name_query: Option<String>,
    pub match_field: String,
    pub ids: Ids,
    pub id_field: String,
    pub items: Option<String>,
    pub missing: Option<Template>,
}

#[derive(Debug)]
pub struct Field {
    pub json: String,
    pub rust: String,
    pub ty: FieldType,
    /// Missing or null allowed: `Option<T>`.
    pub optional: bool,
}

/// A parsed condition (`when:`): true when the expression is (see `novagen_spec::truthy`).
pub type Cond = Option<novagen_spec::Expr>;

/// A parsed expression.
pub use novagen_spec::Expr;
/// A parsed template (a spec string with `{expr}`s).
pub use novagen_spec::Template;

/// A display format (`format:`), of novagen-spec's closed set.
pub use novagen_spec::Format;

/// A named display format of `api.yaml`.
#[derive(Debug)]
pub enum NamedFormat {
    /// The value's text → what is shown; else `otherwise` (else the value).
    Table(Vec<(String, String)>, Option<String>),
    /// An expression over the value, `it`.
    Expr(Expr),
}

/// A JSON body template: objects and lists as written, strings as templates, other scalars
/// as they are.
#[derive(Debug)]
pub enum Body {
    Object(Vec<(String, Body)>),
    List(Vec<Body>),
    Template(Template),
    Lit(novagen_spec::Lit),
}

#[derive(Debug, Clone)]
pub struct Column {
    pub title: String,
    pub field: String,
    pub value: Option<Expr>,
    pub format: Option<Format>,
    pub versions: Range,
    pub when: Cond,
}

#[derive(Debug)]
pub struct ShowRule {
    pub field: String,
    pub drop: bool,
    pub flatten: Option<Template>,
    /// Static name of the resource the value is an ID of (shown as `name (id)`).
    pub expand: Option<String>,
    pub value: Option<Expr>,
    pub format: Option<Format>,
    pub versions: Range,
}

#[derive(Debug)]
pub struct Operation {
    pub command: String,
    pub method: String,
    /// `ServersReboot`: the request builder's type.
    pub builder: String,
    /// `SERVERS_REBOOT`: the static holding its definition.
    pub static_name: String,
    pub help: String,
    pub args: Vec<Arg>,
    pub returns: Returns,
    pub versions: Range,
    /// (condition, error) checked before any request.
    pub refuse: Vec<(Expr, Template)>,
    /// The index of the argument the operation runs once per value of.
    pub each: Option<usize>,
    pub failure: Option<String>,
    pub find_first: bool,
    pub variants: Vec<Variant>,
}

#[derive(Debug)]
pub struct Variant {
    pub versions: Range,
    pub when: Cond,
    pub steps: Vec<Step>,
    pub print: Vec<Print>,
    pub poll: Option<Poll>,
}

#[derive(Debug)]
pub struct Step {
    pub name: Option<String>,
    pub for_each: Option<Expr>,
    pub service: Service,
    pub method: String,
    pub path: Template,
    pub query: Vec<(String, Template)>,
    pub body: Option<Body>,
    pub result: Option<Expr>,
    pub items: Option<String>,
    pub paged: bool,
    pub merge: bool,
    pub on_error: Vec<u16>,
    pub rows: Vec<(String, Template)>,
    pub when: Cond,
    pub versions: Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintKind {
    Table,
    Properties,
    Value,
    Text,
}

#[derive(Debug)]
pub struct Print {
    pub kind: PrintKind,
    pub of: Option<Expr>,
    /// Properties: the value (an ID) is replaced by this resource fetched by that ID.
    pub expand: Option<String>,
    pub columns: Option<Vec<Column>>,
    pub columns_from: Option<String>,
    pub sort_by: Option<String>,
    pub pivot: Option<Pivot>,
    pub tree: Vec<TreeLevel>,
    pub headers: (String, String),
    pub keys: Vec<String>,
    /// Static name of the resource whose show rules apply.
    pub rules: Option<String>,
    pub wrap: usize,
    /// Properties: a display format for every value.
    pub format: Option<Format>,
    pub text: Option<Template>,
    pub when: Cond,
    pub versions: Range,
}

#[derive(Debug)]
pub struct Pivot {
    /// (key, row, column field)
    pub keys: Vec<(String, String, String)>,
    /// The field of the column for keys not listed.
    pub other: Option<String>,
}

#[derive(Debug)]
pub struct TreeLevel {
    pub each: Expr,
    pub sort: bool,
    pub row: Vec<(String, Template)>,
}

#[derive(Debug)]
pub struct Poll {
    /// Static name of the resource polled.
    pub resource: String,
    pub id: Template,
    pub field: String,
    pub until: Vec<String>,
    pub action: String,
    pub progress: bool,
    pub done: Option<Template>,
    pub label: String,
    pub first: bool,
}

#[derive(Debug)]
pub struct Arg {
    pub name: String,
    /// `<server>` or `--key-type`
    pub cli: String,
    pub ty: ArgType,
    pub positional: bool,
    pub many: bool,
    pub required: bool,
    pub required_since: Option<Version>,
    pub default: Option<Template>,
    pub default_since: Option<Version>,
    pub env: Option<String>,
    pub choices: Vec<String>,
    /// Static name of the resource to look the value up in.
    pub resource: Option<String>,
    pub lookup_query: Vec<(String, Template)>,
    pub lookup_fallback: Option<Option<Version>>,
    /// Where the name search happens (elsewhere the text is sent as given).
    pub lookup_versions: Range,
    /// (typed key, sent key, the expression its value goes through: the sent key is its root)
    pub record_keys: Vec<(String, String, Option<Expr>)>,
    pub record_defaults: Vec<(String, Template)>,
    pub alone: Vec<String>,
    pub alone_since: Option<Version>,
    pub one_of: Vec<String>,
    pub invalid: Option<Template>,
    pub metavar: Option<String>,
    pub help: String,
    pub versions: Range,
    /// The operation runs once per value of this argument (`each:`): the library takes one.
    pub per_value: bool,
}

impl Arg {
    /// The library takes several values: a `many` argument (unless the operation runs once per
    /// value), a `record` or a `key_value`.
    pub fn takes_list(&self) -> bool {
        matches!(self.ty, ArgType::KeyValue | ArgType::Record) || (self.many && !self.per_value)
    }
}
