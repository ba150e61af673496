//! The request object, the same on an operation, a variant and a step; stand-ins; bodies.

use super::*;

/// YAML merge keys are not applied by the spec reader; taken literally they would be sent.
pub(super) const MERGE_KEY: &str =
    "YAML merge keys (<<: *anchor) are not supported here: write the keys out.";

/// Whether a JSON body has a `<<` key anywhere.
pub(super) fn has_merge_key(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => m.contains_key("<<") || m.values().any(has_merge_key),
        serde_json::Value::Array(a) => a.iter().any(has_merge_key),
        _ => false,
    }
}

/// A JSON body as a tree: each string a template (parsed and checked), other scalars as they
/// are.
pub(super) fn body_tree(cx: &mut Cx, scope: &mut Scope, v: &serde_json::Value, path: &str) -> Body {
    use novagen_spec::Lit;
    match v {
        serde_json::Value::String(s) => Body::Template(scope.template(cx, s, path)),
        serde_json::Value::Array(a) => Body::List(slice(
            a.iter()
                .enumerate()
                .map(|(i, x)| body_tree(cx, scope, x, &format!("{path}[{i}]")))
                .collect(),
        )),
        serde_json::Value::Object(m) if m.contains_key("concat") => concat(cx, scope, m, path),
        serde_json::Value::Object(m) => Body::Object(slice(
            m.iter()
                .map(|(k, x)| {
                    if k.contains('{') {
                        cx.err(
                            path,
                            format!("the body key '{k}' would be sent as written, braces and all: a body's keys are fixed names (an object built from the arguments is a value: {{labels | pairs}})."),
                        );
                    }
                    (lk(k), body_tree(cx, scope, x, &format!("{path}.{k}")))
                })
                .collect(),
        )),
        serde_json::Value::Null => Body::Lit(Lit::Null),
        serde_json::Value::Bool(b) => Body::Lit(Lit::Bool(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Body::Lit(Lit::Int(i)),
            None => Body::Lit(Lit::Float(n.as_f64().unwrap_or_default())),
        },
    }
}

/// `{concat: [part, ...]}`: one list from its parts, each a body (a list gives its items) or
/// `{when: <condition>, item: <body>}` (one item, when the condition holds).
pub(super) fn concat(
    cx: &mut Cx,
    scope: &mut Scope,
    m: &serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Body {
    const FORM: &str = "concat is a body key's only key, a list of parts: each a body (a list gives its items) or {when: <condition>, item: <body>} (concat: [{when: swap, item: {volume_size: \"{swap}\"}}, \"{block_device}\"]).";
    let parts = match (m.len(), m.get("concat")) {
        (1, Some(serde_json::Value::Array(a))) => a,
        _ => {
            cx.err(path, FORM);
            return Body::Lit(novagen_spec::Lit::Absent);
        }
    };
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let path = &format!("{path}.concat[{i}]");
        match p {
            serde_json::Value::Object(o) if o.contains_key("when") || o.contains_key("item") => {
                let (Some(item), true) =
                    (o.get("item"), o.keys().all(|k| k == "when" || k == "item"))
                else {
                    cx.err(path, FORM);
                    continue;
                };
                let when = match o.get("when") {
                    None => None,
                    Some(serde_json::Value::String(c)) => Some(model::When::One(c.clone())),
                    Some(serde_json::Value::Array(a)) => Some(model::When::All(
                        a.iter()
                            .map(|c| c.as_str().unwrap_or_default().to_string())
                            .collect(),
                    )),
                    Some(_) => {
                        cx.err(path, FORM);
                        None
                    }
                };
                let when = scope.conds(cx, &when, path);
                out.push(Part {
                    when,
                    body: body_tree(cx, scope, item, &format!("{path}.item")),
                    item: true,
                });
            }
            other => out.push(Part {
                when: None,
                body: body_tree(cx, scope, other, path),
                item: false,
            }),
        }
    }
    Body::Concat(slice(out))
}

/// `reply.KEY`: the key a list result is read from, page by page.
pub fn reply_key(e: &Expr) -> Option<&'static str> {
    match e {
        Expr::Path(novagen_spec::Path {
            root: Root::Reply,
            steps: [novagen_spec::Step::Key(k)],
        }) => Some(k),
        _ => None,
    }
}

/// A request field and where it was written (the spec path of the entry holding it), so a
/// variant that inherits the operation's body reports a mistake at the operation's line.
pub(super) type At<'a, T> = Option<(&'a T, String)>;

/// The fields of one request, from an operation, a variant or a step.
#[derive(Clone, Default)]
pub(super) struct RequestFields<'a> {
    pub(super) http: At<'a, String>,
    pub(super) query: At<'a, model::Pairs>,
    pub(super) body: At<'a, serde_yaml::Value>,
    pub(super) result: At<'a, String>,
    pub(super) for_each: At<'a, model::Loop>,
    pub(super) collect: At<'a, bool>,
    pub(super) on_error: At<'a, BTreeMap<u16, model::RequestSpec>>,
    pub(super) page: At<'a, model::PageSpec>,
    pub(super) root: At<'a, bool>,
}

impl<'a> RequestFields<'a> {
    pub(super) fn any(&self) -> bool {
        self.http.is_some()
            || self.query.is_some()
            || self.body.is_some()
            || self.result.is_some()
            || self.for_each.is_some()
            || self.collect.is_some()
            || self.on_error.is_some()
            || self.page.is_some()
            || self.root.is_some()
    }

    /// Each field of `self`, or else of `base`.
    pub(super) fn over(self, base: &RequestFields<'a>) -> RequestFields<'a> {
        RequestFields {
            http: self.http.or_else(|| base.http.clone()),
            query: self.query.or_else(|| base.query.clone()),
            body: self.body.or_else(|| base.body.clone()),
            result: self.result.or_else(|| base.result.clone()),
            for_each: self.for_each.or_else(|| base.for_each.clone()),
            collect: self.collect.or_else(|| base.collect.clone()),
            on_error: self.on_error.or_else(|| base.on_error.clone()),
            page: self.page.or_else(|| base.page.clone()),
            root: self.root.or_else(|| base.root.clone()),
        }
    }
}

/// One request, checked.
/// The spec path of a request field: `operations[2].body`.
pub(super) fn at<T>(field: &At<'_, T>, key: &str) -> String {
    field
        .as_ref()
        .map(|(_, p)| format!("{p}.{key}"))
        .unwrap_or_default()
}

pub(super) fn refusals(
    cx: &mut Cx,
    scope: &mut Scope,
    list: &[model::RefuseSpec],
    p: &str,
) -> Vec<RefuseDef> {
    list.iter()
        .enumerate()
        .filter_map(|(k, r)| {
            let at = format!("{p}.refuse[{k}]");
            let when = scope.conds(cx, &Some(r.when.clone()), &format!("{at}.when"));
            let error = scope.template(cx, &r.error, &format!("{at}.error"));
            let kind = r.kind.as_deref().unwrap_or("CommandError");
            let plain = REFUSAL_KINDS.iter().find(|k| **k == kind);
            let status = ERROR_KINDS.iter().find(|(_, k)| *k == kind).map(|(s, _)| *s);
            if plain.is_none() && status.is_none() {
                let known: Vec<&str> = REFUSAL_KINDS[1..]
                    .iter()
                    .copied()
                    .chain(ERROR_KINDS.iter().map(|(_, k)| *k))
                    .collect();
                cx.err(
                    &format!("{at}.kind"),
                    format!(
                        "kind '{kind}' is no exception of novaclient's: CommandError (the default) or one of {}.",
                        known.join(", ")
                    ),
                );
            }
            Some(RefuseDef {
                when: when?,
                error,
                status,
                kind: plain.copied().unwrap_or("CommandError"),
            })
        })
        .collect()
}

/// The stand-in of `on_error: {STATUS: <request>}`: a step after `main`, sent only when `main`
/// failed with that status, under `main`'s name, condition and range.
pub(super) fn stand_in(
    cx: &mut Cx,
    scope: &mut Scope,
    r: &RequestFields,
    default_service: model::Service,
    returns: Returns,
    main: &StepDef,
) -> Option<StepDef> {
    let (map, p) = r.on_error.as_ref()?;
    let at = format!("{p}.on_error");
    let mut entries = map.iter();
    let (status, spec) = entries.next()?;
    if entries.next().is_some() {
        cx.err(&at, "on_error gives one stand-in request, for one status.");
    }
    let sp = format!("{at}.{status}");
    if !(400..600).contains(status) {
        cx.err(&sp, format!("{status} is no HTTP error status (400-599)."));
    }
    let fields = RequestFields {
        http: spec.http.as_ref().map(|v| (v, sp.clone())),
        query: spec.query.as_ref().map(|v| (v, sp.clone())),
        body: spec.body.as_ref().map(|v| (v, sp.clone())),
        result: spec.result.as_ref().map(|v| (v, sp.clone())),
        for_each: spec.for_each.as_ref().map(|v| (v, sp.clone())),
        collect: spec.collect.then(|| (&spec.collect, sp.clone())),
        on_error: None,
        page: spec.page.as_ref().map(|v| (v, sp.clone())),
        root: spec.root.then(|| (&spec.root, sp.clone())),
    };
    if fields.http.is_none() {
        cx.err(&sp, "a stand-in needs an http request.");
    }
    let mut step = step(cx, scope, &fields, default_service, returns);
    step.merge = main.merge;
    step.refuse = main.refuse;
    step.when = main.when;
    step.versions = main.versions;
    step.on_error = slice(vec![*status]);
    Some(step)
}

/// One request, checked; each mistake is reported at the entry that wrote the field.
pub(super) fn step(
    cx: &mut Cx,
    scope: &mut Scope,
    r: &RequestFields,
    default_service: model::Service,
    returns: Returns,
) -> StepDef {
    let http = r.http.as_ref().map(|(h, _)| h.as_str()).unwrap_or_default();
    let (method, path) = match http.split_once(' ') {
        Some((m, u))
            if ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&m)
                && u.trim().starts_with('/') =>
        {
            (lk(m), u.trim().to_string())
        }
        _ => {
            cx.err(&at(&r.http, "http"), format!("http '{http}' must be a method and a path, e.g. \"POST /servers/{{server}}/action\"."));
            ("GET", "/".to_string())
        }
    };
    let saved = scope.roots.clone();
    let loops: Vec<&String> = match r.for_each.as_ref().map(|(f, _)| *f) {
        None => Vec::new(),
        Some(model::Loop::One(e)) => vec![e],
        Some(model::Loop::Nested(es)) => es.iter().collect(),
    };
    if r.for_each.is_some() && loops.is_empty() {
        cx.err(
            &at(&r.for_each, "for"),
            "for: is a list expression, or nested loops outer first: for: [\"reply[].servers[]\", \"metadata | pairs | keys\"].",
        );
    }
    let mut for_nested = Vec::new();
    let mut for_each = None;
    for (i, f) in loops.iter().enumerate() {
        let e = scope.expr(cx, f, &at(&r.for_each, "for"));
        if i == 0 {
            for_each = Some(e);
            scope.roots.push("it".into());
            // `a[].b[]`: each item has the `a` item it came from, `it.^`.
            if let Expr::Path(p) = e {
                let each = p.steps.iter().filter(|s| **s == novagen_spec::Step::Each);
                if each.count() > 1 {
                    scope.roots.push("it.^".into());
                }
            }
        } else {
            for_nested.push(e);
            // The item of the loop around it.
            scope.roots.push("it.^".into());
        }
    }
    let path = scope.template(cx, &path, &at(&r.http, "http"));
    // A path segment is one value: an argument of several values or an object would be sent
    // as its JSON text.
    if let Template::Text(pieces) = path {
        for piece in pieces {
            if let novagen_spec::Piece::Expr(Expr::Path(novagen_spec::Path {
                root: Root::Arg(name),
                steps: [],
            })) = piece
            {
                if scope.several.contains(*name) {
                    cx.err(
                        &at(&r.http, "http"),
                        format!("'{{{name}}}' holds several values (or an object), and a URL path segment one: loop over them (for: {name}, with {{it}} in the path) or make one text of them ({{{name} | join(',')}})."),
                    );
                }
            }
        }
    }
    let query = match &r.query {
        Some((q, _)) => cx.pairs(q, &at(&r.query, "query")),
        None => Vec::new(),
    };
    let query = keyed(
        query
            .into_iter()
            .map(|(k, t)| {
                let t = scope.template(cx, &t, &at(&r.query, "query"));
                (k, t)
            })
            .collect(),
    );
    let body = r
        .body
        .as_ref()
        .and_then(|(v, _)| match serde_json::to_value(v) {
            Ok(json) => {
                if has_merge_key(&json) {
                    cx.err(&at(&r.body, "body"), MERGE_KEY);
                }
                Some(body_tree(cx, scope, &json, &at(&r.body, "body")))
            }
            Err(e) => {
                cx.err(
                    &at(&r.body, "body"),
                    format!("the body cannot be written as JSON: {e}."),
                );
                None
            }
        });
    // A result is an expression over the reply's body (`reply`) and headers (`headers`,
    // lower-case names).
    let mut result = r.result.as_ref().map(|(res, _)| {
        let saved = std::mem::replace(&mut scope.roots, vec!["reply".into(), "headers".into()]);
        let e = scope.expr(cx, res, &at(&r.result, "result"));
        scope.roots = saved;
        e
    });
    scope.roots = saved;
    // `reply.keypairs[].keypair`: the list is under `keypairs`, each item wrapped in `keypair`.
    let mut items = None;
    if let Some(Expr::Path(novagen_spec::Path {
        root: Root::Reply,
        steps: [Step::Key(list), Step::Each, Step::Key(item)],
    })) = &result
    {
        items = Some(*item);
        result = Some(Expr::Path(novagen_spec::Path {
            root: Root::Reply,
            steps: slice(vec![Step::Key(list)]),
        }));
    }
    if r.collect.is_some() && for_each.is_none() {
        cx.err(
            &at(&r.collect, "collect"),
            "collect keeps each item's outcome of a loop: it needs for.",
        );
    }
    let page = r.page.as_ref().map(|(pg, _)| {
        let pp = at(&r.page, "page");
        if method != "GET" {
            cx.err(&pp, "page: asks a GET again for its next pages: the request must be a GET.");
        }
        if for_each.is_some() {
            cx.err(&pp, "page: and for: do not go together: page a request sent once.");
        }
        let qp = format!("{pp}.query");
        let pairs = cx.pairs(&pg.query, &qp);
        if pairs.is_empty() {
            cx.err(&qp, "page.query gives the query that asks for the next page (a marker over the last page's result, reply).");
        }
        // The next page's query reads the last page's result as `reply`.
        let saved = scope.roots.clone();
        scope.roots.push("reply".into());
        let query = keyed(
            pairs
                .into_iter()
                .map(|(k, t)| {
                    let t = scope.template(cx, &t, &qp);
                    (k, t)
                })
                .collect(),
        );
        scope.roots = saved;
        let (by, concat, sum) = match &pg.merge {
            Some(m) => {
                let mp = format!("{pp}.merge");
                if m.concat.is_empty() && m.sum.is_empty() {
                    cx.err(&mp, "page.merge names the fields merged: concat (lists joined) and sum (numbers added).");
                }
                for k in m.concat.iter().filter(|k| m.sum.contains(k)) {
                    cx.err(&mp, format!("'{k}' is both in concat and in sum."));
                }
                (olk(&m.by), strs(&m.concat), strs(&m.sum))
            }
            None => (None, &[][..], &[][..]),
        };
        PageDef {
            query,
            by,
            concat,
            sum,
        }
    });
    let simple_key = result.as_ref().is_some_and(|e| reply_key(e).is_some());
    let paged = method == "GET"
        && returns == Returns::List
        && simple_key
        && for_each.is_none()
        && page.is_none();
    if items.is_some() && !paged {
        cx.err(
            &at(&r.result, "result"),
            "a result of the form reply.KEY[].ITEM (each item wrapped) is for a GET returning a list under a key.",
        );
    }
    if returns == Returns::List && result.is_none() {
        cx.err(
            &at(&r.http, "http"),
            "a list operation needs the result key holding the list.",
        );
    }
    StepDef {
        for_each,
        for_nested: slice(for_nested),
        // Every request of a resource goes to its service (`service:` of the resource file).
        service: default_service,
        method,
        path,
        query,
        body,
        result,
        items,
        paged,
        merge: false,
        on_error: &[],
        collect: r.collect.is_some(),
        refuse: &[],
        when: None,
        versions: Range::default(),
        page,
        root: r.root.is_some(),
    }
}
