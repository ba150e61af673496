//! `novagen-spec`: the spec language of novagen's second edition (`docs/edition-2.md`,
//! sections 2 and 3), as one set of types that the generator and the runtime share.
//!
//! - **Types** ([`Expr`], [`Template`], [`Root`], [`Call`]/[`Filter`], [`Lit`], [`Format`]),
//!   always compiled, with `&'static` fields only: generated code holds them as `static` data
//!   and the runtime interprets those same structs (no mirror types).
//! - **Definitions** ([`defs`]: [`ResourceDef`], [`OpDef`], [`ArgDef`], [`StepDef`],
//!   [`PrintDef`], ...), always compiled: the one set of types the generator builds, the
//!   generated code holds as `static` data and the runtime interprets.
//! - **Evaluator** ([`eval`], [`eval_template`], [`Scope`]), always compiled, depending on
//!   serde_json and chrono only: what the library (`novaclient`) uses, with default features.
//! - **Printer**: `Display` for [`Expr`] and [`Template`] writes canonical text, which the
//!   parser reads back to the same tree.
//! - Feature **`parse`** (the generator only): [`parse_expr`] and [`parse_template`], text to
//!   trees, with [`ParseError`]s that say what to write instead. It leaks what it builds. Also
//!   `serde::Deserialize` for the definitions' closed sets ([`Service`], [`ArgType`], ...).
//!   [`parse_range`]: the one spelling of a microversion range (`"2.1-2.96"`, `"2.26-"`,
//!   `"-2.52"`) to a [`Range`].
//! - Feature **`bake`** (the generator only): `databake::Bake` on every type, so the emitter can
//!   write a parsed tree as a `static` item.
//!
//! The language in brief (docs/edition-2.md has the rationale):
//!
//! ```text
//! expr     := coalesce ("if" coalesce ("else" expr)?)?   'HARD' if hard else 'SOFT'
//! coalesce := logic ("??" logic)*                       first operand present (null is)
//! logic    := and ("or" and)*
//! and      := not ("and" not)*
//! not      := "not" not | compare
//! compare  := pipe (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") pipe)?
//! pipe     := primary ("|" NAME ("(" expr ("," expr)* ")")?)*
//! primary  := path | literal | "(" expr ")" | "[" (expr ("," expr)*)? "]"
//! path     := ROOT ("." KEY | "." "'" any "'" | "[]" | "[" INT "]")*
//! ROOT     := NAME | typed.NAME | found.NAME | reply | it | it.^… | version
//!           | session.(project_id|user_id) | now
//! literal  := 'plain text' | "template {expr}" | INT | FLOAT | true | false | null | absent
//! ```
//!
//! `version` is compared only with a microversion (`version >= 2.37`; `2.9 < 2.10`). Truth:
//! absent, `null`, `false`, `""`, `[]`, `{}` are false, all else (`0` too) is true. A spec
//! string is a template: `{expr}` pieces, `{{`/`}}` for braces; exactly `"{expr}"` is the
//! value itself.
//!
//! ```
//! # #[cfg(feature = "parse")] {
//! use novagen_spec::{eval, parse_expr, Root, Scope};
//! use serde_json::{json, Value};
//!
//! struct Args(Value);
//! impl Scope for Args {
//!     fn value(&self, root: &Root) -> Option<&Value> {
//!         match root {
//!             Root::Arg(name) => self.0.get(*name),
//!             _ => None,
//!         }
//!     }
//! }
//!
//! let e = parse_expr("'HARD' if hard else 'SOFT'").unwrap();
//! let args = Args(json!({"hard": true}));
//! let got = eval(&e, &args).unwrap();
//! assert_eq!(got.as_deref(), Some(&json!("HARD")));
//! assert_eq!(e.to_string(), "'HARD' if hard else 'SOFT'");
//! # }
//! ```

mod crypto;
pub mod defs;
mod eval;
mod filters;
pub mod format;
#[cfg(feature = "parse")]
mod parse;
mod print;
#[cfg(feature = "parse")]
mod range;
mod types;

pub use defs::*;
pub use eval::{eval, eval_template, items, text, truthy, EvalError, Item, ItemScope, Scope};
pub use filters::dates;
#[cfg(feature = "parse")]
pub use parse::{parse_expr, parse_template, ParseError, RESERVED, ROOTS, SESSION_FIELDS};
#[cfg(feature = "parse")]
pub use range::parse_range;
pub use types::{Call, Cmp, Expr, Filter, Format, Lit, Path, Piece, Root, Step, Template};
