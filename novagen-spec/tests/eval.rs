//! The evaluator: absent and null, truth, versions, each filter, templates, borrowing.
#![cfg(feature = "parse")]

mod common;

use common::Json;
use novagen_spec::{
    eval, eval_template, items, parse_expr, parse_template, text, truthy, EvalError, Scope,
};
use serde_json::{json, Value};
use std::borrow::Cow;

fn ev_in(t: &str, s: &dyn Scope) -> Result<Option<Value>, EvalError> {
    let e = parse_expr(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
    Ok(eval(&e, s)?.map(Cow::into_owned))
}

fn ev(t: &str, vals: &Value) -> Option<Value> {
    let s = Json::new(vals.clone());
    ev_in(t, &s).unwrap_or_else(|e| panic!("{t:?}: {e}"))
}

fn tmpl(t: &str, vals: &Value) -> Option<Value> {
    let s = Json::new(vals.clone());
    let parsed = parse_template(t).unwrap_or_else(|e| panic!("{t:?}: {e}"));
    eval_template(&parsed, &s)
        .unwrap_or_else(|e| panic!("{t:?}: {e}"))
        .map(Cow::into_owned)
}

#[test]
fn truth() {
    for v in [json!(null), json!(false), json!(""), json!([]), json!({})] {
        assert!(!truthy(Some(&v)), "{v}");
    }
    assert!(!truthy(None));
    for v in [
        json!(0),
        json!(true),
        json!("x"),
        json!([0]),
        json!({"a": 1}),
        json!(0.0),
    ] {
        assert!(truthy(Some(&v)), "{v}");
    }
    let s = json!({"zero": 0, "e": ""});
    assert_eq!(ev("not zero", &s), Some(json!(false)));
    assert_eq!(ev("not e", &s), Some(json!(true)));
    assert_eq!(ev("not missing", &s), Some(json!(true)));
    assert_eq!(ev("zero and e", &s), Some(json!(false)));
    assert_eq!(ev("zero or e", &s), Some(json!(true)));
}

#[test]
fn absent_and_null() {
    let s = json!({"n": null, "k": "name", "unset": true, "d": ""});
    assert_eq!(ev("missing", &s), None);
    assert_eq!(ev("absent", &s), None);
    assert_eq!(ev("n", &s), Some(json!(null)));
    // `??`: the first present; null is present
    assert_eq!(ev("missing ?? n ?? k", &s), Some(json!(null)));
    assert_eq!(ev("missing ?? k", &s), Some(json!("name")));
    assert_eq!(ev("missing ?? absent", &s), None);
    // the old then/or/null/empty_null/since
    assert_eq!(ev("null if unset else k", &s), Some(json!(null)));
    assert_eq!(ev("null if missing else k", &s), Some(json!("name")));
    assert_eq!(ev("'HARD' if unset else 'SOFT'", &s), Some(json!("HARD")));
    assert_eq!(ev("'HARD' if missing else 'SOFT'", &s), Some(json!("SOFT")));
    assert_eq!(ev("'HARD' if missing", &s), None);
    assert_eq!(ev("null if d == '' else d", &s), Some(json!(null)));
    assert_eq!(ev("null if k == '' else k", &s), Some(json!("name")));
    assert_eq!(ev("[missing, 1, n]", &s), Some(json!([1, null])));
}

#[test]
fn versions_compare_as_versions() {
    let mut s = Json::new(json!({"description": "d"}));
    let at = |s: &Json, t: &str| ev_in(t, s).ok().flatten();
    s.version = Some((2, 10));
    assert_eq!(at(&s, "version > 2.9"), Some(json!(true)));
    assert_eq!(at(&s, "version >= 2.10"), Some(json!(true)));
    assert_eq!(at(&s, "version < 2.2"), Some(json!(false)));
    assert_eq!(at(&s, "2.9 < version"), Some(json!(true)));
    assert_eq!(
        at(&s, "version == 2.10 and version != 2.1"),
        Some(json!(true))
    );
    let since = "description ?? (null if version >= 2.19)";
    assert_eq!(at(&s, "missing ?? (null if version >= 2.19)"), None);
    assert_eq!(at(&s, since), Some(json!("d")));
    s.version = Some((2, 19));
    assert_eq!(
        at(&s, "missing ?? (null if version >= 2.19)"),
        Some(json!(null))
    );
    s.version = None;
    assert_eq!(at(&s, "version >= 2.1"), Some(json!(false)));
    assert_eq!(at(&s, "version < 2.1"), Some(json!(false)));
}

#[test]
fn comparisons() {
    let s = json!({"a": 1, "f": 1.0, "t": "abc", "l": [1, "x"], "o": {"k": 1}});
    let yes = |t: &str| assert_eq!(ev(t, &s), Some(json!(true)), "{t}");
    let no = |t: &str| assert_eq!(ev(t, &s), Some(json!(false)), "{t}");
    yes("a == 1");
    yes("a == f");
    yes("missing == absent");
    no("missing == null");
    yes("a < 2.5");
    yes("t < 'abd'");
    no("t < 1");
    no("missing < 1");
    yes("1 in l");
    yes("'x' in l");
    no("2 in l");
    yes("'k' in o");
    yes("'bc' in t");
    yes("2 not in l");
    no("missing in l");
    yes("missing not in l");
    yes("t != 'x'");
}

#[test]
fn paths_borrow_and_explode() {
    let s = json!({
        "reply": {"servers": [{"id": "a"}, {"id": "b"}], "odd:key": 5},
        "h": [{"id": 1, "s": [{"u": "a"}, {"u": "b"}]}, {"id": 2, "s": [{"u": "c"}]}, {"id": 3}],
        "typed": {"server": "web"}, "found": {"server": {"id": "x"}}, "steps": {"one": [1]},
        "session": {"project_id": "p"},
    });
    let scope = Json::new(s.clone());
    // a plain path borrows
    let e = parse_expr("reply.servers[-1].id").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(eval(&e, &scope), Ok(Some(Cow::Borrowed(v))) if v == "b"));
    let e = parse_expr("reply.servers | first").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(eval(&e, &scope), Ok(Some(Cow::Borrowed(_)))));
    let e = parse_expr("reply.servers | at(1) | get('id')").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(eval(&e, &scope), Ok(Some(Cow::Borrowed(v))) if v == "b"));
    let e = parse_expr("x ?? reply.'odd:key'").unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(eval(&e, &scope), Ok(Some(Cow::Borrowed(v))) if v == 5));
    assert_eq!(ev("reply.servers[5]", &s), None);
    assert_eq!(ev("reply.servers[-3]", &s), None);
    assert_eq!(ev("reply.servers[].id", &s), Some(json!(["a", "b"])));
    assert_eq!(ev("h[].s[].u", &s), Some(json!(["a", "b", "c"])));
    assert_eq!(ev("h[].s[] | map(it.^.id)", &s), Some(json!([1, 1, 2])));
    assert_eq!(ev("typed.server", &s), Some(json!("web")));
    assert_eq!(ev("found.server.id", &s), Some(json!("x")));
    assert_eq!(ev("steps.one[0]", &s), Some(json!(1)));
    assert_eq!(ev("session.project_id", &s), Some(json!("p")));
    assert_eq!(ev("now", &s), Some(json!("2026-12-03T10:30:00.250000")));
    assert_eq!(ev("version", &s), Some(json!("2.37")));
    // items for a loop: parents from the `[]`s, then the outer loop's items
    let e = parse_expr("h[].s[]").unwrap_or_else(|e| panic!("{e}"));
    let got = items(&e, &scope)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_default();
    assert_eq!(got.len(), 3);
    assert_eq!(got[2].parents, vec![&s["h"][1]]);
    assert!(matches!(got[0].value, Cow::Borrowed(_)));
    let e = parse_expr("reply.servers").unwrap_or_else(|e| panic!("{e}"));
    let got = items(&e, &scope)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_default();
    assert_eq!(got.len(), 2);
    let mut nested = Json::new(json!({"l": [[1, 2], [3]]}));
    nested.items = vec![json!({"name": "outer"})];
    assert_eq!(
        ev_in(
            "l | map(it | map(\"{it}/{it.^ | count}/{it.^.^.name}\"))",
            &nested
        ),
        Ok(Some(json!([["1/2/outer", "2/2/outer"], ["3/1/outer"]])))
    );
}

#[test]
fn value_filters() {
    let s = json!({
        "l": ["a=1", "b"], "d": "", "n": 2.5, "i": 7, "csv": "x, y,,z",
        "g": [{"name": "b", "k": 1}, {"name": "a", "k": 2}, {"name": "b", "k": 3}],
        "o": {"x": 1, "y": [2]}, "nums": [1, 2, 3], "mixed": [1, 2.5], "e": [], "eo": {},
        "url": "http://h/v2/images/abc/", "when": "2012-01-20", "at": "2012-01-20T10:30:00.250000",
        "id": "auto", "seven": "7",
    });
    let f = |t: &str| ev(t, &s);
    assert_eq!(f("missing | default('x')"), Some(json!("x")));
    assert_eq!(f("d | default('x')"), Some(json!("x")));
    assert_eq!(f("i | default('x')"), Some(json!(7)));
    assert_eq!(f("d | absent_if_empty"), None);
    assert_eq!(f("e | absent_if_empty"), None);
    assert_eq!(f("eo | absent_if_empty"), None);
    assert_eq!(f("i | absent_if_empty"), Some(json!(7)));
    assert_eq!(f("csv | split"), Some(json!(["x", "y", "z"])));
    assert_eq!(f("'a;b' | split(';')"), Some(json!(["a", "b"])));
    assert_eq!(f("['a,b', 'c'] | split"), Some(json!(["a", "b", "c"])));
    assert_eq!(f("nums | join"), Some(json!("1, 2, 3")));
    assert_eq!(
        f("[1, null, true, 'x'] | join('-')"),
        Some(json!("1---True-x"))
    );
    assert_eq!(f("g | map(it.name)"), Some(json!(["b", "a", "b"])));
    assert_eq!(f("g | map(it.missing)"), Some(json!([])));
    assert_eq!(f("o | map(it)"), Some(json!([])));
    assert_eq!(f("g | where(it.k > 1) | map(it.k)"), Some(json!([2, 3])));
    assert_eq!(f("g | first | get('k')"), Some(json!(1)));
    assert_eq!(f("e | first"), None);
    assert_eq!(f("nums | at(-1)"), Some(json!(3)));
    assert_eq!(f("nums | at(3)"), None);
    assert_eq!(f("nums | get(0)"), Some(json!(1)));
    assert_eq!(f("o | get('x')"), Some(json!(1)));
    assert_eq!(f("nums | take(2)"), Some(json!([1, 2])));
    assert_eq!(f("nums | take(-2)"), Some(json!([])));
    // No count (an option not given): the whole list; a count that is no number is an error.
    assert_eq!(f("nums | take(nothing)"), Some(json!([1, 2, 3])));
    assert_eq!(
        f("nums | take(1 if nothing < 1 else nothing)"),
        Some(json!([1, 2, 3]))
    );
    assert_eq!(f("l | pairs"), Some(json!({"a": "1", "b": null})));
    assert_eq!(f("o | pairs"), Some(json!({"x": 1, "y": [2]})));
    assert_eq!(f("l | keys"), Some(json!(["a", "b"])));
    assert_eq!(f("o | keys"), Some(json!(["x", "y"])));
    assert_eq!(
        f("o | entries"),
        Some(json!([{"key": "x", "value": 1}, {"key": "y", "value": [2]}]))
    );
    assert_eq!(
        f("l | objects('name')"),
        Some(json!([{"name": "a=1"}, {"name": "b"}]))
    );
    assert_eq!(
        f("g | map(it.name) | unique | sort | join"),
        Some(json!("a, b"))
    );
    assert_eq!(
        f("[10, 9, 'b', 'a'] | sort"),
        Some(json!([10, 9, "a", "b"]))
    );
    assert_eq!(f("g | count"), Some(json!(3)));
    assert_eq!(f("o | count"), Some(json!(2)));
    assert_eq!(f("i | count"), Some(json!(1)));
    assert_eq!(f("'hello' | base64"), Some(json!("aGVsbG8=")));
    assert_eq!(f("'hi' | base64"), Some(json!("aGk=")));
    assert_eq!(f("'' | base64"), Some(json!("")));
    assert_eq!(f("seven | int"), Some(json!(7)));
    assert_eq!(f("n | int"), Some(json!(2.5))); // a number passes as it is, as today
    assert_eq!(f("'My  Server_1!' | slug"), Some(json!("my-server_1")));
    assert_eq!(f("url | basename"), Some(json!("abc")));
    assert_eq!(f("when | isoformat"), Some(json!("2012-01-20T00:00:00")));
    assert_eq!(f("at | days(-28) | date"), Some(json!("2011-12-23")));
    assert_eq!(
        f("at | days(1) | isoformat"),
        Some(json!("2012-01-21T10:30:00.250000"))
    );
    assert_eq!(
        f("now | days(-1)"),
        Some(json!("2026-12-02T10:30:00.250000"))
    );
    assert_eq!(f("id | case('auto', null)"), Some(json!(null)));
    assert_eq!(f("seven | case('auto', null)"), Some(json!("7")));
    assert_eq!(f("i | case(7, 'seven')"), Some(json!("seven")));
    // absent in, absent out
    for name in [
        "split", "join", "first", "keys", "sort", "count", "int", "slug", "date",
    ] {
        assert_eq!(f(&format!("missing | {name}")), None, "{name}");
    }
}

#[test]
fn filter_errors() {
    let s = Json::new(json!({"t": "x", "l": [1, "a"], "d": "2020-13-01"}));
    let err = |t: &str| match ev_in(t, &s) {
        Err(e) => format!("{} {e}", e.kind()),
        Ok(v) => panic!("{t:?} gave {v:?}"),
    };
    assert_eq!(err("t | int"), "CommandError 'x' cannot be read as int.");
    assert_eq!(
        err("d | date"),
        "ValueError time data '2020-13-01' does not match format '%Y-%m-%d'"
    );
    assert_eq!(
        err("'2020-01-01T00:00:00' | date"),
        "ValueError unconverted data remains: T00:00:00"
    );
    assert_eq!(
        err("'2020-02-30' | date"),
        "ValueError day is out of range for month"
    );
    assert_eq!(
        err("'2020-01-01' | days(99999999999)"),
        "ValueError date value out of range"
    );
    assert!(err("l | at('x')").contains("not a whole number"));
}

#[test]
fn dates_are_read_as_pythons_strptime_reads_them() {
    let d = |t: &str| ev(&format!("'{t}' | date"), &json!({}));
    assert_eq!(d("2020-01-05"), Some(json!("2020-01-05")));
    assert_eq!(d("2020-1-5"), Some(json!("2020-01-05")));
    assert_eq!(d("2020-12- 3"), Some(json!("2020-12-03")));
    assert_eq!(d("2026-11-25T23:03:07.702364"), Some(json!("2026-11-25")));
}

#[test]
fn templates_and_text() {
    let s = json!({"name": "vm", "n": null, "b": true, "x": 1.5, "l": [1, "a"], "o": {"k": "v"}});
    assert_eq!(tmpl("{name}", &s), Some(json!("vm")));
    assert_eq!(tmpl("{l}", &s), Some(json!([1, "a"])));
    assert_eq!(tmpl("{missing}", &s), None);
    assert_eq!(tmpl("", &s), Some(json!("")));
    assert_eq!(
        tmpl("Server {name} ({missing}) {n} {b} {x} {l} {o} {{}}", &s),
        Some(json!(
            "Server vm () - True 1.5 [1, \"a\"] {\"k\": \"v\"} {}"
        ))
    );
    assert_eq!(text(None), "");
    assert_eq!(text(Some(&json!("a\r\nb"))), "a\r\nb");
    assert_eq!(
        ev(
            "entries | map(\"{it.key}={it.value | map(it.addr) | join(', ')}\") | join('; ')",
            &json!({})
        ),
        None
    );
    let nets = json!({"addresses": {"private": [{"addr": "10.0.0.3"}], "public": [{"addr": "1.2.3.4"}, {"addr": "::9"}]}});
    assert_eq!(
        ev(
            "addresses | entries | map(\"{it.key}={it.value | map(it.addr) | join(', ')}\") | join('; ')",
            &nets
        ),
        Some(json!("private=10.0.0.3; public=1.2.3.4, ::9"))
    );
}

#[test]
fn given_is_present() {
    let s = json!({"limit": 0, "flag": false, "n": null});
    for (t, want) in [
        ("limit", true),
        ("flag", true),
        ("n", true),
        ("missing", false),
    ] {
        assert_eq!(ev(&format!("{t} != absent"), &s), Some(json!(want)), "{t}");
    }
}

#[test]
fn loop_items_are_borrowed_too() {
    // a column over 10,000 items: `it.name` copies nothing
    let list: Vec<Value> = (0..10_000)
        .map(|i| json!({"name": format!("vm-{i}")}))
        .collect();
    let outer = Json::new(json!({ "reply": list }));
    let col = parse_expr("it.name").unwrap_or_else(|e| panic!("{e}"));
    let rows = parse_expr("reply").unwrap_or_else(|e| panic!("{e}"));
    let rows = items(&rows, &outer)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_default();
    assert_eq!(rows.len(), 10_000);
    for (i, row) in rows.iter().enumerate() {
        let inner = novagen_spec::ItemScope::new(&outer, &row.value, &row.parents);
        match eval(&col, &inner) {
            Ok(Some(Cow::Borrowed(Value::String(n)))) => assert_eq!(n, &format!("vm-{i}")),
            other => panic!("{other:?}"),
        }
    }
}
