//! Text → trees (feature `parse`, the generator only).
//!
//! **Allocation: everything this module builds is leaked** (`Box::leak`, `Vec::leak`,
//! `String::leak`). The generator is a short-lived build-script process that parses each spec
//! text once; leaking lets it build the same `&'static` trees that the generated code holds as
//! `static` data, with no second set of owned types. Do not call it in a long-lived process
//! on unbounded input.
//!
//! Offsets in [`ParseError`] count characters (not bytes) from the start of the text given.
//! The parser knows the roots and filters but not the spec's argument names: any bare name
//! that is neither a reserved word nor a root is [`Root::Arg`], checked later by the generator.

use crate::types::{Call, Cmp, Expr, Filter, Lit, Path, Root, Template};
use std::fmt;

mod atoms;
use atoms::parse_version;

/// Words that are never an argument name.
pub const RESERVED: &[&str] = &[
    "and", "or", "not", "in", "if", "else", "true", "false", "null", "absent",
];

/// The named roots (an argument may not be named after one either).
pub const ROOTS: &[&str] = &[
    "typed", "found", "steps", "reply", "it", "version", "session", "now",
];

/// What `session.FIELD` may name.
pub const SESSION_FIELDS: &[&str] = &["project_id", "user_id"];

/// How deeply expressions may nest (parentheses, lists, arguments, templates, `not`).
const MAX_DEPTH: usize = 48;

/// What is wrong with a text, where (a character offset into it), and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for ParseError {}

type R<T> = Result<T, ParseError>;

/// An expression (a `when:`, a column's value, a filter argument): the whole text.
pub fn parse_expr(text: &str) -> R<Expr> {
    let mut p = Parser::new(text);
    let e = p.expr()?;
    p.ws();
    match p.peek() {
        None => Ok(e),
        Some(_) => Err(p.unexpected("after a complete expression")),
    }
}

/// A template (a spec string): text with `{expr}` pieces, `{{`/`}}` for literal braces.
pub fn parse_template(text: &str) -> R<Template> {
    let mut p = Parser::new(text);
    p.template(None)
}

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

fn leak_str(s: String) -> &'static str {
    s.leak()
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// What each filter of the first edition became.
fn old_filter(name: &str) -> Option<&'static str> {
    Some(match name {
        "then" => "`then` is the first edition's: write `X if <cond>` instead (`'HARD' if hard else 'SOFT'`)",
        "or" => "the filter `or` is the first edition's: write `value ?? other` (the first that is present), or `default(other)` (also for null and '')",
        "null" => "the filter `null` is the first edition's: write `value ?? null` (null when the value is absent)",
        "empty_null" => "the filter `empty_null` is the first edition's: write `null if value == '' else value`",
        "since" => "the filter `since` is the first edition's: write `value if version >= 2.19` (absent below that version)",
        "until" => "the filter `until` is the first edition's: write `value if version <= 2.19` (absent above that version)",
        "prefix" => "the filter `prefix` is the first edition's: write `\"P{value}\" if value else value`",
        "part" => "the filter `part` is the first edition's: write `split(':') | at(0)` (before the first `:`) or `split(':') | at(1) ?? 'default'` (after it)",
        "pyrepr" | "fixed" | "networks" | "power_state" | "pformat" | "quoted" | "flatten" | "wrap" | "json" =>
            "that is a display format now, not a filter: write `format: ...` on the column, property row or value",
        "ref" | "get_resource" => "reading the cloud is a lookup, not a filter: write `expand: {resource: ..., id: ...}` on the column or row",
        "lower" | "upper" => "there is no case-changing filter in the second edition: compare with `==` against both spellings, or use `case(from, to)`",
        _ => return None,
    })
}

fn filter_list() -> String {
    Filter::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

struct Parser {
    s: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser {
            s: text.chars().collect(),
            pos: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.s.get(self.pos + n).copied()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn looking_at(&self, t: &str) -> bool {
        t.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn err<T>(&self, offset: usize, message: impl Into<String>) -> R<T> {
        Err(ParseError {
            offset: offset.min(self.s.len()),
            message: message.into(),
        })
    }

    /// The identifier at `at`, if one starts there: (text, end).
    fn ident_at(&self, at: usize) -> Option<(String, usize)> {
        let first = *self.s.get(at)?;
        if !is_ident_start(first) {
            return None;
        }
        let mut end = at + 1;
        while self.s.get(end).is_some_and(|c| is_ident_char(*c)) {
            end += 1;
        }
        Some((self.s[at..end].iter().collect(), end))
    }

    /// After white space: the word `kw` (not a longer name), consumed.
    fn keyword(&mut self, kw: &str) -> bool {
        self.ws();
        match self.ident_at(self.pos) {
            Some((w, end)) if w == kw => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    fn peek_word(&mut self) -> Option<String> {
        self.ws();
        self.ident_at(self.pos).map(|(w, _)| w)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(
                self.pos,
                format!("the expression nests more than {MAX_DEPTH} levels deep: split it up"),
            );
        }
        Ok(())
    }

    /// The sentence for what is at `pos` where it does not belong.
    fn unexpected(&self, context: &str) -> ParseError {
        let at = self.pos;
        let msg = match self.peek() {
            None => format!("the text ends {context}: a value is missing"),
            Some(c) => match self.hint(at) {
                Some(h) => h,
                None => format!(
                    "unexpected `{c}` {context}: join values with an operator (`==`, `and`, `??`, ...) or a filter (`| name`)"
                ),
            },
        };
        ParseError {
            offset: at.min(self.s.len()),
            message: msg,
        }
    }

    /// What to write instead of a character sequence another language would use here.
    fn hint(&self, at: usize) -> Option<String> {
        let c = *self.s.get(at)?;
        let next = self.s.get(at + 1).copied();
        Some(match (c, next) {
            ('|', Some('|')) => {
                "`||` is the first edition's alternative: write `a ?? b` (the first that is present)".into()
            }
            ('&', _) => "write `and` for both conditions, not `&&`".into(),
            ('!', _) => "write `not x` to negate (`!=` compares)".into(),
            ('=', _) => "write `==` to compare".into(),
            ('{', _) => "`{` inside an expression: name values directly (`name`, not `{name}`); for text around values write a double-quoted template, as in \"{name}-suffix\"".into(),
            ('}', _) => "a `}` without its `{`: inside a template write `}}` for a literal brace".into(),
            (')', _) => "a `)` without its `(`".into(),
            (']', _) => "a `]` without its `[`".into(),
            (':', _) => "filter arguments go in parentheses: write `name(arg)`, not `name:arg`".into(),
            ('-', _) => "there is no minus operator; a key with `-` or `:` is quoted: `reply.'OS-EXT-STS:vm_state'`".into(),
            _ => return None,
        })
    }

    // expr := coalesce ("if" coalesce ("else" expr)?)?
    fn expr(&mut self) -> R<Expr> {
        self.enter()?;
        let then = self.coalesce()?;
        let e = if self.keyword("if") {
            let cond = self.coalesce()?;
            let otherwise = if self.keyword("else") {
                Some(leak(self.expr()?))
            } else {
                None
            };
            Expr::If {
                then: leak(then),
                cond: leak(cond),
                otherwise,
            }
        } else {
            then
        };
        if self.peek_word().as_deref() == Some("else") {
            return self.err(
                self.pos,
                "`else` without its `if`: write `a if cond else b` (parenthesise an inner conditional)",
            );
        }
        self.depth -= 1;
        Ok(e)
    }

    fn nary(
        &mut self,
        next: fn(&mut Parser) -> R<Expr>,
        sep: fn(&mut Parser) -> bool,
        make: fn(&'static [Expr]) -> Expr,
    ) -> R<Expr> {
        let first = next(self)?;
        let mut items = vec![first];
        while sep(self) {
            items.push(next(self)?);
        }
        Ok(if items.len() == 1 {
            first
        } else {
            make(items.leak())
        })
    }

    // coalesce := logic ("??" logic)*
    fn coalesce(&mut self) -> R<Expr> {
        self.nary(
            Parser::logic,
            |p| {
                p.ws();
                let yes = p.looking_at("??");
                if yes {
                    p.pos += 2;
                }
                yes
            },
            Expr::Coalesce,
        )
    }

    // logic := and ("or" and)*
    fn logic(&mut self) -> R<Expr> {
        self.nary(Parser::and, |p| p.keyword("or"), Expr::Or)
    }

    // and := not ("and" not)*
    fn and(&mut self) -> R<Expr> {
        self.nary(Parser::not, |p| p.keyword("and"), Expr::And)
    }

    // not := "not" not | compare
    fn not(&mut self) -> R<Expr> {
        if self.keyword("not") {
            self.enter()?;
            let e = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(leak(e)));
        }
        self.compare()
    }

    fn cmp_op(&mut self) -> R<Option<Cmp>> {
        self.ws();
        let two = [self.peek(), self.peek_at(1)];
        let op = match two {
            [Some('='), Some('=')] => Some((Cmp::Eq, 2)),
            [Some('!'), Some('=')] => Some((Cmp::Ne, 2)),
            [Some('<'), Some('=')] => Some((Cmp::Le, 2)),
            [Some('>'), Some('=')] => Some((Cmp::Ge, 2)),
            [Some('<'), _] => Some((Cmp::Lt, 1)),
            [Some('>'), _] => Some((Cmp::Gt, 1)),
            [Some('='), _] => {
                return self.err(
                    self.pos,
                    "write `==` to compare (`=` alone means nothing here)",
                )
            }
            _ => None,
        };
        if let Some((op, n)) = op {
            self.pos += n;
            return Ok(Some(op));
        }
        if self.keyword("in") {
            return Ok(Some(Cmp::In));
        }
        if let Some((w, end)) = self.ident_at(self.pos) {
            if w == "not" {
                let save = self.pos;
                self.pos = end;
                if self.keyword("in") {
                    return Ok(Some(Cmp::NotIn));
                }
                self.pos = save;
            }
        }
        Ok(None)
    }

    // compare := pipe (op pipe)?
    fn compare(&mut self) -> R<Expr> {
        self.ws();
        let lstart = self.pos;
        let left = self.pipe()?;
        let lend = self.pos;
        let op_at = {
            self.ws();
            self.pos
        };
        let Some(op) = self.cmp_op()? else {
            return Ok(left);
        };
        self.ws();
        let rstart = self.pos;
        let right = self.pipe()?;
        let rend = self.pos;
        let save = self.pos;
        if self.cmp_op()?.is_some() {
            return self.err(save, "comparisons do not chain: write `a < b and b < c`");
        }
        self.pos = save;
        let is_version = |e: &Expr| {
            matches!(
                e,
                Expr::Path(Path {
                    root: Root::Version,
                    steps: []
                })
            )
        };
        let (lv, rv) = (is_version(&left), is_version(&right));
        if !(lv || rv) {
            return Ok(Expr::Compare(leak(left), op, leak(right)));
        }
        if lv && rv {
            return self.err(
                lstart,
                "compare `version` with a microversion, as in `version >= 2.37`",
            );
        }
        if matches!(op, Cmp::In | Cmp::NotIn) {
            return self.err(
                op_at,
                "`version` is compared with `==`, `!=`, `<`, `<=`, `>`, `>=` and a microversion: write `version >= 2.37 and version <= 2.52`",
            );
        }
        let (other, start, end) = if lv {
            (&right, rstart, rend)
        } else {
            (&left, lstart, lend)
        };
        let text: String = self.s[start..end].iter().collect();
        let version = match other {
            Expr::Lit(Lit::Int(_) | Lit::Float(_)) => parse_version(text.trim()),
            _ => None,
        };
        let Some((major, minor)) = version else {
            return self.err(
                start,
                "`version` is compared only with a microversion written MAJOR.MINOR, as in `version >= 2.37`",
            );
        };
        let v = leak(Expr::Lit(Lit::Version(major, minor)));
        let ver = leak(Expr::Path(Path {
            root: Root::Version,
            steps: &[],
        }));
        Ok(if lv {
            Expr::Compare(ver, op, v)
        } else {
            Expr::Compare(v, op, ver)
        })
    }

    // pipe := primary ("|" filter)*
    fn pipe(&mut self) -> R<Expr> {
        let input = self.primary()?;
        let mut calls = Vec::new();
        loop {
            self.ws();
            if self.peek() != Some('|') {
                break;
            }
            if self.peek_at(1) == Some('|') {
                return Err(self.unexpected("here"));
            }
            self.pos += 1;
            calls.push(self.call()?);
        }
        Ok(if calls.is_empty() {
            input
        } else {
            Expr::Pipe(leak(input), calls.leak())
        })
    }

    // filter := NAME ("(" expr ("," expr)* ")")?
    fn call(&mut self) -> R<Call> {
        self.ws();
        let at = self.pos;
        let Some((name, end)) = self.ident_at(at) else {
            if self
                .peek()
                .is_some_and(|c| self.hint(at).is_some() && c != '-')
            {
                return Err(self.unexpected("after `|`"));
            }
            return self.err(
                at,
                format!(
                    "a filter name is missing after `|` (filters: {})",
                    filter_list()
                ),
            );
        };
        let Some(filter) = Filter::by_name(&name) else {
            let msg = match old_filter(&name) {
                Some(m) => m.to_string(),
                None => format!("there is no filter `{name}` (filters: {})", filter_list()),
            };
            return self.err(at, msg);
        };
        self.pos = end;
        if self.peek() == Some(':') {
            return self.err(
                self.pos,
                format!(
                    "filter arguments go in parentheses: write `{}`",
                    filter.usage()
                ),
            );
        }
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some('(') {
            self.pos += 1;
            args = self.items(')', "(")?;
        }
        let (min, max) = filter.arity();
        if args.len() < min || args.len() > max {
            let takes = match (min, max) {
                (0, 0) => "no arguments".to_string(),
                (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
                (a, b) => format!("{a} to {b} arguments"),
            };
            return self.err(
                at,
                format!(
                    "the filter `{name}` takes {takes}, not {}: write `{}`",
                    args.len(),
                    filter.usage()
                ),
            );
        }
        Ok(Call {
            filter,
            args: args.leak(),
        })
    }

    /// Comma-separated expressions up to `close` (the opening bracket already read).
    fn items(&mut self, close: char, open: &str) -> R<Vec<Expr>> {
        let start = self.pos.saturating_sub(1);
        let mut out = Vec::new();
        self.ws();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(out);
        }
        loop {
            out.push(self.expr()?);
            self.ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    return Ok(out);
                }
                None => {
                    return self.err(start, format!("a `{open}` without its `{close}`"));
                }
                Some(_) => {
                    return Err(self.unexpected(&format!(
                        "in a `{open}...{close}` list (items are separated by `,`)"
                    )))
                }
            }
        }
    }

    fn primary(&mut self) -> R<Expr> {
        self.ws();
        let at = self.pos;
        let Some(c) = self.peek() else {
            return self.err(
                at,
                "the text ends where a value belongs: write a name, 'text', a number, true, false, null, absent, [a list] or (an expression)",
            );
        };
        match c {
            '(' => {
                self.pos += 1;
                let e = self.expr()?;
                self.ws();
                if self.peek() == Some(')') {
                    self.pos += 1;
                    Ok(e)
                } else if self.peek().is_none() {
                    self.err(at, "a `(` without its `)`")
                } else {
                    Err(self.unexpected("inside `(...)`"))
                }
            }
            '[' => {
                self.pos += 1;
                self.enter()?;
                let items = self.items(']', "[")?;
                self.depth -= 1;
                Ok(Expr::List(items.leak()))
            }
            '\'' => Ok(Expr::Lit(Lit::Str(leak_str(self.quoted()?)))),
            '"' => {
                self.pos += 1;
                self.enter()?;
                let t = self.template(Some(at))?;
                self.depth -= 1;
                Ok(Expr::Template(leak(t)))
            }
            '-' | '0'..='9' => self.number(),
            c if is_ident_start(c) => self.path(),
            _ => match self.hint(at) {
                Some(h) => self.err(at, h),
                None => self.err(
                    at,
                    format!("`{c}` cannot start a value: write a name, 'text', a number, true, false, null, absent, [a list] or (an expression)"),
                ),
            },
        }
    }
}
