//! nova-sim's `/servers/{id}/os-instance-actions` against nova 34 (the api-samples of
//! `os-instance-actions` and its v2.21, v2.58, v2.66 and v2.84): the actions each request
//! records, 2.58's `updated_at`, paging (`limit` / `marker`, a `links` next link) and
//! `changes-since` / `changes-before`, deleted servers from 2.21, and nova's refusals.

use novagen_tests::{err, keys, Cloud};
use serde_json::{json, Value};

fn actions(b: &Value) -> Vec<&str> {
    b["instanceActions"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["action"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn actions_are_recorded_and_paged() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let path = format!("/servers/{id}/os-instance-actions");
    let act = |body: Value| api.call("2.1", "POST", &format!("/servers/{id}/action"), Some(body));
    assert_eq!(act(json!({"lock": null})).0, 202);
    assert_eq!(act(json!({"unlock": null})).0, 202);
    // A console is no instance action.
    assert_eq!(act(json!({"os-getVNCConsole": {"type": "novnc"}})).0, 200);
    let (s, b) = api.call("2.1", "GET", &path, None);
    assert_eq!(s, 200);
    assert_eq!(actions(&b), ["unlock", "lock", "create"]);
    let first = &b["instanceActions"][0];
    assert_eq!(
        keys(first),
        [
            "action",
            "instance_uuid",
            "message",
            "project_id",
            "request_id",
            "start_time",
            "user_id"
        ]
    );
    let newest = first["request_id"]
        .as_str()
        .expect("request_id")
        .to_string();

    // 2.58: updated_at; limit gives a `links` next link (not `instanceActions_links`).
    let (s, b) = api.call("2.58", "GET", &format!("{path}?limit=1"), None);
    assert_eq!(s, 200, "{b}");
    assert!(b["instanceActions"][0]["updated_at"].is_string());
    assert_eq!(actions(&b), ["unlock"]);
    assert_eq!(
        b["links"],
        json!([{"rel": "next", "href": format!("{}/compute/v2.1{path}?limit=1&marker={newest}", api.cloud.url)}])
    );
    assert!(b.get("instanceActions_links").is_none());
    let (_, b) = api.call("2.58", "GET", &format!("{path}?marker={newest}"), None);
    assert_eq!(actions(&b), ["lock", "create"]);
    assert!(b.get("links").is_none());
    let (_, b) = api.call(
        "2.58",
        "GET",
        &format!("{path}?changes-since=2099-01-01T00:00:00"),
        None,
    );
    assert_eq!(actions(&b), Vec::<&str>::new());
    let (_, b) = api.call(
        "2.66",
        "GET",
        &format!("{path}?changes-before=2000-01-01T00:00:00"),
        None,
    );
    assert_eq!(actions(&b), Vec::<&str>::new());
    let (_, b) = api.call(
        "2.66",
        "GET",
        &format!("{path}?changes-since=2000-01-01T00:00:00&changes-before=2099-01-01T00:00:00"),
        None,
    );
    assert_eq!(actions(&b), ["unlock", "lock", "create"]);

    // Show at 2.84: unlock is the API's alone (no events); create has the conductor's and
    // the compute's, each with host, hostId and details.
    let (s, b) = api.call("2.84", "GET", &format!("{path}/{newest}"), None);
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["instanceAction"]["action"], "unlock");
    assert_eq!(b["instanceAction"]["events"], json!([]));
    let (_, b) = api.call("2.1", "GET", &path, None);
    let create = b["instanceActions"][2]["request_id"]
        .as_str()
        .expect("request_id")
        .to_string();
    let (s, b) = api.call("2.84", "GET", &format!("{path}/{create}"), None);
    assert_eq!(s, 200, "{b}");
    let a = &b["instanceAction"];
    let events: Vec<&str> = a["events"]
        .as_array()
        .map(|e| e.iter().filter_map(|x| x["event"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        events,
        [
            "conductor_schedule_and_build_instances",
            "compute__do_build_and_run_instance"
        ]
    );
    assert_eq!(
        keys(&a["events"][0]),
        [
            "details",
            "event",
            "finish_time",
            "host",
            "hostId",
            "result",
            "start_time",
            "traceback"
        ]
    );

    // An API-only action's updated_at is its start; a running event has no finish or result.
    let (_, b) = api.call("2.58", "GET", &path, None);
    assert_eq!(
        b["instanceActions"][0]["updated_at"],
        b["instanceActions"][0]["start_time"]
    );
    assert_eq!(act(json!({"reboot": {"type": "SOFT"}})).0, 202);
    let (_, b) = api.call("2.1", "GET", &path, None);
    let reboot = b["instanceActions"][0]["request_id"]
        .as_str()
        .expect("request_id")
        .to_string();
    let (_, b) = api.call("2.1", "GET", &format!("{path}/{reboot}"), None);
    let event = &b["instanceAction"]["events"][0];
    assert_eq!(event["event"], "compute_reboot_instance");
    assert_eq!(
        (&event["finish_time"], &event["result"]),
        (&Value::Null, &Value::Null)
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (_, b) = api.call("2.1", "GET", &format!("{path}/{reboot}"), None);
    assert_eq!(b["instanceAction"]["events"][0]["result"], "Success");

    // Deleted: its log (with `delete`) is read from 2.21, not before.
    assert_eq!(
        api.call("2.1", "DELETE", &format!("/servers/{id}"), None).0,
        204
    );
    let (s, b) = api.call("2.21", "GET", &path, None);
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        actions(&b),
        ["delete", "reboot", "unlock", "lock", "create"]
    );
    assert_eq!(
        api.call("2.1", "GET", &path, None),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Instance {id} could not be found.")
            )
        )
    );
}

#[test]
fn instance_action_refusals() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let path = format!("/servers/{id}/os-instance-actions");
    let cases = [
        ("2.58", format!("{path}?marker=req-nope"), "Marker req-nope could not be found."),
        ("2.58", format!("{path}?limit=x"), "Invalid input for query parameters limit. Value: x. 'x' does not match '^[0-9]*$'"),
        ("2.58", format!("{path}?changes-since=yesterday"), "Invalid input for query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'"),
        ("2.58", format!("{path}?changes-before=2000-01-01T00:00:00"), "Additional properties are not allowed ('changes-before' was unexpected)"),
        ("2.66", format!("{path}?changes-since=2001-01-01T00:00:00&changes-before=2000-01-01T00:00:00"), "The value of changes-since must be less than or equal to changes-before."),
    ];
    for (v, p, message) in cases {
        assert_eq!(
            api.call(v, "GET", &p, None),
            (400, err("badRequest", 400, message)),
            "{v} {p}"
        );
    }
    assert_eq!(
        api.call("2.1", "GET", &format!("{path}/req-nope"), None),
        (404, err("itemNotFound", 404, "Action req-nope not found"))
    );
    let other = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
    assert_eq!(
        api.call(
            "2.58",
            "GET",
            &format!("/servers/{other}/os-instance-actions"),
            None
        ),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Instance {other} could not be found.")
            )
        )
    );
}
