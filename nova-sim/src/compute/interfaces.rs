//! `/servers/{id}/os-interface`: the ports of a server on the one network (list, show,
//! attach by network or port, detach), as nova 34's `InterfaceAttachmentController`: `tag`
//! taken from 2.49 and shown from 2.70. A server's boot port is the one behind its address;
//! nova-sim invents the IDs of the ports it creates.

use super::schema::{check_keys, invalid, object, repr, uuid_like};
use super::servers::{record, tag};
use super::{bad, conflict, not_found, not_found_server, Call};
use crate::http::Resp;
use crate::state::{
    new_id, Port, Server, State, VmState, BOOT_MAC, PRIVATE_NET_ID, PRIVATE_SUBNET_ID,
};
use serde_json::{json, Map, Value};

pub fn route(c: &Call, m: &str, id: &str, rest: &[&str]) -> Option<Resp> {
    let reply = match (m, rest) {
        ("GET", []) => list(c, id),
        ("POST", []) => attach(c, id),
        ("GET", [port]) => show(c, id, port),
        ("DELETE", [port]) => detach(c, id, port),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

/// The server's index, with its boot port registered the first time it is looked at.
fn server_with_ports(st: &mut State, id: &str) -> Result<usize, Resp> {
    let Some(i) = st.servers.iter().position(|s| s.id == id) else {
        return Err(not_found_server(id));
    };
    if st.ports_seen.insert(id.to_string()) {
        if let Some(ip) = st.servers[i].address.clone() {
            st.ports.push(Port {
                id: new_id(),
                server_id: id.to_string(),
                mac: BOOT_MAC.into(),
                ip,
                tag: None,
            });
        }
    }
    Ok(i)
}

fn render(c: &Call, p: &Port) -> Value {
    let mut o = Map::new();
    o.insert(
        "fixed_ips".into(),
        json!([{"ip_address": p.ip, "subnet_id": PRIVATE_SUBNET_ID}]),
    );
    o.insert("mac_addr".into(), json!(p.mac));
    o.insert("net_id".into(), json!(PRIVATE_NET_ID));
    o.insert("port_id".into(), json!(p.id));
    o.insert("port_state".into(), json!("ACTIVE"));
    if c.at((2, 70)) {
        o.insert("tag".into(), json!(p.tag));
    }
    Value::Object(o)
}

fn list(c: &Call, id: &str) -> Result<Resp, Resp> {
    let mut st = c.lock();
    server_with_ports(&mut st, id)?;
    let all: Vec<Value> = st
        .ports
        .iter()
        .filter(|p| p.server_id == id)
        .map(|p| render(c, p))
        .collect();
    Ok(Resp::json(200, json!({ "interfaceAttachments": all })))
}

fn show(c: &Call, id: &str, port: &str) -> Result<Resp, Resp> {
    let mut st = c.lock();
    // A port ID a client knows is one it was shown: a boot port not yet registered has none.
    server_with_ports(&mut st, id)?;
    match st.ports.iter().find(|p| p.id == port) {
        None => Err(not_found(&format!("Port id {port} could not be found."))),
        Some(p) if p.server_id != id => Err(not_found(&format!(
            "Instance {id} does not have a port with id {port}"
        ))),
        Some(p) => Ok(Resp::json(
            200,
            json!({"interfaceAttachment": render(c, p)}),
        )),
    }
}

/// nova's `check_instance_state(vm_state=[ACTIVE, PAUSED, STOPPED], task_state=[None])`.
fn attachable(c: &Call, s: &Server, action: &str) -> Result<(), Resp> {
    let bt = c.build_time();
    let refuse = |what: String| {
        conflict(&format!(
            "Cannot '{action}' instance {} while it is in {what}",
            s.id
        ))
    };
    if let Some(busy) = s.busy_with(bt) {
        return Err(refuse(busy));
    }
    let v = s.settled(bt);
    if !matches!(v, VmState::Active | VmState::Paused | VmState::Stopped) {
        return Err(refuse(format!("vm_state {}", v.name())));
    }
    Ok(())
}

/// A `uuid`-format string member.
fn uuid_member(a: &Map<String, Value>, key: &str) -> Result<Option<String>, Resp> {
    match a.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if uuid_like(s) => Ok(Some(s.clone())),
        Some(v @ Value::String(_)) => Err(invalid(
            Some(key),
            v,
            &format!("{} is not a 'uuid'", repr(v)),
        )),
        Some(v) => Err(super::schema::not_type(key, v, "string")),
    }
}

fn attach(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(None, &body, &["interfaceAttachment"], &[])?;
    let empty = Map::new();
    let a = match body.get("interfaceAttachment") {
        Some(_) => object(&body, "interfaceAttachment")?,
        None => &empty,
    };
    let mut allowed = vec!["net_id", "port_id", "fixed_ips"];
    if c.at((2, 49)) {
        allowed.push("tag");
    }
    check_keys(Some("interfaceAttachment"), a, &allowed, &[])?;
    let net_id = uuid_member(a, "net_id")?;
    let port_id = uuid_member(a, "port_id")?;
    let wanted_ip = match a.get("fixed_ips") {
        None => None,
        Some(Value::Array(list)) if list.len() == 1 => {
            let Value::Object(o) = &list[0] else {
                return Err(super::schema::not_type("0", &list[0], "object"));
            };
            check_keys(Some("0"), o, &["ip_address"], &["ip_address"])?;
            let ip = &o["ip_address"];
            match ip.as_str().map(str::parse::<std::net::IpAddr>) {
                Some(Ok(_)) => ip.as_str().map(str::to_string),
                _ => {
                    return Err(invalid(
                        Some("ip_address"),
                        ip,
                        &format!("{} is not valid under any of the given schemas", repr(ip)),
                    ))
                }
            }
        }
        Some(v @ Value::Array(list)) => {
            let message = if list.is_empty() {
                "[] should be non-empty".to_string()
            } else {
                format!("{} is too long", repr(v))
            };
            return Err(invalid(Some("fixed_ips"), v, &message));
        }
        Some(v) => return Err(super::schema::not_type("fixed_ips", v, "array")),
    };
    let port_tag = a.get("tag").map(tag).transpose()?;
    if net_id.is_some() && port_id.is_some() {
        return Err(bad("Must not input both network_id and port_id"));
    }
    if wanted_ip.is_some() && net_id.is_none() {
        return Err(bad("Must input network_id when request IP address"));
    }
    let mut st = c.lock();
    let i = server_with_ports(&mut st, id)?;
    attachable(c, &st.servers[i], "attach_interface")?;
    // Every port there is is bound to a server (nova deletes those it made when they are
    // detached; the network service here makes none of its own).
    if let Some(p) = &port_id {
        return Err(if st.ports.iter().any(|x| &x.id == p) {
            conflict(&format!("Port {p} is still in use."))
        } else {
            not_found(&format!("Port id {p} could not be found."))
        });
    }
    if let Some(n) = &net_id {
        if n != PRIVATE_NET_ID {
            return Err(not_found(&format!("Network {n} could not be found.")));
        }
    }
    let ip = match wanted_ip {
        Some(ip) => {
            let holder = st
                .servers
                .iter()
                .find(|s| s.address.as_deref() == Some(ip.as_str()))
                .map(|s| s.id.clone())
                .or_else(|| {
                    st.ports
                        .iter()
                        .find(|p| p.ip == ip)
                        .map(|p| p.server_id.clone())
                });
            if let Some(h) = holder {
                return Err(conflict(&format!(
                    "Fixed IP address {ip} is already in use on instance {h}."
                )));
            }
            ip
        }
        None => st.new_address(),
    };
    let n = st.ports.len() as u32;
    let port = Port {
        id: new_id(),
        server_id: id.to_string(),
        mac: format!(
            "fa:16:3e:{:02x}:{:02x}:{:02x}",
            (n >> 16) & 0xff,
            (n >> 8) & 0xff,
            n & 0xff
        ),
        ip,
        tag: port_tag,
    };
    let out = render(c, &port);
    st.ports.push(port);
    record(c, &mut st.servers[i], "attach_interface");
    Ok(Resp::json(200, json!({ "interfaceAttachment": out })))
}

fn detach(c: &Call, id: &str, port: &str) -> Result<Resp, Resp> {
    let mut st = c.lock();
    let i = server_with_ports(&mut st, id)?;
    attachable(c, &st.servers[i], "detach_interface")?;
    let Some(p) = st
        .ports
        .iter()
        .position(|p| p.id == port && p.server_id == id)
    else {
        return Err(not_found(&format!("Port id {port} could not be found.")));
    };
    let gone = st.ports.remove(p);
    let s = &mut st.servers[i];
    if s.address.as_deref() == Some(gone.ip.as_str()) {
        s.address = None;
    }
    record(c, s, "detach_interface");
    Ok(Resp::empty(202))
}
