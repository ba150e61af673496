//! Property tests: (a) any text parses or is refused with an offset inside it, never a panic;
//! (b) trees of the parser's shape print and re-parse to themselves; (c) evaluating such trees
//! over arbitrary JSON never panics. `PROPTEST_CASES=5000` runs them longer.
#![cfg(feature = "parse")]

mod common;

use common::Json;
use novagen_spec::{
    eval, eval_template, items, parse_expr, parse_template, Call, Cmp, Expr, Filter, Lit, Path,
    Piece, Root, Step, Template, RESERVED, ROOTS,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

fn leak_str(s: String) -> &'static str {
    s.leak()
}

/// Names: mostly a few that the JSON scopes use, sometimes any identifier.
fn name() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "c", "id", "name", "items"]),
        1 => "[a-z_][a-z0-9_]{0,5}"
            .prop_filter("reserved", |n| !RESERVED.contains(&n.as_str()) && !ROOTS.contains(&n.as_str()))
            .prop_map(leak_str),
    ]
}

fn key() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "id", "name", "items", "in", "OS-EXT:x", ""]),
        1 => "\\PC{0,5}".prop_map(leak_str),
        1 => ".{0,3}".prop_map(leak_str),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => key().prop_map(Step::Key),
        1 => prop_oneof![-3i64..3, any::<i64>()].prop_map(Step::Index),
        2 => Just(Step::Each),
    ]
}

fn root() -> impl Strategy<Value = Root> {
    prop_oneof![
        6 => name().prop_map(Root::Arg),
        1 => name().prop_map(Root::Typed),
        1 => name().prop_map(Root::Found),
        2 => Just(Root::Reply),
        3 => Just(Root::It),
        1 => (1u8..4).prop_map(Root::Parent),
        1 => prop::sample::select(vec!["project_id", "user_id"]).prop_map(Root::Session),
        1 => Just(Root::Now),
    ]
}

fn path() -> impl Strategy<Value = Expr> {
    (root(), prop::collection::vec(step(), 0..4)).prop_map(|(root, steps)| {
        Expr::Path(Path {
            root,
            steps: steps.leak(),
        })
    })
}

fn lit() -> impl Strategy<Value = Lit> {
    prop_oneof![
        Just(Lit::Null),
        Just(Lit::Absent),
        any::<bool>().prop_map(Lit::Bool),
        prop_oneof![-3i64..30, any::<i64>()].prop_map(Lit::Int),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Lit::Float),
        prop_oneof![
            prop::sample::select(vec!["", ",", "a=b", "2020-01-05", "auto", "x"])
                .prop_map(|s: &str| s.to_string()),
            "\\PC{0,6}",
            ".{0,4}",
        ]
        .prop_map(|s| Lit::Str(leak_str(s))),
    ]
}

/// A canonical template over `inner` expressions: texts merged, one lone expression a Value.
fn template(inner: impl Strategy<Value = Expr> + Clone) -> impl Strategy<Value = Template> {
    let piece = prop_oneof![
        "\\PC{1,5}".prop_map(|t| (Some(t), None)),
        ".{1,3}".prop_map(|t| (Some(t), None)),
        inner.prop_map(|e| (None, Some(e))),
    ];
    prop::collection::vec(piece, 0..4).prop_map(|parts| {
        let mut pieces: Vec<Piece> = Vec::new();
        let mut text = String::new();
        for (t, e) in parts {
            if let Some(t) = t {
                text.push_str(&t);
            }
            if let Some(e) = e {
                if !text.is_empty() {
                    pieces.push(Piece::Text(leak_str(std::mem::take(&mut text))));
                }
                pieces.push(Piece::Expr(e));
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(leak_str(text)));
        }
        match pieces.as_slice() {
            [Piece::Expr(e)] => Template::Value(*e),
            _ => Template::Text(pieces.leak()),
        }
    })
}

fn call(inner: impl Strategy<Value = Expr> + Clone) -> impl Strategy<Value = Call> {
    prop::sample::select(Filter::ALL.to_vec()).prop_flat_map(move |filter| {
        let (min, max) = filter.arity();
        prop::collection::vec(inner.clone(), min..=max).prop_map(move |args| Call {
            filter,
            args: args.leak(),
        })
    })
}

fn version_compare() -> impl Strategy<Value = Expr> {
    (
        prop::sample::select(vec![Cmp::Eq, Cmp::Ne, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge]),
        any::<u16>(),
        any::<u16>(),
        any::<bool>(),
    )
        .prop_map(|(op, a, b, left)| {
            let v: &'static Expr = leak(Expr::Path(Path {
                root: Root::Version,
                steps: &[],
            }));
            let l: &'static Expr = leak(Expr::Lit(Lit::Version(a, b)));
            if left {
                Expr::Compare(v, op, l)
            } else {
                Expr::Compare(l, op, v)
            }
        })
}

/// Trees of the shape the parser makes.
fn expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        3 => path(),
        2 => lit().prop_map(Expr::Lit),
        1 => version_compare(),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        let nary = prop::collection::vec(inner.clone(), 2..4);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| Expr::List(v.leak())),
            (
                inner.clone(),
                prop::collection::vec(call(inner.clone()), 1..3)
            )
                .prop_map(|(i, c)| Expr::Pipe(leak(i), c.leak())),
            (
                inner.clone(),
                prop::sample::select(vec![
                    Cmp::Eq,
                    Cmp::Ne,
                    Cmp::Lt,
                    Cmp::Le,
                    Cmp::Gt,
                    Cmp::Ge,
                    Cmp::In,
                    Cmp::NotIn
                ]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| Expr::Compare(leak(a), op, leak(b))),
            inner.clone().prop_map(|e| Expr::Not(leak(e))),
            nary.clone().prop_map(|v| Expr::And(v.leak())),
            nary.clone().prop_map(|v| Expr::Or(v.leak())),
            nary.prop_map(|v| Expr::Coalesce(v.leak())),
            (
                inner.clone(),
                inner.clone(),
                prop::option::of(inner.clone())
            )
                .prop_map(|(t, c, o)| Expr::If {
                    then: leak(t),
                    cond: leak(c),
                    otherwise: o.map(leak),
                }),
            template(inner).prop_map(|t| Expr::Template(leak(t))),
        ]
    })
    .boxed()
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![-3i64..30, any::<i64>()].prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            prop::sample::select(vec![
                "",
                "a=b",
                "x,y",
                "2020-01-05",
                "2026-11-25T23:03:07.702364",
                "auto",
                "http://h/a/b/"
            ])
            .prop_map(|s: &str| s.to_string()),
            "\\PC{0,8}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

fn scope() -> impl Strategy<Value = Json> {
    (
        prop::collection::vec((name(), json()), 0..6),
        json(),
        prop::collection::vec(json(), 0..3),
        prop::option::of((0u16..4, 0u16..120)),
    )
        .prop_map(|(args, reply, items, version)| {
            let mut m: Map<String, Value> =
                args.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            m.insert("reply".into(), reply.clone());
            for root in ["typed", "found", "steps"] {
                m.insert(root.into(), m.clone().into_iter().collect());
            }
            m.insert(
                "session".into(),
                serde_json::json!({"project_id": "p", "user_id": "u"}),
            );
            let mut s = Json::new(Value::Object(m));
            s.items = items;
            s.version = version;
            s
        })
}

fn chars(t: &str) -> usize {
    t.chars().count()
}

proptest! {
    #[test]
    fn any_text_parses_or_is_refused_inside_it(t in prop_oneof![
        ".{0,40}",
        "[a-z .|()\\[\\]'\"{}?=<>!,0-9^:-]{0,40}",
        "(if|else|not|in|and|or|version|it|\\.\\^|\\?\\?| |'|\"|\\{|\\}|\\(|\\)|\\||2\\.10|x|join\\(|,)*",
    ]) {
        if let Err(e) = parse_expr(&t) {
            prop_assert!(e.offset <= chars(&t), "{t:?}: {e}");
            prop_assert!(!e.message.is_empty());
        }
        if let Err(e) = parse_template(&t) {
            prop_assert!(e.offset <= chars(&t), "{t:?}: {e}");
        }
    }

    #[test]
    fn trees_print_and_parse_back(e in expr()) {
        let text = e.to_string();
        match parse_expr(&text) {
            Ok(back) => prop_assert_eq!(back, e, "{}", text),
            Err(err) => prop_assert!(false, "{text:?} of {e:?}: {err}"),
        }
        let t = Template::Text(vec![Piece::Text("x {"), Piece::Expr(e)].leak());
        let text = t.to_string();
        prop_assert_eq!(parse_template(&text), Ok(t), "{}", text);
    }

    #[test]
    fn templates_print_and_parse_back(t in template(expr())) {
        let text = t.to_string();
        prop_assert_eq!(parse_template(&text), Ok(t), "{}", text);
    }

    #[test]
    fn evaluation_never_panics(e in expr(), s in scope()) {
        let _ = eval(&e, &s);
        let _ = items(&e, &s);
        let _ = eval_template(&Template::Value(e), &s);
        let t = Template::Text(vec![Piece::Text("-"), Piece::Expr(e)].leak());
        let _ = eval_template(&t, &s);
    }
}
