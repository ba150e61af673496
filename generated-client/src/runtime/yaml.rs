//! `--format yaml`: JSON values as block-style YAML that YAML 1.1 and 1.2 readers both read
//! back as the same strings. A text that either version would take for something else (a
//! timestamp, `yes`/`off`, a number, `1:20`, null) is quoted; so is anything with characters
//! YAML gives a meaning to. serde_yaml quotes by YAML 1.2 rules only, which leaves timestamps
//! plain, so PyYAML and other 1.1 readers turn `created: 2026-11-25T23:16:00Z` into a date.

use serde_json::Value;

/// The whole document, without a trailing newline.
pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => mapping(&mut out, m, 0),
        Value::Array(a) if !a.is_empty() => sequence(&mut out, a, 0),
        other => out.push_str(&scalar(other)),
    }
    out.trim_end().to_string()
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

fn mapping(out: &mut String, m: &serde_json::Map<String, Value>, indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        // The first key of a sequence item follows its dash.
        if i > 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str(&text(k));
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
        Value::Number(n) => n.to_string(),
        Value::String(s) => text(s),
        // Containers are handled by the callers.
        other => other.to_string(),
    }
}

/// A string as a plain scalar when no reader can mistake it, else quoted.
fn text(s: &str) -> String {
    if plain(s) {
        s.to_string()
    } else if s.chars().any(char::is_control) {
        // JSON's escapes are YAML's double-quoted escapes.
        Value::String(s.to_string()).to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let special_start = "-?:,[]{}#&*!|>'\"%@`~ ";
    if special_start.contains(first) || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.chars().any(char::is_control) {
        return false;
    }
    const WORDS: &[&str] = &[
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan",
    ];
    if WORDS.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    // Numbers of either version (1_000, 0x1f, 0o17, 1e5, 1:20 in base 60) and timestamps
    // (YAML 1.1: they start with a four-digit year).
    if first.is_ascii_digit() || first == '.' || first == '+' {
        if s.chars()
            .all(|c| c.is_ascii_digit() || "+-._:eE".contains(c))
        {
            return false;
        }
        let radix = s.get(..2).map(str::to_ascii_lowercase);
        if matches!(radix.as_deref(), Some("0x" | "0o" | "0b"))
            && s[2..].chars().all(|c| c.is_ascii_hexdigit() || c == '_')
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
