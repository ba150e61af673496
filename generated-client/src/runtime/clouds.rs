//! `--os-cloud NAME`: clouds.yaml and secure.yaml, read as openstacksdk reads them. The first
//! of each that exists is used (`$OS_CLIENT_CONFIG_FILE` / `$OS_CLIENT_SECURE_FILE`, then
//! `clouds|secure.{yaml,yml,json}` in the current directory, `~/.config/openstack` and
//! `/etc/openstack`); secure.yaml is merged over clouds.yaml, then the chosen region's
//! `values` over the cloud. What the flags and `OS_*` variables set wins over both.
//!
//! Unlike openstacksdk, which skips a file it cannot parse with a warning, a file that exists
//! but cannot be read, or a value of the wrong type, is an error naming the file and the key.

use super::error::Error;
use super::session::ConnectOptions;
use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};

/// One configuration file, parsed, its keys normalised (`-` read as `_`, as openstacksdk does).
struct File {
    path: PathBuf,
    doc: Value,
}

/// The places a configuration file named `stem` is looked for, in order.
fn candidates(env_var: &str, stem: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os(env_var).filter(|p| !p.is_empty()) {
        out.push(PathBuf::from(p));
    }
    let mut dirs = vec![std::env::current_dir().unwrap_or_else(|_| ".".into())];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".config/openstack"));
    }
    dirs.push("/etc/openstack".into());
    for dir in dirs {
        for ext in ["yaml", "yml", "json"] {
            out.push(dir.join(format!("{stem}.{ext}")));
        }
    }
    out
}

/// The first existing file of `candidates`; one that exists but cannot be read or parsed is
/// an error.
fn load(env_var: &str, stem: &str) -> Result<Option<File>, Error> {
    let Some(path) = candidates(env_var, stem).into_iter().find(|p| p.exists()) else {
        return Ok(None);
    };
    let shown = path.display();
    let bytes = super::files::read_bounded(&path)
        .map_err(|e| Error::Config(format!("{shown}: cannot be read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Config(format!(
            "{shown}: cannot be read: it is not UTF-8 text ({e})"
        ))
    })?;
    let mut doc: Value =
        serde_yaml::from_str(&text).map_err(|e| Error::Config(format!("{shown}: {e}")))?;
    doc.apply_merge()
        .map_err(|e| Error::Config(format!("{shown}: {e}")))?;
    match doc {
        Value::Mapping(_) => {}
        Value::Null => doc = Value::Mapping(Mapping::new()),
        _ => {
            return Err(Error::Config(format!(
                "{shown}: expected a mapping with a 'clouds' key"
            )))
        }
    }
    Ok(Some(File {
        path,
        doc: normalized(doc),
    }))
}

/// Keys with `-` read as `_`, all the way down.
fn normalized(v: Value) -> Value {
    match v {
        Value::Mapping(m) => Value::Mapping(
            m.into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        Value::String(s) => Value::String(s.replace('-', "_")),
                        other => other,
                    };
                    (k, normalized(v))
                })
                .collect(),
        ),
        other => other,
    }
}

/// `over` merged into `base`: mappings key by key, anything else replaced.
fn merge(base: Value, over: Value) -> Value {
    match (base, over) {
        (Value::Mapping(mut b), Value::Mapping(o)) => {
            for (k, v) in o {
                let merged = match b.remove(&k) {
                    Some(old) => merge(old, v),
                    None => v,
                };
                b.insert(k, merged);
            }
            Value::Mapping(b)
        }
        (_, over) => over,
    }
}

/// `clouds.<name>` of a file, if it has it.
fn cloud_in(file: &File, name: &str) -> Result<Option<Value>, Error> {
    match file.doc.get("clouds") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Mapping(m)) => match m.get(name) {
            None => Ok(None),
            Some(c @ Value::Mapping(_)) => Ok(Some(c.clone())),
            Some(_) => Err(type_error(
                &file.path,
                &format!("clouds.{name}"),
                "a mapping",
            )),
        },
        Some(_) => Err(type_error(&file.path, "clouds", "a mapping")),
    }
}

fn type_error(path: &Path, key: &str, expected: &str) -> Error {
    Error::Config(format!("{}: {key}: expected {expected}", path.display()))
}

/// The named cloud, merged from both files, and where each of its keys came from.
struct Cloud<'a> {
    name: &'a str,
    config: Value,
    clouds: Option<&'a Path>,
    secure: Option<(&'a Path, Value)>,
}

impl Cloud<'_> {
    fn at(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(&self.config, |v, k| v.get(*k))
    }

    /// The file a key was read from: secure.yaml when it has the key, else clouds.yaml.
    fn origin(&self, keys: &[&str]) -> &Path {
        match &self.secure {
            Some((path, v)) if keys.iter().try_fold(v, |v, k| v.get(*k)).is_some() => path,
            Some((path, _)) if self.clouds.is_none() => path,
            _ => self.clouds.unwrap_or(Path::new("clouds.yaml")),
        }
    }

    fn wrong(&self, keys: &[&str], expected: &str) -> Error {
        let key = format!("clouds.{}.{}", self.name, keys.join("."));
        type_error(self.origin(keys), &key, expected)
    }

    /// A text value (numbers read as their text, as openstacksdk does); null is absent.
    fn text(&self, keys: &[&str]) -> Result<Option<String>, Error> {
        match self.at(keys) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(self.wrong(keys, "a string")),
        }
    }

    /// A boolean; `insecure` may also be a text, true when it is `true` in any case.
    fn flag(&self, key: &str, text_too: bool) -> Result<Option<bool>, Error> {
        match self.at(&[key]) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if text_too => Ok(Some(s.eq_ignore_ascii_case("true"))),
            Some(_) => Err(self.wrong(&[key], "true or false")),
        }
    }

    /// An auth option: at the cloud's top level (which wins, as in openstacksdk) or under
    /// `auth`, by its name or an older one (`tenant_name`).
    fn auth(&self, names: &[&str]) -> Result<Option<String>, Error> {
        for place in [&[][..], &["auth"][..]] {
            for name in names {
                let keys: Vec<&str> = place.iter().copied().chain([*name]).collect();
                if let Some(v) = self.text(&keys)? {
                    return Ok(Some(v));
                }
            }
        }
        Ok(None)
    }
}

/// The auth plugins `nova` can act on, by openstacksdk's (keystoneauth's) `auth_type` names.
#[derive(Clone, Copy, PartialEq)]
enum Plugin {
    Password,
    Token,
    ApplicationCredential,
    /// A token and the endpoint to use it on, no Keystone.
    TokenEndpoint,
}

const AUTH_TYPES: &str = "password, v3password, token, v3token, v3applicationcredential, \
                          applicationcredential, token_endpoint, admin_token";

fn plugin(name: &str) -> Option<Plugin> {
    Some(match name {
        "password" | "v3password" => Plugin::Password,
        "token" | "v3token" => Plugin::Token,
        "v3applicationcredential" | "applicationcredential" => Plugin::ApplicationCredential,
        "token_endpoint" | "admin_token" => Plugin::TokenEndpoint,
        _ => return None,
    })
}

/// Fill what the flags and variables left unset from the named cloud.
/// Returns whether the token cache may be used: false when clouds.yaml says
/// `cache: {auth: false}` (openstacksdk's switch for caching tokens).
pub fn apply(o: &mut ConnectOptions, name: &str) -> Result<bool, Error> {
    let clouds = load("OS_CLIENT_CONFIG_FILE", "clouds")?;
    let secure = load("OS_CLIENT_SECURE_FILE", "secure")?;
    if clouds.is_none() && secure.is_none() {
        return Err(Error::Config(format!(
            "--os-cloud {name}: no clouds.yaml was found."
        )));
    }
    let base = clouds
        .as_ref()
        .map(|f| cloud_in(f, name))
        .transpose()?
        .flatten();
    let over = secure
        .as_ref()
        .map(|f| cloud_in(f, name))
        .transpose()?
        .flatten();
    let config = match (base, over.clone()) {
        (None, None) => {
            let files: Vec<String> = [&clouds, &secure]
                .into_iter()
                .flatten()
                .map(|f| f.path.display().to_string())
                .collect();
            return Err(Error::Config(format!(
                "Cloud {name} was not found in {}.",
                files.join(" or ")
            )));
        }
        (Some(b), Some(o)) => merge(b, o),
        (Some(one), None) | (None, Some(one)) => one,
    };
    let mut cloud = Cloud {
        name,
        config,
        clouds: clouds.as_ref().map(|f| f.path.as_path()),
        secure: secure
            .as_ref()
            .zip(over)
            .map(|(f, v)| (f.path.as_path(), v)),
    };
    choose_region(o, &mut cloud)?;
    let fill = |slot: &mut Option<String>, v: Option<String>| {
        if slot.is_none() {
            *slot = v;
        }
    };

    let auth_type = match cloud.text(&["auth_type"])? {
        Some(t) => Some(t),
        None => cloud.text(&["auth_plugin"])?,
    };
    let auth_type = auth_type.unwrap_or_else(|| "password".into());
    let kind = plugin(&auth_type).ok_or_else(|| {
        Error::Config(format!(
            "{}: clouds.{name}.auth_type: '{auth_type}' is not supported; nova supports {AUTH_TYPES}.",
            cloud.origin(&["auth_type"]).display()
        ))
    })?;
    if cloud
        .at(&["auth"])
        .is_some_and(|a| !a.is_mapping() && !a.is_null())
    {
        return Err(cloud.wrong(&["auth"], "a mapping"));
    }
    let a = |names: &[&str]| cloud.auth(names);
    match kind {
        Plugin::TokenEndpoint => {
            fill(&mut o.token, a(&["token", "auth_token"])?);
            fill(&mut o.endpoint_override, a(&["endpoint"])?);
        }
        _ => fill(&mut o.auth_url, a(&["auth_url"])?),
    }
    match kind {
        Plugin::Password => {
            fill(&mut o.username, a(&["username"])?);
            fill(&mut o.user_id, a(&["user_id"])?);
            fill(&mut o.password, a(&["password"])?);
        }
        Plugin::Token => fill(&mut o.token, a(&["token", "auth_token"])?),
        Plugin::ApplicationCredential => {
            let id = a(&["application_credential_id"])?;
            if id.is_none()
                && o.application_credential_id.is_none()
                && a(&["application_credential_name"])?.is_some()
            {
                return Err(Error::Config(format!(
                    "{}: clouds.{name}: an application credential is found by its \
                     application_credential_id here; application_credential_name is not supported.",
                    cloud
                        .origin(&["auth", "application_credential_name"])
                        .display()
                )));
            }
            fill(&mut o.application_credential_id, id);
            fill(
                &mut o.application_credential_secret,
                a(&["application_credential_secret"])?,
            );
        }
        Plugin::TokenEndpoint => {}
    }
    if matches!(kind, Plugin::Password | Plugin::Token) {
        fill(&mut o.project_name, a(&["project_name", "tenant_name"])?);
        fill(&mut o.project_id, a(&["project_id", "tenant_id"])?);
        // `domain_id`/`domain_name` give both domains of a project-scoped login, and the
        // generic plugins' `default_domain_*` whatever is still missing.
        let scoped = o.project_name.is_some() || o.project_id.is_some();
        for (which, fallback) in [("id", "domain_id"), ("name", "domain_name")] {
            let both = match scoped {
                true => a(&[fallback])?,
                false => None,
            };
            let default = match auth_type.as_str() {
                "password" | "token" => a(&[&format!("default_domain_{which}")])?,
                _ => None,
            };
            let (user, project) = match which {
                "id" => (&mut o.user_domain_id, &mut o.project_domain_id),
                _ => (&mut o.user_domain_name, &mut o.project_domain_name),
            };
            fill(user, a(&[&format!("user_domain_{which}")])?);
            fill(project, a(&[&format!("project_domain_{which}")])?);
            for slot in [user, project] {
                fill(slot, both.clone());
                fill(slot, default.clone());
            }
        }
    }

    fill(&mut o.interface, cloud.text(&["interface"])?);
    fill(&mut o.interface, cloud.text(&["endpoint_type"])?);
    fill(
        &mut o.endpoint_override,
        cloud.text(&["compute_endpoint_override"])?,
    );
    fill(&mut o.api_version, cloud.text(&["compute_api_version"])?);
    let cacert = cloud.text(&["cacert"])?.map(|c| expand_home(&c));
    fill(&mut o.cacert, cacert);
    if cloud.flag("verify", false)? == Some(false) || cloud.flag("insecure", true)? == Some(true) {
        o.insecure = true;
    }
    let cache_auth = clouds
        .as_ref()
        .and_then(|f| f.doc.get("cache"))
        .and_then(|c| c.get("auth"))
        .and_then(Value::as_bool);
    Ok(cache_auth != Some(false))
}

/// `~/x` as openstacksdk's `expanduser` reads it.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest).display().to_string(),
        _ => path.to_string(),
    }
}

/// The region: the one asked for (flag or `OS_REGION_NAME`), else the cloud's first. When the
/// cloud lists its regions (`regions: [name | {name, values}]`, or `region_name`, which may
/// be a list or `a,b`), the one asked for must be among them, and its `values` are merged
/// over the cloud.
fn choose_region(o: &mut ConnectOptions, cloud: &mut Cloud) -> Result<(), Error> {
    let mut known: Vec<(String, Option<Value>)> = Vec::new();
    let entry_name = |v: &Value| v.as_str().map(str::to_string);
    match cloud.at(&["regions"]) {
        None | Some(Value::Null) => match cloud.at(&["region_name"]) {
            None | Some(Value::Null) => {}
            Some(Value::Sequence(items)) => {
                for item in items {
                    let n = entry_name(item)
                        .ok_or_else(|| cloud.wrong(&["region_name"], "a list of strings"))?;
                    known.push((n, None));
                }
            }
            Some(_) => {
                let text = cloud.text(&["region_name"])?.unwrap_or_default();
                known.extend(text.split(',').map(|n| (n.trim().to_string(), None)));
            }
        },
        Some(Value::Sequence(items)) => {
            for item in items {
                match item {
                    Value::String(n) => known.push((n.clone(), None)),
                    Value::Mapping(m)
                        if m.keys()
                            .all(|k| matches!(k.as_str(), Some("name" | "values"))) =>
                    {
                        let n = m.get("name").and_then(entry_name).ok_or_else(|| {
                            cloud.wrong(&["regions"], "entries that are a name or {name, values}")
                        })?;
                        let values = match m.get("values") {
                            None | Some(Value::Null) => None,
                            Some(v @ Value::Mapping(_)) => Some(v.clone()),
                            Some(_) => return Err(cloud.wrong(&["regions", "values"], "a mapping")),
                        };
                        known.push((n, values));
                    }
                    _ => {
                        return Err(
                            cloud.wrong(&["regions"], "entries that are a name or {name, values}")
                        )
                    }
                }
            }
        }
        Some(_) => return Err(cloud.wrong(&["regions"], "a list")),
    }
    known.retain(|(n, _)| !n.is_empty());
    let Some(first) = known.first() else {
        return Ok(());
    };
    let wanted = o.region_name.clone().unwrap_or_else(|| first.0.clone());
    let Some((_, values)) = known.iter().find(|(n, _)| *n == wanted) else {
        let names: Vec<&str> = known.iter().map(|(n, _)| n.as_str()).collect();
        return Err(Error::Config(format!(
            "Region {wanted} is not a valid region name for cloud {}. Valid choices are {}. \
             Please note that region names are case sensitive.",
            cloud.name,
            names.join(",")
        )));
    };
    if let Some(v) = values {
        cloud.config = merge(std::mem::take(&mut cloud.config), v.clone());
    }
    o.region_name = Some(wanted);
    Ok(())
}
