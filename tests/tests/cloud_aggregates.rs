//! nova-sim's `/os-aggregates` (CRUD, add_host / remove_host / set_metadata) against nova 34's
//! replies: status codes, body shapes (the api-samples of `os-aggregates` and its v2.41) and
//! nova's messages for every refusal.

use novagen_tests::{err, keys, Cloud};
use serde_json::{json, Value};

#[test]
fn aggregates_crud_and_refusals() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    // Create: the sample's keys (no hosts, no metadata); uuid only from 2.41.
    let (s, b) = api.call(
        "2.1",
        "POST",
        "/os-aggregates",
        Some(json!({"aggregate": {"name": "name", "availability_zone": "london"}})),
    );
    assert_eq!(s, 200, "{b}");
    let a = &b["aggregate"];
    assert_eq!(
        keys(a),
        [
            "availability_zone",
            "created_at",
            "deleted",
            "deleted_at",
            "id",
            "name",
            "updated_at"
        ]
    );
    assert_eq!(a["availability_zone"], "london");
    assert_eq!(a["deleted"], false);
    assert_eq!(a["updated_at"], Value::Null);
    let id = a["id"].as_i64().expect("integer id");
    let (s, b) = api.call(
        "2.41",
        "POST",
        "/os-aggregates",
        Some(json!({"aggregate": {"name": "other"}})),
    );
    assert_eq!(s, 200, "{b}");
    assert!(
        b["aggregate"]["uuid"]
            .as_str()
            .is_some_and(|u| u.len() == 36),
        "{b}"
    );
    assert_eq!(b["aggregate"]["availability_zone"], Value::Null);
    let other = b["aggregate"]["id"].as_i64().expect("id");

    // Refusals of create.
    let cases = [
        (
            json!({"aggregate": {"name": "name"}}),
            409,
            err("conflictingRequest", 409, "Aggregate name already exists."),
        ),
        (
            json!({"aggregate": {"availability_zone": "x"}}),
            400,
            err("badRequest", 400, "Invalid input for field/attribute aggregate. Value: {'availability_zone': 'x'}. 'name' is a required property"),
        ),
        (
            json!({"aggregate": {"name": "n", "foo": 1}}),
            400,
            err("badRequest", 400, "Invalid input for field/attribute aggregate. Value: {'name': 'n', 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)"),
        ),
        (
            json!({"aggregate": {"name": "n", "availability_zone": "a:b"}}),
            400,
            err("badRequest", 400, "Invalid input for field/attribute availability_zone. Value: a:b. 'a:b' is not valid under any of the given schemas"),
        ),
    ];
    for (body, status, want) in cases {
        let (s, b) = api.call("2.1", "POST", "/os-aggregates", Some(body.clone()));
        assert_eq!((s, &b), (status, &want), "{body}");
    }

    // Show and list: hosts and metadata (the AZ is a metadata key).
    let (s, b) = api.call("2.1", "GET", &format!("/os-aggregates/{id}"), None);
    assert_eq!(s, 200);
    assert_eq!(
        b["aggregate"]["metadata"],
        json!({"availability_zone": "london"})
    );
    assert_eq!(b["aggregate"]["hosts"], json!([]));
    assert!(b["aggregate"].get("uuid").is_none());
    let (s, b) = api.call("2.41", "GET", "/os-aggregates", None);
    assert_eq!(s, 200);
    assert_eq!(b["aggregates"].as_array().map(Vec::len), Some(2));
    assert!(b["aggregates"][0]["uuid"].is_string());
    assert_eq!(
        api.call("2.1", "GET", "/os-aggregates/abc", None),
        (
            400,
            err(
                "badRequest",
                400,
                "Invalid input received: id must be an integer"
            )
        )
    );
    assert_eq!(
        api.call("2.1", "GET", "/os-aggregates/99", None),
        (
            404,
            err("itemNotFound", 404, "Aggregate 99 could not be found.")
        )
    );

    // Update: name and zone; the zone is also in metadata; updated_at set.
    let (s, b) = api.call(
        "2.1",
        "PUT",
        &format!("/os-aggregates/{id}"),
        Some(json!({"aggregate": {"name": "newname", "availability_zone": "nova2"}})),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["aggregate"]["name"], "newname");
    assert_eq!(
        b["aggregate"]["metadata"],
        json!({"availability_zone": "nova2"})
    );
    assert!(b["aggregate"]["updated_at"].is_string());
    assert_eq!(
        api.call("2.1", "PUT", &format!("/os-aggregates/{id}"), Some(json!({"aggregate": {}}))),
        (400, err("badRequest", 400, "Invalid input for field/attribute aggregate. Value: {}. {} is not valid under any of the given schemas"))
    );
    assert_eq!(
        api.call(
            "2.1",
            "PUT",
            &format!("/os-aggregates/{id}"),
            Some(json!({"aggregate": {"name": "other"}}))
        ),
        (
            409,
            err("conflictingRequest", 409, "Aggregate other already exists.")
        )
    );
    assert_eq!(
        api.call(
            "2.1",
            "PUT",
            "/os-aggregates/42",
            Some(json!({"aggregate": {"name": "x"}}))
        ),
        (
            404,
            err("itemNotFound", 404, "Aggregate 42 could not be found.")
        )
    );

    // add_host: a compute host, once; not a host nova does not know.
    let act = |agg: i64, body: Value| {
        api.call(
            "2.1",
            "POST",
            &format!("/os-aggregates/{agg}/action"),
            Some(body),
        )
    };
    let (s, b) = act(id, json!({"add_host": {"host": "compute"}}));
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["aggregate"]["hosts"], json!(["compute"]));
    assert_eq!(
        act(id, json!({"add_host": {"host": "compute"}})),
        (
            409,
            err(
                "conflictingRequest",
                409,
                &format!("Aggregate {id} already has host compute.")
            )
        )
    );
    assert_eq!(
        act(id, json!({"add_host": {"host": "nowhere"}})),
        (
            404,
            err(
                "itemNotFound",
                404,
                "Compute host nowhere could not be found."
            )
        )
    );
    assert_eq!(
        act(id, json!({"add_host": {"host": "conductor"}})),
        (
            404,
            err(
                "itemNotFound",
                404,
                "Compute host conductor could not be found."
            )
        )
    );
    assert_eq!(
        act(77, json!({"add_host": {"host": "compute"}})),
        (
            404,
            err("itemNotFound", 404, "Aggregate 77 could not be found.")
        )
    );
    assert_eq!(
        act(id, json!({"add_host": {"host": "a/b"}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute host. Value: a/b. 'a/b' does not match '^[a-zA-Z0-9-._]*$'"))
    );
    assert_eq!(
        act(id, json!({"no_such": {}})),
        (
            400,
            err("badRequest", 400, "There is no such action: no_such")
        )
    );
    // A host in zone nova2 cannot join an aggregate of another zone.
    let (s, _) = act(
        other,
        json!({"set_metadata": {"metadata": {"availability_zone": "paris"}}}),
    );
    assert_eq!(s, 200);
    assert_eq!(
        act(other, json!({"add_host": {"host": "compute"}})),
        (409, err("conflictingRequest", 409, &format!("Cannot add host to aggregate {other}. Reason: One or more hosts already in availability zone(s) ['nova2']."))));

    // set_metadata: merge, null removes, keys follow nova's pattern, no empty zone.
    let (s, b) = act(
        id,
        json!({"set_metadata": {"metadata": {"key": "value", "gone": null}}}),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        b["aggregate"]["metadata"],
        json!({"availability_zone": "nova2", "key": "value"})
    );
    let (_, b) = act(id, json!({"set_metadata": {"metadata": {"key": null}}}));
    assert_eq!(
        b["aggregate"]["metadata"],
        json!({"availability_zone": "nova2"})
    );
    assert_eq!(
        act(id, json!({"set_metadata": {"metadata": {"a/b": "v"}}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute metadata. Value: {'a/b': 'v'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"))
    );
    assert_eq!(
        act(id, json!({"set_metadata": {"metadata": {"availability_zone": ""}}})),
        (400, err("badRequest", 400, &format!("Cannot update metadata of aggregate {id}. Reason: Aggregate newname does not support empty named availability zone.")))
    );
    assert_eq!(
        act(id, json!({"set_metadata": {}})),
        (400, err("badRequest", 400, "Invalid input for field/attribute set_metadata. Value: {}. 'metadata' is a required property"))
    );

    // delete: not while it has hosts; remove_host only of a host it has.
    assert_eq!(
        api.call("2.1", "DELETE", &format!("/os-aggregates/{id}"), None),
        (
            400,
            err(
                "badRequest",
                400,
                &format!(
                    "Cannot remove host from aggregate {id}. Reason: Host aggregate is not empty."
                )
            )
        )
    );
    assert_eq!(
        act(id, json!({"remove_host": {"host": "compute2"}})),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Cannot remove host compute2 in aggregate {id}")
            )
        )
    );
    assert_eq!(
        act(id, json!({"remove_host": {"host": "nowhere"}})),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Cannot remove host nowhere in aggregate {id}")
            )
        )
    );
    let (s, b) = act(id, json!({"remove_host": {"host": "compute"}}));
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["aggregate"]["hosts"], json!([]));
    let (s, b) = api.call("2.1", "DELETE", &format!("/os-aggregates/{id}"), None);
    assert_eq!((s, b), (200, Value::Null));
    assert_eq!(
        api.call("2.1", "DELETE", &format!("/os-aggregates/{id}"), None),
        (
            404,
            err(
                "itemNotFound",
                404,
                &format!("Aggregate {id} could not be found.")
            )
        )
    );
}

#[test]
fn a_zone_change_does_not_move_servers() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let (s, b) = api.call(
        "2.1",
        "POST",
        "/servers",
        Some(
            json!({"server": {"name": "s", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID}}),
        ),
    );
    assert_eq!(s, 202, "{b}");
    let sid = b["server"]["id"].as_str().expect("id").to_string();
    // Placed on a host once out of BUILD (0.4 s).
    std::thread::sleep(std::time::Duration::from_millis(600));
    let (_, b) = api.call("2.1", "GET", &format!("/servers/{sid}"), None);
    let host = b["server"]["OS-EXT-SRV-ATTR:host"]
        .as_str()
        .expect("host")
        .to_string();
    let (_, b) = api.call(
        "2.1",
        "POST",
        "/os-aggregates",
        Some(json!({"aggregate": {"name": "a"}})),
    );
    let id = b["aggregate"]["id"].as_i64().expect("id");
    let (s, _) = api.call(
        "2.1",
        "POST",
        &format!("/os-aggregates/{id}/action"),
        Some(json!({"add_host": {"host": host}})),
    );
    assert_eq!(s, 200);
    assert_eq!(
        api.call("2.1", "PUT", &format!("/os-aggregates/{id}"), Some(json!({"aggregate": {"availability_zone": "z"}}))),
        (400, err("badRequest", 400, &format!("Cannot update aggregate {id}. Reason: One or more hosts contain instances in this zone.")))
    );
}

#[test]
fn an_aggregates_zone_is_its_hosts_zone() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let (_, b) = api.call(
        "2.1",
        "POST",
        "/os-aggregates",
        Some(json!({"aggregate": {"name": "a", "availability_zone": "london"}})),
    );
    let id = b["aggregate"]["id"].as_i64().expect("id");
    let (s, _) = api.call(
        "2.1",
        "POST",
        &format!("/os-aggregates/{id}/action"),
        Some(json!({"add_host": {"host": "compute"}})),
    );
    assert_eq!(s, 200);
    // os-services: the host's zone.
    let (_, b) = api.call("2.1", "GET", "/os-services?binary=nova-compute", None);
    let zones: Vec<(&str, &str)> = b["services"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| Some((x["host"].as_str()?, x["zone"].as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(zones, [("compute", "london"), ("compute2", "nova")]);
    // The zone list, sorted.
    let (_, b) = api.call("2.1", "GET", "/os-availability-zone", None);
    let names: Vec<&str> = b["availabilityZoneInfo"]
        .as_array()
        .map(|a| a.iter().filter_map(|z| z["zoneName"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["london", "nova"]);
    // A boot into the zone lands on its host; an unknown zone is refused.
    let boot = |zone: &str| {
        api.call(
            "2.1",
            "POST",
            "/servers",
            Some(json!({"server": {"name": "z", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID,
                                   "availability_zone": zone}})),
        )
    };
    let (s, b) = boot("london");
    assert_eq!(s, 202, "{b}");
    let sid = b["server"]["id"].as_str().expect("id").to_string();
    std::thread::sleep(std::time::Duration::from_millis(600));
    let (_, b) = api.call("2.1", "GET", &format!("/servers/{sid}"), None);
    assert_eq!(b["server"]["OS-EXT-SRV-ATTR:host"], "compute");
    assert_eq!(b["server"]["OS-EXT-AZ:availability_zone"], "london");
    assert_eq!(
        boot("paris"),
        (
            400,
            err(
                "badRequest",
                400,
                "The requested availability zone is not available"
            )
        )
    );
}
