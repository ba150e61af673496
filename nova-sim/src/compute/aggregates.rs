//! `/os-aggregates`: host aggregates (admin): create, list, show, update, delete, and the
//! `add_host`, `remove_host` and `set_metadata` actions, with nova's messages
//! (`nova/api/openstack/compute/aggregates.py`, `AggregateAPI`); `uuid` from 2.41.

use super::schema::{check_keys, invalid, name, not_type, object, repr};
use super::{bad, conflict, not_found, Call};
use crate::http::Resp;
use crate::state::time::{self, iso_micro};
use crate::state::{new_id, Aggregate, State};
use serde_json::{json, Map, Value};

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    let reply = match (m, parts) {
        ("GET", []) => c.admin_only(&rule("index")).and_then(|_| list(c)),
        ("POST", []) => create(c),
        ("GET", [id]) => c
            .admin_only(&rule("show"))
            .and_then(|_| with_id(id))
            .and_then(|id| show(c, id)),
        ("PUT", [id]) => update(c, id),
        ("DELETE", [id]) => c
            .admin_only(&rule("delete"))
            .and_then(|_| with_id(id))
            .and_then(|id| delete(c, id)),
        ("POST", [id, "action"]) => action(c, id),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

/// The policy rule of an aggregate operation: every one is admin-only. Body checks come
/// first (nova's schema decorators), then the rule, then the ID.
fn rule(op: &str) -> String {
    format!("os_compute_api:os-aggregates:{op}")
}

/// nova's `utils.validate_integer(id, 'id')`.
fn with_id(id: &str) -> Result<i64, Resp> {
    id.trim()
        .parse::<i64>()
        .map_err(|_| bad("Invalid input received: id must be an integer"))
}

fn not_found_aggregate(id: i64) -> Resp {
    not_found(&format!("Aggregate {id} could not be found."))
}

/// An aggregate as nova marshals it; `full` adds hosts and metadata (all but create).
fn render(c: &Call, a: &Aggregate, full: bool) -> Value {
    let mut o = Map::new();
    o.insert("availability_zone".into(), json!(a.zone()));
    o.insert("created_at".into(), json!(iso_micro(a.created)));
    o.insert("deleted".into(), json!(false));
    o.insert("deleted_at".into(), Value::Null);
    if full {
        o.insert("hosts".into(), json!(a.hosts));
        o.insert("metadata".into(), Value::Object(a.metadata.clone()));
    }
    o.insert("id".into(), json!(a.id));
    o.insert("name".into(), json!(a.name));
    o.insert("updated_at".into(), json!(a.updated.map(iso_micro)));
    if c.at((2, 41)) {
        o.insert("uuid".into(), json!(a.uuid));
    }
    Value::Object(o)
}

fn list(c: &Call) -> Result<Resp, Resp> {
    let st = c.lock();
    let all: Vec<Value> = st.aggregates.iter().map(|a| render(c, a, true)).collect();
    Ok(Resp::json(200, json!({ "aggregates": all })))
}

fn show(c: &Call, id: i64) -> Result<Resp, Resp> {
    let st = c.lock();
    match st.aggregates.iter().find(|a| a.id == id) {
        Some(a) => Ok(Resp::json(200, json!({"aggregate": render(c, a, true)}))),
        None => Err(not_found_aggregate(id)),
    }
}

/// `availability_zone`: null or a non-empty name without `:` (nova's `az_name` in a `oneOf`).
fn zone(v: &Value) -> Result<Option<String>, Resp> {
    match v {
        Value::Null => Ok(None),
        Value::String(s)
            if !s.is_empty()
                && s.chars().count() <= 255
                && !s.contains(':')
                && name("availability_zone", v).is_ok() =>
        {
            Ok(Some(s.clone()))
        }
        other => Err(invalid(
            Some("availability_zone"),
            other,
            &format!(
                "{} is not valid under any of the given schemas",
                repr(other)
            ),
        )),
    }
}

fn create(c: &Call) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(None, &body, &["aggregate"], &["aggregate"])?;
    let a = object(&body, "aggregate")?;
    check_keys(
        Some("aggregate"),
        a,
        &["name", "availability_zone"],
        &["name"],
    )?;
    let new_name = name("name", &a["name"])?;
    let az = a.get("availability_zone").map(zone).transpose()?.flatten();
    c.admin_only(&rule("create"))?;
    let mut st = c.lock();
    if st.aggregates.iter().any(|x| x.name == new_name) {
        return Err(conflict(&format!("Aggregate {new_name} already exists.")));
    }
    let id = st.next_aggregate_id;
    st.next_aggregate_id += 1;
    let mut metadata = Map::new();
    if let Some(z) = az {
        metadata.insert("availability_zone".into(), json!(z));
    }
    let agg = Aggregate {
        id,
        uuid: new_id(),
        name: new_name,
        hosts: Vec::new(),
        metadata,
        created: time::now(),
        updated: None,
    };
    let out = render(c, &agg, false);
    st.aggregates.push(agg);
    Ok(Resp::json(200, json!({ "aggregate": out })))
}

fn update(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(None, &body, &["aggregate"], &["aggregate"])?;
    let a = object(&body, "aggregate")?;
    let whole = Value::Object(a.clone());
    check_keys(Some("aggregate"), a, &["name", "availability_zone"], &[])?;
    if a.is_empty() {
        return Err(invalid(
            Some("aggregate"),
            &whole,
            &format!(
                "{} is not valid under any of the given schemas",
                repr(&whole)
            ),
        ));
    }
    // 2.1's update takes a name with spaces around it, and strips them.
    let new_name = match a.get("name") {
        Some(Value::String(s)) if !s.is_empty() && s.chars().count() <= 255 => {
            Some(s.trim().to_string())
        }
        Some(v @ Value::String(_)) => {
            name("name", v)?;
            None
        }
        Some(other) => return Err(not_type("name", other, "string")),
        None => None,
    };
    let az = a.get("availability_zone").map(zone).transpose()?;
    c.admin_only(&rule("update"))?;
    let id = with_id(id)?;
    let mut st = c.lock();
    let Some(i) = st.aggregates.iter().position(|x| x.id == id) else {
        return Err(not_found_aggregate(id));
    };
    if let Some(n) = &new_name {
        if st.aggregates.iter().any(|x| x.id != id && &x.name == n) {
            return Err(conflict(&format!("Aggregate {n} already exists.")));
        }
        st.aggregates[i].name = n.clone();
        // The row is saved: its updated_at is set.
        st.aggregates[i].updated = Some(time::now());
    }
    if let Some(z) = az {
        let meta = Map::from_iter([("availability_zone".to_string(), json!(z))]);
        safe_zone_change(&st, i, &meta, None, "Cannot update aggregate")?;
        apply_metadata(&mut st.aggregates[i], meta);
        st.aggregates[i].updated = Some(time::now());
    }
    Ok(Resp::json(
        200,
        json!({"aggregate": render(c, &st.aggregates[i], true)}),
    ))
}

fn delete(c: &Call, id: i64) -> Result<Resp, Resp> {
    let mut st = c.lock();
    let Some(i) = st.aggregates.iter().position(|x| x.id == id) else {
        return Err(not_found_aggregate(id));
    };
    if !st.aggregates[i].hosts.is_empty() {
        return Err(bad(&format!(
            "Cannot remove host from aggregate {id}. Reason: Host aggregate is not empty."
        )));
    }
    st.aggregates.remove(i);
    Ok(Resp::empty(200))
}

/// nova's `is_safe_to_update_az`: an availability zone is not empty, agrees with those of the
/// other aggregates of the hosts (`hosts`, else the aggregate's own), and (when no host is
/// being added) does not move servers already on those hosts to another zone.
fn safe_zone_change(
    st: &State,
    i: usize,
    meta: &Map<String, Value>,
    adding: Option<&str>,
    prefix: &str,
) -> Result<(), Resp> {
    let agg = &st.aggregates[i];
    // InvalidAggregateActionAdd is a 409 where add_host catches it, the others a 400.
    let refuse = |reason: String| -> Resp {
        let message = format!("{prefix} {}. Reason: {reason}.", agg.id);
        if adding.is_some() {
            conflict(&message)
        } else {
            bad(&message)
        }
    };
    let Some(new) = meta.get("availability_zone") else {
        return Ok(());
    };
    let new = new.as_str().unwrap_or("");
    if new.is_empty() {
        return Err(refuse(format!(
            "Aggregate {} does not support empty named availability zone",
            agg.name
        )));
    }
    let hosts: Vec<&str> = match adding {
        Some(h) => vec![h],
        None => agg.hosts.iter().map(String::as_str).collect(),
    };
    let conflicting: Vec<String> = st
        .aggregates
        .iter()
        .filter(|o| o.id != agg.id && o.hosts.iter().any(|h| hosts.contains(&h.as_str())))
        .filter_map(|o| o.zone().filter(|z| *z != new).map(|z| format!("'{z}'")))
        .collect();
    if !conflicting.is_empty() {
        return Err(refuse(format!(
            "One or more hosts already in availability zone(s) [{}]",
            conflicting.join(", ")
        )));
    }
    if adding.is_none()
        && agg.zone() != Some(new)
        && st.servers.iter().any(|s| hosts.contains(&s.host.as_str()))
    {
        return Err(refuse(
            "One or more hosts contain instances in this zone".into(),
        ));
    }
    Ok(())
}

/// nova's `Aggregate.update_metadata`: a null value removes its key.
fn apply_metadata(agg: &mut Aggregate, meta: Map<String, Value>) {
    for (k, v) in meta {
        if v.is_null() {
            agg.metadata.remove(&k);
        } else {
            agg.metadata.insert(k, v);
        }
    }
}

/// nova's `metadata_with_null`: keys of `[a-zA-Z0-9-_:. ]{1,255}`, values strings of up to
/// 255 characters or null.
fn metadata_with_null(v: &Value) -> Result<Map<String, Value>, Resp> {
    const KEY: &str = "^[a-zA-Z0-9-_:. ]{1,255}$";
    let Value::Object(m) = v else {
        return Err(not_type("metadata", v, "object"));
    };
    let key_ok = |k: &str| {
        (1..=255).contains(&k.chars().count())
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_:. ".contains(c))
    };
    for (k, val) in m.iter().filter(|(k, _)| key_ok(k)) {
        match val {
            Value::Null => {}
            Value::String(s) if s.chars().count() <= 255 => {}
            Value::String(_) => {
                return Err(invalid(Some(k), val, &format!("{} is too long", repr(val))))
            }
            other => return Err(not_type(k, other, "string', 'null")),
        }
    }
    let mut extra: Vec<String> = m
        .keys()
        .filter(|k| !key_ok(k))
        .map(|k| repr(&json!(k)))
        .collect();
    if !extra.is_empty() {
        extra.sort();
        let verb = if extra.len() == 1 { "does" } else { "do" };
        return Err(invalid(
            Some("metadata"),
            v,
            &format!(
                "{} {verb} not match any of the regexes: '{KEY}'",
                extra.join(", ")
            ),
        ));
    }
    Ok(m.clone())
}

/// The `host` of `add_host` / `remove_host`: nova's `fqdn` schema.
fn fqdn(v: &Value) -> Result<String, Resp> {
    let Value::String(s) = v else {
        return Err(not_type("host", v, "string"));
    };
    if s.is_empty() {
        return Err(invalid(Some("host"), v, "'' should be non-empty"));
    }
    if s.chars().count() > 255 {
        return Err(invalid(
            Some("host"),
            v,
            &format!("{} is too long", repr(v)),
        ));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
    {
        return Err(invalid(
            Some("host"),
            v,
            &format!("{} does not match '^[a-zA-Z0-9-._]*$'", repr(v)),
        ));
    }
    Ok(s.clone())
}

fn action(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    let Some(name) = body.keys().next().cloned() else {
        return Err(bad("Malformed request body"));
    };
    let known = ["add_host", "remove_host", "set_metadata"];
    if !known.contains(&name.as_str()) {
        return Err(bad(&format!("There is no such action: {name}")));
    }
    check_keys(None, &body, &[name.as_str()], &[name.as_str()])?;
    let args = object(&body, &name)?;
    let (host, meta) = if name == "set_metadata" {
        check_keys(Some(&name), args, &["metadata"], &["metadata"])?;
        (None, Some(metadata_with_null(&args["metadata"])?))
    } else {
        check_keys(Some(&name), args, &["host"], &["host"])?;
        (Some(fqdn(&args["host"])?), None)
    };
    c.admin_only(&rule(&name))?;
    let id = with_id(id)?;
    let mut st = c.lock();
    let is_compute = |st: &State, h: &str| {
        st.services
            .iter()
            .any(|s| s.host == h && s.binary == "nova-compute")
    };
    let i = match (name.as_str(), host.as_deref()) {
        ("add_host", Some(h)) => {
            if !is_compute(&st, h) {
                return Err(not_found(&format!("Compute host {h} could not be found.")));
            }
            let Some(i) = st.aggregates.iter().position(|x| x.id == id) else {
                return Err(not_found_aggregate(id));
            };
            let meta = st.aggregates[i].metadata.clone();
            safe_zone_change(&st, i, &meta, Some(h), "Cannot add host to aggregate")?;
            let new_zone = st.aggregates[i].zone().map(str::to_string);
            let on_host = st.servers.iter().filter(|s| s.host == h).count();
            if on_host > 0 && new_zone.is_some() {
                let old = st
                    .aggregates
                    .iter()
                    .filter(|o| o.hosts.iter().any(|x| x == h))
                    .find_map(|o| o.zone().map(str::to_string));
                if old != new_zone {
                    return Err(conflict(&format!(
                        "Cannot add host to aggregate {id}. Reason: The host cannot be added to \
                         the aggregate as the availability zone of the host would change from \
                         '{}' to '{}' but the host already has {on_host} instance(s). Changing \
                         the AZ of an existing instance is not supported by this action. Move \
                         the instances away from this host then try again. If you need to move \
                         the instances between AZs then you can use shelve_offload and \
                         unshelve to achieve this..",
                        old.as_deref().unwrap_or("None"),
                        new_zone.as_deref().unwrap_or("None"),
                    )));
                }
            }
            if st.aggregates[i].hosts.iter().any(|x| x == h) {
                return Err(conflict(&format!("Aggregate {id} already has host {h}.")));
            }
            st.aggregates[i].hosts.push(h.to_string());
            i
        }
        ("remove_host", Some(h)) => {
            let gone = || not_found(&format!("Cannot remove host {h} in aggregate {id}"));
            if !is_compute(&st, h) {
                return Err(gone());
            }
            let Some(i) = st.aggregates.iter().position(|x| x.id == id) else {
                return Err(gone());
            };
            if !st.aggregates[i].hosts.iter().any(|x| x == h) {
                return Err(gone());
            }
            st.aggregates[i].hosts.retain(|x| x != h);
            i
        }
        _ => {
            let Some(i) = st.aggregates.iter().position(|x| x.id == id) else {
                return Err(not_found_aggregate(id));
            };
            let meta = meta.unwrap_or_default();
            safe_zone_change(&st, i, &meta, None, "Cannot update metadata of aggregate")?;
            apply_metadata(&mut st.aggregates[i], meta);
            st.aggregates[i].updated = Some(time::now());
            i
        }
    };
    Ok(Resp::json(
        200,
        json!({"aggregate": render(c, &st.aggregates[i], true)}),
    ))
}
