//! The spec and nova-sim checked against nova's own JSON schemas: the request body, query and
//! response schemas nova 34 registers on its API methods, per microversion range, dumped by
//! `scripts/nova-schemas.py` with the realnova venv's Python at test time.
//!
//! - `request_bodies`: every body a spec operation builds (`Client::plan_all`, no cloud) for the
//!   argument combinations that matter validates against nova's request schema, at every
//!   microversion where the spec or nova changes something.
//! - `query_parameters`: every query parameter a spec operation sends is one nova's query
//!   schema names (nova drops unknown ones before 2.75 and refuses them after), with a value it
//!   allows.
//! - `resource_fields`: every field of every compute resource the spec declares is in the
//!   response schemas of the operations returning it, with a compatible JSON type; a field the
//!   spec requires is one nova always sends, never null.
//! - `nova_sim_replies`: `nova --debug` runs a set of commands against nova-sim at several
//!   microversions; every JSON reply (and every body sent) validates against nova's schema for
//!   its route and microversion.
//!
//! Each test reports every mismatch (operation, microversion, JSON pointer) and then fails.
//! A custom harness (`harness = false`, `main` below): without the realnova venv
//! (`$REALNOVA_DIR`, else `$TMPDIR/realnova`) the tests show as `ignored (<why>)` in `cargo
//! test`'s summary, and fail under `CI`. A venv whose dump fails fails them.

use novaclient::runtime::call::Planned;
use novaclient::runtime::defs::{ArgDef, ArgType, OpDef, Range, Service};
use novaclient::runtime::ArgValue;
use novaclient::{Client, Version};
use novagen_tests::gate::{run, trial, Arguments};
use novagen_tests::{root, temp_dir, Cloud};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        trial("request_bodies", nova, request_bodies),
        trial("query_parameters", nova, query_parameters),
        trial("resource_fields", nova, resource_fields),
        trial("nova_sim_replies", nova, nova_sim_replies),
    ];
    run(&args, trials).exit();
}

// ---------------------------------------------------------------------------------------------
// Allow-list: mismatches that are deliberate, each with its reason. A line matches when it
// contains both texts.

const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "backup-instance",
        "no nova route",
        "a site's own extension (spec/backup-instance.yaml): stock nova has no such route",
    ),
    (
        "server.progress",
        r#"nova's schema allows ["number"]"#,
        "nova's view schema types progress as a number, but nova sends Instance.progress, an \
         integer field; novaclient prints it as one",
    ),
    (
        "limits [",
        "'reserved'",
        "sent as python-novaclient sends it (`nova limits --reserved`): nova drops it before 2.75 \
         and refuses it from 2.75, the same for both clients",
    ),
    (
        "keypair.",
        "in no response schema of the operations returning it",
        "created_at, deleted, deleted_at, id and updated_at come with GET /os-keypairs/{name} \
         (keypair-show), which the spec does not have yet",
    ),
    // OPEN: the spec language has no microversion range for a key or word of a `record`
    // argument. novaclient refuses these on the client (CommandError); the spec sends them and
    // nova answers 400 (nic/BDM `tag`: 2.32-2.36 for NICs, 2.32 for BDMs, and 2.42+;
    // BDM `volume_type`: 2.67+; `--nic auto|none` before 2.37 is refused: alone's versions).
    (
        "/server/networks/",
        "('tag' was unexpected)",
        "OPEN: record keys have no range",
    ),
    (
        "--nic=",
        "valid under any of the schemas listed in the 'oneOf'",
        "OPEN: as above (2.37-2.41 tag)",
    ),
    ("/block_device_mapping_v2/", "('tag'", "OPEN: as above"),
    (
        "/block_device_mapping_v2/",
        "'volume_type' was",
        "OPEN: as above",
    ),
];

fn allowed(line: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(a, b, _)| line.contains(a) && line.contains(b))
}

/// Print every mismatch (the same one at several microversions as one line), then fail if any
/// is not allowed.
fn report(what: &str, found: &[String]) {
    let at = regex::Regex::new(r"@(\d+\.\d+)").expect("regex");
    let mut groups: BTreeMap<String, BTreeSet<Version>> = BTreeMap::new();
    for l in found {
        let vs = groups
            .entry(at.replace_all(l, "@*").into_owned())
            .or_default();
        vs.extend(at.captures_iter(l).filter_map(|c| Version::parse(&c[1])));
    }
    let lines: Vec<String> = groups
        .into_iter()
        .map(|(l, vs)| {
            let vs: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
            l.replacen("@*", &format!("@{}", vs.join(",")), 1)
                .replace("@*", "")
        })
        .collect();
    let (ok, bad): (Vec<&String>, Vec<&String>) = lines.iter().partition(|l| allowed(l));
    for (a, b, why) in ALLOWED {
        let n = ok.iter().filter(|l| l.contains(a) && l.contains(b)).count();
        if n > 0 {
            eprintln!("allowed: {n} {what} mismatch(es) with {a:?} and {b:?}: {why}");
        }
    }
    assert!(
        bad.is_empty(),
        "{} {what} mismatch(es) with nova's schemas:\n{}",
        bad.len(),
        bad.iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// nova's schemas

#[derive(Deserialize)]
struct Dump {
    routes: Vec<RawRoute>,
}

#[derive(Deserialize)]
struct RawRoute {
    method: String,
    path: String,
    action: Option<String>,
    min_version: Option<String>,
    max_version: Option<String>,
    removed: bool,
    schemas: BTreeMap<String, Vec<RawSchema>>,
}

#[derive(Deserialize)]
struct RawSchema {
    min: Option<String>,
    max: Option<String>,
    schema: Value,
}

struct Route {
    index: usize,
    method: String,
    path: String,
    /// Path segments; `None` is a placeholder.
    segs: Vec<Option<String>>,
    action: Option<String>,
    versions: Range,
    removed: bool,
    schemas: BTreeMap<String, Vec<(Range, Value)>>,
}

impl Route {
    fn name(&self) -> String {
        match &self.action {
            Some(a) => format!("{} {} ({a})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }

    /// nova's schema of this kind at `v`: its index and the schema (None: nova checks nothing).
    fn schema(&self, kind: &str, v: Version) -> Option<(usize, &Value)> {
        self.schemas
            .get(kind)?
            .iter()
            .enumerate()
            .find(|(_, (r, _))| r.contains(v))
            .map(|(i, (_, s))| (i, s))
    }

    /// Every microversion where something about this route changes.
    fn boundaries(&self) -> Vec<Version> {
        let mut out = Vec::new();
        let mut add = |r: &Range| {
            out.extend(r.min);
            out.extend(r.max);
            out.extend(r.max.map(next));
        };
        add(&self.versions);
        for list in self.schemas.values() {
            for (r, _) in list {
                add(r);
            }
        }
        out
    }
}

struct Nova {
    routes: Vec<Route>,
}

fn version(s: &Option<String>) -> Option<Version> {
    s.as_deref().and_then(Version::parse)
}

fn next(v: Version) -> Version {
    Version(v.0, v.1 + 1)
}

fn prev(v: Version) -> Version {
    Version(v.0, v.1.saturating_sub(1))
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

impl Nova {
    /// The route nova dispatches a request to (routes in `ROUTE_LIST` order; `.../action`
    /// routes by the body's one key).
    fn route(&self, method: &str, path: &str, body: Option<&Value>) -> Option<&Route> {
        let segs = segments(path.split('?').next().unwrap_or_default());
        let action = body
            .and_then(Value::as_object)
            .filter(|m| m.len() == 1)
            .and_then(|m| m.keys().next());
        self.routes.iter().find(|r| {
            r.method == method
                && r.segs.len() == segs.len()
                && r.segs
                    .iter()
                    .zip(&segs)
                    .all(|(a, b)| a.as_deref().is_none_or(|a| a == *b))
                && r.action.as_ref().is_none_or(|a| Some(a) == action)
        })
    }

    /// The route a spec path template names (`{x}` segments are IDs: they match placeholders).
    fn route_of_template(&self, method: &str, template: &str) -> Option<&Route> {
        let segs = segments(template);
        self.routes.iter().find(|r| {
            r.method == method
                && r.action.is_none()
                && r.segs.len() == segs.len()
                && r.segs.iter().zip(&segs).all(|(a, b)| match a {
                    Some(a) => a == b,
                    None => b.starts_with('{'),
                })
        })
    }
}

static NOVA: OnceLock<Result<Nova, Load>> = OnceLock::new();

/// nova's schemas, or why not: the realnova venv is absent (the tests show as ignored with the
/// reason; a failure under `CI`). A venv whose dump fails is a failure, not a reason.
fn nova() -> Result<&'static Nova, String> {
    match NOVA.get_or_init(load) {
        Ok(n) => Ok(n),
        Err(Load::Absent(why)) => Err(why.clone()),
        Err(Load::Failed(why)) => panic!("{why}"),
    }
}

/// Why nova's schemas could not be had.
enum Load {
    /// The venv is not there: a missing prerequisite.
    Absent(String),
    /// It is there, and the dump failed.
    Failed(String),
}

fn load() -> Result<Nova, Load> {
    let dir = match std::env::var_os("REALNOVA_DIR") {
        Some(d) => PathBuf::from(d),
        None => std::env::temp_dir().join("realnova"),
    };
    let python = dir.join("venv/bin/python");
    if !python.exists() {
        return Err(Load::Absent(format!(
            "needs {} (the realnova venv with nova 34: ../shared/realnova/setup.sh; or set \
             REALNOVA_DIR)",
            python.display()
        )));
    }
    let out = Command::new(&python)
        .arg(root().join("scripts/nova-schemas.py"))
        .output()
        .map_err(|e| Load::Failed(format!("cannot run {}: {e}", python.display())))?;
    if !out.status.success() {
        return Err(Load::Failed(format!(
            "scripts/nova-schemas.py failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    // Kept beside the test's other outputs, for reading when a check fails.
    let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nova-schemas.json");
    let _ = std::fs::write(&keep, &out.stdout);
    let dump: Dump = serde_json::from_slice(&out.stdout)
        .map_err(|e| Load::Failed(format!("scripts/nova-schemas.py printed no dump: {e}")))?;
    let range = |a: &Option<String>, b: &Option<String>| Range {
        min: version(a),
        max: version(b),
    };
    let routes = dump
        .routes
        .into_iter()
        .enumerate()
        .map(|(index, r)| Route {
            index,
            segs: segments(&r.path)
                .into_iter()
                .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                .collect(),
            versions: range(&r.min_version, &r.max_version),
            schemas: r
                .schemas
                .into_iter()
                .map(|(k, list)| {
                    let list = list
                        .into_iter()
                        .map(|s| (range(&s.min, &s.max), s.schema))
                        .collect();
                    (k, list)
                })
                .collect(),
            method: r.method,
            path: r.path,
            action: r.action,
            removed: r.removed,
        })
        .collect();
    Ok(Nova { routes })
}

// ---------------------------------------------------------------------------------------------
// Validation with nova's formats

/// Compiled validators, by (route, kind, schema index).
#[derive(Default)]
struct Checker {
    cache: HashMap<(usize, String, usize), Result<jsonschema::Validator, String>>,
    checked: usize,
}

fn is_uuid_like(s: &str) -> bool {
    // oslo's is_uuid_like: 32 hex digits, dashes anywhere (and braces/urn prefix, not used).
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

/// nova's `name` formats: printable, no leading or trailing white space.
fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(char::is_whitespace)
        && !s.ends_with(char::is_whitespace)
        && !s.chars().any(char::is_control)
}

fn printable(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

fn iso_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && (b.len() == 10 || b[10] == b'T' || b[10] == b' ')
}

fn base64_ok(s: &str) -> bool {
    s.len().is_multiple_of(4)
        && s.trim_end_matches('=')
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
}

impl Checker {
    /// Mismatches of `instance` with nova's `kind` schema `idx` of `route`: "pointer: message".
    fn errors(&mut self, route: &Route, kind: &str, idx: usize, instance: &Value) -> Vec<String> {
        let schema = &route.schemas[kind][idx].1;
        let v = self
            .cache
            .entry((route.index, kind.to_string(), idx))
            .or_insert_with(|| {
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .with_format("uuid", is_uuid_like)
                    .with_format("name", valid_name)
                    .with_format("az_name", valid_name)
                    .with_format("name_with_leading_trailing_spaces", printable)
                    .with_format("az_name_with_leading_trailing_spaces", printable)
                    .with_format("date-time", iso_datetime)
                    .with_format("base64", base64_ok)
                    .with_format("regex", |_: &str| true)
                    .with_format("uri", |s: &str| !s.is_empty())
                    .with_format("url", |s: &str| !s.is_empty())
                    .build(schema)
                    .map_err(|e| e.to_string())
            });
        self.checked += 1;
        match v {
            Ok(v) => v
                .iter_errors(instance)
                .map(|e| format!("{}: {e}", pointer(&e.instance_path().to_string())))
                .collect(),
            Err(e) => vec![format!("nova's schema does not compile here: {e}")],
        }
    }
}

fn pointer(p: &str) -> String {
    if p.is_empty() {
        "/".into()
    } else {
        p.to_string()
    }
}

/// A value the schema allows, with every property it names (the stand-in for a reply).
fn example(s: &Value) -> Value {
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(e) = s
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return e.clone();
    }
    for k in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = s.get(k).and_then(Value::as_array) {
            // the richest alternative (a server rather than a reservation ID)
            let mut alts: Vec<Value> = list.iter().map(example).collect();
            alts.sort_by_key(|v| std::cmp::Reverse(v.to_string().len()));
            return alts.into_iter().next().unwrap_or(Value::Null);
        }
    }
    let ty = match s.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if s.get("properties").is_some() => "object",
        _ => "null",
    };
    match ty {
        "object" => Value::Object(
            s.get("properties")
                .and_then(Value::as_object)
                .map(|p| p.iter().map(|(k, v)| (k.clone(), example(v))).collect())
                .unwrap_or_default(),
        ),
        "array" => match s.get("items") {
            Some(items) => json!([example(items)]),
            None => json!([]),
        },
        "string" => match s.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("6f2d3a1e-0b7c-4e8a-9d51-2c3b4a5d6e7f"),
            Some("date-time") => json!("2026-01-01T00:00:00Z"),
            _ => json!("x"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(true),
        _ => Value::Null,
    }
}

// ---------------------------------------------------------------------------------------------
// Spec operations: argument combinations and the requests they build

const SPEC_UUID: &str = "3c5a8f1e-7d2b-4b9a-8e6f-1a2b3c4d5e6f";
const PUB_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample me@host";

/// Sample values for arguments (by name) whose domain nova narrows (enums, dates, formats);
/// every other argument gets a value by its type. Data about argument names, not commands.
const SAMPLES: &[(&str, &[&str])] = &[
    ("sort", &["display_name:asc", "created_at"]),
    ("sort_key", &["name"]),
    ("sort_dir", &["asc"]),
    ("console_type", &["novnc"]),
    ("key_type", &["ssh", "x509"]),
    ("start", &["2026-01-01"]),
    ("end", &["2026-02-01"]),
    ("hostname", &["vm-1"]),
    ("fields", &["name,status"]),
    ("status", &["ACTIVE"]),
    ("binary", &["nova-compute"]),
    ("id", &["auto", "f-1"]),
    ("port_id", &[SPEC_UUID]),
    ("net_id", &[SPEC_UUID]),
    ("fixed_ip", &["10.0.0.9"]),
    ("policy", &["anti-affinity", "affinity"]),
    ("rule", &["max_server_per_host=2"]),
    ("changes_since", &["2026-01-01T00:00:00Z"]),
    ("changes_before", &["2026-02-01T00:00:00Z"]),
    ("swap", &["512"]),
    ("boot_volume", &[SPEC_UUID]),
    ("snapshot", &[SPEC_UUID]),
];

/// Sample values for the typed keys of `record` arguments.
const RECORD_SAMPLES: &[(&str, &str)] = &[
    ("v4-fixed-ip", "10.0.0.9"),
    ("v6-fixed-ip", "fd00::9"),
    ("source", "volume"),
    ("dest", "volume"),
    ("bus", "virtio"),
    ("device", "vdb"),
    ("size", "1"),
    ("format", "ext4"),
    ("bootindex", "0"),
    ("type", "disk"),
    ("shutdown", "remove"),
    ("volume_type", "lvm"),
];

fn record_value(typed: &str) -> String {
    RECORD_SAMPLES
        .iter()
        .find(|(k, _)| *k == typed)
        .map(|(_, v)| v.to_string())
        .unwrap_or_else(|| {
            if typed.ends_with("id") {
                SPEC_UUID.to_string()
            } else {
                "t1".to_string()
            }
        })
}

/// The values worth trying for one argument, as the CLI would hand them over.
fn samples(op: &OpDef, i: usize, a: &ArgDef) -> Vec<(String, ArgValue)> {
    let per_value = op.each.as_ref().is_some_and(|e| e.over == i);
    let texts: Vec<String> = if !a.choices.is_empty() {
        a.choices.iter().map(|s| s.to_string()).collect()
    } else if let Some((_, s)) = SAMPLES.iter().find(|(n, _)| *n == a.name) {
        s.iter().map(|s| s.to_string()).collect()
    } else if a.resource.is_some() {
        vec![SPEC_UUID.into()]
    } else {
        match a.ty {
            ArgType::Integer => vec!["1".into()],
            ArgType::Number => vec!["1.5".into()],
            ArgType::Boolean => vec!["true".into(), "false".into()],
            ArgType::File => vec![PUB_KEY.into()],
            _ => vec!["x-1".into()],
        }
    };
    let label = |t: &str| format!("{}={t}", a.cli);
    match a.ty {
        ArgType::Flag => vec![(a.cli.to_string(), ArgValue::Bool(true))],
        // `k=v` samples by name (a rule nova knows), else any pair.
        ArgType::KeyValue => texts
            .iter()
            .map(|t| match t.split_once('=') {
                Some((k, v)) => (
                    format!("{} {t}", a.cli),
                    ArgValue::Pairs(vec![(k.into(), v.into())]),
                ),
                None => (
                    format!("{} k1=v1", a.cli),
                    ArgValue::Pairs(vec![("k1".into(), "v1".into())]),
                ),
            })
            .collect(),
        ArgType::Record => {
            let mut out: Vec<(String, ArgValue)> = a
                .alone
                .iter()
                .map(|w| (label(w), ArgValue::list([*w])))
                .collect();
            let pairs: Vec<String> = a
                .record_keys
                .iter()
                .map(|(typed, _, _)| format!("{typed}={}", record_value(typed)))
                .collect();
            for p in &pairs {
                out.push((label(p), ArgValue::list([p.clone()])));
            }
            let all = pairs.join(",");
            out.push((label(&all), ArgValue::list([all.clone()])));
            out
        }
        ArgType::Integer if !a.many || per_value => texts
            .iter()
            .map(|t| (label(t), ArgValue::Int(t.parse().unwrap_or(1))))
            .collect(),
        ArgType::Number => texts
            .iter()
            .map(|t| (label(t), ArgValue::Float(t.parse().unwrap_or(1.5))))
            .collect(),
        _ if a.many && !per_value => {
            // one value, and two (a list of several is a shape of its own)
            if a.choices.is_empty() && texts == ["x-1"] {
                // `key=value` texts serve as keys, pairs and plain words alike
                return vec![
                    (label("k1=v1"), ArgValue::list(["k1=v1"])),
                    (label("k1=v1 k2=v2"), ArgValue::list(["k1=v1", "k2=v2"])),
                ];
            }
            texts
                .iter()
                .map(|t| (label(t), ArgValue::list([t.clone()])))
                .collect()
        }
        _ => texts
            .iter()
            .map(|t| (label(t), ArgValue::Str(t.clone())))
            .collect(),
    }
}

/// The argument combinations that matter at `v`: the required ones alone, each optional one
/// alone (each of its values), all of them together, and each value of each required one.
fn combos(op: &OpDef, v: Version) -> Vec<(String, Vec<ArgValue>)> {
    let n = op.args.len();
    let live = |a: &ArgDef| a.versions.contains(v);
    // An argument whose default comes from the session (`{session.project_id}`) is given: an
    // offline client has no session.
    let required = |a: &ArgDef| {
        a.required
            || a.required_versions
                .is_some_and(|r| r.contains(v) && live(a))
            || a.default
                .is_some_and(|d| d.to_string().contains("session."))
    };
    let mut base = vec![ArgValue::Absent; n];
    let mut base_label = Vec::new();
    for (i, a) in op.args.iter().enumerate() {
        if live(a) && required(a) {
            if let Some((l, val)) = samples(op, i, a).into_iter().next() {
                base[i] = val;
                base_label.push(l);
            }
        }
    }
    let with = |i: usize, l: &str, val: &ArgValue| {
        let mut vals = base.clone();
        vals[i] = val.clone();
        let mut label = base_label.clone();
        if let Some(pos) = label.iter().position(|x| x.starts_with(op.args[i].cli)) {
            label[pos] = l.to_string();
        } else {
            label.push(l.to_string());
        }
        (label.join(" "), vals)
    };
    let mut out = vec![(base_label.join(" "), base.clone())];
    let mut all = base.clone();
    let mut all_label = base_label.clone();
    for (i, a) in op.args.iter().enumerate() {
        if !live(a) {
            continue;
        }
        let s = samples(op, i, a);
        for (l, val) in &s {
            out.push(with(i, l, val));
        }
        if !required(a) {
            // Records: the one with every key; others: the first value.
            let pick = match a.ty {
                ArgType::Record => s.last(),
                _ => s.first(),
            };
            if let Some((l, val)) = pick {
                all[i] = val.clone();
                all_label.push(l.clone());
            }
        }
    }
    out.push((all_label.join(" "), all));
    out
}

/// Every microversion where the operation's requests may change: the ends of its range and of
/// its variants', steps' and arguments' ranges (and the versions either side of them).
fn spec_boundaries(op: &OpDef) -> BTreeSet<Version> {
    let mut out = BTreeSet::new();
    let mut add = |r: &Range| {
        if let Some(m) = r.min {
            out.extend([prev(m), m]);
        }
        if let Some(m) = r.max {
            out.extend([m, next(m)]);
        }
    };
    add(&op.versions);
    for var in op.variants {
        add(&var.versions);
        for s in var.steps {
            add(&s.versions);
        }
    }
    for a in op.args {
        add(&a.versions);
        if let Some(r) = &a.required_versions {
            add(r);
        }
        add(&a.default_versions);
    }
    out
}

fn in_api(v: Version) -> bool {
    v >= novaclient::spec::MIN_VERSION && v <= novaclient::spec::MAX_VERSION
}

/// One request a spec operation builds at a microversion.
struct Built {
    op: &'static OpDef,
    v: Version,
    label: String,
    planned: Planned,
}

type BuiltAll = (Vec<Built>, Vec<String>, usize);

static BUILT: OnceLock<BuiltAll> = OnceLock::new();

/// [`build_all`], once for the tests that read it.
fn built(nova: &Nova) -> &'static BuiltAll {
    BUILT.get_or_init(|| build_all(nova))
}

/// Every request of every compute operation, for every combination at every version that
/// matters (the spec's boundaries, then nova's for the routes reached); failures to build.
fn build_all(nova: &Nova) -> BuiltAll {
    let mut built = Vec::new();
    let mut failures = Vec::new();
    let mut ops = 0;
    let mut clients: HashMap<Version, Client> = HashMap::new();
    for op in novaclient::spec::OPERATIONS {
        ops += 1;
        let mut done = BTreeSet::new();
        let mut todo: BTreeSet<Version> = spec_boundaries(op)
            .into_iter()
            .chain([novaclient::spec::MIN_VERSION, novaclient::spec::MAX_VERSION])
            .filter(|v| in_api(*v) && op.versions.contains(*v))
            .collect();
        while let Some(v) = todo.pop_first() {
            done.insert(v);
            let client = clients
                .entry(v)
                .or_insert_with(|| Client::offline(v).expect("offline client"));
            for (label, values) in combos(op, v) {
                let stand_in = |p: &Planned| {
                    let r = nova.route(p.method, &p.path, p.body.as_ref())?;
                    r.schema("response", v).map(|(_, s)| example(s))
                };
                match client.plan_all(op, &values, stand_in) {
                    Ok(list) => {
                        for planned in list {
                            if planned.service != Service::Compute {
                                continue;
                            }
                            // nova's own boundaries for this route, checked too
                            if let Some(r) =
                                nova.route(planned.method, &planned.path, planned.body.as_ref())
                            {
                                for b in r.boundaries() {
                                    if in_api(b) && op.versions.contains(b) && !done.contains(&b) {
                                        todo.insert(b);
                                    }
                                }
                            }
                            built.push(Built {
                                op,
                                v,
                                label: label.clone(),
                                planned,
                            });
                        }
                    }
                    // What the client refuses itself (as novaclient does) reaches no schema.
                    Err(e) if e.kind() == "CommandError" || e.is_refusal() => {}
                    Err(e) => failures.push(format!(
                        "{} [{label}] @{v}: the library builds no request: {e}",
                        op.command
                    )),
                }
            }
        }
    }
    (built, failures, ops)
}

/// The route of a built request, or why there is none at its version.
fn route_for<'n>(nova: &'n Nova, b: &Built) -> Result<&'n Route, String> {
    let p = &b.planned;
    let here = format!(
        "{} [{}] @{}: {} {}",
        b.op.command, b.label, b.v, p.method, p.path
    );
    let r = nova
        .route(p.method, &p.path, p.body.as_ref())
        .ok_or_else(|| format!("{here}: no nova route"))?;
    if r.removed {
        return Err(format!("{here}: {} is removed in nova (410)", r.name()));
    }
    if !r.versions.contains(b.v) {
        return Err(format!(
            "{here}: nova serves {} only at {}",
            r.name(),
            r.versions.describe(novaclient::spec::MIN_VERSION)
        ));
    }
    Ok(r)
}

fn request_bodies(nova: &'static Nova) {
    let (built, failures, ops) = built(nova);
    let mut found = failures.clone();
    let mut checker = Checker::default();
    let mut versions = BTreeSet::new();
    let mut routes = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for b in built {
        let Some(body) = &b.planned.body else {
            continue;
        };
        let route = match route_for(nova, b) {
            Ok(r) => r,
            Err(e) => {
                found.push(e);
                continue;
            }
        };
        if !seen.insert((route.index, b.v, body.to_string())) {
            continue;
        }
        versions.insert(b.v);
        routes.insert(route.name());
        let Some((idx, _)) = route.schema("request_body", b.v) else {
            continue; // nova checks no body here
        };
        for e in checker.errors(route, "request_body", idx, body) {
            found.push(format!(
                "{} [{}] @{}: {} body {body}: {e}",
                b.op.command,
                b.label,
                b.v,
                route.name()
            ));
        }
    }
    eprintln!(
        "request bodies: {ops} operations, {} distinct bodies validated on {} routes at {} microversions ({})",
        checker.checked,
        routes.len(),
        versions.len(),
        versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ")
    );
    report("request body", &found);
}

fn query_parameters(nova: &'static Nova) {
    let (built, failures, _) = built(nova);
    let mut found = failures.clone();
    let mut checker = Checker::default();
    let mut seen = BTreeSet::new();
    for b in built {
        if b.planned.query.is_empty() {
            continue;
        }
        let route = match route_for(nova, b) {
            Ok(r) => r,
            Err(e) => {
                found.push(e);
                continue;
            }
        };
        // nova validates webob's dict_of_lists: every value a list of texts.
        let mut q = Map::new();
        for (k, v) in &b.planned.query {
            q.entry(k.clone())
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .expect("a list")
                .push(json!(v));
        }
        let q = Value::Object(q);
        if !seen.insert((route.index, b.v, q.to_string())) {
            continue;
        }
        let here = format!("{} [{}] @{}: {}", b.op.command, b.label, b.v, route.name());
        let Some((idx, schema)) = route.schema("query", b.v) else {
            found.push(format!("{here}: nova has no query schema here"));
            continue;
        };
        let names: Vec<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let patterns: Vec<regex::Regex> = schema
            .get("patternProperties")
            .and_then(Value::as_object)
            .map(|p| p.keys().filter_map(|k| regex::Regex::new(k).ok()).collect())
            .unwrap_or_default();
        for k in q.as_object().into_iter().flat_map(|m| m.keys()) {
            if !names.contains(k) && !patterns.iter().any(|p| p.is_match(k)) {
                found.push(format!(
                    "{here}: query parameter '{k}' is not one nova knows (it is dropped or refused); nova's: {}",
                    names.join(", ")
                ));
            }
        }
        for e in checker.errors(route, "query", idx, &q) {
            found.push(format!("{here}: query {q}: {e}"));
        }
    }
    eprintln!(
        "query parameters: {} distinct queries validated",
        checker.checked
    );
    report("query", &found);
}

// ---------------------------------------------------------------------------------------------
// Resource fields vs response schemas

/// One object schema a resource arrives in: its properties, the required ones, and whether
/// other keys may appear.
#[derive(Clone, Default)]
struct View {
    props: Map<String, Value>,
    required: BTreeSet<String>,
    open: bool,
}

impl View {
    fn of(s: &Value) -> Vec<View> {
        for k in ["oneOf", "anyOf"] {
            if let Some(list) = s.get(k).and_then(Value::as_array) {
                return list.iter().flat_map(View::of).collect();
            }
        }
        let props = s
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let required = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let open = !matches!(s.get("additionalProperties"), Some(Value::Bool(false)));
        vec![View {
            props,
            required,
            open,
        }]
    }

    fn merge(&mut self, other: View) {
        self.props.extend(other.props);
        self.required.extend(other.required);
        self.open |= other.open;
    }
}

/// The subschema at a result path (`servers`, `quota_set`) and, for lists, of each item.
fn at_path(s: &Value, path: &str, list: bool, items: Option<&str>) -> Vec<Value> {
    let mut here = vec![s.clone()];
    for key in path.split('.').filter(|k| !k.is_empty()) {
        here = here
            .iter()
            .flat_map(|s| {
                let mut alts = vec![s.clone()];
                for k in ["oneOf", "anyOf"] {
                    if let Some(l) = s.get(k).and_then(Value::as_array) {
                        alts = l.clone();
                    }
                }
                alts
            })
            .filter_map(|s| s.get("properties").and_then(|p| p.get(key)).cloned())
            .collect();
    }
    if list {
        here = here
            .iter()
            .filter_map(|s| s.get("items").cloned())
            .collect();
    }
    if let Some(k) = items {
        here = here
            .iter()
            .map(|s| {
                s.get("properties")
                    .and_then(|p| p.get(k))
                    .cloned()
                    .unwrap_or(s.clone())
            })
            .collect();
    }
    here
}

/// The JSON types a schema allows (empty: any).
fn types(s: &Value) -> BTreeSet<String> {
    for k in ["oneOf", "anyOf"] {
        if let Some(l) = s.get(k).and_then(Value::as_array) {
            let sets: Vec<BTreeSet<String>> = l.iter().map(types).collect();
            if sets.iter().any(BTreeSet::is_empty) {
                return BTreeSet::new();
            }
            return sets.into_iter().flatten().collect();
        }
    }
    match s.get("type") {
        Some(Value::String(t)) => [t.clone()].into(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ if s.get("enum").is_some() => s["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| {
                match v {
                    Value::Null => "null",
                    Value::Bool(_) => "boolean",
                    Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                    Value::Number(_) => "number",
                    Value::String(_) => "string",
                    Value::Array(_) => "array",
                    Value::Object(_) => "object",
                }
                .to_string()
            })
            .collect(),
        _ if s.get("properties").is_some() => ["object".to_string()].into(),
        _ => BTreeSet::new(),
    }
}

fn accepts(ty: codegen::defs::Shape) -> &'static [&'static str] {
    use codegen::defs::Shape as F;
    match ty {
        F::String => &["string"],
        F::Integer => &["integer"],
        F::Number => &["number", "integer"],
        F::Boolean => &["boolean"],
        F::Object => &["object"],
        F::Array => &["array"],
        F::StringOrInteger => &["string", "integer"],
        F::Any => &[],
    }
}

/// A request that brings a resource back: where, and the path to it in the reply.
struct Reach<'a> {
    method: &'a str,
    /// The URL template as the spec writes it (`/servers/{server}`).
    path: String,
    versions: Range,
    /// The path of the result in the reply body (`server`; `.` the whole body).
    result: Option<String>,
    items: Option<&'a str>,
    merge: bool,
}

/// An operation's variant (or a lookup) returning a resource, through its requests.
struct Source<'a> {
    what: String,
    within: Range,
    list: bool,
    steps: Vec<Reach<'a>>,
}

fn resource_fields(nova: &'static Nova) {
    let sources = codegen::read_dir(&root().join("spec")).expect("spec readable");
    let api = codegen::validate(&sources).expect("spec valid");
    let spec_range = |r: &codegen::defs::Range| Range {
        min: r.min.map(|v| Version(v.0, v.1)),
        max: r.max.map(|v| Version(v.0, v.1)),
    };
    let mut found = Vec::new();
    let mut views_checked = 0;
    for res in &api.resources {
        if res.service != codegen::defs::Service::Compute {
            continue;
        }
        // (where, version, view) for every reply carrying this resource
        let mut views: Vec<(String, Version, View)> = Vec::new();
        let versions_of = |r: &Route, within: Range| -> Vec<Version> {
            let mut vs: BTreeSet<Version> = r.boundaries().into_iter().collect();
            vs.extend([novaclient::spec::MIN_VERSION, novaclient::spec::MAX_VERSION]);
            vs.into_iter()
                .filter(|v| in_api(*v) && within.contains(*v) && r.versions.contains(*v))
                .collect()
        };
        // Each step of each variant of each operation returning the resource.
        let mut sources: Vec<Source> = Vec::new();
        for op in &res.ops {
            let list = match op.returns {
                codegen::defs::Returns::List => true,
                codegen::defs::Returns::One => false,
                _ => continue,
            };
            for (n, var) in op.variants.iter().enumerate() {
                let steps = var
                    .steps
                    .iter()
                    // Not below the endpoint's root (`root: true`): nova's versions app, which
                    // has no JSON schema.
                    .filter(|s| {
                        s.for_each.is_none()
                            && !s.root
                            && s.service == codegen::defs::Service::Compute
                    })
                    .map(|s| Reach {
                        method: s.method,
                        path: s.path.to_string(),
                        versions: spec_range(&s.versions),
                        result: s.result.as_ref().and_then(|e| {
                            let e = e.to_string();
                            match e.strip_prefix("reply") {
                                Some("") => Some(".".to_string()),
                                Some(rest) => rest.strip_prefix('.').map(str::to_string),
                                None => None,
                            }
                        }),
                        items: s.items,
                        merge: s.merge,
                    })
                    .collect();
                let r = spec_range(&op.versions);
                let vr = spec_range(&var.versions);
                let within = Range {
                    min: r.min.max(vr.min),
                    max: match (r.max, vr.max) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    },
                };
                sources.push(Source {
                    what: format!("{} (variant {})", op.command, n + 1),
                    within,
                    list,
                    steps,
                });
            }
        }
        if let Some(l) = &res.lookup {
            let get = |path: &str, key: Option<&str>, items| Reach {
                method: "GET",
                path: path.to_string(),
                versions: Range::ALL,
                result: key.map(str::to_string),
                items,
                merge: false,
            };
            sources.push(Source {
                what: "lookup get".into(),
                within: Range::ALL,
                list: false,
                steps: vec![get(l.get, l.get_key, None)],
            });
            sources.push(Source {
                what: "lookup list".into(),
                within: Range::ALL,
                list: true,
                steps: vec![get(l.list, Some(l.list_key), l.items)],
            });
        }
        for Source {
            what,
            within,
            list,
            steps,
        } in &sources
        {
            // every version where a route it reaches changes
            let mut vs = BTreeSet::new();
            for step in steps {
                if let Some(r) = nova.route_of_template(step.method, &step.path) {
                    vs.extend(versions_of(r, *within));
                }
            }
            for v in vs {
                let mut acc: Option<Vec<View>> = None;
                for step in steps {
                    let (m, p) = (step.method, step.path.as_str());
                    if !step.versions.contains(v) {
                        continue;
                    }
                    let Some(route) = nova.route_of_template(m, p) else {
                        found.push(format!(
                            "{}: {what} @{v}: no nova route for {m} {p}",
                            res.name
                        ));
                        continue;
                    };
                    let Some((_, schema)) = route.schema("response", v) else {
                        continue;
                    };
                    let Some(result) = step.result.as_deref() else {
                        continue;
                    };
                    let here: Vec<View> = at_path(schema, result, *list, step.items)
                        .iter()
                        .flat_map(View::of)
                        .collect();
                    if here.is_empty() {
                        found.push(format!(
                            "{}: {what} @{v}: {} has no '{result}' in nova's response schema",
                            res.name,
                            route.name()
                        ));
                        continue;
                    }
                    acc = match (acc, step.merge) {
                        (Some(prev), true) => Some(
                            prev.into_iter()
                                .flat_map(|a| {
                                    here.iter().map(move |b| {
                                        let mut m = a.clone();
                                        m.merge(b.clone());
                                        m
                                    })
                                })
                                .collect(),
                        ),
                        _ => Some(here),
                    };
                }
                for view in acc.into_iter().flatten() {
                    views.push((what.clone(), v, view));
                }
            }
        }
        views_checked += views.len();
        for f in res.fields {
            let mut anywhere = false;
            for (what, v, view) in &views {
                let here = format!("{}.{}: {what} @{v}", res.name, f.json);
                match view.props.get(f.json) {
                    Some(s) => {
                        anywhere = true;
                        let mut ts = types(s);
                        if ts.is_empty() {
                            continue;
                        }
                        let nullable = ts.remove("null");
                        let ok = accepts(f.shape);
                        if !ok.is_empty() {
                            let bad: Vec<&String> =
                                ts.iter().filter(|t| !ok.contains(&t.as_str())).collect();
                            if !bad.is_empty() {
                                found.push(format!(
                                    "{here}: the spec says {:?}, nova's schema allows {bad:?}",
                                    f.shape
                                ));
                            }
                        }
                        if !f.optional && nullable {
                            found.push(format!(
                                "{here}: required in the spec, nova's schema allows null"
                            ));
                        }
                        if !f.optional && !view.required.contains(f.json) {
                            found.push(format!(
                                "{here}: required in the spec, nova's schema may leave it out"
                            ));
                        }
                    }
                    None if view.open => anywhere = true,
                    None if !f.optional => found.push(format!(
                        "{here}: required in the spec, absent from nova's schema"
                    )),
                    None => {}
                }
            }
            if !anywhere && !views.is_empty() {
                found.push(format!(
                    "{}.{}: in no response schema of the operations returning it ({})",
                    res.name,
                    f.json,
                    views
                        .iter()
                        .map(|(w, _, _)| w.as_str())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
    }
    eprintln!(
        "resource fields: {views_checked} (operation, microversion) views of resources checked"
    );
    report("resource field", &found);
}

// ---------------------------------------------------------------------------------------------
// nova-sim's replies

const IMAGE: &str = "cirros-0.6.2-x86_64-disk";

/// A representative set of commands (each of the spec's compute operations at least once).
fn scenario(v: Version, tag: &str, key: &str) -> Vec<Vec<String>> {
    let vm = format!("vm-{tag}");
    let fl = format!("fl-{tag}");
    let kp = format!("kp-{tag}");
    let at = |m: u16| v >= Version(2, m);
    let mut c: Vec<Vec<&str>> = vec![
        vec!["flavor-list"],
        vec![
            "flavor-list",
            "--min-ram",
            "1",
            "--limit",
            "5",
            "--sort-key",
            "name",
            "--sort-dir",
            "asc",
        ],
        vec!["flavor-show", "m1.tiny"],
        vec![
            "flavor-create",
            &fl,
            "auto",
            "64",
            "1",
            "1",
            "--is-public",
            "false",
        ],
        vec!["flavor-key", &fl, "set", "k1=v1"],
        vec!["flavor-key", &fl, "unset", "k1"],
        vec!["flavor-access-list", "--flavor", &fl],
        vec!["flavor-delete", &fl],
        vec!["keypair-add", &kp, "--pub-key", key],
        vec!["keypair-list"],
        vec!["keypair-delete", &kp],
        vec![
            "boot", &vm, "--flavor", "m1.tiny", "--image", IMAGE, "--meta", "a=b", "--poll",
        ],
        vec!["list"],
        vec!["list", "--minimal"],
        vec![
            "list",
            "--all-tenants",
            "--sort",
            "display_name:asc",
            "--limit",
            "5",
        ],
        vec!["show", &vm],
        vec!["update", &vm, "--name", &vm],
        vec!["meta", &vm, "set", "k=v"],
        vec!["meta", &vm, "delete", "k"],
        vec!["reboot", &vm, "--poll"],
        vec!["rebuild", &vm, IMAGE, "--name", &vm, "--poll"],
        vec!["image-create", &vm, "snap-x", "--poll"],
        vec!["backup", &vm, "bk", "daily", "1"],
        vec!["get-vnc-console", &vm, "novnc"],
        vec!["quota-show"],
        vec!["quota-show", "--detail"],
        vec!["quota-defaults"],
        vec!["limits"],
        vec!["usage-list"],
        vec!["service-list"],
        vec!["hypervisor-list"],
        vec!["hypervisor-list", "--matching", "fake"],
        vec!["hypervisor-servers", "fake"],
        vec!["availability-zone-list"],
    ];
    if at(26) {
        c.extend([
            vec!["server-tag-add", &vm, "t1", "t2"],
            vec!["server-tag-set", &vm, "t3"],
            vec!["server-tag-list", &vm],
            vec!["server-tag-delete", &vm, "t3"],
            vec!["server-tag-delete-all", &vm],
        ]);
    }
    if !at(53) {
        c.extend([
            vec!["service-disable", "compute", "--reason", "r"],
            vec!["service-enable", "compute"],
        ]);
    }
    c.push(vec!["delete", &vm]);
    c.into_iter()
        .map(|a| a.into_iter().map(String::from).collect())
        .collect()
}

/// One request and reply from a `nova --debug` log.
struct Exchange {
    compute: bool,
    method: String,
    path: String,
    version: Option<Version>,
    sent: Option<Value>,
    status: u16,
    reply: Option<Value>,
}

fn exchanges(log: &str) -> Vec<Exchange> {
    let req = regex::Regex::new(r"^REQ: curl -g -i -X (\S+) (\S+)").expect("regex");
    let ver = regex::Regex::new(r#"OpenStack-API-Version: compute (\d+\.\d+)"#).expect("regex");
    let mut out: Vec<Exchange> = Vec::new();
    for line in log.lines() {
        if let Some(c) = req.captures(line) {
            let url = &c[2];
            let (compute, path) = match url.split_once("/compute/v2.1") {
                Some((_, path)) => (true, path),
                None => (false, url),
            };
            let sent = line
                .split_once(" -d '")
                .and_then(|(_, b)| b.strip_suffix('\''))
                .and_then(|b| serde_json::from_str(b).ok());
            out.push(Exchange {
                compute,
                method: c[1].to_string(),
                path: path.split('?').next().unwrap_or_default().to_string(),
                version: ver.captures(line).and_then(|c| Version::parse(&c[1])),
                sent,
                status: 0,
                reply: None,
            });
        } else if let (Some(s), Some(last)) = (line.strip_prefix("RESP: ["), out.last_mut()) {
            if last.status == 0 {
                last.status = s
                    .split(']')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
            }
        } else if let (Some(b), Some(last)) = (line.strip_prefix("RESP BODY: "), out.last_mut()) {
            if last.reply.is_none() && last.status != 0 {
                last.reply = serde_json::from_str(b).ok();
            }
        }
    }
    out.retain(|x| x.compute);
    out
}

fn nova_sim_replies(nova: &'static Nova) {
    let cloud = Cloud::start();
    let dir = temp_dir("schemas");
    let key = dir.join("key.pub");
    std::fs::write(&key, format!("{PUB_KEY}\n")).expect("write key");
    let key = key.display().to_string();
    let mut found = Vec::new();
    let mut checker = Checker::default();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut replies = 0;
    let mut failed_commands = Vec::new();
    let versions = [
        Version(2, 1),
        Version(2, 47),
        Version(2, 53),
        Version(2, 75),
        Version(2, 96),
    ];
    let run = |v: Version, args: &[String]| {
        let mut full = vec![
            "--debug".to_string(),
            "--os-compute-api-version".into(),
            v.to_string(),
        ];
        full.extend(args.iter().cloned());
        let refs: Vec<&str> = full.iter().map(String::as_str).collect();
        (v, args.to_vec(), cloud.nova(&refs))
    };
    // One thread per microversion, each with its own servers, flavors and keys.
    let mut runs: Vec<_> = std::thread::scope(|scope| {
        let threads: Vec<_> = versions
            .iter()
            .map(|&v| {
                let key = &key;
                let run = &run;
                scope.spawn(move || {
                    let tag = format!("{}-{}", v.0, v.1);
                    scenario(v, &tag, key)
                        .iter()
                        .map(|args| run(v, args))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("scenario thread"))
            .collect()
    });
    // Then what moves every server of a host, alone.
    let last = [
        (
            Version(2, 96),
            "boot vm-last --flavor m1.tiny --image IMAGE --poll",
        ),
        (Version(2, 96), "host-servers-migrate fake"),
        (Version(2, 52), "host-servers-migrate fake"),
        (Version(2, 52), "service-force-down compute"),
        (Version(2, 52), "service-force-down compute --unset"),
        (Version(2, 96), "delete vm-last"),
    ];
    for (v, line) in last {
        let args: Vec<String> = line
            .replace("IMAGE", IMAGE)
            .split(' ')
            .map(String::from)
            .collect();
        runs.push(run(v, &args));
    }
    for (v, args, run) in runs {
        if run.code != 0 {
            failed_commands.push(format!(
                "@{v} nova {}: {}",
                args.join(" "),
                run.stderr.lines().last().unwrap_or_default()
            ));
        }
        for x in exchanges(&run.stderr) {
            let xv = x.version.unwrap_or(v);
            let here = format!("nova {} @{xv}: {} {}", args.join(" "), x.method, x.path);
            let Some(route) = nova.route(&x.method, &x.path, x.sent.as_ref()) else {
                if x.status < 400 {
                    found.push(format!(
                        "{here}: nova-sim answered {} where nova has no route",
                        x.status
                    ));
                }
                continue;
            };
            if let Some(body) = &x.sent {
                if let Some((idx, _)) = route.schema("request_body", xv) {
                    for e in checker.errors(route, "request_body", idx, body) {
                        found.push(format!("{here}: sent body {body}: {e}"));
                    }
                }
            }
            if !(200..300).contains(&x.status) {
                continue;
            }
            let Some((idx, _)) = route.schema("response", xv) else {
                continue;
            };
            // nova's schemas describe an empty reply as null
            let reply = x.reply.unwrap_or(Value::Null);
            replies += 1;
            covered.insert(route.name());
            for e in checker.errors(route, "response", idx, &reply) {
                found.push(format!("{here}: nova-sim's reply: {e}"));
            }
        }
    }
    for f in &failed_commands {
        eprintln!("note: command failed: {f}");
    }
    eprintln!(
        "nova-sim replies: {replies} replies on {} routes validated at {} microversions",
        covered.len(),
        versions.len()
    );
    report("nova-sim reply", &found);
}
