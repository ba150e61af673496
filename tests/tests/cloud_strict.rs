//! nova-sim refuses what real nova refuses, the same way: paths nova's URL map and router do
//! not route, and bodies nova's schemas (and the checks after them) reject. A lenient cloud
//! would hide a client's mistakes from the tests. (The facts: nova 34's `urlmap.py`,
//! `routes.py`, `compute/schemas/*.py`, and the replies of real nova on 127.0.0.1.)

use novagen_tests::Cloud;
use serde_json::{json, Value};

/// A request with a token, a microversion and `Accept`; returns status, Content-Type and body.
fn call(
    cloud: &Cloud,
    token: &str,
    (method, path): (&str, &str),
    version: &str,
    accept: Option<&str>,
    body: Option<Value>,
) -> (u16, String, String) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = reqwest::blocking::Client::new()
        .request(m, format!("{}{path}", cloud.url))
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", format!("compute {version}"));
    if let Some(a) = accept {
        req = req.header("Accept", a);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().expect("cloud answers");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, resp.text().unwrap_or_default())
}

/// The JSON reply to a request that accepts JSON.
fn json_call(
    cloud: &Cloud,
    token: &str,
    request: (&str, &str),
    version: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, _, text) = call(
        cloud,
        token,
        request,
        version,
        Some("application/json"),
        body,
    );
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// What nova's router (webob) sends for a path or method it has no route for.
fn no_route() -> Value {
    json!({"message": "The resource could not be found.<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"})
}

fn bad_request(message: &str) -> Value {
    json!({"badRequest": {"code": 400, "message": message}})
}

#[test]
fn paths_route_as_novas_url_map_and_router_do() {
    let cloud = Cloud::start();
    let token = cloud.token();
    let get = |path: &str| json_call(&cloud, &token, ("GET", path), "2.1", None);

    // No slash after the version: nova's versions app offers the versions (300), each link
    // the endpoint, the version and the whole path.
    let base = format!("{}/compute", cloud.url);
    let media = |v: &str| json!([{"base": "application/json", "type": format!("application/vnd.openstack.compute+json;version={v}")}]);
    assert_eq!(
        get("/compute/v2.1flavors/1"),
        (
            300,
            json!({"choices": [
                {"id": "v2.0", "status": "DEPRECATED", "links": [{"rel": "self", "href": format!("{base}/v2/compute/v2.1flavors/1")}], "media-types": media("2")},
                {"id": "v2.1", "status": "CURRENT", "links": [{"rel": "self", "href": format!("{base}/v2.1/compute/v2.1flavors/1")}], "media-types": media("2.1")},
            ]})
        )
    );

    // `%2F` is part of a segment, never a separator.
    assert_eq!(
        get("/compute/v2.1/servers/a%2Fb"),
        (
            404,
            json!({"itemNotFound": {"code": 404, "message": "Instance a/b could not be found."}})
        )
    );
    assert_eq!(get("/compute/v2.1/servers%2Fdetail"), (404, no_route()));
    assert_eq!(
        get("/compute/v2.1/flavors/1%2Fos-extra_specs"),
        (
            404,
            json!({"itemNotFound": {"code": 404, "message": "Flavor 1/os-extra_specs could not be found."}})
        )
    );

    // A trailing slash is another path; repeated slashes count as one.
    assert_eq!(get("/compute/v2.1/flavors/"), (404, no_route()));
    assert_eq!(get("/compute/v2.1/servers/detail/"), (404, no_route()));
    assert_eq!(get("/compute/v2.1//flavors").0, 200);
    assert_eq!(get("/compute/v2.1/flavors//1").0, 200);
    // A segment past a route's end.
    let (_, booted) = json_call(
        &cloud,
        &token,
        ("POST", "/compute/v2.1/servers"),
        "2.1",
        Some(
            json!({"server": {"name": "m", "flavorRef": "1", "imageRef": nova_sim::BASE_IMAGE_ID, "metadata": {"a": "1"}}}),
        ),
    );
    let id = booted["server"]["id"].as_str().expect("server id");
    assert_eq!(
        get(&format!("/compute/v2.1/servers/{id}/metadata/a")).0,
        200
    );
    assert_eq!(
        get(&format!("/compute/v2.1/servers/{id}/metadata/a/b")),
        (404, no_route())
    );

    // A method nova has no route for: its router's 404, not a 405.
    let request = |method: &str, path: &str| json_call(&cloud, &token, (method, path), "2.1", None);
    assert_eq!(
        request("DELETE", "/compute/v2.1/flavors"),
        (404, no_route())
    );
    assert_eq!(request("PUT", "/compute/v2.1/servers"), (404, no_route()));
    assert_eq!(
        request("PATCH", "/compute/v2.1/flavors/1"),
        (404, no_route())
    );
    assert_eq!(
        request("DELETE", &format!("/compute/v2.1/servers/{id}/action")),
        (404, no_route())
    );
    // ... in the form the client accepts.
    let (status, content_type, text) = call(
        &cloud,
        &token,
        ("DELETE", "/compute/v2.1/flavors"),
        "2.1",
        None,
        None,
    );
    assert_eq!(status, 404);
    assert_eq!(content_type, "text/html; charset=UTF-8");
    assert!(
        text.starts_with("<html>\n <head>\n  <title>404 Not Found</title>"),
        "{text}"
    );
    // A route nova has, outside the microversion: nova's own 404.
    assert_eq!(
        json_call(
            &cloud,
            &token,
            ("PUT", "/compute/v2.1/flavors/1"),
            "2.54",
            Some(json!({"flavor": {"description": "d"}}))
        ),
        (
            404,
            json!({"itemNotFound": {"code": 404, "message": "The resource could not be found."}})
        )
    );

    // The version document answers any method, as nova's does (`DELETE /v2.1/` is a 200 there).
    for method in ["GET", "DELETE", "POST"] {
        let (status, doc) = request(method, "/compute/v2.1/");
        assert_eq!(
            (status, &doc["version"]["id"]),
            (200, &json!("v2.1")),
            "{method}"
        );
    }
}

#[test]
fn bodies_are_refused_as_novas_schemas_refuse_them() {
    let cloud = Cloud::start();
    let token = cloud.token();
    let image = nova_sim::BASE_IMAGE_ID;
    let net = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
    let boot = |version: &str, extra: Value| {
        let mut server = json!({"name": "s", "flavorRef": "1", "imageRef": image});
        if let (Value::Object(s), Value::Object(e)) = (&mut server, extra) {
            s.extend(e);
        }
        json_call(
            &cloud,
            &token,
            ("POST", "/compute/v2.1/servers"),
            version,
            Some(json!({ "server": server })),
        )
    };
    let cases: Vec<(&str, Value, Value)> = vec![
        // Networks: before 2.37 the schema takes any string as a network, nova's code then
        // wants a UUID; from 2.37 the schema does, and names the whole value.
        (
            "2.1",
            json!({"networks": [{"uuid": ""}]}),
            bad_request("Bad networks format: network uuid is not in proper format ()"),
        ),
        (
            "2.1",
            json!({"networks": [{}]}),
            bad_request("Bad network format: missing 'uuid'"),
        ),
        (
            "2.1",
            json!({"networks": [{"port": ""}]}),
            bad_request("Invalid input for field/attribute port. Value: . '' is not a 'uuid'"),
        ),
        (
            "2.1",
            json!({"networks": [{"uuid": net, "tag": "t"}]}),
            bad_request(&format!("Invalid input for field/attribute 0. Value: {{'uuid': '{net}', 'tag': 't'}}. Additional properties are not allowed ('tag' was unexpected)")),
        ),
        (
            "2.1",
            json!({"networks": [{"uuid": net, "fixed_ip": "10.0.0.300"}]}),
            bad_request("Invalid input for field/attribute fixed_ip. Value: 10.0.0.300. '10.0.0.300' is not valid under any of the given schemas"),
        ),
        (
            "2.1",
            json!({"networks": "auto"}),
            bad_request("Invalid input for field/attribute networks. Value: auto. 'auto' is not of type 'array'"),
        ),
        (
            "2.37",
            json!({"networks": [{"uuid": ""}]}),
            bad_request("Invalid input for field/attribute networks. Value: [{'uuid': ''}]. [{'uuid': ''}] is not valid under any of the given schemas"),
        ),
        (
            "2.37",
            json!({"networks": ["x"]}),
            bad_request("Invalid input for field/attribute networks. Value: ['x']. ['x'] is not valid under any of the given schemas"),
        ),
        // Metadata keys: 1-255 of `[a-zA-Z0-9-_:. ]`.
        (
            "2.1",
            json!({"metadata": {"": "v"}}),
            bad_request("Invalid input for field/attribute metadata. Value: {'': 'v'}. '' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"),
        ),
        (
            "2.1",
            json!({"metadata": {"a/b": "v"}}),
            bad_request("Invalid input for field/attribute metadata. Value: {'a/b': 'v'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"),
        ),
    ];
    for (version, extra, want) in cases {
        assert_eq!(
            boot(version, extra.clone()),
            (400, want),
            "{version} {extra}"
        );
    }
    // What the schemas take still boots.
    for (version, extra) in [
        (
            "2.1",
            json!({"networks": [{"uuid": net, "fixed_ip": "10.0.0.9"}]}),
        ),
        ("2.37", json!({"networks": [{"uuid": net}]})),
        ("2.42", json!({"networks": [{"uuid": net, "tag": "t"}]})),
        ("2.1", json!({"metadata": {"a-b_c:d. e": "v"}})),
    ] {
        assert_eq!(boot(version, extra.clone()).0, 202, "{version} {extra}");
    }

    // An empty (or unreadable) public key: nova cannot take its fingerprint.
    for key in ["", "ssh-rsa", "ssh-rsa not*base64 me"] {
        assert_eq!(
            json_call(
                &cloud,
                &token,
                ("POST", "/compute/v2.1/os-keypairs"),
                "2.92",
                Some(json!({"keypair": {"name": "k", "public_key": key}}))
            ),
            (
                400,
                bad_request("Keypair data is invalid: failed to generate fingerprint")
            ),
            "{key:?}"
        );
    }
}

/// nova's `name` format (`parameter_types.valid_name_regex`): printable characters of the
/// Basic Multilingual Plane (no control, format, private-use, unassigned or line/paragraph
/// separator characters), neither first nor last a space; nova's message names the rule, not
/// the value. A flavor ID matches `^(?! )[a-zA-Z0-9. _-]+(?<! )$`. (Replies of real nova 34.)
#[test]
fn names_and_flavor_ids_are_refused_as_nova_refuses_them() {
    let cloud = Cloud::start();
    let token = cloud.token();
    let invalid_name = bad_request(
        "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.",
    );
    let boot = |name: &str| {
        json_call(
            &cloud,
            &token,
            ("POST", "/compute/v2.1/servers"),
            "2.96",
            Some(json!({"server": {"name": name, "flavorRef": "1",
                "imageRef": nova_sim::BASE_IMAGE_ID, "networks": "none"}})),
        )
    };
    for name in [
        "a\nb",
        "a\u{202e}b",
        "a\tb",
        "a\u{200b}b",
        "a\u{2028}b",
        "a\u{e000}b",
        "a\u{1f600}b",
        " x",
        "x ",
        "\u{a0}x",
        "x\u{3000}",
    ] {
        assert_eq!(boot(name), (400, invalid_name.clone()), "{name:?}");
    }
    assert_eq!(
        boot(""),
        (
            400,
            bad_request("Invalid input for field/attribute name. Value: . '' should be non-empty")
        )
    );
    // Spaces inside, and printable text of any script, are names.
    let (status, booted) = boot("a b\u{a0}c \u{e9}\u{4e2d}");
    assert_eq!(status, 202, "{booted}");
    let id = booted["server"]["id"].as_str().expect("server id");
    // The same rule renames a server and names a flavor.
    assert_eq!(
        json_call(
            &cloud,
            &token,
            ("PUT", &format!("/compute/v2.1/servers/{id}")),
            "2.96",
            Some(json!({"server": {"name": "evil\u{202e}gpj.exe"}}))
        ),
        (400, invalid_name.clone())
    );
    let flavor = |name: &str, flavor_id: &str| {
        json_call(
            &cloud,
            &token,
            ("POST", "/compute/v2.1/flavors"),
            "2.96",
            Some(
                json!({"flavor": {"name": name, "ram": 1, "vcpus": 1, "disk": 0, "id": flavor_id}}),
            ),
        )
    };
    assert_eq!(flavor("f\nx", "f1"), (400, invalid_name));
    for (flavor_id, shown) in [
        ("a/b", "'a/b'"),
        ("%2e%2e", "'%2e%2e'"),
        (" x", "' x'"),
        ("a\nb", "'a\\nb'"),
    ] {
        let message = format!(
            "Invalid input for field/attribute id. Value: {flavor_id}. {shown} does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'"
        );
        assert_eq!(
            flavor("f", flavor_id),
            (400, bad_request(&message)),
            "{flavor_id:?}"
        );
    }
    assert_eq!(flavor("f", "a.b c_d-1").0, 200);
}

/// keystonemiddleware runs before nova's API: a bad token is a 401 whatever else is wrong
/// with the request (a microversion out of range or malformed, a path with no route).
#[test]
fn a_bad_token_is_refused_before_anything_else() {
    let cloud = Cloud::start();
    let unauthorized = json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}});
    for (token, version, path) in [
        ("bogus", "2.999", "/compute/v2.1/flavors"),
        ("bogus", "abc", "/compute/v2.1/flavors"),
        ("", "2.999", "/compute/v2.1/flavors"),
        ("bogus", "2.999", "/compute/v2.1/no-such-route"),
    ] {
        assert_eq!(
            json_call(&cloud, token, ("GET", path), version, None),
            (401, unauthorized.clone()),
            "token {token:?}, version {version}, {path}"
        );
    }
    // With a good token, the microversion is judged.
    let token = cloud.token();
    assert_eq!(
        json_call(
            &cloud,
            &token,
            ("GET", "/compute/v2.1/flavors"),
            "2.999",
            None
        )
        .0,
        406
    );
}
