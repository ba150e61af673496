//! The value filters: pure functions of their input and arguments.
//!
//! Where a filter existed in the first edition (`generated-client/src/runtime/expr.rs`), it
//! does what that one did: `split` of a list, `pairs`, `keys`, `slug`, `base64` (of the text),
//! `int`/`float`, `date`/`isoformat`/`days` (Python's strptime and messages), `basename`,
//! `sort` (by text), `unique`, `join` of non-texts (their [`text`]), `objects`, `count`,
//! `default` (absent, null or `""`), `case` (a value whose text is `from` → `to`).
//! Except where a filter says otherwise, an absent input gives absent.

use crate::eval::{eval, explode, index, text, Out};
use crate::types::{Call, Expr, Filter, Lit, Step};
use crate::{EvalError, ItemScope, Scope};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// `input | calls...`.
pub(crate) fn pipe<'a>(
    input: &Expr,
    calls: &[Call],
    s: &'a dyn Scope,
) -> Result<Out<'a>, EvalError> {
    let Some((first, rest)) = calls.split_first() else {
        return eval(input, s);
    };
    // A part of a value read in place (`it.^ | get(it)`): no frame per filter.
    if let Some(v) = picked(input, calls, s) {
        return Ok(v.map(Cow::Borrowed));
    }
    // `... | map(e) | join(sep)`: the text written at once, without the mapped list.
    if calls.len() >= 2 && fused(&calls[calls.len() - 2..]).is_some() {
        let mut out = String::with_capacity(TEXT);
        if let Some(present) = write_pipe(&mut out, input, calls, s)? {
            return Ok(present.then_some(Cow::Owned(Value::String(out))));
        }
    }
    // A loop filter straight after a path with `[]`: its items keep their parents (`it.^`).
    let mut v = match (input, first.filter) {
        (Expr::Path(p), Filter::Map | Filter::Where) if p.steps.contains(&Step::Each) => {
            match eval(
                &Expr::Path(crate::Path {
                    root: p.root,
                    steps: &[],
                }),
                s,
            )? {
                None => None,
                Some(b) => {
                    let items = explode(&b, p.steps);
                    Some(Cow::Owned(over(first, &items, s)?))
                }
            }
        }
        _ => apply(first, eval(input, s)?, s)?,
    };
    for c in rest {
        v = apply(c, v, s)?;
    }
    Ok(v)
}

/// `input | calls...` when it only picks a part of a value the scope holds: `input` is read in
/// place ([`crate::eval::in_place`]) and each call is `get` or `at` with an argument read in place
/// (or a literal text or whole number), or `first`. `None`: not such a pipe, or an argument
/// this path leaves to [`apply`] (a key that is neither a text nor a list's index), which
/// gives the same value.
pub(crate) fn picked<'a>(
    input: &Expr,
    calls: &[Call],
    s: &'a dyn Scope,
) -> Option<Option<&'a Value>> {
    if !calls
        .iter()
        .all(|c| matches!(c.filter, Filter::Get | Filter::At | Filter::First))
    {
        return None;
    }
    let mut v = crate::eval::in_place(input, s)?;
    for c in calls {
        // An absent input is absent (the argument is not read), as in `apply`.
        let Some(x) = v else { return Some(None) };
        v = match (c.filter, c.args) {
            (Filter::First, _) => x.as_array().and_then(|a| a.first()),
            (Filter::Get | Filter::At, [Expr::Lit(Lit::Int(i))]) if x.is_array() => index(x, *i),
            (Filter::At, [Expr::Lit(Lit::Int(_))]) => None,
            (Filter::Get, [Expr::Lit(Lit::Str(k))]) => {
                x.as_object().and_then(|m| crate::eval::key(m, k))
            }
            (Filter::Get, [k]) => match crate::eval::in_place(k, s)? {
                None => None,
                Some(Value::String(k)) => x.as_object().and_then(|m| crate::eval::key(m, k)),
                Some(Value::Number(n)) if x.is_array() => n.as_i64().and_then(|i| index(x, i)),
                Some(_) => return None,
            },
            _ => return None,
        };
    }
    Some(v)
}

/// The room a text that is written piece by piece starts with: most cells fit, so they are not
/// grown (and copied) on the way; small, as a list's cells are kept until it is printed.
pub(crate) const TEXT: usize = 32;

/// The separator of `map(e) | join(sep)` when that pair can be written in place: `join`'s
/// separator is absent or a literal text.
fn fused(pair: &[Call]) -> Option<&str> {
    let [m, j] = pair else { return None };
    if m.filter != Filter::Map || j.filter != Filter::Join || m.args.is_empty() {
        return None;
    }
    match j.args {
        [] => Some(", "),
        [Expr::Lit(crate::types::Lit::Str(t))] => Some(t),
        _ => None,
    }
}

/// What [`each_item`] does with an item and its parents.
type EachItem<'f> = dyn FnMut(&Value, &[&Value]) -> Result<(), EvalError> + 'f;

/// The items a `map` that is `calls[at]` reads: those of `input | calls[..at]` (a path with
/// `[]` straight before it gives them parents), each evaluated with `f`.
fn each_item(
    input: &Expr,
    before: &[Call],
    s: &dyn Scope,
    f: &mut EachItem,
) -> Result<bool, EvalError> {
    if let (Expr::Path(p), []) = (input, before) {
        if p.steps.contains(&Step::Each) {
            let base = eval(
                &Expr::Path(crate::Path {
                    root: p.root,
                    steps: &[],
                }),
                s,
            )?;
            let Some(b) = base else { return Ok(false) };
            for (x, parents) in explode(&b, p.steps) {
                f(x, &parents)?;
            }
            return Ok(true);
        }
    }
    // `... | where(c) | map(e)`: the items c keeps, read in place (not copied).
    if let Some((w, prior)) = before.split_last() {
        if w.filter == Filter::Where && !w.args.is_empty() && !each_path(input, prior) {
            let c = arg(w, 0)?;
            let Some(v) = pipe(input, prior, s)? else {
                return Ok(false);
            };
            // All conditions first, then the items (the order of a list in between).
            let all = v.as_array().map(Vec::as_slice).unwrap_or_default();
            let keeps = |x: &Value| crate::eval::truth(c, &ItemScope::new(s, x, &[]));
            if all.len() <= 64 {
                // Which items c keeps, as bits (no list of them).
                let mut kept: u64 = 0;
                for (i, x) in all.iter().enumerate() {
                    if keeps(x)? {
                        kept |= 1 << i;
                    }
                }
                for (i, x) in all.iter().enumerate() {
                    if kept & (1 << i) != 0 {
                        f(x, &[])?;
                    }
                }
                return Ok(true);
            }
            let mut kept = Vec::with_capacity(all.len());
            for x in all {
                if keeps(x)? {
                    kept.push(x);
                }
            }
            for x in kept {
                f(x, &[])?;
            }
            return Ok(true);
        }
    }
    let Some(v) = pipe(input, before, s)? else {
        return Ok(false);
    };
    for x in v.as_array().map(Vec::as_slice).unwrap_or_default() {
        f(x, &[])?;
    }
    Ok(true)
}

/// Whether a loop filter that is the first call after `input` reads a path with `[]`.
fn each_path(input: &Expr, before: &[Call]) -> bool {
    matches!(input, Expr::Path(p) if before.is_empty() && p.steps.contains(&Step::Each))
}

/// `input | calls...` written as text into `out` when it ends in `map(e) | join(sep)`
/// (`None`: it does not; else whether it was present).
pub(crate) fn write_pipe(
    out: &mut String,
    input: &Expr,
    calls: &[Call],
    s: &dyn Scope,
) -> Result<Option<bool>, EvalError> {
    let n = calls.len();
    if n < 2 {
        return Ok(None);
    }
    let Some(sep) = fused(&calls[n - 2..]) else {
        return Ok(None);
    };
    let e = arg(&calls[n - 2], 0)?;
    let mut first = true;
    let present = each_item(input, &calls[..n - 2], s, &mut |x, parents| {
        let mark = out.len();
        if !first {
            out.push_str(sep);
        }
        if crate::eval::write_text(out, e, &ItemScope::new(s, x, parents))? {
            first = false;
        } else {
            out.truncate(mark);
        }
        Ok(())
    })?;
    Ok(Some(present))
}

/// [`crate::truthy`] of `input | calls...` when it ends in `map(e)` (`None`: it does not):
/// true when some item gives a value.
pub(crate) fn map_truth(
    input: &Expr,
    calls: &[Call],
    s: &dyn Scope,
) -> Result<Option<bool>, EvalError> {
    let Some((last, before)) = calls.split_last() else {
        return Ok(None);
    };
    if last.filter != Filter::Map || last.args.is_empty() {
        return Ok(None);
    }
    let e = arg(last, 0)?;
    let mut any = false;
    each_item(input, before, s, &mut |x, parents| {
        if eval(e, &ItemScope::new(s, x, parents))?.is_some() {
            any = true;
        }
        Ok(())
    })?;
    Ok(Some(any))
}

fn arg(c: &Call, i: usize) -> Result<&Expr, EvalError> {
    c.args.get(i).ok_or_else(|| {
        EvalError::Command(format!(
            "the filter {} is missing an argument: {}",
            c.filter.name(),
            c.filter.usage()
        ))
    })
}

/// An argument's value as text (absent: `None`).
fn text_arg(c: &Call, i: usize, s: &dyn Scope) -> Result<Option<String>, EvalError> {
    if let Expr::Lit(crate::types::Lit::Str(t)) = arg(c, i)? {
        return Ok(Some((*t).to_string()));
    }
    Ok(eval(arg(c, i)?, s)?.map(|v| text(Some(&v))))
}

/// An argument that must be a whole number.
fn int_arg(c: &Call, i: usize, s: &dyn Scope) -> Result<i64, EvalError> {
    let v = eval(arg(c, i)?, s)?;
    let n = match v.as_deref() {
        Some(Value::Number(n)) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e18)
                .map(|f| f as i64)
        }),
        Some(Value::String(t)) => t.trim().parse().ok(),
        _ => None,
    };
    n.ok_or_else(|| {
        EvalError::Command(format!(
            "'{}' is not a whole number, for {}",
            text(v.as_deref()),
            c.filter.usage()
        ))
    })
}

/// A part of the input, borrowed when the input is.
fn sub<'a>(v: Cow<'a, Value>, pick: impl for<'x> Fn(&'x Value) -> Option<&'x Value>) -> Out<'a> {
    match v {
        Cow::Borrowed(b) => pick(b).map(Cow::Borrowed),
        Cow::Owned(o) => pick(&o).cloned().map(Cow::Owned),
    }
}

/// A value's texts: each item of a list, or the value itself.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|x| text(Some(x))).collect(),
        other => vec![text(Some(other))],
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

/// `map` and `where` over items (with their parents).
fn over(c: &Call, items: &[(&Value, Vec<&Value>)], s: &dyn Scope) -> Result<Value, EvalError> {
    let e = arg(c, 0)?;
    let each = |item: &Value, parents: &[&Value]| -> Result<Option<Value>, EvalError> {
        let inner = ItemScope::new(s, item, parents);
        Ok(eval(e, &inner)?.map(Cow::into_owned))
    };
    Ok(match c.filter {
        Filter::Where => {
            // The condition is only read (not copied).
            let mut out = Vec::new();
            for (x, parents) in items {
                let inner = ItemScope::new(s, x, parents);
                if crate::eval::truth(e, &inner)? {
                    out.push((*x).clone());
                }
            }
            Value::Array(out)
        }
        // map: absent results are left out
        _ => {
            let mut out = Vec::with_capacity(items.len());
            for (x, parents) in items {
                if let Some(v) = each(x, parents)? {
                    out.push(v);
                }
            }
            Value::Array(out)
        }
    })
}

/// One filter on a value.
pub(crate) fn apply<'a>(c: &Call, v: Out<'a>, s: &'a dyn Scope) -> Result<Out<'a>, EvalError> {
    let owned = |x: Value| Ok(Some(Cow::Owned(x)));
    // The filters that read absence.
    match c.filter {
        Filter::Default => {
            return match v.as_deref() {
                None | Some(Value::Null) => eval(arg(c, 0)?, s),
                Some(Value::String(t)) if t.is_empty() => eval(arg(c, 0)?, s),
                Some(_) => Ok(v),
            }
        }
        Filter::AbsentIfEmpty => {
            return Ok(v.filter(|x| !is_empty(x)));
        }
        _ => {}
    }
    let Some(v) = v else { return Ok(None) };
    let bad =
        |what: &str| EvalError::Command(format!("'{what}' cannot be read as {}.", c.filter.name()));
    match c.filter {
        Filter::Default | Filter::AbsentIfEmpty => Ok(Some(v)),
        Filter::Case => {
            let Some(from) = text_arg(c, 0, s)? else {
                return Ok(Some(v));
            };
            if text(Some(&v)) == from {
                eval(arg(c, 1)?, s)
            } else {
                Ok(Some(v))
            }
        }
        Filter::First => Ok(sub(v, |x| x.as_array()?.first())),
        Filter::At => {
            let n = int_arg(c, 0, s)?;
            Ok(sub(v, |x| index(x, n)))
        }
        Filter::Get => {
            let key = eval(arg(c, 0)?, s)?;
            match key.as_deref() {
                None => Ok(None),
                Some(Value::Number(n)) if v.is_array() => match n.as_i64() {
                    Some(i) => Ok(sub(v, |x| index(x, i))),
                    None => Ok(None),
                },
                Some(Value::String(k)) => Ok(sub(v, |x| crate::eval::key(x.as_object()?, k))),
                Some(k) => {
                    let k = text(Some(k));
                    Ok(sub(v, |x| crate::eval::key(x.as_object()?, &k)))
                }
            }
        }
        Filter::Take => {
            // No count (an option not given): the whole list.
            if eval(arg(c, 0)?, s)?.is_none() {
                return Ok(Some(v));
            }
            let n = usize::try_from(int_arg(c, 0, s)?).unwrap_or(0);
            match v.as_ref() {
                Value::Array(a) => owned(Value::Array(a.iter().take(n).cloned().collect())),
                _ => Ok(Some(v)),
            }
        }
        Filter::Where if matches!(v, Cow::Owned(Value::Array(_))) => {
            let Cow::Owned(Value::Array(all)) = v else {
                return Ok(None);
            };
            let e = arg(c, 0)?;
            let mut out = Vec::with_capacity(all.len());
            for x in all {
                let keep = crate::eval::truth(e, &ItemScope::new(s, &x, &[]))?;
                if keep {
                    out.push(x);
                }
            }
            owned(Value::Array(out))
        }
        Filter::Map | Filter::Where => {
            let items: Vec<(&Value, Vec<&Value>)> = v
                .as_array()
                .map(|a| a.iter().map(|x| (x, Vec::new())).collect())
                .unwrap_or_default();
            owned(over(c, &items, s)?)
        }
        Filter::Split => {
            let sep = match c.args.first() {
                Some(_) => text_arg(c, 0, s)?.unwrap_or_else(|| ",".into()),
                None => ",".into(),
            };
            owned(Value::Array(
                strings(&v)
                    .iter()
                    .flat_map(|t| t.split(sep.as_str()))
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_string()))
                    .collect(),
            ))
        }
        Filter::Join => {
            let sep = match c.args.first() {
                Some(_) => text_arg(c, 0, s)?.unwrap_or_else(|| ", ".into()),
                None => ", ".into(),
            };
            // Written into one text (a list of 10,000 rows joins 10,000 of these).
            let mut out = String::new();
            match v.as_ref() {
                Value::Array(a) => {
                    for (i, x) in a.iter().enumerate() {
                        if i > 0 {
                            out.push_str(&sep);
                        }
                        crate::eval::push_text(&mut out, Some(x));
                    }
                }
                other => crate::eval::push_text(&mut out, Some(other)),
            }
            owned(Value::String(out))
        }
        Filter::Keys => owned(match v.as_ref() {
            Value::Object(m) => Value::Array(m.keys().cloned().map(Value::String).collect()),
            other => Value::Array(
                strings(other)
                    .into_iter()
                    .map(|t| {
                        Value::String(t.split_once('=').map(|(k, _)| k.to_string()).unwrap_or(t))
                    })
                    .collect(),
            ),
        }),
        Filter::Entries => owned(Value::Array(match v.as_ref() {
            Value::Object(m) => m
                .iter()
                .map(|(k, x)| {
                    let mut e = Map::new();
                    e.insert("key".into(), Value::String(k.clone()));
                    e.insert("value".into(), x.clone());
                    Value::Object(e)
                })
                .collect(),
            _ => Vec::new(),
        })),
        Filter::Pairs => match v.as_ref() {
            Value::Object(_) => Ok(Some(v)),
            other => owned(Value::Object(
                strings(other)
                    .into_iter()
                    .map(|t| match t.split_once('=') {
                        Some((k, x)) => (k.to_string(), Value::String(x.to_string())),
                        None => (t, Value::Null),
                    })
                    .collect(),
            )),
        },
        Filter::Objects => {
            let key = text_arg(c, 0, s)?.unwrap_or_else(|| "name".into());
            owned(Value::Array(
                strings(&v)
                    .into_iter()
                    .map(|t| {
                        let mut m = Map::new();
                        m.insert(key.clone(), Value::String(t));
                        Value::Object(m)
                    })
                    .collect(),
            ))
        }
        Filter::Sort => {
            let mut items = match v {
                Cow::Owned(Value::Array(a)) => a,
                other => other.as_array().cloned().unwrap_or_default(),
            };
            // By text; texts compared in place (a stable sort, as before).
            if items.iter().all(Value::is_string) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            } else {
                items.sort_by_cached_key(|x| text(Some(x)));
            }
            owned(Value::Array(items))
        }
        Filter::Unique => {
            let mut items: Vec<Value> = Vec::new();
            for x in v.as_array().into_iter().flatten() {
                if !items.contains(x) {
                    items.push(x.clone());
                }
            }
            owned(Value::Array(items))
        }
        Filter::Count => owned(Value::from(match v.as_ref() {
            Value::Array(a) => a.len(),
            Value::Object(m) => m.len(),
            _ => 1,
        })),
        Filter::Base64 => owned(Value::String(base64(text(Some(&v)).as_bytes()))),
        Filter::Int => match v.as_ref() {
            Value::Number(_) => Ok(Some(v)),
            other => {
                let t = text(Some(other));
                owned(Value::from(t.trim().parse::<i64>().map_err(|_| bad(&t))?))
            }
        },
        Filter::RsaDecrypt => {
            let key = text_arg(c, 0, s)?;
            let Some(key) = key else { return Ok(None) };
            let clear = crate::crypto::rsa_decrypt(&text(Some(&v)), &key)?;
            Ok(clear.map(|t| Cow::Owned(Value::String(t))))
        }
        Filter::Slug => owned(Value::String(slug(&text(Some(&v))))),
        Filter::Flatten => owned(crate::format::flatten(&v)),
        Filter::Basename => owned(Value::String(
            text(Some(&v))
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
        )),
        Filter::Date => owned(Value::String(
            dates::datetime(&v)?.format("%Y-%m-%d").to_string(),
        )),
        Filter::Isoformat => owned(Value::String(dates::isoformat(dates::datetime(&v)?))),
        Filter::Days => {
            let n = eval(arg(c, 0)?, s)?;
            let n: f64 = match n.as_deref() {
                Some(Value::Number(n)) => n.as_f64().unwrap_or_default(),
                other => text(other).trim().parse().unwrap_or(0.0),
            };
            owned(Value::String(dates::shift(dates::datetime(&v)?, n)?))
        }
    }
}

/// Standard base64 with padding, of bytes.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// oslo's `to_slug`: lower case, runs of white space and `-` as one `-`, other characters
/// dropped.
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

/// Dates as novaclient reads and writes them (Python's `strptime`, `isoformat`); public for
/// the runtime's first-edition filters until they retire (docs/edition-2.md, step 2).
pub mod dates {
    use crate::eval::text;
    use crate::EvalError;
    use chrono::{NaiveDate, NaiveDateTime, TimeDelta, Timelike};
    use serde_json::Value;

    /// A date as novaclient reads one (`2012-01-20`, Python's `strptime(t, "%Y-%m-%d")`, with
    /// its errors), or a date and time as `now` and `days` write them.
    pub fn datetime(v: &Value) -> Result<NaiveDateTime, EvalError> {
        let t = text(Some(v));
        if t.len() == 26 {
            if let Ok(at) = NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S%.6f") {
                return Ok(at);
            }
        }
        let (year, month, day, rest) = strptime_date(&t).ok_or_else(|| {
            EvalError::Value(format!(
                "time data {} does not match format '%Y-%m-%d'",
                crate::format::pystr(&t)
            ))
        })?;
        if !rest.is_empty() {
            return Err(EvalError::Value(format!(
                "unconverted data remains: {rest}"
            )));
        }
        NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| EvalError::Value("day is out of range for month".into()))
    }

    /// What Python's `%Y-%m-%d` matches at the start of `t`: four digits, a month (`10`-`12`,
    /// `01`-`09` or one digit), a day (`30`/`31`, `10`-`29`, `01`-`09`, one digit, or a space
    /// and one), tried in that order as a regular expression does; and the rest of `t`.
    fn strptime_date(t: &str) -> Option<(i32, u32, u32, &str)> {
        let b = t.as_bytes();
        let digit = |i: usize, lo: u8, hi: u8| b.get(i).is_some_and(|c| (lo..=hi).contains(c));
        if !(0..4).all(|i| digit(i, b'0', b'9')) || b.get(4) != Some(&b'-') {
            return None;
        }
        let month_lens = [
            (digit(5, b'1', b'1') && digit(6, b'0', b'2')).then_some(2),
            (digit(5, b'0', b'0') && digit(6, b'1', b'9')).then_some(2),
            digit(5, b'1', b'9').then_some(1),
        ];
        month_lens.into_iter().flatten().find_map(|m| {
            let d = 5 + m + 1;
            if b.get(5 + m) != Some(&b'-') {
                return None;
            }
            let day_len = [
                (digit(d, b'3', b'3') && digit(d + 1, b'0', b'1')).then_some(2),
                (digit(d, b'1', b'2') && digit(d + 1, b'0', b'9')).then_some(2),
                (digit(d, b'0', b'0') && digit(d + 1, b'1', b'9')).then_some(2),
                digit(d, b'1', b'9').then_some(1),
                (b.get(d) == Some(&b' ') && digit(d + 1, b'1', b'9')).then_some(2),
            ]
            .into_iter()
            .flatten()
            .next()?;
            let number = |from: usize, to: usize| t.get(from..to)?.trim().parse::<u32>().ok();
            Some((
                i32::try_from(number(0, 4)?).ok()?,
                number(5, 5 + m)?,
                number(d, d + day_len)?,
                t.get(d + day_len..)?,
            ))
        })
    }

    /// Whether `t` is a date and time as novaclient's checks read one (oslo's `parse_isotime`,
    /// which is `iso8601.parse_date`): `2016-03-04T06:27:59Z`, `2016-03-04`, `2016-3-4`,
    /// `20160304T0627`, `2016-03-04 06:27:59.5+05:30`, `2016`, ... — that library's regular
    /// expression, matched as Python's backtracking does (the first parse in its order of
    /// preference), then the date, time and offset Python's `datetime` accepts. The error is
    /// the library's (`Unable to parse date string '...'`, or why the values are out of range).
    pub fn iso8601(t: &str) -> Result<(), String> {
        let b = t.as_bytes();
        let end_ok = |pos: usize| pos == b.len() || (pos + 1 == b.len() && b[pos] == b'\n');
        let digits_at = |pos: usize, n: usize| -> Option<u32> {
            let s = t.get(pos..pos + n)?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        // Each parse: where it ends, and its fields (None: not matched).
        #[derive(Clone, Copy, Default)]
        struct Parse {
            pos: usize,
            done: bool,
            month: Option<u32>,
            day: Option<u32>,
            hour: Option<u32>,
            minute: Option<u32>,
            second: Option<u32>,
            tz: Option<(bool, i64, i64)>,
        }
        let Some(year) = digits_at(0, 4) else {
            return Err(format!(
                "Unable to parse date string {}",
                crate::format::pystr(t)
            ));
        };
        // Stage by stage, in the order of preference of the regular expression: each optional
        // group present before absent, a longer run of digits before a shorter one.
        let mut states = vec![Parse {
            pos: 4,
            ..Parse::default()
        }];
        let step = |states: Vec<Parse>, f: &dyn Fn(Parse) -> Vec<Parse>| -> Vec<Parse> {
            states
                .into_iter()
                .flat_map(|s| if s.done { vec![s] } else { f(s) })
                .collect()
        };
        // The month: `-M` or `-MM`, or `MM` not at the end; absent ends the parse.
        states = step(states, &|s| {
            let mut out = Vec::new();
            if b.get(s.pos) == Some(&b'-') {
                for n in [2, 1] {
                    if let Some(m) = digits_at(s.pos + 1, n) {
                        out.push(Parse {
                            pos: s.pos + 1 + n,
                            month: Some(m),
                            ..s
                        });
                    }
                }
            }
            if let Some(m) = digits_at(s.pos, 2) {
                if !end_ok(s.pos + 2) {
                    out.push(Parse {
                        pos: s.pos + 2,
                        month: Some(m),
                        ..s
                    });
                }
            }
            out.push(Parse { done: true, ..s });
            out
        });
        // The day: `-D`, `-DD` or `DD`; absent ends the parse.
        states = step(states, &|s| {
            let mut out = Vec::new();
            if b.get(s.pos) == Some(&b'-') {
                for n in [2, 1] {
                    if let Some(d) = digits_at(s.pos + 1, n) {
                        out.push(Parse {
                            pos: s.pos + 1 + n,
                            day: Some(d),
                            ..s
                        });
                    }
                }
            }
            if let Some(d) = digits_at(s.pos, 2) {
                out.push(Parse {
                    pos: s.pos + 2,
                    day: Some(d),
                    ..s
                });
            }
            out.push(Parse { done: true, ..s });
            out
        });
        // The time: a separator and the hour; absent ends the parse.
        states = step(states, &|s| {
            let mut out = Vec::new();
            if matches!(b.get(s.pos), Some(b' ' | b'T')) {
                if let Some(h) = digits_at(s.pos + 1, 2) {
                    out.push(Parse {
                        pos: s.pos + 3,
                        hour: Some(h),
                        ..s
                    });
                }
            }
            out.push(Parse { done: true, ..s });
            out
        });
        // The minute, `:MM` or `MM`, then the second, `:S`, `:SS`, `S` or `SS` with a
        // fraction, then the offset: each optional, the parse going on without it.
        states = step(states, &|s| {
            let mut out = Vec::new();
            for colon in [1, 0] {
                if colon == 1 && b.get(s.pos) != Some(&b':') {
                    continue;
                }
                if let Some(m) = digits_at(s.pos + colon, 2) {
                    out.push(Parse {
                        pos: s.pos + colon + 2,
                        minute: Some(m),
                        ..s
                    });
                }
            }
            out.push(s);
            out
        });
        states = step(states, &|s| {
            let mut out = Vec::new();
            for colon in [1, 0] {
                if colon == 1 && b.get(s.pos) != Some(&b':') {
                    continue;
                }
                for n in [2, 1] {
                    let Some(sec) = digits_at(s.pos + colon, n) else {
                        continue;
                    };
                    let at = s.pos + colon + n;
                    let frac = if matches!(b.get(at), Some(b'.' | b',')) {
                        let len = b[at + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .count();
                        (len > 0).then_some((at + 1, len))
                    } else {
                        None
                    };
                    if let Some((from, len)) = frac {
                        out.push(Parse {
                            pos: from + len,
                            second: Some(sec),
                            ..s
                        });
                    }
                    out.push(Parse {
                        pos: at,
                        second: Some(sec),
                        ..s
                    });
                }
            }
            out.push(s);
            out
        });
        states = step(states, &|s| {
            let mut out = Vec::new();
            match b.get(s.pos) {
                Some(b'Z') => out.push(Parse {
                    pos: s.pos + 1,
                    tz: Some((true, 0, 0)),
                    ..s
                }),
                Some(&sign @ (b'+' | b'-')) => {
                    if let Some(h) = digits_at(s.pos + 1, 2) {
                        let minus = sign == b'-';
                        for colon in [1, 0] {
                            let at = s.pos + 3;
                            if colon == 1 && b.get(at) != Some(&b':') {
                                continue;
                            }
                            if let Some(m) = digits_at(at + colon, 2) {
                                out.push(Parse {
                                    pos: at + colon + 2,
                                    tz: Some((minus, h.into(), m.into())),
                                    ..s
                                });
                            }
                            out.push(Parse {
                                pos: at + colon,
                                tz: Some((minus, h.into(), 0)),
                                ..s
                            });
                        }
                    }
                }
                _ => {}
            }
            out.push(s);
            out
        });
        let Some(p) = states.into_iter().find(|s| end_ok(s.pos)) else {
            return Err(format!(
                "Unable to parse date string {}",
                crate::format::pystr(t)
            ));
        };
        // What Python's `datetime` then refuses (the offset is made first).
        if let Some((_, h, m)) = p.tz {
            if h * 60 + m >= 24 * 60 {
                return Err("offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24).".into());
            }
        }
        let month = p.month.unwrap_or(1);
        let day = p.day.unwrap_or(1);
        let year = i32::try_from(year).unwrap_or(0);
        if year < 1 {
            return Err(format!("year {year} is out of range"));
        }
        if !(1..=12).contains(&month) {
            return Err("month must be in 1..12".into());
        }
        if NaiveDate::from_ymd_opt(year, month, day).is_none() {
            return Err("day is out of range for month".into());
        }
        if p.hour.unwrap_or(0) > 23 {
            return Err("hour must be in 0..23".into());
        }
        if p.minute.unwrap_or(0) > 59 {
            return Err("minute must be in 0..59".into());
        }
        if p.second.unwrap_or(0) > 59 {
            return Err("second must be in 0..59".into());
        }
        Ok(())
    }

    /// Python's `datetime.isoformat()`: microseconds only when there are some.
    pub fn isoformat(t: NaiveDateTime) -> String {
        if t.nanosecond() == 0 {
            t.format("%Y-%m-%dT%H:%M:%S").to_string()
        } else {
            t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
        }
    }

    /// `t` moved by `n` days (whole seconds), as `YYYY-MM-DDTHH:MM:SS.ffffff`.
    pub(super) fn shift(t: NaiveDateTime, n: f64) -> Result<String, EvalError> {
        let overflow = || EvalError::Value("date value out of range".into());
        let secs = TimeDelta::try_seconds((n * 86_400.0) as i64).ok_or_else(overflow)?;
        let t = t.checked_add_signed(secs).ok_or_else(overflow)?;
        Ok(t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
    }
}

/// The shortcuts of this file and `eval` give exactly what the general path gives: `pipe`
/// (which takes them) against the filters applied one by one with [`apply`] (which does not),
/// on arbitrary values.
#[cfg(test)]
mod fast_paths {
    use super::*;
    use crate::types::{Lit, Path, Piece, Root, Template};
    use proptest::prelude::*;

    struct Nil;
    impl Scope for Nil {
        fn value(&self, _: &crate::Root) -> Option<&Value> {
            None
        }
    }

    fn leak<T>(v: T) -> &'static T {
        Box::leak(Box::new(v))
    }

    const KEYS: [&str; 6] = ["a", "b", "addr", "k3", "", "x"];

    /// The general path: the input evaluated, then each filter applied to the value before.
    fn slow<'a>(input: &Expr, calls: &[Call], s: &'a dyn Scope) -> Result<Out<'a>, EvalError> {
        let mut v = eval(input, s)?;
        for c in calls {
            v = apply(c, v, s)?;
        }
        Ok(v)
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..5).prop_map(Value::from),
            Just(Value::from(1.5)),
            prop::sample::select(KEYS.to_vec()).prop_map(|k| Value::String(k.into())),
            Just(Value::String("7".into())),
        ];
        leaf.prop_recursive(3, 64, 12, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..12).prop_map(Value::Array),
                prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner.clone()), 0..12)
                    .prop_map(|kv| Value::Object(
                        kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                    )),
                // Objects larger than the ones searched key by key.
                prop::collection::vec(("[a-z]{1,2}", inner), 9..14)
                    .prop_map(|kv| { Value::Object(kv.into_iter().collect()) }),
            ]
        })
    }

    fn path_expr() -> impl Strategy<Value = Expr> {
        let step = prop_oneof![
            4 => prop::sample::select(KEYS.to_vec()).prop_map(Step::Key),
            1 => (-2i64..3).prop_map(Step::Index),
            1 => Just(Step::Each),
        ];
        (
            prop_oneof![3 => Just(Root::It), 1 => Just(Root::Parent(1)), 1 => Just(Root::Reply)],
            prop::collection::vec(step, 0..3),
        )
            .prop_map(|(root, steps)| {
                Expr::Path(Path {
                    root,
                    steps: Box::leak(steps.into_boxed_slice()),
                })
            })
    }

    /// An argument: a literal, or a path (itself sometimes piped into `get`).
    fn arg() -> impl Strategy<Value = Expr> {
        prop_oneof![
            prop::sample::select(KEYS.to_vec()).prop_map(|k| Expr::Lit(Lit::Str(k))),
            (-3i64..4).prop_map(|i| Expr::Lit(Lit::Int(i))),
            Just(Expr::Lit(Lit::Float(1.0))),
            Just(Expr::Lit(Lit::Null)),
            path_expr(),
            (path_expr(), prop::sample::select(KEYS.to_vec())).prop_map(|(p, k)| Expr::Pipe(
                leak(p),
                Box::leak(Box::new([Call {
                    filter: Filter::Get,
                    args: Box::leak(Box::new([Expr::Lit(Lit::Str(k))])),
                }])),
            )),
        ]
    }

    fn pick() -> impl Strategy<Value = Call> {
        prop_oneof![
            3 => arg().prop_map(|a| Call { filter: Filter::Get, args: Box::leak(Box::new([a])) }),
            1 => arg().prop_map(|a| Call { filter: Filter::At, args: Box::leak(Box::new([a])) }),
            1 => Just(Call { filter: Filter::First, args: &[] }),
            1 => Just(Call { filter: Filter::Get, args: &[] }),
        ]
    }

    /// A condition or a mapped value that may fail (`int` of a text).
    fn item_expr() -> impl Strategy<Value = Expr> {
        prop_oneof![
            path_expr(),
            path_expr().prop_map(|p| Expr::Pipe(
                leak(p),
                Box::leak(Box::new([Call {
                    filter: Filter::Int,
                    args: &[]
                }])),
            )),
            (path_expr(), path_expr()).prop_map(|(a, b)| Expr::Template(leak(Template::Text(
                Box::leak(Box::new([Piece::Expr(a), Piece::Text("="), Piece::Expr(b)]))
            )))),
        ]
    }

    fn same(fast: Result<Out, EvalError>, slow: Result<Out, EvalError>) {
        let fast = fast.map(|v| v.map(Cow::into_owned));
        let slow = slow.map(|v| v.map(Cow::into_owned));
        assert_eq!(fast, slow);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn a_small_object_is_searched_as_get_finds(v in json(), k in prop::sample::select(KEYS.to_vec())) {
            if let Value::Object(m) = &v {
                prop_assert_eq!(crate::eval::key(m, k), m.get(k));
            }
        }

        #[test]
        fn picked_parts_are_the_filters_values(
            it in json(), parent in json(), input in path_expr(),
            calls in prop::collection::vec(pick(), 1..4),
        ) {
            let outer = ItemScope::new(&Nil, &parent, &[]);
            let s = ItemScope::new(&outer, &it, &[]);
            same(pipe(&input, &calls, &s), slow(&input, &calls, &s));
        }

        #[test]
        fn where_then_map_then_join_is_the_filters_text(
            it in json(), input in path_expr(), c in item_expr(), e in item_expr(),
            sort in any::<bool>(), join_lit in any::<bool>(),
        ) {
            let s = ItemScope::new(&Nil, &it, &[]);
            let mut calls = Vec::new();
            if sort {
                calls.push(Call { filter: Filter::Sort, args: &[] });
            }
            calls.push(Call { filter: Filter::Where, args: Box::leak(Box::new([c])) });
            calls.push(Call { filter: Filter::Map, args: Box::leak(Box::new([e])) });
            calls.push(match join_lit {
                true => Call { filter: Filter::Join, args: &[Expr::Lit(Lit::Str("; "))] },
                false => Call { filter: Filter::Join, args: &[] },
            });
            same(pipe(&input, &calls, &s), slow(&input, &calls, &s));
            // Its truth, as a condition reads it.
            let whole = Expr::Pipe(leak(input), Box::leak(calls.clone().into_boxed_slice()));
            let cond = Expr::Not(leak(whole));
            let fast = eval(&cond, &s).map(|v| v.map(Cow::into_owned));
            let slow_truth = slow(&input, &calls, &s).map(|v| Some(Value::Bool(!crate::truthy(v.as_deref()))));
            prop_assert_eq!(fast, slow_truth);
        }

        #[test]
        fn a_long_list_where_then_map_is_the_filters_text(
            items in prop::collection::vec(json(), 60..80), c in item_expr(), e in item_expr(),
        ) {
            // Lists of more than 64 items take the other side of `where`'s shortcut.
            let it = Value::Array(items);
            let s = ItemScope::new(&Nil, &it, &[]);
            let input = Expr::Path(Path { root: Root::It, steps: &[] });
            let calls = [
                Call { filter: Filter::Where, args: Box::leak(Box::new([c])) },
                Call { filter: Filter::Map, args: Box::leak(Box::new([e])) },
                Call { filter: Filter::Join, args: &[] },
            ];
            same(pipe(&input, &calls, &s), slow(&input, &calls, &s));
        }
    }

    #[test]
    fn the_networks_shape_reads_as_the_filters_do() {
        // `it | keys | sort | where(it.^ | get(it)) | map("{it}={it.^ | get(it) | map(it.addr)
        // | join(', ')}") | join('; ')`, built by hand (this crate's tests need no parser).
        let it_path = Expr::Path(Path {
            root: Root::It,
            steps: &[],
        });
        let up = Expr::Path(Path {
            root: Root::Parent(1),
            steps: &[],
        });
        let get_it: &'static [Call] = Box::leak(Box::new([Call {
            filter: Filter::Get,
            args: Box::leak(Box::new([it_path])),
        }]));
        let cond = Expr::Pipe(leak(up), get_it);
        let addrs = Expr::Pipe(
            leak(up),
            Box::leak(Box::new([
                get_it[0],
                Call {
                    filter: Filter::Map,
                    args: &[Expr::Path(Path {
                        root: Root::It,
                        steps: &[Step::Key("addr")],
                    })],
                },
                Call {
                    filter: Filter::Join,
                    args: &[Expr::Lit(Lit::Str(", "))],
                },
            ])),
        );
        let label = Expr::Template(leak(Template::Text(Box::leak(Box::new([
            Piece::Expr(it_path),
            Piece::Text("="),
            Piece::Expr(addrs),
        ])))));
        let calls = [
            Call {
                filter: Filter::Keys,
                args: &[],
            },
            Call {
                filter: Filter::Sort,
                args: &[],
            },
            Call {
                filter: Filter::Where,
                args: Box::leak(Box::new([cond])),
            },
            Call {
                filter: Filter::Map,
                args: Box::leak(Box::new([label])),
            },
            Call {
                filter: Filter::Join,
                args: &[Expr::Lit(Lit::Str("; "))],
            },
        ];
        let addresses = serde_json::json!({
            "public": [{"addr": "172.24.4.9"}, {"version": 6}, {"addr": "2001:db8::9"}],
            "empty": [],
            "odd": 5,
            "private": [{"addr": "10.0.0.3", "version": 4, "OS-EXT-IPS:type": "fixed", "mac": "m"}],
        });
        let s = ItemScope::new(&Nil, &addresses, &[]);
        let want = Value::String("odd=; private=10.0.0.3; public=172.24.4.9, 2001:db8::9".into());
        let fast = pipe(&it_path, &calls, &s).map(|v| v.map(Cow::into_owned));
        let general = slow(&it_path, &calls, &s).map(|v| v.map(Cow::into_owned));
        assert_eq!(fast, Ok(Some(want.clone())));
        assert_eq!(general, Ok(Some(want)));
    }
}

/// `dates::iso8601` against what python's oslo_utils `parse_isotime` (iso8601 2.x, Python
/// 3.11: the realnova venv) accepted and refused of each text, as recorded there.
#[cfg(test)]
mod iso8601 {
    #[test]
    fn as_oslo_parse_isotime_reads_them() {
        let ok = [
            "2016-03-04T06:27:59Z",
            "2016-03-04",
            "2016-3-4",
            "20160304",
            "20160304T0627",
            "2016-03-04 06:27:59.5+05:30",
            "2016",
            "2016-03",
            "2016-123",
            "2016-02-29",
            "2016-03-04T06:27:59+23:59",
            "2016-03-04T06:27:59-0530",
            "2016-03-04T06:27:59+05",
            "2016-03-04T06:27:59.123456789Z",
            "2016-03-04T06:27:59,5",
            "2016-03-04T06",
            "2016-03-04T06:2",
            "2016-03-04T06:27:5",
            "2016-03-04\n",
            "2016-0304",
            "201603-04",
            "2016-03-04T06:27:59+10:99",
        ];
        let refused = [
            "201603",
            "2016-13-01",
            "2016-02-30",
            "2015-02-29",
            "0000-01-01",
            "2016-03-04T24:00:00",
            "2016-03-04T23:60",
            "2016-03-04T23:59:60",
            "2016-03-04T06:27:59+24:00",
            "2016-03-04T0627599",
            "2016-03-04 06:27:59 ",
            "not a time",
            "",
            "201603\n",
            "2016-03-04T06:27:59.Z",
            "2016-03-04X06",
            "2016-03-04T06:27:59Z+01",
            "2016-03-04T06:27:99",
            "16-03-04",
            "2016-03-04T06:27:59+2400",
            "2016-1-1T1:2",
            "2016-03-04T06:27:59.5.5",
            "１９９９-01-01",
            "2016-03-04T06:27:59+10:7",
        ];
        for t in ok {
            assert_eq!(super::dates::iso8601(t), Ok(()), "{t:?}");
        }
        for t in refused {
            assert!(super::dates::iso8601(t).is_err(), "{t:?} was accepted");
        }
        assert_eq!(
            super::dates::iso8601("not a time"),
            Err("Unable to parse date string 'not a time'".into())
        );
    }
}
