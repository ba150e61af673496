//! Trees → values (always compiled; the runtime's evaluator).
//!
//! Absent is `None`. A value that a path only reads is borrowed from the [`Scope`]
//! (`Cow::Borrowed`): a column that is a plain path copies nothing, however many items a list
//! has. Evaluation never panics; a value a filter cannot read is an [`EvalError`].

use crate::filters;
use crate::types::{Cmp, Expr, Lit, Path, Piece, Root, Step, Template};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// What the runtime provides to an evaluation.
pub trait Scope {
    /// The value of [`Root::Arg`], [`Root::Typed`], [`Root::Found`],
    /// [`Root::Reply`] or [`Root::Session`], when there is one (else the path is absent).
    fn value(&self, root: &Root) -> Option<&Value>;

    /// The loop item `up` levels above the innermost: 0 is `it`, 1 is `it.^`, ...
    fn item(&self, up: usize) -> Option<&Value> {
        let _ = up;
        None
    }

    /// The session's microversion, for `version` (absent: every comparison is false).
    fn version(&self) -> Option<(u16, u16)> {
        None
    }

    /// `now`: the current UTC time as text `YYYY-MM-DDTHH:MM:SS.ffffff`.
    fn now(&self) -> Option<Value> {
        None
    }
}

/// A scope with one more loop item: `it` is `item`, `it.^` its `parents` (innermost first),
/// then the outer scope's items.
pub struct ItemScope<'s> {
    outer: &'s dyn Scope,
    item: &'s Value,
    parents: &'s [&'s Value],
}

impl<'s> ItemScope<'s> {
    pub fn new(outer: &'s dyn Scope, item: &'s Value, parents: &'s [&'s Value]) -> Self {
        ItemScope {
            outer,
            item,
            parents,
        }
    }
}

impl Scope for ItemScope<'_> {
    fn value(&self, root: &Root) -> Option<&Value> {
        self.outer.value(root)
    }

    fn item(&self, up: usize) -> Option<&Value> {
        match up {
            0 => Some(self.item),
            n => match self.parents.get(n - 1) {
                Some(p) => Some(*p),
                None => self.outer.item(n - 1 - self.parents.len()),
            },
        }
    }

    fn version(&self) -> Option<(u16, u16)> {
        self.outer.version()
    }

    fn now(&self) -> Option<Value> {
        self.outer.now()
    }
}

/// Why an evaluation failed, with novaclient's error kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// `CommandError`: a value a filter cannot read (`'x' cannot be read as int.`).
    Command(String),
    /// `ValueError`: Python's own message for a bad date.
    Value(String),
}

impl EvalError {
    /// novaclient's name for the kind: `CommandError`, `ValueError`.
    pub fn kind(&self) -> &'static str {
        match self {
            EvalError::Command(_) => "CommandError",
            EvalError::Value(_) => "ValueError",
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Command(m) | EvalError::Value(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for EvalError {}

pub(crate) type Out<'a> = Option<Cow<'a, Value>>;

/// Evaluate an expression: `None` is absent.
#[inline]
pub fn eval<'a>(e: &Expr, s: &'a dyn Scope) -> Result<Out<'a>, EvalError> {
    // A path (most of what a row evaluates) without the rest's frame.
    match e {
        Expr::Path(p) => Ok(path(p, s)),
        other => eval_tree(other, s),
    }
}

fn eval_tree<'a>(e: &Expr, s: &'a dyn Scope) -> Result<Out<'a>, EvalError> {
    let bool = |b: bool| Ok(Some(Cow::Owned(Value::Bool(b))));
    match e {
        Expr::Lit(l) => Ok(lit(l).map(Cow::Owned)),
        Expr::Path(p) => Ok(path(p, s)),
        Expr::Template(t) => eval_template(t, s),
        Expr::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for x in *items {
                if let Some(v) = eval(x, s)? {
                    out.push(v.into_owned());
                }
            }
            Ok(Some(Cow::Owned(Value::Array(out))))
        }
        Expr::Pipe(input, calls) => filters::pipe(input, calls, s),
        Expr::Compare(a, op, b) => bool(compare(a, *op, b, s)?),
        Expr::Not(a) => bool(!truth(a, s)?),
        Expr::And(items) => {
            for x in *items {
                if !truth(x, s)? {
                    return bool(false);
                }
            }
            bool(true)
        }
        Expr::Or(items) => {
            for x in *items {
                if truth(x, s)? {
                    return bool(true);
                }
            }
            bool(false)
        }
        Expr::Coalesce(items) => {
            for x in *items {
                if let Some(v) = eval(x, s)? {
                    return Ok(Some(v));
                }
            }
            Ok(None)
        }
        Expr::If {
            then,
            cond,
            otherwise,
        } => {
            if truth(cond, s)? {
                eval(then, s)
            } else {
                match otherwise {
                    Some(o) => eval(o, s),
                    None => Ok(None),
                }
            }
        }
    }
}

/// Evaluate a template: exactly one `{expr}` is that value (absent stays absent); otherwise
/// the text of its pieces, each expression's value as [`text`].
pub fn eval_template<'a>(t: &Template, s: &'a dyn Scope) -> Result<Out<'a>, EvalError> {
    match t {
        Template::Value(e) => eval(e, s),
        Template::Text(pieces) => {
            let mut out = String::with_capacity(crate::filters::TEXT);
            push_pieces(&mut out, pieces, s)?;
            Ok(Some(Cow::Owned(Value::String(out))))
        }
    }
}

fn push_pieces(out: &mut String, pieces: &[Piece], s: &dyn Scope) -> Result<(), EvalError> {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Expr(e) => {
                write_text(out, e, s)?;
            }
        }
    }
    Ok(())
}

/// `push_text(out, eval(e))`, written in place where that needs no value of its own: a text
/// template's pieces, and a pipe that ends in `join` (see `filters::write_pipe`). Whether
/// the value was present (absent writes nothing).
pub(crate) fn write_text(out: &mut String, e: &Expr, s: &dyn Scope) -> Result<bool, EvalError> {
    match e {
        Expr::Template(Template::Text(pieces)) => {
            push_pieces(out, pieces, s)?;
            Ok(true)
        }
        Expr::If {
            then,
            cond,
            otherwise,
        } => {
            if truth(cond, s)? {
                write_text(out, then, s)
            } else {
                match otherwise {
                    Some(o) => write_text(out, o, s),
                    None => Ok(false),
                }
            }
        }
        Expr::Pipe(input, calls) => {
            if let Some(present) = filters::write_pipe(out, input, calls, s)? {
                return Ok(present);
            }
            let v = eval(e, s)?;
            push_text(out, v.as_deref());
            Ok(v.is_some())
        }
        _ => {
            let v = eval(e, s)?;
            push_text(out, v.as_deref());
            Ok(v.is_some())
        }
    }
}

/// [`truthy`] of an expression's value, without building what only its truth needs:
/// `X | map(e)` is true when some item of X gives a value (every item is still evaluated,
/// so an item that cannot be read fails as before).
pub(crate) fn truth(e: &Expr, s: &dyn Scope) -> Result<bool, EvalError> {
    if let Expr::Pipe(input, calls) = e {
        if let Some(any) = filters::map_truth(input, calls, s)? {
            return Ok(any);
        }
    }
    Ok(truthy(eval(e, s)?.as_deref()))
}

/// Truth (for `if`, `and`, `or`, `not`, `where`): absent, `null`, `false`, `""`, `[]` and `{}`
/// are false; everything else, `0` included, is true.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
        Some(_) => true,
    }
}

/// A value as text in a template, a URL or a query: today's rule (the first edition's
/// `expr::text`, which is `output::cell` but for strings), unchanged: absent is empty, a
/// string is itself, `null` is `-`, booleans are `True`/`False`, numbers as JSON, lists and
/// objects as Python's `json.dumps` writes them (`[1, "a"]`, `{"k": "v"}`).
pub fn text(v: Option<&Value>) -> String {
    let mut out = String::new();
    push_text(&mut out, v);
    out
}

pub(crate) fn push_text(out: &mut String, v: Option<&Value>) {
    match v {
        None => {}
        Some(Value::String(s)) => out.push_str(s),
        Some(Value::Null) => out.push('-'),
        Some(Value::Bool(b)) => out.push_str(if *b { "True" } else { "False" }),
        Some(Value::Number(n)) => out.push_str(&n.to_string()),
        Some(other) => py_json(out, other),
    }
}

/// JSON with Python's `json.dumps` separators (`", "` and `": "`).
fn py_json(out: &mut String, v: &Value) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                py_json(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push_str(": ");
                py_json(out, x);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn lit(l: &Lit) -> Option<Value> {
    Some(match l {
        Lit::Null => Value::Null,
        Lit::Bool(b) => Value::Bool(*b),
        Lit::Int(i) => Value::from(*i),
        Lit::Float(f) => Value::from(*f),
        Lit::Str(s) => Value::String((*s).to_string()),
        Lit::Version(a, b) => Value::String(format!("{a}.{b}")),
        Lit::Absent => return None,
    })
}

/// The value a path starts at.
fn base<'a>(root: &Root, s: &'a dyn Scope) -> Out<'a> {
    match root {
        Root::It => s.item(0).map(Cow::Borrowed),
        Root::Parent(up) => s.item(usize::from(*up)).map(Cow::Borrowed),
        Root::Version => s
            .version()
            .map(|(a, b)| Cow::Owned(Value::String(format!("{a}.{b}")))),
        Root::Now => s.now().map(Cow::Owned),
        other => s.value(other).map(Cow::Borrowed),
    }
}

/// The value of `e` when it is read in place, borrowed from the scope: a path without `[]`
/// from a root the scope holds, or such a path through filters that pick a part of it
/// (`filters::picked`). `None`: not such an expression (`eval` gives the same value).
pub(crate) fn in_place<'a>(e: &Expr, s: &'a dyn Scope) -> Option<Option<&'a Value>> {
    match e {
        Expr::Path(p) if !p.steps.contains(&Step::Each) => {
            let b = match p.root {
                Root::It => s.item(0),
                Root::Parent(up) => s.item(usize::from(up)),
                Root::Version | Root::Now => return None,
                other => s.value(&other),
            };
            Some(b.and_then(|v| walk(v, p.steps)))
        }
        Expr::Pipe(input, calls) => filters::picked(input, calls, s),
        _ => None,
    }
}

fn path<'a>(p: &Path, s: &'a dyn Scope) -> Out<'a> {
    let b = base(&p.root, s)?;
    if !p.steps.contains(&Step::Each) {
        return match b {
            Cow::Borrowed(v) => walk(v, p.steps).map(Cow::Borrowed),
            Cow::Owned(v) => walk(&v, p.steps).cloned().map(Cow::Owned),
        };
    }
    let items = explode(&b, p.steps);
    Some(Cow::Owned(Value::Array(
        items.into_iter().map(|(v, _)| v.clone()).collect(),
    )))
}

/// One step from a value.
pub(crate) fn step<'v>(v: &'v Value, s: &Step) -> Option<&'v Value> {
    match s {
        Step::Key(k) => key(v.as_object()?, k),
        Step::Index(i) => index(v, *i),
        Step::Each => None,
    }
}

/// An object's value at `k`. A small object is searched in place: comparing a few keys costs
/// less than hashing `k` (SipHash, serde_json's map), and keys are unique, so the value found
/// is the one `get` finds.
#[inline]
pub(crate) fn key<'v>(m: &'v serde_json::Map<String, Value>, k: &str) -> Option<&'v Value> {
    if m.len() <= SMALL_OBJECT {
        m.iter().find_map(|(x, v)| (x == k).then_some(v))
    } else {
        m.get(k)
    }
}

/// The most keys [`key`] compares one by one.
const SMALL_OBJECT: usize = 8;

/// `[i]` of a list; negative counts from the end.
pub(crate) fn index(v: &Value, i: i64) -> Option<&Value> {
    let a = v.as_array()?;
    let at = if i < 0 {
        i64::try_from(a.len()).ok()?.checked_add(i)?
    } else {
        i
    };
    a.get(usize::try_from(at).ok()?)
}

fn walk<'v>(v: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(v, |v, s| step(v, s))
}

/// Every value a path with `[]` reaches, each with the items of the earlier `[]`s it came
/// through (innermost first): `a[].b[]`'s items have the `a` item as their parent.
pub(crate) fn explode<'v>(base: &'v Value, steps: &[Step]) -> Vec<(&'v Value, Vec<&'v Value>)> {
    // (value, items of the `[]`s so far, innermost first)
    let mut cur: Vec<(&Value, Vec<&Value>)> = vec![(base, Vec::new())];
    for s in steps {
        cur = match s {
            Step::Each => cur
                .into_iter()
                .flat_map(|(v, chain)| {
                    v.as_array()
                        .map(|a| a.as_slice())
                        .unwrap_or_default()
                        .iter()
                        .map(move |x| {
                            let mut c = Vec::with_capacity(chain.len() + 1);
                            c.push(x);
                            c.extend(chain.iter().copied());
                            (x, c)
                        })
                })
                .collect(),
            s => cur
                .into_iter()
                .filter_map(|(v, chain)| step(v, s).map(|x| (x, chain)))
                .collect(),
        };
    }
    cur.into_iter()
        .map(|(v, mut chain)| {
            if !chain.is_empty() {
                chain.remove(0);
            }
            (v, chain)
        })
        .collect()
}

/// One item of a list an expression yields, with the parents `it.^` reaches.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    pub value: Cow<'a, Value>,
    /// The items of the earlier `[]`s of the path it came from, innermost first.
    pub parents: Vec<&'a Value>,
}

/// The items of a loop over `e` (a step's `for`, a table's rows): a list's items; a path with
/// `[]` gives each item its parents (`it.^`); any other value is one item; absent is `None`.
pub fn items<'a>(e: &Expr, s: &'a dyn Scope) -> Result<Option<Vec<Item<'a>>>, EvalError> {
    if let Expr::Path(p) = e {
        if p.steps.contains(&Step::Each) {
            return Ok(match base(&p.root, s) {
                None => None,
                Some(Cow::Borrowed(b)) => Some(
                    explode(b, p.steps)
                        .into_iter()
                        .map(|(v, parents)| Item {
                            value: Cow::Borrowed(v),
                            parents,
                        })
                        .collect(),
                ),
                Some(Cow::Owned(b)) => Some(
                    explode(&b, p.steps)
                        .into_iter()
                        .map(|(v, _)| Item {
                            value: Cow::Owned(v.clone()),
                            parents: Vec::new(),
                        })
                        .collect(),
                ),
            });
        }
    }
    let lone = |v| Item {
        value: v,
        parents: Vec::new(),
    };
    Ok(eval(e, s)?.map(|v| match v {
        Cow::Borrowed(Value::Array(a)) => a.iter().map(|x| lone(Cow::Borrowed(x))).collect(),
        Cow::Owned(Value::Array(a)) => a.into_iter().map(|x| lone(Cow::Owned(x))).collect(),
        other => vec![lone(other)],
    }))
}

fn compare(a: &Expr, op: Cmp, b: &Expr, s: &dyn Scope) -> Result<bool, EvalError> {
    let is_version = |e: &Expr| {
        matches!(
            e,
            Expr::Path(Path {
                root: Root::Version,
                steps: []
            })
        )
    };
    // `version` against a version literal: compared as versions (2.9 < 2.10).
    let versions = match (a, b) {
        (v, Expr::Lit(Lit::Version(x, y))) if is_version(v) => Some((s.version(), Some((*x, *y)))),
        (Expr::Lit(Lit::Version(x, y)), v) if is_version(v) => Some((Some((*x, *y)), s.version())),
        _ => None,
    };
    if let Some(pair) = versions {
        let (Some(l), Some(r)) = pair else {
            return Ok(false);
        };
        return Ok(match op {
            Cmp::Eq => l == r,
            Cmp::Ne => l != r,
            Cmp::Lt => l < r,
            Cmp::Le => l <= r,
            Cmp::Gt => l > r,
            Cmp::Ge => l >= r,
            Cmp::In | Cmp::NotIn => false,
        });
    }
    let x = eval(a, s)?;
    let y = eval(b, s)?;
    let (x, y) = (x.as_deref(), y.as_deref());
    let order = |want: fn(std::cmp::Ordering) -> bool| order(x, y).is_some_and(want);
    Ok(match op {
        Cmp::Eq => equal(x, y),
        Cmp::Ne => !equal(x, y),
        Cmp::Lt => order(|o| o.is_lt()),
        Cmp::Le => order(|o| o.is_le()),
        Cmp::Gt => order(|o| o.is_gt()),
        Cmp::Ge => order(|o| o.is_ge()),
        Cmp::In => contains(y, x),
        Cmp::NotIn => !contains(y, x),
    })
}

/// `==`: absent equals only absent; numbers by value (`1 == 1.0`); the rest as JSON.
pub(crate) fn equal(x: Option<&Value>, y: Option<&Value>) -> bool {
    match (x, y) {
        (None, None) => true,
        (Some(Value::Number(a)), Some(Value::Number(b))) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => a == b,
            _ => a.as_f64() == b.as_f64(),
        },
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// `<` and friends: numbers by value, texts by code point; anything else is unordered (false).
fn order(x: Option<&Value>, y: Option<&Value>) -> Option<std::cmp::Ordering> {
    match (x?, y?) {
        (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
        },
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// `x in hay`: an item of a list, a key of an object, a part of a text.
fn contains(hay: Option<&Value>, x: Option<&Value>) -> bool {
    let Some(x) = x else { return false };
    match hay {
        Some(Value::Array(a)) => a.iter().any(|i| equal(Some(i), Some(x))),
        Some(Value::Object(m)) => x.as_str().is_some_and(|k| m.contains_key(k)),
        Some(Value::String(t)) => t.contains(&text(Some(x))),
        _ => false,
    }
}
