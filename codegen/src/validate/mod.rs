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
        if let Some((_, instead)) = model::WAIT_ITEM.iter().find(|(said, _)| msg.contains(said)) {
            return SpecError::new(&src.path, line, instead.to_string());
        }
        if let Some((_, sentence)) = model::FOLDED
            .iter()
            .find(|(key, _)| msg.contains(&format!("unknown field `{key}`")))
        {
            return SpecError::new(&src.path, line, *sentence);
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
                if item.poll.is_some() {
                    cx.err(
                        &format!("{at}[{i}].poll"),
                        "a view holds what is printed, not a wait: write the poll item in the print list of the operation that waits, beside {view: ...}.",
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
        let Some(i) = files
            .iter()
            .position(|(_, f, _)| f.resource == ext.resource)
        else {
            cx.err(
                "resource",
                format!("'{}' names no resource of the spec: a file of resource: and operations: alone adds operations to a resource another file declares (with manager: and fields:).", ext.resource),
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
                    || format!("{} has no lookup saying where one is read", ext.resource),
                    |r| format!("result: {r}"),
                );
                cx.err(
                    &format!("operations[{j}].returns"),
                    format!("returns: {how} types the reply as {}s, read where its lookup reads them ({expected}); any other reply is returns: value (the JSON as nova sent it).", ext.resource),
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

mod api;
mod cx;
mod operation;
mod print;
mod request;
mod resource;
mod scope;
use api::*;
use cx::*;
use operation::*;
use print::*;
use request::*;
use resource::*;
use scope::*;

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
