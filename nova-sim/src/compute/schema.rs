//! nova's request validation, as far as the simulator checks it: jsonschema's messages with
//! nova's prefix (`Invalid input for field/attribute <field>. Value: <value>. <message>`),
//! values shown as Python shows them.

use crate::http::Resp;
use serde_json::{Map, Value};

pub fn bad(msg: &str) -> Resp {
    Resp::nova_error(400, msg)
}

pub fn conflict(msg: &str) -> Resp {
    Resp::nova_error(409, msg)
}

pub fn not_found(msg: &str) -> Resp {
    Resp::nova_error(404, msg)
}

/// Python's `repr` of a JSON value (`{'a': 1, 'b': None}`).
pub fn repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let quote = if s.contains('\'') && !s.contains('"') {
                '"'
            } else {
                '\''
            };
            let mut out = String::from(quote);
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if c == quote => {
                        out.push('\\');
                        out.push(c);
                    }
                    c if c == ' ' || python_printable(c) => out.push(c),
                    c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
                    c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push_str(&format!("\\U{:08x}", c as u32)),
                }
            }
            out.push(quote);
            out
        }
        Value::Array(a) => format!("[{}]", a.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", repr(&Value::String(k.clone())), repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Python's `str` of a JSON value: strings bare, everything else as `repr`.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => repr(other),
    }
}

/// nova's 400 for a value that fails a check, at `field` (None: the body itself).
pub fn invalid(field: Option<&str>, value: &Value, message: &str) -> Resp {
    match field {
        Some(f) => bad(&format!(
            "Invalid input for field/attribute {f}. Value: {}. {message}",
            show(value)
        )),
        None => bad(message),
    }
}

/// `field` is an object (shown as `value`) holding no keys but `allowed` and all of `required`.
pub fn check_keys(
    field: Option<&str>,
    obj: &Map<String, Value>,
    allowed: &[&str],
    required: &[&str],
) -> Result<(), Resp> {
    let value = Value::Object(obj.clone());
    if let Some(k) = required.iter().find(|k| !obj.contains_key(**k)) {
        return Err(invalid(
            field,
            &value,
            &format!("'{k}' is a required property"),
        ));
    }
    let extra: Vec<String> = obj
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| format!("'{k}'"))
        .collect();
    if !extra.is_empty() {
        let verb = if extra.len() == 1 { "was" } else { "were" };
        return Err(invalid(
            field,
            &value,
            &format!(
                "Additional properties are not allowed ({} {verb} unexpected)",
                extra.join(", ")
            ),
        ));
    }
    Ok(())
}

/// The object under `key` of `body`, required: nova's messages when absent or not an object.
pub fn object<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a Map<String, Value>, Resp> {
    match body.get(key) {
        Some(Value::Object(m)) => Ok(m),
        Some(other) => Err(not_type(key, other, "object")),
        None => Err(bad(&format!("'{key}' is a required property"))),
    }
}

pub fn not_type(field: &str, value: &Value, ty: &str) -> Resp {
    invalid(
        Some(field),
        value,
        &format!("{} is not of type '{ty}'", repr(value)),
    )
}

/// An optional string member: Ok(None) when absent (or null, if `nullable`).
pub fn opt_str(
    obj: &Map<String, Value>,
    key: &str,
    nullable: bool,
) -> Result<Option<String>, Resp> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Null) if nullable => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(not_type(
            key,
            other,
            if nullable { "string', 'null" } else { "string" },
        )),
    }
}

/// An optional boolean member: Ok(None) when absent.
pub fn opt_bool(obj: &Map<String, Value>, key: &str) -> Result<Option<bool>, Resp> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(not_type(key, other, "boolean")),
    }
}

/// A body member allowed from the first to the last microversion.
pub type Ranged<'a> = (&'a str, (u16, u16), (u16, u16));

/// The member names a body may have at microversion `mv`: those always allowed, and those
/// whose `(first, last)` range holds `mv`.
pub fn keys_at<'a>(mv: (u16, u16), always: &[&'a str], ranged: &[Ranged<'a>]) -> Vec<&'a str> {
    let mut out = always.to_vec();
    out.extend(
        ranged
            .iter()
            .filter(|(_, from, to)| mv >= *from && mv <= *to)
            .map(|(k, _, _)| *k),
    );
    out
}

/// Python's `str.isprintable` of one character (what `repr` shows as itself): not a control,
/// format, surrogate, private-use or unassigned code point, nor a separator (a space is
/// printable, and handled by the caller).
fn python_printable(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    !matches!(
        get_general_category(c),
        G::Control
            | G::Format
            | G::Surrogate
            | G::PrivateUse
            | G::Unassigned
            | G::LineSeparator
            | G::ParagraphSeparator
            | G::SpaceSeparator
    )
}

/// A character of nova's `name` format (`parameter_types._build_regex_range`): a code point
/// below U+FFFF (nova's ranges stop there) that `_is_printable` takes, i.e. none of the
/// `C*` categories, and of the `Z*` ones only spaces (`Zs`).
fn name_char(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    (c as u32) < 0xFFFF
        && (c == ' ' || python_printable(c) || get_general_category(c) == G::SpaceSeparator)
}

fn space_separator(c: char) -> bool {
    use unicode_general_category::{get_general_category, GeneralCategory as G};
    get_general_category(c) == G::SpaceSeparator
}

/// A display name as nova's `name` schema takes it: 1-255 characters of nova's `name` format
/// (`valid_name_regex`: printable, neither first nor last a space), whose failure is nova's
/// `InvalidName` message.
pub fn name(key: &str, v: &Value) -> Result<String, Resp> {
    let Value::String(s) = v else {
        return Err(not_type(key, v, "string"));
    };
    if s.is_empty() {
        return Err(invalid(Some(key), v, "'' should be non-empty"));
    }
    if s.chars().count() > 255 {
        return Err(invalid(Some(key), v, &format!("{} is too long", repr(v))));
    }
    let ends_bare = |c: Option<char>| c.is_some_and(|c| !space_separator(c));
    if !s.chars().all(name_char) || !ends_bare(s.chars().next()) || !ends_bare(s.chars().last()) {
        return Err(bad(
            "An invalid 'name' value was provided. The name must be: printable characters. \
             Can not start or end with whitespace.",
        ));
    }
    Ok(s.clone())
}

/// The pattern of a metadata key in nova's schema.
const METADATA_KEY: &str = "^[a-zA-Z0-9-_:. ]{1,255}$";

/// Server metadata as nova's `metadata` schema takes it: keys of 1-255 characters from
/// [`METADATA_KEY`], string values of up to 255 (values are checked first, as jsonschema does).
pub fn string_map(field: &str, v: &Value) -> Result<Map<String, Value>, Resp> {
    let Value::Object(m) = v else {
        return Err(not_type(field, v, "object"));
    };
    let key_ok = |k: &str| {
        (1..=255).contains(&k.chars().count())
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:. ".contains(c))
    };
    for (k, val) in m.iter().filter(|(k, _)| key_ok(k)) {
        match val {
            Value::String(s) if s.chars().count() <= 255 => {}
            Value::String(_) => {
                return Err(invalid(Some(k), val, &format!("{} is too long", repr(val))))
            }
            other => return Err(not_type(k, other, "string")),
        }
    }
    let mut extra: Vec<&String> = m.keys().filter(|k| !key_ok(k)).collect();
    if !extra.is_empty() {
        extra.sort();
        let names: Vec<String> = extra
            .iter()
            .map(|k| repr(&Value::String(k.to_string())))
            .collect();
        let verb = if extra.len() == 1 { "does" } else { "do" };
        return Err(invalid(
            Some(field),
            v,
            &format!(
                "{} {verb} not match any of the regexes: '{METADATA_KEY}'",
                names.join(", ")
            ),
        ));
    }
    Ok(m.clone())
}

/// oslo's `is_uuid_like`, which nova's `uuid` format uses: 32 hex digits once `urn:`,
/// `uuid:`, surrounding braces and all hyphens are taken away.
pub fn uuid_like(s: &str) -> bool {
    let hex: String = s
        .replace("urn:", "")
        .replace("uuid:", "")
        .trim_matches(['{', '}'])
        .replace('-', "");
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uuids_as_oslo_takes_them() {
        for ok in [
            "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f",
            "3CB4A1B43A4E4A6CA9B91A2B3C4D5E6F",
            "{urn:uuid:3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f}",
        ] {
            assert!(uuid_like(ok), "{ok}");
        }
        for bad in [
            "",
            "abc",
            "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6",
            "3cb4a1b4 3a4e4a6ca9b91a2b3c4d5e6f",
        ] {
            assert!(!uuid_like(bad), "{bad}");
        }
    }

    #[test]
    fn metadata_keys_follow_novas_pattern() {
        let err = |v: Value| {
            let r = string_map("metadata", &v).expect_err("refused");
            String::from_utf8(r.body).expect("utf-8")
        };
        assert!(err(json!({"": "v"})).contains(
            "Value: {'': 'v'}. '' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"
        ));
        assert!(err(json!({"b/c": "v", "a/b": 1}))
            .contains("'a/b', 'b/c' do not match any of the regexes"));
        assert!(err(json!({"a": 1, "": "v"})).contains("1 is not of type 'string'"));
        assert!(string_map("metadata", &json!({"a-b_c:d. e": "v"})).is_ok());
    }

    #[test]
    fn python_repr() {
        assert_eq!(
            repr(&json!({"name": "b", "foo": 1, "x": [true, null], "q": "it's"})),
            r#"{'name': 'b', 'foo': 1, 'x': [True, None], 'q': "it's"}"#
        );
    }
}
