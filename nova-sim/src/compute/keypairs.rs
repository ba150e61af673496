//! Key pairs: `/os-keypairs`.

use super::servers::is_base64;
use super::{bad, not_found, paginate, remove, Call};
use crate::http::Resp;
use crate::state::{fingerprint, new_id, now_iso, Keypair, USER_ID};
use serde_json::{json, Value};

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    Some(match (m, parts) {
        ("GET", []) => list_keypairs(c),
        ("POST", []) => create_keypair(c),
        ("GET", [name]) => {
            let user = owner(c);
            let st = c.lock();
            match st
                .keypairs
                .iter()
                .find(|k| k.name == *name && k.user_id == user)
            {
                Some(k) => Resp::json(200, json!({"keypair": c.view().keypair(k)})),
                None => not_found_keypair(name, &user),
            }
        }
        ("DELETE", [name]) => {
            let user = owner(c);
            if !remove(&mut c.lock().keypairs, |k| {
                k.name == *name && k.user_id == user
            }) {
                return Some(not_found_keypair(name, &user));
            }
            Resp::empty(if c.at((2, 2)) { 204 } else { 202 })
        }
        _ => return None,
    })
}

/// Whose key pair a request for one names: `?user_id=` from 2.10 (an admin's), else the
/// caller's.
fn owner(c: &Call) -> String {
    match c.req.param("user_id") {
        Some(u) if c.at((2, 10)) => u.to_string(),
        _ => USER_ID.to_string(),
    }
}

fn not_found_keypair(name: &str, user: &str) -> Resp {
    not_found(&format!("Keypair {name} not found for user {user}"))
}

fn list_keypairs(c: &Call) -> Resp {
    let (req, mv) = (c.req, c.mv);
    let st = c.lock();
    let view = c.view();
    let items: Vec<&Keypair> = st
        .keypairs
        .iter()
        .filter(|k| req.param("user_id").is_none_or(|u| k.user_id == u))
        .collect();
    let render = |k: &Keypair| json!({"keypair": view.keypair_summary(k)});
    if mv < (2, 35) {
        let all: Vec<Value> = items.into_iter().map(render).collect();
        return Resp::json(200, json!({ "keypairs": all }));
    }
    paginate(c, items, "keypairs", |k| &k.name, render)
}

/// Whether a public key looks like one nova can take a fingerprint of: an OpenSSH line
/// (`TYPE BASE64 [COMMENT]`) or a PEM certificate for `x509`.
fn key_readable(key: &str, key_type: &str) -> bool {
    if key_type == "x509" {
        return key.contains("-----BEGIN CERTIFICATE-----");
    }
    key.split(' ')
        .nth(1)
        .is_some_and(|data| !data.is_empty() && is_base64(data))
}

fn create_keypair(c: &Call) -> Resp {
    let (sim, req, mv) = (c.sim, c.req, c.mv);
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
    // nova computes the fingerprint of an imported key before it stores it (and finds a
    // duplicate name): a key it cannot read is refused.
    if public_key.is_some_and(|p| !key_readable(p, &key_type)) {
        return bad("Keypair data is invalid: failed to generate fingerprint");
    }
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
