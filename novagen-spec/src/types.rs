//! The expression language's trees (always compiled).
//!
//! Every field is `&'static str`, `&'static [T]` or `&'static T`, so that the generated code can
//! hold a tree as `static` data and the runtime can interpret the very same structs. The parser
//! (feature `parse`) builds these by leaking; the emitter bakes them (feature `bake`).

/// An expression: a tree the generator parsed and the runtime evaluates.
///
/// Precedence, lowest first: [`Expr::If`], [`Expr::Coalesce`], [`Expr::Or`], [`Expr::And`],
/// [`Expr::Not`], [`Expr::Compare`], [`Expr::Pipe`], then the primaries (`Lit`, `Path`,
/// `Template`, `List`). The n-ary forms (`Coalesce`, `Or`, `And`) hold at least two operands.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Expr {
    /// `'text'`, `12`, `2.5`, `true`, `null`, `absent`; a version only opposite `version`.
    Lit(Lit),
    /// `root.key[0][].'quoted-key'`.
    Path(Path),
    /// `"text {expr} text"`: a template inside an expression.
    Template(&'static Template),
    /// `[a, b]`: absent items are left out.
    List(&'static [Expr]),
    /// `input | filter | filter(args)`: at least one filter.
    Pipe(&'static Expr, &'static [Call]),
    /// `a == b`, `a in b`, `version >= 2.37`.
    Compare(&'static Expr, Cmp, &'static Expr),
    /// `not a`: true when `a` is false (see [`crate::truthy`]).
    Not(&'static Expr),
    /// `a and b and ...`: true when every operand is.
    And(&'static [Expr]),
    /// `a or b or ...`: true when one operand is.
    Or(&'static [Expr]),
    /// `a ?? b ?? ...`: the first operand that is present (`null` is present); else absent.
    Coalesce(&'static [Expr]),
    /// `then if cond else otherwise`; without `else`, absent when `cond` is false.
    If {
        then: &'static Expr,
        cond: &'static Expr,
        otherwise: Option<&'static Expr>,
    },
}

/// A literal value.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Lit {
    Null,
    Bool(bool),
    Int(i64),
    /// Always finite (the parser reads digits only).
    Float(f64),
    /// A single-quoted string: plain text, no `{}` expansion.
    Str(&'static str),
    /// `2.37` where the other side of a comparison is `version`: (major, minor).
    Version(u16, u16),
    /// The missing value: a body or query key whose value is absent is left out.
    Absent,
}

/// A path: a root and the steps walked from it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct Path {
    pub root: Root,
    pub steps: &'static [Step],
}

/// What a path starts at (closed; the generator checks which are valid in each context).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Root {
    /// A bare name: an argument's typed value (the generator checks the name).
    Arg(&'static str),
    /// `typed.NAME`: an argument as the user typed it.
    Typed(&'static str),
    /// `found.NAME`: the resource an argument was looked up as.
    Found(&'static str),
    /// `reply`: the current request's result.
    Reply,
    /// `it`: the item of the innermost loop (`map`, `where`, a step's `for`).
    It,
    /// `it.^` (1), `it.^.^` (2), ...: the item's parent, that many levels up.
    Parent(u8),
    /// `version`: the session's microversion; only compared with a version literal.
    Version,
    /// `session.FIELD`: `project_id`, `user_id`.
    Session(&'static str),
    /// `now`: the current UTC time as `YYYY-MM-DDTHH:MM:SS.ffffff`.
    Now,
}

/// One step of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Step {
    /// `.key` or `.'odd:key'`.
    Key(&'static str),
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `[]`: every item of a list (each remembers the value it came from: `it.^`).
    Each,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

impl Cmp {
    /// How the operator is written.
    pub fn text(self) -> &'static str {
        match self {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::In => "in",
            Cmp::NotIn => "not in",
        }
    }
}

/// One filter of a pipe with its arguments (`join(', ')`): [`Filter::arity`] holds.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub struct Call {
    pub filter: Filter,
    pub args: &'static [Expr],
}

/// The value filters (closed): pure functions of their input and arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Filter {
    /// `default(x)`: `x` when the input is absent, `null` or `""`; else the input.
    Default,
    /// `absent_if_empty`: absent when the input is `""`, `[]` or `{}` (a key left out).
    AbsentIfEmpty,
    /// `split(sep)`: a text (or each text of a list) cut at `sep` (`,`), pieces trimmed, empty ones dropped.
    Split,
    /// `join(sep)`: the texts of a list's items (or of the value) joined by `sep` (`, `).
    Join,
    /// `map(e)`: `e` over each item (`it`) of a list; absent results left out; not a list: `[]`.
    Map,
    /// `where(c)`: the items of a list for which `c` (over `it`) is true.
    Where,
    /// `first`: a list's first item; absent when empty or not a list.
    First,
    /// `at(n)`: a list's item `n`, negative from the end; absent when out of range.
    At,
    /// `get(key)`: an object's key (a number on a list: `at`); absent when missing.
    Get,
    /// `take(n)`: a list's first `n` items.
    Take,
    /// `keys`: an object's keys; of `k=v` texts, the `k`s.
    Keys,
    /// `entries`: an object as `[{key, value}, ...]`, in its order.
    Entries,
    /// `pairs`: `k=v` texts as an object (`k` alone: `null`); an object passes as it is.
    Pairs,
    /// `objects(k)`: each text as `{k: text}`.
    Objects,
    /// `sort`: a list sorted by its items' texts (stable); not a list: `[]`.
    Sort,
    /// `unique`: a list without repeated items, first seen kept.
    Unique,
    /// `count`: a list's or an object's length; any other value: 1.
    Count,
    /// `base64`: the text's UTF-8 bytes in standard base64.
    Base64,
    /// `int`: a text read as a whole number (a number passes as it is, as in the first edition).
    Int,
    /// `slug`: oslo's `to_slug`.
    Slug,
    /// `date`: a date (`%Y-%m-%d`, Python's strptime) or `now`-style date-time as `YYYY-MM-DD`.
    Date,
    /// `isoformat`: the same as Python's `datetime.isoformat()`.
    Isoformat,
    /// `days(n)`: the date-time moved by `n` days, as `YYYY-MM-DDTHH:MM:SS.ffffff`.
    Days,
    /// `basename`: the last segment of a path or URL (trailing `/` ignored).
    Basename,
    /// `case(from, to)`: `to` when the input's text is `from`'s; else the input.
    Case,
    /// `rsa_decrypt(key)`: base64 text decrypted with `key`, an RSA private key in PEM text
    /// (PKCS#1 or PKCS#8), RSA PKCS#1 v1.5, as UTF-8 text; absent when it cannot be (what
    /// nova encrypts an instance's password with: get-password).
    RsaDecrypt,
    /// `flatten`: novaclient's `utils.flatten_dict`: an object's JSON texts decoded, nested
    /// objects as `parent_child` keys, lists kept; anything but an object as it is.
    Flatten,
}

impl Filter {
    /// Every filter, in the order the documentation lists them.
    pub const ALL: &'static [Filter] = &[
        Filter::Default,
        Filter::AbsentIfEmpty,
        Filter::Split,
        Filter::Join,
        Filter::Map,
        Filter::Where,
        Filter::First,
        Filter::At,
        Filter::Get,
        Filter::Take,
        Filter::Keys,
        Filter::Entries,
        Filter::Pairs,
        Filter::Objects,
        Filter::Sort,
        Filter::Unique,
        Filter::Count,
        Filter::Base64,
        Filter::Int,
        Filter::Slug,
        Filter::Date,
        Filter::Isoformat,
        Filter::Days,
        Filter::Basename,
        Filter::Case,
        Filter::RsaDecrypt,
        Filter::Flatten,
    ];

    /// The filter's name in the language.
    pub fn name(self) -> &'static str {
        self.sig().0
    }

    /// How many arguments it takes: (at least, at most).
    pub fn arity(self) -> (usize, usize) {
        let (_, min, max, _) = self.sig();
        (min, max)
    }

    /// How it is called, for messages: `join(sep)`.
    pub fn usage(self) -> &'static str {
        self.sig().3
    }

    /// The filter of that name.
    pub fn by_name(name: &str) -> Option<Filter> {
        Filter::ALL.iter().copied().find(|f| f.name() == name)
    }

    fn sig(self) -> (&'static str, usize, usize, &'static str) {
        match self {
            Filter::Default => ("default", 1, 1, "default(value)"),
            Filter::AbsentIfEmpty => ("absent_if_empty", 0, 0, "absent_if_empty"),
            Filter::Split => ("split", 0, 1, "split(sep), sep ',' when left out"),
            Filter::Join => ("join", 0, 1, "join(sep), sep ', ' when left out"),
            Filter::Map => ("map", 1, 1, "map(expression over it)"),
            Filter::Where => ("where", 1, 1, "where(condition over it)"),
            Filter::First => ("first", 0, 0, "first"),
            Filter::At => ("at", 1, 1, "at(index), negative from the end"),
            Filter::Get => ("get", 1, 1, "get(key)"),
            Filter::Take => ("take", 1, 1, "take(count)"),
            Filter::Keys => ("keys", 0, 0, "keys"),
            Filter::Entries => ("entries", 0, 0, "entries"),
            Filter::Pairs => ("pairs", 0, 0, "pairs"),
            Filter::Objects => ("objects", 1, 1, "objects(key)"),
            Filter::Sort => ("sort", 0, 0, "sort"),
            Filter::Unique => ("unique", 0, 0, "unique"),
            Filter::Count => ("count", 0, 0, "count"),
            Filter::Base64 => ("base64", 0, 0, "base64"),
            Filter::Int => ("int", 0, 0, "int"),
            Filter::Slug => ("slug", 0, 0, "slug"),
            Filter::Date => ("date", 0, 0, "date"),
            Filter::Isoformat => ("isoformat", 0, 0, "isoformat"),
            Filter::Days => ("days", 1, 1, "days(count)"),
            Filter::Basename => ("basename", 0, 0, "basename"),
            Filter::Case => ("case", 2, 2, "case(from, to)"),
            Filter::RsaDecrypt => ("rsa_decrypt", 1, 1, "rsa_decrypt(key)"),
            Filter::Flatten => ("flatten", 0, 0, "flatten"),
        }
    }
}

/// A template: a spec string with `{expr}`s, or a double-quoted string inside an expression.
///
/// Canonical shape (what the parser makes): a template that is exactly one `{expr}` is
/// [`Template::Value`] (it stands for the value itself: JSON, absent leaves a key out); any
/// other is [`Template::Text`] (its pieces' texts joined), whose pieces are never two texts in
/// a row, never an empty text, and never exactly one expression. `""` is `Text(&[])`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Template {
    Value(Expr),
    Text(&'static [Piece]),
}

/// One piece of a text template.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Piece {
    /// Literal text (`{{`/`}}` already read as `{`/`}`).
    Text(&'static str),
    /// `{expr}`: the value as text (see [`crate::text`]).
    Expr(Expr),
}

/// The display formats (closed; only where something is printed, never in a request).
/// Types only in this step: the runtime's printers implement them later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake))]
#[cfg_attr(feature = "bake", databake(path = novagen_spec))]
pub enum Format {
    /// Python's `str()` of a value.
    Pyrepr,
    /// Python's `pprint.pformat`.
    Pformat,
    /// `'a', 'b'` / `'k=v', ...`.
    Quoted,
    /// A number with that many decimals.
    Fixed(u8),
    /// Wrapped at that width.
    Wrap(u16),
    /// A site format of `api.yaml` (`power_state`, `networks`), by name.
    Named(&'static str),
}

impl Format {
    /// The built-in formats a spec may name (`fixed` with its decimals: `fixed(2)`), in the
    /// order the documentation lists them; any other `format:` is a name of `api.yaml`'s.
    pub const BUILTIN: &'static [&'static str] = &["pyrepr", "pformat", "quoted", "fixed"];

    /// The built-in format written `text` (`pyrepr`, `fixed(2)`), if it is one of
    /// [`Format::BUILTIN`].
    pub fn builtin(text: &str) -> Option<Format> {
        let t = text.trim();
        let (name, arg) = match t.split_once('(') {
            Some((name, rest)) => (name, Some(rest.strip_suffix(')')?.trim())),
            None => (t, None),
        };
        if !Format::BUILTIN.contains(&name) {
            return None;
        }
        match (name, arg) {
            ("pyrepr", None) => Some(Format::Pyrepr),
            ("pformat", None) => Some(Format::Pformat),
            ("quoted", None) => Some(Format::Quoted),
            ("fixed", Some(n)) => n.parse().ok().map(Format::Fixed),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn every_builtin_format_is_read_by_its_name() {
        for name in Format::BUILTIN {
            let text = if *name == "fixed" {
                "fixed(2)".to_string()
            } else {
                name.to_string()
            };
            assert!(Format::builtin(&text).is_some(), "{text}");
        }
        assert_eq!(Format::builtin("fixed(300)"), None);
        assert_eq!(Format::builtin("fixed"), None);
        assert_eq!(Format::builtin("pformat(2)"), None);
        // No command of the 125 needs it (spec_keys counts format use): not a format any more.
        assert_eq!(Format::builtin("json"), None);
        assert_eq!(Format::builtin("power_state"), None);
    }
}
