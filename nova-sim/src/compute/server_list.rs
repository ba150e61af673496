//! `GET /servers` and `/servers/detail`: nova's filters (`all_tenants`, `name` as a regular
//! expression, `status`, `image`, `flavor`, the tag filters from 2.26, `changes-since`,
//! `changes-before` from 2.66, ...), sorting by repeated `sort_key`/`sort_dir`, and paging.

use super::regex::search;
use super::schema::invalid;
use super::{bad, page, Call};
use crate::http::Resp;
use crate::state::{time, Server, Shape};
use serde_json::{json, Value};
use std::cmp::Ordering;

const STATUSES: &[&str] = &[
    "ACTIVE",
    "BUILD",
    "DELETED",
    "ERROR",
    "HARD_REBOOT",
    "MIGRATING",
    "PASSWORD",
    "PAUSED",
    "REBOOT",
    "REBUILD",
    "RESCUE",
    "RESIZE",
    "REVERT_RESIZE",
    "SHELVED",
    "SHELVED_OFFLOADED",
    "SHUTOFF",
    "SOFT_DELETED",
    "SUSPENDED",
    "UNKNOWN",
    "VERIFY_RESIZE",
];

const SORT_KEYS: &[&str] = &[
    "access_ip_v4",
    "access_ip_v6",
    "auto_disk_config",
    "availability_zone",
    "config_drive",
    "created_at",
    "display_description",
    "display_name",
    "host",
    "hostname",
    "image_ref",
    "instance_type_id",
    "kernel_id",
    "key_name",
    "launch_index",
    "launched_at",
    "locked",
    "locked_by",
    "node",
    "power_state",
    "progress",
    "project_id",
    "ramdisk_id",
    "root_device_name",
    "task_state",
    "terminated_at",
    "updated_at",
    "user_id",
    "uuid",
    "vm_state",
];

fn truthy(v: &str) -> bool {
    ["1", "true", "t", "yes", "y", "on"].contains(&v.to_ascii_lowercase().as_str())
}

fn time_param(c: &Call, key: &str) -> Result<Option<f64>, Resp> {
    match c.req.param(key) {
        None => Ok(None),
        Some(v) => time::parse(v).map(Some).ok_or_else(|| {
            bad(&format!(
                "Invalid input for query parameters {key}. Value: {v}. '{v}' is not a 'date-time'"
            ))
        }),
    }
}

fn sort_value(s: &Server, key: &str, status: &str) -> Value {
    match key {
        "created_at" => json!(s.created),
        "updated_at" => json!(s.updated),
        "display_name" => json!(s.name),
        "display_description" => json!(s.description),
        "host" => json!(s.host),
        "node" => json!(s.node),
        "hostname" => json!(s.hostname),
        "image_ref" => json!(s.image_id),
        "instance_type_id" => json!(s.flavor_id),
        "key_name" => json!(s.key_name),
        "availability_zone" => json!(s.availability_zone),
        "project_id" => json!(s.project_id),
        "user_id" => json!(s.user_id),
        "locked" => json!(s.locked),
        "launch_index" => json!(s.launch_index),
        "vm_state" | "task_state" | "power_state" => json!(status),
        _ => json!(s.id),
    }
}

fn cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

pub fn list(c: &Call, detail: bool) -> Result<Resp, Resp> {
    let req = c.req;
    let param = |k: &str| req.param(k);
    let all = |k: &str| -> Vec<&str> {
        req.query
            .iter()
            .filter(|(q, _)| q == k)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    if let Some(s) = param("status") {
        if c.at((2, 38)) && !STATUSES.contains(&s.to_ascii_uppercase().as_str()) {
            return Err(bad("Invalid status value"));
        }
    }
    let since = time_param(c, "changes-since")?;
    let before = if c.at((2, 66)) {
        time_param(c, "changes-before")?
    } else {
        None
    };
    if let (Some(a), Some(b)) = (since, before) {
        if a > b {
            return Err(bad(
                "The value of changes-since must be less than or equal to changes-before.",
            ));
        }
    }
    let keys = all("sort_key");
    for k in &keys {
        if !SORT_KEYS.contains(k) {
            return Err(invalid(
                Some("sort_key"),
                &json!(k),
                &format!("'{k}' is not one of {SORT_KEYS:?}").replace('"', "'"),
            ));
        }
    }
    let dirs = all("sort_dir");
    for d in &dirs {
        if *d != "asc" && *d != "desc" {
            return Err(invalid(
                Some("sort_dir"),
                &json!(d),
                &format!("'{d}' is not one of ['asc', 'desc']"),
            ));
        }
    }
    let (keys, dirs): (Vec<&str>, Vec<&str>) = if keys.is_empty() {
        (vec!["created_at", "uuid"], vec!["desc", "desc"])
    } else {
        let dirs = (0..keys.len())
            .map(|i| dirs.get(i).copied().unwrap_or("desc"))
            .collect();
        (keys, dirs)
    };
    let tag_list = |k: &str| -> Option<Vec<String>> {
        c.at((2, 26))
            .then(|| param(k))
            .flatten()
            .map(|v| v.split(',').map(str::to_string).collect())
    };
    let (tags, tags_any, not_tags, not_tags_any) = (
        tag_list("tags"),
        tag_list("tags-any"),
        tag_list("not-tags"),
        tag_list("not-tags-any"),
    );
    let all_tenants = param("all_tenants").is_some_and(|v| v.is_empty() || truthy(v));
    let project = param("project_id").or(param("tenant_id"));
    let st = c.lock();
    let bt = c.build_time();
    let chosen: Vec<(&Server, &'static str)> = st
        .servers
        .iter()
        .filter(|s| match (all_tenants, project) {
            (_, Some(p)) if all_tenants => s.project_id == p,
            (true, _) => true,
            (false, _) => s.project_id == c.project(),
        })
        .filter(|s| param("name").is_none_or(|n| search(n, &s.name)))
        .filter(|s| param("flavor").is_none_or(|f| s.flavor_id == f))
        .filter(|s| param("image").is_none_or(|i| s.image_id.as_deref() == Some(i)))
        .filter(|s| param("host").is_none_or(|h| s.host == h))
        .filter(|s| param("node").is_none_or(|n| s.node == n))
        .filter(|s| param("key_name").is_none_or(|k| s.key_name.as_deref() == Some(k)))
        .filter(|s| param("reservation_id").is_none_or(|r| s.reservation_id == r))
        .filter(|s| param("availability_zone").is_none_or(|a| s.availability_zone == a))
        .filter(|s| param("user_id").is_none_or(|u| s.user_id == u))
        .filter(|s| param("ip").is_none_or(|p| s.address.as_deref().is_some_and(|a| search(p, a))))
        .filter(|s| !c.at((2, 73)) || param("locked").is_none_or(|l| truthy(l) == s.locked))
        .filter(|s| since.is_none_or(|t| s.updated >= t))
        .filter(|s| before.is_none_or(|t| s.updated <= t))
        .filter(|s| {
            let has = |t: &String| s.tags.contains(t);
            tags.as_ref().is_none_or(|ts| ts.iter().all(has))
                && tags_any.as_ref().is_none_or(|ts| ts.iter().any(has))
                && not_tags.as_ref().is_none_or(|ts| !ts.iter().all(has))
                && not_tags_any.as_ref().is_none_or(|ts| !ts.iter().any(has))
        })
        .map(|s| (s, s.phase(bt).status))
        .filter(|(_, status)| param("status").is_none_or(|w| status.eq_ignore_ascii_case(w)))
        .collect();
    // Each server's sort values once, then the sort compares them.
    let mut keyed: Vec<(Vec<Value>, (&Server, &str))> = chosen
        .into_iter()
        .map(|(s, status)| {
            let values = keys.iter().map(|k| sort_value(s, k, status)).collect();
            (values, (s, status))
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        a.iter()
            .zip(b)
            .zip(&dirs)
            .map(|((x, y), d)| {
                let o = cmp(x, y);
                if *d == "desc" {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let view = c.view();
    let body = page(
        c,
        keyed.into_iter().map(|(_, s)| s).collect(),
        "servers",
        |(s, _)| &s.id,
        |(s, _)| {
            if detail {
                view.server(s, &st, Shape::Detail)
            } else {
                view.server_summary(s)
            }
        },
    )?;
    Ok(Resp::json(200, Value::Object(body)))
}
