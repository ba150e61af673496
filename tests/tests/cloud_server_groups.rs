//! nova-sim's `/os-server-groups` against nova 34: `policies` before 2.64, `policy` + `rules`
//! from it, `project_id` / `user_id` from 2.13 (the api-samples of `os-server-groups`, v2.13
//! and v2.64), members from boots with the `group` hint, the quota, and nova's refusals.

use novagen_tests::{err, keys, Cloud};
use serde_json::{json, Value};

#[test]
fn server_groups_by_microversion() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    // 2.1: policies and an empty metadata, no project or user.
    let (s, b) = api.call(
        "2.1",
        "POST",
        "/os-server-groups",
        Some(json!({"server_group": {"name": "test", "policies": ["anti-affinity"]}})),
    );
    assert_eq!(s, 200, "{b}");
    let g = &b["server_group"];
    assert_eq!(keys(g), ["id", "members", "metadata", "name", "policies"]);
    assert_eq!(g["policies"], json!(["anti-affinity"]));
    assert_eq!(g["metadata"], json!({}));
    let old = g["id"].as_str().expect("id").to_string();
    // 2.13: project_id and user_id.
    let (_, b) = api.call("2.13", "GET", &format!("/os-server-groups/{old}"), None);
    assert_eq!(
        keys(&b["server_group"]),
        [
            "id",
            "members",
            "metadata",
            "name",
            "policies",
            "project_id",
            "user_id"
        ]
    );
    // 2.64: policy and rules instead of policies and metadata.
    let (s, b) = api.call(
        "2.64",
        "POST",
        "/os-server-groups",
        Some(json!({"server_group": {"name": "test", "policy": "anti-affinity", "rules": {"max_server_per_host": 3}}})),
    );
    assert_eq!(s, 200, "{b}");
    let g = &b["server_group"];
    assert_eq!(
        keys(g),
        [
            "id",
            "members",
            "name",
            "policy",
            "project_id",
            "rules",
            "user_id"
        ]
    );
    assert_eq!(g["rules"], json!({"max_server_per_host": 3}));
    let new = g["id"].as_str().expect("id").to_string();
    let (_, b) = api.call("2.64", "GET", &format!("/os-server-groups/{old}"), None);
    assert_eq!(b["server_group"]["policy"], "anti-affinity");
    assert_eq!(b["server_group"]["rules"], json!({}));
    let (s, b) = api.call("2.64", "GET", "/os-server-groups", None);
    assert_eq!(s, 200);
    assert_eq!(b["server_groups"].as_array().map(Vec::len), Some(2));
    let (_, b) = api.call("2.64", "GET", "/os-server-groups?limit=1&offset=1", None);
    assert_eq!(b["server_groups"][0]["id"], json!(new));
    assert_eq!(b["server_groups"].as_array().map(Vec::len), Some(1));

    // Members: a server booted into the group, until it is deleted.
    let (s, b) = api.call(
        "2.1",
        "POST",
        "/servers",
        Some(
            json!({"server": {"name": "m", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID},
                    "os:scheduler_hints": {"group": new}}),
        ),
    );
    assert_eq!(s, 202, "{b}");
    let sid = b["server"]["id"].as_str().expect("id").to_string();
    let (_, b) = api.call("2.64", "GET", &format!("/os-server-groups/{new}"), None);
    assert_eq!(b["server_group"]["members"], json!([sid]));
    api.call("2.1", "DELETE", &format!("/servers/{sid}"), None);
    let (_, b) = api.call("2.64", "GET", &format!("/os-server-groups/{new}"), None);
    assert_eq!(b["server_group"]["members"], json!([]));

    // Delete: 204, then 404.
    assert_eq!(
        api.call("2.1", "DELETE", &format!("/os-server-groups/{old}"), None),
        (204, Value::Null)
    );
    let gone = err(
        "itemNotFound",
        404,
        &format!("Instance group {old} could not be found."),
    );
    assert_eq!(
        api.call("2.1", "DELETE", &format!("/os-server-groups/{old}"), None),
        (404, gone.clone())
    );
    assert_eq!(
        api.call("2.1", "GET", &format!("/os-server-groups/{old}"), None),
        (404, gone)
    );
}

#[test]
fn server_group_refusals() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let cases = [
        ("2.1", json!({"server_group": {"name": "a", "policies": ["soft-affinity"]}}), 400,
         "Invalid input for field/attribute 0. Value: soft-affinity. 'soft-affinity' is not one of ['anti-affinity', 'affinity']"),
        ("2.1", json!({"server_group": {"name": "a", "policies": []}}), 400,
         "Invalid input for field/attribute policies. Value: []. [] should be non-empty"),
        ("2.1", json!({"server_group": {"name": "a", "policies": ["affinity", "affinity"]}}), 400,
         "Invalid input for field/attribute policies. Value: ['affinity', 'affinity']. ['affinity', 'affinity'] has non-unique elements"),
        ("2.1", json!({"server_group": {"name": "a", "policies": ["affinity", "anti-affinity"]}}), 400,
         "Invalid input for field/attribute policies. Value: ['affinity', 'anti-affinity']. ['affinity', 'anti-affinity'] is too long"),
        ("2.1", json!({"server_group": {"name": "a"}}), 400,
         "Invalid input for field/attribute server_group. Value: {'name': 'a'}. 'policies' is a required property"),
        ("2.1", json!({"server_group": {"name": "a", "policy": "affinity"}}), 400,
         "Invalid input for field/attribute server_group. Value: {'name': 'a', 'policy': 'affinity'}. 'policies' is a required property"),
        ("2.64", json!({"server_group": {"name": "a", "policies": ["affinity"]}}), 400,
         "Invalid input for field/attribute server_group. Value: {'name': 'a', 'policies': ['affinity']}. 'policy' is a required property"),
        ("2.64", json!({"server_group": {"name": "a", "policy": "affinity", "rules": {"max_server_per_host": 2}}}), 400,
         "Only anti-affinity policy supports rules."),
        ("2.64", json!({"server_group": {"name": "a", "policy": "anti-affinity", "rules": {"max_server_per_host": 0}}}), 400,
         "Invalid input for field/attribute max_server_per_host. Value: 0. 0 is less than the minimum of 1"),
        ("2.64", json!({"server_group": {"name": "a", "policy": "anti-affinity", "rules": {"x": 1}}}), 400,
         "Invalid input for field/attribute rules. Value: {'x': 1}. Additional properties are not allowed ('x' was unexpected)"),
    ];
    for (v, body, status, message) in cases {
        let (s, b) = api.call(v, "POST", "/os-server-groups", Some(body.clone()));
        assert_eq!(
            (s, b),
            (status, err("badRequest", status, message)),
            "{v} {body}"
        );
    }
    // 2.15 takes the soft policies.
    let (s, _) = api.call(
        "2.15",
        "POST",
        "/os-server-groups",
        Some(json!({"server_group": {"name": "soft", "policies": ["soft-affinity"]}})),
    );
    assert_eq!(s, 200);
    // The quota: 10 groups a project.
    for i in 1..10 {
        let (s, b) = api.call(
            "2.64",
            "POST",
            "/os-server-groups",
            Some(json!({"server_group": {"name": format!("g{i}"), "policy": "affinity"}})),
        );
        assert_eq!(s, 200, "{i} {b}");
    }
    assert_eq!(
        api.call(
            "2.64",
            "POST",
            "/os-server-groups",
            Some(json!({"server_group": {"name": "over", "policy": "affinity"}}))
        ),
        (
            403,
            err("forbidden", 403, "Quota exceeded, too many server groups.")
        )
    );
    assert_eq!(
        api.call("2.1", "GET", "/os-server-groups?limit=x", None),
        (
            400,
            err(
                "badRequest",
                400,
                "Invalid input for query parameters limit. Value: x. 'x' does not match '^[0-9]*$'"
            )
        )
    );
}

#[test]
fn boots_into_groups() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let (_, b) = api.call(
        "2.64",
        "POST",
        "/os-server-groups",
        Some(json!({"server_group": {"name": "g", "policy": "affinity"}})),
    );
    let group = b["server_group"]["id"].as_str().expect("id").to_string();
    let boot = |hints: Value| {
        api.call(
            "2.1",
            "POST",
            "/servers",
            Some(json!({"server": {"name": "m", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID},
                        "os:scheduler_hints": hints})),
        )
    };
    let nope = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
    assert_eq!(
        boot(json!({"group": nope})),
        (
            400,
            err(
                "badRequest",
                400,
                &format!("Instance group {nope} could not be found.")
            )
        )
    );
    assert_eq!(
        boot(json!({"group": "x"})),
        (400, err("badRequest", 400, "Invalid input for field/attribute group. Value: x. 'x' is not valid under any of the given schemas"))
    );
    // A list's first ID counts too; server show names the group from 2.71.
    let (s, b) = boot(json!({"group": [group]}));
    assert_eq!(s, 202, "{b}");
    let sid = b["server"]["id"].as_str().expect("id").to_string();
    let (_, b) = api.call("2.71", "GET", &format!("/servers/{sid}"), None);
    assert_eq!(b["server"]["server_groups"], json!([group]));
    let (_, b) = api.call("2.1", "GET", &format!("/os-server-groups/{group}"), None);
    assert_eq!(b["server_group"]["members"], json!([sid]));
    // The server_group_members quota.
    let (s, b) = api.call(
        "2.1",
        "PUT",
        "/os-quota-sets/6f70656e737461636b20342065766572",
        Some(json!({"quota_set": {"server_group_members": 1}})),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        boot(json!({"group": group})),
        (
            403,
            err(
                "forbidden",
                403,
                "Quota exceeded, too many servers in group"
            )
        )
    );
}

#[test]
fn group_policies_place_servers() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let group = |policy: &str| {
        let (_, b) = api.call(
            "2.64",
            "POST",
            "/os-server-groups",
            Some(json!({"server_group": {"name": policy, "policy": policy}})),
        );
        b["server_group"]["id"].as_str().expect("id").to_string()
    };
    let boot = |g: &str, count: u32| {
        let (s, b) = api.call(
            "2.1",
            "POST",
            "/servers",
            Some(json!({"server": {"name": "p", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID,
                                   "min_count": count},
                        "os:scheduler_hints": {"group": g}})),
        );
        assert_eq!(s, 202, "{b}");
    };
    let placed = |g: &str| -> Vec<(String, String)> {
        std::thread::sleep(std::time::Duration::from_millis(600));
        let (_, b) = api.call("2.64", "GET", &format!("/os-server-groups/{g}"), None);
        let members: Vec<String> = b["server_group"]["members"]
            .as_array()
            .map(|m| {
                m.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        members
            .iter()
            .map(|id| {
                let (_, s) = api.call("2.1", "GET", &format!("/servers/{id}"), None);
                (
                    s["server"]["status"].as_str().unwrap_or("").to_string(),
                    s["server"]["OS-EXT-SRV-ATTR:host"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                )
            })
            .collect()
    };
    // Affinity: every server on one host, booted together or apart.
    let a = group("affinity");
    boot(&a, 2);
    boot(&a, 1);
    let hosts = placed(&a);
    assert_eq!(hosts.len(), 3);
    assert!(
        hosts.iter().all(|h| h == &hosts[0] && h.0 == "ACTIVE"),
        "{hosts:?}"
    );
    // Anti-affinity over two computes: two hosts, the third server has none (ERROR).
    let b = group("anti-affinity");
    boot(&b, 3);
    let mut states: Vec<String> = placed(&b).into_iter().map(|h| h.0).collect();
    states.sort();
    assert_eq!(states, ["ACTIVE", "ACTIVE", "ERROR"]);
    let c = group("anti-affinity");
    boot(&c, 1);
    boot(&c, 1);
    let hosts = placed(&c);
    assert!(
        hosts[0].1 != hosts[1].1 && hosts.iter().all(|h| h.0 == "ACTIVE"),
        "{hosts:?}"
    );
}
