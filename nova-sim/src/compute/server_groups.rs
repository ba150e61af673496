//! `/os-server-groups`: create, list (`limit` / `offset`), show, delete, as nova 34's
//! `ServerGroupController`: `policies` (and an empty `metadata`) before 2.64, `policy` and
//! `rules` from it; `project_id` and `user_id` from 2.13; the `server_groups` quota.
//! A group's members are the living servers booted with its ID as the `group` hint.

use super::schema::{check_keys, invalid, name, not_type, object, repr};
use super::{bad, not_found, Call};
use crate::http::Resp;
use crate::state::{new_id, ServerGroup, State};
use serde_json::{json, Map, Value};

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    let reply = match (m, parts) {
        ("GET", []) => list(c),
        ("POST", []) => create(c),
        ("GET", [id]) => show(c, id),
        ("DELETE", [id]) => delete(c, id),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

fn not_found_group(id: &str) -> Resp {
    not_found(&format!("Instance group {id} could not be found."))
}

fn members(st: &State, g: &ServerGroup) -> Vec<String> {
    st.servers
        .iter()
        .filter(|s| s.group() == Some(g.id.as_str()))
        .map(|s| s.id.clone())
        .collect()
}

fn render(c: &Call, st: &State, g: &ServerGroup) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(g.id));
    o.insert("name".into(), json!(g.name));
    if c.at((2, 64)) {
        o.insert("policy".into(), json!(g.policy));
        o.insert("rules".into(), Value::Object(g.rules.clone()));
    } else {
        o.insert("policies".into(), json!([g.policy]));
        o.insert("metadata".into(), json!({}));
    }
    o.insert("members".into(), json!(members(st, g)));
    if c.at((2, 13)) {
        o.insert("project_id".into(), json!(g.project_id));
        o.insert("user_id".into(), json!(g.user_id));
    }
    Value::Object(o)
}

/// A non-negative integer query parameter (`limit`, `offset`).
fn count_param(c: &Call, key: &str) -> Result<Option<usize>, Resp> {
    match c.req.param(key) {
        None => Ok(None),
        Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
            bad(&format!(
                "Invalid input for query parameters {key}. Value: {v}. '{v}' does not match '^[0-9]*$'"
            ))
        }),
    }
}

fn list(c: &Call) -> Result<Resp, Resp> {
    let offset = count_param(c, "offset")?.unwrap_or(0);
    let limit = count_param(c, "limit")?
        .unwrap_or(c.sim.config.max_limit)
        .min(c.sim.config.max_limit);
    let st = c.lock();
    let all_projects = c.req.param("all_projects").is_some() && c.admin;
    let groups: Vec<Value> = st
        .server_groups
        .iter()
        .filter(|g| all_projects || g.project_id == c.project())
        .skip(offset)
        .take(limit)
        .map(|g| render(c, &st, g))
        .collect();
    Ok(Resp::json(200, json!({ "server_groups": groups })))
}

fn show(c: &Call, id: &str) -> Result<Resp, Resp> {
    let st = c.lock();
    match st.server_groups.iter().find(|g| g.id == id) {
        Some(g) => Ok(Resp::json(200, json!({"server_group": render(c, &st, g)}))),
        None => Err(not_found_group(id)),
    }
}

fn delete(c: &Call, id: &str) -> Result<Resp, Resp> {
    let mut st = c.lock();
    if super::remove(&mut st.server_groups, |g| g.id == id) {
        Ok(Resp::empty(204))
    } else {
        Err(not_found_group(id))
    }
}

/// The policies a request may name at its microversion.
fn policies(c: &Call) -> Vec<&'static str> {
    let mut p = vec!["anti-affinity", "affinity"];
    if c.at((2, 15)) {
        p.extend(["soft-anti-affinity", "soft-affinity"]);
    }
    p
}

fn one_of(field: &str, v: &Value, allowed: &[&str]) -> Resp {
    invalid(
        Some(field),
        v,
        &format!("{} is not one of {}", repr(v), repr(&json!(allowed))),
    )
}

/// `rules` of 2.64: only `max_server_per_host`, a positive integer (or its digits).
fn rules(v: &Value) -> Result<Map<String, Value>, Resp> {
    let Value::Object(r) = v else {
        return Err(not_type("rules", v, "object"));
    };
    check_keys(Some("rules"), r, &["max_server_per_host"], &[])?;
    if let Some(n) = r.get("max_server_per_host") {
        let value = match n {
            Value::Number(x) => x.as_i64(),
            Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) => {
                s.parse().ok()
            }
            Value::String(s) if s.is_empty() => {
                return Err(invalid(
                    Some("max_server_per_host"),
                    n,
                    "'' should be non-empty",
                ))
            }
            Value::String(_) => {
                return Err(invalid(
                    Some("max_server_per_host"),
                    n,
                    &format!("{} does not match '^[0-9]*$'", repr(n)),
                ))
            }
            other => return Err(not_type("max_server_per_host", other, "integer', 'string")),
        };
        match value {
            Some(x) if x >= 1 => {}
            _ => {
                return Err(invalid(
                    Some("max_server_per_host"),
                    n,
                    &format!("{} is less than the minimum of 1", repr(n)),
                ))
            }
        }
    }
    Ok(r.clone())
}

fn create(c: &Call) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(None, &body, &["server_group"], &["server_group"])?;
    let g = object(&body, "server_group")?;
    let allowed = policies(c);
    let (policy, group_rules) = if c.at((2, 64)) {
        check_keys(
            Some("server_group"),
            g,
            &["name", "policy", "rules"],
            &["name", "policy"],
        )?;
        name("name", &g["name"])?;
        let p = &g["policy"];
        let Some(p) = p.as_str().filter(|p| allowed.contains(p)) else {
            return Err(one_of("policy", p, &allowed));
        };
        let r = g.get("rules").map(rules).transpose()?.unwrap_or_default();
        if p != "anti-affinity" && !r.is_empty() {
            return Err(bad("Only anti-affinity policy supports rules."));
        }
        (p.to_string(), r)
    } else {
        check_keys(
            Some("server_group"),
            g,
            &["name", "policies"],
            &["name", "policies"],
        )?;
        name("name", &g["name"])?;
        let ps = &g["policies"];
        let Value::Array(list) = ps else {
            return Err(not_type("policies", ps, "array"));
        };
        let Some(first) = list.first() else {
            return Err(invalid(Some("policies"), ps, "[] should be non-empty"));
        };
        let Some(p) = first.as_str().filter(|p| allowed.contains(p)) else {
            return Err(match first {
                Value::String(_) => one_of("0", first, &allowed),
                other => not_type("0", other, "string"),
            });
        };
        // jsonschema's order: prefixItems (above), uniqueItems, minItems, maxItems.
        if list.iter().skip(1).any(|x| x == first) {
            return Err(invalid(
                Some("policies"),
                ps,
                &format!("{} has non-unique elements", repr(ps)),
            ));
        }
        if list.len() > 1 {
            return Err(invalid(
                Some("policies"),
                ps,
                &format!("{} is too long", repr(ps)),
            ));
        }
        (p.to_string(), Map::new())
    };
    let group_name = name("name", &g["name"])?;
    let mut st = c.lock();
    let limits = st.limits(c.project(), Some(c.user()));
    let limit = limits.get("server_groups").copied().unwrap_or(10);
    let used = st
        .server_groups
        .iter()
        .filter(|g| g.project_id == c.project())
        .count() as i64;
    if limit >= 0 && used + 1 > limit {
        return Err(Resp::nova_error(
            403,
            "Quota exceeded, too many server groups.",
        ));
    }
    let group = ServerGroup {
        id: new_id(),
        name: group_name,
        policy,
        rules: group_rules,
        project_id: c.project().to_string(),
        user_id: c.user().to_string(),
    };
    let out = render(c, &st, &group);
    st.server_groups.push(group);
    Ok(Resp::json(200, json!({ "server_group": out })))
}
