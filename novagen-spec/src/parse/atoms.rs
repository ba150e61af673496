//! The atoms: numbers, quoted strings, paths and templates.

use super::{filter_list, is_ident_char, leak_str, Parser, R, RESERVED, SESSION_FIELDS};
use crate::types::{Expr, Filter, Lit, Path, Piece, Root, Step, Template};

impl Parser {
    pub(super) fn number(&mut self) -> R<Expr> {
        let at = self.pos;
        let mut end = at;
        if self.s.get(end) == Some(&'-') {
            end += 1;
        }
        let digits = |p: &Parser, mut i: usize| {
            while p.s.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let int_end = digits(self, end);
        if int_end == end {
            return self.err(at, "there is no minus operator: write a number (`-1`), and quote a key with `-` (`reply.'OS-EXT-STS:vm_state'`)");
        }
        let mut stop = int_end;
        let float = self.s.get(int_end) == Some(&'.')
            && self.s.get(int_end + 1).is_some_and(char::is_ascii_digit);
        if float {
            stop = digits(self, int_end + 1);
        }
        if self
            .s
            .get(stop)
            .is_some_and(|c| is_ident_char(*c) || *c == '.')
        {
            return self.err(stop, "a number is digits with at most one `.` (`12`, `-1`, `2.5`); a name may not start with a digit");
        }
        let text: String = self.s[at..stop].iter().collect();
        self.pos = stop;
        if float {
            match text.parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Expr::Lit(Lit::Float(f))),
                _ => self.err(at, format!("the number {text} is too large")),
            }
        } else {
            match text.parse::<i64>() {
                Ok(i) => Ok(Expr::Lit(Lit::Int(i))),
                Err(_) => self.err(
                    at,
                    format!("the number {text} does not fit 64 bits: write it as text ('{text}')"),
                ),
            }
        }
    }

    /// `'...'` with `\\`, `\'`, `\"`, `\n`, `\t`, `\r`; the cursor on the opening quote.
    pub(super) fn quoted(&mut self) -> R<String> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    return self.err(
                        open,
                        "a `'` without its closing `'` (write `\\'` for a quote inside)",
                    )
                }
                Some('\'') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') => out.push(self.escape()?),
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// One escape sequence, the cursor on its backslash.
    pub(super) fn escape(&mut self) -> R<char> {
        let at = self.pos;
        let c = match self.peek_at(1) {
            Some('\\') => '\\',
            Some('\'') => '\'',
            Some('"') => '"',
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            _ => {
                return self.err(
                    at,
                    "a backslash starts `\\\\`, `\\'`, `\\\"`, `\\n`, `\\t` or `\\r`: write `\\\\` for a backslash",
                )
            }
        };
        self.pos += 2;
        Ok(c)
    }

    pub(super) fn path(&mut self) -> R<Expr> {
        let at = self.pos;
        let Some((word, end)) = self.ident_at(at) else {
            return Err(self.unexpected("where a value belongs"));
        };
        self.pos = end;
        let lit = match word.as_str() {
            "true" => Some(Lit::Bool(true)),
            "false" => Some(Lit::Bool(false)),
            "null" => Some(Lit::Null),
            "absent" => Some(Lit::Absent),
            _ => None,
        };
        if let Some(l) = lit {
            return Ok(Expr::Lit(l));
        }
        if RESERVED.contains(&word.as_str()) {
            return self.err(
                at,
                format!("`{word}` is a reserved word and needs a value before it: write a name, 'text', a number or (an expression) first"),
            );
        }
        let root = match word.as_str() {
            "typed" | "found" => {
                let what = "an argument's name";
                let name = self.dotted_name(&format!(
                    "`{word}` is followed by {what}: write `{word}.NAME`"
                ))?;
                match word.as_str() {
                    "typed" => Root::Typed(name),
                    _ => Root::Found(name),
                }
            }
            "session" => {
                let msg = format!(
                    "`session` is followed by one of {}: write `session.project_id`",
                    SESSION_FIELDS.join(", ")
                );
                let field_at = self.pos + 1;
                let field = self.dotted_name(&msg)?;
                if !SESSION_FIELDS.contains(&field) {
                    return self.err(field_at, msg);
                }
                Root::Session(field)
            }
            "reply" => Root::Reply,
            "now" => Root::Now,
            "version" => {
                if matches!(self.peek(), Some('.' | '[')) {
                    return self.err(
                        self.pos,
                        "`version` has no keys: compare it, as in `version >= 2.37`",
                    );
                }
                Root::Version
            }
            "it" => {
                let mut up: u32 = 0;
                while self.looking_at(".^") {
                    self.pos += 2;
                    up += 1;
                }
                match up {
                    0 => Root::It,
                    n => match u8::try_from(n) {
                        Ok(n) => Root::Parent(n),
                        Err(_) => return self.err(at, "`it.^` goes up at most 255 levels"),
                    },
                }
            }
            _ => {
                if self.peek() == Some('(') {
                    return self.err(
                        at,
                        match Filter::by_name(&word) {
                            None if word == "given" => "there are no function calls: \
                                for \"the user gave x\" write `x != absent` (true for `--limit 0` too)"
                                .to_string(),
                            Some(f) => format!(
                                "`{word}` is a filter, and a filter follows `|`: write `value | {word}(...)` ({})",
                                f.usage()
                            ),
                            None => format!(
                                "there are no function calls: `{word}(` names nothing; a filter follows `|` (filters: {})",
                                filter_list()
                            ),
                        },
                    );
                }
                Root::Arg(leak_str(word))
            }
        };
        let steps = self.steps()?;
        Ok(Expr::Path(Path {
            root,
            steps: steps.leak(),
        }))
    }

    /// `.NAME` right after a root word.
    pub(super) fn dotted_name(&mut self, msg: &str) -> R<&'static str> {
        if self.peek() != Some('.') {
            return self.err(self.pos, msg);
        }
        match self.ident_at(self.pos + 1) {
            Some((name, end)) => {
                self.pos = end;
                Ok(leak_str(name))
            }
            None => self.err(self.pos + 1, msg),
        }
    }

    pub(super) fn steps(&mut self) -> R<Vec<Step>> {
        let mut steps = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    let at = self.pos + 1;
                    match self.s.get(at).copied() {
                        Some('\'') => {
                            self.pos = at;
                            steps.push(Step::Key(leak_str(self.quoted()?)));
                        }
                        Some('^') => {
                            return self
                                .err(at, "`^` follows only `it` (`it.^` is the item's parent)");
                        }
                        Some(c) if c.is_ascii_digit() => {
                            return self.err(at, "an index is written in brackets: `[0]`, `[-1]`");
                        }
                        _ => {
                            match self.ident_at(at) {
                                Some((key, end)) => {
                                    self.pos = end;
                                    if matches!(self.peek(), Some('-' | ':'))
                                        && self.peek_at(1).is_some_and(is_ident_char)
                                    {
                                        let mut e = end;
                                        while self.s.get(e).is_some_and(|c| {
                                            is_ident_char(*c) || *c == '-' || *c == ':'
                                        }) {
                                            e += 1;
                                        }
                                        let whole: String = self.s[at..e].iter().collect();
                                        return self.err(
                                        at,
                                        format!("a key with `-` or `:` is quoted: write `.'{whole}'`"),
                                    );
                                    }
                                    steps.push(Step::Key(leak_str(key)));
                                }
                                None => {
                                    return self.err(
                                        at,
                                        "a key is missing after `.`: write `.name` or `.'odd-key'`",
                                    );
                                }
                            }
                        }
                    }
                }
                Some('[') => {
                    let at = self.pos;
                    if self.peek_at(1) == Some(']') {
                        self.pos += 2;
                        steps.push(Step::Each);
                        continue;
                    }
                    self.pos += 1;
                    let i = match self.number() {
                        Ok(Expr::Lit(Lit::Int(i))) if self.peek() == Some(']') => i,
                        _ => {
                            return self.err(
                                at,
                                "after a path, `[` takes `[]` (every item) or a whole number (`[0]`, `[-1]`); use `| get(key)` for a computed key",
                            )
                        }
                    };
                    self.pos += 1;
                    steps.push(Step::Index(i));
                }
                _ => return Ok(steps),
            }
        }
    }

    /// A template up to the end of the text (`open` None) or up to the `"` closing the one
    /// opened at `open` (inside an expression: `\"` and `\\` escapes).
    pub(super) fn template(&mut self, open: Option<usize>) -> R<Template> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let flush = |text: &mut String, pieces: &mut Vec<Piece>| {
            if !text.is_empty() {
                pieces.push(Piece::Text(leak_str(std::mem::take(text))));
            }
        };
        loop {
            let Some(c) = self.peek() else {
                if let Some(open) = open {
                    return self.err(
                        open,
                        "a `\"` without its closing `\"` (write `\\\"` for a quote inside)",
                    );
                }
                break;
            };
            match c {
                '"' if open.is_some() => {
                    self.pos += 1;
                    break;
                }
                '\\' if open.is_some() => text.push(self.escape()?),
                '{' if self.peek_at(1) == Some('{') => {
                    text.push('{');
                    self.pos += 2;
                }
                '}' if self.peek_at(1) == Some('}') => {
                    text.push('}');
                    self.pos += 2;
                }
                '}' => {
                    return self.err(
                        self.pos,
                        "a `}` without its `{`: write `}}` for a literal brace",
                    );
                }
                '{' => {
                    let brace = self.pos;
                    self.pos += 1;
                    self.ws();
                    if self.peek() == Some('}') {
                        return self.err(brace, "an empty `{}`: write an expression inside, or `{{}}` for literal braces");
                    }
                    flush(&mut text, &mut pieces);
                    let e = self.expr()?;
                    self.ws();
                    match self.peek() {
                        Some('}') => self.pos += 1,
                        None => {
                            return self.err(
                                brace,
                                "a `{` without its `}`: write `{{` for a literal brace",
                            );
                        }
                        Some(_) => return Err(self.unexpected("in `{...}`, where its `}` belongs")),
                    }
                    pieces.push(Piece::Expr(e));
                }
                c => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut text, &mut pieces);
        Ok(match pieces.as_slice() {
            [Piece::Expr(e)] => Template::Value(*e),
            _ => Template::Text(pieces.leak()),
        })
    }
}

/// `2.37` as (2, 37): digits, one dot, digits, each fitting u16.
pub(super) fn parse_version(t: &str) -> Option<(u16, u16)> {
    let (a, b) = t.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}
