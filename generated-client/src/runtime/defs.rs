//! The shapes of the static definitions the generator emits (see `spec/README.md` for the
//! meaning of each field). The runtime interprets them; nothing here knows any operation.

/// A compute microversion `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: Option<Version>,
    pub max: Option<Version>,
}

impl Range {
    pub fn contains(&self, v: Version) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }

    /// `2.2 - 2.latest`
    pub fn describe(&self) -> String {
        let lo = self.min.unwrap_or(Version(2, 1));
        match self.max {
            Some(hi) => format!("{lo} - {hi}"),
            None => format!("{lo} - 2.latest"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Compute,
    Image,
}

impl Service {
    /// The service type in the Keystone catalog.
    pub fn catalog_type(self) -> &'static str {
        match self {
            Service::Compute => "compute",
            Service::Image => "image",
        }
    }
}

#[derive(Debug)]
pub struct ResourceDef {
    pub name: &'static str,
    pub service: Service,
    pub lookup: Option<LookupDef>,
    pub columns: &'static [ColumnDef],
    pub sort_by: Option<&'static str>,
    pub show: &'static [ShowDef],
}

#[derive(Debug)]
pub struct LookupDef {
    pub get: &'static str,
    pub get_key: Option<&'static str>,
    pub list: &'static str,
    pub list_key: &'static str,
    pub name_query: Option<&'static str>,
    pub alphanum_id: bool,
}

#[derive(Debug)]
pub struct ColumnDef {
    pub title: &'static str,
    pub field: &'static str,
    pub format: Option<ColumnFormat>,
    pub versions: Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnFormat {
    Networks,
    PowerState,
}

#[derive(Debug)]
pub struct ShowDef {
    pub field: &'static str,
    pub action: ShowAction,
    pub resource: Option<&'static ResourceDef>,
    pub empty: Option<&'static str>,
    pub versions: Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShowAction {
    Drop,
    Networks,
    Flatten,
    Names,
    Ref,
}

#[derive(Debug)]
pub struct OpDef {
    pub command: &'static str,
    pub resource: &'static ResourceDef,
    pub method: &'static str,
    pub path: &'static str,
    pub args: &'static [ArgDef],
    pub body: Option<&'static str>,
    pub response_key: Option<&'static str>,
    pub item_key: Option<&'static str>,
    pub returns: Returns,
    pub id_header: Option<&'static str>,
    pub output: OutputDef,
    pub poll: Option<PollDef>,
    pub versions: Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    List,
    One,
    Raw,
    Nothing,
}

#[derive(Debug)]
pub struct ArgDef {
    pub name: &'static str,
    /// How the user typed it: `<server>` or `--key-type`.
    pub cli: &'static str,
    pub ty: ArgType,
    pub required_since: Option<Version>,
    pub default: Option<&'static str>,
    pub default_since: Option<Version>,
    pub resource: Option<&'static ResourceDef>,
    pub query: Option<&'static str>,
    pub versions: Range,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    String,
    Integer,
    Boolean,
    Flag,
    File,
    KeyValue,
    Nic,
}

#[derive(Debug)]
pub struct OutputDef {
    pub kind: OutputKind,
    pub field: Option<&'static str>,
    pub message: Option<&'static str>,
    pub error: Option<&'static str>,
    pub resource: Option<&'static ResourceDef>,
    pub when: Option<&'static str>,
    pub refetch: bool,
    pub min_version: Option<Version>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Table,
    Properties,
    Value,
    Message,
    None,
}

#[derive(Debug)]
pub struct PollDef {
    pub action: &'static str,
    pub until: &'static [&'static str],
    pub resource: &'static ResourceDef,
}
