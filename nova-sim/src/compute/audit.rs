//! `/os-instance_usage_audit_log` and `/os-instance_usage_audit_log/{before}` (admin): the
//! report of the instance usage audit over the last completed period (a month, nova's
//! default `instance_usage_audit_period`), as nova 34's controller builds it. The audit itself
//! never runs here (nova's `instance_usage_audit` is off by default, as in devstack): every
//! compute host is reported as not run.

use super::{bad, Call};
use crate::http::Resp;
use crate::state::time::{self, iso_micro, Secs};
use serde_json::{json, Value};

pub fn route(c: &Call, m: &str, parts: &[&str]) -> Option<Resp> {
    let reply = match (m, parts) {
        ("GET", []) => c
            .admin_only("os_compute_api:os-instance-usage-audit-log:list")
            .map(|_| {
                Resp::json(
                    200,
                    json!({"instance_usage_audit_logs": report(c, time::now())}),
                )
            }),
        ("GET", [before]) => c
            .admin_only("os_compute_api:os-instance-usage-audit-log:show")
            .and_then(|_| show(c, before)),
        _ => return None,
    };
    Some(reply.unwrap_or_else(|r| r))
}

/// `{before}`: `%Y-%m-%d %H:%M:%S`, with `.%f` when it has a dot (Python's `strptime`).
fn show(c: &Call, before: &str) -> Result<Resp, Resp> {
    let invalid = || bad(&format!("Invalid timestamp for date {before}"));
    let (date, clock) = before.split_once(' ').ok_or_else(invalid)?;
    let (hms, fraction) = match clock.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (clock, None),
    };
    let fields = |s: &str, n: usize, sep: char| {
        let p: Vec<&str> = s.split(sep).collect();
        p.len() == n
            && p.iter()
                .all(|x| !x.is_empty() && x.len() <= 4 && x.bytes().all(|b| b.is_ascii_digit()))
    };
    let fraction_ok = fraction
        .is_none_or(|f| !f.is_empty() && f.len() <= 6 && f.bytes().all(|b| b.is_ascii_digit()));
    if !fields(date, 3, '-') || !fields(hms, 3, ':') || !fraction_ok {
        return Err(invalid());
    }
    let t = time::parse(&format!("{date}T{clock}")).ok_or_else(invalid)?;
    Ok(Resp::json(
        200,
        json!({"instance_usage_audit_log": report(c, t)}),
    ))
}

/// The first of (year, month) at midnight.
fn month_start(y: i64, m: i64) -> Option<Secs> {
    time::parse(&format!("{y:04}-{m:02}-01T00:00:00"))
}

fn previous(y: i64, m: i64) -> (i64, i64) {
    if m <= 1 {
        (y - 1, 12)
    } else {
        (y, m - 1)
    }
}

/// nova's `last_completed_audit_period(unit='month', before=t)`: the month that ended last at
/// or before `t`, as (begin, end).
fn audit_period(t: Secs) -> Option<(Secs, Secs)> {
    let text = iso_micro(t);
    let y: i64 = text.get(0..4)?.parse().ok()?;
    let m: i64 = text.get(5..7)?.parse().ok()?;
    let mut end = (y, m);
    if month_start(y, m)? >= t {
        end = previous(y, m);
    }
    let begin = previous(end.0, end.1);
    Some((month_start(begin.0, begin.1)?, month_start(end.0, end.1)?))
}

/// Python's `str(datetime)`: `2012-06-01 00:00:00`.
fn py_datetime(t: Secs) -> String {
    let text = iso_micro(t);
    let (date, rest) = text.split_once('T').unwrap_or((&text, ""));
    let (clock, micros) = rest.split_once('.').unwrap_or((rest, "000000"));
    if micros.bytes().all(|b| b == b'0') {
        format!("{date} {clock}")
    } else {
        format!("{date} {clock}.{micros}")
    }
}

fn report(c: &Call, before: Secs) -> Value {
    let (begin, end) = audit_period(before).unwrap_or((before, before));
    let st = c.lock();
    let hosts: Vec<String> = st
        .services
        .iter()
        .filter(|s| s.binary == "nova-compute")
        .map(|s| s.host.clone())
        .collect();
    drop(st);
    json!({
        "hosts_not_run": hosts,
        "log": {},
        "num_hosts": hosts.len(),
        "num_hosts_done": 0,
        "num_hosts_not_run": hosts.len(),
        "num_hosts_running": 0,
        "overall_status": format!("{} hosts done. 0 errors.",
            if hosts.is_empty() { "ALL".to_string() } else { format!("0 of {}", hosts.len()) }),
        "period_beginning": py_datetime(begin),
        "period_ending": py_datetime(end),
        "total_errors": 0,
        "total_instances": 0,
    })
}
