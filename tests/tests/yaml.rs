//! `--format yaml` read back by a YAML 1.1 reader and a YAML 1.2 reader: every document
//! `novaclient::runtime::yaml::to_string` writes must load, in both, as the JSON value it was
//! made from (the same types, the same strings).
//!
//! - YAML 1.1: PyYAML's `yaml.safe_load` (what a Python script reads `nova --format yaml` with);
//!   python3 with PyYAML on the PATH, else the realnova venv's (`$REALNOVA_DIR/venv`). One
//!   python process per test, every case of the test in it. Without it the PyYAML tests show
//!   as ignored with the reason, and fail under `CI` (`novagen_tests::gate`).
//! - YAML 1.2: yaml-rust2 ("a fully compliant YAML 1.2 implementation", its README says).
//!
//! The cases: the scalars known to trip one reader or the other (YAML 1.1's sexagesimal,
//! octal, binary and signed hex numbers, `=` and `<<`, `y`/`on`/`off`, timestamps; line breaks
//! YAML 1.1 knows and JSON does not (NEL, LS, PS); characters neither may read raw (DEL, C1
//! controls, U+FFFE); a BOM; keys over YAML's 1024-character limit for a simple key; numbers
//! PyYAML reads as text), each as a value, a key and a list item; arbitrary JSON values
//! (proptest: strings built of such pieces and of any characters, nested maps and lists;
//! `PROPTEST_CASES` sets how many); and the metadata of a server `nova --format yaml show`
//! prints from nova-sim.

use novagen_tests::gate::{run, trial, Arguments, Trial};
use novagen_tests::Cloud;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use yaml_rust2::{Yaml, YamlLoader};

fn main() {
    let args = Arguments::from_args();
    let trials = vec![
        Trial::test("known_scalars_read_back_in_yaml_1_2", || {
            yaml12(&known());
            Ok(())
        }),
        Trial::test("arbitrary_values_read_back_in_yaml_1_2", || {
            yaml12(&arbitrary());
            Ok(())
        }),
        trial("known_scalars_read_back_in_pyyaml", python, |py| {
            pyyaml(&py, &known())
        }),
        trial("arbitrary_values_read_back_in_pyyaml", python, |py| {
            pyyaml(&py, &arbitrary())
        }),
        trial("server_metadata_reads_back_in_pyyaml", python, metadata),
    ];
    run(&args, trials).exit();
}

/// Scalars that one reader or the other takes for something else, or refuses.
fn tricky() -> Vec<String> {
    let mut s: Vec<String> = [
        "1:20",
        "190:20:30",
        "-1:20",
        "1:20.5",
        "0o17",
        "0b101",
        "+0b101",
        "017",
        "0x1F",
        "+0x1F",
        "-0x1F",
        "0x_1F",
        "1_000",
        "+1_000",
        "1__0",
        ".inf",
        "+.inf",
        "-.inf",
        "+.Inf",
        ".NaN",
        "~",
        "y",
        "n",
        "Y",
        "N",
        "yes",
        "No",
        "on",
        "off",
        "On",
        "OFF",
        "null",
        "Null",
        "NULL",
        "true",
        "False",
        "=",
        "<<",
        "1e5",
        "1E+5",
        "1.0",
        ".5",
        "5.",
        "+1",
        "-1",
        "+.5",
        "1.2.3",
        "2001-12-14",
        "2001-1-1",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "12:30:45",
        "a\u{85}b",
        "\u{85}",
        "a\u{2028}b",
        "a\u{2029}b",
        "\u{feff}a",
        "a\u{feff}",
        "a\tb",
        "\tlead",
        "trail\t",
        "a: b",
        "a:\tb",
        "a:",
        "a #b",
        "#a",
        "a#b",
        "a\t#b",
        "trail ",
        " lead",
        "a\u{7f}b",
        "a\u{80}b",
        "a\u{9f}b",
        "\u{fffe}",
        "\u{ffff}",
        "\u{1F600}",
        "\u{10FFFF}",
        "\u{0}",
        "\u{1b}[2J",
        "\r\n",
        "a\rb",
        "line\nbreak",
        "'",
        "\"",
        "\\",
        "it's",
        "%YAML",
        "@x",
        "`x",
        "!x",
        "&x",
        "*x",
        "|",
        ">",
        "-",
        "?",
        ":",
        "- a",
        "? a",
        "---",
        "...",
        "--- a",
        "... a",
        "[a]",
        "{a}",
        "a,b",
        "a, b",
        "",
        " ",
        "\u{a0}",
        "\u{3000}",
        "\u{e000}",
        "\u{fffd}",
        "\u{200b}",
        "\u{202e}x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    s.push("x".repeat(1100));
    s.push("é".repeat(1030));
    s.push(format!("{}: {}", "k".repeat(600), "v".repeat(600)));
    s
}

/// One document per tricky scalar: alone, and as a value, a key and a list item.
fn known() -> Vec<Value> {
    tricky()
        .into_iter()
        .flat_map(|s| {
            let mut keyed = serde_json::Map::new();
            keyed.insert(s.clone(), json!(s));
            [
                Value::String(s.clone()),
                json!({"value": s, "list": [s, Value::Object(keyed.clone())], "map": keyed}),
            ]
        })
        .chain([
            json!([
                1e300,
                -1e300,
                1e-7,
                2.5e-5,
                1.0,
                -0.0,
                0.1,
                1e15,
                1e16,
                123456789.125
            ]),
            json!({"n": i64::MIN, "m": i64::MAX, "f": f64::MAX, "g": f64::MIN_POSITIVE}),
        ])
        .collect()
}

/// A piece of a generated string: a tricky scalar, or any one character.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(tricky()),
        3 => any::<char>().prop_map(String::from),
        2 => proptest::sample::select(vec!["a", "b", " ", "0", "1", ":", "#", "-", ".", "'"])
            .prop_map(str::to_string),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => vec(piece(), 0..6).prop_map(|p| p.concat()),
        1 => (piece(), 1000..1100usize).prop_map(|(p, n)| p.repeat(n).chars().take(1100).collect()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// `PROPTEST_CASES` (default 256) arbitrary JSON values.
fn arbitrary() -> Vec<Value> {
    let config = Config::default();
    let cases = config.cases;
    let mut runner = TestRunner::new(config);
    let strategy = value();
    (0..cases)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .map(|t| t.current())
                .unwrap_or_else(|e| panic!("generating a value: {e}"))
        })
        .collect()
}

/// A failure: the value, the document written, what the reader said.
fn failure(v: &Value, doc: &str, said: &str) -> String {
    let shown: String = format!("{v}").chars().take(300).collect();
    let doc: String = format!("{doc:?}").chars().take(300).collect();
    format!("{shown}\n  written: {doc}\n  {said}")
}

fn assert_none(reader: &str, total: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {total} documents do not read back in {reader}:\n{}",
        failures.len(),
        failures
            .iter()
            .take(25)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("{total} documents read back in {reader}");
}

fn from_yaml(y: &Yaml) -> Result<Value, String> {
    Ok(match y {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Real(_) => Value::from(y.as_f64().ok_or("a real that is no f64")?),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Array(a) => Value::Array(a.iter().map(from_yaml).collect::<Result<_, _>>()?),
        Yaml::Hash(h) => {
            let mut m = serde_json::Map::new();
            for (k, v) in h {
                let Yaml::String(k) = k else {
                    return Err(format!("a key read as {k:?}"));
                };
                m.insert(k.clone(), from_yaml(v)?);
            }
            Value::Object(m)
        }
        other => return Err(format!("read as {other:?}")),
    })
}

/// Every value written and read back by yaml-rust2 (YAML 1.2).
fn yaml12(values: &[Value]) {
    let mut failures = Vec::new();
    for v in values {
        let doc = novaclient::runtime::yaml::to_string(v);
        let said = match YamlLoader::load_from_str(&doc) {
            Err(e) => format!("refused: {e}"),
            Ok(docs) if docs.len() != 1 => format!("{} documents", docs.len()),
            Ok(docs) => match from_yaml(&docs[0]) {
                Ok(back) if back == *v => continue,
                Ok(back) => format!("read back as {back}"),
                Err(e) => e,
            },
        };
        failures.push(failure(v, &doc, &said));
    }
    assert_none("yaml-rust2 (YAML 1.2)", values.len(), &failures);
}

/// python3 with PyYAML: on the PATH, else the realnova venv's; Err: why neither.
fn python() -> Result<PathBuf, String> {
    let venv = novagen_tests::realnova::dir().join("venv/bin/python");
    for py in [PathBuf::from("python3"), venv.clone()] {
        let ok = Command::new(&py)
            .args(["-c", "import yaml"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Ok(py);
        }
    }
    Err(format!(
        "needs python3 with PyYAML (on the PATH, or {})",
        venv.display()
    ))
}

/// Reads a JSON list of [document, expected JSON] pairs on stdin; prints a JSON list of
/// [index, what went wrong] for each document that does not read back as its JSON, types
/// included (True is not 1, a date is not its text).
const CHECK: &str = r#"
import json, sys, yaml
def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b
bad = []
for i, (doc, want) in enumerate(json.load(sys.stdin)):
    try:
        got = yaml.safe_load(doc)
    except yaml.YAMLError as e:
        bad.append([i, "safe_load refused it: " + " ".join(str(e).split())])
        continue
    if not same(got, json.loads(want)):
        bad.append([i, "read back as " + ascii(got)])
json.dump(bad, sys.stdout)
"#;

/// Every document read back by PyYAML's `safe_load` (YAML 1.1), in one python process.
fn pyyaml_docs(py: &PathBuf, pairs: &[(Value, String)]) -> Vec<String> {
    let input: Vec<(&str, String)> = pairs
        .iter()
        .map(|(v, doc)| (doc.as_str(), v.to_string()))
        .collect();
    let mut child = Command::new(py)
        .args(["-c", CHECK])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run python");
    let body = serde_json::to_vec(&input).expect("cases as JSON");
    let mut stdin = child.stdin.take().expect("python's stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let out = child.wait_with_output().expect("python's output");
    writer
        .join()
        .expect("writer thread")
        .expect("write the cases");
    assert!(
        out.status.success(),
        "the PyYAML check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad: Vec<(usize, String)> =
        serde_json::from_slice(&out.stdout).expect("the check prints a JSON list");
    bad.into_iter()
        .map(|(i, said)| failure(&pairs[i].0, &pairs[i].1, &said))
        .collect()
}

fn pyyaml(py: &PathBuf, values: &[Value]) {
    let pairs: Vec<(Value, String)> = values
        .iter()
        .map(|v| (v.clone(), novaclient::runtime::yaml::to_string(v)))
        .collect();
    let failures = pyyaml_docs(py, &pairs);
    assert_none("PyYAML (YAML 1.1)", pairs.len(), &failures);
}

/// A server booted with the tricky values as metadata (those a command line and nova's
/// metadata limits allow): `nova --format yaml show` prints them so that PyYAML reads each
/// back.
fn metadata(py: PathBuf) {
    let cloud = Cloud::start();
    let values: Vec<String> = tricky()
        .into_iter()
        .filter(|s| !s.contains('\0') && s.chars().count() <= 255)
        .collect();
    let mut args: Vec<String> = ["boot", "meta-vm", "--flavor", "1", "--image"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push("cirros-0.6.2-x86_64-disk".into());
    for (i, v) in values.iter().enumerate() {
        args.push("--meta".into());
        args.push(format!("k{i:03}={v}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cloud.nova(&args).ok();
    let shown = cloud.nova(&["--format", "yaml", "show", "meta-vm", "-c", "metadata"]);
    let doc = shown.ok().to_string();
    let want: serde_json::Map<String, Value> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("k{i:03}"), json!(v)))
        .collect();
    let failures = pyyaml_docs(&py, &[(json!({"metadata": want}), doc)]);
    assert_none("PyYAML (YAML 1.1)", 1, &failures);
}
