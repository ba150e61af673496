//! From an operation definition and argument values to an HTTP request, and from the reply to
//! a result: defaults and microversion checks, name-or-ID lookup, URL, query and body
//! templates, response keys, pagination, and polling.

use super::defs::{ArgDef, ArgType, OpDef, Range, ResourceDef, Returns, Service, Version};
use super::error::Error;
use super::session::Client;
use super::{ArgValue, Reply};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Write;

/// Pages followed at most for one list, against a server whose next links never end.
const MAX_PAGES: usize = 10_000;

impl Client {
    /// Run one operation. `values` are in the order of `op.args`.
    pub fn call(&self, op: &OpDef, values: &[ArgValue]) -> Result<Reply, Error> {
        let v = self.version();
        if !op.versions.contains(v) {
            return Err(outside(op.command, op.versions, v));
        }
        let mut path = op.path.to_string();
        let mut query = Vec::new();
        let mut subs: HashMap<&str, Value> = HashMap::new();
        for (i, def) in op.args.iter().enumerate() {
            let given = values.get(i).cloned().unwrap_or(ArgValue::Absent);
            let Some(value) = self.prepare(def, given)? else {
                continue;
            };
            let placeholder = format!("{{{}}}", def.name);
            if path.contains(&placeholder) {
                path = path.replace(&placeholder, &encode_segment(&scalar_text(&value)));
            }
            if let Some(q) = def.query {
                query.push((q.to_string(), scalar_text(&value)));
            }
            subs.insert(def.name, value);
        }
        if let Some(missing) = op
            .args
            .iter()
            .find(|a| path.contains(&format!("{{{}}}", a.name)))
        {
            return Err(Error::command(format!("{} is required.", missing.cli)));
        }
        let body = match op.body {
            Some(t) => {
                let template: Value = serde_json::from_str(t).map_err(|e| Error::Decode {
                    url: op.command.into(),
                    detail: format!("body template: {e}"),
                })?;
                Some(fill(&template, &subs).unwrap_or(Value::Null))
            }
            None => None,
        };
        let service = op.resource.service;
        if op.returns == Returns::List {
            let key = op.response_key.unwrap_or_default();
            // nova's `limit` query parameter caps the whole list, not just one page.
            let limit = query
                .iter()
                .find(|(k, _)| k == "limit")
                .and_then(|(_, v)| v.parse::<i64>().ok());
            let items = self.list_pages(service, &path, query, key, op.item_key, limit)?;
            return Ok(Reply::List(items));
        }
        let reply = self.send(service, op.method, &path, &query, body.as_ref())?;
        let picked = match (op.response_key, &reply.body) {
            (Some(k), Some(b)) => b.get(k).cloned(),
            (None, b) => b.clone(),
            (Some(_), None) => None,
        };
        Ok(match op.returns {
            Returns::Nothing => Reply::Empty,
            Returns::One => {
                Reply::One(picked.ok_or_else(|| missing_key(&reply.url, op.response_key))?)
            }
            Returns::Raw => match picked {
                Some(v) => Reply::Raw(v),
                None => match op.id_header.and_then(|h| reply.headers.get(h)) {
                    // e.g. `Location: http://.../images/<id>` before createImage had a body
                    Some(h) => Reply::Raw(Value::String(
                        h.to_str()
                            .unwrap_or_default()
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_string(),
                    )),
                    None => Reply::Empty,
                },
            },
            Returns::List => Reply::Empty,
        })
    }

    /// Check one argument against the session's microversion, apply its default, look it up
    /// and turn it into JSON. `None`: not sent.
    fn prepare(&self, def: &ArgDef, given: ArgValue) -> Result<Option<Value>, Error> {
        let v = self.version();
        let given = if given.is_absent() {
            if let Some(since) = def.required_since {
                if v >= since && def.versions.contains(v) {
                    return Err(Error::command(format!(
                        "{} is required from API version {since} (this session uses {v}).",
                        def.cli
                    )));
                }
            }
            match def.default {
                Some(d) if def.versions.contains(v) && def.default_since.is_none_or(|s| v >= s) => {
                    ArgValue::Str(d.to_string())
                }
                _ => return Ok(None),
            }
        } else {
            if !def.versions.contains(v) {
                return Err(outside(def.cli, def.versions, v));
            }
            given
        };
        if let (Some(res), ArgValue::Str(s)) = (def.resource, &given) {
            let id = id_of(&self.find(res, s)?).ok_or_else(|| Error::Shape {
                what: res.name.into(),
                detail: "it has no id".into(),
            })?;
            return Ok(Some(Value::String(id)));
        }
        let bad = |what: &str| Error::command(format!("{} {what}", def.cli));
        Ok(Some(match (def.ty, given) {
            (ArgType::Integer, ArgValue::Str(s)) => Value::from(
                s.trim()
                    .parse::<i64>()
                    .map_err(|_| bad(&format!("must be an integer, not '{s}'.")))?,
            ),
            (ArgType::Boolean, ArgValue::Str(s)) => {
                Value::Bool(parse_bool(&s).ok_or_else(|| bad("must be true or false."))?)
            }
            (ArgType::Nic, ArgValue::List(l)) => nics(&l)?,
            (ArgType::Nic, ArgValue::Str(s)) => nics(&[s])?,
            (_, ArgValue::List(l)) => Value::from(l),
            (_, ArgValue::Str(s)) => Value::String(s),
            (_, ArgValue::Int(i)) => Value::from(i),
            (_, ArgValue::Bool(b)) => Value::Bool(b),
            (_, ArgValue::Pairs(p)) => {
                Value::Object(p.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
            }
            (_, ArgValue::Absent) => return Ok(None),
        }))
    }

    /// GET a list and every following page (`<key>_links` rel=next, or Glance's `next`).
    fn list_pages(
        &self,
        service: Service,
        path: &str,
        query: Vec<(String, String)>,
        key: &str,
        item_key: Option<&str>,
        limit: Option<i64>,
    ) -> Result<Vec<Value>, Error> {
        let mut items = Vec::new();
        let mut next = Some((path.to_string(), query));
        let mut pages = 0;
        while let Some((url, q)) = next.take() {
            pages += 1;
            let reply = self.send(service, "GET", &url, &q, None)?;
            let body = reply.body.unwrap_or(Value::Null);
            let page = body
                .get(key)
                .and_then(Value::as_array)
                .ok_or_else(|| missing_key(&reply.url, Some(key)))?;
            let before = items.len();
            for item in page {
                let item = match item_key {
                    Some(k) => item.get(k).cloned().unwrap_or_else(|| item.clone()),
                    None => item.clone(),
                };
                items.push(item);
            }
            if let Some(l) = limit {
                if l >= 0 && items.len() as i64 >= l {
                    items.truncate(l as usize);
                    break;
                }
            }
            if items.len() == before || pages >= MAX_PAGES {
                break;
            }
            let link = body
                .get(format!("{key}_links"))
                .and_then(Value::as_array)
                .and_then(|links| {
                    links
                        .iter()
                        .find(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
                        .and_then(|l| l.get("href").and_then(Value::as_str))
                })
                .map(str::to_string)
                .or_else(|| {
                    // Glance: a path relative to the service root
                    body.get("next").and_then(Value::as_str).map(|n| {
                        let root = self.endpoint(service).unwrap_or_default();
                        format!("{root}{}", n.strip_prefix(root).unwrap_or(n))
                    })
                });
            next = link.map(|l| (l, Vec::new()));
        }
        Ok(items)
    }

    /// Fetch one resource by its ID.
    pub fn get_resource(&self, res: &ResourceDef, id: &str) -> Result<Value, Error> {
        let lookup = res
            .lookup
            .as_ref()
            .ok_or_else(|| Error::command(format!("{}s cannot be looked up.", res.name)))?;
        let path = lookup.get.replace("{id}", &encode_segment(id));
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
    /// (any value for resources with non-UUID IDs, else a UUID-looking value), then an exact
    /// name match, then an integer ID.
    pub fn find(&self, res: &ResourceDef, name_or_id: &str) -> Result<Value, Error> {
        let lookup = res.lookup.as_ref().ok_or_else(|| {
            Error::command(format!("{}s cannot be looked up by name or ID.", res.name))
        })?;
        let try_get = |id: &str| match self.get_resource(res, id) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        };
        if lookup.alphanum_id || is_uuid(name_or_id) {
            if let Some(v) = try_get(name_or_id)? {
                return Ok(v);
            }
        }
        let query: Vec<(String, String)> = lookup
            .name_query
            .map(|q| vec![(q.to_string(), name_or_id.to_string())])
            .unwrap_or_default();
        let all = self.list_pages(res.service, lookup.list, query, lookup.list_key, None, None)?;
        let mut matches = all
            .into_iter()
            .filter(|v| v.get("name").and_then(Value::as_str) == Some(name_or_id));
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
        if !lookup.alphanum_id && name_or_id.parse::<i64>().is_ok() {
            if let Some(v) = try_get(name_or_id)? {
                return Ok(v);
            }
        }
        Err(Error::command(format!(
            "No {} with a name or ID of '{name_or_id}' exists.",
            res.name
        )))
    }

    /// Wait until the resource's status is one of `until`, printing novaclient's progress
    /// line (`Server building... 40% complete`) to `out`.
    pub fn poll(
        &self,
        res: &ResourceDef,
        id: &str,
        action: &str,
        until: &[&str],
        out: &mut dyn Write,
    ) -> Result<(), Error> {
        let progress = |out: &mut dyn Write, p: i64| {
            let _ = write!(out, "\rServer {action}... {p}% complete");
            let _ = out.flush();
        };
        let _ = writeln!(out);
        loop {
            let obj = self.get_resource(res, id)?;
            let status = obj
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_lowercase();
            let p = obj.get("progress").and_then(Value::as_i64).unwrap_or(0);
            if until.contains(&status.as_str()) {
                progress(out, 100);
                let _ = writeln!(out, "\nFinished");
                return Ok(());
            }
            if status == "error" || status == "deleted" {
                let word = if status == "error" {
                    "Error"
                } else {
                    "Deleted"
                };
                let _ = writeln!(out, "\n{word} {action} server");
                let fault = obj
                    .pointer("/fault/message")
                    .and_then(Value::as_str)
                    .unwrap_or("no fault recorded");
                return Err(Error::State(format!(
                    "{} {id} is in {status} state: {fault}",
                    res.name
                )));
            }
            progress(out, p);
            std::thread::sleep(self.poll_interval);
        }
    }
}

/// Fill a body template: a string `"{name}"` becomes that argument's JSON value, and a key
/// whose argument was not given is left out. `None`: nothing left.
fn fill(template: &Value, subs: &HashMap<&str, Value>) -> Option<Value> {
    match template {
        Value::String(s) if s.len() > 2 && s.starts_with('{') && s.ends_with('}') => {
            subs.get(&s[1..s.len() - 1]).cloned()
        }
        Value::Object(m) => {
            let filled: Map<String, Value> = m
                .iter()
                .filter_map(|(k, v)| fill(v, subs).map(|v| (k.clone(), v)))
                .collect();
            Some(Value::Object(filled))
        }
        Value::Array(a) => Some(Value::Array(
            a.iter().filter_map(|v| fill(v, subs)).collect(),
        )),
        other => Some(other.clone()),
    }
}

/// novaclient's `--nic`: `auto` / `none` alone, or `net-id=..,v4-fixed-ip=..,port-id=..,tag=..`.
fn nics(values: &[String]) -> Result<Value, Error> {
    if values.iter().any(|v| v == "auto" || v == "none") {
        if values.len() > 1 {
            return Err(Error::command(
                "--nic auto and --nic none cannot be used with any other --nic value.",
            ));
        }
        return Ok(Value::String(values[0].clone()));
    }
    let mut out = Vec::new();
    for v in values {
        let mut nic = Map::new();
        for part in v.split(',') {
            let (k, val) = part.split_once('=').ok_or_else(|| bad_nic(v))?;
            let key = match k {
                "net-id" => "uuid",
                "port-id" => "port",
                "v4-fixed-ip" | "v6-fixed-ip" => "fixed_ip",
                "net-name" => "name",
                "tag" => "tag",
                _ => return Err(bad_nic(v)),
            };
            nic.insert(key.into(), Value::String(val.into()));
        }
        if nic.contains_key("uuid") && nic.contains_key("port") {
            return Err(bad_nic(v));
        }
        out.push(Value::Object(nic));
    }
    Ok(Value::Array(out))
}

fn bad_nic(v: &str) -> Error {
    Error::command(format!(
        "Invalid nic argument '{v}'. Nic arguments must be of the form --nic \
         <auto,none,net-id=net-uuid,v4-fixed-ip=ip-addr,v6-fixed-ip=ip-addr,port-id=port-uuid,tag=tag>, \
         with only one of net-id or port-id specified."
    ))
}

/// The refusal of an operation or argument outside its microversion range.
fn outside(what: &str, range: Range, v: Version) -> Error {
    Error::command(format!(
        "'{what}' is only supported by API versions {} (this session uses {v}).",
        range.describe()
    ))
}

/// A resource's `id` as text (flavor IDs are strings, keypair IDs numbers).
pub fn id_of(resource: &Value) -> Option<String> {
    match resource.get("id")? {
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

/// A JSON scalar as text for a URL or query string.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Percent-encode one path segment.
fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
    use serde_json::json;

    #[test]
    fn fill_leaves_out_missing_arguments() {
        let t = json!({"server": {"name": "{name}", "imageRef": "{image}", "x": 1}});
        let subs = HashMap::from([("name", json!("vm"))]);
        assert_eq!(
            fill(&t, &subs),
            Some(json!({"server": {"name": "vm", "x": 1}}))
        );
    }

    #[test]
    fn nic_forms() {
        assert_eq!(nics(&["auto".into()]).ok(), Some(json!("auto")));
        assert_eq!(
            nics(&["net-id=a,v4-fixed-ip=10.0.0.2".into()]).ok(),
            Some(json!([{"uuid": "a", "fixed_ip": "10.0.0.2"}]))
        );
        assert!(nics(&["auto".into(), "none".into()]).is_err());
        assert!(nics(&["bogus".into()]).is_err());
    }

    #[test]
    fn uuid_check() {
        assert!(is_uuid("3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f"));
        assert!(!is_uuid("my-server"));
        assert!(!is_uuid("1"));
    }
}
