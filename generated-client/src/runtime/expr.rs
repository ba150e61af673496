//! The spec's one small expression language, used by every template: URL paths, query values,
//! body templates, results, columns, show rules, messages and defaults.
//!
//! `path|filter|filter:arg` — a path walks the scope (`server`, `item.uuid`, `result.id`,
//! `^.id` for the parent of an exploded row, `hypers[].servers[]` explodes lists); each filter
//! turns the value (or its absence) into another. A template is a string holding `{expr}`s:
//! when it is exactly one `{expr}` it stands for that JSON value (absent: left out), otherwise
//! each `{expr}` is replaced by its text.

use super::defs::Version;
use super::error::Error;
use super::output::cell;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// What filters that reach the cloud (`get:`, `ref:`) need.
pub trait Resolver {
    /// One resource of the spec by its ID.
    fn fetch(&self, resource: &str, id: &str) -> Result<Value, Error>;

    /// The session's compute microversion, for `since:`.
    fn version(&self) -> Option<Version> {
        None
    }
}

/// No cloud: `get:` fails, `ref:` falls back to "not found".
pub struct NoResolver;
impl Resolver for NoResolver {
    fn fetch(&self, resource: &str, _: &str) -> Result<Value, Error> {
        Err(Error::command(format!(
            "no cloud to fetch the {resource} from"
        )))
    }
}

/// Evaluate `expr` in `scope`.
pub fn eval(expr: &str, scope: &Value, r: &dyn Resolver) -> Result<Option<Value>, Error> {
    // `a||b`: the first alternative that has a value.
    if let Some((first, rest)) = expr.split_once("||") {
        return match eval(first, scope, r)? {
            Some(v) => Ok(Some(v)),
            None => eval(rest, scope, r),
        };
    }
    let (path, filters) = match expr.split_once('|') {
        Some((p, f)) => (p, Some(f)),
        None => (expr, None),
    };
    let v = lookup(scope, path.trim());
    match filters {
        Some(f) => apply(v, f, r),
        None => Ok(v),
    }
}

/// Apply a filter chain (`map:addr|join`) to a value; a filter argument may not contain `|`.
pub fn apply(v: Option<Value>, filters: &str, r: &dyn Resolver) -> Result<Option<Value>, Error> {
    Ok(apply_cow(v.map(Cow::Owned), filters, r)?.map(Cow::into_owned))
}

/// [`apply`] to a borrowed value: a filter that passes its value on does not copy it.
pub fn apply_cow<'a>(
    mut v: Option<Cow<'a, Value>>,
    filters: &str,
    r: &dyn Resolver,
) -> Result<Option<Cow<'a, Value>>, Error> {
    for f in filters.split('|') {
        let (name, arg) = match f.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (f, None),
        };
        v = filter(name.trim(), arg, v, r)?;
    }
    Ok(v)
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

/// Fill a template string. Exactly `{expr}`: its value; otherwise interpolated text.
pub fn template(t: &str, scope: &Value, r: &dyn Resolver) -> Result<Option<Value>, Error> {
    if let Some(inner) = whole(t) {
        return eval(inner, scope, r);
    }
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let v = eval(&rest[i + 1..i + j], scope, r)?;
        out.push_str(&text(v.as_ref()));
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    Ok(Some(Value::String(out)))
}

/// A template as text (absent: empty).
pub fn text_of(t: &str, scope: &Value, r: &dyn Resolver) -> Result<String, Error> {
    Ok(text(template(t, scope, r)?.as_ref()))
}

/// `{expr}` and nothing else: the expression.
pub fn whole(t: &str) -> Option<&str> {
    let inner = t.strip_prefix('{')?.strip_suffix('}')?;
    (!inner.contains(['{', '}'])).then_some(inner)
}

/// A value as text in a message, URL or query: strings bare, the rest as a table cell.
pub fn text(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => cell(Some(other)),
    }
}

/// Fill a JSON body template: a string template becomes its value, a key whose value is
/// absent is left out. `None`: nothing left.
pub fn fill(t: &Value, scope: &Value, r: &dyn Resolver) -> Result<Option<Value>, Error> {
    Ok(match t {
        Value::String(s) if s.contains('{') => template(s, scope, r)?,
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if let Some(v) = fill(v, scope, r)? {
                    out.insert(k.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(a) => {
            let mut out = Vec::new();
            for v in a {
                if let Some(v) = fill(v, scope, r)? {
                    out.push(v);
                }
            }
            Some(Value::Array(out))
        }
        other => Some(other.clone()),
    })
}

/// A literal filter argument: JSON scalars (`1`, `true`, `null`) as such, anything else as text.
fn literal(a: Option<&str>) -> Value {
    let a = a.unwrap_or_default();
    match serde_json::from_str::<Value>(a) {
        Ok(v) if !v.is_object() && !v.is_array() && !v.is_string() => v,
        _ => Value::String(a.to_string()),
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|x| text(Some(x))).collect(),
        other => vec![text(Some(other))],
    }
}

fn filter<'a>(
    name: &str,
    arg: Option<&str>,
    v: Option<Cow<'a, Value>>,
    r: &dyn Resolver,
) -> Result<Option<Cow<'a, Value>>, Error> {
    let bad = |what: &str| Error::command(format!("'{what}' cannot be read as {name}."));
    let lit = |a: Option<&str>| Some(Cow::Owned(literal(a)));
    Ok(match name {
        "null" => Some(v.unwrap_or(Cow::Owned(Value::Null))),
        "or" => match v.as_deref() {
            None | Some(Value::Null) => lit(arg),
            Some(_) => v,
        },
        "default" => match v.as_deref() {
            None | Some(Value::Null) => lit(arg),
            Some(Value::String(s)) if s.is_empty() => lit(arg),
            Some(_) => v,
        },
        "then" => match v.as_deref() {
            Some(Value::Bool(false)) | None | Some(Value::Null) => None,
            Some(_) => lit(arg),
        },
        "empty_null" => match v.as_deref() {
            Some(Value::String(s)) if s.is_empty() => Some(Cow::Owned(Value::Null)),
            _ => v,
        },
        "case" => {
            let (from, to) = arg.and_then(|a| a.split_once(':')).unwrap_or_default();
            match v.as_deref() {
                Some(x) if text(Some(x)) == from => lit(Some(to)),
                _ => v,
            }
        }
        "since" => {
            let since = arg.and_then(Version::parse);
            match (r.version(), since) {
                (Some(now), Some(since)) if now < since => None,
                _ => v,
            }
        }
        "until" => {
            let until = arg.and_then(Version::parse);
            match (r.version(), until) {
                (Some(now), Some(until)) if now > until => None,
                _ => v,
            }
        }
        "prefix" => match v.as_deref() {
            Some(Value::String(s)) if !s.is_empty() => Some(Cow::Owned(Value::String(format!(
                "{}{s}",
                arg.unwrap_or_default()
            )))),
            _ => v,
        },
        _ => {
            // The rest read the value and make a new one (a copy only where one passes through).
            let Some(v) = v else { return Ok(None) };
            let v: &Value = &v;
            Some(Cow::Owned(match name {
                "base64" => {
                    use base64::Engine;
                    Value::String(base64::engine::general_purpose::STANDARD.encode(text(Some(v))))
                }
                "int" => match v {
                    Value::Number(_) => v.clone(),
                    other => {
                        let t = text(Some(other));
                        Value::from(t.trim().parse::<i64>().map_err(|_| bad(&t))?)
                    }
                },
                "float" => match &v {
                    Value::Number(n) => Value::from(n.as_f64().unwrap_or_default()),
                    other => {
                        let t = text(Some(other));
                        Value::from(t.trim().parse::<f64>().map_err(|_| bad(&t))?)
                    }
                },
                "str" => Value::String(text(Some(v))),
                "split" => Value::Array(
                    strings(v)
                        .iter()
                        .flat_map(|s| s.split(','))
                        .map(|s| s.trim())
                        .filter(|s| !s.is_empty())
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                ),
                "objects" => {
                    let key = arg.unwrap_or("name");
                    Value::Array(
                        strings(v)
                            .into_iter()
                            .map(|s| {
                                let mut m = Map::new();
                                m.insert(key.to_string(), Value::String(s));
                                Value::Object(m)
                            })
                            .collect(),
                    )
                }
                "pairs" => match v {
                    Value::Object(_) => v.clone(),
                    other => Value::Object(
                        strings(other)
                            .into_iter()
                            .map(|s| match s.split_once('=') {
                                Some((k, x)) => (k.to_string(), Value::String(x.to_string())),
                                None => (s, Value::Null),
                            })
                            .collect(),
                    ),
                },
                "keys" => match v {
                    Value::Object(m) => {
                        Value::Array(m.keys().cloned().map(Value::String).collect())
                    }
                    other => Value::Array(
                        strings(other)
                            .into_iter()
                            .map(|s| {
                                Value::String(
                                    s.split_once('=').map(|(k, _)| k.to_string()).unwrap_or(s),
                                )
                            })
                            .collect(),
                    ),
                },
                "basename" => Value::String(
                    text(Some(v))
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
                "map" => {
                    let key = arg.unwrap_or("name");
                    Value::Array(
                        v.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|x| x.get(key).cloned())
                            .collect(),
                    )
                }
                "sort" => {
                    let mut items = v.as_array().cloned().unwrap_or_default();
                    items.sort_by_key(|x| text(Some(x)));
                    Value::Array(items)
                }
                "unique" => {
                    let mut items: Vec<Value> = Vec::new();
                    for x in v.as_array().into_iter().flatten() {
                        if !items.contains(x) {
                            items.push(x.clone());
                        }
                    }
                    Value::Array(items)
                }
                "join" => Value::String(strings(v).join(arg.unwrap_or(", "))),
                "networks" => Value::String(networks(v)),
                "power_state" => Value::String(power_state(v)),
                "ref" => {
                    let id = match &v {
                        Value::Object(m) => m.get("id").map(|x| text(Some(x))),
                        Value::String(s) if !s.is_empty() => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    };
                    match id {
                        None => Value::String(String::new()),
                        Some(id) => {
                            let res = arg.unwrap_or_default();
                            let name = r.fetch(res, &id).ok().and_then(|o| {
                                o.get("name").and_then(Value::as_str).map(str::to_string)
                            });
                            Value::String(match name {
                                Some(n) => format!("{n} ({id})"),
                                None => format!("{} not found ({id})", capitalized(res)),
                            })
                        }
                    }
                }
                "get" => r.fetch(arg.unwrap_or_default(), &text(Some(v)))?,
                "pyrepr" => Value::String(pyrepr(v)),
                "fixed" => {
                    let places: usize = arg.and_then(|a| a.parse().ok()).unwrap_or(2);
                    let n = match &v {
                        Value::Number(n) => n.as_f64(),
                        other => text(Some(other)).parse().ok(),
                    };
                    match n {
                        Some(n) => Value::String(format!("{n:.places$}")),
                        None => v.clone(),
                    }
                }
                "count" => Value::from(match &v {
                    Value::Array(a) => a.len(),
                    Value::Object(m) => m.len(),
                    _ => 1,
                }),
                "slug" => Value::String(slug(&text(Some(v)))),
                "part" => {
                    // `key:dir` texts: part 0 is before the first ':', part 1 after it (or the
                    // default), as Python's str.partition.
                    let (n, default) = match arg.and_then(|a| a.split_once(':')) {
                        Some((n, d)) => (n, d),
                        None => (arg.unwrap_or("0"), ""),
                    };
                    let pick = |s: String| {
                        let (before, after) = s.split_once(':').unwrap_or((&s, ""));
                        let got = if n == "0" { before } else { after };
                        Value::String(if got.is_empty() { default } else { got }.to_string())
                    };
                    match v {
                        Value::Array(items) => {
                            Value::Array(items.iter().map(|x| pick(text(Some(x)))).collect())
                        }
                        other => pick(text(Some(other))),
                    }
                }
                "days" => {
                    let n: f64 = arg.and_then(|a| a.trim().parse().ok()).unwrap_or(0.0);
                    let t = datetime(v)? + chrono::Duration::seconds((n * 86_400.0) as i64);
                    Value::String(t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
                }
                "date" => Value::String(datetime(v)?.format("%Y-%m-%d").to_string()),
                "isoformat" => Value::String(isoformat(datetime(v)?)),
                "lower" => Value::String(text(Some(v)).to_lowercase()),
                "upper" => Value::String(text(Some(v)).to_uppercase()),
                other => return Err(Error::command(format!("unknown filter '{other}'"))),
            }))
        }
    })
}

/// The current time in UTC, as the `now` root holds it.
pub fn now() -> Value {
    Value::String(
        chrono::Utc::now()
            .naive_utc()
            .format("%Y-%m-%dT%H:%M:%S%.6f")
            .to_string(),
    )
}

/// A date as novaclient reads one, or a date and time as the `now` root and `days` write them
/// (novagen-spec's, which the second edition's filters use too).
fn datetime(v: &Value) -> Result<chrono::NaiveDateTime, Error> {
    novagen_spec::dates::datetime(v).map_err(|e| match e {
        novagen_spec::EvalError::Value(m) => Error::Value(m),
        novagen_spec::EvalError::Command(m) => Error::command(m),
    })
}

use novagen_spec::dates::isoformat;

/// `Image` from `image`.
pub fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// nova's `addresses` as `net=ip1, ip2; net2=ip3`, networks sorted by label.
fn networks(v: &Value) -> String {
    let Value::Object(m) = v else {
        return String::new();
    };
    let mut nets: Vec<(&String, &Value)> = m.iter().collect();
    nets.sort_by_key(|(label, _)| *label);
    // Written into one text: a list of 10,000 servers formats 10,000 of these.
    let mut out = String::new();
    for (label, addrs) in nets {
        let addrs = addrs.as_array().into_iter().flatten();
        let addrs = addrs.filter_map(|a| a.get("addr").and_then(Value::as_str));
        for (i, addr) in addrs.enumerate() {
            match (i, out.is_empty()) {
                (0, true) => {}
                (0, false) => out.push_str("; "),
                _ => out.push_str(", "),
            }
            if i == 0 {
                out.push_str(label);
                out.push('=');
            }
            out.push_str(addr);
        }
    }
    out
}

/// nova's power state numbers as novaclient names them.
fn power_state(v: &Value) -> String {
    const NAMES: [&str; 8] = [
        "NOSTATE",
        "Running",
        "",
        "Paused",
        "Shutdown",
        "",
        "Crashed",
        "Suspended",
    ];
    match v.as_u64() {
        Some(n) => NAMES.get(n as usize).copied().unwrap_or("").to_string(),
        None => "N/A".into(),
    }
}

/// Python's `str()` of a JSON value: `{'a': [1, 'x']}`, `True`, `None`.
pub fn pyrepr(v: &Value) -> String {
    fn inner(v: &Value, top: bool) -> String {
        match v {
            Value::Null => "None".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Number(n) => n.to_string(),
            Value::String(s) if top => s.clone(),
            Value::String(s) => pystr(s),
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
                    .map(|(k, x)| format!("{}: {}", pystr(k), inner(x, false)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    inner(v, true)
}

/// Python's repr of a string: single quotes unless the text holds one and no double quote.
fn pystr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// oslo's `to_slug`: lower case, runs of other characters as one `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().to_lowercase().chars() {
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if (c.is_whitespace() || c == '-') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(e: &str, scope: &Value) -> Option<Value> {
        eval(e, scope, &NoResolver).ok().flatten()
    }

    #[test]
    fn networks_by_label_with_their_addresses() {
        let addresses = json!({
            "public": [{"addr": "172.24.4.9"}, {"version": 6}, {"addr": "2001:db8::9"}],
            "empty": [],
            "odd": 5,
            "private": [{"addr": "10.0.0.3"}],
        });
        let want = "private=10.0.0.3; public=172.24.4.9, 2001:db8::9";
        assert_eq!(networks(&addresses), want);
        assert_eq!(networks(&json!({"empty": []})), "");
        assert_eq!(networks(&json!("not a map")), "");
    }

    #[test]
    fn paths_filters_and_templates() {
        let s =
            json!({"hard": true, "name": "vm", "h": [{"id": 1, "s": [{"u": "a"}, {"u": "b"}]}]});
        assert_eq!(ev("hard|then:HARD|or:SOFT", &s), Some(json!("HARD")));
        assert_eq!(ev("soft|then:HARD|or:SOFT", &s), Some(json!("SOFT")));
        assert_eq!(ev("missing", &s), None);
        assert_eq!(ev("missing|null", &s), Some(json!(null)));
        let rows = ev("h[].s[]", &s).unwrap_or_default();
        assert_eq!(lookup(&rows[1], "u"), Some(json!("b")));
        assert_eq!(lookup(&rows[1], "^.id"), Some(json!(1)));
        let t = template("Server {name} ({missing})", &s, &NoResolver)
            .ok()
            .flatten();
        assert_eq!(t, Some(json!("Server vm ()")));
        let body = json!({"a": {"b": "{name}", "c": "{missing}", "d": null}});
        assert_eq!(
            fill(&body, &s, &NoResolver).ok().flatten(),
            Some(json!({"a": {"b": "vm", "d": null}}))
        );
    }

    #[test]
    fn dates_are_read_as_pythons_strptime_reads_them() {
        let date = |t: &str| {
            eval("d|date", &json!({ "d": t }), &NoResolver)
                .map(Option::unwrap_or_default)
                .map_err(|e| format!("{} {e}", e.kind()))
        };
        assert_eq!(date("2020-01-05"), Ok(json!("2020-01-05")));
        assert_eq!(date("2020-1-5"), Ok(json!("2020-01-05")));
        assert_eq!(date("2020-12- 3"), Ok(json!("2020-12-03")));
        assert_eq!(date("2026-11-25T23:03:07.702364"), Ok(json!("2026-11-25")));
        let fails = |t: &str, why: &str| assert_eq!(date(t), Err(format!("ValueError {why}")));
        fails(
            "yesterday",
            "time data 'yesterday' does not match format '%Y-%m-%d'",
        );
        fails(
            "2020-13-01",
            "time data '2020-13-01' does not match format '%Y-%m-%d'",
        );
        fails(
            "2020-10-",
            "time data '2020-10-' does not match format '%Y-%m-%d'",
        );
        fails(
            " 2020-01-01",
            "time data ' 2020-01-01' does not match format '%Y-%m-%d'",
        );
        fails("2020-01-01T00:00:00", "unconverted data remains: T00:00:00");
        fails("2020-12-3x", "unconverted data remains: x");
        fails("2020-02-30", "day is out of range for month");
    }

    #[test]
    fn every_filter_the_generator_allows_exists() {
        for name in codegen::FILTERS {
            let arg = if matches!(*name, "ref" | "get") {
                "image"
            } else {
                "x"
            };
            let got = apply(Some(json!("a")), &format!("{name}:{arg}"), &NoResolver);
            let unknown = got
                .err()
                .is_some_and(|e| e.to_string().starts_with("unknown filter"));
            assert!(!unknown, "the runtime has no filter '{name}'");
        }
    }

    #[test]
    fn value_filters() {
        let s = json!({"l": ["a=1", "b"], "d": "", "n": 2.5, "g": [{"name": "b"}, {"name": "a"}, {"name": "b"}]});
        assert_eq!(ev("l|pairs", &s), Some(json!({"a": "1", "b": null})));
        assert_eq!(ev("l|keys", &s), Some(json!(["a", "b"])));
        assert_eq!(ev("d|empty_null", &s), Some(json!(null)));
        let sorts = json!({"s": "name:asc,created_at"});
        assert_eq!(
            ev("s|split|part:0", &sorts),
            Some(json!(["name", "created_at"]))
        );
        assert_eq!(
            ev("s|split|part:1:desc", &sorts),
            Some(json!(["asc", "desc"]))
        );
        let alt = json!({"set": "k", "unset": true});
        assert_eq!(ev("unset|then:null||set", &alt), Some(json!(null)));
        assert_eq!(ev("nothing|then:null||set", &alt), Some(json!("k")));
        assert_eq!(ev("nothing||missing", &alt), None);
        let id = json!({"a": "auto", "b": "7"});
        assert_eq!(ev("a|case:auto:null", &id), Some(json!(null)));
        assert_eq!(ev("b|case:auto:null", &id), Some(json!("7")));
        assert_eq!(ev("n|fixed:2", &s), Some(json!("2.50")));
        assert_eq!(ev("g|map:name|unique|sort|join", &s), Some(json!("a, b")));
        assert_eq!(
            ev("l|objects:name", &s),
            Some(json!([{"name": "a=1"}, {"name": "b"}]))
        );
        assert_eq!(
            pyrepr(&json!({"a": [1, "x", null, true]})),
            "{'a': [1, 'x', None, True]}"
        );
        assert_eq!(slug("My  Server_1!"), "my-server_1");
        let d = json!({"s": "2012-01-20", "t": "2012-01-20T10:30:00.250000"});
        assert_eq!(ev("s|isoformat", &d), Some(json!("2012-01-20T00:00:00")));
        assert_eq!(ev("t|days:-28|date", &d), Some(json!("2011-12-23")));
        assert_eq!(
            ev("t|days:1|isoformat", &d),
            Some(json!("2012-01-21T10:30:00.250000"))
        );
        assert!(eval("s|days:1", &json!({"s": "soon"}), &NoResolver).is_err());
    }
}
