//! What the spec's expression trees (`novagen_spec::Expr`, parsed and checked by the
//! generator) read at run time: the roots of one operation's scope.
//!
//! The scope of an operation is one JSON object: its arguments by name, `session`, `now`,
//! `typed` and `found` (what the CLI looked up), each step's result by its name, and `result`
//! (the latest result). [`Env`] gives the trees' roots from it.

use super::defs::Version;
use super::error::Error;
use novagen_spec::{EvalError, Expr, Root, Scope};
use serde_json::Value;

/// An operation's scope as the roots of an expression.
pub struct Env<'a> {
    pub scope: &'a Value,
    /// The session's microversion, for `version >= 2.37`.
    pub version: Option<Version>,
}

impl<'a> Env<'a> {
    pub fn new(scope: &'a Value, version: Option<Version>) -> Self {
        Env { scope, version }
    }
}

impl Scope for Env<'_> {
    fn value(&self, root: &Root) -> Option<&Value> {
        let s = self.scope;
        match root {
            Root::Arg(n) | Root::Step(n) => s.get(*n),
            Root::Typed(n) => s.get("typed")?.get(*n),
            Root::Found(n) => s.get("found")?.get(*n),
            Root::Session(f) => s.get("session")?.get(*f),
            Root::Reply => s.get("result"),
            Root::It | Root::Parent(_) | Root::Version | Root::Now => None,
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
