//! Server actions, `POST /servers/{id}/action`: lifecycle (reboot, os-stop/os-start,
//! pause/unpause, rebuild, evacuate, migrate, resize with confirm/revert), lock/unlock, the
//! consoles of 2.1-2.5, and snapshots (createImage, createBackup, backup_instance).

use super::schema::{check_keys, invalid, keys_at, object, opt_str, repr, string_map};
use super::servers::{record, user_data};
use super::{bad, conflict, no_such_version, not_found, not_found_server, Call};
use crate::http::Resp;
use crate::state::{new_id, now_iso, time, Image, Server, Shape, State, Task, VmState};
use serde_json::{json, Map, Value};
use std::time::Instant;

use VmState::{Active, Error, Paused, Resized, Stopped};

/// nova's 409 unless the server is settled in one of `allowed`.
fn gate(c: &Call, s: &Server, action: &str, allowed: &[VmState]) -> Result<VmState, Resp> {
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
    if !allowed.contains(&v) {
        return Err(refuse(format!("vm_state {}", v.name())));
    }
    Ok(v)
}

fn task(status: &'static str, task_state: &'static str, then: VmState) -> Option<Task> {
    Some(Task {
        status,
        task_state,
        began: Instant::now(),
        then,
    })
}

/// The arguments of an action that takes none: null or an empty object (extra keys ignored).
fn no_args(action: &str, args: &Value) -> Result<(), Resp> {
    match args {
        Value::Null | Value::Object(_) => Ok(()),
        other => Err(invalid(
            Some(action),
            other,
            &format!("{} is not of type 'object', 'null'", repr(other)),
        )),
    }
}

fn args_object<'a>(action: &str, args: &'a Value) -> Result<&'a Map<String, Value>, Resp> {
    match args {
        Value::Object(m) => Ok(m),
        other => Err(invalid(
            Some(action),
            other,
            &format!("{} is not of type 'object'", repr(other)),
        )),
    }
}

pub fn action(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    let Some((action, args)) = body.iter().next() else {
        return Err(bad("Malformed request body"));
    };
    let (action, args) = (action.as_str(), args.clone());
    let console = matches!(
        action,
        "os-getVNCConsole" | "os-getSPICEConsole" | "os-getSerialConsole" | "os-getRDPConsole"
    );
    if console && c.at((2, 6)) {
        return Err(no_such_version());
    }
    let mut guard = c.lock();
    let st: &mut State = &mut guard;
    let Some(idx) = st.servers.iter().position(|s| s.id == id) else {
        return Err(not_found_server(id));
    };
    let bt = c.build_time();
    let now = time::now();
    let reply = match action {
        "reboot" => {
            let a = args_object(action, &args)?;
            check_keys(Some(action), a, &["type"], &["type"])?;
            let kind = a["type"].as_str().unwrap_or_default().to_ascii_uppercase();
            if kind != "SOFT" && kind != "HARD" {
                return Err(invalid(
                    Some("type"),
                    &a["type"],
                    &format!(
                        "{} is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']",
                        repr(&a["type"])
                    ),
                ));
            }
            let allowed: &[VmState] = if kind == "SOFT" {
                &[Active]
            } else {
                &[Active, Stopped, Paused, Error]
            };
            gate(c, &st.servers[idx], "reboot", allowed)?;
            let t = if kind == "SOFT" {
                task("REBOOT", "rebooting", Active)
            } else {
                task("HARD_REBOOT", "rebooting_hard", Active)
            };
            st.servers[idx].begin(bt, t, now);
            Resp::empty(202)
        }
        "os-stop" | "os-start" | "pause" | "unpause" => {
            no_args(action, &args)?;
            let (name, from, t) = match action {
                "os-stop" => ("stop", &[Active, Error][..], task("ACTIVE", "powering-off", Stopped)),
                "os-start" => ("start", &[Stopped][..], task("SHUTOFF", "powering-on", Active)),
                "pause" => ("pause", &[Active][..], task("ACTIVE", "pausing", Paused)),
                _ => ("unpause", &[Paused][..], task("PAUSED", "unpausing", Active)),
            };
            gate(c, &st.servers[idx], name, from)?;
            st.servers[idx].begin(bt, t, now);
            Resp::empty(202)
        }
        "lock" => {
            no_args(action, &args)?;
            let reason = match &args {
                Value::Object(a) if c.at((2, 73)) => {
                    check_keys(Some(action), a, &["locked_reason"], &[])?;
                    opt_str(a, "locked_reason", false)?
                }
                Value::Object(a) if !a.is_empty() => {
                    return Err(invalid(
                        Some(action),
                        &args,
                        &format!(
                            "Additional properties are not allowed ({} was unexpected)",
                            a.keys().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ")
                        ),
                    ))
                }
                _ => None,
            };
            let s = &mut st.servers[idx];
            s.locked = true;
            s.locked_reason = reason;
            Resp::empty(202)
        }
        "unlock" => {
            no_args(action, &args)?;
            let s = &mut st.servers[idx];
            s.locked = false;
            s.locked_reason = None;
            Resp::empty(202)
        }
        "rebuild" => return rebuild(c, st, idx, &args),
        "evacuate" => evacuate(c, st, idx, &args)?,
        "migrate" | "resize" => migrate(c, st, idx, action, &args)?,
        "confirmResize" | "revertResize" => {
            no_args(action, &args)?;
            gate(c, &st.servers[idx], action, &[Resized])?;
            let s = &mut st.servers[idx];
            let (old_flavor, old_host) = (s.old_flavor.take(), s.old_host.take());
            if action == "confirmResize" {
                s.begin(bt, None, now);
                s.vm_state = Active;
                Resp::empty(204)
            } else {
                if let Some(f) = old_flavor {
                    s.flavor_id = f;
                }
                if let Some((h, n)) = old_host {
                    (s.host, s.node) = (h, n);
                }
                s.begin(bt, task("REVERT_RESIZE", "resize_reverting", Active), now);
                Resp::empty(202)
            }
        }
        "os-getVNCConsole" | "os-getSPICEConsole" | "os-getSerialConsole" => {
            let a = args_object(action, &args)?;
            check_keys(Some(action), a, &["type"], &["type"])?;
            let (protocol, types): (&str, &[&str]) = match action {
                "os-getVNCConsole" => ("vnc", &["novnc", "xvpvnc"]),
                "os-getSPICEConsole" => ("spice", &["spice-html5"]),
                _ => ("serial", &["serial"]),
            };
            let kind = &a["type"];
            if !kind.as_str().is_some_and(|k| types.contains(&k)) {
                return Err(invalid(
                    Some("type"),
                    kind,
                    &format!(
                        "{} is not one of {}",
                        repr(kind),
                        repr(&json!(types))
                    ),
                ));
            }
            let kind = kind.as_str().unwrap_or_default();
            ready_for_console(c, &st.servers[idx])?;
            // nova records no instance action for a console.
            return Ok(Resp::json(
                200,
                json!({"console": {"type": kind, "url": console_url(protocol, kind)}}),
            ));
        }
        "os-getRDPConsole" => {
            return Err(bad("The server could not comply with the request since it is either malformed or otherwise incorrect."))
        }
        "createImage" | "createBackup" => return snapshot(c, st, idx, action, &args),
        "changePassword" => {
            let a = args_object(action, &args)?;
            check_keys(Some(action), a, &["adminPass"], &["adminPass"])?;
            // nova's admin_password schema is any string (no length rule).
            let pass = &a["adminPass"];
            if !pass.is_string() {
                return Err(super::schema::not_type("adminPass", pass, "string"));
            }
            gate(c, &st.servers[idx], action, &[Active])?;
            st.servers[idx].begin(bt, task("PASSWORD", "updating_password", Active), now);
            Resp::empty(202)
        }
        "os-resetState" => {
            let a = args_object(action, &args)?;
            check_keys(Some(action), a, &["state"], &["state"])?;
            if !matches!(a["state"].as_str(), Some("active" | "error")) {
                return Err(invalid(
                    Some("state"),
                    &a["state"],
                    &format!("{} is not one of ['active', 'error']", repr(&a["state"])),
                ));
            }
            c.admin_only("os_compute_api:os-admin-actions:reset_state")?;
            let to = match a["state"].as_str() {
                Some("active") => Active,
                Some("error") => Error,
                _ => {
                    return Err(invalid(
                        Some("state"),
                        &a["state"],
                        &format!("{} is not one of ['active', 'error']", repr(&a["state"])),
                    ))
                }
            };
            // Whatever it was doing: the task is dropped and the vm_state set.
            let s = &mut st.servers[idx];
            if s.building(bt) {
                if let Some(t) = Instant::now().checked_sub(bt) {
                    s.started = t;
                }
            }
            s.task = None;
            s.vm_state = to;
            s.updated = now;
            Resp::empty(202)
        }
        "os-migrateLive" => migrate_live(c, st, idx, &args)?,
        other => return Err(bad(&format!("There is no such action: {other}"))),
    };
    let s = &mut st.servers[idx];
    record(c, s, action_name(action));
    Ok(reply)
}

/// The name nova records in `os-instance-actions` for an API action.
fn action_name(action: &str) -> &str {
    match action {
        "os-stop" => "stop",
        "os-start" => "start",
        "confirmResize" => "confirmResize",
        "revertResize" => "revertResize",
        "os-resetState" => "resetState",
        "os-migrateLive" => "live-migration",
        other => other,
    }
}

/// A console needs a running server.
pub fn ready_for_console(c: &Call, s: &Server) -> Result<(), Resp> {
    if s.building(c.build_time()) {
        return Err(conflict(&format!("Instance {} is not ready.", s.id)));
    }
    Ok(())
}

pub fn console_url(protocol: &str, kind: &str) -> String {
    let token = new_id();
    match protocol {
        "vnc" => format!("http://127.0.0.1:6080/vnc_auto.html?path=%3Ftoken%3D{token}"),
        "spice" => format!("http://127.0.0.1:6082/spice_auto.html?token={token}"),
        "serial" => format!("ws://127.0.0.1:6083/?token={token}"),
        _ => format!("http://127.0.0.1:6090/{kind}?token={token}"),
    }
}

fn rebuild(c: &Call, st: &mut State, idx: usize, args: &Value) -> Result<Resp, Resp> {
    let a = args_object("rebuild", args)?;
    let allowed = keys_at(
        c.mv,
        &[
            "imageRef",
            "name",
            "adminPass",
            "metadata",
            "preserve_ephemeral",
            "OS-DCF:diskConfig",
            "accessIPv4",
            "accessIPv6",
        ],
        &[
            ("personality", (2, 1), (2, 56)),
            ("description", (2, 19), (9, 0)),
            ("key_name", (2, 54), (9, 0)),
            ("user_data", (2, 57), (9, 0)),
            ("trusted_image_certificates", (2, 63), (9, 0)),
            ("hostname", (2, 90), (9, 0)),
        ],
    );
    check_keys(Some("rebuild"), a, &allowed, &["imageRef"])?;
    let image = opt_str(a, "imageRef", false)?.unwrap_or_default();
    let name = a
        .get("name")
        .map(|v| super::schema::name("name", v))
        .transpose()?;
    let metadata = a
        .get("metadata")
        .map(|v| string_map("metadata", v))
        .transpose()?;
    if let Some(p) = a.get("preserve_ephemeral") {
        if !p.is_boolean() {
            return Err(super::schema::not_type("preserve_ephemeral", p, "boolean"));
        }
    }
    let description = a
        .contains_key("description")
        .then(|| opt_str(a, "description", true))
        .transpose()?;
    let key_name = a
        .contains_key("key_name")
        .then(|| opt_str(a, "key_name", true))
        .transpose()?;
    let data = a.get("user_data").map(user_data).transpose()?;
    let hostname = opt_str(a, "hostname", false)?;
    let admin_pass = opt_str(a, "adminPass", false)?
        .unwrap_or_else(|| new_id().replace('-', "")[..12].to_string());
    match st.image(&image) {
        Some(i) if c.view().glance_image(i)["status"] == "active" => {}
        Some(_) => return Err(bad(&format!("Image {image} is not active."))),
        None => return Err(bad("Cannot find requested image")),
    }
    if let Some(Some(k)) = &key_name {
        if !st.keypairs.iter().any(|kp| &kp.name == k) {
            return Err(bad(&format!(
                "Invalid key_name provided. Key pair {k} not found."
            )));
        }
    }
    let v = gate(c, &st.servers[idx], "rebuild", &[Active, Stopped, Error])?;
    let bt = c.build_time();
    let s = &mut st.servers[idx];
    s.image_id = Some(image);
    if let Some(n) = name {
        s.name = n;
    }
    if let Some(m) = metadata {
        s.metadata = m;
    }
    if let Some(d) = description {
        s.description = d;
    }
    if let Some(k) = key_name {
        s.key_name = k;
    }
    if let Some(d) = data {
        s.user_data = d;
    }
    if let Some(h) = hostname {
        s.hostname = h;
    }
    let then = if v == Stopped { Stopped } else { Active };
    s.begin(bt, task("REBUILD", "rebuilding", then), time::now());
    record(c, s, "rebuild");
    let s = s.clone();
    let mut out = c.view().server(&s, st, Shape::Reduced);
    // nova's rebuild view leaves out OS-EXT-SRV-ATTR:user_data (it adds `user_data` itself).
    if let Some(m) = out.as_object_mut() {
        m.remove("OS-EXT-SRV-ATTR:user_data");
    }
    out["adminPass"] = json!(admin_pass);
    if c.at((2, 57)) {
        out["user_data"] = json!(s.user_data);
    }
    Ok(Resp::json(202, json!({ "server": out })))
}

/// The compute host a server moves to: the named one (which must exist and differ), else
/// another enabled and up compute.
fn target(st: &State, s: &Server, host: Option<&str>) -> Result<(String, String), Resp> {
    let usable = |h: &str| {
        st.services
            .iter()
            .any(|x| x.host == h && x.binary == "nova-compute" && !x.disabled && x.up())
    };
    let found = match host {
        Some(h) => st.hypervisors.iter().find(|x| x.host == h),
        None => st
            .hypervisors
            .iter()
            .find(|x| x.host != s.host && usable(&x.host)),
    };
    match found {
        Some(x) => Ok((x.host.clone(), x.hostname.clone())),
        None => Err(bad(
            "No valid host was found. No valid host found for cold migrate",
        )),
    }
}

fn evacuate(c: &Call, st: &mut State, idx: usize, args: &Value) -> Result<Resp, Resp> {
    let a = args_object("evacuate", args)?;
    let mut allowed = vec!["host", "adminPass"];
    let mut required = vec![];
    if !c.at((2, 14)) {
        allowed.push("onSharedStorage");
        required.push("onSharedStorage");
    }
    if c.at((2, 29)) && !c.at((2, 68)) {
        allowed.push("force");
    }
    check_keys(Some("evacuate"), a, &allowed, &required)?;
    let host = opt_str(a, "host", false)?;
    let shared = match a.get("onSharedStorage") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(x)) => {
            ["true", "1", "yes", "on", "t", "y"].contains(&x.to_lowercase().as_str())
        }
        Some(other) => {
            return Err(super::schema::not_type(
                "onSharedStorage",
                other,
                "boolean', 'string",
            ))
        }
    };
    let force = match a.get("force") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(super::schema::not_type("force", other, "boolean")),
    };
    if force && host.is_none() {
        return Err(bad("Can't force to a non-provided destination"));
    }
    let pass = match opt_str(a, "adminPass", false)? {
        Some(_) if shared && !c.at((2, 14)) => {
            return Err(bad("admin password can't be changed on existing disk"))
        }
        Some(p) => Some(p),
        None if shared && !c.at((2, 14)) => None,
        None => Some(new_id().replace('-', "")[..12].to_string()),
    };
    if let Some(h) = &host {
        if !st
            .services
            .iter()
            .any(|x| &x.host == h && x.binary == "nova-compute")
        {
            return Err(not_found(&format!("Compute host {h} not found.")));
        }
        if *h == st.servers[idx].host {
            return Err(bad("The target host can't be the same one."));
        }
    }
    let v = gate(c, &st.servers[idx], "evacuate", &[Active, Stopped, Error])?;
    let source = st.servers[idx].host.clone();
    if st
        .services
        .iter()
        .any(|x| x.host == source && x.binary == "nova-compute" && x.up())
    {
        return Err(bad(&format!(
            "Compute service of {source} is still in use."
        )));
    }
    let (h, n) = target(st, &st.servers[idx], host.as_deref())?;
    let then = if c.at((2, 95)) || v == Stopped {
        Stopped
    } else {
        Active
    };
    let s = &mut st.servers[idx];
    (s.host, s.node) = (h, n);
    s.begin(
        c.build_time(),
        task("REBUILD", "rebuild_spawning", then),
        time::now(),
    );
    Ok(if c.at((2, 14)) {
        Resp::empty(200)
    } else {
        Resp::json(200, json!({ "adminPass": pass }))
    })
}

/// nova's `boolean` parameter type (with `auto` for a 2.25+ `block_migration`): its value.
fn boolean(field: &str, v: &Value, auto: bool) -> Result<Option<bool>, Resp> {
    const TRUE: [&str; 10] = [
        "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
    ];
    const FALSE: [&str; 10] = [
        "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no",
    ];
    match v {
        Value::Bool(b) => return Ok(Some(*b)),
        Value::String(s) if TRUE.contains(&s.as_str()) => return Ok(Some(true)),
        Value::String(s) if FALSE.contains(&s.as_str()) => return Ok(Some(false)),
        Value::String(s) if auto && s == "auto" => return Ok(None),
        Value::String(_) => {}
        other => return Err(super::schema::not_type(field, other, "boolean', 'string")),
    }
    let mut allowed = vec![json!(true)];
    allowed.extend(TRUE.iter().map(|t| json!(t)));
    allowed.push(json!(false));
    allowed.extend(FALSE.iter().map(|t| json!(t)));
    if auto {
        allowed.push(json!("auto"));
    }
    Err(invalid(
        Some(field),
        v,
        &format!("{} is not one of {}", repr(v), repr(&Value::Array(allowed))),
    ))
}

/// `os-migrateLive` (admin): `block_migration` and `disk_over_commit` before 2.25,
/// `block_migration` (or `auto`) from it, `force` from 2.30 to 2.67; a named host must be a
/// compute host. From 2.34 the checks that follow are the conductor's (asynchronous): a
/// migration to the server's own host is accepted and does nothing.
fn migrate_live(c: &Call, st: &mut State, idx: usize, args: &Value) -> Result<Resp, Resp> {
    let action = "os-migrateLive";
    let a = args_object(action, args)?;
    let mut allowed = vec!["block_migration", "host"];
    let mut required = vec!["block_migration", "host"];
    if !c.at((2, 25)) {
        allowed.push("disk_over_commit");
        required.insert(1, "disk_over_commit");
    }
    if c.at((2, 30)) && !c.at((2, 68)) {
        allowed.push("force");
    }
    check_keys(Some(action), a, &allowed, &required)?;
    boolean("block_migration", &a["block_migration"], c.at((2, 25)))?;
    if let Some(d) = a.get("disk_over_commit") {
        boolean("disk_over_commit", d, false)?;
    }
    let host = match &a["host"] {
        Value::Null => None,
        Value::String(h)
            if !h.is_empty()
                && h.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || "-._".contains(ch)) =>
        {
            Some(h.clone())
        }
        Value::String(h) if h.is_empty() => {
            return Err(invalid(Some("host"), &a["host"], "'' should be non-empty"))
        }
        v @ Value::String(_) => {
            return Err(invalid(
                Some("host"),
                v,
                &format!("{} does not match '^[a-zA-Z0-9-._]*$'", repr(v)),
            ))
        }
        other => return Err(super::schema::not_type("host", other, "string', 'null")),
    };
    let force = match a.get("force") {
        Some(f) => boolean("force", f, false)?.unwrap_or(false),
        None => false,
    };
    // The rule is checked before force (nova reads force after it).
    c.admin_only(if host.is_some() {
        "os_compute_api:os-migrate-server:migrate_live:host"
    } else {
        "os_compute_api:os-migrate-server:migrate_live"
    })?;
    if force && host.is_none() {
        return Err(bad("Can't force to a non-provided destination"));
    }
    gate(c, &st.servers[idx], action, &[Active, Paused])?;
    if let Some(h) = &host {
        if !st.hypervisors.iter().any(|x| &x.host == h) {
            return Err(bad(&format!("Compute host {h} could not be found.")));
        }
    }
    let here = st.servers[idx].host.clone();
    if host.as_deref() == Some(here.as_str()) && !c.at((2, 34)) {
        return Err(bad(&format!(
            "Unable to migrate instance ({}) to current host ({here}).",
            st.servers[idx].id
        )));
    }
    let dest = match &host {
        Some(h) if *h == here => None,
        _ => target(st, &st.servers[idx], host.as_deref()).ok(),
    };
    let v = st.servers[idx].settled(c.build_time());
    let s = &mut st.servers[idx];
    if let Some((h, n)) = dest {
        (s.host, s.node) = (h, n);
    }
    s.begin(
        c.build_time(),
        task("MIGRATING", "migrating", v),
        time::now(),
    );
    Ok(Resp::empty(202))
}

fn migrate(c: &Call, st: &mut State, idx: usize, action: &str, args: &Value) -> Result<Resp, Resp> {
    let mut new_flavor = None;
    let host = if action == "resize" {
        let a = args_object(action, args)?;
        check_keys(
            Some(action),
            a,
            &["flavorRef", "OS-DCF:diskConfig"],
            &["flavorRef"],
        )?;
        let f = match &a["flavorRef"] {
            Value::String(x) if !x.is_empty() => x.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(super::schema::not_type(
                    "flavorRef",
                    other,
                    "string', 'integer",
                ))
            }
        };
        if st.flavor(&f).is_none() {
            return Err(bad(&format!("Flavor {f} could not be found.")));
        }
        if f == st.servers[idx].flavor_id {
            return Err(bad("When resizing, instances must change flavor!"));
        }
        new_flavor = Some(f);
        None
    } else if c.at((2, 56)) {
        match args {
            Value::Null => None,
            Value::Object(a) => {
                check_keys(Some(action), a, &["host"], &[])?;
                opt_str(a, "host", true)?
            }
            other => return Err(super::schema::not_type(action, other, "object', 'null")),
        }
    } else {
        no_args(action, args)?;
        None
    };
    if let Some(h) = &host {
        if !st.hypervisors.iter().any(|x| &x.host == h) {
            return Err(bad(&format!("Compute host {h} could not be found.")));
        }
        if *h == st.servers[idx].host {
            return Err(bad("Cannot migrate to the host where the server exists."));
        }
    }
    gate(c, &st.servers[idx], action, &[Active, Stopped])?;
    // A resize may stay on its host; a migration must leave it.
    let (h, n) = if new_flavor.is_some() {
        let s = &st.servers[idx];
        (s.host.clone(), s.node.clone())
    } else {
        target(st, &st.servers[idx], host.as_deref())?
    };
    let s = &mut st.servers[idx];
    s.old_host = Some((s.host.clone(), s.node.clone()));
    (s.host, s.node) = (h, n);
    if let Some(f) = new_flavor {
        s.old_flavor = Some(std::mem::replace(&mut s.flavor_id, f));
    }
    s.begin(
        c.build_time(),
        task("RESIZE", "resize_prep", Resized),
        time::now(),
    );
    Ok(Resp::empty(202))
}

/// Record a snapshot or backup image of `server`; returns its ID.
fn new_image(
    c: &Call,
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
        save_time: c.build_time() / 2,
        size: 12_582_912,
        min_disk: st.flavor(&server.flavor_id).map(|f| f.disk).unwrap_or(0),
        min_ram: 0,
        properties,
    });
    id
}

fn snapshot(
    c: &Call,
    st: &mut State,
    idx: usize,
    action: &str,
    args: &Value,
) -> Result<Resp, Resp> {
    let server = st.servers[idx].clone();
    let a = args_object(action, args)?;
    let props = if action == "createImage" {
        let Some(name) = a
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        else {
            return Err(bad(
                "Invalid input for field/attribute createImage. 'name' is a required property",
            ));
        };
        let mut props = match a.get("metadata") {
            Some(m) => string_map("metadata", m)?,
            None => Map::new(),
        };
        props.insert("image_type".into(), json!("snapshot"));
        (name.to_string(), props)
    } else {
        let name = a.get("name").and_then(Value::as_str);
        let kind = a.get("backup_type").and_then(Value::as_str);
        let rotation = a.get("rotation").and_then(|r| match r {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        });
        let (Some(name), Some(kind), Some(rotation)) = (name, kind, rotation) else {
            return Err(bad("Invalid input for field/attribute createBackup. 'name', 'backup_type' and 'rotation' are required properties"));
        };
        if rotation < 0 {
            return Err(bad("Invalid input for field/attribute rotation. Value: -1. -1 is less than the minimum of 0"));
        }
        let props = Map::from_iter([
            ("image_type".to_string(), json!("backup")),
            ("backup_type".to_string(), json!(kind)),
        ]);
        (name.to_string(), props)
    };
    gate(c, &server, action, &[Active, Stopped, Paused])?;
    let image_id = new_image(c, st, &server, &props.0, props.1);
    record(c, &mut st.servers[idx], action);
    Ok(if c.at((2, 45)) {
        Resp::json(202, json!({ "image_id": image_id }))
    } else {
        Resp::empty(202).with_header(
            "Location",
            &format!("{}/image/v2/images/{image_id}", c.sim.base),
        )
    })
}

/// `POST /servers/{id}/backup_instance` (the project's own extension).
pub fn backup_instance(c: &Call, id: &str) -> Result<Resp, Resp> {
    let body = c.body()?;
    let args = object(&body, "backup_instance").ok();
    let name = args
        .and_then(|a| a.get("name"))
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    let description = args
        .and_then(|a| a.get("description"))
        .and_then(Value::as_str);
    let (Some(name), Some(description)) = (name, description) else {
        return Err(bad("Invalid input for field/attribute backup_instance. 'name' and 'description' are required properties"));
    };
    let mut st = c.lock();
    let Some(server) = st.server(id).cloned() else {
        return Err(not_found_server(id));
    };
    let props = Map::from_iter([
        ("image_type".to_string(), json!("backup")),
        ("description".to_string(), json!(description)),
    ]);
    let image_id = new_image(c, &mut st, &server, name, props);
    Ok(Resp::json(202, json!({ "id": image_id })))
}
