//! Spec files → checked IR. Every problem becomes a [`SpecError`] naming file and line.

use crate::error::SpecError;
use crate::lines::LineIndex;
use crate::model::{self, ApiFile, ExtensionFile, ResourceFile};
use novagen_spec::defs::*;
use novagen_spec::{Expr, Filter, Format, Piece, Root, Step, Template};

/// What validation hands the emitter: `novagen_spec`'s definitions (the one set of types the
/// generated code holds as data and the runtime reads), each with the facts only the
/// generator needs, the Rust names of what it emits, beside it (not in it).
#[derive(Debug)]
pub struct Api {
    /// `api.yaml`'s `api:` settings (`spec::API`).
    pub def: ApiDef,
    /// `api.yaml`'s named display formats.
    pub formats: Vec<NamedFormat>,
    pub resources: Vec<Resource>,
}

/// A resource's definition and the Rust names of its type and manager.
#[derive(Debug)]
pub struct Resource {
    pub def: ResourceDef,
    /// `Server`
    pub type_name: String,
    /// `servers`
    pub manager: String,
    /// `ServersManager`
    pub manager_type: String,
    /// The typed struct's Rust field names, in the order declared (`def.fields` is sorted by
    /// JSON name): (JSON name, Rust name).
    pub rust_fields: Vec<(&'static str, String)>,
    pub ops: Vec<Operation>,
}

/// An operation's definition and the Rust names of its builder and `static`.
#[derive(Debug)]
pub struct Operation {
    pub def: OpDef,
    /// `ServersReboot`: the request builder's type.
    pub builder: String,
    /// `SERVERS_REBOOT`: the static holding its definition.
    pub static_name: String,
}

/// The wrappers read as their definitions (`res.lookup`, `op.variants`).
impl std::ops::Deref for Resource {
    type Target = ResourceDef;
    fn deref(&self) -> &ResourceDef {
        &self.def
    }
}

impl std::ops::Deref for Operation {
    type Target = OpDef;
    fn deref(&self) -> &OpDef {
        &self.def
    }
}

/// A text the generator keeps for the definitions' `'static` fields (a build script is
/// short-lived: what it reads is leaked, as `novagen_spec`'s parser does).
fn lk(s: &str) -> &'static str {
    Box::leak(s.into())
}

fn olk(s: &Option<String>) -> Option<&'static str> {
    s.as_deref().map(lk)
}

fn slice<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn strs(v: &[String]) -> &'static [&'static str] {
    slice(v.iter().map(|s| lk(s)).collect())
}

/// `(key, value)` pairs of texts, kept.
fn pairs(v: Vec<(String, String)>) -> &'static [(&'static str, &'static str)] {
    slice(v.iter().map(|(k, v)| (lk(k), lk(v))).collect())
}

/// `(key, tree)` pairs, kept.
fn keyed<T>(v: Vec<(String, T)>) -> &'static [(&'static str, T)] {
    slice(v.into_iter().map(|(k, t)| (lk(&k), t)).collect())
}
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A spec file read from disk (or given by a test).
pub struct SpecSource {
    pub path: PathBuf,
    pub text: String,
}

/// Read `api.yaml` and every other `*.yaml` of `dir`, in name order.
pub fn read_dir(dir: &Path) -> Result<Vec<SpecSource>, Vec<SpecError>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![SpecError::new(
            dir,
            0,
            format!("cannot read the spec directory: {e}"),
        )]
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => out.push(SpecSource { path, text }),
            Err(e) => {
                return Err(vec![SpecError::new(
                    path,
                    0,
                    format!("cannot read file: {e}"),
                )])
            }
        }
    }
    Ok(out)
}

fn parse<T: serde::de::DeserializeOwned>(src: &SpecSource) -> Result<T, SpecError> {
    // A byte order mark is not YAML; some editors write one.
    let text = src.text.strip_prefix('\u{feff}').unwrap_or(&src.text);
    serde_yaml::from_str(text).map_err(|e| {
        // Within the file as an editor counts it (serde_yaml also breaks lines at a lone `\r`).
        let last = text.lines().count() + 1;
        let line = e.location().map(|l| l.line().min(last)).unwrap_or(0);
        let mut msg = e.to_string();
        // serde_yaml appends " at line L column C"; the line is already in front.
        if let Some(i) = msg.find(" at line ") {
            msg.truncate(i);
        }
        let first_edition = |key: &str| {
            msg.contains(&format!("unknown field `{key}`"))
                // A key kept with another shape: `on_error: [403]`.
                || key
                    .split_once(": ")
                    .is_some_and(|(k, _)| msg.contains(&format!("{k}: invalid type")))
        };
        if let Some((key, instead)) = model::FIRST_EDITION
            .iter()
            .find(|(key, _)| first_edition(key))
        {
            return SpecError::new(
                &src.path,
                line,
                format!("`{key}` is the first edition's: write {instead}"),
            );
        }
        SpecError::new(&src.path, line, format!("invalid spec: {msg}"))
    })
}

/// Parse and check all files; all problems are reported, not just the first.
pub fn validate(sources: &[SpecSource]) -> Result<Api, Vec<SpecError>> {
    let mut errors = Vec::new();
    let mut api: Option<(Version, Version)> = None;
    let mut settings: Option<ApiDef> = None;
    let mut formats: Vec<NamedFormat> = Vec::new();
    let mut files: Vec<(&SpecSource, ResourceFile, LineIndex)> = Vec::new();
    let mut extensions: Vec<(&SpecSource, ExtensionFile, LineIndex)> = Vec::new();
    for src in sources {
        // What is printed is reused one way: a view (which crosses files). A YAML alias
        // there would be a second way.
        let printed = |p: &str| {
            let last = p.rsplit('.').next().unwrap_or(p);
            let last = last.split('[').next().unwrap_or(last);
            ["print", "table", "properties", "columns"].contains(&last)
        };
        if let Some((_, line)) = LineIndex::new(&src.text)
            .aliases
            .into_iter()
            .find(|(p, _)| printed(p))
        {
            errors.push(SpecError::new(
                &src.path,
                line,
                "a YAML alias (*name) of what is printed: a print block several operations share is a view (views: {NAME: [...]} and print: [{view: NAME}]).",
            ));
        }
        let is_api = src.path.file_stem().is_some_and(|s| s == "api");
        if is_api {
            match parse::<ApiFile>(src) {
                Ok(f) => {
                    let idx = LineIndex::new(&src.text);
                    let mut cx = Cx::new(src, &idx, &mut errors, None);
                    settings = api_settings(&mut cx, &f.api);
                    api = settings.as_ref().map(|d| (d.min, d.max));
                    formats = named_formats(&mut cx, &f.formats);
                }
                Err(e) => errors.push(e),
            }
        } else if is_extension(src) {
            match parse::<ExtensionFile>(src) {
                Ok(f) => extensions.push((src, f, LineIndex::new(&src.text))),
                Err(e) => errors.push(e),
            }
        } else {
            match parse::<ResourceFile>(src) {
                Ok(f) => files.push((src, f, LineIndex::new(&src.text))),
                Err(e) => errors.push(e),
            }
        }
    }
    if api.is_none() && errors.is_empty() {
        let dir = sources
            .first()
            .and_then(|s| s.path.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        errors.push(SpecError::new(
            dir.join("api.yaml"),
            0,
            "the spec has no api.yaml giving the client's settings (api: {versions: ...}).",
        ));
    }

    // Names every file may refer to: resource name → (static name, has a lookup).
    let mut statics: HashMap<String, (String, bool)> = HashMap::new();
    let mut taken = Taken::default();
    for (src, f, idx) in &files {
        let mut cx = Cx::new(src, idx, &mut errors, api);
        let static_name = f.resource.to_uppercase();
        if statics
            .insert(
                f.resource.clone(),
                (static_name.clone(), f.lookup.is_some()),
            )
            .is_some()
        {
            cx.err(
                "resource",
                format!(
                    "resource '{}' is declared in more than one file.",
                    f.resource
                ),
            );
        }
        if RESERVED_STATICS.contains(&static_name.as_str())
            || RESERVED_TYPES.contains(&camel(&f.resource).as_str())
        {
            cx.err("resource", format!("resource name '{}' is reserved: the generated code already uses '{}' or '{}'; choose another name.", f.resource, static_name, camel(&f.resource)));
        }
        if RESERVED_MANAGERS.contains(&f.manager.as_str()) {
            cx.err("manager", format!("manager name '{}' is reserved: Client already has a method of that name; choose another name.", f.manager));
        }
        taken.claim(&mut cx, "manager", "a manager", &f.manager, "manager");
        taken.claim(
            &mut cx,
            "type",
            "a Rust type",
            &camel(&f.resource),
            "resource",
        );
        taken.claim(
            &mut cx,
            "type",
            "a Rust type",
            &format!("{}Manager", camel(&f.manager)),
            "manager",
        );
    }

    // Views first: any operation of any file may print one.
    VIEWS.with(|v| v.borrow_mut().clear());
    let views = files
        .iter_mut()
        .map(|(src, f, _)| (*src, std::mem::take(&mut f.views)))
        .collect::<Vec<_>>();
    for (src, views) in views {
        if views.is_empty() {
            continue;
        }
        // Kept for the generator's run, as the definitions are.
        let src: &'static SpecSource = Box::leak(Box::new(SpecSource {
            path: src.path.clone(),
            text: src.text.clone(),
        }));
        let idx: &'static LineIndex = Box::leak(Box::new(LineIndex::new(&src.text)));
        for (name, items) in views {
            let mut cx = Cx::new(src, idx, &mut errors, api);
            let at = format!("views.{name}");
            let before = VIEWS.with(|v| v.borrow().get(&name).map(|o| o.src.path.clone()));
            if let Some(other) = before {
                cx.err(
                    &at,
                    format!(
                        "view '{name}' is also declared in {}: view names are global, rename one.",
                        other.display()
                    ),
                );
                continue;
            }
            for (i, item) in items.iter().enumerate() {
                if item.view.is_some() {
                    cx.err(
                        &format!("{at}[{i}]"),
                        "a view holds print items, not views: write the other view's items here or use both views side by side.",
                    );
                }
            }
            let items: &'static [model::PrintSpec] = Vec::leak(items);
            VIEWS.with(|v| {
                v.borrow_mut().insert(
                    name,
                    View {
                        src,
                        idx,
                        items,
                        used: false,
                    },
                )
            });
        }
    }

    let mut resources = Vec::new();
    let progress = settings.as_ref().map(|d| d.poll.progress);
    let named = show_args(&files.iter().map(|(_, f, _)| f).collect::<Vec<_>>());
    SHOW_ARGS.with(|m| *m.borrow_mut() = named);
    for (src, f, idx) in &files {
        let mut cx = Cx::new(src, idx, &mut errors, api);
        cx.progress = progress;
        resources.push(resource(&mut cx, f, &statics, &mut taken));
    }
    for (src, ext, idx) in &extensions {
        let mut cx = Cx::new(src, idx, &mut errors, api);
        cx.progress = progress;
        let Some(i) = files.iter().position(|(_, f, _)| f.resource == ext.extends) else {
            cx.err(
                "extends",
                format!("'{}' names no resource of the spec.", ext.extends),
            );
            continue;
        };
        // The extended resource's type is the one file's: an extension returns it (typed)
        // only where that resource's lookup reads it, its list or one by ID; else a value.
        let lookup = files[i].1.lookup.as_ref();
        for (j, o) in ext.operations.iter().enumerate() {
            let (reads, how) = match o.returns {
                Some(Returns::List) => (lookup.and_then(|l| l.list.result.as_ref()), "list"),
                Some(Returns::One) => (lookup.and_then(|l| l.get.result.as_ref()), "one"),
                _ => continue,
            };
            let result = o.result.as_ref().map(|r| r.trim());
            if reads.is_none() || result != reads.map(|r| r.trim()) {
                let expected = reads.map_or_else(
                    || format!("{} has no lookup saying where one is read", ext.extends),
                    |r| format!("result: {r}"),
                );
                cx.err(
                    &format!("operations[{j}].returns"),
                    format!("returns: {how} types the reply as {}s, read where its lookup reads them ({expected}); any other reply is returns: value (the JSON as nova sent it).", ext.extends),
                );
            }
        }
        let ops = operations(&mut cx, &files[i].1, &ext.operations, &statics, &mut taken);
        resources[i].ops.extend(ops);
    }
    let unused = VIEWS.with(|v| {
        v.borrow()
            .iter()
            .filter(|(_, view)| !view.used)
            .map(|(name, view)| (name.clone(), view.src, view.idx))
            .collect::<Vec<_>>()
    });
    for (name, src, idx) in unused {
        Cx::new(src, idx, &mut errors, api).err(
            &format!("views.{name}"),
            format!("view '{name}' is printed by no operation: use it (print: [{{view: {name}}}]) or remove it."),
        );
    }
    // A view used by several operations reports a problem of its own once.
    let mut seen = BTreeSet::new();
    errors.retain(|e| seen.insert((e.file.clone(), e.line, e.message.clone())));
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(def) = settings else {
        return Err(errors);
    };
    Ok(Api {
        def,
        formats,
        resources,
    })
}

/// Names the generated code defines once across all files: commands, managers, Rust types
/// and statics. The first claim wins; a second is refused with where the first was.
#[derive(Default)]
struct Taken {
    names: HashMap<(&'static str, String), (PathBuf, usize)>,
}

impl Taken {
    fn claim(&mut self, cx: &mut Cx, space: &'static str, what: &str, name: &str, path: &str) {
        let here = (cx.src.path.clone(), cx.line(path));
        if let Some((file, line)) = self.names.get(&(space, name.to_string())) {
            let msg = format!(
                "{what} named '{name}' is already declared at {}:{line}.",
                file.display()
            );
            cx.err(path, msg);
        } else {
            self.names.insert((space, name.to_string()), here);
        }
    }
}

/// Statics of the generated `spec` module besides the resources'.
const RESERVED_STATICS: &[&str] = &[
    "OPERATIONS",
    "RESOURCES",
    "MIN_VERSION",
    "MAX_VERSION",
    "API",
    "FORMATS",
];

/// Type names a resource may not take: the runtime's and the prelude's.
const RESERVED_TYPES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Result",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Value",
    "Map",
    "Error",
    "Client",
    "Record",
    "Version",
    "Request",
    "Reply",
    "StringOrInteger",
    "Self",
];

/// Methods of `Client` a manager accessor would collide with.
const RESERVED_MANAGERS: &[&str] = &[
    "call",
    "connect",
    "endpoint",
    "find",
    "find_with",
    "get_resource",
    "poll",
    "project_id",
    "run",
    "send",
    "user_id",
    "version",
    "offline",
    "preview",
    "display_ref",
];

/// Argument names that would clash with `nova`'s global options, clap's own, the template
/// roots, or the builder's methods and locals.
pub const RESERVED_ARGS: &[&str] = &[
    "help",
    "version",
    "format",
    "column",
    "no_cache",
    "max_reply_mb",
    "debug",
    "timeout",
    "insecure",
    "poll",
    "poll_interval",
    "typed",
    "found",
    "session",
    "result",
    "item",
    "ok",
    "error",
    "header",
    "send",
    "preview",
    "client",
    "req",
    "new",
    "values",
    "request",
    "find",
    "now",
];

/// The commands `nova` has of its own (the runtime's `builtin::subcommands`; a test keeps the
/// two lists equal).
pub const RESERVED_COMMANDS: &[&str] = &[
    "help",
    "completion",
    "bash-completion",
    "man",
    "cache-clear",
];

struct Cx<'a> {
    src: &'a SpecSource,
    idx: &'a LineIndex,
    errors: &'a mut Vec<SpecError>,
    api: Option<(Version, Version)>,
    /// `api.poll.progress`: a poll's percentage unless it says otherwise.
    progress: Option<Expr>,
}

impl<'a> Cx<'a> {
    fn new(
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

    fn err(&mut self, path: &str, msg: impl Into<String>) {
        self.errors
            .push(SpecError::new(&self.src.path, self.idx.line(path), msg));
    }

    fn line(&self, path: &str) -> usize {
        self.idx.line(path)
    }

    fn version(&mut self, text: &str, path: &str) -> Option<Version> {
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
    fn versions(&mut self, text: &Option<String>, path: &str) -> Range {
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

    fn in_api(&mut self, v: Version, path: &str) {
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

    fn ident(&mut self, name: &str, what: &str, path: &str) {
        if !is_ident(name) {
            self.err(path, format!("{what} '{name}' is not a valid identifier: use lower-case letters, digits and '_', starting with a letter, and no Rust keyword."));
        }
    }

    fn resource_ref(
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

    fn pairs(&mut self, m: &model::Pairs, path: &str) -> Vec<(String, String)> {
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

fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Null => Some("null".into()),
        _ => None,
    }
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !KEYWORDS.contains(&s)
}

/// A column's field by novaclient's rule: the title in lower case, `_` for spaces.
fn field_of(title: &str) -> String {
    title.to_lowercase().replace(' ', "_")
}

fn is_command(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--")
}

fn camel(s: &str) -> String {
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
fn rust_field_name(json: &str) -> String {
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

/// The `{...}` expressions of a template, in order; `Err` names an unclosed brace.
fn exprs(t: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else {
            return Err(format!("'{t}' has a '{{' without its '}}'."));
        };
        out.push(rest[i + 1..i + j].to_string());
        rest = &rest[i + j + 1..];
    }
    Ok(out)
}

/// YAML merge keys are not applied by the spec reader; taken literally they would be sent.
const MERGE_KEY: &str = "YAML merge keys (<<: *anchor) are not supported here: write the keys out.";

/// Whether a JSON body has a `<<` key anywhere.
fn has_merge_key(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => m.contains_key("<<") || m.values().any(has_merge_key),
        serde_json::Value::Array(a) => a.iter().any(has_merge_key),
        _ => false,
    }
}

/// A named print block of `views:`: its file (errors in it are reported there) and items.
struct View {
    src: &'static SpecSource,
    idx: &'static LineIndex,
    items: &'static [model::PrintSpec],
    used: bool,
}

thread_local! {
    /// Every file's `views:` by name, while validating one spec.
    static VIEWS: std::cell::RefCell<HashMap<String, View>> = std::cell::RefCell::new(HashMap::new());
    /// The names of `api.yaml`'s formats, for `format:` checks while validating one spec.
    static FORMAT_NAMES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Per resource, the argument names its show rules' conditions read (`minimal`): an
    /// operation whose properties use those rules uses such an argument of its own.
    static SHOW_ARGS: std::cell::RefCell<HashMap<String, BTreeSet<String>>> = std::cell::RefCell::new(HashMap::new());
}

/// The argument names each resource's show rules' `when:` read (unreadable ones are reported
/// where the rule is checked).
fn show_args(files: &[&model::ResourceFile]) -> HashMap<String, BTreeSet<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for f in files {
        let names = out.entry(f.resource.clone()).or_default();
        for r in &f.show {
            for c in r.when.iter().flat_map(|w| w.items()) {
                if let Ok(e) = novagen_spec::parse_expr(&c) {
                    visit(&e, 0, &mut |root, _| {
                        if let Root::Arg(a) = root {
                            names.insert(a.to_string());
                        }
                    });
                }
            }
        }
    }
    out
}

/// `api.yaml`'s `formats:`: each a table (value text → shown) or an expression over `it`.
fn named_formats(cx: &mut Cx, specs: &BTreeMap<String, model::FormatSpec>) -> Vec<NamedFormat> {
    let no_args = BTreeMap::new();
    let mut used = BTreeSet::new();
    let mut scope = Scope {
        args: &no_args,
        roots: vec!["it".into()],
        used: &mut used,
        any_arg: false,
        looked_up: Vec::new(),
        several: BTreeSet::new(),
    };
    let mut out = Vec::new();
    for (name, f) in specs {
        let at = format!("formats.{name}");
        cx.ident(name, "format name", &at);
        if BUILTIN_FORMATS.contains(&name.as_str()) {
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
fn api_settings(cx: &mut Cx, a: &model::ApiSettings) -> Option<ApiDef> {
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
        },
    })
}

fn is_query_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

/// An expression over a polled resource, `reply` (its only root besides `version`, `now`).
fn over_reply(cx: &mut Cx, e: &str, path: &str) -> Expr {
    let (no_args, mut used) = (BTreeMap::new(), BTreeSet::new());
    let mut scope = Scope {
        args: &no_args,
        roots: vec!["reply".into()],
        used: &mut used,
        any_arg: false,
        looked_up: Vec::new(),
        several: BTreeSet::new(),
    };
    scope.expr(cx, e, path)
}

/// The display formats every spec has (`fixed(n)`, `wrap(n)` take a number).
const BUILTIN_FORMATS: &[&str] = &[
    "pyrepr", "pformat", "quoted", "flatten", "json", "fixed", "wrap",
];

/// A width (`wrap:`): a whole number, or an expression that is one: a number or an argument
/// of `type: integer` (`wrap: wrap`), possibly with `??` / `if` around them.
fn width(cx: &mut Cx, scope: &mut Scope, w: &model::Width, path: &str) -> Expr {
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
fn parse_format(cx: &mut Cx, text: &str, path: &str) -> Option<Format> {
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

/// A JSON body as a tree: each string a template (parsed and checked), other scalars as they
/// are.
fn body_tree(cx: &mut Cx, scope: &mut Scope, v: &serde_json::Value, path: &str) -> Body {
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
fn concat(
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

/// What an expression may name at its root, and the arguments it used.
struct Scope<'s> {
    args: &'s BTreeMap<String, ArgType>,
    /// Extra roots valid here (`item`, `result`, step names, `typed`, ...).
    roots: Vec<String>,
    used: &'s mut BTreeSet<String>,
    /// Conditions may name any argument (a resource's own columns serve many operations).
    any_arg: bool,
    /// The arguments looked up as a resource (`found.NAME`).
    looked_up: Vec<String>,
    /// The arguments whose value is several values (`many:` not run once per value by
    /// `each:`), or an object (`key_value`, `record`): never one URL path segment.
    several: BTreeSet<String>,
}

impl Scope<'_> {
    /// Parse a template (a spec string with `{expr}`s) and check its roots. On a mistake
    /// (reported) an empty template.
    fn template(&mut self, cx: &mut Cx, t: &str, path: &str) -> Template {
        match novagen_spec::parse_template(t) {
            Ok(tp) => {
                let mut roots = Vec::new();
                visit_template(&tp, 0, &mut |r, depth| roots.push((*r, depth)));
                self.roots_in(cx, roots, t, path);
                self.keys_of(cx, &Expr::Template(Box::leak(Box::new(tp))), t, path);
                tp
            }
            Err(e) => {
                cx.err(path, format!("the template \"{t}\" cannot be read: {e}."));
                Template::Text(&[])
            }
        }
    }

    /// Parse an expression and check its roots. On a mistake (reported) `absent`.
    fn expr(&mut self, cx: &mut Cx, e: &str, path: &str) -> Expr {
        match novagen_spec::parse_expr(e) {
            Ok(x) => {
                self.roots_of(cx, &x, e, path);
                x
            }
            Err(err) => {
                cx.err(
                    path,
                    format!("the expression \"{e}\" cannot be read: {err}."),
                );
                Expr::Lit(novagen_spec::Lit::Absent)
            }
        }
    }

    /// A condition (`when:`): each expression parsed and its roots checked; a list is one
    /// `and`.
    fn conds(&mut self, cx: &mut Cx, w: &Option<model::When>, path: &str) -> Cond {
        let w = w.as_ref()?;
        let mut all = Vec::new();
        for c in w.items() {
            match novagen_spec::parse_expr(&c) {
                Ok(e) => {
                    self.roots_of(cx, &e, &c, path);
                    all.push(e);
                }
                Err(e) => cx.err(path, format!("the condition \"{c}\" cannot be read: {e}.")),
            }
        }
        match all.len() {
            0 => None,
            1 => all.pop(),
            _ => Some(Expr::And(Box::leak(all.into_boxed_slice()))),
        }
    }

    /// Check what every path of `e` starts at: an argument of the operation, or a root this
    /// context has (`it` only inside a loop, `found.X` only for an argument looked up).
    fn roots_of(&mut self, cx: &mut Cx, e: &Expr, text: &str, path: &str) {
        let mut roots = Vec::new();
        visit(e, 0, &mut |r, depth| roots.push((*r, depth)));
        self.roots_in(cx, roots, text, path);
        self.keys_of(cx, e, text, path);
    }

    fn keys_of(&mut self, cx: &mut Cx, e: &Expr, text: &str, path: &str) {
        // `rsa_decrypt(key)` takes the key's PEM text: an argument of type file holds it (a
        // path typed by the user, read by nova); any other value would be a file name or a
        // key written into the spec.
        let mut keys = Vec::new();
        pipes(e, &mut |c| {
            if c.filter == Filter::RsaDecrypt {
                keys.extend(c.args.first().copied());
            }
        });
        for k in keys {
            let file = match k {
                Expr::Path(novagen_spec::Path {
                    root: Root::Arg(n),
                    steps: [],
                }) => self.args.get(n) == Some(&ArgType::File),
                _ => false,
            };
            if !file && !self.any_arg {
                cx.err(
                    path,
                    format!(
                        "\"{text}\": rsa_decrypt(key) takes the private key's text: name an argument of type file (the user's key file), e.g. rsa_decrypt(private_key)."
                    ),
                );
            }
        }
    }

    fn roots_in(&mut self, cx: &mut Cx, roots: Vec<(Root, usize)>, text: &str, path: &str) {
        for (root, depth) in roots {
            let has = |name: &str| self.roots.iter().any(|r| r == name);
            let problem = match root {
                Root::Arg(n) => {
                    if n == "headers" && has("headers") {
                        None
                    } else if self.args.contains_key(n) || self.any_arg {
                        self.used.insert(n.to_string());
                        None
                    } else {
                        let known: Vec<&str> = self
                            .args
                            .keys()
                            .map(String::as_str)
                            .chain(self.roots.iter().map(String::as_str))
                            .chain(["version", "now"])
                            .collect();
                        Some(format!(
                            "names '{n}', which is no argument or value known here (known: {}).",
                            known.join(", ")
                        ))
                    }
                }
                Root::Typed(n) | Root::Found(n) => {
                    let (root, given) = match root {
                        Root::Typed(_) => ("typed", self.args.contains_key(n)),
                        _ => ("found", self.looked_up.iter().any(|a| a == n)),
                    };
                    if !has(root) {
                        Some(format!("uses '{root}', which is not known here."))
                    } else if !given {
                        let what = match root {
                            "typed" => "no argument of this operation",
                            _ => "no argument looked up as a resource (resource:)",
                        };
                        Some(format!("names '{root}.{n}', but '{n}' is {what}."))
                    } else {
                        self.used.insert(n.to_string());
                        None
                    }
                }
                Root::Reply => (!has("reply"))
                    .then(|| "uses 'reply', which is known only after a request.".to_string()),
                Root::It => (depth == 0 && !has("it")).then(|| {
                    "uses 'it', which is known only inside a loop (map, where, for).".to_string()
                }),
                Root::Parent(n) => (depth + usize::from(has("it")) + usize::from(has("it.^"))
                    <= usize::from(n))
                .then(|| {
                    format!(
                        "uses 'it{}', but there are not that many loops around it.",
                        ".^".repeat(n.into())
                    )
                }),
                Root::Version | Root::Session(_) | Root::Now => None,
            };
            if let Some(p) = problem {
                cx.err(path, format!("\"{text}\" {p}"));
            }
        }
    }
}

/// Every filter call of `e`, inner ones too.
fn pipes(e: &Expr, f: &mut dyn FnMut(&novagen_spec::Call)) {
    let t = |t: &Template, f: &mut dyn FnMut(&novagen_spec::Call)| match t {
        Template::Value(e) => pipes(e, f),
        Template::Text(pieces) => pieces.iter().for_each(|p| {
            if let Piece::Expr(e) = p {
                pipes(e, f)
            }
        }),
    };
    match e {
        Expr::Lit(_) | Expr::Path(_) => {}
        Expr::Template(x) => t(x, f),
        Expr::List(xs) | Expr::And(xs) | Expr::Or(xs) | Expr::Coalesce(xs) => {
            xs.iter().for_each(|x| pipes(x, f))
        }
        Expr::Pipe(input, calls) => {
            pipes(input, f);
            for c in *calls {
                f(c);
                c.args.iter().for_each(|a| pipes(a, f));
            }
        }
        Expr::Compare(a, _, b) => {
            pipes(a, f);
            pipes(b, f);
        }
        Expr::Not(a) => pipes(a, f),
        Expr::If {
            then,
            cond,
            otherwise,
        } => {
            pipes(then, f);
            pipes(cond, f);
            if let Some(o) = otherwise {
                pipes(o, f);
            }
        }
    }
}

/// Every path root of `e`, with how many loops (`map`, `where`) are around it.
fn visit(e: &Expr, depth: usize, f: &mut dyn FnMut(&Root, usize)) {
    match e {
        Expr::Lit(_) => {}
        Expr::Path(p) => f(&p.root, depth),
        Expr::Template(t) => visit_template(t, depth, f),
        Expr::List(xs) | Expr::And(xs) | Expr::Or(xs) | Expr::Coalesce(xs) => {
            xs.iter().for_each(|x| visit(x, depth, f))
        }
        Expr::Pipe(input, calls) => {
            visit(input, depth, f);
            for c in *calls {
                let inner = match c.filter {
                    Filter::Map | Filter::Where => depth + 1,
                    _ => depth,
                };
                c.args.iter().for_each(|a| visit(a, inner, f));
            }
        }
        Expr::Compare(a, _, b) => {
            visit(a, depth, f);
            visit(b, depth, f);
        }
        Expr::Not(a) => visit(a, depth, f),
        Expr::If {
            then,
            cond,
            otherwise,
        } => {
            visit(then, depth, f);
            visit(cond, depth, f);
            if let Some(o) = otherwise {
                visit(o, depth, f);
            }
        }
    }
}

fn visit_template(t: &Template, depth: usize, f: &mut dyn FnMut(&Root, usize)) {
    match t {
        Template::Value(e) => visit(e, depth, f),
        Template::Text(pieces) => {
            for p in *pieces {
                if let Piece::Expr(e) = p {
                    visit(e, depth, f);
                }
            }
        }
    }
}

fn resource(
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
        args: &no_args,
        roots: Vec::new(),
        used: &mut unused,
        any_arg: true,
        looked_up: Vec::new(),
        several: BTreeSet::new(),
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
        if !json_names.contains(&r.field) {
            cx.err(
                &format!("{p}.field"),
                format!(
                    "show rule names no field '{}' of resource '{}'.",
                    r.field, f.resource
                ),
            );
        }
        let format = r
            .format
            .as_ref()
            .and_then(|f| parse_format(cx, f, &format!("{p}.format")));
        let value = r.value.as_ref().map(|v| {
            fscope.any_arg = false;
            fscope.roots = vec!["it".into()];
            let e = fscope.expr(cx, v, &format!("{p}.value"));
            fscope.roots.clear();
            fscope.any_arg = true;
            e
        });
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
        if r.drop && (r.flatten.is_some() || r.format.is_some() || r.value.is_some()) {
            cx.err(
                &p,
                "a show rule that drops its field cannot also format or flatten it.",
            );
        }
        if r.title.is_some() && (r.drop || r.flatten.is_some()) {
            cx.err(
                &format!("{p}.title"),
                "a show rule's title names its field's one row: it cannot go with drop (no row) nor flatten (a row per key).",
            );
        }
        let versions = cx.versions(&r.versions, &p);
        let when = fscope.conds(cx, &r.when, &format!("{p}.when"));
        show.push(ShowDef {
            field: lk(&r.field),
            drop: r.drop,
            flatten,
            title: r.title.as_deref().map(lk),
            expand,
            value,
            format,
            versions,
            when,
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
fn as_typed(cx: &mut Cx, o: &serde_yaml::Value, at: &str) -> Option<Range> {
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
struct LookupRead {
    path: String,
    /// Fixed query parameters.
    query: Vec<(&'static str, &'static str)>,
    /// The result's path under `reply`, when it is one.
    result: Option<&'static [novagen_spec::Step]>,
}

fn lookup_request(
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
    let mut scope = Scope {
        args: &args,
        roots: Vec::new(),
        used: &mut used,
        any_arg: false,
        looked_up: Vec::new(),
        several: BTreeSet::new(),
    };
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

/// The operations of a file (a resource's own, or an extension's for that resource).
fn operations(
    cx: &mut Cx,
    f: &ResourceFile,
    specs: &[model::OperationSpec],
    statics: &HashMap<String, (String, bool)>,
    taken: &mut Taken,
) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (i, o) in specs.iter().enumerate() {
        let p = format!("operations[{i}]");
        if !is_command(&o.command) {
            cx.err(&format!("{p}.command"), format!("command '{}' is not a valid command name: use lower-case letters, digits and single '-'.", o.command));
        }
        if RESERVED_COMMANDS.contains(&o.command.as_str()) {
            cx.err(
                &format!("{p}.command"),
                format!(
                    "command '{}' is reserved: nova's own '{}' would hide it.",
                    o.command, o.command
                ),
            );
        }
        cx.ident(&o.method, "method name", &format!("{p}.method"));
        let op = operation(cx, f, o, &p, statics);
        taken.claim(
            cx,
            "command",
            "a command",
            &o.command,
            &format!("{p}.command"),
        );
        taken.claim(
            cx,
            "method",
            "a method",
            &format!("{}.{}", f.manager, o.method),
            &format!("{p}.method"),
        );
        taken.claim(
            cx,
            "static",
            "the static",
            &op.static_name,
            &format!("{p}.method"),
        );
        taken.claim(
            cx,
            "type",
            "a Rust type",
            &op.builder,
            &format!("{p}.method"),
        );
        ops.push(op);
    }
    ops
}

/// Whether a file adds operations to another file's resource (it has a top-level `extends`).
fn is_extension(src: &SpecSource) -> bool {
    src.text.lines().any(|l| l.starts_with("extends:"))
}

/// Columns of a table. `fields`: the declared fields the resource's own columns must name.
fn columns(
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
            model::ColumnSpec::Full(c) => ColumnDef {
                title: lk(&c.title),
                field: lk(&c.field.clone().unwrap_or_else(|| field_of(&c.title))),
                value: c.value.as_ref().map(|v| {
                    let saved = std::mem::replace(&mut scope.roots, vec!["it".into()]);
                    let e = scope.expr(cx, v, &format!("{p}.value"));
                    scope.roots = saved;
                    e
                }),
                format: c
                    .format
                    .as_ref()
                    .and_then(|f| parse_format(cx, f, &format!("{p}.format"))),
                versions: cx.versions(&c.versions, &p),
                when: scope.conds(cx, &c.when, &format!("{p}.when")),
            },
        };
        if let Some(fields) = fields {
            let root = col.field.split('.').next().unwrap_or_default();
            if !fields.contains(root) {
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

/// A request field and where it was written (the spec path of the entry holding it), so a
/// variant that inherits the operation's body reports a mistake at the operation's line.
type At<'a, T> = Option<(&'a T, String)>;

/// The fields of one request, from an operation, a variant or a step.
#[derive(Clone, Default)]
struct RequestFields<'a> {
    http: At<'a, String>,
    query: At<'a, model::Pairs>,
    body: At<'a, serde_yaml::Value>,
    result: At<'a, String>,
    for_each: At<'a, model::Loop>,
    collect: At<'a, bool>,
    on_error: At<'a, BTreeMap<u16, model::RequestSpec>>,
    page: At<'a, model::PageSpec>,
    root: At<'a, bool>,
}

/// The request fields of an operation, variant or step spec written at `path`.
macro_rules! request_fields {
    ($spec:expr, $path:expr) => {{
        let path: &str = &$path;
        RequestFields {
            http: $spec.http.as_ref().map(|v| (v, path.to_string())),
            query: $spec.query.as_ref().map(|v| (v, path.to_string())),
            body: $spec.body.as_ref().map(|v| (v, path.to_string())),
            result: $spec.result.as_ref().map(|v| (v, path.to_string())),
            for_each: $spec.for_each.as_ref().map(|v| (v, path.to_string())),
            collect: $spec.collect.then(|| (&$spec.collect, path.to_string())),
            on_error: $spec.on_error.as_ref().map(|v| (v, path.to_string())),
            page: $spec.page.as_ref().map(|v| (v, path.to_string())),
            root: $spec.root.then(|| (&$spec.root, path.to_string())),
        }
    }};
}

impl<'a> RequestFields<'a> {
    fn any(&self) -> bool {
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
    fn over(self, base: &RequestFields<'a>) -> RequestFields<'a> {
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

/// A variant as written, before its parts are checked.
struct VariantParts<'a> {
    path: String,
    versions: Range,
    when: Cond,
    request: RequestFields<'a>,
    steps: Option<&'a Vec<model::StepSpec>>,
    print: Option<&'a Vec<model::PrintSpec>>,
    poll: Option<&'a model::PollSpec>,
}

fn operation(
    cx: &mut Cx,
    f: &ResourceFile,
    o: &model::OperationSpec,
    p: &str,
    statics: &HashMap<String, (String, bool)>,
) -> Operation {
    let versions = cx.versions(&o.versions, p);

    // Arguments.
    let mut types: BTreeMap<String, ArgType> = BTreeMap::new();
    let mut args = Vec::new();
    let mut shorts = BTreeSet::new();
    for (j, a) in o.args.iter().enumerate() {
        let ap = format!("{p}.args[{j}]");
        cx.ident(&a.name, "argument name", &format!("{ap}.name"));
        if a.hidden && (a.positional || a.required.is_some()) {
            cx.err(
                &format!("{ap}.hidden"),
                "only an option that may be left out can be hidden: not a positional, not required.",
            );
        }
        if RESERVED_ARGS.contains(&a.name.as_str()) || a.name.starts_with("os_") {
            cx.err(&format!("{ap}.name"), format!("argument name '{}' is reserved: nova's global options, the template roots and the request builders use it; choose another name.", a.name));
        }
        if types.insert(a.name.clone(), a.ty).is_some() {
            cx.err(
                &format!("{ap}.name"),
                format!("argument '{}' is declared twice.", a.name),
            );
        }
        if !a.choices.is_empty() && a.ty != ArgType::String {
            cx.err(
                &format!("{ap}.choices"),
                "choices apply to string arguments only.",
            );
        }
        if a.positional && a.ty == ArgType::Flag {
            cx.err(&format!("{ap}.type"), "a flag cannot be positional.");
        }
        if a.positional && matches!(a.ty, ArgType::KeyValue | ArgType::Record) && !a.many {
            cx.err(
                &format!("{ap}.type"),
                format!(
                    "a positional argument of type {:?} must take several values (many: true).",
                    a.ty
                )
                .to_lowercase(),
            );
        }
        if a.positional
            && a.default.is_some()
            && !matches!(a.required, Some(model::Required::Always(false)))
        {
            cx.err(
                &format!("{ap}.default"),
                "a required positional argument cannot have a default.",
            );
        }
        if let Some(d) = a.default.as_ref().map(|d| d.value()) {
            if !d.contains('{') {
                let ok = match a.ty {
                    ArgType::Integer => d.trim().parse::<i64>().is_ok(),
                    ArgType::Number => d.trim().parse::<f64>().is_ok(),
                    ArgType::Boolean => ["true", "false"].contains(&d.as_str()),
                    ArgType::Flag => false,
                    _ => true,
                };
                if !ok {
                    cx.err(
                        &format!("{ap}.default"),
                        format!("the default '{d}' is not a valid {:?} value.", a.ty)
                            .to_lowercase(),
                    );
                }
            }
            if !a.choices.is_empty() && !a.choices.contains(d) && !d.contains('{') {
                cx.err(
                    &format!("{ap}.default"),
                    format!("the default '{d}' is not one of the choices."),
                );
            }
        }
        let resource = a.resource.as_ref().and_then(|r| {
            let at = match r {
                model::ArgResource::Name(_) => format!("{ap}.resource"),
                model::ArgResource::Full(_) => format!("{ap}.resource.name"),
            };
            cx.resource_ref(r.name(), statics, &at)
        });
        // Templates of the argument are parsed with the operation's scope, below.
        let (lookup_fallback, lookup_versions) = match &a.resource {
            Some(model::ArgResource::Full(r)) => {
                let at = format!("{ap}.resource");
                let otherwise = r.otherwise.as_ref().and_then(|o| as_typed(cx, o, &at));
                let versions = cx.versions(&r.versions, &at);
                (otherwise, versions)
            }
            _ => (None, Range::default()),
        };
        // `net-name: {send: uuid, resource: network}`: the typed name looked up, its ID sent.
        let mut record_resources = Vec::new();
        let keys = a.keys.as_ref().map(|k| {
            let mut plain = k.clone();
            for (typed, v) in k {
                let serde_yaml::Value::Mapping(m) = v else {
                    continue;
                };
                let at = format!("{ap}.keys");
                let get = |key: &str| m.get(key).and_then(scalar);
                let (Some(send), Some(res), 2) = (get("send"), get("resource"), m.len()) else {
                    cx.err(&at, "a record key is its sent key, or {send: <sent key>, resource: <resource>} (net-name: {send: uuid, resource: network}: the typed name looked up, its ID sent).");
                    continue;
                };
                if let (Some(typed), Some(found)) =
                    (scalar(typed), cx.resource_ref(&res, statics, &at))
                {
                    record_resources.push((lk(&typed), found));
                }
                plain.insert(typed.clone(), serde_yaml::Value::String(send));
            }
            plain
        });
        let record_pairs = keys
            .as_ref()
            .map(|k| cx.pairs(k, &format!("{ap}.keys")))
            .unwrap_or_default();
        if a.ty == ArgType::Record && record_pairs.is_empty() {
            cx.err(
                &format!("{ap}.keys"),
                "a record argument needs its keys (typed key: sent key).",
            );
        }
        if a.ty != ArgType::Record
            && (a.keys.is_some()
                || a.defaults.is_some()
                || a.alone.is_some()
                || !a.one_of.is_empty())
        {
            cx.err(
                &format!("{ap}.keys"),
                "keys, defaults, alone and one_of only apply to record arguments.",
            );
        }
        if a.invalid.is_some() && !matches!(a.ty, ArgType::Record | ArgType::Datetime) {
            cx.err(
                &format!("{ap}.invalid"),
                "invalid is the message for a malformed record or datetime argument: give it type: record or type: datetime.",
            );
        }
        for k in &a.one_of {
            if !record_pairs.iter().any(|(typed, _)| typed == k) {
                cx.err(
                    &format!("{ap}.one_of"),
                    format!("one_of names '{k}', which is not one of the record's keys."),
                );
            }
        }
        let avers = cx.versions(&a.versions, &ap);
        let (required, required_versions) = match (&a.required, a.positional) {
            (None, positional) => (positional, None),
            (Some(model::Required::Always(r)), _) => (*r, None),
            (Some(model::Required::Where(_)), true) => {
                cx.err(
                    &format!("{ap}.required"),
                    "a positional argument is always given or optional (true or false); a range of versions where it is required applies to options.",
                );
                (true, None)
            }
            (Some(model::Required::Where(r)), false) => (
                false,
                Some(cx.versions(&Some(r.clone()), &format!("{ap}.required"))),
            ),
        };
        let required = required && a.ty != ArgType::Flag;
        // A prompted value is no command-line argument; the library's builder takes it.
        let prompt = a.prompt.as_ref().map(|pr| {
            let pp = format!("{ap}.prompt");
            let plain = a.ty == ArgType::String
                && !a.positional
                && !a.many
                && a.default.is_none()
                && a.choices.is_empty()
                && a.resource.is_none()
                && a.option.is_none()
                && a.required.is_none();
            if !plain {
                cx.err(&pp, "a prompted argument is a plain text option read from the user: no type but string, positional, many, default, choices, resource, option or required.");
            }
            if pr.confirm.is_some() != pr.mismatch.is_some() {
                cx.err(&pp, "prompt's confirm (the second question) and mismatch (the error when the answers differ) go together.");
            }
            PromptDef {
                text: lk(&pr.text),
                confirm: olk(&pr.confirm),
                mismatch: pr.mismatch.as_deref().map(lk).unwrap_or_default(),
            }
        });
        let required = required || prompt.is_some();
        let (cli, short) = spellings(cx, a, &ap, &mut shorts);
        args.push(ArgDef {
            name: lk(&a.name),
            cli: lk(&cli),
            ty: a.ty,
            positional: a.positional,
            many: a.many,
            required,
            required_versions,
            default: None,
            default_versions: cx.versions(
                &a.default.as_ref().and_then(|d| d.versions()),
                &format!("{ap}.default"),
            ),
            choices: strs(&a.choices),
            resource,
            lookup_query: &[],
            lookup_fallback,
            lookup_versions,
            record_keys: slice(
                record_pairs
                    .iter()
                    .map(|(typed, sent)| (lk(typed), lk(sent), None))
                    .collect(),
            ),
            record_resources: slice(record_resources),
            record_defaults: &[],
            alone: strs(
                a.alone
                    .as_ref()
                    .map(|w| w.value().as_slice())
                    .unwrap_or_default(),
            ),
            alone_versions: cx.versions(
                &a.alone.as_ref().and_then(|w| w.versions()),
                &format!("{ap}.alone"),
            ),
            one_of: strs(&a.one_of),
            invalid: None,
            metavar: olk(&a.metavar),
            short,
            hidden: a.hidden,
            prompt,
            split: None,
            help: lk(a.help.trim()),
            versions: avers,
        });
    }
    // `split: {at, first}`: the other argument, a plain text option of this operation.
    for (j, a) in o.args.iter().enumerate() {
        let Some(sp) = &a.split else { continue };
        let at = format!("{p}.args[{j}].split");
        let other = o.args.iter().position(|b| {
            b.name == sp.first && !b.positional && b.ty == ArgType::String && !b.many
        });
        let plain = a.ty == ArgType::String && !a.many && a.prompt.is_none();
        match other {
            Some(k) if k != j && plain && !sp.at.is_empty() => {
                if let Some(def) = args.get_mut(j) {
                    def.split = Some((lk(&sp.at), k));
                }
            }
            _ => cx.err(&at, format!("split gives the text before '{}' to another argument: first names a single-valued text option of this operation, the argument split is a single-valued text, and at is not empty.", sp.at)),
        }
    }
    let mut seen_optional = false;
    for (j, a) in args.iter().enumerate() {
        if a.positional {
            if seen_optional {
                cx.err(
                    &format!("{p}.args[{j}]"),
                    "a positional argument cannot follow an optional or many-valued one.",
                );
            }
            seen_optional |= !a.required || a.many;
        }
    }
    if args.iter().filter(|a| a.positional && a.many).count() > 1 {
        cx.err(
            &format!("{p}.args"),
            "only one positional argument can take several values.",
        );
    }
    let each = o.each.as_ref().and_then(|e| {
        let name = &e.over;
        let i = args.iter().position(|a| a.name == name && a.positional && a.many);
        if i.is_none() {
            cx.err(
                &format!("{p}.each.over"),
                format!("each.over '{name}' names no positional argument of this operation that takes several values."),
            );
        }
        if e.resolve == model::Resolve::First && i.is_some_and(|i| args[i].resource.is_none()) {
            cx.err(
                &format!("{p}.each.resolve"),
                "resolve: first looks the values of each.over up before the first run: it needs an argument with a resource.",
            );
        }
        Some(EachDef {
            over: i?,
            resolve: e.resolve,
            error: None,
            failed: None,
            fail: e.fail,
        })
    });
    let mut used = BTreeSet::new();
    let mut scope = Scope {
        args: &types,
        roots: vec!["session".into()],
        used: &mut used,
        any_arg: false,
        looked_up: args
            .iter()
            .filter(|a| a.resource.is_some())
            .map(|a| a.name.to_string())
            .collect(),
        several: args
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                (a.many && each.as_ref().is_none_or(|e| e.over != *i))
                    || matches!(a.ty, ArgType::KeyValue | ArgType::Record)
            })
            .map(|(_, a)| a.name.to_string())
            .collect(),
    };
    for (j, a) in o.args.iter().enumerate() {
        if let Some(d) = &a.default {
            let at = match d {
                model::Ranged::Plain(_) => format!("{p}.args[{j}].default"),
                model::Ranged::In(_) => format!("{p}.args[{j}].default.value"),
            };
            args[j].default = Some(scope.template(cx, d.value(), &at));
        }
    }
    // A record's sent keys may carry filters (an expression whose root names the sent key,
    // standing for the typed value); its defaults are templates over the record so far, `it`;
    // its message for a malformed value is over the value, `it`.
    for (j, a) in o.args.iter().enumerate() {
        let at = format!("{p}.args[{j}]");
        let saved = std::mem::take(&mut scope.roots);
        let mut record_keys = args[j].record_keys.to_vec();
        for entry in &mut record_keys {
            let sent = entry.1;
            if !sent.contains(['|', ' ', '(']) {
                continue;
            }
            let e = match novagen_spec::parse_expr(sent) {
                Ok(e) => e,
                Err(err) => {
                    cx.err(
                        &format!("{at}.keys"),
                        format!("the sent key \"{sent}\" cannot be read: {err}."),
                    );
                    continue;
                }
            };
            let key = match &e {
                Expr::Pipe(
                    Expr::Path(novagen_spec::Path {
                        root: Root::Arg(k),
                        steps: [],
                    }),
                    _,
                ) => *k,
                _ => {
                    cx.err(
                        &format!("{at}.keys"),
                        format!("\"{sent}\": a sent key with filters is the key, then its filters (delete_on_termination | case('remove', true))."),
                    );
                    continue;
                }
            };
            *entry = (entry.0, key, Some(e));
        }
        args[j].record_keys = slice(record_keys);
        scope.roots = vec!["it".into()];
        if let Some(d) = &a.defaults {
            let pairs = cx.pairs(d, &format!("{at}.defaults"));
            args[j].record_defaults = keyed(
                pairs
                    .into_iter()
                    .map(|(k, t)| {
                        let t = scope.template(cx, &t, &format!("{at}.defaults"));
                        (k, t)
                    })
                    .collect(),
            );
        }
        if let Some(t) = &a.invalid {
            args[j].invalid = Some(scope.template(cx, t, &format!("{at}.invalid")));
        }
        scope.roots = saved;
    }
    // A default naming another argument does not make that one "used"; a lookup does.
    scope.used.clear();
    for (j, a) in o.args.iter().enumerate() {
        if let Some(model::ArgResource::Full(l)) = &a.resource {
            let pairs = cx.pairs(&l.query, &format!("{p}.args[{j}].resource.query"));
            args[j].lookup_query = keyed(
                pairs
                    .into_iter()
                    .map(|(k, t)| {
                        let t = scope.template(cx, &t, &format!("{p}.args[{j}].resource.query"));
                        (k, t)
                    })
                    .collect(),
            );
        }
    }

    // The error of `each` is over the arguments.
    let saved = std::mem::take(&mut scope.roots);
    let each_error = o.each.as_ref().and_then(|e| e.error.as_ref());
    let each_error = each_error.map(|t| scope.template(cx, t, &format!("{p}.each.error")));
    // A failed value's line: the arguments (this value its own), as typed, and the error, `it`.
    scope.roots = vec!["typed".into(), "it".into()];
    let each_failed = o.each.as_ref().and_then(|e| e.failed.as_ref());
    let each_failed = each_failed.map(|t| scope.template(cx, t, &format!("{p}.each.failed")));
    scope.roots = saved;
    let each = each.map(|e| EachDef {
        error: each_error,
        failed: each_failed,
        ..e
    });

    // Refusals see the arguments, the session and what the CLI looked up.
    scope.roots = vec!["session".into(), "found".into(), "typed".into()];
    let refuse = refusals(cx, &mut scope, &o.refuse, p);

    // Variants: the operation's own fields are the base each variant overrides.
    let base = request_fields!(o, p);
    let mut variants = Vec::new();
    let mut specs: Vec<VariantParts> = Vec::new();
    if o.variants.is_empty() {
        specs.push(VariantParts {
            path: p.to_string(),
            versions: Range::default(),
            when: None,
            request: base.clone(),
            steps: o.steps.as_ref(),
            print: o.print.as_ref(),
            poll: o.poll.as_ref(),
        });
    } else {
        for (k, v) in o.variants.iter().enumerate() {
            let vp = format!("{p}.variants[{k}]");
            let own = request_fields!(v, vp);
            let steps = if own.any() {
                None
            } else {
                v.steps.as_ref().or(o.steps.as_ref())
            };
            specs.push(VariantParts {
                versions: cx.versions(&v.versions, &vp),
                when: scope.conds(cx, &v.when, &format!("{vp}.when")),
                request: own.over(&base),
                steps,
                print: v.print.as_ref().or(o.print.as_ref()),
                poll: o.poll.as_ref(),
                path: vp,
            });
        }
    }
    let returns = o.returns.unwrap_or({
        let has_result = o.result.is_some()
            || o.variants.iter().any(|v| v.result.is_some())
            || o.steps.iter().flatten().any(|s| s.result.is_some())
            || o.exec.is_some();
        if has_result {
            Returns::Value
        } else {
            Returns::Nothing
        }
    });
    let mut exec: Vec<Template> = Vec::new();
    for part in specs {
        let vp = part.path;
        let mut steps = Vec::new();
        let mut roots: Vec<String> = vec!["session".into()];
        match part.steps {
            Some(list) => {
                if list.is_empty() {
                    cx.err(
                        &format!("{vp}.steps"),
                        "steps: [] lists no request: a variant that sends nothing says http: none.",
                    );
                }
                for (k, s) in list.iter().enumerate() {
                    let sp = format!("{vp}.steps[{k}]");
                    let fields = request_fields!(s, sp);
                    if fields.http.is_none() {
                        cx.err(&sp, "a step needs an http request.");
                    }
                    scope.roots = roots.clone();
                    let mut step = step(cx, &mut scope, &fields, f.service, returns);
                    step.merge = s.merge;
                    step.when = scope.conds(cx, &s.when, &format!("{sp}.when"));
                    step.versions = cx.versions(&s.versions, &sp);
                    // Its checks read its result as `reply`, and the arguments as typed and
                    // found, as the operation's do (the library has neither: `typed.x ?? x`).
                    scope.roots = roots.clone();
                    scope
                        .roots
                        .extend(["reply".into(), "typed".into(), "found".into()]);
                    step.refuse = slice(refusals(cx, &mut scope, &s.refuse, &sp));
                    let stand_in = stand_in(cx, &mut scope, &fields, f.service, returns, &step);
                    roots.push("reply".into());
                    steps.push(step);
                    steps.extend(stand_in);
                }
                // Only the last step's list is followed page by page.
                for s in steps.iter_mut().rev().skip(1) {
                    s.paged = false;
                }
            }
            None => {
                let none = part
                    .request
                    .http
                    .as_ref()
                    .is_some_and(|(h, _)| *h == "none");
                if part.request.http.is_none() {
                    cx.err(&vp, "an operation needs an http request (or steps).");
                } else if none {
                    // The documented no-op: nothing is sent (a variant for "no option given").
                    // Only the fields written beside it: a variant inherits the operation's.
                    let r = &part.request;
                    let here = |p: Option<&String>| {
                        p.is_some_and(|p| Some(p) == r.http.as_ref().map(|(_, hp)| hp))
                    };
                    if [
                        r.query.as_ref().map(|x| &x.1),
                        r.body.as_ref().map(|x| &x.1),
                        r.result.as_ref().map(|x| &x.1),
                        r.for_each.as_ref().map(|x| &x.1),
                        r.on_error.as_ref().map(|x| &x.1),
                        r.page.as_ref().map(|x| &x.1),
                        r.root.as_ref().map(|x| &x.1),
                    ]
                    .into_iter()
                    .any(here)
                    {
                        cx.err(
                            &at(&r.http, "http"),
                            "http: none sends nothing: it takes no query, body, result, for, on_error, page or root.",
                        );
                    }
                } else {
                    scope.roots = roots.clone();
                    let one = step(cx, &mut scope, &part.request, f.service, returns);
                    let stand_in =
                        stand_in(cx, &mut scope, &part.request, f.service, returns, &one);
                    steps.push(one);
                    steps.extend(stand_in);
                    roots.push("reply".into());
                }
            }
        }
        // Printing sees the arguments, the results, and the CLI's own roots.
        roots.extend(["typed".into(), "found".into()]);
        scope.roots = roots;
        if exec.is_empty() {
            if let Some(words) = &o.exec {
                let ep = format!("{p}.exec");
                if words.is_empty() {
                    cx.err(
                        &ep,
                        "exec needs at least the program's name: exec: [ssh, ...].",
                    );
                }
                if part.print.is_some_and(|ps| !ps.is_empty()) || part.poll.is_some() {
                    cx.err(&ep, "exec runs a program instead of printing: an operation with exec has no print and no poll.");
                }
                exec = words
                    .iter()
                    .enumerate()
                    .map(|(k, w)| scope.template(cx, w, &format!("{ep}[{k}]")))
                    .collect();
            }
        }
        let print = part
            .print
            .map(|ps| prints(cx, &mut scope, ps, &format!("{vp}.print"), None, f, statics))
            .unwrap_or_default();
        let poll = part.poll.map(|pl| {
            let pp = format!("{vp}.poll");
            if pl.until.is_empty() {
                cx.err(
                    &format!("{pp}.until"),
                    "poll.until needs at least one status to wait for.",
                );
            }
            let resource = match &pl.resource {
                Some(r) => cx.resource_ref(r, statics, &format!("{pp}.resource")),
                None => None,
            }
            .unwrap_or_else(|| ResourceDef::reference(lk(&f.resource)));
            let label = pl
                .label
                .clone()
                .unwrap_or_else(|| camel(pl.resource.as_deref().unwrap_or(&f.resource)));
            let id = pl.id.clone().unwrap_or_else(|| {
                if returns == Returns::One {
                    "{reply.id}".into()
                } else {
                    "{reply}".into()
                }
            });
            let id = scope.template(cx, &id, &format!("{pp}.id"));
            let done = pl
                .done
                .as_ref()
                .map(|d| scope.template(cx, d, &format!("{pp}.done")));
            PollDef {
                resource,
                id,
                until: strs(&pl.until),
                action: lk(&pl.action),
                progress: match &pl.progress {
                    None | Some(model::Progress::Shown(true)) => cx.progress,
                    Some(model::Progress::Shown(false)) => None,
                    Some(model::Progress::Expr(e)) => {
                        Some(over_reply(cx, e, &format!("{pp}.progress")))
                    }
                },
                label: lk(&label),
                done,
                first: pl.first,
            }
        });
        variants.push(VariantDef {
            versions: part.versions,
            when: part.when,
            steps: slice(steps),
            print: slice(print),
            poll,
        });
    }
    if o.variants
        .iter()
        .any(|v| v.steps.is_some() && request_fields!(v, p).any())
    {
        cx.err(
            &format!("{p}.variants"),
            "a variant gives either steps or the fields of one request, not both.",
        );
    }
    if o.steps.is_some() && base.any() {
        cx.err(
            p,
            "an operation gives either steps or the fields of one request, not both.",
        );
    }

    for (j, a) in args.iter().enumerate() {
        if !used.contains(a.name) {
            cx.err(&format!("{p}.args[{j}].name"), format!("argument '{}' is used nowhere: name it in a template ({{{}}}) of the URL, query, body, a condition, or what is printed.", a.name, a.name));
        }
    }

    Operation {
        def: OpDef {
            command: lk(&o.command),
            method: lk(&o.method),
            resource: ResourceDef::reference(lk(&f.resource)),
            help: lk(o.help.trim()),
            args: slice(args),
            returns,
            versions,
            refuse: slice(refuse),
            each,
            variants: slice(variants),
            exec: slice(exec),
        },
        builder: format!("{}{}", camel(&f.manager), camel(&o.method)),
        static_name: format!("{}_{}", f.manager.to_uppercase(), o.method.to_uppercase()),
    }
}

/// One request, checked.
/// The spec path of a request field: `operations[2].body`.
fn at<T>(field: &At<'_, T>, key: &str) -> String {
    field
        .as_ref()
        .map(|(_, p)| format!("{p}.{key}"))
        .unwrap_or_default()
}

/// `refuse:` entries at `{p}.refuse[k]`, each checked in the scope's roots as they are.
/// How an argument is typed: a positional as `<name>`; an option `--` and its name with `-` for
/// `_`, unless `option:` spells it (`--target_host`, or `[-i, --identity]`: a letter besides the
/// long form); the long form and the letter.
fn spellings(
    cx: &mut Cx,
    a: &model::ArgSpec,
    ap: &str,
    shorts: &mut BTreeSet<char>,
) -> (String, Option<char>) {
    let dashed = a.name.replace('_', "-");
    if a.positional {
        if a.option.is_some() {
            cx.err(
                &format!("{ap}.option"),
                "option: spells an option as typed; a positional is typed as its value alone.",
            );
        }
        return (format!("<{dashed}>"), None);
    }
    let (mut long, mut short) = (None, None);
    for o in a.option.iter().flat_map(|o| o.all()) {
        let letter = o
            .strip_prefix('-')
            .filter(|l| l.len() == 1)
            .and_then(|l| l.chars().next());
        let typed = o.strip_prefix("--").unwrap_or_default();
        let fine = typed.starts_with(|c: char| c.is_ascii_lowercase())
            && typed
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c));
        match letter {
            // `-h` is help, `-c` nova's --column (global options ride on every subcommand).
            Some(c) if short.is_none() && c.is_ascii_alphabetic() && c != 'h' && c != 'c' && shorts.insert(c) => {
                short = Some(c)
            }
            Some(c) => cx.err(
                &format!("{ap}.option"),
                format!("-{c} is no free one-letter option: one letter per option, not h (help), c (--column) nor another option's."),
            ),
            None if fine && long.is_none() => long = Some(o.clone()),
            None => cx.err(
                &format!("{ap}.option"),
                format!("option '{o}' is not an option as typed: `--` and lower-case letters, digits, `-` or `_` (option: --target_host), or one letter (option: [-i, --identity])."),
            ),
        }
    }
    (long.unwrap_or_else(|| format!("--{dashed}")), short)
}

fn refusals(cx: &mut Cx, scope: &mut Scope, list: &[model::RefuseSpec], p: &str) -> Vec<RefuseDef> {
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
fn stand_in(
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
fn step(
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

/// The items of the view `name`, checked in the using operation's scope; a problem in them is
/// reported at the view's own `file:line`.
fn view(
    cx: &mut Cx,
    scope: &mut Scope,
    ps: &model::PrintSpec,
    name: &str,
    p: &str,
    f: &ResourceFile,
    statics: &HashMap<String, (String, bool)>,
) -> Vec<PrintDef> {
    let alone = [
        ps.table.is_none(),
        ps.properties.is_none(),
        ps.value.is_none(),
        ps.text.is_none(),
        ps.when.is_none(),
        ps.versions.is_none(),
    ];
    if alone.contains(&false) {
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
    // A view inside a view is refused where the views are read.
    if items.iter().any(|i| i.view.is_some()) {
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
}

fn prints(
    cx: &mut Cx,
    scope: &mut Scope,
    specs: &[model::PrintSpec],
    path: &str,
    of: Option<&String>,
    f: &ResourceFile,
    statics: &HashMap<String, (String, bool)>,
) -> Vec<PrintDef> {
    let mut out = Vec::new();
    for (i, ps) in specs.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if let Some(name) = &ps.view {
            out.extend(view(cx, scope, ps, name, &p, f, statics));
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
                "each print item is exactly one of table, properties, value or text (or a view).",
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
            columns_from: None,
            sort_by: None,
            pivot: None,
            tree: &[],
            headers: ("Property", "Value"),
            keys: &[],
            rules: None,
            wrap: None,
            format: None,
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
            if t.columns.is_none() && f.columns.is_empty() {
                cx.err(
                    &format!("{p}.table"),
                    format!(
                        "a table needs columns: give them here or on resource '{}'.",
                        f.resource
                    ),
                );
            }
            let saved = scope.roots.clone();
            item.columns = t
                .columns
                .as_ref()
                .map(|c| slice(columns(cx, scope, c, &format!("{p}.table.columns"), None)));
            scope.roots = saved;
            if let Some(cf) = &t.columns_from {
                if scope.args.contains_key(cf) {
                    scope.used.insert(cf.clone());
                } else {
                    cx.err(
                        &format!("{p}.table.columns_from"),
                        format!("columns_from '{cf}' names no argument of this operation."),
                    );
                }
            }
            item.columns_from = olk(&t.columns_from);
            if let Some(s) = &t.sort_by {
                let titles: Vec<String> = match &item.columns {
                    Some(c) => c.iter().map(|c| c.title.to_string()).collect(),
                    None => f
                        .columns
                        .iter()
                        .map(|c| match c {
                            model::ColumnSpec::Title(t) => t.clone(),
                            model::ColumnSpec::Full(c) => c.title.clone(),
                        })
                        .collect(),
                };
                if s != "none" && !titles.contains(s) {
                    cx.err(
                        &format!("{p}.table.sort_by"),
                        format!("sort_by '{s}' is not the title of a column."),
                    );
                }
            }
            item.sort_by = olk(&t.sort_by);
            if let Some(pv) = &t.pivot {
                let at = format!("{p}.table.pivot");
                let mut keys = Vec::new();
                for (k, v) in &pv.keys {
                    let pair: Option<Vec<String>> = v
                        .as_sequence()
                        .map(|s| s.iter().filter_map(scalar).collect());
                    match (scalar(k), pair.as_deref()) {
                        (Some(k), Some([row, col])) => {
                            keys.push((lk(&k), lk(row), lk(&field_of(col))))
                        }
                        (k, _) => cx.err(
                            &format!("{at}.keys.{}", k.unwrap_or_default()),
                            "each pivot key names its row and column: key: [Row, Column].",
                        ),
                    }
                }
                item.pivot = Some(PivotDef {
                    keys: slice(keys),
                    other: pv.other.as_deref().map(|o| lk(&field_of(o))),
                });
            }
            let mut tree = Vec::new();
            for (k, level) in t.tree.iter().flatten().enumerate() {
                let at = format!("{p}.table.tree[{k}]");
                // Level 1 reads the scope; the others, and the rows, the entry `it`
                // ({key, value}) of the level above.
                let saved = scope.roots.clone();
                if k > 0 {
                    scope.roots = vec!["it".into()];
                }
                let each = scope.expr(cx, &level.each, &format!("{at}.each"));
                scope.roots = vec!["it".into()];
                let row = cx.pairs(&level.row, &format!("{at}.row"));
                let row = keyed(
                    row.into_iter()
                        .map(|(k, tpl)| {
                            let t = scope.template(cx, &tpl, &format!("{at}.row"));
                            (k, t)
                        })
                        .collect(),
                );
                scope.roots = saved;
                tree.push(TreeLevelDef {
                    each,
                    sort: level.sort,
                    row,
                });
            }
            item.tree = slice(tree);
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
            item.format = pr
                .format
                .as_ref()
                .and_then(|f| parse_format(cx, f, &format!("{p}.properties.format")));
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_names() {
        assert_eq!(rust_field_name("OS-EXT-STS:task_state"), "task_state");
        assert_eq!(rust_field_name("accessIPv4"), "access_ipv4");
        assert_eq!(rust_field_name("os-flavor-access:is_public"), "is_public");
        assert_eq!(rust_field_name("hostId"), "host_id");
        assert_eq!(rust_field_name("type"), "type_");
        assert_eq!(camel("image-create"), "ImageCreate");
    }

    #[test]
    fn template_expressions() {
        assert_eq!(
            exprs("/servers/{server}/x/{y|int}").ok(),
            Some(vec!["server".to_string(), "y|int".to_string()])
        );
        assert!(exprs("/servers/{server").is_err());
    }
}
