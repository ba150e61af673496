//! Keystone v3 under `/identity`: version discovery, token issue (password, token and
//! application-credential methods), validation and revocation, and the tokens' lifetimes.

use crate::http::{Req, Resp};
use crate::state::time::{self, iso_micro, Secs};
use crate::state::{PROJECT_ID, USER_ID};
use crate::Sim;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

pub const USERNAME: &str = "admin";
pub const PASSWORD: &str = "secret";
pub const PROJECT: &str = "admin";
pub const DOMAIN: &str = "Default";
pub const DOMAIN_ID: &str = "default";
pub const REGION: &str = "RegionOne";
pub const APP_CRED_ID: &str = "b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2";
pub const APP_CRED_SECRET: &str = "app-secret";
/// A second user of the admin project with the `member` and `reader` roles only (password
/// [`PASSWORD`]): what nova's admin-only policies refuse.
pub const MEMBER_USERNAME: &str = "member";
pub const MEMBER_USER_ID: &str = "5d1c2b3a49584f6e8d7c6b5a4f3e2d1c";

/// A token this cloud issued.
#[derive(Clone)]
struct Token {
    methods: Vec<String>,
    issued: Secs,
    /// None: never (shown as 2099).
    expires: Option<Secs>,
    revoked: bool,
    /// Issued to [`MEMBER_USERNAME`] (not an admin).
    member: bool,
}

impl Token {
    fn live(&self) -> bool {
        !self.revoked && self.expires.is_none_or(|e| time::now() < e)
    }
}

/// The tokens issued so far, by ID.
#[derive(Default)]
pub struct Tokens(Mutex<HashMap<String, Token>>);

impl Tokens {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Token>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Issued, not revoked and not expired.
    pub fn valid(&self, id: &str) -> bool {
        self.lock().get(id).is_some_and(Token::live)
    }

    /// The user a valid token was issued to: `(user ID, admin)`.
    pub fn holder(&self, id: &str) -> Option<(&'static str, bool)> {
        self.lock().get(id).filter(|t| t.live()).map(|t| {
            if t.member {
                (MEMBER_USER_ID, false)
            } else {
                (USER_ID, true)
            }
        })
    }

    fn get(&self, id: &str) -> Option<Token> {
        self.lock().get(id).cloned()
    }

    fn issue(&self, token: Token) -> String {
        let id = format!("gAAAAA{}", crate::state::new_id().replace('-', ""));
        self.lock().insert(id.clone(), token);
        id
    }

    fn revoke(&self, id: &str) {
        if let Some(t) = self.lock().get_mut(id) {
            t.revoked = true;
        }
    }
}

pub fn handle(sim: &Sim, req: &Req, rest: &str) -> Resp {
    match (req.method.as_str(), rest) {
        ("GET", "") => Resp::json(300, json!({"versions": {"values": [version(sim)]}})),
        ("GET", "/v3") => Resp::json(200, json!({ "version": version(sim) })),
        ("POST", "/v3/auth/tokens") => issue(sim, req),
        ("GET", "/v3/auth/tokens") => match subject(sim, req) {
            Ok((id, t)) => Resp::json(200, token_body(sim, &t)).with_header("X-Subject-Token", &id),
            Err(r) => r,
        },
        ("DELETE", "/v3/auth/tokens") => match subject(sim, req) {
            Ok((id, _)) => {
                sim.tokens.revoke(&id);
                Resp::empty(204)
            }
            Err(r) => r,
        },
        _ => Resp::keystone_error(404, "Not Found", "The resource could not be found."),
    }
}

fn version(sim: &Sim) -> Value {
    json!({
        "id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": format!("{}/identity/v3/", sim.base)}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}],
    })
}

fn domain_ok(d: Option<&Value>) -> bool {
    match d {
        None => false,
        Some(d) => {
            d.get("name").and_then(Value::as_str) == Some(DOMAIN)
                || d.get("id").and_then(Value::as_str) == Some(DOMAIN_ID)
        }
    }
}

fn issue(sim: &Sim, req: &Req) -> Resp {
    let body = match req.json() {
        Ok(b) => b,
        Err(_) => return Resp::keystone_error(400, "Bad Request", "Malformed request body"),
    };
    let Some(auth) = body.get("auth") else {
        return Resp::keystone_error(400, "Bad Request", "'auth' is a required property");
    };
    let identity = auth.get("identity").cloned().unwrap_or(Value::Null);
    let methods: Vec<&str> = identity
        .get("methods")
        .and_then(Value::as_array)
        .map(|m| m.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    // A token got with a token expires when that one does.
    let mut expires = sim
        .config
        .token_lifetime
        .map(|l| time::now() + l.as_secs_f64());
    let mut member = false;
    let ok = match methods.first().copied() {
        Some("password") => {
            let user = identity
                .pointer("/password/user")
                .cloned()
                .unwrap_or(Value::Null);
            let is = |name: &str, id: &str| {
                (user.get("name").and_then(Value::as_str) == Some(name)
                    && domain_ok(user.get("domain")))
                    || user.get("id").and_then(Value::as_str) == Some(id)
            };
            member = is(MEMBER_USERNAME, MEMBER_USER_ID);
            (is(USERNAME, USER_ID) || member)
                && user.get("password").and_then(Value::as_str) == Some(PASSWORD)
        }
        Some("token") => {
            let from = identity.pointer("/token/id").and_then(Value::as_str);
            match from.and_then(|t| sim.tokens.get(t)).filter(Token::live) {
                Some(t) => {
                    expires = t.expires;
                    member = t.member;
                    true
                }
                None => false,
            }
        }
        Some("application_credential") => {
            let ac = identity
                .get("application_credential")
                .cloned()
                .unwrap_or(Value::Null);
            ac.get("id").and_then(Value::as_str) == Some(APP_CRED_ID)
                && ac.get("secret").and_then(Value::as_str) == Some(APP_CRED_SECRET)
        }
        _ => {
            return Resp::keystone_error(
                400,
                "Bad Request",
                "Expecting to find identity methods in request.",
            )
        }
    };
    if !ok {
        return Resp::unauthorized();
    }
    // Scope: only the admin project exists.
    if let Some(project) = auth.pointer("/scope/project") {
        let by_id = project.get("id").and_then(Value::as_str) == Some(PROJECT_ID);
        let by_name = project.get("name").and_then(Value::as_str) == Some(PROJECT)
            && domain_ok(project.get("domain"));
        if !(by_id || by_name) {
            return Resp::unauthorized();
        }
    }
    let token = Token {
        methods: methods.iter().map(|m| m.to_string()).collect(),
        issued: time::now(),
        expires,
        revoked: false,
        member,
    };
    let body = token_body(sim, &token);
    let id = sim.tokens.issue(token);
    Resp::json(201, body).with_header("X-Subject-Token", &id)
}

/// Keystone's form of a token time: `2026-11-25T14:03:27.123456Z`.
fn token_time(t: Secs) -> String {
    format!("{}Z", iso_micro(t))
}

fn token_body(sim: &Sim, token: &Token) -> Value {
    // Each interface has its own URL (as in a real deployment), all served by this cloud:
    // public at the root, internal and admin under `/internal` and `/admin`; a client that
    // uses another interface than the one asked for shows in the paths it requests.
    let endpoints = |path: &str| -> Value {
        Value::Array(
            ["public", "internal", "admin"]
                .iter()
                .map(|i| {
                    let url = match *i {
                        "public" => format!("{}{path}", sim.base),
                        _ => format!("{}/{i}{path}", sim.base),
                    };
                    json!({"id": crate::state::new_id().replace('-', ""), "interface": i,
                           "region": REGION, "region_id": REGION, "url": url})
                })
                .collect(),
        )
    };
    let mut catalog = vec![
        json!({"type": "compute", "name": "nova", "id": "c0a1b2c3d4e5f60718293a4b5c6d7e8f",
               "endpoints": endpoints("/compute/v2.1")}),
        json!({"type": "image", "name": "glance", "id": "1a2b3c4d5e6f708192a3b4c5d6e7f809",
               "endpoints": endpoints("/image")}),
    ];
    if sim.config.network_in_catalog {
        catalog.push(json!({"type": "network", "name": "neutron",
            "id": "3c4d5e6f708192a3b4c5d6e7f8091a2b", "endpoints": endpoints("/network")}));
    }
    catalog.push(json!({"type": "identity", "name": "keystone",
        "id": "2b3c4d5e6f708192a3b4c5d6e7f8091a", "endpoints": endpoints("/identity")}));
    let (user_id, user_name) = if token.member {
        (MEMBER_USER_ID, MEMBER_USERNAME)
    } else {
        (USER_ID, USERNAME)
    };
    let mut roles = vec![
        json!({"id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "member"}),
        json!({"id": "0b9a8e7f6d5c4b3a29180f7e6d5c4b3a", "name": "reader"}),
    ];
    if !token.member {
        roles.insert(
            0,
            json!({"id": "51cc68287d524c759f47c811e6463340", "name": "admin"}),
        );
    }
    json!({"token": {
        "methods": token.methods,
        "expires_at": token.expires.map_or_else(|| "2099-01-01T00:00:00.000000Z".to_string(), token_time),
        "issued_at": token_time(token.issued),
        "audit_ids": ["3T2dc1CGQxyJsHdDu1xkcw"],
        "is_domain": false,
        "user": {"id": user_id, "name": user_name, "domain": {"id": DOMAIN_ID, "name": DOMAIN}, "password_expires_at": null},
        "project": {"id": PROJECT_ID, "name": PROJECT, "domain": {"id": DOMAIN_ID, "name": DOMAIN}},
        "roles": roles,
        "catalog": catalog,
    }})
}

/// The token `X-Subject-Token` names, for a caller with a valid `X-Auth-Token`: Keystone's
/// 401 without one, its 404s for a subject missing, unknown, or revoked or expired.
fn subject(sim: &Sim, req: &Req) -> Result<(String, Token), Resp> {
    if !req
        .header("x-auth-token")
        .is_some_and(|t| sim.token_valid(t))
    {
        return Err(Resp::unauthorized());
    }
    let not_found = |message: &str| Resp::keystone_error(404, "Not Found", message);
    let Some(id) = req.header("x-subject-token") else {
        return Err(not_found("No token in the request"));
    };
    match sim.tokens.get(id) {
        None => Err(not_found("Could not recognize Fernet token")),
        Some(t) if !t.live() => Err(not_found("Failed to validate token")),
        Some(t) => Ok((id.to_string(), t)),
    }
}
