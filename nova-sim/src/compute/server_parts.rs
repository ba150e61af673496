//! What hangs under `/servers/{id}/`: metadata, tags (2.26+), remote consoles (2.6+) and the
//! instance action log (`os-instance-actions`).

use super::actions::{console_url, ready_for_console};
use super::schema::{check_keys, invalid, object, repr, string_map};
use super::servers::{tag, tags};
use super::{bad, no_such_version, not_found, not_found_server, Call};
use crate::http::Resp;
use crate::state::time::{iso_micro, Secs};
use crate::state::{fingerprint, time, Server, ServerAction, State};
use serde_json::{json, Map, Value};

/// The routes below `/servers/{id}/` (`rest`), each with the methods nova has for it.
pub fn route(c: &Call, m: &str, id: &str, rest: &[&str]) -> Option<Resp> {
    let reply = match (m, rest) {
        ("GET" | "POST" | "PUT", ["metadata"]) => metadata(c, m, id, None),
        ("GET" | "PUT" | "DELETE", ["metadata", key]) => metadata(c, m, id, Some(key)),
        ("GET" | "PUT" | "DELETE", ["tags"] | ["tags", _]) if !c.at((2, 26)) => {
            Err(no_such_version())
        }
        ("GET" | "PUT" | "DELETE", ["tags"]) => server_tags(c, m, id, None),
        ("GET" | "PUT" | "DELETE", ["tags", tag]) => server_tags(c, m, id, Some(tag)),
        ("POST", ["remote-consoles"]) if !c.at((2, 6)) => Err(no_such_version()),
        ("POST", ["remote-consoles"]) => remote_console(c, id),
        ("GET", ["os-instance-actions"]) => actions_list(c, id),
        ("GET" | "DELETE", ["os-server-password"]) => password(c, m, id),
        (_, ["os-interface", rest @ ..]) => return super::interfaces::route(c, m, id, rest),
        ("GET", ["os-instance-actions", req]) => action_show(c, id, req),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

/// Run `f` on the server (404 if there is none).
fn with_server<T>(
    c: &Call,
    id: &str,
    f: impl FnOnce(&mut Server) -> Result<T, Resp>,
) -> Result<T, Resp> {
    let mut st = c.lock();
    match st.server_mut(id) {
        Some(s) => f(s),
        None => Err(not_found_server(id)),
    }
}

fn metadata(c: &Call, m: &str, id: &str, key: Option<&str>) -> Result<Resp, Resp> {
    let body = match m {
        "POST" | "PUT" => Some(c.body()?),
        _ => None,
    };
    let limit = {
        let st = c.lock();
        st.limits(c.project(), None)
            .get("metadata_items")
            .copied()
            .unwrap_or(128)
    };
    let over = |n: usize| limit >= 0 && n as i64 > limit;
    let quota = || {
        Resp::nova_error(403, "Quota exceeded for metadata_items: Requested 1, but already used 128 of 128 metadata_items")
    };
    match (m, key, body) {
        ("GET", None, _) => with_server(c, id, |s| {
            Ok(Resp::json(200, json!({"metadata": s.metadata})))
        }),
        ("POST" | "PUT", None, Some(body)) => {
            check_keys(None, &body, &["metadata"], &["metadata"])?;
            let new = string_map("metadata", &body["metadata"])?;
            with_server(c, id, |s| {
                let merged = if m == "POST" {
                    let mut all = s.metadata.clone();
                    all.extend(new);
                    all
                } else {
                    new
                };
                if over(merged.len()) {
                    return Err(quota());
                }
                s.metadata = merged;
                s.updated = time::now();
                Ok(Resp::json(200, json!({"metadata": s.metadata})))
            })
        }
        ("GET", Some(k), _) => with_server(c, id, |s| match s.metadata.get(k) {
            Some(v) => Ok(Resp::json(200, json!({"meta": { k: v }}))),
            None => Err(not_found("Metadata item was not found")),
        }),
        ("PUT", Some(k), Some(body)) => {
            check_keys(None, &body, &["meta"], &["meta"])?;
            let meta = object(&body, "meta")?;
            if meta.len() != 1 {
                return Err(invalid(
                    Some("meta"),
                    &body["meta"],
                    &format!("{} has too many properties", repr(&body["meta"])),
                ));
            }
            let Some(v) = meta.get(k) else {
                return Err(bad("Request body and URI mismatch"));
            };
            let single = string_map("meta", &Value::Object(meta.clone()))?;
            let v = single.get(k).cloned().unwrap_or_else(|| v.clone());
            with_server(c, id, |s| {
                if !s.metadata.contains_key(k) && over(s.metadata.len() + 1) {
                    return Err(quota());
                }
                s.metadata.insert(k.to_string(), v.clone());
                s.updated = time::now();
                Ok(Resp::json(200, json!({"meta": { k: v }})))
            })
        }
        ("DELETE", Some(k), _) => with_server(c, id, |s| match s.metadata.remove(k) {
            Some(_) => {
                s.updated = time::now();
                Ok(Resp::empty(204))
            }
            None => Err(not_found("Metadata item was not found")),
        }),
        // Not reached: `route` passes only the methods nova routes here.
        _ => Err(no_such_version()),
    }
}

fn server_tags(c: &Call, m: &str, id: &str, key: Option<&str>) -> Result<Resp, Resp> {
    let body = match (m, key) {
        ("PUT", None) => Some(c.body()?),
        _ => None,
    };
    match (m, key, body) {
        ("GET", None, _) => with_server(c, id, |s| Ok(Resp::json(200, json!({"tags": s.tags})))),
        ("PUT", None, Some(body)) => {
            check_keys(None, &body, &["tags"], &["tags"])?;
            let new = tags("tags", &body["tags"])?;
            with_server(c, id, |s| {
                s.tags = new;
                s.updated = time::now();
                Ok(Resp::json(200, json!({"tags": s.tags})))
            })
        }
        ("DELETE", None, _) => with_server(c, id, |s| {
            s.tags.clear();
            s.updated = time::now();
            Ok(Resp::empty(204))
        }),
        ("GET", Some(t), _) => with_server(c, id, |s| {
            if s.tags.iter().any(|x| x == t) {
                Ok(Resp::empty(204))
            } else {
                Err(not_found(&format!("Tag {t} could not be found.")))
            }
        }),
        ("PUT", Some(t), _) => {
            let t = tag(&json!(t))?;
            let base = c.sim.base.clone();
            with_server(c, id, |s| {
                if s.tags.contains(&t) {
                    return Ok(Resp::empty(204));
                }
                if s.tags.len() >= 50 {
                    return Err(bad("The number of tags exceeded the per-server limit 50"));
                }
                s.tags.push(t.clone());
                s.updated = time::now();
                Ok(Resp::empty(201).with_header(
                    "Location",
                    &format!("{base}/compute/v2.1/servers/{id}/tags/{t}"),
                ))
            })
        }
        ("DELETE", Some(t), _) => with_server(c, id, |s| {
            if !s.tags.iter().any(|x| x == t) {
                return Err(not_found(&format!("Tag {t} could not be found.")));
            }
            s.tags.retain(|x| x != t);
            s.updated = time::now();
            Ok(Resp::empty(204))
        }),
        // Not reached: `route` passes only the methods nova routes here.
        _ => Err(no_such_version()),
    }
}

fn remote_console(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(None, &body, &["remote_console"], &["remote_console"])?;
    let rc = object(&body, "remote_console")?;
    check_keys(
        Some("remote_console"),
        rc,
        &["protocol", "type"],
        &["protocol", "type"],
    )?;
    let mut protocols = vec!["vnc", "spice", "serial", "rdp"];
    if c.at((2, 8)) {
        protocols.push("mks");
    }
    let protocol = &rc["protocol"];
    let Some(p) = protocol.as_str().filter(|p| protocols.contains(p)) else {
        return Err(invalid(
            Some("protocol"),
            protocol,
            &format!(
                "{} is not one of {}",
                repr(protocol),
                repr(&json!(protocols))
            ),
        ));
    };
    let mut types = vec!["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial"];
    if c.at((2, 8)) {
        types.push("webmks");
    }
    if c.at((2, 99)) {
        types.push("spice-direct");
    }
    let kind = &rc["type"];
    let Some(t) = kind.as_str().filter(|t| types.contains(t)) else {
        return Err(invalid(
            Some("type"),
            kind,
            &format!("{} is not one of {}", repr(kind), repr(&json!(types))),
        ));
    };
    let fits = matches!(
        (p, t),
        ("vnc", "novnc" | "xvpvnc")
            | ("spice", "spice-html5" | "spice-direct")
            | ("serial", "serial")
    );
    if p == "rdp" {
        return Err(bad("The server could not comply with the request since it is either malformed or otherwise incorrect."));
    }
    if p == "mks" {
        return Err(bad(&format!("Unavailable console type {t}.")));
    }
    if !fits {
        return Err(bad(&format!("Invalid console type {t}")));
    }
    let st = c.lock();
    let Some(s) = st.server(id) else {
        return Err(not_found_server(id));
    };
    ready_for_console(c, s)?;
    Ok(Resp::json(
        200,
        json!({"remote_console": {"protocol": p, "type": t, "url": console_url(p, t)}}),
    ))
}

/// `GET` (the encrypted password, `""` when none) and `DELETE` (204: forget it).
fn password(c: &Call, m: &str, id: &str) -> Result<Resp, Resp> {
    let mut st = c.lock();
    if st.server(id).is_none() {
        return Err(not_found_server(id));
    }
    if m == "DELETE" {
        st.passwords.remove(id);
        return Ok(Resp::empty(204));
    }
    let p = st.passwords.get(id).cloned().unwrap_or_default();
    Ok(Resp::json(200, json!({ "password": p })))
}

/// `PUT /nova-sim/servers/{id}/password` with `{"password": "<base64>"}` (a valid token; not a
/// nova route): what the metadata service would store when a guest posts its encrypted
/// password, so that `GET .../os-server-password` has one to show. 204; 404 for no server.
pub fn set_password(c: &Call, id: &str) -> Resp {
    let body = match c.body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(p) = body.get("password").and_then(Value::as_str) else {
        return bad("'password' is a required property");
    };
    let mut st = c.lock();
    if st.server(id).is_none() {
        return not_found_server(id);
    }
    st.passwords.insert(id.to_string(), p.to_string());
    Resp::empty(204)
}

/// `PUT /nova-sim/servers/{id}/addresses` with `{"addresses": {<network>: [{addr, version,
/// OS-EXT-IPS:type, ...}]}}` (a valid token; not a nova route): the addresses Neutron would
/// give the server beyond nova-sim's one private network, shown from then on in place of
/// nova-sim's own once it is built. 204; 404 for no server; 400 when `addresses` is no
/// object of lists of objects.
pub fn set_addresses(c: &Call, id: &str) -> Resp {
    let body = match c.body() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let Some(a) = body.get("addresses").and_then(Value::as_object) else {
        return bad("'addresses' is a required property");
    };
    let shaped = a.values().all(|l| {
        l.as_array()
            .is_some_and(|items| items.iter().all(Value::is_object))
    });
    if !shaped {
        return bad("'addresses' maps each network to a list of address objects");
    }
    let mut st = c.lock();
    if st.server(id).is_none() {
        return not_found_server(id);
    }
    st.addresses
        .insert(id.to_string(), Value::Object(a.clone()));
    Resp::empty(204)
}

/// When an action's events finish (a build time after it starts), None for an action done
/// in the API alone (no events).
fn finish_of(c: &Call, a: &ServerAction) -> Option<Secs> {
    (!events_of(&a.action).is_empty()).then(|| a.start + c.build_time().as_secs_f64())
}

/// nova's `updated_at` of an action: its start, then its last event's start and finish (the
/// events start with the action here).
fn updated_of(c: &Call, a: &ServerAction) -> Secs {
    match finish_of(c, a) {
        Some(f) if f <= time::now() => f,
        _ => a.start,
    }
}

fn action_json(c: &Call, s: &Server, i: usize) -> Map<String, Value> {
    let a = &s.actions[i];
    let finished = updated_of(c, a);
    let mut o = Map::new();
    o.insert("action".into(), json!(a.action));
    o.insert("instance_uuid".into(), json!(s.id));
    o.insert("message".into(), Value::Null);
    o.insert("project_id".into(), json!(a.project_id));
    o.insert("request_id".into(), json!(a.request_id));
    o.insert("start_time".into(), json!(iso_micro(a.start)));
    if c.at((2, 58)) {
        o.insert("updated_at".into(), json!(iso_micro(finished)));
    }
    o.insert("user_id".into(), json!(a.user_id));
    o
}

/// The server an action log is read from: from 2.21 a deleted one too (nova reads with
/// `read_deleted='yes'`).
fn logged_server<'a>(c: &Call, st: &'a State, id: &str) -> Result<&'a Server, Resp> {
    st.server(id)
        .or_else(|| {
            c.at((2, 21))
                .then(|| st.deleted.iter().find(|s| s.id == id))
                .flatten()
        })
        .ok_or_else(|| not_found_server(id))
}

/// A `date-time` query parameter of the 2.58 list.
fn when(c: &Call, key: &str) -> Result<Option<Secs>, Resp> {
    match c.req.param(key) {
        None => Ok(None),
        Some(v) => match time::parse(v).filter(|_| v.contains(['T', ' '])) {
            Some(t) => Ok(Some(t)),
            None => Err(bad(&format!(
                "Invalid input for query parameters {key}. Value: {v}. {} is not a 'date-time'",
                repr(&json!(v))
            ))),
        },
    }
}

fn actions_list(c: &Call, id: &str) -> Result<Resp, Resp> {
    if !c.at((2, 58)) {
        let st = c.lock();
        let s = logged_server(c, &st, id)?;
        let all: Vec<Value> = (0..s.actions.len())
            .rev()
            .map(|i| Value::Object(action_json(c, s, i)))
            .collect();
        return Ok(Resp::json(200, json!({ "instanceActions": all })));
    }
    // 2.58's query schema: no other parameter (changes-before from 2.66), each once.
    let mut known = vec!["limit", "marker", "changes-since"];
    if c.at((2, 66)) {
        known.push("changes-before");
    }
    let mut extra: Vec<String> = Vec::new();
    for (k, _) in &c.req.query {
        if !known.contains(&k.as_str()) && !extra.contains(&format!("'{k}'")) {
            extra.push(format!("'{k}'"));
        }
    }
    if !extra.is_empty() {
        let verb = if extra.len() == 1 { "was" } else { "were" };
        return Err(bad(&format!(
            "Additional properties are not allowed ({} {verb} unexpected)",
            extra.join(", ")
        )));
    }
    let since = when(c, "changes-since")?;
    let before = when(c, "changes-before")?;
    if let (Some(a), Some(b)) = (since, before) {
        if b < a {
            return Err(bad(
                "The value of changes-since must be less than or equal to changes-before.",
            ));
        }
    }
    let max = c.sim.config.max_limit;
    let limit = match c.req.param("limit") {
        None => max,
        Some(l) => match l.parse::<usize>() {
            Ok(n) => n.min(max),
            Err(_) => {
                return Err(bad(&format!(
                    "Invalid input for query parameters limit. Value: {l}. {} does not match '^[0-9]*$'",
                    repr(&json!(l))
                )))
            }
        },
    };
    let st = c.lock();
    let s = logged_server(c, &st, id)?;
    let newest_first: Vec<usize> = (0..s.actions.len())
        .rev()
        .filter(|&i| {
            let updated = updated_of(c, &s.actions[i]);
            since.is_none_or(|t| updated >= t) && before.is_none_or(|t| updated <= t)
        })
        .collect();
    let start = match c.req.param("marker") {
        None => 0,
        Some(m) => match newest_first
            .iter()
            .position(|&i| s.actions[i].request_id == m)
        {
            Some(p) => p + 1,
            None => return Err(bad(&format!("Marker {m} could not be found."))),
        },
    };
    let chosen: Vec<usize> = newest_first.into_iter().skip(start).take(limit).collect();
    let mut body = Map::new();
    body.insert(
        "instanceActions".into(),
        Value::Array(
            chosen
                .iter()
                .map(|&i| Value::Object(action_json(c, s, i)))
                .collect(),
        ),
    );
    if let Some(&last) = chosen.last().filter(|_| limit > 0 && chosen.len() == limit) {
        // nova's `_get_next_link`: the query sorted, marker set to the last request ID.
        let mut params: Vec<(String, String)> = c.req.query.clone();
        params.sort();
        let marker = s.actions[last].request_id.clone();
        match params.iter_mut().find(|(k, _)| k == "marker") {
            Some(p) => p.1 = marker,
            None => params.push(("marker".into(), marker)),
        }
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.extend_pairs(params);
        body.insert(
            "links".into(),
            json!([{"href": format!("{}/compute/v2.1/servers/{id}/os-instance-actions?{}", c.sim.base, q.finish()), "rel": "next"}]),
        );
    }
    Ok(Resp::json(200, Value::Object(body)))
}

/// The events nova records for an action (the conductor's and the compute's, by the names
/// of the methods that record them); none for those done in the API alone (lock, unlock,
/// resetState).
fn events_of(action: &str) -> &'static [&'static str] {
    match action {
        "create" => &[
            "conductor_schedule_and_build_instances",
            "compute__do_build_and_run_instance",
        ],
        "delete" => &["compute_terminate_instance"],
        "reboot" => &["compute_reboot_instance"],
        "stop" => &["compute_stop_instance"],
        "start" => &["compute_start_instance"],
        "pause" => &["compute_pause_instance"],
        "unpause" => &["compute_unpause_instance"],
        "rebuild" => &["compute_rebuild_instance"],
        "evacuate" => &["conductor_rebuild_server", "compute_rebuild_instance"],
        "migrate" | "resize" => &[
            "conductor_migrate_server",
            "compute_prep_resize",
            "compute_resize_instance",
            "compute_finish_resize",
        ],
        "confirmResize" => &["compute_confirm_resize"],
        "revertResize" => &["compute_revert_resize", "compute_finish_revert_resize"],
        "createImage" => &["compute_snapshot_instance"],
        "createBackup" => &["compute_backup_instance"],
        "changePassword" => &["compute_set_admin_password"],
        "live-migration" => &[
            "conductor_live_migrate_instance",
            "compute_check_can_live_migrate_destination",
            "compute_pre_live_migration",
            "compute_live_migration",
            "compute_post_live_migration_at_destination",
        ],
        "attach_interface" => &["compute_attach_interface"],
        "detach_interface" => &["compute_detach_interface"],
        _ => &[],
    }
}

fn action_show(c: &Call, id: &str, request_id: &str) -> Result<Resp, Resp> {
    let st = c.lock();
    let s = logged_server(c, &st, id)?;
    let Some(i) = s.actions.iter().position(|a| a.request_id == request_id) else {
        return Err(not_found(&format!("Action {request_id} not found")));
    };
    let a = &s.actions[i];
    // An admin sees the events (with traceback, and host from 2.62) at every version; others
    // from 2.51, without them. hostId from 2.62 for both; details (2.84) for admins only.
    let mut o = action_json(c, s, i);
    if c.admin || c.at((2, 51)) {
        // An event still running has no finish time and no result yet.
        let finish = finish_of(c, a).filter(|f| *f <= time::now());
        let events: Vec<Value> = events_of(&a.action)
            .iter()
            .map(|name| {
                let mut event = Map::new();
                event.insert("event".into(), json!(name));
                event.insert("start_time".into(), json!(iso_micro(a.start)));
                event.insert("finish_time".into(), json!(finish.map(iso_micro)));
                event.insert("result".into(), json!(finish.map(|_| "Success")));
                if c.admin {
                    event.insert("traceback".into(), Value::Null);
                }
                if c.admin && c.at((2, 62)) {
                    event.insert("host".into(), json!(a.host));
                }
                if c.at((2, 62)) {
                    let digest =
                        fingerprint(&format!("{}{}", s.project_id, a.host)).replace(':', "");
                    event.insert(
                        "hostId".into(),
                        json!(digest.repeat(2).get(..56).unwrap_or("")),
                    );
                }
                if c.admin && c.at((2, 84)) {
                    event.insert("details".into(), Value::Null);
                }
                Value::Object(event)
            })
            .collect();
        o.insert("events".into(), Value::Array(events));
    }
    Ok(Resp::json(200, json!({ "instanceAction": o })))
}
