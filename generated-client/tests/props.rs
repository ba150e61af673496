//! Property tests of reply decoding: whatever JSON a server sends, the client never panics
//! (errors are fine).
//!
//! - In-process: arbitrary values, biased toward the spec's own field names, go through every
//!   resource's typed decoding (`Record<T>`, `FromReply`, the definitions' `check`), its table
//!   columns and show rules, and every printer and format.
//! - Through HTTP: a small server on 127.0.0.1 (started here) answers every request of every
//!   `nova` operation with such a value (or an error status, or no JSON), and the operation runs
//!   the one generic path `nova` takes (`cli::dispatch`: lookups, steps, pagination, typed
//!   checks, printing in each format).
//!
//! Each property runs a fixed number of cases (bounded for CI); `PROPTEST_CASES=N` runs N.

use codegen::defs::Shape as FieldType;
use novaclient::runtime::defs::{ArgType, OpDef, Version};
use novaclient::runtime::output::{self, Format};
use novaclient::runtime::page::{Page, SlotPlan};
use novaclient::runtime::scope::NoResolver;
use novaclient::runtime::scope::{self, Env};
use novaclient::runtime::{cli, shell, FromReply, Reply};
use novaclient::{spec, types, Client, ConnectOptions, Record};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, OnceLock};

/// The cases a property runs unless `PROPTEST_CASES` says otherwise.
fn config(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    ProptestConfig {
        cases,
        // A failure prints its smallest input; nothing is written next to the sources.
        failure_persistence: None,
        // Under CI the same cases every run (PROPTEST_RNG_SEED still chooses); elsewhere
        // new ones each time.
        rng_seed: match std::env::var_os("PROPTEST_RNG_SEED") {
            None if std::env::var_os("CI").is_some() => {
                proptest::test_runner::RngSeed::Fixed(0x6e6f_7661)
            }
            _ => ProptestConfig::default().rng_seed,
        },
        ..ProptestConfig::default()
    }
}

const FORMATS: [Format; 4] = [Format::Table, Format::Json, Format::Yaml, Format::Value];

// ---- JSON values ------------------------------------------------------------------------------

/// The names the spec reads replies by: fields, columns, show rules, lookups, results, items.
fn spec_keys() -> &'static [String] {
    static KEYS: OnceLock<Vec<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = BTreeSet::new();
        let mut links = Vec::new();
        let mut path = |p: &str| {
            let p = p.split('|').next().unwrap_or_default();
            let p = p.strip_prefix("header:").unwrap_or(p);
            for seg in p.split(['.', '{', '}']) {
                let seg = seg.trim_end_matches("[]").trim();
                if !seg.is_empty() && seg != "^" {
                    keys.insert(seg.to_string());
                }
            }
        };
        for res in spec::RESOURCES {
            res.columns.iter().for_each(|c| path(c.field));
            res.show.iter().for_each(|s| path(s.field));
            if let Some(l) = &res.lookup {
                for k in [Some(l.list_key), l.get_key, l.items, Some(l.match_field)] {
                    k.into_iter().for_each(&mut path);
                }
                path(l.id_field);
            }
        }
        for op in spec::OPERATIONS {
            for v in op.variants {
                for s in v.steps {
                    if let Some(r) = &s.result {
                        path(&r.to_string());
                    }
                    s.items.into_iter().for_each(&mut path);
                    if let Some(k) = s
                        .result
                        .as_ref()
                        .and_then(novaclient::runtime::scope::reply_key)
                    {
                        links.push(format!("{k}_links"));
                    }
                }
                for p in v.print {
                    if let Some(of) = &p.of {
                        path(&of.to_string());
                    }
                    p.columns.into_iter().flatten().for_each(|c| path(c.field));
                    for level in p.rows {
                        path(&level.items.to_string());
                        level.cells.iter().for_each(|k| path(k.0));
                    }
                }
                if v.poll.is_some() {
                    path(&spec::API.poll.status.to_string());
                }
            }
        }
        keys.extend(links);
        for k in [
            "id",
            "name",
            "status",
            "links",
            "rel",
            "href",
            "next",
            "version",
            "min_version",
            "progress",
            "fault",
            "message",
            "details",
            "code",
            "itemNotFound",
            "badRequest",
        ] {
            keys.insert(k.to_string());
        }
        keys.into_iter().collect()
    })
}

/// The texts command lines give for names and IDs.
const NAMES: &[&str] = &[
    "web",
    "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f",
    "1",
    "é 日本",
    "",
];

/// Texts a server might send, or that the runtime reads specially.
const TEXTS: &[&str] = &[
    "",
    "ACTIVE",
    "ERROR",
    "BUILD",
    "DELETED",
    "enabled",
    "disabled",
    "up",
    "down",
    "next",
    "self",
    "2.1",
    "2.96",
    "2.97",
    "v2.1",
    "99.99",
    "2024-01-31T12:00:00Z",
    "2024-01-31T12:00:00",
    "2024-01-31T12:00:00.123456",
    "2024-13-45T99:99:99Z",
    "2024-01-31",
    "0",
    "-1",
    "1.5",
    "1e400",
    "true",
    "True",
    "None",
    "null",
    "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f",
    "3cb4a1b43a4e4a6ca9b91a2b3c4d5e6f",
    "a\nb",
    "a\\nb",
    "\r\n",
    "\t",
    "日本語",
    "é",
    "\u{200b}",
    "\u{1F600}",
    "'",
    "\"",
    "{",
    "}",
    "{result}",
    "|",
    "%s",
    "a,b",
    "k=v",
    "/servers/x",
    "?marker=1",
    "@@SELF@@/compute/servers/detail?marker=x",
    "@@SELF@@/image/v2/images?marker=x",
    "http://[::1",
    "https://",
    "ftp://x",
];

/// Numbers at the edges.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(if f.is_finite() { f } else { 0.0 })),
        (-3i64..200).prop_map(Value::from),
        prop::sample::select(&[0.0, -0.0, 1.5, 1e308, -1e308, 5e-324, 0.1][..])
            .prop_map(|f| json!(f)),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(TEXTS).prop_map(str::to_string),
        4 => ".{0,12}",
        2 => "[a-z0-9 _-]{0,20}",
        1 => (any::<char>(), 80usize..600).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(spec_keys()),
        1 => text(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        text().prop_map(Value::String),
    ]
}

/// Any JSON value, mostly objects keyed by the spec's names, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            3 => prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// The spec the client was built from, as the generator reads it (field types included).
fn ir() -> &'static codegen::Api {
    static API: OnceLock<codegen::Api> = OnceLock::new();
    API.get_or_init(|| {
        let dir = option_env!("NOVAGEN_SPEC_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"));
        let sources = codegen::read_dir(&dir).unwrap_or_else(|e| panic!("{e:?}"));
        codegen::validate(&sources).unwrap_or_else(|e| panic!("{e:?}"))
    })
}

/// A value of a field's declared type.
fn typed(ty: FieldType) -> BoxedStrategy<Value> {
    match ty {
        FieldType::String => text().prop_map(Value::String).boxed(),
        FieldType::Integer => prop_oneof![
            4 => (-2i64..5000).prop_map(Value::from),
            1 => any::<i64>().prop_map(Value::from),
        ]
        .boxed(),
        FieldType::Number => number().boxed(),
        FieldType::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        FieldType::Object => prop::collection::vec((key(), json_value()), 0..5)
            .prop_map(|kv| Value::Object(kv.into_iter().collect()))
            .boxed(),
        FieldType::Array => prop::collection::vec(json_value(), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        FieldType::Any => json_value().boxed(),
        FieldType::StringOrInteger => prop_oneof![
            text().prop_map(Value::String),
            (-2i64..5000).prop_map(Value::from)
        ]
        .boxed(),
    }
}

/// One field of a record: of its type (absent or null when optional), or, when `odd`, now and
/// then absent, null or of another type.
fn field(f: &'static codegen::defs::FieldDef, odd: bool) -> BoxedStrategy<Option<(String, Value)>> {
    let name = f.json.to_string();
    // Names and IDs are often the texts the command lines look up.
    let named = prop::sample::select(NAMES).prop_map(Value::from);
    let value = match f.shape {
        FieldType::String | FieldType::StringOrInteger => {
            prop_oneof![typed(f.shape), named].boxed()
        }
        ty => typed(ty),
    };
    let value = match (odd, f.optional) {
        (false, false) => value.prop_map(Some).boxed(),
        (false, true) => prop_oneof![
            4 => value.prop_map(Some),
            1 => Just(None),
            1 => Just(Some(Value::Null)),
        ]
        .boxed(),
        (true, _) => prop_oneof![
            16 => value.prop_map(Some),
            1 => Just(None),
            1 => Just(Some(Value::Null)),
            1 => json_value().prop_map(Some),
        ]
        .boxed(),
    };
    value
        .prop_map(move |v| v.map(|v| (name.clone(), v)))
        .boxed()
}

/// One resource as the API might send it: its declared fields and a few other keys; most
/// well typed throughout, some with odd fields.
fn record(r: &'static codegen::Resource) -> BoxedStrategy<Value> {
    prop_oneof![3 => fields_of(r, false), 1 => fields_of(r, true)].boxed()
}

/// A resource's declared fields (all of their types unless `odd`) and a few undeclared keys.
fn fields_of(r: &'static codegen::Resource, odd: bool) -> BoxedStrategy<Value> {
    let fields: Vec<_> = r.fields.iter().map(|f| field(f, odd)).collect();
    (fields, prop::collection::vec((key(), json_value()), 0..3))
        .prop_map(move |(fields, extra)| {
            let mut m: serde_json::Map<String, Value> = extra
                .into_iter()
                .filter(|(k, _)| !r.fields.iter().any(|f| f.json == k))
                .collect();
            m.extend(fields.into_iter().flatten());
            Value::Object(m)
        })
        .boxed()
}

/// Where the spec finds a resource in a reply: a key, and the key of each list item, if any.
type Place = (String, Option<String>);

/// The places a resource is read from: its lookup's, and its operations' results.
fn places(r: &codegen::Resource) -> Vec<Place> {
    let mut out = Vec::new();
    if let Some(l) = &r.lookup {
        out.push((l.list_key.to_string(), l.items.map(str::to_string)));
        out.extend(l.get_key.map(|k| (k.to_string(), None)));
    }
    for op in &r.ops {
        for v in op.variants {
            for s in v.steps {
                out.extend(
                    s.result
                        .as_ref()
                        .map(|e| e.to_string())
                        .as_deref()
                        .and_then(simple)
                        .map(|k| (k, s.items.map(str::to_string))),
                );
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The first key of a result path (`servers`, `flavor.extra_specs` → `flavor`).
fn simple(result: &str) -> Option<String> {
    let result = result.strip_prefix("reply.")?;
    let k = result.split(['.', '|', '[']).next()?.trim();
    (!k.is_empty()).then(|| k.to_string())
}

/// Records of `r` at each of `places` (each present or not; one record or a list), merged into
/// one reply, so that whichever of them a request reads is there; `bare` also gives one
/// record's own fields at the top (a resource fetched without a key).
fn at_places(
    r: &'static codegen::Resource,
    places: Vec<Place>,
    bare: bool,
) -> BoxedStrategy<Value> {
    let one_place = |(key, items_key): Place| {
        (
            prop::collection::vec(record(r), 0..3),
            0..6u8,
            prop::option::weighted(0.15, json_value()),
        )
            .prop_map(move |(items, how, links)| {
                let items: Vec<Value> = match &items_key {
                    Some(k) => items
                        .into_iter()
                        .map(|i| json!({ k.as_str(): i }))
                        .collect(),
                    None => items,
                };
                let body = match (how, items.first()) {
                    (0, _) => return None,
                    (1 | 2, Some(first)) => first.clone(),
                    _ => Value::Array(items),
                };
                let mut m = vec![(key.clone(), body)];
                if let Some(l) = links {
                    m.push((format!("{key}_links"), l));
                }
                Some(m)
            })
    };
    let all: Vec<_> = places.into_iter().map(one_place).collect();
    let top = if bare {
        record(r).prop_map(Some).boxed()
    } else {
        Just(None).boxed()
    };
    (all, top)
        .prop_map(|(all, top)| {
            let mut m = match top {
                Some(Value::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            m.extend(all.into_iter().flatten().flatten());
            Value::Object(m)
        })
        .boxed()
}

/// A reply shaped as `r` is read somewhere in the spec, or one bare record or list of them.
fn shaped_for(r: &'static codegen::Resource) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => at_places(r, places(r), true),
        1 => record(r),
        1 => prop::collection::vec(record(r), 0..4).prop_map(Value::Array),
    ]
    .boxed()
}

/// A reply as `op`'s own steps read one: its resource under their result keys.
fn op_shaped(op: &'static OpDef) -> BoxedStrategy<Value> {
    let r = resource_ir(op.resource.name);
    let places: Vec<Place> = op
        .variants
        .iter()
        .flat_map(|v| v.steps)
        .filter_map(|s| {
            let result = s.result.as_ref()?.to_string();
            Some((simple(&result)?, s.items.map(str::to_string)))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    prop_oneof![3 => at_places(r, places, true), 1 => shaped_for(r)].boxed()
}

/// A reply to a name-or-ID lookup of `r`: the list searched for the name and the one resource
/// fetched by ID, together.
fn looked_up(r: &'static codegen::Resource) -> BoxedStrategy<Value> {
    let Some(l) = &r.lookup else {
        return shaped_for(r);
    };
    let mut places = vec![(l.list_key.to_string(), l.items.map(str::to_string))];
    places.extend(l.get_key.map(|k| (k.to_string(), None)));
    at_places(r, places, l.get_key.is_none())
}

/// The generator's reading of a resource of the client.
fn resource_ir(name: &str) -> &'static codegen::Resource {
    ir().resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no resource {name} in the spec read"))
}

/// A reply shaped as some resource of the spec is read.
fn shaped() -> BoxedStrategy<Value> {
    prop::strategy::Union::new(ir().resources.iter().map(shaped_for)).boxed()
}

/// One resource of the spec, or a list of them, as the API might send it.
fn records() -> BoxedStrategy<Value> {
    let one = prop::strategy::Union::new(ir().resources.iter().map(record));
    prop_oneof![
        3 => one.clone(),
        1 => prop::collection::vec(one, 0..3).prop_map(Value::Array),
    ]
    .boxed()
}

/// A reply: records or a reply shaped as the spec reads one, any value, or something nested
/// deep.
fn reply_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => records(),
        2 => shaped(),
        2 => json_value(),
        1 => (json_value(), 1usize..120).prop_map(|(v, depth)| {
            (0..depth).fold(v, |v, i| if i % 2 == 0 { json!([v]) } else { json!({"id": v}) })
        }),
    ]
}

// ---- In-process decoding and printing ---------------------------------------------------------

/// `Record<T>` and `FromReply` for one typed resource.
fn decode_as<T: serde::de::DeserializeOwned>(v: &Value) {
    let _ = Record::<T>::decode(v.clone());
    let _ = <Record<T>>::from_reply(Reply::One(v.clone()));
    let items = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let _ = <Vec<Record<T>>>::from_reply(Reply::List(items));
}

macro_rules! decode_all {
    ($($t:ident),* $(,)?) => {
        /// Every typed resource of the spec (the generator lists them); the count is checked
        /// against `spec::RESOURCES`.
        fn decode_every_type(v: &Value) -> usize {
            $( decode_as::<types::$t>(v); )*
            [$(stringify!($t)),*].len()
        }
    };
}
novaclient::for_every_type!(decode_all);

fn versions() -> [Version; 3] {
    [spec::MIN_VERSION, Version(2, 47), spec::MAX_VERSION]
}

/// One value through every resource's decoding, columns and show rules, in every format, at
/// one microversion.
fn decode_and_print(v: &Value, args: &Value, version: Version, wrap: usize) {
    assert_eq!(
        decode_every_type(v),
        spec::RESOURCES.len(),
        "a type per resource"
    );
    let items = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    for res in spec::RESOURCES {
        let checked = (res.check)(v);
        // What is passed in place, the decoder takes.
        assert!(
            !res.conforms(v) || checked.is_ok(),
            "{} conforms but does not decode: {checked:?}\n{v}",
            res.name
        );
        let cols = output::columns_for(res.columns, version, args);
        let info = output::reshape(res.show, version, v, &Value::Null, &NoResolver);
        for format in FORMATS {
            if let Ok(texts) = output::texts(&cols, &items) {
                let _ = output::rows(&cols, &texts, &items, res.sort_by, format, &|_| true);
            }
            if let Ok(info) = &info {
                let rows: Vec<(String, Value)> = info.clone().into_iter().collect();
                let _ = output::properties(&rows, ("Property", "Value"), wrap, format);
            }
        }
    }
    let _ = output::value(v);
    for format in FORMATS {
        let _ = output::structured(v, format);
    }
    // Every step's result path and every column or print format of the operations.
    for op in spec::OPERATIONS {
        for variant in op.variants {
            for step in variant.steps {
                if let Some(r) = &step.result {
                    let scope = json!({ "result": v, "headers": {} });
                    let _ = scope::eval(r, &Env::new(&scope, Some(version)));
                }
            }
            for p in variant.print {
                if let Some(cols) = p.columns {
                    let cols = output::columns_for(cols, version, args);
                    let all = |_: &output::Col| true;
                    if let Ok(texts) = output::texts(&cols, &items) {
                        let _ = output::rows(&cols, &texts, &items, p.sort_by, Format::Table, &all);
                    }
                }
                for c in p.columns.unwrap_or(op.resource.columns) {
                    if let Some(f) = c.format {
                        let _ = output::format(f, v);
                    }
                }
                let scope = json!({ "result": v });
                let env = Env::new(&scope, Some(version));
                let mut cols =
                    output::columns_for(p.columns.unwrap_or(op.resource.columns), version, args);
                let _ = output::built_rows(p.rows, v, &env, &mut cols);
                if let Some(t) = &p.text {
                    let _ = scope::template(t, &env);
                }
            }
        }
    }
}

#[test]
fn any_reply_decodes_and_prints_without_panic() {
    let case = (
        reply_value(),
        json_value(),
        prop::sample::select(versions().to_vec()),
        0usize..50,
    );
    proptest!(config(200), |((v, args, version, wrap) in case)| {
        decode_and_print(&v, &args, version, wrap);
    });
}

#[test]
fn records_of_the_declared_types_decode() {
    // What the spec declares, the generated types read: a record with every field of its
    // type (optional ones absent or null too) and keys the spec does not know.
    let kinds: Vec<_> = ir()
        .resources
        .iter()
        .map(|r| (Just(r.name), fields_of(r, false)))
        .collect();
    proptest!(config(200), |((name, v) in prop::strategy::Union::new(kinds))| {
        let def = spec::RESOURCES.iter().find(|d| d.name == name);
        prop_assert!(def.is_some(), "the client has no resource {}", name);
        if let Some(def) = def {
            let checked = (def.check)(&v);
            prop_assert!(checked.is_ok(), "{}: {:?}\n{}", name, checked, v);
            prop_assert!(def.conforms(&v), "{} decodes but is not passed in place:\n{}", name, v);
        }
    });
}

/// A well-typed record of one of the spec's types with one field replaced by any JSON, or
/// removed: (its type, the record).
fn edited_records() -> BoxedStrategy<(&'static codegen::Resource, Value)> {
    let kinds: Vec<_> = ir()
        .resources
        .iter()
        .map(|r| {
            let n = r.fields.len().max(1);
            let odd = prop::option::weighted(0.9, prop_oneof![3 => leaf(), 1 => json_value()]);
            (fields_of(r, false), 0..n, odd).prop_map(move |(mut v, i, odd)| {
                if let (Some(f), Some(m)) = (r.fields.get(i), v.as_object_mut()) {
                    match odd {
                        Some(x) => m.insert(f.json.to_string(), x),
                        None => m.shift_remove(f.json),
                    };
                }
                (r, v)
            })
        })
        .collect();
    prop::strategy::Union::new(kinds).boxed()
}

#[test]
fn records_passed_in_place_decode() {
    // When the definitions pass an edited record in place (`conforms`), the typed decoding
    // takes it too.
    proptest!(config(500), |((ir, v) in edited_records())| {
        if let Some(def) = spec::RESOURCES.iter().find(|d| d.name == ir.name) {
            let checked = (def.check)(&v);
            prop_assert!(!def.conforms(&v) || checked.is_ok(),
                "{} conforms but does not decode: {:?}\n{}", ir.name, checked, v);
        }
    });
}

#[test]
fn items_read_for_rows_fit_when_their_kept_fields_conform() {
    // The same records, read field by field for a table's rows with some of their fields
    // printed: an item fits exactly when the fields the lean reading keeps (those printed and
    // the required ones) conform, and each printed field's value is the record's.
    let printed = prop::collection::vec(0..64usize, 0..4);
    proptest!(config(500), |((ir, v) in edited_records(), printed in printed)| {
        let name = ir.name;
        let Some(def) = spec::RESOURCES.iter().find(|d| d.name == name) else { return Ok(()) };
        // Printed: some of the type's fields, and a key that is none of them.
        let mut names: Vec<String> = Vec::new();
        for k in printed {
            let field = ir.fields.get(k % (ir.fields.len() + 1));
            let key = field.map_or("not-a-field", |f| f.json);
            if !names.iter().any(|n| n == key) {
                names.push(key.to_string());
            }
        }
        let Some(plan) = SlotPlan::new(&names, def) else { return Ok(()) };
        // As the text reads back (serde_json may read a float back one unit off).
        let body = json!({ "items": [v] }).to_string();
        let v = serde_json::from_str::<Value>(&body).map(|mut b| b["items"][0].take());
        let v = v.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let page = Page::read_slots("u", body.as_bytes(), "items", None, &plan);
        let page = page.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let item = &page.items[0];
        let kept: serde_json::Map<String, Value> = v
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| names.contains(k) || def.required().any(|r| r == *k))
            .map(|(k, x)| (k.clone(), x.clone()))
            .collect();
        prop_assert_eq!(item.fits, def.conforms(&Value::Object(kept)), "{}: {}", name, v);
        for (n, got) in names.iter().zip(&item.values) {
            prop_assert_eq!(got.as_ref(), v.get(n));
        }
    });
}

// ---- Through HTTP: every operation against a server sending such replies ---------------------

/// What the server answers with, for this case.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    /// The body as sent (JSON, usually).
    body: String,
    location: Option<String>,
}

struct Script {
    /// The answers of this case, one per request in turn (round and round).
    answers: Vec<Answer>,
    /// Requests still answered from `answers`; then 500s (a next link to itself ends).
    budget: usize,
    seen: usize,
}

/// A 127.0.0.1 server: Keystone's token request gets a token and a catalog pointing back at
/// this server; every other request gets the case's next answer.
struct Server {
    url: String,
    script: Arc<Mutex<Script>>,
}

const TOKEN_BODY: &str = r#"{"token": {"project": {"id": "p1"}, "user": {"id": "u1"}, "catalog": [
  {"type": "compute", "endpoints": [{"interface": "public", "url": "@@SELF@@/compute/v2.1"}]},
  {"type": "image", "endpoints": [{"interface": "public", "url": "@@SELF@@/image"}]}]}}"#;

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let script = Arc::new(Mutex::new(Script {
            answers: Vec::new(),
            budget: 0,
            seen: 0,
        }));
        let shared = Arc::clone(&script);
        let me = url.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                // One connection at a time: the client sends one request at a time.
                let _ = serve(stream, &shared, &me);
            }
        });
        Server { url, script }
    }

    fn answer(&self, answers: Vec<Answer>) {
        let mut s = self.script.lock().expect("script");
        s.answers = answers
            .into_iter()
            .map(|a| Answer {
                body: a.body.replace("@@SELF@@", &self.url),
                location: a.location.map(|l| l.replace("@@SELF@@", &self.url)),
                ..a
            })
            .collect();
        s.budget = 24;
        s.seen = 0;
    }

    fn requests(&self) -> usize {
        self.script.lock().expect("script").seen
    }
}

fn serve(stream: TcpStream, script: &Mutex<Script>, me: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let answer = if request_line.contains("/auth/tokens") {
        Answer {
            status: 201,
            body: TOKEN_BODY.replace("@@SELF@@", me),
            location: None,
        }
    } else {
        let mut s = script.lock().unwrap_or_else(|e| e.into_inner());
        s.seen += 1;
        let next = s
            .answers
            .get((s.seen - 1) % s.answers.len().max(1))
            .cloned();
        match next.filter(|_| s.budget > 0) {
            Some(a) => {
                s.budget -= 1;
                a
            }
            None => Answer {
                status: 500,
                body: r#"{"computeFault": {"message": "enough"}}"#.into(),
                location: None,
            },
        }
    };
    let mut head = format!(
        "HTTP/1.1 {} Answer\r\nContent-Type: application/json\r\nConnection: close\r\nX-Subject-Token: t0k3n\r\nX-Openstack-Request-Id: req-1\r\n",
        answer.status
    );
    if let Some(l) = &answer.location {
        head.push_str(&format!("Location: {l}\r\n"));
    }
    let body = if answer.status == 204 || answer.status == 304 {
        String::new()
    } else {
        answer.body
    };
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = stream;
    out.write_all(head.as_bytes())?;
    out.write_all(body.as_bytes())?;
    out.flush()
}

/// A session with the test server at a microversion (`None`: negotiated from its answer).
fn connect(s: &Server, version: Option<Version>) -> Result<Client, novaclient::Error> {
    Client::connect(&ConnectOptions {
        auth_url: Some(format!("{}/identity", s.url)),
        username: Some("admin".into()),
        password: Some("secret".into()),
        project_name: Some("admin".into()),
        api_version: Some(version.map_or("auto".into(), |v| v.to_string())),
        poll_interval: Some(std::time::Duration::from_millis(1)),
        timeout: Some(std::time::Duration::from_secs(10)),
        ..Default::default()
    })
}

/// A file for `type: file` arguments.
fn data_file() -> &'static str {
    static FILE: OnceLock<String> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("novagen-props-{}.txt", std::process::id()));
        std::fs::write(&path, "#cloud-config\n").expect("temp file");
        path.to_string_lossy().into_owned()
    })
}

/// A command line for `op`: each argument given or not, with a value of its type, by `seeds`.
fn command_line(op: &OpDef, seeds: &[u8]) -> Vec<String> {
    let mut argv = vec!["nova".to_string(), op.command.to_string()];
    for (i, def) in op.args.iter().enumerate() {
        let s = seeds.get(i).copied().unwrap_or(0) as usize;
        let given = def.required || (def.positional && def.many) || s % 2 == 1;
        if !given {
            continue;
        }
        let pick = |options: &[&str]| options[(s / 2) % options.len()].to_string();
        let value = match def.ty {
            ArgType::Flag => None,
            _ if !def.choices.is_empty() => Some(pick(def.choices)),
            ArgType::Integer => Some(pick(&["1", "-1", "0", "3"])),
            ArgType::Number => Some(pick(&["1.5", "0"])),
            ArgType::Boolean => Some(pick(&["true", "false"])),
            ArgType::File => Some(data_file().to_string()),
            ArgType::KeyValue => Some(pick(&["a=b", "k=v"])),
            ArgType::Record => Some(match (def.alone.first(), def.record_keys.first()) {
                (Some(w), _) if s % 4 == 1 => w.to_string(),
                (_, Some((k, _, _))) => format!("{k}=3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f"),
                _ => "x".into(),
            }),
            ArgType::Datetime => Some(pick(&["2016-03-04T06:27:59Z", "not a time", ""])),
            ArgType::String => Some(pick(NAMES)),
        };
        if !def.positional {
            argv.push(format!("--{}", def.name.replace('_', "-")));
        }
        if let Some(v) = value {
            argv.push(v);
        }
    }
    argv
}

/// The statuses of the answers, weighted: mostly success.
const STATUSES: &[(u32, u16)] = &[
    (40, 200),
    (2, 202),
    (1, 204),
    (1, 300),
    (1, 400),
    (1, 403),
    (1, 404),
    (1, 409),
    (1, 500),
];

/// One answer with a body from `shape` (or, now and then, anything, no JSON, or JSON a
/// `Value` cannot hold).
fn answer(shape: BoxedStrategy<Value>) -> BoxedStrategy<Answer> {
    let body = prop_oneof![
        24 => shape.prop_map(|v| v.to_string()),
        2 => reply_value().prop_map(|v| v.to_string()),
        1 => Just(String::new()),
        1 => ".{0,40}",
        // Numbers out of range, lone surrogates, depth past serde_json's limit.
        1 => prop::sample::select(&[
            r#"{"servers": [{"id": 1e400}]}"#,
            r#"{"flavor": {"id": "\ud800"}}"#,
            r#"{"id": 99999999999999999999999999}"#,
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        ][..]).prop_map(str::to_string),
    ];
    let location = prop::option::weighted(
        0.3,
        prop::sample::select(&["", "@@SELF@@/image/v2/images/abc", "/x/", "é"][..]),
    );
    let status =
        prop::strategy::Union::new_weighted(STATUSES.iter().map(|(w, s)| (*w, Just(*s))).collect());
    (status, body, location)
        .prop_map(|(status, body, location)| Answer {
            status,
            body,
            location: location.map(str::to_string),
        })
        .boxed()
}

/// The answers to one run of `op`, in the order it asks: a lookup answer for each argument
/// that names a resource, then its own steps' answers.
fn answers_for(op: &'static OpDef) -> BoxedStrategy<Vec<Answer>> {
    let lookups: Vec<BoxedStrategy<Answer>> = op
        .args
        .iter()
        .filter_map(|def| def.resource)
        .map(|r| answer(looked_up(resource_ir(r.name))))
        .collect();
    let own = prop::collection::vec(answer(op_shaped(op)), 1..4);
    (lookups, own)
        .prop_map(|(mut all, own)| {
            all.extend(own);
            all
        })
        .boxed()
}

#[test]
fn every_operation_survives_any_reply() {
    // Each test its own server: the tests of this file run at once.
    let s = &Server::start();
    let nova = shell::command();
    // Sessions at fixed versions are opened once; `auto` negotiates with each case's answer.
    let sessions: Vec<(Version, Client)> = versions()
        .into_iter()
        .map(|v| {
            (
                v,
                connect(s, Some(v)).expect("a session with the test server"),
            )
        })
        .collect();
    let ran = std::cell::Cell::new(0usize);
    let ops = spec::OPERATIONS;
    let answers: Vec<_> = ops.iter().map(|op| answers_for(op)).collect();
    let case = (
        (0..ops.len()).prop_flat_map(move |i| (Just(i), answers[i].clone())),
        prop::collection::vec(any::<u8>(), 24),
        0..FORMATS.len(),
        0..=sessions.len(),
    );
    proptest!(config(200), |(((op, answers), seeds, format, session) in case)| {
        let op = ops[op];
        s.answer(answers);
        let negotiated;
        let client = match sessions.get(session) {
            Some((_, c)) => c,
            None => match connect(s, None) {
                Ok(c) => {
                    negotiated = c;
                    &negotiated
                }
                Err(_) => return Ok(()),
            },
        };
        let argv = command_line(op, &seeds);
        let Ok(matches) = nova.clone().try_get_matches_from(&argv) else {
            // clap refused the line (a value the argument does not take): no reply to decode.
            return Ok(());
        };
        let Some((_, sub)) = matches.subcommand() else {
            return Ok(());
        };
        ran.set(ran.get() + 1);
        // Half the cases as if on a terminal (control characters made visible).
        let out = cli::Printer::new(FORMATS[format], ran.get().is_multiple_of(2), Vec::new());
        let _ = cli::dispatch(client, &out, op, sub);
    });
    let _ = std::fs::remove_file(data_file());
    // Most command lines are accepted, so most cases reach the replies.
    let cases = config(200).cases as usize;
    assert!(
        ran.get() * 2 >= cases,
        "only {} of {cases} cases ran",
        ran.get()
    );
}

#[test]
fn the_test_server_serves_a_real_reply() {
    // The harness itself: a well-formed reply prints, so the property above reaches printing.
    let s = &Server::start();
    let client = connect(s, Some(Version(2, 60))).expect("session");
    s.answer(vec![Answer {
        status: 200,
        body: json!({"flavors": [{"id": "1", "name": "m1.tiny", "ram": 512}]}).to_string(),
        location: None,
    }]);
    let nova = shell::command();
    let matches = nova
        .try_get_matches_from(["nova", "flavor-list"])
        .expect("parses");
    let (_, sub) = matches.subcommand().expect("subcommand");
    let op = cli::find_op(spec::OPERATIONS, "flavor-list").expect("flavor-list");
    let out = cli::Printer::new(Format::Json, false, Vec::new());
    let done = cli::dispatch(&client, &out, op, sub);
    assert!(done.is_ok(), "{done:?}");
    assert_eq!(s.requests(), 1);
}
