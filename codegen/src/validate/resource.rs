//! A resource file's own declarations: fields, lookup, default columns.

use super::*;

pub(super) fn resource(
    cx: &mut Cx,
    f: &ResourceFile,
    statics: &HashMap<String, (String, bool)>,
    taken: &mut Taken,
) -> Resource {
    cx.ident(&f.resource, "resource name", "resource");
    cx.ident(&f.manager, "manager name", "manager");

    let mut fields = Vec::new();
    let mut rust_fields = Vec::new();
    let mut json_names = BTreeSet::new();
    let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
    for (i, fs) in f.fields.iter().enumerate() {
        let p = format!("fields[{i}]");
        if !json_names.insert(fs.name.clone()) {
            cx.err(
                &format!("{p}.name"),
                format!("field '{}' is declared twice.", fs.name),
            );
        }
        let rust = fs
            .rust_name
            .clone()
            .unwrap_or_else(|| rust_field_name(&fs.name));
        cx.ident(&rust, "the Rust name of field", &format!("{p}.name"));
        if let Some(other) = rust_names.insert(rust.clone(), fs.name.clone()) {
            cx.err(&format!("{p}.name"), format!("fields '{other}' and '{}' both become the Rust field '{rust}': give one a rust_name.", fs.name));
        }
        let json = lk(&fs.name);
        rust_fields.push((json, rust));
        fields.push(FieldDef {
            json,
            shape: fs.ty,
            optional: fs.optional || fs.nullable,
        });
    }

    // The resource's own columns and show rules name declared fields.
    let no_args = BTreeMap::new();
    let mut unused = BTreeSet::new();
    let mut fscope = Scope {
        any_arg: true,
        ..Scope::plain(&no_args, &[], &mut unused)
    };
    let columns = columns(cx, &mut fscope, &f.columns, "columns", Some(&json_names));
    if let Some(s) = &f.sort_by {
        if !columns.iter().any(|c| c.title == s) {
            cx.err(
                "sort_by",
                format!("sort_by '{s}' is not the title of a column."),
            );
        }
    }
    let mut show = Vec::new();
    for (i, r) in f.show.iter().enumerate() {
        let p = format!("show[{i}]");
        // The keys a column has too: value, format, versions, when.
        let seen = field_view(cx, &mut fscope, r, &p);
        let field = match &r.field {
            Some(field) => {
                if !json_names.contains(field) {
                    cx.err(
                        &format!("{p}.field"),
                        format!(
                            "show rule names no field '{field}' of resource '{}'.",
                            f.resource
                        ),
                    );
                }
                field.as_str()
            }
            None => {
                cx.err(
                    &p,
                    "a show rule needs field: the field it shows (show: [{field: links, drop: true}]).",
                );
                ""
            }
        };
        let drop = r.drop.unwrap_or(false);
        let expand = r
            .expand
            .as_ref()
            .and_then(|res| cx.resource_ref(res, statics, &format!("{p}.expand")));
        // A flattened object's rows are named over the entry `it` ({key, value}) and the
        // field's own entry `it.^` ({key: field, value: object}).
        let flatten = r.flatten.as_ref().map(|t| {
            fscope.any_arg = false;
            fscope.roots = vec!["it".into(), "it.^".into()];
            let t = fscope.template(cx, t, &format!("{p}.flatten"));
            fscope.roots.clear();
            fscope.any_arg = true;
            t
        });
        if drop && (r.flatten.is_some() || r.format.is_some() || r.value.is_some()) {
            cx.err(
                &p,
                "a show rule that drops its field cannot also format or flatten it.",
            );
        }
        if r.title.is_some() && (drop || r.flatten.is_some()) {
            cx.err(
                &format!("{p}.title"),
                "a show rule's title names its field's one row: it cannot go with drop (no row) nor flatten (a row per key).",
            );
        }
        show.push(ShowDef {
            field: lk(field),
            drop,
            flatten,
            title: r.title.as_deref().map(lk),
            expand,
            value: seen.value,
            format: seen.format,
            versions: seen.versions,
            when: seen.when,
        });
    }

    let lookup = f.lookup.as_ref().map(|l| {
        // The two reads are request objects, checked as an operation's: `get` sees the ID,
        // `{id}`, and nothing else.
        let get = model::LookupRequest {
            http: l.get.http.clone(),
            query: None,
            result: l.get.result.clone(),
        };
        let get = lookup_request(cx, &get, "lookup.get", true, f.service);
        let list = lookup_request(cx, &l.list, "lookup.list", false, f.service);
        if exprs(&get.path).unwrap_or_default() != ["id"] {
            cx.err(
                "lookup.get.http",
                "lookup.get must have exactly one placeholder in its path, {id}.",
            );
        }
        let get_key = match get.result {
            None => None,
            Some([]) => None,
            Some([novagen_spec::Step::Key(k)]) => Some(*k),
            Some(_) => {
                cx.err("lookup.get.result", "lookup.get's result is reply or reply.KEY (the key wrapping the resource).");
                None
            }
        };
        let (list_key, items) = match list.result {
            Some([novagen_spec::Step::Key(k)]) => (*k, None),
            Some([novagen_spec::Step::Key(k), novagen_spec::Step::Each, novagen_spec::Step::Key(i)]) => (*k, Some(*i)),
            None => {
                cx.err("lookup.list", "lookup.list needs its result: the path of the list in the reply, e.g. reply.servers.");
                ("", None)
            }
            Some(_) => {
                cx.err("lookup.list.result", "lookup.list's result is reply.KEY, or reply.KEY[].ITEM when each item is wrapped: the name search reads the list page by page.");
                ("", None)
            }
        };
        let match_field = l.match_field.clone().unwrap_or_else(|| "name".into());
        if !json_names.contains(&match_field) {
            cx.err(
                "lookup.match",
                format!(
                    "lookup.match names no field '{match_field}' of resource '{}'.",
                    f.resource
                ),
            );
        }
        // The message when nothing matches is over the text given, `it`.
        if l.otherwise.as_deref() == Some("as_typed") {
            cx.err("lookup.otherwise", "otherwise: as_typed is an argument's choice (resource: {name: ..., otherwise: as_typed}); a resource's otherwise is the message when nothing matches.");
        }
        let missing = l.otherwise.as_ref().map(|t| {
            fscope.any_arg = false;
            fscope.roots = vec!["it".into()];
            let t = fscope.template(cx, t, "lookup.otherwise");
            fscope.roots.clear();
            fscope.any_arg = true;
            t
        });
        let id_field = l.id.clone().unwrap_or_else(|| "id".into());
        if !json_names.contains(&id_field) {
            cx.err(
                "lookup.id",
                format!(
                    "lookup.id names no field '{id_field}' of resource '{}'.",
                    f.resource
                ),
            );
        }
        if !get.query.is_empty() {
            cx.err(
                "lookup.get.query",
                "lookup.get sends no query: the ID is in its path.",
            );
        }
        LookupDef {
            get: lk(&get.path),
            get_key,
            list: lk(&list.path),
            list_key: lk(list_key),
            list_query: slice(list.query),
            name_query: olk(&l.name_query),
            match_field: lk(&match_field),
            ids: l.ids,
            id_field: lk(&id_field),
            items,
            missing,
        }
    });

    let ops = operations(cx, f, &f.operations, statics, taken);
    if lookup.is_none()
        && ops.iter().any(|o| {
            o.def.variants.iter().any(|v| {
                v.poll
                    .as_ref()
                    .is_some_and(|p| p.resource.name == f.resource)
            })
        })
    {
        cx.err(
            "operations",
            format!("poll needs a lookup section on resource '{}'.", f.resource),
        );
    }

    fields.sort_by(|a, b| a.json.cmp(b.json));
    Resource {
        def: ResourceDef {
            name: lk(&f.resource),
            service: f.service,
            lookup,
            columns: slice(columns),
            sort_by: olk(&f.sort_by),
            show: slice(show),
            // Baked as the generated crate's decoder of the typed struct (`bake_static`).
            check: |_| Ok(()),
            fields: slice(fields),
        },
        type_name: camel(&f.resource),
        manager: f.manager.clone(),
        manager_type: format!("{}Manager", camel(&f.manager)),
        rust_fields,
        ops,
    }
}

/// An argument's `otherwise:`: `as_typed` (always), or `{value: as_typed, versions: "2.21-"}`:
/// the range in which a text no resource matches is used as it is.
pub(super) fn as_typed(cx: &mut Cx, o: &serde_yaml::Value, at: &str) -> Option<Range> {
    let words = "otherwise is as_typed, or {value: as_typed, versions: \"2.21-\"} (a text no resource matches is used as it is, in that range).";
    match o {
        serde_yaml::Value::String(w) if w == "as_typed" => Some(Range::ALL),
        serde_yaml::Value::Mapping(m)
            if m.len() == 2 && m.get("value").and_then(|v| v.as_str()) == Some("as_typed") =>
        {
            match m.get("versions").and_then(|v| v.as_str()) {
                Some(v) => Some(cx.versions(&Some(v.to_string()), &format!("{at}.otherwise"))),
                None => {
                    cx.err(&format!("{at}.otherwise"), words);
                    None
                }
            }
        }
        _ => {
            cx.err(&format!("{at}.otherwise"), words);
            None
        }
    }
}

/// A lookup's request, checked as an operation's request is (`step`); what the lookup keeps
/// of it.
pub(super) struct LookupRead {
    pub(super) path: String,
    /// Fixed query parameters.
    pub(super) query: Vec<(&'static str, &'static str)>,
    /// The result's path under `reply`, when it is one.
    pub(super) result: Option<&'static [novagen_spec::Step]>,
}

pub(super) fn lookup_request(
    cx: &mut Cx,
    r: &model::LookupRequest,
    at: &str,
    with_id: bool,
    service: model::Service,
) -> LookupRead {
    let mut args = BTreeMap::new();
    if with_id {
        args.insert("id".to_string(), ArgType::String);
    }
    let mut used = BTreeSet::new();
    let mut scope = Scope::plain(&args, &[], &mut used);
    let fields = RequestFields {
        http: Some((&r.http, at.to_string())),
        query: r.query.as_ref().map(|q| (q, at.to_string())),
        result: r.result.as_ref().map(|e| (e, at.to_string())),
        ..RequestFields::default()
    };
    // A list read as the list operations are (`reply.KEY[].ITEM` unwrapped into `items`).
    let returns = match (with_id, &r.result) {
        (false, Some(_)) => Returns::List,
        _ => Returns::Value,
    };
    let step = step(cx, &mut scope, &fields, service, returns);
    if step.method != "GET" {
        cx.err(
            &format!("{at}.http"),
            format!("{at} reads: its http is GET and a path."),
        );
    }
    let mut query = Vec::new();
    for (k, t) in step.query {
        match t {
            Template::Text([]) => query.push((*k, "")),
            Template::Text([Piece::Text(v)]) => query.push((*k, *v)),
            _ => cx.err(&format!("{at}.query"), format!("{at}'s query '{k}' is fixed text: an argument adds computed ones (resource: {{name: ..., query: ...}}).")),
        }
    }
    let result = match step.result {
        None => None,
        Some(Expr::Path(novagen_spec::Path {
            root: Root::Reply,
            steps,
        })) => match step.items {
            Some(item) => Some(slice([steps, &[Step::Each, Step::Key(item)]].concat())),
            None => Some(steps),
        },
        Some(_) => {
            cx.err(
                &format!("{at}.result"),
                format!("{at}'s result is a path under reply (reply.servers)."),
            );
            Some(&[][..])
        }
    };
    let path = r
        .http
        .split_once(' ')
        .map(|(_, p)| p.trim().to_string())
        .unwrap_or_default();
    LookupRead {
        path,
        query,
        result,
    }
}

/// The keys a column and a show rule share (`model::FieldView`), read alike: `value` (an
/// expression over the field's value, `it`, and nothing else: the runtime evaluates it so),
/// `format`, `versions`, and `when` (a condition over the scope's arguments).
pub(super) struct Seen {
    pub(super) value: Option<Expr>,
    pub(super) format: Option<Format>,
    pub(super) versions: Range,
    pub(super) when: Cond,
}

pub(super) fn field_view(cx: &mut Cx, scope: &mut Scope, v: &model::FieldView, p: &str) -> Seen {
    let value = v.value.as_ref().map(|e| {
        let no_args = BTreeMap::new();
        let mut unused = BTreeSet::new();
        Scope::plain(&no_args, &["it"], &mut unused).expr(cx, e, &format!("{p}.value"))
    });
    Seen {
        value,
        format: v
            .format
            .as_ref()
            .and_then(|f| parse_format(cx, f, &format!("{p}.format"))),
        versions: cx.versions(&v.versions, p),
        when: scope.conds(cx, &v.when, &format!("{p}.when")),
    }
}

/// Columns of a table. `fields`: the declared fields the resource's own columns must name.
pub(super) fn columns(
    cx: &mut Cx,
    scope: &mut Scope,
    specs: &[model::ColumnSpec],
    path: &str,
    fields: Option<&BTreeSet<String>>,
) -> Vec<ColumnDef> {
    let mut out = Vec::new();
    for (i, c) in specs.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let col = match c {
            model::ColumnSpec::Title(t) => ColumnDef {
                title: lk(t),
                field: lk(&field_of(t)),
                value: None,
                format: None,
                versions: Range::default(),
                when: None,
            },
            model::ColumnSpec::Full(c) => {
                let seen = field_view(cx, scope, c, &p);
                column_only(cx, c, &p);
                let title = c.title.clone().unwrap_or_default();
                ColumnDef {
                    title: lk(&title),
                    field: lk(&c.field.clone().unwrap_or_else(|| field_of(&title))),
                    value: seen.value,
                    format: seen.format,
                    versions: seen.versions,
                    when: seen.when,
                }
            }
        };
        if let Some(fields) = fields {
            let root = col.field.split('.').next().unwrap_or_default();
            if !col.title.is_empty() && !fields.contains(root) {
                cx.err(
                    &format!("{p}.field"),
                    format!(
                        "column '{}' names no field '{}' of the resource.",
                        col.title, col.field
                    ),
                );
            }
        }
        out.push(col);
    }
    out
}

/// What a column, unlike a show rule, must have and cannot have: its title, and none of the
/// keys that reshape an object's rows (`drop`, `flatten`) or fetch (`expand`).
fn column_only(cx: &mut Cx, c: &model::FieldView, p: &str) {
    if c.title.is_none() {
        cx.err(
            p,
            "a column needs its title, the table's header: {title: Name, field: name} (or Name alone: the field is the title in lower case with '_' for ' ').",
        );
    }
    if c.drop.is_some() {
        cx.err(
            &format!("{p}.drop"),
            "only a show rule drops a field (show: [{field: links, drop: true}]); a table shows the columns it lists: leave this column out.",
        );
    }
    if c.flatten.is_some() {
        cx.err(
            &format!("{p}.flatten"),
            "only a show rule flattens an object into rows (show: [{field: flavor, flatten: \"{it.^.key}:{it.key}\"}]); a column is one cell per row: write value: (an expression over it) or format: instead.",
        );
    }
    if c.expand.is_some() {
        cx.err(
            &format!("{p}.expand"),
            "only a show rule expands an ID into the resource it names (show: [{field: image, expand: image}]); a column fetches nothing per row: show the ID, or a field of the row (field: image.id).",
        );
    }
}
