//! From an operation definition and argument values to HTTP requests, and from the replies to a
//! result: microversion checks, defaults, the variant that applies, each step's URL, query and
//! body templates, results, pagination, `for_each`; plus name-or-ID lookup and polling, which
//! the CLI (not the library call) asks for.

use super::defs::{
    ArgDef, ArgType, Expr, Ids, OpDef, PageDef, Range, RefuseDef, ResourceDef, Returns, Service,
    StepDef, Template, VariantDef, Version,
};
use super::error::Error;
use super::page::{Lean, Page, SlotPlan};
use super::scope::Resolver;
use super::scope::{self as sc, holds, refused, Env};
use super::session::Client;
use super::{ArgValue, Reply};
use serde_json::{Map, Value};

/// A step's result merged over the previous one: objects key by key, lists item by item (a
/// `for_each` over the previous list); anything else is replaced.
fn merge(previous: Value, this: Value) -> Value {
    match (previous, this) {
        (Value::Object(mut a), Value::Object(b)) => {
            a.extend(b);
            Value::Object(a)
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            Value::Array(a.into_iter().zip(b).map(|(x, y)| merge(x, y)).collect())
        }
        (_, b) => b,
    }
}

/// What a paged list is read as: its key, the key its items are wrapped in, how many are
/// wanted (None: all), and whether it is read for printing only.
struct Listing<'a, 'r> {
    key: &'a str,
    item_key: Option<&'a str>,
    limit: Option<usize>,
    printing: Option<&'a mut Printing<'r>>,
    /// The path is below the endpoint's unversioned root (`root: true`).
    root: bool,
}

/// Turns one item of a list that is only printed (the values of the fields printing reads, by
/// position; None: absent) into its row of cells.
pub type RowMaker<'r> = Box<dyn Fn(&[Option<Value>]) -> Result<Vec<String>, Error> + 'r>;

/// How printing reads a list's items (the answer of [`Client::run_printed`]'s `reads`).
pub struct Reads<'r> {
    /// The top-level fields of each item that printing reads.
    pub fields: Vec<String>,
    /// With it, each page's items become rows as the page arrives and are not kept: the
    /// outcome holds the rows ([`Outcome::rows`]) and an empty list.
    pub row: Option<RowMaker<'r>>,
}

/// The last step's list, read for printing only: its items lean, or made into rows.
struct Printing<'r> {
    lean: Lean,
    rows: Option<Rows<'r>>,
}

/// A printed list's rows, made as its pages arrive.
struct Rows<'r> {
    /// How many of the lean fields are printing's (the rest: required by the type).
    printed: usize,
    row: RowMaker<'r>,
    made: Vec<Vec<String>>,
}

impl Rows<'_> {
    /// A page's items made into rows; returns the page's next link. Each item is checked
    /// against the resource's type as it is read; when one does not fit, the page is read
    /// again as values for the typed decode's own error.
    fn add(
        &mut self,
        lean: &Lean,
        url: &str,
        bytes: &[u8],
        key: &str,
        item_key: Option<&str>,
    ) -> Result<Option<String>, Error> {
        let res = lean.resource;
        let names = &lean.keep[..self.printed];
        if let Some(plan) = SlotPlan::new(names, res) {
            let page = Page::read_slots(url, bytes, key, item_key, &plan)?;
            if page.items.iter().all(|s| s.fits) {
                for item in page.items {
                    self.made.push((self.row)(&item.values)?);
                }
                return Ok(page.next);
            }
        }
        let page = Page::read(url, bytes, key, item_key, Some(&lean.keep))?;
        for item in &page.items {
            res.conform(item)?;
            let values: Vec<Option<Value>> = names.iter().map(|n| item.get(n).cloned()).collect();
            self.made.push((self.row)(&values)?);
        }
        Ok(page.next)
    }
}

/// One HTTP request, built but not sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub service: Service,
    pub method: &'static str,
    /// Relative to the service endpoint, or with `root` to its unversioned root.
    pub path: String,
    /// The path is below the endpoint's unversioned root (`root: true`).
    pub root: bool,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

/// What running an operation left behind: the result, the variant used and the scope its
/// templates saw (arguments, step results), for printing.
pub struct Outcome {
    returns: Returns,
    /// The result's items were checked against the resource's type as they were read (and
    /// keep only the fields printing reads).
    pub checked: bool,
    /// The rows of a list made as its pages arrived ([`Reads::row`]), in the server's order;
    /// the result is then an empty list.
    pub rows: Option<Vec<Vec<String>>>,
    pub variant: &'static VariantDef,
    /// Arguments and step results; `result` is the operation's result.
    pub scope: Value,
}

impl Outcome {
    /// The operation's result, as the scope holds it.
    pub fn result(&self) -> Option<&Value> {
        self.scope.get("result")
    }

    /// The result as a [`Reply`] (moved out, not copied).
    pub fn into_reply(mut self) -> Reply {
        let result = self.scope.get_mut("result").map(Value::take);
        match (self.returns, result) {
            (Returns::Nothing, _) | (Returns::Value, None) => Reply::Empty,
            (Returns::List, Some(Value::Array(items))) => Reply::List(items),
            (Returns::List, _) => Reply::List(Vec::new()),
            (Returns::One, Some(v)) => Reply::One(v),
            (Returns::One, None) => Reply::One(Value::Null),
            (Returns::Value, Some(v)) => Reply::Raw(v),
        }
    }
}

impl Resolver for Client {
    fn fetch(&self, resource: &str, id: &str) -> Result<Value, Error> {
        let res = crate::spec::RESOURCES
            .iter()
            .find(|r| r.name == resource)
            .ok_or_else(|| Error::command(format!("the spec has no resource '{resource}'")))?;
        self.get_resource(res, id)
    }

    fn find(&self, res: &ResourceDef, text: &str) -> Result<Value, Error> {
        Client::find(self, res, text)
    }

    fn version(&self) -> Option<Version> {
        Some(Client::version(self))
    }
}

/// An `exec:` argument vector: each template's value a word (absent or null: none; a list:
/// each item a word).
fn argv(words: &[Template], scope: &Value, v: Version) -> Result<Vec<String>, Error> {
    let env = Env::new(scope, Some(v));
    let mut out = Vec::new();
    for w in words {
        match sc::template(w, &env)? {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => out.extend(items.iter().map(|x| sc::text(Some(x)))),
            Some(x) => out.push(sc::text(Some(&x))),
        }
    }
    Ok(out)
}

impl Client {
    /// Run one operation with `values` in the order of `op.args`; IDs are sent as given.
    pub fn call(&self, op: &'static OpDef, values: &[ArgValue]) -> Result<Reply, Error> {
        self.run(op, values, Map::new()).map(Outcome::into_reply)
    }

    /// Run one operation; `extra` adds roots to the template scope (`typed`, `found`).
    pub fn run(
        &self,
        op: &'static OpDef,
        values: &[ArgValue],
        extra: Map<String, Value>,
    ) -> Result<Outcome, Error> {
        self.run_printed(op, values, extra, &|_, _| None)
    }

    /// [`Client::run`] for a result that is only printed: `reads` tells, for the variant that
    /// applies, which top-level fields of a list's items the printing reads (None: all), and
    /// perhaps how each becomes a row. A list read by the last step then keeps only those, each
    /// item checked against the resource's type as it arrives (the outcome says so:
    /// [`Outcome::checked`]), or only the rows made of them.
    pub fn run_printed<'r>(
        &self,
        op: &'static OpDef,
        values: &[ArgValue],
        extra: Map<String, Value>,
        reads: &dyn Fn(&'static VariantDef, &Value) -> Option<Reads<'r>>,
    ) -> Result<Outcome, Error> {
        let v = self.version();
        let (mut scope, variant) = self.begin(op, values, extra)?;
        // Each step's result is `result` in the scope (and, if the step is named, its name).
        // A failure that a later `on_error` step answers waits for it; if that fails too, the
        // first failure is reported (novaclient's availability-zone-list).
        let mut failed: Option<Error> = None;
        let steps: Vec<&StepDef> = variant
            .steps
            .iter()
            .filter(|s| applies(s, v, &scope))
            .collect();
        let last_lists = steps
            .last()
            .is_some_and(|s| s.paged && s.for_each.is_none() && !s.merge && s.on_error.is_empty());
        let mut printing = match op.returns {
            Returns::List if last_lists => reads(variant, &scope).map(|Reads { fields, row }| {
                let printed = fields.len();
                let mut keep = fields;
                for f in op.resource.required() {
                    if !keep.iter().any(|k| k == f) {
                        keep.push(f.to_string());
                    }
                }
                Printing {
                    lean: Lean {
                        resource: op.resource,
                        keep,
                    },
                    rows: row.map(|row| Rows {
                        printed,
                        row,
                        made: Vec::new(),
                    }),
                }
            }),
            _ => None,
        };
        let lean_step = printing.as_ref().map(|_| steps.len() - 1);
        for (i, step) in steps.iter().enumerate() {
            let lean = printing.as_mut().filter(|_| lean_step == Some(i));
            let answers = |e: &Error| {
                steps
                    .get(i + 1)
                    .is_some_and(|next| e.status().is_some_and(|s| next.on_error.contains(&s)))
            };
            let r = match (failed.take(), step.on_error.is_empty()) {
                (None, false) => continue,
                (Some(first), false) => match self.step(step, &scope, lean) {
                    Ok(r) => r,
                    Err(_) => return Err(first),
                },
                (Some(first), true) => return Err(first),
                (None, true) => match self.step(step, &scope, lean) {
                    Ok(r) => r,
                    Err(e) if answers(&e) => {
                        failed = Some(e);
                        continue;
                    }
                    Err(e) => return Err(e),
                },
            };
            keep(step, &mut scope, r);
            // The step's own checks, over its result (`reply`).
            refuse(step.refuse, &scope, v)?;
        }
        if let Some(first) = failed {
            return Err(first);
        }
        // A local program's argument vector is the result (the caller runs it).
        if !op.exec.is_empty() {
            let argv = argv(op.exec, &scope, v)?;
            scope["result"] = Value::from(argv);
        }
        // The result stays in the scope (printing reads it there); only its shape is checked.
        match (op.returns, scope.get("result")) {
            (Returns::Nothing, _)
            | (Returns::List, Some(Value::Array(_)) | None)
            | (Returns::One | Returns::Value, Some(_))
            | (Returns::Value, None) => {}
            (_, Some(other)) => {
                return Err(Error::Shape {
                    what: "reply".into(),
                    detail: format!("expected {:?}, got {other}", op.returns),
                })
            }
            (Returns::One, None) => {
                return Err(Error::Shape {
                    what: op.resource.name.into(),
                    detail: "the reply holds none".into(),
                })
            }
        }
        Ok(Outcome {
            returns: op.returns,
            checked: lean_step.is_some(),
            rows: printing.and_then(|p| p.rows).map(|r| r.made),
            variant,
            scope,
        })
    }

    /// The argument values in a scope, and the variant that applies.
    fn begin(
        &self,
        op: &'static OpDef,
        values: &[ArgValue],
        extra: Map<String, Value>,
    ) -> Result<(Value, &'static VariantDef), Error> {
        let v = self.version();
        if !op.versions.contains(v) {
            return Err(outside(op.command, op.versions, v));
        }
        let mut scope = Value::Object(extra);
        scope["session"] = self.session_info();
        scope["now"] = sc::now();
        for (i, def) in op.args.iter().enumerate() {
            let given = values.get(i).cloned().unwrap_or(ArgValue::Absent);
            // Defaults may name the session or arguments set before them.
            if let Some(value) = self.prepare(def, given, &scope)? {
                scope[def.name] = value;
            }
        }
        let variant = op
            .variants
            .iter()
            .find(|var| var.versions.contains(v) && holds(&var.when, &scope, v))
            .ok_or_else(|| {
                Error::command(format!(
                    "'{}' cannot be carried out with these arguments at API version {v}.",
                    op.command
                ))
            })?;
        // The client's own checks, before any request (and before any plan of one).
        refuse(op.refuse, &scope, v)?;
        Ok((scope, variant))
    }

    /// The first HTTP request an operation would send, without sending it.
    pub fn plan(&self, op: &'static OpDef, values: &[ArgValue]) -> Result<Planned, Error> {
        let (scope, variant) = self.begin(op, values, Map::new())?;
        let step = variant
            .steps
            .iter()
            .find(|s| applies(s, self.version(), &scope))
            .ok_or_else(|| Error::command(format!("'{}' sends no request here.", op.command)))?;
        let mut s = scope.clone();
        if let (Some(_), Value::Object(m)) = (&step.for_each, &mut s) {
            if let Some((item, parents)) = self.loop_items(step, &scope)?.into_iter().next() {
                m.insert("item".into(), item);
                m.insert("item^".into(), Value::Array(parents));
            }
        }
        self.planned(step, &s)
    }

    /// Every HTTP request an operation would send (the first of each `for_each`), without
    /// sending any: `reply` stands in for the server, giving the body each request would get
    /// back, from which later steps take `result` as [`Client::run`] does.
    pub fn plan_all(
        &self,
        op: &'static OpDef,
        values: &[ArgValue],
        mut reply: impl FnMut(&Planned) -> Option<Value>,
    ) -> Result<Vec<Planned>, Error> {
        let (mut scope, variant) = self.begin(op, values, Map::new())?;
        let mut out = Vec::new();
        for step in variant.steps {
            if !applies(step, self.version(), &scope) {
                continue;
            }
            let mut s = scope.clone();
            if let (Some(_), Value::Object(m)) = (&step.for_each, &mut s) {
                let Some((item, parents)) = self.loop_items(step, &scope)?.into_iter().next()
                else {
                    continue;
                };
                m.insert("item".into(), item);
                m.insert("item^".into(), Value::Array(parents));
            }
            let planned = self.planned(step, &s)?;
            let body = reply(&planned);
            out.push(planned);
            let r = match (&step.result, &step.for_each) {
                (Some(e), None) => self.result(e, body, Map::new())?,
                _ => None,
            };
            keep(step, &mut scope, r);
        }
        Ok(out)
    }

    fn planned(&self, step: &StepDef, scope: &Value) -> Result<Planned, Error> {
        let (path, query, body) = self.parts(step, scope)?;
        Ok(Planned {
            service: step.service,
            method: step.method,
            path,
            root: step.root,
            query,
            body,
        })
    }

    /// `{"project_id": .., "user_id": ..}` of the session, for defaults such as `--tenant`.
    fn session_info(&self) -> Value {
        let mut m = Map::new();
        if let Some(p) = self.project_id() {
            m.insert("project_id".into(), Value::String(p.to_string()));
        }
        if let Some(u) = self.user_id() {
            m.insert("user_id".into(), Value::String(u.to_string()));
        }
        Value::Object(m)
    }

    /// The items a step's loop runs over, each with its parents (innermost first): those of
    /// `for_each`, or with nested loops the innermost items, each nested list evaluated with
    /// the item of the loop around it as `it` (that item is then its first parent).
    fn loop_items(&self, step: &StepDef, scope: &Value) -> Result<Vec<(Value, Vec<Value>)>, Error> {
        let Some(each) = &step.for_each else {
            return Ok(Vec::new());
        };
        let mut items = sc::items(each, &Env::new(scope, Some(self.version())))?;
        for inner in step.for_nested {
            let mut next = Vec::new();
            for (item, parents) in items {
                let mut s = scope.clone();
                if let Value::Object(m) = &mut s {
                    m.insert("item".into(), item.clone());
                    m.insert("item^".into(), Value::Array(parents.clone()));
                }
                for (x, mut px) in sc::items(inner, &Env::new(&s, Some(self.version())))? {
                    px.push(item.clone());
                    px.extend(parents.iter().cloned());
                    next.push((x, px));
                }
            }
            items = next;
        }
        Ok(items)
    }

    /// One step: send it (once per item of `for_each`) and take its result.
    fn step(
        &self,
        step: &StepDef,
        scope: &Value,
        printing: Option<&mut Printing>,
    ) -> Result<Option<Value>, Error> {
        if step.for_each.is_none() {
            return self.request(step, scope, printing);
        }
        let items = self.loop_items(step, scope)?;
        let mut rows = Vec::new();
        for (item, parents) in items {
            let kept = step.collect.then(|| item.clone());
            let mut s = scope.clone();
            if let Value::Object(m) = &mut s {
                m.insert("item".into(), item);
                m.insert("item^".into(), Value::Array(parents));
            }
            let outcome = self.request(step, &s, None);
            let Some(item) = kept else {
                if let Some(r) = outcome? {
                    rows.push(r);
                }
                continue;
            };
            // How the item's request went, kept beside the item.
            let mut how = Map::new();
            how.insert("item".into(), item);
            match outcome {
                Ok(reply) => {
                    how.insert("ok".into(), Value::Bool(true));
                    if let Some(r) = reply {
                        how.insert("reply".into(), r);
                    }
                }
                Err(e) => {
                    how.insert("ok".into(), Value::Bool(false));
                    how.insert("error".into(), Value::String(e.to_string()));
                }
            }
            rows.push(Value::Object(how));
        }
        Ok(Some(Value::Array(rows)))
    }

    /// A step's path, query and body in a scope.
    #[allow(clippy::type_complexity)]
    fn parts(
        &self,
        step: &StepDef,
        scope: &Value,
    ) -> Result<(String, Vec<(String, String)>, Option<Value>), Error> {
        let env = Env::new(scope, Some(self.version()));
        let path = fill_path(&step.path, &env)?;
        let mut query = Vec::new();
        for (k, t) in step.query {
            match sc::template(t, &env)? {
                None | Some(Value::Null) => {}
                Some(Value::Array(items)) => {
                    for it in items {
                        query.push((k.to_string(), sc::text(Some(&it))));
                    }
                }
                Some(v) => query.push((k.to_string(), sc::text(Some(&v)))),
            }
        }
        let body = match &step.body {
            Some(b) => Some(sc::fill(b, &env)?.unwrap_or(Value::Null)),
            None => None,
        };
        Ok((path, query, body))
    }

    /// One HTTP request of a step.
    fn request(
        &self,
        step: &StepDef,
        scope: &Value,
        printing: Option<&mut Printing>,
    ) -> Result<Option<Value>, Error> {
        let (path, mut query, body) = self.parts(step, scope)?;
        if step.paged {
            let key = step
                .result
                .as_ref()
                .and_then(sc::reply_key)
                .unwrap_or_default();
            // The page size query (`api.page.size_query`) caps the whole list, not just one
            // page; a negative value means all.
            let size = crate::spec::API.page.size_query;
            let limit = query
                .iter()
                .find(|(k, _)| k == size)
                .and_then(|(_, v)| v.parse::<i64>().ok());
            if limit.is_some_and(|l| l < 0) {
                query.retain(|(k, _)| k != size);
            }
            let limit = limit.and_then(|l| usize::try_from(l).ok());
            let list = Listing {
                key,
                item_key: step.items,
                limit,
                printing,
                root: step.root,
            };
            let items = self.list_pages(step.service, &path, query, list)?;
            return Ok(Some(Value::Array(items)));
        }
        let first = self.one_request(step, &path, &query, body.as_ref())?;
        let Some(page) = &step.page else {
            return Ok(first);
        };
        self.more_pages(step, page, scope, &path, query, first)
    }

    /// One request of a step, sent once, and its result.
    fn one_request(
        &self,
        step: &StepDef,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<Option<Value>, Error> {
        let reply = self
            .send_bytes_at(step.service, step.root, step.method, path, query, body)?
            .decode()?;
        let Some(result) = &step.result else {
            return Ok(None);
        };
        // The result reads the body (`reply`) and the headers (`headers`, lower-case names).
        let mut headers = Map::new();
        for (name, v) in reply.headers.iter() {
            if let Ok(t) = v.to_str() {
                headers
                    .entry(name.as_str().to_ascii_lowercase())
                    .or_insert_with(|| Value::String(t.to_string()));
            }
        }
        self.result(result, reply.body, headers)
    }

    /// `page:`: the request sent again with the next page's query (templates over the last
    /// page's result, `reply`) until a page for which it is all absent, which is not merged;
    /// each other page merged into the first (novaclient's marker loop of usage at 2.40+). A
    /// query already asked, or more than `api.page.cap` pages, is an error.
    fn more_pages(
        &self,
        step: &StepDef,
        page: &PageDef,
        scope: &Value,
        path: &str,
        query: Vec<(String, String)>,
        first: Option<Value>,
    ) -> Result<Option<Value>, Error> {
        let Some(mut merged) = first else {
            return Ok(None);
        };
        let next_query = |last: &Value| -> Result<Option<Vec<(String, String)>>, Error> {
            let mut s = scope.clone();
            if let Value::Object(m) = &mut s {
                m.insert("result".into(), last.clone());
            }
            let env = Env::new(&s, Some(self.version()));
            let mut added = Vec::new();
            for (k, t) in page.query {
                match sc::template(t, &env)? {
                    None | Some(Value::Null) => {}
                    Some(Value::String(t)) if t.is_empty() => {}
                    Some(v) => added.push((k.to_string(), sc::text(Some(&v)))),
                }
            }
            if added.is_empty() {
                return Ok(None);
            }
            let mut q: Vec<(String, String)> = query
                .iter()
                .filter(|(k, _)| !added.iter().any(|(a, _)| a == k))
                .cloned()
                .collect();
            q.extend(added);
            Ok(Some(q))
        };
        let mut seen = std::collections::HashSet::new();
        let mut next = next_query(&merged)?;
        while let Some(q) = next.take() {
            if !seen.insert(q.clone()) || seen.len() > crate::spec::API.page.cap as usize {
                return Err(Error::Decode {
                    url: format!("{}{path}", self.endpoint(step.service)?),
                    detail: format!(
                        "the pages do not end: the next page's query repeats one already asked \
                         ({}), or there are more than {} pages",
                        show_query(&q),
                        crate::spec::API.page.cap
                    ),
                });
            }
            let Some(this) = self.one_request(step, path, &q, None)? else {
                break;
            };
            next = next_query(&this)?;
            if next.is_some() {
                merged = merge_page(page, merged, this);
            }
        }
        Ok(Some(merged))
    }

    /// A step's result: its expression over the reply's body and headers.
    fn result(
        &self,
        e: &Expr,
        body: Option<Value>,
        headers: Map<String, Value>,
    ) -> Result<Option<Value>, Error> {
        let mut m = Map::new();
        m.insert("result".into(), body.unwrap_or(Value::Null));
        m.insert("headers".into(), Value::Object(headers));
        let scope = Value::Object(m);
        sc::eval(e, &Env::new(&scope, Some(self.version())))
    }

    /// Check one argument against the session's microversion, apply its default and turn it
    /// into JSON. `None`: not given.
    fn prepare(
        &self,
        def: &ArgDef,
        given: ArgValue,
        scope: &Value,
    ) -> Result<Option<Value>, Error> {
        let v = self.version();
        // A flag not given and a flag given as false are the same; a boolean false is a value.
        let given = match (def.ty, given) {
            (ArgType::Flag, ArgValue::Bool(false)) => ArgValue::Absent,
            (_, g) => g,
        };
        let given = if given.is_absent() {
            if let Some(range) = def.required_versions {
                if range.contains(v) && def.versions.contains(v) {
                    let at = match (range.min, range.max) {
                        (Some(lo), None) => format!("from API version {lo}"),
                        _ => format!("at API versions {}", range.describe(crate::spec::API.min)),
                    };
                    return Err(Error::command(format!(
                        "{} is required {at} (this session uses {v}).",
                        def.cli
                    )));
                }
            }
            match def.default {
                Some(d) if def.versions.contains(v) && def.default_versions.contains(v) => {
                    match sc::template(&d, &Env::new(scope, Some(v)))? {
                        Some(Value::String(s)) => ArgValue::Str(s),
                        Some(other) => return Ok(Some(other)),
                        None => return Ok(None),
                    }
                }
                _ => return Ok(None),
            }
        } else {
            if !def.versions.contains(v) {
                return Err(outside(def.cli, def.versions, v));
            }
            given
        };
        to_json(def, given, self).map(Some)
    }

    /// GET a list and every following page (`<key>_links` rel=next, or Glance's `next`). A next
    /// link is read for its query only (the marker): the next page is asked of the same path on
    /// the catalog's endpoint, whatever host the link names, and a query already asked ends the
    /// listing with an error (a server that links a page to itself).
    fn list_pages(
        &self,
        service: Service,
        path: &str,
        query: Vec<(String, String)>,
        list: Listing,
    ) -> Result<Vec<Value>, Error> {
        let Listing {
            key,
            item_key,
            limit,
            mut printing,
            root,
        } = list;
        let mut items = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut next = Some(query);
        while let Some(q) = next.take() {
            if !seen.insert(q.clone()) {
                return Err(Error::Decode {
                    url: format!("{}{path}", self.endpoint(service)?),
                    detail: format!(
                        "the next link repeats a page already read ({})",
                        show_query(&q)
                    ),
                });
            }
            let reply = self.send_bytes_at(service, root, "GET", path, &q, None)?;
            let (url, bytes) = (&reply.url, &reply.bytes);
            // Rows made as pages arrive (the items not kept), else the items.
            let (before, link, count) = match &mut printing {
                Some(Printing {
                    lean,
                    rows: Some(rows),
                }) => {
                    let before = rows.made.len();
                    let link = rows.add(lean, url, bytes, key, item_key)?;
                    if let Some(l) = limit {
                        rows.made.truncate(l);
                    }
                    (before, link, rows.made.len())
                }
                p => {
                    let lean = p.as_deref().map(|p| &p.lean);
                    let keep = lean.map(|l| l.keep.as_slice());
                    let page = Page::read(url, bytes, key, item_key, keep)?;
                    if let Some(l) = lean {
                        page.items.iter().try_for_each(|v| l.resource.conform(v))?;
                    }
                    let before = items.len();
                    items.extend(page.items);
                    if let Some(l) = limit {
                        items.truncate(l);
                    }
                    (before, page.next, items.len())
                }
            };
            if limit.is_some_and(|l| count >= l) || count == before {
                break;
            }
            let Some(link) = link else { break };
            // Against a server whose next links never end (`api.page.cap`): a list that
            // would go on is an error, not cut off.
            let cap = crate::spec::API.page.cap;
            if seen.len() >= cap as usize {
                return Err(Error::Decode {
                    url: url.clone(),
                    detail: format!(
                        "the list has more than {cap} pages (a safety cap): stopped \
                         there rather than give part of it"
                    ),
                });
            }
            next = Some(next_query(url, &link)?);
        }
        Ok(items)
    }

    /// Fetch one resource by its ID.
    pub fn get_resource(&self, res: &ResourceDef, id: &str) -> Result<Value, Error> {
        let lookup = res
            .lookup
            .as_ref()
            .ok_or_else(|| Error::command(format!("{}s cannot be looked up.", res.name)))?;
        let path = lookup.get.replace("{id}", &encode_segment(id)?);
        let reply = self.send(res.service, "GET", &path, &[], None)?;
        let body = reply.body.unwrap_or(Value::Null);
        match lookup.get_key {
            Some(k) => body
                .get(k)
                .cloned()
                .ok_or_else(|| missing_key(&reply.url, Some(k))),
            None => Ok(body),
        }
    }

    /// Find a resource by name or ID, as python-novaclient's `find_resource` does: an ID first
    /// (any text for resources whose IDs are not UUIDs, else a UUID-looking text), then an
    /// exact match on the lookup's field, then an integer ID. `query` narrows the name search.
    pub fn find_with(
        &self,
        res: &ResourceDef,
        name_or_id: &str,
        query: &[(String, String)],
    ) -> Result<Value, Error> {
        let lookup = res.lookup.as_ref().ok_or_else(|| {
            Error::command(format!("{}s cannot be looked up by name or ID.", res.name))
        })?;
        let try_get = |id: &str| match self.get_resource(res, id) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        };
        // A text no URL can carry (`..`) can still be a name.
        let sendable = encode_segment(name_or_id).is_ok();
        if sendable
            && match lookup.ids {
                Ids::Any => true,
                Ids::Uuid => is_uuid(name_or_id),
                Ids::None => false,
            }
        {
            if let Some(v) = try_get(name_or_id)? {
                return Ok(v);
            }
        }
        let mut q: Vec<(String, String)> = lookup
            .list_query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        q.extend(query.iter().cloned());
        if let Some(nq) = lookup.name_query {
            q.push((nq.to_string(), name_or_id.to_string()));
        }
        let list = Listing {
            key: lookup.list_key,
            item_key: lookup.items,
            limit: None,
            printing: None,
            root: false,
        };
        let all = self.list_pages(res.service, lookup.list, q, list)?;
        let mut matches = all
            .into_iter()
            .filter(|v| v.get(lookup.match_field).and_then(Value::as_str) == Some(name_or_id));
        match (matches.next(), matches.next()) {
            (Some(one), None) => return Ok(one),
            (Some(_), Some(_)) => {
                return Err(Error::command(format!(
                    "Multiple {} matches found for '{name_or_id}', use an ID to be more specific.",
                    res.name
                )))
            }
            (None, _) => {}
        }
        if lookup.ids == Ids::Uuid && name_or_id.parse::<i64>().is_ok() {
            if let Some(v) = try_get(name_or_id)? {
                return Ok(v);
            }
        }
        Err(Error::NoMatch(match lookup.missing {
            Some(t) => {
                let given = Value::String(name_or_id.to_string());
                let env = Env::new(&Value::Null, Some(self.version())).with(&[&given]);
                sc::text_of(&t, &env)?
            }
            None => format!(
                "No {} with a name or ID of '{name_or_id}' exists.",
                res.name
            ),
        }))
    }

    /// Find a resource by name or ID.
    pub fn find(&self, res: &ResourceDef, name_or_id: &str) -> Result<Value, Error> {
        self.find_with(res, name_or_id, &[])
    }

    /// Wait until the resource's `field` (lower-cased) is one of `until`, printing
    /// novaclient's progress line (`Server building... 40% complete`) to `out`.
    pub fn poll(
        &self,
        p: &super::defs::PollDef,
        id: &str,
        report: &mut dyn super::progress::Report,
    ) -> Result<(), Error> {
        report.start(p).map_err(Error::Output)?;
        // What the polled resource says, read as `api.yaml`'s `poll:` rules say.
        let rules = &crate::spec::API.poll;
        loop {
            let obj = self.get_resource(p.resource, id)?;
            let scope = serde_json::json!({ "result": obj });
            let env = Env::new(&scope, Some(self.version()));
            let read = |e: &Expr| sc::eval(e, &env).ok().flatten();
            let status = read(&rules.status);
            let status = status
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_lowercase();
            if p.until.contains(&status.as_str()) {
                return report.finished(p).map_err(Error::Output);
            }
            if let Some((_, word)) = rules.failed.iter().find(|(s, _)| *s == status) {
                report.failed(p, word).map_err(Error::Output)?;
                let fault = read(&rules.fault);
                let fault = fault
                    .as_ref()
                    .and_then(Value::as_str)
                    .map(str::trim)
                    .unwrap_or("no fault recorded");
                return Err(Error::State(format!(
                    "{} {id} is in {status} state: {fault}",
                    p.resource.name
                )));
            }
            let pct = p.progress.as_ref().and_then(read);
            let pct = pct.as_ref().and_then(Value::as_i64).unwrap_or(0);
            report.progress(p, pct).map_err(Error::Output)?;
            std::thread::sleep(self.poll_interval());
        }
    }
}

/// A page's result merged into the pages before it (`page.merge`): lists item by item, an item
/// whose `by` field equals an earlier item's merged into that one, any other appended; objects
/// by joining their `concat` lists and adding their `sum` numbers (the first page's other keys
/// kept).
fn merge_page(page: &PageDef, into: Value, this: Value) -> Value {
    match (into, this) {
        (Value::Array(mut items), Value::Array(more)) => {
            for item in more {
                let key = page.by.and_then(|k| item.get(k)).cloned();
                let same = key.and_then(|key| {
                    items
                        .iter()
                        .position(|x| page.by.and_then(|k| x.get(k)) == Some(&key))
                });
                match same {
                    Some(i) => {
                        let old = std::mem::take(&mut items[i]);
                        items[i] = merge_page(page, old, item);
                    }
                    None => items.push(item),
                }
            }
            Value::Array(items)
        }
        (Value::Object(mut a), Value::Object(b)) => {
            for k in page.concat {
                let mut list = match a.remove(*k) {
                    Some(Value::Array(l)) => l,
                    Some(other) => vec![other],
                    None => Vec::new(),
                };
                match b.get(*k) {
                    Some(Value::Array(l)) => list.extend(l.iter().cloned()),
                    Some(other) => list.push(other.clone()),
                    None => {}
                }
                a.insert(k.to_string(), Value::Array(list));
            }
            for k in page.sum {
                let x = a.get(*k).cloned();
                let y = b.get(*k);
                let total = match (x.as_ref(), y) {
                    (Some(Value::Number(x)), Some(Value::Number(y))) => {
                        match (x.as_i64(), y.as_i64()) {
                            (Some(x), Some(y)) if x.checked_add(y).is_some() => Value::from(x + y),
                            _ => Value::from(x.as_f64().unwrap_or(0.0) + y.as_f64().unwrap_or(0.0)),
                        }
                    }
                    (None, Some(y)) => y.clone(),
                    (Some(x), _) => x.clone(),
                    (None, None) => continue,
                };
                a.insert(k.to_string(), total);
            }
            Value::Object(a)
        }
        (a, _) => a,
    }
}

/// Whether a step runs at this version with these arguments.
/// A step's result becomes `result` in the scope (and its name's), merged over the previous
/// one with `merge: true`.
fn keep(step: &StepDef, scope: &mut Value, r: Option<Value>) {
    let Value::Object(m) = scope else { return };
    let r = match (step.merge, m.remove("result"), r) {
        (true, Some(a), Some(b)) => Some(merge(a, b)),
        (_, _, r) => r,
    };
    if let Some(r) = r {
        m.insert("result".into(), r);
    }
}

/// The first of `checks` that holds, as its error: novaclient's CommandError, or the
/// exception of the HTTP status its `kind:` names (`NotFound`: `<error> (HTTP 404)`).
fn refuse(checks: &[RefuseDef], scope: &Value, v: Version) -> Result<(), Error> {
    for check in checks {
        if refused(&check.when, scope, v)? {
            let message = sc::text_of(&check.error, &Env::new(scope, Some(v)))?;
            return Err(match check.status {
                None if check.kind == "CommandError" => Error::command(message),
                None => Error::Refused {
                    kind: check.kind,
                    message,
                },
                Some(status) => Error::Http {
                    status,
                    message,
                    request_id: None,
                },
            });
        }
    }
    Ok(())
}

fn applies(step: &StepDef, v: Version, scope: &Value) -> bool {
    step.versions.contains(v) && holds(&step.when, scope, v)
}

/// An argument's value as JSON, by its type.
fn to_json(def: &ArgDef, given: ArgValue, r: &dyn Resolver) -> Result<Value, Error> {
    let bad = |what: String| Error::command(format!("{} {what}", def.cli));
    let value = match (def.ty, given) {
        (ArgType::Integer, ArgValue::Str(s)) => Value::from(
            s.trim()
                .parse::<i64>()
                .map_err(|_| bad(format!("must be an integer, not '{s}'.")))?,
        ),
        (ArgType::Number, ArgValue::Str(s)) => Value::from(
            s.trim()
                .parse::<f64>()
                .map_err(|_| bad(format!("must be a number, not '{s}'.")))?,
        ),
        (ArgType::Boolean, ArgValue::Str(s)) => {
            Value::Bool(parse_bool(&s).ok_or_else(|| bad("must be true or false.".to_string()))?)
        }
        // Checked as novaclient checks one (an empty text it does not check), sent as typed.
        (ArgType::Datetime, ArgValue::Str(s)) => {
            if !s.is_empty() {
                if let Err(why) = novagen_spec::dates::iso8601(&s) {
                    let given = Value::String(s.clone());
                    let env = Env::new(&Value::Null, r.version()).with(&[&given]);
                    return Err(
                        match def.invalid.map(|t| sc::text_of(&t, &env)).transpose()? {
                            Some(message) => Error::command(message),
                            None => bad(format!(
                                "must be an ISO 8601 date and time, not '{s}': {why}."
                            )),
                        },
                    );
                }
            }
            Value::String(s)
        }
        (ArgType::Record, ArgValue::List(l)) => record(def, &l, r)?,
        (ArgType::Record, ArgValue::Str(s)) => record(def, &[s], r)?,
        (_, other) => other.to_json(),
    };
    if !def.choices.is_empty() {
        let t = sc::text(Some(&value));
        if !def.choices.contains(&t.as_str()) {
            return Err(bad(format!(
                "must be one of {}, not '{t}'.",
                def.choices.join(", ")
            )));
        }
    }
    Ok(value)
}

/// A `record` argument: `k=v,k2=v2` texts as objects (keys renamed as the spec says), or one
/// of the words that stand alone (where `alone`'s versions hold; by itself, and the only value). A key
/// given twice, an unknown key, or not exactly one of the `one_of` keys: the `invalid` message.
fn record(def: &ArgDef, values: &[String], r: &dyn Resolver) -> Result<Value, Error> {
    let bad = |v: &str| -> Error {
        let given = Value::String(v.to_string());
        let env = Env::new(&Value::Null, r.version()).with(&[&given]);
        let custom = def.invalid.map(|t| sc::text_of(&t, &env)).transpose();
        match custom {
            Ok(Some(message)) => Error::command(message),
            Err(e) => e,
            Ok(None) => {
                let form = match def.metavar {
                    Some(m) => m.to_string(),
                    None => {
                        let keys: Vec<String> = def
                            .alone
                            .iter()
                            .map(|w| w.to_string())
                            .chain(def.record_keys.iter().map(|(k, _, _)| format!("{k}=...")))
                            .collect();
                        format!("<{}>", keys.join(","))
                    }
                };
                Error::command(format!(
                    "Invalid {} argument '{v}'. {} arguments must be of the form {} {form}.",
                    def.name,
                    super::output::capitalized(def.name),
                    def.cli
                ))
            }
        }
    };
    // 'auto' or 'none' cannot be used with any other nic arguments
    let mixed = || {
        let words: Vec<String> = def.alone.iter().map(|w| format!("'{w}'")).collect();
        Error::command(format!(
            "{} cannot be used with any other {} arguments",
            words.join(" or "),
            def.name
        ))
    };
    let alone_here = r
        .version()
        .is_none_or(|now| def.alone_versions.contains(now));
    let mut out = Vec::new();
    let mut alone_seen = false;
    for v in values {
        let mut obj = Map::new();
        let mut typed_keys: Vec<&str> = Vec::new();
        for part in v.split(',') {
            if alone_seen {
                return Err(mixed());
            }
            if def.alone.contains(&part) {
                if !alone_here {
                    return Err(bad(v));
                }
                if !typed_keys.is_empty() {
                    return Err(mixed());
                }
                out.push(Value::String(part.to_string()));
                alone_seen = true;
                continue;
            }
            let (k, val) = part.split_once('=').ok_or_else(|| bad(v))?;
            let (sent, through) = def
                .record_keys
                .iter()
                .find(|(typed, _, _)| *typed == k)
                .map(|(_, sent, through)| (*sent, through))
                .ok_or_else(|| bad(v))?;
            if typed_keys.contains(&k) {
                return Err(bad(v));
            }
            typed_keys.push(k);
            // `net-name=private`: the name looked up, its ID sent.
            let looked_up;
            let val = match def.record_resources.iter().find(|(typed, _)| *typed == k) {
                Some((_, res)) => {
                    let found = r.find(res, val)?;
                    let id = res.lookup.as_ref().map_or("id", |l| l.id_field);
                    looked_up = sc::text(found.get(id));
                    looked_up.as_str()
                }
                None => val,
            };
            // `delete_on_termination | case('remove', true)`: the sent key is the typed value.
            let value = match through {
                Some(e) => {
                    let mut typed = Map::new();
                    typed.insert(sent.to_string(), Value::String(val.into()));
                    let typed = Value::Object(typed);
                    sc::eval(e, &Env::new(&typed, r.version()))?
                }
                None => Some(Value::String(val.into())),
            };
            if let Some(value) = value {
                obj.insert(sent.into(), value);
            }
        }
        if alone_seen {
            continue;
        }
        if !def.one_of.is_empty()
            && typed_keys.iter().filter(|k| def.one_of.contains(k)).count() != 1
        {
            return Err(bad(v));
        }
        // Keys not given take their defaults, in order, each a template over the record so far.
        for (key, t) in def.record_defaults {
            if obj.contains_key(*key) {
                continue;
            }
            let record = Value::Object(obj.clone());
            let env = Env::new(&Value::Null, r.version()).with(&[&record]);
            match sc::template(t, &env)? {
                None | Some(Value::Null) => {}
                Some(value) => {
                    obj.insert(key.to_string(), value);
                }
            }
        }
        out.push(Value::Object(obj));
    }
    match (alone_seen, out.len()) {
        (true, 1) => Ok(out.swap_remove(0)),
        (true, _) => Err(bad(values.last().map(String::as_str).unwrap_or_default())),
        (false, _) => Ok(Value::Array(out)),
    }
}

/// Fill the `{expr}` pieces of a URL template, each percent-encoded; one without a value is
/// a required argument missing.
fn fill_path(path: &Template, env: &Env) -> Result<String, Error> {
    use novagen_spec::Piece;
    let one = [Piece::Expr(match path {
        Template::Value(e) => *e,
        Template::Text(_) => Expr::Lit(novagen_spec::Lit::Absent),
    })];
    let pieces: &[Piece] = match path {
        Template::Text(p) => p,
        Template::Value(_) => &one,
    };
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Expr(e) => match sc::eval(e, env)? {
                // One segment is one value: a list or an object would go as its JSON text.
                Some(v @ (Value::Array(_) | Value::Object(_))) => {
                    return Err(Error::command(format!(
                        "{{{e}}} is {}, and a URL path segment holds one value.",
                        if v.is_array() { "a list" } else { "an object" }
                    )));
                }
                Some(v) if !v.is_null() => out.push_str(&encode_segment(&sc::text(Some(&v)))?),
                _ => {
                    let name = e.to_string();
                    let name = name.split([' ', '|', '.']).next().unwrap_or_default();
                    return Err(Error::command(format!(
                        "<{}> is required.",
                        name.replace('_', "-")
                    )));
                }
            },
        }
    }
    Ok(out)
}

/// The refusal of an operation or argument outside its microversion range.
pub fn outside(what: &str, range: Range, v: Version) -> Error {
    Error::command(format!(
        "'{what}' is only supported by API versions {} (this session uses {v}).",
        range.describe(crate::spec::API.min)
    ))
}

/// A resource's `id` as text (flavor IDs are strings, keypair IDs numbers).
pub fn id_of(resource: &Value) -> Option<String> {
    id_in(resource, "id")
}

/// The ID a looked-up resource is sent by: its lookup's `id` field (keypairs: `name`).
pub fn found_id(res: &ResourceDef, found: &Value) -> Option<String> {
    id_in(found, res.lookup.as_ref().map_or("id", |l| l.id_field))
}

/// A resource's identifying field as text (`id`, or keypairs' `name`).
pub fn id_in(resource: &Value, field: &str) -> Option<String> {
    match resource.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn missing_key(url: &str, key: Option<&str>) -> Error {
    Error::Decode {
        url: url.to_string(),
        detail: format!("the reply has no '{}' key", key.unwrap_or("")),
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" | "y" | "on" => Some(true),
        "false" | "f" | "0" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// The query pairs of a next link (absolute, or relative to the page's `url`), decoded; a
/// link that is not one, or not an HTTP(S) one, is an error saying so.
fn next_query(url: &str, link: &str) -> Result<Vec<(String, String)>, Error> {
    let refuse = |why: String| Error::Decode {
        url: url.to_string(),
        detail: format!(
            "the next link '{}' is not {why}",
            super::error::shorten(link)
        ),
    };
    let base = reqwest::Url::parse(url).map_err(|e| refuse(format!("usable ({e})")))?;
    let to = base
        .join(link)
        .map_err(|e| refuse(format!("a valid link ({e})")))?;
    if !matches!(to.scheme(), "http" | "https") {
        return Err(refuse(format!(
            "an HTTP(S) link (its scheme is '{}')",
            to.scheme()
        )));
    }
    Ok(to.query_pairs().into_owned().collect())
}

fn show_query(q: &[(String, String)]) -> String {
    q.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encode one path segment: everything but letters, digits and `-._~`, so that `/`,
/// `%`, `?`, `#` and spaces stay inside it. `.`, `..` and an empty text are refused: every URL
/// library (and nova's router) reads them, encoded or not, as a step in the path
/// (`/os-keypairs/..` is `/`), so no request could carry them.
fn encode_segment(s: &str) -> Result<String, Error> {
    if matches!(s, "" | "." | "..") {
        return Err(Error::command(format!(
            "'{s}' cannot be sent as a name or ID: a URL path segment cannot be '.', '..' or empty."
        )));
    }
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

/// 8-4-4-4-12 hexadecimal, with or without dashes, as `uuid.UUID()` accepts.
pub fn is_uuid(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    let dashes_ok = s.len() == 32
        || (s.len() == 36 && [8, 13, 18, 23].iter().all(|i| s.as_bytes()[*i] == b'-'));
    dashes_ok && hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use novagen_spec::{Piece, Template};
    use serde_json::json;

    /// A list or an object in a URL path is refused, not sent as its JSON text.
    #[test]
    fn a_path_segment_holds_one_value() {
        let path = |e| {
            Template::Text(Box::leak(Box::new([
                Piece::Text("/widgets/"),
                Piece::Expr(e),
            ])))
        };
        let key = novagen_spec::Expr::Path(novagen_spec::Path {
            root: novagen_spec::Root::Reply,
            steps: &[novagen_spec::Step::Key("ids")],
        });
        let scope = json!({"result": {"ids": ["1", "2"]}});
        let env = Env::new(&scope, None);
        let err = fill_path(&path(key), &env).map(|_| ()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "{reply.ids} is a list, and a URL path segment holds one value."
        );
        let scope = json!({"result": {"ids": "7"}});
        let env = Env::new(&scope, None);
        assert_eq!(
            fill_path(&path(key), &env).ok().as_deref(),
            Some("/widgets/7")
        );
    }

    /// `page.merge`: items of equal `by` merged (lists joined, numbers added, the first page's
    /// other keys kept), others appended in the order met; objects merged the same way.
    #[test]
    fn pages_merge_by_key() {
        let page = PageDef {
            query: &[],
            by: Some("tenant_id"),
            concat: &["server_usages"],
            sum: &["total_hours", "count"],
        };
        let first = json!([
            {"tenant_id": "a", "server_usages": [1], "total_hours": 1.5, "count": 1, "start": "x"},
            {"tenant_id": "b", "server_usages": [2], "total_hours": 2.0, "count": 2},
        ]);
        let next = json!([
            {"tenant_id": "b", "server_usages": [3], "total_hours": 0.25, "count": 3, "start": "y"},
            {"tenant_id": "c", "server_usages": [4], "total_hours": 4.0},
        ]);
        assert_eq!(
            merge_page(&page, first, next),
            json!([
                {"tenant_id": "a", "server_usages": [1], "total_hours": 1.5, "count": 1, "start": "x"},
                {"tenant_id": "b", "server_usages": [2, 3], "total_hours": 2.25, "count": 5},
                {"tenant_id": "c", "server_usages": [4], "total_hours": 4.0},
            ])
        );
        let one = json!({"server_usages": [1], "total_hours": 1, "stop": "s"});
        let two = json!({"server_usages": [2], "total_hours": 2.5});
        assert_eq!(
            merge_page(&page, one, two),
            json!({"server_usages": [1, 2], "total_hours": 3.5, "stop": "s"})
        );
        // Without `by`, a list's pages are joined.
        let joined = PageDef { by: None, ..page };
        assert_eq!(
            merge_page(
                &joined,
                json!([{"tenant_id": "a"}]),
                json!([{"tenant_id": "a"}])
            ),
            json!([{"tenant_id": "a"}, {"tenant_id": "a"}])
        );
    }

    fn arg(ty: ArgType) -> ArgDef {
        ArgDef {
            name: "nic",
            cli: "--nic",
            ty,
            positional: false,
            many: true,
            required: false,
            required_versions: None,
            default: None,
            default_versions: Range::ALL,
            choices: &[],
            record_keys: &[("net-id", "uuid", None), ("v4-fixed-ip", "fixed_ip", None)],
            record_resources: &[],
            record_defaults: &[("dest", Template::Text(&[Piece::Text("local")]))],
            alone: &["auto", "none"],
            alone_versions: Range::ALL,
            one_of: &[],
            invalid: None,
            resource: None,
            lookup_query: &[],
            lookup_fallback: None,
            lookup_versions: Range::ALL,
            metavar: None,
            short: None,
            hidden: false,
            prompt: None,
            split: None,
            help: "",
            versions: Range::ALL,
        }
    }

    #[test]
    fn record_forms() {
        let def = arg(ArgType::Record);
        assert_eq!(
            record(&def, &["auto".into()], &crate::runtime::scope::NoResolver).ok(),
            Some(json!("auto"))
        );
        assert_eq!(
            record(
                &def,
                &["net-id=a,v4-fixed-ip=10.0.0.2".into()],
                &crate::runtime::scope::NoResolver
            )
            .ok(),
            Some(json!([{"uuid": "a", "fixed_ip": "10.0.0.2", "dest": "local"}]))
        );
        assert!(record(
            &def,
            &["auto".into(), "none".into()],
            &crate::runtime::scope::NoResolver
        )
        .is_err());
        assert_eq!(
            record(
                &def,
                &["net-id=local".into()],
                &crate::runtime::scope::NoResolver
            )
            .ok(),
            Some(json!([{"uuid": "local", "dest": "local"}]))
        );
        assert!(record(&def, &["bogus".into()], &crate::runtime::scope::NoResolver).is_err());
    }

    #[test]
    fn false_is_a_value() {
        let def = arg(ArgType::Boolean);
        assert_eq!(
            to_json(
                &def,
                ArgValue::Bool(false),
                &crate::runtime::scope::NoResolver
            )
            .ok(),
            Some(json!(false))
        );
        assert_eq!(
            to_json(
                &def,
                ArgValue::Str("false".into()),
                &crate::runtime::scope::NoResolver
            )
            .ok(),
            Some(json!(false))
        );
    }

    #[test]
    fn uuid_check() {
        assert!(is_uuid("3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f"));
        assert!(!is_uuid("my-server"));
        assert!(!is_uuid("1"));
    }

    #[test]
    fn conditions() {
        use novagen_spec::{Cmp, Expr, Lit, Path, Root};
        let arg = |n: &'static str| {
            Expr::Path(Path {
                root: Root::Arg(n),
                steps: &[],
            })
        };
        static HARD: Expr = Expr::Path(Path {
            root: Root::Arg("hard"),
            steps: &[],
        });
        static SET: Expr = Expr::Lit(Lit::Str("set"));
        let m = json!({"hard": true, "action": "set", "public": false});
        let v = Version(2, 1);
        assert!(holds(&None, &m, v));
        assert!(holds(&Some(HARD), &m, v));
        assert!(!holds(&Some(arg("soft")), &m, v));
        let action = Box::leak(Box::new(arg("action")));
        assert!(holds(&Some(Expr::Compare(action, Cmp::Eq, &SET)), &m, v));
        assert!(!holds(&Some(Expr::Compare(action, Cmp::Ne, &SET)), &m, v));
    }
}
