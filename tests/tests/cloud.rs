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
    // The 100 servers kept are more than nova's default quota.
    let unlimited = r#"{"quota_set": {"instances": -1, "cores": -1, "ram": -1}}"#;
    let project = "/compute/v2.1/os-quota-sets/6f70656e737461636b20342065766572";
    assert_eq!(
        send(&cloud, Some(&token), None, "PUT", project, unlimited).0,
        200
    );
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

/// The key comparisons with nova's samples in this file's tests (`Api::check`) need the
/// api-samples; without them those comparisons are skipped, and this test shows it in the
/// summary (ignored), or fails under `CI`.
#[test]
#[cfg_attr(
    no_samples,
    ignore = "needs ../shared/nova-api-samples (this file's comparisons with nova's samples are skipped)"
)]
fn api_samples_for_the_key_comparisons() {
    assert!(novagen_tests::samples().is_some());
}

/// Keys (recursively, every element of arrays) of `body` that differ from nova's sample
/// `file` (under the api-samples); empty when the samples are absent.
fn sample_diff(file: &str, body: &Value) -> Vec<String> {
    fn walk(s: &Value, a: &Value, at: &str, out: &mut Vec<String>) {
        match (s, a) {
            (Value::Object(s), Value::Object(a)) => {
                for k in s.keys().filter(|k| !a.contains_key(*k)) {
                    out.push(format!("{at}.{k} missing"));
                }
                for k in a.keys().filter(|k| !s.contains_key(*k)) {
                    out.push(format!("{at}.{k} not in the sample"));
                }
                for (k, sv) in s {
                    if let Some(av) = a.get(k) {
                        if !["metadata", "extra_specs", "hosts", "cpu_info"].contains(&k.as_str()) {
                            walk(sv, av, &format!("{at}.{k}"), out);
                        }
                    }
                }
            }
            (Value::Array(s), Value::Array(a)) => {
                for (i, av) in a.iter().enumerate() {
                    if let Some(sv) = s.get(i).or(s.first()) {
                        walk(sv, av, &format!("{at}[{i}]"), out);
                    }
                }
            }
            _ => {}
        }
    }
    let Some(dir) = novagen_tests::samples() else {
        return Vec::new();
    };
    let text = std::fs::read_to_string(dir.join(file)).expect("sample file");
    let sample: Value = serde_json::from_str(&text).expect("sample JSON");
    let mut out = Vec::new();
    walk(&sample, body, "", &mut out);
    out
}

/// A cloud client at one microversion.
struct Api<'a> {
    cloud: &'a Cloud,
    token: String,
}

impl Api<'_> {
    fn call(&self, v: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
        let text = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        send(
            self.cloud,
            Some(&self.token),
            Some(v),
            method,
            &format!("/compute/v2.1{path}"),
            &text,
        )
    }

    /// A call whose reply must have `status` and the keys of `sample` (if given).
    fn check(
        &self,
        v: &str,
        method: &str,
        path: &str,
        body: Value,
        status: u16,
        sample: Option<&str>,
    ) -> Value {
        let (got, reply) = self.call(v, method, path, body);
        assert_eq!(got, status, "{method} {path} at {v}: {reply}");
        if let Some(file) = sample {
            let diff = sample_diff(file, &reply);
            assert!(
                diff.is_empty(),
                "{method} {path} at {v} vs {file}: {diff:?}"
            );
        }
        reply
    }

    fn boot(&self, name: &str) -> String {
        let body = json!({"server": {"name": name, "flavorRef": "1",
            "imageRef": nova_sim::BASE_IMAGE_ID, "networks": "auto"}});
        let reply = self.check("2.37", "POST", "/servers", body, 202, None);
        reply["server"]["id"].as_str().expect("id").to_string()
    }

    fn status(&self, id: &str) -> String {
        let (_, s) = self.call("2.1", "GET", &format!("/servers/{id}"), Value::Null);
        s["server"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(500));
}

#[test]
fn server_actions_follow_novas_states() {
    let cloud = Cloud::start();
    let api = Api {
        cloud: &cloud,
        token: cloud.token(),
    };
    let id = api.boot("life");
    let action = format!("/servers/{id}/action");
    // Building: refused.
    let (s, e) = api.call("2.1", "POST", &action, json!({"os-stop": null}));
    assert_eq!(
        (s, e["conflictingRequest"]["message"].clone()),
        (
            409,
            json!(format!(
                "Cannot 'stop' instance {id} while it is in vm_state building"
            ))
        )
    );
    settle();
    api.check(
        "2.1",
        "POST",
        &action,
        json!({"reboot": {"type": "SOFT"}}),
        202,
        None,
    );
    assert_eq!(api.status(&id), "REBOOT");
    let (s, _) = api.call("2.1", "POST", &action, json!({"reboot": {"type": "HARD"}}));
    assert_eq!(s, 409, "busy rebooting");
    settle();
    let (s, e) = api.call("2.1", "POST", &action, json!({"reboot": {}}));
    assert_eq!((s, e["badRequest"]["message"].clone()), (400, json!("Invalid input for field/attribute reboot. Value: {}. 'type' is a required property")));
    api.check("2.1", "POST", &action, json!({"os-stop": null}), 202, None);
    settle();
    assert_eq!(api.status(&id), "SHUTOFF");
    let (s, e) = api.call("2.1", "POST", &action, json!({"os-stop": null}));
    assert_eq!(
        (s, e["conflictingRequest"]["message"].clone()),
        (
            409,
            json!(format!(
                "Cannot 'stop' instance {id} while it is in vm_state stopped"
            ))
        )
    );
    api.check("2.1", "POST", &action, json!({"os-start": null}), 202, None);
    settle();
    api.check("2.1", "POST", &action, json!({"pause": null}), 202, None);
    settle();
    assert_eq!(api.status(&id), "PAUSED");
    api.check("2.1", "POST", &action, json!({"unpause": null}), 202, None);
    settle();
    // Lock with a reason from 2.73.
    api.check(
        "2.73",
        "POST",
        &action,
        json!({"lock": {"locked_reason": "maint"}}),
        202,
        None,
    );
    let (_, s) = api.call("2.73", "GET", &format!("/servers/{id}"), Value::Null);
    assert_eq!(
        (
            s["server"]["locked"].clone(),
            s["server"]["locked_reason"].clone()
        ),
        (json!(true), json!("maint"))
    );
    assert_eq!(
        api.call(
            "2.1",
            "POST",
            &action,
            json!({"lock": {"locked_reason": "x"}})
        )
        .0,
        400
    );
    api.check("2.1", "POST", &action, json!({"unlock": null}), 202, None);
    // Rebuild: the reduced view below 2.75, the full one from 2.75, with adminPass.
    for (v, sample) in [
        ("2.1", "servers/server-action-rebuild-resp.json"),
        ("2.26", "servers/v2.26/server-action-rebuild-resp.json"),
        ("2.57", "servers/v2.57/server-action-rebuild-resp.json"),
    ] {
        let mut body = json!({"rebuild": {"imageRef": nova_sim::BASE_IMAGE_ID, "name": "reborn", "metadata": {"a": "b"}}});
        if v == "2.57" {
            body["rebuild"]["user_data"] = json!("aGVsbG8=");
        }
        let r = api.check(v, "POST", &action, body, 202, Some(sample));
        assert_eq!(r["server"]["status"], "REBUILD");
        settle();
    }
    let r = api.check(
        "2.75",
        "POST",
        &action,
        json!({"rebuild": {"imageRef": nova_sim::BASE_IMAGE_ID, "description": null}}),
        202,
        None,
    );
    assert!(
        r["server"]["adminPass"].is_string() && r["server"]["OS-EXT-STS:vm_state"].is_string(),
        "{r}"
    );
    settle();
    let (s, _) = api.call(
        "2.1",
        "POST",
        &action,
        json!({"rebuild": {"imageRef": nova_sim::BASE_IMAGE_ID, "description": "x"}}),
    );
    assert_eq!(s, 400, "description is 2.19+");
    // Cold migration to the other host, then confirm.
    let (_, before) = api.call("2.1", "GET", &format!("/servers/{id}"), Value::Null);
    let host = before["server"]["OS-EXT-SRV-ATTR:host"]
        .as_str()
        .expect("host")
        .to_string();
    assert_eq!(
        api.call("2.56", "POST", &action, json!({"migrate": {"host": host}}))
            .0,
        400
    );
    api.check("2.56", "POST", &action, json!({"migrate": null}), 202, None);
    settle();
    assert_eq!(api.status(&id), "VERIFY_RESIZE");
    api.check(
        "2.1",
        "POST",
        &action,
        json!({"confirmResize": null}),
        204,
        None,
    );
    let (_, after) = api.call("2.1", "GET", &format!("/servers/{id}"), Value::Null);
    let moved = after["server"]["OS-EXT-SRV-ATTR:host"]
        .as_str()
        .expect("host")
        .to_string();
    assert_ne!(moved, host);
    // Evacuate needs the source compute down.
    let (s, e) = api.call("2.14", "POST", &action, json!({"evacuate": {}}));
    assert_eq!(
        (s, e["badRequest"]["message"].clone()),
        (
            400,
            json!(format!("Compute service of {moved} is still in use."))
        )
    );
    api.check(
        "2.11",
        "PUT",
        "/os-services/force-down",
        json!({"host": moved, "binary": "nova-compute", "forced_down": true}),
        200,
        Some("os-services/v2.11/service-force-down-put-resp.json"),
    );
    assert_eq!(
        api.call("2.1", "POST", &action, json!({"evacuate": {}})).0,
        400,
        "onSharedStorage is required below 2.14"
    );
    let r = api.check(
        "2.1",
        "POST",
        &action,
        json!({"evacuate": {"onSharedStorage": false}}),
        200,
        Some("os-evacuate/server-evacuate-resp.json"),
    );
    assert!(r["adminPass"].is_string());
    settle();
    // Consoles: actions up to 2.5, remote-consoles from 2.6.
    api.check(
        "2.1",
        "POST",
        &action,
        json!({"os-getVNCConsole": {"type": "novnc"}}),
        200,
        Some("os-remote-consoles/get-vnc-console-post-resp.json"),
    );
    api.check(
        "2.1",
        "POST",
        &action,
        json!({"os-getSPICEConsole": {"type": "spice-html5"}}),
        200,
        Some("os-remote-consoles/get-spice-console-post-resp.json"),
    );
    api.check(
        "2.1",
        "POST",
        &action,
        json!({"os-getSerialConsole": {"type": "serial"}}),
        200,
        Some("os-remote-consoles/get-serial-console-post-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.6",
            "POST",
            &action,
            json!({"os-getVNCConsole": {"type": "novnc"}})
        )
        .0,
        404
    );
    let consoles = format!("/servers/{id}/remote-consoles");
    api.check(
        "2.6",
        "POST",
        &consoles,
        json!({"remote_console": {"protocol": "vnc", "type": "novnc"}}),
        200,
        Some("os-remote-consoles/v2.6/create-vnc-console-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.5",
            "POST",
            &consoles,
            json!({"remote_console": {"protocol": "vnc", "type": "novnc"}})
        )
        .0,
        404
    );
    let (s, e) = api.call(
        "2.6",
        "POST",
        &consoles,
        json!({"remote_console": {"protocol": "vnc", "type": "spice-html5"}}),
    );
    assert_eq!(
        (s, e["badRequest"]["message"].clone()),
        (400, json!("Invalid console type spice-html5"))
    );
    // The action log.
    let log = api.check(
        "2.1",
        "GET",
        &format!("/servers/{id}/os-instance-actions"),
        Value::Null,
        200,
        Some("os-instance-actions/instance-actions-list-resp.json"),
    );
    let actions: Vec<&str> = log["instanceActions"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(actions.last(), Some(&"create"));
    assert!(
        actions.contains(&"reboot") && actions.contains(&"stop"),
        "{actions:?}"
    );
    let req = log["instanceActions"][0]["request_id"]
        .as_str()
        .expect("request id");
    api.check(
        "2.84",
        "GET",
        &format!("/servers/{id}/os-instance-actions/{req}"),
        Value::Null,
        200,
        Some("os-instance-actions/v2.84/instance-action-get-resp.json"),
    );
}

#[test]
fn server_update_metadata_tags_and_lists() {
    let cloud = Cloud::start();
    let api = Api {
        cloud: &cloud,
        token: cloud.token(),
    };
    let id = api.boot("web-1");
    let other = api.boot("db-1");
    settle();
    let server = format!("/servers/{id}");
    // Update.
    api.check(
        "2.1",
        "PUT",
        &server,
        json!({"server": {"name": "web-2"}}),
        200,
        Some("servers/server-update-resp.json"),
    );
    api.check(
        "2.19",
        "PUT",
        &server,
        json!({"server": {"description": null}}),
        200,
        None,
    );
    let (s, e) = api.call(
        "2.1",
        "PUT",
        &server,
        json!({"server": {"name": "b", "foo": 1}}),
    );
    assert_eq!((s, e["badRequest"]["message"].clone()), (400, json!("Invalid input for field/attribute server. Value: {'name': 'b', 'foo': 1}. Additional properties are not allowed ('foo' was unexpected)")));
    // Metadata.
    let meta = format!("{server}/metadata");
    api.check(
        "2.1",
        "PUT",
        &meta,
        json!({"metadata": {"foo": "Foo Value"}}),
        200,
        Some("server-metadata/server-metadata-all-resp.json"),
    );
    let all = api.check(
        "2.1",
        "POST",
        &meta,
        json!({"metadata": {"bar": "1"}}),
        200,
        None,
    );
    assert_eq!(all["metadata"], json!({"foo": "Foo Value", "bar": "1"}));
    api.check(
        "2.1",
        "PUT",
        &format!("{meta}/foo"),
        json!({"meta": {"foo": "Bar"}}),
        200,
        Some("server-metadata/server-metadata-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.1",
            "PUT",
            &format!("{meta}/foo"),
            json!({"meta": {"x": "Bar"}})
        )
        .0,
        400
    );
    api.check(
        "2.1",
        "GET",
        &format!("{meta}/foo"),
        Value::Null,
        200,
        Some("server-metadata/server-metadata-resp.json"),
    );
    api.check(
        "2.1",
        "DELETE",
        &format!("{meta}/foo"),
        Value::Null,
        204,
        None,
    );
    assert_eq!(
        api.call("2.1", "GET", &format!("{meta}/foo"), Value::Null)
            .0,
        404
    );
    // Tags, 2.26+.
    let tags = format!("{server}/tags");
    assert_eq!(api.call("2.25", "GET", &tags, Value::Null).0, 404);
    api.check(
        "2.26",
        "PUT",
        &tags,
        json!({"tags": ["tag1", "tag2"]}),
        200,
        Some("os-server-tags/v2.26/server-tags-put-all-resp.json"),
    );
    api.check(
        "2.26",
        "GET",
        &format!("{tags}/tag1"),
        Value::Null,
        204,
        None,
    );
    assert_eq!(
        api.call("2.26", "GET", &format!("{tags}/nope"), Value::Null)
            .0,
        404
    );
    api.check(
        "2.26",
        "PUT",
        &format!("{tags}/tag3"),
        Value::Null,
        201,
        None,
    );
    api.check(
        "2.26",
        "DELETE",
        &format!("{tags}/tag2"),
        Value::Null,
        204,
        None,
    );
    let t = api.check(
        "2.26",
        "GET",
        &tags,
        Value::Null,
        200,
        Some("os-server-tags/v2.26/server-tags-index-resp.json"),
    );
    assert_eq!(t["tags"], json!(["tag1", "tag3"]));
    let (_, shown) = api.call("2.26", "GET", &server, Value::Null);
    assert_eq!(shown["server"]["tags"], json!(["tag1", "tag3"]));
    // Filters.
    let names = |v: &str, q: &str| -> Vec<String> {
        let (_, l) = api.call(v, "GET", &format!("/servers?{q}"), Value::Null);
        l["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .map(|s| s["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(names("2.26", "tags=tag1,tag3"), ["web-2"]);
    assert_eq!(names("2.26", "not-tags-any=tag1"), ["db-1"]);
    assert_eq!(names("2.1", "name=^db"), ["db-1"]);
    assert_eq!(
        names("2.1", "name=-[0-9]$&sort_key=display_name&sort_dir=asc"),
        ["db-1", "web-2"]
    );
    assert_eq!(
        names("2.1", "sort_key=display_name&sort_dir=desc"),
        ["web-2", "db-1"]
    );
    assert_eq!(names("2.1", "status=SHUTOFF"), Vec::<String>::new());
    assert_eq!(names("2.1", "changes-since=2000-01-01T00:00:00Z").len(), 2);
    assert!(names("2.1", "changes-since=2999-01-01T00:00:00Z").is_empty());
    assert_eq!(
        api.call("2.1", "GET", "/servers?changes-since=soon", Value::Null)
            .0,
        400
    );
    assert_eq!(
        api.call("2.1", "GET", "/servers?sort_key=bogus", Value::Null)
            .0,
        400
    );
    let (_, minimal) = api.call("2.1", "GET", "/servers", Value::Null);
    assert_eq!(
        minimal["servers"][0].as_object().map(|o| o.len()),
        Some(3),
        "id, name, links"
    );
    // Boot extras: several servers, reservation id, user_data, boot from volume, tags.
    let boot = |body: Value, v: &str| api.call(v, "POST", "/servers", body);
    let base = nova_sim::BASE_IMAGE_ID;
    let (s, r) = boot(
        json!({"server": {"name": "many", "flavorRef": "1", "imageRef": base, "min_count": 2, "max_count": 3, "return_reservation_id": true}}),
        "2.1",
    );
    assert_eq!(s, 202);
    let rid = r["reservation_id"].as_str().expect("reservation id");
    let mut many = names(
        "2.1",
        &format!("reservation_id={rid}&sort_key=display_name&sort_dir=asc"),
    );
    many.sort();
    assert_eq!(many, ["many-1", "many-2", "many-3"]);
    let (s, e) = boot(
        json!({"server": {"name": "u", "flavorRef": "1", "imageRef": base, "user_data": "not b64!"}}),
        "2.1",
    );
    assert_eq!((s, e["badRequest"]["message"].clone()), (400, json!("Invalid input for field/attribute user_data. Value: not b64!. 'not b64!' is not a 'base64'")));
    assert_eq!(boot(json!({"server": {"name": "m", "flavorRef": "1", "imageRef": base, "min_count": 3, "max_count": 2}}), "2.1").1["badRequest"]["message"], "min_count must be <= max_count");
    let (s, r) = boot(
        json!({"server": {"name": "vol", "flavorRef": "1", "imageRef": "", "networks": "none", "tags": ["x"],
        "security_groups": [{"name": "default"}], "user_data": "aGVsbG8=",
        "block_device_mapping_v2": [{"boot_index": 0, "uuid": "9d9c7c0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "source_type": "volume", "destination_type": "volume"}]},
        "os:scheduler_hints": {"same_host": []}}),
        "2.100",
    );
    assert_eq!(s, 202, "{r}");
    let vid = r["server"]["id"].as_str().expect("id");
    let (_, v) = api.call("2.100", "GET", &format!("/servers/{vid}"), Value::Null);
    assert_eq!(
        (
            v["server"]["image"].clone(),
            v["server"]["tags"].clone(),
            v["server"]["scheduler_hints"].clone()
        ),
        (json!(""), json!(["x"]), json!({"same_host": []}))
    );
    assert_eq!(
        boot(
            json!({"server": {"name": "t", "flavorRef": "1", "imageRef": base, "tags": ["x"]}}),
            "2.51"
        )
        .0,
        400
    );
    let _ = other;
}

#[test]
fn flavor_specs_access_and_update() {
    let cloud = Cloud::start();
    let api = Api {
        cloud: &cloud,
        token: cloud.token(),
    };
    let made = api.check("2.1", "POST", "/flavors", json!({"flavor": {"name": "private", "ram": 1024, "vcpus": 2, "disk": 10, "id": "10", "os-flavor-access:is_public": false}}), 200, Some("flavor-manage/flavor-create-post-resp.json"));
    assert_eq!(made["flavor"]["os-flavor-access:is_public"], false);
    let (s, e) = api.call(
        "2.1",
        "POST",
        "/flavors",
        json!({"flavor": {"name": "x", "ram": 0, "vcpus": 1, "disk": 1}}),
    );
    assert_eq!(
        (s, e["badRequest"]["message"].clone()),
        (
            400,
            json!(
                "Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1"
            )
        )
    );
    // Private flavors are listed with is_public=None or false only.
    let ids = |q: &str| -> Vec<String> {
        let (_, l) = api.call("2.1", "GET", &format!("/flavors{q}"), Value::Null);
        l["flavors"]
            .as_array()
            .expect("flavors")
            .iter()
            .filter_map(|f| f["id"].as_str().map(str::to_string))
            .collect()
    };
    assert!(!ids("").contains(&"10".to_string()));
    assert_eq!(ids("?is_public=false"), ["10"]);
    assert_eq!(ids("?is_public=None").len(), 6);
    // Access.
    let access = "/flavors/10/os-flavor-access";
    api.check(
        "2.1",
        "POST",
        "/flavors/10/action",
        json!({"addTenantAccess": {"tenant": "fake_tenant"}}),
        200,
        Some("flavor-access/flavor-access-add-tenant-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.1",
            "POST",
            "/flavors/10/action",
            json!({"addTenantAccess": {"tenant": "fake_tenant"}})
        )
        .0,
        409
    );
    api.check(
        "2.1",
        "GET",
        access,
        Value::Null,
        200,
        Some("flavor-access/flavor-access-list-resp.json"),
    );
    let r = api.check(
        "2.1",
        "POST",
        "/flavors/10/action",
        json!({"removeTenantAccess": {"tenant": "fake_tenant"}}),
        200,
        Some("flavor-access/flavor-access-remove-tenant-resp.json"),
    );
    assert_eq!(r, json!({"flavor_access": []}));
    assert_eq!(
        api.call("2.1", "GET", "/flavors/1/os-flavor-access", Value::Null)
            .1["itemNotFound"]["message"],
        "Access list not available for public flavors."
    );
    // Extra specs.
    let specs = "/flavors/10/os-extra_specs";
    api.check(
        "2.1",
        "POST",
        specs,
        json!({"extra_specs": {"hw:cpu_policy": "shared", "hw:numa_nodes": "1"}}),
        200,
        Some("flavor-extra-specs/flavor-extra-specs-create-resp.json"),
    );
    api.check(
        "2.1",
        "GET",
        specs,
        Value::Null,
        200,
        Some("flavor-extra-specs/flavor-extra-specs-list-resp.json"),
    );
    api.check(
        "2.1",
        "PUT",
        &format!("{specs}/hw:numa_nodes"),
        json!({"hw:numa_nodes": "2"}),
        200,
        Some("flavor-extra-specs/flavor-extra-specs-update-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.1",
            "PUT",
            &format!("{specs}/hw:numa_nodes"),
            json!({"other": "2"})
        )
        .1["badRequest"]["message"],
        "Request body and URI mismatch"
    );
    api.check(
        "2.1",
        "GET",
        &format!("{specs}/hw:numa_nodes"),
        Value::Null,
        200,
        Some("flavor-extra-specs/flavor-extra-specs-get-resp.json"),
    );
    api.check(
        "2.1",
        "DELETE",
        &format!("{specs}/hw:numa_nodes"),
        Value::Null,
        200,
        None,
    );
    assert_eq!(
        api.call("2.1", "GET", &format!("{specs}/hw:numa_nodes"), Value::Null)
            .1["itemNotFound"]["message"],
        "Flavor 10 has no extra specs with key hw:numa_nodes."
    );
    let (_, f) = api.call("2.61", "GET", "/flavors/10", Value::Null);
    assert_eq!(
        f["flavor"]["extra_specs"],
        json!({"hw:cpu_policy": "shared"})
    );
    // Update, 2.55+ (before, nova's 404 for a route outside the microversion).
    assert_eq!(
        api.call(
            "2.54",
            "PUT",
            "/flavors/10",
            json!({"flavor": {"description": "d"}})
        )
        .0,
        404
    );
    api.check(
        "2.55",
        "PUT",
        "/flavors/10",
        json!({"flavor": {"description": "d"}}),
        200,
        Some("flavor-manage/v2.55/flavor-update-resp.json"),
    );
    assert_eq!(
        api.call("2.55", "PUT", "/flavors/10", json!({"flavor": {}}))
            .0,
        400
    );
}

#[test]
fn services_hypervisors_and_zones() {
    let cloud = Cloud::start();
    let api = Api {
        cloud: &cloud,
        token: cloud.token(),
    };
    let l = api.check(
        "2.1",
        "GET",
        "/os-services",
        Value::Null,
        200,
        Some("os-services/services-list-get-resp.json"),
    );
    let hosts: Vec<&str> = l["services"]
        .as_array()
        .expect("services")
        .iter()
        .filter_map(|s| s["host"].as_str())
        .collect();
    assert_eq!(hosts, ["conductor", "scheduler", "compute", "compute2"]);
    api.check(
        "2.11",
        "GET",
        "/os-services?binary=nova-compute",
        Value::Null,
        200,
        Some("os-services/v2.11/services-list-get-resp.json"),
    );
    let l = api.check(
        "2.53",
        "GET",
        "/os-services?host=compute2",
        Value::Null,
        200,
        Some("os-services/v2.53/services-list-get-resp.json"),
    );
    let uuid = l["services"][0]["id"].as_str().expect("uuid").to_string();
    api.check(
        "2.1",
        "PUT",
        "/os-services/disable-log-reason",
        json!({"host": "compute2", "binary": "nova-compute", "disabled_reason": "test2"}),
        200,
        Some("os-services/service-disable-log-put-resp.json"),
    );
    api.check(
        "2.1",
        "PUT",
        "/os-services/enable",
        json!({"host": "compute2", "binary": "nova-compute"}),
        200,
        Some("os-services/service-enable-put-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.1",
            "PUT",
            "/os-services/enable",
            json!({"host": "scheduler", "binary": "nova-scheduler"})
        )
        .0,
        400
    );
    assert_eq!(
        api.call(
            "2.53",
            "PUT",
            "/os-services/enable",
            json!({"host": "compute2", "binary": "nova-compute"})
        )
        .0,
        400,
        "not a UUID"
    );
    api.check(
        "2.53",
        "PUT",
        &format!("/os-services/{uuid}"),
        json!({"status": "disabled", "disabled_reason": "maintenance"}),
        200,
        Some("os-services/v2.53/service-disable-log-put-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.53",
            "PUT",
            &format!("/os-services/{uuid}"),
            json!({"status": "enabled", "disabled_reason": "x"})
        )
        .0,
        400
    );
    assert_eq!(
        api.call("2.53", "PUT", &format!("/os-services/{uuid}"), json!({}))
            .0,
        400
    );
    // Zones: compute2 disabled leaves it out of the detail.
    api.check(
        "2.1",
        "GET",
        "/os-availability-zone",
        Value::Null,
        200,
        Some("os-availability-zone/availability-zone-list-resp.json"),
    );
    let d = api.check(
        "2.1",
        "GET",
        "/os-availability-zone/detail",
        Value::Null,
        200,
        None,
    );
    assert_eq!(d["availabilityZoneInfo"][0]["zoneName"], "internal");
    assert!(
        d["availabilityZoneInfo"][1]["hosts"]["compute"]["nova-compute"]["available"]
            .as_bool()
            .unwrap_or(false)
    );
    assert!(d["availabilityZoneInfo"][1]["hosts"]
        .get("compute2")
        .is_none());
    api.check(
        "2.53",
        "PUT",
        &format!("/os-services/{uuid}"),
        json!({"status": "enabled"}),
        200,
        Some("os-services/v2.53/service-enable-put-resp.json"),
    );
    // Hypervisors, with a server on one of them.
    let id = api.boot("hv");
    settle();
    api.check(
        "2.1",
        "GET",
        "/os-hypervisors",
        Value::Null,
        200,
        Some("os-hypervisors/hypervisors-list-resp.json"),
    );
    api.check(
        "2.1",
        "GET",
        "/os-hypervisors/detail",
        Value::Null,
        200,
        Some("os-hypervisors/hypervisors-detail-resp.json"),
    );
    api.check(
        "2.28",
        "GET",
        "/os-hypervisors/detail",
        Value::Null,
        200,
        Some("os-hypervisors/v2.28/hypervisors-detail-resp.json"),
    );
    api.check(
        "2.1",
        "GET",
        "/os-hypervisors/1",
        Value::Null,
        200,
        Some("os-hypervisors/hypervisors-show-resp.json"),
    );
    api.check(
        "2.1",
        "GET",
        "/os-hypervisors/1/uptime",
        Value::Null,
        200,
        Some("os-hypervisors/hypervisors-uptime-resp.json"),
    );
    api.check(
        "2.1",
        "GET",
        "/os-hypervisors/statistics",
        Value::Null,
        200,
        Some("os-hypervisors/hypervisors-statistics-resp.json"),
    );
    assert_eq!(
        api.call("2.88", "GET", "/os-hypervisors/statistics", Value::Null)
            .0,
        404
    );
    api.check(
        "2.1",
        "GET",
        "/os-hypervisors/fake/search",
        Value::Null,
        200,
        Some("os-hypervisors/hypervisors-search-resp.json"),
    );
    let with = api.check(
        "2.1",
        "GET",
        "/os-hypervisors/fake-mini/servers",
        Value::Null,
        200,
        None,
    );
    assert_eq!(with["hypervisors"][0]["servers"][0]["uuid"], json!(id));
    assert_eq!(
        api.call("2.53", "GET", "/os-hypervisors/fake/search", Value::Null)
            .0,
        404
    );
    let w = api.check(
        "2.53",
        "GET",
        "/os-hypervisors?hypervisor_hostname_pattern=fake-mini&with_servers=true",
        Value::Null,
        200,
        Some("os-hypervisors/v2.53/hypervisors-with-servers-resp.json"),
    );
    let hv = w["hypervisors"][0]["id"]
        .as_str()
        .expect("uuid")
        .to_string();
    api.check(
        "2.53",
        "GET",
        &format!("/os-hypervisors/{hv}?with_servers=true"),
        Value::Null,
        200,
        Some("os-hypervisors/v2.53/hypervisors-show-with-servers-resp.json"),
    );
    api.check(
        "2.88",
        "GET",
        &format!("/os-hypervisors/{hv}?with_servers=true"),
        Value::Null,
        200,
        Some("os-hypervisors/v2.88/hypervisors-show-with-servers-resp.json"),
    );
    assert_eq!(
        api.call("2.53", "GET", "/os-hypervisors/1", Value::Null).0,
        400
    );
    // A compute hosting a server cannot be deleted; a scheduler can.
    let l = api.check(
        "2.1",
        "GET",
        "/os-services?host=compute",
        Value::Null,
        200,
        None,
    );
    let compute = l["services"][0]["id"].to_string();
    assert_eq!(
        api.call(
            "2.1",
            "DELETE",
            &format!("/os-services/{compute}"),
            Value::Null
        )
        .0,
        409
    );
    api.check("2.1", "DELETE", "/os-services/2", Value::Null, 204, None);
    assert_eq!(
        api.call("2.1", "DELETE", "/os-services/2", Value::Null).0,
        404
    );
}

#[test]
fn quotas_limits_and_usage() {
    let cloud = Cloud::start();
    let api = Api {
        cloud: &cloud,
        token: cloud.token(),
    };
    let project = "6f70656e737461636b20342065766572";
    for (v, dir) in [
        ("2.1", "os-quota-sets"),
        ("2.36", "os-quota-sets/v2.36"),
        ("2.57", "os-quota-sets/v2.57"),
    ] {
        api.check(
            v,
            "GET",
            &format!("/os-quota-sets/{project}"),
            Value::Null,
            200,
            Some(&format!("{dir}/quotas-show-get-resp.json")),
        );
        api.check(
            v,
            "GET",
            &format!("/os-quota-sets/{project}/detail"),
            Value::Null,
            200,
            Some(&format!("{dir}/quotas-show-detail-get-resp.json")),
        );
        api.check(
            v,
            "GET",
            &format!("/os-quota-sets/{project}/defaults"),
            Value::Null,
            200,
            Some(&format!("{dir}/quotas-show-defaults-get-resp.json")),
        );
    }
    for (v, dir) in [
        ("2.1", "os-quota-class-sets"),
        ("2.50", "os-quota-class-sets/v2.50"),
        ("2.57", "os-quota-class-sets/v2.57"),
    ] {
        api.check(
            v,
            "GET",
            "/os-quota-class-sets/default",
            Value::Null,
            200,
            Some(&format!("{dir}/quota-classes-show-get-resp.json")),
        );
    }
    api.check(
        "2.50",
        "PUT",
        "/os-quota-class-sets/gold",
        json!({"quota_class_set": {"instances": 50, "cores": 50}}),
        200,
        Some("os-quota-class-sets/v2.50/quota-classes-update-post-resp.json"),
    );
    assert_eq!(
        api.call(
            "2.57",
            "PUT",
            "/os-quota-class-sets/gold",
            json!({"quota_class_set": {"injected_files": 5}})
        )
        .0,
        400
    );
    for (v, file) in [
        ("2.1", "limits/limit-get-resp.json"),
        ("2.36", "limits/v2.36/limit-get-resp.json"),
        ("2.39", "limits/v2.39/limit-get-resp.json"),
        ("2.57", "limits/v2.57/limit-get-resp.json"),
    ] {
        api.check(v, "GET", "/limits", Value::Null, 200, Some(file));
    }
    // A quota set through the API is enforced; usage shows in limits and the detail.
    api.check(
        "2.1",
        "PUT",
        &format!("/os-quota-sets/{project}"),
        json!({"quota_set": {"instances": 1}}),
        200,
        Some("os-quota-sets/quotas-update-post-resp.json"),
    );
    let id = api.boot("q");
    let body =
        json!({"server": {"name": "q2", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID}});
    let (s, e) = api.call("2.1", "POST", "/servers", body.clone());
    assert_eq!(
        (s, e["forbidden"]["message"].clone()),
        (
            403,
            json!("Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")
        )
    );
    let (s, e) = api.call(
        "2.1",
        "PUT",
        &format!("/os-quota-sets/{project}"),
        json!({"quota_set": {"instances": 0}}),
    );
    assert_eq!((s, e["badRequest"]["message"].clone()), (400, json!("Quota limit 0 for instances must be greater than or equal to already used and reserved 1.")));
    let (_, l) = api.call("2.57", "GET", "/limits", Value::Null);
    assert_eq!(
        (
            l["limits"]["absolute"]["totalInstancesUsed"].clone(),
            l["limits"]["absolute"]["maxTotalInstances"].clone()
        ),
        (json!(1), json!(1))
    );
    let (_, d) = api.call(
        "2.57",
        "GET",
        &format!("/os-quota-sets/{project}/detail"),
        Value::Null,
    );
    assert_eq!(d["quota_set"]["ram"]["in_use"], 512);
    api.check(
        "2.1",
        "DELETE",
        &format!("/os-quota-sets/{project}"),
        Value::Null,
        202,
        None,
    );
    assert_eq!(api.call("2.1", "POST", "/servers", body).0, 202);
    // Usage over a period that covers the servers' lives.
    settle();
    let (s, _) = api.call("2.1", "DELETE", &format!("/servers/{id}"), Value::Null);
    assert_eq!(s, 204);
    let period = "start=2000-01-01T00:00:00&end=2999-01-01T00:00:00";
    api.check(
        "2.1",
        "GET",
        &format!("/os-simple-tenant-usage?{period}"),
        Value::Null,
        200,
        Some("os-simple-tenant-usage/simple-tenant-usage-get.json"),
    );
    let d = api.check(
        "2.1",
        "GET",
        &format!("/os-simple-tenant-usage?{period}&detailed=1"),
        Value::Null,
        200,
        Some("os-simple-tenant-usage/simple-tenant-usage-get-detail.json"),
    );
    let states: Vec<&str> = d["tenant_usages"][0]["server_usages"]
        .as_array()
        .expect("usages")
        .iter()
        .filter_map(|u| u["state"].as_str())
        .collect();
    assert_eq!(states.len(), 2);
    assert!(states.contains(&"terminated"), "{states:?}");
    api.check(
        "2.1",
        "GET",
        &format!("/os-simple-tenant-usage/{project}?{period}"),
        Value::Null,
        200,
        Some("os-simple-tenant-usage/simple-tenant-usage-get-specific.json"),
    );
    let p = api.check(
        "2.40",
        "GET",
        &format!("/os-simple-tenant-usage?{period}&detailed=1&limit=1"),
        Value::Null,
        200,
        Some("os-simple-tenant-usage/v2.40/simple-tenant-usage-get-detail.json"),
    );
    assert!(p["tenant_usages_links"][0]["href"]
        .as_str()
        .is_some_and(|h| h.contains("marker=")));
    let (s, e) = api.call(
        "2.1",
        "GET",
        "/os-simple-tenant-usage?start=2020-01-02T00:00:00&end=2020-01-01T00:00:00",
        Value::Null,
    );
    assert_eq!(
        (s, e["badRequest"]["message"].clone()),
        (
            400,
            json!("Invalid start time. The start time cannot occur after the end time.")
        )
    );
    assert_eq!(
        api.call(
            "2.1",
            "GET",
            "/os-simple-tenant-usage?start=yesterday",
            Value::Null
        )
        .0,
        400
    );
}

/// The median time of `n` sequential GETs of `path` on one keep-alive connection.
fn median_get(cloud: &Cloud, token: &str, path: &str, n: usize) -> std::time::Duration {
    let http = reqwest::blocking::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("client");
    let url = format!("{}{path}", cloud.url);
    let mut times: Vec<std::time::Duration> = (0..n)
        .map(|_| {
            let t = std::time::Instant::now();
            let resp = http
                .get(&url)
                .header("X-Auth-Token", token)
                .send()
                .expect("cloud answers");
            assert_eq!(resp.status().as_u16(), 200, "{path}");
            resp.bytes().expect("body");
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

/// Each reply leaves at once: no wait for the client's delayed ACK (~40 ms) between a reply's
/// headers and its body.
#[test]
fn keep_alive_replies_do_not_stall() {
    let cloud = Cloud::start();
    let token = cloud.token();
    let median = median_get(&cloud, &token, "/compute/v2.1/flavors", 20);
    assert!(
        median < std::time::Duration::from_millis(15),
        "median GET took {median:?}"
    );
}

/// A list's time follows its page, not the collection: among 10,000 servers, a page of 10
/// near the end of the list costs about what a page of 10 near its start does, and about what
/// a list that holds only 10 servers (a name filter) does.
#[test]
fn pages_cost_their_size_not_the_collections() {
    let cloud = Cloud::with_args(&["--servers", "10000"]);
    let token = cloud.token();
    let id_of = |name: &str| {
        let (_, found) = send(
            &cloud,
            Some(&token),
            None,
            "GET",
            &format!("/compute/v2.1/servers?name=^{name}$"),
            "",
        );
        found["servers"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {found}"))
            .to_string()
    };
    let by_name = "/compute/v2.1/servers/detail?sort_key=display_name&sort_dir=asc&limit=10";
    let near_start = format!("{by_name}&marker={}", id_of("bulk-00010"));
    let near_end = format!("{by_name}&marker={}", id_of("bulk-09980"));
    let (_, end_page) = send(&cloud, Some(&token), None, "GET", &near_end, "");
    let names: Vec<&str> = end_page["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names.first(), Some(&"bulk-09981"));
    assert_eq!(names.len(), 10);
    assert_eq!(end_page["servers"][0]["status"], "ACTIVE");
    let ten = "/compute/v2.1/servers/detail?name=^bulk-0001";
    let (start, end, filtered) = (
        median_get(&cloud, &token, &near_start, 5),
        median_get(&cloud, &token, &near_end, 5),
        median_get(&cloud, &token, ten, 5),
    );
    let slack = std::time::Duration::from_millis(5);
    assert!(
        end < start * 3 + slack && end < filtered * 3 + slack,
        "near the end {end:?}, near the start {start:?}, 10 servers by name {filtered:?}"
    );
}

/// Keystone's `DELETE /v3/auth/tokens`: the revoked token is refused by every service after.
#[test]
fn revoked_tokens_are_refused_everywhere() {
    let cloud = Cloud::start();
    let (keeper, revoked) = (cloud.token(), cloud.token());
    let tokens = "/identity/v3/auth/tokens";
    fn with<'a>(auth: &'a str, subject: &'a str) -> [(&'static str, &'a str); 2] {
        [("X-Auth-Token", auth), ("X-Subject-Token", subject)]
    }
    let not_found =
        |message: &str| json!({"error": {"code": 404, "title": "Not Found", "message": message}});
    assert_eq!(
        raw(&cloud, "DELETE", tokens, &with(&keeper, &revoked), ""),
        (204, Value::Null)
    );
    let unauthorized = json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}});
    for path in [
        "/compute/v2.1/flavors",
        "/image/v2/images",
        "/compute/v2.1/servers",
    ] {
        assert_eq!(
            send(&cloud, Some(&revoked), None, "GET", path, ""),
            (401, unauthorized.clone()),
            "{path}"
        );
    }
    assert_eq!(
        raw(&cloud, "GET", tokens, &with(&revoked, &keeper), ""),
        (401, unauthorized.clone())
    );
    let from_revoked = format!(
        r#"{{"auth": {{"identity": {{"methods": ["token"], "token": {{"id": "{revoked}"}}}}}}}}"#
    );
    assert_eq!(
        raw(&cloud, "POST", tokens, &[], &from_revoked),
        (401, unauthorized)
    );
    for method in ["GET", "DELETE"] {
        assert_eq!(
            raw(&cloud, method, tokens, &with(&keeper, &revoked), ""),
            (404, not_found("Failed to validate token")),
            "{method}"
        );
    }
    assert_eq!(
        raw(&cloud, "DELETE", tokens, &with(&keeper, "bogus"), ""),
        (404, not_found("Could not recognize Fernet token"))
    );
    assert_eq!(
        raw(&cloud, "DELETE", tokens, &[("X-Auth-Token", &keeper)], ""),
        (404, not_found("No token in the request"))
    );
    // The other token is untouched.
    assert_eq!(
        send(
            &cloud,
            Some(&keeper),
            None,
            "GET",
            "/compute/v2.1/flavors",
            ""
        )
        .0,
        200
    );
}

/// A token's body and its `X-Subject-Token`.
fn issue(cloud: &Cloud, body: Value) -> (Value, String) {
    let resp = reqwest::blocking::Client::new()
        .post(format!("{}/v3/auth/tokens", cloud.auth_url()))
        .json(&body)
        .send()
        .expect("keystone answers");
    assert_eq!(resp.status().as_u16(), 201);
    let id = resp.headers()["x-subject-token"]
        .to_str()
        .expect("token header")
        .to_string();
    (resp.json().expect("token body"), id)
}

/// Seconds of the day of a Keystone time (`2026-11-25T14:03:27.123456Z`).
fn time_of_day(t: &Value) -> f64 {
    let text = t.as_str().expect("a time");
    let clock = text
        .get(11..)
        .and_then(|c| c.strip_suffix('Z'))
        .expect("HH:MM:SS.ffffffZ");
    clock
        .split(':')
        .map(|p| p.parse::<f64>().expect("a number"))
        .fold(0.0, |acc, p| acc * 60.0 + p)
}

/// `--token-lifetime`: `expires_at` says when a token stops working, and then it does.
#[test]
fn tokens_expire_when_they_say() {
    let password = json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "domain": {"name": "Default"}, "password": "secret"}}}}});
    // By default a token never expires.
    let (forever, _) = issue(&Cloud::start(), password.clone());
    assert_eq!(
        forever["token"]["expires_at"],
        "2099-01-01T00:00:00.000000Z"
    );

    let cloud = Cloud::with_args(&["--token-lifetime", "1.5"]);
    let (body, token) = issue(&cloud, password);
    let (issued, expires) = (
        time_of_day(&body["token"]["issued_at"]),
        time_of_day(&body["token"]["expires_at"]),
    );
    assert!(
        ((expires - issued).rem_euclid(86400.0) - 1.5).abs() < 0.001,
        "{body}"
    );
    // A token got with a token expires with it.
    let (rescoped, _) = issue(
        &cloud,
        json!({"auth": {"identity": {"methods": ["token"], "token": {"id": token}}}}),
    );
    assert_eq!(rescoped["token"]["expires_at"], body["token"]["expires_at"]);
    assert_eq!(
        send(
            &cloud,
            Some(&token),
            None,
            "GET",
            "/compute/v2.1/flavors",
            ""
        )
        .0,
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(1600));
    assert_eq!(
        send(
            &cloud,
            Some(&token),
            None,
            "GET",
            "/compute/v2.1/flavors",
            ""
        ),
        (
            401,
            json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}})
        )
    );
    let fresh = cloud.token();
    assert_eq!(
        raw(
            &cloud,
            "GET",
            "/identity/v3/auth/tokens",
            &[("X-Auth-Token", &fresh), ("X-Subject-Token", &token)],
            ""
        ),
        (
            404,
            json!({"error": {"code": 404, "title": "Not Found", "message": "Failed to validate token"}})
        )
    );
}

/// The names of the servers on every page of a list, following each page's next link as it
/// is written (the link is the cloud's: a query value it did not encode shows here).
fn names_on_every_page(cloud: &Cloud, token: &str, first: &str) -> Vec<String> {
    let http = reqwest::blocking::Client::new();
    let mut names = Vec::new();
    let mut next = Some(format!("{}{first}", cloud.url));
    let mut pages = 0;
    while let Some(url) = next.take() {
        pages += 1;
        assert!(pages < 20, "the pages do not end: {names:?}");
        let page: Value = http
            .get(&url)
            .header("X-Auth-Token", token)
            .send()
            .and_then(|r| r.json())
            .expect("page");
        let servers = page["servers"].as_array().expect("servers");
        names.extend(
            servers
                .iter()
                .filter_map(|s| s["name"].as_str().map(String::from)),
        );
        next = page["servers_links"][0]["href"].as_str().map(String::from);
    }
    names.sort();
    names
}

/// A next link carries the query it was asked with, each value encoded again: a name filter
/// holding `#`, `&`, `+`, `%` or a space is the same filter on every page.
#[test]
fn next_links_keep_every_query_value_encoded() {
    let cloud = Cloud::with_args(&["--max-limit", "2", "--build-time", "0.2"]);
    let token = cloud.token();
    let api = Api {
        cloud: &cloud,
        token: token.clone(),
    };
    let mut ids = Vec::new();
    for name in [
        "p#q-1", "p#q-2", "p#q-3", "p-1", "p-2", "x&y-1", "x&y-2", "x&y-3", "x-1", "x-2",
    ] {
        ids.push(api.boot(name));
    }
    let wanted =
        |prefix: &str| -> Vec<String> { (1..=3).map(|i| format!("{prefix}-{i}")).collect() };
    for (filter, prefix) in [("p%23q", "p#q"), ("x%26y", "x&y")] {
        assert_eq!(
            names_on_every_page(
                &cloud,
                &token,
                &format!("/compute/v2.1/servers?name={filter}")
            ),
            wanted(prefix),
            "name={filter}"
        );
    }
    // The link itself: every value as it was given, encoded (a space, `+`, `%` and `#`; a
    // parameter nova ignores at 2.1 is kept, as nova keeps it).
    let (_, page) = send(
        &cloud,
        Some(&token),
        None,
        "GET",
        "/compute/v2.1/servers/detail?name=%5E.&foo=x%20y%2Bz%25w%23&limit=1",
        "",
    );
    let href = page["servers_links"][0]["href"]
        .as_str()
        .unwrap_or_default();
    assert!(href.contains("?name=%5E.&foo=x+y%2Bz%25w%23&"), "{page}");
    // Through the real client: each name once, none that does not match.
    for (filter, prefix) in [("p#q", "p#q"), ("x&y", "x&y")] {
        let out = cloud.nova(&["--format", "value", "-c", "Name", "list", "--name", filter]);
        let mut names: Vec<String> = out.ok().lines().map(String::from).collect();
        names.sort();
        assert_eq!(names, wanted(prefix), "nova list --name {filter}");
    }
    // Glance's `next` too: two snapshots named `a&b`, one a page.
    settle();
    for id in &ids[..2] {
        let image = json!({"createImage": {"name": "a&b"}});
        let (status, reply) = api.call("2.1", "POST", &format!("/servers/{id}/action"), image);
        assert_eq!(status, 202, "{reply}");
    }
    let mut found = Vec::new();
    let mut next = Some("/v2/images?name=a%26b&limit=1".to_string());
    while let Some(path) = next.take() {
        assert!(found.len() < 5, "the pages do not end: {found:?}");
        let (_, page) = send(
            &cloud,
            Some(&token),
            None,
            "GET",
            &format!("/image{path}"),
            "",
        );
        let images = page["images"].as_array().cloned().unwrap_or_default();
        found.extend(images.iter().map(|i| i["name"].clone()));
        next = page["next"].as_str().map(String::from);
    }
    assert_eq!(found, [json!("a&b"), json!("a&b")]);
}

/// Quotas are on from the start, with nova's defaults (instances 10, cores 20, ram 51200): a
/// boot of more than fits is refused in nova's words (every resource over, the request, the
/// use and the limits), one whose `max_count` is more than fits gets what fits, as nova does.
#[test]
fn boots_are_held_to_novas_default_quotas() {
    let cloud = Cloud::start();
    let token = cloud.token();
    let api = Api {
        cloud: &cloud,
        token,
    };
    let boot = |flavor: &str, min: u64, max: u64| {
        api.call(
            "2.37",
            "POST",
            "/servers",
            json!({"server": {"name": "q", "flavorRef": flavor, "imageRef": nova_sim::BASE_IMAGE_ID,
                "networks": "none", "min_count": min, "max_count": max}}),
        )
    };
    let over = |message: &str| (403, error("forbidden", 403, message));
    assert_eq!(
        boot("1", 11, 11),
        over("Quota exceeded for instances: Requested 11, but already used 0 of 10 instances")
    );
    assert_eq!(
        boot("5", 3, 3),
        over("Quota exceeded for cores: Requested 24, but already used 0 of 20 cores")
    );
    assert_eq!(
        boot("1", 100_000, 100_000),
        over("Quota exceeded for cores, instances, ram: Requested 100000, 100000, 51200000, but already used 0, 0, 0 of 20, 10, 51200 cores, instances, ram")
    );
    assert_eq!(
        boot("3", 11, 100_000),
        over("Quota exceeded for cores, instances, ram: Requested 200000, 11-100000, 409600000, but already used 0, 0, 0 of 20, 10, 51200 cores, instances, ram")
    );
    let count = || {
        let (_, l) = api.call("2.1", "GET", "/limits", Value::Null);
        l["limits"]["absolute"]["totalInstancesUsed"].clone()
    };
    assert_eq!(count(), json!(0), "nothing refused was booted");
    // More than fits, but at least min_count: what fits (m1.medium: 2 cores each, 10 of 20).
    assert_eq!(boot("3", 2, 100_000).0, 202);
    assert_eq!(count(), json!(10));
    assert_eq!(
        boot("1", 1, 1),
        over("Quota exceeded for cores, instances: Requested 1, 1, but already used 20, 10 of 20, 10 cores, instances")
    );
}

/// A boot of many servers (quota raised to unlimited) holds the state lock a chunk at a time:
/// another client's requests are answered while it runs and see it progress (a count strictly
/// between none and all), where before they waited for the whole boot (and saw 0 or all).
#[test]
fn a_large_boot_does_not_stall_other_clients() {
    const MANY: u64 = 30_000;
    let cloud = Cloud::start();
    let token = cloud.token();
    let api = Api {
        cloud: &cloud,
        token: token.clone(),
    };
    let unlimited = json!({"quota_set": {"instances": -1, "cores": -1, "ram": -1}});
    let project = "6f70656e737461636b20342065766572";
    let (s, _) = api.call(
        "2.1",
        "PUT",
        &format!("/os-quota-sets/{project}"),
        unlimited,
    );
    assert_eq!(s, 200);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (url, token, done) = (cloud.url.clone(), token.clone(), done.clone());
        std::thread::spawn(move || {
            let http = reqwest::blocking::Client::new();
            let mut seen = Vec::new();
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let l: Value = http
                    .get(format!("{url}/compute/v2.1/limits"))
                    .header("X-Auth-Token", &token)
                    .send()
                    .and_then(|r| r.json())
                    .expect("limits");
                seen.push(
                    l["limits"]["absolute"]["totalInstancesUsed"]
                        .as_u64()
                        .unwrap_or(0),
                );
            }
            seen
        })
    };
    let http = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(600))
        .build()
        .expect("client");
    let booted = http
        .post(format!("{}/compute/v2.1/servers", cloud.url))
        .header("X-Auth-Token", &token)
        .header("OpenStack-API-Version", "compute 2.37")
        .json(&json!({"server": {"name": "many", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID,
            "networks": "none", "min_count": MANY, "max_count": MANY}}))
        .send()
        .expect("boot answered");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(booted.status().as_u16(), 202);
    let seen = watcher.join().expect("watcher");
    let (_, l) = api.call("2.1", "GET", "/limits", Value::Null);
    assert_eq!(l["limits"]["absolute"]["totalInstancesUsed"], json!(MANY));
    assert!(
        seen.iter().any(|n| *n > 0 && *n < MANY),
        "no request was answered while the boot ran: counts seen {:?}",
        seen.iter().collect::<std::collections::BTreeSet<_>>()
    );
}

/// A `nova-sim` started here (not through [`Cloud`]) for what needs its process: its ID, and
/// a limit on its open files. Killed when dropped.
struct SimProcess {
    child: std::process::Child,
    url: String,
}

impl SimProcess {
    fn start(open_files: Option<u64>, extra: &[&str]) -> SimProcess {
        use std::io::BufRead;
        use std::os::unix::process::CommandExt;
        let mut cmd = std::process::Command::new(novagen_tests::bin("nova-sim"));
        cmd.args(["--listen", "127.0.0.1:0", "--stop-on-eof"])
            .args(extra)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        if let Some(n) = open_files {
            let limit = rustix::process::Rlimit {
                current: Some(n),
                maximum: Some(n),
            };
            // SAFETY: setrlimit is async-signal-safe and touches no memory of the parent.
            unsafe {
                cmd.pre_exec(move || {
                    rustix::process::setrlimit(rustix::process::Resource::Nofile, limit)
                        .map_err(std::io::Error::from)
                });
            }
        }
        let mut child = cmd.spawn().expect("start nova-sim");
        let mut first = String::new();
        let stdout = child.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut first)
            .expect("nova-sim prints its address");
        let url = first
            .trim()
            .strip_prefix("nova-sim listening on ")
            .unwrap_or_default()
            .to_string();
        let process = SimProcess { child, url };
        assert!(process.url.starts_with("http://"), "first line: {first:?}");
        process
    }

    fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// CPU time (user + system) the process has used, in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("/proc/PID/stat");
        // The fields after the command name (which may hold spaces) start with the state
        // (field 3); utime and stime are fields 14 and 15.
        let after = &stat[stat.rfind(')').expect("comm") + 2..];
        let fields: Vec<&str> = after.split(' ').collect();
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Out of file descriptors, the accept loop backs off instead of retrying at once: the cloud
/// uses little CPU while connections wait, and serves again once they close.
#[test]
fn out_of_file_descriptors_it_backs_off_and_recovers() {
    let sim = SimProcess::start(Some(48), &[]);
    // More connections than the cloud has descriptors: the kernel completes them all, the
    // cloud can accept only some.
    let held: Vec<std::net::TcpStream> = (0..90)
        .map(|_| std::net::TcpStream::connect(sim.addr()).expect("connect"))
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (before, start) = (sim.cpu_ticks(), std::time::Instant::now());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let used = sim.cpu_ticks() - before;
    let ticks = start.elapsed().as_secs_f64() * 100.0;
    assert!(
        (used as f64) < ticks * 0.2,
        "out of descriptors, nova-sim used {used} ticks of CPU in {ticks:.0}"
    );
    drop(held);
    let reply = reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client")
        .get(format!("{}/compute/", sim.url))
        .send()
        .expect("nova-sim serves again once the connections close");
    assert_eq!(reply.status().as_u16(), 200);
}

/// A connection that sends nothing, or nothing more after a reply, is closed by the cloud
/// after `--idle-timeout` seconds (nova's eventlet server has `client_socket_timeout`).
#[test]
fn idle_connections_are_closed() {
    use std::io::{Read, Write};
    let sim = SimProcess::start(None, &["--idle-timeout", "1"]);
    let closed_by_server = |stream: &mut std::net::TcpStream| {
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .expect("timeout");
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(_) => return false,
            }
        }
    };
    let mut silent = std::net::TcpStream::connect(sim.addr()).expect("connect");
    assert!(
        closed_by_server(&mut silent),
        "a silent connection stays open"
    );

    let mut served = std::net::TcpStream::connect(sim.addr()).expect("connect");
    served
        .write_all(b"GET /compute/ HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("request");
    let mut head = [0u8; 12];
    served.read_exact(&mut head).expect("a reply");
    assert_eq!(&head, b"HTTP/1.1 200");
    assert!(
        closed_by_server(&mut served),
        "a kept-alive connection stays open"
    );
}
