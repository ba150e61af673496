//! Printing, as python-novaclient does: left-aligned prettytable `+---+` tables, `-` for null,
//! `Property | Value` tables with sorted keys and JSON for nested values; plus
//! `--format json|yaml|value` for scripts. In json and yaml a table is a list of objects and a
//! `Property | Value` table one object, both keyed by the API's field names (`Col::key`).

use super::defs::{ColumnDef, PivotDef, ShowDef, TreeLevelDef, Version};
use super::error::Error;
use super::expr::{self, lookup, Resolver};
use super::scope::{self, holds, text, Env};
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
    // Display width, as prettytable's wcwidth: wide (CJK) characters take two columns;
    // printable ASCII, one each (measured without the tables).
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
    let mut out = String::with_capacity((rule.len() + 1) * (rows.len() + 4));
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
        if !row.iter().any(|c| c.as_ref().contains('\n')) {
            line(&mut out, &mut row.iter().map(AsRef::as_ref));
            continue;
        }
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
    Doc(Value),
    Nothing,
}

/// A column of one table: a spec column, or one the user asked for (`--fields`).
#[derive(Debug, Clone)]
pub struct Col {
    pub title: String,
    pub field: String,
    pub format: Option<&'static str>,
}

impl Col {
    /// A column showing a field as it is, titled as Python's `str.title()` would.
    pub fn of_field(field: &str) -> Col {
        Col {
            title: field
                .replace('_', " ")
                .split(' ')
                .map(|w| expr::capitalized(&w.to_lowercase()))
                .collect::<Vec<_>>()
                .join(" "),
            field: field.to_string(),
            format: None,
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
            format: c.format,
        })
        .collect()
}

/// One cell, as text, with the column's format.
fn column_text(col: &Col, item: &Value, r: &dyn Resolver) -> Result<String, Error> {
    // A plain path is read in place: a row costs its cells, not copies of the item's fields.
    let v = match col.field.contains("[]") {
        false => expr::walk(item, &col.field).map(Cow::Borrowed),
        true => lookup(item, &col.field).map(Cow::Owned),
    };
    formatted(col.format, v, r)
}

/// A cell's text: a value shown with a column's format, or as it is.
pub fn formatted(
    format: Option<&str>,
    v: Option<Cow<Value>>,
    r: &dyn Resolver,
) -> Result<String, Error> {
    match format {
        Some(f) => Ok(match expr::apply_cow(v, f, r)? {
            Some(Cow::Owned(Value::String(s))) => s,
            other => cell(other.as_deref()),
        }),
        None => Ok(cell(v.as_deref())),
    }
}

/// Each item's cells under the given columns, as text.
pub fn texts(cols: &[Col], items: &[Value], r: &dyn Resolver) -> Result<Vec<Vec<String>>, Error> {
    items
        .iter()
        .map(|it| cols.iter().map(|c| column_text(c, it, r)).collect())
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
            let cells: Vec<Vec<&str>> = order.iter().map(|k| cells(*k).collect()).collect();
            Shown::Text(table(&headers, &cells))
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

/// The rows of a tree table: each level's entries (a list's items or an object's keys, as
/// `{key, value}`) make one row each, followed by the rows of the next level below it.
pub fn tree_rows(levels: &[TreeLevelDef], env: &Env) -> Result<Vec<Value>, Error> {
    fn walk(
        levels: &[TreeLevelDef],
        entries: Option<Value>,
        rows: &mut Vec<Value>,
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
        if level.sort {
            entries.sort_by_key(|(k, _)| text(Some(k)));
        }
        for (key, value) in entries {
            let mut entry = Map::new();
            entry.insert("key".into(), key);
            entry.insert("value".into(), value);
            let entry = Value::Object(entry);
            // The entry is `it` to its row and to the level below.
            let here = Env::new(env.scope, env.version).with(&[&entry]);
            let mut row = Map::new();
            for (field, t) in level.row {
                let v = scope::template(t, &here)?.unwrap_or(Value::Null);
                row.insert(field.to_string(), v);
            }
            rows.push(Value::Object(row));
            if let Some(next) = below.first() {
                walk(below, scope::eval(&next.each, &here)?, rows, env)?;
            }
        }
        Ok(())
    }
    let mut rows = Vec::new();
    if let Some(first) = levels.first() {
        walk(levels, scope::eval(&first.each, env)?, &mut rows, env)?;
    }
    Ok(rows)
}

/// The rows of a pivot table: each key of `obj` fills one cell, its row named in `name`; the
/// `other` column is dropped from `cols` when no key lands there, and empty cells are null
/// (`-` in a table).
pub fn pivot_rows(p: &PivotDef, obj: Option<&Value>, cols: &mut Vec<Col>) -> Vec<Value> {
    let mut rows: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (k, v) in obj.and_then(Value::as_object).into_iter().flatten() {
        let place = match p.keys.iter().find(|(key, _, _)| key == k) {
            Some((_, row, col)) => Some((row.to_string(), *col)),
            None => p.other.map(|o| (k.clone(), o)),
        };
        if let Some((row, col)) = place {
            let cells = rows.entry(row.clone()).or_default();
            cells.insert("name".into(), Value::String(row));
            cells.insert(col.to_string(), v.clone());
        }
    }
    if let Some(o) = p.other {
        if !rows.values().any(|r| r.contains_key(o)) {
            cols.retain(|c| c.field != o);
        }
    }
    rows.into_values()
        .map(|mut cells| {
            for c in cols.iter() {
                cells.entry(c.field.clone()).or_insert(Value::Null);
            }
            Value::Object(cells)
        })
        .collect()
}

/// One resource reshaped by show rules, keys sorted.
pub fn reshape(
    rules: &[ShowDef],
    version: Version,
    obj: &Value,
    r: &dyn Resolver,
) -> Result<BTreeMap<String, Value>, Error> {
    let mut info: BTreeMap<String, Value> = match obj {
        Value::Object(m) => m.clone().into_iter().collect(),
        other => BTreeMap::from([("value".to_string(), other.clone())]),
    };
    for rule in rules {
        if !rule.versions.contains(version) {
            continue;
        }
        let Some(value) = info.remove(rule.field) else {
            continue;
        };
        if rule.drop {
            continue;
        }
        let fmt = |v: Value| -> Result<Value, Error> {
            match rule.format {
                Some(f) => Ok(expr::apply(Some(v), f, r)?.unwrap_or(Value::Null)),
                None => Ok(v),
            }
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
                info.insert(rule.field.to_string(), fmt(value)?);
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
            let mut rows: Vec<Vec<String>> = Vec::new();
            for (k, v) in info {
                match v {
                    Value::String(s) if s.contains("\\n") => {
                        for (i, line) in s.trim().split("\\n").enumerate() {
                            let key = if i == 0 { k.clone() } else { String::new() };
                            rows.push(vec![key, wrapped(line, wrap)]);
                        }
                    }
                    _ => rows.push(vec![k.clone(), wrapped(&cell(Some(v)), wrap)]),
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

/// Text cut into lines of at most `width` characters (0: as it is).
fn wrapped(text: &str, width: usize) -> String {
    if width == 0 {
        return text.to_string();
    }
    text.split('\n')
        .flat_map(|line| {
            let chars: Vec<char> = line.chars().collect();
            if chars.is_empty() {
                return vec![String::new()];
            }
            chars
                .chunks(width)
                .map(|c| c.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn structured(v: &Value, format: Format) -> String {
    let text = match format {
        Format::Yaml => super::yaml::to_string(v),
        _ => serde_json::to_string_pretty(v).unwrap_or_default(),
    };
    text.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let texts = texts(&cols, &items, &expr::NoResolver).expect("texts");
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
