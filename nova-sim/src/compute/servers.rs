//! Servers: `/servers` boot (one or several), show, update and delete, and the routing of
//! everything under `/servers/{id}`.

use super::schema::{
    check_keys, invalid, keys_at, name, not_type, object, opt_str, repr, string_map, uuid_like,
};
use super::{actions, bad, not_found_server, server_list, server_parts, Call};
use crate::http::Resp;
use crate::state::{address, hostname, new_id, time, Server, ServerAction, Shape, State, VmState};
use serde_json::{json, Map, Value};
use std::time::Instant;

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    let reply = match (m, parts) {
        ("GET", []) => server_list::list(c, false),
        ("GET", ["detail"]) => server_list::list(c, true),
        ("POST", []) => create(c),
        ("GET", [id]) => {
            let st = c.lock();
            match st.server(id) {
                Some(s) => Ok(Resp::json(
                    200,
                    json!({"server": c.view().server(s, &st, Shape::Show)}),
                )),
                None => Err(not_found_server(id)),
            }
        }
        ("PUT", [id]) => update(c, id),
        ("DELETE", [id]) => {
            let mut st = c.lock();
            match st.servers.iter().position(|s| s.id == *id) {
                Some(i) => {
                    let mut s = st.servers.remove(i);
                    record(c, &mut s, "delete");
                    st.passwords.remove(*id);
                    st.addresses.remove(*id);
                    st.ports.retain(|p| p.server_id != *id);
                    s.deleted_at = Some(time::now());
                    st.deleted.push(s);
                    Ok(Resp::empty(204))
                }
                None => Err(not_found_server(id)),
            }
        }
        ("POST", [id, "action"]) => actions::action(c, id),
        ("POST", [id, "backup_instance"]) => actions::backup_instance(c, id),
        (_, [id, rest @ ..]) => return server_parts::route(c, m, id, rest),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

/// Record an instance action (`os-instance-actions`) on a server.
pub fn record(c: &Call, s: &mut Server, action: &str) {
    s.actions.push(ServerAction {
        action: action.to_string(),
        request_id: c.req.request_id.clone(),
        user_id: c.user().to_string(),
        project_id: c.project().to_string(),
        start: time::now(),
        host: s.host.clone(),
    });
}

/// base64 as nova's `format: base64` takes it.
pub fn is_base64(s: &str) -> bool {
    let body: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let data = body.iter().take_while(|b| **b != b'=').count();
    body.len().is_multiple_of(4)
        && body[data..].iter().all(|b| *b == b'=')
        && body.len() - data <= 2
        && body[..data]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// `user_data`: base64 of at most 65535 characters.
pub fn user_data(v: &Value) -> Result<Option<String>, Resp> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.len() > 65535 => Err(invalid(
            Some("user_data"),
            v,
            &format!("{} is too long", repr(v)),
        )),
        Value::String(s) if is_base64(s) => Ok(Some(s.clone())),
        Value::String(_) => Err(invalid(
            Some("user_data"),
            v,
            &format!("{} is not a 'base64'", repr(v)),
        )),
        other => Err(not_type("user_data", other, "string")),
    }
}

/// Server tags: strings of 1-60 characters without `/` or `,`, at most 50.
pub fn tags(field: &str, v: &Value) -> Result<Vec<String>, Resp> {
    let Value::Array(list) = v else {
        return Err(not_type(field, v, "array"));
    };
    if list.len() > 50 {
        return Err(invalid(Some(field), v, &format!("{} is too long", repr(v))));
    }
    let mut out: Vec<String> = Vec::new();
    for t in list {
        out.push(tag(t)?);
    }
    out.dedup();
    Ok(out)
}

pub fn tag(t: &Value) -> Result<String, Resp> {
    match t {
        Value::String(s) if !s.is_empty() && s.chars().count() <= 60 && !s.contains(['/', ',']) => {
            Ok(s.clone())
        }
        Value::String(s) if s.is_empty() => Err(invalid(Some("tags"), t, "'' is too short")),
        Value::String(_) => Err(invalid(
            Some("tags"),
            t,
            &format!("{} does not match '^[^,/]*$'", repr(t)),
        )),
        other => Err(not_type("tags", other, "string")),
    }
}

/// `networks` of a boot as nova's schema, then `_get_requested_networks`, take it: true when
/// the server gets an address (`none` from 2.37 gives none).
fn networks(c: &Call, v: &Value) -> Result<bool, Resp> {
    let enum_form = c.at((2, 37));
    if let Value::String(x) = v {
        if enum_form && (x == "auto" || x == "none") {
            return Ok(x == "auto");
        }
    }
    // From 2.37 the schema is a `oneOf`, whose failure names the whole value.
    let fold = |e: Resp| {
        if enum_form {
            let whole = format!("{} is not valid under any of the given schemas", repr(v));
            invalid(Some("networks"), v, &whole)
        } else {
            e
        }
    };
    let schema =
        |field: &str, value: &Value, message: String| fold(invalid(Some(field), value, &message));
    let Value::Array(list) = v else {
        return Err(schema(
            "networks",
            v,
            format!("{} is not of type 'array'", repr(v)),
        ));
    };
    let mut allowed = vec!["fixed_ip", "port", "uuid"];
    if c.mv == (2, 32) || c.at((2, 42)) {
        allowed.push("tag");
    }
    for (i, n) in list.iter().enumerate() {
        let Value::Object(o) = n else {
            let message = format!("{} is not of type 'object'", repr(n));
            return Err(schema(&i.to_string(), n, message));
        };
        if let Some(ip) = o.get("fixed_ip") {
            let Value::String(text) = ip else {
                return Err(schema(
                    "fixed_ip",
                    ip,
                    format!("{} is not of type 'string'", repr(ip)),
                ));
            };
            if text.parse::<std::net::IpAddr>().is_err() {
                let message = format!("{} is not valid under any of the given schemas", repr(ip));
                return Err(schema("fixed_ip", ip, message));
            }
        }
        match o.get("port") {
            None | Some(Value::Null) => {}
            Some(Value::String(p)) if uuid_like(p) => {}
            Some(p @ Value::String(_)) => {
                return Err(schema("port", p, format!("{} is not a 'uuid'", repr(p))));
            }
            Some(p) => {
                let message = format!("{} is not of type 'string', 'null'", repr(p));
                return Err(schema("port", p, message));
            }
        }
        match o.get("uuid") {
            None => {}
            Some(Value::String(u)) if !enum_form || uuid_like(u) => {}
            Some(u @ Value::String(_)) => {
                return Err(schema("uuid", u, format!("{} is not a 'uuid'", repr(u))));
            }
            Some(u) => {
                return Err(schema(
                    "uuid",
                    u,
                    format!("{} is not of type 'string'", repr(u)),
                ));
            }
        }
        if let Some(t) = o.get("tag").filter(|_| allowed.contains(&"tag")) {
            tag(t).map_err(fold)?;
        }
        check_keys(Some(&i.to_string()), o, &allowed, &[]).map_err(fold)?;
    }
    // What the schema lets through, nova's code checks.
    let mut ports: Vec<&str> = Vec::new();
    for o in list.iter().filter_map(Value::as_object) {
        match o.get("port").and_then(Value::as_str) {
            Some(p) => {
                if ports.contains(&p) {
                    return Err(bad(&format!(
                        "Port ID '{p}' was specified twice: you cannot attach a port multiple times."
                    )));
                }
                if let Some(ip) = o.get("fixed_ip").and_then(Value::as_str) {
                    return Err(bad(&format!(
                        "Specified Fixed IP '{ip}' cannot be used with port '{p}': the two cannot be specified together."
                    )));
                }
                ports.push(p);
            }
            None => match o.get("uuid").and_then(Value::as_str) {
                None => return Err(bad("Bad network format: missing 'uuid'")),
                Some(u) if !uuid_like(u) => {
                    return Err(bad(&format!(
                        "Bad networks format: network uuid is not in proper format ({u})"
                    )))
                }
                Some(_) => {}
            },
        }
    }
    Ok(true)
}

fn count(s: &Map<String, Value>, key: &str) -> Result<Option<i64>, Resp> {
    let Some(v) = s.get(key) else { return Ok(None) };
    let n = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(x) => x.parse().ok(),
        _ => None,
    };
    match n {
        Some(n) if n >= 1 => Ok(Some(n)),
        Some(_) => Err(invalid(
            Some(key),
            v,
            &format!("{} is less than the minimum of 1", repr(v)),
        )),
        None => Err(not_type(key, v, "integer', 'string")),
    }
}

/// The compute host a new server goes to: the named one, else the enabled, up compute with
/// the fewest servers.
fn place(st: &State, want: Option<&str>) -> Result<(String, String), Resp> {
    match want {
        Some(h) => st
            .hypervisors
            .iter()
            .find(|x| x.host == h || x.hostname == h)
            .map(|x| (x.host.clone(), x.hostname.clone()))
            .ok_or_else(|| bad(&format!("Compute host {h} could not be found."))),
        None => Placer::new(st)
            .next()
            .ok_or_else(|| bad("No valid host was found. ")),
    }
}

/// Where the servers of one boot go, each to the enabled, up compute with the fewest servers
/// (counting those placed before it): the servers are counted once, so a boot of n costs n
/// plus the servers there are, not n times them.
struct Placer {
    /// (host, hypervisor hostname, servers on it), the computes that take servers.
    hosts: Vec<(String, String, usize)>,
}

impl Placer {
    fn new(st: &State) -> Placer {
        let mut hosts: Vec<(String, String, usize)> = st
            .hypervisors
            .iter()
            .filter(|x| {
                st.services
                    .iter()
                    .any(|s| s.host == x.host && !s.disabled && s.up())
            })
            .map(|x| (x.host.clone(), x.hostname.clone(), 0))
            .collect();
        if hosts.is_empty() {
            // None is up and enabled: the first compute, as before.
            hosts.extend(
                st.hypervisors
                    .first()
                    .map(|x| (x.host.clone(), x.hostname.clone(), 0)),
            );
        }
        for s in &st.servers {
            if let Some(h) = hosts.iter_mut().find(|h| h.0 == s.host) {
                h.2 += 1;
            }
        }
        Placer { hosts }
    }

    fn next(&mut self) -> Option<(String, String)> {
        let h = self.hosts.iter_mut().min_by_key(|h| h.2)?;
        h.2 += 1;
        Some((h.0.clone(), h.1.clone()))
    }
}

/// How many servers a boot of `min`..=`max` of a flavor of (vcpus, ram) may have under the
/// project's quotas (counting boots still adding their servers), as nova's
/// `check_num_instances_quota`: `max` if they fit, else as many as fit if that is at least
/// `min`, else nova's 403 naming every resource `max` would pass, what was asked, what is used
/// and the limits.
fn check_quota(c: &Call, st: &State, flavor: (i64, i64), min: i64, max: i64) -> Result<i64, Resp> {
    let limits = st.limits(c.project(), None);
    let (n, cores, ram) = st.usage(c.project(), None);
    let (bn, bcores, bram) = st.booting.get(c.project()).copied().unwrap_or_default();
    // (resource, in use, each server's), in nova's (sorted) order; i128: a count as large
    // as a client may send times a flavor's RAM does not overflow.
    let resources = [
        ("cores", i128::from(cores + bcores), i128::from(flavor.0)),
        ("instances", i128::from(n + bn), 1),
        ("ram", i128::from(ram + bram), i128::from(flavor.1)),
    ];
    let limit = |r: &str| i128::from(limits.get(r).copied().unwrap_or(-1));
    let over: Vec<&(&str, i128, i128)> = resources
        .iter()
        .filter(|(r, used, each)| limit(r) >= 0 && used + each * i128::from(max) > limit(r))
        .collect();
    if over.is_empty() {
        return Ok(max);
    }
    let fits = resources
        .iter()
        .filter(|(r, _, each)| limit(r) >= 0 && *each > 0)
        .map(|(r, used, each)| ((limit(r) - used) / each).max(0))
        .min()
        .unwrap_or(i128::from(max));
    if fits >= i128::from(min) {
        return Ok(i64::try_from(fits).unwrap_or(max).min(max));
    }
    let join = |f: &dyn Fn(&(&str, i128, i128)) -> String| {
        over.iter().map(|r| f(r)).collect::<Vec<_>>().join(", ")
    };
    let names = join(&|r| r.0.to_string());
    let requested = join(&|(r, _, each)| match *r {
        "instances" if min != max => format!("{min}-{max}"),
        _ => (each * i128::from(max)).to_string(),
    });
    let used = join(&|r| r.1.to_string());
    let limits = join(&|r| limit(r.0).to_string());
    Err(Resp::nova_error(
        403,
        &format!(
            "Quota exceeded for {names}: Requested {requested}, but already used {used} of {limits} {names}"
        ),
    ))
}

/// Servers a large boot adds to the state at a time, taking the lock once for each chunk:
/// another request waits for a chunk, never for the whole boot.
const BOOT_CHUNK: usize = 500;

fn create(c: &Call) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(
        None,
        &body,
        &["server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"],
        &["server"],
    )?;
    let s = object(&body, "server")?;
    let allowed = keys_at(
        c.mv,
        &[
            "name",
            "imageRef",
            "flavorRef",
            "adminPass",
            "metadata",
            "networks",
            "OS-DCF:diskConfig",
            "accessIPv4",
            "accessIPv6",
            "availability_zone",
            "block_device_mapping",
            "block_device_mapping_v2",
            "config_drive",
            "key_name",
            "min_count",
            "max_count",
            "return_reservation_id",
            "security_groups",
            "user_data",
        ],
        &[
            ("personality", (2, 1), (2, 56)),
            ("description", (2, 19), (9, 0)),
            ("tags", (2, 52), (9, 0)),
            ("trusted_image_certificates", (2, 63), (9, 0)),
            ("host", (2, 74), (9, 0)),
            ("hypervisor_hostname", (2, 74), (9, 0)),
            ("hostname", (2, 90), (9, 0)),
        ],
    );
    let mut required = vec!["name", "flavorRef"];
    if c.at((2, 37)) {
        required.push("networks");
    }
    check_keys(Some("server"), s, &allowed, &required)?;
    let display = name("name", &s["name"])?;
    let flavor_ref = match &s["flavorRef"] {
        Value::String(x) if !x.is_empty() => x.clone(),
        Value::Number(n) => n.to_string(),
        other => return Err(not_type("flavorRef", other, "string', 'integer")),
    };
    let address_wanted = match s.get("networks") {
        None => true,
        Some(v) => networks(c, v)?,
    };
    let description = opt_str(s, "description", true)?;
    let metadata = match s.get("metadata") {
        None => Map::new(),
        Some(v) => string_map("metadata", v)?,
    };
    let user_data = match s.get("user_data") {
        None => None,
        Some(v) => user_data(v)?,
    };
    let tags = match s.get("tags") {
        None => Vec::new(),
        Some(v) => tags("tags", v)?,
    };
    let security_groups = match s.get("security_groups") {
        None => vec!["default".to_string()],
        Some(Value::Array(list)) => {
            let mut names = Vec::new();
            for g in list {
                match g.get("name") {
                    Some(Value::String(n)) if !n.is_empty() => names.push(n.clone()),
                    _ => {
                        return Err(invalid(
                            Some("security_groups"),
                            g,
                            "'name' is a required property",
                        ))
                    }
                }
            }
            names.dedup();
            names
        }
        Some(other) => return Err(not_type("security_groups", other, "array")),
    };
    let hints = match body
        .get("os:scheduler_hints")
        .or_else(|| body.get("OS-SCH-HNT:scheduler_hints"))
    {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(other) => return Err(not_type("os:scheduler_hints", other, "object")),
    };
    // The `group` hint: a server group's ID (a string, or a list whose first is used).
    let group = match hints.get("group") {
        None => None,
        Some(Value::String(g)) if uuid_like(g) => Some(g.clone()),
        Some(Value::Array(list)) if list.iter().all(|g| g.as_str().is_some_and(uuid_like)) => {
            list.first().and_then(Value::as_str).map(str::to_string)
        }
        Some(other) => {
            return Err(invalid(
                Some("group"),
                other,
                &format!(
                    "{} is not valid under any of the given schemas",
                    repr(other)
                ),
            ))
        }
    };
    let min = count(s, "min_count")?.unwrap_or(1);
    let max = count(s, "max_count")?.unwrap_or(min);
    if min > max {
        return Err(bad("min_count must be <= max_count"));
    }
    let return_reservation = match s.get("return_reservation_id") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(x)) if ["true", "false"].contains(&x.to_lowercase().as_str()) => {
            x.eq_ignore_ascii_case("true")
        }
        Some(other) => return Err(not_type("return_reservation_id", other, "boolean")),
    };
    let boot_from_volume = match s.get("block_device_mapping_v2") {
        None => false,
        Some(Value::Array(list)) => {
            if list.iter().any(|b| !b.is_object()) {
                return Err(not_type(
                    "block_device_mapping_v2",
                    &Value::Array(list.clone()),
                    "object",
                ));
            }
            list.iter().any(|b| {
                b.get("destination_type").and_then(Value::as_str) == Some("volume")
                    && b.get("boot_index").is_some_and(|i| i == 0 || i == "0")
            })
        }
        Some(other) => return Err(not_type("block_device_mapping_v2", other, "array")),
    };
    let want_host = opt_str(s, "host", false)?;
    let az = opt_str(s, "availability_zone", false)?;
    // `zone` or `zone:host`; the zone is checked once the state is read.
    let (az, mut az_host) = match az.as_deref().map(|a| a.split_once(':').unwrap_or((a, ""))) {
        None => (None, None),
        Some((zone, "")) => (Some(zone.to_string()), None),
        Some((zone, h)) => (Some(zone.to_string()), Some(h.to_string())),
    };
    let image_ref = s
        .get("imageRef")
        .and_then(Value::as_str)
        .filter(|i| !i.is_empty());
    let admin_pass = opt_str(s, "adminPass", false)?
        .unwrap_or_else(|| new_id().replace('-', "")[..12].to_string());
    let base_hostname = opt_str(s, "hostname", false)?.unwrap_or_else(|| hostname(&display));
    let mut st = c.lock();
    let Some(flavor) = st.flavor(&flavor_ref) else {
        return Err(bad(&format!("Flavor {flavor_ref} could not be found.")));
    };
    let flavor_size = (flavor.vcpus, flavor.ram);
    let image_id = match image_ref {
        Some(i) => match st.image(i) {
            Some(img) if c.view().glance_image(img)["status"] == "active" => Some(i.to_string()),
            Some(_) => return Err(bad(&format!("Image {i} is not active."))),
            None => return Err(bad("Can not find requested image")),
        },
        None if boot_from_volume || s.contains_key("block_device_mapping_v2") => None,
        None => return Err(bad("Missing imageRef attribute")),
    };
    let image_id = if boot_from_volume { None } else { image_id };
    let key_name = match opt_str(s, "key_name", true)? {
        Some(k) if st.keypairs.iter().any(|kp| kp.name == k) => Some(k),
        Some(k) => {
            return Err(bad(&format!(
                "Invalid key_name provided. Key pair {k} not found."
            )))
        }
        None => None,
    };
    // A zone asked for is one of the compute hosts' zones (nova's default, or an aggregate's);
    // a zone other than the default places the server on its first host.
    let az = match az {
        None => "nova".to_string(),
        Some(zone) => {
            let hosts: Vec<&str> = st
                .services
                .iter()
                .filter(|x| x.binary == "nova-compute" && st.zone_of(x) == zone)
                .map(|x| x.host.as_str())
                .collect();
            if hosts.is_empty() {
                return Err(bad("The requested availability zone is not available"));
            }
            if az_host.is_none() && zone != "nova" {
                az_host = hosts.first().map(|h| h.to_string());
            }
            zone
        }
    };
    let (mut host, mut node) = place(&st, want_host.as_deref().or(az_host.as_deref()))?;
    if let Some(n) = opt_str(s, "hypervisor_hostname", false)? {
        if !st.hypervisors.iter().any(|h| h.hostname == n) {
            return Err(bad(&format!("Compute host {n} could not be found.")));
        }
    }
    let n = check_quota(c, &st, flavor_size, min, max)?;
    if let Some(g) = &group {
        if !st.server_groups.iter().any(|x| &x.id == g) {
            return Err(bad(&format!("Instance group {g} could not be found.")));
        }
        let members = st
            .servers
            .iter()
            .filter(|s| s.group() == Some(g.as_str()))
            .count() as i64;
        let limit = st
            .limits(c.project(), Some(c.user()))
            .get("server_group_members")
            .copied()
            .unwrap_or(10);
        if limit >= 0 && members + n > limit {
            return Err(Resp::nova_error(
                403,
                "Quota exceeded, too many servers in group",
            ));
        }
    }
    // The group's policy, as nova's scheduler filters apply it (unless a host is forced):
    // affinity puts every server on the members' host (or the first server's); anti-affinity
    // gives each its own host without members, a server left without one ends in ERROR (no
    // valid host); the soft policies prefer the same and fall back to the usual placement.
    let policy = group
        .as_ref()
        .and_then(|g| st.server_groups.iter().find(|x| &x.id == g))
        .map(|x| x.policy.clone())
        .filter(|_| want_host.is_none() && az_host.is_none());
    let member_hosts: Vec<String> = match &group {
        Some(g) => st
            .servers
            .iter()
            .filter(|s| s.group() == Some(g.as_str()))
            .map(|s| s.host.clone())
            .collect(),
        None => Vec::new(),
    };
    let mut affine = false;
    let mut apart: Option<(Vec<(String, String)>, bool)> = None;
    match policy.as_deref() {
        Some("affinity" | "soft-affinity") => {
            affine = true;
            if let Some(h) = member_hosts.first() {
                host = h.clone();
                node = st
                    .hypervisors
                    .iter()
                    .find(|x| &x.host == h)
                    .map(|x| x.hostname.clone())
                    .unwrap_or_default();
            }
        }
        Some(p @ ("anti-affinity" | "soft-anti-affinity")) => {
            let mut free: Vec<(String, String, usize)> = Placer::new(&st)
                .hosts
                .into_iter()
                .filter(|h| !member_hosts.contains(&h.0))
                .collect();
            free.sort_by_key(|h| h.2);
            apart = Some((
                free.into_iter().map(|h| (h.0, h.1)).collect(),
                p == "anti-affinity",
            ));
        }
        _ => {}
    }
    // What the boot takes is reserved at once (quota, launch indexes, addresses, hosts);
    // its servers are made outside the lock and added a chunk at a time.
    let count = usize::try_from(n).unwrap_or(0);
    {
        let booking = st.booting.entry(c.project().to_string()).or_default();
        booking.0 += n;
        booking.1 += n * flavor_size.0;
        booking.2 += n * flavor_size.1;
    }
    let first_index = st.next_launch_index;
    st.next_launch_index += n;
    let first_address = st.next_address;
    if address_wanted {
        st.next_address += u32::try_from(n).unwrap_or(u32::MAX);
    }
    let forced = want_host.is_some() || az_host.is_some() || affine;
    let mut placer = (!forced).then(|| Placer::new(&st));
    // The first server's host was chosen above; others are placed counting it.
    if let Some(p) = placer.as_mut() {
        if let Some(h) = p.hosts.iter_mut().find(|h| h.0 == host) {
            h.2 += 1;
        }
    }
    drop(st);
    let reservation_id = format!("r-{}", &new_id()[..8]);
    let now = time::now();
    let mut first = None;
    let mut made = 0;
    while made < count {
        let chunk_end = (made + BOOT_CHUNK).min(count);
        let mut chunk = Vec::with_capacity(chunk_end - made);
        for i in made..chunk_end {
            let (name, host_name) = if n > 1 {
                (
                    format!("{display}-{}", i + 1),
                    format!("{base_hostname}-{}", i + 1),
                )
            } else {
                (display.clone(), base_hostname.clone())
            };
            let address = address_wanted.then(|| address(first_address.wrapping_add(i as u32)));
            let mut unplaced = false;
            let (host, node) = match &apart {
                Some((free, _)) if i < free.len() => free[i].clone(),
                Some((_, strict)) if *strict => {
                    unplaced = true;
                    (host.clone(), node.clone())
                }
                _ => match placer.as_mut().filter(|_| i > 0).and_then(Placer::next) {
                    Some(placed) => placed,
                    None => (host.clone(), node.clone()),
                },
            };
            let mut server = Server {
                id: new_id(),
                name,
                project_id: c.project().to_string(),
                user_id: c.user().to_string(),
                flavor_id: flavor_ref.clone(),
                old_flavor: None,
                image_id: image_id.clone(),
                key_name: key_name.clone(),
                metadata: metadata.clone(),
                description: description.clone(),
                hostname: host_name,
                availability_zone: az.clone(),
                host,
                node,
                old_host: None,
                address,
                security_groups: security_groups.clone(),
                tags: tags.clone(),
                user_data: user_data.clone(),
                scheduler_hints: hints.clone(),
                locked: false,
                locked_reason: None,
                created: now,
                updated: now,
                deleted_at: None,
                started: Instant::now(),
                vm_state: if unplaced {
                    VmState::Error
                } else {
                    VmState::Active
                },
                task: None,
                launch_index: i as i64,
                instance_index: first_index + i as i64,
                reservation_id: reservation_id.clone(),
                actions: Vec::new(),
            };
            record(c, &mut server, "create");
            first.get_or_insert_with(|| server.id.clone());
            chunk.push(server);
        }
        let added = (chunk_end - made) as i64;
        let mut st = c.lock();
        st.servers.append(&mut chunk);
        if let Some(booking) = st.booting.get_mut(c.project()) {
            booking.0 -= added;
            booking.1 -= added * flavor_size.0;
            booking.2 -= added * flavor_size.1;
        }
        drop(st);
        made = chunk_end;
    }
    if return_reservation {
        return Ok(Resp::json(202, json!({"reservation_id": reservation_id})));
    }
    let id = first.unwrap_or_default();
    let view = c.view();
    let groups: Vec<Value> = security_groups.iter().map(|g| json!({"name": g})).collect();
    let out = json!({"server": {
        "id": id, "links": view.links("servers", &id), "OS-DCF:diskConfig": "MANUAL",
        "security_groups": groups, "adminPass": admin_pass,
    }});
    Ok(Resp::json(202, out).with_header(
        "Location",
        &format!("{}/compute/v2.1/servers/{id}", c.sim.base),
    ))
}

fn update(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    check_keys(None, &body, &["server"], &["server"])?;
    let s = object(&body, "server")?;
    let mut allowed = vec!["name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig"];
    if c.at((2, 19)) {
        allowed.push("description");
    }
    if c.at((2, 90)) {
        allowed.push("hostname");
    }
    check_keys(Some("server"), s, &allowed, &[])?;
    let new_name = s.get("name").map(|v| name("name", v)).transpose()?;
    let description = s
        .contains_key("description")
        .then(|| opt_str(s, "description", true))
        .transpose()?;
    let new_hostname = opt_str(s, "hostname", false)?;
    let mut st = c.lock();
    let Some(server) = st.server_mut(id) else {
        return Err(not_found_server(id));
    };
    if let Some(n) = new_name {
        server.name = n;
    }
    if let Some(d) = description {
        server.description = d;
    }
    if let Some(h) = new_hostname {
        server.hostname = h;
    }
    server.updated = time::now();
    let server = server.clone();
    Ok(Resp::json(
        200,
        json!({"server": c.view().server(&server, &st, Shape::Reduced)}),
    ))
}
