//! Trees → canonical text (`Display`): single spaces around operators, `a | f(x, y)`,
//! parentheses only where precedence needs them. The parser reads the text back to the same
//! tree (tested: `parse(print(e)) == e` for the trees the parser makes).

use crate::types::{Expr, Lit, Path, Piece, Root, Step, Template};
use std::fmt::{self, Display, Formatter, Write};

/// Binding strength, loosest first (see [`Expr`]).
fn prec(e: &Expr) -> u8 {
    match e {
        Expr::If { .. } => 0,
        Expr::Coalesce(_) => 1,
        Expr::Or(_) => 2,
        Expr::And(_) => 3,
        Expr::Not(_) => 4,
        Expr::Compare(..) => 5,
        Expr::Pipe(..) => 6,
        Expr::Lit(_) | Expr::Path(_) | Expr::Template(_) | Expr::List(_) => 7,
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_at(f, self, 0)
    }
}

/// The template as a spec string: text with `{expr}`s, braces doubled.
impl Display for Template {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_template(f, self, false)
    }
}

impl Display for Path {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.root {
            Root::Arg(n) => f.write_str(n)?,
            Root::Typed(n) => write!(f, "typed.{n}")?,
            Root::Found(n) => write!(f, "found.{n}")?,
            Root::Reply => f.write_str("reply")?,
            Root::It => f.write_str("it")?,
            Root::Parent(up) => {
                f.write_str("it")?;
                for _ in 0..up {
                    f.write_str(".^")?;
                }
            }
            Root::Version => f.write_str("version")?,
            Root::Session(n) => write!(f, "session.{n}")?,
            Root::Now => f.write_str("now")?,
        }
        for s in self.steps {
            match s {
                Step::Key(k) if is_ident(k) => write!(f, ".{k}")?,
                Step::Key(k) => {
                    f.write_char('.')?;
                    quoted(f, k)?;
                }
                Step::Index(i) => write!(f, "[{i}]")?,
                Step::Each => f.write_str("[]")?,
            }
        }
        Ok(())
    }
}

impl Display for Lit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Lit::Null => f.write_str("null"),
            Lit::Bool(b) => write!(f, "{b}"),
            Lit::Int(i) => write!(f, "{i}"),
            Lit::Float(x) => {
                // Rust writes the shortest text that reads back the same, without exponent;
                // a whole number gets its `.0` so that it reads back as a float.
                let t = x.to_string();
                if t.contains('.') {
                    f.write_str(&t)
                } else {
                    write!(f, "{t}.0")
                }
            }
            Lit::Str(s) => quoted(f, s),
            Lit::Version(a, b) => write!(f, "{a}.{b}"),
            Lit::Absent => f.write_str("absent"),
        }
    }
}

/// A name the parser reads as one key (else the key is quoted).
fn is_ident(k: &str) -> bool {
    let mut c = k.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn quoted(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\'' => f.write_str("\\'")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

fn write_at(f: &mut Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if prec(e) < min {
        f.write_char('(')?;
        write_at(f, e, 0)?;
        return f.write_char(')');
    }
    let list = |f: &mut Formatter<'_>, items: &[Expr], sep: &str, at: u8| {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                f.write_str(sep)?;
            }
            write_at(f, x, at)?;
        }
        Ok(())
    };
    match e {
        Expr::Lit(l) => write!(f, "{l}"),
        Expr::Path(p) => write!(f, "{p}"),
        Expr::Template(t) => {
            f.write_char('"')?;
            write_template(f, t, true)?;
            f.write_char('"')
        }
        Expr::List(items) => {
            f.write_char('[')?;
            list(f, items, ", ", 0)?;
            f.write_char(']')
        }
        Expr::Pipe(input, calls) => {
            write_at(f, input, 7)?;
            for c in *calls {
                write!(f, " | {}", c.filter.name())?;
                if !c.args.is_empty() {
                    f.write_char('(')?;
                    list(f, c.args, ", ", 0)?;
                    f.write_char(')')?;
                }
            }
            Ok(())
        }
        Expr::Compare(a, op, b) => {
            write_at(f, a, 6)?;
            write!(f, " {} ", op.text())?;
            write_at(f, b, 6)
        }
        Expr::Not(a) => {
            f.write_str("not ")?;
            write_at(f, a, 4)
        }
        Expr::And(items) => list(f, items, " and ", 4),
        Expr::Or(items) => list(f, items, " or ", 3),
        Expr::Coalesce(items) => list(f, items, " ?? ", 2),
        Expr::If {
            then,
            cond,
            otherwise,
        } => {
            write_at(f, then, 1)?;
            f.write_str(" if ")?;
            write_at(f, cond, 1)?;
            if let Some(o) = otherwise {
                f.write_str(" else ")?;
                write_at(f, o, 0)?;
            }
            Ok(())
        }
    }
}

/// A template's body; `quoted`: inside an expression's `"..."` (backslash escapes too).
fn write_template(f: &mut Formatter<'_>, t: &Template, quoted: bool) -> fmt::Result {
    let expr = |f: &mut Formatter<'_>, e: &Expr| write!(f, "{{{e}}}");
    match t {
        Template::Value(e) => expr(f, e),
        Template::Text(pieces) => {
            for p in *pieces {
                match p {
                    Piece::Expr(e) => expr(f, e)?,
                    Piece::Text(s) => {
                        for c in s.chars() {
                            match c {
                                '{' => f.write_str("{{")?,
                                '}' => f.write_str("}}")?,
                                '\\' if quoted => f.write_str("\\\\")?,
                                '"' if quoted => f.write_str("\\\"")?,
                                '\n' if quoted => f.write_str("\\n")?,
                                '\t' if quoted => f.write_str("\\t")?,
                                '\r' if quoted => f.write_str("\\r")?,
                                c => f.write_char(c)?,
                            }
                        }
                    }
                }
            }
            Ok(())
        }
    }
}
