//! The control plane: `/os-services` (list, the old enable/disable/force-down routes up to
//! 2.52, update by UUID from 2.53, delete), `/os-hypervisors` and `/os-availability-zone`.

use super::schema::{check_keys, invalid, opt_bool, opt_str, repr, uuid_like};
use super::{bad, conflict, no_such_version, not_found, page, Call};
use crate::http::Resp;
use crate::state::time::{iso_micro, now};
use crate::state::{Hypervisor, Service, State};
use serde_json::{json, Map, Value};

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    let reply = match (m, parts) {
        ("GET", ["os-services"]) => Ok(list_services(c)),
        (
            "PUT",
            ["os-services", action @ ("enable" | "disable" | "disable-log-reason" | "force-down")],
        ) if !c.at((2, 53)) => old_service_action(c, action),
        ("PUT", ["os-services", id]) if c.at((2, 53)) => update_service(c, id),
        ("PUT", ["os-services", _]) => Err(not_found("Unknown action")),
        ("DELETE", ["os-services", id]) => delete_service(c, id),
        ("GET", ["os-hypervisors"]) => list_hypervisors(c, false),
        ("GET", ["os-hypervisors", "detail"]) => list_hypervisors(c, true),
        ("GET", ["os-hypervisors", "statistics"]) if !c.at((2, 88)) => Ok(statistics(c)),
        ("GET", ["os-hypervisors", pattern, what @ ("search" | "servers")]) if !c.at((2, 53)) => {
            search(c, pattern, *what == "servers")
        }
        ("GET", ["os-hypervisors", id, "uptime"]) if !c.at((2, 88)) => show_hypervisor(c, id, true),
        ("GET", ["os-hypervisors", "statistics"]) => Err(no_such_version()),
        ("GET", ["os-hypervisors", id]) => show_hypervisor(c, id, false),
        ("GET", ["os-hypervisors", _, "search" | "servers" | "uptime"]) => Err(no_such_version()),
        ("GET", ["os-availability-zone"]) => Ok(zones(c, false)),
        ("GET", ["os-availability-zone", "detail"]) => Ok(zones(c, true)),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

fn service_json(c: &Call, s: &Service, zone: &str) -> Value {
    let mut o = Map::new();
    o.insert(
        "id".into(),
        if c.at((2, 53)) {
            json!(s.uuid)
        } else {
            json!(s.id)
        },
    );
    o.insert("binary".into(), json!(s.binary));
    o.insert("disabled_reason".into(), json!(s.disabled_reason));
    o.insert("host".into(), json!(s.host));
    o.insert("state".into(), json!(if s.up() { "up" } else { "down" }));
    o.insert(
        "status".into(),
        json!(if s.disabled { "disabled" } else { "enabled" }),
    );
    o.insert("updated_at".into(), json!(s.updated_at));
    if c.at((2, 11)) {
        o.insert("forced_down".into(), json!(s.forced_down));
    }
    o.insert("zone".into(), json!(zone));
    Value::Object(o)
}

fn list_services(c: &Call) -> Resp {
    let st = c.lock();
    let items: Vec<Value> = st
        .services
        .iter()
        .filter(|s| c.req.param("host").is_none_or(|h| s.host == h))
        .filter(|s| c.req.param("binary").is_none_or(|b| s.binary == b))
        .map(|s| service_json(c, s, &st.zone_of(s)))
        .collect();
    Resp::json(200, json!({ "services": items }))
}

fn old_service_action(c: &Call, action: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    let mut allowed = vec!["host", "binary"];
    match action {
        "disable-log-reason" => allowed.push("disabled_reason"),
        "force-down" if !c.at((2, 11)) => return Err(not_found("Unknown action")),
        "force-down" => allowed.push("forced_down"),
        _ => {}
    }
    check_keys(None, &body, &allowed, &["host", "binary"])?;
    let host = opt_str(&body, "host", false)?.unwrap_or_default();
    let binary = opt_str(&body, "binary", false)?.unwrap_or_default();
    let reason = opt_str(&body, "disabled_reason", false)?;
    if action == "disable-log-reason" && reason.is_none() {
        return Err(bad("Missing disabled reason field"));
    }
    let forced = opt_bool(&body, "forced_down")?;
    if action == "force-down" && forced.is_none() {
        return Err(bad("Missing forced_down field"));
    }
    if binary != "nova-compute" {
        return Err(bad(&format!("Updating a {binary} service is not supported. Only nova-compute services can be updated.")));
    }
    let mut st = c.lock();
    let Some(s) = st
        .services
        .iter_mut()
        .find(|s| s.host == host && s.binary == binary)
    else {
        return Err(not_found(&format!(
            "Could not find binary {binary} on host {host}."
        )));
    };
    let mut out = json!({"binary": binary, "host": host});
    match action {
        "enable" => {
            s.disabled = false;
            s.disabled_reason = None;
            out["status"] = json!("enabled");
        }
        "disable" | "disable-log-reason" => {
            s.disabled = true;
            s.disabled_reason = reason.clone();
            out["status"] = json!("disabled");
            if reason.is_some() {
                out["disabled_reason"] = json!(reason);
            }
        }
        _ => {
            s.forced_down = forced.unwrap_or(false);
            out["forced_down"] = json!(s.forced_down);
        }
    }
    s.updated_at = iso_micro(now());
    Ok(Resp::json(200, json!({ "service": out })))
}

fn find_service(c: &Call, st: &State, id: &str) -> Result<usize, Resp> {
    if c.at((2, 53)) && !uuid_like(id) {
        return Err(bad(&format!("Invalid uuid {id}")));
    }
    st.services
        .iter()
        .position(|s| {
            if c.at((2, 53)) {
                s.uuid == id
            } else {
                s.id.to_string() == id
            }
        })
        .ok_or_else(|| not_found(&format!("Service {id} not found.")))
}

fn update_service(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(
        None,
        &body,
        &["status", "disabled_reason", "forced_down"],
        &[],
    )?;
    let status = match body.get("status") {
        None => None,
        Some(Value::String(s)) if s == "enabled" || s == "disabled" => Some(s.clone()),
        Some(other) => {
            return Err(invalid(
                Some("status"),
                other,
                &format!("{} is not one of ['enabled', 'disabled']", repr(other)),
            ))
        }
    };
    let reason = opt_str(&body, "disabled_reason", false)?;
    let forced = opt_bool(&body, "forced_down")?;
    let mut st = c.lock();
    let i = find_service(c, &st, id)?;
    let s = &mut st.services[i];
    if s.binary != "nova-compute" {
        return Err(bad(&format!(
            "Updating a {} service is not supported. Only nova-compute services can be updated.",
            s.binary
        )));
    }
    if status.is_none() && forced.is_none() {
        return Err(bad(
            "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
        ));
    }
    match status.as_deref() {
        Some("enabled") if reason.is_some() => {
            return Err(bad(
                "Specifying 'disabled_reason' with status 'enabled' is invalid.",
            ))
        }
        Some("enabled") => {
            s.disabled = false;
            s.disabled_reason = None;
        }
        Some(_) => {
            s.disabled = true;
            s.disabled_reason = reason;
        }
        None => {}
    }
    if let Some(f) = forced {
        s.forced_down = f;
    }
    s.updated_at = iso_micro(now());
    let s = s.clone();
    let zone = st.zone_of(&s);
    Ok(Resp::json(
        200,
        json!({"service": service_json(c, &s, &zone)}),
    ))
}

fn delete_service(c: &Call, id: &str) -> Result<Resp, Resp> {
    let mut st = c.lock();
    let i = find_service(c, &st, id)?;
    let host = st.services[i].host.clone();
    if st.services[i].binary == "nova-compute" {
        if st.servers.iter().any(|s| s.host == host) {
            return Err(conflict("Unable to delete compute service that is hosting instances. Migrate or delete the instances first."));
        }
        st.hypervisors.retain(|h| h.host != host);
    }
    st.services.remove(i);
    Ok(Resp::empty(204))
}

fn hypervisor_service<'a>(st: &'a State, h: &Hypervisor) -> Option<&'a Service> {
    st.services
        .iter()
        .find(|s| s.host == h.host && s.binary == "nova-compute")
}

fn hypervisor_json(c: &Call, st: &State, h: &Hypervisor, detail: bool, servers: bool) -> Value {
    let svc = hypervisor_service(st, h);
    let mut o = Map::new();
    let id = if c.at((2, 53)) {
        json!(h.uuid)
    } else {
        json!(h.id)
    };
    o.insert("id".into(), id);
    o.insert("hypervisor_hostname".into(), json!(h.hostname));
    o.insert(
        "state".into(),
        json!(if svc.is_some_and(Service::up) {
            "up"
        } else {
            "down"
        }),
    );
    o.insert(
        "status".into(),
        json!(if svc.is_some_and(|s| s.disabled) {
            "disabled"
        } else {
            "enabled"
        }),
    );
    let here: Vec<_> = st.servers.iter().filter(|s| s.node == h.hostname).collect();
    if detail {
        o.insert("hypervisor_type".into(), json!("fake"));
        o.insert("hypervisor_version".into(), json!(1000));
        o.insert("host_ip".into(), json!("192.0.2.2"));
        o.insert(
            "service".into(),
            json!({"id": svc.map(|s| if c.at((2, 53)) { json!(s.uuid) } else { json!(s.id) }),
                   "host": h.host, "disabled_reason": svc.and_then(|s| s.disabled_reason.clone())}),
        );
        if c.at((2, 88)) {
            o.insert("uptime".into(), Value::Null);
        } else {
            let (vcpus, ram, disk) = here.iter().fold((0, 0, 0), |(v, r, d), s| {
                let f = st.flavor(&s.flavor_id);
                (
                    v + f.map_or(0, |f| f.vcpus),
                    r + f.map_or(0, |f| f.ram),
                    d + f.map_or(0, |f| f.disk),
                )
            });
            let ram_used = 512 + ram;
            for (k, v) in [
                ("vcpus", h.vcpus),
                ("memory_mb", h.memory_mb),
                ("local_gb", h.local_gb),
                ("vcpus_used", vcpus),
                ("memory_mb_used", ram_used),
                ("local_gb_used", disk),
                ("free_ram_mb", h.memory_mb - ram_used),
                ("free_disk_gb", h.local_gb - disk),
                ("current_workload", 0),
                ("running_vms", here.len() as i64),
                ("disk_available_least", 0),
            ] {
                o.insert(k.into(), json!(v));
            }
            let cpu = json!({"arch": "x86_64", "model": "Nehalem", "vendor": "Intel",
                "features": ["pge", "clflush"], "topology": {"cores": 1, "threads": 1, "sockets": 4}});
            o.insert(
                "cpu_info".into(),
                if c.at((2, 28)) {
                    cpu
                } else {
                    json!(cpu.to_string())
                },
            );
        }
    }
    if servers && !here.is_empty() {
        let list: Vec<Value> = here
            .iter()
            .map(|s| json!({"name": s.name, "uuid": s.id}))
            .collect();
        o.insert("servers".into(), Value::Array(list));
    }
    Value::Object(o)
}

fn list_hypervisors(c: &Call, detail: bool) -> Result<Resp, Resp> {
    let (pattern, with_servers) = if c.at((2, 53)) {
        let with = match c.req.param("with_servers") {
            None => false,
            Some(v) if ["true", "1", "yes", "on", "t", "y"].contains(&v.to_lowercase().as_str()) => true,
            Some(v) if ["false", "0", "no", "off", "f", "n"].contains(&v.to_lowercase().as_str()) => false,
            Some(v) => return Err(bad(&format!("Invalid input for query parameters with_servers. Value: {v}. '{v}' is not one of ['True', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'False', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']"))),
        };
        (c.req.param("hypervisor_hostname_pattern"), with)
    } else {
        (None, false)
    };
    if pattern.is_some() && (c.req.param("limit").is_some() || c.req.param("marker").is_some()) {
        return Err(bad("Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported."));
    }
    let st = c.lock();
    // Each with the ID it is listed by (the marker).
    let items: Vec<(String, &Hypervisor)> = st
        .hypervisors
        .iter()
        .filter(|h| pattern.is_none_or(|p| h.hostname.contains(p)))
        .map(|h| {
            let id = if c.at((2, 53)) {
                h.uuid.clone()
            } else {
                h.id.to_string()
            };
            (id, h)
        })
        .collect();
    let render = |(_, h): (String, &Hypervisor)| hypervisor_json(c, &st, h, detail, with_servers);
    if let Some(p) = pattern {
        if items.is_empty() {
            return Err(not_found(&format!(
                "No hypervisor matching '{p}' could be found."
            )));
        }
    }
    if pattern.is_some() || !c.at((2, 33)) {
        let all: Vec<Value> = items.into_iter().map(render).collect();
        return Ok(Resp::json(200, json!({ "hypervisors": all })));
    }
    Ok(Resp::json(
        200,
        Value::Object(page(c, items, "hypervisors", |(id, _)| id, render)?),
    ))
}

fn search(c: &Call, pattern: &str, servers: bool) -> Result<Resp, Resp> {
    let st = c.lock();
    let items: Vec<Value> = st
        .hypervisors
        .iter()
        .filter(|h| h.hostname.contains(pattern))
        .map(|h| hypervisor_json(c, &st, h, false, servers))
        .collect();
    if items.is_empty() {
        return Err(not_found(&format!(
            "No hypervisor matching '{pattern}' could be found."
        )));
    }
    Ok(Resp::json(200, json!({ "hypervisors": items })))
}

fn show_hypervisor(c: &Call, id: &str, uptime: bool) -> Result<Resp, Resp> {
    if c.at((2, 53)) && !uuid_like(id) {
        return Err(bad(&format!("Invalid uuid {id}")));
    }
    let with_servers = c.at((2, 53))
        && c.req
            .param("with_servers")
            .is_some_and(|v| ["true", "1", "yes", "on"].contains(&v.to_lowercase().as_str()));
    let st = c.lock();
    let Some(h) = st.hypervisors.iter().find(|h| {
        if c.at((2, 53)) {
            h.uuid == id
        } else {
            h.id.to_string() == id
        }
    }) else {
        return Err(not_found(&format!(
            "Hypervisor with ID '{id}' could not be found."
        )));
    };
    if uptime {
        let mut o = hypervisor_json(c, &st, h, false, false);
        o["uptime"] =
            json!(" 08:32:11 up 93 days, 18:25, 12 users,  load average: 0.20, 0.12, 0.14");
        return Ok(Resp::json(200, json!({ "hypervisor": o })));
    }
    let mut o = hypervisor_json(c, &st, h, true, with_servers);
    if c.at((2, 88)) {
        o["uptime"] =
            json!(" 08:32:11 up 93 days, 18:25, 12 users,  load average: 0.20, 0.12, 0.14");
    }
    Ok(Resp::json(200, json!({ "hypervisor": o })))
}

fn statistics(c: &Call) -> Resp {
    let st = c.lock();
    let keys = [
        "count",
        "current_workload",
        "disk_available_least",
        "free_disk_gb",
        "free_ram_mb",
        "local_gb",
        "local_gb_used",
        "memory_mb",
        "memory_mb_used",
        "running_vms",
        "vcpus",
        "vcpus_used",
    ];
    let mut totals: Map<String, Value> = keys.iter().map(|k| (k.to_string(), json!(0))).collect();
    for h in &st.hypervisors {
        let one = hypervisor_json(
            &Call {
                sim: c.sim,
                req: c.req,
                mv: (2, 1),
                user: c.user,
                admin: c.admin,
            },
            &st,
            h,
            true,
            false,
        );
        for k in &keys[1..] {
            let sum = totals[*k].as_i64().unwrap_or(0) + one[*k].as_i64().unwrap_or(0);
            totals.insert(k.to_string(), json!(sum));
        }
    }
    totals.insert("count".into(), json!(st.hypervisors.len()));
    Resp::json(200, json!({ "hypervisor_statistics": totals }))
}

fn zones(c: &Call, detail: bool) -> Resp {
    let st = c.lock();
    let mut out = Vec::new();
    // Every service's zone (a compute host's is its aggregate's), sorted as nova sorts them.
    let zone_names: std::collections::BTreeSet<String> =
        st.services.iter().map(|s| st.zone_of(s)).collect();
    for zone in &zone_names {
        let zone = zone.as_str();
        let services: Vec<&Service> = st
            .services
            .iter()
            .filter(|s| st.zone_of(s) == zone)
            .collect();
        let enabled: Vec<&&Service> = services.iter().filter(|s| !s.disabled).collect();
        if services.is_empty() || (!detail && zone == "internal") {
            continue;
        }
        if enabled.is_empty() {
            out.push(json!({"zoneName": zone, "zoneState": {"available": false}, "hosts": null}));
            continue;
        }
        let hosts = if detail {
            let mut hosts = Map::new();
            for s in &enabled {
                let entry = hosts.entry(s.host.clone()).or_insert_with(|| json!({}));
                entry[s.binary.as_str()] =
                    json!({"available": s.up(), "active": true, "updated_at": s.updated_at});
            }
            Value::Object(hosts)
        } else {
            Value::Null
        };
        out.push(json!({"zoneName": zone, "zoneState": {"available": true}, "hosts": hosts}));
    }
    Resp::json(200, json!({ "availabilityZoneInfo": out }))
}
