//! The static definitions' types: one set, in `novagen-spec` (`docs/edition-2.md`, section 1).
pub use novagen_spec::{defs::*, Expr, Format, Template};
