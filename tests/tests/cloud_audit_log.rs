//! nova-sim's `/os-instance_usage_audit_log` (index and show by date) against nova 34 (the
//! api-samples of `os-instance-usage-audit-log`): the report's keys, the audit period (the
//! last month completed before the date), compute hosts not run, and nova's refusal of a
//! date it cannot parse.

use novagen_tests::{err, keys, Cloud};
use serde_json::json;

#[test]
fn audit_log_report_and_periods() {
    let cloud = Cloud::start();
    let api = cloud.compute();
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
