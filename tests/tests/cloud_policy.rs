//! nova's policy in nova-sim: a `member` user of the admin project (roles member and reader)
//! is refused what nova 34 keeps for admins (aggregates, os-resetState, os-migrateLive, the
//! usage of all projects, the audit log) with nova's 403 `Policy doesn't allow <rule> to be
//! performed.`, sees instance-action events only from 2.51 and without traceback, host or
//! details (the samples `os-instance-actions/v2.51/instance-action-get-non-admin-resp.json`
//! and v2.62's), and lists only its project's server groups.

use novagen_tests::{err, keys, Cloud};
use serde_json::{json, Value};

fn refused(rule: &str) -> (u16, Value) {
    (
        403,
        err(
            "forbidden",
            403,
            &format!("Policy doesn't allow {rule} to be performed."),
        ),
    )
}

#[test]
fn the_member_token_names_its_user_and_roles() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let member = cloud.compute_as("member");
    let resp = reqwest::blocking::Client::new()
        .get(format!("{}/identity/v3/auth/tokens", api.cloud.url))
        .header("X-Auth-Token", &api.token)
        .header("X-Subject-Token", &member.token)
        .send()
        .expect("keystone answers");
    let t: Value = resp.json().expect("json");
    assert_eq!(t["token"]["user"]["name"], "member");
    let roles: Vec<&str> = t["token"]["roles"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(roles, ["member", "reader"]);
}

#[test]
fn admin_only_routes_refuse_a_member() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let member = cloud.compute_as("member");
    let (s, b) = api.call(
        "2.1",
        "POST",
        "/os-aggregates",
        Some(json!({"aggregate": {"name": "a"}})),
    );
    assert_eq!(s, 200, "{b}");
    let agg = b["aggregate"]["id"].as_i64().expect("id");
    let m = |method: &str, path: &str, body: Option<Value>| member.call("2.1", method, path, body);
    assert_eq!(
        m("GET", "/os-aggregates", None),
        refused("os_compute_api:os-aggregates:index")
    );
    assert_eq!(
        m(
            "POST",
            "/os-aggregates",
            Some(json!({"aggregate": {"name": "b"}}))
        ),
        refused("os_compute_api:os-aggregates:create")
    );
    // Body checks come first, then the rule, then the ID.
    assert_eq!(
        m("POST", "/os-aggregates", Some(json!({"aggregate": {}}))).0,
        400
    );
    assert_eq!(
        m("GET", "/os-aggregates/x", None),
        refused("os_compute_api:os-aggregates:show")
    );
    assert_eq!(
        m(
            "PUT",
            &format!("/os-aggregates/{agg}"),
            Some(json!({"aggregate": {"name": "c"}}))
        ),
        refused("os_compute_api:os-aggregates:update")
    );
    assert_eq!(
        m("DELETE", &format!("/os-aggregates/{agg}"), None),
        refused("os_compute_api:os-aggregates:delete")
    );
    for (action, body) in [
        ("add_host", json!({"host": "compute"})),
        ("remove_host", json!({"host": "compute"})),
        ("set_metadata", json!({"metadata": {"a": "b"}})),
    ] {
        assert_eq!(
            m(
                "POST",
                &format!("/os-aggregates/{agg}/action"),
                Some(json!({ action: body }))
            ),
            refused(&format!("os_compute_api:os-aggregates:{action}"))
        );
    }
    assert_eq!(
        m("GET", "/os-instance_usage_audit_log", None),
        refused("os_compute_api:os-instance-usage-audit-log:list")
    );
    assert_eq!(
        m(
            "GET",
            "/os-instance_usage_audit_log/2012-07-05%2010:00:00",
            None
        ),
        refused("os_compute_api:os-instance-usage-audit-log:show")
    );
    assert_eq!(
        m("GET", "/os-simple-tenant-usage", None),
        refused("os_compute_api:os-simple-tenant-usage:list")
    );
    assert_eq!(
        m("GET", "/os-simple-tenant-usage/someone-else", None),
        refused("os_compute_api:os-simple-tenant-usage:show")
    );
    assert_eq!(
        m(
            "GET",
            "/os-simple-tenant-usage/6f70656e737461636b20342065766572",
            None
        )
        .0,
        200
    );

    // Server actions: the server is found first, then the rule.
    let (s, b) = member.call(
        "2.1",
        "POST",
        "/servers",
        Some(
            json!({"server": {"name": "s", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID}}),
        ),
    );
    assert_eq!(s, 202, "{b}");
    let id = b["server"]["id"].as_str().expect("id").to_string();
    std::thread::sleep(std::time::Duration::from_millis(600));
    let act =
        |body: Value| member.call("2.30", "POST", &format!("/servers/{id}/action"), Some(body));
    assert_eq!(
        act(json!({"os-resetState": {"state": "error"}})),
        refused("os_compute_api:os-admin-actions:reset_state")
    );
    assert_eq!(
        act(json!({"os-migrateLive": {"host": null, "block_migration": "auto"}})),
        refused("os_compute_api:os-migrate-server:migrate_live")
    );
    assert_eq!(
        act(json!({"os-migrateLive": {"host": "compute", "block_migration": "auto"}})),
        refused("os_compute_api:os-migrate-server:migrate_live:host")
    );
    // What a member may do: its own server's password, interfaces, changePassword.
    assert_eq!(act(json!({"changePassword": {"adminPass": "x"}})).0, 202);
    assert_eq!(
        member
            .call(
                "2.1",
                "GET",
                &format!("/servers/{id}/os-server-password"),
                None
            )
            .0,
        200
    );
    assert_eq!(
        member
            .call("2.1", "GET", &format!("/servers/{id}/os-interface"), None)
            .0,
        200
    );
}

#[test]
fn a_member_sees_action_events_from_251_without_admin_fields() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let member = cloud.compute_as("member");
    let (_, b) = member.call(
        "2.1",
        "POST",
        "/servers",
        Some(
            json!({"server": {"name": "s", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID}}),
        ),
    );
    let id = b["server"]["id"].as_str().expect("id").to_string();
    let (_, b) = member.call(
        "2.1",
        "GET",
        &format!("/servers/{id}/os-instance-actions"),
        None,
    );
    let req = b["instanceActions"][0]["request_id"]
        .as_str()
        .expect("request")
        .to_string();
    assert_eq!(
        b["instanceActions"][0]["user_id"],
        "5d1c2b3a49584f6e8d7c6b5a4f3e2d1c"
    );
    let path = format!("/servers/{id}/os-instance-actions/{req}");
    let (s, b) = member.call("2.50", "GET", &path, None);
    assert_eq!(s, 200);
    assert!(b["instanceAction"].get("events").is_none(), "{b}");
    let (_, b) = member.call("2.51", "GET", &path, None);
    assert_eq!(
        keys(&b["instanceAction"]["events"][0]),
        ["event", "finish_time", "result", "start_time"]
    );
    let (_, b) = member.call("2.84", "GET", &path, None);
    assert_eq!(
        keys(&b["instanceAction"]["events"][0]),
        ["event", "finish_time", "hostId", "result", "start_time"]
    );
    // An admin sees them all, at any version.
    let (_, b) = api.call("2.1", "GET", &path, None);
    assert_eq!(
        keys(&b["instanceAction"]["events"][0]),
        ["event", "finish_time", "result", "start_time", "traceback"]
    );
}
