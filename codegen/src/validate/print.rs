//! What is printed: print items, views, display formats, widths.

use super::*;

/// A width (`wrap:`): a whole number, or an expression that is one: a number or an argument
/// of `type: integer` (`wrap: wrap`), possibly with `??` / `if` around them.
pub(super) fn width(cx: &mut Cx, scope: &mut Scope, w: &model::Width, path: &str) -> Expr {
    let text = match w {
        model::Width::Number(n) => n.to_string(),
        model::Width::Expr(e) => e.clone(),
    };
    let e = scope.expr(cx, &text, path);
    fn whole(e: &Expr, args: &BTreeMap<String, ArgType>) -> bool {
        match e {
            Expr::Lit(novagen_spec::Lit::Int(_) | novagen_spec::Lit::Absent) => true,
            Expr::Path(p) => matches!(
                (p.root, p.steps),
                (novagen_spec::Root::Arg(a), []) if args.get(a) == Some(&ArgType::Integer)
            ),
            Expr::Coalesce(xs) => xs.iter().all(|x| whole(x, args)),
            Expr::If {
                then, otherwise, ..
            } => whole(then, args) && otherwise.is_none_or(|o| whole(o, args)),
            _ => false,
        }
    }
    if !whole(&e, scope.args) {
        cx.err(
            path,
            format!("wrap is a width: a whole number (wrap: 40) or an argument of type: integer (wrap: wrap), not \"{text}\"."),
        );
    }
    e
}

/// A `format:`: a built-in display format or a name of `api.yaml`'s `formats`.
pub(super) fn parse_format(cx: &mut Cx, text: &str, path: &str) -> Option<Format> {
    let t = text.trim();
    let f = Format::builtin(t).or_else(|| {
        FORMAT_NAMES
            .with(|n| n.borrow().iter().any(|k| k == t))
            .then(|| Format::Named(Box::leak(t.to_string().into_boxed_str())))
    });
    if f.is_none() {
        let named = FORMAT_NAMES.with(|n| n.borrow().join(", "));
        let builtin = Format::BUILTIN
            .iter()
            .map(|f| match *f {
                "fixed" => "fixed(n)",
                f => f,
            })
            .collect::<Vec<_>>()
            .join(", ");
        cx.err(
            path,
            format!("'{t}' is no display format (formats: {builtin}, and api.yaml's: {named}); a value filter goes in value: (value: \"it | join(', ')\")."),
        );
    }
    f
}

/// The items of the view `name`, checked in the using operation's scope; a problem in them is
/// reported at the view's own `file:line`.
pub(super) fn view(
    cx: &mut Cx,
    scope: &mut Scope,
    ps: &model::PrintSpec,
    name: &str,
    p: &str,
    f: &ResourceFile,
    statics: &HashMap<String, (String, bool)>,
) -> Vec<PrintDef> {
    if ps.given().iter().any(|k| !["view", "of"].contains(k)) {
        cx.err(
            p,
            format!("{{view: {name}}} stands alone: give a condition or range to the view's items, or write the items here."),
        );
    }
    let found = VIEWS.with(|v| {
        let mut v = v.borrow_mut();
        v.get_mut(name).map(|view| {
            view.used = true;
            (view.src, view.idx, view.items)
        })
    });
    let Some((src, idx, items)) = found else {
        let mut known = VIEWS.with(|v| v.borrow().keys().cloned().collect::<Vec<_>>());
        known.sort();
        let known = if known.is_empty() {
            "no file declares views:".to_string()
        } else {
            format!("views: {}", known.join(", "))
        };
        cx.err(p, format!("'{name}' names no view ({known})."));
        return Vec::new();
    };
    let mut vcx = Cx {
        src,
        idx,
        errors: &mut *cx.errors,
        api: cx.api,
        progress: cx.progress,
    };
    // A view inside a view, or a wait in one, is refused where the views are read.
    if items.iter().any(|i| i.view.is_some() || i.poll.is_some()) {
        return Vec::new();
    }
    let of = ps.of.as_ref();
    prints(
        &mut vcx,
        scope,
        items,
        &format!("views.{name}"),
        of,
        f,
        statics,
    )
    .0
}

/// Print items at `{path}[i]`, a view's in its place; and where each poll item stands: its
/// index among them and the number of items printed before it.
pub(super) fn prints(
    cx: &mut Cx,
    scope: &mut Scope,
    specs: &[model::PrintSpec],
    path: &str,
    of: Option<&String>,
    f: &ResourceFile,
    statics: &HashMap<String, (String, bool)>,
) -> (Vec<PrintDef>, Vec<(usize, usize)>) {
    let (mut out, mut polls) = (Vec::new(), Vec::new());
    for (i, ps) in specs.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if let Some(name) = &ps.view {
            out.extend(view(cx, scope, ps, name, &p, f, statics));
            continue;
        }
        // The wait: its place (this item's, and the number of items printed before it); the
        // operation reads its settings.
        if ps.poll.is_some() {
            if ps.given().iter().any(|k| *k != "poll") {
                cx.err(
                    &p,
                    "a poll item is the wait alone: {poll: {...}} takes no when, versions, of or other print key (it waits only with --poll; a condition or range goes on the items around it).",
                );
            }
            polls.push((i, out.len()));
            continue;
        }
        let kinds = [
            ps.table.is_some(),
            ps.properties.is_some(),
            ps.value.is_some(),
            ps.text.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            cx.err(
                &p,
                "each print item is exactly one of table, properties, value or text (or a view, or a poll).",
            );
            continue;
        }
        if ps.of.is_some() && ps.table.is_none() && ps.properties.is_none() {
            cx.err(
                &format!("{p}.of"),
                "of: says what a table or properties item prints; a text or value item is a template of its own.",
            );
        }
        let when = scope.conds(cx, &ps.when, &format!("{p}.when"));
        let versions = cx.versions(&ps.versions, &p);
        let mut item = PrintDef {
            kind: PrintKind::Text,
            of: None,
            expand: None,
            columns: None,
            named_columns: None,
            sort_by: None,
            rows: &[],
            headers: ("Property", "Value"),
            keys: &[],
            rules: None,
            wrap: None,
            text: None,
            when,
            versions,
        };
        let check_of = |cx: &mut Cx, scope: &mut Scope, of: Option<&String>, at: &str| {
            of.map(|e| scope.expr(cx, e, at))
        };
        if let Some(t) = &ps.table {
            item.kind = PrintKind::Table;
            item.of = check_of(cx, scope, ps.of.as_ref().or(of), &format!("{p}.of"));
            let (listed, named) = match &t.columns {
                Some(model::TableColumns::Listed(c)) => (Some(c), None),
                Some(model::TableColumns::Named(e)) => (None, Some(e)),
                None => (None, None),
            };
            if listed.is_none() && f.columns.is_empty() {
                let sentence = match named {
                    // The key column and the default columns are the resource's.
                    Some(_) => format!(
                        "columns: named at run time keep the key column and show, when none are named, the default columns: give columns on resource '{}'.",
                        f.resource
                    ),
                    None => format!(
                        "a table needs columns: give them here or on resource '{}'.",
                        f.resource
                    ),
                };
                cx.err(&format!("{p}.table"), sentence);
            }
            let saved = scope.roots.clone();
            item.columns =
                listed.map(|c| slice(columns(cx, scope, c, &format!("{p}.table.columns"), None)));
            scope.roots = saved;
            item.named_columns = named.map(|e| scope.expr(cx, e, &format!("{p}.table.columns")));
            if let Some(s) = &t.sort_by {
                let titles: Vec<String> = match &item.columns {
                    Some(c) => c.iter().map(|c| c.title.to_string()).collect(),
                    None => f
                        .columns
                        .iter()
                        .map(|c| match c {
                            model::ColumnSpec::Title(t) => t.clone(),
                            model::ColumnSpec::Full(c) => c.title.clone().unwrap_or_default(),
                        })
                        .collect(),
                };
                if named.is_some() && s != "none" {
                    cx.err(
                        &format!("{p}.table.sort_by"),
                        format!("sort_by '{s}' cannot be checked: the columns are named at run time (columns: {}); write sort_by: none (the server's order) or leave it out (the resource's sort_by, when a column has its title).", named.map_or("", String::as_str)),
                    );
                } else if s != "none" && !titles.contains(s) {
                    cx.err(
                        &format!("{p}.table.sort_by"),
                        format!("sort_by '{s}' is not the title of a column."),
                    );
                }
            }
            item.sort_by = olk(&t.sort_by);
            if let Some(levels) = &t.rows {
                if named.is_some() {
                    cx.err(
                        &format!("{p}.table.columns"),
                        "a table with rows: prints the rows it builds under its columns, listed (columns: [Name, State]); columns: as an expression names fields of the items of of: (write one or the other).",
                    );
                }
                // The table's columns, (title, field): the cells' columns and the rows' names.
                let cols: Vec<(String, String)> = match &item.columns {
                    Some(c) => c
                        .iter()
                        .map(|c| (c.title.to_string(), c.field.to_string()))
                        .collect(),
                    None => f
                        .columns
                        .iter()
                        .map(|c| match c {
                            model::ColumnSpec::Title(t) => (t.clone(), field_of(t)),
                            model::ColumnSpec::Full(c) => {
                                let title = c.title.clone().unwrap_or_default();
                                let field = c.field.clone().unwrap_or_else(|| field_of(&title));
                                (title, field)
                            }
                        })
                        .collect(),
                };
                item.rows = slice(rows_levels(cx, scope, levels, &cols, &format!("{p}.table")));
            }
        } else if let Some(pr) = &ps.properties {
            item.kind = PrintKind::Properties;
            item.of = check_of(cx, scope, ps.of.as_ref().or(of), &format!("{p}.of"));
            item.expand = pr
                .expand
                .as_ref()
                .and_then(|r| cx.resource_ref(r, statics, &format!("{p}.properties.expand")));
            if let Some(h) = &pr.headers {
                match h.as_slice() {
                    [a, b] => item.headers = (lk(a), lk(b)),
                    _ => cx.err(
                        &format!("{p}.properties.headers"),
                        "headers are two titles, e.g. [Quota, Limit].",
                    ),
                }
            }
            item.keys = strs(&pr.keys);
            item.wrap = pr
                .wrap
                .as_ref()
                .map(|w| width(cx, scope, w, &format!("{p}.properties.wrap")));
            item.rules = match pr.show.as_deref() {
                Some("none") => None,
                Some(r) => match statics.get(r) {
                    Some(_) => Some(ResourceDef::reference(lk(r))),
                    None => {
                        cx.err(
                            &format!("{p}.properties.show"),
                            format!("'{r}' names no resource of the spec (or write none)."),
                        );
                        None
                    }
                },
                None => Some(ResourceDef::reference(lk(&f.resource))),
            };
            // The rules' conditions read arguments of the operation printing (`minimal`).
            if let Some(r) = item.rules {
                SHOW_ARGS.with(|m| {
                    for a in m.borrow().get(r.name).into_iter().flatten() {
                        if scope.args.contains_key(a) {
                            scope.used.insert(a.clone());
                        }
                    }
                });
            }
        } else if let Some(v) = &ps.value {
            item.kind = PrintKind::Value;
            item.text = Some(scope.template(cx, v, &format!("{p}.value")));
        } else if let Some(t) = &ps.text {
            item.kind = PrintKind::Text;
            item.text = Some(scope.template(cx, t, &format!("{p}.text")));
        }
        out.push(item);
    }
    (out, polls)
}

/// A table's `rows:`, one level per entry, outer first: each level's `for:` an expression over
/// `it` (what the item prints, in the item's scope; then the entry of the level above), its
/// `row:` templates over the entry; `cells:` names each key's row and column (by title), on
/// the last level only.
fn rows_levels(
    cx: &mut Cx,
    scope: &mut Scope,
    levels: &[model::RowsLevelSpec],
    cols: &[(String, String)],
    table: &str,
) -> Vec<RowsLevelDef> {
    let name = cols.first().map(|(_, f)| f.as_str()).unwrap_or("name");
    let mut out = Vec::new();
    for (k, level) in levels.iter().enumerate() {
        let at = format!("{table}.rows[{k}]");
        // The first level's `for` reads the item's scope and `it`, what the item prints; the
        // later levels', and every row, the entry `it` ({key, value}) of the level above.
        let saved = scope.roots.clone();
        if k > 0 {
            scope.roots.clear();
        }
        scope.roots.push("it".into());
        let items = scope.expr(cx, &level.items, &format!("{at}.for"));
        scope.roots = vec!["it".into()];
        let row: Vec<(String, String)> = match &level.row {
            Some(r) => cx.pairs(r, &format!("{at}.row")),
            None => Vec::new(),
        };
        let row = keyed(
            row.into_iter()
                .map(|(k, tpl)| {
                    let t = scope.template(cx, &tpl, &format!("{at}.row"));
                    (k, t)
                })
                .collect(),
        );
        scope.roots = saved;
        let mut cells = Vec::new();
        for (key, v) in level.cells.iter().flatten() {
            let pair: Option<Vec<String>> = v
                .as_sequence()
                .map(|s| s.iter().filter_map(scalar).collect());
            let key = scalar(key);
            let here = format!("{at}.cells.{}", key.clone().unwrap_or_default());
            match (key, pair.as_deref()) {
                (Some(key), Some([row, col])) => match cols.iter().find(|(t, _)| t == col) {
                    Some((_, field)) => cells.push((lk(&key), lk(row), lk(field))),
                    None => cx.err(
                        &here,
                        format!("cells column '{col}' is not the title of a column of the table."),
                    ),
                },
                _ => cx.err(
                    &here,
                    "each cells key names its row and column: key: [Row, Column].",
                ),
            }
        }
        match (&level.row, &level.cells) {
            (None, None) => cx.err(
                &at,
                "a rows level makes rows: row: (each entry's row), cells: (a key's row and column), or both.",
            ),
            (_, Some(_)) if k + 1 < levels.len() => cx.err(
                &format!("{at}.cells"),
                "cells: merges entries into named rows, which no level can follow: cells is on the last level of rows:.",
            ),
            (Some(_), Some(_)) if !row.iter().any(|(f, _)| *f == name) => cx.err(
                &format!("{at}.row"),
                format!("beside cells:, row: names its row as the cells do, in the first column's field: give it {name}."),
            ),
            _ => {}
        }
        out.push(RowsLevelDef {
            items,
            sort: level.sort,
            row,
            cells: slice(cells),
            name: if level.cells.is_some() { lk(name) } else { "" },
            optional: &[],
        });
    }
    // A column only the rows of keys not listed fill is shown only when one is built.
    let filled_always = |f: &str| {
        out.iter().any(|l| {
            l.cells.iter().any(|(_, _, c)| *c == f)
                || (!l.cells.is_empty() && l.name == f)
                || (l.cells.is_empty() && l.row.iter().any(|(c, _)| *c == f))
        })
    };
    let optional: Vec<Vec<&'static str>> = out
        .iter()
        .map(|l| match l.cells.is_empty() {
            true => Vec::new(),
            false => l
                .row
                .iter()
                .map(|(c, _)| *c)
                .filter(|c| !filled_always(c))
                .collect(),
        })
        .collect();
    for (l, o) in out.iter_mut().zip(optional) {
        l.optional = slice(o);
    }
    out
}
