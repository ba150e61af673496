//! A minimal network service (Neutron v2.0) under `/network`: the one network, `private`,
//! whose addresses servers get, for clients that look a network up by name (`nova boot --nic
//! net-name=private`): `GET /v2.0/networks` with `name` and `id` filters (each may be given
//! more than once: any of the values), and `GET /v2.0/networks/{id}`.

use crate::http::{Req, Resp};
use crate::state::{PRIVATE_NET_ID, PRIVATE_SUBNET_ID, PROJECT_ID};
use crate::Sim;
use serde_json::{json, Value};

const CREATED: &str = "2026-01-01T00:00:00Z";

fn private() -> Value {
    json!({
        "admin_state_up": true,
        "availability_zone_hints": [],
        "availability_zones": ["nova"],
        "created_at": CREATED,
        "description": "",
        "id": PRIVATE_NET_ID,
        "ipv4_address_scope": null,
        "ipv6_address_scope": null,
        "l2_adjacency": true,
        "mtu": 1442,
        "name": "private",
        "port_security_enabled": true,
        "project_id": PROJECT_ID,
        "revision_number": 2,
        "router:external": false,
        "shared": false,
        "status": "ACTIVE",
        "subnets": [PRIVATE_SUBNET_ID],
        "tags": [],
        "tenant_id": PROJECT_ID,
        "updated_at": CREATED,
    })
}

fn neutron_error(status: u16, kind: &str, message: &str) -> Resp {
    Resp::json(
        status,
        json!({"NeutronError": {"type": kind, "message": message, "detail": ""}}),
    )
}

/// A request below `/network`; `rest` is the decoded path after it.
pub fn handle(sim: &Sim, req: &Req, rest: &str) -> Resp {
    if rest.is_empty() {
        return Resp::json(
            200,
            json!({"versions": [{"id": "v2.0", "status": "CURRENT",
                "links": [{"href": format!("{}/network/v2.0/", sim.base), "rel": "self"}]}]}),
        );
    }
    if !req
        .header("x-auth-token")
        .is_some_and(|t| sim.token_valid(t))
    {
        return Resp::unauthorized();
    }
    let not_found = || neutron_error(404, "HTTPNotFound", "The resource could not be found.");
    match (req.method.as_str(), rest) {
        ("GET", "/v2.0/networks") => {
            let net = private();
            let matches = |key: &str| {
                let wanted: Vec<&str> = req
                    .query
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
                    .collect();
                wanted.is_empty() || wanted.iter().any(|w| net[key] == *w)
            };
            let list = if matches("name") && matches("id") {
                vec![net]
            } else {
                Vec::new()
            };
            Resp::json(200, json!({ "networks": list }))
        }
        ("GET", path) => match path.strip_prefix("/v2.0/networks/") {
            Some(id) if id == PRIVATE_NET_ID => Resp::json(200, json!({"network": private()})),
            Some(id) if !id.contains('/') => neutron_error(
                404,
                "NetworkNotFound",
                &format!("Network {id} could not be found."),
            ),
            _ => not_found(),
        },
        _ => not_found(),
    }
}
