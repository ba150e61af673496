//! The local cloud on its own: nova's status codes and error bodies for bad requests, and a
//! consistent state under concurrent boots and deletes.

use novagen_tests::Cloud;
use serde_json::{json, Value};

/// A request with a raw body, a token (if any) and a compute microversion (if any); returns
/// status and JSON body (Null if none).
fn send(
    cloud: &Cloud,
    token: Option<&str>,
    version: Option<&str>,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, Value) {
    let mut headers = Vec::new();
    if let Some(t) = token {
        headers.push(("X-Auth-Token", t.to_string()));
    }
    if let Some(v) = version {
        headers.push(("OpenStack-API-Version", format!("compute {v}")));
    }
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    raw(cloud, method, path, &pairs, body)
}

/// A request with a raw body and chosen headers.
fn raw(
    cloud: &Cloud,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = reqwest::blocking::Client::new().request(m, format!("{}{path}", cloud.url));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if !body.is_empty() {
        req = req
            .header("Content-Type", "application/json")
            .body(body.to_string());
    }
    let resp = req.send().expect("cloud answers");
    let status = resp.status().as_u16();
    assert!(
        resp.headers().contains_key("x-openstack-request-id"),
        "every reply has a request ID"
    );
    (status, resp.json().unwrap_or(Value::Null))
}

/// A bad request and nova's answer: (microversion, method, path, body, status, error key, message).
type BadCase<'a> = (
    Option<&'a str>,
    &'a str,
    &'a str,
    String,
    u16,
    &'a str,
    String,
);

fn error(kind: &str, code: u16, message: &str) -> Value {
    json!({ kind: { "code": code, "message": message } })
}

#[test]
fn bad_requests_get_novas_errors() {
    let cloud = Cloud::start();
    let token = cloud.token();
    let t = Some(token.as_str());
    let servers = "/compute/v2.1/servers";
    let boot = |flavor: &str, image: &str| {
        format!(r#"{{"server": {{"name": "a", "flavorRef": "{flavor}", "imageRef": "{image}"}}}}"#)
    };
    let base = nova_sim::BASE_IMAGE_ID;

    let cases: Vec<BadCase> = vec![
        (
            None,
            "POST",
            servers,
            "{not json".into(),
            400,
            "badRequest",
            "Malformed request body".into(),
        ),
        (
            None,
            "POST",
            servers,
            r#"{"server": {"flavorRef": "1", "imageRef": "x"}}"#.into(),
            400,
            "badRequest",
            "Invalid input for field/attribute server. Value: {'flavorRef': '1', 'imageRef': 'x'}. 'name' is a required property".into(),
        ),
        (
            None,
            "POST",
            servers,
            boot("99", base),
            400,
            "badRequest",
            "Flavor 99 could not be found.".into(),
        ),
        (
            None,
            "POST",
            servers,
            boot("1", "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f"),
            400,
            "badRequest",
            "Can not find requested image".into(),
        ),
        (
            Some("2.37"),
            "POST",
            servers,
            boot("1", base),
            400,
            "badRequest",
            format!("Invalid input for field/attribute server. Value: {{'name': 'a', 'flavorRef': '1', 'imageRef': '{base}'}}. 'networks' is a required property"),
        ),
        (
            None,
            "GET",
            "/compute/v2.1/servers/nope",
            String::new(),
            404,
            "itemNotFound",
            "Instance nope could not be found.".into(),
        ),
        (
            None,
            "GET",
            "/compute/v2.1/flavors/42",
            String::new(),
            404,
            "itemNotFound",
            "Flavor 42 could not be found.".into(),
        ),
        (
            Some("2.200"),
            "GET",
            "/compute/v2.1/flavors",
            String::new(),
            406,
            "computeFault",
            "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.104."
                .into(),
        ),
        (
            Some("2.92"),
            "POST",
            "/compute/v2.1/os-keypairs",
            r#"{"keypair": {"name": "g"}}"#.into(),
            400,
            "badRequest",
            "Invalid input for field/attribute keypair. 'public_key' is a required property".into(),
        ),
        (
            Some("2.36"),
            "GET",
            "/compute/v2.1/images",
            String::new(),
            404,
            "itemNotFound",
            "The resource could not be found.".into(),
        ),
    ];
    for (version, method, path, body, status, kind, message) in cases {
        assert_eq!(
            send(&cloud, t, version, method, path, &body),
            (status, error(kind, status, &message)),
            "{method} {path} {body}"
        );
    }
    assert_eq!(
        send(&cloud, t, Some("2.35"), "GET", "/compute/v2.1/images", "").0,
        200
    );
    let legacy = [
        ("X-Auth-Token", token.as_str()),
        ("X-OpenStack-Nova-API-Version", "two"),
    ];
    assert_eq!(
        raw(&cloud, "GET", "/compute/v2.1/flavors", &legacy, "").0,
        400
    );

    // Wrong or missing token: Keystone's error shape.
    let unauthorized = json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}});
    assert_eq!(
        send(
            &cloud,
            Some("bogus"),
            None,
            "GET",
            "/compute/v2.1/flavors",
            ""
        ),
        (401, unauthorized.clone())
    );
    assert_eq!(
        send(&cloud, None, None, "GET", "/compute/v2.1/flavors", ""),
        (401, unauthorized.clone())
    );
    let bad_password = r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "nope"}}}}}"#;
    assert_eq!(
        send(
            &cloud,
            None,
            None,
            "POST",
            "/identity/v3/auth/tokens",
            bad_password
        ),
        (401, unauthorized)
    );

    // Conflicts: a snapshot of a server still building, a duplicate key pair.
    let (_, created) = send(&cloud, t, None, "POST", servers, &boot("1", base));
    let id = created["server"]["id"]
        .as_str()
        .expect("server id")
        .to_string();
    let action = format!("{servers}/{id}/action");
    assert_eq!(
        send(
            &cloud,
            t,
            None,
            "POST",
            &action,
            r#"{"createImage": {"name": "s"}}"#
        ),
        (
            409,
            error(
                "conflictingRequest",
                409,
                &format!("Cannot 'createImage' instance {id} while it is in vm_state building")
            )
        )
    );
    assert_eq!(
        send(&cloud, t, None, "POST", &action, r#"{"fly": {}}"#),
        (
            400,
            error("badRequest", 400, "There is no such action: fly")
        )
    );
    let kp = r#"{"keypair": {"name": "k", "public_key": "ssh-rsa AAAA k"}}"#;
    assert_eq!(
        send(&cloud, t, None, "POST", "/compute/v2.1/os-keypairs", kp).0,
        200
    );
    assert_eq!(
        send(&cloud, t, None, "POST", "/compute/v2.1/os-keypairs", kp),
        (
            409,
            error("conflictingRequest", 409, "Key pair 'k' already exists.")
        )
    );
}

#[test]
fn concurrent_boots_and_deletes_leave_a_consistent_list() {
    let cloud = Cloud::with_args(&["--max-limit", "50"]);
    let token = cloud.token();
    let url = format!("{}/compute/v2.1/servers", cloud.url);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (url, token) = (url.clone(), token.clone());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                let mut kept = Vec::new();
                for i in 0..25 {
                    let body = json!({"server": {"name": format!("t{t}-{i}"), "flavorRef": "1",
                        "imageRef": nova_sim::BASE_IMAGE_ID, "networks": "none"}});
                    let resp = http
                        .post(&url)
                        .header("X-Auth-Token", &token)
                        .header("OpenStack-API-Version", "compute 2.37")
                        .json(&body)
                        .send()
                        .expect("boot");
                    assert_eq!(resp.status().as_u16(), 202);
                    let v: Value = resp.json().expect("json");
                    let id = v["server"]["id"].as_str().expect("id").to_string();
                    if i % 2 == 0 {
                        let del = http
                            .delete(format!("{url}/{id}"))
                            .header("X-Auth-Token", &token)
                            .send()
                            .expect("delete");
                        assert_eq!(del.status().as_u16(), 204);
                    } else {
                        kept.push((format!("t{t}-{i}"), id));
                    }
                }
                kept
            })
        })
        .collect();
    let mut expected: Vec<(String, String)> = threads
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    expected.sort();

    // Walk every page of the list, as a client would.
    let http = reqwest::blocking::Client::new();
    let mut seen = Vec::new();
    let mut next = Some(format!("{url}/detail"));
    while let Some(u) = next.take() {
        let page: Value = http
            .get(&u)
            .header("X-Auth-Token", &token)
            .send()
            .and_then(|r| r.json())
            .expect("page");
        for s in page["servers"].as_array().expect("servers") {
            seen.push((
                s["name"].as_str().expect("name").to_string(),
                s["id"].as_str().expect("id").to_string(),
            ));
        }
        next = page["servers_links"][0]["href"]
            .as_str()
            .map(str::to_string);
    }
    seen.sort();
    assert_eq!(expected.len(), 8 * 12, "12 of 25 kept per thread");
    assert_eq!(seen, expected);
}

#[test]
fn identity_discovery_validation_and_glance_filters() {
    let cloud = Cloud::start();
    let (status, doc) = raw(&cloud, "GET", "/identity", &[], "");
    assert_eq!(status, 300);
    assert_eq!(doc["versions"]["values"][0]["id"], "v3.14");
    assert_eq!(
        raw(&cloud, "GET", "/identity/v3", &[], "").1["version"]["status"],
        "stable"
    );
    let token = cloud.token();
    let (status, body) = raw(
        &cloud,
        "GET",
        "/identity/v3/auth/tokens",
        &[("X-Auth-Token", &token), ("X-Subject-Token", &token)],
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(body["token"]["project"]["name"], "admin");
    let types: Vec<&str> = body["token"]["catalog"]
        .as_array()
        .expect("catalog")
        .iter()
        .filter_map(|s| s["type"].as_str())
        .collect();
    assert_eq!(types, ["compute", "image", "identity"]);
    assert_eq!(
        raw(
            &cloud,
            "GET",
            "/identity/v3/auth/tokens",
            &[("X-Auth-Token", &token), ("X-Subject-Token", "gone")],
            ""
        )
        .0,
        404
    );
    // Token method and project scope by ID.
    let by_token = format!(
        r#"{{"auth": {{"identity": {{"methods": ["token"], "token": {{"id": "{token}"}}}}, "scope": {{"project": {{"id": "{}"}}}}}}}}"#,
        body["token"]["project"]["id"].as_str().expect("project id")
    );
    assert_eq!(
        raw(&cloud, "POST", "/identity/v3/auth/tokens", &[], &by_token).0,
        201
    );
    let wrong_project = r#"{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"name": "Default"}, "password": "secret"}}}, "scope": {"project": {"name": "other", "domain": {"name": "Default"}}}}}"#;
    assert_eq!(
        raw(
            &cloud,
            "POST",
            "/identity/v3/auth/tokens",
            &[],
            wrong_project
        )
        .0,
        401
    );

    // Flavor create and delete.
    let (status, made) = send(
        &cloud,
        Some(&token),
        None,
        "POST",
        "/compute/v2.1/flavors",
        r#"{"flavor": {"name": "m2.big", "ram": 1, "vcpus": 1, "disk": 1}}"#,
    );
    assert_eq!(status, 200);
    let id = made["flavor"]["id"]
        .as_str()
        .expect("flavor id")
        .to_string();
    // No `id`: nova makes a UUID.
    assert_eq!(id.len(), 36, "{id}");
    // Deleted once; the second time it is gone.
    let flavor = format!("/compute/v2.1/flavors/{id}");
    for want in [202, 404] {
        assert_eq!(
            send(&cloud, Some(&token), None, "DELETE", &flavor, "").0,
            want
        );
    }

    // Glance filters, and a snapshot that shows up there.
    let (_, images) = send(
        &cloud,
        Some(&token),
        None,
        "GET",
        "/image/v2/images?status=active",
        "",
    );
    assert_eq!(images["images"].as_array().map(Vec::len), Some(1));
    let (_, none) = send(
        &cloud,
        Some(&token),
        None,
        "GET",
        "/image/v2/images?name=nope",
        "",
    );
    assert_eq!(none["images"], json!([]));
    assert_eq!(raw(&cloud, "GET", "/image/v2/images", &[], "").0, 401);
}
