//! Quotas: `/os-quota-sets/{project}` (show, detail, defaults, update, delete),
//! `/os-quota-class-sets/{class}` and `/limits`, with each microversion's key set.

use super::schema::{check_keys, invalid, repr};
use super::{bad, Call};
use crate::http::Resp;
use crate::state::{default_limits, Limits, State};
use serde_json::{json, Map, Value};

const NETWORK: &[&str] = &[
    "fixed_ips",
    "floating_ips",
    "security_group_rules",
    "security_groups",
];
const INJECTED: &[&str] = &[
    "injected_file_content_bytes",
    "injected_file_path_bytes",
    "injected_files",
];
const GROUPS: &[&str] = &["server_groups", "server_group_members"];

/// The resources a quota set shows at this microversion (`class`: a quota class set).
fn resources(c: &Call, class: bool) -> Vec<&'static str> {
    let net_until = if class { (2, 50) } else { (2, 36) };
    let mut keys = vec!["cores", "instances", "key_pairs", "metadata_items", "ram"];
    if !c.at(net_until) {
        keys.extend(NETWORK);
    }
    if !c.at((2, 57)) {
        keys.extend(INJECTED);
    }
    if !class || c.at((2, 50)) {
        keys.extend(GROUPS);
    }
    keys.sort();
    keys
}

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    let reply = match (m, parts) {
        ("GET", ["limits"]) => Ok(limits(c)),
        ("GET", ["os-quota-sets", project]) => Ok(show(c, project, false)),
        ("GET", ["os-quota-sets", project, "detail"]) => Ok(show(c, project, true)),
        ("GET", ["os-quota-sets", project, "defaults"]) => {
            let st = c.lock();
            let l = st
                .quota_classes
                .get("default")
                .cloned()
                .unwrap_or_else(default_limits);
            Ok(quota_body(c, "quota_set", Some(project), &l, false))
        }
        ("PUT", ["os-quota-sets", project]) => update(c, project),
        ("DELETE", ["os-quota-sets", project]) => {
            let user = c.req.param("user_id").map(str::to_string);
            c.lock().quotas.remove(&(project.to_string(), user));
            Ok(Resp::empty(202))
        }
        ("GET", ["os-quota-class-sets", class]) => {
            let st = c.lock();
            let l = class_limits(&st, class);
            Ok(quota_body(c, "quota_class_set", Some(class), &l, true))
        }
        ("PUT", ["os-quota-class-sets", class]) => update_class(c, class),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

fn class_limits(st: &State, class: &str) -> Limits {
    let mut l = st
        .quota_classes
        .get("default")
        .cloned()
        .unwrap_or_else(default_limits);
    if let Some(own) = st.quota_classes.get(class) {
        l.extend(own.iter().map(|(k, v)| (k.clone(), *v)));
    }
    l
}

fn quota_body(c: &Call, key: &str, id: Option<&str>, l: &Limits, class: bool) -> Resp {
    let mut o = Map::new();
    for r in resources(c, class) {
        o.insert(r.into(), json!(l.get(r).copied().unwrap_or(-1)));
    }
    if let Some(id) = id {
        o.insert("id".into(), json!(id));
    }
    Resp::json(200, json!({ key: o }))
}

/// In-use counts of a project's resources (those the simulator tracks).
fn in_use(st: &State, project: &str, user: Option<&str>, r: &str) -> i64 {
    let (n, cores, ram) = st.usage(project, user);
    match r {
        "instances" => n,
        "cores" => cores,
        "ram" => ram,
        "key_pairs" => st.keypairs.len() as i64,
        _ => 0,
    }
}

fn show(c: &Call, project: &str, detail: bool) -> Resp {
    let user = c.req.param("user_id");
    let st = c.lock();
    let l = st.limits(project, user);
    if !detail {
        return quota_body(c, "quota_set", Some(project), &l, false);
    }
    let mut o = Map::new();
    for r in resources(c, false) {
        o.insert(
            r.into(),
            json!({"in_use": in_use(&st, project, user, r), "limit": l.get(r).copied().unwrap_or(-1), "reserved": 0}),
        );
    }
    o.insert("id".into(), json!(project));
    Resp::json(200, json!({ "quota_set": o }))
}

/// The limits a quota update body sets: integers (or strings of them) of at least -1.
fn read_limits(c: &Call, body_key: &str, class: bool) -> Result<(Limits, bool), Resp> {
    let body = c.body()?;
    check_keys(None, &body, &[body_key], &[body_key])?;
    let Some(Value::Object(q)) = body.get(body_key) else {
        return Err(invalid(
            Some(body_key),
            &body[body_key],
            &format!("{} is not of type 'object'", repr(&body[body_key])),
        ));
    };
    let mut allowed = resources(c, class);
    if !class {
        allowed.push("force");
    }
    check_keys(Some(body_key), q, &allowed, &[])?;
    let mut out = Limits::new();
    let mut force = false;
    for (k, v) in q {
        if k == "force" {
            force = match v {
                Value::Bool(b) => *b,
                Value::String(s) => s.eq_ignore_ascii_case("true"),
                other => {
                    return Err(invalid(
                        Some("force"),
                        other,
                        &format!("{} is not of type 'boolean', 'string'", repr(other)),
                    ))
                }
            };
            continue;
        }
        let n = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        };
        match n {
            Some(n) if n >= -1 => {
                out.insert(k.clone(), n);
            }
            Some(_) => {
                return Err(invalid(
                    Some(k),
                    v,
                    &format!("{} is less than the minimum of -1", repr(v)),
                ))
            }
            None => {
                return Err(invalid(
                    Some(k),
                    v,
                    &format!("{} is not of type 'integer', 'string'", repr(v)),
                ))
            }
        }
    }
    Ok((out, force))
}

fn update(c: &Call, project: &str) -> Result<Resp, Resp> {
    let (new, force) = read_limits(c, "quota_set", false)?;
    let user = c.req.param("user_id");
    let mut st = c.lock();
    if !force {
        for (r, limit) in &new {
            let used = in_use(&st, project, user, r);
            if *limit >= 0 && *limit < used {
                return Err(bad(&format!("Quota limit {limit} for {r} must be greater than or equal to already used and reserved {used}.")));
            }
        }
    }
    let entry = st
        .quotas
        .entry((project.to_string(), user.map(str::to_string)))
        .or_default();
    entry.extend(new);
    let l = st.limits(project, user);
    Ok(quota_body(c, "quota_set", None, &l, false))
}

fn update_class(c: &Call, class: &str) -> Result<Resp, Resp> {
    let (new, _) = read_limits(c, "quota_class_set", true)?;
    let mut st = c.lock();
    st.quota_classes
        .entry(class.to_string())
        .or_default()
        .extend(new);
    let l = class_limits(&st, class);
    Ok(quota_body(c, "quota_class_set", None, &l, true))
}

fn limits(c: &Call) -> Resp {
    let project = c.req.param("tenant_id").unwrap_or(c.project()).to_string();
    let st = c.lock();
    let l = st.limits(&project, None);
    let (n, cores, ram) = st.usage(&project, None);
    let get = |k: &str| json!(l.get(k).copied().unwrap_or(-1));
    let mut a = Map::new();
    let mut put = |k: &str, v: Value| {
        a.insert(k.to_string(), v);
    };
    if !c.at((2, 39)) {
        put("maxImageMeta", get("metadata_items"));
    }
    if !c.at((2, 57)) {
        put("maxPersonality", get("injected_files"));
        put("maxPersonalitySize", get("injected_file_content_bytes"));
    }
    if !c.at((2, 36)) {
        put("maxSecurityGroupRules", get("security_group_rules"));
        put("maxSecurityGroups", get("security_groups"));
    }
    put("maxServerMeta", get("metadata_items"));
    put("maxTotalCores", get("cores"));
    if !c.at((2, 36)) {
        put("maxTotalFloatingIps", get("floating_ips"));
    }
    put("maxTotalInstances", get("instances"));
    put("maxTotalKeypairs", get("key_pairs"));
    put("maxTotalRAMSize", get("ram"));
    put("maxServerGroups", get("server_groups"));
    put("maxServerGroupMembers", get("server_group_members"));
    put("totalCoresUsed", json!(cores));
    put("totalInstancesUsed", json!(n));
    put("totalRAMUsed", json!(ram));
    if !c.at((2, 36)) {
        put("totalSecurityGroupsUsed", json!(0));
        put("totalFloatingIpsUsed", json!(0));
    }
    put("totalServerGroupsUsed", json!(0));
    Resp::json(200, json!({"limits": {"absolute": a, "rate": []}}))
}
