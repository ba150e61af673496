//! Printing, as python-novaclient does: left-aligned prettytable `+---+` tables, `-` for null,
//! `Property | Value` tables with sorted keys and JSON for nested values; plus
//! `--format json|yaml|value` for scripts. In json and yaml a table is a list of objects and a
//! `Property | Value` table one object, both keyed by the API's field names (`Col::key`).

use super::defs::{ColumnDef, Expr, Format as Fmt, NamedDef, RowsLevelDef, ShowDef, Version};
use super::error::Error;
use super::scope::{self, holds, text, Env, Resolver};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Yaml,
    Value,
}

/// A prettytable: left-aligned, one space of padding, `+---+` rules. Written into one string
/// (a list of 10,000 servers is 10,000 lines: no allocation per line or cell).
pub fn table<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>]) -> String {
    draw(headers, rows.len(), |r, c| {
        rows.get(r)
            .and_then(|row| row.get(c))
            .map_or("", AsRef::as_ref)
    })
}

/// Display width, as prettytable's wcwidth: wide (CJK) characters take two columns;
/// printable ASCII, one each (measured without the tables).
fn width(s: &str) -> usize {
    match s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        true => s.len(),
        false => unicode_width::UnicodeWidthStr::width(s),
    }
}

/// A cell's width when it is one line (measured once, for the column and for its padding);
/// `None` for a cell of several lines.
fn line_width(s: &str) -> Option<usize> {
    match s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        true => Some(s.len()),
        false => (!s.contains('\n')).then(|| unicode_width::UnicodeWidthStr::width(s)),
    }
}

/// `n` spaces, pushed a run at a time (not char by char).
fn pad(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// [`table`] of `rows` rows, cell `(row, column)` given by `cell` (`headers.len()` columns).
fn draw<'c>(headers: &[&str], rows: usize, cell: impl Fn(usize, usize) -> &'c str) -> String {
    let cols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    // Each cell's width, row by row, in 2 bytes a cell (`u16::MAX`: a cell of several lines,
    // or one as wide or wider, measured here and again as its row is drawn, line by line).
    let mut measured: Vec<u16> = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for (i, w) in widths.iter_mut().enumerate() {
            let c = cell(r, i);
            match line_width(c) {
                Some(n) => {
                    *w = (*w).max(n);
                    measured.push(u16::try_from(n).unwrap_or(u16::MAX));
                }
                None => {
                    for line in c.split('\n') {
                        *w = (*w).max(width(line));
                    }
                    measured.push(u16::MAX);
                }
            }
        }
    }
    let mut rule = String::new();
    for w in &widths {
        rule.push('+');
        rule.extend(std::iter::repeat_n('-', w + 2));
    }
    rule.push('+');
    let mut out = String::with_capacity((rule.len() + 1) * (rows + 4));
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
        for (i, c) in cells.enumerate() {
            out.push_str("| ");
            out.push_str(c);
            pad(out, widths[i].saturating_sub(width(c)) + 1);
        }
        out.push_str("|\n");
    };
    out.push_str(&rule);
    out.push('\n');
    line(&mut out, &mut headers.iter().copied());
    out.push_str(&rule);
    out.push('\n');
    for r in 0..rows {
        let sizes = measured.get(r * cols..(r + 1) * cols).unwrap_or_default();
        if !sizes.contains(&u16::MAX) {
            for (i, n) in sizes.iter().enumerate() {
                out.push_str("| ");
                out.push_str(cell(r, i));
                pad(&mut out, widths[i].saturating_sub(usize::from(*n)) + 1);
            }
            out.push_str("|\n");
            continue;
        }
        let split: Vec<Vec<&str>> = (0..cols)
            .map(|i| cell(r, i).split('\n').collect())
            .collect();
        let height = split.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            line(
                &mut out,
                &mut split.iter().map(|c| c.get(k).copied().unwrap_or("")),
            );
        }
    }
    // prettytable closes the table even when it has no rows.
    out.push_str(&rule);
    out
}

/// Text bound for a terminal, with every control character but the newline made visible:
/// C0 controls and DEL as their Unicode control pictures (ESC as `␛`), C1 controls as `�`.
/// Each takes one column, as the control character did when the table was measured, so
/// tables stay aligned; and a server's text cannot move the cursor, recolour or retitle the
/// terminal. (Standard output that is not a terminal gets the text as it is.)
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && c.is_control()) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\n' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// A JSON value as Python's `str()` would show it in a table cell: a missing key is empty,
/// null is `-`, booleans are `True`/`False`, nested values are JSON.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::Null) => "-".into(),
        // Most texts have no `\r`: copied at their size (found by memchr, not a char search).
        Some(Value::String(s)) if !s.as_bytes().contains(&b'\r') => s.clone(),
        Some(Value::String(s)) => s.replace('\r', ""),
        Some(Value::Bool(b)) => if *b { "True" } else { "False" }.into(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => py_json(other),
    }
}

/// JSON with Python's `json.dumps` separators (`", "` and `": "`), as novaclient prints
/// nested values.
pub fn py_json(v: &Value) -> String {
    match v {
        Value::Array(a) => format!("[{}]", a.iter().map(py_json).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{}: {}", Value::String(k.clone()), py_json(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// What one print item shows: text for a person (the table and value formats), a document
/// for a script (json and yaml), or nothing (no column kept by `-c`).
#[derive(Debug)]
pub enum Shown {
    Text(String),
    /// One value's text as a line, an empty one too (novaclient's `print(value)`).
    Line(String),
    Doc(Value),
    Nothing,
}

/// A column of one table: a spec column, or one the user asked for (`--fields`).
#[derive(Debug, Clone)]
pub struct Col {
    pub title: String,
    pub field: String,
    pub show: Show,
}

/// How a column (or a show rule, or a properties item) shows a value: an expression over it
/// (`it`), then a display format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Show {
    pub value: Option<Expr>,
    pub format: Option<Fmt>,
}

impl Col {
    /// A column showing a field as it is, titled as Python's `str.title()` would.
    pub fn of_field(field: &str) -> Col {
        Col {
            title: field
                .replace('_', " ")
                .split(' ')
                .map(|w| capitalized(&w.to_lowercase()))
                .collect::<Vec<_>>()
                .join(" "),
            field: field.to_string(),
            show: Show::default(),
        }
    }
}

impl Col {
    /// The column's key in json and yaml: the API's name of the field it shows (a row of a
    /// nested list names its parent's field `^.id` as the API does, `id`); the title in
    /// lower case, `_` for ` `, for a column showing the item itself (a list of texts).
    pub fn key(&self) -> String {
        let field = self.field.strip_prefix("^.").unwrap_or(&self.field);
        match field {
            "" => self.title.to_lowercase().replace(' ', "_"),
            f => f.to_string(),
        }
    }
}

/// Which columns apply: this microversion, these arguments.
pub fn columns_for(cols: &[ColumnDef], version: Version, args: &Value) -> Vec<Col> {
    cols.iter()
        .filter(|c| c.versions.contains(version) && holds(&c.when, args, version))
        .map(|c| Col {
            title: c.title.to_string(),
            field: c.field.to_string(),
            show: Show {
                value: c.value,
                format: c.format,
            },
        })
        .collect()
}

/// One cell, as text, with the column's value and format.
fn column_text(col: &Col, item: &Value) -> Result<String, Error> {
    // A plain path is read in place: a row costs its cells, not copies of the item's fields.
    let v = match col.field.contains("[]") {
        false => walk(item, &col.field).map(Cow::Borrowed),
        true => lookup(item, &col.field).map(Cow::Owned),
    };
    formatted(col.show, v)
}

/// A cell's text: a value shown as a column shows it, or as it is.
pub fn formatted(show: Show, v: Option<Cow<Value>>) -> Result<String, Error> {
    Ok(match shown(show, v)? {
        Some(Cow::Owned(Value::String(s))) => s,
        other => cell(other.as_deref()),
    })
}

/// A value through a column's (or show rule's) expression, then its display format. Absent
/// stays absent; a plain value is passed on as it is (borrowed).
pub fn shown(show: Show, v: Option<Cow<Value>>) -> Result<Option<Cow<Value>>, Error> {
    let v = match &show.value {
        None => v,
        Some(e) => {
            let env = Env::new(&Value::Null, None);
            let got = match v.as_deref() {
                Some(x) => scope::eval(e, &env.with(&[x]))?,
                None => scope::eval(e, &env)?,
            };
            got.map(Cow::Owned)
        }
    };
    match (show.format, v) {
        (Some(f), Some(v)) => Ok(Some(Cow::Owned(format(f, &v)?))),
        (_, v) => Ok(v),
    }
}

/// A value in a display format (`docs/edition-2.md` section 3); a named one is data of
/// `api.yaml` (`spec::FORMATS`): a table, or an expression over the value.
pub fn format(f: Fmt, v: &Value) -> Result<Value, Error> {
    Ok(match f {
        Fmt::Pyrepr => Value::String(pyrepr(v)),
        Fmt::Pformat => Value::String(pformat(v)),
        Fmt::Quoted => Value::String(quoted(v)),
        Fmt::Fixed(places) => {
            let places = usize::from(places);
            let n = match v {
                Value::Number(n) => n.as_f64(),
                other => text(Some(other)).parse().ok(),
            };
            match n {
                Some(n) => Value::String(format!("{n:.places$}")),
                None => v.clone(),
            }
        }
        Fmt::Named(name) => {
            let def = crate::spec::FORMATS.iter().find(|n| n.name == name);
            match def.map(|d| &d.def) {
                Some(NamedDef::Table { entries, otherwise }) => {
                    // A number's text written once (on the stack), not once per entry.
                    let mut digits = Digits::default();
                    let v_text = match v {
                        Value::Number(n) => {
                            std::fmt::Write::write_fmt(&mut digits, format_args!("{n}"))
                                .ok()
                                .map(|()| digits.as_str())
                        }
                        _ => None,
                    };
                    let is = |k: &str| match v_text {
                        Some(t) => t == k,
                        None => text_is(v, k),
                    };
                    match entries.iter().find(|(k, _)| is(k)) {
                        Some((_, shown)) => Value::String(shown.to_string()),
                        None => match otherwise {
                            Some(o) => Value::String(o.to_string()),
                            None => v.clone(),
                        },
                    }
                }
                Some(NamedDef::Expr(e)) => {
                    // `it` is the value (on the stack: once per row).
                    let env = Env::new(&Value::Null, None);
                    let it = novagen_spec::ItemScope::new(&env, v, &[]);
                    novagen_spec::eval(e, &it)?
                        .map(Cow::into_owned)
                        .unwrap_or(Value::Null)
                }
                None => v.clone(),
            }
        }
        Fmt::Wrap(n) => Value::String(novagen_spec::format::fill(&cell(Some(v)), n.into())),
    })
}

/// A number's text on the stack (a JSON number's text is at most 24 bytes; a longer
/// one fails to write and is compared as [`text_is`] does).
#[derive(Default)]
struct Digits {
    buf: [u8; 32],
    len: usize,
}

impl Digits {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl std::fmt::Write for Digits {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Whether a value's [`text`] is `k`, without writing it out for a text or a number (a named
/// table's lookup, once per row).
fn text_is(v: &Value, k: &str) -> bool {
    /// Writes succeed while they are the rest of a text's beginning.
    struct Prefix<'k>(&'k str);
    impl std::fmt::Write for Prefix<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 = self.0.strip_prefix(s).ok_or(std::fmt::Error)?;
            Ok(())
        }
    }
    match v {
        Value::String(t) => t == k,
        Value::Number(n) => {
            let mut rest = Prefix(k);
            std::fmt::Write::write_fmt(&mut rest, format_args!("{n}")).is_ok() && rest.0.is_empty()
        }
        other => text(Some(other)) == k,
    }
}

/// `expand:` on a show rule: an ID (or an object's `id`) as `name (id)` of the resource,
/// fetched; `<Resource> not found (id)` when it cannot be; empty when there is no ID.
fn expanded(res: &crate::runtime::defs::ResourceDef, v: &Value, r: &dyn Resolver) -> Value {
    let id = match v {
        Value::Object(m) => m.get("id").map(|x| text(Some(x))),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let Some(id) = id else {
        return Value::String(String::new());
    };
    let name = r
        .fetch(res.name, &id)
        .ok()
        .and_then(|o| o.get("name").and_then(Value::as_str).map(str::to_string));
    Value::String(match name {
        Some(n) => format!("{n} ({id})"),
        None => format!("{} not found ({id})", capitalized(res.name)),
    })
}

/// Each item's cells under the given columns, as text.
pub fn texts(cols: &[Col], items: &[Value]) -> Result<Vec<Vec<String>>, Error> {
    items
        .iter()
        .map(|it| cols.iter().map(|c| column_text(c, it)).collect())
        .collect()
}

/// Rows under the given columns, in one of the formats: `texts` are their cells (from
/// [`texts`], or made as a list's pages arrived), `items` what they were made of (read for
/// json and yaml; a row with no item has only nulls there). Only the columns `keep` keeps
/// (sorted by `sort_by` all the same), nothing when it keeps none. In json and yaml a row is
/// the API's fields under their own names, their values as the API sent them (the table's
/// formats are for reading: `OS-EXT-STS:power_state` is `1`, not `Running`).
pub fn rows(
    cols: &[Col],
    texts: &[Vec<String>],
    items: &[Value],
    sort_by: Option<&str>,
    format: Format,
    keep: &dyn Fn(&Col) -> bool,
) -> Shown {
    let kept: Vec<usize> = (0..cols.len()).filter(|i| keep(&cols[*i])).collect();
    if kept.is_empty() {
        return Shown::Nothing;
    }
    let mut order: Vec<usize> = (0..texts.len()).collect();
    if let Some(i) = sort_by.and_then(|s| cols.iter().position(|c| c.title == s)) {
        // prettytable sorts by the column, then by the whole row (ties: by ID).
        order.sort_by(|a, b| {
            let (a, b) = (&texts[*a], &texts[*b]);
            a[i].cmp(&b[i]).then_with(|| a.cmp(b))
        });
    }
    let cells = |k: usize| kept.iter().map(move |i| texts[k][*i].as_str());
    match format {
        Format::Table => {
            let headers: Vec<&str> = kept.iter().map(|i| cols[*i].title.as_str()).collect();
            // Drawn from the rows' cells in place (no list of cells per row).
            Shown::Text(draw(&headers, order.len(), |r, c| {
                match (order.get(r), kept.get(c)) {
                    (Some(k), Some(i)) => texts[*k].get(*i).map_or("", String::as_str),
                    _ => "",
                }
            }))
        }
        Format::Value => Shown::Text(
            order
                .iter()
                .map(|k| cells(*k).collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Format::Json | Format::Yaml => {
            let records: Vec<Value> = order
                .iter()
                .map(|k| {
                    let obj: Map<String, Value> = kept
                        .iter()
                        .map(|i| {
                            let c = &cols[*i];
                            let v = items.get(*k).and_then(|it| lookup(it, &c.field));
                            (c.key(), v.unwrap_or(Value::Null))
                        })
                        .collect();
                    Value::Object(obj)
                })
                .collect();
            Shown::Doc(Value::Array(records))
        }
    }
}

/// The rows a table's `rows:` builds from `of`, the value it prints (`it` to the first
/// level's `for`). Each level's entries (a list's items or an object's keys, as `{key, value}`)
/// make one row each by `row:`, followed by the rows of the next level built from the entry.
/// On a level with `cells:`, an entry whose key is listed fills one cell of its named row
/// (rows one per name, the name in the level's `name` field), the others make their row by
/// `row:`, merged into the row of the same name. A column only such rows fill is dropped from
/// `cols` when none is built; a cell no row fills is null (`-` in a table).
pub fn built_rows(
    levels: &[RowsLevelDef],
    of: &Value,
    env: &Env,
    cols: &mut Vec<Col>,
) -> Result<Vec<Value>, Error> {
    /// The row `row:` makes of an entry.
    fn row_of(level: &RowsLevelDef, here: &Env) -> Result<Map<String, Value>, Error> {
        let mut row = Map::new();
        for (field, t) in level.row {
            let v = scope::template(t, here)?.unwrap_or(Value::Null);
            row.insert(field.to_string(), v);
        }
        Ok(row)
    }
    /// The row of that name among a level's named rows, made (empty) when there is none yet.
    fn named_row<'n>(
        named: &'n mut Vec<(String, Map<String, Value>)>,
        name: &str,
    ) -> &'n mut Map<String, Value> {
        let at = match named.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                named.push((name.to_string(), Map::new()));
                named.len() - 1
            }
        };
        &mut named[at].1
    }
    fn walk(
        levels: &[RowsLevelDef],
        entries: Option<Value>,
        rows: &mut Vec<Value>,
        filled: &mut Vec<String>,
        env: &Env,
    ) -> Result<(), Error> {
        let Some((level, below)) = levels.split_first() else {
            return Ok(());
        };
        let mut entries: Vec<(Value, Value)> = match entries {
            Some(Value::Array(a)) => a
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
            Some(Value::Object(m)) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            _ => Vec::new(),
        };
        if level.sort && level.cells.is_empty() {
            entries.sort_by_key(|(k, _)| text(Some(k)));
        }
        // A level with cells: its rows, one per name, in the order their names first came.
        let mut named: Vec<(String, Map<String, Value>)> = Vec::new();
        for (key, value) in entries {
            let listed = level.cells.iter().find(|(k, _, _)| text(Some(&key)) == *k);
            if let Some((_, name, field)) = listed {
                let row = named_row(&mut named, name);
                row.insert(level.name.into(), Value::String(name.to_string()));
                row.insert(field.to_string(), value);
                continue;
            }
            let mut entry = Map::new();
            entry.insert("key".into(), key);
            entry.insert("value".into(), value);
            let entry = Value::Object(entry);
            // The entry is `it` to its row and to the level below.
            let here = Env::new(env.scope, env.version).with(&[&entry]);
            let row = row_of(level, &here)?;
            if level.cells.is_empty() {
                rows.push(Value::Object(row));
                if let Some(next) = below.first() {
                    walk(below, scope::eval(&next.items, &here)?, rows, filled, env)?;
                }
                continue;
            }
            if level.row.is_empty() {
                continue;
            }
            filled.extend(row.keys().cloned());
            let name = text(row.get(level.name));
            named_row(&mut named, &name).extend(row);
        }
        if level.sort {
            named.sort_by(|a, b| a.0.cmp(&b.0));
        }
        rows.extend(named.into_iter().map(|(_, row)| Value::Object(row)));
        Ok(())
    }
    let mut rows = Vec::new();
    let mut filled = Vec::new();
    if let Some(first) = levels.first() {
        let here = Env::new(env.scope, env.version).with(&[of]);
        walk(
            levels,
            scope::eval(&first.items, &here)?,
            &mut rows,
            &mut filled,
            env,
        )?;
    }
    // A column only the rows of keys not listed fill (the generator's `optional`) is shown
    // when such a row was built.
    let optional = |f: &str| levels.iter().any(|l| l.optional.contains(&f));
    cols.retain(|c| !optional(&c.field) || filled.contains(&c.field));
    for row in &mut rows {
        if let Value::Object(cells) = row {
            for c in cols.iter() {
                cells.entry(c.field.clone()).or_insert(Value::Null);
            }
        }
    }
    Ok(rows)
}

/// One resource reshaped by show rules, keys sorted.
pub fn reshape(
    rules: &[ShowDef],
    version: Version,
    obj: &Value,
    args: &Value,
    r: &dyn Resolver,
) -> Result<BTreeMap<String, Value>, Error> {
    let mut info: BTreeMap<String, Value> = match obj {
        Value::Object(m) => m.clone().into_iter().collect(),
        other => BTreeMap::from([("value".to_string(), other.clone())]),
    };
    for rule in rules {
        if !rule.versions.contains(version) || !holds(&rule.when, args, version) {
            continue;
        }
        let Some(value) = info.remove(rule.field) else {
            continue;
        };
        if rule.drop {
            continue;
        }
        // `expand:`, then `value:`, then `format:`.
        let show = Show {
            value: rule.value,
            format: rule.format,
        };
        let fmt = |v: Value| -> Result<Value, Error> {
            let v = match rule.expand {
                Some(res) => expanded(res, &v, r),
                None => v,
            };
            Ok(shown(show, Some(Cow::Owned(v)))?.map_or(Value::Null, Cow::into_owned))
        };
        match (&rule.flatten, value) {
            (Some(name), Value::Object(m)) => {
                // The field's entry is `it.^`, each of its keys' entry `it`.
                let mut field = Map::new();
                field.insert("key".into(), Value::String(rule.field.to_string()));
                let field = Value::Object(field);
                for (k, v) in m {
                    let mut entry = Map::new();
                    entry.insert("key".into(), Value::String(k));
                    let entry = Value::Object(entry);
                    let env = Env::new(&Value::Null, Some(version)).with(&[&entry, &field]);
                    let row = scope::text_of(name, &env)?;
                    info.insert(row, fmt(v)?);
                }
            }
            (_, value) => {
                let row = rule.title.unwrap_or(rule.field);
                info.insert(row.to_string(), fmt(value)?);
            }
        }
    }
    Ok(info)
}

/// A `Property | Value` table (or the same data in another format); `wrap` > 0 wraps values
/// at that width.
pub fn properties(
    info: &[(String, Value)],
    headers: (&str, &str),
    wrap: usize,
    format: Format,
) -> Shown {
    match format {
        Format::Table => {
            // As novaclient's print_dict: a text holding the two characters `\n` (escaped
            // newlines, as in a fault's details) is one row per line, the key on the first.
            // Wrapped first (`textwrap.fill(str(v), wrap)`: null is `None` then, not `-`).
            let mut rows: Vec<Vec<String>> = Vec::new();
            for (k, v) in info {
                let text = match (wrap, v) {
                    (0, Value::String(s)) if s.contains("\\n") => Some(s.replace('\r', "")),
                    (0, _) => None,
                    (_, Value::Null) => Some(novagen_spec::format::fill("None", wrap)),
                    (_, v) => Some(novagen_spec::format::fill(&cell(Some(v)), wrap)),
                };
                match text {
                    Some(s) if s.contains("\\n") => {
                        for (i, line) in s.trim().split("\\n").enumerate() {
                            let key = if i == 0 { k.clone() } else { String::new() };
                            rows.push(vec![key, line.to_string()]);
                        }
                    }
                    Some(s) => rows.push(vec![k.clone(), s]),
                    None => rows.push(vec![k.clone(), cell(Some(v))]),
                }
            }
            Shown::Text(table(&[headers.0, headers.1], &rows))
        }
        Format::Value => Shown::Text(
            info.iter()
                .map(|(_, v)| cell(Some(v)))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Format::Json | Format::Yaml => Shown::Doc(Value::Object(info.iter().cloned().collect())),
    }
}

/// One value, as it is (`cell`'s text for a non-text).
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => cell(Some(other)),
    }
}

pub fn structured(v: &Value, format: Format) -> String {
    let text = match format {
        Format::Yaml => super::yaml::to_string(v),
        _ => serde_json::to_string_pretty(v).unwrap_or_default(),
    };
    text.trim_end().to_string()
}

/// Walk a dotted path. `^` is the parent of an exploded row; `x[]` explodes a list (and
/// lists of lists, one level per `[]`).
pub fn lookup(scope: &Value, path: &str) -> Option<Value> {
    if !path.contains("[]") {
        return walk(scope, path).cloned();
    }
    let mut cur = vec![scope.clone()];
    let mut exploded = false;
    for seg in path.split('.') {
        let (key, explode) = match seg.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (seg, false),
        };
        let mut next = Vec::new();
        for v in cur {
            let child = if key == "^" {
                v.get("^").cloned()
            } else if key.is_empty() {
                Some(v.clone())
            } else {
                v.get(key).cloned()
            };
            let Some(child) = child else { continue };
            if explode {
                if let Value::Array(items) = child {
                    for it in items {
                        next.push(with_parent(it, &v));
                    }
                }
            } else {
                next.push(child);
            }
        }
        exploded |= explode;
        cur = next;
    }
    if exploded {
        Some(Value::Array(cur))
    } else {
        cur.into_iter().next()
    }
}

/// A path without `[]`, walked by reference: only what it leads to is copied by the caller.
pub fn walk<'a>(scope: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(scope);
    }
    path.split('.').try_fold(scope, |v, key| match key {
        "" => Some(v),
        k => v.get(k),
    })
}

/// An exploded item remembers its parent under `^` (objects only).
fn with_parent(item: Value, parent: &Value) -> Value {
    match item {
        Value::Object(mut m) => {
            m.insert("^".into(), parent.clone());
            Value::Object(m)
        }
        other => other,
    }
}

/// `Image` from `image`.
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Python's `str()` of a JSON value: `{'a': [1, 'x']}`, `True`, `None`.
pub fn pyrepr(v: &Value) -> String {
    fn inner(v: &Value, top: bool) -> String {
        match v {
            Value::Null => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Number(n) => n.to_string(),
            Value::String(s) if top => s.clone(),
            Value::String(s) => novagen_spec::format::pystr(s),
            Value::Array(a) => format!(
                "[{}]",
                a.iter()
                    .map(|x| inner(x, false))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Object(m) => format!(
                "{{{}}}",
                m.iter()
                    .map(|(k, x)| format!(
                        "{}: {}",
                        novagen_spec::format::pystr(k),
                        inner(x, false)
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    inner(v, true)
}

/// novaclient's `pretty_choice_list` and `pretty_choice_dict`: a list's items as `'a', 'b'`,
/// an object's entries as `'k=v', ...` in sorted key order, each item or value as Python's
/// `str()` ([`pyrepr`]), nothing escaped (`'it's'`). `null` is empty (novaclient's `or {}`); any
/// other single value is one item.
pub fn quoted(v: &Value) -> String {
    let items: Vec<String> = match v {
        Value::Null => Vec::new(),
        Value::Array(a) => a.iter().map(pyrepr).collect(),
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            entries
                .into_iter()
                .map(|(k, x)| format!("{k}={}", pyrepr(x)))
                .collect()
        }
        other => vec![pyrepr(other)],
    };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('\'');
        out.push_str(item);
        out.push('\'');
    }
    out
}

/// Python's repr of a string: single quotes unless the text holds one and no double quote.
/// Python's `pprint.pformat` of a JSON value (width 80, indent 1, keys sorted), as
/// `pprint.PrettyPrinter` lays out lists, dicts and strings: a value that fits on what is left
/// of its line is its `repr`; else a list's or dict's items one a line, and a long string cut
/// after whitespace into several quoted pieces (in parentheses at the top).
pub fn pformat(v: &Value) -> String {
    let mut out = String::new();
    pf(v, &mut out, 0, 0, 0);
    out
}

const PF_WIDTH: isize = 80;

fn chars(s: &str) -> isize {
    isize::try_from(s.chars().count()).unwrap_or(isize::MAX)
}

/// `PrettyPrinter._format`.
fn pf(v: &Value, out: &mut String, indent: isize, allowance: isize, level: usize) {
    let rep = py_repr(v);
    if chars(&rep) <= PF_WIDTH - indent - allowance {
        out.push_str(&rep);
        return;
    }
    let level = level + 1;
    match v {
        Value::Array(items) => {
            out.push('[');
            let (indent, n) = (indent + 1, items.len());
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    pf_newline(out, indent);
                }
                let last = i + 1 == n;
                pf(
                    item,
                    out,
                    indent,
                    if last { allowance + 1 } else { 1 },
                    level,
                );
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let (indent, n) = (indent + 1, entries.len());
            for (i, (k, x)) in entries.into_iter().enumerate() {
                if i > 0 {
                    pf_newline(out, indent);
                }
                let key = py_str(k);
                out.push_str(&key);
                out.push_str(": ");
                let last = i + 1 == n;
                let allowance = if last { allowance + 1 } else { 1 };
                pf(x, out, indent + chars(&key) + 2, allowance, level);
            }
            out.push('}');
        }
        Value::String(s) if !s.is_empty() => pf_str(s, out, indent, allowance, level),
        _ => out.push_str(&rep),
    }
}

fn pf_newline(out: &mut String, indent: isize) {
    out.push_str(",\n");
    out.push_str(&" ".repeat(usize::try_from(indent).unwrap_or(0)));
}

/// `PrettyPrinter._pprint_str`.
fn pf_str(s: &str, out: &mut String, mut indent: isize, mut allowance: isize, level: usize) {
    if level == 1 {
        indent += 1;
        allowance += 1;
    }
    let lines = split_lines(s);
    let max_width = PF_WIDTH - indent;
    let mut max_width1 = max_width;
    let mut chunks = Vec::new();
    let mut rep = String::new();
    for (i, line) in lines.iter().enumerate() {
        let last_line = i + 1 == lines.len();
        rep = py_str(line);
        if last_line {
            max_width1 -= allowance;
        }
        if chars(&rep) <= max_width1 {
            chunks.push(rep.clone());
            continue;
        }
        // Words, each with the whitespace after it (`re.findall(r'\S*\s*', line)`).
        let mut parts = Vec::new();
        let mut rest = *line;
        while !rest.is_empty() {
            let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let space = rest[word..]
                .find(|c: char| !c.is_whitespace())
                .map_or(rest.len(), |k| word + k);
            parts.push(&rest[..space]);
            rest = &rest[space..];
        }
        let mut max_width2 = max_width;
        let mut current = String::new();
        for (j, part) in parts.iter().enumerate() {
            let candidate = format!("{current}{part}");
            if j + 1 == parts.len() && last_line {
                max_width2 -= allowance;
            }
            if chars(&py_str(&candidate)) > max_width2 {
                if !current.is_empty() {
                    chunks.push(py_str(&current));
                }
                current = part.to_string();
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            chunks.push(py_str(&current));
        }
    }
    if chunks.len() == 1 {
        out.push_str(&rep);
        return;
    }
    if level == 1 {
        out.push('(');
    }
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(usize::try_from(indent).unwrap_or(0)));
        }
        out.push_str(chunk);
    }
    if level == 1 {
        out.push(')');
    }
}

/// Python's `str.splitlines(keepends=True)`.
fn split_lines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let end = match c {
            '\r' => match it.peek() {
                Some((_, '\n')) => {
                    it.next();
                    i + 2
                }
                _ => i + 1,
            },
            '\n' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}'
            | '\u{2029}' => i + c.len_utf8(),
            _ => continue,
        };
        lines.push(&s[start..end]);
        start = end;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// Python's `repr()` of a JSON value, dict keys sorted (`pprint`'s `safe_repr`).
fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => py_str(s),
        Value::Array(a) => format!("[{}]", a.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let items: Vec<String> = entries
                .into_iter()
                .map(|(k, x)| format!("{}: {}", py_str(k), py_repr(x)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Python's `repr()` of a text: [`novagen_spec::format::pystr`], other control characters as `\xNN`.
fn py_str(s: &str) -> String {
    let quoted = novagen_spec::format::pystr(s);
    if !quoted.chars().any(|c| c.is_control()) {
        return quoted;
    }
    quoted
        .chars()
        .map(|c| match c {
            c if c.is_control() && u32::from(c) < 0x100 => format!("\\x{:02x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `pformat` against Python 3's own `pprint.pformat` of the same values (generated with
    /// `python3 -c "import pprint; print(pprint.pformat(v))"`): nova's events, a traceback
    /// cut after whitespace, a long text at the top (in parentheses), nested dicts sorted,
    /// quotes and control characters, a word longer than the line.
    #[test]
    fn pformat_is_pythons_pprint() {
        #[rustfmt::skip]
        let cases: &[(&str, &str)] = &[
            (r#"[{"details": null, "event": "compute_reboot_instance", "finish_time": null, "host": "compute", "hostId": "15facf49be5db835202bcfaa13a5047515facf49be5db835202bcfaa", "result": null, "start_time": "2026-12-03T22:43:48.470584", "traceback": null}]"#,
             r#"[{'details': None,
  'event': 'compute_reboot_instance',
  'finish_time': None,
  'host': 'compute',
  'hostId': '15facf49be5db835202bcfaa13a5047515facf49be5db835202bcfaa',
  'result': None,
  'start_time': '2026-12-03T22:43:48.470584',
  'traceback': None}]"#),
            (r#"[{"event": "x", "result": "Success"}]"#,
             r#"[{'event': 'x', 'result': 'Success'}]"#),
            (r#"[{"event": "compute__do_build_and_run_instance", "finish_time": "2026-12-03T22:43:48.470584", "result": "Error", "start_time": "2026-12-03T22:43:48.470584", "traceback": "Traceback (most recent call last):\n  File \"/opt/stack/nova/nova/compute/manager.py\", line 2573, in _build_and_run_instance\n    self.driver.spawn(context, instance, image_meta, injected_files, admin_password, allocations)\nnova.exception.BuildAbortException: Build of instance aborted: it's gone\n"}, {"event": "conductor_schedule_and_build_instances", "result": "Success", "traceback": null}]"#,
             r#"[{'event': 'compute__do_build_and_run_instance',
  'finish_time': '2026-12-03T22:43:48.470584',
  'result': 'Error',
  'start_time': '2026-12-03T22:43:48.470584',
  'traceback': 'Traceback (most recent call last):\n'
               '  File "/opt/stack/nova/nova/compute/manager.py", line 2573, '
               'in _build_and_run_instance\n'
               '    self.driver.spawn(context, instance, image_meta, '
               'injected_files, admin_password, allocations)\n'
               'nova.exception.BuildAbortException: Build of instance aborted: '
               "it's gone\n"},
 {'event': 'conductor_schedule_and_build_instances',
  'result': 'Success',
  'traceback': None}]"#),
            (r#""word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word ""#,
             r#"('word word word word word word word word word word word word word word word '
 'word word word word word word word word word word word word word word word ')"#),
            (r#"{"b": {"nested": [1, 2.5, true, false, null, [], {}], "long": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}, "a": "it's \"quoted\"", "c": "\u001bescape"}"#,
             r#"{'a': 'it\'s "quoted"',
 'b': {'long': 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
       'nested': [1, 2.5, True, False, None, [], {}]},
 'c': '\x1bescape'}"#),
            (r#"["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "b"]"#,
             r#"['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
 'b']"#),
            (r#"[]"#,
             r#"[]"#),
            (r#"{"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk": "vvvvvvvvvvvvvvvvvvvv"}"#,
             r#"{'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk': 'vvvvvvvvvvvvvvvvvvvv'}"#),
            (r#"["spaces   between    words spaces   between    words spaces   between    words spaces   between    words spaces   between    words "]"#,
             r#"['spaces   between    words spaces   between    words spaces   between    '
 'words spaces   between    words spaces   between    words ']"#),
        ];
        for (json, python) in cases {
            let v: Value = serde_json::from_str(json).expect("a case");
            assert_eq!(pformat(&v), *python, "{json}");
        }
    }

    /// The table as it was drawn before its widths were measured once (the reference).
    fn table_as_before<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>]) -> String {
        let width = |s: &str| match s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            true => s.len(),
            false => unicode_width::UnicodeWidthStr::width(s),
        };
        let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                for line in cell.as_ref().split('\n') {
                    widths[i] = widths[i].max(width(line));
                }
            }
        }
        let mut rule = String::new();
        for w in &widths {
            rule.push('+');
            rule.extend(std::iter::repeat_n('-', w + 2));
        }
        rule.push('+');
        let mut out = String::new();
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            for (i, c) in cells.enumerate() {
                out.push_str("| ");
                out.push_str(c);
                let pad = widths[i].saturating_sub(width(c)) + 1;
                out.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str("|\n");
        };
        out.push_str(&rule);
        out.push('\n');
        line(&mut out, &mut headers.iter().copied());
        out.push_str(&rule);
        out.push('\n');
        for row in rows {
            let split: Vec<Vec<&str>> = row
                .iter()
                .map(|c| c.as_ref().split('\n').collect())
                .collect();
            let height = split.iter().map(Vec::len).max().unwrap_or(1);
            for k in 0..height {
                line(
                    &mut out,
                    &mut split.iter().map(|c| c.get(k).copied().unwrap_or("")),
                );
            }
        }
        out.push_str(&rule);
        out
    }

    fn cell_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~]{0,12}",
            "[a-z\n]{0,6}",
            "\\PC{0,6}",
            Just("日本\nab".to_string()),
            Just("x".repeat(150)),
            Just("y".repeat(70_000)),
        ]
    }

    proptest! {
        #[test]
        fn tables_are_drawn_as_before(
            (headers, rows) in (1usize..5).prop_flat_map(|n| (
                prop::collection::vec(cell_text(), n),
                prop::collection::vec(prop::collection::vec(cell_text(), n), 0..6),
            )),
        ) {
            let h: Vec<&str> = headers.iter().map(String::as_str).collect();
            prop_assert_eq!(table(&h, &rows), table_as_before(&h, &rows));
        }

        #[test]
        fn a_cell_is_its_text_without_carriage_returns(t in "[a\r\n]{0,8}") {
            prop_assert_eq!(cell(Some(&Value::String(t.clone()))), t.replace('\r', ""));
        }

        #[test]
        fn a_number_is_looked_up_by_its_text(
            n in prop_oneof![
                (-20i64..20).prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                any::<f64>().prop_map(Value::from),
            ],
        ) {
            // The spec's named tables, and one whose keys are this number's text.
            let t = text(Some(&n));
            for def in crate::spec::FORMATS {
                if let NamedDef::Table { entries, otherwise } = &def.def {
                    let want = match entries.iter().find(|(k, _)| t == *k) {
                        Some((_, shown)) => Value::String(shown.to_string()),
                        None => otherwise.map_or(n.clone(), |o| Value::String(o.to_string())),
                    };
                    let got = format(Fmt::Named(def.name), &n).map_err(|e| e.to_string());
                    prop_assert_eq!(got, Ok(want));
                }
            }
            prop_assert!(text_is(&n, &t));
        }
    }

    /// The spec's availability-zone tree: each zone, each of its hosts, each host's services.
    #[test]
    fn a_zone_tree_has_every_host() {
        use serde_json::json;
        let op = crate::spec::OPERATIONS
            .iter()
            .find(|o| o.command == "availability-zone-list")
            .expect("the spec lists zones");
        let tree = op
            .variants
            .iter()
            .flat_map(|v| v.print)
            .find(|p| !p.rows.is_empty())
            .expect("printed as a tree")
            .rows;
        let service =
            json!({"nova-compute": {"active": true, "available": true, "updated_at": null}});
        let zones = json!([{
            "zoneName": "nova",
            "zoneState": {"available": true},
            "hosts": {"compute2": service, "compute": service},
        }]);
        let scope = json!({ "result": zones });
        let rows =
            built_rows(tree, &zones, &Env::new(&scope, None), &mut Vec::new()).unwrap_or_default();
        let names: Vec<String> = rows.iter().map(|r| text(r.get("name"))).collect();
        assert_eq!(
            names,
            [
                "nova",
                "|- compute",
                "| |- nova-compute",
                "|- compute2",
                "| |- nova-compute"
            ]
        );
    }

    /// The spec's limits: listed keys fill cells of named rows, sorted by name; a key not
    /// listed makes its own row, and the column only such rows fill shows only then.
    #[test]
    fn limits_rows_are_named_and_other_shows_only_when_used() {
        use serde_json::json;
        let op = crate::spec::OPERATIONS
            .iter()
            .find(|o| o.command == "limits")
            .expect("the spec has limits");
        let p = op
            .variants
            .iter()
            .flat_map(|v| v.print)
            .find(|p| !p.rows.is_empty())
            .expect("printed as rows");
        let built = |absolute: Value| {
            let mut cols = columns_for(p.columns.unwrap_or(&[]), Version(2, 1), &json!({}));
            let rows = built_rows(p.rows, &absolute, &Env::new(&json!({}), None), &mut cols)
                .unwrap_or_default();
            let titles: Vec<String> = cols.iter().map(|c| c.title.clone()).collect();
            let cells: Vec<Vec<String>> = texts(&cols, &rows).unwrap_or_default();
            (titles, cells)
        };
        let (titles, cells) =
            built(json!({"maxTotalCores": 20, "totalCoresUsed": 1, "maxTotalRAMSize": 512}));
        assert_eq!(titles, ["Name", "Used", "Max"]);
        assert_eq!(cells, [["Cores", "1", "20"], ["RAM", "-", "512"]]);
        let (titles, cells) = built(json!({"maxTotalCores": 20, "maxWidgets": 3, "Cores": 4}));
        assert_eq!(titles, ["Name", "Used", "Max", "Other"]);
        assert_eq!(
            cells,
            [["Cores", "-", "20", "4"], ["maxWidgets", "-", "-", "3"]]
        );
        let (titles, cells) = built(json!({}));
        assert_eq!(titles, ["Name", "Used", "Max"]);
        assert!(cells.is_empty());
    }

    /// `quoted` is novaclient's `pretty_choice_list` / `pretty_choice_dict`: each expected text
    /// below is what python-novaclient 18.13.1's own functions return for the same value.
    #[test]
    fn quoted_is_novaclients_pretty_choice_list_and_dict() {
        use serde_json::json;
        let q = |v: Value| format(Fmt::Quoted, &v).ok();
        let cases = [
            (json!([]), ""),
            (json!(["compute"]), "'compute'"),
            (json!(["compute", "compute2"]), "'compute', 'compute2'"),
            (json!(["it's", "a\"b"]), "'it's', 'a\"b'"),
            (json!([1, 2.5, true, null]), "'1', '2.5', 'True', 'None'"),
            (json!([["x"], {"k": "v"}]), "'['x']', '{'k': 'v'}'"),
            (json!(["é", "a b"]), "'é', 'a b'"),
            (json!({}), ""),
            (json!({"a": "1"}), "'a=1'"),
            (json!({"b": "2", "a": "1", "B": "0"}), "'B=0', 'a=1', 'b=2'"),
            (
                json!({"q": "it's", "n": null, "i": 3, "t": true, "l": ["x"], "d": {"k": "v"}}),
                "'d={'k': 'v'}', 'i=3', 'l=['x']', 'n=None', 'q=it's', 't=True'",
            ),
            (json!({"é": "1", "z": "2"}), "'z=2', 'é=1'"),
            // novaclient's `or {}`: null shows nothing.
            (json!(null), ""),
        ];
        for (v, want) in cases {
            assert_eq!(q(v.clone()), Some(json!(want)), "{v}");
        }
        // Absent stays absent (an empty cell), as for every format.
        let show = Show {
            value: None,
            format: Some(Fmt::Quoted),
        };
        assert!(matches!(shown(show, None), Ok(None)));
    }

    /// The spec's named formats (`api.yaml`) show what novaclient shows.
    #[test]
    fn the_spec_formats_power_states_and_networks() {
        use serde_json::json;
        let named = |name: &'static str, v: Value| format(Fmt::Named(name), &v).ok();
        let addresses = json!({
            "public": [{"addr": "172.24.4.9"}, {"version": 6}, {"addr": "2001:db8::9"}],
            "empty": [],
            "private": [{"addr": "10.0.0.3"}],
        });
        let want = "private=10.0.0.3; public=172.24.4.9, 2001:db8::9";
        assert_eq!(named("networks", addresses), Some(json!(want)));
        assert_eq!(named("networks", json!({"empty": []})), Some(json!("")));
        assert_eq!(named("power_state", json!(1)), Some(json!("Running")));
        assert_eq!(named("power_state", json!(4)), Some(json!("Shutdown")));
        assert_eq!(named("power_state", json!(null)), Some(json!("N/A")));
        assert_eq!(format(Fmt::Fixed(2), &json!(2.5)).ok(), Some(json!("2.50")));
        assert_eq!(
            format(Fmt::Pyrepr, &json!({"a": [1, "x", null, true]})).ok(),
            Some(json!("{'a': [1, 'x', None, True]}"))
        );
    }
    use serde_json::json;

    #[test]
    fn prettytable_layout() {
        let t = table(&["ID", "Name"], &[vec!["1", "m1.tiny"]]);
        assert_eq!(t, "+----+---------+\n| ID | Name    |\n+----+---------+\n| 1  | m1.tiny |\n+----+---------+");
        let wide = table(&["Name"], &[vec!["日本"], vec!["ab"]]);
        assert_eq!(
            wide,
            "+------+\n| Name |\n+------+\n| 日本 |\n| ab   |\n+------+"
        );
        let empty = table::<&str>(&["ID"], &[]);
        assert_eq!(empty, "+----+\n| ID |\n+----+\n+----+");
    }

    #[test]
    fn ties_are_ordered_by_the_whole_row() {
        let cols: Vec<Col> = ["id", "name"].iter().map(|f| Col::of_field(f)).collect();
        let items = vec![
            json!({"id": "b", "name": "web"}),
            json!({"id": "c", "name": "db"}),
            json!({"id": "a", "name": "web"}),
        ];
        let texts = texts(&cols, &items).expect("texts");
        let by_name = |keep: &dyn Fn(&Col) -> bool| {
            rows(&cols, &texts, &items, Some("Name"), Format::Value, keep)
        };
        let out = by_name(&|_| true);
        assert!(matches!(out, Shown::Text(t) if t == "c db\na web\nb web"));
        // Sorted by a column that is not kept.
        let out = by_name(&|c| c.title == "Id");
        assert!(matches!(out, Shown::Text(t) if t == "c\na\nb"));
    }

    #[test]
    fn escaped_newlines_are_rows() {
        let info = vec![("fault".to_string(), json!("a\\nb"))];
        let shown = properties(&info, ("Property", "Value"), 0, Format::Table);
        assert!(
            matches!(shown, Shown::Text(t) if t == "+----------+-------+\n| Property | Value |\n+----------+-------+\n| fault    | a     |\n|          | b     |\n+----------+-------+")
        );
    }

    #[test]
    fn control_characters_are_shown_in_the_width_they_were_measured() {
        assert_eq!(for_terminal("plain\ntext"), "plain\ntext");
        assert_eq!(
            for_terminal("\u{1b}[31mred\r\t\u{7}\u{7f}\u{9b}x"),
            "␛[31mred␍␉␇␡\u{fffd}x"
        );
        let t = table(
            &["Name"],
            &[vec!["\u{1b}]0;pwned\u{7}\u{9b}2J"], vec!["ab"]],
        );
        let shown = for_terminal(&t);
        let widths: Vec<usize> = shown
            .lines()
            .map(unicode_width::UnicodeWidthStr::width)
            .collect();
        assert!(
            widths.iter().all(|w| *w == widths[0]),
            "{shown}\n{widths:?}"
        );
        assert!(
            !shown.chars().any(|c| c != '\n' && c.is_control()),
            "{shown}"
        );
    }

    #[test]
    fn cells_like_python() {
        assert_eq!(cell(Some(&json!(null))), "-");
        assert_eq!(cell(None), "");
        assert_eq!(cell(Some(&json!(true))), "True");
        assert_eq!(cell(Some(&json!(1.0))), "1.0");
        assert_eq!(py_json(&json!({"a": [1, 2]})), "{\"a\": [1, 2]}");
    }
}
