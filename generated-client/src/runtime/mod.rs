//! The hand-written runtime every generated manager and subcommand calls into: one generic
//! path from an operation definition to an HTTP request and back.
//!
//! - [`defs`]: the shapes of the emitted static definitions.
//! - [`session`]: HTTP, Keystone v3 auth, the service catalog, microversion negotiation.
//! - [`call`]: arguments → URL, query and body; replies → results; name-or-ID lookup; polling.
//! - [`output`]: novaclient-style tables and `--format json|yaml|value`.
//! - [`shell`]: the `nova` command line: global options, clouds.yaml, error printing.

pub mod builtin;
pub mod cache;
pub mod call;
pub mod cli;
pub mod clouds;
pub mod defs;
pub mod error;
pub mod files;
pub mod local;
pub mod output;
pub mod page;
pub mod progress;
pub mod scope;
pub mod session;
pub mod shell;
pub mod tls;
pub mod types;
pub mod yaml;

pub use defs::Version;
pub use request::Request;

mod request;
pub use error::Error;
pub use session::{Client, ConnectOptions};

use serde::de::DeserializeOwned;
use serde_json::Value;

/// One argument as a manager method received it.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    Absent,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<String>),
    Pairs(Vec<(String, String)>),
}

impl ArgValue {
    /// Not given by the caller: absent, or an empty repeatable option. (`false` is a value;
    /// for a flag, the runtime reads `false` as not given.)
    pub fn is_absent(&self) -> bool {
        match self {
            ArgValue::Absent => true,
            ArgValue::List(v) => v.is_empty(),
            ArgValue::Pairs(v) => v.is_empty(),
            _ => false,
        }
    }
}

impl ArgValue {
    /// The value as JSON, before any typing by its definition (texts stay texts).
    pub fn to_json(&self) -> Value {
        match self {
            ArgValue::Absent => Value::Null,
            ArgValue::Str(s) => Value::String(s.clone()),
            ArgValue::Int(i) => Value::from(*i),
            ArgValue::Float(f) => Value::from(*f),
            ArgValue::Bool(b) => Value::Bool(*b),
            ArgValue::List(l) => Value::from(l.clone()),
            ArgValue::Pairs(p) => Value::Object(
                p.iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
        }
    }

    /// Several texts (a repeatable option).
    pub fn list(items: impl IntoIterator<Item = impl Into<String>>) -> ArgValue {
        ArgValue::List(items.into_iter().map(Into::into).collect())
    }

    /// `key=value` pairs.
    pub fn pairs(
        items: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> ArgValue {
        ArgValue::Pairs(
            items
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl From<String> for ArgValue {
    fn from(s: String) -> Self {
        ArgValue::Str(s)
    }
}
impl From<f64> for ArgValue {
    fn from(f: f64) -> Self {
        ArgValue::Float(f)
    }
}
impl From<&str> for ArgValue {
    fn from(s: &str) -> Self {
        ArgValue::Str(s.to_string())
    }
}
impl From<i64> for ArgValue {
    fn from(i: i64) -> Self {
        ArgValue::Int(i)
    }
}
impl From<Option<i64>> for ArgValue {
    fn from(i: Option<i64>) -> Self {
        i.map_or(ArgValue::Absent, ArgValue::Int)
    }
}
impl From<bool> for ArgValue {
    fn from(b: bool) -> Self {
        ArgValue::Bool(b)
    }
}

/// What an operation returned, before it is typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    List(Vec<Value>),
    One(Value),
    Raw(Value),
    Empty,
}

/// A typed resource together with the JSON it was decoded from (which keeps the keys the spec
/// does not declare, for printing).
#[derive(Debug, Clone, PartialEq)]
pub struct Record<T> {
    pub data: T,
    pub raw: Value,
}

impl<T> std::ops::Deref for Record<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.data
    }
}

impl<T: DeserializeOwned> Record<T> {
    /// Decode `raw` as a `T`; a reply that does not fit is an error, never a panic.
    ///
    /// ```
    /// use novaclient::{types::Flavor, Record};
    /// let ok = Record::<Flavor>::decode(serde_json::json!({"id": "1", "name": "m1.tiny"}));
    /// assert_eq!(ok.map(|r| r.name.clone()).ok(), Some("m1.tiny".to_string()));
    /// let bad = Record::<Flavor>::decode(serde_json::json!({"id": 1})).err().map(|e| e.to_string());
    /// assert_eq!(bad.as_deref(), Some("The server sent a flavor this client cannot read: invalid type: integer `1`, expected a string"));
    /// ```
    pub fn decode(raw: Value) -> Result<Record<T>, Error> {
        let data = T::deserialize(&raw).map_err(shape_error::<T>)?;
        Ok(Record { data, raw })
    }
}

/// Whether `v` decodes as a `T` (the `check` of each resource definition).
pub fn check<T: DeserializeOwned>(v: &Value) -> Result<(), novagen_spec::Mismatch> {
    T::deserialize(v).map(|_| ()).map_err(mismatch_of::<T>)
}

fn mismatch_of<T>(e: serde_json::Error) -> novagen_spec::Mismatch {
    novagen_spec::Mismatch {
        what: std::any::type_name::<T>()
            .rsplit("::")
            .next()
            .unwrap_or("resource")
            .to_lowercase(),
        detail: e.to_string(),
    }
}

fn shape_error<T>(e: serde_json::Error) -> Error {
    mismatch_of::<T>(e).into()
}

/// Turns a [`Reply`] into a manager method's return type.
pub trait FromReply: Sized {
    fn from_reply(reply: Reply) -> Result<Self, Error>;
}

impl<T: DeserializeOwned> FromReply for Vec<Record<T>> {
    fn from_reply(reply: Reply) -> Result<Self, Error> {
        match reply {
            Reply::List(items) => items.into_iter().map(Record::decode).collect(),
            other => Err(mismatch("a list", &other)),
        }
    }
}

impl<T: DeserializeOwned> FromReply for Record<T> {
    fn from_reply(reply: Reply) -> Result<Self, Error> {
        match reply {
            Reply::One(v) => Record::decode(v),
            other => Err(mismatch("one resource", &other)),
        }
    }
}

impl FromReply for Value {
    fn from_reply(reply: Reply) -> Result<Self, Error> {
        match reply {
            Reply::Raw(v) | Reply::One(v) => Ok(v),
            Reply::Empty => Ok(Value::Null),
            Reply::List(items) => Ok(Value::Array(items)),
        }
    }
}

impl FromReply for () {
    fn from_reply(_: Reply) -> Result<Self, Error> {
        Ok(())
    }
}

fn mismatch(wanted: &str, got: &Reply) -> Error {
    Error::Shape {
        what: "reply".into(),
        detail: format!("expected {wanted}, got {got:?}"),
    }
}
