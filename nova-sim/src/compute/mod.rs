//! Compute v2.1 under `/compute`: version documents, microversion negotiation and the
//! routing of each resource to its module, with nova's status codes and error bodies.

mod actions;
mod aggregates;
mod audit;
mod flavors;
mod hosts;
mod images;
mod interfaces;
mod keypairs;
mod quotas;
mod regex;
mod schema;
mod server_groups;
mod server_list;
mod server_parts;
mod servers;
mod usage;

use crate::http::{decode_path, Req, Resp};
use crate::state::{Mv, State, View, PROJECT_ID};
use crate::Sim;
use serde_json::{json, Map, Value};
use std::sync::MutexGuard;
use std::time::Duration;

pub use schema::{bad, conflict, not_found};

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

/// A request below `/compute`; `rest` is the raw path after it. As nova's URL map and router
/// do: repeated slashes count as one, `/` and `/v2.1` (any method) are the version documents,
/// a path outside `/v2.1/` is answered with the choice of versions (300), and below `/v2.1/`
/// the segments, each decoded on its own, must match one of nova's routes exactly (no trailing
/// slash), else nova's router answers 404.
pub fn handle(sim: &Sim, req: &Req, rest: &str) -> Resp {
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let resource = match segments.as_slice() {
        [] => return versions(sim),
        ["v2.1"] => return Resp::json(200, json!({"version": version_doc(sim)})),
        ["v2.1", resource @ ..] => resource,
        // The legacy v2 API is not served.
        ["v2", ..] => return not_found("The resource could not be found."),
        _ => {
            let mount = &req.path[..req.path.len() - rest.len()];
            return choices(sim, mount, &req.path);
        }
    };
    // keystonemiddleware runs before nova's API: a bad token is a 401 whatever else is wrong.
    let Some((user, admin)) = req
        .header("x-auth-token")
        .and_then(|t| sim.tokens.holder(t))
    else {
        return Resp::unauthorized();
    };
    let mv = match requested_version(sim, req) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let decoded: Vec<String> = resource.iter().map(|s| decode_path(s)).collect();
    let parts: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let call = Call {
        sim,
        req,
        mv,
        user,
        admin,
    };
    let routed = if rest.ends_with('/') {
        None
    } else {
        route(&call, &parts)
    };
    let Some(resp) = routed else {
        return Resp::no_route(req.header("accept"));
    };
    let v = fmt(mv);
    resp.with_header("OpenStack-API-Version", &format!("compute {v}"))
        .with_header("X-OpenStack-Nova-API-Version", &v)
        .with_header(
            "Vary",
            "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
        )
}

/// The test-only routes under `/nova-sim` (no nova has them; a valid token is needed):
/// `PUT /nova-sim/servers/{id}/password` sets the encrypted password `os-server-password` shows;
/// `PUT /nova-sim/servers/{id}/addresses` the addresses a server shows (several networks,
/// floating and IPv6 ones).
pub fn test_only(sim: &Sim, req: &Req, rest: &str) -> Resp {
    let Some((user, admin)) = req
        .header("x-auth-token")
        .and_then(|t| sim.tokens.holder(t))
    else {
        return Resp::unauthorized();
    };
    let parts: Vec<String> = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_path)
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let call = Call {
        sim,
        req,
        mv: MIN_VERSION,
        user,
        admin,
    };
    match (req.method.as_str(), parts.as_slice()) {
        ("PUT", ["servers", id, "password"]) => server_parts::set_password(&call, id),
        ("PUT", ["servers", id, "addresses"]) => server_parts::set_addresses(&call, id),
        _ => Resp::no_route(req.header("accept")),
    }
}

/// `GET /v2.1/versions/{id}` (nova's `VersionsController.show`): the document of `v2.0` or
/// `v2.1`, its self link the endpoint it was asked at (`application_url`), whichever it is.
fn version_show(c: &Call, id: &str) -> Resp {
    let base = c.sim.base.as_str();
    let mut doc = match id {
        "v2.1" => version_doc(c.sim),
        "v2.0" => json!({
            "id": "v2.0",
            "links": [{"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"}],
            "media-types": [{"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2"}],
            "status": "DEPRECATED",
            "version": "",
            "min_version": "",
            "updated": "2025-07-04T12:00:00Z",
        }),
        _ => return not_found("The resource could not be found."),
    };
    let links = json!([
        {"href": format!("{base}/compute/v2.1/"), "rel": "self"},
        {"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"},
    ]);
    if let Value::Object(m) = &mut doc {
        m.insert("links".into(), links);
    }
    Resp::json(200, json!({ "version": doc }))
}

/// `GET /compute/`: the versions.
fn versions(sim: &Sim) -> Resp {
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
    Resp::json(200, json!({"versions": [v10, v21]}))
}

/// nova's versions app for any other path below the compute endpoint (`/compute/v2.1servers`,
/// `/compute/foo`): 300 and a link per version, each the endpoint, the version, then the whole
/// request path (nova joins them so).
fn choices(sim: &Sim, mount: &str, path: &str) -> Resp {
    let choice = |id: &str, v: &str, media: &str| {
        json!({"id": id, "status": if id == "v2.0" { "DEPRECATED" } else { "CURRENT" },
            "links": [{"rel": "self", "href": format!("{}{mount}/{v}/{}", sim.base, path.trim_matches('/'))}],
            "media-types": [{"base": "application/json", "type": format!("application/vnd.openstack.compute+json;version={media}")}]})
    };
    Resp::json(
        300,
        json!({"choices": [choice("v2.0", "v2", "2"), choice("v2.1", "v2.1", "2.1")]}),
    )
}

/// One compute request: the cloud, the request and its microversion.
pub struct Call<'a> {
    pub sim: &'a Sim,
    pub req: &'a Req,
    pub mv: Mv,
    /// The token's user, and whether it has the admin role.
    pub user: &'static str,
    pub admin: bool,
}

impl Call<'_> {
    pub fn at(&self, v: Mv) -> bool {
        self.mv >= v
    }

    pub fn view(&self) -> View<'_> {
        self.sim.view(self.mv)
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.sim.lock()
    }

    pub fn build_time(&self) -> Duration {
        self.sim.config.build_time
    }

    /// The caller's project and user (the token's scope).
    pub fn project(&self) -> &str {
        PROJECT_ID
    }

    pub fn user(&self) -> &str {
        self.user
    }

    /// nova's 403 for a rule only an admin passes (`os_compute_api:...`), for a caller who is
    /// not one. (The routes served before this check was added do not make it.)
    pub fn admin_only(&self, rule: &str) -> Result<(), Resp> {
        if self.admin {
            Ok(())
        } else {
            Err(Resp::nova_error(
                403,
                &format!("Policy doesn't allow {rule} to be performed."),
            ))
        }
    }

    /// The JSON body, which must be an object.
    pub fn body(&self) -> Result<Map<String, Value>, Resp> {
        match self.req.json()? {
            Value::Object(m) => Ok(m),
            _ => Err(bad("Malformed request body")),
        }
    }
}

/// The reply of the route `parts` (decoded segments below `/v2.1`) names, None when nova has
/// no such route (or none this cloud serves) for the method.
fn route(c: &Call, parts: &[&str]) -> Option<Resp> {
    let m = c.req.method.as_str();
    match parts.first().copied().unwrap_or("") {
        "flavors" => flavors::route(c, m, &parts[1..]),
        "servers" => servers::route(c, m, &parts[1..]),
        "images" => images::route(c, m, &parts[1..]),
        "os-keypairs" => keypairs::route(c, m, &parts[1..]),
        "os-services" | "os-hypervisors" | "os-availability-zone" => hosts::route(c, m, parts),
        "os-quota-sets" | "os-quota-class-sets" | "limits" => quotas::route(c, m, parts),
        "os-aggregates" => aggregates::route(c, m, &parts[1..]),
        "versions" => match (m, &parts[1..]) {
            ("GET", [id]) => Some(version_show(c, id)),
            _ => None,
        },
        "os-instance_usage_audit_log" => audit::route(c, m, &parts[1..]),
        "os-server-groups" => server_groups::route(c, m, &parts[1..]),
        "os-simple-tenant-usage" => usage::route(c, m, &parts[1..]),
        _ => None,
    }
}

/// nova's reply to a route outside the request's microversion.
pub fn no_such_version() -> Resp {
    not_found("The resource could not be found.")
}

pub fn not_found_server(id: &str) -> Resp {
    not_found(&format!("Instance {id} could not be found."))
}

pub fn not_found_flavor(id: &str) -> Resp {
    not_found(&format!("Flavor {id} could not be found."))
}

/// Remove the records that match; false when there was none.
pub fn remove<T>(records: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> bool {
    let before = records.len();
    records.retain(|r| !matches(r));
    records.len() != before
}

/// nova's `limit` / `marker` paging with a `<collection>_links` next link on a full page:
/// the reply of [`page`].
pub fn paginate<T>(
    c: &Call,
    items: Vec<T>,
    collection: &str,
    key: impl Fn(&T) -> &str,
    render: impl FnMut(T) -> Value,
) -> Resp {
    match page(c, items, collection, key, render) {
        Ok(body) => Resp::json(200, Value::Object(body)),
        Err(r) => r,
    }
}

/// The page of `items` (records in list order) that `limit` / `marker` select, under
/// `collection`, with the next link. The page is chosen first, the marker found by `key` (the
/// ID a record is listed by), and only the page's records are rendered (`render`): a page
/// costs its own size, not the collection's.
pub fn page<T>(
    c: &Call,
    items: Vec<T>,
    collection: &str,
    key: impl Fn(&T) -> &str,
    render: impl FnMut(T) -> Value,
) -> Result<Map<String, Value>, Resp> {
    let (sim, req) = (c.sim, c.req);
    let start = match req.param("marker") {
        Some(m) => match items.iter().position(|i| key(i) == m) {
            Some(p) => p + 1,
            None => return Err(bad(&format!("marker [{m}] not found"))),
        },
        None => 0,
    };
    let limit = match req.param("limit").map(str::parse::<usize>) {
        None => sim.config.max_limit,
        Some(Ok(l)) => l.min(sim.config.max_limit),
        Some(Err(_)) => return Err(bad("Invalid input for query parameters limit.")),
    };
    let chosen: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let mut body = Map::new();
    if limit > 0 && chosen.len() == limit {
        if let Some(last) = chosen.last() {
            // The query as it was asked (decoded), encoded again: a value holding `&`, `#`,
            // `+` or `%` must be the same value on the next page.
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.extend_pairs(
                req.query
                    .iter()
                    .filter(|(k, _)| k != "marker" && k != "limit"),
            );
            q.append_pair("limit", &limit.to_string());
            q.append_pair("marker", key(last));
            let path = req.path.split("/v2.1/").nth(1).unwrap_or(collection);
            body.insert(
                format!("{collection}_links"),
                json!([{"href": format!("{}/compute/v2.1/{path}?{}", sim.base, q.finish()), "rel": "next"}]),
            );
        }
    }
    body.insert(
        collection.to_string(),
        Value::Array(chosen.into_iter().map(render).collect()),
    );
    Ok(body)
}

/// How long a new server stays in BUILD.
pub fn default_build_time() -> Duration {
    Duration::from_millis(1500)
}
