//! Display formats that reproduce Python's own text: `textwrap.fill` (`wrap:`), novaclient's
//! `flatten_dict` (`format: flatten`); `pprint.pformat` is the runtime's (`output.rs`). Pure functions
//! of a value; the expected texts of the tests are what python3 prints.

use serde_json::{Map, Value};

/// Python's `repr()` of a `str` without control characters beyond `\n`, `\r`, `\t`: single
/// quotes unless the text has one and no double quote, backslashes and the quote escaped
/// (the runtime's `pyrepr` adds `\xNN` for the other control characters).
pub fn pystr(s: &str) -> String {
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

/// Python's `textwrap.fill(text, width)` with its defaults: tabs expanded (8), every
/// whitespace character a space, words broken after a hyphen between letters, words longer
/// than a line broken, spaces at line ends dropped. `width` 0 is taken as 1, as Python's
/// long-word rule does.
pub fn fill(text: &str, width: usize) -> String {
    let text = munge(text);
    wrap_chunks(split_chunks(&text), width.max(1)).join("\n")
}

/// `expandtabs()` then every whitespace character of `textwrap` as a space.
fn munge(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut col = 0usize;
    for c in text.chars() {
        match c {
            '\t' => {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            }
            '\n' | '\r' => {
                out.push(' ');
                col = 0;
            }
            '\u{b}' | '\u{c}' => {
                out.push(' ');
                col += 1;
            }
            c => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

/// `\w` of Python's `re` on text.
fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `[^\d\W]`: a word character that is not a digit.
fn letter(c: char) -> bool {
    word(c) && !c.is_numeric()
}

/// `[\w!"'&.,?]`.
fn word_punct(c: char) -> bool {
    word(c) || "!\"'&.,?".contains(c)
}

/// At `i`: two or more `-` and then a word character (an em-dash).
fn em_dash_at(s: &[char], i: usize) -> bool {
    let n = s[i..].iter().take_while(|c| **c == '-').count();
    n >= 2 && s.get(i + n).is_some_and(|c| word(*c))
}

/// `TextWrapper.wordsep_re` (break_on_hyphens): runs of spaces, em-dashes between words, and
/// words, a hyphenated word in pieces each ending with its hyphen.
fn split_chunks(s: &[char]) -> Vec<&[char]> {
    let at = |i: usize| s.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let start = i;
        if s[i] == ' ' {
            while at(i) == Some(' ') {
                i += 1;
            }
        } else if i > 0 && word_punct(s[i - 1]) && em_dash_at(s, i) {
            while at(i) == Some('-') {
                i += 1;
            }
        } else {
            // The shortest run of non-spaces followed by a place the word may end.
            let mut j = i + 1;
            loop {
                let hyphen = at(j - 1) == Some('-')
                    && j >= 3
                    && ((letter(s[j - 3]) && letter(s[j - 2]))
                        || (j >= 4 && letter(s[j - 4]) && s[j - 3] == '-' && letter(s[j - 2])))
                    && at(j).is_some_and(letter)
                    && match at(j + 1) {
                        Some('-') => at(j + 2).is_some_and(letter),
                        Some(c) => letter(c),
                        None => false,
                    };
                let end = j >= s.len() || s[j] == ' ';
                let dash = word_punct(s[j - 1]) && j < s.len() && em_dash_at(s, j);
                if hyphen || end || dash {
                    break;
                }
                j += 1;
            }
            i = j;
        }
        out.push(&s[start..i]);
    }
    out
}

fn blank(c: &[char]) -> bool {
    c.iter().all(|c| c.is_whitespace())
}

/// `TextWrapper._wrap_chunks` with no indents and no line limit.
fn wrap_chunks(chunks: Vec<&[char]>, width: usize) -> Vec<String> {
    let mut chunks: Vec<Vec<char>> = chunks.into_iter().rev().map(<[char]>::to_vec).collect();
    let mut lines: Vec<String> = Vec::new();
    while !chunks.is_empty() {
        let mut cur: Vec<Vec<char>> = Vec::new();
        let mut len = 0;
        if !lines.is_empty() && chunks.last().is_some_and(|c| blank(c)) {
            chunks.pop();
        }
        while let Some(c) = chunks.last() {
            if len + c.len() <= width {
                len += c.len();
                cur.extend(chunks.pop());
            } else {
                break;
            }
        }
        if let Some(c) = chunks.last_mut() {
            if c.len() > width {
                // A word longer than a line: as much as fits, after its last hyphen if any.
                // (Python's: nothing fits when the line is full; its trailing space stays.)
                let space = width.saturating_sub(len);
                let mut end = space;
                if let Some(h) = c[..space.min(c.len())].iter().rposition(|x| *x == '-') {
                    if h > 0 && c[..h].iter().any(|x| *x != '-') {
                        end = h + 1;
                    }
                }
                let rest = c.split_off(end.min(c.len()));
                cur.push(std::mem::replace(c, rest));
            }
        }
        if cur.last().is_some_and(|c| blank(c)) {
            cur.pop();
        }
        if !cur.is_empty() {
            lines.push(cur.concat().into_iter().collect());
        }
    }
    lines
}

/// novaclient's `utils.flatten_dict`: an object's text values that are JSON are decoded, then
/// nested objects flattened into `parent_child` keys (a non-empty list is kept as it is; an
/// empty object or list is a value). Anything but an object is returned as it is.
pub fn flatten(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, x) in m {
        let x = match x {
            Value::String(t) => serde_json::from_str(t).unwrap_or_else(|_| x.clone()),
            other => other.clone(),
        };
        flatten_into(&mut out, k, x);
    }
    Value::Object(out)
}

fn flatten_into(out: &mut Map<String, Value>, key: &str, v: Value) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, x) in m {
                flatten_into(out, &format!("{key}_{k}"), x);
            }
        }
        other => {
            out.insert(key.to_string(), other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// (text, width, python3's `textwrap.fill(text, width)`)
    #[test]
    fn fill_as_python() {
        for (text, width, want) in FILL_CASES {
            assert_eq!(fill(text, *width), *want, "fill({text:?}, {width})");
        }
    }

    /// (python3 -c 'import textwrap; print(repr(textwrap.fill(t, w)))')
    const FILL_CASES: &[(&str, usize, &str)] = &[
        ("", 10, ""),
        ("hello world", 40, "hello world"),
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 40, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\naaaaaaaaaaaaaaa"),
        ("the quick brown fox jumps over the lazy dog", 10, "the quick\nbrown fox\njumps over\nthe lazy\ndog"),
        ("compute-node-01.example.com", 10, "compute-no\nde-\n01.example\n.com"),
        ("well-known self-evident pre-2000 x-y a-b-c", 8, "well-\nknown\nself-\nevident\npre-2000\nx-y\na-b-c"),
        ("Intel-Xeon--Processor is fast--really", 12, "Intel-Xeon--\nProcessor is\nfast--really"),
        ("tab\there\tand\nnewline  two  spaces", 7, "tab\nhere\nand\nnewline\ntwo\nspaces"),
        ("None", 40, "None"),
        ("[\"vmx\", \"sse4.2\", \"aes\", \"avx\", \"pcid\", \"ssse3\", \"x2apic\", \"sse4.1\"]", 40, "[\"vmx\", \"sse4.2\", \"aes\", \"avx\", \"pcid\",\n\"ssse3\", \"x2apic\", \"sse4.1\"]"),
        ("8c6e0b1a-1b2c-4d5e-8f90-abcdef012345", 10, "8c6e0b1a-\n1b2c-4d5e-\n8f90-\nabcdef0123\n45"),
        ("ab-cd-ef-gh", 4, "ab-\ncd-\nef-\ngh"),
        ("--leading dashes--", 5, "--lea\nding \ndashe\ns--"),
        ("x", 1, "x"),
        ("日本語のテキスト", 3, "日本語\nのテキ\nスト"),
        ("{\"a\": 1}  ", 40, "{\"a\": 1}"),
        ("abc-def", 5, "abc-\ndef"),
        ("ab--cd", 3, "ab\n--\ncd"),
    ];

    #[test]
    fn flatten_as_novaclient() {
        let v = json!({"cpu_info": "{\"arch\": \"x86_64\", \"topology\": {\"cores\": 1}, \"features\": [\"a\"]}",
                       "service": {"host": "h", "id": 7}, "empty": {}, "list": [], "n": "12", "s": "up"});
        assert_eq!(
            flatten(&v),
            json!({"cpu_info_arch": "x86_64", "cpu_info_topology_cores": 1, "cpu_info_features": ["a"],
                   "service_host": "h", "service_id": 7, "empty": {}, "list": [], "n": 12, "s": "up"})
        );
        assert_eq!(flatten(&json!([1])), json!([1]));
    }
}
