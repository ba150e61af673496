//! `api.yaml`: the client's settings and the site's named display formats.

use super::*;

/// `api.yaml`'s `formats:`: each a table (value text → shown) or an expression over `it`.
pub(super) fn named_formats(
    cx: &mut Cx,
    specs: &BTreeMap<String, model::FormatSpec>,
) -> Vec<NamedFormat> {
    let no_args = BTreeMap::new();
    let mut used = BTreeSet::new();
    let mut scope = Scope::plain(&no_args, &["it"], &mut used);
    let mut out = Vec::new();
    for (name, f) in specs {
        let at = format!("formats.{name}");
        cx.ident(name, "format name", &at);
        if Format::BUILTIN.contains(&name.as_str()) {
            cx.err(
                &at,
                format!(
                    "format name '{name}' is one of the built-in formats; choose another name."
                ),
            );
        }
        let def = match f {
            model::FormatSpec::Expr(e) => NamedDef::Expr(scope.expr(cx, e, &at)),
            model::FormatSpec::Table(t) => NamedDef::Table {
                entries: pairs(cx.pairs(&t.table, &at)),
                otherwise: olk(&t.otherwise),
            },
        };
        out.push(NamedFormat {
            name: lk(name),
            def,
        });
    }
    FORMAT_NAMES.with(|n| *n.borrow_mut() = out.iter().map(|f| f.name.to_string()).collect());
    out
}

/// `api:`: the microversion range and the settings the runtime reads instead of knowing nova
/// (`docs/edition-2.md`, section 8). None when a mistake was reported.
pub(super) fn api_settings(cx: &mut Cx, a: &model::ApiSettings) -> Option<ApiDef> {
    let range = match novagen_spec::parse_range(&a.versions) {
        Ok(r) => Some(r),
        Err(e) => {
            cx.err("api.versions", e);
            None
        }
    };
    let (min, max) = match range {
        Some(Range {
            min: Some(lo),
            max: Some(hi),
        }) => (lo, hi),
        Some(_) => {
            cx.err(
                "api.versions",
                format!("api.versions '{}' must give both ends: the oldest and the newest microversion the spec may name (\"2.1-2.96\").", a.versions),
            );
            return None;
        }
        None => return None,
    };
    let negotiate = match &a.negotiate {
        None => max,
        Some(t) => {
            let v = cx.version(t, "api.negotiate")?;
            if v < min || v > max {
                cx.err(
                    "api.negotiate",
                    format!("api.negotiate {v} lies outside api.versions {min} - {max}: `auto` negotiates up to it, so it must be one of those versions."),
                );
                return None;
            }
            v
        }
    };
    if !is_query_name(&a.page.size_query) {
        cx.err(
            "api.page.size_query",
            format!(
                "'{}' is not a query parameter name: letters, digits, '_' and '-'.",
                a.page.size_query
            ),
        );
    }
    if a.page.cap == 0 {
        cx.err(
            "api.page.cap",
            "api.page.cap is the most pages one list may have: at least 1.",
        );
    }
    if a.key_column.trim().is_empty() {
        cx.err(
            "api.key_column",
            "api.key_column names the column --fields always keeps: it cannot be empty.",
        );
    }
    let failed = cx.pairs(&a.poll.failed, "api.poll.failed");
    if failed.is_empty() {
        cx.err("api.poll.failed", "api.poll.failed needs at least one status that ends a poll as a failure (error: Error).");
    }
    if let Some((k, _)) = failed.iter().find(|(k, _)| k.to_lowercase() != *k) {
        cx.err("api.poll.failed", format!("api.poll.failed's status '{k}' is compared with the lower-cased status: write it in lower case."));
    }
    Some(ApiDef {
        min,
        max,
        negotiate,
        page: PageRules {
            size_query: lk(&a.page.size_query),
            cap: a.page.cap,
        },
        key_column: lk(&a.key_column),
        secrets: strs(&a.secrets),
        poll: PollRules {
            status: over_reply(cx, &a.poll.status, "api.poll.status"),
            progress: over_reply(cx, &a.poll.progress, "api.poll.progress"),
            fault: over_reply(cx, &a.poll.fault, "api.poll.fault"),
            failed: pairs(failed),
            line: over_words(cx, &a.poll.line, &[PollRules::ACTION], "api.poll.line"),
            failure: over_words(
                cx,
                &a.poll.failure,
                &[PollRules::WORD, PollRules::ACTION],
                "api.poll.failure",
            ),
        },
    })
}

/// A template of what a poll says, over the values it names (`action`, `word`), given to it
/// as arguments.
fn over_words(cx: &mut Cx, t: &str, words: &[&str], path: &str) -> Template {
    let words: BTreeMap<String, ArgType> = words
        .iter()
        .map(|w| (w.to_string(), ArgType::String))
        .collect();
    let mut used = BTreeSet::new();
    let mut scope = Scope::plain(&words, &[], &mut used);
    scope.template(cx, t, path)
}

pub(super) fn is_query_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

/// An expression over a polled resource, `reply` (its only root besides `version`, `now`).
pub(super) fn over_reply(cx: &mut Cx, e: &str, path: &str) -> Expr {
    let (no_args, mut used) = (BTreeMap::new(), BTreeSet::new());
    let mut scope = Scope::plain(&no_args, &["reply"], &mut used);
    scope.expr(cx, e, path)
}
