//! Spec files → checked IR. Every problem becomes a [`SpecError`] naming file and line.

use crate::error::SpecError;
use crate::ir::*;
use crate::lines::LineIndex;
use crate::model::{self, ApiFile, ResourceFile};
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
    serde_yaml::from_str(&src.text).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(0);
        let mut msg = e.to_string();
        // serde_yaml appends " at line L column C"; the line is already in front.
        if let Some(i) = msg.find(" at line ") {
            msg.truncate(i);
        }
        SpecError::new(&src.path, line, format!("invalid spec: {msg}"))
    })
}

/// Parse and check all files; all problems are reported, not just the first.
pub fn validate(sources: &[SpecSource]) -> Result<Api, Vec<SpecError>> {
    let mut errors = Vec::new();
    let mut api: Option<(Version, Version)> = None;
    let mut files: Vec<(&SpecSource, ResourceFile, LineIndex)> = Vec::new();
    for src in sources {
        let is_api = src.path.file_stem().is_some_and(|s| s == "api");
        if is_api {
            match parse::<ApiFile>(src) {
                Ok(f) => {
                    let idx = LineIndex::new(&src.text);
                    let mut cx = Cx {
                        src,
                        idx: &idx,
                        errors: &mut errors,
                    };
                    let min = cx.version(&f.api.min_version, "api.min_version");
                    let max = cx.version(&f.api.max_version, "api.max_version");
                    if let (Some(a), Some(b)) = (min, max) {
                        if a > b {
                            cx.err("api.max_version", format!("the microversion range is backwards: min_version {a} is newer than max_version {b}."));
                        }
                        api = Some((a, b));
                    }
                }
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
            "the spec has no api.yaml giving the client's min_version and max_version.",
        ));
    }

    // Names every file may refer to: resource name → static name, plus the resources with lookups.
    let mut statics: HashMap<String, (String, bool)> = HashMap::new();
    for (src, f, idx) in &files {
        let static_name = f.resource.to_uppercase();
        if statics
            .insert(f.resource.clone(), (static_name, f.lookup.is_some()))
            .is_some()
        {
            errors.push(SpecError::new(
                &src.path,
                idx.line("resource"),
                format!(
                    "resource '{}' is declared in more than one file.",
                    f.resource
                ),
            ));
        }
    }

    let mut commands: HashMap<String, (PathBuf, usize)> = HashMap::new();
    let mut resources = Vec::new();
    for (src, f, idx) in &files {
        let mut cx = Cx {
            src,
            idx,
            errors: &mut errors,
        };
        resources.push(resource(&mut cx, f, &statics, &mut commands));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (min_version, max_version) = api.unwrap_or((Version(2, 1), Version(2, 1)));
    Ok(Api {
        min_version,
        max_version,
        resources,
    })
}

struct Cx<'a> {
    src: &'a SpecSource,
    idx: &'a LineIndex,
    errors: &'a mut Vec<SpecError>,
}

impl Cx<'_> {
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
        if parsed.is_none() {
            self.err(
                path,
                format!("'{text}' is not a microversion: write it as MAJOR.MINOR, e.g. \"2.47\"."),
            );
        }
        parsed
    }

    fn range(&mut self, min: &Option<String>, max: &Option<String>, path: &str) -> Range {
        let lo = min
            .as_ref()
            .and_then(|v| self.version(v, &format!("{path}.min_version")));
        let hi = max
            .as_ref()
            .and_then(|v| self.version(v, &format!("{path}.max_version")));
        if let (Some(a), Some(b)) = (lo, hi) {
            if a > b {
                self.err(
                    &format!("{path}.max_version"),
                    format!("the microversion range is backwards: min_version {a} is newer than max_version {b}."),
                );
            }
        }
        Range { min: lo, max: hi }
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
    ) -> Option<String> {
        match statics.get(name) {
            Some((s, true)) => Some(s.clone()),
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

fn is_command(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
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

/// `{name}` placeholders of a URL template.
fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push(rest[i + 1..i + j].to_string());
        rest = &rest[i + j + 1..];
    }
    out
}

/// `"{name}"` placeholders of a body template, in document order.
fn body_placeholders(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if s.starts_with('{') && s.ends_with('}') && s.len() > 2 => {
            out.push(s[1..s.len() - 1].to_string())
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| body_placeholders(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| body_placeholders(x, out)),
        _ => {}
    }
}

fn resource(
    cx: &mut Cx,
    f: &ResourceFile,
    statics: &HashMap<String, (String, bool)>,
    commands: &mut HashMap<String, (PathBuf, usize)>,
) -> Resource {
    cx.ident(&f.resource, "resource name", "resource");
    cx.ident(&f.manager, "manager name", "manager");

    let mut fields = Vec::new();
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
        fields.push(Field {
            json: fs.name.clone(),
            rust,
            ty: fs.ty,
            optional: fs.optional || fs.nullable,
        });
    }

    let mut columns = Vec::new();
    for (i, c) in f.columns.iter().enumerate() {
        let p = format!("columns[{i}]");
        if !json_names.contains(&c.field) {
            cx.err(
                &format!("{p}.field"),
                format!(
                    "column '{}' names no field '{}' of resource '{}'.",
                    c.title, c.field, f.resource
                ),
            );
        }
        let versions = cx.range(&c.min_version, &c.max_version, &p);
        columns.push(Column {
            title: c.title.clone(),
            field: c.field.clone(),
            format: c.format,
            versions,
        });
    }
    if let Some(s) = &f.sort_by {
        if !columns.iter().any(|c| &c.title == s) {
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
        let resource = match (&r.resource, r.action) {
            (Some(name), ShowAction::Ref) => {
                cx.resource_ref(name, statics, &format!("{p}.resource"))
            }
            (None, ShowAction::Ref) => {
                cx.err(
                    &p,
                    "a 'ref' show rule needs the resource to look the ID up in.",
                );
                None
            }
            (Some(_), _) => {
                cx.err(
                    &format!("{p}.resource"),
                    "only a 'ref' show rule takes a resource.",
                );
                None
            }
            (None, _) => None,
        };
        let versions = cx.range(&r.min_version, &r.max_version, &p);
        show.push(ShowRule {
            field: r.field.clone(),
            action: r.action,
            resource,
            empty: r.empty.clone(),
            versions,
        });
    }

    let lookup = f.lookup.as_ref().map(|l| Lookup {
        get: l.get.clone(),
        get_key: l.get_key.clone(),
        list: l.list.clone(),
        list_key: l.list_key.clone(),
        name_query: l.name_query.clone(),
        alphanum_id: l.alphanum_id,
    });
    if let Some(l) = &lookup {
        if placeholders(&l.get) != ["id"] {
            cx.err(
                "lookup.get",
                "lookup.get must have exactly one placeholder, {id}.",
            );
        }
    }

    let static_name = f.resource.to_uppercase();
    let mut methods = BTreeSet::new();
    let mut ops = Vec::new();
    for (i, o) in f.operations.iter().enumerate() {
        let p = format!("operations[{i}]");
        if !is_command(&o.command) {
            cx.err(&format!("{p}.command"), format!("command '{}' is not a valid command name: use lower-case letters, digits and '-'.", o.command));
        }
        let here = (cx.src.path.clone(), cx.line(&format!("{p}.command")));
        if let Some((file, line)) = commands.get(&o.command) {
            let msg = format!(
                "two commands are named '{}': it is already declared at {}:{}.",
                o.command,
                file.display(),
                line
            );
            cx.err(&format!("{p}.command"), msg);
        } else {
            commands.insert(o.command.clone(), here);
        }
        cx.ident(&o.method, "method name", &format!("{p}.method"));
        if !methods.insert(o.method.clone()) {
            cx.err(
                &format!("{p}.method"),
                format!(
                    "manager '{}' has two methods named '{}'.",
                    f.manager, o.method
                ),
            );
        }
        ops.push(operation(
            cx,
            f,
            o,
            &p,
            statics,
            &static_name,
            lookup.is_some(),
        ));
    }

    Resource {
        name: f.resource.clone(),
        type_name: camel(&f.resource),
        manager: f.manager.clone(),
        manager_type: format!("{}Manager", camel(&f.manager)),
        static_name,
        service: f.service,
        lookup,
        fields,
        columns,
        sort_by: f.sort_by.clone(),
        show,
        ops,
    }
}

fn operation(
    cx: &mut Cx,
    f: &ResourceFile,
    o: &model::OperationSpec,
    p: &str,
    statics: &HashMap<String, (String, bool)>,
    static_name: &str,
    has_lookup: bool,
) -> Operation {
    let versions = cx.range(&o.min_version, &o.max_version, p);
    let (http_method, path) = match o.http.split_once(' ') {
        Some((m, u))
            if ["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&m) && u.starts_with('/') =>
        {
            (m.to_string(), u.trim().to_string())
        }
        _ => {
            cx.err(&format!("{p}.http"), format!("http '{}' must be a method and a path, e.g. \"POST /servers/{{server}}/action\".", o.http));
            ("GET".to_string(), "/".to_string())
        }
    };

    // Arguments.
    let mut names = BTreeSet::new();
    let mut all = Vec::new();
    for (j, a) in o.args.iter().enumerate() {
        let ap = format!("{p}.args[{j}]");
        cx.ident(&a.name, "argument name", &format!("{ap}.name"));
        if !names.insert(a.name.clone()) {
            cx.err(
                &format!("{ap}.name"),
                format!("argument '{}' is declared twice.", a.name),
            );
        }
        if a.positional && a.ty == ArgType::Flag {
            cx.err(&format!("{ap}.type"), "a flag cannot be positional.");
        }
        if a.positional && a.default.is_some() {
            cx.err(
                &format!("{ap}.default"),
                "a positional argument cannot have a default.",
            );
        }
        let resource = a
            .resource
            .as_ref()
            .and_then(|r| cx.resource_ref(r, statics, &format!("{ap}.resource")));
        let avers = cx.range(&a.min_version, &a.max_version, &ap);
        let required_since = a
            .required_since
            .as_ref()
            .and_then(|v| cx.version(v, &format!("{ap}.required_since")));
        let default_since = a
            .default_since
            .as_ref()
            .and_then(|v| cx.version(v, &format!("{ap}.default_since")));
        let mut arg = Arg {
            name: a.name.clone(),
            ty: a.ty,
            positional: a.positional,
            required: false,
            required_since,
            many: a.many,
            default: a.default.clone(),
            default_since,
            help: a.help.clone(),
            resource,
            query: a.query.clone(),
            metavar: a.metavar.clone(),
            versions: avers,
        };
        arg.required = (a.positional || a.required) && !arg.takes_list() && a.ty != ArgType::Flag;
        all.push((ap, arg));
    }

    // Where each argument goes.
    let mut used: BTreeSet<String> = BTreeSet::new();
    for ph in placeholders(&path) {
        if !names.contains(&ph) {
            cx.err(
                &format!("{p}.http"),
                format!("the URL placeholder {{{ph}}} has no argument of that name."),
            );
        }
        used.insert(ph);
    }
    let body = match &o.body {
        None => None,
        Some(v) => {
            match serde_json::to_value(v) {
                Ok(json) => {
                    let mut phs = Vec::new();
                    body_placeholders(&json, &mut phs);
                    for ph in phs {
                        if !names.contains(&ph) {
                            cx.err(&format!("{p}.body"), format!("the body placeholder \"{{{ph}}}\" has no argument of that name."));
                        }
                        used.insert(ph);
                    }
                    Some(json.to_string())
                }
                Err(e) => {
                    cx.err(
                        &format!("{p}.body"),
                        format!("the body cannot be written as JSON: {e}."),
                    );
                    None
                }
            }
        }
    };
    let mut args = Vec::new();
    let mut flags = Vec::new();
    for (ap, a) in all {
        let sent = used.contains(&a.name) || a.query.is_some();
        if sent {
            args.push(a);
        } else if a.ty == ArgType::Flag && o.output.when.as_deref() == Some(a.name.as_str()) {
            flags.push(a);
        } else {
            cx.err(&format!("{ap}.name"), format!("argument '{}' is used nowhere: name it in the URL, the body, a query parameter, or output.when (flags only).", a.name));
        }
    }
    if args
        .iter()
        .chain(&flags)
        .filter(|a| a.positional && a.many)
        .count()
        > 1
    {
        cx.err(
            &format!("{p}.args"),
            "only one positional argument can take several values.",
        );
    }

    // What comes back.
    let returns = match o.kind {
        _ if o.raw => Returns::Raw,
        OpKind::List => Returns::List,
        OpKind::Show | OpKind::Create | OpKind::Update | OpKind::Find => Returns::One,
        OpKind::Delete | OpKind::Action => Returns::Nothing,
    };
    if o.raw && o.response_key.is_none() && o.id_header.is_none() {
        cx.err(
            &format!("{p}.raw"),
            "a raw result needs a response_key or an id_header to take it from.",
        );
    }
    if returns == Returns::List && o.response_key.is_none() {
        cx.err(
            &format!("{p}.kind"),
            "a list operation needs the response_key holding the list.",
        );
    }
    if o.item_key.is_some() && returns != Returns::List {
        cx.err(
            &format!("{p}.item_key"),
            "item_key only applies to list operations.",
        );
    }

    let out = &o.output;
    let op = format!("{p}.output");
    let out_resource = out
        .resource
        .as_ref()
        .and_then(|r| cx.resource_ref(r, statics, &format!("{op}.resource")));
    match out.kind {
        OutputKind::Table if returns != Returns::List => {
            cx.err(&format!("{op}.kind"), "a table output needs a list operation.")
        }
        OutputKind::Table if f.columns.is_empty() => cx.err(
            &format!("{op}.kind"),
            format!("a table output needs columns on resource '{}'.", f.resource),
        ),
        OutputKind::Properties if !(returns == Returns::One || out_resource.is_some()) => cx.err(
            &format!("{op}.kind"),
            "a properties output needs one resource: a show/create/update operation, or output.resource with a raw ID.",
        ),
        OutputKind::Message if out.message.is_none() => {
            cx.err(&format!("{op}.kind"), "a message output needs the message text.")
        }
        OutputKind::Value if returns != Returns::Raw && returns != Returns::One => cx.err(
            &format!("{op}.kind"),
            "a value output needs a raw result or one resource.",
        ),
        _ => {}
    }
    if out.refetch && !has_lookup {
        cx.err(
            &format!("{op}.refetch"),
            format!(
                "refetch needs a lookup section on resource '{}'.",
                f.resource
            ),
        );
    }
    let out_min = out
        .min_version
        .as_ref()
        .and_then(|v| cx.version(v, &format!("{op}.min_version")));
    let poll = o.poll.as_ref().map(|pl| Poll {
        action: pl.action.clone(),
        until: pl.until.clone(),
        resource: match (&out.resource, has_lookup) {
            (Some(_), _) => out_resource.clone().unwrap_or_default(),
            (None, true) => static_name.to_string(),
            (None, false) => {
                cx.err(
                    &format!("{p}.poll"),
                    format!("poll needs a lookup section on resource '{}'.", f.resource),
                );
                String::new()
            }
        },
    });

    Operation {
        command: o.command.clone(),
        method: o.method.clone(),
        variant: camel(&o.command),
        static_name: format!("{}_{}", f.manager.to_uppercase(), o.method.to_uppercase()),
        kind: o.kind,
        help: o.help.trim().to_string(),
        http_method,
        path,
        args,
        flags,
        body,
        response_key: o.response_key.clone(),
        item_key: o.item_key.clone(),
        returns,
        id_header: o.id_header.clone(),
        output: Output {
            kind: out.kind,
            field: out.field.clone(),
            message: out.message.clone(),
            error: out.error.clone(),
            resource: out_resource,
            when: out.when.clone(),
            refetch: out.refetch,
            min_version: out_min,
        },
        poll,
        versions,
    }
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
    fn url_placeholders() {
        assert_eq!(placeholders("/servers/{server}/x/{y}"), vec!["server", "y"]);
    }
}
