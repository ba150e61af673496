//! Compute v2.1 under `/compute`: version documents, microversion negotiation, flavors,
//! servers, server actions, nova's image proxy and keypairs, with nova's status codes and
//! error bodies.

use crate::http::{Req, Resp};
use crate::state::{
    fingerprint, new_id, now_iso, Flavor, Image, Keypair, Mv, Server, State, USER_ID,
};
use crate::Sim;
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

pub const MIN_VERSION: Mv = (2, 1);

fn fmt(v: Mv) -> String {
    format!("{}.{}", v.0, v.1)
}

pub fn version_doc(sim: &Sim) -> Value {
    json!({
        "id": "v2.1",
        "links": [{"href": format!("{}/compute/v2.1/", sim.base), "rel": "self"},
                  {"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}],
        "status": "CURRENT",
        "version": fmt(sim.config.max_version),
        "min_version": fmt(MIN_VERSION),
        "updated": "2013-07-23T11:33:21Z",
    })
}

/// The microversion a request asks for: `OpenStack-API-Version: compute X.Y` first, then the
/// legacy header; none means the minimum.
fn requested_version(sim: &Sim, req: &Req) -> Result<Mv, Resp> {
    let text = req
        .header("openstack-api-version")
        .and_then(|h| {
            h.split(',').find_map(|part| {
                let mut it = part.split_whitespace();
                (it.next()? == "compute").then(|| it.next().unwrap_or("").to_string())
            })
        })
        .or_else(|| {
            req.header("x-openstack-nova-api-version")
                .map(str::to_string)
        });
    let Some(text) = text else {
        return Ok(MIN_VERSION);
    };
    let max = sim.config.max_version;
    if text.trim() == "latest" {
        return Ok(max);
    }
    let parsed = text
        .trim()
        .split_once('.')
        .and_then(|(a, b)| Some((a.parse::<u16>().ok()?, b.parse::<u16>().ok()?)));
    let Some(v) = parsed else {
        return Err(Resp::nova_error(
            400,
            &format!("API Version String {text} is of invalid format. Must be of format MajorNum.MinorNum."),
        ));
    };
    if v < MIN_VERSION || v > max {
        return Err(Resp::nova_error(
            406,
            &format!(
                "Version {} is not supported by the API. Minimum is {} and maximum is {}.",
                fmt(v),
                fmt(MIN_VERSION),
                fmt(max)
            ),
        ));
    }
    Ok(v)
}

pub fn handle(sim: &Sim, req: &Req, rest: &str) -> Resp {
    match rest {
        "" => {
            let v10 = json!({"id": "v2.0", "links": [{"href": format!("{}/compute/v2/", sim.base), "rel": "self"}],
                "status": "DEPRECATED", "version": "", "min_version": "", "updated": "2025-07-04T12:00:00Z"});
            let mut v21 = version_doc(sim);
            if let Value::Object(m) = &mut v21 {
                m.remove("media-types");
                m.insert(
                    "links".into(),
                    json!([{"href": format!("{}/compute/v2.1/", sim.base), "rel": "self"}]),
                );
            }
            return Resp::json(200, json!({"versions": [v10, v21]}));
        }
        "/v2.1" => return Resp::json(200, json!({"version": version_doc(sim)})),
        _ => {}
    }
    let Some(path) = rest.strip_prefix("/v2.1") else {
        return Resp::nova_error(404, "The resource could not be found.");
    };
    let mv = match requested_version(sim, req) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !req
        .header("x-auth-token")
        .is_some_and(|t| sim.token_valid(t))
    {
        return Resp::unauthorized();
    }
    let resp = route(sim, req, path, mv);
    let v = fmt(mv);
    resp.with_header("OpenStack-API-Version", &format!("compute {v}"))
        .with_header("X-OpenStack-Nova-API-Version", &v)
        .with_header(
            "Vary",
            "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
        )
}

fn route(sim: &Sim, req: &Req, path: &str, mv: Mv) -> Resp {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let m = req.method.as_str();
    match (m, parts.as_slice()) {
        ("GET", ["flavors"]) => list_flavors(sim, req, mv, false),
        ("GET", ["flavors", "detail"]) => list_flavors(sim, req, mv, true),
        ("GET", ["flavors", id]) => show_flavor(sim, mv, id),
        ("POST", ["flavors"]) => create_flavor(sim, req, mv),
        ("DELETE", ["flavors", id]) => {
            if !remove(&mut sim.lock().flavors, |f| f.id == *id) {
                return not_found_flavor(id);
            }
            Resp::empty(202)
        }
        ("GET", ["servers"]) => list_servers(sim, req, mv, false),
        ("GET", ["servers", "detail"]) => list_servers(sim, req, mv, true),
        ("POST", ["servers"]) => create_server(sim, req, mv),
        ("GET", ["servers", id]) => {
            let st = sim.lock();
            match st.server(id) {
                Some(s) => Resp::json(200, json!({"server": sim.view(mv).server(s, &st, true)})),
                None => not_found_server(id),
            }
        }
        ("DELETE", ["servers", id]) => {
            if !remove(&mut sim.lock().servers, |s| s.id == *id) {
                return not_found_server(id);
            }
            Resp::empty(204)
        }
        ("POST", ["servers", id, "action"]) => server_action(sim, req, mv, id),
        ("POST", ["servers", id, "backup_instance"]) => backup_instance(sim, req, id),
        ("GET", ["images", ..]) if mv > (2, 35) => {
            Resp::nova_error(404, "The resource could not be found.")
        }
        ("GET", ["images"]) | ("GET", ["images", "detail"]) => {
            let detail = parts.len() == 2;
            let st = sim.lock();
            let view = sim.view(mv);
            let all: Vec<Value> = st
                .images
                .iter()
                .map(|i| view.nova_image(i, detail, false))
                .collect();
            paginate(sim, req, all, "images", |v| {
                v["id"].as_str().unwrap_or("").to_string()
            })
        }
        ("GET", ["images", id]) => {
            let st = sim.lock();
            match st.image(id) {
                Some(i) => Resp::json(
                    200,
                    json!({"image": sim.view(mv).nova_image(i, true, true)}),
                ),
                None => Resp::nova_error(404, "Image not found."),
            }
        }
        ("GET", ["os-keypairs"]) => list_keypairs(sim, req, mv),
        ("POST", ["os-keypairs"]) => create_keypair(sim, req, mv),
        ("GET", ["os-keypairs", name]) => {
            let st = sim.lock();
            match st.keypairs.iter().find(|k| k.name == *name) {
                Some(k) => Resp::json(200, json!({"keypair": sim.view(mv).keypair(k)})),
                None => not_found_keypair(name),
            }
        }
        ("DELETE", ["os-keypairs", name]) => {
            if !remove(&mut sim.lock().keypairs, |k| k.name == *name) {
                return not_found_keypair(name);
            }
            Resp::empty(if mv >= (2, 2) { 204 } else { 202 })
        }
        (_, ["flavors" | "servers" | "images" | "os-keypairs", ..]) => Resp::nova_error(
            405,
            "The method specified is not allowed for this resource.",
        ),
        _ => Resp::nova_error(404, "The resource could not be found."),
    }
}

fn not_found_server(id: &str) -> Resp {
    Resp::nova_error(404, &format!("Instance {id} could not be found."))
}

fn not_found_flavor(id: &str) -> Resp {
    Resp::nova_error(404, &format!("Flavor {id} could not be found."))
}

fn not_found_keypair(name: &str) -> Resp {
    Resp::nova_error(404, &format!("Keypair {name} not found for user {USER_ID}"))
}

/// Remove the records that match; false when there was none.
fn remove<T>(records: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> bool {
    let before = records.len();
    records.retain(|r| !matches(r));
    records.len() != before
}

/// nova's `limit` / `marker` paging with a `<collection>_links` next link on a full page.
fn paginate(
    sim: &Sim,
    req: &Req,
    items: Vec<Value>,
    collection: &str,
    key: impl Fn(&Value) -> String,
) -> Resp {
    let start = match req.param("marker") {
        Some(m) => match items.iter().position(|i| key(i) == m) {
            Some(p) => p + 1,
            None => return Resp::nova_error(400, &format!("marker [{m}] not found")),
        },
        None => 0,
    };
    let limit = match req.param("limit").map(str::parse::<usize>) {
        None => sim.config.max_limit,
        Some(Ok(l)) => l.min(sim.config.max_limit),
        Some(Err(_)) => return Resp::nova_error(400, "Invalid input for query parameters limit."),
    };
    let page: Vec<Value> = items.into_iter().skip(start).take(limit).collect();
    let mut body = Map::new();
    if limit > 0 && page.len() == limit {
        if let Some(last) = page.last() {
            let mut q: Vec<String> = req
                .query
                .iter()
                .filter(|(k, _)| k != "marker" && k != "limit")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            q.push(format!("limit={limit}"));
            q.push(format!("marker={}", key(last)));
            let path = req.path.split("/v2.1/").nth(1).unwrap_or(collection);
            body.insert(
                format!("{collection}_links"),
                json!([{"href": format!("{}/compute/v2.1/{path}?{}", sim.base, q.join("&")), "rel": "next"}]),
            );
        }
    }
    body.insert(collection.to_string(), Value::Array(page));
    Resp::json(200, Value::Object(body))
}

fn list_flavors(sim: &Sim, req: &Req, mv: Mv, detail: bool) -> Resp {
    let st = sim.lock();
    let view = sim.view(mv);
    let min_disk = req
        .param("minDisk")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let min_ram = req
        .param("minRam")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let items: Vec<Value> = st
        .flavors
        .iter()
        .filter(|f| f.disk >= min_disk && f.ram >= min_ram)
        .map(|f| {
            if detail {
                view.flavor(f)
            } else {
                view.flavor_summary(f)
            }
        })
        .collect();
    paginate(sim, req, items, "flavors", |v| {
        v["id"].as_str().unwrap_or("").to_string()
    })
}

fn show_flavor(sim: &Sim, mv: Mv, id: &str) -> Resp {
    let st = sim.lock();
    match st.flavor(id) {
        Some(f) => Resp::json(200, json!({"flavor": sim.view(mv).flavor(f)})),
        None => not_found_flavor(id),
    }
}

fn create_flavor(sim: &Sim, req: &Req, mv: Mv) -> Resp {
    let f = match req.object("flavor") {
        Ok(o) => o,
        Err(r) => return r,
    };
    let int = |k: &str| f.get(k).and_then(Value::as_i64);
    let (Some(name), Some(ram), Some(vcpus), Some(disk)) = (
        f.get("name").and_then(Value::as_str),
        int("ram"),
        int("vcpus"),
        int("disk"),
    ) else {
        return Resp::nova_error(400, "Invalid input for field/attribute flavor. 'name', 'ram', 'vcpus' and 'disk' are required properties");
    };
    let mut st = sim.lock();
    let id = match f.get("id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => {
            st.next_flavor_id += 1;
            (st.next_flavor_id - 1).to_string()
        }
    };
    if st.flavors.iter().any(|x| x.id == id || x.name == name) {
        return Resp::nova_error(409, &format!("Flavor with name {name} already exists."));
    }
    let flavor = Flavor {
        id,
        name: name.to_string(),
        ram,
        disk,
        vcpus,
        ephemeral: int("OS-FLV-EXT-DATA:ephemeral").unwrap_or(0),
        swap: int("swap").unwrap_or(0),
        rxtx_factor: f.get("rxtx_factor").and_then(Value::as_f64).unwrap_or(1.0),
        is_public: f
            .get("os-flavor-access:is_public")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        description: if mv >= (2, 55) {
            f.get("description")
                .and_then(Value::as_str)
                .map(str::to_string)
        } else {
            None
        },
        extra_specs: Map::new(),
    };
    let out = sim.view(mv).flavor(&flavor);
    st.flavors.push(flavor);
    Resp::json(200, json!({ "flavor": out }))
}

fn list_servers(sim: &Sim, req: &Req, mv: Mv, detail: bool) -> Resp {
    let st = sim.lock();
    let view = sim.view(mv);
    let items: Vec<Value> = st
        .servers
        .iter()
        .filter(|s| req.param("name").is_none_or(|n| s.name.contains(n)))
        .filter(|s| req.param("flavor").is_none_or(|f| s.flavor_id == f))
        .filter(|s| {
            req.param("image")
                .is_none_or(|i| s.image_id.as_deref() == Some(i))
        })
        .map(|s| (s, view.server(s, &st, false)))
        .filter(|(_, full)| {
            req.param("status").is_none_or(|want| {
                full["status"]
                    .as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case(want))
            })
        })
        .map(|(s, full)| if detail { full } else { view.server_summary(s) })
        .collect();
    paginate(sim, req, items, "servers", |v| {
        v["id"].as_str().unwrap_or("").to_string()
    })
}

fn bad(msg: &str) -> Resp {
    Resp::nova_error(400, msg)
}

fn create_server(sim: &Sim, req: &Req, mv: Mv) -> Resp {
    let s = match req.object("server") {
        Ok(o) => o,
        Err(r) => return r,
    };
    let name = match s.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() && n.len() <= 255 => n.clone(),
        Some(Value::String(_)) => {
            return bad("Invalid input for field/attribute name. Value: . '' is too short")
        }
        Some(_) => {
            return bad("Invalid input for field/attribute name. Value is not of type 'string'")
        }
        None => {
            return bad("Invalid input for field/attribute server. 'name' is a required property")
        }
    };
    let Some(flavor_ref) = s.get("flavorRef").and_then(|v| match v {
        Value::String(x) => Some(x.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }) else {
        return bad("Invalid input for field/attribute server. 'flavorRef' is a required property");
    };
    let networks = s.get("networks");
    if mv >= (2, 37) && networks.is_none() {
        return bad("Invalid input for field/attribute server. 'networks' is a required property");
    }
    let address_wanted = match networks {
        None => true,
        Some(Value::String(x)) if mv >= (2, 37) && (x == "auto" || x == "none") => x == "auto",
        Some(Value::Array(list)) => {
            if list.iter().any(|n| !n.is_object()) {
                return bad("Invalid input for field/attribute networks. Each network must be an object.");
            }
            true
        }
        Some(other) => {
            return bad(&format!("Invalid input for field/attribute networks. Value: {other}. {other} is not valid under any of the given schemas"))
        }
    };
    let description = match s.get("description") {
        Some(_) if mv < (2, 19) => {
            return bad("Invalid input for field/attribute server. Additional properties are not allowed ('description' was unexpected)")
        }
        Some(Value::String(d)) => Some(d.clone()),
        _ => None,
    };
    let metadata = match s.get("metadata") {
        None => Map::new(),
        Some(Value::Object(m)) if m.values().all(Value::is_string) => m.clone(),
        Some(_) => {
            return bad("Invalid input for field/attribute metadata. Values must be strings.")
        }
    };
    let image_ref = s
        .get("imageRef")
        .and_then(Value::as_str)
        .filter(|i| !i.is_empty());
    let mut st = sim.lock();
    if st.flavor(&flavor_ref).is_none() {
        return bad(&format!("Flavor {flavor_ref} could not be found."));
    }
    let image_id = match image_ref {
        Some(i) => match st.image(i) {
            Some(img) if sim.view(mv).glance_image(img)["status"] == "active" => {
                Some(i.to_string())
            }
            Some(_) => return bad(&format!("Image {i} is not active.")),
            None => return bad("Can not find requested image"),
        },
        None if s.contains_key("block_device_mapping_v2") => None,
        None => return bad("Missing imageRef attribute"),
    };
    let key_name = match s.get("key_name").and_then(Value::as_str) {
        Some(k) if st.keypairs.iter().any(|kp| kp.name == k) => Some(k.to_string()),
        Some(k) => {
            return bad(&format!(
                "Invalid key_name provided. Key pair {k} not found."
            ))
        }
        None => None,
    };
    let address = address_wanted.then(|| {
        st.next_address += 1;
        let n = st.next_address - 1;
        format!("10.0.{}.{}", n / 250, n % 250 + 2)
    });
    let id = new_id();
    let admin_pass = s
        .get("adminPass")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| new_id().replace('-', "")[..12].to_string());
    let launch_index = st.servers.len() as i64;
    st.servers.push(Server {
        id: id.clone(),
        name,
        flavor_id: flavor_ref,
        image_id,
        key_name,
        metadata,
        description,
        availability_zone: s
            .get("availability_zone")
            .and_then(Value::as_str)
            .unwrap_or("nova")
            .to_string(),
        address,
        created: now_iso(),
        started: Instant::now(),
        launch_index,
        reservation_id: format!("r-{}", &new_id()[..8]),
    });
    let view = sim.view(mv);
    let out = json!({"server": {
        "id": id, "links": view.links("servers", &id), "OS-DCF:diskConfig": "MANUAL",
        "security_groups": [{"name": "default"}], "adminPass": admin_pass,
    }});
    Resp::json(202, out).with_header(
        "Location",
        &format!("{}/compute/v2.1/servers/{id}", sim.base),
    )
}

/// Record a snapshot or backup image of `server`; returns its ID.
fn new_image(
    sim: &Sim,
    st: &mut State,
    server: &Server,
    name: &str,
    props: Map<String, Value>,
) -> String {
    let id = new_id();
    let mut properties = props;
    properties.insert("instance_uuid".into(), json!(server.id));
    properties.insert(
        "base_image_ref".into(),
        json!(server.image_id.clone().unwrap_or_default()),
    );
    st.images.push(Image {
        id: id.clone(),
        name: name.to_string(),
        created: now_iso(),
        started: Instant::now(),
        save_time: sim.config.build_time / 2,
        size: 12_582_912,
        min_disk: st.flavor(&server.flavor_id).map(|f| f.disk).unwrap_or(0),
        min_ram: 0,
        properties,
    });
    id
}

fn server_action(sim: &Sim, req: &Req, mv: Mv, id: &str) -> Resp {
    let body = match req.json() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let mut st = sim.lock();
    let Some(server) = st.server(id).cloned() else {
        return not_found_server(id);
    };
    let Some((action, args)) = body.as_object().and_then(|m| m.iter().next()) else {
        return bad("Malformed request body");
    };
    let active = sim.view(mv).server(&server, &st, false)["status"] == "ACTIVE";
    let image_reply = |sim: &Sim, image_id: &str| -> Resp {
        if mv >= (2, 45) {
            Resp::json(202, json!({ "image_id": image_id }))
        } else {
            Resp::empty(202).with_header(
                "Location",
                &format!("{}/image/v2/images/{image_id}", sim.base),
            )
        }
    };
    match action.as_str() {
        "createImage" | "createBackup" if !active => Resp::nova_error(
            409,
            &format!("Cannot '{action}' instance {id} while it is in vm_state building"),
        ),
        "createImage" => {
            let Some(name) = args
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.is_empty())
            else {
                return bad(
                    "Invalid input for field/attribute createImage. 'name' is a required property",
                );
            };
            let mut props = match args.get("metadata") {
                Some(Value::Object(m)) => m.clone(),
                None => Map::new(),
                Some(_) => return bad("Invalid input for field/attribute metadata."),
            };
            props.insert("image_type".into(), json!("snapshot"));
            let image_id = new_image(sim, &mut st, &server, name, props);
            image_reply(sim, &image_id)
        }
        "createBackup" => {
            let name = args.get("name").and_then(Value::as_str);
            let kind = args.get("backup_type").and_then(Value::as_str);
            let rotation = args.get("rotation").and_then(|r| match r {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            });
            let (Some(name), Some(kind), Some(rotation)) = (name, kind, rotation) else {
                return bad("Invalid input for field/attribute createBackup. 'name', 'backup_type' and 'rotation' are required properties");
            };
            if rotation < 0 {
                return bad("Invalid input for field/attribute rotation. Value: -1. -1 is less than the minimum of 0");
            }
            let props = Map::from_iter([
                ("image_type".to_string(), json!("backup")),
                ("backup_type".to_string(), json!(kind)),
            ]);
            let image_id = new_image(sim, &mut st, &server, name, props);
            image_reply(sim, &image_id)
        }
        other => bad(&format!("There is no such action: {other}")),
    }
}

fn backup_instance(sim: &Sim, req: &Req, id: &str) -> Resp {
    let body = match req.json() {
        Ok(b) => b,
        Err(r) => return r,
    };
    let args = body.get("backup_instance");
    let name = args
        .and_then(|a| a.get("name"))
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    let description = args
        .and_then(|a| a.get("description"))
        .and_then(Value::as_str);
    let (Some(name), Some(description)) = (name, description) else {
        return bad("Invalid input for field/attribute backup_instance. 'name' and 'description' are required properties");
    };
    let mut st = sim.lock();
    let Some(server) = st.server(id).cloned() else {
        return not_found_server(id);
    };
    let props = Map::from_iter([
        ("image_type".to_string(), json!("backup")),
        ("description".to_string(), json!(description)),
    ]);
    let image_id = new_image(sim, &mut st, &server, name, props);
    Resp::json(202, json!({ "id": image_id }))
}

fn list_keypairs(sim: &Sim, req: &Req, mv: Mv) -> Resp {
    let st = sim.lock();
    let view = sim.view(mv);
    let items: Vec<Value> = st
        .keypairs
        .iter()
        .filter(|k| req.param("user_id").is_none_or(|u| k.user_id == u))
        .map(|k| json!({"keypair": view.keypair_summary(k)}))
        .collect();
    if mv < (2, 35) {
        return Resp::json(200, json!({ "keypairs": items }));
    }
    paginate(sim, req, items, "keypairs", |v| {
        v.pointer("/keypair/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    })
}

fn create_keypair(sim: &Sim, req: &Req, mv: Mv) -> Resp {
    let k = match req.object("keypair") {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(name) = k.get("name").and_then(Value::as_str) else {
        return bad("Invalid input for field/attribute keypair. 'name' is a required property");
    };
    if name.is_empty()
        || name.len() > 255
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_ .@".contains(c))
    {
        return bad("Keypair data is invalid: Keypair name contains unsafe characters");
    }
    let public_key = k.get("public_key").and_then(Value::as_str);
    if mv >= (2, 92) && public_key.is_none() {
        return bad(
            "Invalid input for field/attribute keypair. 'public_key' is a required property",
        );
    }
    let key_type = match k.get("type") {
        Some(_) if mv < (2, 2) => {
            return bad("Invalid input for field/attribute keypair. Additional properties are not allowed ('type' was unexpected)")
        }
        Some(Value::String(t)) if t == "ssh" || t == "x509" => t.clone(),
        Some(other) => return bad(&format!("Invalid input for field/attribute type. Value: {other}. {other} is not one of ['ssh', 'x509']")),
        None => "ssh".into(),
    };
    if k.contains_key("user_id") && mv < (2, 10) {
        return bad("Invalid input for field/attribute keypair. Additional properties are not allowed ('user_id' was unexpected)");
    }
    let user_id = k
        .get("user_id")
        .and_then(Value::as_str)
        .unwrap_or(USER_ID)
        .to_string();
    let mut st = sim.lock();
    if st.keypairs.iter().any(|x| x.name == name) {
        return Resp::nova_error(409, &format!("Key pair '{name}' already exists."));
    }
    let private_key = public_key.is_none().then(|| {
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            new_id().replace('-', "").repeat(2)
        )
    });
    let public_key = match public_key {
        Some(p) => p.to_string(),
        None => format!(
            "ssh-rsa AAAAB3NzaC1yc2E{} Generated-by-Nova\n",
            new_id().replace('-', "")
        ),
    };
    let kp = Keypair {
        id: st.next_keypair_id,
        name: name.to_string(),
        key_type,
        fingerprint: fingerprint(&public_key),
        public_key,
        user_id,
        created_at: now_iso(),
    };
    st.next_keypair_id += 1;
    let view = sim.view(mv);
    let mut out = view.keypair_summary(&kp);
    out["user_id"] = json!(kp.user_id);
    if let Some(p) = private_key {
        out["private_key"] = json!(p);
    }
    st.keypairs.push(kp);
    Resp::json(
        if mv >= (2, 2) { 201 } else { 200 },
        json!({ "keypair": out }),
    )
}

/// How long a new server stays in BUILD.
pub fn default_build_time() -> Duration {
    Duration::from_millis(1500)
}
