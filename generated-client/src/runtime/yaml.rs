//! `--format yaml`: JSON values as block-style YAML that YAML 1.1 and 1.2 readers both read
//! back as the same values. A text that either version would take for something else (a
//! timestamp, `yes`/`off`, a number in any of their notations, `1:20`, null, `=`, `<<`) is
//! quoted; so is anything with characters YAML gives a meaning to. A text with a character
//! that a reader would not take as it is inside quotes (a control, DEL, a C1 control, a line
//! break of YAML 1.1's — NEL, LS, PS —, a BOM, a non-character) is double-quoted with that
//! character escaped. A key longer than a simple key may be (1024 characters) is written as an
//! explicit one (`? key`). A float always has a fraction and a signed exponent (`1.0e+300`:
//! YAML 1.1 reads `1e300` as text). serde_yaml quotes by YAML 1.2 rules only, which leaves
//! timestamps plain, so PyYAML and other 1.1 readers turn `created: 2026-11-25T23:16:00Z` into a
//! date. `tests/tests/yaml.rs` reads what this writes back with PyYAML and yaml-rust2.

use serde_json::Value;

/// The whole document, without a trailing newline.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => mapping(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => sequence(&mut out, a, 0),
        other => out.push_str(&scalar(other)),
    }
    // Only the last line's end: a text may end in what `trim_end` takes for white space.
    out.truncate(out.trim_end_matches('\n').len());
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Empty containers and scalars fit on the line of their key or dash.
fn inline(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(_) | Value::Array(_) => None,
        other => Some(scalar(other)),
    }
}

/// The longest key written as a simple (implicit) key: YAML 1.1 and 1.2 allow 1024 characters
/// to the `:`.
const LONGEST_KEY: usize = 1000;

fn mapping(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        // The first key of a sequence item follows its dash.
        if i > 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        let key = text(k);
        if key.chars().count() > LONGEST_KEY {
            // An explicit key: no length limit; its value follows on the next line.
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            pad(out, indent);
        } else {
            out.push_str(&key);
        }
        out.push(':');
        match (inline(v), v) {
            (Some(s), _) => {
                out.push(' ');
                out.push_str(&s);
                out.push('\n');
            }
            (None, Value::Array(a)) => {
                out.push('\n');
                sequence(out, a, indent);
            }
            (None, Value::Object(inner)) => {
                out.push('\n');
                mapping(out, inner, indent + 2);
            }
            (None, _) => {}
        }
    }
}

fn sequence(out: &mut String, a: &[Value], indent: usize) {
    for (i, v) in a.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str("- ");
        match (inline(v), v) {
            (Some(s), _) => {
                out.push_str(&s);
                out.push('\n');
            }
            (None, Value::Object(m)) => mapping(out, m, indent + 2),
            (None, Value::Array(inner)) => sequence(out, inner, indent + 2),
            (None, _) => {}
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => text(s),
        // Containers are handled by the callers.
        other => other.to_string(),
    }
}

/// A number as both versions read it: an integer as it is; a float with a fraction and a
/// signed exponent, which YAML 1.1 requires of a float (`1e300` and `1.5e300` are text to it).
fn number(n: &serde_json::Number) -> String {
    let s = n.to_string();
    if n.is_i64() || n.is_u64() {
        return s;
    }
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s.as_str(), None),
    };
    let mut out = mantissa.to_string();
    if !out.contains('.') {
        out.push_str(".0");
    }
    if let Some(e) = exponent {
        out.push('e');
        if !e.starts_with(['+', '-']) {
            out.push('+');
        }
        out.push_str(e);
    }
    out
}

/// A character both versions read as it is inside a quoted scalar on one line: printable in
/// YAML 1.1 and 1.2 (no C0 or C1 control, DEL, surrogate or U+FFFE/U+FFFF), not a line break
/// (YAML 1.1 also breaks at NEL, LS and PS), not a tab and not a BOM (which readers drop).
fn as_is(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A string as a plain scalar when no reader can mistake it, else quoted: single-quoted when
/// every character can stand as it is, else double-quoted with the others escaped.
fn text(s: &str) -> String {
    if plain(s) {
        s.to_string()
    } else if s.chars().all(as_is) {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        double_quoted(s)
    }
}

/// YAML's double-quoted style, with the escapes YAML 1.1 and 1.2 share.
fn double_quoted(s: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if as_is(c) => out.push(c),
            c if u32::from(c) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let special_start = "-?:,[]{}#&*!|>'\"%@`~";
    if special_start.contains(first)
        || first.is_whitespace()
        || s.ends_with(char::is_whitespace)
        || s.ends_with(':')
        || s.starts_with("...")
    {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || !s.chars().all(as_is) {
        return false;
    }
    // YAML 1.1's words (booleans, null, `=` its value key, `<<` its merge key) and both
    // versions' infinities and NaN, signed or not.
    const WORDS: &[&str] = &[
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan", "=", "<<",
    ];
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if WORDS.contains(&unsigned.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Numbers of either version (1_000, 0x1f, +0x1f, 0o17, 0b101, 1e5, 1:20 in base 60) and
    // timestamps (YAML 1.1: they start with a four-digit year).
    if first.is_ascii_digit() || first == '.' || first == '+' {
        if s.chars()
            .all(|c| c.is_ascii_digit() || "+-._:eE".contains(c))
        {
            return false;
        }
        let radix = unsigned.get(..2).map(str::to_ascii_lowercase);
        if matches!(radix.as_deref(), Some("0x" | "0o" | "0b"))
            && unsigned[2..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == '_')
        {
            return false;
        }
        let b = s.as_bytes();
        if b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_that_readers_would_mistake_are_quoted() {
        for (s, want) in [
            ("2026-11-25T23:16:00Z", "'2026-11-25T23:16:00Z'"),
            ("2026-11-25", "'2026-11-25'"),
            ("yes", "'yes'"),
            ("Off", "'Off'"),
            ("1.0", "'1.0'"),
            ("12", "'12'"),
            ("1:20", "'1:20'"),
            ("0x1f", "'0x1f'"),
            ("", "''"),
            ("null", "'null'"),
            ("a: b", "'a: b'"),
            ("- x", "'- x'"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("two\nlines", "\"two\\nlines\""),
            ("m1.tiny", "m1.tiny"),
            ("ACTIVE", "ACTIVE"),
            (
                "3beacd18-66ba-4f5f-97ee-e72792a61052",
                "3beacd18-66ba-4f5f-97ee-e72792a61052",
            ),
            ("10.0.0.3", "'10.0.0.3'"),
            ("private=10.0.0.3", "private=10.0.0.3"),
        ] {
            assert_eq!(text(s), want, "{s:?}");
        }
    }

    #[test]
    fn block_layout() {
        let v = json!({
            "a": 1,
            "created": "2026-11-25T23:16:00Z",
            "e": {},
            "l": [],
            "m": {"x": null, "y": [true, "no"]},
            "rows": [{"ID": "1", "Name": "m1.tiny"}, {"ID": "2", "Name": "m1.small"}],
            "nested": [[1, 2], "x"]
        });
        assert_eq!(
            to_string(&v),
            "a: 1\ncreated: '2026-11-25T23:16:00Z'\ne: {}\nl: []\nm:\n  x: null\n  'y':\n  - true\n  - 'no'\n\
             rows:\n- ID: '1'\n  Name: m1.tiny\n- ID: '2'\n  Name: m1.small\nnested:\n- - 1\n  - 2\n- x"
        );
        assert_eq!(to_string(&json!([])), "[]");
        assert_eq!(to_string(&json!("yes")), "'yes'");
    }

    #[test]
    fn what_yaml_1_1_reads_otherwise_or_refuses() {
        for (s, want) in [
            ("+0x1F", "'+0x1F'"),
            ("+.inf", "'+.inf'"),
            ("=", "'='"),
            ("<<", "'<<'"),
            ("... a", "'... a'"),
            ("\u{a0}", "'\u{a0}'"),
            ("a\u{85}b", "\"a\\x85b\""),
            ("a\u{2028}b", "\"a\\u2028b\""),
            ("\u{feff}a", "\"\\ufeffa\""),
            ("a\u{7f}\u{9f}\u{ffff}", "\"a\\x7f\\x9f\\uffff\""),
            ("tab\t\"q\"\\", "\"tab\\t\\\"q\\\"\\\\\""),
        ] {
            assert_eq!(text(s), want, "{s:?}");
        }
        for (n, want) in [
            (json!(1e300), "1.0e+300"),
            (json!(1e-7), "1.0e-7"),
            (json!(2.5), "2.5"),
            (json!(-3), "-3"),
        ] {
            assert_eq!(to_string(&n), want);
        }
        // A key longer than a simple key may be is an explicit one.
        let long = "k".repeat(1001);
        assert_eq!(
            to_string(&json!({&long: [1], "a": {&long: "v"}})),
            format!("? {long}\n:\n- 1\na:\n  ? {long}\n  : v")
        );
        // The document ends with its text, even when that ends in a Unicode space.
        assert_eq!(to_string(&json!({"a": "x\u{3000}"})), "a: 'x\u{3000}'");
    }

    /// What we write, a YAML reader reads back as the same JSON.
    #[test]
    fn round_trip() {
        let v = json!({
            "created": "2026-11-25T23:16:00Z", "n": 1.5, "s": "it's: here #x", "t": "tab\there",
            "list": [{"a": {"b": ["c", {}]}}, [], ["x"]], "k: y": "v", "u": "ünïcödé 名前"
        });
        let back: Value = serde_yaml::from_str(&to_string(&v)).expect("valid YAML");
        assert_eq!(back, v);
    }
}
