//! nova-sim's `/os-instance_usage_audit_log` (index and show by date) against nova 34 (the
//! api-samples of `os-instance-usage-audit-log`): the report's keys, the audit period (the
//! last month completed before the date), compute hosts not run, and nova's refusal of a
//! date it cannot parse.

use novagen_tests::Cloud;
use serde_json::{json, Value};

struct Api {
    cloud: Cloud,
    token: String,
}

impl Api {
    fn new() -> Api {
        let cloud = Cloud::start();
        let token = cloud.token();
        Api { cloud, token }
    }

    fn call(&self, v: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = reqwest::blocking::Client::new()
            .request(m, format!("{}/compute/v2.1{path}", self.cloud.url))
            .header("X-Auth-Token", &self.token)
            .header("OpenStack-API-Version", format!("compute {v}"));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().expect("cloud answers");
        let status = resp.status().as_u16();
        (status, resp.json().unwrap_or(Value::Null))
    }
}

fn err(kind: &str, code: u16, message: &str) -> Value {
    json!({ kind: { "code": code, "message": message } })
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    k.sort();
    k
}

#[test]
fn audit_log_report_and_periods() {
    let api = Api::new();
    let (s, b) = api.call("2.1", "GET", "/os-instance_usage_audit_log", None);
    assert_eq!(s, 200, "{b}");
    let r = &b["instance_usage_audit_logs"];
    assert_eq!(
        keys(r),
        [
            "hosts_not_run",
            "log",
            "num_hosts",
            "num_hosts_done",
            "num_hosts_not_run",
            "num_hosts_running",
            "overall_status",
            "period_beginning",
            "period_ending",
            "total_errors",
            "total_instances"
        ]
    );
    // The audit never ran: both compute hosts are not run.
    assert_eq!(r["hosts_not_run"], json!(["compute", "compute2"]));
    assert_eq!(r["log"], json!({}));
    assert_eq!(
        (r["num_hosts"].as_i64(), r["num_hosts_done"].as_i64()),
        (Some(2), Some(0))
    );
    assert_eq!(r["overall_status"], "0 of 2 hosts done. 0 errors.");
    assert!(
        r["period_ending"]
            .as_str()
            .is_some_and(|e| e.ends_with("-01 00:00:00")),
        "{r}"
    );

    let period = |date: &str| {
        let (s, b) = api.call(
            "2.1",
            "GET",
            &format!("/os-instance_usage_audit_log/{date}"),
            None,
        );
        assert_eq!(s, 200, "{date}: {b}");
        let r = &b["instance_usage_audit_log"];
        (r["period_beginning"].clone(), r["period_ending"].clone())
    };
    assert_eq!(
        period("2012-07-05%2010:00:00"),
        (json!("2012-06-01 00:00:00"), json!("2012-07-01 00:00:00"))
    );
    // A period ends strictly before the date.
    assert_eq!(
        period("2012-07-01%2000:00:00"),
        (json!("2012-05-01 00:00:00"), json!("2012-06-01 00:00:00"))
    );
    assert_eq!(
        period("2012-01-15%2000:00:00.5"),
        (json!("2011-12-01 00:00:00"), json!("2012-01-01 00:00:00"))
    );

    for bad in ["yesterday", "2012-07-05T10:00:00", "2012-07-05"] {
        let (s, b) = api.call(
            "2.1",
            "GET",
            &format!("/os-instance_usage_audit_log/{bad}"),
            None,
        );
        assert_eq!(
            (s, b),
            (
                400,
                err(
                    "badRequest",
                    400,
                    &format!("Invalid timestamp for date {bad}")
                )
            ),
            "{bad}"
        );
    }
}
