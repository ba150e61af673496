//! nova-sim's `/servers/{id}/os-server-password` (GET, DELETE; the sample
//! `os-server-password/get-password-resp.json`) and the `changePassword` action (the sample
//! `os-admin-password/admin-password-change-password.json`), against nova 34's replies; the
//! password itself is set through nova-sim's test-only `PUT /nova-sim/servers/{id}/password`.

use novagen_tests::{err, Cloud};
use serde_json::{json, Value};

#[test]
fn server_password_get_set_clear() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let path = format!("/servers/{id}/os-server-password");
    assert_eq!(
        api.call("2.1", "GET", &path, None),
        (200, json!({"password": ""}))
    );
    // The test-only route plays the metadata service.
    let secret = "xlozO3wLCBRWAa2yDjCCVx8vwNPypxnypmRYDa/zErlQ+EzPe1S/Gz6nfmC52mOlOSCRuUOmG7kqqgejPof6M7bOezS387zjq4LSvvwp28zUknzy4YzfFGhnHAdai3TxUJ26pfQCYrq8UTzmKF2Bq8ioSEtVVzM0A96pDh8W2i7BOz6MdoiVyiev/I1K2LsuipfxSJR7Wdke4zNXJjHHP2RfYsVbZ/k9ANu+Nz4iIH8/7Cacud/pphH7EjrY6a4RZNrjQskrhKYed0YERpotyjYk1eDtRe72GrSiXteqCM4biaQ5w3ruS+AcX//PXk3uJ5kC7d67fPXaVz4WaQRYMg==";
    let resp = reqwest::blocking::Client::new()
        .put(format!("{}/nova-sim/servers/{id}/password", api.cloud.url))
        .header("X-Auth-Token", &api.token)
        .json(&json!({ "password": secret }))
        .send()
        .expect("cloud answers");
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(
        api.call("2.1", "GET", &path, None),
        (200, json!({"password": secret}))
    );
    assert_eq!(api.call("2.1", "DELETE", &path, None), (204, Value::Null));
    assert_eq!(
        api.call("2.1", "GET", &path, None),
        (200, json!({"password": ""}))
    );
    // Refusals: no such server; no token for the test-only route; other methods unrouted.
    let other = "3cb4a1b4-3a4e-4a6c-a9b9-1a2b3c4d5e6f";
    let gone = err(
        "itemNotFound",
        404,
        &format!("Instance {other} could not be found."),
    );
    assert_eq!(
        api.call(
            "2.1",
            "GET",
            &format!("/servers/{other}/os-server-password"),
            None
        ),
        (404, gone.clone())
    );
    assert_eq!(
        api.call(
            "2.1",
            "DELETE",
            &format!("/servers/{other}/os-server-password"),
            None
        ),
        (404, gone)
    );
    assert_eq!(api.call("2.1", "POST", &path, Some(json!({}))).0, 404);
    let resp = reqwest::blocking::Client::new()
        .put(format!("{}/nova-sim/servers/{id}/password", api.cloud.url))
        .json(&json!({ "password": "x" }))
        .send()
        .expect("cloud answers");
    assert_eq!(resp.status().as_u16(), 401);
}

#[test]
fn change_password() {
    let cloud = Cloud::start();
    let api = cloud.compute();
    let id = api.boot_active("a");
    let act = |body: Value| api.call("2.1", "POST", &format!("/servers/{id}/action"), Some(body));
    // Any string (nova sets no length rule): 202, no body, recorded; the server shows
    // PASSWORD while the task runs.
    assert_eq!(
        act(json!({"changePassword": {"adminPass": "foo"}})),
        (202, Value::Null)
    );
    assert_eq!(api.last_action(&id), "changePassword");
    let (_, b) = api.call("2.1", "GET", &format!("/servers/{id}"), None);
    assert_eq!(b["server"]["status"], "PASSWORD");
    assert_eq!(b["server"]["OS-EXT-STS:task_state"], "updating_password");
    assert_eq!(
        act(json!({"changePassword": {"adminPass": "bar"}})),
        (409, err("conflictingRequest", 409, &format!("Cannot 'changePassword' instance {id} while it is in task_state updating_password")))
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(act(json!({"changePassword": {"adminPass": ""}})).0, 202);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let cases = [
        (json!({"changePassword": {}}), 400, err("badRequest", 400, "Invalid input for field/attribute changePassword. Value: {}. 'adminPass' is a required property")),
        (json!({"changePassword": {"adminPass": 1}}), 400, err("badRequest", 400, "Invalid input for field/attribute adminPass. Value: 1. 1 is not of type 'string'")),
        (json!({"changePassword": {"adminPass": "a", "x": 1}}), 400, err("badRequest", 400, "Invalid input for field/attribute changePassword. Value: {'adminPass': 'a', 'x': 1}. Additional properties are not allowed ('x' was unexpected)")),
    ];
    for (body, status, want) in cases {
        assert_eq!(act(body.clone()), (status, want), "{body}");
    }
    // Only an ACTIVE server.
    assert_eq!(act(json!({"os-stop": null})).0, 202);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        act(json!({"changePassword": {"adminPass": "foo"}})),
        (
            409,
            err(
                "conflictingRequest",
                409,
                &format!("Cannot 'changePassword' instance {id} while it is in vm_state stopped")
            )
        )
    );
}
