//! The validation context: where a problem is reported (file, line), and the name checks.

use super::*;

pub(super) struct Cx<'a> {
    pub(super) src: &'a SpecSource,
    pub(super) idx: &'a LineIndex,
    pub(super) errors: &'a mut Vec<SpecError>,
    pub(super) api: Option<(Version, Version)>,
    /// `api.poll.progress`: a poll's percentage unless it says otherwise.
    pub(super) progress: Option<Expr>,
}

impl<'a> Cx<'a> {
    pub(super) fn new(
        src: &'a SpecSource,
        idx: &'a LineIndex,
        errors: &'a mut Vec<SpecError>,
        api: Option<(Version, Version)>,
    ) -> Self {
        Cx {
            src,
            idx,
            errors,
            api,
            progress: None,
        }
    }

    pub(super) fn err(&mut self, path: &str, msg: impl Into<String>) {
        self.errors
            .push(SpecError::new(&self.src.path, self.idx.line(path), msg));
    }

    pub(super) fn line(&self, path: &str) -> usize {
        self.idx.line(path)
    }

    pub(super) fn version(&mut self, text: &str, path: &str) -> Option<Version> {
        let parsed = text
            .split_once('.')
            .and_then(|(a, b)| Some(Version(a.parse().ok()?, b.parse().ok()?)));
        match parsed {
            None => self.err(
                path,
                format!("'{text}' is not a microversion: write it as MAJOR.MINOR, e.g. \"2.47\"."),
            ),
            Some(v) => self.in_api(v, path),
        }
        parsed
    }

    /// `versions:` as written: `"2.26-"`, `"-2.52"`, `"2.32-2.36"` (novagen-spec's
    /// `parse_range`, the one reading of a range); absent is every version. Each end must lie
    /// in `api.versions`.
    pub(super) fn versions(&mut self, text: &Option<String>, path: &str) -> Range {
        let Some(text) = text else {
            return Range::ALL;
        };
        let path = format!("{path}.versions");
        match novagen_spec::parse_range(text) {
            Ok(range) => {
                for v in [range.min, range.max].into_iter().flatten() {
                    self.in_api(v, &path);
                }
                range
            }
            Err(e) => {
                self.err(&path, e);
                Range::ALL
            }
        }
    }

    pub(super) fn in_api(&mut self, v: Version, path: &str) {
        if let Some((lo, hi)) = self.api {
            if v < lo || v > hi {
                self.err(
                    path,
                    format!(
                        "microversion {v} is outside the client's range {lo} - {hi} (api.yaml)."
                    ),
                );
            }
        }
    }

    pub(super) fn ident(&mut self, name: &str, what: &str, path: &str) {
        if !is_ident(name) {
            self.err(path, format!("{what} '{name}' is not a valid identifier: use lower-case letters, digits and '_', starting with a letter, and no Rust keyword."));
        }
    }

    pub(super) fn resource_ref(
        &mut self,
        name: &str,
        statics: &HashMap<String, (String, bool)>,
        path: &str,
    ) -> Option<&'static ResourceDef> {
        match statics.get(name) {
            Some((_, true)) => Some(ResourceDef::reference(lk(name))),
            Some((_, false)) => {
                self.err(path, format!("resource '{name}' has no lookup section, so it cannot be looked up by name or ID."));
                None
            }
            None => {
                self.err(path, format!("'{name}' names no resource of the spec."));
                None
            }
        }
    }

    pub(super) fn pairs(&mut self, m: &model::Pairs, path: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if m.contains_key("<<") {
            self.err(path, MERGE_KEY);
        }
        for (k, v) in m {
            let key = scalar(k);
            let value = scalar(v);
            match (key, value) {
                (Some(k), Some(v)) => out.push((k, v)),
                _ => self.err(path, "each entry must be a key and a text value."),
            }
        }
        out
    }
}

pub(super) fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Null => Some("null".into()),
        _ => None,
    }
}

pub(super) const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

pub(super) fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !KEYWORDS.contains(&s)
}

/// A column's field by novaclient's rule: the title in lower case, `_` for spaces.
pub(super) fn field_of(title: &str) -> String {
    title.to_lowercase().replace(' ', "_")
}

pub(super) fn is_command(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--")
}

pub(super) fn camel(s: &str) -> String {
    s.split(['_', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `OS-EXT-STS:task_state` → `task_state`, `accessIPv4` → `access_ipv4`.
pub(super) fn rust_field_name(json: &str) -> String {
    let base = json.rsplit(':').next().unwrap_or(json);
    let mut out = String::new();
    let mut prev_lower = false;
    for c in base.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}
