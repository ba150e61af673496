//! What the spec's expression trees (`novagen_spec::Expr`, parsed and checked by the
//! generator) read at run time: the roots of one operation's scope.
//!
//! The scope of an operation is one JSON object: its arguments by name, `session`, `now`,
//! `typed` and `found` (what the CLI looked up), each step's result by its name, `result`
//! (the latest result: `reply`), and in a step's loop `item` (`it`) with `item^` (its
//! parents, `it.^`). [`Env`] gives the trees' roots from it, with more loop items on top.

use super::defs::{Body, ResourceDef, Version};
use super::error::Error;
use novagen_spec::{EvalError, Expr, Item, Root, Scope, Template};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// An operation's scope as the roots of an expression.
pub struct Env<'a> {
    pub scope: &'a Value,
    /// The session's microversion, for `version >= 2.37`.
    pub version: Option<Version>,
    /// Loop items above the scope's own (`it` first, then `it.^`, ...).
    pub items: Vec<&'a Value>,
}

impl<'a> Env<'a> {
    pub fn new(scope: &'a Value, version: Option<Version>) -> Self {
        Env {
            scope,
            version,
            items: Vec::new(),
        }
    }

    /// The same scope with `it` (and its parents, innermost first) on top.
    pub fn with(mut self, items: &[&'a Value]) -> Self {
        let mut all = items.to_vec();
        all.append(&mut self.items);
        self.items = all;
        self
    }
}

impl Scope for Env<'_> {
    fn value(&self, root: &Root) -> Option<&Value> {
        let s = self.scope;
        match root {
            Root::Arg(n) => s.get(*n),
            Root::Typed(n) => s.get("typed")?.get(*n),
            Root::Found(n) => s.get("found")?.get(*n),
            Root::Session(f) => s.get("session")?.get(*f),
            Root::Reply => s.get("result"),
            Root::It | Root::Parent(_) | Root::Version | Root::Now => None,
        }
    }

    fn item(&self, up: usize) -> Option<&Value> {
        match up.checked_sub(self.items.len()) {
            None => self.items.get(up).copied(),
            Some(0) => self.scope.get("item"),
            Some(k) => self.scope.get("item^")?.get(k - 1),
        }
    }

    fn version(&self) -> Option<(u16, u16)> {
        self.version.map(|v| (v.0, v.1))
    }

    fn now(&self) -> Option<Value> {
        self.scope.get("now").cloned()
    }
}

impl From<EvalError> for Error {
    fn from(e: EvalError) -> Error {
        match e {
            EvalError::Command(m) => Error::Command(m),
            EvalError::Value(m) => Error::Value(m),
        }
    }
}

/// Whether a condition (`when:`) holds in `scope`: no condition always holds; one that cannot
/// be evaluated does not.
pub fn holds(when: &Option<Expr>, scope: &Value, version: Version) -> bool {
    match when {
        None => true,
        Some(e) => novagen_spec::eval(e, &Env::new(scope, Some(version)))
            .is_ok_and(|v| novagen_spec::truthy(v.as_deref())),
    }
}

/// Whether a refusal's condition holds (its evaluation errors are the command's).
pub fn refused(when: &Expr, scope: &Value, version: Version) -> Result<bool, Error> {
    let env = Env::new(scope, Some(version));
    let v = novagen_spec::eval(when, &env)?;
    Ok(novagen_spec::truthy(v.as_deref()))
}

/// An expression's value (absent: `None`).
pub fn eval(e: &Expr, env: &Env) -> Result<Option<Value>, Error> {
    Ok(novagen_spec::eval(e, env)?.map(Cow::into_owned))
}

/// A template's value: exactly `{expr}` is that value, anything else text.
pub fn template(t: &Template, env: &Env) -> Result<Option<Value>, Error> {
    Ok(novagen_spec::eval_template(t, env)?.map(Cow::into_owned))
}

/// A template as text (absent: empty).
pub fn text_of(t: &Template, env: &Env) -> Result<String, Error> {
    Ok(novagen_spec::text(
        novagen_spec::eval_template(t, env)?.as_deref(),
    ))
}

/// A value as text in a message, URL or query: strings bare, the rest as a table cell.
pub fn text(v: Option<&Value>) -> String {
    novagen_spec::text(v)
}

/// Fill a body template: each string template becomes its value, a key whose value is absent
/// is left out (and a list item). `None`: nothing left.
pub fn fill(b: &Body, env: &Env) -> Result<Option<Value>, Error> {
    Ok(match b {
        Body::Template(t) => template(t, env)?,
        Body::Object(m) => {
            let mut out = Map::new();
            for (k, v) in *m {
                if let Some(v) = fill(v, env)? {
                    out.insert(k.to_string(), v);
                }
            }
            Some(Value::Object(out))
        }
        Body::List(a) => {
            let mut out = Vec::new();
            for v in *a {
                if let Some(v) = fill(v, env)? {
                    out.push(v);
                }
            }
            Some(Value::Array(out))
        }
        Body::Lit(l) => novagen_spec::eval(&Expr::Lit(*l), env)?.map(Cow::into_owned),
        Body::Concat(parts) => {
            let mut out = Vec::new();
            for p in *parts {
                if let Some(w) = &p.when {
                    if !novagen_spec::truthy(novagen_spec::eval(w, env)?.as_deref()) {
                        continue;
                    }
                }
                match fill(&p.body, env)? {
                    Some(Value::Array(items)) if !p.item => out.extend(items),
                    Some(v) => out.push(v),
                    None => {}
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
    })
}

/// The items of a loop over `e`, each with its parents (innermost first), owned.
pub fn items(e: &Expr, env: &Env) -> Result<Vec<(Value, Vec<Value>)>, Error> {
    let items: Vec<Item> = novagen_spec::items(e, env)?.unwrap_or_default();
    Ok(items
        .into_iter()
        .filter(|i| !i.value.is_null())
        .map(|i| {
            let parents = i.parents.iter().map(|p| (*p).clone()).collect();
            (i.value.into_owned(), parents)
        })
        .collect())
}

/// A row of an exploded list (`reply[].servers[]`) keeps its parents under `^` (objects only),
/// for a column's `^.field`.
pub fn with_parents(item: Value, parents: &[Value]) -> Value {
    let Some((first, rest)) = parents.split_first() else {
        return item;
    };
    match item {
        Value::Object(mut m) => {
            m.insert("^".into(), with_parents(first.clone(), rest));
            Value::Object(m)
        }
        other => other,
    }
}

/// `reply.KEY`: the key a paged list result is read from.
pub fn reply_key(e: &Expr) -> Option<&'static str> {
    match e {
        Expr::Path(novagen_spec::Path {
            root: Root::Reply,
            steps: [novagen_spec::Step::Key(k)],
        }) => Some(k),
        _ => None,
    }
}

/// What reading the cloud takes (`expand:`), and the session's microversion.
pub trait Resolver {
    /// One resource of the spec by its ID.
    fn fetch(&self, resource: &str, id: &str) -> Result<Value, Error>;

    /// One resource of the spec by its name or ID (its lookup), as a record key's value.
    fn find(&self, res: &ResourceDef, text: &str) -> Result<Value, Error> {
        Err(Error::command(format!(
            "no cloud to look the {} '{text}' up in",
            res.name
        )))
    }

    /// The session's compute microversion.
    fn version(&self) -> Option<Version> {
        None
    }
}
/// No cloud: `expand:` shows "not found", a properties `expand:` fails.
pub struct NoResolver;
impl Resolver for NoResolver {
    fn fetch(&self, resource: &str, _: &str) -> Result<Value, Error> {
        Err(Error::command(format!(
            "no cloud to fetch the {resource} from"
        )))
    }
}

/// The current time in UTC, as the `now` root holds it.
pub fn now() -> Value {
    Value::String(
        chrono::Utc::now()
            .naive_utc()
            .format("%Y-%m-%dT%H:%M:%S%.6f")
            .to_string(),
    )
}
