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

/// A server's value for a sort key (null first, as nova's database sorts).
#[derive(PartialEq, PartialOrd)]
enum SortValue<'a> {
    Null,
    Bool(bool),
    Number(f64),
    Text(&'a str),
}

fn sort_value<'a>(s: &'a Server, key: &str, status: &'a str) -> SortValue<'a> {
    let text = |t: &'a Option<String>| t.as_deref().map_or(SortValue::Null, SortValue::Text);
    match key {
        "created_at" => SortValue::Number(s.created),
        "updated_at" => SortValue::Number(s.updated),
        "display_name" => SortValue::Text(&s.name),
        "display_description" => text(&s.description),
        "host" => SortValue::Text(&s.host),
        "node" => SortValue::Text(&s.node),
        "hostname" => SortValue::Text(&s.hostname),
        "image_ref" => text(&s.image_id),
        "instance_type_id" => SortValue::Text(&s.flavor_id),
        "key_name" => text(&s.key_name),
        "availability_zone" => SortValue::Text(&s.availability_zone),
        "project_id" => SortValue::Text(&s.project_id),
        "user_id" => SortValue::Text(&s.user_id),
        "locked" => SortValue::Bool(s.locked),
        "launch_index" => SortValue::Number(s.launch_index as f64),
        "vm_state" | "task_state" | "power_state" => SortValue::Text(status),
        _ => SortValue::Text(&s.id),
    }
}

/// The values of the plain filters, looked up once per list.
struct Wanted<'a> {
    name: Option<&'a str>,
    flavor: Option<&'a str>,
    image: Option<&'a str>,
    host: Option<&'a str>,
    node: Option<&'a str>,
    key_name: Option<&'a str>,
    reservation_id: Option<&'a str>,
    availability_zone: Option<&'a str>,
    user_id: Option<&'a str>,
    ip: Option<&'a str>,
    locked: Option<&'a str>,
    status: Option<&'a str>,
}

impl<'a> Wanted<'a> {
    fn from(c: &Call<'a>) -> Wanted<'a> {
        let req = c.req;
        Wanted {
            name: req.param("name"),
            flavor: req.param("flavor"),
            image: req.param("image"),
            host: req.param("host"),
            node: req.param("node"),
            key_name: req.param("key_name"),
            reservation_id: req.param("reservation_id"),
            availability_zone: req.param("availability_zone"),
            user_id: req.param("user_id"),
            ip: req.param("ip"),
            locked: req.param("locked").filter(|_| c.at((2, 73))),
            status: req.param("status"),
        }
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
    let want = Wanted::from(c);
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
        .filter(|s| want.name.is_none_or(|n| search(n, &s.name)))
        .filter(|s| want.flavor.is_none_or(|f| s.flavor_id == f))
        .filter(|s| want.image.is_none_or(|i| s.image_id.as_deref() == Some(i)))
        .filter(|s| want.host.is_none_or(|h| s.host == h))
        .filter(|s| want.node.is_none_or(|n| s.node == n))
        .filter(|s| {
            want.key_name
                .is_none_or(|k| s.key_name.as_deref() == Some(k))
        })
        .filter(|s| want.reservation_id.is_none_or(|r| s.reservation_id == r))
        .filter(|s| {
            want.availability_zone
                .is_none_or(|a| s.availability_zone == a)
        })
        .filter(|s| want.user_id.is_none_or(|u| s.user_id == u))
        .filter(|s| {
            want.ip
                .is_none_or(|p| s.address.as_deref().is_some_and(|a| search(p, a)))
        })
        .filter(|s| want.locked.is_none_or(|l| truthy(l) == s.locked))
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
        .filter(|(_, status)| want.status.is_none_or(|w| status.eq_ignore_ascii_case(w)))
        .collect();
    // Each server's sort values once, then the sort compares them.
    let mut keyed: Vec<(Vec<SortValue>, (&Server, &str))> = chosen
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
                let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
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
