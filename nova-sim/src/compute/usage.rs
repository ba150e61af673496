//! `/os-simple-tenant-usage` and `/os-simple-tenant-usage/{project}`: usage of servers
//! (living and deleted) over a period, per project, with paging from 2.40.

use super::{bad, Call};
use crate::http::Resp;
use crate::state::time::{self, iso_micro, Secs};
use crate::state::{Server, State};
use serde_json::{json, Map, Value};

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    let reply = match (m, parts) {
        ("GET", []) => c
            .admin_only("os_compute_api:os-simple-tenant-usage:list")
            .and_then(|_| report(c, None)),
        // A project's own report is for its readers too.
        ("GET", [project]) if *project != c.project() => c
            .admin_only("os_compute_api:os-simple-tenant-usage:show")
            .and_then(|_| report(c, Some(project))),
        ("GET", [project]) => report(c, Some(project)),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

/// nova's three accepted forms of `start` / `end`; now when absent.
fn period_bound(c: &Call, key: &str) -> Result<Secs, Resp> {
    match c.req.param(key) {
        None | Some("") => Ok(time::now()),
        Some(v) => {
            let ok_form = v.len() >= 19 && !v.ends_with('Z') && !v[10..].contains(['+']);
            match time::parse(v).filter(|_| ok_form) {
                Some(t) => Ok(t),
                None => Err(bad("Datetime is in invalid format")),
            }
        }
    }
}

fn server_usage(st: &State, s: &Server, start: Secs, stop: Secs, launched: Secs) -> Option<Value> {
    let ended = s.deleted_at;
    let until = ended.unwrap_or(stop).min(stop);
    let from = launched.max(start);
    if launched > stop || ended.is_some_and(|e| e < start) {
        return None;
    }
    let hours = ((until - from).max(0.0)) / 3600.0;
    let f = st.flavor(&s.flavor_id);
    let now = time::now();
    Some(json!({
        "ended_at": ended.map(iso_micro),
        "flavor": f.map(|f| f.name.clone()).unwrap_or_default(),
        "hours": hours,
        "instance_id": s.id,
        "local_gb": f.map_or(0, |f| f.disk + f.ephemeral),
        "memory_mb": f.map_or(0, |f| f.ram),
        "name": s.name,
        "started_at": iso_micro(launched),
        "state": if ended.is_some() { "terminated".to_string() } else { s.settled(std::time::Duration::ZERO).name().to_string() },
        "tenant_id": s.project_id,
        "uptime": (ended.unwrap_or(now) - launched).max(0.0) as i64,
        "vcpus": f.map_or(0, |f| f.vcpus),
    }))
}

/// 2.40's paging of the servers a report covers: `limit` (at most `max_limit`) and `marker`
/// (the last server's ID; nova's `MarkerNotFound` when it is not one of them), and nova's
/// next link when the page is full: the query sorted by name, `marker` set to the page's last
/// server (`_get_next_link`).
fn page(c: &Call, usages: Vec<Value>) -> Result<(Vec<Value>, Option<Value>), Resp> {
    let max = c.sim.config.max_limit;
    let limit = match c.req.param("limit") {
        None => max,
        Some(l) => match l.parse::<usize>() {
            Ok(n) => n.min(max),
            Err(_) => {
                return Err(bad(&format!(
                    "Invalid input for query parameters limit. Value: {l}. '{l}' does not match '^[0-9]*$'"
                )))
            }
        },
    };
    let id = |u: &Value| u["instance_id"].as_str().unwrap_or("").to_string();
    let start = match c.req.param("marker") {
        None => 0,
        Some(m) => match usages.iter().position(|u| id(u) == m) {
            Some(p) => p + 1,
            None => return Err(bad(&format!("Marker {m} could not be found."))),
        },
    };
    let chosen: Vec<Value> = usages.into_iter().skip(start).take(limit).collect();
    let link = match chosen.last() {
        Some(last) if limit > 0 && chosen.len() == limit => {
            let mut params: Vec<(String, String)> = c.req.query.clone();
            params.sort();
            match params.iter_mut().find(|(k, _)| k == "marker") {
                Some(p) => p.1 = id(last),
                None => params.push(("marker".into(), id(last))),
            }
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(params);
            let path = c
                .req
                .path
                .split("/v2.1/")
                .nth(1)
                .unwrap_or("os-simple-tenant-usage");
            Some(
                json!([{"href": format!("{}/compute/v2.1/{path}?{}", c.sim.base, q.finish()), "rel": "next"}]),
            )
        }
        _ => None,
    };
    Ok((chosen, link))
}

fn report(c: &Call, project: Option<&str>) -> Result<Resp, Resp> {
    let start = period_bound(c, "start")?;
    let stop = period_bound(c, "end")?;
    if start >= stop {
        return Err(bad(
            "Invalid start time. The start time cannot occur after the end time.",
        ));
    }
    let detailed = project.is_some() || c.req.param("detailed") == Some("1");
    let st = c.lock();
    let launch_delay = c.build_time().as_secs_f64();
    let mut all: Vec<&Server> = st
        .servers
        .iter()
        .chain(st.deleted.iter())
        .filter(|s| project.is_none_or(|p| s.project_id == p))
        .collect();
    all.sort_by(|a, b| a.created.total_cmp(&b.created).then(a.id.cmp(&b.id)));
    let usages: Vec<Value> = all
        .iter()
        .filter_map(|s| server_usage(&st, s, start, stop, s.created + launch_delay))
        .collect();
    drop(st);
    // Paging (2.40+) is over servers; the page is then grouped by project.
    let (usages, links) = if c.at((2, 40)) {
        page(c, usages)?
    } else {
        (usages, None)
    };
    let mut by_project: Vec<(String, Vec<Value>)> = Vec::new();
    for u in usages {
        let p = u["tenant_id"].as_str().unwrap_or("").to_string();
        match by_project.iter_mut().find(|(q, _)| *q == p) {
            Some((_, list)) => list.push(u),
            None => by_project.push((p, vec![u])),
        }
    }
    let tenants: Vec<Value> = by_project
        .into_iter()
        .map(|(p, list)| {
            let sum = |f: &dyn Fn(&Value) -> f64| list.iter().map(f).sum::<f64>();
            let h = |u: &Value| u["hours"].as_f64().unwrap_or(0.0);
            let mut o = Map::new();
            o.insert("start".into(), json!(iso_micro(start)));
            o.insert("stop".into(), json!(iso_micro(stop)));
            o.insert("tenant_id".into(), json!(p));
            o.insert("total_hours".into(), json!(sum(&h)));
            o.insert(
                "total_local_gb_usage".into(),
                json!(sum(&|u| h(u) * u["local_gb"].as_f64().unwrap_or(0.0))),
            );
            o.insert(
                "total_memory_mb_usage".into(),
                json!(sum(&|u| h(u) * u["memory_mb"].as_f64().unwrap_or(0.0))),
            );
            o.insert(
                "total_vcpus_usage".into(),
                json!(sum(&|u| h(u) * u["vcpus"].as_f64().unwrap_or(0.0))),
            );
            if detailed {
                o.insert("server_usages".into(), Value::Array(list));
            }
            Value::Object(o)
        })
        .collect();
    let link_key = |k: &str| links.clone().map(|l| (format!("{k}_links"), l));
    let body = match project {
        Some(_) => {
            let mut b = Map::new();
            b.insert(
                "tenant_usage".into(),
                tenants.into_iter().next().unwrap_or_else(|| json!({})),
            );
            if let Some((k, l)) = link_key("tenant_usage") {
                b.insert(k, l);
            }
            b
        }
        None => {
            let mut b = Map::new();
            b.insert("tenant_usages".into(), Value::Array(tenants));
            if let Some((k, l)) = link_key("tenant_usages") {
                b.insert(k, l);
            }
            b
        }
    };
    Ok(Resp::json(200, Value::Object(body)))
}
