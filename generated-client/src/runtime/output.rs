//! Printing, as python-novaclient does: left-aligned prettytable `+---+` tables, `-` for null,
//! `Property | Value` tables with sorted keys and JSON for nested values; plus
//! `--format json|yaml|value` for scripts.

use super::call::id_of;
use super::defs::{ColumnDef, ColumnFormat, ResourceDef, ShowAction, Version};
use super::session::Client;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Yaml,
    Value,
}

/// A prettytable: left-aligned, one space of padding, `+---+` rules.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            for line in cell.split('\n') {
                widths[i] = widths[i].max(line.chars().count());
            }
        }
    }
    let rule: String = widths
        .iter()
        .map(|w| format!("+{}", "-".repeat(w + 2)))
        .collect::<String>()
        + "+";
    let line = |cells: &[&str]| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - c.chars().count();
            s.push_str(&format!("| {c}{} ", " ".repeat(pad)));
        }
        s + "|"
    };
    let mut out = vec![rule.clone(), line(headers), rule.clone()];
    for row in rows {
        let split: Vec<Vec<&str>> = row.iter().map(|c| c.split('\n').collect()).collect();
        let height = split.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let cells: Vec<&str> = split
                .iter()
                .map(|c| c.get(k).copied().unwrap_or(""))
                .collect();
            out.push(line(&cells));
        }
    }
    if !rows.is_empty() {
        out.push(rule);
    }
    out.join("\n")
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

const POWER_STATES: [&str; 8] = [
    "NOSTATE",
    "Running",
    "",
    "Paused",
    "Shutdown",
    "",
    "Crashed",
    "Suspended",
];

/// `net1=10.0.0.3, 10.0.0.4; net2=...`, networks sorted by label.
fn networks(addresses: Option<&Value>) -> String {
    let Some(Value::Object(m)) = addresses else {
        return String::new();
    };
    let mut labels: Vec<&String> = m.keys().collect();
    labels.sort();
    labels
        .into_iter()
        .filter_map(|label| {
            let addrs: Vec<&str> = m[label]
                .as_array()?
                .iter()
                .filter_map(|a| a.get("addr").and_then(Value::as_str))
                .collect();
            (!addrs.is_empty()).then(|| format!("{label}={}", addrs.join(", ")))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One list cell, as text, with the column's formatter.
fn column_text(col: &ColumnDef, item: &Value) -> String {
    let v = item.get(col.field);
    match col.format {
        Some(ColumnFormat::Networks) => networks(v),
        Some(ColumnFormat::PowerState) => match v.and_then(Value::as_u64) {
            Some(n) => POWER_STATES
                .get(n as usize)
                .copied()
                .unwrap_or("")
                .to_string(),
            None => "N/A".into(),
        },
        None => cell(v),
    }
}

/// A list of resources with the resource's columns for this microversion.
pub fn list(res: &ResourceDef, items: &[Value], version: Version, format: Format) -> String {
    let cols: Vec<&ColumnDef> = res
        .columns
        .iter()
        .filter(|c| c.versions.contains(version))
        .collect();
    let mut rows: Vec<(Vec<String>, &Value)> = items
        .iter()
        .map(|it| (cols.iter().map(|c| column_text(c, it)).collect(), it))
        .collect();
    if let Some(i) = res
        .sort_by
        .and_then(|s| cols.iter().position(|c| c.title == s))
    {
        rows.sort_by(|a, b| a.0[i].cmp(&b.0[i]));
    }
    match format {
        Format::Table => {
            let headers: Vec<&str> = cols.iter().map(|c| c.title).collect();
            let cells: Vec<Vec<String>> = rows.into_iter().map(|r| r.0).collect();
            table(&headers, &cells)
        }
        Format::Value => rows
            .iter()
            .map(|r| r.0.join(" "))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Json | Format::Yaml => {
            let records: Vec<Value> = rows
                .iter()
                .map(|(texts, item)| {
                    let obj: Map<String, Value> = cols
                        .iter()
                        .zip(texts)
                        .map(|(c, text)| {
                            let v = match c.format {
                                Some(_) => Value::String(text.clone()),
                                None => item.get(c.field).cloned().unwrap_or(Value::Null),
                            };
                            (c.title.to_string(), v)
                        })
                        .collect();
                    Value::Object(obj)
                })
                .collect();
            structured(&Value::Array(records), format)
        }
    }
}

/// One resource reshaped by the resource's show rules, keys sorted.
pub fn reshape(client: &Client, res: &ResourceDef, obj: &Value) -> BTreeMap<String, Value> {
    let mut info: BTreeMap<String, Value> = match obj {
        Value::Object(m) => m.clone().into_iter().collect(),
        other => BTreeMap::from([("value".to_string(), other.clone())]),
    };
    for rule in res.show {
        if !rule.versions.contains(client.version()) {
            continue;
        }
        let Some(value) = info.remove(rule.field) else {
            continue;
        };
        match rule.action {
            ShowAction::Drop => {}
            ShowAction::Networks => {
                if let Value::Object(m) = &value {
                    for (label, addrs) in m {
                        let list: Vec<&str> = addrs
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|a| a.get("addr").and_then(Value::as_str))
                            .collect();
                        info.insert(format!("{label} network"), Value::String(list.join(", ")));
                    }
                }
            }
            ShowAction::Flatten => match value {
                Value::Object(m) => {
                    for (k, v) in m {
                        info.insert(format!("{}:{k}", rule.field), v);
                    }
                }
                other => {
                    info.insert(rule.field.to_string(), other);
                }
            },
            ShowAction::Names => {
                let mut names: Vec<&str> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|g| g.get("name").and_then(Value::as_str))
                    .collect();
                names.sort();
                names.dedup();
                info.insert(rule.field.to_string(), Value::String(names.join(", ")));
            }
            ShowAction::Ref => {
                let id = match &value {
                    Value::Object(_) => id_of(&value),
                    Value::String(s) if !s.is_empty() => Some(s.clone()),
                    _ => None,
                };
                let text = match id {
                    Some(id) => {
                        let name = rule
                            .resource
                            .and_then(|r| client.get_resource(r, &id).ok())
                            .and_then(|o| {
                                o.get("name").and_then(Value::as_str).map(str::to_string)
                            });
                        match name {
                            Some(n) => format!("{n} ({id})"),
                            None => {
                                let kind = rule.resource.map(|r| r.name).unwrap_or("resource");
                                let mut k = kind.chars();
                                let kind = k
                                    .next()
                                    .map(|f| f.to_uppercase().collect::<String>() + k.as_str())
                                    .unwrap_or_default();
                                format!("{kind} not found ({id})")
                            }
                        }
                    }
                    None => rule.empty.unwrap_or("").to_string(),
                };
                info.insert(rule.field.to_string(), Value::String(text));
            }
        }
    }
    info
}

/// A `Property | Value` table (or the same data in another format).
pub fn properties(info: &BTreeMap<String, Value>, format: Format) -> String {
    match format {
        Format::Table => {
            let rows: Vec<Vec<String>> = info
                .iter()
                .map(|(k, v)| vec![k.clone(), cell(Some(v))])
                .collect();
            table(&["Property", "Value"], &rows)
        }
        Format::Value => info
            .values()
            .map(|v| cell(Some(v)))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Json | Format::Yaml => {
            let obj: Map<String, Value> = info.clone().into_iter().collect();
            structured(&Value::Object(obj), format)
        }
    }
}

/// One value: printed as it is, or as JSON/YAML.
pub fn value(v: &Value, format: Format) -> String {
    match format {
        Format::Json | Format::Yaml => structured(v, format),
        _ => match v {
            Value::String(s) => s.clone(),
            other => cell(Some(other)),
        },
    }
}

fn structured(v: &Value, format: Format) -> String {
    let text = match format {
        Format::Yaml => serde_yaml::to_string(v).unwrap_or_default(),
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
        let t = table(&["ID", "Name"], &[vec!["1".into(), "m1.tiny".into()]]);
        assert_eq!(t, "+----+---------+\n| ID | Name    |\n+----+---------+\n| 1  | m1.tiny |\n+----+---------+");
        let empty = table(&["ID"], &[]);
        assert_eq!(empty, "+----+\n| ID |\n+----+");
    }

    #[test]
    fn cells_like_python() {
        assert_eq!(cell(Some(&json!(null))), "-");
        assert_eq!(cell(None), "");
        assert_eq!(cell(Some(&json!(true))), "True");
        assert_eq!(cell(Some(&json!(1.0))), "1.0");
        assert_eq!(py_json(&json!({"a": [1, 2]})), "{\"a\": [1, 2]}");
    }

    #[test]
    fn network_cells() {
        let a = json!({"b": [{"addr": "10.0.0.2"}], "a": [{"addr": "1.1.1.1"}, {"addr": "::1"}], "c": []});
        assert_eq!(networks(Some(&a)), "a=1.1.1.1, ::1; b=10.0.0.2");
    }
}
